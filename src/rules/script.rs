//! Scripted rules: Rhai scripts with the same shape as built-in rules.
//!
//! A script defines `fn meta()` (a map: `id`, `severity`, `title`, `description`,
//! `remediation`, optional `kinds`, `enabled`, `params`, `example_bad`, `example_good`) and
//! `fn check(object, ctx)`. `docs/writing-rules.md` documents the API.
//!
//! Scripts are compiled once per linter and run in a sandbox: the engine starts from
//! `Engine::new_raw()` (no module resolver, so no file access; `eval` disabled), with limits
//! on operations, call depth, expression depth, string/array/map sizes and a wall-clock
//! budget per object. A script that fails to compile, throws or exceeds a limit becomes a
//! `rule-error` finding at the script's line, and the run goes on; a script that runs out of
//! its budget on [`MAX_OVERRUNS`] objects is stopped for the rest of the run.
//!
//! Rhai keeps positions in 16 bits, so its line numbers stop at 65,535. A longer script is
//! compiled in pieces that start at top-level lines, each shorter than that, and positions
//! are mapped back through each piece's first line (see [`compile`]).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rhai::packages::{Package, StandardPackage};
use rhai::{AST, Array, CallFnOptions, Dynamic, Engine, EvalAltResult, ImmutableString, Map, Position, Scope};

use super::{At, Context, Family, ParamInfo, ParamType, Rule, RuleInfo};
use crate::load::{Node, SourceFile, Span, Value};
use crate::model::finding_at;
use crate::model::{ImageRef, Inventory, LabelSelector, Object, parse_quantity};
use crate::vocab::limits::{Ranked, Smallest};
use crate::vocab::{Finding, Severity};

/// Operations one script may run on one object.
pub const MAX_OPERATIONS: u64 = 5_000_000;
/// Wall-clock budget of one script on one object.
pub const TIME_BUDGET: Duration = Duration::from_millis(250);
/// Objects on which a script may run out of its budget (time or operations) in one run;
/// then it is stopped for the rest of the run, with one `rule-error` that says so. With
/// the defaults, a script that loops costs a run at most about
/// `(MAX_OVERRUNS + threads) × 250 ms`.
pub const MAX_OVERRUNS: u32 = 3;
/// Longest message (in bytes) a script may report or throw; longer ones are cut.
pub const MAX_MESSAGE_BYTES: usize = 4096;
/// The last line Rhai can number (its positions are 16-bit).
const RHAI_LAST_LINE: usize = u16::MAX as usize;

pub(crate) use super::RULE_ERROR;

/// The scripts shipped with kubelint (`rules/` in its repository), embedded.
pub const SHIPPED: [(&str, &str); 4] = [
    (
        "rules/required-owner-labels.rhai",
        include_str!("../../rules/required-owner-labels.rhai"),
    ),
    (
        "rules/allowed-registries.rhai",
        include_str!("../../rules/allowed-registries.rhai"),
    ),
    (
        "rules/host-path-allowlist.rhai",
        include_str!("../../rules/host-path-allowlist.rhai"),
    ),
    (
        "rules/istio-sidecar-injection.rhai",
        include_str!("../../rules/istio-sidecar-injection.rhai"),
    ),
];

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Sets this thread's deadline for one script call; clears it when dropped (also when the
/// call panics).
struct Deadline;

impl Deadline {
    fn start(budget: Duration) -> Deadline {
        DEADLINE.with(|d| d.set(Some(Instant::now() + budget)));
        Deadline
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        DEADLINE.with(|d| d.set(None));
    }
}

/// What a script reported through `ctx.report`: the first ones in report order, at most
/// the run's limit per object, and a count of the others.
type Reports = Arc<Mutex<Smallest>>;

/// The `ctx` a script's `check` receives.
#[derive(Clone)]
pub struct ScriptContext {
    inventory: Arc<Inventory>,
    object: usize,
    params: Map,
    rule: &'static RuleInfo,
    severity: Severity,
    max_findings: usize,
    reports: Reports,
}

