//! `kubeloop`: the playground's engine on the command line.

use std::io::Read;
use std::process::ExitCode;

const USAGE: &str = "\
usage: kubeloop check FILE...        check Kubernetes manifests (- reads standard input)
       kubeloop conformance FILE     run a conformance cases file against the engine
       kubeloop run SCRIPT [--seed N] run a session script and print its transcript
       kubeloop help                 show this message";

mod conformance;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("check") if args.len() > 1 => check(&args[1..]),
        Some("conformance") if args.len() == 2 => run_conformance(&args[1]),
        Some("conformance") => usage_error("conformance needs exactly one FILE"),
        Some("run") => run_script(&args[1..]),
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some("check") => usage_error("check needs at least one FILE (or - for standard input)"),
        Some(other) => usage_error(&format!("unknown command {other:?}")),
        None => usage_error("no command given"),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("kubeloop: {message}\n{USAGE}");
    ExitCode::from(2)
}

/// Prints `FILE:LINE:COL: error: MESSAGE` per diagnostic; exits 1 when any
/// file has an error (or cannot be read), 0 otherwise.
fn check(files: &[String]) -> ExitCode {
    let mut failed = false;
    for file in files {
        let text = match read_input(file) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("{file}: error: {error}");
                failed = true;
                continue;
            }
        };
        let manifests = kubeloop_engine::parse_manifests(&text);
        for diagnostic in &manifests.diagnostics {
            println!("{file}:{diagnostic}");
        }
        failed |= manifests.has_errors();
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// Runs a session script; exits 1 when a command in it failed.
fn run_script(args: &[String]) -> ExitCode {
    let (file, seed) = match args {
        [file] => (file, 1),
        [file, flag, seed] if flag == "--seed" => match seed.parse() {
            Ok(seed) => (file, seed),
            Err(_) => return usage_error(&format!("invalid seed {seed:?}: give a whole number")),
        },
        _ => return usage_error("run needs a SCRIPT (and optionally --seed N)"),
    };
    let text = match read_input(file) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("{file}: error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let base = std::path::Path::new(file).parent().unwrap_or(std::path::Path::new("."));
    let read_file = |path: &str| std::fs::read_to_string(base.join(path)).map_err(|e| e.to_string());
    let mut session = kubeloop_kubectl::session::Session::new(seed);
    let (transcript, all_ok) = kubeloop_kubectl::script::run(&mut session, &text, &read_file);
    print!("{transcript}");
    if all_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Prints each failure with its id and expected vs actual, then
/// `N passed, M failed`; exits 1 when any case failed.
fn run_conformance(file: &str) -> ExitCode {
    let text = match read_input(file) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("{file}: error: {error}");
            return ExitCode::FAILURE;
        }
    };
    match conformance::run(&text) {
        Ok((report, all_passed)) => {
            print!("{report}");
            if all_passed { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(error) => {
            eprintln!("{file}: error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn read_input(file: &str) -> std::io::Result<String> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(file)
    }
}
