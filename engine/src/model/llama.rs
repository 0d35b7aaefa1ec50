//! [`Llama`]: the public model. Embeds tokens, runs the blocks with a KV cache, and returns the
//! last position's logits (or, for greedy decoding, only the argmax id).
//!
//! One call to [`Llama::forward`] may carry a whole prompt (prefill, causal mask) or one token
//! (decode); positions continue from [`Llama::position`] until [`Llama::reset`]. A failed call
//! leaves the cache as it was. Weights: embeddings stay on the host (row lookup), the head is
//! `output.weight` or the tied `token_embd`, placed on the device still quantized.
//! Called by `generate/` (step API), the CLI and tests.

use burn::tensor::{Device, Int, Tensor, TensorData};

use super::attention::Attention;
use super::block::{rms_norm, Block};
use super::cache::KvCache;
use super::config::LlamaConfig;
use super::lora::Adapter;
use super::mlp::Mlp;
use super::rope::RopeTables;
use super::weights::LlamaWeights;
use super::ModelError;
use crate::gguf::GgufFile;
use crate::kernels::QMatrix;

/// Masked attention logits get this added (large, finite: safe under fast-math).
const MASKED: f32 = -1.0e9;

/// A loaded Llama model with its KV cache.
#[derive(Debug, Clone)]
pub struct Llama {
    config: LlamaConfig,
    device: Device,
    embed: QMatrix,
    head: Option<QMatrix>,
    blocks: Vec<Block>,
    output_norm: Tensor<1>,
    cache: KvCache,
    position: usize,
    has_adapter: bool,
}

impl Llama {
    /// Places loaded weights on `device` (quantized matrices stay quantized).
    pub fn from_weights(
        config: LlamaConfig,
        weights: LlamaWeights,
        device: &Device,
    ) -> Result<Self, ModelError> {
        config.validate()?;
        let norm =
            |v: Vec<f32>| Tensor::<1>::from_data(TensorData::new(v.clone(), [v.len()]), device);
        let mut blocks = Vec::with_capacity(weights.blocks.len());
        for b in weights.blocks {
            blocks.push(Block {
                attn_norm: norm(b.attn_norm),
                attention: Attention {
                    q: b.attn_q.to_device(device)?,
                    k: b.attn_k.to_device(device)?,
                    v: b.attn_v.to_device(device)?,
                    o: b.attn_output.to_device(device)?,
                    num_heads: config.num_heads,
                    num_kv_heads: config.num_kv_heads,
                    head_dim: config.head_dim(),
                },
                ffn_norm: norm(b.ffn_norm),
                mlp: Mlp {
                    gate: b.ffn_gate.to_device(device)?,
                    up: b.ffn_up.to_device(device)?,
                    down: b.ffn_down.to_device(device)?,
                },
                eps: config.rms_norm_eps,
                lora: None,
            });
        }
        let head = match weights.output {
            Some(output) => Some(output.to_device(device)?),
            None => {
                let placed = weights.token_embd.clone().to_device(device)?;
                // On the host the tied head is the embedding table itself: no second copy.
                (!placed.is_host()).then_some(placed)
            }
        };
        Ok(Self {
            cache: KvCache::new(config.num_layers),
            config,
            device: device.clone(),
            embed: weights.token_embd,
            head,
            blocks,
            output_norm: norm(weights.output_norm),
            position: 0,
            has_adapter: false,
        })
    }

    /// Loads a GGUF llama model onto `device`: config from metadata, weights still quantized.
    pub fn load(gguf: &GgufFile<'_>, device: &Device) -> Result<Self, ModelError> {
        let config = LlamaConfig::from_gguf(gguf)?;
        let weights = LlamaWeights::load(gguf, &config)?;
        Self::from_weights(config, weights, device)
    }

    /// The model's hyper-parameters.
    pub fn config(&self) -> &LlamaConfig {
        &self.config
    }

    /// Positions consumed since the last [`reset`](Self::reset) (the next token's position).
    pub fn position(&self) -> usize {
        self.position
    }

