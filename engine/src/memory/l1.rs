//! L1: the distilled profile. [`distil`] reads every chunk, runs the rules of [`super::distil`]
//! and replaces the derived facts, bio, topics, entities and relations in ONE transaction,
//! keeping the user's own edits ([`pin`]). [`resolve`] is the conflict rule: for a single-valued
//! key the pinned (user-edited) fact wins over everything, else the newest observation wins
//! (ties: higher confidence); list keys (allergies, dislikes, …) keep every distinct item.
//!
//! Called by `secondself memory facts`, `eval profile`, and `web/` after imports.

use std::collections::BTreeMap;

use super::distil::{self, Candidate};
use super::schema::{BIO, ENTITIES, FACTS, RELATIONS, TOPICS};
use super::store::{Store, Transaction};
use super::{sha256_hex, Bio, Fact, FactKind, MemoryError, Sensitivity, Timestamp};

/// Keys that hold a list of items rather than one value.
pub const LIST_KEYS: &[&str] = &[
    "allergies", "dislikes", "preferences", "projects", "goals", "family", "friends", "people", "finances",
    "health-condition", "medication", "health-test", "diet-detail", "policy-number", "certificate-number",
    "booking-reference", "entry-number", "membership-number", "reference-number", "bank-account", "card",
    "account-number", "customer-number", "skills", "interests", "national-id", "languages",
];

pub fn is_list_key(key: &str) -> bool {
    LIST_KEYS.contains(&key) || key.starts_with("former-")
}

pub use crate::privacy::sensitivity_of;

/// The broad kind of a key.
pub fn kind_of(key: &str) -> FactKind {
    // An employer or home the user had before is of the same kind as the current one.
    if let Some(base) = key.strip_prefix("former-") {
        return kind_of(base);
    }
    match key {
        "name" | "given-name" | "family-name" | "additional-name" | "honorific-prefix" | "nickname" => FactKind::Name,
        "email" | "work-email" | "tel" | "tel-national" => FactKind::Contact,
        k if k.starts_with("address") || k.contains("postal") || k.starts_with("country") || k == "street-address" || k == "home-address" => FactKind::Address,
        "organization" | "organization-title" | "skills" => FactKind::Work,
        k if k.starts_with("bday") => FactKind::Date,
        "partner" | "family" | "friends" | "people" => FactKind::Person,
        "diet" | "diet-detail" | "allergies" | "dislikes" | "preferences" | "interests" | "t-shirt-size" | "language" | "languages" => FactKind::Preference,
        k if crate::privacy::is_health_key(k) => FactKind::Health,
        k if crate::privacy::is_finance_key(k) => FactKind::Finance,
        "goals" => FactKind::Goal,
        "projects" => FactKind::Project,
        _ if sensitivity_of(key) == Sensitivity::Sensitive => FactKind::Identifier,
        _ => FactKind::Other,
    }
}

/// Builds a fact from a candidate.
pub fn fact_from(c: &Candidate, now: Timestamp) -> Fact {
    let id = format!("fact-{}", &sha256_hex(format!("{}\u{0}{}\u{0}{:?}", c.key, c.value, c.chunk_id).as_bytes())[..16]);
    Fact {
        id,
        key: c.key.clone(),
        value: c.value.clone(),
        kind: kind_of(&c.key),
        confidence: c.confidence,
        sensitivity: sensitivity_of(&c.key),
        source_chunk: c.chunk_id.clone(),
        observed_at: c.observed_at,
        updated_at: now,
        pinned: false,
        from_page: false,
    }
}

/// Normalised form for comparing values: lower case, single spaces, no edge punctuation.
pub fn norm(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase().trim_matches(|c: char| c.is_ascii_punctuation() && c != '+').to_string()
}

/// `short` names the same thing as `long` in fewer words (`Sam` / `Sam Whitaker`,
/// `Brightledger` / `Brightledger Ltd`).
fn is_word_prefix(short: &str, long: &str) -> bool {
    let (s, l) = (norm(short), norm(long));
    s.len() < l.len() && l.starts_with(&s) && l[s.len()..].starts_with(' ')
}

