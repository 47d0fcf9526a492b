//! Stages 1 and 2: find the input files and load them into spanned documents.

pub mod discover;
pub mod node;
pub mod problems;
pub mod scalar;
mod subset;
pub mod yaml;

#[cfg(test)]
mod linear_tests;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::vocab::text::{Position, SourceFile, Span};
pub use node::{Entry, Node, Value};

use self::problems as rules;
use crate::vocab::{Finding, Severity};

/// One Kubernetes object as written in a file: a whole document, or one item of a
/// `kind: List` document.
#[derive(Debug, Clone)]
pub struct Document {
    pub file: Arc<SourceFile>,
    /// Position of the document in its file's stream (0-based).
    pub index: usize,
    /// JSON pointer of the object within the document: `""`, or `/items/N` for a list item.
    pub prefix: String,
    pub root: Node,
    /// Why the document is a fragment of an object rather than an object (a Kustomize
    /// patch, a kuttl/chainsaw assertion, an apply configuration), when it is one: it is
    /// then not checked as an object.
    pub partial: Option<Partial>,
}

/// Why a document is not checked as an object, and the input rule whose note says so.
#[derive(Debug, Clone)]
pub struct Partial {
    /// `partial-object` (a patch, an assertion, a template) or `apply-configuration`.
    pub rule: &'static crate::vocab::RuleInfo,
    /// What the document is, as the note says it ("a Kustomize patch (named in …)").
    pub reason: Arc<str>,
}

impl Partial {
    /// A fragment of an object: a patch, an assertion, a template (`partial-object`).
    pub fn fragment(reason: Arc<str>) -> Partial {
        Partial {
            rule: &rules::PARTIAL_OBJECT,
            reason,
        }
    }

    /// Whether it is a fragment (not an apply configuration, which a kustomization that
    /// names the file as a patch turns into one).
    pub fn is_fragment(&self) -> bool {
        self.rule.id == rules::PARTIAL_OBJECT.id
    }
}

/// What loading one file produced.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub findings: Vec<Finding>,
    /// Non-empty YAML documents read (a `List` counts once).
    pub documents_read: usize,
    /// Files that this file names as fragments of objects: a Kustomization's patches, a
    /// chainsaw test's assertions.
    pub fragment_files: Vec<FragmentRef>,
    /// (kind, name) of the ConfigMaps and Secrets that a Kustomization's
    /// `configMapGenerator` and `secretGenerator` make (names without the hash suffix that
    /// Kustomize adds and writes into the references too).
    pub generated: Vec<(&'static str, String)>,
}

/// A file that another names as holding fragments of objects, not objects.
#[derive(Debug, Clone)]
pub struct FragmentRef {
    /// The file, resolved against the naming file's folder (lexically normalised).
    pub path: PathBuf,
    /// The file that names it.
    pub named_by: PathBuf,
    /// What it is: "a Kustomize patch", "a chainsaw test assertion".
    pub what: &'static str,
    /// Whether every document of the file is a fragment, or only those that show it.
    pub when: FragmentWhen,
}

/// Which documents of a named file are fragments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragmentWhen {
    /// Every document (patches, assertions).
    Always,
    /// Documents that chainsaw templates (a value is a binding expression such as
    /// `($namespace)`) or that cannot be whole objects (a workload without containers):
    /// chainsaw applies them onto live objects. Other documents are objects.
    Templated,
}

impl FragmentWhen {
    /// Whether `root` is a fragment under this rule, and why (added to the note).
    pub fn applies(self, root: &Node) -> Option<&'static str> {
        match self {
            FragmentWhen::Always => Some(""),
            FragmentWhen::Templated if has_binding_expression(root) => {
                Some(" with chainsaw binding expressions such as `($namespace)`")
            }
            FragmentWhen::Templated if workload_without_containers(root) => {
                Some(", merged onto a live object (its pod template has no containers)")
            }
            FragmentWhen::Templated => None,
        }
    }
}

/// Whether a string value of `node` (or below) is a chainsaw/JMESPath binding expression:
/// the whole value in parentheses, `($namespace)`, `(join('-', [$a, $b]))`.
fn has_binding_expression(node: &Node) -> bool {
    match &node.value {
        Value::String(s) => s.len() > 2 && s.starts_with('(') && s.ends_with(')'),
        Value::Map(entries) => entries
            .iter()
            .any(|e| (e.key.starts_with('(') && e.key.ends_with(')')) || has_binding_expression(&e.value)),
        Value::Seq(items) => items.iter().any(has_binding_expression),
        _ => false,
    }
}

