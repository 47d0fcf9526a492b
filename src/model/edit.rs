//! Minimal text edits to a loaded document: set a key, replace a scalar, append to a
//! sequence, add an annotation. An [`Editor`] reads the document's tree (every value's span,
//! every key's span) and its file's text, and answers with [`Edit`]s that touch only the
//! bytes of the change: comments, quoting, key order, blank lines and anchors elsewhere stay
//! byte-identical. Nothing is ever re-serialised.
//!
//! How each shape is edited:
//! - a block mapping gets new lines after its last entry, at the column of its keys (a
//!   list item's keys too: `- name: a` puts them at the column of `name`);
//! - a flow mapping (`{a: 1}`) gets `, b: 2` after its last entry; an empty one (`{}`) gets
//!   the entries between its braces;
//! - a missing parent is created with the value (`securityContext:` + the nested block);
//!   a parent that is written but empty (`securityContext:` with nothing) gets the block
//!   under its key, a parent written `null` or `~` is replaced by a flow mapping;
//! - a block sequence gets `- item` lines at the column of its dashes, a flow one `, item`;
//! - a replaced string keeps its quotes (`"IfNotPresent"` → `"Always"`); a replaced value
//!   of another type is written plain;
//! - a JSON document (its root is a flow mapping: a `.json` file) is edited in JSON syntax
//!   (quoted keys and strings), so the file stays JSON.
//!
//! New nested mappings are written in block style with the document's indentation step
//! (the first nested block mapping's, else 2); lists of scalars in flow style (`[ALL]`).
//! Line breaks follow the file (`\r\n` when its first line ends so).
//!
//! An editor refuses ([`EditError`]) rather than guess: indentation with tabs, a parent that
//! is a scalar or a list where a mapping is needed, a mapping whose keys all come from a
//! `<<` merge, a missing list item. Edits of a value that an alias copies change every copy:
//! the engine re-parses the fixed text and refuses a fix that changes more than it meant to.

use std::fmt;

use crate::load::node::pointer_tokens;
use crate::load::{Node, Value};
use crate::vocab::text::LineIndex;
use crate::vocab::{Applicability, Change, ChangeOp, Edit, Fix, SourceFile, Span};

use super::{IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION, Object};

/// A value to write: what an edit inserts or puts in place of a value.
#[derive(Clone, Debug, PartialEq)]
pub enum NewValue {
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string (quoted only when it would not read back as this string).
    Str(String),
    /// A mapping, entries in this order.
    Map(Vec<(String, NewValue)>),
    /// A sequence (written in flow style: `[ALL]`).
    Seq(Vec<NewValue>),
}

impl NewValue {
    /// A string value.
    pub fn str(s: impl Into<String>) -> NewValue {
        NewValue::Str(s.into())
    }

    /// A mapping of one entry.
    pub fn map1(key: impl Into<String>, value: NewValue) -> NewValue {
        NewValue::Map(vec![(key.into(), value)])
    }

    fn is_scalar(&self) -> bool {
        !matches!(self, NewValue::Map(_) | NewValue::Seq(_))
    }

    /// The value as JSON, to compare with a tree read back.
    #[allow(dead_code)] // used by the rules' fixes and the language server
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            NewValue::Bool(b) => J::Bool(*b),
            NewValue::Int(i) => J::from(*i),
            NewValue::Str(s) => J::String(s.clone()),
            NewValue::Map(entries) => J::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            NewValue::Seq(items) => J::Array(items.iter().map(NewValue::to_json).collect()),
        }
    }
}

/// Why an editor made no edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditError(pub String);

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EditError {}

type Result<T> = std::result::Result<T, EditError>;

fn refuse<T>(message: impl Into<String>) -> Result<T> {
    Err(EditError(message.into()))
}

/// Makes edits to one object: its tree and its file's text (pointers are relative to the
/// tree's root, as rules write them; spans are the file's).
pub struct Editor<'a> {
    text: &'a str,
    /// Where the text's lines start (the file's own table, or one made for the editor).
    lines: Lines<'a>,
    root: &'a Node,
    json: bool,
    eol: &'static str,
    step: usize,
    /// What the edits made so far mean for the tree (pointers relative to `root`).
    changes: std::cell::RefCell<Vec<Change>>,
}

enum Lines<'a> {
    Borrowed(&'a LineIndex),
    Owned(Box<LineIndex>),
}

