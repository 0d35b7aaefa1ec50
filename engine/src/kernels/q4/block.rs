//! Q4_1 block layout, the repacked form the kernels read, and the scalar reference.
//!
//! GGUF stores a Q4_1 matrix row by row; each row of `cols` weights is `cols / 32` blocks of
//! 20 bytes: f16 `d`, f16 `m`, then 16 bytes of nibbles. Byte `j` holds element `j` in its low
//! nibble and element `j + 16` in its high nibble; the weight is `d * q + m`.
//!
//! At load the blocks are repacked (still 4-bit) into three flat arrays, so a GPU kernel reads
//! aligned `u32` words and plain `f32` scales and needs no half-float support:
//! `qs` (16 nibble bytes per block, in GGUF order), `d` and `m` (one `f32` each per block).
//! Q4_0 (`d * (q - 8)`) repacks into the same form with `m = -8 d`.
//!
//! Called by [`super::Q4Matrix::from_ggml`]; the reference functions here are what every fast
//! path (CPU SIMD, CubeCL kernel) is tested against.

use crate::kernels::{f16_to_f32, KernelError};

/// Elements per block.
pub const BLOCK: usize = 32;
/// Bytes per Q4_1 block in GGUF.
pub const Q4_1_BYTES: usize = 20;
/// Bytes per Q4_0 block in GGUF.
pub const Q4_0_BYTES: usize = 18;
/// Nibble bytes per block.
pub const QS_BYTES: usize = 16;

/// A `rows × cols` Q4_1 matrix on the host, repacked: row `r`'s block `b` is block index
/// `r * cols / 32 + b` in every array.
#[derive(Debug, Clone, PartialEq)]
pub struct Q4Host {
    /// Output features (rows of the weight matrix).
    pub rows: usize,
    /// Input features (contiguous in a row); a multiple of 32.
    pub cols: usize,
    /// Per-block scale.
    pub d: Vec<f32>,
    /// Per-block offset.
    pub m: Vec<f32>,
    /// 16 nibble bytes per block, GGUF order.
    pub qs: Vec<u8>,
}

impl Q4Host {
    /// Blocks per row.
    pub fn blocks_per_row(&self) -> usize {
        self.cols / BLOCK
    }

    /// Repacks GGUF Q4_1 bytes of a `rows × cols` matrix.
    pub fn from_q4_1(bytes: &[u8], rows: usize, cols: usize) -> Result<Self, KernelError> {
        let blocks = check_shape(bytes.len(), rows, cols, Q4_1_BYTES)?;
        let mut out = Self::with_capacity(rows, cols, blocks);
        for blk in bytes.chunks_exact(Q4_1_BYTES) {
            out.d.push(f16_to_f32(u16::from_le_bytes([blk[0], blk[1]])));
            out.m.push(f16_to_f32(u16::from_le_bytes([blk[2], blk[3]])));
            out.qs.extend_from_slice(&blk[4..20]);
        }
        Ok(out)
    }

    /// Repacks GGUF Q4_0 bytes (`d * (q - 8)`) as Q4_1 with `m = -8 d` (exact in f32).
    pub fn from_q4_0(bytes: &[u8], rows: usize, cols: usize) -> Result<Self, KernelError> {
        let blocks = check_shape(bytes.len(), rows, cols, Q4_0_BYTES)?;
        let mut out = Self::with_capacity(rows, cols, blocks);
        for blk in bytes.chunks_exact(Q4_0_BYTES) {
            let d = f16_to_f32(u16::from_le_bytes([blk[0], blk[1]]));
            out.d.push(d);
            out.m.push(-8.0 * d);
            out.qs.extend_from_slice(&blk[2..18]);
        }
        Ok(out)
    }

    fn with_capacity(rows: usize, cols: usize, blocks: usize) -> Self {
        Self {
            rows,
            cols,
            d: Vec::with_capacity(blocks),
            m: Vec::with_capacity(blocks),
            qs: Vec::with_capacity(blocks * QS_BYTES),
        }
    }

    /// Quantizes an f32 row-major matrix (for tests and generated models): per block
    /// `m = min`, `d = (max - min) / 15`, `q = round((x - m) / d)`.
    pub fn quantize(values: &[f32], rows: usize, cols: usize) -> Result<Self, KernelError> {
        if values.len() != rows * cols {
            return Err(KernelError::Shape(format!(
                "{} values for a {rows}×{cols} matrix",
                values.len()
            )));
        }
        let blocks = check_shape(rows * cols / BLOCK * Q4_1_BYTES, rows, cols, Q4_1_BYTES)?;
        let mut out = Self::with_capacity(rows, cols, blocks);
        for chunk in values.chunks_exact(BLOCK) {
            let min = chunk.iter().copied().fold(f32::INFINITY, f32::min);
            let max = chunk.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            // Round scales through f16 like a real GGUF file would.
            let d = f16_round((max - min) / 15.0);
            let m = f16_round(min);
            let inv = if d != 0.0 { 1.0 / d } else { 0.0 };
            let q: Vec<u8> = chunk
                .iter()
                .map(|&x| ((x - m) * inv).round().clamp(0.0, 15.0) as u8)
                .collect();
            for j in 0..QS_BYTES {
                out.qs.push(q[j] | (q[j + 16] << 4));
            }
            out.d.push(d);
            out.m.push(m);
        }
        Ok(out)
    }

