//! Builds spanned document trees from saphyr-parser's event stream.
//!
//! The parser reports positions as (line, character column); the file's [`LineIndex`]
//! turns them into byte offsets. Anchors and aliases are expanded within a budget (a
//! billion-laughs file costs kilobytes), `<<` merge keys are applied, duplicate keys are
//! reported at the second key, and a syntax error does not lose the rest of the stream:
//! parsing resumes at the next `---` line after the error.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};

use super::node::{Entry, Node, Value};
use super::scalar::{Resolved, resolve_plain};
use super::text::{SourceFile, Span};

/// Deepest nesting accepted; deeper input is a syntax problem (it is never a manifest,
/// and recursion over it would risk the stack).
pub const MAX_DEPTH: usize = 256;
/// Alias expansion may add at most this many nodes to a document ...
pub const ALIAS_NODE_FLOOR: usize = 10_000;
/// ... or this many times the nodes the document itself spells out, whichever is larger.
pub const ALIAS_NODE_RATIO: usize = 4;

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
}

/// Something wrong with the text itself.
#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
    pub message: String,
}

/// Parses every document of a file. Never panics: a parser panic becomes a problem.
pub fn parse_stream(file: &SourceFile) -> (Vec<ParsedDocument>, Vec<Problem>) {
    match parse_with(file, true) {
        Some(result) => result,
        // A predicted repair was not a quoted scalar after all: repair one at a time.
        None => parse_with(file, false).expect("without predictions every repair is confirmed"),
    }
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
        let text = String::from_utf8(text).expect("only ASCII bytes were replaced");
        self.patched = Some(SourceFile::new(&file.path, text));
    }
}

/// One pass over the stream. With `predict`, the first lenient-quote failure repairs every
/// multi-line quoted scalar of the file at once (one re-parse instead of one per scalar);
/// `None` when a prediction turns out not to be a quoted scalar.
fn parse_with(file: &SourceFile, predict: bool) -> Option<(Vec<ParsedDocument>, Vec<Problem>)> {
    let mut docs = Vec::new();
    let mut problems = Vec::new();
    let mut first_line = 1usize;
    let mut doc_index = 0usize;
    let mut repairs = Repairs::default();
    loop {
        let start = file.lines().byte_of(&file.text, first_line, 0);
        let conv = repairs.patched.as_ref().unwrap_or(file);
        let conv_line = conv.position(start).line as usize;
        let chunk = &conv.text[start as usize..];
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut b = Builder::new(file, conv, &repairs.values, conv_line - 1, doc_index);
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
                return Some((docs, problems));
            }
        };
        if let Some(Failure {
            byte,
            lenient_quote: true,
        }) = failed_at
            && repairs.values.len() < 10_000
            && !repairs.values.contains_key(&byte)
            && let Some((end, value)) = lenient_quoted(file, byte)
        {
            let mut regions = vec![(byte, end, value)];
            if predict && !repairs.predicted {
                repairs.predicted = true;
                regions.extend(multi_line_quoted_scalars(file).into_iter().filter(|r| r.0 != byte));
            }
            repairs.add(file, &regions);
            continue; // the same chunk again, with the scalars repaired
        }
        repairs.confirmed.extend(builder.confirmed.iter().copied());
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
        return None;
    }
    Some((docs, problems))
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
}

/// go-yaml (and so kubectl) accepts a multi-line quoted scalar whose continuation lines
/// are not indented deeper than its key; YAML 1.2, and saphyr, do not. For the scalar
/// whose opening quote is at `quote`, returns its end (past the closing quote) and its
/// value, which saphyr computes from the same text with every continuation line indented
/// one more space (indentation is folded away, so the value is the same).
fn lenient_quoted(file: &SourceFile, quote: u32) -> Option<(u32, String)> {
    let bytes = file.text.as_bytes();
    let q = *bytes.get(quote as usize)?;
    if q != b'\'' && q != b'"' {
        return None;
    }
    let mut i = quote as usize + 1;
    let end = loop {
        match (bytes.get(i)?, q) {
            (b'\\', b'"') => i += 2,
            (b'\'', b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
            (&c, _) if c == q => break i + 1,
            _ => i += 1,
        }
    };
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
        index: Option<HashMap<String, usize>>,
        pending: Option<PendingKey>,
        merges: Vec<Node>,
        start: u32,
        flow: bool,
        anchor: usize,
    },
}

struct PendingKey {
    key: String,
    span: Span,
    merge: bool,
}

