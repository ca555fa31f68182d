#![no_main]
//! Fuzz target `go_import`: the property in fuzz/props.rs.

#[path = "../props.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| props::go_import(data));