/// A workload kind whose pod template has no `containers`: a merge patch, not an object.
fn workload_without_containers(root: &Node) -> bool {
    let group_kind = |r: &Node| {
        let api = r.get("apiVersion").and_then(Node::as_str).unwrap_or("");
        let group = api.rsplit_once('/').map_or("", |(g, _)| g).to_string();
        (group, r.get("kind").and_then(Node::as_str).unwrap_or("").to_string())
    };
    let (group, kind) = group_kind(root);
    crate::vocab::rule::pod_template_pointer(&group, &kind)
        .is_some_and(|p| root.pointer(&format!("{p}/spec/containers")).is_none())
}

/// Files larger than this are reported, not read (`--max-file-size`).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Reads a file from disk and loads it. Never fails: problems become findings.
pub fn load_path(path: &Path, max_size: u64) -> Loaded {
    load_named(path, max_size).unwrap_or_else(|message| unreadable(path, message))
}

/// Reads a path named by the user (a regular file, a pipe, a FIFO, a character device,
/// `/dev/fd/N`) and loads it. A path that cannot be opened or read is an `Err` (a usage
/// error on the command line); what is wrong with its content (over `max_size`, not UTF-8,
/// not YAML) becomes findings.
pub fn load_named(path: &Path, max_size: u64) -> Result<Loaded, String> {
    if let Some(note) = helm_template_note(path) {
        let file = Arc::new(SourceFile::new(path, String::new()));
        return Ok(Loaded {
            findings: vec![Finding::new(
                &rules::SKIPPED_FILE,
                Severity::Info,
                note,
                &file,
                Span::default(),
            )],
            ..Loaded::default()
        });
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read file: {e}"))?;
    if meta.is_file() && meta.len() > max_size {
        let message = format!(
            "file is {} bytes, over the {max_size}-byte limit (--max-file-size)",
            meta.len()
        );
        return Ok(unreadable(path, message));
    }
    // Read at most one byte over the limit: pipes and devices have no length to check first.
    // Room for the whole file when its length is known (a growing Vec would keep up to
    // half its room unused, for the whole run: the text is kept for reports).
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(max_size)).unwrap_or(0).saturating_add(1));
    std::fs::File::open(path)
        .and_then(|f| f.take(max_size.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read file: {e}"))?;
    Ok(load_bytes(path, bytes, max_size))
}

/// One `unreadable-file` finding for the whole of `path`.
fn unreadable(path: &Path, message: String) -> Loaded {
    let file = Arc::new(SourceFile::new(path, String::new()));
    let rule = &rules::UNREADABLE_FILE;
    Loaded {
        findings: vec![Finding::new(rule, rule.severity, message, &file, Span::default())],
        ..Loaded::default()
    }
}

/// Loads raw bytes (a file's, or stdin's) named `path` in reports. Over `max_size` bytes
/// is one `unreadable-file` finding. A document that is not valid UTF-8 is one
/// `unreadable-file` finding at its first bad byte and is not checked; the stream's other
/// documents (split at `---` lines, as kubectl splits them) are.
pub fn load_bytes(path: impl Into<PathBuf>, bytes: Vec<u8>, max_size: u64) -> Loaded {
    let path = path.into();
    if bytes.len() as u64 > max_size {
        let message = format!("more than {max_size} bytes, over the {max_size}-byte limit (--max-file-size)");
        return unreadable(&path, message);
    }
    match String::from_utf8(bytes) {
        Ok(text) => load_file(Arc::new(SourceFile::new(path, text))),
        Err(e) => load_invalid_utf8(path, e.into_bytes()),
    }
}

/// Byte ranges of a stream's documents: each starts at a `---` line (or the start) and
/// runs to the next. A `---` line is `---` alone or followed by blanks or a comment, the
/// lines at which kubectl's YAML reader splits a stream.
fn document_chunks(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut starts = vec![0];
    let mut line = 0;
    while line < bytes.len() {
        let end = memchr_newline(bytes, line);
        if line > 0 && is_separator(&bytes[line..end]) {
            starts.push(line);
        }
        line = end + 1;
    }
    starts.push(bytes.len());
    starts.windows(2).map(|w| w[0]..w[1]).collect()
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| from + i)
}

