//! Findings made up for the writers' unit tests.

use std::sync::Arc;

use crate::vocab::{Finding, ObjectRef, RuleInfo, Severity, SourceFile, Span};

/// `n` findings of `rule` at the first byte of `file`, the `i`-th about ConfigMap `ns/cm-i`
/// at `/data`, at `severity(i)`, saying `message(i)`.
pub(crate) fn findings(
    rule: &RuleInfo,
    file: &Arc<SourceFile>,
    n: usize,
    severity: impl Fn(usize) -> Severity,
    message: impl Fn(usize) -> String,
) -> Vec<Finding> {
    (0..n)
        .map(|i| {
            Finding::new(rule, severity(i), message(i), file, Span::new(0, 1))
                .with_object(Some(ObjectRef {
                    api_version: "v1".into(),
                    kind: "ConfigMap".into(),
                    namespace: Some("ns".into()),
                    name: Some(format!("cm-{i}")),
                }))
                .with_path("/data")
        })
        .collect()
}
