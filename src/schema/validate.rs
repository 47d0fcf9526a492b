//! Compiled validators, and validation errors turned into findings' messages and places.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::load::Node;

/// A compiled schema.
pub struct Compiled {
    pub validator: jsonschema::Validator,
    /// The schema it was compiled from (for "did you mean" on unknown fields).
    pub schema: Value,
}

type Cell = Arc<OnceLock<Option<Result<Arc<Compiled>, String>>>>;

/// Validators by key, each compiled at most once however many threads ask.
#[derive(Default)]
pub struct ValidatorCache {
    cells: Mutex<HashMap<String, Cell>>,
    compiled: AtomicUsize,
}

impl ValidatorCache {
    /// The validator for `key`; `make` supplies the schema the first time (`None`: there
    /// is no schema for this key). A schema that does not compile is an `Err`.
    pub fn get(&self, key: &str, make: impl FnOnce() -> Option<Value>) -> Option<Result<Arc<Compiled>, String>> {
        let cell = {
            let mut cells = self.cells.lock().expect("validator cache lock");
            Arc::clone(cells.entry(key.to_string()).or_default())
        };
        cell.get_or_init(|| {
            let schema = make()?;
            self.compiled.fetch_add(1, Ordering::Relaxed);
            let compiled = jsonschema::options()
                .should_validate_formats(true)
                .should_ignore_unknown_formats(true)
                // Kubernetes' meaning of these formats, not JSON Schema's.
                .with_format("duration", is_go_duration)
                .with_format("uri", |_: &str| true)
                .build(&schema)
                .map(|validator| Arc::new(Compiled { validator, schema }))
                .map_err(|e| e.to_string());
            Some(compiled)
        })
        .clone()
    }

    /// How many schemas were compiled.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn compiled(&self) -> usize {
        self.compiled.load(Ordering::Relaxed)
    }
}

/// The range of an integer `format` as the API server enforces it: a Go `int32` or
/// `int64` field cannot hold a number outside it (`replicas: 1e30` is rejected, not
/// clamped).
fn integer_range(format: &str) -> Option<(i64, i64)> {
    match format {
        "int32" => Some((i32::MIN.into(), i32::MAX.into())),
        "int64" => Some((i64::MIN, i64::MAX)),
        _ => None,
    }
}

fn is_integer_type(node: &serde_json::Map<String, Value>) -> bool {
    match node.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
        _ => false,
    }
}

