//! The simulated cluster behind the page, with no browser in it (natively
//! tested): a kubectl [`Session`] over the engine's history, and the session
//! written down as a script of the CLI's language (`kubeloop run`), so that
//! replaying the script gives the same world, byte for byte. The script is
//! what the page saves to localStorage and restores on reload.

use kubeloop_engine::world::World;
use kubeloop_engine::world::history::{History, Input};
use kubeloop_kubectl::script::{self, Command, Line};
use kubeloop_kubectl::session::{Answer, Session};

/// Every playground runs on this seed: the same actions, the same cluster.
pub const SEED: u64 = 1;
/// How far one step goes at most when nothing visible happens sooner.
pub const STEP_LIMIT_MS: u64 = 5 * 60 * 1000;

/// One command typed in the terminal and what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerminalEntry {
    pub line: String,
    pub output: String,
    pub ok: bool,
}

pub struct Playground {
    session: Session,
    /// Everything done so far, as a script; simulated time not yet written
    /// down is in `unwritten_ms`.
    script: String,
    unwritten_ms: u64,
    terminal: Vec<TerminalEntry>,
}

impl Default for Playground {
    fn default() -> Self {
        Playground { session: Session::new(SEED), script: String::new(), unwritten_ms: 0, terminal: Vec::new() }
    }
}

fn no_files(path: &str) -> Result<String, String> {
    Err(format!("the playground has no files (use `apply -f -`, or the editor's Apply): {path}"))
}

impl Playground {
    /// Replays a saved script. Commands other than `sleep` and the
    /// editor's applies come back into the terminal with their output.
    pub fn restore(saved: &str) -> Playground {
        let mut playground = Playground::default();
        let mut from_editor = false;
        for line in script::parse(saved) {
            let (line, heredoc, command) = match line {
                Line::Text(text) => {
                    from_editor = text == EDITOR_APPLY;
                    continue;
                }
                Line::Command { parsed: Err(_), .. } => continue,
                Line::Command { line, heredoc, parsed: Ok(command) } => (line, heredoc, command),
            };
            let answer = script::execute(&mut playground.session, &command, &no_files);
            let sleep = command.words.first().map(String::as_str) == Some("sleep");
            if !std::mem::take(&mut from_editor) && !sleep {
                let line = typed(line, &heredoc);
                playground.terminal.push(TerminalEntry { line, output: answer.output, ok: answer.ok });
            }
        }
        playground.script = saved.to_string();
        if !playground.script.is_empty() && !playground.script.ends_with('\n') {
            playground.script.push('\n');
        }
        playground
    }

    /// What a new visitor gets: `text` applied from the editor, then run
    /// until every rollout is complete ([`Playground::settle_rollouts`]).
    pub fn running(text: &str) -> Playground {
        let mut playground = Playground::default();
        playground.apply(text);
        playground.settle_rollouts();
        playground
    }

    pub fn world(&self) -> &World {
        self.session.history().world()
    }

    pub fn history(&self) -> &History {
        self.session.history()
    }

    pub fn now_ms(&self) -> u64 {
        self.world().now_ms()
    }

    pub fn terminal(&self) -> &[TerminalEntry] {
        &self.terminal
    }

    /// The session so far as a script that [`Playground::restore`] (or
    /// `kubeloop run`) replays.
    pub fn script(&self) -> String {
        let mut script = self.script.clone();
        if self.unwritten_ms > 0 {
            script.push_str(&sleep_line(self.unwritten_ms));
        }
        script
    }

    fn write_down(&mut self, text: &str) {
        if self.unwritten_ms > 0 {
            let sleep = sleep_line(std::mem::take(&mut self.unwritten_ms));
            self.script.push_str(&sleep);
        }
        self.script.push_str(text);
    }

