//! Folding the findings of every object into a bounded, ordered report: the limits per
//! rule and run, deduplication, and the objects findings are about.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::slice::ParallelSliceMut;

use crate::model::{Inventory, Object};
use crate::rules;
use crate::schema;
use crate::vocab::limits::{Ranked, Smallest};
use crate::vocab::{Dropped, Finding, FindingLimits, RuleSettings, SourceFile};

/// Each rule's effective settings, by id.
pub(super) type Settings = HashMap<&'static str, RuleSettings>;

/// What the objects of a run produced, bounded: per rule, the first findings (in report
/// order) up to the limit per run, and counts of the others.
#[derive(Default)]
pub(super) struct Collected {
    pub(super) reported: HashMap<Arc<str>, Smallest>,
    pub(super) suppressed: HashMap<Arc<str>, Smallest>,
    /// `rule-error`s, one per place and message, naming the first object (input order).
    pub(super) rule_errors: HashMap<(PathBuf, u32, u32, String, String), Ranked>,
    /// `unknown-kind`, once per kind and file (the first object of it).
    pub(super) unknown_kinds: HashMap<(PathBuf, Option<(String, String)>), Ranked>,
    /// Findings beyond the limit per object, by rule.
    pub(super) per_object_dropped: HashMap<Arc<str>, u64>,
    /// Suppressed findings beyond the limits (counted in the summary's `suppressed`).
    pub(super) suppressed_dropped: u64,
    pub(super) without_schema: usize,
}

impl Collected {
    pub(super) fn add_checked(&mut self, c: Checked, settings: &Settings, limits: FindingLimits) {
        for f in c.reported {
            self.add(f, c.object, false, settings, limits);
        }
        for f in c.suppressed {
            self.add(f, c.object, true, settings, limits);
        }
        for (rule, n) in c.dropped {
            *self.per_object_dropped.entry(rule).or_default() += n;
        }
        self.suppressed_dropped += c.suppressed_dropped;
        self.without_schema += usize::from(c.schema == schema::Checked::NoSchema);
    }

    /// Adds one finding: the config's switches and severities apply, then the limits.
    pub(super) fn add(
        &mut self,
        mut f: Finding,
        object: usize,
        suppressed: bool,
        settings: &Settings,
        limits: FindingLimits,
    ) {
        if let Some(s) = settings.get(&*f.rule) {
            if !s.enabled {
                return;
            }
            f.at_severity(s.severity);
        }
        let ranked = Ranked { finding: f, object };
        let f = &ranked.finding;
        if !suppressed && &*f.rule == rules::RULE_ERROR.id {
            let key = (
                f.file.path.clone(),
                f.span.start,
                f.span.end,
                f.message.clone(),
                f.path.clone(),
            );
            keep_first(self.rule_errors.entry(key), ranked, |r| r.object);
        } else if !suppressed && &*f.rule == schema::UNKNOWN_KIND.id {
            let key = (
                f.file.path.clone(),
                f.object.as_ref().map(|o| (o.api_version.clone(), o.kind.clone())),
            );
            keep_first(self.unknown_kinds.entry(key), ranked, |_| 0);
        } else {
            let sets = if suppressed {
                &mut self.suppressed
            } else {
                &mut self.reported
            };
            let rule = Arc::clone(&f.rule);
            sets.entry(rule).or_default().insert(limits.findings_per_run, ranked);
        }
    }

    pub(super) fn merge(mut self, other: Collected, limits: FindingLimits) -> Collected {
        let cap = limits.findings_per_run;
        for (rule, set) in other.reported {
            self.reported.entry(rule).or_default().merge(cap, set);
        }
        for (rule, set) in other.suppressed {
            self.suppressed.entry(rule).or_default().merge(cap, set);
        }
        for (key, r) in other.rule_errors {
            keep_first(self.rule_errors.entry(key), r, |r| r.object);
        }
        for (key, r) in other.unknown_kinds {
            keep_first(self.unknown_kinds.entry(key), r, |_| 0);
        }
        for (rule, n) in other.per_object_dropped {
            *self.per_object_dropped.entry(rule).or_default() += n;
        }
        self.suppressed_dropped += other.suppressed_dropped;
        self.without_schema += other.without_schema;
        self
    }

