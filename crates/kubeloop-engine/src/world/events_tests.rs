//! The event log against client-go's recorders and the API server's TTL:
//! first the log alone (times from 0), then through the world.

use super::*;
use crate::parse_manifests;
use crate::world::World;
use crate::world::test_support::world_with;

const S: i64 = 1_000;
const MIN: i64 = 60 * S;

fn pod(name: &str) -> Key {
    Key::new("Pod", "default", name)
}

/// A Normal kubelet event without a field path.
fn kubelet<'a>(involved: &'a Key, reason: &'a str, message: &'a str) -> Report<'a> {
    Report { event_type: EventType::Normal, reason, message, involved, field_path: None, source: "kubelet" }
}

fn record(log: &mut EventLog, at_ms: i64, report: Report) {
    log.record(report, Time::from_unix_ms(at_ms));
}

/// (object, reason, message, count, first s, last s).
type Row = (String, String, String, u32, i64, i64);

/// Every event as a [`Row`].
fn rows(log: &EventLog) -> Vec<Row> {
    log.all()
        .map(|e| {
            let (first, last) = (e.first_timestamp.unix_ms / S, e.last_timestamp.unix_ms / S);
            (e.involved.name.clone(), e.reason.to_string(), e.message.to_string(), e.count, first, last)
        })
        .collect()
}

/// (message, count) of the events about `key`.
fn about(log: &EventLog, key: &Key) -> Vec<(String, u32)> {
    log.about(key).map(|e| (e.message.to_string(), e.count)).collect()
}

#[test]
fn similar_events_combine_from_the_tenth_distinct_message() {
    // (distinct messages, one per second; individual events; the combined
    // event's count and the message it shows). upstream's test: nine
    // similar events, then a tenth → the combined event at count 1; ten,
    // then an eleventh → count 2. The spam filter's 25 writes cap the
    // combined count at 16 (9 + 16).
    type Combined = Option<(u32, &'static str)>;
    let cases: [(usize, usize, Combined); 6] = [
        (9, 9, None),
        (10, 9, Some((1, "(combined from similar events): Created pod: web-09"))),
        (11, 9, Some((2, "(combined from similar events): Created pod: web-10"))),
        (12, 9, Some((3, "(combined from similar events): Created pod: web-11"))),
        (25, 9, Some((16, "(combined from similar events): Created pod: web-24"))),
        (40, 9, Some((16, "(combined from similar events): Created pod: web-24"))),
    ];
    let rs = Key::new("ReplicaSet", "default", "web");
    for (distinct, individual, combined) in cases {
        let mut log = EventLog::default();
        for i in 0..distinct {
            let report = Report { source: "replicaset-controller", ..kubelet(&rs, "SuccessfulCreate", "") };
            record(&mut log, i as i64 * S, Report { message: &format!("Created pod: web-{i:02}"), ..report });
        }
        let events = about(&log, &rs);
        let singles: Vec<_> = events.iter().filter(|(message, _)| !message.starts_with('(')).collect();
        assert_eq!(singles.len(), individual, "{distinct}: {events:#?}");
        assert!(singles.iter().all(|(_, count)| *count == 1), "{distinct}: {events:#?}");
        let found = events.iter().find(|(message, _)| message.starts_with('('));
        assert_eq!(found.map(|(message, count)| (*count, message.as_str())), combined, "{distinct}");
    }
}

#[test]
fn similar_events_further_apart_than_ten_minutes_are_not_combined() {
    // (seconds between the similar events, combined?)
    for (gap_s, combined) in [(600, true), (601, false)] {
        let mut log = EventLog::default();
        let p = pod("web-1");
        for i in 0..12 {
            record(&mut log, i * gap_s * S, kubelet(&p, "Unhealthy", &format!("Readiness probe failed: {i}")));
        }
        let found = log.all().any(|e| e.message.starts_with("(combined from similar events): "));
        assert_eq!(found, combined, "gap {gap_s} s: {:#?}", rows(&log));
    }
}

#[test]
fn identical_events_are_counted_and_others_are_not() {
    let mut log = EventLog::default();
    let p = pod("web-1");
    let backoff = |container: &'static str| Report {
        event_type: EventType::Warning,
        field_path: Some(container),
        ..kubelet(&p, "BackOff", "Back-off restarting failed container web in pod web-1_default(uid)")
    };
    record(&mut log, S, backoff("spec.containers{web}"));
    record(&mut log, 11 * S, backoff("spec.containers{web}"));
    record(&mut log, 12 * S, backoff("spec.containers{sidecar}"));
    record(&mut log, 13 * S, kubelet(&p, "Pulled", "Container image \"web\" already present on machine"));
    record(&mut log, 40 * S, backoff("spec.containers{web}"));
    let events: Vec<_> =
        log.all().map(|e| (e.field_path, e.reason, e.count, e.first_timestamp, e.last_timestamp)).collect();
    let t = |s: i64| Time::from_unix_ms(s * S);
    assert_eq!(
        events,
        [
            (Some("spec.containers{web}"), "BackOff", 3, t(1), t(40)),
            (Some("spec.containers{sidecar}"), "BackOff", 1, t(12), t(12)),
            (None, "Pulled", 1, t(13), t(13)),
        ]
    );
}

