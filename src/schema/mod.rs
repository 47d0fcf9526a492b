//! Schema validation: the built-in Kubernetes schemas of a chosen version, CRDs found among
//! the inputs or given with `--crd`, the user's own schemas (`--schema-dir`), deprecated and
//! removed API versions, and metadata as the API server checks it.

pub mod archive;
pub mod bundled;
pub mod cel;
pub mod crd;
pub mod deprecations;
#[cfg(feature = "lsp")]
pub(crate) mod describe;
pub mod policy;
pub mod validate;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::load::Node;
use crate::model::{Inventory, Object, finding_at};
use crate::vocab::{At, Family, RuleInfo, RuleSettings, Severity};
use archive::Archive;
use validate::{Problem, ValidatorCache};

pub static SCHEMA_VIOLATION: RuleInfo = RuleInfo {
    id: "schema-violation",
    family: Family::Schema,
    severity: Severity::Error,
    title: "A value does not match the schema of its kind",
    rationale: "The API server rejects an object whose fields have the wrong type, an unknown enum value, a number out of range or a missing required field; finding it before `kubectl apply` saves a failed deploy.",
    default_reason: "Error: the API server validates the same OpenAPI schema and rejects the object.",
    remediation: "Fix the value as the message says (the expected type, the allowed values or range), or add the missing field.",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: two\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    ..RuleInfo::BASE
};

pub static UNKNOWN_FIELD: RuleInfo = RuleInfo {
    id: "unknown-field",
    family: Family::Schema,
    severity: Severity::Error,
    title: "A field is not part of its kind's schema",
    rationale: "A misspelt or misplaced field is silently dropped by the API server (or rejected with strict field validation): the setting you wrote never takes effect. kubelint names the field and the closest valid one.",
    default_reason: "Error: with server-side field validation (`Strict`, kubectl's default since 1.27 for apply) the API server rejects unknown fields; elsewhere the field is silently dropped, which is how typos like `resource:` ship.",
    remediation: "Fix the field name (see the suggestion) or move it where it belongs; `--no-strict` or `enabled: false` turns this rule off.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      imagePullPolicyy: Always\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      imagePullPolicy: Always\n",
    ..RuleInfo::BASE
};

pub static UNKNOWN_KIND: RuleInfo = RuleInfo {
    id: "unknown-kind",
    family: Family::Schema,
    severity: Severity::Info,
    title: "No schema is known for an object's kind",
    rationale: "An object whose apiVersion and kind match no built-in Kubernetes kind, no CRD among the inputs, no CRD or schema the user gives and no bundled ecosystem CRD (Istio, Gateway API, cert-manager, Argo CD and Rollouts, External Secrets, prometheus-operator, VPA, KEDA, Flux, OpenShift) cannot be validated; it may be a typo, or a custom resource whose CRD lives elsewhere. Reported once per kind and file.",
    default_reason: "Info: a kind without a schema is reported once so nothing goes unvalidated silently; on real repositories it is mostly custom resources whose CRDs live elsewhere, which is not a defect (1,081 findings on the shared corpus with the bundled CRDs, none actionable as a warning).",
    remediation: "Fix the apiVersion or kind, or give the CRD with `--crd PATH` (or `crds:` in `.kubelint.yaml`), or a JSON schema with `--schema-dir DIR`.",
    example_bad: "apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: web\n",
    example_good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
    ..RuleInfo::BASE
};

pub static DEPRECATED_API: RuleInfo = RuleInfo {
    id: "deprecated-api",
    family: Family::Schema,
    title: "An object uses an API version deprecated in the target Kubernetes version",
    rationale: "Deprecated API versions are removed in a later release; manifests that still use them break on the upgrade.",
    default_reason: "Warning: the version still works on the target Kubernetes version, but will stop working; a reviewer asks for the move.",
    remediation: "Move to the replacement API version named in the message (the migration guide lists field changes).",
    example_bad: "apiVersion: v1\nkind: ComponentStatus\nmetadata:\n  name: scheduler\n",
    example_good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: scheduler\n",
    ..RuleInfo::BASE
};

pub static REMOVED_API: RuleInfo = RuleInfo {
    id: "removed-api",
    family: Family::Schema,
    severity: Severity::Error,
    title: "An object uses an API version removed in the target Kubernetes version",
    rationale: "The API server of the target version no longer serves this apiVersion: applying the manifest fails.",
    default_reason: "Error: the target Kubernetes version no longer serves this API version: `kubectl apply` fails.",
    remediation: "Move to the replacement API version named in the message.",
    fixable: Some(crate::vocab::Applicability::Safe),
    example_bad: "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: web}\n",
    example_good: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: web}\n",
    ..RuleInfo::BASE
};

