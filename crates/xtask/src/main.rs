//! `cargo xtask serve [--port N]`: build the playground and serve it.
//! `cargo xtask test`: every check and test layer, as CI runs them.
//! `cargo xtask dist`: only build the release bundle into target/dist.

use std::net::TcpListener;
use std::process::ExitCode;
use xtask::shell::{Counts, run, run_tests, step};
use xtask::tools::{self, WASM_TARGET, cargo};
use xtask::{Result, dist, dist_dir, workspace_root};

const USAGE: &str = "\
usage: cargo xtask serve [--port N]   build the playground and serve it (default port 8080, or $PORT)
       cargo xtask test               run every lint and test layer and the bundle-size budget
       cargo xtask dist               build the release bundle into target/dist
       cargo xtask bench              benchmarks: divan natively, and the same work native vs wasm
                                      (parse, the rollout of $KUBELOOP_BENCH_PODS pods, memory per pod)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("test") => test(),
        Some("dist") => build_dist(),
        Some("bench") => xtask::bench::benchmarks(),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown or missing command\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn build_dist() -> Result {
    tools::ensure_rust_parts(false)?;
    let wasm_tools = tools::ensure_wasm_tools()?;
    dist::build(&wasm_tools)?;
    dist::check_budget(&dist_dir())
}

fn port(args: &[String]) -> Result<u16> {
    let text = match args {
        [] => std::env::var("PORT").unwrap_or_else(|_| "8080".into()),
        [flag, value] if flag == "--port" => value.clone(),
        [flag] if flag.starts_with("--port=") => flag["--port=".len()..].to_string(),
        _ => return Err(format!("unexpected arguments {args:?}\n{USAGE}")),
    };
    text.parse().map_err(|_| format!("invalid port {text:?}: give a number from 1 to 65535"))
}

fn serve(args: &[String]) -> Result {
    let port = port(args)?;
    // Take the port before the long build so a clash is reported at once.
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port} ({e}); choose another with --port N or PORT=N"))?;
    build_dist()?;
    println!("\nkubeloop playground: http://127.0.0.1:{port}/  (Ctrl-C stops)");
    xtask::serve::serve(listener, dist_dir());
    Ok(())
}

fn test() -> Result {
    let started = std::time::Instant::now();
    let root = workspace_root();
    let mut counts = Counts::default();
    {
        let _step = step("checking tools (Rust target and components, wasm-bindgen-cli, wasm-opt, Chromium)");
        tools::ensure_rust_parts(true)?;
    }
    let wasm_tools = tools::ensure_wasm_tools()?;
    let browser = tools::ensure_browser()?;
    {
        let _step = step("rustfmt");
        run(cargo().current_dir(&root).args(["fmt", "--all", "--check"]))?;
    }
    {
        let _step = step("clippy, native (warnings denied)");
        run(cargo().current_dir(&root).args([
            "clippy",
            "--locked",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
    }
    {
        let _step = step("clippy, wasm32 (warnings denied)");
        run(cargo()
            .current_dir(&root)
            .args(["clippy", "--locked", "-p", "kubeloop-engine", "-p", "kubeloop-web"])
            .args(["--all-targets", "--target", WASM_TARGET, "--", "-D", "warnings"]))?;
    }
    {
        let _step = step("native tests (cargo test)");
        counts += run_tests(cargo().current_dir(&root).args([
            "test",
            "--locked",
            "--workspace",
            "--exclude",
            "kubeloop-e2e",
        ]))?;
    }
    {
        let _step = step("wasm tests: the engine under Node, the web crate in headless Chromium");
        let scratch = root.join("target").join("xtask");
        let profile = scratch.join(format!("chromium-profile-{}", std::process::id()));
        std::fs::create_dir_all(&profile).map_err(|e| e.to_string())?;
        let webdriver_json = scratch.join("webdriver.json");
        std::fs::write(
            &webdriver_json,
            format!(r#"{{"goog:chromeOptions":{}}}"#, browser.chrome_options_json(&profile)),
        )
        .map_err(|e| e.to_string())?;
        let result = run_tests(
            cargo()
                .current_dir(&root)
                .args(["test", "--locked", "--target", WASM_TARGET])
                .args(["-p", "kubeloop-engine", "--test", "wasm", "-p", "kubeloop-web", "--test", "browser"])
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", &wasm_tools.test_runner)
                .env("CHROMEDRIVER", &browser.chromedriver)
                .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &webdriver_json)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
        );
        let _ = std::fs::remove_dir_all(&profile);
        counts += result?;
    }
    {
        let _step = step("release bundle and size budget");
        dist::build(&wasm_tools)?;
        dist::check_budget(&dist_dir())?;
    }
    {
        let _step = step("end-to-end: the release bundle served and driven in headless Chromium");
        counts += run_tests(
            cargo()
                .current_dir(&root)
                .args(["test", "--locked", "-p", "kubeloop-e2e"])
                .env("CHROMEDRIVER", &browser.chromedriver)
                .env("CHROME_BIN", &browser.chromium),
        )?;
    }
    println!("\nall layers green in {:.0} s", started.elapsed().as_secs_f64());
    if counts.passed == 0 {
        return Err("no test ran".into());
    }
    println!("tests: {} passed, {} failed", counts.passed, counts.failed);
    Ok(())
}
