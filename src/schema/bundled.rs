//! The bundled ecosystem CRDs (Istio, Gateway API, cert-manager, Argo CD, Argo Rollouts,
//! External Secrets, prometheus-operator, VPA, KEDA, Flux, OpenShift), embedded as one
//! archive written by `schemas/crds/generate.py` (format and sources in its docstring and
//! `schemas/crds/SOURCES.md`). The archive is parsed on first use and each schema
//! decompressed when a custom resource of its kind is first validated.
//!
//! They come last: a CRD among the inputs, then the user's (`--crd`, `crds:`,
//! `--schema-dir`), then these. `--no-bundled-crds` (config `bundledCrds: false`) turns
//! them off.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use super::archive::Archive;
use super::crd;

/// One version of a bundled kind, as its CRD declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    pub served: bool,
    pub deprecated: bool,
    /// The CRD's `deprecationWarning`, if any.
    pub warning: Option<String>,
    /// Where the CRD comes from: "external-secrets/external-secrets v2.9.0".
    pub source: String,
}

/// What the bundled CRDs say about an apiVersion and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status<'a> {
    /// No bundled CRD defines the group and kind.
    Unknown,
    /// Served; `deprecated` when the CRD marks the version so.
    Served { info: &'a VersionInfo, newest: &'a str },
    /// Defined with `served: false`.
    NotServed { info: &'a VersionInfo, newest: &'a str },
    /// The group and kind are bundled, this version is not among the CRD's versions.
    Absent { source: &'a str, newest: &'a str },
}

/// The bundled CRDs.
pub struct Bundled {
    archive: Archive,
    versions: HashMap<String, VersionInfo>,
    /// (group, kind) -> the newest served version and the source.
    kinds: HashMap<(String, String), (String, String)>,
}

static BYTES: &[u8] = include_bytes!("../../schemas/crds/ecosystem.bin");

