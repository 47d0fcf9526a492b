//! `kubelint serve`: a validating admission webhook over HTTPS (cargo feature `webhook`).
//!
//! `POST /validate` takes an `admission.k8s.io/v1` AdmissionReview and answers with
//! `allowed: false` and a readable message when the object has findings at or above the
//! deny threshold (default `error`), else `allowed: true` with the other findings as
//! admission `warnings`. CREATE and UPDATE are linted, DELETE and CONNECT allowed; the
//! request `uid` is echoed; `dryRun` requests are answered the same way (linting has no side
//! effects) and counted apart.
//!
//! # What denies
//!
//! A finding denies only when it is at or above the threshold and all of these hold:
//!
//! - the webhook enforces: not `--warn-only` ([`Webhook::with_warn_only`], a dry run for
//!   rolling out: every finding becomes a warning) and not a namespace in `warn` mode;
//! - it is not a schema finding (`schema-violation`, `invalid-metadata`, …) on a built-in
//!   kind: the API server validated the object against its own schema before calling the
//!   webhook, so such a finding can only be a difference between kubelint's schemas and the
//!   cluster's version, never a reason to refuse what the API server accepted;
//! - on UPDATE, the old object did not have it already (same rule, object and JSON path):
//!   an object admitted before the webhook (or before a rule was added) can still be
//!   labelled, scaled, annotated or have its finalizers removed; only what the update
//!   introduces is refused, as the API server ratchets its own validation.
//!
//! An UPDATE of an object being deleted (`deletionTimestamp` set: only its finalizers may
//! still change) is allowed without linting. Findings that do not deny are warnings; in
//! warn-only mode those that would have denied say so, and
//! `kubelint_admission_would_deny_total` counts the reviews enforcing would have refused. Objects are judged against a context repository
//! (`--context PATH`, reloaded on SIGHUP) whose inventory is built once per (re)load and
//! shared by every review, so a review costs only its own object.
//! `GET /healthz`, `/readyz` and `/metrics` (Prometheus text). The certificate and key are
//! reloaded when their files change; SIGTERM shuts down gracefully; a malformed body is a
//! 400, never a crash.
//!
//! # Limits, overload and timeouts
//!
//! Every resource a client can make the server hold is bounded ([`Limits`], all of them
//! `kubelint serve` flags):
//!
//! - connections: at most `max_connections` open; one more is closed as soon as it is
//!   accepted, before any TLS work. Only HTTP/1.1 is offered (ALPN), so one connection
//!   carries one request at a time;
//! - time to send the TLS handshake and a request's headers (`header_timeout`, also the
//!   idle time of a kept-alive connection): the connection is closed after it;
//! - request body: at most `max_body_bytes` (413), sent within `body_timeout` (408);
//! - reviews in flight (from the first byte of the body until the review's work has
//!   really ended): at most `max_in_flight`, so buffered bodies hold at most
//!   `max_in_flight × max_body_bytes`; at most `workers` of them parse and lint at once;
//! - review time (`review_timeout`, from the end of the body, queueing included): 504.
//!
//! Over a limit the webhook answers at once, without reading the body, with `503` and
//! `Retry-After: 1`. It does not decide `allowed` itself: it has not read the request (so
//! it has no `uid` to answer), and an admission decision taken under load would override the
//! `failurePolicy` that the cluster's operators chose in the ValidatingWebhookConfiguration
//! (`Ignore`: admit unchecked; `Fail`: refuse). A 503 (or 408, 504) is a webhook failure,
//! to which the API server applies that policy, and which it counts in its own metrics
//! (`apiserver_admission_webhook_rejection_count`).
//!
//! A review that runs out of time is cancelled, not merely abandoned: the lint reads a
//! cancel flag between stages and between rules ([`Linter::lint_in_context_cancellable`]),
//! so it stops within one rule's time on one object (a Rhai rule has its own 250 ms
//! budget). Its in-flight place is given back only when its work has ended, so work that
//! outlives its request still counts against `max_in_flight` and can never pile up.
//!
//! AdmissionReview is a small, stable JSON shape, so it is read with `serde_json` here
//! rather than through kube-core, whose `admission` feature pulls in k8s-openapi (the
//! largest crate of the Kubernetes ecosystem to compile) for the same few fields.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::engine::config::{NamespaceMode, WebhookSettings};
use crate::engine::{Linter, PreparedContext};
use crate::vocab::{Finding, Severity};

pub mod client;
pub mod hygiene;
pub mod metrics;
mod server;

pub use metrics::Metrics;
pub use server::serve;

