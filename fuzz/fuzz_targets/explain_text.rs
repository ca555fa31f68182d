#![no_main]
//! Fuzz target `explain_text`: the property in fuzz/props.rs.

#[path = "../props.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| props::explain_text(data));
