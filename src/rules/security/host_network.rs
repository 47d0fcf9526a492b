//! `host-network`: A pod uses the host's network namespace.

use super::common::{BARE, host_namespace};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "host-network",
    family: Family::Security,
    severity: Severity::Error,
    title: "A pod uses the host's network namespace",
    rationale: "With `hostNetwork: true` the pod sees every interface of the node, can bind its ports and reach services listening on localhost, bypassing NetworkPolicies.",
    default_reason: "Error: the host network namespace exposes node-local services and sniffs traffic (Pod Security `baseline` forbids it): a critical hole outside node agents, which should carry an ignore annotation with the reason.",
    remediation: "Remove `hostNetwork: true`; expose the pod through a Service instead.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostNetwork: true\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: BARE,
    security_severity: Some("8.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    host_namespace(object, cx, "hostNetwork");
}