#[test]
fn the_spam_filter_allows_25_events_then_one_per_300_seconds() {
    // Distinct reasons, so that nothing combines. (time, written?)
    let steps: [(i64, bool); 8] = [
        (0, false),
        (299_999, false),
        (300 * S, true),
        (300 * S, false),
        (599_999, false),
        (600 * S, true),
        // Two tokens back after another 600 s.
        (1_200 * S, true),
        (1_200 * S, true),
    ];
    let mut log = EventLog::default();
    let p = pod("web-1");
    let reasons: Vec<String> = (0..40).map(|i| format!("Reason{i}")).collect();
    let mut reason = reasons.iter();
    // The burst: 25 events at 0, then the 26th is dropped.
    for _ in 0..25 {
        record(&mut log, 0, kubelet(&p, reason.next().unwrap(), "burst"));
    }
    assert_eq!(log.all().count(), 25);
    record(&mut log, 0, kubelet(&p, reason.next().unwrap(), "burst"));
    assert_eq!(log.all().count(), 25);
    for (i, (at_ms, written)) in steps.into_iter().enumerate() {
        let before = log.all().count();
        record(&mut log, at_ms, kubelet(&p, reason.next().unwrap(), "later"));
        assert_eq!(log.all().count() - before, usize::from(written), "step {i} at {at_ms} ms");
    }
    // Another source has its own bucket for the same object.
    let other = Report { source: "taint-eviction-controller", ..kubelet(&p, "TaintManagerEviction", "x") };
    record(&mut log, 1_200 * S, other);
    assert!(log.all().any(|e| e.reason == "TaintManagerEviction"));
}

#[test]
fn sources_share_an_object_and_keep_their_own_buckets() {
    // The first source's bucket sits in the object's entry, others' in a
    // map, and a bucket full again frees the entry for another source:
    // whatever holds it, each source's bucket is upstream's token bucket
    // (a model here). Distinct reasons, so nothing combines or counts.
    let sources = ["kubelet", "taint-eviction-controller", "node-controller"];
    let mut log = EventLog::default();
    let p = pod("web-1");
    let mut full_at = [0i64; 3];
    let mut step = |i: usize, which: usize, at_ms: i64| {
        let from = full_at[which].max(at_ms);
        let accepted = from - at_ms <= 24 * 300 * S;
        if accepted {
            full_at[which] = from + 300 * S;
        }
        let reason = format!("Reason{i}");
        record(&mut log, at_ms, Report { source: sources[which], ..kubelet(&p, &reason, "x") });
        let written = log.about(&p).any(|e| e.reason == reason);
        assert_eq!(written, accepted, "event {i} of {} at {at_ms} ms", sources[which]);
    };
    // The kubelet takes the entry; the taint manager's burst exhausts its
    // bucket in the map; when the kubelet's is full again, the taint
    // manager's (one token back) is still the one in the map.
    step(0, 0, 0);
    (1..27).for_each(|i| step(i, 1, 0));
    step(27, 1, 400 * S);
    step(28, 1, 400 * S);
    // Then at random: bursts, and gaps that refill some tokens or all.
    let (mut seed, mut at_ms) = (7u64, 400 * S);
    for i in 29..2_000 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        at_ms += [0, 0, 0, 40 * S, 2_000 * S, 8_000 * S][(seed >> 40) as usize % 6];
        step(i, (seed >> 33) as usize % 3, at_ms);
    }
}

