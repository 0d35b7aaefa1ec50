//! The model inside the browser engine: fetches the GGUF shipped in the extension (with
//! progress), picks the device (WebGPU when it passes [`self_check`], else the CPU), loads the
//! model once, and runs chat generations and probes one at a time. Each generation step yields
//! to the event loop so `chat.cancel` (and everything else) is served while it runs.

use std::cell::{Cell, RefCell};

use burn::tensor::wgpu::WgpuBackend;
use burn::tensor::Device;
use futures::lock::Mutex;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::error::EngineError;
use crate::generate::{GenerationParams, SamplerParams};
use crate::gguf::GgufFile;
use crate::kernels::self_check::self_check;
use crate::model::lora::Adapter;
use crate::model::LanguageModel;
use crate::protocol::{Backend, ChatOptions, ChatTurn, Event, ModelInfo, Reply};
use crate::tokenizer::ChatMessage;

use super::opfs;

/// The OPFS file a user-imported model is kept in, and the one the side panel writes first.
const IMPORTED: &str = "imported.gguf";
const INCOMING: &str = "incoming.gguf";

/// Where the extension ships the model descriptor (`assets/models/model.json`).
const DESCRIPTOR_URL: &str = "/assets/models/model.json";

/// `model.probe` decodes this many follow tokens one at a time before the teacher-forced pass.
const PROBE_STEPWISE: usize = 1;

/// Which model a probe or benchmark runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The loaded model, on the device the engine chose.
    Loaded,
    /// A copy on the CPU (wasm, `flex`).
    Cpu,
    /// A copy on WebGPU, whatever the adapter.
    WebGpu,
}

impl Target {
    pub(crate) fn of(cpu: bool, webgpu: bool) -> Self {
        match (cpu, webgpu) {
            (true, _) => Target::Cpu,
            (false, true) => Target::WebGpu,
            _ => Target::Loaded,
        }
    }
}

/// Emit a download progress event about every this many bytes.
const PROGRESS_STEP: u64 = 4 << 20;

/// The engine's model, its device and the state shown to the UI.
#[derive(Default)]
pub(crate) struct ModelHost {
    /// The loaded model; held for the whole of a load or a generation.
    model: Mutex<Option<LanguageModel>>,
    /// The device chosen at the first load (WebGPU after its self-check, or the CPU).
    device: RefCell<Option<(Device, Backend, Option<String>)>>,
    /// The WebGPU device once started (or why it could not be), chosen or not.
    webgpu: RefCell<Option<Result<(Device, String), String>>>,
    state: RefCell<State>,
    /// Set by `chat.cancel`, cleared when a generation starts.
    cancel: Cell<bool>,
    running: Cell<bool>,
    /// The LoRA adapter the user chose (`adapters/active`), applied at load; `Some(None)` once
    /// read and found to be the base model.
    adapter: RefCell<Option<Option<Adapter>>>,
}

#[derive(Default, Clone)]
struct State {
    phase: &'static str,
    info: Option<ModelInfo>,
    error: Option<String>,
}

impl ModelHost {
    /// The `model.state` reply for the current state.
    pub(crate) fn status(&self) -> Reply {
        let s = self.state.borrow().clone();
        Reply::ModelState {
            state: if s.phase.is_empty() { "none" } else { s.phase }.into(),
            model: s.info,
            error: s.error,
        }
    }

    /// Loads the model unless it is loaded; concurrent callers wait for the same load.
    pub(crate) async fn load(&self, emit: &dyn Fn(&Event)) -> Result<Reply, EngineError> {
        let mut slot = self.model.lock().await;
        if slot.is_none() {
            self.set_phase("loading", None);
            match self.load_preferred(emit).await {
                Ok((mut model, info)) => {
                    if let Err(e) = self.apply_adapter(&mut model).await {
                        web_sys::console::warn_1(&format!("SecondSelf: the adapter in use could not be applied ({e}); answering with the base model").into());
                    }
                    *slot = Some(model);
                    self.state.replace(State { phase: "ready", info: Some(info), error: None });
                }
                Err(e) => {
                    self.set_phase("failed", Some(e.to_string()));
                    return Err(e);
                }
            }
        }
        Ok(self.status())
    }

