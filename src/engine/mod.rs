//! The pipeline: discover → load → inventory → check → report.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rayon::prelude::*;

pub mod baseline;
pub(crate) mod config;

use self::config::{Config, ConfigError};
use crate::load::discover::{DiscoverOptions, discover};
use crate::load::{self, Loaded, SourceFile, Span};
use crate::model::finding_at;
use crate::model::{IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION, Inventory, Object};
use crate::rules::context::ObjectScratch;
use crate::rules::{self, At, Context, Rule, RuleInfo, RuleRun, RuleSettings};
use crate::schema::{self, CrdSchemas, RunSchemas, SchemaOptions, Schemas};
use crate::vocab::limits::{Dropped, FindingLimits, Ranked, Smallest};
use crate::vocab::suggest::did_you_mean;
use crate::vocab::{Finding, Report, RuleState, Severity, Summary};

/// One input: a path on disk (file or folder), text with a name, or raw bytes with a
/// name (stdin). The name is the path reports show (and what `kustomization.yaml` and
/// exclude patterns see).
///
/// ```
/// use kubelint::{Config, Input, Linter};
///
/// let linter = Linter::new(Config::default()).unwrap();
/// let report = linter
///     .lint_inputs(&[
///         Input::text("deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"),
///         Input::bytes("svc.yaml", b"apiVersion: v1\nkind: Service\nmetadata: {name: web}\n".to_vec()),
///     ])
///     .unwrap();
/// assert_eq!(report.summary.files, 2);
/// assert_eq!(report.summary.objects, 2);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Input {
    /// A file or a folder (walked: `.yaml`, `.yml` and `.json` files, ignore files honoured).
    Path(PathBuf),
    /// A document stream already decoded.
    Text {
        /// The path reports show.
        name: String,
        /// The YAML or JSON text.
        text: String,
    },
    /// A stream as read (stdin): bounded by the run's `max_file_size`, decoded per
    /// document (a document that is not UTF-8 is a finding, the others are checked), and
    /// left out when `name` matches an exclude pattern.
    Bytes {
        /// The path reports show.
        name: String,
        /// The bytes as read.
        bytes: Vec<u8>,
    },
}

impl Input {
    /// A file or folder on disk.
    pub fn path(path: impl Into<PathBuf>) -> Input {
        Input::Path(path.into())
    }

    /// Text named `name`.
    pub fn text(name: impl Into<String>, text: impl Into<String>) -> Input {
        Input::Text {
            name: name.into(),
            text: text.into(),
        }
    }

    /// Bytes named `name` (decoded per document; see [`Input::Bytes`]).
    pub fn bytes(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Input {
        Input::Bytes {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

/// Options of a linter that are not rule settings: what the command line adds to the
/// config. Start from [`RunOptions::default`] and chain the setters; fields may be added
/// in any release, so a struct literal is not possible outside kubelint.
///
/// ```
/// use kubelint::{Config, Linter, RunOptions};
///
/// let options = RunOptions::default()
///     .only(["latest-tag"])
///     .kubernetes_version("1.35")
///     .max_findings_per_object(10);
/// let linter = Linter::with_options(Config::default(), options).unwrap();
/// assert_eq!(linter.limits().findings_per_object, 10);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RunOptions {
    /// Walk hidden files and folders too.
    pub hidden: bool,
    /// Ignore `.gitignore`, `.ignore` and `.kubelintignore` files.
    pub no_ignore: bool,
    /// Larger files are an `unreadable-file` finding instead of being read.
    pub max_file_size: u64,
    /// Extra exclude globs (added to the config's), relative to the working directory.
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
    /// Folders of Rhai rule scripts (added to the config's `ruleDirs`; feature `scripts`).
    pub rule_dirs: Vec<PathBuf>,
    /// Rhai rule scripts given as text: (name, text), loaded after the folders' (feature
    /// `scripts`).
    pub scripts: Vec<(PathBuf, String)>,
    /// Findings of one rule on one object (overrides the config's `limits`).
    pub max_findings_per_object: Option<usize>,
    /// Findings of one rule in one run (overrides the config's `limits`).
    pub max_findings_per_run: Option<usize>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            hidden: false,
            no_ignore: false,
            max_file_size: load::DEFAULT_MAX_FILE_SIZE,
            exclude: Vec::new(),
            only: Vec::new(),
            kubernetes_version: None,
            strict: None,
            crds: Vec::new(),
            schema_dirs: Vec::new(),
            rule_dirs: Vec::new(),
            scripts: Vec::new(),
            max_findings_per_object: None,
            max_findings_per_run: None,
        }
    }
}

impl RunOptions {
    /// Walk hidden files and folders too.
    pub fn hidden(mut self, hidden: bool) -> Self {
        self.hidden = hidden;
        self
    }

    /// Ignore `.gitignore`, `.ignore` and `.kubelintignore` files.
    pub fn no_ignore(mut self, no_ignore: bool) -> Self {
        self.no_ignore = no_ignore;
        self
    }

    /// The largest file read (bytes).
    pub fn max_file_size(mut self, bytes: u64) -> Self {
        self.max_file_size = bytes;
        self
    }

    /// Adds an exclude glob.
    pub fn exclude(mut self, pattern: impl Into<String>) -> Self {
        self.exclude.push(pattern.into());
        self
    }

    /// Runs only these object rules (see [`RunOptions::only`](RunOptions#structfield.only)).
    pub fn only<I, S>(mut self, rules: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.only = rules.into_iter().map(Into::into).collect();
        self
    }

    /// The target Kubernetes version (`"1.37"`).
    pub fn kubernetes_version(mut self, version: impl Into<String>) -> Self {
        self.kubernetes_version = Some(version.into());
        self
    }

    /// `false` turns `unknown-field` off.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = Some(strict);
        self
    }

    /// Adds a CRD file or folder.
    pub fn crd(mut self, path: impl Into<PathBuf>) -> Self {
        self.crds.push(path.into());
        self
    }

    /// Adds a folder of JSON schemas.
    pub fn schema_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.schema_dirs.push(path.into());
        self
    }

    /// Adds a folder of Rhai rule scripts (feature `scripts`; without it, building the
    /// linter fails).
    pub fn rule_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.rule_dirs.push(path.into());
        self
    }

    /// Adds a Rhai rule script given as text; `name` is the path its findings show
    /// (feature `scripts`; without it, building the linter fails). A script that does not
    /// compile is a `rule-error` finding in every run; one whose `meta()` is invalid fails
    /// the build of the linter.
    pub fn script(mut self, name: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        self.scripts.push((name.into(), text.into()));
        self
    }

    /// Findings of one rule kept on one object.
    pub fn max_findings_per_object(mut self, n: usize) -> Self {
        self.max_findings_per_object = Some(n);
        self
    }

    /// Findings of one rule kept in one run.
    pub fn max_findings_per_run(mut self, n: usize) -> Self {
        self.max_findings_per_run = Some(n);
        self
    }
}

