//! The inventory: every object of the run, indexed for cross-object questions.
//!
//! An inventory can be layered over a shared one ([`Inventory::over`]): the admission
//! webhook builds the inventory of its context repository once and judges each reviewed
//! object against it, paying only for the reviewed object's own entries.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::coverage::{Unit, may_make_hidden_pods};
use super::selector::LabelSelector;
use super::{Object, StringMap, TemplatePath, builtin_cluster_scoped};
use crate::load::{Document, Node};

/// All objects of a run, or the objects of one layer over a shared base inventory (a
/// [`PreparedContext`](crate::PreparedContext)): what cross-object rules look through.
#[derive(Debug, Default)]
pub struct Inventory {
    /// The objects of this layer: all objects of a plain inventory; only the layer's own
    /// objects (not the base's) for one built with [`Inventory::over`]. To see every
    /// object, use [`Inventory::iter`] and [`Inventory::object`].
    pub(crate) objects: Vec<Object>,
    /// The shared inventory this layer sits on, if any.
    base: Option<Arc<Inventory>>,
    /// Ids of base objects that an object of this layer replaces (same group, kind,
    /// namespace and name): queries skip them.
    replaced: HashSet<usize>,
    /// The id of `objects[0]`: the base's id range ends where this layer's starts.
    first_id: usize,
    /// (group, kind) that CRDs among this layer's documents declare cluster-scoped.
    cluster_kinds: HashSet<(String, String)>,
    /// namespace -> positions (in `objects`) of objects with a pod template in it.
    pods_by_namespace: HashMap<String, Vec<usize>>,
    /// (kind, namespace or "", name) -> position.
    by_name: HashMap<(String, String, String), usize>,
    /// (group, kind) -> positions.
    by_kind: HashMap<(String, String), Vec<usize>>,
    /// (group, kind, namespace or "") -> positions.
    by_kind_namespace: HashMap<(String, String, String), Vec<usize>>,
    /// (namespace, label key, label value) of pod templates -> positions: selector queries
    /// start from the smallest candidate list instead of every pod of the namespace.
    pod_labels: HashMap<(String, String, String), Vec<usize>>,
    /// PodDisruptionBudgets and NetworkPolicies by (group, kind, namespace), their selectors
    /// parsed once and indexed by label: "which of them select these pods?" is a lookup.
    selecting: HashMap<(String, String, String), SelectorBucket>,
    /// Namespaces that some object lives in, or that a Namespace object defines.
    namespaces: BTreeSet<String>,
    /// (group, kind, unit) of every object: what [`Inventory::holds_beside`] asks.
    units: HashSet<(String, String, Unit)>,
    /// Units that hold a workload (an object with a pod template).
    pod_units: HashSet<Unit>,
    /// namespace -> position of the first custom resource in it that may create pods the
    /// input does not show.
    hidden_pod_makers: HashMap<String, usize>,
    /// (namespace, target kind, target name) of HorizontalPodAutoscalers' `scaleTargetRef`
    /// -> positions, in input order: [`Inventory::autoscaler_of`] is a lookup, not a scan of
    /// the namespace's autoscalers for every workload (that scan was quadratic).
    autoscalers: HashMap<(String, String, String), Vec<usize>>,
    /// (kind, name) of ConfigMaps and Secrets that Kustomize generators in the input make
    /// (in whatever namespace the kustomization that uses them sets).
    generated: HashSet<(String, String)>,
}

/// (group, kind) of the CRDs among `documents` whose scope is `Cluster`.
/// The kinds whose selectors [`Inventory::selecting`] indexes.
const SELECTING_KINDS: [(&str, &str); 2] = [
    ("policy", "PodDisruptionBudget"),
    ("networking.k8s.io", "NetworkPolicy"),
];