    /// Applies the chosen adapter (read from OPFS the first time) to a freshly loaded model.
    async fn apply_adapter(&self, model: &mut LanguageModel) -> Result<(), EngineError> {
        if self.adapter.borrow().is_none() {
            let chosen = match opfs::read_in(opfs::ADAPTERS, super::training_host::ACTIVE).await?.and_then(|b| String::from_utf8(b).ok()) {
                Some(name) if !name.is_empty() => match opfs::read_in(opfs::ADAPTERS, &format!("{name}.gguf")).await? {
                    Some(bytes) => Some(Adapter::from_bytes(&bytes, model.llama_mut().config()).map_err(|e| EngineError::Model(e.to_string()))?),
                    None => None,
                },
                _ => None,
            };
            self.adapter.replace(Some(chosen));
        }
        let chosen = self.adapter.borrow().clone().flatten();
        model.set_adapter(chosen.as_ref()).map_err(|e| EngineError::Model(e.to_string()))
    }

    /// Answers with `adapter` from now on (`None`: the base model).
    pub(crate) async fn set_adapter(&self, adapter: Option<Adapter>) {
        let mut slot = self.model.lock().await;
        if let Some(model) = slot.as_mut() {
            if let Err(e) = model.set_adapter(adapter.as_ref()) {
                web_sys::console::warn_1(&format!("SecondSelf: {e}").into());
            }
        }
        self.adapter.replace(Some(adapter));
    }

    /// Reads an adapter file and checks it fits the model (loading the model if needed).
    pub(crate) async fn read_adapter(&self, bytes: &[u8]) -> Result<Adapter, EngineError> {
        self.load(&|_| {}).await?;
        let mut slot = self.model.lock().await;
        let model = slot.as_mut().ok_or_else(|| EngineError::Model("the model is not loaded".into()))?;
        Adapter::from_bytes(bytes, model.llama_mut().config()).map_err(|e| EngineError::BadRequest(format!("this adapter does not fit the model: {e}")))
    }

    /// The bytes of the model in use (the imported one if any, else the bundled one), which
    /// training reads its base weights from.
    pub(crate) async fn base_bytes(&self) -> Result<Vec<u8>, EngineError> {
        if let Some(info) = self.state.borrow().info.as_ref() {
            if info.source == "imported" {
                if let Some(bytes) = opfs::read(IMPORTED).await? {
                    return Ok(bytes);
                }
            }
        }
        fetch_model_bytes(&|_, _| {}).await
    }

    fn set_phase(&self, phase: &'static str, error: Option<String>) {
        let mut s = self.state.borrow_mut();
        s.phase = phase;
        s.error = error;
    }

    /// The model the user imported, if any and if it still loads, else the bundled one.
    async fn load_preferred(&self, emit: &dyn Fn(&Event)) -> Result<(LanguageModel, ModelInfo), EngineError> {
        let start = js_sys::Date::now();
        match opfs::read(IMPORTED).await {
            Ok(Some(bytes)) => match self.place(&bytes, "imported", start, emit).await {
                Ok(loaded) => return Ok(loaded),
                Err(e) => web_sys::console::warn_1(&format!("SecondSelf: the imported model no longer loads ({e}); using the bundled one").into()),
            },
            Ok(None) => {}
            Err(e) => web_sys::console::warn_1(&format!("SecondSelf: {e}").into()),
        }
        let bytes = fetch_model_bytes(&|done, total| {
            emit(&Event::Progress { stage: "download model".into(), done, total })
        })
        .await?;
        self.place(&bytes, "bundled", start, emit).await
    }

