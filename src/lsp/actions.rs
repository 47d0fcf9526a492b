//! Code actions on the findings under the cursor: each finding's fix (the rule's edits; an
//! unsafe one says so and is not preferred), and "Ignore `RULE` for this object" (the rule
//! added to the object's `kubelint.dev/ignore` annotation, with a reason to fill in).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic, TextEdit, Uri, WorkspaceEdit,
};

use super::text::{Encoding, Lines};
use super::{Server, diagnostic};
use crate::load::{self, Document, SourceFile};
use crate::model::edit::Editor;
use crate::vocab::{Applicability, Edit, Finding};

/// The actions for the findings whose range meets the requested range.
pub(crate) fn code_actions(server: &Server, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    if let Some(only) = &params.context.only
        && !only
            .iter()
            .any(|k| k == &CodeActionKind::QUICKFIX || k.as_str().is_empty())
    {
        return Vec::new();
    }
    let uri = &params.text_document.uri;
    let Some((doc, findings)) = server.findings(uri) else {
        return Vec::new();
    };
    let text = &doc.text;
    let lines = Lines::new(text);
    let from = lines.offset(text, params.range.start, server.encoding);
    let to = lines.offset(text, params.range.end, server.encoding);
    let documents = load::load_file(Arc::new(SourceFile::new(&doc.path, text.clone()))).documents;
    let mut out = Vec::new();
    let mut ignores: HashSet<(Option<usize>, String, String)> = HashSet::new();
    for f in findings
        .iter()
        .filter(|f| f.span.start as usize <= to && from <= f.span.end as usize)
    {
        let diagnostic = diagnostic(f, text, &lines, server.encoding);
        if let Some(fix) = &f.fix {
            let unsafe_fix = fix.applicability == Applicability::Unsafe;
            let title = if unsafe_fix {
                format!("{} (unsafe: review the change)", fix.description)
            } else {
                fix.description.clone()
            };
            out.push(action(
                title,
                uri,
                edits(&fix.edits, text, &lines, server.encoding),
                diagnostic.clone(),
                !unsafe_fix,
            ));
        }
        let Some(object) = object_of(f, &documents) else {
            continue;
        };
        let key = (f.document, object.prefix.clone(), f.rule.to_string());
        if !ignores.insert(key) {
            continue;
        }
        // Refused when the annotation already lists the rule, or the metadata cannot be
        // edited without guessing (tabs, a scalar where a mapping belongs).
        if let Ok(ignore) = Editor::new(text, &object.root).ignore_rule(&f.rule) {
            out.push(action(
                format!("Ignore `{}` for this object", f.rule),
                uri,
                edits(&ignore, text, &lines, server.encoding),
                diagnostic,
                false,
            ));
        }
    }
    out
}

/// The object (document, or item of a `List`) a finding is about.
fn object_of<'d>(f: &Finding, documents: &'d [Document]) -> Option<&'d Document> {
    f.object.as_ref()?;
    let index = f.document?;
    documents
        .iter()
        .filter(|d| d.index == index)
        .filter(|d| d.prefix.is_empty() || f.path == d.prefix || f.path.starts_with(&format!("{}/", d.prefix)))
        .max_by_key(|d| d.prefix.len())
}

fn edits(edits: &[Edit], text: &str, lines: &Lines, encoding: Encoding) -> Vec<TextEdit> {
    edits
        .iter()
        .map(|e| TextEdit {
            range: lines.range(text, e.span.start as usize, e.span.end as usize, encoding),
            new_text: e.text.clone(),
        })
        .collect()
}

