#![no_main]
//! `cargo fuzz run admission`: see `common::admission`.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::admission(data));