fn is_separator(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"---") else {
        return false;
    };
    let rest = rest.trim_ascii_start();
    rest.is_empty() || rest.starts_with(b"#")
}

/// A stream with invalid UTF-8: each bad document is reported and blanked (its bytes
/// turned to spaces, its line breaks kept) for the parser, so that offsets, lines and the
/// other documents stay as they are; reports show the text with U+FFFD in place of the
/// bad bytes.
fn load_invalid_utf8(path: PathBuf, bytes: Vec<u8>) -> Loaded {
    let chunks = document_chunks(&bytes);
    let several = chunks.len() > 1;
    let mut shown = String::with_capacity(bytes.len() + 16);
    let mut parsed = String::with_capacity(bytes.len() + 16);
    let mut bad = Vec::new();
    for range in chunks {
        let chunk = &bytes[range];
        match std::str::from_utf8(chunk) {
            Ok(text) => {
                shown.push_str(text);
                parsed.push_str(text);
            }
            Err(e) => {
                bad.push((shown.len() + e.valid_up_to()) as u32);
                let lossy = String::from_utf8_lossy(chunk);
                shown.push_str(&lossy);
                // Keep the `---` so that the documents keep their numbers.
                let keep = if lossy.starts_with("---") { 3 } else { 0 };
                parsed.push_str(&lossy[..keep]);
                for c in lossy[keep..].chars() {
                    match c {
                        '\n' | '\r' => parsed.push(c),
                        c => parsed.extend(std::iter::repeat_n(' ', c.len_utf8())),
                    }
                }
            }
        }
    }
    debug_assert_eq!(shown.len(), parsed.len());
    let display = Arc::new(SourceFile::new(&path, shown));
    let mut out = load_file(Arc::new(SourceFile::new(&path, parsed)));
    // Same offsets, and the same lines and columns outside the blanked documents.
    for d in &mut out.documents {
        d.file = Arc::clone(&display);
    }
    for f in &mut out.findings {
        f.file = Arc::clone(&display);
    }
    let rule = &rules::UNREADABLE_FILE;
    let message = if several {
        "document is not valid UTF-8 text and was not checked (the other documents were)"
    } else {
        "file is not valid UTF-8 text"
    };
    for at in bad {
        // `shown` has U+FFFD (three bytes) at `at`: the span covers it whole.
        let span = Span::new(at, at + '\u{FFFD}'.len_utf8() as u32);
        out.findings
            .push(Finding::new(rule, rule.severity, message.to_string(), &display, span));
    }
    out
}

/// Files under `<chart>/templates/` are Helm templates, not manifests.
fn helm_template_note(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if name == "Chart.yaml" || name == "Chart.lock" {
        return Some("Helm chart metadata: not a Kubernetes object, skipped".into());
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.file_name().is_some_and(|n| n == "templates") {
            let chart = d.parent().map(|p| p.join("Chart.yaml"));
            if chart.is_some_and(|c| c.is_file()) {
                return Some(
                    "Helm template: skipped; lint the rendered output instead (`helm template . | kubelint check -`)"
                        .into(),
                );
            }
        }
        dir = d.parent();
    }
    None
}

