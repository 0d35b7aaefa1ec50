//! Memory: what the user told SecondSelf, kept on their device.
//!
//! L0 is the raw layer: [`Source`]s (one per imported file, note or clipped page) cut into
//! sentence-preserving [`Chunk`]s with provenance ([`l0`]). L1 is the distilled layer: typed
//! profile [`Fact`]s with sensitivity, a short bio and topics ([`l1`], rules in [`distil`]).
//! Everything is written through one storage trait ([`store::Store`]) in transactions: the
//! native CLI uses [`native::NativeStore`] (a data dir with a checksummed journal), the extension
//! uses the IndexedDB store in `web/`. [`import::import_batch`] and [`l1::distil`] run unchanged
//! on both.
//!
//! Callers: the `secondself memory|eval` CLI commands, `web/` request handlers, retrieval.

pub mod date;
pub mod distil;
pub mod import;
pub mod l0;
pub mod l1;
pub mod manage;
#[cfg(not(target_family = "wasm"))]
pub mod native;
pub mod schema;
pub mod snapshot;
pub mod store;
pub mod vectors;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Seconds since the Unix epoch (UTC); all memory timestamps use it.
pub type Timestamp = i64;

/// What kind of thing a source was imported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Text,
    Markdown,
    Html,
    Email,
    ChatgptExport,
    ClaudeExport,
    Note,
    Selection,
    /// A browser's bookmarks (an exported `bookmarks.html`, or the browser's own, read at the user's click).
    Bookmarks,
    /// A PDF's text layer, page by page.
    Pdf,
}

impl SourceKind {
    /// A short label for listings (`txt`, `md`, `eml`, …).
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Text => "txt",
            SourceKind::Markdown => "md",
            SourceKind::Html => "html",
            SourceKind::Email => "eml",
            SourceKind::ChatgptExport => "chatgpt",
            SourceKind::ClaudeExport => "claude",
            SourceKind::Note => "note",
            SourceKind::Selection => "selection",
            SourceKind::Bookmarks => "bookmarks",
            SourceKind::Pdf => "pdf",
        }
    }
}

/// Where a source came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Origin {
    /// A file the user imported, by the path they gave.
    File { path: String },
    /// A note the user typed into SecondSelf.
    Note,
    /// A "remember this" selection on a web page.
    Page { url: String, title: String },
}

/// One imported thing (file, note, page selection): the unit of import and of deduplication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// `src-` + the first 16 hex digits of `sha256`.
    pub id: String,
    /// File name or note/page title, shown as provenance.
    pub name: String,
    pub kind: SourceKind,
    pub origin: Origin,
    /// When it was imported.
    pub imported_at: Timestamp,
    /// When its content is from (email Date, dated filename, document date), if known.
    pub dated: Option<Timestamp>,
    /// SHA-256 of the raw bytes (hex): re-importing the same content is a no-op.
    pub sha256: String,
    /// Its chunks, in order.
    pub chunk_ids: Vec<String>,
}

impl Source {
    /// The date facts from this source carry: its content date, else the import time.
    pub fn effective_date(&self) -> Timestamp {
        self.dated.unwrap_or(self.imported_at)
    }
}

/// A piece of a source: whole sentences under one heading path, ~60–200 words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chunk {
    /// `<source id>-<index>`.
    pub id: String,
    pub source_id: String,
    /// Position in the source.
    pub index: u32,
    /// Headings above this chunk (document title first).
    pub heading_path: Vec<String>,
    pub text: String,
    /// Date of this part when it differs from the source's (one conversation of an export).
    pub dated: Option<Timestamp>,
    /// The page it is on (PDF), 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The relative expressions of `text` (`yesterday`, `last week`) resolved against the
    /// chunk's date at import, so "when" has an answer that does not depend on the day it is asked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub times: Vec<TimeNote>,
}

/// A relative expression of a chunk's text, resolved: `text[start..end]` means `when`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeNote {
    pub start: u32,
    pub end: u32,
    pub when: crate::text::relative::When,
}

impl Chunk {
    /// Resolves the relative expressions of the text against `written` (the chunk's date, else
    /// its source's) into [`Chunk::times`].
    pub fn resolve_times(&mut self, written: Timestamp) {
        self.times = crate::text::relative::relative_in(&self.text, written)
            .into_iter()
            .map(|r| TimeNote { start: r.start as u32, end: r.end as u32, when: r.when })
            .collect();
    }
}

impl Chunk {
    /// Heading path and text together: what retrieval indexes and distillation reads.
    pub fn full_text(&self) -> String {
        if self.heading_path.is_empty() {
            self.text.clone()
        } else {
            format!("{}\n{}", self.heading_path.join(" > "), self.text)
        }
    }
}

/// A chunk's embedding (L0 beside its text): which model made it and its unit vector in 8 bits
/// (base64 of signed bytes, times `scale`). Made at import, kept with the chunk, deleted with it;
/// chunks without one (imported before, or while the model was not available) are embedded later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vector {
    /// The chunk's id.
    pub id: String,
    pub model: String,
    pub scale: f32,
    pub q: String,
}

