//! `secret-in-env`: A secret-looking environment variable has a literal value.

use super::common::{TEST_FOLDERS, names_a_secret, report_credential};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "secret-in-env",
    family: Family::Hygiene,
    severity: Severity::Error,
    title: "A secret-looking environment variable has a literal value",
    rationale: "A password, token or key written into the manifest is in the repository's history forever and readable by anyone who can read the workload (`kubectl get -o yaml`), unlike a Secret whose access RBAC controls.",
    default_reason: "Error: a credential committed in a manifest is leaked to everyone with the repository; rotate it. In a test fixture (a file under a `testFolders` folder: `test/`, `tests/`, `testdata/`, `e2e/`) it is a warning: such credentials are throw-aways for a test cluster, as on the shared corpus's e2e suites.",
    remediation: "Move the value to a Secret and reference it with `valueFrom.secretKeyRef` (or mount it as a file); rotate the exposed value.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: registry.example.com/api:3.2.0\n      env:\n        - name: DB_PASSWORD\n          value: hunter2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: registry.example.com/api:3.2.0\n      env:\n        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef: {name: api-db, key: password}\n",
    security_severity: Some("7.5"),
    params: &[TEST_FOLDERS],
    example_config: "params:\n  testFolders: [test, tests, testdata, e2e, fixtures]\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((_, containers)) = crate::rules::containers(object) else {
        return;
    };
    for c in containers {
        for (i, e) in c.node.seq_of("env").iter().enumerate() {
            let (Some(name), Some(value)) = (e.get("name").and_then(Node::as_str), e.get("value")) else {
                continue;
            };
            let literal = crate::model::scalar_text(value).unwrap_or_default();
            if names_a_secret(name) && !literal.is_empty() && !literal.starts_with("$(") {
                let message = format!(
                    "{} sets `{name}` to a literal value; secrets belong in a Secret",
                    c.describe()
                );
                report_credential(object, cx, &c.field(&format!("env/{i}/value")), message);
            }
        }
    }
}