/// The conflict rule. Returns the current facts: per single-valued key one winner (pinned,
/// else newest, else most confident; a newer short form of the same name keeps the fuller
/// value); per list key every distinct item (pinned items first, then newest).
pub fn resolve(facts: &[Fact]) -> Vec<Fact> {
    let mut by_key: BTreeMap<&str, Vec<&Fact>> = BTreeMap::new();
    for f in facts {
        by_key.entry(f.key.as_str()).or_default().push(f);
    }
    let mut out = Vec::new();
    for (key, mut fs) in by_key {
        fs.sort_by(|a, b| {
            b.pinned
                .cmp(&a.pinned)
                .then(b.observed_at.cmp(&a.observed_at))
                .then(b.confidence.total_cmp(&a.confidence))
                .then(a.id.cmp(&b.id))
        });
        if is_list_key(key) {
            let mut seen: Vec<String> = Vec::new();
            for f in fs {
                let n = singular(&norm(&f.value));
                if n.is_empty() || seen.contains(&n) {
                    continue;
                }
                seen.push(n);
                out.push(f.clone());
            }
        } else {
            let Some(first) = fs.first() else { continue };
            let mut winner = (*first).clone();
            if !winner.pinned {
                // A later mention by a shorter name keeps the fuller value it abbreviates.
                if let Some(full) = fs.iter().find(|f| is_word_prefix(&winner.value, &f.value)) {
                    winner.value = full.value.clone();
                }
            }
            if !winner.value.trim().is_empty() {
                out.push(winner);
            }
        }
    }
    out
}

