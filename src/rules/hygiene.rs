//! Configuration hygiene: environment, namespaces, services, ingress, jobs, labels.

use super::{At, Context, Family, FnRule, ParamInfo, Rule, RuleInfo};
use crate::load::Node;
use crate::model::{Inventory, Object};
use crate::vocab::Severity;

pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        FnRule::boxed(&SECRET_IN_ENV, secret_in_env),
        FnRule::boxed(&DUPLICATE_ENV_VAR, duplicate_env_var),
        FnRule::boxed(&DEFAULT_NAMESPACE, default_namespace),
        FnRule::boxed(&SERVICE_TYPE_NOT_ALLOWED, service_type_not_allowed),
        FnRule::boxed(&INGRESS_TLS_MISSING, ingress_tls_missing),
        FnRule::boxed(&JOB_TTL_MISSING, job_ttl_missing),
        FnRule::boxed(&CRONJOB_DEADLINE_MISSING, cronjob_deadline_missing),
        FnRule::boxed(&REQUIRED_LABELS, |o, _, cx| required(o, cx, "labels")),
        FnRule::boxed(&REQUIRED_ANNOTATIONS, |o, _, cx| required(o, cx, "annotations")),
    ]
}

pub static SECRET_IN_ENV: RuleInfo = RuleInfo {
    id: "secret-in-env",
    family: Family::Hygiene,
    severity: Severity::Error,
    title: "A secret-looking environment variable has a literal value",
    rationale: "A password, token or key written into the manifest is in the repository's history forever and readable by anyone who can read the workload (`kubectl get -o yaml`), unlike a Secret whose access RBAC controls.",
    remediation: "Move the value to a Secret and reference it with `valueFrom.secretKeyRef` (or mount it as a file); rotate the exposed value.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: registry.example.com/api:3.2.0\n      env:\n        - name: DB_PASSWORD\n          value: hunter2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: registry.example.com/api:3.2.0\n      env:\n        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef: {name: api-db, key: password}\n",
    security_severity: Some("7.5"),
    ..RuleInfo::BASE
};

pub static DUPLICATE_ENV_VAR: RuleInfo = RuleInfo {
    id: "duplicate-env-var",
    family: Family::Hygiene,
    title: "A container sets the same environment variable twice",
    rationale: "When `env` names a variable twice, the last entry silently wins; the first one is dead configuration that misleads readers and reviewers.",
    remediation: "Remove one of the two entries.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: registry.example.com/api:3.2.0\n      env:\n        - {name: LOG_LEVEL, value: info}\n        - {name: LOG_LEVEL, value: debug}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: registry.example.com/api:3.2.0\n      env:\n        - {name: LOG_LEVEL, value: info}\n",
    ..RuleInfo::BASE
};

pub static DEFAULT_NAMESPACE: RuleInfo = RuleInfo {
    id: "default-namespace",
    family: Family::Hygiene,
    severity: Severity::Info,
    enabled: false,
    title: "An object lives in the `default` namespace",
    rationale: "The `default` namespace collects everything nobody placed deliberately; quotas, network policies and RBAC are easier to get right per team or application namespace. Objects without a namespace land wherever `kubectl` points, so `--namespace` (or the config's `namespace`) decides.",
    remediation: "Set `metadata.namespace` to a dedicated namespace.",
    example_bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  mode: fast\n",
    example_good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  mode: fast\n",
    ..RuleInfo::BASE
};

pub static SERVICE_TYPE_NOT_ALLOWED: RuleInfo = RuleInfo {
    id: "service-type-not-allowed",
    family: Family::Hygiene,
    title: "A Service is exposed outside the cluster (NodePort or LoadBalancer)",
    rationale: "NodePort opens a port on every node and LoadBalancer provisions a public endpoint; both bypass the Ingress or gateway where TLS, authentication and rate limits usually live.",
    remediation: "Use `type: ClusterIP` behind an Ingress or Gateway, or allow the type in `rules.service-type-not-allowed.params.types`.",
    example_bad: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n    - {port: 80, targetPort: 8080}\n",
    example_good: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: ClusterIP\n  selector: {app: web}\n  ports:\n    - {port: 80, targetPort: 8080}\n",
    params: &[ParamInfo {
        name: "types",
        description: "Service types to report.",
        default: "[\"NodePort\", \"LoadBalancer\"]",
    }],
    ..RuleInfo::BASE
};

