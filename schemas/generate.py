#!/usr/bin/env python3
"""Regenerates the built-in Kubernetes schema archives in this folder.

Source: the PyPI package `kubernetes-validate` (Apache-2.0), which bundles the JSON schemas
of Kubernetes 1.25-1.37 derived from each release's OpenAPI document, in a strict flavour
(`additionalProperties: false` on every object). We take the strict flavour and derive the
lenient mode by not reporting unknown fields.

Usage:  python3 schemas/generate.py            # downloads the pinned wheel with pip
        python3 schemas/generate.py WHEEL      # or uses a wheel you already have

For each version in VERSIONS it writes `kubernetes-<version>.bin`:

    b"KLSCHEMA1\\n"  u32-le header length  zlib(header JSON)  definition blobs
    header = {"version": "1.37",
              "kinds": {"apps/v1/Deployment": [definition index, closure indexes...]},
              "defs": [[name, offset, length], ...]}   # offsets into the blob area

Each definition is zlib-compressed on its own, descriptions removed and `$ref`s made local
(`#/$defs/NAME`), so kubelint decompresses only the definitions a kind reaches, once.

The descriptions go to one file of their own, `descriptions-<newest version>.bin`, which only
`kubelint lsp` embeds (hover and completion; they barely change between releases):

    b"KLDESC1\n"  zlib(JSON {"version": "1.37",
                              "defs": {definition name: {"": the definition's description,
                                                         "prop": ..., "prop/sub": ...}}})

A property path is the property names from the definition down, joined with `/`; only inline
sub-schemas are walked (a list's items and a map's values add no name), a `$ref`'d one is a
definition of its own. One blob: compressed per definition the file would be twice as large
(440 KB against 211 KB for 1.37), and a hover needs it whole soon enough.
"""
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

PACKAGE = "kubernetes-validate==1.37.0"
VERSIONS = ["1.33", "1.34", "1.35", "1.36", "1.37"]
HERE = os.path.dirname(os.path.abspath(__file__))
REF_PREFIX = "/api/_definitions.json#/$defs/"


def wheel_path(argv):
    if len(argv) > 1:
        return argv[1]
    out = tempfile.mkdtemp()
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", out, PACKAGE], check=True)
    return os.path.join(out, os.listdir(out)[0])


def clean(node, refs, names=False):
    """Drops descriptions, makes refs local, records what a definition refers to.

    `names` is true for a `properties` map, whose keys are field names (a field may be
    called `description`) rather than schema keywords.
    """
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if names:
                out[k] = clean(v, refs)
                continue
            if k == "description":
                continue
            if k == "$ref" and isinstance(v, str):
                name = v[len(REF_PREFIX):] if v.startswith(REF_PREFIX) else v.split("/")[-1]
                refs.add(name)
                out[k] = "#/$defs/" + name
            else:
                out[k] = clean(v, refs, names=k in ("properties", "patternProperties", "$defs"))
        return out
    if isinstance(node, list):
        return [clean(v, refs) for v in node]
    return node


def describe(node, path, out):
    """Collects the descriptions of a definition (`path` "") and of its inline properties."""
    if not isinstance(node, dict):
        return
    if isinstance(node.get("description"), str) and node["description"] and path not in out:
        out[path] = node["description"]
    if "$ref" in node:
        return  # a definition of its own, described there
    for name, sub in sorted((node.get("properties") or {}).items()):
        describe(sub, f"{path}/{name}" if path else name, out)
    # A list's items, a map's values, the branches of a combination: the same field.
    for key in ("items", "additionalProperties"):
        describe(node.get(key), path, out)
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(key) or []:
            describe(branch, path, out)


def build_descriptions(wheel, version):
    z = zipfile.ZipFile(wheel)
    prefix = f"kubernetes_validate/kubernetes-json-schema/v{version}.0-local-strict/"
    defs = json.loads(z.read(prefix + "_definitions.json"))["$defs"]
    table = {}
    for n in sorted(defs):
        out = {}
        describe(defs[n], "", out)
        if out:
            table[n] = out
    blob = zlib.compress(json.dumps({"version": version, "defs": table}, separators=(",", ":"), sort_keys=True).encode(), 9)
    path = os.path.join(HERE, f"descriptions-{version}.bin")
    with open(path, "wb") as f:
        f.write(b"KLDESC1\n")
        f.write(blob)
    count = sum(len(d) for d in table.values())
    print(f"{path}: {len(table)} definitions, {count} descriptions, {os.path.getsize(path)} bytes")


def build(wheel, version):
    z = zipfile.ZipFile(wheel)
    prefix = f"kubernetes_validate/kubernetes-json-schema/v{version}.0-local-strict/"
    defs = json.loads(z.read(prefix + "_definitions.json"))["$defs"]
    names = sorted(defs)
    index = {n: i for i, n in enumerate(names)}
    cleaned, edges = {}, {}
    for n in names:
        refs = set()
        cleaned[n] = clean(defs[n], refs)
        edges[n] = refs
    kinds = {}
    for n in names:
        for gvk in defs[n].get("x-kubernetes-group-version-kind", []):
            group, ver, kind = gvk.get("group", ""), gvk["version"], gvk["kind"]
            api = f"{group}/{ver}" if group else ver
            # The object itself, then everything it reaches.
            seen, stack = [], [n]
            while stack:
                d = stack.pop()
                if d in seen or d not in index:
                    continue
                seen.append(d)
                stack.extend(sorted(edges[d]))
            key = f"{api}/{kind}"
            # A kind's own definition wins over shared ones (DeleteOptions lists every group).
            if key not in kinds or len(defs[n].get("x-kubernetes-group-version-kind", [])) == 1:
                kinds[key] = [index[d] for d in seen]
    blobs, table, offset = io.BytesIO(), [], 0
    for n in names:
        blob = zlib.compress(json.dumps(cleaned[n], separators=(",", ":"), sort_keys=True).encode(), 9)
        table.append([n, offset, len(blob)])
        blobs.write(blob)
        offset += len(blob)
    header = zlib.compress(json.dumps({"version": version, "kinds": kinds, "defs": table}, separators=(",", ":"), sort_keys=True).encode(), 9)
    path = os.path.join(HERE, f"kubernetes-{version}.bin")
    with open(path, "wb") as f:
        f.write(b"KLSCHEMA1\n")
        f.write(struct.pack("<I", len(header)))
        f.write(header)
        f.write(blobs.getvalue())
    print(f"{path}: {len(kinds)} kinds, {len(names)} definitions, {os.path.getsize(path)} bytes")


def main():
    wheel = wheel_path(sys.argv)
    for v in VERSIONS:
        build(wheel, v)
    build_descriptions(wheel, VERSIONS[-1])


if __name__ == "__main__":
    main()
