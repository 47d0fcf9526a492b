//! The container image (`Dockerfile`, `.dockerignore`), checked without a container daemon
//! (this machine has none): the file is parsed and held against the real binary.
//!
//! - Every kubelint subcommand and flag that the image passes (ENTRYPOINT + CMD) or that
//!   its usage lines (`docker run … kubelint ARGS`) show exists: `kubelint SUB --help`
//!   lists it; the default command runs on a manifest folder.
//! - The final stage runs as a numeric non-root user, runs nothing (no shell there), and
//!   its exec-form ENTRYPOINT is the binary the build stage copied in.
//! - The build is locked and release, with the features `serve` needs.
//! - The build context that `.dockerignore` leaves (Docker's rules: last matching pattern
//!   wins, a pattern matching a parent folder matches what is below it) holds every file
//!   the crate embeds and loads as a Cargo manifest (`cargo fetch --offline --locked`),
//!   and none of target/, fixtures/, .git.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One instruction: its keyword (upper case) and its text, continuation lines joined.
#[derive(Debug)]
struct Instruction {
    keyword: String,
    args: String,
}

/// The Dockerfile's stages, each a list of instructions (FROM first).
fn stages(text: &str) -> Vec<Vec<Instruction>> {
    let mut stages: Vec<Vec<Instruction>> = Vec::new();
    let mut pending = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if pending.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        if let Some(head) = trimmed.strip_suffix('\\') {
            pending.push_str(head);
            pending.push(' ');
            continue;
        }
        pending.push_str(trimmed);
        let (keyword, args) = pending.split_once(char::is_whitespace).unwrap_or((&pending, ""));
        let ins = Instruction {
            keyword: keyword.to_ascii_uppercase(),
            args: args.trim().to_string(),
        };
        if ins.keyword == "FROM" {
            stages.push(Vec::new());
        }
        stages
            .last_mut()
            .unwrap_or_else(|| panic!("an instruction before the first FROM: {pending:?}"))
            .push(ins);
        pending.clear();
    }
    stages
}

/// An exec-form (JSON array) ENTRYPOINT or CMD.
fn exec_form(ins: &Instruction) -> Vec<String> {
    serde_json::from_str(&ins.args).unwrap_or_else(|e| {
        panic!(
            "{} must be in exec form (a JSON array: the image has no shell): {:?}: {e}",
            ins.keyword, ins.args
        )
    })
}

fn dockerfile() -> String {
    std::fs::read_to_string(root().join("Dockerfile")).unwrap()
}

fn find<'a>(stage: &'a [Instruction], keyword: &str) -> Vec<&'a Instruction> {
    stage.iter().filter(|i| i.keyword == keyword).collect()
}

