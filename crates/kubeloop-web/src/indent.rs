//! Tab and Shift-Tab in the editor, free of the browser (natively tested).
//!
//! Offsets are what `selectionStart`/`selectionEnd` count: UTF-16 code
//! units. An edit is one replaced range, so the browser can apply it as one
//! undoable insertion.

/// Two spaces: YAML's usual indent.
pub const INDENT: &str = "  ";

/// Replace `from..to` (UTF-16 offsets into the old text) with `insert`,
/// then select `start..end` (offsets into the new text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub from: u32,
    pub to: u32,
    pub insert: String,
    pub start: u32,
    pub end: u32,
}

impl Edit {
    /// The text after the edit.
    pub fn apply(&self, text: &str) -> String {
        let (from, to) = (byte_of(text, self.from), byte_of(text, self.to));
        format!("{}{}{}", &text[..from], self.insert, &text[to..])
    }
}

/// Tab: with no selection, two spaces at the caret; otherwise two more at
/// the start of every non-empty line the selection touches (a selection
/// that ends at the start of a line does not touch that line).
pub fn indent(text: &str, start: u32, end: u32) -> Edit {
    let (start, end) = ordered(text, start, end);
    if start == end {
        let at = utf16_of(text, start);
        return Edit { from: at, to: at, insert: INDENT.into(), start: at + 2, end: at + 2 };
    }
    let (first, last) = touched(text, start, end);
    let block = &text[first..last];
    let mut insert = String::with_capacity(block.len() + 16);
    let mut added_before_end = 0;
    for (index, line) in block.split('\n').enumerate() {
        if index > 0 {
            insert.push('\n');
        }
        if !line.is_empty() {
            insert.push_str(INDENT);
            added_before_end += 2;
        }
        insert.push_str(line);
    }
    // The first line's start stays put when the selection began there, so
    // whole selected lines stay selected.
    let first_grew = !block.starts_with('\n') && !block.is_empty();
    let start_shift = if first_grew && start > first { 2 } else { 0 };
    Edit {
        from: utf16_of(text, first),
        to: utf16_of(text, last),
        insert,
        start: utf16_of(text, start) + start_shift,
        end: utf16_of(text, end) + added_before_end,
    }
}

/// Shift-Tab: up to two leading spaces off every line the selection (or
/// the caret) touches. `None` when no line starts with a space.
pub fn dedent(text: &str, start: u32, end: u32) -> Option<Edit> {
    let (start, end) = ordered(text, start, end);
    let (first, last) = touched(text, start, end);
    let block = &text[first..last];
    let mut insert = String::with_capacity(block.len());
    let (mut removed_before_start, mut removed_before_end) = (0u32, 0u32);
    let mut line_start = first;
    for (index, line) in block.split('\n').enumerate() {
        if index > 0 {
            insert.push('\n');
        }
        let spaces = line.bytes().take(INDENT.len()).take_while(|&b| b == b' ').count();
        // An offset inside the removed spaces moves to the line's start.
        let lost = |offset: usize| offset.saturating_sub(line_start).min(spaces) as u32;
        if start >= line_start {
            removed_before_start += lost(start);
        }
        if end >= line_start {
            removed_before_end += lost(end);
        }
        insert.push_str(&line[spaces..]);
        line_start += line.len() + 1;
    }
    if insert.len() == block.len() {
        return None;
    }
    Some(Edit {
        from: utf16_of(text, first),
        to: utf16_of(text, last),
        insert,
        start: utf16_of(text, start) - removed_before_start,
        end: utf16_of(text, end) - removed_before_end,
    })
}

/// The selection as byte offsets, in order and inside the text.
fn ordered(text: &str, start: u32, end: u32) -> (usize, usize) {
    let (a, b) = (byte_of(text, start), byte_of(text, end));
    (a.min(b), a.max(b))
}

/// The byte range of the lines `start..end` touches: from the start of
/// `start`'s line to the end of the last touched line (before its newline).
fn touched(text: &str, start: usize, end: usize) -> (usize, usize) {
    let first = text[..start].rfind('\n').map_or(0, |at| at + 1);
    // Ending at the very start of a later line leaves that line alone.
    let end = if end > start && end > first && text[..end].ends_with('\n') { end - 1 } else { end };
    let last = text[end..].find('\n').map_or(text.len(), |at| end + at);
    (first, last.max(first))
}

