//! LoRA adapters over the frozen base: `y = W·x + (α/r)·B(A·x)` on every linear projection of
//! the llama blocks (q, k, v, o, gate, up, down), applied unmerged so a 4-bit base keeps its
//! speed and memory.
//!
//! - [`LoraConfig`]: rank, alpha, dropout and which projections carry an adapter.
//! - [`Adapter`]: the host copy (`A` is `r × in`, `B` is `out × r`, row-major, PEFT's layout),
//!   read and written in llama.cpp's GGUF LoRA format (`general.type = adapter`,
//!   `adapter.type = lora`, `adapter.lora.alpha`, tensors `blk.N.<proj>.weight.lora_a/lora_b`
//!   whose ggml dims are `[in, r]` and `[r, out]`), validated against the base model.
//! - [`LoraLinear`]: one projection's adapter placed on a device for inference.
//!
//! `B` starts at zero, so an untrained adapter changes nothing. Called by [`super::llama`]
//! (inference) and `crate::training` (which trains the host copy).

use burn::tensor::{Device, Tensor, TensorData};

use super::config::LlamaConfig;
use super::ModelError;
use crate::gguf::writer::GgufWriter;
use crate::gguf::{GgmlType, GgufFile, MetaValue};

/// A linear projection of a llama block, by its GGUF name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Projection {
    Q,
    K,
    V,
    O,
    Gate,
    Up,
    Down,
}

impl Projection {
    /// All seven, in the order adapters are stored.
    pub const ALL: [Projection; 7] = [
        Projection::Q,
        Projection::K,
        Projection::V,
        Projection::O,
        Projection::Gate,
        Projection::Up,
        Projection::Down,
    ];

    /// The GGUF tensor part (`blk.N.<part>.weight`).
    pub fn gguf_part(self) -> &'static str {
        match self {
            Projection::Q => "attn_q",
            Projection::K => "attn_k",
            Projection::V => "attn_v",
            Projection::O => "attn_output",
            Projection::Gate => "ffn_gate",
            Projection::Up => "ffn_up",
            Projection::Down => "ffn_down",
        }
    }

    /// `(in, out)` features of this projection in a model of `config`.
    pub fn dims(self, config: &LlamaConfig) -> (usize, usize) {
        let (h, f) = (config.hidden_size, config.intermediate_size);
        let q = config.num_heads * config.head_dim();
        let kv = config.num_kv_heads * config.head_dim();
        match self {
            Projection::Q => (h, q),
            Projection::K | Projection::V => (h, kv),
            Projection::O => (q, h),
            Projection::Gate | Projection::Up => (h, f),
            Projection::Down => (f, h),
        }
    }

    fn index(self) -> usize {
        Projection::ALL.iter().position(|&p| p == self).unwrap_or(0)
    }
}

/// Shape and regularisation of an adapter.
#[derive(Debug, Clone, PartialEq)]
pub struct LoraConfig {
    /// Rank `r` of `A` and `B`.
    pub rank: usize,
    /// `α`: the update is scaled by `α / r`.
    pub alpha: f32,
    /// Dropout on the adapter's input while training (0 at inference).
    pub dropout: f32,
}

impl Default for LoraConfig {
    /// r = 8, α = 16, dropout 0.05 (the paper's and Second-Me's setting).
    fn default() -> Self {
        Self {
            rank: 8,
            alpha: 16.0,
            dropout: 0.05,
        }
    }
}

impl LoraConfig {
    /// `α / r`.
    pub fn scale(&self) -> f32 {
        self.alpha / self.rank.max(1) as f32
    }
}

/// One projection's factors on the host: `a` is `r × in`, `b` is `out × r`, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct LoraPair {
    pub a: Vec<f32>,
    pub b: Vec<f32>,
}

/// A whole adapter on the host: `layers[l][p]` for block `l` and [`Projection::ALL`]`[p]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Adapter {
    pub config: LoraConfig,
    /// The base model's shape (checked on load and when applied).
    pub base: LlamaConfig,
    pub layers: Vec<[LoraPair; 7]>,
}

