//! The engine's wasm surface: the only module that touches wasm-bindgen and browser APIs.
//!
//! `extension/offscreen/engine-host.js` creates one [`Engine`] and passes every request
//! envelope to [`Engine::handle`] with its origin (`null` for extension pages, `{tabId, frameId}`
//! for content scripts); events of long work go to the `on_event` callback. Requests from pages
//! are limited to [`Request::allowed_from_page`]: memory never goes to a page.
//! Errors leave this module as `{kind: "engine.error", error, message}` replies, never as throws.

mod embed_host;
pub mod idb;
mod model_host;
mod opfs;
mod training_host;

use std::rc::Rc;

use base64::Engine as _;
use futures::lock::Mutex;
use wasm_bindgen::prelude::*;

use crate::error::EngineError;
use crate::memory::import::{import_note, import_one, Outcome};
use crate::memory::store::Store;
use crate::memory::snapshot::Snapshot;
use crate::memory::{l1, manage, schema, MemoryError};
use crate::protocol::{Backend, Event, ImportOutcome, Reply, Request, TaskCount};
use crate::tasks::context::FactView;
use crate::tasks::{critic, enhance, memory_qa};
use idb::IdbStore;

/// Chunks embedded per hold of the store by `memory.embed`.
const EMBED_BATCH: usize = 16;
/// Examples "Train my SecondSelf" learns from at most (≈ 15k tokens: a night on a laptop's CPU).
const PLAN_EXAMPLES: usize = 160;
/// Held-out questions it is compared on (each asked twice: untrained and trained).
const PLAN_HELD_OUT: usize = 24;

/// The engine instance owned by the engine host page. Cheap to share: requests run
/// concurrently, memory operations one at a time.
#[wasm_bindgen]
pub struct Engine {
    inner: Rc<Inner>,
}

struct Inner {
    backend: Backend,
    /// The memory store, opened on first use; one operation at a time.
    memory: Mutex<Option<IdbStore>>,
    /// IndexedDB database name (tests use their own).
    db_name: String,
    /// The model (loaded on first use) and its generations.
    model: model_host::ModelHost,
    /// The LoRA training job and the adapters.
    training: training_host::TrainingHost,
    /// The embedding model (loaded on first use) for search by meaning.
    embedder: embed_host::EmbedHost,
    /// The current facts for pages, kept between requests that do not change memory (autofill
    /// asks on every form); dropped when every request that may write starts and when it ends.
    facts: Snapshot<Rc<Vec<crate::memory::Fact>>>,
}

/// Logs a panic to the console and leaves its message in `globalThis.__secondselfPanic`, where
/// the engine host finds it: a panic traps the wasm instance, and the host then answers every
/// pending request with that message (a clear error, not a silent missing reply) and restarts.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            console_error_panic_hook::hook(info);
            let _ = js_sys::Reflect::set(&js_sys::global(), &"__secondselfPanic".into(), &info.to_string().into());
        }));
    });
}

unsafe extern "C" {
    /// Runs the static constructors (cubecl registers its IR with `inventory` in them).
    fn __wasm_call_ctors();
}

/// Runs the static constructors once, when the module is instantiated.
///
/// Without an explicit call somewhere in the module, wasm-ld treats it as a "command" and wraps
/// *every* export in `__wasm_call_ctors`: each call from JS (each request, each string passed in,
/// each generated token) re-ran all constructors, which cost ~1.5 ms per autofill request.
#[wasm_bindgen(start)]
fn run_constructors_once() {
    // SAFETY: synthesized by wasm-ld; called once, before any other export runs.
    unsafe { __wasm_call_ctors() }
}

#[wasm_bindgen]
impl Engine {
    /// Starts the engine: installs the panic hook and probes the compute backend. `db_name`
    /// overrides the memory database (tests); `None` uses the default.
    pub async fn start(db_name: Option<String>) -> Engine {
        install_panic_hook();
        let backend = probe_webgpu().await.unwrap_or(Backend::Cpu { threads: 1 });
        let db_name = db_name.unwrap_or_else(|| schema::DB_NAME.to_string());
        Engine { inner: Rc::new(Inner { backend, memory: Mutex::new(None), db_name, model: Default::default(), training: Default::default(), embedder: Default::default(), facts: Default::default() }) }
    }

