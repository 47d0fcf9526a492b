//! What the schema says about one field of a kind: its description, its type and the
//! fields below it (the language server's hover and completion).
//!
//! The schema is the one validation uses, looked up in the same order: a CRD among the
//! run's objects (its `openAPIV3Schema` as written, descriptions included), a user schema
//! (`--crd`, `--schema-dir`), a bundled CRD, the built-in Kubernetes schemas. The built-in
//! and bundled archives are stored without descriptions (`schemas/generate.py`), so for
//! those kinds a field's type and place are known, not its documentation.

use serde_json::{Map, Value};

use super::RunSchemas;
use crate::load::Node;
use crate::model::Inventory;

/// One field as the schema describes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldDoc {
    /// The schema's `description`, when it has one.
    pub description: Option<String>,
    /// The type, for people: `string`, `integer or string`, `array of object`, `map of string`.
    pub ty: Option<String>,
    /// Allowed values (`enum`), when the schema lists them.
    pub values: Vec<String>,
    /// Where the schema comes from: `Kubernetes 1.37`, `CRD widgets.example.com (crds.yaml)`.
    pub source: String,
    /// The fields an object value may have: name, type, description.
    pub fields: Vec<(String, Option<String>, Option<String>)>,
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
        let (root, source) = self.documented_schema(inventory, api_version, kind)?;
        let defs = root.get("$defs").and_then(Value::as_object);
        let mut node = resolve(&root, defs);
        for token in path {
            node = child(node, token, defs)?;
        }
        Some(doc_of(node, defs, source))
    }

    /// The schema of a kind with as much documentation as is kept, and its source.
    fn documented_schema(&self, inventory: &Inventory, api_version: &str, kind: &str) -> Option<(Value, String)> {
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
                ));
            }
        }
        let k = super::key(api_version, kind);
        if let Some(schema) = self.base.user.get(&k) {
            return Some((schema.clone(), "a user schema".to_string()));
        }
        if let Some(b) = self.bundled_for(api_version, kind) {
            return Some((
                b.openapi_schema(api_version, kind)?.clone(),
                "a bundled CRD".to_string(),
            ));
        }
        let schema = self.base.archive.schema(api_version, kind)?;
        Some((schema, format!("Kubernetes {}", self.base.archive.version)))
    }
}

/// `node` with `$ref`s followed (within `defs`), and `allOf` branches merged into it.
fn resolve<'a>(node: &'a Value, defs: Option<&'a Map<String, Value>>) -> &'a Value {
    let mut node = node;
    for _ in 0..32 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix("#/$defs/").and_then(|name| defs?.get(name)) {
                Some(target) => node = target,
                None => return node,
            },
            None => return node,
        }
    }
    node
}

/// The schema of `token` below `node`: a property, a map value, a list item.
fn child<'a>(node: &'a Value, token: &str, defs: Option<&'a Map<String, Value>>) -> Option<&'a Value> {
    let node = resolve(node, defs);
    if let Some(p) = node.get("properties").and_then(|p| p.get(token)) {
        return Some(resolve(p, defs));
    }
    if let Some(items) = node.get("items") {
        // A list item: its index leads to the items' schema, nothing else does.
        return token.parse::<usize>().ok().map(|_| resolve(items, defs));
    }
    if let Some(extra @ Value::Object(_)) = node.get("additionalProperties") {
        return Some(resolve(extra, defs));
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(found) = node
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|b| child(b, token, defs))
        {
            return Some(found);
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

fn doc_of(node: &Value, defs: Option<&Map<String, Value>>, source: String) -> FieldDoc {
    let node = resolve(node, defs);
    let description = node.get("description").and_then(Value::as_str).map(str::to_string);
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
        Some(items) if is_type(node, "array") => resolve(items, defs),
        _ => node,
    };
    let mut fields: Vec<(String, Option<String>, Option<String>)> = object
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(name, p)| {
                    let p = resolve(p, defs);
                    let description = p.get("description").and_then(Value::as_str).map(str::to_string);
                    (name.clone(), type_name(p, defs, 0), description)
                })
                .collect()
        })
        .unwrap_or_default();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    FieldDoc {
        description,
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
