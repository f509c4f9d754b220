//! `pkg/kubelet/prober/worker.go`: one probe worker (per container and
//! probe kind) as a pure state machine over simulated milliseconds, plus the
//! words the kubelet uses when probes fail (`prober.go`,
//! `kuberuntime_manager.go`). Spec §6.4.
//!
//! The driver asks [`ProbeWorker::next_probe_at`] when the worker wakes, runs
//! the probe against the simulated container if [`ProbeWorker::will_probe`]
//! says the attempt is real, and hands the outcome to
//! [`ProbeWorker::observe`], which returns the stored result when it changes.
//! The random start-up delay upstream adds after a kubelet restart is left
//! out.

use crate::api::core::Probe;

/// The Warning event's reason for a failed probe.
pub const UNHEALTHY_EVENT_REASON: &str = "Unhealthy";
/// The Normal event's reason when the kubelet kills a container.
pub const KILLING_EVENT_REASON: &str = "Killing";

/// Which probe a worker runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

impl ProbeKind {
    /// probeType.String(): `Liveness`, `Readiness`, `Startup`.
    pub fn name(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Startup => "Startup",
        }
    }

    /// The result a new container instance starts with: readiness Failure,
    /// liveness Success, startup Unknown.
    pub fn initial_result(self) -> ProbeResult {
        match self {
            ProbeKind::Liveness => ProbeResult::Success,
            ProbeKind::Readiness => ProbeResult::Failure,
            ProbeKind::Startup => ProbeResult::Unknown,
        }
    }

    /// The Killing event's message once this probe's failure is stored
    /// (restartPolicy Always): `Container web failed liveness probe, will be
    /// restarted`. Readiness never kills.
    pub fn kill_message(self, container: &str) -> Option<String> {
        match self {
            ProbeKind::Liveness => Some(format!("Container {container} failed liveness probe, will be restarted")),
            ProbeKind::Startup => Some(format!("Container {container} failed startup probe, will be restarted")),
            ProbeKind::Readiness => None,
        }
    }
}

/// results.Result: what the kubelet has stored for the container.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProbeResult {
    Unknown,
    Success,
    Failure,
}

/// What one probe attempt came back with. An `Error` (the prober itself
/// failed) is thrown away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeOutcome {
    Success,
    Failure,
    Error,
}

/// The Warning `Unhealthy` event's message: `Readiness probe failed: <output>`.
pub fn probe_failed_event_message(kind: ProbeKind, output: &str) -> String {
    format!("{} probe failed: {output}", kind.name())
}

/// An HTTP probe's output for a status outside 200-399.
pub fn http_probe_failure_output(status_code: i32) -> String {
    format!("HTTP probe failed with statuscode: {status_code}")
}

/// A probe worker (`worker` in worker.go).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeWorker {
    kind: ProbeKind,
    initial_delay_seconds: i64,
    period_ms: i64,
    success_threshold: i64,
    failure_threshold: i64,
    /// The ticker's phase: probes fall at `worker_start_ms + k × period`.
    worker_start_ms: i64,
    container_started_ms: i64,
    last_probe_ms: Option<i64>,
    /// What the results manager holds for the current container.
    result: ProbeResult,
    /// The last probe result and how many times in a row it came back
    /// (upstream's zero value of lastResult is Success).
    last_result: ProbeResult,
    result_run: i64,
    /// Liveness/startup failure stored: no probing until a new container.
    on_hold: bool,
    /// The container's `started` (startup probe passed, or none exists).
    container_started: bool,
    /// The worker has exited (pod being deleted, for liveness/startup).
    stopped: bool,
}

/// A probe field as SetDefaults_Probe leaves it (unset or 0 takes the default).
fn defaulted(value: Option<i32>, default: i32) -> i64 {
    i64::from(value.filter(|v| *v != 0).unwrap_or(default))
}

impl ProbeWorker {
    /// A worker for a container instance started at `container_started_ms`;
    /// the worker starts (and first probes) then too. Liveness and readiness
    /// workers assume the container counts as started (no startup probe);
    /// see [`Self::set_container_started`].
    pub fn new(kind: ProbeKind, probe: &Probe, container_started_ms: i64) -> ProbeWorker {
        ProbeWorker {
            kind,
            initial_delay_seconds: i64::from(probe.initial_delay_seconds.unwrap_or(0)),
            period_ms: defaulted(probe.period_seconds, 10).max(1) * 1000,
            success_threshold: defaulted(probe.success_threshold, 1),
            failure_threshold: defaulted(probe.failure_threshold, 3),
            worker_start_ms: container_started_ms,
            container_started_ms,
            last_probe_ms: None,
            result: kind.initial_result(),
            last_result: ProbeResult::Success,
            result_run: 0,
            on_hold: false,
            container_started: kind != ProbeKind::Startup,
            stopped: false,
        }
    }

