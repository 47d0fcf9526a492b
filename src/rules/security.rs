//! Security: the Pod Security Standards (baseline and restricted), reported per container
//! with the effective value (the container's setting, else the pod's).

use super::{At, Context, Family, FnRule, Rule, RuleInfo};
use crate::load::Node;
use crate::model::{Inventory, Object, SecurityView};
use crate::vocab::Severity;

pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        FnRule::boxed(&PRIVILEGED_CONTAINER, privileged_container),
        FnRule::boxed(&PRIVILEGE_ESCALATION_ALLOWED, privilege_escalation_allowed),
        FnRule::boxed(&RUN_AS_NON_ROOT_MISSING, run_as_non_root_missing),
        FnRule::boxed(&RUN_AS_ROOT_USER, run_as_root_user),
        FnRule::boxed(&WRITABLE_ROOT_FILESYSTEM, writable_root_filesystem),
        FnRule::boxed(&DANGEROUS_CAPABILITIES, dangerous_capabilities),
        FnRule::boxed(&CAPABILITIES_NOT_DROPPED, capabilities_not_dropped),
        FnRule::boxed(&HOST_NETWORK, |o, _, cx| host_namespace(o, cx, "hostNetwork")),
        FnRule::boxed(&HOST_PID, |o, _, cx| host_namespace(o, cx, "hostPID")),
        FnRule::boxed(&HOST_IPC, |o, _, cx| host_namespace(o, cx, "hostIPC")),
        FnRule::boxed(&HOST_PATH_VOLUME, |o, _, cx| host_path(o, cx, false)),
        FnRule::boxed(&SENSITIVE_HOST_PATH, |o, _, cx| host_path(o, cx, true)),
        FnRule::boxed(&HOST_PORT, host_port),
        FnRule::boxed(&SECCOMP_PROFILE_MISSING, seccomp_profile_missing),
        FnRule::boxed(&UNMASKED_PROC_MOUNT, unmasked_proc_mount),
        FnRule::boxed(&UNSAFE_SYSCTLS, unsafe_sysctls),
        FnRule::boxed(&SERVICE_ACCOUNT_TOKEN_MOUNTED, service_account_token_mounted),
        FnRule::boxed(&DEFAULT_SERVICE_ACCOUNT, default_service_account),
    ]
}

/// A pod that passes the restricted profile; examples edit it.
const RESTRICTED: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccountName: web\n  automountServiceAccountToken: false\n  securityContext:\n    runAsNonRoot: true\n    seccompProfile: {type: RuntimeDefault}\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      securityContext:\n        allowPrivilegeEscalation: false\n        readOnlyRootFilesystem: true\n        capabilities:\n          drop: [ALL]\n";
const BARE: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n";

pub static PRIVILEGED_CONTAINER: RuleInfo = RuleInfo {
    id: "privileged-container",
    family: Family::Security,
    severity: Severity::Error,
    title: "A container runs privileged",
    rationale: "A privileged container has every capability and sees the host's devices: escaping to the node is one command away, and the Pod Security Standards forbid it from the baseline level up.",
    remediation: "Remove `privileged: true`; grant the few capabilities the process needs with `securityContext.capabilities.add` instead.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tool\nspec:\n  containers:\n    - name: tool\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tool\nspec:\n  containers:\n    - name: tool\n      image: busybox:1.36\n      securityContext:\n        privileged: false\n",
    security_severity: Some("9.0"),
    ..RuleInfo::BASE
};

pub static PRIVILEGE_ESCALATION_ALLOWED: RuleInfo = RuleInfo {
    id: "privilege-escalation-allowed",
    family: Family::Security,
    title: "A container may gain more privileges than its parent process",
    rationale: "Unless `allowPrivilegeEscalation` is false, a setuid binary or file capability inside the image can raise the process's privileges; the restricted Pod Security Standard requires it to be false.",
    remediation: "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("6.0"),
    ..RuleInfo::BASE
};

pub static RUN_AS_NON_ROOT_MISSING: RuleInfo = RuleInfo {
    id: "run-as-non-root-missing",
    family: Family::Security,
    title: "A container may run as root",
    rationale: "With neither `runAsNonRoot: true` nor a non-zero `runAsUser` (on the container or the pod), the container runs as whatever user its image names, often root; a container breakout then starts as root on the node. The restricted standard requires non-root.",
    remediation: "Set `runAsNonRoot: true` in the pod's `securityContext` (and a numeric `runAsUser` if the image names a user by name).",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("6.0"),
    ..RuleInfo::BASE
};