/// Parses a file's text and sorts its documents into objects and findings.
pub fn load_file(file: Arc<SourceFile>) -> Loaded {
    // The subset reader when the file is written in its subset (nearly every manifest),
    // else saphyr (see src/load/subset.rs).
    let (parsed, problems) = subset::parse(&file).unwrap_or_else(|| yaml::parse_stream(&file));
    let mut out = Loaded::default();
    // Which document, and where in it, each problem is: one walk per document that has
    // problems (a file of many duplicate keys stays linear).
    let doc_of = |p: &yaml::Problem| {
        let i = parsed.partition_point(|d| d.root.span.start <= p.span.start);
        i.checked_sub(1).filter(|&i| p.span.start <= parsed[i].root.span.end)
    };
    let mut wanted: Vec<std::collections::HashSet<Span>> = vec![Default::default(); parsed.len()];
    for p in &problems {
        if let Some(i) = doc_of(p) {
            wanted[i].insert(p.span);
        }
    }
    let paths: Vec<_> = parsed
        .iter()
        .zip(&wanted)
        .map(|(d, w)| {
            if w.is_empty() {
                Default::default()
            } else {
                d.root.paths_to_spans(w)
            }
        })
        .collect();
    let templated = problems.iter().any(|p| p.kind == yaml::ProblemKind::Syntax) && file.text.contains("{{");
    for p in problems {
        let doc = doc_of(&p);
        let rule = match p.kind {
            yaml::ProblemKind::Syntax => &rules::YAML_SYNTAX,
            yaml::ProblemKind::DuplicateKey => &rules::DUPLICATE_KEY,
            yaml::ProblemKind::AliasLimit => &rules::ALIAS_LIMIT,
            yaml::ProblemKind::Differential => &rules::UNICODE_LINE_BREAK,
        };
        let mut message = p.message;
        if p.kind == yaml::ProblemKind::Syntax && templated {
            message.push_str(" (the file contains `{{`: if it is a template, lint its rendered output)");
        }
        let mut finding = Finding::new(rule, rule.severity, message, &file, p.span);
        // Problems inside a document that was read (duplicate keys, alias limits) say
        // which document and key; the linter adds the object.
        if let Some(i) = doc {
            finding = finding.with_document(parsed[i].index);
            let path = match paths[i].get(&p.span) {
                Some(path) => path.clone(),
                None => parsed[i].root.path_enclosing(p.span.start),
            };
            finding = finding.with_path(path);
        }
        out.findings.push(finding);
    }
    for doc in parsed {
        if doc.root.is_null() {
            continue;
        }
        out.documents_read += 1;
        classify(&file, doc.index, String::new(), doc.root, &mut out);
    }
    out
}

