//! Stage 1: a parallel, gitignore-aware walk that finds the manifest files.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use globset::{Glob, GlobSet, GlobSetBuilder};

/// How to walk.
#[derive(Clone, Debug, Default)]
pub struct DiscoverOptions {
    /// Glob patterns to leave out (`vendor/**`, `*.json`, `**/testdata/**`): matched against
    /// the path as the walk yields it and against the file name alone.
    pub exclude: Vec<String>,
    /// Glob patterns to leave out, relative to a folder (a config file's): matched against
    /// the path relative to that folder and against the file name alone.
    pub based_exclude: Option<(PathBuf, Vec<String>)>,
    /// Walk hidden files and folders too (skipped by default, like `.git`).
    pub hidden: bool,
    /// Ignore `.gitignore`, `.ignore` and `.kubelintignore` files.
    pub no_ignore: bool,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Manifest files found by walking folders, sorted.
    pub files: Vec<PathBuf>,
    /// Roots that are not folders, taken whatever their name or type: regular files, and
    /// also pipes, FIFOs, character devices and `/dev/fd/N` (`<(helm template …)`), sorted.
    pub named: Vec<PathBuf>,
    /// Paths below a root that the walk could not enter or read (a loop, a permission error).
    pub errors: Vec<(PathBuf, String)>,
    /// Roots that do not exist or cannot be read (a folder that cannot be listed).
    pub unreadable_roots: Vec<(PathBuf, String)>,
    /// Kustomization files (`kustomization.yaml`, `kustomization.yml`, `Kustomization`)
    /// found by walking folders, sorted: what rendering builds (a kustomization file named
    /// on its own is read as a file, as a pre-commit hook passes it). Those with a YAML
    /// extension are in `files` too (they are loaded when not rendered).
    pub kustomizations: Vec<PathBuf>,
    /// Files found by walking below a Helm chart's `templates/` folder (a folder beside a
    /// `Chart.yaml`), sorted: templates, never linted as plain YAML, and not in `files`.
    pub chart_templates: Vec<PathBuf>,
}

/// The names kustomize looks for in a folder.
pub const KUSTOMIZATION_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

fn is_kustomization(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| KUSTOMIZATION_NAMES.contains(&n))
}

/// Whether `path` is below the `templates/` folder of a Helm chart (a folder with a
/// `Chart.yaml`); `charts` caches the answer per folder.
fn in_chart_templates(path: &Path, charts: &mut std::collections::HashMap<PathBuf, bool>) -> bool {
    path.ancestors().skip(1).any(|dir| {
        if dir.file_name().is_none_or(|n| n != "templates") {
            return false;
        }
        let Some(chart) = dir.parent() else { return false };
        *charts
            .entry(chart.to_path_buf())
            .or_insert_with(|| chart.join("Chart.yaml").is_file())
    })
}

/// The extensions taken when walking a folder (a file named explicitly is always taken).
pub const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

pub fn build_excludes(patterns: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let p = p.trim_start_matches("./");
        b.add(Glob::new(p).map_err(|e| format!("invalid exclude pattern `{p}`: {e}"))?);
        // `dir` or `dir/` also excludes everything below it.
        let trimmed = p.trim_end_matches('/');
        if !trimmed.ends_with("**") {
            b.add(Glob::new(&format!("{trimmed}/**")).map_err(|e| format!("invalid exclude pattern `{p}`: {e}"))?);
        }
    }
    b.build().map_err(|e| e.to_string())
}

pub(crate) fn is_excluded(set: &GlobSet, path: &Path) -> bool {
    if set.is_empty() {
        return false;
    }
    let stripped = path.strip_prefix(".").unwrap_or(path);
    set.is_match(stripped) || path.file_name().is_some_and(|n| set.is_match(Path::new(n)))
}

/// The exclude patterns of a walk: those relative to the working directory (as the walk
/// yields paths) and those relative to a folder (a config file's).
#[derive(Clone, Debug)]
pub(crate) struct Excludes {
    here: GlobSet,
    based: Option<(PathBuf, GlobSet)>,
}

impl Excludes {
    pub(crate) fn new(options: &DiscoverOptions) -> Result<Excludes, String> {
        let here = build_excludes(&options.exclude)?;
        let based = match &options.based_exclude {
            Some((base, patterns)) if !patterns.is_empty() => Some((absolute(base), build_excludes(patterns)?)),
            _ => None,
        };
        Ok(Excludes { here, based })
    }

