//! client-go `util/flowcontrol/backoff.go` (`Backoff`) over simulated
//! milliseconds, without jitter, and the kubelet's use of it for container
//! restarts (`pkg/kubelet/kubelet.go` NewBackOff + HasExpiredFunc,
//! `pkg/kubelet/kuberuntime/kuberuntime_manager.go` doBackOff). Spec §6.3.
//!
//! Upstream's Backoff reads a clock: `Next` stamps `lastUpdate` with the
//! clock's now and `IsInBackOffSince` measures from the clock's now. Here the
//! caller passes `now_ms` wherever upstream reads the clock.

use crate::api::core::{Container, ContainerStateWaiting, Pod};
use crate::lean::VecMap;

/// containerBackOffPeriod: the first crash-loop wait.
pub const CONTAINER_BACK_OFF_PERIOD_MS: i64 = 10_000;
/// MaxContainerBackOff: the longest crash-loop wait.
pub const MAX_CONTAINER_BACK_OFF_MS: i64 = 300_000;
/// The kubelet's HasExpiredFunc: an entry expires when the container ran
/// more than this long since its restart was admitted.
pub const CONTAINER_BACK_OFF_RESET_MS: i64 = 600_000;

/// The waiting reason while a restart is held back.
pub const CRASH_LOOP_BACK_OFF: &str = "CrashLoopBackOff";
/// The terminated reason of a container the kernel OOM-killed, and its exit code.
pub const OOM_KILLED: &str = "OOMKilled";
pub const OOM_KILLED_EXIT_CODE: i32 = 137;
/// The Warning event's reason while a restart is held back.
pub const BACK_OFF_EVENT_REASON: &str = "BackOff";

/// One id's state: the current window and when `Next` last ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackoffEntry {
    pub backoff_ms: i64,
    pub last_update_ms: i64,
}

/// When an entry is stale enough that `Next` starts over (and `gc` drops it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// client-go's default: `eventTime − lastUpdate > 2 × max`.
    TwiceMax,
    /// A HasExpiredFunc of `eventTime − lastUpdate > ms` (the kubelet's 600 s).
    After(i64),
}

/// flowcontrol.Backoff: per-id exponential back-off, doubling from
/// `initial_ms` up to `max_ms`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backoff {
    initial_ms: i64,
    max_ms: i64,
    expiry: Expiry,
    entries: VecMap<String, BackoffEntry>,
}

impl Backoff {
    /// NewBackOff(initial, max) with the default expiry (2 × max).
    pub fn new(initial_ms: i64, max_ms: i64) -> Backoff {
        Backoff { initial_ms, max_ms, expiry: Expiry::TwiceMax, entries: VecMap::default() }
    }

    /// The kubelet's container back-off: 10 s, doubling, capped at 300 s,
    /// expiring after a run of more than 600 s.
    pub fn kubelet() -> Backoff {
        Backoff::new(CONTAINER_BACK_OFF_PERIOD_MS, MAX_CONTAINER_BACK_OFF_MS)
            .with_expiry(Expiry::After(CONTAINER_BACK_OFF_RESET_MS))
    }

    /// Sets HasExpiredFunc.
    pub fn with_expiry(mut self, expiry: Expiry) -> Backoff {
        self.expiry = expiry;
        self
    }

    fn has_expired(&self, event_ms: i64, last_update_ms: i64) -> bool {
        let age = event_ms.saturating_sub(last_update_ms);
        match self.expiry {
            Expiry::TwiceMax => age > self.max_ms.saturating_mul(2),
            Expiry::After(limit) => age > limit,
        }
    }

    /// Get: the current window, 0 for an unknown id.
    pub fn get(&self, id: &str) -> i64 {
        self.entries.get(id).map_or(0, |entry| entry.backoff_ms)
    }

    /// The id's entry, if any.
    pub fn entry(&self, id: &str) -> Option<BackoffEntry> {
        self.entries.get(id).copied()
    }