fn help(sub: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kubelint"))
        .args([sub, "--help"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "`kubelint {sub}` is not a subcommand: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Asserts that `args` (a subcommand, then its arguments) name only flags that exist.
fn check_invocation(args: &[String], origin: &str) {
    let sub = args.first().unwrap_or_else(|| panic!("{origin}: no subcommand"));
    assert!(!sub.starts_with('-'), "{origin}: a subcommand comes first: {args:?}");
    let text = help(sub);
    for arg in &args[1..] {
        if !arg.starts_with('-') || arg == "-" {
            continue;
        }
        let flag = arg.split('=').next().unwrap();
        let listed = text.lines().any(|line| {
            line.trim_start()
                .split([',', ' ', '='])
                .any(|word| word == flag || word.strip_suffix(']').is_some_and(|w| w == flag))
        });
        assert!(listed, "{origin}: `kubelint {sub}` has no flag {flag}:\n{text}");
    }
}

#[test]
fn every_subcommand_and_flag_given_to_kubelint_exists() {
    let text = dockerfile();
    let stages = stages(&text);
    let last = stages.last().expect("a FROM");
    let entry = find(last, "ENTRYPOINT");
    assert_eq!(entry.len(), 1, "one ENTRYPOINT in the final stage");
    let entry = exec_form(entry[0]);
    assert_eq!(entry.len(), 1, "ENTRYPOINT is the binary alone: {entry:?}");
    assert!(entry[0].ends_with("/kubelint"), "{entry:?}");
    let cmd = find(last, "CMD");
    assert_eq!(cmd.len(), 1, "one CMD in the final stage");
    let cmd = exec_form(cmd[0]);
    check_invocation(&cmd, "CMD");

    // The default command, run as the image runs it (WORKDIR holds the mounted manifests).
    let workdir = find(last, "WORKDIR");
    assert_eq!(workdir.len(), 1, "the final stage sets the folder users mount");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kubelint"))
        .args(&cmd)
        .current_dir(dir.path())
        .env_remove("KUBELINT_CONFIG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the default command on a good manifest: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("1 file, 1 document"),
        "the mounted folder was linted: {said}"
    );

    // The usage lines in the header: `docker run [options] IMAGE ARGS…` with IMAGE `kubelint`.
    let mut runs = 0;
    let mut subs = Vec::new();
    for line in text.lines() {
        let Some(run) = line.trim_start_matches('#').trim().strip_prefix("docker run ") else {
            continue;
        };
        let words: Vec<String> = run.split_whitespace().map(String::from).collect();
        let image = words
            .iter()
            .position(|w| w == "kubelint")
            .unwrap_or_else(|| panic!("the image is named kubelint in {line:?}"));
        let args = &words[image + 1..];
        check_invocation(args, line);
        subs.push(args[0].clone());
        runs += 1;
    }
    assert!(runs >= 2, "the header shows how to run the image");
    for sub in ["check", "serve"] {
        assert!(subs.iter().any(|s| s == sub), "a usage line runs `{sub}`: {subs:?}");
    }
    // The port the image exposes is the one `serve` listens on by default.
    let expose = find(last, "EXPOSE");
    assert_eq!(expose.len(), 1);
    let port = expose[0].args.trim_end_matches("/tcp");
    assert!(
        help("serve").contains(&format!("[default: 0.0.0.0:{port}]")),
        "EXPOSE {port} is not serve's default port"
    );
}

#[test]
fn the_final_stage_runs_as_a_numeric_non_root_user_without_a_shell() {
    let stages = stages(&dockerfile());
    assert!(stages.len() >= 2, "a multi-stage build");
    let last = stages.last().unwrap();
    let user = find(last, "USER");
    let user = user.last().expect("the final stage sets USER");
    let ids: Vec<&str> = user.args.split(':').collect();
    for id in &ids {
        let n: u32 = id.parse().unwrap_or_else(|_| {
            panic!(
                "USER {}: numeric, so that the kubelet can verify runAsNonRoot",
                user.args
            )
        });
        assert_ne!(n, 0, "USER {}: not root", user.args);
    }
    assert!(
        find(last, "RUN").is_empty(),
        "the final stage runs nothing (distroless has no shell)"
    );
    // What the final stage holds: the binary from the build stage, at the ENTRYPOINT.
    let entry = exec_form(find(last, "ENTRYPOINT")[0]);
    let copies = find(last, "COPY");
    assert_eq!(copies.len(), 1, "only the binary: {copies:?}");
    let words: Vec<&str> = copies[0].args.split_whitespace().collect();
    assert!(words[0].starts_with("--from="), "{words:?}");
    assert_eq!(words.last().unwrap(), &entry[0]);
    let base = &last[0].args;
    assert!(
        base.starts_with("gcr.io/distroless/") || base == "scratch",
        "a base without a shell: {base}"
    );
}

#[test]
fn the_build_is_locked_release_and_has_the_features_serve_needs() {
    let stages = stages(&dockerfile());
    let builds: Vec<&Instruction> = stages[..stages.len() - 1]
        .iter()
        .flatten()
        .filter(|i| i.keyword == "RUN" && i.args.contains("cargo build"))
        .collect();
    assert_eq!(builds.len(), 1, "one cargo build: {builds:?}");
    let words: Vec<&str> = builds[0].args.split_whitespace().collect();
    for flag in ["--release", "--locked"] {
        assert!(words.contains(&flag), "cargo build {flag}: {words:?}");
    }
    assert!(!words.contains(&"--no-default-features"), "{words:?}");
    let features: Vec<&str> = words
        .iter()
        .position(|w| *w == "--features")
        .map(|i| words[i + 1].split(',').collect())
        .unwrap_or_default();
    // `serve` is compiled in with the webhook feature (src/cli), and the shipped scripts
    // with `scripts`, a default feature.
    assert!(
        features.contains(&"webhook") || words.contains(&"--all-features"),
        "the build enables `webhook`, which `serve` needs: {words:?}"
    );
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("default = [\"cli\", \"scripts\", \"mimalloc\", \"cel\"]"),
        "Cargo.toml's default features changed: check the image's features"
    );
    let cli = std::fs::read_to_string(root().join("src/cli/mod.rs")).unwrap();
    assert!(
        cli.contains("#[cfg(feature = \"webhook\")]"),
        "src/cli gates `serve` on the webhook feature"
    );
}

/// Docker's `.dockerignore` patterns, in order: (excluded?, matcher).
fn dockerignore() -> Vec<(bool, globset::GlobMatcher)> {
    let text = std::fs::read_to_string(root().join(".dockerignore")).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (exclude, pattern) = match l.strip_prefix('!') {
                Some(p) => (false, p),
                None => (true, l),
            };
            let pattern = pattern.trim_start_matches('/').trim_end_matches('/');
            let glob = globset::GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .unwrap_or_else(|e| panic!(".dockerignore: {l:?}: {e}"));
            (exclude, glob.compile_matcher())
        })
        .collect()
}

