//! Rules about the input itself. The loader emits them; they have no check function.

use crate::vocab::{Family, RuleInfo, Severity};

pub static YAML_SYNTAX: RuleInfo = RuleInfo {
    id: "yaml-syntax",
    family: Family::Input,
    severity: Severity::Error,
    enabled: true,
    title: "The file is not valid YAML or JSON",
    rationale: "kubectl and the API server reject a document they cannot parse, and every check after the error is blind to it. kubelint reports the error at its position and resumes at the next `---` document.",
    default_reason: "Error: kubectl cannot parse the file, so nothing in it can be applied.",
    remediation: "Fix the syntax at the reported position (indentation, an unclosed bracket or quote, a tab used for indentation). If the file is a Helm or other template, lint its rendered output instead.",
    example_bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata: [unclosed\n",
    example_good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: closed\n",
    params: &[],
    kinds: &[],
    example_config: "",
    security_severity: None,
    fixable: None,
};

pub static DUPLICATE_KEY: RuleInfo = RuleInfo {
    id: "duplicate-key",
    family: Family::Input,
    severity: Severity::Error,
    enabled: true,
    title: "A mapping repeats a key",
    rationale: "With a repeated key only one value survives: kubectl's strict decoding rejects the document, and lenient tools silently keep the last value, so what you read is not what is applied.",
    default_reason: "Error: the API server's decoder (and kubectl) rejects a repeated key in strict mode, and where accepted the last value silently wins.",
    remediation: "Remove one of the two keys, or merge their values.",
    example_bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  name: settings-v2\n",
    example_good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-v2\n",
    params: &[],
    kinds: &[],
    example_config: "",
    security_severity: None,
    fixable: None,
};

pub static ALIAS_LIMIT: RuleInfo = RuleInfo {
    id: "alias-limit",
    family: Family::Input,
    severity: Severity::Error,
    enabled: true,
    title: "YAML aliases expand beyond the limit",
    rationale: "Nested aliases can expand exponentially (the \"billion laughs\" attack) and exhaust the memory of every tool that reads the file. kubelint stops expanding and reads further aliases as null.",
    default_reason: "Error: an alias expansion this large is a denial-of-service input (\"billion laughs\"); kubectl refuses it.",
    remediation: "Write the repeated structure out, or use fewer levels of aliases.",
    example_bad: "",
    example_good: "",
    params: &[],
    kinds: &[],
    example_config: "",
    security_severity: None,
    fixable: None,
};

pub static NOT_A_MANIFEST: RuleInfo = RuleInfo {
    id: "not-a-manifest",
    family: Family::Input,
    severity: Severity::Info,
    enabled: true,
    title: "A document is not a Kubernetes object",
    rationale: "A YAML document without `apiVersion` and `kind` (a values file, a CI config) is not a Kubernetes object, so no check applies to it. kubelint says so instead of skipping it silently.",
    default_reason: "Info: a YAML file that is not an object is usually a values file or test data; worth knowing, not worth failing on.",
    remediation: "Nothing to fix if the file is not meant to be a manifest: exclude it with `--exclude` or `exclude:` in `.kubelint.yaml`, or disable this rule.",
    example_bad: "replicaCount: 3\nimage: nginx\n",
    example_good: "",
    params: &[],
    kinds: &[],
    example_config: "",
    security_severity: None,
    fixable: None,
};

pub static MISSING_TYPE_META: RuleInfo = RuleInfo {
    id: "missing-type-meta",
    family: Family::Input,
    severity: Severity::Error,
    enabled: true,
    title: "An object has `kind` without `apiVersion`, or the reverse",
    rationale: "The API server needs both `apiVersion` and `kind` to know what an object is; with one missing the object is rejected and no other check can run on it.",
    default_reason: "Error: the API server rejects an object without `apiVersion` and `kind`.",
    remediation: "Add the missing field, e.g. `apiVersion: v1` for a ConfigMap or `apps/v1` for a Deployment.",
    example_bad: "kind: ConfigMap\nmetadata:\n  name: web\ndata:\n  mode: fast\n",
    example_good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  mode: fast\n",
    params: &[],
    kinds: &[],
    example_config: "",
    security_severity: None,
    fixable: None,
};

pub static SKIPPED_FILE: RuleInfo = RuleInfo {
    id: "skipped-file",
    family: Family::Input,
    severity: Severity::Info,
    enabled: true,
    title: "A Kustomization, Helm or test-harness file was recognised and skipped",
    rationale: "Kustomization files and Helm charts are recipes for manifests, not manifests: their objects only exist once rendered. kuttl and chainsaw test definitions drive a test run and are never applied. kubelint notes each one it skips so nothing is skipped silently.",
    default_reason: "Info: says what kubelint did not check (a Kustomization, a test definition), so nothing is skipped silently.",
    remediation: "Lint the rendered output: `kustomize build DIR | kubelint check -` or `helm template CHART | kubelint check -`. Nothing to fix in a test definition.",
    example_bad: "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n",
    example_good: "",
    params: &[],
    kinds: &[],
    example_config: "",
    security_severity: None,
    fixable: None,
};

pub static PARTIAL_OBJECT: RuleInfo = RuleInfo {
    id: "partial-object",
    family: Family::Input,
    severity: Severity::Info,
    enabled: true,
    title: "A document is a fragment of an object (a patch or a test assertion), not an object",
    rationale: "A Kustomize patch, a `$patch` directive and a kuttl or chainsaw assertion file hold only the fields they change or compare: required fields, probes and resources are absent on purpose, and the object they name exists only after rendering or in a live cluster. Checking them as whole objects reports what is not wrong. kubelint recognises them, checks their YAML, and says so.",
    default_reason: "Info: says a document is a fragment (a patch, an assertion) checked as YAML only, so nothing is skipped silently.",
    remediation: "Nothing to fix: a fragment is checked when it is whole. To check the objects that patches produce, lint the rendered output (`kustomize build DIR | kubelint check -`); a test assertion describes a live object and is never applied.",
    example_bad: "",
    example_good: "",
    params: &[],
    example_config: "",
    security_severity: None,
    fixable: None,
    kinds: &[],
};

pub static APPLY_CONFIGURATION: RuleInfo = RuleInfo {
    id: "apply-configuration",
    family: Family::Input,
    severity: Severity::Warning,
    enabled: true,
    title: "A workload has neither a pod template nor a selector: it can only change an existing object",
    rationale: "A Deployment, StatefulSet, DaemonSet, Job or CronJob that sets some `spec` fields but has no pod template and no selector is not a whole object: `kubectl apply` (client- or server-side) of it updates the fields of an existing object, and creating it fails. Repositories hold such apply configurations on purpose (scaling, history limits, server-side-apply tests), and excerpts from documentation look the same. kubelint cannot tell which from the file, so it says what the document can and cannot do, once, instead of reporting the missing fields as errors, and checks it as YAML only.",
    default_reason: "Warning: the API server rejects the document on create but accepts it as an update of an existing object; the input does not show which is meant (2 server-side-apply fixtures of the shared corpus were whole-object errors before).",
    remediation: "If the document is meant to create the workload, add `spec.selector` and `spec.template`; if it changes an existing one, keep it and suppress this rule for the file's object with a reason, or name it as a patch in a kustomization.",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n",
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    params: &[],
    example_config: "",
    security_severity: None,
    fixable: None,
    kinds: &[],
};

pub static UNREADABLE_FILE: RuleInfo = RuleInfo {
    id: "unreadable-file",
    family: Family::Input,
    severity: Severity::Error,
    enabled: true,
    title: "A file could not be read",
    rationale: "A file that cannot be read (permissions, a symlink loop, over the size limit, not UTF-8 text) would otherwise go unchecked without anyone knowing.",
    default_reason: "Error: a file that cannot be read cannot be checked; failing says so instead of passing an unchecked repository.",
    remediation: "Fix the file's permissions or encoding (save it as UTF-8), raise `--max-file-size`, or exclude the path.",
    example_bad: "",
    example_good: "",
    params: &[],
    kinds: &[],
    example_config: "",
    security_severity: None,
    fixable: None,
};

pub static UNICODE_LINE_BREAK: RuleInfo = RuleInfo {
    id: "unicode-line-break",
    family: Family::Input,
    severity: Severity::Error,
    enabled: true,
    title: "An invisible Unicode line break outside a quoted string",
    rationale: "kubectl and the API server read YAML with go-yaml (YAML 1.1), for which U+0085 (NEXT LINE), U+2028 (LINE SEPARATOR) and U+2029 (PARAGRAPH SEPARATOR) end a line; editors, reviewers and YAML 1.2 tools show them as nothing at all. So `# note<U+2028>privileged: true` looks like a comment in review but sets `privileged: true` in the cluster. kubelint reads the file as kubectl does (the hidden key is checked like any other) and reports every such character outside a quoted string.",
    default_reason: "Error: parsers disagree on these line breaks, so what a reviewer reads is not what the API server gets.",
    remediation: "Delete the character, or write a real line break if one is meant. Inside a quoted string the character is kept as text and is not reported.",
    example_bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings # owner: web\u{2028}  namespace: kube-system\ndata:\n  mode: fast\n",
    example_good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings # owner: web\ndata:\n  mode: fast\n",
    params: &[],
    kinds: &[],
    example_config: "",
    security_severity: Some("8.0"),
    fixable: None,
};

/// Reported by the engine (it knows the rule ids), on the annotation's value.
pub static UNKNOWN_RULE_IN_IGNORE: RuleInfo = RuleInfo {
    id: "unknown-rule-in-ignore",
    family: Family::Input,
    severity: Severity::Warning,
    title: "An ignore annotation names a rule that does not exist",
    rationale: "`kubelint.dev/ignore` silences the rules it names, so a misspelled id (`latset-tag`) silences nothing: the finding it was meant to silence stays, or comes back once the object changes, and the annotation looks like a reviewed exception that is not there.",
    default_reason: "Warning: a misspelled rule id in an ignore annotation suppresses nothing, which a reviewer wants to know.",
    remediation: "Correct the rule id in `kubelint.dev/ignore` (`kubelint rules` lists them), or remove it; ids are separated by commas, and `all` silences every rule.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    kubelint.dev/ignore: latset-tag\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    kubelint.dev/ignore: latest-tag\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    ..RuleInfo::BASE
};

/// Every input rule, in documentation order.
pub static ALL: [&RuleInfo; 11] = [
    &YAML_SYNTAX,
    &DUPLICATE_KEY,
    &UNICODE_LINE_BREAK,
    &ALIAS_LIMIT,
    &NOT_A_MANIFEST,
    &MISSING_TYPE_META,
    &SKIPPED_FILE,
    &PARTIAL_OBJECT,
    &APPLY_CONFIGURATION,
    &UNREADABLE_FILE,
    &UNKNOWN_RULE_IN_IGNORE,
];
