//! Hostile bytes as a backup file: JSON parsing, then the restore's checks and transaction
//! building, return a plan or a clear error, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = secondself_engine::memory::manage::restore_plan(&v);
    }
});