    /// The findings and suppressed findings in report order, what was dropped by rule,
    /// the number of suppressed findings (kept or not), and objects without a schema.
    pub(super) fn finish(mut self, limits: FindingLimits) -> (Vec<Finding>, Vec<Finding>, Vec<Dropped>, usize, usize) {
        let cap = limits.findings_per_run;
        let once: Vec<Ranked> = self
            .rule_errors
            .into_values()
            .chain(self.unknown_kinds.into_values())
            .collect();
        for r in once {
            let rule = Arc::clone(&r.finding.rule);
            self.reported.entry(rule).or_default().insert(cap, r);
        }
        let mut dropped: HashMap<Arc<str>, Dropped> = HashMap::new();
        for (rule, n) in self.per_object_dropped {
            dropped.entry(Arc::clone(&rule)).or_default().per_object += n;
        }
        let findings = sorted(self.reported, cap, &mut |rule, n| {
            if n > 0 {
                dropped.entry(Arc::clone(rule)).or_default().per_run += n;
            }
        });
        let mut suppressed_dropped = self.suppressed_dropped;
        let suppressed = sorted(self.suppressed, cap, &mut |_, n| suppressed_dropped += n);
        let mut dropped: Vec<Dropped> = dropped
            .into_iter()
            .map(|(rule, d)| Dropped {
                rule: rule.to_string(),
                ..d
            })
            .filter(|d| d.total() > 0)
            .collect();
        dropped.sort_by(|a, b| a.rule.cmp(&b.rule));
        let suppressed_total = suppressed.len() + suppressed_dropped as usize;
        (findings, suppressed, dropped, suppressed_total, self.without_schema)
    }
}

/// The kept findings of every rule, in report order; `dropped` learns what each rule left out.
pub(super) fn sorted(
    sets: HashMap<Arc<str>, Smallest>,
    cap: usize,
    dropped: &mut dyn FnMut(&Arc<str>, u64),
) -> Vec<Finding> {
    let kept: Vec<(Arc<str>, Vec<Ranked>, u64)> = sets
        .into_iter()
        .map(|(rule, set)| {
            let (kept, n) = set.into_kept(cap);
            (rule, kept, n)
        })
        .collect();
    // One allocation of the final size: growing it by doubling held up to twice the
    // findings at the end of a large run.
    let mut all: Vec<Ranked> = Vec::with_capacity(kept.iter().map(|(_, k, _)| k.len()).sum());
    for (rule, items, n) in kept {
        dropped(&rule, n);
        all.extend(items);
    }
    let mut findings = in_report_order(all);
    findings.dedup_by(|a, b| a.report_order(b).is_eq() && a.object == b.object);
    findings
}

/// The findings in [`Ranked`] order (stable: the same order whatever the thread count).
/// Sorted by a small key first (the file's rank by path, where the span starts and ends:
/// what [`Finding::report_order`] compares first), the full comparison only on ties; and
/// the key is sorted, not the findings themselves. On 100k documents, comparing paths and
/// moving whole findings made the sort a twentieth of the run.
fn in_report_order(all: Vec<Ranked>) -> Vec<Finding> {
    let mut files: Vec<&Arc<SourceFile>> = all.iter().map(|r| &r.finding.file).collect();
    files.sort_unstable_by_key(|f| Arc::as_ptr(f));
    files.dedup_by(|a, b| Arc::ptr_eq(a, b));
    files.par_sort_by(|a, b| a.path.cmp(&b.path));
    let mut rank: HashMap<*const SourceFile, u32> = HashMap::with_capacity(files.len());
    let mut r = 0u32;
    for (i, f) in files.iter().enumerate() {
        if i > 0 && files[i - 1].path != f.path {
            r += 1;
        }
        rank.insert(Arc::as_ptr(f), r);
    }
    let mut order: Vec<(u32, u32, u32, u32)> = all
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let f = &r.finding;
            (rank[&Arc::as_ptr(&f.file)], f.span.start, f.span.end, i as u32)
        })
        .collect();
    order.par_sort_unstable_by(|a, b| {
        (a.0, a.1, a.2)
            .cmp(&(b.0, b.1, b.2))
            .then_with(|| all[a.3 as usize].cmp(&all[b.3 as usize]))
            .then(a.3.cmp(&b.3))
    });
    // The findings are put in that order in place (following the permutation's cycles),
    // so the sort adds no second vector of findings to the run's peak.
    let mut all = all;
    let mut place: Vec<u32> = order.iter().map(|k| k.3).collect();
    drop(order);
    for start in 0..place.len() {
        let mut at = start;
        while place[at] as usize != start {
            let from = place[at] as usize;
            all.swap(at, from);
            place[at] = at as u32;
            at = from;
        }
        place[at] = at as u32;
    }
    all.into_iter().map(|r| r.finding).collect()
}

