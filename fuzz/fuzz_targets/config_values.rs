#![no_main]
//! Fuzz target `config_values`: the property in fuzz/props.rs.

#[path = "../props.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| props::config_values(data));
