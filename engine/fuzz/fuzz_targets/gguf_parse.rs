//! Fuzz target: `GgufFile::parse` on arbitrary bytes must return `Ok` or `Err`, never panic,
//! hang or allocate without bound; for files it accepts, every tensor slice must have the
//! tensor's exact byte length and dequantizing small tensors must succeed.
//!
//! Run from `engine/`: `cargo +nightly fuzz run gguf_parse -- -max_total_time=60`
//! (seed corpus: `cargo test -p secondself-engine gguf` writes none; any small GGUF works).

#![no_main]

use libfuzzer_sys::fuzz_target;
use secondself_engine::gguf::{dequant, GgufFile};

fuzz_target!(|data: &[u8]| {
    let Ok(file) = GgufFile::parse(data) else {
        return;
    };
    for info in &file.tensors {
        let bytes = file.tensor_data(info);
        assert_eq!(bytes.len() as u64, info.byte_len(), "tensor {}", info.name);
        let n = info.n_elements();
        if n <= 1 << 16 {
            let mut out = vec![0f32; n as usize];
            dequant::dequantize(info.ggml_type, bytes, &mut out)
                .expect("range-checked tensor dequantizes");
        }
    }
    for (key, _) in &file.metadata {
        let _ = file.u32(key);
        let _ = file.f32(key);
        let _ = file.str(key);
    }
});
