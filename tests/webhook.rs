//! The admission webhook end to end: the real server on loopback with a generated
//! certificate, real AdmissionReview JSON over TLS, certificate rotation, SIGHUP context
//! reload, a bounded load test from a second process, and a graceful SIGTERM; slow and
//! stalled clients against the server's limits; and, through the router in this process, a
//! context that costs a review nothing, cancelled reviews, load shedding, and answers that
//! the API server accepts.
#![cfg(feature = "webhook")]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kubelint::config::{NamespaceMode, WebhookSettings};
use kubelint::rules::{Context, Family, Inventory, Object, Rule, RuleInfo};
use kubelint::webhook::client::{Client, Connection};
use kubelint::webhook::hygiene::{MAX_MESSAGE_RUNES, MAX_WARNING_RUNES, MAX_WARNINGS_RUNES};
use kubelint::webhook::metrics::sample;
use kubelint::webhook::{Limits, Webhook, router};
use kubelint::{Config, Linter, RunOptions, Severity};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use serde_json::{Value, json};
use tower::ServiceExt;

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

fn start(dir: &Path, context: &Path, flags: &[&str]) -> Server {
    let addr: std::net::SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_kubelint"))
        .args(["serve", "--listen", &addr.to_string(), "--cert-poll-ms", "100"])
        .args(flags)
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
    let file = kubelint::load::SourceFile::new("seed.yaml", text);
    let (docs, _) = kubelint::load::yaml::parse_stream(&file);
    docs[0].root.to_json()
}

/// A server on loopback with a fresh certificate and an empty context, and a client.
fn serve_with(dir: &Path, flags: &[&str]) -> (Server, Client) {
    let context = dir.join("context");
    std::fs::create_dir_all(&context).unwrap();
    let pki = Pki::new();
    pki.issue(dir);
    let server = start(dir, &context, flags);
    let client = Client::new(server.addr, pki.ca_pem.as_bytes(), "localhost").unwrap();
    (server, client)
}

