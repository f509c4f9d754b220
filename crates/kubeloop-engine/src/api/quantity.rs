//! `resource.Quantity` (apimachinery `pkg/api/resource`): `100m`, `0.5`,
//! `512Mi`, `1e3`, held exactly.
//!
//! The value is kept as a normalized decimal `±digits × 10^exponent`, so any
//! quantity the API server accepts is exact here, however long: parsing,
//! comparing and printing are linear in the text. Like `ParseQuantity`,
//! parsing rounds a finer-than-nano value away from zero to whole nano units
//! and caps a binary-suffixed (`Ki`..`Ei`) quantity at 2^63-1.

use std::cmp::Ordering;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

use super::intstr::{go_float_name, go_json_float};

/// The regular expression `ErrFormatWrong` quotes.
const SPLIT_RE: &str = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

/// 2^63-1, the cap on binary-suffixed quantities (`maxAllowed`).
const MAX_ALLOWED: &[u8] = b"9223372036854775807";

/// Why a quantity did not parse; `Display` is the API server's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuantityError {
    /// `ErrFormatWrong`.
    FormatWrong,
    /// `ErrNumeric`.
    Numeric,
    /// `ErrSuffix`.
    Suffix,
    /// A YAML number JSON cannot carry (`.nan`, `.inf`): kubectl's YAML to
    /// JSON conversion refuses it (`json: unsupported value: NaN`).
    UnsupportedValue(&'static str),
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantityError::FormatWrong => write!(f, "quantities must match the regular expression '{SPLIT_RE}'"),
            QuantityError::Numeric => f.write_str("unable to parse numeric part of quantity"),
            QuantityError::Suffix => f.write_str("unable to parse quantity's suffix"),
            QuantityError::UnsupportedValue(name) => write!(f, "json: unsupported value: {name}"),
        }
    }
}

impl std::error::Error for QuantityError {}

/// The suffix family a quantity was written with; it decides how the
/// canonical form is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuantityFormat {
    /// `e`/`E` exponents: `12e6`.
    DecimalExponent,
    /// `Ki`..`Ei`: `12Mi`.
    BinarySI,
    /// `n u m k M G T P E` or none: `12M`.
    DecimalSI,
}

/// An exact resource quantity. Equality and order are numeric (`1Gi ==
/// 1024Mi`, `1000m == 1`); `Display` prints the text as written.
#[derive(Clone, Debug)]
pub struct Quantity {
    /// What the manifest said (trimmed, as the API server reads it).
    text: String,
    negative: bool,
    /// The coefficient's decimal digits (0..=9), without leading or trailing
    /// zeros; empty for zero.
    digits: Vec<u8>,
    /// Value = ±digits × 10^exponent.
    exponent: i64,
    format: QuantityFormat,
    /// Whether the API server keeps `text` as the serialized form (it does
    /// when the text is already canonical, bar sign and leading zeros).
    text_is_canonical: bool,
}

/// `parseQuantityString`'s pieces.
struct Scanned<'a> {
    positive: bool,
    /// Whether `value` (the numeric text, sign included) has a digit.
    value_has_digits: bool,
    /// The integer digits without leading zeros; `0` when there are none.
    num: &'a [u8],
    denom: &'a [u8],
    suffix: &'a [u8],
}

fn is_suffix_byte(b: u8) -> bool {
    b"eEinumkKMGTP".contains(&b)
}

/// `parseQuantityString`, step for step: sign, leading zeros, integer
/// digits, `.` and fraction digits, suffix letters, an optional sign and
/// digits. Anything else is `ErrFormatWrong`.
fn scan(s: &[u8]) -> Result<Scanned<'_>, QuantityError> {
    let end = s.len();
    let mut pos = 0;
    let mut positive = true;
    match s.first() {
        Some(b'-') => {
            positive = false;
            pos += 1;
        }
        Some(b'+') => pos += 1,
        _ => {}
    }
    let zero = Scanned { positive, value_has_digits: true, num: b"0", denom: b"", suffix: b"" };
    while pos < end && s[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        return Ok(zero);
    }
    let num_start = pos;
    while pos < end && s[pos].is_ascii_digit() {
        pos += 1;
    }
    let has_digits = |value: &[u8]| value.iter().any(u8::is_ascii_digit);
    if pos >= end {
        return Ok(Scanned { positive, value_has_digits: true, num: &s[num_start..], denom: b"", suffix: b"" });
    }
    let num: &[u8] = if pos == num_start { b"0" } else { &s[num_start..pos] };
    let mut denom: &[u8] = b"";
    if s[pos] == b'.' {
        pos += 1;
        let denom_start = pos;
        while pos < end && s[pos].is_ascii_digit() {
            pos += 1;
        }
        denom = &s[denom_start..pos];
        if pos >= end {
            return Ok(Scanned { positive, value_has_digits: has_digits(s), num, denom, suffix: b"" });
        }
    }
    let value_has_digits = has_digits(&s[..pos]);
    let suffix_start = pos;
    while pos < end && is_suffix_byte(s[pos]) {
        pos += 1;
    }
    if pos < end && matches!(s[pos], b'-' | b'+') {
        pos += 1;
    }
    while pos < end && s[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < end {
        return Err(QuantityError::FormatWrong);
    }
    Ok(Scanned { positive, value_has_digits, num, denom, suffix: &s[suffix_start..] })
}

