//! CEL, offline: the `x-kubernetes-validations` rules of CRDs evaluated on custom resources
//! (this file), and ValidatingAdmissionPolicies evaluated on the objects their bindings
//! match ([`policy`](super::policy)). The rules are declared whatever the features; the
//! evaluation needs the default-on cargo feature `cel`.
//!
//! # Why kube-cel
//! [`kube-cel`](https://docs.rs/kube-cel) (kube-rs, 0.8) is the `cel` interpreter (0.13,
//! re-exported as `kube_cel::cel`) plus the Kubernetes CEL library: quantity, IP/CIDR,
//! URL, regex, lists, sets, strings, semver, `format`, math. Writing that library over
//! `cel` directly would be thousands of lines that kube-cel already tests against the
//! API server's behaviour, so kubelint takes it. Its `Validator` is not used as is: it
//! reports a rule that does not compile again on every object, has no cost limit, and
//! gives places as dotted strings that cannot be mapped back to keys with dots in them.
//! So kubelint walks the schema itself, with programs compiled once per CRD
//! ([`CrdRules::compile`]) and shared by all threads, evaluates each rule with kube-cel's
//! function library bound, and keeps its own place (a JSON pointer) while walking. For
//! admission policies kube-cel's `VapEvaluator` lacks `variables` and `matchConditions`
//! and rebuilds its context on every call, so [`policy`](super::policy) uses the same
//! programs and context directly.
//!
//! # What is evaluated
//! - `self` (the value at the rule's place, schema defaults applied first, declared
//!   property names escaped as the API server does: `__dash__`, `__dot__`, ...), and at
//!   the root `apiVersion`, `apiGroup` and `kind`;
//! - `message`, `messageExpression`, `reason` and `fieldPath` (the finding sits at that
//!   key, or at the rule's own place in the object);
//! - not transition rules: a rule that uses `oldSelf` compares an update with the stored
//!   object, and a manifest has no stored object, so it is skipped;
//! - not what kube-cel cannot parse or run: the optional syntax (`.?field`, `[?i]`,
//!   `optional.of`) and references this build does not provide (`cel.bind`, `sortBy`,
//!   the two-variable comprehensions). Such a rule is skipped, never reported as broken.
//!
//! # Cost
//! The `cel` crate has no runtime cost limit. Before a rule runs on an object, kubelint
//! estimates its cost on that object's data (each comprehension multiplies its body by
//! the length of the list or map it walks, string functions cost a tenth of the string's
//! length, everything else one), and a rule over the API server's per-expression limit
//! (1,000,000) is not run but reported (`cel-cost-exceeded`); so is an object whose rules
//! together pass the per-object budget (10,000,000). So no rule can hang a run.

use crate::vocab::{Family, RuleInfo, Severity};

pub static CRD_VALIDATION_RULE: RuleInfo = RuleInfo {
    id: "crd-validation-rule",
    family: Family::Schema,
    severity: Severity::Error,
    title: "A custom resource breaks a CEL rule of its CRD (`x-kubernetes-validations`)",
    rationale: "CRDs state what their resources must satisfy beyond types as CEL rules (`x-kubernetes-validations`): one field of two, an immutable pair, a quantity range. The API server evaluates them on every create and update and rejects a resource that breaks one. kubelint evaluates them offline, with the rule's own message, at the key it names (`fieldPath`) or where the rule sits.",
    default_reason: "Error: the API server evaluates the same rule and rejects the resource with this message.",
    remediation: "Change the resource as the rule's message says; the rule itself is in the CRD's schema at the place named.",
    example_bad: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              x-kubernetes-validations:\n                - rule: self.minReplicas <= self.maxReplicas\n                  message: minReplicas must not exceed maxReplicas\n              properties:\n                minReplicas: {type: integer}\n                maxReplicas: {type: integer}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: web\nspec:\n  minReplicas: 5\n  maxReplicas: 2\n",
    example_good: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              x-kubernetes-validations:\n                - rule: self.minReplicas <= self.maxReplicas\n                  message: minReplicas must not exceed maxReplicas\n              properties:\n                minReplicas: {type: integer}\n                maxReplicas: {type: integer}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: web\nspec:\n  minReplicas: 2\n  maxReplicas: 5\n",
    ..RuleInfo::BASE
};