    /// Loads `bytes` onto the engine's device.
    async fn place(&self, bytes: &[u8], source: &str, start: f64, emit: &dyn Fn(&Event)) -> Result<(LanguageModel, ModelInfo), EngineError> {
        emit(&Event::Progress { stage: "load model".into(), done: 0, total: 1 });
        let (device, backend, fallback) = self.device().await;
        let model = load_model(bytes, &device)?;
        emit(&Event::Progress { stage: "load model".into(), done: 1, total: 1 });
        let info = ModelInfo {
            name: model.name().to_string(),
            source: source.into(),
            bytes: bytes.len() as u64,
            backend,
            load_ms: js_sys::Date::now() - start,
            fallback,
        };
        Ok((model, info))
    }

    /// `model.import`: validates `models/incoming.gguf` (written by the side panel) by loading
    /// it; only a model that loads replaces the current one and is kept for next time. A file
    /// that fails changes nothing and is deleted.
    pub(crate) async fn import(&self, emit: &dyn Fn(&Event)) -> Result<Reply, EngineError> {
        let mut slot = self.model.lock().await;
        let bytes = opfs::read(INCOMING)
            .await?
            .ok_or_else(|| EngineError::BadRequest("no model file was chosen".into()))?;
        let loaded = self.place(&bytes, "imported", js_sys::Date::now(), emit).await;
        drop(bytes);
        match loaded {
            Ok((model, info)) => {
                opfs::rename(INCOMING, IMPORTED).await?;
                *slot = Some(model);
                self.state.replace(State { phase: "ready", info: Some(info), error: None });
                Ok(self.status())
            }
            Err(e) => {
                let _ = opfs::remove(INCOMING).await;
                Err(EngineError::Model(format!("this file cannot be used, nothing was changed: {e}")))
            }
        }
    }

    /// `model.reset`: forgets the imported model and goes back to the bundled one.
    pub(crate) async fn use_bundled(&self, emit: &dyn Fn(&Event)) -> Result<Reply, EngineError> {
        {
            let mut slot = self.model.lock().await;
            opfs::remove(IMPORTED).await?;
            *slot = None;
            self.state.replace(State::default());
        }
        self.load(emit).await
    }

    /// The device, chosen once: WebGPU when the browser has a hardware adapter that passes the
    /// self-check; the CPU without WebGPU, when it fails, or when the adapter is a software
    /// renderer (SwiftShader emulates the GPU on the CPU and is far slower than the CPU path).
    pub(crate) async fn device(&self) -> (Device, Backend, Option<String>) {
        if let Some(d) = self.device.borrow().clone() {
            return d;
        }
        let adapter = super::webgpu_adapter().await;
        let chosen = match adapter.as_ref().and_then(|a| a.software_renderer()) {
            Some(renderer) => Err(format!("WebGPU here is a software renderer ({renderer}), slower than the CPU")),
            None => self.webgpu().await,
        };
        let chosen = match chosen {
            Ok((device, adapter)) => (device, Backend::Gpu { adapter }, None),
            Err(why) => {
                web_sys::console::info_1(&format!("SecondSelf: the model runs on the CPU: {why}").into());
                (Device::flex(), Backend::Cpu { threads: 1 }, Some(why))
            }
        };
        self.device.replace(Some(chosen.clone()));
        chosen
    }

    /// The WebGPU device (started once, whatever the adapter), if it passes the self-check.
    async fn webgpu(&self) -> Result<(Device, String), String> {
        if let Some(d) = self.webgpu.borrow().clone() {
            return d;
        }
        let started = webgpu_device().await;
        self.webgpu.replace(Some(started.clone()));
        started
    }

