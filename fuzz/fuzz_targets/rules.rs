#![no_main]
//! `cargo fuzz run rules`: see `common::rules`.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::rules(data));
