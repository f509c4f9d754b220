//! `IntOrString` (apimachinery `pkg/util/intstr`): a field that holds an int32
//! or a string, such as a Deployment's `maxSurge` (`3` or `"25%"`).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// An int32 or a string, as the manifest wrote it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntOrString {
    Int(i32),
    String(String),
}

/// `IsValidPercent`'s detail, as apps validation reports it for a
/// `maxSurge`/`maxUnavailable` string that is not `[0-9]+%`.
pub const PERCENT_ERROR: &str = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/// `IsValidPercent`'s rule: `^[0-9]+%$`.
pub fn is_valid_percent(s: &str) -> bool {
    match s.strip_suffix('%') {
        Some(digits) => !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

/// `GetScaledValueFromIntOrPercent`: an int is returned as is; a string must
/// be an integer followed by `%` and is scaled against `total` in float64,
/// rounded up (`math.Ceil`) or down (`math.Floor`).
///
/// Errors carry upstream's text, e.g. `invalid value for IntOrString: invalid
/// type: string is not a percentage`. Upstream returns a Go `int` that its
/// callers convert with `int32(...)`; a result beyond i32 wraps the same way.
pub fn get_scaled_value_from_int_or_percent(v: &IntOrString, total: i32, round_up: bool) -> Result<i32, String> {
    match v {
        IntOrString::Int(value) => Ok(*value),
        IntOrString::String(s) => {
            let Some(number) = s.strip_suffix('%') else {
                return Err("invalid value for IntOrString: invalid type: string is not a percentage".to_string());
            };
            let value = go_atoi(number).map_err(|kind| {
                format!(
                    "invalid value for IntOrString: invalid value {}: strconv.Atoi: parsing {}: {}",
                    go_quote(s),
                    go_quote(number),
                    kind.message()
                )
            })?;
            // float64(value) * float64(total) / 100, as upstream.
            let scaled = value as f64 * f64::from(total) / 100.0;
            let rounded = if round_up { scaled.ceil() } else { scaled.floor() };
            // int(...) then the callers' int32(...): saturate into i64 (Go's
            // conversion of an out-of-range float is unspecified), then wrap.
            Ok(rounded as i64 as i32)
        }
    }
}

/// `strconv.Atoi`'s two failure kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AtoiError {
    Syntax,
    Range,
}

impl AtoiError {
    fn message(self) -> &'static str {
        match self {
            AtoiError::Syntax => "invalid syntax",
            AtoiError::Range => "value out of range",
        }
    }
}

/// `strconv.Atoi` on a 64-bit platform: an optional sign and decimal digits
/// (no underscores); overflow is a range error, reported as soon as it is
/// met (a bad byte after the overflow does not turn it into a syntax error).
fn go_atoi(s: &str) -> Result<i64, AtoiError> {
    let bytes = s.as_bytes();
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    if digits.is_empty() {
        return Err(AtoiError::Syntax);
    }
    // ParseUint at 64 bits: a syntax error before any overflow wins, and an
    // overflow is reported at the digit that causes it.
    let mut n: u64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return Err(AtoiError::Syntax);
        }
        let d = u64::from(b - b'0');
        n = match n.checked_mul(10).and_then(|n| n.checked_add(d)) {
            Some(n) => n,
            None => return Err(AtoiError::Range),
        };
    }
    if negative {
        if n > 1u64 << 63 {
            return Err(AtoiError::Range);
        }
        Ok((n as i64).wrapping_neg())
    } else {
        i64::try_from(n).map_err(|_| AtoiError::Range)
    }
}

/// `strconv.Quote`: a double-quoted Go string literal. ASCII is exact; for
/// other characters Go's `unicode.IsPrint` is approximated (spaces, controls,
/// format characters and private use are escaped, everything else printed).
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if !go_is_print(c) => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint` for non-ASCII characters.
fn go_is_print(c: char) -> bool {
    let u = c as u32;
    !(c.is_whitespace()
        || c.is_control()
        || u == 0xad
        || u == 0x061c
        || u == 0x180e
        || (0x200b..=0x200f).contains(&u)
        || (0x202a..=0x202e).contains(&u)
        || (0x2060..=0x206f).contains(&u)
        || u == 0xfeff
        || (0xfff9..=0xfffb).contains(&u)
        || (0xe000..=0xf8ff).contains(&u)
        || u >= 0xf0000
        || u == 0xfffe
        || u == 0xffff)
}

/// How Go's `encoding/json` writes a float64 (`strconv.AppendFloat` with the
/// shortest digits, `e` notation below 1e-6 and from 1e21, `e-07` tidied to
/// `e-7`). kubectl turns YAML into JSON this way before the API server reads
/// a number, so `2.0` arrives as `2` and `1e21` as `1e+21`. `None` for NaN
/// and infinities, which JSON cannot carry.
pub(crate) fn go_json_float(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // Rust's `{:e}` is the shortest round-trip form: "1.5e-7", "1e21".
        let text = format!("{f:e}");
        let (mantissa, exponent) = text.split_once('e')?;
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(digits) => ('-', digits),
            None => ('+', exponent),
        };
        Some(format!("{mantissa}e{sign}{digits}"))
    } else {
        Some(format!("{f}"))
    }
}

/// Go's message when a JSON value that is not a number in int32 range meets
/// an int32 field (`json: cannot unmarshal number 1.5 into Go value of type
/// int32`). The API server names the struct field in place of "Go value";
/// the visitor does not know it.
fn int32_type_error(what: &str) -> String {
    format!("json: cannot unmarshal {what} into Go value of type int32")
}

