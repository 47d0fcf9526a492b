//! RBAC: what one Role or ClusterRole grants.

use super::{At, Context, Family, FnRule, Rule, RuleInfo};
use crate::load::Node;
use crate::model::{Inventory, Object};
use crate::vocab::Severity;

pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        FnRule::boxed(&RBAC_WILDCARD, rbac_wildcard),
        FnRule::boxed(&RBAC_ESCALATION_VERBS, rbac_escalation_verbs),
        FnRule::boxed(&RBAC_SECRETS_READ, rbac_secrets_read),
        FnRule::boxed(&RBAC_POD_EXEC, rbac_pod_exec),
        FnRule::boxed(&RBAC_WORKLOAD_CREATE, rbac_workload_create),
        FnRule::boxed(&RBAC_AGGREGATES_TO_ADMIN, rbac_aggregates_to_admin),
        FnRule::boxed(&BINDING_GRANTS_ALL, binding_grants_all),
        FnRule::boxed(&BINDING_ROLE_MISSING, binding_role_missing),
        FnRule::boxed(&BINDING_ANONYMOUS_SUBJECT, binding_anonymous_subject),
        FnRule::boxed(&BINDING_SECRETS_CLUSTER_WIDE, binding_secrets_cluster_wide),
    ]
}

const BINDING: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: app\n  namespace: shop\nsubjects:\n  - {kind: ServiceAccount, name: app, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: app-reader}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app-reader\n  namespace: shop\nrules:\n  - apiGroups: [\"\"]\n    resources: [configmaps]\n    verbs: [get]\n";

pub static BINDING_GRANTS_ALL: RuleInfo = RuleInfo {
    id: "binding-grants-all",
    family: Family::Rbac,
    severity: Severity::Error,
    title: "A binding grants cluster-admin or a role with wildcards",
    rationale: "Binding `cluster-admin`, or a role (in the inputs) whose rules use `*`, gives the subjects every permission in scope, today's and future ones.",
    remediation: "Bind a role that lists only what the subjects need.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ci\nsubjects:\n  - {kind: ServiceAccount, name: ci, namespace: tools}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n",
    example_good: BINDING,
    security_severity: Some("9.0"),
    ..RuleInfo::BASE
};

pub static BINDING_ROLE_MISSING: RuleInfo = RuleInfo {
    id: "binding-role-missing",
    family: Family::Rbac,
    title: "A binding refers to a role that is not in the inputs",
    rationale: "A RoleBinding or ClusterRoleBinding whose role does not exist grants nothing (until someone creates a role of that name, with whatever rules). Built-in ClusterRoles (`cluster-admin`, `admin`, `edit`, `view`, `system:*`) count as present.",
    remediation: "Fix `roleRef`, or add the role.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: app\n  namespace: shop\nsubjects:\n  - {kind: ServiceAccount, name: app, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: app-raeder}\n",
    example_good: BINDING,
    ..RuleInfo::BASE
};

pub static BINDING_ANONYMOUS_SUBJECT: RuleInfo = RuleInfo {
    id: "binding-anonymous-subject",
    family: Family::Rbac,
    severity: Severity::Error,
    title: "A binding grants permissions to anonymous or unauthenticated users",
    rationale: "Subjects `system:anonymous` and `system:unauthenticated` are anyone who can reach the API server without credentials.",
    remediation: "Remove the subject; grant the permission to authenticated identities only.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: public\nsubjects:\n  - {kind: Group, name: system:unauthenticated, apiGroup: rbac.authorization.k8s.io}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: public\nsubjects:\n  - {kind: Group, name: sre, apiGroup: rbac.authorization.k8s.io}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n",
    security_severity: Some("9.0"),
    ..RuleInfo::BASE
};

pub static BINDING_SECRETS_CLUSTER_WIDE: RuleInfo = RuleInfo {
    id: "binding-secrets-cluster-wide",
    family: Family::Rbac,
    severity: Severity::Error,
    title: "A ClusterRoleBinding lets a service account read Secrets in every namespace",
    rationale: "A service account bound cluster-wide to a role (in the inputs) that reads Secrets can read every credential of the cluster; anyone who can run a pod as that account can too.",
    remediation: "Bind the role per namespace with RoleBindings, or narrow it to named Secrets.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: reader\nsubjects:\n  - {kind: ServiceAccount, name: app, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: secret-reader\nrules:\n  - apiGroups: [\"\"]\n    resources: [secrets]\n    verbs: [get, list]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: reader\n  namespace: shop\nsubjects:\n  - {kind: ServiceAccount, name: app, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: secret-reader\nrules:\n  - apiGroups: [\"\"]\n    resources: [secrets]\n    resourceNames: [app-tls]\n    verbs: [get]\n",
    security_severity: Some("8.0"),
    ..RuleInfo::BASE
};

pub static RBAC_WILDCARD: RuleInfo = RuleInfo {
    id: "rbac-wildcard",
    family: Family::Rbac,
    severity: Severity::Error,
    title: "A role grants `*` verbs, resources or API groups",
    rationale: "A wildcard grants everything that exists today and everything added tomorrow (new resources, CRDs, subresources); `*` on resources and verbs is cluster-admin in all but name.",
    remediation: "List the API groups, resources and verbs the subject needs.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"*\"]\n    verbs: [get, list]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\nrules:\n  - apiGroups: [\"\"]\n    resources: [configmaps]\n    verbs: [get, list]\n",
    security_severity: Some("8.0"),
    ..RuleInfo::BASE
};

pub static RBAC_ESCALATION_VERBS: RuleInfo = RuleInfo {
    id: "rbac-escalation-verbs",
    family: Family::Rbac,
    severity: Severity::Error,
    title: "A role grants `escalate`, `bind` or `impersonate`",
    rationale: "`escalate` and `bind` let the subject create or bind roles with more permissions than it has; `impersonate` lets it act as any user, group or service account. Each is a path to cluster-admin.",
    remediation: "Remove the verb; grant it only to the few controllers that manage RBAC, and review them.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: deployer\nrules:\n  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [clusterroles]\n    verbs: [get, bind, escalate]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: deployer\nrules:\n  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [clusterroles]\n    verbs: [get, list]\n",
    security_severity: Some("9.0"),
    ..RuleInfo::BASE
};

pub static RBAC_SECRETS_READ: RuleInfo = RuleInfo {
    id: "rbac-secrets-read",
    family: Family::Rbac,
    title: "A role can read Secrets",
    rationale: "`get`, `list` or `watch` on secrets reveals every credential in scope (a ClusterRole: in every namespace it is bound to), including service account tokens that may carry more permissions.",
    remediation: "Grant `get` on the named Secrets the workload needs (`resourceNames`), or mount them instead of reading them through the API.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\nrules:\n  - apiGroups: [\"\"]\n    resources: [secrets]\n    verbs: [get, list, watch]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\nrules:\n  - apiGroups: [\"\"]\n    resources: [secrets]\n    resourceNames: [app-tls]\n    verbs: [get]\n",
    security_severity: Some("7.0"),
    ..RuleInfo::BASE
};

pub static RBAC_POD_EXEC: RuleInfo = RuleInfo {
    id: "rbac-pod-exec",
    family: Family::Rbac,
    title: "A role can exec or attach into pods",
    rationale: "`pods/exec` and `pods/attach` give a shell in any pod in scope, with that pod's service account token, mounted secrets and network position.",
    remediation: "Remove the grant; give interactive debugging access through a separate, audited role bound only when needed.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: support\nrules:\n  - apiGroups: [\"\"]\n    resources: [pods, pods/exec]\n    verbs: [get, create]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: support\nrules:\n  - apiGroups: [\"\"]\n    resources: [pods, pods/log]\n    verbs: [get]\n",
    security_severity: Some("7.0"),
    ..RuleInfo::BASE
};

pub static RBAC_WORKLOAD_CREATE: RuleInfo = RuleInfo {
    id: "rbac-workload-create",
    family: Family::Rbac,
    title: "A role can create pods or workloads",
    rationale: "Whoever can create a pod (directly or through a Deployment, Job, ...) can run it as any service account of the namespace and mount any Secret there: pod creation implies access to all of them.",
    remediation: "Grant workload creation only to deployment tooling; application service accounts rarely need it.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\nrules:\n  - apiGroups: [batch]\n    resources: [jobs]\n    verbs: [create, get]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\nrules:\n  - apiGroups: [batch]\n    resources: [jobs]\n    verbs: [get, list]\n",
    security_severity: Some("6.0"),
    ..RuleInfo::BASE
};

pub static RBAC_AGGREGATES_TO_ADMIN: RuleInfo = RuleInfo {
    id: "rbac-aggregates-to-admin",
    family: Family::Rbac,
    title: "A ClusterRole aggregates into the built-in admin or edit roles",
    rationale: "The `aggregate-to-admin` and `aggregate-to-edit` labels add this role's rules to `admin` and `edit`, which are bound widely: every namespace admin or editor silently gains them.",
    remediation: "Remove the aggregation label, or make sure the rules are safe for everyone holding `admin`/`edit`.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: widgets-admin\n  labels:\n    rbac.authorization.k8s.io/aggregate-to-admin: \"true\"\nrules:\n  - apiGroups: [example.com]\n    resources: [widgets]\n    verbs: [get, list, create, delete]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: widgets-view\n  labels:\n    rbac.authorization.k8s.io/aggregate-to-view: \"true\"\nrules:\n  - apiGroups: [example.com]\n    resources: [widgets]\n    verbs: [get, list]\n",
    security_severity: Some("5.0"),
    ..RuleInfo::BASE
};

/// One `rules[i]` entry of a Role or ClusterRole.
struct PolicyRule<'a> {
    index: usize,
    api_groups: Vec<&'a str>,
    resources: Vec<&'a str>,
    verbs: Vec<&'a str>,
    has_names: bool,
}

