//! The shared vocabulary of every stage: where something is in a file ([`Span`],
//! [`Position`], [`SourceFile`]), how bad it is ([`Severity`]), what a rule is
//! ([`RuleInfo`]), what it found ([`Finding`]) and what a run reports ([`Report`]).
//!
//! A leaf: it imports nothing else of kubelint, and every other module may import it.

pub(crate) mod finding;
pub(crate) mod fix;
pub(crate) mod limits;
pub(crate) mod report;
pub(crate) mod rule;
pub(crate) mod severity;
pub(crate) mod suggest;
pub(crate) mod text;

pub(crate) use finding::fingerprint;
pub use finding::{Finding, ObjectRef};
pub use fix::{Applicability, Edit, Fix};
pub(crate) use fix::{Change, ChangeOp};
pub use limits::{Dropped, FindingLimits};
pub use report::{Report, Summary};
pub use rule::{At, Family, ParamInfo, ParamType, RuleInfo, RuleSettings, RuleState, WORKLOADS};
pub use severity::Severity;
pub use text::{Position, SourceFile, Span};
