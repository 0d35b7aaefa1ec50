//! The typed protocol between the extension and the engine.
//!
//! JavaScript sends `{id, request}` envelopes; the engine answers each with exactly one
//! `{id, reply}` and, for long work, any number of `{id, event}` before it. Message kinds are
//! `area.verb`; `extension/protocol.js` lists the same kinds and a test keeps the two in step.

use serde::{Deserialize, Serialize};

use crate::tasks::autofill::{FieldDescriptor, FillScope, Prediction, SensitiveOffer};
use crate::tasks::critic::Problem;
use crate::tasks::enhance::Added;

/// Everything the engine can be asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Request {
    /// Is the engine alive? Answered with [`Reply::Pong`].
    #[serde(rename = "engine.ping")]
    Ping,
    /// Classify a page's form fields (descriptors from `content/autofill-fields.js`) and choose
    /// values for them from the profile the engine holds. Answered with [`Reply::AutofillPlan`].
    /// `focus` (a descriptor index) and `scope` narrow the fills (the inline menu's "fill this
    /// form / field"); `pick` is a sensitive profile key the user chose in that menu.
    #[serde(rename = "autofill.classify")]
    AutofillClassify {
        fields: Vec<FieldDescriptor>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        focus: Option<usize>,
        #[serde(default)]
        scope: FillScope,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pick: Option<String>,
    },
    /// Import one file (`data` is base64) as one transaction. Answered with [`Reply::MemoryImported`].
    #[serde(rename = "memory.import")]
    MemoryImport { name: String, data: String },
    /// Remember a typed note, or a page selection with its URL and title.
    #[serde(rename = "memory.remember")]
    MemoryRemember { text: String, url: Option<String>, title: Option<String> },
    /// Re-derive the profile (L1) from all memory. Answered with [`Reply::MemoryProfile`].
    #[serde(rename = "memory.distil")]
    MemoryDistil,
    /// Facts, bio, topics and sources, for the memory manager. Answered with [`Reply::MemoryProfile`].
    #[serde(rename = "memory.overview")]
    MemoryOverview,
    /// A user edit of a fact: wins over every import.
    #[serde(rename = "memory.pin")]
    MemoryPin { key: String, value: String },
    /// Forget one fact (it does not come back on re-import).
    #[serde(rename = "memory.forget")]
    MemoryForget { fact_id: String },
    /// Delete a source and what was derived only from it.
    #[serde(rename = "memory.delete_source")]
    MemoryDeleteSource { source_id: String },
    /// Top `k` facts and passages for `query`. Answered with [`Reply::MemoryResults`].
    #[serde(rename = "memory.search")]
    MemorySearch { query: String, k: usize },
    /// Everything, as one versioned JSON backup. Answered with [`Reply::MemoryBackup`].
    #[serde(rename = "memory.export")]
    MemoryExport,
    /// Replace all memory with a backup (one transaction; a bad backup changes nothing).
    #[serde(rename = "memory.restore")]
    MemoryRestore { backup: serde_json::Value },
    /// Delete all memory.
    #[serde(rename = "memory.clear")]
    MemoryClear,
    /// Embed the chunks that have no vector yet, batch by batch (other requests are served in
    /// between), with `engine.progress` events (`stage: "embed"`). Answered with
    /// [`Reply::MemoryEmbedded`].
    #[serde(rename = "memory.embed")]
    MemoryEmbed,
    /// Add the user's relevant facts to a prompt they are writing on chat site `site`.
    /// Answered with [`Reply::Enhanced`].
    #[serde(rename = "task.enhance")]
    Enhance { site: String, prompt: String },
    /// Check an AI `reply` (to the user's `request`) against their facts. Answered with
    /// [`Reply::Critiqued`]. The reply is page text: data, never instructions.
    #[serde(rename = "task.critique")]
    Critique { request: String, reply: String },
    /// Run the retrieval benchmark in this engine (see `retrieval::bench`).
    #[serde(rename = "bench.retrieval")]
    BenchRetrieval { chunks: usize, queries: usize },
    /// Loads the model (once): fetched from the extension, placed on WebGPU when it passes the
    /// self-check, else on the CPU. Progress comes as `engine.progress` events.
    #[serde(rename = "model.load")]
    ModelLoad,
    /// The model's state, without loading it.
    #[serde(rename = "model.status")]
    ModelStatus,
    /// Validates the model file the side panel wrote to OPFS (`models/incoming.gguf`) and, if
    /// it loads, uses it from now on (kept across restarts); otherwise nothing changes.
    #[serde(rename = "model.import")]
    ModelImport,
    /// Forgets the imported model and loads the bundled one.
    #[serde(rename = "model.reset")]
    ModelReset,
    /// Runs `tokens` through the model and returns the last position's `top` logits, then feeds
    /// `follow` (the first few one at a time, the rest in one pass) and returns the argmax
    /// before each (teacher-forced greedy check against a reference). `cpu` or `webgpu` runs a
    /// copy of the model on that device instead of the loaded one.
    #[serde(rename = "model.probe")]
    ModelProbe { tokens: Vec<u32>, #[serde(default)] follow: Vec<u32>, top: usize, #[serde(default)] cpu: bool, #[serde(default)] webgpu: bool },
    /// Generates the assistant's next turn; pieces stream as `chat.piece` events.
    #[serde(rename = "chat.generate")]
    ChatGenerate { messages: Vec<ChatTurn>, #[serde(default)] options: ChatOptions },
    /// Stops the running generation after its current token.
    #[serde(rename = "chat.cancel")]
    ChatCancel,
    /// Memory QA: answers `question` from the user's memory, for the user or (a role the user
    /// picked) for someone else; model pieces stream as `chat.piece`, the reply carries the
    /// post-checked answer and its citations.
    #[serde(rename = "chat.ask")]
    ChatAsk { question: String, #[serde(default = "asker_user")] asker: crate::tasks::memory_qa::Asker },
    /// Times a prefill of `prompt_tokens` and `decode_tokens` greedy steps on the loaded model,
    /// or on a copy on the CPU (`cpu`) or WebGPU (`webgpu`) (`bench.html`, `secondself bench model`).
    #[serde(rename = "bench.model")]
    BenchModel { #[serde(default)] cpu: bool, #[serde(default)] webgpu: bool, prompt_tokens: usize, decode_tokens: usize },
    /// A draft for a free-text field (its descriptor, with the form's section): the relevant
    /// non-sensitive memories, rewritten by the model. Answered with [`Reply::AutofillDrafted`];
    /// the content script shows it for confirmation before inserting it.
    #[serde(rename = "autofill.draft")]
    AutofillDraft { field: FieldDescriptor },
    /// Trains a LoRA adapter on `data` (JSONL: `{"messages":[…]}` lines for `sft`,
    /// `{"prompt","chosen","rejected"}` for `dpo`, which starts from the active adapter) as a
    /// long job: `train.progress` events stream until it ends, is paused or cancelled; the
    /// reply is [`Reply::TrainState`]. Checkpoints are kept in OPFS, so a job stopped by a
    /// browser restart resumes with `train.resume`.
    #[serde(rename = "train.start")]
    TrainStart {
        data: String,
        #[serde(default = "sft")]
        objective: String,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        steps: Option<u64>,
        #[serde(default)]
        seq_len: Option<usize>,
        #[serde(default)]
        lr: Option<f32>,
    },
    /// Resumes a paused or interrupted job (from its last checkpoint); streams like `train.start`.
    #[serde(rename = "train.resume")]
    TrainResume,
    /// Pauses the running job after its current step (its state is kept).
    #[serde(rename = "train.pause")]
    TrainPause,
    /// Stops the job and deletes its checkpoint.
    #[serde(rename = "train.cancel")]
    TrainCancel,
    /// The job's state and the adapters there are.
    #[serde(rename = "train.status")]
    TrainStatus,
    /// Answers with adapter `name` from now on, or with the base model (`null`).
    #[serde(rename = "adapter.use")]
    AdapterUse { name: Option<String> },
    /// What "Train my SecondSelf" would learn from memory as it is now: examples by task (no
    /// target holds a sensitive value), the held-out questions, the languages asked in.
    #[serde(rename = "train.plan")]
    TrainPlan,
    /// Trains the `personal` adapter on that plan (SFT), as a long job like `train.start`. The
    /// adapter remembers the sources it learnt from: deleting one of them removes it.
    #[serde(rename = "train.memory")]
    TrainMemory {
        #[serde(default)]
        steps: Option<u64>,
        #[serde(default)]
        max_examples: Option<usize>,
        #[serde(default)]
        seq_len: Option<usize>,
        #[serde(default)]
        lr: Option<f32>,
    },
    /// Asks the personal adapter's held-out questions with the untrained model and with the
    /// adapter (`train.compare` events as it goes); the reply is [`Reply::TrainCompared`].
    #[serde(rename = "train.compare")]
    TrainCompare,
}

fn sft() -> String {
    "sft".into()
}

impl Request {
    /// Whether serving this request may change memory (caches of it must be dropped).
    pub fn may_write_memory(&self) -> bool {
        matches!(
            self,
            Request::MemoryImport { .. }
                | Request::MemoryRemember { .. }
                | Request::MemoryDistil
                | Request::MemoryPin { .. }
                | Request::MemoryForget { .. }
                | Request::MemoryDeleteSource { .. }
                | Request::MemoryRestore { .. }
                | Request::MemoryClear
        )
    }

    /// Whether a web page's content script may send this request. Pages get the narrow task
    /// answers (autofill plans, enhanced prompts, critiques), never memory itself, and cannot
    /// write memory either ("Remember this" goes through the browser's context menu).
    pub fn allowed_from_page(&self) -> bool {
        matches!(
            self,
            Request::Ping
                | Request::AutofillClassify { .. }
                | Request::AutofillDraft { .. }
                | Request::Enhance { .. }
                | Request::Critique { .. }
        )
    }
}

/// The one final answer to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Reply {
    /// The engine's version and the compute backend it runs on.
    #[serde(rename = "engine.pong")]
    Pong { version: String, backend: Backend },
    /// The request failed; `error` is a stable kind, `message` says what to do.
    #[serde(rename = "engine.error")]
    Error { error: String, message: String },
    /// One token per field (`"none"` included) and the values to write, by field index. Values
    /// only ever go to fields the collector found fillable; sensitive tokens are never filled
    /// unless picked. `offers`: the sensitive facts the focused field could take, masked.
    #[serde(rename = "autofill.plan")]
    AutofillPlan {
        predictions: Vec<Prediction>,
        fills: Vec<AutofillValue>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        offers: Vec<SensitiveOffer>,
        /// The focused field asks for free text (`autofill.draft` can answer it).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        draftable: bool,
    },
    /// The outcome of one import: `imported`, `duplicate` or `failed` with a message.
    #[serde(rename = "memory.imported")]
    MemoryImported { outcome: ImportOutcome },
    /// The state of memory after a change, or on request.
    #[serde(rename = "memory.profile")]
    MemoryProfile {
        facts: Vec<crate::memory::Fact>,
        bio: String,
        topics: Vec<String>,
        sources: Vec<crate::memory::Source>,
        /// Stored records skipped because they no longer decode (a damaged row); the rest works.
        #[serde(default)]
        unreadable: usize,
    },
    /// Search results, best first.
    #[serde(rename = "memory.results")]
    MemoryResults { hits: Vec<crate::retrieval::hits::Hit> },
    /// A full backup (see `memory::manage::export_backup`).
    #[serde(rename = "memory.backup")]
    MemoryBackup { backup: serde_json::Value },
    /// Chunks embedded by `memory.embed`; `meaning` is false when the embedding model could not
    /// load (search then uses keywords only).
    #[serde(rename = "memory.embedded")]
    MemoryEmbedded { embedded: usize, meaning: bool },
    /// `enhanced` = the unchanged `prompt`, then the added context; `added` lists each sentence
    /// with the fact it came from (empty when nothing relevant was found).
    #[serde(rename = "task.enhanced")]
    Enhanced { prompt: String, enhanced: String, added: Vec<Added> },
    /// `fits` when nothing in the reply conflicts with the user's facts; else the `problems`,
    /// each citing its fact.
    #[serde(rename = "task.critiqued")]
    Critiqued { fits: bool, problems: Vec<Problem> },
    /// The retrieval benchmark's measurements.
    #[serde(rename = "bench.retrieved")]
    BenchRetrieved { report: crate::retrieval::bench::RetrievalBench },
    /// The model's state: `none`, `loading`, `ready` or `failed` (with `error`).
    #[serde(rename = "model.state")]
    ModelState { state: String, model: Option<ModelInfo>, error: Option<String> },
    /// The answer to `model.probe`: `[token, logit]` pairs, best first, and the argmax before
    /// each `follow` token.
    #[serde(rename = "model.probed")]
    ModelProbed { backend: String, top: Vec<(u32, f32)>, argmax: Vec<u32>, ms: f64 },
    /// A finished (or cancelled) generation.
    #[serde(rename = "chat.done")]
    ChatDone { text: String, tokens: usize, prompt_tokens: usize, stop: String, ms: f64 },
    /// The answer to `chat.ask`.
    #[serde(rename = "chat.answered")]
    ChatAnswered { answer: crate::tasks::memory_qa::Answer, tokens: usize, ms: f64 },
    /// The answer to `chat.cancel`: whether a generation was running.
    #[serde(rename = "chat.cancelled")]
    ChatCancelled { running: bool },
    /// The answer to `bench.model`.
    #[serde(rename = "bench.modeled")]
    BenchModeled { backend: String, load_ms: f64, bench: crate::model::bench::ModelBench, wasm_heap_mb: f64 },
    /// The answer to `autofill.draft`: the draft text (empty when memory holds nothing for the
    /// question) and the memories it rests on.
    #[serde(rename = "autofill.drafted")]
    AutofillDrafted { text: String, used: Vec<crate::tasks::enhance::Added>, from_model: bool },
    /// A training job's state (`idle`, `running`, `paused`, `interrupted`, `done`, `cancelled`,
    /// `failed` with `error`), the adapters kept and the one in use (`None`: the base model).
    #[serde(rename = "train.state")]
    TrainState {
        state: String,
        step: u64,
        total: u64,
        loss: Option<f32>,
        name: Option<String>,
        error: Option<String>,
        adapters: Vec<String>,
        active: Option<String>,
        /// `(step, loss)` of this job's steps so far (since the engine started).
        curve: Vec<(u64, f32)>,
        /// True when the personal adapter was removed because a source it learnt from was
        /// deleted (until the next training).
        #[serde(default)]
        stale: bool,
        /// The adapter in use's held-out questions answered right, untrained and trained (empty
        /// until `train.compare` ran for it).
        #[serde(default)]
        compared: Vec<CompareRow>,
    },
    /// What `train.memory` would learn now.
    #[serde(rename = "train.planned")]
    TrainPlanned {
        /// Examples to train on, by task (`memory-self`, `closed-book`, `third-party`).
        examples: Vec<TaskCount>,
        /// Questions kept back to compare the untrained and the trained model on.
        held_out: usize,
        /// Examples after each filter level.
        counts: crate::training::filter::Counts,
        languages: Vec<String>,
        /// Sources of memory it learns from.
        sources: usize,
    },
    /// The held-out questions of the personal adapter, right answers by task, untrained and trained.
    #[serde(rename = "train.compared")]
    TrainCompared { name: String, rows: Vec<CompareRow> },
}

/// Examples of one task in a training plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskCount {
    pub task: crate::training::synth::Task,
    pub n: usize,
}

/// One task's held-out score before and after training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareRow {
    pub task: crate::training::synth::Task,
    pub n: usize,
    pub untrained: usize,
    pub trained: usize,
}

