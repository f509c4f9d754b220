//! `-o yaml` and `-o json`: objects written as kubectl writes them. kubectl
//! decodes the server's JSON into maps, so keys come out sorted; YAML goes
//! through sigs.k8s.io/yaml (go-yaml v2's emitter: block style, lists at
//! their key's indentation, strings quoted only when a plain scalar would
//! read as something else), JSON through `json.MarshalIndent` with four
//! spaces (and Go's escaping of `<`, `>` and `&`).

use kubeloop_engine::validation::field::json_quote;
use serde_yaml::Value;

/// A list of objects as `kubectl get -o yaml|json` wraps several.
pub fn list(items: Vec<Value>) -> Value {
    let mut metadata = serde_yaml::Mapping::new();
    metadata.insert("resourceVersion".into(), "".into());
    let mut list = serde_yaml::Mapping::new();
    list.insert("apiVersion".into(), "v1".into());
    list.insert("items".into(), Value::Sequence(items));
    list.insert("kind".into(), "List".into());
    list.insert("metadata".into(), Value::Mapping(metadata));
    Value::Mapping(list)
}

/// The keys of a mapping as strings, sorted (Go sorts map keys).
fn sorted(mapping: &serde_yaml::Mapping) -> Vec<(String, &Value)> {
    let mut entries: Vec<(String, &Value)> = mapping
        .iter()
        .map(|(key, value)| (key.as_str().map_or_else(|| scalar_text(key), ToString::to_string), value))
        .collect();
    kubeloop_engine::lean::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
    entries
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        _ => String::new(),
    }
}

/// The whole value as YAML, ending in a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Mapping(mapping) if !mapping.is_empty() => write_mapping(&mut out, mapping, 0),
        Value::Sequence(items) if !items.is_empty() => write_sequence(&mut out, items, 0),
        other => {
            out.push_str(&inline(other, 0));
            out.push('\n');
        }
    }
    out
}

fn write_mapping(out: &mut String, mapping: &serde_yaml::Mapping, indent: usize) {
    for (key, value) in sorted(mapping) {
        out.push_str(&" ".repeat(indent));
        out.push_str(&quote(&key));
        out.push(':');
        write_child(out, value, indent, true);
    }
}

fn write_sequence(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        write_child(out, item, indent, false);
    }
}

/// What follows `key:` or `-`: a nested block, or ` scalar`.
fn write_child(out: &mut String, value: &Value, indent: usize, after_key: bool) {
    match value {
        Value::Mapping(mapping) if !mapping.is_empty() => {
            if after_key {
                out.push('\n');
                write_mapping(out, mapping, indent + 2);
            } else {
                // `- key: value`, the next keys under the first.
                out.push(' ');
                let mut nested = String::new();
                write_mapping(&mut nested, mapping, indent + 2);
                out.push_str(nested.trim_start());
            }
        }
        Value::Sequence(items) if !items.is_empty() => {
            if after_key {
                // go-yaml v2 writes a mapping's list at the key's indentation.
                out.push('\n');
                write_sequence(out, items, indent);
            } else {
                out.push(' ');
                let mut nested = String::new();
                write_sequence(&mut nested, items, indent + 2);
                out.push_str(nested.trim_start());
            }
        }
        Value::Tagged(tagged) => write_child(out, &tagged.value, indent, after_key),
        other => {
            out.push(' ');
            out.push_str(&inline(other, indent + 2));
            out.push('\n');
        }
    }
}

/// A scalar (or an empty collection) on the line of its key.
fn inline(value: &Value, indent: usize) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::String(text) if text.contains('\n') => literal(text, indent),
        Value::String(text) => quote(text),
        Value::Sequence(_) => "[]".to_string(),
        Value::Mapping(_) => "{}".to_string(),
        Value::Tagged(tagged) => inline(&tagged.value, indent),
    }
}