    /// The model on the device `on` names, for probes and benchmarks: the loaded one, or a copy
    /// of the bundled model loaded for the occasion on the CPU or on WebGPU.
    async fn on_device<'a>(&self, slot: &'a mut Option<LanguageModel>, copy: &'a mut Option<LanguageModel>, on: Target) -> Result<(&'a mut LanguageModel, String, f64), EngineError> {
        let (device, backend) = match on {
            Target::Loaded => {
                let info = self.state.borrow().info.clone();
                let model = slot.as_mut().ok_or_else(|| EngineError::Model("the model is not loaded".into()))?;
                return Ok((model, info.as_ref().map(|i| i.backend.label()).unwrap_or_default(), info.map(|i| i.load_ms).unwrap_or(0.0)));
            }
            Target::Cpu => (Device::flex(), Backend::Cpu { threads: 1 }),
            Target::WebGpu => {
                let (device, adapter) = self.webgpu().await.map_err(EngineError::Unsupported)?;
                (device, Backend::Gpu { adapter })
            }
        };
        let bytes = fetch_model_bytes(&|_, _| {}).await?;
        let start = js_sys::Date::now();
        let model = copy.insert(load_model(&bytes, &device)?);
        Ok((model, backend.label(), js_sys::Date::now() - start))
    }

    /// Generates the next assistant turn of `turns`, streaming pieces through `emit`.
    pub(crate) async fn generate(
        &self,
        turns: Vec<ChatTurn>,
        options: ChatOptions,
        system: Option<String>,
        emit: &dyn Fn(&Event),
    ) -> Result<Reply, EngineError> {
        let mut messages: Vec<ChatMessage> = system.into_iter().map(ChatMessage::system).collect();
        for t in turns {
            match t.role.as_str() {
                "user" => messages.push(ChatMessage::user(t.content)),
                "assistant" => messages.push(ChatMessage::assistant(t.content)),
                other => return Err(EngineError::BadRequest(format!("chat turns are from `user` or `assistant`, not `{other}`"))),
            }
        }
        if !matches!(messages.last(), Some(m) if m.role == "user") {
            return Err(EngineError::BadRequest("the last chat turn must be the user's".into()));
        }
        let (done, ms) = self.complete(&messages, &generation_params(&options), emit).await?;
        Ok(Reply::ChatDone {
            text: done.text,
            tokens: done.tokens,
            prompt_tokens: done.prompt_tokens,
            stop: format!("{:?}", done.stop).to_lowercase(),
            ms,
        })
    }

    /// Runs the model on `messages`, streaming `chat.piece` events; returns the completion and
    /// the time it took (ms). Stops early on `chat.cancel`.
    pub(crate) async fn complete(
        &self,
        messages: &[ChatMessage],
        params: &GenerationParams,
        emit: &dyn Fn(&Event),
    ) -> Result<(crate::model::Completion, f64), EngineError> {
        self.load(&|_| {}).await?;
        let mut slot = self.model.lock().await;
        let model = slot.as_mut().ok_or_else(|| EngineError::Model("the model is not loaded".into()))?;
        let start = js_sys::Date::now();
        let prompt = model.chat_tokens(messages, params.max_tokens);
        let mut active = model.begin(&prompt, params).map_err(|e| EngineError::Model(e.to_string()))?;
        self.cancel.set(false);
        self.running.set(true);
        let mut on_piece = |p: &str| emit(&Event::ChatPiece { text: p.to_string() });
        let result = async {
            while !active.is_done() {
                if self.cancel.get() {
                    active.cancel(&mut on_piece);
                    break;
                }
                model.step(&mut active, &mut on_piece).await.map_err(|e| EngineError::Model(e.to_string()))?;
                yield_to_event_loop().await;
            }
            Ok::<_, EngineError>(())
        }
        .await;
        self.running.set(false);
        result?;
        Ok((active.finish(), js_sys::Date::now() - start))
    }

    /// `chat.cancel`: asks the running generation to stop.
    pub(crate) fn cancel(&self) -> Reply {
        let running = self.running.get();
        if running {
            self.cancel.set(true);
        }
        Reply::ChatCancelled { running }
    }

    /// `model.probe`: top logits of `tokens`, then the argmax before each `follow` token, on the
    /// loaded model or on a copy loaded for the occasion on `on`. The first [`PROBE_STEPWISE`]
    /// follow tokens are decoded one at a time (the chat's path), the rest in one teacher-forced
    /// pass (the same ids when the model is right, in one dispatch sequence instead of dozens).
    pub(crate) async fn probe(&self, tokens: Vec<u32>, follow: Vec<u32>, top: usize, on: Target) -> Result<Reply, EngineError> {
        self.load(&|_| {}).await?;
        let mut slot = self.model.lock().await;
        let mut copy = None;
        let (model, backend, _) = self.on_device(&mut slot, &mut copy, on).await?;
        let start = js_sys::Date::now();
        let llama = model.llama_mut();
        llama.reset();
        let err = |e: crate::model::ModelError| EngineError::Model(e.to_string());
        let logits = llama.forward(&tokens).await.map_err(err)?;
        let mut order: Vec<u32> = (0..logits.len() as u32).collect();
        order.sort_by(|&a, &b| logits[b as usize].total_cmp(&logits[a as usize]));
        let best: Vec<(u32, f32)> = order.iter().take(top.min(100)).map(|&i| (i, logits[i as usize])).collect();
        let mut argmax = Vec::with_capacity(follow.len());
        if let Some(&first) = order.first() {
            argmax.push(first);
        }
        let fed = &follow[..follow.len().saturating_sub(1)];
        let stepwise = fed.len().min(PROBE_STEPWISE);
        for &t in &fed[..stepwise] {
            argmax.push(llama.forward_argmax(&[t]).await.map_err(err)?);
        }
        if fed.len() > stepwise {
            argmax.extend(llama.forward_argmax_each(&fed[stepwise..]).await.map_err(err)?);
        }
        Ok(Reply::ModelProbed { backend, top: best, argmax, ms: js_sys::Date::now() - start })
    }
}