    /// Next: a new or expired entry starts at `initial`; otherwise the window
    /// doubles, capped at `max`. Either way `lastUpdate` becomes `now_ms`.
    pub fn next(&mut self, id: &str, event_ms: i64, now_ms: i64) {
        let backoff_ms = match self.entries.get(id) {
            Some(entry) if !self.has_expired(event_ms, entry.last_update_ms) => {
                entry.backoff_ms.saturating_mul(2).min(self.max_ms)
            }
            _ => self.initial_ms,
        };
        self.entries.insert(id.to_string(), BackoffEntry { backoff_ms, last_update_ms: now_ms });
    }

    /// Reset: forgets the id.
    pub fn reset(&mut self, id: &str) {
        self.entries.remove(id);
    }

    /// DeleteEntry (the same as Reset).
    pub fn delete_entry(&mut self, id: &str) {
        self.reset(id);
    }

    /// IsInBackOffSince: the entry exists, has not expired at `event_ms`, and
    /// less than the window has passed from `event_ms` to `now_ms`.
    pub fn is_in_back_off_since(&self, id: &str, event_ms: i64, now_ms: i64) -> bool {
        match self.entries.get(id) {
            Some(entry) if !self.has_expired(event_ms, entry.last_update_ms) => {
                now_ms.saturating_sub(event_ms) < entry.backoff_ms
            }
            _ => false,
        }
    }

    /// IsInBackOffSinceUpdate: as IsInBackOffSince, but measuring from the
    /// entry's `lastUpdate` to `event_ms`.
    pub fn is_in_back_off_since_update(&self, id: &str, event_ms: i64) -> bool {
        match self.entries.get(id) {
            Some(entry) if !self.has_expired(event_ms, entry.last_update_ms) => {
                event_ms.saturating_sub(entry.last_update_ms) < entry.backoff_ms
            }
            _ => false,
        }
    }

    /// GC: drops the entries that have expired at `now_ms`.
    pub fn gc(&mut self, now_ms: i64) {
        let expired: Vec<String> = self
            .entries
            .iter()
            .filter(|(_, entry)| self.has_expired(now_ms, entry.last_update_ms))
            .map(|(id, _)| id.clone())
            .collect();
        for id in expired {
            self.entries.remove(&id);
        }
    }
}

/// Go's `time.Duration.String` for a whole number of milliseconds:
/// `0s`, `500ms`, `10s`, `1m20s`, `5m0s`, `1h0m0s`, `1.5s`.
pub fn go_duration(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    if ms == 0 {
        return "0s".to_string();
    }
    if ms < 1000 {
        return format!("{sign}{ms}ms");
    }
    let fraction = match ms % 1000 {
        0 => String::new(),
        millis => format!(".{}", format!("{millis:03}").trim_end_matches('0')),
    };
    let seconds = ms / 1000;
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{sign}{hours}h{minutes}m{seconds}{fraction}s")
    } else if minutes > 0 {
        format!("{sign}{minutes}m{seconds}{fraction}s")
    } else {
        format!("{sign}{seconds}{fraction}s")
    }
}

/// format.Pod: `<name>_<namespace>(<uid>)`.
pub fn format_pod(pod: &Pod) -> String {
    let uid = pod.metadata.uid.as_deref().unwrap_or("");
    format!("{}_{}({uid})", pod.metadata.name(), pod.metadata.namespace())
}

/// The back-off key of a container (getStableKey: pod name, namespace, UID,
/// container name, and the image standing in for the container's hash, so a
/// new image starts a fresh back-off).
pub fn back_off_key(pod: &Pod, container: &Container) -> String {
    format!(
        "{}_{}_{}_{}_{}",
        pod.metadata.name(),
        pod.metadata.namespace(),
        pod.metadata.uid.as_deref().unwrap_or(""),
        container.name,
        container.image.as_deref().unwrap_or("")
    )
}

/// The waiting message while a restart is held back:
/// `back-off 40s restarting failed container=web pod=web-1_default(uid)`.
pub fn crash_loop_waiting_message(back_off_ms: i64, container: &str, pod: &Pod) -> String {
    format!("back-off {} restarting failed container={container} pod={}", go_duration(back_off_ms), format_pod(pod))
}

/// The container's waiting state while a restart is held back.
pub fn crash_loop_waiting_state(back_off_ms: i64, container: &str, pod: &Pod) -> ContainerStateWaiting {
    ContainerStateWaiting {
        reason: Some(CRASH_LOOP_BACK_OFF.to_string()),
        message: Some(crash_loop_waiting_message(back_off_ms, container, pod)),
    }
}

