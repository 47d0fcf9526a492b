//! The public API, listed from rustdoc's JSON output and compared with
//! `tests/snapshots/public-api.txt`: any change to the API fails this test until it is
//! blessed (`KUBELINT_BLESS=1 cargo test --test public_api`) and the snapshot's diff is
//! reviewed with the change.
//!
//! One line per public item: its path, then its declaration as written in the source
//! (whitespace collapsed, bodies and docs left out), struct fields and enum variants
//! under their type, then the traits each type implements (derived or written; `Send`
//! and `Sync` included, blanket impls left out). Items hidden from the docs
//! (`#[doc(hidden)]`: the binary's `cli`, the webhook, the loader) are not part of it.
//!
//! rustdoc's JSON is unstable (`RUSTC_BOOTSTRAP=1`); only its stable core is read here
//! (the index, item kinds, names, spans, attributes), and the declarations come from the
//! source text, so a change of the JSON format rarely matters. It is built into its own
//! target folder (`target/public-api`), with the features that make the whole
//! non-hidden API (`human`, `scripts`).

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the crate's rustdoc JSON; returns it parsed.
fn rustdoc_json() -> Value {
    let target = root().join("target/public-api");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(root())
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTDOCFLAGS")
        .args([
            "rustdoc",
            "--lib",
            "--quiet",
            "--no-default-features",
            "--features",
            "human,scripts",
        ])
        // Hidden items too, so that a re-export of a hidden module's item (`rules::Node`
        // of the loader) is listed where it is public; hidden paths are skipped below.
        .args([
            "--",
            "-Z",
            "unstable-options",
            "--output-format",
            "json",
            "--document-hidden-items",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo rustdoc failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(target.join("doc/kubelint.json")).expect("rustdoc wrote kubelint.json");
    serde_json::from_str(&text).expect("rustdoc JSON")
}

struct Lister<'a> {
    index: &'a serde_json::Map<String, Value>,
    lines: BTreeSet<String>,
    seen: HashSet<(String, String)>,
}

/// The item's kind and its inner value (`{"inner": {"struct": {...}}}`).
fn inner(item: &Value) -> (&str, &Value) {
    let obj = item["inner"].as_object().expect("an item has an inner kind");
    let (k, v) = obj.iter().next().expect("one kind");
    (k.as_str(), v)
}

fn is_hidden(item: &Value) -> bool {
    item["attrs"].to_string().contains("hidden")
}

fn non_exhaustive(item: &Value) -> bool {
    item["attrs"].to_string().contains("non_exhaustive")
}

/// The declaration of `item` as written: from its span's start to the start of its body
/// (`{`, `=` for constants), whitespace collapsed.
fn declaration(item: &Value, stop_at_eq: bool) -> String {
    let span = &item["span"];
    let Some(file) = span["filename"].as_str() else {
        return String::new();
    };
    let path = if Path::new(file).is_absolute() {
        PathBuf::from(file)
    } else {
        root().join(file)
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return String::new();
    };
    let (l0, c0) = (
        span["begin"][0].as_u64().unwrap() as usize,
        span["begin"][1].as_u64().unwrap() as usize,
    );
    let (l1, c1) = (
        span["end"][0].as_u64().unwrap() as usize,
        span["end"][1].as_u64().unwrap() as usize,
    );
    let lines: Vec<&str> = text.lines().collect();
    let mut s = String::new();
    for (i, line) in lines.iter().enumerate().take(l1).skip(l0 - 1) {
        let n = i + 1;
        // Columns are 1-based; the end column is the last character's.
        let from = if n == l0 {
            c0.saturating_sub(1).min(line.len())
        } else {
            0
        };
        let to = if n == l1 { c1.min(line.len()) } else { line.len() };
        let part = line.get(from..to.max(from)).unwrap_or("");
        let t = part.trim_start();
        if t.starts_with("///") || t.starts_with("#[") || t.starts_with("//") {
            continue;
        }
        s.push_str(part);
        s.push(' ');
    }
    let mut depth = 0i32;
    let mut cut = s.len();
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '<' => depth += 1,
            ')' | ']' => depth -= 1,
            '>' if !s[..i].ends_with('-') && !s[..i].ends_with('=') => depth -= 1,
            '{' | ';' if depth <= 0 => {
                cut = i;
                break;
            }
            '=' if stop_at_eq && depth <= 0 && !s[i..].starts_with("=>") => {
                cut = i;
                break;
            }
            _ => {}
        }
    }
    let collapsed = s[..cut].split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .replace("( ", "(")
        .replace(", )", ")")
        .replace(",)", ")")
        .trim_end_matches(',')
        .trim()
        .to_string()
}