impl<'a> Editor<'a> {
    /// An editor of `root`, read from `text` (the whole file's text). Indexes the text's
    /// lines: [`Editor::for_file`] reuses the file's index.
    pub fn new(text: &'a str, root: &'a Node) -> Editor<'a> {
        Editor::with_lines(text, Lines::Owned(Box::new(LineIndex::new(text))), root)
    }

    /// An editor of `root`, read from `file`.
    pub fn for_file(file: &'a SourceFile, root: &'a Node) -> Editor<'a> {
        Editor::with_lines(&file.text, Lines::Borrowed(file.lines()), root)
    }

    fn with_lines(text: &'a str, lines: Lines<'a>, root: &'a Node) -> Editor<'a> {
        let json = text
            .get(root.span.start as usize..)
            .is_some_and(|t| skip_properties(t).starts_with('{'));
        let index = match &lines {
            Lines::Borrowed(l) => *l,
            Lines::Owned(l) => l,
        };
        let eol = match index.next_line_start(0) {
            Some(s) if s >= 2 && text.get(s as usize - 2..s as usize) == Some("\r\n") => "\r\n",
            _ => "\n",
        };
        let mut editor = Editor {
            text,
            lines,
            root,
            json,
            eol,
            step: 2,
            changes: std::cell::RefCell::new(Vec::new()),
        };
        editor.step = editor.find_step(root).unwrap_or(2);
        editor
    }

    /// An editor of `object` (a document, or an item of a `List`).
    #[allow(dead_code)] // used by the rules' fixes and the language server
    pub fn of(object: &'a Object) -> Editor<'a> {
        Editor::for_file(&object.doc.file, object.node())
    }

    fn lines(&self) -> &LineIndex {
        match &self.lines {
            Lines::Borrowed(l) => l,
            Lines::Owned(l) => l,
        }
    }

    /// Whether the document is edited in JSON syntax.
    #[allow(dead_code)] // used by the rules' fixes and the language server
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Sets `key` to `value` in the mapping at `map`: replaces its value when the mapping
    /// has the key, inserts it after the last entry otherwise; creates the mapping (and its
    /// missing parents) when absent.
    pub fn set(&self, map: &str, key: &str, value: NewValue) -> Result<Vec<Edit>> {
        self.set_many(map, vec![(key.to_string(), value)])
    }

    /// [`Editor::set`] for several keys of one mapping at once (their insertions are one
    /// edit, so they never compete for the same place).
    pub fn set_many(&self, map: &str, entries: Vec<(String, NewValue)>) -> Result<Vec<Edit>> {
        let changes: Vec<Change> = entries
            .iter()
            .map(|(k, v)| change(&crate::load::node::pointer_push(map, k), ChangeOp::Merge, v))
            .collect();
        let edits = self.set_edits(map, entries)?;
        self.changes.borrow_mut().extend(changes);
        Ok(edits)
    }

    fn set_edits(&self, map: &str, entries: Vec<(String, NewValue)>) -> Result<Vec<Edit>> {
        let tokens = pointer_tokens(map).ok_or_else(|| EditError(format!("`{map}` is not a JSON pointer")))?;
        // The deepest existing node on the way, and the entry that leads to it.
        let mut node = self.root;
        let mut holder: Option<&crate::load::Entry> = None;
        for (i, token) in tokens.iter().enumerate() {
            let next = match &node.value {
                Value::Map(_) => match node.entry(token).filter(|e| self.owns(node, e)) {
                    Some(e) => {
                        holder = Some(e);
                        Some(&e.value)
                    }
                    None => None,
                },
                Value::Seq(items) => match token.parse::<usize>().ok().and_then(|i| items.get(i)) {
                    Some(n) => {
                        holder = None;
                        Some(n)
                    }
                    None => return refuse(format!("no list item `{token}` under `{}`", join(&tokens[..i]))),
                },
                Value::Null => None,
                _ => {
                    return refuse(format!(
                        "`{}` is a {}, not a mapping",
                        join(&tokens[..i]),
                        node.type_name()
                    ));
                }
            };
            match next {
                Some(n) => node = n,
                None => {
                    // Build the missing part bottom-up and put it where the path stops.
                    let mut value = NewValue::Map(entries);
                    for t in tokens[i + 1..].iter().rev() {
                        value = NewValue::map1(t.clone(), value);
                    }
                    let missing = vec![(token.clone(), value)];
                    return self.put_entries(node, holder, &join(&tokens[..i]), missing);
                }
            }
        }
        self.put_entries(node, holder, map, entries)
    }

    /// Puts `entries` into `node` (a mapping, or a null standing for one), held by `holder`.
    fn put_entries(
        &self,
        node: &Node,
        holder: Option<&crate::load::Entry>,
        at: &str,
        entries: Vec<(String, NewValue)>,
    ) -> Result<Vec<Edit>> {
        match &node.value {
            Value::Map(_) => {
                let mut edits = Vec::new();
                let mut missing = Vec::new();
                for (key, value) in entries {
                    match node.entry(&key).filter(|e| self.owns(node, e)) {
                        Some(e) => match (&e.value.value, value) {
                            (Value::Map(_), NewValue::Map(inner)) => {
                                edits.extend(self.put_entries(&e.value, Some(e), &format!("{at}/{key}"), inner)?)
                            }
                            (Value::Null, v) if !v.is_scalar() || self.is_empty_null(e) => {
                                edits.extend(self.put_value_under(e, v)?);
                            }
                            (_, v) => edits.push(self.replace_node(&e.value, &format!("{at}/{key}"), &v)?),
                        },
                        None => missing.push((key, value)),
                    }
                }
                if !missing.is_empty() {
                    edits.push(self.insert_into_map(node, at, &missing)?);
                }
                Ok(edits)
            }
            Value::Null => match holder {
                Some(e) => self.put_value_under(e, NewValue::Map(entries)),
                None => refuse(format!("`{at}` is null and is not the value of a key")),
            },
            _ => refuse(format!("`{at}` is a {}, not a mapping", node.type_name())),
        }
    }

    /// Replaces the scalar at `pointer` with `value`, keeping its quotes when both are
    /// strings.
    pub fn replace(&self, pointer: &str, value: NewValue) -> Result<Vec<Edit>> {
        let node = self
            .root
            .pointer(pointer)
            .ok_or_else(|| EditError(format!("nothing at `{pointer}`")))?;
        let edit = self.replace_node(node, pointer, &value)?;
        self.changes
            .borrow_mut()
            .push(change(pointer, ChangeOp::Replace, &value));
        Ok(vec![edit])
    }

    /// Appends `item` to the sequence at `seq`, creating the sequence when absent.
    pub fn append(&self, seq: &str, item: NewValue) -> Result<Vec<Edit>> {
        let appended = change(seq, ChangeOp::Append, &item);
        let edits = match self.root.pointer(seq) {
            Some(node) => match &node.value {
                Value::Seq(items) => vec![self.append_to(node, items, seq, &item)?],
                Value::Null => {
                    let (parent, key) = split_last(seq)?;
                    self.set_edits(&parent, vec![(key, NewValue::Seq(vec![item]))])?
                }
                _ => return refuse(format!("`{seq}` is a {}, not a list", node.type_name())),
            },
            None => {
                let (parent, key) = split_last(seq)?;
                self.set_edits(&parent, vec![(key, NewValue::Seq(vec![item]))])?
            }
        };
        self.changes.borrow_mut().push(appended);
        Ok(edits)
    }

    /// What the edits made so far mean for the tree, for a [`Fix`]; pointers relative to
    /// the editor's root.
    pub(crate) fn take_changes(&self) -> Vec<Change> {
        std::mem::take(&mut self.changes.borrow_mut())
    }

    /// Sets the annotation `key` to `value` (creating `metadata.annotations` when absent).
    #[allow(dead_code)] // used by the rules' fixes and the language server
    pub fn annotate(&self, key: &str, value: &str) -> Result<Vec<Edit>> {
        self.set("/metadata/annotations", key, NewValue::str(value))
    }

    /// "Ignore this rule here": adds `rule` to the object's `kubelint.dev/ignore`
    /// annotation (merged with the rules already listed there) and, when there is no
    /// reason yet, `kubelint.dev/ignore-reason: "TODO: why"`.
    #[allow(dead_code)] // used by the rules' fixes and the language server
    pub fn ignore_rule(&self, rule: &str) -> Result<Vec<Edit>> {
        let annotations = self.root.pointer("/metadata/annotations");
        let mut entries = Vec::new();
        let current = annotations.and_then(|a| a.get(IGNORE_ANNOTATION));
        match current.map(|n| &n.value) {
            None | Some(Value::Null) => entries.push((IGNORE_ANNOTATION.to_string(), NewValue::str(rule))),
            Some(Value::String(list)) => {
                let listed: Vec<&str> = list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
                if listed.iter().any(|r| *r == rule || *r == "all" || *r == "*") {
                    return refuse(format!("`{IGNORE_ANNOTATION}` already lists `{rule}`"));
                }
                let mut merged = listed.join(",");
                if !merged.is_empty() {
                    merged.push(',');
                }
                merged.push_str(rule);
                entries.push((IGNORE_ANNOTATION.to_string(), NewValue::Str(merged)));
            }
            Some(_) => return refuse(format!("`{IGNORE_ANNOTATION}` is not a string")),
        }
        if annotations.and_then(|a| a.get(IGNORE_REASON_ANNOTATION)).is_none() {
            entries.push((IGNORE_REASON_ANNOTATION.to_string(), NewValue::str("TODO: why")));
        }
        self.set_many("/metadata/annotations", entries)
    }

    // ----- the edits themselves -----

    /// The edit that makes `node` (a scalar, or a value replaced whole) read `value`.
    fn replace_node(&self, node: &Node, at: &str, value: &NewValue) -> Result<Edit> {
        let old = self.slice(node.span);
        if node.span.is_empty() {
            return refuse(format!("`{at}` has no text to replace"));
        }
        let text = match (value, &node.value) {
            (NewValue::Str(s), Value::String(_)) if !self.json && old.starts_with('\'') => single_quoted(s),
            (NewValue::Str(s), Value::String(_)) if !self.json && old.starts_with('"') => json_string(s),
            (v, _) if v.is_scalar() => self.scalar(v),
            (v, _) => self.flow(v),
        };
        Ok(Edit::replace(node.span, text))
    }

    /// The edit that writes `value` (a mapping or a list) as the value of `entry`, whose value
    /// is null: after its key when nothing is written there, in place of `null` or `~`.
    fn put_value_under(&self, entry: &crate::load::Entry, value: NewValue) -> Result<Vec<Edit>> {
        let written = self.slice(entry.value.span).trim();
        if !written.is_empty() && entry.value.span.start >= entry.key_span.end {
            return Ok(vec![Edit::replace(entry.value.span, self.flow(&value))]);
        }
        // Nothing written: the value goes after the key's `:`.
        let colon = self.colon_after(entry.key_span.end)?;
        if self.json {
            return refuse("an empty value in a JSON document");
        }
        match &value {
            NewValue::Map(entries) if !entries.is_empty() && self.is_block_line(entry.key_span.start) => {
                let indent = self.column(entry.key_span.start)? + self.step;
                let mut block = String::new();
                for (k, v) in entries {
                    block.push_str(self.eol);
                    self.block_entry(&mut block, indent, k, v);
                    block.truncate(block.len() - self.eol.len());
                }
                Ok(vec![Edit::insert(self.line_end(colon), block)])
            }
            v => Ok(vec![Edit::insert(colon + 1, format!(" {}", self.flow(v)))]),
        }
    }

    /// The edit that inserts `entries` (none of them present) into the mapping `node`.
    fn insert_into_map(&self, node: &Node, at: &str, entries: &[(String, NewValue)]) -> Result<Edit> {
        let own: Vec<&crate::load::Entry> = match &node.value {
            Value::Map(all) => all.iter().filter(|e| self.owns(node, e)).collect(),
            _ => Vec::new(),
        };
        if self.is_flow(node, '{') {
            let body = entries
                .iter()
                .map(|(k, v)| self.flow_entry(k, v))
                .collect::<Vec<_>>()
                .join(", ");
            let Some(last) = own.iter().map(|e| self.entry_end(e)).max() else {
                // `{}`: between the braces.
                let brace = self.text[node.span.start as usize..]
                    .find('{')
                    .map(|i| node.span.start + i as u32);
                let brace = brace.ok_or_else(|| EditError(format!("`{at}` has no `{{`")))?;
                return Ok(Edit::insert(brace + 1, body));
            };
            // One entry per line (pretty-printed JSON): a new line at the column of the keys.
            let first_key = own.iter().map(|e| e.key_span.start).min().unwrap_or(last);
            let key_line_start = self.line_start(own.iter().map(|e| e.key_span.start).max().unwrap_or(last));
            if self.line_start(first_key) != self.line_start(node.span.start) && key_line_start > node.span.start {
                let indent = self.column(own.iter().map(|e| e.key_span.start).max().unwrap_or(last))?;
                let lines = entries
                    .iter()
                    .map(|(k, v)| format!("{}{}", " ".repeat(indent), self.flow_entry(k, v)))
                    .collect::<Vec<_>>()
                    .join(&format!(",{}", self.eol));
                return Ok(Edit::insert(last, format!(",{}{lines}", self.eol)));
            }
            return Ok(Edit::insert(last, format!(", {body}")));
        }
        let Some(first) = own.first() else {
            return refuse(format!(
                "`{at}` has no key of its own (only `<<` merges) to line up with"
            ));
        };
        let indent = self.column(first.key_span.start)?;
        let end = own
            .iter()
            .map(|e| self.entry_end(e))
            .max()
            .unwrap_or(first.key_span.end);
        let mut block = String::new();
        for (k, v) in entries {
            self.block_entry(&mut block, indent, k, v);
        }
        Ok(self.insert_lines_after(end, block))
    }

    /// The edit that appends `item` to the sequence `node`.
    fn append_to(&self, node: &Node, items: &[Node], at: &str, item: &NewValue) -> Result<Edit> {
        if self.is_flow(node, '[') {
            let text = self.flow(item);
            return match items.last() {
                Some(last) => Ok(Edit::insert(last.span.end, format!(", {text}"))),
                None => {
                    let bracket = self.text[node.span.start as usize..]
                        .find('[')
                        .map(|i| node.span.start + i as u32);
                    let bracket = bracket.ok_or_else(|| EditError(format!("`{at}` has no `[`")))?;
                    Ok(Edit::insert(bracket + 1, text))
                }
            };
        }
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            return refuse(format!("`{at}` is an empty block list"));
        };
        // The dash before the first item.
        let before = self.text[..first.span.start as usize].trim_end_matches([' ', '\t']);
        if !before.ends_with('-') {
            return refuse(format!("the items of `{at}` do not start with `- `"));
        }
        let dash = before.len() as u32 - 1;
        let indent = self.column(dash)?;
        let mut line = format!("{}- ", " ".repeat(indent));
        match item {
            NewValue::Map(entries) if !entries.is_empty() => {
                let mut block = String::new();
                for (k, v) in entries {
                    self.block_entry(&mut block, indent + 2, k, v);
                }
                line.push_str(&block[indent + 2..]);
            }
            v => {
                line.push_str(&self.flow(v));
                line.push_str(self.eol);
            }
        }
        Ok(self.insert_lines_after(last.span.end, line))
    }

    /// Inserts whole lines (`block`, ending with a line break) after the line holding `at`.
    fn insert_lines_after(&self, at: u32, block: String) -> Edit {
        let end = self.line_end(at);
        if end as usize >= self.text.len() {
            // The last line has no line break: start one, and end the block without one.
            let mut text = String::from(self.eol);
            text.push_str(block.strip_suffix(self.eol).unwrap_or(&block));
            return Edit::insert(end, text);
        }
        let after_break = end as usize
            + if self.text[end as usize..].starts_with("\r\n") {
                2
            } else {
                1
            };
        Edit::insert(after_break as u32, block)
    }

    // ----- writing values -----

    fn block_entry(&self, out: &mut String, indent: usize, key: &str, value: &NewValue) {
        out.push_str(&" ".repeat(indent));
        out.push_str(&self.key(key));
        out.push(':');
        match value {
            NewValue::Map(entries) if !entries.is_empty() => {
                out.push_str(self.eol);
                for (k, v) in entries {
                    self.block_entry(out, indent + self.step, k, v);
                }
            }
            v => {
                out.push(' ');
                out.push_str(&self.flow(v));
                out.push_str(self.eol);
            }
        }
    }

    fn flow_entry(&self, key: &str, value: &NewValue) -> String {
        format!("{}: {}", self.key(key), self.flow(value))
    }

    fn flow(&self, value: &NewValue) -> String {
        match value {
            NewValue::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| self.flow_entry(k, v))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            NewValue::Seq(items) => format!(
                "[{}]",
                items.iter().map(|v| self.flow(v)).collect::<Vec<_>>().join(", ")
            ),
            v => self.scalar(v),
        }
    }

    fn scalar(&self, value: &NewValue) -> String {
        match value {
            NewValue::Bool(b) => b.to_string(),
            NewValue::Int(i) => i.to_string(),
            NewValue::Str(s) if self.json || !plain_safe(s) => json_string(s),
            NewValue::Str(s) => s.clone(),
            v => self.flow(v),
        }
    }

    fn key(&self, key: &str) -> String {
        if self.json || !plain_safe(key) {
            json_string(key)
        } else {
            key.to_string()
        }
    }

    // ----- reading the text -----

    fn slice(&self, span: Span) -> &str {
        self.text.get(span.start as usize..span.end as usize).unwrap_or("")
    }

    /// Whether `entry` is written inside `map` (not copied in by a `<<` merge).
    fn owns(&self, map: &Node, entry: &crate::load::Entry) -> bool {
        map.span.start <= entry.key_span.start && entry.key_span.start <= map.span.end
    }

    /// Where an entry's text ends: its value's, or its key's when its value is an empty null
    /// (whose span may lie on a later line).
    fn entry_end(&self, e: &crate::load::Entry) -> u32 {
        if e.value.is_null() && (self.slice(e.value.span).trim().is_empty() || e.value.span.start < e.key_span.end) {
            e.key_span.end
        } else {
            e.value.span.end.max(e.key_span.end)
        }
    }

    /// Whether `e`'s value is a null with nothing written (`key:`).
    fn is_empty_null(&self, e: &crate::load::Entry) -> bool {
        e.value.is_null() && (self.slice(e.value.span).trim().is_empty() || e.value.span.start < e.key_span.end)
    }

    /// Whether `node` is written in flow style (`open` is `{` or `[`), after any anchor or tag.
    fn is_flow(&self, node: &Node, open: char) -> bool {
        skip_properties(self.slice(node.span)).starts_with(open)
    }

    /// Where the line holding `at` starts (after a byte order mark).
    fn line_start(&self, at: u32) -> u32 {
        self.lines().line_start(at)
    }

    /// The offset of the line break ending the line that holds `at` (the text's length on
    /// the last line); before the `\r` of a `\r\n`.
    fn line_end(&self, at: u32) -> u32 {
        let Some(next) = self.lines().next_line_start(at) else {
            return self.text.len() as u32;
        };
        // `next` follows a `\n` (maybe after a `\r`) or a lone `\r`.
        let end = next - 1;
        let bytes = self.text.as_bytes();
        if bytes[end as usize] == b'\n' && end > 0 && bytes[end as usize - 1] == b'\r' {
            end - 1
        } else {
            end
        }
    }

    /// The column (in bytes, from the line's start) of `at`; refuses tabs before it.
    fn column(&self, at: u32) -> Result<usize> {
        let start = self.line_start(at);
        let prefix = &self.text[start as usize..at as usize];
        if prefix.contains('\t') {
            return refuse("the line is indented with tabs");
        }
        Ok(prefix.chars().count())
    }

    /// Whether the line of `at` holds only indentation (and list dashes) before it.
    fn is_block_line(&self, at: u32) -> bool {
        let start = self.line_start(at);
        self.text[start as usize..at as usize]
            .chars()
            .all(|c| c == ' ' || c == '-')
    }

    /// The `:` after a key that ends at `at` (a quoted key's span may stop before its quote).
    fn colon_after(&self, at: u32) -> Result<u32> {
        let rest = &self.text[at as usize..];
        let skip = rest
            .find(|c: char| !matches!(c, '"' | '\'' | ' ' | '\t'))
            .unwrap_or(rest.len());
        if rest[skip..].starts_with(':') {
            Ok(at + skip as u32)
        } else {
            refuse("no `:` after the key")
        }
    }

    /// The indentation step of the document: the first nested block mapping's, else none.
    fn find_step(&self, node: &Node) -> Option<usize> {
        let Value::Map(entries) = &node.value else {
            return match &node.value {
                Value::Seq(items) => items.iter().find_map(|n| self.find_step(n)),
                _ => None,
            };
        };
        for e in entries {
            if let Value::Map(inner) = &e.value.value
                && let Some(child) = inner.first()
                && !self.is_flow(&e.value, '{')
                && self.line_start(child.key_span.start) != self.line_start(e.key_span.start)
                && let (Ok(outer), Ok(inner)) = (self.column(e.key_span.start), self.column(child.key_span.start))
                && inner > outer
            {
                return Some(inner - outer);
            }
            if let Some(step) = self.find_step(&e.value) {
                return Some(step);
            }
        }
        None
    }
}

