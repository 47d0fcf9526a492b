#!/usr/bin/env python3
"""kubelint side by side with kubeconform, on the same generated repository, in one run.

    python3 benches/peers.py                      # 100,000 documents, median of 3 runs
    BENCH_DOCS=20000 BENCH_RUNS=1 python3 benches/peers.py

What it does:
1. Generates a repository (deterministic): BENCH_DOCS documents (default 100,000, about
   1.2 KB each, 123 MB at the default size) across about 0.58 files per document (single-
   and multi-document files in 20 team folders), 57 % built-in kinds (Deployments, Services
   selecting them, ConfigMaps, ServiceAccounts, HPAs, PodDisruptionBudgets, Ingresses) and
   43 % custom resources of four CRDs, the CRDs included in the repository (`crds/`).
2. Exports kubelint's own embedded Kubernetes schemas (schemas/kubernetes-1.37.bin, the
   strict flavour: unknown fields are errors) as one standalone JSON schema file per kind,
   in kubeconform's file naming (`deployment-apps-v1.json`), so both tools validate against
   the same schemas, offline.
3. Uses the release binary (KUBELINT_BIN, or `cargo build --release` once) and a kubeconform
   binary (KUBECONFORM, or `kubeconform` on PATH; without one the comparison is skipped).
4. Runs, BENCH_RUNS times each (default 3, interleaved), on the same files:
     kubelint check DIR --format json  --output F --fail-on never --no-config
     kubelint check DIR --format sarif --output F --fail-on never --no-config
     kubelint check DIR --format human --output F --fail-on never --no-config
     kubeconform -strict -summary -output json -ignore-missing-schemas
                 -schema-location SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json DIR > F
   and prints median wall time (with min and max, to show the noise), median CPU time (user
   + system, less sensitive than wall time to other processes on a shared machine), peak RSS
   of that process (GNU time's %M if /usr/bin/time exists, else wait4's ru_maxrss, which
   counts this script's own RSS as a floor), documents/s and the kubelint/kubeconform ratios.
5. The scaling case: the same at BENCH_SCALE_DOCS documents (default a tenth), time per
   document and RSS, against the full size.
6. The real corpus, if BENCH_CORPUS names a folder (kubelint json with --no-render, the
   same plain-YAML reading as kubeconform's, versus kubeconform).

kubeconform validates built-in kinds against their schemas only; it cannot use the CRDs in
the repository, so users run it with -ignore-missing-schemas and the custom resources are
skipped. kubelint validates them against the CRDs' openAPIV3Schema and runs every default
rule (cross-object references, security, production readiness) on everything.

Environment: BENCH_DOCS, BENCH_RUNS, BENCH_SCALE_DOCS (0 to skip), BENCH_CORPUS, BENCH_DIR
(work folder, default /tmp/kubelint-peers; it must not lie inside a git checkout whose
.gitignore hides it), KUBELINT_BIN, KUBECONFORM, BENCH_KEEP=1 (reuse generated repositories).
"""
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SCHEMA_VERSION = "1.37"  # kubelint's default --kubernetes-version

# ---------------------------------------------------------------------------------------
# The repository


def deployment(g, d, ns):
    tag = "latest" if (g * 20 + d) % 7 == 0 else f"1.{d % 10}.{g % 13}"
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-{g}-{d}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: svc-{g}-{d}
    app.kubernetes.io/part-of: shop
    app.kubernetes.io/version: "{tag}"
  annotations:
    description: "Service {d} of group {g}, generated for the benchmark"
