//! The release bundle: the web crate compiled for size, its wasm-bindgen glue,
//! wasm-opt, and the static files in `web/`, weighed against the budget.

use crate::shell::{run, step};
use crate::tools::{WASM_TARGET, WasmTools, cargo};
use crate::{Result, dist_dir, workspace_root};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::Path;
use std::process::Command;

/// Everything a visitor downloads, gzipped, must stay under this.
pub const BUDGET_GZIP_BYTES: u64 = 250 * 1024;
const PROFILE: &str = "wasm-release";
/// The name the glue and the wasm get (`kubeloop.js`, `kubeloop_bg.wasm`).
const OUT_NAME: &str = "kubeloop";

pub fn build(tools: &WasmTools) -> Result {
    let root = workspace_root();
    let dist = dist_dir();
    {
        let _step = step("compiling the web crate to wasm (profile wasm-release: opt-level z, LTO)");
        run(cargo().current_dir(&root).args(["build", "--locked", "-p", "kubeloop-web", "--lib"]).args([
            "--target",
            WASM_TARGET,
            "--profile",
            PROFILE,
        ]))?;
    }
    let _step = step("assembling target/dist (wasm-bindgen, wasm-opt, web/)");
    if dist.exists() {
        std::fs::remove_dir_all(&dist).map_err(|e| format!("cannot clear {}: {e}", dist.display()))?;
    }
    std::fs::create_dir_all(&dist).map_err(|e| e.to_string())?;
    let wasm = root.join("target").join(WASM_TARGET).join(PROFILE).join("kubeloop_web.wasm");
    run(Command::new(&tools.wasm_bindgen)
        .args(["--target", "web", "--no-typescript", "--remove-name-section", "--remove-producers-section"])
        .args(["--out-name", OUT_NAME, "--out-dir"])
        .arg(&dist)
        .arg(&wasm))?;
    let bundle_wasm = dist.join(format!("{OUT_NAME}_bg.wasm"));
    // The features rustc enables by default for wasm32-unknown-unknown; wasm-opt
    // must be told, or it rejects them.
    run(Command::new(&tools.wasm_opt)
        .arg(&bundle_wasm)
        // Rust's data starts above its 1 MiB stack, so low memory is unused.
        .args(["-Oz", "--converge", "--low-memory-unused"])
        .args(["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext"])
        .args(["--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue", "-o"])
        .arg(&bundle_wasm))?;
    copy_dir(&root.join("web"), &dist)
}

fn copy_dir(from: &Path, to: &Path) -> Result {
    let entries = std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| e.to_string())?;
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| format!("cannot copy {}: {e}", target.display()))?;
        }
    }
    Ok(())
}

/// One downloaded file's weight.
#[derive(Debug)]
pub struct FileSize {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
}

/// Weighs every file in the bundle, raw and gzipped (level 9, as a server
/// would pre-compress it).
pub fn sizes(dir: &Path) -> Result<Vec<FileSize>> {
    let mut files = Vec::new();
    collect_files(dir, dir, &mut files)?;
    files.sort_by(|a, b| b.gzip.cmp(&a.gzip).then(a.name.cmp(&b.name)));
    Ok(files)
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<FileSize>) -> Result {
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect_files(root, &path, out)?;
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        let name = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().into_owned();
        out.push(FileSize { name, raw: bytes.len() as u64, gzip: gzip_len(&bytes) });
    }
    Ok(())
}

pub fn gzip_len(bytes: &[u8]) -> u64 {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).expect("writing to a Vec cannot fail");
    encoder.finish().expect("writing to a Vec cannot fail").len() as u64
}

/// Prints the size table and fails when the gzipped total is over budget.
pub fn check_budget(dir: &Path) -> Result {
    let files = sizes(dir)?;
    let (raw, gzip) = files.iter().fold((0, 0), |(r, g), f| (r + f.raw, g + f.gzip));
    println!("    {:<28} {:>10} {:>10}", "file", "raw", "gzip");
    for file in &files {
        println!("    {:<28} {:>10} {:>10}", file.name, file.raw, file.gzip);
    }
    println!("    {:<28} {:>10} {:>10}", "total", raw, gzip);
    println!(
        "    bundle: {:.1} KiB gzipped ({:.1} KiB raw); budget {} KiB gzipped",
        gzip as f64 / 1024.0,
        raw as f64 / 1024.0,
        BUDGET_GZIP_BYTES / 1024
    );
    if gzip > BUDGET_GZIP_BYTES {
        return Err(format!(
            "the bundle is {:.1} KiB gzipped, over the {} KiB budget",
            gzip as f64 / 1024.0,
            BUDGET_GZIP_BYTES / 1024
        ));
    }
    if !files.iter().any(|f| f.name.ends_with(".wasm")) || !files.iter().any(|f| f.name == "index.html") {
        return Err(format!("{} is missing index.html or the wasm module", dir.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_makes_repetitive_bytes_small() {
        let repetitive = vec![b'a'; 100_000];
        let len = gzip_len(&repetitive);
        assert!(len > 20 && len < 1_000, "{len}");
    }

    #[test]
    fn budget_fails_above_the_limit() {
        let dir = std::env::temp_dir().join(format!("kubeloop-budget-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
        // Pseudo-random bytes do not compress: 300 KiB stays ~300 KiB.
        let mut state = 0x2545_f491_u32;
        let noise: Vec<u8> = (0..300 * 1024)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect();
        std::fs::write(dir.join("app.wasm"), &noise[..1024]).unwrap();
        assert_eq!(check_budget(&dir), Ok(()));
        std::fs::write(dir.join("app.wasm"), &noise).unwrap();
        assert!(check_budget(&dir).unwrap_err().contains("over the 250 KiB budget"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