impl Bundled {
    /// The embedded archive, parsed on first use.
    pub fn get() -> &'static Bundled {
        static CELL: OnceLock<Bundled> = OnceLock::new();
        CELL.get_or_init(|| Bundled::parse(BYTES).expect("the bundled CRDs are a valid archive"))
    }

    fn parse(bytes: &'static [u8]) -> Result<Bundled, String> {
        let archive = Archive::parse(bytes)?;
        let sources: Vec<String> = archive
            .extra
            .get("sources")
            .and_then(Value::as_array)
            .ok_or("bundled CRDs without sources")?
            .iter()
            .map(|s| {
                // "external-secrets/external-secrets v2.9.0"; a commit is shortened.
                let reference = s[2].as_str().unwrap_or("?");
                let reference = if reference.len() == 40 {
                    &reference[..12]
                } else {
                    reference
                };
                format!("{} {reference}", s[1].as_str().unwrap_or("?"))
            })
            .collect();
        let mut versions = HashMap::new();
        let mut served: HashMap<(String, String), Vec<(String, String)>> = HashMap::new();
        for (key, m) in archive
            .extra
            .get("meta")
            .and_then(Value::as_object)
            .ok_or("bundled CRDs without versions")?
        {
            let Some((api, kind)) = key.rsplit_once('/') else {
                continue;
            };
            let (group, version) = api.split_once('/').unwrap_or(("", api));
            let source = m["source"]
                .as_u64()
                .and_then(|i| sources.get(i as usize))
                .cloned()
                .unwrap_or_default();
            let info = VersionInfo {
                served: m["served"].as_bool().unwrap_or(true),
                deprecated: m["deprecated"].as_bool().unwrap_or(false),
                warning: m["warning"].as_str().map(str::to_string),
                source: source.clone(),
            };
            let entry = served.entry((group.to_string(), kind.to_string())).or_default();
            if info.served {
                entry.push((version.to_string(), source));
            }
            versions.insert(key.clone(), info);
        }
        let kinds = served
            .into_iter()
            .filter_map(|(gk, mut vs)| {
                vs.sort_by_key(|(v, _)| crd::version_priority(v));
                Some((gk, vs.pop()?))
            })
            .collect();
        Ok(Bundled {
            archive,
            versions,
            kinds,
        })
    }

    /// Whether a bundled CRD defines this group and kind.
    pub fn knows(&self, group: &str, kind: &str) -> bool {
        self.kinds.contains_key(&(group.to_string(), kind.to_string()))
    }

    /// What the bundled CRDs say about `group/version` `kind`.
    pub fn status(&self, group: &str, version: &str, kind: &str) -> Status<'_> {
        let Some((newest, source)) = self.kinds.get(&(group.to_string(), kind.to_string())) else {
            return Status::Unknown;
        };
        match self.versions.get(&format!("{group}/{version}/{kind}")) {
            Some(info) if info.served => Status::Served { info, newest },
            Some(info) => Status::NotServed { info, newest },
            None => Status::Absent { source, newest },
        }
    }

    /// The version's `openAPIV3Schema` as the CRD gives it (descriptions removed), with
    /// `x-kubernetes-validations`.
    pub fn openapi_schema(&self, api_version: &str, kind: &str) -> Option<&Value> {
        self.archive.definition_of(api_version, kind)
    }

    /// The JSON schema custom resources of a served version are validated against.
    ///
    /// `status` is left unchecked: the controller writes it, in the shape of its own
    /// release, and the API server ignores it on create and update (the status
    /// subresource). A manifest that carries one is an export or a test fixture of an
    /// older controller; checking it against the newest release's schema reports the
    /// controller's history, not the author's mistakes.
    pub fn schema(&self, api_version: &str, kind: &str) -> Option<Value> {
        let mut schema = crd::root_schema(self.openapi_schema(api_version, kind)?);
        if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut)
            && props.contains_key("status")
        {
            props.insert("status".into(), serde_json::json!({"type": "object"}));
        }
        if let Some(Value::Array(required)) = schema.get_mut("required") {
            required.retain(|r| r != "status");
        }
        Some(schema)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_loads_and_knows_each_family() {
        let b = Bundled::get();
        for (group, version, kind) in [
            ("networking.istio.io", "v1", "DestinationRule"),
            ("gateway.networking.k8s.io", "v1", "HTTPRoute"),
            ("cert-manager.io", "v1", "Certificate"),
            ("argoproj.io", "v1alpha1", "Application"),
            ("argoproj.io", "v1alpha1", "Rollout"),
            ("external-secrets.io", "v1", "ExternalSecret"),
            ("monitoring.coreos.com", "v1", "ServiceMonitor"),
            ("autoscaling.k8s.io", "v1", "VerticalPodAutoscaler"),
            ("keda.sh", "v1alpha1", "ScaledObject"),
            ("kustomize.toolkit.fluxcd.io", "v1", "Kustomization"),
            ("helm.toolkit.fluxcd.io", "v2", "HelmRelease"),
            ("route.openshift.io", "v1", "Route"),
            ("apps.openshift.io", "v1", "DeploymentConfig"),
        ] {
            assert!(
                matches!(b.status(group, version, kind), Status::Served { .. }),
                "{group}/{version} {kind}"
            );
            let schema = b.schema(&format!("{group}/{version}"), kind).unwrap();
            assert!(jsonschema::validator_for(&schema).is_ok(), "{kind} compiles");
        }
        assert_eq!(b.status("example.com", "v1", "Widget"), Status::Unknown);
        assert!(b.versions.len() > 100 && b.kinds.len() > 80);
    }

    #[test]
    fn versions_that_are_not_served_or_deprecated_are_known() {
        let b = Bundled::get();
        match b.status("external-secrets.io", "v1beta1", "ExternalSecret") {
            Status::NotServed { info, newest } => {
                assert_eq!(newest, "v1");
                assert_eq!(info.source, "external-secrets/external-secrets v2.9.0");
            }
            other => panic!("{other:?}"),
        }
        match b.status("gateway.networking.k8s.io", "v1alpha2", "TLSRoute") {
            Status::Served { info, .. } => assert!(info.deprecated),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            b.status("cert-manager.io", "v1alpha2", "Certificate"),
            Status::Absent { newest: "v1", .. }
        ));
    }

    /// CEL needs the rules: the stored schema is the CRD's own, not the converted one.
    #[test]
    fn validations_are_kept() {
        let s = Bundled::get()
            .openapi_schema("gateway.networking.k8s.io/v1", "HTTPRoute")
            .unwrap()
            .to_string();
        assert!(s.contains("x-kubernetes-validations"));
    }
}