/// A multi-line string as a literal block: `|` (`|-` without a final
/// newline), its lines indented under the key.
fn literal(text: &str, indent: usize) -> String {
    let chomp = if text.ends_with('\n') { "" } else { "-" };
    let body = text.strip_suffix('\n').unwrap_or(text);
    let pad = " ".repeat(indent);
    let lines: Vec<String> =
        body.split('\n').map(|line| if line.is_empty() { String::new() } else { format!("{pad}{line}") }).collect();
    format!("|{chomp}\n{}", lines.join("\n"))
}

/// A string scalar: plain when it reads back as the same string, double
/// quoted when plain would read as another type (go-yaml's encoder), single
/// quoted when plain is not allowed at all (its emitter).
pub fn quote(text: &str) -> String {
    if resolves_to_other_type(text) {
        return double_quoted(text);
    }
    if !plain_allowed(text) {
        return format!("'{}'", text.replace('\'', "''"));
    }
    text.to_string()
}

fn double_quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// go-yaml v2's `resolve`: YAML 1.1 booleans, nulls, numbers, timestamps,
/// and base-60 floats all read as something other than a string.
fn resolves_to_other_type(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True",
        "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", ".inf", ".Inf", ".INF", "+.inf",
        "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
    ];
    if WORDS.contains(&text) {
        return true;
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return false;
    }
    is_int(text) || is_float(text) || is_timestamp(text) || is_base60(text)
}

fn is_int(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let digits = |body: &str, radix: u32| !body.is_empty() && body.chars().all(|c| c == '_' || c.is_digit(radix));
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return digits(hex, 16);
    }
    if let Some(binary) = unsigned.strip_prefix("0b") {
        return digits(binary, 2);
    }
    digits(unsigned, 10)
}

fn is_float(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit() || c == '_');
    let mantissa_ok =
        digits(whole) && fraction.is_none_or(digits) && !(whole.is_empty() && fraction.is_none_or(str::is_empty));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok && (fraction.is_some() || exponent.is_some())
}

/// `2006-01-02`, optionally followed by a time (`T` or space).
fn is_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    let date = bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit);
    date && (bytes.len() == 10 || matches!(bytes[10], b'T' | b't' | b' '))
}

/// `1:20` and the like (sexagesimal), which YAML 1.1 reads as a number.
fn is_base60(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut parts = unsigned.split(':');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && !first.is_empty()
        && first.chars().all(|c| c.is_ascii_digit() || c == '_')
        && rest.iter().all(|part| {
            let (whole, _) = part.split_once('.').unwrap_or((part, ""));
            !whole.is_empty() && whole.len() <= 2 && whole.chars().all(|c| c.is_ascii_digit())
        })
}

