//! Typed errors of the engine. Only `web/` turns them into `{kind, message}` for JavaScript.

use thiserror::Error;

use crate::memory::MemoryError;

/// Any error the engine reports to a caller.
#[derive(Debug, Error)]
pub enum EngineError {
    /// A request could not be decoded: the caller and the engine disagree on the protocol.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request is understood but this engine build cannot serve it yet.
    #[error("unsupported request `{0}`")]
    Unsupported(String),
    /// A web page asked for something only the user's own extension pages may ask.
    #[error("`{0}` is not available to web pages")]
    Forbidden(String),
    /// The model could not be loaded or run.
    #[error("model: {0}")]
    Model(String),
    /// Memory could not be read or written; nothing was changed.
    #[error(transparent)]
    Memory(#[from] MemoryError),
}

impl EngineError {
    /// A short, stable machine-readable kind (`bad_request`, `unsupported`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            EngineError::BadRequest(_) => "bad_request",
            EngineError::Unsupported(_) => "unsupported",
            EngineError::Forbidden(_) => "forbidden",
            EngineError::Model(_) => "model",
            EngineError::Memory(MemoryError::Import { .. }) => "import_failed",
            EngineError::Memory(MemoryError::Store(_)) => "storage",
            EngineError::Memory(MemoryError::Corrupt { .. }) => "corrupt",
        }
    }
}
