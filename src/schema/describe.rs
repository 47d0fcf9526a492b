//! What the schema says about one field of a kind: its description, its type and the
//! fields below it (the language server's hover and completion).
//!
//! The schema is the one validation uses, looked up in the same order: a CRD among the
//! run's objects (its `openAPIV3Schema` as written, descriptions included), a user schema
//! (`--crd`, `--schema-dir`), a bundled CRD, the built-in Kubernetes schemas. The built-in
//! and bundled archives are stored without descriptions (`schemas/generate.py`); for the
//! built-in kinds they come from a descriptions archive of their own
//! (`schemas/descriptions-1.37.bin`, embedded only with the `lsp` feature and parsed on the
//! first hover that needs it), looked up by the definition the walk is in and the property
//! path within it. Bundled CRDs have none.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::RunSchemas;
use crate::load::Node;
use crate::model::Inventory;

/// One field as the schema describes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldDoc {
    /// The schema's `description`, when it has one.
    pub description: Option<String>,
    /// Where the description comes from when that is not the schema's source: `Kubernetes
    /// 1.37` for a built-in kind of a run with another version.
    pub description_from: Option<String>,
    /// The type, for people: `string`, `integer or string`, `array of object`, `map of string`.
    pub ty: Option<String>,
    /// Allowed values (`enum`), when the schema lists them.
    pub values: Vec<String>,
    /// Where the schema comes from: `Kubernetes 1.37`, `CRD widgets.example.com (crds.yaml)`.
    pub source: String,
    /// The fields an object value may have: name, type, description.
    pub fields: Vec<(String, Option<String>, Option<String>)>,
}

/// The descriptions of the built-in definitions, as `schemas/generate.py` writes them (see
/// its docstring): the definition's own under `""`, its properties' under their path.
#[derive(Deserialize)]
struct Descriptions {
    /// The Kubernetes version they were taken from.
    version: String,
    /// Definition name -> property path (`""`, `replicas`, `a/b`) -> description.
    defs: HashMap<String, HashMap<String, String>>,
}

impl Descriptions {
    fn parse(data: &[u8]) -> Result<Descriptions, String> {
        let blob = data
            .strip_prefix(b"KLDESC1\n")
            .ok_or("not a kubelint descriptions archive")?;
        serde_json::from_slice(&super::archive::inflate(blob)?).map_err(|e| e.to_string())
    }

    /// The embedded archive, parsed on first use.
    fn builtin() -> Option<&'static Descriptions> {
        static BYTES: &[u8] = include_bytes!("../../schemas/descriptions-1.37.bin");
        static CELL: OnceLock<Option<Descriptions>> = OnceLock::new();
        CELL.get_or_init(|| Descriptions::parse(BYTES).ok()).as_ref()
    }

    /// The description at `place`, when the archive has one.
    fn at(&self, place: &Place) -> Option<&str> {
        let def = self.defs.get(place.def.as_deref()?)?;
        def.get(&place.path.join("/")).map(String::as_str)
    }
}

/// Where a walk through a schema is: the `$defs` definition it last entered (none before
/// the first `$ref`) and the property names from that definition down.
#[derive(Debug, Clone, Default)]
struct Place {
    def: Option<String>,
    path: Vec<String>,
}

/// Where the descriptions of a schema without them come from, and how to name that source
/// when it differs from the schema's.
struct Fallback {
    descriptions: &'static Descriptions,
    note: Option<String>,
}

