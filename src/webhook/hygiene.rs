//! What the API server accepts in an admission response.
//!
//! The API server turns each admission warning into a `Warning:` HTTP header for the client:
//! it drops a warning that contains a control character (`net.NewWarningHeader` refuses
//! it), and once the warnings of a request pass 4,096 runes in total it cuts every one to
//! 256 runes and drops the rest (`WithWarningRecorder` in k8s.io/apiserver). Finding
//! messages quote the object (field names, values), so a crafted object could otherwise
//! have its warnings silently dropped, or push a terminal escape sequence to whoever runs
//! `kubectl`. `status.message` has no such limit in the API server, but it is shown to
//! users and written to audit logs: it is bounded and sanitised the same way.

/// Runes of all warnings of one response, at most (the API server's budget).
pub const MAX_WARNINGS_RUNES: usize = 4096;
/// Runes of one warning, at most (what the API server cuts to once over budget).
pub const MAX_WARNING_RUNES: usize = 256;
/// Runes of `status.message`, at most.
pub const MAX_MESSAGE_RUNES: usize = 4096;

/// Room kept at the end of the warnings for the note that says how many were left out.
const OMITTED_NOTE_RUNES: usize = 64;

/// Whether `c` may not appear in a warning or message: control characters (`Cc`, which the
/// API server refuses), line and paragraph separators, and the bidirectional overrides and
/// isolates that reorder what a terminal shows.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character that must not reach a terminal or a header (control
/// characters, line and paragraph separators, bidirectional overrides) replaced by a space.
pub fn sanitize(text: &str) -> String {
    text.chars().map(|c| if is_unsafe(c) { ' ' } else { c }).collect()
}

/// `text` cut to at most `max` runes (`max` ≥ 1), ending with `…` when it was cut.
pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some(_) => {
            let end = text.char_indices().nth(max - 1).map_or(text.len(), |(i, _)| i);
            format!("{}…", &text[..end])
        }
    }
}

/// `text` made safe for `status.message`: sanitised and at most [`MAX_MESSAGE_RUNES`].
pub fn message(text: &str) -> String {
    truncate(&sanitize(text), MAX_MESSAGE_RUNES)
}

/// One line of a warning or message: sanitised and at most [`MAX_WARNING_RUNES`].
pub fn item(text: &str) -> String {
    truncate(&sanitize(text), MAX_WARNING_RUNES)
}

/// Warnings as the API server keeps them all: each one made safe with [`item`], repeats
/// dropped, in order while they fit in [`MAX_WARNINGS_RUNES`]; when some do not fit, the
/// last warning says how many were left out.
pub fn warnings(texts: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for text in texts {
        let w = item(&text);
        if !w.trim().is_empty() && !all.contains(&w) {
            all.push(w);
        }
    }
    let runes = |w: &String| w.chars().count();
    if all.iter().map(runes).sum::<usize>() <= MAX_WARNINGS_RUNES {
        return all;
    }
    let mut kept = Vec::new();
    let mut used = 0;
    for w in &all {
        let n = runes(w);
        if used + n > MAX_WARNINGS_RUNES - OMITTED_NOTE_RUNES {
            break;
        }
        used += n;
        kept.push(w.clone());
    }
    let omitted = all.len() - kept.len();
    kept.push(format!("kubelint: {omitted} more warnings not shown"));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_reordering_marks_become_spaces() {
        assert_eq!(
            sanitize("a\u{7}b\nc\u{1b}[31md\u{202E}e\u{2028}f\u{85}g"),
            "a b c [31md e f g"
        );
        assert_eq!(sanitize("plain ünïcode ✓"), "plain ünïcode ✓");
    }

    #[test]
    fn truncation_counts_runes_and_marks_the_cut() {
        assert_eq!(truncate("héllo", 5), "héllo");
        assert_eq!(truncate("héllo!", 5), "héll…");
        assert_eq!(truncate("ééééé", 5).chars().count(), 5);
        assert_eq!(
            truncate(&"é".repeat(300), MAX_WARNING_RUNES).chars().count(),
            MAX_WARNING_RUNES
        );
    }

    #[test]
    fn warnings_fit_the_budget_and_say_what_was_left_out() {
        let few = warnings(["a".to_string(), "b".to_string(), "a".to_string()]);
        assert_eq!(few, vec!["a", "b"]);
        let many = warnings((0..40).map(|i| format!("{i:03}{}", "x".repeat(400))));
        assert!(many.iter().all(|w| w.chars().count() <= MAX_WARNING_RUNES));
        assert!(many.iter().map(|w| w.chars().count()).sum::<usize>() <= MAX_WARNINGS_RUNES);
        let kept = many.len() - 1;
        assert_eq!(
            many.last().unwrap(),
            &format!("kubelint: {} more warnings not shown", 40 - kept)
        );
        assert!(many[0].starts_with("000"));
    }
}
