//! The command line: `kubelint check`, `kubelint rules`. Not part of the library's API:
//! public (and hidden) only for the binary and kubelint's own tests.

pub mod rule_tests;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::engine::baseline::Baseline;
use crate::engine::config::Config;
use crate::engine::{Input, Linter, RunOptions};
use crate::load::DEFAULT_MAX_FILE_SIZE;
use crate::report::{self, Format, RenderOptions};
use crate::vocab::Severity;

/// Exit codes.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser, Debug)]
#[command(name = "kubelint", version, about = "Lint Kubernetes manifests: exact positions, one fast pass", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint files and folders (`-` reads stdin).
    Check(Box<CheckArgs>),
    /// List the rules, explain one, or scaffold a new scripted rule.
    Rules(RulesArgs),
    /// Serve the validating admission webhook over HTTPS.
    #[cfg(feature = "webhook")]
    Serve(ServeArgs),
    /// Run the language server on stdin and stdout (see docs/editors.md).
    #[cfg(feature = "lsp")]
    Lsp(LspArgs),
    /// Run each rule of DIR against its fixtures (`<rule-id>.yaml` + `.expected`).
    TestRules {
        /// The folder of scripts and fixtures.
        #[arg(default_value = "rules")]
        dir: PathBuf,
        /// Rewrite the `.expected` files from the current output.
        #[arg(long)]
        bless: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files and folders to lint; `-` reads one stream from stdin (default: the working
    /// directory, or nothing but the chart with `--helm`).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Config file (default: `.kubelint.yaml` found upward from the working directory).
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any `.kubelint.yaml`.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Leave out paths matching GLOB (repeatable), e.g. `vendor/**`.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Run only this rule (repeatable; enables it if it is off by default). Input rules
    /// such as `yaml-syntax` always run.
    #[arg(long, value_name = "RULE")]
    pub only: Vec<String>,
    /// A folder of Rhai rule scripts (repeatable). A `rules/` folder beside the config
    /// file (or in the working directory) is loaded too.
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Kubernetes version whose schemas and API deprecations apply (1.33 to 1.37).
    #[arg(long, value_name = "X.Y")]
    pub kubernetes_version: Option<String>,
    /// Do not report fields a schema does not define (`unknown-field`).
    #[arg(long)]
    pub no_strict: bool,
    /// A CRD file or folder whose custom resources are validated (repeatable).
    #[arg(long, value_name = "PATH")]
    pub crd: Vec<PathBuf>,
    /// A folder of JSON schemas (naming their `x-kubernetes-group-version-kind`) or CRDs.
    #[arg(long, value_name = "DIR")]
    pub schema_dir: Vec<PathBuf>,
    /// Do not validate custom resources against the bundled ecosystem CRDs (Istio,
    /// Gateway API, cert-manager, Argo, External Secrets, prometheus-operator, VPA, KEDA,
    /// Flux, OpenShift); config `bundledCrds: false`.
    #[arg(long)]
    pub no_bundled_crds: bool,
    /// A file or folder of ValidatingAdmissionPolicies and bindings, evaluated on the
    /// objects they match (repeatable).
    #[arg(long, value_name = "PATH")]
    pub policy: Vec<PathBuf>,
    /// Namespace for objects that name none (default: the config's, else `default`).
    #[arg(short, long)]
    pub namespace: Option<String>,
    /// Also list findings suppressed by `kubelint.dev/ignore` annotations.
    #[arg(long)]
    pub show_suppressed: bool,
    /// Walk hidden files and folders too.
    #[arg(long)]
    pub hidden: bool,
    /// Do not honour `.gitignore`, `.ignore` and `.kubelintignore`.
    #[arg(long)]
    pub no_ignore: bool,
    /// Files larger than this many bytes are reported, not read (stdin too: reading stops
    /// one byte over the limit).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// The path reports give stdin (`-`), also matched against exclude patterns.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Report (and fail on) only findings that this baseline file does not record; say
    /// how many recorded ones are fixed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record this run's findings in a baseline file (and exit 0), to adopt kubelint on a
    /// repository that already has findings.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Colours in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Findings of one rule reported on one object; the others are counted (default: the
    /// config's `limits.findingsPerObject`, else 100).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_findings_per_object: Option<u64>,
    /// Findings of one rule reported in one run; the others are counted (default: the
    /// config's `limits.findingsPerRun`, else 20000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_findings_per_run: Option<u64>,
    /// Objects that cross-object rules see but that are not reported on (repeatable): the
    /// rest of the repository when only some files are checked. When every path given is a
    /// file inside a git repository (as a pre-commit hook passes them), the repository is
    /// the context unless `--no-context`; the config's `context:` replaces that default.
    #[arg(long, value_name = "PATH")]
    pub context: Vec<PathBuf>,
    /// Check the given files on their own, without the rest of their repository.
    #[arg(long, conflicts_with = "context")]
    pub no_context: bool,
    /// Do not build kustomizations: lint their files as plain YAML (`render.enabled: false`).
    #[arg(long)]
    pub no_render: bool,
    /// The command that builds a kustomization folder, its folder added last: `kustomize
    /// build`, `kubectl kustomize` (default: the config's `render.kustomizeCommand`, else
    /// `kustomize build` when kustomize is on PATH, else `kubectl kustomize`).
    #[arg(long, value_name = "COMMAND")]
    pub kustomize_command: Option<String>,
    /// Render this Helm chart with `helm template` and lint the output; findings name the
    /// template files (`# Source:`).
    #[arg(long, value_name = "CHART")]
    pub helm: Option<PathBuf>,
    /// A values file for `--helm` (repeatable, in order).
    #[arg(long = "values", value_name = "FILE", requires = "helm")]
    pub values: Vec<PathBuf>,
    /// One more argument for `helm template` (repeatable): `--helm-arg=--set=image.tag=1.2`.
    #[arg(long, value_name = "ARG", requires = "helm", allow_hyphen_values = true)]
    pub helm_arg: Vec<String>,
    /// The helm command (default: the config's `render.helmCommand`, else `helm`).
    #[arg(long, value_name = "COMMAND")]
    pub helm_command: Option<String>,
    /// Apply the safe fixes in place (minimal edits: comments and layout stay), then report
    /// what remains. Stdin (`-`): the fixed text goes to stdout, the report to stderr.
    /// Findings on rendered objects (kustomize, helm) are never fixed.
    #[arg(long, conflicts_with = "write_baseline")]
    pub fix: bool,
    /// With `--fix` or `--diff`: unsafe fixes too (they may change what the workload does:
    /// `readOnlyRootFilesystem: true`, `runAsNonRoot: true`, ...).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing (implies `--fix`); exit 1 when
    /// there is something to fix. `--fix --dry-run` is the same.
    #[arg(long, visible_alias = "dry-run", conflicts_with = "write_baseline")]
    pub diff: bool,
}

#[cfg(feature = "lsp")]
#[derive(Args, Debug)]
pub struct LspArgs {
    /// Config file (default: `.kubelint.yaml` found upward from the workspace root).
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any `.kubelint.yaml`.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Kubernetes version whose schemas and API deprecations apply (1.33 to 1.37).
    #[arg(long, value_name = "X.Y")]
    pub kubernetes_version: Option<String>,
    /// Do not report fields a schema does not define (`unknown-field`).
    #[arg(long)]
    pub no_strict: bool,
    /// Accepted for editors that pass it; the server always speaks over stdin and stdout.
    #[arg(long, hide = true)]
    pub stdio: bool,
}

#[cfg(feature = "webhook")]
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "0.0.0.0:8443")]
    pub listen: std::net::SocketAddr,
    /// TLS certificate (PEM), reloaded when the file changes.
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// TLS private key (PEM), reloaded when the file changes.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// A repository of manifests to judge admitted objects against (repeatable; reloaded on SIGHUP).
    #[arg(long, value_name = "PATH")]
    pub context: Vec<PathBuf>,
    /// Config file (default: `.kubelint.yaml` found upward from the working directory).
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Deny requests with findings at or above this severity (default: the config's, else error).
    #[arg(long, value_enum)]
    pub deny_on: Option<FailOn>,
    /// Never deny: return every finding as an admission warning (those that would deny
    /// marked "would deny"), to roll the webhook out before enforcing it.
    #[arg(long)]
    pub warn_only: bool,
    /// Largest request body accepted, in bytes (413 above).
    #[arg(long, default_value_t = crate::webhook::DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Longest a review may take once its body is read, in milliseconds (504 after; its work is cancelled).
    #[arg(long, default_value_t = crate::webhook::DEFAULT_REVIEW_TIMEOUT_MS)]
    pub timeout_ms: u64,
    /// Longest a client may take for the TLS handshake and a request's headers, and may keep
    /// a connection idle, in milliseconds (the connection is closed after it).
    #[arg(long, default_value_t = crate::webhook::DEFAULT_HEADER_TIMEOUT_MS)]
    pub header_timeout_ms: u64,
    /// Longest a client may take to send a request body, in milliseconds (408 after).
    #[arg(long, default_value_t = crate::webhook::DEFAULT_BODY_TIMEOUT_MS)]
    pub body_timeout_ms: u64,
    /// Most client connections open at once; more are closed as soon as they are accepted.
    #[arg(long, default_value_t = crate::webhook::DEFAULT_MAX_CONNECTIONS, value_parser = at_least_one)]
    pub max_connections: usize,
    /// Most reviews in flight at once (body being read, queued or linted); more are answered
    /// 503 at once, and the API server applies the webhook's failurePolicy.
    #[arg(long, default_value_t = crate::webhook::DEFAULT_MAX_IN_FLIGHT, value_parser = at_least_one)]
    pub max_in_flight: usize,
    /// How often the certificate files are checked for changes, in milliseconds.
    #[arg(long, default_value_t = 5_000)]
    pub cert_poll_ms: u64,
    /// Kubernetes version whose schemas and API deprecations apply.
    #[arg(long, value_name = "X.Y")]
    pub kubernetes_version: Option<String>,
}

