//! The lint worker: loads the workspace once, then, each time edits pause for the
//! debounce delay, brings the workspace up to date with what changed and lints every open
//! document against it.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::{Doc, Server, own_findings};
use crate::engine::workspace::Workspace;

/// Waits for a wake-up, then for `delay` without another one: a burst of edits is one
/// batch. `None` when the channel is closed (the server is stopping).
pub(crate) fn settle(woken: &Receiver<()>, delay: Duration) -> Option<()> {
    woken.recv().ok()?;
    loop {
        match woken.recv_timeout(delay) {
            Ok(()) => continue,
            Err(RecvTimeoutError::Timeout) => return Some(()),
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
}

/// The worker's loop: runs until the main loop drops its end of `woken`.
pub(crate) fn run(server: &Server, roots: &[PathBuf], woken: &Receiver<()>, delay: Duration) {
    let started = Instant::now();
    let mut workspace = match server.linter.load_workspace(roots) {
        Ok(w) => w,
        Err(e) => {
            server.log(lsp_types::MessageType::ERROR, format!("kubelint: {e}"));
            Workspace::default()
        }
    };
    let context = Arc::new(server.linter.workspace_context(&workspace));
    server.log(
        lsp_types::MessageType::INFO,
        format!(
            "kubelint: workspace loaded: {} files, {} objects in {} ms",
            workspace.len(),
            context.len(),
            started.elapsed().as_millis()
        ),
    );
    server.state().context = Some(context);
    let mut stale = HashSet::new();
    // Edits made while the workspace loaded.
    batch(server, &mut workspace, &mut stale);
    while settle(woken, delay).is_some() {
        batch(server, &mut workspace, &mut stale);
    }
}

/// Brings the workspace up to date with the changes since the last batch and lints the
/// open documents, the changed ones first. `stale`: the files changed in the workspace
/// since its context was built. A document is linted against the context as it is when
/// the only stale file is the document itself (its stored objects are hidden: the others'
/// are all it needs), so that editing one document never waits for the index of the whole
/// workspace; the context is rebuilt, from the parts in memory, when another document
/// needs the change.
fn batch(server: &Server, workspace: &mut Workspace, stale: &mut HashSet<PathBuf>) {
    let (pending, mut docs, cancel, mut context) = {
        let mut state = server.state();
        let cancel = Arc::new(AtomicBool::new(false));
        state.cancel = Arc::clone(&cancel);
        let pending = std::mem::take(&mut state.pending);
        let docs: Vec<Doc> = state.docs.values().cloned().collect();
        (pending, docs, cancel, state.context.clone())
    };
    docs.sort_by_key(|d| !pending.contains_key(&d.path));
    for (path, text) in pending {
        match text {
            Some(text) => workspace.set_text(&path, text),
            None => server.linter.reload_in_workspace(workspace, &path),
        }
        stale.insert(path);
    }
    for doc in &docs {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        let current = match &context {
            Some(c) if stale.iter().all(|p| p == &doc.path) => Arc::clone(c),
            _ => {
                let c = Arc::new(server.linter.workspace_context(workspace));
                stale.clear();
                server.state().context = Some(Arc::clone(&c));
                context = Some(Arc::clone(&c));
                c
            }
        };
        if !lint(server, &current, doc, &cancel) {
            return;
        }
    }
}

/// Lints one open document and publishes its diagnostics; false when cancelled.
fn lint(server: &Server, context: &crate::engine::PreparedContext, doc: &Doc, cancel: &AtomicBool) -> bool {
    if cancel.load(Ordering::Relaxed) {
        return false;
    }
    let Ok(report) = server.linter.lint_workspace_file(context, &doc.path, &doc.text, cancel) else {
        return false;
    };
    let findings = own_findings(report.findings, &doc.path);
    {
        let mut state = server.state();
        // A document closed or edited since: its next lint publishes.
        match state.docs.get(doc.uri.as_str()) {
            Some(current) if current.version == doc.version => {}
            _ => return true,
        }
        state
            .results
            .insert(doc.uri.as_str().to_string(), (doc.version, findings.clone()));
    }
    server.publish(&doc.uri, Some(doc.version), &doc.text, &findings);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    #[test]
    fn a_burst_of_wake_ups_settles_into_one_batch_after_the_delay() {
        let (tx, rx) = channel();
        let delay = Duration::from_millis(60);
        let sender = std::thread::spawn(move || {
            // Five edits 20 ms apart, then quiet, then one more, then the end.
            for _ in 0..5 {
                tx.send(()).unwrap();
                std::thread::sleep(Duration::from_millis(20));
            }
            std::thread::sleep(Duration::from_millis(200));
            tx.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(200));
        });
        let start = Instant::now();
        assert_eq!(settle(&rx, delay), Some(()));
        let first = start.elapsed();
        // Not before the last edit of the burst (80 ms) plus the delay.
        assert!(first >= Duration::from_millis(140), "{first:?}");
        assert!(first < Duration::from_millis(280), "one batch for the burst: {first:?}");
        assert_eq!(rx.try_recv().ok(), None, "the burst was drained");
        assert_eq!(settle(&rx, delay), Some(()));
        let second = start.elapsed();
        assert!(second >= first + Duration::from_millis(100), "{second:?}");
        sender.join().unwrap();
        assert_eq!(settle(&rx, delay), None, "closed");
    }
}