    /// A short label of the backend in use, for logs and the UI.
    #[wasm_bindgen(getter)]
    pub fn backend_label(&self) -> String {
        self.inner.backend.label()
    }

    /// Handles one request (a JS object with a `kind`); resolves with its reply object.
    /// `from_page` is true when a content script sent it.
    pub fn handle(&self, request: JsValue, from_page: bool, on_event: js_sys::Function) -> js_sys::Promise {
        let inner = Rc::clone(&self.inner);
        wasm_bindgen_futures::future_to_promise(async move {
            let reply = match parse_request(&request) {
                Ok(r) if from_page && !r.allowed_from_page() => Err(EngineError::Forbidden(kind_of(&r))),
                Ok(r) => inner.serve(r, &on_event).await,
                Err(e) => Err(EngineError::BadRequest(e.to_string())),
            };
            let reply = reply.unwrap_or_else(|e| Reply::Error { error: e.kind().into(), message: e.to_string() });
            Ok(to_js(&reply))
        })
    }
}

fn kind_of(r: &Request) -> String {
    serde_json::to_value(r).ok().and_then(|v| v["kind"].as_str().map(String::from)).unwrap_or_default()
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

impl Inner {
    async fn serve(&self, request: Request, on_event: &js_sys::Function) -> Result<Reply, EngineError> {
        if !request.may_write_memory() {
            return self.serve_one(request, on_event).await;
        }
        // A read in flight must not keep the facts it read across this write (see `Snapshot`).
        self.facts.invalidate();
        let reply = self.serve_one(request, on_event).await;
        self.facts.invalidate();
        reply
    }

    async fn serve_one(&self, request: Request, on_event: &js_sys::Function) -> Result<Reply, EngineError> {
        match request {
            Request::Ping => Ok(Reply::Pong { version: crate::VERSION.into(), backend: self.backend.clone() }),
            Request::AutofillClassify { fields, focus, scope, pick } => {
                let profile = self.facts_for_pages().await?;
                let profile = l1::profile(&profile).into_iter().collect();
                let ask = crate::tasks::autofill::FillAsk { focus, scope, pick };
                Ok(crate::tasks::autofill::plan_for(&fields, &profile, &ask))
            }
            Request::MemoryImport { name, data } => {
                // Refuse an oversized file before decoding it (base64 is 4 bytes for every 3).
                let size = (data.len() as u64 / 4) * 3;
                if size > crate::memory::import::MAX_FILE_BYTES {
                    let e = crate::memory::ImportErrorKind::TooLarge { size, limit: crate::memory::import::MAX_FILE_BYTES };
                    return Ok(Reply::MemoryImported { outcome: ImportOutcome::Failed { message: format!("{name}: {e}"), reason: Some(e.code().into()) } });
                }
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(data.as_bytes())
                    .map_err(|e| EngineError::BadRequest(format!("memory.import data is not base64: {e}")))?;
                emit(on_event, &Event::Progress { stage: format!("import {name}"), done: 0, total: bytes.len() as u64 });
                let outcome = self
                    .with_memory(|s| Box::pin(async move { Ok(import_one(s, &name, bytes.len() as u64, &bytes, now()).await) }))
                    .await?;
                Ok(Reply::MemoryImported { outcome: outcome_of(outcome) })
            }
            Request::MemoryRemember { text, url, title } => {
                let outcome = self
                    .with_memory(|s| {
                        Box::pin(async move {
                            let page = url.as_deref().map(|u| (u, title.as_deref().unwrap_or(u)));
                            let outcome = import_note(s, &text, page, now()).await;
                            if outcome.is_ok() {
                                l1::distil(s, now()).await?;
                            }
                            Ok(outcome)
                        })
                    })
                    .await?;
                Ok(Reply::MemoryImported { outcome: outcome_of(outcome) })
            }
            Request::MemoryDistil => {
                self.with_memory(|s| Box::pin(async move { l1::distil(s, now()).await.map(|_| ()) })).await?;
                self.overview().await
            }
            Request::MemoryOverview => self.overview().await,
            Request::MemoryPin { key, value } => {
                self.with_memory(|s| Box::pin(async move { l1::pin(s, &key, &value, now()).await.map(|_| ()) })).await?;
                self.overview().await
            }
            Request::MemoryForget { fact_id } => {
                self.with_memory(|s| Box::pin(async move { manage::forget_fact(s, &fact_id, now()).await.map(|_| ()) })).await?;
                self.overview().await
            }
            Request::MemoryDeleteSource { source_id } => {
                let id = source_id.clone();
                self.with_memory(|s| Box::pin(async move { manage::delete_source(s, &id, now()).await.map(|_| ()) })).await?;
                // Deletion reaches the model: an adapter that learnt from the source goes too.
                self.training.source_deleted(&self.model, &source_id).await?;
                self.overview().await
            }
            Request::MemorySearch { query, k } => {
                let meaning = self.embedder.meaning(&query).await;
                let hits = self
                    .with_memory(|s| Box::pin(async move { crate::retrieval::hits::search(s, &query, meaning.as_deref(), now(), k.clamp(1, 50)).await }))
                    .await?;
                Ok(Reply::MemoryResults { hits })
            }
            Request::MemoryEmbed => {
                // Nothing to do: answer without loading the model.
                if self.with_memory(|s| Box::pin(async move { crate::memory::vectors::missing_count(s).await })).await? == 0 {
                    return Ok(Reply::MemoryEmbedded { embedded: 0, meaning: true });
                }
                let Some(e) = self.embedder.get().await else {
                    return Ok(Reply::MemoryEmbedded { embedded: 0, meaning: false });
                };
                let mut embedded = 0;
                loop {
                    let e = Rc::clone(&e);
                    let (n, left) = self
                        .with_memory(|s| Box::pin(async move { crate::memory::vectors::embed_some(s, &e, EMBED_BATCH).await }))
                        .await?;
                    embedded += n;
                    emit(on_event, &Event::Progress { stage: "embed".into(), done: embedded as u64, total: (embedded + left) as u64 });
                    if n == 0 || left == 0 {
                        break;
                    }
                }
                Ok(Reply::MemoryEmbedded { embedded, meaning: true })
            }
            Request::MemoryExport => {
                let backup = self.with_memory(|s| Box::pin(async move { manage::export_backup(s, now()).await })).await?;
                Ok(Reply::MemoryBackup { backup })
            }
            Request::MemoryRestore { backup } => {
                self.with_memory(|s| Box::pin(async move { manage::restore_backup(s, &backup).await.map(|_| ()) })).await?;
                self.overview().await
            }
            Request::MemoryClear => {
                self.with_memory(|s| Box::pin(async move { manage::delete_all(s).await })).await?;
                // Deletion reaches the model: adapters, checkpoints and training data go too.
                self.training.clear(&self.model).await?;
                self.overview().await
            }
            Request::Enhance { site: _, prompt } => {
                let p = prompt.clone();
                let meaning = self.embedder.meaning(&prompt).await;
                let (facts, passages) = self
                    .with_memory(|s| Box::pin(async move { enhance::retrieve(s, &p, meaning.as_deref(), now()).await }))
                    .await?;
                let out = enhance::enhance_with(&prompt, &facts, &passages);
                Ok(Reply::Enhanced { prompt: out.prompt, enhanced: out.enhanced, added: out.added })
            }
            Request::BenchRetrieval { chunks, queries } => {
                let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
                    .ok()
                    .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
                    .ok_or_else(|| EngineError::Unsupported("bench.retrieval without performance.now()".into()))?;
                let report = crate::retrieval::bench::run(chunks.min(200_000), queries.min(10_000), &|| performance.now());
                Ok(Reply::BenchRetrieved { report })
            }
            Request::ModelLoad => self.model.load(&|e| emit(on_event, e)).await,
            Request::ModelStatus => Ok(self.model.status()),
            Request::ModelImport => self.model.import(&|e| emit(on_event, e)).await,
            Request::ModelReset => self.model.use_bundled(&|e| emit(on_event, e)).await,
            Request::ModelProbe { tokens, follow, top, cpu, webgpu } => self.model.probe(tokens, follow, top, model_host::Target::of(cpu, webgpu)).await,
            Request::ChatGenerate { messages, options } => {
                self.model.generate(messages, options, None, &|e| emit(on_event, e)).await
            }
            Request::ChatCancel => Ok(self.model.cancel()),
            Request::TrainStart { data, objective, name, steps, seq_len, lr } => {
                self.training.start(&self.model, data, objective, name, steps, seq_len, lr, None, &|e| emit(on_event, e)).await
            }
            Request::TrainPlan => {
                let plan = self.training_plan(PLAN_EXAMPLES).await?;
                Ok(Reply::TrainPlanned {
                    examples: plan.by_task().into_iter().map(|(task, n)| TaskCount { task, n }).collect(),
                    held_out: plan.held_out.len(),
                    counts: plan.counts,
                    languages: plan.languages.iter().map(|l| l.to_string()).collect(),
                    sources: plan.sources.len(),
                })
            }
            Request::TrainMemory { steps, max_examples, seq_len, lr } => {
                emit(on_event, &Event::Progress { stage: "plan training".into(), done: 0, total: 1 });
                let plan = self.training_plan(max_examples.unwrap_or(PLAN_EXAMPLES).clamp(1, 2_000)).await?;
                if plan.train.is_empty() {
                    return Err(EngineError::BadRequest("there is nothing to learn yet: import some notes first".into()));
                }
                let data = crate::training::filter::to_jsonl(&plan.train);
                let kept = training_host::Kept { sources: plan.sources, held_out: plan.held_out };
                // The settings `train persona` measured best on held-out questions (docs/EVAL.md).
                let (seq_len, lr) = (Some(seq_len.unwrap_or(512)), Some(lr.unwrap_or(1e-3)));
                self.training.start(&self.model, data, "sft".into(), None, steps, seq_len, lr, Some(kept), &|e| emit(on_event, e)).await
            }
            Request::TrainCompare => self.training.compare(&self.model, &|e| emit(on_event, e)).await,
            Request::TrainResume => self.training.resume(&self.model, &|e| emit(on_event, e)).await,
            Request::TrainPause => self.training.pause().await,
            Request::TrainCancel => self.training.cancel().await,
            Request::TrainStatus => self.training.status().await,
            Request::AdapterUse { name } => self.training.use_adapter(&self.model, name).await,
            Request::ChatAsk { question, asker } => {
                let q = question.clone();
                let meaning = self.embedder.meaning(&question).await;
                let (facts, passages) = self
                    .with_memory(|s| Box::pin(async move { memory_qa::retrieve(s, &q, meaning.as_deref(), now()).await }))
                    .await?;
                let prepared = memory_qa::prepare(&question, &asker, &facts, &passages);
                let (text, tokens, ms) = if prepared.needs_model() {
                    let (done, ms) = self.model.complete(&prepared.messages, &memory_qa::generation_params(), &|e| emit(on_event, e)).await?;
                    (done.text, done.tokens, ms)
                } else {
                    (String::new(), 0, 0.0)
                };
                Ok(Reply::ChatAnswered { answer: memory_qa::finish(&prepared, &text), tokens, ms })
            }
            Request::BenchModel { cpu, webgpu, prompt_tokens, decode_tokens } => self.model.bench(model_host::Target::of(cpu, webgpu), prompt_tokens, decode_tokens).await,
            Request::AutofillDraft { field } => {
                use crate::tasks::autofill::draft;
                let ask = draft::DraftAsk::of(&field).ok_or_else(|| EngineError::BadRequest("this field does not ask for free text".into()))?;
                let a = ask.clone();
                let meaning = self.embedder.meaning(&ask.query()).await;
                let (facts, passages) = self.with_memory(|s| Box::pin(async move { draft::retrieve(s, &a, meaning.as_deref(), now()).await })).await?;
                let prepared = draft::prepare(&ask, &facts, &passages);
                // Without the model (it failed to load) the memories themselves are the draft.
                let text = if prepared.needs_model() {
                    match self.model.complete(&prepared.messages, &draft::generation_params(), &|_| {}).await {
                        Ok((done, _)) => done.text,
                        Err(e) => {
                            web_sys::console::warn_1(&format!("SecondSelf: drafting without the model ({e})").into());
                            String::new()
                        }
                    }
                } else {
                    String::new()
                };
                let d = draft::finish(&prepared, &text, &facts);
                Ok(Reply::AutofillDrafted { text: d.text, used: d.used, from_model: d.from_model })
            }
            Request::Critique { request, reply } => {
                let facts = self.fact_views().await?;
                let query = format!("{request} {reply}");
                let meaning = self.embedder.meaning(&query).await;
                let passages = self
                    .with_memory(|s| Box::pin(async move { crate::tasks::evidence::passages(s, &query, meaning.as_deref(), now(), critic::PASSAGES).await }))
                    .await?;
                let out = critic::critique_with(&request, &reply, &facts, &passages);
                Ok(Reply::Critiqued { fits: out.fits, problems: out.problems })
            }
        }
    }

    /// The current facts that may be filled into forms and given to pages
    /// ([`manage::facts_for_pages`]), cached until memory changes.
    async fn facts_for_pages(&self) -> Result<Rc<Vec<crate::memory::Fact>>, EngineError> {
        if let Some(f) = self.facts.get() {
            return Ok(f);
        }
        let ticket = self.facts.ticket();
        let facts = Rc::new(self.with_memory(|s| Box::pin(async move { manage::facts_for_pages(s).await })).await?);
        self.facts.keep(ticket, Rc::clone(&facts));
        Ok(facts)
    }

    /// Those facts as the page tasks (critique) see them.
    async fn fact_views(&self) -> Result<Vec<FactView>, EngineError> {
        Ok(self.facts_for_pages().await?.iter().map(FactView::from).collect())
    }

    async fn overview(&self) -> Result<Reply, EngineError> {
        self.with_memory(|s| {
            Box::pin(async move {
                crate::memory::store::take_unreadable();
                let facts = manage::current_facts(s).await?;
                let bio = s.bio().await?.map(|b| b.text).unwrap_or_default();
                let mut topics = s.topics().await?;
                topics.sort_by(|a, b| b.weight.total_cmp(&a.weight));
                let mut sources = s.sources().await?;
                sources.sort_by(|a, b| b.imported_at.cmp(&a.imported_at).then(a.name.cmp(&b.name)));
                let unreadable = crate::memory::store::take_unreadable();
                Ok(Reply::MemoryProfile { facts, bio, topics: topics.into_iter().take(12).map(|t| t.id).collect(), sources, unreadable })
            })
        })
        .await
    }

    /// What training on memory would learn now (at most `max` examples to train on).
    async fn training_plan(&self, max: usize) -> Result<crate::training::plan::Plan, EngineError> {
        let embedder = self.embedder.get().await;
        self.with_memory(|s| Box::pin(async move { crate::training::plan::plan(s, now(), embedder.as_deref(), max, PLAN_HELD_OUT).await })).await
    }

    /// Runs `op` on the memory store (opening it on first use), one operation at a time.
    async fn with_memory<T>(
        &self,
        op: impl for<'a> FnOnce(&'a mut IdbStore) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, MemoryError>> + 'a>>,
    ) -> Result<T, EngineError> {
        let mut guard = self.memory.lock().await;
        if guard.is_none() {
            *guard = Some(IdbStore::open(&self.db_name).await.map_err(EngineError::Memory)?);
        }
        let store = guard.as_mut().expect("opened above");
        let result = op(store).await;
        // The browser may close a connection under us (after a failed write, a deleted
        // database): the next request opens a fresh one instead of failing for ever.
        if matches!(result, Err(MemoryError::Store(_))) {
            *guard = None;
        }
        result.map_err(EngineError::Memory)
    }
}

