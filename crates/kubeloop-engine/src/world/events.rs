//! Events, as the components' recorders and the API server leave them
//! (docs/engine-plan.md, "Events (as built)").
//!
//! - [`EventLog::record`] is client-go's legacy recorder (`tools/record`,
//!   the kubelet's and the controller manager's): its EventCorrelator
//!   combines similar events (same object, source, type and reason; ten
//!   distinct messages within ten minutes make the tenth and later ones
//!   one `(combined from similar events): ...` event), counts identical
//!   ones, and drops what exceeds a token bucket per source and object
//!   (burst 25, one more every 300 s).
//! - [`EventLog::record_series`] is the events.k8s.io recorder
//!   (`tools/events`, the scheduler's): an event like one already sent
//!   (same object at the same resourceVersion, type, reason, reporter;
//!   the message does not count) becomes a series, written when it starts
//!   and then only by the recorder's flushes every 6 and 30 minutes.
//! - The API server deletes an event an hour after its last write
//!   (`--event-ttl`); [`EventLog::tick`] lets that time pass.
//!
//! Storage is compact: strings are interned once with a reference count
//! (a message with the involved object's name factored out, so that
//! `Successfully assigned default/<pod> to node-1` is stored once for all
//! the pods of the node), each involved object is stored once, and an
//! event is a fixed-size slot of ids and times.

use super::hash_index::{IdTable, NONE, hash_parts};
use super::store::Key;
use crate::api::Time;
use crate::controller::deployment::hash::Fnv32a;
use crate::lean;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

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

/// One event as the API server holds it: a view into the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    pub event_type: EventType,
    pub reason: &'a str,
    pub message: Cow<'a, str>,
    /// The object the event is about.
    pub involved: &'a Key,
    /// `spec.containers{name}` for container events (kubectl 1.35 prints it).
    pub field_path: Option<&'a str>,
    /// The reporting component: `deployment-controller`, `kubelet`, ...
    pub source: &'a str,
    /// `count`, or the series' count for an events.k8s.io event.
    pub count: u32,
    /// `firstTimestamp`, or `eventTime` for an events.k8s.io event.
    pub first_timestamp: Time,
    /// `lastTimestamp`, or the series' `lastObservedTime` (`eventTime`
    /// without a series) for an events.k8s.io event.
    pub last_timestamp: Time,
    /// Written through events.k8s.io/v1 (the scheduler): the API server's
    /// core/v1 view of it has no `source`, `count` or timestamps, but
    /// `reportingComponent` (here `source`), `eventTime` and `series`.
    pub series_api: bool,
}

/// An event of [`EventLog::stamps`]: [`Event`] without its message.
#[derive(Clone, Copy, Debug)]
pub struct Stamp<'a> {
    pub id: EventId,
    pub event_type: EventType,
    pub involved: &'a Key,
    pub first_timestamp: Time,
    pub last_timestamp: Time,
}

/// Names an event of one state of the log (valid until it next changes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventId(u32);

impl EventId {
    /// A number no other event of the log has while it holds this one
    /// (Event names can repeat: two events about one object first seen in
    /// the same millisecond).
    pub fn number(self) -> u32 {
        self.0
    }
}

/// What is being reported (the time is the log's to stamp).
pub struct Report<'a> {
    pub event_type: EventType,
    pub reason: &'a str,
    /// Borrowed: the log keeps its own copy only of a message it has not
    /// stored yet (a fixed text costs the caller no allocation).
    pub message: &'a str,
    pub involved: &'a Key,
    pub field_path: Option<&'a str>,
    pub source: &'a str,
}

/// The API server's `--event-ttl` default: an event is deleted this long
/// after its last write.
pub const EVENT_TTL_MS: i64 = 60 * 60 * 1_000;

/// EventAggregator (`tools/record/events_cache.go`): similar events with
/// this many distinct messages, each within this long of the previous
/// similar one, are combined.
const AGGREGATE_MAX_EVENTS: usize = 10;
const AGGREGATE_INTERVAL_MS: i64 = 600 * 1_000;
const COMBINED_PREFIX: &str = "(combined from similar events): ";

/// EventSourceObjectSpamFilter: a token bucket per source and object,
/// `burst` 25 and `qps` 1/300 (one token per 300,000 ms).
const SPAM_BURST: i64 = 25;
const SPAM_REFILL_MS: i64 = 300 * 1_000;

/// The events.k8s.io broadcaster's periodic work: `finishSeries` every
/// 6 minutes, `refreshExistingEventSeries` every 30.
const FINISH_PERIOD_MS: i64 = 6 * 60 * 1_000;
const REFRESH_PERIOD_MS: i64 = 30 * 60 * 1_000;

/// Slot flags, in the high bits of `Slot::tag` (the label id below them).
const COMBINED: u32 = 1 << 31;
const SERIES_API: u32 = 1 << 30;
const DEAD: u32 = 1 << 29;
/// Count 0: the server has no copy (the recorder may still count).
const GONE: u32 = 1 << 28;
/// Counted more than once, or first seen before its last time: the count
/// and the first time are in `repeats`.
const REPEATED: u32 = 1 << 27;
const LABEL_MASK: u32 = REPEATED - 1;

/// Every event of the world, oldest first, and what the recorders remember.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct EventLog {
    /// When the recorders started (the scheduler's flushes count from it).
    origin_ms: i64,
    /// The latest time the log was told of.
    now_ms: i64,
    /// The latest `finishSeries` run of the scheduler's recorder.
    finished_ms: i64,
    /// No slot expires, on the server or in a recorder, before this.
    next_expiry_ms: i64,
    strings: Interner,
    labels: Vec<Label>,
    /// The labels by [`label_hash`] of their texts.
    label_ids: IdTable,
    objects: Objects,
    /// Oldest first. Dead slots wait for the next compaction.
    slots: Vec<Slot>,
    dead: usize,
    /// Legacy slots whose recorder count is ahead of the server's: events
    /// the spam filter dropped, and events the server has deleted.
    lagging: BTreeMap<u32, Observed>,
    /// Spam filter buckets by (object, source): when each will be full
    /// again (absent: full). An object's first source has its bucket in
    /// the object's entry (a search less per event); only other sources'
    /// are here.
    buckets: BTreeMap<(u32, u32), i64>,
    /// Aggregation records with two or more messages, by (object, type,
    /// reason, source); a record of one message is read off the slots.
    aggregates: BTreeMap<(u32, EventType, u32, u32), Aggregate>,
    /// The scheduler recorder's cached series: count and last observation
    /// (ahead of the slot until the next flush).
    series: BTreeMap<u32, Observed>,
    /// events.k8s.io slots written by a flush after their last
    /// observation: when (the TTL counts from it).
    written: BTreeMap<u32, i64>,
    /// The events.k8s.io slots the scheduler's recorder still caches:
    /// the low 32 bits of the involved object's resourceVersion when
    /// reported (part of the recorder's key). Forgotten with the cache
    /// entry, at the first flush that leaves the slot out.
    revisions: BTreeMap<u32, u32>,
    /// The count and first time of the `REPEATED` slots (most events are
    /// seen once: count 1, first time the last).
    repeats: BTreeMap<u32, Repeat>,
    /// The last time of the slots whose offset from `origin_ms` does not
    /// fit in 32 bits (`LONG_LAST`: 49 days on, or before the origin).
    long_lasts: BTreeMap<u32, i64>,
    recent: Recent,
    scratch: Scratch,
    plain: PlainMessages,
    recorded: RecordedClasses,
}

