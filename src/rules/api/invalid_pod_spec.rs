//! `invalid-pod-spec`: Pod and container settings whose values the API server rejects
//! (enums the schema does not list, DNS settings).

use super::common::check_enum;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-pod-spec",
    family: Family::Api,
    severity: Severity::Error,
    title: "A pod or container setting has a value the API server does not support",
    rationale: "The OpenAPI schema types these fields as plain strings; the API server accepts only their listed values (`validatePullPolicy`, `validateDNSPolicy`, `validatePodDNSConfig`, `validateTerminationMessagePolicy`, `validateContainerRestartPolicy`): `imagePullPolicy` Always, IfNotPresent or Never; `dnsPolicy` ClusterFirst, ClusterFirstWithHostNet, Default or None, where None needs a `dnsConfig`; at most 3 `dnsConfig.nameservers`, each an IP address, and at most 32 `searches`; `terminationMessagePolicy` File or FallbackToLogsOnError; a container's `restartPolicy` Always, OnFailure or Never.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Use one of the values the message lists (values are case-sensitive).",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  dnsPolicy: ClusterFirstWithHostNetwork\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      imagePullPolicy: always\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  dnsPolicy: ClusterFirstWithHostNet\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      imagePullPolicy: Always\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((t, containers)) = crate::rules::containers(object) else {
        return;
    };
    let root = object.node();
    let spec_pointer = t.spec_pointer();
    if let Some(spec) = t.spec.filter(|s| s.as_map().is_some()) {
        check_enum(
            root,
            &format!("{spec_pointer}/dnsPolicy"),
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
            cx,
        );
        let dns_config = spec.get("dnsConfig").filter(|n| !n.is_null());
        if spec.get("dnsPolicy").and_then(Node::as_str) == Some("None") && dns_config.is_none() {
            cx.report(
                &format!("{spec_pointer}/dnsPolicy"),
                At::Value,
                "`dnsPolicy: None` needs a `dnsConfig` (the pod would have no DNS settings at all)",
            );
        }
        if let Some(cfg) = dns_config {
            let nameservers = cfg.seq_of("nameservers");
            if nameservers.len() > 3 {
                cx.report(
                    &format!("{spec_pointer}/dnsConfig/nameservers"),
                    At::Key,
                    format!(
                        "`dnsConfig.nameservers` holds {} addresses; at most 3 are allowed",
                        nameservers.len()
                    ),
                );
            }
            for (i, ns) in nameservers.iter().enumerate() {
                if let Some(s) = ns.as_str()
                    && super::common::ip(s).is_none()
                {
                    cx.report(
                        &format!("{spec_pointer}/dnsConfig/nameservers/{i}"),
                        At::Value,
                        format!("nameserver `{s}` must be an IP address"),
                    );
                }
            }
            let searches = cfg.seq_of("searches");
            if searches.len() > 32 {
                cx.report(
                    &format!("{spec_pointer}/dnsConfig/searches"),
                    At::Key,
                    format!(
                        "`dnsConfig.searches` holds {} domains; at most 32 are allowed",
                        searches.len()
                    ),
                );
            }
        }
    }
    for c in &containers {
        check_enum(
            root,
            &c.field("imagePullPolicy"),
            &["Always", "IfNotPresent", "Never"],
            cx,
        );
        check_enum(
            root,
            &c.field("terminationMessagePolicy"),
            &["File", "FallbackToLogsOnError"],
            cx,
        );
        check_enum(root, &c.field("restartPolicy"), &["Always", "OnFailure", "Never"], cx);
    }
}
