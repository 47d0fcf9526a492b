//! The library API as a downstream tool uses it: in-memory inputs, streaming, contexts,
//! serde, features.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kubelint::rules::{At, Context, Family, Inventory, Object, Rule, RuleInfo};
use kubelint::{Config, Input, Linter, RunOptions, Severity};

fn pod(name: &str, image: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  containers:\n  - {{name: c, image: {image}}}\n"
    )
}

static WAITS: RuleInfo = RuleInfo {
    id: "waits-for-a",
    family: Family::Hygiene,
    severity: Severity::Info,
    title: "on the object named `late`, waits until the caller has seen a.yaml",
    ..RuleInfo::BASE
};

/// On the object named `late`, waits (at most 20 s) until `seen` is set, and reports
/// whether it was.
struct WaitsForA {
    seen: Arc<AtomicBool>,
}

impl Rule for WaitsForA {
    fn info(&self) -> &'static RuleInfo {
        &WAITS
    }

    fn check(&self, object: &Object, _: &Inventory, cx: &mut Context<'_>) {
        if object.name.as_deref() != Some("late") {
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.seen.load(Ordering::SeqCst) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        let message = if self.seen.load(Ordering::SeqCst) {
            "a.yaml was handed over first"
        } else {
            "a.yaml was not handed over while this file was being checked"
        };
        cx.report("/metadata/name", At::Value, message);
    }
}

#[test]
fn lint_streaming_hands_over_each_file_while_the_others_are_still_checked() {
    let seen = Arc::new(AtomicBool::new(false));
    let rule = WaitsForA {
        seen: Arc::clone(&seen),
    };
    let options = RunOptions::default().only(["waits-for-a", "latest-tag"]);
    let linter = Linter::with_rules(Config::default(), options, vec![Box::new(rule)]).unwrap();
    let inputs = [
        Input::text("a.yaml", pod("early", "nginx")),
        Input::text("b.yaml", pod("late", "nginx:1.27.2")),
    ];
    let mut order = Vec::new();
    let report = linter
        .lint_streaming(&inputs, |file| {
            if file.path.as_os_str() == "a.yaml" {
                seen.store(true, Ordering::SeqCst);
            }
            let rules: Vec<String> = file.findings.iter().map(|f| f.rule.to_string()).collect();
            order.push((file.path.display().to_string(), rules));
        })
        .unwrap();
    // b.yaml's check could only finish after a.yaml was handed over: the callback ran
    // during the run, not after it.
    assert_eq!(
        order,
        vec![
            ("a.yaml".to_string(), vec!["latest-tag".to_string()]),
            ("b.yaml".to_string(), vec!["waits-for-a".to_string()]),
        ]
    );
    let waited = report.findings.iter().find(|f| &*f.rule == "waits-for-a").unwrap();
    assert_eq!(waited.message, "a.yaml was handed over first");
}

#[test]
fn lint_streaming_batches_add_up_to_the_report() {
    let linter = Linter::new(Config::default()).unwrap();
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n";
    let service =
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: nope}, ports: [{port: 80}]}\n";
    let inputs = [
        Input::text("deploy.yaml", deployment),
        Input::text("svc.yaml", service),
        Input::text("broken.yaml", "a: [\n"),
        Input::text("empty.yaml", ""),
    ];
    let seen = Mutex::new(Vec::new());
    let report = linter
        .lint_streaming(&inputs, |file| seen.lock().unwrap().push(file))
        .unwrap();
    let mut files = seen.into_inner().unwrap();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let names: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    assert_eq!(
        names,
        ["broken.yaml", "deploy.yaml", "svc.yaml"],
        "each file with objects or findings, once"
    );
    for f in &files {
        let mut sorted = f.findings.clone();
        sorted.sort_by(|a, b| (a.start, &a.rule).cmp(&(b.start, &b.rule)));
        let key = |v: &[kubelint::Finding]| v.iter().map(|f| (f.start, f.rule.to_string())).collect::<Vec<_>>();
        assert_eq!(key(&f.findings), key(&sorted), "{}: in report order", f.path.display());
    }
    let streamed: Vec<String> = files
        .iter()
        .flat_map(|f| f.findings.iter())
        .map(|f| format!("{}:{} {}", f.file.display_path(), f.start.line, f.rule))
        .collect();
    let mut reported: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{}:{} {}", f.file.display_path(), f.start.line, f.rule))
        .collect();
    let mut streamed_sorted = streamed.clone();
    streamed_sorted.sort();
    reported.sort();
    assert_eq!(streamed_sorted, reported, "the same findings as the report");
    assert!(
        streamed.iter().any(|s| s.starts_with("svc.yaml:4 ")),
        "a cross-object finding on the Service's selector: {streamed:?}"
    );
    assert!(
        streamed
            .iter()
            .any(|s| s.starts_with("broken.yaml:") && s.ends_with("yaml-syntax"))
    );
    // The same report as lint_inputs.
    let again = linter.lint_inputs(&inputs).unwrap();
    assert_eq!(again.findings.len(), report.findings.len());
}

