//! What a run reads ([`Input`]) and how ([`RunOptions`]).

use std::path::PathBuf;

use crate::load;

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
    /// A Helm chart, rendered with `helm template CHART --values F … ARGS…` (the command
    /// is the config's `render.helmCommand` or [`RunOptions::helm_command`], `helm` by
    /// default). Each document is reported in the template its `# Source:` comment names,
    /// a file of the chart's folder when it is one; a chart that does not render is a
    /// `render-failed` finding.
    Helm {
        /// A chart folder, a packaged chart or a repository reference, as helm takes it.
        chart: PathBuf,
        /// `--values` files, in order.
        values: Vec<PathBuf>,
        /// More arguments for `helm template` (`--set`, `--namespace`, `--kube-version`).
        args: Vec<String>,
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

    /// A Helm chart rendered with `helm template`, with `--values` files (see [`Input::Helm`]).
    pub fn helm(chart: impl Into<PathBuf>, values: impl IntoIterator<Item = PathBuf>) -> Input {
        Input::Helm {
            chart: chart.into(),
            values: values.into_iter().collect(),
            args: Vec::new(),
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
    /// ValidatingAdmissionPolicy (+ binding) files or folders, evaluated on the objects
    /// they match (added to the config's `policies`; feature `cel`).
    pub policies: Vec<PathBuf>,
    /// Folders of Rhai rule scripts (added to the config's `ruleDirs`; feature `scripts`).
    pub rule_dirs: Vec<PathBuf>,
    /// Rhai rule scripts given as text: (name, text), loaded after the folders' (feature
    /// `scripts`).
    pub scripts: Vec<(PathBuf, String)>,
    /// Findings of one rule on one object (overrides the config's `limits`).
    pub max_findings_per_object: Option<usize>,
    /// Findings of one rule in one run (overrides the config's `limits`).
    pub max_findings_per_run: Option<usize>,
    /// `Some(false)`: do not build kustomizations, lint their files as plain YAML
    /// (overrides the config's `render.enabled`).
    pub render: Option<bool>,
    /// The command that builds a kustomization folder (`kustomize build`, `kubectl
    /// kustomize`), its folder added last (overrides the config's `render.kustomizeCommand`;
    /// default: `kustomize build` when `kustomize` is on `PATH`, else `kubectl kustomize`).
    pub kustomize_command: Option<String>,
    /// The helm command for [`Input::Helm`] (overrides the config's `render.helmCommand`;
    /// default `helm`).
    pub helm_command: Option<String>,
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
            policies: Vec::new(),
            rule_dirs: Vec::new(),
            scripts: Vec::new(),
            max_findings_per_object: None,
            max_findings_per_run: None,
            render: None,
            kustomize_command: None,
            helm_command: None,
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

    /// Adds a file or folder of ValidatingAdmissionPolicies and their bindings.
    pub fn policy(mut self, path: impl Into<PathBuf>) -> Self {
        self.policies.push(path.into());
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

    /// `false`: lint kustomizations' files as plain YAML instead of building them.
    pub fn render(mut self, render: bool) -> Self {
        self.render = Some(render);
        self
    }

    /// The command that builds a kustomization folder (`"kubectl kustomize"`).
    pub fn kustomize_command(mut self, command: impl Into<String>) -> Self {
        self.kustomize_command = Some(command.into());
        self
    }

    /// The helm command (`"helm"`, `"/opt/helm3/helm"`).
    pub fn helm_command(mut self, command: impl Into<String>) -> Self {
        self.helm_command = Some(command.into());
        self
    }
}
