//! Kustomizations: which ones to build (the roots: those no other kustomization of the
//! input names), which files each build covers, and the build itself, with kustomize's
//! origin annotations so that findings can point at the files objects come from.

use std::collections::{BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::load::{self, Node, SourceFile};

use super::process::{self, Failure, TempDir};

/// The annotation `buildMetadata: [originAnnotations]` adds to every object.
pub(crate) const ORIGIN_ANNOTATION: &str = "config.kubernetes.io/origin";

/// The kustomization file of `dir`, if it has one.
pub(crate) fn file_in(dir: &Path) -> Option<PathBuf> {
    load::discover::KUSTOMIZATION_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

/// One kustomization as read from its file.
#[derive(Debug, Clone)]
pub(crate) struct Kustomization {
    /// Its file, as the walk named it.
    pub file: PathBuf,
    /// Its folder (what kustomize builds).
    pub dir: PathBuf,
    /// `kind: Component`: not buildable on its own.
    pub component: bool,
    /// Local folders it names (bases, components), lexically normalised.
    pub dirs: Vec<PathBuf>,
    /// Local files it names (resources, patches, generator sources, configurations).
    pub files: Vec<PathBuf>,
}

/// Reads a kustomization file; `None` when it cannot be read or is not a mapping (the
/// build then fails and says why).
pub(crate) fn read(file: &Path) -> Option<Kustomization> {
    let text = std::fs::read_to_string(file).ok()?;
    let source = Arc::new(SourceFile::new(file, text));
    let (docs, _) = load::yaml::parse_stream(&source);
    let root = docs.into_iter().map(|d| d.root).find(|r| !r.is_null())?;
    root.as_map()?;
    let dir = file.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let component = root.get("kind").and_then(Node::as_str) == Some("Component");
    let mut named: Vec<String> = Vec::new();
    let strings = |key: &str| -> Vec<String> {
        root.get(key)
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .map(str::to_string)
            .collect()
    };
    for key in [
        "resources",
        "bases",
        "components",
        "patchesStrategicMerge",
        "crds",
        "configurations",
        "transformers",
        "generators",
        "validators",
    ] {
        named.extend(strings(key));
    }
    for key in ["patches", "patchesJson6902", "replacements"] {
        for item in root.get(key).and_then(Node::as_seq).unwrap_or_default() {
            if let Some(p) = item.get("path").and_then(Node::as_str) {
                named.push(p.to_string());
            }
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for g in root.get(key).and_then(Node::as_seq).unwrap_or_default() {
            for list in ["files", "envs"] {
                for f in g.get(list).and_then(Node::as_seq).unwrap_or_default() {
                    if let Some(s) = f.as_str() {
                        // `key=path` names the key of the data.
                        named.push(s.split_once('=').map_or(s, |(_, p)| p).to_string());
                    }
                }
            }
            if let Some(s) = g.get("env").and_then(Node::as_str) {
                named.push(s.to_string());
            }
        }
    }
    if let Some(p) = root.pointer("/openapi/path").and_then(Node::as_str) {
        named.push(p.to_string());
    }
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    for n in named {
        // Inline patches and transformer configs are YAML text; remote bases are URLs.
        if n.contains('\n') || is_remote(&n) {
            continue;
        }
        let p = load::normalise(&dir.join(&n));
        if p.is_dir() {
            dirs.push(p);
        } else {
            files.push(p);
        }
    }
    Some(Kustomization {
        file: file.to_path_buf(),
        dir,
        component,
        dirs,
        files,
    })
}

/// A remote base or resource: a URL or a `host/org/repo//path?ref=` git reference.
fn is_remote(s: &str) -> bool {
    s.contains("://") || s.starts_with("git@") || s.starts_with("github.com/") || s.contains("?ref=")
}

/// What building one root reads: the kustomization files and the files they name,
/// through every folder they name (lexically normalised paths).
pub(crate) fn closure(root: &Kustomization) -> BTreeSet<PathBuf> {
    let mut covered = BTreeSet::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut stack = vec![root.clone()];
    seen.insert(load::normalise(&root.dir));
    while let Some(k) = stack.pop() {
        covered.insert(load::normalise(&k.file));
        covered.extend(k.files.iter().cloned());
        for d in &k.dirs {
            if seen.insert(d.clone())
                && let Some(file) = file_in(d)
                && let Some(next) = read(&file)
            {
                stack.push(next);
            }
        }
    }
    covered
}

/// The kustomizations to build among `found` (kustomization files of the input): those
/// that are not components and that no other one names, directly or through the folders
/// it names. Sorted by path.
pub(crate) fn roots(found: &[PathBuf]) -> Vec<Kustomization> {
    let all: Vec<Kustomization> = found.iter().filter_map(|f| read(f)).collect();
    let mut named: HashSet<PathBuf> = HashSet::new();
    for k in &all {
        let mut seen: HashSet<PathBuf> = HashSet::new();
        let mut stack: Vec<PathBuf> = k.dirs.clone();
        while let Some(d) = stack.pop() {
            if !seen.insert(d.clone()) {
                continue;
            }
            named.insert(d.clone());
            if let Some(next) = file_in(&d).and_then(|f| read(&f)) {
                stack.extend(next.dirs);
            }
        }
    }
    // A kustomization that is not readable still gets a build: it fails and says why.
    let unreadable = found
        .iter()
        .filter(|f| !all.iter().any(|k| &k.file == *f))
        .map(|f| Kustomization {
            file: f.clone(),
            dir: f.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            component: false,
            dirs: Vec::new(),
            files: Vec::new(),
        });
    let mut roots: Vec<Kustomization> = all
        .iter()
        .filter(|k| !k.component && !named.contains(&load::normalise(&k.dir)))
        .cloned()
        .chain(unreadable)
        .collect();
    roots.sort_by(|a, b| a.file.cmp(&b.file));
    roots.dedup_by(|a, b| load::normalise(&a.dir) == load::normalise(&b.dir));
    roots
}

/// What a build produced: the output, and how to turn kustomize's origin paths (relative
/// to the folder the build ran in) into paths as the user names them.
pub(crate) struct Built {
    pub output: Vec<u8>,
    /// The temporary folder built, canonical.
    pub(crate) built_in: PathBuf,
    /// The kustomization's folder, canonical and as named.
    pub(crate) canonical_dir: PathBuf,
    pub(crate) dir: PathBuf,
}

impl Built {
    /// An origin path (relative to the folder built) as the user would name that file.
    pub(crate) fn user_path(&self, origin: &str) -> PathBuf {
        let absolute = load::normalise(&self.built_in.join(origin));
        let relative = relative_path(&self.canonical_dir, &absolute);
        load::normalise(&self.dir.join(relative))
    }
}

/// Builds `k` with `command` (its words; the folder to build is added last), with origin
/// annotations: through a temporary kustomization that names `k`'s folder as its only
/// resource and asks for them, so the user's files are not touched.
pub(crate) fn build(k: &Kustomization, command: &[String], timeout: Duration) -> Result<Built, Failure> {
    let canonical_dir = std::fs::canonicalize(&k.dir)
        .map_err(|e| Failure::Failed(format!("cannot read the folder {}: {e}", k.dir.display())))?;
    let temp = TempDir::new().map_err(|e| Failure::Failed(format!("cannot make a temporary folder: {e}")))?;
    let built_in = std::fs::canonicalize(temp.path()).unwrap_or_else(|_| temp.path().to_path_buf());
    // kustomize refuses absolute paths to bases; a relative one is taken anywhere.
    let rel = relative_path(&built_in, &canonical_dir);
    let quoted = serde_json::to_string(&rel.to_string_lossy()).expect("a string serialises");
    let wrapper = format!("resources:\n- {quoted}\nbuildMetadata: [originAnnotations]\n");
    std::fs::write(built_in.join("kustomization.yaml"), wrapper)
        .map_err(|e| Failure::Failed(format!("cannot write a temporary kustomization: {e}")))?;
    let output = process::run(command, &[built_in.to_string_lossy().into_owned()], timeout)?;
    Ok(Built {
        output,
        built_in,
        canonical_dir,
        dir: k.dir.clone(),
    })
}

/// The path from folder `from` to `to` (both absolute and normalised): `../../x/y`.
pub(crate) fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Where kustomize says an object comes from (the origin annotation's text).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Read from this file (relative to the folder built).
    File(String),
    /// Made by a generator configured in this kustomization file.
    Generated(String),
    /// From a remote base, or said in a way not understood.
    Elsewhere,
}

/// Parses the origin annotation's value (`path: x.yaml`, or `configuredIn: …`).
pub(crate) fn parse_origin(text: &str) -> Origin {
    let source = Arc::new(SourceFile::new("origin", text.to_string()));
    let (docs, _) = load::yaml::parse_stream(&source);
    let Some(root) = docs.into_iter().map(|d| d.root).find(|r| !r.is_null()) else {
        return Origin::Elsewhere;
    };
    if root.get("repo").is_some() {
        return Origin::Elsewhere;
    }
    if let Some(p) = root.get("path").and_then(Node::as_str) {
        return Origin::File(p.to_string());
    }
    if let Some(p) = root.get("configuredIn").and_then(Node::as_str) {
        return Origin::Generated(p.to_string());
    }
    Origin::Elsewhere
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/tmp/k1"), Path::new("/work/app/overlay")),
            PathBuf::from("../../work/app/overlay")
        );
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/b/c")),
            PathBuf::from("c")
        );
        assert_eq!(relative_path(Path::new("/a/b"), Path::new("/a/b")), PathBuf::from("."));
    }

    #[test]
    fn origins() {
        assert_eq!(
            parse_origin("path: ../base/d.yaml\n"),
            Origin::File("../base/d.yaml".into())
        );
        assert_eq!(
            parse_origin("configuredIn: kustomization.yaml\nconfiguredBy:\n  kind: ConfigMapGenerator\n"),
            Origin::Generated("kustomization.yaml".into())
        );
        assert_eq!(
            parse_origin("path: x.yaml\nrepo: https://github.com/a/b\nref: v1\n"),
            Origin::Elsewhere
        );
        assert_eq!(parse_origin("[unclosed"), Origin::Elsewhere);
    }

    #[test]
    fn roots_and_closures() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |p: &str, text: &str| {
            let p = root.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("base/kustomization.yaml", "resources: [d.yaml]\n");
        write("base/d.yaml", "a: 1\n");
        write(
            "comp/kustomization.yaml",
            "kind: Component\npatches: [{path: p.yaml}]\n",
        );
        write(
            "prod/kustomization.yaml",
            "resources: [../base, extra.yaml, https://example.com/x.yaml]\ncomponents: [../comp]\nconfigMapGenerator:\n- name: c\n  files: [k=conf.json]\n",
        );
        write("staging/Kustomization", "resources:\n- ../base\n");
        let found: Vec<PathBuf> = [
            "base/kustomization.yaml",
            "comp/kustomization.yaml",
            "prod/kustomization.yaml",
            "staging/Kustomization",
        ]
        .iter()
        .map(|p| root.join(p))
        .collect();
        let roots = roots(&found);
        let names: Vec<_> = roots
            .iter()
            .map(|k| k.dir.strip_prefix(root).unwrap().to_path_buf())
            .collect();
        assert_eq!(names, vec![PathBuf::from("prod"), PathBuf::from("staging")]);
        let covered: Vec<_> = closure(&roots[0])
            .into_iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            covered,
            vec![
                "base/d.yaml",
                "base/kustomization.yaml",
                "comp/kustomization.yaml",
                "comp/p.yaml",
                "prod/conf.json",
                "prod/extra.yaml",
                "prod/kustomization.yaml"
            ]
        );
    }
}
