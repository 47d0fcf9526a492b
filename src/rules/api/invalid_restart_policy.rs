//! `invalid-restart-policy`: A pod's `restartPolicy` the API server rejects for its kind.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-restart-policy",
    family: Family::Api,
    severity: Severity::Error,
    title: "A pod's restartPolicy is not allowed for its kind",
    rationale: "`restartPolicy` must be `Always`, `OnFailure` or `Never` (`validateRestartPolicy`). A Job's pods must end, so a Job or CronJob template must say `OnFailure` or `Never` — when it says nothing the default `Always` is rejected (`validateJobSpec`). The pods of Deployments, ReplicaSets, StatefulSets, DaemonSets and ReplicationControllers are restarted by their controller, so their template may only say `Always` (`ValidatePodTemplateSpecForReplicaSet` and friends).",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Set `restartPolicy: OnFailure` or `Never` in a Job's pod template; remove `restartPolicy` (or set `Always`) in other workloads' templates.",
    example_bad: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      containers:\n        - name: migrate\n          image: registry.example.com/migrate:2.1.0\n",
    example_good: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: registry.example.com/migrate:2.1.0\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

const POLICIES: [&str; 3] = ["Always", "OnFailure", "Never"];

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some(t) = object.pod_template() else { return };
    let Some(spec) = t.spec.filter(|s| s.as_map().is_some()) else {
        return;
    };
    let pointer = format!("{}/restartPolicy", t.spec_pointer());
    let policy = spec.get("restartPolicy").filter(|n| !n.is_null());
    let text = policy.and_then(scalar_text);
    if let Some(p) = &text
        && !POLICIES.contains(&p.as_str())
    {
        let hint = crate::vocab::suggest::hint(p, POLICIES);
        cx.report(
            &pointer,
            At::Value,
            format!("`restartPolicy: {p}` is not supported: use `Always`, `OnFailure` or `Never`{hint}"),
        );
        return;
    }
    let kind = object.kind.as_str();
    match (object.group.as_str(), kind) {
        ("batch", "Job" | "CronJob") => match text.as_deref() {
            Some("Always") => cx.report(
                &pointer,
                At::Value,
                format!("a {kind}'s pods must finish: `restartPolicy` must be `OnFailure` or `Never`"),
            ),
            None => {
                let spec_pointer = t.spec_pointer();
                cx.report(
                    &spec_pointer,
                    At::Key,
                    format!(
                        "a {kind}'s pod template needs `restartPolicy: OnFailure` or `Never` (the default, `Always`, is rejected)"
                    ),
                );
            }
            _ => {}
        },
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet") | ("", "ReplicationController") => {
            if let Some(p) = text.as_deref()
                && p != "Always"
            {
                cx.report(
                    &pointer,
                    At::Value,
                    format!("a {kind}'s pods are restarted by their controller: `restartPolicy` may only be `Always`"),
                );
            }
        }
        _ => {}
    }
}