fn last_segment(path: &Value) -> String {
    let p = path["path"].as_str().or(path["name"].as_str()).unwrap_or("?");
    p.rsplit("::").next().unwrap_or(p).to_string()
}

impl<'a> Lister<'a> {
    fn item(&self, id: &Value) -> Option<&'a Value> {
        let key = match id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let index: &'a serde_json::Map<String, Value> = self.index;
        index.get(&key)
    }

    fn push(&mut self, line: String) {
        self.lines.insert(line);
    }

    /// Lists the item `id`, reachable at `path` (the name it has there).
    fn walk(&mut self, path: &str, id: &'a Value) {
        let Some(item) = self.item(id) else { return };
        if is_hidden(item) {
            return;
        }
        let (kind, v) = inner(item);
        if !self.seen.insert((path.to_string(), id.to_string())) {
            return;
        }
        let ne = if non_exhaustive(item) { "#[non_exhaustive] " } else { "" };
        match kind {
            "module" => {
                self.push(format!("{path}: mod"));
                for child in v["items"].as_array().into_iter().flatten() {
                    let name = self.item(child).and_then(|c| c["name"].as_str()).map(str::to_string);
                    let is_use = self.item(child).is_some_and(|c| inner(c).0 == "use");
                    if is_use {
                        self.walk(path, child);
                    } else if let Some(name) = name {
                        self.walk(&format!("{path}::{name}"), child);
                    }
                }
            }
            "use" => {
                let name = v["name"].as_str().unwrap_or("?");
                let target = &v["id"];
                match self.item(target) {
                    Some(_) if !target.is_null() => self.walk(&format!("{path}::{name}"), target),
                    _ => self.push(format!(
                        "{path}::{name}: pub use {}",
                        v["source"].as_str().unwrap_or("?")
                    )),
                }
            }
            "struct" | "enum" | "union" | "trait" => {
                self.push(format!("{path}: {ne}{}", declaration(item, false)));
                let kind_v = &v["kind"];
                let fields = kind_v["plain"]["fields"]
                    .as_array()
                    .or(kind_v["tuple"].as_array())
                    .cloned()
                    .unwrap_or_default();
                for f in fields.iter().filter(|f| !f.is_null()) {
                    if let Some(field) = self.item(f)
                        && !is_hidden(field)
                    {
                        self.push(format!(
                            "{path}.{}: {}",
                            field["name"].as_str().unwrap_or("?"),
                            declaration(field, false)
                        ));
                    }
                }
                for variant in v["variants"].as_array().into_iter().flatten() {
                    let Some(var) = self.item(variant) else { continue };
                    if is_hidden(var) {
                        continue;
                    }
                    let vname = var["name"].as_str().unwrap_or("?");
                    self.push(format!("{path}::{vname}: {}", declaration(var, false)));
                    let (_, vv) = inner(var);
                    let vfields = vv["kind"]["struct"]["fields"]
                        .as_array()
                        .or(vv["kind"]["tuple"].as_array())
                        .cloned()
                        .unwrap_or_default();
                    for f in vfields.iter().filter(|f| !f.is_null()) {
                        if let Some(field) = self.item(f) {
                            self.push(format!(
                                "{path}::{vname}.{}: {}",
                                field["name"].as_str().unwrap_or("?"),
                                declaration(field, false)
                            ));
                        }
                    }
                }
                for assoc in v["items"].as_array().into_iter().flatten() {
                    if let Some(a) = self.item(assoc) {
                        let name = a["name"].as_str().unwrap_or("?");
                        self.push(format!("{path}::{name}: {}", declaration(a, false)));
                    }
                }
                for imp in v["impls"].as_array().into_iter().flatten() {
                    let Some(imp_item) = self.item(imp) else { continue };
                    if is_hidden(imp_item) {
                        continue;
                    }
                    let (_, iv) = inner(imp_item);
                    if !iv["blanket_impl"].is_null() {
                        continue;
                    }
                    let synthetic = iv["is_synthetic"].as_bool().unwrap_or(false);
                    match iv["trait"].is_null() {
                        true => {
                            for m in iv["items"].as_array().into_iter().flatten() {
                                let Some(mi) = self.item(m) else { continue };
                                if is_hidden(mi) {
                                    continue;
                                }
                                let name = mi["name"].as_str().unwrap_or("?");
                                let stop = inner(mi).0 == "assoc_const" || inner(mi).0 == "constant";
                                self.push(format!("{path}::{name}: {}", declaration(mi, stop)));
                            }
                        }
                        false => {
                            let t = last_segment(&iv["trait"]);
                            if (synthetic && t != "Send" && t != "Sync") || t == "StructuralPartialEq" {
                                continue;
                            }
                            let neg = if iv["is_negative"].as_bool().unwrap_or(false) {
                                "!"
                            } else {
                                ""
                            };
                            self.push(format!("{path}: impl {neg}{t}"));
                        }
                    }
                }
            }
            "function" | "type_alias" => self.push(format!("{path}: {}", declaration(item, false))),
            "constant" | "static" => self.push(format!("{path}: {}", declaration(item, true))),
            other => self.push(format!("{path}: {other}")),
        }
    }
}

