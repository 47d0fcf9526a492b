//! Builds spanned document trees from saphyr-parser's event stream.
//!
//! The parser reports positions as (line, character column); the file's `LineIndex`
//! turns them into byte offsets. Anchors and aliases are expanded within a budget (a
//! billion-laughs file costs kilobytes), `<<` merge keys are applied, duplicate keys are
//! reported at the second key, and a syntax error does not lose the rest of the stream:
//! parsing resumes at the next `---` line after the error.
//!
//! Files written in the common subset of YAML are read by `subset.rs` instead, which
//! drives the same `Builder`; `load_file` tries it first.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};

use super::node::{CompactString, Entry, Node, Value};
use super::scalar::{Resolved, resolve_plain};
use crate::vocab::{SourceFile, Span};

/// Deepest nesting accepted; deeper input is a syntax problem (it is never a manifest,
/// and recursion over it would risk the stack).
pub const MAX_DEPTH: usize = 256;
/// Alias expansion may add at most this many nodes to a file ...
pub const ALIAS_NODE_FLOOR: usize = 10_000;
/// ... or this many times the nodes the file itself spells out, whichever is larger.
pub const ALIAS_NODE_RATIO: usize = 4;
/// Alias expansion may copy at most this many bytes of keys and scalars into a file's
/// trees ...
pub const ALIAS_BYTE_FLOOR: usize = 4 << 20;
/// ... or this many times the file's size, whichever is larger. With the node budget this
/// keeps a file's trees within a constant factor of its size, however its aliases nest.
pub const ALIAS_BYTE_RATIO: usize = 4;

/// One document of a stream.
#[derive(Debug)]
pub struct ParsedDocument {
    /// Position of the document in the stream (0-based, counting every document).
    pub index: usize,
    pub root: Node,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    Syntax,
    DuplicateKey,
    AliasLimit,
    /// A character that kubectl's YAML parser reads differently (see `compat_patches`).
    Differential,
}

/// Something wrong with the text itself.
#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
    pub message: String,
}

/// Parses every document of a file as kubectl does. Never panics: a parser panic becomes
/// a problem.
///
/// kubectl reads YAML with go-yaml v2 (YAML 1.1), kubelint with saphyr (YAML 1.2). Where
/// the two read the same bytes differently, kubelint follows go-yaml: the text is rewritten
/// to same-length ASCII before parsing (see `compat_patches`), so every byte offset stays
/// exact, and merge keys apply in document order as go-yaml v2 applies them.
pub fn parse_stream(file: &SourceFile) -> (Vec<ParsedDocument>, Vec<Problem>) {
    let patches = compat_patches(&file.text);
    if patches.is_empty() {
        let (docs, problems, _) = parse_both_ways(file, file, false);
        return (docs, problems);
    }
    // A patch inside a quoted scalar (or, for tabs and marks, inside a block scalar) is
    // content, not structure: go-yaml keeps such characters in the value. Undo those and
    // parse again; undoing one cannot move the quotes around another, so this settles.
    let mut active = vec![true; patches.len()];
    for round in 0.. {
        let patched = SourceFile::new(&file.path, apply_patches(&file.text, &patches, &active));
        let (docs, mut problems, literals) = parse_both_ways(&patched, file, true);
        let mut changed = false;
        for (p, on) in patches.iter().zip(active.iter_mut()) {
            if *on
                && let Some(quoted) = literal_at(&literals, p.at)
                && (quoted || p.kind != Compat::LineBreak)
            {
                *on = false;
                changed = true;
            }
        }
        if changed && round < 3 {
            continue;
        }
        for (p, _) in patches
            .iter()
            .zip(&active)
            .filter(|(p, on)| **on && p.kind == Compat::LineBreak)
        {
            let (name, code) = match &file.text[p.at as usize..p.at as usize + p.len as usize] {
                "\u{2028}" => ("LINE SEPARATOR", "U+2028"),
                "\u{2029}" => ("PARAGRAPH SEPARATOR", "U+2029"),
                _ => ("NEXT LINE", "U+0085"),
            };
            problems.push(Problem {
                kind: ProblemKind::Differential,
                span: Span::new(p.at, p.at + p.len as u32),
                message: format!(
                    "invisible line break {code} ({name}) outside a quoted string: kubectl's YAML parser ends the line here, so what follows it (even inside a comment) is read as YAML"
                ),
            });
        }
        problems.sort_by_key(|p| p.span.start);
        return (docs, problems);
    }
    unreachable!("the loop returns")
}

/// One parse, with predicted repairs of quoted scalars and, when a prediction fails,
/// without. `origin` is the file as written (for line numbers in messages).
fn parse_both_ways(
    file: &SourceFile,
    origin: &SourceFile,
    track: bool,
) -> (Vec<ParsedDocument>, Vec<Problem>, Vec<(Span, bool)>) {
    match parse_with(file, origin, Predict::All, track) {
        Ok(result) => result,
        // Some predicted repairs were not quoted scalars after all: keep those the parser
        // confirmed (one more parse, not one per scalar), and if even that fails, repair
        // one at a time.
        Err(confirmed) => match parse_with(file, origin, Predict::Seed(confirmed), track) {
            Ok(result) => result,
            Err(_) => parse_with(file, origin, Predict::Off, track)
                .unwrap_or_else(|_| unreachable!("without predictions every repair is confirmed")),
        },
    }
}

/// What a [`Patch`] rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compat {
    /// U+0085, U+2028 and U+2029 are line breaks for go-yaml (YAML 1.1) and ordinary
    /// characters for YAML 1.2: `# note<U+2028>privileged: true` hides a key from a YAML
    /// 1.2 reader that kubectl applies. Rewritten to a line break and reported.
    LineBreak,
    /// kubectl splits a stream at `---` lines and parses each document alone, so a byte
    /// order mark at a document's start is an encoding mark there, not a syntax error.
    DocumentBom,
    /// go-yaml accepts a tab after `:` as the separator (`key:<TAB>value`); saphyr does not.
    TabAfterColon,
}

/// A same-length rewrite of the text before parsing.
#[derive(Debug, Clone, Copy)]
struct Patch {
    at: u32,
    len: u8,
    kind: Compat,
}

/// Finds the places where go-yaml and saphyr read the same bytes differently.
fn compat_patches(text: &str) -> Vec<Patch> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    if !b.iter().any(|&c| c == b'\t' || c == 0xC2 || c == 0xE2 || c == 0xEF) {
        return out;
    }
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            0xC2 if b.get(i + 1) == Some(&0x85) => out.push(Patch {
                at: i as u32,
                len: 2,
                kind: Compat::LineBreak,
            }),
            0xE2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xA8 | 0xA9)) => out.push(Patch {
                at: i as u32,
                len: 3,
                kind: Compat::LineBreak,
            }),
            0xEF if i > 0 && b[i + 1..].starts_with(&[0xBB, 0xBF]) && after_separator_line(b, i) => out.push(Patch {
                at: i as u32,
                len: 3,
                kind: Compat::DocumentBom,
            }),
            b'\t' if i > 0 && b[i - 1] == b':' => out.push(Patch {
                at: i as u32,
                len: 1,
                kind: Compat::TabAfterColon,
            }),
            _ => {}
        }
        i += 1;
    }
    out
}