/// The selectors of one kind in one namespace. Each selector sits in one place: under one
/// value of its first `In` requirement, else under the key of its first `Exists`, else in
/// `rest`; a label set has one value per key, so a lookup meets each selector at most once.
#[derive(Debug, Default)]
struct SelectorBucket {
    /// key -> value -> selectors: looked up with the labels' own strings, no allocation.
    by_label: HashMap<String, HashMap<String, Vec<(usize, LabelSelector)>>>,
    by_key: HashMap<String, Vec<(usize, LabelSelector)>>,
    rest: Vec<(usize, LabelSelector)>,
}

impl SelectorBucket {
    fn insert(&mut self, index: usize, selector: LabelSelector) {
        use super::selector::Operator;
        if let Some(r) = selector.requirements.iter().find(|r| r.operator == Operator::In) {
            let r = r.clone();
            if r.values.is_empty() {
                return; // `In` with no values matches nothing
            }
            for v in &r.values {
                self.by_label
                    .entry(r.key.clone())
                    .or_default()
                    .entry(v.clone())
                    .or_default()
                    .push((index, selector.clone()));
            }
        } else if let Some(r) = selector.requirements.iter().find(|r| r.operator == Operator::Exists) {
            let key = r.key.clone();
            self.by_key.entry(key).or_default().push((index, selector));
        } else {
            self.rest.push((index, selector));
        }
    }

    /// The indices whose selector matches `labels`, each once.
    fn matching<'a>(&'a self, labels: &'a StringMap) -> impl Iterator<Item = (usize, &'a LabelSelector)> + 'a {
        let keyed = labels.iter().flat_map(move |(k, v)| {
            let by_value = self
                .by_label
                .get(k)
                .and_then(|values| values.get(v))
                .map(Vec::as_slice)
                .unwrap_or_default();
            let by_key = self.by_key.get(k).map(Vec::as_slice).unwrap_or_default();
            by_value.iter().chain(by_key)
        });
        keyed
            .chain(&self.rest)
            .filter(|(_, s)| s.matches(labels))
            .map(|(i, s)| (*i, s))
    }
}

fn crd_cluster_kinds(documents: &[Document]) -> HashSet<(String, String)> {
    documents
        .iter()
        .filter(|d| d.root.get("kind").and_then(Node::as_str) == Some("CustomResourceDefinition"))
        .filter(|d| d.root.pointer("/spec/scope").and_then(Node::as_str) == Some("Cluster"))
        .filter_map(|d| {
            let group = d.root.pointer("/spec/group")?.as_str()?;
            let kind = d.root.pointer("/spec/names/kind")?.as_str()?;
            Some((group.to_string(), kind.to_string()))
        })
        .collect()
}