    /// Applies `adapter` (unmerged, over the quantized base) from now on, or with `None` goes
    /// back to the base model. The adapter must fit this model's shape; the cache is cleared
    /// (it was computed by the other weights).
    pub fn set_adapter(&mut self, adapter: Option<&Adapter>) -> Result<(), ModelError> {
        if let Some(a) = adapter {
            let (b, c) = (&a.base, &self.config);
            let same = (b.vocab_size, b.hidden_size, b.intermediate_size, b.num_layers, b.num_heads, b.num_kv_heads)
                == (c.vocab_size, c.hidden_size, c.intermediate_size, c.num_layers, c.num_heads, c.num_kv_heads);
            if !same || a.layers.len() != self.blocks.len() {
                return Err(ModelError::BadConfig(
                    "adapter: trained for a model of another shape".into(),
                ));
            }
        }
        for (layer, block) in self.blocks.iter_mut().enumerate() {
            block.lora = adapter.map(|a| Box::new(a.place(layer, &self.device)));
        }
        self.has_adapter = adapter.is_some();
        self.reset();
        Ok(())
    }

    /// Whether an adapter is applied.
    pub fn has_adapter(&self) -> bool {
        self.has_adapter
    }

    /// Forgets the cached sequence.
    pub fn reset(&mut self) {
        self.cache.clear();
        self.position = 0;
    }

    /// Runs `tokens` after the cached sequence and returns the last position's logits
    /// (`vocab_size` values), read back with `into_data_async`.
    pub async fn forward(&mut self, tokens: &[u32]) -> Result<Vec<f32>, ModelError> {
        let logits = self.forward_logits(tokens).await?;
        let data = logits
            .into_data_async()
            .await
            .map_err(|e| ModelError::Read(format!("{e:?}")))?;
        data.try_to_vec::<f32>()
            .map_err(|e| ModelError::Read(format!("{e:?}")))
    }

    /// Like [`forward`](Self::forward) but reads back only the greedy token id (argmax on the
    /// device).
    pub async fn forward_argmax(&mut self, tokens: &[u32]) -> Result<u32, ModelError> {
        let logits = self.forward_logits(tokens).await?;
        let id: Tensor<2, Int> = logits.argmax(1);
        let data = id
            .into_data_async()
            .await
            .map_err(|e| ModelError::Read(format!("{e:?}")))?;
        let value = data
            .convert::<i64>()
            .try_to_vec::<i64>()
            .map_err(|e| ModelError::Read(format!("{e:?}")))?;
        value
            .first()
            .and_then(|&v| u32::try_from(v).ok())
            .ok_or_else(|| ModelError::Read(format!("argmax returned {value:?}")))
    }

    /// The last position's logits as a `[1, vocab]` tensor on the device.
    pub async fn forward_logits(&mut self, tokens: &[u32]) -> Result<Tensor<2>, ModelError> {
        self.forward_head(tokens, false).await
    }

    /// Runs `tokens` after the cached sequence in one pass and returns the greedy id at each
    /// of their positions (the argmax after `tokens[..=i]`), computed on the device; only the
    /// ids are read back. With the tokens of a greedy continuation this checks every step of it
    /// in one pass (teacher forcing).
    pub async fn forward_argmax_each(&mut self, tokens: &[u32]) -> Result<Vec<u32>, ModelError> {
        let logits = self.forward_head(tokens, true).await?;
        let ids: Tensor<2, Int> = logits.argmax(1);
        let data = ids
            .into_data_async()
            .await
            .map_err(|e| ModelError::Read(format!("{e:?}")))?;
        let values = data
            .convert::<i64>()
            .try_to_vec::<i64>()
            .map_err(|e| ModelError::Read(format!("{e:?}")))?;
        values
            .iter()
            .map(|&v| u32::try_from(v).map_err(|_| ModelError::Read(format!("argmax returned {v}"))))
            .collect()
    }