impl ScriptContext {
    fn object(&self) -> &Object {
        self.inventory.object(self.object)
    }

    fn report(&self, pointer: &str, message: &str) {
        let finding = finding_at(
            self.rule,
            self.severity,
            self.object(),
            pointer,
            At::Value,
            cut(message),
        );
        let ranked = Ranked {
            finding,
            object: self.object,
        };
        self.reports
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(self.max_findings, ranked);
    }
}

/// A message cut to [`MAX_MESSAGE_BYTES`] (at a character boundary).
fn cut(message: &str) -> String {
    if message.len() <= MAX_MESSAGE_BYTES {
        return message.to_string();
    }
    let mut end = MAX_MESSAGE_BYTES;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… (cut at {MAX_MESSAGE_BYTES} bytes)", &message[..end])
}

/// Converts a document node into a Rhai value (maps, arrays, strings, numbers).
pub fn to_dynamic(node: &Node) -> Dynamic {
    match &node.value {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Int(i) => Dynamic::from_int(*i),
        Value::Float(f) => Dynamic::from_float(*f),
        Value::String(s) => Dynamic::from(rhai::ImmutableString::from(s.as_str())),
        Value::Seq(items) => Dynamic::from_array(items.iter().map(to_dynamic).collect()),
        Value::Map(entries) => Dynamic::from_map(
            entries
                .iter()
                .map(|e| (e.key.as_str().into(), to_dynamic(&e.value)))
                .collect(),
        ),
    }
}

fn to_json(value: &Dynamic) -> serde_json::Value {
    if value.is_unit() {
        serde_json::Value::Null
    } else if let Some(b) = value.clone().try_cast::<bool>() {
        serde_json::Value::Bool(b)
    } else if let Some(i) = value.clone().try_cast::<i64>() {
        i.into()
    } else if let Some(f) = value.clone().try_cast::<f64>() {
        serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number)
    } else if let Some(a) = value.read_lock::<Array>() {
        serde_json::Value::Array(a.iter().map(to_json).collect())
    } else if let Some(m) = value.read_lock::<Map>() {
        serde_json::Value::Object(m.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect())
    } else {
        serde_json::Value::String(value.to_string())
    }
}

fn from_json(value: &serde_json::Value) -> Dynamic {
    to_dynamic(&Node::from_json(value))
}

fn string_map(map: &crate::model::StringMap) -> Dynamic {
    Dynamic::from_map(
        map.iter()
            .map(|(k, v)| (k.into(), Dynamic::from(v.to_string())))
            .collect(),
    )
}

/// A selector given as a map: `{matchLabels, matchExpressions}` or plain `{key: value}`.
fn selector_of(value: &Dynamic) -> Option<LabelSelector> {
    let node = Node::from_json(&to_json(value));
    if node.get("matchLabels").is_some() || node.get("matchExpressions").is_some() {
        LabelSelector::from_label_selector(&node).ok()
    } else {
        Some(LabelSelector::from_map(&node))
    }
}

fn labels_of(value: &Dynamic) -> crate::model::StringMap {
    crate::model::string_map(Some(&Node::from_json(&to_json(value))))
}

fn object_value(o: &Object) -> Dynamic {
    to_dynamic(o.node())
}