fn outcome_of(o: Result<Outcome, MemoryError>) -> ImportOutcome {
    match o {
        Ok(Outcome::Imported { source_id, chunks }) => ImportOutcome::Imported { source_id, chunks },
        Ok(Outcome::Duplicate { source_id }) => ImportOutcome::Duplicate { source_id },
        Ok(Outcome::Failed(e)) | Err(e) => {
            let reason = match &e {
                crate::memory::MemoryError::Import { kind, .. } => Some(kind.code().to_string()),
                _ => None,
            };
            ImportOutcome::Failed { message: e.to_string(), reason }
        }
    }
}

/// Sends one event to the host's callback; a throwing callback is logged, not fatal.
pub(crate) fn emit(on_event: &js_sys::Function, event: &Event) {
    if let Err(e) = on_event.call1(&JsValue::NULL, &to_js(event)) {
        web_sys::console::warn_2(&"secondself: event callback failed".into(), &e);
    }
}

/// A request object from JS. It crosses as one JSON string (the browser's `JSON.stringify`,
/// then serde_json): walking the object property by property from Rust costs a call into JS
/// per value, tens of milliseconds for one form's field descriptors.
fn parse_request(request: &JsValue) -> Result<Request, String> {
    let text = if let Some(s) = request.as_string() {
        s
    } else {
        js_sys::JSON::stringify(request).ok().and_then(|s| s.as_string()).ok_or_else(|| "the request is not a JSON object".to_string())?
    };
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// A reply or event for JS, as one JSON string parsed by the browser (see [`parse_request`]).
fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .map_err(|e| e.to_string())
        .and_then(|text| js_sys::JSON::parse(&text).map_err(|e| format!("{e:?}")))
        .unwrap_or_else(|e| JsValue::from_str(&format!("serialize failed: {e}")))
}

