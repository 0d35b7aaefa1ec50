//! The embedding model inside the browser engine: the 8-bit all-MiniLM-L6-v2 shipped in the
//! extension (`assets/models/embedder/`), loaded on first use on the CPU (wasm SIMD128). When it
//! cannot load, retrieval stays keyword-only and says so in the console; nothing fails.

use std::cell::RefCell;
use std::rc::Rc;

use burn::tensor::Device;

use crate::embed::Embedder;

const DIR: &str = "/assets/models/embedder";

#[derive(Default)]
enum Slot {
    #[default]
    NotLoaded,
    Ready(Rc<Embedder>),
    /// It did not load (the reason went to the console).
    Failed,
}

/// The engine's embedder, loaded once.
#[derive(Default)]
pub(crate) struct EmbedHost {
    slot: RefCell<Slot>,
}

impl EmbedHost {
    /// The embedder, loading it on first call; `None` when it cannot load.
    pub(crate) async fn get(&self) -> Option<Rc<Embedder>> {
        match &*self.slot.borrow() {
            Slot::Ready(e) => return Some(Rc::clone(e)),
            Slot::Failed => return None,
            Slot::NotLoaded => {}
        }
        let loaded = async {
            let weights = super::model_host::fetch_bytes(&format!("{DIR}/model.q8.safetensors"), &|_, _| {}).await.map_err(|e| e.to_string())?;
            let tokenizer = super::model_host::fetch_bytes(&format!("{DIR}/tokenizer.json"), &|_, _| {}).await.map_err(|e| e.to_string())?;
            let config = super::model_host::fetch_bytes(&format!("{DIR}/config.json"), &|_, _| {}).await.map_err(|e| e.to_string())?;
            Embedder::new(&weights, &tokenizer, &config, &Device::flex()).map_err(|e| e.to_string())
        }
        .await;
        // Another request may have loaded it meanwhile: keep the first.
        if let Slot::Ready(e) = &*self.slot.borrow() {
            return Some(Rc::clone(e));
        }
        match loaded {
            Ok(e) => {
                let e = Rc::new(e);
                self.slot.replace(Slot::Ready(Rc::clone(&e)));
                Some(e)
            }
            Err(why) => {
                web_sys::console::warn_1(&format!("SecondSelf: search by meaning is off, the embedding model did not load ({why})").into());
                self.slot.replace(Slot::Failed);
                None
            }
        }
    }

    /// The embedding `text` is searched with, when the model is available and reads its language.
    pub(crate) async fn meaning(&self, text: &str) -> Option<Vec<f32>> {
        if !crate::embed::reads(text) {
            return None;
        }
        let e = self.get().await?;
        e.query(text).await.ok().flatten()
    }
}
