//! Training inside the extension: a LoRA job in the engine host, on the device the model runs
//! on (WebGPU after its self-check, else the wasm CPU). One job at a time; it yields to the event
//! loop after every step, so autofill, enhance and chat keep answering while it trains.
//!
//! OPFS (`adapters/`): `job.json` (settings), `job.jsonl` (the data), `job.ref.gguf` (DPO's
//! reference), `job.ckpt` (adapter + optimiser + step), `<name>.gguf` (finished adapters) and
//! `active` (the adapter chat answers with). A job stopped by a browser restart is `interrupted`
//! and `train.resume` continues it from its checkpoint; pause keeps it in memory and on disk;
//! cancel deletes it. Deleting all memory deletes this folder too.
//!
//! "Train my SecondSelf" (`train.memory`) trains the `personal` adapter on the plan synthesised
//! from the user's memory ([`crate::training::plan`]); `job.plan.json`, then `<name>.plan.json`,
//! keeps the plan's sources and held-out questions. Deleting a source the adapter learnt from
//! removes the adapter (it would still hold what was deleted) and leaves a `stale` mark the
//! panel shows until the next training; `train.compare` asks the held-out questions with the
//! untrained model and with the adapter and keeps the result (`<name>.compare.json`), shown
//! with the job's state while that adapter is in use.

use std::cell::{Cell, RefCell};

use futures::lock::Mutex;
use serde::{Deserialize, Serialize};

use super::model_host::{yield_to_event_loop, ModelHost};
use super::opfs::{self, ADAPTERS};
use crate::error::EngineError;
use crate::gguf::GgufFile;
use crate::model::lora::Adapter;
use crate::model::weights::LlamaWeights;
use crate::model::LlamaConfig;
use crate::protocol::{CompareRow, Event, Reply};
use crate::training::eval::score;
use crate::training::synth::Example;
use crate::tokenizer::Tokenizer;
use crate::training::data::{parse_dpo, parse_sft, tokenize, tokenize_pair};
use crate::training::trainer::packs_per_epoch;
use crate::training::{Frozen, Objective, TrainConfig, Trainer};

const SETTINGS: &str = "job.json";
const DATA: &str = "job.jsonl";
const REFERENCE: &str = "job.ref.gguf";
const CHECKPOINT: &str = "job.ckpt";
/// The running job's plan (sources and held-out questions), when it was made from memory.
const PLAN: &str = "job.plan.json";
/// Marks that a personal adapter was removed because a source it learnt from was deleted.
const STALE: &str = "stale";
/// The file naming the adapter in use.
pub(crate) const ACTIVE: &str = "active";
/// Checkpoint at least this often (ms) and at least ten times a job.
const CHECKPOINT_MS: f64 = 30_000.0;

/// What a personal adapter was made from: the sources memory held and the held-out questions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Kept {
    pub(crate) sources: Vec<String>,
    pub(crate) held_out: Vec<Example>,
}

/// A job's settings, kept beside its data so a restart can rebuild it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Settings {
    name: String,
    objective: String,
    steps: u64,
    seq_len: usize,
    lr: f32,
    seed: u64,
}

impl Settings {
    fn config(&self) -> TrainConfig {
        TrainConfig {
            steps: self.steps,
            seq_len: self.seq_len,
            lr: self.lr,
            warmup: (self.steps / 10).max(1),
            seed: self.seed,
            ..TrainConfig::default()
        }
    }
}

struct Job {
    settings: Settings,
    trainer: Trainer,
}

#[derive(Default, Clone)]
struct Shown {
    state: &'static str,
    step: u64,
    total: u64,
    loss: Option<f32>,
    name: Option<String>,
    error: Option<String>,
    curve: Vec<(u64, f32)>,
}

/// The training job and what the UI is shown of it.
#[derive(Default)]
pub(crate) struct TrainingHost {
    job: Mutex<Option<Job>>,
    pause: Cell<bool>,
    cancel: Cell<bool>,
    running: Cell<bool>,
    shown: RefCell<Shown>,
}