/// Per label id, whether `aggregates` may hold records of its class
/// (type, reason and source): most classes never get a record of two
/// messages (the kubelet's Created and Started), and their events skip
/// the search. True for every label of a class that has a record;
/// recomputed at a sweep. Follows from the records, so equal logs are
/// equal whatever it says.
#[derive(Clone, Default)]
struct RecordedClasses(Vec<bool>);

/// What EventAggregate found: whether the event goes into the combined
/// event (then where that slot was last found, `NONE` if nowhere), and
/// the slot of an identical event if its walk over the object's slots
/// looked for it (`Some(None)`: there is none).
struct Aggregated {
    combined: Option<u32>,
    identical: Option<Option<u32>>,
}

/// Per label id, the last message recorded under it that was its own
/// stored form (no NUL, the involved object's name not in it), with its
/// id and which pairs of adjacent bytes it holds: the kubelet says
/// `Container created` for every pod, and a comparison is cheaper than
/// scanning and hashing the message again. Checked against the interner
/// before use, so it only ever saves work: equal logs are equal whatever
/// it holds, and a copy starts without it.
#[derive(Default)]
struct PlainMessages(Vec<Plain>);

struct Plain {
    text: String,
    /// `NONE`: nothing remembered.
    id: u32,
    pairs: BytePairs,
}

impl Clone for PlainMessages {
    fn clone(&self) -> PlainMessages {
        PlainMessages::default()
    }
}

impl PlainMessages {
    /// The id of `message`'s stored form for an object named `name`, if it
    /// is the message remembered for `label` and still interned as it.
    fn find(&self, label: u32, message: &str, name: &str, strings: &Interner) -> Option<u32> {
        let plain = self.0.get(label as usize).filter(|plain| plain.id != NONE && plain.text == message)?;
        let interned = strings.entries.get(plain.id as usize)?;
        let live = interned.holders > 0 && *interned.text == *message;
        (live && !plain.pairs.may_hold(name.as_bytes(), message.len())).then_some(plain.id)
    }

    /// Remembers `message`, stored as itself under `id`, for `label`.
    fn remember(&mut self, label: u32, message: &str, id: u32) {
        let at = label as usize;
        if self.0.len() <= at {
            self.0.resize_with(at + 1, || Plain { text: String::new(), id: NONE, pairs: BytePairs::default() });
        }
        let plain = &mut self.0[at];
        if plain.id == id && plain.text == message {
            return;
        }
        plain.text.clear();
        plain.text.push_str(message);
        plain.id = id;
        plain.pairs = BytePairs::of(message.as_bytes());
    }
}

/// A 256-bit set of a text's pairs of adjacent bytes (hashed): a name
/// some pair of which is not in it does not occur in the text.
#[derive(Clone, Copy, Default)]
struct BytePairs([u64; 4]);

impl BytePairs {
    fn bit(pair: &[u8]) -> usize {
        (usize::from(pair[0]) * 31 + usize::from(pair[1])) & 255
    }

    fn of(text: &[u8]) -> BytePairs {
        let mut pairs = BytePairs::default();
        for pair in text.windows(2) {
            let bit = BytePairs::bit(pair);
            pairs.0[bit / 64] |= 1 << (bit % 64);
        }
        pairs
    }

    /// Whether `name` may occur in the text (of `len` bytes) these are
    /// the pairs of: always for a name of one byte; never for an empty
    /// one (the stored form then only escapes NULs).
    fn may_hold(&self, name: &[u8], len: usize) -> bool {
        match name.len() {
            0 => false,
            1 => true,
            n if n > len => false,
            _ => name.windows(2).all(|pair| {
                let bit = BytePairs::bit(pair);
                self.0[bit / 64] & 1 << (bit % 64) != 0
            }),
        }
    }
}

/// Derived state (caches, hints, scratch space) that two equal logs may
/// hold differently: it never decides an outcome, so it compares equal.
macro_rules! equal_whatever_it_holds {
    ($($type:ty),*) => {
        $(impl PartialEq for $type {
            fn eq(&self, _: &$type) -> bool {
                true
            }
        }

        impl Eq for $type {})*
    };
}

equal_whatever_it_holds!(Scratch, Recent, PlainMessages, RecordedClasses, Hint);

/// Where a message's stored form is built when it differs from the
/// message (reused: most are looked up, not kept). Holds nothing between
/// calls, so logs are equal whatever it holds.
#[derive(Default)]
struct Scratch(String);

impl Clone for Scratch {
    fn clone(&self) -> Scratch {
        Scratch::default()
    }
}

/// The latest object and labels events were recorded for: a sync that
/// creates 500 pods, or a kubelet starting a container, reports about
/// the same again, and a comparison is cheaper than hashing (a kubelet
/// starting a container takes turns with three labels: Pulled, Created,
/// Started). Derived from the rest, so equal logs are equal whatever they
/// recall (and `Debug` leaves it out).
#[derive(Clone)]
struct Recent {
    object: Option<(Key, u32)>,
    /// Label ids, the latest found first (`NONE`: none yet).
    labels: [u32; RECENT_LABELS],
}

const RECENT_LABELS: usize = 4;

impl Default for Recent {
    fn default() -> Recent {
        Recent { object: None, labels: [NONE; RECENT_LABELS] }
    }
}

/// What a slot is: type, reason, source and field path, interned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Label {
    event_type: EventType,
    reason: u32,
    source: u32,
    /// `NONE` without a field path.
    field_path: u32,
}

/// One event: the server's copy (`GONE`: none) and, for the legacy
/// recorder, the correlator's cache entry for its key. 20 bytes: its
/// count is 1 (0 if `GONE`) and its first time its last unless it is
/// `REPEATED`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Slot {
    /// The last time, in ms from the log's origin, or `LONG_LAST` (the
    /// time is then in `long_lasts`).
    last: u32,
    object: u32,
    message: u32,
    /// The label id, with the flags above it.
    tag: u32,
    /// The next slot about the same object.
    next: u32,
}

/// A last time that does not fit in a slot.
const LONG_LAST: u32 = u32::MAX;

/// A `REPEATED` slot's count (0 while `GONE`) and first time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Repeat {
    count: u32,
    first_ms: i64,
}

