//! A workspace kept current file by file (the language server's): the files of a walk,
//! each loaded once, and the [`PreparedContext`] of all of them rebuilt from the loaded
//! parts when one file changes, without reading or parsing the others again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;

use super::context::{Cancelled, PreparedContext};
use super::fragments::mark_patches;
use super::{ConfigError, Linter};
use crate::load::discover::discover;
use crate::load::{self, Loaded, SourceFile};
use crate::model::Inventory;
use crate::schema::CrdSchemas;
use crate::vocab::Report;

/// What one file contributes to the workspace: its documents as loaded (fragments not yet
/// marked: which files are patches depends on the other files), the files it names as
/// fragments, the ConfigMaps and Secrets its generators make.
struct Part {
    loaded: Loaded,
}

impl Part {
    /// Whether the file holds what [`CrdSchemas`] gathers: CRDs, admission policies and
    /// their bindings.
    fn defines_schemas(&self) -> bool {
        self.loaded.documents.iter().any(|d| {
            matches!(
                d.root.get("kind").and_then(crate::load::Node::as_str),
                Some("CustomResourceDefinition" | "ValidatingAdmissionPolicy" | "ValidatingAdmissionPolicyBinding")
            )
        })
    }
}

/// The files of a workspace, each loaded once; see [`Linter::load_workspace`].
#[derive(Default)]
pub(crate) struct Workspace {
    /// Lexically normalised path -> the file's part, in path order (the order a walk
    /// yields), so that a context built from the parts is the context a full walk builds.
    parts: BTreeMap<PathBuf, Part>,
    /// The folders walked.
    roots: Vec<PathBuf>,
    /// The CRDs and admission policies of the workspace, gathered (their schemas converted,
    /// their CEL rules compiled) once and kept until a file that holds one changes: most
    /// of the time a context is rebuilt for an edit of a file without any.
    crds: Mutex<Option<Arc<CrdSchemas>>>,
}

impl Workspace {
    /// How many files the workspace holds.
    pub(crate) fn len(&self) -> usize {
        self.parts.len()
    }

    /// Replaces (or adds) the file at `path` with `text` (an editor's unsaved buffer).
    pub(crate) fn set_text(&mut self, path: &Path, text: String) {
        let loaded = load::load_file(Arc::new(SourceFile::new(path, text)));
        self.put(load::normalise(path), Some(Part { loaded }));
    }

    /// Puts `part` (`None`: nothing) at `key`, and forgets the gathered CRDs when the old
    /// or the new version of the file holds a CRD or an admission policy.
    fn put(&mut self, key: PathBuf, part: Option<Part>) {
        let new = part.as_ref().is_some_and(Part::defines_schemas);
        let old = match part {
            Some(p) => self.parts.insert(key, p),
            None => self.parts.remove(&key),
        };
        if new || old.as_ref().is_some_and(Part::defines_schemas) {
            *self.crds.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
        }
    }
}

impl Linter {
    /// Walks `roots` as `kubelint check ROOTS` walks them (ignore files, excludes, hidden
    /// paths; kustomizations are not built: their files are plain YAML, their patches
    /// fragments) and loads every file once. Fails on an invalid exclude pattern; files
    /// that cannot be read are left out.
    pub(crate) fn load_workspace(&self, roots: &[PathBuf]) -> Result<Workspace, ConfigError> {
        let options = self.discover_options();
        let found = discover(roots, &options).map_err(|message| ConfigError { origin: None, message })?;
        let max = self.options.max_file_size;
        let parts: Vec<(PathBuf, Part)> = found
            .named
            .par_iter()
            .chain(&found.files)
            .filter_map(|p| {
                let loaded = load::load_named(p, max).ok()?;
                Some((load::normalise(p), Part { loaded }))
            })
            .collect();
        Ok(Workspace {
            parts: parts.into_iter().collect(),
            roots: roots.iter().map(|r| load::normalise(r)).collect(),
            crds: Mutex::default(),
        })
    }

    /// Reads the file at `path` again from disk: it joins the workspace when the walk
    /// would take it (a manifest extension, not excluded, not hidden, not a chart
    /// template), and leaves it when it is gone or no longer taken.
    pub(crate) fn reload_in_workspace(&self, workspace: &mut Workspace, path: &Path) {
        let key = load::normalise(path);
        let options = self.discover_options();
        let taken = path.is_file()
            && workspace
                .roots
                .iter()
                .any(|root| load::discover::walk_takes(root, &key, &options));
        match taken
            .then(|| load::load_named(path, self.options.max_file_size).ok())
            .flatten()
        {
            Some(loaded) => {
                workspace.parts.insert(key, Part { loaded });
            }
            None => {
                workspace.parts.remove(&key);
            }
        }
    }

