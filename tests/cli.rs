//! The command line, driven as a user drives it.

mod common;

use std::fs;

use assert_cmd::Command;

const CLEAN: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n";
const WARNS: &str =
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx\n";
const ERRS: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: root\nspec:\n  containers:\n    - name: root\n      image: busybox:1.36\n      securityContext: {privileged: true}\n";

fn bin_in(dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("kubelint").unwrap();
    cmd.current_dir(dir);
    cmd
}

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

fn code(cmd: &mut Command) -> i32 {
    cmd.output().unwrap().status.code().unwrap()
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = repo(&[("clean.yaml", CLEAN), ("warn.yaml", WARNS), ("err.yaml", ERRS)]);
    let check = |args: &[&str]| code(bin_in(dir.path()).arg("check").args(args));
    assert_eq!(check(&["clean.yaml"]), 0);
    assert_eq!(check(&["warn.yaml"]), 0, "warnings pass the default --fail-on error");
    assert_eq!(check(&["warn.yaml", "--fail-on", "warning"]), 1);
    assert_eq!(check(&["clean.yaml", "--fail-on", "info"]), 0);
    assert_eq!(check(&["err.yaml"]), 1);
    assert_eq!(check(&["err.yaml", "--fail-on", "never"]), 0);
    assert_eq!(check(&["."]), 1);
    assert_eq!(check(&["--format", "xml"]), 2, "usage error");
    assert_eq!(check(&["--no-such-flag"]), 2);
}