/// `quantitySuffixer.interpret`: (base, exponent, format). A decimal exponent
/// must lie within ±(2^31-1), as upstream now requires.
fn interpret(suffix: &[u8]) -> Option<(u32, i64, QuantityFormat)> {
    use QuantityFormat::*;
    let found = match suffix {
        b"" => (10, 0, DecimalSI),
        b"n" => (10, -9, DecimalSI),
        b"u" => (10, -6, DecimalSI),
        b"m" => (10, -3, DecimalSI),
        b"k" => (10, 3, DecimalSI),
        b"M" => (10, 6, DecimalSI),
        b"G" => (10, 9, DecimalSI),
        b"T" => (10, 12, DecimalSI),
        b"P" => (10, 15, DecimalSI),
        b"E" => (10, 18, DecimalSI),
        b"Ki" => (2, 10, BinarySI),
        b"Mi" => (2, 20, BinarySI),
        b"Gi" => (2, 30, BinarySI),
        b"Ti" => (2, 40, BinarySI),
        b"Pi" => (2, 50, BinarySI),
        b"Ei" => (2, 60, BinarySI),
        [b'e' | b'E', rest @ ..] if !rest.is_empty() => {
            let exponent = go_parse_int64(rest)?;
            if exponent.unsigned_abs() > i32::MAX as u64 {
                return None;
            }
            (10, exponent, DecimalExponent)
        }
        _ => return None,
    };
    Some(found)
}

/// `strconv.ParseInt(s, 10, 64)`: an optional sign and decimal digits.
fn go_parse_int64(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: i128 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i128::from(b - b'0');
        if n > 1 << 63 {
            return None;
        }
    }
    i64::try_from(if negative { -n } else { n }).ok()
}

fn strip_leading_zeros(digits: &mut Vec<u8>) {
    let first = digits.iter().position(|&d| d != 0).unwrap_or(digits.len());
    digits.drain(..first);
}

/// Moves trailing zeros into the exponent.
fn strip_trailing_zeros(digits: &mut Vec<u8>, exponent: &mut i64) {
    while digits.last() == Some(&0) {
        digits.pop();
        *exponent += 1;
    }
}

/// digits × m, in place (m small).
fn multiply_small(digits: &mut Vec<u8>, m: u32) {
    let mut carry = 0u32;
    for d in digits.iter_mut().rev() {
        let product = u32::from(*d) * m + carry;
        *d = (product % 10) as u8;
        carry = product / 10;
    }
    while carry > 0 {
        digits.insert(0, (carry % 10) as u8);
        carry /= 10;
    }
}

/// digits + 1, in place.
fn increment(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == 9 {
            *d = 0;
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, 1);
}

/// Compares two normalized magnitudes (no leading or trailing zeros, not
/// zero): the order of magnitude first, then the digits.
fn cmp_magnitude(a: &[u8], a_exp: i64, b: &[u8], b_exp: i64) -> Ordering {
    (a.len() as i64 + a_exp).cmp(&(b.len() as i64 + b_exp)).then_with(|| a.cmp(b))
}

fn ascii_to_digits(s: &[u8]) -> Vec<u8> {
    s.iter().map(|b| b - b'0').collect()
}

impl Quantity {
    /// `ParseQuantity`: `[+-]digits[.digits]` and a suffix (`Ki`..`Ei`, `n u
    /// m k M G T P E`, or `e`/`E` and an exponent). No surrounding spaces.
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        if text.is_empty() {
            return Err(QuantityError::FormatWrong);
        }
        let scanned = scan(text.as_bytes())?;
        let (base, exponent, mut format) = interpret(scanned.suffix).ok_or(QuantityError::Suffix)?;
        let (fast_path, text_is_canonical) = fast_path(&scanned, exponent, format);
        if !fast_path && !scanned.value_has_digits {
            return Err(QuantityError::Numeric);
        }

        let mut digits = ascii_to_digits(scanned.num);
        digits.extend(scanned.denom.iter().map(|b| b - b'0'));
        let mut exp = -(scanned.denom.len() as i64);
        if base == 10 {
            exp += exponent;
        } else {
            for _ in 0..exponent / 10 {
                multiply_small(&mut digits, 1024);
            }
        }
        strip_leading_zeros(&mut digits);

        // Round anything finer than nano away from zero, to whole nanos.
        if !digits.is_empty() && exp < -9 {
            let drop = (-9 - exp) as u64;
            if drop >= digits.len() as u64 {
                digits = vec![1];
            } else {
                let keep = digits.len() - drop as usize;
                let dropped_nonzero = digits[keep..].iter().any(|&d| d != 0);
                digits.truncate(keep);
                if dropped_nonzero {
                    increment(&mut digits);
                }
                strip_leading_zeros(&mut digits);
            }
            exp = -9;
        }
        strip_trailing_zeros(&mut digits, &mut exp);
        if digits.is_empty() {
            exp = 0;
        }

        if format == QuantityFormat::BinarySI && !digits.is_empty() {
            if cmp_magnitude(&digits, exp, &ascii_to_digits(MAX_ALLOWED), 0) == Ordering::Greater {
                digits = ascii_to_digits(MAX_ALLOWED);
                exp = 0;
            }
            if digits.len() as i64 + exp <= 0 {
                // 0 < |value| < 1 is shown in DecimalSI.
                format = QuantityFormat::DecimalSI;
            }
        }

