//! `kubelint lsp`: the language server, over stdio (docs/editors.md).
//!
//! Built on `lsp-server` (rust-analyzer's synchronous scaffold) and `lsp-types`. The main
//! loop reads messages, keeps the open documents and answers requests (hover, completion,
//! code actions); the worker (`worker.rs`) owns the workspace (every file of the walk,
//! loaded once, open documents' buffers in place of their files), waits until edits pause
//! for the debounce delay, and lints the open documents against the whole workspace,
//! publishing diagnostics; lsp-server's threads read stdin and write stdout. An edit sets
//! the cancel flag of the lint in progress, which stops within one rule's time on one object.

mod actions;
mod hover;
mod text;
mod worker;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticSeverity, InitializeParams, NumberOrString, PublishDiagnosticsParams, Uri,
    notification as note, request as req,
};

use crate::engine::config::Config;
use crate::engine::{Linter, PreparedContext, RunOptions};
use crate::vocab::{Finding, Severity};
use text::{Encoding, Lines};

/// The debounce delay unless `initializationOptions.debounceMs` says otherwise.
const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(150);

/// How `kubelint lsp` was started.
#[derive(Debug, Default)]
pub struct LspOptions {
    /// `--config`: the config file (default: `.kubelint.yaml` found upward from the
    /// workspace root).
    pub config: Option<PathBuf>,
    /// `--no-config`: ignore any config file.
    pub no_config: bool,
    /// What the command line adds to the config (Kubernetes version, strictness…).
    pub run: RunOptions,
}

/// An open document: the editor's buffer, which wins over the file on disk.
#[derive(Clone, Debug)]
pub(crate) struct Doc {
    uri: Uri,
    path: PathBuf,
    text: String,
    version: i32,
}

/// What the main loop and the worker share.
#[derive(Default)]
pub(crate) struct State {
    /// Open documents by URI.
    docs: HashMap<String, Doc>,
    /// Files changed since the worker last looked: a buffer's text, or `None` to read the
    /// file again from disk (changed outside the editor, created, deleted, closed).
    pending: BTreeMap<PathBuf, Option<String>>,
    /// The context of the whole workspace as of the worker's last batch.
    context: Option<Arc<PreparedContext>>,
    /// Set to stop the lint in progress (an edit came in).
    cancel: Arc<AtomicBool>,
    /// The findings last published for each open document, with its version then.
    results: HashMap<String, (i32, Vec<Finding>)>,
}

/// The server: the linter, what was negotiated, the shared state.
pub(crate) struct Server {
    linter: Linter,
    encoding: Encoding,
    sender: crossbeam_channel::Sender<Message>,
    state: Mutex<State>,
}

impl Server {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn send(&self, message: impl Into<Message>) {
        // The writer is gone only when the client is: nothing is left to tell.
        let _ = self.sender.send(message.into());
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    fn log(&self, kind: lsp_types::MessageType, message: String) {
        self.notify::<note::LogMessage>(lsp_types::LogMessageParams { typ: kind, message });
    }

    /// Publishes `findings` on `doc` (its text as linted).
    fn publish(&self, uri: &Uri, version: Option<i32>, text: &str, findings: &[Finding]) {
        let lines = Lines::new(text);
        let diagnostics = findings
            .iter()
            .map(|f| diagnostic(f, text, &lines, self.encoding))
            .collect();
        self.notify::<note::PublishDiagnostics>(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version,
        });
    }

    /// The context to answer a request with (an empty one before the workspace is loaded).
    fn context(&self) -> Arc<PreparedContext> {
        if let Some(c) = &self.state().context {
            return Arc::clone(c);
        }
        Arc::new(self.linter.empty_context())
    }

    /// Lints `doc` now, on this thread (a request about a version the worker has not
    /// linted yet).
    fn lint_now(&self, doc: &Doc) -> Vec<Finding> {
        let context = self.context();
        let report = self
            .linter
            .lint_workspace_file(&context, &doc.path, &doc.text, &AtomicBool::new(false))
            .expect("nothing sets this cancel flag");
        own_findings(report.findings, &doc.path)
    }

