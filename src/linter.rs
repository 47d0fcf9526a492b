//! The pipeline: discover → load → inventory → check → report.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, ConfigError};
use crate::finding::{Finding, Severity};
use crate::model::{IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION, Inventory, Object};
use crate::rules::context::ObjectScratch;
use crate::rules::{self, Context, Rule, RuleInfo, RuleSettings};
use crate::schema::{self, RunSchemas, SchemaOptions, Schemas};
use crate::source::discover::{DiscoverOptions, discover};
use crate::source::{self, Loaded, SourceFile, Span};

/// One input: a path on disk (file or folder), text with a name, or raw bytes with a
/// name (stdin).
#[derive(Clone, Debug)]
pub enum Input {
    Path(PathBuf),
    Text {
        name: String,
        text: String,
    },
    /// A stream as read (stdin): bounded by the run's `max_file_size`, decoded per
    /// document (a document that is not UTF-8 is a finding, the others are checked), and
    /// left out when `name` matches an exclude pattern.
    Bytes {
        name: String,
        bytes: Vec<u8>,
    },
}

/// Options of a run that are not rule settings.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub hidden: bool,
    pub no_ignore: bool,
    pub max_file_size: u64,
    /// Extra exclude globs (added to the config's).
    pub exclude: Vec<String>,
    /// Run only these object rules (enabling them if they are off by default); input
    /// rules always run. Empty: every enabled rule.
    pub only: Vec<String>,
    /// Target Kubernetes version (overrides the config's).
    pub kubernetes_version: Option<String>,
    /// `Some(false)` turns `unknown-field` off (overrides the config's `strict`).
    pub strict: Option<bool>,
    /// More CRD files or folders (added to the config's).
    pub crds: Vec<PathBuf>,
    /// More schema folders (added to the config's).
    pub schema_dirs: Vec<PathBuf>,
    /// Folders of Rhai rule scripts (added to the config's `ruleDirs`).
    pub rule_dirs: Vec<PathBuf>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            hidden: false,
            no_ignore: false,
            max_file_size: source::DEFAULT_MAX_FILE_SIZE,
            exclude: Vec::new(),
            only: Vec::new(),
            kubernetes_version: None,
            strict: None,
            crds: Vec::new(),
            schema_dirs: Vec::new(),
            rule_dirs: Vec::new(),
        }
    }
}

/// Counts for the end of a report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub objects: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    /// Objects for which no schema was found (their kind is reported as `unknown-kind`).
    pub without_schema: usize,
    #[serde(skip)]
    pub elapsed: Duration,
}

/// The result of a run: findings in report order, the suppressed ones apart.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Finding>,
    pub summary: Summary,
}

impl Report {
    /// Whether any finding is at or above `threshold`.
    pub fn has_findings_at(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= threshold)
    }
}

/// A configured linter: build once, use for many runs, from many threads.
///
/// ```
/// use kubelint::{Config, Linter};
///
/// let linter = Linter::new(Config::default()).unwrap();
/// let report = linter.lint_str(
///     "pod.yaml",
///     "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: web\n    image: nginx:latest\n",
/// );
/// let f = report.findings.iter().find(|f| &*f.rule == "latest-tag").unwrap();
/// assert_eq!((f.start.line, f.start.column), (7, 12));
/// assert_eq!(f.path, "/spec/containers/0/image");
/// ```
pub struct Linter {
    config: Config,
    options: RunOptions,
    rules: Vec<Box<dyn Rule>>,
    catalog: Vec<&'static RuleInfo>,
    settings: HashMap<&'static str, RuleSettings>,
    schemas: Schemas,
    /// Scripts that do not compile, reported in every run.
    script_errors: Vec<Finding>,
}

impl Linter {
    /// A linter with the built-in rules. Fails on unknown rule ids and parameters.
    pub fn new(config: Config) -> Result<Linter, ConfigError> {
        Linter::with_options(config, RunOptions::default())
    }