        Ok(Quantity {
            text: text.to_string(),
            negative: !scanned.positive && !digits.is_empty(),
            digits,
            exponent: exp,
            format,
            // ParseQuantity keeps "0" as its own text before scanning.
            text_is_canonical: text_is_canonical || text == "0",
        })
    }

    /// The text as written (what `Display` prints).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The suffix family the quantity was written with (a binary quantity
    /// below 1 becomes DecimalSI, as upstream).
    pub fn format(&self) -> QuantityFormat {
        self.format
    }

    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// `ScaledValue(scale)`: the value in units of 10^scale, rounded away
    /// from zero, saturating at the i64 range.
    pub fn scaled_value(&self, scale: i32) -> i64 {
        if self.digits.is_empty() {
            return 0;
        }
        let shift = self.exponent - i64::from(scale);
        let len = self.digits.len() as i64;
        // Digits of the integer part; a normalized value with a negative
        // shift always has a non-zero fraction, so it rounds up by one.
        let int_len = len + shift;
        let magnitude: Option<u128> = if int_len > 20 {
            None
        } else if shift >= 0 {
            let mut m: u128 = 0;
            for &d in &self.digits {
                m = m * 10 + u128::from(d);
            }
            (0..shift).try_fold(m, |m, _| m.checked_mul(10))
        } else {
            let mut m: u128 = 0;
            for &d in &self.digits[..int_len.max(0) as usize] {
                m = m * 10 + u128::from(d);
            }
            Some(m + 1)
        };
        let limit = if self.negative { 1u128 << 63 } else { (1u128 << 63) - 1 };
        let magnitude = magnitude.filter(|&m| m <= limit).unwrap_or(limit);
        if self.negative { (magnitude as i128).wrapping_neg() as i64 } else { magnitude as i64 }
    }

    /// `Value()`: whole units, rounded away from zero (`1.5` → 2), saturating.
    pub fn value(&self) -> i64 {
        self.scaled_value(0)
    }

    /// `MilliValue()`: thousandths, rounded away from zero (`1n` → 1),
    /// saturating.
    pub fn milli_value(&self) -> i64 {
        self.scaled_value(-3)
    }

    /// `String()`: the form the API server stores and prints, e.g. `1Gi` for
    /// `1024Mi`, `500m` for `0.5`, `1e3` for `1e3`. Text that is already
    /// canonical is kept as written, as upstream does.
    pub fn canonical(&self) -> String {
        if self.text_is_canonical {
            return self.text.clone();
        }
        if self.digits.is_empty() {
            return "0".to_string();
        }
        let sign = if self.negative { "-" } else { "" };
        let mut format = self.format;
        if format == QuantityFormat::BinarySI
            && (cmp_magnitude(&self.digits, self.exponent, &[1, 0, 2, 4], 0) == Ordering::Less || self.exponent < 0)
        {
            format = QuantityFormat::DecimalSI;
        }
        if format == QuantityFormat::BinarySI {
            // An integer of at most 2^63-1 here (binary input is capped).
            let mut value: u128 = 0;
            for &d in &self.digits {
                value = value.saturating_mul(10).saturating_add(u128::from(d));
            }
            for _ in 0..self.exponent {
                value = value.saturating_mul(10);
            }
            let mut power = 0;
            while power < 6 && value >= 1024 && value.is_multiple_of(1024) {
                value /= 1024;
                power += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][power];
            return format!("{sign}{value}{suffix}");
        }
        let e = self.exponent.div_euclid(3) * 3;
        let mut mantissa: String = self.digits.iter().map(|&d| char::from(b'0' + d)).collect();
        for _ in 0..self.exponent - e {
            mantissa.push('0');
        }
        let suffix = match (format, e) {
            (QuantityFormat::DecimalSI, -9) => "n".to_string(),
            (QuantityFormat::DecimalSI, -6) => "u".to_string(),
            (QuantityFormat::DecimalSI, -3) => "m".to_string(),
            (_, 0) => String::new(),
            (QuantityFormat::DecimalSI, 3) => "k".to_string(),
            (QuantityFormat::DecimalSI, 6) => "M".to_string(),
            (QuantityFormat::DecimalSI, 9) => "G".to_string(),
            (QuantityFormat::DecimalSI, 12) => "T".to_string(),
            (QuantityFormat::DecimalSI, 15) => "P".to_string(),
            (QuantityFormat::DecimalSI, 18) => "E".to_string(),
            // No DecimalSI suffix beyond E: exponent notation, as upstream.
            _ => format!("e{e}"),
        };
        format!("{sign}{mantissa}{suffix}")
    }

    /// The visitor's path for a YAML string: what kubectl sends and the API
    /// server reads (`UnmarshalJSON`). Characters JSON escapes arrive as
    /// backslash sequences, which never parse; the rest is trimmed of
    /// Unicode white space before `ParseQuantity`.
    fn from_yaml_str(v: &str) -> Result<Quantity, QuantityError> {
        let json_escaped = |c: char| c < ' ' || matches!(c, '"' | '\\' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}');
        if v.chars().any(json_escaped) {
            return Err(QuantityError::FormatWrong);
        }
        Quantity::parse(v.trim())
    }

    /// A YAML float reaches the API server as Go's JSON spelling of it.
    fn from_yaml_f64(v: f64) -> Result<Quantity, QuantityError> {
        match go_json_float(v) {
            Some(text) => Quantity::parse(&text),
            None => Err(QuantityError::UnsupportedValue(go_float_name(v))),
        }
    }
}

