//! `kubelint lsp` driven as an editor drives it: the real binary over stdio, messages
//! framed with `Content-Length`, a temporary workspace with a Deployment in one file and a
//! Service selecting it in another.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:latest
";

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - port: 80
";

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                gears:
                  type: integer
                  description: How many gears the widget turns.
";

const WIDGET: &str = "apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  namespace: tools
spec:
  gears: 3
";

/// The server process, what it said so far, and the next request id.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    seen: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kubelint"))
            .arg("lsp")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            loop {
                // Headers, then the body of exactly Content-Length bytes.
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("every message has a Content-Length")];
                stdout.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice::<Value>(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            seen: Vec::new(),
            next_id: 1,
        }
    }

    fn write(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.write(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its answer (the notifications meanwhile are kept).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.write(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let answer = self.wait(&format!("the answer to {method}"), |m| {
            m["id"] == id && m.get("method").is_none()
        });
        assert!(answer.get("error").is_none(), "{answer}");
        answer["result"].clone()
    }

    /// The first message not yet looked at that satisfies `wanted`; those before it are
    /// kept for later waits. Fails after 20 seconds.
    fn wait(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&wanted) {
            return self.seen.remove(i);
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if wanted(&m) => return m,
                Ok(m) => self.seen.push(m),
                Err(RecvTimeoutError::Timeout) => panic!("no {what} within 20 s; seen: {:#?}", self.seen),
                Err(RecvTimeoutError::Disconnected) => panic!("the server stopped before {what}"),
            }
        }
    }

    /// The next diagnostics published for `uri` at `version` (another document's are
    /// kept for later).
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        self.diagnostics_where(uri, version, |_| true)
    }

    /// The first diagnostics published for `uri` at `version` that satisfy `wanted`: every
    /// open document is linted again when another changes, so a document's version is
    /// published more than once, the context it was linted in changing between.
    fn diagnostics_where(&mut self, uri: &str, version: i64, wanted: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let m = self.wait(&format!("diagnostics of {uri} v{version}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
                && wanted(m["params"]["diagnostics"].as_array().unwrap())
        });
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn rules(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

fn of_rule<'a>(diagnostics: &'a [Value], rule: &str) -> Option<&'a Value> {
    diagnostics.iter().find(|d| d["code"] == rule)
}

/// `text` with the protocol's edits applied (UTF-16 positions; ASCII text here).
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let character = p["character"].as_u64().unwrap() as usize;
        text.split_inclusive('\n').take(line).map(str::len).sum::<usize>() + character
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, new);
    }
    out
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("deploy.yaml"), DEPLOYMENT).unwrap();
    std::fs::write(dir.path().join("svc.yaml"), SERVICE).unwrap();
    std::fs::create_dir(dir.path().join("crds")).unwrap();
    std::fs::write(dir.path().join("crds/widget.yaml"), CRD).unwrap();
    std::fs::write(dir.path().join("widget.yaml"), WIDGET).unwrap();
    dir
}

fn initialize(client: &mut Client, root: &Path) -> Value {
    let result = client.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(root),
            "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
            "initializationOptions": {"debounceMs": 30},
        }),
    );
    client.notify("initialized", json!({}));
    result
}

fn open(client: &mut Client, uri: &str, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
}

fn change(client: &mut Client, uri: &str, version: i64, changes: Value) {
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
    );
}

