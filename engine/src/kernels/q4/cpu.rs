//! Fused Q4_1 × f32 matrix multiply on the CPU (the `flex` backend's path): dequantizes on the
//! fly, never expands the weights.
//!
//! `y[t, r] = Σ_b d[r,b] · Σ_j q[r,b,j] · x[t, 32b + j]  +  m[r,b] · Σ_j x[t, 32b + j]`
//!
//! The block sums of `x` are computed once per token, so the inner loop is a nibble × f32 dot.
//! Rows are the outer loop (each weight block is read once for all tokens of a prefill).
//! Paths: portable Rust (auto-vectorized), AVX2+FMA natively when the CPU has it (runtime
//! detection), and wasm SIMD128 in the browser (the engine's wasm is built with `+simd128`).
//! The native paths are tested against [`super::block::Q4Host::matmul_reference`]; the SIMD128
//! path by the in-browser CPU check against the model reference (`tests/e2e/model.rs`).
//! Called by [`crate::kernels::QMatrix::matmul_host`].

use super::block::{Q4Host, BLOCK, QS_BYTES};

/// `y = x · Wᵀ` for `x` of `n × cols`; returns `n × rows`.
pub fn matmul(w: &Q4Host, x: &[f32], n: usize) -> Vec<f32> {
    let mut y = vec![0.0f32; n * w.rows];
    let sums = block_sums(x, w.cols);
    crate::kernels::for_row_chunks(w.rows, w.cols, &mut y, n, |r0, r1, out| {
        rows_into(w, x, &sums, n, r0, r1, out)
    });
    y
}

/// Per-token, per-block sums of `x`.
pub(crate) fn block_sums(x: &[f32], cols: usize) -> Vec<f32> {
    debug_assert_eq!(cols % BLOCK, 0);
    x.chunks_exact(BLOCK).map(|c| c.iter().sum()).collect()
}

/// Computes rows `r0..r1` for every token into `out` (`n × (r1 - r0)`, token-major).
fn rows_into(w: &Q4Host, x: &[f32], sums: &[f32], n: usize, r0: usize, r1: usize, out: &mut [f32]) {
    let nb = w.blocks_per_row();
    let width = r1 - r0;
    for r in r0..r1 {
        let qs = &w.qs[r * nb * QS_BYTES..(r + 1) * nb * QS_BYTES];
        let d = &w.d[r * nb..(r + 1) * nb];
        let m = &w.m[r * nb..(r + 1) * nb];
        for t in 0..n {
            let xt = &x[t * w.cols..(t + 1) * w.cols];
            let st = &sums[t * nb..(t + 1) * nb];
            out[t * width + (r - r0)] = row_dot(qs, d, m, xt, st);
        }
    }
}

/// One row · one token, choosing the fastest available path.
#[inline]
fn row_dot(qs: &[u8], d: &[f32], m: &[f32], x: &[f32], sums: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::kernels::has_avx2() {
            // SAFETY: AVX2 and FMA were detected at runtime; slices are checked by the caller's
            // layout (qs: 16 bytes, x: 32 floats per block).
            return unsafe { row_dot_avx2(qs, d, m, x, sums) };
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        // SAFETY: lengths are asserted inside.
        return unsafe { row_dot_simd128(qs, d, m, x, sums) };
    }
    #[allow(unreachable_code)]
    row_dot_portable(qs, d, m, x, sums)
}

