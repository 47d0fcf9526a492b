//! `mtls-permissive`: A PeerAuthentication allows plain-text traffic (PERMISSIVE or DISABLE).

use super::common::{SECURITY, mode};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "mtls-permissive",
    family: Family::Mesh,
    title: "A PeerAuthentication allows plain-text traffic (PERMISSIVE or DISABLE)",
    rationale: "PERMISSIVE accepts both mTLS and plain text, DISABLE turns mTLS off; either lets unauthenticated clients in, for the whole scope or for the ports listed in `portLevelMtls`.",
    default_reason: "Warning: PERMISSIVE or DISABLE is meant for migrations only.",
    remediation: "Use `mode: STRICT` once every client has a sidecar; keep PERMISSIVE only for the migration, with a suppression and a reason.",
    example_bad: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: shop\nspec:\n  mtls: {mode: STRICT}\n  portLevelMtls:\n    8080: {mode: DISABLE}\n",
    example_good: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: shop\nspec:\n  mtls: {mode: STRICT}\n",
    security_severity: Some("6.0"),
    kinds: &["PeerAuthentication"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !object.is(SECURITY, "PeerAuthentication") {
        return;
    }
    if let Some(m @ ("PERMISSIVE" | "DISABLE")) = mode(object.node().pointer("/spec/mtls")) {
        cx.report(
            "/spec/mtls/mode",
            At::Value,
            format!("mTLS mode {m} accepts plain-text traffic"),
        );
    }
    for e in object
        .node()
        .pointer("/spec/portLevelMtls")
        .and_then(Node::as_map)
        .unwrap_or_default()
    {
        if let Some(m @ ("PERMISSIVE" | "DISABLE")) = mode(Some(&e.value)) {
            let pointer = crate::load::node::pointer_push("/spec/portLevelMtls", &e.key);
            cx.report(
                &format!("{pointer}/mode"),
                At::Value,
                format!("mTLS mode {m} on port {} accepts plain-text traffic", e.key),
            );
        }
    }
}
