//! What a check reports: a [`Finding`] at an exact place in a file.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use super::fix::Fix;
use super::rule::RuleInfo;
use super::severity::Severity;
use super::text::{Position, SourceFile, Span};

/// The Kubernetes object a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ObjectRef {
    /// `apiVersion` (`apps/v1`).
    pub api_version: String,
    /// `kind` (`Deployment`).
    pub kind: String,
    /// The effective namespace; `None` for cluster-scoped kinds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `metadata.name`, when it has one.
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
///
/// It serialises (serde) as the JSON report writes a finding, with `file` the path as
/// given (not made relative) and without the file's text:
/// `rule, severity, message, file, start, end, path, object, document, help, helpUrl`
/// and, when suppressed, `suppression`; when it has a fix, `fix`: `{description,
/// applicability, edits: [{start, end, startOffset, endOffset, text}]}` (positions as
/// `start`/`end`, offsets in bytes of the file).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Finding {
    /// The id of the rule that reported it.
    pub rule: Arc<str>,
    /// Its severity, as configured for the run.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The object it is about, if any (none for a file that does not parse).
    pub object: Option<ObjectRef>,
    /// The file it is in (shared by every finding of that file).
    pub file: Arc<SourceFile>,
    /// Byte range in `file.text`.
    pub span: Span,
    /// Where `span` starts.
    pub start: Position,
    /// Where `span` ends.
    pub end: Position,
    /// JSON pointer of the offending value within its document (`""` for file-level findings).
    pub path: String,
    /// Position of the document in its file (0-based), when the finding is about one.
    pub document: Option<usize>,
    /// For a suppressed finding: why (the `kubelint.dev/ignore-reason` annotation, or a
    /// note that none was given).
    pub suppression: Option<String>,
    /// How to fix it (the rule's remediation).
    pub help: &'static str,
    /// How to fix it with text edits, when the rule knows a fix for this case.
    pub fix: Option<Box<Fix>>,
    /// The highest severity the finding may have whatever its rule's configured severity
    /// (a credential in a test fixture is at most a warning), if its check set one.
    pub(crate) cap: Option<Severity>,
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_with_file(self.file.display_path(), serializer)
    }
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
            help: rule.remediation,
            fix: None,
            cap: None,
        }
    }

    /// The same finding at its rule's configured `severity`, or at its cap when lower.
    pub(crate) fn at_severity(&mut self, severity: Severity) {
        self.severity = self.cap.map_or(severity, |cap| severity.min(cap));
    }

    /// Serialises the finding (see [`Finding`]) with `file` as its file's path: the path as
    /// given, or as a report shows it.
    pub(crate) fn serialize_with_file<S: serde::Serializer>(
        &self,
        file: String,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shape<'a> {
            rule: &'a str,
            severity: Severity,
            message: &'a str,
            file: String,
            start: Position,
            end: Position,
            path: &'a str,
            object: &'a Option<ObjectRef>,
            document: Option<usize>,
            help: &'a str,
            help_url: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            suppression: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            fix: Option<FixShape<'a>>,
        }
        #[derive(Serialize)]
        struct FixShape<'a> {
            description: &'a str,
            applicability: super::fix::Applicability,
            edits: Vec<EditShape<'a>>,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct EditShape<'a> {
            start: Position,
            end: Position,
            start_offset: u32,
            end_offset: u32,
            text: &'a str,
        }
        Shape {
            rule: &self.rule,
            severity: self.severity,
            message: &self.message,
            file,
            start: self.start,
            end: self.end,
            path: &self.path,
            object: &self.object,
            document: self.document,
            help: self.help,
            help_url: &self.help_url(),
            suppression: self.suppression.as_deref(),
            fix: self.fix.as_deref().map(|fix| FixShape {
                description: &fix.description,
                applicability: fix.applicability,
                edits: fix
                    .edits
                    .iter()
                    .map(|e| EditShape {
                        start: self.file.position(e.span.start),
                        end: self.file.position(e.span.end),
                        start_offset: e.span.start,
                        end_offset: e.span.end,
                        text: &e.text,
                    })
                    .collect(),
            }),
        }
        .serialize(serializer)
    }

    /// The rule's documentation page.
    pub fn help_url(&self) -> String {
        crate::vocab::rule::doc_url(&self.rule)
    }

    /// The same finding, about `object`.
    pub fn with_object(mut self, object: Option<ObjectRef>) -> Self {
        self.object = object;
        self
    }

    /// The same finding, at JSON pointer `path` of its document.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// The same finding, with a fix.
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(Box::new(fix));
        self
    }

    /// The same finding, in document `index` (0-based) of its file.
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

/// The identity of a finding that survives line shifts and rewording: a hash of the rule,
/// the object's identity (API group, kind, namespace, name: not the version, so a move from
/// `apps/v1beta1` to `apps/v1` keeps it) and the JSON path of the finding in it; not its
/// line, column or message. For a finding outside any object (a syntax error, an
/// unreadable file) it is the rule, the file and the message (there is nothing more stable
/// to go by). Returns (fingerprint, subject), the subject being `group/Kind namespace/name`
/// or the file. Baselines record it and SARIF reports carry it (`partialFingerprints`):
/// never change it, or every recorded finding and code-scanning alert comes back as new.
pub(crate) fn fingerprint(f: &Finding) -> (String, String) {
    let (subject, tail) = match &f.object {
        Some(o) => {
            let group = o.api_version.rsplit_once('/').map_or("", |(g, _)| g);
            let subject = format!(
                "{group}/{} {}/{}",
                o.kind,
                o.namespace.as_deref().unwrap_or(""),
                o.name.as_deref().unwrap_or("")
            );
            (subject, String::new())
        }
        None => (f.file.path.to_string_lossy().replace('\\', "/"), f.message.clone()),
    };
    let key = format!("{}\u{0}{subject}\u{0}{}\u{0}{tail}", f.rule, f.path);
    (format!("{:016x}", fnv1a(key.as_bytes())), subject)
}

/// FNV-1a, 64 bits: stable across versions and platforms (unlike `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