/// Default of `--max-body-bytes`: an AdmissionReview carries the object and, on UPDATE, its
/// old version, each at most etcd's 1.5 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 3 * 1024 * 1024;
/// Default of `--header-timeout-ms`.
pub const DEFAULT_HEADER_TIMEOUT_MS: u64 = 5_000;
/// Default of `--body-timeout-ms`.
pub const DEFAULT_BODY_TIMEOUT_MS: u64 = 5_000;
/// Default of `--timeout-ms`: below the API server's default `timeoutSeconds` (10), so the
/// answer still reaches it.
pub const DEFAULT_REVIEW_TIMEOUT_MS: u64 = 5_000;
/// Default of `--max-connections`.
pub const DEFAULT_MAX_CONNECTIONS: usize = 128;
/// Default of `--max-in-flight`: with 3 MiB bodies, at most 48 MiB of them buffered.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 16;

/// What clients may make the server hold (see the module documentation).
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest request body accepted (413 above).
    pub max_body_bytes: usize,
    /// Longest a client may take for the TLS handshake and for a request's headers, and
    /// longest a kept-alive connection may stay idle; the connection is closed after it.
    pub header_timeout: Duration,
    /// Longest a client may take to send a request body (408 after).
    pub body_timeout: Duration,
    /// Longest a review may take once its body is read, queueing for a worker included
    /// (504 after; its work is cancelled).
    pub review_timeout: Duration,
    /// Most client connections open at once; more are closed as soon as they are accepted.
    pub max_connections: usize,
    /// Most reviews in flight at once (reading the body, queued or linted, until their
    /// work has ended); more are answered 503 at once.
    pub max_in_flight: usize,
    /// Most reviews parsed and linted at once; the others wait within their timeout.
    pub workers: usize,
}

impl Default for Limits {
    /// The `kubelint serve` defaults; `workers` is the number of CPUs this process may use.
    fn default() -> Limits {
        Limits {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            header_timeout: Duration::from_millis(DEFAULT_HEADER_TIMEOUT_MS),
            body_timeout: Duration::from_millis(DEFAULT_BODY_TIMEOUT_MS),
            review_timeout: Duration::from_millis(DEFAULT_REVIEW_TIMEOUT_MS),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// TLS certificate chain (PEM), reloaded when the file changes.
    pub cert: PathBuf,
    /// TLS private key (PEM), reloaded when the file changes.
    pub key: PathBuf,
    /// How often the certificate files are checked for changes.
    pub cert_poll: Duration,
    /// What clients may make the server hold.
    pub limits: Limits,
}

/// The admission logic: the linter, the settings and the shared context; what the HTTP
/// handlers call.
pub struct Webhook {
    linter: Linter,
    settings: WebhookSettings,
    deny_on: Severity,
    context: RwLock<Arc<PreparedContext>>,
    context_paths: Vec<PathBuf>,
    ready: AtomicBool,
    metrics: Metrics,
    warn_only: bool,
}

/// Why a review has no AdmissionReview answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewError {
    /// The body is not an AdmissionReview the webhook can answer (a 400).
    BadRequest(String),
    /// The review was cancelled before its end.
    Cancelled,
}

impl Webhook {
    /// A webhook judging objects with `linter` against the manifests under `context_paths`
    /// (loaded by [`Webhook::reload_context`]; not ready until then).
    pub fn new(linter: Linter, settings: WebhookSettings, deny_on: Severity, context_paths: Vec<PathBuf>) -> Webhook {
        let empty = linter.context_of(Vec::new());
        Webhook {
            linter,
            settings,
            deny_on,
            context: RwLock::new(Arc::new(empty)),
            context_paths,
            ready: AtomicBool::new(false),
            metrics: Metrics::default(),
            warn_only: false,
        }
    }

    /// Never deny (`kubelint serve --warn-only`): every finding is returned as an admission
    /// warning, those that would have denied marked as such and counted
    /// (`kubelint_admission_would_deny_total`). For rolling the webhook out.
    pub fn with_warn_only(mut self, warn_only: bool) -> Webhook {
        self.warn_only = warn_only;
        self
    }

    /// Whether the API server has validated this finding's subject already: a schema
    /// finding on a built-in kind (the API server checks built-in objects against its own
    /// schema before any validating webhook sees them).
    fn validated_by_api_server(&self, f: &Finding) -> bool {
        let Some(o) = &f.object else { return false };
        crate::schema::ALL.iter().any(|r| r.id == &*f.rule)
            && self.linter.schemas().archive.has_kind(&o.api_version, &o.kind)
    }

