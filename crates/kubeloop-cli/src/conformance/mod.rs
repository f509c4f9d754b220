//! `kubeloop conformance FILE`: runs every case of a file in the format of
//! shared/conformance/cases.yaml against the engine's own functions.
//!
//! Each case goes to the adapter for its area (the id's first segments),
//! which builds the inputs, calls the engine and compares with `expected`.
//! A case no adapter knows is a failure, never a skip; only cases that need
//! a non-default feature gate (`feature_gates:`) are skipped, and reported.

mod controllers;
mod deployment;
mod kubectl;

use serde_yaml::Value;
use std::fmt::Write as _;

/// What became of one case.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Passed,
    Failed(String),
    Skipped(String),
}

/// A case, as read from the file.
pub struct Case<'a> {
    pub id: &'a str,
    pub behaviour: &'a str,
    pub input: &'a Value,
    pub expected: &'a Value,
}

impl Case<'_> {
    /// `input[key]`, or Null.
    pub fn input(&self, key: &str) -> &Value {
        self.input.get(key).unwrap_or(&Value::Null)
    }

    pub fn expected(&self, key: &str) -> &Value {
        self.expected.get(key).unwrap_or(&Value::Null)
    }
}

/// Compares one expected value with the actual one.
pub fn check<T: std::fmt::Debug + PartialEq>(what: &str, expected: T, actual: T) -> Result<(), String> {
    if expected == actual { Ok(()) } else { Err(format!("{what}: expected {expected:?}, got {actual:?}")) }
}

/// An adapter's answer: `None` when it does not know the case.
pub type AdapterResult = Option<Result<(), String>>;

/// Runs every case in `text`; returns the report and whether all passed.
pub fn run(text: &str) -> Result<(String, bool), String> {
    let file: Value = serde_yaml::from_str(text).map_err(|e| format!("not a cases file: {e}"))?;
    let cases = file.get("cases").and_then(Value::as_sequence).ok_or("the file has no `cases:` list")?;
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let mut report = String::new();
    for raw in cases {
        let id = raw.get("id").and_then(Value::as_str).unwrap_or("<no id>");
        let case = Case {
            id,
            behaviour: raw.get("behaviour").and_then(Value::as_str).unwrap_or(""),
            input: raw.get("input").unwrap_or(&Value::Null),
            expected: raw.get("expected").unwrap_or(&Value::Null),
        };
        let outcome = if raw.get("feature_gates").is_some() {
            Outcome::Skipped("needs a non-default feature gate".to_string())
        } else {
            run_case(&case)
        };
        match outcome {
            Outcome::Passed => passed += 1,
            Outcome::Skipped(why) => {
                skipped += 1;
                let _ = writeln!(report, "SKIP {id}: {why}");
            }
            Outcome::Failed(why) => {
                failed += 1;
                let _ = writeln!(report, "FAIL {id}: {why}");
            }
        }
    }
    let _ = write!(report, "{passed} passed, {failed} failed");
    if skipped > 0 {
        let _ = write!(report, ", {skipped} skipped");
    }
    report.push('\n');
    Ok((report, failed == 0))
}

fn run_case(case: &Case) -> Outcome {
    let adapters: [fn(&Case) -> AdapterResult; 3] = [deployment::run, controllers::run, kubectl::run];
    // A panic in the engine is a failure of that case, not of the run.
    let result = std::panic::catch_unwind(|| adapters.iter().find_map(|adapter| adapter(case)));
    match result {
        Ok(Some(Ok(()))) => Outcome::Passed,
        Ok(Some(Err(why))) => Outcome::Failed(why),
        Ok(None) => Outcome::Failed(format!("no adapter knows behaviour {:?}", case.behaviour)),
        Err(_) => Outcome::Failed("the engine panicked".to_string()),
    }
}