    /// Moves the ticker's phase (the worker started before the container,
    /// as when the pod was added earlier).
    pub fn with_worker_start(mut self, worker_start_ms: i64) -> ProbeWorker {
        self.worker_start_ms = worker_start_ms;
        self
    }

    pub fn kind(&self) -> ProbeKind {
        self.kind
    }

    /// The stored result.
    pub fn result(&self) -> ProbeResult {
        self.result
    }

    pub fn is_on_hold(&self) -> bool {
        self.on_hold
    }

    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    fn store(&mut self, result: ProbeResult) -> Option<ProbeResult> {
        (self.result != result).then(|| {
            self.result = result;
            result
        })
    }

    /// When the worker next wakes: once at its start, then every period
    /// (`None` once it has stopped).
    pub fn next_probe_at(&self) -> Option<i64> {
        if self.stopped {
            return None;
        }
        let Some(last) = self.last_probe_ms.filter(|last| *last >= self.worker_start_ms) else {
            return Some(self.worker_start_ms);
        };
        let ticks = last.saturating_sub(self.worker_start_ms) / self.period_ms + 1;
        Some(self.worker_start_ms.saturating_add(ticks.saturating_mul(self.period_ms)))
    }

    /// Whether a wake-up at `now_ms` runs the probe: not stopped or on hold,
    /// past initialDelaySeconds (whole seconds since the container started),
    /// and started for liveness/readiness, not yet started for startup.
    pub fn will_probe(&self, now_ms: i64) -> bool {
        if self.stopped || self.on_hold {
            return false;
        }
        let seconds_running = now_ms.saturating_sub(self.container_started_ms) / 1000;
        if seconds_running < self.initial_delay_seconds {
            return false;
        }
        (self.kind == ProbeKind::Startup) != self.container_started
    }

    /// doProbe at `now_ms` (a tick or a manual trigger) with the outcome the
    /// probe would have; the outcome is ignored when the attempt is skipped.
    /// Returns the stored result when it changes: the run of identical
    /// results must reach successThreshold or failureThreshold first, and a
    /// stored liveness/startup failure puts the worker on hold.
    pub fn observe(&mut self, now_ms: i64, outcome: ProbeOutcome) -> Option<ProbeResult> {
        if self.stopped {
            return None;
        }
        self.last_probe_ms = Some(now_ms);
        if !self.will_probe(now_ms) {
            return None;
        }
        let result = match outcome {
            ProbeOutcome::Success => ProbeResult::Success,
            ProbeOutcome::Failure => ProbeResult::Failure,
            ProbeOutcome::Error => return None,
        };
        if self.last_result == result {
            self.result_run = self.result_run.saturating_add(1);
        } else {
            self.last_result = result;
            self.result_run = 1;
        }
        let threshold = match result {
            ProbeResult::Failure => self.failure_threshold,
            _ => self.success_threshold,
        };
        if self.result_run < threshold {
            return None;
        }
        let changed = self.store(result);
        if self.kind != ProbeKind::Readiness && result == ProbeResult::Failure {
            self.on_hold = true;
            self.result_run = 0;
        }
        changed
    }

    /// A new container instance (new container ID) started at `started_ms`:
    /// the stored result goes back to the initial one and probing resumes.
    /// The ticker keeps its phase; the run count carries over, as upstream.
    pub fn new_container(&mut self, started_ms: i64) -> Option<ProbeResult> {
        self.container_started_ms = started_ms;
        self.on_hold = false;
        self.container_started = self.kind != ProbeKind::Startup;
        self.store(self.kind.initial_result())
    }

    /// The container's `started` flag: set it false at a new instance when a
    /// startup probe exists, true once that probe succeeds.
    pub fn set_container_started(&mut self, started: bool) {
        self.container_started = started;
    }

    /// The container is not running (waiting or terminated): the result is
    /// Failure until a new instance appears.
    pub fn container_not_running(&mut self) -> Option<ProbeResult> {
        if self.stopped || self.on_hold {
            return None;
        }
        self.store(ProbeResult::Failure)
    }

