//! `host-port`: A container binds a port on the node (hostPort).

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "host-port",
    family: Family::Security,
    title: "A container binds a port on the node (hostPort)",
    rationale: "A hostPort exposes the container on the node's address outside any Service or NetworkPolicy, and limits scheduling to nodes where the port is free.",
    default_reason: "Warning: a host port limits scheduling to one pod per node and bypasses NetworkPolicy on some CNIs; usually a mistake, sometimes needed.",
    remediation: "Remove `hostPort` and expose the container through a Service.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      ports:\n        - {containerPort: 8080, hostPort: 80}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      ports:\n        - {containerPort: 8080}\n",
    security_severity: Some("5.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((_, containers)) = crate::rules::containers(object) else {
        return;
    };
    for c in containers {
        for (i, p) in c.node.seq_of("ports").iter().enumerate() {
            if let Some(port) = p.get("hostPort").and_then(Node::as_i64)
                && port != 0
            {
                cx.report(
                    &c.field(&format!("ports/{i}/hostPort")),
                    At::Value,
                    format!("{} binds host port {port}", c.describe()),
                );
            }
        }
    }
}
