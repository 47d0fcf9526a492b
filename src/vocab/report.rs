//! The result of a run: findings in report order, what was suppressed or left out, and
//! the counts for the summary line.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::finding::Finding;
use super::limits::{Dropped, FindingLimits};
use super::rule::RuleState;
use super::severity::Severity;

/// Counts for the end of a report.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// YAML/JSON documents read.
    pub documents: usize,
    /// Kubernetes objects checked.
    pub objects: usize,
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub infos: usize,
    /// Findings suppressed by annotations (kept or not).
    pub suppressed: usize,
    /// Objects for which no schema was found (their kind is reported as `unknown-kind`).
    pub without_schema: usize,
    /// Findings left out of the report by the limits per rule ([`Report::dropped`]).
    pub dropped: u64,
    /// Findings left out because a baseline records them (`--baseline`).
    pub baselined: usize,
    /// Findings a baseline records that no longer appear.
    pub baseline_fixed: u64,
    /// How long the run took (not serialised).
    #[serde(skip)]
    pub elapsed: Duration,
}

/// The result of a run: findings in report order, the suppressed ones apart.
///
/// It serialises (serde) with camelCase names: `findings`, `suppressed`, `summary`,
/// `dropped`, `limits` (the rules' metadata is left out).
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Report {
    /// The findings, in report order (file, position, rule).
    pub findings: Vec<Finding>,
    /// Findings suppressed by `kubelint.dev/ignore` annotations, in report order.
    pub suppressed: Vec<Finding>,
    /// The counts.
    pub summary: Summary,
    /// Rules whose findings went beyond a limit, by rule id: what was left out.
    pub dropped: Vec<Dropped>,
    /// The limits the run applied.
    pub limits: FindingLimits,
    /// Every rule the linter knows, as configured for the run (input rules first).
    #[serde(skip)]
    pub rules: Arc<[RuleState]>,
}

impl Report {
    /// Whether any finding is at or above `threshold`.
    pub fn has_findings_at(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= threshold)
    }
}
