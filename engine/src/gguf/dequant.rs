//! Scalar reference (de)quantizers for the GGUF tensor types this engine loads.
//!
//! Why: the plain, obviously-correct definition that fast paths (the Q4_1 CubeCL kernel and the
//! wasm SIMD path in `kernels/q4/`) are tested against, and the loader for small tensors
//! (norms, embeddings) that are used as `f32`. The quantizers mirror ggml's reference
//! `quantize_row_*_ref` so tests can build tiny quantized models.
//!
//! Block layouts: see [`GgmlType`]. Nibble formats put element `j` of a 32-block in the low
//! nibble of byte `j` and element `j + 16` in its high nibble.

use half::f16;

use super::{GgmlType, GgufError, GgufErrorKind};

/// Elements per quantized block.
pub const QK: usize = 32;

/// Dequantizes `bytes` (laid out as `ggml_type`) into `out`; `out.len()` is the element count.
///
/// Errors when `out.len()` is not a multiple of the block size or `bytes` has not exactly
/// `ggml_type.byte_len(out.len())` bytes.
pub fn dequantize(ggml_type: GgmlType, bytes: &[u8], out: &mut [f32]) -> Result<(), GgufError> {
    let n = out.len() as u64;
    let expected = ggml_type.byte_len(n);
    let block = ggml_type.block_size();
    if !out.len().is_multiple_of(block) || bytes.len() as u64 != expected {
        return Err(GgufError::new(
            0,
            GgufErrorKind::DequantSize {
                type_name: ggml_type.name(),
                n_bytes: bytes.len() as u64,
                n_elements: n,
                expected,
                block: block as u64,
            },
        ));
    }
    let ts = ggml_type.type_size();
    match ggml_type {
        GgmlType::F32 => {
            for (o, c) in out.iter_mut().zip(bytes.chunks_exact(4)) {
                *o = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            }
        }
        GgmlType::F16 => {
            for (o, c) in out.iter_mut().zip(bytes.chunks_exact(2)) {
                *o = f16_at(c, 0);
            }
        }
        GgmlType::Q4_0 => {
            for (o, b) in out.chunks_exact_mut(QK).zip(bytes.chunks_exact(ts)) {
                let d = f16_at(b, 0);
                for (j, &q) in b[2..18].iter().enumerate() {
                    o[j] = d * ((q & 0x0f) as i32 - 8) as f32;
                    o[j + 16] = d * ((q >> 4) as i32 - 8) as f32;
                }
            }
        }
        GgmlType::Q4_1 => {
            for (o, b) in out.chunks_exact_mut(QK).zip(bytes.chunks_exact(ts)) {
                let d = f16_at(b, 0);
                let m = f16_at(b, 2);
                for (j, &q) in b[4..20].iter().enumerate() {
                    o[j] = d * (q & 0x0f) as f32 + m;
                    o[j + 16] = d * (q >> 4) as f32 + m;
                }
            }
        }
        GgmlType::Q8_0 => {
            for (o, b) in out.chunks_exact_mut(QK).zip(bytes.chunks_exact(ts)) {
                let d = f16_at(b, 0);
                for (x, &q) in o.iter_mut().zip(&b[2..34]) {
                    *x = d * (q as i8) as f32;
                }
            }
        }
    }
    Ok(())
}

/// Dequantizes into a new vector of `n_elements` values.
pub fn dequantize_to_vec(
    ggml_type: GgmlType,
    bytes: &[u8],
    n_elements: usize,
) -> Result<Vec<f32>, GgufError> {
    // Check sizes before allocating so a bad call cannot request a huge buffer.
    let expected = ggml_type.byte_len(n_elements as u64);
    let block = ggml_type.block_size();
    if !n_elements.is_multiple_of(block) || bytes.len() as u64 != expected {
        return Err(GgufError::new(
            0,
            GgufErrorKind::DequantSize {
                type_name: ggml_type.name(),
                n_bytes: bytes.len() as u64,
                n_elements: n_elements as u64,
                expected,
                block: block as u64,
            },
        ));
    }
    let mut out = vec![0f32; n_elements];
    dequantize(ggml_type, bytes, &mut out)?;
    Ok(out)
}

fn f16_at(b: &[u8], i: usize) -> f32 {
    f16::from_le_bytes([b[i], b[i + 1]]).to_f32()
}

