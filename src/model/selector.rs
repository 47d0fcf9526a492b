//! Label selectors: the `map[string]string` form (Service, ReplicationController) and
//! `metav1.LabelSelector` (`matchLabels` + `matchExpressions`).

use super::{Object, StringMap, scalar_text, string_map};
use crate::load::Node;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

/// A parsed selector. An empty selector selects everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub requirements: Vec<Requirement>,
}

impl LabelSelector {
    /// `selector: {app: web}`.
    pub fn from_map(node: &Node) -> LabelSelector {
        LabelSelector {
            requirements: string_map(Some(node))
                .into_iter()
                .map(|(key, v)| Requirement {
                    key: key.to_string(),
                    operator: Operator::In,
                    values: vec![v.to_string()],
                })
                .collect(),
        }
    }

    /// `selector: {matchLabels: ..., matchExpressions: [...]}`; an unknown operator is an error.
    pub fn from_label_selector(node: &Node) -> Result<LabelSelector, String> {
        let mut sel = node.get("matchLabels").map(LabelSelector::from_map).unwrap_or_default();
        for expr in node.seq_of("matchExpressions") {
            let key = expr
                .get("key")
                .and_then(Node::as_str)
                .ok_or("matchExpressions entry without a `key`")?;
            let operator = match expr.get("operator").and_then(Node::as_str) {
                Some("In") => Operator::In,
                Some("NotIn") => Operator::NotIn,
                Some("Exists") => Operator::Exists,
                Some("DoesNotExist") => Operator::DoesNotExist,
                other => return Err(format!("unknown selector operator {:?}", other.unwrap_or(""))),
            };
            let values = expr.seq_of("values").iter().filter_map(scalar_text).collect();
            sel.requirements.push(Requirement {
                key: key.to_string(),
                operator,
                values,
            });
        }
        Ok(sel)
    }

    /// Istio's workload selector `{matchLabels: {...}}` (no expressions).
    pub fn from_map_labels(node: &Node) -> LabelSelector {
        node.get("matchLabels").map(LabelSelector::from_map).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn matches(&self, labels: &StringMap) -> bool {
        self.requirements.iter().all(|r| r.accepts(labels.get(&r.key)))
    }
}

/// What a workload's controller puts under a label key on the pods it creates, beyond the
/// pod template's own labels.
enum Added {
    /// The controller does not add this key.
    No,
    /// One of these values (one per pod, e.g. a StatefulSet's pod names).
    OneOf(Vec<String>),
    /// A value the input cannot show (a hash, a uid, a timestamped name).
    Unknown,
}

/// The label `key` that the controller of `object` adds to its pods.
fn controller_added(object: &Object, key: &str) -> Added {
    let name = object.name.clone().unwrap_or_default();
    let ordinals = || 0..object.replicas().unwrap_or(1).clamp(0, 1000);
    match (object.group.as_str(), object.kind.as_str(), key) {
        ("apps", "Deployment" | "ReplicaSet", "pod-template-hash") => Added::Unknown,
        ("apps", "StatefulSet", "statefulset.kubernetes.io/pod-name") => {
            Added::OneOf(ordinals().map(|i| format!("{name}-{i}")).collect())
        }
        ("apps", "StatefulSet", "apps.kubernetes.io/pod-index") => {
            Added::OneOf(ordinals().map(|i| i.to_string()).collect())
        }
        ("apps", "StatefulSet" | "DaemonSet", "controller-revision-hash") => Added::Unknown,
        ("apps", "DaemonSet", "pod-template-generation") => Added::Unknown,
        ("batch", "Job", "job-name" | "batch.kubernetes.io/job-name") => Added::OneOf(vec![name]),
        ("batch", "CronJob", "job-name" | "batch.kubernetes.io/job-name") => Added::Unknown,
        (
            "batch",
            "Job" | "CronJob",
            "controller-uid" | "batch.kubernetes.io/controller-uid" | "batch.kubernetes.io/job-completion-index",
        ) => Added::Unknown,
        _ => Added::No,
    }
}

/// Label keys that controllers add to the pods they create (see [`controller_added`]).
pub(crate) fn is_controller_label(key: &str) -> bool {
    matches!(
        key,
        "pod-template-hash"
            | "statefulset.kubernetes.io/pod-name"
            | "apps.kubernetes.io/pod-index"
            | "controller-revision-hash"
            | "pod-template-generation"
            | "job-name"
            | "batch.kubernetes.io/job-name"
            | "controller-uid"
            | "batch.kubernetes.io/controller-uid"
            | "batch.kubernetes.io/job-completion-index"
    )
}

impl LabelSelector {
    /// Whether the selector may select pods that `object` (a workload) creates: its pod
    /// template's labels, plus the labels its controller adds (`pod-template-hash`,
    /// `statefulset.kubernetes.io/pod-name`, `batch.kubernetes.io/job-name`, …). A label
    /// whose value the input cannot show counts as matching: this answers "may match",
    /// which is what rules that report selectors matching nothing need.
    pub(crate) fn may_select_pods_of(&self, object: &Object) -> bool {
        self.requirements.iter().all(|r| {
            if let Some(v) = object.pod_labels.get(&r.key) {
                return r.accepts(Some(v));
            }
            match controller_added(object, &r.key) {
                Added::No => r.accepts(None),
                Added::Unknown => !matches!(r.operator, Operator::DoesNotExist),
                Added::OneOf(values) => values.iter().any(|v| r.accepts(Some(v))),
            }
        })
    }
}

impl Requirement {
    /// Whether a label with value `value` (`None`: absent) meets the requirement.
    fn accepts(&self, value: Option<&str>) -> bool {
        match self.operator {
            Operator::In => value.is_some_and(|v| self.values.iter().any(|x| x == v)),
            Operator::NotIn => value.is_none_or(|v| !self.values.iter().any(|x| x == v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(json: serde_json::Value) -> Node {
        Node::from_json(&json)
    }

    fn labels(pairs: &[(&str, &str)]) -> StringMap {
        pairs.iter().copied().collect()
    }

    #[test]
    fn match_labels_and_expressions() {
        let sel = LabelSelector::from_label_selector(&node(serde_json::json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["front", "edge"]},
                {"key": "canary", "operator": "DoesNotExist"},
                {"key": "env", "operator": "NotIn", "values": ["dev"]},
                {"key": "team", "operator": "Exists"}
            ]
        })))
        .unwrap();
        assert!(sel.matches(&labels(&[("app", "web"), ("tier", "edge"), ("team", "a")])));
        assert!(!sel.matches(&labels(&[
            ("app", "web"),
            ("tier", "edge"),
            ("team", "a"),
            ("canary", "1")
        ])));
        assert!(!sel.matches(&labels(&[
            ("app", "web"),
            ("tier", "edge"),
            ("team", "a"),
            ("env", "dev")
        ])));
        assert!(!sel.matches(&labels(&[("app", "web"), ("tier", "back"), ("team", "a")])));
        assert!(!sel.matches(&labels(&[("app", "web"), ("tier", "edge")])));
    }

    #[test]
    fn empty_selects_everything_and_bad_operator_errors() {
        assert!(LabelSelector::default().matches(&labels(&[])));
        let bad = LabelSelector::from_label_selector(&node(serde_json::json!({
            "matchExpressions": [{"key": "a", "operator": "Near"}]
        })));
        assert!(bad.unwrap_err().contains("Near"));
        let map = LabelSelector::from_map(&node(serde_json::json!({"app": "web", "v": 2})));
        assert!(map.matches(&labels(&[("app", "web"), ("v", "2"), ("x", "y")])));
    }
}
