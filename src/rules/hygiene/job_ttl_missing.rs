//! `job-ttl-missing`: A Job is never cleaned up (no `ttlSecondsAfterFinished`).

use super::common::spec_field_missing;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "job-ttl-missing",
    family: Family::Hygiene,
    severity: Severity::Info,
    title: "A Job is never cleaned up (no `ttlSecondsAfterFinished`)",
    rationale: "Finished Jobs and their pods stay in the cluster until someone deletes them, piling up objects for the API server and the scheduler to track.",
    default_reason: "Info: finished Jobs pile up without `ttlSecondsAfterFinished`; housekeeping, not a defect.",
    remediation: "Set `spec.ttlSecondsAfterFinished` (e.g. `86400`). Jobs created by a CronJob are cleaned by its history limits instead.",
    example_bad: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: registry.example.com/migrate:1.0.0\n",
    example_good: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  ttlSecondsAfterFinished: 86400\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: registry.example.com/migrate:1.0.0\n",
    kinds: &["Job"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    spec_field_missing(
        object,
        cx,
        ("batch", "Job"),
        "ttlSecondsAfterFinished",
        ": it stays after finishing",
    );
}
