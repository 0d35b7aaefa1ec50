//! Memory management the user drives from the side panel: delete a source (and what was derived
//! only from it), forget a fact, export everything to one versioned JSON backup, restore such a
//! backup, and delete all data. Each is one transaction (a source deletion then re-distils, in a
//! second one, so facts that other sources still support come back).
//!
//! Callers: `web/` request handlers and the native CLI; runs on any [`Store`].

use serde_json::{json, Map, Value};

use super::l1::{self, is_list_key};
use super::schema::{self, CHUNKS, FACTS, SETTINGS, SOURCES, STORES, VECTORS};
use super::store::{Store, Transaction};
use super::{Fact, MemoryError, Timestamp};

/// The `format` field of every backup.
pub const BACKUP_FORMAT: &str = "secondself-memory-backup";
/// Settings key of the list of forgotten list items (`[{key, value}]`).
const FORGOTTEN: &str = "forgotten";

/// Deletes a source, its chunks and every fact read from them, then re-distils the profile.
/// Returns the current facts.
pub async fn delete_source(store: &mut impl Store, source_id: &str, now: Timestamp) -> Result<Vec<Fact>, MemoryError> {
    let Some(source) = store.sources().await?.into_iter().find(|s| s.id == source_id) else {
        return Err(MemoryError::Store(format!("no source `{source_id}`")));
    };
    let mut tx = Transaction::new();
    tx.delete(SOURCES, &source.id);
    let chunk_ids: Vec<String> = store.chunks().await?.into_iter().filter(|c| c.source_id == source.id).map(|c| c.id).collect();
    for c in &chunk_ids {
        tx.delete(CHUNKS, c);
        tx.delete(VECTORS, c);
    }
    for f in store.facts().await? {
        if f.source_chunk.as_ref().is_some_and(|c| chunk_ids.contains(c)) {
            tx.delete(FACTS, &f.id);
        }
    }
    store.commit(tx).await?;
    let distilled = l1::distil(store, now).await?;
    current(store, distilled).await
}

/// Forgets one fact the user deleted. A single-valued key gets an empty user edit (which wins
/// over every import, so re-importing does not bring it back); a list item is remembered as
/// forgotten.
pub async fn forget_fact(store: &mut impl Store, fact_id: &str, now: Timestamp) -> Result<Vec<Fact>, MemoryError> {
    let facts = store.facts().await?;
    let Some(fact) = facts.iter().find(|f| f.id == fact_id) else {
        return Err(MemoryError::Store(format!("no fact `{fact_id}`")));
    };
    if is_list_key(&fact.key) {
        let mut forgotten = forgotten(store).await?;
        forgotten.push(json!({ "key": fact.key, "value": l1::norm(&fact.value) }));
        let mut tx = Transaction::new();
        if fact.pinned {
            tx.delete(FACTS, &fact.id);
        }
        tx.put_setting(FORGOTTEN, &Value::Array(forgotten))?;
        store.commit(tx).await?;
    } else {
        l1::pin(store, &fact.key.clone(), "", now).await?;
    }
    current_facts(store).await
}

/// The current facts as the user sees them: resolved, minus forgotten list items.
pub async fn current_facts(store: &impl Store) -> Result<Vec<Fact>, MemoryError> {
    current(store, l1::resolve(&store.facts().await?)).await
}

/// The current facts that may be filled into forms and given to pages: the conflict rule run
/// over the facts the user vouches for (none read only from page-written text and not confirmed,
/// [`Fact::for_pages`]), so a page cannot replace the user's phone number by writing a new one.
pub async fn facts_for_pages(store: &impl Store) -> Result<Vec<Fact>, MemoryError> {
    let facts: Vec<Fact> = store.facts().await?.into_iter().filter(Fact::for_pages).collect();
    current(store, l1::resolve(&facts)).await
}

async fn current(store: &impl Store, resolved: Vec<Fact>) -> Result<Vec<Fact>, MemoryError> {
    let forgotten = forgotten(store).await?;
    Ok(resolved
        .into_iter()
        .filter(|f| !forgotten.iter().any(|x| x["key"] == f.key.as_str() && x["value"] == l1::norm(&f.value).as_str()))
        .collect())
}

async fn forgotten(store: &impl Store) -> Result<Vec<Value>, MemoryError> {
    Ok(store
        .get(SETTINGS, FORGOTTEN)
        .await?
        .and_then(|v| v.get("value").and_then(Value::as_array).cloned())
        .unwrap_or_default())
}

/// Everything in memory as one JSON value: `{format, version, exported_at, stores: {name: [records]}}`.
pub async fn export_backup(store: &impl Store, now: Timestamp) -> Result<Value, MemoryError> {
    let mut stores = Map::new();
    for def in STORES {
        stores.insert(def.name.to_string(), Value::Array(store.all(def.name).await?));
    }
    Ok(json!({ "format": BACKUP_FORMAT, "version": schema::VERSION, "exported_at": now, "stores": stores }))
}

