//! Security: the Pod Security Standards (baseline and restricted), reported per container
//! with the effective value (the container's setting, else the pod's).
//!
//! Helpers shared by the rules of this family (not a rule: never registered).

use crate::rules::prelude::*;

/// A pod that passes the restricted profile; examples edit it.
pub(crate) const RESTRICTED: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccountName: web\n  automountServiceAccountToken: false\n  securityContext:\n    runAsNonRoot: true\n    seccompProfile: {type: RuntimeDefault}\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      securityContext:\n        allowPrivilegeEscalation: false\n        readOnlyRootFilesystem: true\n        capabilities:\n          drop: [ALL]\n";

pub(crate) const BARE: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n";

/// Host paths (and their prefixes) that hand over the node.
pub(crate) const SENSITIVE_PATHS: [&str; 16] = [
    "/",
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/root",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/etc/kubernetes",
];

/// Runs `f` for every container with its effective security context.
pub(crate) fn each_container(object: &Object, mut f: impl FnMut(&crate::model::Container<'_>, &SecurityView<'_>)) {
    let Some((template, containers)) = crate::rules::containers(object) else {
        return;
    };
    for c in &containers {
        let view = SecurityView::new(&template, c);
        f(c, &view);
    }
}

/// [`each_container`] without privileged containers: hardening a privileged container
/// field by field is moot (it has every capability and no seccomp filter whatever it says,
/// and the API server rejects `allowPrivilegeEscalation: false` beside `privileged: true`);
/// `privileged-container` reports it instead.
pub(crate) fn each_unprivileged_container(
    object: &Object,
    mut f: impl FnMut(&crate::model::Container<'_>, &SecurityView<'_>),
) {
    each_container(object, |c, sc| {
        if sc.get("privileged").and_then(|s| s.node.as_bool()) != Some(true) {
            f(c, sc);
        }
    });
}

/// How a [`require_bool`] finding is fixed: where the setting goes when it is unset (the
/// pod's `securityContext`, else the container's) and how safe adding it is. A value written
/// otherwise (`allowPrivilegeEscalation: true`) is replaced by an unsafe fix whatever
/// `applicability` says: someone chose it, maybe for a reason the manifest does not show.
pub(crate) struct BoolFix {
    /// Set it in the pod's `securityContext` (else the container's) when it is unset.
    pub on_pod: bool,
    /// How safe setting an unset value is.
    pub applicability: Applicability,
}

/// Reports a boolean setting that must be `want`: at the value when set otherwise, at
/// the container's name when unset; with a fix that sets it when `fix` says how.
pub(crate) fn require_bool(
    cx: &mut Context<'_>,
    c: &crate::model::Container<'_>,
    sc: &SecurityView<'_>,
    field: &str,
    want: bool,
    what: &str,
    fix: Option<BoolFix>,
) {
    let description = format!("Set `{field}: {want}`");
    match sc.get(field) {
        Some(s) if s.node.as_bool() == Some(want) => {}
        Some(s) => {
            let fix = fix.and_then(|_| {
                cx.fix(description, Applicability::Unsafe, |e| {
                    e.set(sc.context_pointer(s.from_pod), field, NewValue::Bool(want))
                })
            });
            cx.report_fix(
                &sc.pointer(field, &s),
                At::Value,
                format!("{} {what} (`{field}` is not {want})", c.describe()),
                fix,
            )
        }
        None => {
            let fix = fix.and_then(|f| {
                cx.fix(description, f.applicability, |e| {
                    e.set(sc.context_pointer(f.on_pod), field, NewValue::Bool(want))
                })
            });
            cx.report_fix(
                &c.field("name"),
                At::Value,
                format!("{} {what} (`{field}: {want}` is not set)", c.describe()),
                fix,
            )
        }
    }
}

pub(crate) fn capability_list<'a>(
    sc: &SecurityView<'a>,
    which: &str,
) -> Option<(crate::model::Setting<'a>, &'a [Node])> {
    let field = format!("capabilities/{which}");
    let s = sc.get(&field)?;
    Some((s, s.node.as_seq().unwrap_or_default()))
}

pub(crate) fn host_namespace(object: &Object, cx: &mut Context<'_>, field: &str) {
    let Some(t) = object.pod_template() else { return };
    if t.spec.and_then(|s| s.get(field)).and_then(Node::as_bool) == Some(true) {
        cx.report(
            &format!("{}/{field}", t.spec_pointer()),
            At::Value,
            format!("the pod sets `{field}: true`"),
        );
    }
}

/// Paths under the sensitive ones that give no control of the node: the public CA
/// bundles, the time zone, the machine id, and the syslog socket (log injection at most).
pub(crate) const BENIGN_PATHS: [&str; 7] = [
    "/etc/ssl/certs",
    "/etc/pki/tls/certs",
    "/etc/ca-certificates",
    "/etc/localtime",
    "/usr/share/zoneinfo",
    "/etc/machine-id",
    "/dev/log",
];

pub(crate) fn is_sensitive(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    let path = if path.is_empty() { "/" } else { path };
    if BENIGN_PATHS
        .iter()
        .any(|b| path == *b || path.starts_with(&format!("{b}/")))
    {
        return false;
    }
    SENSITIVE_PATHS
        .iter()
        .any(|s| path == *s || (*s != "/" && path.starts_with(&format!("{s}/"))))
        || path.ends_with(".sock")
}

pub(crate) fn host_path(object: &Object, cx: &mut Context<'_>, sensitive: bool) {
    let Some(t) = object.pod_template() else { return };
    let Some(volumes) = t.spec.and_then(|s| s.get("volumes")).and_then(Node::as_seq) else {
        return;
    };
    for (i, v) in volumes.iter().enumerate() {
        let Some(path) = v.pointer("/hostPath/path").and_then(Node::as_str) else {
            continue;
        };
        if is_sensitive(path) != sensitive {
            continue;
        }
        let name = v.get("name").and_then(Node::as_str).unwrap_or("?");
        let pointer = format!("{}/volumes/{i}/hostPath/path", t.spec_pointer());
        let message = if sensitive {
            format!("volume `{name}` mounts the node's sensitive path `{path}`")
        } else {
            format!("volume `{name}` mounts the node's directory `{path}` (hostPath)")
        };
        cx.report(&pointer, At::Value, message);
    }
}