/// Applies `change` to `doc` (a whole document as JSON): what the fix's edits should do
/// to its tree. `false` when the pointer runs through a scalar or a missing list item.
pub(crate) fn apply_change(change: &Change, doc: &mut serde_json::Value) -> bool {
    use serde_json::Value as J;
    let Some(tokens) = pointer_tokens(&change.pointer) else {
        return false;
    };
    let mut node = doc;
    for t in tokens {
        if node.is_null() {
            *node = J::Object(serde_json::Map::new());
        }
        node = match node {
            J::Object(m) => m.entry(t).or_insert(J::Null),
            J::Array(items) => match t.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(n) => n,
                None => return false,
            },
            _ => return false,
        };
    }
    match change.op {
        ChangeOp::Replace => *node = change.value.clone(),
        ChangeOp::Merge => merge(node, &change.value),
        ChangeOp::Append => match node {
            J::Array(items) => items.push(change.value.clone()),
            J::Null => *node = J::Array(vec![change.value.clone()]),
            _ => return false,
        },
    }
    true
}

/// Merges `value` into `node` key by key (a `null` node becomes a mapping first); anything
/// but two mappings is a replacement.
fn merge(node: &mut serde_json::Value, value: &serde_json::Value) {
    use serde_json::Value as J;
    if node.is_null() && value.is_object() {
        *node = J::Object(serde_json::Map::new());
    }
    match (node, value) {
        (J::Object(m), J::Object(new)) => {
            for (k, v) in new {
                merge(m.entry(k.clone()).or_insert(J::Null), v);
            }
        }
        (n, v) => *n = v.clone(),
    }
}