impl fmt::Display for IntOrString {
    /// `String()`: the string, or the int in decimal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(value) => write!(f, "{value}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

impl From<i32> for IntOrString {
    fn from(value: i32) -> Self {
        IntOrString::Int(value)
    }
}

impl From<&str> for IntOrString {
    fn from(value: &str) -> Self {
        IntOrString::String(value.to_string())
    }
}

impl Serialize for IntOrString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            IntOrString::Int(value) => serializer.serialize_i32(*value),
            IntOrString::String(s) => serializer.serialize_str(s),
        }
    }
}

struct IntOrStringVisitor;

impl IntOrStringVisitor {
    fn integer<E: de::Error>(value: i128) -> Result<IntOrString, E> {
        i32::try_from(value).map(IntOrString::Int).map_err(|_| E::custom(int32_type_error(&format!("number {value}"))))
    }
}

impl<'de> Visitor<'de> for IntOrStringVisitor {
    type Value = IntOrString;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrString, E> {
        Ok(IntOrString::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<IntOrString, E> {
        Ok(IntOrString::String(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrString, E> {
        Self::integer(i128::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrString, E> {
        Self::integer(i128::from(v))
    }

    /// serde_yaml hands over integers beyond 64 bits as 128-bit ones; the Go
    /// YAML reader turns them into float64, so they are judged as floats.
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<IntOrString, E> {
        match i64::try_from(v) {
            Ok(v) => Self::integer(i128::from(v)),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<IntOrString, E> {
        match u64::try_from(v) {
            Ok(v) => Self::integer(i128::from(v)),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    /// The float reaches the API server as Go's JSON text of it: `2.0` is
    /// `2` (an int), `1.5` is not an int32.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<IntOrString, E> {
        let Some(text) = go_json_float(v) else {
            return Err(E::custom(format!("json: unsupported value: {}", go_float_name(v))));
        };
        match text.parse::<i32>() {
            Ok(value) => Ok(IntOrString::Int(value)),
            Err(_) => Err(E::custom(int32_type_error(&format!("number {text}")))),
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<IntOrString, E> {
        Err(E::custom(int32_type_error("bool")))
    }

    /// JSON `null` leaves an IntOrString at its zero value, the int 0.
    fn visit_unit<E: de::Error>(self) -> Result<IntOrString, E> {
        Ok(IntOrString::Int(0))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<IntOrString, A::Error> {
        Err(de::Error::custom(int32_type_error("array")))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<IntOrString, A::Error> {
        Err(de::Error::custom(int32_type_error("object")))
    }
}

/// Go's `strconv.FormatFloat` spelling of a non-finite float.
pub(crate) fn go_float_name(v: f64) -> &'static str {
    if v.is_nan() {
        "NaN"
    } else if v > 0.0 {
        "+Inf"
    } else {
        "-Inf"
    }
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IntOrStringVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> IntOrString {
        IntOrString::String(v.to_string())
    }

    // intstr_test.go TestGetIntFromIntOrPercent, plus the conformance cases
    // deploy.fenceposts.02..04 (39% of 10: surge 4, unavailable 3; "oops").
    #[test]
    fn scaled_value_table() {
        let cases: &[(IntOrString, i32, bool, Result<i32, ()>)] = &[
            (IntOrString::Int(123), 0, false, Ok(123)),
            (s("90%"), 100, true, Ok(90)),
            (s("90%"), 95, true, Ok(86)),
            (s("90%"), 95, false, Ok(85)),
            (s("%"), 0, false, Err(())),
            (s("90#"), 0, false, Err(())),
            (s("#%"), 0, false, Err(())),
            (s("90"), 0, false, Err(())),
            (s("39%"), 10, true, Ok(4)),
            (s("39%"), 10, false, Ok(3)),
            (s("0%"), 0, true, Ok(0)),
            (s("0%"), 0, false, Ok(0)),
            (s("55%"), 10, true, Ok(6)),
            (s("25%"), 3, true, Ok(1)),
            (s("25%"), 3, false, Ok(0)),
            (s("100%"), 7, false, Ok(7)),
            (s("+10%"), 10, true, Ok(1)),
            (s("-10%"), 10, true, Ok(-1)),
            (s("-15%"), 10, false, Ok(-2)),
            (s("40%%"), 10, true, Err(())),
            (s("30%0"), 10, true, Err(())),
            (s("oops"), 10, true, Err(())),
            (s("urg"), 10, false, Err(())),
        ];
        for (input, total, round_up, want) in cases {
            let got = get_scaled_value_from_int_or_percent(input, *total, *round_up).map_err(|_| ());
            assert_eq!(got, *want, "{input:?} of {total}, round_up={round_up}");
        }
    }

    #[test]
    fn scaled_value_float_semantics() {
        // float64(value) * float64(total) / 100: exact for integral results.
        assert_eq!(get_scaled_value_from_int_or_percent(&s("7%"), 100, true), Ok(7));
        assert_eq!(get_scaled_value_from_int_or_percent(&s("29%"), 100, false), Ok(29));
        assert_eq!(get_scaled_value_from_int_or_percent(&s("33%"), 3, true), Ok(1));
        assert_eq!(get_scaled_value_from_int_or_percent(&s("33%"), 3, false), Ok(0));
        assert_eq!(get_scaled_value_from_int_or_percent(&s("1%"), 1, true), Ok(1));
        assert_eq!(get_scaled_value_from_int_or_percent(&s("1%"), 1, false), Ok(0));
        assert_eq!(get_scaled_value_from_int_or_percent(&s("50%"), -3, true), Ok(-1));
        assert_eq!(get_scaled_value_from_int_or_percent(&s("50%"), -3, false), Ok(-2));
    }

    #[test]
    fn scaled_value_messages() {
        assert_eq!(
            get_scaled_value_from_int_or_percent(&s("oops"), 10, true),
            Err("invalid value for IntOrString: invalid type: string is not a percentage".to_string())
        );
        assert_eq!(
            get_scaled_value_from_int_or_percent(&s("a%"), 10, true),
            Err(r#"invalid value for IntOrString: invalid value "a%": strconv.Atoi: parsing "a": invalid syntax"#
                .to_string())
        );
        assert_eq!(
            get_scaled_value_from_int_or_percent(&s("%"), 10, true),
            Err(r#"invalid value for IntOrString: invalid value "%": strconv.Atoi: parsing "": invalid syntax"#
                .to_string())
        );
        assert_eq!(
            get_scaled_value_from_int_or_percent(&s("99999999999999999999%"), 10, true),
            Err(r#"invalid value for IntOrString: invalid value "99999999999999999999%": strconv.Atoi: parsing "99999999999999999999": value out of range"#.to_string())
        );
        assert_eq!(
            get_scaled_value_from_int_or_percent(&s("1\t%"), 10, true),
            Err(r#"invalid value for IntOrString: invalid value "1\t%": strconv.Atoi: parsing "1\t": invalid syntax"#
                .to_string())
        );
    }

    #[test]
    fn atoi_matches_go() {
        assert_eq!(go_atoi("0"), Ok(0));
        assert_eq!(go_atoi("-0"), Ok(0));
        assert_eq!(go_atoi("+42"), Ok(42));
        assert_eq!(go_atoi("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(go_atoi("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(go_atoi("9223372036854775808"), Err(AtoiError::Range));
        assert_eq!(go_atoi("-9223372036854775809"), Err(AtoiError::Range));
        assert_eq!(go_atoi("18446744073709551616"), Err(AtoiError::Range));
        assert_eq!(go_atoi("99999999999999999999x"), Err(AtoiError::Range));
        assert_eq!(go_atoi("9999999999999999999x"), Err(AtoiError::Syntax));
        assert_eq!(go_atoi(""), Err(AtoiError::Syntax));
        assert_eq!(go_atoi("-"), Err(AtoiError::Syntax));
        assert_eq!(go_atoi("1_000"), Err(AtoiError::Syntax));
        assert_eq!(go_atoi(" 1"), Err(AtoiError::Syntax));
        assert_eq!(go_atoi("--1"), Err(AtoiError::Syntax));
    }

    #[test]
    fn huge_percentages_wrap_like_int32_conversion() {
        // 3000000000% of 1 = 30000000: fits. 300000000000% of 1 wraps.
        assert_eq!(get_scaled_value_from_int_or_percent(&s("3000000000%"), 1, true), Ok(30_000_000));
        assert_eq!(get_scaled_value_from_int_or_percent(&s("300000000000%"), 1, true), Ok(3_000_000_000_i64 as i32));
        assert!(get_scaled_value_from_int_or_percent(&s("9223372036854775807%"), i32::MAX, true).is_ok());
    }

    // IsValidPercent: `^[0-9]+%$`.
    #[test]
    fn valid_percent_table() {
        for good in ["0%", "1%", "93%", "100%", "110%", "007%"] {
            assert!(is_valid_percent(good), "{good}");
        }
        for bad in ["", "%", "1", "20Percent", "-1%", "+1%", "1.5%", "1%%", " 1%", "1 %", "٣%", "a%"] {
            assert!(!is_valid_percent(bad), "{bad}");
        }
    }

    #[test]
    fn display() {
        assert_eq!(IntOrString::Int(-3).to_string(), "-3");
        assert_eq!(s("25%").to_string(), "25%");
    }

    #[derive(Debug, serde::Deserialize, serde::Serialize)]
    struct Holder {
        val: IntOrString,
    }

    fn from_yaml(text: &str) -> Result<IntOrString, String> {
        serde_yaml::from_str::<Holder>(text).map(|h| h.val).map_err(|e| e.to_string())
    }

    #[test]
    fn deserialize_table() {
        let cases: &[(&str, Result<IntOrString, &str>)] = &[
            ("val: 123", Ok(IntOrString::Int(123))),
            ("val: \"123\"", Ok(s("123"))),
            ("val: 25%", Ok(s("25%"))),
            ("val: -1", Ok(IntOrString::Int(-1))),
            ("val: 2147483647", Ok(IntOrString::Int(i32::MAX))),
            ("val: -2147483648", Ok(IntOrString::Int(i32::MIN))),
            ("val: 2.0", Ok(IntOrString::Int(2))),
            ("val: 0x10", Ok(IntOrString::Int(16))),
            ("val: oops", Ok(s("oops"))),
            ("val: ''", Ok(s(""))),
            ("val: 2147483648", Err("json: cannot unmarshal number 2147483648 into Go value of type int32")),
            ("val: -2147483649", Err("json: cannot unmarshal number -2147483649 into Go value of type int32")),
            ("val: 1.5", Err("json: cannot unmarshal number 1.5 into Go value of type int32")),
            ("val: 1e21", Err("json: cannot unmarshal number 1e+21 into Go value of type int32")),
            ("val: 9223372036854775808", Err("json: cannot unmarshal number 9223372036854775808 into Go value")),
            ("val: 99999999999999999999999999", Err("json: cannot unmarshal number 1e+26 into Go value of type int32")),
            ("val: true", Err("json: cannot unmarshal bool into Go value of type int32")),
            ("val: [1]", Err("json: cannot unmarshal array into Go value of type int32")),
            ("val: {a: 1}", Err("json: cannot unmarshal object into Go value of type int32")),
            ("val: .nan", Err("json: unsupported value: NaN")),
        ];
        for (text, want) in cases {
            let got = from_yaml(text);
            match want {
                Ok(value) => assert_eq!(got.as_ref(), Ok(value), "{text}"),
                Err(message) => {
                    let err = got.expect_err(text);
                    assert!(err.contains(message), "{text}: {err}");
                }
            }
        }
    }

    #[test]
    fn deserialize_error_is_located_at_the_scalar() {
        let err = serde_yaml::from_str::<Holder>("val:\n  1.5\n").unwrap_err();
        let location = err.location().expect("a location");
        assert_eq!((location.line(), location.column()), (2, 3));
    }

    #[test]
    fn serialize_round_trip() {
        let text = serde_yaml::to_string(&Holder { val: IntOrString::Int(3) }).unwrap();
        assert_eq!(text, "val: 3\n");
        let text = serde_yaml::to_string(&Holder { val: s("25%") }).unwrap();
        assert_eq!(text, "val: 25%\n");
        let text = serde_yaml::to_string(&Holder { val: s("123") }).unwrap();
        assert_eq!(from_yaml(&text), Ok(s("123")));
    }

    #[test]
    fn go_json_float_spelling() {
        let cases: &[(f64, &str)] = &[
            (0.5, "0.5"),
            (2.0, "2"),
            (-0.0, "-0"),
            (1000.0, "1000"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (1.25e-9, "1.25e-9"),
            (1e-10, "1e-10"),
            (-2.5e-8, "-2.5e-8"),
            (0.1, "0.1"),
            (123456.789, "123456.789"),
        ];
        for (value, want) in cases {
            assert_eq!(go_json_float(*value).as_deref(), Some(*want), "{value}");
        }
        assert_eq!(go_json_float(f64::NAN), None);
        assert_eq!(go_json_float(f64::INFINITY), None);
    }
}
