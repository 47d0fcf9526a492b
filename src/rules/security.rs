//! Security-context rules.

use super::{At, Context, Family, Rule, RuleInfo};
use crate::finding::Severity;
use crate::model::{Inventory, Object};
use crate::source::Node;

/// `privileged-container`: `securityContext.privileged: true`.
pub struct PrivilegedContainer;

pub static PRIVILEGED_CONTAINER: RuleInfo = RuleInfo {
    id: "privileged-container",
    family: Family::Security,
    severity: Severity::Error,
    enabled: true,
    title: "A container runs privileged",
    rationale: "A privileged container has every capability and sees the host's devices: escaping to the node is one command away, and the Pod Security Standards forbid it from the baseline level up.",
    remediation: "Remove `privileged: true`; grant the few capabilities the process needs with `securityContext.capabilities.add` instead.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tool\nspec:\n  containers:\n    - name: tool\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tool\nspec:\n  containers:\n    - name: tool\n      image: busybox:1.36\n      securityContext:\n        privileged: false\n",
    params: &[],
    security_severity: Some("9.0"),
};

impl Rule for PrivilegedContainer {
    fn info(&self) -> &'static RuleInfo {
        &PRIVILEGED_CONTAINER
    }

    fn check(&self, object: &Object, _: &Inventory, cx: &mut Context<'_>) {
        let Some(template) = object.pod_template() else { return };
        for c in template.containers() {
            let privileged = c.node.pointer("/securityContext/privileged").and_then(Node::as_bool);
            if privileged == Some(true) {
                cx.report(
                    &c.field("securityContext/privileged"),
                    At::Value,
                    format!("{} runs privileged", c.describe()),
                );
            }
        }
    }
}
