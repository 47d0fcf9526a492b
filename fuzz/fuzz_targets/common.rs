//! What each fuzz target runs on one input, and the invariants it checks. Shared by the
//! `cargo fuzz` targets (`fuzz/fuzz_targets/*.rs`) and by the regression replay of the
//! normal test suite (`tests/fuzz_regressions.rs`), so a saved input replays exactly the
//! code path that found it. Only kubelint's public API and `serde_json`; no other
//! dependency.
#![allow(dead_code)]

use std::path::Path;
use std::sync::OnceLock;

use kubelint::report::{Format, render_to_string};
use kubelint::{Config, Input, Linter, Report, RunOptions, Severity};
use serde_json::{Map, Value, json};

/// A fuzz target: the name of its folder under `fixtures/fuzz/`, and its function.
pub type Target = (&'static str, fn(&[u8]));

/// The targets, by name (the folder names under `fixtures/fuzz/`).
pub const TARGETS: &[Target] = &[
    ("load", load),
    ("rules", rules),
    ("config", config),
    ("script", script),
    #[cfg(feature = "webhook")]
    ("admission", admission),
];

/// The linter with the default config, built once.
pub fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| Linter::new(Config::default()).expect("the default config builds"))
}

/// Objects a rule built from fuzzed input (config, script) is run on.
pub const SAMPLE: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      hostNetwork: true
      volumes: [{name: h, hostPath: {path: /var/run}}]
      containers:
      - name: web
        image: docker.io/nginx:latest
        securityContext: {privileged: true}
        volumeMounts: [{name: h, mountPath: /h}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: nothing}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: system:unauthenticated}]
";

/// The invariants every report must hold: each finding's span lies inside its file's text
/// on character boundaries, positions are 1-based and ordered, the summary counts what
/// the report holds, and every output format renders (JSON and SARIF as valid JSON).
pub fn check_report(report: &Report) {
    for f in report.findings.iter().chain(&report.suppressed) {
        let text = &f.file.text;
        let (s, e) = (f.span.start as usize, f.span.end as usize);
        assert!(s <= e, "{}: span {s}..{e} is reversed", f.rule);
        assert!(
            e <= text.len(),
            "{}: span {s}..{e} beyond the text ({} bytes)",
            f.rule,
            text.len()
        );
        assert!(
            text.is_char_boundary(s) && text.is_char_boundary(e),
            "{}: span {s}..{e} splits a character",
            f.rule
        );
        assert!(
            f.start.line >= 1 && f.start.column >= 1,
            "{}: start {:?}",
            f.rule,
            f.start
        );
        assert!(f.end.line >= 1 && f.end.column >= 1, "{}: end {:?}", f.rule, f.end);
        assert!(
            (f.start.line, f.start.column) <= (f.end.line, f.end.column),
            "{}: {:?} after {:?}",
            f.rule,
            f.start,
            f.end
        );
        assert!(
            f.path.is_empty() || f.path.starts_with('/'),
            "{}: path {:?}",
            f.rule,
            f.path
        );
        assert!(
            !f.rule.is_empty() && !f.message.is_empty(),
            "a finding without rule or message"
        );
    }
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    assert_eq!(report.summary.errors, count(Severity::Error), "summary.errors");
    assert_eq!(report.summary.warnings, count(Severity::Warning), "summary.warnings");
    assert_eq!(report.summary.infos, count(Severity::Info), "summary.infos");
    assert_eq!(report.summary.suppressed, report.suppressed.len(), "summary.suppressed");
    for format in [Format::Json, Format::Sarif] {
        let out = render_to_string(report, format);
        if let Err(e) = serde_json::from_str::<Value>(&out) {
            panic!("the {format:?} report is not JSON: {e}");
        }
    }
    for format in [Format::Human, Format::Github] {
        render_to_string(report, format);
    }
}

/// `load`: bytes as a file. UTF-8 text through [`Linter::lint_str`] (named `.yaml` and
/// `.json`); the raw bytes through [`Input::Bytes`] (stdin's path, which decodes each
/// document and reports the ones that are not UTF-8).
pub fn load(data: &[u8]) {
    let linter = linter();
    if let Ok(text) = std::str::from_utf8(data) {
        for name in ["fuzz.yaml", "fuzz.json"] {
            let report = linter.lint_str(name, text);
            assert!(report.summary.files == 1, "{name}: {} files", report.summary.files);
            check_report(&report);
        }
    }
    let report = linter
        .lint_inputs(&[Input::Bytes {
            name: "stdin.yaml".into(),
            bytes: data.to_vec(),
        }])
        .expect("bytes are not a path, so not a usage error");
    check_report(&report);
}