#[test]
fn a_finding_serialises_with_its_path_not_its_text() {
    let linter = Linter::new(Config::default()).unwrap();
    let report = linter.lint_str("dir/pod.yaml", &pod("p", "nginx"));
    let f = report.findings.iter().find(|f| &*f.rule == "latest-tag").unwrap();
    let v = serde_json::to_value(f).unwrap();
    assert_eq!(v["file"], "dir/pod.yaml");
    assert_eq!(v["rule"], "latest-tag");
    assert_eq!(v["severity"], "warning");
    assert_eq!(v["start"], serde_json::json!({"line": 6, "column": 22}));
    assert_eq!(
        v["object"],
        serde_json::json!({"apiVersion": "v1", "kind": "Pod", "namespace": "default", "name": "p"})
    );
    assert!(v["helpUrl"].as_str().unwrap().ends_with("/latest-tag.md"));
    assert!(!v.to_string().contains("kind: Pod"), "no file text: {v}");
    let r = serde_json::to_value(&report).unwrap();
    assert_eq!(r["summary"]["withoutSchema"], 0);
    assert_eq!(r["findings"].as_array().unwrap().len(), report.findings.len());
    assert!(r.get("rules").is_none());
}

#[test]
fn a_context_is_prepared_from_texts_and_judges_a_new_object() {
    let linter = Linter::new(Config::default()).unwrap();
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx:1.27.2}]}\n";
    let context = linter
        .prepare_context(&[Input::text("deploy.yaml", deployment)])
        .unwrap();
    assert_eq!(context.len(), 1);
    let service = |app: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: web, namespace: shop}}\nspec: {{selector: {{app: {app}}}, ports: [{{port: 80}}]}}\n"
        )
    };
    let matching = linter.lint_in_context(&context, "svc.yaml", &service("web"));
    let other = linter.lint_in_context(&context, "svc.yaml", &service("nope"));
    assert_eq!(matching.summary.objects, 1);
    assert!(
        other.findings.len() > matching.findings.len(),
        "a selector matching no pod of the context is reported: {:?}",
        other.findings.iter().map(|f| &f.rule).collect::<Vec<_>>()
    );
}

#[cfg(feature = "scripts")]
#[test]
fn a_script_given_as_text_is_a_rule() {
    let script = "fn meta() { #{ id: \"no-p\", severity: \"error\", title: \"no pods named p\", description: \"d\", remediation: \"r\" } }\n\
                  fn check(object, ctx) { if object.metadata.name == \"p\" { ctx.report(\"/metadata/name\", \"named p\"); } }\n";
    let linter = Linter::with_options(Config::default(), RunOptions::default().script("no-p.rhai", script)).unwrap();
    let report = linter.lint_str("pod.yaml", &pod("p", "nginx:1.27.2"));
    let f = report.findings.iter().find(|f| &*f.rule == "no-p").unwrap();
    assert_eq!((f.severity, f.start.line), (Severity::Error, 3));
    // One that does not compile is a rule-error in the script, in every run.
    let linter = Linter::with_options(
        Config::default(),
        RunOptions::default().script("bad.rhai", "fn meta( {\n"),
    )
    .unwrap();
    let report = linter.lint_str("pod.yaml", &pod("p", "nginx:1.27.2"));
    let e = report.findings.iter().find(|f| &*f.rule == "rule-error").unwrap();
    assert_eq!(e.file.display_path(), "bad.rhai");
}

#[cfg(not(feature = "scripts"))]
#[test]
fn without_scripts_rule_folders_and_scripts_are_config_errors() {
    let e = Linter::with_options(Config::default(), RunOptions::default().rule_dir("policies"))
        .err()
        .unwrap();
    assert!(e.message.contains("feature `scripts`"), "{e}");
    let c = Config::parse(std::path::Path::new("k.yaml"), "ruleDirs: [policies]\n").unwrap();
    assert!(Linter::new(c).err().unwrap().message.contains("feature `scripts`"));
    let e = Linter::with_options(Config::default(), RunOptions::default().script("x.rhai", ""))
        .err()
        .unwrap();
    assert!(e.message.contains("feature `scripts`"), "{e}");
}

#[test]
fn a_config_error_is_a_std_error_with_its_origin() {
    let c = Config::parse(std::path::Path::new("conf/k.yaml"), "rules:\n  latest-tg: off\n").unwrap();
    let e = Linter::new(c).err().unwrap();
    let origin = e.origin.as_ref().unwrap();
    assert_eq!((origin.file.to_str(), origin.position.line), (Some("conf/k.yaml"), 2));
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(boxed.to_string().starts_with("conf/k.yaml:2:3: unknown rule"));
}

#[test]
fn the_linter_is_shared_between_threads() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let linter = Arc::new(Linter::new(Config::default()).unwrap());
    send_sync(&*linter);
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let linter = Arc::clone(&linter);
            std::thread::spawn(move || linter.lint_str(&format!("{i}.yaml"), &pod("p", "nginx")).findings.len())
        })
        .collect();
    let counts: Vec<usize> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] == w[1] && w[0] > 0), "{counts:?}");
}