/// Asks `navigator.gpu` for an adapter and returns its name, or `None` without WebGPU.
pub(crate) async fn probe_webgpu() -> Option<Backend> {
    webgpu_adapter().await.map(|a| Backend::Gpu { adapter: format!("WebGPU: {}", a.label()) })
}

/// The browser's WebGPU adapter and what it says about itself, if there is one.
pub(crate) async fn webgpu_adapter() -> Option<crate::model::adapter::AdapterInfo> {
    let global = js_sys::global();
    let navigator = js_sys::Reflect::get(&global, &"navigator".into()).ok()?;
    let gpu = js_sys::Reflect::get(&navigator, &"gpu".into()).ok()?;
    if gpu.is_undefined() || gpu.is_null() {
        return None;
    }
    let request: js_sys::Function = js_sys::Reflect::get(&gpu, &"requestAdapter".into()).ok()?.dyn_into().ok()?;
    let promise: js_sys::Promise = request.call0(&gpu).ok()?.dyn_into().ok()?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    if adapter.is_null() || adapter.is_undefined() {
        return None;
    }
    let info = js_sys::Reflect::get(&adapter, &"info".into()).ok()?;
    let field = |k: &str| js_sys::Reflect::get(&info, &k.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let flag = |o: &JsValue| js_sys::Reflect::get(o, &"isFallbackAdapter".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false);
    Some(crate::model::adapter::AdapterInfo {
        vendor: field("vendor"),
        architecture: field("architecture"),
        device: field("device"),
        description: field("description"),
        is_fallback: flag(&info) || flag(&adapter),
    })
}