/// The sandboxed engine every script runs in.
pub fn sandboxed_engine() -> Engine {
    let mut engine = Engine::new_raw();
    engine.register_global_module(StandardPackage::new().as_shared_module());
    engine
        .set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(48)
        .set_max_expr_depths(64, 64)
        .set_max_string_size(1 << 20)
        .set_max_array_size(100_000)
        .set_max_map_size(100_000)
        .set_max_modules(0)
        .disable_symbol("eval");
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});
    engine.on_progress(|operations| {
        // Reading the clock costs more than an operation: look every 256 operations.
        if operations % 256 != 0 {
            return None;
        }
        let late = DEADLINE.with(|d| d.get()).is_some_and(|d| Instant::now() > d);
        late.then(|| Dynamic::from("the wall-clock budget per object is exceeded"))
    });

    // Helpers.
    engine.register_fn("quantity", |s: ImmutableString| {
        parse_quantity(&s).map_or(Dynamic::UNIT, Dynamic::from_float)
    });
    engine.register_fn("quantity", |i: i64| Dynamic::from_float(i as f64));
    engine.register_fn("millicores", |s: ImmutableString| {
        parse_quantity(&s).map_or(Dynamic::UNIT, |q| Dynamic::from_int((q * 1000.0).round() as i64))
    });
    engine.register_fn("bytes", |s: ImmutableString| {
        parse_quantity(&s).map_or(Dynamic::UNIT, |q| Dynamic::from_int(q.round() as i64))
    });
    engine.register_fn("image", |s: ImmutableString| {
        let r = ImageRef::parse(&s);
        let mut m = Map::new();
        m.insert("registry".into(), Dynamic::from(r.registry.to_string()));
        m.insert("repository".into(), Dynamic::from(r.repository.to_string()));
        m.insert(
            "tag".into(),
            r.tag.map_or(Dynamic::UNIT, |t| Dynamic::from(t.to_string())),
        );
        m.insert(
            "digest".into(),
            r.digest.map_or(Dynamic::UNIT, |d| Dynamic::from(d.to_string())),
        );
        Dynamic::from_map(m)
    });
    engine.register_fn("selector_matches", |selector: Map, labels: Map| {
        selector_of(&Dynamic::from_map(selector)).is_some_and(|s| s.matches(&labels_of(&Dynamic::from_map(labels))))
    });

    // The context.
    engine.register_type_with_name::<ScriptContext>("Context");
    engine.register_get("namespace", |c: &mut ScriptContext| {
        c.object().namespace.clone().map_or(Dynamic::UNIT, Dynamic::from)
    });
    engine.register_get("name", |c: &mut ScriptContext| {
        c.object().name.clone().map_or(Dynamic::UNIT, Dynamic::from)
    });
    engine.register_get("kind", |c: &mut ScriptContext| c.object().kind.clone());
    engine.register_get("api_version", |c: &mut ScriptContext| c.object().api_version.clone());
    engine.register_get("labels", |c: &mut ScriptContext| string_map(&c.object().labels));
    engine.register_get("annotations", |c: &mut ScriptContext| {
        string_map(&c.object().annotations)
    });
    engine.register_get("params", |c: &mut ScriptContext| c.params.clone());
    engine.register_fn("report", |c: &mut ScriptContext, message: ImmutableString| {
        c.report("/metadata/name", &message);
    });
    engine.register_fn(
        "report",
        |c: &mut ScriptContext, path: ImmutableString, message: ImmutableString| {
            c.report(&path, &message);
        },
    );
    engine.register_fn("pod_template", |c: &mut ScriptContext| {
        match c.object().pod_template() {
            None => Dynamic::UNIT,
            Some(t) => {
                let mut m = Map::new();
                m.insert("path".into(), Dynamic::from(t.pointer.to_string()));
                m.insert("labels".into(), string_map(&c.object().pod_labels));
                m.insert("annotations".into(), string_map(&t.annotations()));
                m.insert("spec".into(), t.spec.map_or(Dynamic::UNIT, to_dynamic));
                Dynamic::from_map(m)
            }
        }
    });
    engine.register_fn("containers", |c: &mut ScriptContext| {
        let Some(t) = c.object().pod_template() else {
            return Array::new();
        };
        t.containers()
            .into_iter()
            .map(|ct| {
                let mut m = Map::new();
                m.insert("path".into(), Dynamic::from(ct.pointer.clone()));
                m.insert(
                    "name".into(),
                    ct.name.map_or(Dynamic::UNIT, |n| Dynamic::from(n.to_string())),
                );
                let kind = match ct.kind {
                    crate::model::ContainerKind::Init => "init",
                    crate::model::ContainerKind::App => "app",
                    crate::model::ContainerKind::Ephemeral => "ephemeral",
                };
                m.insert("kind".into(), Dynamic::from(kind));
                m.insert("spec".into(), to_dynamic(ct.node));
                Dynamic::from_map(m)
            })
            .collect()
    });
    engine.register_fn(
        "find",
        |c: &mut ScriptContext, kind: ImmutableString, namespace: Dynamic, name: ImmutableString| {
            let ns = namespace.into_string().ok();
            c.inventory
                .find(&kind, ns.as_deref(), &name)
                .map_or(Dynamic::UNIT, object_value)
        },
    );
    engine.register_fn("objects", |c: &mut ScriptContext, kind: ImmutableString| -> Array {
        let ns = c.object().namespace.clone();
        c.inventory
            .of_kind_name_in(&kind, ns.as_deref())
            .map(object_value)
            .collect()
    });
    engine.register_fn(
        "objects_in",
        |c: &mut ScriptContext, kind: ImmutableString, namespace: ImmutableString| -> Array {
            c.inventory
                .of_kind_name_in(&kind, Some(&namespace))
                .map(object_value)
                .collect()
        },
    );
    engine.register_fn("count", |c: &mut ScriptContext, kind: ImmutableString| -> i64 {
        c.inventory.count_kind(&kind) as i64
    });
    engine.register_fn(
        "workloads",
        |c: &mut ScriptContext, namespace: ImmutableString| -> Array {
            c.inventory
                .pods_selected(&namespace, &LabelSelector::default())
                .map(object_value)
                .collect()
        },
    );
    engine.register_fn("selected_by", |c: &mut ScriptContext, selector: Map| -> Array {
        let ns = c.object().namespace.clone().unwrap_or_default();
        let Some(sel) = selector_of(&Dynamic::from_map(selector)) else {
            return Array::new();
        };
        c.inventory.pods_selected(&ns, &sel).map(object_value).collect()
    });
    engine.register_fn("selecting", |c: &mut ScriptContext| -> Array {
        let me = c.object();
        if me.pod_template().is_none() {
            return Array::new();
        }
        let ns = me.namespace.as_deref();
        let selectors = [
            ("", "Service"),
            ("policy", "PodDisruptionBudget"),
            ("networking.k8s.io", "NetworkPolicy"),
        ];
        selectors
            .iter()
            .flat_map(|(group, kind)| c.inventory.of_kind_in(group, kind, ns))
            .filter(|o| o.pod_selector().is_some_and(|s| s.matches(&me.pod_labels)))
            .map(object_value)
            .collect()
    });
    engine
}

