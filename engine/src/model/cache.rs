//! Key/value cache for incremental decoding: per layer, the rotated keys and the values of
//! every position seen so far, shaped `[kv_heads, positions, head_dim]`, on the model's device.
//!
//! [`KvCache::append`] concatenates a step's keys/values and returns the full history the
//! attention reads. Called by [`super::attention`]; reset by [`super::Llama::reset`].

use burn::tensor::Tensor;

/// Cached keys and values of all layers.
#[derive(Debug, Clone, Default)]
pub struct KvCache {
    layers: Vec<Option<(Tensor<3>, Tensor<3>)>>,
}

impl KvCache {
    /// An empty cache for `num_layers` layers.
    pub fn new(num_layers: usize) -> Self {
        Self {
            layers: vec![None; num_layers],
        }
    }

    /// Appends `k`, `v` (`[kv_heads, n, head_dim]`) to `layer` and returns all keys and values
    /// (`[kv_heads, positions, head_dim]`).
    pub fn append(&mut self, layer: usize, k: Tensor<3>, v: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
        let entry = match self.layers[layer].take() {
            None => (k, v),
            Some((pk, pv)) => (Tensor::cat(vec![pk, k], 1), Tensor::cat(vec![pv, v], 1)),
        };
        self.layers[layer] = Some(entry.clone());
        entry
    }

    /// Positions cached (those of layer 0).
    pub fn len(&self) -> usize {
        self.layers
            .first()
            .and_then(|l| l.as_ref())
            .map_or(0, |(k, _)| k.dims()[1])
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.layers.iter_mut().for_each(|l| *l = None);
    }
}
