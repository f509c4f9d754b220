//! Command-line flags as kubectl's (cobra's pflag) parser reads them:
//! `--name=value`, `--name value`, `-n value`, `-nvalue`, `-n=value`,
//! boolean flags alone or as `--flag=true|false`, several boolean shorthands
//! together (`-Aw`), and `--` ending the flags. Anything else is a
//! positional argument, wherever it stands.
//!
//! Each command declares the flags it knows; an unknown one is refused
//! with pflag's wording and cobra's usage hint.

use crate::session::Answer;

/// A flag a command accepts.
#[derive(Clone, Copy, Debug)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    /// A boolean flag takes no value (`--show-labels`).
    pub boolean: bool,
}

impl Flag {
    pub const fn value(long: &'static str, short: Option<char>) -> Flag {
        Flag { long, short, boolean: false }
    }

    pub const fn boolean(long: &'static str, short: Option<char>) -> Flag {
        Flag { long, short, boolean: true }
    }
}

/// The namespace flag every namespaced command has (a global flag in kubectl).
pub const NAMESPACE: Flag = Flag::value("namespace", Some('n'));

/// What a command line said: its positional words and its flags' values
/// (every value given, in order; booleans as `"true"`/`"false"`).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Args {
    pub positional: Vec<String>,
    /// Each flag given, first use first, with its values (a short list
    /// searched in place: a map here cost the bundle its own B-tree code).
    values: Vec<(&'static str, Vec<String>)>,
}

impl Args {
    /// The flag's last value (pflag: a repeated scalar flag keeps the last).
    pub fn value(&self, long: &str) -> Option<&str> {
        self.values(long).last().map(String::as_str)
    }

    /// Every value given for a flag that may repeat (`--image a --image b`).
    pub fn values(&self, long: &str) -> &[String] {
        self.values.iter().find(|(flag, _)| *flag == long).map_or(&[], |(_, values)| values.as_slice())
    }

    fn push(&mut self, long: &'static str, value: String) {
        match self.values.iter_mut().find(|(flag, _)| *flag == long) {
            Some((_, values)) => values.push(value),
            None => self.values.push((long, vec![value])),
        }
    }

    /// A boolean flag: given without `=false`.
    pub fn is_set(&self, long: &str) -> bool {
        self.value(long) == Some("true")
    }

    /// Takes the positional words that `is_change` picks (`KEY=VALUE`
    /// arguments), leaving the others (the objects named).
    pub fn take_positional(&mut self, is_change: impl Fn(&str) -> bool) -> Vec<String> {
        let (taken, kept) = std::mem::take(&mut self.positional).into_iter().partition(|word| is_change(word));
        self.positional = kept;
        taken
    }

    /// `-n/--namespace`, or `default`.
    pub fn namespace(&self) -> &str {
        self.value(NAMESPACE.long).filter(|namespace| !namespace.is_empty()).unwrap_or("default")
    }
}

/// kubectl's message for a bad command line of `command`: the error, then
/// cobra's pointer to the help.
pub fn usage_error(command: &str, message: &str) -> Answer {
    Answer::error(&format!("error: {message}\nSee 'kubectl {command} --help' for usage."))
}

/// Parses `words` against `flags` for `command` (named in the usage hint).
pub fn parse(command: &str, words: &[&str], flags: &[Flag]) -> Result<Args, Answer> {
    let mut args = Args::default();
    let mut rest = words.iter();
    while let Some(&word) = rest.next() {
        if word == "--" {
            args.positional.extend(rest.map(|w| w.to_string()));
            break;
        }
        if let Some(body) = word.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (body, None),
            };
            let Some(flag) = flags.iter().find(|flag| flag.long == name) else {
                return Err(usage_error(command, &format!("unknown flag: --{name}")));
            };
            let value = match (inline, flag.boolean) {
                (Some(value), true) => bool_value(command, &format!("--{name}"), value)?,
                (Some(value), false) => value.to_string(),
                (None, true) => "true".to_string(),
                (None, false) => match rest.next() {
                    Some(value) => value.to_string(),
                    None => return Err(usage_error(command, &format!("flag needs an argument: --{name}"))),
                },
            };
            args.push(flag.long, value);
        } else if let Some(body) = word.strip_prefix('-').filter(|body| !body.is_empty()) {
            parse_shorthands(command, word, body, flags, &mut rest, &mut args)?;
        } else {
            args.positional.push(word.to_string());
        }
    }
    Ok(args)
}