fn asker_user() -> crate::tasks::memory_qa::Asker {
    crate::tasks::memory_qa::Asker::User
}

/// One turn of a conversation sent by the side panel (`user` or `assistant`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatTurn {
    pub role: String,
    pub content: String,
}

/// Sampling options of `chat.generate`; absent fields take the defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatOptions {
    pub max_tokens: usize,
    pub temperature: f32,
    pub top_k: usize,
    pub top_p: f32,
    pub repetition_penalty: f32,
    pub seed: u64,
}

impl Default for ChatOptions {
    fn default() -> Self {
        ChatOptions { max_tokens: 256, temperature: 0.0, top_k: 0, top_p: 1.0, repetition_penalty: 1.1, seed: 0 }
    }
}

/// What model is loaded, from where, and on which backend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub name: String,
    /// `bundled` (shipped in the extension) or `imported` (a file the user chose).
    pub source: String,
    pub bytes: u64,
    pub backend: Backend,
    pub load_ms: f64,
    /// Why WebGPU was not used, when it was not.
    pub fallback: Option<String>,
}

/// What happened to one imported file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum ImportOutcome {
    Imported { source_id: String, chunks: usize },
    Duplicate { source_id: String },
    /// `message` is the engine's own (English) account; `reason`, when the file itself is the
    /// cause, is a code the side panel says in the user's language (see [`ImportErrorKind::code`]).
    Failed {
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

/// One value to write: `fillIndex(index, value)` in the content script.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutofillValue {
    pub index: usize,
    pub value: String,
}