/// A count that must be 1 or more.
#[cfg(feature = "webhook")]
fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: Option<RulesCommand>,
}

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// Print a rule's rationale, remediation and example.
    Explain {
        /// The rule id, e.g. `latest-tag`.
        id: String,
    },
    /// Write a rule script and a fixture pair to start from.
    New {
        /// The new rule's id.
        id: String,
        /// Where to write them.
        #[arg(long, default_value = "rules")]
        dir: PathBuf,
    },
}

/// The binary: parses the process's arguments and runs.
pub fn main() -> ExitCode {
    run(Cli::parse())
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => check(*args),
        Command::Rules(args) => rules(args),
        Command::TestRules { dir, bless } => test_rules(&dir, bless),
        #[cfg(feature = "lsp")]
        Command::Lsp(args) => lsp(args),
        #[cfg(feature = "webhook")]
        Command::Serve(args) => serve(args),
    }
}

#[cfg(feature = "webhook")]
fn serve(args: ServeArgs) -> ExitCode {
    let config = match &args.config {
        Some(p) => Config::load(p),
        None => match std::env::current_dir().ok().and_then(|d| Config::find_upward(&d)) {
            Some(p) => Config::load(&p),
            None => Ok(Config::default()),
        },
    };
    let config = match config {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    let settings = config.webhook.clone();
    let deny_on = match args.deny_on {
        Some(FailOn::Error) => Severity::Error,
        Some(FailOn::Warning) => Severity::Warning,
        Some(FailOn::Info) => Severity::Info,
        Some(FailOn::Never) => {
            return usage_error("--deny-on never: use --warn-only (or namespaceModes warn) to never deny");
        }
        None => settings.deny_on.unwrap_or(Severity::Error),
    };
    let options = RunOptions {
        kubernetes_version: args.kubernetes_version.clone(),
        ..RunOptions::default()
    };
    let linter = match Linter::with_options(config, options) {
        Ok(l) => l,
        Err(e) => return usage_error(e),
    };
    let hook =
        crate::webhook::Webhook::new(linter, settings, deny_on, args.context.clone()).with_warn_only(args.warn_only);
    let ms = std::time::Duration::from_millis;
    let options = crate::webhook::ServeOptions {
        listen: args.listen,
        cert: args.cert,
        key: args.key,
        cert_poll: ms(args.cert_poll_ms),
        limits: crate::webhook::Limits {
            max_body_bytes: args.max_body_bytes,
            header_timeout: ms(args.header_timeout_ms),
            body_timeout: ms(args.body_timeout_ms),
            review_timeout: ms(args.timeout_ms),
            max_connections: args.max_connections,
            max_in_flight: args.max_in_flight,
            ..crate::webhook::Limits::default()
        },
    };
    match crate::webhook::serve(hook, options) {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => usage_error(e),
    }
}

#[cfg(feature = "lsp")]
fn lsp(args: LspArgs) -> ExitCode {
    let options = crate::lsp::LspOptions {
        config: args.config,
        no_config: args.no_config,
        run: RunOptions {
            kubernetes_version: args.kubernetes_version,
            strict: args.no_strict.then_some(false),
            ..RunOptions::default()
        },
    };
    match crate::lsp::run(options) {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => {
            eprintln!("kubelint lsp: {e}");
            ExitCode::from(EXIT_FINDINGS)
        }
    }
}

fn test_rules(dir: &std::path::Path, bless: bool) -> ExitCode {
    let outcomes = match crate::cli::rule_tests::run(dir, bless) {
        Ok(o) => o,
        Err(e) => return usage_error(e),
    };
    let mut failed = 0;
    for o in &outcomes {
        if o.passed() {
            println!("ok    {} ({})", o.rule, o.fixture.display());
        } else {
            failed += 1;
            println!("FAIL  {} ({})", o.rule, o.fixture.display());
            for l in &o.missing {
                println!("        missing:    {l}");
            }
            for l in &o.unexpected {
                println!("        unexpected: {l}");
            }
        }
    }
    println!("test-rules: {} passed, {failed} failed", outcomes.len() - failed);
    ExitCode::from(if failed > 0 { EXIT_FINDINGS } else { EXIT_OK })
}

fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_USAGE)
}

