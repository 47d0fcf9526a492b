//! A bounded load generator for `kubelint serve`, run as its own process against loopback.
//!
//! - `webhook_load ADDR CA_PEM REQUESTS CONNECTIONS`: sends REQUESTS AdmissionReviews (the
//!   seed inventory-service Deployment and a privileged Pod, alternately) over CONNECTIONS
//!   kept-alive TLS connections and prints one JSON line: requests, errors, seconds,
//!   requests/s, p50, p99 (milliseconds).
//! - `webhook_load ADDR CA_PEM stall CONNECTIONS BODY_BYTES`: plays CONNECTIONS slow
//!   clients that each declare a body of BODY_BYTES, send all of it but the last byte, and
//!   wait (at most 30 s) for an answer; prints one JSON line: how many connections were
//!   refused, answered by status, closed without an answer, or still waiting, and the
//!   seconds taken. Meant for watching the server's memory while its bodies stall.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use kubelint::webhook::client::{Client, head};

fn review(uid: usize, object: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": format!("load-{uid}"), "operation": "CREATE", "namespace": "supply-chain", "object": object}}))
    .unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let addr: std::net::SocketAddr = args.get(1).expect("ADDR").parse().expect("ADDR is host:port");
    assert!(addr.ip().is_loopback(), "load tests only target loopback");
    let ca = std::fs::read(args.get(2).expect("CA_PEM")).expect("readable CA");
    let client = Client::new(addr, &ca, "localhost").expect("client");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if args.get(3).map(String::as_str) == Some("stall") {
        let connections: usize = args.get(4).map_or(100, |s| s.parse().unwrap());
        let body_bytes: usize = args.get(5).map_or(3 << 20, |s| s.parse().unwrap());
        runtime.block_on(stall(&client, connections, body_bytes));
    } else {
        let requests: usize = args.get(3).map_or(10_000, |s| s.parse().unwrap());
        let connections: usize = args.get(4).map_or(4, |s| s.parse().unwrap());
        runtime.block_on(load(&client, requests, connections));
    }
}

async fn load(client: &Client, requests: usize, connections: usize) {
    let deployment = serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "inventory-service", "namespace": "supply-chain", "labels": {"app": "inventory-service"}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "inventory-service"}},
            "template": {"metadata": {"labels": {"app": "inventory-service"}},
                "spec": {"serviceAccountName": "inventory-service-sa", "containers": [{"name": "inventory-service",
                    "image": "your-registry/inventory-service:v1.2.3", "ports": [{"containerPort": 8080, "name": "http"}],
                    "resources": {"requests": {"memory": "256Mi", "cpu": "250m"}, "limits": {"memory": "512Mi", "cpu": "500m"}},
                    "livenessProbe": {"httpGet": {"path": "/health", "port": 8080}},
                    "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}}}]}}}});
    let pod = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "root"},
        "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "securityContext": {"privileged": true}}]}});
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..connections {
        let (client, deployment, pod) = (client.clone(), deployment.clone(), pod.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = client.connect().await.expect("connect");
            let (mut latencies, mut errors) = (Vec::new(), 0);
            for i in (c..requests).step_by(connections) {
                let body = review(i, if i % 2 == 0 { &deployment } else { &pod });
                let t = Instant::now();
                match conn.request("POST", "/validate", &body).await {
                    Ok((200, _)) => latencies.push(t.elapsed()),
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut results: Vec<(Vec<Duration>, usize)> = Vec::new();
    for t in tasks {
        results.push(t.await.expect("task"));
    }
    let seconds = started.elapsed().as_secs_f64();
    let errors: usize = results.iter().map(|r| r.1).sum();
    let mut latencies: Vec<Duration> = results.into_iter().flat_map(|r| r.0).collect();
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{}",
        serde_json::json!({"requests": latencies.len() + errors, "errors": errors, "seconds": seconds,
            "requests_per_second": (latencies.len() as f64) / seconds, "p50_ms": pct(0.50), "p99_ms": pct(0.99)})
    );
}

async fn stall(client: &Client, connections: usize, body_bytes: usize) {
    let started = Instant::now();
    let mut tasks = Vec::new();
    let mut refused = 0;
    for _ in 0..connections {
        let Ok(mut conn) = client.connect().await else {
            refused += 1;
            continue;
        };
        tasks.push(tokio::spawn(async move {
            let body = vec![b' '; body_bytes.saturating_sub(1)];
            let sent =
                conn.send(&head("POST", "/validate", body_bytes)).await.is_ok() && conn.send(&body).await.is_ok();
            match tokio::time::timeout(Duration::from_secs(30), conn.response()).await {
                Ok(Ok((status, _))) => status.to_string(),
                Ok(Err(_)) if sent => "closed".to_string(),
                Ok(Err(_)) => "closed while sending".to_string(),
                Err(_) => "waiting after 30 s".to_string(),
            }
        }));
    }
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for t in tasks {
        *outcomes.entry(t.await.expect("task")).or_default() += 1;
    }
    println!(
        "{}",
        serde_json::json!({"connections": connections, "refused": refused, "outcomes": outcomes,
            "seconds": started.elapsed().as_secs_f64()})
    );
}