fn bad(why: impl Into<String>) -> EngineError {
    EngineError::BadRequest(why.into())
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 40
        && name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        && !name.starts_with("job")
}

/// The base model's parts training needs.
struct Base {
    config: LlamaConfig,
    weights: LlamaWeights,
    tokenizer: Tokenizer,
}

fn read_base(bytes: &[u8]) -> Result<Base, EngineError> {
    let gguf = GgufFile::parse(bytes).map_err(|e| EngineError::Model(e.to_string()))?;
    let config = LlamaConfig::from_gguf(&gguf).map_err(|e| EngineError::Model(e.to_string()))?;
    let weights = LlamaWeights::load(&gguf, &config).map_err(|e| EngineError::Model(e.to_string()))?;
    let tokenizer = Tokenizer::from_gguf(&gguf).map_err(|e| EngineError::Model(e.to_string()))?;
    Ok(Base { config, weights, tokenizer })
}

fn objective_of(settings: &Settings, tok: &Tokenizer, data: &str) -> Result<Objective, EngineError> {
    match settings.objective.as_str() {
        "sft" => {
            let convs = parse_sft(data).map_err(|e| bad(format!("the training data: {e}")))?;
            Ok(Objective::Sft(convs.iter().map(|c| tokenize(tok, c)).collect()))
        }
        "dpo" => {
            let prefs = parse_dpo(data).map_err(|e| bad(format!("the training data: {e}")))?;
            Ok(Objective::Dpo(prefs.iter().map(|p| tokenize_pair(tok, p)).collect()))
        }
        other => Err(bad(format!("objective `{other}`: use `sft` or `dpo`"))),
    }
}

impl TrainingHost {
    /// `train.status`.
    pub(crate) async fn status(&self) -> Result<Reply, EngineError> {
        if !self.running.get() && self.shown.borrow().state.is_empty() {
            // Nothing ran since the engine started: a job left on disk was interrupted.
            if opfs::read_in(ADAPTERS, SETTINGS).await?.is_some() {
                let settings = self.saved_settings().await?;
                let step = match opfs::read_in(ADAPTERS, CHECKPOINT).await? {
                    Some(b) => GgufFile::parse(&b).ok().and_then(|f| f.u64("secondself.train.step").ok()).unwrap_or(0),
                    None => 0,
                };
                self.shown.replace(Shown { state: "interrupted", step, total: settings.steps, name: Some(settings.name), ..Shown::default() });
            }
        }
        self.reply().await
    }

    async fn reply(&self) -> Result<Reply, EngineError> {
        let s = self.shown.borrow().clone();
        let files = opfs::list_in(ADAPTERS).await?;
        let mut adapters: Vec<String> = files.iter().filter_map(|f| f.strip_suffix(".gguf")).filter(|n| valid_name(n)).map(String::from).collect();
        adapters.sort();
        let active = opfs::read_in(ADAPTERS, ACTIVE).await?.and_then(|b| String::from_utf8(b).ok()).filter(|n| !n.is_empty());
        Ok(Reply::TrainState {
            state: if s.state.is_empty() { "idle" } else { s.state }.into(),
            step: s.step,
            total: s.total,
            loss: s.loss,
            name: s.name,
            error: s.error,
            adapters,
            active: active.clone(),
            curve: s.curve,
            stale: opfs::read_in(ADAPTERS, STALE).await?.is_some(),
            compared: match &active {
                Some(n) => opfs::read_in(ADAPTERS, &format!("{n}.compare.json")).await?.and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default(),
                None => Vec::new(),
            },
        })
    }

    async fn saved_settings(&self) -> Result<Settings, EngineError> {
        let bytes = opfs::read_in(ADAPTERS, SETTINGS).await?.ok_or_else(|| bad("there is no training job to resume"))?;
        serde_json::from_slice(&bytes).map_err(|e| EngineError::Model(format!("the saved training job is unreadable: {e}")))
    }

