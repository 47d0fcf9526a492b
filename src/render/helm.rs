//! Helm: `helm template` run for `--helm CHART`, and the `# Source: CHART/templates/FILE`
//! comments of its output (also read from `helm template … | kubelint check -`), which
//! name the template each document comes from.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::process::{self, Failure};

/// The comment `helm template` writes after each document's `---`.
const SOURCE: &[u8] = b"# Source: ";

/// Splits a rendered stream into the parts each template produced, by their
/// `# Source:` comments: (name, bytes) in order of first appearance; documents before
/// the first such comment, or without one, stay under `name`. Each part is its
/// documents as they were in the stream, separators and comments included, in stream
/// order: what `helm template --show-only templates/FILE` prints. A stream without
/// `# Source:` comments is returned whole. `rename` turns a source path into the name
/// reports show (a path in the chart's folder for `--helm`).
pub(crate) fn split_sources(name: &str, bytes: Vec<u8>, rename: &dyn Fn(&str) -> String) -> Vec<(String, Vec<u8>)> {
    if !contains(&bytes, SOURCE) {
        return vec![(name.to_string(), bytes)];
    }
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for chunk in chunks(&bytes) {
        let chunk = &bytes[chunk];
        let part = source_of(chunk).map_or_else(|| name.to_string(), |s| rename(&s));
        match parts.iter_mut().find(|(n, _)| *n == part) {
            Some((_, b)) => b.extend_from_slice(chunk),
            None => parts.push((part, chunk.to_vec())),
        }
    }
    // Blank text before the first `---` is no part of its own.
    parts.retain(|(n, b)| n != name || b.iter().any(|c| !c.is_ascii_whitespace()));
    parts
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The template named by a document's `# Source:` comment: among the comment lines
/// that open the document (after its `---`).
fn source_of(chunk: &[u8]) -> Option<String> {
    let mut lines = chunk.split(|&b| b == b'\n');
    let first = lines.next()?;
    let rest: Box<dyn Iterator<Item = &[u8]>> = if first.starts_with(b"---") {
        Box::new(lines)
    } else {
        Box::new(std::iter::once(first).chain(lines))
    };
    for line in rest {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(path) = trimmed.strip_prefix(SOURCE) {
            let path = String::from_utf8_lossy(path).trim().to_string();
            return (!path.is_empty()).then_some(path);
        }
        if !trimmed.starts_with(b"#") {
            return None;
        }
    }
    None
}

/// Byte ranges of a stream's documents, split at `---` lines as kubectl splits them.
fn chunks(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut starts = vec![0];
    let mut line = 0;
    while line < bytes.len() {
        let end = bytes[line..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| line + i);
        if line > 0 && is_separator(&bytes[line..end]) {
            starts.push(line);
        }
        line = end + 1;
    }
    starts.push(bytes.len());
    starts
        .windows(2)
        .map(|w| w[0]..w[1])
        .filter(|r| !r.is_empty())
        .collect()
}

fn is_separator(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"---") else {
        return false;
    };
    let rest = rest.trim_ascii_start();
    rest.is_empty() || rest.starts_with(b"#")
}

/// A chart to render with `helm template`.
#[derive(Clone, Debug)]
pub(crate) struct Chart {
    /// The chart: a folder, a packaged chart, or a repository reference.
    pub chart: PathBuf,
    /// `--values` files, in order.
    pub values: Vec<PathBuf>,
    /// More arguments for `helm template` (`--set a=b`, `--namespace x`).
    pub args: Vec<String>,
}

impl Chart {
    /// The chart's folder when it is one on disk.
    pub(crate) fn dir(&self) -> Option<&Path> {
        self.chart.join("Chart.yaml").is_file().then_some(self.chart.as_path())
    }

    /// The file findings about the render itself are placed on: `Chart.yaml`, else the chart.
    pub(crate) fn report_path(&self) -> PathBuf {
        match self.dir() {
            Some(d) => d.join("Chart.yaml"),
            None => self.chart.clone(),
        }
    }

    /// A `# Source:` path as reports show it: for a chart folder, the file in it
    /// (`mychart/templates/x.yaml` → `charts/mychart/templates/x.yaml`) when it exists.
    pub(crate) fn rename(&self, source: &str) -> String {
        if let Some(dir) = self.dir()
            && let Some((_, inside)) = source.split_once('/')
        {
            let p = dir.join(inside);
            if p.is_file() {
                return crate::load::normalise(&p).to_string_lossy().into_owned();
            }
        }
        source.to_string()
    }

    /// Runs `command template CHART --values F … ARGS…`.
    pub(crate) fn template(&self, command: &[String], timeout: Duration) -> Result<Vec<u8>, Failure> {
        let mut args = vec!["template".to_string(), self.chart.to_string_lossy().into_owned()];
        for v in &self.values {
            args.push("--values".into());
            args.push(v.to_string_lossy().into_owned());
        }
        args.extend(self.args.iter().cloned());
        process::run(command, &args, timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_by_source_in_stream_order() {
        let stream = b"---\n# Source: app/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\n---\n# Source: app/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\n---\n# Source: app/templates/sa.yaml\napiVersion: v1\nkind: Secret\n";
        let parts = split_sources("<stdin>", stream.to_vec(), &|s| s.to_string());
        let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, vec!["app/templates/sa.yaml", "app/templates/deploy.yaml"]);
        assert_eq!(
            String::from_utf8_lossy(&parts[0].1),
            "---\n# Source: app/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\n---\n# Source: app/templates/sa.yaml\napiVersion: v1\nkind: Secret\n"
        );
        // Without comments: one part, unchanged.
        let plain = b"apiVersion: v1\nkind: ConfigMap\n".to_vec();
        assert_eq!(
            split_sources("x", plain.clone(), &|s| s.to_string()),
            vec![("x".to_string(), plain)]
        );
        // A document without a comment stays under the stream's name.
        let mixed = b"apiVersion: v1\nkind: ConfigMap\n---\n# Source: c/templates/a.yaml\nkind: A\n";
        let parts = split_sources("s", mixed.to_vec(), &|s| s.to_string());
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].0, "s");
        assert_eq!(parts[1].0, "c/templates/a.yaml");
    }
}
