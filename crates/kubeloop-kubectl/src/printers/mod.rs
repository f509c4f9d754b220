//! `kubectl get` printers: one row of cells per object, as
//! `pkg/printers/internalversion/printers.go` builds them, and the tabwriter
//! that lays the rows out.
//!
//! Every function takes the evaluation time `now`; nothing reads a clock.

pub mod core;
pub mod hpa;
pub mod pdb;
pub mod pods;
pub mod tabwriter;
pub mod workloads;
pub mod yaml;

use crate::duration::human_duration_ms;
use kubeloop_engine::api::Time;

pub use tabwriter::{TabWriter, get_table};

/// `translateTimestampSince`: the AGE of a timestamp, `<unknown>` for an
/// unset (zero) one.
pub fn age(timestamp: Option<Time>, now: Time) -> String {
    match timestamp {
        None => "<unknown>".to_string(),
        Some(time) => human_duration_ms(now.unix_ms.saturating_sub(time.unix_ms)),
    }
}

/// An opaque field's value (`serde_yaml::Value`).
pub(crate) use kubeloop_engine::api::meta::OpaqueValue as Value;

/// A scalar as text (for fields the engine keeps opaque).
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    let value = kubeloop_engine::api::decode::untagged(value);
    if let Some(text) = value.as_str() {
        return Some(text.to_string());
    }
    if let Some(number) = value.as_i64() {
        return Some(number.to_string());
    }
    if let Some(number) = value.as_u64() {
        return Some(number.to_string());
    }
    if let Some(number) = value.as_f64() {
        return Some(number.to_string());
    }
    value.as_bool().map(|flag| flag.to_string())
}

/// `value[a][b]...` in an opaque mapping.
pub(crate) fn lookup<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, key| kubeloop_engine::api::decode::untagged(value).get(*key))
}

/// A string field of an opaque mapping, empty when absent.
pub(crate) fn text_at(value: &Value, path: &[&str]) -> String {
    lookup(value, path).and_then(scalar_text).unwrap_or_default()
}

/// The items of an opaque sequence (none when it is not one).
pub(crate) fn items(value: Option<&Value>) -> Vec<&Value> {
    value
        .map(kubeloop_engine::api::decode::untagged)
        .and_then(|value| value.as_sequence())
        .map(|sequence| sequence.iter().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_of_timestamps() {
        let now = Time::from_unix_ms(1_000_000_000);
        let cases: &[(Option<i64>, &str)] = &[
            (None, "<unknown>"),
            (Some(0), "0s"),
            (Some(1_900), "0s"),
            (Some(2_100), "<invalid>"),
            (Some(-30_000), "30s"),
            (Some(-100 * 60_000), "100m"),
            (Some(-2 * 86_400_000), "2d"),
            (Some(-3650 * 86_400_000), "10y"),
        ];
        for &(offset_ms, expected) in cases {
            let timestamp = offset_ms.map(|offset| Time::from_unix_ms(now.unix_ms + offset));
            assert_eq!(age(timestamp, now), expected, "{offset_ms:?}");
        }
    }
}
