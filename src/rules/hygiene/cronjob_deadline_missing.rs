//! `cronjob-deadline-missing`: A CronJob has no `startingDeadlineSeconds`.

use super::common::spec_field_missing;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "cronjob-deadline-missing",
    family: Family::Hygiene,
    title: "A CronJob has no `startingDeadlineSeconds`",
    rationale: "Without a starting deadline, a CronJob that missed more than 100 schedules (controller downtime, a suspended period) stops scheduling altogether, and late runs start whenever the controller catches up.",
    default_reason: "Warning: without `startingDeadlineSeconds` a CronJob that missed more than 100 schedules stops being scheduled at all.",
    remediation: "Set `spec.startingDeadlineSeconds` to how late a run may still start (e.g. `300`).",
    example_bad: "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: \"0 3 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: registry.example.com/report:2.0.1\n",
    example_good: "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: \"0 3 * * *\"\n  startingDeadlineSeconds: 300\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: registry.example.com/report:2.0.1\n",
    kinds: &["CronJob"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    spec_field_missing(object, cx, ("batch", "CronJob"), "startingDeadlineSeconds", "");
}
