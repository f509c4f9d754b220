//! Fuzzing parse -> default -> validate. cargo-fuzz needs a nightly
//! toolchain, so this is a seeded mutation fuzzer in the style of one: it
//! mutates the seed articles' manifests and generates YAML from the API's
//! field names, and every case must come back without a panic, the same
//! twice, with every diagnostic inside the text.
//!
//! `cargo test -p kubeloop-engine --test fuzz` runs a bounded number of
//! cases (the test command does); `KUBELOOP_FUZZ_CASES=200000` runs longer,
//! `KUBELOOP_FUZZ_SEED=N` replays one seed.

mod common;

use kubeloop_engine::{DEMO_MANIFESTS, parse_manifests};

const DEFAULT_CASES: u64 = 1500;

const CORPUS: &[&str] = &[
    DEMO_MANIFESTS,
    include_str!("../../../tests/manifests/corpus/000-memory-war-story.yaml"),
    include_str!("../../../tests/manifests/corpus/001-microservices.yaml"),
    include_str!("../../../tests/manifests/corpus/002-production-service.yaml"),
    include_str!("../../../tests/manifests/corpus/003-api.yaml"),
    include_str!("../../../tests/manifests/corpus/003-config.yaml"),
    include_str!("../../../tests/manifests/corpus/003-hpa.yaml"),
    include_str!("../../../tests/manifests/corpus/004-cluster.yaml"),
    include_str!("../../../tests/manifests/diagnostics/deployment-spec.yaml"),
    include_str!("../../../tests/manifests/diagnostics/other-kinds.yaml"),
];

/// Tokens that stress a YAML parser and the API's value types.
const TOKENS: &[&str] = &[
    ":",
    "-",
    "- ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "!!str ",
    "!!int ",
    "|",
    ">",
    "'",
    "\"",
    "#",
    "\t",
    "\n",
    "---\n",
    "...\n",
    "? ",
    "%",
    "@",
    "~",
    "null",
    "true",
    "0",
    "-1",
    "2147483648",
    "1e309",
    "0.5",
    "25%",
    "110%",
    "100m",
    "1Gi",
    "1e3",
    "ab-c",
    "",
    "Always",
    "RollingUpdate",
    "apps/v1",
    "v1",
    "Deployment",
    "Service",
    "<<: *a",
    "\u{feff}",
    "é",
    "\\",
    "0x1F",
    ".inf",
    "-.5",
    "replicas",
    "selector",
    "matchLabels",
    "template",
    "containers",
];

/// The test's seeded source (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        common::splitmix64(&mut self.0)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    for _ in 0..1 + rng.below(5) {
        let at = rng.below(lines.len());
        match rng.below(9) {
            0 => {
                lines.remove(at);
                if lines.is_empty() {
                    lines.push(String::new());
                }
            }
            1 => {
                let copy = lines[at].clone();
                lines.insert(at, copy);
            }
            2 => {
                let line = &mut lines[at];
                let cut = floor_char_boundary(line, rng.below(line.len() + 1));
                line.insert_str(cut, rng.pick(TOKENS));
            }
            3 => {
                let line = &mut lines[at];
                let cut = floor_char_boundary(line, rng.below(line.len() + 1));
                line.truncate(cut);
            }
            4 => {
                let indent = " ".repeat(rng.below(4));
                lines[at] = if rng.below(2) == 0 {
                    format!("{indent}{}", lines[at])
                } else {
                    lines[at].trim_start().to_string()
                };
            }
            5 => {
                let other = rng.below(lines.len());
                lines.swap(at, other);
            }
            6 => {
                // Replace the value after a colon with a token.
                if let Some(colon) = lines[at].find(": ") {
                    let token = rng.pick(TOKENS);
                    lines[at].truncate(colon + 2);
                    lines[at].push_str(token);
                }
            }
            7 => {
                let donor = rng.pick(CORPUS);
                let donor_lines: Vec<&str> = donor.lines().collect();
                let from = rng.below(donor_lines.len());
                let count = 1 + rng.below(8);
                for (i, line) in donor_lines.iter().skip(from).take(count).enumerate() {
                    lines.insert((at + i).min(lines.len()), line.to_string());
                }
            }
            _ => lines.insert(at, rng.pick(TOKENS).to_string()),
        }
    }
    let mut out = lines.join("\n");
    if rng.below(2) == 0 {
        out.push('\n');
    }
    out
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A random document built from the API's own vocabulary, so cases reach
/// defaulting and validation rather than dying in the YAML parser.
fn generate(rng: &mut Rng) -> String {
    let kind = rng.pick(&[
        "Deployment",
        "Service",
        "Pod",
        "ReplicaSet",
        "ConfigMap",
        "Secret",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "App",
        "Traffic",
        "Node",
        "Namespace",
    ]);
    let version = match kind {
        "Deployment" | "ReplicaSet" => "apps/v1",
        "HorizontalPodAutoscaler" => "autoscaling/v2",
        "PodDisruptionBudget" => "policy/v1",
        "App" | "Traffic" => "kubeloop.dev/v1",
        _ => "v1",
    };
    let mut out = format!(
        "apiVersion: {version}\nkind: {kind}\nmetadata:\n  name: {}\n",
        rng.pick(&["web", "x", "Bad_Name", "", "a-b"])
    );
    out.push_str("spec:\n");
    value(rng, &mut out, 1, 0);
    out
}

