//! The Q4_1 matrix × activations CubeCL kernel (runs on wgpu: Vulkan natively, WebGPU in the
//! browser). Only the `#[cube]` function lives here; shapes and grid are in [`super::launch`].
//!
//! Layout read (see [`super::block`]): `qs` = 4 `u32` words per block (16 nibble bytes, GGUF
//! order: byte `j` low nibble = element `j`, high nibble = element `j + 16`), `d`, `m` = one
//! `f32` per block; `x` is `n × cols` row-major f32, `out` is `n × rows`.
//!
//! Grid: one unit per output element, `ABSOLUTE_POS_X` = weight row, `ABSOLUTE_POS_Y` = token.
//! Each unit walks its row's blocks, dequantizing on the fly: `Σ_b d·Σ q·x + m·Σ x`.

use cubecl::prelude::*;

/// `out[t, r] = Σ_c (d·q + m)[r, c] · x[t, c]` for one `(r, t)` per unit.
#[cube(launch)]
pub fn q4_1_matmul_kernel(
    qs: &[u32],
    d: &[f32],
    m: &[f32],
    x: &[f32],
    out: &mut [f32],
    rows: usize,
    cols: usize,
) {
    let row = usize::cast_from(ABSOLUTE_POS_X);
    let tok = usize::cast_from(ABSOLUTE_POS_Y);
    if row < rows {
        let nb = cols / 32;
        let mut acc = 0.0f32;
        for b in 0..nb {
            let blk = row * nb + b;
            let xo = tok * cols + b * 32;
            let mut s = 0.0f32;
            let mut sx = 0.0f32;
            #[unroll]
            for w in 0..4usize {
                let word = qs[blk * 4 + w];
                #[unroll]
                for k in 0..4usize {
                    let byte = (word >> u32::cast_from(k * 8)) & 0xFFu32;
                    let j = w * 4 + k;
                    let x0 = x[xo + j];
                    let x1 = x[xo + j + 16];
                    s += f32::cast_from(byte & 0xFu32) * x0 + f32::cast_from(byte >> 4u32) * x1;
                    sx += x0 + x1;
                }
            }
            acc += d[blk] * s + m[blk] * sx;
        }
        out[tok * rows + row] = acc;
    }
}