impl Slot {
    fn label(&self) -> u32 {
        self.tag & LABEL_MASK
    }

    fn is(&self, flag: u32) -> bool {
        self.tag & flag != 0
    }
}

/// A count and the time of its last observation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Observed {
    count: u32,
    at_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Aggregate {
    last_ms: i64,
    /// Interned messages (the record's local keys), at most nine kept,
    /// in the order of what they stand for (PopAny takes the first).
    messages: Vec<u32>,
    /// Where its combined slot was last found.
    combined_at: Hint,
}

/// A slot where something was last found: checked before use, so equal
/// logs are equal whatever their hints say (`NONE`: none).
#[derive(Clone, Copy, Debug)]
struct Hint(u32);

impl EventLog {
    /// An empty log whose recorders start at `origin` (the world's start).
    pub fn started_at(origin: Time) -> EventLog {
        let origin_ms = origin.unix_ms;
        EventLog { origin_ms, now_ms: origin_ms, finished_ms: origin_ms, ..EventLog::default() }
    }

    /// Records an event through client-go's legacy recorder: aggregated,
    /// counted and spam-filtered by the EventCorrelator, in its order.
    pub fn record(&mut self, report: Report, now: Time) {
        let now = now.unix_ms;
        self.tick_ms(now);
        let object = self.object_id(report.involved);
        let label = self.label_id(&report);
        let message = self.message_id(label, report.message, &report.involved.name);
        // A combined slot keeps the message without the prefix (its flag
        // says it has one).
        let Aggregated { combined: combined_hint, identical } = self.aggregate(object, label, message, now);
        let combined = combined_hint.is_some();
        let text = message;
        let is_match = |at: u32| {
            let slot = &self.slots[at as usize];
            !slot.is(SERIES_API)
                && slot.is(COMBINED) == combined
                && if combined {
                    self.same_class(slot.label(), label)
                } else {
                    slot.label() == label && slot.message == text
                }
        };
        // An object has one combined slot of a class at most (a second
        // is made only when none is found), so the one last found is the
        // one, if it is still that object's and live.
        let hint = combined_hint.filter(|&at| {
            self.slots.get(at as usize).is_some_and(|slot| slot.object == object && !slot.is(DEAD)) && is_match(at)
        });
        let found = identical.unwrap_or_else(|| hint.or_else(|| self.chain(object).find(|&at| is_match(at))));
        let source = self.labels[label as usize].source;
        let accepted = self.take_token(object, source, now);
        match found {
            Some(at) => {
                if combined && hint.is_none() {
                    self.set_combined_hint(object, label, at);
                }
                if accepted {
                    let count = self.observed(at).count + 1;
                    self.lagging.remove(&at);
                    self.set_last(at, now);
                    self.set_count(at, count);
                    let slot = &mut self.slots[at as usize];
                    let old = std::mem::replace(&mut slot.message, text);
                    self.strings.release(old);
                } else {
                    let count = self.count(at);
                    let seen = self.lagging.entry(at).or_insert(Observed { count, at_ms: now });
                    *seen = Observed { count: seen.count + 1, at_ms: now };
                    self.strings.release(text);
                }
            }
            None => {
                let flags = if combined { COMBINED } else { 0 } | if accepted { 0 } else { GONE };
                let at = self.push(object, label | flags, text, now);
                if combined {
                    self.set_combined_hint(object, label, at);
                }
                if !accepted {
                    self.lagging.insert(at, Observed { count: 1, at_ms: now });
                }
            }
        }
        self.next_expiry_ms = self.next_expiry_ms.min(now + EVENT_TTL_MS);
    }

    /// Records an event through the events.k8s.io recorder, about the
    /// involved object at `revision` (its resourceVersion): a new event,
    /// or the next of a series.
    pub fn record_series(&mut self, report: Report, revision: &str, now: Time) {
        let now = now.unix_ms;
        self.tick_ms(now);
        let object = self.object_id(report.involved);
        let label = self.label_id(&report);
        let revision = revision_bits(revision);
        let cached = self.chain(object).find(|&at| {
            let slot = &self.slots[at as usize];
            slot.is(SERIES_API)
                && slot.label() == label
                && self.cached(at)
                && self.revisions.get(&at) == Some(&revision)
        });
        match cached {
            Some(at) => match self.series.get_mut(&at) {
                Some(series) => *series = Observed { count: series.count + 1, at_ms: now },
                None => {
                    let series = Observed { count: 2, at_ms: now };
                    self.series.insert(at, series);
                    self.write_series(at, series, now);
                }
            },
            None => {
                let message = self.message_id(label, report.message, &report.involved.name);
                let at = self.push(object, label | SERIES_API, message, now);
                self.revisions.insert(at, revision);
                self.next_expiry_ms = self.next_expiry_ms.min(now + EVENT_TTL_MS);
            }
        }
    }

    /// Lets the log's clocks run to `now`: the scheduler recorder's
    /// flushes, then the API server's TTL (and the recorders forgetting).
    pub fn tick(&mut self, now: Time) {
        self.tick_ms(now.unix_ms);
    }

    /// The events the API server holds, oldest first.
    pub fn all(&self) -> impl Iterator<Item = Event<'_>> + '_ {
        self.live_slots().map(|at| self.view(at))
    }

    /// What [`EventLog::all`] gives, without the messages: each event's
    /// type, object and times, oldest first, and an id for [`EventLog::get`].
    /// A view of the newest few of thousands of events, every frame, builds
    /// only their messages.
    pub fn stamps(&self) -> impl Iterator<Item = Stamp<'_>> + '_ {
        self.live_slots().map(|at| {
            let slot = &self.slots[at as usize];
            Stamp {
                id: EventId(at),
                event_type: self.labels[slot.label() as usize].event_type,
                involved: self.objects.key(slot.object),
                first_timestamp: Time::from_unix_ms(self.first_ms(at)),
                last_timestamp: Time::from_unix_ms(self.last_ms(at)),
            }
        })
    }