#[test]
fn labels_recalled_in_turn_stay_apart() {
    // More labels in turn than the log recalls, differing in one part
    // each (type, reason, source, field path): every event keeps its own.
    let p = pod("web-1");
    let reports = [
        Report { field_path: Some("spec.containers{a}"), ..kubelet(&p, "Pulled", "m") },
        Report { field_path: Some("spec.containers{b}"), ..kubelet(&p, "Pulled", "m") },
        Report { field_path: None, ..kubelet(&p, "Pulled", "m") },
        Report { event_type: EventType::Warning, ..kubelet(&p, "Pulled", "m") },
        Report { source: "node-controller", ..kubelet(&p, "Pulled", "m") },
        kubelet(&p, "Created", "m"),
    ];
    let mut log = EventLog::default();
    let seen = |e: &Event| (e.event_type, e.reason.to_string(), e.source.to_string(), e.field_path.map(String::from));
    let mut expected = Vec::new();
    for round in 0..3 {
        for (i, report) in reports.iter().enumerate() {
            let report = Report { ..*report };
            expected.push((
                report.event_type,
                report.reason.to_string(),
                report.source.to_string(),
                report.field_path.map(String::from),
            ));
            record(&mut log, (round * 10 + i as i64) * S, report);
        }
    }
    let mut counts: Vec<_> = log.about(&p).map(|e| (seen(&e), e.count)).collect();
    counts.sort();
    expected.sort();
    expected.dedup();
    assert_eq!(counts, expected.into_iter().map(|label| (label, 3)).collect::<Vec<_>>());
}

#[test]
fn dropped_events_still_count_toward_the_next_write() {
    // The correlator counts before it filters: an event dropped twice and
    // then written shows count 3 and its first occurrence.
    let mut log = EventLog::default();
    let p = pod("web-1");
    for i in 0..25 {
        record(&mut log, 0, kubelet(&p, &format!("Burst{i}"), "burst"));
    }
    record(&mut log, 10 * S, kubelet(&p, "BackOff", "Back-off"));
    record(&mut log, 20 * S, kubelet(&p, "BackOff", "Back-off"));
    assert!(!log.all().any(|e| e.reason == "BackOff"), "dropped: {:#?}", rows(&log));
    record(&mut log, 300 * S, kubelet(&p, "BackOff", "Back-off"));
    let backoff: Vec<_> = rows(&log).into_iter().filter(|row| row.1 == "BackOff").collect();
    assert_eq!(backoff, [("web-1".into(), "BackOff".into(), "Back-off".into(), 3, 10, 300)]);
}

#[test]
fn an_event_is_deleted_an_hour_after_its_last_write() {
    // (time of a repeat of the event, or of a look only; count then, or
    // None when the server no longer has it)
    let steps: [(i64, bool, Option<u32>); 6] = [
        (0, true, Some(1)),
        (30 * MIN, true, Some(2)),
        (90 * MIN - 1, false, Some(2)),
        (90 * MIN, false, None),
        // Nothing saw it for an hour: the recorder has forgotten it too.
        (91 * MIN, true, Some(1)),
        (151 * MIN, false, None),
    ];
    let mut log = EventLog::default();
    let p = pod("web-1");
    for (at_ms, repeat, count) in steps {
        if repeat {
            record(&mut log, at_ms, kubelet(&p, "Killing", "Stopping container web"));
        } else {
            log.tick(Time::from_unix_ms(at_ms));
        }
        assert_eq!(log.all().next().map(|e| e.count), count, "at {at_ms} ms");
        assert_eq!(log.about(&p).count(), usize::from(count.is_some()), "at {at_ms} ms");
    }
}

#[test]
fn an_expired_event_the_recorder_still_counts_is_created_again() {
    // The server deletes the event an hour after its last write; the
    // recorder kept counting (the spam filter dropped the writes), so the
    // next write creates it again with the whole count and the first time.
    let mut log = EventLog::default();
    let p = pod("web-1");
    record(&mut log, 0, kubelet(&p, "BackOff", "Back-off"));
    for i in 0..24 {
        record(&mut log, 0, kubelet(&p, &format!("Burst{i}"), "burst"));
    }
    // Every token that comes back goes to another event first.
    for k in 1..=12 {
        record(&mut log, k * 300 * S, kubelet(&p, &format!("Other{k}"), "other"));
        record(&mut log, k * 300 * S + 1, kubelet(&p, "BackOff", "Back-off"));
    }
    log.tick(Time::from_unix_ms(60 * MIN));
    assert!(!log.all().any(|e| e.reason == "BackOff"), "deleted at 60 min: {:#?}", rows(&log));
    record(&mut log, 65 * MIN + 1, kubelet(&p, "BackOff", "Back-off"));
    let backoff: Vec<_> = rows(&log).into_iter().filter(|row| row.1 == "BackOff").collect();
    assert_eq!(backoff, [("web-1".into(), "BackOff".into(), "Back-off".into(), 14, 0, 3_900)]);
}