    /// Serializes back to GGUF Q4_1 bytes (scales are f16-exact when made by [`Self::quantize`]).
    pub fn to_q4_1_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.d.len() * Q4_1_BYTES);
        for (b, (&d, &m)) in self.d.iter().zip(&self.m).enumerate() {
            out.extend_from_slice(&crate::kernels::f32_to_f16(d).to_le_bytes());
            out.extend_from_slice(&crate::kernels::f32_to_f16(m).to_le_bytes());
            out.extend_from_slice(&self.qs[b * QS_BYTES..(b + 1) * QS_BYTES]);
        }
        out
    }

    /// Dequantizes row `r` into `out` (`cols` values): the reference layout decoder.
    pub fn dequantize_row(&self, r: usize, out: &mut [f32]) {
        let nb = self.blocks_per_row();
        for b in 0..nb {
            let blk = r * nb + b;
            let qs = &self.qs[blk * QS_BYTES..(blk + 1) * QS_BYTES];
            for j in 0..QS_BYTES {
                out[b * BLOCK + j] = self.d[blk] * f32::from(qs[j] & 0x0F) + self.m[blk];
                out[b * BLOCK + j + 16] = self.d[blk] * f32::from(qs[j] >> 4) + self.m[blk];
            }
        }
    }

    /// Whole matrix as f32, row-major (tests and the f32 reference forward only).
    pub fn dequantize(&self) -> Vec<f32> {
        let mut out = vec![0.0; self.rows * self.cols];
        for r in 0..self.rows {
            self.dequantize_row(r, &mut out[r * self.cols..(r + 1) * self.cols]);
        }
        out
    }

    /// Scalar reference `y = x · Wᵀ`: `x` is `n × cols`, `y` is `n × rows`. Dequantizes each
    /// weight and accumulates in f64.
    pub fn matmul_reference(&self, x: &[f32], n: usize) -> Vec<f32> {
        let mut row = vec![0.0f32; self.cols];
        let mut y = vec![0.0f32; n * self.rows];
        for r in 0..self.rows {
            self.dequantize_row(r, &mut row);
            for t in 0..n {
                let xt = &x[t * self.cols..(t + 1) * self.cols];
                let acc: f64 = row
                    .iter()
                    .zip(xt)
                    .map(|(&w, &v)| f64::from(w) * f64::from(v))
                    .sum();
                y[t * self.rows + r] = acc as f32;
            }
        }
        y
    }
}

/// Checks that `len` bytes hold a `rows × cols` matrix of `block_bytes`-byte blocks; returns
/// the block count.
pub(crate) fn check_shape(
    len: usize,
    rows: usize,
    cols: usize,
    block_bytes: usize,
) -> Result<usize, KernelError> {
    if cols == 0 || rows == 0 || cols % BLOCK != 0 {
        return Err(KernelError::Shape(format!(
            "a {rows}×{cols} matrix cannot be quantized in blocks of {BLOCK} (cols must be a positive multiple of {BLOCK})"
        )));
    }
    let blocks = rows * (cols / BLOCK);
    if len != blocks * block_bytes {
        return Err(KernelError::Shape(format!(
            "{len} bytes for a {rows}×{cols} matrix, expected {} ({blocks} blocks of {block_bytes} bytes)",
            blocks * block_bytes
        )));
    }
    Ok(blocks)
}

/// Rounds an f32 to the nearest f16 and back.
pub(crate) fn f16_round(x: f32) -> f32 {
    f16_to_f32(crate::kernels::f32_to_f16(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q4_1_decodes_ggml_layout() {
        // d = 0.5 (0x3800), m = -1.0 (0xBC00); byte j = (j & 15) | ((15 - j) << 4).
        let mut blk = vec![0x00, 0x38, 0x00, 0xBC];
        for j in 0..16u8 {
            blk.push(j | ((15 - j) << 4));
        }
        let q = Q4Host::from_q4_1(&blk, 1, 32).unwrap();
        let w = q.dequantize();
        for j in 0..16 {
            assert_eq!(w[j], 0.5 * j as f32 - 1.0);
            assert_eq!(w[j + 16], 0.5 * (15 - j) as f32 - 1.0);
        }
    }

    #[test]
    fn q4_0_repacks_with_offset() {
        let mut blk = vec![0x00, 0x3C]; // d = 1.0
        for j in 0..16u8 {
            blk.push(j | (j << 4));
        }
        let q = Q4Host::from_q4_0(&blk, 1, 32).unwrap();
        let w = q.dequantize();
        assert_eq!(w[0], -8.0);
        assert_eq!(w[15], 7.0);
        assert_eq!(w[31], 7.0);
    }

    #[test]
    fn bad_shapes_are_errors() {
        assert!(Q4Host::from_q4_1(&[0u8; 20], 1, 31).is_err());
        assert!(Q4Host::from_q4_1(&[0u8; 19], 1, 32).is_err());
        assert!(Q4Host::from_q4_1(&[0u8; 40], 1, 32).is_err());
    }

    #[test]
    fn quantize_roundtrip_is_close() {
        let vals: Vec<f32> = (0..64)
            .map(|i| ((i * 37 % 11) as f32 - 5.0) * 0.1)
            .collect();
        let q = Q4Host::quantize(&vals, 2, 32).unwrap();
        for (a, b) in q.dequantize().iter().zip(&vals) {
            assert!((a - b).abs() < 0.05, "{a} vs {b}");
        }
    }
}