fn classify(file: &Arc<SourceFile>, index: usize, prefix: String, root: Node, out: &mut Loaded) {
    let note = |rule: &'static crate::vocab::RuleInfo, message: String, span: Span| {
        Finding::new(rule, rule.severity, message, file, span)
            .with_document(index)
            .with_path(prefix.clone())
    };
    // Document-level notes point at the first key, not at the whole document.
    let head = match root.as_map().and_then(|e| e.first()) {
        Some(e) => e.key_span,
        None => {
            let text = file.slice(root.span);
            Span::new(
                root.span.start,
                root.span.start + text.find(['\n', '\r']).unwrap_or(text.len()) as u32,
            )
        }
    };
    if root.as_map().is_none() {
        let message = format!(
            "document is {} {}, not a Kubernetes object",
            article(root.type_name()),
            root.type_name()
        );
        out.findings.push(note(&rules::NOT_A_MANIFEST, message, head));
        return;
    }
    let api_version = root.get("apiVersion").and_then(Node::as_str);
    let kind = root.get("kind").and_then(Node::as_str);
    let file_name = file.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if api_version.is_some_and(|v| v.starts_with("kustomize.config.k8s.io/"))
        || matches!(file_name, "kustomization.yaml" | "kustomization.yml" | "Kustomization")
    {
        out.fragment_files.extend(kustomize_patches(&file.path, &root));
        for (key, kind) in [("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")] {
            for g in root.get(key).and_then(Node::as_seq).unwrap_or_default() {
                if let Some(name) = g.get("name").and_then(Node::as_str) {
                    out.generated.push((kind, name.to_string()));
                }
            }
        }
        let message = "Kustomization: not a Kubernetes object, skipped; lint the built output instead (`kustomize build . | kubelint check -`)";
        out.findings.push(note(&rules::SKIPPED_FILE, message.into(), head));
        return;
    }
    if api_version.is_some_and(|v| v.starts_with("argoproj.io/")) && kind == Some("ConfigManagementPlugin") {
        let message = "an Argo CD config management plugin's `plugin.yaml`: a sidecar's config file, not a Kubernetes object; skipped";
        out.findings.push(note(&rules::SKIPPED_FILE, message.into(), head));
        return;
    }
    let harness = match api_version {
        Some(v) if v.starts_with("chainsaw.kyverno.io/") => Some("chainsaw"),
        Some(v) if v.starts_with("kuttl.dev/") => Some("kuttl"),
        _ => None,
    };
    if let Some(harness) = harness {
        if harness == "chainsaw" && kind == Some("Test") {
            out.fragment_files.extend(chainsaw_assertions(&file.path, &root));
        }
        let message = format!(
            "{harness} {}: a test definition, not a Kubernetes object; skipped",
            kind.unwrap_or("document")
        );
        out.findings.push(note(&rules::SKIPPED_FILE, message, head));
        return;
    }
    match (api_version, kind) {
        (Some(_), Some(kind)) => {
            let items = root.get("items");
            let is_list = kind.ends_with("List") && items.is_some_and(|i| i.as_seq().is_some() || i.is_null());
            if is_list {
                // `items: null` is an empty list to kubectl (its items decode as none).
                let Value::Map(entries) = root.value else { return };
                for entry in entries {
                    if entry.key != "items" {
                        continue;
                    }
                    let Value::Seq(items) = entry.value.value else { continue };
                    for (i, item) in items.into_iter().enumerate() {
                        classify(file, index, format!("{prefix}/items/{i}"), item, out);
                    }
                }
            } else {
                let partial = partial_by_name(file_name)
                    .or_else(|| {
                        (prefix.is_empty() && root.get("$patch").is_some())
                            .then(|| Arc::from("a strategic-merge patch (it has a `$patch` directive)"))
                    })
                    .or_else(|| unrendered_template(&root))
                    .or_else(|| sed_placeholders(file.slice(root.span)))
                    .or_else(|| in_patches_folder(&file.path))
                    .map(Partial::fragment)
                    .or_else(|| apply_configuration(&root));
                out.documents.push(Document {
                    file: Arc::clone(file),
                    index,
                    prefix,
                    root,
                    partial,
                });
            }
        }
        (None, None) => {
            let message = match (root.get("apiVersion"), root.get("kind")) {
                (None, None) => "document has no `apiVersion` and `kind`: not a Kubernetes object".to_string(),
                _ => "`apiVersion` and `kind` are not strings: not a Kubernetes object".to_string(),
            };
            out.findings.push(note(&rules::NOT_A_MANIFEST, message, head));
        }
        (present_version, _) => {
            let (missing, present_key) = if present_version.is_some() {
                ("kind", "apiVersion")
            } else {
                ("apiVersion", "kind")
            };
            let span = root.key_span(&format!("/{present_key}")).unwrap_or(root.span);
            let message =
                format!("object has `{present_key}` but no `{missing}` (as a string); the API server rejects it");
            out.findings.push(note(&rules::MISSING_TYPE_META, message, span));
        }
    }
}

/// An object whose name, namespace or labels hold `{{ … }}` placeholders: a template that
/// a script or tool renders (no API object can have such a name), not an object yet.
fn unrendered_template(root: &Node) -> Option<Arc<str>> {
    let placeholder = |n: &Node| n.as_str().is_some_and(|s| s.contains("{{") && s.contains("}}"));
    let metadata = root.get("metadata")?;
    let labels = metadata.get("labels").and_then(Node::as_map).unwrap_or_default();
    let templated = ["name", "namespace", "generateName"]
        .iter()
        .filter_map(|f| metadata.get(f))
        .chain(labels.iter().map(|e| &e.value))
        .any(placeholder);
    templated.then(|| Arc::from("a template (its metadata holds unrendered `{{ … }}` placeholders)"))
}

/// A workload that sets fields of its `spec` but has neither a pod template nor a
/// selector, and nothing beside `apiVersion`, `kind`, `metadata` and `spec`: an apply
/// configuration (`kubectl apply --server-side`, a merge patch) that changes a few fields of
/// an existing object; no whole workload can lack its pod template. A workload that has
/// one of the two, or stray top-level keys (a mis-indented `template:`), stays an object
/// so its real mistakes are reported.
fn apply_configuration(root: &Node) -> Option<Partial> {
    let api = root.get("apiVersion").and_then(Node::as_str)?;
    let kind = root.get("kind").and_then(Node::as_str)?;
    let group = api.rsplit_once('/').map_or("", |(g, _)| g);
    let pointer = crate::vocab::rule::pod_template_pointer(group, kind)?;
    // Pods and PodTemplates are their own templates.
    let template_key = pointer.strip_prefix("/spec/")?.split('/').next()?;
    let top_level_known = root
        .as_map()?
        .iter()
        .all(|e| matches!(e.key.as_str(), "apiVersion" | "kind" | "metadata" | "spec"));
    let spec = root.get("spec")?.as_map()?;
    let partial =
        top_level_known && !spec.is_empty() && spec.iter().all(|e| e.key != template_key && e.key != "selector");
    partial.then(|| Partial {
        rule: &rules::APPLY_CONFIGURATION,
        reason: Arc::from(format!(
            "an apply configuration: it sets fields of a {kind}'s `spec` but has no `spec.{template_key}` and no `spec.selector`, so `kubectl apply` can only change an existing {kind} with it; creating it fails"
        )),
    })
}