struct Builder<'f> {
    /// The file, for slices and positions in messages.
    file: &'f SourceFile,
    /// The text the parser reads (the file, or its lenient-repaired copy: same bytes
    /// except blanked line breaks), for turning parser positions into byte offsets.
    conv: &'f SourceFile,
    overrides: &'f HashMap<u32, String>,
    /// Repaired scalars the parser reached (their starts).
    confirmed: Vec<u32>,
    line_offset: usize,
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, (Node, usize)>,
    own_nodes: usize,
    alias_nodes: usize,
    alias_limit_hit: bool,
    doc_index: usize,
    in_document: bool,
    docs: Vec<ParsedDocument>,
    problems: Vec<Problem>,
}

impl<'f> Builder<'f> {
    fn new(
        file: &'f SourceFile,
        conv: &'f SourceFile,
        overrides: &'f HashMap<u32, String>,
        line_offset: usize,
        doc_index: usize,
    ) -> Self {
        Builder {
            file,
            conv,
            overrides,
            confirmed: Vec::new(),
            line_offset,
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            own_nodes: 0,
            alias_nodes: 0,
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
                Event::SequenceStart(anchor, _) => self.open(Frame::Seq {
                    items: Vec::new(),
                    start,
                    flow: self.file.slice(Span::new(start, end)).ends_with('['),
                    anchor,
                }),
                Event::MappingStart(anchor, _) => self.open(Frame::Map {
                    entries: Vec::new(),
                    index: None,
                    pending: None,
                    merges: Vec::new(),
                    start,
                    flow: self.file.slice(Span::new(start, end)).ends_with('{'),
                    anchor,
                }),
                Event::SequenceEnd | Event::MappingEnd => self.close(end),
                Event::Alias(id) => self.alias(id, Span::new(start, end)),
                Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(()),
            };
            if let Err(message) = result {
                self.fatal(Span::new(start, end), message);
                return Some(Failure {
                    byte: start,
                    lenient_quote: false,
                });
            }
        }
        None
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

    fn begin_document(&mut self) {
        self.stack.clear();
        self.root = None;
        self.anchors.clear();
        self.own_nodes = 0;
        self.alias_nodes = 0;
        self.alias_limit_hit = false;
        self.in_document = true;
    }

