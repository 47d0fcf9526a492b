//! Deprecated and removed API versions, from `schemas/deprecations.json` (which cites its
//! source).

use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deprecation {
    pub api_version: String,
    pub kinds: Vec<String>,
    pub deprecated_in: String,
    pub removed_in: Option<String>,
    pub replacement: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl Deprecation {
    /// What to do instead: "; use X", the table's note, or nothing.
    pub fn advice(&self) -> String {
        match (&self.replacement, &self.note) {
            (Some(r), _) => format!("; use {r}"),
            (None, Some(n)) => format!("; {n}"),
            (None, None) => String::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct Table {
    apis: Vec<Deprecation>,
}

fn table() -> &'static [Deprecation] {
    static TABLE: OnceLock<Vec<Deprecation>> = OnceLock::new();
    TABLE.get_or_init(|| {
        serde_json::from_str::<Table>(include_str!("../../schemas/deprecations.json"))
            .expect("schemas/deprecations.json is valid")
            .apis
    })
}

/// `"1.25"` → (1, 25).
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let (major, minor) = v.trim_start_matches('v').split_once('.')?;
    Some((major.parse().ok()?, minor.split('.').next()?.parse().ok()?))
}

/// What the target version says about `apiVersion` `kind`.
pub enum Status<'a> {
    Current,
    Deprecated(&'a Deprecation),
    Removed(&'a Deprecation),
}

pub fn status(api_version: &str, kind: &str, target: &str) -> Status<'static> {
    let Some(target) = parse_version(target) else {
        return Status::Current;
    };
    for d in table() {
        if d.api_version != api_version || !d.kinds.iter().any(|k| k == kind) {
            continue;
        }
        if d.removed_in
            .as_deref()
            .and_then(parse_version)
            .is_some_and(|r| r <= target)
        {
            return Status::Removed(d);
        }
        if parse_version(&d.deprecated_in).is_some_and(|v| v <= target) {
            return Status::Deprecated(d);
        }
    }
    Status::Current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_answers_by_target_version() {
        assert!(
            matches!(status("policy/v1beta1", "PodDisruptionBudget", "1.37"), Status::Removed(d) if d.replacement.as_deref() == Some("policy/v1"))
        );
        assert!(matches!(
            status("policy/v1beta1", "PodDisruptionBudget", "1.22"),
            Status::Deprecated(_)
        ));
        assert!(matches!(
            status("policy/v1beta1", "PodDisruptionBudget", "1.20"),
            Status::Current
        ));
        assert!(
            matches!(status("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26"), Status::Removed(d) if d.removed_in.as_deref() == Some("1.26"))
        );
        assert!(matches!(status("apps/v1", "Deployment", "1.37"), Status::Current));
        assert_eq!(parse_version("v1.33.2"), Some((1, 33)));
    }
}