spec:
  replicas: {2 + d % 3}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: svc-{g}-{d}
  strategy:
    type: RollingUpdate
    rollingUpdate: {{maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: svc-{g}-{d}
        app.kubernetes.io/part-of: shop
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      serviceAccountName: svc-{g}-{d}
      terminationGracePeriodSeconds: 30
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        fsGroup: 10001
        seccompProfile: {{type: RuntimeDefault}}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    app.kubernetes.io/name: svc-{g}-{d}
      containers:
        - name: app
          image: registry.example.com/shop/svc-{d}:{tag}
          imagePullPolicy: IfNotPresent
          args: ["--port=8080", "--metrics-port=9090", "--log-format=json"]
          ports:
            - name: http
              containerPort: 8080
            - name: metrics
              containerPort: 9090
          env:
            - name: LOG_LEVEL
              value: info
            - name: POD_NAME
              valueFrom:
                fieldRef: {{fieldPath: metadata.name}}
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef: {{name: svc-{g}-{d}-db, key: url}}
          envFrom:
            - configMapRef: {{name: svc-{g}-{d}-config}}
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: 500m, memory: 256Mi}}
          readinessProbe:
            httpGet: {{path: /ready, port: http}}
            periodSeconds: 5
          livenessProbe:
            httpGet: {{path: /health, port: http}}
            initialDelaySeconds: 10
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: config
              mountPath: /etc/svc
              readOnly: true
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
        - name: log-shipper
          image: registry.example.com/platform/log-shipper:2.4.{d % 5}
          args: ["--input=/var/log/app", "--output=loki://loki.logging:3100", "--batch=512"]
          ports:
            - name: shipper-http
              containerPort: 2020
          resources:
            requests: {{cpu: 20m, memory: 32Mi}}
            limits: {{cpu: 100m, memory: 64Mi}}
          readinessProbe:
            httpGet: {{path: /api/v1/health, port: shipper-http}}
          volumeMounts:
            - name: tmp
              mountPath: /var/log/app
              readOnly: true
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            capabilities:
              drop: [ALL]
      volumes:
        - name: tmp
          emptyDir: {{sizeLimit: 64Mi}}
        - name: config
          configMap:
            name: svc-{g}-{d}-config
            optional: true
"""


def service(g, s, ns):
    return f"""apiVersion: v1
kind: Service
metadata:
  name: svc-{g}-{s}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: svc-{g}-{s}
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: svc-{g}-{s}
  ports:
    - name: http
      port: 80
      targetPort: http
    - name: metrics
      port: 9090
      targetPort: metrics
"""


def config_map(g, c, ns):
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: svc-{g}-{c}-config
  namespace: {ns}
  labels:
    app.kubernetes.io/name: svc-{g}-{c}
data:
  REGION: eu-west-{c % 3}
  FEATURE_CHECKOUT: "true"
  FEATURE_SEARCH: v{c % 4}
  application.yaml: |
    server:
      port: 8080
      shutdown: graceful
    cache:
      backend: redis
      ttlSeconds: {60 * (1 + c % 5)}
    upstreams:
      - name: catalog
        url: http://svc-{g}-{(c + 1) % 20}.{ns}.svc.cluster.local
        timeoutMs: 250
      - name: pricing
        url: http://svc-{g}-{(c + 2) % 20}.{ns}.svc.cluster.local
        timeoutMs: 400
      - name: inventory
        url: http://svc-{g}-{(c + 3) % 20}.{ns}.svc.cluster.local
        timeoutMs: 300
    logging:
      level: info
      format: json
      fields: [trace_id, span_id, user_id]
    tracing:
      exporter: otlp
      endpoint: otel-collector.observability:4317
      sampleRatio: 0.{1 + c % 9}
"""


def service_account(g, a, ns):
    return f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: svc-{g}-{a}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: svc-{g}-{a}
automountServiceAccountToken: false
"""


def hpa(g, h, ns):
    return f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: svc-{g}-{h}
  namespace: {ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: svc-{g}-{h}
  minReplicas: 2
  maxReplicas: {4 + h}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
"""


def pdb(g, p, ns):
    return f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: svc-{g}-{p}
  namespace: {ns}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: svc-{g}-{p}
"""


def ingress(g, q, ns):
    return f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: svc-{g}-{q}
  namespace: {ns}
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  ingressClassName: nginx
  tls:
    - hosts: [svc-{g}-{q}.shop.example.com]
      secretName: svc-{g}-{q}-tls
  rules:
    - host: svc-{g}-{q}.shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: svc-{g}-{q}
                port: {{name: http}}
"""


def cache(g, k, ns):
    return f"""apiVersion: shop.example.com/v1
kind: Cache
metadata:
  name: cache-{g}-{k}
  namespace: {ns}
  labels:
    app.kubernetes.io/part-of: shop
spec:
  size: {1 + (g + k) % 64}
  engine: {"redis" if k % 3 else "memcached"}
  port: {'"6379"' if k % 2 else 6379}
  replicas: {1 + k % 3}
  settings:
    maxmemory-policy: allkeys-lru
    appendonly: "no"
"""


