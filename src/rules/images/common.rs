//! Images: tags, pull policies, digests and registries.
//!
//! Helpers shared by the rules of this family (not a rule: never registered).

use crate::rules::prelude::*;

pub(crate) fn each_image(object: &Object, mut f: impl FnMut(&Container<'_>, &str)) {
    let Some((_, containers)) = crate::rules::containers(object) else {
        return;
    };
    for c in &containers {
        if let Some(image) = c.node.get("image").and_then(Node::as_str) {
            f(c, image);
        }
    }
}

pub(crate) fn is_mutable(r: &ImageRef<'_>) -> bool {
    r.digest.is_none() && matches!(r.tag, None | Some("latest"))
}