pub static INVALID_METADATA: RuleInfo = RuleInfo {
    id: "invalid-metadata",
    family: Family::Schema,
    severity: Severity::Error,
    title: "A name, namespace, label or annotation is not valid",
    rationale: "The API server rejects names that are not DNS-1123 subdomains (labels for Services and Namespaces), label keys and values over 63 characters or with other characters, and annotation keys with invalid prefixes.",
    default_reason: "Error: the API server rejects names, labels and annotations that break its syntax rules.",
    remediation: "Use lower case letters, digits, '-' and '.' in names; keep label values to 63 characters of letters, digits, '-', '_' and '.'.",
    example_bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Web_Settings\n  labels:\n    app: web frontend\n",
    example_good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-settings\n  labels:\n    app: web-frontend\n",
    ..RuleInfo::BASE
};

pub static CRD_CONFLICT: RuleInfo = RuleInfo {
    id: "crd-conflict",
    family: Family::Schema,
    title: "Two CustomResourceDefinitions in the input define the same kind differently",
    rationale: "A cluster holds one CRD per resource: which of two differing copies is applied decides what the API server accepts. An old copy left in a repository (a vendored chart, a test fixture) silently disagrees with the current one. kubelint validates custom resources against one copy, chosen by rule (the newest served version, then the most versions, then the first in path order), and says which.",
    default_reason: "Warning: two different definitions of one kind in the input mean one of them is stale; kubelint picks one deterministically and says which.",
    remediation: "Remove or update the stale copy, or exclude the folder that holds it (`--exclude`).",
    example_bad: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}\n---\n# an old copy, vendored with a chart\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1alpha1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema: {type: object}\n",
    example_good: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}\n",
    ..RuleInfo::BASE
};

/// Every schema rule, in documentation order.
pub static ALL: [&RuleInfo; 12] = [
    &SCHEMA_VIOLATION,
    &UNKNOWN_FIELD,
    &UNKNOWN_KIND,
    &DEPRECATED_API,
    &REMOVED_API,
    &INVALID_METADATA,
    &CRD_CONFLICT,
    &cel::CRD_VALIDATION_RULE,
    &cel::CEL_COMPILE_ERROR,
    &cel::CEL_COST_EXCEEDED,
    &cel::CEL_EVALUATION_ERROR,
    &policy::ADMISSION_POLICY_DENIED,
];

/// Where schemas come from.
#[derive(Clone, Debug)]
pub struct SchemaOptions {
    /// `"1.37"`; one of [`archive::VERSIONS`].
    pub kubernetes_version: String,
    /// CRD files or folders.
    pub crds: Vec<PathBuf>,
    /// Folders of JSON schemas (with `x-kubernetes-group-version-kind`, or named
    /// `<kind>-<group>-<version>.json`) and CRD YAML files.
    pub schema_dirs: Vec<PathBuf>,
    /// Whether the bundled ecosystem CRDs ([`bundled`]) validate custom resources whose
    /// kind no CRD of the input and no user schema defines.
    pub bundled_crds: bool,
    /// Files or folders of ValidatingAdmissionPolicies and their bindings (`--policy`).
    #[cfg_attr(not(feature = "cel"), allow(dead_code))]
    pub policies: Vec<PathBuf>,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        SchemaOptions {
            kubernetes_version: archive::DEFAULT_VERSION.to_string(),
            crds: Vec::new(),
            schema_dirs: Vec::new(),
            bundled_crds: true,
            policies: Vec::new(),
        }
    }
}

/// Schemas that live as long as a linter: built-in ones and the user's.
pub struct Schemas {
    pub archive: &'static Archive,
    builtin: ValidatorCache,
    user: HashMap<String, Value>,
    /// (group, kind) of every user schema: a kind the user defines is never looked up in
    /// the bundled CRDs, whatever its version.
    user_kinds: HashSet<GroupKind>,
    user_cache: ValidatorCache,
    /// Whether the bundled CRDs are on; they are parsed when a custom resource first needs
    /// them (a run of built-in kinds only never reads them).
    bundled: bool,
    bundled_cache: ValidatorCache,
    /// CEL rules and admission policies given by the user.
    #[cfg(feature = "cel")]
    given: Given,
    /// The bundled CRDs' CEL rules, compiled when a custom resource first needs them.
    #[cfg(feature = "cel")]
    bundled_cel: std::sync::Mutex<HashMap<String, Option<Arc<cel::CrdRules>>>>,
}

/// The CEL rules of the CRDs and the admission policies given by the user, compiled once.
#[cfg(feature = "cel")]
#[derive(Default)]
struct Given {
    rules: HashMap<String, Arc<cel::CrdRules>>,
    policies: policy::Policies,
    /// (group, kind) -> resource name of the given CRDs.
    plurals: HashMap<(String, String), String>,
    /// `cel-compile-error` findings on the given files.
    findings: Vec<crate::vocab::Finding>,
}

fn key(api_version: &str, kind: &str) -> String {
    format!("{api_version}/{kind}")
}