def certificate(g, k, ns):
    return f"""apiVersion: pki.example.com/v1
kind: Certificate
metadata:
  name: svc-{g}-{k}-tls
  namespace: {ns}
spec:
  secretName: svc-{g}-{k}-tls
  duration: 2160h
  renewBefore: 360h
  commonName: svc-{g}-{k}.shop.example.com
  dnsNames:
    - svc-{g}-{k}.shop.example.com
    - svc-{g}-{k}.{ns}.svc.cluster.local
  privateKey:
    algorithm: ECDSA
    size: 256
    rotationPolicy: Always
  usages: [server auth, digital signature, key encipherment]
  issuerRef:
    name: letsencrypt
    kind: ClusterIssuer
    group: pki.example.com
"""


def route(g, k, ns):
    return f"""apiVersion: routing.example.com/v1beta1
kind: Route
metadata:
  name: svc-{g}-{k}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: svc-{g}-{k}
spec:
  hosts:
    - svc-{g}-{k}.shop.example.com
  gateways: [mesh, public-gateway]
  http:
    - name: canary
      match:
        - headers:
            x-canary: {{exact: "true"}}
          uri: {{prefix: /api}}
      route:
        - destination: {{host: svc-{g}-{k}, subset: canary, port: 80}}
          weight: 100
      timeout: 5s
      retries: {{attempts: 3, perTryTimeout: 2s, retryOn: "5xx,reset"}}
    - name: primary
      route:
        - destination: {{host: svc-{g}-{k}, subset: stable, port: 80}}
          weight: {90 - k % 10}
        - destination: {{host: svc-{g}-{k}, subset: canary, port: 80}}
          weight: {10 + k % 10}
      timeout: 10s
      corsPolicy:
        allowOrigins: [https://shop.example.com, https://admin.shop.example.com]
        allowMethods: [GET, POST, PUT]
        maxAge: 24h
"""


def application(g, k, ns):
    return f"""apiVersion: deploy.example.com/v1alpha1
kind: Application
metadata:
  name: svc-{g}-{k}
  namespace: {ns}
  finalizers: [resources-finalizer.deploy.example.com]
spec:
  project: shop
  source:
    repoURL: https://git.example.com/shop/svc-{k}.git
    targetRevision: release-{k % 4}
    path: deploy/overlays/production
    kustomize:
      images: [registry.example.com/shop/svc-{k}:1.{k % 10}.{g % 13}]
      commonLabels:
        app.kubernetes.io/part-of: shop
  destination:
    server: https://kubernetes.default.svc
    namespace: {ns}
  syncPolicy:
    automated: {{prune: true, selfHeal: true}}
    retry:
      limit: 5
      backoff: {{duration: 5s, factor: 2, maxDuration: 3m}}
    syncOptions: [CreateNamespace=false, ServerSideApply=true]
  ignoreDifferences:
    - group: apps
      kind: Deployment
      jsonPointers: [/spec/replicas]
  info:
    - name: owner
      value: team-{g % 20}@example.com
"""