    /// The context of every object of the workspace: the documents of each part (the
    /// files that Kustomizations name as patches marked as fragments and left out), indexed
    /// once. Only the index is rebuilt: no file is read or parsed again.
    pub(crate) fn workspace_context(&self, workspace: &Workspace) -> PreparedContext {
        let fragments: Vec<&load::FragmentRef> = workspace
            .parts
            .values()
            .flat_map(|p| &p.loaded.fragment_files)
            .collect();
        let patches = fragments.iter().map(|f| (f.path.clone(), (*f).clone())).collect();
        let mut generated = Vec::new();
        let mut documents = Vec::new();
        for part in workspace.parts.values() {
            let mut l = Loaded {
                documents: part.loaded.documents.clone(),
                findings: Vec::new(),
                ..Loaded::default()
            };
            mark_patches(&mut l, &patches);
            generated.extend(part.loaded.generated.iter().cloned());
            documents.extend(l.documents.into_iter().filter(|d| d.partial.is_none()));
        }
        let mut inventory = Inventory::build_with(documents, self.default_namespace(), &self.config.pod_templates);
        inventory.add_generated(generated);
        let crds = {
            let mut cached = workspace.crds.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(cached.get_or_insert_with(|| Arc::new(CrdSchemas::of(&inventory))))
        };
        PreparedContext {
            inventory: Arc::new(inventory),
            crds,
            fragments: Arc::new(patches),
        }
    }

    /// A context of no object (before a workspace is loaded).
    pub(crate) fn empty_context(&self) -> PreparedContext {
        self.context_with(Vec::new(), Vec::new())
    }

    /// What the schema of `api_version` `kind` says about the field at `path` (JSON pointer
    /// tokens below the object), the CRDs of `context` included.
    pub(crate) fn describe_field(
        &self,
        context: &PreparedContext,
        api_version: &str,
        kind: &str,
        path: &[String],
    ) -> Option<crate::schema::describe::FieldDoc> {
        let run = self.schemas.with_crds(Arc::clone(&context.crds));
        run.describe(&context.inventory, api_version, kind, path)
    }

