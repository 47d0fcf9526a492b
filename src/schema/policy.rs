//! ValidatingAdmissionPolicy + ValidatingAdmissionPolicyBinding (admissionregistration.k8s.io),
//! found among the inputs or given with `--policy`, evaluated on the objects they match, so a
//! platform team's admission policies run before the cluster sees the change.
//!
//! What is evaluated, as the API server does for a create:
//! - `matchConstraints` of the policy and `matchResources` of the binding: `resourceRules`
//!   (API group, version and resource: kinds map to resources by the CRDs' `names.plural`,
//!   else by Kubernetes' pluralisation), `excludeResourceRules`, `objectSelector`, and
//!   `namespaceSelector` against the labels of the Namespace object when the input has it
//!   (without it, only a selector on `kubernetes.io/metadata.name` can be decided; the object
//!   is then not matched);
//! - `matchConditions` (all true, else the policy does not apply), `variables` (in order,
//!   each seeing those before it), `validations` with `message`/`messageExpression`/`reason`;
//! - `paramKind` + the binding's `paramRef` (by name or selector) with params from the input;
//!   when the input has no such param object the binding is not evaluated (the params live
//!   in the cluster);
//! - `validationActions`: `Deny` is an error, `Warn` a warning, `Audit` info.
//!
//! Not evaluated: `authorizer` (no cluster to ask), `auditAnnotations`, `oldObject` (null,
//! as on a create), and expressions kube-cel cannot run (see [`cel`](super::cel)).

use crate::vocab::{Family, RuleInfo, Severity};

pub static ADMISSION_POLICY_DENIED: RuleInfo = RuleInfo {
    id: "admission-policy-denied",
    family: Family::Schema,
    severity: Severity::Error,
    title: "A ValidatingAdmissionPolicy of the input denies an object",
    rationale: "ValidatingAdmissionPolicies (CEL, built into the API server since 1.30) are how platform teams enforce their rules in the cluster; a change that breaks one fails at `kubectl apply`, late. kubelint evaluates the policies and bindings found in the input (or given with `--policy`) on the objects they match, offline. The severity follows the binding's `validationActions`: Deny is an error, Warn a warning, Audit info.",
    default_reason: "Error: a `Deny` binding makes the API server reject the object with this message; the findings of `Warn` and `Audit` bindings are capped at warning and info.",
    remediation: "Change the object as the policy's message says, or, if the policy should not apply, its binding's match rules.",
    example_bad: "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: replica-limit\nspec:\n  matchConstraints:\n    resourceRules:\n      - apiGroups: [apps]\n        apiVersions: [v1]\n        operations: [CREATE, UPDATE]\n        resources: [deployments]\n  validations:\n    - expression: object.spec.replicas <= 5\n      message: at most 5 replicas\n---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: replica-limit\nspec:\n  policyName: replica-limit\n  validationActions: [Deny]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 10\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: replica-limit\nspec:\n  matchConstraints:\n    resourceRules:\n      - apiGroups: [apps]\n        apiVersions: [v1]\n        operations: [CREATE, UPDATE]\n        resources: [deployments]\n  validations:\n    - expression: object.spec.replicas <= 5\n      message: at most 5 replicas\n---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: replica-limit\nspec:\n  policyName: replica-limit\n  validationActions: [Deny]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    ..RuleInfo::BASE
};

#[cfg(feature = "cel")]
pub use eval::*;

#[cfg(feature = "cel")]
mod eval {
    use std::collections::HashMap;
    use std::sync::Arc;

    use kube_cel::cel::objects::{Key, Map};
    use kube_cel::cel::{ExecutionError, Program, Value as Cel};

    use super::ADMISSION_POLICY_DENIED;
    use crate::load::Node;
    use crate::model::selector::LabelSelector;
    use crate::model::{Inventory, Object, finding_at};
    use crate::schema::cel::{CEL_COMPILE_ERROR, CEL_EVALUATION_ERROR, compile, short_error, with_base};
    use crate::schema::validate::as_decoded;
    use crate::vocab::{At, Finding, RuleSettings, Severity};

    struct Expression {
        program: Program,
        text: String,
    }

    struct Validation {
        expr: Expression,
        message: Option<String>,
        message_program: Option<Program>,
        reason: Option<String>,
    }

    #[derive(Default)]
    struct ResourceRule {
        groups: Vec<String>,
        versions: Vec<String>,
        resources: Vec<String>,
        operations: Vec<String>,
    }