fn action(
    title: String,
    uri: &Uri,
    edits: Vec<TextEdit>,
    diagnostic: Diagnostic,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Linter;
    use crate::engine::config::Config;
    use crate::model::edit::apply_edits;

    /// The ignore edits for the first finding of `rule` in `text`, applied.
    fn ignored(text: &str, rule: &str) -> String {
        let linter = Linter::new(Config::default()).unwrap();
        let r = linter.lint_str("x.yaml", text);
        let f = r.findings.iter().find(|f| &*f.rule == rule).expect(rule);
        let documents = load::load_file(Arc::new(SourceFile::new("x.yaml", text.to_string()))).documents;
        let object = object_of(f, &documents).unwrap();
        let edits = Editor::new(text, &object.root).ignore_rule(&f.rule).unwrap();
        let fixed = apply_edits(text, &edits);
        let again = linter.lint_str("x.yaml", &fixed);
        let count = |fs: &[Finding]| fs.iter().filter(|f| &*f.rule == rule).count();
        assert_eq!(count(&again.findings), count(&r.findings) - 1, "{fixed}");
        assert_eq!(count(&again.suppressed), 1, "{fixed}");
        // Nothing else changed: the same findings but the one suppressed.
        assert_eq!(again.findings.len(), r.findings.len() - 1, "{fixed}");
        fixed
    }

    #[test]
    fn ignoring_a_rule_suppresses_it_on_that_object_only() {
        let pod = |name: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: a\n    image: nginx:latest\n"
            )
        };
        let text = format!("{}---\n{}", pod("a"), pod("b"));
        let fixed = ignored(&text, "latest-tag");
        assert!(
            fixed.starts_with(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations:\n    kubelint.dev/ignore: latest-tag\n"
            ),
            "{fixed}"
        );
        // The second Pod still has its finding.
        let linter = Linter::new(Config::default()).unwrap();
        let r = linter.lint_str("x.yaml", &fixed);
        assert_eq!(r.findings.iter().filter(|f| &*f.rule == "latest-tag").count(), 1);
        // A List item: the annotation goes on the item.
        let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, annotations: {kubelint.dev/ignore: host-pid}}\n  spec:\n    containers:\n    - {name: a, image: \"nginx:latest\"}\n";
        let fixed = ignored(list, "latest-tag");
        assert!(fixed.contains("host-pid,latest-tag"), "{fixed}");
    }

    #[test]
    fn fixes_are_quickfixes_and_unsafe_ones_say_so_and_are_not_preferred() {
        use crate::vocab::Fix;
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: \"nginx:latest\"\n";
        let linter = Linter::new(Config::default()).unwrap();
        let path = std::path::PathBuf::from("/w/pod.yaml");
        let mut findings = linter.lint_str("/w/pod.yaml", text).findings;
        let at = text.find("nginx:latest").unwrap() as u32 + 6;
        for f in &mut findings {
            match &*f.rule {
                "latest-tag" => {
                    f.fix = Some(Box::new(Fix::new(
                        "Pin the tag",
                        Applicability::Safe,
                        vec![Edit::replace(crate::vocab::Span::new(at, at + 6), "1.27.2")],
                    )))
                }
                "writable-root-filesystem" => {
                    f.fix = Some(Box::new(Fix::new(
                        "Set `readOnlyRootFilesystem: true`",
                        Applicability::Unsafe,
                        vec![Edit::insert(
                            text.len() as u32,
                            "    securityContext: {readOnlyRootFilesystem: true}\n",
                        )],
                    )))
                }
                _ => {}
            }
        }
        let uri: Uri = "file:///w/pod.yaml".parse().unwrap();
        let (sender, _receiver) = crossbeam_channel::unbounded();
        let server = Server {
            linter,
            encoding: Encoding::Utf16,
            sender,
            state: std::sync::Mutex::new(super::super::State::default()),
        };
        {
            let mut state = server.state();
            state.docs.insert(
                uri.as_str().to_string(),
                super::super::Doc {
                    uri: uri.clone(),
                    path,
                    text: text.to_string(),
                    version: 3,
                },
            );
            state.results.insert(uri.as_str().to_string(), (3, findings));
        }
        let params: CodeActionParams = serde_json::from_value(serde_json::json!({
            "textDocument": {"uri": "file:///w/pod.yaml"},
            "range": {"start": {"line": 5, "character": 4}, "end": {"line": 6, "character": 12}},
            "context": {"diagnostics": []},
        }))
        .unwrap();
        let actions: Vec<CodeAction> = code_actions(&server, &params)
            .into_iter()
            .map(|a| match a {
                CodeActionOrCommand::CodeAction(a) => a,
                CodeActionOrCommand::Command(c) => panic!("{c:?}"),
            })
            .collect();
        let pin = actions.iter().find(|a| a.title == "Pin the tag").unwrap();
        assert_eq!(pin.is_preferred, Some(true));
        assert_eq!(pin.kind, Some(CodeActionKind::QUICKFIX));
        let edit = &pin.edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri][0];
        assert_eq!(edit.new_text, "1.27.2");
        assert_eq!(
            edit.range,
            lsp_types::Range::new(lsp_types::Position::new(6, 18), lsp_types::Position::new(6, 24))
        );
        assert_eq!(
            pin.diagnostics.as_ref().unwrap()[0].code,
            Some(lsp_types::NumberOrString::String("latest-tag".into()))
        );
        let ro = actions
            .iter()
            .find(|a| a.title == "Set `readOnlyRootFilesystem: true` (unsafe: review the change)")
            .unwrap();
        assert_eq!(ro.is_preferred, Some(false));
        // Each rule once: its ignore action.
        assert_eq!(
            actions
                .iter()
                .filter(|a| a.title == "Ignore `latest-tag` for this object")
                .count(),
            1
        );
        // A range away from the findings: no action; `only` other kinds: none either.
        let mut far = params.clone();
        far.range = lsp_types::Range::new(lsp_types::Position::new(0, 0), lsp_types::Position::new(0, 3));
        assert!(code_actions(&server, &far).is_empty());
        let mut refactor = params;
        refactor.context.only = Some(vec![CodeActionKind::REFACTOR]);
        assert!(code_actions(&server, &refactor).is_empty());
    }
}