fn public_api() -> String {
    let doc = rustdoc_json();
    let index = doc["index"].as_object().expect("an index");
    let mut lister = Lister {
        index,
        lines: BTreeSet::new(),
        seen: HashSet::new(),
    };
    lister.walk("kubelint", &doc["root"]);
    let mut out = String::from(
        "# The public API of the kubelint library (tests/public_api.rs).\n# Bless a change: KUBELINT_BLESS=1 cargo test --test public_api\n",
    );
    for l in &lister.lines {
        out.push_str(l);
        out.push('\n');
    }
    out
}

#[test]
fn the_public_api_is_the_blessed_one() {
    let actual = public_api();
    let file = root().join("tests/snapshots/public-api.txt");
    if std::env::var_os("KUBELINT_BLESS").is_some() {
        std::fs::write(&file, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&file).unwrap_or_default();
    if actual != expected {
        let old: BTreeSet<&str> = expected.lines().collect();
        let new: BTreeSet<&str> = actual.lines().collect();
        let mut diff = String::new();
        for l in old.difference(&new) {
            diff.push_str(&format!("- {l}\n"));
        }
        for l in new.difference(&old) {
            diff.push_str(&format!("+ {l}\n"));
        }
        panic!("the public API changed (review, then bless: KUBELINT_BLESS=1 cargo test --test public_api):\n{diff}");
    }
}

#[test]
fn the_lister_sees_the_core_items() {
    // Guards the reader against a rustdoc JSON format it no longer understands: a
    // listing without these would bless an empty API.
    let api = public_api();
    for needle in [
        "kubelint::Linter::lint_str: pub fn lint_str(&self, name: &str, text: &str) -> Report",
        "kubelint::Linter: impl Send",
        "kubelint::RunOptions: #[non_exhaustive] pub struct RunOptions",
        "kubelint::rules::Rule::check: fn check(&self, object: &Object, inventory: &Inventory, cx: &mut Context<'_>)",
        "kubelint::Finding: impl Serialize",
    ] {
        assert!(api.lines().any(|l| l == needle), "missing {needle:?} in:\n{api}");
    }
    assert!(!api.contains("kubelint::cli"), "hidden modules are not API");
}