/// The Warning `BackOff` event's message.
pub fn back_off_event_message(container: &str, pod: &Pod) -> String {
    format!("Back-off restarting failed container {container} in pod {}", format_pod(pod))
}

/// The terminated reason the runtime reports: `OOMKilled` for a container
/// the OOM killer ended, `Completed` for exit 0, `Error` otherwise.
pub fn container_terminated_reason(exit_code: i32, oom_killed: bool) -> &'static str {
    if oom_killed {
        OOM_KILLED
    } else if exit_code == 0 {
        "Completed"
    } else {
        "Error"
    }
}

/// What doBackOff decides for an exited container that is to be restarted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartDecision {
    /// Start it now (the back-off has moved on to its next window).
    Start,
    /// Hold it in CrashLoopBackOff: `back_off_ms` is the window the message
    /// shows; no restart before `until_ms`.
    BackOff { back_off_ms: i64, until_ms: i64 },
}

/// One container's restart back-off in the kubelet (a [`Backoff::kubelet`]
/// holding that container's entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerRestarts {
    backoff: Backoff,
}

impl Default for ContainerRestarts {
    fn default() -> Self {
        ContainerRestarts::new(Backoff::kubelet())
    }
}

const KEY: &str = "";

impl ContainerRestarts {
    /// With a given back-off (its entries are ignored; one key is used).
    pub fn new(backoff: Backoff) -> ContainerRestarts {
        let mut backoff = backoff;
        backoff.entries.clear();
        ContainerRestarts { backoff }
    }

    /// The current window (0 before the first restart).
    pub fn back_off_ms(&self) -> i64 {
        self.backoff.get(KEY)
    }

    /// The back-off entry, if a restart has been admitted.
    pub fn entry(&self) -> Option<BackoffEntry> {
        self.backoff.entry(KEY)
    }

    /// doBackOff at `now_ms` for the instance that finished at
    /// `finished_at_ms`: held back while `now − finishedAt` is under the
    /// window (unless the entry expired), else admitted (and `Next` runs).
    pub fn do_back_off(&mut self, finished_at_ms: i64, now_ms: i64) -> RestartDecision {
        if self.backoff.is_in_back_off_since(KEY, finished_at_ms, now_ms) {
            let back_off_ms = self.backoff.get(KEY);
            return RestartDecision::BackOff { back_off_ms, until_ms: finished_at_ms.saturating_add(back_off_ms) };
        }
        self.backoff.next(KEY, finished_at_ms, now_ms);
        RestartDecision::Start
    }

    /// The earliest time at or after `now_ms` when [`Self::do_back_off`]
    /// admits the restart of the instance that finished at `finished_at_ms`.
    pub fn admitted_at(&self, finished_at_ms: i64, now_ms: i64) -> i64 {
        if self.backoff.is_in_back_off_since(KEY, finished_at_ms, now_ms) {
            now_ms.max(finished_at_ms.saturating_add(self.backoff.get(KEY)))
        } else {
            now_ms
        }
    }
}

/// One restart of a crash-looping container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScheduledRestart {
    /// The container's restartCount once this instance starts.
    pub restart_count: i32,
    pub started_at_ms: i64,
    /// The window it waited out in CrashLoopBackOff (`None`: started at once).
    pub waited_back_off_ms: Option<i64>,
}

