//! Throughput on a generated repository (`cargo bench`; `BENCH_DOCS=N` to resize).
//!
//! Measures, best of three runs each:
//! - the raw saphyr-parser event stream (the floor: no tree, no spans),
//! - kubelint's load stage (spanned trees, YAML 1.1 resolution, classification), on one
//!   thread for a like-for-like ratio with the raw parser, and on all cores,
//! - schema validation alone on the loaded inventory (built-in kinds and custom resources
//!   of a CRD in the repo), with the number of schemas compiled,
//! - the full run (`Linter::lint_paths`: walk, read, load, inventory, schemas, rules, sort),
//! - rendering the findings of all documents as one stream, human format versus github.
//!
//! `BENCH_CEL=1` gives the generated CRD two CEL rules (`x-kubernetes-validations`), so the
//! custom resources (a fifth of the documents) are also checked by CEL (feature `cel`).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

// The loader is internal (hidden, no stability promise): its stage is timed alone.
use kubelint::load::load_file;
use kubelint::rules::Family;
use kubelint::{Config, Linter};
use kubelint::{Input, RunOptions, SourceFile};
use rayon::prelude::*;

const DOCS_PER_FILE: usize = 10;

fn deployment(i: usize) -> String {
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: service-{i}
  namespace: team-{ns}
  labels:
    app.kubernetes.io/name: service-{i}
    app.kubernetes.io/part-of: shop
  annotations:
    description: "Service number {i}, generated for the benchmark"
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: service-{i}
  strategy:
    type: RollingUpdate
    rollingUpdate: {{maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: service-{i}
    spec:
      serviceAccountName: service-{i}
      securityContext:
        runAsNonRoot: true
        seccompProfile: {{type: RuntimeDefault}}
      containers:
        - name: app
          image: registry.example.com/shop/service-{i}:{tag}
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef: {{name: service-{i}-db, key: url}}
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: 500m, memory: 256Mi}}
          readinessProbe:
            httpGet: {{path: /ready, port: http}}
            periodSeconds: 5
          livenessProbe:
            httpGet: {{path: /health, port: http}}
            initialDelaySeconds: 10
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
"#,
        ns = i % 20,
        replicas = 2 + i % 3,
        tag = if i.is_multiple_of(7) {
            "latest".to_string()
        } else {
            format!("1.{}.{}", i % 10, i % 13)
        },
    )
}

fn service(i: usize) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: service-{i}\n  namespace: team-{}\nspec:\n  selector:\n    app.kubernetes.io/name: service-{i}\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n",
        i % 20
    )
}

fn config_map(i: usize) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: service-{i}-config\n  namespace: team-{}\ndata:\n  feature-flags: |\n    checkout=true\n    search=v{}\n  region: eu-west-{}\n",
        i % 20,
        i % 4,
        i % 3
    )
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: caches.shop.example.com
spec:
  group: shop.example.com
  scope: Namespaced
  names: {plural: caches, singular: cache, kind: Cache}
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
              required: [size]
CEL_RULES              properties:
                size: {type: integer, minimum: 1, maximum: 64}
                engine: {type: string, enum: [redis, memcached]}
                port: {x-kubernetes-int-or-string: true}
                settings: {type: object, x-kubernetes-preserve-unknown-fields: true}
";

/// The CRD, with CEL rules when `BENCH_CEL` is set.
fn crd() -> String {
    let rules = if std::env::var_os("BENCH_CEL").is_some() {
        "              x-kubernetes-validations:
                - rule: \"self.engine != 'memcached' || self.size <= 32\"
                  message: memcached caches hold at most 32 shards
                  fieldPath: .size
                - rule: \"!has(self.settings) || self.settings.all(k, k.size() < 64)\"
                  message: setting names are shorter than 64 characters
"
    } else {
        ""
    };
    CRD.replace("CEL_RULES", rules)
}

fn custom_resource(i: usize) -> String {
    format!(
        "apiVersion: shop.example.com/v1\nkind: Cache\nmetadata:\n  name: cache-{i}\n  namespace: team-{}\nspec:\n  size: {}\n  engine: redis\n  port: {}\n  settings:\n    maxmemory-policy: allkeys-lru\n",
        i % 20,
        1 + i % 64,
        if i.is_multiple_of(2) {
            "\"6379\"".to_string()
        } else {
            "6379".to_string()
        }
    )
}

fn document(i: usize) -> String {
    match i % 5 {
        0 | 1 => deployment(i),
        2 => service(i),
        3 => config_map(i),
        _ => custom_resource(i),
    }
}

fn generate(dir: &Path, docs: usize) -> Vec<SourceFile> {
    let mut files = Vec::new();
    for f in 0..docs.div_ceil(DOCS_PER_FILE) {
        let text: Vec<String> = (f * DOCS_PER_FILE..((f + 1) * DOCS_PER_FILE).min(docs))
            .map(document)
            .collect();
        let text = text.join("---\n");
        let path = dir.join(format!("team-{}/app-{f}.yaml", f % 50));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
        files.push(SourceFile::new(path, text));
    }
    let crd = crd();
    std::fs::write(dir.join("crd.yaml"), &crd).unwrap();
    files.push(SourceFile::new(dir.join("crd.yaml"), crd));
    files
}