/// Waits until `/readyz` answers 200.
async fn ready(client: &Client) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut c) = client.connect().await
            && let Ok((200, _)) = c.request("GET", "/readyz", b"").await
        {
            return;
        }
        assert!(Instant::now() < deadline, "the server did not become ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `/metrics` over a connection of its own.
async fn metrics(client: &Client) -> String {
    let mut c = client.connect().await.unwrap();
    let (status, body) = c.request("GET", "/metrics", b"").await.unwrap();
    assert_eq!(status, 200);
    String::from_utf8(body).unwrap()
}

/// One sample of the metrics, which must be there.
fn metric(text: &str, name: &str) -> f64 {
    sample(text, name).unwrap_or_else(|| panic!("no {name} in\n{text}"))
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
    // Another Deployment of `shop`: the context shows that namespace's Deployments.
    std::fs::write(context.join("api.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\nspec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: api, image: nginx:1.27.2}]}\n").unwrap();
    let pki = Pki::new();
    pki.issue(dir.path());
    std::fs::write(dir.path().join("ca.crt"), &pki.ca_pem).unwrap();
    let mut server = start(dir.path(), &context, &[]);
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
        let mut retries = 0;
        loop {
            let (_, body) = conn.request("POST", "/validate", &review("hpa-2", "CREATE", "shop", hpa.clone())).await.unwrap();
            retries += 1;
            if !warned(&body) {
                break;
            }
            assert!(Instant::now() < deadline, "SIGHUP did not reload the context");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // Metrics: every review above is counted once, where it belongs. Allowed: seed-1,
        // pod-2 (DELETE), hpa-1 and each hpa-2; denied: pod-1; an error: the malformed body.
        // Every AdmissionReview sent was a dry run.
        let (_, body) = conn.request("GET", "/metrics", b"").await.unwrap();
        let text = String::from_utf8(body).unwrap();
        let at = |name: &str| metric(&text, name);
        let allowed = 3 + retries;
        assert_eq!(at("kubelint_admission_requests_total{result=\"allowed\"}"), allowed as f64);
        assert_eq!(at("kubelint_admission_requests_total{result=\"denied\"}"), 1.0);
        assert_eq!(at("kubelint_admission_requests_total{result=\"error\"}"), 1.0);
        assert_eq!(at("kubelint_admission_requests_total{result=\"shed\"}"), 0.0);
        assert_eq!(at("kubelint_admission_denials_total"), 1.0);
        assert_eq!(at("kubelint_admission_dry_run_total"), (allowed + 1) as f64);
        let answered = (allowed + 2) as f64;
        assert_eq!(at("kubelint_admission_duration_seconds_count"), answered);
        assert_eq!(at("kubelint_admission_duration_seconds_bucket{le=\"+Inf\"}"), answered);
        // The histogram is cumulative and bounded by the count; the DELETE, answered without
        // linting, is in the 2.5 s bucket at least, whatever the load on the machine.
        let buckets: Vec<f64> = kubelint::webhook::metrics::BUCKETS
            .iter()
            .map(|b| at(&format!("kubelint_admission_duration_seconds_bucket{{le=\"{b}\"}}")))
            .collect();
        assert!(buckets.windows(2).all(|w| w[0] <= w[1]), "{buckets:?}");
        assert!(buckets[buckets.len() - 1] <= answered, "{buckets:?}");
        assert!(buckets[buckets.len() - 1] >= 1.0, "no review answered under 2.5 s: {buckets:?}");
        assert!(at("kubelint_admission_duration_seconds_sum") > 0.0);
        assert_eq!(at("kubelint_context_objects"), 2.0, "`api`, and `web` loaded on SIGHUP");
        assert_eq!(at("kubelint_admission_in_flight"), 0.0);
        // Exactly `conn` is open: the readiness probes that failed were closed long ago.
        assert_eq!(at("kubelint_connections_open"), 1.0);
        assert_eq!(at("kubelint_connections_refused_total"), 0.0);

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

/// Reads a response within `within`; `None` when the server closed the connection first.
async fn response_within(conn: &mut Connection, within: Duration) -> Option<(u16, Vec<u8>)> {
    tokio::time::timeout(within, conn.response())
        .await
        .unwrap_or_else(|_| panic!("no answer and no close within {within:?}"))
        .ok()
}

#[test]
fn slow_and_stalled_clients_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let flags = [
        "--header-timeout-ms",
        "1000",
        "--body-timeout-ms",
        "1500",
        "--max-connections",
        "4",
        "--max-in-flight",
        "2",
        "--max-body-bytes",
        "100000",
    ];
    let (_server, client) = serve_with(dir.path(), &flags);
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}});
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        ready(&client).await;

        // Headers that never end: the connection is closed after the header timeout.
        let mut stalled = client.connect().await.unwrap();
        stalled
            .send(b"POST /validate HTTP/1.1\r\nHost: localhost\r\n")
            .await
            .unwrap();
        let t = Instant::now();
        assert_eq!(response_within(&mut stalled, Duration::from_secs(10)).await, None);
        assert!(
            t.elapsed() >= Duration::from_millis(800),
            "closed after {:?}",
            t.elapsed()
        );

        // A body larger than the limit is refused from its Content-Length, without waiting for it.
        let mut big = client.connect().await.unwrap();
        big.send(&kubelint::webhook::client::head("POST", "/validate", 200_000))
            .await
            .unwrap();
        let (status, _) = response_within(&mut big, Duration::from_secs(1)).await.unwrap();
        assert_eq!(status, 413);

        // Two bodies that stall take the two places in flight; the next review is shed at once.
        let mut bodies = Vec::new();
        for _ in 0..2 {
            let mut c = client.connect().await.unwrap();
            c.send(&kubelint::webhook::client::head("POST", "/validate", 1000))
                .await
                .unwrap();
            c.send(b"{\"apiVersi").await.unwrap();
            bodies.push(c);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while metric(&metrics(&client).await, "kubelint_admission_in_flight") < 2.0 {
            assert!(Instant::now() < deadline, "the stalled bodies were not admitted");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let mut shed = client.connect().await.unwrap();
        let t = Instant::now();
        let (status, body) = shed
            .request("POST", "/validate", &review("shed-1", "CREATE", "shop", pod.clone()))
            .await
            .unwrap();
        assert_eq!(status, 503, "{}", String::from_utf8_lossy(&body));
        assert!(t.elapsed() < Duration::from_millis(500), "shed after {:?}", t.elapsed());
        assert!(String::from_utf8_lossy(&body).contains("limit of 2 reviews in flight"));

        // The stalled bodies time out (408) and give their places back.
        for mut c in bodies {
            let (status, _) = response_within(&mut c, Duration::from_secs(5)).await.unwrap();
            assert_eq!(status, 408);
        }
        let mut after = client.connect().await.unwrap();
        let (status, body) = after
            .request("POST", "/validate", &review("after-1", "CREATE", "shop", pod.clone()))
            .await
            .unwrap();
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        drop((after, shed, big, stalled));

        let text = metrics(&client).await;
        assert_eq!(metric(&text, "kubelint_admission_requests_total{result=\"shed\"}"), 1.0);
        assert_eq!(metric(&text, "kubelint_admission_timeouts_total{phase=\"body\"}"), 2.0);
        assert_eq!(
            metric(&text, "kubelint_admission_requests_total{result=\"error\"}"),
            3.0,
            "413, 408, 408"
        );
        assert_eq!(metric(&text, "kubelint_admission_in_flight"), 0.0);

        // Connections: at most four open; a fifth is closed before its handshake.
        let deadline = Instant::now() + Duration::from_secs(5);
        while metric(&metrics(&client).await, "kubelint_connections_open") > 1.0 {
            assert!(Instant::now() < deadline, "connections were not closed");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Only the connection that asked is left: give the server time to see it closed.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut open = Vec::new();
        for _ in 0..4 {
            open.push(client.connect().await.unwrap());
        }
        assert!(client.connect().await.is_err(), "a fifth connection was accepted");
        drop(open.pop());
        // Each connection refused while the server had not yet seen the dropped one closed
        // is counted too.
        let mut refused_retries = 0.0;
        let deadline = Instant::now() + Duration::from_secs(5);
        let text = loop {
            match client.connect().await {
                Ok(mut c) => {
                    let (status, body) = c.request("GET", "/metrics", b"").await.unwrap();
                    assert_eq!(status, 200);
                    break String::from_utf8(body).unwrap();
                }
                Err(_) => refused_retries += 1.0,
            }
            assert!(Instant::now() < deadline, "no place was given back");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(
            metric(&text, "kubelint_connections_refused_total"),
            1.0 + refused_retries,
            "the fifth connection, and {refused_retries} retries"
        );
        assert_eq!(
            metric(&text, "kubelint_connections_open"),
            4.0,
            "three kept and the one asking"
        );
    });
}

/// A rule that takes 100 ms on objects annotated `test/slow`, and counts its calls.
struct Slow {
    info: &'static RuleInfo,
    calls: Arc<AtomicUsize>,
}

impl Rule for Slow {
    fn info(&self) -> &'static RuleInfo {
        self.info
    }

    fn check(&self, object: &Object, _: &Inventory, _: &mut Context<'_>) {
        if object.annotations.contains_key("test/slow") {
            self.calls.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// `n` slow rules sharing one call counter.
fn slow_rules(n: usize, calls: &Arc<AtomicUsize>) -> Vec<Box<dyn Rule>> {
    (0..n)
        .map(|i| {
            let id: &'static str = Box::leak(format!("slow-{i}").into_boxed_str());
            let info: &'static RuleInfo = Box::leak(Box::new(RuleInfo {
                id,
                family: Family::Hygiene,
                ..RuleInfo::BASE
            }));
            Box::new(Slow {
                info,
                calls: Arc::clone(calls),
            }) as Box<dyn Rule>
        })
        .collect()
}

/// Posts a review to the router: (status, headers, body, time taken).
async fn post(app: &axum::Router, body: Vec<u8>) -> (u16, axum::http::HeaderMap, Value, Duration) {
    let t = Instant::now();
    let request = axum::http::Request::post("/validate")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let value =
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    (parts.status.as_u16(), parts.headers, value, t.elapsed())
}

async fn router_metrics(app: &axum::Router) -> String {
    let request = axum::http::Request::get("/metrics")
        .body(axum::body::Body::empty())
        .unwrap();
    let body = app.clone().oneshot(request).await.unwrap().into_body();
    String::from_utf8(axum::body::to_bytes(body, usize::MAX).await.unwrap().to_vec()).unwrap()
}

#[test]
fn a_timed_out_review_stops_its_work_and_overload_is_shed() {
    let calls = Arc::new(AtomicUsize::new(0));
    let linter = Linter::with_rules(Config::default(), RunOptions::default(), slow_rules(20, &calls)).unwrap();
    let hook = Arc::new(Webhook::new(
        linter,
        WebhookSettings::default(),
        Severity::Error,
        Vec::new(),
    ));
    let limits = Limits {
        review_timeout: Duration::from_millis(300),
        max_in_flight: 1,
        ..Limits::default()
    };
    let app = router(Arc::clone(&hook), &limits);
    let slow = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "slow", "annotations": {"test/slow": "yes"}}});
    let quick = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "quick"}});
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // Twenty rules of 100 ms: two seconds of work, for a review allowed 300 ms.
        let first = tokio::spawn({
            let (app, body) = (app.clone(), review("slow-1", "CREATE", "shop", slow));
            async move { post(&app, body).await }
        });
        while calls.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // The one place in flight is taken: the next review is shed at once.
        let (status, headers, body, took) = post(&app, review("quick-1", "CREATE", "shop", quick.clone())).await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(headers.get("retry-after").unwrap(), "1");
        assert!(took < Duration::from_millis(250), "shed after {took:?}");
        assert!(!first.is_finished());

        let (status, _, body, took) = first.await.unwrap();
        assert_eq!(status, 504, "{body}");
        assert!(took < Duration::from_millis(1500), "answered after {took:?}");
        // The work stops at the next rule, and only then gives its place back.
        let deadline = Instant::now() + Duration::from_secs(1);
        while metric(&router_metrics(&app).await, "kubelint_admission_in_flight") > 0.0 {
            assert!(Instant::now() < deadline, "the timed-out work did not stop");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let stopped_at = calls.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            calls.load(Ordering::SeqCst),
            stopped_at,
            "rules still ran after the work stopped"
        );
        assert!(
            stopped_at <= 6,
            "{stopped_at} of 20 rules ran for a review cancelled after 300 ms"
        );

        let (status, _, body, _) = post(&app, review("quick-2", "CREATE", "shop", quick)).await;
        assert_eq!((status, &body["response"]["allowed"]), (200, &json!(true)), "{body}");
        let text = router_metrics(&app).await;
        assert_eq!(metric(&text, "kubelint_admission_cancelled_total"), 1.0);
        assert_eq!(
            metric(&text, "kubelint_admission_timeouts_total{phase=\"review\"}"),
            1.0
        );
        assert_eq!(metric(&text, "kubelint_admission_requests_total{result=\"shed\"}"), 1.0);
        assert_eq!(
            metric(&text, "kubelint_admission_requests_total{result=\"error\"}"),
            1.0
        );
        assert_eq!(
            metric(&text, "kubelint_admission_requests_total{result=\"allowed\"}"),
            1.0
        );
    });
}

