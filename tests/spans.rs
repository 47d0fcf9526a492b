//! Property: for every key and every leaf of a generated document, the span kubelint
//! records is exactly where the renderer wrote it, and the span's text is the value as
//! written (block and flow styles, plain and quoted scalars, Unicode, CRLF, a BOM).

use kubelint::load::node::pointer_push;
use kubelint::load::scalar::{Resolved, resolve_plain};
use kubelint::load::yaml::parse_stream;
use kubelint::load::{SourceFile, Value};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Gen {
    Plain(String),
    Single(String),
    Double(String),
    Int(i64),
    Bool(bool),
    Map(Vec<(String, Gen)>),
    Seq(Vec<Gen>, bool),
}

fn key() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9.-]{0,8}".prop_filter("keys must read as strings", |k| resolve_plain(k) == Resolved::Str)
}

fn leaf() -> impl Strategy<Value = Gen> {
    prop_oneof![
        "[a-zA-Z][a-zA-Z0-9._/-]{0,6}( [a-zA-Z0-9][a-zA-Z0-9._/-]{0,5})?"
            .prop_filter("plain strings must read as strings", |s| resolve_plain(s)
                == Resolved::Str)
            .prop_map(Gen::Plain),
        "[ -~éü€]{0,12}".prop_map(Gen::Single),
        "[ -~éü€\t]{0,12}".prop_map(Gen::Double),
        any::<i64>().prop_map(Gen::Int),
        any::<bool>().prop_map(Gen::Bool),
    ]
}

fn tree() -> impl Strategy<Value = Gen> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec((key(), inner.clone()), 0..6).prop_map(|entries| {
                let mut seen = std::collections::HashSet::new();
                Gen::Map(entries.into_iter().filter(|(k, _)| seen.insert(k.clone())).collect())
            }),
            (prop::collection::vec(inner, 0..5), any::<bool>()).prop_map(|(items, flow)| Gen::Seq(items, flow)),
        ]
    })
}

/// What the renderer wrote where: (pointer, byte offset, text) for leaves, and
/// (pointer, byte offset) for keys.
#[derive(Default)]
struct Written {
    text: String,
    leaves: Vec<(String, usize, String)>,
    keys: Vec<(String, usize)>,
    newline: &'static str,
}

fn scalar_text(g: &Gen) -> Option<String> {
    Some(match g {
        Gen::Plain(s) => s.clone(),
        Gen::Single(s) => format!("'{}'", s.replace('\'', "''")),
        Gen::Double(s) => format!(
            "\"{}\"",
            s.replace('\\', "\\\\").replace('"', "\\\"").replace('\t', "\\t")
        ),
        Gen::Int(i) => i.to_string(),
        Gen::Bool(b) => b.to_string(),
        _ => return None,
    })
}

fn is_flow_safe(g: &Gen) -> bool {
    match g {
        Gen::Seq(items, _) => items.iter().all(is_flow_safe),
        Gen::Map(_) => false,
        _ => true,
    }
}

impl Written {
    fn leaf(&mut self, path: &str, text: String) {
        self.leaves.push((path.to_string(), self.text.len(), text.clone()));
        self.text.push_str(&text);
    }

    fn flow(&mut self, g: &Gen, path: &str) {
        match g {
            Gen::Seq(items, _) => {
                self.text.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.text.push_str(", ");
                    }
                    self.flow(item, &format!("{path}/{i}"));
                }
                self.text.push(']');
            }
            other => self.leaf(path, scalar_text(other).unwrap()),
        }
    }

    /// Writes `g` as the value after `key:` or `-` (the cursor is right after it).
    fn value(&mut self, g: &Gen, path: &str, indent: usize) {
        match g {
            Gen::Map(entries) if entries.is_empty() => self.text.push_str(" {}"),
            Gen::Seq(items, _) if items.is_empty() => self.text.push_str(" []"),
            Gen::Seq(_, true) if is_flow_safe(g) => {
                self.text.push(' ');
                self.flow(g, path);
            }
            Gen::Map(_) | Gen::Seq(..) => {
                self.text.push_str(self.newline);
                self.block(g, path, indent + 2);
                return;
            }
            leaf => {
                self.text.push(' ');
                self.leaf(path, scalar_text(leaf).unwrap());
            }
        }
        self.text.push_str(self.newline);
    }

    fn block(&mut self, g: &Gen, path: &str, indent: usize) {
        match g {
            Gen::Map(entries) => {
                for (k, v) in entries {
                    let p = pointer_push(path, k);
                    self.text.push_str(&" ".repeat(indent));
                    self.keys.push((p.clone(), self.text.len()));
                    self.text.push_str(k);
                    self.text.push(':');
                    self.value(v, &p, indent);
                }
            }
            Gen::Seq(items, _) => {
                for (i, item) in items.iter().enumerate() {
                    self.text.push_str(&" ".repeat(indent));
                    self.text.push('-');
                    self.value(item, &format!("{path}/{i}"), indent);
                }
            }
            _ => unreachable!("block() takes collections"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_key_and_leaf_span_is_exact(
        entries in prop::collection::vec((key(), tree()), 1..6),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let mut seen = std::collections::HashSet::new();
        let entries: Vec<_> = entries.into_iter().filter(|(k, _)| seen.insert(k.clone())).collect();
        let mut w = Written { newline: if crlf { "\r\n" } else { "\n" }, ..Written::default() };
        if bom {
            w.text.push('\u{feff}');
        }
        w.block(&Gen::Map(entries), "", 0);
        let file = SourceFile::new("gen.yaml", w.text.clone());
        let (docs, problems) = parse_stream(&file);
        prop_assert!(problems.is_empty(), "{:?}\n{}", problems, w.text);
        let root = &docs[0].root;
        for (path, offset, text) in &w.leaves {
            let node = root.pointer(path).unwrap_or_else(|| panic!("no {path} in\n{}", w.text));
            prop_assert!(!matches!(node.value, Value::Map(_) | Value::Seq(_)));
            prop_assert_eq!(node.span.start as usize, *offset, "start of {} in\n{}", path, w.text);
            prop_assert_eq!(file.slice(node.span), text.as_str(), "text of {}", path);
            let pos = file.position(node.span.start);
            let before = &w.text[..*offset];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().unwrap().trim_start_matches('\u{feff}').chars().count() + 1;
            prop_assert_eq!((pos.line as usize, pos.column as usize), (line, col), "position of {}", path);
        }
        for (path, offset) in &w.keys {
            let span = root.key_span(path).unwrap();
            prop_assert_eq!(span.start as usize, *offset, "key of {} in\n{}", path, w.text);
        }
    }
}
