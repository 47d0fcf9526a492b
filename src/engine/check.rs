//! One object through the schema and every active rule, each behind a panic boundary;
//! and the ignore annotations that name no rule.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::collect::{Checked, cap_per_rule, sort_dedup};
use super::context::Cancelled;
use crate::load;
use crate::model::{IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION, Inventory, Object, finding_at};
use crate::rules::context::ObjectScratch;
use crate::rules::{self, Context, Rule, RuleRun};
use crate::schema::{self, RunSchemas};
use crate::vocab::suggest::hint;
use crate::vocab::{At, Finding, FindingLimits, RuleSettings};

/// A `rule-error` for a rule (or the schema check) that panicked on an object.
pub(super) fn panicked(what: &str, object: &Object, payload: &(dyn std::any::Any + Send)) -> Finding {
    let rule = &rules::RULE_ERROR;
    let message = format!(
        "{what} panicked on this object ({}); the other rules still ran. This is a bug: please report it",
        rules::panic_message(payload)
    );
    finding_at(rule, rule.severity, object, "/metadata/name", At::Value, message)
}

/// Runs the schema rules and every active rule on one object. A rule that panics becomes a
/// `rule-error` (what it reported on the object before is dropped) and the others still run.
/// Stops between rules once `cancel` is set.
#[allow(clippy::too_many_arguments)]
pub(super) fn check_object<'s>(
    object: &Object,
    inventory: &Arc<Inventory>,
    schemas: &RunSchemas<'_>,
    settings: &dyn Fn(&str) -> &'s RuleSettings,
    active: &[(&dyn Rule, &RuleSettings)],
    runs: &[RuleRun],
    limits: FindingLimits,
    cancel: Option<&AtomicBool>,
    known: &[&'static str],
) -> Result<Checked, Cancelled> {
    let cancelled = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    if cancelled() {
        return Err(Cancelled);
    }
    let mut out = Vec::new();
    let schema = match catch_unwind(AssertUnwindSafe(|| schemas.check(object, settings, &mut out))) {
        Ok(checked) => checked,
        Err(payload) => {
            out.clear();
            out.push(panicked("the schema check", object, payload.as_ref()));
            schema::Checked::Validated
        }
    };
    let before = out.len();
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| {
        schemas.check_policies(object, inventory, settings, &mut out)
    })) {
        out.truncate(before);
        out.push(panicked("the admission policies", object, payload.as_ref()));
    }
    let unknown_ignored = settings(load::problems::UNKNOWN_RULE_IN_IGNORE.id);
    if unknown_ignored.enabled {
        unknown_ignored_rules(object, known, unknown_ignored, &mut out);
    }
    let scratch = ObjectScratch::default();
    // A rule's declared kinds ([`RuleInfo::kinds`]): it is not run on other objects.
    let is_workload = object.pod_template().is_some();
    // Findings a rule left out itself (a script keeps no more than the limit), by rule.
    let mut dropped_early: Vec<(&'static str, u64)> = Vec::new();
    for ((rule, settings), run) in active.iter().zip(runs) {
        if cancelled() {
            return Err(Cancelled);
        }
        if !rule.info().applies_to(&object.kind, is_workload) {
            continue;
        }
        let before = out.len();
        let mut cx = Context::new(rule.info(), settings, object, &mut out);
        cx.shared = Some(inventory);
        cx.scratch = Some(&scratch);
        cx.run = Some(run);
        cx.max_findings = limits.findings_per_object;
        match catch_unwind(AssertUnwindSafe(|| {
            rule.check(object, inventory, &mut cx);
            cx.dropped
        })) {
            Ok(0) => {}
            Ok(n) => dropped_early.push((rule.info().id, n)),
            Err(payload) => {
                out.truncate(before);
                out.push(panicked(
                    &format!("rule `{}`", rule.info().id),
                    object,
                    payload.as_ref(),
                ));
            }
        }
    }
    sort_dedup(&mut out);
    let ignored = if out.is_empty() && dropped_early.is_empty() {
        Vec::new()
    } else {
        object.ignored_rules()
    };
    let is_ignored = |rule: &str| ignored.iter().any(|i| i == rule || i == "all" || i == "*");
    let (mut reported, mut suppressed): (Vec<Finding>, Vec<Finding>) = if ignored.is_empty() {
        (out, Vec::new())
    } else {
        out.into_iter().partition(|f| !is_ignored(&f.rule))
    };
    let mut dropped = cap_per_rule(&mut reported, limits.findings_per_object);
    let mut suppressed_dropped: u64 = cap_per_rule(&mut suppressed, limits.findings_per_object)
        .iter()
        .map(|(_, n)| n)
        .sum();
    for (rule, n) in dropped_early {
        if is_ignored(rule) {
            suppressed_dropped += n;
        } else {
            dropped.push((Arc::from(rule), n));
        }
    }
    if !suppressed.is_empty() {
        let reason = object
            .ignore_reason()
            .unwrap_or_else(|| format!("{IGNORE_ANNOTATION} annotation (no {IGNORE_REASON_ANNOTATION} given)"));
        for f in &mut suppressed {
            f.suppression = Some(reason.clone());
        }
    }
    Ok(Checked {
        object: object.id,
        reported,
        suppressed,
        dropped,
        suppressed_dropped,
        schema,
    })
}

/// `unknown-rule-in-ignore` findings: ids in the object's (or its pod template's)
/// `kubelint.dev/ignore` annotation that name no rule of this linter.
pub(super) fn unknown_ignored_rules(
    object: &Object,
    known: &[&'static str],
    settings: &RuleSettings,
    out: &mut Vec<Finding>,
) {
    let rule = &load::problems::UNKNOWN_RULE_IN_IGNORE;
    let key = IGNORE_ANNOTATION.replace('/', "~1");
    let mut places = vec![(
        object.annotations.get(IGNORE_ANNOTATION).map(str::to_string),
        "/metadata/annotations".to_string(),
    )];
    if let Some(t) = object.pod_template()
        && !t.pointer.is_empty()
    {
        places.push((
            t.annotations().get(IGNORE_ANNOTATION).map(str::to_string),
            format!("{}/metadata/annotations", t.pointer),
        ));
    }
    for (value, annotations) in places {
        let Some(value) = value else { continue };
        for id in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if id == "all" || id == "*" || known.contains(&id) {
                continue;
            }
            let message = format!(
                "`{IGNORE_ANNOTATION}` names `{id}`, which is not a rule, so it silences nothing{}",
                hint(id, known.iter().copied())
            );
            out.push(finding_at(
                rule,
                settings.severity,
                object,
                &format!("{annotations}/{key}"),
                At::Value,
                message,
            ));
        }
    }
}
