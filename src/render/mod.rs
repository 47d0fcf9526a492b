//! Stage 0: rendering. Kustomizations found among the inputs are built with the user's
//! `kustomize build` or `kubectl kustomize`, and a chart named with `--helm` with
//! `helm template`; their output is what is loaded and checked. Findings on rendered
//! objects are then placed in the files the objects come from ([`Remaps`]).
//!
//! Rendering sits before loading: it uses the loader to read what it renders, and the
//! loader knows nothing of it.

pub(crate) mod helm;
pub(crate) mod kustomize;
mod process;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;

use crate::load::{self, Entry, Loaded, Node, SourceFile, Span, Value};
use crate::vocab::{Family, Finding, RuleInfo, Severity};

use self::kustomize::{Kustomization, Origin};
use self::process::Failure;

pub static RENDER_FAILED: RuleInfo = RuleInfo {
    id: "render-failed",
    family: Family::Input,
    severity: Severity::Error,
    title: "A kustomization or Helm chart could not be rendered",
    rationale: "kubelint lints what kustomize and Helm produce, since that is what reaches the cluster. When the build fails, `kubectl apply -k` and `helm install` fail the same way, and none of the objects it would make are checked: kubelint says so, names the kustomization or chart and what the renderer said, and checks the kustomization's files as plain YAML instead. When the renderer itself is missing the finding is a warning: the manifests may be fine, the machine lacks the tool.",
    default_reason: "Error: a kustomization that does not build cannot be applied; a missing renderer (kustomize, kubectl, helm) is a warning.",
    remediation: "Fix what the renderer reports (a missing file, a patch that matches nothing, a remote base that cannot be fetched), install `kustomize`, `kubectl` or `helm`, or name the command with `--kustomize-command` / `--helm-command` (`render.kustomizeCommand`, `render.helmCommand` in `.kubelint.yaml`). `--no-render` (`render: {enabled: false}`) lints the files as plain YAML without rendering.",
    ..RuleInfo::BASE
};

/// The rules this stage reports.
pub static ALL: [&RuleInfo; 1] = [&RENDER_FAILED];

/// How to render: the config's `render:` with the command line's flags applied.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// Build kustomizations (`--no-render` / `render.enabled: false` turn it off).
    pub enabled: bool,
    /// The kustomize command's words; `None`: `kustomize build` when `kustomize` is on
    /// `PATH`, else `kubectl kustomize`.
    pub kustomize: Option<String>,
    /// The helm command.
    pub helm: String,
    /// Longest a render may take.
    pub timeout: Duration,
}

/// The default time a render may take.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

