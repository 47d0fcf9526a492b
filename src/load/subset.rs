//! A direct reader for the YAML nearly every manifest is written in.
//!
//! saphyr's scanner handles all of YAML 1.2 and reports positions as (line, character
//! column), which the builder turns back into byte offsets; on a large repository that
//! was 30-40 % of kubelint's CPU. Manifests use a small part of the language: block
//! mappings and sequences indented with spaces, one-line plain and quoted scalars, block
//! scalars, one-line flow collections, comments and `---` separators. This module reads
//! exactly that part straight from the bytes and feeds the same [`Builder`] the full
//! parser feeds, so trees, spans, key resolution and duplicate-key problems come from one
//! place.
//!
//! Anything outside the part — anchors, aliases, tags, directives, tabs, carriage
//! returns, multi-line plain or quoted scalars, multi-line flow collections, explicit
//! indentation indicators, complex keys, merge keys, characters the YAML readers treat
//! differently, and every syntax error — makes [`parse`] give up on the whole file before
//! anything is kept, and the full parser reads it as before. The unit tests below compare
//! the two readers tree for tree and span for span wherever this one accepts a file: on
//! hand-written cases, on every fixture and corpus file, and on thousands of mutants.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::ScalarStyle;

use super::yaml::{Builder, ParsedDocument, Problem};
use crate::vocab::SourceFile;

/// Flow collections nested deeper than this are saphyr's (its flow level is a `u8`).
const MAX_FLOW_DEPTH: usize = 255;

/// The file holds something outside the subset (or an error): the full parser reads it.
#[derive(Debug)]
pub(super) struct Unsupported;

type Read<T> = Result<T, Unsupported>;

/// Reads `file` when it is written entirely in the subset; `None` otherwise.
pub(super) fn parse(file: &SourceFile) -> Option<(Vec<ParsedDocument>, Vec<Problem>)> {
    if !plain_bytes(file.text.as_bytes()) || file.text.len() >= u32::MAX as usize {
        return None;
    }
    let overrides = HashMap::new();
    // It never panics on any input the tests found; if it did, the full parser decides.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut builder = Builder::new(file, file, &overrides, 0, 0);
        let mut reader = Reader {
            s: file.text.as_bytes(),
            text: &file.text,
            b: &mut builder,
            last_line: std::cell::Cell::new((usize::MAX, None)),
        };
        reader.stream().ok()?;
        Some((builder.docs, builder.problems))
    }))
    .ok()
    .flatten()
}

/// Whether every byte is one the subset reads as the full parser (and go-yaml) would:
/// no tab, carriage return or other control character, no byte order mark, no Unicode
/// line break, no C1 control and no U+FFFE/U+FFFF.
fn plain_bytes(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x20 {
            if c != b'\n' {
                return false;
            }
        } else if c >= 0x7F {
            let next = b.get(i + 1).copied().unwrap_or(0);
            let after = b.get(i + 2).copied().unwrap_or(0);
            match c {
                0x7F => return false,
                0xC2 if (0x80..=0x9F).contains(&next) => return false,
                0xE2 if next == 0x80 && matches!(after, 0xA8 | 0xA9) => return false,
                0xEF if (next, after) == (0xBB, 0xBF) || (next == 0xBF && matches!(after, 0xBE | 0xBF)) => {
                    return false;
                }
                _ => {}
            }
        }
        i += 1;
    }
    true
}

/// A line with content (not blank, not only a comment).
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    indent: usize,
}

impl Line {
    /// Where its content starts.
    fn at(self) -> usize {
        self.start + self.indent
    }
}

/// A block mapping key found on a line.
struct Key<'t> {
    start: usize,
    end: usize,
    text: Cow<'t, str>,
    style: ScalarStyle,
    colon: usize,
}

struct Reader<'t, 'b, 'f> {
    s: &'t [u8],
    text: &'t str,
    b: &'b mut Builder<'f>,
    /// The last [`Reader::content_line`] answer: every enclosing collection asks again
    /// from the same place when a nested one ends, and blank or comment lines between
    /// must not be skipped once per level.
    last_line: std::cell::Cell<(usize, Option<Line>)>,
}