/// Reads bytes as a recipe for a JSON value: the shapes of Kubernetes objects (their
/// keys, kinds, API versions) with wrong types everywhere, huge and negative numbers,
/// odd strings and nesting up to [`MAX_DEPTH`].
pub struct Recipe<'a> {
    data: &'a [u8],
    at: usize,
}

pub const MAX_DEPTH: usize = 300;

const KEYS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "namespace",
    "labels",
    "annotations",
    "spec",
    "template",
    "containers",
    "initContainers",
    "ephemeralContainers",
    "image",
    "securityContext",
    "resources",
    "limits",
    "requests",
    "cpu",
    "memory",
    "ephemeral-storage",
    "ports",
    "containerPort",
    "port",
    "targetPort",
    "protocol",
    "selector",
    "matchLabels",
    "matchExpressions",
    "key",
    "operator",
    "values",
    "replicas",
    "minAvailable",
    "maxUnavailable",
    "privileged",
    "runAsNonRoot",
    "runAsUser",
    "allowPrivilegeEscalation",
    "readOnlyRootFilesystem",
    "capabilities",
    "add",
    "drop",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "hostPath",
    "path",
    "volumes",
    "volumeMounts",
    "mountPath",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "httpGet",
    "tcpSocket",
    "exec",
    "command",
    "args",
    "env",
    "envFrom",
    "valueFrom",
    "secretKeyRef",
    "configMapKeyRef",
    "serviceAccountName",
    "rules",
    "apiGroups",
    "verbs",
    "subjects",
    "roleRef",
    "ingress",
    "egress",
    "podSelector",
    "namespaceSelector",
    "policyTypes",
    "from",
    "to",
    "backend",
    "service",
    "tls",
    "hosts",
    "data",
    "stringData",
    "type",
    "items",
    "jobTemplate",
    "schedule",
    "scaleTargetRef",
    "minReplicas",
    "maxReplicas",
    "kubelint.dev/ignore",
    "kubelint.dev/ignore-reason",
    "sidecar.istio.io/inject",
    "<<",
    "",
    "\u{2028}",
    "app",
    "versions",
    "schema",
    "openAPIV3Schema",
    "properties",
];

