//! Availability: replicas, rollouts, spreading and autoscaling.
//!
//! Helpers shared by the rules of this family (not a rule: never registered).

use crate::rules::prelude::*;

pub(crate) const SPREAD: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      topologySpreadConstraints:\n        - maxSkew: 1\n          topologyKey: kubernetes.io/hostname\n          whenUnsatisfiable: ScheduleAnyway\n          labelSelector:\n            matchLabels: {app: web}\n      containers:\n        - name: web\n          image: nginx:1.27.2\n";

pub(crate) fn is_replicated(object: &Object) -> bool {
    object.is("apps", "Deployment") || object.is("apps", "StatefulSet")
}

pub(crate) fn hpa_spec(object: &Object) -> Option<&Node> {
    (object.group == "autoscaling" && object.kind == "HorizontalPodAutoscaler")
        .then(|| object.node().get("spec"))
        .flatten()
}