    /// The event a [`Stamp`] of this log, unchanged since, names.
    pub fn get(&self, id: EventId) -> Event<'_> {
        self.view(id.0)
    }

    fn live_slots(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.slots.len() as u32).filter(|&at| !self.slots[at as usize].is(GONE | DEAD))
    }

    /// The events about one object, oldest first.
    pub fn about<'a>(&'a self, key: &Key) -> impl Iterator<Item = Event<'a>> + 'a {
        let head = self.objects.find(key).map_or(NONE, |id| self.objects.head(id));
        self.chain_from(head).filter(|&at| !self.slots[at as usize].is(GONE)).map(|at| self.view(at))
    }

    fn view(&self, at: u32) -> Event<'_> {
        let slot = &self.slots[at as usize];
        let label = self.labels[slot.label() as usize];
        let series_api = slot.is(SERIES_API);
        let involved = self.objects.key(slot.object);
        Event {
            event_type: label.event_type,
            reason: self.strings.get(label.reason),
            message: self.message(slot),
            involved,
            field_path: (label.field_path != NONE).then(|| self.strings.get(label.field_path)),
            source: self.strings.get(label.source),
            count: self.count(at),
            first_timestamp: Time::from_unix_ms(self.first_ms(at)),
            last_timestamp: Time::from_unix_ms(self.last_ms(at)),
            series_api,
        }
    }

    /// The slot's last time.
    fn last_ms(&self, at: u32) -> i64 {
        match self.slots[at as usize].last {
            LONG_LAST => self.long_lasts[&at],
            last => self.origin_ms + i64::from(last),
        }
    }

    /// When the slot's event was first seen.
    fn first_ms(&self, at: u32) -> i64 {
        match self.slots[at as usize].is(REPEATED) {
            true => self.repeats[&at].first_ms,
            false => self.last_ms(at),
        }
    }

    /// The server's count of the slot's event (0: it has none).
    fn count(&self, at: u32) -> u32 {
        let slot = &self.slots[at as usize];
        match (slot.is(REPEATED), slot.is(GONE)) {
            (true, _) => self.repeats[&at].count,
            (false, gone) => u32::from(!gone),
        }
    }

    /// The slot's `repeats` entry, made from what it holds if new.
    fn repeat(&mut self, at: u32) -> &mut Repeat {
        if !self.slots[at as usize].is(REPEATED) {
            let repeat = Repeat { count: self.count(at), first_ms: self.first_ms(at) };
            self.slots[at as usize].tag |= REPEATED;
            self.repeats.insert(at, repeat);
        }
        self.repeats.get_mut(&at).expect("a repeated slot's entry")
    }

    fn set_count(&mut self, at: u32, count: u32) {
        let slot = &mut self.slots[at as usize];
        if count == 0 {
            slot.tag |= GONE;
        } else {
            slot.tag &= !GONE;
        }
        if count > 1 || self.slots[at as usize].is(REPEATED) {
            self.repeat(at).count = count;
        }
    }

    /// Sets a new slot's last time.
    fn put_last(&mut self, at: u32, last_ms: i64) {
        let last = u32::try_from(last_ms - self.origin_ms).ok().filter(|&last| last != LONG_LAST);
        self.slots[at as usize].last = last.unwrap_or(LONG_LAST);
        if last.is_none() {
            self.long_lasts.insert(at, last_ms);
        } else if !self.long_lasts.is_empty() {
            self.long_lasts.remove(&at);
        }
    }

    /// Moves the slot's last time on to `last_ms`, keeping its first.
    fn set_last(&mut self, at: u32, last_ms: i64) {
        if last_ms != self.first_ms(at) {
            self.repeat(at);
        }
        self.put_last(at, last_ms);
    }

    /// The slot's message, as reported.
    fn message<'a>(&'a self, slot: &Slot) -> Cow<'a, str> {
        let message = expand(self.strings.get(slot.message), &self.objects.key(slot.object).name);
        if slot.is(COMBINED) {
            return Cow::Owned(format!("{COMBINED_PREFIX}{message}"));
        }
        message
    }

    /// The slots about `object`, oldest first.
    fn chain(&self, object: u32) -> impl Iterator<Item = u32> + '_ {
        self.chain_from(self.objects.head(object))
    }

    /// The slots from `head` on, following `next`.
    fn chain_from(&self, head: u32) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors(Some(head).filter(|&at| at != NONE), |&at| {
            Some(self.slots[at as usize].next).filter(|&next| next != NONE)
        })
    }

    /// A new slot, at count 1 (`GONE` in `tag`: 0).
    fn push(&mut self, object: u32, tag: u32, message: u32, now: i64) -> u32 {
        let at = u32::try_from(self.slots.len()).unwrap_or(NONE);
        self.slots.push(Slot { last: 0, object, message, tag, next: NONE });
        self.put_last(at, now);
        let tail = self.objects.append(object, at);
        if tail != NONE {
            self.slots[tail as usize].next = at;
        }
        at
    }

    /// The id of the stored form of `message` about an object named
    /// `name`, held once more.
    fn message_id(&mut self, label: u32, message: &str, name: &str) -> u32 {
        if let Some(id) = self.plain.find(label, message, name, &self.strings) {
            self.strings.retain(id);
            return id;
        }
        let stored = stored_form(message, name, &mut self.scratch.0);
        let plain = std::ptr::eq(stored, message);
        let id = self.strings.acquire(stored);
        if plain {
            self.plain.remember(label, message, id);
        }
        id
    }

    /// The involved object's id (added if new).
    fn object_id(&mut self, key: &Key) -> u32 {
        if let Some((recent, id)) = &self.recent.object
            && recent == key
        {
            return *id;
        }
        let id = self.objects.id(key);
        self.recent.object = Some((key.clone(), id));
        id
    }

    fn label_id(&mut self, report: &Report) -> u32 {
        let id = self.find_label(report);
        let recent = &mut self.recent.labels;
        if recent[0] != id {
            // To the front; the least recent (or this one) drops out.
            let at = recent.iter().position(|&other| other == id).unwrap_or(RECENT_LABELS - 1);
            recent.copy_within(..at, 1);
            recent[0] = id;
        }
        id
    }

    fn find_label(&mut self, report: &Report) -> u32 {
        let (strings, labels) = (&self.strings, &self.labels);
        // Lengths and first bytes first: the recent labels a kubelet's
        // event is tried against differ from it mostly in the reason
        // (`Created`, `Started`: same length), and a byte is cheaper than
        // a `memcmp` call.
        let same = |id: u32, text: &str| {
            let held = strings.get(id).as_bytes();
            held.len() == text.len() && held.first() == text.as_bytes().first() && held == text.as_bytes()
        };
        let is = |id: u32| {
            let label = labels[id as usize];
            label.event_type == report.event_type
                && same(label.reason, report.reason)
                && match report.field_path {
                    None => label.field_path == NONE,
                    Some(path) => label.field_path != NONE && same(label.field_path, path),
                }
                && same(label.source, report.source)
        };
        if let Some(&id) = self.recent.labels.iter().find(|&&id| id != NONE && is(id)) {
            return id;
        }
        let hash = label_hash(report.event_type, report.reason, report.source, report.field_path);
        if let Some(id) = self.label_ids.find(hash, is) {
            return id;
        }
        // A new label holds its strings for the log's lifetime.
        let label = Label {
            event_type: report.event_type,
            reason: self.strings.acquire(report.reason),
            source: self.strings.acquire(report.source),
            field_path: report.field_path.map_or(NONE, |path| self.strings.acquire(path)),
        };
        let id = self.labels.len() as u32;
        self.labels.push(label);
        // Another label of its class knows whether it has records (none
        // can if there is none).
        let recorded =
            (0..id).find(|&other| self.same_class(other, id)).is_some_and(|other| self.recorded.0[other as usize]);
        self.recorded.0.push(recorded);
        let (strings, labels) = (&self.strings, &self.labels);
        self.label_ids.insert(hash, id, |id| {
            let label = labels[id as usize];
            let path = (label.field_path != NONE).then(|| strings.get(label.field_path));
            label_hash(label.event_type, strings.get(label.reason), strings.get(label.source), path)
        });
        id
    }

    /// Same type, reason and source (the aggregation key without the
    /// object, which the caller matches).
    fn same_class(&self, a: u32, b: u32) -> bool {
        let (a, b) = (self.labels[a as usize], self.labels[b as usize]);
        (a.event_type, a.reason, a.source) == (b.event_type, b.reason, b.source)
    }

    /// The recorder's count for a legacy slot and when it last saw it.
    fn observed(&self, at: u32) -> Observed {
        self.lagging.get(&at).copied().unwrap_or_else(|| Observed { count: self.count(at), at_ms: self.last_ms(at) })
    }

    /// EventAggregate: whether this event is the tenth (or later)
    /// distinct message of its kind about the object within the interval,
    /// and so goes into the combined event.
    fn aggregate(&mut self, object: u32, label: u32, message: u32, now: i64) -> Aggregated {
        let key = self.aggregate_key(object, label);
        let single = Aggregated { combined: None, identical: None };
        let record = match self.recorded.0[label as usize] {
            true => self.aggregates.get_mut(&key),
            false => None,
        };
        let Some(record) = record else {
            // A record of one message at most, read off the slots: it
            // becomes a stored one with a second message.
            let (previous, identical) = self.implicit_record(object, label, message, now);
            match previous {
                Some(previous) if previous != message => {
                    self.strings.retain(previous);
                    self.strings.retain(message);
                    let name = &self.objects.key(object).name;
                    let (strings, mut messages) = (&self.strings, vec![previous, message]);
                    if cmp_expanded(strings.get(message), strings.get(previous), name).is_lt() {
                        messages.swap(0, 1);
                    }
                    self.aggregates.insert(key, Aggregate { last_ms: now, messages, combined_at: Hint(NONE) });
                    self.mark_recorded(label);
                }
                _ => {}
            }
            return Aggregated { combined: None, identical: Some(identical) };
        };
        if now - record.last_ms > AGGREGATE_INTERVAL_MS {
            // Too old: the record starts again, with this message alone.
            record.messages.iter().for_each(|&id| self.strings.release(id));
            self.aggregates.remove(&key);
            return single;
        }
        record.last_ms = now;
        if record.messages.contains(&message) {
            return single;
        }
        self.strings.retain(message);
        let (name, strings) = (&self.objects.key(object).name, &self.strings);
        let text = strings.get(message);
        // Distinct stored forms stand for distinct messages: no ties.
        let at = record.messages.partition_point(|&other| cmp_expanded(strings.get(other), text, name).is_lt());
        record.messages.insert(at, message);
        let combined = record.messages.len() >= AGGREGATE_MAX_EVENTS;
        if combined {
            // PopAny: Go's map order is random; the smallest is popped here.
            self.strings.release(record.messages.remove(0));
        }
        Aggregated { combined: combined.then_some(record.combined_at.0), identical: None }
    }

    /// Every label of `label`'s class may have records now.
    fn mark_recorded(&mut self, label: u32) {
        for other in 0..self.labels.len() as u32 {
            if self.same_class(other, label) {
                self.recorded.0[other as usize] = true;
            }
        }
    }

    /// The aggregation record's key for an event about `object` under
    /// `label`.
    fn aggregate_key(&self, object: u32, label: u32) -> (u32, EventType, u32, u32) {
        let Label { event_type, reason, source, .. } = self.labels[label as usize];
        (object, event_type, reason, source)
    }

    fn set_combined_hint(&mut self, object: u32, label: u32, at: u32) {
        let key = self.aggregate_key(object, label);
        if let Some(record) = self.aggregates.get_mut(&key) {
            record.combined_at = Hint(at);
        }
    }

    /// A record of one message is not stored: it is the latest similar
    /// slot's message, if that was seen within the interval. Also the
    /// first slot of an identical event (not combined), which the walk
    /// passes.
    fn implicit_record(&self, object: u32, label: u32, message: u32, now: i64) -> (Option<u32>, Option<u32>) {
        let mut latest: Option<(i64, u32)> = None;
        let mut last_seen = i64::MIN;
        let mut identical = None;
        for at in self.chain(object) {
            let slot = &self.slots[at as usize];
            if slot.is(SERIES_API) || !self.same_class(slot.label(), label) {
                continue;
            }
            if identical.is_none() && !slot.is(COMBINED) && slot.label() == label && slot.message == message {
                identical = Some(at);
            }
            let seen = self.observed(at).at_ms;
            last_seen = last_seen.max(seen);
            if !slot.is(COMBINED) && latest.is_none_or(|(time, _)| seen >= time) {
                latest = Some((seen, slot.message));
            }
        }
        let previous = latest
            .filter(|_| last_seen != i64::MIN && now - last_seen <= AGGREGATE_INTERVAL_MS)
            .map(|(_, message)| message);
        (previous, identical)
    }

    /// The spam filter's TryAccept for (object, source) at `now`.
    fn take_token(&mut self, object: u32, source: u32, now: i64) -> bool {
        let entry = self.objects.entry_mut(object);
        let full_at = if entry.bucket_source == source {
            &mut entry.bucket_full_at
        } else if let Some(full_at) = self.buckets.get_mut(&(object, source)) {
            full_at
        } else if entry.bucket_source == NONE || entry.bucket_full_at <= now {
            // The entry's bucket is free, or full again: as good as absent.
            (entry.bucket_source, entry.bucket_full_at) = (source, now);
            &mut entry.bucket_full_at
        } else {
            self.buckets.entry((object, source)).or_insert(now)
        };
        let from = (*full_at).max(now);
        if from - now > (SPAM_BURST - 1) * SPAM_REFILL_MS {
            return false;
        }
        *full_at = from + SPAM_REFILL_MS;
        true
    }

    /// The spam filter's buckets: ((object, source), when full again),
    /// those in the objects' entries, then the others.
    fn buckets(&self) -> impl Iterator<Item = ((u32, u32), i64)> + '_ {
        let entries = self.objects.entries.iter().enumerate();
        let in_entries = entries.filter_map(|(id, entry)| {
            let entry = entry.as_ref()?;
            (entry.bucket_source != NONE).then_some(((id as u32, entry.bucket_source), entry.bucket_full_at))
        });
        in_entries.chain(self.buckets.iter().map(|(&key, &full_at)| (key, full_at)))
    }

    /// Whether the scheduler's recorder still has this events.k8s.io slot
    /// in its cache: a series until it is finished, a single event until
    /// the first `finishSeries` more than 6 minutes after it.
    fn cached(&self, at: u32) -> bool {
        self.series.contains_key(&at)
            || (self.count(at) == 1 && self.first_ms(at) >= self.finished_ms - FINISH_PERIOD_MS)
    }

    /// Writes a series to the server at `now` (a patch, or a flush).
    fn write_series(&mut self, at: u32, series: Observed, now: i64) {
        self.set_last(at, series.at_ms);
        self.set_count(at, series.count);
        if now > series.at_ms {
            self.written.insert(at, now);
        } else {
            self.written.remove(&at);
        }
    }

    fn tick_ms(&mut self, now: i64) {
        self.now_ms = self.now_ms.max(now);
        let finished_ms = self.finished_ms;
        // The scheduler's recorder: its flushes, in order.
        while self.finished_ms + FINISH_PERIOD_MS <= now {
            if self.series.is_empty() {
                // Nothing to write: only the single events' cache expiry,
                // which follows from the latest run.
                let runs = (now - self.finished_ms) / FINISH_PERIOD_MS;
                self.finished_ms += runs * FINISH_PERIOD_MS;
                break;
            }
            let run = self.finished_ms + FINISH_PERIOD_MS;
            let cached: Vec<(u32, Observed)> = self.series.iter().map(|(&at, &series)| (at, series)).collect();
            for (at, series) in cached {
                let refresh = (run - self.origin_ms) % REFRESH_PERIOD_MS == 0;
                let finished = series.at_ms < run - FINISH_PERIOD_MS;
                if refresh || finished {
                    self.write_series(at, series, run);
                }
                if finished {
                    self.series.remove(&at);
                }
            }
            self.finished_ms = run;
        }
        if self.finished_ms != finished_ms {
            // What the recorder's cache lost, it no longer needs the key of.
            let forgotten: Vec<u32> = self.revisions.keys().copied().filter(|&at| !self.cached(at)).collect();
            forgotten.iter().for_each(|at| _ = self.revisions.remove(at));
        }
        if now >= self.next_expiry_ms {
            self.sweep(now);
        }
    }

    /// The API server deletes what is an hour past its last write; the
    /// legacy recorder forgets a key an hour past its last observation
    /// (its LRU is not modelled); what nothing remembers is dropped.
    fn sweep(&mut self, now: i64) {
        let mut next = i64::MAX;
        for at in 0..self.slots.len() {
            let slot = &self.slots[at];
            if slot.is(DEAD) {
                continue;
            }
            let at = at as u32;
            if !slot.is(GONE) {
                let last_ms = self.last_ms(at);
                let written = self.written.get(&at).copied().unwrap_or(last_ms).max(last_ms);
                if now < written + EVENT_TTL_MS {
                    next = next.min(written + EVENT_TTL_MS);
                    continue;
                }
                if slot.is(SERIES_API) {
                    debug_assert!(!self.series.contains_key(&at), "a cached series outlived its event");
                    self.kill(at);
                    continue;
                }
                let observed = self.observed(at);
                self.lagging.insert(at, observed);
                self.set_count(at, 0);
            }
            let forget_at = self.observed(at).at_ms + EVENT_TTL_MS;
            if now >= forget_at {
                self.kill(at);
            } else {
                next = next.min(forget_at);
            }
        }
        self.next_expiry_ms = next;
        self.buckets.retain(|_, full_at| *full_at > now);
        let stale: Vec<_> = self
            .aggregates
            .iter()
            .filter(|(_, record)| now - record.last_ms > AGGREGATE_INTERVAL_MS)
            .map(|(&key, _)| key)
            .collect();
        for key in stale {
            if let Some(record) = self.aggregates.remove(&key) {
                record.messages.into_iter().for_each(|id| self.strings.release(id));
            }
        }
        let classes: BTreeSet<(EventType, u32, u32)> =
            lean::set_of(self.aggregates.keys().map(|&(_, event_type, reason, source)| (event_type, reason, source)));
        for (label, recorded) in self.labels.iter().zip(&mut self.recorded.0) {
            *recorded = classes.contains(&(label.event_type, label.reason, label.source));
        }
        let mut kept: BTreeSet<u32> = lean::set_of(self.buckets.keys().map(|&(object, _)| object));
        kept.extend(self.aggregates.keys().map(|&(object, ..)| object));
        self.objects.drop_empty(&kept, now);
        // Its id may be free now.
        self.recent.object = None;
        if self.dead > 64 && self.dead * 2 > self.slots.len() {
            self.compact();
        }
    }

    fn kill(&mut self, at: u32) {
        let slot = &self.slots[at as usize];
        let (object, next, message) = (slot.object, slot.next, slot.message);
        let previous = self.chain(object).find(|&other| self.slots[other as usize].next == at);
        match previous {
            Some(previous) => self.slots[previous as usize].next = next,
            None => self.objects.set_head(object, next),
        }
        if self.objects.tail(object) == at {
            self.objects.set_tail(object, previous.unwrap_or(NONE));
        }
        self.strings.release(message);
        self.lagging.remove(&at);
        self.series.remove(&at);
        self.written.remove(&at);
        self.revisions.remove(&at);
        self.repeats.remove(&at);
        self.long_lasts.remove(&at);
        let slot = &mut self.slots[at as usize];
        slot.tag = (slot.tag | DEAD | GONE) & !REPEATED;
        slot.next = NONE;
        self.dead += 1;
    }

    /// Drops the dead slots, renumbering the live ones.
    fn compact(&mut self) {
        let mut renumber = vec![NONE; self.slots.len()];
        let mut live = Vec::with_capacity(self.slots.len() - self.dead);
        for (at, slot) in self.slots.iter().enumerate() {
            if !slot.is(DEAD) {
                renumber[at] = live.len() as u32;
                live.push(slot.clone());
            }
        }
        let map = |at: u32| if at == NONE { NONE } else { renumber[at as usize] };
        for slot in &mut live {
            slot.next = map(slot.next);
        }
        self.objects.renumber(map);
        self.lagging = lean::map_of(std::mem::take(&mut self.lagging).into_iter().map(|(at, v)| (map(at), v)));
        self.series = lean::map_of(std::mem::take(&mut self.series).into_iter().map(|(at, v)| (map(at), v)));
        self.written = lean::map_of(std::mem::take(&mut self.written).into_iter().map(|(at, v)| (map(at), v)));
        self.revisions = lean::map_of(std::mem::take(&mut self.revisions).into_iter().map(|(at, v)| (map(at), v)));
        self.repeats = lean::map_of(std::mem::take(&mut self.repeats).into_iter().map(|(at, v)| (map(at), v)));
        self.long_lasts = lean::map_of(std::mem::take(&mut self.long_lasts).into_iter().map(|(at, v)| (map(at), v)));
        self.slots = live;
        self.dead = 0;
    }
}