/// `n` objects over `files` files in ten namespaces: Deployments with their Service,
/// ServiceAccount and ConfigMap.
fn write_context(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n / 4 {
        let ns = format!("team-{}", i % 10);
        let text = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app-{i}, namespace: {ns}, labels: {{app: app-{i}}}}}\n\
             spec:\n  replicas: 2\n  selector: {{matchLabels: {{app: app-{i}}}}}\n  template:\n    metadata: {{labels: {{app: app-{i}, tier: web}}}}\n\
             \x20   spec:\n      serviceAccountName: app-{i}\n      containers:\n      - name: app\n        image: registry.example.com/app:1.{i}\n\
             \x20       envFrom: [{{configMapRef: {{name: app-{i}}}}}]\n        resources: {{requests: {{cpu: 100m, memory: 64Mi}}, limits: {{memory: 64Mi}}}}\n\
             ---\napiVersion: v1\nkind: Service\nmetadata: {{name: app-{i}, namespace: {ns}}}\nspec:\n  selector: {{app: app-{i}}}\n  ports: [{{port: 80, targetPort: 8080}}]\n\
             ---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: app-{i}, namespace: {ns}}}\n\
             ---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app-{i}, namespace: {ns}}}\ndata: {{LEVEL: info, INDEX: \"{i}\"}}\n"
        );
        std::fs::write(dir.join(format!("app-{i}.yaml")), text).unwrap();
    }
}

