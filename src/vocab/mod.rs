//! The shared vocabulary of every stage: where something is in a file ([`Span`],
//! [`Position`], [`SourceFile`]), how bad it is ([`Severity`]), what a rule is
//! ([`RuleInfo`]), what it found ([`Finding`]) and what a run reports ([`Report`]).
//!
//! A leaf: it imports nothing else of kubelint, and every other module may import it.

pub mod finding;
pub mod limits;
pub mod report;
pub mod rule;
pub mod severity;
pub mod suggest;
pub mod text;

pub use finding::{Finding, ObjectRef};
pub use limits::{Dropped, FindingLimits};
pub use report::{Report, Summary};
pub use rule::{At, DOCS_BASE, Family, ParamInfo, ParamType, RuleInfo, RuleSettings, RuleState, WORKLOADS};
pub use severity::Severity;
pub use text::{LineIndex, Position, SourceFile, Span};
