//! `image-registry-not-allowed`: a container image comes from a registry that is not on
//! the configured allow-list.

use crate::rules::prelude::*;

use super::common::each_image;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "image-registry-not-allowed",
    family: Family::Images,
    severity: Severity::Warning,
    enabled: false,
    kinds: &[WORKLOADS],
    title: "A container image is pulled from a registry outside the allow-list",
    rationale: "Images from registries you do not control (or mirror) skip your scanning, signing and retention policies, and a typo in a registry or organisation name pulls someone else's image. An allow-list of registries, or of registry paths such as `ghcr.io/my-org`, keeps every container (init and ephemeral ones too) on images you vouch for.",
    remediation: "Pull the image from an allowed registry (mirror it there if needed), or add its registry or registry path to `rules.image-registry-not-allowed.params.allowedRegistries`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example.com/mirror/nginx:1.27.2\n",
    params: &[ParamInfo {
        name: "allowedRegistries",
        ty: ParamType::StringList,
        description: "Allowed registries (`registry.example.com`, `localhost:5000`) or registry paths (`ghcr.io/my-org`), matched on a path boundary: `ghcr.io/my-org` allows `ghcr.io/my-org/app` but not `ghcr.io/my-org-fork/app`. Images without a registry are Docker Hub's: `docker.io`, and `docker.io/library` for official images such as `nginx`. While the list is empty the rule reports nothing.",
        default: "[]",
    }],
    example_config: "params:\n  allowedRegistries: [registry.example.com]\n",
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let allowed: Vec<&str> = cx
        .param("allowedRegistries")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str())
                .map(|s| s.trim_end_matches('/'))
                .collect()
        })
        .unwrap_or_default();
    if allowed.is_empty() {
        return;
    }
    let list = allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
    let mut found = Vec::new();
    each_image(object, |c, image| {
        let r = ImageRef::parse(image);
        if !allowed.iter().any(|a| is_allowed(&r, a)) {
            found.push((
                c.field("image"),
                format!(
                    "{} uses image `{image}` from registry `{}`, which is not allowed (allowedRegistries: {list})",
                    c.describe(),
                    r.registry
                ),
            ));
        }
    });
    for (pointer, message) in found {
        cx.report(&pointer, At::Value, message);
    }
}

/// Whether `entry` (a registry, or a registry and a path prefix) allows the image.
fn is_allowed(image: &ImageRef<'_>, entry: &str) -> bool {
    let repository = if image.registry == "docker.io" && !image.repository.contains('/') {
        format!("library/{}", image.repository)
    } else {
        image.repository.to_string()
    };
    let full = format!("{}/{repository}", image.registry);
    entry == image.registry || full == entry || full.starts_with(&format!("{entry}/"))
}
