//! Lint a folder (walked in parallel, .gitignore honoured) and print a SARIF report.
//! `cargo run --example lint_directory -- fixtures/seeds`

use kubelint::report::{Format, render_to_string};
use kubelint::{Config, Linter};

fn run(dir: &str) -> String {
    let linter = Linter::new(Config::default()).expect("the default config is valid");
    let report = linter.lint_paths(&[dir]);
    eprintln!(
        "{} files, {} objects, {} errors, {} warnings",
        report.summary.files, report.summary.objects, report.summary.errors, report.summary.warnings
    );
    render_to_string(&report, Format::Sarif)
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds").to_string());
    println!("{}", run(&dir));
}

#[test]
fn the_seeds_make_a_sarif_report() {
    let sarif: serde_json::Value =
        serde_json::from_str(&run(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds"))).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
}
