//! kubelint: a Kubernetes manifest and policy linter, as a library.
//!
//! One pass over a repository: every YAML/JSON document is loaded with exact positions,
//! checked by the rules, and reported as human diagnostics, JSON, SARIF or GitHub
//! annotations. The binary (`kubelint`) is a thin layer over this API.
//!
//! # Linting
//!
//! Build a [`Linter`] once from a [`Config`] (and [`RunOptions`]); it is `Send + Sync`,
//! so one linter serves many runs from many threads. Each run returns a [`Report`]:
//! [`Finding`]s in report order, a [`Summary`], and what the limits left out.
//!
//! ```
//! use kubelint::{Config, Linter, Severity};
//!
//! let linter = Linter::new(Config::default()).unwrap();
//!
//! // A string (a file's contents, stdin).
//! let report = linter.lint_str("web.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: web, image: nginx}\n");
//! assert!(report.has_findings_at(Severity::Warning));
//! let f = report.findings.iter().find(|f| &*f.rule == "latest-tag").unwrap();
//! assert_eq!((f.start.line, f.start.column), (6, 24));
//!
//! // A directory, walked in parallel (here: this crate's seed fixtures).
//! let report = linter.lint_paths(&[concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds")]);
//! assert_eq!(report.summary.files, 23);
//!
//! // A `serde_json::Value` (positions refer to it pretty-printed).
//! let pod = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
//!     "spec": {"containers": [{"name": "c", "image": "nginx:1.27.2", "securityContext": {"privileged": true}}]}});
//! let report = linter.lint_value("pod.json", &pod);
//! assert!(report.findings.iter().any(|f| &*f.rule == "privileged-container"));
//!
//! // Any output format, or the report itself as JSON through serde.
//! let json = kubelint::report::render_to_string(&report, kubelint::report::Format::Json);
//! assert!(json.contains("\"privileged-container\""));
//! let value = serde_json::to_value(&report.findings[0]).unwrap();
//! assert_eq!(value["file"], "pod.json");
//! ```
//!
//! Several in-memory documents are one run, so cross-object rules see them together
//! ([`Linter::lint_inputs`] with [`Input`]s); [`Linter::lint_streaming`] hands over each
//! file's findings as soon as that file is checked; [`Linter::lint_in_context`] checks
//! one document against objects loaded once ([`PreparedContext`], the admission
//! webhook's path).
//!
//! # Rules
//!
//! [`Linter::rules`] lists every rule's metadata ([`rules::RuleInfo`]). Rules written in
//! Rust implement [`rules::Rule`] and join the built-in ones through
//! [`Linter::with_rules`]: they see a read-only view of each object
//! ([`rules::Object`], [`rules::Node`]) and of all objects ([`rules::Inventory`]), and
//! report through a [`rules::Context`]. With the `scripts` feature, rules written as
//! Rhai scripts load from folders ([`RunOptions::rule_dirs`], `ruleDirs:` in the config)
//! or from text ([`RunOptions::script`]); `docs/writing-rules.md` describes them.
//!
//! # Cargo features
//!
//! - `cli` (default): the `kubelint` binary (clap); enables `human`.
//! - `human`: `report::Format::Human`, diagnostics with source snippets (miette).
//! - `scripts` (default): Rhai rules, including the scripts shipped with kubelint.
//!   Without it, a config or options that name rule folders are a [`ConfigError`].
//! - `lsp` (default, through `cli`): `kubelint lsp`, the language server (lsp-server).
//! - `webhook`: `kubelint serve`, the validating admission webhook (enables `cli`).
//!
//! With `default-features = false` the library needs neither clap, miette, rhai nor an
//! async runtime.
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
mod engine;
#[doc(hidden)]
pub mod load;
#[cfg(feature = "lsp")]
#[doc(hidden)]
pub mod lsp;
mod model;
mod render;
pub mod report;
pub mod rules;
mod schema;
mod vocab;
#[cfg(feature = "webhook")]
#[doc(hidden)]
pub mod webhook;

/// The configuration: `.kubelint.yaml` and the types it is made of.
pub mod config {
    pub use crate::engine::config::{
        CONFIG_FILE_NAMES, Config, ConfigError, LimitSettings, NamespaceMode, Origin, RenderSettings, RuleConfig,
        WebhookSettings,
    };
    pub use crate::model::TemplatePath;
}

pub use crate::engine::baseline::{Applied as BaselineApplied, Baseline};
pub use crate::engine::config::{Config, ConfigError};
pub use crate::engine::fix::{FixOptions, FixOutcome, FixedFile};
pub use crate::engine::{Cancelled, FileFindings, Input, Linter, PreparedContext, RunOptions};
pub use crate::vocab::{
    Applicability, Dropped, Edit, Finding, FindingLimits, Fix, ObjectRef, Position, Report, Severity, SourceFile, Span,
    Summary,
};
