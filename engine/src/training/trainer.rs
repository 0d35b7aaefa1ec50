//! The training loop, shared by SFT and DPO: a seeded plan of packed sequences, gradient
//! accumulation, global-norm clipping, AdamW with warm-up and cosine decay, and checkpoints
//! (adapter + optimiser moments + step, in one GGUF file) from which a killed run resumes to the
//! same adapter as an uninterrupted one.
//!
//! One [`Trainer::step`] is one optimiser update; the caller loops, reports progress and writes
//! checkpoints (natively the CLI; in the extension the engine's job, yielding between steps).
//!
//! Losses: SFT is the mean negative log-likelihood of the scored (assistant) tokens; DPO is the
//! sigmoid loss `-log σ(β·((πc − πr) − (ρc − ρr)))` with `ρ` the frozen reference adapter's
//! log-probabilities, computed once when the trainer starts and kept in the checkpoint.

use burn::tensor::activation::log_sigmoid;
use burn::tensor::{Tensor, TensorData};
use sha2::{Digest, Sha256};

use super::data::{DpoExample, SftExample};
use super::forward::{to_host, DropoutSeed, Frozen, LoraTensors, Packed};
use super::optim::{clip_global_norm, AdamState, AdamW, Schedule};
use crate::gguf::writer::GgufWriter;
use crate::gguf::{GgufFile, MetaValue};
use crate::model::lora::{seeded_uniform, Adapter, LoraConfig};
use crate::model::ModelError;

/// Hyper-parameters of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    pub lora: LoraConfig,
    /// Optimiser updates.
    pub steps: u64,
    /// Peak learning rate.
    pub lr: f32,
    /// Warm-up updates.
    pub warmup: u64,
    /// Packed sequences per update.
    pub accum: usize,
    /// Tokens per packed sequence at most.
    pub seq_len: usize,
    /// Global gradient-norm bound (0 = none).
    pub clip: f32,
    /// Seed of the adapter's initialisation, the data order and dropout.
    pub seed: u64,
    /// DPO's β.
    pub beta: f32,
    pub optimizer: AdamW,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            lora: LoraConfig::default(),
            steps: 100,
            lr: 2e-4,
            warmup: 10,
            accum: 1,
            seq_len: 256,
            clip: 1.0,
            seed: 1,
            beta: 0.1,
            optimizer: AdamW::default(),
        }
    }
}

/// What is trained on.
#[derive(Debug, Clone, PartialEq)]
pub enum Objective {
    Sft(Vec<SftExample>),
    Dpo(Vec<DpoExample>),
}

impl Objective {
    fn name(&self) -> &'static str {
        match self {
            Objective::Sft(_) => "sft",
            Objective::Dpo(_) => "dpo",
        }
    }

    fn len(&self) -> usize {
        match self {
            Objective::Sft(e) => e.len(),
            Objective::Dpo(p) => p.len(),
        }
    }

    fn unit_len(&self, i: usize) -> usize {
        match self {
            Objective::Sft(e) => e[i].tokens.len(),
            Objective::Dpo(p) => p[i].chosen.tokens.len() + p[i].rejected.tokens.len(),
        }
    }

    /// Appends unit `i` to `packed` (a DPO pair as two examples, chosen first).
    fn pack(&self, i: usize, packed: &mut Packed) {
        match self {
            Objective::Sft(e) => packed.push(&e[i].tokens, &e[i].scored),
            Objective::Dpo(p) => {
                packed.push(&p[i].chosen.tokens, &p[i].chosen.scored);
                packed.push(&p[i].rejected.tokens, &p[i].rejected.scored);
            }
        }
    }
}

/// Why training stopped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("checkpoint: {0}")]
    Checkpoint(String),
    #[error("nothing to train on: {0}")]
    NoData(String),
}

/// One update's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct StepReport {
    /// Updates done, this one included.
    pub step: u64,
    /// Mean loss over the update (SFT: per scored token; DPO: per pair).
    pub loss: f32,
    pub lr: f32,
    /// Tokens run through the model (prompt and reply).
    pub tokens: usize,
    /// Gradient norm before clipping.
    pub grad_norm: f32,
    /// DPO: share of pairs whose implicit reward prefers the chosen reply.
    pub preferred: Option<f32>,
}

/// A training run in progress.
pub struct Trainer {
    cfg: TrainConfig,
    frozen: Frozen,
    objective: Objective,
    /// DPO: the reference's `ρc − ρr` per pair.
    reference: Vec<f32>,
    adapter: Adapter,
    state: AdamState,
    step: u64,
    plan: Vec<Vec<usize>>,
    data_hash: String,
}