    pub fn with_options(config: Config, options: RunOptions) -> Result<Linter, ConfigError> {
        Linter::with_rules(config, options, Vec::new())
    }

    /// A linter with extra rules written in Rust (see `examples/custom_rule.rs`): each is a
    /// [`Rule`] with a `&'static` [`RuleInfo`], configured, documented and reported like the
    /// built-in ones.
    pub fn with_rules(config: Config, options: RunOptions, extra: Vec<Box<dyn Rule>>) -> Result<Linter, ConfigError> {
        let mut rules = rules::builtin_rules();
        rules.extend(extra);
        let reserved: Vec<&str> = rules::catalog(&rules).iter().map(|r| r.id).collect();
        let dirs: Vec<PathBuf> = config.rule_dirs.iter().chain(&options.rule_dirs).cloned().collect();
        let scripts =
            rules::script::load_all(&dirs, &reserved).map_err(|message| ConfigError { origin: None, message })?;
        rules.extend(scripts.rules.into_iter().map(|r| Box::new(r) as Box<dyn Rule>));
        let script_errors = scripts.errors;
        let catalog = rules::catalog(&rules);
        let mut settings: HashMap<&'static str, RuleSettings> = catalog
            .iter()
            .map(|info| (info.id, RuleSettings::defaults(info)))
            .collect();
        for (id, rc) in &config.rules {
            let Some(info) = catalog.iter().find(|i| i.id == id) else {
                let mut known: Vec<_> = catalog.iter().map(|i| i.id).collect();
                known.sort_by_key(|k| strsim(k, id));
                return Err(ConfigError {
                    origin: rc.origin.clone(),
                    message: format!("unknown rule `{id}` (did you mean `{}`?)", known[0]),
                });
            };
            let s = settings.get_mut(info.id).expect("every catalog rule has settings");
            if let Some(e) = rc.enabled {
                s.enabled = e;
            }
            if let Some(sev) = rc.severity {
                s.severity = sev;
            }
            for (name, value) in &rc.params {
                if !info.params.iter().any(|p| p.name == name) {
                    let names: Vec<_> = info.params.iter().map(|p| p.name).collect();
                    return Err(ConfigError {
                        origin: rc.origin.clone(),
                        message: format!(
                            "rule `{id}` has no parameter `{name}` (its parameters: {})",
                            if names.is_empty() {
                                "none".to_string()
                            } else {
                                names.join(", ")
                            }
                        ),
                    });
                }
                s.params.insert(name.clone(), value.clone());
            }
        }
        let schema_options = SchemaOptions {
            kubernetes_version: options
                .kubernetes_version
                .clone()
                .or_else(|| config.kubernetes_version.clone())
                .unwrap_or_else(|| crate::schema::archive::DEFAULT_VERSION.to_string()),
            crds: config.crds.iter().chain(&options.crds).cloned().collect(),
            schema_dirs: config.schema_dirs.iter().chain(&options.schema_dirs).cloned().collect(),
        };
        let schemas = Schemas::new(&schema_options).map_err(|message| ConfigError { origin: None, message })?;
        let excludes: Vec<String> = config.exclude.iter().chain(&options.exclude).cloned().collect();
        source::discover::build_excludes(&excludes).map_err(|message| ConfigError { origin: None, message })?;
        if !options.only.is_empty() {
            for id in &options.only {
                if !catalog.iter().any(|i| i.id == id) {
                    return Err(ConfigError {
                        origin: None,
                        message: format!("--only: unknown rule `{id}`"),
                    });
                }
            }
            let object_rules = rules
                .iter()
                .map(|r| r.info().id)
                .chain(crate::schema::ALL.iter().map(|r| r.id));
            for id in object_rules.collect::<Vec<_>>() {
                settings.get_mut(id).expect("every rule has settings").enabled = options.only.iter().any(|o| o == id);
            }
        }
        // Strictness last: `--no-strict` wins over `--only unknown-field`.
        if options.strict.or(config.strict) == Some(false) {
            settings
                .get_mut("unknown-field")
                .expect("unknown-field is a catalog rule")
                .enabled = false;
        }
        Ok(Linter {
            config,
            options,
            rules,
            catalog,
            settings,
            schemas,
            script_errors,
        })
    }

