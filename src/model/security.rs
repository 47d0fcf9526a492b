//! The security context a container effectively runs with: its own `securityContext`,
//! falling back to the pod's for the fields both levels have.

use super::workload::{Container, PodTemplate};
use crate::load::Node;

/// A value and the pointer it was read from.
#[derive(Clone, Copy, Debug)]
pub struct Setting<'a> {
    pub node: &'a Node,
    /// Whether it came from the pod's `securityContext` rather than the container's.
    pub from_pod: bool,
}

/// Fields both `PodSecurityContext` and `SecurityContext` have.
const SHARED: [&str; 7] = [
    "appArmorProfile",
    "runAsNonRoot",
    "runAsUser",
    "runAsGroup",
    "seccompProfile",
    "seLinuxOptions",
    "windowsOptions",
];

pub struct SecurityView<'a> {
    pub pod: Option<&'a Node>,
    pub container: Option<&'a Node>,
    pod_pointer: String,
    container_pointer: String,
}

impl<'a> SecurityView<'a> {
    pub fn new(template: &PodTemplate<'a>, container: &Container<'a>) -> SecurityView<'a> {
        SecurityView {
            pod: template.spec.and_then(|s| s.get("securityContext")),
            container: container.node.get("securityContext"),
            pod_pointer: format!("{}/securityContext", template.spec_pointer()),
            container_pointer: container.field("securityContext"),
        }
    }

    /// The effective value of `field` (a pointer below `securityContext`, e.g.
    /// `seccompProfile/type`): the container's, else the pod's when the pod level has it.
    pub fn get(&self, field: &str) -> Option<Setting<'a>> {
        let pointer = format!("/{field}");
        if let Some(node) = self.container.and_then(|c| c.pointer(&pointer)) {
            return Some(Setting { node, from_pod: false });
        }
        let top = field.split('/').next().unwrap_or(field);
        if SHARED.contains(&top) {
            return self
                .pod
                .and_then(|p| p.pointer(&pointer))
                .map(|node| Setting { node, from_pod: true });
        }
        None
    }

    /// The pointer (within the object) of the pod's `securityContext` (`from_pod`) or the
    /// container's, whether it is written or not.
    pub fn context_pointer(&self, from_pod: bool) -> &str {
        if from_pod {
            &self.pod_pointer
        } else {
            &self.container_pointer
        }
    }

    /// The pointer (within the object) of a setting found by [`SecurityView::get`].
    pub fn pointer(&self, field: &str, setting: &Setting<'_>) -> String {
        let base = if setting.from_pod {
            &self.pod_pointer
        } else {
            &self.container_pointer
        };
        format!("{base}/{field}")
    }
}
