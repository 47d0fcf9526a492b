//! Stages 1 and 2: find the input files and load them into spanned documents.

pub mod discover;
pub mod node;
pub mod scalar;
pub mod text;
pub mod yaml;

#[cfg(test)]
mod linear_tests;

use std::path::Path;
use std::sync::Arc;

pub use node::{Entry, Node, Value};
pub use text::{LineIndex, Position, SourceFile, Span};

use crate::finding::{Finding, Severity};
use crate::rules::input as rules;

/// One Kubernetes object as written in a file: a whole document, or one item of a
/// `kind: List` document.
#[derive(Debug, Clone)]
pub struct Document {
    pub file: Arc<SourceFile>,
    /// Position of the document in its file's stream (0-based).
    pub index: usize,
    /// JSON pointer of the object within the document: `""`, or `/items/N` for a list item.
    pub prefix: String,
    pub root: Node,
}

/// What loading one file produced.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub findings: Vec<Finding>,
    /// Non-empty YAML documents read (a `List` counts once).
    pub documents_read: usize,
}

/// Files larger than this are reported, not read (`--max-file-size`).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Reads a file from disk and loads it. Never fails: problems become findings.
pub fn load_path(path: &Path, max_size: u64) -> Loaded {
    if let Some(note) = helm_template_note(path) {
        let file = Arc::new(SourceFile::new(path, String::new()));
        return Loaded {
            findings: vec![Finding::new(
                &rules::SKIPPED_FILE,
                Severity::Info,
                note,
                &file,
                Span::default(),
            )],
            ..Loaded::default()
        };
    }
    match read_text(path, max_size) {
        Ok(file) => load_file(Arc::new(file)),
        Err(finding) => Loaded {
            findings: vec![*finding],
            ..Loaded::default()
        },
    }
}

/// Reads a file as UTF-8 text; a read failure, an oversized file or invalid UTF-8 is an
/// `unreadable-file` finding.
pub fn read_text(path: &Path, max_size: u64) -> Result<SourceFile, Box<Finding>> {
    let fail = |text: String, span: Span, message: String| {
        let file = Arc::new(SourceFile::new(path, text));
        Box::new(Finding::new(
            &rules::UNREADABLE_FILE,
            rules::UNREADABLE_FILE.severity,
            message,
            &file,
            span,
        ))
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > max_size => {
            return Err(fail(
                String::new(),
                Span::default(),
                format!(
                    "file is {} bytes, over the {max_size}-byte limit (--max-file-size)",
                    meta.len()
                ),
            ));
        }
        Ok(_) => {}
        Err(e) => return Err(fail(String::new(), Span::default(), format!("cannot read file: {e}"))),
    }
    let bytes =
        std::fs::read(path).map_err(|e| fail(String::new(), Span::default(), format!("cannot read file: {e}")))?;
    text_from_bytes(path, bytes).map_err(|(text, span, message)| fail(text, span, message))
}

/// Decodes bytes as UTF-8, or says where they stop being UTF-8.
pub fn text_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<SourceFile, (String, Span, String)> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(path, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to() as u32;
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Err((text, Span::new(at, at + 1), "file is not valid UTF-8 text".to_string()))
        }
    }
}

/// Files under `<chart>/templates/` are Helm templates, not manifests.
fn helm_template_note(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if name == "Chart.yaml" || name == "Chart.lock" {
        return Some("Helm chart metadata: not a Kubernetes object, skipped".into());
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.file_name().is_some_and(|n| n == "templates") {
            let chart = d.parent().map(|p| p.join("Chart.yaml"));
            if chart.is_some_and(|c| c.is_file()) {
                return Some(
                    "Helm template: skipped; lint the rendered output instead (`helm template . | kubelint check -`)"
                        .into(),
                );
            }
        }
        dir = d.parent();
    }
    None
}

/// Parses a file's text and sorts its documents into objects and findings.
pub fn load_file(file: Arc<SourceFile>) -> Loaded {
    let (parsed, problems) = yaml::parse_stream(&file);
    let mut out = Loaded::default();
    // Which document, and where in it, each problem is: one walk per document that has
    // problems (a file of many duplicate keys stays linear).
    let doc_of = |p: &yaml::Problem| {
        let i = parsed.partition_point(|d| d.root.span.start <= p.span.start);
        i.checked_sub(1).filter(|&i| p.span.start <= parsed[i].root.span.end)
    };
    let mut wanted: Vec<std::collections::HashSet<Span>> = vec![Default::default(); parsed.len()];
    for p in &problems {
        if let Some(i) = doc_of(p) {
            wanted[i].insert(p.span);
        }
    }
    let paths: Vec<_> = parsed
        .iter()
        .zip(&wanted)
        .map(|(d, w)| {
            if w.is_empty() {
                Default::default()
            } else {
                d.root.paths_to_spans(w)
            }
        })
        .collect();
    let templated = problems.iter().any(|p| p.kind == yaml::ProblemKind::Syntax) && file.text.contains("{{");
    for p in problems {
        let doc = doc_of(&p);
        let rule = match p.kind {
            yaml::ProblemKind::Syntax => &rules::YAML_SYNTAX,
            yaml::ProblemKind::DuplicateKey => &rules::DUPLICATE_KEY,
            yaml::ProblemKind::AliasLimit => &rules::ALIAS_LIMIT,
            yaml::ProblemKind::Differential => &rules::UNICODE_LINE_BREAK,
        };
        let mut message = p.message;
        if p.kind == yaml::ProblemKind::Syntax && templated {
            message.push_str(" (the file contains `{{`: if it is a template, lint its rendered output)");
        }
        let mut finding = Finding::new(rule, rule.severity, message, &file, p.span);
        // Problems inside a document that was read (duplicate keys, alias limits) say
        // which document and key; the linter adds the object.
        if let Some(i) = doc {
            finding = finding.with_document(parsed[i].index);
            let path = match paths[i].get(&p.span) {
                Some(path) => path.clone(),
                None => parsed[i].root.path_enclosing(p.span.start),
            };
            finding = finding.with_path(path);
        }
        out.findings.push(finding);
    }
    for doc in parsed {
        if doc.root.is_null() {
            continue;
        }
        out.documents_read += 1;
        classify(&file, doc.index, String::new(), doc.root, &mut out);
    }
    out
}