/// Progress and partial results sent before the final reply of long work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Event {
    /// `done` of `total` units of `stage` are finished.
    #[serde(rename = "engine.progress")]
    Progress { stage: String, done: u64, total: u64 },
    /// A decoded piece of a `chat.generate` answer.
    #[serde(rename = "chat.piece")]
    ChatPiece { text: String },
    /// A training step is done.
    #[serde(rename = "train.progress")]
    TrainProgress { step: u64, total: u64, loss: f32, tokens_per_s: f64, eta_s: f64 },
}

/// Where the engine computes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Backend {
    /// A WebGPU (browser) or wgpu (native) adapter, by name.
    Gpu { adapter: String },
    /// The CPU, with the number of threads used.
    Cpu { threads: u32 },
}

impl Backend {
    /// A short human label such as `WebGPU: SwiftShader` or `CPU (1 thread)`.
    pub fn label(&self) -> String {
        match self {
            Backend::Gpu { adapter } => format!("GPU: {adapter}"),
            Backend::Cpu { threads } => {
                format!("CPU ({threads} thread{})", if *threads == 1 { "" } else { "s" })
            }
        }
    }
}

/// Every request and reply/event kind, in declaration order. `extension/protocol.js` must match.
pub const KINDS: &[&str] = &[
    "engine.ping",
    "autofill.classify",
    "memory.import",
    "memory.remember",
    "memory.distil",
    "memory.overview",
    "memory.pin",
    "memory.forget",
    "memory.delete_source",
    "memory.search",
    "memory.export",
    "memory.restore",
    "memory.clear",
    "memory.embed",
    "task.enhance",
    "task.critique",
    "bench.retrieval",
    "model.load",
    "model.status",
    "model.import",
    "model.reset",
    "model.probe",
    "chat.generate",
    "chat.cancel",
    "chat.ask",
    "bench.model",
    "autofill.draft",
    "train.start",
    "train.resume",
    "train.pause",
    "train.cancel",
    "train.status",
    "adapter.use",
    "train.plan",
    "train.memory",
    "train.compare",
    "engine.pong",
    "engine.error",
    "autofill.plan",
    "memory.imported",
    "memory.profile",
    "memory.results",
    "memory.backup",
    "memory.embedded",
    "task.enhanced",
    "task.critiqued",
    "bench.retrieved",
    "model.state",
    "model.probed",
    "chat.done",
    "chat.answered",
    "chat.cancelled",
    "bench.modeled",
    "autofill.drafted",
    "train.state",
    "train.planned",
    "train.compared",
    "engine.progress",
    "chat.piece",
    "train.progress",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_round_trips_as_its_kind() {
        let json = serde_json::to_string(&Request::Ping).unwrap();
        assert_eq!(json, r#"{"kind":"engine.ping"}"#);
        assert_eq!(serde_json::from_str::<Request>(&json).unwrap(), Request::Ping);
    }

    #[test]
    fn pong_carries_version_and_backend() {
        let reply = Reply::Pong { version: "1.2.3".into(), backend: Backend::Cpu { threads: 1 } };
        let v: serde_json::Value = serde_json::to_value(&reply).unwrap();
        assert_eq!(v["kind"], "engine.pong");
        assert_eq!(v["backend"]["type"], "cpu");
        assert_eq!(v["version"], "1.2.3");
    }

    #[test]
    fn pages_may_not_read_or_write_memory() {
        let page_may = |json: &str| serde_json::from_str::<Request>(json).unwrap().allowed_from_page();
        assert!(page_may(r#"{"kind":"engine.ping"}"#));
        assert!(page_may(r#"{"kind":"task.enhance","site":"chatgpt","prompt":"hi"}"#));
        for denied in [
            r#"{"kind":"memory.overview"}"#,
            r#"{"kind":"memory.search","query":"passport","k":5}"#,
            r#"{"kind":"memory.export"}"#,
            r#"{"kind":"memory.clear"}"#,
            r#"{"kind":"memory.pin","key":"tel","value":"1"}"#,
            r#"{"kind":"memory.remember","text":"x","url":"https://evil.example/","title":"t"}"#,
            r#"{"kind":"chat.generate","messages":[{"role":"user","content":"what is my passport number?"}]}"#,
            r#"{"kind":"model.probe","tokens":[1],"top":1}"#,
            r#"{"kind":"model.load"}"#,
            r#"{"kind":"model.import"}"#,
            r#"{"kind":"chat.ask","question":"what is my passport number?"}"#,
            r#"{"kind":"bench.model","prompt_tokens":1,"decode_tokens":1}"#,
            r#"{"kind":"train.plan"}"#,
            r#"{"kind":"train.memory"}"#,
            r#"{"kind":"train.compare"}"#,
        ] {
            assert!(!page_may(denied), "{denied} must be refused from pages");
        }
    }

    #[test]
    fn unknown_kind_is_an_error() {
        assert!(serde_json::from_str::<Request>(r#"{"kind":"engine.nope"}"#).is_err());
    }

    #[test]
    fn kinds_list_names_every_serde_tag_in_this_file() {
        let src = include_str!("protocol.rs");
        let tags: Vec<&str> = src
            .lines()
            .filter_map(|l| l.trim().strip_prefix("#[serde(rename = \""))
            .filter_map(|l| l.split('"').next())
            .collect();
        assert_eq!(tags, KINDS);
    }

    #[test]
    fn autofill_classify_round_trips() {
        let json = r#"{"kind":"autofill.classify","fields":[{"index":0,"tag":"input","type":"email","name":"email"}]}"#;
        let Request::AutofillClassify { fields, .. } = serde_json::from_str::<Request>(json).unwrap() else {
            panic!("wrong variant")
        };
        assert_eq!(fields[0].kind, "email");
        let plan = Reply::AutofillPlan { predictions: vec![], fills: vec![AutofillValue { index: 0, value: "x".into() }], offers: vec![], draftable: false };
        let v: serde_json::Value = serde_json::to_value(&plan).unwrap();
        assert_eq!(v["kind"], "autofill.plan");
        assert_eq!(v["fills"][0]["index"], 0);
    }

    #[test]
    fn chat_generate_takes_default_options() {
        let json = r#"{"kind":"chat.generate","messages":[{"role":"user","content":"hi"}],"options":{"max_tokens":8}}"#;
        let Request::ChatGenerate { messages, options } = serde_json::from_str::<Request>(json).unwrap() else {
            panic!("wrong variant")
        };
        assert_eq!(messages[0].content, "hi");
        assert_eq!(options.max_tokens, 8);
        assert_eq!(options.temperature, ChatOptions::default().temperature);
        let piece = serde_json::to_value(Event::ChatPiece { text: "Par".into() }).unwrap();
        assert_eq!(piece["kind"], "chat.piece");
    }

    #[test]
    fn backend_labels() {
        assert_eq!(Backend::Cpu { threads: 1 }.label(), "CPU (1 thread)");
        assert_eq!(Backend::Gpu { adapter: "X".into() }.label(), "GPU: X");
    }
}