pub static RUN_AS_ROOT_USER: RuleInfo = RuleInfo {
    id: "run-as-root-user",
    family: Family::Security,
    severity: Severity::Error,
    title: "A container is set to run as user 0 (root)",
    rationale: "`runAsUser: 0` runs the process as root explicitly; any escape from the container starts with root's privileges on the node.",
    remediation: "Run as a non-zero user (`runAsUser: 10001`) and set `runAsNonRoot: true`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsUser: 0\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsUser: 10001\n    runAsNonRoot: true\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    security_severity: Some("7.5"),
    ..RuleInfo::BASE
};

pub static WRITABLE_ROOT_FILESYSTEM: RuleInfo = RuleInfo {
    id: "writable-root-filesystem",
    family: Family::Security,
    title: "A container's root filesystem is writable",
    rationale: "A writable root filesystem lets an attacker who gets code execution drop tools and persist changes inside the container; a read-only one confines writes to the volumes you declare.",
    remediation: "Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` where the application must write (e.g. `/tmp`).",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("4.0"),
    ..RuleInfo::BASE
};

pub static DANGEROUS_CAPABILITIES: RuleInfo = RuleInfo {
    id: "dangerous-capabilities",
    family: Family::Security,
    severity: Severity::Error,
    title: "A container adds Linux capabilities beyond the baseline set",
    rationale: "Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE or ALL give a container most of root's power over the node's kernel; the baseline Pod Security Standard allows only a small default set to be added.",
    remediation: "Remove the capability from `securityContext.capabilities.add`; if the workload truly needs it, isolate it and suppress this rule for that object with a reason.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: net\nspec:\n  containers:\n    - name: net\n      image: busybox:1.36\n      securityContext:\n        capabilities:\n          add: [NET_ADMIN, SYS_ADMIN]\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: net\nspec:\n  containers:\n    - name: net\n      image: busybox:1.36\n      securityContext:\n        capabilities:\n          drop: [ALL]\n          add: [NET_BIND_SERVICE]\n",
    security_severity: Some("8.0"),
    ..RuleInfo::BASE
};

pub static CAPABILITIES_NOT_DROPPED: RuleInfo = RuleInfo {
    id: "capabilities-not-dropped",
    family: Family::Security,
    title: "A container does not drop all Linux capabilities",
    rationale: "Container runtimes grant a default set of capabilities (CHOWN, SETUID, NET_RAW, ...) that most applications never use; the restricted Pod Security Standard requires dropping ALL and adding back only NET_BIND_SERVICE if needed.",
    remediation: "Set `securityContext.capabilities.drop: [ALL]`.",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("4.0"),
    ..RuleInfo::BASE
};

pub static HOST_NETWORK: RuleInfo = RuleInfo {
    id: "host-network",
    family: Family::Security,
    severity: Severity::Error,
    title: "A pod uses the host's network namespace",
    rationale: "With `hostNetwork: true` the pod sees every interface of the node, can bind its ports and reach services listening on localhost, bypassing NetworkPolicies.",
    remediation: "Remove `hostNetwork: true`; expose the pod through a Service instead.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostNetwork: true\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: BARE,
    security_severity: Some("8.0"),
    ..RuleInfo::BASE
};

pub static HOST_PID: RuleInfo = RuleInfo {
    id: "host-pid",
    family: Family::Security,
    severity: Severity::Error,
    title: "A pod shares the host's process namespace",
    rationale: "With `hostPID: true` the pod sees (and, as root, can signal or trace) every process on the node, including other pods' processes and their environment.",
    remediation: "Remove `hostPID: true`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostPID: true\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: BARE,
    security_severity: Some("8.0"),
    ..RuleInfo::BASE
};

pub static HOST_IPC: RuleInfo = RuleInfo {
    id: "host-ipc",
    family: Family::Security,
    severity: Severity::Error,
    title: "A pod shares the host's IPC namespace",
    rationale: "With `hostIPC: true` the pod can read and write the shared memory of every process on the node.",
    remediation: "Remove `hostIPC: true`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostIPC: true\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: BARE,
    security_severity: Some("7.0"),
    ..RuleInfo::BASE
};

