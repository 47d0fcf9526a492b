//! Hover on a key: what the schema says about the field (description, type, allowed
//! values) and its path; completion of the field names the schema allows where the
//! cursor is.

use std::sync::Arc;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, Documentation, Hover, HoverContents,
    HoverParams, MarkupContent, MarkupKind,
};

use super::Server;
use super::text::Lines;
use crate::load::node::pointer_push;
use crate::load::{self, Document, Node, SourceFile, Value};
use crate::schema::describe::FieldDoc;

/// The key under byte `at` in `node`: the path of the keys from `node` down to it (JSON
/// pointer tokens, list indexes included) and the key's span.
fn key_at(node: &Node, at: u32) -> Option<(Vec<String>, crate::vocab::Span)> {
    match &node.value {
        Value::Map(entries) => entries.iter().find_map(|e| {
            if e.key_span.start <= at && at <= e.key_span.end && !e.key_span.is_empty() {
                return Some((vec![e.key.to_string()], e.key_span));
            }
            let (mut path, span) = key_at(&e.value, at)?;
            path.insert(0, e.key.to_string());
            Some((path, span))
        }),
        Value::Seq(items) => items.iter().enumerate().find_map(|(i, item)| {
            if !(item.span.start <= at && at <= item.span.end) {
                return None;
            }
            let (mut path, span) = key_at(item, at)?;
            path.insert(0, i.to_string());
            Some((path, span))
        }),
        _ => None,
    }
}

/// The document (or `List` item) whose text holds byte `at`: the innermost one.
fn document_at(documents: &[Document], at: u32) -> Option<&Document> {
    documents
        .iter()
        .filter(|d| d.root.span.start <= at && at <= d.root.span.end)
        .max_by_key(|d| d.prefix.len())
}

/// `apiVersion` and `kind` of an object.
fn kind_of(root: &Node) -> Option<(&str, &str)> {
    Some((root.get("apiVersion")?.as_str()?, root.get("kind")?.as_str()?))
}

fn markdown(path: &[String], doc: &FieldDoc, api_version: &str, kind: &str) -> String {
    let pointer = path.iter().fold(String::new(), |p, t| pointer_push(&p, t));
    let mut out = format!("**`{pointer}`**");
    if let Some(ty) = &doc.ty {
        out.push_str(&format!(" · `{ty}`"));
    }
    out.push_str("\n\n");
    match &doc.description {
        Some(d) => {
            out.push_str(d);
            if let Some(from) = &doc.description_from {
                out.push_str(&format!("\n\n_Description from {from}._"));
            }
        }
        // The bundled CRDs are stored without descriptions (schemas/crds/generate.py).
        None if doc.source == "a bundled CRD" => {
            out.push_str("_No description: kubelint stores its bundled CRD schemas without them._")
        }
        None => out.push_str("_The schema has no description for this field._"),
    }
    if !doc.values.is_empty() {
        let values: Vec<String> = doc.values.iter().map(|v| format!("`{v}`")).collect();
        out.push_str(&format!("\n\nOne of: {}", values.join(", ")));
    }
    out.push_str(&format!("\n\n_{kind} ({api_version}), schema: {}_", doc.source));
    out
}

/// The hover on the key under the cursor.
pub(crate) fn hover(server: &Server, params: &HoverParams) -> Option<Hover> {
    let uri = &params.text_document_position_params.text_document.uri;
    let doc = server.state().docs.get(uri.as_str())?.clone();
    let lines = Lines::new(&doc.text);
    let at = lines.offset(
        &doc.text,
        params.text_document_position_params.position,
        server.encoding,
    ) as u32;
    let documents = load::load_file(Arc::new(SourceFile::new(&doc.path, doc.text.clone()))).documents;
    let object = document_at(&documents, at)?;
    let (path, span) = key_at(&object.root, at)?;
    let (api_version, kind) = kind_of(&object.root)?;
    let context = server.context();
    let field = server.linter.describe_field(&context, api_version, kind, &path)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown(&path, &field, api_version, kind),
        }),
        range: Some(lines.range(&doc.text, span.start as usize, span.end as usize, server.encoding)),
    })
}

