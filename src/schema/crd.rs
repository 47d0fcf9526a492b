//! CustomResourceDefinitions: each served version's `openAPIV3Schema`, turned into a JSON
//! Schema (draft 2020-12) that validates custom resources the way the API server does.
//!
//! - `nullable: true` also accepts null;
//! - `x-kubernetes-int-or-string: true` accepts an integer or a string;
//! - `x-kubernetes-preserve-unknown-fields: true` keeps unknown fields below it;
//! - `x-kubernetes-embedded-resource: true` accepts `apiVersion`, `kind` and `metadata`;
//! - OpenAPI 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers;
//! - every other object rejects fields it does not list (`unknown-field`), as the API
//!   server prunes them.

use serde_json::{Map, Value, json};

use crate::load::Node;

/// One version of a custom resource kind.
#[derive(Debug, Clone)]
pub struct CrdVersion {
    /// `group/version`.
    pub api_version: String,
    pub kind: String,
    pub served: bool,
    /// The JSON schema, `None` when the CRD gives none for this version.
    pub schema: Option<Value>,
    /// The `openAPIV3Schema` as written, when it holds CEL rules (`x-kubernetes-validations`).
    #[cfg_attr(not(feature = "cel"), allow(dead_code))]
    pub cel: Option<std::sync::Arc<CelSource>>,
}

/// A schema with CEL rules, as written, and where it sits in its CRD.
#[derive(Debug)]
#[cfg_attr(not(feature = "cel"), allow(dead_code))]
pub struct CelSource {
    pub schema: Value,
    /// JSON pointer of the `openAPIV3Schema` in the CRD object.
    pub pointer: String,
}

/// The CEL source of a schema node at `pointer`, when the schema holds rules.
fn cel_source(schema: &Node, pointer: &str) -> Option<std::sync::Arc<CelSource>> {
    fn has_rules(n: &Node) -> bool {
        match &n.value {
            crate::load::Value::Map(entries) => entries
                .iter()
                .any(|e| e.key == "x-kubernetes-validations" || has_rules(&e.value)),
            crate::load::Value::Seq(items) => items.iter().any(has_rules),
            _ => false,
        }
    }
    has_rules(schema).then(|| {
        std::sync::Arc::new(CelSource {
            schema: schema.to_json(),
            pointer: pointer.to_string(),
        })
    })
}

/// The versions a CRD object (`apiextensions.k8s.io/v1` or `v1beta1`) declares.
pub fn versions(crd: &Node) -> Vec<CrdVersion> {
    let Some(spec) = crd.get("spec") else { return Vec::new() };
    let (Some(group), Some(kind)) = (
        spec.get("group").and_then(Node::as_str),
        spec.pointer("/names/kind").and_then(Node::as_str),
    ) else {
        return Vec::new();
    };
    // v1beta1: one schema for all versions under spec.validation.
    let shared = spec.pointer("/validation/openAPIV3Schema");
    let mut out = Vec::new();
    let listed = spec.seq_of("versions");
    let single = spec.get("version").and_then(Node::as_str);
    for (i, v) in listed.iter().enumerate() {
        let Some(name) = v.get("name").and_then(Node::as_str) else {
            continue;
        };
        let own = v.pointer("/schema/openAPIV3Schema");
        let schema = own.or(shared);
        let cel = match own {
            Some(s) => cel_source(s, &format!("/spec/versions/{i}/schema/openAPIV3Schema")),
            None => shared.and_then(|s| cel_source(s, "/spec/validation/openAPIV3Schema")),
        };
        out.push(CrdVersion {
            api_version: format!("{group}/{name}"),
            kind: kind.to_string(),
            served: v.get("served").and_then(Node::as_bool).unwrap_or(true),
            schema: schema.map(|s| root_schema(&s.to_json())),
            cel,
        });
    }
    if listed.is_empty()
        && let Some(name) = single
    {
        out.push(CrdVersion {
            api_version: format!("{group}/{name}"),
            kind: kind.to_string(),
            served: true,
            schema: shared.map(|s| root_schema(&s.to_json())),
            cel: shared.and_then(|s| cel_source(s, "/spec/validation/openAPIV3Schema")),
        });
    }
    out
}