impl Schemas {
    pub fn new(options: &SchemaOptions) -> Result<Schemas, String> {
        let archive = Archive::builtin(&options.kubernetes_version).ok_or_else(|| {
            format!(
                "no schemas for Kubernetes {} (shipped: {})",
                options.kubernetes_version,
                archive::VERSIONS.join(", ")
            )
        })?;
        let mut user = HashMap::new();
        let mut docs = Vec::new();
        for path in &options.crds {
            load_crd_files(path, &mut user, &mut docs)?;
        }
        for dir in &options.schema_dirs {
            load_schema_dir(dir, &mut user, &mut docs)?;
        }
        let user_kinds = user
            .keys()
            .filter_map(|k| {
                let (api, kind) = k.rsplit_once('/')?;
                Some((
                    api.rsplit_once('/').map_or("", |(g, _)| g).to_string(),
                    kind.to_string(),
                ))
            })
            .collect();
        #[cfg(feature = "cel")]
        let given = {
            for path in &options.policies {
                let files = if path.is_dir() {
                    crate::load::discover::discover(&[path.to_path_buf()], &Default::default())?.files
                } else if path.is_file() {
                    vec![path.to_path_buf()]
                } else {
                    return Err(format!("--policy {}: no such file or folder", path.display()));
                };
                for file in files {
                    docs.extend(crd_docs(&file)?);
                }
            }
            Given::of(docs)
        };
        #[cfg(not(feature = "cel"))]
        drop(docs);
        Ok(Schemas {
            archive,
            builtin: ValidatorCache::default(),
            user,
            user_kinds,
            user_cache: ValidatorCache::default(),
            bundled: options.bundled_crds,
            bundled_cache: ValidatorCache::default(),
            #[cfg(feature = "cel")]
            given,
            #[cfg(feature = "cel")]
            bundled_cel: Default::default(),
        })
    }

    /// Schemas compiled so far (built-in and the user's), for benchmarks.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn compiled(&self) -> usize {
        self.builtin.compiled() + self.user_cache.compiled() + self.bundled_cache.compiled()
    }

    /// The schemas of one run: these plus the CRDs among its objects.
    pub fn for_run(&self, inventory: &Inventory) -> RunSchemas<'_> {
        self.with_crds(Arc::new(CrdSchemas::of(inventory)))
    }

    /// The schemas of one run whose CRDs were gathered before (and may be shared between
    /// runs, with the validators compiled for them): these plus `crds`.
    pub fn with_crds(&self, crds: Arc<CrdSchemas>) -> RunSchemas<'_> {
        RunSchemas { base: self, crds }
    }
}

/// A (group, kind) pair.
type GroupKind = (String, String);

/// One CRD object and the versions it defines.
type Definition<'a> = (&'a Object, Vec<crd::CrdVersion>);

/// The CRDs among a run's objects, by version, and their compiled validators.
pub struct CrdSchemas {
    crds: HashMap<String, crd::CrdVersion>,
    /// CRDs that define a kind again, differently from the copy used (`crd-conflict`).
    pub conflicts: Vec<crate::vocab::Finding>,
    /// (group, kind) -> served versions, for "that version is not served".
    crd_versions: HashMap<(String, String), Vec<String>>,
    /// (group, kind) of every CRD of the run, served or not: these kinds are never looked
    /// up in the bundled CRDs.
    group_kinds: HashSet<GroupKind>,
    cache: ValidatorCache,
    /// (group, kind) -> the resource name (`names.plural`), for admission policies.
    #[cfg_attr(not(feature = "cel"), allow(dead_code))]
    plurals: HashMap<(String, String), String>,
    /// The CEL rules of the CRDs, by version, and the admission policies of the run.
    #[cfg(feature = "cel")]
    cel: HashMap<String, Arc<cel::CrdRules>>,
    #[cfg(feature = "cel")]
    policies: policy::Policies,
    /// `cel-compile-error` findings on the run's CRDs and policies.
    cel_findings: Vec<crate::vocab::Finding>,
}

