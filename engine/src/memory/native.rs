//! The native memory store: a data directory the CLI owns.
//!
//! Layout: `snapshot.json` (all stores at journal sequence `seq`, replaced only by write-temp +
//! fsync + atomic rename) and `journal.log` (one line per committed [`Transaction`]:
//! `<sha256 of payload> <payload json>\n`, fsynced before the commit returns). Opening replays
//! the journal after the snapshot and stops at the first torn or corrupt line, truncating it:
//! a crash mid-commit leaves all of that transaction or nothing. [`NativeStore::compact`] folds
//! the journal into a new snapshot.
//!
//! Called by `secondself memory …`, `secondself eval profile` (fresh temp dir), tests.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::schema::{self, SchemaSink, StoreDef};
use super::store::{Op, Store, Transaction};
use super::{sha256_hex, MemoryError, Source};

const SNAPSHOT: &str = "snapshot.json";
const JOURNAL: &str = "journal.log";

type Stores = BTreeMap<String, BTreeMap<String, Value>>;

#[derive(Serialize, Deserialize)]
struct Snapshot {
    version: u32,
    seq: u64,
    stores: Stores,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    seq: u64,
    tx: Transaction,
}

struct Creator<'a>(&'a mut Stores);
impl SchemaSink for Creator<'_> {
    fn create_store(&mut self, def: &StoreDef) {
        self.0.entry(def.name.to_string()).or_default();
    }
}

/// A memory store in a directory.
pub struct NativeStore {
    dir: PathBuf,
    stores: Stores,
    seq: u64,
    journal: File,
    /// Test hook: write only this many bytes of the next journal line, then fail (a crash).
    fail_after_bytes: Option<usize>,
}

fn io(at: &Path, e: std::io::Error) -> MemoryError {
    MemoryError::Store(format!("{}: {e}", at.display()))
}

impl NativeStore {
    /// Opens (creating if needed) the store in `dir`, recovering from an interrupted commit.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, MemoryError> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        let snap_path = dir.join(SNAPSHOT);
        let (mut stores, mut seq, version) = match fs::read(&snap_path) {
            Ok(bytes) => {
                let s: Snapshot = serde_json::from_slice(&bytes)
                    .map_err(|e| MemoryError::Corrupt { at: snap_path.display().to_string(), detail: e.to_string() })?;
                (s.stores, s.seq, s.version)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Stores::new(), 0, 0),
            Err(e) => return Err(io(&snap_path, e)),
        };
        if version > schema::VERSION {
            return Err(MemoryError::Store(format!(
                "{} was written by a newer SecondSelf (schema v{version}, this one knows v{}); upgrade secondself",
                dir.display(),
                schema::VERSION
            )));
        }
        schema::migrate(version, &mut Creator(&mut stores));