pub static INGRESS_TLS_MISSING: RuleInfo = RuleInfo {
    id: "ingress-tls-missing",
    family: Family::Hygiene,
    title: "An Ingress serves plain HTTP (no `tls`)",
    rationale: "Without a `tls` section the Ingress serves its hosts over unencrypted HTTP: credentials and cookies cross the network in clear text.",
    remediation: "Add `spec.tls` with the hosts and a certificate Secret (cert-manager can issue it).",
    example_bad: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: web, port: {number: 80}}\n",
    example_good: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-tls\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: web, port: {number: 80}}\n",
    security_severity: Some("5.0"),
    ..RuleInfo::BASE
};

pub static JOB_TTL_MISSING: RuleInfo = RuleInfo {
    id: "job-ttl-missing",
    family: Family::Hygiene,
    severity: Severity::Info,
    title: "A Job is never cleaned up (no `ttlSecondsAfterFinished`)",
    rationale: "Finished Jobs and their pods stay in the cluster until someone deletes them, piling up objects for the API server and the scheduler to track.",
    remediation: "Set `spec.ttlSecondsAfterFinished` (e.g. `86400`). Jobs created by a CronJob are cleaned by its history limits instead.",
    example_bad: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: registry.example.com/migrate:1.0.0\n",
    example_good: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  ttlSecondsAfterFinished: 86400\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: registry.example.com/migrate:1.0.0\n",
    ..RuleInfo::BASE
};

pub static CRONJOB_DEADLINE_MISSING: RuleInfo = RuleInfo {
    id: "cronjob-deadline-missing",
    family: Family::Hygiene,
    title: "A CronJob has no `startingDeadlineSeconds`",
    rationale: "Without a starting deadline, a CronJob that missed more than 100 schedules (controller downtime, a suspended period) stops scheduling altogether, and late runs start whenever the controller catches up.",
    remediation: "Set `spec.startingDeadlineSeconds` to how late a run may still start (e.g. `300`).",
    example_bad: "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: \"0 3 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: registry.example.com/report:2.0.1\n",
    example_good: "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: \"0 3 * * *\"\n  startingDeadlineSeconds: 300\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: registry.example.com/report:2.0.1\n",
    ..RuleInfo::BASE
};

pub static REQUIRED_LABELS: RuleInfo = RuleInfo {
    id: "required-labels",
    family: Family::Hygiene,
    enabled: false,
    title: "An object lacks a required label",
    rationale: "Ownership, cost and routing tooling relies on labels every object is expected to carry (team, app, environment).",
    remediation: "Add the label to `metadata.labels`; the list is `rules.required-labels.params.labels`.",
    example_bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n",
    example_good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels:\n    app.kubernetes.io/name: shop\ndata:\n  mode: fast\n",
    params: &[ParamInfo {
        name: "labels",
        description: "Label keys every object must have.",
        default: "[]",
    }],
    example_config: "params:\n  labels: [app.kubernetes.io/name]\n",
    ..RuleInfo::BASE
};

pub static REQUIRED_ANNOTATIONS: RuleInfo = RuleInfo {
    id: "required-annotations",
    family: Family::Hygiene,
    enabled: false,
    title: "An object lacks a required annotation",
    rationale: "Teams use annotations for owners, runbooks and on-call contacts; an object without them is an orphan during an incident.",
    remediation: "Add the annotation to `metadata.annotations`; the list is `rules.required-annotations.params.annotations`.",
    example_bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n",
    example_good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  annotations:\n    example.com/owner: shop-team\ndata:\n  mode: fast\n",
    params: &[ParamInfo {
        name: "annotations",
        description: "Annotation keys every object must have.",
        default: "[]",
    }],
    example_config: "params:\n  annotations: [example.com/owner]\n",
    ..RuleInfo::BASE
};

/// Name fragments that mark a variable as a secret.
const SECRET_WORDS: [&str; 9] = [
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
    "ACCESS_KEY",
];

fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|w| upper.contains(w))
}