    /// The findings of the open document `uri` at its current version, with the document.
    fn findings(&self, uri: &Uri) -> Option<(Doc, Vec<Finding>)> {
        let (doc, cached) = {
            let state = self.state();
            let doc = state.docs.get(uri.as_str())?.clone();
            let cached = state
                .results
                .get(uri.as_str())
                .filter(|(v, _)| *v == doc.version)
                .map(|(_, f)| f.clone());
            (doc, cached)
        };
        let findings = cached.unwrap_or_else(|| self.lint_now(&doc));
        Some((doc, findings))
    }
}

/// The findings of a report that are about `path` (not `rule-error`s about scripts).
fn own_findings(findings: Vec<Finding>, path: &Path) -> Vec<Finding> {
    findings.into_iter().filter(|f| f.file.path == path).collect()
}

/// A finding as a diagnostic: its exact range, severity, rule id and doc link, the
/// remediation after the message.
fn diagnostic(f: &Finding, text: &str, lines: &Lines, encoding: Encoding) -> Diagnostic {
    let range = lines.range(text, f.span.start as usize, f.span.end as usize, encoding);
    let severity = match f.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    };
    let mut message = f.message.clone();
    if !f.help.is_empty() {
        message.push_str("\nHelp: ");
        message.push_str(f.help);
    }
    Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(f.rule.to_string())),
        code_description: f.help_url().parse().ok().map(|href| CodeDescription { href }),
        source: Some("kubelint".to_string()),
        message,
        ..Diagnostic::default()
    }
}

/// The path of a `file:` URI (percent-decoded); `None` for other schemes.
pub(crate) fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///p` (empty authority) or `file://localhost/p`.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = path.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    let decoded = String::from_utf8(out).ok()?;
    // `file:///C:/x` on Windows.
    #[cfg(windows)]
    let decoded = decoded.strip_prefix('/').map(str::to_string).unwrap_or(decoded);
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of an absolute path.
#[cfg(test)]
fn path_to_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?.replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.parse().ok()
}

/// The client's settings for kubelint (`initializationOptions`).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct InitOptions {
    /// Milliseconds without an edit before the open documents are linted.
    debounce_ms: Option<u64>,
}

/// The config: `--config`, else `.kubelint.yaml` found upward from the workspace root.
fn load_config(options: &LspOptions, root: Option<&Path>) -> Result<Config, String> {
    if options.no_config {
        return Ok(Config::default());
    }
    let path = options.config.clone().or_else(|| root.and_then(Config::find_upward));
    match path {
        Some(p) => Config::load(&p).map_err(|e| e.to_string()),
        None => Ok(Config::default()),
    }
}

/// The linter for the workspace, and a message when the config or options are wrong (the
/// server then goes on with the defaults, and says so).
fn build_linter(options: &LspOptions, root: Option<&Path>) -> (Linter, Option<String>) {
    let attempt = load_config(options, root).and_then(|config| {
        let mut run = options.run.clone();
        // The repository's own `rules/` folder beside the config, as `check` loads it.
        if let Some(dir) = config.source.as_deref().and_then(Path::parent).map(|d| d.join("rules"))
            && cfg!(feature = "scripts")
            && std::fs::read_dir(&dir)
                .map(|mut e| e.any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "rhai"))))
                .unwrap_or(false)
        {
            run.rule_dirs.push(dir);
        }
        Linter::with_options(config, run).map_err(|e| e.to_string())
    });
    match attempt {
        Ok(linter) => (linter, None),
        Err(e) => (
            Linter::new(Config::default()).expect("the default config is valid"),
            Some(format!("kubelint: {e}; linting with the default config")),
        ),
    }
}

/// What the server can do, in the negotiated encoding.
fn capabilities(encoding: Encoding) -> lsp_types::ServerCapabilities {
    use lsp_types::*;
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions::default()),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// The workspace's root folders: the workspace folders, else `rootUri`, else `rootPath`.
#[allow(deprecated)] // rootUri and rootPath: older clients send only these
fn roots(params: &InitializeParams) -> Vec<PathBuf> {
    let folders: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| uri_to_path(&f.uri))
        .collect();
    if !folders.is_empty() {
        return folders;
    }
    if let Some(p) = params.root_uri.as_ref().and_then(uri_to_path) {
        return vec![p];
    }
    params.root_path.iter().map(PathBuf::from).collect()
}

