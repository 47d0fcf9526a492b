//! `latest-tag`: A container image uses the `latest` tag or no tag.

use super::common::{each_image, is_mutable};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "latest-tag",
    family: Family::Images,
    title: "A container image uses the `latest` tag or no tag",
    rationale: "`latest` (which is also what no tag means) names whatever was pushed last: two nodes can run different code under one spec, a rollback does not roll back, and nobody can tell from the manifest what is running.",
    default_reason: "Warning: `latest` (or no tag) makes deployments unrepeatable and rollbacks meaningless; a reviewer asks for a version.",
    remediation: "Pin the image to a version tag (`nginx:1.27.2`) or, better, a digest (`nginx@sha256:...`).",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:latest\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
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
