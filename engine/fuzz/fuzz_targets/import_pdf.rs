//! Hostile bytes as `document.pdf`: the PDF reader, the layout and chunking must return a result or
//! a clear error. The reader's own panics are caught per page natively (`catch_unwind`), but not
//! in the browser, where a panic restarts the engine: every crash this finds is worth a look.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = secondself_engine::memory::import::parse_and_chunk("document.pdf", data);
});