/// A deterministic permutation of `0..n` (Fisher–Yates on SplitMix values).
fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let r = seeded_uniform(n, seed);
    for i in (1..n).rev() {
        let j = (((r[i] + 1.0) * 0.5) * (i + 1) as f32) as usize;
        order.swap(i, j.min(i));
    }
    order
}

fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    (z ^ (z >> 29)) | 1
}

impl Trainer {
    /// A new run from `init` (DPO: the reference adapter, which the policy starts from) or a
    /// fresh adapter.
    pub async fn new(
        frozen: Frozen,
        cfg: TrainConfig,
        objective: Objective,
        init: Option<Adapter>,
    ) -> Result<Self, TrainError> {
        let adapter = match init {
            Some(a) => a,
            None => Adapter::new(frozen.config(), cfg.lora.clone(), cfg.seed),
        };
        let objective = fit(objective, cfg.seq_len)?;
        let plan = plan(&objective, &cfg);
        let data_hash = data_hash(&objective, &cfg);
        let state = AdamState::zeros(&adapter.factors());
        let mut t = Self { cfg, frozen, objective, reference: Vec::new(), adapter, state, step: 0, plan, data_hash };
        if let Objective::Dpo(pairs) = &t.objective {
            let margins = preference_margins(&t.frozen, &t.adapter, pairs).await?;
            t.reference = margins;
        }
        Ok(t)
    }

    /// Resumes the run a checkpoint was taken from (same base, data and configuration).
    pub fn resume(frozen: Frozen, cfg: TrainConfig, objective: Objective, checkpoint: &[u8]) -> Result<Self, TrainError> {
        let bad = |why: String| TrainError::Checkpoint(why);
        let file = GgufFile::parse(checkpoint).map_err(|e| bad(e.to_string()))?;
        let adapter = Adapter::from_gguf(&file, frozen.config())?;
        let objective = fit(objective, cfg.seq_len)?;
        let hash = data_hash(&objective, &cfg);
        let saved = file.str("secondself.train.data").unwrap_or("");
        if saved != hash {
            return Err(bad("it was taken on other data or with other settings; start a new run".into()));
        }
        let step = file.u64("secondself.train.step").map_err(|e| bad(e.to_string()))?;
        let names = adapter.factor_names();
        let read = |prefix: &str| -> Result<Vec<Vec<f32>>, TrainError> {
            names
                .iter()
                .map(|n| file.tensor_f32(&format!("{prefix}{n}")).map_err(|e| bad(e.to_string())))
                .collect()
        };
        let state = AdamState {
            m: read("opt.m.")?,
            v: read("opt.v.")?,
            t: file.u64("secondself.train.adam_t").map_err(|e| bad(e.to_string()))?,
        };
        let reference = match &objective {
            Objective::Dpo(_) => file.tensor_f32("dpo.reference").map_err(|e| bad(e.to_string()))?,
            Objective::Sft(_) => Vec::new(),
        };
        let plan = plan(&objective, &cfg);
        Ok(Self { cfg, frozen, objective, reference, adapter, state, step, plan, data_hash: hash })
    }

    /// Updates done so far.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// Updates the run makes in all.
    pub fn total_steps(&self) -> u64 {
        self.cfg.steps
    }

    /// Whether every planned update is done.
    pub fn is_done(&self) -> bool {
        self.step >= self.cfg.steps
    }

    /// The adapter as trained so far.
    pub fn adapter(&self) -> &Adapter {
        &self.adapter
    }

    /// The frozen base.
    pub fn frozen(&self) -> &Frozen {
        &self.frozen
    }

    /// Scored tokens (SFT) or pairs (DPO) in the data.
    pub fn data_size(&self) -> usize {
        self.objective.len()
    }

