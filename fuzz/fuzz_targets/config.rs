#![no_main]
//! `cargo fuzz run config`: see `common::config`.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::config(data));