impl RunSchemas<'_> {
    /// The schema of `api_version` `kind` at the field that `path` (JSON pointer tokens of
    /// an object, list indexes included) leads to; `None` when the kind has no schema or
    /// the schema says nothing about that path. `inventory`: where CRDs of the run are.
    pub(crate) fn describe(
        &self,
        inventory: &Inventory,
        api_version: &str,
        kind: &str,
        path: &[String],
    ) -> Option<FieldDoc> {
        let (root, source, builtin) = self.documented_schema(inventory, api_version, kind)?;
        let defs = root.get("$defs").and_then(Value::as_object);
        let mut place = Place::default();
        let mut node = resolve_at(&root, defs, &mut place);
        // The field as a property of the definition that names it: its description there
        // comes before the one of the definition it refers to.
        let mut named = None;
        for token in path {
            (node, named) = child(node, token, defs, &mut place)?;
        }
        let fallback = builtin
            .then(Descriptions::builtin)
            .flatten()
            .map(|descriptions| Fallback {
                descriptions,
                note: (descriptions.version != self.base.archive.version)
                    .then(|| format!("Kubernetes {}", descriptions.version)),
            });
        Some(doc_of(node, defs, source, &place, named.as_ref(), fallback.as_ref()))
    }

    /// The schema of a kind with as much documentation as is kept, its source, and whether
    /// it is a built-in one (whose descriptions are in the descriptions archive).
    fn documented_schema(&self, inventory: &Inventory, api_version: &str, kind: &str) -> Option<(Value, String, bool)> {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        for crd in inventory.of_kind("apiextensions.k8s.io", "CustomResourceDefinition") {
            let spec = crd.node().get("spec");
            let defines = spec.and_then(|s| s.get("group")).and_then(Node::as_str) == Some(group)
                && spec.and_then(|s| s.pointer("/names/kind")).and_then(Node::as_str) == Some(kind);
            if !defines {
                continue;
            }
            let spec = spec?;
            let own = spec
                .seq_of("versions")
                .iter()
                .find(|v| v.get("name").and_then(Node::as_str) == Some(version))
                .and_then(|v| v.pointer("/schema/openAPIV3Schema"));
            if let Some(schema) = own.or_else(|| spec.pointer("/validation/openAPIV3Schema")) {
                let name = crd.name.as_deref().unwrap_or(kind);
                return Some((
                    schema.to_json(),
                    format!("CRD {name} ({})", crd.doc.file.display_path()),
                    false,
                ));
            }
        }
        let k = super::key(api_version, kind);
        if let Some(schema) = self.base.user.get(&k) {
            return Some((schema.clone(), "a user schema".to_string(), false));
        }
        if let Some(b) = self.bundled_for(api_version, kind) {
            return Some((
                b.openapi_schema(api_version, kind)?.clone(),
                "a bundled CRD".to_string(),
                false,
            ));
        }
        let schema = self.base.archive.schema(api_version, kind)?;
        Some((schema, format!("Kubernetes {}", self.base.archive.version), true))
    }
}

/// `node` with `$ref`s followed (within `defs`).
fn resolve<'a>(node: &'a Value, defs: Option<&'a Map<String, Value>>) -> &'a Value {
    resolve_at(node, defs, &mut Place::default())
}

/// `node` with `$ref`s followed (within `defs`), `place` moved to the definition entered last.
fn resolve_at<'a>(node: &'a Value, defs: Option<&'a Map<String, Value>>, place: &mut Place) -> &'a Value {
    let mut node = node;
    for _ in 0..32 {
        let Some(name) = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
        else {
            return node;
        };
        let Some(target) = defs.and_then(|d| d.get(name)) else {
            return node;
        };
        *place = Place {
            def: Some(name.to_string()),
            path: Vec::new(),
        };
        node = target;
    }
    node
}

/// A schema node reached by one step of a walk, and for a property, its place in the
/// definition that names it.
type Child<'a> = (&'a Value, Option<Place>);