/// Runs the server on stdin and stdout until the client says `exit`. `Ok` after a
/// `shutdown` and `exit`, `Err` when the connection breaks or the client exits without
/// shutting down.
pub fn run(options: LspOptions) -> Result<(), String> {
    let (connection, io) = Connection::stdio();
    let outcome = serve(&connection, &options);
    drop(connection);
    io.join().map_err(|e| e.to_string())?;
    outcome
}

fn serve(connection: &Connection, options: &LspOptions) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).map_err(|e| format!("initialize: {e}"))?;
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let init: InitOptions = params
        .initialization_options
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let debounce = init.debounce_ms.map_or(DEFAULT_DEBOUNCE, Duration::from_millis);
    let result = lsp_types::InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(lsp_types::ServerInfo {
            name: "kubelint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    connection
        .initialize_finish(id, serde_json::to_value(result).expect("capabilities serialise"))
        .map_err(|e| e.to_string())?;
    let roots = roots(&params);
    let (linter, problem) = build_linter(options, roots.first().map(PathBuf::as_path));
    let server = Arc::new(Server {
        linter,
        encoding,
        sender: connection.sender.clone(),
        state: Mutex::new(State::default()),
    });
    if let Some(message) = problem {
        server.notify::<note::ShowMessage>(lsp_types::ShowMessageParams {
            typ: lsp_types::MessageType::ERROR,
            message,
        });
    }
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        == Some(true);
    let (wake, woken) = std::sync::mpsc::channel::<()>();
    let worker = {
        let server = Arc::clone(&server);
        std::thread::Builder::new()
            .name("kubelint-lint".into())
            .spawn(move || worker::run(&server, &roots, &woken, debounce))
            .map_err(|e| e.to_string())?
    };
    let outcome = main_loop(connection, &server, &wake, watch);
    // The worker ends when its channel closes.
    server.state().cancel.store(true, Ordering::Relaxed);
    drop(wake);
    let _ = worker.join();
    outcome
}

fn main_loop(
    connection: &Connection,
    server: &Server,
    wake: &std::sync::mpsc::Sender<()>,
    watch: bool,
) -> Result<(), String> {
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request).map_err(|e| e.to_string())? {
                    return Ok(());
                }
                let response = answer(server, request);
                server.send(response);
            }
            Message::Notification(n) if n.method == note::Exit::METHOD => {
                return Err("exit without shutdown".into());
            }
            Message::Notification(n) if n.method == note::Initialized::METHOD && watch => {
                server.send(Request::new(
                    RequestId::from("kubelint/watch".to_string()),
                    req::RegisterCapability::METHOD.to_string(),
                    lsp_types::RegistrationParams {
                        registrations: vec![lsp_types::Registration {
                            id: "kubelint-watch".into(),
                            method: note::DidChangeWatchedFiles::METHOD.into(),
                            register_options: Some(serde_json::json!({
                                "watchers": [{"globPattern": "**/*.{yaml,yml,json}"}]
                            })),
                        }],
                    },
                ));
            }
            Message::Notification(n) => {
                if on_notification(server, n) {
                    let _ = wake.send(());
                }
            }
            Message::Response(_) => {}
        }
    }
    Err("the client closed the connection without shutting down".into())
}

