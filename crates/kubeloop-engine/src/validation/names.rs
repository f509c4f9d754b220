//! Name, label-key and label-value rules of the API server
//! (apimachinery `pkg/util/validation` and `pkg/api/validate/content`).
//!
//! Every check returns the list of error details the API server would attach
//! to a field error, byte for byte; an empty list means the value is valid.
//! The upstream regular expressions are matched by hand (they are all simple
//! character classes), always over bytes as Go does, so any non-ASCII byte
//! fails them.

/// Longest DNS-1123 subdomain (`DNS1123SubdomainMaxLength`).
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;
/// Longest DNS-1123 label (`DNS1123LabelMaxLength`).
pub const DNS1123_LABEL_MAX_LENGTH: usize = 63;
/// Longest DNS-1035 label (`DNS1035LabelMaxLength`).
pub const DNS1035_LABEL_MAX_LENGTH: usize = 63;
/// Longest name part of a label key (`labelKeyMaxLength`).
pub const LABEL_KEY_NAME_MAX_LENGTH: usize = 63;
/// Longest label value (`LabelValueMaxLength`).
pub const LABEL_VALUE_MAX_LENGTH: usize = 63;

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT: &str = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_ERR_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_ERR_MSG: &str =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/// `MaxLenError`: `must be no more than N characters`.
pub fn max_len_error(length: usize) -> String {
    format!("must be no more than {length} characters")
}

/// `EmptyError`: `must be non-empty`.
pub fn empty_error() -> &'static str {
    "must be non-empty"
}

/// `RegexError`: the message, its examples and the regular expression, in
/// upstream's exact punctuation (including the double space before `or`).
pub fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    if examples.is_empty() {
        return format!("{msg} (regex used for validation is '{fmt}')");
    }
    let mut out = String::with_capacity(msg.len() + fmt.len() + 64);
    out.push_str(msg);
    out.push_str(" (e.g. ");
    for (i, example) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push('\'');
        out.push_str(example);
        out.push_str("', ");
    }
    out.push_str("regex used for validation is '");
    out.push_str(fmt);
    out.push_str("')");
    out
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
fn matches_dns1123_label(s: &[u8]) -> bool {
    match (s.first(), s.last()) {
        (Some(&first), Some(&last)) => {
            is_lower_alnum(first) && is_lower_alnum(last) && s.iter().all(|&b| is_lower_alnum(b) || b == b'-')
        }
        _ => false,
    }
}

/// `^label(\.label)*$`
fn matches_dns1123_subdomain(s: &str) -> bool {
    s.as_bytes().split(|&b| b == b'.').all(matches_dns1123_label)
}

/// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`
fn matches_label_key_name(s: &str) -> bool {
    let s = s.as_bytes();
    match (s.first(), s.last()) {
        (Some(&first), Some(&last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && s.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// `IsDNS1123Subdomain`: a lowercase RFC 1123 subdomain of at most 253 bytes.
pub fn is_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !matches_dns1123_subdomain(value) {
        errs.push(regex_error(DNS1123_SUBDOMAIN_ERR_MSG, DNS1123_SUBDOMAIN_FMT, &["example.com"]));
    }
    errs
}

/// `IsDNS1123Label`: a lowercase RFC 1123 label of at most 63 bytes. A valid
/// subdomain that is not a label (it has dots) gets `must not contain dots`.
pub fn is_dns1123_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_LABEL_MAX_LENGTH));
    }
    if !matches_dns1123_label(value.as_bytes()) {
        if matches_dns1123_subdomain(value) {
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(regex_error(DNS1123_LABEL_ERR_MSG, DNS1123_LABEL_FMT, &["my-name", "123-abc"]));
        }
    }
    errs
}

/// `IsDNS1035Label`: a lowercase RFC 1035 label (starts with a letter) of at
/// most 63 bytes; Service names use it.
pub fn is_dns1035_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1035_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1035_LABEL_MAX_LENGTH));
    }
    let starts_with_letter = value.as_bytes().first().is_some_and(u8::is_ascii_lowercase);
    if !(starts_with_letter && matches_dns1123_label(value.as_bytes())) {
        errs.push(regex_error(DNS1035_LABEL_ERR_MSG, DNS1035_LABEL_FMT, &["my-name", "abc-123"]));
    }
    errs
}

