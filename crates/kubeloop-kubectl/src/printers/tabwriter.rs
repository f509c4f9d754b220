//! Go's `text/tabwriter` as kubectl configures it (no flags, pad char space).
//!
//! Text is a sequence of lines; a line is a sequence of cells separated by
//! TAB. Every cell that a TAB terminates belongs to a column; the last cell of
//! a line does not and is written as it is. A *column block* is a maximal run
//! of consecutive lines that all have a TAB-terminated cell in that column;
//! within a block the column is as wide as its widest cell plus the padding,
//! but never narrower than the minimum width. Widths count characters (Go
//! counts runes).
//!
//! Two configurations matter: `kubectl get` (min width 6, padding 3) and
//! describe / rollout history's `tabbedString` (min width 0, padding 2).

/// A tabwriter: text goes in with [`TabWriter::write`], is aligned on
/// [`TabWriter::flush`] (blocks never span a flush) and comes out of
/// [`TabWriter::finish`].
#[derive(Clone, Debug)]
pub struct TabWriter {
    min_width: usize,
    padding: usize,
    pending: String,
    out: String,
}

impl TabWriter {
    pub fn new(min_width: usize, padding: usize) -> TabWriter {
        TabWriter { min_width, padding, pending: String::new(), out: String::new() }
    }

    /// `kubectl get`'s table writer: min width 6, padding 3.
    pub fn get() -> TabWriter {
        TabWriter::new(6, 3)
    }

    /// kubectl's `tabbedString` (describe, rollout history): min width 0,
    /// padding 2.
    pub fn tabbed() -> TabWriter {
        TabWriter::new(0, 2)
    }

    pub fn write(&mut self, text: &str) {
        self.pending.push_str(text);
    }

    /// Aligns and emits everything written so far.
    pub fn flush(&mut self) {
        let text = std::mem::take(&mut self.pending);
        self.out.push_str(&align(&text, self.min_width, self.padding));
    }

    /// Flushes and returns the whole output.
    pub fn finish(mut self) -> String {
        self.flush();
        self.out
    }
}

/// Aligns `text` in one go (one flush).
pub fn align(text: &str, min_width: usize, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|line| line.split('\t').collect()).collect();
    // The number of TAB-terminated cells of each line.
    let columns = |line: &Vec<&str>| line.len().saturating_sub(1);
    let widest_line = lines.iter().map(columns).max().unwrap_or(0);
    // widths[line][column] for every TAB-terminated cell.
    let mut widths: Vec<Vec<usize>> = lines.iter().map(|line| vec![0; columns(line)]).collect();
    for column in 0..widest_line {
        let mut start = 0;
        while start < lines.len() {
            if columns(&lines[start]) <= column {
                start += 1;
                continue;
            }
            let mut end = start;
            let mut width = min_width;
            while end < lines.len() && columns(&lines[end]) > column {
                width = width.max(lines[end][column].chars().count() + padding);
                end += 1;
            }
            for row in &mut widths[start..end] {
                row[column] = width;
            }
            start = end;
        }
    }
    let mut out = String::with_capacity(text.len());
    for (index, line) in lines.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        for (column, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if let Some(&width) = widths[index].get(column) {
                let used = cell.chars().count();
                out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
            }
        }
    }
    out
}

/// A `kubectl get` table: the header row (column names as kubectl prints
/// them, upper case) and the rows, TAB-separated, aligned in one block.
pub fn get_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut writer = TabWriter::get();
    writer.write(&header.join("\t"));
    writer.write("\n");
    for row in rows {
        writer.write(&row.join("\t"));
        writer.write("\n");
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_like_go_tabwriter() {
        let cases: &[(&str, usize, usize, &str)] = &[
            // kubectl get: min width 6, padding 3; last column not padded.
            ("NAME\tREADY\tAGE\nweb\t2/3\t45s\n", 6, 3, "NAME   READY   AGE\nweb    2/3     45s\n"),
            ("A\tB\n", 6, 3, "A     B\n"),
            // rollout history: padding 2, REVISION is 8 wide.
            ("REVISION\tCHANGE-CAUSE\n1\t<none>\n", 0, 2, "REVISION  CHANGE-CAUSE\n1         <none>\n"),
            // a TAB-less line ends every block
            ("a\tx\nlong-cell\ty\nbreak\nab\tz\n", 0, 2, "a          x\nlong-cell  y\nbreak\nab  z\n"),
            // a short line ends the second column's block only
            ("a\tb\tc\naa\tbbbb\nx\tyy\tz\n", 0, 1, "a  b c\naa bbbb\nx  yy z\n"),
            // no trailing newline: the last line is written as it is
            ("k:\tv", 0, 2, "k:  v"),
            // characters, not bytes
            ("é\tx\nab\ty", 0, 1, "é  x\nab y"),
            ("", 6, 3, ""),
        ];
        for &(input, min_width, padding, expected) in cases {
            assert_eq!(align(input, min_width, padding), expected, "{input:?}");
        }
    }

    #[test]
    fn flush_separates_blocks() {
        let mut writer = TabWriter::tabbed();
        writer.write("Name:\tweb\n");
        writer.flush();
        writer.write("LongerLabel:\tx\n");
        assert_eq!(writer.finish(), "Name:  web\nLongerLabel:  x\n");
    }

    #[test]
    fn get_table_pads_to_six() {
        let rows = vec![vec!["a".to_string(), "1".to_string()]];
        assert_eq!(get_table(&["N", "V"], &rows), "N     V\na     1\n");
    }
}