    /// Every rule's metadata, input rules first.
    pub fn rules(&self) -> &[&'static RuleInfo] {
        &self.catalog
    }

    /// A rule's effective settings.
    pub fn settings(&self, id: &str) -> Option<&RuleSettings> {
        self.settings.get(id)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The schemas this linter validates against.
    pub fn schemas(&self) -> &Schemas {
        &self.schemas
    }

    /// Lints files and folders (folders are walked in parallel). A path that does not
    /// exist or cannot be read is an `unreadable-file` finding.
    pub fn lint_paths<P: AsRef<std::path::Path>>(&self, paths: &[P]) -> Report {
        let inputs: Vec<Input> = paths.iter().map(|p| Input::Path(p.as_ref().to_path_buf())).collect();
        self.lint(&inputs, false)
            .expect("exclude patterns were checked when the linter was built")
    }

    /// Lints one text (a file's contents, stdin); `name` is the path reports show.
    pub fn lint_str(&self, name: &str, text: &str) -> Report {
        self.lint_inputs(&[Input::Text {
            name: name.to_string(),
            text: text.to_string(),
        }])
        .expect("no walk, so no exclude patterns to fail")
    }

    /// Lints one object given as JSON (from an API response, an admission request, another
    /// tool). Positions refer to the value pretty-printed as JSON.
    pub fn lint_value(&self, name: &str, value: &serde_json::Value) -> Report {
        let text = serde_json::to_string_pretty(value).expect("a JSON value serialises");
        self.lint_str(name, &text)
    }

    /// Lints any mix of paths, texts and streams. Fails on a path given in `inputs` that
    /// does not exist or cannot be read (what the command line calls a usage error);
    /// files found by walking a folder that cannot be read are findings.
    pub fn lint_inputs(&self, inputs: &[Input]) -> Result<Report, ConfigError> {
        self.lint(inputs, true)
    }

    /// `strict`: a path in `inputs` that cannot be read is an error, not a finding.
    fn lint(&self, inputs: &[Input], strict: bool) -> Result<Report, ConfigError> {
        let started = Instant::now();
        let options = self.discover_options();
        let max = self.options.max_file_size;
        let mut roots = Vec::new();
        let mut loaded: Vec<Loaded> = Vec::new();
        for input in inputs {
            match input {
                Input::Path(p) => roots.push(p.clone()),
                Input::Text { name, text } => {
                    loaded.push(source::load_file(Arc::new(SourceFile::new(name, text.clone()))));
                }
                Input::Bytes { name, bytes } => {
                    let excludes = source::discover::build_excludes(&options.exclude)
                        .map_err(|message| ConfigError { origin: None, message })?;
                    if !source::discover::is_excluded(&excludes, std::path::Path::new(name)) {
                        loaded.push(source::load_bytes(name, bytes.clone(), max));
                    }
                }
            }
        }
        let mut files = loaded.len();
        if !roots.is_empty() {
            let found = discover(&roots, &options).map_err(|message| ConfigError { origin: None, message })?;
            let unreadable = |path: PathBuf, message: String| {
                let file = Arc::new(SourceFile::new(path, String::new()));
                let rule = &rules::input::UNREADABLE_FILE;
                Loaded {
                    findings: vec![Finding::new(rule, rule.severity, message, &file, Span::default())],
                    ..Loaded::default()
                }
            };
            if strict && let Some((path, message)) = found.unreadable_roots.first() {
                return Err(ConfigError {
                    origin: None,
                    message: format!("{}: {message}", path.display()),
                });
            }
            for (path, message) in found.errors.into_iter().chain(found.unreadable_roots) {
                loaded.push(unreadable(path, message));
            }
            files += found.named.len() + found.files.len();
            let named: Vec<Result<Loaded, String>> = found
                .named
                .par_iter()
                .map(|p| match source::load_named(p, max) {
                    Err(message) if strict => Err(format!("{}: {message}", p.display())),
                    Err(message) => Ok(unreadable(p.clone(), message)),
                    Ok(l) => Ok(l),
                })
                .collect();
            for n in named {
                loaded.push(n.map_err(|message| ConfigError { origin: None, message })?);
            }
            loaded.par_extend(found.files.par_iter().map(|p| source::load_path(p, max)));
        }
        Ok(self.check(loaded, files, started, Vec::new()))
    }

    /// The walk's options: the config's and the run's excludes, hidden files, ignore files.
    fn discover_options(&self) -> DiscoverOptions {
        DiscoverOptions {
            exclude: self
                .config
                .exclude
                .iter()
                .chain(&self.options.exclude)
                .cloned()
                .collect(),
            hidden: self.options.hidden,
            no_ignore: self.options.no_ignore,
        }
    }

    /// Loads the objects of a repository to judge other objects against (cross-object
    /// rules: selectors, references, network policies, mTLS), e.g. for the admission webhook.
    pub fn load_context(&self, paths: &[PathBuf]) -> Result<Vec<crate::source::Document>, ConfigError> {
        let options = self.discover_options();
        let found = discover(paths, &options).map_err(|message| ConfigError { origin: None, message })?;
        if let Some((path, message)) = found.unreadable_roots.first().or(found.errors.first()) {
            return Err(ConfigError {
                origin: None,
                message: format!("context {}: {message}", path.display()),
            });
        }
        let max = self.options.max_file_size;
        let loaded: Vec<Loaded> = found
            .named
            .par_iter()
            .chain(&found.files)
            .map(|p| source::load_path(p, max))
            .collect();
        Ok(loaded.into_iter().flat_map(|l| l.documents).collect())
    }

    /// Lints one text with `context` objects in the inventory: only the text's objects
    /// are checked, against everything.
    pub fn lint_in_context(&self, context: &[crate::source::Document], name: &str, text: &str) -> Report {
        let started = Instant::now();
        let loaded = source::load_file(Arc::new(SourceFile::new(name, text.to_string())));
        self.check(vec![loaded], 1, started, context.to_vec())
    }

    /// Lints already-loaded files; `context` objects join the inventory but are not checked.
    fn check(
        &self,
        loaded: Vec<Loaded>,
        files: usize,
        started: Instant,
        context: Vec<crate::source::Document>,
    ) -> Report {
        let mut findings = self.script_errors.clone();
        let mut documents = Vec::new();
        let mut documents_read = 0;
        for l in loaded {
            findings.extend(l.findings);
            documents.extend(l.documents);
            documents_read += l.documents_read;
        }
        let namespace = self.config.namespace.as_deref().unwrap_or("default");
        let focus = documents.len();
        documents.extend(context);
        let inventory = Arc::new(Inventory::build(documents, namespace));
        let active: Vec<(&dyn Rule, &RuleSettings)> = self
            .rules
            .iter()
            .map(|r| (r.as_ref(), &self.settings[r.info().id]))
            .filter(|(_, s)| s.enabled)
            .collect();
        attach_objects(&mut findings, &inventory);
        let schemas = self.schemas.for_run(&inventory);
        let settings = |id: &str| &self.settings[id];
        let per_object: Vec<Checked> = inventory.objects[..focus]
            .par_iter()
            .map(|o| check_object(o, &inventory, &schemas, &settings, &active))
            .collect();
        let mut suppressed = Vec::new();
        let mut without_schema = 0;
        for c in per_object {
            findings.extend(c.reported);
            suppressed.extend(c.suppressed);
            without_schema += usize::from(c.schema == schema::Checked::NoSchema);
        }
        // Input findings: apply the config's switches and severities.
        findings.retain(|f| self.settings.get(&*f.rule).is_none_or(|s| s.enabled));
        for f in &mut findings {
            if let Some(s) = self.settings.get(&*f.rule) {
                f.severity = s.severity;
            }
        }
        sort_dedup(&mut findings);
        sort_dedup(&mut suppressed);
        once_per_kind_and_file(&mut findings);
        let count = |sev| findings.iter().filter(|f| f.severity == sev).count();
        let summary = Summary {
            files,
            documents: documents_read,
            objects: focus,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            suppressed: suppressed.len(),
            without_schema,
            elapsed: started.elapsed(),
        };
        Report {
            findings,
            suppressed,
            summary,
        }
    }
}

/// Load findings inside an object's document (a duplicate key, an alias limit) name
/// the object: the one of that file and document whose prefix starts the path.
fn attach_objects(findings: &mut [Finding], inventory: &Inventory) {
    let mut by_doc: HashMap<(*const SourceFile, usize), Vec<&Object>> = HashMap::new();
    for o in &inventory.objects {
        by_doc
            .entry((Arc::as_ptr(&o.doc.file), o.doc.index))
            .or_default()
            .push(o);
    }
    for f in findings.iter_mut().filter(|f| f.object.is_none()) {
        let Some(index) = f.document else { continue };
        let Some(objects) = by_doc.get(&(Arc::as_ptr(&f.file), index)) else {
            continue;
        };
        let owner = objects
            .iter()
            .filter(|o| {
                let p = &o.doc.prefix;
                f.path
                    .strip_prefix(p.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .max_by_key(|o| o.doc.prefix.len());
        if let Some(o) = owner {
            f.object = Some(o.reference());
        }
    }
}

/// What checking one object produced.
struct Checked {
    reported: Vec<Finding>,
    suppressed: Vec<Finding>,
    schema: schema::Checked,
}

/// Runs the schema rules and every active rule on one object.
fn check_object<'s>(
    object: &Object,
    inventory: &Arc<Inventory>,
    schemas: &RunSchemas<'_>,
    settings: &dyn Fn(&str) -> &'s RuleSettings,
    active: &[(&dyn Rule, &RuleSettings)],
) -> Checked {
    let mut out = Vec::new();
    let schema = schemas.check(object, settings, &mut out);
    let scratch = ObjectScratch::default();
    for (rule, settings) in active {
        let mut cx = Context::new(rule.info(), settings, object, &mut out);
        cx.shared = Some(inventory);
        cx.scratch = Some(&scratch);
        rule.check(object, inventory, &mut cx);
    }
    let ignored = if out.is_empty() {
        Vec::new()
    } else {
        object.ignored_rules()
    };
    if ignored.is_empty() {
        return Checked {
            reported: out,
            suppressed: Vec::new(),
            schema,
        };
    }
    let reason = object
        .ignore_reason()
        .unwrap_or_else(|| format!("{IGNORE_ANNOTATION} annotation (no {IGNORE_REASON_ANNOTATION} given)"));
    let (reported, mut suppressed): (Vec<Finding>, Vec<Finding>) = out
        .into_iter()
        .partition(|f| !ignored.iter().any(|i| i == &*f.rule || i == "all" || i == "*"));
    for f in &mut suppressed {
        f.suppression = Some(reason.clone());
    }
    Checked {
        reported,
        suppressed,
        schema,
    }
}

/// `unknown-kind` is reported once per kind and file (the first object of it).
fn once_per_kind_and_file(findings: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| {
        &*f.rule != schema::UNKNOWN_KIND.id
            || seen.insert((
                f.file.path.clone(),
                f.object.as_ref().map(|o| (o.api_version.clone(), o.kind.clone())),
            ))
    });
}

fn sort_dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.report_order(b));
    findings.dedup_by(|a, b| a.report_order(b).is_eq() && a.object == b.object);
}

