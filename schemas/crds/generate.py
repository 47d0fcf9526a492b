#!/usr/bin/env python3
"""Regenerates the bundled ecosystem CRDs: `schemas/crds/ecosystem.bin` and `SOURCES.md`.

kubelint validates custom resources of the kinds real repositories use most (Istio, Gateway
API, cert-manager, Argo CD, Argo Rollouts, External Secrets, prometheus-operator, VPA, KEDA,
Flux, OpenShift) without their CRDs in the input. The schemas come from each project's
published CRD files at a pinned release tag (OpenShift: a pinned commit of openshift/api,
which has no release tags); SOURCES lists them.

Usage:  python3 schemas/crds/generate.py [MIRRORS]

MIRRORS is a folder of bare git repositories named `<owner>+<name>/repo` (what the search
tool's fetch writes under /work/.mirror, the default). A repository missing there is cloned
bare (`git clone --bare --filter=blob:none`) into a temporary folder.

The archive has the format of the Kubernetes archives (see schemas/generate.py):

    b"KLSCHEMA1\\n"  u32-le header length  zlib(header JSON)  definition blobs
    header = {"version": "crds",
              "kinds": {"group/version/Kind": [definition index]},   # served versions
              "defs": [[name, offset, length], ...],
              "meta": {"group/version/Kind": {"served": bool, "deprecated": bool,
                        "warning": str|null, "storage": bool, "scope": str,
                        "source": source index}},                     # every version
              "sources": [[family, repo, ref, commit], ...]}

A definition is one served version's `openAPIV3Schema` as the CRD gives it (descriptions
removed, everything else kept, `x-kubernetes-validations` included, so that CEL rules can be
evaluated from it), zlib-compressed on its own; kubelint converts it to a JSON schema the
way it converts a CRD found in the input. Versions that are not served keep their metadata
only (kubelint reports them, it does not validate them). Identical schemas of two versions
share one definition.

OpenShift's DeploymentConfig is served by an aggregated API server, not a CRD: its schema is
assembled from openshift/api's `openapi/openapi.json` (Swagger 2.0), `$ref`s inlined, with
Kubernetes' special types given their wire forms (Quantity: string or number; IntOrString:
`x-kubernetes-int-or-string`; Time: string or null; RawExtension: any object).
"""
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "ecosystem.bin")
SOURCES_MD = os.path.join(HERE, "SOURCES.md")

# (family, GitHub repository, ref, [files or folders whose *.yaml files hold CRDs])
SOURCES = [
    ("Istio", "istio/istio", "1.30.3", ["manifests/charts/base/files/crd-all.gen.yaml"]),
    # The experimental channel is a superset of the standard one (same kinds, more fields
    # and versions).
    ("Gateway API", "kubernetes-sigs/gateway-api", "v1.6.1", ["config/crd/experimental/"]),
    ("cert-manager", "cert-manager/cert-manager", "v1.21.1", ["deploy/crds/"]),
    ("Argo CD", "argoproj/argo-cd", "v3.5.1", ["manifests/crds/"]),
    ("Argo Rollouts", "argoproj/argo-rollouts", "v1.9.1", ["manifests/crds/"]),
    ("External Secrets", "external-secrets/external-secrets", "v2.9.0", ["config/crds/bases/"]),
    ("prometheus-operator", "prometheus-operator/prometheus-operator", "v0.93.0", ["example/prometheus-operator-crd/"]),
    ("Vertical Pod Autoscaler", "kubernetes/autoscaler", "vertical-pod-autoscaler-1.7.1", ["vertical-pod-autoscaler/deploy/vpa-v1-crd-gen.yaml"]),
    ("KEDA", "kedacore/keda", "v2.20.2", ["config/crd/bases/"]),
    ("Flux", "fluxcd/source-controller", "v1.9.1", ["config/crd/bases/"]),
    ("Flux", "fluxcd/kustomize-controller", "v1.9.4", ["config/crd/bases/"]),
    ("Flux", "fluxcd/helm-controller", "v1.6.3", ["config/crd/bases/"]),
    ("Flux", "fluxcd/notification-controller", "v1.9.3", ["config/crd/bases/"]),
    ("Flux", "fluxcd/image-reflector-controller", "v1.2.0", ["config/crd/bases/"]),
    ("Flux", "fluxcd/image-automation-controller", "v1.2.1", ["config/crd/bases/"]),
    ("OpenShift", "openshift/api", "2a3d73913b5a7caec4c57d5c3d04f51106ec4da3", ["route/v1/zz_generated.crd-manifests/routes.crd.yaml", "openapi:apps.openshift.io/v1/DeploymentConfig=com.github.openshift.api.apps.v1.DeploymentConfig"]),
]