/// Handles a notification; true when the workspace changed (the worker has work).
fn on_notification(server: &Server, n: Notification) -> bool {
    fn params<N: lsp_types::notification::Notification>(n: Notification) -> Option<N::Params> {
        serde_json::from_value(n.params).ok()
    }
    let method = n.method.as_str();
    let mut state = server.state();
    // Whatever changes, the lint in progress is stale.
    let changed = match method {
        note::DidOpenTextDocument::METHOD => {
            let Some(p) = params::<note::DidOpenTextDocument>(n) else {
                return false;
            };
            let Some(path) = uri_to_path(&p.text_document.uri) else {
                return false;
            };
            state.pending.insert(path.clone(), Some(p.text_document.text.clone()));
            state.docs.insert(
                p.text_document.uri.as_str().to_string(),
                Doc {
                    uri: p.text_document.uri,
                    path,
                    text: p.text_document.text,
                    version: p.text_document.version,
                },
            );
            true
        }
        note::DidChangeTextDocument::METHOD => {
            let Some(p) = params::<note::DidChangeTextDocument>(n) else {
                return false;
            };
            let Some(doc) = state.docs.get_mut(p.text_document.uri.as_str()) else {
                return false;
            };
            text::apply_changes(&mut doc.text, p.content_changes, server.encoding);
            doc.version = p.text_document.version;
            let (path, text) = (doc.path.clone(), doc.text.clone());
            state.pending.insert(path, Some(text));
            true
        }
        note::DidCloseTextDocument::METHOD => {
            let Some(p) = params::<note::DidCloseTextDocument>(n) else {
                return false;
            };
            let Some(doc) = state.docs.remove(p.text_document.uri.as_str()) else {
                return false;
            };
            state.results.remove(doc.uri.as_str());
            state.pending.insert(doc.path, None);
            drop(state);
            server.publish(&doc.uri, None, "", &[]);
            state = server.state();
            true
        }
        note::DidSaveTextDocument::METHOD => false,
        note::DidChangeWatchedFiles::METHOD => {
            let Some(p) = params::<note::DidChangeWatchedFiles>(n) else {
                return false;
            };
            let mut any = false;
            for change in p.changes {
                let Some(path) = uri_to_path(&change.uri) else { continue };
                // An open document's buffer wins over its file.
                if state.docs.values().any(|d| d.path == path) {
                    continue;
                }
                state.pending.insert(path, None);
                any = true;
            }
            any
        }
        _ => false,
    };
    if changed {
        state.cancel.store(true, Ordering::Relaxed);
    }
    changed
}

/// Answers a request.
fn answer(server: &Server, request: Request) -> Response {
    fn params<R: lsp_types::request::Request>(r: &Request) -> Result<R::Params, Response> {
        serde_json::from_value(r.params.clone())
            .map_err(|e| Response::new_err(r.id.clone(), ErrorCode::InvalidParams as i32, e.to_string()))
    }
    let id = request.id.clone();
    let result = match request.method.as_str() {
        req::HoverRequest::METHOD => match params::<req::HoverRequest>(&request) {
            Ok(p) => serde_json::to_value(hover::hover(server, &p)),
            Err(e) => return e,
        },
        req::Completion::METHOD => match params::<req::Completion>(&request) {
            Ok(p) => serde_json::to_value(hover::completion(server, &p)),
            Err(e) => return e,
        },
        req::CodeActionRequest::METHOD => match params::<req::CodeActionRequest>(&request) {
            Ok(p) => serde_json::to_value(actions::code_actions(server, &p)),
            Err(e) => return e,
        },
        other => {
            return Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("kubelint does not answer {other}"),
            );
        }
    };
    match result {
        Ok(value) => Response::new_ok(id, value),
        Err(e) => Response::new_err(id, ErrorCode::InternalError as i32, e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_and_paths_round_trip() {
        let uri: Uri = "file:///tmp/my%20dir/caf%C3%A9.yaml".parse().unwrap();
        assert_eq!(uri_to_path(&uri), Some(PathBuf::from("/tmp/my dir/café.yaml")));
        let back = path_to_uri(Path::new("/tmp/my dir/café.yaml")).unwrap();
        assert_eq!(back.as_str(), "file:///tmp/my%20dir/caf%C3%A9.yaml");
        let other: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&other), None);
    }

    #[test]
    fn diagnostics_carry_range_severity_code_link_and_help() {
        let linter = Linter::new(Config::default()).unwrap();
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: é}\nspec:\n  containers:\n  - {name: ü, image: \"nginx:latest\"}\n";
        let r = linter.lint_str("p.yaml", text);
        let f = r.findings.iter().find(|f| &*f.rule == "latest-tag").unwrap();
        let d = diagnostic(f, text, &Lines::new(text), Encoding::Utf16);
        // `  - {name: ü, image: "nginx:latest"}`: the value starts at UTF-16 column 21.
        assert_eq!(d.range.start, lsp_types::Position::new(5, 21));
        assert_eq!(d.range.end, lsp_types::Position::new(5, 35));
        assert_eq!(d.severity, Some(DiagnosticSeverity::WARNING));
        assert_eq!(d.code, Some(NumberOrString::String("latest-tag".into())));
        assert_eq!(d.code_description.unwrap().href.as_str(), f.help_url());
        assert_eq!(d.source.as_deref(), Some("kubelint"));
        assert!(
            d.message.starts_with(&f.message) && d.message.contains("\nHelp: "),
            "{}",
            d.message
        );
    }
}