fn classify(file: &Arc<SourceFile>, index: usize, prefix: String, root: Node, out: &mut Loaded) {
    let note = |rule: &'static crate::rules::RuleInfo, message: String, span: Span| {
        Finding::new(rule, rule.severity, message, file, span)
            .with_document(index)
            .with_path(prefix.clone())
    };
    // Document-level notes point at the first key, not at the whole document.
    let head = match root.as_map().and_then(|e| e.first()) {
        Some(e) => e.key_span,
        None => {
            let text = file.slice(root.span);
            Span::new(
                root.span.start,
                root.span.start + text.find(['\n', '\r']).unwrap_or(text.len()) as u32,
            )
        }
    };
    if root.as_map().is_none() {
        let message = format!(
            "document is {} {}, not a Kubernetes object",
            article(root.type_name()),
            root.type_name()
        );
        out.findings.push(note(&rules::NOT_A_MANIFEST, message, head));
        return;
    }
    let api_version = root.get("apiVersion").and_then(Node::as_str);
    let kind = root.get("kind").and_then(Node::as_str);
    let file_name = file.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if api_version.is_some_and(|v| v.starts_with("kustomize.config.k8s.io/"))
        || matches!(file_name, "kustomization.yaml" | "kustomization.yml" | "Kustomization")
    {
        let message = "Kustomization: not a Kubernetes object, skipped; lint the built output instead (`kustomize build . | kubelint check -`)";
        out.findings.push(note(&rules::SKIPPED_FILE, message.into(), head));
        return;
    }
    match (api_version, kind) {
        (Some(_), Some(kind)) => {
            let is_list = kind.ends_with("List") && root.get("items").and_then(Node::as_seq).is_some();
            if is_list {
                let Value::Map(entries) = root.value else { return };
                for entry in entries {
                    if entry.key != "items" {
                        continue;
                    }
                    let Value::Seq(items) = entry.value.value else { continue };
                    for (i, item) in items.into_iter().enumerate() {
                        classify(file, index, format!("{prefix}/items/{i}"), item, out);
                    }
                }
            } else {
                out.documents.push(Document {
                    file: Arc::clone(file),
                    index,
                    prefix,
                    root,
                });
            }
        }
        (None, None) => {
            let message = match (root.get("apiVersion"), root.get("kind")) {
                (None, None) => "document has no `apiVersion` and `kind`: not a Kubernetes object".to_string(),
                _ => "`apiVersion` and `kind` are not strings: not a Kubernetes object".to_string(),
            };
            out.findings.push(note(&rules::NOT_A_MANIFEST, message, head));
        }
        (present_version, _) => {
            let (missing, present_key) = if present_version.is_some() {
                ("kind", "apiVersion")
            } else {
                ("apiVersion", "kind")
            };
            let span = root.key_span(&format!("/{present_key}")).unwrap_or(root.span);
            let message =
                format!("object has `{present_key}` but no `{missing}` (as a string); the API server rejects it");
            out.findings.push(note(&rules::MISSING_TYPE_META, message, span));
        }
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str, text: &str) -> Loaded {
        load_file(Arc::new(SourceFile::new(name, text.to_string())))
    }

    #[test]
    fn list_items_become_documents_with_prefix() {
        let l = load(
            "l.yaml",
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: b}\n",
        );
        assert_eq!(l.documents.len(), 2);
        assert_eq!(l.documents[1].prefix, "/items/1");
        assert_eq!(l.documents[1].file.position(l.documents[1].root.span.start).line, 7);
        assert_eq!(l.documents_read, 1);
    }

    #[test]
    fn non_manifests_and_kustomizations_are_notes() {
        let l = load(
            "x.yaml",
            "foo: bar\n---\n- 1\n---\n---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
        );
        let rules: Vec<_> = l.findings.iter().map(|f| &*f.rule).collect();
        assert_eq!(rules, vec!["not-a-manifest", "not-a-manifest", "skipped-file"]);
        assert!(l.documents.is_empty());
        assert_eq!(l.documents_read, 3);
    }

    #[test]
    fn half_a_type_meta_is_an_error() {
        let l = load("x.yaml", "kind: Pod\nmetadata: {name: p}\n");
        assert_eq!(&*l.findings[0].rule, "missing-type-meta");
        assert_eq!(l.findings[0].start, Position { line: 1, column: 1 });
    }
}