    /// One optimiser update over `accum` packed sequences.
    pub async fn step(&mut self) -> Result<StepReport, TrainError> {
        let lr = Schedule { peak: self.cfg.lr, warmup: self.cfg.warmup, total: self.cfg.steps, floor: 0.1 }.lr(self.step);
        let mut grads: Vec<Vec<f32>> = self.adapter.factors().iter().map(|f| vec![0.0; f.len()]).collect();
        let (mut loss_sum, mut count, mut tokens, mut preferred) = (0.0f64, 0usize, 0usize, 0usize);
        for micro in 0..self.cfg.accum {
            let units = &self.plan[(self.step as usize * self.cfg.accum + micro) % self.plan.len()];
            let mut packed = Packed::default();
            for &u in units {
                self.objective.pack(u, &mut packed);
            }
            tokens += packed.tokens.len();
            let lora = LoraTensors::tracked(&self.adapter, self.frozen.device());
            let seed = DropoutSeed(mix(mix(self.cfg.seed, self.step), micro as u64));
            let logp = self.frozen.token_logprobs(&lora, &packed, seed)?;
            let loss = match &self.objective {
                Objective::Sft(_) => {
                    count += packed.picks.len();
                    logp.sum().neg()
                }
                Objective::Dpo(_) => {
                    let reference: Vec<f32> = units.iter().map(|&u| self.reference[u]).collect();
                    count += units.len();
                    let margin = dpo_margin(logp, &packed, &reference, self.cfg.beta);
                    let m = to_host(margin.clone()).await?;
                    preferred += m.iter().filter(|&&v| v > 0.0).count();
                    log_sigmoid(margin).sum().neg()
                }
            };
            loss_sum += to_host(loss.clone()).await?.first().copied().unwrap_or(0.0) as f64;
            let g = loss.backward();
            for (i, f) in lora.factors().into_iter().enumerate() {
                if let Some(t) = f.grad(&g) {
                    for (acc, v) in grads[i].iter_mut().zip(to_host(t).await?) {
                        *acc += v;
                    }
                }
            }
        }
        let denom = count.max(1) as f32;
        grads.iter_mut().flat_map(|g| g.iter_mut()).for_each(|v| *v /= denom);
        let grad_norm = clip_global_norm(&mut grads, self.cfg.clip);
        let mut params = self.adapter.factors_mut();
        self.cfg.optimizer.step(&mut self.state, &mut params, &grads, lr);
        self.step += 1;
        Ok(StepReport {
            step: self.step,
            loss: (loss_sum / denom as f64) as f32,
            lr,
            tokens,
            grad_norm,
            preferred: matches!(self.objective, Objective::Dpo(_)).then(|| preferred as f32 / denom),
        })
    }

    /// The run's state as a GGUF file: the adapter (loadable as is), the optimiser's moments,
    /// the step and a digest of the data and settings.
    pub fn checkpoint(&self) -> Vec<u8> {
        let mut w = GgufWriter::new();
        self.adapter.write_into(&mut w);
        w.meta("secondself.train.objective", MetaValue::Str(self.objective.name().into()))
            .meta("secondself.train.step", MetaValue::U64(self.step))
            .meta("secondself.train.adam_t", MetaValue::U64(self.state.t))
            .meta("secondself.train.data", MetaValue::Str(self.data_hash.clone()));
        for (name, (m, v)) in self.adapter.factor_names().iter().zip(self.state.m.iter().zip(&self.state.v)) {
            w.tensor_f32(&format!("opt.m.{name}"), &[m.len() as u64], m);
            w.tensor_f32(&format!("opt.v.{name}"), &[v.len() as u64], v);
        }
        if !self.reference.is_empty() {
            w.tensor_f32("dpo.reference", &[self.reference.len() as u64], &self.reference);
        }
        w.to_bytes()
    }
}

/// `β·((πc − πr) − (ρc − ρr))` per pair of a packed DPO sequence (segments chosen, rejected,
/// chosen, …).
fn dpo_margin(logp: Tensor<1>, packed: &Packed, reference: &[f32], beta: f32) -> Tensor<2> {
    let sums = segment_sums(logp, packed);
    let pairs = reference.len();
    let both = sums.reshape([pairs, 2]);
    let policy = both.clone().narrow(1, 0, 1) - both.narrow(1, 1, 1);
    let device = policy.device();
    let reference = Tensor::<2>::from_data(TensorData::new(reference.to_vec(), [pairs, 1]), &device.inner());
    (policy - reference) * beta as f64
}

/// Per-example sums of `logp` (`[picks]` → `[examples, 1]`).
fn segment_sums(logp: Tensor<1>, packed: &Packed) -> Tensor<2> {
    let segs = packed.pick_segments();
    let (s, p) = (packed.examples(), segs.len());
    let mut onehot = vec![0.0f32; s * p];
    for (j, &seg) in segs.iter().enumerate() {
        onehot[seg * p + j] = 1.0;
    }
    let device = logp.device();
    let onehot = Tensor::<2>::from_data(TensorData::new(onehot, [s, p]), &device.inner());
    onehot.matmul(logp.reshape([p, 1]))
}

/// `log p(chosen) − log p(rejected)` of each pair's reply under the base plus `adapter`.
pub async fn preference_margins(frozen: &Frozen, adapter: &Adapter, pairs: &[DpoExample]) -> Result<Vec<f32>, ModelError> {
    let lora = LoraTensors::constant(adapter, frozen.device());
    let mut out = Vec::with_capacity(pairs.len());
    for p in pairs {
        let mut packed = Packed::default();
        packed.push(&p.chosen.tokens, &p.chosen.scored);
        packed.push(&p.rejected.tokens, &p.rejected.scored);
        let logp = frozen.token_logprobs(&lora, &packed, DropoutSeed(0))?;
        let sums = to_host(segment_sums(logp, &packed)).await?;
        out.push(sums[0] - sums[1]);
    }
    Ok(out)
}