    #[derive(Default)]
    struct Match {
        rules: Vec<ResourceRule>,
        exclude: Vec<ResourceRule>,
        namespace_selector: Option<LabelSelector>,
        object_selector: Option<LabelSelector>,
        /// `resourceRules` was given (a binding's `matchResources` may leave it out).
        has_rules: bool,
    }

    struct Policy {
        name: String,
        param_kind: Option<(String, String)>,
        constraints: Match,
        conditions: Vec<(String, Expression)>,
        variables: Vec<(String, Expression)>,
        validations: Vec<Validation>,
    }

    struct ParamRef {
        name: Option<String>,
        namespace: Option<String>,
        selector: Option<LabelSelector>,
    }

    struct Binding {
        name: String,
        policy: String,
        param_ref: Option<ParamRef>,
        matches: Option<Match>,
        severity: Severity,
    }

    /// Compiled policies and bindings (of a run's input, or given).
    #[derive(Default)]
    pub struct Policies {
        policies: Vec<Arc<Policy>>,
        bindings: Vec<Binding>,
    }

    fn strings(node: Option<&Node>) -> Vec<String> {
        node.and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect()
    }

    fn resource_rules(node: Option<&Node>) -> Vec<ResourceRule> {
        node.and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .map(|r| ResourceRule {
                groups: strings(r.get("apiGroups")),
                versions: strings(r.get("apiVersions")),
                resources: strings(r.get("resources")),
                operations: strings(r.get("operations")),
            })
            .collect()
    }

    fn selector(node: Option<&Node>) -> Option<LabelSelector> {
        let s = LabelSelector::from_label_selector(node?).ok()?;
        (!s.is_empty()).then_some(s)
    }

    fn matcher(node: Option<&Node>) -> Option<Match> {
        let n = node?;
        Some(Match {
            rules: resource_rules(n.get("resourceRules")),
            exclude: resource_rules(n.get("excludeResourceRules")),
            namespace_selector: selector(n.get("namespaceSelector")),
            object_selector: selector(n.get("objectSelector")),
            has_rules: n.get("resourceRules").is_some(),
        })
    }

    impl Policies {
        /// Compiles the policies and bindings among `objects`; expressions that do not
        /// compile become `cel-compile-error` findings on their policy.
        pub fn of<'a>(objects: impl IntoIterator<Item = &'a Object>, findings: &mut Vec<Finding>) -> Policies {
            let mut out = Policies::default();
            for o in objects {
                if o.group != "admissionregistration.k8s.io" {
                    continue;
                }
                let Some(spec) = o.node().get("spec") else { continue };
                let name = o.name.clone().unwrap_or_default();
                match o.kind.as_str() {
                    "ValidatingAdmissionPolicy" => {
                        // A match condition or variable kube-cel cannot run makes the whole
                        // policy undecidable: it is skipped rather than guessed.
                        let mut skipped = false;
                        let mut compile_at = |pointer: String, text: &str| -> Option<Expression> {
                            match compile(text) {
                                Ok(Some(program)) => Some(Expression {
                                    program,
                                    text: text.to_string(),
                                }),
                                Ok(None) => {
                                    if !pointer.starts_with("/spec/validations/") {
                                        skipped = true;
                                    }
                                    None
                                }
                                Err(e) => {
                                    if !pointer.starts_with("/spec/validations/") {
                                        skipped = true;
                                    }
                                    findings.push(finding_at(
                                        &CEL_COMPILE_ERROR,
                                        CEL_COMPILE_ERROR.severity,
                                        o,
                                        &pointer,
                                        At::Value,
                                        format!("the CEL expression `{text}` does not compile: {e}; the API server rejects this policy"),
                                    ));
                                    None
                                }
                            }
                        };
                        let mut named = |list: &str, field: &str| -> Vec<(String, Expression)> {
                            let mut v = Vec::new();
                            for (i, c) in spec.seq_of(list).iter().enumerate() {
                                let (Some(n), Some(text)) = (
                                    c.get("name").and_then(Node::as_str),
                                    c.get(field).and_then(Node::as_str),
                                ) else {
                                    continue;
                                };
                                if let Some(e) = compile_at(format!("/spec/{list}/{i}/{field}"), text) {
                                    v.push((n.to_string(), e));
                                }
                            }
                            v
                        };
                        let conditions = named("matchConditions", "expression");
                        let variables = named("variables", "expression");
                        let mut validations = Vec::new();
                        for (i, v) in spec.seq_of("validations").iter().enumerate() {
                            let Some(text) = v.get("expression").and_then(Node::as_str) else {
                                continue;
                            };
                            let Some(expr) = compile_at(format!("/spec/validations/{i}/expression"), text) else {
                                continue;
                            };
                            let message_program = v
                                .get("messageExpression")
                                .and_then(Node::as_str)
                                .and_then(|m| compile_at(format!("/spec/validations/{i}/messageExpression"), m))
                                .map(|e| e.program);
                            validations.push(Validation {
                                expr,
                                message: v.get("message").and_then(Node::as_str).map(str::to_string),
                                message_program,
                                reason: v.get("reason").and_then(Node::as_str).map(str::to_string),
                            });
                        }
                        if skipped {
                            continue;
                        }
                        let param_kind = spec.get("paramKind").and_then(|p| {
                            let api = p.get("apiVersion").and_then(Node::as_str)?;
                            let kind = p.get("kind").and_then(Node::as_str)?;
                            let group = api.rsplit_once('/').map_or("", |(g, _)| g);
                            Some((group.to_string(), kind.to_string()))
                        });
                        out.policies.push(Arc::new(Policy {
                            name,
                            param_kind,
                            constraints: matcher(spec.get("matchConstraints")).unwrap_or_default(),
                            conditions,
                            variables,
                            validations,
                        }));
                    }
                    "ValidatingAdmissionPolicyBinding" => {
                        let Some(policy) = spec.get("policyName").and_then(Node::as_str) else {
                            continue;
                        };
                        let actions = strings(spec.get("validationActions"));
                        // Without actions the binding is invalid (the API server requires them).
                        let severity = if actions.iter().any(|a| a == "Deny") {
                            Severity::Error
                        } else if actions.iter().any(|a| a == "Warn") {
                            Severity::Warning
                        } else if actions.iter().any(|a| a == "Audit") {
                            Severity::Info
                        } else {
                            continue;
                        };
                        let param_ref = spec.get("paramRef").map(|p| ParamRef {
                            name: p.get("name").and_then(Node::as_str).map(str::to_string),
                            namespace: p.get("namespace").and_then(Node::as_str).map(str::to_string),
                            selector: p
                                .get("selector")
                                .and_then(|s| LabelSelector::from_label_selector(s).ok()),
                        });
                        out.bindings.push(Binding {
                            name,
                            policy: policy.to_string(),
                            param_ref,
                            matches: matcher(spec.get("matchResources")),
                            severity,
                        });
                    }
                    _ => {}
                }
            }
            out
        }

