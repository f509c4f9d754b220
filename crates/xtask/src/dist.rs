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

/// The product's target for everything a visitor downloads, gzipped. The
/// page with the whole engine and kubectl in it is over it (the engine's
/// code is its own piece of work: see ARCHITECTURE.md, "The bundle"), so
/// the check reports the gap and enforces [`CEILING_GZIP_BYTES`].
pub const TARGET_GZIP_BYTES: u64 = 250 * 1024;
/// A ratchet: the bundle as last measured (555.5 KiB: the diet's 550.7
/// KiB, plus the engine's per-ReplicaSet pod census and shared-object
/// Deployment sync, the page's frame-rate work, tabs keyboard, deselect, a
/// Deployment's family in the Events tab and the summary's keyed lists,
/// merged after it), rounded up to the next KiB. Lower it whenever the bundle shrinks; raising it is a
/// decision for a commit of its own that says why.
pub const CEILING_GZIP_BYTES: u64 = 556 * 1024;
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
    // The name section stays until wasm-opt, which orders functions by it
    // and writes none.
    run(Command::new(&tools.wasm_bindgen)
        .args(["--target", "web", "--no-typescript", "--remove-producers-section"])
        .args(["--out-name", OUT_NAME, "--out-dir"])
        .arg(&dist)
        .arg(&wasm))?;
    let bundle_wasm = dist.join(format!("{OUT_NAME}_bg.wasm"));
    // The features rustc enables by default for wasm32-unknown-unknown; wasm-opt
    // must be told, or it rejects them.
    run(Command::new(&tools.wasm_opt)
        .arg(&bundle_wasm)
        // Control flow rebuilt (flatten, then the relooper) before two
        // rounds of -Oz, all repeated while the module shrinks: 1.2 KiB less
        // gzipped than -Oz alone, for ~40 s more of wasm-opt.
        .args(["--flatten", "--rereloop", "-Oz", "-Oz", "--converge"])
        // Rust's data starts above its 1 MiB stack, so low memory is unused.
        .arg("--low-memory-unused")
        // Functions sorted by name sit next to their monomorphized twins
        // (`BTreeMap<K, V>::insert` for every K, V), which gzip then finds
        // within its 32 KiB window: 3.9 KiB less gzipped.
        .args(["--reorder-functions-by-name", "--strip-target-features"])
        .args(["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext"])
        .args(["--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue", "-o"])
        .arg(&bundle_wasm))?;
    let glue = dist.join(format!("{OUT_NAME}.js"));
    shorten_import_names_in_files(&bundle_wasm, &glue)?;
    // Whitespace, comments and local names only (no `--compress`): the glue
    // is wasm-bindgen's, and the e2e tests drive this very file.
    run(Command::new(&tools.terser).arg(&glue).args(["--module", "--mangle", "-o"]).arg(&glue))?;
    copy_dir(&root.join("web"), &dist)
}

/// wasm-bindgen names each import `__wbg_<method>_<16 hex digits of hash>`,
/// once in the wasm's import section and once as a key in the glue. The
/// hashes do not compress (8 bytes of entropy each, twice): short names save
/// ~3 KiB gzipped.
fn shorten_import_names_in_files(wasm_path: &Path, glue_path: &Path) -> Result {
    let wasm = std::fs::read(wasm_path).map_err(|e| format!("cannot read {}: {e}", wasm_path.display()))?;
    let glue = std::fs::read_to_string(glue_path).map_err(|e| format!("cannot read {}: {e}", glue_path.display()))?;
    let (wasm, glue) = shorten_import_names(&wasm, &glue)?;
    std::fs::write(wasm_path, wasm).map_err(|e| format!("cannot write {}: {e}", wasm_path.display()))?;
    std::fs::write(glue_path, glue).map_err(|e| format!("cannot write {}: {e}", glue_path.display()))
}

/// The prefix of the imports wasm-bindgen generates for the glue's functions.
const GLUE_IMPORT_PREFIX: &str = "__wbg_";

