//! The llama forward pass for training: the frozen base as a dequantized f32 copy (constants on
//! the device, no gradient), the LoRA factors as tracked tensors, and burn's autodiff for the
//! backward pass. Returns the log-probability of each scored token; the losses (`sft`, `dpo`)
//! are built from those.
//!
//! Why a dequantized copy rather than a custom op over the 4-bit kernels: burn's autodiff then
//! differentiates every op (attention, norms, SwiGLU) with no hand-written backward, on `flex`
//! and on wgpu alike, and the only gradient that flows through a base matrix is `dX = dY·W`,
//! which the copy gives for free. It costs memory (SmolLM2-135M: ~0.54 GB of f32 weights against
//! ~0.1 GB quantized); the numbers are in docs/BENCHMARKS.md.
//!
//! Packing: several examples share one sequence; each keeps its own positions (RoPE restarts at
//! 0) and attends only to itself (a block-diagonal causal mask), so packing changes no example's
//! log-probabilities. Called by [`super::trainer`] and [`super::dpo`].

use burn::tensor::activation::{log_softmax, silu, softmax};
use burn::tensor::{Device, Int, Tensor, TensorData};

use crate::model::block::rms_norm;
use crate::model::lora::{seeded_uniform, Adapter, Projection};
use crate::model::rope::RopeTables;
use crate::model::weights::LlamaWeights;
use crate::model::{LlamaConfig, ModelError};

/// Masked attention logits get this added.
const MASKED: f32 = -1.0e9;

/// One block of the frozen base, weights transposed to `[in, out]`.
#[derive(Debug, Clone)]
struct FrozenBlock {
    attn_norm: Tensor<1>,
    ffn_norm: Tensor<1>,
    /// [`Projection::ALL`] order.
    w_t: [Tensor<2>; 7],
}

/// The frozen base model for training, on `device`.
#[derive(Debug, Clone)]
pub struct Frozen {
    config: LlamaConfig,
    device: Device,
    /// `[vocab, hidden]` on the host (row lookups).
    embed: Vec<f32>,
    /// `[hidden, vocab]`.
    head_t: Tensor<2>,
    output_norm: Tensor<1>,
    blocks: Vec<FrozenBlock>,
}

/// Examples packed into one sequence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Packed {
    /// Token ids, all examples one after another.
    pub tokens: Vec<u32>,
    /// Each token's position within its own example.
    pub positions: Vec<usize>,
    /// Each token's example (0, 1, … within this sequence).
    pub segment: Vec<usize>,
    /// Positions `i` whose next token `tokens[i + 1]` is scored.
    pub picks: Vec<usize>,
}

impl Packed {
    /// Appends one example whose tokens in `scored` are scored (the assistant's replies).
    pub fn push(&mut self, tokens: &[u32], scored: &[std::ops::Range<usize>]) {
        let base = self.tokens.len();
        let seg = self.segment.last().map_or(0, |s| s + 1);
        self.tokens.extend_from_slice(tokens);
        self.positions.extend(0..tokens.len());
        self.segment.extend(std::iter::repeat(seg).take(tokens.len()));
        for r in scored {
            self.picks
                .extend(r.clone().filter(|&t| t >= 1 && t < tokens.len()).map(|t| base + t - 1));
        }
    }

    /// Examples in this sequence.
    pub fn examples(&self) -> usize {
        self.segment.last().map_or(0, |s| s + 1)
    }

    /// The example each scored token belongs to.
    pub fn pick_segments(&self) -> Vec<usize> {
        self.picks.iter().map(|&i| self.segment[i]).collect()
    }
}

/// The trainable factors as tensors: `a` `[r, in]` and `b` `[out, r]` per layer and projection.
/// Built with [`LoraTensors::tracked`] they carry gradients; with [`LoraTensors::constant`] not.
#[derive(Debug, Clone)]
pub struct LoraTensors {
    pub layers: Vec<[(Tensor<2>, Tensor<2>); 7]>,
    pub scale: f32,
    pub dropout: f32,
}

impl LoraTensors {
    fn build(adapter: &Adapter, device: &Device, track: bool) -> Self {
        let r = adapter.config.rank;
        let layers = adapter
            .layers
            .iter()
            .map(|layer| {
                let mut i = 0;
                layer.clone().map(|pair| {
                    let (inp, out) = Projection::ALL[i].dims(&adapter.base);
                    i += 1;
                    let a = Tensor::<2>::from_data(TensorData::new(pair.a, [r, inp]), device);
                    let b = Tensor::<2>::from_data(TensorData::new(pair.b, [out, r]), device);
                    if track {
                        (a.require_grad(), b.require_grad())
                    } else {
                        (a, b)
                    }
                })
            })
            .collect();
        Self {
            layers,
            scale: adapter.config.scale(),
            dropout: adapter.config.dropout,
        }
    }

