//! Q8_0 block layout, the repacked form the kernels read, and the scalar reference.
//!
//! GGUF stores a Q8_0 matrix row by row; each row of `cols` weights is `cols / 32` blocks of
//! 34 bytes: f16 `d`, then 32 signed bytes `q`; the weight is `d * q`.
//!
//! 34-byte blocks are not 4-byte aligned, so at load they are repacked (still 8-bit) into
//! `qs` (32 `i8` per block) and `d` (one `f32` per block). A GPU kernel reads `qs` as `u32`
//! words, four weights each, little-endian.
//!
//! Called by [`super::Q8Matrix::from_ggml`] and by the embedding lookup (row dequantization);
//! the reference here is what every fast path is tested against.

use crate::kernels::q4::block::{check_shape, f16_round, BLOCK};
use crate::kernels::{f16_to_f32, KernelError};

/// Bytes per Q8_0 block in GGUF.
pub const Q8_0_BYTES: usize = 34;

/// A `rows × cols` Q8_0 matrix on the host, repacked: row `r`'s block `b` is block index
/// `r * cols / 32 + b`.
#[derive(Debug, Clone, PartialEq)]
pub struct Q8Host {
    /// Output features (rows).
    pub rows: usize,
    /// Input features (contiguous in a row); a multiple of 32.
    pub cols: usize,
    /// Per-block scale.
    pub d: Vec<f32>,
    /// 32 signed weights per block.
    pub qs: Vec<i8>,
}

impl Q8Host {
    /// Blocks per row.
    pub fn blocks_per_row(&self) -> usize {
        self.cols / BLOCK
    }

    /// Repacks GGUF Q8_0 bytes of a `rows × cols` matrix.
    pub fn from_q8_0(bytes: &[u8], rows: usize, cols: usize) -> Result<Self, KernelError> {
        let blocks = check_shape(bytes.len(), rows, cols, Q8_0_BYTES)?;
        let mut d = Vec::with_capacity(blocks);
        let mut qs = Vec::with_capacity(blocks * BLOCK);
        for blk in bytes.chunks_exact(Q8_0_BYTES) {
            d.push(f16_to_f32(u16::from_le_bytes([blk[0], blk[1]])));
            qs.extend(blk[2..34].iter().map(|&b| b as i8));
        }
        Ok(Self { rows, cols, d, qs })
    }

    /// Quantizes an f32 row-major matrix (tests and generated models): `d = max|x| / 127`.
    pub fn quantize(values: &[f32], rows: usize, cols: usize) -> Result<Self, KernelError> {
        if values.len() != rows * cols {
            return Err(KernelError::Shape(format!(
                "{} values for a {rows}×{cols} matrix",
                values.len()
            )));
        }
        let blocks = check_shape(rows * cols / BLOCK * Q8_0_BYTES, rows, cols, Q8_0_BYTES)?;
        let mut d = Vec::with_capacity(blocks);
        let mut qs = Vec::with_capacity(blocks * BLOCK);
        for chunk in values.chunks_exact(BLOCK) {
            let amax = chunk.iter().fold(0.0f32, |a, &x| a.max(x.abs()));
            let scale = f16_round(amax / 127.0);
            let inv = if scale != 0.0 { 1.0 / scale } else { 0.0 };
            qs.extend(
                chunk
                    .iter()
                    .map(|&x| (x * inv).round().clamp(-127.0, 127.0) as i8),
            );
            d.push(scale);
        }
        Ok(Self { rows, cols, d, qs })
    }

    /// Serializes back to GGUF Q8_0 bytes (scales are f16-exact when made by [`Self::quantize`]).
    pub fn to_q8_0_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.d.len() * Q8_0_BYTES);
        for (b, &d) in self.d.iter().enumerate() {
            out.extend_from_slice(&crate::kernels::f32_to_f16(d).to_le_bytes());
            out.extend(self.qs[b * BLOCK..(b + 1) * BLOCK].iter().map(|&q| q as u8));
        }
        out
    }

    /// Dequantizes row `r` into `out` (`cols` values).
    pub fn dequantize_row(&self, r: usize, out: &mut [f32]) {
        let nb = self.blocks_per_row();
        for b in 0..nb {
            let blk = r * nb + b;
            for j in 0..BLOCK {
                out[b * BLOCK + j] = self.d[blk] * f32::from(self.qs[blk * BLOCK + j]);
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

    /// Scalar reference `y = x · Wᵀ` (`x`: `n × cols`, `y`: `n × rows`), f64 accumulation.
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

    /// `qs` packed four weights per little-endian `u32` word (the GPU layout).
    pub fn qs_words(&self) -> Vec<u32> {
        self.qs
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0] as u8, c[1] as u8, c[2] as u8, c[3] as u8]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q8_0_decodes_ggml_layout() {
        let mut blk = vec![0x00, 0x38]; // d = 0.5
        for j in 0..32i32 {
            blk.push((j - 16) as i8 as u8);
        }
        let q = Q8Host::from_q8_0(&blk, 1, 32).unwrap();
        let w = q.dequantize();
        for j in 0..32 {
            assert_eq!(w[j], 0.5 * (j as f32 - 16.0));
        }
        assert_eq!(
            q.qs_words()[0],
            u32::from_le_bytes([0xF0, 0xF1, 0xF2, 0xF3])
        );
    }

    #[test]
    fn bad_shapes_are_errors() {
        assert!(Q8Host::from_q8_0(&[0u8; 33], 1, 32).is_err());
        assert!(Q8Host::from_q8_0(&[0u8; 34], 1, 33).is_err());
    }
}