    pub(crate) fn matches(&self, path: &Path) -> bool {
        if is_excluded(&self.here, path) {
            return true;
        }
        let Some((base, set)) = &self.based else {
            return false;
        };
        match absolute(path).strip_prefix(base) {
            Ok(rel) => is_excluded(set, rel),
            // Outside the folder: only the file name can match.
            Err(_) => path.file_name().is_some_and(|n| set.is_match(Path::new(n))),
        }
    }
}

/// `path` made absolute against the working directory, lexically (no symlink resolution).
fn absolute(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // `a/./b` and `a/.` compare like `a/b` and `a`.
    abs.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// Whether a walk of `root` would take the file at `path` below it: a manifest extension,
/// not excluded, no hidden component below `root` (unless hidden paths are walked), not a
/// chart template. Ignore files are not consulted: a file they ignore is taken.
#[cfg(feature = "lsp")]
pub(crate) fn walk_takes(root: &Path, path: &Path, options: &DiscoverOptions) -> bool {
    let Ok(below) = path.strip_prefix(root) else {
        return false;
    };
    let wanted = path
        .extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| EXTENSIONS.contains(&x));
    let hidden = !options.hidden
        && below
            .components()
            .any(|c| matches!(c, std::path::Component::Normal(n) if n.to_str().is_some_and(|n| n.starts_with('.') && n.len() > 1)));
    let excluded = Excludes::new(options).map_or(true, |e| e.matches(path));
    wanted && !hidden && !excluded && !in_chart_templates(path, &mut std::collections::HashMap::new())
}

