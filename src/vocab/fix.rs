//! How to fix a finding: minimal text edits in the finding's file, never a rewrite of the
//! document, so comments, quoting, key order and blank lines outside the edits stay as
//! they were.

use serde::Serialize;

use super::text::Span;

/// Whether a fix may be applied without review (`kubelint check --fix`), or only when asked
/// for (`--unsafe-fixes`): it may change what the object does beyond the finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Changes only what the finding is about; applied by `--fix`.
    Safe,
    /// Changes behaviour a user should review (a container that writes to its root
    /// filesystem stops working with `readOnlyRootFilesystem: true`); `--unsafe-fixes`.
    Unsafe,
}

/// One text edit: the bytes of `span` in the finding's file become `text` (an insertion
/// when the span is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Edit {
    /// The byte range replaced (`start == end` inserts at `start`).
    pub span: Span,
    /// What replaces it.
    pub text: String,
}

impl Edit {
    /// Replace `span` with `text`.
    pub fn replace(span: Span, text: impl Into<String>) -> Edit {
        Edit {
            span,
            text: text.into(),
        }
    }

    /// Insert `text` at byte `at`.
    pub fn insert(at: u32, text: impl Into<String>) -> Edit {
        Edit {
            span: Span::new(at, at),
            text: text.into(),
        }
    }
}

/// A fix of one finding: edits in the finding's file, applied together or not at all.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fix {
    /// What it does, imperative ("Set `allowPrivilegeEscalation: false`").
    pub description: String,
    /// Safe or unsafe.
    pub applicability: Applicability,
    /// The edits, in any order, none overlapping.
    pub edits: Vec<Edit>,
    /// What the edits mean for the document's tree, when the fix was made by kubelint's
    /// editor: `kubelint check --fix` re-parses the fixed text and refuses a file whose
    /// trees differ from the old ones with exactly these changes applied. A fix without
    /// them is never applied by `--fix` (its intent cannot be checked).
    pub(crate) changes: Vec<Change>,
}

/// One intended change of a document's tree (the value of a fix's edits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Change {
    /// JSON pointer within the document (a `List` item's prefix included).
    pub pointer: String,
    /// What happens there.
    pub op: ChangeOp,
    /// The new value (the item, for `Append`).
    pub value: serde_json::Value,
}

/// How a [`Change`] changes the value at its pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChangeOp {
    /// Mappings are merged key by key, anything else replaced; missing or null parents
    /// become mappings.
    Merge,
    /// The value is replaced whole.
    Replace,
    /// The value is appended to the list there (a missing or null list becomes `[value]`).
    Append,
}

impl Fix {
    /// A fix made of `edits`.
    pub fn new(description: impl Into<String>, applicability: Applicability, edits: Vec<Edit>) -> Fix {
        Fix {
            description: description.into(),
            applicability,
            edits,
            changes: Vec::new(),
        }
    }

    /// The same fix, with the tree changes its edits mean.
    pub(crate) fn with_changes(mut self, changes: Vec<Change>) -> Fix {
        self.changes = changes;
        self
    }
}
