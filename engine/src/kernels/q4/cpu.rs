//! Fused Q4_1 × f32 matrix multiply on the CPU (the `flex` backend's path): dequantizes on the
//! fly, never expands the weights.
//!
//! `y[t, r] = Σ_b d[r,b] · Σ_j q[r,b,j] · x[t, 32b + j]  +  m[r,b] · Σ_j x[t, 32b + j]`
//!
//! The block sums of `x` are computed once per token, so the inner loop is a nibble × f32 dot.
//! Rows are the outer loop (each weight block is read once for all tokens of a prefill).
//! Paths: portable Rust (auto-vectorized), AVX2+FMA natively when the CPU has it (runtime
//! detection). Both are tested against [`super::block::Q4Host::matmul_reference`].
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