/// `-n value`, `-nvalue`, `-n=value`, `-Aw`.
fn parse_shorthands<'a>(
    command: &str,
    word: &str,
    body: &str,
    flags: &[Flag],
    rest: &mut impl Iterator<Item = &'a &'a str>,
    args: &mut Args,
) -> Result<(), Answer> {
    for (at, short) in body.char_indices() {
        let Some(flag) = flags.iter().find(|flag| flag.short == Some(short)) else {
            return Err(usage_error(command, &format!("unknown shorthand flag: '{short}' in {word}")));
        };
        let after = &body[at + short.len_utf8()..];
        if flag.boolean {
            let value = match after.strip_prefix('=') {
                Some(value) => {
                    args.push(flag.long, bool_value(command, word, value)?);
                    return Ok(());
                }
                None => "true".to_string(),
            };
            args.push(flag.long, value);
            continue;
        }
        let value = if !after.is_empty() {
            after.strip_prefix('=').unwrap_or(after).to_string()
        } else {
            match rest.next() {
                Some(value) => value.to_string(),
                None => return Err(usage_error(command, &format!("flag needs an argument: '{short}' in {word}"))),
            }
        };
        args.push(flag.long, value);
        return Ok(());
    }
    Ok(())
}

/// strconv.ParseBool's spellings.
fn bool_value(command: &str, flag: &str, value: &str) -> Result<String, Answer> {
    match value {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok("true".to_string()),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok("false".to_string()),
        _ => Err(usage_error(
            command,
            &format!(
                "invalid argument \"{value}\" for \"{flag}\" flag: strconv.ParseBool: parsing \"{value}\": invalid syntax"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAGS: &[Flag] = &[
        NAMESPACE,
        Flag::boolean("all-namespaces", Some('A')),
        Flag::boolean("watch", Some('w')),
        Flag::value("output", Some('o')),
        Flag::value("image", None),
    ];

    fn ok(words: &[&str]) -> Args {
        parse("get", words, FLAGS).unwrap_or_else(|answer| panic!("{words:?}: {}", answer.output))
    }

    fn refused(words: &[&str]) -> String {
        parse("get", words, FLAGS).expect_err("refused").output
    }

    #[test]
    fn flags_in_every_spelling() {
        for words in [
            &["pods", "-n", "kube-system"][..],
            &["-n", "kube-system", "pods"],
            &["pods", "-nkube-system"],
            &["pods", "-n=kube-system"],
            &["pods", "--namespace", "kube-system"],
            &["pods", "--namespace=kube-system"],
        ] {
            let args = ok(words);
            assert_eq!(args.positional, ["pods"], "{words:?}");
            assert_eq!(args.namespace(), "kube-system", "{words:?}");
        }
        let args = ok(&["pods", "-Aw", "--image", "a", "--image=b", "-o", "wide", "--", "-x"]);
        assert!(args.is_set("all-namespaces") && args.is_set("watch"));
        assert_eq!(args.values("image"), ["a", "b"]);
        assert_eq!(args.value("output"), Some("wide"));
        assert_eq!(args.positional, ["pods", "-x"]);
        assert!(!ok(&["--all-namespaces=false"]).is_set("all-namespaces"));
        assert_eq!(ok(&["pods"]).namespace(), "default");
    }

    #[test]
    fn bad_flags_get_kubectls_words() {
        let hint = "\nSee 'kubectl get --help' for usage.\n";
        assert_eq!(refused(&["pods", "--bogus"]), format!("error: unknown flag: --bogus{hint}"));
        assert_eq!(refused(&["pods", "-x"]), format!("error: unknown shorthand flag: 'x' in -x{hint}"));
        assert_eq!(refused(&["pods", "-Ax"]), format!("error: unknown shorthand flag: 'x' in -Ax{hint}"));
        assert_eq!(refused(&["pods", "-n"]), format!("error: flag needs an argument: 'n' in -n{hint}"));
        assert_eq!(refused(&["pods", "--output"]), format!("error: flag needs an argument: --output{hint}"));
        assert_eq!(
            refused(&["--watch=maybe"]),
            format!(
                "error: invalid argument \"maybe\" for \"--watch\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax{hint}"
            )
        );
    }
}
