//! Partial input: when only some files of a repository are checked (a pre-commit hook
//! passes the changed files), the rest of the repository is read-only context. Cross-object
//! rules see everything; findings are reported on the given files only.

mod common;

use std::path::Path;

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n";

const POLICY_AND_SERVICE: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: {app: wbe}\n  ports: [{port: 80}]\n";

/// A repository (a `.git` folder is what marks it) with a Deployment in one file and a
/// NetworkPolicy and a Service (whose selector has a typo) in another.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("k8s")).unwrap();
    std::fs::write(dir.path().join("k8s/deploy.yaml"), DEPLOYMENT).unwrap();
    std::fs::write(dir.path().join("k8s/network.yaml"), POLICY_AND_SERVICE).unwrap();
    dir
}

fn findings(dir: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["check", "--no-config", "--format", "json", "--fail-on", "never"];
    all.extend(args);
    let (code, json) = common::json_in(dir, &all);
    assert_eq!(code, Some(0), "{json}");
    json["findings"].as_array().unwrap().clone()
}

fn of_rule<'a>(findings: &'a [serde_json::Value], rule: &str) -> Vec<&'a serde_json::Value> {
    findings.iter().filter(|f| f["rule"] == rule).collect()
}

#[test]
fn a_file_of_a_repository_is_judged_against_the_rest_of_it() {
    let repo = repository();
    let found = findings(repo.path(), &["k8s/deploy.yaml"]);
    // The NetworkPolicy of the other file isolates ingress: only egress is left open.
    let isolated = of_rule(&found, "non-isolated-workload");
    assert_eq!(isolated.len(), 1, "{found:#?}");
    let message = isolated[0]["message"].as_str().unwrap();
    assert!(message.contains("egress is not isolated"), "{message}");
    assert!(!message.contains("ingress"), "{message}");
    // Nothing is reported on the context's own file.
    assert!(found.iter().all(|f| f["file"] == "k8s/deploy.yaml"), "{found:#?}");
}

#[test]
fn the_context_lets_cross_file_mistakes_show() {
    let repo = repository();
    // Alone, network.yaml holds no workload: the Service's selector proves nothing.
    let alone = findings(repo.path(), &["--no-context", "k8s/network.yaml"]);
    assert!(of_rule(&alone, "service-selects-nothing").is_empty(), "{alone:#?}");
    // With the repository, the Deployment beside it shows the typo.
    let found = findings(repo.path(), &["k8s/network.yaml"]);
    let typo = of_rule(&found, "service-selects-nothing");
    assert_eq!(typo.len(), 1, "{found:#?}");
    assert_eq!(typo[0]["file"], "k8s/network.yaml");
    assert_eq!(typo[0]["start"]["line"], 16);
    assert_eq!(typo[0]["path"], "/spec/selector");
    assert_eq!(typo[0]["severity"], "warning");
    assert_eq!(
        typo[0]["message"],
        "no pod template in the input matches the selector (app=wbe) in namespace `shop`; pods there carry `app=web`"
    );
}

#[test]
fn no_context_checks_the_files_on_their_own() {
    let repo = repository();
    let found = findings(repo.path(), &["--no-context", "k8s/deploy.yaml"]);
    let isolated = of_rule(&found, "non-isolated-workload");
    assert_eq!(isolated.len(), 1);
    assert!(
        isolated[0]["message"]
            .as_str()
            .unwrap()
            .contains("ingress and egress are not isolated")
    );
}

#[test]
fn an_explicit_context_works_outside_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("deploy.yaml"), DEPLOYMENT).unwrap();
    std::fs::create_dir_all(dir.path().join("platform")).unwrap();
    std::fs::write(dir.path().join("platform/network.yaml"), POLICY_AND_SERVICE).unwrap();
    let found = findings(dir.path(), &["--context", "platform", "deploy.yaml"]);
    let isolated = of_rule(&found, "non-isolated-workload");
    assert!(
        isolated[0]["message"]
            .as_str()
            .unwrap()
            .contains("egress is not isolated")
    );
    assert!(found.iter().all(|f| f["file"] == "deploy.yaml"));
    // A context that cannot be read is a usage error when asked for by name.
    let output = common::kubelint()
        .current_dir(dir.path())
        .args(["check", "--no-config", "--context", "missing", "deploy.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

#[test]
fn folders_are_checked_whole_without_a_context() {
    let repo = repository();
    let found = findings(repo.path(), &["k8s"]);
    // Both files are reported on: the folder is the input, not a context.
    assert!(found.iter().any(|f| f["file"] == "k8s/network.yaml"));
    assert!(found.iter().any(|f| f["file"] == "k8s/deploy.yaml"));
}

#[test]
fn the_config_names_the_context_relative_to_itself() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("apps")).unwrap();
    std::fs::create_dir_all(dir.path().join("platform")).unwrap();
    std::fs::write(dir.path().join("apps/deploy.yaml"), DEPLOYMENT).unwrap();
    std::fs::write(dir.path().join("platform/network.yaml"), POLICY_AND_SERVICE).unwrap();
    std::fs::write(dir.path().join(".kubelint.yaml"), "context: [platform]\n").unwrap();
    // Run from below the config's folder: its paths are relative to the config file.
    let run = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json", "--fail-on", "never"];
        all.extend(args);
        let (code, json) = common::json_in(&dir.path().join("apps"), &all);
        assert_eq!(code, Some(0), "{json}");
        json["findings"].as_array().unwrap().clone()
    };
    let found = run(&["deploy.yaml"]);
    let isolated = of_rule(&found, "non-isolated-workload");
    assert_eq!(isolated.len(), 1, "{found:#?}");
    assert!(
        isolated[0]["message"]
            .as_str()
            .unwrap()
            .contains("egress is not isolated")
    );
    assert!(found.iter().all(|f| f["file"] == "deploy.yaml"), "{found:#?}");
    // `--no-context` still wins over the config.
    let alone = run(&["--no-context", "deploy.yaml"]);
    let isolated = of_rule(&alone, "non-isolated-workload");
    assert!(isolated[0]["message"].as_str().unwrap().contains("ingress and egress"));
    // A configured context that cannot be read is a usage error, as `--context` is.
    std::fs::write(dir.path().join(".kubelint.yaml"), "context: [missing]\n").unwrap();
    let output = common::kubelint()
        .current_dir(dir.path().join("apps"))
        .args(["check", "deploy.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}
