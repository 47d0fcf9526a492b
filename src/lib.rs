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
//! ```
//! use kubelint::{Config, Linter, Severity};
//!
//! let linter = Linter::new(Config::default()).unwrap();
//! let report = linter.lint_str("web.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: web, image: nginx}\n");
//! assert!(report.has_findings_at(Severity::Warning));
//! println!("{}", kubelint::report::render_to_string(&report, &linter, kubelint::report::Format::Json));
//! ```

pub mod cli;
pub mod config;
pub mod finding;
pub mod linter;
pub mod model;
pub mod report;
pub mod rule_tests;
pub mod rules;
pub mod schema;
pub mod source;

pub use config::{Config, ConfigError};
pub use finding::{Finding, ObjectRef, Severity};
pub use linter::{Input, Linter, Report, RunOptions, Summary};