/// Replaces all memory with a backup, in one transaction. A backup of another format, of a newer
/// schema, or with malformed records is refused and changes nothing.
pub async fn restore_backup(store: &mut impl Store, backup: &Value) -> Result<usize, MemoryError> {
    let (tx, n) = restore_plan(backup)?;
    store.commit(tx).await?;
    Ok(n)
}

/// Checks a backup and builds the one transaction that restores it (nothing is written): the
/// part of a restore that reads untrusted input, and so the entry point of its fuzz target.
pub fn restore_plan(backup: &Value) -> Result<(Transaction, usize), MemoryError> {
    let bad = |detail: String| MemoryError::Corrupt { at: "backup".into(), detail };
    if backup.get("format").and_then(Value::as_str) != Some(BACKUP_FORMAT) {
        return Err(bad(format!("not a SecondSelf backup (format must be `{BACKUP_FORMAT}`)")));
    }
    let version = backup.get("version").and_then(Value::as_u64).ok_or_else(|| bad("no version".into()))?;
    if version == 0 || version > u64::from(schema::VERSION) {
        return Err(bad(format!("backup schema version {version} is not supported by this version (max {})", schema::VERSION)));
    }
    let stores = backup.get("stores").and_then(Value::as_object).ok_or_else(|| bad("no stores".into()))?;
    let mut tx = Transaction::new();
    let mut n = 0;
    for def in STORES {
        tx.clear(def.name);
        let records = match stores.get(def.name) {
            None => continue,
            Some(Value::Array(a)) => a,
            Some(_) => return Err(bad(format!("store `{}` is not a list", def.name))),
        };
        for r in records {
            let id = r.get("id").and_then(Value::as_str).ok_or_else(|| bad(format!("a record of `{}` has no id", def.name)))?;
            tx.put(def.name, id, r)?;
            n += 1;
        }
    }
    // Records must decode as today's types before anything is written.
    for def in [SOURCES, CHUNKS, FACTS] {
        if let Some(Value::Array(a)) = stores.get(def) {
            for r in a {
                let ok = match def {
                    SOURCES => serde_json::from_value::<super::Source>(r.clone()).is_ok(),
                    CHUNKS => serde_json::from_value::<super::Chunk>(r.clone()).is_ok(),
                    _ => serde_json::from_value::<Fact>(r.clone()).is_ok(),
                };
                if !ok {
                    return Err(bad(format!("a record of `{def}` is malformed")));
                }
            }
        }
    }
    Ok((tx, n))
}