/// A loaded script.
pub struct ScriptRule {
    info: &'static RuleInfo,
    /// `ctx.params`, converted on first use (a linter's settings do not change).
    params: std::sync::OnceLock<Map>,
    kinds: Vec<String>,
    script: Compiled,
    /// The line of `fn check`, where failures without a position are reported.
    check_line: usize,
    engine: Arc<Engine>,
    file: Arc<SourceFile>,
}

/// What loading a folder of scripts produced.
#[derive(Default)]
pub struct Loaded {
    pub rules: Vec<ScriptRule>,
    /// Scripts that did not compile: `rule-error` findings, reported in every run.
    pub errors: Vec<Finding>,
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A compiled script and where its pieces start.
pub struct Compiled {
    pub ast: AST,
    /// One per piece: its first line in the file (1-based) and the functions it defines.
    /// A script of at most 65,535 lines is one piece starting at line 1.
    pieces: Vec<(usize, Vec<String>)>,
}

impl Compiled {
    /// The line and column (1-based, full width) of a Rhai position inside `function`.
    fn place(&self, function: &str, pos: Position) -> Option<(usize, usize)> {
        let line = pos.line()?;
        let first = self
            .pieces
            .iter()
            .find(|(_, functions)| functions.iter().any(|f| f == function))
            .map_or(1, |(first, _)| *first);
        Some((line + first - 1, pos.position().unwrap_or(1)))
    }
}

/// Where a script fails to compile: line, column (1-based) and Rhai's reason.
pub type CompileError = (usize, usize, String);

/// Compiles a script. Rhai numbers lines in 16 bits (they stop at 65,535), so a longer
/// script is compiled in pieces, each shorter than that and starting at a top-level line
/// (a `fn`, a comment or a blank line outside any bracket, string or comment), and the
/// pieces' functions are merged; positions then map back through each piece's first line.
/// The pieces are used only when they define exactly the functions the whole script
/// defines; otherwise the whole script runs, with positions past line 65,535 reported at
/// that line.
pub fn compile(engine: &Engine, text: &str) -> Result<Compiled, CompileError> {
    let whole = engine.compile(text);
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let single = |ast: AST| Compiled {
        pieces: vec![(1, function_names(&ast))],
        ast,
    };
    let parse_error = |e: rhai::ParseError, first: usize| -> CompileError {
        let pos = e.position();
        (
            pos.line().unwrap_or(1) + first - 1,
            pos.position().unwrap_or(1),
            e.err_type().to_string(),
        )
    };
    if starts.len() <= RHAI_LAST_LINE {
        return whole.map(single).map_err(|e| parse_error(e, 1));
    }
    let pieces = split_points(text, &starts).map(|cuts| {
        let mut ast: Option<AST> = None;
        let mut pieces = Vec::new();
        for w in cuts.windows(2) {
            let (from, to) = (starts[w[0]], starts.get(w[1]).copied().unwrap_or(text.len()));
            let piece = engine.compile(&text[from..to]).map_err(|e| parse_error(e, w[0] + 1))?;
            pieces.push((w[0] + 1, function_names(&piece)));
            match &mut ast {
                Some(a) => {
                    a.combine(piece);
                }
                None => ast = Some(piece),
            }
        }
        Ok::<_, CompileError>(Compiled {
            ast: ast.expect("at least one piece"),
            pieces,
        })
    });
    match (whole, pieces) {
        (Ok(ast), Some(Ok(pieces))) if signatures(&ast) == signatures(&pieces.ast) => Ok(pieces),
        (Ok(ast), _) => Ok(single(ast)),
        // Rhai's position stopped at the last line it can number: the first piece that
        // fails knows the real line.
        (Err(e), Some(Err(piece_error))) if e.position().line() == Some(RHAI_LAST_LINE) => Err(piece_error),
        (Err(e), _) => Err(parse_error(e, 1)),
    }
}

fn function_names(ast: &AST) -> Vec<String> {
    ast.iter_functions().map(|f| f.name.to_string()).collect()
}

fn signatures(ast: &AST) -> Vec<(String, usize)> {
    let mut s: Vec<(String, usize)> = ast
        .iter_functions()
        .map(|f| (f.name.to_string(), f.params.len()))
        .collect();
    s.sort();
    s
}

/// Line indexes (0-based) where the pieces of a long script start, and the line count at
/// the end; `None` when a stretch of more than 65,535 lines has no top-level line.
fn split_points(text: &str, starts: &[usize]) -> Option<Vec<usize>> {
    let top = top_level_lines(text, starts);
    let mut cuts = vec![0];
    let mut from = 0;
    while starts.len() - from > RHAI_LAST_LINE {
        let next = top
            .iter()
            .copied()
            .filter(|&l| l > from && l - from <= RHAI_LAST_LINE)
            .max()?;
        cuts.push(next);
        from = next;
    }
    cuts.push(starts.len());
    Some(cuts)
}

/// Lines that start outside any bracket, string or comment and begin a function, a
/// comment, or are blank: places where a script can be cut in two without changing it.
fn top_level_lines(text: &str, starts: &[usize]) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut depth, mut block, mut i, mut line) = (0i64, 0usize, 0usize, 0usize);
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        if i == starts[line] {
            let rest = text[i..].split('\n').next().unwrap_or("");
            let starts_item = rest.starts_with("fn ")
                || rest.starts_with("private fn ")
                || rest.starts_with("//")
                || rest.trim().is_empty();
            if depth == 0 && block == 0 && quote.is_none() && starts_item {
                out.push(line);
            }
        }
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
        }
        match (quote, b) {
            (Some(_), b'\\') => {
                // An escape (a line continuation, when a newline follows).
                if bytes.get(i + 1) == Some(&b'\n') {
                    line += 1;
                }
                i += 1;
            }
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, _) if block > 0 => {
                if bytes[i..].starts_with(b"*/") {
                    block -= 1;
                    i += 1;
                } else if bytes[i..].starts_with(b"/*") {
                    block += 1;
                    i += 1;
                }
            }
            (None, b'/') if bytes.get(i + 1) == Some(&b'/') => {
                // A line comment: skip to its end.
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            (None, b'/') if bytes.get(i + 1) == Some(&b'*') => {
                block = 1;
                i += 1;
            }
            (None, b'"' | b'`' | b'\'') => quote = Some(b),
            (None, b'{' | b'[' | b'(') => depth += 1,
            (None, b'}' | b']' | b')') => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    out
}

