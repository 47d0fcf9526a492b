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

/// The `testFolders` parameter of the credential rules: folder names whose files are test
/// fixtures.
pub(crate) const TEST_FOLDERS: ParamInfo = ParamInfo {
    name: "testFolders",
    ty: ParamType::StringList,
    description: "Folder names whose files are test fixtures (any folder of the path as reports show it): a credential there is a throw-away for a test cluster, reported as a warning. `[]`: no folder is special.",
    default: r#"["test", "tests", "testdata", "e2e"]"#,
};

/// The test folder (one of the `testFolders` parameter) that holds the object's file, if
/// any: `tests` for `repo/tests/e2e-auth/01-install.yaml`.
pub(crate) fn test_folder(object: &Object, cx: &Context<'_>) -> Option<String> {
    let folders = cx.param(TEST_FOLDERS.name)?.as_array()?;
    let parent = object.doc.file.path.parent()?;
    parent
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .find(|name| folders.iter().any(|f| f.as_str() == Some(name)))
        .map(str::to_string)
}

/// Reports a credential: at the rule's severity, or as a warning (said in the message) in a
/// test fixture.
pub(crate) fn report_credential(object: &Object, cx: &mut Context<'_>, pointer: &str, message: String) {
    match test_folder(object, cx) {
        Some(folder) => cx.report_at_most(
            Severity::Warning,
            pointer,
            At::Value,
            format!("{message} (in a test fixture, folder `{folder}/`: a warning, as a throw-away credential for a test cluster is still readable by everyone with the repository)"),
        ),
        None => cx.report(pointer, At::Value, message),
    }
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
