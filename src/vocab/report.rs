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
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub objects: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    /// Objects for which no schema was found (their kind is reported as `unknown-kind`).
    pub without_schema: usize,
    /// Findings left out of the report by the limits per rule ([`Report::dropped`]).
    pub dropped: u64,
    /// Findings left out because a baseline records them (`--baseline`).
    pub baselined: usize,
    /// Findings a baseline records that no longer appear.
    pub baseline_fixed: u64,
    #[serde(skip)]
    pub elapsed: Duration,
}

/// The result of a run: findings in report order, the suppressed ones apart.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Finding>,
    pub summary: Summary,
    /// Rules whose findings went beyond a limit, by rule id: what was left out.
    pub dropped: Vec<Dropped>,
    /// The limits the run applied.
    pub limits: FindingLimits,
    /// Every rule the linter knows, as configured for the run (input rules first).
    pub rules: Arc<[RuleState]>,
}

impl Report {
    /// Whether any finding is at or above `threshold`.
    pub fn has_findings_at(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= threshold)
    }
}
