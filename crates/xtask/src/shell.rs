//! Running commands and saying what is going on.

use crate::Result;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Announces a step and, when dropped, how long it took.
pub struct Step {
    name: String,
    started: Instant,
}

pub fn step(name: impl Into<String>) -> Step {
    let name = name.into();
    println!("\n==> {name}");
    Step { name, started: Instant::now() }
}

impl Step {
    pub fn seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

impl Drop for Step {
    fn drop(&mut self) {
        println!("    ({}: {:.1} s)", self.name, self.seconds());
    }
}

fn describe(command: &Command) -> String {
    let mut line = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs a command with inherited output; fails on a non-zero exit.
pub fn run(command: &mut Command) -> Result {
    println!("    $ {}", describe(command));
    let status = command.status().map_err(|e| format!("could not start `{}`: {e}", describe(command)))?;
    if status.success() { Ok(()) } else { Err(format!("`{}` failed ({status})", describe(command))) }
}

/// Runs a command and returns its standard output (quietly).
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Tests counted from the `test result:` lines of cargo's and
/// wasm-bindgen-test-runner's output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

/// Runs a test command, echoing its output while counting its results.
pub fn run_tests(command: &mut Command) -> Result<Counts> {
    println!("    $ {}", describe(command));
    let mut child =
        command.stdout(Stdio::piped()).spawn().map_err(|e| format!("could not start `{}`: {e}", describe(command)))?;
    let mut counts = Counts::default();
    for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
        let line = line.map_err(|e| e.to_string())?;
        println!("{line}");
        counts += parse_test_result(&line);
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() { Ok(counts) } else { Err(format!("`{}` failed ({status})", describe(command))) }
}

/// `test result: ok. 12 passed; 0 failed; 0 ignored; ...` -> (12, 0).
pub fn parse_test_result(line: &str) -> Counts {
    let Some(rest) = line.trim().strip_prefix("test result: ") else {
        return Counts::default();
    };
    let number_before = |word: &str| -> u64 {
        rest.split(';')
            .find_map(|part| part.trim().strip_suffix(word)?.split_whitespace().last()?.parse().ok())
            .unwrap_or(0)
    };
    Counts { passed: number_before(" passed"), failed: number_before(" failed") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_and_wasm_runner_result_lines() {
        let cases = [
            ("test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s", (12, 0)),
            ("test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out", (3, 2)),
            ("test result: ok. 3 passed; 0 failed; 0 ignored; 0 filtered out; finished in 1.2s", (3, 0)),
            ("running 3 tests", (0, 0)),
            ("   Doc-tests kubeloop_engine", (0, 0)),
        ];
        for (line, (passed, failed)) in cases {
            assert_eq!(parse_test_result(line), Counts { passed, failed }, "{line}");
        }
    }
}