CRDS = [
    ("caches", "Cache", "shop.example.com", ["v1"], """
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer, minimum: 1, maximum: 64}
                engine: {type: string, enum: [redis, memcached]}
                port: {x-kubernetes-int-or-string: true}
                replicas: {type: integer, minimum: 1}
                settings: {type: object, x-kubernetes-preserve-unknown-fields: true}"""),
    ("certificates", "Certificate", "pki.example.com", ["v1"], """
            spec:
              type: object
              required: [secretName, issuerRef]
              properties:
                secretName: {type: string}
                duration: {type: string}
                renewBefore: {type: string}
                commonName: {type: string, maxLength: 64}
                dnsNames: {type: array, items: {type: string}}
                privateKey:
                  type: object
                  properties:
                    algorithm: {type: string, enum: [RSA, ECDSA, Ed25519]}
                    size: {type: integer}
                    rotationPolicy: {type: string, enum: [Never, Always]}
                usages: {type: array, items: {type: string}}
                issuerRef:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    kind: {type: string}
                    group: {type: string}"""),
    ("routes", "Route", "routing.example.com", ["v1beta1"], """
            spec:
              type: object
              properties:
                hosts: {type: array, items: {type: string}}
                gateways: {type: array, items: {type: string}}
                http:
                  type: array
                  items:
                    type: object
                    properties:
                      name: {type: string}
                      match:
                        type: array
                        items:
                          type: object
                          properties:
                            headers:
                              type: object
                              additionalProperties:
                                type: object
                                properties:
                                  exact: {type: string}
                                  prefix: {type: string}
                            uri:
                              type: object
                              properties:
                                exact: {type: string}
                                prefix: {type: string}
                      route:
                        type: array
                        items:
                          type: object
                          properties:
                            destination:
                              type: object
                              required: [host]
                              properties:
                                host: {type: string}
                                subset: {type: string}
                                port: {type: integer}
                            weight: {type: integer, minimum: 0, maximum: 100}
                      timeout: {type: string}
                      corsPolicy:
                        type: object
                        properties:
                          allowOrigins: {type: array, items: {type: string}}
                          allowMethods: {type: array, items: {type: string}}
                          maxAge: {type: string}
                      retries:
                        type: object
                        properties:
                          attempts: {type: integer}
                          perTryTimeout: {type: string}
                          retryOn: {type: string}"""),
    ("applications", "Application", "deploy.example.com", ["v1alpha1"], """
            spec:
              type: object
              required: [source, destination]
              properties:
                project: {type: string}
                source:
                  type: object
                  required: [repoURL]
                  properties:
                    repoURL: {type: string}
                    targetRevision: {type: string}
                    path: {type: string}
                    kustomize:
                      type: object
                      properties:
                        images: {type: array, items: {type: string}}
                        commonLabels: {type: object, additionalProperties: {type: string}}
                destination:
                  type: object
                  properties:
                    server: {type: string}
                    namespace: {type: string}
                syncPolicy:
                  type: object
                  properties:
                    automated:
                      type: object
                      properties:
                        prune: {type: boolean}
                        selfHeal: {type: boolean}
                    retry:
                      type: object
                      properties:
                        limit: {type: integer}
                        backoff:
                          type: object
                          properties:
                            duration: {type: string}
                            factor: {type: integer}
                            maxDuration: {type: string}
                    syncOptions: {type: array, items: {type: string}}
                ignoreDifferences:
                  type: array
                  items:
                    type: object
                    properties:
                      group: {type: string}
                      kind: {type: string}
                      jsonPointers: {type: array, items: {type: string}}
                info:
                  type: array
                  items:
                    type: object
                    properties:
                      name: {type: string}
                      value: {type: string}"""),
]


def crd(plural, kind, group, versions, spec):
    vs = "".join(
        f"""
    - name: {v}
      served: true
      storage: {"true" if i == 0 else "false"}
      schema:
        openAPIV3Schema:
          type: object
          properties:{spec}
"""
        for i, v in enumerate(versions)
    )
    return f"""apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: {plural}.{group}
spec:
  group: {group}
  scope: Namespaced
  names: {{plural: {plural}, singular: {kind.lower()}, kind: {kind}}}
  versions:{vs}"""


# One block of 100 documents: 57 built-in (20 Deployments, 12 Services, 8 ConfigMaps,
# 5 ServiceAccounts, 4 HPAs, 4 PDBs, 4 Ingresses) and 43 custom resources. Each object
# refers to the block's Deployments, so the cross-object rules find most references and
# miss some (a ServiceAccount or ConfigMap that is not in the repository), as in real
# repositories.
BLOCK = (
    [(deployment, k) for k in range(20)]
    + [(service, k) for k in range(12)]
    + [(config_map, k) for k in range(8)]
    + [(service_account, k) for k in range(5)]
    + [(hpa, k) for k in range(4)]
    + [(pdb, k) for k in range(4)]
    + [(ingress, k) for k in range(4)]
    + [(cache, k) for k in range(11)]
    + [(certificate, k) for k in range(4)]
    + [(route, k) for k in range(14)]
    + [(application, k) for k in range(14)]
)
assert len(BLOCK) == 100
# Interleave kinds so that multi-document files mix them (a Deployment with its Service).
ORDER = sorted(range(100), key=lambda j: (BLOCK[j][1], j))
# Documents per file, repeating: 12 documents in 7 files (0.58 files per document).
FILE_SIZES = [1, 1, 3, 1, 2, 1, 3]
CUSTOM = {cache, certificate, route, application}


def document(i):
    g, j = divmod(i, 100)
    make, k = BLOCK[ORDER[j]]
    return make(g, k, f"team-{g % 20}"), make in CUSTOM