fn best_of_3(mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut count = 0;
    for _ in 0..3 {
        let t = Instant::now();
        count = f();
        best = best.min(t.elapsed());
    }
    (best, count)
}

fn raw_events(text: &str) -> usize {
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut docs = 0;
    while let Some(Ok((event, _))) = parser.next_event() {
        if matches!(event, saphyr_parser::Event::DocumentStart(_)) {
            docs += 1;
        }
    }
    docs
}

fn main() {
    let docs: usize = std::env::var("BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let dir = tempfile::tempdir().unwrap();
    let files = generate(dir.path(), docs);
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();
    let texts: Vec<(std::path::PathBuf, String)> = files.iter().map(|f| (f.path.clone(), f.text.clone())).collect();
    let mb = bytes as f64 / 1e6;
    println!(
        "generated {} files, {docs} documents, {mb:.1} MB; {} threads",
        files.len(),
        rayon::current_num_threads()
    );
    println!("{:<34} {:>9} {:>12} {:>9}", "stage", "seconds", "documents/s", "MB/s");
    let report = |name: &str, (t, n): (Duration, usize)| {
        let s = t.as_secs_f64();
        println!("{name:<34} {s:>9.3} {:>12.0} {:>9.1}", n as f64 / s, mb / s);
        s
    };

    let raw = report(
        "raw saphyr events, 1 thread",
        best_of_3(|| texts.iter().map(|(_, t)| raw_events(t)).sum()),
    );
    let load = report(
        "load (spanned trees), 1 thread",
        best_of_3(|| {
            texts
                .iter()
                .map(|(p, t)| load_file(Arc::new(SourceFile::new(p, t.clone()))).documents_read)
                .sum()
        }),
    );
    report(
        "raw saphyr events, all threads",
        best_of_3(|| texts.par_iter().map(|(_, t)| raw_events(t)).sum()),
    );
    report(
        "load (spanned trees), all threads",
        best_of_3(|| {
            texts
                .par_iter()
                .map(|(p, t)| load_file(Arc::new(SourceFile::new(p, t.clone()))).documents_read)
                .sum()
        }),
    );
    // The schema rules alone (built-in kinds and custom resources), from texts in memory:
    // loading, indexing and schema validation, no other rule.
    let schema_rules: Vec<&str> = Linter::new(Config::default())
        .unwrap()
        .rules()
        .iter()
        .filter(|r| r.family == Family::Schema)
        .map(|r| r.id)
        .collect();
    let schema_only = Linter::with_options(Config::default(), RunOptions::default().only(schema_rules)).unwrap();
    let inputs: Vec<Input> = texts
        .iter()
        .map(|(p, t)| Input::text(p.to_string_lossy(), t.clone()))
        .collect();
    report(
        "schema rules only (load..report), all threads",
        best_of_3(|| {
            let r = schema_only.lint_inputs(&inputs).unwrap();
            assert_eq!(r.findings.len(), 0, "the generated documents are valid");
            r.summary.objects
        }),
    );
    let linter = Linter::new(Config::default()).unwrap();
    report(
        "full run (walk..report), all threads",
        best_of_3(|| {
            let r = linter.lint_paths(&[dir.path()]);
            assert_eq!(r.summary.objects, docs + 1);
            r.summary.documents
        }),
    );
    // Rendering the findings of every document as one stream: the human format (source
    // snippets) must stay linear like the github one (it was quadratic: miette rescanned
    // the stream from its start for every finding).
    let stream: String = texts.iter().map(|(_, t)| format!("---\n{t}")).collect();
    let streamed = linter.lint_str("stream.yaml", &stream);
    println!(
        "one stream of {:.1} MB: {} findings",
        stream.len() as f64 / 1e6,
        streamed.findings.len()
    );
    let render_options = kubelint::report::RenderOptions::default().with_timing(false);
    for (name, format) in [
        ("render human, one stream", kubelint::report::Format::Human),
        ("render github, one stream", kubelint::report::Format::Github),
    ] {
        report(
            name,
            best_of_3(|| {
                let mut out = Vec::new();
                kubelint::report::render(&streamed, format, &render_options, &mut out).unwrap();
                streamed.summary.documents
            }),
        );
    }
    // The shipped Rhai scripts, all enabled (three are off by default), versus none.
    let config = Config::parse(
        std::path::Path::new("bench.yaml"),
        "rules:\n  required-owner-labels: on\n  allowed-registries: on\n  host-path-allowlist: on\n  istio-sidecar-injection: on\n",
    )
    .unwrap();
    let scripted = Linter::new(config).unwrap();
    let with = report(
        "full run, shipped scripts enabled",
        best_of_3(|| scripted.lint_paths(&[dir.path()]).summary.documents),
    );
    let off = Config::parse(
        std::path::Path::new("bench.yaml"),
        "rules:\n  istio-sidecar-injection: off\n",
    )
    .unwrap();
    let unscripted = Linter::new(off).unwrap();
    let without = report(
        "full run, scripts disabled",
        best_of_3(|| unscripted.lint_paths(&[dir.path()]).summary.documents),
    );
    println!("scripts cost {:.0}% of the full run", (with / without - 1.0) * 100.0);
    println!("load / raw parser time, 1 thread: {:.2}x", load / raw);
}