    /// The webhook's metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// (Re)loads the context repositories and builds their inventory, then swaps it in:
    /// reviews under way keep the one they started with. On failure the previous context
    /// stays. Returns the number of context objects.
    pub fn reload_context(&self) -> Result<usize, String> {
        let context = self
            .linter
            .load_context(&self.context_paths)
            .map_err(|e| e.to_string())?;
        let n = context.len();
        *self.context.write().expect("context lock") = Arc::new(context);
        self.metrics.context_objects.store(n as u64, Ordering::Relaxed);
        self.ready.store(true, Ordering::SeqCst);
        Ok(n)
    }

    /// Answers one AdmissionReview (the body of `POST /validate`).
    pub fn review(&self, body: &[u8]) -> Result<Value, ReviewError> {
        self.review_cancellable(body, &AtomicBool::new(false))
    }

    /// [`Webhook::review`] that stops early, with [`ReviewError::Cancelled`], once `cancel`
    /// is set.
    pub fn review_cancellable(&self, body: &[u8], cancel: &AtomicBool) -> Result<Value, ReviewError> {
        let bad = |m: String| ReviewError::BadRequest(m);
        let mut review: Value = serde_json::from_slice(body).map_err(|e| bad(format!("the body is not JSON: {e}")))?;
        if review.get("apiVersion").and_then(Value::as_str) != Some("admission.k8s.io/v1")
            || review.get("kind").and_then(Value::as_str) != Some("AdmissionReview")
        {
            return Err(bad("expected an admission.k8s.io/v1 AdmissionReview".into()));
        }
        let request = review
            .get_mut("request")
            .ok_or_else(|| bad("the AdmissionReview has no `request`".into()))?;
        let text = |field: &str| request.get(field).and_then(Value::as_str).map(str::to_string);
        let uid = text("uid").ok_or_else(|| bad("the request has no `uid`".into()))?;
        let operation = text("operation").unwrap_or_default();
        let namespace = text("namespace").unwrap_or_default();
        if request.get("dryRun").and_then(Value::as_bool) == Some(true) {
            self.metrics.dry_run.fetch_add(1, Ordering::Relaxed);
        }
        let answer = |allowed: bool, warnings: Vec<String>, message: Option<String>| {
            let mut response = json!({"uid": uid, "allowed": allowed, "warnings": warnings});
            if let Some(message) = message {
                response["status"] = json!({"code": 403, "reason": "Forbidden", "message": message});
            }
            json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": response})
        };
        if !matches!(operation.as_str(), "CREATE" | "UPDATE") || self.settings.exempt_namespaces.contains(&namespace) {
            self.metrics.allowed.fetch_add(1, Ordering::Relaxed);
            return Ok(answer(true, Vec::new(), None));
        }
        let mut object = request
            .get_mut("object")
            .map(Value::take)
            .ok_or_else(|| bad(format!("a {operation} request has no `object`")))?;
        if !object.is_object() {
            return Err(bad("`request.object` is not an object".into()));
        }
        fill_namespace(&mut object, &namespace);
        let field = |pointer: &str| {
            object
                .pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string()
        };
        if operation == "UPDATE"
            && object
                .pointer("/metadata/deletionTimestamp")
                .is_some_and(|v| !v.is_null())
        {
            // Being deleted: only finalizers can still change; refusing would keep it forever.
            self.metrics.allowed.fetch_add(1, Ordering::Relaxed);
            return Ok(answer(true, Vec::new(), None));
        }
        let (kind, name) = (field("/kind"), field("/metadata/name"));
        let text = serde_json::to_string_pretty(&object).expect("JSON serialises");
        drop(object);
        let context = Arc::clone(&self.context.read().expect("context lock"));
        let file = format!("admission/{kind}/{name}.json");
        let report = self
            .linter
            .lint_in_context_cancellable(&context, &file, &text, cancel)
            .map_err(|_| ReviewError::Cancelled)?;
        let enforce = !self.warn_only
            && self
                .settings
                .namespace_modes
                .get(&namespace)
                .is_none_or(|m| *m == NamespaceMode::Enforce);
        let could_deny = |f: &&Finding| f.severity >= self.deny_on && !self.validated_by_api_server(f);
        // On UPDATE, what the old object had already does not deny (see the module docs).
        let mut old_fingerprints = std::collections::HashMap::<String, usize>::new();
        if operation == "UPDATE" && report.findings.iter().any(|f| could_deny(&f)) {
            let old = request.get_mut("oldObject").map(Value::take).filter(Value::is_object);
            if let Some(mut old) = old {
                fill_namespace(&mut old, &namespace);
                let old_text = serde_json::to_string_pretty(&old).expect("JSON serialises");
                drop(old);
                let old_report = self
                    .linter
                    .lint_in_context_cancellable(&context, &file, &old_text, cancel)
                    .map_err(|_| ReviewError::Cancelled)?;
                for f in old_report.findings.iter().filter(|f| could_deny(f)) {
                    *old_fingerprints.entry(crate::vocab::fingerprint(f).0).or_default() += 1;
                }
            }
        }
        let mut would_deny: Vec<&Finding> = Vec::new();
        let mut rest: Vec<&Finding> = Vec::new();
        for f in &report.findings {
            if could_deny(&f) {
                // A finding the old object had (as many times as it had it) is not new.
                match old_fingerprints.get_mut(&crate::vocab::fingerprint(f).0) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        rest.push(f);
                    }
                    _ => would_deny.push(f),
                }
            } else {
                rest.push(f);
            }
        }
        let describe = |f: &Finding| {
            let mut s = format!("{}: {}", f.rule, f.message);
            if !f.path.is_empty() {
                s.push_str(&format!(" ({})", crate::schema::validate::dotted(&f.path)));
            }
            s
        };
        if !enforce {
            // Warn only: what would have denied comes first, and says so.
            if !would_deny.is_empty() {
                self.metrics.would_deny.fetch_add(1, Ordering::Relaxed);
            }
            let marked = would_deny.iter().map(|f| format!("would deny: {}", describe(f)));
            let warnings = hygiene::warnings(marked.chain(rest.iter().map(|f| describe(f))));
            self.metrics.allowed.fetch_add(1, Ordering::Relaxed);
            return Ok(answer(true, warnings, None));
        }
        let (denying, warning) = (would_deny, rest);
        let warnings = hygiene::warnings(warning.iter().map(|f| describe(f)));
        if denying.is_empty() {
            self.metrics.allowed.fetch_add(1, Ordering::Relaxed);
            return Ok(answer(true, warnings, None));
        }
        self.metrics.denied.fetch_add(1, Ordering::Relaxed);
        const LISTED: usize = 10;
        let mut message = format!("kubelint denied {kind} {namespace}/{name}: ");
        let listed: Vec<String> = denying
            .iter()
            .take(LISTED)
            .map(|f| hygiene::item(&describe(f)))
            .collect();
        message.push_str(&listed.join("; "));
        if denying.len() > LISTED {
            message.push_str(&format!("; and {} more", denying.len() - LISTED));
        }
        Ok(answer(false, warnings, Some(hygiene::message(&message))))
    }
}