/// Whether `ParseQuantity` takes its int64 fast path, and whether it then
/// keeps the input text as the canonical string.
fn fast_path(scanned: &Scanned<'_>, exponent: i64, format: QuantityFormat) -> (bool, bool) {
    let num = scanned.num;
    let denom = scanned.denom;
    match format {
        QuantityFormat::DecimalExponent | QuantityFormat::DecimalSI => {
            let precision = 18 - (num.len() + denom.len()) as i64;
            let scale = exponent - denom.len() as i64;
            if precision < 0 || scale < -9 {
                return (false, false);
            }
            let shifted_ends_000 = if denom.len() >= 3 {
                denom.ends_with(b"000")
            } else {
                let mut tail = num[num.len().saturating_sub(3 - denom.len())..].to_vec();
                tail.extend_from_slice(denom);
                tail.len() >= 3 && tail.ends_with(b"000")
            };
            let starts_with_zero = num.first() == Some(&b'0');
            (true, scale % 3 == 0 && !shifted_ends_000 && !starts_with_zero)
        }
        QuantityFormat::BinarySI => {
            if !denom.is_empty() || 14 - num.len() as i64 - exponent * 3 / 10 < 0 {
                return (false, false);
            }
            let mut value: i64 = 0;
            for &b in num {
                value = value * 10 + i64::from(b - b'0');
            }
            match value.checked_mul(1 << exponent) {
                Some(_) => (true, value & 7 != 0),
                None => (false, false),
            }
        }
    }
}

impl Default for Quantity {
    /// Zero, as a Go zero value prints: `0`.
    fn default() -> Self {
        Quantity {
            text: "0".to_string(),
            negative: false,
            digits: Vec::new(),
            exponent: 0,
            format: QuantityFormat::DecimalSI,
            text_is_canonical: true,
        }
    }
}

impl std::str::FromStr for Quantity {
    type Err = QuantityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Quantity::parse(s)
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    /// Numeric order (`Cmp`).
    fn cmp(&self, other: &Self) -> Ordering {
        let sign = |q: &Quantity| {
            if q.digits.is_empty() {
                0
            } else if q.negative {
                -1
            } else {
                1
            }
        };
        let (a, b) = (sign(self), sign(other));
        if a != b || a == 0 {
            return a.cmp(&b);
        }
        let magnitude = cmp_magnitude(&self.digits, self.exponent, &other.digits, other.exponent);
        if a < 0 { magnitude.reverse() } else { magnitude }
    }
}