    /// Logits of the last position (`[1, vocab]`) or, with `every`, of each new position
    /// (`[n, vocab]`).
    async fn forward_head(&mut self, tokens: &[u32], every: bool) -> Result<Tensor<2>, ModelError> {
        let n = tokens.len();
        if n == 0 {
            return Err(ModelError::EmptyInput);
        }
        if self.position + n > self.config.context_length {
            return Err(ModelError::ContextFull {
                position: self.position,
                requested: n,
                limit: self.config.context_length,
            });
        }
        let x = self.embed(tokens)?;
        let start = self.position;
        let rope = RopeTables::new(
            start,
            n,
            self.config.head_dim(),
            self.config.rope_theta,
            &self.device,
        );
        let mask = (n > 1).then(|| causal_mask(start, n, self.config.group_size(), &self.device));

        // Work on a copy of the cache (tensor handles are shared, not copied) so a failure
        // leaves the model as it was.
        let mut cache = self.cache.clone();
        let mut x = x;
        for (layer, block) in self.blocks.iter().enumerate() {
            x = block
                .forward(x, &rope, &mut cache, layer, mask.as_ref())
                .await?;
        }
        let rows = if every { x } else { x.narrow(0, n - 1, 1) };
        let normed = rms_norm(rows, &self.output_norm, self.config.rms_norm_eps);
        let head = self.head.as_ref().unwrap_or(&self.embed);
        let logits = head.matmul(normed).await?;

        self.cache = cache;
        self.position += n;
        Ok(logits)
    }

    /// Embedding rows for `tokens`, `[n, hidden]`.
    fn embed(&self, tokens: &[u32]) -> Result<Tensor<2>, ModelError> {
        let h = self.config.hidden_size;
        let mut rows = vec![0.0f32; tokens.len() * h];
        for (i, &t) in tokens.iter().enumerate() {
            if t as usize >= self.config.vocab_size {
                return Err(ModelError::TokenOutOfRange {
                    token: t,
                    vocab: self.config.vocab_size,
                });
            }
            self.embed
                .dequantize_row(t as usize, &mut rows[i * h..(i + 1) * h])?;
        }
        Ok(Tensor::from_data(
            TensorData::new(rows, [tokens.len(), h]),
            &self.device,
        ))
    }
}

