//! A file's text and the table that turns byte offsets into lines and columns.

use std::path::PathBuf;

/// A byte range in a file's text (`start..end`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The first byte.
    pub start: u32,
    /// The byte after the last.
    pub end: u32,
}

impl Span {
    /// `start..end`.
    pub const fn new(start: u32, end: u32) -> Self {
        Span { start, end }
    }
    /// An empty span at `at`.
    pub const fn empty(at: u32) -> Self {
        Span { start: at, end: at }
    }
    /// Its length in bytes.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }
    /// Whether it covers no byte.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// A 1-based line and a 1-based column counted in Unicode code points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in Unicode code points.
    pub column: u32,
}

/// One input: a path (as the user named it, or `<stdin>`) and its text.
#[derive(Debug)]
pub struct SourceFile {
    /// The path shown in reports, relative to the working directory where possible.
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
    lines: LineIndex,
    /// Whether the YAML parser read a `.inf` or `.nan` in it (see [`SourceFile::may_hold_non_finite`]).
    non_finite: std::sync::atomic::AtomicBool,
}

impl SourceFile {
    /// A file named `path` holding `text`.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let lines = LineIndex::new(&text);
        SourceFile {
            path: path.into(),
            text,
            lines,
            non_finite: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Notes that a tree read from this file holds a non-finite float.
    pub(crate) fn mark_non_finite(&self) {
        self.non_finite.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether trees read from this file may hold a non-finite float (`.inf`, `.nan`): the
    /// YAML parser notes each one it reads; JSON has none. The schema check looks for them
    /// only in such files, instead of walking every object.
    pub(crate) fn may_hold_non_finite(&self) -> bool {
        self.non_finite.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The path with forward slashes, as reports print it.
    pub fn display_path(&self) -> String {
        let s = self.path.to_string_lossy();
        if std::path::MAIN_SEPARATOR == '\\' {
            s.replace('\\', "/")
        } else {
            s.into_owned()
        }
    }

    pub(crate) fn lines(&self) -> &LineIndex {
        &self.lines
    }

    /// The position of a byte offset.
    pub fn position(&self, byte: u32) -> Position {
        self.lines.position(&self.text, byte)
    }

    /// The text a span covers (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start as usize..span.end as usize).unwrap_or("")
    }
}

/// Start offsets of every line, so that positions can be computed in O(log n).
///
/// The YAML parser reports positions in characters; this table turns a
/// (line, character column) pair into a byte offset and back. Lines that are
/// pure ASCII (nearly all of them in manifests) take a fast path; other lines keep a
/// checkpoint every [`CHECKPOINT`] characters, so that a conversion scans at most that
/// many characters however long the line (a one-line JSON file of megabytes with one
/// non-ASCII character stays linear to parse).
#[derive(Debug, Default)]
pub(crate) struct LineIndex {
    starts: Vec<u32>,
    /// Per line: `u32::MAX` for an ASCII line, else the index of its checkpoints in `marks`;
    /// empty when every line is ASCII (most files: the table is kept for the whole run).
    kind: Vec<u32>,
    /// For each non-ASCII line, the byte offsets of characters 0, CHECKPOINT, 2*CHECKPOINT ...
    marks: Vec<Vec<u32>>,
}

/// Characters between two checkpoints of a non-ASCII line.
const CHECKPOINT: usize = 64;
const ASCII: u32 = u32::MAX;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0u32];
        // A UTF-8 byte order mark is not part of line 1's columns.
        if text.starts_with('\u{feff}') {
            starts[0] = 3;
        }
        let mut i = starts[0] as usize;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push((i + 1) as u32);
            }
            i += 1;
        }
        let mut kind = Vec::with_capacity(starts.len());
        let mut marks = Vec::new();
        for (n, &s) in starts.iter().enumerate() {
            let e = starts.get(n + 1).map_or(bytes.len(), |&e| e as usize);
            let line = &bytes[s as usize..e];
            if line.is_ascii() {
                kind.push(ASCII);
                continue;
            }
            let mut m = Vec::with_capacity(line.len() / CHECKPOINT + 1);
            let line = &text[s as usize..e];
            for (c, (off, _)) in line.char_indices().enumerate() {
                if c % CHECKPOINT == 0 {
                    m.push(s + off as u32);
                }
            }
            kind.push(marks.len() as u32);
            marks.push(m);
        }
        if marks.is_empty() {
            kind = Vec::new();
        }
        starts.shrink_to_fit();
        LineIndex { starts, kind, marks }
    }

    /// `ASCII`, or the index in `marks` of line `line`'s (0-based) checkpoints.
    fn kind(&self, line: usize) -> u32 {
        self.kind.get(line).copied().unwrap_or(ASCII)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The index (0-based) of the line holding byte `byte`.
    fn line_of(&self, byte: u32) -> usize {
        match self.starts.binary_search(&byte) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        }
    }

    /// Where the line holding byte `byte` starts (after a byte order mark on line 1).
    pub fn line_start(&self, byte: u32) -> u32 {
        self.starts[self.line_of(byte)].min(byte)
    }

    /// Where the line after the one holding byte `byte` starts; `None` on the last line.
    pub fn next_line_start(&self, byte: u32) -> Option<u32> {
        self.starts.get(self.line_of(byte) + 1).copied()
    }

    /// Byte offset of line `line` (1-based), column `col` (0-based, in characters).
    /// Out-of-range positions clamp to the end of the text or line.
    pub fn byte_of(&self, text: &str, line: usize, col: usize) -> u32 {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return text.len() as u32;
        };
        let end = self.starts.get(line).map(|&s| s as usize).unwrap_or(text.len());
        let k = self.kind(line - 1);
        if k == ASCII {
            return (start as usize + col).min(end) as u32;
        }
        let marks = &self.marks[k as usize];
        let Some(&from) = marks.get(col / CHECKPOINT) else {
            return end as u32;
        };
        match text[from as usize..end].char_indices().nth(col % CHECKPOINT) {
            Some((off, _)) => from + off as u32,
            None => end as u32,
        }
    }

    /// Line and column (both 1-based, column in characters) of a byte offset.
    pub fn position(&self, text: &str, byte: u32) -> Position {
        let byte = byte.min(text.len() as u32);
        let line = match self.starts.binary_search(&byte) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let k = self.kind(line);
        let column = if k == ASCII || byte < start {
            byte.saturating_sub(start)
        } else {
            let mut b = byte as usize;
            while b > start as usize && !text.is_char_boundary(b) {
                b -= 1;
            }
            let marks = &self.marks[k as usize];
            let m = match marks.binary_search(&(b as u32)) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            };
            (m * CHECKPOINT + text[marks[m] as usize..b].chars().count()) as u32
        };
        Position {
            line: line as u32 + 1,
            column: column + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_ascii_and_unicode() {
        let text = "a: 1\nbé: ü2\r\nc: 3";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 3);
        assert_eq!(idx.byte_of(text, 2, 4), text.find("ü2").unwrap() as u32);
        let p = idx.position(text, text.find("ü2").unwrap() as u32);
        assert_eq!(p, Position { line: 2, column: 5 });
        assert_eq!(
            idx.position(text, text.find("c:").unwrap() as u32),
            Position { line: 3, column: 1 }
        );
    }

    #[test]
    fn bom_is_not_a_column() {
        let text = "\u{feff}a: 1\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.byte_of(text, 1, 0), 3);
        assert_eq!(idx.position(text, 3), Position { line: 1, column: 1 });
    }

    #[test]
    fn out_of_range_clamps() {
        let text = "ab\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.byte_of(text, 9, 9), 3);
        assert_eq!(idx.byte_of(text, 1, 99), 3);
        assert_eq!(idx.position(text, 99), Position { line: 2, column: 1 });
    }

    #[test]
    fn long_non_ascii_lines_round_trip() {
        let text: String = (0..1000)
            .map(|i| if i % 7 == 0 { 'é' } else { 'a' })
            .collect::<String>()
            + "\nb";
        let idx = LineIndex::new(&text);
        for (col, (off, _)) in text.lines().next().unwrap().char_indices().enumerate() {
            assert_eq!(idx.byte_of(&text, 1, col), off as u32);
            assert_eq!(
                idx.position(&text, off as u32),
                Position {
                    line: 1,
                    column: col as u32 + 1
                }
            );
        }
        assert_eq!(idx.byte_of(&text, 1, 5000), text.find('\n').unwrap() as u32 + 1);
        assert_eq!(
            idx.position(&text, text.len() as u32 - 1),
            Position { line: 2, column: 1 }
        );
    }
}