    /// The pod is being deleted: liveness and startup store Success and stop;
    /// readiness carries on.
    pub fn pod_deleting(&mut self) -> Option<ProbeResult> {
        if self.kind == ProbeKind::Readiness || self.stopped {
            return None;
        }
        self.stopped = true;
        self.store(ProbeResult::Success)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1000;

    fn probe(initial_delay: i32, period: i32, success: i32, failure: i32) -> Probe {
        Probe {
            initial_delay_seconds: Some(initial_delay),
            timeout_seconds: Some(1),
            period_seconds: Some(period),
            success_threshold: Some(success),
            failure_threshold: Some(failure),
            ..Probe::default()
        }
    }

    /// Runs the worker's wake-ups up to `until_ms` with a fixed outcome:
    /// (time, attempted, stored-result change) per wake-up.
    fn run(worker: &mut ProbeWorker, until_ms: i64, outcome: ProbeOutcome) -> Vec<(i64, bool, Option<ProbeResult>)> {
        let mut log = Vec::new();
        while let Some(at) = worker.next_probe_at().filter(|at| *at <= until_ms) {
            let attempted = worker.will_probe(at);
            log.push((at, attempted, worker.observe(at, outcome)));
        }
        log
    }

    /// kubelet.liveness.01 (derived): defaults, always failing: attempts at
    /// 0, 10, 20 s, Failure stored at 20 s, then on hold until a new
    /// container; the kill message.
    #[test]
    fn liveness_failing_with_defaults() {
        let mut worker = ProbeWorker::new(ProbeKind::Liveness, &probe(0, 10, 1, 3), 0);
        assert_eq!(worker.result(), ProbeResult::Success);
        let log = run(&mut worker, 25 * S, ProbeOutcome::Failure);
        assert_eq!(log, vec![(0, true, None), (10 * S, true, None), (20 * S, true, Some(ProbeResult::Failure))]);
        assert!(worker.is_on_hold());
        assert_eq!(
            ProbeKind::Liveness.kill_message("web").as_deref(),
            Some("Container web failed liveness probe, will be restarted")
        );
        assert_eq!(
            probe_failed_event_message(ProbeKind::Liveness, &http_probe_failure_output(500)),
            "Liveness probe failed: HTTP probe failed with statuscode: 500"
        );
        // On hold: the 30 s tick probes nothing.
        assert_eq!(run(&mut worker, 30 * S, ProbeOutcome::Failure), vec![(30 * S, false, None)]);
        // The restarted container (at 32 s) starts from Success again, on the
        // same ticker, and needs three new failures.
        assert_eq!(worker.new_container(32 * S), Some(ProbeResult::Success));
        let log = run(&mut worker, 60 * S, ProbeOutcome::Failure);
        let changes: Vec<_> = log.iter().filter_map(|(at, _, change)| change.map(|c| (*at, c))).collect();
        assert_eq!(log.iter().map(|(at, ..)| *at).collect::<Vec<_>>(), [40 * S, 50 * S, 60 * S]);
        assert_eq!(changes, vec![(60 * S, ProbeResult::Failure)]);
    }

    /// kubelet.readiness.01 (derived): initialDelaySeconds 5: the 0 s attempt
    /// is skipped (0 < 5), the 10 s one succeeds and the container is Ready.
    #[test]
    fn readiness_with_initial_delay() {
        let mut worker = ProbeWorker::new(ProbeKind::Readiness, &probe(5, 10, 1, 3), 0);
        assert_eq!(worker.result(), ProbeResult::Failure);
        let log = run(&mut worker, 10 * S, ProbeOutcome::Success);
        assert_eq!(log, vec![(0, false, None), (10 * S, true, Some(ProbeResult::Success))]);
        // The delay counts whole seconds: 4.999 s is still 4.
        let worker = ProbeWorker::new(ProbeKind::Readiness, &probe(5, 10, 1, 3), 0);
        assert!(!worker.will_probe(4_999));
        assert!(worker.will_probe(5_000));
    }

    /// The event text of a failing readiness probe (spec §6.4); readiness
    /// never kills.
    #[test]
    fn readiness_failure_texts() {
        assert_eq!(
            probe_failed_event_message(ProbeKind::Readiness, &http_probe_failure_output(500)),
            "Readiness probe failed: HTTP probe failed with statuscode: 500"
        );
        assert_eq!(ProbeKind::Readiness.kill_message("web"), None);
        assert_eq!(
            ProbeKind::Startup.kill_message("web").as_deref(),
            Some("Container web failed startup probe, will be restarted")
        );
    }

    /// Threshold counting: a different result restarts the run, errors are
    /// discarded without breaking it, readiness keeps probing after failing.
    #[test]
    fn threshold_runs() {
        use ProbeOutcome::{Error as E, Failure as F, Success as Ok_};
        use ProbeResult::{Failure, Success};
        type Case = (&'static str, ProbeKind, i32, i32, Vec<ProbeOutcome>, Vec<Option<ProbeResult>>);
        let cases: Vec<Case> = vec![
            (
                "error kept out of the run",
                ProbeKind::Readiness,
                1,
                3,
                vec![Ok_, F, F, E, F],
                vec![Some(Success), None, None, None, Some(Failure)],
            ),
            (
                "success breaks the run",
                ProbeKind::Readiness,
                1,
                3,
                vec![Ok_, F, F, Ok_, F, F, F],
                vec![Some(Success), None, None, None, None, None, Some(Failure)],
            ),
            (
                "success threshold 2",
                ProbeKind::Readiness,
                2,
                1,
                vec![Ok_, F, Ok_, Ok_, Ok_],
                vec![None, None, None, Some(Success), None],
            ),
            (
                "readiness failure then recovery",
                ProbeKind::Readiness,
                1,
                1,
                vec![Ok_, F, F, Ok_],
                vec![Some(Success), Some(Failure), None, Some(Success)],
            ),
            (
                "liveness holds after failure",
                ProbeKind::Liveness,
                1,
                1,
                vec![F, Ok_, Ok_],
                vec![Some(Failure), None, None],
            ),
        ];
        for (name, kind, success, failure, outcomes, expected) in cases {
            let mut worker = ProbeWorker::new(kind, &probe(0, 10, success, failure), 0);
            let got: Vec<_> =
                outcomes.iter().enumerate().map(|(i, outcome)| worker.observe(i as i64 * 10 * S, *outcome)).collect();
            assert_eq!(got, expected, "{name}");
        }
    }

    /// A manual trigger between ticks leaves the ticker's phase alone; the
    /// phase can differ from the container's start.
    #[test]
    fn ticker_phase() {
        let mut worker = ProbeWorker::new(ProbeKind::Readiness, &probe(0, 10, 1, 3), 0);
        assert_eq!(worker.next_probe_at(), Some(0));
        worker.observe(0, ProbeOutcome::Failure);
        assert_eq!(worker.next_probe_at(), Some(10 * S));
        worker.observe(15 * S, ProbeOutcome::Success);
        assert_eq!(worker.next_probe_at(), Some(20 * S));
        let worker = ProbeWorker::new(ProbeKind::Readiness, &probe(0, 10, 1, 3), 7 * S).with_worker_start(3 * S);
        assert_eq!(worker.next_probe_at(), Some(3 * S));
        // Defaults stand in for unset fields (period 10 s).
        let mut defaulted = ProbeWorker::new(ProbeKind::Liveness, &Probe::default(), 0);
        defaulted.observe(0, ProbeOutcome::Success);
        assert_eq!(defaulted.next_probe_at(), Some(10 * S));
    }

    /// Startup gating: liveness/readiness wait for `started`; the startup
    /// probe runs only until then.
    #[test]
    fn startup_gating() {
        let mut startup = ProbeWorker::new(ProbeKind::Startup, &probe(0, 10, 1, 3), 0);
        assert_eq!(startup.result(), ProbeResult::Unknown);
        assert!(startup.will_probe(0));
        assert_eq!(startup.observe(0, ProbeOutcome::Success), Some(ProbeResult::Success));
        startup.set_container_started(true);
        assert!(!startup.will_probe(10 * S));
        let mut liveness = ProbeWorker::new(ProbeKind::Liveness, &probe(0, 10, 1, 1), 0);
        liveness.set_container_started(false);
        assert_eq!(liveness.observe(0, ProbeOutcome::Failure), None);
        liveness.set_container_started(true);
        assert_eq!(liveness.observe(10 * S, ProbeOutcome::Failure), Some(ProbeResult::Failure));
        // A startup probe failing failureThreshold times is held too.
        let mut failing = ProbeWorker::new(ProbeKind::Startup, &probe(0, 10, 1, 2), 0);
        assert_eq!(failing.observe(0, ProbeOutcome::Failure), None);
        assert_eq!(failing.observe(10 * S, ProbeOutcome::Failure), Some(ProbeResult::Failure));
        assert!(failing.is_on_hold());
    }

    /// Pod deletion: liveness/startup store Success and stop; readiness goes
    /// on. A container that is not running reads as Failure.
    #[test]
    fn deletion_and_not_running() {
        let mut liveness = ProbeWorker::new(ProbeKind::Liveness, &probe(0, 10, 1, 1), 0);
        liveness.observe(0, ProbeOutcome::Failure);
        assert_eq!(liveness.pod_deleting(), Some(ProbeResult::Success));
        assert!(liveness.is_stopped());
        assert_eq!(liveness.next_probe_at(), None);
        assert_eq!(liveness.observe(10 * S, ProbeOutcome::Failure), None);
        let mut readiness = ProbeWorker::new(ProbeKind::Readiness, &probe(0, 10, 1, 1), 0);
        assert_eq!(readiness.observe(0, ProbeOutcome::Success), Some(ProbeResult::Success));
        assert_eq!(readiness.pod_deleting(), None);
        assert_eq!(readiness.next_probe_at(), Some(10 * S));
        assert_eq!(readiness.container_not_running(), Some(ProbeResult::Failure));
        assert_eq!(readiness.new_container(12 * S), None);
    }
}
