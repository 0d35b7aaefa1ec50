//! SwiGLU feed-forward: `down(silu(gate(x)) · up(x))`, with quantized projections.
//! Called by [`super::block`].

use burn::tensor::{activation::silu, Tensor};

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
    pub async fn forward(&self, x: Tensor<2>) -> Result<Tensor<2>, ModelError> {
        let gate = self.gate.matmul(x.clone()).await?;
        let up = self.up.matmul(x).await?;
        Ok(self.down.matmul(silu(gate) * up).await?)
    }
}