impl CrdSchemas {
    /// Gathers the CRDs of `inventory` (validators are compiled when first needed).
    pub fn of(inventory: &Inventory) -> CrdSchemas {
        let mut crds = HashMap::new();
        let mut crd_versions: HashMap<(String, String), Vec<String>> = HashMap::new();
        // Every CRD object by the (group, kind) it defines, in inventory (path) order.
        let mut by_kind: HashMap<GroupKind, Vec<Definition<'_>>> = HashMap::new();
        for o in inventory.of_kind("apiextensions.k8s.io", "CustomResourceDefinition") {
            let versions = crd::versions(o.node());
            let Some(first) = versions.first() else { continue };
            let gk = (
                first.api_version.split_once('/').map_or("", |(g, _)| g).to_string(),
                first.kind.clone(),
            );
            by_kind.entry(gk).or_default().push((o, versions));
        }
        let mut conflicts = Vec::new();
        let mut plurals = HashMap::new();
        #[cfg(feature = "cel")]
        let mut cel = HashMap::new();
        #[cfg_attr(not(feature = "cel"), allow(unused_mut))]
        let mut cel_findings: Vec<crate::vocab::Finding> = Vec::new();
        for (_, mut defs) in by_kind {
            let best = (0..defs.len())
                .max_by(|&a, &b| {
                    crd::preference(&defs[a].1)
                        .cmp(&crd::preference(&defs[b].1))
                        .then(b.cmp(&a))
                })
                .expect("at least one definition");
            let (chosen, versions) = defs.swap_remove(best);
            for (other, other_versions) in &defs {
                let differs = other_versions.len() != versions.len()
                    || other_versions
                        .iter()
                        .zip(&versions)
                        .any(|(a, b)| a.api_version != b.api_version || a.schema != b.schema || a.served != b.served);
                if differs {
                    let doc = &chosen.doc;
                    let message = format!(
                        "this CRD defines {} again, differently from `{}` (line {}); custom resources are validated against that copy (newest served version `{}`)",
                        versions[0].kind,
                        doc.file.path.display(),
                        doc.file.position(chosen.node().span.start).line,
                        crd::newest_served(&versions).unwrap_or("none"),
                    );
                    conflicts.push(finding_at(
                        &CRD_CONFLICT,
                        CRD_CONFLICT.severity,
                        other,
                        "/spec/versions",
                        At::Key,
                        message,
                    ));
                }
            }
            if let Some(plural) = chosen.node().pointer("/spec/names/plural").and_then(Node::as_str) {
                let group = versions[0].api_version.split_once('/').map_or("", |(g, _)| g);
                plurals.insert((group.to_string(), versions[0].kind.clone()), plural.to_string());
            }
            for v in versions {
                #[cfg(feature = "cel")]
                if let (true, Some(source)) = (v.served, &v.cel) {
                    let rules =
                        cel::CrdRules::compile(source, &v.api_version, &v.kind, Some(chosen), &mut cel_findings);
                    if !rules.is_empty() {
                        cel.insert(key(&v.api_version, &v.kind), Arc::new(rules));
                    }
                }
                let (group, version) = v.api_version.split_once('/').unwrap_or_default();
                if v.served {
                    crd_versions
                        .entry((group.to_string(), v.kind.clone()))
                        .or_default()
                        .push(version.to_string());
                }
                crds.insert(key(&v.api_version, &v.kind), v);
            }
        }
        let group_kinds = crds
            .values()
            .map(|v| {
                let group = v.api_version.split_once('/').map_or("", |(g, _)| g);
                (group.to_string(), v.kind.clone())
            })
            .collect();
        #[cfg(feature = "cel")]
        let policies = policy::Policies::of(
            inventory
                .of_kind("admissionregistration.k8s.io", "ValidatingAdmissionPolicy")
                .chain(inventory.of_kind("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding")),
            &mut cel_findings,
        );
        // Versions sharing one schema report a broken rule once.
        cel_findings.sort_by(|a, b| (&a.file.path, &a.path).cmp(&(&b.file.path, &b.path)));
        cel_findings.dedup_by(|a, b| a.file.path == b.file.path && a.path == b.path);
        CrdSchemas {
            crds,
            conflicts,
            crd_versions,
            group_kinds,
            cache: ValidatorCache::default(),
            plurals,
            #[cfg(feature = "cel")]
            cel,
            #[cfg(feature = "cel")]
            policies,
            cel_findings,
        }
    }
}

fn crd_docs(path: &Path) -> Result<Vec<crate::load::Document>, String> {
    let loaded = crate::load::load_path(path, crate::load::DEFAULT_MAX_FILE_SIZE);
    if let Some(f) = loaded.findings.iter().find(|f| f.severity == Severity::Error) {
        return Err(format!(
            "{}:{}:{}: {}",
            path.display(),
            f.start.line,
            f.start.column,
            f.message
        ));
    }
    Ok(loaded.documents)
}

#[cfg(feature = "cel")]
impl Given {
    /// Compiles the CEL rules of the given CRDs and the given policies (`docs`).
    fn of(docs: Vec<crate::load::Document>) -> Given {
        let mut given = Given::default();
        let objects: Vec<Object> = docs
            .into_iter()
            .map(|d| Object::new(d, "default", crate::model::builtin_cluster_scoped, &[]))
            .collect();
        for o in &objects {
            if o.kind != "CustomResourceDefinition" {
                continue;
            }
            if let Some(plural) = o.node().pointer("/spec/names/plural").and_then(Node::as_str)
                && let Some(kind) = o.node().pointer("/spec/names/kind").and_then(Node::as_str)
            {
                let group = o
                    .node()
                    .pointer("/spec/group")
                    .and_then(Node::as_str)
                    .unwrap_or_default();
                given
                    .plurals
                    .insert((group.to_string(), kind.to_string()), plural.to_string());
            }
            for v in crd::versions(o.node()) {
                if let (true, Some(source)) = (v.served, &v.cel) {
                    let rules = cel::CrdRules::compile(source, &v.api_version, &v.kind, Some(o), &mut given.findings);
                    if !rules.is_empty() {
                        given.rules.insert(key(&v.api_version, &v.kind), Arc::new(rules));
                    }
                }
            }
        }
        given.policies = policy::Policies::of(&objects, &mut given.findings);
        given
            .findings
            .sort_by(|a, b| (&a.file.path, &a.path).cmp(&(&b.file.path, &b.path)));
        given
            .findings
            .dedup_by(|a, b| a.file.path == b.file.path && a.path == b.path);
        given
    }
}