def generate(dir, docs):
    """Writes the repository; returns (files, documents, bytes, custom resources)."""
    stamp = os.path.join(dir, ".generated")
    if os.environ.get("BENCH_KEEP") and os.path.exists(stamp):
        with open(stamp) as f:
            return tuple(json.load(f))
    shutil.rmtree(dir, ignore_errors=True)
    os.makedirs(os.path.join(dir, "crds"))
    files = total = custom = 0
    for c in CRDS:
        text = crd(*c)
        with open(os.path.join(dir, "crds", f"{c[0]}.yaml"), "w") as f:
            f.write(text)
        files += 1
        total += len(text)
    i = n = 0
    while i < docs:
        size = min(FILE_SIZES[n % len(FILE_SIZES)], docs - i)
        texts = []
        for d in range(i, i + size):
            text, cr = document(d)
            texts.append(text)
            custom += cr
        text = "---\n".join(texts)
        team = f"team-{(i // 100) % 20}"
        os.makedirs(os.path.join(dir, team), exist_ok=True)
        with open(os.path.join(dir, team, f"app-{i}.yaml"), "w") as f:
            f.write(text)
        files += 1
        total += len(text)
        i += size
        n += 1
    stats = (files, docs + len(CRDS), total, custom)
    with open(stamp, "w") as f:
        json.dump(stats, f)
    return stats


# ---------------------------------------------------------------------------------------
# Schemas for kubeconform, from kubelint's archive (format: schemas/generate.py)


def export_schemas(out):
    with open(os.path.join(ROOT, "schemas", f"kubernetes-{SCHEMA_VERSION}.bin"), "rb") as f:
        data = f.read()
    magic = b"KLSCHEMA1\n"
    assert data.startswith(magic), "not a kubelint schema archive"
    rest = data[len(magic):]
    (hlen,) = struct.unpack("<I", rest[:4])
    header = json.loads(zlib.decompress(rest[4:4 + hlen]))
    blobs = rest[4 + hlen:]
    defs = header["defs"]
    decoded = {}

    def definition(i):
        if i not in decoded:
            name, offset, length = defs[i]
            decoded[i] = json.loads(zlib.decompress(blobs[offset:offset + length]))
        return decoded[i]

    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    count = 0
    for key, closure in header["kinds"].items():
        api, kind = key.rsplit("/", 1)
        # kubeconform's {{ .ResourceKind }}{{ .KindSuffix }}: kind, the group's first label
        # and the version, lower case ("deployment-apps-v1", "ingress-networking-v1").
        parts = api.split("/")
        suffix = "-" + parts[0].split(".")[0].lower()
        if len(parts) > 1:
            suffix += "-" + parts[1].lower()
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": f"#/$defs/{defs[closure[0]][0]}",
            "$defs": {defs[i][0]: definition(i) for i in closure},
        }
        with open(os.path.join(out, f"{kind.lower()}{suffix}.json"), "w") as f:
            json.dump(schema, f, separators=(",", ":"))
        count += 1
    return count


# ---------------------------------------------------------------------------------------
# Measuring


# Peak RSS: Linux keeps a process's high-water mark across exec, so the ru_maxrss of a child
# forked from this Python process is at least this process's RSS when it forked. GNU time
# forks the measured program from its own small process and reports that program's peak; a
# wait4 on our direct child is the fallback (this script keeps itself small for it: reports
# are read in a separate process).
GNU_TIME = next((t for t in ("/usr/bin/time", shutil.which("gtime")) if t and os.access(t, os.X_OK)), None)


def run(cmd, stdout_path):
    """Runs cmd; returns (wall seconds, peak RSS in MiB, CPU seconds (user + system) of that
    process, exit code, stderr)."""
    rss_file = os.path.join(os.path.dirname(os.path.abspath(stdout_path)) if stdout_path != os.devnull
                            else "/tmp", f".peers-rss-{os.getpid()}")
    if GNU_TIME:
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file] + cmd
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        # wait4: this child's rusage, its waited-for children's CPU time included.
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
    rss = usage.ru_maxrss / 1024
    if GNU_TIME:
        with open(rss_file) as f:
            rss = int(f.read().split()[-1]) / 1024  # the last line; KiB
        os.remove(rss_file)
    return wall, rss, usage.ru_utime + usage.ru_stime, p.returncode, err