    /// `kubectl apply -f -` of the editor's text.
    pub fn apply(&mut self, text: &str) -> Answer {
        let marker = heredoc_marker(text);
        let mut body = text.to_string();
        if !body.ends_with('\n') {
            body.push('\n');
        }
        self.write_down(&format!("{EDITOR_APPLY}\nkubectl apply -f - <<{marker}\n{body}{marker}\n"));
        let command =
            Command { words: vec!["kubectl".into(), "apply".into(), "-f".into(), "-".into()], stdin: Some(body) };
        script::execute(&mut self.session, &command, &no_files)
    }

    /// A line typed in the terminal: a kubectl command (with or without the
    /// leading `kubectl`), a `fault` line or `sleep DURATION`.
    pub fn command(&mut self, typed: &str) -> Answer {
        let typed = typed.trim();
        let line = match typed.split_whitespace().next() {
            Some("kubectl" | "fault" | "sleep") => typed.to_string(),
            Some(_) => format!("kubectl {typed}"),
            None => return Answer { output: String::new(), ok: true },
        };
        let answer = match script::parse(&line).into_iter().next() {
            Some(Line::Command { parsed: Ok(command), .. }) => {
                self.write_down(&format!("{line}\n"));
                script::execute(&mut self.session, &command, &no_files)
            }
            Some(Line::Command { parsed: Err(error), .. }) => Answer { output: format!("error: {error}\n"), ok: false },
            _ => Answer { output: String::new(), ok: true },
        };
        if !line.starts_with("sleep") {
            self.terminal.push(TerminalEntry { line, output: answer.output.clone(), ok: answer.ok });
        }
        answer
    }

    /// Runs a script's commands at the present (a break-things button:
    /// fault lines, kubectl commands, `apply -f -` heredocs), each written
    /// down and echoed in the terminal so the user sees its words. Returns
    /// whether every command worked.
    pub fn run_script(&mut self, snippet: &str) -> bool {
        let mut all_ok = true;
        for line in script::parse(snippet) {
            let Line::Command { line, heredoc, parsed } = line else { continue };
            let typed = typed(line, &heredoc);
            let answer = match parsed {
                Ok(command) => {
                    self.write_down(&format!("{typed}\n"));
                    script::execute(&mut self.session, &command, &no_files)
                }
                Err(error) => Answer { output: format!("error: {error}\n"), ok: false },
            };
            all_ok &= answer.ok;
            self.terminal.push(TerminalEntry { line: typed, output: answer.output, ok: answer.ok });
        }
        all_ok
    }

    /// Lets simulated time pass (the play button).
    pub fn advance(&mut self, ms: u64) {
        if ms == 0 {
            return;
        }
        self.session.sleep(ms);
        self.unwritten_ms += ms;
    }

    /// Lets time pass, a second at a time, until every Deployment has all
    /// its replicas updated and available (at most [`STEP_LIMIT_MS`]): the
    /// demo a new visitor sees is already running.
    pub fn settle_rollouts(&mut self) {
        for _ in 0..STEP_LIMIT_MS / 1000 {
            if rollouts_complete(self.world()) {
                return;
            }
            self.advance(1000);
        }
    }

    /// Advances to the next instant where the cluster changes: an object is
    /// written or a controller decides something (timers that change
    /// nothing, such as passing probes, are skipped). Gives up after
    /// [`STEP_LIMIT_MS`]; returns how far it went.
    pub fn step(&mut self) -> u64 {
        let start = self.now_ms();
        let before = activity(self.world());
        loop {
            let now = self.now_ms();
            match self.world().next_instant_ms() {
                Some(at) if at <= start + STEP_LIMIT_MS => self.advance(at - now),
                _ => {
                    self.advance(start + STEP_LIMIT_MS - now);
                    break;
                }
            }
            if activity(self.world()) != before {
                break;
            }
        }
        self.now_ms() - start
    }

    /// The world as it was at `t` (history seek: checkpoints plus replayed
    /// inputs).
    pub fn world_at(&self, t: u64) -> World {
        self.history().seek(t)
    }

