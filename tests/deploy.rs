//! `deploy/` (the webhook's manifests) passes kubelint at warning level, and the config it
//! mounts is valid.

mod common;

#[test]
fn deploy_reports_nothing_at_warning_or_above() {
    let out = common::check(&["deploy/", "--fail-on", "warning", "--format", "json"]);
    let report = common::json(&out);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["summary"]["objects"], 8);
    let kinds: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    // The TLS Secret that cert-manager makes is outside the inputs, which hold no Secret:
    // nothing shows that it is missing.
    assert!(kinds.is_empty(), "{kinds:?}");
}

#[test]
fn the_mounted_config_is_valid() {
    let text = std::fs::read_to_string(common::root().join("deploy/kubelint-webhook.yaml")).unwrap();
    let file = kubelint::load::SourceFile::new("deploy.yaml", text);
    let (docs, _) = kubelint::load::yaml::parse_stream(&file);
    let config_map = docs
        .iter()
        .find(|d| d.root.pointer("/metadata/name").and_then(|n| n.as_str()) == Some("kubelint-config"))
        .unwrap();
    let embedded = config_map
        .root
        .pointer("/data/.kubelint.yaml")
        .and_then(|n| n.as_str())
        .unwrap();
    let config = kubelint::Config::parse(std::path::Path::new(".kubelint.yaml"), embedded).unwrap();
    assert_eq!(config.webhook.exempt_namespaces, vec!["kube-system", "kubelint-system"]);
    assert_eq!(config.webhook.deny_on, Some(kubelint::Severity::Error));
}