/// Deterministic uniform values in `[-1, 1)` (SplitMix64), so a seed gives the same adapter on
/// every platform.
pub fn seeded_uniform(n: usize, seed: u64) -> Vec<f32> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            ((z >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

impl Adapter {
    /// A fresh adapter: `A` uniform in ±1/√in (Kaiming-uniform with a = √5, as PEFT), `B` zero.
    pub fn new(base: &LlamaConfig, config: LoraConfig, seed: u64) -> Self {
        let r = config.rank;
        let layers = (0..base.num_layers)
            .map(|l| {
                Projection::ALL.map(|p| {
                    let (inp, out) = p.dims(base);
                    let bound = 1.0 / (inp as f32).sqrt();
                    let a = seeded_uniform(r * inp, seed ^ ((l as u64) << 8 | p.index() as u64))
                        .into_iter()
                        .map(|v| v * bound)
                        .collect();
                    LoraPair {
                        a,
                        b: vec![0.0; out * r],
                    }
                })
            })
            .collect();
        Self {
            config,
            base: base.clone(),
            layers,
        }
    }

    /// Trainable values in all.
    pub fn parameter_count(&self) -> usize {
        self.layers
            .iter()
            .flat_map(|l| l.iter())
            .map(|p| p.a.len() + p.b.len())
            .sum()
    }

    /// Every factor in a fixed order (layer, projection, then `a` before `b`): the order the
    /// optimiser and checkpoints use.
    pub fn factors(&self) -> Vec<&Vec<f32>> {
        self.layers
            .iter()
            .flat_map(|l| l.iter())
            .flat_map(|p| [&p.a, &p.b])
            .collect()
    }

    /// Mutable [`factors`](Self::factors), same order.
    pub fn factors_mut(&mut self) -> Vec<&mut Vec<f32>> {
        self.layers
            .iter_mut()
            .flat_map(|l| l.iter_mut())
            .flat_map(|p| [&mut p.a, &mut p.b])
            .collect()
    }

    /// The GGUF tensor names of the factors, in [`factors`](Self::factors) order.
    pub fn factor_names(&self) -> Vec<String> {
        (0..self.layers.len())
            .flat_map(|l| {
                Projection::ALL.iter().flat_map(move |p| {
                    let stem = format!("blk.{l}.{}.weight", p.gguf_part());
                    [format!("{stem}.lora_a"), format!("{stem}.lora_b")]
                })
            })
            .collect()
    }

    /// Adds the adapter's tensors and metadata to `w` (llama.cpp's GGUF LoRA format).
    pub fn write_into(&self, w: &mut GgufWriter) {
        w.meta("general.architecture", MetaValue::Str("llama".into()))
            .meta("general.type", MetaValue::Str("adapter".into()))
            .meta("adapter.type", MetaValue::Str("lora".into()))
            .meta("adapter.lora.alpha", MetaValue::F32(self.config.alpha))
            .meta("secondself.lora.dropout", MetaValue::F32(self.config.dropout));
        let r = self.config.rank as u64;
        for (l, layer) in self.layers.iter().enumerate() {
            for (p, pair) in Projection::ALL.iter().zip(layer.iter()) {
                let (inp, out) = p.dims(&self.base);
                let stem = format!("blk.{l}.{}.weight", p.gguf_part());
                w.tensor_f32(&format!("{stem}.lora_a"), &[inp as u64, r], &pair.a);
                w.tensor_f32(&format!("{stem}.lora_b"), &[r, out as u64], &pair.b);
            }
        }
    }

    /// The adapter as a GGUF file's bytes.
    pub fn to_gguf_bytes(&self) -> Vec<u8> {
        let mut w = GgufWriter::new();
        self.write_into(&mut w);
        w.to_bytes()
    }

    /// Reads an adapter from a parsed GGUF file and checks it fits `base`: every projection of
    /// every block present, shapes `[in, r]` / `[r, out]`, one rank throughout.
    pub fn from_gguf(file: &GgufFile<'_>, base: &LlamaConfig) -> Result<Self, ModelError> {
        let bad = |why: String| ModelError::BadConfig(format!("adapter: {why}"));
        let kind = file.str("general.type").unwrap_or("");
        if kind != "adapter" {
            return Err(bad(format!(
                "`general.type` is `{kind}`, not `adapter`: this is not a LoRA adapter file"
            )));
        }
        let ty = file.str("adapter.type").unwrap_or("");
        if ty != "lora" {
            return Err(bad(format!("`adapter.type` is `{ty}`; only `lora` is supported")));
        }
        let arch = file.str("general.architecture").unwrap_or("");
        if arch != "llama" {
            return Err(bad(format!(
                "made for a `{arch}` model, the base is `llama`"
            )));
        }
        let alpha = file
            .f32("adapter.lora.alpha")
            .map_err(|_| bad("no `adapter.lora.alpha`".into()))?;
        let dropout = file.f32("secondself.lora.dropout").unwrap_or(0.0);
        let mut rank = None;
        let mut layers = Vec::with_capacity(base.num_layers);
        for l in 0..base.num_layers {
            let mut pairs = Vec::with_capacity(7);
            for p in Projection::ALL {
                let (inp, out) = p.dims(base);
                let stem = format!("blk.{l}.{}.weight", p.gguf_part());
                let read = |name: &str| -> Result<(Vec<u64>, Vec<f32>), ModelError> {
                    let info = file
                        .tensor(name)
                        .ok_or_else(|| bad(format!("missing tensor `{name}` (base has {} blocks)", base.num_layers)))?;
                    if info.ggml_type != GgmlType::F32 {
                        return Err(bad(format!("`{name}` is {:?}; adapters are read as F32", info.ggml_type)));
                    }
                    let values = file
                        .tensor_f32(name)
                        .map_err(|e| bad(format!("`{name}`: {e}")))?;
                    Ok((info.dims.clone(), values))
                };
                let (da, a) = read(&format!("{stem}.lora_a"))?;
                let (db, b) = read(&format!("{stem}.lora_b"))?;
                if da.len() != 2 || db.len() != 2 {
                    return Err(bad(format!("`{stem}` factors are not matrices")));
                }
                let r = da[1] as usize;
                if da[0] as usize != inp || db[1] as usize != out {
                    return Err(bad(format!(
                        "`{stem}` is {}→{} in the adapter, {inp}→{out} in the base model",
                        da[0], db[1]
                    )));
                }
                if db[0] as usize != r || r == 0 {
                    return Err(bad(format!("`{stem}` has ranks {} and {}", da[1], db[0])));
                }
                if *rank.get_or_insert(r) != r {
                    return Err(bad(format!("`{stem}` has rank {r}, others {}", rank.unwrap_or(0))));
                }
                pairs.push(LoraPair { a, b });
            }
            let pairs: [LoraPair; 7] = pairs
                .try_into()
                .map_err(|_| bad("internal: seven projections expected".into()))?;
            layers.push(pairs);
        }
        if file.tensor(&format!("blk.{}.attn_q.weight.lora_a", base.num_layers)).is_some() {
            return Err(bad(format!(
                "has more blocks than the base model's {}",
                base.num_layers
            )));
        }
        Ok(Self {
            config: LoraConfig {
                rank: rank.unwrap_or(0),
                alpha,
                dropout,
            },
            base: base.clone(),
            layers,
        })
    }

    /// Reads an adapter file from bytes (see [`from_gguf`](Self::from_gguf)).
    pub fn from_bytes(bytes: &[u8], base: &LlamaConfig) -> Result<Self, ModelError> {
        let file = GgufFile::parse(bytes).map_err(|e| ModelError::Gguf(e.to_string()))?;
        Self::from_gguf(&file, base)
    }

    /// `W + (α/r)·B·A` for block `layer`'s projection `p`, given `W` (`out × in`, row-major):
    /// the merged weight (references and tests).
    pub fn merge_into(&self, layer: usize, p: Projection, w: &mut [f32]) {
        let (inp, out) = p.dims(&self.base);
        let r = self.config.rank;
        let s = self.config.scale();
        let pair = &self.layers[layer][p.index()];
        for o in 0..out {
            for i in 0..inp {
                let mut acc = 0.0f32;
                for k in 0..r {
                    acc += pair.b[o * r + k] * pair.a[k * inp + i];
                }
                w[o * inp + i] += s * acc;
            }
        }
    }

    /// Block `layer`'s adapters placed on `device` for inference, in [`Projection::ALL`] order.
    pub fn place(&self, layer: usize, device: &Device) -> [LoraLinear; 7] {
        let r = self.config.rank;
        let scale = self.config.scale();
        Projection::ALL.map(|p| {
            let (inp, out) = p.dims(&self.base);
            let pair = &self.layers[layer][p.index()];
            let a = Tensor::<2>::from_data(TensorData::new(pair.a.clone(), [r, inp]), device);
            let b = Tensor::<2>::from_data(TensorData::new(pair.b.clone(), [out, r]), device);
            LoraLinear {
                a_t: a.transpose(),
                b_t: b.transpose().mul_scalar(scale),
            }
        })
    }
}

/// One projection's adapter on a device: `Aᵀ` (`in × r`) and `(α/r)·Bᵀ` (`r × out`).
#[derive(Debug, Clone)]
pub struct LoraLinear {
    a_t: Tensor<2>,
    b_t: Tensor<2>,
}

impl LoraLinear {
    /// The update `(α/r)·B(A·x)` for `x` of `[n, in]`: `[n, out]`.
    pub fn delta(&self, x: Tensor<2>) -> Tensor<2> {
        x.matmul(self.a_t.clone()).matmul(self.b_t.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::llama::tests::tiny_config;

    #[test]
    fn a_fresh_adapter_has_zero_b_and_bounded_a() {
        let c = tiny_config();
        let a = Adapter::new(&c, LoraConfig::default(), 7);
        assert_eq!(a.layers.len(), c.num_layers);
        let q = &a.layers[0][0];
        assert_eq!(q.a.len(), 8 * c.hidden_size);
        assert!(q.b.iter().all(|&v| v == 0.0));
        let bound = 1.0 / (c.hidden_size as f32).sqrt();
        assert!(q.a.iter().all(|v| v.abs() <= bound));
        assert!(q.a.iter().any(|&v| v != 0.0));
        // Same seed, same adapter; another seed, another one.
        assert_eq!(a, Adapter::new(&c, LoraConfig::default(), 7));
        assert_ne!(a, Adapter::new(&c, LoraConfig::default(), 8));
    }

    #[test]
    fn gguf_round_trip_keeps_every_factor() {
        let c = tiny_config();
        let mut a = Adapter::new(&c, LoraConfig { rank: 4, alpha: 8.0, dropout: 0.1 }, 1);
        for (i, f) in a.factors_mut().into_iter().enumerate() {
            f.iter_mut().enumerate().for_each(|(j, v)| *v = (i * 31 + j) as f32 * 1e-3);
        }
        let back = Adapter::from_bytes(&a.to_gguf_bytes(), &c).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn an_adapter_for_another_model_is_refused_with_the_reason() {
        let c = tiny_config();
        let a = Adapter::new(&c, LoraConfig::default(), 1);
        let bytes = a.to_gguf_bytes();
        let mut wider = c.clone();
        wider.hidden_size *= 2;
        let err = Adapter::from_bytes(&bytes, &wider).unwrap_err().to_string();
        assert!(err.contains("in the base model"), "{err}");
        let mut deeper = c.clone();
        deeper.num_layers += 1;
        let err = Adapter::from_bytes(&bytes, &deeper).unwrap_err().to_string();
        assert!(err.contains("missing tensor"), "{err}");
        let mut shallower = c.clone();
        shallower.num_layers -= 1;
        let err = Adapter::from_bytes(&bytes, &shallower).unwrap_err().to_string();
        assert!(err.contains("more blocks"), "{err}");
        // A model file is not an adapter.
        let mut w = GgufWriter::new();
        w.meta("general.architecture", MetaValue::Str("llama".into()));
        let err = Adapter::from_bytes(&w.to_bytes(), &c).unwrap_err().to_string();
        assert!(err.contains("not a LoRA adapter"), "{err}");
    }
}
