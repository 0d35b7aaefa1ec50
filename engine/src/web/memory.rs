//! The memory API for the extension's engine host: import files, notes and "remember this"
//! selections, distil the profile, list facts, pin a user edit, search. It runs the same
//! `memory::import`, `memory::l1` and `retrieval` code as the native CLI, over [`IdbStore`].
//!
//! Called from `extension/offscreen/engine-host.js` (wired to `memory.*` messages by the lead);
//! results are plain JSON-compatible objects. Memory never goes to page scripts from here.

use std::cell::RefCell;

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::idb::IdbStore;
use crate::memory::import::{import_note, import_one, Outcome};
use crate::memory::store::Store;
use crate::memory::{l1, schema, MemoryError};
use crate::retrieval::index::InvertedIndex;
use crate::retrieval::rank::{self, PassageKind};

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

fn to_js(v: &Value) -> JsValue {
    use serde::Serialize;
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

fn error(e: &MemoryError) -> JsValue {
    to_js(&json!({ "kind": "failed", "message": e.to_string() }))
}

fn outcome(o: Result<Outcome, MemoryError>) -> JsValue {
    to_js(&match o {
        Ok(Outcome::Imported { source_id, chunks }) => json!({ "kind": "imported", "source_id": source_id, "chunks": chunks }),
        Ok(Outcome::Duplicate { source_id }) => json!({ "kind": "duplicate", "source_id": source_id }),
        Ok(Outcome::Failed(e)) | Err(e) => json!({ "kind": "failed", "message": e.to_string() }),
    })
}

/// One open memory database.
#[wasm_bindgen]
pub struct Memory {
    /// Taken out while an operation runs; a second concurrent call gets a `busy` error.
    store: RefCell<Option<IdbStore>>,
}

impl Memory {
    fn take(&self) -> Result<IdbStore, JsValue> {
        self.store.borrow_mut().take().ok_or_else(|| JsValue::from_str("memory is busy with another operation; retry when it finishes"))
    }
    fn put(&self, s: IdbStore) {
        *self.store.borrow_mut() = Some(s);
    }
}

#[wasm_bindgen]
impl Memory {
    /// Opens (creating) the memory database; `name` defaults to `secondself-memory`.
    pub async fn open(name: Option<String>) -> Result<Memory, JsValue> {
        let store = IdbStore::open(name.as_deref().unwrap_or(schema::DB_NAME)).await.map_err(|e| JsValue::from_str(&e.to_string()))?;
        Ok(Memory { store: RefCell::new(Some(store)) })
    }

    /// Imports one file's bytes (one transaction); returns `{kind: imported|duplicate|failed, …}`.
    pub async fn import_file(&self, name: String, bytes: Vec<u8>) -> Result<JsValue, JsValue> {
        let mut s = self.take()?;
        let r = import_one(&mut s, &name, bytes.len() as u64, &bytes, now()).await;
        self.put(s);
        Ok(outcome(r))
    }

    /// Stores a typed note (no `url`) or a "remember this" selection with its page URL and title.
    pub async fn remember(&self, text: String, url: Option<String>, title: Option<String>) -> Result<JsValue, JsValue> {
        let mut s = self.take()?;
        let page = url.as_deref().map(|u| (u, title.as_deref().unwrap_or(u)));
        let r = import_note(&mut s, &text, page, now()).await;
        self.put(s);
        Ok(outcome(r))
    }

    /// Re-derives the profile from all memory; returns the current facts.
    pub async fn distil(&self) -> Result<JsValue, JsValue> {
        let mut s = self.take()?;
        let r = l1::distil(&mut s, now()).await;
        self.put(s);
        Ok(match r {
            Ok(facts) => to_js(&serde_json::to_value(&facts).unwrap_or(Value::Null)),
            Err(e) => error(&e),
        })
    }

    /// The current facts (conflicts resolved), with sensitivity and provenance.
    pub async fn facts(&self) -> Result<JsValue, JsValue> {
        let s = self.take()?;
        let r = s.facts().await;
        self.put(s);
        Ok(match r {
            Ok(f) => to_js(&serde_json::to_value(l1::resolve(&f)).unwrap_or(Value::Null)),
            Err(e) => error(&e),
        })
    }

    /// A user edit: `value` for `key` wins over every import.
    pub async fn pin(&self, key: String, value: String) -> Result<JsValue, JsValue> {
        let mut s = self.take()?;
        let r = l1::pin(&mut s, &key, &value, now()).await;
        self.put(s);
        Ok(match r {
            Ok(f) => to_js(&serde_json::to_value(f).unwrap_or(Value::Null)),
            Err(e) => error(&e),
        })
    }

    /// Top `k` passages for `query`: `[{kind: fact|chunk, key?, value?, text?, source, chunk_id, score, sensitivity?}]`.
    pub async fn search(&self, query: String, k: usize) -> Result<JsValue, JsValue> {
        let s = self.take()?;
        let r = async {
            let chunks = s.chunks().await?;
            let sources = s.sources().await?;
            let facts = l1::resolve(&s.facts().await?);
            Ok::<_, MemoryError>((chunks, sources, facts))
        }
        .await;
        self.put(s);
        let (chunks, sources, facts) = match r {
            Ok(x) => x,
            Err(e) => return Ok(error(&e)),
        };
        let mut ix = InvertedIndex::new();
        for c in &chunks {
            let src = sources.iter().find(|x| x.id == c.source_id);
            let dated = c.dated.or(src.map(|x| x.effective_date())).unwrap_or(0);
            ix.add(&c.id, src.map(|x| x.name.as_str()).unwrap_or("?"), dated, &c.full_text());
        }
        let out: Vec<Value> = rank::search(&ix, &facts, &query, now(), k)
            .into_iter()
            .map(|p| match &p.kind {
                PassageKind::Fact { id, key, sensitivity } => {
                    let value = facts.iter().find(|f| &f.id == id).map(|f| f.value.clone()).unwrap_or_default();
                    json!({ "kind": "fact", "key": key, "value": value, "sensitivity": sensitivity, "chunk_id": p.chunk_id, "source": p.source, "score": p.score })
                }
                PassageKind::Chunk => {
                    let text = chunks.iter().find(|c| Some(&c.id) == p.chunk_id.as_ref()).map(|c| c.full_text()).unwrap_or_default();
                    json!({ "kind": "chunk", "text": text, "chunk_id": p.chunk_id, "source": p.source, "score": p.score })
                }
            })
            .collect();
        Ok(to_js(&Value::Array(out)))
    }
}
