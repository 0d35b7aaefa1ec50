//! Hostile bytes as `page.html`: the whole import path short of the store (checks, parser, chunking)
//! must return a result or a clear error, never panic, hang or exhaust the stack.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = secondself_engine::memory::import::parse_and_chunk("page.html", data);
});
