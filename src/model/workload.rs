//! The pod template inside a workload, and its containers.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use super::{Object, StringMap, string_map};
use crate::load::Node;

pub use crate::vocab::rule::pod_template_pointer;

/// Where a workload kind beyond the built-in ones keeps its pod template: the config's
/// `podTemplates` entries (every version of the group and kind).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TemplatePath {
    /// API group (`""` for the core group).
    pub group: String,
    /// `kind`.
    pub kind: String,
    /// JSON pointer of the `PodTemplateSpec` in the object (`/spec/template`).
    pub pointer: &'static str,
}

impl TemplatePath {
    /// The pod template of `group` `kind` (any version) is at `pointer`.
    pub fn new(group: &str, kind: &str, pointer: &str) -> TemplatePath {
        TemplatePath {
            group: group.to_string(),
            kind: kind.to_string(),
            pointer: intern(pointer),
        }
    }
}

/// A pointer kept for the life of the process: findings and templates refer to it as
/// `&'static str` like the built-in ones. Each distinct pointer is stored once, so a
/// process that reads many configs holds each path a single time.
fn intern(pointer: &str) -> &'static str {
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut seen = SEEN
        .get_or_init(Default::default)
        .lock()
        .expect("pointer interner lock");
    if let Some(p) = seen.get(pointer) {
        return p;
    }
    let p: &'static str = Box::leak(pointer.to_string().into_boxed_str());
    seen.insert(p);
    p
}

/// Where the pod template of `group` `kind` lives: the built-in workload kinds, then the
/// ecosystem ones (OpenShift `DeploymentConfig`, Argo `Rollout`), then `extra` (the
/// config's `podTemplates`).
pub fn template_pointer(group: &str, kind: &str, extra: &[TemplatePath]) -> Option<&'static str> {
    pod_template_pointer(group, kind)
        .or(match (group, kind) {
            ("apps.openshift.io", "DeploymentConfig") | ("argoproj.io", "Rollout") => Some("/spec/template"),
            _ => None,
        })
        .or_else(|| {
            extra
                .iter()
                .find(|t| t.group == group && t.kind == kind)
                .map(|t| t.pointer)
        })
}

/// A workload's pod template: its metadata and spec, and where it sits in the object.
#[derive(Debug, Clone, Copy)]
pub struct PodTemplate<'a> {
    /// JSON pointer of the template within the object.
    pub pointer: &'static str,
    pub metadata: Option<&'a Node>,
    pub spec: Option<&'a Node>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    Init,
    App,
    Ephemeral,
}

impl ContainerKind {
    pub fn field(self) -> &'static str {
        match self {
            ContainerKind::Init => "initContainers",
            ContainerKind::App => "containers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }
}

/// One container of a pod template.
#[derive(Debug, Clone)]
pub struct Container<'a> {
    /// JSON pointer of the container within the object.
    pub pointer: String,
    pub node: &'a Node,
    pub kind: ContainerKind,
    pub name: Option<&'a str>,
}

impl<'a> PodTemplate<'a> {
    /// The template of a workload; `None` for other kinds and for workloads without one
    /// (an Argo Rollout that points at a Deployment with `workloadRef`).
    pub fn of(object: &'a Object) -> Option<PodTemplate<'a>> {
        let pointer = object.template?;
        let template = object.node().pointer(pointer)?;
        Some(PodTemplate {
            pointer,
            metadata: template.get("metadata"),
            spec: template.get("spec"),
        })
    }

    pub fn annotations(&self) -> StringMap {
        string_map(self.metadata.and_then(|m| m.get("annotations")))
    }

    /// JSON pointer of the pod spec within the object.
    pub fn spec_pointer(&self) -> String {
        format!("{}/spec", self.pointer)
    }

    /// Init, app and ephemeral containers, in that order.
    pub fn containers(&self) -> Vec<Container<'a>> {
        let mut out = Vec::new();
        let Some(spec) = self.spec else { return out };
        for kind in [ContainerKind::Init, ContainerKind::App, ContainerKind::Ephemeral] {
            let Some(items) = spec.get(kind.field()).and_then(Node::as_seq) else {
                continue;
            };
            for (i, node) in items.iter().enumerate() {
                out.push(Container {
                    pointer: format!("{}/spec/{}/{i}", self.pointer, kind.field()),
                    node,
                    kind,
                    name: node.get("name").and_then(Node::as_str),
                });
            }
        }
        out
    }
}

impl Container<'_> {
    /// Pointer to a field of this container.
    pub fn field(&self, name: &str) -> String {
        format!("{}/{name}", self.pointer)
    }

    /// How messages name the container: "container `web`" / "init container `setup`".
    pub fn describe(&self) -> String {
        let what = match self.kind {
            ContainerKind::Init => "init container",
            ContainerKind::App => "container",
            ContainerKind::Ephemeral => "ephemeral container",
        };
        match self.name {
            Some(n) => format!("{what} `{n}`"),
            None => format!("{what} #{}", self.pointer.rsplit('/').next().unwrap_or("?")),
        }
    }
}