/// Renames every `__wbg_` import to `__wbg_<index in hex>`, in the module and
/// in the glue, where each must be an object key (`NAME:`) exactly once;
/// anything else means the glue changed shape and is an error, not a guess.
pub fn shorten_import_names(wasm: &[u8], glue: &str) -> Result<(Vec<u8>, String)> {
    const IMPORT_SECTION: u8 = 2;
    let mut reader = Reader { bytes: wasm, at: 8 };
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        return Err("not a wasm module (version 1)".into());
    }
    let mut out = wasm[..8].to_vec();
    let mut glue = glue.to_string();
    while reader.at < wasm.len() {
        let id = reader.byte()?;
        let size = reader.leb()? as usize;
        let start = reader.at;
        let end = start.checked_add(size).filter(|&end| end <= wasm.len()).ok_or("a section runs past the end")?;
        if id != IMPORT_SECTION {
            out.push(id);
            push_leb(&mut out, size as u64);
            out.extend_from_slice(&wasm[start..end]);
            reader.at = end;
            continue;
        }
        let count = reader.leb()?;
        let mut section = Vec::new();
        push_leb(&mut section, count);
        for index in 0..count {
            let module = reader.name()?;
            let field = reader.name()?;
            let desc_start = reader.at;
            reader.skip_import_desc()?;
            let mut new_field = field.to_vec();
            if field.starts_with(GLUE_IMPORT_PREFIX.as_bytes()) {
                let old = std::str::from_utf8(field).map_err(|_| "an import name is not UTF-8")?;
                let new = format!("{GLUE_IMPORT_PREFIX}{index:x}");
                let key = format!("{old}:");
                if glue.matches(&key).count() != 1 {
                    return Err(format!("the glue does not name the import {old} exactly once as a key"));
                }
                glue = glue.replacen(&key, &format!("{new}:"), 1);
                new_field = new.into_bytes();
            }
            push_leb(&mut section, module.len() as u64);
            section.extend_from_slice(module);
            push_leb(&mut section, new_field.len() as u64);
            section.extend_from_slice(&new_field);
            section.extend_from_slice(&wasm[desc_start..reader.at]);
        }
        if reader.at != end {
            return Err("the import section's size does not match its entries".into());
        }
        out.push(id);
        push_leb(&mut out, section.len() as u64);
        out.extend_from_slice(&section);
    }
    Ok((out, glue))
}

