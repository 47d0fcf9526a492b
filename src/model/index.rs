//! The inventory: every object of the run, indexed for cross-object questions.

use std::collections::{HashMap, HashSet};

use super::selector::LabelSelector;
use super::{Object, builtin_cluster_scoped};
use crate::source::{Document, Node};

/// All objects of a run.
#[derive(Debug, Default)]
pub struct Inventory {
    pub objects: Vec<Object>,
    /// namespace -> indexes of objects with a pod template in it.
    pods_by_namespace: HashMap<String, Vec<usize>>,
    /// (kind, namespace or "", name) -> index.
    by_name: HashMap<(String, String, String), usize>,
    /// (group, kind) -> indexes.
    by_kind: HashMap<(String, String), Vec<usize>>,
    /// (group, kind, namespace or "") -> indexes.
    by_kind_namespace: HashMap<(String, String, String), Vec<usize>>,
    /// (namespace, label key, label value) of pod templates -> indexes: selector queries
    /// start from the smallest candidate list instead of every pod of the namespace.
    pod_labels: HashMap<(String, String, String), Vec<usize>>,
    /// Namespaces that some object lives in, or that a Namespace object defines.
    namespaces: std::collections::BTreeSet<String>,
}

impl Inventory {
    /// Builds the inventory. Objects without a namespace get `default_namespace`, unless
    /// their kind is cluster-scoped (built in, or declared so by a CRD among the documents).
    pub fn build(documents: Vec<Document>, default_namespace: &str) -> Inventory {
        let crd_cluster_kinds: HashSet<(String, String)> = documents
            .iter()
            .filter(|d| d.root.get("kind").and_then(Node::as_str) == Some("CustomResourceDefinition"))
            .filter(|d| d.root.pointer("/spec/scope").and_then(Node::as_str) == Some("Cluster"))
            .filter_map(|d| {
                let group = d.root.pointer("/spec/group")?.as_str()?;
                let kind = d.root.pointer("/spec/names/kind")?.as_str()?;
                Some((group.to_string(), kind.to_string()))
            })
            .collect();
        let cluster_scoped = |g: &str, k: &str| {
            builtin_cluster_scoped(g, k) || crd_cluster_kinds.contains(&(g.to_string(), k.to_string()))
        };
        let objects: Vec<Object> = documents
            .into_iter()
            .enumerate()
            .map(|(i, d)| Object {
                id: i,
                ..Object::new(d, default_namespace, cluster_scoped)
            })
            .collect();
        let mut inv = Inventory {
            objects,
            ..Inventory::default()
        };
        for (i, o) in inv.objects.iter().enumerate() {
            let ns = o.namespace.clone().unwrap_or_default();
            if o.pod_template().is_some() {
                for (k, v) in &o.pod_labels {
                    inv.pod_labels
                        .entry((ns.clone(), k.clone(), v.clone()))
                        .or_default()
                        .push(i);
                }
                inv.pods_by_namespace.entry(ns.clone()).or_default().push(i);
            }
            if let Some(n) = &o.namespace {
                inv.namespaces.insert(n.clone());
            }
            if o.is("", "Namespace")
                && let Some(name) = &o.name
            {
                inv.namespaces.insert(name.clone());
            }
            inv.by_kind_namespace
                .entry((o.group.clone(), o.kind.clone(), ns))
                .or_default()
                .push(i);
            inv.by_kind
                .entry((o.group.clone(), o.kind.clone()))
                .or_default()
                .push(i);
            if let Some(name) = &o.name {
                let key = (o.kind.clone(), o.namespace.clone().unwrap_or_default(), name.clone());
                inv.by_name.entry(key).or_insert(i);
            }
        }
        inv
    }