impl ModelHost {
    /// `bench.model`: load time, prefill and decode speed on the loaded model or on a copy
    /// loaded for the occasion on `on` (the CPU or WebGPU).
    pub(crate) async fn bench(&self, on: Target, prompt_tokens: usize, decode_tokens: usize) -> Result<Reply, EngineError> {
        self.load(&|_| {}).await?;
        let mut slot = self.model.lock().await;
        let mut copy = None;
        let (model, backend, load_ms) = self.on_device(&mut slot, &mut copy, on).await?;
        let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
            .ok()
            .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
            .ok_or_else(|| EngineError::Unsupported("bench.model without performance.now()".into()))?;
        let bench = crate::model::bench::measure(model, prompt_tokens, decode_tokens, &|| performance.now())
            .await
            .map_err(|e| EngineError::Model(e.to_string()))?;
        let heap = wasm_bindgen::memory().dyn_into::<js_sys::WebAssembly::Memory>().map(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().map(|b| b.byte_length()).unwrap_or(0)).unwrap_or(0);
        Ok(Reply::BenchModeled { backend, load_ms, bench, wasm_heap_mb: heap as f64 / (1024.0 * 1024.0) })
    }
}

fn load_model(bytes: &[u8], device: &Device) -> Result<LanguageModel, EngineError> {
    let gguf = GgufFile::parse(bytes).map_err(|e| EngineError::Model(format!("the model file is not valid GGUF: {e}")))?;
    LanguageModel::load(&gguf, device).map_err(|e| EngineError::Model(e.to_string()))
}

fn generation_params(o: &ChatOptions) -> GenerationParams {
    GenerationParams {
        sampler: SamplerParams {
            temperature: o.temperature,
            top_k: o.top_k,
            top_p: o.top_p,
            repetition_penalty: o.repetition_penalty,
            seed: o.seed,
            ..SamplerParams::default()
        },
        max_tokens: o.max_tokens.clamp(1, 2048),
        stop_tokens: Vec::new(),
    }
}

/// WebGPU through burn, accepted only when it passes the self-check.
async fn webgpu_device() -> Result<(Device, String), String> {
    let adapter = match super::webgpu_adapter().await {
        Some(a) => a.label(),
        None => return Err("this browser has no WebGPU adapter".into()),
    };
    let device = Device::wgpu_options()
        .graphics_api(WgpuBackend::WebGpu)
        .init_async()
        .await
        .map_err(|e| format!("WebGPU did not start: {e}"))?;
    self_check(&device).await.map_err(|e| format!("WebGPU failed the self-check ({e})"))?;
    Ok((device, format!("WebGPU: {adapter}")))
}