/// A document whose values are `##NAME##` placeholders that a script substitutes (`sed`):
/// YAML reads `name: ##CRNAME##` as a key with no value and a comment, so the object
/// would be judged on nulls it never has once rendered.
fn sed_placeholders(text: &str) -> Option<Arc<str>> {
    // One search over the document instead of two per line: nearly every document has none.
    if !text.contains("##") {
        return None;
    }
    let placeholder = text.lines().find_map(|line| {
        let (_, after) = line.split_once(": ##").or_else(|| line.split_once("- ##"))?;
        let (name, _) = after.split_once("##")?;
        let valid = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        valid.then_some(name)
    })?;
    Some(Arc::from(format!(
        "a template (its values are placeholders such as `##{placeholder}##` that a script substitutes)"
    )))
}

/// A file in a `patches/` folder: the Kustomize convention for patch files, which may be
/// named by a kustomization that is not in the input (or by a commented-out line).
fn in_patches_folder(path: &Path) -> Option<Arc<str>> {
    path.parent()?
        .components()
        .any(|c| c.as_os_str() == "patches")
        .then(|| Arc::from("in a `patches/` folder: a Kustomize patch"))
}

/// Test-assertion files of kuttl and chainsaw (`01-assert.yaml`, `02-errors.yaml`,
/// `00-assert-nodeip.yaml`): the objects they hold are partial by design.
fn partial_by_name(file_name: &str) -> Option<Arc<str>> {
    let stem = file_name
        .strip_suffix(".yaml")
        .or_else(|| file_name.strip_suffix(".yml"))?;
    let (step, rest) = stem.split_once('-')?;
    let kind = ["assert", "errors", "error"]
        .into_iter()
        .find(|k| rest == *k || rest.strip_prefix(k).is_some_and(|r| r.starts_with('-')))?;
    if step.is_empty() || !step.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Arc::from(format!(
        "a kuttl test {} (`{file_name}`)",
        if kind == "assert" {
            "assertion"
        } else {
            "error-assertion"
        }
    )))
}

