#![no_main]
//! `cargo fuzz run script`: see `common::script`.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::script(data));