/// The restarts of a container whose first instance exits at
/// `first_exit_ms` and whose later instances run `run_durations_ms[i]` each
/// before exiting, with the kubelet syncing the moment a restart is due
/// (real restarts land at the next pod sync, a little later).
pub fn crash_loop_schedule(first_exit_ms: i64, run_durations_ms: &[i64]) -> Vec<ScheduledRestart> {
    let mut restarts = ContainerRestarts::default();
    let mut finished_at = first_exit_ms;
    let mut schedule = Vec::with_capacity(run_durations_ms.len());
    for (index, run_ms) in run_durations_ms.iter().enumerate() {
        let (started_at, waited_back_off_ms) = match restarts.do_back_off(finished_at, finished_at) {
            RestartDecision::Start => (finished_at, None),
            RestartDecision::BackOff { back_off_ms, until_ms } => {
                // The sync at the end of the window admits it.
                restarts.do_back_off(finished_at, until_ms);
                (until_ms, Some(back_off_ms))
            }
        };
        schedule.push(ScheduledRestart {
            restart_count: i32::try_from(index + 1).unwrap_or(i32::MAX),
            started_at_ms: started_at,
            waited_back_off_ms,
        });
        finished_at = started_at.saturating_add((*run_ms).max(0));
    }
    schedule
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1000;

    /// backoff.slow.01 (TestSlowBackoff).
    #[test]
    fn slow_backoff() {
        let mut b = Backoff::new(S, 50 * S);
        let mut now = 1_000_000;
        for (ix, expected) in [0, 1, 2, 4, 8, 16, 32, 50, 50, 50].into_iter().enumerate() {
            now += S;
            assert_eq!(b.get("id"), expected * S, "step {ix}");
            b.next("id", now, now);
        }
        b.next("id", now, now);
        b.reset("id");
        assert_eq!(b.get("id"), 0);
    }

    /// backoff.reset.01 (TestBackoffReset).
    #[test]
    fn backoff_reset() {
        let mut b = Backoff::new(S, 5 * S);
        let mut now = 0;
        for _ in 0..=5 {
            now += S;
            b.next("id", now, now);
        }
        assert!(b.is_in_back_off_since("id", now, now));
        assert_eq!(b.get("id"), 5 * S);
        let last_update = now;
        now += 2 * 5 * S + S;
        assert!(!b.is_in_back_off_since("id", last_update, now));
    }

    /// backoff.highwater.01 (TestBackoffHighWaterMark).
    #[test]
    fn backoff_high_water_mark() {
        let mut b = Backoff::new(S, 5 * S);
        let mut now = 0;
        for _ in 0..=5 {
            now += S;
            b.next("id", now, now);
        }
        now += 5 * S + S;
        b.next("id", now, now);
        assert_eq!(b.get("id"), 5 * S);
    }

    /// TestBackoffGC: kept at max + 1 s, dropped past 2 × max.
    #[test]
    fn backoff_gc() {
        let mut b = Backoff::new(S, 5 * S);
        let mut now = 0;
        for _ in 0..=5 {
            now += S;
            b.next("id", now, now);
        }
        now += 5 * S + S;
        b.gc(now);
        assert!(b.entry("id").is_some());
        now += 5 * S + S;
        b.gc(now);
        assert!(b.entry("id").is_none());
        // The kubelet's expiry drives GC too.
        let mut k = Backoff::kubelet();
        k.next("c", 0, 0);
        k.gc(600 * S);
        assert!(k.entry("c").is_some());
        k.gc(600 * S + 1);
        assert!(k.entry("c").is_none());
    }

    /// backoff.sinceupdate.01 (TestIsInBackOffSinceUpdate), every tick.
    #[test]
    fn is_in_back_off_since_update_ticks() {
        let mut ticks: Vec<(i64, bool, i64)> = vec![(0, false, 0), (1, false, 0), (2, true, 2), (3, false, 0)];
        ticks.extend([(4, true, 4), (5, true, 4), (6, true, 4), (7, false, 0)]);
        ticks.extend((8..=14).map(|t| (t, true, 8)));
        ticks.push((15, false, 0));
        ticks.extend((16..=24).map(|t| (t, true, 10)));
        ticks.push((25, false, 0));
        ticks.extend((26..=34).map(|t| (t, true, 10)));
        ticks.extend([(35, false, 0), (56, false, 0), (57, false, 0)]);
        let mut b = Backoff::new(S, 10 * S);
        let start = 5_000_000;
        for (t, in_back_off, get_s) in ticks {
            let now = start + t * S;
            assert_eq!(b.is_in_back_off_since_update("id", now), in_back_off, "t={t}");
            if in_back_off {
                assert_eq!(b.get("id"), get_s * S, "t={t}");
            } else {
                b.next("id", now, now);
            }
            if t == 56 {
                assert_eq!(b.get("id"), S, "expired: Next restarts at the initial 1 s");
            }
        }
        // Tick 56 came 21 s after the update at 35 (> 2 × max), so Next
        // restarted at 1 s; tick 57 doubled that.
        assert_eq!(b.get("id"), 2 * S);
    }

    /// Spec §6.3 durations.
    #[test]
    fn go_duration_strings() {
        let cases = [
            (0, "0s"),
            (500, "500ms"),
            (10 * S, "10s"),
            (20 * S, "20s"),
            (40 * S, "40s"),
            (80 * S, "1m20s"),
            (160 * S, "2m40s"),
            (300 * S, "5m0s"),
            (60 * S, "1m0s"),
            (3600 * S, "1h0m0s"),
            (1500, "1.5s"),
            (61_250, "1m1.25s"),
            (-10 * S, "-10s"),
        ];
        for (ms, text) in cases {
            assert_eq!(go_duration(ms), text, "{ms}");
        }
        assert!(!go_duration(i64::MIN).is_empty());
    }

    fn web_pod() -> Pod {
        let mut pod = Pod::default();
        pod.metadata.name = Some("web-7d4b9c-x2x7q".to_string());
        pod.metadata.namespace = Some("default".to_string());
        pod.metadata.uid = Some("3f1c2a9e".to_string());
        pod
    }

    /// kubelet.crashloop.01 (derived): a container that exits immediately,
    /// restarted at 0, 10, 30, 70, 150, 310, 610, 910 s after its first exit.
    #[test]
    fn crash_loop_schedule_for_immediate_exits() {
        let schedule = crash_loop_schedule(0, &[0; 8]);
        let expected: [(i64, Option<i64>); 8] = [
            (0, None),
            (10, Some(10)),
            (30, Some(20)),
            (70, Some(40)),
            (150, Some(80)),
            (310, Some(160)),
            (610, Some(300)),
            (910, Some(300)),
        ];
        for (index, (restart, (started, waited))) in schedule.iter().zip(expected).enumerate() {
            assert_eq!(restart.restart_count, index as i32 + 1);
            assert_eq!(restart.started_at_ms, started * S, "restart {}", index + 1);
            assert_eq!(restart.waited_back_off_ms, waited.map(|s| s * S), "restart {}", index + 1);
        }
        let messages: Vec<String> = schedule
            .iter()
            .filter_map(|r| r.waited_back_off_ms)
            .map(|ms| crash_loop_waiting_message(ms, "web", &web_pod()))
            .collect();
        let durations = ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s", "5m0s"];
        for (message, duration) in messages.iter().zip(durations) {
            assert_eq!(
                message,
                &format!("back-off {duration} restarting failed container=web pod=web-7d4b9c-x2x7q_default(3f1c2a9e)")
            );
        }
        assert_eq!(
            back_off_event_message("web", &web_pod()),
            "Back-off restarting failed container web in pod web-7d4b9c-x2x7q_default(3f1c2a9e)"
        );
        let waiting = crash_loop_waiting_state(10 * S, "web", &web_pod());
        assert_eq!(waiting.reason.as_deref(), Some("CrashLoopBackOff"));
    }

    /// kubelet.crashloop.01 step by step: held back (with the message's
    /// window) until the window has passed since the exit.
    #[test]
    fn do_back_off_holds_until_the_window_passes() {
        let mut restarts = ContainerRestarts::default();
        assert_eq!(restarts.do_back_off(0, 0), RestartDecision::Start);
        assert_eq!(restarts.back_off_ms(), 10 * S);
        // The new instance exits at once; syncs at 1 s and 9.999 s hold it.
        for now in [S, 10 * S - 1] {
            assert_eq!(
                restarts.do_back_off(0, now),
                RestartDecision::BackOff { back_off_ms: 10 * S, until_ms: 10 * S }
            );
        }
        assert_eq!(restarts.admitted_at(0, S), 10 * S);
        assert_eq!(restarts.do_back_off(0, 10 * S), RestartDecision::Start);
        assert_eq!(restarts.entry(), Some(BackoffEntry { backoff_ms: 20 * S, last_update_ms: 10 * S }));
    }

    /// kubelet.crashloop.02 (derived): a run of 601 s after the restart was
    /// admitted expires the 300 s entry; the restart is immediate and the
    /// following window is 10 s.
    #[test]
    fn long_run_resets_back_off() {
        let schedule = crash_loop_schedule(0, &[0, 0, 0, 0, 0, 601 * S, 0, 0]);
        // The sixth instance started at 310 s with the window at 300 s.
        assert_eq!(schedule[5].started_at_ms, 310 * S);
        assert_eq!(schedule[6].started_at_ms, 911 * S);
        assert_eq!(schedule[6].waited_back_off_ms, None);
        assert_eq!(schedule[7].started_at_ms, 921 * S);
        assert_eq!(schedule[7].waited_back_off_ms, Some(10 * S));

        let mut restarts = ContainerRestarts::default();
        let t = 5_000 * S;
        restarts.backoff.entries.insert(KEY.to_string(), BackoffEntry { backoff_ms: 300 * S, last_update_ms: t });
        assert_eq!(restarts.do_back_off(t + 601 * S, t + 601 * S), RestartDecision::Start);
        assert_eq!(restarts.back_off_ms(), 10 * S);
    }

    /// kubelet.crashloop.03 (derived): exactly 600 s is not a reset; the 40 s
    /// window runs from the exit, and Next doubles to 80 s.
    #[test]
    fn run_of_exactly_600s_keeps_back_off() {
        let mut restarts = ContainerRestarts::default();
        let t = 5_000 * S;
        restarts.backoff.entries.insert(KEY.to_string(), BackoffEntry { backoff_ms: 40 * S, last_update_ms: t });
        let exit = t + 600 * S;
        assert_eq!(
            restarts.do_back_off(exit, exit),
            RestartDecision::BackOff { back_off_ms: 40 * S, until_ms: t + 640 * S }
        );
        assert_eq!(restarts.admitted_at(exit, exit), t + 640 * S);
        assert_eq!(restarts.do_back_off(exit, t + 640 * S), RestartDecision::Start);
        assert_eq!(restarts.entry(), Some(BackoffEntry { backoff_ms: 80 * S, last_update_ms: t + 640 * S }));

        let schedule = crash_loop_schedule(0, &[0, 0, 600 * S, 0]);
        assert_eq!(schedule[2].started_at_ms, 30 * S);
        assert_eq!(schedule[3].started_at_ms, 670 * S);
        assert_eq!(schedule[3].waited_back_off_ms, Some(40 * S));
    }

    /// kubelet.oomkilled.01 (derived): an OOM kill is terminated/OOMKilled
    /// with exit code 137, then waits in CrashLoopBackOff on the same
    /// schedule as any other exit.
    #[test]
    fn oom_killed_follows_the_crash_loop_schedule() {
        assert_eq!(container_terminated_reason(OOM_KILLED_EXIT_CODE, true), "OOMKilled");
        assert_eq!(container_terminated_reason(137, false), "Error");
        assert_eq!(container_terminated_reason(1, false), "Error");
        assert_eq!(container_terminated_reason(0, false), "Completed");
        let mut restarts = ContainerRestarts::default();
        // First OOM kill at 30 s: restarted at once (restartCount 1).
        assert_eq!(restarts.do_back_off(30 * S, 30 * S), RestartDecision::Start);
        // Killed again 5 s later: CrashLoopBackOff for 10 s.
        let decision = restarts.do_back_off(35 * S, 35 * S);
        assert_eq!(decision, RestartDecision::BackOff { back_off_ms: 10 * S, until_ms: 45 * S });
        let waiting = crash_loop_waiting_state(10 * S, "web", &web_pod());
        assert_eq!(
            (waiting.reason.as_deref(), waiting.message.as_deref()),
            (
                Some("CrashLoopBackOff"),
                Some("back-off 10s restarting failed container=web pod=web-7d4b9c-x2x7q_default(3f1c2a9e)")
            )
        );
    }

    #[test]
    fn back_off_key_names_the_container() {
        let container = Container { name: "web".into(), image: Some("nginx:1.27".into()), ..Default::default() };
        assert_eq!(back_off_key(&web_pod(), &container), "web-7d4b9c-x2x7q_default_3f1c2a9e_web_nginx:1.27");
    }
}