/// The bundled model's bytes (the file named by the descriptor).
async fn fetch_model_bytes(progress: &dyn Fn(u64, u64)) -> Result<Vec<u8>, EngineError> {
    let descriptor = fetch_bytes(DESCRIPTOR_URL, &|_, _| {}).await?;
    let descriptor: serde_json::Value = serde_json::from_slice(&descriptor)
        .map_err(|e| EngineError::Model(format!("the model descriptor is not JSON: {e}")))?;
    let file = descriptor["file"]
        .as_str()
        .filter(|f| !f.contains('/') && f.ends_with(".gguf"))
        .ok_or_else(|| EngineError::Model("the model descriptor names no .gguf file".into()))?;
    fetch_bytes(&format!("/assets/models/{file}"), progress).await
}

/// Fetches `url` from the extension, reporting `(bytes so far, total)` as it streams.
pub(crate) async fn fetch_bytes(url: &str, progress: &dyn Fn(u64, u64)) -> Result<Vec<u8>, EngineError> {
    let fail = |what: &str, e: JsValue| EngineError::Model(format!("{what} {url}: {}", js_error(&e)));
    let global = js_sys::global();
    let fetch: js_sys::Function = js_sys::Reflect::get(&global, &"fetch".into())
        .and_then(|f| f.dyn_into().map_err(JsValue::from))
        .map_err(|e| fail("no fetch() for", e))?;
    let promise: js_sys::Promise = fetch.call1(&global, &url.into()).map_err(|e| fail("fetching", e))?.unchecked_into();
    let response = JsFuture::from(promise).await.map_err(|e| fail("fetching", e))?;
    let ok = js_sys::Reflect::get(&response, &"ok".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false);
    if !ok {
        let status = js_sys::Reflect::get(&response, &"status".into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
        return Err(EngineError::Model(format!("{url} is missing from this build (HTTP {status})")));
    }
    let headers = js_sys::Reflect::get(&response, &"headers".into()).map_err(|e| fail("reading", e))?;
    let get: js_sys::Function = js_sys::Reflect::get(&headers, &"get".into()).map_err(|e| fail("reading", e))?.unchecked_into();
    let total = get
        .call1(&headers, &"content-length".into())
        .ok()
        .and_then(|v| v.as_string())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let body = js_sys::Reflect::get(&response, &"body".into()).map_err(|e| fail("reading", e))?;
    let get_reader: js_sys::Function = js_sys::Reflect::get(&body, &"getReader".into()).map_err(|e| fail("reading", e))?.unchecked_into();
    let reader = get_reader.call0(&body).map_err(|e| fail("reading", e))?;
    let read: js_sys::Function = js_sys::Reflect::get(&reader, &"read".into()).map_err(|e| fail("reading", e))?.unchecked_into();
    let mut out = Vec::with_capacity(total.min(1 << 32) as usize);
    let mut reported = 0u64;
    progress(0, total);
    loop {
        let chunk: js_sys::Promise = read.call0(&reader).map_err(|e| fail("reading", e))?.unchecked_into();
        let chunk = JsFuture::from(chunk).await.map_err(|e| fail("reading", e))?;
        if js_sys::Reflect::get(&chunk, &"done".into()).ok().and_then(|v| v.as_bool()).unwrap_or(true) {
            break;
        }
        let value: js_sys::Uint8Array = js_sys::Reflect::get(&chunk, &"value".into()).map_err(|e| fail("reading", e))?.unchecked_into();
        let start = out.len();
        out.resize(start + value.length() as usize, 0);
        value.copy_to(&mut out[start..]);
        if out.len() as u64 - reported >= PROGRESS_STEP {
            reported = out.len() as u64;
            progress(reported, total.max(reported));
        }
    }
    progress(out.len() as u64, out.len() as u64);
    Ok(out)
}

fn js_error(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Lets the browser run other tasks (messages such as `chat.cancel`) before the next step.
pub(crate) async fn yield_to_event_loop() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        if let Ok(set_timeout) = js_sys::Reflect::get(&global, &"setTimeout".into()).and_then(|f| f.dyn_into::<js_sys::Function>().map_err(JsValue::from)) {
            let _ = set_timeout.call2(&global, &resolve, &JsValue::from(0));
        } else {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}
