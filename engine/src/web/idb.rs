//! The IndexedDB memory store (browser), via rexie: the same [`Store`] trait as the native
//! store, so `memory::import` and `memory::l1::distil` run unchanged in the extension.
//!
//! The database is built from `memory::schema` (one object store per schema store, keyed by
//! `id`, with its indexes). Every [`Transaction`] is ONE IndexedDB read-write transaction over
//! all the stores it touches: any failing request aborts it, so an import lands whole or not
//! at all.
//!
//! Owned by `web::Engine`; tested in Chromium by `engine/tests/web.rs` (lead's browser suite).

use rexie::{Index, ObjectStore, Rexie, RexieBuilder, TransactionMode};
use serde_json::Value;
use wasm_bindgen::JsValue;

use crate::memory::schema::{self, SchemaSink, StoreDef};
use crate::memory::store::{Op, Store, Transaction};
use crate::memory::{MemoryError, Source};

/// What the user reads when the browser refused to keep a write.
const NOT_SAVED: &str = "the browser's storage for SecondSelf is full; nothing of this was saved (free some disk space, or delete sources you no longer need)";

fn err(at: &str, e: impl std::fmt::Display + 'static) -> MemoryError {
    // rexie says only "idb error"; the browser's own words are inside.
    let text = match (&e as &dyn std::any::Any).downcast_ref::<rexie::Error>() {
        Some(rexie::Error::IdbError(inner)) => inner.to_string(),
        _ => e.to_string(),
    };
    // The browser's storage for the extension is full: say so plainly (nothing was written).
    if text.contains("QuotaExceeded") || text.to_ascii_lowercase().contains("quota") {
        return MemoryError::Store(NOT_SAVED.into());
    }
    MemoryError::Store(format!("IndexedDB {at}: {text}"))
}

/// A record as a JS object. It crosses as one JSON string parsed by the browser: building the
/// object value by value from Rust costs a call into JS per value (see `web::parse_request`).
fn to_js(v: &Value) -> Result<JsValue, MemoryError> {
    let text = serde_json::to_string(v).map_err(|e| err("encode", e))?;
    js_sys::JSON::parse(&text).map_err(|e| err("encode", format!("{e:?}")))
}

fn from_js(v: JsValue) -> Result<Value, MemoryError> {
    let corrupt = |detail: String| MemoryError::Corrupt { at: "IndexedDB record".into(), detail };
    let text = js_sys::JSON::stringify(&v).map_err(|e| corrupt(format!("{e:?}")))?.as_string().ok_or_else(|| corrupt("not JSON".into()))?;
    serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))
}

struct Builder(Option<RexieBuilder>);

impl SchemaSink for Builder {
    fn create_store(&mut self, def: &StoreDef) {
        let mut store = ObjectStore::new(def.name).key_path("id");
        for ix in def.indexes {
            store = store.add_index(Index::new(ix.name, ix.key_path).unique(ix.unique));
        }
        self.0 = self.0.take().map(|b| b.add_object_store(store));
    }
}

/// Memory in the browser's IndexedDB.
pub struct IdbStore {
    db: Rexie,
}

impl IdbStore {
    /// Opens (creating or upgrading) the database `name` (normally [`schema::DB_NAME`]).
    pub async fn open(name: &str) -> Result<Self, MemoryError> {
        let mut b = Builder(Some(Rexie::builder(name).version(schema::VERSION)));
        // rexie creates the declared stores that are missing when the version rises.
        schema::migrate(0, &mut b);
        let builder = b.0.ok_or_else(|| err("open", "schema builder lost"))?;
        let db = builder.build().await.map_err(|e| err("open", e))?;
        Ok(Self { db })
    }

    /// Deletes the database `name` (tests, "forget everything").
    pub async fn delete(name: &str) -> Result<(), MemoryError> {
        Rexie::delete(name).await.map_err(|e| err("delete", e))
    }