/// Walks `roots` in parallel. Fails only on an invalid exclude pattern: unreadable paths
/// are returned in `errors` and `unreadable_roots`.
pub fn discover(roots: &[PathBuf], options: &DiscoverOptions) -> Result<Discovered, String> {
    let excludes = Excludes::new(options)?;
    let mut out = Discovered::default();
    let mut walk_roots = Vec::new();
    for root in roots {
        match std::fs::metadata(root) {
            Ok(meta) if meta.is_dir() => match std::fs::read_dir(root) {
                Ok(_) => walk_roots.push(root.clone()),
                Err(e) => out
                    .unreadable_roots
                    .push((root.clone(), format!("cannot read folder: {e}"))),
            },
            // Named explicitly: read it whatever it is (a FIFO's or a device's metadata says
            // neither file nor folder).
            Ok(_) => {
                if !excludes.matches(root) {
                    out.named.push(root.clone());
                }
            }
            Err(e) => out
                .unreadable_roots
                .push((root.clone(), format!("cannot read path: {e}"))),
        }
    }
    if let Some((first, rest)) = walk_roots.split_first() {
        let mut builder = ignore::WalkBuilder::new(first);
        for r in rest {
            builder.add(r);
        }
        builder
            .hidden(!options.hidden)
            .git_ignore(!options.no_ignore)
            .git_exclude(!options.no_ignore)
            .git_global(!options.no_ignore)
            .ignore(!options.no_ignore)
            .parents(!options.no_ignore)
            .require_git(false)
            .follow_links(true);
        if !options.no_ignore {
            builder.add_custom_ignore_filename(".kubelintignore");
        }
        let filter_set = excludes.clone();
        builder.filter_entry(move |e| e.depth() == 0 || !filter_set.matches(e.path()));
        let found = Mutex::new((Vec::new(), Vec::new(), Vec::new()));
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(e) => {
                        let is_file = e.file_type().is_some_and(|t| t.is_file());
                        let wanted = e
                            .path()
                            .extension()
                            .and_then(|x| x.to_str())
                            .is_some_and(|x| EXTENSIONS.contains(&x));
                        let kustomization = is_file && is_kustomization(e.path());
                        if is_file && wanted {
                            let mut found = found.lock().unwrap();
                            if kustomization {
                                found.2.push(e.path().to_path_buf());
                            }
                            found.0.push(e.into_path());
                        } else if kustomization {
                            found.lock().unwrap().2.push(e.into_path());
                        }
                    }
                    Err(err) => {
                        let path = error_path(&err).unwrap_or_default();
                        found.lock().unwrap().1.push((path, err.to_string()));
                    }
                }
                ignore::WalkState::Continue
            })
        });
        let (files, errors, kustomizations) = found.into_inner().unwrap();
        let mut charts = std::collections::HashMap::new();
        for f in files {
            if in_chart_templates(&f, &mut charts) {
                out.chart_templates.push(f);
            } else {
                out.files.push(f);
            }
        }
        out.errors.extend(errors);
        out.kustomizations.extend(kustomizations);
    }
    out.kustomizations.sort();
    out.kustomizations.dedup();
    out.chart_templates.sort();
    out.chart_templates.dedup();
    out.named.sort();
    out.named.dedup();
    out.files.sort();
    out.files.dedup();
    // A file named and also found in a named folder is read once, as named.
    out.files.retain(|f| out.named.binary_search(f).is_err());
    out.errors.sort();
    out.unreadable_roots.sort();
    Ok(out)
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_honours_gitignore_excludes_and_extensions() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "a.yaml",
            "b.yml",
            "c.json",
            "d.txt",
            "skip/e.yaml",
            "vendor/f.yaml",
            ".hidden/g.yaml",
            "deep/x/h.yaml",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "a: 1\n").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "skip/\n").unwrap();
        let opts = DiscoverOptions {
            exclude: vec!["vendor".into()],
            ..Default::default()
        };
        let found = discover(&[root.to_path_buf()], &opts).unwrap();
        let names: Vec<_> = found
            .files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        assert_eq!(names, vec!["a.yaml", "b.yml", "c.json", "deep/x/h.yaml"]);
        assert!(found.errors.is_empty());
    }

    #[test]
    fn kustomizations_and_chart_templates_are_listed_apart() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "app/kustomization.yaml",
            "app/d.yaml",
            "other/Kustomization",
            "chart/Chart.yaml",
            "chart/values.yaml",
            "chart/templates/deploy.yaml",
            "chart/templates/sub/x.yml",
            "notchart/templates/y.yaml",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "a: 1\n").unwrap();
        }
        let found = discover(&[root.to_path_buf()], &DiscoverOptions::default()).unwrap();
        let rel = |v: &[PathBuf]| -> Vec<String> {
            v.iter()
                .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
                .collect()
        };
        assert_eq!(
            rel(&found.kustomizations),
            vec!["app/kustomization.yaml", "other/Kustomization"]
        );
        assert_eq!(
            rel(&found.chart_templates),
            vec!["chart/templates/deploy.yaml", "chart/templates/sub/x.yml"]
        );
        assert_eq!(
            rel(&found.files),
            vec![
                "app/d.yaml",
                "app/kustomization.yaml",
                "chart/Chart.yaml",
                "chart/values.yaml",
                "notchart/templates/y.yaml"
            ]
        );
    }

    #[test]
    fn based_excludes_are_relative_to_their_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in ["conf/vendor/a.yaml", "conf/b.yaml", "vendor/c.yaml", "conf/x.json"] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "a: 1\n").unwrap();
        }
        let opts = DiscoverOptions {
            based_exclude: Some((root.join("conf"), vec!["vendor/**".into(), "*.json".into()])),
            ..Default::default()
        };
        let found = discover(&[root.to_path_buf()], &opts).unwrap();
        let names: Vec<_> = found
            .files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        assert_eq!(names, vec!["conf/b.yaml", "vendor/c.yaml"]);
    }

    #[test]
    fn missing_paths_are_errors_not_panics() {
        let found = discover(&[PathBuf::from("/no/such/path/here")], &DiscoverOptions::default()).unwrap();
        assert!(found.files.is_empty() && found.named.is_empty());
        assert_eq!(found.unreadable_roots.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn named_fifos_and_devices_are_taken_but_not_when_walking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("stream.yaml");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        let roots = [fifo.clone(), PathBuf::from("/dev/null"), dir.path().to_path_buf()];
        let found = discover(&roots, &DiscoverOptions::default()).unwrap();
        let mut want = vec![fifo, PathBuf::from("/dev/null")];
        want.sort();
        assert_eq!(found.named, want);
        assert!(
            found.files.is_empty(),
            "a FIFO inside a walked folder is not read: {:?}",
            found.files
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("a/loop")).unwrap();
        std::fs::write(dir.path().join("a/x.yaml"), "a: 1\n").unwrap();
        let found = discover(&[dir.path().to_path_buf()], &DiscoverOptions::default()).unwrap();
        assert_eq!(found.files.len(), 1);
        assert!(
            found.errors.iter().any(|(_, m)| m.contains("loop")),
            "{:?}",
            found.errors
        );
    }
}
