//! What the input shows, for rules that report something *absent*: a selector that
//! matches no pod, a reference to an object that is not there.
//!
//! Such a finding is only as good as the input's coverage of the namespace. Two questions
//! decide whether kubelint may speak:
//! - Does the input hold objects of the kind in question *beside* the referring object (the
//!   same namespace when both name it; for objects without `metadata.namespace`, the same
//!   folder, since they get their namespace at apply time)? If not, the input simply does
//!   not show them, and absence proves nothing.
//! - Does the namespace hold pod makers kubelint cannot expand (an operator's custom
//!   resource such as a `Prometheus`, an `OpenTelemetryCollector`, an Argo CD `Application`,
//!   a Flux `HelmRelease`)? Their pods exist at runtime but not in the input.

use std::path::Path;

use super::Object;

/// Built-in API groups (served by the API server itself, not by CRDs).
pub(crate) fn is_builtin_group(group: &str) -> bool {
    matches!(
        group,
        "" | "apps"
            | "batch"
            | "autoscaling"
            | "policy"
            | "networking.k8s.io"
            | "rbac.authorization.k8s.io"
            | "storage.k8s.io"
            | "admissionregistration.k8s.io"
            | "apiextensions.k8s.io"
            | "apiregistration.k8s.io"
            | "scheduling.k8s.io"
            | "coordination.k8s.io"
            | "node.k8s.io"
            | "discovery.k8s.io"
            | "certificates.k8s.io"
            | "flowcontrol.apiserver.k8s.io"
            | "resource.k8s.io"
            | "events.k8s.io"
            | "authentication.k8s.io"
            | "authorization.k8s.io"
            | "internal.apiserver.k8s.io"
            | "storagemigration.k8s.io"
            | "extensions"
    )
}

/// Custom resource kinds known not to create pods (`*`: every kind of the group): they
/// do not hide pods from kubelint.
const NOT_POD_MAKERS: &[(&str, &str)] = &[
    ("cert-manager.io", "*"),
    ("acme.cert-manager.io", "*"),
    ("monitoring.coreos.com", "ServiceMonitor"),
    ("monitoring.coreos.com", "PodMonitor"),
    ("monitoring.coreos.com", "PrometheusRule"),
    ("monitoring.coreos.com", "Probe"),
    ("monitoring.coreos.com", "ScrapeConfig"),
    ("monitoring.coreos.com", "AlertmanagerConfig"),
    ("networking.istio.io", "*"),
    ("security.istio.io", "*"),
    ("telemetry.istio.io", "*"),
    ("extensions.istio.io", "*"),
    ("gateway.networking.k8s.io", "HTTPRoute"),
    ("gateway.networking.k8s.io", "GRPCRoute"),
    ("gateway.networking.k8s.io", "TCPRoute"),
    ("gateway.networking.k8s.io", "TLSRoute"),
    ("gateway.networking.k8s.io", "UDPRoute"),
    ("gateway.networking.k8s.io", "ReferenceGrant"),
    ("gateway.networking.k8s.io", "GatewayClass"),
    ("gateway.networking.k8s.io", "BackendTLSPolicy"),
    ("external-secrets.io", "*"),
    ("generators.external-secrets.io", "*"),
    ("bitnami.com", "SealedSecret"),
    ("autoscaling.k8s.io", "*"),
    ("keda.sh", "ScaledObject"),
    ("keda.sh", "TriggerAuthentication"),
    ("keda.sh", "ClusterTriggerAuthentication"),
    ("snapshot.storage.k8s.io", "*"),
    ("kyverno.io", "*"),
    ("wgpolicyk8s.io", "*"),
    ("templates.gatekeeper.sh", "*"),
    ("constraints.gatekeeper.sh", "*"),
    ("traefik.io", "*"),
    ("traefik.containo.us", "*"),
    ("cilium.io", "*"),
    ("crd.projectcalico.org", "*"),
    ("projectcalico.org", "*"),
    ("argoproj.io", "AppProject"),
    ("source.toolkit.fluxcd.io", "*"),
    ("notification.toolkit.fluxcd.io", "*"),
    ("image.toolkit.fluxcd.io", "*"),
    ("route.openshift.io", "*"),
    ("opentelemetry.io", "Instrumentation"),
];

/// Whether objects of this kind may create pods that the input does not show: a custom
/// resource not known to be inert (operators turn most of theirs into workloads).
pub(crate) fn may_make_hidden_pods(group: &str, kind: &str) -> bool {
    !is_builtin_group(group)
        && !NOT_POD_MAKERS
            .iter()
            .any(|(g, k)| *g == group && (*k == "*" || *k == kind))
}

/// Where an object is deployed, as far as the input shows: its namespace and, when the
/// document does not name one, its folder (objects without `metadata.namespace` get theirs
/// at apply time; those of one folder are applied together). Cluster-scoped objects: `""`
/// and their folder.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Unit {
    /// The effective namespace (`""` for cluster-scoped objects).
    pub namespace: String,
    /// The folder, for objects whose document names no namespace.
    pub folder: Option<std::path::PathBuf>,
}

impl Object {
    /// See [`Unit`].
    pub(crate) fn unit(&self) -> Unit {
        let namespace = self.namespace.clone().unwrap_or_default();
        let folder = (self.namespace.is_none() || !self.namespace_is_explicit()).then(|| self.folder());
        Unit { namespace, folder }
    }

    /// The folder of the object's file (without `.` components: `./a/b.yaml` and
    /// `a/b.yaml` are in one folder).
    pub(crate) fn folder(&self) -> std::path::PathBuf {
        self.doc
            .file
            .path
            .parent()
            .unwrap_or(Path::new(""))
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    }
}
