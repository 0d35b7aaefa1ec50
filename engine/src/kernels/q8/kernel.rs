//! The Q8_0 matrix × activations CubeCL kernel (wgpu). Only the `#[cube]` function lives here;
//! shapes and grid are in [`super::launch`].
//!
//! Layout read (see [`super::block`]): `qs` = 8 `u32` words per block, four `i8` weights each,
//! little-endian; `d` = one `f32` per block; `x` is `n × cols` f32, `out` is `n × rows`.
//!
//! Grid: one unit per output element, `ABSOLUTE_POS_X` = weight row, `ABSOLUTE_POS_Y` = token.
//! The sign of each byte is restored arithmetically (`b - 256·(b >> 7)`), so no signed shifts.

use cubecl::prelude::*;

/// `out[t, r] = Σ_c d[r, c/32] · q[r, c] · x[t, c]` for one `(r, t)` per unit.
#[cube(launch)]
pub fn q8_0_matmul_kernel(
    qs: &[u32],
    d: &[f32],
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
            #[unroll]
            for w in 0..8usize {
                let word = qs[blk * 8 + w];
                #[unroll]
                for k in 0..4usize {
                    let byte = (word >> u32::cast_from(k * 8)) & 0xFFu32;
                    let q = f32::cast_from(byte) - f32::cast_from(byte >> 7u32) * 256.0f32;
                    s += q * x[xo + w * 4 + k];
                }
            }
            acc += d[blk] * s;
        }
        out[tok * rows + row] = acc;
    }
}
