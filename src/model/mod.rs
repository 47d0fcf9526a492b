//! Stage 3: typed views of the loaded documents, and an index over all of them.

pub(crate) mod coverage;
pub(crate) mod edit;
pub(crate) mod image;
pub(crate) mod index;
pub(crate) mod labels;
pub(crate) mod names;
pub(crate) mod quantity;
pub(crate) mod security;
pub(crate) mod selector;
pub(crate) mod workload;

pub use image::ImageRef;
pub use index::Inventory;
pub use labels::StringMap;
pub use quantity::parse_quantity;
pub use security::{SecurityView, Setting};
pub use selector::LabelSelector;
pub use workload::{Container, ContainerKind, PodTemplate, TemplatePath};

use crate::load::{Document, Node};
use crate::vocab::{At, Finding, ObjectRef, RuleInfo, Severity};

/// The annotation that opts an object out of rules: `kubelint.dev/ignore: "rule-a,rule-b"`.
pub const IGNORE_ANNOTATION: &str = "kubelint.dev/ignore";
/// Why an object opts out (optional, shown with `--show-suppressed`).
pub const IGNORE_REASON_ANNOTATION: &str = "kubelint.dev/ignore-reason";

/// One Kubernetes object with the facts every check needs: a read-only view that rules
/// get (see [`Rule`](crate::rules::Rule)). The whole document is [`Object::node`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Object {
    /// Position of the object in the inventory.
    pub(crate) id: usize,
    pub(crate) doc: Document,
    /// `apiVersion` as written (`apps/v1`).
    pub api_version: String,
    /// API group (`""` for the core group).
    pub group: String,
    /// API version without the group (`v1`).
    pub version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.name`, when it is a string.
    pub name: Option<String>,
    /// The effective namespace (the object's, else the configured default); `None` for
    /// cluster-scoped kinds.
    pub namespace: Option<String>,
    /// `metadata.labels` (string values only).
    pub labels: StringMap,
    /// `metadata.annotations` (string values only).
    pub annotations: StringMap,
    /// The pod template's labels (what selectors match), read once; empty for kinds
    /// without a pod template.
    pub pod_labels: StringMap,
    /// Where its pod template is, for workload kinds.
    pub(crate) template: Option<&'static str>,
}

impl Object {
    /// Builds the view; `cluster_scoped(group, kind)` says whether the kind has no namespace.
    pub(crate) fn new(
        doc: Document,
        default_namespace: &str,
        cluster_scoped: impl Fn(&str, &str) -> bool,
        templates: &[TemplatePath],
    ) -> Object {
        let root = &doc.root;
        let api_version = root
            .get("apiVersion")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string();
        let kind = root.get("kind").and_then(Node::as_str).unwrap_or_default().to_string();
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), api_version.clone()),
        };
        let metadata = root.get("metadata");
        let name = metadata
            .and_then(|m| m.get("name").or_else(|| m.get("generateName")))
            .and_then(Node::as_str)
            .map(str::to_string);
        let namespace = if cluster_scoped(&group, &kind) {
            None
        } else {
            Some(
                metadata
                    .and_then(|m| m.get("namespace"))
                    .and_then(Node::as_str)
                    .filter(|s| !s.is_empty())
                    .unwrap_or(default_namespace)
                    .to_string(),
            )
        };
        let labels = string_map(metadata.and_then(|m| m.get("labels")));
        let annotations = string_map(metadata.and_then(|m| m.get("annotations")));
        let template = workload::template_pointer(&group, &kind, templates);
        let pod_labels = template
            .and_then(|p| root.pointer(p))
            .map(|t| string_map(t.pointer("/metadata/labels")))
            .unwrap_or_default();
        Object {
            id: 0,
            template,
            pod_labels,
            doc,
            api_version,
            group,
            version,
            kind,
            name,
            namespace,
            labels,
            annotations,
        }
    }

    /// The object's document: its root node, with the position of every key and value.
    pub fn node(&self) -> &Node {
        &self.doc.root
    }

    /// Whether the document names its namespace (`metadata.namespace`), rather than getting
    /// the configured default: objects without one get theirs at apply time (`kubectl -n`,
    /// a kustomization's `namespace`), so two of them in unrelated folders need not share it.
    pub(crate) fn namespace_is_explicit(&self) -> bool {
        self.node()
            .pointer("/metadata/namespace")
            .and_then(Node::as_str)
            .is_some_and(|n| !n.is_empty())
    }

    /// Whether the input shows that `other` is deployed into the same namespace as this
    /// object: both name it, or neither names one and they sit in the same folder (deployed
    /// together). Rules whose finding depends on another object being *present* use this
    /// (a stricter test), not the effective namespace alone, so that objects without a
    /// namespace in unrelated folders of a repository do not switch each other's rules on.
    pub(crate) fn shares_namespace_with(&self, other: &Object) -> bool {
        self.namespace.is_some() && self.unit() == other.unit()
    }

    /// Its identity, as findings name it.
    pub fn reference(&self) -> ObjectRef {
        ObjectRef {
            api_version: self.api_version.clone(),
            kind: self.kind.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }

    /// The pod template of a workload kind (Pod, Deployment, StatefulSet, DaemonSet,
    /// ReplicaSet, ReplicationController, Job, CronJob, PodTemplate).
    pub(crate) fn pod_template(&self) -> Option<PodTemplate<'_>> {
        PodTemplate::of(self)
    }

    /// Whether the object runs to completion (Job, CronJob, or a Pod whose
    /// `restartPolicy` is not `Always`) rather than serving for a long time.
    pub fn is_batch(&self) -> bool {
        match (self.group.as_str(), self.kind.as_str()) {
            ("batch", "Job" | "CronJob") => true,
            ("", "Pod") => self
                .node()
                .pointer("/spec/restartPolicy")
                .and_then(Node::as_str)
                .is_some_and(|p| p != "Always"),
            _ => false,
        }
    }

    /// `spec.replicas` as the API server reads it: 1 when unset or null, `None` when it is
    /// not an int32 (a string, a fraction, `1e30`): the schema rules report that value, and
    /// rules about the replica count have nothing to count.
    pub fn replicas(&self) -> Option<i64> {
        match self.node().pointer("/spec/replicas") {
            None => Some(1),
            Some(n) if n.is_null() => Some(1),
            Some(n) => n.as_i64().filter(|&r| i32::try_from(r).is_ok()),
        }
    }

    /// Whether the object is of `kind` in `group` (any version).
    pub fn is(&self, group: &str, kind: &str) -> bool {
        self.group == group && self.kind == kind
    }

    /// The pods this object selects, by its kind: a Service's `spec.selector` (none when
    /// empty, absent or of an ExternalName Service), a PodDisruptionBudget's `spec.selector`,
    /// a NetworkPolicy's `spec.podSelector` (absent or empty: every pod of the namespace),
    /// an Istio policy's `spec.selector.matchLabels` (none when absent or empty: the policy
    /// is namespace-wide). `None` for other kinds and for selectors that do not parse.
    pub(crate) fn pod_selector(&self) -> Option<LabelSelector> {
        let spec = self.node().get("spec");
        match (self.group.as_str(), self.kind.as_str()) {
            ("", "Service") => {
                if spec.and_then(|s| s.get("type")).and_then(Node::as_str) == Some("ExternalName") {
                    return None;
                }
                spec.and_then(|s| s.get("selector"))
                    .map(LabelSelector::from_map)
                    .filter(|s| !s.is_empty())
            }
            ("policy", "PodDisruptionBudget") => spec
                .and_then(|s| s.get("selector"))
                .and_then(|s| LabelSelector::from_label_selector(s).ok()),
            ("networking.k8s.io", "NetworkPolicy") => match spec.and_then(|s| s.get("podSelector")) {
                Some(n) => LabelSelector::from_label_selector(n).ok(),
                None => Some(LabelSelector::default()),
            },
            ("security.istio.io", "PeerAuthentication" | "AuthorizationPolicy" | "RequestAuthentication") => spec
                .and_then(|s| s.get("selector"))
                .map(LabelSelector::from_map_labels)
                .filter(|s| !s.is_empty()),
            _ => None,
        }
    }

    /// Rules this object (or its pod template) opts out of, from `kubelint.dev/ignore`.
    /// `all` or `*` opts out of every rule.
    pub(crate) fn ignored_rules(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |v: Option<&str>| {
            if let Some(v) = v {
                out.extend(v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()));
            }
        };
        add(self.annotations.get(IGNORE_ANNOTATION));
        if let Some(t) = self.pod_template() {
            add(t.annotations().get(IGNORE_ANNOTATION));
        }
        out
    }

    /// Why the object opts out (`kubelint.dev/ignore-reason`, on the object or its template).
    pub(crate) fn ignore_reason(&self) -> Option<String> {
        self.annotations
            .get(IGNORE_REASON_ANNOTATION)
            .map(str::to_string)
            .or_else(|| {
                self.pod_template()
                    .and_then(|t| t.annotations().get(IGNORE_REASON_ANNOTATION).map(str::to_string))
            })
    }
}

/// A `map[string]string` (labels, annotations, selectors); non-string values are written
/// as the text kubectl would send (`true`, `3`).
pub fn string_map(node: Option<&Node>) -> StringMap {
    node.and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| Some((e.key.clone(), scalar_text(&e.value)?)))
        .collect()
}

/// The text of a scalar value, as JSON would write it (`None` for collections and null).
pub fn scalar_text(node: &Node) -> Option<String> {
    use crate::load::Value;
    match &node.value {
        Value::String(s) => Some(s.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

/// Built-in kinds that live outside namespaces.
pub fn builtin_cluster_scoped(group: &str, kind: &str) -> bool {
    matches!(
        (group, kind),
        ("", "Namespace" | "Node" | "PersistentVolume" | "ComponentStatus")
            | ("rbac.authorization.k8s.io", "ClusterRole" | "ClusterRoleBinding")
            | ("apiextensions.k8s.io", "CustomResourceDefinition")
            | (
                "storage.k8s.io",
                "StorageClass" | "CSIDriver" | "CSINode" | "VolumeAttachment"
            )
            | ("scheduling.k8s.io", "PriorityClass")
            | ("admissionregistration.k8s.io", _)
            | ("apiregistration.k8s.io", "APIService")
            | ("networking.k8s.io", "IngressClass" | "IPAddress" | "ServiceCIDR")
            | ("node.k8s.io", "RuntimeClass")
            | (
                "certificates.k8s.io",
                "CertificateSigningRequest" | "ClusterTrustBundle"
            )
            | ("policy", "PodSecurityPolicy")
            | ("flowcontrol.apiserver.k8s.io", _)
            | ("resource.k8s.io", "DeviceClass" | "ResourceSlice")
    )
}
/// A finding of `rule` at `pointer` of `object` (at the nearest existing parent when the
/// pointer leads nowhere).
pub fn finding_at(
    rule: &'static RuleInfo,
    severity: Severity,
    object: &Object,
    pointer: &str,
    at: At,
    message: impl Into<String>,
) -> Finding {
    let root = object.node();
    let mut target = pointer.to_string();
    let span = loop {
        let span = match at {
            At::Key => root.key_span(&target),
            At::Value => root.pointer(&target).map(|n| n.span),
        };
        if let Some(span) = span {
            break span;
        }
        match target.rfind('/') {
            Some(i) => target.truncate(i),
            None => break root.span,
        }
    };
    let doc = &object.doc;
    Finding::new(rule, severity, message, &doc.file, span)
        .with_object(Some(object.reference()))
        .with_path(format!("{}{pointer}", doc.prefix))
        .with_document(doc.index)
}