    fn end_document(&mut self) {
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

    fn scalar(&mut self, text: &str, style: ScalarStyle, tag: Option<&Tag>, start: u32, end: u32) -> Node {
        let mut span = Span::new(start, end);
        if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            // A block scalar's span runs to the next token; trim the trailing break.
            let bytes = self.file.text.as_bytes();
            while span.end > span.start && bytes[span.end as usize - 1].is_ascii_whitespace() {
                span.end -= 1;
            }
        }
        if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted)
            && let Some(v) = self.overrides.get(&start)
        {
            self.confirmed.push(start);
            return Node::new(Value::String(v.clone()), span);
        }
        let value = match (style, tag) {
            (_, Some(tag)) if tag.is_yaml_core_schema() => resolve_tagged(text, &tag.suffix),
            (ScalarStyle::Plain, _) => match resolve_plain(text) {
                Resolved::Null => Value::Null,
                Resolved::Bool(b) => Value::Bool(b),
                Resolved::Int(i) => Value::Int(i),
                Resolved::Float(f) => Value::Float(f),
                Resolved::Str => Value::String(text.to_owned()),
            },
            _ => Value::String(text.to_owned()),
        };
        Node::new(value, span)
    }

    fn open(&mut self, frame: Frame) -> Result<(), String> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!("nesting is deeper than {MAX_DEPTH} levels"));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self, end: u32) -> Result<(), String> {
        let Some(frame) = self.stack.pop() else {
            return Err("unbalanced end of collection".into());
        };
        let (node, anchor) = match frame {
            Frame::Seq {
                items,
                start,
                flow,
                anchor,
            } => {
                let end = if flow {
                    end
                } else {
                    items.last().map_or(start, |n| n.span.end)
                };
                (Node::new(Value::Seq(items), Span::new(start, end.max(start))), anchor)
            }
            Frame::Map {
                mut entries,
                merges,
                start,
                flow,
                anchor,
                ..
            } => {
                let end = if flow {
                    end
                } else {
                    entries.last().map_or(start, |e| e.value.span.end)
                };
                apply_merges(&mut entries, merges);
                (Node::new(Value::Map(entries), Span::new(start, end.max(start))), anchor)
            }
        };
        self.complete(node, anchor, false)
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), String> {
        let Some((node, count)) = self.anchors.get(&id) else {
            return Err("alias refers to an unknown anchor".into());
        };
        let limit = ALIAS_NODE_FLOOR.max(ALIAS_NODE_RATIO * self.own_nodes);
        let node = if self.alias_nodes + count > limit {
            if !self.alias_limit_hit {
                self.alias_limit_hit = true;
                self.problems.push(Problem {
                    kind: ProblemKind::AliasLimit,
                    span,
                    message: format!(
                        "alias expansion would exceed {limit} nodes; this and further aliases in the document are read as null"
                    ),
                });
            }
            Node::new(Value::Null, span)
        } else {
            self.alias_nodes += count;
            node.clone()
        };
        // An alias is not an anchor: pass 0 so it is not re-registered.
        self.complete_counted(node, 0, false, false)
    }

    fn complete(&mut self, node: Node, anchor: usize, merge_key: bool) -> Result<(), String> {
        self.complete_counted(node, anchor, merge_key, true)
    }

    fn complete_counted(&mut self, node: Node, anchor: usize, merge_key: bool, own: bool) -> Result<(), String> {
        if own {
            self.own_nodes += 1;
        }
        if anchor != 0 {
            let count = node.count();
            self.anchors.insert(anchor, (node.clone(), count));
        }
        let file = self.file;
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
                merges,
                ..
            } => match pending.take() {
                None => {
                    let key = match &node.value {
                        Value::String(s) => s.clone(),
                        Value::Null => "null".into(),
                        Value::Bool(b) => b.to_string(),
                        Value::Int(i) => i.to_string(),
                        Value::Float(f) => f.to_string(),
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
                Some(k) if k.merge => match &node.value {
                    Value::Map(_) => merges.push(node),
                    Value::Seq(items) if items.iter().all(|n| matches!(n.value, Value::Map(_))) => {
                        merges.extend(items.iter().cloned())
                    }
                    _ => return Err("the value of a `<<` merge key must be a mapping or a list of mappings".into()),
                },
                Some(k) => {
                    if index.is_none() && entries.len() >= 16 {
                        *index = Some(entries.iter().enumerate().map(|(i, e)| (e.key.clone(), i)).collect());
                    }
                    let existing = match index {
                        Some(map) => map.get(&k.key).copied(),
                        None => entries.iter().position(|e| e.key == k.key),
                    };
                    match existing {
                        Some(i) => {
                            let first = file.position(entries[i].key_span.start);
                            self.problems.push(Problem {
                                kind: ProblemKind::DuplicateKey,
                                span: k.span,
                                message: format!(
                                    "duplicate key `{}` (first defined at line {}, column {}); the last value wins",
                                    k.key, first.line, first.column
                                ),
                            });
                            entries[i] = Entry {
                                key: k.key,
                                key_span: k.span,
                                value: node,
                            };
                        }
                        None => {
                            if let Some(map) = index {
                                map.insert(k.key.clone(), entries.len());
                            }
                            entries.push(Entry {
                                key: k.key,
                                key_span: k.span,
                                value: node,
                            });
                        }
                    }
                }
            },
        }
        Ok(())
    }
}

/// `<<: *base` / `<<: [*a, *b]`: keys not set explicitly come from the merged maps,
/// earlier maps first.
fn apply_merges(entries: &mut Vec<Entry>, merges: Vec<Node>) {
    for source in merges {
        if let Value::Map(src) = source.value {
            for e in src {
                if !entries.iter().any(|x| x.key == e.key) {
                    entries.push(e);
                }
            }
        }
    }
}

fn resolve_tagged(text: &str, suffix: &str) -> Value {
    let plain = || match resolve_plain(text) {
        Resolved::Null => Value::Null,
        Resolved::Bool(b) => Value::Bool(b),
        Resolved::Int(i) => Value::Int(i),
        Resolved::Float(f) => Value::Float(f),
        Resolved::Str => Value::String(text.to_owned()),
    };
    match (suffix, resolve_plain(text)) {
        ("null", Resolved::Null) => Value::Null,
        ("bool", Resolved::Bool(b)) => Value::Bool(b),
        ("int", Resolved::Int(i)) => Value::Int(i),
        ("float", Resolved::Float(f)) => Value::Float(f),
        ("float", Resolved::Int(i)) => Value::Float(i as f64),
        ("str" | "binary" | "timestamp", _) => Value::String(text.to_owned()),
        ("null" | "bool" | "int" | "float", _) => Value::String(text.to_owned()),
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
        assert_eq!(roots, vec![(0, "a".to_string()), (2, "c".to_string())]);
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
            crate::source::Position { line: 4, column: 4 }
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
}