def git(repo_dir, *args):
    return subprocess.run(["git", "-C", repo_dir, *args], check=True, capture_output=True).stdout


def repo_dir(mirrors, repo, tmp):
    path = os.path.join(mirrors, repo.replace("/", "+"), "repo")
    if os.path.isdir(path):
        return path
    path = os.path.join(tmp, repo.replace("/", "+"))
    if not os.path.isdir(path):
        subprocess.run(["git", "clone", "--bare", "--filter=blob:none", f"https://github.com/{repo}", path], check=True)
    return path


def strip(node, names=False):
    """Drops descriptions (and nothing else); `names` marks a map of field names."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if names:
                out[k] = strip(v)
            elif k != "description":
                out[k] = strip(v, names=k in ("properties", "patternProperties", "definitions"))
        return out
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def crd_versions(doc):
    """(apiVersion, kind, version entry, schema) of one CRD document."""
    spec = doc.get("spec") or {}
    group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
    if not group or not kind:
        return []
    shared = (spec.get("validation") or {}).get("openAPIV3Schema")
    out = []
    for v in spec.get("versions") or []:
        schema = ((v.get("schema") or {}).get("openAPIV3Schema")) or shared
        out.append((f"{group}/{v['name']}", kind, v, schema, spec.get("scope", "Namespaced")))
    return out


SPECIAL = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": {"anyOf": [{"type": "string"}, {"type": "number"}]},
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {"x-kubernetes-int-or-string": True},
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": {"type": "string", "nullable": True},
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": {"type": "string", "nullable": True},
    "io.k8s.apimachinery.pkg.runtime.RawExtension": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
}


def inline(node, defs, stack=()):
    """Swagger 2.0 definition with `$ref`s inlined (a recursive reference becomes `{}`)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.split("/")[-1]
            if name in SPECIAL:
                return dict(SPECIAL[name])
            if name in stack or name not in defs:
                return {"x-kubernetes-preserve-unknown-fields": True}
            return inline(defs[name], defs, stack + (name,))
        out = {}
        for k, v in node.items():
            if k == "format" and v == "int-or-string":
                out["x-kubernetes-int-or-string"] = True
                continue
            if k == "type" and node.get("format") == "int-or-string":
                continue
            out[k] = inline(v, defs, stack)
        return out
    if isinstance(node, list):
        return [inline(v, defs, stack) for v in node]
    return node


def openapi_kind(root, commit, spec):
    """A CRD-like version entry for `group/version/Kind=definition` of openshift/api's openapi.json."""
    gvk, name = spec.split("=")
    api_version, kind = gvk.rsplit("/", 1)
    version = api_version.split("/")[1]
    defs = json.loads(git(root, "show", f"{commit}:openapi/openapi.json"))["definitions"]
    schema = inline(defs[name], defs, (name,))
    schema.setdefault("type", "object")
    # The server writes status; kubelint does not check it (see bundled.rs).
    schema.setdefault("properties", {})["status"] = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    entry = {"name": version, "served": True, "storage": True}
    return [(api_version, kind, entry, schema, "Namespaced")]