/// The events as kubectl would list them, then what the recorders
/// remember (the digest covers both). Canonical: ordered by what things
/// are, not by ids, and without the buckets and records that are as good
/// as absent by now, so that when the log swept does not show.
impl std::fmt::Debug for EventLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let describe = |at: u32| {
            let slot = &self.slots[at as usize];
            let label = self.labels[slot.label() as usize];
            let key = self.objects.key(slot.object);
            format!(
                "{}/{}/{} {} {} {:?}",
                key.kind,
                key.namespace,
                key.name,
                self.strings.get(label.source),
                self.strings.get(label.reason),
                self.message(slot)
            )
        };
        let events: Vec<Event> = self.all().collect();
        let lagging: Vec<_> = self.lagging.iter().map(|(&at, seen)| (describe(at), seen)).collect();
        let series: Vec<_> = self.series.iter().map(|(&at, seen)| (describe(at), seen)).collect();
        let written: Vec<_> = self.written.iter().map(|(&at, time)| (describe(at), time)).collect();
        let buckets: BTreeMap<_, _> = self
            .buckets()
            .filter(|&(_, full_at)| full_at > self.now_ms)
            .map(|((object, source), full_at)| ((self.objects.key(object), self.strings.get(source)), full_at))
            .collect();
        let aggregates: BTreeMap<_, _> = self
            .aggregates
            .iter()
            .filter(|(_, record)| self.now_ms - record.last_ms <= AGGREGATE_INTERVAL_MS)
            .map(|(&(object, event_type, reason, source), record)| {
                let key = self.objects.key(object);
                let messages: BTreeSet<Cow<str>> =
                    record.messages.iter().map(|&id| expand(self.strings.get(id), &key.name)).collect();
                let what = (key, self.strings.get(source), event_type, self.strings.get(reason));
                (what, (record.last_ms, messages))
            })
            .collect();
        f.debug_struct("EventLog")
            .field("events", &events)
            .field("lagging", &lagging)
            .field("series", &series)
            .field("written", &written)
            .field("buckets", &buckets)
            .field("aggregates", &aggregates)
            .field("finished_ms", &self.finished_ms)
            .finish()
    }
}