const KINDS: &[(&str, &str)] = &[
    ("v1", "Pod"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("apps/v1", "ReplicaSet"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
    ("v1", "Service"),
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "ServiceAccount"),
    ("v1", "Namespace"),
    ("v1", "List"),
    ("v1", "PersistentVolumeClaim"),
    ("networking.k8s.io/v1", "Ingress"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("rbac.authorization.k8s.io/v1", "Role"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("policy/v1", "PodDisruptionBudget"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ("security.istio.io/v1", "AuthorizationPolicy"),
    ("security.istio.io/v1beta1", "PeerAuthentication"),
    ("networking.istio.io/v1", "VirtualService"),
    ("extensions/v1beta1", "Ingress"),
    ("example.com/v1", "Widget"),
];

const STRINGS: &[&str] = &[
    "nginx",
    "nginx:latest",
    "docker.io/library/nginx@sha256:abc",
    "500m",
    "1Gi",
    "1e400",
    "-1",
    "0x10",
    "NaN",
    "*",
    "TCP",
    "In",
    "NotIn",
    "Exists",
    "true",
    "yes",
    "on",
    "~",
    "null",
    "/",
    "/var/run/docker.sock",
    "ALL",
    "SYS_ADMIN",
    "NET_RAW",
    "system:anonymous",
    "system:unauthenticated",
    "cluster-admin",
    "default",
    "kube-system",
    "a\u{2028}b",
    "\u{85}",
    "\u{feff}",
    "\t",
    "é",
    "\u{202e}",
    "\0",
    "\u{1b}[31m",
    "99999999999999999999",
    "1.5",
    "9223372036854775808",
    "-9223372036854775809",
    "1e30",
    ".inf",
    "0o17",
    "0777",
];

impl<'a> Recipe<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Recipe { data, at: 0 }
    }

    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    fn done(&self) -> bool {
        self.at >= self.data.len()
    }

    fn u64(&mut self) -> u64 {
        (0..8).fold(0u64, |n, _| (n << 8) | u64::from(self.byte()))
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.byte() as usize % from.len()]
    }

    fn string(&mut self) -> String {
        match self.byte() % 4 {
            0 | 1 => self.pick(STRINGS).to_string(),
            2 => self.pick(KEYS).to_string(),
            _ => {
                let n = self.byte() as usize;
                let end = (self.at + n).min(self.data.len());
                let s = String::from_utf8_lossy(&self.data[self.at.min(end)..end]).into_owned();
                self.at += n;
                s
            }
        }
    }

    fn number(&mut self) -> Value {
        match self.byte() % 8 {
            0 => json!(self.u64() as i64),
            1 => json!(self.u64()),
            2 => json!(u64::MAX),
            3 => json!(i64::MIN),
            4 => json!(f64::MAX),
            5 => json!(f64::from_bits(self.u64())), // NaN and infinities become null
            6 => json!(i64::from(self.byte() as i8)),
            _ => json!(f64::from(self.byte()) / 4.0),
        }
    }

    /// A Kubernetes-shaped object: known apiVersion and kind, then fields from the recipe.
    pub fn object(&mut self, depth: usize) -> Value {
        let (api, kind) = self.pick(KINDS);
        let mut m = Map::new();
        m.insert("apiVersion".into(), json!(api));
        m.insert("kind".into(), json!(kind));
        m.insert("metadata".into(), json!({"name": self.string()}));
        let n = self.byte() % 6;
        for _ in 0..n {
            let k = self.pick(KEYS).to_string();
            let v = self.value(depth + 1);
            m.insert(k, v);
        }
        Value::Object(m)
    }

    pub fn value(&mut self, depth: usize) -> Value {
        if self.done() {
            return Value::Null;
        }
        let tag = self.byte();
        if depth >= MAX_DEPTH {
            return json!(tag);
        }
        match tag % 10 {
            0 => Value::Null,
            1 => json!(tag & 0x10 != 0),
            2 => self.number(),
            3 | 4 => json!(self.string()),
            5 => {
                let n = self.byte() % 5;
                Value::Array((0..n).map(|_| self.value(depth + 1)).collect())
            }
            6 => {
                // Deep nesting in one step: `n` arrays or single-key maps around a value.
                let n = (self.byte() as usize).min(MAX_DEPTH - depth);
                let key = self.pick(KEYS);
                let inner = self.value(depth + n);
                (0..n).fold(inner, |v, i| if i % 2 == 0 { json!([v]) } else { json!({ key: v }) })
            }
            7 => self.object(depth),
            _ => {
                let n = self.byte() % 6;
                let mut m = Map::new();
                for _ in 0..n {
                    let k = if self.byte().is_multiple_of(4) {
                        self.string()
                    } else {
                        self.pick(KEYS).to_string()
                    };
                    let v = self.value(depth + 1);
                    m.insert(k, v);
                }
                Value::Object(m)
            }
        }
    }
}

/// `rules`: bytes as a recipe for an object ([`Recipe`]), linted by [`Linter::lint_value`],
/// alone and inside a `List`.
pub fn rules(data: &[u8]) {
    let linter = linter();
    let mut recipe = Recipe::new(data);
    let object = recipe.object(0);
    let report = linter.lint_value("fuzz.json", &object);
    check_report(&report);
    if !recipe.done() {
        let mut items = vec![object];
        while !recipe.done() && items.len() < 8 {
            items.push(recipe.object(1));
        }
        let list = json!({"apiVersion": "v1", "kind": "List", "items": items});
        let report = linter.lint_value("list.json", &list);
        check_report(&report);
    }
}

/// Where fuzzed configs live: a folder that does not exist, so relative paths in them
/// (`crds`, `schemaDirs`, `ruleDirs`) fail at once.
const NOWHERE: &str = "/nonexistent-kubelint-fuzz/.kubelint.yaml";

/// `config`: UTF-8 bytes as `.kubelint.yaml` ([`Config::parse`]); a config that parses
/// builds a linter (absolute paths and `..` left out, so the fuzzer does not walk the
/// machine), which lints [`SAMPLE`].
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(mut config) = Config::parse(Path::new(NOWHERE), text) else {
        return;
    };
    let local = |p: &std::path::PathBuf| p.is_relative() && !p.components().any(|c| c.as_os_str() == "..");
    config.crds.retain(local);
    config.schema_dirs.retain(local);
    config.rule_dirs.retain(local);
    let Ok(linter) = Linter::new(config) else { return };
    let report = linter.lint_str("sample.yaml", SAMPLE);
    check_report(&report);
}

