//! The built-in Kubernetes schemas: one archive per version, embedded in the binary and
//! written by `schemas/generate.py` (see its docstring for the format). A kind's schema is
//! assembled from the definitions it reaches, each decompressed once, on first use.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

/// Kubernetes versions whose schemas ship in the binary.
pub const VERSIONS: [&str; 5] = ["1.33", "1.34", "1.35", "1.36", "1.37"];
/// The version used unless `--kubernetes-version` says otherwise.
pub const DEFAULT_VERSION: &str = "1.37";

fn bytes(version: &str) -> Option<&'static [u8]> {
    Some(match version {
        "1.33" => include_bytes!("../../schemas/kubernetes-1.33.bin"),
        "1.34" => include_bytes!("../../schemas/kubernetes-1.34.bin"),
        "1.35" => include_bytes!("../../schemas/kubernetes-1.35.bin"),
        "1.36" => include_bytes!("../../schemas/kubernetes-1.36.bin"),
        "1.37" => include_bytes!("../../schemas/kubernetes-1.37.bin"),
        _ => return None,
    })
}

/// One version's schemas.
pub struct Archive {
    pub version: String,
    /// `apiVersion/kind` -> the kind's definition index, then its closure.
    kinds: HashMap<String, Vec<usize>>,
    /// (name, offset, length) of every definition in `blobs`.
    defs: Vec<(String, usize, usize)>,
    blobs: &'static [u8],
    decoded: Vec<OnceLock<Value>>,
    /// apiVersions that have at least one kind.
    api_versions: std::collections::HashSet<String>,
    /// What else the header holds (`meta` and `sources` of the bundled CRDs).
    pub(crate) extra: Map<String, Value>,
}

pub(super) fn inflate(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

impl Archive {
    /// The embedded archive of `version` (`"1.37"`), parsed on first use.
    pub fn builtin(version: &str) -> Option<&'static Archive> {
        static CELLS: [OnceLock<Archive>; 5] = [const { OnceLock::new() }; 5];
        let i = VERSIONS.iter().position(|v| *v == version)?;
        Some(CELLS[i].get_or_init(|| {
            Archive::parse(bytes(version).expect("every listed version is embedded"))
                .expect("embedded schemas are valid")
        }))
    }

    pub fn parse(data: &'static [u8]) -> Result<Archive, String> {
        let rest = data
            .strip_prefix(b"KLSCHEMA1\n")
            .ok_or("not a kubelint schema archive")?;
        let len = u32::from_le_bytes(rest.get(..4).ok_or("truncated archive")?.try_into().unwrap()) as usize;
        let mut header: Value = serde_json::from_slice(&inflate(rest.get(4..4 + len).ok_or("truncated archive")?)?)
            .map_err(|e| e.to_string())?;
        let blobs = &rest[4 + len..];
        let defs: Vec<(String, usize, usize)> = header["defs"]
            .as_array()
            .ok_or("archive without definitions")?
            .iter()
            .filter_map(|d| {
                Some((
                    d[0].as_str()?.to_string(),
                    d[1].as_u64()? as usize,
                    d[2].as_u64()? as usize,
                ))
            })
            .collect();
        let kinds: HashMap<String, Vec<usize>> = header["kinds"]
            .as_object()
            .ok_or("archive without kinds")?
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_array()
                        .map(|a| a.iter().filter_map(|i| i.as_u64().map(|i| i as usize)).collect())
                        .unwrap_or_default(),
                )
            })
            .collect();
        let api_versions = kinds
            .keys()
            .filter_map(|k| k.rsplit_once('/').map(|(api, _)| api.to_string()))
            .collect();
        let extra = header
            .as_object_mut()
            .map(|h| {
                ["meta", "sources"]
                    .into_iter()
                    .filter_map(|k| h.remove(k).map(|v| (k.to_string(), v)))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Archive {
            extra,
            version: header["version"].as_str().unwrap_or_default().to_string(),
            decoded: (0..defs.len()).map(|_| OnceLock::new()).collect(),
            kinds,
            defs,
            blobs,
            api_versions,
        })
    }

    fn definition(&self, i: usize) -> &Value {
        self.decoded[i].get_or_init(|| {
            let (_, offset, len) = &self.defs[i];
            let raw = inflate(&self.blobs[*offset..offset + len]).expect("embedded definitions inflate");
            serde_json::from_slice(&raw).expect("embedded definitions are JSON")
        })
    }

    /// The first definition of a kind, as stored (the bundled CRDs store one per kind).
    pub(crate) fn definition_of(&self, api_version: &str, kind: &str) -> Option<&Value> {
        let closure = self.kinds.get(&format!("{api_version}/{kind}"))?;
        Some(self.definition(*closure.first()?))
    }

    #[cfg_attr(not(test), allow(dead_code))]
    pub fn has_kind(&self, api_version: &str, kind: &str) -> bool {
        self.kinds.contains_key(&format!("{api_version}/{kind}"))
    }

    /// Whether any kind of this apiVersion is known (so an unknown kind in it is a typo,
    /// not a custom resource).
    pub fn has_api_version(&self, api_version: &str) -> bool {
        self.api_versions.contains(api_version)
    }

    /// Kinds known under `api_version`, for "did you mean".
    pub fn kinds_of(&self, api_version: &str) -> Vec<&str> {
        self.kinds
            .keys()
            .filter_map(|k| k.strip_prefix(api_version).and_then(|r| r.strip_prefix('/')))
            .filter(|k| !k.contains('/'))
            .collect()
    }

    /// A self-contained JSON schema for one kind: `$ref` to its definition plus every
    /// definition it reaches.
    pub fn schema(&self, api_version: &str, kind: &str) -> Option<Value> {
        let closure = self.kinds.get(&format!("{api_version}/{kind}"))?;
        let mut defs = Map::new();
        for &i in closure {
            defs.insert(self.defs[i].0.clone(), self.definition(i).clone());
        }
        Some(json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": format!("#/$defs/{}", self.defs[closure[0]].0),
            "$defs": defs,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_version_loads_and_knows_core_kinds() {
        for v in VERSIONS {
            let a = Archive::builtin(v).unwrap();
            assert_eq!(a.version, v);
            for (api, kind) in [
                ("v1", "Pod"),
                ("apps/v1", "Deployment"),
                ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
            ] {
                assert!(a.has_kind(api, kind), "{v} {api} {kind}");
            }
            assert!(!a.has_kind("policy/v1beta1", "PodDisruptionBudget"));
        }
        assert!(Archive::builtin("1.20").is_none());
    }

    #[test]
    fn a_kind_schema_holds_its_closure() {
        let a = Archive::builtin(DEFAULT_VERSION).unwrap();
        let s = a.schema("apps/v1", "Deployment").unwrap();
        assert_eq!(s["$ref"], "#/$defs/io.k8s.api.apps.v1.Deployment");
        assert!(s["$defs"]["io.k8s.api.core.v1.Container"].is_object());
        assert!(s["$defs"]["io.k8s.api.rbac.v1.Role"].is_null());
        assert!(a.kinds_of("apps/v1").contains(&"StatefulSet"));
    }
}