/// A message as stored: NULs escaped (`\0\x01`), then every occurrence of
/// the involved object's name replaced by `\0\x02`. Names are DNS names,
/// so they hold neither character; [`expand`] reverses it exactly.
///
/// One pass, left to right: a NUL, else the name where it starts, else
/// the byte (a name holds none of the escapes' bytes, so this is the same
/// as escaping first and then replacing the name).
fn stored_form<'a>(message: &'a str, name: &str, scratch: &'a mut String) -> &'a str {
    let (bytes, name) = (message.as_bytes(), name.as_bytes());
    let factor = !name.is_empty() && !name.iter().any(|&byte| byte <= 2);
    // Where an escape may start: a NUL, or the name's first byte.
    let first_name = if factor { name[0] } else { 0 };
    let mut escaped = false;
    let (mut copied, mut from) = (0, 0);
    while let Some(at) = find_either(bytes, from, first_name) {
        let (len, escape) = match bytes[at] {
            0 => (1, "\0\u{1}"),
            _ if bytes[at..].starts_with(name) => (name.len(), "\0\u{2}"),
            _ => {
                from = at + 1;
                continue;
            }
        };
        if !escaped {
            scratch.clear();
            escaped = true;
        }
        // Both ends are character boundaries: a NUL, or the name's.
        scratch.push_str(&message[copied..at]);
        scratch.push_str(escape);
        (copied, from) = (at + len, at + len);
    }
    if !escaped {
        return message;
    }
    scratch.push_str(&message[copied..]);
    scratch
}

