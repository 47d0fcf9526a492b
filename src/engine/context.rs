//! Objects other objects are judged against, prepared once ([`PreparedContext`]), and
//! the answer of a run that was stopped ([`Cancelled`]).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::load::FragmentRef;

use crate::model::Inventory;
use crate::schema::CrdSchemas;

/// Objects that other objects are judged against (the admission webhook's `--context`):
/// loaded, indexed and with their CRDs gathered once by [`Linter::load_context`](crate::Linter::load_context) or
/// [`Linter::prepare_context`](crate::Linter::prepare_context). Share it (`Arc`) between threads and runs; a run in it
/// ([`Linter::lint_in_context`](crate::Linter::lint_in_context)) pays for its own objects only, not for the context's.
pub struct PreparedContext {
    pub(super) inventory: Arc<Inventory>,
    pub(super) crds: Arc<CrdSchemas>,
    /// Files that the context's Kustomizations name as patches (a workspace's context,
    /// [`Linter::workspace_context`](crate::Linter)): a file linted in the context that is
    /// one is a fragment, as in a full run.
    #[cfg_attr(not(feature = "lsp"), allow(dead_code))]
    pub(super) fragments: Arc<HashMap<PathBuf, FragmentRef>>,
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
