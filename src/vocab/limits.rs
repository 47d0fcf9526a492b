//! Bounds on the findings one run keeps: at most so many per rule and object, and per rule
//! and run. What is left out is counted, and every report format says so.
//!
//! Which findings are kept does not depend on the order they arrive in (and so not on the
//! number of threads): a bounded set keeps the first ones in the order reports use
//! ([`Finding::report_order`], then the object), and the rest is only counted.

use std::cmp::Ordering;

use serde::Serialize;

use crate::vocab::Finding;

/// Findings of one rule on one object, by default. Measured on ~4,400 objects of five
/// public projects (argo-cd, cert-manager, kubernetes examples, microservices-demo,
/// opentelemetry-operator), the most any rule reports on one object is 58 (schema
/// violations of a 13-container test Pod); a rule over 100 on one object repeats itself.
pub const DEFAULT_FINDINGS_PER_OBJECT: usize = 100;

/// Findings of one rule in one run, by default. The same corpus's most frequent rule
/// reports 1,510 times; 20,000 is more than ten times that, stays under GitHub code
/// scanning's 25,000 results per SARIF run, and bounds what a rule holds to about 20 MB
/// (a finding takes roughly 0.6 KB with its strings).
pub const DEFAULT_FINDINGS_PER_RUN: usize = 20_000;

/// The bounds in effect for a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FindingLimits {
    /// Findings of one rule on one object.
    pub findings_per_object: usize,
    /// Findings of one rule in one run.
    pub findings_per_run: usize,
}

impl Default for FindingLimits {
    fn default() -> Self {
        FindingLimits {
            findings_per_object: DEFAULT_FINDINGS_PER_OBJECT,
            findings_per_run: DEFAULT_FINDINGS_PER_RUN,
        }
    }
}

/// Findings of one rule that a run left out of its report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Dropped {
    /// The rule's id.
    pub rule: String,
    /// Beyond the limit per object (counted over all objects).
    pub per_object: u64,
    /// Beyond the limit per run.
    pub per_run: u64,
}

impl Dropped {
    /// Findings left out in all.
    pub fn total(&self) -> u64 {
        self.per_object + self.per_run
    }

    /// One sentence for reports.
    pub fn message(&self, limits: &FindingLimits) -> String {
        let mut parts = Vec::new();
        if self.per_object > 0 {
            parts.push(format!(
                "{} beyond {} per object",
                self.per_object, limits.findings_per_object
            ));
        }
        if self.per_run > 0 {
            parts.push(format!("{} beyond {} per run", self.per_run, limits.findings_per_run));
        }
        format!(
            "{} more `{}` findings were not reported ({}); raise the limits with --max-findings-per-object and --max-findings-per-run, or `limits:` in .kubelint.yaml",
            self.total(),
            self.rule,
            parts.join(", ")
        )
    }
}

/// A finding with the index of the object it is about (`usize::MAX` when none), ordered as
/// reports order findings, then by object: a total order, so "the first N" is one set.
#[derive(Debug)]
pub(crate) struct Ranked {
    pub finding: Finding,
    pub object: usize,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.finding
            .report_order(&other.finding)
            .then(self.object.cmp(&other.object))
            .then_with(|| self.finding.object.cmp(&other.finding.object))
            .then(self.finding.severity.cmp(&other.finding.severity))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Ranked {}

/// The first `cap` findings (in [`Ranked`] order) of those inserted, and how many others
/// there were. Memory stays bounded (by 1.5 × `cap`) however many are inserted: when the
/// buffer is full it is cut back to the `cap` smallest, which is cheaper than keeping it
/// sorted all along.
#[derive(Debug, Default)]
pub(crate) struct Smallest {
    items: Vec<Ranked>,
    pub dropped: u64,
}

impl Smallest {
    pub fn insert(&mut self, cap: usize, item: Ranked) {
        self.items.push(item);
        if self.items.len() >= cap.saturating_add(cap / 2).max(64) {
            self.compact(cap);
        }
    }

    pub fn merge(&mut self, cap: usize, mut other: Smallest) {
        self.dropped += other.dropped;
        if other.items.len() > self.items.len() {
            std::mem::swap(&mut self.items, &mut other.items);
        }
        for item in other.items {
            self.insert(cap, item);
        }
    }

    fn compact(&mut self, cap: usize) {
        if self.items.len() > cap {
            self.items.select_nth_unstable(cap);
            self.dropped += (self.items.len() - cap) as u64;
            self.items.truncate(cap);
        }
    }

    /// The kept findings, in no particular order (for a caller that sorts them with others).
    pub fn into_kept(mut self, cap: usize) -> (Vec<Ranked>, u64) {
        self.compact(cap);
        (self.items, self.dropped)
    }

    /// The kept findings, in order.
    pub fn into_sorted(self, cap: usize) -> (Vec<Ranked>, u64) {
        let (mut items, dropped) = self.into_kept(cap);
        items.sort_unstable();
        (items, dropped)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::vocab::{RuleInfo, Severity, SourceFile, Span};

    static TEST_RULE: RuleInfo = RuleInfo {
        id: "test-rule",
        ..RuleInfo::BASE
    };

    fn finding(file: &Arc<SourceFile>, at: u32) -> Finding {
        Finding::new(&TEST_RULE, Severity::Error, format!("at {at}"), file, Span::new(at, at))
    }

    #[test]
    fn keeps_the_first_in_report_order_whatever_the_arrival_order() {
        let file = Arc::new(SourceFile::new("f.yaml", "x".repeat(100)));
        let orders: [Vec<u32>; 3] = [
            (0..50).collect(),
            (0..50).rev().collect(),
            (0..50).map(|i| (i * 37) % 50).collect(),
        ];
        for order in orders {
            // Two halves merged, as rayon's fold and reduce do.
            let (mut a, mut b) = (Smallest::default(), Smallest::default());
            for (n, at) in order.iter().enumerate() {
                let target = if n % 2 == 0 { &mut a } else { &mut b };
                target.insert(
                    7,
                    Ranked {
                        finding: finding(&file, *at),
                        object: 0,
                    },
                );
            }
            a.merge(7, b);
            let (kept, dropped) = a.into_sorted(7);
            assert_eq!(dropped, 43);
            let kept: Vec<u32> = kept.iter().map(|r| r.finding.span.start).collect();
            assert_eq!(kept, (0..7).collect::<Vec<_>>());
        }
    }
}
