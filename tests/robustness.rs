//! Property: whatever the input, linting never panics, and every finding's span lies
//! within the text, on a character boundary, with positions that agree with it.

use kubelint::{Config, Linter};
use proptest::prelude::*;

fn yamlish() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("apiVersion: v1\n".to_string()),
        Just("kind: Pod\n".to_string()),
        Just("metadata: {name: p}\n".to_string()),
        Just("spec:\n  containers:\n  - name: a\n    image: x\n".to_string()),
        Just("---\n".to_string()),
        Just("kind: List\nitems:\n".to_string()),
        Just("  - ".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("<<: ".to_string()),
        Just("'multi\nline'\n".to_string()),
        Just("\"esc \\u00e9 \\\"\"\n".to_string()),
        Just("|\n  block\n".to_string()),
        Just("\r\n".to_string()),
        Just("\u{feff}".to_string()),
        "[a-z:\\-\\[\\]{}&*!|>'\"#%@` \n\t,?<é€]{0,12}",
    ];
    prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn never_panics_and_spans_stay_in_bounds(text in yamlish()) {
        let linter = Linter::new(Config::default()).unwrap();
        let report = linter.lint_str("fuzz.yaml", &text);
        for f in report.findings.iter().chain(&report.suppressed) {
            let (s, e) = (f.span.start as usize, f.span.end as usize);
            prop_assert!(s <= e && e <= text.len(), "{f:?}");
            prop_assert!(text.is_char_boundary(s), "{f:?}");
            prop_assert!(f.start.line >= 1 && f.start.column >= 1 && f.start <= f.end, "{f:?}");
            prop_assert_eq!(f.file.position(f.span.start), f.start);
        }
    }
}