/// Sets the namespace of an object that names none to the request's, as the API server
/// fills it in for namespaced objects.
fn fill_namespace(object: &mut Value, namespace: &str) {
    if !namespace.is_empty()
        && object.pointer("/metadata/namespace").is_none()
        && let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut)
    {
        meta.insert("namespace".into(), json!(namespace));
    }
}

/// What the routes share.
struct Shared {
    hook: Arc<Webhook>,
    limits: Limits,
    in_flight: Arc<Semaphore>,
    workers: Arc<Semaphore>,
}

/// A review's place among those in flight, given back (and the gauge lowered) when it is
/// dropped: by the work itself once it has ended, or with the request if no work started.
struct Ticket {
    _permit: OwnedSemaphorePermit,
    hook: Arc<Webhook>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.hook.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Sets the flag when dropped: when the request ends for any reason (answered, timed out,
/// or its connection gone), work still running for it stops.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// A short plain-text answer; `close` ends the connection after it (the body may be unread).
fn plain(status: StatusCode, text: String, close: bool) -> Response {
    let mut response = (status, text).into_response();
    if close {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

async fn validate(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let started = Instant::now();
    let hook = &shared.hook;
    let Ok(permit) = Arc::clone(&shared.in_flight).try_acquire_owned() else {
        hook.metrics.shed.fetch_add(1, Ordering::Relaxed);
        let mut response = plain(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "kubelint is at its limit of {} reviews in flight",
                shared.limits.max_in_flight
            ),
            true,
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    hook.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let ticket = Ticket {
        _permit: permit,
        hook: Arc::clone(hook),
    };
    let response = answer(&shared, request, ticket).await;
    if !response.status().is_success() {
        hook.metrics.errors.fetch_add(1, Ordering::Relaxed);
    }
    hook.metrics.observe(started.elapsed());
    response
}

/// Reads the body and runs the review, each within its time.
async fn answer(shared: &Shared, request: Request, ticket: Ticket) -> Response {
    let (hook, limits) = (&shared.hook, &shared.limits);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        let text = format!("the body is larger than {} bytes", limits.max_body_bytes);
        return plain(StatusCode::PAYLOAD_TOO_LARGE, text, true);
    }
    let body = match tokio::time::timeout(limits.body_timeout, Bytes::from_request(request, &())).await {
        Ok(Ok(body)) => body,
        Ok(Err(rejection)) => {
            let mut response = rejection.into_response();
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        }
        Err(_) => {
            hook.metrics.body_timeouts.fetch_add(1, Ordering::Relaxed);
            let text = format!("the body did not arrive within {} ms", limits.body_timeout.as_millis());
            return plain(StatusCode::REQUEST_TIMEOUT, text, true);
        }
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let _cancel_on_drop = CancelOnDrop(Arc::clone(&cancel));
    let work = {
        let (hook, workers, cancel) = (Arc::clone(hook), Arc::clone(&shared.workers), Arc::clone(&cancel));
        async move {
            let worker = workers
                .acquire_owned()
                .await
                .expect("the worker semaphore is never closed");
            tokio::task::spawn_blocking(move || {
                // Both places are held until the work ends, however long after its request.
                let _held = (ticket, worker);
                let result = hook.review_cancellable(&body, &cancel);
                if result == Err(ReviewError::Cancelled) {
                    hook.metrics.cancelled.fetch_add(1, Ordering::Relaxed);
                }
                result
            })
            .await
        }
    };
    match tokio::time::timeout(limits.review_timeout, work).await {
        Ok(Ok(Ok(v))) => (StatusCode::OK, axum::Json(v)).into_response(),
        Ok(Ok(Err(ReviewError::BadRequest(m)))) => plain(StatusCode::BAD_REQUEST, m, false),
        Ok(Ok(Err(ReviewError::Cancelled))) | Err(_) => {
            cancel.store(true, Ordering::Relaxed);
            hook.metrics.review_timeouts.fetch_add(1, Ordering::Relaxed);
            let text = format!("the review took longer than {} ms", limits.review_timeout.as_millis());
            plain(StatusCode::GATEWAY_TIMEOUT, text, false)
        }
        Ok(Err(_)) => plain(StatusCode::INTERNAL_SERVER_ERROR, "the review failed".into(), false),
    }
}

/// The HTTP routes (exposed for tests that drive them without TLS). `limits` apply to
/// `POST /validate`; the connection limits and header timeout are the server's
/// ([`serve`]).
pub fn router(hook: Arc<Webhook>, limits: &Limits) -> Router {
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
    let shared = Arc::new(Shared {
        hook,
        limits: limits.clone(),
        in_flight: Arc::new(Semaphore::new(limits.max_in_flight)),
        workers: Arc::new(Semaphore::new(limits.workers.max(1))),
    });
    Router::new()
        .route("/validate", post(validate))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .with_state(shared)
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Config;

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

    fn limits(max_body_bytes: usize, review_timeout: Duration) -> Limits {
        Limits {
            max_body_bytes,
            review_timeout,
            ..Limits::default()
        }
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
                .any(|w| w.as_str().unwrap().starts_with("would deny: privileged-container"))
        );
    }

    #[test]
    fn oversized_bodies_are_refused_and_health_answers() {
        use tower::ServiceExt;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let app = router(
            Arc::new(hook(WebhookSettings::default())),
            &limits(1024, Duration::from_secs(5)),
        );
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
        let app = router(Arc::clone(&h), &limits(1 << 20, Duration::ZERO));
        let req = axum::http::Request::post("/validate")
            .body(axum::body::Body::from(review("CREATE", "shop", privileged())))
            .unwrap();
        assert_eq!(
            rt.block_on(app.oneshot(req)).unwrap().status(),
            StatusCode::GATEWAY_TIMEOUT
        );
        let text = h.metrics.render();
        let at = |name: &str| metrics::sample(&text, name);
        assert_eq!(
            at("kubelint_admission_requests_total{result=\"error\"}"),
            Some(1.0),
            "{text}"
        );
        assert_eq!(
            at("kubelint_admission_timeouts_total{phase=\"review\"}"),
            Some(1.0),
            "{text}"
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
        assert_eq!(
            h.review(&review("CREATE", "shop", json!("a string"))),
            Err(ReviewError::BadRequest("`request.object` is not an object".into()))
        );
    }
}