#[test]
fn each_object_has_its_own_aggregation_and_bucket() {
    let mut log = EventLog::default();
    let (a, b) = (pod("web-a"), pod("web-b"));
    // web-a: 25 distinct messages exhaust its bucket and combine.
    for i in 0..25 {
        record(&mut log, i * S, kubelet(&a, "Unhealthy", &format!("Readiness probe failed: {i}")));
    }
    // web-b: the same reason, one message, twice; and web-a's first message.
    record(&mut log, 30 * S, kubelet(&b, "Unhealthy", "Readiness probe failed: 0"));
    record(&mut log, 31 * S, kubelet(&b, "Unhealthy", "Readiness probe failed: 0"));
    record(&mut log, 32 * S, kubelet(&a, "Unhealthy", "Readiness probe failed: late"));
    assert_eq!(about(&log, &b), [("Readiness probe failed: 0".to_string(), 2)]);
    let a_events = about(&log, &a);
    assert_eq!(a_events.len(), 10, "{a_events:#?}");
    assert_eq!(a_events.last(), Some(&("(combined from similar events): Readiness probe failed: 24".to_string(), 16)));
}

/// A scheduler event about `key` at resourceVersion `revision`.
fn schedule(log: &mut EventLog, at_ms: i64, key: &Key, revision: &str, message: &str) {
    let report = Report {
        event_type: EventType::Warning,
        source: "default-scheduler",
        ..kubelet(key, "FailedScheduling", message)
    };
    log.record_series(report, revision, Time::from_unix_ms(at_ms));
}

/// (count, first s, last s, message) of a scheduler event.
type SeriesRow = (u32, i64, i64, String);

fn series_rows(log: &EventLog) -> Vec<SeriesRow> {
    log.all()
        .filter(|e| e.series_api)
        .map(|e| (e.count, e.first_timestamp.unix_ms / S, e.last_timestamp.unix_ms / S, e.message.to_string()))
        .collect()
}

#[test]
fn the_scheduler_recorder_writes_a_series_when_it_starts_and_at_its_flushes() {
    let mut log = EventLog::default();
    let p = pod("web-1");
    // (time, look only?, the events then). Observations at 0, 10, 20,
    // 30 s: the second starts the series (written); the third and fourth
    // stay in the recorder until the flush after 6 quiet minutes
    // (finishSeries runs at 6, 12, 18 ... min: at 12 min, the last
    // observation at 30 s is more than 6 min old).
    let one = |count, last| vec![(count, 0, last, "0/3 nodes are available: first".to_string())];
    let steps: Vec<(i64, bool, Vec<SeriesRow>)> = vec![
        (0, false, one(1, 0)),
        (10 * S, false, one(2, 10)),
        (20 * S, false, one(2, 10)),
        (30 * S, false, one(2, 10)),
        (12 * MIN - 1, true, one(2, 10)),
        (12 * MIN, true, one(4, 30)),
    ];
    for (i, (at_ms, look, expected)) in steps.into_iter().enumerate() {
        if look {
            log.tick(Time::from_unix_ms(at_ms));
        } else {
            let message = if i == 0 { "0/3 nodes are available: first" } else { "0/3 nodes are available: later" };
            schedule(&mut log, at_ms, &p, "7", message);
        }
        assert_eq!(series_rows(&log), expected, "at {at_ms} ms");
    }
    // Finished: the next one starts a new event.
    schedule(&mut log, 13 * MIN, &p, "7", "0/3 nodes are available: again");
    assert_eq!(series_rows(&log).len(), 2);
}

#[test]
fn a_changed_resource_version_starts_a_new_scheduler_event() {
    // kube-scheduler writes the pod's PodScheduled condition after its
    // first failure: the next attempt refers to a newer resourceVersion.
    let mut log = EventLog::default();
    let p = pod("web-1");
    schedule(&mut log, 0, &p, "7", "0/3 nodes are available.");
    schedule(&mut log, 10 * S, &p, "8", "0/3 nodes are available.");
    schedule(&mut log, 20 * S, &p, "8", "0/3 nodes are available.");
    let counts: Vec<(u32, i64, i64)> = series_rows(&log).into_iter().map(|(c, f, l, _)| (c, f, l)).collect();
    assert_eq!(counts, [(1, 0, 0), (2, 10, 20)]);
}

