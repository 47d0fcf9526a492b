//! `sensitive-host-path`: A pod mounts a sensitive path of the node.

use super::common::host_path;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "sensitive-host-path",
    family: Family::Security,
    severity: Severity::Error,
    title: "A pod mounts a sensitive path of the node",
    rationale: "Mounting the container runtime's socket (docker.sock, containerd.sock), `/`, `/etc`, `/proc`, `/sys`, `/var/lib/kubelet` or similar paths gives the pod control of the node: it can start privileged containers or read every secret on it.",
    default_reason: "Error: mounting the container runtime socket, `/etc`, `/proc`, `/` or the kubelet's files gives the pod control of the node: a critical hole.",
    remediation: "Remove the hostPath volume; if a node agent truly needs it, run it in a dedicated namespace and suppress this rule for it with a reason.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  containers:\n    - name: builder\n      image: docker:27.3\n  volumes:\n    - name: docker\n      hostPath: {path: /var/run/docker.sock}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  containers:\n    - name: builder\n      image: docker:27.3\n  volumes:\n    - name: work\n      emptyDir: {}\n",
    security_severity: Some("9.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    host_path(object, cx, true);
}
