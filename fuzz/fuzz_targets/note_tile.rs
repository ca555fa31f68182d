#![no_main]
//! Fuzz target `note_tile`: the property in fuzz/props.rs.

#[path = "../props.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| props::note_tile(data));