        let journal_path = dir.join(JOURNAL);
        let mut journal = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&journal_path)
            .map_err(|e| io(&journal_path, e))?;
        let mut raw = Vec::new();
        journal.read_to_end(&mut raw).map_err(|e| io(&journal_path, e))?;
        let mut good_len = 0usize;
        for line in raw.split_inclusive(|b| *b == b'\n') {
            let Some(entry) = parse_line(line) else { break };
            if entry.seq > seq {
                apply(&mut stores, &entry.tx);
                seq = entry.seq;
            }
            good_len += line.len();
        }
        if good_len < raw.len() {
            // A torn or corrupt tail: the transaction it held never committed.
            journal.set_len(good_len as u64).map_err(|e| io(&journal_path, e))?;
            journal.sync_all().map_err(|e| io(&journal_path, e))?;
        }
        Ok(Self { dir, stores, seq, journal, fail_after_bytes: None })
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Test hook: the next commit writes only `n` bytes of its journal line and fails, as if
    /// the process died mid-write.
    pub fn fail_next_commit_after(&mut self, n: usize) {
        self.fail_after_bytes = Some(n);
    }

    /// Number of records in a store.
    pub fn count(&self, store: &str) -> usize {
        self.stores.get(store).map_or(0, |s| s.len())
    }

    /// Folds the journal into a fresh snapshot (temp file + fsync + rename), then empties it.
    pub fn compact(&mut self) -> Result<(), MemoryError> {
        let snap = Snapshot { version: schema::VERSION, seq: self.seq, stores: self.stores.clone() };
        let bytes = serde_json::to_vec(&snap).map_err(|e| MemoryError::Store(e.to_string()))?;
        let tmp = self.dir.join(format!("{SNAPSHOT}.tmp"));
        {
            let mut f = File::create(&tmp).map_err(|e| io(&tmp, e))?;
            f.write_all(&bytes).map_err(|e| io(&tmp, e))?;
            f.sync_all().map_err(|e| io(&tmp, e))?;
        }
        let snap_path = self.dir.join(SNAPSHOT);
        fs::rename(&tmp, &snap_path).map_err(|e| io(&snap_path, e))?;
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        // Entries up to `seq` are now in the snapshot; replay skips them even if this is lost.
        self.journal.set_len(0).map_err(|e| io(&self.dir.join(JOURNAL), e))?;
        self.journal.sync_all().map_err(|e| io(&self.dir.join(JOURNAL), e))
    }
}

fn parse_line(line: &[u8]) -> Option<Entry> {
    let line = line.strip_suffix(b"\n")?;
    let (sum, payload) = (line.get(..64)?, line.get(65..)?);
    if line.get(64) != Some(&b' ') || sha256_hex(payload).as_bytes() != sum {
        return None;
    }
    serde_json::from_slice(payload).ok()
}

fn apply(stores: &mut Stores, tx: &Transaction) {
    for op in &tx.ops {
        match op {
            Op::Put { store, id, value } => {
                stores.entry(store.clone()).or_default().insert(id.clone(), value.clone());
            }
            Op::Delete { store, id } => {
                if let Some(s) = stores.get_mut(store) {
                    s.remove(id);
                }
            }
            Op::Clear { store } => {
                if let Some(s) = stores.get_mut(store) {
                    s.clear();
                }
            }
        }
    }
}

impl Store for NativeStore {
    async fn commit(&mut self, tx: Transaction) -> Result<(), MemoryError> {
        if tx.is_empty() {
            return Ok(());
        }
        for op in &tx.ops {
            let store = match op {
                Op::Put { store, .. } | Op::Delete { store, .. } | Op::Clear { store } => store,
            };
            if !self.stores.contains_key(store) {
                return Err(MemoryError::Store(format!("no store `{store}` in schema v{}", schema::VERSION)));
            }
        }
        let entry = Entry { seq: self.seq + 1, tx };
        let payload = serde_json::to_vec(&entry).map_err(|e| MemoryError::Store(e.to_string()))?;
        let mut line = Vec::with_capacity(payload.len() + 66);
        line.extend_from_slice(sha256_hex(&payload).as_bytes());
        line.push(b' ');
        line.extend_from_slice(&payload);
        line.push(b'\n');
        let path = self.dir.join(JOURNAL);
        if let Some(n) = self.fail_after_bytes.take() {
            let _ = self.journal.write_all(&line[..n.min(line.len() - 1)]);
            let _ = self.journal.sync_all();
            return Err(MemoryError::Store("injected failure mid-commit".into()));
        }
        let before = self.journal.metadata().map_err(|e| io(&path, e))?.len();
        if let Err(e) = self.journal.write_all(&line).and_then(|_| self.journal.sync_data()) {
            let _ = self.journal.set_len(before);
            return Err(io(&path, e));
        }
        apply(&mut self.stores, &entry.tx);
        self.seq = entry.seq;
        Ok(())
    }

    async fn get(&self, store: &str, id: &str) -> Result<Option<Value>, MemoryError> {
        Ok(self.stores.get(store).and_then(|s| s.get(id)).cloned())
    }

    async fn all(&self, store: &str) -> Result<Vec<Value>, MemoryError> {
        Ok(self.stores.get(store).map(|s| s.values().cloned().collect()).unwrap_or_default())
    }

