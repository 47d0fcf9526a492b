//! RBAC: what one Role or ClusterRole grants.
//!
//! Helpers shared by the rules of this family (not a rule: never registered).

use crate::rules::prelude::*;

pub(crate) const BINDING: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: app\n  namespace: shop\nsubjects:\n  - {kind: ServiceAccount, name: app, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: app-reader}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app-reader\n  namespace: shop\nrules:\n  - apiGroups: [\"\"]\n    resources: [configmaps]\n    verbs: [get]\n";

/// One `rules[i]` entry of a Role or ClusterRole.
pub(crate) struct PolicyRule<'a> {
    pub(crate) index: usize,
    pub(crate) api_groups: Vec<&'a str>,
    pub(crate) resources: Vec<&'a str>,
    pub(crate) verbs: Vec<&'a str>,
    pub(crate) has_names: bool,
}

impl PolicyRule<'_> {
    /// Reads Secrets by name (`secrets` listed): get/list/watch, unless only `get` on named ones.
    pub(crate) fn reads_secrets(&self) -> bool {
        let scoped = self.has_names && !self.grants(&["list", "watch"]);
        self.resources.contains(&"secrets")
            && self.covers("", "secrets")
            && self.grants(&["get", "list", "watch"])
            && !scoped
    }

    pub(crate) fn grants(&self, verbs: &[&str]) -> bool {
        self.verbs.iter().any(|v| *v == "*" || verbs.contains(v))
    }

    pub(crate) fn covers(&self, group: &str, resource: &str) -> bool {
        self.api_groups.iter().any(|g| *g == "*" || *g == group)
            && self.resources.iter().any(|r| *r == "*" || *r == resource)
    }

    /// Pointer of the first item of `field` equal to `value`.
    pub(crate) fn item(&self, field: &str, list: &[&str], value: &str) -> String {
        let i = list.iter().position(|x| *x == value).unwrap_or(0);
        format!("/rules/{}/{field}/{i}", self.index)
    }
}

pub(crate) fn strings(node: Option<&Node>) -> Vec<&str> {
    node.and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .collect()
}

pub(crate) fn policy_rules(object: &Object) -> Vec<PolicyRule<'_>> {
    if object.group != "rbac.authorization.k8s.io" || !matches!(object.kind.as_str(), "Role" | "ClusterRole") {
        return Vec::new();
    }
    let rules = object.node().seq_of("rules");
    rules
        .iter()
        .enumerate()
        .map(|(index, r)| PolicyRule {
            index,
            api_groups: strings(r.get("apiGroups")),
            resources: strings(r.get("resources")),
            verbs: strings(r.get("verbs")),
            has_names: r
                .get("resourceNames")
                .and_then(Node::as_seq)
                .is_some_and(|n| !n.is_empty()),
        })
        .collect()
}

/// The role a binding refers to: (kind, name), and the role object when it is in the inputs.
pub(crate) fn bound_role<'a>(
    binding: &Object,
    inventory: &'a Inventory,
) -> Option<(String, String, Option<&'a Object>)> {
    if binding.group != "rbac.authorization.k8s.io"
        || !matches!(binding.kind.as_str(), "RoleBinding" | "ClusterRoleBinding")
    {
        return None;
    }
    let kind = binding
        .node()
        .pointer("/roleRef/kind")
        .and_then(Node::as_str)?
        .to_string();
    let name = binding
        .node()
        .pointer("/roleRef/name")
        .and_then(Node::as_str)?
        .to_string();
    let ns = if kind == "Role" {
        binding.namespace.as_deref()
    } else {
        None
    };
    let role = inventory.find(&kind, ns, &name);
    Some((kind, name, role))
}
