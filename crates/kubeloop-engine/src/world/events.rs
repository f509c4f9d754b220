//! Events, recorded and aggregated the way client-go's event recorder
//! does for identical events: the same involved object, type, reason,
//! message and source bump `count` and `lastTimestamp`.

use super::store::Key;
use crate::api::Time;

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
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct EventLog {
    events: Vec<Event>,
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
        let same = |event: &&mut Event| {
            event.involved == *report.involved
                && event.event_type == report.event_type
                && event.reason == report.reason
                && event.message == report.message
                && event.source == report.source
                && event.field_path.as_deref() == report.field_path
        };
        if let Some(event) = self.events.iter_mut().rev().find(same) {
            event.count += 1;
            event.last_timestamp = now;
            return;
        }
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
        self.events.iter().filter(move |event| &event.involved == key)
    }
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
