//! The memory schema: one version number, the stores with their key and indexes, and one
//! `migrate_vN` per version. Declared once as data; the native store and the IndexedDB store
//! (`web/idb.rs`) both build themselves from it through [`SchemaSink`].
//!
//! Every record is a JSON object whose `id` field is its key.

/// IndexedDB database name (the native store uses a directory instead).
pub const DB_NAME: &str = "secondself-memory";
/// Current schema version. Bump it and add a `migrate_vN` when the stores change.
pub const VERSION: u32 = 2;

pub const SOURCES: &str = "sources";
pub const CHUNKS: &str = "chunks";
pub const FACTS: &str = "facts";
pub const BIO: &str = "bio";
pub const TOPICS: &str = "topics";
pub const ENTITIES: &str = "entities";
pub const RELATIONS: &str = "relations";
pub const SETTINGS: &str = "settings";
pub const VECTORS: &str = "vectors";

/// One secondary index of a store.
#[derive(Debug, Clone, Copy)]
pub struct IndexDef {
    pub name: &'static str,
    pub key_path: &'static str,
    pub unique: bool,
}

/// One object store: records keyed by their `id` field.
#[derive(Debug, Clone, Copy)]
pub struct StoreDef {
    pub name: &'static str,
    pub indexes: &'static [IndexDef],
}

/// All stores of [`VERSION`], for readers that want the full list.
pub const STORES: &[StoreDef] = &[
    StoreDef { name: SOURCES, indexes: &[IndexDef { name: "sha256", key_path: "sha256", unique: true }] },
    StoreDef { name: CHUNKS, indexes: &[IndexDef { name: "source_id", key_path: "source_id", unique: false }] },
    StoreDef { name: FACTS, indexes: &[IndexDef { name: "key", key_path: "key", unique: false }] },
    StoreDef { name: BIO, indexes: &[] },
    StoreDef { name: TOPICS, indexes: &[] },
    StoreDef { name: ENTITIES, indexes: &[] },
    StoreDef { name: RELATIONS, indexes: &[IndexDef { name: "from", key_path: "from", unique: false }] },
    StoreDef { name: SETTINGS, indexes: &[] },
    StoreDef { name: VECTORS, indexes: &[] },
];

/// Something a schema can be applied to (a native state, an IndexedDB builder).
pub trait SchemaSink {
    /// Creates an empty store with its indexes.
    fn create_store(&mut self, def: &StoreDef);
}

/// Version 1: every store of the first release.
pub fn migrate_v1(sink: &mut impl SchemaSink) {
    for def in STORES.iter().filter(|d| d.name != VECTORS) {
        sink.create_store(def);
    }
}

/// Version 2: chunk embeddings (`vectors`, keyed by chunk id). Existing chunks get theirs when
/// the embedding model next runs; nothing else changes.
pub fn migrate_v2(sink: &mut impl SchemaSink) {
    for def in STORES.iter().filter(|d| d.name == VECTORS) {
        sink.create_store(def);
    }
}

/// Brings a database at version `from` (0 = new) up to [`VERSION`].
pub fn migrate(from: u32, sink: &mut impl SchemaSink) {
    if from < 1 {
        migrate_v1(sink);
    }
    if from < 2 {
        migrate_v2(sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Names(Vec<&'static str>);
    impl SchemaSink for Names {
        fn create_store(&mut self, def: &StoreDef) {
            self.0.push(def.name);
        }
    }

    #[test]
    fn new_database_gets_every_store_once() {
        let mut names = Names(vec![]);
        migrate(0, &mut names);
        assert_eq!(names.0, [SOURCES, CHUNKS, FACTS, BIO, TOPICS, ENTITIES, RELATIONS, SETTINGS, VECTORS]);
        let mut from_v1 = Names(vec![]);
        migrate(1, &mut from_v1);
        assert_eq!(from_v1.0, [VECTORS], "a version-1 database gains the vectors store only");
        let mut again = Names(vec![]);
        migrate(VERSION, &mut again);
        assert!(again.0.is_empty(), "an up-to-date database needs no migration");
    }
}
