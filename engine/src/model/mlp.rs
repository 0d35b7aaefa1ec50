//! SwiGLU feed-forward: `down(silu(gate(x)) · up(x))`, with quantized projections.
//! Called by [`super::block`].

use burn::tensor::{activation::silu, Tensor};

use super::attention::project;
use super::lora::LoraLinear;
use super::ModelError;
use crate::kernels::QMatrix;

/// The MLP of one block.
#[derive(Debug, Clone)]
pub struct Mlp {
    /// `[intermediate, hidden]`.
    pub gate: QMatrix,
    /// `[intermediate, hidden]`.
    pub up: QMatrix,
    /// `[hidden, intermediate]`.
    pub down: QMatrix,
}

impl Mlp {
    /// # Shapes
    /// - x: `[n, hidden]` → `[n, hidden]`
    pub async fn forward(
        &self,
        x: Tensor<2>,
        lora: Option<&[LoraLinear; 7]>,
    ) -> Result<Tensor<2>, ModelError> {
        let gate = project(&self.gate, lora.map(|l| &l[4]), x.clone()).await?;
        let up = project(&self.up, lora.map(|l| &l[5]), x).await?;
        project(&self.down, lora.map(|l| &l[6]), silu(gate) * up).await
    }
}