/// Bytes that may not start a plain scalar (YAML's indicators; `-` is handled apart).
fn indicator(c: u8) -> bool {
    matches!(
        c,
        b'?' | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

impl<'t> Reader<'t, '_, '_> {
    fn byte(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(b'\n')
    }

    /// Whether `i` separates: a space, a line break or the end.
    fn sep(&self, i: usize) -> bool {
        matches!(self.byte(i), b' ' | b'\n')
    }

    /// The line break ending the line that holds `i` (or the end of the text).
    fn eol(&self, i: usize) -> usize {
        memchr::memchr(b'\n', &self.s[i.min(self.s.len())..]).map_or(self.s.len(), |n| i + n)
    }

    /// The start of the line after the one holding `i` (or the end of the text).
    fn line_after(&self, i: usize) -> usize {
        (self.eol(i) + 1).min(self.s.len())
    }

    fn skip_spaces(&self, mut i: usize) -> usize {
        while self.s.get(i) == Some(&b' ') {
            i += 1;
        }
        i
    }

    /// The first line from the line starting at `from` that has content.
    fn content_line(&self, from: usize) -> Option<Line> {
        let (at, line) = self.last_line.get();
        if at == from {
            return line;
        }
        let line = self.find_content_line(from);
        self.last_line.set((from, line));
        line
    }

    fn find_content_line(&self, mut from: usize) -> Option<Line> {
        while from < self.s.len() {
            let at = self.skip_spaces(from);
            match self.s.get(at) {
                None => return None,
                Some(b'\n') => from = at + 1,
                Some(b'#') => from = self.line_after(at),
                Some(_) => {
                    return Some(Line {
                        start: from,
                        indent: at - from,
                    });
                }
            }
        }
        None
    }

    /// Whether the line is a document marker (`---` or `...` at its start).
    fn marker(&self, line: Line) -> bool {
        line.indent == 0
            && (self.s[line.start..].starts_with(b"---") || self.s[line.start..].starts_with(b"..."))
            && self.sep(line.start + 3)
    }

    /// Whether the line at `line` is a block sequence entry (`- ` or `-` alone).
    fn dash(&self, line: Line) -> bool {
        self.byte(line.at()) == b'-' && self.sep(line.at() + 1) && !self.marker(line)
    }

    /// Only spaces and a comment may follow `i` on its line; returns the next line's start.
    fn rest_blank(&self, i: usize) -> Read<usize> {
        let j = self.skip_spaces(i);
        match self.byte(j) {
            b'\n' => Ok(self.line_after(j)),
            b'#' if j > i => Ok(self.line_after(j)),
            _ => Err(Unsupported),
        }
    }

    fn emit(&mut self, text: &str, style: ScalarStyle, start: usize, end: usize) -> Read<()> {
        let node = self.b.scalar(text, style, None, start as u32, end as u32);
        self.b.complete(node, 0, false).map_err(|_| Unsupported)
    }

    fn stream(&mut self) -> Read<()> {
        let mut pos = 0;
        // A `---` read, with no content after it yet.
        let mut open = false;
        loop {
            let Some(line) = self.content_line(pos) else {
                if open {
                    self.empty_document(self.s.len(), self.s.len())?;
                }
                return Ok(());
            };
            if self.marker(line) {
                if self.s[line.start] == b'.' {
                    return Err(Unsupported);
                }
                if open {
                    self.empty_document(line.start, line.start + 3)?;
                }
                open = true;
                pos = self.rest_blank(line.start + 3)?;
                continue;
            }
            open = false;
            self.b.begin_document();
            let next = match self.byte(line.at()) {
                b'[' | b'{' => {
                    let end = self.flow(line.at(), 0)?;
                    self.rest_blank(end)?
                }
                _ => self.own_line(line)?,
            };
            self.b.end_document();
            if let Some(l) = self.content_line(next)
                && !self.marker(l)
            {
                return Err(Unsupported);
            }
            pos = next;
        }
    }

    /// A document of nothing between two markers: a null, where the full parser puts it.
    fn empty_document(&mut self, start: usize, end: usize) -> Read<()> {
        self.b.begin_document();
        self.emit("", ScalarStyle::Plain, start, end)?;
        self.b.end_document();
        Ok(())
    }

    /// A collection that starts a line of its own. Returns the start of the line after it.
    fn own_line(&mut self, line: Line) -> Read<usize> {
        let at = line.at();
        if self.dash(line) {
            return self.seq(at, line.indent, line.start, false);
        }
        match self.key(at)? {
            Some(k) => self.map(at, line.indent, k),
            None => Err(Unsupported),
        }
    }

    /// A block sequence whose first `-` is at `dash`, column `indent` of the line starting
    /// at `line_start`; `indentless` when it is a mapping's value at the mapping's column.
    fn seq(&mut self, dash: usize, indent: usize, line_start: usize, indentless: bool) -> Read<usize> {
        let start = if indentless {
            // The full parser starts such a sequence at its first item's content.
            let p = self.skip_spaces(dash + 1);
            if matches!(self.byte(p), b'\n' | b'#') {
                if self
                    .content_line(self.line_after(p))
                    .is_some_and(|l| l.indent > indent && !self.marker(l))
                {
                    return Err(Unsupported);
                }
                self.eol(p)
            } else {
                p
            }
        } else {
            dash
        };
        self.b.open_seq(start as u32, false, 0).map_err(|_| Unsupported)?;
        let (mut dash, mut line_start) = (dash, line_start);
        loop {
            let next = self.seq_item(dash, indent, line_start)?;
            match self.content_line(next) {
                Some(l) if l.indent == indent && self.dash(l) => (dash, line_start) = (l.at(), l.start),
                Some(l) if l.indent > indent && !self.marker(l) => return Err(Unsupported),
                _ => {
                    self.b.close(next as u32).map_err(|_| Unsupported)?;
                    return Ok(next);
                }
            }
        }
    }

    fn seq_item(&mut self, dash: usize, indent: usize, line_start: usize) -> Read<usize> {
        let p = self.skip_spaces(dash + 1);
        if matches!(self.byte(p), b'\n' | b'#') {
            let after = self.line_after(p);
            return match self.content_line(after) {
                Some(l) if l.indent > indent && !self.marker(l) => self.own_line(l),
                _ => {
                    let e = self.eol(p);
                    self.emit("", ScalarStyle::Plain, e, e)?;
                    Ok(after)
                }
            };
        }
        let col = p - line_start;
        match self.byte(p) {
            b'-' if self.sep(p + 1) => self.seq(p, col, line_start, false),
            b'|' | b'>' => self.block_scalar(p, indent),
            b'[' | b'{' => self.flow_value(p, indent),
            _ => match self.key(p)? {
                Some(k) => self.map(p, col, k),
                None => self.scalar_value(p, indent),
            },
        }
    }

    /// A block mapping whose first key, `key`, is at `at`, column `indent`.
    fn map(&mut self, at: usize, indent: usize, key: Key<'t>) -> Read<usize> {
        self.b.open_map(at as u32, false, 0).map_err(|_| Unsupported)?;
        let mut key = key;
        loop {
            if key.style == ScalarStyle::Plain && key.text == "<<" {
                return Err(Unsupported);
            }
            self.emit(&key.text, key.style, key.start, key.end)?;
            let next = self.map_value(key.colon, indent)?;
            match self.content_line(next) {
                Some(l) if l.indent == indent && !self.marker(l) => {
                    if self.dash(l) {
                        return Err(Unsupported);
                    }
                    key = self.key(l.at())?.ok_or(Unsupported)?;
                }
                Some(l) if l.indent > indent && !self.marker(l) => return Err(Unsupported),
                _ => {
                    self.b.close(next as u32).map_err(|_| Unsupported)?;
                    return Ok(next);
                }
            }
        }
    }

    /// The value after the `:` at `colon` of a mapping at column `indent`.
    fn map_value(&mut self, colon: usize, indent: usize) -> Read<usize> {
        let p = self.skip_spaces(colon + 1);
        match self.byte(p) {
            b'\n' | b'#' => {
                let after = self.line_after(p);
                match self.content_line(after) {
                    Some(l) if l.indent > indent && !self.marker(l) => self.own_line(l),
                    Some(l) if l.indent == indent && self.dash(l) => self.seq(l.at(), indent, l.start, true),
                    _ => {
                        self.emit("", ScalarStyle::Plain, colon, colon)?;
                        Ok(after)
                    }
                }
            }
            b'|' | b'>' => self.block_scalar(p, indent),
            b'[' | b'{' => self.flow_value(p, indent),
            b'-' if self.sep(p + 1) => Err(Unsupported),
            _ => self.scalar_value(p, indent),
        }
    }

    /// After a value that ended its line: no line may continue it (deeper than `indent`).
    fn after_value(&self, next: usize, indent: usize) -> Read<usize> {
        match self.content_line(next) {
            Some(l) if l.indent > indent && !self.marker(l) => Err(Unsupported),
            _ => Ok(next),
        }
    }

    /// A one-line quoted or plain scalar value at `p`, in a collection at column `indent`.
    fn scalar_value(&mut self, p: usize, indent: usize) -> Read<usize> {
        let next = match self.byte(p) {
            q @ (b'"' | b'\'') => {
                let (end, value, style) = self.quoted(p, q)?;
                self.emit(&value, style, p, end)?;
                self.rest_blank(end)?
            }
            c => {
                if indicator(c) || (c == b'-' && self.sep(p + 1)) {
                    return Err(Unsupported);
                }
                let (end, stop) = self.plain_end(p);
                let value = &self.text[p..end];
                if value.ends_with(':') || memchr::memmem::find(value.as_bytes(), b": ").is_some() {
                    return Err(Unsupported);
                }
                self.emit(value, ScalarStyle::Plain, p, end)?;
                self.line_after(stop)
            }
        };
        self.after_value(next, indent)
    }

    /// The end of the block plain scalar at `p` (trailing spaces trimmed) and where its
    /// line's comment or break starts.
    fn plain_end(&self, p: usize) -> (usize, usize) {
        let e = self.eol(p);
        let mut end = p;
        let mut q = p;
        while q < e {
            match self.s[q] {
                b'#' if self.s[q - 1] == b' ' => break,
                b' ' => {}
                _ => end = q + 1,
            }
            q += 1;
        }
        (end, q)
    }

    /// A block mapping key at `p`, if the line holds one there.
    fn key(&self, p: usize) -> Read<Option<Key<'t>>> {
        let c = self.byte(p);
        let (end, text, style) = match c {
            b'"' | b'\'' => self.quoted(p, c)?,
            _ => {
                if indicator(c) || c == b'\n' || c == b' ' || (c == b'-' && self.sep(p + 1)) {
                    return Ok(None);
                }
                let e = self.eol(p);
                let mut q = p;
                let colon = loop {
                    if q >= e {
                        return Ok(None);
                    }
                    match self.s[q] {
                        b':' if self.sep(q + 1) => break q,
                        b'#' if self.s[q - 1] == b' ' => return Ok(None),
                        _ => q += 1,
                    }
                };
                let mut end = colon;
                while self.s[end - 1] == b' ' {
                    end -= 1;
                }
                (end, Cow::Borrowed(&self.text[p..end]), ScalarStyle::Plain)
            }
        };
        let colon = self.skip_spaces(end);
        if self.byte(colon) != b':' || !self.sep(colon + 1) {
            // A quoted scalar followed by something else is a value (or an error).
            return Ok(None);
        }
        // A simple key may not run more than 1024 characters to its `:` (bytes here, which
        // are at least as many).
        if colon - p > 1024 {
            return Err(Unsupported);
        }
        Ok(Some(Key {
            start: p,
            end,
            text,
            style,
            colon,
        }))
    }

    /// The one-line quoted scalar opening at `p` with quote `q`: its end (past the closing
    /// quote), value and style.
    fn quoted(&self, p: usize, q: u8) -> Read<(usize, Cow<'t, str>, ScalarStyle)> {
        let mut i = p + 1;
        let mut escaped = false;
        loop {
            match self.s.get(i) {
                None | Some(b'\n') => return Err(Unsupported),
                Some(b'\'') if q == b'\'' => {
                    if self.s.get(i + 1) == Some(&b'\'') {
                        escaped = true;
                        i += 2;
                    } else {
                        break;
                    }
                }
                Some(b'"') if q == b'"' => break,
                Some(b'\\') if q == b'"' => {
                    escaped = true;
                    if matches!(self.s.get(i + 1), None | Some(b'\n')) {
                        return Err(Unsupported);
                    }
                    i += 2;
                }
                Some(_) => i += 1,
            }
        }
        let raw = &self.text[p + 1..i];
        let value = match (escaped, q) {
            (false, _) => Cow::Borrowed(raw),
            (true, b'\'') => Cow::Owned(raw.replace("''", "'")),
            (true, _) => Cow::Owned(unescape(raw)?),
        };
        let style = if q == b'"' {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::SingleQuoted
        };
        Ok((i + 1, value, style))
    }

    /// A flow collection value at `p` that closes on its line.
    fn flow_value(&mut self, p: usize, indent: usize) -> Read<usize> {
        let end = self.flow(p, 0)?;
        let next = self.rest_blank(end)?;
        self.after_value(next, indent)
    }

    /// The flow collection opening at `p`, `depth` flow collections deep (saphyr allows
    /// at most 255); returns the position past its closing bracket.
    fn flow(&mut self, p: usize, depth: usize) -> Read<usize> {
        if depth >= MAX_FLOW_DEPTH {
            return Err(Unsupported);
        }
        let map = self.s[p] == b'{';
        let close = if map { b'}' } else { b']' };
        let opened = if map {
            self.b.open_map(p as u32, true, 0)
        } else {
            self.b.open_seq(p as u32, true, 0)
        };
        opened.map_err(|_| Unsupported)?;
        let mut q = self.skip_spaces(p + 1);
        if self.byte(q) != close {
            loop {
                if map {
                    let (end, quoted) = self.flow_scalar(q, true)?;
                    let colon = self.skip_spaces(end);
                    let next = self.byte(colon + 1);
                    if self.byte(colon) != b':' || !(next == b' ' || (quoted && next != b'\n')) {
                        return Err(Unsupported);
                    }
                    q = self.skip_spaces(colon + 1);
                    if matches!(self.byte(q), b',' | b'}' | b'\n' | b'#') {
                        return Err(Unsupported);
                    }
                }
                q = match self.byte(q) {
                    b'[' | b'{' => self.flow(q, depth + 1)?,
                    _ => self.flow_scalar(q, false)?.0,
                };
                q = self.skip_spaces(q);
                match self.byte(q) {
                    b',' => {
                        q = self.skip_spaces(q + 1);
                        if self.byte(q) == close {
                            return Err(Unsupported);
                        }
                    }
                    c if c == close => break,
                    _ => return Err(Unsupported),
                }
            }
        }
        self.b.close(q as u32 + 1).map_err(|_| Unsupported)?;
        Ok(q + 1)
    }

    /// A scalar inside a flow collection; returns its end and whether it was quoted.
    fn flow_scalar(&mut self, p: usize, key: bool) -> Read<(usize, bool)> {
        match self.byte(p) {
            q @ (b'"' | b'\'') => {
                let (end, value, style) = self.quoted(p, q)?;
                self.emit(&value, style, p, end)?;
                Ok((end, true))
            }
            c => {
                if indicator(c)
                    || c == b' '
                    || c == b'\n'
                    || (c == b'-' && matches!(self.byte(p + 1), b' ' | b'\n' | b',' | b']' | b'}' | b'[' | b'{'))
                {
                    return Err(Unsupported);
                }
                let mut q = p;
                let mut end = p;
                loop {
                    match self.byte(q) {
                        b'\n' => return Err(Unsupported),
                        b',' | b'[' | b']' | b'{' | b'}' => break,
                        b':' if matches!(self.byte(q + 1), b' ' | b'\n' | b',' | b'[' | b']' | b'{' | b'}') => break,
                        b'#' if self.s[q - 1] == b' ' => return Err(Unsupported),
                        // saphyr refuses a word of `-` before a flow indicator anywhere in
                        // a flow scalar (`[a -]`), as at its start.
                        b'-' if self.s[q - 1] == b' '
                            && matches!(self.byte(q + 1), b',' | b'[' | b']' | b'{' | b'}') =>
                        {
                            return Err(Unsupported);
                        }
                        b' ' => {}
                        _ => end = q + 1,
                    }
                    q += 1;
                }
                let value = &self.text[p..end];
                if key && value == "<<" {
                    return Err(Unsupported);
                }
                self.emit(value, ScalarStyle::Plain, p, end)?;
                Ok((end, false))
            }
        }
    }

    /// The block scalar whose header (`|` or `>`) is at `p`, in a collection at column
    /// `parent`. Returns the start of the first line after it.
    fn block_scalar(&mut self, p: usize, parent: usize) -> Read<usize> {
        let literal = self.s[p] == b'|';
        // -1 strip, 0 clip, 1 keep
        let mut chomp = 0i8;
        let mut h = p + 1;
        match self.byte(h) {
            b'-' => (chomp, h) = (-1, h + 1),
            b'+' => (chomp, h) = (1, h + 1),
            _ => {}
        }
        if !self.sep(h) {
            // An indentation indicator, a second chomping indicator, or an error.
            return Err(Unsupported);
        }
        let first = self.rest_blank(h)?;
        // The first line sets the indentation; an empty scalar or leading blank lines are
        // left to the full parser.
        let indent = self.skip_spaces(first) - first;
        if first >= self.s.len() || matches!(self.byte(first + indent), b'\n') || indent <= parent {
            return Err(Unsupported);
        }
        let start = first + indent;
        let mut value = String::new();
        let mut leading_break = false;
        let mut trailing_breaks = 0usize;
        let mut leading_blank = false;
        let mut line = first;
        while line < self.s.len() {
            let spaces = self.skip_spaces(line) - line;
            let e = self.eol(line);
            let blank = line + spaces == e;
            if blank && e == self.s.len() && spaces > 0 {
                // Spaces that run into the end of the text: saphyr's reading is its own.
                return Err(Unsupported);
            }
            if blank && spaces <= indent {
                if e == self.s.len() {
                    line = e;
                    break;
                }
                trailing_breaks += 1;
                line = e + 1;
                continue;
            }
            if spaces < indent {
                break;
            }
            // A line of content (the libyaml/go-yaml folding algorithm, which saphyr follows).
            let content = &self.text[line + indent..e];
            let trailing_blank = content.starts_with(' ');
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if trailing_breaks == 0 {
                    value.push(' ');
                }
            } else if leading_break {
                value.push('\n');
            }
            for _ in 0..trailing_breaks {
                value.push('\n');
            }
            trailing_breaks = 0;
            leading_blank = trailing_blank;
            value.push_str(content);
            // The end of the text ends the line as a line break would (as saphyr reads it).
            leading_break = true;
            if e == self.s.len() {
                line = e;
                break;
            }
            line = e + 1;
        }
        if chomp != -1 && leading_break {
            value.push('\n');
        }
        if chomp == 1 {
            for _ in 0..trailing_breaks {
                value.push('\n');
            }
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        self.emit(&value, style, start, line)?;
        Ok(line)
    }
}

/// The value of a one-line double-quoted scalar's content (between the quotes).
fn unescape(raw: &str) -> Read<String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next().ok_or(Unsupported)?;
        let digits = match e {
            '0' => {
                out.push('\0');
                continue;
            }
            'a' => '\x07',
            'b' => '\x08',
            't' => '\t',
            'n' => '\n',
            'v' => '\x0B',
            'f' => '\x0C',
            'r' => '\r',
            'e' => '\x1B',
            ' ' => ' ',
            '"' => '"',
            '/' => '/',
            '\\' => '\\',
            'N' => '\u{85}',
            '_' => '\u{A0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut code = 0u32;
                for _ in 0..n {
                    let d = chars.next().and_then(|d| d.to_digit(16)).ok_or(Unsupported)?;
                    code = code * 16 + d;
                }
                out.push(char::from_u32(code).ok_or(Unsupported)?);
                continue;
            }
            _ => return Err(Unsupported),
        };
        out.push(digits);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::parse_stream as parse_full;

    /// Reads `text` with both readers; when the subset reader accepts it, its trees (spans
    /// included) and problems must be the full parser's. Returns whether it accepted.
    fn agree(name: &str, text: &str) -> bool {
        let file = SourceFile::new(name, text.to_string());
        let Some((docs, problems)) = parse(&file) else {
            return false;
        };
        let (full_docs, full_problems) = parse_full(&SourceFile::new(name, text.to_string()));
        let trees_equal = docs.len() == full_docs.len()
            && docs
                .iter()
                .zip(&full_docs)
                .all(|(a, b)| a.index == b.index && a.root == b.root);
        if !trees_equal {
            // (NaN differs from itself: only a difference in the printed trees counts.)
            same(name, text, &format!("{docs:#?}"), &format!("{full_docs:#?}"));
        }
        same(name, text, &format!("{problems:#?}"), &format!("{full_problems:#?}"));
        true
    }

    /// Fails with the first line where the two readers' output differs.
    fn same(name: &str, text: &str, subset: &str, full: &str) {
        if subset == full {
            return;
        }
        let (a, b): (Vec<_>, Vec<_>) = (subset.lines().collect(), full.lines().collect());
        let i = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        let from = i.saturating_sub(12);
        panic!(
            "the readers differ for {name} ({text:?}) at line {i}:\n--- subset\n{}\n--- full\n{}",
            a[from..(i + 3).min(a.len())].join("\n"),
            b[from..(i + 3).min(b.len())].join("\n")
        );
    }

    const COMMON: &[&str] = &[
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {app: a, 'x': \"y\"}\ndata:\n  k: v\n",
        "a:\nb: # c\nc:\n# x\nd:\n- \n-   \n-\n  # c\n-  # c\n- z\n",
        "a  : 1\nb:\n  - x\n  - y\nc:\n- a: 1\n  b: 2\n- - x\n  - y\n",
        "e: >-\n  f g\n  h\n\n   i\n  j\n\n\nk: |+\n  z\n\nl: hello world  # c\nm: 'it''s'\n\"q k\": v\n",
        "a: 1\n---\n",
        "# hi\n---\n# only\n---\na: 1\n---\n# end\n",
        "",
        "# c\n",
        "--- # c\na: 1",
        "a: |\n  text\n# comment\nb: |-\n    deep\n     deeper\n\n    back\n  # not a comment of the scalar\nc: >\n  folded\n  lines\n\n\n",
        "a:\n  b:\n    - c: 1\n      d: [1, 2.5, \"x\", 'y', {e: f}]\n    - []\n    - {}\n  g: \"\\u00e9\\n\\t\\\\ \\x41\"\n",
        "list:\n- name: x\n  value: \"1\"\n- name: y\n  valueFrom:\n    fieldRef: {fieldPath: metadata.name}\n",
        "a: 1\na: 2\n",
        "ports:\n  - 80\n  - 0x1F\n  - 0o17\n  - 017\n  - 1_000\n  - .inf\n  - -.Inf\n  - .nan\n  - yes\n  - ~\n  - null\n  - 1e3\n",
        "url: http://example.com:8080/x?y=z#frag\nimage: nginx:1.2 # pinned\ntime: 12:30:00\n",
        "{\"a\": 1, \"b\": [true, false, null]}\n",
        "- a\n- b\n",
        "  indented: 1\n  more: 2\n",
        "a: |\n  no newline at end",
        "a: >\n  x\n\n   more\n  y\n",
        "a:\n  -\n    b: 1\n  - c\n",
        "key with spaces: value with spaces\n'quoted': \"double\"\n",
        "a: \"\"\nb: ''\nc: \" \"\n",
        "x: é café — 日本\n",
        "a: [b, c]   # trailing\nd: {e: [f, {g: h}]}\n",
        "80: http\ntrue: yes\nnull: x\n1.5: y\n",
        "---\n---\na: 1\n---\n\n---\n",
    ];

    #[test]
    fn reads_the_common_subset_as_the_full_parser_does() {
        for (i, text) in COMMON.iter().enumerate() {
            assert!(agree(&format!("common-{i}"), text), "not read by the subset: {text:?}");
        }
    }

    #[test]
    fn leaves_the_rest_of_yaml_to_the_full_parser() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "%YAML 1.2\n---\na: 1\n",
            "a:\tb\n",
            "a: 1\r\n",
            "a: b\n  c\n",
            "a: 'b\n  c'\n",
            "a: [b,\n  c]\n",
            "a: |2\n   x\n",
            "? a\n: b\n",
            "<<: {a: 1}\n",
            "a: b: c\n",
            "a: 1\n...\n",
            "a: |\nb: 1\n",
            "a: |\n\n  x\n",
            "plain scalar document\n",
            "a: 1\n b: 2\n",
            "a:\n  b: 1\n c: 2\n",
            "a: [b, ]\n",
            "a: {b}\n",
            "a: \"\\q\"\n",
            "\u{feff}a: 1\n",
            "a: b\u{2028}c\n",
            "- a\nb: 1\n",
            // Found by differential fuzzing (saphyr reports a syntax error on each).
            "[a -]",
            "{a: b -}\n",
            "[[b -]]",
        ] {
            let file = SourceFile::new("t.yaml", text.to_string());
            assert!(parse(&file).is_none(), "read by the subset: {text:?}");
        }
    }

    #[test]
    fn leaves_saphyr_its_limits_on_keys_and_flow_nesting() {
        for text in [
            format!("{}  : v\n", "a".repeat(1023)),
            format!("\"{}\" : v\n", "a".repeat(1022)),
            format!("- {}: v\n", "a".repeat(1025)),
            format!("{}x{}\n", "[".repeat(256), "]".repeat(256)),
        ] {
            let file = SourceFile::new("t.yaml", text.clone());
            assert!(parse(&file).is_none(), "read by the subset: {}...", &text[..40]);
        }
        for text in [
            format!("{}: v\n", "a".repeat(1000)),
            format!("{}x{}\n", "[".repeat(255), "]".repeat(255)),
        ] {
            assert!(
                agree("limits.yaml", &text),
                "not read by the subset: {}...",
                &text[..40]
            );
        }
    }

    fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                yaml_files(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            {
                out.push(path);
            }
        }
    }

    #[test]
    fn agrees_with_the_full_parser_on_every_fixture_and_corpus_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        yaml_files(&root.join("fixtures"), &mut files);
        let fixtures = files.len();
        yaml_files(&root.join("../shared/corpus"), &mut files);
        let mut accepted = 0;
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            accepted += usize::from(agree(&path.display().to_string(), &text));
        }
        assert!(fixtures > 100, "fixtures not found");
        eprintln!("the subset reader read {accepted} of {} files", files.len());
        // Most real manifests are in the subset (otherwise it would not pay).
        assert!(
            accepted * 10 >= files.len() * 6,
            "only {accepted} of {} files read by the subset",
            files.len()
        );
    }

    /// A small deterministic generator (xorshift), so that failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    #[test]
    fn agrees_with_the_full_parser_on_mutated_manifests() {
        const PIECES: &[&str] = &[
            " ",
            "  ",
            "-",
            "- ",
            ":",
            ": ",
            "#",
            " #",
            "\n",
            "\n\n",
            "'",
            "\"",
            "|",
            ">",
            "|-",
            ">+",
            "[",
            "]",
            "{",
            "}",
            ",",
            "x",
            "\\",
            "---\n",
            "\n- ",
            "\n  ",
            "\n    a: ",
            "é",
            "~",
            "1",
            ".",
            "?",
            "''",
            "\\n",
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut accepted = 0;
        let mut cases = 0;
        for seed in COMMON {
            for _ in 0..600 {
                let mut text = seed.to_string();
                for _ in 0..1 + rng.next(3) {
                    let mut at = rng.next(text.len() + 1);
                    while !text.is_char_boundary(at) {
                        at -= 1;
                    }
                    if rng.next(4) == 0 && at < text.len() {
                        let mut end = at + 1;
                        while !text.is_char_boundary(end) {
                            end += 1;
                        }
                        text.replace_range(at..end, "");
                    } else {
                        text.insert_str(at, PIECES[rng.next(PIECES.len())]);
                    }
                }
                cases += 1;
                accepted += usize::from(agree("mutant.yaml", &text));
            }
        }
        // The mutants must exercise the subset reader, not only its refusals.
        assert!(
            accepted * 5 > cases,
            "only {accepted} of {cases} mutants read by the subset"
        );
    }
}
