//! `required-labels`: An object lacks a required label.

use super::common::required;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "required-labels",
    family: Family::Hygiene,
    enabled: false,
    title: "An object lacks a required label",
    rationale: "Ownership, cost and routing tooling relies on labels every object is expected to carry (team, app, environment).",
    default_reason: "Off by default: it needs the team's list of labels.",
    remediation: "Add the label to `metadata.labels`; the list is `rules.required-labels.params.labels`.",
    example_bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n",
    example_good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels:\n    app.kubernetes.io/name: shop\ndata:\n  mode: fast\n",
    params: &[ParamInfo {
        name: "labels",
        ty: ParamType::StringList,
        description: "Label keys every object must have.",
        default: "[]",
    }],
    example_config: "params:\n  labels: [app.kubernetes.io/name]\n",
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    required(object, cx, "labels");
}