/// A span from a line and column (1-based; column in characters) to the end of the line.
fn span_at(file: &SourceFile, line: usize, col: usize) -> Span {
    let start = file.lines().byte_of(&file.text, line.max(1), col.saturating_sub(1));
    let line_end = file.text[start as usize..]
        .find('\n')
        .map_or(file.text.len(), |i| start as usize + i);
    Span::new(start, line_end as u32)
}

fn rule_error(file: &Arc<SourceFile>, (line, col): (usize, usize), message: String) -> Finding {
    Finding::new(
        &RULE_ERROR,
        RULE_ERROR.severity,
        message,
        file,
        span_at(file, line, col),
    )
}

use super::panic_message;

impl ScriptRule {
    /// Compiles a script and reads its metadata. `Ok(Err(finding))`: the script does not
    /// compile (a `rule-error`); `Err`: its metadata is missing or invalid (a config error).
    pub fn load(engine: &Arc<Engine>, path: &Path, text: &str) -> Result<Result<ScriptRule, Finding>, String> {
        let file = Arc::new(SourceFile::new(path, text.to_string()));
        let compiled = catch_unwind(AssertUnwindSafe(|| compile(engine, text))).unwrap_or_else(|panic| {
            Err((
                1,
                1,
                format!("the Rhai engine panicked: {}", panic_message(panic.as_ref())),
            ))
        });
        let script = match compiled {
            Ok(script) => script,
            Err((line, col, reason)) => {
                return Ok(Err(rule_error(
                    &file,
                    (line, col),
                    format!("the rule script does not compile: {reason}"),
                )));
            }
        };
        let ast = &script.ast;
        let bad = |m: &str| format!("{}: {m}", path.display());
        if !ast.iter_functions().any(|f| f.name == "check" && f.params.len() == 2) {
            return Err(bad("a rule script must define `fn check(object, ctx)`"));
        }
        let options = CallFnOptions::new().eval_ast(false);
        let meta = catch_unwind(AssertUnwindSafe(|| {
            engine.call_fn_with_options::<Map>(options, &mut Scope::new(), ast, "meta", ())
        }));
        let meta: Map = match meta {
            Ok(Ok(m)) => m,
            Ok(Err(e)) => {
                return Err(bad(&format!(
                    "`fn meta()` must return a map of the rule's metadata ({e})"
                )));
            }
            Err(panic) => {
                return Err(bad(&format!(
                    "`fn meta()` made the Rhai engine panic: {}",
                    panic_message(panic.as_ref())
                )));
            }
        };
        let text_field = |key: &str, required: bool| -> Result<Option<String>, String> {
            match meta.get(key) {
                Some(v) => v
                    .clone()
                    .into_string()
                    .map(Some)
                    .map_err(|_| bad(&format!("meta `{key}` must be a string"))),
                None if required => Err(bad(&format!("meta lacks `{key}`"))),
                None => Ok(None),
            }
        };
        let id = text_field("id", true)?.unwrap_or_default();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(bad(&format!(
                "meta `id` `{id}` must be lower-case letters, digits and '-'"
            )));
        }
        let severity = text_field("severity", true)?.unwrap_or_default();
        let severity = Severity::parse(&severity)
            .ok_or_else(|| bad(&format!("meta `severity` `{severity}` must be error, warning or info")))?;
        let enabled = match meta.get("enabled") {
            Some(v) => v.as_bool().map_err(|_| bad("meta `enabled` must be true or false"))?,
            None => true,
        };
        let kinds: Vec<String> = match meta.get("kinds") {
            Some(v) => v
                .clone()
                .into_typed_array::<ImmutableString>()
                .map_err(|_| bad("meta `kinds` must be a list of kind names"))?
                .into_iter()
                .map(|k| k.to_string())
                .collect(),
            None => Vec::new(),
        };
        let params: Vec<ParamInfo> = match meta.get("params") {
            Some(v) => v
                .read_lock::<Map>()
                .ok_or_else(|| bad("meta `params` must be a map of defaults"))?
                .iter()
                .map(|(k, v)| {
                    let default = to_json(v);
                    ParamInfo {
                        name: leak(k.to_string()),
                        ty: ParamType::of_default(&default),
                        description: "set by the script",
                        default: leak(default.to_string()),
                    }
                })
                .collect(),
            None => Vec::new(),
        };
        let info = RuleInfo {
            id: leak(id),
            family: Family::Script,
            severity,
            enabled,
            title: leak(text_field("title", true)?.unwrap_or_default()),
            rationale: leak(text_field("description", true)?.unwrap_or_default()),
            remediation: leak(text_field("remediation", true)?.unwrap_or_default()),
            example_bad: leak(text_field("example_bad", false)?.unwrap_or_default()),
            example_good: leak(text_field("example_good", false)?.unwrap_or_default()),
            params: Box::leak(params.into_boxed_slice()),
            kinds: Box::leak(
                kinds
                    .iter()
                    .map(|k| leak(k.clone()))
                    .collect::<Vec<_>>()
                    .into_boxed_slice(),
            ),
            ..RuleInfo::BASE
        };
        Ok(Ok(ScriptRule {
            info: Box::leak(Box::new(info)),
            params: std::sync::OnceLock::new(),
            kinds,
            check_line: check_line(text),
            script,
            engine: Arc::clone(engine),
            file,
        }))
    }
}

