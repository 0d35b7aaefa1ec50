//! Hostile bytes as a claude export (`conversations.json`, which the claude importer recognises by its
//! shape): checks, parser and chunking return a result or a clear error, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = secondself_engine::memory::import::parse_and_chunk("conversations.json", data);
});