fn push_leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Just enough of the binary format to walk an import section.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8> {
        let byte = *self.bytes.get(self.at).ok_or("the module ends early")?;
        self.at += 1;
        Ok(byte)
    }

    fn leb(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a LEB128 number is too long".into())
    }

    fn name(&mut self) -> Result<&'a [u8]> {
        let len = self.leb()? as usize;
        let end = self.at.checked_add(len).filter(|&end| end <= self.bytes.len()).ok_or("a name runs past the end")?;
        let name = &self.bytes[self.at..end];
        self.at = end;
        Ok(name)
    }

    /// Limits: a flags byte, the minimum, and the maximum when flag bit 0 says so.
    fn skip_limits(&mut self) -> Result {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 != 0 {
            self.leb()?;
        }
        Ok(())
    }

    fn skip_import_desc(&mut self) -> Result {
        match self.byte()? {
            // A function (its type index) or a tag (attribute byte, type index).
            0x00 => self.leb().map(drop),
            0x04 => self.byte().and_then(|_| self.leb()).map(drop),
            // A table: its reference type, then limits.
            0x01 => self.byte().and_then(|_| self.skip_limits()),
            0x02 => self.skip_limits(),
            // A global: value type and mutability.
            0x03 => self.byte().and_then(|_| self.byte()).map(drop),
            other => Err(format!("unknown import kind {other:#x}")),
        }
    }
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
        "    bundle: {:.1} KiB gzipped ({:.1} KiB raw); ceiling {} KiB gzipped; product target {} KiB ({})",
        gzip as f64 / 1024.0,
        raw as f64 / 1024.0,
        CEILING_GZIP_BYTES / 1024,
        TARGET_GZIP_BYTES / 1024,
        if gzip > TARGET_GZIP_BYTES {
            format!("{:.1} KiB over", (gzip - TARGET_GZIP_BYTES) as f64 / 1024.0)
        } else {
            "met".to_string()
        }
    );
    if gzip > CEILING_GZIP_BYTES {
        return Err(format!(
            "the bundle is {:.1} KiB gzipped, over the {} KiB ceiling",
            gzip as f64 / 1024.0,
            CEILING_GZIP_BYTES / 1024
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

    /// A module with a type section, imports (two glue functions, one other
    /// function, a table, a memory, a global) and a custom section.
    fn module_importing(glue_names: [&str; 2]) -> Vec<u8> {
        fn name(out: &mut Vec<u8>, text: &str) {
            push_leb(out, text.len() as u64);
            out.extend_from_slice(text.as_bytes());
        }
        fn section(out: &mut Vec<u8>, id: u8, body: &[u8]) {
            out.push(id);
            push_leb(out, body.len() as u64);
            out.extend_from_slice(body);
        }
        let mut imports = vec![6];
        for field in [glue_names[0], "__wbindgen_init_externref_table", glue_names[1]] {
            name(&mut imports, "./kubeloop_bg.js");
            name(&mut imports, field);
            imports.extend_from_slice(&[0x00, 0x00]);
        }
        name(&mut imports, "env");
        name(&mut imports, "table");
        imports.extend_from_slice(&[0x01, 0x6f, 0x01, 0x80, 0x01, 0x90, 0x4e]);
        name(&mut imports, "env");
        name(&mut imports, "memory");
        imports.extend_from_slice(&[0x02, 0x00, 0x11]);
        name(&mut imports, "env");
        name(&mut imports, "__stack_pointer");
        imports.extend_from_slice(&[0x03, 0x7f, 0x01]);
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        section(&mut module, 1, &[0x01, 0x60, 0x00, 0x00]);
        section(&mut module, 2, &imports);
        let mut custom = Vec::new();
        name(&mut custom, "target_features");
        custom.extend_from_slice(&[1, 2, 3]);
        section(&mut module, 0, &custom);
        module
    }

    #[test]
    fn import_names_shrink_in_the_module_and_the_glue_alike() {
        let long = ["__wbg_body_5f971cbc6950ca4f", "__wbg_children_5767547ca7e1c276"];
        let glue = "const import0 = {\n  __wbg_body_5f971cbc6950ca4f: function(a) { return a.body; },\n  \
                    __wbindgen_init_externref_table: function() {},\n  \
                    __wbg_children_5767547ca7e1c276: function(a) { return a.children; },\n};";
        let (wasm, glue) = shorten_import_names(&module_importing(long), glue).unwrap();
        // The imports are numbered by position: the glue's are 0 and 2.
        assert_eq!(wasm, module_importing(["__wbg_0", "__wbg_2"]));
        assert_eq!(
            glue,
            "const import0 = {\n  __wbg_0: function(a) { return a.body; },\n  \
             __wbindgen_init_externref_table: function() {},\n  __wbg_2: function(a) { return a.children; },\n};"
        );
    }

    #[test]
    fn import_names_stay_when_the_glue_does_not_name_each_once() {
        let long = ["__wbg_body_5f971cbc6950ca4f", "__wbg_children_5767547ca7e1c276"];
        let module = module_importing(long);
        let missing = "{ __wbg_body_5f971cbc6950ca4f: f }";
        assert!(shorten_import_names(&module, missing).unwrap_err().contains("__wbg_children_5767547ca7e1c276"));
        let twice = "{ __wbg_body_5f971cbc6950ca4f: f, __wbg_body_5f971cbc6950ca4f: f, \
                     __wbg_children_5767547ca7e1c276: g }";
        assert!(shorten_import_names(&module, twice).unwrap_err().contains("__wbg_body_5f971cbc6950ca4f"));
        assert!(shorten_import_names(b"\0asm\x02\0\0\0", "").is_err());
        let mut cut = module.clone();
        cut.truncate(cut.len() - 2);
        assert!(shorten_import_names(&cut, "").is_err());
    }

    #[test]
    fn the_check_fails_above_the_ceiling() {
        let dir = std::env::temp_dir().join(format!("kubeloop-budget-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
        // Pseudo-random bytes do not compress: they stay their size.
        let mut state = 0x2545_f491_u32;
        let noise: Vec<u8> = (0..CEILING_GZIP_BYTES as usize + 50 * 1024)
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
        assert!(
            check_budget(&dir).unwrap_err().contains(&format!("over the {} KiB ceiling", CEILING_GZIP_BYTES / 1024))
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
