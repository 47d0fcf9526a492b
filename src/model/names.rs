//! Name syntax as the API server checks it (apimachinery's `validation` package): names
//! (DNS-1123 subdomain, DNS-1123 label or path segment, depending on the kind), namespaces,
//! label keys and values, annotation keys and their total size. Shared by the schema
//! stage (`invalid-metadata`) and the `api` rules.

/// Why a value is invalid, or `None`.
pub type Verdict = Option<String>;

fn is_alnum_lower(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// RFC 1123 label: at most 63 characters, `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
pub fn dns1123_label(s: &str) -> Verdict {
    if s.is_empty() || s.len() > 63 {
        return Some(format!("must be 1 to 63 characters (is {})", s.len()));
    }
    let ok = s.chars().all(|c| is_alnum_lower(c) || c == '-')
        && s.starts_with(is_alnum_lower)
        && s.ends_with(is_alnum_lower);
    (!ok).then(|| "must consist of lower case letters, digits and '-', and start and end with a letter or digit".into())
}

/// RFC 1123 subdomain: at most 253 characters, dot-separated labels.
pub fn dns1123_subdomain(s: &str) -> Verdict {
    if s.is_empty() || s.len() > 253 {
        return Some(format!("must be 1 to 253 characters (is {})", s.len()));
    }
    let ok = s.chars().all(|c| is_alnum_lower(c) || c == '-' || c == '.')
        && s.split('.')
            .all(|l| !l.is_empty() && l.starts_with(is_alnum_lower) && l.ends_with(is_alnum_lower));
    (!ok).then(|| {
        "must consist of lower case letters, digits, '-' and '.', and start and end with a letter or digit".into()
    })
}

/// Names of RBAC objects: anything but `.`, `..`, or text with `/` or `%`.
pub fn path_segment(s: &str) -> Verdict {
    if s.is_empty() || s == "." || s == ".." {
        return Some("may not be empty, `.` or `..`".into());
    }
    (s.contains('/') || s.contains('%')).then(|| "may not contain '/' or '%'".into())
}

fn qualified_name_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// A label or annotation key: `[prefix/]name`, prefix a DNS subdomain, name at most 63
/// characters of `[A-Za-z0-9._-]`, starting and ending alphanumeric.
pub fn qualified_name(key: &str) -> Verdict {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix
        && let Some(why) = dns1123_subdomain(p)
    {
        return Some(format!("its prefix `{p}` {why}"));
    }
    (!qualified_name_part(name)).then(|| {
        "its name part must be 1 to 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit".into()
    })
}

/// A label value: empty, or at most 63 characters like a key's name part.
pub fn label_value(v: &str) -> Verdict {
    (!v.is_empty() && !qualified_name_part(v)).then(|| {
        "must be empty or 1 to 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit".into()
    })
}

/// How a kind's names are validated.
pub fn name_rule(group: &str, kind: &str) -> fn(&str) -> Verdict {
    match (group, kind) {
        ("", "Namespace" | "Service") => dns1123_label,
        ("rbac.authorization.k8s.io", _) => path_segment,
        _ => dns1123_subdomain,
    }
}

/// The largest total size of an object's annotations (keys and values).
pub const ANNOTATIONS_MAX_BYTES: usize = 256 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(dns1123_subdomain("web-1.example").is_none());
        assert!(dns1123_subdomain("Web").is_some());
        assert!(dns1123_subdomain("-web").is_some());
        assert!(dns1123_subdomain("a..b").is_some());
        assert!(dns1123_label("web.1").is_some());
        assert!(dns1123_label(&"a".repeat(64)).is_some());
        assert!(path_segment("system:controller:x").is_none());
        assert!(path_segment("a/b").is_some());
    }

    #[test]
    fn labels_and_annotations() {
        assert!(qualified_name("app.kubernetes.io/name").is_none());
        assert!(qualified_name("Team_Name").is_none());
        assert!(qualified_name("example.com/").is_some());
        assert!(qualified_name("Example.com/x").is_some());
        assert!(qualified_name("a/b/c").is_some());
        assert!(label_value("").is_none());
        assert!(label_value("v1.2.3").is_none());
        assert!(label_value("has space").is_some());
        assert!(label_value(&"x".repeat(64)).is_some());
    }
}
