//! `invalid-rollout-strategy`: A Deployment's `strategy` or a DaemonSet's or StatefulSet's
//! `updateStrategy` the API server rejects.

use super::common::{int_at, int_or_percent_problem, int_or_percent_value, str_at};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-rollout-strategy",
    family: Family::Api,
    severity: Severity::Error,
    title: "A rollout strategy the API server rejects",
    rationale: "The API server checks update strategies against their type (`ValidateDeploymentStrategy`, `ValidateRollingUpdateDeployment`, `ValidateDaemonSetUpdateStrategy`, `ValidateRollingUpdateDaemonSet`, `ValidateStatefulSetSpec`): `rollingUpdate` may not be given with `type: Recreate` (or `OnDelete` for a StatefulSet); `maxSurge` and `maxUnavailable` must be whole numbers or percentages (`maxUnavailable` at most 100%) and may not both be 0 (a rollout could never progress); a DaemonSet may set only one of them to non-zero (its defaults are `maxUnavailable: 1`, `maxSurge: 0`); a StatefulSet's `partition` may not be negative.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Remove `rollingUpdate` for Recreate/OnDelete, or fix the values the message names.",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxSurge: 0, maxUnavailable: 0}\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    kinds: &["Deployment", "DaemonSet", "StatefulSet"],
    ..RuleInfo::BASE
};

fn value_problems(ru: &Node, base: &str, fields: &[&str], max100: &[&str], cx: &mut Context<'_>) -> bool {
    let mut bad = false;
    for f in fields {
        if let Some(n) = ru.get(f).filter(|n| !n.is_null())
            && let Some(p) = int_or_percent_problem(n, max100.contains(f))
        {
            cx.report(&format!("{base}/{f}"), At::Value, format!("`{f}`: {p}"));
            bad = true;
        }
    }
    bad
}

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let root = object.node();
    if object.group != "apps" {
        return;
    }
    match object.kind.as_str() {
        "Deployment" => {
            let ty = str_at(root, "/spec/strategy/type").unwrap_or("RollingUpdate");
            let ru = root.pointer("/spec/strategy/rollingUpdate").filter(|n| !n.is_null());
            match ty {
                "Recreate" => {
                    if ru.is_some() {
                        cx.report(
                            "/spec/strategy/rollingUpdate",
                            At::Key,
                            "`rollingUpdate` may not be given when the strategy `type` is `Recreate`",
                        );
                    }
                }
                "RollingUpdate" => {
                    let Some(ru) = ru.filter(|r| r.as_map().is_some()) else {
                        return;
                    };
                    let base = "/spec/strategy/rollingUpdate";
                    if value_problems(ru, base, &["maxUnavailable", "maxSurge"], &["maxUnavailable"], cx) {
                        return;
                    }
                    // Defaults: 25% each.
                    let unavailable = ru
                        .get("maxUnavailable")
                        .filter(|n| !n.is_null())
                        .map_or(25, int_or_percent_value);
                    let surge = ru
                        .get("maxSurge")
                        .filter(|n| !n.is_null())
                        .map_or(25, int_or_percent_value);
                    if unavailable == 0 && surge == 0 {
                        let at = if ru.get("maxUnavailable").is_some() {
                            "maxUnavailable"
                        } else {
                            "maxSurge"
                        };
                        cx.report(
                            &format!("{base}/{at}"),
                            At::Value,
                            "`maxUnavailable` and `maxSurge` may not both be 0: the rollout could never replace a pod",
                        );
                    }
                }
                _ => cx.report(
                    "/spec/strategy/type",
                    At::Value,
                    format!("strategy type `{ty}` is not supported: use `RollingUpdate` or `Recreate`"),
                ),
            }
        }
        "DaemonSet" => {
            let ty = str_at(root, "/spec/updateStrategy/type").unwrap_or("RollingUpdate");
            match ty {
                "OnDelete" => {}
                "RollingUpdate" => {
                    let Some(ru) = root
                        .pointer("/spec/updateStrategy/rollingUpdate")
                        .filter(|r| r.as_map().is_some())
                    else {
                        return;
                    };
                    let base = "/spec/updateStrategy/rollingUpdate";
                    if value_problems(
                        ru,
                        base,
                        &["maxUnavailable", "maxSurge"],
                        &["maxUnavailable", "maxSurge"],
                        cx,
                    ) {
                        return;
                    }
                    // Defaults: maxUnavailable 1, maxSurge 0.
                    let unavailable = ru
                        .get("maxUnavailable")
                        .filter(|n| !n.is_null())
                        .map_or(1, int_or_percent_value);
                    let surge = ru
                        .get("maxSurge")
                        .filter(|n| !n.is_null())
                        .map_or(0, int_or_percent_value);
                    if unavailable != 0 && surge != 0 {
                        let note = if ru.get("maxUnavailable").is_some() {
                            ""
                        } else {
                            " (it defaults to 1)"
                        };
                        cx.report(
                            &format!("{base}/maxSurge"),
                            At::Value,
                            format!("a DaemonSet's `maxSurge` may not be set when `maxUnavailable` is non-zero{note}: set `maxUnavailable: 0` to surge"),
                        );
                    } else if unavailable == 0 && surge == 0 {
                        let at = if ru.get("maxUnavailable").is_some() {
                            "maxUnavailable"
                        } else {
                            "maxSurge"
                        };
                        cx.report(
                            &format!("{base}/{at}"),
                            At::Value,
                            "`maxUnavailable` and `maxSurge` may not both be 0: the rollout could never replace a pod",
                        );
                    }
                }
                _ => cx.report(
                    "/spec/updateStrategy/type",
                    At::Value,
                    format!("update strategy type `{ty}` is not supported: use `RollingUpdate` or `OnDelete`"),
                ),
            }
        }
        "StatefulSet" => {
            let ty = str_at(root, "/spec/updateStrategy/type").unwrap_or("RollingUpdate");
            let ru = root
                .pointer("/spec/updateStrategy/rollingUpdate")
                .filter(|n| !n.is_null());
            match ty {
                "OnDelete" => {
                    if ru.is_some() {
                        cx.report(
                            "/spec/updateStrategy/rollingUpdate",
                            At::Key,
                            "`rollingUpdate` is only allowed with update strategy `type: RollingUpdate`",
                        );
                    }
                }
                "RollingUpdate" => {
                    let Some(ru) = ru.filter(|r| r.as_map().is_some()) else {
                        return;
                    };
                    let base = "/spec/updateStrategy/rollingUpdate";
                    if let Some(p) = int_at(ru, "/partition")
                        && p < 0
                    {
                        cx.report(
                            &format!("{base}/partition"),
                            At::Value,
                            format!("`partition: {p}` must be 0 or more"),
                        );
                    }
                    // `maxUnavailable` is not checked: the API server drops it unless the
                    // MaxUnavailableStatefulSet feature gate is on, which depends on the cluster.
                }
                _ => cx.report(
                    "/spec/updateStrategy/type",
                    At::Value,
                    format!("update strategy type `{ty}` is not supported: use `RollingUpdate` or `OnDelete`"),
                ),
            }
        }
        _ => {}
    }
}