    /// `train.start`: checks and keeps the job, then runs it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn start(
        &self,
        model: &ModelHost,
        data: String,
        objective: String,
        name: Option<String>,
        steps: Option<u64>,
        seq_len: Option<usize>,
        lr: Option<f32>,
        plan: Option<Kept>,
        emit: &dyn Fn(&Event),
    ) -> Result<Reply, EngineError> {
        let mut slot = self.job.try_lock().ok_or_else(|| bad("a training job is running; pause or cancel it first"))?;
        let name = name.unwrap_or_else(|| "personal".into());
        if !valid_name(&name) {
            return Err(bad("an adapter name is 1–40 letters, digits, - or _"));
        }
        let seq_len = seq_len.unwrap_or(256).clamp(32, 2048);
        emit(&Event::Progress { stage: "prepare training".into(), done: 0, total: 1 });
        let bytes = model.base_bytes().await?;
        let base = read_base(&bytes)?;
        drop(bytes);
        let mut settings = Settings {
            name,
            lr: lr.unwrap_or(if objective == "dpo" { 5e-5 } else { 2e-4 }),
            objective,
            steps: 1,
            seq_len,
            seed: 1,
        };
        let obj = objective_of(&settings, &base.tokenizer, &data)?;
        settings.steps = steps.unwrap_or_else(|| 3 * packs_per_epoch(&obj, seq_len, settings.seed) as u64).clamp(1, 100_000);
        let reference = if settings.objective == "dpo" {
            let active = opfs::read_in(ADAPTERS, ACTIVE).await?.and_then(|b| String::from_utf8(b).ok()).filter(|n| !n.is_empty());
            let active = active.ok_or_else(|| bad("DPO starts from a trained adapter: train with SFT first and use that adapter"))?;
            let bytes = opfs::read_in(ADAPTERS, &format!("{active}.gguf")).await?.ok_or_else(|| bad(format!("adapter {active} is missing")))?;
            Some(bytes)
        } else {
            None
        };
        // Keep the job before it runs: a restart from here on finds it.
        opfs::remove_in(ADAPTERS, CHECKPOINT).await?;
        match &plan {
            Some(p) => opfs::write_in(ADAPTERS, PLAN, &serde_json::to_vec(p).unwrap_or_default()).await?,
            None => opfs::remove_in(ADAPTERS, PLAN).await?,
        }
        opfs::write_in(ADAPTERS, DATA, data.as_bytes()).await?;
        match &reference {
            Some(r) => opfs::write_in(ADAPTERS, REFERENCE, r).await?,
            None => opfs::remove_in(ADAPTERS, REFERENCE).await?,
        }
        opfs::write_in(ADAPTERS, SETTINGS, &serde_json::to_vec(&settings).unwrap_or_default()).await?;
        let init = match reference {
            Some(r) => Some(Adapter::from_bytes(&r, &base.config).map_err(|e| EngineError::Model(e.to_string()))?),
            None => None,
        };
        let (device, _, _) = model.device().await;
        let frozen = Frozen::new(base.config.clone(), &base.weights, &device).map_err(|e| EngineError::Model(e.to_string()))?;
        drop(base);
        let trainer = Trainer::new(frozen, settings.config(), obj, init).await.map_err(|e| EngineError::Model(e.to_string()))?;
        *slot = Some(Job { settings, trainer });
        self.run(&mut slot, model, emit).await
    }

    /// `train.resume`: the paused job, or the one on disk from its checkpoint.
    pub(crate) async fn resume(&self, model: &ModelHost, emit: &dyn Fn(&Event)) -> Result<Reply, EngineError> {
        let mut slot = self.job.try_lock().ok_or_else(|| bad("the training job is already running"))?;
        if slot.is_none() {
            emit(&Event::Progress { stage: "prepare training".into(), done: 0, total: 1 });
            let settings = self.saved_settings().await?;
            let data = opfs::read_in(ADAPTERS, DATA).await?.ok_or_else(|| bad("the training job's data is missing"))?;
            let data = String::from_utf8(data).map_err(|_| bad("the training job's data is not text"))?;
            let bytes = model.base_bytes().await?;
            let base = read_base(&bytes)?;
            drop(bytes);
            let obj = objective_of(&settings, &base.tokenizer, &data)?;
            let (device, _, _) = model.device().await;
            let frozen = Frozen::new(base.config.clone(), &base.weights, &device).map_err(|e| EngineError::Model(e.to_string()))?;
            let trainer = match opfs::read_in(ADAPTERS, CHECKPOINT).await? {
                Some(ckpt) => Trainer::resume(frozen, settings.config(), obj, &ckpt).map_err(|e| EngineError::Model(e.to_string()))?,
                None => {
                    let init = match opfs::read_in(ADAPTERS, REFERENCE).await? {
                        Some(r) => Some(Adapter::from_bytes(&r, &base.config).map_err(|e| EngineError::Model(e.to_string()))?),
                        None => None,
                    };
                    Trainer::new(frozen, settings.config(), obj, init).await.map_err(|e| EngineError::Model(e.to_string()))?
                }
            };
            *slot = Some(Job { settings, trainer });
        }
        self.run(&mut slot, model, emit).await
    }

    /// `train.pause`: the running job stops after its current step, checkpointed.
    pub(crate) async fn pause(&self) -> Result<Reply, EngineError> {
        if self.running.get() {
            self.pause.set(true);
        }
        self.reply().await
    }

    /// `train.cancel`: stops the job and deletes it (the adapters already made stay).
    pub(crate) async fn cancel(&self) -> Result<Reply, EngineError> {
        if self.running.get() {
            self.cancel.set(true);
            return self.reply().await;
        }
        if let Some(mut slot) = self.job.try_lock() {
            *slot = None;
        }
        forget_job().await?;
        self.shown.replace(Shown { state: "cancelled", ..Shown::default() });
        self.reply().await
    }

    /// Deletes every adapter and the job (delete all).
    pub(crate) async fn clear(&self, model: &ModelHost) -> Result<(), EngineError> {
        if self.running.get() {
            self.cancel.set(true);
        }
        for f in opfs::list_in(ADAPTERS).await? {
            opfs::remove_in(ADAPTERS, &f).await?;
        }
        model.set_adapter(None).await;
        self.shown.replace(Shown::default());
        Ok(())
    }

    async fn run(&self, slot: &mut Option<Job>, model: &ModelHost, emit: &dyn Fn(&Event)) -> Result<Reply, EngineError> {
        let Some(job) = slot.as_mut() else {
            return Err(bad("there is no training job"));
        };
        self.pause.set(false);
        self.cancel.set(false);
        self.running.set(true);
        let total = job.trainer.total_steps();
        let every = (total / 10).max(1);
        let curve = std::mem::take(&mut self.shown.borrow_mut().curve);
        self.shown.replace(Shown { state: "running", step: job.trainer.step_count(), total, name: Some(job.settings.name.clone()), curve, ..Shown::default() });
        let (started, first_step) = (js_sys::Date::now(), job.trainer.step_count());
        let mut last_checkpoint = started;
        let mut tokens = 0usize;
        let result: Result<&'static str, EngineError> = async {
            loop {
                if self.cancel.get() {
                    return Ok("cancelled");
                }
                if self.pause.get() {
                    opfs::write_in(ADAPTERS, CHECKPOINT, &job.trainer.checkpoint()).await?;
                    return Ok("paused");
                }
                if job.trainer.is_done() {
                    return Ok("done");
                }
                let r = job.trainer.step().await.map_err(|e| EngineError::Model(e.to_string()))?;
                tokens += r.tokens;
                let secs = ((js_sys::Date::now() - started) / 1000.0).max(1e-3);
                let per_step = secs / (r.step - first_step).max(1) as f64;
                emit(&Event::TrainProgress {
                    step: r.step,
                    total,
                    loss: r.loss,
                    tokens_per_s: tokens as f64 / secs,
                    eta_s: per_step * (total - r.step) as f64,
                });
                {
                    let mut s = self.shown.borrow_mut();
                    s.step = r.step;
                    s.loss = Some(r.loss);
                    s.curve.push((r.step, r.loss));
                }
                if !job.trainer.is_done() && (r.step % every == 0 || js_sys::Date::now() - last_checkpoint > CHECKPOINT_MS) {
                    opfs::write_in(ADAPTERS, CHECKPOINT, &job.trainer.checkpoint()).await?;
                    last_checkpoint = js_sys::Date::now();
                }
                yield_to_event_loop().await;
            }
        }
        .await;
        self.running.set(false);
        match result {
            Ok("done") => {
                let name = job.settings.name.clone();
                let adapter = job.trainer.adapter().clone();
                opfs::write_in(ADAPTERS, &format!("{name}.gguf"), &adapter.to_gguf_bytes()).await?;
                opfs::remove_in(ADAPTERS, &format!("{name}.compare.json")).await?;
                match opfs::read_in(ADAPTERS, PLAN).await? {
                    Some(plan) => {
                        opfs::write_in(ADAPTERS, &format!("{name}.plan.json"), &plan).await?;
                        opfs::remove_in(ADAPTERS, STALE).await?;
                    }
                    // An adapter trained from a file replaces any plan its name had.
                    None => opfs::remove_in(ADAPTERS, &format!("{name}.plan.json")).await?,
                }
                opfs::write_in(ADAPTERS, ACTIVE, name.as_bytes()).await?;
                *slot = None;
                forget_job().await?;
                model.set_adapter(Some(adapter)).await;
                self.shown.borrow_mut().state = "done";
            }
            Ok("cancelled") => {
                *slot = None;
                forget_job().await?;
                self.shown.replace(Shown { state: "cancelled", ..Shown::default() });
            }
            Ok(state) => self.shown.borrow_mut().state = state,
            Err(e) => {
                let mut s = self.shown.borrow_mut();
                s.state = "failed";
                s.error = Some(e.to_string());
                drop(s);
                *slot = None;
                return Err(e);
            }
        }
        self.reply().await
    }

    /// A source was deleted: every adapter (and the job) that learnt from it goes, and the
    /// panel is told why.
    pub(crate) async fn source_deleted(&self, model: &ModelHost, source_id: &str) -> Result<(), EngineError> {
        let learnt_from = |bytes: &[u8]| serde_json::from_slice::<Kept>(bytes).map(|k| k.sources.iter().any(|s| s == source_id)).unwrap_or(true);
        if let Some(plan) = opfs::read_in(ADAPTERS, PLAN).await? {
            if learnt_from(&plan) {
                if self.running.get() {
                    self.cancel.set(true);
                } else {
                    if let Some(mut slot) = self.job.try_lock() {
                        *slot = None;
                    }
                    forget_job().await?;
                    self.shown.replace(Shown::default());
                }
                opfs::write_in(ADAPTERS, STALE, b"1").await?;
            }
        }
        let active = opfs::read_in(ADAPTERS, ACTIVE).await?.and_then(|b| String::from_utf8(b).ok());
        for file in opfs::list_in(ADAPTERS).await? {
            let Some(name) = file.strip_suffix(".plan.json").filter(|n| valid_name(n)) else { continue };
            let Some(plan) = opfs::read_in(ADAPTERS, &file).await? else { continue };
            if !learnt_from(&plan) {
                continue;
            }
            opfs::remove_in(ADAPTERS, &format!("{name}.gguf")).await?;
            opfs::remove_in(ADAPTERS, &format!("{name}.compare.json")).await?;
            opfs::remove_in(ADAPTERS, &file).await?;
            opfs::write_in(ADAPTERS, STALE, b"1").await?;
            if active.as_deref() == Some(name) {
                opfs::remove_in(ADAPTERS, ACTIVE).await?;
                model.set_adapter(None).await;
            }
        }
        Ok(())
    }

    /// `train.compare`: the active adapter's held-out questions, asked with the untrained model
    /// and with the adapter (greedy), scored per task.
    pub(crate) async fn compare(&self, model: &ModelHost, emit: &dyn Fn(&Event)) -> Result<Reply, EngineError> {
        let name = opfs::read_in(ADAPTERS, ACTIVE).await?.and_then(|b| String::from_utf8(b).ok()).filter(|n| valid_name(n));
        let name = name.ok_or_else(|| bad("no trained adapter is in use"))?;
        let plan = opfs::read_in(ADAPTERS, &format!("{name}.plan.json")).await?.ok_or_else(|| bad(format!("adapter {name} was not trained from memory")))?;
        let plan: Kept = serde_json::from_slice(&plan).map_err(|e| EngineError::Model(format!("the adapter's plan is unreadable: {e}")))?;
        let bytes = opfs::read_in(ADAPTERS, &format!("{name}.gguf")).await?.ok_or_else(|| bad(format!("adapter {name} is missing")))?;
        let adapter = model.read_adapter(&bytes).await?;
        let params = crate::tasks::memory_qa::generation_params();
        let total = 2 * plan.held_out.len() as u64;
        let mut answers: [Vec<String>; 2] = Default::default();
        let result = async {
            for (pass, with) in [None, Some(adapter.clone())].into_iter().enumerate() {
                model.set_adapter(with).await;
                for e in &plan.held_out {
                    emit(&Event::Progress { stage: "compare".into(), done: (pass * plan.held_out.len() + answers[pass].len()) as u64, total });
                    let (done, _) = model.complete(&e.messages[..e.messages.len().saturating_sub(1)], &params, &|_| {}).await?;
                    answers[pass].push(done.text);
                }
            }
            Ok::<_, EngineError>(())
        }
        .await;
        // Chat answers with the adapter again, whatever happened.
        model.set_adapter(Some(adapter)).await;
        result?;
        let before = score(&plan.held_out, &answers[0]);
        let after = score(&plan.held_out, &answers[1]);
        let rows: Vec<CompareRow> = before.iter().zip(&after).map(|(b, a)| CompareRow { task: b.task, n: b.n, untrained: b.right, trained: a.right }).collect();
        // Kept beside the adapter: the panel shows it whenever the adapter is in use.
        opfs::write_in(ADAPTERS, &format!("{name}.compare.json"), &serde_json::to_vec(&rows).unwrap_or_default()).await?;
        Ok(Reply::TrainCompared { name, rows })
    }

    /// `adapter.use`: the adapter chat answers with (`None`: the base model).
    pub(crate) async fn use_adapter(&self, model: &ModelHost, name: Option<String>) -> Result<Reply, EngineError> {
        match &name {
            Some(n) => {
                if !valid_name(n) {
                    return Err(bad("no such adapter"));
                }
                let bytes = opfs::read_in(ADAPTERS, &format!("{n}.gguf")).await?.ok_or_else(|| bad(format!("there is no adapter {n}")))?;
                let adapter = model.read_adapter(&bytes).await?;
                opfs::write_in(ADAPTERS, ACTIVE, n.as_bytes()).await?;
                model.set_adapter(Some(adapter)).await;
            }
            None => {
                opfs::remove_in(ADAPTERS, ACTIVE).await?;
                model.set_adapter(None).await;
            }
        }
        self.reply().await
    }
}

async fn forget_job() -> Result<(), EngineError> {
    for f in [CHECKPOINT, SETTINGS, DATA, REFERENCE, PLAN] {
        opfs::remove_in(ADAPTERS, f).await?;
    }
    Ok(())
}
