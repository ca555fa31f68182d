#![no_main]
//! Fuzz target `no_proxy`: the property in fuzz/props.rs.

#[path = "../props.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| props::no_proxy(data));