#[test]
fn a_long_series_is_written_at_every_refresh_and_expires_an_hour_after_the_last() {
    let mut log = EventLog::default();
    let p = pod("web-1");
    // One observation a minute for 40 minutes.
    for minute in 0..40 {
        schedule(&mut log, minute * MIN, &p, "7", "0/3 nodes are available.");
    }
    // Written at 1 min (the series starts) and at the 30 min refresh,
    // which runs before that instant's observation.
    assert_eq!(series_rows(&log)[0].0, 30);
    // Finished at the 48 min run (39 min is more than 6 min before it).
    log.tick(Time::from_unix_ms(48 * MIN));
    assert_eq!(series_rows(&log)[0].0, 40);
    // The TTL counts from that write, not from the last observation.
    log.tick(Time::from_unix_ms(39 * MIN + 60 * MIN));
    assert_eq!(series_rows(&log).len(), 1);
    log.tick(Time::from_unix_ms(48 * MIN + 60 * MIN));
    assert_eq!(series_rows(&log).len(), 0);
}

#[test]
fn a_single_scheduler_event_leaves_the_cache_at_the_first_flush_six_minutes_on() {
    // (time of the repeat; counts of the events then)
    for (again_ms, counts) in [(11 * MIN + 59 * S, vec![2]), (12 * MIN, vec![1, 1])] {
        let mut log = EventLog::default();
        let p = pod("web-1");
        schedule(&mut log, 5 * MIN + 59 * S, &p, "7", "0/3 nodes are available.");
        schedule(&mut log, again_ms, &p, "7", "0/3 nodes are available.");
        let found: Vec<u32> = series_rows(&log).into_iter().map(|row| row.0).collect();
        assert_eq!(found, counts, "repeat at {again_ms} ms");
    }
}

#[test]
fn messages_are_stored_without_the_involved_name_and_read_back_exactly() {
    let cases = [
        ("Successfully assigned default/web-1 to node-1", "web-1", "Successfully assigned default/\0\u{2} to node-1"),
        ("web-1web-1", "web-1", "\0\u{2}\0\u{2}"),
        ("Stopping container web", "web-1", "Stopping container web"),
        ("a\0b web-1", "web-1", "a\0\u{1}b \0\u{2}"),
        ("\0\u{2}", "web-1", "\0\u{1}\u{2}"),
        ("node", "", "node"),
        ("trailing \0", "x", "trailing \0\u{1}"),
    ];
    for (message, name, stored) in cases {
        assert_eq!(stored_text(message, name), stored, "{message:?}");
        assert_eq!(expand(stored, name), message, "{message:?}");
    }
    // The stored form is shared by the events of many objects.
    let mut log = EventLog::default();
    for name in ["web-1", "web-2", "web-3"] {
        let p = pod(name);
        record(&mut log, 0, kubelet(&p, "Scheduled", &format!("Successfully assigned default/{name} to node-1")));
    }
    assert_eq!(log.strings.lookup("Successfully assigned default/\0\u{2} to node-1").map(|_| ()), Some(()));
    let messages: Vec<String> = log.all().map(|e| e.message.to_string()).collect();
    assert_eq!(messages[2], "Successfully assigned default/web-3 to node-1");
}

/// The stored form of a message, owned.
fn stored_text(message: &str, name: &str) -> String {
    stored_form(message, name, &mut String::new()).to_string()
}

/// The stored form as first written: escape, then replace the name.
fn stored_form_by_replacing(message: &str, name: &str) -> String {
    let factor = !name.is_empty() && !name.contains(['\0', '\u{1}', '\u{2}']) && message.contains(name);
    let escaped = message.replace('\0', "\0\u{1}");
    if factor { escaped.replace(name, "\0\u{2}") } else { escaped }
}

#[test]
fn stored_forms_compare_as_the_messages_they_stand_for() {
    let names = ["web-1", "w", "", "b", "ab", "\u{1}x", "ü", "web-1-abcdefgh"];
    let messages = [
        "",
        "a",
        "w",
        "web-1",
        "web-10",
        "web-1web-1",
        "web-",
        "weB",
        "a\0b web-1",
        "\0",
        "\0\u{2}",
        "\u{1}",
        "\u{2}z",
        "x\0\u{1}",
        "trailing \0",
        "abab",
        "aab",
        "ü web-1 ü",
        "Created pod: web-1-abcde",
        "Created pod: web-1",
        // Long enough to be searched eight bytes at a time.
        "Successfully assigned default/web-1 to node-1",
        "Successfully assigned default/web-1-abcdefgh to node-1 (web-1-abcdefgh)",
        "a long message with a NUL \0 past its first words, then web-1",
        "Pulling image \"myrepo/web:1.0.1\" for web-1-abcdefgh at last",
    ];
    for name in names {
        for a in messages {
            let stored = stored_text(a, name);
            assert_eq!(stored, stored_form_by_replacing(a, name), "{a:?} {name:?}");
            assert_eq!(expand(&stored, name), a, "{a:?} {name:?}");
            for b in messages {
                let ordering = cmp_expanded(&stored, &stored_text(b, name), name);
                assert_eq!(ordering, a.cmp(b), "{a:?} {b:?} {name:?}");
            }
        }
    }
}

