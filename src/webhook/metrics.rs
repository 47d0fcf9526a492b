//! The webhook's Prometheus metrics (`GET /metrics`).

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Latency histogram buckets, in seconds.
pub const BUCKETS: [f64; 11] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// Counters and gauges of one webhook; every method is lock-free.
#[derive(Default)]
pub struct Metrics {
    pub(crate) allowed: AtomicU64,
    pub(crate) denied: AtomicU64,
    pub(crate) would_deny: AtomicU64,
    pub(crate) errors: AtomicU64,
    pub(crate) shed: AtomicU64,
    pub(crate) dry_run: AtomicU64,
    pub(crate) body_timeouts: AtomicU64,
    pub(crate) review_timeouts: AtomicU64,
    pub(crate) cancelled: AtomicU64,
    pub(crate) in_flight: AtomicU64,
    pub(crate) connections_open: AtomicU64,
    pub(crate) connections_refused: AtomicU64,
    pub(crate) context_objects: AtomicU64,
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Metrics {
    /// Records the time one review took to answer.
    pub(crate) fn observe(&self, elapsed: Duration) {
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
        let mut metric = |name: &str, kind: &str, help: &str, samples: &[(&str, u64)]| {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (labels, value) in samples {
                let _ = writeln!(s, "{name}{labels} {value}");
            }
        };
        metric(
            "kubelint_admission_requests_total",
            "counter",
            "Admission reviews answered, by result (shed: refused at the in-flight limit).",
            &[
                ("{result=\"allowed\"}", get(&self.allowed)),
                ("{result=\"denied\"}", get(&self.denied)),
                ("{result=\"error\"}", get(&self.errors)),
                ("{result=\"shed\"}", get(&self.shed)),
            ],
        );
        metric(
            "kubelint_admission_denials_total",
            "counter",
            "Admission reviews denied.",
            &[("", get(&self.denied))],
        );
        metric(
            "kubelint_admission_would_deny_total",
            "counter",
            "Admission reviews allowed that enforcing would have denied (--warn-only, or a namespace in warn mode).",
            &[("", get(&self.would_deny))],
        );
        metric(
            "kubelint_admission_dry_run_total",
            "counter",
            "Dry-run admission reviews.",
            &[("", get(&self.dry_run))],
        );
        metric(
            "kubelint_admission_timeouts_total",
            "counter",
            "Reviews that ran out of time, by phase (body: reading the request body; review: linting).",
            &[
                ("{phase=\"body\"}", get(&self.body_timeouts)),
                ("{phase=\"review\"}", get(&self.review_timeouts)),
            ],
        );
        metric(
            "kubelint_admission_cancelled_total",
            "counter",
            "Reviews whose work stopped before its end (timed out or abandoned).",
            &[("", get(&self.cancelled))],
        );
        metric(
            "kubelint_admission_in_flight",
            "gauge",
            "Reviews being read, queued or linted (work that outlived its request included).",
            &[("", get(&self.in_flight))],
        );
        metric(
            "kubelint_connections_open",
            "gauge",
            "Open client connections.",
            &[("", get(&self.connections_open))],
        );
        metric(
            "kubelint_connections_refused_total",
            "counter",
            "Connections closed at once because the connection limit was reached.",
            &[("", get(&self.connections_refused))],
        );
        metric(
            "kubelint_context_objects",
            "gauge",
            "Objects in the loaded context.",
            &[("", get(&self.context_objects))],
        );
        let count = get(&self.count);
        let mut histogram: Vec<(String, u64)> = BUCKETS
            .iter()
            .zip(&self.buckets)
            .map(|(b, n)| (format!("_bucket{{le=\"{b}\"}}"), get(n)))
            .collect();
        histogram.push(("_bucket{le=\"+Inf\"}".to_string(), count));
        let _ = writeln!(
            s,
            "# HELP kubelint_admission_duration_seconds Time to answer an admission review (shed requests not included).\n\
             # TYPE kubelint_admission_duration_seconds histogram"
        );
        for (suffix, n) in histogram {
            let _ = writeln!(s, "kubelint_admission_duration_seconds{suffix} {n}");
        }
        let _ = writeln!(
            s,
            "kubelint_admission_duration_seconds_sum {}\nkubelint_admission_duration_seconds_count {count}",
            get(&self.sum_micros) as f64 / 1e6
        );
        s
    }
}

/// The value of one sample in a Prometheus text exposition (`name` with its labels, as
/// rendered), for tests and probes.
pub fn sample(exposition: &str, name: &str) -> Option<f64> {
    exposition.lines().find_map(|l| {
        let (n, v) = l.rsplit_once(' ')?;
        (n == name).then(|| v.parse().ok())?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative_and_samples_read_back() {
        let m = Metrics::default();
        m.observe(Duration::from_micros(2_000));
        m.observe(Duration::from_millis(30));
        m.observe(Duration::from_secs(10));
        m.denied.fetch_add(2, Ordering::Relaxed);
        let text = m.render();
        let at = |name: &str| sample(&text, name).unwrap_or_else(|| panic!("{name} in\n{text}"));
        assert_eq!(at("kubelint_admission_duration_seconds_bucket{le=\"0.001\"}"), 0.0);
        assert_eq!(at("kubelint_admission_duration_seconds_bucket{le=\"0.0025\"}"), 1.0);
        assert_eq!(at("kubelint_admission_duration_seconds_bucket{le=\"0.05\"}"), 2.0);
        assert_eq!(at("kubelint_admission_duration_seconds_bucket{le=\"2.5\"}"), 2.0);
        assert_eq!(at("kubelint_admission_duration_seconds_bucket{le=\"+Inf\"}"), 3.0);
        assert_eq!(at("kubelint_admission_duration_seconds_count"), 3.0);
        assert!((at("kubelint_admission_duration_seconds_sum") - 10.032).abs() < 1e-9);
        assert_eq!(at("kubelint_admission_requests_total{result=\"denied\"}"), 2.0);
        assert_eq!(at("kubelint_admission_denials_total"), 2.0);
        assert_eq!(sample(&text, "kubelint_nonexistent"), None);
    }
}