/// Quantizes `values` (length a multiple of the block size) to `ggml_type`, as ggml's
/// reference quantizers do. Returns `None` if the length is not a multiple of the block size.
pub fn quantize(ggml_type: GgmlType, values: &[f32]) -> Option<Vec<u8>> {
    if !values.len().is_multiple_of(ggml_type.block_size()) {
        return None;
    }
    let mut out = Vec::with_capacity(ggml_type.byte_len(values.len() as u64) as usize);
    match ggml_type {
        GgmlType::F32 => values
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_le_bytes())),
        GgmlType::F16 => values
            .iter()
            .for_each(|v| out.extend_from_slice(&f16::from_f32(*v).to_le_bytes())),
        GgmlType::Q4_0 => {
            for x in values.chunks_exact(QK) {
                // The value of largest magnitude, with its sign, maps to -8.
                let max = x
                    .iter()
                    .copied()
                    .fold(0f32, |m, v| if v.abs() > m.abs() { v } else { m });
                let d = max / -8.0;
                let id = if d != 0.0 { 1.0 / d } else { 0.0 };
                out.extend_from_slice(&f16::from_f32(d).to_le_bytes());
                for j in 0..16 {
                    let q0 = ((x[j] * id + 8.5) as i32).clamp(0, 15) as u8;
                    let q1 = ((x[j + 16] * id + 8.5) as i32).clamp(0, 15) as u8;
                    out.push(q0 | (q1 << 4));
                }
            }
        }
        GgmlType::Q4_1 => {
            for x in values.chunks_exact(QK) {
                let min = x.iter().copied().fold(f32::INFINITY, f32::min);
                let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let d = (max - min) / 15.0;
                let id = if d != 0.0 { 1.0 / d } else { 0.0 };
                out.extend_from_slice(&f16::from_f32(d).to_le_bytes());
                out.extend_from_slice(&f16::from_f32(min).to_le_bytes());
                for j in 0..16 {
                    let q0 = (((x[j] - min) * id + 0.5) as i32).clamp(0, 15) as u8;
                    let q1 = (((x[j + 16] - min) * id + 0.5) as i32).clamp(0, 15) as u8;
                    out.push(q0 | (q1 << 4));
                }
            }
        }
        GgmlType::Q8_0 => {
            for x in values.chunks_exact(QK) {
                let amax = x.iter().fold(0f32, |m, v| m.max(v.abs()));
                let d = amax / 127.0;
                let id = if d != 0.0 { 1.0 / d } else { 0.0 };
                out.extend_from_slice(&f16::from_f32(d).to_le_bytes());
                for v in x {
                    out.push(((v * id).round() as i32).clamp(-128, 127) as i8 as u8);
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(x: f32) -> [u8; 2] {
        f16::from_f32(x).to_le_bytes()
    }

    #[test]
    fn q4_1_hand_built_block() {
        // d = 0.5, m = -1; byte j: low nibble j % 16, high nibble 15 - j % 16.
        let mut b = Vec::new();
        b.extend_from_slice(&h(0.5));
        b.extend_from_slice(&h(-1.0));
        for j in 0..16u8 {
            b.push(j | ((15 - j) << 4));
        }
        let mut out = [0f32; 32];
        dequantize(GgmlType::Q4_1, &b, &mut out).unwrap();
        for j in 0..16 {
            assert_eq!(out[j], 0.5 * j as f32 - 1.0, "low nibble {j}");
            assert_eq!(out[j + 16], 0.5 * (15 - j) as f32 - 1.0, "high nibble {j}");
        }
    }

    #[test]
    fn q4_0_and_q8_0_hand_built_blocks() {
        let mut b = Vec::new();
        b.extend_from_slice(&h(2.0));
        for j in 0..16u8 {
            b.push(j | (8 << 4));
        }
        let mut out = [0f32; 32];
        dequantize(GgmlType::Q4_0, &b, &mut out).unwrap();
        assert_eq!(out[0], -16.0);
        assert_eq!(out[15], 14.0);
        assert!(out[16..].iter().all(|&v| v == 0.0));

        let mut b = Vec::new();
        b.extend_from_slice(&h(0.25));
        for j in 0..32i8 {
            b.push((j - 16) as u8);
        }
        dequantize(GgmlType::Q8_0, &b, &mut out).unwrap();
        for (j, v) in out.iter().enumerate() {
            assert_eq!(*v, 0.25 * (j as f32 - 16.0));
        }
    }

    #[test]
    fn float_types() {
        let vals = [1.5f32, -2.25, 0.0, 65504.0];
        let mut out = [0f32; 4];
        dequantize(
            GgmlType::F32,
            &quantize(GgmlType::F32, &vals).unwrap(),
            &mut out,
        )
        .unwrap();
        assert_eq!(out, vals);
        dequantize(
            GgmlType::F16,
            &quantize(GgmlType::F16, &vals).unwrap(),
            &mut out,
        )
        .unwrap();
        assert_eq!(out, vals);
    }

    #[test]
    fn quantize_round_trips_within_half_a_step() {
        let vals: Vec<f32> = (0..96)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 13.0)
            .collect();
        for ty in [GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q8_0] {
            let q = quantize(ty, &vals).unwrap();
            assert_eq!(q.len() as u64, ty.byte_len(96));
            let back = dequantize_to_vec(ty, &q, 96).unwrap();
            for (blk, (x, y)) in vals.chunks(32).zip(back.chunks(32)).enumerate() {
                let amax = x.iter().fold(0f32, |m, v| m.max(v.abs()));
                let (min, max) = x
                    .iter()
                    .fold((f32::MAX, f32::MIN), |(a, b), &v| (a.min(v), b.max(v)));
                // Q4_0 maps the largest magnitude to -8, so the other end may clip by a full step.
                let tolerance = match ty {
                    GgmlType::Q4_0 => amax / 8.0,
                    GgmlType::Q4_1 => (max - min) / 15.0 / 2.0,
                    _ => amax / 127.0 / 2.0,
                } + 0.01;
                for (a, b) in x.iter().zip(y) {
                    assert!((a - b).abs() <= tolerance, "{ty} block {blk}: {a} vs {b}");
                }
            }
        }
    }

    #[test]
    fn wrong_sizes_are_errors_not_panics() {
        let mut out = [0f32; 32];
        let err = dequantize(GgmlType::Q4_1, &[0u8; 19], &mut out).unwrap_err();
        assert!(
            matches!(err.kind, GgufErrorKind::DequantSize { expected: 20, .. }),
            "{err}"
        );
        let mut out = [0f32; 31];
        assert!(dequantize(GgmlType::Q8_0, &[0u8; 34], &mut out).is_err());
        assert!(dequantize_to_vec(GgmlType::Q4_0, &[0u8; 18], usize::MAX).is_err());
        assert!(quantize(GgmlType::Q4_1, &[0.0; 33]).is_none());
    }
}