/// The findings of one file, handed over by [`Linter::lint_streaming`] as soon as the file
/// is checked.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FileFindings {
    /// The file's path, as reports show it.
    pub path: PathBuf,
    /// Its findings, in report order: loading problems and every object's findings, with
    /// the config's severities, without the suppressed ones, at most the limit per object
    /// for each rule (the run-wide limit applies to the final [`Report`] only).
    pub findings: Vec<Finding>,
}

/// Objects that other objects are judged against (the admission webhook's `--context`):
/// loaded, indexed and with their CRDs gathered once by [`Linter::load_context`] or
/// [`Linter::prepare_context`]. Share it (`Arc`) between threads and runs; a run in it
/// ([`Linter::lint_in_context`]) pays for its own objects only, not for the context's.
pub struct PreparedContext {
    inventory: Arc<Inventory>,
    crds: Arc<CrdSchemas>,
}

impl PreparedContext {
    /// How many objects the context holds.
    pub fn len(&self) -> usize {
        self.inventory.len()
    }

    /// Whether the context holds no object.
    pub fn is_empty(&self) -> bool {
        self.inventory.is_empty()
    }
}

/// A run that stopped before its end because its cancel flag was set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the run was cancelled")
    }
}

impl std::error::Error for Cancelled {}

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
    states: Arc<[RuleState]>,
    settings: HashMap<&'static str, RuleSettings>,
    schemas: Schemas,
    /// Scripts that do not compile, reported in every run.
    script_errors: Vec<Finding>,
    limits: FindingLimits,
}

impl Linter {
    /// A linter with the built-in rules. Fails on unknown rule ids and parameters.
    pub fn new(config: Config) -> Result<Linter, ConfigError> {
        Linter::with_options(config, RunOptions::default())
    }

    /// A linter with the built-in rules and `options` (what the command line adds).
    pub fn with_options(config: Config, options: RunOptions) -> Result<Linter, ConfigError> {
        Linter::with_rules(config, options, Vec::new())
    }

