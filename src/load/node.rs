//! The document tree: every value keeps the byte span it was read from, and every
//! mapping entry the span of its key, so a JSON pointer leads to an exact position.

pub use compact_str::CompactString;

use crate::vocab::Span;

/// A value read from a document, with its span.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it was read: byte offsets in its file's text.
    pub span: Span,
}

/// A YAML/JSON value, resolved as Kubernetes reads YAML (1.2 core schema).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string (inline when short).
    String(CompactString),
    /// A sequence, in document order. A boxed slice, not a `Vec`: trees are built once and
    /// never grow, and without a capacity field a value takes 24 bytes instead of 32 (a
    /// tenth of a tree's memory).
    Seq(Box<[Node]>),
    /// A mapping, entries in document order (boxed, as [`Value::Seq`]).
    Map(Box<[Entry]>),
}

/// One `key: value` of a mapping.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Entry {
    /// The key (inline when short).
    pub key: CompactString,
    /// Where the key was read.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

impl Node {
    /// A node holding `value`, read at `span`.
    pub fn new(value: Value, span: Span) -> Self {
        Node { value, span }
    }

    /// The value of `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry (key span included) of `key` when this is a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Element `i` when this is a sequence.
    pub fn at(&self, i: usize) -> Option<&Node> {
        match &self.value {
            Value::Seq(items) => items.get(i),
            _ => None,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, when this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The integer, when this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        }
    }

    /// The items, when this is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The sequence at a JSON pointer below this node (empty when absent or not a sequence).
    pub fn seq_at(&self, pointer: &str) -> &[Node] {
        self.pointer(pointer).and_then(Node::as_seq).unwrap_or_default()
    }

    /// The sequence under `key` (empty when absent or not a sequence).
    pub fn seq_of(&self, key: &str) -> &[Node] {
        self.get(key).and_then(Node::as_seq).unwrap_or_default()
    }

    /// The entries, when this is a mapping.
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// A short name for the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }

    /// Follows a JSON pointer (RFC 6901, `""` is this node).
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for token in tokens(pointer)? {
            node = node.step(&token)?;
        }
        Some(node)
    }

    /// The span of the key that holds the value at `pointer`, or of the value itself
    /// when it is a sequence element or the root.
    pub fn key_span(&self, pointer: &str) -> Option<Span> {
        let tokens = pointer_tokens(pointer)?;
        let Some((last, parents)) = tokens.split_last() else {
            return Some(self.span);
        };
        let mut node = self;
        for token in parents {
            node = node.step(token)?;
        }
        match &node.value {
            Value::Map(_) => node.entry(last).map(|e| e.key_span),
            _ => node.step(last).map(|n| n.span),
        }
    }

    fn step(&self, token: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(_) => self.get(token),
            Value::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        }
    }

    /// Converts to a `serde_json::Value` (NaN and infinities, which JSON cannot hold,
    /// become `null`).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::String(s) => J::String(s.to_string()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(entries.iter().map(|e| (e.key.to_string(), e.value.to_json())).collect()),
        }
    }

    /// Builds a tree from a `serde_json::Value`; every span is empty (at offset 0).
    pub fn from_json(value: &serde_json::Value) -> Node {
        use serde_json::Value as J;
        let v = match value {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            J::String(s) => Value::String(s.into()),
            J::Array(items) => Value::Seq(items.iter().map(Node::from_json).collect()),
            J::Object(map) => Value::Map(
                map.iter()
                    .map(|(k, v)| Entry {
                        key: k.into(),
                        key_span: Span::default(),
                        value: Node::from_json(v),
                    })
                    .collect(),
            ),
        };
        Node::new(v, Span::default())
    }

    /// The JSON pointer of the entry whose key is at `key_span`, or of the value at
    /// `value_span` (depth-first; `None` when nothing in this tree is there).
    pub fn path_to_span(&self, span: Span) -> Option<String> {
        if self.span == span {
            return Some(String::new());
        }
        // No pruning by range: alias copies keep the spans of their anchors.
        match &self.value {
            Value::Map(entries) => entries.iter().find_map(|e| {
                if e.key_span == span {
                    return Some(pointer_push("", &e.key));
                }
                e.value
                    .path_to_span(span)
                    .map(|p| format!("{}{p}", pointer_push("", &e.key)))
            }),
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, n)| n.path_to_span(span).map(|p| format!("/{i}{p}"))),
            _ => None,
        }
    }

    /// [`Node::path_to_span`] for many spans in one walk: the first path (depth-first) of
    /// each span in `wanted` that this tree holds.
    pub fn paths_to_spans(&self, wanted: &std::collections::HashSet<Span>) -> std::collections::HashMap<Span, String> {
        fn walk(
            node: &Node,
            path: &mut String,
            wanted: &std::collections::HashSet<Span>,
            out: &mut std::collections::HashMap<Span, String>,
        ) {
            if wanted.contains(&node.span) {
                out.entry(node.span).or_insert_with(|| path.clone());
            }
            let len = path.len();
            match &node.value {
                Value::Map(entries) => {
                    for e in entries {
                        *path = pointer_push(path, &e.key);
                        if wanted.contains(&e.key_span) {
                            out.entry(e.key_span).or_insert_with(|| path.clone());
                        }
                        walk(&e.value, path, wanted, out);
                        path.truncate(len);
                    }
                }
                Value::Seq(items) => {
                    for (i, n) in items.iter().enumerate() {
                        use std::fmt::Write;
                        let _ = write!(path, "/{i}");
                        walk(n, path, wanted, out);
                        path.truncate(len);
                    }
                }
                _ => {}
            }
        }
        let mut out = std::collections::HashMap::new();
        walk(self, &mut String::new(), wanted, &mut out);
        out
    }

    /// The JSON pointer of the deepest node whose text holds byte `at` (`""` for this
    /// one): where a problem between keys, such as a comment, belongs.
    pub fn path_enclosing(&self, at: u32) -> String {
        let mut path = String::new();
        let mut node = self;
        loop {
            // Entries and items are in text order (but for merged ones, which point at
            // their anchor): a binary search keeps this logarithmic per level.
            let next = match &node.value {
                Value::Map(entries) => {
                    let i = entries.partition_point(|e| e.key_span.start <= at);
                    i.checked_sub(1)
                        .map(|i| &entries[i])
                        .filter(|e| at <= e.value.span.end.max(e.key_span.end))
                        .filter(|e| e.value.span.start <= at || !matches!(e.value.value, Value::Map(_) | Value::Seq(_)))
                        .map(|e| (pointer_push("", &e.key), &e.value))
                }
                Value::Seq(items) => {
                    let i = items.partition_point(|n| n.span.start <= at);
                    i.checked_sub(1)
                        .filter(|&i| at <= items[i].span.end)
                        .map(|i| (format!("/{i}"), &items[i]))
                }
                _ => None,
            };
            match next {
                Some((token, child)) if !std::ptr::eq(child, node) => {
                    path.push_str(&token);
                    node = child;
                }
                _ => return path,
            }
        }
    }

    /// Number of nodes in this tree (this one included).
    pub fn count(&self) -> usize {
        1 + match &self.value {
            Value::Seq(items) => items.iter().map(Node::count).sum(),
            Value::Map(entries) => entries.iter().map(|e| e.value.count()).sum(),
            _ => 0,
        }
    }
}

