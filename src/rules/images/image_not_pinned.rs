//! `image-not-pinned`: An image is not pinned by digest.

use super::common::each_image;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "image-not-pinned",
    family: Family::Images,
    severity: Severity::Info,
    enabled: false,
    title: "An image is not pinned by digest",
    rationale: "Tags can be moved: only a digest (`@sha256:...`) guarantees that the image that was reviewed and scanned is the one that runs.",
    default_reason: "Off by default: pinning by digest is best practice for supply-chain policy, but most teams pin by version tag; turn it on where policy requires digests.",
    remediation: "Reference the image by digest (`nginx:1.27.2@sha256:...`), e.g. with a tool that resolves and updates digests.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2@sha256:0f0b8d3a5cbb3d9c6a1f5b1e4b38ff1d27c03b1fd8ab7e0a5b8e2b3d4c5f6a7b\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
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
