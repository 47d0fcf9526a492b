//! `kubelint serve`: a validating admission webhook over HTTPS (cargo feature `webhook`).
//!
//! `POST /validate` takes an `admission.k8s.io/v1` AdmissionReview and answers with
//! `allowed: false` and a readable message when the object has findings at or above the
//! deny threshold (default `error`), else `allowed: true` with the other findings as
//! admission `warnings`. CREATE and UPDATE are linted, DELETE and CONNECT allowed; the
//! request `uid` is echoed; `dryRun` requests are answered the same way (linting has no side
//! effects) and counted apart. Objects are judged against a context repository
//! (`--context PATH`, reloaded on SIGHUP) so cross-object rules work in admission.
//! `GET /healthz`, `/readyz` and `/metrics` (Prometheus text). The certificate and key are
//! reloaded when their files change; SIGTERM shuts down gracefully; bodies are limited in
//! size and requests in time; a malformed body is a 400, never a crash.
//!
//! AdmissionReview is a small, stable JSON shape, so it is read with `serde_json` here
//! rather than through kube-core, whose `admission` feature pulls in k8s-openapi (the
//! largest crate of the Kubernetes ecosystem to compile) for the same few fields.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::config::{NamespaceMode, WebhookSettings};
use crate::finding::{Finding, Severity};
use crate::linter::Linter;
use crate::source::Document;

pub mod client;

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub cert: PathBuf,
    pub key: PathBuf,
    /// Repositories of manifests that admitted objects are judged against.
    pub context: Vec<PathBuf>,
    /// Findings at or above this severity deny the request.
    pub deny_on: Severity,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Longest a request may take.
    pub timeout: Duration,
    /// How often the certificate files are checked for changes.
    pub cert_poll: Duration,
}

/// Latency histogram buckets, in seconds.
const BUCKETS: [f64; 11] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