class Loader(yaml.CSafeLoader):
    """YAML 1.1's `=` (the "value" type) is a plain string in Kubernetes' YAML 1.2 reading."""


Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def documents(root, commit, path):
    if path.endswith("/"):
        names = [n.decode() for n in git(root, "ls-tree", "--name-only", f"{commit}:{path}").split()]
        files = [path + n for n in sorted(names) if n.endswith((".yaml", ".yml")) and n != "kustomization.yaml"]
    else:
        files = [path]
    for f in files:
        text = git(root, "show", f"{commit}:{f}").decode()
        for doc in yaml.load_all(text, Loader=Loader):
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                yield f, doc


def main():
    mirrors = sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror"
    tmp = tempfile.mkdtemp()
    kinds, meta, defs_json, sources, rows = {}, {}, [], [], []
    by_blob = {}
    for family, repo, ref, paths in SOURCES:
        root = repo_dir(mirrors, repo, tmp)
        commit = git(root, "rev-parse", f"{ref}^{{commit}}").decode().strip()
        date = git(root, "log", "-1", "--format=%cs", commit).decode().strip()
        source = len(sources)
        sources.append([family, repo, ref, commit])
        for path in paths:
            if path.startswith("openapi:"):
                entries = [(f"openapi/openapi.json", e) for e in openapi_kind(root, commit, path[len("openapi:"):])]
            else:
                entries = [(f, e) for f, doc in documents(root, commit, path) for e in crd_versions(doc)]
            for f, (api_version, kind, v, schema, scope) in entries:
                key = f"{api_version}/{kind}"
                served = v.get("served", True) is not False
                meta[key] = {
                    "served": served,
                    "storage": bool(v.get("storage", False)),
                    "deprecated": bool(v.get("deprecated", False)),
                    "warning": v.get("deprecationWarning"),
                    "scope": scope,
                    "source": source,
                }
                if served and schema is not None:
                    blob = json.dumps(strip(schema), separators=(",", ":"), sort_keys=True)
                    if blob not in by_blob:
                        by_blob[blob] = len(defs_json)
                        defs_json.append((key, blob))
                    kinds[key] = [by_blob[blob]]
                status = "served" if served else "not served"
                if v.get("deprecated"):
                    status += ", deprecated"
                rows.append((family, repo, ref, commit[:12], date, f, key, status))
    blobs, table, offset = io.BytesIO(), [], 0
    for name, text in defs_json:
        blob = zlib.compress(text.encode(), 9)
        table.append([name, offset, len(blob)])
        blobs.write(blob)
        offset += len(blob)
    header = {"version": "crds", "kinds": kinds, "defs": table, "meta": meta, "sources": sources}
    header = zlib.compress(json.dumps(header, separators=(",", ":"), sort_keys=True).encode(), 9)
    with open(OUT, "wb") as f:
        f.write(b"KLSCHEMA1\n")
        f.write(struct.pack("<I", len(header)))
        f.write(header)
        f.write(blobs.getvalue())
    with open(SOURCES_MD, "w") as f:
        f.write("# Bundled ecosystem CRDs\n\n")
        f.write("Generated by `python3 schemas/crds/generate.py` into `ecosystem.bin`; do not edit.\n")
        f.write(f"{len(meta)} kind versions ({len(kinds)} served, with a schema), "
                f"{len(defs_json)} distinct schemas, {os.path.getsize(OUT)} bytes.\n\n")
        f.write("## Sources\n\n| Family | Repository | Ref | Commit |\n|---|---|---|---|\n")
        for family, repo, ref, commit in sources:
            f.write(f"| {family} | [{repo}](https://github.com/{repo}) | `{ref}` | `{commit}` |\n")
        f.write("\n## Kinds\n\n| apiVersion/kind | Status | Family | File (at the commit) |\n|---|---|---|---|\n")
        for family, repo, ref, commit, date, path, key, status in sorted(rows, key=lambda r: (r[0], r[6])):
            f.write(f"| `{key}` | {status} | {family} | `{repo}` `{path}` @ `{commit}` ({date}) |\n")
    print(f"{OUT}: {len(meta)} kind versions, {len(kinds)} served, {len(defs_json)} schemas, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