fn change(pointer: &str, op: ChangeOp, value: &NewValue) -> Change {
    Change {
        pointer: pointer.to_string(),
        op,
        value: value.to_json(),
    }
}

/// A fix of a finding on `object`: the edits that `make` makes with an editor of the
/// object, and what they mean for its document's tree. `None` when the editor refuses or
/// makes no edit (the finding is then reported without a fix).
pub fn fix_for(
    object: &Object,
    description: impl Into<String>,
    applicability: Applicability,
    make: impl FnOnce(&Editor<'_>) -> Result<Vec<Edit>>,
) -> Option<Fix> {
    let editor = Editor::of(object);
    let edits = make(&editor).ok().filter(|e| !e.is_empty())?;
    let prefix = &object.doc.prefix;
    let changes = editor
        .take_changes()
        .into_iter()
        .map(|mut c| {
            c.pointer = format!("{prefix}{}", c.pointer);
            c
        })
        .collect();
    Some(Fix::new(description, applicability, edits).with_changes(changes))
}

/// Skips a YAML anchor (`&a`) and tag (`!!map`) written before a collection.
fn skip_properties(text: &str) -> &str {
    let mut rest = text.trim_start();
    while rest.starts_with('&') || rest.starts_with('!') {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        rest = rest[end..].trim_start();
    }
    rest
}

/// Whether `s` can be written as a plain YAML scalar and read back as this string.
fn plain_safe(s: &str) -> bool {
    use crate::load::scalar::{Resolved, resolve_plain};
    !s.is_empty()
        && resolve_plain(s) == Resolved::Str
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@' | '+'))
        && !s.starts_with(['-', '.', '@', '+'])
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

fn single_quoted(s: &str) -> String {
    if s.contains(['\n', '\r']) {
        return json_string(s);
    }
    format!("'{}'", s.replace('\'', "''"))
}

fn join(tokens: &[String]) -> String {
    tokens
        .iter()
        .fold(String::new(), |p, t| crate::load::node::pointer_push(&p, t))
}

fn split_last(pointer: &str) -> Result<(String, String)> {
    let tokens = pointer_tokens(pointer).ok_or_else(|| EditError(format!("`{pointer}` is not a JSON pointer")))?;
    match tokens.split_last() {
        Some((last, parents)) => Ok((join(parents), last.clone())),
        None => refuse("the document itself is not a list"),
    }
}

/// Applies `edits` (none overlapping) to `text`.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut at = 0usize;
    for e in sorted {
        let (start, end) = (e.span.start as usize, e.span.end as usize);
        if start < at || end > text.len() {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&e.text);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::parse_stream;
    use crate::vocab::SourceFile;

    /// Edits document `doc` of `text` with `f`, applies the edits, checks that the result
    /// parses without problems, and returns it.
    fn edit_doc(text: &str, doc: usize, f: impl Fn(&Editor<'_>) -> Result<Vec<Edit>>) -> String {
        let file = SourceFile::new("t.yaml", text.to_string());
        let (docs, problems) = parse_stream(&file);
        assert!(problems.is_empty(), "{problems:?}");
        let editor = Editor::new(text, &docs[doc].root);
        let edits = f(&editor).unwrap_or_else(|e| panic!("refused: {e}"));
        let out = apply_edits(text, &edits);
        let (after, problems) = parse_stream(&SourceFile::new("t.yaml", out.clone()));
        assert!(problems.is_empty(), "{out}\n{problems:?}");
        // The edits mean exactly the changes the editor recorded.
        let mut want = docs[doc].root.to_json();
        for c in editor.take_changes() {
            assert!(apply_change(&c, &mut want), "{c:?}");
        }
        assert_eq!(after[doc].root.to_json(), want, "{out}");
        out
    }

    fn edit(text: &str, f: impl Fn(&Editor<'_>) -> Result<Vec<Edit>>) -> String {
        edit_doc(text, 0, f)
    }

    fn refused(text: &str, f: impl Fn(&Editor<'_>) -> Result<Vec<Edit>>) -> String {
        let file = SourceFile::new("t.yaml", text.to_string());
        let (docs, _) = parse_stream(&file);
        let editor = Editor::new(text, &docs[0].root);
        f(&editor).expect_err("an edit was made").0
    }

    fn json(text: &str) -> serde_json::Value {
        let file = SourceFile::new("t.json", text.to_string());
        parse_stream(&file).0[0].root.to_json()
    }

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web # the name\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27 # pinned\n\n    - name: side\n      securityContext:\n        runAsUser: 1000   # not root\n      image: 'busybox'\n";

    #[test]
    fn inserts_a_key_into_a_block_mapping_after_its_last_entry() {
        let out = edit(POD, |e| {
            e.set(
                "/spec/containers/1/securityContext",
                "runAsNonRoot",
                NewValue::Bool(true),
            )
        });
        assert_eq!(
            out,
            POD.replace(
                "runAsUser: 1000   # not root\n",
                "runAsUser: 1000   # not root\n        runAsNonRoot: true\n"
            )
        );
    }

    #[test]
    fn creates_missing_parents_under_a_list_item() {
        let out = edit(POD, |e| {
            e.set(
                "/spec/containers/0/securityContext",
                "allowPrivilegeEscalation",
                NewValue::Bool(false),
            )
        });
        assert_eq!(
            out,
            POD.replace(
                "image: nginx:1.27 # pinned\n",
                "image: nginx:1.27 # pinned\n      securityContext:\n        allowPrivilegeEscalation: false\n"
            )
        );
        // Deeper: two missing levels, at the pod.
        let out = edit(POD, |e| {
            e.set(
                "/spec/securityContext/seccompProfile",
                "type",
                NewValue::str("RuntimeDefault"),
            )
        });
        assert!(
            out.ends_with("image: 'busybox'\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n"),
            "{out}"
        );
    }

    #[test]
    fn follows_the_documents_indentation_step() {
        let text = "spec:\n    containers:\n    -   name: a\n        image: x\n";
        let out = edit(text, |e| {
            e.set(
                "/spec/containers/0/securityContext",
                "readOnlyRootFilesystem",
                NewValue::Bool(true),
            )
        });
        assert_eq!(
            out,
            format!("{text}        securityContext:\n            readOnlyRootFilesystem: true\n")
        );
    }

    #[test]
    fn replaces_a_value_keeping_quotes_for_strings() {
        let text = "a: \"IfNotPresent\" # c\nb: 'Never'\nc: Never\nd: \"true\"\n";
        let out = edit(text, |e| e.replace("/a", NewValue::str("Always")));
        assert_eq!(out, "a: \"Always\" # c\nb: 'Never'\nc: Never\nd: \"true\"\n");
        let out = edit(text, |e| e.replace("/b", NewValue::str("Always")));
        assert!(out.contains("b: 'Always'\n"));
        let out = edit(text, |e| e.replace("/c", NewValue::str("Always")));
        assert!(out.contains("c: Always\n"));
        // A boolean in place of a quoted string is a boolean, not `"false"`.
        let out = edit(text, |e| e.set("", "d", NewValue::Bool(false)));
        assert!(out.ends_with("d: false\n"));
        assert_eq!(json(&out)["d"], serde_json::json!(false));
        // A string that would read as another type is quoted.
        let out = edit(text, |e| e.replace("/c", NewValue::str("yes")));
        assert!(out.contains("c: \"yes\"\n"));
    }

    #[test]
    fn flow_mappings_and_empty_ones() {
        let text = "sc: {runAsUser: 1}\nempty: {}\nspaced: { a: 1 , }\n";
        let out = edit(text, |e| e.set("/sc", "runAsNonRoot", NewValue::Bool(true)));
        assert!(out.starts_with("sc: {runAsUser: 1, runAsNonRoot: true}\n"), "{out}");
        let out = edit(text, |e| e.set("/empty", "runAsNonRoot", NewValue::Bool(true)));
        assert!(out.contains("empty: {runAsNonRoot: true}\n"), "{out}");
        let out = edit(text, |e| e.set("/spaced", "b", NewValue::Int(2)));
        assert!(out.contains("spaced: { a: 1, b: 2 , }\n"), "{out}");
        // A nested missing mapping inside a flow mapping is a flow mapping.
        let out = edit(text, |e| {
            e.set("/sc/seccompProfile", "type", NewValue::str("RuntimeDefault"))
        });
        assert!(
            out.starts_with("sc: {runAsUser: 1, seccompProfile: {type: RuntimeDefault}}\n"),
            "{out}"
        );
    }

    #[test]
    fn empty_and_null_parents() {
        let text = "c:\n  securityContext:   # to do\n  image: x\nd:\n  securityContext: ~\n";
        let out = edit(text, |e| {
            e.set("/c/securityContext", "runAsNonRoot", NewValue::Bool(true))
        });
        assert_eq!(
            out,
            "c:\n  securityContext:   # to do\n    runAsNonRoot: true\n  image: x\nd:\n  securityContext: ~\n"
        );
        let out = edit(text, |e| {
            e.set("/d/securityContext", "runAsNonRoot", NewValue::Bool(true))
        });
        assert!(out.ends_with("d:\n  securityContext: {runAsNonRoot: true}\n"), "{out}");
        // The last key of the file, empty, without a final line break.
        let out = edit("a:\n  b:", |e| e.set("/a/b", "c", NewValue::Bool(true)));
        assert_eq!(out, "a:\n  b:\n    c: true");
    }

    #[test]
    fn appends_to_block_and_flow_sequences() {
        let text = "caps:\n  drop:\n    - NET_RAW # why\n  add: [CHOWN]\n  none: []\n";
        let out = edit(text, |e| e.append("/caps/drop", NewValue::str("ALL")));
        assert_eq!(
            out,
            "caps:\n  drop:\n    - NET_RAW # why\n    - ALL\n  add: [CHOWN]\n  none: []\n"
        );
        let out = edit(text, |e| e.append("/caps/add", NewValue::str("ALL")));
        assert!(out.contains("add: [CHOWN, ALL]\n"));
        let out = edit(text, |e| e.append("/caps/none", NewValue::str("ALL")));
        assert!(out.contains("none: [ALL]\n"));
        let out = edit(text, |e| e.append("/caps/other", NewValue::str("ALL")));
        assert!(out.ends_with("  none: []\n  other: [ALL]\n"), "{out}");
        // Dashes at the key's column ("compact" lists).
        let text = "drop:\n- NET_RAW\nnext: 1\n";
        let out = edit(text, |e| e.append("/drop", NewValue::str("ALL")));
        assert_eq!(out, "drop:\n- NET_RAW\n- ALL\nnext: 1\n");
        // An empty `drop:`.
        let out = edit("caps:\n  drop:\n", |e| e.append("/caps/drop", NewValue::str("ALL")));
        assert_eq!(out, "caps:\n  drop: [ALL]\n");
    }

    #[test]
    fn annotations_absent_block_and_flow_and_ignore_lists() {
        let text = "kind: Pod\nmetadata:\n  name: web\n";
        let out = edit(text, |e| e.ignore_rule("latest-tag"));
        assert_eq!(
            out,
            "kind: Pod\nmetadata:\n  name: web\n  annotations:\n    kubelint.dev/ignore: latest-tag\n    kubelint.dev/ignore-reason: \"TODO: why\"\n"
        );
        let text = "metadata:\n  annotations: {a: b}\n";
        let out = edit(text, |e| e.ignore_rule("latest-tag"));
        assert_eq!(
            out,
            "metadata:\n  annotations: {a: b, kubelint.dev/ignore: latest-tag, kubelint.dev/ignore-reason: \"TODO: why\"}\n"
        );
        let text =
            "metadata:\n  annotations:\n    kubelint.dev/ignore: \"a, b\"\n    kubelint.dev/ignore-reason: known\n";
        let out = edit(text, |e| e.ignore_rule("latest-tag"));
        assert_eq!(
            out,
            "metadata:\n  annotations:\n    kubelint.dev/ignore: \"a,b,latest-tag\"\n    kubelint.dev/ignore-reason: known\n"
        );
        assert!(refused(text, |e| e.ignore_rule("b")).contains("already lists"));
        let out = edit("metadata:\n  name: x\n", |e| e.annotate("team", "web"));
        assert_eq!(out, "metadata:\n  name: x\n  annotations:\n    team: web\n");
    }

    #[test]
    fn json_documents_stay_json() {
        let text = "{\n  \"kind\": \"Pod\",\n  \"spec\": {\n    \"containers\": [\n      {\"name\": \"web\", \"image\": \"nginx\"}\n    ]\n  }\n}\n";
        let out = edit(text, |e| {
            e.set(
                "/spec/containers/0/securityContext",
                "allowPrivilegeEscalation",
                NewValue::Bool(false),
            )
        });
        let parsed: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(
            parsed["spec"]["containers"][0]["securityContext"],
            serde_json::json!({"allowPrivilegeEscalation": false})
        );
        let out = edit(text, |e| e.set("/metadata/annotations", "a", NewValue::str("b: c")));
        let parsed: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(parsed["metadata"], serde_json::json!({"annotations": {"a": "b: c"}}));
        assert!(out.contains("\"spec\": {\n"), "the other lines stay: {out}");
        let out = edit(text, |e| e.append("/spec/containers/0/args", NewValue::str("x")));
        serde_json::from_str::<serde_json::Value>(&out).expect("valid JSON");
        let out = edit(text, |e| {
            e.replace("/spec/containers/0/image", NewValue::str("nginx:1"))
        });
        assert!(out.contains("\"image\": \"nginx:1\""));
    }

    #[test]
    fn crlf_line_breaks_are_kept() {
        let text = "a:\r\n  b: 1\r\n";
        let out = edit(text, |e| e.set("/a/c", "d", NewValue::Bool(true)));
        assert_eq!(out, "a:\r\n  b: 1\r\n  c:\r\n    d: true\r\n");
    }

    #[test]
    fn multi_document_files_and_list_items() {
        let text = "a: 1\n---\nkind: List\nitems:\n  - kind: Pod\n    metadata: {name: x}\n  - kind: Pod\n    metadata:\n      name: y\n---\nb: 2\n";
        let out = edit_doc(text, 1, |e| {
            e.set("/items/1/metadata", "namespace", NewValue::str("web"))
        });
        assert_eq!(
            out,
            text.replace("      name: y\n", "      name: y\n      namespace: web\n")
        );
        let out = edit_doc(text, 1, |e| {
            e.set("/items/0/metadata", "namespace", NewValue::str("web"))
        });
        assert!(out.contains("metadata: {name: x, namespace: web}\n"));
        let out = edit_doc(text, 2, |e| e.set("", "c", NewValue::Int(3)));
        assert!(out.ends_with("b: 2\nc: 3\n"));
    }

    #[test]
    fn comments_blank_lines_and_anchors_elsewhere_are_untouched() {
        let text = "# head\nbase: &b\n  x: 1\n\n# between\nobj:\n  <<: *b\n  y: 2  # end\n\n# tail\n";
        let out = edit(text, |e| e.set("/obj", "z", NewValue::Int(3)));
        assert_eq!(out, text.replace("y: 2  # end\n", "y: 2  # end\n  z: 3\n"));
        // A key that only the merge provides gets its own entry, not a change of the anchor.
        let out = edit(text, |e| e.set("/obj", "x", NewValue::Int(5)));
        assert!(out.starts_with("# head\nbase: &b\n  x: 1\n"));
        assert_eq!(json(&out)["obj"]["x"], serde_json::json!(5));
        assert_eq!(json(&out)["base"]["x"], serde_json::json!(1));
    }

    #[test]
    fn refuses_what_it_cannot_edit_safely() {
        // Tabs are not indentation in YAML, but a flow mapping may hold them.
        // Tabs are not indentation in YAML, but a multi-line flow mapping may hold them.
        let text = "a: {\n  b: 1,\n \tc: 2\n}\n";
        assert!(refused(text, |e| e.set("/a", "d", NewValue::Int(1))).contains("tabs"));
        assert!(refused("a: text\n", |e| e.set("/a", "c", NewValue::Int(1))).contains("string"));
        assert!(refused("a: [1]\n", |e| e.set("/a/3", "c", NewValue::Int(1))).contains("no list item"));
        assert!(refused("a: 1\n", |e| e.append("/a", NewValue::Int(1))).contains("not a list"));
    }

    #[test]
    fn multi_line_flow_mappings_quoted_keys_and_anchored_mappings() {
        // A flow mapping written one entry per line gets a new line at its keys' column.
        let text = "sc: {\n  a: 1,\n  b: 2\n}\n";
        let out = edit(text, |e| e.set("/sc", "c", NewValue::Int(3)));
        assert_eq!(out, "sc: {\n  a: 1,\n  b: 2,\n  c: 3\n}\n");
        // Quoted keys, an empty value after one.
        let text = "\"spec\":\n  \"securityContext\":\n  \"x\": 1\n";
        let out = edit(text, |e| {
            e.set("/spec/securityContext", "runAsNonRoot", NewValue::Bool(true))
        });
        assert_eq!(
            json(&out)["spec"]["securityContext"]["runAsNonRoot"],
            serde_json::json!(true)
        );
        assert_eq!(json(&out)["spec"]["x"], serde_json::json!(1));
        // A mapping with an anchor (and a tag) is edited in place.
        let text = "a: &sc !!map\n  x: 1\nc: &f {y: 2}\n";
        let out = edit(text, |e| e.set("/a", "z", NewValue::Int(3)));
        assert_eq!(out, "a: &sc !!map\n  x: 1\n  z: 3\nc: &f {y: 2}\n");
        let out = edit(text, |e| e.set("/c", "z", NewValue::Int(3)));
        assert!(out.ends_with("c: &f {y: 2, z: 3}\n"), "{out}");
        // Its aliases see the change too: more than the editor recorded, which is how
        // `--fix` notices it (and refuses the file).
        let text = "a: &sc\n  x: 1\nb: *sc\n";
        let file = SourceFile::new("t.yaml", text.to_string());
        let root = &parse_stream(&file).0[0].root;
        let editor = Editor::new(text, root);
        let out = apply_edits(text, &editor.set("/a", "z", NewValue::Int(3)).unwrap());
        let mut want = root.to_json();
        editor
            .take_changes()
            .iter()
            .for_each(|c| assert!(apply_change(c, &mut want)));
        assert_eq!(want["b"], serde_json::json!({"x": 1}));
        assert_eq!(json(&out)["b"], serde_json::json!({"x": 1, "z": 3}));
    }

    #[test]
    fn compact_lists_and_a_list_item_that_is_a_mapping() {
        let text = "containers:\n- name: a\n  image: x\n- name: b\n";
        let out = edit(text, |e| {
            e.set(
                "/containers/1/securityContext",
                "readOnlyRootFilesystem",
                NewValue::Bool(true),
            )
        });
        assert_eq!(
            out,
            format!("{text}  securityContext:\n    readOnlyRootFilesystem: true\n")
        );
        let out = edit(text, |e| {
            e.append("/containers", NewValue::map1("name", NewValue::str("c")))
        });
        assert_eq!(out, format!("{text}- name: c\n"));
    }

    #[test]
    fn byte_order_mark_is_not_a_column() {
        let text = "\u{feff}a: 1\nb: 2\n";
        let out = edit(text, |e| e.set("", "c", NewValue::Int(3)));
        assert_eq!(out, "\u{feff}a: 1\nb: 2\nc: 3\n");
    }

    /// Edits of every item of a one-line JSON `List` (a minified file) cost time linear in
    /// the file: the line table is the file's, not a scan back to the previous line break.
    #[test]
    fn edits_of_a_one_line_file_are_linear() {
        fn run(items: usize) -> std::time::Duration {
            let item = r#"{"kind":"Pod","spec":{"containers":[{"name":"c","image":"x"}]}}"#;
            let text = format!(r#"{{"kind":"List","items":[{}]}}"#, vec![item; items].join(","));
            let file = SourceFile::new("t.json", text);
            let (docs, _) = parse_stream(&file);
            let list = &docs[0].root;
            let started = std::time::Instant::now();
            for i in 0..items {
                let root = list.pointer(&format!("/items/{i}")).unwrap();
                let editor = Editor::for_file(&file, root);
                let edits = editor
                    .set(
                        "/spec/containers/0/securityContext",
                        "runAsNonRoot",
                        NewValue::Bool(true),
                    )
                    .unwrap();
                assert_eq!(edits.len(), 1);
            }
            started.elapsed()
        }
        let small = run(2_000).min(run(2_000));
        let large = run(8_000).min(run(8_000));
        let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-4);
        assert!(
            ratio < 9.0,
            "2,000 items took {small:?}, 8,000 took {large:?} (linear is about 4)"
        );
    }

    #[test]
    fn set_merges_into_existing_nested_mappings() {
        let text = "sc:\n  capabilities:\n    add: [NET_ADMIN]\n";
        let out = edit(text, |e| {
            e.set(
                "/sc",
                "capabilities",
                NewValue::map1("drop", NewValue::Seq(vec![NewValue::str("ALL")])),
            )
        });
        assert_eq!(out, "sc:\n  capabilities:\n    add: [NET_ADMIN]\n    drop: [ALL]\n");
    }
}
