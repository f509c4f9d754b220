//! `-l/--selector`: label selectors as text (apimachinery's `labels.Parse`):
//! requirements joined by commas, each `key`, `!key`, `key=value`,
//! `key==value`, `key!=value`, `key in (a,b)` or `key notin (a,b)`.

use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Operator {
    Exists,
    DoesNotExist,
    Equals(String),
    NotEquals(String),
    In(Vec<String>),
    NotIn(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Requirement {
    key: String,
    operator: Operator,
}

/// A parsed selector; the empty one selects everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    requirements: Vec<Requirement>,
}

impl Selector {
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|requirement| {
            let value = labels.get(&requirement.key);
            match &requirement.operator {
                Operator::Exists => value.is_some(),
                Operator::DoesNotExist => value.is_none(),
                Operator::Equals(wanted) => value == Some(wanted),
                Operator::NotEquals(unwanted) => value != Some(unwanted),
                Operator::In(values) => value.is_some_and(|value| values.contains(value)),
                Operator::NotIn(values) => value.is_none_or(|value| !values.contains(value)),
            }
        })
    }
}

/// Parses a selector, or says what is wrong with it in the lexer's words.
pub fn parse(text: &str) -> Result<Selector, String> {
    let mut requirements = Vec::new();
    for part in split_top_level(text)? {
        let part = part.trim();
        if part.is_empty() {
            if text.trim().is_empty() {
                continue;
            }
            return Err("unable to parse requirement: found ',', expected: identifier".to_string());
        }
        requirements.push(requirement(part)?);
    }
    Ok(Selector { requirements })
}

/// Splits at commas outside parentheses.
fn split_top_level(text: &str) -> Result<Vec<&str>, String> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (at, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.checked_sub(1).ok_or("unable to parse requirement: found ')', expected: identifier")?
            }
            ',' if depth == 0 => {
                parts.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    Ok(parts)
}

fn requirement(part: &str) -> Result<Requirement, String> {
    if let Some(key) = part.strip_prefix('!') {
        return Ok(Requirement { key: label_key(key.trim())?, operator: Operator::DoesNotExist });
    }
    for (symbol, make) in
        [("!=", Operator::NotEquals as fn(String) -> Operator), ("==", Operator::Equals), ("=", Operator::Equals)]
    {
        if let Some((key, value)) = part.split_once(symbol) {
            return Ok(Requirement { key: label_key(key.trim())?, operator: make(label_value(value.trim())?) });
        }
    }
    let mut words = part.splitn(2, char::is_whitespace);
    let key = label_key(words.next().unwrap_or(""))?;
    let Some(rest) = words.next().map(str::trim) else {
        return Ok(Requirement { key, operator: Operator::Exists });
    };
    let (set, rest) = if let Some(rest) = rest.strip_prefix("notin") {
        (Operator::NotIn as fn(Vec<String>) -> Operator, rest)
    } else if let Some(rest) = rest.strip_prefix("in") {
        (Operator::In as fn(Vec<String>) -> Operator, rest)
    } else {
        let found = rest.split_whitespace().next().unwrap_or("");
        return Err(format!("unable to parse requirement: found '{found}', expected: in, notin, =, ==, !=, gt, lt"));
    };
    let values = rest
        .trim()
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
        .ok_or_else(|| format!("unable to parse requirement: found '{}', expected: '('", rest.trim()))?;
    let values = values.split(',').map(|value| label_value(value.trim())).collect::<Result<Vec<_>, _>>()?;
    Ok(Requirement { key, operator: set(values) })
}

/// A label key: a name of up to 63 characters, optionally behind a DNS
/// prefix and `/`.
fn label_key(key: &str) -> Result<String, String> {
    let name = key.rsplit_once('/').map_or(key, |(_, name)| name);
    let valid = !name.is_empty()
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if valid { Ok(key.to_string()) } else { Err(format!("unable to parse requirement: invalid label key \"{key}\"")) }
}

/// A label value: empty, or up to 63 alphanumerics, `-`, `_`, `.`,
/// starting and ending alphanumeric.
fn label_value(value: &str) -> Result<String, String> {
    let valid = value.is_empty()
        || (value.len() <= 63
            && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && value.starts_with(|c: char| c.is_ascii_alphanumeric())
            && value.ends_with(|c: char| c.is_ascii_alphanumeric()));
    if valid {
        Ok(value.to_string())
    } else {
        Err(format!("unable to parse requirement: invalid label value: \"{value}\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn selectors_select_as_labels_parse_does() {
        let web = labels(&[("app", "web"), ("tier", "front")]);
        let api = labels(&[("app", "api")]);
        let cases: &[(&str, bool, bool)] = &[
            ("", true, true),
            ("app=web", true, false),
            ("app==web", true, false),
            ("app!=web", false, true),
            ("tier", true, false),
            ("!tier", false, true),
            ("app in (web, api)", true, true),
            ("app notin (web)", false, true),
            ("tier notin (back)", true, true),
            ("app=web,tier=front", true, false),
            ("app=web, tier=back", false, false),
        ];
        for &(text, selects_web, selects_api) in cases {
            let selector = parse(text).unwrap_or_else(|error| panic!("{text}: {error}"));
            assert_eq!(selector.matches(&web), selects_web, "{text} on web");
            assert_eq!(selector.matches(&api), selects_api, "{text} on api");
        }
    }

    #[test]
    fn bad_selectors_are_refused() {
        for text in ["app=web,", "app in web", "app is web", "-app=web", "app=web!", "app in (web"] {
            assert!(parse(text).is_err(), "{text}");
        }
    }
}