fn value(rng: &mut Rng, out: &mut String, indent: usize, depth: usize) {
    const KEYS: &[&str] = &[
        "replicas",
        "selector",
        "matchLabels",
        "matchExpressions",
        "key",
        "operator",
        "values",
        "app",
        "template",
        "metadata",
        "labels",
        "spec",
        "containers",
        "name",
        "image",
        "ports",
        "containerPort",
        "resources",
        "limits",
        "requests",
        "memory",
        "cpu",
        "strategy",
        "type",
        "rollingUpdate",
        "maxSurge",
        "maxUnavailable",
        "readinessProbe",
        "livenessProbe",
        "httpGet",
        "path",
        "port",
        "periodSeconds",
        "failureThreshold",
        "successThreshold",
        "minAvailable",
        "scaleTargetRef",
        "kind",
        "minReplicas",
        "maxReplicas",
        "metrics",
        "behavior",
        "policies",
        "service",
        "requestsPerSecond",
        "startupSeconds",
        "crash",
        "exitCode",
        "env",
        "value",
        "valueFrom",
        "data",
        "stringData",
        "targetPort",
        "selector",
        "restartPolicy",
        "initialDelaySeconds",
        "lifecycle",
        "preStop",
        "exec",
        "command",
    ];
    let pad = "  ".repeat(indent);
    for _ in 0..1 + rng.below(4) {
        let key = rng.pick(KEYS);
        match rng.below(if depth > 5 { 2 } else { 4 }) {
            0 | 1 => out.push_str(&format!("{pad}{key}: {}\n", rng.pick(TOKENS).replace('\n', " "))),
            2 => {
                out.push_str(&format!("{pad}{key}:\n"));
                value(rng, out, indent + 1, depth + 1);
            }
            _ => {
                out.push_str(&format!("{pad}{key}:\n{pad}- "));
                let mut item = String::new();
                value(rng, &mut item, indent + 1, depth + 1);
                out.push_str(item.trim_start());
            }
        }
    }
}

fn case_text(seed: u64) -> String {
    let mut rng = Rng(seed);
    if rng.below(3) == 0 {
        generate(&mut rng)
    } else {
        let seed_text = rng_pick_corpus(&mut rng);
        mutate(&mut rng, seed_text)
    }
}

fn check_case(seed: u64) {
    let mut rng = Rng(seed);
    let text = if rng.below(3) == 0 {
        generate(&mut rng)
    } else {
        let seed_text = rng_pick_corpus(&mut rng);
        mutate(&mut rng, seed_text)
    };
    let first = parse_manifests(&text);
    let second = parse_manifests(&text);
    assert_eq!(first, second, "seed {seed}: not deterministic\n{text}");
    let lines = text.lines().count() as u32 + 1;
    for diagnostic in &first.diagnostics {
        let position = diagnostic.position;
        assert!(
            position.line >= 1 && position.line <= lines && position.column >= 1,
            "seed {seed}: {diagnostic} outside the text\n{text}"
        );
        assert!(
            !diagnostic.message.is_empty() && !diagnostic.message.contains('\0'),
            "seed {seed}: bad message {diagnostic:?}"
        );
    }
}

fn rng_pick_corpus(rng: &mut Rng) -> &'static str {
    CORPUS[rng.below(CORPUS.len())]
}

#[test]
fn parse_default_validate_never_panics_and_is_deterministic() {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    if let Some(seed) = env("KUBELOOP_FUZZ_SEED") {
        eprintln!("case {seed}:\n{}", case_text(seed));
        check_case(seed);
        return;
    }
    let cases = env("KUBELOOP_FUZZ_CASES").unwrap_or(DEFAULT_CASES);
    for seed in 0..cases {
        // A panic inside is reported with the seed that replays it.
        let result = std::panic::catch_unwind(|| check_case(seed));
        if let Err(panic) = result {
            let message =
                panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            panic!("fuzz case failed; replay with KUBELOOP_FUZZ_SEED={seed}: {}", message.unwrap_or_default());
        }
    }
}