#[test]
fn default_path_is_the_working_directory_and_summary_ends_output() {
    let dir = repo(&[("a/warn.yaml", WARNS), ("b/clean.yml", CLEAN)]);
    let out = bin_in(dir.path())
        .args(["check", "--color=never", "--only", "latest-tag"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("kubelint: 2 files, 2 documents, 2 objects: 0 errors, 1 warning, 0 info in "),
        "{last}"
    );
    assert!(text.contains("a/warn.yaml:8:14"), "{text}");
}

#[test]
fn stdin_is_read_with_dash() {
    let out = common::kubelint_stdin(WARNS, &["check", "-", "--format", "json", "--only", "latest-tag"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &report["findings"][0];
    assert_eq!(f["file"], "<stdin>");
    assert_eq!(f["rule"], "latest-tag");
    assert_eq!(
        (f["start"]["line"].as_u64(), f["start"]["column"].as_u64()),
        (Some(8), Some(14))
    );
}

#[test]
fn output_goes_to_a_file() {
    let dir = repo(&[("warn.yaml", WARNS)]);
    let out = bin_in(dir.path())
        .args(["check", "--format", "sarif", "-o", "out.sarif", "--only", "latest-tag"])
        .output()
        .unwrap();
    assert!(out.stdout.is_empty());
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "latest-tag");
    assert!(String::from_utf8(out.stderr).unwrap().starts_with("kubelint: 1 file"));
}

#[test]
fn excludes_gitignore_and_kubelintignore() {
    let dir = repo(&[
        ("keep/warn.yaml", WARNS),
        ("vendor/err.yaml", ERRS),
        ("generated/err.yaml", ERRS),
        ("scratch/err.yaml", ERRS),
        (".gitignore", "generated/\n"),
        (".kubelintignore", "scratch/\n"),
    ]);
    let out = bin_in(dir.path())
        .args(["check", "--exclude", "vendor/**", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["files"], 1);
    let out = bin_in(dir.path())
        .args(["check", "--no-ignore", "--format", "json", "--exclude", "*.yaml"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["files"], 0);
}

#[test]
fn config_is_found_upward_and_its_errors_exit_2_with_a_position() {
    let dir = repo(&[
        (".kubelint.yaml", "rules:\n  latest-tag: error\n"),
        ("sub/warn.yaml", WARNS),
    ]);
    let sub = dir.path().join("sub");
    assert_eq!(
        code(bin_in(&sub).args(["check", "warn.yaml"])),
        1,
        "latest-tag raised to error by the config"
    );
    assert_eq!(code(bin_in(&sub).args(["check", "--no-config", "warn.yaml"])), 0);
    fs::write(dir.path().join(".kubelint.yaml"), "rules:\n  latest-tags: error\n").unwrap();
    let out = bin_in(&sub).args(["check", "warn.yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(".kubelint.yaml:2:3: unknown rule `latest-tags` (did you mean `latest-tag`?)"),
        "{err}"
    );
    fs::write(dir.path().join("bad.yaml"), "rules: [\n").unwrap();
    let out = bin_in(dir.path())
        .args(["check", "--config", "bad.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("bad.yaml:2:1"));
}

#[test]
fn namespace_flag_sets_the_default_namespace() {
    let dir = repo(&[("warn.yaml", WARNS)]);
    let out = bin_in(dir.path())
        .args(["check", "-n", "shop", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"][0]["object"]["namespace"], "shop");
}

#[test]
fn oversized_files_are_findings() {
    let dir = repo(&[("big.yaml", &WARNS.repeat(10))]);
    let out = bin_in(dir.path())
        .args(["check", "big.yaml", "--max-file-size", "100", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["rule"], "unreadable-file");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("over the 100-byte limit")
    );
}

/// (exit code, stderr) of `kubelint check ARGS` in `dir`.
fn usage(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = bin_in(dir).arg("check").args(args).output().unwrap();
    assert!(out.stdout.is_empty(), "no report on a usage error");
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn missing_or_unreadable_paths_named_are_usage_errors() {
    let dir = repo(&[("warn.yaml", WARNS)]);
    let (code, err) = usage(dir.path(), &["warn.yaml", "nothing-here.yaml"]);
    assert_eq!(code, Some(2));
    assert!(err.starts_with("error: nothing-here.yaml: cannot read path: "), "{err}");
    let (code, err) = usage(dir.path(), &["no-such-folder/"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no-such-folder"), "{err}");
    // A path that exists but cannot be opened, even by root: a Unix socket.
    #[cfg(unix)]
    {
        let _socket = std::os::unix::net::UnixListener::bind(dir.path().join("kubelint.sock")).unwrap();
        let (code, err) = usage(dir.path(), &["kubelint.sock"]);
        assert_eq!(code, Some(2));
        assert!(err.starts_with("error: kubelint.sock: cannot read file: "), "{err}");
    }
}

#[test]
fn an_invalid_exclude_glob_is_a_usage_error() {
    let dir = repo(&[("warn.yaml", WARNS)]);
    let (code, err) = usage(dir.path(), &["--exclude", "a[", "warn.yaml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("invalid exclude pattern `a[`"), "{err}");
}

fn json_report(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// (rule, file, line) of every finding.
fn places(report: &serde_json::Value) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn fifos_pipes_and_devices_named_are_read() {
    let dir = repo(&[]);
    let fifo = dir.path().join("rendered");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // The writer blocks until kubelint opens the FIFO to read it.
    let writer = std::thread::spawn(move || fs::write(fifo, WARNS).unwrap());
    let out = bin_in(dir.path())
        .args(["check", "rendered", "--format", "json", "--only", "latest-tag"])
        .output()
        .unwrap();
    let report = json_report(&out);
    assert_eq!(places(&report), vec![("latest-tag".into(), "rendered".into(), 8)]);
    assert_eq!(report["summary"]["files"], 1);
    writer.join().unwrap();

    // `/dev/stdin` is a pipe here, as `/dev/fd/63` is for `<(helm template …)`.
    let out = bin_in(dir.path())
        .args(["check", "/dev/stdin", "--format", "json", "--only", "latest-tag"])
        .write_stdin(WARNS)
        .output()
        .unwrap();
    assert_eq!(
        places(&json_report(&out)),
        vec![("latest-tag".into(), "/dev/stdin".into(), 8)]
    );

    // A character device: read, and bounded by the size limit.
    let out = bin_in(dir.path())
        .args(["check", "/dev/null", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_report(&out)["summary"]["files"], 1);
    let out = bin_in(dir.path())
        .args(["check", "/dev/zero", "--format", "json", "--max-file-size", "4096"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json_report(&out);
    assert_eq!(places(&report), vec![("unreadable-file".into(), "/dev/zero".into(), 1)]);
    assert_eq!(
        report["findings"][0]["message"],
        "more than 4096 bytes, over the 4096-byte limit (--max-file-size)"
    );
}

#[cfg(unix)]
#[test]
fn process_substitution_is_read() {
    let exe = assert_cmd::cargo::cargo_bin("kubelint");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(r#""$0" check --no-config --format json --only latest-tag <(printf '%s' "$1")"#)
        .arg(exe)
        .arg(WARNS)
        .output()
        .expect("bash runs");
    let report = json_report(&out);
    let found = places(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "latest-tag");
    assert!(found[0].1.starts_with("/dev/fd/"), "{found:?}");
}

const POD_A: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: a, image: nginx}]}\n";

/// A stream of three documents, the second with a Latin-1 `ü`.
fn stream_with_a_latin1_document() -> Vec<u8> {
    let mut bytes = POD_A.as_bytes().to_vec();
    bytes.extend_from_slice(
        b"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata: {city: \"M\xfcnchen\"}\n",
    );
    bytes.extend_from_slice(b"--- # the last one\n");
    bytes.extend_from_slice(POD_A.replace("name: a}", "name: b}").as_bytes());
    bytes
}

#[test]
fn invalid_utf8_loses_only_its_own_document() {
    let dir = repo(&[]);
    fs::write(dir.path().join("stream.yaml"), stream_with_a_latin1_document()).unwrap();
    let want = vec![
        ("latest-tag".to_string(), "<stdin>".to_string(), 4),
        ("unreadable-file".to_string(), "<stdin>".to_string(), 9),
        ("latest-tag".to_string(), "<stdin>".to_string(), 14),
    ];
    let out = bin_in(dir.path())
        .args(["check", "-", "--format", "json", "--only", "latest-tag"])
        .write_stdin(stream_with_a_latin1_document())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json_report(&out);
    assert_eq!(places(&report), want);
    let bad = &report["findings"][1];
    assert_eq!(bad["start"]["column"], 16, "at the byte that is not UTF-8");
    assert_eq!(
        bad["message"],
        "document is not valid UTF-8 text and was not checked (the other documents were)"
    );
    assert_eq!(report["summary"]["documents"], 2);
    // A file, the same.
    let out = bin_in(dir.path())
        .args(["check", "stream.yaml", "--format", "json", "--only", "latest-tag"])
        .output()
        .unwrap();
    let in_file: Vec<_> = want
        .into_iter()
        .map(|(r, _, l)| (r, "stream.yaml".to_string(), l))
        .collect();
    assert_eq!(places(&json_report(&out)), in_file);
}

#[test]
fn stdin_is_bounded_by_the_size_limit() {
    let big = WARNS.replace(
        "name: web\n",
        &format!("name: web\n  annotations: {{a: \"{}\"}}\n", "x".repeat(5000)),
    );
    let out = common::kubelint_stdin(&big, &["check", "-", "--format", "json", "--max-file-size", "4096"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json_report(&out);
    assert_eq!(places(&report), vec![("unreadable-file".into(), "<stdin>".into(), 1)]);
    assert_eq!(
        report["findings"][0]["message"],
        "more than 4096 bytes, over the 4096-byte limit (--max-file-size)"
    );
    // The human format names stdin too.
    let out = common::kubelint_stdin(&big, &["check", "-", "--max-file-size", "4096", "--color", "never"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("more than 4096 bytes, over the 4096-byte limit (--max-file-size) [<stdin>]"),
        "{text}"
    );
    // Just under the limit, it is read.
    let out = common::kubelint_stdin(
        WARNS,
        &[
            "check",
            "-",
            "--format",
            "json",
            "--max-file-size",
            &WARNS.len().to_string(),
        ],
    );
    assert_eq!(json_report(&out)["summary"]["objects"], 1);
}

#[test]
fn stdin_filename_names_stdin_and_meets_excludes() {
    let dir = repo(&[]);
    let run = |args: &[&str], input: &str| {
        bin_in(dir.path())
            .args(["check", "-", "--format", "json", "--only", "latest-tag"])
            .args(args)
            .write_stdin(input.to_string())
            .output()
            .unwrap()
    };
    let out = run(&["--stdin-filename", "deploy/web.yaml"], WARNS);
    assert_eq!(
        places(&json_report(&out)),
        vec![("latest-tag".into(), "deploy/web.yaml".into(), 8)]
    );
    let out = run(
        &["--stdin-filename", "vendor/web.yaml", "--exclude", "vendor/**"],
        WARNS,
    );
    let report = json_report(&out);
    assert_eq!(report["summary"]["files"], 0, "excluded like the file it names");
    assert!(report["findings"].as_array().unwrap().is_empty());
    // The name decides what a file name decides, e.g. a Kustomization.
    let out = run(&["--stdin-filename", "kustomization.yaml"], "resources: [web.yaml]\n");
    let report = json_report(&out);
    assert_eq!(
        places(&report),
        vec![("skipped-file".into(), "kustomization.yaml".into(), 1)]
    );
    let (code, err) = usage(dir.path(), &["--stdin-filename", "x.yaml", "."]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--stdin-filename"), "{err}");
}

#[test]
fn colours_only_when_asked_or_on_a_terminal() {
    let dir = repo(&[("warn.yaml", WARNS)]);
    let plain = bin_in(dir.path()).args(["check"]).output().unwrap();
    assert!(!plain.stdout.contains(&0x1b));
    let colour = bin_in(dir.path())
        .args(["check", "--color", "always"])
        .output()
        .unwrap();
    assert!(colour.stdout.contains(&0x1b));
}

#[test]
fn rules_lists_and_explains() {
    let out = common::kubelint().args(["rules"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for id in [
        "yaml-syntax",
        "duplicate-key",
        "not-a-manifest",
        "latest-tag",
        "privileged-container",
    ] {
        assert!(text.lines().any(|l| l.starts_with(id)), "{id} missing from:\n{text}");
    }
    let out = common::kubelint()
        .args(["rules", "explain", "latest-tag"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("## Why it matters") && text.contains("image: nginx:1.27.2"),
        "{text}"
    );
    assert_eq!(code(common::kubelint().args(["rules", "explain", "nope"])), 2);
}

#[test]
fn credentials_in_test_fixtures_are_warnings_and_the_folders_are_configurable() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n    - name: db\n      image: mysql:8.4.3\n      env:\n        - name: MYSQL_ROOT_PASSWORD\n          value: supersecret\n";
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keys\ndata:\n  id_rsa: |\n    -----BEGIN RSA PRIVATE KEY-----\n    MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n    -----END RSA PRIVATE KEY-----\n";
    let dir = repo(&[
        ("deploy/db.yaml", pod),
        ("tests/e2e-auth/db.yaml", pod),
        ("tests/e2e-auth/keys.yaml", cm),
        ("deploy/keys.yaml", cm),
        (
            "k.yaml",
            "rules:\n  secret-in-env:\n    params: {testFolders: []}\n  credential-in-plain-text:\n    params: {testFolders: [deploy]}\n",
        ),
    ]);
    // (rule, file, severity, message) of the credential rules' findings.
    let findings = |config: &[&str]| {
        let mut args = vec!["check", "deploy", "tests", "--format", "json", "--fail-on", "never"];
        args.extend_from_slice(config);
        let out = bin_in(dir.path()).args(&args).output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut got: Vec<[String; 4]> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "secret-in-env" || f["rule"] == "credential-in-plain-text")
            .map(|f| ["rule", "file", "severity", "message"].map(|k| f[k].as_str().unwrap().to_string()))
            .collect();
        got.sort();
        got
    };
    let brief = |got: &[[String; 4]]| -> Vec<String> { got.iter().map(|f| f[..3].join(" ")).collect() };
    let got = findings(&["--no-config"]);
    assert_eq!(
        brief(&got),
        [
            "credential-in-plain-text deploy/keys.yaml error",
            "credential-in-plain-text tests/e2e-auth/keys.yaml warning",
            "secret-in-env deploy/db.yaml error",
            "secret-in-env tests/e2e-auth/db.yaml warning",
        ]
    );
    let note = "(in a test fixture, folder `tests/`: a warning, as a throw-away credential for a test cluster is still readable by everyone with the repository)";
    assert!(got[3][3].ends_with(note), "{}", got[3][3]);
    assert!(!got[2][3].contains("test fixture"), "{}", got[2][3]);
    // `testFolders: []` makes no folder special; any folder name can be one.
    let got = findings(&["--config", "k.yaml"]);
    assert_eq!(
        brief(&got),
        [
            "credential-in-plain-text deploy/keys.yaml warning",
            "credential-in-plain-text tests/e2e-auth/keys.yaml error",
            "secret-in-env deploy/db.yaml error",
            "secret-in-env tests/e2e-auth/db.yaml error",
        ]
    );
}

/// A pod whose only fixable findings are safe and unsafe ones of the security rules.
const FIXABLE: &str = "# the web pod\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web  # keep\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      imagePullPolicy: IfNotPresent\n";

#[test]
fn diff_prints_the_fixes_and_writes_nothing() {
    let dir = repo(&[("pod.yaml", FIXABLE)]);
    let out = bin_in(dir.path())
        .args(["check", "--no-config", "--diff", "pod.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "something to fix");
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.starts_with("--- a/pod.yaml\n+++ b/pod.yaml\n@@ "), "{diff}");
    assert!(
        diff.contains("+      securityContext:\n+        allowPrivilegeEscalation: false\n"),
        "{diff}"
    );
    assert!(
        !diff.contains("runAsNonRoot"),
        "unsafe fixes need --unsafe-fixes: {diff}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("Would fix 2 findings in 1 file"), "{stderr}");
    assert!(
        stderr.contains("unsafe fixes available with --unsafe-fixes"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(dir.path().join("pod.yaml")).unwrap(), FIXABLE);
    // `--fix --dry-run` is the same diff, and writes nothing either.
    let dry = bin_in(dir.path())
        .args(["check", "--no-config", "--fix", "--dry-run", "pod.yaml"])
        .output()
        .unwrap();
    assert_eq!(dry.status.code(), Some(1));
    assert_eq!(String::from_utf8(dry.stdout).unwrap(), diff);
    assert_eq!(fs::read_to_string(dir.path().join("pod.yaml")).unwrap(), FIXABLE);
    // Nothing to fix: exit 0, no diff.
    let dir = repo(&[("clean.yaml", CLEAN)]);
    let out = bin_in(dir.path())
        .args(["check", "--no-config", "--diff", "clean.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn fix_writes_minimal_edits_and_a_second_run_has_nothing_left() {
    let dir = repo(&[("pod.yaml", FIXABLE)]);
    let run = |args: &[&str]| {
        bin_in(dir.path())
            .args(["check", "--no-config", "--format", "json", "pod.yaml"])
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--fix", "--unsafe-fixes"]);
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(stderr.contains("kubelint: Fixed 6 findings in 1 file"), "{stderr}");
    let fixed = fs::read_to_string(dir.path().join("pod.yaml")).unwrap();
    assert_eq!(
        fixed,
        "# the web pod\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web  # keep\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      imagePullPolicy: IfNotPresent\n      securityContext:\n        capabilities:\n          drop: [ALL]\n        allowPrivilegeEscalation: false\n        readOnlyRootFilesystem: true\n  automountServiceAccountToken: false\n  securityContext:\n    runAsNonRoot: true\n    seccompProfile:\n      type: RuntimeDefault\n"
    );
    // The report is of the fixed file: no finding with a fix is left.
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["fix"].is_null())
    );
    let again = run(&["--fix", "--unsafe-fixes"]);
    assert!(
        String::from_utf8(again.stderr)
            .unwrap()
            .contains("Fixed 0 findings in 0 files")
    );
    assert_eq!(fs::read_to_string(dir.path().join("pod.yaml")).unwrap(), fixed);
    // --unsafe-fixes alone is a usage error.
    assert_eq!(run(&["--unsafe-fixes"]).status.code(), Some(2));
}

#[test]
fn fix_of_stdin_prints_the_fixed_text_and_reports_on_stderr() {
    let out = common::kubelint_stdin(FIXABLE, &["check", "--no-config", "--fix", "--format", "compact", "-"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        FIXABLE.replace(
            "imagePullPolicy: IfNotPresent\n",
            "imagePullPolicy: IfNotPresent\n      securityContext:\n        allowPrivilegeEscalation: false\n"
        ) + "  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("<stdin>:"), "the report goes to stderr: {stderr}");
    assert!(stderr.contains("Fixed 2 findings"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn rendered_objects_get_no_fix() {
    let chart = "fixtures/render/helm/shop";
    let out = common::kubelint()
        .args(["check", "--no-config", "--format", "json", "--fail-on", "never"])
        .args(["--helm", chart, "--helm-command", "fixtures/render/helm/fake-helm.sh"])
        .output()
        .unwrap();
    let report = common::json(&out);
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["rule"] == "capabilities-not-dropped"),
        "the chart has fixable findings"
    );
    assert!(
        findings.iter().all(|f| f["fix"].is_null()),
        "a rendered object's finding has a fix"
    );
    let out = common::kubelint()
        .args(["check", "--no-config", "--diff", "--unsafe-fixes"])
        .args(["--helm", chart, "--helm-command", "fixtures/render/helm/fake-helm.sh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    // A `helm template` stream on stdin: its parts are named after the templates.
    let stream = fs::read_to_string(common::root().join("fixtures/render/helm/stream.yaml")).unwrap();
    let out = common::kubelint_stdin(
        &stream,
        &["check", "--no-config", "--format", "json", "--fail-on", "never", "-"],
    );
    let report = common::json(&out);
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(
        findings.iter().all(|f| f["fix"].is_null()),
        "a rendered stream's finding has a fix"
    );
}

#[test]
fn fix_refuses_a_file_whose_edit_would_change_an_alias_too() {
    // The container's securityContext is also the pod's, through an alias: inserting
    // `allowPrivilegeEscalation` there would add it to the pod's too.
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      securityContext: &sc\n        seccompProfile: {type: RuntimeDefault}\n  securityContext: *sc\n";
    let dir = repo(&[("pod.yaml", text)]);
    let out = bin_in(dir.path())
        .args([
            "check",
            "--no-config",
            "--fix",
            "--only",
            "privilege-escalation-allowed",
            "pod.yaml",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("not fixing pod.yaml: the fixed document at line 1 differs from the original beyond the intended changes (at `/spec/securityContext/allowPrivilegeEscalation`)"),
        "{stderr}"
    );
    assert!(stderr.contains("Fixed 0 findings"), "{stderr}");
    assert_eq!(fs::read_to_string(dir.path().join("pod.yaml")).unwrap(), text);
}