fn strings(node: Option<&Node>) -> Vec<&str> {
    node.and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .collect()
}

fn policy_rules(object: &Object) -> Vec<PolicyRule<'_>> {
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

impl PolicyRule<'_> {
    /// Reads Secrets by name (`secrets` listed): get/list/watch, unless only `get` on named ones.
    fn reads_secrets(&self) -> bool {
        let scoped = self.has_names && !self.grants(&["list", "watch"]);
        self.resources.contains(&"secrets")
            && self.covers("", "secrets")
            && self.grants(&["get", "list", "watch"])
            && !scoped
    }

    fn grants(&self, verbs: &[&str]) -> bool {
        self.verbs.iter().any(|v| *v == "*" || verbs.contains(v))
    }

    fn covers(&self, group: &str, resource: &str) -> bool {
        self.api_groups.iter().any(|g| *g == "*" || *g == group)
            && self.resources.iter().any(|r| *r == "*" || *r == resource)
    }

    /// Pointer of the first item of `field` equal to `value`.
    fn item(&self, field: &str, list: &[&str], value: &str) -> String {
        let i = list.iter().position(|x| *x == value).unwrap_or(0);
        format!("/rules/{}/{field}/{i}", self.index)
    }
}

fn rbac_wildcard(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    for r in policy_rules(object) {
        for (field, list) in [
            ("apiGroups", &r.api_groups),
            ("resources", &r.resources),
            ("verbs", &r.verbs),
        ] {
            if list.contains(&"*") {
                cx.report(
                    &r.item(field, list, "*"),
                    At::Value,
                    format!("rule {} grants `*` in {field}", r.index + 1),
                );
            }
        }
    }
}