    /// Factors that record gradients, on the autodiff version of `device`.
    pub fn tracked(adapter: &Adapter, device: &Device) -> Self {
        Self::build(adapter, &device.clone().autodiff(), true)
    }

    /// Factors as constants (evaluation, reference log-probabilities).
    pub fn constant(adapter: &Adapter, device: &Device) -> Self {
        Self::build(adapter, device, false)
    }

    /// Every factor in [`Adapter::factors`] order.
    pub fn factors(&self) -> Vec<&Tensor<2>> {
        self.layers
            .iter()
            .flat_map(|l| l.iter())
            .flat_map(|(a, b)| [a, b])
            .collect()
    }
}

/// Dropout on the adapters' inputs: the seed for this forward pass (0 = off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DropoutSeed(pub u64);

impl Frozen {
    /// Dequantizes `weights` (which must be on the host) and places them on `device`.
    pub fn new(config: LlamaConfig, weights: &LlamaWeights, device: &Device) -> Result<Self, ModelError> {
        Self::build(config, weights, None, device)
    }

    /// Like [`new`](Self::new) with `adapter` merged into the weights (`W + (α/r)·B·A`): the
    /// reference the unmerged inference path is checked against.
    pub fn merged(config: LlamaConfig, weights: &LlamaWeights, adapter: &Adapter, device: &Device) -> Result<Self, ModelError> {
        Self::build(config, weights, Some(adapter), device)
    }

    fn build(config: LlamaConfig, weights: &LlamaWeights, merge: Option<&Adapter>, device: &Device) -> Result<Self, ModelError> {
        let dq = |m: &crate::kernels::QMatrix| {
            m.dequantize().ok_or_else(|| {
                ModelError::Unsupported("training needs the base weights on the host".into())
            })
        };
        let place = |w: Vec<f32>, rows: usize, cols: usize| {
            Tensor::<2>::from_data(TensorData::new(w, [rows, cols]), device).transpose()
        };
        let vector = |v: &Vec<f32>| Tensor::<1>::from_data(TensorData::new(v.clone(), [v.len()]), device);
        let mut blocks = Vec::with_capacity(weights.blocks.len());
        for (layer, b) in weights.blocks.iter().enumerate() {
            let mats = [&b.attn_q, &b.attn_k, &b.attn_v, &b.attn_output, &b.ffn_gate, &b.ffn_up, &b.ffn_down];
            let mut w_t = Vec::with_capacity(7);
            for (p, m) in Projection::ALL.into_iter().zip(mats) {
                let mut w = dq(m)?;
                if let Some(a) = merge {
                    a.merge_into(layer, p, &mut w);
                }
                w_t.push(place(w, m.rows(), m.cols()));
            }
            blocks.push(FrozenBlock {
                attn_norm: vector(&b.attn_norm),
                ffn_norm: vector(&b.ffn_norm),
                w_t: w_t.try_into().map_err(|_| ModelError::BadConfig("seven projections".into()))?,
            });
        }
        let embed = dq(&weights.token_embd)?;
        let head_t = match &weights.output {
            Some(out) => place(dq(out)?, out.rows(), out.cols()),
            None => Tensor::<2>::from_data(
                TensorData::new(embed.clone(), [config.vocab_size, config.hidden_size]),
                device,
            )
            .transpose(),
        };
        Ok(Self {
            output_norm: vector(&weights.output_norm),
            config,
            device: device.clone(),
            embed,
            head_t,
            blocks,
        })
    }

    /// The base model's shape.
    pub fn config(&self) -> &LlamaConfig {
        &self.config
    }

