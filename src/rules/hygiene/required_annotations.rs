//! `required-annotations`: An object lacks a required annotation.

use super::common::required;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "required-annotations",
    family: Family::Hygiene,
    enabled: false,
    title: "An object lacks a required annotation",
    rationale: "Teams use annotations for owners, runbooks and on-call contacts; an object without them is an orphan during an incident.",
    default_reason: "Off by default: it needs the team's list of annotations.",
    remediation: "Add the annotation to `metadata.annotations`; the list is `rules.required-annotations.params.annotations`.",
    example_bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n",
    example_good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  annotations:\n    example.com/owner: shop-team\ndata:\n  mode: fast\n",
    params: &[ParamInfo {
        name: "annotations",
        ty: ParamType::StringList,
        description: "Annotation keys every object must have.",
        default: "[]",
    }],
    example_config: "params:\n  annotations: [example.com/owner]\n",
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    required(object, cx, "annotations");
}
