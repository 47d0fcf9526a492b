//! `credential-in-plain-text`: A ConfigMap, annotation or container argument holds a
//! credential (a private key or a provider token).

use super::common::{TEST_FOLDERS, names_a_secret, report_credential};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "credential-in-plain-text",
    family: Family::Hygiene,
    severity: Severity::Error,
    title: "A ConfigMap, annotation or container argument holds a private key or an access token",
    rationale: "A PEM private key or a provider token (AWS access key id, GitHub, Slack, Google API, Stripe live key) in a ConfigMap, an annotation, a container's arguments or an environment value is readable by everyone who can read the repository or the object (`kubectl get -o yaml`): Secrets exist so that RBAC guards such values. Recognised by their published formats, not by names, so findings are credentials, not guesses; the documented example keys (`…EXAMPLE`) are left alone. Environment variables whose names say they hold a secret are `secret-in-env`'s.",
    default_reason: "Error: a committed credential is leaked to everyone with the repository; it must be rotated, not only moved. In a test fixture (a file under a `testFolders` folder: `test/`, `tests/`, `testdata/`, `e2e/`) it is a warning: such credentials are throw-aways for a test cluster, as on the shared corpus's e2e suites.",
    remediation: "Rotate the credential, then keep it in a Secret (or an external secret store) and reference it (`secretKeyRef`, a mounted Secret volume).",
    example_bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deploy-keys\ndata:\n  id_rsa: |\n    -----BEGIN RSA PRIVATE KEY-----\n    MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n    -----END RSA PRIVATE KEY-----\n",
    example_good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deploy-keys\ndata:\n  known_hosts: |\n    github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n",
    security_severity: Some("8.0"),
    params: &[TEST_FOLDERS],
    example_config: "params:\n  testFolders: [test, tests, testdata, e2e, fixtures]\n",
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if object.is("", "Secret") {
        return;
    }
    if object.is("", "ConfigMap")
        && let Some(data) = object.node().get("data").and_then(Node::as_map)
    {
        for e in data {
            if let Some(kind) = e.value.as_str().and_then(credential) {
                let pointer = crate::load::node::pointer_push("/data", &e.key);
                report_credential(object, cx, &pointer, format!("ConfigMap key `{}` holds {kind}", e.key));
            }
        }
    }
    if let Some(annotations) = object.node().pointer("/metadata/annotations").and_then(Node::as_map) {
        for e in annotations {
            if let Some(kind) = e.value.as_str().and_then(credential) {
                let pointer = crate::load::node::pointer_push("/metadata/annotations", &e.key);
                report_credential(object, cx, &pointer, format!("annotation `{}` holds {kind}", e.key));
            }
        }
    }
    let Some((_, containers)) = crate::rules::containers(object) else {
        return;
    };
    for c in containers {
        for field in ["command", "args"] {
            for (i, arg) in c.node.seq_of(field).iter().enumerate() {
                if let Some(kind) = arg.as_str().and_then(credential) {
                    let message = format!("{} passes {kind} in `{field}`", c.describe());
                    report_credential(object, cx, &c.field(&format!("{field}/{i}")), message);
                }
            }
        }
        for (i, e) in c.node.seq_of("env").iter().enumerate() {
            let name = e.get("name").and_then(Node::as_str).unwrap_or("");
            if names_a_secret(name) {
                continue; // secret-in-env reports it
            }
            if let Some(kind) = e.get("value").and_then(Node::as_str).and_then(credential) {
                let message = format!("{} sets `{name}` to {kind}", c.describe());
                report_credential(object, cx, &c.field(&format!("env/{i}/value")), message);
            }
        }
    }
}

/// What kind of credential `text` holds, if it holds one in a published format.
fn credential(text: &str) -> Option<&'static str> {
    if text.contains("EXAMPLE") {
        return None;
    }
    if text.contains("-----BEGIN ") && text.contains("PRIVATE KEY-----") {
        return Some("a PEM private key");
    }
    let tokens = text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    for t in tokens {
        let rest = |prefix: &str| t.strip_prefix(prefix);
        let alnum = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_alphanumeric());
        if (rest("AKIA").or(rest("ASIA")))
            .is_some_and(|r| r.len() == 16 && r.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
        {
            return Some("an AWS access key id");
        }
        if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
            .iter()
            .any(|p| rest(p).is_some_and(|r| alnum(r, 36)))
            || rest("github_pat_").is_some_and(|r| r.len() >= 70)
        {
            return Some("a GitHub token");
        }
        if ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"]
            .iter()
            .any(|p| rest(p).is_some_and(|r| r.len() >= 20 && r.bytes().filter(u8::is_ascii_digit).count() >= 10))
        {
            return Some("a Slack token");
        }
        if rest("AIza").is_some_and(|r| r.len() == 35) {
            return Some("a Google API key");
        }
        if rest("sk_live_").is_some_and(|r| r.len() >= 24 && r.bytes().all(|b| b.is_ascii_alphanumeric())) {
            return Some("a Stripe live secret key");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::credential;

    #[test]
    fn published_formats_only() {
        assert_eq!(
            credential("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----"),
            Some("a PEM private key")
        );
        assert_eq!(
            credential("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"),
            None
        );
        assert_eq!(
            credential("aws_access_key_id = AKIAZ7Q3KX4M2N5P6R7T"),
            Some("an AWS access key id")
        );
        assert_eq!(credential("AKIAIOSFODNN7EXAMPLE"), None, "the documented example");
        assert_eq!(credential("akiaz7q3kx4m2n5p6r7t"), None);
        assert_eq!(
            credential("token=ghp_0123456789abcdefghijABCDEFGHIJ012345"),
            Some("a GitHub token")
        );
        assert_eq!(credential("ghp_short"), None);
        assert_eq!(
            credential("xoxb-1234567890-1234567890123-AbCdEfGhIjKl"),
            Some("a Slack token")
        );
        assert_eq!(
            credential("AIzaSyD-0123456789abcdefghijklmnopqrstu"),
            Some("a Google API key")
        );
        assert_eq!(
            credential("sk_live_0123456789abcdefABCDEF01"),
            Some("a Stripe live secret key")
        );
        assert_eq!(credential("sk_test_0123456789abcdefABCDEF01"), None);
        assert_eq!(
            credential("password: hunter2"),
            None,
            "names are secret-in-env's business"
        );
    }
}