/// Portable path: plain Rust the compiler vectorizes.
pub(crate) fn row_dot_portable(qs: &[u8], d: &[f32], m: &[f32], x: &[f32], sums: &[f32]) -> f32 {
    let mut acc = 0.0f32;
    for b in 0..d.len() {
        let q = &qs[b * QS_BYTES..(b + 1) * QS_BYTES];
        let xb = &x[b * BLOCK..(b + 1) * BLOCK];
        let mut lanes = [0.0f32; 16];
        for j in 0..QS_BYTES {
            lanes[j] = f32::from(q[j] & 0x0F) * xb[j] + f32::from(q[j] >> 4) * xb[j + 16];
        }
        let s: f32 = lanes.iter().sum();
        acc += d[b] * s + m[b] * sums[b];
    }
    acc
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn row_dot_avx2(qs: &[u8], d: &[f32], m: &[f32], x: &[f32], sums: &[f32]) -> f32 {
    use core::arch::x86_64::*;
    let nb = d.len();
    assert!(
        qs.len() >= nb * QS_BYTES && x.len() >= nb * BLOCK && m.len() >= nb && sums.len() >= nb
    );
    let mut total = _mm256_setzero_ps();
    let mut offset = 0.0f32;
    let mask = _mm_set1_epi8(0x0F);
    for b in 0..nb {
        let bytes = _mm_loadu_si128(qs.as_ptr().add(b * QS_BYTES) as *const __m128i);
        let lo = _mm_and_si128(bytes, mask);
        let hi = _mm_and_si128(_mm_srli_epi16(bytes, 4), mask);
        let xp = x.as_ptr().add(b * BLOCK);
        let q0 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(lo));
        let q1 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(lo, 8)));
        let q2 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(hi));
        let q3 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(hi, 8)));
        let mut s = _mm256_mul_ps(q0, _mm256_loadu_ps(xp));
        s = _mm256_fmadd_ps(q1, _mm256_loadu_ps(xp.add(8)), s);
        s = _mm256_fmadd_ps(q2, _mm256_loadu_ps(xp.add(16)), s);
        s = _mm256_fmadd_ps(q3, _mm256_loadu_ps(xp.add(24)), s);
        total = _mm256_fmadd_ps(_mm256_set1_ps(*d.get_unchecked(b)), s, total);
        offset += *m.get_unchecked(b) * *sums.get_unchecked(b);
    }
    crate::kernels::hsum256(total) + offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::test_util::{assert_close, pseudo_random};

    #[test]
    fn cpu_matches_reference_on_odd_shapes() {
        for &(rows, cols, n) in &[(1, 32, 1), (7, 96, 3), (33, 160, 2), (130, 576, 5)] {
            let w = Q4Host::quantize(&pseudo_random(rows * cols, 1), rows, cols).unwrap();
            let x = pseudo_random(n * cols, 2);
            let want = w.matmul_reference(&x, n);
            assert_close(&matmul(&w, &x, n), &want, 1e-4, 1e-4);
        }
    }

    #[test]
    fn portable_matches_reference() {
        let (rows, cols) = (5, 224);
        let w = Q4Host::quantize(&pseudo_random(rows * cols, 3), rows, cols).unwrap();
        let x = pseudo_random(cols, 4);
        let want = w.matmul_reference(&x, 1);
        let sums = block_sums(&x, cols);
        let nb = cols / BLOCK;
        let got: Vec<f32> = (0..rows)
            .map(|r| {
                row_dot_portable(
                    &w.qs[r * nb * QS_BYTES..(r + 1) * nb * QS_BYTES],
                    &w.d[r * nb..(r + 1) * nb],
                    &w.m[r * nb..(r + 1) * nb],
                    &x,
                    &sums,
                )
            })
            .collect();
        assert_close(&got, &want, 1e-4, 1e-4);
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
unsafe fn row_dot_simd128(qs: &[u8], d: &[f32], m: &[f32], x: &[f32], sums: &[f32]) -> f32 {
    use core::arch::wasm32::*;
    let nb = d.len();
    assert!(qs.len() >= nb * QS_BYTES && x.len() >= nb * BLOCK && m.len() >= nb && sums.len() >= nb);
    let mask = u8x16_splat(0x0F);
    let mut total = f32x4_splat(0.0);
    let mut offset = 0.0f32;
    // Four u8 lanes (of a u16x8 half) as f32x4.
    let f = |v: v128, high: bool| f32x4_convert_u32x4(if high { u32x4_extend_high_u16x8(v) } else { u32x4_extend_low_u16x8(v) });
    for b in 0..nb {
        let bytes = v128_load(qs.as_ptr().add(b * QS_BYTES) as *const v128);
        let lo = v128_and(bytes, mask);
        let hi = u8x16_shr(bytes, 4);
        let xp = x.as_ptr().add(b * BLOCK) as *const v128;
        let (lo_a, lo_b) = (u16x8_extend_low_u8x16(lo), u16x8_extend_high_u8x16(lo));
        let (hi_a, hi_b) = (u16x8_extend_low_u8x16(hi), u16x8_extend_high_u8x16(hi));
        let mut s = f32x4_mul(f(lo_a, false), v128_load(xp));
        s = f32x4_add(s, f32x4_mul(f(lo_a, true), v128_load(xp.add(1))));
        s = f32x4_add(s, f32x4_mul(f(lo_b, false), v128_load(xp.add(2))));
        s = f32x4_add(s, f32x4_mul(f(lo_b, true), v128_load(xp.add(3))));
        s = f32x4_add(s, f32x4_mul(f(hi_a, false), v128_load(xp.add(4))));
        s = f32x4_add(s, f32x4_mul(f(hi_a, true), v128_load(xp.add(5))));
        s = f32x4_add(s, f32x4_mul(f(hi_b, false), v128_load(xp.add(6))));
        s = f32x4_add(s, f32x4_mul(f(hi_b, true), v128_load(xp.add(7))));
        total = f32x4_add(total, f32x4_mul(f32x4_splat(*d.get_unchecked(b)), s));
        offset += *m.get_unchecked(b) * *sums.get_unchecked(b);
    }
    crate::kernels::hsum128(total) + offset
}