/// The emitter's analysis: may this string be written plain in block
/// context?
fn plain_allowed(text: &str) -> bool {
    let first = text.chars().next().unwrap_or(' ');
    let second = text.chars().nth(1);
    if first.is_whitespace() || text.ends_with(char::is_whitespace) {
        return false;
    }
    let indicator =
        matches!(first, ',' | '[' | ']' | '{' | '}' | '#' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`');
    let dash_like = matches!(first, '-' | '?' | ':') && second.is_none_or(char::is_whitespace);
    if indicator || dash_like {
        return false;
    }
    !(text.contains(": ") || text.contains(" #") || text.ends_with(':') || text.contains('\t'))
}

/// The value as `json.MarshalIndent(value, "", "    ")` writes it, with a
/// final newline.
pub fn to_json(value: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, value, 0);
    out.push('\n');
    out
}

/// The value as `json.Marshal` writes it: one line, keys sorted.
pub fn to_json_compact(value: &Value) -> String {
    match value {
        Value::Sequence(items) => {
            format!("[{}]", items.iter().map(to_json_compact).collect::<Vec<_>>().join(","))
        }
        Value::Mapping(mapping) => {
            let entries: Vec<String> = sorted(mapping)
                .into_iter()
                .map(|(key, item)| format!("{}:{}", json_quote(&key), to_json_compact(item)))
                .collect();
            format!("{{{}}}", entries.join(","))
        }
        Value::Tagged(tagged) => to_json_compact(&tagged.value),
        scalar => {
            let mut out = String::new();
            write_json(&mut out, scalar, 0);
            out
        }
    }
}

fn write_json(out: &mut String, value: &Value, indent: usize) {
    let pad = |n: usize| "    ".repeat(n);
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(&flag.to_string()),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(text) => out.push_str(&json_quote(text)),
        Value::Sequence(items) if items.is_empty() => out.push_str("[]"),
        Value::Sequence(items) => {
            out.push_str("[\n");
            for (index, item) in items.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                write_json(out, item, indent + 1);
                out.push_str(if index + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        Value::Mapping(mapping) if mapping.is_empty() => out.push_str("{}"),
        Value::Mapping(mapping) => {
            out.push_str("{\n");
            let entries = sorted(mapping);
            for (index, (key, item)) in entries.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                out.push_str(&json_quote(key));
                out.push_str(": ");
                write_json(out, item, indent + 1);
                out.push_str(if index + 1 < entries.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
        Value::Tagged(tagged) => write_json(out, &tagged.value, indent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_as_go_yaml_quotes_them() {
        let cases = [
            ("nginx", "nginx"),
            ("myrepo/demo-api:1.0.1", "myrepo/demo-api:1.0.1"),
            ("", "\"\""),
            ("1", "\"1\""),
            ("true", "\"true\""),
            ("yes", "\"yes\""),
            ("0.5", "\"0.5\""),
            ("2026-01-01T00:00:00Z", "\"2026-01-01T00:00:00Z\""),
            ("256Mi", "256Mi"),
            ("500m", "500m"),
            ("25%", "25%"),
            ("a: b", "'a: b'"),
            ("*", "'*'"),
            ("- x", "'- x'"),
            ("it's", "it's"),
            ("'quoted'", "'''quoted'''"),
            ("1:20", "\"1:20\""),
            ("app=web", "app=web"),
        ];
        for (text, expected) in cases {
            assert_eq!(quote(text), expected, "{text:?}");
        }
    }

    #[test]
    fn yaml_blocks_lay_out_as_kubectl_prints_them() {
        let value: Value = serde_yaml::from_str(
            "kind: Pod\napiVersion: v1\nmetadata: {name: web, labels: {app: web}, annotations: {}}\nspec:\n  containers:\n  - name: web\n    image: nginx\n    args: [a, b]\n    resources: {}\n  note: \"line one\\nline two\\n\"\n",
        )
        .expect("yaml");
        let expected = "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations: {}\n  labels:\n    app: web\n  name: web\nspec:\n  containers:\n  - args:\n    - a\n    - b\n    image: nginx\n    name: web\n    resources: {}\n  note: |\n    line one\n    line two\n";
        assert_eq!(to_yaml(&value), expected);
    }

    #[test]
    fn compact_json_is_one_sorted_line() {
        let value: Value =
            serde_yaml::from_str("kind: Pod\napiVersion: v1\nspec: {ports: [80, 443], x: null}\n").expect("yaml");
        assert_eq!(
            to_json_compact(&value),
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"ports\":[80,443],\"x\":null}}"
        );
    }

    #[test]
    fn json_is_indented_four_and_escaped_as_go_does() {
        let value: Value = serde_yaml::from_str("b: [1, {c: \"<x> & y\"}]\na: {}\nd: []\n").expect("yaml");
        let expected = "{\n    \"a\": {},\n    \"b\": [\n        1,\n        {\n            \"c\": \"\\u003cx\\u003e \\u0026 y\"\n        }\n    ],\n    \"d\": []\n}\n";
        assert_eq!(to_json(&value), expected);
    }
}
