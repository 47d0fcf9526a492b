//! `duplicate-env-var`: A container sets the same environment variable twice.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "duplicate-env-var",
    family: Family::Hygiene,
    title: "A container sets the same environment variable twice",
    rationale: "When `env` names a variable twice, the last entry silently wins; the first one is dead configuration that misleads readers and reviewers.",
    default_reason: "Warning: the later value wins silently; the earlier one is dead configuration and usually a merge mistake.",
    remediation: "Remove one of the two entries.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: registry.example.com/api:3.2.0\n      env:\n        - {name: LOG_LEVEL, value: info}\n        - {name: LOG_LEVEL, value: debug}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: registry.example.com/api:3.2.0\n      env:\n        - {name: LOG_LEVEL, value: info}\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((_, containers)) = crate::rules::containers(object) else {
        return;
    };
    for c in containers {
        let mut seen: Vec<&str> = Vec::new();
        for (i, e) in c.node.seq_of("env").iter().enumerate() {
            let Some(name) = e.get("name").and_then(Node::as_str) else {
                continue;
            };
            if seen.contains(&name) {
                cx.report(
                    &c.field(&format!("env/{i}/name")),
                    At::Value,
                    format!("{} sets `{name}` more than once", c.describe()),
                );
            }
            seen.push(name);
        }
    }
}
