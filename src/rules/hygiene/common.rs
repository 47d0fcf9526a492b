//! Configuration hygiene: environment, namespaces, services, ingress, jobs, labels.
//!
//! Helpers shared by the rules of this family (not a rule: never registered).

use crate::rules::prelude::*;

/// Name fragments that mark a variable as a secret.
pub(crate) const SECRET_WORDS: [&str; 9] = [
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
    "ACCESS_KEY",
];

/// Whether an environment variable's name says it holds a secret.
pub(crate) fn names_a_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    // The name, path or reference of a secret is not the secret (`DB_SECRET_NAME`,
    // `TOKEN_FILE`), and some "tokens" are documented as public identifiers.
    let names_one = ["_NAME", "_FILE", "_PATH", "_DIR", "_REF", "_KEY_ID", "_NAMESPACE"]
        .iter()
        .any(|s| upper.ends_with(s));
    let public = ["ETCD_INITIAL_CLUSTER_TOKEN"].contains(&upper.as_str());
    !names_one && !public && SECRET_WORDS.iter().any(|w| upper.contains(w))
}

/// Reports an object of `group`/`kind` whose `spec` lacks `field`.
pub(crate) fn spec_field_missing(
    object: &Object,
    cx: &mut Context<'_>,
    (group, kind): (&str, &str),
    field: &str,
    consequence: &str,
) {
    if object.is(group, kind) && object.node().pointer(&format!("/spec/{field}")).is_none() {
        cx.report("/spec", At::Key, format!("the {kind} has no `{field}`{consequence}"));
    }
}

pub(crate) fn required(object: &Object, cx: &mut Context<'_>, what: &str) {
    let keys: Vec<String> = cx
        .param(what)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let have = if what == "labels" {
        &object.labels
    } else {
        &object.annotations
    };
    let singular = &what[..what.len() - 1];
    for k in keys {
        if !have.contains_key(&k) {
            let (pointer, at) = match object.node().pointer(&format!("/metadata/{what}")) {
                Some(_) => (format!("/metadata/{what}"), At::Key),
                None => ("/metadata".to_string(), At::Key),
            };
            cx.report(
                &pointer,
                at,
                format!("{} lacks the required {singular} `{k}`", object.kind),
            );
        }
    }
}
