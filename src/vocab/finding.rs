//! What a check reports: a [`Finding`] at an exact place in a file.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use super::rule::RuleInfo;
use super::severity::Severity;
use super::text::{Position, SourceFile, Span};

/// The Kubernetes object a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(ns) = &self.namespace {
            write!(f, " {ns}/")?;
        } else {
            f.write_str(" ")?;
        }
        f.write_str(self.name.as_deref().unwrap_or("<unnamed>"))
    }
}

/// One problem found, at one place.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: Arc<str>,
    pub severity: Severity,
    pub message: String,
    pub object: Option<ObjectRef>,
    pub file: Arc<SourceFile>,
    /// Byte range in `file.text`.
    pub span: Span,
    pub start: Position,
    pub end: Position,
    /// JSON pointer of the offending value within its document (`""` for file-level findings).
    pub path: String,
    /// Position of the document in its file (0-based), when the finding is about one.
    pub document: Option<usize>,
    /// For a suppressed finding: why (the `kubelint.dev/ignore-reason` annotation, or a
    /// note that none was given).
    pub suppression: Option<String>,
    pub help: String,
    pub help_url: String,
}

impl Finding {
    /// A finding at `span` of `file`; positions are computed from the span.
    pub fn new(
        rule: &RuleInfo,
        severity: Severity,
        message: impl Into<String>,
        file: &Arc<SourceFile>,
        span: Span,
    ) -> Finding {
        let start = file.position(span.start);
        let end = file.position(span.end);
        Finding {
            rule: Arc::from(rule.id),
            severity,
            message: message.into(),
            object: None,
            file: Arc::clone(file),
            span,
            start,
            end,
            path: String::new(),
            document: None,
            suppression: None,
            help: rule.remediation.to_string(),
            help_url: rule.help_url(),
        }
    }

    pub fn with_object(mut self, object: Option<ObjectRef>) -> Self {
        self.object = object;
        self
    }

    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    pub fn with_document(mut self, index: usize) -> Self {
        self.document = Some(index);
        self
    }

    /// The order reports use: file, position, rule, message.
    pub fn report_order(&self, other: &Finding) -> std::cmp::Ordering {
        let file = if Arc::ptr_eq(&self.file, &other.file) {
            std::cmp::Ordering::Equal
        } else {
            self.file.path.cmp(&other.file.path)
        };
        file.then(self.span.start.cmp(&other.span.start))
            .then(self.span.end.cmp(&other.span.end))
            .then(self.rule.cmp(&other.rule))
            .then(self.message.cmp(&other.message))
            .then(self.path.cmp(&other.path))
    }
}