pub static CEL_COMPILE_ERROR: RuleInfo = RuleInfo {
    id: "cel-compile-error",
    family: Family::Schema,
    severity: Severity::Error,
    title: "A CEL expression in a CRD or an admission policy does not compile",
    rationale: "The API server compiles a CRD's `x-kubernetes-validations` rules and a ValidatingAdmissionPolicy's expressions when they are created, and refuses the CRD or policy when one does not parse. kubelint reports it once, at the expression, and skips it on the objects it would apply to.",
    default_reason: "Error: the API server rejects a CRD or policy whose CEL expression does not compile.",
    remediation: "Fix the expression's syntax as the message says (a missing operand or parenthesis, a stray quote).",
    example_bad: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              x-kubernetes-validations:\n                - rule: self.minReplicas <=\n              properties:\n                minReplicas: {type: integer}\n",
    example_good: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              x-kubernetes-validations:\n                - rule: self.minReplicas <= 10\n              properties:\n                minReplicas: {type: integer}\n",
    ..RuleInfo::BASE
};

pub static CEL_COST_EXCEEDED: RuleInfo = RuleInfo {
    id: "cel-cost-exceeded",
    family: Family::Schema,
    title: "A CEL rule would cost more on this object than the API server allows",
    rationale: "The API server stops a CEL expression that costs more than 1,000,000 units (and an object whose rules together cost more than 10,000,000) and rejects the request. A rule that walks a list inside a list of a large object passes that budget. kubelint estimates each rule's cost on the object before running it and does not run one over the budget, so a run never hangs on a rule.",
    default_reason: "Warning: kubelint's cost estimate is coarser than the API server's, so the object may still pass; the rule was not evaluated.",
    remediation: "Keep the lists the rule walks short, bound them in the CRD (`maxItems`, `maxLength`), or write the rule without nested walks.",
    example_bad: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              x-kubernetes-validations:\n                # every triple of ports: the cube of their number\n                - rule: self.ports.all(a, self.ports.all(b, self.ports.all(c, a + b != c || a != b)))\n              properties:\n                ports: {type: array, items: {type: integer}}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: web\nspec:\n  ports: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100]\n",
    example_good: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n                ports: {type: array, x-kubernetes-list-type: set, items: {type: integer}}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: web\nspec:\n  ports: [1, 2, 3]\n",
    ..RuleInfo::BASE
};

pub static CEL_EVALUATION_ERROR: RuleInfo = RuleInfo {
    id: "cel-evaluation-error",
    family: Family::Schema,
    title: "A CEL rule or policy expression fails when evaluated on an object",
    rationale: "A rule that reads a field the object does not have (without `has()`), or compares values of different types, is an error at evaluation; the API server rejects the object with that error instead of the rule's message.",
    default_reason: "Warning: the API server rejects the object too, but an offline evaluation can differ from the server's in types and defaults, so kubelint does not claim a rejection.",
    remediation: "Guard optional fields in the rule with `has(self.field)`, or set the field the rule reads.",
    example_bad: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              x-kubernetes-validations:\n                - rule: self.size > 0\n              properties:\n                size: {type: integer}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: web\nspec: {}\n",
    example_good: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              x-kubernetes-validations:\n                - rule: \"!has(self.size) || self.size > 0\"\n              properties:\n                size: {type: integer}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: web\nspec: {}\n",
    ..RuleInfo::BASE
};

#[cfg(feature = "cel")]
pub use eval::*;

#[cfg(feature = "cel")]
mod eval {
    use std::collections::HashMap;
    use std::sync::Arc;

    use kube_cel::KubeCelExt;
    use kube_cel::cel::common::ast::Expr;
    use kube_cel::cel::objects::{Key, Map};
    use kube_cel::cel::{Context, ExecutionError, Program, Value as Cel};
    use serde_json::Value;

    use super::*;
    use crate::load::node::pointer_push;
    use crate::model::{Object, finding_at};
    use crate::schema::Reporter;
    use crate::schema::crd::CelSource;
    use crate::vocab::{At, Finding};

    /// The API server's limit on one CEL expression's cost (`celconfig.PerCallLimit`).
    pub const PER_CALL_LIMIT: u64 = 1_000_000;
    /// The API server's limit on all the CEL rules of one object
    /// (`celconfig.RuntimeCELCostBudget`).
    pub const OBJECT_BUDGET: u64 = 10_000_000;

