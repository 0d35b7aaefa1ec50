//! Rotary position embeddings, "normal" (adjacent-pair) variant as llama.cpp applies it to GGUF
//! llama models: the converter permuted Q/K rows so that HF's rotate-half becomes a rotation of
//! each pair `(x[2i], x[2i+1])` by `pos · θ^(-2i/d)`.
//!
//! Angles are computed in f64 on the host (positions reach thousands) and uploaded once per
//! forward call; [`RopeTables::apply`] is burn tensor ops. Called by [`super::attention`].

use burn::tensor::{Device, Tensor, TensorData};

/// cos/sin of every (position, pair) for one forward call, shaped `[n, 1, d/2, 1]`.
#[derive(Debug, Clone)]
pub struct RopeTables {
    cos: Tensor<4>,
    sin: Tensor<4>,
    head_dim: usize,
}

impl RopeTables {
    /// Tables for positions `start..start + n` of heads of width `head_dim`, base `theta`.
    pub fn new(start: usize, n: usize, head_dim: usize, theta: f64, device: &Device) -> Self {
        let positions: Vec<usize> = (start..start + n).collect();
        Self::at(&positions, head_dim, theta, device)
    }

    /// Tables for the given positions, one row each (packed training sequences restart their
    /// positions at each example).
    pub fn at(positions: &[usize], head_dim: usize, theta: f64, device: &Device) -> Self {
        let n = positions.len();
        let half = head_dim / 2;
        let mut cos = Vec::with_capacity(n * half);
        let mut sin = Vec::with_capacity(n * half);
        for &p in positions {
            for i in 0..half {
                let freq = theta.powf(-2.0 * i as f64 / head_dim as f64);
                let angle = p as f64 * freq;
                cos.push(angle.cos() as f32);
                sin.push(angle.sin() as f32);
            }
        }
        Self {
            cos: Tensor::from_data(TensorData::new(cos, [n, 1, half, 1]), device),
            sin: Tensor::from_data(TensorData::new(sin, [n, 1, half, 1]), device),
            head_dim,
        }
    }

    /// Rotates `x` of shape `[n, heads, head_dim]`.
    ///
    /// # Shapes
    /// - x: `[n, heads, head_dim]` → `[n, heads, head_dim]`
    pub fn apply(&self, x: Tensor<3>) -> Tensor<3> {
        let [n, heads, d] = x.dims();
        debug_assert_eq!(d, self.head_dim);
        let pairs = x.reshape([n, heads, d / 2, 2]);
        let x0 = pairs.clone().narrow(3, 0, 1);
        let x1 = pairs.narrow(3, 1, 1);
        let out0 = x0.clone() * self.cos.clone() - x1.clone() * self.sin.clone();
        let out1 = x0 * self.sin.clone() + x1 * self.cos.clone();
        Tensor::cat(vec![out0, out1], 3).reshape([n, heads, d])
    }
}