/// Edit distance, for "did you mean".
pub(crate) fn strsim(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn linter_is_send_and_sync() {
        assert_send_sync::<Linter>();
        assert_send_sync::<Report>();
    }

    #[test]
    fn unknown_rules_and_params_are_config_errors() {
        let c = Config::parse(std::path::Path::new("k.yaml"), "rules:\n  latest-tg: off\n").unwrap();
        let e = Linter::new(c).err().unwrap();
        assert!(e.to_string().contains("did you mean `latest-tag`"), "{e}");
        assert_eq!(e.origin.unwrap().position.line, 2);
        let c = Config::parse(
            std::path::Path::new("k.yaml"),
            "rules:\n  latest-tag:\n    params: {x: 1}\n",
        )
        .unwrap();
        assert!(Linter::new(c).err().unwrap().message.contains("no parameter `x`"));
    }

    fn only(rules: &[&str], config: Config) -> Linter {
        let options = RunOptions {
            only: rules.iter().map(|r| r.to_string()).collect(),
            ..RunOptions::default()
        };
        Linter::with_options(config, options).unwrap()
    }

    #[test]
    fn only_restricts_object_rules_but_keeps_input_rules() {
        let linter = only(&["host-pid"], Config::default());
        let r = linter.lint_str(
            "x.yaml",
            "a: [
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {hostPID: true, containers: [{name: a, image: x}]}
",
        );
        let rules: Vec<&str> = r.findings.iter().map(|f| &*f.rule).collect();
        assert_eq!(rules, vec!["yaml-syntax", "host-pid"]);
        let err = Linter::with_options(
            Config::default(),
            RunOptions {
                only: vec!["nope".into()],
                ..RunOptions::default()
            },
        );
        assert!(err.err().unwrap().message.contains("unknown rule `nope`"));
    }

    #[test]
    fn suppression_by_annotation() {
        let linter = only(&["latest-tag", "privileged-container"], Config::default());
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      annotations:\n        kubelint.dev/ignore: \"latest-tag\"\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        securityContext: {privileged: true}\n";
        let r = linter.lint_str("d.yaml", text);
        assert_eq!(r.findings.len(), 1);
        assert_eq!(&*r.findings[0].rule, "privileged-container");
        assert_eq!(r.suppressed.len(), 1);
        assert_eq!(r.summary.suppressed, 1);
        assert!(
            r.suppressed[0]
                .suppression
                .as_deref()
                .unwrap()
                .contains("no kubelint.dev/ignore-reason given")
        );
    }

    #[test]
    fn a_bad_exclude_glob_fails_the_build_not_the_run() {
        let bad = |config: Config, exclude: Vec<String>| {
            let options = RunOptions {
                exclude,
                ..RunOptions::default()
            };
            Linter::with_options(config, options).err().map(|e| e.message)
        };
        let e = bad(Config::default(), vec!["a[".into()]).expect("an error, not a linter that panics later");
        assert!(e.contains("invalid exclude pattern `a[`"), "{e}");
        let c = Config::parse(std::path::Path::new("k.yaml"), "exclude: [\"b[\"]\n").unwrap();
        assert!(bad(c, Vec::new()).is_some_and(|e| e.contains("`b[`")));
    }

    #[test]
    fn named_paths_that_cannot_be_read_fail_lint_inputs_but_are_findings_for_lint_paths() {
        let linter = only(&["latest-tag"], Config::default());
        let missing = std::path::PathBuf::from("/no/such/kubelint/input.yaml");
        let e = linter.lint_inputs(&[Input::Path(missing.clone())]).err().unwrap();
        assert!(
            e.message.starts_with("/no/such/kubelint/input.yaml: cannot read path"),
            "{e}"
        );
        let r = linter.lint_paths(&[&missing]);
        assert_eq!(r.findings.len(), 1);
        assert_eq!(&*r.findings[0].rule, "unreadable-file");
    }

    #[test]
    fn config_disables_and_overrides() {
        let c = Config::parse(
            std::path::Path::new("k.yaml"),
            "rules:\n  not-a-manifest: off\n  latest-tag: error\n",
        )
        .unwrap();
        let linter = only(&["latest-tag"], c);
        let r = linter.lint_str(
            "x.yaml",
            "foo: 1\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: x}]}\n",
        );
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].severity, Severity::Error);
    }
}