/// Where a new key typed at byte `at` goes: the path of its parent mapping (JSON pointer
/// tokens), read from the indentation of the lines above, and the text with the line being
/// typed blanked (so that the rest parses).
fn parent_at(text: &str, at: usize) -> (Vec<String>, String) {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let typed = &text[line_start..at];
    let indent = typed.len() - typed.trim_start_matches([' ', '-']).len();
    let item = typed.trim_start().starts_with('-');
    let blanked = format!(
        "{}{}{}",
        &text[..line_start],
        " ".repeat(line_end - line_start),
        &text[line_end..]
    );
    let documents = load::load_file(Arc::new(SourceFile::new("completion.yaml", blanked.clone()))).documents;
    // The nearest line above, less indented, that holds a key.
    let mut end = line_start;
    while end > 0 {
        let start = blanked[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &blanked[start..end - 1];
        end = start;
        if line.trim_end() == "---" {
            break;
        }
        let content = line.trim_start_matches([' ', '-']);
        let own = line.len() - content.len();
        // `- key: v` with the cursor under `key`: a sibling in the same list item.
        let sibling = line.trim_start().starts_with('-') && own == indent;
        if content.trim().is_empty() || content.starts_with('#') || (own >= indent && !sibling) {
            continue;
        }
        let at = (start + own) as u32;
        let Some(object) = document_at(&documents, at) else {
            break;
        };
        let Some((mut path, _)) = key_at(&object.root, at) else {
            break;
        };
        if sibling {
            path.pop();
        } else if item {
            path.push("0".into());
        }
        return (path, blanked);
    }
    (Vec::new(), blanked)
}

/// Field names the schema allows where the cursor is, with their type and description.
pub(crate) fn completion(server: &Server, params: &CompletionParams) -> Option<CompletionResponse> {
    let uri = &params.text_document_position.text_document.uri;
    let doc = server.state().docs.get(uri.as_str())?.clone();
    let lines = Lines::new(&doc.text);
    let at = lines.offset(&doc.text, params.text_document_position.position, server.encoding);
    let (path, blanked) = parent_at(&doc.text, at);
    let documents = load::load_file(Arc::new(SourceFile::new(&doc.path, blanked))).documents;
    // The object being edited: the one around the cursor, else the last one above it.
    let object =
        document_at(&documents, at as u32).or_else(|| documents.iter().rfind(|d| d.root.span.start as usize <= at))?;
    let (api_version, kind) = kind_of(&object.root)?;
    let context = server.context();
    let field = server.linter.describe_field(&context, api_version, kind, &path)?;
    let pointer = path.iter().fold(String::new(), |p, t| pointer_push(&p, t));
    let present: Vec<&str> = object
        .root
        .pointer(&pointer)
        .and_then(Node::as_map)
        .map(|entries| entries.iter().map(|e| e.key.as_str()).collect())
        .unwrap_or_default();
    let items = field
        .fields
        .into_iter()
        .filter(|(name, _, _)| !present.contains(&name.as_str()))
        .map(|(name, ty, description)| CompletionItem {
            insert_text: Some(format!("{name}: ")),
            label: name,
            kind: Some(CompletionItemKind::FIELD),
            detail: ty,
            documentation: description.map(|d| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: d,
                })
            }),
            ..CompletionItem::default()
        })
        .collect();
    Some(CompletionResponse::Array(items))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<Document> {
        load::load_file(Arc::new(SourceFile::new("x.yaml", text.to_string()))).documents
    }

    #[test]
    fn the_key_under_the_cursor_and_its_path() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";
        let docs = parse(text);
        let at = text.find("image").unwrap() as u32 + 2;
        let (path, span) = key_at(&docs[0].root, at).unwrap();
        assert_eq!(path, ["spec", "template", "spec", "containers", "0", "image"]);
        assert_eq!(&text[span.start as usize..span.end as usize], "image");
        // On a value, not a key: nothing.
        assert!(key_at(&docs[0].root, text.find("nginx").unwrap() as u32 + 1).is_none());
    }

    #[test]
    fn the_hover_text_says_where_a_description_comes_from() {
        let path: Vec<String> = ["spec", "replicas"].map(String::from).into();
        let mut doc = FieldDoc {
            description: Some("Number of desired pods.".into()),
            description_from: Some("Kubernetes 1.37".into()),
            ty: Some("integer (int32)".into()),
            values: Vec::new(),
            source: "Kubernetes 1.33".into(),
            fields: Vec::new(),
        };
        assert_eq!(
            markdown(&path, &doc, "apps/v1", "Deployment"),
            "**`/spec/replicas`** · `integer (int32)`\n\nNumber of desired pods.\n\n\
             _Description from Kubernetes 1.37._\n\n_Deployment (apps/v1), schema: Kubernetes 1.33_"
        );
        // No description: the path and type all the same.
        doc.description = None;
        assert_eq!(
            markdown(&path, &doc, "apps/v1", "Deployment"),
            "**`/spec/replicas`** · `integer (int32)`\n\n_The schema has no description for this field._\n\n\
             _Deployment (apps/v1), schema: Kubernetes 1.33_"
        );
    }

    #[test]
    fn the_parent_of_a_key_being_typed_comes_from_the_indentation() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        ima\n  replicas: 2\n";
        let at = text.find("ima").unwrap() + 3;
        assert_eq!(parent_at(text, at).0, ["spec", "template", "spec", "containers", "0"]);
        let text = text.replace("        ima\n  replicas: 2", "        image: nginx\n  repl");
        let at = text.find("repl").unwrap() + 4;
        assert_eq!(parent_at(&text, at).0, ["spec"]);
        let top = "apiVersion: v1\nkind: Pod\nspe\n";
        assert!(parent_at(top, top.find("spe").unwrap() + 3).0.is_empty());
        let item = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - na\n";
        assert_eq!(
            parent_at(item, item.find("na").unwrap() + 2).0,
            ["spec", "containers", "0"]
        );
    }
}