/// Mean negative log-likelihood per scored token of `examples` under the base plus `adapter`.
pub async fn mean_nll(frozen: &Frozen, adapter: &Adapter, examples: &[SftExample]) -> Result<f32, ModelError> {
    let lora = LoraTensors::constant(adapter, frozen.device());
    let (mut total, mut n) = (0.0f64, 0usize);
    for e in examples {
        let mut packed = Packed::default();
        packed.push(&e.tokens, &e.scored);
        if packed.picks.is_empty() {
            continue;
        }
        let logp = to_host(frozen.token_logprobs(&lora, &packed, DropoutSeed(0))?).await?;
        total -= logp.iter().map(|&v| v as f64).sum::<f64>();
        n += logp.len();
    }
    Ok((total / n.max(1) as f64) as f32)
}

/// Cuts every example to the sequence length (DPO: each reply to half of it).
fn fit(objective: Objective, seq_len: usize) -> Result<Objective, TrainError> {
    let out = match objective {
        Objective::Sft(e) => Objective::Sft(e.into_iter().filter_map(|x| x.fit(seq_len)).collect()),
        Objective::Dpo(p) => Objective::Dpo(
            p.into_iter()
                .filter_map(|x| {
                    Some(DpoExample { chosen: x.chosen.fit(seq_len / 2)?, rejected: x.rejected.fit(seq_len / 2)? })
                })
                .collect(),
        ),
    };
    if out.len() == 0 {
        return Err(TrainError::NoData("no example has a reply to score".into()));
    }
    Ok(out)
}

/// Packed sequences for every micro-batch of the run: each epoch in its own seeded order.
fn plan(objective: &Objective, cfg: &TrainConfig) -> Vec<Vec<usize>> {
    let need = (cfg.steps as usize * cfg.accum).max(1);
    let mut plan = Vec::new();
    let mut epoch = 0u64;
    while plan.len() < need {
        plan.extend(epoch_packs(objective, cfg.seq_len, mix(cfg.seed, epoch)));
        epoch += 1;
    }
    plan
}

/// One epoch: units in a seeded order, consecutive ones packed while they fit in `seq_len`.
fn epoch_packs(objective: &Objective, seq_len: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut packs = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut used = 0;
    for u in permutation(objective.len(), seed) {
        let len = objective.unit_len(u);
        if !current.is_empty() && used + len > seq_len {
            packs.push(std::mem::take(&mut current));
            used = 0;
        }
        current.push(u);
        used += len;
    }
    if !current.is_empty() {
        packs.push(current);
    }
    packs
}

/// Packed sequences in one pass over `objective` at `seq_len` (to turn epochs into steps).
pub fn packs_per_epoch(objective: &Objective, seq_len: usize, seed: u64) -> usize {
    match fit(objective.clone(), seq_len) {
        Ok(fitted) => epoch_packs(&fitted, seq_len, mix(seed, 0)).len(),
        Err(_) => 0,
    }
}

/// A digest of the tokenized data and the settings a resume must share.
fn data_hash(objective: &Objective, cfg: &TrainConfig) -> String {
    let mut h = Sha256::new();
    h.update(format!("{}|{cfg:?}", objective.name()));
    let mut feed = |e: &SftExample| {
        for t in &e.tokens {
            h.update(t.to_le_bytes());
        }
        for r in &e.scored {
            h.update(format!("{r:?}"));
        }
    };
    match objective {
        Objective::Sft(es) => es.iter().for_each(&mut feed),
        Objective::Dpo(ps) => ps.iter().for_each(|p| {
            feed(&p.chosen);
            feed(&p.rejected);
        }),
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutations_are_seeded_and_complete() {
        let a = permutation(50, 3);
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_eq!(a, permutation(50, 3));
        assert_ne!(a, permutation(50, 4));
    }

    #[test]
    fn the_plan_packs_within_the_sequence_length_and_covers_every_example() {
        let ex = |n: usize| SftExample { tokens: vec![1; n], scored: vec![1..n] };
        let obj = Objective::Sft(vec![ex(10), ex(30), ex(50), ex(20), ex(45)]);
        let cfg = TrainConfig { steps: 6, seq_len: 64, ..TrainConfig::default() };
        let p = plan(&obj, &cfg);
        assert!(p.len() >= 6);
        for pack in &p {
            let total: usize = pack.iter().map(|&u| obj.unit_len(u)).sum();
            assert!(total <= 64 || pack.len() == 1, "{pack:?}");
        }
        let first_epoch: usize = p.iter().take_while(|_| true).flatten().take(5).count();
        assert_eq!(first_epoch, 5);
    }
}