impl Inventory {
    /// Builds the inventory. Objects without a namespace get `default_namespace`, unless
    /// their kind is cluster-scoped (built in, or declared so by a CRD among the documents).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn build(documents: Vec<Document>, default_namespace: &str) -> Inventory {
        Inventory::layer(None, documents, default_namespace, &[])
    }

    /// [`Inventory::build`] with more workload kinds (the config's `podTemplates`).
    pub(crate) fn build_with(
        documents: Vec<Document>,
        default_namespace: &str,
        templates: &[TemplatePath],
    ) -> Inventory {
        Inventory::layer(None, documents, default_namespace, templates)
    }

    /// Builds a layer of `documents` over `base`, which is shared, not copied: the work and
    /// memory are those of `documents` alone. Queries answer with this layer's objects
    /// first, then the base's; a base object is hidden when an object of this layer has the
    /// same group, kind, namespace and `metadata.name` (the new version of an object
    /// replaces the stored one). CRDs of either layer declare cluster-scoped kinds for this
    /// layer's objects. Ids continue after the base's.
    ///
    /// # Panics
    /// When `base` is itself layered: one level is supported.
    pub(crate) fn over(
        base: Arc<Inventory>,
        documents: Vec<Document>,
        default_namespace: &str,
        templates: &[TemplatePath],
    ) -> Inventory {
        assert!(
            base.base.is_none(),
            "an inventory can be layered over a plain inventory only"
        );
        Inventory::layer(Some(base), documents, default_namespace, templates)
    }

    fn layer(
        base: Option<Arc<Inventory>>,
        documents: Vec<Document>,
        default_namespace: &str,
        templates: &[TemplatePath],
    ) -> Inventory {
        let cluster_kinds = crd_cluster_kinds(&documents);
        let cluster_scoped = |g: &str, k: &str| {
            let key = (g.to_string(), k.to_string());
            builtin_cluster_scoped(g, k)
                || cluster_kinds.contains(&key)
                || base.as_ref().is_some_and(|b| b.cluster_kinds.contains(&key))
        };
        let first_id = base.as_ref().map_or(0, |b| b.first_id + b.objects.len());
        // In parallel: reading each object's facts (labels, selectors, template) is the
        // largest part of building the inventory, and the run's other threads wait for it.
        let objects: Vec<Object> = documents
            .into_par_iter()
            .enumerate()
            .map(|(i, d)| Object {
                id: first_id + i,
                ..Object::new(d, default_namespace, cluster_scoped, templates)
            })
            .collect();
        let replaced = match &base {
            Some(b) => objects
                .iter()
                .filter(|o| o.node().pointer("/metadata/name").is_some())
                .flat_map(|o| {
                    b.local_of_kind_in(&o.group, &o.kind, o.namespace.as_deref())
                        .filter(move |old| old.name == o.name)
                        .map(|old| old.id)
                })
                .collect(),
            None => HashSet::new(),
        };
        let mut inv = Inventory {
            objects,
            base,
            replaced,
            first_id,
            cluster_kinds,
            ..Inventory::default()
        };
        for (i, o) in inv.objects.iter().enumerate() {
            let ns = o.namespace.clone().unwrap_or_default();
            if o.pod_template().is_some() {
                for (k, v) in &o.pod_labels {
                    inv.pod_labels
                        .entry((ns.clone(), k.to_string(), v.to_string()))
                        .or_default()
                        .push(i);
                }
                inv.pods_by_namespace.entry(ns.clone()).or_default().push(i);
                inv.pod_units.insert(o.unit());
            }
            if o.is("autoscaling", "HorizontalPodAutoscaler") {
                let target = |field: &str| {
                    o.node()
                        .get("spec")
                        .and_then(|s| s.get("scaleTargetRef"))
                        .and_then(|r| r.get(field))
                        .and_then(Node::as_str)
                };
                if let (Some(kind), Some(name)) = (target("kind"), target("name")) {
                    inv.autoscalers
                        .entry((ns.clone(), kind.to_string(), name.to_string()))
                        .or_default()
                        .push(i);
                }
            }
            if o.namespace.is_some() && may_make_hidden_pods(&o.group, &o.kind) && !o.kind.is_empty() {
                inv.hidden_pod_makers.entry(ns.clone()).or_insert(i);
            }
            inv.units.insert((o.group.clone(), o.kind.clone(), o.unit()));
            if let Some(n) = &o.namespace {
                inv.namespaces.insert(n.clone());
            }
            if o.is("", "Namespace")
                && let Some(name) = &o.name
            {
                inv.namespaces.insert(name.clone());
            }
            if SELECTING_KINDS.contains(&(o.group.as_str(), o.kind.as_str()))
                && let Some(selector) = o.pod_selector()
            {
                inv.selecting
                    .entry((o.group.clone(), o.kind.clone(), ns.clone()))
                    .or_default()
                    .insert(i, selector);
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

    /// Hides the base objects read from the file at `path`: the layer holds that file's
    /// current text, whose objects replace all of the stored version's, those it renamed
    /// or removed too (an editor's buffer checked against its workspace).
    pub(crate) fn hide_base_file(&mut self, path: &std::path::Path) {
        if let Some(base) = &self.base {
            let hidden = base.objects.iter().filter(|o| o.doc.file.path == path).map(|o| o.id);
            self.replaced.extend(hidden);
        }
    }

    /// The base objects that this layer does not replace.
    fn base_objects<'a, I>(&'a self, base: Option<I>) -> impl Iterator<Item = &'a Object> + use<'a, I>
    where
        I: Iterator<Item = &'a Object>,
    {
        base.into_iter().flatten().filter(|o| !self.replaced.contains(&o.id))
    }

    /// The object with id `id` (of this layer or of the base).
    ///
    /// # Panics
    /// When no object has that id.
    #[cfg_attr(not(feature = "scripts"), allow(dead_code))]
    pub(crate) fn object(&self, id: usize) -> &Object {
        match id.checked_sub(self.first_id) {
            Some(i) => &self.objects[i],
            None => self
                .base
                .as_ref()
                .expect("an id below this layer's is a base id")
                .object(id),
        }
    }

    /// Every object: this layer's, then the base's that it does not replace.
    pub fn iter(&self) -> impl Iterator<Item = &Object> {
        let base = self.base.as_deref().map(|b| b.objects.iter());
        self.objects.iter().chain(self.base_objects(base))
    }

    /// How many objects [`Inventory::iter`] yields.
    pub fn len(&self) -> usize {
        self.objects.len() + self.base.as_ref().map_or(0, |b| b.objects.len() - self.replaced.len())
    }

    /// Whether the inventory holds no object at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// [`Inventory::pods_selected`] among this layer's objects.
    fn local_pods_selected<'a>(
        &'a self,
        namespace: &str,
        selector: &'a LabelSelector,
    ) -> impl Iterator<Item = &'a Object> + use<'a> {
        use super::selector::{Operator, is_controller_label};
        // Start from the smallest list of pods that carry one of the required key=value pairs
        // (not labels that controllers add: pod templates do not carry those).
        let narrowest = selector
            .requirements
            .iter()
            .filter(|r| r.operator == Operator::In && r.values.len() == 1 && !is_controller_label(&r.key))
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
            .filter(move |o| selector.may_select_pods_of(o))
    }

    /// Workloads (objects with a pod template) in `namespace` whose pods the selector may
    /// select: their pod template's labels match, with the labels their controllers add
    /// (see [`LabelSelector::may_select_pods_of`]). An empty selector selects every workload
    /// of the namespace.
    pub(crate) fn pods_selected<'a>(
        &'a self,
        namespace: &str,
        selector: &'a LabelSelector,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        let base = self.base.as_deref().map(|b| b.local_pods_selected(namespace, selector));
        self.local_pods_selected(namespace, selector)
            .chain(self.base_objects(base))
    }

    /// The HorizontalPodAutoscaler whose `scaleTargetRef` names `object` (same namespace,
    /// kind and name), if any.
    pub(crate) fn autoscaler_of(&self, object: &Object) -> Option<&Object> {
        let name = object.name.as_deref()?;
        let key = (
            object.namespace.clone().unwrap_or_default(),
            object.kind.clone(),
            name.to_string(),
        );
        if let Some(&i) = self.autoscalers.get(&key).and_then(|v| v.first()) {
            return Some(&self.objects[i]);
        }
        let base = self.base.as_deref()?;
        base.autoscalers
            .get(&key)?
            .iter()
            .map(|&i| &base.objects[i])
            .find(|h| !self.replaced.contains(&h.id))
    }

    /// [`Inventory::of_kind_in`] among this layer's objects.
    fn local_of_kind_in<'a>(
        &'a self,
        group: &str,
        kind: &str,
        namespace: Option<&str>,
    ) -> impl Iterator<Item = &'a Object> + use<'a> {
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

    /// Objects of `kind` in API `group` in `namespace` (`None`: cluster-scoped ones).
    pub(crate) fn of_kind_in<'a>(
        &'a self,
        group: &str,
        kind: &str,
        namespace: Option<&str>,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        let base = self.base.as_deref().map(|b| b.local_of_kind_in(group, kind, namespace));
        self.local_of_kind_in(group, kind, namespace)
            .chain(self.base_objects(base))
    }

    /// The PodDisruptionBudgets or NetworkPolicies (`group`, `kind`) in `namespace` whose
    /// selector matches `labels`, with that selector: index lookups by label, not a scan of
    /// every object of the kind. Objects whose selector does not parse are left out.
    ///
    /// # Panics
    /// For a kind other than those two (it is not indexed).
    pub(crate) fn selecting<'a>(
        &'a self,
        group: &str,
        kind: &str,
        namespace: Option<&str>,
        labels: &'a StringMap,
    ) -> Vec<(&'a Object, &'a LabelSelector)> {
        assert!(
            SELECTING_KINDS.contains(&(group, kind)),
            "{group}/{kind} selectors are not indexed"
        );
        let key = (
            group.to_string(),
            kind.to_string(),
            namespace.unwrap_or_default().to_string(),
        );
        let mut out: Vec<(&Object, &LabelSelector)> = Vec::new();
        if let Some(bucket) = self.selecting.get(&key) {
            out.extend(bucket.matching(labels).map(|(i, s)| (&self.objects[i], s)));
        }
        if let Some(base) = self.base.as_deref()
            && let Some(bucket) = base.selecting.get(&key)
        {
            out.extend(
                bucket
                    .matching(labels)
                    .map(|(i, s)| (&base.objects[i], s))
                    .filter(|(o, _)| !self.replaced.contains(&o.id)),
            );
        }
        out
    }

    /// Whether the inputs define or use `namespace`.
    pub fn knows_namespace(&self, namespace: &str) -> bool {
        self.namespaces.contains(namespace) || self.base.as_ref().is_some_and(|b| b.namespaces.contains(namespace))
    }

    /// Whether a `Namespace` object named `namespace` is among the inputs.
    pub fn defines_namespace(&self, namespace: &str) -> bool {
        self.find("Namespace", None, namespace).is_some()
    }

    /// Every namespace the inputs define or use, in order, once.
    pub fn namespaces(&self) -> impl Iterator<Item = &str> {
        let mut own = self.namespaces.iter().map(String::as_str).peekable();
        let mut base = self
            .base
            .as_deref()
            .into_iter()
            .flat_map(|b| b.namespaces.iter().map(String::as_str))
            .peekable();
        // Merge two sorted sequences.
        std::iter::from_fn(move || match (own.peek(), base.peek()) {
            (Some(a), Some(b)) if a == b => {
                base.next();
                own.next()
            }
            (Some(a), Some(b)) if a > b => base.next(),
            (Some(_), _) => own.next(),
            (None, _) => base.next(),
        })
    }

    /// [`Inventory::find`] among this layer's objects.
    fn local_find(&self, key: &(String, String, String)) -> Option<&Object> {
        self.by_name.get(key).map(|&i| &self.objects[i])
    }

    /// The object of `kind` named `name` in `namespace` (`None` for cluster-scoped kinds).
    pub fn find(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<&Object> {
        let key = (
            kind.to_string(),
            namespace.unwrap_or_default().to_string(),
            name.to_string(),
        );
        self.local_find(&key).or_else(|| {
            self.base
                .as_ref()?
                .local_find(&key)
                .filter(|o| !self.replaced.contains(&o.id))
        })
    }

    /// [`Inventory::of_kind`] among this layer's objects.
    fn local_of_kind<'a>(&'a self, group: &str, kind: &str) -> impl Iterator<Item = &'a Object> + use<'a> {
        self.by_kind
            .get(&(group.to_string(), kind.to_string()))
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.objects[i])
    }

    /// Objects of `kind` in API `group` (any version).
    pub fn of_kind<'a>(&'a self, group: &str, kind: &str) -> impl Iterator<Item = &'a Object> + 'a {
        let base = self.base.as_deref().map(|b| b.local_of_kind(group, kind));
        self.local_of_kind(group, kind).chain(self.base_objects(base))
    }

    /// The API groups that objects of `kind` use, in this layer and the base.
    #[cfg(feature = "scripts")]
    fn groups_of(&self, kind: &str) -> BTreeSet<&str> {
        let base = self.base.as_deref().into_iter().flat_map(|b| b.by_kind.keys());
        self.by_kind
            .keys()
            .chain(base)
            .filter(|(_, k)| k == kind)
            .map(|(g, _)| g.as_str())
            .collect()
    }

    /// Objects of `kind` in any API group, in `namespace` (`None`: cluster-scoped ones):
    /// index lookups, not a scan of every object.
    #[cfg(feature = "scripts")]
    pub(crate) fn of_kind_name_in<'a>(
        &'a self,
        kind: &'a str,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.groups_of(kind)
            .into_iter()
            .flat_map(move |g| self.of_kind_in(g, kind, namespace))
    }

    /// How many objects of `kind` (any API group, any namespace) the inventory holds.
    #[cfg(feature = "scripts")]
    pub(crate) fn count_kind(&self, kind: &str) -> usize {
        self.groups_of(kind)
            .into_iter()
            .map(|g| self.of_kind(g, kind).count())
            .sum()
    }

    /// Whether the input holds an object of `kind` in API `group` deployed beside
    /// `referrer`: in the same [`Unit`] (namespace, and folder for objects that name no
    /// namespace). Rules that report a missing object speak only when this holds: otherwise
    /// the input does not show that kind's objects there at all.
    /// For cluster-scoped kinds: one in the referrer's folder.
    pub(crate) fn holds_beside(&self, group: &str, kind: &str, referrer: &Object) -> bool {
        let cluster_scoped =
            builtin_cluster_scoped(group, kind) || self.cluster_kinds.contains(&(group.to_string(), kind.to_string()));
        let unit = if cluster_scoped {
            Unit {
                namespace: String::new(),
                folder: Some(referrer.folder()),
            }
        } else {
            referrer.unit()
        };
        let key = (group.to_string(), kind.to_string(), unit);
        self.units.contains(&key) || self.base.as_ref().is_some_and(|b| b.units.contains(&key))
    }

    /// Why the input may not show the pods that `referrer` (a Service, a
    /// PodDisruptionBudget, a policy…) selects, or `None` when it shows the workloads of its
    /// namespace: no workload is deployed beside it (see [`Inventory::holds_beside`]), or its
    /// namespace holds a custom resource that may create pods (an operator's).
    pub(crate) fn pods_hidden(&self, referrer: &Object) -> Option<String> {
        let unit = referrer.unit();
        let ns = referrer.namespace.as_deref().unwrap_or_default();
        let maker = self.hidden_pod_makers.get(ns).map(|&i| &self.objects[i]).or_else(|| {
            let b = self.base.as_ref()?;
            b.hidden_pod_makers.get(ns).map(|&i| &b.objects[i])
        });
        if let Some(m) = maker {
            return Some(format!(
                "namespace `{ns}` holds {} {}, whose operator may create pods the input does not show",
                m.kind,
                m.name.as_deref().unwrap_or("?")
            ));
        }
        let held = self.pod_units.contains(&unit) || self.base.as_ref().is_some_and(|b| b.pod_units.contains(&unit));
        (!held).then(|| match &unit.folder {
            Some(folder) => format!(
                "no workload without a namespace in folder `{}` of the input",
                folder.display()
            ),
            None => format!("no workload in namespace `{ns}` of the input"),
        })
    }

    /// Records ConfigMaps and Secrets that Kustomize generators make: `(kind, name)`.
    pub(crate) fn add_generated(&mut self, generated: impl IntoIterator<Item = (&'static str, String)>) {
        self.generated
            .extend(generated.into_iter().map(|(k, n)| (k.to_string(), n)));
    }

    /// Whether a Kustomize generator in the input makes a `kind` (ConfigMap, Secret) named
    /// `name`.
    pub(crate) fn generates(&self, kind: &str, name: &str) -> bool {
        let key = (kind.to_string(), name.to_string());
        self.generated.contains(&key) || self.base.as_ref().is_some_and(|b| b.generated.contains(&key))
    }

    /// Objects in `namespace`.
    pub fn in_namespace<'a>(&'a self, namespace: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
        self.iter().filter(move |o| o.namespace.as_deref() == Some(namespace))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{SourceFile, load_file};

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
    fn selector_index_agrees_with_a_scan() {
        // Every selector shape: matchLabels, In with several values, Exists, NotIn and
        // DoesNotExist only, empty (all pods), In with no values, and one that does not parse.
        let selectors = [
            "{matchLabels: {app: web}}",
            "{matchLabels: {app: web, tier: front}}",
            "{matchExpressions: [{key: app, operator: In, values: [api, web]}]}",
            "{matchExpressions: [{key: tier, operator: Exists}]}",
            "{matchExpressions: [{key: tier, operator: NotIn, values: [back]}]}",
            "{matchExpressions: [{key: canary, operator: DoesNotExist}]}",
            "{}",
            "{matchExpressions: [{key: app, operator: In, values: []}]}",
            "{matchExpressions: [{key: app, operator: Bogus}]}",
            "{matchLabels: {app: db}, matchExpressions: [{key: tier, operator: Exists}]}",
        ];
        let mut text = String::new();
        for (i, sel) in selectors.iter().enumerate() {
            text.push_str(&format!(
                "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: p{i}, namespace: shop}}\nspec: {{selector: {sel}}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: n{i}, namespace: shop}}\nspec: {{podSelector: {sel}}}\n---\n"
            ));
        }
        text.push_str("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: other, namespace: elsewhere}\nspec: {selector: {}}\n");
        let loaded = load_file(Arc::new(SourceFile::new("s.yaml", text)));
        let inv = Inventory::build(loaded.documents, "default");
        let label_sets: [&[(&str, &str)]; 6] = [
            &[],
            &[("app", "web")],
            &[("app", "web"), ("tier", "front")],
            &[("app", "api"), ("tier", "back")],
            &[("app", "db"), ("tier", "x"), ("canary", "1")],
            &[("other", "x")],
        ];
        for (group, kind) in SELECTING_KINDS {
            for labels in label_sets {
                let labels: StringMap = labels.iter().copied().collect();
                let mut indexed: Vec<String> = inv
                    .selecting(group, kind, Some("shop"), &labels)
                    .iter()
                    .map(|(o, _)| o.name.clone().unwrap())
                    .collect();
                indexed.sort();
                let mut scanned: Vec<String> = inv
                    .of_kind_in(group, kind, Some("shop"))
                    .filter(|o| o.pod_selector().is_some_and(|s| s.matches(&labels)))
                    .map(|o| o.name.clone().unwrap())
                    .collect();
                scanned.sort();
                assert_eq!(indexed, scanned, "{kind} {labels:?}");
                assert!(
                    scanned.iter().any(|n| n.ends_with('6')),
                    "the empty selector matches all"
                );
            }
        }
        // A layer sees the base's selectors, except those of objects it replaces.
        let update = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p0, namespace: shop}\nspec: {selector: {matchLabels: {app: nothing}}}\n";
        let loaded = load_file(Arc::new(SourceFile::new("u.yaml", update.to_string())));
        let layer = Inventory::over(Arc::new(inv), loaded.documents, "default", &[]);
        let web = StringMap::from([("app", "web")]);
        let names: BTreeSet<String> = layer
            .selecting("policy", "PodDisruptionBudget", Some("shop"), &web)
            .iter()
            .map(|(o, _)| o.name.clone().unwrap())
            .collect();
        assert!(!names.contains("p0"), "{names:?}");
        assert!(names.contains("p2") && names.contains("p6"), "{names:?}");
    }

    #[test]
    fn a_layer_sees_its_base_and_replaces_what_it_updates() {
        let base = Arc::new(inventory());
        let update = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web, tier: back}}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w2, namespace: ignored}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: new}
