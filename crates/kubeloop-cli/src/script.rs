//! `kubeloop run SCRIPT [--seed N]`: a session script, run headless, its
//! transcript printed: each command echoed as `$ LINE` (heredoc lines
//! follow as typed), then its output. Lines: `kubectl ...` (with
//! `-f FILE` relative to the script, or `-f - <<EOF` ... `EOF`),
//! `fault ...` lines (stop-node, start-node, readiness, liveness, memory,
//! kill, traffic; see kubeloop_kubectl::session), `sleep DURATION`,
//! `# comments` and blank lines (printed as they are).
//! The same script and seed always print the same bytes.

use kubeloop_kubectl::session::{Session, parse_duration};
use std::path::Path;

/// Runs a script; returns the transcript and whether every command worked.
pub fn run(script: &str, base_dir: &Path, seed: u64) -> (String, bool) {
    let mut session = Session::new(seed);
    let read_file = |path: &str| std::fs::read_to_string(base_dir.join(path)).map_err(|e| e.to_string());
    let mut transcript = String::new();
    let mut all_ok = true;
    let mut lines = script.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            transcript.push_str(line);
            transcript.push('\n');
            continue;
        }
        transcript.push_str(&format!("$ {line}\n"));
        let mut words = match split_words(trimmed) {
            Ok(words) => words,
            Err(error) => {
                transcript.push_str(&format!("error: {error}\n"));
                all_ok = false;
                continue;
            }
        };
        // A heredoc: `... <<EOF` then lines up to `EOF`.
        let mut stdin = None;
        if let Some(marker) =
            words.last().and_then(|w| w.strip_prefix("<<")).map(|m| m.trim_matches(['\'', '"']).to_string())
        {
            words.pop();
            let mut body = String::new();
            for body_line in lines.by_ref() {
                transcript.push_str(body_line);
                transcript.push('\n');
                if body_line.trim() == marker {
                    break;
                }
                body.push_str(body_line);
                body.push('\n');
            }
            stdin = Some(body);
        }
        match words.first().map(String::as_str) {
            Some("kubectl") => {
                let answer = session.kubectl(&words[1..], stdin.as_deref(), &read_file);
                transcript.push_str(&answer.output);
                all_ok &= answer.ok;
            }
            Some("fault") => {
                let answer = session.fault(&words[1..]);
                transcript.push_str(&answer.output);
                all_ok &= answer.ok;
            }
            Some("sleep") if words.len() == 2 => match parse_duration(&words[1]) {
                Some(ms) => session.sleep(ms),
                None => {
                    transcript.push_str(&format!("sleep: invalid time interval '{}'\n", words[1]));
                    all_ok = false;
                }
            },
            _ => {
                transcript.push_str("error: unknown script line (the playground runs kubectl commands, fault lines, sleep DURATION and # comments)\n");
                all_ok = false;
            }
        }
    }
    (transcript, all_ok)
}

/// Splits a command line into words, with single and double quotes.
fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err("unterminated quote".to_string());
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_quotes() {
        assert_eq!(
            split_words("kubectl set image deployment/web 'web=nginx:1.27'").unwrap(),
            ["kubectl", "set", "image", "deployment/web", "web=nginx:1.27"]
        );
        assert_eq!(split_words("a \"b c\" d").unwrap(), ["a", "b c", "d"]);
        assert!(split_words("a 'b").is_err());
    }
}