#[test]
fn common_prefixes_are_counted_eight_bytes_at_a_time_exactly() {
    let texts: [&[u8]; 8] = [
        b"",
        b"a",
        b"Created pod: \0\x02-abcde",
        b"Created pod: \0\x02-abcdf",
        b"Created pod: \0\x02-abcd",
        b"Created pod: \0\x02-xbcde",
        b"Created p",
        b"Created pod: \0\x02-abcde and then more than sixteen bytes",
    ];
    for a in texts {
        for b in texts {
            let naive = a.iter().zip(b).take_while(|(x, y)| x == y).count();
            assert_eq!(common_prefix(a, b), naive, "{a:?} {b:?}");
        }
    }
}

#[test]
fn a_slot_is_20_bytes_and_keeps_times_longer_than_32_bits() {
    assert_eq!(std::mem::size_of::<Slot>(), 20);
    // The same event every 30 minutes for 50 days: counted, never
    // deleted, its first time kept although the span exceeds 2^32 ms.
    let p = pod("web-1");
    let mut log = EventLog::default();
    let (step, days_50) = (30 * MIN, 50 * 24 * 60 * MIN);
    for at in (0..=days_50).step_by(step as usize) {
        record(&mut log, at, kubelet(&p, "Started", "Container started"));
    }
    let expected = ("web-1".into(), "Started".into(), "Container started".into(), 2_401, 0, days_50 / S);
    assert_eq!(rows(&log), [expected]);
    assert_eq!((log.repeats.len(), log.long_lasts.len()), (1, 1), "counted; last time past 2^32 ms");
    log.tick(Time::from_unix_ms(days_50 + 2 * 60 * MIN));
    assert_eq!(rows(&log), []);
    assert!(log.repeats.is_empty() && log.long_lasts.is_empty(), "forgotten with the slot");
}

#[test]
fn the_scheduler_recorder_forgets_a_resource_version_with_its_cache_entry() {
    let p = pod("web-1");
    let mut log = EventLog::default();
    schedule(&mut log, 0, &p, "7", "0/3 nodes are available.");
    assert_eq!(log.revisions.len(), 1);
    // Cached until the first flush more than 6 minutes on (12 min).
    log.tick(Time::from_unix_ms(6 * MIN));
    assert_eq!(log.revisions.len(), 1);
    log.tick(Time::from_unix_ms(12 * MIN));
    assert!(log.revisions.is_empty());
    schedule(&mut log, 12 * MIN, &p, "7", "0/3 nodes are available.");
    assert_eq!(series_rows(&log).len(), 2, "a new event, as the cache had forgotten the first");
}

#[test]
fn what_nothing_remembers_is_dropped_and_the_log_compacts() {
    let mut log = EventLog::default();
    for i in 0..200 {
        let p = pod(&format!("web-{i}"));
        record(&mut log, i * S, kubelet(&p, "Started", "Container started"));
    }
    let keep = pod("keep");
    record(&mut log, 2 * 60 * MIN, kubelet(&keep, "Started", "Container started"));
    assert_eq!(rows(&log), [("keep".into(), "Started".into(), "Container started".into(), 1, 7_200, 7_200)]);
    assert_eq!(log.slots.len(), 1, "compacted");
    assert_eq!(log.objects.index.len(), 1, "objects without events are forgotten");
    assert!(log.buckets().count() <= 1 && log.lagging.is_empty());
    assert_eq!(log.strings.index.len(), 3, "Started, kubelet, Container started");
}

#[test]
fn the_dump_does_not_show_when_the_log_swept() {
    // The same events; one log is also looked at, at 60 min, and so
    // sweeps then (web-b's bucket is not full yet); the other sweeps at
    // 66:40, when that bucket is full again, as good as absent.
    let records = |log: &mut EventLog| {
        record(log, 0, kubelet(&pod("web-a"), "Started", "Container started"));
        record(log, 58 * MIN + 20 * S, kubelet(&pod("web-b"), "Started", "Container started"));
    };
    let (mut looked_at, mut not) = (EventLog::default(), EventLog::default());
    records(&mut looked_at);
    records(&mut not);
    looked_at.tick(Time::from_unix_ms(60 * MIN));
    for log in [&mut looked_at, &mut not] {
        log.tick(Time::from_unix_ms(66 * MIN + 40 * S));
    }
    assert_ne!(looked_at.buckets().collect::<Vec<_>>(), not.buckets().collect::<Vec<_>>());
    assert_eq!(format!("{looked_at:?}"), format!("{not:?}"));
}

