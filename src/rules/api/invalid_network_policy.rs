//! `invalid-network-policy`: A NetworkPolicy port or peer the API server rejects.

use super::common::{
    IntOrString, check_enum, check_protocol, cidr, int_at, int_or_string, is_port_number, port_name_problem,
};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-network-policy",
    family: Family::Api,
    severity: Severity::Error,
    title: "A NetworkPolicy port, peer or CIDR the API server rejects",
    rationale: "The API server checks a NetworkPolicy (`ValidateNetworkPolicySpec`, `ValidateNetworkPolicyPort`, `ValidateNetworkPolicyPeer`, `ValidateIPBlock`): a port is a number between 1 and 65535 or an IANA port name, `endPort` needs a numeric `port` and is not below it; the protocol is TCP, UDP or SCTP; a peer names a `podSelector`, a `namespaceSelector` or an `ipBlock`, and an `ipBlock` never together with a selector; `cidr` is a CIDR and each `except` a strict subset of it; `policyTypes` holds at most Ingress and Egress.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Fix the port, peer or CIDR as the message says.",
    example_bad: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db\nspec:\n  podSelector:\n    matchLabels: {app: db}\n  ingress:\n    - from:\n        - ipBlock:\n            cidr: 10.0.0.0/16\n            except: [10.1.0.0/24]\n      ports:\n        - port: 5432\n          endPort: 5400\n",
    example_good: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db\nspec:\n  podSelector:\n    matchLabels: {app: db}\n  ingress:\n    - from:\n        - ipBlock:\n            cidr: 10.0.0.0/16\n            except: [10.0.1.0/24]\n      ports:\n        - port: 5432\n          endPort: 5440\n",
    kinds: &["NetworkPolicy"],
    ..RuleInfo::BASE
};

fn port(p: &Node, base: &str, cx: &mut Context<'_>, root: &Node) {
    check_protocol(root, &format!("{base}/protocol"), cx);
    let end = int_at(p, "/endPort");
    match p.get("port").filter(|n| !n.is_null()).and_then(int_or_string) {
        Some(IntOrString::Int(n)) => {
            if !is_port_number(n) {
                cx.report(
                    &format!("{base}/port"),
                    At::Value,
                    format!("`port: {n}` must be between 1 and 65535"),
                );
            }
            if let Some(e) = end {
                if !is_port_number(e) {
                    cx.report(
                        &format!("{base}/endPort"),
                        At::Value,
                        format!("`endPort: {e}` must be between 1 and 65535"),
                    );
                } else if e < n {
                    cx.report(
                        &format!("{base}/endPort"),
                        At::Value,
                        format!("`endPort: {e}` must be greater than or equal to `port` ({n})"),
                    );
                }
            }
        }
        Some(IntOrString::Str(s)) => {
            if let Some(problem) = port_name_problem(s) {
                cx.report(
                    &format!("{base}/port"),
                    At::Value,
                    format!("port name `{s}` {problem} (an IANA service name)"),
                );
            }
            if end.is_some() {
                cx.report(
                    &format!("{base}/endPort"),
                    At::Key,
                    "`endPort` may not be given when `port` is a name",
                );
            }
        }
        None => {
            if end.is_some() {
                cx.report(
                    &format!("{base}/endPort"),
                    At::Key,
                    "`endPort` may not be given without `port`",
                );
            }
        }
    }
}

fn peer(p: &Node, base: &str, cx: &mut Context<'_>) {
    if p.as_map().is_none() {
        return;
    }
    let present = |k: &str| p.get(k).is_some_and(|n| !n.is_null());
    let n = ["podSelector", "namespaceSelector", "ipBlock"]
        .iter()
        .filter(|k| present(k))
        .count();
    if n == 0 {
        cx.report(
            base,
            At::Value,
            "a peer must name a `podSelector`, a `namespaceSelector` or an `ipBlock`",
        );
        return;
    }
    if present("ipBlock") && n > 1 {
        cx.report(
            &format!("{base}/ipBlock"),
            At::Key,
            "a peer may not combine `ipBlock` with a selector: make them two peers",
        );
    }
    let Some(block) = p.get("ipBlock").filter(|b| b.as_map().is_some()) else {
        return;
    };
    let Some(c) = block.get("cidr").and_then(Node::as_str) else {
        return;
    };
    if c.is_empty() {
        cx.report(&format!("{base}/ipBlock/cidr"), At::Value, "`cidr` may not be empty");
        return;
    }
    let Some((net, len, v4)) = cidr(c) else {
        cx.report(
            &format!("{base}/ipBlock/cidr"),
            At::Value,
            format!("`cidr: {c}` is not a CIDR (e.g. `10.0.0.0/16`)"),
        );
        return;
    };
    for (i, e) in block.seq_of("except").iter().enumerate() {
        let Some(s) = e.as_str() else { continue };
        let pointer = format!("{base}/ipBlock/except/{i}");
        match cidr(s) {
            None => cx.report(&pointer, At::Value, format!("`{s}` is not a CIDR")),
            Some((enet, elen, ev4)) => {
                let bits = if v4 { 32 } else { 128 };
                let host = bits - len;
                let mask = if host >= 128 { 0 } else { !0u128 << host };
                if ev4 != v4 || enet & mask != net || elen <= len {
                    cx.report(
                        &pointer,
                        At::Value,
                        format!("`{s}` must be a strict subset of `cidr` ({c})"),
                    );
                }
            }
        }
    }
}

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !object.is("networking.k8s.io", "NetworkPolicy") {
        return;
    }
    let root = object.node();
    let Some(spec) = root.get("spec").filter(|s| s.as_map().is_some()) else {
        return;
    };
    for (dir, peers) in [("ingress", "from"), ("egress", "to")] {
        for (i, rule) in spec.seq_of(dir).iter().enumerate() {
            let base = format!("/spec/{dir}/{i}");
            for (j, p) in rule.seq_of("ports").iter().enumerate() {
                port(p, &format!("{base}/ports/{j}"), cx, root);
            }
            for (j, p) in rule.seq_of(peers).iter().enumerate() {
                peer(p, &format!("{base}/{peers}/{j}"), cx);
            }
        }
    }
    let types = spec.seq_of("policyTypes");
    for (i, _) in types.iter().enumerate() {
        check_enum(root, &format!("/spec/policyTypes/{i}"), &["Ingress", "Egress"], cx);
    }
    if types.len() > 2 {
        cx.report(
            "/spec/policyTypes",
            At::Key,
            "`policyTypes` may hold at most Ingress and Egress",
        );
    }
}
