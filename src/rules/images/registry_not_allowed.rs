//! `registry-not-allowed`: An image comes from a registry that is not allowed.

use super::common::each_image;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "registry-not-allowed",
    family: Family::Images,
    severity: Severity::Error,
    enabled: false,
    title: "An image comes from a registry that is not allowed",
    rationale: "Pulling only from registries you control (or mirror) keeps unscanned and typo-squatted images out of the cluster.",
    default_reason: "Off by default: it needs the team's list of registries; when configured, an image from elsewhere is a policy breach (error).",
    remediation: "Use an image from an allowed registry, or add the registry to `rules.registry-not-allowed.params.registries`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: docker.io/library/nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example.com/library/nginx:1.27.2\n",
    params: &[ParamInfo {
        name: "registries",
        ty: ParamType::StringList,
        description: "Allowed registries or registry/repository prefixes, e.g. `registry.example.com` or `ghcr.io/my-org/`. With the rule on and this list empty, every image is reported.",
        default: "[]",
    }],
    example_config: "params:\n  registries: [registry.example.com]\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
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