fn load_config(args: &CheckArgs) -> Result<Config, String> {
    let mut config = if args.no_config {
        Config::default()
    } else if let Some(path) = &args.config {
        Config::load(path).map_err(|e| e.to_string())?
    } else {
        let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
        match Config::find_upward(&cwd) {
            Some(path) => Config::load(&path).map_err(|e| e.to_string())?,
            None => Config::default(),
        }
    };
    if let Some(ns) = &args.namespace {
        config.namespace = Some(ns.clone());
    }
    Ok(config)
}

/// The repository's own `rules/` folder: beside the config file in use, else in the
/// working directory.
fn repo_rule_dir(args: &CheckArgs) -> Option<PathBuf> {
    let base = match (&args.config, args.no_config) {
        (Some(c), _) => c.parent().map(|p| p.to_path_buf()),
        (None, false) => std::env::current_dir()
            .ok()
            .and_then(|d| Config::find_upward(&d))
            .and_then(|c| c.parent().map(|p| p.to_path_buf())),
        (None, true) => None,
    }
    .or_else(|| std::env::current_dir().ok())?;
    let dir = if base.as_os_str().is_empty() {
        PathBuf::from("rules")
    } else {
        base.join("rules")
    };
    // Without scripted rules, a `rules/` folder found by convention is not an error.
    if !cfg!(feature = "scripts") {
        return None;
    }
    let has_scripts = std::fs::read_dir(&dir)
        .map(|mut entries| entries.any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "rhai"))))
        .unwrap_or(false);
    has_scripts.then_some(dir)
}