        pub fn is_empty(&self) -> bool {
            self.bindings.is_empty()
        }
    }

    /// Kubernetes' resource name of a built-in kind (`NetworkPolicy` → `networkpolicies`).
    pub fn builtin_plural(kind: &str) -> String {
        let k = kind.to_lowercase();
        if k == "endpoints" || k.ends_with("data") {
            return k;
        }
        if k.ends_with('s') || k.ends_with('x') || k.ends_with("ch") || k.ends_with("sh") || k.ends_with('z') {
            return format!("{k}es");
        }
        if let Some(stem) = k.strip_suffix('y')
            && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
        {
            return format!("{stem}ies");
        }
        format!("{k}s")
    }

    fn any_or(list: &[String], value: &str) -> bool {
        list.iter().any(|v| v == "*" || v == value)
    }

    impl ResourceRule {
        fn matches(&self, group: &str, version: &str, resource: &str) -> bool {
            any_or(&self.groups, group)
                && any_or(&self.versions, version)
                && (self.resources.iter().any(|r| r == "*" || r == resource))
                && (self.operations.is_empty()
                    || self
                        .operations
                        .iter()
                        .any(|o| matches!(o.as_str(), "*" | "CREATE" | "UPDATE")))
        }
    }

    /// What matching needs to know about one object.
    pub struct Target<'a> {
        pub object: &'a Object,
        pub resource: String,
        pub inventory: &'a Inventory,
    }

    impl Target<'_> {
        fn namespace_labels(&self) -> Option<crate::model::StringMap> {
            let ns = self.object.namespace.as_deref()?;
            self.inventory.find("Namespace", None, ns).map(|n| {
                let mut labels = n.labels.clone();
                labels.insert("kubernetes.io/metadata.name", ns);
                labels
            })
        }
    }

    impl Match {
        fn matches(&self, t: &Target<'_>) -> bool {
            let o = t.object;
            if self.has_rules && !self.rules.iter().any(|r| r.matches(&o.group, &o.version, &t.resource)) {
                return false;
            }
            if self
                .exclude
                .iter()
                .any(|r| r.matches(&o.group, &o.version, &t.resource))
            {
                return false;
            }
            if let Some(s) = &self.object_selector
                && !s.matches(&o.labels)
            {
                return false;
            }
            if let (Some(s), Some(ns)) = (&self.namespace_selector, o.namespace.as_deref()) {
                let labels = t.namespace_labels().or_else(|| {
                    // Without the Namespace object only its name label is known: decide
                    // only selectors on that label.
                    s.requirements
                        .iter()
                        .all(|r| r.key == "kubernetes.io/metadata.name")
                        .then(|| crate::model::StringMap::from([("kubernetes.io/metadata.name", ns)]))
                });
                match labels {
                    Some(l) if s.matches(&l) => {}
                    _ => return false,
                }
            }
            true
        }
    }

    fn to_cel(v: &serde_json::Value) -> Cel {
        use serde_json::Value as J;
        match v {
            J::Null => Cel::Null,
            J::Bool(b) => Cel::Bool(*b),
            J::Number(n) => n
                .as_i64()
                .map(Cel::Int)
                .or_else(|| n.as_u64().map(Cel::UInt))
                .unwrap_or_else(|| Cel::Float(n.as_f64().unwrap_or(0.0))),
            J::String(s) => Cel::String(Arc::new(s.clone())),
            J::Array(a) => Cel::List(Arc::new(a.iter().map(to_cel).collect())),
            J::Object(m) => Cel::Map(Map {
                map: Arc::new(
                    m.iter()
                        .map(|(k, v)| (Key::String(Arc::new(k.clone())), to_cel(v)))
                        .collect::<HashMap<_, _>>(),
                ),
            }),
        }
    }

    fn cel_map(entries: Vec<(&str, Cel)>) -> Cel {
        Cel::Map(Map {
            map: Arc::new(
                entries
                    .into_iter()
                    .map(|(k, v)| (Key::String(Arc::new(k.to_string())), v))
                    .collect(),
            ),
        })
    }

    fn s(v: &str) -> Cel {
        Cel::String(Arc::new(v.to_string()))
    }

    /// Evaluates the bindings of `sets` (whose policies are looked up in all of `sets`)
    /// on one object.
    pub fn check<'s>(
        sets: &[&Policies],
        target: &Target<'_>,
        settings: &dyn Fn(&str) -> &'s RuleSettings,
        out: &mut Vec<Finding>,
    ) {
        let denied = settings(ADMISSION_POLICY_DENIED.id);
        let eval_error = settings(CEL_EVALUATION_ERROR.id);
        let object = target.object;
        let mut object_value: Option<Cel> = None;
        for binding in sets.iter().flat_map(|s| &s.bindings) {
            let Some(policy) = sets.iter().flat_map(|s| &s.policies).find(|p| p.name == binding.policy) else {
                continue;
            };
            if policy.validations.is_empty()
                || !policy.constraints.matches(target)
                || !binding.matches.as_ref().is_none_or(|m| m.matches(target))
            {
                continue;
            }
            let params: Vec<(Cel, String)> = match (&policy.param_kind, &binding.param_ref) {
                (None, _) => vec![(Cel::Null, String::new())],
                (Some(_), None) => continue,
                (Some((group, kind)), Some(r)) => {
                    let ns = r.namespace.as_deref().or(object.namespace.as_deref());
                    let found: Vec<&Object> = target
                        .inventory
                        .of_kind(group, kind)
                        .filter(|p| p.namespace.is_none() || p.namespace.as_deref() == ns)
                        .filter(|p| r.name.as_ref().is_none_or(|n| p.name.as_ref() == Some(n)))
                        .filter(|p| r.selector.as_ref().is_none_or(|s| s.matches(&p.labels)))
                        .collect();
                    found
                        .into_iter()
                        .map(|p| {
                            (
                                to_cel(&as_decoded(p.node())),
                                format!(" with params {} `{}`", p.kind, p.name.as_deref().unwrap_or("")),
                            )
                        })
                        .collect()
                }
            };
            let object_cel = object_value
                .get_or_insert_with(|| to_cel(&as_decoded(object.node())))
                .clone();
            let namespace_object = object
                .namespace
                .as_deref()
                .and_then(|ns| target.inventory.find("Namespace", None, ns))
                .map_or(Cel::Null, |n| to_cel(&as_decoded(n.node())));
            let request = cel_map(vec![
                ("operation", s("CREATE")),
                (
                    "kind",
                    cel_map(vec![
                        ("group", s(&object.group)),
                        ("version", s(&object.version)),
                        ("kind", s(&object.kind)),
                    ]),
                ),
                (
                    "resource",
                    cel_map(vec![
                        ("group", s(&object.group)),
                        ("version", s(&object.version)),
                        ("resource", s(&target.resource)),
                    ]),
                ),
                ("name", s(object.name.as_deref().unwrap_or_default())),
                ("namespace", s(object.namespace.as_deref().unwrap_or_default())),
                (
                    "userInfo",
                    cel_map(vec![("username", s("")), ("groups", Cel::List(Arc::new(Vec::new())))]),
                ),
                ("dryRun", Cel::Bool(false)),
            ]);
            for (param, with) in params {
                with_base(|base| {
                    let mut scope = base.new_inner_scope();
                    scope.add_variable_from_value("object", object_cel.clone());
                    scope.add_variable_from_value("oldObject", Cel::Null);
                    scope.add_variable_from_value("params", param);
                    scope.add_variable_from_value("namespaceObject", namespace_object.clone());
                    scope.add_variable_from_value("request", request.clone());
                    let mut vars: Vec<(&str, Cel)> = Vec::new();
                    scope.add_variable_from_value("variables", cel_map(Vec::new()));
                    for (name, e) in &policy.variables {
                        if let Ok(v) = e.program.execute(&scope) {
                            vars.push((name.as_str(), v));
                            scope.add_variable_from_value("variables", cel_map(vars.clone()));
                        }
                    }
                    for (_, c) in &policy.conditions {
                        match c.program.execute(&scope) {
                            Ok(Cel::Bool(true)) => {}
                            _ => return,
                        }
                    }
                    for v in &policy.validations {
                        let result = v.expr.program.execute(&scope);
                        let failed = match result {
                            Ok(Cel::Bool(true)) => continue,
                            Ok(Cel::Bool(false)) => None,
                            Err(ExecutionError::UndeclaredReference(_)) => continue,
                            Err(e) if e.to_string().contains("Undeclared reference") => continue,
                            Err(e) => Some(short_error(&e)),
                            Ok(other) => Some(format!("gave {:?}, not a bool", other.type_of())),
                        };
                        let who = format!(
                            "ValidatingAdmissionPolicy `{}` (binding `{}`{with})",
                            policy.name, binding.name
                        );
                        if let Some(error) = failed {
                            if eval_error.enabled {
                                out.push(finding_at(
                                    &CEL_EVALUATION_ERROR,
                                    eval_error.severity,
                                    object,
                                    "/metadata/name",
                                    At::Key,
                                    format!("{who}: the expression `{}` fails on this object: {error}", v.expr.text),
                                ));
                            }
                            continue;
                        }
                        if !denied.enabled {
                            continue;
                        }
                        let message = v
                            .message_program
                            .as_ref()
                            .and_then(|p| match p.execute(&scope) {
                                Ok(Cel::String(s)) if !s.trim().is_empty() => Some(s.to_string()),
                                _ => None,
                            })
                            .or_else(|| v.message.clone())
                            .unwrap_or_else(|| format!("failed expression: {}", v.expr.text));
                        let reason = v.reason.as_deref().map(|r| format!(", reason {r}")).unwrap_or_default();
                        let mut f = finding_at(
                            &ADMISSION_POLICY_DENIED,
                            denied.severity,
                            object,
                            "/metadata/name",
                            At::Key,
                            format!(
                                "{who} denies this object: {message} (expression `{}`{reason})",
                                v.expr.text
                            ),
                        );
                        // The binding's action caps the severity (Warn: a warning at most).
                        f.cap = Some(binding.severity);
                        f.at_severity(denied.severity);
                        out.push(f);
                    }
                });
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn plurals() {
            assert_eq!(builtin_plural("NetworkPolicy"), "networkpolicies");
            assert_eq!(builtin_plural("Ingress"), "ingresses");
            assert_eq!(builtin_plural("Deployment"), "deployments");
            assert_eq!(builtin_plural("Endpoints"), "endpoints");
            assert_eq!(builtin_plural("Gateway"), "gateways");
        }

        #[test]
        fn resource_rules_match_wildcards_and_operations() {
            let r = ResourceRule {
                groups: vec!["apps".into()],
                versions: vec!["*".into()],
                resources: vec!["deployments".into()],
                operations: vec!["DELETE".into()],
            };
            assert!(!r.matches("apps", "v1", "deployments"));
            let r = ResourceRule {
                operations: vec!["CREATE".into()],
                ..r
            };
            assert!(r.matches("apps", "v1", "deployments"));
            assert!(!r.matches("", "v1", "pods"));
        }
    }
}