/// `script`: UTF-8 bytes as a Rhai rule script. One that loads joins a linter as an extra
/// rule (as a `ruleDirs` script would) and runs on [`SAMPLE`].
pub fn script(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // A script whose metadata is missing or invalid does not build a linter.
    let Ok(linter) = Linter::with_options(Config::default(), RunOptions::default().script("fuzz.rhai", text)) else {
        return;
    };
    let report = linter.lint_str("sample.yaml", SAMPLE);
    // A script that does not compile: one rule-error inside the script.
    for finding in report.findings.iter().filter(|f| f.file.path == Path::new("fuzz.rhai")) {
        assert_eq!(&*finding.rule, "rule-error");
        let e = finding.span.end as usize;
        assert!(e <= finding.file.text.len() && finding.file.text.is_char_boundary(e));
        assert!(finding.start.line >= 1 && finding.start.line as usize <= text.lines().count().max(1) + 1);
    }
    check_report(&report);
}

/// The webhook built once: default settings, empty context, denying on errors.
#[cfg(feature = "webhook")]
pub fn webhook() -> &'static kubelint::webhook::Webhook {
    use kubelint::config::WebhookSettings;
    static HOOK: OnceLock<kubelint::webhook::Webhook> = OnceLock::new();
    HOOK.get_or_init(|| {
        let linter = Linter::new(Config::default()).expect("the default config builds");
        kubelint::webhook::Webhook::new(linter, WebhookSettings::default(), Severity::Error, Vec::new())
    })
}

/// `admission`: bytes as a `POST /validate` body. Bytes that start with `{` go as they are;
/// others are a recipe ([`Recipe`]) for the object of a well-formed AdmissionReview. An
/// answer must be an AdmissionReview for the request's uid whose warnings and message the
/// API server accepts (no control characters, within its rune budgets).
#[cfg(feature = "webhook")]
pub fn admission(data: &[u8]) {
    use kubelint::webhook::ReviewError;
    use kubelint::webhook::hygiene::{MAX_MESSAGE_RUNES, MAX_WARNING_RUNES, MAX_WARNINGS_RUNES};
    let body = if data.first() == Some(&b'{') {
        data.to_vec()
    } else {
        let mut recipe = Recipe::new(data);
        let operation = recipe.pick(&["CREATE", "UPDATE", "DELETE", "CONNECT"]);
        let object = recipe.object(0);
        let review = json!({
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"uid": "fuzz-uid", "operation": operation, "namespace": "shop", "object": object},
        });
        serde_json::to_vec(&review).expect("JSON serialises")
    };
    let answer = match webhook().review(&body) {
        Ok(answer) => answer,
        Err(ReviewError::BadRequest(_)) => return,
        Err(ReviewError::Cancelled) => panic!("a review without a cancel flag was cancelled"),
    };
    let request: Value = serde_json::from_slice(&body).expect("an answered review is JSON");
    assert_eq!(answer["apiVersion"], "admission.k8s.io/v1");
    assert_eq!(answer["kind"], "AdmissionReview");
    let response = &answer["response"];
    assert_eq!(response["uid"], request["request"]["uid"], "the answer's uid");
    assert!(response["allowed"].is_boolean(), "allowed: {}", response["allowed"]);
    let safe = |s: &str| {
        !s.chars()
            .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    };
    let warnings = response["warnings"].as_array().expect("warnings is a list");
    let mut total = 0;
    for w in warnings {
        let w = w.as_str().expect("a warning is a string");
        let runes = w.chars().count();
        assert!(runes <= MAX_WARNING_RUNES, "a warning of {runes} runes");
        assert!(safe(w), "a warning with a control character: {w:?}");
        total += runes;
    }
    assert!(total <= MAX_WARNINGS_RUNES, "warnings of {total} runes in all");
    if response["allowed"] == false {
        let m = response["status"]["message"].as_str().expect("a denial has a message");
        assert!(
            m.chars().count() <= MAX_MESSAGE_RUNES && safe(m),
            "status.message {m:?}"
        );
        assert_eq!(response["status"]["code"], 403);
    }
}
