//! kubelint: a Kubernetes manifest and policy linter.
//!
//! One pass over a repository: every YAML/JSON document is loaded with exact positions,
//! checked by the rules, and reported as human diagnostics, JSON, SARIF or GitHub
//! annotations. The pipeline is `discover → load → inventory → check → report`:
//!
//! - [`source`]: the parallel walk and the YAML loader that keeps a span for every value;
//! - [`model`]: objects, pod templates, label selectors and the inventory index;
//! - [`rules`]: rule metadata and the built-in checks;
//! - [`report`]: the output formats;
//! - [`Linter`]: the whole pipeline behind one value, built once and shared by threads.
//!
//! Build a [`Linter`] once (it is `Send + Sync`) and lint strings, folders or JSON values:
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
//! // Any output format.
//! let json = kubelint::report::render_to_string(&report, kubelint::report::Format::Json);
//! assert!(json.contains("\"privileged-container\""));
//! ```
//!
//! Custom rules written in Rust join the built-in ones through [`Linter::with_rules`]
//! (`examples/custom_rule.rs`); rules written as Rhai scripts load from folders
//! (`docs/writing-rules.md`).

pub mod cli;
pub mod engine;
pub mod load;
pub mod model;
pub mod report;
pub mod rules;
pub mod schema;
pub mod vocab;
#[cfg(feature = "webhook")]
pub mod webhook;

pub use crate::vocab::{Finding, ObjectRef, Report, Severity, Summary};
pub use engine::config::{Config, ConfigError};
pub use engine::{Input, Linter, RunOptions};
