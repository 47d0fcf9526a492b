//! What a built-in rule file needs, in one import: `use crate::rules::prelude::*;`.
//!
//! A rule file (`src/rules/<family>/<rule_id>.rs`) declares `pub(crate) static RULE: RuleInfo`
//! and `pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>)`;
//! `build.rs` registers it.

pub(crate) use super::context::Context;
pub(crate) use crate::load::{Node, Value};
pub(crate) use crate::model::edit::NewValue;
pub(crate) use crate::model::{
    Container, ContainerKind, ImageRef, Inventory, LabelSelector, Object, SecurityView, parse_quantity, scalar_text,
};
pub(crate) use crate::vocab::{Applicability, At, Family, ParamInfo, ParamType, RuleInfo, Severity, WORKLOADS};