/// How Kubernetes orders versions: GA before beta before alpha, then by number
/// (`v2` > `v1` > `v1beta2` > `v1beta1` > `v1alpha1`); names of another form come last.
pub fn version_priority(version: &str) -> (u8, u32, u32) {
    let Some(rest) = version.strip_prefix('v') else {
        return (0, 0, 0);
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let Ok(major) = rest[..digits].parse::<u32>() else {
        return (0, 0, 0);
    };
    let tail = &rest[digits..];
    let (stage, minor) = if tail.is_empty() {
        (3, 0)
    } else if let Some(n) = tail.strip_prefix("beta") {
        (2, n.parse().unwrap_or(0))
    } else if let Some(n) = tail.strip_prefix("alpha") {
        (1, n.parse().unwrap_or(0))
    } else {
        return (0, 0, 0);
    };
    (stage, major, minor)
}

/// The newest served version of one CRD's versions.
pub fn newest_served(versions: &[CrdVersion]) -> Option<&str> {
    versions
        .iter()
        .filter(|v| v.served)
        .map(|v| v.api_version.split_once('/').map_or(v.api_version.as_str(), |(_, v)| v))
        .max_by_key(|v| version_priority(v))
}

/// Which of two CRDs of one kind to believe: the newest served version, then the most
/// served versions (the larger being the later copy).
pub fn preference(versions: &[CrdVersion]) -> ((u8, u32, u32), usize) {
    (
        newest_served(versions).map_or((0, 0, 0), version_priority),
        versions.iter().filter(|v| v.served).count(),
    )
}

/// The schema of a whole custom resource: `apiVersion`, `kind` and `metadata` are always
/// allowed at the root.
pub(crate) fn root_schema(openapi: &Value) -> Value {
    let mut s = convert(openapi);
    if let Some(obj) = s.as_object_mut() {
        let props = obj.entry("properties").or_insert_with(|| json!({}));
        if let Some(props) = props.as_object_mut() {
            props.entry("apiVersion").or_insert_with(|| json!({"type": "string"}));
            props.entry("kind").or_insert_with(|| json!({"type": "string"}));
            props.insert("metadata".into(), json!({"type": "object"}));
        }
        obj.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    }
    s
}

const COPIED: [&str; 12] = [
    "required",
    "enum",
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "multipleOf",
];

/// Converts one OpenAPI v3 schema node (and everything below it).
pub fn convert(s: &Value) -> Value {
    convert_in(s, false)
}

/// `branch`: the node is inside `allOf`/`anyOf`/`oneOf`/`not`. A structural schema's
/// branches only add value validations to fields the main schema declares; they never
/// close an object, or an object valid against the main schema would fail a branch that
/// lists only some of its fields.
fn convert_in(s: &Value, branch: bool) -> Value {
    let Some(src) = s.as_object() else { return json!({}) };
    let mut out = Map::new();
    for key in COPIED {
        if let Some(v) = src.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    for key in ["minimum", "maximum"] {
        if let Some(v) = src.get(key) {
            let exclusive = format!("exclusive{}{}", key[..1].to_uppercase(), &key[1..]);
            if src.get(&exclusive).and_then(Value::as_bool) == Some(true) {
                out.insert(exclusive, v.clone());
            } else {
                out.insert(key.into(), v.clone());
            }
        }
    }
    if let Some(props) = src.get("properties").and_then(Value::as_object) {
        out.insert(
            "properties".into(),
            Value::Object(props.iter().map(|(k, v)| (k.clone(), convert_in(v, branch))).collect()),
        );
        // The API server applies defaults before it validates: a required field with a
        // `default` is never missing.
        if let Some(Value::Array(required)) = out.get_mut("required") {
            required.retain(|r| {
                r.as_str()
                    .and_then(|r| props.get(r))
                    .and_then(|p| p.get("default"))
                    .is_none()
            });
        }
    }
    if let Some(items) = src.get("items") {
        out.insert("items".into(), convert_in(items, branch));
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = src.get(key).and_then(Value::as_array) {
            out.insert(
                key.into(),
                Value::Array(list.iter().map(|b| convert_in(b, true)).collect()),
            );
        }
    }
    if let Some(not) = src.get("not") {
        out.insert("not".into(), convert_in(not, true));
    }
    let preserve = src.get("x-kubernetes-preserve-unknown-fields").and_then(Value::as_bool) == Some(true);
    let embedded = src.get("x-kubernetes-embedded-resource").and_then(Value::as_bool) == Some(true);
    match src.get("additionalProperties") {
        Some(Value::Object(a)) => {
            out.insert(
                "additionalProperties".into(),
                convert_in(&Value::Object(a.clone()), branch),
            );
        }
        Some(Value::Bool(b)) => {
            out.insert("additionalProperties".into(), Value::Bool(*b));
        }
        _ if out.contains_key("properties") && !preserve && !embedded && !branch => {
            out.insert("additionalProperties".into(), Value::Bool(false));
        }
        _ => {}
    }
    if embedded {
        let props = out.entry("properties").or_insert_with(|| json!({}));
        if let Some(p) = props.as_object_mut() {
            p.entry("apiVersion").or_insert_with(|| json!({"type": "string"}));
            p.entry("kind").or_insert_with(|| json!({"type": "string"}));
            p.entry("metadata").or_insert_with(|| json!({"type": "object"}));
        }
    }
    let nullable = src.get("nullable").and_then(Value::as_bool) == Some(true);
    if src.get("x-kubernetes-int-or-string").and_then(Value::as_bool) == Some(true) {
        let mut types = vec![json!("integer"), json!("string")];
        if nullable {
            types.push(json!("null"));
        }
        out.insert("type".into(), Value::Array(types));
    } else if let Some(t) = src.get("type").and_then(Value::as_str) {
        out.insert("type".into(), if nullable { json!([t, "null"]) } else { json!(t) });
        if nullable && let Some(Value::Array(e)) = out.get_mut("enum") {
            e.push(Value::Null);
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_honoured() {
        let s = convert(&json!({
            "type": "object",
            "properties": {
                "port": {"x-kubernetes-int-or-string": true},
                "note": {"type": "string", "nullable": true, "enum": ["a"]},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "count": {"type": "integer", "minimum": 0, "exclusiveMinimum": true},
                "tmpl": {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true}
            }
        }));
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(s["properties"]["port"]["type"], json!(["integer", "string"]));
        assert_eq!(s["properties"]["note"]["type"], json!(["string", "null"]));
        assert_eq!(s["properties"]["note"]["enum"], json!(["a", null]));
        assert!(s["properties"]["free"].get("additionalProperties").is_none());
        assert_eq!(s["properties"]["count"]["exclusiveMinimum"], 0);
        assert!(s["properties"]["tmpl"]["properties"]["kind"].is_object());
    }

    /// Gateway API's `addresses`: the branches name one field each; an address with
    /// `type` and `value` is valid against both the main schema and its branch.
    #[test]
    fn branches_do_not_close_objects() {
        let s = root_schema(&json!({
            "type": "object",
            "properties": {"spec": {"type": "object", "properties": {"addresses": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"type": {"type": "string"}, "value": {"type": "string"}},
                    "oneOf": [
                        {"properties": {"type": {"enum": ["IPAddress"]}}, "required": ["value"]},
                        {"properties": {"type": {"enum": ["Hostname"]}}, "required": ["value"]}
                    ]
                }
            }}}}
        }));
        let items = &s["properties"]["spec"]["properties"]["addresses"]["items"];
        assert_eq!(items["additionalProperties"], false, "the main schema is closed");
        assert!(items["oneOf"][0].get("additionalProperties").is_none(), "{items}");
        let validator = jsonschema::validator_for(&s).unwrap();
        let ok = json!({"apiVersion": "g/v1", "kind": "K", "spec": {"addresses": [{"type": "IPAddress", "value": "10.0.0.1"}]}});
        assert!(validator.is_valid(&ok));
        let unknown = json!({"apiVersion": "g/v1", "kind": "K", "spec": {"addresses": [{"type": "IPAddress", "value": "1", "port": 1}]}});
        assert!(
            !validator.is_valid(&unknown),
            "fields the main schema does not list are still unknown"
        );
    }

    #[test]
    fn required_fields_with_defaults_are_never_missing() {
        let s = convert(&json!({"type": "object", "required": ["mode", "name"], "properties": {
            "mode": {"type": "string", "default": "managed"}, "name": {"type": "string"}}}));
        assert_eq!(s["required"], json!(["name"]));
    }

    #[test]
    fn versions_are_ordered_as_kubernetes_orders_them() {
        let mut v = ["v1alpha1", "v1", "v2beta1", "v1beta2", "v2", "v1beta1", "foo"];
        v.sort_by_key(|v| std::cmp::Reverse(version_priority(v)));
        assert_eq!(v, ["v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v1alpha1", "foo"]);
    }
}
