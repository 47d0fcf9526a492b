//! `destination-rule-tls-disabled`: A DestinationRule disables TLS to its host.

use super::common::{NETWORKING, mode};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "destination-rule-tls-disabled",
    family: Family::Mesh,
    title: "A DestinationRule disables TLS to its host",
    rationale: "`trafficPolicy.tls.mode: DISABLE` makes the client sidecar send plain text, overriding the mesh's automatic mTLS; with a STRICT server the requests fail, without one they travel unencrypted.",
    default_reason: "Warning: `tls.mode: DISABLE` sends plain text inside the mesh.",
    remediation: "Remove the `tls` block (auto mTLS) or use `mode: ISTIO_MUTUAL`.",
    example_bad: "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  host: web\n  trafficPolicy:\n    tls: {mode: DISABLE}\n",
    example_good: "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  host: web\n  trafficPolicy:\n    tls: {mode: ISTIO_MUTUAL}\n",
    security_severity: Some("5.0"),
    kinds: &["DestinationRule"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !object.is(NETWORKING, "DestinationRule") {
        return;
    }
    let mut policies: Vec<(String, &Node)> = Vec::new();
    if let Some(p) = object.node().pointer("/spec/trafficPolicy") {
        policies.push(("/spec/trafficPolicy".into(), p));
    }
    for (i, s) in object.node().seq_at("/spec/subsets").iter().enumerate() {
        if let Some(p) = s.get("trafficPolicy") {
            policies.push((format!("/spec/subsets/{i}/trafficPolicy"), p));
        }
    }
    for (pointer, policy) in policies {
        if mode(policy.get("tls")) == Some("DISABLE") {
            cx.report(&format!("{pointer}/tls/mode"), At::Value, "TLS to the host is disabled");
        }
        for (j, port) in policy.seq_of("portLevelSettings").iter().enumerate() {
            if mode(port.get("tls")) == Some("DISABLE") {
                cx.report(
                    &format!("{pointer}/portLevelSettings/{j}/tls/mode"),
                    At::Value,
                    "TLS to this port of the host is disabled",
                );
            }
        }
    }
}
