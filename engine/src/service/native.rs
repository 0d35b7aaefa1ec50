//! The service's host natively (the CLI, the evals, the tests): the journaled store on disk,
//! and the embedding and language models as the caller loads them (or none: keyword retrieval
//! and extracted answers).

use std::cell::RefCell;

use futures::lock::Mutex;

use super::{Host, MemoryOp, Written};
use crate::error::EngineError;
use crate::generate::stream::GenerationParams;
use crate::memory::native::NativeStore;
use crate::memory::Timestamp;
use crate::protocol::Event;
use crate::tokenizer::ChatMessage;

/// Embeds a query (`Ok(None)`: the embedder does not read its language).
pub type Meaning<'m> = dyn Fn(&str) -> Result<Option<Vec<f32>>, EngineError> + 'm;
/// Runs the language model on a chat.
pub type Model<'m> = dyn FnMut(&[ChatMessage], &GenerationParams) -> Result<Written, EngineError> + 'm;

/// A host over a native store.
pub struct NativeHost<'m> {
    store: Mutex<&'m mut NativeStore>,
    meaning: Option<Box<Meaning<'m>>>,
    model: Option<RefCell<Box<Model<'m>>>>,
    now: Timestamp,
}

impl<'m> NativeHost<'m> {
    /// A host over `store` at time `now`, without models.
    pub fn new(store: &'m mut NativeStore, now: Timestamp) -> Self {
        NativeHost { store: Mutex::new(store), meaning: None, model: None, now }
    }

    /// Searches by meaning too (hybrid retrieval, as in the extension).
    pub fn with_meaning(mut self, meaning: Box<Meaning<'m>>) -> Self {
        self.meaning = Some(meaning);
        self
    }

    /// Lets the language model write answers and drafts.
    pub fn with_model(mut self, model: Box<Model<'m>>) -> Self {
        self.model = Some(RefCell::new(model));
        self
    }
}

impl Host for NativeHost<'_> {
    type Store = NativeStore;

    async fn with_memory<T>(&self, op: impl for<'a> FnOnce(&'a mut NativeStore) -> MemoryOp<'a, T>) -> Result<T, EngineError> {
        let mut store = self.store.lock().await;
        op(&mut store).await.map_err(EngineError::Memory)
    }

    async fn meaning(&self, text: &str) -> Result<Option<Vec<f32>>, EngineError> {
        match &self.meaning {
            Some(m) => m(text),
            None => Ok(None),
        }
    }

    async fn complete(&self, messages: &[ChatMessage], params: &GenerationParams, _on_event: &dyn Fn(&Event)) -> Result<Written, EngineError> {
        match &self.model {
            Some(m) => (m.borrow_mut())(messages, params),
            None => Err(EngineError::Model("no model is loaded".into())),
        }
    }

    fn has_model(&self) -> bool {
        self.model.is_some()
    }

    fn now(&self) -> Timestamp {
        self.now
    }
}