pub static HOST_PATH_VOLUME: RuleInfo = RuleInfo {
    id: "host-path-volume",
    family: Family::Security,
    title: "A pod mounts a directory of the node (hostPath)",
    rationale: "A hostPath volume ties the pod to one node's filesystem and, if writable, lets it change files the node and other pods rely on; the baseline Pod Security Standard forbids hostPath volumes.",
    remediation: "Use a PersistentVolumeClaim, a ConfigMap/Secret, or an `emptyDir` instead; node agents that need host files should be reviewed and suppressed with a reason.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: logs\nspec:\n  containers:\n    - name: logs\n      image: busybox:1.36\n  volumes:\n    - name: data\n      hostPath: {path: /data/logs}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: logs\nspec:\n  containers:\n    - name: logs\n      image: busybox:1.36\n  volumes:\n    - name: data\n      emptyDir: {}\n",
    security_severity: Some("5.0"),
    ..RuleInfo::BASE
};

pub static SENSITIVE_HOST_PATH: RuleInfo = RuleInfo {
    id: "sensitive-host-path",
    family: Family::Security,
    severity: Severity::Error,
    title: "A pod mounts a sensitive path of the node",
    rationale: "Mounting the container runtime's socket (docker.sock, containerd.sock), `/`, `/etc`, `/proc`, `/sys`, `/var/lib/kubelet` or similar paths gives the pod control of the node: it can start privileged containers or read every secret on it.",
    remediation: "Remove the hostPath volume; if a node agent truly needs it, run it in a dedicated namespace and suppress this rule for it with a reason.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  containers:\n    - name: builder\n      image: docker:27.3\n  volumes:\n    - name: docker\n      hostPath: {path: /var/run/docker.sock}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  containers:\n    - name: builder\n      image: docker:27.3\n  volumes:\n    - name: work\n      emptyDir: {}\n",
    security_severity: Some("9.0"),
    ..RuleInfo::BASE
};

pub static HOST_PORT: RuleInfo = RuleInfo {
    id: "host-port",
    family: Family::Security,
    title: "A container binds a port on the node (hostPort)",
    rationale: "A hostPort exposes the container on the node's address outside any Service or NetworkPolicy, and limits scheduling to nodes where the port is free.",
    remediation: "Remove `hostPort` and expose the container through a Service.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      ports:\n        - {containerPort: 8080, hostPort: 80}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      ports:\n        - {containerPort: 8080}\n",
    security_severity: Some("5.0"),
    ..RuleInfo::BASE
};

pub static SECCOMP_PROFILE_MISSING: RuleInfo = RuleInfo {
    id: "seccomp-profile-missing",
    family: Family::Security,
    title: "A container runs without a seccomp profile",
    rationale: "Without a seccomp profile (or with `Unconfined`) every system call of the kernel is reachable from the container, including the rarely used ones behind most kernel escapes; the restricted standard requires `RuntimeDefault` or `Localhost`.",
    remediation: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod.",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("5.0"),
    ..RuleInfo::BASE
};

pub static UNMASKED_PROC_MOUNT: RuleInfo = RuleInfo {
    id: "unmasked-proc-mount",
    family: Family::Security,
    severity: Severity::Error,
    title: "A container unmasks /proc",
    rationale: "`procMount: Unmasked` removes the masking of sensitive `/proc` paths that the runtime applies by default; the baseline standard forbids it.",
    remediation: "Remove `procMount` or set it to `Default`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      securityContext:\n        procMount: Unmasked\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      securityContext:\n        procMount: Default\n",
    security_severity: Some("7.0"),
    ..RuleInfo::BASE
};

pub static UNSAFE_SYSCTLS: RuleInfo = RuleInfo {
    id: "unsafe-sysctls",
    family: Family::Security,
    severity: Severity::Error,
    title: "A pod sets a sysctl outside the safe set",
    rationale: "Only a few namespaced sysctls are safe to set per pod; the others affect the whole node (or other pods) and the baseline standard forbids them.",
    remediation: "Remove the sysctl, or tune the node instead. Safe sysctls: kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    sysctls:\n      - {name: kernel.msgmax, value: \"65536\"}\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    sysctls:\n      - {name: net.ipv4.tcp_syncookies, value: \"1\"}\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    security_severity: Some("6.0"),
    ..RuleInfo::BASE
};