/// Whether Docker sends `path` (relative, `/`-separated) in the build context.
fn in_context(patterns: &[(bool, globset::GlobMatcher)], path: &str) -> bool {
    let mut prefixes = Vec::new();
    let mut at = 0;
    while let Some(i) = path[at..].find('/') {
        prefixes.push(&path[..at + i]);
        at += i + 1;
    }
    prefixes.push(path);
    let mut included = true;
    for (exclude, glob) in patterns {
        if prefixes.iter().any(|p| glob.is_match(p)) {
            included = !exclude;
        }
    }
    included
}

#[test]
fn the_build_context_holds_what_the_build_reads_and_little_else() {
    let root = root();
    let patterns = dockerignore();
    for outside in [
        "target/release/kubelint",
        "fixtures/seeds/x.yaml",
        ".git/HEAD",
        "docs/rules/x.md",
    ] {
        assert!(!in_context(&patterns, outside), "{outside} is sent to the daemon");
    }
    let out = Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .current_dir(&root)
        .output()
        .expect("git is needed");
    assert!(out.status.success());
    let files: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .split('\0')
        .filter(|f| !f.is_empty() && root.join(f).is_file())
        .map(String::from)
        .collect();
    let context: Vec<&String> = files.iter().filter(|f| in_context(&patterns, f)).collect();
    let bytes: u64 = context
        .iter()
        .map(|f| std::fs::metadata(root.join(f)).unwrap().len())
        .sum();
    assert!(bytes < 4 << 20, "the context is {bytes} bytes");

    // Every file the sources embed is in the context.
    let mut embedded = 0;
    for f in context.iter().filter(|f| f.starts_with("src/") && f.ends_with(".rs")) {
        let text = std::fs::read_to_string(root.join(f)).unwrap();
        for mac in ["include_bytes!(\"", "include_str!(\""] {
            for piece in text.split(mac).skip(1) {
                let rel = &piece[..piece.find('"').unwrap()];
                let path = normalize(&Path::new(f.as_str()).parent().unwrap().join(rel));
                assert!(
                    context.iter().any(|c| **c == path),
                    "{f} embeds {path}, which .dockerignore leaves out"
                );
                embedded += 1;
            }
        }
    }
    assert!(embedded >= 5, "the schemas are embedded: {embedded}");

    // The context loads as a Cargo manifest (every target Cargo.toml declares is there).
    let copy = tempfile::tempdir().unwrap();
    for f in &context {
        let to = copy.path().join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root.join(f), to).unwrap();
    }
    let host = String::from_utf8(Command::new("rustc").arg("-vV").output().unwrap().stdout).unwrap();
    let host = host.lines().find_map(|l| l.strip_prefix("host: ")).unwrap().to_string();
    let out = Command::new(env!("CARGO"))
        .args(["fetch", "--offline", "--locked", "--target", &host])
        .current_dir(copy.path())
        .env("CARGO_TARGET_DIR", copy.path().join("target"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo cannot load the build context's manifest: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `a/b/../../c` → `c`, with `/` separators.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_str().unwrap().to_string()),
            _ => {}
        }
    }
    parts.join("/")
}
