//! YAML highlighting for the editor's backdrop, free of the browser
//! (natively tested).
//!
//! A line-by-line tokenizer, not a parser: it colours what a reader tells
//! apart at a glance (keys, strings, numbers, booleans and null, comments,
//! document markers, anchors, aliases and tags, list dashes, punctuation)
//! and carries only one piece of state between lines, whether a block
//! scalar (`|`, `>`) is open. Every byte of a line lands in exactly one
//! token, so the backdrop shows the same characters as the textarea.

/// What a token is; `Plain` is uncoloured (spaces, text we do not classify).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Plain,
    Key,
    String,
    Number,
    /// `true`, `false`, `null`, `~`.
    Atom,
    Comment,
    /// `---` and `...`.
    Marker,
    /// `&anchor`, `*alias` and `!tag`.
    Anchor,
    /// A block sequence's `-`.
    Dash,
    /// `:`, `,`, `{`, `}`, `[`, `]`, `|`, `>`.
    Punct,
}

impl Class {
    /// The CSS class (short: each one is repeated on every token).
    pub fn css(self) -> &'static str {
        match self {
            Class::Plain => "",
            Class::Key => "y-k",
            Class::String => "y-s",
            Class::Number => "y-n",
            Class::Atom => "y-b",
            Class::Comment => "y-c",
            Class::Marker => "y-m",
            Class::Anchor => "y-a",
            Class::Dash => "y-d",
            Class::Punct => "y-p",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    pub class: Class,
    pub text: &'a str,
}

/// The tokens of every line of `text` (split at `\n`, as the textarea
/// shows it).
pub fn highlight(text: &str) -> Vec<Vec<Token<'_>>> {
    let mut block: Option<usize> = None;
    text.split('\n')
        .map(|line| {
            let indent = line.len() - line.trim_start_matches(' ').len();
            if let Some(parent) = block {
                if line.trim().is_empty() || indent > parent {
                    return vec![Token { class: Class::String, text: line }];
                }
                block = None;
            }
            let (tokens, opens_block) = line_tokens(line);
            if opens_block {
                block = Some(indent);
            }
            tokens
        })
        .collect()
}

/// One line's tokens, and whether it opens a block scalar.
fn line_tokens(line: &str) -> (Vec<Token<'_>>, bool) {
    let mut lexer = Lexer { line, bytes: line.as_bytes(), at: 0, tokens: Vec::new(), flow: 0, opens_block: false };
    lexer.run();
    (lexer.tokens, lexer.opens_block)
}

struct Lexer<'a> {
    line: &'a str,
    bytes: &'a [u8],
    at: usize,
    tokens: Vec<Token<'a>>,
    /// Depth of `{`/`[` nesting.
    flow: usize,
    opens_block: bool,
}