impl Rule for ScriptRule {
    fn info(&self) -> &'static RuleInfo {
        self.info
    }

    fn check(&self, object: &Object, _: &Inventory, cx: &mut Context<'_>) {
        if !self.kinds.is_empty() && !self.kinds.contains(&object.kind) {
            return;
        }
        let Some(inventory) = cx.shared.cloned() else { return };
        if cx.run.is_some_and(|run| run.overruns() >= MAX_OVERRUNS) {
            // Stopped for the rest of this run (one finding said so).
            return;
        }
        let value = match cx.scratch {
            Some(s) => s.script_value.get_or_init(|| to_dynamic(object.node())).clone(),
            None => to_dynamic(object.node()),
        };
        let params = self
            .params
            .get_or_init(|| {
                cx.settings
                    .params
                    .iter()
                    .map(|(k, v)| (k.as_str().into(), from_json(v)))
                    .collect()
            })
            .clone();
        let reports: Reports = Arc::default();
        let ctx = ScriptContext {
            inventory,
            object: object.id,
            params,
            rule: self.info,
            severity: cx.settings.severity,
            max_findings: cx.max_findings,
            reports: Arc::clone(&reports),
        };
        let options = CallFnOptions::new().eval_ast(false).rewind_scope(true);
        let result = {
            let _deadline = Deadline::start(TIME_BUDGET);
            self.engine.call_fn_with_options::<Dynamic>(
                options,
                &mut Scope::new(),
                &self.script.ast,
                "check",
                (value, ctx),
            )
        };
        let e = match result {
            Ok(_) => {
                let reports = std::mem::take(&mut *reports.lock().unwrap_or_else(|e| e.into_inner()));
                let (kept, dropped) = reports.into_sorted(cx.max_findings);
                cx.dropped += dropped;
                for r in kept {
                    cx.push(r.finding);
                }
                return;
            }
            Err(e) => e,
        };
        let (pos, function) = error_position(&e);
        // Limits hit between statements carry no position: point at `fn check`.
        let place = self.script.place(&function, pos).unwrap_or((self.check_line, 1));
        let overrun = matches!(
            e.unwrap_inner(),
            EvalAltResult::ErrorTerminated(..) | EvalAltResult::ErrorTooManyOperations(..)
        );
        let reason = match e.unwrap_inner() {
            EvalAltResult::ErrorTerminated(..) => format!(
                "it ran out of its time budget ({} ms per object)",
                TIME_BUDGET.as_millis()
            ),
            EvalAltResult::ErrorTooManyOperations(..) => {
                format!("it ran out of its operations budget ({MAX_OPERATIONS} per object)")
            }
            inner => {
                // Rhai's own position (16-bit, relative to a piece) gives way to the finding's.
                let text = inner.to_string();
                let suffix = format!(" ({})", inner.position());
                cut(text.strip_suffix(suffix.as_str()).unwrap_or(&text))
            }
        };
        let message = format!("rule `{}` failed: {reason}", self.info.id);
        cx.push(rule_error(&self.file, place, message).with_object(Some(object.reference())));
        if overrun && let Some(run) = cx.run {
            let n = run.add_overrun();
            if n == MAX_OVERRUNS {
                let message = format!(
                    "rule `{}` was stopped for the rest of the run: it ran out of its budget ({} ms or {MAX_OPERATIONS} operations per object) on {n} objects, so the objects after them were not checked by it",
                    self.info.id,
                    TIME_BUDGET.as_millis()
                );
                cx.push(rule_error(&self.file, (self.check_line, 1), message));
            }
        }
    }
}