pub static SERVICE_ACCOUNT_TOKEN_MOUNTED: RuleInfo = RuleInfo {
    id: "service-account-token-mounted",
    family: Family::Security,
    severity: Severity::Info,
    title: "A pod mounts its service account token without saying so",
    rationale: "Every pod gets an API token for its service account unless `automountServiceAccountToken: false`; an attacker in a pod that never talks to the API server can still use that token.",
    remediation: "Set `automountServiceAccountToken: false` on pods (or their service account) that do not call the Kubernetes API; set it to `true` explicitly on those that do.",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("3.0"),
    ..RuleInfo::BASE
};

pub static DEFAULT_SERVICE_ACCOUNT: RuleInfo = RuleInfo {
    id: "default-service-account",
    family: Family::Security,
    severity: Severity::Info,
    title: "A pod runs as its namespace's default service account",
    rationale: "Permissions granted to the `default` service account apply to every pod of the namespace that names no other; a dedicated service account per workload keeps grants least-privilege and auditable.",
    remediation: "Create a ServiceAccount for the workload and set `serviceAccountName`.",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("3.0"),
    ..RuleInfo::BASE
};

/// Capabilities the baseline Pod Security Standard allows to be added.
const BASELINE_CAPABILITIES: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

const SAFE_SYSCTLS: [&str; 10] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

/// Host paths (and their prefixes) that hand over the node.
const SENSITIVE_PATHS: [&str; 16] = [
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
fn each_container(object: &Object, mut f: impl FnMut(&crate::model::Container<'_>, &SecurityView<'_>)) {
    let Some((template, containers)) = super::containers(object) else {
        return;
    };
    for c in &containers {
        let view = SecurityView::new(&template, c);
        f(c, &view);
    }
}

fn privileged_container(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| {
        if let Some(s) = sc.get("privileged")
            && s.node.as_bool() == Some(true)
        {
            cx.report(
                &sc.pointer("privileged", &s),
                At::Value,
                format!("{} runs privileged", c.describe()),
            );
        }
    });
}

/// Reports a boolean setting that must be `want`: at the value when set otherwise, at
/// the container's name when unset.
fn require_bool(
    cx: &mut Context<'_>,
    c: &crate::model::Container<'_>,
    sc: &SecurityView<'_>,
    field: &str,
    want: bool,
    what: &str,
) {
    match sc.get(field) {
        Some(s) if s.node.as_bool() == Some(want) => {}
        Some(s) => cx.report(
            &sc.pointer(field, &s),
            At::Value,
            format!("{} {what} (`{field}` is not {want})", c.describe()),
        ),
        None => cx.report(
            &c.field("name"),
            At::Value,
            format!("{} {what} (`{field}: {want}` is not set)", c.describe()),
        ),
    }
}

fn privilege_escalation_allowed(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| {
        require_bool(
            cx,
            c,
            sc,
            "allowPrivilegeEscalation",
            false,
            "allows privilege escalation",
        );
    });
}

fn run_as_non_root_missing(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| {
        let user = sc.get("runAsUser").and_then(|s| s.node.as_i64());
        if user.is_some_and(|u| u >= 0) {
            return; // non-root by uid, or uid 0: `run-as-root-user`'s business
        }
        require_bool(cx, c, sc, "runAsNonRoot", true, "may run as root");
    });
}

fn run_as_root_user(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| {
        if let Some(s) = sc.get("runAsUser")
            && s.node.as_i64() == Some(0)
        {
            cx.report(
                &sc.pointer("runAsUser", &s),
                At::Value,
                format!("{} runs as user 0 (root)", c.describe()),
            );
        }
    });
}

fn writable_root_filesystem(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| {
        require_bool(
            cx,
            c,
            sc,
            "readOnlyRootFilesystem",
            true,
            "has a writable root filesystem",
        );
    });
}

fn capability_list<'a>(sc: &SecurityView<'a>, which: &str) -> Option<(crate::model::Setting<'a>, &'a [Node])> {
    let field = format!("capabilities/{which}");
    let s = sc.get(&field)?;
    Some((s, s.node.as_seq().unwrap_or_default()))
}

fn dangerous_capabilities(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| {
        let Some((s, added)) = capability_list(sc, "add") else {
            return;
        };
        for (i, cap) in added.iter().enumerate() {
            let Some(name) = cap.as_str() else { continue };
            let bare = name.trim_start_matches("CAP_");
            if !BASELINE_CAPABILITIES.contains(&bare) {
                cx.report(
                    &format!("{}/{i}", sc.pointer("capabilities/add", &s)),
                    At::Value,
                    format!("{} adds the capability {name}", c.describe()),
                );
            }
        }
    });
}

