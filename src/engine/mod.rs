//! The pipeline: discover → load → inventory → check → report.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rayon::prelude::*;

pub mod baseline;
mod check;
mod collect;
pub(crate) mod config;
mod context;
pub mod fix;
mod fragments;
mod inputs;
#[cfg(feature = "lsp")]
pub(crate) mod workspace;

use crate::vocab::suggest::hint;
use check::*;
use collect::*;
pub use context::{Cancelled, PreparedContext};
use fragments::*;
pub use inputs::{Input, RunOptions};

use self::config::{Config, ConfigError};
use crate::load::discover::{DiscoverOptions, discover};
use crate::load::{self, Loaded, SourceFile, Span};
use crate::model::{Inventory, Object};
use crate::render;
use crate::rules::{self, Rule, RuleInfo, RuleRun, RuleSettings};
use crate::schema::{self, CrdSchemas, SchemaOptions, Schemas};
use crate::vocab::limits::{Dropped, FindingLimits};
use crate::vocab::{Finding, Report, RuleState, Severity, Summary};

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
    /// Texts read in place of files of these paths (a `--fix` run's fixed texts).
    overrides: Arc<HashMap<PathBuf, String>>,
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
                    message: format!("unknown rule `{id}`{}", hint(id, catalog.iter().map(|i| i.id))),
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
                            hint(name, names.iter().copied()),
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
            bundled_crds: config.bundled_crds != Some(false),
            policies: config.policies.iter().chain(&options.policies).cloned().collect(),
        };
        let schemas = Schemas::new(&schema_options).map_err(|message| ConfigError { origin: None, message })?;
        load::discover::build_excludes(&config.exclude).map_err(|message| ConfigError { origin: None, message })?;
        load::discover::build_excludes(&options.exclude).map_err(|message| ConfigError { origin: None, message })?;
        if !options.only.is_empty() {
            for id in &options.only {
                if !catalog.iter().any(|i| i.id == id) {
                    return Err(ConfigError {
                        origin: None,
                        message: format!("--only: unknown rule `{id}`{}", hint(id, catalog.iter().map(|i| i.id))),
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
            overrides: Arc::new(HashMap::new()),
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
        let (loaded, files, remaps) = self.load_inputs(inputs, true)?;
        Ok(self
            .check(loaded, files, &remaps, started, None, None, Some(&mut on_file))
            .expect("a run without a cancel flag is not cancelled"))
    }

    /// Lints `inputs` like [`Linter::lint_inputs`], with the `context` objects in the
    /// inventory: cross-object rules see both, findings are reported on `inputs` only. A
    /// context object with the same group, kind, namespace and name as an input's is
    /// replaced by it. This is how a pre-commit hook that passes only the changed files
    /// judges them against the rest of the repository.
    pub fn lint_inputs_in_context(&self, context: &PreparedContext, inputs: &[Input]) -> Result<Report, ConfigError> {
        let started = Instant::now();
        let (loaded, files, remaps) = self.load_inputs(inputs, true)?;
        Ok(self
            .check(loaded, files, &remaps, started, Some((context, None)), None, None)
            .expect("a run without a cancel flag is not cancelled"))
    }

    /// `strict`: a path in `inputs` that cannot be read is an error, not a finding.
    fn lint(&self, inputs: &[Input], strict: bool) -> Result<Report, ConfigError> {
        let started = Instant::now();
        let (loaded, files, remaps) = self.load_inputs(inputs, strict)?;
        Ok(self
            .check(loaded, files, &remaps, started, None, None, None)
            .expect("a run without a cancel flag is not cancelled"))
    }

    /// Loads `inputs`: the files read, how many there were, and where findings on
    /// rendered objects belong. Kustomizations among the walked files are built (their
    /// files are then not loaded as plain YAML), charts named by [`Input::Helm`] rendered,
    /// and streams (stdin) that `helm template` wrote split by their `# Source:` comments.
    fn load_inputs(&self, inputs: &[Input], strict: bool) -> Result<(Vec<Loaded>, usize, render::Remaps), ConfigError> {
        let options = self.discover_options();
        let max = self.options.max_file_size;
        let settings = self.render_settings();
        let mut roots = Vec::new();
        let mut loaded: Vec<Loaded> = Vec::new();
        let mut files = 0;
        let mut charts: Vec<PathBuf> = Vec::new();
        // Rendered parts named after their templates: their findings get no fix.
        let mut rendered_parts: Vec<Loaded> = Vec::new();
        for input in inputs {
            match input {
                Input::Path(p) => roots.push(p.clone()),
                Input::Text { name, text } => {
                    files += 1;
                    loaded.push(load::load_file(Arc::new(SourceFile::new(name, text.clone()))));
                }
                Input::Bytes { name, bytes } => {
                    let excludes = load::discover::Excludes::new(&options)
                        .map_err(|message| ConfigError { origin: None, message })?;
                    if !excludes.matches(std::path::Path::new(name)) {
                        let parts = render::helm_stream(name, bytes.clone(), max);
                        files += parts.len();
                        let plain = parts.len() == 1
                            && parts[0]
                                .documents
                                .iter()
                                .all(|d| d.file.path == std::path::Path::new(name));
                        if plain {
                            loaded.extend(parts);
                        } else {
                            rendered_parts.extend(parts);
                        }
                    }
                }
                Input::Helm { chart, values, args } => {
                    let chart = render::helm::Chart {
                        chart: chart.clone(),
                        values: values.clone(),
                        args: args.clone(),
                    };
                    let parts = render::helm_chart(&chart, &settings, max);
                    files += parts
                        .iter()
                        .filter(|l| !l.documents.is_empty() || l.documents_read > 0)
                        .count();
                    rendered_parts.extend(parts);
                    if let Some(dir) = chart.dir() {
                        charts.push(load::normalise(dir));
                    }
                }
            }
        }
        let mut remaps = render::Remaps::default();
        if !roots.is_empty() {
            let mut found = discover(&roots, &options).map_err(|message| ConfigError { origin: None, message })?;
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
            for (path, message) in std::mem::take(&mut found.errors)
                .into_iter()
                .chain(std::mem::take(&mut found.unreadable_roots))
            {
                loaded.push(unreadable(path, message));
            }
            // Kustomizations are built; the files a build covers are not read as plain YAML.
            let rendered = render::kustomizations(&found.kustomizations, &settings, max);
            if !rendered.covered.is_empty() {
                let covered = |p: &PathBuf| rendered.covered.contains(&load::normalise(p));
                found.files.retain(|p| !covered(p));
                found.named.retain(|p| !covered(p));
            }
            files += rendered
                .loaded
                .iter()
                .filter(|l| !l.documents.is_empty() || l.documents_read > 0)
                .count();
            loaded.extend(rendered.loaded);
            remaps = rendered.remaps;
            // Templates of a chart rendered with `--helm` are covered by its render; the
            // others are noted as skipped, never read as plain YAML.
            found.chart_templates.retain(|p| {
                let p = load::normalise(p);
                !charts.iter().any(|c| p.starts_with(c))
            });
            files += found.named.len() + found.files.len() + found.chart_templates.len();
            let overrides = &self.overrides;
            let overridden = |p: &PathBuf| {
                overrides
                    .get(p)
                    .map(|text| load::load_file(Arc::new(SourceFile::new(p, text.clone()))))
            };
            let named: Vec<Result<Loaded, String>> = found
                .named
                .par_iter()
                .map(
                    |p| match overridden(p).map(Ok).unwrap_or_else(|| load::load_named(p, max)) {
                        Err(message) if strict => Err(format!("{}: {message}", p.display())),
                        Err(message) => Ok(unreadable(p.clone(), message)),
                        Ok(l) => Ok(l),
                    },
                )
                .collect();
            for n in named {
                loaded.push(n.map_err(|message| ConfigError { origin: None, message })?);
            }
            loaded.par_extend(
                found
                    .files
                    .par_iter()
                    .chain(&found.chart_templates)
                    .map(|p| overridden(p).unwrap_or_else(|| load::load_path(p, max))),
            );
        }
        for part in &rendered_parts {
            remaps.mark_unfixable(part);
        }
        loaded.extend(rendered_parts);
        Ok((loaded, files, remaps))
    }

    /// How to render: the run's options over the config's `render:`.
    fn render_settings(&self) -> render::Settings {
        let config = &self.config.render;
        let defaults = render::Settings::default();
        render::Settings {
            enabled: self.options.render.or(config.enabled).unwrap_or(defaults.enabled),
            kustomize: self
                .options
                .kustomize_command
                .clone()
                .or_else(|| config.kustomize_command.clone()),
            helm: self
                .options
                .helm_command
                .clone()
                .or_else(|| config.helm_command.clone())
                .unwrap_or(defaults.helm),
            timeout: config
                .timeout_seconds
                .map_or(defaults.timeout, std::time::Duration::from_secs),
        }
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
        let mut generated = Vec::new();
        let documents = loaded
            .into_iter()
            .flat_map(|mut l| {
                mark_patches(&mut l, &patches);
                generated.append(&mut l.generated);
                l.documents
            })
            .filter(|d| d.partial.is_none())
            .collect();
        Ok(self.context_with(documents, generated))
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
        let (loaded, _, _) = self.load_inputs(inputs, true)?;
        Ok(self.context_of(loaded.into_iter().flat_map(|l| l.documents).collect()))
    }

    /// A context of documents already in memory (see [`Linter::load_context`]).
    pub(crate) fn context_of(&self, documents: Vec<crate::load::Document>) -> PreparedContext {
        self.context_with(documents, Vec::new())
    }

    /// [`Linter::context_of`] with the ConfigMaps and Secrets that Kustomize generators make.
    fn context_with(
        &self,
        documents: Vec<crate::load::Document>,
        generated: Vec<(&'static str, String)>,
    ) -> PreparedContext {
        let mut inventory = Inventory::build_with(documents, self.default_namespace(), &self.config.pod_templates);
        inventory.add_generated(generated);
        let inventory = Arc::new(inventory);
        let crds = Arc::new(CrdSchemas::of(&inventory));
        PreparedContext {
            inventory,
            crds,
            fragments: Arc::default(),
        }
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
        self.check(
            vec![loaded],
            1,
            &render::Remaps::default(),
            started,
            Some((context, None)),
            Some(cancel),
            None,
        )
    }

    /// Namespace for objects that name none.
    fn default_namespace(&self) -> &str {
        self.config.namespace.as_deref().unwrap_or("default")
    }

    /// Lints already-loaded files; `context` objects are in the inventory but are not
    /// checked. Stops early when `cancel` is set. With `stream`, files are checked one task
    /// each and handed over as each is done ([`Linter::lint_streaming`]).
    #[allow(clippy::too_many_arguments)]
    fn check(
        &self,
        loaded: Vec<Loaded>,
        files: usize,
        remaps: &render::Remaps,
        started: Instant,
        context: Option<(&PreparedContext, Option<&std::path::Path>)>,
        cancel: Option<&AtomicBool>,
        stream: Option<&mut dyn FnMut(FileFindings)>,
    ) -> Result<Report, Cancelled> {
        let mut findings = self.script_errors.clone();
        let mut documents = Vec::new();
        let mut documents_read = 0;
        let mut generated = Vec::new();
        let patches = patch_files(&loaded);
        for mut l in loaded {
            mark_patches(&mut l, &patches);
            findings.extend(l.findings);
            generated.append(&mut l.generated);
            // One note per file and rule (`partial-object`, `apply-configuration`), at the
            // first such document, saying how many there are.
            let mut alike: HashMap<&'static str, usize> = HashMap::new();
            for p in l.documents.iter().filter_map(|d| d.partial.as_ref()) {
                *alike.entry(p.rule.id).or_default() += 1;
            }
            for d in l.documents {
                match &d.partial {
                    Some(p) => {
                        if let Some(n) = alike.remove(p.rule.id) {
                            findings.push(partial_note(&d, p, n));
                        }
                    }
                    None => documents.push(d),
                }
            }
            documents_read += l.documents_read;
        }
        let namespace = self.default_namespace();
        let mut inventory = match context {
            Some((c, hide)) => {
                let mut inventory = Inventory::over(
                    Arc::clone(&c.inventory),
                    documents,
                    namespace,
                    &self.config.pod_templates,
                );
                if let Some(path) = hide {
                    inventory.hide_base_file(path);
                }
                inventory
            }
            None => Inventory::build_with(documents, namespace, &self.config.pod_templates),
        };
        let context = context.map(|(c, _)| c);
        inventory.add_generated(generated);
        let inventory = Arc::new(inventory);
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
        if context.is_none() {
            findings.extend(schemas.cel_findings(&settings));
        }
        let known: Vec<&'static str> = self.settings.keys().copied().collect();
        let runs: Vec<RuleRun> = active.iter().map(|_| RuleRun::default()).collect();
        let limits = self.limits;
        // Per-object results are folded into bounded sets as they come, so a run holds at
        // most the limit per rule, however many objects it checks.
        let check_one = |o: &Object| {
            let mut checked = check_object(
                o, &inventory, &schemas, &settings, &active, &runs, limits, cancel, &known,
            )?;
            // Edits computed on rendered output would not apply to the source files.
            if !remaps.fixes_allowed(&o.doc.file) {
                for f in checked.reported.iter_mut().chain(checked.suppressed.iter_mut()) {
                    f.fix = None;
                }
            }
            // Findings on rendered objects go to the files the objects come from.
            if !remaps.is_empty() {
                for f in checked.reported.iter_mut().chain(checked.suppressed.iter_mut()) {
                    remaps.remap(&o.doc.file, o.doc.index, &o.doc.prefix, &o.doc.root, f);
                }
            }
            Ok(checked)
        };
        let mut collected = match stream {
            None => inventory
                .objects
                .par_iter()
                .map(check_one)
                .try_fold(Collected::default, |mut acc, c| {
                    acc.add_checked(c?, &self.settings, limits);
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
            collected.add(f, usize::MAX, false, &self.settings, limits);
        }
        let objects = inventory.objects.len();
        drop(schemas);
        // The objects' trees are freed (on every thread: on one, freeing them was a
        // twentieth of the run) before the findings are sorted, so that the sort's buffers
        // reuse their memory instead of adding to the run's peak.
        free_in_parallel(inventory);
        let (findings, suppressed, dropped, suppressed_total, without_schema) = collected.finish(limits);
        let count = |sev| findings.iter().filter(|f| f.severity == sev).count();
        let summary = Summary {
            files,
            documents: documents_read,
            objects,
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
            f.at_severity(s.severity);
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
                            acc.add_checked(checked, &self.settings, limits);
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

/// Drops an inventory's objects on every thread (when no one else holds the inventory).
fn free_in_parallel(inventory: Arc<Inventory>) {
    if let Ok(mut inventory) = Arc::try_unwrap(inventory) {
        let objects = std::mem::take(&mut inventory.objects);
        // A webhook review or an editor's check frees a few trees: not worth a call on
        // every thread.
        let large = objects.len() >= 1000;
        objects.into_par_iter().for_each(drop);
        if large {
            give_back_freed_memory();
        }
    }
}

/// With mimalloc (the binary's allocator), has every thread hand the pages it just freed
/// back to the system. mimalloc does so lazily, when a thread next allocates: the worker
/// threads that freed the trees sit idle while the report is written, and in about one run
/// of four on 100k documents their pages stayed resident until the end (peak RSS 765 instead
/// of 705 MiB, the sort's buffers coming on top of them).
fn give_back_freed_memory() {
    #[cfg(feature = "mimalloc")]
    {
        // SAFETY: `mi_collect` only returns memory of the calling thread's own mimalloc heap
        // that nothing uses; without mimalloc as the global allocator that heap is empty.
        let collect = || unsafe { libmimalloc_sys::mi_collect(false) };
        rayon::broadcast(|_| collect());
        collect();
    }
}

pub(crate) fn catalog(rules: &[Box<dyn Rule>]) -> Vec<&'static RuleInfo> {
    crate::load::problems::ALL
        .iter()
        .copied()
        .chain(crate::render::ALL.iter().copied())
        .chain(crate::schema::ALL.iter().copied())
        .chain(std::iter::once(&rules::RULE_ERROR))
        .chain(rules.iter().map(|r| r.info()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{At, Context};

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
    fn only_other_rules_skips_schema_validation() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: [1]}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n";
        let linter = only(&["latest-tag"], Config::default());
        let r = linter.lint_str("x.yaml", text);
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        assert_eq!(r.summary.without_schema, 0, "no schema was looked up");
        assert_eq!(linter.schemas().compiled(), 0, "no schema was compiled");
        // The same objects with a schema rule among --only: validated as usual.
        let linter = only(&["latest-tag", "schema-violation"], Config::default());
        let r = linter.lint_str("x.yaml", text);
        let rules: Vec<&str> = r.findings.iter().map(|f| &*f.rule).collect();
        assert_eq!(rules, ["schema-violation"]);
        assert_eq!(r.summary.without_schema, 1);
        assert!(linter.schemas().compiled() >= 1);
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