#[derive(Default)]
pub struct Metrics {
    allowed: AtomicU64,
    denied: AtomicU64,
    errors: AtomicU64,
    dry_run: AtomicU64,
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Metrics {
    fn observe(&self, elapsed: Duration) {
        let s = elapsed.as_secs_f64();
        for (i, b) in BUCKETS.iter().enumerate() {
            if s <= *b {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    /// Prometheus text exposition.
    pub fn render(&self) -> String {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let mut s = String::new();
        s.push_str("# HELP kubelint_admission_requests_total Admission reviews answered, by result.\n");
        s.push_str("# TYPE kubelint_admission_requests_total counter\n");
        for (result, n) in [
            ("allowed", get(&self.allowed)),
            ("denied", get(&self.denied)),
            ("error", get(&self.errors)),
        ] {
            s.push_str(&format!(
                "kubelint_admission_requests_total{{result=\"{result}\"}} {n}\n"
            ));
        }
        s.push_str("# HELP kubelint_admission_denials_total Admission reviews denied.\n# TYPE kubelint_admission_denials_total counter\n");
        s.push_str(&format!("kubelint_admission_denials_total {}\n", get(&self.denied)));
        s.push_str("# HELP kubelint_admission_dry_run_total Dry-run admission reviews.\n# TYPE kubelint_admission_dry_run_total counter\n");
        s.push_str(&format!("kubelint_admission_dry_run_total {}\n", get(&self.dry_run)));
        s.push_str("# HELP kubelint_admission_duration_seconds Time to answer an admission review.\n");
        s.push_str("# TYPE kubelint_admission_duration_seconds histogram\n");
        for (i, b) in BUCKETS.iter().enumerate() {
            s.push_str(&format!(
                "kubelint_admission_duration_seconds_bucket{{le=\"{b}\"}} {}\n",
                get(&self.buckets[i])
            ));
        }
        let count = get(&self.count);
        s.push_str(&format!(
            "kubelint_admission_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n"
        ));
        s.push_str(&format!(
            "kubelint_admission_duration_seconds_sum {}\n",
            get(&self.sum_micros) as f64 / 1e6
        ));
        s.push_str(&format!("kubelint_admission_duration_seconds_count {count}\n"));
        s
    }
}

/// Everything the handlers share.
pub struct Webhook {
    pub linter: Linter,
    pub settings: WebhookSettings,
    pub deny_on: Severity,
    pub context: RwLock<Arc<Vec<Document>>>,
    pub context_paths: Vec<PathBuf>,
    pub ready: AtomicBool,
    pub metrics: Metrics,
}

/// A request the webhook refuses to answer (a 400).
#[derive(Debug)]
pub struct BadRequest(pub String);

impl Webhook {
    pub fn new(linter: Linter, settings: WebhookSettings, deny_on: Severity, context_paths: Vec<PathBuf>) -> Webhook {
        Webhook {
            linter,
            settings,
            deny_on,
            context: RwLock::new(Arc::new(Vec::new())),
            context_paths,
            ready: AtomicBool::new(false),
            metrics: Metrics::default(),
        }
    }

    /// (Re)loads the context repositories; on failure the previous context stays.
    pub fn reload_context(&self) -> Result<usize, String> {
        let docs = self
            .linter
            .load_context(&self.context_paths)
            .map_err(|e| e.to_string())?;
        let n = docs.len();
        *self.context.write().expect("context lock") = Arc::new(docs);
        self.ready.store(true, Ordering::SeqCst);
        Ok(n)
    }

    /// Answers one AdmissionReview (the body of `POST /validate`).
    pub fn review(&self, body: &[u8]) -> Result<Value, BadRequest> {
        let review: Value =
            serde_json::from_slice(body).map_err(|e| BadRequest(format!("the body is not JSON: {e}")))?;
        if review.get("apiVersion").and_then(Value::as_str) != Some("admission.k8s.io/v1")
            || review.get("kind").and_then(Value::as_str) != Some("AdmissionReview")
        {
            return Err(BadRequest("expected an admission.k8s.io/v1 AdmissionReview".into()));
        }
        let request = review
            .get("request")
            .ok_or_else(|| BadRequest("the AdmissionReview has no `request`".into()))?;
        let uid = request
            .get("uid")
            .and_then(Value::as_str)
            .ok_or_else(|| BadRequest("the request has no `uid`".into()))?;
        let operation = request.get("operation").and_then(Value::as_str).unwrap_or("");
        let namespace = request.get("namespace").and_then(Value::as_str).unwrap_or("");
        if request.get("dryRun").and_then(Value::as_bool) == Some(true) {
            self.metrics.dry_run.fetch_add(1, Ordering::Relaxed);
        }
        let allow = |warnings: Vec<String>| {
            json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                   "response": {"uid": uid, "allowed": true, "warnings": warnings}})
        };
        if !matches!(operation, "CREATE" | "UPDATE") || self.settings.exempt_namespaces.iter().any(|n| n == namespace) {
            self.metrics.allowed.fetch_add(1, Ordering::Relaxed);
            return Ok(allow(Vec::new()));
        }
        let mut object = request
            .get("object")
            .cloned()
            .ok_or_else(|| BadRequest(format!("a {operation} request has no `object`")))?;
        if !object.is_object() {
            return Err(BadRequest("`request.object` is not an object".into()));
        }
        // The API server fills in the namespace of namespaced objects from the request.
        if !namespace.is_empty()
            && object.pointer("/metadata/namespace").is_none()
            && let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut)
        {
            meta.insert("namespace".into(), json!(namespace));
        }
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or("?").to_string();
        let name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string();
        let context = Arc::clone(&self.context.read().expect("context lock"));
        let text = serde_json::to_string_pretty(&object).expect("JSON serialises");
        let report = self
            .linter
            .lint_in_context(&context, &format!("admission/{kind}/{name}.json"), &text);
        let enforce = self
            .settings
            .namespace_modes
            .get(namespace)
            .is_none_or(|m| *m == NamespaceMode::Enforce);
        let (denying, warning): (Vec<&Finding>, Vec<&Finding>) = report
            .findings
            .iter()
            .partition(|f| enforce && f.severity >= self.deny_on);
        let describe = |f: &Finding| {
            let mut s = format!("{}: {}", f.rule, f.message);
            if !f.path.is_empty() {
                s.push_str(&format!(" ({})", crate::schema::validate::dotted(&f.path)));
            }
            s
        };
        let warnings: Vec<String> = warning
            .iter()
            .take(20)
            .map(|f| {
                let s = describe(f);
                if s.len() > 250 {
                    format!("{}…", &s[..s.char_indices().nth(247).map_or(s.len(), |(i, _)| i)])
                } else {
                    s
                }
            })
            .collect();
        if denying.is_empty() {
            self.metrics.allowed.fetch_add(1, Ordering::Relaxed);
            return Ok(allow(warnings));
        }
        self.metrics.denied.fetch_add(1, Ordering::Relaxed);
        let mut message = format!("kubelint denied {kind} {namespace}/{name}: ");
        message.push_str(
            &denying
                .iter()
                .take(10)
                .map(|f| describe(f))
                .collect::<Vec<_>>()
                .join("; "),
        );
        if denying.len() > 10 {
            message.push_str(&format!("; and {} more", denying.len() - 10));
        }
        Ok(json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "response": {"uid": uid, "allowed": false, "warnings": warnings,
                "status": {"code": 403, "reason": "Forbidden", "message": message}}}))
    }
}

