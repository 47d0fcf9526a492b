//! Documents that are fragments of objects: the files Kustomizations and chainsaw tests
//! name as patches and assertions, and the one note per file that says so.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::load::{self, Loaded};
use crate::vocab::Finding;

/// Files that the run's Kustomizations and chainsaw tests name as fragments.
pub(super) fn patch_files(loaded: &[Loaded]) -> HashMap<PathBuf, load::FragmentRef> {
    loaded
        .iter()
        .flat_map(|l| &l.fragment_files)
        .map(|p| (p.path.clone(), p.clone()))
        .collect()
}

/// Marks the documents of a file that a Kustomization names as a patch as fragments; a
/// JSON 6902 patch (a list of operations) is said to be one instead of "not a manifest".
pub(super) fn mark_patches(l: &mut Loaded, patches: &HashMap<PathBuf, load::FragmentRef>) {
    let Some(path) = l
        .documents
        .first()
        .map(|d| &d.file.path)
        .or(l.findings.first().map(|f| &f.file.path))
    else {
        return;
    };
    let Some(fragment) = patches.get(&load::normalise(path)) else {
        return;
    };
    let reason: Arc<str> = Arc::from(format!(
        "{} (named in `{}`)",
        fragment.what,
        fragment.named_by.display()
    ));
    for d in &mut l.documents {
        if let Some(why) = fragment.when.applies(&d.root) {
            let reason = match why {
                "" => Arc::clone(&reason),
                why => Arc::from(format!(
                    "{}{why} (named in `{}`)",
                    fragment.what,
                    fragment.named_by.display()
                )),
            };
            // A patch the kustomization names is a patch, whatever it looks like alone.
            if !d.partial.as_ref().is_some_and(load::Partial::is_fragment) {
                d.partial = Some(load::Partial::fragment(reason));
            }
        }
    }
    for f in &mut l.findings {
        if &*f.rule == load::problems::NOT_A_MANIFEST.id {
            let rule = &load::problems::PARTIAL_OBJECT;
            let mut note = Finding::new(
                rule,
                rule.severity,
                format!("the document is {reason}: a fragment, checked as YAML only, not as an object"),
                &f.file,
                f.span,
            )
            .with_path(f.path.clone());
            note.document = f.document;
            *f = note;
        }
    }
}

/// The note that says a document is a fragment (or an apply configuration), at its `kind`
/// (or its first key); `in_file` documents of its file are alike.
pub(super) fn partial_note(doc: &load::Document, partial: &load::Partial, in_file: usize) -> Finding {
    let (rule, reason) = (partial.rule, &partial.reason);
    let span = doc
        .root
        .key_span("/kind")
        .or_else(|| doc.root.as_map().and_then(|e| e.first()).map(|e| e.key_span))
        .unwrap_or(doc.root.span);
    let kind = doc.root.get("kind").and_then(load::Node::as_str).unwrap_or("object");
    let name = doc.root.pointer("/metadata/name").and_then(load::Node::as_str);
    let mut what = match name {
        Some(n) => format!("{kind} `{n}`"),
        None => kind.to_string(),
    };
    if in_file > 1 {
        let others = in_file - 1;
        what = format!(
            "{what} (and {others} other document{} of this file)",
            if others == 1 { "" } else { "s" }
        );
    }
    Finding::new(
        rule,
        rule.severity,
        format!("{what} is {reason}: a fragment, checked as YAML only, not as an object"),
        &doc.file,
        span,
    )
    .with_document(doc.index)
    .with_path(doc.prefix.clone())
}
