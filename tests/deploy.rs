//! `deploy/` (the webhook's kustomization): it renders with the real `kubectl kustomize`,
//! lints clean with kubelint itself, and each property that keeps the webhook from breaking
//! a cluster is asserted on the rendered manifests, one test per concern.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// `kubectl kustomize DIR`'s output (kubectl is part of this project's machines).
fn kustomize(dir: &str) -> String {
    let out = Command::new("kubectl")
        .args(["kustomize", dir])
        .current_dir(common::root())
        .output()
        .expect("kubectl is installed (it renders deploy/)");
    assert!(
        out.status.success(),
        "kubectl kustomize {dir}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The objects of a YAML stream, as JSON.
fn objects(text: &str) -> Vec<Value> {
    let file = kubelint::load::SourceFile::new("deploy.yaml", text.to_string());
    let (docs, problems) = kubelint::load::yaml::parse_stream(&file);
    assert!(problems.is_empty(), "{problems:?}");
    docs.iter().map(|d| d.root.to_json()).collect()
}

struct Rendered {
    objects: Vec<Value>,
}

impl Rendered {
    fn of(dir: &str) -> Rendered {
        Rendered {
            objects: objects(&kustomize(dir)),
        }
    }

    fn all(&self, kind: &str) -> Vec<&Value> {
        self.objects.iter().filter(|o| o["kind"] == kind).collect()
    }

    fn one(&self, kind: &str) -> &Value {
        let all = self.all(kind);
        assert_eq!(all.len(), 1, "one {kind}");
        all[0]
    }

    fn named(&self, kind: &str, name: &str) -> &Value {
        self.objects
            .iter()
            .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("no {kind} {name}"))
    }

    fn namespace(&self) -> &str {
        self.one("Namespace")["metadata"]["name"].as_str().unwrap()
    }

    fn deployment(&self) -> &Value {
        self.one("Deployment")
    }

    fn pod(&self) -> &Value {
        &self.deployment()["spec"]["template"]
    }

    fn container(&self) -> &Value {
        let containers = self.pod()["spec"]["containers"].as_array().unwrap();
        assert_eq!(containers.len(), 1);
        &containers[0]
    }

    fn args(&self) -> Vec<String> {
        self.container()["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect()
    }

    /// The value of `--flag=value` among the server's arguments.
    fn flag(&self, flag: &str) -> Option<String> {
        let prefix = format!("--{flag}=");
        self.args()
            .iter()
            .find_map(|a| a.strip_prefix(&prefix).map(str::to_string))
    }

    fn webhook(&self) -> &Value {
        let config = self.one("ValidatingWebhookConfiguration");
        let hooks = config["webhooks"].as_array().unwrap();
        assert_eq!(hooks.len(), 1);
        &hooks[0]
    }

    /// The volume mounted at the folder that holds `path` (or at `path` itself).
    fn volume_at(&self, path: &str) -> &Value {
        let mount = self.container()["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| {
                let at = m["mountPath"].as_str().unwrap();
                path == at || path.starts_with(&format!("{}/", at.trim_end_matches('/')))
            })
            .max_by_key(|m| m["mountPath"].as_str().unwrap().len())
            .unwrap_or_else(|| panic!("nothing is mounted at {path}"));
        assert_eq!(mount["readOnly"], true, "{mount}");
        self.pod()["spec"]["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == mount["name"])
            .unwrap()
    }
}

/// Whether `selector` (a LabelSelector with matchLabels only) selects `labels`.
fn selects(selector: &Value, labels: &Value) -> bool {
    let wanted = selector["matchLabels"].as_object().unwrap();
    !wanted.is_empty() && wanted.iter().all(|(k, v)| &labels[k] == v)
}

fn base() -> Rendered {
    Rendered::of("deploy")
}

#[test]
fn both_kustomizations_render_and_differ_only_by_warn_only() {
    let base = base();
    let warn = Rendered::of("deploy/warn-only");
    assert_eq!(base.objects.len(), warn.objects.len());
    assert!(!base.args().iter().any(|a| a == "--warn-only"));
    assert!(warn.args().iter().any(|a| a == "--warn-only"));
    let mut patched = warn.objects.clone();
    for o in &mut patched {
        if o["kind"] == "Deployment" {
            let args = o["spec"]["template"]["spec"]["containers"][0]["args"]
                .as_array_mut()
                .unwrap();
            args.retain(|a| a != "--warn-only");
        }
    }
    assert_eq!(patched, base.objects);
    let kinds: BTreeSet<&str> = base.objects.iter().map(|o| o["kind"].as_str().unwrap()).collect();
    let expected = [
        "Certificate",
        "ConfigMap",
        "Deployment",
        "Issuer",
        "Namespace",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Service",
        "ServiceAccount",
        "ValidatingWebhookConfiguration",
    ];
    assert_eq!(kinds, expected.into_iter().collect());
}

/// kubelint on what `kubectl apply -k deploy/` applies, and on the folder as files.
#[test]
fn kubelint_reports_no_error_and_only_the_explained_warnings() {
    for dir in ["deploy", "deploy/warn-only"] {
        let out = common::kubelint_stdin(
            &kustomize(dir),
            &[
                "check",
                "--no-config",
                "-",
                "--stdin-filename",
                "rendered.yaml",
                "--format",
                "json",
                "--fail-on",
                "error",
            ],
        );
        let report = common::json(&out);
        assert_eq!(out.status.code(), Some(0), "{report:#}");
        let found: BTreeSet<(String, String)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] != "info")
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        // No warning at all. (kubelint ships no schema for cert-manager's kinds: that is an
        // info-level `unknown-kind`; give it cert-manager's CRDs with --crd to validate them.)
        assert!(found.is_empty(), "{found:#?}");
        let unknown: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "unknown-kind")
            .map(|f| f["message"].as_str().unwrap())
            .collect();
        assert!(unknown.iter().all(|m| m.contains("cert-manager.io/v1")), "{unknown:#?}");
    }
    // The files as they are in the repository: no error either.
    let out = common::check(&["deploy/", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{:#}", common::json(&out));
}

#[test]
fn everything_lives_in_the_webhooks_namespace() {
    let r = base();
    let ns = r.namespace();
    for o in &r.objects {
        let kind = o["kind"].as_str().unwrap();
        if matches!(kind, "Namespace" | "ValidatingWebhookConfiguration") {
            assert!(o["metadata"]["namespace"].is_null(), "{kind} is cluster-scoped");
        } else {
            assert_eq!(o["metadata"]["namespace"], ns, "{kind} {}", o["metadata"]["name"]);
        }
    }
}

/// The server makes no call to the API server (src/webhook has no Kubernetes client), so
/// the pod gets no token and no Role exists.
#[test]
fn no_api_access() {
    let r = base();
    let account = r.one("ServiceAccount");
    assert_eq!(account["automountServiceAccountToken"], false);
    let pod = &r.pod()["spec"];
    assert_eq!(pod["serviceAccountName"], account["metadata"]["name"]);
    assert_eq!(pod["automountServiceAccountToken"], false);
    for kind in ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"] {
        assert!(r.all(kind).is_empty(), "{kind}");
    }
    let src = std::fs::read_dir(common::root().join("src/webhook")).unwrap();
    for file in src {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        assert!(
            !text.contains("KUBERNETES_SERVICE_HOST") && !text.contains("serviceaccount/token"),
            "the webhook calls the API server: deploy/ must give it a token and a Role"
        );
    }
}

#[test]
fn two_replicas_that_are_never_down_together() {
    let r = base();
    let d = r.deployment();
    let labels = &r.pod()["metadata"]["labels"];
    assert!(d["spec"]["replicas"].as_u64().unwrap() >= 2);
    assert!(selects(&d["spec"]["selector"], labels));
    assert_eq!(d["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"], 0);
    // A drain evicts at most one.
    let pdb = r.one("PodDisruptionBudget");
    assert!(selects(&pdb["spec"]["selector"], labels));
    let replicas = d["spec"]["replicas"].as_u64().unwrap();
    match (
        pdb["spec"]["maxUnavailable"].as_u64(),
        pdb["spec"]["minAvailable"].as_u64(),
    ) {
        (Some(max), None) => assert!(max >= 1 && max < replicas),
        (None, Some(min)) => assert!(min >= 1 && min < replicas),
        other => panic!("{other:?}"),
    }
    // On different nodes: a hard spread on the node name (and a soft one on zones).
    let spread = r.pod()["spec"]["topologySpreadConstraints"].as_array().unwrap();
    let by_node = spread
        .iter()
        .find(|c| c["topologyKey"] == "kubernetes.io/hostname")
        .unwrap();
    assert_eq!(by_node["whenUnsatisfiable"], "DoNotSchedule");
    assert_eq!(by_node["maxSkew"], 1);
    assert!(selects(&by_node["labelSelector"], labels));
    assert!(spread.iter().any(|c| c["topologyKey"] == "topology.kubernetes.io/zone"));
}

#[test]
fn restricted_security_context_and_resources() {
    let r = base();
    let pod = &r.pod()["spec"];
    let c = r.container();
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert!(pod["securityContext"]["runAsUser"].as_u64().unwrap() > 0);
    assert_eq!(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
    let sc = &c["securityContext"];
    assert_eq!(sc["allowPrivilegeEscalation"], false);
    assert_eq!(sc["readOnlyRootFilesystem"], true);
    assert_eq!(sc["capabilities"]["drop"], serde_json::json!(["ALL"]));
    assert!(sc["privileged"].is_null() || sc["privileged"] == false);
    for what in ["requests", "limits"] {
        for resource in ["cpu", "memory"] {
            assert!(c["resources"][what][resource].is_string(), "{what}.{resource}");
        }
    }
    for host in ["hostNetwork", "hostPID", "hostIPC"] {
        assert!(pod[host].is_null(), "{host}");
    }
    assert_eq!(
        r.one("Namespace")["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
        "restricted"
    );
}

/// Only the API server reaches the pods, on the server's port; they reach nothing.
#[test]
fn network_policy_admits_the_webhook_port_only() {
    let r = base();
    let policy = r.one("NetworkPolicy");
    assert!(selects(&policy["spec"]["podSelector"], &r.pod()["metadata"]["labels"]));
    let types: BTreeSet<&str> = policy["spec"]["policyTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(types, BTreeSet::from(["Egress", "Ingress"]));
    assert_eq!(policy["spec"]["egress"], serde_json::json!([]));
    let port: u16 = r.flag("listen").unwrap().rsplit_once(':').unwrap().1.parse().unwrap();
    assert_eq!(policy["spec"]["ingress"][0]["ports"][0]["port"], port);
}

/// The Service and the webhook configuration reach the container's listening port.
#[test]
fn the_api_server_reaches_the_server() {
    let r = base();
    let port: u64 = r.flag("listen").unwrap().rsplit_once(':').unwrap().1.parse().unwrap();
    let c = r.container();
    let named = c["ports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["containerPort"] == port)
        .expect("the listening port is declared");
    let service = r.one("Service");
    assert!(selects(
        &serde_json::json!({"matchLabels": service["spec"]["selector"]}),
        &r.pod()["metadata"]["labels"]
    ));
    let sp = &service["spec"]["ports"][0];
    assert!(sp["targetPort"] == named["name"] || sp["targetPort"] == port);
    let client = &r.webhook()["clientConfig"]["service"];
    assert_eq!(client["name"], service["metadata"]["name"]);
    assert_eq!(client["namespace"], r.namespace());
    assert_eq!(client["port"], sp["port"]);
    assert_eq!(client["path"], "/validate");
    assert!(r.webhook()["clientConfig"]["url"].is_null());
}

/// TLS from cert-manager: the serving certificate names the Service, lands in the Secret the
/// pod mounts at --cert/--key, is issued by an Issuer of the output, and its CA is injected.
#[test]
fn tls_comes_from_cert_manager() {
    let r = base();
    let ns = r.namespace();
    let config = r.one("ValidatingWebhookConfiguration");
    let inject = config["metadata"]["annotations"]["cert-manager.io/inject-ca-from"]
        .as_str()
        .unwrap();
    let (cert_ns, cert_name) = inject.split_once('/').unwrap();
    assert_eq!(cert_ns, ns);
    let cert = r.named("Certificate", cert_name);
    let service = r.one("Service")["metadata"]["name"].as_str().unwrap();
    let dns: Vec<&str> = cert["spec"]["dnsNames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(dns.contains(&format!("{service}.{ns}.svc").as_str()), "{dns:?}");
    let secret = cert["spec"]["secretName"].as_str().unwrap();
    for flag in ["cert", "key"] {
        let path = r.flag(flag).unwrap();
        assert_eq!(r.volume_at(&path)["secret"]["secretName"], secret, "--{flag}");
    }
    // Issued by a CA of its own (so rotating the serving certificate keeps the bundle), itself
    // from a self-signed Issuer.
    let issuer = r.named("Issuer", cert["spec"]["issuerRef"]["name"].as_str().unwrap());
    let ca_secret = issuer["spec"]["ca"]["secretName"].as_str().unwrap();
    let ca = r
        .all("Certificate")
        .into_iter()
        .find(|c| c["spec"]["secretName"] == ca_secret)
        .unwrap();
    assert_eq!(ca["spec"]["isCA"], true);
    let root = r.named("Issuer", ca["spec"]["issuerRef"]["name"].as_str().unwrap());
    assert!(root["spec"]["selfSigned"].is_object());
    assert!(
        config["webhooks"][0]["clientConfig"]["caBundle"].is_null(),
        "injected, not written"
    );
    // The manual alternative is documented.
    let doc = std::fs::read_to_string(common::root().join("docs/webhook.md")).unwrap();
    assert!(doc.contains("## TLS without cert-manager"), "docs/webhook.md");
}

/// --config and --context come from the ConfigMaps, and the config is valid and exempts the
/// namespaces the webhook configuration does not send.
#[test]
fn config_and_context_come_from_config_maps() {
    let r = base();
    let config_path = r.flag("config").unwrap();
    let volume = r.volume_at(&config_path);
    let name = volume["configMap"]["name"].as_str().unwrap();
    let key = Path::new(&config_path).file_name().unwrap().to_str().unwrap();
    let text = r.named("ConfigMap", name)["data"][key].as_str().unwrap();
    let config = kubelint::Config::parse(Path::new(".kubelint.yaml"), text).unwrap();
    assert_eq!(config.webhook.deny_on, Some(kubelint::Severity::Error));
    for ns in ["kube-system", "kube-node-lease", r.namespace()] {
        assert!(config.webhook.exempt_namespaces.iter().any(|e| e == ns), "{ns}");
    }
    let context = r.flag("context").unwrap();
    let volume = r.volume_at(&context);
    let name = volume["configMap"]["name"].as_str().unwrap();
    let data = r.named("ConfigMap", name)["data"].as_object().unwrap();
    // Every key is a manifest the server can read (and lints clean).
    for (key, text) in data {
        assert!(key.ends_with(".yaml"), "{key}");
        let out = common::kubelint_stdin(
            text.as_str().unwrap(),
            &["check", "--no-config", "-", "--format", "json"],
        );
        assert_eq!(out.status.code(), Some(0), "{key}: {:#}", common::json(&out));
    }
}

/// A ConfigMap volume is a folder of symbolic links into a hidden `..data` folder that the
/// kubelet swaps on update: the server reads each manifest once, through its link.
#[cfg(unix)]
#[test]
fn a_config_map_volume_is_read_as_the_kubelet_lays_it_out() {
    let dir = tempfile::tempdir().unwrap();
    let stamp = dir.path().join("..2026_01_01_00_00_00.000000001");
    std::fs::create_dir(&stamp).unwrap();
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: a}}\n";
    std::fs::write(stamp.join("namespaces.yaml"), ns).unwrap();
    std::os::unix::fs::symlink(stamp.file_name().unwrap(), dir.path().join("..data")).unwrap();
    std::os::unix::fs::symlink("..data/namespaces.yaml", dir.path().join("namespaces.yaml")).unwrap();
    let (code, report) = common::json_in(dir.path(), &["check", "--no-config", ".", "--format", "json"]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["summary"]["objects"], 1, "{report:#}");
    assert_eq!(report["summary"]["files"], 1, "{report:#}");
}

#[test]
fn startup_readiness_and_liveness_probes() {
    let r = base();
    let c = r.container();
    let port_name = c["ports"][0]["name"].as_str().unwrap();
    for (probe, path) in [
        ("readinessProbe", "/readyz"),
        ("livenessProbe", "/healthz"),
        ("startupProbe", "/healthz"),
    ] {
        let get = &c[probe]["httpGet"];
        assert_eq!(get["path"], path, "{probe}");
        assert_eq!(get["port"], port_name, "{probe}");
        assert_eq!(get["scheme"], "HTTPS", "{probe}");
    }
    // Liveness must not kill a server still loading its context: the startup probe allows
    // a minute.
    let startup = &c["startupProbe"];
    let allowed = startup["periodSeconds"].as_u64().unwrap() * startup["failureThreshold"].as_u64().unwrap();
    assert!(allowed >= 60, "{allowed} s");
}

/// The probe paths are the server's real routes: readiness is 503 until the context is
/// loaded, liveness 200 at once.
#[cfg(feature = "webhook")]
#[test]
fn the_probes_hit_the_servers_routes() {
    use std::sync::Arc;
    use tower::ServiceExt;
    let r = base();
    let c = r.container();
    let hook = Arc::new(kubelint::webhook::Webhook::new(
        kubelint::Linter::new(kubelint::Config::default()).unwrap(),
        Default::default(),
        kubelint::Severity::Error,
        Vec::new(),
    ));
    let app = kubelint::webhook::router(Arc::clone(&hook), &kubelint::webhook::Limits::default());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = |path: &str| {
        let req = axum::http::Request::get(path).body(axum::body::Body::empty()).unwrap();
        rt.block_on(app.clone().oneshot(req)).unwrap().status().as_u16()
    };
    let readiness = c["readinessProbe"]["httpGet"]["path"].as_str().unwrap();
    let liveness = c["livenessProbe"]["httpGet"]["path"].as_str().unwrap();
    assert_eq!(status(readiness), 503, "not ready before the context is loaded");
    assert_eq!(status(liveness), 200);
    hook.reload_context().unwrap();
    assert_eq!(status(readiness), 200);
    assert_eq!(status("/no-such-route"), 404, "so the checks above can fail");
}

/// Every argument is a real `kubelint serve` flag, and the server's time limits fit in the
/// webhook configuration's timeout, itself well under the API server's 30 s.
#[cfg(feature = "webhook")]
#[test]
fn the_server_arguments_parse_and_fit_the_timeout() {
    use clap::Parser;
    let r = base();
    let mut argv = vec!["kubelint".to_string()];
    argv.extend(r.args());
    let cli = kubelint::cli::Cli::try_parse_from(&argv).unwrap_or_else(|e| panic!("{e}"));
    let kubelint::cli::Command::Serve(args) = cli.command else {
        panic!("not `serve`")
    };
    let timeout_ms = r.webhook()["timeoutSeconds"].as_u64().unwrap() * 1000;
    assert!(timeout_ms <= 10_000, "well under the API server's 30 s");
    assert!(
        args.body_timeout_ms + args.timeout_ms < timeout_ms,
        "the server answers (408/504) before the API server gives up: {} + {} ms vs {timeout_ms} ms",
        args.body_timeout_ms,
        args.timeout_ms
    );
    assert!(!args.warn_only);
    assert_eq!(args.context.len(), 1);
    let image = r.container()["image"].as_str().unwrap();
    assert!(image.starts_with("ghcr.io/kubelint/kubelint:"), "{image}");
    assert!(r.container()["command"].is_null(), "the image's ENTRYPOINT is kubelint");
}

/// The group of each kind kubelint's rules name, and the resource the API server serves it
/// as (written out here, from the Kubernetes and Istio API references).
const RESOURCES: &[(&str, &str, &str)] = &[
    ("Pod", "", "pods"),
    ("ReplicationController", "", "replicationcontrollers"),
    ("Service", "", "services"),
    ("Namespace", "", "namespaces"),
    ("Deployment", "apps", "deployments"),
    ("StatefulSet", "apps", "statefulsets"),
    ("DaemonSet", "apps", "daemonsets"),
    ("ReplicaSet", "apps", "replicasets"),
    ("Job", "batch", "jobs"),
    ("CronJob", "batch", "cronjobs"),
    ("HorizontalPodAutoscaler", "autoscaling", "horizontalpodautoscalers"),
    ("PodDisruptionBudget", "policy", "poddisruptionbudgets"),
    ("Ingress", "networking.k8s.io", "ingresses"),
    ("NetworkPolicy", "networking.k8s.io", "networkpolicies"),
    ("Role", "rbac.authorization.k8s.io", "roles"),
    ("ClusterRole", "rbac.authorization.k8s.io", "clusterroles"),
    ("RoleBinding", "rbac.authorization.k8s.io", "rolebindings"),
    ("ClusterRoleBinding", "rbac.authorization.k8s.io", "clusterrolebindings"),
    ("PeerAuthentication", "security.istio.io", "peerauthentications"),
    ("AuthorizationPolicy", "security.istio.io", "authorizationpolicies"),
    ("DestinationRule", "networking.istio.io", "destinationrules"),
    ("VirtualService", "networking.istio.io", "virtualservices"),
];

/// The kinds with a pod template, which `kinds: [workloads]` stands for.
const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

/// The rules list exactly the resources of the kinds kubelint's rules check (built-in and
/// shipped scripts), never a wildcard or a subresource, for CREATE and UPDATE only.
#[test]
fn rules_list_the_resources_kubelint_checks_and_nothing_else() {
    let linter = kubelint::Linter::new(kubelint::Config::default()).unwrap();
    let mut checked: BTreeSet<&str> = BTreeSet::new();
    for rule in linter.rules() {
        for kind in rule.kinds {
            if *kind == kubelint::rules::WORKLOADS {
                checked.extend(WORKLOAD_KINDS);
            } else {
                checked.insert(kind);
            }
        }
    }
    let mut listed: BTreeSet<(String, String)> = BTreeSet::new();
    for rule in r_rules() {
        assert_eq!(rule["operations"], serde_json::json!(["CREATE", "UPDATE"]), "{rule}");
        for field in ["apiGroups", "apiVersions", "resources"] {
            for v in rule[field].as_array().unwrap() {
                let v = v.as_str().unwrap();
                assert!(!v.contains('*'), "{field}: {v}");
                assert!(!v.contains('/'), "{field}: a subresource: {v}");
            }
        }
        for group in rule["apiGroups"].as_array().unwrap() {
            for resource in rule["resources"].as_array().unwrap() {
                let key = (
                    group.as_str().unwrap().to_string(),
                    resource.as_str().unwrap().to_string(),
                );
                assert!(listed.insert(key.clone()), "listed twice: {key:?}");
            }
        }
    }
    let expected: BTreeSet<(String, String)> = checked
        .iter()
        .map(|kind| {
            let (_, group, resource) = RESOURCES
                .iter()
                .find(|(k, _, _)| k == kind)
                .unwrap_or_else(|| panic!("a rule checks {kind}: add it to RESOURCES and to deploy/"));
            (group.to_string(), resource.to_string())
        })
        .collect();
    assert_eq!(listed, expected);
}

fn r_rules() -> Vec<Value> {
    base().webhook()["rules"].as_array().unwrap().clone()
}

#[test]
fn who_is_sent_and_how() {
    let r = base();
    let hook = r.webhook();
    assert_eq!(hook["sideEffects"], "None");
    assert_eq!(hook["matchPolicy"], "Equivalent");
    assert_eq!(hook["admissionReviewVersions"], serde_json::json!(["v1"]));
    // The control plane's namespaces and the webhook's own are never sent.
    let expr = &hook["namespaceSelector"]["matchExpressions"][0];
    assert_eq!(expr["key"], "kubernetes.io/metadata.name");
    assert_eq!(expr["operator"], "NotIn");
    let excluded: BTreeSet<&str> = expr["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for ns in ["kube-system", "kube-node-lease", r.namespace()] {
        assert!(excluded.contains(ns), "{ns}");
    }
    // An opt-out label.
    let opt_out = &hook["objectSelector"]["matchExpressions"][0];
    assert_eq!(opt_out["key"], "kubelint.dev/admission");
    assert_eq!(opt_out["operator"], "NotIn");
    assert_eq!(opt_out["values"], serde_json::json!(["skip"]));
    // Controllers' own writes are not sent.
    let conditions: BTreeSet<&str> = hook["matchConditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        conditions,
        BTreeSet::from([
            "not-being-deleted",
            "not-owned-by-a-controller",
            "not-the-control-plane"
        ])
    );
}

/// The failure policy is a choice, written down beside it.
#[test]
fn the_failure_policy_is_explained() {
    let r = base();
    assert_eq!(r.webhook()["failurePolicy"], "Ignore");
    let text = std::fs::read_to_string(common::root().join("deploy/base/validatingwebhookconfiguration.yaml")).unwrap();
    let explanation: String = text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(explanation.contains("failurePolicy: Ignore"), "{explanation}");
    assert!(explanation.contains("Fail"), "{explanation}");
}
