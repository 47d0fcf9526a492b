//! Positions as the protocol counts them: 0-based lines and columns in the negotiated
//! encoding (UTF-16 code units unless the client offers UTF-8 or UTF-32), to and from
//! byte offsets; and edits of an open document's text.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// How columns are counted (`positionEncoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units: the protocol's default.
    Utf16,
    /// Code points.
    Utf32,
}

impl Encoding {
    /// The cheapest encoding the client offers (UTF-8, then UTF-32), else UTF-16.
    pub(crate) fn negotiate(offered: Option<&[lsp_types::PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or_default();
        if offered.contains(&lsp_types::PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&lsp_types::PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    /// The protocol's name for it.
    pub(crate) fn kind(self) -> lsp_types::PositionEncodingKind {
        match self {
            Encoding::Utf8 => lsp_types::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp_types::PositionEncodingKind::UTF16,
            Encoding::Utf32 => lsp_types::PositionEncodingKind::UTF32,
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// Where each line of a text starts. Lines end at `\n`, `\r\n` or a lone `\r`, as the
/// protocol says.
#[derive(Clone, Debug)]
pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    /// The lines of `text`.
    pub(crate) fn new(text: &str) -> Lines {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        Lines { starts }
    }

    /// The position of byte `offset` (clamped to the text; inside a character: its start).
    pub(crate) fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = match encoding {
            Encoding::Utf8 => offset - start,
            _ => text[start..offset].chars().map(|c| encoding.width(c)).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of `position`: a line past the end is the end of the text, a
    /// column past the end of its line the end of the line (before its line break), a
    /// column inside a character that character's start.
    pub(crate) fn offset(&self, text: &str, position: Position, encoding: Encoding) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self.starts.get(position.line as usize + 1).map_or(text.len(), |&e| e);
        let line = text[start..end].trim_end_matches(['\n', '\r']);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += encoding.width(c);
            if units > position.character as usize {
                return start + i;
            }
        }
        start + line.len()
    }

    /// The range of bytes `start..end`.
    pub(crate) fn range(&self, text: &str, start: usize, end: usize, encoding: Encoding) -> Range {
        Range::new(self.position(text, start, encoding), self.position(text, end, encoding))
    }
}

/// Applies the changes of a `didChange` to `text`, in order (an incremental change
/// replaces its range, a change without a range the whole text).
pub(crate) fn apply_changes(text: &mut String, changes: Vec<TextDocumentContentChangeEvent>, encoding: Encoding) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(range) => {
                let lines = Lines::new(text);
                let start = lines.offset(text, range.start, encoding);
                let end = lines.offset(text, range.end, encoding).max(start);
                text.replace_range(start..end, &change.text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "a: 1\nname: \"héllo 😀 x\"\r\nlast: ü\rtail";

    #[test]
    fn utf16_counts_surrogate_pairs_and_bmp_characters_as_one_or_two() {
        let lines = Lines::new(TEXT);
        let x = TEXT.find(" x").unwrap() + 1;
        // `name: "héllo 😀 x"`: é is one UTF-16 unit, 😀 two.
        assert_eq!(lines.position(TEXT, x, Encoding::Utf16), Position::new(1, 16));
        assert_eq!(lines.position(TEXT, x, Encoding::Utf32), Position::new(1, 15));
        assert_eq!(
            lines.position(TEXT, x, Encoding::Utf8),
            Position::new(1, (x - 5) as u32)
        );
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let p = lines.position(TEXT, x, enc);
            assert_eq!(lines.offset(TEXT, p, enc), x, "{enc:?}");
        }
        // A lone `\r` ends a line; `\r\n` once.
        let tail = TEXT.find("tail").unwrap();
        assert_eq!(lines.position(TEXT, tail, Encoding::Utf16), Position::new(3, 0));
        let u = TEXT.find('ü').unwrap();
        assert_eq!(lines.position(TEXT, u + 2, Encoding::Utf16), Position::new(2, 7));
        // Inside a character: its start. Past a line: its end, before the break.
        let smiley = TEXT.find('😀').unwrap();
        assert_eq!(lines.position(TEXT, smiley + 1, Encoding::Utf16), Position::new(1, 13));
        assert_eq!(lines.offset(TEXT, Position::new(1, 14), Encoding::Utf16), smiley);
        assert_eq!(
            lines.offset(TEXT, Position::new(1, 99), Encoding::Utf16),
            TEXT.find("\r\n").unwrap()
        );
        assert_eq!(lines.offset(TEXT, Position::new(9, 0), Encoding::Utf16), TEXT.len());
        assert_eq!(lines.position(TEXT, 9999, Encoding::Utf16), Position::new(3, 4));
    }

    #[test]
    fn incremental_changes_apply_in_order_in_the_negotiated_encoding() {
        let mut text = String::from("k: \"😀a\"\nv: 1\n");
        let change = |l1, c1, l2, c2, t: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: t.to_string(),
        };
        // After the emoji (2 UTF-16 units): insert `b`; then replace line 1's value.
        apply_changes(
            &mut text,
            vec![change(0, 6, 0, 6, "b"), change(1, 3, 1, 4, "22")],
            Encoding::Utf16,
        );
        assert_eq!(text, "k: \"😀ba\"\nv: 22\n");
        apply_changes(&mut text, vec![change(0, 5, 0, 6, "")], Encoding::Utf32);
        assert_eq!(text, "k: \"😀a\"\nv: 22\n");
        apply_changes(
            &mut text,
            vec![TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "new".into(),
            }],
            Encoding::Utf16,
        );
        assert_eq!(text, "new");
        assert_eq!(
            Encoding::negotiate(Some(&[
                lsp_types::PositionEncodingKind::UTF16,
                lsp_types::PositionEncodingKind::UTF8
            ])),
            Encoding::Utf8
        );
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
    }
}
