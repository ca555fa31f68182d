#![no_main]
//! Fuzz target `report_json`: the property in fuzz/props.rs.

#[path = "../props.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| props::report_json(data));