class Case:
    def __init__(self, name, cmd, out, ok_codes=(0,)):
        self.name, self.cmd, self.out, self.ok_codes = name, cmd, out, ok_codes
        self.walls, self.rss, self.cpus = [], [], []
        self.stderr = ""

    def once(self):
        wall, rss, cpu, code, err = run(self.cmd, self.out if self.out else os.devnull)
        if code not in self.ok_codes:
            sys.exit(f"{self.name}: exit code {code}\n{' '.join(self.cmd)}\n{err[-2000:]}")
        self.walls.append(wall)
        self.rss.append(rss)
        self.cpus.append(cpu)
        self.stderr = err

    @property
    def wall(self):
        return statistics.median(self.walls)

    @property
    def cpu(self):
        return statistics.median(self.cpus)

    @property
    def peak(self):
        return max(self.rss)

    def spread(self):
        return f"{min(self.walls):.2f}-{max(self.walls):.2f}"


def measure(cases, runs):
    # Interleaved, so that noise from other processes on the machine hits every tool alike.
    for r in range(runs):
        for c in cases:
            c.once()
            print(f"  run {r + 1}/{runs} {c.name}: {c.walls[-1]:.2f} s, CPU {c.cpus[-1]:.2f} s, {c.rss[-1]:.0f} MiB", file=sys.stderr, flush=True)


def kubelint_cases(binary, repo, tag, work, formats=("json", "sarif", "human"), extra=()):
    cases = []
    for fmt in formats:
        out = os.path.join(work, f"{tag}.kubelint.{fmt}")
        cmd = [binary, "check", repo, "--format", fmt, "--output", out, "--fail-on", "never", "--no-config", *extra]
        cases.append(Case(f"kubelint --format {fmt}", cmd, None))
        cases[-1].report = out
    return cases


def kubeconform_case(binary, repo, schemas, tag, work):
    out = os.path.join(work, f"{tag}.kubeconform.json")
    location = os.path.join(schemas, "{{ .ResourceKind }}{{ .KindSuffix }}.json")
    cmd = [binary, "-strict", "-summary", "-output", "json", "-ignore-missing-schemas",
           "-schema-location", location, repo]
    # Exit code 1: some resource is invalid (a finding, not a failure of the run).
    c = Case("kubeconform -strict", cmd, out, ok_codes=(0, 1))
    c.report = out
    return c


def summary_of(path):
    """The "summary" object of a JSON report, read in another process (see GNU_TIME)."""
    code = "import json, sys; print(json.dumps(json.load(open(sys.argv[1])).get('summary', {})))"
    out = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def kubelint_counts(path):
    s = summary_of(path)
    return s.get("objects"), sum(s.get("findings", {}).values()), s.get("findings", {})


def kubeconform_summary(path):
    return summary_of(path)


def cargo_release_binary():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    print("building the release binary once (cargo build --release; LTO, one codegen unit)", file=sys.stderr)
    subprocess.run(["cargo", "build", "--release", "--bin", "kubelint"], cwd=ROOT, check=True)
    return os.path.join(target, "release", "kubelint")


def mib(x):
    return f"{x:,.0f}"


