#![no_main]
//! Fuzz target `os_outputs`: the property in fuzz/props.rs.

#[path = "../props.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| props::os_outputs(data));