/// Whether byte `i` starts a line that follows a `---` document separator line.
fn after_separator_line(b: &[u8], i: usize) -> bool {
    if b[i - 1] != b'\n' {
        return false;
    }
    let prev_end = if i >= 2 && b[i - 2] == b'\r' { i - 2 } else { i - 1 };
    let prev_start = b[..prev_end].iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
    let line = &b[prev_start..prev_end];
    line.starts_with(b"---") && line[3..].iter().all(|c| c.is_ascii_whitespace())
}

/// The text with the active patches applied: line breaks become ` \r\n` / `\r\n` (one
/// break for every reader, same length), a document's byte order mark an empty comment
/// line, a tab a space.
fn apply_patches(text: &str, patches: &[Patch], active: &[bool]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for (p, _) in patches.iter().zip(active).filter(|(_, on)| **on) {
        let at = p.at as usize;
        let with: &[u8] = match (p.kind, p.len) {
            (Compat::LineBreak, 2) => b"\r\n",
            (Compat::LineBreak, _) => b" \r\n",
            (Compat::DocumentBom, _) => b"#\r\n",
            (Compat::TabAfterColon, _) => b" ",
        };
        bytes[at..at + with.len()].copy_from_slice(with);
    }
    String::from_utf8(bytes).expect("whole characters were replaced by ASCII")
}

/// Whether `at` lies in a quoted (`Some(true)`) or block (`Some(false)`) scalar; the
/// spans are sorted by start and do not overlap.
fn literal_at(literals: &[(Span, bool)], at: u32) -> Option<bool> {
    let i = literals.partition_point(|(s, _)| s.start <= at);
    let (span, quoted) = literals.get(i.checked_sub(1)?)?;
    (at < span.end).then_some(*quoted)
}

/// Repairs of quoted scalars that kubectl accepts but saphyr does not (see
/// [`lenient_quoted`]): a same-length copy of the text with their line breaks blanked, and
/// their values by opening-quote offset.
#[derive(Default)]
struct Repairs {
    patched: Option<SourceFile>,
    values: HashMap<u32, String>,
    /// Offsets the parser confirmed as quoted-scalar starts.
    confirmed: std::collections::HashSet<u32>,
    predicted: bool,
    /// Every repaired region: opening quote, end, value.
    regions: Vec<(u32, u32, String)>,
    /// Flow collections put on one line, by the offset of their opening bracket.
    flows: std::collections::HashSet<u32>,
}