fn check(args: CheckArgs) -> ExitCode {
    let mut config = match load_config(&args) {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    if args.no_bundled_crds {
        config.bundled_crds = Some(false);
    }
    let options = RunOptions {
        hidden: args.hidden,
        no_ignore: args.no_ignore,
        max_file_size: args.max_file_size,
        exclude: args.exclude.clone(),
        only: args.only.clone(),
        kubernetes_version: args.kubernetes_version.clone(),
        strict: args.no_strict.then_some(false),
        crds: args.crd.clone(),
        schema_dirs: args.schema_dir.clone(),
        policies: args.policy.clone(),
        rule_dirs: repo_rule_dir(&args).into_iter().chain(args.rule_dirs.clone()).collect(),
        max_findings_per_object: args.max_findings_per_object.map(|n| n as usize),
        max_findings_per_run: args.max_findings_per_run.map(|n| n as usize),
        scripts: Vec::new(),
        render: args.no_render.then_some(false),
        kustomize_command: args.kustomize_command.clone(),
        helm_command: args.helm_command.clone(),
    };
    let mut linter = match Linter::with_options(config, options) {
        Ok(l) => l,
        Err(e) => return usage_error(e),
    };
    if args.unsafe_fixes && !args.fix && !args.diff {
        return usage_error("--unsafe-fixes applies with --fix or --diff");
    }
    let paths = match (args.paths.is_empty(), &args.helm) {
        (true, None) => vec![PathBuf::from(".")],
        _ => args.paths.clone(),
    };
    if args.stdin_filename.is_some() && !paths.iter().any(|p| p.as_os_str() == "-") {
        return usage_error("--stdin-filename names stdin, which is read only when `-` is among the paths");
    }
    let mut inputs = Vec::new();
    if let Some(chart) = &args.helm {
        inputs.push(Input::Helm {
            chart: chart.clone(),
            values: args.values.clone(),
            args: args.helm_arg.clone(),
        });
    }
    for p in &paths {
        if p.as_os_str() == "-" {
            // One byte over the limit is enough to know that it is over.
            let mut bytes = Vec::new();
            let limit = args.max_file_size.saturating_add(1);
            if let Err(e) = std::io::stdin().lock().take(limit).read_to_end(&mut bytes) {
                return usage_error(format!("cannot read stdin: {e}"));
            }
            inputs.push(Input::Bytes {
                name: args.stdin_filename.clone().unwrap_or_else(|| "<stdin>".into()),
                bytes,
            });
        } else {
            inputs.push(Input::Path(p.clone()));
        }
    }
    let baseline = match &args.baseline {
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| format!("--baseline {}: {e}", path.display()))
            .and_then(|text| Baseline::parse(path, &text))
        {
            Ok(b) => Some(b),
            Err(e) => return usage_error(e),
        },
        None => None,
    };
    // `--context`, else the config's `context:`, else the repository of the files given.
    let configured = &linter.config().context;
    let (context_paths, asked) = match (args.no_context, args.context.is_empty()) {
        (true, _) => (Vec::new(), true),
        (false, false) => (args.context.clone(), true),
        (false, true) if !configured.is_empty() => (configured.clone(), true),
        (false, true) => (repository_of_files(&paths).into_iter().collect(), false),
    };
    let context = match context_paths.is_empty() {
        true => None,
        false => match linter.load_context(&context_paths) {
            Ok(c) => Some(c),
            // The repository found on its own is a help, not a request: go on without it.
            Err(e) if !asked => {
                eprintln!("kubelint: checking the files without the rest of their repository: {e}");
                None
            }
            Err(e) => return usage_error(e),
        },
    };
    let fixing = args.fix || args.diff;
    let result = match (&context, fixing) {
        (_, true) => {
            let options = crate::engine::fix::FixOptions {
                unsafe_fixes: args.unsafe_fixes,
            };
            match linter.fix(&inputs, context.as_ref(), options) {
                Ok(outcome) => match apply_fixes(&args, &inputs, outcome) {
                    Ok(Some(report)) => Ok(report),
                    Ok(None) => return ExitCode::from(EXIT_OK),
                    Err(code) => return code,
                },
                Err(e) => Err(e),
            }
        }
        (None, false) => linter.lint_inputs(&inputs),
        (Some(c), false) => linter.lint_inputs_in_context(c, &inputs),
    };
    let mut report = match result {
        Ok(r) => r,
        Err(e) => return usage_error(e),
    };
    let stdin_fixed = args.fix && !args.diff && inputs.iter().any(|i| matches!(i, Input::Bytes { .. }));
    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::of(&report);
        if let Err(e) = std::fs::write(path, baseline.to_json()) {
            return usage_error(format!("--write-baseline {}: {e}", path.display()));
        }
        eprintln!(
            "kubelint: recorded {} in {}; check with `--baseline {}` to see only new ones",
            match baseline.recorded() {
                1 => "1 finding".to_string(),
                n => format!("{n} findings"),
            },
            path.display(),
            path.display()
        );
        return ExitCode::from(EXIT_OK);
    }
    if let Some(b) = &baseline {
        b.apply(&mut report);
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let render_options = RenderOptions {
        color,
        show_suppressed: args.show_suppressed,
        ..RenderOptions::default()
    };
    let written = match &args.output {
        Some(path) => std::fs::File::create(path).and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            report::render(&report, args.format, &render_options, &mut w)?;
            w.flush()
        }),
        // The fixed text of stdin went to stdout: the report goes to stderr.
        None if stdin_fixed => {
            let stderr = std::io::stderr();
            let mut w = std::io::BufWriter::new(stderr.lock());
            report::render(&report, args.format, &render_options, &mut w).and_then(|_| w.flush())
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            report::render(&report, args.format, &render_options, &mut w).and_then(|_| w.flush())
        }
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return usage_error(format!("cannot write the report: {e}"));
    }
    if args.output.is_some() && args.format != Format::Human {
        eprintln!("{}", report::summary_line(&report, true));
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    match threshold {
        Some(t) if report.has_findings_at(t) => ExitCode::from(EXIT_FINDINGS),
        _ => ExitCode::from(EXIT_OK),
    }
}

