//! Fused Q8_0 × f32 matrix multiply on the CPU (the `flex` backend's path; in SmolLM2 this is
//! the tied output head, 49152 × 576).
//!
//! `y[t, r] = Σ_b d[r,b] · Σ_j q[r,b,j] · x[t, 32b + j]`, weights never expanded.
//! Paths: portable Rust, AVX2+FMA natively with runtime detection, wasm SIMD128 in the browser;
//! the native ones tested against [`super::block::Q8Host::matmul_reference`], SIMD128 by the
//! in-browser CPU check against the model reference. Called by [`crate::kernels::QMatrix::matmul_host`].

use super::block::Q8Host;
use crate::kernels::q4::block::BLOCK;

/// `y = x · Wᵀ` for `x` of `n × cols`; returns `n × rows`.
pub fn matmul(w: &Q8Host, x: &[f32], n: usize) -> Vec<f32> {
    let mut y = vec![0.0f32; n * w.rows];
    crate::kernels::for_row_chunks(w.rows, w.cols, &mut y, n, |r0, r1, out| {
        let nb = w.blocks_per_row();
        let width = r1 - r0;
        for r in r0..r1 {
            let qs = &w.qs[r * nb * BLOCK..(r + 1) * nb * BLOCK];
            let d = &w.d[r * nb..(r + 1) * nb];
            for t in 0..n {
                out[t * width + (r - r0)] = row_dot(qs, d, &x[t * w.cols..(t + 1) * w.cols]);
            }
        }
    });
    y
}

#[inline]
fn row_dot(qs: &[i8], d: &[f32], x: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::kernels::has_avx2() {
            // SAFETY: AVX2 and FMA detected at runtime; lengths asserted inside.
            return unsafe { row_dot_avx2(qs, d, x) };
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        // SAFETY: lengths are asserted inside.
        return unsafe { row_dot_simd128(qs, d, x) };
    }
    #[allow(unreachable_code)]
    row_dot_portable(qs, d, x)
}

/// Portable path.
pub(crate) fn row_dot_portable(qs: &[i8], d: &[f32], x: &[f32]) -> f32 {
    let mut acc = 0.0f32;
    for b in 0..d.len() {
        let q = &qs[b * BLOCK..(b + 1) * BLOCK];
        let xb = &x[b * BLOCK..(b + 1) * BLOCK];
        let mut lanes = [0.0f32; 8];
        for j in 0..BLOCK {
            lanes[j % 8] += f32::from(q[j]) * xb[j];
        }
        acc += d[b] * lanes.iter().sum::<f32>();
    }
    acc
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn row_dot_avx2(qs: &[i8], d: &[f32], x: &[f32]) -> f32 {
    use core::arch::x86_64::*;
    let nb = d.len();
    assert!(qs.len() >= nb * BLOCK && x.len() >= nb * BLOCK);
    let mut total = _mm256_setzero_ps();
    for b in 0..nb {
        let qp = qs.as_ptr().add(b * BLOCK);
        let xp = x.as_ptr().add(b * BLOCK);
        let mut s = _mm256_setzero_ps();
        for k in 0..4 {
            let q8 = _mm_loadl_epi64(qp.add(8 * k) as *const __m128i);
            let q = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q8));
            s = _mm256_fmadd_ps(q, _mm256_loadu_ps(xp.add(8 * k)), s);
        }
        total = _mm256_fmadd_ps(_mm256_set1_ps(*d.get_unchecked(b)), s, total);
    }
    crate::kernels::hsum256(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::test_util::{assert_close, pseudo_random};

    #[test]
    fn cpu_matches_reference_on_odd_shapes() {
        for &(rows, cols, n) in &[(1, 32, 1), (9, 96, 2), (131, 576, 3)] {
            let w = Q8Host::quantize(&pseudo_random(rows * cols, 5), rows, cols).unwrap();
            let x = pseudo_random(n * cols, 6);
            assert_close(&matmul(&w, &x, n), &w.matmul_reference(&x, n), 1e-4, 1e-4);
        }
    }

    #[test]
    fn portable_matches_reference() {
        let (rows, cols) = (3, 160);
        let w = Q8Host::quantize(&pseudo_random(rows * cols, 7), rows, cols).unwrap();
        let x = pseudo_random(cols, 8);
        let want = w.matmul_reference(&x, 1);
        let nb = cols / BLOCK;
        let got: Vec<f32> = (0..rows)
            .map(|r| {
                row_dot_portable(
                    &w.qs[r * cols..(r + 1) * cols],
                    &w.d[r * nb..(r + 1) * nb],
                    &x,
                )
            })
            .collect();
        assert_close(&got, &want, 1e-4, 1e-4);
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
unsafe fn row_dot_simd128(qs: &[i8], d: &[f32], x: &[f32]) -> f32 {
    use core::arch::wasm32::*;
    let nb = d.len();
    assert!(qs.len() >= nb * BLOCK && x.len() >= nb * BLOCK);
    let mut total = f32x4_splat(0.0);
    for b in 0..nb {
        let qp = qs.as_ptr().add(b * BLOCK) as *const v128;
        let xp = x.as_ptr().add(b * BLOCK) as *const v128;
        let mut s = f32x4_splat(0.0);
        for half in 0..2 {
            let q = v128_load(qp.add(half));
            let (a, c) = (i16x8_extend_low_i8x16(q), i16x8_extend_high_i8x16(q));
            let k = half * 4;
            s = f32x4_add(s, f32x4_mul(f32x4_convert_i32x4(i32x4_extend_low_i16x8(a)), v128_load(xp.add(k))));
            s = f32x4_add(s, f32x4_mul(f32x4_convert_i32x4(i32x4_extend_high_i16x8(a)), v128_load(xp.add(k + 1))));
            s = f32x4_add(s, f32x4_mul(f32x4_convert_i32x4(i32x4_extend_low_i16x8(c)), v128_load(xp.add(k + 2))));
            s = f32x4_add(s, f32x4_mul(f32x4_convert_i32x4(i32x4_extend_high_i16x8(c)), v128_load(xp.add(k + 3))));
        }
        total = f32x4_add(total, f32x4_mul(f32x4_splat(*d.get_unchecked(b)), s));
    }
    crate::kernels::hsum128(total)
}