/// Gives every integer schema with `format: int32` or `int64` the `minimum` and `maximum`
/// of its format (keeping a tighter bound the schema has): JSON Schema validators check
/// formats of strings only, so without this a number out of range passes (and rules read
/// it as absent). For the built-in kinds, whose Go fields are `int32` and `int64`.
pub fn add_integer_ranges(schema: &mut Value) {
    match schema {
        Value::Object(node) => {
            if is_integer_type(node)
                && let Some((min, max)) = node.get("format").and_then(Value::as_str).and_then(integer_range)
            {
                let tighter =
                    |key: &str, bound: i64, keep: fn(f64, f64) -> bool, node: &serde_json::Map<String, Value>| {
                        node.get(key)
                            .and_then(Value::as_f64)
                            .is_some_and(|have| keep(have, bound as f64))
                    };
                if !tighter("minimum", min, |have, b| have >= b, node) {
                    node.insert("minimum".into(), min.into());
                }
                if !tighter("maximum", max, |have, b| have <= b, node) {
                    node.insert("maximum".into(), max.into());
                }
            }
            for (key, value) in node.iter_mut() {
                // Values, not schemas: leave them as they are.
                if !matches!(key.as_str(), "enum" | "const" | "default" | "example" | "examples") {
                    add_integer_ranges(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(add_integer_ranges),
        _ => {}
    }
}

/// Go's `time.ParseDuration` syntax, which Kubernetes uses for `format: duration`:
/// `0`, or signed decimal numbers with units (`300ms`, `1.5h`, `2h45m`).
pub fn is_go_duration(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if s == "0" {
        return true;
    }
    let mut rest = s;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..digits];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
            .iter()
            .filter(|u| rest.starts_with(**u))
            .max_by_key(|u| u.len());
        match unit {
            Some(u) => rest = &rest[u.len()..],
            None => return false,
        }
    }
    true
}

/// What went wrong at one place.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A field the schema does not define (`pointer` is the field itself).
    UnknownField {
        pointer: String,
        field: String,
        suggestion: Option<String>,
    },
    /// A required field is missing from the object at `pointer`.
    Missing { pointer: String, field: String },
    /// The value at `pointer` is wrong; `expected` says what was expected.
    Invalid { pointer: String, expected: String },
}

/// `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image`.
pub fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for token in crate::load::node::pointer_tokens(pointer).unwrap_or_default() {
        if token.parse::<usize>().is_ok() {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    if out.is_empty() { "(root)".into() } else { out }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn found(v: &Value) -> String {
    match v {
        Value::String(s) if is_number_beyond_float64(s) => {
            format!("{s}, a number beyond the float64 range (not a number for kubectl: YAML reads it as a string)")
        }
        Value::String(s) if s.chars().count() <= 40 => format!("string \"{s}\""),
        Value::Number(n) => format!("{} {n}", type_name(v)),
        Value::Bool(b) => format!("boolean {b}"),
        other => type_name(other).to_string(),
    }
}

/// `1e400`: what go-yaml (and so kubectl) reads as a string because Go cannot parse it as
/// a float64.
fn is_number_beyond_float64(s: &str) -> bool {
    let cleaned = s.replace('_', "");
    s.len() <= 1000
        && crate::load::scalar::is_yaml_float(&cleaned)
        && cleaned.parse::<f64>().is_ok_and(f64::is_infinite)
}

/// The message for a bound from an integer format (`int32`), if `limit` is one.
fn integer_format_bound(compiled: &Compiled, schema_path: &str, limit: &Value, found: &str) -> Option<String> {
    let parent = schema_path.rsplit_once('/').map_or("", |(p, _)| p);
    let format = resolve(&compiled.schema, parent)?.get("format")?.as_str()?;
    let (min, max) = integer_range(format)?;
    let limit = limit.as_i64()?;
    (limit == min || limit == max).then(|| format!("expected an {format} ({min} to {max}), found {found}"))
}

/// Follows a keyword location through the schema, jumping across local `$ref`s.
fn resolve<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    let mut node = root;
    for token in crate::load::node::pointer_tokens(path)? {
        if token == "$ref" {
            let target = node.get("$ref")?.as_str()?.strip_prefix("#")?;
            node = root.pointer(target)?;
            continue;
        }
        node = match node {
            Value::Object(m) => m.get(&token)?,
            Value::Array(a) => a.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The types a schema node accepts, nulls aside (`integer or string`).
fn accepted_types(node: &Value) -> Vec<String> {
    let mut out: Vec<String> = match node.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts.iter().filter_map(|t| t.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    };
    for key in ["oneOf", "anyOf"] {
        for alt in node.get(key).and_then(Value::as_array).into_iter().flatten() {
            out.extend(accepted_types(alt));
        }
    }
    out.retain(|t| t != "null");
    out.dedup();
    out
}

fn nearest<'a>(name: &str, candidates: impl Iterator<Item = &'a String>) -> Option<String> {
    let lower = name.to_lowercase();
    candidates
        .map(|c| (crate::vocab::suggest::strsim(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.clone())
}

/// Validates `instance` and describes every problem.
pub fn problems(compiled: &Compiled, instance: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    for error in compiled.validator.iter_errors(instance) {
        let pointer = error.instance_path().as_str().to_string();
        let schema_path = error.schema_path().as_str().to_string();
        let problem = match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let parent = schema_path
                    .strip_suffix("/additionalProperties")
                    .unwrap_or(&schema_path);
                let known = resolve(&compiled.schema, parent)
                    .and_then(|s| s.get("properties"))
                    .and_then(Value::as_object);
                for field in unexpected {
                    out.push(Problem::UnknownField {
                        pointer: crate::load::node::pointer_push(&pointer, field),
                        field: field.clone(),
                        suggestion: known.and_then(|k| nearest(field, k.keys())),
                    });
                }
                continue;
            }
            ValidationErrorKind::Required { property } => Problem::Missing {
                pointer,
                field: property.as_str().unwrap_or_default().to_string(),
            },
            ValidationErrorKind::Type { kind } => {
                let expected = match kind {
                    TypeKind::Single(t) => t.to_string(),
                    TypeKind::Multiple(ts) => ts
                        .iter()
                        .map(|t| t.to_string())
                        .filter(|t| t != "null")
                        .collect::<Vec<_>>()
                        .join(" or "),
                };
                Problem::Invalid {
                    expected: format!("expected {expected}, found {}", found(error.instance())),
                    pointer,
                }
            }
            ValidationErrorKind::Enum { options } => {
                let opts: Vec<String> = options
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|o| !o.is_null())
                    .map(|o| o.to_string())
                    .collect();
                Problem::Invalid {
                    expected: format!("expected one of {}, found {}", opts.join(", "), found(error.instance())),
                    pointer,
                }
            }
            ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. } => {
                // The keyword location names the `oneOf` list; its parent holds the alternatives.
                let (parent, keyword) = schema_path.rsplit_once('/').unwrap_or(("", "oneOf"));
                let node = resolve(&compiled.schema, parent);
                let types = node.map(accepted_types).unwrap_or_default();
                let found_type = type_name(error.instance());
                let alternatives = node
                    .and_then(|n| n.get(keyword))
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                let expected = if types.is_empty()
                    || types
                        .iter()
                        .any(|t| t == found_type || (t == "number" && found_type == "integer"))
                {
                    // The type is right: the value fails every alternative's other constraints.
                    format!(
                        "the {found_type} matches none of the {alternatives} forms the schema allows here (`{keyword}`): check the fields each form requires"
                    )
                } else {
                    format!("expected {}, found {}", types.join(" or "), found(error.instance()))
                };
                Problem::Invalid { expected, pointer }
            }
            ValidationErrorKind::Minimum { limit } => Problem::Invalid {
                expected: integer_format_bound(compiled, &schema_path, limit, &found(error.instance()))
                    .unwrap_or_else(|| format!("expected at least {limit}, found {}", found(error.instance()))),
                pointer,
            },
            ValidationErrorKind::Maximum { limit } => Problem::Invalid {
                expected: integer_format_bound(compiled, &schema_path, limit, &found(error.instance()))
                    .unwrap_or_else(|| format!("expected at most {limit}, found {}", found(error.instance()))),
                pointer,
            },
            ValidationErrorKind::ExclusiveMinimum { limit } => Problem::Invalid {
                expected: format!("expected more than {limit}, found {}", found(error.instance())),
                pointer,
            },
            ValidationErrorKind::ExclusiveMaximum { limit } => Problem::Invalid {
                expected: format!("expected less than {limit}, found {}", found(error.instance())),
                pointer,
            },
            ValidationErrorKind::Pattern { pattern } => Problem::Invalid {
                expected: format!("expected text matching `{pattern}`, found {}", found(error.instance())),
                pointer,
            },
            ValidationErrorKind::Format { format } => Problem::Invalid {
                expected: format!("expected a {format}, found {}", found(error.instance())),
                pointer,
            },
            ValidationErrorKind::MaxLength { limit } => Problem::Invalid {
                expected: format!("expected at most {limit} characters"),
                pointer,
            },
            ValidationErrorKind::MinLength { limit } => Problem::Invalid {
                expected: format!("expected at least {limit} characters"),
                pointer,
            },
            ValidationErrorKind::MaxItems { limit } => Problem::Invalid {
                expected: format!("expected at most {limit} items"),
                pointer,
            },
            ValidationErrorKind::MinItems { limit } => Problem::Invalid {
                expected: format!("expected at least {limit} items"),
                pointer,
            },
            _ => Problem::Invalid {
                expected: error.to_string(),
                pointer,
            },
        };
        out.push(problem);
    }
    out
}

/// The object as the API server validates it: a field set to `null` is unset (JSON
/// decoding leaves it at its zero value, and a CRD's structural pruning drops it unless
/// the schema says `nullable: true`), so it is dropped from mappings before validation. A
/// required field written as `null` is then reported as missing, as the API server does.
pub fn as_decoded(node: &Node) -> Value {
    use crate::load::Value as V;
    match &node.value {
        V::Map(entries) => Value::Object(
            entries
                .iter()
                .filter(|e| !e.value.is_null())
                .map(|e| (e.key.to_string(), as_decoded(&e.value)))
                .collect(),
        ),
        V::Seq(items) => Value::Array(items.iter().map(as_decoded).collect()),
        _ => node.to_json(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compiles_once_and_describes_problems() {
        let cache = ValidatorCache::default();
        let schema = json!({
            "$defs": {"Spec": {"type": "object", "additionalProperties": false, "required": ["size"],
                "properties": {"size": {"type": "integer", "maximum": 10}, "imagePullPolicy": {"enum": ["Always", "Never"]},
                    "port": {"oneOf": [{"type": "integer"}, {"type": "string"}]}}}},
            "type": "object", "properties": {"spec": {"$ref": "#/$defs/Spec"}}
        });
        for _ in 0..3 {
            assert!(cache.get("k", || Some(schema.clone())).unwrap().is_ok());
        }
        assert_eq!(cache.compiled(), 1);
        let c = cache.get("k", || unreachable!()).unwrap().unwrap();
        let got = problems(&c, &json!({"spec": {"imagePullPolicyy": "Always", "port": true}}));
        assert!(
            got.contains(&Problem::UnknownField {
                pointer: "/spec/imagePullPolicyy".into(),
                field: "imagePullPolicyy".into(),
                suggestion: Some("imagePullPolicy".into())
            }),
            "{got:?}"
        );
        assert!(got.contains(&Problem::Missing {
            pointer: "/spec".into(),
            field: "size".into()
        }));
        assert!(
            got.contains(&Problem::Invalid {
                pointer: "/spec/port".into(),
                expected: "expected integer or string, found boolean true".into()
            }),
            "{got:?}"
        );
        let got = problems(&c, &json!({"spec": {"size": "two"}}));
        assert_eq!(
            got,
            vec![Problem::Invalid {
                pointer: "/spec/size".into(),
                expected: "expected integer, found string \"two\"".into()
            }]
        );
        let got = problems(&c, &json!({"spec": {"size": 11}}));
        assert_eq!(
            got,
            vec![Problem::Invalid {
                pointer: "/spec/size".into(),
                expected: "expected at most 10, found integer 11".into()
            }]
        );
        assert!(cache.get("none", || None).is_none());
    }

    #[test]
    fn integer_formats_bound_their_values() {
        let cache = ValidatorCache::default();
        let schema = json!({
            "type": "object",
            "properties": {
                "replicas": {"type": ["integer", "null"], "format": "int32"},
                "uid": {"type": "integer", "format": "int64"},
                "port": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 65535},
                "any": {"type": "number"}
            }
        });
        let c = cache
            .get("k", || {
                let mut schema = schema;
                add_integer_ranges(&mut schema);
                Some(schema)
            })
            .unwrap()
            .unwrap();
        let expect = |instance: Value, want: &[&str]| {
            let got: Vec<String> = problems(&c, &instance)
                .into_iter()
                .map(|p| match p {
                    Problem::Invalid { pointer, expected } => format!("{pointer}: {expected}"),
                    other => format!("{other:?}"),
                })
                .collect();
            assert_eq!(got, want, "{instance}");
        };
        let int32 = "expected an int32 (-2147483648 to 2147483647)";
        let int64 = "expected an int64 (-9223372036854775808 to 9223372036854775807)";
        expect(
            json!({"replicas": 2147483647, "uid": i64::MIN, "port": 443, "any": 1e300}),
            &[],
        );
        expect(
            json!({"replicas": 1e30}),
            &[&format!("/replicas: {int32}, found number 1e+30")],
        );
        expect(
            json!({"replicas": 1e20}),
            &[&format!("/replicas: {int32}, found number 1e+20")],
        );
        expect(
            json!({"replicas": 2147483648_i64}),
            &[&format!("/replicas: {int32}, found integer 2147483648")],
        );
        expect(
            json!({"replicas": -2147483649_i64}),
            &[&format!("/replicas: {int32}, found integer -2147483649")],
        );
        // 2^63 as a float is one above i64::MAX: out of range, not rounded into it.
        expect(
            json!({"uid": 9223372036854775808.0}),
            &[&format!("/uid: {int64}, found number 9.223372036854776e+18")],
        );
        expect(json!({"uid": -1e19}), &[&format!("/uid: {int64}, found number -1e+19")]);
        // A tighter bound of the schema's own stays, with its own message.
        expect(
            json!({"port": 1e30}),
            &["/port: expected at most 65535, found number 1e+30"],
        );
        expect(
            json!({"replicas": "inf"}),
            &["/replicas: expected integer, found string \"inf\""],
        );
        expect(
            json!({"replicas": "1e400"}),
            &[
                "/replicas: expected integer, found 1e400, a number beyond the float64 range (not a number for kubectl: YAML reads it as a string)",
            ],
        );
    }

    #[test]
    fn go_durations() {
        for ok in ["0", "1s", "300ms", "1.5h", "2h45m", "-1m", "10µs"] {
            assert!(is_go_duration(ok), "{ok}");
        }
        for bad in ["", "1", "P1D", "1d", "h", "1.2.3s", "5 m"] {
            assert!(!is_go_duration(bad), "{bad}");
        }
    }

    #[test]
    fn dotted_paths() {
        assert_eq!(
            dotted("/spec/template/spec/containers/0/image"),
            "spec.template.spec.containers[0].image"
        );
        assert_eq!(dotted(""), "(root)");
    }
}
