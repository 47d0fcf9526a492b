//! `mutable-tag-pull-policy`: An image with a mutable tag is not always pulled.

use super::common::{each_image, is_mutable};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "mutable-tag-pull-policy",
    family: Family::Images,
    title: "An image with a mutable tag is not always pulled",
    rationale: "With `latest` (or no tag) and `imagePullPolicy: IfNotPresent` or `Never`, each node keeps whichever image it pulled first: pods of one workload run different code depending on their node.",
    default_reason: "Warning: a mutable tag with `IfNotPresent` runs different code on different nodes.",
    remediation: "Pin the tag, or set `imagePullPolicy: Always` (the default for `latest`, so removing the field also works).",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example.com/web:latest\n      imagePullPolicy: IfNotPresent\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example.com/web:2.4.1\n      imagePullPolicy: IfNotPresent\n",
    kinds: &[WORKLOADS],
    fixable: Some(Applicability::Unsafe),
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_image(object, |c, image| {
        if !is_mutable(&ImageRef::parse(image)) {
            return;
        }
        if let Some(policy) = c.node.get("imagePullPolicy").and_then(Node::as_str)
            && policy != "Always"
        {
            // The fix: `imagePullPolicy: Always` (the remediation's second way; pinning a tag
            // needs a version kubelint cannot know). Unsafe: an image loaded into the node
            // and never pushed (`kind load`, minikube) stops starting once it must be pulled.
            let fix = cx.fix("Set `imagePullPolicy: Always`", Applicability::Unsafe, |e| {
                e.replace(&c.field("imagePullPolicy"), NewValue::str("Always"))
            });
            cx.report_fix(
                &c.field("imagePullPolicy"),
                At::Value,
                format!(
                    "{} pulls the mutable image `{image}` with `imagePullPolicy: {policy}`",
                    c.describe()
                ),
                fix,
            );
        }
    });
}