async fn validate(State((hook, timeout)): State<(Arc<Webhook>, Duration)>, body: Bytes) -> Response {
    let started = Instant::now();
    let work = tokio::task::spawn_blocking({
        let hook = Arc::clone(&hook);
        move || hook.review(&body)
    });
    let response = match tokio::time::timeout(timeout, work).await {
        Ok(Ok(Ok(v))) => (StatusCode::OK, axum::Json(v)).into_response(),
        Ok(Ok(Err(BadRequest(m)))) => {
            hook.metrics.errors.fetch_add(1, Ordering::Relaxed);
            (StatusCode::BAD_REQUEST, m).into_response()
        }
        Ok(Err(_)) => {
            hook.metrics.errors.fetch_add(1, Ordering::Relaxed);
            (StatusCode::INTERNAL_SERVER_ERROR, "the review failed").into_response()
        }
        Err(_) => {
            hook.metrics.errors.fetch_add(1, Ordering::Relaxed);
            (StatusCode::GATEWAY_TIMEOUT, "the review took too long").into_response()
        }
    };
    hook.metrics.observe(started.elapsed());
    response
}

/// The HTTP routes (exposed for tests that drive them without TLS).
pub fn router(hook: Arc<Webhook>, max_body_bytes: usize, timeout: Duration) -> Router {
    let readyz = {
        let hook = Arc::clone(&hook);
        move || async move {
            if hook.ready.load(Ordering::SeqCst) {
                (StatusCode::OK, "ready")
            } else {
                (StatusCode::SERVICE_UNAVAILABLE, "loading context")
            }
        }
    };
    let metrics = {
        let hook = Arc::clone(&hook);
        move || async move {
            (
                [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                hook.metrics.render(),
            )
        }
    };
    Router::new()
        .route("/validate", post(validate))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state((hook, timeout))
}

fn modified(paths: &[&PathBuf]) -> Vec<Option<SystemTime>> {
    paths
        .iter()
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect()
}

/// Runs the webhook until SIGTERM (or SIGINT).
pub fn serve(hook: Webhook, options: ServeOptions) -> Result<(), String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let hook = Arc::new(hook);
        let count = hook.reload_context()?;
        eprintln!("kubelint serve: {count} context objects; listening on https://{}", options.listen);
        let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&options.cert, &options.key)
            .await
            .map_err(|e| format!("certificate {} / key {}: {e}", options.cert.display(), options.key.display()))?;
        // Reload the certificate when cert-manager (or anyone) rotates the files.
        {
            let (tls, cert, key, poll) = (tls.clone(), options.cert.clone(), options.key.clone(), options.cert_poll);
            tokio::spawn(async move {
                let mut last = modified(&[&cert, &key]);
                loop {
                    tokio::time::sleep(poll).await;
                    let now = modified(&[&cert, &key]);
                    if now != last {
                        match tls.reload_from_pem_file(&cert, &key).await {
                            Ok(()) => eprintln!("kubelint serve: certificate reloaded"),
                            Err(e) => eprintln!("kubelint serve: certificate reload failed, keeping the old one: {e}"),
                        }
                        last = now;
                    }
                }
            });
        }
        let handle = axum_server::Handle::new();
        {
            let (handle, hook) = (handle.clone(), Arc::clone(&hook));
            tokio::spawn(async move {
                use tokio::signal::unix::{SignalKind, signal};
                let (Ok(mut term), Ok(mut int), Ok(mut hup)) =
                    (signal(SignalKind::terminate()), signal(SignalKind::interrupt()), signal(SignalKind::hangup()))
                else {
                    return;
                };
                loop {
                    tokio::select! {
                        _ = term.recv() => break,
                        _ = int.recv() => break,
                        _ = hup.recv() => {
                            let hook = Arc::clone(&hook);
                            match tokio::task::spawn_blocking(move || hook.reload_context()).await {
                                Ok(Ok(n)) => eprintln!("kubelint serve: context reloaded ({n} objects)"),
                                Ok(Err(e)) => eprintln!("kubelint serve: context reload failed, keeping the old one: {e}"),
                                Err(e) => eprintln!("kubelint serve: context reload failed: {e}"),
                            }
                        }
                    }
                }
                eprintln!("kubelint serve: shutting down");
                handle.graceful_shutdown(Some(Duration::from_secs(10)));
            });
        }
        let app = router(hook, options.max_body_bytes, options.timeout);
        axum_server::bind_rustls(options.listen, tls)
            .handle(handle)
            .serve(app.into_make_service())
            .await
            .map_err(|e| format!("serving on {}: {e}", options.listen))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn hook(settings: WebhookSettings) -> Webhook {
        Webhook::new(
            Linter::new(Config::default()).unwrap(),
            settings,
            Severity::Error,
            Vec::new(),
        )
    }

    fn review(operation: &str, namespace: &str, object: Value) -> Vec<u8> {
        serde_json::to_vec(&json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"uid": "u-1", "operation": operation, "namespace": namespace, "object": object, "dryRun": false}}))
        .unwrap()
    }

    fn privileged() -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.27.2", "securityContext": {"privileged": true}}]}})
    }

    #[test]
    fn denies_errors_warns_the_rest_and_echoes_the_uid() {
        let h = hook(WebhookSettings::default());
        let r = h.review(&review("CREATE", "shop", privileged())).unwrap();
        assert_eq!(r["response"]["uid"], "u-1");
        assert_eq!(r["response"]["allowed"], false);
        let message = r["response"]["status"]["message"].as_str().unwrap();
        assert!(message.starts_with("kubelint denied Pod shop/p: "), "{message}");
        assert!(message.contains("privileged-container"), "{message}");
        let ok = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "b"}});
        let r = h.review(&review("UPDATE", "shop", ok)).unwrap();
        assert_eq!(r["response"]["allowed"], true);
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
        let r = h.review(&review("CREATE", "shop", pod)).unwrap();
        assert_eq!(r["response"]["allowed"], true);
        assert!(
            r["response"]["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w.as_str().unwrap().starts_with("latest-tag"))
        );
    }

    #[test]
    fn delete_exempt_namespaces_and_warn_only_namespaces() {
        let mut settings = WebhookSettings::default();
        settings.exempt_namespaces.push("kube-system".into());
        settings.namespace_modes.insert("legacy".into(), NamespaceMode::Warn);
        let h = hook(settings);
        assert_eq!(
            h.review(&review("DELETE", "shop", privileged())).unwrap()["response"]["allowed"],
            true
        );
        assert_eq!(
            h.review(&review("CREATE", "kube-system", privileged())).unwrap()["response"]["allowed"],
            true
        );
        let r = h.review(&review("CREATE", "legacy", privileged())).unwrap();
        assert_eq!(r["response"]["allowed"], true);
        assert!(
            r["response"]["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w.as_str().unwrap().starts_with("privileged-container"))
        );
    }

    #[test]
    fn oversized_bodies_are_refused_and_health_answers() {
        use tower::ServiceExt;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let app = router(Arc::new(hook(WebhookSettings::default())), 1024, Duration::from_secs(5));
        let big = axum::http::Request::post("/validate")
            .body(axum::body::Body::from(vec![b' '; 4096]))
            .unwrap();
        assert_eq!(
            rt.block_on(app.clone().oneshot(big)).unwrap().status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        let ready = axum::http::Request::get("/readyz")
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(
            rt.block_on(app.clone().oneshot(ready)).unwrap().status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "no context loaded yet"
        );
        let health = axum::http::Request::get("/healthz")
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(rt.block_on(app.oneshot(health)).unwrap().status(), StatusCode::OK);
    }

    #[test]
    fn a_review_past_its_time_is_a_gateway_timeout() {
        use tower::ServiceExt;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let h = Arc::new(hook(WebhookSettings::default()));
        // A zero budget: the review (on the blocking pool) cannot be done at the first poll.
        let app = router(Arc::clone(&h), 1 << 20, Duration::ZERO);
        let req = axum::http::Request::post("/validate")
            .body(axum::body::Body::from(review("CREATE", "shop", privileged())))
            .unwrap();
        assert_eq!(
            rt.block_on(app.oneshot(req)).unwrap().status(),
            StatusCode::GATEWAY_TIMEOUT
        );
        assert!(
            h.metrics
                .render()
                .contains("kubelint_admission_requests_total{result=\"error\"} 1")
        );
    }

    #[test]
    fn malformed_requests_are_bad_requests() {
        let h = hook(WebhookSettings::default());
        for body in [
            &b"not json"[..],
            br#"{"apiVersion": "v1"}"#,
            br#"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}"#,
        ] {
            assert!(h.review(body).is_err());
        }
        assert!(h.review(&review("CREATE", "shop", json!("a string"))).is_err());
        assert_eq!(
            h.metrics
                .render()
                .lines()
                .filter(|l| l.starts_with("kubelint_admission_duration_seconds_bucket"))
                .count(),
            BUCKETS.len() + 1
        );
    }
}