fn capabilities_not_dropped(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| match capability_list(sc, "drop") {
        Some((_, dropped)) if dropped.iter().any(|d| d.as_str() == Some("ALL")) => {}
        Some((s, _)) => cx.report(
            &sc.pointer("capabilities/drop", &s),
            At::Key,
            format!("{} does not drop ALL capabilities", c.describe()),
        ),
        None => cx.report(
            &c.field("name"),
            At::Value,
            format!(
                "{} does not drop ALL capabilities (`capabilities.drop: [ALL]` is not set)",
                c.describe()
            ),
        ),
    });
}

fn host_namespace(object: &Object, cx: &mut Context<'_>, field: &str) {
    let Some(t) = object.pod_template() else { return };
    if t.spec.and_then(|s| s.get(field)).and_then(Node::as_bool) == Some(true) {
        cx.report(
            &format!("{}/{field}", t.spec_pointer()),
            At::Value,
            format!("the pod sets `{field}: true`"),
        );
    }
}

fn is_sensitive(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    let path = if path.is_empty() { "/" } else { path };
    SENSITIVE_PATHS
        .iter()
        .any(|s| path == *s || (*s != "/" && path.starts_with(&format!("{s}/"))))
        || path.ends_with(".sock")
}

fn host_path(object: &Object, cx: &mut Context<'_>, sensitive: bool) {
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

fn host_port(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((_, containers)) = super::containers(object) else {
        return;
    };
    for c in containers {
        for (i, p) in c.node.seq_of("ports").iter().enumerate() {
            if let Some(port) = p.get("hostPort").and_then(Node::as_i64)
                && port != 0
            {
                cx.report(
                    &c.field(&format!("ports/{i}/hostPort")),
                    At::Value,
                    format!("{} binds host port {port}", c.describe()),
                );
            }
        }
    }
}

fn seccomp_profile_missing(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| match sc.get("seccompProfile/type") {
        Some(s) if matches!(s.node.as_str(), Some("RuntimeDefault" | "Localhost")) => {}
        Some(s) => cx.report(
            &sc.pointer("seccompProfile/type", &s),
            At::Value,
            format!(
                "{} runs with seccomp profile `{}`",
                c.describe(),
                s.node.as_str().unwrap_or("?")
            ),
        ),
        None => cx.report(
            &c.field("name"),
            At::Value,
            format!("{} has no seccomp profile", c.describe()),
        ),
    });
}

fn unmasked_proc_mount(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| {
        if let Some(s) = sc.get("procMount")
            && s.node.as_str() == Some("Unmasked")
        {
            cx.report(
                &sc.pointer("procMount", &s),
                At::Value,
                format!("{} unmasks /proc", c.describe()),
            );
        }
    });
}

fn unsafe_sysctls(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some(t) = object.pod_template() else { return };
    let Some(sysctls) = t
        .spec
        .and_then(|s| s.pointer("/securityContext/sysctls"))
        .and_then(Node::as_seq)
    else {
        return;
    };
    for (i, s) in sysctls.iter().enumerate() {
        let Some(name) = s.get("name").and_then(Node::as_str) else {
            continue;
        };
        if !SAFE_SYSCTLS.contains(&name) {
            cx.report(
                &format!("{}/securityContext/sysctls/{i}/name", t.spec_pointer()),
                At::Value,
                format!("the pod sets the unsafe sysctl `{name}`"),
            );
        }
    }
}

fn service_account_token_mounted(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some(t) = object.pod_template() else { return };
    if t.spec.and_then(|s| s.get("automountServiceAccountToken")).is_none() {
        let pointer = format!("{}/spec", t.pointer);
        cx.report(
            &pointer,
            At::Key,
            "the pod mounts a service account token (`automountServiceAccountToken` is not set)",
        );
    }
}

fn default_service_account(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some(t) = object.pod_template() else { return };
    let spec = t.spec;
    let account = spec.and_then(|s| s.get("serviceAccountName").or_else(|| s.get("serviceAccount")));
    match account.and_then(Node::as_str) {
        Some(name) if name != "default" => {}
        Some(_) => cx.report(
            &format!("{}/serviceAccountName", t.spec_pointer()),
            At::Value,
            "the pod runs as the `default` service account",
        ),
        None => cx.report(
            &format!("{}/spec", t.pointer),
            At::Key,
            "the pod runs as the `default` service account (`serviceAccountName` is not set)",
        ),
    }
}
