//! Label selectors: the `map[string]string` form (Service, ReplicationController) and
//! `metav1.LabelSelector` (`matchLabels` + `matchExpressions`).

use std::collections::BTreeMap;

use super::{scalar_text, string_map};
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
                    key,
                    operator: Operator::In,
                    values: vec![v],
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

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| {
            let v = labels.get(&r.key);
            match r.operator {
                Operator::In => v.is_some_and(|v| r.values.contains(v)),
                Operator::NotIn => v.is_none_or(|v| !r.values.contains(v)),
                Operator::Exists => v.is_some(),
                Operator::DoesNotExist => v.is_none(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(json: serde_json::Value) -> Node {
        Node::from_json(&json)
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
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
