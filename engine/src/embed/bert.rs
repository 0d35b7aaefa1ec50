//! The BERT encoder of all-MiniLM-L6-v2 on burn: embeddings (word + position + type) and
//! LayerNorm, six post-norm layers of 12-head self-attention and a GELU feed-forward, then mean
//! pooling over the real tokens and L2 normalisation (the model's sentence-transformers head).
//! The same code runs on every burn device: `flex` natively and in wasm (SIMD128), wgpu/WebGPU.
//!
//! A batch is padded to its longest text; padded keys are masked out of attention and out of the
//! mean, so a text's vector does not depend on the batch it is in.

use burn::tensor::activation::{gelu, softmax};
use burn::tensor::{Device, Tensor, TensorData};

use super::q8::{Loaded, Tensors};

/// Masked attention logits get this added.
const MASKED: f32 = -1.0e9;

/// The shape of a BERT encoder, read from its weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BertConfig {
    pub vocab: usize,
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub intermediate: usize,
    pub max_positions: usize,
}

struct Linear {
    /// `[in, out]`.
    w_t: Tensor<2>,
    b: Tensor<1>,
}

impl Linear {
    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        x.matmul(self.w_t.clone()) + self.b.clone().unsqueeze::<2>()
    }
}

struct Norm {
    w: Tensor<1>,
    b: Tensor<1>,
}

impl Norm {
    fn forward(&self, x: Tensor<2>, eps: f64) -> Tensor<2> {
        let mean = x.clone().mean_dim(1);
        let centred = x - mean;
        let var = centred.clone().square().mean_dim(1);
        centred * (var + eps).sqrt().recip() * self.w.clone().unsqueeze::<2>() + self.b.clone().unsqueeze::<2>()
    }
}

struct Layer {
    q: Linear,
    k: Linear,
    v: Linear,
    o: Linear,
    attn_norm: Norm,
    up: Linear,
    down: Linear,
    out_norm: Norm,
}

/// The encoder's weights on a device (the embedding tables stay on the host: rows are looked up).
pub struct Bert {
    pub config: BertConfig,
    device: Device,
    word: Vec<f32>,
    position: Vec<f32>,
    token_type: Vec<f32>,
    embed_norm: Norm,
    layers: Vec<Layer>,
}

/// BERT's LayerNorm epsilon.
const EPS: f64 = 1e-12;

