//! The editor's line arithmetic, free of the browser (natively tested).
//!
//! Lines are what a `<textarea wrap="off">` shows: the text split at `\n`, so
//! a trailing newline starts one more (empty) line and empty text is one line.
//! Positions are the engine's: 1-based lines, 1-based columns in characters.
//! The browser counts caret offsets in UTF-16 code units.

use kubeloop_engine::{Diagnostic, Severity};

/// The text's lines as the textarea shows them (never empty).
pub fn split_lines(text: &str) -> Vec<&str> {
    text.split('\n').collect()
}

/// How many lines the textarea shows for `text` (at least 1).
pub fn line_count(text: &str) -> usize {
    text.bytes().filter(|&b| b == b'\n').count() + 1
}

/// `line` (1-based) clamped into `1..=line_count`, so a position past the end
/// lands on the last line instead of nowhere.
pub fn clamp_line(line: u32, line_count: usize) -> usize {
    (line as usize).clamp(1, line_count.max(1))
}

/// What the gutter shows on one line: the worst severity among the line's
/// diagnostics and their messages, in column order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineMark {
    pub severity: Severity,
    /// One entry per diagnostic: `error: MESSAGE` or `warning: MESSAGE`.
    pub messages: Vec<String>,
    /// The column of each message, to keep them in order.
    columns: Vec<u32>,
}

impl LineMark {
    /// The tooltip: one message per line.
    pub fn title(&self) -> String {
        self.messages.join("\n")
    }
}

/// One entry per line of a `line_count`-line text: the line's mark, if any
/// diagnostic points at it. An error outranks a warning on the same line.
/// Diagnostics outside the text are put on the nearest line.
pub fn line_marks(diagnostics: &[Diagnostic], line_count: usize) -> Vec<Option<LineMark>> {
    let mut marks: Vec<Option<LineMark>> = vec![None; line_count.max(1)];
    for diagnostic in diagnostics {
        let message = format!("{}: {}", diagnostic.severity.as_str(), diagnostic.message);
        let column = diagnostic.position.column;
        match &mut marks[clamp_line(diagnostic.position.line, line_count) - 1] {
            Some(mark) => {
                mark.severity = mark.severity.min(diagnostic.severity);
                // After those at the same column: the engine's order breaks ties.
                let at = mark.columns.partition_point(|&c| c <= column);
                mark.columns.insert(at, column);
                mark.messages.insert(at, message);
            }
            slot @ None => {
                *slot = Some(LineMark { severity: diagnostic.severity, messages: vec![message], columns: vec![column] })
            }
        }
    }
    marks
}

/// The caret offset (UTF-16 code units, as `selectionStart` counts) of a
/// 1-based line and character column in `text`. Out-of-range positions are
/// clamped: line 0 is line 1, a line past the end is the last line, column 0
/// is column 1 and a column past the end of its line is the line's end.
pub fn utf16_offset(text: &str, line: u32, column: u32) -> u32 {
    let line = clamp_line(line, line_count(text));
    let mut offset = 0;
    let mut rest = text;
    for _ in 1..line {
        // `line` is within the text, so there is a newline to skip.
        let Some(end) = rest.find('\n') else { break };
        offset += utf16_len(&rest[..end]) + 1;
        rest = &rest[end + 1..];
    }
    let current = rest.split('\n').next().unwrap_or_default();
    let skip = (column as usize).max(1) - 1;
    offset += current.chars().take(skip).map(char::len_utf16).sum::<usize>();
    u32::try_from(offset).unwrap_or(u32::MAX)
}

fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeloop_engine::Position;

    fn diagnostic(severity: Severity, line: u32, column: u32, message: &str) -> Diagnostic {
        Diagnostic { severity, position: Position { line, column }, message: message.into() }
    }

    #[test]
    fn lines_are_what_the_textarea_shows() {
        assert_eq!(split_lines(""), [""]);
        assert_eq!(split_lines("a"), ["a"]);
        assert_eq!(split_lines("a\nb"), ["a", "b"]);
        assert_eq!(split_lines("a\nb\n"), ["a", "b", ""]);
        assert_eq!(split_lines("\n\n"), ["", "", ""]);
        for text in ["", "a", "a\nb", "a\nb\n", "\n\n", "é\n😀\n"] {
            assert_eq!(line_count(text), split_lines(text).len(), "{text:?}");
        }
    }

    #[test]
    fn lines_are_clamped_into_the_text() {
        assert_eq!(clamp_line(0, 3), 1);
        assert_eq!(clamp_line(2, 3), 2);
        assert_eq!(clamp_line(9, 3), 3);
        assert_eq!(clamp_line(5, 0), 1);
    }

    #[test]
    fn marks_group_by_line_and_errors_win() {
        let diagnostics = [
            diagnostic(Severity::Warning, 2, 9, "second on 2"),
            diagnostic(Severity::Warning, 4, 1, "only a warning"),
            diagnostic(Severity::Error, 2, 3, "first on 2"),
        ];
        let marks = line_marks(&diagnostics, 5);
        assert_eq!(marks.len(), 5);
        assert_eq!(marks[0], None);
        let two = marks[1].as_ref().unwrap();
        assert_eq!(two.severity, Severity::Error);
        assert_eq!(two.messages, ["error: first on 2", "warning: second on 2"]);
        assert_eq!(two.title(), "error: first on 2\nwarning: second on 2");
        assert_eq!(marks[3].as_ref().unwrap().severity, Severity::Warning);
        assert_eq!(marks[2], None);
        assert_eq!(marks[4], None);
    }

    #[test]
    fn messages_at_the_same_column_keep_the_engines_order() {
        let diagnostics = [
            diagnostic(Severity::Error, 1, 4, "b"),
            diagnostic(Severity::Error, 1, 4, "c"),
            diagnostic(Severity::Error, 1, 2, "a"),
        ];
        assert_eq!(line_marks(&diagnostics, 1)[0].as_ref().unwrap().messages, ["error: a", "error: b", "error: c"]);
    }

    #[test]
    fn an_error_after_a_warning_on_the_same_line_still_wins() {
        let diagnostics = [diagnostic(Severity::Warning, 1, 1, "w"), diagnostic(Severity::Error, 1, 5, "e")];
        assert_eq!(line_marks(&diagnostics, 1)[0].as_ref().unwrap().severity, Severity::Error);
    }

    #[test]
    fn marks_outside_the_text_land_on_the_nearest_line() {
        let diagnostics = [diagnostic(Severity::Error, 0, 0, "before"), diagnostic(Severity::Warning, 99, 1, "after")];
        let marks = line_marks(&diagnostics, 2);
        assert_eq!(marks[0].as_ref().unwrap().messages, ["error: before"]);
        assert_eq!(marks[1].as_ref().unwrap().messages, ["warning: after"]);
        assert_eq!(line_marks(&[], 0), [None]);
    }

    #[test]
    fn offsets_count_utf16_units_from_line_and_column() {
        let text = "kind: Deployment\nspec:\n  replicas: two\n";
        assert_eq!(utf16_offset(text, 1, 1), 0);
        assert_eq!(utf16_offset(text, 1, 7), 6);
        assert_eq!(utf16_offset(text, 2, 1), 17);
        assert_eq!(utf16_offset(text, 3, 13), 17 + 6 + 12);
        assert_eq!(&text[utf16_offset(text, 3, 13) as usize..], "two\n");
        // The empty line after the trailing newline.
        assert_eq!(utf16_offset(text, 4, 1), text.len() as u32);
    }

    #[test]
    fn offsets_count_characters_in_columns_and_utf16_units_in_offsets() {
        // 'é' is one UTF-16 unit (two UTF-8 bytes); '😀' is two units.
        let text = "é😀x\nab";
        assert_eq!(utf16_offset(text, 1, 2), 1);
        assert_eq!(utf16_offset(text, 1, 3), 3);
        assert_eq!(utf16_offset(text, 1, 4), 4);
        assert_eq!(utf16_offset(text, 2, 1), 5);
        assert_eq!(utf16_offset(text, 2, 2), 6);
    }

    #[test]
    fn offsets_clamp_out_of_range_positions() {
        let text = "abc\nde";
        assert_eq!(utf16_offset(text, 0, 0), 0);
        assert_eq!(utf16_offset(text, 1, 99), 3, "past the line's end is its end, not the next line");
        assert_eq!(utf16_offset(text, 9, 1), 4, "past the last line is the last line");
        assert_eq!(utf16_offset(text, 9, 99), 6);
        assert_eq!(utf16_offset("", 3, 3), 0);
        assert_eq!(utf16_offset("a\r\nb", 1, 9), 2, "a stray carriage return is part of its line");
    }
}