// Through the world.

fn deployment(replicas: u32, cpu: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: web
        image: web:1
        resources: {{requests: {{cpu: '{cpu}'}}}}
"
    )
}

#[test]
fn a_large_replica_set_shows_nine_creations_and_a_combined_event() {
    let mut world = world_with(&deployment(40, "10m"));
    world.advance(60 * S as u64);
    let rs = world.store().list("ReplicaSet", None).next().map(Key::of).expect("a ReplicaSet");
    let events: Vec<(String, u32)> = world.events().about(&rs).map(|e| (e.message.to_string(), e.count)).collect();
    assert_eq!(events.len(), 10, "{events:#?}");
    assert!(events[..9].iter().all(|(message, count)| message.starts_with("Created pod: ") && *count == 1));
    let (message, count) = &events[9];
    assert!(message.starts_with("(combined from similar events): Created pod: web-"), "{message}");
    assert_eq!(*count, 16, "25 writes: 9 + 16, the rest dropped");
    // Every pod has its own Scheduled event from the scheduler's recorder.
    let scheduled: Vec<_> = world.events().all().filter(|e| e.reason == "Scheduled").collect();
    assert_eq!(scheduled.len(), 40);
    assert!(scheduled.iter().all(|e| e.series_api && e.count == 1 && e.source == "default-scheduler"));
}

#[test]
fn stamps_are_all_without_the_messages_and_name_each_event() {
    let mut world = world_with(&deployment(40, "10m"));
    world.advance(60 * S as u64);
    let log = world.events();
    let all: Vec<(EventType, Key, i64, String)> = log
        .all()
        .map(|e| (e.event_type, e.involved.clone(), e.last_timestamp.unix_ms, e.message.to_string()))
        .collect();
    let stamps: Vec<(EventType, Key, i64)> =
        log.stamps().map(|s| (s.event_type, s.involved.clone(), s.last_timestamp.unix_ms)).collect();
    assert_eq!(stamps, all.iter().map(|(t, key, at, _)| (*t, key.clone(), *at)).collect::<Vec<_>>());
    // Each stamp's id gives its own event back, whole.
    for (stamp, event) in log.stamps().zip(log.all()) {
        assert_eq!(log.get(stamp.id), event);
        assert_eq!(stamp.first_timestamp, event.first_timestamp);
    }
}

#[test]
fn an_unschedulable_pod_shows_two_failed_scheduling_events() {
    // The first failure refers to the pod as created; the scheduler then
    // writes its PodScheduled condition, so later attempts refer to a
    // newer resourceVersion: a second event, whose series counts them.
    let mut world = world_with(&deployment(1, "100"));
    world.advance(10 * S as u64);
    for i in 0..4 {
        let config = format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n");
        assert!(world.apply(&parse_manifests(&config)).iter().all(Result::is_ok));
        world.advance(10 * S as u64);
    }
    let failed = |world: &World| -> Vec<(u32, i64, i64)> {
        world
            .events()
            .all()
            .filter(|e| e.reason == "FailedScheduling")
            .map(|e| {
                let since = |t: Time| (t.unix_ms - crate::world::EPOCH_UNIX_MS) / S;
                (e.count, since(e.first_timestamp), since(e.last_timestamp))
            })
            .collect()
    };
    // Attempts at 0 (rv of the new pod), then at 10, 20, 30, 40 s.
    assert_eq!(failed(&world), [(1, 0, 0), (2, 10, 20)]);
    world.advance(12 * MIN as u64);
    assert_eq!(failed(&world), [(1, 0, 0), (4, 10, 40)]);
}

#[test]
fn the_digest_does_not_depend_on_how_time_is_split() {
    // Events expire, recorders forget, series flush and the log compacts
    // at whatever instants the world is advanced to: none of it may show.
    let text = format!(
        "{}---\napiVersion: kubeloop.dev/v1\nkind: App\nmetadata: {{name: web}}\nspec:\n  image: web:1\n  pull: NotFound\n",
        deployment(3, "10m").replace("replicas: 3", "replicas: 3\n  progressDeadlineSeconds: 60")
    );
    let run = |steps_s: &[u64]| {
        let mut world = world_with(&text);
        let stuck = deployment(1, "100").replace("name: web}", "name: big}").replace("app: web", "app: big");
        assert!(world.apply(&parse_manifests(&stuck)).iter().all(Result::is_ok));
        let mut done = 0;
        for &step in steps_s.iter().cycle() {
            let step = step.min(150 * 60 - done);
            world.advance(step * S as u64);
            done += step;
            if done == 150 * 60 {
                break;
            }
        }
        world.digest()
    };
    let whole = run(&[150 * 60]);
    assert_eq!(run(&[7 * 60]), whole);
    assert_eq!(run(&[61, 1, 359, 3_600]), whole);
}