fn load_crd_files(
    path: &Path,
    into: &mut HashMap<String, Value>,
    docs: &mut Vec<crate::load::Document>,
) -> Result<(), String> {
    let files = if path.is_dir() {
        crate::load::discover::discover(&[path.to_path_buf()], &Default::default())?.files
    } else if path.is_file() {
        vec![path.to_path_buf()]
    } else {
        return Err(format!("--crd {}: no such file or folder", path.display()));
    };
    for file in files {
        for doc in crd_docs(&file)? {
            if doc.root.get("kind").and_then(Node::as_str) == Some("CustomResourceDefinition") {
                for v in crd::versions(&doc.root) {
                    if let (true, Some(schema)) = (v.served, v.schema) {
                        into.insert(key(&v.api_version, &v.kind), schema);
                    }
                }
                docs.push(doc);
            }
        }
    }
    Ok(())
}

/// `deployment-apps-v1.json` → (`apps/v1`, `Deployment`) is not recoverable (kind case), so
/// file names only help when the schema names its GVK; otherwise the name gives
/// `<kind>-<group>-<version>` matched case-insensitively at lookup.
fn load_schema_dir(
    dir: &Path,
    into: &mut HashMap<String, Value>,
    docs: &mut Vec<crate::load::Document>,
) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("--schema-dir {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => {
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                let schema: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
                let gvks: Vec<(String, String)> = match schema.get("x-kubernetes-group-version-kind") {
                    Some(Value::Array(list)) => list.iter().filter_map(gvk_of).collect(),
                    Some(one @ Value::Object(_)) => gvk_of(one).into_iter().collect(),
                    _ => Vec::new(),
                };
                if gvks.is_empty() {
                    return Err(format!(
                        "{}: a schema in --schema-dir must name its kind in `x-kubernetes-group-version-kind`",
                        path.display()
                    ));
                }
                for (api, kind) in gvks {
                    into.insert(key(&api, &kind), schema.clone());
                }
            }
            Some("yaml" | "yml") => load_crd_files(&path, into, docs)?,
            _ => {}
        }
    }
    Ok(())
}

fn gvk_of(v: &Value) -> Option<(String, String)> {
    let group = v.get("group").and_then(Value::as_str).unwrap_or_default();
    let version = v.get("version")?.as_str()?;
    let kind = v.get("kind")?.as_str()?;
    let api = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some((api, kind.to_string()))
}

/// The schemas of one run.
pub struct RunSchemas<'a> {
    base: &'a Schemas,
    crds: Arc<CrdSchemas>,
}

/// What schema checking found out about an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    Validated,
    /// No schema was found: counted in the summary.
    NoSchema,
    /// The schema rules are all off (`--only` other rules, or disabled in the config): the
    /// object was not validated, and no schema was looked up or compiled for it.
    Skipped,
}