/// The innermost known position of an error (errors inside function calls nest), and the
/// function whose body it is in.
fn error_position(e: &EvalAltResult) -> (Position, String) {
    let mut pos = e.position();
    let mut function = "check".to_string();
    let mut at = function.clone();
    let mut inner = e;
    while let EvalAltResult::ErrorInFunctionCall(name, _, next, p) = inner {
        if !p.is_none() {
            pos = *p;
            at = function.clone();
        }
        function = name.clone();
        inner = next;
        if !inner.position().is_none() {
            pos = inner.position();
            at = function.clone();
        }
    }
    (pos, at)
}

/// The line of `fn check(` (1-based; 1 when it cannot be found).
fn check_line(text: &str) -> usize {
    text.lines()
        .position(|l| {
            l.match_indices("fn").any(|(i, _)| {
                l[i + 2..]
                    .trim_start()
                    .strip_prefix("check")
                    .is_some_and(|r| r.trim_start().starts_with('('))
            })
        })
        .map_or(1, |i| i + 1)
}

/// Loads the shipped scripts, then every `*.rhai` of `dirs` (a script whose id is already
/// loaded replaces it: a user's copy overrides the shipped one).
/// `extra`: scripts given as text (name, text), loaded after the folders'.
pub fn load_all(dirs: &[PathBuf], extra: &[(PathBuf, String)], reserved: &[&str]) -> Result<Loaded, String> {
    let engine = Arc::new(sandboxed_engine());
    let mut out = Loaded::default();
    let mut sources: Vec<(PathBuf, String)> = SHIPPED.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect();
    for dir in dirs {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("rule folder {}: {e}", dir.display()))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "rhai"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
            sources.push((f, text));
        }
    }
    sources.extend(extra.iter().cloned());
    for (path, text) in sources {
        match ScriptRule::load(&engine, &path, &text)? {
            Ok(rule) => {
                if reserved.contains(&rule.info.id) {
                    return Err(format!(
                        "{}: `{}` is the id of a built-in rule",
                        path.display(),
                        rule.info.id
                    ));
                }
                out.rules.retain(|r| r.info.id != rule.info.id);
                out.rules.push(rule);
            }
            Err(finding) => out.errors.push(finding),
        }
    }
    Ok(out)
}
