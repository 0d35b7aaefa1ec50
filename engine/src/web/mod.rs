//! The engine's wasm surface: the only module that touches wasm-bindgen and browser APIs.
//!
//! `extension/offscreen/engine-host.js` creates one [`Engine`] and passes every request
//! envelope to [`Engine::handle`]; events of long work go to the `on_event` callback.
//! Errors leave this module as `{kind: "engine.error", error, message}` replies, never as throws.

pub mod idb;
pub mod memory;

use wasm_bindgen::prelude::*;

use crate::error::EngineError;
use crate::protocol::{Backend, Event, Reply, Request};

/// The engine instance owned by the engine host page.
#[wasm_bindgen]
pub struct Engine {
    backend: Backend,
    /// The user's L1 profile by autofill token; empty until the memory store provides it.
    profile: std::collections::HashMap<String, String>,
}

#[wasm_bindgen]
impl Engine {
    /// Starts the engine: installs the panic hook and probes the compute backend.
    pub async fn start() -> Engine {
        console_error_panic_hook::set_once();
        let backend = probe_webgpu().await.unwrap_or(Backend::Cpu { threads: 1 });
        Engine { backend, profile: Default::default() }
    }

    /// A short label of the backend in use, for logs and the UI.
    #[wasm_bindgen(getter)]
    pub fn backend_label(&self) -> String {
        self.backend.label()
    }

    /// Handles one request (a JS object with a `kind`), returning its reply object.
    pub async fn handle(&self, request: JsValue, on_event: js_sys::Function) -> JsValue {
        let reply = match serde_wasm_bindgen::from_value::<Request>(request) {
            Ok(request) => self.serve(request, &on_event).await,
            Err(e) => Err(EngineError::BadRequest(e.to_string())),
        };
        let reply = reply.unwrap_or_else(|e| Reply::Error { error: e.kind().into(), message: e.to_string() });
        to_js(&reply)
    }
}

impl Engine {
    async fn serve(&self, request: Request, _on_event: &js_sys::Function) -> Result<Reply, EngineError> {
        match request {
            Request::Ping => Ok(Reply::Pong { version: crate::VERSION.into(), backend: self.backend.clone() }),
            Request::AutofillClassify { fields } => Ok(crate::tasks::autofill::plan(&fields, &self.profile)),
        }
    }
}

/// Sends one event to the host's callback; a throwing callback is logged, not fatal.
#[allow(dead_code)]
pub(crate) fn emit(on_event: &js_sys::Function, event: &Event) {
    if let Err(e) = on_event.call1(&JsValue::NULL, &to_js(event)) {
        web_sys::console::warn_2(&"secondself: event callback failed".into(), &e);
    }
}

fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_else(|e| JsValue::from_str(&format!("serialize failed: {e}")))
}

/// Asks `navigator.gpu` for an adapter and returns its name, or `None` without WebGPU.
async fn probe_webgpu() -> Option<Backend> {
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
    let field = |k: &str| {
        js_sys::Reflect::get(&info, &k.into()).ok().and_then(|v| v.as_string()).filter(|s| !s.is_empty())
    };
    let name = field("description")
        .or_else(|| field("device"))
        .or_else(|| field("vendor").map(|v| format!("{v} ({})", field("architecture").unwrap_or_default())))
        .unwrap_or_else(|| "WebGPU adapter".into());
    Some(Backend::Gpu { adapter: format!("WebGPU: {name}") })
}