impl RunSchemas<'_> {
    /// CRDs of the run that define a kind again, differently (`crd-conflict` findings).
    pub fn crd_conflicts(&self) -> &[crate::vocab::Finding] {
        &self.crds.conflicts
    }

    /// The bundled CRDs, when they decide about this kind: they are on, define its group
    /// and kind, and neither a CRD of the run nor a user schema defines it.
    fn bundled_for(&self, api_version: &str, kind: &str) -> Option<&'static bundled::Bundled> {
        // No bundled CRD defines a kind in a built-in API group version.
        if !self.base.bundled || self.base.archive.has_api_version(api_version) {
            return None;
        }
        let b = bundled::Bundled::get();
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let gk = (group.to_string(), kind.to_string());
        if !b.knows(group, kind) || self.crds.group_kinds.contains(&gk) || self.base.user_kinds.contains(&gk) {
            return None;
        }
        Some(b)
    }

    /// `cel-compile-error` findings on the run's CRDs and policies and the given ones,
    /// with their settings applied: reported once per run.
    pub fn cel_findings<'s>(&self, settings: &dyn Fn(&str) -> &'s RuleSettings) -> Vec<crate::vocab::Finding> {
        #[cfg(feature = "cel")]
        let given = self.base.given.findings.iter();
        #[cfg(not(feature = "cel"))]
        let given = std::iter::empty();
        self.crds
            .cel_findings
            .iter()
            .chain(given)
            .filter_map(|f| {
                let s = settings(&f.rule);
                s.enabled.then(|| {
                    let mut f = f.clone();
                    f.severity = s.severity;
                    f
                })
            })
            .collect()
    }

    /// The compiled CEL rules for custom resources of `api_version` `kind`: of the run's
    /// CRD, else the given one, else the bundled one (compiled when first needed).
    #[cfg(feature = "cel")]
    fn cel_rules(&self, api_version: &str, kind: &str) -> Option<Arc<cel::CrdRules>> {
        let k = key(api_version, kind);
        if self.crds.crds.contains_key(&k) {
            return self.crds.cel.get(&k).cloned();
        }
        if self.base.user.contains_key(&k) {
            return self.base.given.rules.get(&k).cloned();
        }
        let b = self.bundled_for(api_version, kind)?;
        let mut cache = self.base.bundled_cel.lock().expect("bundled CEL cache lock");
        cache
            .entry(k)
            .or_insert_with(|| {
                let mut schema = b.openapi_schema(api_version, kind)?.clone();
                // `status` is not checked for bundled kinds (see `Bundled::schema`).
                if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
                    props.remove("status");
                }
                let source = crd::CelSource {
                    schema,
                    pointer: String::new(),
                };
                // Bundled CRDs are known to compile (no CRD object to report on).
                let rules = cel::CrdRules::compile(&source, api_version, kind, None, &mut Vec::new());
                (!rules.is_empty()).then(|| Arc::new(rules))
            })
            .clone()
    }

    /// Evaluates the admission policies of the run and the given ones on `object`.
    #[cfg_attr(not(feature = "cel"), allow(unused_variables))]
    pub fn check_policies<'s>(
        &self,
        object: &Object,
        inventory: &Inventory,
        settings: &dyn Fn(&str) -> &'s RuleSettings,
        out: &mut Vec<crate::vocab::Finding>,
    ) {
        #[cfg(feature = "cel")]
        {
            if self.crds.policies.is_empty() && self.base.given.policies.is_empty() {
                return;
            }
            let gk = (object.group.clone(), object.kind.clone());
            let resource = self
                .crds
                .plurals
                .get(&gk)
                .or_else(|| self.base.given.plurals.get(&gk))
                .cloned()
                .unwrap_or_else(|| policy::builtin_plural(&object.kind));
            let target = policy::Target {
                object,
                resource,
                inventory,
            };
            policy::check(
                &[&self.crds.policies, &self.base.given.policies],
                &target,
                settings,
                out,
            );
        }
    }

    fn validator(&self, api_version: &str, kind: &str) -> Option<Result<Arc<validate::Compiled>, String>> {
        let k = key(api_version, kind);
        if let Some(v) = self.crds.crds.get(&k).filter(|v| v.served) {
            return self.crds.cache.get(&k, || v.schema.clone());
        }
        if let Some(schema) = self.base.user.get(&k) {
            return self.base.user_cache.get(&k, || Some(schema.clone()));
        }
        if let Some(b) = self.bundled_for(api_version, kind) {
            return self.base.bundled_cache.get(&k, || b.schema(api_version, kind));
        }
        self.base.builtin.get(&k, || {
            let mut schema = self.base.archive.schema(api_version, kind)?;
            validate::add_integer_ranges(&mut schema);
            Some(schema)
        })
    }

    /// Runs the schema rules on one object. `settings` gives each rule's effective settings.
    #[cfg_attr(not(feature = "cel"), allow(unused_assignments))]
    pub fn check<'s>(
        &self,
        object: &Object,
        settings: &dyn Fn(&str) -> &'s RuleSettings,
        out: &mut Vec<crate::vocab::Finding>,
    ) -> Checked {
        // The fix of the next finding reported, if it has one.
        let next_fix: std::cell::Cell<Option<crate::vocab::Fix>> = std::cell::Cell::new(None);
        let mut report = |rule: &'static RuleInfo, pointer: &str, at: At, message: String| {
            let s = settings(rule.id);
            if s.enabled {
                let mut f = finding_at(rule, s.severity, object, pointer, at, message);
                f.fix = next_fix.take().map(Box::new);
                out.push(f);
            }
        };
        check_metadata(object, &mut report);
        // Rules that are off cost nothing: with `--only` naming other rules, no schema is
        // looked up, compiled or walked.
        // CEL rules run only on objects the schema found valid: they need the validation too.
        let validating = [
            &SCHEMA_VIOLATION,
            &UNKNOWN_FIELD,
            &UNKNOWN_KIND,
            &cel::CRD_VALIDATION_RULE,
            &cel::CEL_COST_EXCEEDED,
            &cel::CEL_EVALUATION_ERROR,
        ]
        .iter()
        .any(|rule| settings(rule.id).enabled);
        if settings(SCHEMA_VIOLATION.id).enabled && object.doc.file.may_hold_non_finite() {
            check_non_finite(object.node(), &mut report);
        }
        let (api, kind) = (object.api_version.as_str(), object.kind.as_str());
        let target = &self.base.archive.version;
        match deprecations::status(api, kind, target) {
            deprecations::Status::Removed(d) => {
                let instead = d.advice();
                // The fix: the replacement's apiVersion, where its schema is the same.
                if let Some(to) = d
                    .replacement
                    .as_deref()
                    .filter(|_| deprecations::same_schema(api, kind))
                {
                    next_fix.set(crate::model::edit::fix_for(
                        object,
                        format!("Replace `{api}` with `{to}`"),
                        crate::vocab::Applicability::Safe,
                        |e| e.replace("/apiVersion", crate::model::edit::NewValue::str(to)),
                    ));
                }
                report(
                    &REMOVED_API,
                    "/apiVersion",
                    At::Value,
                    format!(
                        "{api} {kind} was removed in Kubernetes {}{instead}",
                        d.removed_in.as_deref().unwrap_or("?")
                    ),
                );
                return Checked::NoSchema;
            }
            deprecations::Status::Deprecated(d) => {
                let instead = d.advice();
                let removal = d
                    .removed_in
                    .as_deref()
                    .map(|r| format!(" and removed in {r}"))
                    .unwrap_or_default();
                report(
                    &DEPRECATED_API,
                    "/apiVersion",
                    At::Value,
                    format!(
                        "{api} {kind} is deprecated since Kubernetes {}{removal}{instead}",
                        d.deprecated_in
                    ),
                );
            }
            deprecations::Status::Current => {}
        }
        if let Some(b) = self.bundled_for(api, kind) {
            let group = object.group.as_str();
            match b.status(group, &object.version, kind) {
                bundled::Status::NotServed { info, newest } => {
                    // A warning, not removed-api's error: whether the cluster still serves
                    // the version depends on the operator release installed there, which the
                    // input does not show (the bundled CRD is the newest pinned release).
                    report(
                        &DEPRECATED_API,
                        "/apiVersion",
                        At::Value,
                        format!(
                            "{api} {kind} is not served by {} (`served: false` in its CRD){}; clusters with that release or later reject it: use {group}/{newest}",
                            info.source,
                            info.warning
                                .as_deref()
                                .map(|w| format!(": {}", w.trim_end_matches('.')))
                                .unwrap_or_default()
                        ),
                    );
                    return Checked::NoSchema;
                }
                bundled::Status::Absent { source, newest } => {
                    report(
                        &DEPRECATED_API,
                        "/apiVersion",
                        At::Value,
                        format!(
                            "{api} {kind} is not a version of the {kind} CRD of {source} (removed, or never defined); clusters with that release or later reject it: use {group}/{newest}"
                        ),
                    );
                    return Checked::NoSchema;
                }
                bundled::Status::Served { info, newest } if info.deprecated => {
                    let warning = info
                        .warning
                        .as_deref()
                        .map(|w| format!(": {}", w.trim_end_matches('.')))
                        .unwrap_or_default();
                    let instead = if newest == object.version {
                        String::new()
                    } else {
                        format!("; use {group}/{newest}")
                    };
                    report(
                        &DEPRECATED_API,
                        "/apiVersion",
                        At::Value,
                        format!("{api} {kind} is deprecated in {}{warning}{instead}", info.source),
                    );
                }
                _ => {}
            }
        }
        if !validating {
            return Checked::Skipped;
        }
        let compiled = match self.validator(api, kind) {
            Some(Ok(c)) => c,
            Some(Err(e)) => {
                report(
                    &UNKNOWN_KIND,
                    "/kind",
                    At::Value,
                    format!("the schema for {api} {kind} does not compile: {e}"),
                );
                return Checked::NoSchema;
            }
            None => {
                report(&UNKNOWN_KIND, "/kind", At::Value, self.why_unknown(object));
                return Checked::NoSchema;
            }
        };
        let decoded = validate::as_decoded(object.node());
        #[cfg_attr(not(feature = "cel"), allow(unused_mut, unused_variables))]
        let mut invalid = false;
        for p in validate::problems(&compiled, &decoded) {
            match p {
                Problem::UnknownField {
                    pointer,
                    field,
                    suggestion,
                } => {
                    let hint = suggestion.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                    let parent = validate::dotted(&pointer[..pointer.rfind('/').unwrap_or(0)]);
                    report(
                        &UNKNOWN_FIELD,
                        &pointer,
                        At::Key,
                        format!("`{field}` is not a field of `{parent}` in {api} {kind}{hint}"),
                    );
                }
                Problem::Missing { pointer, field } => {
                    let (at_pointer, at) = if pointer.is_empty() {
                        ("/kind".to_string(), At::Key)
                    } else {
                        (pointer.clone(), At::Key)
                    };
                    let message = if pointer.is_empty() {
                        format!("missing required field `{field}`")
                    } else {
                        format!("`{}`: missing required field `{field}`", validate::dotted(&pointer))
                    };
                    report(&SCHEMA_VIOLATION, &at_pointer, at, message);
                    invalid = true;
                }
                Problem::Invalid { pointer, expected } => {
                    invalid = true;
                    report(
                        &SCHEMA_VIOLATION,
                        &pointer,
                        At::Value,
                        format!("`{}`: {expected}", validate::dotted(&pointer)),
                    );
                }
            }
        }
        // CEL rules run on objects of the right shape (the API server runs them after the
        // schema; a wrong type would only turn into evaluation errors).
        #[cfg(feature = "cel")]
        if !invalid && let Some(rules) = self.cel_rules(api, kind) {
            rules.check(&decoded, &mut report);
        }
        Checked::Validated
    }

    fn why_unknown(&self, object: &Object) -> String {
        let (api, kind) = (object.api_version.as_str(), object.kind.as_str());
        let archive = self.base.archive;
        if archive.has_api_version(api) {
            let kinds = archive.kinds_of(api);
            let hint = kinds
                .iter()
                .map(|k| {
                    (
                        crate::vocab::suggest::strsim(&k.to_lowercase(), &kind.to_lowercase()),
                        *k,
                    )
                })
                .filter(|(d, _)| *d <= 3)
                .min()
                .map(|(_, k)| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            return format!("{api} has no kind `{kind}` in Kubernetes {}{hint}", archive.version);
        }
        if let Some(served) = self.crds.crd_versions.get(&(object.group.clone(), kind.to_string())) {
            return format!(
                "the CRD for {kind}.{} does not serve version `{}` (served: {})",
                object.group,
                object.version,
                served.join(", ")
            );
        }
        format!("no schema for {api} {kind}: give its CRD with --crd, or a schema with --schema-dir")
    }
}