/// The patch files a Kustomization names: `patchesStrategicMerge` entries that are paths,
/// and the `path` of `patches` and `patchesJson6902` entries.
fn kustomize_patches(kustomization: &Path, root: &Node) -> Vec<FragmentRef> {
    let dir = kustomization.parent().unwrap_or(Path::new(""));
    let seq = |key: &str| {
        root.get(key)
            .and_then(Node::as_seq)
            .map(|s| s.iter().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    // An inline patch is a multi-line string; a path is one line.
    let path = |n: &Node| n.as_str().filter(|p| !p.contains('\n')).map(str::to_string);
    let mut paths: Vec<String> = seq("patchesStrategicMerge").into_iter().filter_map(path).collect();
    for key in ["patches", "patchesJson6902"] {
        paths.extend(
            seq(key)
                .into_iter()
                .filter_map(|item| item.get("path").and_then(path).or_else(|| path(item))),
        );
    }
    paths
        .into_iter()
        .filter(|p| !p.contains("://"))
        .map(|p| FragmentRef {
            path: normalise(&dir.join(p)),
            named_by: kustomization.to_path_buf(),
            what: "a Kustomize patch",
            when: FragmentWhen::Always,
        })
        .collect()
}

/// The files a chainsaw `Test` compares live objects against (`assert` and `error`
/// operations of its steps): they hold the fields to compare, not whole objects.
fn chainsaw_assertions(test: &Path, root: &Node) -> Vec<FragmentRef> {
    let dir = test.parent().unwrap_or(Path::new(""));
    let mut out = Vec::new();
    let steps = root
        .pointer("/spec/steps")
        .and_then(Node::as_seq)
        .map(|s| s.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    for step in steps {
        for phase in ["try", "catch", "finally", "cleanup"] {
            for op in step.get(phase).and_then(Node::as_seq).into_iter().flatten() {
                for (key, what, when) in [
                    ("assert", "a chainsaw test assertion", FragmentWhen::Always),
                    ("error", "a chainsaw test error-assertion", FragmentWhen::Always),
                    ("patch", "a chainsaw test patch", FragmentWhen::Always),
                    ("update", "a chainsaw test update", FragmentWhen::Always),
                    ("apply", "a chainsaw test resource", FragmentWhen::Templated),
                    ("create", "a chainsaw test resource", FragmentWhen::Templated),
                ] {
                    if let Some(file) = op.get(key).and_then(|a| a.get("file")).and_then(Node::as_str)
                        && !file.contains("://")
                    {
                        out.push(FragmentRef {
                            path: normalise(&dir.join(file)),
                            named_by: test.to_path_buf(),
                            what,
                            when,
                        });
                    }
                }
            }
        }
    }
    out
}

/// `a/./b/../c` → `a/c`, without touching the file system (the patch may not exist).
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                let at_root = matches!(
                    out.components().next_back(),
                    None | Some(std::path::Component::ParentDir)
                );
                if at_root || !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str, text: &str) -> Loaded {
        load_file(Arc::new(SourceFile::new(name, text.to_string())))
    }

    #[test]
    fn list_items_become_documents_with_prefix() {
        let l = load(
            "l.yaml",
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: b}\n",
        );
        assert_eq!(l.documents.len(), 2);
        assert_eq!(l.documents[1].prefix, "/items/1");
        assert_eq!(l.documents[1].file.position(l.documents[1].root.span.start).line, 7);
        assert_eq!(l.documents_read, 1);
    }

    #[test]
    fn non_manifests_and_kustomizations_are_notes() {
        let l = load(
            "x.yaml",
            "foo: bar\n---\n- 1\n---\n---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
        );
        let rules: Vec<_> = l.findings.iter().map(|f| &*f.rule).collect();
        assert_eq!(rules, vec!["not-a-manifest", "not-a-manifest", "skipped-file"]);
        assert!(l.documents.is_empty());
        assert_eq!(l.documents_read, 3);
    }

    #[test]
    fn streams_split_at_kubectl_separator_lines() {
        let text = b"a: 1\n---\nb: |\n  ---\n---x: 1\n--- # next\r\nc: 3\n---\t\n";
        let chunks: Vec<&[u8]> = document_chunks(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            chunks,
            vec![
                &b"a: 1\n"[..],
                b"---\nb: |\n  ---\n---x: 1\n",
                b"--- # next\r\nc: 3\n",
                b"---\t\n"
            ]
        );
    }

    #[test]
    fn invalid_utf8_blanks_only_its_own_document() {
        let good = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n";
        let mut bytes = good.as_bytes().to_vec();
        bytes.extend_from_slice(b"---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: \"\xe9\xe9\"\r\n");
        bytes.extend_from_slice(format!("---\n{}", good.replace("name: a", "name: c")).as_bytes());
        let l = load_bytes("s.yaml", bytes, DEFAULT_MAX_FILE_SIZE);
        let names: Vec<_> = l
            .documents
            .iter()
            .map(|d| d.root.pointer("/metadata/name").unwrap().as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["a", "c"]);
        assert_eq!(l.documents_read, 2);
        // Positions after the bad document are the file's; reports show U+FFFD.
        let c = &l.documents[1];
        assert_eq!(c.file.position(c.root.span.start).line, 9);
        assert!(c.file.text.contains("{name: \"\u{fffd}\u{fffd}\""), "{}", c.file.text);
        assert_eq!(l.findings.len(), 1);
        let f = &l.findings[0];
        assert_eq!(&*f.rule, "unreadable-file");
        assert_eq!((f.start.line, f.start.column), (7, 19));
        assert!(Arc::ptr_eq(&f.file, &c.file), "one text for snippets");
    }

    #[test]
    fn half_a_type_meta_is_an_error() {
        let l = load("x.yaml", "kind: Pod\nmetadata: {name: p}\n");
        assert_eq!(&*l.findings[0].rule, "missing-type-meta");
        assert_eq!(l.findings[0].start, Position { line: 1, column: 1 });
    }

    #[test]
    fn test_assertion_files_are_recognised_by_name() {
        for name in [
            "00-assert.yaml",
            "01-errors.yml",
            "02-assert-nodeip.yaml",
            "10-error.yaml",
        ] {
            assert!(partial_by_name(name).is_some(), "{name}");
        }
        for name in [
            "assert.yaml",
            "00-install.yaml",
            "x-assert.yaml",
            "00-asserts.yaml",
            "00-assert.json",
        ] {
            assert!(partial_by_name(name).is_none(), "{name}");
        }
    }

    #[test]
    fn patch_paths_are_resolved_against_the_kustomization() {
        assert_eq!(normalise(Path::new("a/./b/../c.yaml")), PathBuf::from("a/c.yaml"));
        assert_eq!(normalise(Path::new("../../x/../y.yaml")), PathBuf::from("../../y.yaml"));
        let text = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches:\n- path: p1.yaml\n- patch: |-\n    inline\npatchesStrategicMerge:\n- ../p2.yaml\n- |-\n  apiVersion: v1\n  kind: ConfigMap\npatchesJson6902:\n- path: ops.yaml\n  target: {kind: Deployment}\n";
        let loaded = load_file(Arc::new(SourceFile::new(
            "k/overlay/kustomization.yaml",
            text.to_string(),
        )));
        let paths: Vec<_> = loaded.fragment_files.iter().map(|f| f.path.clone()).collect();
        let want = ["k/p2.yaml", "k/overlay/p1.yaml", "k/overlay/ops.yaml"].map(PathBuf::from);
        assert_eq!(paths, want);
    }

    #[test]
    fn workloads_without_template_or_selector_are_apply_configurations() {
        let partial = |text: &str| {
            let loaded = load_file(Arc::new(SourceFile::new("d.yaml", text.to_string())));
            loaded.documents[0]
                .partial
                .as_ref()
                .map(|p| format!("{}: {}", p.rule.id, p.reason))
        };
        let head = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n";
        let note = partial(&format!("{head}spec:\n  revisionHistoryLimit: 1\n")).unwrap();
        assert!(
            note.starts_with("apply-configuration: an apply configuration") && note.contains("spec.template"),
            "{note}"
        );
        assert!(partial("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {suspend: true}\n").is_some());
        // A whole workload with a mistake stays an object: its mistakes are reported.
        assert_eq!(
            partial(&format!(
                "{head}spec:\n  replicas: 2\n  selector: {{matchLabels: {{app: web}}}}\n"
            )),
            None
        );
        assert_eq!(partial(&format!("{head}spec:\n  replicas: 2\ntemplate: {{}}\n")), None);
        assert_eq!(partial(&format!("{head}spec: {{}}\n")), None);
        assert_eq!(partial(head), None);
        assert_eq!(
            partial("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {restartPolicy: Never}\n"),
            None
        );
    }

    #[test]
    fn files_note_the_non_finite_floats_their_trees_hold() {
        let read = |text: &str| {
            let file = Arc::new(SourceFile::new("f.yaml", text.to_string()));
            load_file(Arc::clone(&file));
            file.may_hold_non_finite()
        };
        assert!(read("a: .inf\n"));
        assert!(read("a: [1, -.Inf]\n"));
        assert!(read("a: !!float .nan\n"));
        assert!(!read("a: 1.5\nb: '.inf'\nc: .information\n"));
        assert!(!read("{\"a\": 1e308}"));
    }

    #[test]
    fn sed_placeholders_make_a_template() {
        let note = sed_placeholders("kind: ClusterRoleBinding\nmetadata:\n  name: ##CRBNAME##\n").unwrap();
        assert!(note.contains("`##CRBNAME##`"), "{note}");
        assert!(sed_placeholders("subjects:\n- ##SA_NAME##\n").is_some());
        for plain in [
            "metadata:\n  name: web  ## a comment\n",
            "a: ## note ##\n",
            "a: ####\n",
            "a: x\n",
        ] {
            assert_eq!(sed_placeholders(plain), None, "{plain}");
        }
    }
}
