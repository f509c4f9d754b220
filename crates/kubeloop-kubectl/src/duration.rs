//! `HumanDuration`, the format of kubectl's AGE column and of "(5s ago)".
//!
//! Mirrors apimachinery `pkg/util/duration.HumanDuration`: Go's
//! `time.Duration` is a signed count of nanoseconds and every division below
//! truncates toward zero, as Go's integer division and `int(float)` do.

const SECOND: i64 = 1_000_000_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;

/// Formats a duration given in nanoseconds.
pub fn human_duration(nanos: i64) -> String {
    // Up to two seconds in the future still reads as "now": clocks of
    // different machines disagree a little.
    let seconds = nanos / SECOND;
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 2 * 60 {
        return format!("{seconds}s");
    }
    let minutes = nanos / MINUTE;
    if minutes < 10 {
        return with_remainder(minutes, "m", seconds % 60, "s");
    }
    if minutes < 3 * 60 {
        return format!("{minutes}m");
    }
    let hours = nanos / HOUR;
    if hours < 8 {
        return with_remainder(hours, "h", minutes % 60, "m");
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    let days = hours / 24;
    if hours < 24 * 8 {
        return with_remainder(days, "d", hours % 24, "h");
    }
    if hours < 24 * 365 * 2 {
        return format!("{days}d");
    }
    if hours < 24 * 365 * 8 {
        return with_remainder(days / 365, "y", days % 365, "d");
    }
    format!("{}y", days / 365)
}

/// Formats a duration of simulated time, which the engine counts in ms.
pub fn human_duration_ms(millis: i64) -> String {
    human_duration(millis.saturating_mul(1_000_000))
}

/// Go's `time.Duration.String()` for whole milliseconds, as kubectl prints a
/// flag's duration: `0s`, `500ms`, `5s`, `1m0s`, `1m30.5s`, `1h0m0s`.
pub fn go_duration_ms(millis: u64) -> String {
    if millis == 0 {
        return "0s".to_string();
    }
    if millis < 1_000 {
        return format!("{millis}ms");
    }
    let (hours, minutes) = (millis / 3_600_000, millis / 60_000 % 60);
    let (whole, fraction) = (millis / 1_000 % 60, millis % 1_000);
    let seconds = if fraction == 0 {
        format!("{whole}s")
    } else {
        format!("{whole}.{}s", format!("{fraction:03}").trim_end_matches('0'))
    };
    match (hours, minutes) {
        (0, 0) => seconds,
        (0, _) => format!("{minutes}m{seconds}"),
        _ => format!("{hours}h{minutes}m{seconds}"),
    }
}

/// `5m30s`, or just `5m` when the smaller unit is zero.
fn with_remainder(major: i64, major_unit: &str, minor: i64, minor_unit: &str) -> String {
    if minor == 0 { format!("{major}{major_unit}") } else { format!("{major}{major_unit}{minor}{minor_unit}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: i64 = 1_000_000;
    const DAY: i64 = 24 * HOUR;

    /// From apimachinery's `TestHumanDuration` and the AGE examples in the
    /// spec (section 10.1), including every boundary between the formats.
    #[test]
    fn formats_like_apimachinery() {
        let cases: &[(i64, &str)] = &[
            (-2 * SECOND, "<invalid>"),
            (-2 * SECOND + 1, "0s"),
            (0, "0s"),
            (999 * MS, "0s"),
            (SECOND, "1s"),
            (30 * SECOND, "30s"),
            (90 * SECOND, "90s"),
            (2 * MINUTE - MS, "119s"),
            (2 * MINUTE, "2m"),
            (2 * MINUTE + SECOND, "2m1s"),
            (190 * SECOND, "3m10s"),
            (5 * MINUTE + 30 * SECOND, "5m30s"),
            (10 * MINUTE - MS, "9m59s"),
            (10 * MINUTE + SECOND, "10m"),
            (100 * MINUTE, "100m"),
            (3 * HOUR - MS, "179m"),
            (3 * HOUR, "3h"),
            (8 * HOUR - MS, "7h59m"),
            (8 * HOUR, "8h"),
            (8 * HOUR + 59 * MINUTE, "8h"),
            (47 * HOUR, "47h"),
            (48 * HOUR, "2d"),
            (49 * HOUR, "2d1h"),
            (8 * DAY - MS, "7d23h"),
            (8 * DAY, "8d"),
            (90 * DAY, "90d"),
            (367 * DAY, "367d"),
            (730 * DAY, "2y"),
            (730 * DAY + 23 * HOUR + 59 * MINUTE, "2y"),
            (731 * DAY, "2y1d"),
            (2 * 365 * DAY + 25 * HOUR, "2y1d"),
            (1095 * DAY, "3y"),
            (8 * 365 * DAY + 2 * HOUR, "8y"),
            (2920 * DAY, "8y"),
            (3284 * DAY, "8y"),
            (3285 * DAY, "9y"),
            (3650 * DAY, "10y"),
        ];
        for &(nanos, expected) in cases {
            assert_eq!(human_duration(nanos), expected, "{nanos} ns");
        }
    }

    /// Go's `TestDurationString` rows that whole milliseconds can hold.
    #[test]
    fn go_durations() {
        for (millis, expected) in [
            (0, "0s"),
            (1, "1ms"),
            (500, "500ms"),
            (1_000, "1s"),
            (1_500, "1.5s"),
            (5_000, "5s"),
            (20_000, "20s"),
            (60_000, "1m0s"),
            (90_500, "1m30.5s"),
            (900_000, "15m0s"),
            (3_600_000, "1h0m0s"),
            (4_980_001, "1h23m0.001s"),
        ] {
            assert_eq!(go_duration_ms(millis), expected, "{millis} ms");
        }
    }

    #[test]
    fn milliseconds_and_extremes() {
        assert_eq!(human_duration_ms(5_000), "5s");
        assert_eq!(human_duration_ms(i64::MAX), human_duration(i64::MAX));
        assert_eq!(human_duration(i64::MIN), "<invalid>");
    }
}
