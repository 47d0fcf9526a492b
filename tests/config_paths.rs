//! Paths in `.kubelint.yaml` are relative to the config file's folder: `ruleDirs`,
//! `exclude` (and `crds`, `schemaDirs`), whatever the working directory.

use kubelint::{Config, Linter};

const POD: &str =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: web, image: nginx:latest}\n";

#[cfg(feature = "scripts")]
#[test]
fn rule_dirs_in_a_config_file_load_their_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("conf");
    std::fs::create_dir_all(conf.join("policies")).unwrap();
    std::fs::write(
        conf.join("policies/no-web.rhai"),
        "fn meta() { #{ id: \"no-web\", severity: \"error\", title: \"no pods named web\", description: \"d\", remediation: \"r\" } }\n\
         fn check(object, ctx) { if object.metadata.name == \"web\" { ctx.report(\"/metadata/name\", \"named web\"); } }\n",
    )
    .unwrap();
    std::fs::write(conf.join(".kubelint.yaml"), "ruleDirs: [policies]\n").unwrap();
    let config = Config::load(&conf.join(".kubelint.yaml")).unwrap();
    let linter = Linter::new(config).unwrap();
    assert!(linter.rules().iter().any(|r| r.id == "no-web"));
    let report = linter.lint_str("pod.yaml", POD);
    let f = report
        .findings
        .iter()
        .find(|f| &*f.rule == "no-web")
        .expect("the script ran");
    assert_eq!(f.message, "named web");
}

#[test]
fn config_excludes_are_relative_to_the_config_folder() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    for f in ["deploy/vendor/a.yaml", "deploy/b.yaml", "vendor/c.yaml"] {
        let p = repo.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, POD).unwrap();
    }
    std::fs::write(repo.join("deploy/.kubelint.yaml"), "exclude: [vendor/**]\n").unwrap();
    let config = Config::load(&repo.join("deploy/.kubelint.yaml")).unwrap();
    let linter = Linter::new(config).unwrap();
    // The working directory is not `deploy/` (nor `repo`): the pattern still means
    // `deploy/vendor/**`, and `vendor/c.yaml` beside the config's folder is linted.
    let report = linter.lint_paths(&[repo]);
    let mut files: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            f.file
                .path
                .strip_prefix(repo)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.dedup();
    assert_eq!(files, vec!["deploy/b.yaml", "vendor/c.yaml"]);
    assert_eq!(report.summary.files, 2);
}