    /// A linter with extra rules written in Rust (see `examples/custom_rule.rs`): each is a
    /// [`Rule`] with a `&'static` [`RuleInfo`], configured, documented and reported like the
    /// built-in ones.
    pub fn with_rules(config: Config, options: RunOptions, extra: Vec<Box<dyn Rule>>) -> Result<Linter, ConfigError> {
        let mut rules = rules::builtin_rules();
        rules.extend(extra);
        let reserved: Vec<&str> = catalog(&rules).iter().map(|r| r.id).collect();
        let dirs: Vec<PathBuf> = config.rule_dirs.iter().chain(&options.rule_dirs).cloned().collect();
        #[cfg(feature = "scripts")]
        let script_errors = {
            let scripts = rules::script::load_all(&dirs, &options.scripts, &reserved)
                .map_err(|message| ConfigError { origin: None, message })?;
            rules.extend(scripts.rules.into_iter().map(|r| Box::new(r) as Box<dyn Rule>));
            scripts.errors
        };
        #[cfg(not(feature = "scripts"))]
        let script_errors = {
            if let Some(dir) = dirs.first() {
                return Err(ConfigError::new(format!(
                    "rule folder {}: kubelint was built without scripted rules (feature `scripts`)",
                    dir.display()
                )));
            }
            if let Some((name, _)) = options.scripts.first() {
                return Err(ConfigError::new(format!(
                    "rule script {}: kubelint was built without scripted rules (feature `scripts`)",
                    name.display()
                )));
            }
            let _ = &reserved;
            Vec::new()
        };
        let catalog = catalog(&rules);
        let mut settings: HashMap<&'static str, RuleSettings> = catalog
            .iter()
            .map(|info| (info.id, RuleSettings::defaults(info)))
            .collect();
        for (id, rc) in &config.rules {
            let Some(info) = catalog.iter().find(|i| i.id == id) else {
                return Err(ConfigError {
                    origin: rc.origin.clone(),
                    message: format!("unknown rule `{id}`{}", suggestion(id, catalog.iter().map(|i| i.id))),
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
                let Some(param) = info.params.iter().find(|p| p.name == name) else {
                    let names: Vec<_> = info.params.iter().map(|p| p.name).collect();
                    return Err(ConfigError {
                        origin: rc.origin.clone(),
                        message: format!(
                            "rule `{id}` has no parameter `{name}`{} (its parameters: {})",
                            suggestion(name, names.iter().copied()),
                            if names.is_empty() {
                                "none".to_string()
                            } else {
                                names.join(", ")
                            }
                        ),
                    });
                };
                if !param.ty.accepts(value) {
                    return Err(ConfigError {
                        origin: rc.origin.clone(),
                        message: format!(
                            "rule `{id}` parameter `{name}` must be {}, not {}",
                            param.ty.with_article(),
                            crate::vocab::ParamType::describe(value)
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
        load::discover::build_excludes(&config.exclude).map_err(|message| ConfigError { origin: None, message })?;
        load::discover::build_excludes(&options.exclude).map_err(|message| ConfigError { origin: None, message })?;
        if !options.only.is_empty() {
            for id in &options.only {
                if !catalog.iter().any(|i| i.id == id) {
                    return Err(ConfigError {
                        origin: None,
                        message: format!(
                            "--only: unknown rule `{id}`{}",
                            suggestion(id, catalog.iter().map(|i| i.id))
                        ),
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
        let limits = FindingLimits {
            findings_per_object: options
                .max_findings_per_object
                .or(config.limits.findings_per_object)
                .unwrap_or(crate::vocab::limits::DEFAULT_FINDINGS_PER_OBJECT),
            findings_per_run: options
                .max_findings_per_run
                .or(config.limits.findings_per_run)
                .unwrap_or(crate::vocab::limits::DEFAULT_FINDINGS_PER_RUN),
        };
        if limits.findings_per_object == 0 || limits.findings_per_run == 0 {
            return Err(ConfigError {
                origin: None,
                message: "the limits of findings per rule must be at least 1".into(),
            });
        }
        let states = catalog
            .iter()
            .map(|&info| {
                let s = &settings[info.id];
                RuleState {
                    info,
                    severity: s.severity,
                    enabled: s.enabled,
                }
            })
            .collect();
        Ok(Linter {
            config,
            options,
            rules,
            catalog,
            states,
            settings,
            schemas,
            script_errors,
            limits,
        })
    }

    /// The limits of findings per rule this linter applies.
    pub fn limits(&self) -> FindingLimits {
        self.limits
    }

    /// Every rule's metadata, input rules first.
    pub fn rules(&self) -> &[&'static RuleInfo] {
        &self.catalog
    }

    /// Every rule as this linter runs it (enabled or not, effective severity), in the
    /// order of [`Linter::rules`].
    pub fn rule_states(&self) -> &[RuleState] {
        &self.states
    }

    /// A rule's effective settings.
    pub fn settings(&self, id: &str) -> Option<&RuleSettings> {
        self.settings.get(id)
    }

    /// The config the linter was built from.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The schemas this linter validates against.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn schemas(&self) -> &Schemas {
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

    /// Lints like [`Linter::lint_inputs`], and hands each file's findings to `on_file` as
    /// soon as that file is checked, on the calling thread, while the other files are
    /// still being checked. Returns the same report as [`Linter::lint_inputs`].
    ///
    /// Order and guarantees:
    /// - all inputs are loaded first (cross-object rules need every object), then files
    ///   are checked in parallel; `on_file` is called once for every file that has objects
    ///   or findings, in the order the files finish (not a fixed order);
    /// - a [`FileFindings`] is complete: every finding of that file (loading problems and
    ///   all its objects' findings, cross-object ones included), in report order, with the
    ///   config's severities, suppressed ones left out;
    /// - what concerns the run as a whole comes last, in the returned [`Report`] only: the
    ///   run-wide limit per rule ([`FindingLimits::findings_per_run`]), `rule-error`s
    ///   about rule scripts, and the summary.
    ///
    /// ```
    /// use kubelint::{Config, Input, Linter};
    ///
    /// let linter = Linter::new(Config::default()).unwrap();
    /// let pod = |name: &str| format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec: {{containers: [{{name: a, image: nginx}}]}}\n");
    /// let inputs = [Input::text("a.yaml", pod("a")), Input::text("b.yaml", pod("b"))];
    /// let mut seen = Vec::new();
    /// let report = linter
    ///     .lint_streaming(&inputs, |file| seen.push((file.path, file.findings.len())))
    ///     .unwrap();
    /// seen.sort();
    /// assert_eq!(seen.len(), 2);
    /// assert_eq!(seen.iter().map(|(_, n)| n).sum::<usize>(), report.findings.len());
    /// ```
    ///
    /// [`FindingLimits::findings_per_run`]: crate::FindingLimits#structfield.findings_per_run
    pub fn lint_streaming(
        &self,
        inputs: &[Input],
        mut on_file: impl FnMut(FileFindings),
    ) -> Result<Report, ConfigError> {
        let started = Instant::now();
        let (loaded, files) = self.load_inputs(inputs, true)?;
        Ok(self
            .check(loaded, files, started, None, None, Some(&mut on_file))
            .expect("a run without a cancel flag is not cancelled"))
    }

    /// `strict`: a path in `inputs` that cannot be read is an error, not a finding.
    fn lint(&self, inputs: &[Input], strict: bool) -> Result<Report, ConfigError> {
        let started = Instant::now();
        let (loaded, files) = self.load_inputs(inputs, strict)?;
        Ok(self
            .check(loaded, files, started, None, None, None)
            .expect("a run without a cancel flag is not cancelled"))
    }

    /// Loads `inputs`: the files read, and how many there were.
    fn load_inputs(&self, inputs: &[Input], strict: bool) -> Result<(Vec<Loaded>, usize), ConfigError> {
        let options = self.discover_options();
        let max = self.options.max_file_size;
        let mut roots = Vec::new();
        let mut loaded: Vec<Loaded> = Vec::new();
        for input in inputs {
            match input {
                Input::Path(p) => roots.push(p.clone()),
                Input::Text { name, text } => {
                    loaded.push(load::load_file(Arc::new(SourceFile::new(name, text.clone()))));
                }
                Input::Bytes { name, bytes } => {
                    let excludes = load::discover::Excludes::new(&options)
                        .map_err(|message| ConfigError { origin: None, message })?;
                    if !excludes.matches(std::path::Path::new(name)) {
                        loaded.push(load::load_bytes(name, bytes.clone(), max));
                    }
                }
            }
        }
        let mut files = loaded.len();
        if !roots.is_empty() {
            let found = discover(&roots, &options).map_err(|message| ConfigError { origin: None, message })?;
            let unreadable = |path: PathBuf, message: String| {
                let file = Arc::new(SourceFile::new(path, String::new()));
                let rule = &load::problems::UNREADABLE_FILE;
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
                .map(|p| match load::load_named(p, max) {
                    Err(message) if strict => Err(format!("{}: {message}", p.display())),
                    Err(message) => Ok(unreadable(p.clone(), message)),
                    Ok(l) => Ok(l),
                })
                .collect();
            for n in named {
                loaded.push(n.map_err(|message| ConfigError { origin: None, message })?);
            }
            loaded.par_extend(found.files.par_iter().map(|p| load::load_path(p, max)));
        }
        Ok((loaded, files))
    }

    /// The walk's options: the config's and the run's excludes, hidden files, ignore files.
    fn discover_options(&self) -> DiscoverOptions {
        DiscoverOptions {
            exclude: self.options.exclude.clone(),
            // The config's patterns are relative to its folder.
            based_exclude: Some((
                self.config
                    .source
                    .as_deref()
                    .and_then(std::path::Path::parent)
                    .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf),
                self.config.exclude.clone(),
            )),
            hidden: self.options.hidden,
            no_ignore: self.options.no_ignore,
        }
    }

    /// Loads the objects of a repository to judge other objects against (cross-object
    /// rules: selectors, references, network policies, mTLS), e.g. for the admission
    /// webhook, and indexes them once. Fails when a path cannot be read.
    pub fn load_context(&self, paths: &[PathBuf]) -> Result<PreparedContext, ConfigError> {
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
            .map(|p| load::load_path(p, max))
            .collect();
        let patches = patch_files(&loaded);
        let documents = loaded
            .into_iter()
            .flat_map(|mut l| {
                mark_patches(&mut l, &patches);
                l.documents
            })
            .filter(|d| d.partial.is_none())
            .collect();
        Ok(self.context_of(documents))
    }

    /// A context of any inputs (paths, texts, bytes; see [`Linter::load_context`]).
    /// Documents that do not load are left out of it; a named path that cannot be read
    /// is an error.
    ///
    /// ```
    /// use kubelint::{Config, Input, Linter};
    ///
    /// let linter = Linter::new(Config::default()).unwrap();
    /// let context = linter
    ///     .prepare_context(&[Input::text("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n")])
    ///     .unwrap();
    /// assert_eq!(context.len(), 1);
    /// let report = linter.lint_in_context(&context, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n");
    /// assert_eq!(report.summary.objects, 1, "only the new object is checked");
    /// ```
    pub fn prepare_context(&self, inputs: &[Input]) -> Result<PreparedContext, ConfigError> {
        let (loaded, _) = self.load_inputs(inputs, true)?;
        Ok(self.context_of(loaded.into_iter().flat_map(|l| l.documents).collect()))
    }

    /// A context of documents already in memory (see [`Linter::load_context`]).
    pub(crate) fn context_of(&self, documents: Vec<crate::load::Document>) -> PreparedContext {
        let inventory = Arc::new(Inventory::build(documents, self.default_namespace()));
        let crds = Arc::new(CrdSchemas::of(&inventory));
        PreparedContext { inventory, crds }
    }

    /// Lints one text with the `context` objects in the inventory: only the text's objects
    /// are checked, against everything. A context object with the same group, kind,
    /// namespace and name as one of the text's is replaced by it (an update).
    pub fn lint_in_context(&self, context: &PreparedContext, name: &str, text: &str) -> Report {
        self.lint_in_context_cancellable(context, name, text, &AtomicBool::new(false))
            .expect("nothing sets this cancel flag")
    }

    /// [`Linter::lint_in_context`] that stops early, with `Err(Cancelled)`, once `cancel` is
    /// set (by another thread: a deadline, a client gone). The flag is read between
    /// stages and between rules, so a run stops within one rule's time on one object.
    pub fn lint_in_context_cancellable(
        &self,
        context: &PreparedContext,
        name: &str,
        text: &str,
        cancel: &AtomicBool,
    ) -> Result<Report, Cancelled> {
        let started = Instant::now();
        let loaded = load::load_file(Arc::new(SourceFile::new(name, text.to_string())));
        if cancel.load(Ordering::Relaxed) {
            return Err(Cancelled);
        }
        self.check(vec![loaded], 1, started, Some(context), Some(cancel), None)
    }

    /// Namespace for objects that name none.
    fn default_namespace(&self) -> &str {
        self.config.namespace.as_deref().unwrap_or("default")
    }

    /// Lints already-loaded files; `context` objects are in the inventory but are not
    /// checked. Stops early when `cancel` is set. With `stream`, files are checked one task
    /// each and handed over as each is done ([`Linter::lint_streaming`]).
    fn check(
        &self,
        loaded: Vec<Loaded>,
        files: usize,
        started: Instant,
        context: Option<&PreparedContext>,
        cancel: Option<&AtomicBool>,
        stream: Option<&mut dyn FnMut(FileFindings)>,
    ) -> Result<Report, Cancelled> {
        let mut findings = self.script_errors.clone();
        let mut documents = Vec::new();
        let mut documents_read = 0;
        let patches = patch_files(&loaded);
        for mut l in loaded {
            mark_patches(&mut l, &patches);
            findings.extend(l.findings);
            // One note per file of fragments, at the first, saying how many there are.
            let fragments = l.documents.iter().filter(|d| d.partial.is_some()).count();
            let mut noted = false;
            for d in l.documents {
                match &d.partial {
                    Some(reason) if !noted => {
                        findings.push(partial_note(&d, reason, fragments));
                        noted = true;
                    }
                    Some(_) => {}
                    None => documents.push(d),
                }
            }
            documents_read += l.documents_read;
        }
        let namespace = self.default_namespace();
        let inventory = Arc::new(match context {
            Some(c) => Inventory::over(Arc::clone(&c.inventory), documents, namespace),
            None => Inventory::build(documents, namespace),
        });
        let active: Vec<(&dyn Rule, &RuleSettings)> = self
            .rules
            .iter()
            .map(|r| (r.as_ref(), &self.settings[r.info().id]))
            .filter(|(_, s)| s.enabled)
            .collect();
        attach_objects(&mut findings, &inventory);
        // The context's CRDs were gathered once; a run that brings CRDs of its own gathers again.
        let schemas = match context {
            Some(c)
                if !inventory
                    .objects
                    .iter()
                    .any(|o| o.is("apiextensions.k8s.io", "CustomResourceDefinition")) =>
            {
                self.schemas.with_crds(Arc::clone(&c.crds))
            }
            _ => self.schemas.for_run(&inventory),
        };
        if context.is_none() {
            findings.extend(schemas.crd_conflicts().iter().cloned());
        }
        let settings = |id: &str| &self.settings[id];
        let known: Vec<&'static str> = self.settings.keys().copied().collect();
        let runs: Vec<RuleRun> = active.iter().map(|_| RuleRun::default()).collect();
        let limits = self.limits;
        // Per-object results are folded into bounded sets as they come, so a run holds at
        // most the limit per rule, however many objects it checks.
        let check_one = |o: &Object| {
            check_object(
                o, &inventory, &schemas, &settings, &active, &runs, limits, cancel, &known,
            )
        };
        let mut collected = match stream {
            None => inventory
                .objects
                .par_iter()
                .map(check_one)
                .try_fold(Collected::default, |mut acc, c| {
                    acc.add_checked(c?, self, limits);
                    Ok(acc)
                })
                .try_reduce(Collected::default, |a, b| Ok(a.merge(b, limits)))?,
            Some(on_file) => {
                let input_findings = &findings[self.script_errors.len()..];
                self.check_by_file(&inventory, input_findings, &check_one, on_file)?
            }
        };
        // Input findings (and scripts that do not compile).
        sort_dedup(&mut findings);
        for f in findings {
            collected.add(f, usize::MAX, false, self, limits);
        }
        let (findings, suppressed, dropped, suppressed_total, without_schema) = collected.finish(limits);
        let count = |sev| findings.iter().filter(|f| f.severity == sev).count();
        let summary = Summary {
            files,
            documents: documents_read,
            objects: inventory.objects.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            suppressed: suppressed_total,
            without_schema,
            dropped: dropped.iter().map(Dropped::total).sum(),
            elapsed: started.elapsed(),
            ..Summary::default()
        };
        Ok(Report {
            findings,
            suppressed,
            summary,
            dropped,
            limits,
            rules: Arc::clone(&self.states),
        })
    }
}

impl Linter {
    /// The findings a file's batch shows: the config's switches and severities applied,
    /// `rule-error`s (about scripts) left for the report.
    fn streamed(&self, f: &Finding) -> Option<Finding> {
        if &*f.rule == rules::RULE_ERROR.id {
            return None;
        }
        let mut f = f.clone();
        if let Some(s) = self.settings.get(&*f.rule) {
            if !s.enabled {
                return None;
            }
            f.severity = s.severity;
        }
        Some(f)
    }

    /// Checks the objects file by file (one task per file), hands each file's findings to
    /// `on_file` on this thread as each file is done, and collects them for the report.
    fn check_by_file(
        &self,
        inventory: &Inventory,
        input_findings: &[Finding],
        check_one: &(dyn Fn(&Object) -> Result<Checked, Cancelled> + Sync),
        on_file: &mut dyn FnMut(FileFindings),
    ) -> Result<Collected, Cancelled> {
        let limits = self.limits;
        // Files in input order: their objects and their loading findings.
        type Group<'o> = (Arc<SourceFile>, Vec<&'o Object>, Vec<&'o Finding>);
        let mut groups: Vec<Group<'_>> = Vec::new();
        let mut index: HashMap<*const SourceFile, usize> = HashMap::new();
        let mut group = |file: &Arc<SourceFile>| -> usize {
            *index.entry(Arc::as_ptr(file)).or_insert_with(|| {
                groups.push((Arc::clone(file), Vec::new(), Vec::new()));
                groups.len() - 1
            })
        };
        let objects: Vec<usize> = inventory.objects.iter().map(|o| group(&o.doc.file)).collect();
        let loading: Vec<usize> = input_findings.iter().map(|f| group(&f.file)).collect();
        for (o, g) in inventory.objects.iter().zip(objects) {
            groups[g].1.push(o);
        }
        for (f, g) in input_findings.iter().zip(loading) {
            groups[g].2.push(f);
        }
        let (tx, rx) = std::sync::mpsc::channel::<FileFindings>();
        std::thread::scope(|scope| {
            let worker = scope.spawn(move || {
                groups
                    .into_par_iter()
                    .map_with(tx, |tx, (file, objects, loading)| {
                        let mut acc = Collected::default();
                        let mut batch: Vec<Finding> = loading.iter().filter_map(|f| self.streamed(f)).collect();
                        for o in objects {
                            let checked = check_one(o)?;
                            batch.extend(checked.reported.iter().filter_map(|f| self.streamed(f)));
                            acc.add_checked(checked, self, limits);
                        }
                        sort_dedup(&mut batch);
                        // `unknown-kind` once per kind and file, as in the report.
                        let mut kinds = std::collections::HashSet::new();
                        batch.retain(|f| {
                            &*f.rule != schema::UNKNOWN_KIND.id
                                || kinds.insert(f.object.as_ref().map(|o| (o.api_version.clone(), o.kind.clone())))
                        });
                        // The receiver lives until every sender is gone.
                        let _ = tx.send(FileFindings {
                            path: file.path.clone(),
                            findings: batch,
                        });
                        Ok(acc)
                    })
                    .try_reduce(Collected::default, |a, b| Ok(a.merge(b, limits)))
            });
            for file in rx {
                on_file(file);
            }
            worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }
}

/// What the objects of a run produced, bounded: per rule, the first findings (in report
/// order) up to the limit per run, and counts of the others.
#[derive(Default)]
struct Collected {
    reported: HashMap<Arc<str>, Smallest>,
    suppressed: HashMap<Arc<str>, Smallest>,
    /// `rule-error`s, one per place and message, naming the first object (input order).
    rule_errors: HashMap<(PathBuf, u32, u32, String, String), Ranked>,
    /// `unknown-kind`, once per kind and file (the first object of it).
    unknown_kinds: HashMap<(PathBuf, Option<(String, String)>), Ranked>,
    /// Findings beyond the limit per object, by rule.
    per_object_dropped: HashMap<Arc<str>, u64>,
    /// Suppressed findings beyond the limits (counted in the summary's `suppressed`).
    suppressed_dropped: u64,
    without_schema: usize,
}

impl Collected {
    fn add_checked(&mut self, c: Checked, linter: &Linter, limits: FindingLimits) {
        for f in c.reported {
            self.add(f, c.object, false, linter, limits);
        }
        for f in c.suppressed {
            self.add(f, c.object, true, linter, limits);
        }
        for (rule, n) in c.dropped {
            *self.per_object_dropped.entry(rule).or_default() += n;
        }
        self.suppressed_dropped += c.suppressed_dropped;
        self.without_schema += usize::from(c.schema == schema::Checked::NoSchema);
    }

    /// Adds one finding: the config's switches and severities apply, then the limits.
    fn add(&mut self, mut f: Finding, object: usize, suppressed: bool, linter: &Linter, limits: FindingLimits) {
        if let Some(s) = linter.settings.get(&*f.rule) {
            if !s.enabled {
                return;
            }
            f.severity = s.severity;
        }
        let ranked = Ranked { finding: f, object };
        let f = &ranked.finding;
        if !suppressed && &*f.rule == rules::RULE_ERROR.id {
            let key = (
                f.file.path.clone(),
                f.span.start,
                f.span.end,
                f.message.clone(),
                f.path.clone(),
            );
            keep_first(self.rule_errors.entry(key), ranked, |r| r.object);
        } else if !suppressed && &*f.rule == schema::UNKNOWN_KIND.id {
            let key = (
                f.file.path.clone(),
                f.object.as_ref().map(|o| (o.api_version.clone(), o.kind.clone())),
            );
            keep_first(self.unknown_kinds.entry(key), ranked, |_| 0);
        } else {
            let sets = if suppressed {
                &mut self.suppressed
            } else {
                &mut self.reported
            };
            let rule = Arc::clone(&f.rule);
            sets.entry(rule).or_default().insert(limits.findings_per_run, ranked);
        }
    }

    fn merge(mut self, other: Collected, limits: FindingLimits) -> Collected {
        let cap = limits.findings_per_run;
        for (rule, set) in other.reported {
            self.reported.entry(rule).or_default().merge(cap, set);
        }
        for (rule, set) in other.suppressed {
            self.suppressed.entry(rule).or_default().merge(cap, set);
        }
        for (key, r) in other.rule_errors {
            keep_first(self.rule_errors.entry(key), r, |r| r.object);
        }
        for (key, r) in other.unknown_kinds {
            keep_first(self.unknown_kinds.entry(key), r, |_| 0);
        }
        for (rule, n) in other.per_object_dropped {
            *self.per_object_dropped.entry(rule).or_default() += n;
        }
        self.suppressed_dropped += other.suppressed_dropped;
        self.without_schema += other.without_schema;
        self
    }

    /// The findings and suppressed findings in report order, what was dropped by rule,
    /// the number of suppressed findings (kept or not), and objects without a schema.
    fn finish(mut self, limits: FindingLimits) -> (Vec<Finding>, Vec<Finding>, Vec<Dropped>, usize, usize) {
        let cap = limits.findings_per_run;
        let once: Vec<Ranked> = self
            .rule_errors
            .into_values()
            .chain(self.unknown_kinds.into_values())
            .collect();
        for r in once {
            let rule = Arc::clone(&r.finding.rule);
            self.reported.entry(rule).or_default().insert(cap, r);
        }
        let mut dropped: HashMap<Arc<str>, Dropped> = HashMap::new();
        for (rule, n) in self.per_object_dropped {
            dropped.entry(Arc::clone(&rule)).or_default().per_object += n;
        }
        let findings = sorted(self.reported, cap, &mut |rule, n| {
            if n > 0 {
                dropped.entry(Arc::clone(rule)).or_default().per_run += n;
            }
        });
        let mut suppressed_dropped = self.suppressed_dropped;
        let suppressed = sorted(self.suppressed, cap, &mut |_, n| suppressed_dropped += n);
        let mut dropped: Vec<Dropped> = dropped
            .into_iter()
            .map(|(rule, d)| Dropped {
                rule: rule.to_string(),
                ..d
            })
            .filter(|d| d.total() > 0)
            .collect();
        dropped.sort_by(|a, b| a.rule.cmp(&b.rule));
        let suppressed_total = suppressed.len() + suppressed_dropped as usize;
        (findings, suppressed, dropped, suppressed_total, self.without_schema)
    }
}

/// The kept findings of every rule, in report order; `dropped` learns what each rule left out.
fn sorted(sets: HashMap<Arc<str>, Smallest>, cap: usize, dropped: &mut dyn FnMut(&Arc<str>, u64)) -> Vec<Finding> {
    let mut all: Vec<Ranked> = Vec::new();
    for (rule, set) in sets {
        let (kept, n) = set.into_sorted(cap);
        dropped(&rule, n);
        all.extend(kept);
    }
    all.sort();
    let mut findings: Vec<Finding> = all.into_iter().map(|r| r.finding).collect();
    findings.dedup_by(|a, b| a.report_order(b).is_eq() && a.object == b.object);
    findings
}

/// Files that the run's Kustomizations and chainsaw tests name as fragments.
fn patch_files(loaded: &[Loaded]) -> HashMap<PathBuf, load::FragmentRef> {
    loaded
        .iter()
        .flat_map(|l| &l.fragment_files)
        .map(|p| (p.path.clone(), p.clone()))
        .collect()
}

/// Marks the documents of a file that a Kustomization names as a patch as fragments; a
/// JSON 6902 patch (a list of operations) is said to be one instead of "not a manifest".
fn mark_patches(l: &mut Loaded, patches: &HashMap<PathBuf, load::FragmentRef>) {
    let Some(path) = l
        .documents
        .first()
        .map(|d| &d.file.path)
        .or(l.findings.first().map(|f| &f.file.path))
    else {
        return;
    };
    let Some(fragment) = patches.get(&load::normalise(path)) else {
        return;
    };
    let reason: Arc<str> = Arc::from(format!(
        "{} (named in `{}`)",
        fragment.what,
        fragment.named_by.display()
    ));
    for d in &mut l.documents {
        d.partial.get_or_insert_with(|| Arc::clone(&reason));
    }
    for f in &mut l.findings {
        if &*f.rule == load::problems::NOT_A_MANIFEST.id {
            let rule = &load::problems::PARTIAL_OBJECT;
            let mut note = Finding::new(
                rule,
                rule.severity,
                format!("the document is {reason}: a fragment, checked as YAML only, not as an object"),
                &f.file,
                f.span,
            )
            .with_path(f.path.clone());
            note.document = f.document;
            *f = note;
        }
    }
}

/// The note that says a document is a fragment, at its `kind` (or its first key).
fn partial_note(doc: &load::Document, reason: &str, in_file: usize) -> Finding {
    let rule = &load::problems::PARTIAL_OBJECT;
    let span = doc
        .root
        .key_span("/kind")
        .or_else(|| doc.root.as_map().and_then(|e| e.first()).map(|e| e.key_span))
        .unwrap_or(doc.root.span);
    let kind = doc.root.get("kind").and_then(load::Node::as_str).unwrap_or("object");
    let name = doc.root.pointer("/metadata/name").and_then(load::Node::as_str);
    let mut what = match name {
        Some(n) => format!("{kind} `{n}`"),
        None => kind.to_string(),
    };
    if in_file > 1 {
        let others = in_file - 1;
        what = format!(
            "{what} (and {others} other document{} of this file)",
            if others == 1 { "" } else { "s" }
        );
    }
    Finding::new(
        rule,
        rule.severity,
        format!("{what} is {reason}: a fragment, checked as YAML only, not as an object"),
        &doc.file,
        span,
    )
    .with_document(doc.index)
    .with_path(doc.prefix.clone())
}

/// Keeps, under one key, the finding of the first object (`first`), else the first in
/// report order: the same one whatever order they arrive in.
fn keep_first<K>(
    entry: std::collections::hash_map::Entry<'_, K, Ranked>,
    ranked: Ranked,
    first: impl Fn(&Ranked) -> usize,
) {
    use std::collections::hash_map::Entry;
    match entry {
        Entry::Vacant(v) => {
            v.insert(ranked);
        }
        Entry::Occupied(mut o) => {
            let held = o.get();
            if (first(&ranked), &ranked) < (first(held), held) {
                o.insert(ranked);
            }
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
    object: usize,
    reported: Vec<Finding>,
    suppressed: Vec<Finding>,
    /// Reported findings beyond the limit per object, by rule.
    dropped: Vec<(Arc<str>, u64)>,
    suppressed_dropped: u64,
    schema: schema::Checked,
}

/// A `rule-error` for a rule (or the schema check) that panicked on an object.
fn panicked(what: &str, object: &Object, payload: &(dyn std::any::Any + Send)) -> Finding {
    let rule = &rules::RULE_ERROR;
    let message = format!(
        "{what} panicked on this object ({}); the other rules still ran. This is a bug: please report it",
        rules::panic_message(payload)
    );
    finding_at(rule, rule.severity, object, "/metadata/name", At::Value, message)
}

/// Runs the schema rules and every active rule on one object. A rule that panics becomes a
/// `rule-error` (what it reported on the object before is dropped) and the others still run.
/// Stops between rules once `cancel` is set.
#[allow(clippy::too_many_arguments)]
fn check_object<'s>(
    object: &Object,
    inventory: &Arc<Inventory>,
    schemas: &RunSchemas<'_>,
    settings: &dyn Fn(&str) -> &'s RuleSettings,
    active: &[(&dyn Rule, &RuleSettings)],
    runs: &[RuleRun],
    limits: FindingLimits,
    cancel: Option<&AtomicBool>,
    known: &[&'static str],
) -> Result<Checked, Cancelled> {
    let cancelled = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    if cancelled() {
        return Err(Cancelled);
    }
    let mut out = Vec::new();
    let schema = match catch_unwind(AssertUnwindSafe(|| schemas.check(object, settings, &mut out))) {
        Ok(checked) => checked,
        Err(payload) => {
            out.clear();
            out.push(panicked("the schema check", object, payload.as_ref()));
            schema::Checked::Validated
        }
    };
    let unknown_ignored = settings(load::problems::UNKNOWN_RULE_IN_IGNORE.id);
    if unknown_ignored.enabled {
        unknown_ignored_rules(object, known, unknown_ignored, &mut out);
    }
    let scratch = ObjectScratch::default();
    // A rule's declared kinds ([`RuleInfo::kinds`]): it is not run on other objects.
    let is_workload = object.pod_template().is_some();
    // Findings a rule left out itself (a script keeps no more than the limit), by rule.
    let mut dropped_early: Vec<(&'static str, u64)> = Vec::new();
    for ((rule, settings), run) in active.iter().zip(runs) {
        if cancelled() {
            return Err(Cancelled);
        }
        if !rule.info().applies_to(&object.kind, is_workload) {
            continue;
        }
        let before = out.len();
        let mut cx = Context::new(rule.info(), settings, object, &mut out);
        cx.shared = Some(inventory);
        cx.scratch = Some(&scratch);
        cx.run = Some(run);
        cx.max_findings = limits.findings_per_object;
        match catch_unwind(AssertUnwindSafe(|| {
            rule.check(object, inventory, &mut cx);
            cx.dropped
        })) {
            Ok(0) => {}
            Ok(n) => dropped_early.push((rule.info().id, n)),
            Err(payload) => {
                out.truncate(before);
                out.push(panicked(
                    &format!("rule `{}`", rule.info().id),
                    object,
                    payload.as_ref(),
                ));
            }
        }
    }
    sort_dedup(&mut out);
    let ignored = if out.is_empty() && dropped_early.is_empty() {
        Vec::new()
    } else {
        object.ignored_rules()
    };
    let is_ignored = |rule: &str| ignored.iter().any(|i| i == rule || i == "all" || i == "*");
    let (mut reported, mut suppressed): (Vec<Finding>, Vec<Finding>) = if ignored.is_empty() {
        (out, Vec::new())
    } else {
        out.into_iter().partition(|f| !is_ignored(&f.rule))
    };
    let mut dropped = cap_per_rule(&mut reported, limits.findings_per_object);
    let mut suppressed_dropped: u64 = cap_per_rule(&mut suppressed, limits.findings_per_object)
        .iter()
        .map(|(_, n)| n)
        .sum();
    for (rule, n) in dropped_early {
        if is_ignored(rule) {
            suppressed_dropped += n;
        } else {
            dropped.push((Arc::from(rule), n));
        }
    }
    if !suppressed.is_empty() {
        let reason = object
            .ignore_reason()
            .unwrap_or_else(|| format!("{IGNORE_ANNOTATION} annotation (no {IGNORE_REASON_ANNOTATION} given)"));
        for f in &mut suppressed {
            f.suppression = Some(reason.clone());
        }
    }
    Ok(Checked {
        object: object.id,
        reported,
        suppressed,
        dropped,
        suppressed_dropped,
        schema,
    })
}

/// Keeps the first `cap` findings of each rule of sorted `findings` (`rule-error`s, one per
/// failing rule, are all kept); returns how many were dropped, by rule.
fn cap_per_rule(findings: &mut Vec<Finding>, cap: usize) -> Vec<(Arc<str>, u64)> {
    let mut counts: HashMap<Arc<str>, u64> = HashMap::new();
    findings.retain(|f| {
        if &*f.rule == rules::RULE_ERROR.id {
            return true;
        }
        let n = counts.entry(Arc::clone(&f.rule)).or_default();
        *n += 1;
        *n <= cap as u64
    });
    counts
        .into_iter()
        .filter(|(_, n)| *n > cap as u64)
        .map(|(rule, n)| (rule, n - cap as u64))
        .collect()
}

fn sort_dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.report_order(b));
    findings.dedup_by(|a, b| a.report_order(b).is_eq() && a.object == b.object);
}

/// Every rule's metadata: input rules, schema rules, then `rules` in order.
/// ` (did you mean `x`?)` when one of `candidates` is close to `name`, else nothing.
fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(name, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// `unknown-rule-in-ignore` findings: ids in the object's (or its pod template's)
/// `kubelint.dev/ignore` annotation that name no rule of this linter.
fn unknown_ignored_rules(object: &Object, known: &[&'static str], settings: &RuleSettings, out: &mut Vec<Finding>) {
    let rule = &load::problems::UNKNOWN_RULE_IN_IGNORE;
    let key = IGNORE_ANNOTATION.replace('/', "~1");
    let mut places = vec![(
        object.annotations.get(IGNORE_ANNOTATION).cloned(),
        "/metadata/annotations".to_string(),
    )];
    if let Some(t) = object.pod_template()
        && !t.pointer.is_empty()
    {
        places.push((
            t.annotations().get(IGNORE_ANNOTATION).cloned(),
            format!("{}/metadata/annotations", t.pointer),
        ));
    }
    for (value, annotations) in places {
        let Some(value) = value else { continue };
        for id in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if id == "all" || id == "*" || known.contains(&id) {
                continue;
            }
            let message = format!(
                "`{IGNORE_ANNOTATION}` names `{id}`, which is not a rule, so it silences nothing{}",
                suggestion(id, known.iter().copied())
            );
            out.push(finding_at(
                rule,
                settings.severity,
                object,
                &format!("{annotations}/{key}"),
                At::Value,
                message,
            ));
        }
    }
}

pub(crate) fn catalog(rules: &[Box<dyn Rule>]) -> Vec<&'static RuleInfo> {
    crate::load::problems::ALL
        .iter()
        .copied()
        .chain(crate::schema::ALL.iter().copied())
        .chain(std::iter::once(&rules::RULE_ERROR))
        .chain(rules.iter().map(|r| r.info()))
        .collect()
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

    #[test]
    fn parameters_are_typed_and_misspellings_get_suggestions() {
        let err = |text: &str| {
            let c = Config::parse(std::path::Path::new("k.yaml"), text).unwrap();
            Linter::new(c).err().expect(text)
        };
        let e = err("rules:\n  replicas-too-low:\n    params: {minReplicas: \"3\"}\n");
        assert_eq!(
            e.message,
            "rule `replicas-too-low` parameter `minReplicas` must be an integer, not the string `3`"
        );
        let origin = e.origin.unwrap();
        assert_eq!((origin.file.to_str().unwrap(), origin.position.line), ("k.yaml", 2));
        let e = err("rules:\n  required-labels:\n    params: {labels: app}\n");
        assert!(
            e.message
                .contains("`labels` must be a list of strings, not the string `app`"),
            "{e}"
        );
        let e = err("rules:\n  required-labels:\n    params: {labels: [app, 3]}\n");
        assert!(e.message.contains("not a list with items that are not strings"), "{e}");
        let e = err("rules:\n  service-account-missing:\n    params: {knownNamespacesOnly: 1}\n");
        assert!(e.message.contains("must be a boolean, not the integer `1`"), "{e}");
        let e = err("rules:\n  replicas-too-low:\n    params: {minReplica: 3}\n");
        assert!(
            e.message
                .contains("no parameter `minReplica` (did you mean `minReplicas`?)"),
            "{e}"
        );
        let e = err("rules:\n  zzzzzzzzzzzz: off\n");
        assert_eq!(e.message, "unknown rule `zzzzzzzzzzzz`");
        // Well-typed values pass.
        let c = Config::parse(
            std::path::Path::new("k.yaml"),
            "rules:\n  replicas-too-low:\n    params: {minReplicas: 3}\n  required-labels:\n    params: {labels: [app]}\n",
        )
        .unwrap();
        assert!(Linter::new(c).is_ok());
    }

    #[test]
    fn unknown_ids_in_ignore_annotations_are_reported() {
        let linter = Linter::new(Config::default()).unwrap();
        let r = linter.lint_str(
            "x.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    kubelint.dev/ignore: \"latset-tag, host-pid\"\nspec: {containers: [{name: a, image: nginx}]}\n",
        );
        let f: Vec<_> = r
            .findings
            .iter()
            .filter(|f| &*f.rule == "unknown-rule-in-ignore")
            .collect();
        assert_eq!(f.len(), 1, "{:?}", r.findings);
        assert_eq!(
            f[0].message,
            "`kubelint.dev/ignore` names `latset-tag`, which is not a rule, so it silences nothing (did you mean `latest-tag`?)"
        );
        assert_eq!((f[0].start.line, f[0].start.column), (6, 26));
        assert_eq!(f[0].severity, Severity::Warning);
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
        let err = Linter::with_options(
            Config::default(),
            RunOptions {
                only: vec!["latset-tag".into()],
                ..RunOptions::default()
            },
        );
        assert_eq!(
            err.err().unwrap().message,
            "--only: unknown rule `latset-tag` (did you mean `latest-tag`?)"
        );
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

    static PANICS: RuleInfo = RuleInfo {
        id: "panics-on-boom",
        family: rules::Family::Hygiene,
        title: "panics on objects named boom",
        ..RuleInfo::BASE
    };

    struct Panics;

    impl Rule for Panics {
        fn info(&self) -> &'static RuleInfo {
            &PANICS
        }

        fn check(&self, object: &Object, _: &Inventory, cx: &mut Context<'_>) {
            cx.report("/metadata/name", At::Value, "reported before the panic");
            if object.name.as_deref() == Some("boom") {
                panic!("index out of bounds");
            }
        }
    }

    #[test]
    fn a_rule_that_panics_is_a_rule_error_and_the_run_goes_on() {
        let options = RunOptions {
            only: vec!["panics-on-boom".into(), "latest-tag".into()],
            ..RunOptions::default()
        };
        let linter = Linter::with_rules(Config::default(), options, vec![Box::new(Panics)]).unwrap();
        let pod = |name: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec: {{containers: [{{name: a, image: x}}]}}\n"
            )
        };
        let text = format!("{}---\n{}---\n{}", pod("a"), pod("boom"), pod("c"));
        let r = linter.lint_str("pods.yaml", &text);
        let got: Vec<(&str, &str, u32)> = r
            .findings
            .iter()
            .map(|f| {
                (
                    &*f.rule,
                    f.object.as_ref().unwrap().name.as_deref().unwrap(),
                    f.start.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("panics-on-boom", "a", 3),
                ("latest-tag", "a", 4),
                ("rule-error", "boom", 8),
                ("latest-tag", "boom", 9),
                ("panics-on-boom", "c", 13),
                ("latest-tag", "c", 14),
            ]
        );
        let e = &r.findings[2];
        assert!(
            e.message
                .starts_with("rule `panics-on-boom` panicked on this object (index out of bounds)"),
            "{}",
            e.message
        );
        assert_eq!(e.severity, Severity::Error);
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

    #[test]
    fn each_kind_is_compiled_once_however_many_objects_and_runs() {
        let linter = Linter::new(Config::default()).unwrap();
        let docs: String = (0..200)
            .map(|i| format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\nspec: {{ports: [{{port: 80}}]}}\n---\n"))
            .collect();
        let first = linter.lint_str("many.yaml", &docs);
        assert_eq!(first.summary.objects, 400);
        assert_eq!(linter.schemas().compiled(), 2);
        linter.lint_str("again.yaml", &docs);
        assert_eq!(linter.schemas().compiled(), 2, "a second run reuses the validators");
    }
}