/// The first place from `from` on that holds a NUL or `byte`: skipping
/// eight bytes at a time while a word has neither (a word has a zero byte
/// exactly when `(w - 0x0101..) & !w & 0x8080..` is not 0), then byte by
/// byte.
fn find_either(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let zero_in = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS != 0;
    let pattern = ONES * u64::from(byte);
    let rest = bytes.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut start = from;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        if zero_in(word) || zero_in(word ^ pattern) {
            break;
        }
        start += 8;
    }
    bytes[start..].iter().position(|&b| b == 0 || b == byte).map(|at| start + at)
}

/// Compares what two stored forms stand for, as [`expand`] gives them,
/// without building them: from the start of the escape (if any) where
/// they first differ, their expansions byte by byte.
fn cmp_expanded(a: &str, b: &str, name: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut same = common_prefix(a, b);
    // Every NUL of a stored form starts an escape.
    if same > 0 && a[same - 1] == 0 {
        same -= 1;
    }
    if let (Some(&x), Some(&y)) = (a.get(same), b.get(same))
        && x != 0
        && y != 0
    {
        return x.cmp(&y);
    }
    expanded_bytes(&a[same..], name.as_bytes()).cmp(expanded_bytes(&b[same..], name.as_bytes()))
}

/// How many bytes `a` and `b` start with in common: eight at a time (the
/// first differing byte of a word is its lowest set byte of `x ^ y` read
/// little-endian), then byte by byte. PopAny compares nine messages that
/// share most of their bytes (`Created pod: <name>-`) for every event.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let word = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().unwrap_or_default());
    let mut same = 0;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let differ = word(x) ^ word(y);
        if differ != 0 {
            return same + differ.trailing_zeros() as usize / 8;
        }
        same += 8;
    }
    same + a[same..].iter().zip(&b[same..]).take_while(|(x, y)| x == y).count()
}

/// The bytes of what a stored form stands for, as [`expand`] gives them.
fn expanded_bytes<'a>(stored: &'a [u8], name: &'a [u8]) -> impl Iterator<Item = u8> + 'a {
    let mut rest = stored;
    std::iter::from_fn(move || {
        let (piece, after): (&[u8], &[u8]) = match rest {
            [] => return None,
            [0, 1, after @ ..] => (b"\0", after),
            [0, 2, after @ ..] => (name, after),
            [0, after @ ..] => (b"\0", after),
            _ => {
                let end = rest.iter().position(|&byte| byte == 0).unwrap_or(rest.len());
                rest.split_at(end)
            }
        };
        rest = after;
        Some(piece)
    })
    .flatten()
    .copied()
}

/// The message a stored form stands for.
fn expand<'a>(stored: &'a str, name: &str) -> Cow<'a, str> {
    if !stored.contains('\0') {
        return Cow::Borrowed(stored);
    }
    let mut text = String::with_capacity(stored.len() + name.len());
    let mut chars = stored.chars();
    while let Some(c) = chars.next() {
        if c != '\0' {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('\u{1}') => text.push('\0'),
            Some('\u{2}') => text.push_str(name),
            other => text.extend(std::iter::once('\0').chain(other)),
        }
    }
    Cow::Owned(text)
}