fn rules(args: RulesArgs) -> ExitCode {
    let linter = Linter::new(Config::default()).expect("the default config is valid");
    let mut out = std::io::stdout().lock();
    match args.command {
        None => {
            let width = linter.rules().iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in linter.rules() {
                let state = if r.enabled { "" } else { " (off by default)" };
                let kinds = if r.kinds.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", r.kinds.join(", "))
                };
                let fix = match r.fixable {
                    Some(crate::vocab::Applicability::Safe) => " (fix)",
                    Some(crate::vocab::Applicability::Unsafe) => " (unsafe fix)",
                    None => "",
                };
                let _ = writeln!(
                    out,
                    "{:<width$}  {:<7}  {:<8}  {}{state}{fix}{kinds}",
                    r.id,
                    r.severity.as_str(),
                    r.family.as_str(),
                    r.title
                );
            }
            ExitCode::from(EXIT_OK)
        }
        Some(RulesCommand::Explain { id }) => match linter.rules().iter().find(|r| r.id == id) {
            Some(r) => {
                let _ = write!(out, "{}", r.markdown());
                ExitCode::from(EXIT_OK)
            }
            None => usage_error(format!("unknown rule `{id}`; `kubelint rules` lists them")),
        },
        Some(RulesCommand::New { id, dir }) => match crate::cli::rule_tests::scaffold(&dir, &id) {
            Ok(files) => {
                for f in files {
                    let _ = writeln!(out, "wrote {}", f.display());
                }
                ExitCode::from(EXIT_OK)
            }
            Err(e) => usage_error(e),
        },
    }
}