#[test]
fn the_recalled_object_is_forgotten_when_its_id_is_freed() {
    let mut log = EventLog::default();
    let (a, b) = (pod("web-a"), pod("web-b"));
    record(&mut log, 0, kubelet(&a, "Pulling", "Pulling image"));
    // Two hours on, a's event and the recorder's memory of it are gone
    // (and so is its id) before a is reported again.
    record(&mut log, 120 * MIN, kubelet(&a, "Started", "Started container web"));
    record(&mut log, 120 * MIN, kubelet(&b, "Started", "Started container web"));
    assert_eq!(about(&log, &a), [("Started container web".to_string(), 1)]);
    assert_eq!(about(&log, &b), [("Started container web".to_string(), 1)]);
    // What the log recalls does not make two logs of the same events
    // differ.
    let mut other = log.clone();
    other.recent = Recent::default();
    assert!(log == other);
}

#[test]
fn a_remembered_message_is_stored_anew_where_it_names_the_object() {
    let mut log = EventLog::default();
    let (api, web, other) = (pod("api"), pod("web"), pod("web-2"));
    // Remembered for the label: its own stored form for `api`...
    record(&mut log, 0, kubelet(&api, "Killing", "Stopping container web"));
    // ... and reused for `web-2` (no pair "-2" in it), but not for `web`,
    // whose name it holds.
    record(&mut log, 0, kubelet(&other, "Killing", "Stopping container web"));
    record(&mut log, 0, kubelet(&web, "Killing", "Stopping container web"));
    assert_eq!(
        log.strings.lookup("Stopping container web").map(|id| log.strings.entries[id as usize].holders),
        Some(2)
    );
    assert!(log.strings.lookup("Stopping container \0\u{2}").is_some());
    for key in [&api, &web, &other] {
        assert_eq!(about(&log, key), [("Stopping container web".to_string(), 1)]);
    }
    // A remembered id whose text was released and reused is not taken.
    let mut log = EventLog::default();
    record(&mut log, 0, kubelet(&api, "Pulled", "image present"));
    record(&mut log, 120 * MIN, kubelet(&other, "Created", "something else"));
    assert!(log.strings.lookup("image present").is_none());
    record(&mut log, 120 * MIN, kubelet(&api, "Pulled", "image present"));
    assert_eq!(about(&log, &api), [("image present".to_string(), 1)]);
    // Logs are equal whatever their caches remember.
    let mut copy = log.clone();
    copy.plain = PlainMessages::default();
    copy.recorded = RecordedClasses::default();
    assert!(log == copy);
}

#[test]
fn byte_pairs_never_rule_out_a_name_the_text_holds() {
    let texts = ["Stopping container web", "Created pod: web-7d9-x", "", "a", "ab", "ü web", "Container created"];
    let names = ["web", "web-7d9", "w", "eb", "x", "ü", "Container created", "Stopping container web!", "pod: "];
    for text in texts {
        let pairs = BytePairs::of(text.as_bytes());
        for name in names {
            if text.contains(name) {
                assert!(pairs.may_hold(name.as_bytes(), text.len()), "{name:?} in {text:?}");
            }
        }
    }
    assert!(!BytePairs::of(b"Container created").may_hold(b"web-1", 17));
    assert!(!BytePairs::of(b"ab").may_hold(b"", 2));
}

#[test]
fn classes_without_records_skip_the_search_and_get_one_when_needed() {
    let mut log = EventLog::default();
    let p = pod("web-1");
    let with_path = |message| Report { field_path: Some("spec.containers{web}"), ..kubelet(&p, "Pulled", message) };
    record(&mut log, 0, kubelet(&p, "Pulled", "first"));
    assert_eq!(log.recorded.0, [false]);
    // A second message starts a record; the label with a field path
    // is of the same class, made after it, and knows.
    record(&mut log, S, kubelet(&p, "Pulled", "second"));
    record(&mut log, 2 * S, with_path("third"));
    assert_eq!(log.recorded.0, [true, true]);
    assert_eq!(log.aggregates.values().map(|record| record.messages.len()).collect::<Vec<_>>(), [3]);
    // A sweep forgets the class with its last record.
    log.tick(Time::from_unix_ms(120 * MIN));
    assert!(log.aggregates.is_empty());
    assert_eq!(log.recorded.0, [false, false]);
}