impl Bert {
    /// Places the weights of a BERT safetensors file (f32, or the engine's 8-bit layout) with
    /// `heads` attention heads on `device`, checking every tensor's shape.
    pub fn new(tensors: &Tensors, heads: usize, device: &Device) -> Result<Self, String> {
        let get = |name: &str| -> Result<&Loaded, String> {
            tensors.map.get(name).ok_or_else(|| format!("the embedding model lacks `{name}`"))
        };
        let word = get("embeddings.word_embeddings.weight")?;
        let [vocab, hidden] = dims2(word, "embeddings.word_embeddings.weight")?;
        let position = get("embeddings.position_embeddings.weight")?;
        let [max_positions, _] = dims2(position, "embeddings.position_embeddings.weight")?;
        let layers = (0..).take_while(|i| tensors.map.contains_key(&format!("encoder.layer.{i}.attention.self.query.weight"))).count();
        let up0 = get("encoder.layer.0.intermediate.dense.weight")?;
        let [intermediate, _] = dims2(up0, "intermediate")?;
        let config = BertConfig { vocab, hidden, layers, heads, intermediate, max_positions };
        if layers == 0 {
            return Err("the embedding model has no encoder layers".into());
        }
        if heads == 0 || hidden % heads != 0 {
            return Err(format!("{heads} attention heads do not divide the width {hidden}"));
        }
        let vector = |name: &str, len: usize| -> Result<Tensor<1>, String> {
            let t = get(name)?;
            if t.values.len() != len {
                return Err(format!("`{name}` has {} values, expected {len}", t.values.len()));
            }
            Ok(Tensor::<1>::from_data(TensorData::new(t.values.clone(), [len]), device))
        };
        let linear = |prefix: &str, inp: usize, out: usize| -> Result<Linear, String> {
            let w = get(&format!("{prefix}.weight"))?;
            if w.shape != [out, inp] {
                return Err(format!("`{prefix}.weight` is {:?}, expected [{out}, {inp}]", w.shape));
            }
            Ok(Linear {
                w_t: Tensor::<2>::from_data(TensorData::new(w.values.clone(), [out, inp]), device).transpose(),
                b: vector(&format!("{prefix}.bias"), out)?,
            })
        };
        let norm = |prefix: &str| -> Result<Norm, String> {
            Ok(Norm { w: vector(&format!("{prefix}.weight"), hidden)?, b: vector(&format!("{prefix}.bias"), hidden)? })
        };
        let layers = (0..layers)
            .map(|i| {
                let p = format!("encoder.layer.{i}");
                Ok(Layer {
                    q: linear(&format!("{p}.attention.self.query"), hidden, hidden)?,
                    k: linear(&format!("{p}.attention.self.key"), hidden, hidden)?,
                    v: linear(&format!("{p}.attention.self.value"), hidden, hidden)?,
                    o: linear(&format!("{p}.attention.output.dense"), hidden, hidden)?,
                    attn_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                    up: linear(&format!("{p}.intermediate.dense"), hidden, intermediate)?,
                    down: linear(&format!("{p}.output.dense"), intermediate, hidden)?,
                    out_norm: norm(&format!("{p}.output.LayerNorm"))?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let token_type = get("embeddings.token_type_embeddings.weight")?;
        Ok(Bert {
            config,
            device: device.clone(),
            word: word.values.clone(),
            position: position.values.clone(),
            token_type: token_type.values[..hidden].to_vec(),
            embed_norm: norm("embeddings.LayerNorm")?,
            layers,
        })
    }

    /// The final hidden states of a batch of token-id sequences, `[batch · longest, hidden]`
    /// (row `b · longest + t`), and the longest length. Ids must be below the vocabulary size and
    /// sequences no longer than the position table.
    pub fn encode(&self, batch: &[Vec<u32>]) -> Result<(Tensor<2>, usize), String> {
        let c = self.config;
        let (h, nb) = (c.hidden, batch.len());
        let len = batch.iter().map(Vec::len).max().unwrap_or(0);
        if nb == 0 || len == 0 {
            return Err("nothing to embed".into());
        }
        if len > c.max_positions {
            return Err(format!("a text of {len} tokens is over the model's {}", c.max_positions));
        }
        let mut rows = vec![0.0f32; nb * len * h];
        let mut mask = vec![MASKED; nb * len];
        for (b, ids) in batch.iter().enumerate() {
            for (t, &id) in ids.iter().enumerate() {
                let id = id as usize;
                if id >= c.vocab {
                    return Err(format!("token {id} is outside the vocabulary of {}", c.vocab));
                }
                let row = &mut rows[(b * len + t) * h..(b * len + t + 1) * h];
                for (j, r) in row.iter_mut().enumerate() {
                    *r = self.word[id * h + j] + self.position[t * h + j] + self.token_type[j];
                }
                mask[b * len + t] = 0.0;
            }
        }
        let d = h / c.heads;
        let mask = Tensor::<4>::from_data(TensorData::new(mask, [nb, 1, 1, len]), &self.device);
        let x = Tensor::<2>::from_data(TensorData::new(rows, [nb * len, h]), &self.device);
        let mut x = self.embed_norm.forward(x, EPS);
        let scale = 1.0 / (d as f64).sqrt();
        for layer in &self.layers {
            let split = |t: Tensor<2>| t.reshape([nb, len, c.heads, d]).swap_dims(1, 2); // [b, heads, len, d]
            let q = split(layer.q.forward(x.clone())) * scale;
            let k = split(layer.k.forward(x.clone()));
            let v = split(layer.v.forward(x.clone()));
            let scores = q.matmul(k.swap_dims(2, 3)) + mask.clone();
            let ctx = softmax(scores, 3).matmul(v).swap_dims(1, 2).reshape([nb * len, h]);
            let attended = layer.attn_norm.forward(x + layer.o.forward(ctx), EPS);
            let ff = layer.down.forward(gelu(layer.up.forward(attended.clone())));
            x = layer.out_norm.forward(attended + ff, EPS);
        }
        Ok((x, len))
    }
}

fn dims2(t: &Loaded, name: &str) -> Result<[usize; 2], String> {
    match t.shape.as_slice() {
        &[a, b] if a * b == t.values.len() => Ok([a, b]),
        s => Err(format!("`{name}` has shape {s:?}, expected a matrix")),
    }
}

/// Mean of each sequence's rows (its real tokens only), L2-normalised.
pub fn mean_pool(hidden: &[f32], lens: &[usize], longest: usize, dim: usize) -> Vec<Vec<f32>> {
    lens.iter()
        .enumerate()
        .map(|(b, &n)| {
            let mut v = vec![0.0f32; dim];
            for t in 0..n {
                let row = &hidden[(b * longest + t) * dim..(b * longest + t + 1) * dim];
                for (a, x) in v.iter_mut().zip(row) {
                    *a += x;
                }
            }
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
            v.iter_mut().for_each(|x| *x /= norm);
            v
        })
        .collect()
}
