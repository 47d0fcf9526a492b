//! Deprecated and removed API versions, from `schemas/deprecations.json` (which cites its
//! source).

use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deprecation {
    pub api_version: String,
    pub kinds: Vec<String>,
    pub deprecated_in: String,
    pub removed_in: Option<String>,
    pub replacement: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl Deprecation {
    /// What to do instead: "; use X", the table's note, or nothing.
    pub fn advice(&self) -> String {
        match (&self.replacement, &self.note) {
            (Some(r), _) => format!("; use {r}"),
            (None, Some(n)) => format!("; {n}"),
            (None, None) => String::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct Table {
    apis: Vec<Deprecation>,
}

fn table() -> &'static [Deprecation] {
    static TABLE: OnceLock<Vec<Deprecation>> = OnceLock::new();
    TABLE.get_or_init(|| {
        serde_json::from_str::<Table>(include_str!("../../schemas/deprecations.json"))
            .expect("schemas/deprecations.json is valid")
            .apis
    })
}

/// Removed API versions whose replacement has the same schema for the kind: moving an
/// object is a change of `apiVersion` alone (the `removed-api` fix). From the Kubernetes
/// deprecation guide ("no notable changes") and the API types, checked field by field:
///
/// | from | kinds | to |
/// |---|---|---|
/// | `apps/v1beta2` | Deployment, StatefulSet, DaemonSet, ReplicaSet | `apps/v1` (v1beta2 already required `selector` and had v1's defaults) |
/// | `extensions/v1beta1` | NetworkPolicy | `networking.k8s.io/v1` |
/// | `networking.k8s.io/v1beta1` | IngressClass | `networking.k8s.io/v1` |
/// | `apiregistration.k8s.io/v1beta1` | APIService | `apiregistration.k8s.io/v1` |
/// | `authentication.k8s.io/v1beta1` | TokenReview | `authentication.k8s.io/v1` |
/// | `coordination.k8s.io/v1beta1` | Lease | `coordination.k8s.io/v1` |
/// | `rbac.authorization.k8s.io/v1beta1` | ClusterRole, ClusterRoleBinding, Role, RoleBinding | `rbac.authorization.k8s.io/v1` |
/// | `scheduling.k8s.io/v1beta1` | PriorityClass | `scheduling.k8s.io/v1` |
/// | `storage.k8s.io/v1beta1` | CSIDriver, CSINode, StorageClass, VolumeAttachment, CSIStorageCapacity | `storage.k8s.io/v1` |
/// | `batch/v1beta1` | CronJob | `batch/v1` |
/// | `node.k8s.io/v1beta1` | RuntimeClass | `node.k8s.io/v1` |
/// | `autoscaling/v2beta2` | HorizontalPodAutoscaler | `autoscaling/v2` (v2 is v2beta2 promoted) |
/// | `flowcontrol.apiserver.k8s.io/v1beta1`, `v1beta2`, `v1beta3` | FlowSchema | `flowcontrol.apiserver.k8s.io/v1` |
///
/// Not the same, so no fix: `extensions/v1beta1` and `apps/v1beta1` workloads (no required
/// selector, other defaults: `OnDelete` DaemonSets, `rollbackTo`), Ingress (`backend` →
/// `defaultBackend`, `serviceName`/`servicePort` → `service`, `pathType` required), webhook
/// configurations (`sideEffects` and `admissionReviewVersions` required, other defaults), CRDs
/// (structural schemas, `versions`), the access reviews (`spec.group` → `spec.groups`),
/// CertificateSigningRequest (`signerName` required), RBAC `v1alpha1` (subjects'
/// `apiVersion`), EndpointSlice (`topology`), Event (`type`, `reportingController`),
/// `autoscaling/v2beta1` (`targetAverageUtilization` → `target`), `policy/v1beta1`
/// PodDisruptionBudget (an empty selector selects every pod in v1, none in v1beta1), and
/// PriorityLevelConfiguration (`assuredConcurrencyShares` → `nominalConcurrencyShares`;
/// v1beta3's `0` means 30 in v1).
pub fn same_schema(api_version: &str, kind: &str) -> bool {
    matches!(
        (api_version, kind),
        (
            "apps/v1beta2",
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet"
        ) | ("extensions/v1beta1", "NetworkPolicy")
            | ("networking.k8s.io/v1beta1", "IngressClass")
            | ("apiregistration.k8s.io/v1beta1", "APIService")
            | ("authentication.k8s.io/v1beta1", "TokenReview")
            | ("coordination.k8s.io/v1beta1", "Lease")
            | (
                "rbac.authorization.k8s.io/v1beta1",
                "ClusterRole" | "ClusterRoleBinding" | "Role" | "RoleBinding"
            )
            | ("scheduling.k8s.io/v1beta1", "PriorityClass")
            | (
                "storage.k8s.io/v1beta1",
                "CSIDriver" | "CSINode" | "StorageClass" | "VolumeAttachment" | "CSIStorageCapacity"
            )
            | ("batch/v1beta1", "CronJob")
            | ("node.k8s.io/v1beta1", "RuntimeClass")
            | ("autoscaling/v2beta2", "HorizontalPodAutoscaler")
            | (
                "flowcontrol.apiserver.k8s.io/v1beta1"
                    | "flowcontrol.apiserver.k8s.io/v1beta2"
                    | "flowcontrol.apiserver.k8s.io/v1beta3",
                "FlowSchema"
            )
    )
}

/// `"1.25"` → (1, 25).
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let (major, minor) = v.trim_start_matches('v').split_once('.')?;
    Some((major.parse().ok()?, minor.split('.').next()?.parse().ok()?))
}

/// What the target version says about `apiVersion` `kind`.
pub enum Status<'a> {
    Current,
    Deprecated(&'a Deprecation),
    Removed(&'a Deprecation),
}

pub fn status(api_version: &str, kind: &str, target: &str) -> Status<'static> {
    let Some(target) = parse_version(target) else {
        return Status::Current;
    };
    for d in table() {
        if d.api_version != api_version || !d.kinds.iter().any(|k| k == kind) {
            continue;
        }
        if d.removed_in
            .as_deref()
            .and_then(parse_version)
            .is_some_and(|r| r <= target)
        {
            return Status::Removed(d);
        }
        if parse_version(&d.deprecated_in).is_some_and(|v| v <= target) {
            return Status::Deprecated(d);
        }
    }
    Status::Current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_answers_by_target_version() {
        assert!(
            matches!(status("policy/v1beta1", "PodDisruptionBudget", "1.37"), Status::Removed(d) if d.replacement.as_deref() == Some("policy/v1"))
        );
        assert!(matches!(
            status("policy/v1beta1", "PodDisruptionBudget", "1.22"),
            Status::Deprecated(_)
        ));
        assert!(matches!(
            status("policy/v1beta1", "PodDisruptionBudget", "1.20"),
            Status::Current
        ));
        assert!(
            matches!(status("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26"), Status::Removed(d) if d.removed_in.as_deref() == Some("1.26"))
        );
        assert!(matches!(status("apps/v1", "Deployment", "1.37"), Status::Current));
        assert_eq!(parse_version("v1.33.2"), Some((1, 33)));
    }
}