fn shutdown(mut client: Client) {
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = client.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0));
            return;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn diagnostics_follow_edits_across_files_and_actions_and_hover_answer() {
    let dir = workspace();
    let root = dir.path();
    let (deploy, svc, widget) = (
        uri(&root.join("deploy.yaml")),
        uri(&root.join("svc.yaml")),
        uri(&root.join("widget.yaml")),
    );
    let mut client = Client::start(&["--no-config"]);
    let result = initialize(&mut client, root);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(result["serverInfo"]["name"], "kubelint");
    let loaded = client.wait("the workspace load", |m| {
        m["method"] == "window/logMessage" && m["params"]["message"].as_str().unwrap().contains("workspace loaded")
    });
    assert!(
        loaded["params"]["message"]
            .as_str()
            .unwrap()
            .contains("4 files, 4 objects"),
        "{loaded}"
    );

    // didOpen: the Deployment's findings, at their exact ranges.
    open(&mut client, &deploy, DEPLOYMENT);
    let d = client.diagnostics(&deploy, 1);
    let latest = of_rule(&d, "latest-tag").expect("latest-tag");
    assert_eq!(
        latest["range"],
        json!({"start": {"line": 17, "character": 17}, "end": {"line": 17, "character": 29}})
    );
    assert_eq!(latest["severity"], 2);
    assert_eq!(latest["source"], "kubelint");
    assert_eq!(
        latest["codeDescription"]["href"],
        "https://github.com/kubelint/kubelint/blob/main/docs/rules/latest-tag.md"
    );
    assert!(latest["message"].as_str().unwrap().contains("`latest` tag"), "{latest}");
    assert!(latest["message"].as_str().unwrap().contains("\nHelp: "), "{latest}");
    let replicas = of_rule(&d, "replicas-too-low").expect("replicas-too-low");
    assert_eq!(replicas["severity"], 3);
    assert_eq!(replicas["range"]["start"], json!({"line": 6, "character": 12}));
    // A rule's fix is a quick fix: safe, so preferred; its edit, applied and sent back,
    // makes the finding go.
    let escalation = of_rule(&d, "privilege-escalation-allowed").expect("privilege-escalation-allowed");
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": deploy},
            "range": escalation["range"],
            "context": {"diagnostics": [escalation]},
        }),
    );
    let set = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Set `allowPrivilegeEscalation: false`")
        .unwrap_or_else(|| panic!("{actions:#}"));
    assert_eq!(set["kind"], "quickfix");
    assert_eq!(set["isPreferred"], true);
    let fixed = apply(DEPLOYMENT, set["edit"]["changes"][&deploy].as_array().unwrap());
    assert!(
        fixed.ends_with(
            "          image: nginx:latest\n          securityContext:\n            allowPrivilegeEscalation: false\n"
        ),
        "{fixed}"
    );
    change(&mut client, &deploy, 2, json!([{"text": fixed}]));
    let d = client.diagnostics(&deploy, 2);
    assert!(of_rule(&d, "privilege-escalation-allowed").is_none(), "{:?}", rules(&d));
    change(&mut client, &deploy, 3, json!([{"text": DEPLOYMENT}]));
    client.diagnostics(&deploy, 3);

    // The Service in the other file selects the Deployment's pods: no finding on it.
    open(&mut client, &svc, SERVICE);
    let s = client.diagnostics(&svc, 1);
    assert!(of_rule(&s, "service-selects-nothing").is_none(), "{:?}", rules(&s));

    // didChange (incremental): the image pinned, latest-tag goes.
    change(
        &mut client,
        &deploy,
        4,
        json!([{"range": {"start": {"line": 17, "character": 23}, "end": {"line": 17, "character": 29}}, "text": "1.27.2"}]),
    );
    let d = client.diagnostics(&deploy, 4);
    assert!(of_rule(&d, "latest-tag").is_none(), "{:?}", rules(&d));
    assert!(of_rule(&d, "replicas-too-low").is_some());

    // The Deployment's labels edited in its buffer: the Service, in the other file, now
    // selects nothing, as `kubelint check` says of the two files.
    change(
        &mut client,
        &deploy,
        5,
        json!([
            {"range": {"start": {"line": 13, "character": 13}, "end": {"line": 13, "character": 16}}, "text": "api"},
            {"range": {"start": {"line": 9, "character": 11}, "end": {"line": 9, "character": 14}}, "text": "api"},
        ]),
    );
    client.diagnostics(&deploy, 5);
    let s = client.diagnostics_where(&svc, 1, |d| of_rule(d, "service-selects-nothing").is_some());
    let nothing = of_rule(&s, "service-selects-nothing").expect("service-selects-nothing on the Service");
    assert_eq!(nothing["range"]["start"], json!({"line": 6, "character": 2}));

    // The code action that ignores the rule for this object: applied and sent back, the
    // finding is gone (suppressed).
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": svc},
            "range": nothing["range"],
            "context": {"diagnostics": [nothing]},
        }),
    );
    let ignore = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Ignore `service-selects-nothing` for this object")
        .unwrap_or_else(|| panic!("{actions:#}"));
    assert_eq!(ignore["kind"], "quickfix");
    assert_eq!(ignore["isPreferred"], false);
    let edits = ignore["edit"]["changes"][&svc].as_array().unwrap();
    let ignored = apply(SERVICE, edits);
    assert!(
        ignored.contains("  annotations:\n    kubelint.dev/ignore: service-selects-nothing\n"),
        "{ignored}"
    );
    change(&mut client, &svc, 2, json!([{"text": ignored}]));
    let s = client.diagnostics(&svc, 2);
    assert!(of_rule(&s, "service-selects-nothing").is_none(), "{:?}", rules(&s));

    // Hover: a CRD's field from the workspace, with its description; a built-in one with
    // its type, path and Kubernetes's description.
    open(&mut client, &widget, WIDGET);
    client.diagnostics(&widget, 1);
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": widget}, "position": {"line": 6, "character": 4}}),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("How many gears the widget turns."), "{text}");
    assert!(text.contains("`/spec/gears`") && text.contains("`integer`"), "{text}");
    assert_eq!(
        hover["range"],
        json!({"start": {"line": 6, "character": 2}, "end": {"line": 6, "character": 7}})
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": deploy}, "position": {"line": 17, "character": 12}}),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("**`/spec/template/spec/containers/0/image`** · `string`"),
        "{text}"
    );
    assert!(
        text.contains("\n\nContainer image name. More info: https://kubernetes.io/docs/concepts/containers/images"),
        "{text}"
    );
    assert!(
        !text.contains("_Description from"),
        "the run's version has its own descriptions: {text}"
    );
    assert!(
        text.contains("_Deployment (apps/v1), schema: Kubernetes 1.37_"),
        "{text}"
    );

    // Completion of field names where a key is being typed.
    let typing = DEPLOYMENT.replace("  replicas: 1\n", "  replicas: 1\n  minR\n");
    change(&mut client, &deploy, 6, json!([{"text": typing}]));
    let items = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": deploy}, "position": {"line": 7, "character": 6}}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"minReadySeconds") && labels.contains(&"strategy"),
        "{labels:?}"
    );
    assert!(
        !labels.contains(&"replicas"),
        "a key already there is not offered: {labels:?}"
    );

    // Closing a document clears its diagnostics.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": widget}}));
    let cleared = client.wait("cleared diagnostics", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == widget.as_str()
            && m["params"]["version"].is_null()
    });
    assert_eq!(cleared["params"]["diagnostics"], json!([]));
    shutdown(client);
}

