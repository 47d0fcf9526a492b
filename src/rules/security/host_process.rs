//! `host-process`: A Windows pod runs as a HostProcess container.

use super::common::each_container;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "host-process",
    family: Family::Security,
    severity: Severity::Error,
    title: "A Windows container runs as a HostProcess container",
    rationale: "`windowsOptions.hostProcess: true` runs the container directly on the Windows node, with the node's network and file system and, usually, as SYSTEM: the baseline Pod Security Standard forbids it.",
    default_reason: "Error: a HostProcess container is the node (Pod Security `baseline` forbids it): a critical hole outside node agents, which should carry an ignore annotation with the reason.",
    remediation: "Remove `windowsOptions.hostProcess` (or set it to `false`); run node agents in a dedicated namespace with a suppression and its reason.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  securityContext:\n    windowsOptions:\n      hostProcess: true\n      runAsUserName: NT AUTHORITY\\\\SYSTEM\n  hostNetwork: true\n  nodeSelector: {kubernetes.io/os: windows}\n  containers:\n    - name: agent\n      image: registry.example.com/agent:1.0.0\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  nodeSelector: {kubernetes.io/os: windows}\n  containers:\n    - name: agent\n      image: registry.example.com/agent:1.0.0\n",
    security_severity: Some("9.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let mut reported = std::collections::BTreeSet::new();
    each_container(object, |c, sc| {
        if let Some(s) = sc.get("windowsOptions/hostProcess")
            && s.node.as_bool() == Some(true)
        {
            let pointer = sc.pointer("windowsOptions/hostProcess", &s);
            // A pod-level setting is reported once, not for every container.
            if reported.insert(pointer.clone()) {
                let whose = if s.from_pod {
                    "the pod".to_string()
                } else {
                    c.describe()
                };
                cx.report(
                    &pointer,
                    At::Value,
                    format!("{whose} runs as a Windows HostProcess container"),
                );
            }
        }
    });
}