    /// The instants where something happened, for the timeline and for
    /// stepping through the past: inputs, controller decisions and events.
    pub fn markers(&self) -> Vec<Marker> {
        let mut markers: Vec<Marker> = Vec::new();
        let history = self.history();
        for (at, input) in history.inputs() {
            let kind = match input {
                Input::Apply(_) => MarkerKind::Apply,
                Input::Fault(_) => MarkerKind::Fault,
            };
            markers.push(Marker { at_ms: *at, kind });
        }
        let world = history.world();
        for decision in world.decisions() {
            markers.push(Marker { at_ms: since_start(decision.at), kind: MarkerKind::Decision });
        }
        for stamp in world.events().stamps() {
            let kind = match stamp.event_type {
                kubeloop_engine::world::events::EventType::Warning => MarkerKind::Warning,
                kubeloop_engine::world::events::EventType::Normal => MarkerKind::Event,
            };
            markers.push(Marker { at_ms: since_start(stamp.last_timestamp), kind });
        }
        kubeloop_engine::lean::sort(&mut markers);
        markers.dedup();
        markers
    }
}

/// Something that happened at an instant, as the timeline marks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Marker {
    pub at_ms: u64,
    pub kind: MarkerKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MarkerKind {
    Apply,
    Fault,
    Decision,
    Event,
    Warning,
}

fn since_start(time: kubeloop_engine::api::Time) -> u64 {
    (time.unix_ms - kubeloop_engine::world::EPOCH_UNIX_MS).max(0) as u64
}

fn rollouts_complete(world: &World) -> bool {
    world.store().list("Deployment", None).all(|object| match object {
        kubeloop_engine::api::Object::Deployment(deployment) => {
            let replicas = deployment.spec.replicas.unwrap_or(1);
            let status = &deployment.status;
            Some(status.observed_generation) == deployment.metadata.generation
                && status.updated_replicas == replicas
                && status.available_replicas == replicas
                && status.replicas == replicas
        }
        _ => true,
    })
}

/// What changes when the cluster does something a user can see.
fn activity(world: &World) -> (u64, usize) {
    (world.store().resource_version(), world.decisions().len())
}

/// The comment that marks the editor's applies in the script (they are not
/// terminal commands).
const EDITOR_APPLY: &str = "# Apply from the editor";

/// A command as typed: its line and any heredoc lines after it.
fn typed(line: &str, heredoc: &[&str]) -> String {
    let mut typed = line.to_string();
    for body_line in heredoc {
        typed.push('\n');
        typed.push_str(body_line);
    }
    typed
}