pub use crate::privacy::Sensitivity;

impl crate::privacy::FactRef for Fact {
    fn key(&self) -> &str {
        &self.key
    }
    fn value(&self) -> &str {
        &self.value
    }
    fn marked(&self) -> bool {
        self.sensitivity == Sensitivity::Sensitive
    }
}

/// The broad type of a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactKind {
    Name,
    Contact,
    Address,
    Work,
    Date,
    Person,
    Preference,
    Health,
    Finance,
    Identifier,
    Goal,
    Project,
    Other,
}

/// One L1 profile fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// Stable id: hash of key, value and source chunk.
    pub id: String,
    /// HTML autocomplete token where one exists (`given-name`, `tel`, …), else a kebab-case key.
    pub key: String,
    pub value: String,
    pub kind: FactKind,
    /// 0..=1: how sure the rule that produced it is.
    pub confidence: f32,
    pub sensitivity: Sensitivity,
    /// The chunk it was read from (`None` for user edits).
    pub source_chunk: Option<String>,
    /// When it was true: the source's date.
    pub observed_at: Timestamp,
    /// When it was written to the store.
    pub updated_at: Timestamp,
    /// A user edit: wins over everything.
    pub pinned: bool,
    /// Read from text a web page wrote (a "Remember this" selection, a saved web page), not the
    /// user: a page can say "your phone number is …". Shown for confirmation in the memory
    /// manager; until the user confirms it (which pins it), it is never filled into a form or
    /// given to a page.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_page: bool,
}

impl Fact {
    /// May this fact be filled into forms and given to pages? Not while only a page vouches for it.
    pub fn for_pages(&self) -> bool {
        !self.from_page || self.pinned
    }
}

/// The short L1 bio (one record, id `bio`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bio {
    pub id: String,
    pub text: String,
    pub updated_at: Timestamp,
}

/// A recurring topic of the user's memory, by weight (higher = more present).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    /// The topic term itself (lowercase).
    pub id: String,
    pub weight: f32,
}

/// A person, place or organisation the user mentions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// `ent-` + normalised name.
    pub id: String,
    pub name: String,
    /// `person`, `organization`, …
    pub kind: String,
    /// Known attributes (`birthday`, …).
    pub attributes: Vec<(String, String)>,
}

/// A typed link from the user (or an entity) to an entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    /// `rel-` + from + relation + to.
    pub id: String,
    /// `self` for the user.
    pub from: String,
    /// `sister`, `partner`, `friend`, `employer`, …
    pub relation: String,
    pub to: String,
    pub source_chunk: Option<String>,
}

/// Errors of memory import, storage and distillation.
#[derive(Debug, Error)]
pub enum MemoryError {
    /// A file could not be imported; nothing of it was stored.
    #[error("{name}: {kind}")]
    Import { name: String, kind: ImportErrorKind },
    /// The store could not be read or written; the transaction did not land.
    #[error("memory store: {0}")]
    Store(String),
    /// Stored data is unreadable (the store will not guess).
    #[error("memory store is corrupt at {at}: {detail}")]
    Corrupt { at: String, detail: String },
}

/// Why one file was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImportErrorKind {
    #[error("file is {size} bytes, over the {limit}-byte import limit; split it or export a smaller range")]
    TooLarge { size: u64, limit: u64 },
    #[error("looks binary (NUL bytes or invalid UTF-8), not text; export it as .txt/.md/.html/.eml/.json")]
    Binary,
    #[error("unsupported file type `.{0}`; supported: .txt .md .markdown .html .htm .eml .pdf .json (ChatGPT/Claude export)")]
    UnknownExtension(String),
    #[error("malformed {format}: {detail}")]
    Malformed { format: &'static str, detail: String },
    #[error("no readable text in it")]
    Empty,
    #[error("the PDF is password-protected; save a copy without the password (print to PDF) and import that")]
    Encrypted,
    #[error("the PDF has no text layer (a scan or images only); make it searchable (OCR) and import that")]
    NoTextLayer,
    #[error("cannot read it: {0}")]
    Io(String),
}

impl ImportErrorKind {
    /// A stable code for what is wrong with the file, said in the user's language by the side
    /// panel (`importFail_<code>` in `_locales`).
    pub fn code(&self) -> &'static str {
        match self {
            ImportErrorKind::TooLarge { .. } => "too_large",
            ImportErrorKind::Binary => "binary",
            ImportErrorKind::UnknownExtension(_) => "unsupported",
            ImportErrorKind::Malformed { .. } => "malformed",
            ImportErrorKind::Empty => "empty",
            ImportErrorKind::Encrypted => "pdf_encrypted",
            ImportErrorKind::NoTextLayer => "pdf_no_text",
            ImportErrorKind::Io(_) => "unreadable",
        }
    }
}

/// Hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}