impl fmt::Display for Quantity {
    /// The text as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

struct QuantityVisitor;

impl QuantityVisitor {
    fn done<E: de::Error>(result: Result<Quantity, QuantityError>) -> Result<Quantity, E> {
        result.map_err(E::custom)
    }
}

impl<'de> Visitor<'de> for QuantityVisitor {
    type Value = Quantity;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a quantity such as 500m, 1.5 or 512Mi")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
        Self::done(Quantity::from_yaml_str(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
        Self::done(Quantity::parse(&v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
        Self::done(Quantity::parse(&v.to_string()))
    }

    /// Integers beyond 64 bits are floats to the Go YAML reader.
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Quantity, E> {
        match i64::try_from(v) {
            Ok(v) => self.visit_i64(v),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Quantity, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
        Self::done(Quantity::from_yaml_f64(v))
    }

    /// `true` reaches `ParseQuantity` as the text `true`.
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Quantity, E> {
        Self::done(Err(QuantityError::FormatWrong))
    }

    /// JSON `null` leaves a Quantity at zero.
    fn visit_unit<E: de::Error>(self) -> Result<Quantity, E> {
        Ok(Quantity::default())
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Quantity, A::Error> {
        Err(de::Error::custom(QuantityError::FormatWrong))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Quantity, A::Error> {
        Err(de::Error::custom(QuantityError::FormatWrong))
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(QuantityVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::QuantityFormat::*;
    use super::*;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    /// (negative, digits, exponent) of i × 10^exponent, normalized.
    fn dec(i: i128, exponent: i64) -> (bool, Vec<u8>, i64) {
        let mut digits: Vec<u8> = i.unsigned_abs().to_string().bytes().map(|b| b - b'0').collect();
        let mut exponent = exponent;
        strip_leading_zeros(&mut digits);
        strip_trailing_zeros(&mut digits, &mut exponent);
        if digits.is_empty() {
            exponent = 0;
        }
        (i < 0 && !digits.is_empty(), digits, exponent)
    }

    fn parts(q: &Quantity) -> (bool, Vec<u8>, i64) {
        (q.negative, q.digits.clone(), q.exponent)
    }

    // quantity_test.go TestQuantityParse: value and format, then the same
    // with "-" and "+" in front.
    #[test]
    fn parse_table() {
        let max = 9223372036854775807_i128;
        let table: &[(&str, (i128, i64), QuantityFormat)] = &[
            ("0", (0, 0), DecimalSI),
            ("0n", (0, 0), DecimalSI),
            ("0u", (0, 0), DecimalSI),
            ("0m", (0, 0), DecimalSI),
            ("0Ki", (0, 0), BinarySI),
            ("0k", (0, 0), DecimalSI),
            ("0Mi", (0, 0), BinarySI),
            ("0M", (0, 0), DecimalSI),
            ("0Gi", (0, 0), BinarySI),
            ("0G", (0, 0), DecimalSI),
            ("0Ti", (0, 0), BinarySI),
            ("0T", (0, 0), DecimalSI),
            ("1", (1, 0), DecimalSI),
            ("1Ki", (1024, 0), BinarySI),
            ("8Ki", (8 * 1024, 0), BinarySI),
            ("7Mi", (7 * 1024 * 1024, 0), BinarySI),
            ("6Gi", (6 * 1024 * 1024 * 1024, 0), BinarySI),
            ("5Ti", (5 * 1024 * 1024 * 1024 * 1024, 0), BinarySI),
            ("4Pi", (4 * 1024 * 1024 * 1024 * 1024 * 1024, 0), BinarySI),
            ("3Ei", (3 * 1024 * 1024 * 1024 * 1024 * 1024 * 1024, 0), BinarySI),
            ("10Ti", (10 * 1024 * 1024 * 1024 * 1024, 0), BinarySI),
            ("100Ti", (100 * 1024 * 1024 * 1024 * 1024, 0), BinarySI),
            ("5n", (5, -9), DecimalSI),
            ("4u", (4, -6), DecimalSI),
            ("3m", (3, -3), DecimalSI),
            ("9", (9, 0), DecimalSI),
            ("8k", (8, 3), DecimalSI),
            ("50k", (5, 4), DecimalSI),
            ("7M", (7, 6), DecimalSI),
            ("6G", (6, 9), DecimalSI),
            ("5T", (5, 12), DecimalSI),
            ("40T", (4, 13), DecimalSI),
            ("300T", (3, 14), DecimalSI),
            ("2P", (2, 15), DecimalSI),
            ("1E", (1, 18), DecimalSI),
            ("1E-3", (1, -3), DecimalExponent),
            ("1e3", (1, 3), DecimalExponent),
            ("1E6", (1, 6), DecimalExponent),
            ("1e9", (1, 9), DecimalExponent),
            ("1E12", (1, 12), DecimalExponent),
            ("1e15", (1, 15), DecimalExponent),
            ("1E18", (1, 18), DecimalExponent),
            ("1e14", (1, 14), DecimalExponent),
            ("1e13", (1, 13), DecimalExponent),
            ("100.035k", (100035, 0), DecimalSI),
            ("0.001", (1, -3), DecimalSI),
            ("0.0005k", (5, -1), DecimalSI),
            ("0.005", (5, -3), DecimalSI),
            ("0.05", (5, -2), DecimalSI),
            ("0.5", (5, -1), DecimalSI),
            ("0.00050k", (5, -1), DecimalSI),
            ("0.00500", (5, -3), DecimalSI),
            ("0.05000", (5, -2), DecimalSI),
            ("0.50000", (5, -1), DecimalSI),
            ("0.5e0", (5, -1), DecimalExponent),
            ("0.5e-1", (5, -2), DecimalExponent),
            ("0.5e-2", (5, -3), DecimalExponent),
            ("10.035M", (10035, 3), DecimalSI),
            ("1.2e3", (12, 2), DecimalExponent),
            ("1.3E+6", (13, 5), DecimalExponent),
            ("1.40e9", (14, 8), DecimalExponent),
            ("1.53E12", (153, 10), DecimalExponent),
            ("1.6e15", (16, 14), DecimalExponent),
            ("1.7E18", (17, 17), DecimalExponent),
            ("9.01", (901, -2), DecimalSI),
            ("8.1k", (81, 2), DecimalSI),
            ("7.123456M", (7123456, 0), DecimalSI),
            ("6.987654321G", (6987654321, 0), DecimalSI),
            ("5.444T", (5444, 9), DecimalSI),
            ("40.1T", (401, 11), DecimalSI),
            ("300.2T", (3002, 11), DecimalSI),
            ("2.5P", (25, 14), DecimalSI),
            ("1.01E", (101, 16), DecimalSI),
            ("3.001n", (4, -9), DecimalSI),
            ("1.1E-9", (2, -9), DecimalExponent),
            ("0.0000000001", (1, -9), DecimalSI),
            ("0.0000000005", (1, -9), DecimalSI),
            ("0.00000000050", (1, -9), DecimalSI),
            ("0.5e-9", (1, -9), DecimalExponent),
            ("0.9n", (1, -9), DecimalSI),
            ("0.00000012345", (124, -9), DecimalSI),
            ("0.00000012354", (124, -9), DecimalSI),
            ("9Ei", (max, 0), BinarySI),
            ("9223372036854775807Ki", (max, 0), BinarySI),
            ("12E", (12, 18), DecimalSI),
            ("100.035Ki", (10243584, -2), BinarySI),
            ("0.5Mi", (512 * 1024, 0), BinarySI),
            ("0.05Gi", (536870912, -1), BinarySI),
            ("0.025Ti", (274877906944, -1), BinarySI),
            ("0.000000000001Ki", (2, -9), DecimalSI),
            (".001", (1, -3), DecimalSI),
            (".0001k", (100, -3), DecimalSI),
            ("1.", (1, 0), DecimalSI),
            ("1.G", (1, 9), DecimalSI),
            // The brief's examples.
            ("100m", (1, -1), DecimalSI),
            ("512Mi", (512 * 1024 * 1024, 0), BinarySI),
            ("1Gi", (1 << 30, 0), BinarySI),
            ("1G", (1, 9), DecimalSI),
            // Leading zeros and bare dots.
            ("007", (7, 0), DecimalSI),
            (".", (0, 0), DecimalSI),
            (".Ki", (0, 0), BinarySI),
            ("0.e-10", (0, 0), DecimalExponent),
            ("1e-2147483647", (1, -9), DecimalExponent),
        ];
        for (input, (i, e), format) in table {
            let got = q(input);
            assert_eq!(parts(&got), dec(*i, *e), "{input}");
            assert_eq!(got.format(), *format, "{input}");
            let negated = q(&format!("-{input}"));
            assert_eq!(parts(&negated), dec(-*i, *e), "-{input}");
            assert_eq!(negated.format(), *format, "-{input}");
            let plus = q(&format!("+{input}"));
            assert_eq!(parts(&plus), dec(*i, *e), "+{input}");
        }
        assert_eq!(parts(&q("1e2147483647")), (false, vec![1], 2147483647));
        // A bare sign is zero (the scanner runs out while skipping zeros).
        for text in ["-", "+", "-0", "+0", "-.", "+."] {
            assert!(q(text).is_zero(), "{text}");
            assert_eq!(q(text).canonical(), "0", "{text}");
        }
    }

    #[test]
    fn parse_errors() {
        use QuantityError::*;
        let table: &[(&str, QuantityError)] = &[
            ("", FormatWrong),
            ("1.1.M", FormatWrong),
            ("1+1.0M", FormatWrong),
            ("0.1mi", Suffix),
            ("0.1am", FormatWrong),
            ("aoeu", FormatWrong),
            (".5i", Suffix),
            ("1i", Suffix),
            ("-3.01i", Suffix),
            ("-3.01e-", Suffix),
            ("1e4294967297", Suffix),
            ("1E2147483648", Suffix),
            ("1e-2147483648", Suffix),
            ("1e9223372036854775808", Suffix),
            (" 1", FormatWrong),
            ("1 ", FormatWrong),
            ("1e", Suffix),
            ("1Ee3", Suffix),
            ("1k3", Suffix),
            ("1e3.5", FormatWrong),
            ("--1", Suffix),
            ("1-", Suffix),
            ("1m-", Suffix),
            ("1mm", Suffix),
            ("1ki", Suffix),
            ("1KI", FormatWrong),
            ("1Mb", FormatWrong),
            ("½", FormatWrong),
            ("1\u{a0}", FormatWrong),
            ("Non-Numeric", FormatWrong),
            ("true", FormatWrong),
            // No digits, and upstream's slow path needs some.
            (".e-10", Numeric),
            ("-.e-10", Numeric),
            (".Pi", Numeric),
            ("+.Ei", Numeric),
        ];
        for (input, want) in table {
            assert_eq!(Quantity::parse(input).map(|q| q.canonical()), Err(want.clone()), "{input:?}");
        }
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            QuantityError::FormatWrong.to_string(),
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        );
        assert_eq!(QuantityError::Numeric.to_string(), "unable to parse numeric part of quantity");
        assert_eq!(QuantityError::Suffix.to_string(), "unable to parse quantity's suffix");
    }

    // quantity_test.go TestQuantityString: the canonical text parses back to
    // itself, and the alternate spelling canonicalizes to it.
    #[test]
    fn canonical_table() {
        let table: &[(&str, &str)] = &[
            ("1Gi", "1024Mi"),
            ("300Mi", "307200Ki"),
            ("6Ki", ""),
            ("1001Gi", "1025024Mi"),
            ("1Ti", "1024Gi"),
            ("5", "5000m"),
            ("500m", "0.5"),
            ("1G", "1000M"),
            ("1G", "0.001T"),
            ("1m", "1000u"),
            ("80m", ""),
            ("1080m", "1.08"),
            ("1080m", "1080000000n"),
            ("300M", ""),
            ("1T", ""),
            ("1E", ""),
            ("1e21", "1000E"),
            ("5e21", "5000E"),
            ("1e24", "1000000E"),
            ("10e69", ""),
            ("20e69", ""),
            ("1e72", ""),
            ("1234567M", ""),
            ("1234567m", ""),
            ("3k", ""),
            ("1025", ""),
            ("0", "00"),
            ("1e9", ".001e12"),
            ("1e-3", "0.001e0"),
            ("1e-9", "1000e-12"),
            ("80e-3", ""),
            ("300e6", ""),
            ("1e12", ""),
            ("1e3", ""),
            ("3e3", ""),
            ("1n", ""),
            ("80n", ""),
            ("1080n", ""),
            ("1u", ""),
            ("80u", ""),
            ("1080u", ""),
        ];
        for (canonical, alternate) in table {
            let parsed = q(canonical);
            assert!(parsed.text_is_canonical, "{canonical} should keep its text");
            assert_eq!(parsed.canonical(), *canonical);
            if !alternate.is_empty() {
                let parsed = q(alternate);
                assert!(!parsed.text_is_canonical || alternate == canonical, "{alternate} is not canonical");
                assert_eq!(parsed.canonical(), *canonical, "{alternate}");
                assert_eq!(parsed, q(canonical), "{alternate} == {canonical}");
            }
            if *canonical != "0" {
                let negated = q(&format!("-{canonical}"));
                assert!(negated.is_negative());
                assert_eq!(negated.canonical(), format!("-{canonical}"));
            }
        }
    }

    // quantity_test.go TestQuantityParseEmit, and negated.
    #[test]
    fn parse_emit_table() {
        let table: &[(&str, &str)] = &[
            ("1Ki", "1Ki"),
            ("1Mi", "1Mi"),
            ("1Gi", "1Gi"),
            ("1024Mi", "1Gi"),
            ("1000M", "1G"),
            (".001Ki", "1024m"),
            (".000001Ki", "1024u"),
            (".000000001Ki", "1024n"),
            (".000000000001Ki", "2n"),
            // More canonical forms.
            ("1.5Ki", "1536"),
            ("1.1Ki", "1126400m"),
            ("2048", "2048"),
            ("9Ei", "9223372036854775807"),
            ("7Ei", "7Ei"),
            ("8Ei", "9223372036854775807"),
            ("1.5", "1500m"),
            ("0.1", "100m"),
            ("1.2345", "1234500u"),
            ("10k", "10k"),
            ("10000", "10k"),
            ("12e6", "12e6"),
            ("120e5", "12e6"),
            ("1.5e3", "1500"),
            ("0.5Ki", "512"),
            ("1000Ki", "1000Ki"),
            ("1024Ki", "1Mi"),
            ("1023", "1023"),
            ("18446744073709551616", "18446744073709551616"),
            ("123456789012345678901234567890", "123456789012345678901234567890"),
            ("01", "01"),
            ("1.k", "1.k"),
            ("1E3", "1E3"),
            ("0.000000000000000000000000000000001", "1n"),
        ];
        for (input, want) in table {
            assert_eq!(q(input).canonical(), *want, "{input}");
            let negated = q(&format!("-{input}"));
            assert_eq!(negated.canonical(), format!("-{want}"), "-{input}");
        }
        assert_eq!(q("-0").canonical(), "0");
        // Text kept as canonical keeps its sign and leading zeros.
        assert_eq!(q("+1").canonical(), "+1");
        assert_eq!(q("-007").canonical(), "-007");
        assert_eq!(q("-0.0Mi").canonical(), "0");
    }

    #[test]
    fn display_is_what_was_written() {
        for text in ["1024Mi", "0.5", "1e3", "+1", "007", "1.k"] {
            assert_eq!(q(text).to_string(), text);
            assert_eq!(q(text).as_str(), text);
        }
    }

    // quantity_test.go TestQuantityCmp and the brief's equalities.
    #[test]
    fn ordering() {
        let table: &[(&str, &str, Ordering)] = &[
            ("0", "0", Ordering::Equal),
            ("100m", "50m", Ordering::Greater),
            ("50m", "100m", Ordering::Less),
            ("10000T", "100Gi", Ordering::Greater),
            ("1Gi", "1024Mi", Ordering::Equal),
            ("1000m", "1", Ordering::Equal),
            ("1G", "1e9", Ordering::Equal),
            ("1Gi", "1G", Ordering::Greater),
            ("0.5", "500m", Ordering::Equal),
            ("-1", "1", Ordering::Less),
            ("-2", "-1", Ordering::Less),
            ("-1m", "0", Ordering::Less),
            ("0", "-0", Ordering::Equal),
            ("0Ki", "0m", Ordering::Equal),
            ("1n", "0", Ordering::Greater),
            ("1e100", "9Ei", Ordering::Greater),
            ("1.000000001", "1", Ordering::Greater),
            ("99", "100", Ordering::Less),
            ("-99", "-100", Ordering::Greater),
            ("1e-2147483647", "1n", Ordering::Equal),
            ("1e2147483647", "1e2147483646", Ordering::Greater),
        ];
        for (a, b, want) in table {
            assert_eq!(q(a).cmp(&q(b)), *want, "{a} vs {b}");
            assert_eq!(q(b).cmp(&q(a)), want.reverse(), "{b} vs {a}");
        }
        assert!(q("1Gi") == q("1024Mi"));
        let mut sorted = [q("1Gi"), q("-1"), q("500m"), q("1"), q("0")];
        sorted.sort();
        let texts: Vec<&str> = sorted.iter().map(Quantity::as_str).collect();
        assert_eq!(texts, ["-1", "0", "500m", "1", "1Gi"]);
    }

    #[test]
    fn values_round_away_from_zero() {
        let table: &[(&str, i64, i64)] = &[
            ("0", 0, 0),
            ("100m", 1, 100),
            ("1", 1, 1000),
            ("0.5", 1, 500),
            ("1.5", 2, 1500),
            ("-1.5", -2, -1500),
            ("1.0001", 2, 1001),
            ("1n", 1, 1),
            ("-1n", -1, -1),
            ("999999n", 1, 1),
            ("1000001n", 1, 2),
            ("1Gi", 1 << 30, (1 << 30) * 1000),
            ("512Mi", 512 << 20, (512 << 20) * 1000),
            ("1e3", 1000, 1_000_000),
            ("2", 2, 2000),
            ("9223372036854775807", i64::MAX, i64::MAX),
            ("9223372036854775808", i64::MAX, i64::MAX),
            ("-9223372036854775808", i64::MIN, i64::MIN),
            ("-9223372036854775809", i64::MIN, i64::MIN),
            ("9223372036854775.807", 9223372036854776, i64::MAX),
            ("9223372036854775.806", 9223372036854776, i64::MAX - 1),
            ("-9223372036854775.808", -9223372036854776, i64::MIN),
            ("9Ei", i64::MAX, i64::MAX),
            ("-9Ei", -i64::MAX, i64::MIN),
            ("1e30", i64::MAX, i64::MAX),
            ("1e2147483647", i64::MAX, i64::MAX),
            ("-1e2147483647", i64::MIN, i64::MIN),
            ("1e-2147483647", 1, 1),
            ("123456789012345678901234567890e-20", 1234567891, 1234567890124),
        ];
        for (input, value, milli) in table {
            let parsed = q(input);
            assert_eq!(parsed.value(), *value, "{input}.value()");
            assert_eq!(parsed.milli_value(), *milli, "{input}.milli_value()");
        }
        assert_eq!(q("1").scaled_value(3), 1);
        assert_eq!(q("1500").scaled_value(3), 2);
        assert_eq!(q("1").scaled_value(-9), 1_000_000_000);
    }

    #[test]
    fn sign_and_zero() {
        assert!(q("0").is_zero());
        assert!(q("-0").is_zero());
        assert!(!q("-0").is_negative());
        assert!(q("0.0n").is_zero());
        assert!(q("-1m").is_negative());
        assert!(!q("1m").is_negative());
        assert!(!q("1n").is_zero());
        assert!(Quantity::default().is_zero());
        assert_eq!(Quantity::default().to_string(), "0");
    }

    #[test]
    fn long_input_is_linear() {
        let long = format!("{}.{}Ei", "9".repeat(200_000), "1".repeat(200_000));
        let parsed = q(&long);
        assert_eq!(parsed.value(), i64::MAX);
        assert_eq!(parsed.canonical(), "9223372036854775807");
        let long = format!("0.{}1", "0".repeat(500_000));
        assert_eq!(q(&long).canonical(), "1n");
        let long = format!("1{}", "0".repeat(500_000));
        let parsed = q(&long);
        assert_eq!(parsed.canonical(), "100e499998");
        assert_eq!(parsed.milli_value(), i64::MAX);
        assert!(parsed > q("9Ei"));
    }

    #[derive(Debug, serde::Deserialize, serde::Serialize)]
    struct Holder {
        v: Quantity,
    }

    fn from_yaml(text: &str) -> Result<Quantity, String> {
        serde_yaml::from_str::<Holder>(text).map(|h| h.v).map_err(|e| e.to_string())
    }

    #[test]
    fn deserialize_table() {
        const WRONG: &str = "quantities must match the regular expression";
        let table: &[(&str, Result<&str, &str>)] = &[
            ("v: 512Mi", Ok("512Mi")),
            ("v: '100m'", Ok("100m")),
            ("v: \"1Gi\"", Ok("1Gi")),
            ("v: 1", Ok("1")),
            ("v: 2", Ok("2")),
            ("v: -3", Ok("-3")),
            ("v: 0.5", Ok("0.5")),
            ("v: 1.0", Ok("1")),
            ("v: 2.50", Ok("2.5")),
            ("v: 1e3", Ok("1000")),
            ("v: 1e21", Ok("1e+21")),
            ("v: 1e-7", Ok("1e-7")),
            ("v: 0.1", Ok("0.1")),
            ("v: 18446744073709551615", Ok("18446744073709551615")),
            ("v: 99999999999999999999999999", Ok("1e+26")),
            ("v: 1e400", Ok("1e400")),
            ("v: ' 1 '", Ok("1")),
            ("v: \"\\u00a01\"", Ok("1")),
            ("v: 0x10", Ok("16")),
            ("v: ~", Ok("0")),
            ("v: abc", Err(WRONG)),
            ("v: ''", Err(WRONG)),
            ("v: \"1\\t\"", Err(WRONG)),
            ("v: \"<1\"", Err(WRONG)),
            ("v: true", Err(WRONG)),
            ("v: [1]", Err(WRONG)),
            ("v: {a: 1}", Err(WRONG)),
            ("v: 1mi", Err("unable to parse quantity's suffix")),
            ("v: .inf", Err("json: unsupported value: +Inf")),
            ("v: -.inf", Err("json: unsupported value: -Inf")),
            ("v: .nan", Err("json: unsupported value: NaN")),
        ];
        for (text, want) in table {
            let got = from_yaml(text);
            match want {
                Ok(display) => assert_eq!(got.map(|q| q.to_string()).as_deref(), Ok(*display), "{text}"),
                Err(message) => {
                    let err = got.expect_err(text);
                    assert!(err.contains(message), "{text}: {err}");
                }
            }
        }
        assert_eq!(from_yaml("v: 0.5").unwrap(), q("500m"));
        assert_eq!(from_yaml("v: 1.0").unwrap().canonical(), "1");
    }

    #[test]
    fn deserialize_error_is_located_at_the_scalar() {
        let err = serde_yaml::from_str::<Holder>("v:\n    12x\n").unwrap_err();
        let location = err.location().expect("a location");
        assert_eq!((location.line(), location.column()), (2, 5));
        let message = err.to_string();
        assert!(
            message.starts_with(
                "v: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
            ),
            "{message}"
        );
    }

    #[test]
    fn deserialize_inside_maps_and_from_values() {
        let map: std::collections::BTreeMap<String, Quantity> =
            serde_yaml::from_str("cpu: 250m\nmemory: 64Mi\nephemeral: 1\n").unwrap();
        assert_eq!(map["cpu"].milli_value(), 250);
        assert_eq!(map["memory"].value(), 64 << 20);
        assert_eq!(map["ephemeral"].value(), 1);
        let value: serde_yaml::Value = serde_yaml::from_str("cpu: 0.25").unwrap();
        let map: std::collections::BTreeMap<String, Quantity> = serde_yaml::from_value(value).unwrap();
        assert_eq!(map["cpu"].milli_value(), 250);
    }

    #[test]
    fn serialize_is_the_original_text() {
        assert_eq!(serde_yaml::to_string(&Holder { v: q("1024Mi") }).unwrap(), "v: 1024Mi\n");
        assert_eq!(serde_yaml::to_string(&Holder { v: q("2") }).unwrap(), "v: '2'\n");
    }
}