/// Deletes every record of every store, in one transaction.
pub async fn delete_all(store: &mut impl Store) -> Result<(), MemoryError> {
    let mut tx = Transaction::new();
    for def in STORES {
        tx.clear(def.name);
    }
    store.commit(tx).await
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;
    use crate::memory::import::{block_on, import_one};
    use crate::memory::native::{tests::temp_dir, NativeStore};

    const A: &str = "From: Lena Vogt <lena@example.org>\nTo: Priya <priya@example.org>\nDate: Mon, 3 Feb 2025 10:00:00 +0000\nSubject: new number\n\nHi Priya, my new number is 07700 900123.\n\nMaya\n";
    const B: &str = "# About me\n\nMy name is Lena Vogt. I am vegetarian.\n";

    /// A page's text ("Remember this") cannot give the user a new phone number for forms: the
    /// fact is marked as the page's, pages keep getting the user's own, and the user's
    /// confirmation (a pin) makes it theirs.
    #[test]
    fn facts_read_from_page_text_wait_for_the_users_confirmation() {
        use crate::memory::import::import_note;
        let dir = temp_dir("page-facts");
        let mut s = NativeStore::open(&dir).unwrap();
        let own = "# About me\n\nMy name is Tove Lindqvist. My phone number is 07700 900456.\n";
        block_on(import_one(&mut s, "me.md", own.len() as u64, own.as_bytes(), 1000)).unwrap();
        let page = "Support chat. My phone number is 07700 900999, please call me back.";
        block_on(import_note(&mut s, page, Some(("https://shop.example/help", "Help")), 2000)).unwrap();
        block_on(l1::distil(&mut s, 3000)).unwrap();

        // Phone numbers are stored normalised (a country code may be added): compare the digits.
        let tel = |facts: &[Fact]| {
            facts.iter().filter(|f| f.key == "tel").map(|f| (f.value.chars().filter(char::is_ascii_digit).collect::<String>(), f.from_page)).collect::<Vec<_>>()
        };
        let ends = |facts: &[(String, bool)], digits: &str, from_page: bool| facts.len() == 1 && facts[0].0.ends_with(digits) && facts[0].1 == from_page;
        let mine = tel(&block_on(current_facts(&s)).unwrap());
        assert!(ends(&mine, "7700900999", true), "the newest value is shown, marked as the page's: {mine:?}");
        let pages = tel(&block_on(facts_for_pages(&s)).unwrap());
        assert!(ends(&pages, "7700900456", false), "forms get the user's own number: {pages:?}");

        block_on(l1::pin(&mut s, "tel", "07700 900999", 4000)).unwrap();
        let pages = tel(&block_on(facts_for_pages(&s)).unwrap());
        assert!(ends(&pages, "7700900999", false), "confirmed by the user: {pages:?}");
        let _ = std::fs::remove_dir_all(dir);
    }

    /// One damaged record (it no longer decodes) is skipped and counted; the profile, the facts
    /// for forms and the export still work, and the export keeps the record as it was read.
    #[test]
    fn one_damaged_record_is_skipped_and_reported() {
        let dir = temp_dir("damaged");
        let mut s = NativeStore::open(&dir).unwrap();
        let own = "# About me\n\nMy name is Tove Lindqvist. My phone number is 07700 900456.\n";
        block_on(import_one(&mut s, "me.md", own.len() as u64, own.as_bytes(), 1000)).unwrap();
        block_on(l1::distil(&mut s, 2000)).unwrap();
        let mut tx = Transaction::new();
        tx.put(FACTS, "fact-damaged", &json!({ "id": "fact-damaged", "key": 7, "value": ["not", "a", "fact"] })).unwrap();
        block_on(s.commit(tx)).unwrap();
        crate::memory::store::take_unreadable();
        let facts = block_on(current_facts(&s)).unwrap();
        assert!(facts.iter().any(|f| f.key == "tel"), "{facts:?}");
        assert_eq!(crate::memory::store::take_unreadable(), 1);
        assert!(block_on(facts_for_pages(&s)).unwrap().iter().any(|f| f.key == "tel"));
        let backup = block_on(export_backup(&s, 3000)).unwrap();
        assert!(backup.to_string().contains("fact-damaged"), "export keeps what it can read");
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A backup (or a database) written before facts carried `from_page` still restores: the
    /// field defaults to "not from a page", as every fact of that release was.
    #[test]
    fn records_of_the_previous_release_still_decode() {
        let old = json!({ "format": BACKUP_FORMAT, "version": 1, "stores": { "facts": [
            { "id": "pin-1", "key": "tel", "value": "0701 234", "kind": "contact", "confidence": 1.0, "sensitivity": "personal",
              "source_chunk": null, "observed_at": 1, "updated_at": 1, "pinned": true }
        ] } });
        let (_, n) = restore_plan(&old).unwrap();
        assert_eq!(n, 1);
        let f: Fact = serde_json::from_value(old["stores"]["facts"][0].clone()).unwrap();
        assert!(!f.from_page && f.for_pages());
    }

    fn store_with_two_sources() -> (NativeStore, std::path::PathBuf) {
        let dir = temp_dir("manage");
        let mut s = NativeStore::open(&dir).unwrap();
        block_on(import_one(&mut s, "a.eml", A.len() as u64, A.as_bytes(), 1000)).unwrap();
        block_on(import_one(&mut s, "b.md", B.len() as u64, B.as_bytes(), 1000)).unwrap();
        block_on(l1::distil(&mut s, 1000)).unwrap();
        (s, dir)
    }

    #[test]
    fn deleting_a_source_removes_what_only_it_supported() {
        let (mut s, _g) = store_with_two_sources();
        let before = block_on(current_facts(&s)).unwrap();
        assert!(before.iter().any(|f| f.key == "tel"), "{before:?}");
        let src = block_on(s.sources()).unwrap().into_iter().find(|x| x.name == "a.eml").unwrap();
        let after = block_on(delete_source(&mut s, &src.id, 2000)).unwrap();
        assert!(!after.iter().any(|f| f.key == "tel"), "the phone came only from a.eml: {after:?}");
        assert!(after.iter().any(|f| f.key == "diet"), "b.md still supports the diet: {after:?}");
        assert!(block_on(s.chunks()).unwrap().iter().all(|c| c.source_id != src.id));
    }

    #[test]
    fn forgetting_a_fact_survives_redistillation() {
        let (mut s, _g) = store_with_two_sources();
        let tel = block_on(current_facts(&s)).unwrap().into_iter().find(|f| f.key == "tel").unwrap();
        block_on(forget_fact(&mut s, &tel.id, 2000)).unwrap();
        block_on(l1::distil(&mut s, 3000)).unwrap();
        assert!(!block_on(current_facts(&s)).unwrap().iter().any(|f| f.key == "tel"));
    }

    #[test]
    fn backup_round_trips_and_bad_backups_change_nothing() {
        let (mut s, _g) = store_with_two_sources();
        let facts = block_on(current_facts(&s)).unwrap();
        let backup = block_on(export_backup(&s, 5)).unwrap();
        block_on(delete_all(&mut s)).unwrap();
        assert!(block_on(current_facts(&s)).unwrap().is_empty());
        assert!(block_on(s.sources()).unwrap().is_empty());

        let mut broken = backup.clone();
        broken["stores"]["facts"] = json!([{ "id": "x", "key": 3 }]);
        assert!(block_on(restore_backup(&mut s, &broken)).is_err());
        assert!(block_on(restore_backup(&mut s, &json!({ "format": "other" }))).is_err());
        assert!(block_on(s.sources()).unwrap().is_empty(), "a refused backup writes nothing");

        let n = block_on(restore_backup(&mut s, &backup)).unwrap();
        assert!(n > 0);
        assert_eq!(block_on(current_facts(&s)).unwrap(), facts);
    }
}
