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

use futures::lock::Mutex;
use wasm_bindgen::prelude::*;

use crate::error::EngineError;
use crate::memory::schema;
use crate::memory::MemoryError;
use crate::protocol::{Backend, Event, Reply, Request, TaskCount};
use crate::service::{Host, MemoryOp, Served, Service, Written};
use crate::tokenizer::ChatMessage;
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
    inner: Rc<Service<Inner>>,
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
        let host = Inner { backend, memory: Mutex::new(None), db_name, model: Default::default(), training: Default::default(), embedder: Default::default() };
        Engine { inner: Rc::new(Service::new(host)) }
    }

    /// A short label of the backend in use, for logs and the UI.
    #[wasm_bindgen(getter)]
    pub fn backend_label(&self) -> String {
        self.inner.host.backend.label()
    }

    /// Handles one request (a JS object with a `kind`); resolves with its reply object.
    /// `from_page` is true when a content script sent it.
    pub fn handle(&self, request: JsValue, from_page: bool, on_event: js_sys::Function) -> js_sys::Promise {
        let service = Rc::clone(&self.inner);
        wasm_bindgen_futures::future_to_promise(async move {
            let reply = match parse_request(&request) {
                Ok(r) => match service.serve(r, from_page, &|e| emit(&on_event, e)).await {
                    Served::Reply(reply) => reply,
                    Served::Elsewhere(r) => service.host.serve_platform(r, &on_event).await,
                },
                Err(e) => Err(EngineError::BadRequest(e.to_string())),
            };
            let reply = reply.unwrap_or_else(|e| Reply::Error { error: e.kind().into(), message: e.to_string() });
            Ok(to_js(&reply))
        })
    }
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

impl Inner {
    /// The requests about the platform itself, which [`Service::serve`] hands back: the model,
    /// the embedder, training and benchmarks.
    async fn serve_platform(&self, request: Request, on_event: &js_sys::Function) -> Result<Reply, EngineError> {
        match request {
            Request::Ping => Ok(Reply::Pong { version: crate::VERSION.into(), backend: self.backend.clone() }),
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
            Request::BenchModel { cpu, webgpu, prompt_tokens, decode_tokens } => self.model.bench(model_host::Target::of(cpu, webgpu), prompt_tokens, decode_tokens).await,
            other => Err(EngineError::BadRequest(format!("{} is not a request the engine serves", crate::service::kind_of(&other)))),
        }
    }

    /// What training on memory would learn now (at most `max` examples to train on).
    async fn training_plan(&self, max: usize) -> Result<crate::training::plan::Plan, EngineError> {
        let embedder = self.embedder.get().await;
        self.with_memory(|s| Box::pin(async move { crate::training::plan::plan(s, now(), embedder.as_deref(), max, PLAN_HELD_OUT).await })).await
    }
}

impl Host for Inner {
    type Store = IdbStore;

    /// Runs `op` on the memory store (opening it on first use), one operation at a time.
    async fn with_memory<T>(&self, op: impl for<'a> FnOnce(&'a mut IdbStore) -> MemoryOp<'a, T>) -> Result<T, EngineError> {
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

    async fn meaning(&self, text: &str) -> Result<Option<Vec<f32>>, EngineError> {
        Ok(self.embedder.meaning(text).await)
    }

    async fn complete(&self, messages: &[ChatMessage], params: &crate::generate::stream::GenerationParams, on_event: &dyn Fn(&Event)) -> Result<Written, EngineError> {
        let (done, ms) = self.model.complete(messages, params, on_event).await?;
        Ok(Written { text: done.text, tokens: done.tokens, ms })
    }

    fn now(&self) -> crate::memory::Timestamp {
        now()
    }

    async fn forgot(&self, source: Option<&str>) -> Result<(), EngineError> {
        match source {
            Some(id) => self.training.source_deleted(&self.model, id).await.map(|_| ()),
            None => self.training.clear(&self.model).await.map(|_| ()),
        }
    }

    fn warn(&self, message: &str) {
        web_sys::console::warn_1(&message.into());
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