/// Crude singular for de-duplicating list items (`tree nuts` = `tree nut`).
pub fn singular(s: &str) -> String {
    s.split(' ')
        .map(|w| if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") { &w[..w.len() - 1] } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The current value of every key, list items joined with `; `.
pub fn profile(facts: &[Fact]) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for f in resolve(facts) {
        out.entry(f.key.clone())
            .and_modify(|v| {
                v.push_str("; ");
                v.push_str(&f.value);
            })
            .or_insert(f.value);
    }
    out
}

/// Re-derives L1 from all stored chunks in one transaction; returns the current facts.
pub async fn distil(store: &mut impl Store, now: Timestamp) -> Result<Vec<Fact>, MemoryError> {
    let sources = store.sources().await?;
    let chunks = store.chunks().await?;
    let existing = store.facts().await?;
    let pinned: Vec<Fact> = existing.iter().filter(|f| f.pinned).cloned().collect();

    let out = distil::run(&sources, &chunks, &pinned, now);
    let mut tx = Transaction::new();
    for f in existing.iter().filter(|f| !f.pinned) {
        tx.delete(FACTS, &f.id);
    }
    for f in &out.facts {
        tx.put_fact(f)?;
    }
    tx.clear(TOPICS);
    for t in &out.topics {
        tx.put_topic(t)?;
    }
    tx.clear(ENTITIES);
    for e in &out.entities {
        tx.put_entity(e)?;
    }
    tx.clear(RELATIONS);
    for r in &out.relations {
        tx.put_relation(r)?;
    }
    tx.put(BIO, "bio", &Bio { id: "bio".into(), text: out.bio.clone(), updated_at: now })?;
    store.commit(tx).await?;
    let mut all = out.facts;
    all.extend(pinned);
    Ok(resolve(&all))
}

/// A user edit: stores `value` for `key` as a pinned fact that wins over every import.
pub async fn pin(store: &mut impl Store, key: &str, value: &str, now: Timestamp) -> Result<Fact, MemoryError> {
    let c = Candidate { key: key.into(), value: value.into(), confidence: 1.0, chunk_id: None, observed_at: now };
    let mut f = fact_from(&c, now);
    f.pinned = true;
    f.id = format!("pin-{}", &sha256_hex(format!("{key}\u{0}{value}").as_bytes())[..16]);
    let mut tx = Transaction::new();
    // One pin per single-valued key: the newest edit replaces the older one.
    if !is_list_key(key) {
        for old in store.facts().await?.iter().filter(|o| o.pinned && o.key == key) {
            tx.delete(FACTS, &old.id);
        }
    }
    tx.put_fact(&f)?;
    store.commit(tx).await?;
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::import::{block_on, import_one};
    use crate::memory::native::{tests::temp_dir, NativeStore};

    fn fact(key: &str, value: &str, at: Timestamp, pinned: bool) -> Fact {
        let mut f = fact_from(&Candidate { key: key.into(), value: value.into(), confidence: 0.8, chunk_id: Some(format!("c{at}")), observed_at: at }, 0);
        f.pinned = pinned;
        f
    }

    fn current(facts: &[Fact], key: &str) -> Vec<String> {
        resolve(facts).into_iter().filter(|f| f.key == key).map(|f| f.value).collect()
    }

    #[test]
    fn newest_wins() {
        let facts = [fact("tel", "07700 900111", 100, false), fact("tel", "07700 900222", 300, false), fact("tel", "07700 900333", 200, false)];
        assert_eq!(current(&facts, "tel"), ["07700 900222"]);
    }

    #[test]
    fn pin_wins_over_newer() {
        let facts = [fact("tel", "07700 900111", 100, true), fact("tel", "07700 900222", 300, false)];
        assert_eq!(current(&facts, "tel"), ["07700 900111"]);
    }

    #[test]
    fn short_form_keeps_full_name_but_real_change_does_not() {
        let facts = [fact("partner", "Sam Whitaker", 100, false), fact("partner", "Sam", 200, false)];
        assert_eq!(current(&facts, "partner"), ["Sam Whitaker"]);
        let facts = [fact("partner", "Sam Whitaker", 100, false), fact("partner", "Alex Moore", 200, false)];
        assert_eq!(current(&facts, "partner"), ["Alex Moore"]);
    }

    #[test]
    fn list_keys_keep_distinct_items() {
        let facts = [fact("allergies", "tree nuts", 100, false), fact("allergies", "Tree nut", 200, false), fact("allergies", "penicillin", 50, false)];
        assert_eq!(current(&facts, "allergies"), ["Tree nut", "penicillin"]);
        assert_eq!(profile(&facts)["allergies"], "Tree nut; penicillin");
    }

    /// A phone number written the national way in notes in German, with no address to say
    /// the country, is German (not read by the UK shape of its digits).
    #[test]
    fn a_national_number_takes_the_country_of_the_notes_language() {
        let mut s = NativeStore::open(temp_dir("l1-tel")).unwrap();
        let note = "Notizen\nIch heiße Wiebke Austermann. Meine Handynummer ist 0172 9876543. Morgen fahre ich zu meiner Schwester.\n";
        block_on(import_one(&mut s, "notizen.md", 0, note.as_bytes(), 10)).unwrap();
        let p = profile(&block_on(distil(&mut s, 20)).unwrap());
        assert_eq!(p.get("tel").map(String::as_str), Some("+49 172 9876543"), "{p:?}");
        assert!(p.get("writing-language").is_none(), "{p:?}");
    }

    /// Newest wins when the old value is only implied: after "my last day at X" the user has
    /// no current employer (nor the title held there) until they name a new one.
    #[test]
    fn an_employer_left_is_no_longer_current() {
        let mut s = NativeStore::open(temp_dir("l1-left")).unwrap();
        block_on(import_one(&mut s, "2025-01-10-work.md", 0, b"Work\nI work at Harwick Ceramics as a glaze technician.\n", 10)).unwrap();
        let p = profile(&block_on(distil(&mut s, 20)).unwrap());
        assert_eq!(p.get("organization").map(String::as_str), Some("Harwick Ceramics"));
        block_on(import_one(&mut s, "2025-06-01-diary.md", 0, b"Diary\nToday was my last day at Harwick Ceramics.\n", 30)).unwrap();
        let p = profile(&block_on(distil(&mut s, 40)).unwrap());
        assert!(p.get("organization").is_none() && p.get("organization-title").is_none(), "{p:?}");
        block_on(import_one(&mut s, "2025-07-01-new.md", 0, b"New job\nI started at Pellow Glassworks today.\n", 50)).unwrap();
        let p = profile(&block_on(distil(&mut s, 60)).unwrap());
        assert_eq!(p.get("organization").map(String::as_str), Some("Pellow Glassworks"));
        assert!(p.get("organization-title").is_none(), "the old job's title: {p:?}");
    }

    #[test]
    fn distil_then_user_edit_then_newer_import() {
        let mut s = NativeStore::open(temp_dir("l1")).unwrap();
        let old = b"From: Ann <ann@x.example>\nTo: Jo Bloggs <jo.bloggs@mail.example>\nSubject: hi\nDate: Mon, 06 Jan 2025 10:00:00 +0000\n\nWe have updated your mobile number on file to 07700 900111.\n";
        block_on(import_one(&mut s, "a.eml", 0, old, 10)).unwrap();
        let facts = block_on(distil(&mut s, 20)).unwrap();
        assert_eq!(profile(&facts).get("tel-national").map(String::as_str), Some("07700 900111"));
        let mail = |n: &str, date: &str| format!("From: Bo <bo@x.example>\nTo: Jo Bloggs <jo.bloggs@mail.example>\nSubject: hi\nDate: {date}\n\nWe have updated your mobile number on file to {n}.\n");
        block_on(import_one(&mut s, "b.eml", 0, mail("07700 900222", "Mon, 03 Mar 2025 10:00:00 +0000").as_bytes(), 40)).unwrap();
        let p = profile(&block_on(distil(&mut s, 50)).unwrap());
        assert_eq!((p["tel"].as_str(), p["tel-national"].as_str()), ("+44 7700 900222", "07700 900222"), "newest source wins");
        block_on(pin(&mut s, "tel-national", "07700 900999", 60)).unwrap();
        block_on(import_one(&mut s, "c.eml", 0, mail("07700 900333", "Mon, 05 May 2025 10:00:00 +0000").as_bytes(), 70)).unwrap();
        let p = profile(&block_on(distil(&mut s, 80)).unwrap());
        assert_eq!(p["tel-national"], "07700 900999", "the pin wins over a newer import");
        assert_eq!(p["tel"], "+44 7700 900999", "derived keys follow the pin");
        assert_eq!(p["name"], "Jo Bloggs");
    }
}