impl Repairs {
    /// Puts the flow collection `open..close` on one line: its line breaks and comments
    /// outside quoted scalars become spaces (same length, so every offset stays). go-yaml
    /// reads flow collections without regard to indentation; saphyr, as YAML 1.2 says,
    /// rejects lines indented less than the block they are in.
    fn flatten(&mut self, file: &SourceFile, open: usize, close: usize) {
        let mut text = self
            .patched
            .take()
            .map_or_else(|| file.text.clone(), |p| p.text)
            .into_bytes();
        let mut i = open;
        let mut comment = false;
        while i < close {
            let b = text[i];
            if comment {
                // Every byte of a comment becomes a space (a non-ASCII character's bytes too,
                // so the text stays UTF-8); the line break that ends it as well.
                comment = !matches!(b, b'\n' | b'\r');
                text[i] = b' ';
                i += 1;
                continue;
            }
            match b {
                b'\'' | b'"' => match quoted_end(file.text.as_bytes(), i as u32) {
                    Some(end) => i = end as usize,
                    None => return,
                },
                b'#' if i > 0 && matches!(text[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                    comment = true;
                    text[i] = b' ';
                    i += 1;
                }
                b'\n' | b'\r' => {
                    text[i] = b' ';
                    i += 1;
                }
                _ => i += 1,
            }
        }
        let text = String::from_utf8(text).expect("whole characters were replaced by spaces");
        self.patched = Some(SourceFile::new(&file.path, text));
    }
}

/// The innermost flow collection (`[...]` or `{...}`) open at `at`, scanning `text` from
/// `from` (a line start outside any flow collection): the offsets of its opening bracket
/// and of its closing one. Quoted scalars and comments are skipped; a bracket opens a
/// collection only where a token may start (after `: `, `- `, `,`, another bracket, or
/// at the start of a line's content), as in `key: [a]` but not `key: a[0]`.
fn enclosing_flow(text: &str, from: usize, at: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut stack: Vec<usize> = Vec::new();
    let mut found: Option<usize> = None;
    let mut i = from;
    while i < bytes.len() {
        if i >= at && found.is_none() {
            found = Some(*stack.last()?);
        }
        let b = bytes[i];
        match b {
            b'\'' | b'"' if token_start(bytes, i) || !stack.is_empty() => {
                i = quoted_end(bytes, i as u32)? as usize;
                continue;
            }
            b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'[' | b'{' if !stack.is_empty() || token_start(bytes, i) => stack.push(i),
            b']' | b'}' if !stack.is_empty() => {
                let open = stack.pop()?;
                if found == Some(open) {
                    return Some((open, i + 1));
                }
                if stack.is_empty() && found.is_some() {
                    return None;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether a token may start at `i` in block context: after `: `, `- `, `? ` or at the
/// start of a line's content.
fn token_start(bytes: &[u8], i: usize) -> bool {
    let mut j = i;
    while j > 0 && matches!(bytes[j - 1], b' ' | b'\t') {
        j -= 1;
    }
    if j == 0 || matches!(bytes[j - 1], b'\n' | b'\r') {
        return true;
    }
    j < i && matches!(bytes[j - 1], b':' | b'-' | b'?' | b',')
}

/// Which repairs of quoted scalars a parse makes before the parser asks for them.
enum Predict {
    /// At the first failure, every candidate of the file ([`multi_line_quoted_scalars`]).
    All,
    /// These, from the start (the confirmed part of an earlier prediction).
    Seed(Vec<(u32, u32, String)>),
    /// None: each repair where the parser fails.
    Off,
}

impl Repairs {
    fn add(&mut self, file: &SourceFile, regions: &[(u32, u32, String)]) {
        let mut text = self
            .patched
            .take()
            .map_or_else(|| file.text.clone(), |p| p.text)
            .into_bytes();
        for (start, end, value) in regions {
            for b in &mut text[*start as usize..*end as usize] {
                if *b == b'\n' || *b == b'\r' {
                    *b = b' ';
                }
            }
            self.values.insert(*start, value.clone());
        }
        self.regions.extend(regions.iter().cloned());
        let text = String::from_utf8(text).expect("only ASCII bytes were replaced");
        self.patched = Some(SourceFile::new(&file.path, text));
    }
}

/// One pass over the stream. With [`Predict::All`], the first lenient-quote failure repairs
/// every multi-line quoted scalar of the file at once (one re-parse instead of one per
/// scalar). When a predicted repair turns out not to be a quoted scalar, the result is the
/// repairs the parser confirmed, to parse again with.
#[allow(clippy::type_complexity)]
fn parse_with(
    file: &SourceFile,
    origin: &SourceFile,
    predict: Predict,
    track: bool,
) -> Result<(Vec<ParsedDocument>, Vec<Problem>, Vec<(Span, bool)>), Vec<(u32, u32, String)>> {
    let mut docs = Vec::new();
    let mut problems = Vec::new();
    let mut literals = Vec::new();
    let mut budget = AliasBudget::new(file.text.len());
    let mut first_line = 1usize;
    let mut doc_index = 0usize;
    let mut repairs = Repairs::default();
    if let Predict::Seed(regions) = &predict
        && !regions.is_empty()
    {
        repairs.add(file, regions);
        repairs.predicted = true;
    }
    loop {
        let start = file.lines().byte_of(&file.text, first_line, 0);
        let conv = repairs.patched.as_ref().unwrap_or(file);
        let conv_line = conv.position(start).line as usize;
        let chunk = &conv.text[start as usize..];
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut b = Builder::new(file, conv, &repairs.values, conv_line - 1, doc_index);
            b.origin = origin;
            b.track = track;
            b.budget = budget;
            let failed_at = b.run(chunk);
            (b, failed_at)
        }));
        let (builder, failed_at) = match outcome {
            Ok(v) => v,
            Err(_) => {
                problems.push(Problem {
                    kind: ProblemKind::Syntax,
                    span: Span::empty(start),
                    message: "the YAML parser failed on this input".into(),
                });
                return Ok((docs, problems, literals));
            }
        };
        if let Some(Failure {
            byte,
            lenient_quote: true,
            ..
        }) = failed_at
            && repairs.values.len() < 10_000
            && !repairs.values.contains_key(&byte)
            && let Some((end, value)) = lenient_quoted(file, byte)
        {
            let mut regions = vec![(byte, end, value)];
            if matches!(predict, Predict::All) && !repairs.predicted {
                repairs.predicted = true;
                regions.extend(multi_line_quoted_scalars(file).into_iter().filter(|r| r.0 != byte));
            }
            repairs.add(file, &regions);
            continue; // the same chunk again, with the scalars repaired
        }
        if let Some(Failure {
            byte,
            indentation: true,
            ..
        }) = failed_at
            && repairs.flows.len() < 10_000
            && let Some((open, close)) = enclosing_flow(&file.text, start as usize, byte as usize)
            && repairs.flows.insert(open as u32)
        {
            repairs.flatten(file, open, close);
            continue; // the same chunk again, with the flow collection on one line
        }
        repairs.confirmed.extend(builder.confirmed.iter().copied());
        budget = builder.budget;
        literals.extend(builder.literals);
        doc_index = builder.doc_index;
        docs.extend(builder.docs);
        problems.extend(builder.problems);
        match failed_at {
            None => break,
            // Resume at the next `---` (the error line itself can be one, but never the
            // first line of this attempt, or it would fail the same way again).
            Some(f) => {
                let line = file.position(f.byte).line as usize;
                match next_separator_line(file, line.max(first_line + 1)) {
                    Some(l) => first_line = l,
                    None => break,
                }
            }
        }
    }
    if repairs.predicted && repairs.values.keys().any(|k| !repairs.confirmed.contains(k)) {
        let confirmed = repairs.confirmed;
        return Err(repairs
            .regions
            .into_iter()
            .filter(|r| confirmed.contains(&r.0))
            .collect());
    }
    literals.sort_by_key(|(s, _)| s.start);
    Ok((docs, problems, literals))
}

/// Candidates for repair: quoted scalars that open after `key: `, `- ` or at the start of
/// a line's content, and close on a later line. Only a guess, which the parser confirms.
fn multi_line_quoted_scalars(file: &SourceFile) -> Vec<(u32, u32, String)> {
    let bytes = file.text.as_bytes();
    let mut out = Vec::new();
    let mut line_start = 0usize;
    let mut skip_until = 0usize;
    while line_start < bytes.len() {
        let line_end = bytes[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| line_start + i);
        if line_start >= skip_until {
            let line = &bytes[line_start..line_end];
            let mut i = line.iter().take_while(|&&b| b == b' ').count();
            while line[i..].starts_with(b"- ") {
                i += 2;
            }
            let quote_at = if matches!(line.get(i), Some(b'\'' | b'"')) {
                Some(i)
            } else {
                line.windows(3)
                    .position(|w| w[0] == b':' && w[1] == b' ' && (w[2] == b'\'' || w[2] == b'"'))
                    .map(|p| p + 2)
            };
            if let Some(q) = quote_at
                && !line[..q].contains(&b'#')
                && let Some((end, value)) = lenient_quoted(file, (line_start + q) as u32)
                && end as usize > line_end
            {
                out.push(((line_start + q) as u32, end, value));
                skip_until = end as usize;
            }
        }
        line_start = line_end + 1;
    }
    out
}

/// Where a parse stopped.
struct Failure {
    byte: u32,
    /// saphyr's "invalid indentation in quoted scalar", which go-yaml accepts.
    lenient_quote: bool,
    /// saphyr's "invalid indentation" (in a flow construct or not): go-yaml ignores
    /// indentation inside `[...]` and `{...}`.
    indentation: bool,
}

/// go-yaml (and so kubectl) accepts a multi-line quoted scalar whose continuation lines
/// are not indented deeper than its key; YAML 1.2, and saphyr, do not. For the scalar
/// whose opening quote is at `quote`, returns its end (past the closing quote) and its
/// value, which saphyr computes from the same text with every continuation line indented
/// one more space (indentation is folded away, so the value is the same).
fn lenient_quoted(file: &SourceFile, quote: u32) -> Option<(u32, String)> {
    let end = quoted_end(file.text.as_bytes(), quote)? as usize;
    let source = &file.text[quote as usize..end];
    let doc = format!("x: {}\n", source.replace('\n', "\n "));
    let mut parser = Parser::new_from_str(&doc);
    while let Some(Ok((event, _))) = parser.next_event() {
        if let Event::Scalar(v, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted, _, _) = event {
            return Some((end as u32, v.into_owned()));
        }
    }
    None
}

/// The end (past the closing quote) of the quoted scalar whose opening quote is at `quote`.
fn quoted_end(bytes: &[u8], quote: u32) -> Option<u32> {
    let q = *bytes.get(quote as usize)?;
    if q != b'\'' && q != b'"' {
        return None;
    }
    let mut i = quote as usize + 1;
    loop {
        match (bytes.get(i)?, q) {
            (b'\\', b'"') => i += 2,
            (b'\'', b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
            (&c, _) if c == q => return Some(i as u32 + 1),
            _ => i += 1,
        }
    }
}

/// The first line from `line` (1-based) on that starts a new document (`---`).
fn next_separator_line(file: &SourceFile, line: usize) -> Option<usize> {
    let lines = file.lines();
    (line..=lines.line_count()).find(|&l| {
        let start = lines.byte_of(&file.text, l, 0) as usize;
        let rest = &file.text.as_bytes()[start..];
        rest.starts_with(b"---") && rest.get(3).is_none_or(|b| b.is_ascii_whitespace())
    })
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: u32,
        flow: bool,
        anchor: usize,
    },
    Map {
        entries: Vec<Entry>,
        /// Index of keys, built once a mapping grows large.
        index: Option<HashMap<CompactString, usize>>,
        pending: Option<PendingKey>,
        /// Keys whose value came from a `<<` merge and was not written since.
        merged: Option<std::collections::HashSet<CompactString>>,
        start: u32,
        flow: bool,
        anchor: usize,
    },
}

struct PendingKey {
    key: CompactString,
    span: Span,
    merge: bool,
}

/// How much alias expansion a file may still add (see [`ALIAS_BYTE_FLOOR`]); shared by
/// every parse attempt of the file, so that resuming after errors does not reset it.
#[derive(Clone, Copy)]
struct AliasBudget {
    own_nodes: usize,
    alias_nodes: usize,
    alias_bytes: usize,
    byte_limit: usize,
}

impl AliasBudget {
    fn new(file_len: usize) -> Self {
        AliasBudget {
            own_nodes: 0,
            alias_nodes: 0,
            alias_bytes: 0,
            byte_limit: ALIAS_BYTE_FLOOR.max(ALIAS_BYTE_RATIO.saturating_mul(file_len)),
        }
    }

    /// Takes `nodes` and `bytes` from the budget, or says what limit they would exceed.
    fn take(&mut self, nodes: usize, bytes: usize) -> Result<(), String> {
        let node_limit = ALIAS_NODE_FLOOR.max(ALIAS_NODE_RATIO * self.own_nodes);
        if self.alias_nodes + nodes > node_limit {
            return Err(format!("{node_limit} nodes"));
        }
        if self.alias_bytes + bytes > self.byte_limit {
            return Err(format!("{} bytes", self.byte_limit));
        }
        self.alias_nodes += nodes;
        self.alias_bytes += bytes;
        Ok(())
    }
}

/// Nodes and bytes of keys and scalars in a tree (what copying it costs).
fn weight(node: &Node) -> (usize, usize) {
    match &node.value {
        Value::String(s) => (1, s.len() + 24),
        Value::Seq(items) => items.iter().fold((1, 24), |(n, b), i| {
            let (a, c) = weight(i);
            (n + a, b + c)
        }),
        Value::Map(entries) => entries.iter().fold((1, 24), |(n, b), e| {
            let (a, c) = weight(&e.value);
            (n + a, b + c + e.key.len() + 32)
        }),
        _ => (1, 24),
    }
}

pub(super) struct Builder<'f> {
    /// The text parsed, for slices.
    file: &'f SourceFile,
    /// The file as written (differs from `file` by same-length patches), for line numbers
    /// in messages.
    origin: &'f SourceFile,
    /// Whether to record where quoted and block scalars are (`literals`).
    track: bool,
    literals: Vec<(Span, bool)>,
    budget: AliasBudget,
    /// The text the parser reads (the file, or its lenient-repaired copy: same bytes
    /// except blanked line breaks), for turning parser positions into byte offsets.
    conv: &'f SourceFile,
    overrides: &'f HashMap<u32, String>,
    /// Repaired scalars the parser reached (their starts).
    confirmed: Vec<u32>,
    line_offset: usize,
    stack: Vec<Frame>,
    /// Emptied item and entry buffers of closed collections, reused by the next ones: a
    /// collection grows in a buffer and is copied once, at its exact size, when it closes
    /// (growing each collection's own `Vec` reallocated it log2(n) times, then once more to
    /// shed the spare room).
    spare_items: Vec<Vec<Node>>,
    spare_entries: Vec<Vec<Entry>>,
    root: Option<Node>,
    /// Anchored nodes with their [`weight`].
    anchors: HashMap<usize, (Node, (usize, usize))>,
    alias_limit_hit: bool,
    doc_index: usize,
    in_document: bool,
    pub(super) docs: Vec<ParsedDocument>,
    pub(super) problems: Vec<Problem>,
}

/// The items of `buffer` in a slice of their exact size; `buffer`, emptied, goes to `spare`.
fn exact<T>(buffer: &mut Vec<T>, spare: &mut Vec<Vec<T>>) -> Box<[T]> {
    let mut items = Vec::with_capacity(buffer.len());
    items.append(buffer);
    spare.push(std::mem::take(buffer));
    items.into_boxed_slice()
}

impl<'f> Builder<'f> {
    pub(super) fn new(
        file: &'f SourceFile,
        conv: &'f SourceFile,
        overrides: &'f HashMap<u32, String>,
        line_offset: usize,
        doc_index: usize,
    ) -> Self {
        Builder {
            file,
            origin: file,
            track: false,
            literals: Vec::new(),
            budget: AliasBudget::new(file.text.len()),
            conv,
            overrides,
            confirmed: Vec::new(),
            line_offset,
            stack: Vec::new(),
            spare_items: Vec::new(),
            spare_entries: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            alias_limit_hit: false,
            doc_index,
            in_document: false,
            docs: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn byte(&self, m: &Marker) -> u32 {
        self.conv
            .lines()
            .byte_of(&self.conv.text, m.line() + self.line_offset, m.col())
    }

    /// Runs the parser over `chunk`; returns where a fatal syntax error stopped it.
    fn run(&mut self, chunk: &str) -> Option<Failure> {
        let mut parser = Parser::new_from_str(chunk);
        while let Some(next) = parser.next_event() {
            let (event, span) = match next {
                Ok(v) => v,
                Err(e) => {
                    let at = self.byte(e.marker());
                    self.fatal(Span::empty(at), e.info().to_string());
                    return Some(Failure {
                        byte: at,
                        lenient_quote: e.info() == "invalid indentation in quoted scalar",
                        indentation: matches!(
                            e.info(),
                            "invalid indentation" | "invalid indentation in flow construct"
                        ),
                    });
                }
            };
            let start = self.byte(&span.start);
            let end = self.byte(&span.end);
            let result = match event {
                Event::DocumentStart(_) => {
                    self.begin_document();
                    Ok(())
                }
                Event::DocumentEnd => {
                    self.end_document();
                    Ok(())
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let node = self.scalar(&text, style, tag.as_deref(), start, end);
                    let merge = style == ScalarStyle::Plain && text == "<<" && tag.is_none();
                    self.complete(node, anchor, merge)
                }
                Event::SequenceStart(anchor, _) => self.open_seq(start, self.opens_flow(start, end, b'['), anchor),
                Event::MappingStart(anchor, _) => self.open_map(start, self.opens_flow(start, end, b'{'), anchor),
                // A flow collection ends past its bracket (the event's span runs on over
                // the spaces and comment after it); a block one where its last item ends.
                Event::SequenceEnd | Event::MappingEnd => self.close(start + 1),
                Event::Alias(id) => self.alias(id, Span::new(start, end)),
                Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(()),
            };
            if let Err(message) = result {
                self.fatal(Span::new(start, end), message);
                return Some(Failure {
                    byte: start,
                    lenient_quote: false,
                    indentation: false,
                });
            }
        }
        None
    }

    /// Whether a collection start event spanning `start..end` opens a flow collection with
    /// `bracket`: the event covers an anchor or tag before the bracket and the spaces after
    /// it; a block collection's start event is empty.
    fn opens_flow(&self, start: u32, end: u32, bracket: u8) -> bool {
        self.file
            .slice(Span::new(start, end))
            .trim_end_matches([' ', '\t', '\r', '\n'])
            .ends_with(bracket as char)
    }

    fn fatal(&mut self, span: Span, message: String) {
        // The broken document keeps its place in the numbering.
        if self.in_document {
            self.doc_index += 1;
            self.in_document = false;
        }
        self.problems.push(Problem {
            kind: ProblemKind::Syntax,
            span,
            message,
        });
    }

    pub(super) fn begin_document(&mut self) {
        self.stack.clear();
        self.root = None;
        self.anchors.clear();
        self.alias_limit_hit = false;
        self.in_document = true;
    }

    pub(super) fn end_document(&mut self) {
        if let Some(root) = self.root.take() {
            self.docs.push(ParsedDocument {
                index: self.doc_index,
                root,
            });
        }
        if self.in_document {
            self.doc_index += 1;
        }
        self.in_document = false;
    }

    pub(super) fn scalar(&mut self, text: &str, style: ScalarStyle, tag: Option<&Tag>, start: u32, end: u32) -> Node {
        let mut span = Span::new(start, end);
        if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            // A block scalar's span runs to the next token; trim the trailing break.
            let bytes = self.file.text.as_bytes();
            while span.end > span.start && bytes[span.end as usize - 1].is_ascii_whitespace() {
                span.end -= 1;
            }
        }
        if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
            // The parser's end can run on over a comment after the closing quote.
            if let Some(end) = quoted_end(self.file.text.as_bytes(), start) {
                span.end = span.end.min(end).max(span.start);
            }
        }
        if self.track && style != ScalarStyle::Plain {
            let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
            self.literals.push((span, quoted));
        }
        if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted)
            && let Some(v) = self.overrides.get(&start)
        {
            self.confirmed.push(start);
            return Node::new(Value::String(v.into()), span);
        }
        let value = match (style, tag) {
            (_, Some(tag)) if tag.is_yaml_core_schema() => resolve_tagged(text, &tag.suffix),
            (ScalarStyle::Plain, _) => match resolve_plain(text) {
                Resolved::Null => Value::Null,
                Resolved::Bool(b) => Value::Bool(b),
                Resolved::Int(i) => Value::Int(i),
                Resolved::Float(f) => Value::Float(f),
                Resolved::Str => Value::String(text.into()),
            },
            _ => Value::String(text.into()),
        };
        if matches!(value, Value::Float(f) if !f.is_finite()) {
            self.file.mark_non_finite();
            self.origin.mark_non_finite();
        }
        Node::new(value, span)
    }

    /// Opens a sequence starting at `start` (its items grow in a spare buffer).
    pub(super) fn open_seq(&mut self, start: u32, flow: bool, anchor: usize) -> Result<(), String> {
        let items = self.spare_items.pop().unwrap_or_default();
        self.open(Frame::Seq {
            items,
            start,
            flow,
            anchor,
        })
    }

    /// Opens a mapping starting at `start` (its entries grow in a spare buffer).
    pub(super) fn open_map(&mut self, start: u32, flow: bool, anchor: usize) -> Result<(), String> {
        let entries = self.spare_entries.pop().unwrap_or_default();
        self.open(Frame::Map {
            entries,
            index: None,
            pending: None,
            merged: None,
            start,
            flow,
            anchor,
        })
    }

    fn open(&mut self, frame: Frame) -> Result<(), String> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!("nesting is deeper than {MAX_DEPTH} levels"));
        }
        self.stack.push(frame);
        Ok(())
    }

    pub(super) fn close(&mut self, end: u32) -> Result<(), String> {
        let Some(frame) = self.stack.pop() else {
            return Err("unbalanced end of collection".into());
        };
        let (node, anchor) = match frame {
            Frame::Seq {
                mut items,
                start,
                flow,
                anchor,
            } => {
                // Trees live for the whole run: no spare capacity (a growing Vec keeps up
                // to half its room unused).
                let items = exact(&mut items, &mut self.spare_items);
                let end = if flow {
                    end
                } else {
                    items.last().map_or(start, |n| n.span.end)
                };
                (Node::new(Value::Seq(items), Span::new(start, end.max(start))), anchor)
            }
            Frame::Map {
                mut entries,
                start,
                flow,
                anchor,
                ..
            } => {
                let entries = exact(&mut entries, &mut self.spare_entries);
                let end = if flow {
                    end
                } else {
                    entries
                        .iter()
                        .map(|e| e.value.span.end)
                        .filter(|&e| e >= start)
                        .max()
                        .unwrap_or(start)
                };
                (Node::new(Value::Map(entries), Span::new(start, end.max(start))), anchor)
            }
        };
        self.complete(node, anchor, false)
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), String> {
        let Some((node, (nodes, bytes))) = self.anchors.get(&id) else {
            return Err("alias refers to an unknown anchor".into());
        };
        let node = match self.budget.take(*nodes, *bytes) {
            Err(limit) => {
                if !self.alias_limit_hit {
                    self.alias_limit_hit = true;
                    self.problems.push(Problem {
                        kind: ProblemKind::AliasLimit,
                        span,
                        message: format!(
                            "alias expansion would exceed {limit} for this file; this and further aliases in the document are read as null"
                        ),
                    });
                }
                Node::new(Value::Null, span)
            }
            Ok(()) => node.clone(),
        };
        // An alias is not an anchor: pass 0 so it is not re-registered.
        self.complete_counted(node, 0, false, false)
    }

    pub(super) fn complete(&mut self, node: Node, anchor: usize, merge_key: bool) -> Result<(), String> {
        self.complete_counted(node, anchor, merge_key, true)
    }

    fn complete_counted(&mut self, node: Node, anchor: usize, merge_key: bool, own: bool) -> Result<(), String> {
        if own {
            self.budget.own_nodes += 1;
        }
        if anchor != 0 {
            let w = weight(&node);
            self.anchors.insert(anchor, (node.clone(), w));
        }
        let file = self.origin;
        let Some(top) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match top {
            Frame::Seq { items, .. } => items.push(node),
            Frame::Map {
                entries,
                index,
                pending,
                merged,
                ..
            } => match pending.take() {
                None => {
                    let key = match &node.value {
                        Value::String(s) => s.clone(),
                        Value::Null => "null".into(),
                        Value::Bool(b) => b.to_string().into(),
                        Value::Int(i) => i.to_string().into(),
                        Value::Float(f) => f.to_string().into(),
                        Value::Seq(_) | Value::Map(_) => {
                            return Err("a mapping key must be a scalar, not a collection".into());
                        }
                    };
                    *pending = Some(PendingKey {
                        key,
                        span: node.span,
                        merge: merge_key,
                    });
                }
                // go-yaml v2 applies a merge where it stands: its keys overwrite what came
                // before (explicit keys too), later keys overwrite it, and of a list of maps
                // the earlier ones win.
                Some(k) if k.merge => {
                    let sources: Vec<Node> = match node.value {
                        Value::Map(_) => vec![node],
                        Value::Seq(items) if items.iter().all(|n| matches!(n.value, Value::Map(_))) => {
                            items.into_iter().rev().collect()
                        }
                        _ => {
                            return Err("the value of a `<<` merge key must be a mapping or a list of mappings".into());
                        }
                    };
                    let merged = merged.get_or_insert_with(Default::default);
                    for source in sources {
                        let Value::Map(src) = source.value else { continue };
                        for e in src {
                            // Newly marked as merged: the key so far was written explicitly.
                            let explicit = merged.insert(e.key.clone());
                            match find_key(entries, index, &e.key) {
                                Some(i) => {
                                    if explicit {
                                        self.problems.push(duplicate_key(file, entries[i].key_span, k.span, |at| {
                                            format!("this merge overrides `{}` set at {at}: kubectl (go-yaml v2) applies `<<` in document order, so the merged value wins; move the key after the merge", e.key)
                                        }));
                                    }
                                    entries[i] = e;
                                }
                                None => push_entry(entries, index, e),
                            }
                        }
                    }
                }
                Some(k) => {
                    let entry = Entry {
                        key: k.key,
                        key_span: k.span,
                        value: node,
                    };
                    match find_key(entries, index, &entry.key) {
                        Some(i) if merged.as_mut().is_some_and(|m| m.remove(&entry.key)) => entries[i] = entry,
                        Some(i) => {
                            self.problems
                                .push(duplicate_key(file, entries[i].key_span, entry.key_span, |at| {
                                    format!(
                                        "duplicate key `{}` (first defined at {at}); `kubectl apply` rejects it (strict field validation), and lenient decoders keep only the last value",
                                        entry.key
                                    )
                                }));
                            entries[i] = entry;
                        }
                        None => push_entry(entries, index, entry),
                    }
                }
            },
        }
        Ok(())
    }
}