#[test]
fn a_large_context_costs_a_review_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let context = dir.path().join("context");
    write_context(&context, 4000);
    let hook = |paths: Vec<PathBuf>| {
        let linter = Linter::new(Config::default()).unwrap();
        let hook = Arc::new(Webhook::new(linter, WebhookSettings::default(), Severity::Error, paths));
        hook.reload_context().unwrap();
        router(hook, &Limits::default())
    };
    let nothing = dir.path().join("empty");
    std::fs::create_dir(&nothing).unwrap();
    let (large, empty) = (hook(vec![context]), hook(vec![nothing]));
    // A Deployment of the context, updated: it references the context's ConfigMap and
    // ServiceAccount, and its Service and namespace are there. One key it reads is not in
    // the ConfigMap: only the context can show that.
    let update = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "app-10", "namespace": "team-0", "labels": {"app": "app-10"}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "app-10"}},
            "template": {"metadata": {"labels": {"app": "app-10", "tier": "web"}},
                "spec": {"serviceAccountName": "app-10", "containers": [{"name": "app", "image": "registry.example.com/app:1.10",
                    "envFrom": [{"configMapRef": {"name": "app-10"}}],
                    "env": [{"name": "LEVEL", "valueFrom": {"configMapKeyRef": {"name": "app-10", "key": "LEVL"}}}]}]}}}});
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let missing = |body: &Value| body["response"].to_string().contains("config-reference-missing");
        let (_, _, with, _) = post(&large, review("u", "UPDATE", "team-0", update.clone())).await;
        let (_, _, without, _) = post(&empty, review("u", "UPDATE", "team-0", update.clone())).await;
        assert!(missing(&with), "the context is used: {with}");
        assert!(!missing(&without), "{without}");
        // Interleaved, so both see the same load on the machine; medians of 15.
        let (mut large_times, mut empty_times) = (Vec::new(), Vec::new());
        for i in 0..15 {
            let body = review(&format!("l{i}"), "UPDATE", "team-0", update.clone());
            large_times.push(post(&large, body).await.3);
            let body = review(&format!("e{i}"), "UPDATE", "team-0", update.clone());
            empty_times.push(post(&empty, body).await.3);
        }
        large_times.sort();
        empty_times.sort();
        let (large_median, empty_median) = (large_times[7], empty_times[7]);
        eprintln!("review with a 4,000-object context: {large_median:?}; with none: {empty_median:?}");
        assert!(
            large_median < empty_median * 2 + Duration::from_millis(5),
            "a review with a 4,000-object context took {large_median:?}, with none {empty_median:?}"
        );
    });
}