impl Default for Settings {
    fn default() -> Self {
        Settings {
            enabled: true,
            kustomize: None,
            helm: "helm".into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

impl Settings {
    /// The kustomize command to run, or why there is none.
    fn kustomize_command(&self) -> Result<Vec<String>, Failure> {
        if let Some(c) = &self.kustomize {
            let words = process::words(c);
            return match words.first() {
                None => Err(Failure::Missing("the kustomize command is empty".into())),
                Some(program) if process::on_path(program).is_none() => {
                    Err(Failure::Missing(format!("`{program}` was not found")))
                }
                Some(_) => Ok(words),
            };
        }
        if process::on_path("kustomize").is_some() {
            return Ok(process::words("kustomize build"));
        }
        if process::on_path("kubectl").is_some() {
            return Ok(process::words("kubectl kustomize"));
        }
        Err(Failure::Missing("neither `kustomize` nor `kubectl` is on PATH".into()))
    }
}

/// What rendering produced for the loader and the checks.
#[derive(Default)]
pub(crate) struct Rendered {
    /// The rendered streams (origin annotations removed), and a file per failed render
    /// with its `render-failed` finding.
    pub loaded: Vec<Loaded>,
    /// Files a successful build covers (lexically normalised): not loaded as plain YAML.
    pub covered: HashSet<PathBuf>,
    /// Where findings on rendered objects belong.
    pub remaps: Remaps,
}

/// A successful build: its output loaded, where its findings go, the files it covers.
type Build = (Loaded, RenderedFile, HashSet<PathBuf>);

/// Builds every root among `found` (kustomization files of the input) in parallel.
pub(crate) fn kustomizations(found: &[PathBuf], settings: &Settings, max_size: u64) -> Rendered {
    let mut out = Rendered::default();
    if !settings.enabled || found.is_empty() {
        return out;
    }
    let roots = kustomize::roots(found);
    if roots.is_empty() {
        return out;
    }
    let command = settings.kustomize_command();
    let results: Vec<Result<Build, Loaded>> = roots
        .par_iter()
        .map(|k| {
            let command = match &command {
                Ok(c) => c,
                Err(Failure::Missing(m)) => return Err(failed_kustomization(k, m, true)),
                Err(Failure::Failed(m)) => return Err(failed_kustomization(k, m, false)),
            };
            match kustomize::build(k, command, settings.timeout) {
                Ok(built) => Ok(load_build(k, &built, command, max_size)),
                Err(Failure::Missing(m)) => Err(failed_kustomization(k, &m, true)),
                Err(Failure::Failed(m)) => Err(failed_kustomization(k, &m, false)),
            }
        })
        .collect();
    for r in results {
        match r {
            Ok((loaded, file, covered)) => {
                out.remaps.add(file);
                out.covered.extend(covered);
                out.loaded.push(loaded);
            }
            Err(failed) => out.loaded.push(failed),
        }
    }
    out
}

/// A `render-failed` finding on a kustomization file; `missing`: the renderer is not
/// there (a warning at most).
fn failed_kustomization(k: &Kustomization, why: &str, missing: bool) -> Loaded {
    let what = format!("kustomization `{}`", k.file.display());
    let message = if missing {
        format!(
            "{what} was not rendered: {why}; its files are checked as plain YAML. Install kustomize or kubectl, name the command with --kustomize-command (render.kustomizeCommand), or pass --no-render"
        )
    } else {
        format!(
            "{what} could not be rendered, so its objects were not checked as built (its files are checked as plain YAML): {why}. Pass --no-render to lint without rendering"
        )
    };
    failure(&k.file, message, missing)
}

/// One `render-failed` finding at the first key of `path` (or its start).
pub(crate) fn failure(path: &Path, message: String, missing: bool) -> Loaded {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let file = Arc::new(SourceFile::new(path, text));
    let span = first_key(&file).unwrap_or_default();
    let mut f = Finding::new(&RENDER_FAILED, RENDER_FAILED.severity, message, &file, span);
    if missing {
        f.cap = Some(Severity::Warning);
        f.severity = Severity::Warning;
    }
    Loaded {
        findings: vec![f],
        ..Loaded::default()
    }
}

/// The span of the first key of the file's first document.
fn first_key(file: &Arc<SourceFile>) -> Option<Span> {
    let (docs, _) = load::yaml::parse_stream(file);
    let root = docs.into_iter().map(|d| d.root).find(|r| !r.is_null())?;
    root.as_map()?.first().map(|e| e.key_span)
}

/// Loads a build's output, takes the origin annotations off its objects and works out
/// where each object's findings go; also what files the build covers.
fn load_build(
    k: &Kustomization,
    built: &kustomize::Built,
    command: &[String],
    max_size: u64,
) -> (Loaded, RenderedFile, HashSet<PathBuf>) {
    let name = format!("{} (rendered)", k.file.display());
    let mut loaded = load::load_bytes(name, built.output.clone(), max_size);
    let what = format!("`{} {}`", command.join(" "), k.dir.display());
    let mut covered: HashSet<PathBuf> = kustomize::closure(k).into_iter().collect();
    let mut sources = Sources::default();
    let fallback = Target::at_start(sources.file(&k.file));
    let mut docs = HashMap::new();
    for d in &mut loaded.documents {
        let origin = strip_origin(&mut d.root).map(|o| kustomize::parse_origin(&o));
        let target = match origin {
            Some(Origin::File(p)) => {
                let path = built.user_path(&p);
                covered.insert(path.clone());
                sources.object(&path, &d.root, max_size)
            }
            Some(Origin::Generated(p)) => sources.generator(&built.user_path(&p), &d.root),
            _ => None,
        };
        docs.insert((d.index, d.prefix.clone()), target);
    }
    let file = match loaded.documents.first() {
        Some(d) => Arc::clone(&d.file),
        None => Arc::new(SourceFile::new("", String::new())),
    };
    let rendered = RenderedFile {
        file,
        what,
        fallback,
        docs,
    };
    (loaded, rendered, covered)
}

/// Removes entry `i` of a mapping (trees hold their entries in a boxed slice).
fn remove_entry(entries: &mut Box<[Entry]>, i: usize) -> Entry {
    let mut rest = std::mem::take(entries).into_vec();
    let entry = rest.remove(i);
    *entries = rest.into_boxed_slice();
    entry
}

/// Removes `metadata.annotations["config.kubernetes.io/origin"]` (and `annotations` when
/// it is left empty) and returns its text.
fn strip_origin(root: &mut Node) -> Option<String> {
    let Value::Map(entries) = &mut root.value else {
        return None;
    };
    let metadata = entries.iter_mut().find(|e| e.key == "metadata")?;
    let Value::Map(meta) = &mut metadata.value.value else {
        return None;
    };
    let at = meta.iter().position(|e| e.key == "annotations")?;
    let Value::Map(annotations) = &mut meta[at].value.value else {
        return None;
    };
    let i = annotations.iter().position(|e| e.key == kustomize::ORIGIN_ANNOTATION)?;
    let entry = remove_entry(annotations, i);
    if annotations.is_empty() {
        remove_entry(meta, at);
    }
    entry.value.as_str().map(str::to_string)
}

/// The files objects come from, each read once per build.
#[derive(Default)]
struct Sources {
    files: HashMap<PathBuf, Option<Arc<SourceFile>>>,
    /// Each source file's documents, loaded once; a [`Target`] shares its document.
    loaded: HashMap<PathBuf, Option<Arc<Vec<Arc<load::Document>>>>>,
}

impl Sources {
    /// A file's text (empty when it cannot be read).
    fn file(&mut self, path: &Path) -> Arc<SourceFile> {
        let f = self.files.entry(path.to_path_buf()).or_insert_with(|| {
            let text = std::fs::read_to_string(path).ok()?;
            Some(Arc::new(SourceFile::new(path, text)))
        });
        f.clone()
            .unwrap_or_else(|| Arc::new(SourceFile::new(path, String::new())))
    }

    /// The document of `path` that `rendered` was built from: same kind, and the same
    /// name, else the longest name the rendered one contains (kustomize adds prefixes and
    /// suffixes), else the only one of that kind.
    fn object(&mut self, path: &Path, rendered: &Node, max_size: u64) -> Option<Target> {
        let loaded = self
            .loaded
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                path.is_file().then(|| {
                    let loaded = load::load_path(path, max_size);
                    Arc::new(loaded.documents.into_iter().map(Arc::new).collect())
                })
            })
            .clone()?;
        let kind = rendered.get("kind").and_then(Node::as_str);
        let name = rendered.pointer("/metadata/name").and_then(Node::as_str).unwrap_or("");
        let candidates: Vec<&Arc<load::Document>> = loaded
            .iter()
            .filter(|d| d.root.get("kind").and_then(Node::as_str) == kind)
            .collect();
        let doc = candidates
            .iter()
            .find(|d| doc_name(d) == name)
            .or_else(|| {
                candidates
                    .iter()
                    .filter(|d| !doc_name(d).is_empty() && name.contains(doc_name(d)))
                    .max_by_key(|d| doc_name(d).len())
            })
            .or_else(|| (candidates.len() == 1).then(|| &candidates[0]));
        let Some(doc) = doc else {
            let file = loaded
                .first()
                .map(|d| Arc::clone(&d.file))
                .unwrap_or_else(|| self.file(path));
            return Some(Target {
                at: first_key(&file).unwrap_or_default(),
                file,
                doc: None,
                why: "from an object not found in this file by kind and name",
            });
        };
        let at = doc
            .root
            .as_map()
            .and_then(|e| e.first())
            .map_or(doc.root.span, |e| e.key_span);
        Some(Target {
            file: Arc::clone(&doc.file),
            at,
            doc: Some(Arc::clone(doc)),
            why: "which sets this part of the object: shown at the object's start",
        })
    }

    /// The generator entry of a kustomization that made `rendered` (a ConfigMap or
    /// Secret): the entry whose `name` is the longest that the rendered name contains.
    fn generator(&mut self, path: &Path, rendered: &Node) -> Option<Target> {
        let file = self.file(path);
        if file.text.is_empty() {
            return None;
        }
        let name = rendered.pointer("/metadata/name").and_then(Node::as_str).unwrap_or("");
        let (docs, _) = load::yaml::parse_stream(&file);
        let root = docs.into_iter().map(|d| d.root).find(|r| !r.is_null())?;
        let mut best: Option<(usize, Span)> = None;
        for key in ["configMapGenerator", "secretGenerator"] {
            for g in root.get(key).and_then(Node::as_seq).unwrap_or_default() {
                if let Some(e) = g.entry("name")
                    && let Some(n) = e.value.as_str()
                    && !n.is_empty()
                    && name.contains(n)
                    && best.is_none_or(|(len, _)| n.len() > len)
                {
                    best = Some((n.len(), e.key_span));
                }
            }
        }
        let at = best.map(|(_, s)| s).or_else(|| first_key(&file)).unwrap_or_default();
        Some(Target {
            file,
            at,
            doc: None,
            why: "from this generator",
        })
    }
}

/// `metadata.name` of a document, or `""`.
fn doc_name(d: &load::Document) -> &str {
    d.root.pointer("/metadata/name").and_then(Node::as_str).unwrap_or("")
}

/// Where the findings of one rendered object go.
#[derive(Clone)]
struct Target {
    /// The file.
    file: Arc<SourceFile>,
    /// Where a finding goes when its place is not found unchanged in the file: the
    /// object's first key, a generator's `name`, the file's first key.
    at: Span,
    /// The object as written in the file, when found.
    doc: Option<Arc<load::Document>>,
    /// Why a finding is shown at `at`, added to its message.
    why: &'static str,
}

impl Target {
    fn at_start(file: Arc<SourceFile>) -> Target {
        Target {
            at: first_key(&file).unwrap_or_default(),
            file,
            doc: None,
            why: "which does not say which file the object comes from",
        }
    }
}

/// One rendered stream: its objects' targets, by (document, list prefix).
struct RenderedFile {
    file: Arc<SourceFile>,
    /// `kubectl kustomize DIR`, for messages.
    what: String,
    /// The kustomization file, for objects whose origin is not known.
    fallback: Target,
    docs: HashMap<(usize, String), Option<Target>>,
}

/// Where findings on rendered objects belong, by rendered file.
#[derive(Default)]
pub(crate) struct Remaps {
    files: HashMap<usize, RenderedFile>,
    /// Files (by `Arc` pointer) whose text is rendered output under a source file's name
    /// (`helm template` parts): their findings get no fix.
    unfixable: std::collections::HashSet<usize>,
}

impl Remaps {
    /// Marks every file of `loaded` as rendered output: no fix is offered in them.
    pub(crate) fn mark_unfixable(&mut self, loaded: &load::Loaded) {
        let files = loaded
            .documents
            .iter()
            .map(|d| &d.file)
            .chain(loaded.findings.iter().map(|f| &f.file));
        self.unfixable.extend(files.map(|f| Arc::as_ptr(f) as usize));
    }