    /// Lints one file of a workspace (`text`: its current contents) against `context`:
    /// the context's objects from the same file are left out (the text replaces them all,
    /// renamed or removed objects too), the others seen by cross-object rules; a file the
    /// workspace's Kustomizations name as a patch is a fragment, as in a full run. Stops
    /// with `Err(Cancelled)` once `cancel` is set.
    pub(crate) fn lint_workspace_file(
        &self,
        context: &PreparedContext,
        path: &Path,
        text: &str,
        cancel: &AtomicBool,
    ) -> Result<Report, Cancelled> {
        let started = Instant::now();
        let mut loaded = load::load_file(Arc::new(SourceFile::new(path, text.to_string())));
        mark_patches(&mut loaded, &context.fragments);
        self.check(
            vec![loaded],
            1,
            &crate::render::Remaps::default(),
            started,
            Some((context, Some(path))),
            Some(cancel),
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Config;

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: web, image: \"nginx:1.27\"}\n";
    const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n";

    /// The objects of a context, as (file, kind, name), sorted.
    fn objects(c: &PreparedContext) -> Vec<(PathBuf, String, Option<String>)> {
        let mut v: Vec<_> = c
            .inventory
            .iter()
            .map(|o| (o.doc.file.path.clone(), o.kind.clone(), o.name.clone()))
            .collect();
        v.sort();
        v
    }

    fn rules(r: &Report) -> Vec<(String, u32)> {
        r.findings.iter().map(|f| (f.rule.to_string(), f.start.line)).collect()
    }

    #[test]
    fn a_one_file_update_is_a_full_reload() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        std::fs::write(root.join("deploy.yaml"), DEPLOYMENT).unwrap();
        std::fs::write(root.join("svc.yaml"), SERVICE).unwrap();
        std::fs::write(root.join("notes.txt"), "not a manifest").unwrap();
        let linter = Linter::new(Config::default()).unwrap();
        let mut ws = linter.load_workspace(std::slice::from_ref(&root)).unwrap();
        assert_eq!(ws.len(), 2);
        let quiet = |c: &PreparedContext, text: &str| {
            let r = linter
                .lint_workspace_file(c, &root.join("svc.yaml"), text, &AtomicBool::new(false))
                .unwrap();
            rules(&r)
        };
        let before = linter.workspace_context(&ws);
        assert!(
            !quiet(&before, SERVICE)
                .iter()
                .any(|(r, _)| r == "service-selects-nothing")
        );

        // One file changes on disk (the Deployment's labels), one is added, one removed.
        std::fs::write(
            root.join("deploy.yaml"),
            DEPLOYMENT.replace("app: web}}\n    spec", "app: api}}\n    spec"),
        )
        .unwrap();
        std::fs::write(
            root.join("cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n",
        )
        .unwrap();
        linter.reload_in_workspace(&mut ws, &root.join("deploy.yaml"));
        linter.reload_in_workspace(&mut ws, &root.join("cm.yaml"));
        linter.reload_in_workspace(&mut ws, &root.join("notes.txt"));
        let updated = linter.workspace_context(&ws);
        let full = linter.workspace_context(&linter.load_workspace(std::slice::from_ref(&root)).unwrap());
        assert_eq!(objects(&updated), objects(&full));
        assert_eq!(updated.len(), 3);
        assert_eq!(quiet(&updated, SERVICE), quiet(&full, SERVICE));
        assert!(
            quiet(&updated, SERVICE)
                .iter()
                .any(|(r, _)| r == "service-selects-nothing")
        );

        std::fs::remove_file(root.join("cm.yaml")).unwrap();
        linter.reload_in_workspace(&mut ws, &root.join("cm.yaml"));
        let full = linter.workspace_context(&linter.load_workspace(std::slice::from_ref(&root)).unwrap());
        assert_eq!(objects(&linter.workspace_context(&ws)), objects(&full));

        // A CRD added, then changed: the context's schemas follow.
        let crd = |ty: &str| {
            format!(
                "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {{name: widgets.example.com}}\nspec:\n  group: example.com\n  names: {{kind: Widget, plural: widgets}}\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec: {{type: object, properties: {{size: {{type: {ty}}}}}}}\n"
            )
        };
        let widget =
            "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\nspec: {size: big}\n";
        let violations = |ws: &Workspace| {
            let c = linter.workspace_context(ws);
            let r = linter
                .lint_workspace_file(&c, &root.join("w.yaml"), widget, &AtomicBool::new(false))
                .unwrap();
            rules(&r).into_iter().filter(|(r, _)| r == "schema-violation").count()
        };
        ws.set_text(&root.join("crd.yaml"), crd("integer"));
        assert_eq!(violations(&ws), 1);
        ws.set_text(&root.join("crd.yaml"), crd("string"));
        assert_eq!(violations(&ws), 0);
        ws.set_text(&root.join("crd.yaml"), String::new());
        ws.set_text(&root.join("crd.yaml"), crd("integer"));
        assert_eq!(violations(&ws), 1);
        ws.set_text(&root.join("crd.yaml"), String::new());

        // An unsaved buffer replaces the file's objects, a renamed object included.
        ws.set_text(
            &root.join("deploy.yaml"),
            DEPLOYMENT.replace("name: web,", "name: web2,"),
        );
        let c = linter.workspace_context(&ws);
        let names: Vec<_> = objects(&c).into_iter().map(|(_, k, n)| (k, n.unwrap())).collect();
        assert_eq!(
            names,
            [("Deployment".into(), "web2".into()), ("Service".into(), "web".into())]
        );
        assert!(!quiet(&c, SERVICE).iter().any(|(r, _)| r == "service-selects-nothing"));
    }

    #[test]
    fn the_linted_file_replaces_its_own_objects_in_the_context() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let app = DEPLOYMENT.replace("spec:\n  selector", "spec:\n  replicas: 2\n  selector");
        let pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: shop}\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app: web}}\n";
        std::fs::write(root.join("app.yaml"), format!("{app}---\n{pdb}")).unwrap();
        std::fs::write(root.join("svc.yaml"), SERVICE).unwrap();
        let linter = Linter::new(Config::default()).unwrap();
        let ws = linter.load_workspace(std::slice::from_ref(&root)).unwrap();
        let c = linter.workspace_context(&ws);
        let lint = |text: &str| {
            let r = linter
                .lint_workspace_file(&c, &root.join("app.yaml"), text, &AtomicBool::new(false))
                .unwrap();
            rules(&r)
        };
        assert!(
            !lint(&format!("{app}---\n{pdb}"))
                .iter()
                .any(|(r, _)| r == "pdb-missing")
        );
        // The buffer without the PDB: the one still on disk is not seen.
        assert!(lint(&app).iter().any(|(r, _)| r == "pdb-missing"), "{:?}", lint(&app));
        // Another file's objects are: the Service selects the buffer's Deployment.
        let r = linter
            .lint_workspace_file(&c, &root.join("svc.yaml"), SERVICE, &AtomicBool::new(false))
            .unwrap();
        assert!(!rules(&r).iter().any(|(r, _)| r == "service-selects-nothing"));
        let cancel = AtomicBool::new(true);
        assert!(
            linter
                .lint_workspace_file(&c, &root.join("svc.yaml"), SERVICE, &cancel)
                .is_err()
        );
    }
}