/// `IsQualifiedName` (= `content.IsLabelKey`): a label key, `name` or
/// `prefix/name` with a DNS-subdomain prefix.
pub fn is_qualified_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let name = match value.split_once('/') {
        None => value,
        Some((_, suffix)) if suffix.contains('/') => {
            errs.push(format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(LABEL_KEY_ERR_MSG, LABEL_KEY_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return errs;
        }
        Some((prefix, suffix)) => {
            if prefix.is_empty() {
                errs.push(format!("prefix part {}", empty_error()));
            } else {
                errs.extend(is_dns1123_subdomain(prefix).into_iter().map(|msg| format!("prefix part {msg}")));
            }
            suffix
        }
    };
    if name.is_empty() {
        errs.push(format!("name part {}", empty_error()));
    } else if name.len() > LABEL_KEY_NAME_MAX_LENGTH {
        errs.push(format!("name part {}", max_len_error(LABEL_KEY_NAME_MAX_LENGTH)));
    }
    if !matches_label_key_name(name) {
        errs.push(format!(
            "name part {}",
            regex_error(LABEL_KEY_ERR_MSG, LABEL_KEY_FMT, &["MyName", "my.name", "123-abc"])
        ));
    }
    errs
}

/// `IsValidLabelValue` (= `content.IsLabelValue`): empty, or a label-key name
/// of at most 63 bytes.
pub fn is_valid_label_value(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > LABEL_VALUE_MAX_LENGTH {
        errs.push(max_len_error(LABEL_VALUE_MAX_LENGTH));
    }
    if !value.is_empty() && !matches_label_key_name(value) {
        errs.push(regex_error(LABEL_VALUE_ERR_MSG, LABEL_VALUE_FMT, &["MyValue", "my_value", "12345"]));
    }
    errs
}

/// `maskTrailingDash`, bug for bug: a trailing dash of a name longer than one
/// byte replaces the last *two* bytes with `a` (a generateName prefix gets a
/// suffix appended, so its trailing dash is allowed).
fn mask_trailing_dash(name: &str) -> String {
    if name.len() > 1 && name.ends_with('-') {
        // The last byte is '-', so len - 2 is a char boundary unless the byte
        // before the dash belongs to a multi-byte character; slice by bytes
        // and keep what Go keeps (invalid UTF-8 cannot match the rules anyway).
        let kept = &name.as_bytes()[..name.len() - 2];
        let mut out = String::from_utf8_lossy(kept).into_owned();
        out.push('a');
        return out;
    }
    name.to_string()
}

/// `NameIsDNSSubdomain`: the `ValidateNameFunc` of most kinds (Deployment,
/// ReplicaSet, ConfigMap, ...). `prefix` is true when validating a
/// `generateName`.
pub fn name_is_dns_subdomain(name: &str, prefix: bool) -> Vec<String> {
    if prefix { is_dns1123_subdomain(&mask_trailing_dash(name)) } else { is_dns1123_subdomain(name) }
}

/// `NameIsDNSLabel`: the `ValidateNameFunc` of kinds whose names are DNS
/// labels (Namespace).
pub fn name_is_dns_label(name: &str, prefix: bool) -> Vec<String> {
    if prefix { is_dns1123_label(&mask_trailing_dash(name)) } else { is_dns1123_label(name) }
}

/// `NameIsDNS1035Label`: the `ValidateNameFunc` of Services.
pub fn name_is_dns1035_label(name: &str, prefix: bool) -> Vec<String> {
    if prefix { is_dns1035_label(&mask_trailing_dash(name)) } else { is_dns1035_label(name) }
}

/// The name part of `ValidateObjectMetaAccessor`: `generateName` (if set) and
/// `name` checked with `name_fn`; an empty name is `Required value: name or
/// generateName is required`. `path` is the metadata path, e.g. `metadata`.
///
/// Returns `(field path, error type, bad value, detail)`; the bad value is
/// `None` for `Required value`.
pub fn validate_object_meta_name(
    name: &str,
    generate_name: &str,
    name_fn: fn(&str, bool) -> Vec<String>,
    path: &str,
) -> Vec<(String, String, Option<String>, String)> {
    let mut errs = Vec::new();
    if !generate_name.is_empty() {
        for msg in name_fn(generate_name, true) {
            errs.push((
                format!("{path}.generateName"),
                "Invalid value".to_string(),
                Some(generate_name.to_string()),
                msg,
            ));
        }
    }
    if name.is_empty() {
        errs.push((
            format!("{path}.name"),
            "Required value".to_string(),
            None,
            "name or generateName is required".to_string(),
        ));
    } else {
        for msg in name_fn(name, false) {
            errs.push((format!("{path}.name"), "Invalid value".to_string(), Some(name.to_string()), msg));
        }
    }
    errs
}

/// IsValidPortName: an IANA_SVC_NAME, lower case only.
pub fn is_valid_port_name(port: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if port.len() > 15 {
        problems.push(max_len_error(15));
    }
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        problems.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string());
    }
    if !port.bytes().any(|b| b.is_ascii_lowercase()) {
        problems.push("must contain at least one letter (a-z)".to_string());
    }
    if port.contains("--") {
        problems.push("must not contain consecutive hyphens".to_string());
    }
    if port.starts_with('-') || port.ends_with('-') {
        problems.push("must not begin or end with a hyphen".to_string());
    }
    problems
}

