//! `cargo xtask bench`: the engine's benchmarks. Natively with divan; then
//! one program timed twice, as a native binary and as wasm (wasm32-wasip1
//! under Node's WASI), so the two figures compare like with like.

use crate::shell::{output, run, step};
use crate::tools::cargo;
use crate::{Result, workspace_root};
use std::process::Command;

const WASI_TARGET: &str = "wasm32-wasip1";
const EXAMPLE: &str = "bench_wasm";

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
    {
        let _step = step("divan: parse + default + validate, native");
        run(cargo().current_dir(&root).args(["bench", "--locked", "-p", "kubeloop-engine", "--bench", "parse"]))?;
    }
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|line| line.trim() == WASI_TARGET) {
        let _step = step(format!("installing the Rust target {WASI_TARGET} (first run only)"));
        run(Command::new("rustup").args(["target", "add", WASI_TARGET]))?;
    }
    let _step = step("the same program, native and wasm (median of 200 runs each)");
    let build = |target: Option<&str>| -> Result {
        let mut command = cargo();
        command.current_dir(&root).args([
            "build",
            "--locked",
            "--release",
            "-p",
            "kubeloop-engine",
            "--example",
            EXAMPLE,
        ]);
        if let Some(target) = target {
            command.args(["--target", target]);
        }
        run(&mut command)
    };
    build(None)?;
    build(Some(WASI_TARGET))?;
    let native_binary = root.join("target/release/examples").join(EXAMPLE);
    let wasm_binary = root.join("target").join(WASI_TARGET).join("release/examples").join(format!("{EXAMPLE}.wasm"));
    let runner = root.join("target/xtask/run-wasi.mjs");
    std::fs::create_dir_all(runner.parent().expect("has a parent")).map_err(|e| e.to_string())?;
    std::fs::write(&runner, WASI_RUNNER).map_err(|e| e.to_string())?;
    let native = output(&mut Command::new(&native_binary)).ok_or("the native benchmark failed")?;
    let wasm = output(Command::new("node").arg("--no-warnings").arg(&runner).arg(&wasm_binary))
        .ok_or("the wasm benchmark failed (node with WASI)")?;
    println!("    native: {}", native.trim().replace('\n', "\n            "));
    println!("    wasm:   {}", wasm.trim().replace('\n', "\n            "));
    for (native_line, wasm_line) in native.lines().zip(wasm.lines()) {
        if let (Some(n), Some(w)) = (median(native_line), median(wasm_line)) {
            let name = native_line.split_whitespace().next().unwrap_or("");
            println!("    {name}: wasm/native = {:.2}", w / n);
        }
    }
    Ok(())
}

fn median(line: &str) -> Option<f64> {
    line.split_whitespace().find_map(|part| part.strip_prefix("median_us=")?.parse().ok())
}