/// The byte offset of a UTF-16 offset (clamped to the text; an offset
/// inside a surrogate pair rounds down to the character's start).
pub fn byte_of(text: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (byte, c) in text.char_indices() {
        if units + c.len_utf16() as u32 > utf16 {
            return byte;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// The UTF-16 offset of a byte offset (on a character boundary).
pub fn utf16_of(text: &str, byte: usize) -> u32 {
    text[..byte].chars().map(|c| c.len_utf16() as u32).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `f` on a text where `[` and `]` mark the selection (`|` a
    /// caret) and shows the result the same way.
    fn run(marked: &str, f: impl Fn(&str, u32, u32) -> Option<Edit>) -> String {
        let (text, start, end) = unmark(marked);
        let Some(edit) = f(&text, start, end) else { return "unchanged".into() };
        let after = edit.apply(&text);
        mark(&after, edit.start, edit.end)
    }

    fn unmark(marked: &str) -> (String, u32, u32) {
        let start = marked.find(['[', '|']).unwrap();
        let caret = marked.contains('|');
        let text: String = marked.chars().filter(|c| !matches!(c, '[' | ']' | '|')).collect();
        let end = if caret { start } else { marked.find(']').unwrap() - 1 };
        (text.clone(), utf16_of(&text, start), utf16_of(&text, end))
    }

    fn mark(text: &str, start: u32, end: u32) -> String {
        let (s, e) = (byte_of(text, start), byte_of(text, end));
        if s == e {
            return format!("{}|{}", &text[..s], &text[s..]);
        }
        format!("{}[{}]{}", &text[..s], &text[s..e], &text[e..])
    }

    fn tab(marked: &str) -> String {
        run(marked, |t, s, e| Some(indent(t, s, e)))
    }

    fn shift_tab(marked: &str) -> String {
        run(marked, dedent)
    }

    #[test]
    fn tab_at_a_caret_inserts_two_spaces() {
        assert_eq!(tab("a:|\nb"), "a:  |\nb");
        assert_eq!(tab("|"), "  |");
    }

    #[test]
    fn tab_over_a_selection_indents_every_touched_line() {
        assert_eq!(tab("a:\n[b: 1\nc: 2]\nd"), "a:\n[  b: 1\n  c: 2]\nd");
        assert_eq!(tab("x[b: 1\nc]: 2"), "  x[b: 1\n  c]: 2");
        // Inside one line: the line is indented, the selection kept.
        assert_eq!(tab("key: [val]ue"), "  key: [val]ue");
        // Ending at a line's start leaves that line alone.
        assert_eq!(tab("[a\nb\n]c"), "[  a\n  b\n]c");
        // Empty lines get no trailing spaces.
        assert_eq!(tab("[a\n\nb]"), "[  a\n\n  b]");
    }

    #[test]
    fn shift_tab_removes_up_to_two_spaces_per_line() {
        assert_eq!(shift_tab("    a|"), "  a|");
        assert_eq!(shift_tab(" |a"), "|a");
        assert_eq!(shift_tab("[  a\n b\nc]"), "[a\nb\nc]");
        assert_eq!(shift_tab("  x: [1\n    y]: 2"), "x: [1\n  y]: 2");
        // A caret inside the removed spaces goes to the line's start.
        assert_eq!(shift_tab(" | a"), "|a");
        assert_eq!(shift_tab("a|\nb"), "unchanged");
    }

    #[test]
    fn a_backwards_selection_is_put_in_order() {
        let text = "a\nb";
        let edit = indent(text, 3, 0);
        assert_eq!((edit.apply(text).as_str(), edit.start, edit.end), ("  a\n  b", 0, 7));
    }

    #[test]
    fn offsets_are_utf16_units() {
        // '😀' is two UTF-16 units and four bytes.
        assert_eq!(tab("😀\n[é\nx]"), "😀\n[  é\n  x]");
        assert_eq!(shift_tab("😀 \n  é|"), "😀 \né|");
        assert_eq!(byte_of("😀a", 1), 0, "inside a surrogate pair rounds down");
        assert_eq!(byte_of("😀a", 9), 5);
        let edit = indent("😀\nx", 4, 4);
        assert_eq!((edit.from, edit.start), (4, 6));
    }
}
