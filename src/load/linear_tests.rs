//! Parsing time is linear in input size for every input shape that was once quadratic
//! (issue #12, item 3): each shape is parsed at 512 KiB and at 2 MiB in one run, and the
//! larger must take less than [`MAX_RATIO`] times as long (4 when linear, 16 when
//! quadratic). The better of two runs is compared, so a busy machine does not fail it.

use std::time::{Duration, Instant};

use super::{SourceFile, load_file};

const MB: usize = 1 << 20;
/// 4x the input may take at most this many times as long.
const MAX_RATIO: f64 = 9.0;

fn time(text: &str) -> Duration {
    let file = std::sync::Arc::new(SourceFile::new("shape.yaml", text.to_string()));
    let t = Instant::now();
    let loaded = load_file(file);
    let d = t.elapsed();
    std::hint::black_box(loaded);
    d
}

fn assert_linear(name: &str, make: impl Fn(usize) -> String) {
    let (small, large) = (make(MB / 2), make(2 * MB));
    assert!(large.len() >= 3 * small.len(), "{name}: generator did not scale");
    let t1 = time(&small).min(time(&small));
    // The better of two runs of the large input; the second is only needed when the first
    // is over the ratio (the verdict is the same as always running both).
    let mut t4 = time(&large);
    if t4.as_secs_f64() / t1.as_secs_f64().max(1e-4) >= MAX_RATIO {
        t4 = t4.min(time(&large));
    }
    let ratio = t4.as_secs_f64() / t1.as_secs_f64().max(1e-4);
    assert!(
        ratio < MAX_RATIO,
        "{name}: 512 KiB took {t1:?}, 2 MiB took {t4:?} (ratio {ratio:.1}, linear is about 4)"
    );
}

/// Repeats `unit(i)` until the text has `size` bytes, between `head` and `tail`.
fn fill(size: usize, head: &str, tail: &str, unit: impl Fn(usize) -> String) -> String {
    let mut s = String::with_capacity(size + 64);
    s.push_str(head);
    let mut i = 0;
    while s.len() < size {
        s.push_str(&unit(i));
        i += 1;
    }
    s.push_str(tail);
    s
}

#[test]
fn one_line_json_with_a_non_ascii_character() {
    assert_linear("json", |n| {
        fill(n, "{\"kind\":\"List\",\"items\":[{\"a\":\"é\"}", "]}", |i| {
            format!(",{{\"k{i}\":\"v\"}}")
        })
    });
}

#[test]
fn long_and_under_indented_quoted_scalars() {
    assert_linear("long quoted", |n| format!("a: \"{}é\"\n", "x ".repeat(n / 2)));
    // Multi-line quoted scalars that kubectl accepts and saphyr needs repaired, one of
    // them a block scalar line that only looks like one (the prediction fails).
    assert_linear("under-indented quoted", |n| {
        fill(n, "a:\n  - s: |\n      x: 'not\n      closed'\n", "", |i| {
            format!("  - m{i}: 'one\n    two'\n")
        })
    });
    // Quotes that never close.
    assert_linear("unclosed quotes", |n| fill(n, "", "", |i| format!("k{i}: \"open\n")));
}

#[test]
fn merge_keys() {
    // One mapping merging thousands of small maps.
    assert_linear("merge list", |n| {
        let count = n / 40;
        let mut s: String = (0..count).map(|i| format!("a{i}: &a{i} {{k{i}: {i}}}\n")).collect();
        s.push_str("m:\n  <<: [");
        s.push_str(&(0..count).map(|i| format!("*a{i}")).collect::<Vec<_>>().join(", "));
        s.push_str("]\n");
        s
    });
    // Many mappings merging one base, each overriding a key.
    assert_linear("merge base", |n| {
        fill(n, "base: &b {x: 1, y: 2}\n", "", |i| {
            format!("m{i}:\n  <<: *b\n  y: {i}\n")
        })
    });
}

#[test]
fn many_problems() {
    assert_linear("duplicate keys", |n| fill(n, "", "", |i| format!("k: {i}\n")));
    assert_linear("syntax errors", |n| fill(n, "", "", |i| format!("a{i}: [\n---\n")));
    assert_linear("line separators", |n| {
        fill(n, "", "", |i| format!("a{i}: 1 # \u{2028}\n"))
    });
}