def main():
    sys.stdout.reconfigure(line_buffering=True)
    docs = int(os.environ.get("BENCH_DOCS", "100000"))
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    scale_docs = int(os.environ.get("BENCH_SCALE_DOCS", str(docs // 10)))
    corpus = os.environ.get("BENCH_CORPUS")
    work = os.path.abspath(os.environ.get("BENCH_DIR", "/tmp/kubelint-peers"))
    os.makedirs(work, exist_ok=True)
    kubelint = os.environ.get("KUBELINT_BIN") or cargo_release_binary()
    kubeconform = os.environ.get("KUBECONFORM") or shutil.which("kubeconform")
    version = subprocess.run([kubelint, "--version"], capture_output=True, text=True).stdout.strip()
    kc_version = None
    if kubeconform:
        kc_version = subprocess.run([kubeconform, "-v"], capture_output=True, text=True).stdout.strip()
    else:
        print("kubeconform not found (KUBECONFORM or PATH): kubelint alone", file=sys.stderr)

    schemas = os.path.join(work, "schemas")
    kinds = export_schemas(schemas)
    print(f"{version}; kubeconform {kc_version or '(none)'}; {os.cpu_count()} CPUs; "
          f"peak RSS from {'GNU time' if GNU_TIME else 'wait4'}; "
          f"{kinds} kubeconform schemas exported from kubelint's {SCHEMA_VERSION} archive; "
          f"median of {runs} runs (min-max)")

    results = {}
    for size in [docs] + ([scale_docs] if 0 < scale_docs < docs else []):
        repo = os.path.join(work, f"repo-{size}")
        t = time.perf_counter()
        files, total_docs, total, custom = generate(repo, size)
        print(f"\n## generated repository: {total_docs:,} documents ({custom / total_docs:.0%} custom resources, "
              f"{len(CRDS)} CRDs), {files:,} files, {total / 1e6:.1f} MB ({time.perf_counter() - t:.1f} s to write)")
        formats = ("json", "sarif", "human") if size == docs else ("json",)
        cases = kubelint_cases(kubelint, repo, f"repo-{size}", work, formats)
        if kubeconform:
            cases.append(kubeconform_case(kubeconform, repo, schemas, f"repo-{size}", work))
        measure(cases, runs)
        results[size] = (total_docs, total, cases)
        print_table(cases, total_docs, total)
        objects, findings, levels = kubelint_counts(cases[0].report)
        print(f"kubelint: {objects:,} objects, {findings:,} findings {levels}; "
              f"report sizes: " + ", ".join(f"{c.name.split()[-1]} {os.path.getsize(c.report) / 1e6:.0f} MB"
                                            for c in cases if c.name.startswith("kubelint")))
        if kubeconform:
            print(f"kubeconform summary: {kubeconform_summary(cases[-1].report)} "
                  "(custom resources skipped: no schema; the CRDs in the repository are not read)")
        if size == docs:
            json_case = cases[0]
            for c in cases[1:3]:
                print(f"{c.name} / json: wall {c.wall / json_case.wall:.2f}x, CPU {c.cpu / json_case.cpu:.2f}x, "
                      f"peak RSS {c.peak / json_case.peak:.2f}x (target: within 1.3x)")

    if len(results) == 2:
        (big, (bd, bb, bc)), (small, (sd, sb, sc)) = sorted(results.items(), reverse=True)
        print(f"\n## scaling {sd:,} -> {bd:,} documents (kubelint --format json)")
        print("| | documents | wall µs/document | CPU µs/document | peak RSS MiB | KiB RSS/document |")
        print("|---|---|---|---|---|---|")
        for n, cases in ((sd, sc), (bd, bc)):
            for c in (cases[0], cases[-1]) if kubeconform else (cases[0],):
                print(f"| {c.name} | {n:,} | {c.wall / n * 1e6:.0f} | {c.cpu / n * 1e6:.0f} | {mib(c.peak)} | {c.peak * 1024 / n:.1f} |")
        ratio = (bc[0].wall / bd) / (sc[0].wall / sd)
        cratio = (bc[0].cpu / bd) / (sc[0].cpu / sd)
        print(f"kubelint time per document, {bd:,} / {sd:,}: wall {ratio:.2f}x, CPU {cratio:.2f}x (target: within 1.20x)")

    if corpus:
        print(f"\n## corpus {corpus}")
        # --no-render: the corpus holds kustomizations, which kubelint would build with
        # kubectl (seconds of child processes, and a partial copy makes half of them fail);
        # kubeconform reads the same files as plain YAML, so both do the same work.
        cases = kubelint_cases(kubelint, corpus, "corpus", work, ("json",), ("--no-render",))
        if kubeconform:
            cases.append(kubeconform_case(kubeconform, corpus, schemas, "corpus", work))
        measure(cases, max(runs, 3))
        objects, findings, levels = kubelint_counts(cases[0].report)
        print_table(cases, objects, None)
        print(f"kubelint: {objects:,} objects, {findings:,} findings {levels}")
        if kubeconform:
            print(f"kubeconform summary: {kubeconform_summary(cases[-1].report)}")


def print_table(cases, docs, total):
    kc = next((c for c in cases if c.name.startswith("kubeconform")), None)
    print("| tool and format | wall s (median) | min-max | CPU s | documents/s | peak RSS MiB | wall / kubeconform | CPU / kubeconform | RSS / kubeconform |")
    print("|---|---|---|---|---|---|---|---|---|")
    for c in cases:
        rel = f"{c.wall / kc.wall:.2f}x" if kc else "-"
        crel = f"{c.cpu / kc.cpu:.2f}x" if kc else "-"
        rrel = f"{c.peak / kc.peak:.2f}x" if kc else "-"
        print(f"| {c.name} | {c.wall:.2f} | {c.spread()} | {c.cpu:.2f} | {docs / c.wall:,.0f} | {mib(c.peak)} | {rel} | {crel} | {rrel} |")


if __name__ == "__main__":
    main()
