//! Image rules.

use super::{At, Context, Family, Rule, RuleInfo};
use crate::finding::Severity;
use crate::model::{ImageRef, Inventory, Object};
use crate::source::Node;

/// `latest-tag`: an image with `:latest` or no tag at all.
pub struct LatestTag;

pub static LATEST_TAG: RuleInfo = RuleInfo {
    id: "latest-tag",
    family: Family::Images,
    severity: Severity::Warning,
    enabled: true,
    title: "A container image uses the `latest` tag or no tag",
    rationale: "`latest` (which is also what no tag means) names whatever was pushed last: two nodes can run different code under one spec, a rollback does not roll back, and nobody can tell from the manifest what is running.",
    remediation: "Pin the image to a version tag (`nginx:1.27.2`) or, better, a digest (`nginx@sha256:...`).",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:latest\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    params: &[],
    security_severity: None,
};

impl Rule for LatestTag {
    fn info(&self) -> &'static RuleInfo {
        &LATEST_TAG
    }

    fn check(&self, object: &Object, _: &Inventory, cx: &mut Context<'_>) {
        let Some(template) = object.pod_template() else { return };
        for c in template.containers() {
            let Some(image) = c.node.get("image").and_then(Node::as_str) else {
                continue;
            };
            let r = ImageRef::parse(image);
            if r.digest.is_some() {
                continue;
            }
            match r.tag {
                Some("latest") => cx.report(
                    &c.field("image"),
                    At::Value,
                    format!("{} uses image `{image}` with the mutable `latest` tag", c.describe()),
                ),
                None => cx.report(
                    &c.field("image"),
                    At::Value,
                    format!(
                        "{} uses image `{image}` without a tag, which means `latest`",
                        c.describe()
                    ),
                ),
                Some(_) => {}
            }
        }
    }
}