/// The unescaped tokens of a JSON pointer, borrowed unless a token holds `~` (rare).
fn tokens(pointer: &str) -> Option<impl Iterator<Item = std::borrow::Cow<'_, str>>> {
    let rest = if pointer.is_empty() {
        None
    } else {
        Some(pointer.strip_prefix('/')?)
    };
    Some(rest.into_iter().flat_map(|r| r.split('/')).map(|t| {
        if t.contains('~') {
            std::borrow::Cow::Owned(t.replace("~1", "/").replace("~0", "~"))
        } else {
            std::borrow::Cow::Borrowed(t)
        }
    }))
}

/// Splits a JSON pointer into unescaped tokens; `None` when it does not start with `/`.
pub fn pointer_tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// Appends one token to a JSON pointer, escaping `~` and `/`.
pub fn pointer_push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_nodes_stay_small() {
        // Trees are most of a run's memory: a value in 24 bytes (the string's spare byte
        // values tag the other variants), a node in 32, a mapping entry in 64.
        assert_eq!(std::mem::size_of::<Value>(), 24);
        assert_eq!(std::mem::size_of::<Node>(), 32);
        assert_eq!(std::mem::size_of::<Entry>(), 64);
    }

    #[test]
    fn pointer_escapes_round_trip() {
        let p = pointer_push("/metadata/annotations", "kubelint.dev/ignore");
        assert_eq!(p, "/metadata/annotations/kubelint.dev~1ignore");
        assert_eq!(
            pointer_tokens(&p).unwrap(),
            vec!["metadata", "annotations", "kubelint.dev/ignore"]
        );
        assert_eq!(pointer_tokens("no-slash"), None);
        let j = Node::from_json(&serde_json::json!({"a/b": {"c~d": [1, 2]}, "": 3}));
        assert_eq!(j.pointer("/a~1b/c~0d/1").and_then(Node::as_i64), Some(2));
        assert_eq!(j.pointer("/").and_then(Node::as_i64), Some(3));
        assert_eq!(j.pointer(""), Some(&j));
        assert!(j.pointer("no-slash").is_none());
    }

    #[test]
    fn json_round_trip() {
        let j = serde_json::json!({"a": [1, 2.5, "x", null, true], "b": {"c": {}}});
        assert_eq!(Node::from_json(&j).to_json(), j);
        assert_eq!(Node::from_json(&j).pointer("/a/2").unwrap().as_str(), Some("x"));
        assert_eq!(Node::from_json(&j).count(), 9);
    }
}