/// `sleep 1500ms`, or `sleep 2m`/`sleep 30s` when whole.
fn sleep_line(ms: u64) -> String {
    if ms.is_multiple_of(60_000) {
        format!("sleep {}m\n", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("sleep {}s\n", ms / 1000)
    } else {
        format!("sleep {ms}ms\n")
    }
}

/// `EOF`, or `EOF1`, `EOF2`... when the text has a line that would end the
/// heredoc early.
fn heredoc_marker(text: &str) -> String {
    let taken = |marker: &str| text.lines().any(|line| line.trim() == marker);
    let mut marker = "EOF".to_string();
    let mut n = 0;
    while taken(&marker) {
        n += 1;
        marker = format!("EOF{n}");
    }
    marker
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Playground {
        let mut playground = Playground::default();
        let answer = playground.apply(kubeloop_engine::DEMO_MANIFESTS);
        assert!(answer.ok, "{}", answer.output);
        playground
    }

    #[test]
    fn apply_prints_what_kubectl_prints() {
        let mut playground = Playground::default();
        let answer = playground.apply(kubeloop_engine::DEMO_MANIFESTS);
        assert_eq!(answer.output, "deployment.apps/demo-api created\nservice/demo-api created\n");
    }

    #[test]
    fn the_script_replays_to_the_same_world() {
        let mut playground = demo();
        playground.advance(1_500);
        assert!(playground.command("get pods").ok);
        playground.command("fault readiness deployment/demo-api 500");
        playground.step();
        playground.advance(30_000);
        let script = playground.script();
        assert!(script.starts_with("# Apply from the editor\nkubectl apply -f - <<EOF\n# demo-api"), "{script}");
        assert!(script.contains("\nsleep 1500ms\nkubectl get pods\nfault readiness deployment/demo-api 500\n"));
        let restored = Playground::restore(&script);
        assert_eq!(restored.world().digest(), playground.world().digest());
        assert_eq!(restored.terminal(), playground.terminal());
        assert_eq!(restored.script(), script);
    }

    #[test]
    fn the_terminal_matches_the_cli_output() {
        let mut playground = demo();
        playground.advance(60_000);
        let answer = playground.command("kubectl get deployments");
        let mut session = Session::new(SEED);
        let script = format!(
            "kubectl apply -f - <<EOF\n{}EOF\nsleep 1m\nkubectl get deployments\n",
            kubeloop_engine::DEMO_MANIFESTS
        );
        let (transcript, ok) = script::run(&mut session, &script, &no_files);
        assert!(ok);
        assert!(transcript.ends_with(&answer.output), "{transcript}\n---\n{}", answer.output);
        assert!(
            answer.output.starts_with("NAME       READY   UP-TO-DATE   AVAILABLE   AGE\ndemo-api   2/2"),
            "{}",
            answer.output
        );
    }

    #[test]
    fn a_step_stops_where_the_cluster_changes() {
        let mut playground = demo();
        let before = playground.world().store().resource_version();
        let went = playground.step();
        assert!(went > 0 && went < STEP_LIMIT_MS, "{went}");
        assert_ne!(playground.world().store().resource_version(), before);
    }

    #[test]
    fn a_step_in_a_quiet_cluster_stops_at_the_limit() {
        let mut playground = Playground::default();
        assert_eq!(playground.step(), STEP_LIMIT_MS);
    }

    #[test]
    fn seeking_back_shows_the_earlier_world() {
        let mut playground = demo();
        let at_start = playground.world().digest();
        playground.advance(60_000);
        assert_ne!(playground.world().digest(), at_start);
        assert_eq!(playground.world_at(0).digest(), at_start);
    }

    #[test]
    fn markers_include_the_apply_and_the_scaling_decision() {
        let playground = demo();
        let markers = playground.markers();
        assert!(markers.contains(&Marker { at_ms: 0, kind: MarkerKind::Apply }), "{markers:?}");
        assert!(markers.contains(&Marker { at_ms: 0, kind: MarkerKind::Event }), "{markers:?}");
    }

    #[test]
    fn a_script_s_commands_run_in_the_terminal_and_replay() {
        let mut playground = demo();
        let snippet = "kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nEOF\nfault kill pod/nope\n";
        assert!(playground.run_script(snippet));
        let lines: Vec<&str> = playground.terminal().iter().map(|entry| entry.line.as_str()).collect();
        assert_eq!(
            lines,
            [
                "kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nEOF",
                "fault kill pod/nope"
            ]
        );
        assert_eq!(playground.terminal()[0].output, "configmap/c created\n");
        let restored = Playground::restore(&playground.script());
        assert_eq!(restored.terminal(), playground.terminal());
        assert_eq!(restored.world().digest(), playground.world().digest());
    }

    #[test]
    fn a_text_holding_eof_gets_another_marker() {
        assert_eq!(heredoc_marker("a: 1\nEOF\n"), "EOF1");
        let mut playground = Playground::default();
        playground.apply("# EOF\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
        let restored = Playground::restore(&playground.script());
        assert_eq!(restored.world().digest(), playground.world().digest());
    }

    #[test]
    fn bad_lines_get_kubectl_s_messages() {
        let mut playground = demo();
        let answer = playground.command("get pods 'unterminated");
        assert!(!answer.ok);
        assert_eq!(answer.output, "error: unterminated quote\n");
        let answer = playground.command("frobnicate");
        assert_eq!(answer.output, "error: unknown command \"frobnicate\" for \"kubectl\"\n");
    }
}