fn is_flow_char(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

impl<'a> Lexer<'a> {
    fn push(&mut self, class: Class, end: usize) {
        if end > self.at {
            let text = &self.line[self.at..end];
            match self.tokens.last_mut() {
                // Neighbouring plain runs merge: fewer nodes to render.
                Some(last) if last.class == Class::Plain && class == Class::Plain => {
                    last.text = &self.line[self.at - last.text.len()..end];
                }
                _ => self.tokens.push(Token { class, text }),
            }
            self.at = end;
        }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    /// Whether the byte at `at` ends a token: a space, the line's end or,
    /// inside a flow collection, a flow character.
    fn ends_at(&self, at: usize) -> bool {
        match self.byte(at) {
            None | Some(b' ' | b'\t' | b'\r') => true,
            Some(b) => self.flow > 0 && is_flow_char(b),
        }
    }

    fn run(&mut self) {
        let len = self.bytes.len();
        if (self.line.starts_with("---") || self.line.starts_with("...")) && self.ends_at(3) {
            self.push(Class::Marker, 3);
        }
        // Only indentation and dashes so far: a `-` here starts an item.
        let mut line_start = true;
        while self.at < len {
            let b = self.bytes[self.at];
            let after_space = self.at == 0 || matches!(self.bytes[self.at - 1], b' ' | b'\t');
            match b {
                b' ' | b'\t' | b'\r' => {
                    let end = self.scan(|b| matches!(b, b' ' | b'\t' | b'\r'));
                    self.push(Class::Plain, end);
                    continue;
                }
                b'#' if after_space => self.push(Class::Comment, len),
                b'-' if line_start && self.flow == 0 && self.ends_at(self.at + 1) => {
                    self.push(Class::Dash, self.at + 1);
                    continue;
                }
                b'&' | b'*' | b'!' => {
                    let end = self.scan_word();
                    self.push(Class::Anchor, end);
                }
                b'|' | b'>' if self.flow == 0 && self.ends_at(self.block_header_end()) => {
                    let end = self.block_header_end();
                    self.opens_block = true;
                    self.push(Class::Punct, end);
                }
                b'"' | b'\'' => {
                    let end = self.scan_quoted(b);
                    let class = if self.key_follows(end) { Class::Key } else { Class::String };
                    self.push(class, end);
                }
                b'{' | b'[' => {
                    self.flow += 1;
                    self.push(Class::Punct, self.at + 1);
                }
                b'}' | b']' => {
                    self.flow = self.flow.saturating_sub(1);
                    self.push(Class::Punct, self.at + 1);
                }
                b',' if self.flow > 0 => self.push(Class::Punct, self.at + 1),
                b':' if self.ends_at(self.at + 1) => self.push(Class::Punct, self.at + 1),
                _ => self.plain_scalar(),
            }
            line_start = false;
        }
    }

    /// The end of the run of bytes from `at` (exclusive of it) that `keep`.
    fn scan(&self, keep: impl Fn(u8) -> bool) -> usize {
        let mut end = self.at + 1;
        while end < self.bytes.len() && keep(self.bytes[end]) {
            end += 1;
        }
        end
    }

    /// The end of a block scalar's header (`|`, `>-`, `|2+`...).
    fn block_header_end(&self) -> usize {
        self.scan(|b| b.is_ascii_digit() || b == b'+' || b == b'-')
    }

    fn scan_word(&self) -> usize {
        let mut end = self.at + 1;
        while !self.ends_at(end) {
            end += 1;
        }
        end
    }

    /// The end of a quoted string (after its closing quote, or the line's
    /// end if it does not close on this line).
    fn scan_quoted(&self, quote: u8) -> usize {
        let mut end = self.at + 1;
        while let Some(b) = self.byte(end) {
            end += 1;
            if b == b'\\' && quote == b'"' {
                end = (end + 1).min(self.bytes.len());
            } else if b == quote {
                // '' inside single quotes is an escaped quote.
                if quote == b'\'' && self.byte(end) == Some(b'\'') {
                    end += 1;
                    continue;
                }
                return end;
            }
        }
        self.bytes.len()
    }

    /// Whether a `:` that makes what ends at `end` a key comes next.
    fn key_follows(&self, end: usize) -> bool {
        let mut at = end;
        while matches!(self.byte(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        self.byte(at) == Some(b':') && (self.ends_at(at + 1) || self.flow > 0)
    }

    /// A plain scalar: up to `: `, ` #` or (in flow) a flow character.
    fn plain_scalar(&mut self) {
        let mut end = self.at;
        let mut is_key = false;
        while let Some(b) = self.byte(end) {
            if b == b':' && self.ends_at(end + 1) {
                is_key = true;
                break;
            }
            if b == b'#' && end > self.at && matches!(self.bytes[end - 1], b' ' | b'\t') {
                break;
            }
            if self.flow > 0 && is_flow_char(b) {
                break;
            }
            end += 1;
        }
        // Trailing spaces are plain, not part of the value.
        let mut value_end = end;
        while value_end > self.at && matches!(self.bytes[value_end - 1], b' ' | b'\t' | b'\r') {
            value_end -= 1;
        }
        let class = if is_key { Class::Key } else { scalar_class(&self.line[self.at..value_end]) };
        self.push(class, value_end.max(self.at + 1));
    }
}

/// A plain scalar's class under YAML 1.2's core schema (what the engine's
/// parser reads).
pub fn scalar_class(text: &str) -> Class {
    match text {
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" | "null" | "Null" | "NULL" | "~" => Class::Atom,
        _ if is_number(text) => Class::Number,
        _ => Class::String,
    }
}

fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(octal) = unsigned.strip_prefix("0o") {
        return !octal.is_empty() && octal.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    // Digits, at most one point, an optional exponent; at least one digit.
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    let points = mantissa.bytes().filter(|&b| b == b'.').count();
    let mantissa_ok = digits > 0 && points <= 1 && digits + points == mantissa.len();
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line's tokens as `class:text`, plain runs as bare text.
    fn show(line: &str) -> Vec<String> {
        let lines = highlight(line);
        lines[0]
            .iter()
            .map(|t| match t.class {
                Class::Plain => t.text.to_string(),
                class => format!("{}:{}", class.css().trim_start_matches("y-"), t.text),
            })
            .collect()
    }

    #[test]
    fn keys_values_and_their_kinds() {
        assert_eq!(show("replicas: 2"), ["k:replicas", "p::", " ", "n:2"]);
        assert_eq!(show("  image: myrepo/demo-api:1.0.0"), ["  ", "k:image", "p::", " ", "s:myrepo/demo-api:1.0.0"]);
        assert_eq!(show("paused: true"), ["k:paused", "p::", " ", "b:true"]);
        assert_eq!(show("x: ~"), ["k:x", "p::", " ", "b:~"]);
        assert_eq!(show("cpu: 0.5"), ["k:cpu", "p::", " ", "n:0.5"]);
        assert_eq!(show("memory: 128Mi"), ["k:memory", "p::", " ", "s:128Mi"]);
        assert_eq!(show("spec:"), ["k:spec", "p::"]);
    }

    #[test]
    fn strings_comments_and_markers() {
        assert_eq!(show("name: \"a: b # c\"  # why"), ["k:name", "p::", " ", "s:\"a: b # c\"", "  ", "c:# why"]);
        assert_eq!(show("v: 'it''s'"), ["k:v", "p::", " ", "s:'it''s'"]);
        assert_eq!(show("\"quoted key\": 1"), ["k:\"quoted key\"", "p::", " ", "n:1"]);
        assert_eq!(show("# just a comment"), ["c:# just a comment"]);
        assert_eq!(show("url: http://x#frag"), ["k:url", "p::", " ", "s:http://x#frag"]);
        assert_eq!(show("---"), ["m:---"]);
        assert_eq!(show("--- # doc"), ["m:---", " ", "c:# doc"]);
        assert_eq!(show("..."), ["m:..."]);
        assert_eq!(show("----"), ["s:----"]);
    }

    #[test]
    fn list_dashes_anchors_and_flow_collections() {
        assert_eq!(show("- name: web"), ["d:-", " ", "k:name", "p::", " ", "s:web"]);
        assert_eq!(show("  - - 1"), ["  ", "d:-", " ", "d:-", " ", "n:1"]);
        assert_eq!(show("- -1"), ["d:-", " ", "n:-1"]);
        assert_eq!(
            show("base: &defaults {a: 1, b: [x, true]}").concat(),
            "k:basep:: a:&defaults p:{k:ap:: n:1p:, k:bp:: p:[s:xp:, b:truep:]p:}"
        );
        assert_eq!(show("<<: *defaults"), ["k:<<", "p::", " ", "a:*defaults"]);
        assert_eq!(show("v: !!str 1"), ["k:v", "p::", " ", "a:!!str", " ", "n:1"]);
    }

    #[test]
    fn block_scalars_are_strings_until_the_indent_returns() {
        let lines = highlight("script: |\n  echo: hi\n\n  # not a comment\nnext: 1");
        assert_eq!(lines[0].last().map(|t| (t.class, t.text)), Some((Class::Punct, "|")));
        assert_eq!(lines[1], [Token { class: Class::String, text: "  echo: hi" }]);
        assert_eq!(lines[2], [Token { class: Class::String, text: "" }]);
        assert_eq!(lines[3][0].class, Class::String);
        assert_eq!(lines[4][0], Token { class: Class::Key, text: "next" });
        assert_eq!(highlight("a: >-\n  b")[1][0].class, Class::String);
        assert_eq!(show("a: >b"), ["k:a", "p::", " ", "s:>b"]);
    }

    #[test]
    fn numbers_follow_the_core_schema() {
        for number in ["0", "-3", "+7", "1.5", ".5", "1e3", "2.5E-4", "0x1F", "0o17", ".inf", "-.inf", ".nan"] {
            assert_eq!(scalar_class(number), Class::Number, "{number}");
        }
        for string in ["1.2.3", "1e", "0x", "abc", "-", ".", "12:30", "1_000", "yes", "on"] {
            assert_eq!(scalar_class(string), Class::String, "{string}");
        }
    }

    #[test]
    fn every_byte_is_in_exactly_one_token() {
        let text = format!(
            "{}\n\tweird: [a, {{b: c}}\n'open\n- \"esc \\\" q\": x #c\nk:v\n: x\r\n",
            kubeloop_engine::DEMO_MANIFESTS
        );
        let lines = highlight(&text);
        assert_eq!(lines.len(), text.split('\n').count());
        for (tokens, line) in lines.iter().zip(text.split('\n')) {
            assert_eq!(tokens.iter().map(|t| t.text).collect::<String>(), line);
            assert!(tokens.iter().all(|t| !t.text.is_empty()), "{tokens:?}");
        }
    }

    #[test]
    fn non_ascii_text_stays_whole() {
        assert_eq!(show("note: héllo wörld 😀"), ["k:note", "p::", " ", "s:héllo wörld 😀"]);
        assert_eq!(show("ключ: значение"), ["k:ключ", "p::", " ", "s:значение"]);
    }
}
