//! Images: tags, pull policies, digests and registries.

use super::{At, Context, Family, FnRule, ParamInfo, Rule, RuleInfo};
use crate::load::Node;
use crate::model::{Container, ImageRef, Inventory, Object};
use crate::vocab::Severity;

pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        FnRule::boxed(&LATEST_TAG, latest_tag),
        FnRule::boxed(&MUTABLE_TAG_PULL_POLICY, mutable_tag_pull_policy),
        FnRule::boxed(&IMAGE_NOT_PINNED, image_not_pinned),
        FnRule::boxed(&REGISTRY_NOT_ALLOWED, registry_not_allowed),
    ]
}

pub static LATEST_TAG: RuleInfo = RuleInfo {
    id: "latest-tag",
    family: Family::Images,
    title: "A container image uses the `latest` tag or no tag",
    rationale: "`latest` (which is also what no tag means) names whatever was pushed last: two nodes can run different code under one spec, a rollback does not roll back, and nobody can tell from the manifest what is running.",
    remediation: "Pin the image to a version tag (`nginx:1.27.2`) or, better, a digest (`nginx@sha256:...`).",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:latest\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    ..RuleInfo::BASE
};

pub static MUTABLE_TAG_PULL_POLICY: RuleInfo = RuleInfo {
    id: "mutable-tag-pull-policy",
    family: Family::Images,
    title: "An image with a mutable tag is not always pulled",
    rationale: "With `latest` (or no tag) and `imagePullPolicy: IfNotPresent` or `Never`, each node keeps whichever image it pulled first: pods of one workload run different code depending on their node.",
    remediation: "Pin the tag, or set `imagePullPolicy: Always` (the default for `latest`, so removing the field also works).",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example.com/web:latest\n      imagePullPolicy: IfNotPresent\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example.com/web:2.4.1\n      imagePullPolicy: IfNotPresent\n",
    ..RuleInfo::BASE
};

pub static IMAGE_NOT_PINNED: RuleInfo = RuleInfo {
    id: "image-not-pinned",
    family: Family::Images,
    severity: Severity::Info,
    enabled: false,
    title: "An image is not pinned by digest",
    rationale: "Tags can be moved: only a digest (`@sha256:...`) guarantees that the image that was reviewed and scanned is the one that runs.",
    remediation: "Reference the image by digest (`nginx:1.27.2@sha256:...`), e.g. with a tool that resolves and updates digests.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2@sha256:0f0b8d3a5cbb3d9c6a1f5b1e4b38ff1d27c03b1fd8ab7e0a5b8e2b3d4c5f6a7b\n",
    ..RuleInfo::BASE
};

pub static REGISTRY_NOT_ALLOWED: RuleInfo = RuleInfo {
    id: "registry-not-allowed",
    family: Family::Images,
    severity: Severity::Error,
    enabled: false,
    title: "An image comes from a registry that is not allowed",
    rationale: "Pulling only from registries you control (or mirror) keeps unscanned and typo-squatted images out of the cluster.",
    remediation: "Use an image from an allowed registry, or add the registry to `rules.registry-not-allowed.params.registries`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: docker.io/library/nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example.com/library/nginx:1.27.2\n",
    params: &[ParamInfo {
        name: "registries",
        description: "Allowed registries or registry/repository prefixes, e.g. `registry.example.com` or `ghcr.io/my-org/`. With the rule on and this list empty, every image is reported.",
        default: "[]",
    }],
    example_config: "params:\n  registries: [registry.example.com]\n",
    ..RuleInfo::BASE
};

fn each_image(object: &Object, mut f: impl FnMut(&Container<'_>, &str)) {
    let Some((_, containers)) = super::containers(object) else {
        return;
    };
    for c in &containers {
        if let Some(image) = c.node.get("image").and_then(Node::as_str) {
            f(c, image);
        }
    }
}

fn is_mutable(r: &ImageRef<'_>) -> bool {
    r.digest.is_none() && matches!(r.tag, None | Some("latest"))
}

fn latest_tag(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_image(object, |c, image| {
        let r = ImageRef::parse(image);
        if !is_mutable(&r) {
            return;
        }
        let message = match r.tag {
            Some(_) => format!("{} uses image `{image}` with the mutable `latest` tag", c.describe()),
            None => format!(
                "{} uses image `{image}` without a tag, which means `latest`",
                c.describe()
            ),
        };
        cx.report(&c.field("image"), At::Value, message);
    });
}

fn mutable_tag_pull_policy(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_image(object, |c, image| {
        if !is_mutable(&ImageRef::parse(image)) {
            return;
        }
        if let Some(policy) = c.node.get("imagePullPolicy").and_then(Node::as_str)
            && policy != "Always"
        {
            cx.report(
                &c.field("imagePullPolicy"),
                At::Value,
                format!(
                    "{} pulls the mutable image `{image}` with `imagePullPolicy: {policy}`",
                    c.describe()
                ),
            );
        }
    });
}

fn image_not_pinned(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_image(object, |c, image| {
        if ImageRef::parse(image).digest.is_none() {
            cx.report(
                &c.field("image"),
                At::Value,
                format!("{} uses image `{image}` without a digest", c.describe()),
            );
        }
    });
}

fn registry_not_allowed(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let allowed: Vec<String> = cx
        .param("registries")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    each_image(object, |c, image| {
        let r = ImageRef::parse(image);
        let full = format!("{}/{}", r.registry, r.repository);
        let ok = allowed.iter().any(|a| {
            let a = a.trim_end_matches('/');
            r.registry == a || full == a || full.starts_with(&format!("{a}/"))
        });
        if !ok {
            cx.report(
                &c.field("image"),
                At::Value,
                format!(
                    "{} uses image `{image}` from `{}`, which is not an allowed registry",
                    c.describe(),
                    r.registry
                ),
            );
        }
    });
}