/// The schema of `token` below `node` (a property, a map value, a list item), with `place`
/// moved along.
fn child<'a>(
    node: &'a Value,
    token: &str,
    defs: Option<&'a Map<String, Value>>,
    place: &mut Place,
) -> Option<Child<'a>> {
    let node = resolve_at(node, defs, place);
    if let Some(p) = node.get("properties").and_then(|p| p.get(token)) {
        place.path.push(token.to_string());
        let named = place.clone();
        return Some((resolve_at(p, defs, place), Some(named)));
    }
    // A list item or a map value is the field itself: it adds no name to the place.
    if let Some(items) = node.get("items") {
        // A list item: its index leads to the items' schema, nothing else does.
        return token
            .parse::<usize>()
            .ok()
            .map(|_| (resolve_at(items, defs, place), None));
    }
    if let Some(extra @ Value::Object(_)) = node.get("additionalProperties") {
        return Some((resolve_at(extra, defs, place), None));
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for branch in node.get(key).and_then(Value::as_array).into_iter().flatten() {
            let mut at = place.clone();
            if let Some(found) = child(branch, token, defs, &mut at) {
                *place = at;
                return Some(found);
            }
        }
    }
    None
}

fn types(node: &Value) -> Vec<&str> {
    match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect(),
        _ => Vec::new(),
    }
}

fn is_type(node: &Value, ty: &str) -> bool {
    types(node).contains(&ty)
}

/// The type of a schema node, for people.
fn type_name(node: &Value, defs: Option<&Map<String, Value>>, depth: usize) -> Option<String> {
    let node = resolve(node, defs);
    if node.get("x-kubernetes-int-or-string").and_then(Value::as_bool) == Some(true) {
        return Some("integer or string".into());
    }
    let mut ts = types(node);
    if ts.is_empty() {
        // `IntOrString` and the like: one type per branch.
        for key in ["oneOf", "anyOf"] {
            for branch in node.get(key).and_then(Value::as_array).into_iter().flatten() {
                for t in types(resolve(branch, defs)) {
                    if !ts.contains(&t) {
                        ts.push(t);
                    }
                }
            }
        }
    }
    let ty = match ts.as_slice() {
        [] if node.get("properties").is_some() => "object".to_string(),
        [] => return None,
        [one] => one.to_string(),
        many => many.join(" or "),
    };
    let inner = |key: &str| {
        (depth < 3)
            .then(|| node.get(key).filter(|v| v.is_object()))
            .flatten()
            .and_then(|v| type_name(v, defs, depth + 1))
    };
    Some(match ty.as_str() {
        "array" => match inner("items") {
            Some(item) => format!("array of {item}"),
            None => ty,
        },
        "object" if node.get("properties").is_none() => match inner("additionalProperties") {
            Some(value) => format!("map of {value}"),
            None => ty,
        },
        _ => match node.get("format").and_then(Value::as_str) {
            Some(format) => format!("{ty} ({format})"),
            None => ty,
        },
    })
}

