//! Events, recorded and aggregated the way client-go's event recorder
//! does for identical events: the same involved object, type, reason,
//! message and source bump `count` and `lastTimestamp`.

use super::store::Key;
use crate::api::Time;
use crate::controller::deployment::hash::Fnv32a;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventType {
    Normal,
    Warning,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Event {
    pub event_type: EventType,
    pub reason: String,
    pub message: String,
    /// The object the event is about.
    pub involved: Key,
    /// `spec.containers{name}` for container events (kubectl 1.35 prints it).
    pub field_path: Option<String>,
    /// The reporting component: `deployment-controller`, `kubelet`, ...
    pub source: String,
    pub count: u32,
    pub first_timestamp: Time,
    pub last_timestamp: Time,
}

/// Every event of the world, oldest first.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct EventLog {
    events: Vec<Event>,
    /// Involved object -> its events' positions, oldest first (the
    /// recorder's aggregation cache, and `about`).
    by_object: BTreeMap<Key, Vec<usize>>,
    /// FNV-1a of an aggregation key -> the event that holds it (checked on
    /// use: after a collision the object's own events are searched).
    latest: BTreeMap<u32, usize>,
}

/// The events alone: the index is derived from them.
impl std::fmt::Debug for EventLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventLog").field("events", &self.events).finish()
    }
}

/// What is being reported (the time is the log's to stamp).
pub struct Report<'a> {
    pub event_type: EventType,
    pub reason: &'a str,
    pub message: String,
    pub involved: &'a Key,
    pub field_path: Option<&'a str>,
    pub source: &'a str,
}

impl EventLog {
    pub fn record(&mut self, report: Report, now: Time) {
        // The involved object too: a hash shared by two objects' events
        // (32 bits collide among thousands of pods) must not merge them.
        let same = |event: &Event| {
            event.involved == *report.involved
                && event.event_type == report.event_type
                && event.reason == report.reason
                && event.message == report.message
                && event.source == report.source
                && event.field_path.as_deref() == report.field_path
        };
        let hash = aggregation_hash(&report);
        // No event has this hash: none is the same. One has it but differs:
        // a collision, so the object's events are searched.
        let found = match self.latest.get(&hash) {
            None => None,
            Some(&at) if same(&self.events[at]) => Some(at),
            Some(_) => self
                .by_object
                .get(report.involved)
                .and_then(|positions| positions.iter().rev().copied().find(|&at| same(&self.events[at]))),
        };
        if let Some(at) = found {
            let event = &mut self.events[at];
            event.count += 1;
            event.last_timestamp = now;
            return;
        }
        let at = self.events.len();
        match self.by_object.get_mut(report.involved) {
            Some(positions) => positions.push(at),
            None => {
                self.by_object.insert(report.involved.clone(), vec![at]);
            }
        }
        self.latest.insert(hash, at);
        self.events.push(Event {
            event_type: report.event_type,
            reason: report.reason.to_string(),
            message: report.message,
            involved: report.involved.clone(),
            field_path: report.field_path.map(str::to_string),
            source: report.source.to_string(),
            count: 1,
            first_timestamp: now,
            last_timestamp: now,
        });
    }

    pub fn all(&self) -> &[Event] {
        &self.events
    }

    /// The events about one object, oldest first.
    pub fn about<'a>(&'a self, key: &'a Key) -> impl Iterator<Item = &'a Event> + 'a {
        self.by_object.get(key).into_iter().flatten().map(|&at| &self.events[at])
    }
}

/// What makes two events the same one, hashed.
fn aggregation_hash(report: &Report) -> u32 {
    let mut hash = Fnv32a::new();
    let involved = report.involved;
    for part in [
        involved.kind,
        &involved.namespace,
        &involved.name,
        report.event_type.as_str(),
        report.reason,
        &report.message,
        report.source,
        report.field_path.unwrap_or(""),
    ] {
        hash.write(part.as_bytes());
        hash.write(&[0]);
    }
    hash.sum32()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_events_aggregate_and_others_do_not() {
        let mut log = EventLog::default();
        let pod = Key::new("Pod", "default", "web-1");
        let backoff = |log: &mut EventLog, at: i64| {
            log.record(
                Report {
                    event_type: EventType::Warning,
                    reason: "BackOff",
                    message: "Back-off restarting failed container web in pod web-1_default(uid)".into(),
                    involved: &pod,
                    field_path: Some("spec.containers{web}"),
                    source: "kubelet",
                },
                Time::from_unix_ms(at),
            )
        };
        backoff(&mut log, 1_000);
        backoff(&mut log, 11_000);
        log.record(
            Report {
                event_type: EventType::Normal,
                reason: "Pulled",
                message: "Container image \"web\" already present on machine and can be accessed by the pod".into(),
                involved: &pod,
                field_path: Some("spec.containers{web}"),
                source: "kubelet",
            },
            Time::from_unix_ms(12_000),
        );
        let events = log.all();
        assert_eq!(events.len(), 2);
        assert_eq!(
            (events[0].count, events[0].first_timestamp.unix_ms, events[0].last_timestamp.unix_ms),
            (2, 1_000, 11_000)
        );
        assert_eq!(log.about(&pod).count(), 2);
    }
}
