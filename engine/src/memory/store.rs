//! The one storage trait of memory. A logical write (an import, a distillation, a user edit) is
//! one [`Transaction`]: a list of puts and deletes over any stores that lands entirely or not at
//! all. Implementations: [`super::native::NativeStore`] (CLI) and `web::idb::IdbStore`
//! (IndexedDB, one rexie transaction per commit).
//!
//! Methods are async because IndexedDB is; futures need not be `Send` (the browser is
//! single-threaded), hence `async_fn_in_trait`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::schema::{BIO, CHUNKS, ENTITIES, FACTS, RELATIONS, SETTINGS, SOURCES, TOPICS, VECTORS};
use super::{Bio, Chunk, Entity, Fact, MemoryError, Relation, Source, Topic, Vector};

/// One change inside a transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Op {
    /// Insert or replace the record with this `id`.
    Put { store: String, id: String, value: Value },
    /// Remove the record (no error when absent).
    Delete { store: String, id: String },
    /// Remove every record of the store.
    Clear { store: String },
}

/// A logical write: all its ops land together or none does.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transaction {
    pub ops: Vec<Op>,
}

impl Transaction {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Puts any serialisable record under `id`.
    pub fn put<T: Serialize>(&mut self, store: &str, id: &str, value: &T) -> Result<(), MemoryError> {
        let value = serde_json::to_value(value).map_err(|e| MemoryError::Store(format!("encode {store}/{id}: {e}")))?;
        self.ops.push(Op::Put { store: store.into(), id: id.into(), value });
        Ok(())
    }

    pub fn delete(&mut self, store: &str, id: &str) {
        self.ops.push(Op::Delete { store: store.into(), id: id.into() });
    }

    pub fn clear(&mut self, store: &str) {
        self.ops.push(Op::Clear { store: store.into() });
    }

    pub fn put_source(&mut self, s: &Source) -> Result<(), MemoryError> {
        self.put(SOURCES, &s.id, s)
    }
    pub fn put_chunk(&mut self, c: &Chunk) -> Result<(), MemoryError> {
        self.put(CHUNKS, &c.id, c)
    }
    pub fn put_fact(&mut self, f: &Fact) -> Result<(), MemoryError> {
        self.put(FACTS, &f.id, f)
    }
    pub fn put_bio(&mut self, b: &Bio) -> Result<(), MemoryError> {
        self.put(BIO, &b.id, b)
    }
    pub fn put_topic(&mut self, t: &Topic) -> Result<(), MemoryError> {
        self.put(TOPICS, &t.id, t)
    }
    pub fn put_entity(&mut self, e: &Entity) -> Result<(), MemoryError> {
        self.put(ENTITIES, &e.id, e)
    }
    pub fn put_relation(&mut self, r: &Relation) -> Result<(), MemoryError> {
        self.put(RELATIONS, &r.id, r)
    }
    pub fn put_vector(&mut self, v: &Vector) -> Result<(), MemoryError> {
        self.put(VECTORS, &v.id, v)
    }
    pub fn put_setting(&mut self, key: &str, value: &Value) -> Result<(), MemoryError> {
        self.put(SETTINGS, key, &serde_json::json!({ "id": key, "value": value }))
    }
}

/// Memory storage. Reads see every committed transaction; a failed commit changes nothing.
#[allow(async_fn_in_trait)]
pub trait Store {
    /// Applies a transaction atomically.
    async fn commit(&mut self, tx: Transaction) -> Result<(), MemoryError>;
    /// One record by id.
    async fn get(&self, store: &str, id: &str) -> Result<Option<Value>, MemoryError>;
    /// Every record of a store, in key order.
    async fn all(&self, store: &str) -> Result<Vec<Value>, MemoryError>;
    /// The source with this content hash, if imported before (uses the `sha256` index).
    async fn source_by_sha(&self, sha256: &str) -> Result<Option<Source>, MemoryError>;

    async fn sources(&self) -> Result<Vec<Source>, MemoryError> {
        decode_all(SOURCES, self.all(SOURCES).await?)
    }
    async fn chunks(&self) -> Result<Vec<Chunk>, MemoryError> {
        decode_all(CHUNKS, self.all(CHUNKS).await?)
    }
    async fn facts(&self) -> Result<Vec<Fact>, MemoryError> {
        decode_all(FACTS, self.all(FACTS).await?)
    }
    async fn topics(&self) -> Result<Vec<Topic>, MemoryError> {
        decode_all(TOPICS, self.all(TOPICS).await?)
    }
    async fn entities(&self) -> Result<Vec<Entity>, MemoryError> {
        decode_all(ENTITIES, self.all(ENTITIES).await?)
    }
    async fn relations(&self) -> Result<Vec<Relation>, MemoryError> {
        decode_all(RELATIONS, self.all(RELATIONS).await?)
    }
    async fn vectors(&self) -> Result<Vec<Vector>, MemoryError> {
        decode_all(VECTORS, self.all(VECTORS).await?)
    }
    async fn bio(&self) -> Result<Option<Bio>, MemoryError> {
        self.get(BIO, "bio").await?.map(|v| decode(BIO, v)).transpose()
    }
}

/// Decodes one stored record, naming the store on failure.
pub fn decode<T: DeserializeOwned>(store: &str, value: Value) -> Result<T, MemoryError> {
    serde_json::from_value(value).map_err(|e| MemoryError::Corrupt { at: store.into(), detail: e.to_string() })
}

/// Decodes every record of a store, skipping (and counting, see [`take_unreadable`]) one that no
/// longer decodes: a single damaged row must not take down the overview, autofill or export.
fn decode_all<T: DeserializeOwned>(store: &str, values: Vec<Value>) -> Result<Vec<T>, MemoryError> {
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        match decode(store, v) {
            Ok(t) => out.push(t),
            Err(_) => UNREADABLE.with(|n| n.set(n.get() + 1)),
        }
    }
    Ok(out)
}

thread_local! {
    static UNREADABLE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many stored records were skipped as unreadable since the last call (the memory manager
/// reports them; export still carries them, as read).
pub fn take_unreadable() -> usize {
    UNREADABLE.with(|n| n.replace(0))
}
