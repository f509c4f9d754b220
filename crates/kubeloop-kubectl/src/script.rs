//! `kubeloop run SCRIPT [--seed N]`: a session script, run headless, its
//! transcript printed: each command echoed as `$ LINE` (heredoc lines
//! follow as typed), then its output. Lines: `kubectl ...` (with
//! `-f FILE` relative to the script, or `-f - <<EOF` ... `EOF`),
//! `fault ...` lines (stop-node, start-node, readiness, liveness, memory,
//! kill, traffic; see kubeloop_kubectl::session), `sleep DURATION`,
//! `# comments` and blank lines (printed as they are).
//! The same script and seed always print the same bytes.
//!
//! The CLI (`kubeloop run`) and the browser share this runner: the page
//! keeps its session as a script of this language, so a reload replays it
//! into the same world.

use crate::session::{Answer, Session, parse_duration};

/// One piece of a script, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// A blank line or a `#` comment, printed as it is.
    Text(&'a str),
    /// A command: its line as typed, the heredoc lines that followed it
    /// (up to and with the end marker) and what it means.
    Command { line: &'a str, heredoc: Vec<&'a str>, parsed: Result<Command, String> },
}

/// A command line split into words, with its heredoc's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<String>,
    pub stdin: Option<String>,
}

/// Reads a script into its lines and commands (a heredoc's body belongs to
/// the command that opened it).
pub fn parse(script: &str) -> Vec<Line<'_>> {
    let mut parsed = Vec::new();
    let mut lines = script.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            parsed.push(Line::Text(line));
            continue;
        }
        let mut words = match split_words(trimmed) {
            Ok(words) => words,
            Err(error) => {
                parsed.push(Line::Command { line, heredoc: Vec::new(), parsed: Err(error) });
                continue;
            }
        };
        // A heredoc: `... <<EOF` then lines up to `EOF`.
        let mut stdin = None;
        let mut heredoc = Vec::new();
        if let Some(marker) =
            words.last().and_then(|w| w.strip_prefix("<<")).map(|m| m.trim_matches(['\'', '"']).to_string())
        {
            words.pop();
            let mut body = String::new();
            for body_line in lines.by_ref() {
                heredoc.push(body_line);
                if body_line.trim() == marker {
                    break;
                }
                body.push_str(body_line);
                body.push('\n');
            }
            stdin = Some(body);
        }
        parsed.push(Line::Command { line, heredoc, parsed: Ok(Command { words, stdin }) });
    }
    parsed
}

/// Runs one command: `kubectl ...`, `fault ...` or `sleep DURATION`.
pub fn execute(session: &mut Session, command: &Command, read_file: &dyn Fn(&str) -> Result<String, String>) -> Answer {
    let words = &command.words;
    match words.first().map(String::as_str) {
        Some("kubectl") => session.kubectl(&words[1..], command.stdin.as_deref(), read_file),
        Some("fault") => session.fault(&words[1..]),
        Some("sleep") if words.len() == 2 => match parse_duration(&words[1]) {
            Some(ms) => {
                session.sleep(ms);
                Answer::ok(String::new())
            }
            None => Answer::error(&format!("sleep: invalid time interval '{}'", words[1])),
        },
        _ => Answer::error(
            "error: unknown script line (the playground runs kubectl commands, fault lines, sleep DURATION and # comments)",
        ),
    }
}

/// Runs a script on `session`; returns the transcript and whether every
/// command worked. `read_file` reads the files named with `-f`.
pub fn run(session: &mut Session, script: &str, read_file: &dyn Fn(&str) -> Result<String, String>) -> (String, bool) {
    let mut transcript = String::new();
    let mut all_ok = true;
    for line in parse(script) {
        match line {
            Line::Text(text) => {
                transcript.push_str(text);
                transcript.push('\n');
            }
            Line::Command { line, heredoc, parsed } => {
                transcript.push_str(&format!("$ {line}\n"));
                for body_line in heredoc {
                    transcript.push_str(body_line);
                    transcript.push('\n');
                }
                let answer = match parsed {
                    Ok(command) => execute(session, &command, read_file),
                    Err(error) => Answer::error(&format!("error: {error}")),
                };
                transcript.push_str(&answer.output);
                all_ok &= answer.ok;
            }
        }
    }
    (transcript, all_ok)
}

/// Splits a command line into words, with single and double quotes.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
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
