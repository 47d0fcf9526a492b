//! `invalid-count`: A replica count, history limit or duration of a workload out of the
//! range the API server accepts.

use super::common::{at_least, int_at};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-count",
    family: Family::Api,
    severity: Severity::Error,
    title: "A replica count, limit or duration out of the range the API server accepts",
    rationale: "The schema only says these fields are integers; the API server also requires them in range (`ValidateNonnegativeField` and friends in `ValidateDeploymentSpec`, `ValidateReplicaSetSpec`, `ValidateStatefulSetSpec`, `ValidateDaemonSetSpec`, `validateJobSpec`, `validateCronJobSpec`, `validatePodSpec`): replicas, `minReadySeconds`, history limits, Job parallelism, completions and backoff limits at least 0; a Deployment's `progressDeadlineSeconds` greater than `minReadySeconds` (600 when unset); a pod's `activeDeadlineSeconds` at least 1, and not set at all in the pod template of a Deployment, ReplicaSet, StatefulSet, DaemonSet or ReplicationController.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Use a value in the range the message gives.",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: -1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 0\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

const JOB_COUNTS: [&str; 7] = [
    "parallelism",
    "completions",
    "activeDeadlineSeconds",
    "backoffLimit",
    "backoffLimitPerIndex",
    "maxFailedIndexes",
    "ttlSecondsAfterFinished",
];

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let root = object.node();
    let kind = object.kind.as_str();
    match (object.group.as_str(), kind) {
        ("apps", "Deployment") => {
            for f in [
                "replicas",
                "minReadySeconds",
                "revisionHistoryLimit",
                "progressDeadlineSeconds",
            ] {
                at_least(root, "/spec", f, 0, cx);
            }
            let min_ready = int_at(root, "/spec/minReadySeconds").unwrap_or(0);
            let deadline = int_at(root, "/spec/progressDeadlineSeconds");
            if min_ready >= 0 && deadline.is_none_or(|d| d >= 0) && deadline.unwrap_or(600) <= min_ready {
                match deadline {
                    Some(d) => cx.report(
                        "/spec/progressDeadlineSeconds",
                        At::Value,
                        format!("`progressDeadlineSeconds: {d}` must be greater than `minReadySeconds` ({min_ready})"),
                    ),
                    None => cx.report(
                        "/spec/minReadySeconds",
                        At::Value,
                        format!(
                            "`minReadySeconds: {min_ready}` must be less than `progressDeadlineSeconds`, which defaults to 600: raise `progressDeadlineSeconds`"
                        ),
                    ),
                }
            }
        }
        ("apps", "ReplicaSet") | ("", "ReplicationController") => {
            for f in ["replicas", "minReadySeconds"] {
                at_least(root, "/spec", f, 0, cx);
            }
        }
        ("apps", "StatefulSet") => {
            for f in ["replicas", "minReadySeconds", "revisionHistoryLimit"] {
                at_least(root, "/spec", f, 0, cx);
            }
            at_least(root, "/spec/ordinals", "start", 0, cx);
        }
        ("apps", "DaemonSet") => {
            for f in ["minReadySeconds", "revisionHistoryLimit"] {
                at_least(root, "/spec", f, 0, cx);
            }
        }
        ("batch", "Job") => {
            for f in JOB_COUNTS {
                at_least(root, "/spec", f, 0, cx);
            }
        }
        ("batch", "CronJob") => {
            for f in [
                "startingDeadlineSeconds",
                "successfulJobsHistoryLimit",
                "failedJobsHistoryLimit",
            ] {
                at_least(root, "/spec", f, 0, cx);
            }
            for f in JOB_COUNTS {
                at_least(root, "/spec/jobTemplate/spec", f, 0, cx);
            }
        }
        _ => {}
    }
    let Some(t) = object.pod_template() else { return };
    let pointer = format!("{}/activeDeadlineSeconds", t.spec_pointer());
    if root.pointer(&pointer).is_some_and(|n| !n.is_null()) {
        if matches!(
            (object.group.as_str(), kind),
            ("apps", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet") | ("", "ReplicationController")
        ) {
            cx.report(
                &pointer,
                At::Key,
                format!("`activeDeadlineSeconds` is not supported in the pod template of a {kind}: its pods would be killed and recreated forever"),
            );
        } else if let Some(v) = int_at(root, &pointer)
            && v < 1
        {
            cx.report(
                &pointer,
                At::Value,
                format!("`activeDeadlineSeconds: {v}` must be between 1 and 2147483647"),
            );
        }
    }
}