/// A `duplicate-key` problem at `at` about the key first written at `first`; `message`
/// gets the first key's place as "line L, column C".
fn duplicate_key(file: &SourceFile, first: Span, at: Span, message: impl FnOnce(String) -> String) -> Problem {
    let p = file.position(first.start);
    Problem {
        kind: ProblemKind::DuplicateKey,
        span: at,
        message: message(format!("line {}, column {}", p.line, p.column)),
    }
}

/// The entry of `key`, through the key index once the mapping has one.
fn find_key(entries: &[Entry], index: &mut Option<HashMap<CompactString, usize>>, key: &str) -> Option<usize> {
    if index.is_none() && entries.len() >= 16 {
        *index = Some(entries.iter().enumerate().map(|(i, e)| (e.key.clone(), i)).collect());
    }
    match index {
        Some(map) => map.get(key).copied(),
        None => entries.iter().position(|e| e.key == key),
    }
}

fn push_entry(entries: &mut Vec<Entry>, index: &mut Option<HashMap<CompactString, usize>>, entry: Entry) {
    if let Some(map) = index {
        map.insert(entry.key.clone(), entries.len());
    }
    entries.push(entry);
}

fn resolve_tagged(text: &str, suffix: &str) -> Value {
    let plain = || match resolve_plain(text) {
        Resolved::Null => Value::Null,
        Resolved::Bool(b) => Value::Bool(b),
        Resolved::Int(i) => Value::Int(i),
        Resolved::Float(f) => Value::Float(f),
        Resolved::Str => Value::String(text.into()),
    };
    match (suffix, resolve_plain(text)) {
        ("null", Resolved::Null) => Value::Null,
        ("bool", Resolved::Bool(b)) => Value::Bool(b),
        ("int", Resolved::Int(i)) => Value::Int(i),
        ("float", Resolved::Float(f)) => Value::Float(f),
        ("float", Resolved::Int(i)) => Value::Float(i as f64),
        ("str" | "binary" | "timestamp", _) => Value::String(text.into()),
        ("null" | "bool" | "int" | "float", _) => Value::String(text.into()),
        _ => plain(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<ParsedDocument>, Vec<Problem>, SourceFile) {
        let file = SourceFile::new("t.yaml", text.to_string());
        let (d, p) = parse_stream(&file);
        (d, p, file)
    }

    #[test]
    fn quoted_scalar_spans_end_at_the_closing_quote() {
        let (docs, _, file) = parse("a: \"x\" # c\nb: 'y''s'   # d\nc: [\"z\" # e\n , 1]\n");
        let r = &docs[0].root;
        assert_eq!(file.slice(r.get("a").unwrap().span), "\"x\"");
        assert_eq!(file.slice(r.get("b").unwrap().span), "'y''s'");
        assert_eq!(file.slice(r.pointer("/c/0").unwrap().span), "\"z\"");
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let (docs, problems, file) = parse("a:\n  b: \"quoted\"\n  c: [1, two]\n");
        assert!(problems.is_empty());
        let root = &docs[0].root;
        assert_eq!(file.slice(root.pointer("/a/b").unwrap().span), "\"quoted\"");
        assert_eq!(file.slice(root.key_span("/a/c").unwrap()), "c");
        assert_eq!(file.slice(root.pointer("/a/c/1").unwrap().span), "two");
        assert_eq!(file.slice(root.pointer("/a/c").unwrap().span), "[1, two]");
        assert_eq!(
            file.slice(root.pointer("/a").unwrap().span),
            "b: \"quoted\"\n  c: [1, two]"
        );
    }

    #[test]
    fn duplicate_key_reported_at_second_key() {
        let (docs, problems, file) = parse("a: 1\nb: 2\na: 3\n");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, ProblemKind::DuplicateKey);
        assert_eq!(file.position(problems[0].span.start).line, 3);
        assert!(problems[0].message.contains("line 1"));
        assert_eq!(docs[0].root.get("a").unwrap().as_i64(), Some(3));
    }

    #[test]
    fn duplicate_keys_in_large_maps() {
        let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k7: again\n");
        let (_, problems, _) = parse(&text);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("`k7`"));
    }

    #[test]
    fn merge_keys_and_aliases() {
        let (docs, problems, _) = parse("base: &b {p: 1, q: 2}\nobj:\n  <<: *b\n  q: 3\nlist: [*b]\n");
        assert!(problems.is_empty(), "{problems:?}");
        let obj = docs[0].root.get("obj").unwrap();
        assert_eq!(obj.get("p").unwrap().as_i64(), Some(1));
        assert_eq!(obj.get("q").unwrap().as_i64(), Some(3));
        assert_eq!(docs[0].root.pointer("/list/0/q").unwrap().as_i64(), Some(2));
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut text =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            text.push_str(&format!(
                "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
            prev = n;
        }
        let (docs, problems, _) = parse(&text);
        assert_eq!(problems.iter().filter(|p| p.kind == ProblemKind::AliasLimit).count(), 1);
        assert!(docs[0].root.count() < 100_000);
    }

    #[test]
    fn syntax_error_keeps_later_documents() {
        let (docs, problems, file) = parse("a: 1\n---\nb: [\n---\nc: 3\n");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, ProblemKind::Syntax);
        assert_eq!(file.position(problems[0].span.start).line, 4);
        let roots: Vec<_> = docs
            .iter()
            .map(|d| (d.index, d.root.as_map().unwrap()[0].key.clone()))
            .collect();
        assert_eq!(
            roots,
            vec![(0, CompactString::from("a")), (2, CompactString::from("c"))]
        );
        assert_eq!(file.position(docs[1].root.span.start).line, 5);
    }

    #[test]
    fn yaml_1_1_and_tags() {
        let (docs, _, _) = parse("a: yes\nb: 0644\nc: !!str 12\nd: \"on\"\non: x\ne: !!int \"7\"\n");
        let r = &docs[0].root;
        assert_eq!(r.get("a").unwrap().as_bool(), Some(true));
        assert_eq!(r.get("b").unwrap().as_i64(), Some(420));
        assert_eq!(r.get("c").unwrap().as_str(), Some("12"));
        assert_eq!(r.get("d").unwrap().as_str(), Some("on"));
        assert_eq!(r.get("true").unwrap().as_str(), Some("x"));
        assert_eq!(r.get("e").unwrap().as_i64(), Some(7));
    }

    #[test]
    fn block_scalars_crlf_and_bom() {
        let (docs, problems, file) = parse("\u{feff}a: |\r\n  line1\r\n  line2\r\nb: é\r\n");
        assert!(problems.is_empty());
        let a = docs[0].root.get("a").unwrap();
        assert_eq!(a.as_str(), Some("line1\nline2\n"));
        assert_eq!(file.slice(a.span), "line1\r\n  line2");
        let b = docs[0].root.get("b").unwrap();
        assert_eq!(file.slice(b.span), "é");
        assert_eq!(
            file.position(b.span.start),
            crate::load::Position { line: 4, column: 4 }
        );
        assert_eq!(file.position(docs[0].root.key_span("/a").unwrap().start).column, 1);
    }

    #[test]
    fn too_deep_is_a_problem_not_a_crash() {
        let text = "[".repeat(100_000);
        let (_, problems, _) = parse(&text);
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn under_indented_quoted_scalars_read_as_kubectl_reads_them() {
        let text = "a:\n  - m: 'one\n    two'\n    d: \"x\\\"\n    y\"\n    k: 1\nb: 2\n";
        let (docs, problems, file) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        let r = &docs[0].root;
        assert_eq!(r.pointer("/a/0/m").unwrap().as_str(), Some("one two"));
        assert_eq!(r.pointer("/a/0/d").unwrap().as_str(), Some("x\" y"));
        assert_eq!(file.slice(r.pointer("/a/0/d").unwrap().span), "\"x\\\"\n    y\"");
        assert_eq!(file.position(r.key_span("/a/0/k").unwrap().start).line, 6);
        assert_eq!(file.position(r.key_span("/b").unwrap().start).line, 7);
    }

    #[test]
    fn flow_collections_ignore_indentation_as_go_yaml_does() {
        // The closing bracket at the key's indentation, items less indented than the key,
        // a comment and a quoted item inside: go-yaml (kubectl) accepts all of these.
        let text = "spec:\n  args: [\n    \"a\", # first\n  b,\n 'c\n  d'\n  ]\n  labels: {\nx: z,\n  }\n  after: 1\nother: a[0]\n";
        let (docs, problems, file) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        let r = &docs[0].root;
        let args: Vec<_> = r
            .pointer("/spec/args")
            .unwrap()
            .as_seq()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect();
        assert_eq!(args, ["a", "b", "c d"]);
        assert_eq!(r.pointer("/spec/labels/x").unwrap().as_str(), Some("z"));
        assert_eq!(r.pointer("/other").unwrap().as_str(), Some("a[0]"));
        // Positions are those of the original text.
        assert_eq!(file.position(r.pointer("/spec/args/1").unwrap().span.start).line, 4);
        assert_eq!(file.position(r.key_span("/spec/after").unwrap().start).line, 11);
        // Indentation outside flow collections is still an error.
        let (_, problems, _) = parse("a:\n    b: 1\n  c: 2\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn predicted_repairs_that_are_not_scalars_fall_back() {
        // The block scalar holds a line that looks like a multi-line quoted scalar; the
        // prediction is refused and the real one is repaired alone.
        let text = "a:\n  - s: |\n      x: 'not\n      closed'\n    m: 'one\n    two'\n";
        let (docs, problems, _) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        let r = &docs[0].root;
        assert_eq!(r.pointer("/a/0/s").unwrap().as_str(), Some("x: 'not\nclosed'\n"));
        assert_eq!(r.pointer("/a/0/m").unwrap().as_str(), Some("one two"));
    }

    #[test]
    fn complex_keys_are_problems() {
        let (_, problems, _) = parse("? [a, b]\n: 1\n");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("scalar"));
    }

    // --- Differentials with go-yaml v2 (kubectl), issue #12 item 1 ---

    fn differentials(problems: &[Problem]) -> Vec<(u32, &str)> {
        problems
            .iter()
            .filter(|p| p.kind == ProblemKind::Differential)
            .map(|p| (p.span.start, p.message.as_str()))
            .collect()
    }

    #[test]
    fn unicode_line_breaks_end_comments_as_in_go_yaml() {
        for (ch, code) in [('\u{2028}', "U+2028"), ('\u{2029}', "U+2029"), ('\u{85}', "U+0085")] {
            let text = format!("securityContext:\n  runAsNonRoot: true # note{ch}  privileged: true\nb: 2\n");
            let (docs, problems, file) = parse(&text);
            let r = &docs[0].root;
            // kubectl sees the hidden key; so does kubelint.
            assert_eq!(
                r.pointer("/securityContext/privileged").unwrap().as_bool(),
                Some(true),
                "{code}"
            );
            assert_eq!(r.get("b").unwrap().as_i64(), Some(2));
            let d = differentials(&problems);
            assert_eq!(d.len(), 1, "{code}: {problems:?}");
            assert_eq!(d[0].0 as usize, text.find(ch).unwrap());
            assert!(d[0].1.contains(code), "{}", d[0].1);
            // Positions stay those of the file as written: the key is on line 2.
            let key = r.key_span("/securityContext/privileged").unwrap();
            assert_eq!(file.slice(key), "privileged");
            assert_eq!(file.position(key.start).line, 2);
            assert_eq!(problems.len(), 1, "{problems:?}");
        }
    }

    #[test]
    fn unicode_line_breaks_in_plain_and_block_scalars_are_reported() {
        let (_, problems, _) = parse("a: one\u{2028}  two\nb: 1\n");
        assert_eq!(differentials(&problems).len(), 1, "{problems:?}");
        let (_, problems, _) = parse("a: |\n  line1\u{2029}line2\nb: 1\n");
        assert_eq!(differentials(&problems).len(), 1, "{problems:?}");
    }

    #[test]
    fn unicode_line_breaks_inside_quotes_are_text() {
        let (docs, problems, _) = parse("a: \"x\u{2028}y\"\nb: 'p\u{85}q'\nc: [\"m\u{2029}n\"]\n");
        assert!(problems.is_empty(), "{problems:?}");
        let r = &docs[0].root;
        assert_eq!(r.get("a").unwrap().as_str(), Some("x\u{2028}y"));
        assert_eq!(r.get("b").unwrap().as_str(), Some("p\u{85}q"));
        assert_eq!(r.pointer("/c/0").unwrap().as_str(), Some("m\u{2029}n"));
        // One break inside quotes, one outside: only the outside one is reported.
        let text = "a: \"x\u{2028}y\" # c\u{2028}b: 2\n";
        let (docs, problems, _) = parse(text);
        assert_eq!(docs[0].root.get("b").unwrap().as_i64(), Some(2));
        assert_eq!(
            differentials(&problems),
            vec![(text.rfind('\u{2028}').unwrap() as u32, problems[0].message.as_str())]
        );
    }

    #[test]
    fn byte_order_mark_at_a_document_start_is_an_encoding_mark() {
        // kubectl splits at `---` and parses each document alone.
        let text = "a: 1\n---\n\u{feff}b: 2\nc: 3\n";
        let (docs, problems, file) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].root.get("c").unwrap().as_i64(), Some(3));
        assert_eq!(file.position(docs[1].root.key_span("/b").unwrap().start).line, 3);
    }

    #[test]
    fn tab_after_colon_separates_as_in_go_yaml() {
        let (docs, problems, _) = parse("a:\t1\nb: 'x:\ty'\nc: |\n  k:\tv\n");
        assert!(problems.is_empty(), "{problems:?}");
        let r = &docs[0].root;
        assert_eq!(r.get("a").unwrap().as_i64(), Some(1));
        assert_eq!(r.get("b").unwrap().as_str(), Some("x:\ty"));
        assert_eq!(r.get("c").unwrap().as_str(), Some("k:\tv\n"));
        // A tab as indentation is an error for go-yaml too.
        let (_, problems, _) = parse("a:\n\tb: 1\n");
        assert_eq!(problems[0].kind, ProblemKind::Syntax);
    }

    #[test]
    fn merges_apply_in_document_order_as_go_yaml_v2() {
        // An explicit key before the merge is overwritten by it (and reported) ...
        let (docs, problems, _) = parse("base: &b {privileged: true, x: 1}\nsc:\n  privileged: false\n  <<: *b\n");
        let sc = docs[0].root.get("sc").unwrap();
        assert_eq!(sc.get("privileged").unwrap().as_bool(), Some(true));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].kind, ProblemKind::DuplicateKey);
        assert!(
            problems[0].message.contains("overrides `privileged`"),
            "{}",
            problems[0].message
        );
        // ... a key after it overrides it silently, and in a list the earlier map wins.
        let (docs, problems, _) = parse("a: &a {k: 1, p: a}\nb: &b {k: 2, q: b}\nm:\n  <<: [*a, *b]\n  q: own\n");
        assert!(problems.is_empty(), "{problems:?}");
        let m = docs[0].root.get("m").unwrap();
        assert_eq!(m.get("k").unwrap().as_i64(), Some(1));
        assert_eq!(m.get("p").unwrap().as_str(), Some("a"));
        assert_eq!(m.get("q").unwrap().as_str(), Some("own"));
        // A quoted `<<` is an ordinary key for go-yaml.
        let (docs, _, _) = parse("a: &a {k: 1}\nm:\n  \"<<\": *a\n");
        assert!(docs[0].root.pointer("/m/<<").is_some());
    }

    #[test]
    fn yaml_1_1_scalars_as_go_yaml_reads_them() {
        let (docs, _, _) = parse("a: =\nb: On\nc: 0o17\nd: 1_000\ne: 0b101\nf: +12\ng: 2001-12-14\nh: .5\n");
        let r = &docs[0].root;
        assert_eq!(r.get("a").unwrap().as_str(), Some("="));
        assert_eq!(r.get("b").unwrap().as_bool(), Some(true));
        assert_eq!(r.get("c").unwrap().as_i64(), Some(15));
        assert_eq!(r.get("d").unwrap().as_i64(), Some(1000));
        assert_eq!(r.get("e").unwrap().as_i64(), Some(5));
        assert_eq!(r.get("f").unwrap().as_i64(), Some(12));
        assert_eq!(r.get("g").unwrap().as_str(), Some("2001-12-14"));
        assert!(matches!(r.get("h").unwrap().value, Value::Float(f) if f == 0.5));
    }

    #[test]
    fn alias_expansion_is_bounded_in_bytes() {
        // Few nodes, many bytes: a 64 KB string aliased 200 times would be 12.8 MB.
        let mut text = format!("big: &s \"{}\"\nlist:\n", "x".repeat(64 * 1024));
        for _ in 0..200 {
            text.push_str("  - *s\n");
        }
        let (docs, problems, _) = parse(&text);
        let limit: Vec<_> = problems.iter().filter(|p| p.kind == ProblemKind::AliasLimit).collect();
        assert_eq!(limit.len(), 1, "{problems:?}");
        assert!(limit[0].message.contains("bytes"), "{}", limit[0].message);
        let copied = docs[0]
            .root
            .pointer("/list")
            .unwrap()
            .as_seq()
            .unwrap()
            .iter()
            .filter(|n| n.as_str().is_some())
            .count();
        assert!((1..200).contains(&copied), "{copied}");
    }

    #[test]
    fn alias_budget_is_per_file_not_per_document() {
        // Each document stays under the per-document floor; the file as a whole does not.
        let doc = format!("a: &a \"{}\"\nb: [{}]\n", "y".repeat(1000), vec!["*a"; 1000].join(","));
        let text = vec![doc; 10].join("---\n");
        let (_, problems, _) = parse(&text);
        assert!(
            problems.iter().any(|p| p.kind == ProblemKind::AliasLimit),
            "{problems:?}"
        );
    }
}
