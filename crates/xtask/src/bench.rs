//! `cargo xtask bench`: the engine's benchmarks. Natively with divan (parse,
//! and the rolling update at scale); then the same programs run twice, as
//! native binaries and as wasm (wasm32-wasip1 under Node's WASI), so the
//! two figures compare like with like: `bench_wasm` (times, with the
//! wasm/native ratio) and `pod_memory` (bytes per pod). Last, the page in
//! headless Chromium: its first render and its frame rate.
//!
//! `KUBELOOP_BENCH_PODS=N` sets the rollout's size (default 1,000; the
//! product target is 10,000).

use crate::shell::{output, run, step};
use crate::tools::cargo;
use crate::{Result, workspace_root};
use std::path::Path;
use std::process::Command;

const WASI_TARGET: &str = "wasm32-wasip1";
const TIMES: &str = "bench_wasm";
const MEMORY: &str = "pod_memory";
const PODS_VAR: &str = "KUBELOOP_BENCH_PODS";
const DEFAULT_PODS: u32 = 1_000;

/// Runs WASI programs in Node: `node run-wasi.mjs program.wasm ARGS...`.
const WASI_RUNNER: &str = r#"import { readFile } from "node:fs/promises";
import { WASI } from "node:wasi";
import { argv } from "node:process";
const wasi = new WASI({ version: "preview1", args: argv.slice(2), env: {} });
const module = await WebAssembly.compile(await readFile(argv[2]));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
wasi.start(instance);
"#;

pub fn benchmarks() -> Result {
    let root = workspace_root();
    let pods = match std::env::var(PODS_VAR) {
        Ok(text) => text.parse::<u32>().map_err(|_| format!("{PODS_VAR}={text:?} is not a number"))?,
        Err(_) => DEFAULT_PODS,
    };
    {
        let _step = step(format!("divan, native: parse + default + validate; the rolling update of {pods} pods"));
        run(cargo()
            .current_dir(&root)
            .args(["bench", "--locked", "-p", "kubeloop-engine", "--bench", "parse", "--bench", "rollout"])
            .env(PODS_VAR, pods.to_string()))?;
    }
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|line| line.trim() == WASI_TARGET) {
        let _step = step(format!("installing the Rust target {WASI_TARGET} (first run only)"));
        run(Command::new("rustup").args(["target", "add", WASI_TARGET]))?;
    }
    let build = |target: Option<&str>| -> Result {
        let mut command = cargo();
        command.current_dir(&root).args(["build", "--locked", "--release", "-p", "kubeloop-engine"]);
        command.args(["--example", TIMES, "--example", MEMORY]);
        if let Some(target) = target {
            command.args(["--target", target]);
        }
        run(&mut command)
    };
    build(None)?;
    build(Some(WASI_TARGET))?;
    let runner = root.join("target/xtask/run-wasi.mjs");
    std::fs::create_dir_all(runner.parent().expect("has a parent")).map_err(|e| e.to_string())?;
    std::fs::write(&runner, WASI_RUNNER).map_err(|e| e.to_string())?;
    // The same example and arguments, natively and in wasm.
    let both = |example: &str, args: &[String]| -> Result<(String, String)> {
        let native = root.join("target/release/examples").join(example);
        let wasm = root.join("target").join(WASI_TARGET).join("release/examples").join(format!("{example}.wasm"));
        let native = output(Command::new(&native).args(args)).ok_or(format!("the native {example} failed"))?;
        let wasm =
            output(node(&runner, &wasm).args(args)).ok_or(format!("the wasm {example} failed (node with WASI)"))?;
        Ok((native, wasm))
    };
    {
        let _step = step(format!(
            "the same program, native and wasm: parse (median of 200 runs), rollout of {pods} pods (median of 5)"
        ));
        let (native, wasm) = both(TIMES, &["--pods".into(), pods.to_string()])?;
        print_both(&native, &wasm);
        for (native_line, wasm_line) in native.lines().zip(wasm.lines()) {
            if let (Some(n), Some(w)) = (median(native_line), median(wasm_line)) {
                let name = native_line.split_whitespace().next().unwrap_or("");
                println!("    {name}: wasm/native = {:.2}", w / n);
            }
        }
    }
    {
        let _step = step(format!("memory per pod after the rollout of {pods} pods, native and wasm (target: 2 KiB)"));
        let (native, wasm) = both(MEMORY, &[pods.to_string()])?;
        print_both(&native, &wasm);
    }
    page()
}

/// The page's own targets, in headless Chromium over the release bundle:
/// the first render of the running demo, and frames per second while a
/// rolling update of 1,000 pods plays (`tests/e2e/examples/page_bench.rs`).
fn page() -> Result {
    let root = workspace_root();
    let wasm_tools = crate::tools::ensure_wasm_tools()?;
    let browser = crate::tools::ensure_browser()?;
    crate::dist::build(&wasm_tools)?;
    let _step = step("the page in headless Chromium: first render; frames while a 1,000-pod rollout plays");
    run(cargo()
        .current_dir(&root)
        .args(["run", "--locked", "--release", "-q", "-p", "kubeloop-e2e", "--example", "page_bench"])
        .env("CHROMEDRIVER", &browser.chromedriver)
        .env("CHROME_BIN", &browser.chromium))
}

fn node(runner: &Path, wasm: &Path) -> Command {
    let mut command = Command::new("node");
    command.arg("--no-warnings").arg(runner).arg(wasm);
    command
}

fn print_both(native: &str, wasm: &str) {
    println!("    native: {}", native.trim().replace('\n', "\n            "));
    println!("    wasm:   {}", wasm.trim().replace('\n', "\n            "));
}

fn median(line: &str) -> Option<f64> {
    line.split_whitespace().find_map(|part| part.strip_prefix("median_us=")?.parse().ok())
}
