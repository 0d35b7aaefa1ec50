//! One pre-norm transformer block: `x + attn(norm(x))`, then `h + mlp(norm(h))`, and the
//! RMSNorm both use. Called by [`super::llama`].

use burn::tensor::Tensor;

use super::attention::Attention;
use super::cache::KvCache;
use super::lora::LoraLinear;
use super::mlp::Mlp;
use super::rope::RopeTables;
use super::ModelError;

/// A transformer block with its norms on the device.
#[derive(Debug, Clone)]
pub struct Block {
    /// Pre-attention RMSNorm scale `[hidden]`.
    pub attn_norm: Tensor<1>,
    /// Self-attention.
    pub attention: Attention,
    /// Pre-MLP RMSNorm scale `[hidden]`.
    pub ffn_norm: Tensor<1>,
    /// Feed-forward.
    pub mlp: Mlp,
    /// RMSNorm epsilon.
    pub eps: f32,
    /// The active LoRA adapter's projections ([`super::lora::Projection::ALL`] order), if any.
    pub lora: Option<Box<[LoraLinear; 7]>>,
}

impl Block {
    /// # Shapes
    /// - x: `[n, hidden]` → `[n, hidden]`
    pub async fn forward(
        &self,
        x: Tensor<2>,
        rope: &RopeTables,
        cache: &mut KvCache,
        layer: usize,
        mask: Option<&Tensor<3>>,
    ) -> Result<Tensor<2>, ModelError> {
        let normed = rms_norm(x.clone(), &self.attn_norm, self.eps);
        let h = x + self
            .attention
            .forward(normed, rope, cache, layer, mask, self.lora.as_deref())
            .await?;
        let normed = rms_norm(h.clone(), &self.ffn_norm, self.eps);
        Ok(h.clone() + self.mlp.forward(normed, self.lora.as_deref()).await?)
    }
}

/// `x / sqrt(mean(x²) + eps) · w` over the last dim.
///
/// # Shapes
/// - x: `[n, hidden]`, w: `[hidden]` → `[n, hidden]`
pub fn rms_norm(x: Tensor<2>, w: &Tensor<1>, eps: f32) -> Tensor<2> {
    let mean_square = x.clone().square().mean_dim(1); // [n, 1]
    x * (mean_square + eps as f64).sqrt().recip() * w.clone().unsqueeze::<2>()
}