/// The additive causal mask for `n` new positions after `start` cached ones, in the grouped
/// query layout of [`Attention`]: row `r` is query `r % n`, `[1, group·n, start + n]`.
fn causal_mask(start: usize, n: usize, group: usize, device: &Device) -> Tensor<3> {
    let total = start + n;
    let mut mask = vec![0.0f32; group * n * total];
    for r in 0..group * n {
        let i = r % n;
        for j in start + i + 1..total {
            mask[r * total + j] = MASKED;
        }
    }
    Tensor::from_data(TensorData::new(mask, [1, group * n, total]), device)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::kernels::q4::block::Q4Host;
    use crate::kernels::q8::block::Q8Host;
    use crate::kernels::test_util::{assert_close, pseudo_random};
    use crate::model::weights::{RawTensor, RawType, TensorSource};
    use std::collections::HashMap;

    /// Generated tensors in GGUF form.
    pub(crate) struct Generated(pub HashMap<String, (Vec<u64>, RawType, Vec<u8>)>);

    impl TensorSource for Generated {
        fn raw_tensor(&self, name: &str) -> Option<RawTensor<'_>> {
            self.0.get(name).map(|(dims, ty, data)| RawTensor {
                dims: dims.clone(),
                ty: *ty,
                data,
            })
        }
    }

    pub(crate) fn tiny_config() -> LlamaConfig {
        LlamaConfig {
            vocab_size: 96,
            hidden_size: 64,
            intermediate_size: 160,
            num_layers: 2,
            num_heads: 4,
            num_kv_heads: 2,
            context_length: 64,
            rms_norm_eps: 1e-5,
            rope_theta: 10_000.0,
        }
    }

    /// A random 2-layer llama: Q4_1 projections, Q8_0 embeddings (tied head), f32 norms.
    pub(crate) fn tiny_model(c: &LlamaConfig, seed: u64) -> Generated {
        let mut t = HashMap::new();
        let mut seed = seed;
        let mut next = |n: usize, scale: f32| {
            seed += 1;
            pseudo_random(n, seed)
                .into_iter()
                .map(|v| v * scale)
                .collect::<Vec<f32>>()
        };
        let q4 =
            |t: &mut HashMap<_, _>, name: String, rows: usize, cols: usize, vals: Vec<f32>| {
                let q = Q4Host::quantize(&vals, rows, cols).unwrap();
                t.insert(
                    name,
                    (
                        vec![cols as u64, rows as u64],
                        RawType::Q4_1,
                        q.to_q4_1_bytes(),
                    ),
                );
            };
        let f32s = |v: Vec<f32>| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        let (h, f, d) = (c.hidden_size, c.intermediate_size, c.head_dim());
        let embd = Q8Host::quantize(&next(c.vocab_size * h, 1.0), c.vocab_size, h).unwrap();
        t.insert(
            "token_embd.weight".into(),
            (
                vec![h as u64, c.vocab_size as u64],
                RawType::Q8_0,
                embd.to_q8_0_bytes(),
            ),
        );
        for i in 0..c.num_layers {
            for (part, rows, cols) in [
                ("attn_q", c.num_heads * d, h),
                ("attn_k", c.num_kv_heads * d, h),
                ("attn_v", c.num_kv_heads * d, h),
                ("attn_output", h, c.num_heads * d),
                ("ffn_gate", f, h),
                ("ffn_up", f, h),
                ("ffn_down", h, f),
            ] {
                let vals = next(rows * cols, 0.3);
                q4(&mut t, format!("blk.{i}.{part}.weight"), rows, cols, vals);
            }
            for part in ["attn_norm", "ffn_norm"] {
                let v: Vec<f32> = next(h, 0.2).into_iter().map(|x| 1.0 + x).collect();
                t.insert(
                    format!("blk.{i}.{part}.weight"),
                    (vec![h as u64], RawType::F32, f32s(v)),
                );
            }
        }
        let v: Vec<f32> = next(h, 0.2).into_iter().map(|x| 1.0 + x).collect();
        t.insert(
            "output_norm.weight".into(),
            (vec![h as u64], RawType::F32, f32s(v)),
        );
        Generated(t)
    }

    /// Plain f64 reference forward over the whole sequence; returns the last logits.
    pub(crate) fn reference_forward(c: &LlamaConfig, w: &LlamaWeights, tokens: &[u32]) -> Vec<f32> {
        let (h, d, nh, nkv) = (c.hidden_size, c.head_dim(), c.num_heads, c.num_kv_heads);
        let g = nh / nkv;
        let deq = |m: &QMatrix| -> Vec<f64> {
            m.dequantize().unwrap().into_iter().map(f64::from).collect()
        };
        let matvec = |m: &QMatrix, x: &[f64]| -> Vec<f64> {
            let wts = deq(m);
            (0..m.rows())
                .map(|r| (0..m.cols()).map(|k| wts[r * m.cols() + k] * x[k]).sum())
                .collect()
        };
        let norm = |x: &[f64], wt: &[f32]| -> Vec<f64> {
            let ms = x.iter().map(|v| v * v).sum::<f64>() / x.len() as f64;
            let s = 1.0 / (ms + f64::from(c.rms_norm_eps)).sqrt();
            x.iter()
                .zip(wt)
                .map(|(v, &w)| v * s * f64::from(w))
                .collect()
        };
        let rope = |x: &mut [f64], pos: usize| {
            for head in x.chunks_mut(d) {
                for i in 0..d / 2 {
                    let a = pos as f64 * c.rope_theta.powf(-2.0 * i as f64 / d as f64);
                    let (x0, x1) = (head[2 * i], head[2 * i + 1]);
                    head[2 * i] = x0 * a.cos() - x1 * a.sin();
                    head[2 * i + 1] = x0 * a.sin() + x1 * a.cos();
                }
            }
        };
        let embd = deq(&w.token_embd);
        let mut xs: Vec<Vec<f64>> = tokens
            .iter()
            .map(|&t| embd[t as usize * h..(t as usize + 1) * h].to_vec())
            .collect();
        for b in &w.blocks {
            let (mut ks, mut vs) = (Vec::new(), Vec::new());
            let mut qs = Vec::new();
            for (p, x) in xs.iter().enumerate() {
                let xn = norm(x, &b.attn_norm);
                let mut q = matvec(&b.attn_q, &xn);
                let mut k = matvec(&b.attn_k, &xn);
                rope(&mut q, p);
                rope(&mut k, p);
                qs.push(q);
                ks.push(k);
                vs.push(matvec(&b.attn_v, &xn));
            }
            for (p, x) in xs.iter_mut().enumerate() {
                let mut att = vec![0.0; nh * d];
                for head in 0..nh {
                    let kv = head / g;
                    let q = &qs[p][head * d..(head + 1) * d];
                    let scores: Vec<f64> = (0..=p)
                        .map(|j| {
                            q.iter()
                                .zip(&ks[j][kv * d..(kv + 1) * d])
                                .map(|(a, b)| a * b)
                                .sum::<f64>()
                                / (d as f64).sqrt()
                        })
                        .collect();
                    let max = scores.iter().cloned().fold(f64::MIN, f64::max);
                    let e: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
                    let z: f64 = e.iter().sum();
                    for (j, ej) in e.iter().enumerate() {
                        for k in 0..d {
                            att[head * d + k] += ej / z * vs[j][kv * d + k];
                        }
                    }
                }
                let o = matvec(&b.attn_output, &att);
                x.iter_mut().zip(o).for_each(|(a, b)| *a += b);
                let xn = norm(x, &b.ffn_norm);
                let gate = matvec(&b.ffn_gate, &xn);
                let up = matvec(&b.ffn_up, &xn);
                let act: Vec<f64> = gate
                    .iter()
                    .zip(&up)
                    .map(|(g, u)| g / (1.0 + (-g).exp()) * u)
                    .collect();
                let down = matvec(&b.ffn_down, &act);
                x.iter_mut().zip(down).for_each(|(a, b)| *a += b);
            }
        }
        let last = norm(xs.last().unwrap(), &w.output_norm);
        let head = w.output.as_ref().unwrap_or(&w.token_embd);
        matvec(head, &last).into_iter().map(|v| v as f32).collect()
    }

    pub(crate) fn block_on<F: std::future::Future>(f: F) -> F::Output {
        // The flex and wgpu futures used here complete without an external reactor.
        struct Noop;
        impl std::task::Wake for Noop {
            fn wake(self: std::sync::Arc<Self>) {}
        }
        let waker = std::sync::Arc::new(Noop).into();
        let mut cx = std::task::Context::from_waker(&waker);
        let mut f = std::pin::pin!(f);
        loop {
            if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
            std::thread::yield_now();
        }
    }

    const TOKENS: [u32; 7] = [3, 17, 95, 0, 42, 42, 8];

    /// Full forward, then incremental decoding, both against the f64 reference.
    pub(crate) fn check_against_reference(device: &Device) {
        let c = tiny_config();
        let src = tiny_model(&c, 11);
        let weights = LlamaWeights::load(&src, &c).unwrap();
        let mut model = Llama::from_weights(c.clone(), weights.clone(), device).unwrap();

        let got = block_on(model.forward(&TOKENS)).unwrap();
        let want = reference_forward(&c, &weights, &TOKENS);
        assert_close(&got, &want, 2e-3, 2e-3);
        assert_eq!(model.position(), TOKENS.len());

        // Prefill 3, then one token at a time: every step equals the full-sequence forward.
        model.reset();
        block_on(model.forward(&TOKENS[..3])).unwrap();
        for end in 4..=TOKENS.len() {
            let step = block_on(model.forward(&TOKENS[end - 1..end])).unwrap();
            let want = reference_forward(&c, &weights, &TOKENS[..end]);
            assert_close(&step, &want, 2e-3, 2e-3);
        }
        assert_eq!(model.position(), TOKENS.len());

        // Greedy id read back alone equals the argmax of the logits.
        model.reset();
        let logits = block_on(model.forward(&TOKENS[..5])).unwrap();
        model.reset();
        let id = block_on(model.forward_argmax(&TOKENS[..5])).unwrap();
        let best = logits
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap()
            .0;
        assert_eq!(id as usize, best);
    }

    #[test]
    fn tiny_llama_matches_reference_on_cpu() {
        check_against_reference(&Device::flex());
    }

    /// wgpu natively (lavapipe here): the CubeCL kernels in the whole forward pass.
    #[test]
    fn tiny_llama_matches_reference_on_wgpu() {
        check_against_reference(&Device::wgpu(burn::tensor::DeviceKind::DefaultDevice));
    }

    #[derive(serde::Deserialize)]
    struct Reference {
        prompts: Vec<RefPrompt>,
    }

    #[derive(serde::Deserialize)]
    struct RefPrompt {
        name: String,
        prompt_ids: Vec<u32>,
        top10: Vec<(u32, f32)>,
        greedy_ids: Vec<u32>,
        greedy_top1_margins: Vec<f32>,
    }

    fn argmax(v: &[f32]) -> u32 {
        v.iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap()
            .0 as u32
    }

    /// SmolLM2-135M-Instruct Q4_1 against the float64 NumPy reference
    /// (`tests/fixtures/model/reference.json`): the last prompt position's top-10 logits within
    /// `max(1e-2, 1e-3·|logit|)`, and the top-1 token at every teacher-forced greedy step. With
    /// `argmax_only` (the GPU's path) the first step is decoded alone through `forward_argmax`
    /// and the rest in one pass through `forward_argmax_each` (each step a forward pass made
    /// this test minutes long on lavapipe; the two agree, `argmax_each_matches_stepwise_decoding`).
    fn check_real_model(device: &Device, argmax_only: bool) {
        let Some(path) = crate::gguf::dev_model_path() else {
            return;
        };
        let file = crate::gguf::OwnedGguf::open(path).unwrap();
        let gguf = file.parse().unwrap();
        let mut model = Llama::load(&gguf, device).unwrap();
        assert_eq!(model.config().num_kv_heads, 3);
        let json = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/model/reference.json"
        ))
        .unwrap();
        let reference: Reference = serde_json::from_str(&json).unwrap();
        for p in &reference.prompts {
            model.reset();
            let logits = block_on(model.forward(&p.prompt_ids)).unwrap();
            let mut worst = 0.0f32;
            for &(id, want) in &p.top10 {
                let got = logits[id as usize];
                let tol = f32::max(1e-2, 1e-3 * want.abs());
                worst = worst.max((got - want).abs());
                assert!(
                    (got - want).abs() <= tol,
                    "{}: logit of {id} is {got}, reference {want}",
                    p.name
                );
            }
            let fed = &p.greedy_ids[..p.greedy_ids.len().saturating_sub(1)];
            let mut got = vec![argmax(&logits)];
            if argmax_only {
                if let Some((&first, rest)) = fed.split_first() {
                    got.push(block_on(model.forward_argmax(&[first])).unwrap());
                    if !rest.is_empty() {
                        got.extend(block_on(model.forward_argmax_each(rest)).unwrap());
                    }
                }
            } else {
                for &t in fed {
                    got.push(argmax(&block_on(model.forward(&[t])).unwrap()));
                }
            }
            for (step, (&next, &want)) in got.iter().zip(&p.greedy_ids).enumerate() {
                assert_eq!(
                    next, want,
                    "{}: greedy step {step} (reference margin {})",
                    p.name, p.greedy_top1_margins[step]
                );
            }
            assert_eq!(got.len(), p.greedy_ids.len(), "{}", p.name);
            eprintln!(
                "{}: top-10 max |diff| {worst:.2e}, {} greedy steps match",
                p.name,
                p.greedy_ids.len()
            );
        }
    }

    #[test]
    fn smollm2_matches_reference_on_cpu() {
        check_real_model(&Device::flex(), false);
    }

    #[test]
    fn smollm2_matches_reference_on_wgpu() {
        check_real_model(&Device::wgpu(burn::tensor::DeviceKind::DefaultDevice), true);
    }

    /// Prefill and decode speed on the CPU (flex): `cargo test -p secondself-engine --release
    /// bench_cpu -- --ignored --nocapture`. Prints numbers; asserts nothing about time.
    #[test]
    #[ignore]
    fn bench_cpu_tokens_per_second() {
        bench(&Device::flex(), "cpu (flex)");
    }

    /// As above on wgpu (lavapipe natively).
    #[test]
    #[ignore]
    fn bench_wgpu_tokens_per_second() {
        bench(
            &Device::wgpu(burn::tensor::DeviceKind::DefaultDevice),
            "wgpu",
        );
    }

    fn bench(device: &Device, label: &str) {
        let Some(path) = crate::gguf::dev_model_path() else {
            return;
        };
        let file = crate::gguf::OwnedGguf::open(path).unwrap();
        let gguf = file.parse().unwrap();
        let t0 = std::time::Instant::now();
        let mut model = Llama::load(&gguf, device).unwrap();
        let load = t0.elapsed();
        let prompt: Vec<u32> = (0..64).map(|i| 100 + i * 37).collect();
        block_on(model.forward(&prompt[..4])).unwrap(); // warm-up (kernel compilation)
        model.reset();
        let t0 = std::time::Instant::now();
        let mut id = block_on(model.forward_argmax(&prompt)).unwrap();
        let prefill = t0.elapsed();
        let steps = 32;
        let t0 = std::time::Instant::now();
        for _ in 0..steps {
            id = block_on(model.forward_argmax(&[id])).unwrap();
        }
        let decode = t0.elapsed();
        eprintln!(
            "{label}: load {:.2}s, prefill {} tokens {:.1} tok/s, decode {steps} tokens {:.1} tok/s",
            load.as_secs_f64(),
            prompt.len(),
            prompt.len() as f64 / prefill.as_secs_f64(),
            steps as f64 / decode.as_secs_f64()
        );
    }

    /// One teacher-forced pass gives the same greedy ids as decoding the same tokens one at a
    /// time, and leaves the cache where the step-by-step run leaves it.
    fn check_argmax_each(device: &Device) {
        let c = tiny_config();
        let weights = LlamaWeights::load(&tiny_model(&c, 11), &c).unwrap();
        let mut stepwise = Llama::from_weights(c.clone(), weights.clone(), device).unwrap();
        let mut batched = Llama::from_weights(c.clone(), weights, device).unwrap();
        let prompt = [3u32, 17, 42, 8];
        let follow = [5u32, 61, 29, 90, 1, 33, 77];
        block_on(stepwise.forward(&prompt)).unwrap();
        let want: Vec<u32> = follow
            .iter()
            .map(|&t| block_on(stepwise.forward_argmax(&[t])).unwrap())
            .collect();
        block_on(batched.forward(&prompt)).unwrap();
        let got = block_on(batched.forward_argmax_each(&follow)).unwrap();
        assert_eq!(got, want);
        assert_eq!(batched.position(), stepwise.position());
        let a = block_on(stepwise.forward(&[12])).unwrap();
        let b = block_on(batched.forward(&[12])).unwrap();
        assert_close(&a, &b, 1e-3, 1e-3);
    }

    #[test]
    fn argmax_each_matches_stepwise_decoding_on_cpu() {
        check_argmax_each(&Device::flex());
    }

    #[test]
    fn argmax_each_matches_stepwise_decoding_on_wgpu() {
        check_argmax_each(&Device::wgpu(burn::tensor::DeviceKind::DefaultDevice));
    }

    #[test]
    fn bad_input_is_refused_and_keeps_the_cache() {
        let c = tiny_config();
        let weights = LlamaWeights::load(&tiny_model(&c, 3), &c).unwrap();
        let mut model = Llama::from_weights(c.clone(), weights, &Device::flex()).unwrap();
        block_on(model.forward(&[1, 2])).unwrap();
        assert_eq!(block_on(model.forward(&[])), Err(ModelError::EmptyInput));
        assert!(matches!(
            block_on(model.forward(&[5, 96])),
            Err(ModelError::TokenOutOfRange {
                token: 96,
                vocab: 96
            })
        ));
        assert!(matches!(
            block_on(model.forward(&vec![1; 63])),
            Err(ModelError::ContextFull { .. })
        ));
        assert_eq!(model.position(), 2);
    }

    #[test]
    fn missing_tensor_is_named() {
        let c = tiny_config();
        let mut src = tiny_model(&c, 3);
        src.0.remove("blk.1.ffn_up.weight");
        let err = LlamaWeights::load(&src, &c).unwrap_err();
        assert_eq!(err, ModelError::MissingTensor("blk.1.ffn_up.weight".into()));
    }

    #[test]
    fn causal_mask_hides_the_future_per_group() {
        let m = causal_mask(2, 2, 2, &Device::flex())
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        // rows: (g0,q0) (g0,q1) (g1,q0) (g1,q1); 4 positions; q0 is position 2, q1 is 3.
        let row = |r: usize| &m[r * 4..(r + 1) * 4];
        assert_eq!(row(0), &[0.0, 0.0, 0.0, MASKED]);
        assert_eq!(row(1), &[0.0, 0.0, 0.0, 0.0]);
        assert_eq!(row(2), &[0.0, 0.0, 0.0, MASKED]);
    }
}
