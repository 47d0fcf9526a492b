//! Running a renderer (`kustomize build`, `kubectl kustomize`, `helm template`): a
//! command named by the user as words, its output captured, bounded in time.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A command as the user wrote it (`kubectl kustomize`), split at blanks.
pub(crate) fn words(command: &str) -> Vec<String> {
    command.split_whitespace().map(str::to_string).collect()
}

/// The program `name` found on `PATH`, if any (a name with a `/` is taken as a path).
pub(crate) fn on_path(name: &str) -> Option<PathBuf> {
    if name.contains('/') || name.contains(std::path::MAIN_SEPARATOR) {
        let p = PathBuf::from(name);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file() || p.with_extension("exe").is_file()
    }
}

/// Why a command did not give its output.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The program is not there (or cannot be executed).
    Missing(String),
    /// It ran and failed, or ran too long: what it said.
    Failed(String),
}

/// Runs `command` followed by `args`; its standard output when it exits with 0 within
/// `timeout` (it is killed after). Standard error is kept for the failure's message.
pub(crate) fn run(command: &[String], args: &[String], timeout: Duration) -> Result<Vec<u8>, Failure> {
    let Some((program, first)) = command.split_first() else {
        return Err(Failure::Missing("the command is empty".into()));
    };
    let mut child = Command::new(program)
        .args(first)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Failure::Missing(format!("`{program}` was not found")),
            std::io::ErrorKind::PermissionDenied => Failure::Missing(format!("`{program}` cannot be executed: {e}")),
            _ => Failure::Failed(format!("`{program}` could not start: {e}")),
        })?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    // Both pipes are drained while the program runs, so that neither can fill and block it.
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut buf);
        // Whatever comes after the first 64 KiB is read and dropped.
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        buf
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!(
                    "`{}` did not finish within {} s and was stopped",
                    command.join(" "),
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => break Err(format!("waiting for `{program}`: {e}")),
        }
    };
    // After a timeout the readers are left behind: a grandchild may still hold the pipes.
    let status = status.map_err(Failure::Failed)?;
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if status.success() {
        return Ok(stdout);
    }
    let said = String::from_utf8_lossy(&stderr);
    let said = said.trim();
    let code = status
        .code()
        .map_or_else(|| "a signal".to_string(), |c| format!("exit code {c}"));
    Err(Failure::Failed(if said.is_empty() {
        format!("`{}` failed ({code}) and said nothing", command.join(" "))
    } else {
        format!("`{}` failed ({code}): {}", command.join(" "), shorten(said))
    }))
}

/// At most ~2,000 characters of what a program said, on one line: the end, where Go
/// programs put the cause.
fn shorten(said: &str) -> String {
    // kustomize's deprecation notes are not why it failed; klog's line heads
    // (`E1202 06:37:09.842589   2481 run.go:72] `) say nothing to a reader.
    let kept: Vec<&str> = said
        .lines()
        .filter(|l| !l.trim_start().starts_with("# Warning:"))
        .map(strip_klog_head)
        .collect();
    let one_line: String = kept.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
    const MAX: usize = 2000;
    let count = one_line.chars().count();
    if count <= MAX {
        return one_line;
    }
    let tail: String = one_line.chars().skip(count - MAX).collect();
    format!("…{tail}")
}

/// A line without klog's head (`E1202 06:37:09.842589   2481 run.go:72] `).
fn strip_klog_head(line: &str) -> &str {
    let b = line.as_bytes();
    let klog = b.len() > 6 && matches!(b[0], b'E' | b'W' | b'I' | b'F') && b[1..5].iter().all(u8::is_ascii_digit);
    match line.find("] ") {
        Some(i) if klog && i < 60 => &line[i + 2..],
        _ => line,
    }
}

/// A folder of our own under the system's temporary folder, removed when dropped.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new() -> std::io::Result<TempDir> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        for _ in 0..100 {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let dir = base.join(format!("kubelint-render-{}-{n}-{nanos}", std::process::id()));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(TempDir(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("no free temporary folder name"))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn output_failure_missing_and_timeout() {
        let sh = words("sh -c");
        let out = run(&sh, &["printf 'a: 1\\n'".into()], Duration::from_secs(10)).unwrap();
        assert_eq!(out, b"a: 1\n");
        let Err(Failure::Failed(m)) = run(&sh, &["echo broken >&2; exit 3".into()], Duration::from_secs(10)) else {
            panic!("a failure")
        };
        assert!(m.contains("exit code 3") && m.ends_with("broken"), "{m}");
        assert_eq!(
            shorten(
                "# Warning: 'bases' is deprecated.\nE1202 06:37:09.842589   2481 run.go:72] \"command failed\" err=\"x\"\n"
            ),
            "\"command failed\" err=\"x\""
        );
        let Err(Failure::Missing(m)) = run(&words("no-such-kubelint-renderer x"), &[], Duration::from_secs(1)) else {
            panic!("missing")
        };
        assert!(m.contains("`no-such-kubelint-renderer` was not found"), "{m}");
        let started = Instant::now();
        let Err(Failure::Failed(m)) = run(&sh, &["sleep 5".into()], Duration::from_millis(200)) else {
            panic!("a timeout")
        };
        assert!(m.contains("did not finish"), "{m}");
        assert!(started.elapsed() < Duration::from_secs(4));
    }
}