#[test]
fn warnings_and_messages_are_what_the_api_server_accepts() {
    let mut settings = WebhookSettings::default();
    settings.namespace_modes.insert("legacy".into(), NamespaceMode::Warn);
    let hook = Arc::new(Webhook::new(
        Linter::new(Config::default()).unwrap(),
        settings,
        Severity::Error,
        Vec::new(),
    ));
    let app = router(hook, &Limits::default());
    // Forty unknown fields, each named with a bell, an escape sequence, a newline, a
    // right-to-left override and 300 more characters: forty long findings quoting them.
    let mut container = serde_json::Map::new();
    container.insert("name".into(), json!("c"));
    container.insert("image".into(), json!("busybox:1.36"));
    for i in 0..40 {
        container.insert(format!("f{i:02}\u{7}\u{1b}[2J\n\u{202e}{}", "x".repeat(300)), json!(1));
    }
    let pod =
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [container]}});
    let clean = |s: &str| !s.chars().any(|c| c.is_control() || c == '\u{202e}');
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // Warn mode: every finding becomes a warning.
        let (status, _, body, _) = post(&app, review("w", "CREATE", "legacy", pod.clone())).await;
        assert_eq!(status, 200);
        assert_eq!(body["response"]["allowed"], true, "{body}");
        let warnings: Vec<&str> = body["response"]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        assert!(warnings.len() > 5, "{warnings:?}");
        assert!(warnings.iter().all(|w| clean(w)), "{warnings:?}");
        assert!(
            warnings.iter().all(|w| w.chars().count() <= MAX_WARNING_RUNES),
            "{warnings:?}"
        );
        let total: usize = warnings.iter().map(|w| w.chars().count()).sum();
        assert!(total <= MAX_WARNINGS_RUNES, "{total} runes of warnings");
        assert!(
            warnings.iter().any(|w| w.starts_with("unknown-field: `f00 ")),
            "{warnings:?}"
        );
        let last = warnings.last().unwrap();
        assert!(
            last.starts_with("kubelint: ") && last.ends_with(" more warnings not shown"),
            "{last}"
        );

        // Enforced: error findings deny, in a bounded and clean message. (Unknown fields do
        // not: on a built-in kind the API server has validated the object already.) Forty
        // privileged containers with such names: forty long findings quoting them.
        let (_, _, body, _) = post(&app, review("s", "CREATE", "shop", pod)).await;
        assert_eq!(body["response"]["allowed"], true, "{body}");
        let containers: Vec<Value> = (0..40)
            .map(|i| {
                json!({"name": format!("c{i:02}\u{7}\u{1b}[2J\n\u{202e}{}", "x".repeat(300)), "image": "busybox:1.36",
                    "securityContext": {"privileged": true}})
            })
            .collect();
        let pod =
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": containers}});
        let (status, _, body, _) = post(&app, review("d", "CREATE", "shop", pod)).await;
        assert_eq!(status, 200);
        assert_eq!(body["response"]["allowed"], false, "{body}");
        let message = body["response"]["status"]["message"].as_str().unwrap();
        assert!(clean(message), "{message:?}");
        assert!(
            message.chars().count() <= MAX_MESSAGE_RUNES,
            "{} runes",
            message.chars().count()
        );
        assert!(message.starts_with("kubelint denied Pod shop/p: "), "{message}");
        assert!(message.contains("privileged-container: container `c00 "), "{message}");
        assert!(message.contains("; and ") && message.ends_with(" more"), "{message}");
    });
}

