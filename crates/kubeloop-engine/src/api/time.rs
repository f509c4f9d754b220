//! `metav1.Time`: an instant, kept as milliseconds since the Unix epoch.
//!
//! The world's clock is simulated milliseconds; it maps them to instants
//! from a fixed epoch, so timestamps are deterministic and still read like
//! real ones (RFC 3339, second precision, UTC, as the API server writes).

use super::decode::{FromYaml, HasSchema, untagged};
use crate::yaml::Schema;
use std::fmt;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    pub unix_ms: i64,
}

impl Time {
    pub const fn from_unix_ms(unix_ms: i64) -> Time {
        Time { unix_ms }
    }

    /// Parses `2016-01-01T00:01:09Z` (also with fractional seconds or an
    /// offset such as `+02:00`).
    pub fn parse_rfc3339(text: &str) -> Option<Time> {
        let bytes = text.as_bytes();
        let number = |from: usize, to: usize| -> Option<i64> {
            let part = text.get(from..to)?;
            part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
        };
        if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || !matches!(bytes[10], b'T' | b't' | b' ') {
            return None;
        }
        let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
        let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let mut rest = &text[19..];
        let mut millis = 0;
        if let Some(fraction) = rest.strip_prefix('.') {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            let padded = format!("{:0<3}", &fraction[..digits.min(3)]);
            millis = padded.parse::<i64>().ok()?;
            rest = &fraction[digits..];
        }
        let offset_seconds = match rest {
            "Z" | "z" => 0,
            _ => {
                let sign = match rest.as_bytes().first()? {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                    return None;
                }
                sign * (number_in(rest, 1, 3)? * 3600 + number_in(rest, 4, 6)? * 60)
            }
        };
        let days = days_from_civil(year, month, day);
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
        Some(Time { unix_ms: seconds * 1000 + millis })
    }

    /// `2016-01-01T00:01:09Z`: RFC 3339 in UTC, whole seconds.
    pub fn to_rfc3339(self) -> String {
        let seconds = self.unix_ms.div_euclid(1000);
        let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            second_of_day / 3600,
            second_of_day % 3600 / 60,
            second_of_day % 60
        )
    }
}

fn number_in(text: &str, from: usize, to: usize) -> Option<i64> {
    let part = text.get(from..to)?;
    part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// A timestamp that does not parse decodes as the epoch (the schema check
/// only knows it is a string).
impl FromYaml for Time {
    fn from_yaml(value: &serde_yaml::Value) -> Self {
        untagged(value).as_str().and_then(Time::parse_rfc3339).unwrap_or_default()
    }
}

impl HasSchema for Time {
    const SCHEMA: Schema = Schema::Str;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_rfc3339() {
        let cases = [
            ("1970-01-01T00:00:00Z", 0),
            ("2016-01-01T00:01:09Z", 1_451_606_469_000),
            ("2017-02-15T18:49:00Z", 1_487_184_540_000),
            ("2000-02-29T12:00:00Z", 951_825_600_000),
            ("1969-12-31T23:59:59Z", -1000),
        ];
        for (text, unix_ms) in cases {
            let time = Time::parse_rfc3339(text).unwrap();
            assert_eq!(time.unix_ms, unix_ms, "{text}");
            assert_eq!(time.to_rfc3339(), text);
        }
        assert_eq!(Time::parse_rfc3339("2016-01-01T02:01:09+02:00").unwrap().unix_ms, 1_451_606_469_000);
        assert_eq!(Time::parse_rfc3339("2016-01-01T00:01:09.25Z").unwrap().unix_ms, 1_451_606_469_250);
        for bad in ["", "2016-01-01", "2016-13-01T00:00:00Z", "2016-01-01T00:00:00", "x016-01-01T00:00:00Z"] {
            assert_eq!(Time::parse_rfc3339(bad), None, "{bad}");
        }
    }
}
