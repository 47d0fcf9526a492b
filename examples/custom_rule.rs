//! A rule written in Rust, registered next to the built-in ones: Deployments must say which
//! team owns them in the `example.com/team` annotation.
//! `cargo run --example custom_rule`

use kubelint::rules::{At, Context, Family, Inventory, Object, Rule, RuleInfo};
use kubelint::{Config, Linter, RunOptions, Severity};

static TEAM_ANNOTATION: RuleInfo = RuleInfo {
    id: "team-annotation",
    family: Family::Hygiene,
    severity: Severity::Warning,
    title: "A Deployment has no team annotation",
    rationale: "Incidents need an owner.",
    remediation: "Add `example.com/team: <team>` to metadata.annotations.",
    ..RuleInfo::BASE
};

struct TeamAnnotation;

impl Rule for TeamAnnotation {
    fn info(&self) -> &'static RuleInfo {
        &TEAM_ANNOTATION
    }

    fn check(&self, object: &Object, _: &Inventory, cx: &mut Context<'_>) {
        if object.kind == "Deployment" && !object.annotations.contains_key("example.com/team") {
            cx.report("/metadata/name", At::Value, "no `example.com/team` annotation");
        }
    }
}

fn run() -> Vec<(String, u32)> {
    let options = RunOptions::default().only(["team-annotation"]);
    let linter = Linter::with_rules(Config::default(), options, vec![Box::new(TeamAnnotation)]).expect("valid");
    let report = linter.lint_str(
        "d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx:1.27.2}]\n",
    );
    report
        .findings
        .iter()
        .map(|f| (f.rule.to_string(), f.start.line))
        .inspect(|f| println!("{f:?}"))
        .collect()
}

fn main() {
    run();
}

#[test]
fn the_custom_rule_reports_at_the_name() {
    assert_eq!(run(), vec![("team-annotation".to_string(), 4)]);
}