    /// The device the base lives on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Log-probabilities `[picks]` of each scored token of `packed` under the base plus `lora`.
    /// With tracked factors the result carries their gradients.
    pub fn token_logprobs(
        &self,
        lora: &LoraTensors,
        packed: &Packed,
        dropout: DropoutSeed,
    ) -> Result<Tensor<1>, ModelError> {
        let c = &self.config;
        let n = packed.tokens.len();
        if n == 0 || packed.picks.is_empty() {
            return Err(ModelError::EmptyInput);
        }
        if lora.layers.len() != self.blocks.len() {
            return Err(ModelError::BadConfig("adapter and base differ in depth".into()));
        }
        let h = c.hidden_size;
        let mut rows = vec![0.0f32; n * h];
        for (i, &t) in packed.tokens.iter().enumerate() {
            let t = t as usize;
            if t >= c.vocab_size {
                return Err(ModelError::TokenOutOfRange { token: t as u32, vocab: c.vocab_size });
            }
            rows[i * h..(i + 1) * h].copy_from_slice(&self.embed[t * h..(t + 1) * h]);
        }
        let mut x = Tensor::<2>::from_data(TensorData::new(rows, [n, h]), &self.device);
        let rope = RopeTables::at(&packed.positions, c.head_dim(), c.rope_theta, &self.device);
        let mask = packed_mask(packed, c.group_size(), &self.device);
        for (layer, (block, adapters)) in self.blocks.iter().zip(&lora.layers).enumerate() {
            let drop = |slot: u64, dims: [usize; 2]| -> Option<Tensor<2>> {
                (dropout.0 != 0 && lora.dropout > 0.0).then(|| {
                    dropout_mask(dims, lora.dropout, dropout.0 ^ ((layer as u64) << 20) ^ slot, &self.device)
                })
            };
            let project = |p: usize, x: Tensor<2>, mask: &Option<Tensor<2>>| -> Tensor<2> {
                let (a, b) = &adapters[p];
                let xd = match mask {
                    Some(m) => x.clone() * m.clone(),
                    None => x.clone(),
                };
                let delta = xd.matmul(a.clone().transpose()).matmul(b.clone().transpose()) * lora.scale as f64;
                x.matmul(block.w_t[p].clone()) + delta
            };
            // Attention.
            let normed = rms_norm(x.clone(), &block.attn_norm, c.rms_norm_eps);
            let m_attn = drop(1, [n, h]);
            let (heads, kvh, d) = (c.num_heads, c.num_kv_heads, c.head_dim());
            let g = heads / kvh;
            let q = rope.apply(project(0, normed.clone(), &m_attn).reshape([n, heads, d]));
            let k = rope.apply(project(1, normed.clone(), &m_attn).reshape([n, kvh, d]));
            let v = project(2, normed, &m_attn).reshape([n, kvh, d]);
            let q = q.swap_dims(0, 1).reshape([kvh, g * n, d]) * (1.0 / (d as f64).sqrt());
            let scores = q.matmul(k.swap_dims(0, 1).swap_dims(1, 2)) + mask.clone();
            let out = softmax(scores, 2).matmul(v.swap_dims(0, 1)); // [kvh, g·n, d]
            let out = out.reshape([heads, n, d]).swap_dims(0, 1).reshape([n, heads * d]);
            let m_o = drop(2, [n, heads * d]);
            let hidden = x + project(3, out, &m_o);
            // MLP.
            let normed = rms_norm(hidden.clone(), &block.ffn_norm, c.rms_norm_eps);
            let m_ffn = drop(3, [n, h]);
            let gate = project(4, normed.clone(), &m_ffn);
            let up = project(5, normed, &m_ffn);
            let act = silu(gate) * up;
            let m_down = drop(4, [n, c.intermediate_size]);
            x = hidden + project(6, act, &m_down);
        }
        let picks = Tensor::<1, Int>::from_data(
            TensorData::new(packed.picks.iter().map(|&i| i as i64).collect::<Vec<_>>(), [packed.picks.len()]),
            &self.device,
        );
        let targets: Vec<i64> = packed.picks.iter().map(|&i| packed.tokens[i + 1] as i64).collect();
        let targets = Tensor::<2, Int>::from_data(TensorData::new(targets, [packed.picks.len(), 1]), &self.device);
        let rows = x.select(0, picks);
        let normed = rms_norm(rows, &self.output_norm, c.rms_norm_eps);
        let logp = log_softmax(normed.matmul(self.head_t.clone()), 1);
        Ok(logp.gather(1, targets).reshape([packed.picks.len()]))
    }
}

/// Block-diagonal causal mask in the grouped-query layout (`[1, group·n, n]`, row `r` is query
/// `r % n`): a token sees the earlier tokens of its own example.
fn packed_mask(p: &Packed, group: usize, device: &Device) -> Tensor<3> {
    let n = p.tokens.len();
    let mut mask = vec![MASKED; group * n * n];
    for r in 0..group * n {
        let i = r % n;
        for j in 0..=i {
            if p.segment[j] == p.segment[i] {
                mask[r * n + j] = 0.0;
            }
        }
    }
    Tensor::from_data(TensorData::new(mask, [1, group * n, n]), device)
}

/// Inverted dropout: each value kept with probability `1 - rate` and scaled by `1/(1 - rate)`.
fn dropout_mask(dims: [usize; 2], rate: f32, seed: u64, device: &Device) -> Tensor<2> {
    let keep = 1.0 / (1.0 - rate);
    let values: Vec<f32> = seeded_uniform(dims[0] * dims[1], seed)
        .into_iter()
        .map(|u| if (u + 1.0) * 0.5 < rate { 0.0 } else { keep })
        .collect();
    Tensor::from_data(TensorData::new(values, dims), device)
}

/// Reads a tensor back as host floats.
pub async fn to_host<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>, ModelError> {
    t.into_data_async()
        .await
        .map_err(|e| ModelError::Read(format!("{e:?}")))?
        .convert::<f32>()
        .try_to_vec::<f32>()
        .map_err(|e| ModelError::Read(format!("{e:?}")))
}