/// `path.IsValidPathSegmentName`.
pub fn is_valid_path_segment_name(name: &str) -> Vec<String> {
    if name == "." || name == ".." {
        return vec![format!("may not be '{name}'")];
    }
    ["/", "%"].iter().filter(|bad| name.contains(**bad)).map(|bad| format!("may not contain '{bad}'")).collect()
}

/// `path.IsValidPathSegmentPrefix`.
pub fn is_valid_path_segment_prefix(name: &str) -> Vec<String> {
    ["/", "%"].iter().filter(|bad| name.contains(**bad)).map(|bad| format!("may not contain '{bad}'")).collect()
}

/// `IsValidPortNum`: the problems with a port number (none when valid).
pub fn is_valid_port_num(port: i64) -> Vec<String> {
    if (1..=65535).contains(&port) { Vec::new() } else { vec![inclusive_range_error(1, 65535)] }
}

/// `InclusiveRangeError`.
pub fn inclusive_range_error(lo: i64, hi: i64) -> String {
    format!("must be between {lo} and {hi}, inclusive")
}

/// `IsConfigMapKey` (also Secret keys and environment variable sources).
pub fn is_config_map_key(key: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if key.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        problems.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')) {
        problems.push(regex_error(
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
            "[-._a-zA-Z0-9]+",
            &["key.name", "KEY_NAME", "key-name"],
        ));
    }
    if key == "." {
        problems.push("must not be '.'".to_string());
    } else if key == ".." {
        problems.push("must not be '..'".to_string());
    } else if key.starts_with("..") {
        problems.push("must not start with '..'".to_string());
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    const KEY_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    const VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    // content/dns_test.go TestIsDNS1123Label
    #[test]
    fn dns1123_label_table() {
        let long_ok = "a".repeat(63);
        let good = ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2", &long_ok];
        for value in good {
            assert!(is_dns1123_label(value).is_empty(), "{value:?} should be valid");
        }
        let long_bad = "a".repeat(64);
        let bad = [
            "", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1",
            "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2", &long_bad,
            "é",
        ];
        for value in bad {
            assert!(!is_dns1123_label(value).is_empty(), "{value:?} should be invalid");
        }
    }

    #[test]
    fn dns1123_label_messages() {
        assert_eq!(is_dns1123_label("A"), vec![LABEL_MSG.to_string()]);
        assert_eq!(is_dns1123_label("a.b"), vec!["must not contain dots".to_string()]);
        assert_eq!(is_dns1123_label(&"a".repeat(64)), vec!["must be no more than 63 characters".to_string()]);
        let long_dotted = format!("{}.b", "a".repeat(63));
        assert_eq!(
            is_dns1123_label(&long_dotted),
            vec!["must be no more than 63 characters".to_string(), "must not contain dots".to_string()]
        );
    }

    // content/dns_test.go TestIsDNS1123Subdomain
    #[test]
    fn dns1123_subdomain_table() {
        let long_ok = "a".repeat(253);
        let good = [
            "a",
            "ab",
            "abc",
            "a1",
            "a-1",
            "a--1--2--b",
            "0",
            "01",
            "012",
            "1a",
            "1-a",
            "1--a--b--2",
            "a.a",
            "ab.a",
            "abc.a",
            "a1.a",
            "a-1.a",
            "a--1--2--b.a",
            "a.1",
            "ab.1",
            "abc.1",
            "a1.1",
            "a-1.1",
            "a--1--2--b.1",
            "0.a",
            "01.a",
            "012.a",
            "1a.a",
            "1-a.a",
            "0.1",
            "01.1",
            "012.1",
            "1a.1",
            "1-a.1",
            "1--a--b--2.1",
            "a.b.c.d.e",
            "aa.bb.cc.dd.ee",
            "1.2.3.4.5",
            "11.22.33.44.55",
            &long_ok,
        ];
        for value in good {
            assert!(is_dns1123_subdomain(value).is_empty(), "{value:?} should be valid");
        }
        let long_bad = "a".repeat(254);
        let bad = [
            "",
            "A",
            "ABC",
            "aBc",
            "A1",
            "A-1",
            "1-A",
            "-",
            "a-",
            "-a",
            "1-",
            "-1",
            "_",
            "a_",
            "_a",
            "a_b",
            "1_",
            "_1",
            "1_2",
            ".",
            "a.",
            ".a",
            "a..b",
            "1.",
            ".1",
            "1..2",
            " ",
            "a ",
            " a",
            "a b",
            "1 ",
            " 1",
            "1 2",
            "A.a",
            "aB.a",
            "ab.A",
            "A1.a",
            "a1.A",
            "A.1",
            "aB.1",
            "A1.1",
            "1A.1",
            "0.A",
            "01.A",
            "012.A",
            "1A.a",
            "1a.A",
            "A.B.C.D.E",
            "AA.BB.CC.DD.EE",
            "a.B.c.d.e",
            "aa.bB.cc.dd.ee",
            "a@b",
            "a,b",
            "a_b",
            "a;b",
            "a:b",
            "a%b",
            "a?b",
            "a$b",
            &long_bad,
            "a\n",
        ];
        for value in bad {
            assert!(!is_dns1123_subdomain(value).is_empty(), "{value:?} should be invalid");
        }
    }

    #[test]
    fn dns1123_subdomain_messages() {
        assert_eq!(is_dns1123_subdomain("My-App"), vec![SUBDOMAIN_MSG.to_string()]);
        assert_eq!(is_dns1123_subdomain(&"a".repeat(254)), vec!["must be no more than 253 characters".to_string()]);
        assert_eq!(
            is_dns1123_subdomain(&"A".repeat(254)),
            vec!["must be no more than 253 characters".to_string(), SUBDOMAIN_MSG.to_string()]
        );
    }

    // validation_test.go TestIsDNS1035Label
    #[test]
    fn dns1035_label_table() {
        let long_ok = "a".repeat(63);
        for value in ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", &long_ok] {
            assert!(is_dns1035_label(value).is_empty(), "{value:?} should be valid");
        }
        let long_bad = "a".repeat(64);
        let bad = [
            "0",
            "01",
            "012",
            "1a",
            "1-a",
            "1--a--b--2",
            "",
            "A",
            "ABC",
            "aBc",
            "A1",
            "A-1",
            "1-A",
            "-",
            "a-",
            "-a",
            "1-",
            "-1",
            "_",
            "a_",
            "_a",
            "a_b",
            "1_",
            "_1",
            "1_2",
            ".",
            "a.",
            ".a",
            "a.b",
            "1.",
            ".1",
            "1.2",
            " ",
            "a ",
            " a",
            "a b",
            "1 ",
            " 1",
            "1 2",
            &long_bad,
        ];
        for value in bad {
            assert!(!is_dns1035_label(value).is_empty(), "{value:?} should be invalid");
        }
        assert_eq!(
            is_dns1035_label("1a"),
            vec!["a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')".to_string()]
        );
        assert!(name_is_dns1035_label("svc-", true).is_empty());
        assert!(!name_is_dns1035_label("svc-", false).is_empty());
    }

    // content/kube_test.go TestIsLabelKey
    #[test]
    fn qualified_name_table() {
        let long_name = "a".repeat(63);
        let long_both = format!("{}/{}", "a".repeat(253), "b".repeat(63));
        let good = [
            "simple",
            "now-with-dashes",
            "1-starts-with-num",
            "1234",
            "simple/simple",
            "now-with-dashes/simple",
            "now-with-dashes/now-with-dashes",
            "now.with.dots/simple",
            "now-with.dashes-and.dots/simple",
            "1-num.2-num/3-num",
            "1234/5678",
            "1.2.3.4/5678",
            "Uppercase_Is_OK_123",
            "example.com/Uppercase_Is_OK_123",
            "requests.storage-foo",
            &long_name,
            &long_both,
        ];
        for value in good {
            assert!(is_qualified_name(value).is_empty(), "{value:?} should be valid: {:?}", is_qualified_name(value));
        }
        let too_long = "a".repeat(64);
        let long_prefix = format!("{}/abc", "a".repeat(254));
        let bad = [
            "nospecialchars%^=@",
            "cantendwithadash-",
            "-cantstartwithadash-",
            "only/one/slash",
            "Example.com/abc",
            "example_com/abc",
            "example.com/",
            "/simple",
            &too_long,
            &long_prefix,
            "",
        ];
        for value in bad {
            assert!(!is_qualified_name(value).is_empty(), "{value:?} should be invalid");
        }
    }

    #[test]
    fn qualified_name_messages() {
        assert_eq!(is_qualified_name("-key"), vec![KEY_NAME_MSG.to_string()]);
        assert_eq!(is_qualified_name(""), vec!["name part must be non-empty".to_string(), KEY_NAME_MSG.to_string()]);
        assert_eq!(
            is_qualified_name("/simple"),
            vec!["prefix part must be non-empty".to_string()],
            "an empty prefix is one error; the name is fine"
        );
        assert_eq!(is_qualified_name("Example.com/abc"), vec![format!("prefix part {SUBDOMAIN_MSG}")],);
        assert_eq!(
            is_qualified_name("example.com/"),
            vec!["name part must be non-empty".to_string(), KEY_NAME_MSG.to_string()]
        );
        assert_eq!(
            is_qualified_name(&"a".repeat(64)),
            vec!["name part must be no more than 63 characters".to_string()]
        );
        assert_eq!(
            is_qualified_name("only/one/slash"),
            vec!["a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".to_string()]
        );
    }

    // content/kube_test.go TestIsLabelValue
    #[test]
    fn label_value_table() {
        let long_ok = "a".repeat(63);
        let good = ["simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", &long_ok, ""];
        for value in good {
            assert!(is_valid_label_value(value).is_empty(), "{value:?} should be valid");
        }
        let too_long = "a".repeat(64);
        let bad = [
            "nospecialchars%^=@",
            "Tama-nui-te-rā.is.Māori.sun",
            "\\backslashes\\are\\bad",
            "-starts-with-dash",
            "ends-with-dash-",
            ".starts.with.dot",
            "ends.with.dot.",
            &too_long,
        ];
        for value in bad {
            assert!(!is_valid_label_value(value).is_empty(), "{value:?} should be invalid");
        }
        assert_eq!(is_valid_label_value("-value"), vec![VALUE_MSG.to_string()]);
        assert_eq!(is_valid_label_value(&"a".repeat(64)), vec!["must be no more than 63 characters".to_string()]);
    }

    #[test]
    fn regex_error_formats() {
        assert_eq!(
            regex_error(
                "a valid percent string must be a numeric string followed by an ending '%'",
                "[0-9]+%",
                &["1%", "93%"]
            ),
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
        );
        assert_eq!(regex_error("msg", "x+", &[]), "msg (regex used for validation is 'x+')");
    }

    #[test]
    fn generate_name_masks_trailing_dash() {
        assert!(name_is_dns_subdomain("web-", true).is_empty());
        assert!(!name_is_dns_subdomain("web-", false).is_empty());
        assert_eq!(mask_trailing_dash("abc-"), "aba");
        assert_eq!(mask_trailing_dash("a-"), "a");
        assert_eq!(mask_trailing_dash("-"), "-");
        assert!(!name_is_dns_subdomain("-", true).is_empty());
        // "a.-" masks to "aa": valid, although "a." would not be.
        assert!(name_is_dns_subdomain("a.-", true).is_empty());
        assert!(name_is_dns_label("ns-", true).is_empty());
        assert!(!name_is_dns_label("ns-", false).is_empty());
        assert_eq!(mask_trailing_dash("é-"), "\u{fffd}a");
    }

    #[test]
    fn object_meta_name() {
        let errs = validate_object_meta_name("", "", name_is_dns_subdomain, "metadata");
        assert_eq!(
            errs,
            vec![(
                "metadata.name".to_string(),
                "Required value".to_string(),
                None,
                "name or generateName is required".to_string()
            )]
        );
        assert!(validate_object_meta_name("web", "", name_is_dns_subdomain, "metadata").is_empty());
        let errs = validate_object_meta_name("Web", "", name_is_dns_subdomain, "metadata");
        assert_eq!(
            errs,
            vec![(
                "metadata.name".to_string(),
                "Invalid value".to_string(),
                Some("Web".to_string()),
                SUBDOMAIN_MSG.to_string()
            )]
        );
        let errs = validate_object_meta_name("", "Web-", name_is_dns_subdomain, "metadata");
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].0, "metadata.generateName");
        assert_eq!(errs[0].2.as_deref(), Some("Web-"));
        assert_eq!(errs[1].1, "Required value");
    }
}
