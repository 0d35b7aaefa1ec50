//! The one sensitivity policy: which facts, field types and spans of text are sensitive (ids,
//! health, finances, the exact home address, in any of the languages the product reads), and
//! what may therefore be said to someone other than the user.
//!
//! Everything that decides it lives here; the rooms above apply it: memory classes each fact it
//! distils ([`sensitivity_of`]), memory QA and the chat-site tasks keep sensitive facts and
//! sentences from third parties and pages ([`is_sensitive_fact`], [`is_sensitive_text`],
//! [`redacted`]), autofill never fills a sensitive field type unasked ([`is_sensitive_token`]),
//! and training keeps sensitive values out of every target (`training/filter.rs`).

mod keys;
mod text;

pub use keys::*;
pub use text::*;

/// A fact as the policy needs to see it: its key, its value, and whether memory marked it
/// sensitive. Implemented by the stored fact and by the tasks' view of it.
pub trait FactRef {
    fn key(&self) -> &str;
    fn value(&self) -> &str;
    /// Marked sensitive by memory (or by the user).
    fn marked(&self) -> bool;
}

#[cfg(test)]
mod tests;