fn rbac_escalation_verbs(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    for r in policy_rules(object) {
        for verb in ["escalate", "bind", "impersonate"] {
            if r.verbs.contains(&verb) {
                cx.report(
                    &r.item("verbs", &r.verbs, verb),
                    At::Value,
                    format!("rule {} grants the `{verb}` verb", r.index + 1),
                );
            }
        }
    }
}

fn rbac_secrets_read(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    for r in policy_rules(object) {
        if r.reads_secrets() {
            cx.report(
                &r.item("resources", &r.resources, "secrets"),
                At::Value,
                format!("rule {} can read Secrets", r.index + 1),
            );
        }
    }
}

fn rbac_pod_exec(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    for r in policy_rules(object) {
        for sub in ["pods/exec", "pods/attach"] {
            if r.resources.contains(&sub) && r.covers("", sub) && r.grants(&["create", "get"]) {
                cx.report(
                    &r.item("resources", &r.resources, sub),
                    At::Value,
                    format!("rule {} grants `{sub}`", r.index + 1),
                );
            }
        }
    }
}

/// Workload kinds by API group.
const WORKLOADS: [(&str, &str); 8] = [
    ("", "pods"),
    ("", "replicationcontrollers"),
    ("apps", "deployments"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
];

fn rbac_workload_create(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    for r in policy_rules(object) {
        if !r.grants(&["create"]) {
            continue;
        }
        for (group, resource) in WORKLOADS {
            if r.resources.contains(&resource) && r.covers(group, resource) {
                cx.report(
                    &r.item("resources", &r.resources, resource),
                    At::Value,
                    format!("rule {} can create {resource}", r.index + 1),
                );
            }
        }
    }
}

fn rbac_aggregates_to_admin(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !object.is("rbac.authorization.k8s.io", "ClusterRole") {
        return;
    }
    for target in ["admin", "edit"] {
        let label = format!("rbac.authorization.k8s.io/aggregate-to-{target}");
        if object.labels.get(&label).map(String::as_str) == Some("true") {
            let pointer = crate::load::node::pointer_push("/metadata/labels", &label);
            cx.report(
                &pointer,
                At::Key,
                format!("the ClusterRole aggregates into the built-in `{target}` role"),
            );
        }
    }
}

/// The role a binding refers to: (kind, name), and the role object when it is in the inputs.
fn bound_role<'a>(binding: &Object, inventory: &'a Inventory) -> Option<(String, String, Option<&'a Object>)> {
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

fn is_builtin_cluster_role(name: &str) -> bool {
    matches!(name, "cluster-admin" | "admin" | "edit" | "view") || name.starts_with("system:")
}

fn binding_grants_all(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    let Some((kind, name, role)) = bound_role(object, inventory) else {
        return;
    };
    if kind == "ClusterRole" && name == "cluster-admin" {
        cx.report("/roleRef/name", At::Value, "the binding grants cluster-admin");
    } else if let Some(role) = role
        && policy_rules(role)
            .iter()
            .any(|r| r.api_groups.contains(&"*") || r.resources.contains(&"*") || r.verbs.contains(&"*"))
    {
        cx.report(
            "/roleRef/name",
            At::Value,
            format!("the binding grants {kind} `{name}`, whose rules use `*`"),
        );
    }
}

fn binding_role_missing(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    let Some((kind, name, role)) = bound_role(object, inventory) else {
        return;
    };
    if role.is_none() && !(kind == "ClusterRole" && is_builtin_cluster_role(&name)) {
        cx.report(
            "/roleRef/name",
            At::Value,
            format!("no {kind} `{name}` among the inputs"),
        );
    }
}

fn binding_anonymous_subject(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if bound_role(object, inventory).is_none() {
        return;
    }
    for (i, s) in object.node().seq_of("subjects").iter().enumerate() {
        if let Some(name @ ("system:anonymous" | "system:unauthenticated")) = s.get("name").and_then(Node::as_str) {
            cx.report(
                &format!("/subjects/{i}/name"),
                At::Value,
                format!("the binding grants permissions to `{name}`"),
            );
        }
    }
}

fn binding_secrets_cluster_wide(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is("rbac.authorization.k8s.io", "ClusterRoleBinding") {
        return;
    }
    let Some((_, name, Some(role))) = bound_role(object, inventory) else {
        return;
    };
    if !policy_rules(role).iter().any(PolicyRule::reads_secrets) {
        return;
    }
    for (i, s) in object.node().seq_of("subjects").iter().enumerate() {
        if s.get("kind").and_then(Node::as_str) == Some("ServiceAccount") {
            let who = s.get("name").and_then(Node::as_str).unwrap_or("?");
            cx.report(
                &format!("/subjects/{i}"),
                At::Value,
                format!("service account `{who}` can read Secrets in every namespace through ClusterRole `{name}`"),
            );
        }
    }
}