#[test]
fn utf8_is_negotiated_when_offered_and_a_file_changed_on_disk_is_reloaded() {
    let dir = workspace();
    let root = dir.path();
    let svc = uri(&root.join("svc.yaml"));
    let mut client = Client::start(&["--no-config"]);
    let result = client.request(
        "initialize",
        json!({
            "processId": null,
            "workspaceFolders": [{"uri": uri(root), "name": "w"}],
            "capabilities": {"general": {"positionEncodings": ["utf-16", "utf-8"]}},
        }),
    );
    client.notify("initialized", json!({}));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    let text = SERVICE.replace("name: web\n", "name: wéb-ü\n");
    open(&mut client, &svc, &text);
    let s = client.diagnostics(&svc, 1);
    assert!(of_rule(&s, "service-selects-nothing").is_none(), "{:?}", rules(&s));
    let invalid = of_rule(&s, "invalid-metadata").expect("a name with non-ASCII letters is invalid");
    // UTF-8 columns: `  name: wéb-ü` ends at byte 15 of its line.
    assert_eq!(invalid["range"]["end"], json!({"line": 3, "character": 15}));

    // The Deployment changes on disk (not open): the watcher's event reloads that file.
    std::fs::write(root.join("deploy.yaml"), DEPLOYMENT.replace("app: web", "app: api")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&root.join("deploy.yaml")), "type": 2}]}),
    );
    client.diagnostics_where(&svc, 1, |d| of_rule(d, "service-selects-nothing").is_some());
    shutdown(client);
}

#[test]
fn the_config_is_found_from_the_root_or_given_with_config() {
    let dir = workspace();
    let root = dir.path();
    let deploy = uri(&root.join("deploy.yaml"));
    std::fs::write(root.join(".kubelint.yaml"), "rules:\n  latest-tag: error\n").unwrap();
    let other = tempfile::tempdir().unwrap();
    let given = other.path().join("strict.yaml");
    std::fs::write(&given, "rules:\n  latest-tag: off\n  replicas-too-low: off\n").unwrap();
    let severity_of = |args: &[&str]| {
        let mut client = Client::start(args);
        initialize(&mut client, root);
        open(&mut client, &deploy, DEPLOYMENT);
        let d = client.diagnostics(&deploy, 1);
        shutdown(client);
        (
            of_rule(&d, "latest-tag").map(|f| f["severity"].clone()),
            of_rule(&d, "replicas-too-low").is_some(),
        )
    };
    // `.kubelint.yaml` at the workspace root (the server's working directory is elsewhere).
    assert_eq!(severity_of(&[]), (Some(json!(1)), true));
    assert_eq!(severity_of(&["--config", given.to_str().unwrap()]), (None, false));
    assert_eq!(severity_of(&["--no-config"]), (Some(json!(2)), true));
}