";
        let loaded = load_file(Arc::new(SourceFile::new("u.yaml", update.to_string())));
        let layer = Inventory::over(Arc::clone(&base), loaded.documents, "default", &[]);
        // Ids continue after the base's; every id resolves.
        assert_eq!(layer.objects[0].id, 5);
        assert_eq!(layer.object(5).name.as_deref(), Some("web"));
        assert_eq!(layer.object(1).name.as_deref(), Some("report"));
        // The new Deployment replaces the base's: one `web`, with the new labels.
        assert_eq!(layer.len(), 7);
        assert_eq!(layer.iter().count(), 7);
        let webs: Vec<_> = layer.of_kind("apps", "Deployment").map(|o| o.id).collect();
        assert_eq!(webs, vec![5]);
        assert_eq!(layer.find("Deployment", Some("shop"), "web").unwrap().id, 5);
        let front = LabelSelector::from_map(&Node::from_json(&serde_json::json!({"tier": "front"})));
        assert_eq!(layer.pods_selected("shop", &front).count(), 0);
        let back = LabelSelector::from_map(&Node::from_json(&serde_json::json!({"tier": "back"})));
        assert_eq!(layer.pods_selected("shop", &back).count(), 1);
        // Base objects stay visible; the base's CRD makes the new Widget cluster-scoped.
        assert_eq!(layer.pods_selected("default", &LabelSelector::default()).count(), 1);
        assert!(layer.defines_namespace("shop"));
        assert_eq!(layer.find("Widget", None, "w2").unwrap().namespace, None);
        assert_eq!(layer.of_kind_in("example.com", "Widget", None).count(), 2);
        let namespaces: Vec<_> = layer.namespaces().collect();
        assert_eq!(namespaces, vec!["default", "new", "shop"]);
        assert!(layer.knows_namespace("new") && layer.knows_namespace("default"));
        assert_eq!(layer.in_namespace("shop").count(), 1);
        // The base itself is unchanged.
        assert_eq!(base.len(), 5);
        assert_eq!(base.find("Deployment", Some("shop"), "web").unwrap().id, 0);
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

    #[test]
    fn autoscalers_are_found_by_their_target_first_in_input_order_and_through_layers() {
        let hpa = |name: &str, ns: &str, kind: &str, target: &str| {
            format!(
                "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: {kind}, name: {target}}}\n"
            )
        };
        let text = [
            hpa("other-ns", "elsewhere", "Deployment", "web"),
            hpa("other-kind", "shop", "StatefulSet", "web"),
            hpa("first", "shop", "Deployment", "web"),
            hpa("second", "shop", "Deployment", "web"),
            INPUT.to_string(),
        ]
        .join("---\n");
        let loaded = load_file(Arc::new(SourceFile::new("h.yaml", text)));
        let base = Arc::new(Inventory::build(loaded.documents, "default"));
        let web = base.find("Deployment", Some("shop"), "web").unwrap();
        let name = |o: Option<&Object>| o.and_then(|o| o.name.clone());
        assert_eq!(name(base.autoscaler_of(web)), Some("first".to_string()));
        let report = base.find("CronJob", Some("default"), "report").unwrap();
        assert_eq!(name(base.autoscaler_of(report)), None);
        // A layer that replaces `first` with an HPA of another target falls back to `second`;
        // one that adds its own HPA for `web` answers with it.
        let update = hpa("first", "shop", "Deployment", "api");
        let loaded = load_file(Arc::new(SourceFile::new("u.yaml", update)));
        let layer = Inventory::over(Arc::clone(&base), loaded.documents, "default", &[]);
        assert_eq!(name(layer.autoscaler_of(web)), Some("second".to_string()));
        let update = hpa("mine", "shop", "Deployment", "web");
        let loaded = load_file(Arc::new(SourceFile::new("v.yaml", update)));
        let layer = Inventory::over(Arc::clone(&base), loaded.documents, "default", &[]);
        assert_eq!(name(layer.autoscaler_of(web)), Some("mine".to_string()));
    }
}