    /// Whether findings in `file` may carry fixes: not in rendered output.
    pub(crate) fn fixes_allowed(&self, file: &Arc<SourceFile>) -> bool {
        let at = Arc::as_ptr(file) as usize;
        !self.unfixable.contains(&at) && !self.files.contains_key(&at)
    }

    fn add(&mut self, file: RenderedFile) {
        self.files.insert(Arc::as_ptr(&file.file) as usize, file);
    }

    /// Whether nothing was rendered.
    pub(crate) fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Moves `f`, a finding on the rendered object `root` (document `index`, list
    /// `prefix` of `file`), to the file the object comes from: at the same key when the
    /// value there is the rendered one, else at the object's start with a note in the
    /// message. Findings elsewhere are left alone.
    pub(crate) fn remap(&self, file: &Arc<SourceFile>, index: usize, prefix: &str, root: &Node, f: &mut Finding) {
        let Some(rendered) = self.files.get(&(Arc::as_ptr(file) as usize)) else {
            return;
        };
        // Edits computed on rendered output do not apply to the source files: no fix.
        f.fix = None;
        if !Arc::ptr_eq(&f.file, file) {
            return;
        }
        let target = match rendered.docs.get(&(index, prefix.to_string())) {
            Some(Some(t)) => t,
            _ => &rendered.fallback,
        };
        let Some(inner) = f.path.strip_prefix(prefix).map(str::to_string) else {
            return;
        };
        let inner = inner.as_str();
        // The same key path in the object as written: its span, and whether the value
        // there is the rendered one.
        let found = target.doc.as_ref().and_then(|doc| {
            let origin = &doc.root;
            let here = root.pointer(inner)?;
            let there = origin.pointer(inner)?;
            let same = here.to_json() == there.to_json();
            let span = if root.key_span(inner) == Some(f.span) {
                origin.key_span(inner)?
            } else if f.span == here.span {
                there.span
            } else if same
                && f.span.start >= here.span.start
                && f.span.end <= here.span.end
                && file.slice(here.span) == target.file.slice(there.span)
            {
                // A part of a value written alike: the same part.
                let shift = |at: u32| at - here.span.start + there.span.start;
                Span::new(shift(f.span.start), shift(f.span.end))
            } else if inner.is_empty() {
                // The whole object, changed: its first key rather than all of it.
                target.at
            } else {
                there.span
            };
            Some((span, same))
        });
        if let Some(doc) = &target.doc {
            f.document = Some(doc.index);
            f.path = format!("{}{inner}", doc.prefix);
        } else {
            f.document = None;
        }
        let note = match found {
            Some((span, same)) => {
                move_to(f, &target.file, span);
                (!same).then_some("which changes this part of the object")
            }
            None => {
                move_to(f, &target.file, target.at);
                Some(target.why)
            }
        };
        if let Some(note) = note {
            f.message = format!("{} (as rendered by {}, {note})", f.message, rendered.what);
        }
    }
}

fn move_to(f: &mut Finding, file: &Arc<SourceFile>, span: Span) {
    f.file = Arc::clone(file);
    f.span = span;
    f.start = file.position(span.start);
    f.end = file.position(span.end);
}

/// Renders `chart` with `helm template` and splits the output by template; a failure is
/// one `render-failed` finding on the chart.
pub(crate) fn helm_chart(chart: &helm::Chart, settings: &Settings, max_size: u64) -> Vec<Loaded> {
    let command = process::words(&settings.helm);
    let what = format!("Helm chart `{}`", chart.chart.display());
    match chart.template(&command, settings.timeout) {
        Ok(output) => {
            let name = format!("{} (rendered)", chart.chart.display());
            helm::split_sources(&name, output, &|s| chart.rename(s))
                .into_iter()
                .map(|(name, bytes)| load::load_bytes(name, bytes, max_size))
                .collect()
        }
        Err(Failure::Missing(why)) => vec![failure(
            &chart.report_path(),
            format!(
                "{what} was not rendered: {why}. Install helm, name the command with --helm-command (render.helmCommand), or leave out --helm and lint `helm template` output through stdin"
            ),
            false,
        )],
        Err(Failure::Failed(why)) => vec![failure(
            &chart.report_path(),
            format!(
                "{what} could not be rendered, so none of its objects were checked: {why}. Leave out --helm to lint without rendering"
            ),
            false,
        )],
    }
}

/// Splits a stream (stdin, a pipe) that `helm template` wrote into its templates' parts
/// (see [`helm::split_sources`]) and loads each.
pub(crate) fn helm_stream(name: &str, bytes: Vec<u8>, max_size: u64) -> Vec<Loaded> {
    helm::split_sources(name, bytes, &|s| s.to_string())
        .into_iter()
        .map(|(name, bytes)| load::load_bytes(name, bytes, max_size))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_annotations_are_taken_off() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    config.kubernetes.io/origin: |\n      path: a.yaml\n  name: c\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    keep: x\n    config.kubernetes.io/origin: |\n      path: b.yaml\n  name: d\n";
        let mut l = load::load_file(Arc::new(SourceFile::new("r", text.to_string())));
        let a = strip_origin(&mut l.documents[0].root).unwrap();
        assert_eq!(a, "path: a.yaml\n");
        assert!(l.documents[0].root.pointer("/metadata/annotations").is_none());
        assert_eq!(strip_origin(&mut l.documents[1].root).unwrap(), "path: b.yaml\n");
        assert_eq!(
            l.documents[1]
                .root
                .pointer("/metadata/annotations/keep")
                .and_then(Node::as_str),
            Some("x")
        );
        assert_eq!(strip_origin(&mut l.documents[1].root), None);
    }
}