    fn begin(&self, tx: &Transaction) -> Result<rexie::Transaction, MemoryError> {
        let mut names: Vec<&str> = tx
            .ops
            .iter()
            .map(|op| match op {
                Op::Put { store, .. } | Op::Delete { store, .. } | Op::Clear { store } => store.as_str(),
            })
            .collect();
        names.sort();
        names.dedup();
        self.db.transaction(&names, TransactionMode::ReadWrite).map_err(|e| err("begin", e))
    }

    async fn apply(t: &rexie::Transaction, tx: &Transaction) -> Result<(), MemoryError> {
        for op in &tx.ops {
            match op {
                Op::Put { store, value, .. } => {
                    let s = t.store(store).map_err(|e| err(store, e))?;
                    s.put(&to_js(value)?, None).await.map_err(|e| err(store, e))?;
                }
                Op::Delete { store, id } => {
                    let s = t.store(store).map_err(|e| err(store, e))?;
                    s.delete(JsValue::from_str(id)).await.map_err(|e| err(store, e))?;
                }
                Op::Clear { store } => {
                    let s = t.store(store).map_err(|e| err(store, e))?;
                    s.clear().await.map_err(|e| err(store, e))?;
                }
            }
        }
        Ok(())
    }
}

impl Store for IdbStore {
    async fn commit(&mut self, tx: Transaction) -> Result<(), MemoryError> {
        if tx.is_empty() {
            return Ok(());
        }
        for op in &tx.ops {
            let (Op::Put { store, .. } | Op::Delete { store, .. } | Op::Clear { store }) = op;
            if !schema::STORES.iter().any(|d| d.name == store) {
                return Err(MemoryError::Store(format!("no store `{store}` in schema v{}", schema::VERSION)));
            }
        }
        // Requests are issued inside one transaction; on any failure abort it so nothing lands.
        let t = self.begin(&tx)?;
        if let Err(e) = Self::apply(&t, &tx).await {
            // Abort explicitly: nothing of this transaction may land.
            let _ = t.abort().await;
            return Err(e);
        }
        // Every request succeeding is not the write landing: the browser may still abort the
        // transaction as it commits (the disk filled up meanwhile). Only a commit is success.
        let result = t.done().await.map_err(|e| err("commit", e))?;
        if !result.is_committed() {
            return Err(MemoryError::Store(NOT_SAVED.into()));
        }
        Ok(())
    }

    async fn get(&self, store: &str, id: &str) -> Result<Option<Value>, MemoryError> {
        let t = self.db.transaction(&[store], TransactionMode::ReadOnly).map_err(|e| err(store, e))?;
        let s = t.store(store).map_err(|e| err(store, e))?;
        let v = s.get(JsValue::from_str(id)).await.map_err(|e| err(store, e))?;
        v.filter(|v| !v.is_undefined()).map(from_js).transpose()
    }

    async fn all(&self, store: &str) -> Result<Vec<Value>, MemoryError> {
        let t = self.db.transaction(&[store], TransactionMode::ReadOnly).map_err(|e| err(store, e))?;
        let s = t.store(store).map_err(|e| err(store, e))?;
        let vs = s.get_all(None, None).await.map_err(|e| err(store, e))?;
        vs.into_iter().map(from_js).collect()
    }

    async fn source_by_sha(&self, sha256: &str) -> Result<Option<Source>, MemoryError> {
        let t = self.db.transaction(&[schema::SOURCES], TransactionMode::ReadOnly).map_err(|e| err("sources", e))?;
        let s = t.store(schema::SOURCES).map_err(|e| err("sources", e))?;
        let ix = s.index("sha256").map_err(|e| err("sources.sha256", e))?;
        let v = ix.get(JsValue::from_str(sha256)).await.map_err(|e| err("sources.sha256", e))?;
        match v.filter(|v| !v.is_undefined()) {
            Some(v) => crate::memory::store::decode(schema::SOURCES, from_js(v)?).map(Some),
            None => Ok(None),
        }
    }
}