    async fn source_by_sha(&self, sha256: &str) -> Result<Option<Source>, MemoryError> {
        let Some(sources) = self.stores.get(schema::SOURCES) else { return Ok(None) };
        for v in sources.values() {
            if v.get("sha256").and_then(|s| s.as_str()) == Some(sha256) {
                return super::store::decode(schema::SOURCES, v.clone()).map(Some);
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::memory::schema::SETTINGS;

    /// A fresh, unique directory under the system temp dir.
    pub(crate) fn temp_dir(tag: &str) -> PathBuf {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let d = std::env::temp_dir().join(format!(
            "secondself-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&d);
        d
    }

    fn setting(v: i64) -> Transaction {
        let mut tx = Transaction::new();
        tx.put_setting("a", &Value::from(v)).unwrap();
        tx.put_setting("b", &Value::from(v)).unwrap();
        tx
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        crate::memory::import::block_on(f)
    }

    #[test]
    fn commits_survive_reopen_and_compaction() {
        let dir = temp_dir("reopen");
        let mut s = NativeStore::open(&dir).unwrap();
        block_on(s.commit(setting(1))).unwrap();
        block_on(s.commit(setting(2))).unwrap();
        drop(s);
        let mut s = NativeStore::open(&dir).unwrap();
        assert_eq!(block_on(s.get(SETTINGS, "b")).unwrap().unwrap()["value"], 2);
        s.compact().unwrap();
        block_on(s.commit(setting(3))).unwrap();
        drop(s);
        let s = NativeStore::open(&dir).unwrap();
        assert_eq!(block_on(s.get(SETTINGS, "a")).unwrap().unwrap()["value"], 3);
        assert_eq!(s.count(SETTINGS), 2);
    }

    #[test]
    fn torn_commit_is_all_or_nothing() {
        let dir = temp_dir("torn");
        let mut s = NativeStore::open(&dir).unwrap();
        block_on(s.commit(setting(1))).unwrap();
        s.fail_next_commit_after(40);
        assert!(block_on(s.commit(setting(2))).is_err());
        // Not applied in memory either.
        assert_eq!(block_on(s.get(SETTINGS, "a")).unwrap().unwrap()["value"], 1);
        drop(s);
        let mut s = NativeStore::open(&dir).unwrap();
        assert_eq!(block_on(s.get(SETTINGS, "a")).unwrap().unwrap()["value"], 1);
        assert_eq!(block_on(s.get(SETTINGS, "b")).unwrap().unwrap()["value"], 1);
        // The torn tail was cut, so later commits replay fine.
        block_on(s.commit(setting(5))).unwrap();
        drop(s);
        let s = NativeStore::open(&dir).unwrap();
        assert_eq!(block_on(s.get(SETTINGS, "b")).unwrap().unwrap()["value"], 5);
    }

    #[test]
    fn corrupt_line_is_not_replayed() {
        let dir = temp_dir("corrupt");
        let mut s = NativeStore::open(&dir).unwrap();
        block_on(s.commit(setting(1))).unwrap();
        block_on(s.commit(setting(2))).unwrap();
        drop(s);
        let path = dir.join(JOURNAL);
        let mut raw = fs::read(&path).unwrap();
        let n = raw.len();
        raw[n - 5] ^= 1; // flip a bit in the last transaction
        fs::write(&path, raw).unwrap();
        let s = NativeStore::open(&dir).unwrap();
        assert_eq!(block_on(s.get(SETTINGS, "a")).unwrap().unwrap()["value"], 1);
    }

    #[test]
    fn unknown_store_is_refused_whole() {
        let dir = temp_dir("unknown");
        let mut s = NativeStore::open(&dir).unwrap();
        let mut tx = setting(1);
        tx.put("nope", "x", &Value::Null).unwrap();
        assert!(block_on(s.commit(tx)).is_err());
        assert_eq!(s.count(SETTINGS), 0);
    }
}
