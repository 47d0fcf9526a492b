#!/usr/bin/env python3
"""Edit-to-diagnostic latency of `kubelint lsp` in a large workspace.

Copies the shared corpus (about 3,000 manifests) to a temporary folder, adds one generated
file of 2,000 lines (Deployments and the Services that select them), starts the server
over stdio (Content-Length framing, as an editor does), and measures:

- the initial workspace load (the server's own figure, from its log message, and the wall
  time from `initialize` to that message);
- for N edits of the 2,000-line file (a `replicas:` value changed, one edit at a time,
  each waited for): the time from sending `didChange` to receiving the
  `publishDiagnostics` of that version. The debounce delay is part of it; run with
  `--debounce-ms 0` to see the lint alone.
- the same for a second open document, a Service in another file that selects one of the
  edited file's Deployments: it is linted after the edited one, against the workspace's
  context rebuilt with the edit (the cross-file case).

Usage (after `cargo build --release`):
    python3 benches/lsp_latency.py [--binary target/release/kubelint] [--corpus DIR]
                                   [--edits 20] [--debounce-ms 150]
"""
import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PAIR = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: bench
  labels: {{app: app-{i}}}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:{i}.0.1
          ports:
            - containerPort: 8080
          resources:
            requests: {{cpu: 100m, memory: 64Mi}}
            limits: {{memory: 128Mi}}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            capabilities: {{drop: [ALL]}}
          readinessProbe:
            httpGet: {{path: /ready, port: 8080}}
          livenessProbe:
            httpGet: {{path: /live, port: 8080}}
---
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: bench
spec:
  selector:
    app: app-{i}
  ports:
    - port: 80
      targetPort: 8080
---
"""


def default_corpus():
    """`$KUBELINT_CORPUS`, else `<repo>/../shared/corpus`, else `/work/shared/corpus` (as tests/corpus.rs)."""
    if os.environ.get("KUBELINT_CORPUS"):
        return os.environ["KUBELINT_CORPUS"]
    beside = os.path.join(ROOT, "..", "shared", "corpus")
    return beside if os.path.isdir(beside) else "/work/shared/corpus"


def big_file(lines):
    out, i = [], 0
    while sum(len(p.splitlines()) for p in out) < lines:
        out.append(PAIR.format(i=i))
        i += 1
    text = "".join(out)
    return "\n".join(text.splitlines()[:lines]) + "\n"


class Server:
    def __init__(self, binary, root, debounce_ms):
        self.proc = subprocess.Popen(
            [binary, "lsp", "--no-config"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.next_id = 1
        self.root = root
        self.debounce_ms = debounce_ms

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.messages.put((time.perf_counter(), json.loads(out.read(length))))

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return time.perf_counter()

    def request(self, method, params):
        i = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == i and "method" not in m)[1]

    def notify(self, method, params):
        return self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, wanted, timeout=600):
        deadline = time.time() + timeout
        while True:
            at, m = self.messages.get(timeout=max(0.1, deadline - time.time()))
            if wanted(m):
                return at, m


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "kubelint"))
    ap.add_argument("--corpus", default=default_corpus())
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--debounce-ms", type=int, default=150)
    args = ap.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary}: build it first (cargo build --release)")
    with tempfile.TemporaryDirectory(prefix="kubelint-lsp-bench-") as tmp:
        root = os.path.join(tmp, "ws")
        shutil.copytree(args.corpus, root)
        text = big_file(args.lines)
        path = os.path.join(root, "big.yaml")
        with open(path, "w") as f:
            f.write(text)
        other_text = (
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: front\n  namespace: bench\n"
            "spec:\n  selector:\n    app: app-0\n  ports:\n    - port: 80\n      targetPort: 8080\n"
        )
        other_path = os.path.join(root, "front.yaml")
        with open(other_path, "w") as f:
            f.write(other_text)
        other = "file://" + other_path
        files = sum(
            1 for _, _, fs in os.walk(root) for n in fs if n.endswith((".yaml", ".yml", ".json"))
        )
        uri = "file://" + path
        server = Server(args.binary, root, args.debounce_ms)
        started = time.perf_counter()
        server.request(
            "initialize",
            {
                "processId": None,
                "rootUri": "file://" + root,
                "capabilities": {},
                "initializationOptions": {"debounceMs": args.debounce_ms},
            },
        )
        server.notify("initialized", {})
        at, loaded = server.wait(
            lambda m: m.get("method") == "window/logMessage" and "workspace loaded" in m["params"]["message"]
        )
        print(f"workspace: {files} manifest files, {len(text.splitlines())}-line file edited")
        print(f"initial load: {loaded['params']['message']} (wall {1000 * (at - started):.0f} ms from initialize)")

        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        at, first = server.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version") == 1
        )
        print(f"first diagnostics after didOpen: {len(first['params']['diagnostics'])} diagnostics")
        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": other, "languageId": "yaml", "version": 1, "text": other_text}},
        )
        server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == other)
        lines = text.splitlines()
        replicas = [i for i, l in enumerate(lines) if l.startswith("  replicas: ")]
        latencies, cross = [], []
        for n in range(args.edits):
            version = n + 2
            line = replicas[(n * 7) % len(replicas)]
            value = str(2 + (n % 5))
            sent = server.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": line, "character": 12},
                                "end": {"line": line, "character": len(lines[line])},
                            },
                            "text": value,
                        }
                    ],
                },
            )
            lines[line] = "  replicas: " + value
            at, _ = server.wait(
                lambda m: m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"].get("version") == version
            )
            latencies.append(1000 * (at - sent))
            at, _ = server.wait(
                lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == other
            )
            cross.append(1000 * (at - sent))
            time.sleep(0.05)
        for what, values in [("edited file", latencies), ("other open file (cross-file)", cross)]:
            values.sort()
            p95 = values[min(len(values) - 1, int(round(0.95 * len(values))) - 1)]
            print(
                f"didChange -> publishDiagnostics, {what}, {len(values)} edits (debounce {args.debounce_ms} ms): "
                f"median {statistics.median(values):.0f} ms, p95 {p95:.0f} ms, "
                f"min {values[0]:.0f} ms, max {values[-1]:.0f} ms"
            )
        server.request("shutdown", None)
        server.notify("exit", None)
        server.proc.wait(timeout=60)


if __name__ == "__main__":
    main()