/// Writes the fixed files (`--fix`), or prints their diff (`--diff`), and says what was
/// done on stderr. The report to render next (`None` with `--diff`: the diff is the
/// output), or the exit code to end with.
fn apply_fixes(
    args: &CheckArgs,
    inputs: &[Input],
    outcome: crate::engine::fix::FixOutcome,
) -> Result<Option<crate::vocab::Report>, ExitCode> {
    let stdin_names: Vec<&str> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::Bytes { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    for (path, reason) in &outcome.refused {
        eprintln!("kubelint: not fixing {}: {reason}", path.display());
    }
    let mut refused_on_disk = 0;
    if args.diff {
        let mut out = std::io::stdout().lock();
        for f in &outcome.files {
            let name = f.path.to_string_lossy().replace('\\', "/");
            let diff = similar::TextDiff::from_lines(&f.original, &f.fixed);
            let text = diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{name}"), &format!("b/{name}"))
                .to_string();
            if out.write_all(text.as_bytes()).is_err() {
                break;
            }
        }
        let _ = out.flush();
        eprintln!("{}", outcome.summary_line().replacen("Fixed", "Would fix", 1));
        let code = if outcome.files.is_empty() {
            EXIT_OK
        } else {
            EXIT_FINDINGS
        };
        return Err(ExitCode::from(code));
    }
    for f in &outcome.files {
        if stdin_names.iter().any(|n| std::path::Path::new(n) == f.path) {
            continue;
        }
        // Write only over the text the fixes were computed on (not a file changed since,
        // nor one whose bytes were not UTF-8).
        match std::fs::read(&f.path) {
            Ok(bytes) if bytes == f.original.as_bytes() => {
                if let Err(e) = std::fs::write(&f.path, &f.fixed) {
                    eprintln!("kubelint: cannot write {}: {e}", f.path.display());
                    refused_on_disk += 1;
                }
            }
            Ok(_) => {
                eprintln!(
                    "kubelint: not fixing {}: the file changed while it was checked, or is not UTF-8",
                    f.path.display()
                );
                refused_on_disk += 1;
            }
            Err(e) => {
                eprintln!("kubelint: not fixing {}: {e}", f.path.display());
                refused_on_disk += 1;
            }
        }
    }
    // Stdin: its text, fixed or not, goes to stdout.
    for i in inputs {
        if let Input::Bytes { name, bytes } = i {
            let fixed = outcome.files.iter().find(|f| f.path == std::path::Path::new(name));
            let mut out = std::io::stdout().lock();
            let _ = match fixed {
                Some(f) => out.write_all(f.fixed.as_bytes()),
                None => out.write_all(bytes),
            };
            let _ = out.flush();
        }
    }
    let mut line = outcome.summary_line();
    if refused_on_disk > 0 {
        line.push_str(&format!("; {refused_on_disk} not written"));
    }
    eprintln!("kubelint: {line}");
    Ok(Some(outcome.report))
}

/// The git repository holding every one of `paths` when they are all files (what a
/// pre-commit hook passes), as a path the walk can use: relative to the working directory
/// when the files are given relatively. `None` for folders, stdin, or files outside a
/// repository.
fn repository_of_files(paths: &[PathBuf]) -> Option<PathBuf> {
    if paths.is_empty() || paths.iter().any(|p| p.as_os_str() == "-" || !p.is_file()) {
        return None;
    }
    let cwd = std::env::current_dir().ok()?;
    let absolute = |p: &PathBuf| if p.is_absolute() { p.clone() } else { cwd.join(p) };
    let first = absolute(&paths[0]);
    let root = first
        .ancestors()
        .skip(1)
        .find(|d| d.join(".git").exists())?
        .to_path_buf();
    if !paths.iter().all(|p| absolute(p).starts_with(&root)) {
        return None;
    }
    if paths.iter().any(|p| p.is_absolute()) {
        return Some(root);
    }
    // Relative to the working directory: `.` or `../..`, so that the context's file paths
    // and the given ones name folders alike.
    match cwd.strip_prefix(&root) {
        Ok(below) => {
            let up: PathBuf = below.components().map(|_| "..").collect();
            Some(if up.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                up
            })
        }
        Err(_) => Some(root),
    }
}
