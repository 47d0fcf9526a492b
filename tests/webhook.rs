//! The admission webhook end to end: the real server on loopback with a generated
//! certificate, real AdmissionReview JSON over TLS, certificate rotation, SIGHUP context
//! reload, a bounded load test from a second process, and a graceful SIGTERM.
#![cfg(feature = "webhook")]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kubelint::webhook::client::Client;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use serde_json::{Value, json};

struct Pki {
    ca_pem: String,
    issuer_params: CertificateParams,
    issuer_key: KeyPair,
}

impl Pki {
    fn new() -> Pki {
        let issuer_key = KeyPair::generate().unwrap();
        let mut issuer_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        issuer_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = issuer_params.self_signed(&issuer_key).unwrap();
        Pki {
            ca_pem: ca.pem(),
            issuer_params,
            issuer_key,
        }
    }

    /// A fresh server certificate for localhost, written to `dir`.
    fn issue(&self, dir: &Path) {
        let key = KeyPair::generate().unwrap();
        let params = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
        let issuer = Issuer::from_params(&self.issuer_params, &self.issuer_key);
        let cert = params.signed_by(&key, &issuer).unwrap();
        // Write both, then rename: the server never sees half a pair.
        std::fs::write(dir.join("tls.crt.tmp"), cert.pem()).unwrap();
        std::fs::write(dir.join("tls.key.tmp"), key.serialize_pem()).unwrap();
        std::fs::rename(dir.join("tls.key.tmp"), dir.join("tls.key")).unwrap();
        std::fs::rename(dir.join("tls.crt.tmp"), dir.join("tls.crt")).unwrap();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server {
    child: Child,
    addr: std::net::SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn start(dir: &Path, context: &Path) -> Server {
    let addr: std::net::SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_kubelint"))
        .args(["serve", "--listen", &addr.to_string(), "--cert-poll-ms", "100"])
        .arg("--cert")
        .arg(dir.join("tls.crt"))
        .arg("--key")
        .arg(dir.join("tls.key"))
        .arg("--context")
        .arg(context)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Server { child, addr }
}

fn review(uid: &str, operation: &str, namespace: &str, object: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": uid, "operation": operation, "namespace": namespace, "object": object, "dryRun": true}}))
    .unwrap()
}

/// The seed article's inventory-service Deployment, as the API server would send it.
fn seed_deployment() -> Value {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("fixtures/seeds/000-01-inventory-service-deployment.yaml")).unwrap();
    let file = kubelint::source::SourceFile::new("seed.yaml", text);
    let (docs, _) = kubelint::source::yaml::parse_stream(&file);
    docs[0].root.to_json()
}

fn kill(pid: u32, signal: &str) {
    assert!(
        Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .unwrap()
            .success()
    );
}

#[test]
fn the_webhook_over_tls() {
    let dir = tempfile::tempdir().unwrap();
    let context = dir.path().join("context");
    std::fs::create_dir(&context).unwrap();
    let pki = Pki::new();
    pki.issue(dir.path());
    std::fs::write(dir.path().join("ca.crt"), &pki.ca_pem).unwrap();
    let mut server = start(dir.path(), &context);
    let client = Client::new(server.addr, pki.ca_pem.as_bytes(), "localhost").unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // Wait for readiness.
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut conn = loop {
            if let Ok(mut c) = client.connect().await
                && let Ok((200, _)) = c.request("GET", "/readyz", b"").await
            {
                break c;
            }
            assert!(Instant::now() < deadline, "the server did not become ready");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(conn.request("GET", "/healthz", b"").await.unwrap(), (200, b"ok".to_vec()));

        // The seed Deployment: allowed, with its warnings.
        let (status, body) = conn.request("POST", "/validate", &review("seed-1", "CREATE", "supply-chain", seed_deployment())).await.unwrap();
        assert_eq!(status, 200);
        let r: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(r["response"]["uid"], "seed-1");
        assert_eq!(r["response"]["allowed"], true, "{r}");
        let warnings: Vec<&str> = r["response"]["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
        assert!(warnings.iter().any(|w| w.starts_with("run-as-non-root-missing")), "{warnings:?}");

        // A privileged Pod: denied, with a readable message.
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "root"},
            "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "securityContext": {"privileged": true}}]}});
        let (_, body) = conn.request("POST", "/validate", &review("pod-1", "CREATE", "shop", pod.clone())).await.unwrap();
        let r: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(r["response"]["allowed"], false);
        assert!(r["response"]["status"]["message"].as_str().unwrap().contains("privileged-container"), "{r}");

        // DELETE is allowed without linting; a malformed body is a 400.
        let (_, body) = conn.request("POST", "/validate", &review("pod-2", "DELETE", "shop", pod)).await.unwrap();
        assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["response"]["allowed"], true);
        let (status, body) = conn.request("POST", "/validate", b"{not json").await.unwrap();
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));

        // Context: the HPA's target is unknown until the context holds it and SIGHUP reloads it.
        let hpa = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": 2, "maxReplicas": 5}});
        let warned = |body: &[u8]| serde_json::from_slice::<Value>(body).unwrap()["response"]["warnings"].to_string().contains("hpa-target-missing");
        let (_, body) = conn.request("POST", "/validate", &review("hpa-1", "CREATE", "shop", hpa.clone())).await.unwrap();
        assert!(warned(&body));
        std::fs::write(context.join("web.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx:1.27.2}]}\n").unwrap();
        kill(server.child.id(), "-HUP");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (_, body) = conn.request("POST", "/validate", &review("hpa-2", "CREATE", "shop", hpa.clone())).await.unwrap();
            if !warned(&body) {
                break;
            }
            assert!(Instant::now() < deadline, "SIGHUP did not reload the context");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // Metrics.
        let (_, body) = conn.request("GET", "/metrics", b"").await.unwrap();
        let metrics = String::from_utf8(body).unwrap();
        assert!(metrics.contains("kubelint_admission_requests_total{result=\"denied\"} 1"), "{metrics}");
        assert!(metrics.contains("kubelint_admission_requests_total{result=\"error\"} 1"), "{metrics}");
        assert!(metrics.contains("kubelint_admission_dry_run_total"), "{metrics}");
        assert!(metrics.contains("kubelint_admission_duration_seconds_bucket{le=\"+Inf\"}"), "{metrics}");

        // Certificate rotation: new connections get the new certificate.
        let before = conn.peer_certificate().unwrap();
        pki.issue(dir.path());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let c = client.connect().await.unwrap();
            if c.peer_certificate().unwrap() != before {
                break;
            }
            assert!(Instant::now() < deadline, "the rotated certificate was not picked up");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });

    // A bounded load test from a second process, on loopback.
    let load = PathBuf::from(env!("CARGO_BIN_EXE_kubelint"))
        .parent()
        .unwrap()
        .join("examples/webhook_load");
    let out = Command::new(&load)
        .arg(server.addr.to_string())
        .arg(dir.path().join("ca.crt"))
        .args(["10000", "4"])
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", load.display()));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    eprintln!("load test: {stats}");
    assert_eq!(
        (stats["requests"].as_u64(), stats["errors"].as_u64()),
        (Some(10_000), Some(0)),
        "{stats}"
    );

    // Graceful shutdown on SIGTERM.
    kill(server.child.id(), "-TERM");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
}
