//! Cross-object rules link the whole input, across folders and namespaces.

mod common;

use std::fs;

use assert_cmd::Command;
use serde_json::Value;

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

const RULES: [&str; 8] = [
    "service-selects-nothing",
    "non-isolated-workload",
    "hpa-target-missing",
    "pdb-missing",
    "mtls-not-strict",
    "binding-role-missing",
    "config-reference-missing",
    "service-account-missing",
];

fn findings(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut cmd = Command::cargo_bin("kubelint").unwrap();
    cmd.current_dir(dir)
        .args(["check", "--no-config", "--format", "json", "--fail-on", "never"]);
    for r in RULES {
        cmd.args(["--only", r]);
    }
    let out = cmd.output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["object"]["name"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    got.sort();
    got
}

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: nginx:1.27.2
          envFrom: [{configMapRef: {name: web-config}}]
";

#[test]
fn objects_in_different_folders_are_linked() {
    let complete = repo(&[
        ("apps/web/deployment.yaml", DEPLOY),
        (
            "apps/web/service.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n",
        ),
        (
            "config/shop/configmap.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config, namespace: shop}\ndata: {a: b}\n",
        ),
        (
            "identity/sa.json",
            r#"{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "web", "namespace": "shop"}}"#,
        ),
        (
            "policies/network.yaml",
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n",
        ),
        (
            "policies/pdb.yaml",
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: shop}\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app: web}}\n",
        ),
        (
            "policies/mesh.yaml",
            "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: istio-system}\nspec:\n  mtls: {mode: STRICT}\n",
        ),
        (
            "scaling/hpa.yaml",
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: shop}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 3\n  maxReplicas: 9\n",
        ),
        (
            "rbac/binding.yaml",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: web, namespace: shop}\nsubjects: [{kind: ServiceAccount, name: web, namespace: shop}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: web}\n",
        ),
        (
            "rbac/role.yaml",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: web, namespace: shop}\nrules: [{apiGroups: [\"\"], resources: [configmaps], verbs: [get]}]\n",
        ),
    ]);
    assert_eq!(findings(complete.path()), vec![], "everything is linked across folders");
    // The same workload alone: the rules that need nothing but the workload's namespace
    // speak; those about missing ServiceAccounts and ConfigMaps, and mTLS, do not, since the
    // input shows none of them in `shop` (and nothing puts `shop` in the mesh).
    let alone = repo(&[
        ("apps/web/deployment.yaml", DEPLOY),
        (
            "policies/mesh.yaml",
            "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: other}\nspec:\n  mtls: {mode: STRICT}\n",
        ),
    ]);
    let rules: Vec<String> = findings(alone.path()).into_iter().map(|(r, _)| r).collect();
    assert_eq!(rules, vec!["non-isolated-workload", "pdb-missing"]);
}

#[test]
fn namespaces_keep_objects_apart() {
    // A Service in `other` does not select the pods of `shop`, and a policy in `other`
    // does not isolate them; cluster-scoped ClusterRoles are found from any namespace.
    let dir = repo(&[
        ("a.yaml", DEPLOY),
        (
            "b.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: other}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: api, namespace: other, labels: {app: api}}\nspec:\n  containers: [{name: api, image: nginx:1.27.2}]\n",
        ),
        (
            "c.yaml",
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: other}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n",
        ),
        (
            "d.yaml",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: []\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: web, namespace: shop}\nsubjects: [{kind: ServiceAccount, name: web, namespace: shop}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}\n",
        ),
    ]);
    let got = findings(dir.path());
    assert!(
        got.contains(&("service-selects-nothing".into(), "web".into())),
        "{got:?}"
    );
    assert!(got.contains(&("non-isolated-workload".into(), "web".into())), "{got:?}");
    assert!(!got.iter().any(|(r, _)| r == "binding-role-missing"), "{got:?}");
}

#[test]
fn known_namespaces_only_limits_absence_rules() {
    let absence_run = [
        "check",
        "--format",
        "json",
        "--only",
        "service-account-missing",
        "--only",
        "config-reference-missing",
    ];
    // Other ServiceAccounts and ConfigMaps of `shop` show that the input holds them.
    let others = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: api-config, namespace: shop}\ndata: {a: b}\n";
    let dir = repo(&[("a.yaml", DEPLOY), ("b.yaml", others)]);
    fs::write(
        dir.path().join(".kubelint.yaml"),
        "rules:\n  service-account-missing:\n    params: {knownNamespacesOnly: true}\n  config-reference-missing:\n    params: {knownNamespacesOnly: true}\n",
    )
    .unwrap();
    let (_, report) = common::json_in(dir.path(), &absence_run);
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        0,
        "namespace `shop` is not defined in the inputs"
    );
    fs::write(
        dir.path().join("ns.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
    )
    .unwrap();
    let (_, report) = common::json_in(dir.path(), &absence_run);
    assert_eq!(report["findings"].as_array().unwrap().len(), 2);
}