/// Keeps, under one key, the finding of the first object (`first`), else the first in
/// report order: the same one whatever order they arrive in.
pub(super) fn keep_first<K>(
    entry: std::collections::hash_map::Entry<'_, K, Ranked>,
    ranked: Ranked,
    first: impl Fn(&Ranked) -> usize,
) {
    use std::collections::hash_map::Entry;
    match entry {
        Entry::Vacant(v) => {
            v.insert(ranked);
        }
        Entry::Occupied(mut o) => {
            let held = o.get();
            if (first(&ranked), &ranked) < (first(held), held) {
                o.insert(ranked);
            }
        }
    }
}

/// Load findings inside an object's document (a duplicate key, an alias limit) name
/// the object: the one of that file and document whose prefix starts the path.
pub(super) fn attach_objects(findings: &mut [Finding], inventory: &Inventory) {
    let mut by_doc: HashMap<(*const SourceFile, usize), Vec<&Object>> = HashMap::new();
    for o in &inventory.objects {
        by_doc
            .entry((Arc::as_ptr(&o.doc.file), o.doc.index))
            .or_default()
            .push(o);
    }
    for f in findings.iter_mut().filter(|f| f.object.is_none()) {
        let Some(index) = f.document else { continue };
        let Some(objects) = by_doc.get(&(Arc::as_ptr(&f.file), index)) else {
            continue;
        };
        let owner = objects
            .iter()
            .filter(|o| {
                let p = &o.doc.prefix;
                f.path
                    .strip_prefix(p.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .max_by_key(|o| o.doc.prefix.len());
        if let Some(o) = owner {
            f.object = Some(o.reference());
        }
    }
}

/// Keeps the first `cap` findings of each rule of sorted `findings` (`rule-error`s, one per
/// failing rule, are all kept); returns how many were dropped, by rule.
pub(super) fn cap_per_rule(findings: &mut Vec<Finding>, cap: usize) -> Vec<(Arc<str>, u64)> {
    let mut counts: HashMap<Arc<str>, u64> = HashMap::new();
    findings.retain(|f| {
        if &*f.rule == rules::RULE_ERROR.id {
            return true;
        }
        let n = counts.entry(Arc::clone(&f.rule)).or_default();
        *n += 1;
        *n <= cap as u64
    });
    counts
        .into_iter()
        .filter(|(_, n)| *n > cap as u64)
        .map(|(rule, n)| (rule, n - cap as u64))
        .collect()
}

pub(super) fn sort_dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.report_order(b));
    findings.dedup_by(|a, b| a.report_order(b).is_eq() && a.object == b.object);
}

/// What checking one object produced.
pub(super) struct Checked {
    pub(super) object: usize,
    pub(super) reported: Vec<Finding>,
    pub(super) suppressed: Vec<Finding>,
    /// Reported findings beyond the limit per object, by rule.
    pub(super) dropped: Vec<(Arc<str>, u64)>,
    pub(super) suppressed_dropped: u64,
    pub(super) schema: schema::Checked,
}
