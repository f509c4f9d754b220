//! Installs what the build and the tests need, idempotently: each tool is
//! checked first and installed only when missing or at the wrong version.
//! Everything comes from the package registries (crates.io, npm, Debian).

use crate::shell::{output, run, step};
use crate::{Result, workspace_root};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// binaryen from npm: the only wasm-opt measured here that accepts what
/// rustc 1.95 + wasm-bindgen 0.2.130 emit (Debian's 108 rejects `table.fill`).
pub const BINARYEN_VERSION: &str = "132.0.0";
/// terser from npm: shrinks wasm-bindgen's glue (whitespace, local names).
pub const TERSER_VERSION: &str = "5.51.2";

/// Paths of the installed wasm tools.
pub struct WasmTools {
    pub wasm_bindgen: PathBuf,
    pub test_runner: PathBuf,
    pub wasm_opt: PathBuf,
    pub terser: PathBuf,
}

/// Paths of the browser the tests drive.
pub struct Browser {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

/// The flags headless Chromium needs on these machines: without the
/// networking ones it stalls on the closed network. Each run also gets a fresh
/// `--user-data-dir`.
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    // The window the issue names (headless would give 800x600 less its
    // frame): the layout is tested at the size users get.
    "--window-size=1280,800",
];

impl Browser {
    /// Debian's paths, unless `CHROME_BIN` / `CHROMEDRIVER` say otherwise.
    pub fn from_env() -> Browser {
        let path = |var: &str, default: &str| std::env::var_os(var).map_or_else(|| default.into(), PathBuf::from);
        Browser {
            chromium: path("CHROME_BIN", "/usr/bin/chromium"),
            chromedriver: path("CHROMEDRIVER", "/usr/bin/chromedriver"),
        }
    }

    /// The `goog:chromeOptions` capability: binary, flags, a fresh profile.
    pub fn chrome_options_json(&self, user_data_dir: &Path) -> String {
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|flag| format!("{flag:?}")).collect();
        args.push(format!("{:?}", format!("--user-data-dir={}", user_data_dir.display())));
        format!(r#"{{"binary":{:?},"args":[{}]}}"#, self.chromium.display().to_string(), args.join(","))
    }
}

/// Per-user cache for tools the project installs (not inside the checkout,
/// so a fresh clone on the same machine reuses them).
pub fn cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))
        .unwrap_or_else(|| workspace_root().join("target"));
    base.join("kubeloop")
}

pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// rustfmt, clippy and the wasm target, through rustup.
pub fn ensure_rust_parts(need_lints: bool) -> Result {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|line| line.trim() == WASM_TARGET) {
        let _step = step(format!("installing the Rust target {WASM_TARGET} (first run only)"));
        run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    if need_lints {
        for (component, probe) in [("rustfmt", "fmt"), ("clippy", "clippy")] {
            if output(cargo().args([probe, "--version"])).is_none() {
                let _step = step(format!("installing the Rust component {component} (first run only)"));
                run(Command::new("rustup").args(["component", "add", component]))?;
            }
        }
    }
    Ok(())
}

/// The version of a package as Cargo.lock records it.
pub fn locked_version(package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let wanted = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == wanted
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_string());
        }
    }
    Err(format!("Cargo.lock has no package {package}"))
}

/// wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in
/// Cargo.lock (the generated glue must match the crate), and wasm-opt.
pub fn ensure_wasm_tools() -> Result<WasmTools> {
    let version = locked_version("wasm-bindgen")?;
    let root = cache_dir().join(format!("wasm-bindgen-cli-{version}"));
    let wasm_bindgen = root.join("bin").join("wasm-bindgen");
    let test_runner = root.join("bin").join("wasm-bindgen-test-runner");
    let reported = output(Command::new(&wasm_bindgen).arg("--version")).unwrap_or_default();
    if reported.trim() != format!("wasm-bindgen {version}") || !test_runner.exists() {
        let _step = step(format!("installing wasm-bindgen-cli {version} from crates.io (first run only, ~5 min)"));
        // No --locked: its lock file names a crate version the registry no
        // longer serves. No default features: the TLS stack is only for
        // remote WebDriver servers, and the tests use a local chromedriver.
        run(cargo().args(["install", "wasm-bindgen-cli", "--version", &format!("={version}")]).args([
            "--no-default-features",
            "--root",
            &root.to_string_lossy(),
        ]))?;
    }
    Ok(WasmTools { wasm_bindgen, test_runner, wasm_opt: ensure_wasm_opt()?, terser: ensure_terser()? })
}

fn ensure_wasm_opt() -> Result<PathBuf> {
    ensure_npm_tool("binaryen", BINARYEN_VERSION, "wasm-opt")
}

fn ensure_terser() -> Result<PathBuf> {
    ensure_npm_tool("terser", TERSER_VERSION, "terser")
}

/// `package@version` from npm in its own cache directory; the path of its
/// command `bin`.
fn ensure_npm_tool(package: &str, version: &str, bin: &str) -> Result<PathBuf> {
    let prefix = cache_dir().join(format!("{package}-{version}"));
    let tool = prefix.join("node_modules").join(".bin").join(bin);
    if output(Command::new(&tool).arg("--version")).is_none() {
        ensure_node()?;
        let _step = step(format!("installing {package} {version} ({bin}) from npm (first run only)"));
        std::fs::create_dir_all(&prefix).map_err(|e| e.to_string())?;
        run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(format!("{package}@{version}")))?;
    }
    Ok(tool)
}

fn ensure_node() -> Result {
    if output(Command::new("npm").arg("--version")).is_some() {
        return Ok(());
    }
    apt_install(&["nodejs", "npm"])
}

/// Debian's chromium and chromium-driver, for the browser tests.
pub fn ensure_browser() -> Result<Browser> {
    let browser = Browser::from_env();
    if !browser.chromium.exists() || !browser.chromedriver.exists() {
        apt_install(&["chromium", "chromium-driver"])?;
    }
    Ok(browser)
}

fn apt_install(packages: &[&str]) -> Result {
    let _step = step(format!("installing {} from Debian (first run only, ~30 s)", packages.join(" ")));
    let is_root = output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    let apt = |args: &[&str]| {
        let mut command = if is_root { Command::new("apt-get") } else { Command::new("sudo") };
        if !is_root {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    run(&mut apt(&["update", "-qq"]))?;
    run(apt(&["install", "-y", "-qq"]).args(packages))
        .map_err(|e| format!("{e}\n(install {} yourself, or run as root)", packages.join(" ")))
}