    /// Workloads (objects with a pod template) in `namespace` whose pod labels match.
    /// An empty selector selects every workload of the namespace.
    pub fn pods_selected<'a>(
        &'a self,
        namespace: &str,
        selector: &'a LabelSelector,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        use super::selector::Operator;
        // Start from the smallest list of pods that carry one of the required key=value pairs.
        let narrowest = selector
            .requirements
            .iter()
            .filter(|r| r.operator == Operator::In && r.values.len() == 1)
            .map(|r| {
                self.pod_labels
                    .get(&(namespace.to_string(), r.key.clone(), r.values[0].clone()))
                    .map(Vec::as_slice)
                    .unwrap_or_default()
            })
            .min_by_key(|c| c.len());
        let candidates = narrowest.unwrap_or_else(|| {
            self.pods_by_namespace
                .get(namespace)
                .map(Vec::as_slice)
                .unwrap_or_default()
        });
        candidates
            .iter()
            .map(|&i| &self.objects[i])
            .filter(move |o| selector.matches(&o.pod_labels))
    }

    /// The HorizontalPodAutoscaler whose `scaleTargetRef` names `object` (same namespace,
    /// kind and name), if any.
    pub fn autoscaler_of(&self, object: &Object) -> Option<&Object> {
        let name = object.name.as_deref()?;
        self.of_kind_in("autoscaling", "HorizontalPodAutoscaler", object.namespace.as_deref())
            .find(|h| {
                h.node().pointer("/spec/scaleTargetRef/kind").and_then(Node::as_str) == Some(object.kind.as_str())
                    && h.node().pointer("/spec/scaleTargetRef/name").and_then(Node::as_str) == Some(name)
            })
    }

    /// Objects of `kind` in API `group` in `namespace` (`None`: cluster-scoped ones).
    pub fn of_kind_in<'a>(
        &'a self,
        group: &str,
        kind: &str,
        namespace: Option<&str>,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        let key = (
            group.to_string(),
            kind.to_string(),
            namespace.unwrap_or_default().to_string(),
        );
        self.by_kind_namespace
            .get(&key)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.objects[i])
    }

    /// Whether the inputs define or use `namespace`.
    pub fn knows_namespace(&self, namespace: &str) -> bool {
        self.namespaces.contains(namespace)
    }

    /// Whether a `Namespace` object named `namespace` is among the inputs.
    pub fn defines_namespace(&self, namespace: &str) -> bool {
        self.find("Namespace", None, namespace).is_some()
    }

    /// Every namespace the inputs define or use.
    pub fn namespaces(&self) -> impl Iterator<Item = &str> {
        self.namespaces.iter().map(String::as_str)
    }

    /// The object of `kind` named `name` in `namespace` (`None` for cluster-scoped kinds).
    pub fn find(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<&Object> {
        let key = (
            kind.to_string(),
            namespace.unwrap_or_default().to_string(),
            name.to_string(),
        );
        self.by_name.get(&key).map(|&i| &self.objects[i])
    }

    /// Objects of `kind` in API `group` (any version).
    pub fn of_kind<'a>(&'a self, group: &str, kind: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.by_kind
            .get(&(group.to_string(), kind.to_string()))
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.objects[i])
    }

    /// Objects in `namespace`.
    pub fn in_namespace<'a>(&'a self, namespace: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
        self.objects
            .iter()
            .filter(move |o| o.namespace.as_deref() == Some(namespace))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, load_file};
    use std::sync::Arc;

    const INPUT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web, tier: front}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec: {group: example.com, scope: Cluster, names: {kind: Widget}}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
";

    fn inventory() -> Inventory {
        let loaded = load_file(Arc::new(SourceFile::new("i.yaml", INPUT.to_string())));
        Inventory::build(loaded.documents, "default")
    }

    #[test]
    fn namespaces_and_scopes() {
        let inv = inventory();
        let ns: Vec<_> = inv.objects.iter().map(|o| o.namespace.as_deref()).collect();
        assert_eq!(ns, vec![Some("shop"), Some("default"), None, None, None]);
        assert!(inv.find("Namespace", None, "shop").is_some());
        assert!(inv.find("Deployment", Some("shop"), "web").is_some());
        assert!(inv.find("Deployment", Some("default"), "web").is_none());
        assert_eq!(inv.of_kind("batch", "CronJob").count(), 1);
        assert_eq!(inv.of_kind("apps", "CronJob").count(), 0);
    }

    #[test]
    fn selector_queries_are_namespace_aware() {
        let inv = inventory();
        let web = LabelSelector::from_map(&Node::from_json(&serde_json::json!({"app": "web"})));
        assert_eq!(inv.pods_selected("shop", &web).count(), 1);
        assert_eq!(inv.pods_selected("default", &web).count(), 0);
        let everything = LabelSelector::default();
        let names: Vec<_> = inv
            .pods_selected("default", &everything)
            .map(|o| o.name.clone().unwrap())
            .collect();
        assert_eq!(names, vec!["report"]);
    }
}