/// What the schema says at `node`, which the walk reached at `place` (and, for a property,
/// `named`: its place in the definition that names it). Descriptions the schema lacks come
/// from `fallback`, the property's own before the one of the definition it refers to.
fn doc_of(
    node: &Value,
    defs: Option<&Map<String, Value>>,
    source: String,
    place: &Place,
    named: Option<&Place>,
    fallback: Option<&Fallback>,
) -> FieldDoc {
    let mut place = place.clone();
    let node = resolve_at(node, defs, &mut place);
    let looked_up = |places: &[Option<&Place>]| {
        let fallback = fallback?;
        places
            .iter()
            .flatten()
            .find_map(|p| fallback.descriptions.at(p))
            .map(str::to_string)
    };
    let mut description_from = None;
    let description = match node.get("description").and_then(Value::as_str) {
        Some(d) => Some(d.to_string()),
        None => looked_up(&[named, Some(&place)]).inspect(|_| {
            description_from = fallback.and_then(|f| f.note.clone());
        }),
    };
    let values = node
        .get("enum")
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default();
    // An array's fields are its items' (completion inside a list item).
    let object = match node.get("items") {
        Some(items) if is_type(node, "array") => resolve_at(items, defs, &mut place),
        _ => node,
    };
    let mut fields: Vec<(String, Option<String>, Option<String>)> = object
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(name, p)| {
                    let mut named = place.clone();
                    named.path.push(name.clone());
                    let mut at = named.clone();
                    let p = resolve_at(p, defs, &mut at);
                    let description = p
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .or_else(|| looked_up(&[Some(&named), Some(&at)]));
                    (name.clone(), type_name(p, defs, 0), description)
                })
                .collect()
        })
        .unwrap_or_default();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    FieldDoc {
        description,
        description_from,
        ty: type_name(node, defs, 0),
        values,
        source,
        fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{SchemaOptions, Schemas};

    fn path(p: &str) -> Vec<String> {
        p.split('/').filter(|t| !t.is_empty()).map(str::to_string).collect()
    }

    #[test]
    fn built_in_kinds_give_types_and_fields() {
        let schemas = Schemas::new(&SchemaOptions::default()).unwrap();
        let inventory = Inventory::default();
        let run = schemas.for_run(&inventory);
        let d = run
            .describe(
                &inventory,
                "apps/v1",
                "Deployment",
                &path("/spec/template/spec/containers/0/image"),
            )
            .unwrap();
        assert_eq!(d.ty.as_deref(), Some("string"));
        assert!(d.source.starts_with("Kubernetes 1."), "{}", d.source);
        let d = run
            .describe(
                &inventory,
                "apps/v1",
                "Deployment",
                &path("/spec/template/spec/containers"),
            )
            .unwrap();
        assert_eq!(d.ty.as_deref(), Some("array of object"));
        assert!(
            d.fields
                .iter()
                .any(|(n, t, _)| n == "imagePullPolicy" && t.as_deref() == Some("string"))
        );
        let d = run
            .describe(&inventory, "v1", "Service", &path("/spec/ports/0/targetPort"))
            .unwrap();
        assert_eq!(d.ty.as_deref(), Some("string or integer"));
        let d = run
            .describe(&inventory, "v1", "ConfigMap", &path("/metadata/labels"))
            .unwrap();
        assert_eq!(d.ty.as_deref(), Some("map of string"));
        assert!(run.describe(&inventory, "v1", "Pod", &path("/spec/nonsense")).is_none());
        assert!(run.describe(&inventory, "example.com/v1", "Nope", &[]).is_none());
    }

    #[test]
    fn built_in_kinds_give_the_descriptions_of_kubernetes_1_37() {
        let schemas = Schemas::new(&SchemaOptions::default()).unwrap();
        let inventory = Inventory::default();
        let run = schemas.for_run(&inventory);
        let describe = |api: &str, kind: &str, p: &str| run.describe(&inventory, api, kind, &path(p)).unwrap();
        let d = describe("apps/v1", "Deployment", "/spec/replicas");
        assert!(
            d.description.as_deref().unwrap().contains("Number of desired pods."),
            "{d:?}"
        );
        assert_eq!(d.description_from, None, "the run's version is the descriptions' own");
        assert_eq!(d.ty.as_deref(), Some("integer (int32)"));
        // Through a `$ref` and a list item: the Container definition's `image`.
        let d = describe("apps/v1", "Deployment", "/spec/template/spec/containers/0/image");
        assert!(
            d.description.as_deref().unwrap().starts_with("Container image name."),
            "{d:?}"
        );
        // A property that refers to a definition: its own description in the definition
        // that names it, before the referred definition's.
        let d = describe("apps/v1", "Deployment", "/spec/template");
        assert!(
            d.description
                .as_deref()
                .unwrap()
                .starts_with("Template describes the pods"),
            "{d:?}"
        );
        // A list item is described by its definition; the object itself too.
        let d = describe("apps/v1", "Deployment", "/spec/template/spec/containers/0");
        assert!(
            d.description
                .as_deref()
                .unwrap()
                .starts_with("A single application container"),
            "{d:?}"
        );
        let d = describe("apps/v1", "Deployment", "");
        assert!(
            d.description
                .as_deref()
                .unwrap()
                .starts_with("Deployment enables declarative updates"),
            "{d:?}"
        );
        // The fields offered for completion carry theirs.
        let d = describe("apps/v1", "Deployment", "/spec");
        let (_, _, replicas) = d.fields.iter().find(|(n, _, _)| n == "replicas").unwrap();
        assert!(replicas.as_deref().unwrap().contains("desired pods"), "{replicas:?}");
        let (_, _, template) = d.fields.iter().find(|(n, _, _)| n == "template").unwrap();
        assert!(
            template.as_deref().unwrap().starts_with("Template describes"),
            "{template:?}"
        );
        // A field Kubernetes leaves undescribed: type and place, no description.
        let d = describe(
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            "/spec/versions/0/schema/openAPIV3Schema/type",
        );
        assert_eq!((d.description, d.ty.as_deref()), (None, Some("string")));
        assert!(d.source.starts_with("Kubernetes 1."), "{}", d.source);

        // Another version: the same descriptions, said to come from 1.37.
        let options = SchemaOptions {
            kubernetes_version: "1.33".into(),
            ..SchemaOptions::default()
        };
        let schemas = Schemas::new(&options).unwrap();
        let run = schemas.for_run(&inventory);
        let d = run
            .describe(&inventory, "apps/v1", "Deployment", &path("/spec/replicas"))
            .unwrap();
        assert!(d.description.as_deref().unwrap().contains("desired pods"), "{d:?}");
        assert_eq!(d.description_from.as_deref(), Some("Kubernetes 1.37"));
        assert_eq!(d.source, "Kubernetes 1.33");
    }

    #[test]
    fn the_descriptions_archive_is_checked() {
        assert!(Descriptions::parse(b"KLSCHEMA1\n").is_err());
        assert!(Descriptions::parse(b"KLDESC1\nnot zlib").is_err());
        let d = Descriptions::builtin().unwrap();
        assert_eq!(d.version, super::super::archive::DEFAULT_VERSION);
        let at = |def: &str, path: &[&str]| {
            d.at(&Place {
                def: Some(def.to_string()),
                path: path.iter().map(|p| p.to_string()).collect(),
            })
        };
        assert!(at("io.k8s.api.apps.v1.DeploymentSpec", &["replicas"]).is_some());
        assert!(at("io.k8s.api.apps.v1.DeploymentSpec", &["nonsense"]).is_none());
        assert!(at("io.k8s.api.core.v1.Container", &[]).is_some());
        assert!(d.at(&Place::default()).is_none());
    }

    #[test]
    fn crds_of_the_run_give_descriptions() {
        let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec:\n            type: object\n            description: What the widget should be.\n            properties:\n              size: {type: integer, description: How many gears the widget turns., enum: [1, 2]}\n";
        let loaded = crate::load::load_file(std::sync::Arc::new(crate::load::SourceFile::new(
            "crd.yaml",
            crd.to_string(),
        )));
        let inventory = Inventory::build(loaded.documents, "default");
        let schemas = Schemas::new(&SchemaOptions::default()).unwrap();
        let run = schemas.for_run(&inventory);
        let d = run
            .describe(&inventory, "example.com/v1", "Widget", &path("/spec/size"))
            .unwrap();
        assert_eq!(d.description.as_deref(), Some("How many gears the widget turns."));
        assert_eq!(d.ty.as_deref(), Some("integer"));
        assert_eq!(d.values, ["1", "2"]);
        assert_eq!(d.source, "CRD widgets.example.com (crd.yaml)");
        let d = run
            .describe(&inventory, "example.com/v1", "Widget", &path("/spec"))
            .unwrap();
        assert_eq!(d.description.as_deref(), Some("What the widget should be."));
        assert_eq!(d.fields.len(), 1);
        assert!(
            run.describe(&inventory, "example.com/v2", "Widget", &path("/spec"))
                .is_none()
        );
    }
}
