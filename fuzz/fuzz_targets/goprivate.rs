#![no_main]
//! Fuzz target `goprivate`: the property in fuzz/props.rs.

#[path = "../props.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| props::goprivate(data));