fn hook_with(settings: WebhookSettings, context: Vec<PathBuf>) -> Webhook {
    Webhook::new(
        Linter::new(Config::default()).unwrap(),
        settings,
        Severity::Error,
        context,
    )
}

fn privileged_pod(labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "root", "labels": labels},
        "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "securityContext": {"privileged": true}}]}})
}

fn warnings_of(r: &Value) -> Vec<String> {
    r["response"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

/// `--warn-only`: nothing is denied; what would have denied comes first, says so, and is
/// counted.
#[test]
fn warn_only_never_denies_and_counts_what_it_would_have_denied() {
    let body = review("w-1", "CREATE", "shop", privileged_pod(json!({})));
    let enforcing = hook_with(WebhookSettings::default(), Vec::new());
    assert_eq!(enforcing.review(&body).unwrap()["response"]["allowed"], false);
    let hook = hook_with(WebhookSettings::default(), Vec::new()).with_warn_only(true);
    let r = hook.review(&body).unwrap();
    assert_eq!(r["response"]["allowed"], true, "{r}");
    assert_eq!(r["response"]["uid"], "w-1");
    assert!(r["response"]["status"].is_null(), "{r}");
    let warnings = warnings_of(&r);
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("would deny: privileged-container: container `c` runs privileged")),
        "{warnings:?}"
    );
    // What would deny first, then the rest (unmarked).
    let marked = warnings.iter().take_while(|w| w.starts_with("would deny: ")).count();
    assert!(marked >= 1 && marked < warnings.len(), "{warnings:?}");
    assert!(
        warnings[marked..].iter().all(|w| !w.contains("would deny")),
        "{warnings:?}"
    );
    // A clean object is not counted.
    let clean = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "b"}});
    assert_eq!(
        hook.review(&review("w-2", "CREATE", "shop", clean)).unwrap()["response"]["allowed"],
        true
    );
    let text = hook.metrics().render();
    assert_eq!(
        sample(&text, "kubelint_admission_would_deny_total"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(sample(&text, "kubelint_admission_denials_total"), Some(0.0), "{text}");
    assert_eq!(
        sample(&text, "kubelint_admission_requests_total{result=\"allowed\"}"),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(&enforcing.metrics().render(), "kubelint_admission_would_deny_total"),
        Some(0.0)
    );
}

/// Schema findings deny custom resources (validated against a CRD of the context) but only
/// warn on built-in kinds, which the API server validated before calling the webhook.
#[test]
fn schema_findings_on_built_in_kinds_only_warn() {
    let dir = tempfile::tempdir().unwrap();
    let crd = r"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
";
    std::fs::write(dir.path().join("crd.yaml"), crd).unwrap();
    let hook = hook_with(WebhookSettings::default(), vec![dir.path().to_path_buf()]);
    hook.reload_context().unwrap();
    // A Deployment whose replicas is a string and whose name is not a DNS label: errors of
    // the schema family, warned.
    let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "Web_App"},
        "spec": {"replicas": "two", "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27.2"}]}}}});
    let r = hook.review(&review("s-1", "CREATE", "shop", deployment)).unwrap();
    assert_eq!(r["response"]["allowed"], true, "{r}");
    let warnings = warnings_of(&r);
    for rule in ["schema-violation", "invalid-metadata"] {
        assert!(
            warnings.iter().any(|w| w.starts_with(&format!("{rule}: "))),
            "{rule}: {warnings:?}"
        );
    }
    // The same kind of error on a custom resource denies.
    let widget =
        json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": "big"}});
    let r = hook.review(&review("s-2", "CREATE", "shop", widget)).unwrap();
    assert_eq!(r["response"]["allowed"], false, "{r}");
    let message = r["response"]["status"]["message"].as_str().unwrap();
    assert!(message.contains("schema-violation"), "{message}");
}