    thread_local! {
        /// The Kubernetes CEL library, registered once per thread (a context is not `Sync`;
        /// registering it per evaluation would cost more than the evaluation).
        static BASE: Context<'static> = {
            let mut c = Context::default();
            c.register_all();
            c
        };
    }

    /// Runs `f` with a context holding the Kubernetes CEL library.
    pub(crate) fn with_base<R>(f: impl FnOnce(&Context<'_>) -> R) -> R {
        BASE.with(|b| f(b))
    }

    /// Why an expression is not run: it uses what kube-cel cannot parse or provide.
    pub(crate) fn unsupported(text: &str) -> bool {
        text.contains(".?") || text.contains("[?") || text.contains("optional.")
    }

    /// An evaluation error as a message: its first 200 characters (an error can quote a
    /// whole value).
    pub(crate) fn short_error(e: &ExecutionError) -> String {
        let text = e.to_string();
        match text.char_indices().nth(200) {
            Some((i, _)) => format!("{}…", &text[..i]),
            None => text,
        }
    }

    /// An expression compiled, or why not (`None`: skipped, unsupported).
    pub(crate) fn compile(text: &str) -> Result<Option<Program>, String> {
        if unsupported(text) {
            return Ok(None);
        }
        // The parser recurses on nesting: bound what it is given.
        if text.len() > 100_000 {
            return Err("the expression is longer than 100,000 characters".into());
        }
        match std::panic::catch_unwind(|| Program::compile(text)) {
            Ok(Ok(p)) => Ok(Some(p)),
            Ok(Err(e)) => {
                let first = e.to_string().lines().next().unwrap_or_default().to_string();
                Err(first
                    .strip_prefix("ERROR: <input>:")
                    .map_or(first.clone(), |r| format!("at {r}")))
            }
            Err(_) => Err("the CEL parser failed on this expression".into()),
        }
    }

    /// One compiled `x-kubernetes-validations` entry.
    struct Rule {
        program: Program,
        text: String,
        message: Option<String>,
        message_program: Option<Program>,
        field_path: Option<Vec<String>>,
        reason: Option<String>,
    }

    /// The rules of one schema node and of the nodes below it, with what converting a
    /// value for them needs.
    #[derive(Default)]
    struct RuleNode {
        rules: Vec<Rule>,
        /// Declared properties (names escaped in CEL), with their nodes.
        properties: HashMap<String, RuleNode>,
        items: Option<Box<RuleNode>>,
        additional: Option<Box<RuleNode>>,
        /// `allOf`/`anyOf`/`oneOf` branches that hold rules.
        branches: Vec<RuleNode>,
        /// `format: date-time` or `duration`: the string becomes a timestamp or duration.
        format: Format,
        /// Rules here or below.
        has_rules: bool,
    }

    #[derive(Default, Clone, Copy, PartialEq)]
    enum Format {
        #[default]
        None,
        DateTime,
        Duration,
    }

    /// The compiled CEL rules of one version of a CRD, shared by every thread of a run.
    pub struct CrdRules {
        root: RuleNode,
        /// The schema, for defaults (`None` when it declares none).
        defaults: Option<Value>,
        api_version: String,
        kind: String,
    }

    fn has_key(v: &Value, key: &str) -> bool {
        match v {
            Value::Object(m) => m.contains_key(key) || m.values().any(|c| has_key(c, key)),
            Value::Array(a) => a.iter().any(|c| has_key(c, key)),
            _ => false,
        }
    }

    impl CrdRules {
        /// Compiles the rules of `source` (the schema of `api_version` `kind`). Rules that
        /// do not compile become `cel-compile-error` findings on `crd` (when it is an
        /// object of the run) and are left out.
        pub fn compile(
            source: &CelSource,
            api_version: &str,
            kind: &str,
            crd: Option<&Object>,
            findings: &mut Vec<Finding>,
        ) -> CrdRules {
            let mut errors = Vec::new();
            let root = compile_node(&source.schema, &source.pointer, &mut errors, 0);
            if let Some(crd) = crd {
                for (pointer, message) in errors {
                    findings.push(finding_at(
                        &CEL_COMPILE_ERROR,
                        CEL_COMPILE_ERROR.severity,
                        crd,
                        &pointer,
                        At::Value,
                        message,
                    ));
                }
            }
            CrdRules {
                root,
                defaults: has_key(&source.schema, "default").then(|| source.schema.clone()),
                api_version: api_version.to_string(),
                kind: kind.to_string(),
            }
        }

        /// Whether any rule compiled.
        pub fn is_empty(&self) -> bool {
            !self.root.has_rules
        }

        /// Evaluates the rules on `object` (decoded as `value`).
        pub(crate) fn check(&self, value: &Value, report: &mut Reporter<'_>) {
            if !self.root.has_rules {
                return;
            }
            let defaulted;
            let value = match &self.defaults {
                Some(schema) => {
                    defaulted = kube_cel::apply_defaults(schema, value);
                    &defaulted
                }
                None => value,
            };
            let mut walk = Walk {
                crd: self,
                spent: 0,
                over_budget: false,
                report,
            };
            with_base(|base| walk.node(&self.root, value, String::new(), base, 0));
        }
    }

    fn compile_node(schema: &Value, pointer: &str, errors: &mut Vec<(String, String)>, depth: usize) -> RuleNode {
        let mut node = RuleNode::default();
        let Some(s) = schema.as_object() else { return node };
        if depth > 64 {
            return node;
        }
        node.format = match s.get("format").and_then(Value::as_str) {
            Some("date-time") => Format::DateTime,
            Some("duration") => Format::Duration,
            _ => Format::None,
        };
        if let Some(Value::Array(list)) = s.get("x-kubernetes-validations") {
            let at = pointer_push(pointer, "x-kubernetes-validations");
            for (i, r) in list.iter().enumerate() {
                let at = pointer_push(&at, &i.to_string());
                let Some(text) = r.get("rule").and_then(Value::as_str) else {
                    continue;
                };
                // Transition rules compare with the stored object, which a manifest has not.
                if mentions_old_self(text) {
                    continue;
                }
                let program = match compile(text) {
                    Ok(Some(p)) => p,
                    Ok(None) => continue,
                    Err(e) => {
                        errors.push((
                            pointer_push(&at, "rule"),
                            format!("the CEL rule `{text}` does not compile: {e}; the API server rejects this CRD"),
                        ));
                        continue;
                    }
                };
                let message_program = match r.get("messageExpression").and_then(Value::as_str) {
                    Some(m) => match compile(m) {
                        Ok(p) => p,
                        Err(e) => {
                            errors.push((
                                pointer_push(&at, "messageExpression"),
                                format!(
                                    "the messageExpression `{m}` does not compile: {e}; the API server rejects this CRD"
                                ),
                            ));
                            None
                        }
                    },
                    None => None,
                };
                node.rules.push(Rule {
                    program,
                    text: text.to_string(),
                    message: r.get("message").and_then(Value::as_str).map(str::to_string),
                    message_program,
                    field_path: r.get("fieldPath").and_then(Value::as_str).and_then(parse_field_path),
                    reason: r.get("reason").and_then(Value::as_str).map(str::to_string),
                });
            }
        }
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            let at = pointer_push(pointer, "properties");
            for (name, p) in props {
                // Kept even without rules: the names below are escaped by their declaration.
                let child = compile_node(p, &pointer_push(&at, name), errors, depth + 1);
                node.properties.insert(name.clone(), child);
            }
        }
        if let Some(items) = s.get("items") {
            node.items = Some(Box::new(compile_node(
                items,
                &pointer_push(pointer, "items"),
                errors,
                depth + 1,
            )));
        }
        if let Some(a @ Value::Object(_)) = s.get("additionalProperties") {
            node.additional = Some(Box::new(compile_node(
                a,
                &pointer_push(pointer, "additionalProperties"),
                errors,
                depth + 1,
            )));
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(list) = s.get(key).and_then(Value::as_array) {
                for (i, b) in list.iter().enumerate() {
                    let at = pointer_push(&pointer_push(pointer, key), &i.to_string());
                    let branch = compile_node(b, &at, errors, depth + 1);
                    if branch.has_rules {
                        node.branches.push(branch);
                    }
                }
            }
        }
        node.has_rules = !node.rules.is_empty()
            || node.properties.values().any(|p| p.has_rules)
            || node.items.as_ref().is_some_and(|i| i.has_rules)
            || node.additional.as_ref().is_some_and(|a| a.has_rules)
            || !node.branches.is_empty();
        node
    }

    /// Whether an expression uses `oldSelf` (as a word, not inside a longer name).
    fn mentions_old_self(text: &str) -> bool {
        text.match_indices("oldSelf").any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + 7..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !word(before) && !word(after)
        })
    }

    /// `.spec.ports[0]['a.b']` as pointer tokens; `None` if it is not such a path.
    pub(crate) fn parse_field_path(path: &str) -> Option<Vec<String>> {
        let mut out = Vec::new();
        let mut rest = path.trim();
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("['").or_else(|| rest.strip_prefix("[\"")) {
                let end = r.find(['\'', '"'])?;
                out.push(r[..end].to_string());
                rest = r[end + 1..].strip_prefix(']')?;
            } else if let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']')?;
                let index: usize = r[..end].trim().parse().ok()?;
                out.push(index.to_string());
                rest = &r[end + 1..];
            } else {
                let r = rest.strip_prefix('.').unwrap_or(rest);
                let end = r.find(['.', '[']).unwrap_or(r.len());
                if end == 0 {
                    return None;
                }
                out.push(r[..end].to_string());
                rest = &r[end..];
            }
        }
        Some(out)
    }

    const RESERVED: [&str; 21] = [
        "true",
        "false",
        "null",
        "in",
        "as",
        "break",
        "const",
        "continue",
        "else",
        "for",
        "function",
        "if",
        "import",
        "let",
        "loop",
        "package",
        "namespace",
        "return",
        "var",
        "void",
        "while",
    ];

    /// A declared property's name as CEL sees it (the API server's escaping).
    pub(crate) fn escape(name: &str) -> String {
        if RESERVED.contains(&name) {
            return format!("__{name}__");
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/'))
        {
            return name.to_string();
        }
        name.replace("__", "__underscores__")
            .replace('.', "__dot__")
            .replace('-', "__dash__")
            .replace('/', "__slash__")
    }

    /// The inverse of [`escape`], for following a rule's field selections in the data.
    fn unescape(name: &str) -> String {
        if let Some(inner) = name.strip_prefix("__").and_then(|n| n.strip_suffix("__"))
            && RESERVED.contains(&inner)
        {
            return inner.to_string();
        }
        name.replace("__dot__", ".")
            .replace("__dash__", "-")
            .replace("__slash__", "/")
            .replace("__underscores__", "__")
    }

    /// A JSON value as CEL sees it, with the schema node's formats and escaping.
    fn to_cel(value: &Value, node: Option<&RuleNode>) -> Cel {
        match value {
            Value::Null => Cel::Null,
            Value::Bool(b) => Cel::Bool(*b),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Cel::Int(i)
                } else if let Some(u) = n.as_u64() {
                    Cel::UInt(u)
                } else {
                    Cel::Float(n.as_f64().unwrap_or(0.0))
                }
            }
            Value::String(s) => {
                let format = node.map_or(Format::None, |n| n.format);
                match format {
                    Format::DateTime => chrono::DateTime::parse_from_rfc3339(s)
                        .map(Cel::Timestamp)
                        .unwrap_or_else(|_| Cel::String(Arc::new(s.clone()))),
                    Format::Duration => go_duration(s)
                        .map(Cel::Duration)
                        .unwrap_or_else(|| Cel::String(Arc::new(s.clone()))),
                    Format::None => Cel::String(Arc::new(s.clone())),
                }
            }
            Value::Array(items) => {
                let child = node.and_then(|n| n.items.as_deref());
                Cel::List(Arc::new(items.iter().map(|i| to_cel(i, child)).collect()))
            }
            Value::Object(map) => {
                let mut out = HashMap::with_capacity(map.len());
                for (k, v) in map {
                    let (key, child) = match node.and_then(|n| n.properties.get(k)) {
                        Some(c) => (escape(k), Some(c)),
                        None => (k.clone(), node.and_then(|n| n.additional.as_deref())),
                    };
                    out.insert(Key::String(Arc::new(key)), to_cel(v, child));
                }
                Cel::Map(Map { map: Arc::new(out) })
            }
        }
    }

    /// A Go duration (`1h30m`, `250ms`, `-1.5s`).
    fn go_duration(s: &str) -> Option<chrono::Duration> {
        let (neg, mut rest) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        if rest == "0" {
            return Some(chrono::Duration::zero());
        }
        let mut nanos: f64 = 0.0;
        if rest.is_empty() {
            return None;
        }
        while !rest.is_empty() {
            let n = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            let number: f64 = rest[..n].parse().ok()?;
            rest = &rest[n..];
            let u = rest
                .find(|c: char| c.is_ascii_digit() || c == '.')
                .unwrap_or(rest.len());
            let scale = match &rest[..u] {
                "ns" => 1.0,
                "us" | "µs" => 1e3,
                "ms" => 1e6,
                "s" => 1e9,
                "m" => 60e9,
                "h" => 3600e9,
                _ => return None,
            };
            nanos += number * scale;
            rest = &rest[u..];
        }
        let d = chrono::Duration::nanoseconds(nanos as i64);
        Some(if neg { -d } else { d })
    }

    struct Walk<'a, 'r> {
        crd: &'a CrdRules,
        spent: u64,
        over_budget: bool,
        report: &'a mut Reporter<'r>,
    }

    impl Walk<'_, '_> {
        fn node(&mut self, node: &RuleNode, value: &Value, pointer: String, base: &Context<'_>, depth: usize) {
            if !node.has_rules || depth > 64 || self.over_budget {
                return;
            }
            if !node.rules.is_empty() {
                self.rules(node, value, &pointer, base);
            }
            match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        let child = match node.properties.get(k) {
                            Some(c) => Some(c),
                            None => node.additional.as_deref(),
                        };
                        if let Some(c) = child.filter(|c| c.has_rules) {
                            self.node(c, v, pointer_push(&pointer, k), base, depth + 1);
                        }
                    }
                }
                Value::Array(items) => {
                    if let Some(c) = node.items.as_deref().filter(|c| c.has_rules) {
                        for (i, v) in items.iter().enumerate() {
                            self.node(c, v, pointer_push(&pointer, &i.to_string()), base, depth + 1);
                        }
                    }
                }
                _ => {}
            }
            for b in &node.branches {
                self.node(b, value, pointer.clone(), base, depth + 1);
            }
        }

        fn rules(&mut self, node: &RuleNode, value: &Value, pointer: &str, base: &Context<'_>) {
            let mut scope = base.new_inner_scope();
            scope.add_variable_from_value("self", to_cel(value, Some(node)));
            if pointer.is_empty() {
                let (group, _) = self.crd.api_version.split_once('/').unwrap_or_default();
                scope.add_variable_from_value("apiVersion", self.crd.api_version.clone());
                scope.add_variable_from_value("apiGroup", group.to_string());
                scope.add_variable_from_value("kind", self.crd.kind.clone());
            }
            let sizes = Sizes::of(value);
            for rule in &node.rules {
                let place = match &rule.field_path {
                    Some(tokens) => tokens.iter().fold(pointer.to_string(), |p, t| pointer_push(&p, t)),
                    None => pointer.to_string(),
                };
                let (at_pointer, at) = if place.is_empty() {
                    ("/kind".to_string(), At::Key)
                } else {
                    (place.clone(), At::Key)
                };
                let shown = crate::schema::validate::dotted(&place);
                let cost = estimate(&rule.program.expression().expr, value, &sizes);
                if cost > PER_CALL_LIMIT || self.spent.saturating_add(cost) > OBJECT_BUDGET {
                    let (limit, what) = if cost > PER_CALL_LIMIT {
                        (PER_CALL_LIMIT, "per-expression limit")
                    } else {
                        self.over_budget = true;
                        (OBJECT_BUDGET, "budget for all the rules of one object")
                    };
                    (self.report)(
                        &CEL_COST_EXCEEDED,
                        &at_pointer,
                        at,
                        format!(
                            "`{shown}`: the rule `{}` would cost about {cost} on this object, over the API server's {what} ({limit}); the API server stops it and rejects the object. kubelint did not evaluate it",
                            rule.text
                        ),
                    );
                    if self.over_budget {
                        return;
                    }
                    continue;
                }
                self.spent += cost;
                match rule.program.execute(&scope) {
                    Ok(Cel::Bool(true)) => {}
                    Ok(Cel::Bool(false)) => {
                        let message = rule
                            .message_program
                            .as_ref()
                            .and_then(|p| match p.execute(&scope) {
                                Ok(Cel::String(s)) if !s.trim().is_empty() => Some(s.to_string()),
                                _ => None,
                            })
                            .or_else(|| rule.message.clone())
                            .unwrap_or_else(|| format!("failed rule: {}", rule.text));
                        let reason = rule
                            .reason
                            .as_deref()
                            .map(|r| format!(", reason {r}"))
                            .unwrap_or_default();
                        (self.report)(
                            &CRD_VALIDATION_RULE,
                            &at_pointer,
                            at,
                            format!(
                                "`{shown}`: {message} (rule `{}` of the {} CRD{reason})",
                                rule.text, self.crd.kind
                            ),
                        );
                    }
                    Ok(other) => (self.report)(
                        &CEL_EVALUATION_ERROR,
                        &at_pointer,
                        at,
                        format!(
                            "`{shown}`: the rule `{}` gave {:?}, not a bool; the API server rejects the object",
                            rule.text,
                            other.type_of()
                        ),
                    ),
                    Err(ExecutionError::UndeclaredReference(_)) => {}
                    Err(e) if e.to_string().contains("Undeclared reference") => {}
                    Err(e) => (self.report)(
                        &CEL_EVALUATION_ERROR,
                        &at_pointer,
                        at,
                        format!(
                            "`{shown}`: the rule `{}` fails on this object: {}; the API server rejects an object on which a rule fails",
                            rule.text,
                            short_error(&e)
                        ),
                    ),
                }
            }
        }
    }

    /// The sizes that bound a rule's loops over a value: its longest list or map and its
    /// longest string.
    pub(crate) struct Sizes {
        longest_list: u64,
        longest_string: u64,
    }

    impl Sizes {
        pub(crate) fn of(value: &Value) -> Sizes {
            let mut s = Sizes {
                longest_list: 1,
                longest_string: 1,
            };
            fn walk(v: &Value, s: &mut Sizes, depth: usize) {
                if depth > 128 {
                    return;
                }
                match v {
                    Value::Array(a) => {
                        s.longest_list = s.longest_list.max(a.len() as u64);
                        a.iter().for_each(|c| walk(c, s, depth + 1));
                    }
                    Value::Object(m) => {
                        s.longest_list = s.longest_list.max(m.len() as u64);
                        m.values().for_each(|c| walk(c, s, depth + 1));
                    }
                    Value::String(t) => s.longest_string = s.longest_string.max(t.len() as u64),
                    _ => {}
                }
            }
            walk(value, &mut s, 0);
            s
        }
    }

    /// The length of the list or map `expr` names when it is a path below `self` that
    /// the data has; `None` when the expression is anything else.
    fn range_len(expr: &Expr, value: &Value) -> Option<u64> {
        let mut fields = Vec::new();
        let mut e = expr;
        loop {
            match e {
                Expr::Select(s) if !s.test => {
                    fields.push(s.field.as_str());
                    e = &s.operand.expr;
                }
                Expr::Ident(name) if name == "self" => break,
                _ => return None,
            }
        }
        let mut v = value;
        for f in fields.iter().rev() {
            v = v.get(unescape(f)).or_else(|| v.get(*f))?;
        }
        match v {
            Value::Array(a) => Some(a.len() as u64),
            Value::Object(m) => Some(m.len() as u64),
            _ => Some(0),
        }
    }

    fn is_string_walk(func: &str) -> bool {
        matches!(
            func,
            "contains"
                | "startsWith"
                | "endsWith"
                | "matches"
                | "find"
                | "findAll"
                | "replace"
                | "split"
                | "indexOf"
                | "lastIndexOf"
                | "lowerAscii"
                | "upperAscii"
                | "join"
                | "format"
                | "substring"
                | "trim"
        )
    }

    /// An upper estimate of what evaluating `expr` on `value` costs, in the API server's
    /// units (one per operation; comprehensions multiply).
    pub(crate) fn estimate(expr: &Expr, value: &Value, sizes: &Sizes) -> u64 {
        match expr {
            Expr::Comprehension(c) => {
                let n = range_len(&c.iter_range.expr, value)
                    .unwrap_or(sizes.longest_list)
                    .max(1);
                let body = estimate(&c.loop_step.expr, value, sizes)
                    .saturating_add(estimate(&c.loop_cond.expr, value, sizes))
                    .max(1);
                n.saturating_mul(body)
                    .saturating_add(estimate(&c.iter_range.expr, value, sizes))
                    .saturating_add(estimate(&c.accu_init.expr, value, sizes))
                    .saturating_add(estimate(&c.result.expr, value, sizes))
            }
            Expr::Call(call) => {
                let mut cost = 1u64;
                if let Some(t) = &call.target {
                    cost = cost.saturating_add(estimate(&t.expr, value, sizes));
                }
                for a in &call.args {
                    cost = cost.saturating_add(estimate(&a.expr, value, sizes));
                }
                if is_string_walk(&call.func_name) {
                    cost = cost.saturating_add(sizes.longest_string / 10);
                }
                cost
            }
            Expr::Select(s) => 1u64.saturating_add(estimate(&s.operand.expr, value, sizes)),
            Expr::List(l) => l
                .elements
                .iter()
                .fold(1u64, |c, e| c.saturating_add(estimate(&e.expr, value, sizes))),
            Expr::Map(m) => m.entries.len() as u64 + 1,
            Expr::Struct(s) => s.entries.len() as u64 + 1,
            _ => 1,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use serde_json::json;

        fn rules(schema: Value) -> (CrdRules, usize) {
            let source = CelSource {
                schema,
                pointer: "/spec/versions/0/schema/openAPIV3Schema".into(),
            };
            let mut errors = Vec::new();
            let root = compile_node(&source.schema, &source.pointer, &mut errors, 0);
            let n = errors.len();
            (
                CrdRules {
                    root,
                    defaults: has_key(&source.schema, "default").then(|| source.schema.clone()),
                    api_version: "example.com/v1".into(),
                    kind: "Widget".into(),
                },
                n,
            )
        }

        fn run(r: &CrdRules, value: Value) -> Vec<(&'static str, String, String)> {
            let mut out = Vec::new();
            let mut report = |rule: &'static RuleInfo, p: &str, _: At, m: String| out.push((rule.id, p.to_string(), m));
            r.check(&value, &mut report);
            out
        }

        #[test]
        fn failing_rule_reports_at_field_path_with_message() {
            let (r, errors) = rules(json!({"type": "object", "properties": {"spec": {"type": "object",
                "x-kubernetes-validations": [{"rule": "self.min <= self.max", "messageExpression": "'min ' + string(self.min) + ' > max'", "fieldPath": ".min", "reason": "FieldValueInvalid"}],
                "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}}}}}));
            assert_eq!(errors, 0);
            let out = run(&r, json!({"spec": {"min": 5, "max": 2}}));
            assert_eq!(out.len(), 1, "{out:?}");
            assert_eq!(out[0].0, "crd-validation-rule");
            assert_eq!(out[0].1, "/spec/min");
            assert!(
                out[0].2.contains("min 5 > max") && out[0].2.contains("FieldValueInvalid"),
                "{}",
                out[0].2
            );
            assert!(run(&r, json!({"spec": {"min": 1, "max": 2}})).is_empty());
        }

        #[test]
        fn compile_errors_are_counted_once_and_skipped() {
            let (r, errors) = rules(json!({"type": "object", "x-kubernetes-validations": [{"rule": "self.a >="}]}));
            assert_eq!(errors, 1);
            assert!(r.is_empty());
        }

        #[test]
        fn transition_and_optional_rules_are_skipped() {
            let (r, errors) = rules(json!({"type": "object", "x-kubernetes-validations": [
                {"rule": "self == oldSelf"}, {"rule": "self.?a.orValue(1) == 2"}]}));
            assert_eq!(errors, 0);
            assert!(r.is_empty());
            assert!(mentions_old_self("oldSelf.a") && !mentions_old_self("self.oldSelfish"));
        }

        #[test]
        fn library_items_and_escaping() {
            let (r, _) = rules(
                json!({"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object",
                "x-kubernetes-validations": [{"rule": "quantity(self.size).isLessThan(quantity('1Gi')) && self.dash__dash__name != ''"}],
                "properties": {"size": {"type": "string"}, "dash-name": {"type": "string"}}}}}}),
            );
            let out = run(
                &r,
                json!({"items": [{"size": "1Mi", "dash-name": "a"}, {"size": "2Gi", "dash-name": "b"}]}),
            );
            let _ = &out;
            assert_eq!(out.len(), 1, "{out:?}");
            assert_eq!(out[0].1, "/items/1");
        }

        #[test]
        fn defaults_apply_before_rules() {
            let (r, _) = rules(json!({"type": "object", "properties": {"spec": {"type": "object",
                "x-kubernetes-validations": [{"rule": "self.size > 0"}],
                "properties": {"size": {"type": "integer", "default": 3}}}}}));
            assert!(run(&r, json!({"spec": {}})).is_empty());
        }

        #[test]
        fn over_cost_is_reported_not_run() {
            let (r, _) = rules(json!({"type": "object", "properties": {"spec": {"type": "object",
                "x-kubernetes-validations": [{"rule": "self.ports.all(a, self.ports.exists_one(b, a == b))"}],
                "properties": {"ports": {"type": "array", "items": {"type": "integer"}}}}}}));
            let small = run(&r, json!({"spec": {"ports": [1, 2, 3]}}));
            assert!(small.is_empty(), "{small:?}");
            let ports: Vec<i64> = (0..2000).collect();
            let out = run(&r, json!({"spec": {"ports": ports}}));
            assert_eq!(out.len(), 1);
            assert_eq!(out[0].0, "cel-cost-exceeded");
        }

        #[test]
        fn field_paths_and_escapes() {
            assert_eq!(
                parse_field_path(".spec.ports[0]['a.b']"),
                Some(vec!["spec".into(), "ports".into(), "0".into(), "a.b".into()])
            );
            assert_eq!(parse_field_path(".."), None);
            assert_eq!(escape("x-y.z/w"), "x__dash__y__dot__z__slash__w");
            assert_eq!(unescape(&escape("a__b-c")), "a__b-c");
            assert_eq!(escape("namespace"), "__namespace__");
            assert_eq!(go_duration("1h30m"), Some(chrono::Duration::minutes(90)));
        }
    }
}
