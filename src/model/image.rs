//! Container image references: `[registry/]repository[:tag][@digest]`.

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// The registry host (`docker.io` when none is written).
    pub registry: &'a str,
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub fn parse(image: &'a str) -> ImageRef<'a> {
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d)),
            None => (image, None),
        };
        let last_slash = rest.rfind('/');
        let (name, tag) = match rest.rfind(':') {
            Some(colon) if last_slash.is_none_or(|s| colon > s) => (&rest[..colon], Some(&rest[colon + 1..])),
            _ => (rest, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, repo)) if first.contains('.') || first.contains(':') || first == "localhost" => (first, repo),
            _ => ("docker.io", name),
        };
        ImageRef {
            registry,
            repository,
            tag,
            digest,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_registry_tag_digest() {
        let r = ImageRef::parse("registry.example.com:5000/team/app:1.2@sha256:abc");
        assert_eq!(r.registry, "registry.example.com:5000");
        assert_eq!(r.repository, "team/app");
        assert_eq!(r.tag, Some("1.2"));
        assert_eq!(r.digest, Some("sha256:abc"));
        let r = ImageRef::parse("nginx");
        assert_eq!((r.registry, r.repository, r.tag), ("docker.io", "nginx", None));
        let r = ImageRef::parse("localhost:5000/app");
        assert_eq!((r.registry, r.repository, r.tag), ("localhost:5000", "app", None));
        let r = ImageRef::parse("library/nginx:latest");
        assert_eq!(
            (r.registry, r.repository, r.tag),
            ("docker.io", "library/nginx", Some("latest"))
        );
    }
}