/// The low 32 bits of a numeric resourceVersion (FNV-1a of any other,
/// with a 0 byte after it).
fn revision_bits(revision: &str) -> u32 {
    match revision.parse::<u64>() {
        Ok(number) => number as u32,
        Err(_) => {
            let mut hash = Fnv32a::new();
            hash.write(revision.as_bytes());
            hash.write(&[0]);
            hash.sum32()
        }
    }
}

fn text_hash(text: &str) -> u32 {
    hash_parts(&[text.as_bytes()])
}

fn label_hash(event_type: EventType, reason: &str, source: &str, field_path: Option<&str>) -> u32 {
    let kind = [event_type as u8, u8::from(field_path.is_some())];
    hash_parts(&[&kind, reason.as_bytes(), source.as_bytes(), field_path.unwrap_or_default().as_bytes()])
}

/// Puts `entry` in a freed place of `entries`, or at the end; its index.
fn reuse_or_push<T>(entries: &mut Vec<T>, free: &mut Vec<u32>, entry: T) -> u32 {
    match free.pop() {
        Some(id) => {
            entries[id as usize] = entry;
            id
        }
        None => {
            entries.push(entry);
            (entries.len() - 1) as u32
        }
    }
}

/// Strings stored once, with a count of their holders.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Interner {
    entries: Vec<Interned>,
    free: Vec<u32>,
    /// The ids by [`text_hash`].
    index: IdTable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Interned {
    text: Box<str>,
    holders: u32,
    /// [`text_hash`] of the text: a release, and a table that grows or
    /// closes a hole, hashes no text again.
    hash: u32,
}

impl Interner {
    #[cfg(test)]
    fn lookup(&self, text: &str) -> Option<u32> {
        self.lookup_hashed(text_hash(text), text)
    }

    /// The kept hash first: a probe past another text compares no bytes.
    fn lookup_hashed(&self, hash: u32, text: &str) -> Option<u32> {
        self.index.find(hash, |id| {
            let entry = &self.entries[id as usize];
            entry.hash == hash && *entry.text == *text
        })
    }

    /// The id of `text`, held once more.
    fn acquire(&mut self, text: &str) -> u32 {
        let hash = text_hash(text);
        if let Some(id) = self.lookup_hashed(hash, text) {
            self.retain(id);
            return id;
        }
        let id = reuse_or_push(&mut self.entries, &mut self.free, Interned { text: text.into(), holders: 1, hash });
        let entries = &self.entries;
        self.index.insert(hash, id, |other| entries[other as usize].hash);
        id
    }

    fn retain(&mut self, id: u32) {
        self.entries[id as usize].holders += 1;
    }

    fn release(&mut self, id: u32) {
        let entry = &mut self.entries[id as usize];
        entry.holders -= 1;
        if entry.holders == 0 {
            entry.text = Box::default();
            let (hash, entries) = (entry.hash, &self.entries);
            self.index.remove(hash, id, |other| entries[other as usize].hash);
            self.free.push(id);
        }
    }

    fn get(&self, id: u32) -> &str {
        &self.entries[id as usize].text
    }
}

/// The involved objects, each stored once, with their chains of slots.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Objects {
    entries: Vec<Option<InvolvedObject>>,
    free: Vec<u32>,
    /// The ids by [`key_hash`].
    index: IdTable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct InvolvedObject {
    key: Key,
    head: u32,
    tail: u32,
    /// The spam filter's bucket of the first source to report about it:
    /// the source (`NONE`: none) and when it will be full again (a full
    /// one is as good as none). Two fields, not a struct: 24 bytes in
    /// wasm32, not 32.
    bucket_source: u32,
    bucket_full_at: i64,
}

fn key_hash(key: &Key) -> u32 {
    hash_parts(&[key.kind.as_bytes(), key.namespace.as_bytes(), key.name.as_bytes()])
}

impl Objects {
    fn find(&self, key: &Key) -> Option<u32> {
        self.find_hashed(key_hash(key), key)
    }

    fn find_hashed(&self, hash: u32, key: &Key) -> Option<u32> {
        self.index.find(hash, |id| self.key(id) == key)
    }

    /// The object's id, added if new.
    fn id(&mut self, key: &Key) -> u32 {
        let hash = key_hash(key);
        if let Some(id) = self.find_hashed(hash, key) {
            return id;
        }
        let entry =
            Some(InvolvedObject { key: key.clone(), head: NONE, tail: NONE, bucket_source: NONE, bucket_full_at: 0 });
        let id = reuse_or_push(&mut self.entries, &mut self.free, entry);
        let entries = &self.entries;
        self.index.insert(hash, id, |other| key_hash(&entries[other as usize].as_ref().expect("a live object id").key));
        id
    }

    fn entry(&self, id: u32) -> &InvolvedObject {
        self.entries[id as usize].as_ref().expect("a live object id")
    }

    fn entry_mut(&mut self, id: u32) -> &mut InvolvedObject {
        self.entries[id as usize].as_mut().expect("a live object id")
    }

    fn key(&self, id: u32) -> &Key {
        &self.entry(id).key
    }

    fn head(&self, id: u32) -> u32 {
        self.entry(id).head
    }

    fn tail(&self, id: u32) -> u32 {
        self.entry(id).tail
    }

    fn set_head(&mut self, id: u32, at: u32) {
        self.entry_mut(id).head = at;
    }

    fn set_tail(&mut self, id: u32, at: u32) {
        self.entry_mut(id).tail = at;
    }

    /// Appends a slot to the object's chain; returns the former tail.
    fn append(&mut self, id: u32, at: u32) -> u32 {
        let entry = self.entry_mut(id);
        let tail = std::mem::replace(&mut entry.tail, at);
        if entry.head == NONE {
            entry.head = at;
        }
        tail
    }

    /// Drops the buckets full again at `now`, then forgets the objects
    /// without slots or a bucket, except `kept`.
    fn drop_empty(&mut self, kept: &BTreeSet<u32>, now: i64) {
        for id in 0..self.entries.len() as u32 {
            let Some(entry) = self.entries[id as usize].as_mut() else { continue };
            if entry.bucket_full_at <= now {
                entry.bucket_source = NONE;
            }
            let empty = entry.head == NONE && entry.bucket_source == NONE;
            if empty && !kept.contains(&id) {
                if let Some(entry) = self.entries[id as usize].take() {
                    let entries = &self.entries;
                    self.index.remove(key_hash(&entry.key), id, |other| {
                        key_hash(&entries[other as usize].as_ref().expect("a live object id").key)
                    });
                }
                self.free.push(id);
            }
        }
    }

    fn renumber(&mut self, map: impl Fn(u32) -> u32) {
        for entry in self.entries.iter_mut().flatten() {
            entry.head = map(entry.head);
            entry.tail = map(entry.tail);
        }
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
