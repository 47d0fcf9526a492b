#![no_main]
//! `cargo fuzz run load`: see `common::load`.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::load(data));