fn secret_in_env(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((_, containers)) = super::containers(object) else {
        return;
    };
    for c in containers {
        for (i, e) in c.node.seq_of("env").iter().enumerate() {
            let (Some(name), Some(value)) = (e.get("name").and_then(Node::as_str), e.get("value")) else {
                continue;
            };
            let literal = crate::model::scalar_text(value).unwrap_or_default();
            if looks_secret(name) && !literal.is_empty() && !literal.starts_with("$(") {
                cx.report(
                    &c.field(&format!("env/{i}/value")),
                    At::Value,
                    format!(
                        "{} sets `{name}` to a literal value; secrets belong in a Secret",
                        c.describe()
                    ),
                );
            }
        }
    }
}

fn duplicate_env_var(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((_, containers)) = super::containers(object) else {
        return;
    };
    for c in containers {
        let mut seen: Vec<&str> = Vec::new();
        for (i, e) in c.node.seq_of("env").iter().enumerate() {
            let Some(name) = e.get("name").and_then(Node::as_str) else {
                continue;
            };
            if seen.contains(&name) {
                cx.report(
                    &c.field(&format!("env/{i}/name")),
                    At::Value,
                    format!("{} sets `{name}` more than once", c.describe()),
                );
            }
            seen.push(name);
        }
    }
}

fn default_namespace(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if object.namespace.as_deref() != Some("default") {
        return;
    }
    match object.node().pointer("/metadata/namespace") {
        Some(_) => cx.report(
            "/metadata/namespace",
            At::Value,
            format!("{} is in the `default` namespace", object.kind),
        ),
        None => cx.report(
            "/metadata",
            At::Key,
            format!("{} names no namespace and lands in `default`", object.kind),
        ),
    }
}

fn service_type_not_allowed(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !object.is("", "Service") {
        return;
    }
    let Some(ty) = object.node().pointer("/spec/type").and_then(Node::as_str) else {
        return;
    };
    let reported = cx
        .param("types")
        .and_then(|v| v.as_array())
        .is_some_and(|a| a.iter().any(|t| t.as_str() == Some(ty)));
    if reported {
        cx.report(
            "/spec/type",
            At::Value,
            format!("the Service is of type {ty}, reachable from outside the cluster"),
        );
    }
}

fn ingress_tls_missing(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !(object.is("networking.k8s.io", "Ingress") || object.is("extensions", "Ingress")) {
        return;
    }
    let tls = object.node().pointer("/spec/tls").and_then(Node::as_seq);
    if tls.is_none_or(|t| t.is_empty()) {
        cx.report(
            "/spec",
            At::Key,
            "the Ingress has no `tls` section: its hosts are served over plain HTTP",
        );
    }
}

/// Reports an object of `group`/`kind` whose `spec` lacks `field`.
fn spec_field_missing(
    object: &Object,
    cx: &mut Context<'_>,
    (group, kind): (&str, &str),
    field: &str,
    consequence: &str,
) {
    if object.is(group, kind) && object.node().pointer(&format!("/spec/{field}")).is_none() {
        cx.report("/spec", At::Key, format!("the {kind} has no `{field}`{consequence}"));
    }
}

fn job_ttl_missing(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    spec_field_missing(
        object,
        cx,
        ("batch", "Job"),
        "ttlSecondsAfterFinished",
        ": it stays after finishing",
    );
}

fn cronjob_deadline_missing(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    spec_field_missing(object, cx, ("batch", "CronJob"), "startingDeadlineSeconds", "");
}

fn required(object: &Object, cx: &mut Context<'_>, what: &str) {
    let keys: Vec<String> = cx
        .param(what)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let have = if what == "labels" {
        &object.labels
    } else {
        &object.annotations
    };
    let singular = &what[..what.len() - 1];
    for k in keys {
        if !have.contains_key(&k) {
            let (pointer, at) = match object.node().pointer(&format!("/metadata/{what}")) {
                Some(_) => (format!("/metadata/{what}"), At::Key),
                None => ("/metadata".to_string(), At::Key),
            };
            cx.report(
                &pointer,
                at,
                format!("{} lacks the required {singular} `{k}`", object.kind),
            );
        }
    }
}
