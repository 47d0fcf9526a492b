//! `invalid-topology-spread`: A topology spread constraint the API server rejects.

use super::common::{check_enum, int_at, is_qualified_name};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-topology-spread",
    family: Family::Api,
    severity: Severity::Error,
    title: "A topology spread constraint the API server rejects",
    rationale: "The API server checks each of a pod's `topologySpreadConstraints` (`validateTopologySpreadConstraints`): `maxSkew` greater than 0; `topologyKey` a label key; `whenUnsatisfiable` DoNotSchedule or ScheduleAnyway; `minDomains` greater than 0 and only with DoNotSchedule; `nodeAffinityPolicy` and `nodeTaintsPolicy` Honor or Ignore; no two constraints with the same `topologyKey` and `whenUnsatisfiable`.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Fix the constraint as the message says.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  topologySpreadConstraints:\n    - maxSkew: 0\n      topologyKey: topology.kubernetes.io/zone\n      whenUnsatisfiable: DoNotSchedule\n      labelSelector:\n        matchLabels: {app: web}\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  topologySpreadConstraints:\n    - maxSkew: 1\n      topologyKey: topology.kubernetes.io/zone\n      whenUnsatisfiable: DoNotSchedule\n      labelSelector:\n        matchLabels: {app: web}\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((spec_pointer, spec)) = super::common::pod_spec(object) else {
        return;
    };
    let root = object.node();
    let mut seen: Vec<(String, String)> = Vec::new();
    for (i, c) in spec.seq_of("topologySpreadConstraints").iter().enumerate() {
        if c.as_map().is_none() {
            continue;
        }
        let base = format!("{spec_pointer}/topologySpreadConstraints/{i}");
        if let Some(s) = int_at(c, "/maxSkew")
            && s < 1
        {
            cx.report(
                &format!("{base}/maxSkew"),
                At::Value,
                format!("`maxSkew: {s}` must be greater than 0"),
            );
        }
        let key = c.get("topologyKey").and_then(Node::as_str);
        match key {
            // Absent: the schema requires it (`schema-violation`).
            None => {}
            Some("") => cx.report(
                &format!("{base}/topologyKey"),
                At::Value,
                "`topologyKey` may not be empty",
            ),
            Some(k) if !is_qualified_name(k) => cx.report(
                &format!("{base}/topologyKey"),
                At::Value,
                format!("`topologyKey: {k}` is not a valid label key"),
            ),
            Some(_) => {}
        }
        let when = c.get("whenUnsatisfiable").and_then(Node::as_str);
        check_enum(
            root,
            &format!("{base}/whenUnsatisfiable"),
            &["DoNotSchedule", "ScheduleAnyway"],
            cx,
        );
        check_enum(root, &format!("{base}/nodeAffinityPolicy"), &["Honor", "Ignore"], cx);
        check_enum(root, &format!("{base}/nodeTaintsPolicy"), &["Honor", "Ignore"], cx);
        if let Some(m) = c.get("minDomains").filter(|n| !n.is_null()) {
            if let Some(v) = m.as_i64()
                && v < 1
            {
                cx.report(
                    &format!("{base}/minDomains"),
                    At::Value,
                    format!("`minDomains: {v}` must be greater than 0"),
                );
            } else if when == Some("ScheduleAnyway") {
                cx.report(
                    &format!("{base}/minDomains"),
                    At::Key,
                    "`minDomains` may only be used with `whenUnsatisfiable: DoNotSchedule`",
                );
            }
        }
        if let (Some(k), Some(w)) = (key, when) {
            let pair = (k.to_string(), w.to_string());
            if seen.contains(&pair) {
                cx.report(
                    &format!("{base}/topologyKey"),
                    At::Value,
                    format!("another constraint already spreads over `{k}` with `whenUnsatisfiable: {w}`"),
                );
            } else {
                seen.push(pair);
            }
        }
    }
}