/// On UPDATE only what the update introduces denies: an object admitted before (with a
/// finding) can still be labelled; an UPDATE that adds the error is denied; an object being
/// deleted can lose its finalizers.
#[test]
fn updates_are_denied_only_for_what_they_introduce() {
    let hook = hook_with(WebhookSettings::default(), Vec::new());
    let update = |uid: &str, old: Option<Value>, new: Value| {
        let mut body: Value = serde_json::from_slice(&review(uid, "UPDATE", "shop", new)).unwrap();
        if let Some(old) = old {
            body["request"]["oldObject"] = old;
        }
        hook.review(&serde_json::to_vec(&body).unwrap()).unwrap()
    };
    let old = privileged_pod(json!({}));
    let relabelled = privileged_pod(json!({"team": "a"}));
    let r = update("u-1", Some(old.clone()), relabelled.clone());
    assert_eq!(r["response"]["allowed"], true, "{r}");
    assert!(
        warnings_of(&r).iter().any(|w| w.starts_with("privileged-container: ")),
        "still reported, as a warning: {r}"
    );
    // Without the old object, or when the old one was clean, the error is new: denied.
    assert_eq!(update("u-2", None, relabelled.clone())["response"]["allowed"], false);
    let mut clean = old.clone();
    clean["spec"]["containers"][0]["securityContext"] = json!({});
    assert_eq!(
        update("u-3", Some(clean), relabelled.clone())["response"]["allowed"],
        false
    );
    // A second privileged container is a new finding (another path) even if the first was there.
    let mut two = relabelled.clone();
    two["spec"]["containers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "d", "image": "busybox:1.36", "securityContext": {"privileged": true}}));
    let r = update("u-4", Some(old.clone()), two);
    assert_eq!(r["response"]["allowed"], false, "{r}");
    let message = r["response"]["status"]["message"].as_str().unwrap();
    assert!(
        message.contains("container `d`") && !message.contains("container `c`"),
        "{message}"
    );
    // Being deleted: allowed without linting.
    let mut deleting = relabelled;
    deleting["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
    let r = update("u-5", None, deleting);
    assert_eq!(r["response"]["allowed"], true, "{r}");
    assert_eq!(r["response"]["warnings"], json!([]));
}

/// The real binary takes `--warn-only`.
#[test]
fn serve_warn_only_over_tls() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, client) = serve_with(dir.path(), &["--warn-only"]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        ready(&client).await;
        let mut conn = client.connect().await.unwrap();
        let body = review("t-1", "CREATE", "shop", privileged_pod(json!({})));
        let (status, body) = conn.request("POST", "/validate", &body).await.unwrap();
        assert_eq!(status, 200);
        let r: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(r["response"]["allowed"], true, "{r}");
        assert!(
            warnings_of(&r)
                .iter()
                .any(|w| w.starts_with("would deny: privileged-container")),
            "{r}"
        );
        assert_eq!(
            metric(&metrics(&client).await, "kubelint_admission_would_deny_total"),
            1.0
        );
    });
}