type Reporter<'r> = dyn FnMut(&'static RuleInfo, &str, At, String) + 'r;

/// `.inf` and `.nan` are YAML floats that JSON cannot carry: kubectl fails to convert
/// the document ("json: unsupported value: +Inf"), and the validator would see `null`.
fn check_non_finite(node: &Node, report: &mut Reporter<'_>) {
    // The pointer is built only for a hit: this walks every object.
    enum Step<'n> {
        Key(&'n str),
        Index(usize),
    }
    fn walk<'n>(node: &'n Node, path: &mut Vec<Step<'n>>, report: &mut Reporter<'_>) {
        match &node.value {
            crate::load::Value::Float(f) if !f.is_finite() => {
                let mut pointer = String::new();
                for step in path.iter() {
                    match step {
                        Step::Key(k) => pointer = crate::load::node::pointer_push(&pointer, k),
                        Step::Index(i) => pointer.push_str(&format!("/{i}")),
                    }
                }
                let literal = if f.is_nan() {
                    ".nan"
                } else if *f > 0.0 {
                    ".inf"
                } else {
                    "-.inf"
                };
                report(
                    &SCHEMA_VIOLATION,
                    &pointer,
                    At::Value,
                    format!(
                        "`{}`: `{literal}` is not a number JSON can carry; kubectl cannot send this object",
                        validate::dotted(&pointer)
                    ),
                );
            }
            crate::load::Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    walk(item, path, report);
                    path.pop();
                }
            }
            crate::load::Value::Map(entries) => {
                for e in entries {
                    path.push(Step::Key(&e.key));
                    walk(&e.value, path, report);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    walk(node, &mut Vec::new(), report);
}

fn check_metadata(object: &Object, report: &mut Reporter<'_>) {
    let Some(meta) = object.node().get("metadata") else {
        return;
    };
    if let Some(name) = meta.get("name").and_then(Node::as_str)
        && let Some(why) = crate::model::names::name_rule(&object.group, &object.kind)(name)
    {
        report(
            &INVALID_METADATA,
            "/metadata/name",
            At::Value,
            format!("name `{name}` {why}"),
        );
    }
    if let Some(ns) = meta.get("namespace").and_then(Node::as_str)
        && let Some(why) = crate::model::names::dns1123_label(ns)
    {
        report(
            &INVALID_METADATA,
            "/metadata/namespace",
            At::Value,
            format!("namespace `{ns}` {why}"),
        );
    }
    for e in meta.get("labels").and_then(Node::as_map).unwrap_or_default() {
        let pointer = crate::load::node::pointer_push("/metadata/labels", &e.key);
        if let Some(why) = crate::model::names::qualified_name(&e.key) {
            report(
                &INVALID_METADATA,
                &pointer,
                At::Key,
                format!("label key `{}`: {why}", e.key),
            );
        }
        if let Some(v) = crate::model::scalar_text(&e.value)
            && let Some(why) = crate::model::names::label_value(&v)
        {
            report(
                &INVALID_METADATA,
                &pointer,
                At::Value,
                format!("label `{}` value `{v}` {why}", e.key),
            );
        }
    }
    let mut size = 0;
    for e in meta.get("annotations").and_then(Node::as_map).unwrap_or_default() {
        size += e.key.len() + crate::model::scalar_text(&e.value).map_or(0, |v| v.len());
        if let Some(why) = crate::model::names::qualified_name(&e.key) {
            let pointer = crate::load::node::pointer_push("/metadata/annotations", &e.key);
            report(
                &INVALID_METADATA,
                &pointer,
                At::Key,
                format!("annotation key `{}`: {why}", e.key),
            );
        }
    }
    if size > crate::model::names::ANNOTATIONS_MAX_BYTES {
        report(
            &INVALID_METADATA,
            "/metadata/annotations",
            At::Key,
            format!(
                "annotations total {size} bytes, over the {}-byte limit",
                crate::model::names::ANNOTATIONS_MAX_BYTES
            ),
        );
    }
}
