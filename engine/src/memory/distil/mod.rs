//! Rule-based L1 distillation: chunks in, typed profile facts out.
//!
//! Two passes. First [`owner::detect`] works out who the user is (the name and addresses their
//! mail is sent to, "My name is …"). Then every chunk is read as a [`View`] — who wrote it (the
//! user, or someone writing to them), its date, its text without assistant turns — and each rule
//! file adds [`Candidate`]s: `identity.rs` (names, birthday, language), `contact.rs` (emails,
//! phones), `address.rs` (postal addresses), `work.rs` (job title, employer), `people.rs`
//! (partner, family, friends), `preferences.rs` (diet, allergies, dislikes, sizes, goals,
//! projects), `sensitive.rs` (ids, finances, health). The rules are general patterns (postcode
//! and phone formats, "I moved to", "new number", signature blocks, CV headers), never strings
//! of one person. [`derive`] then resolves conflicts (see [`super::l1::resolve`]) and derives the
//! dependent keys (`tel` from `tel-national`, `bday-day`, `country`, `language`, …); `bio.rs`
//! writes the bio and topics.
//!
//! Called by [`super::l1::distil`].

pub mod address;
pub mod bio;
pub mod contact;
pub mod identity;
pub mod owner;
pub mod people;
pub mod preferences;
pub mod sensitive;
pub mod work;

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

use super::l1::{fact_from, resolve};
use super::{Chunk, Entity, Fact, Origin, Relation, Source, SourceKind, Timestamp, Topic};

pub use owner::Owner;

/// A fact as a rule proposes it, before conflict resolution.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub key: String,
    pub value: String,
    pub confidence: f32,
    pub chunk_id: Option<String>,
    pub observed_at: Timestamp,
}

/// Who wrote a piece of text, as far as the rules are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    /// The user (notes, their documents, their chat turns, mail they sent): "I"/"my" is them.
    Owner,
    /// Someone else writing, usually to the user (mail they received): "you"/"your" is them.
    Other,
    /// Text that is about the world, not the user (clipped articles).
    World,
}

/// One chunk as the rules see it.
pub struct View<'a> {
    pub chunk: &'a Chunk,
    pub source: &'a Source,
    /// Heading path + text, assistant turns removed, `User: ` prefixes stripped.
    pub text: String,
    /// `text` with line breaks as spaces, for sentence-level patterns.
    pub flat: String,
    pub date: Timestamp,
    pub author: Author,
    /// The `From:` header of the mail this chunk is part of (every chunk of it, not only the first).
    pub sender: Option<String>,
}

impl View<'_> {
    /// Adds a candidate from this chunk.
    pub fn emit(&self, out: &mut Vec<Candidate>, key: &str, value: &str, confidence: f32) {
        let value = value.trim().trim_end_matches([',', ';', ':']).trim();
        if key.is_empty() || (value.is_empty() && !key.starts_with("address")) {
            return;
        }
        out.push(Candidate {
            key: key.to_string(),
            value: value.to_string(),
            confidence,
            chunk_id: Some(self.chunk.id.clone()),
            observed_at: self.date,
        });
    }

    /// True when "I"/"my" in this text is the user.
    pub fn first_person(&self) -> bool {
        self.author == Author::Owner
    }
}

/// A case-blind regex for any phrase of a lexicon as a whole word, followed by `tail`
/// (`\s+` for "the value follows", `\W*$` for "the value is right after this").
pub fn cue_regex(lex: &crate::lexicon::Lexicon, tail: &str) -> Regex {
    Regex::new(&format!(r"(?i)(?:^|[^\p{{L}}])(?:{}){tail}", people::alternation(lex))).expect("lexicon cue regex")
}

/// Drops the candidates after `start` that repeat one already proposed there (two rules
/// reading the same words give one candidate).
pub fn dedup_since(out: &mut Vec<Candidate>, start: usize) {
    let mut seen = std::collections::HashSet::new();
    let new: Vec<Candidate> = out.drain(start..).filter(|c| seen.insert((c.key.clone(), c.value.clone()))).collect();
    out.extend(new);
}

/// A regex built from the owner's name (the same few patterns for every chunk), compiled once.
pub fn owner_regex(pattern: &str) -> Option<Regex> {
    static CACHE: OnceLock<std::sync::Mutex<HashMap<String, Option<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() > 64 {
        map.clear();
    }
    map.entry(pattern.to_string()).or_insert_with(|| Regex::new(pattern).ok()).clone()
}

/// Compiles a static regex once.
pub fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).unwrap_or_else(|e| panic!("bad static regex {pattern}: {e}")))
}

/// Everything distillation produces.
#[derive(Debug, Default)]
pub struct Output {
    pub facts: Vec<Fact>,
    pub bio: String,
    pub topics: Vec<Topic>,
    pub entities: Vec<Entity>,
    pub relations: Vec<Relation>,
}

fn rule_text(chunk: &Chunk) -> String {
    let mut paras = Vec::new();
    if !chunk.heading_path.is_empty() {
        paras.push(chunk.heading_path.join("\n"));
    }
    for p in chunk.text.split("\n\n") {
        if p.starts_with("Assistant: ") {
            continue;
        }
        paras.push(p.strip_prefix("User: ").unwrap_or(p).to_string());
    }
    paras.join("\n\n")
}

fn author_of(source: &Source, sender: Option<&str>, owner: &Owner) -> Author {
    match source.kind {
        SourceKind::Email => {
            let from = sender.unwrap_or_default().to_lowercase();
            if !from.is_empty() && owner.is_owner_address_line(&from) {
                Author::Owner
            } else {
                Author::Other
            }
        }
        // Bookmark titles are the pages' words, chosen by the user but not written by them.
        SourceKind::Html | SourceKind::Selection | SourceKind::Bookmarks => Author::World,
        _ => Author::Owner,
    }
}

/// A header line (`From: …`) in an email chunk's first paragraph.
pub fn chunk_header(chunk: &Chunk, name: &str) -> Option<String> {
    if chunk.index != 0 {
        return None;
    }
    let first = chunk.text.split("\n\n").next()?;
    first.lines().find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")).map(str::to_string))
}

/// Runs every rule over every chunk and returns resolved + derived facts (and bio, topics,
/// entities, relations). `pinned` are the user's edits: they take part in resolution.
pub fn run(sources: &[Source], chunks: &[Chunk], pinned: &[Fact], now: Timestamp) -> Output {
    let by_id: HashMap<&str, &Source> = sources.iter().map(|s| (s.id.as_str(), s)).collect();
    let (owner, views) = read(&by_id, sources, chunks);
    let (mut cands, people) = propose(&owner, &views);
    owner.emit_identity(&mut cands, now);
    let (entities, relations) = people.finish(&mut cands);
    complete_names(&mut cands, &views);
    identity::birth_year_from_age(&mut cands);
    let facts = derive_keeping_pages_apart(cands, pinned, sources, chunks, now);
    let topics = bio::topics(&views, &facts);
    let bio = bio::bio(&facts, bio::language_of(&views));
    Output { facts, bio, topics, entities, relations }
}

/// A partner named by the first name alone (`Sam (my partner)`) takes the surname the memory
/// writes after that first name elsewhere (`Sam Ortiz` on a booking), the commonest; an employer
/// named without its legal form (`at Acme Tools`) takes the form written after the same name
/// elsewhere (`Acme Tools Ltd` in a contract), as written outside capitals.
pub fn complete_names(cands: &mut [Candidate], views: &[View]) {
    let texts: Vec<&str> = views.iter().filter(|v| v.author != Author::World).map(|v| v.flat.as_str()).collect();
    // Each distinct name is looked up once (a memory proposes the same one many times).
    let mut done: HashMap<(String, String), String> = HashMap::new();
    for c in cands.iter_mut().filter(|c| c.key == "partner" || c.key == "organization") {
        let value = c.value.trim().to_string();
        if let Some(v) = done.get(&(c.key.clone(), value.clone())) {
            c.value = v.clone();
            continue;
        }
        let before = c.value.clone();
        if c.key == "partner" && value.split_whitespace().count() == 1 && value.chars().next().is_some_and(char::is_uppercase) {
            let Ok(r) = Regex::new(&format!(r"\b{}\s+(\p{{Lu}}[\p{{Ll}}'’-]+)\b", regex::escape(&value))) else { continue };
            let mut counts: Vec<(String, usize)> = Vec::new();
            for t in &texts {
                for m in r.captures_iter(t) {
                    let surname = m[1].to_string();
                    if crate::lexicon::is_function_word(&surname.to_lowercase()) || crate::text::dates::month_number(&surname).is_some() || crate::text::dates::weekday_number(&surname).is_some() {
                        continue;
                    }
                    match counts.iter_mut().find(|(s, _)| *s == surname) {
                        Some(e) => e.1 += 1,
                        None => counts.push((surname, 1)),
                    }
                }
            }
            counts.sort_by(|a, b| b.1.cmp(&a.1));
            if let Some((surname, _)) = counts.first() {
                c.value = format!("{value} {surname}");
            }
        }
        if c.key == "organization" && !crate::lexicon::names_company(&value) && value.chars().count() >= 3 {
            let Ok(r) = Regex::new(&format!(r"(?i)\b{}\s+(\S+)", regex::escape(&value))) else { continue };
            let found = texts.iter().flat_map(|t| r.captures_iter(t).map(|m| (m.get(0).map_or("", |x| x.as_str()).to_string(), m[1].trim_end_matches([',', '.', ';', ':', ')']).to_string())).collect::<Vec<_>>()).filter(|(_, form)| crate::lexicon::names_company(form));
            let mut best: Option<String> = None;
            for (whole, form) in found {
                let written = format!("{} {form}", whole.split_whitespace().take(value.split_whitespace().count()).collect::<Vec<_>>().join(" "));
                let capitals = written.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
                if best.is_none() || !capitals {
                    best = Some(if capitals { format!("{value} {form}") } else { written });
                }
            }
            if let Some(b) = best {
                c.value = b;
            }
        }
        done.insert((c.key.clone(), before.trim().to_string()), c.value.clone());
    }
}

/// Every candidate the rules propose, before resolution (with the chunk each comes from): what
/// `secondself eval extraction` scores against the labelled extraction sets.
pub fn candidates(sources: &[Source], chunks: &[Chunk]) -> Vec<Candidate> {
    let by_id: HashMap<&str, &Source> = sources.iter().map(|s| (s.id.as_str(), s)).collect();
    let (owner, views) = read(&by_id, sources, chunks);
    let (mut cands, people) = propose(&owner, &views);
    owner.emit_identity(&mut cands, 0);
    let _ = people.finish(&mut cands);
    cands
}

/// The owner and a view of every chunk.
fn read<'a>(by_id: &HashMap<&str, &'a Source>, sources: &[Source], chunks: &'a [Chunk]) -> (Owner, Vec<View<'a>>) {
    let mut owner = owner::detect(sources, chunks);
    let mut views = Vec::new();
    let senders: HashMap<&str, String> = chunks.iter().filter_map(|c| Some((c.source_id.as_str(), chunk_header(c, "From")?))).collect();
    for c in chunks {
        let Some(source) = by_id.get(c.source_id.as_str()) else { continue };
        let text = rule_text(c);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let sender = senders.get(c.source_id.as_str()).cloned();
        let author = author_of(source, sender.as_deref(), &owner);
        views.push(View { chunk: c, source, flat, text, date: c.dated.unwrap_or_else(|| source.effective_date()), author, sender });
    }
    // The language the user writes in: the commonest language of their own chunks.
    let mut langs: HashMap<&'static str, usize> = HashMap::new();
    for v in views.iter().filter(|v| v.author == Author::Owner) {
        if let Some(l) = crate::text::lang::detect(&v.text) {
            *langs.entry(l).or_default() += 1;
        }
    }
    owner.language = langs.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0))).map(|(l, _)| l);
    (owner, views)
}

/// Runs every rule over every view.
fn propose(owner: &Owner, views: &[View]) -> (Vec<Candidate>, people::People) {
    let mut cands = Vec::new();
    if let (Some(lang), Some(v)) = (owner.language, views.iter().find(|v| v.author == Author::Owner)) {
        // A weak fact: "(native)" or "my first language is" in the notes says it better.
        v.emit(&mut cands, "language", lang, 0.3);
        // The language the notes are written in, whatever the native one (for phone numbers).
        v.emit(&mut cands, "writing-language", lang, 0.3);
    }
    let mut people = people::People::default();
    for v in views {
        identity::rules(v, owner, &mut cands);
        contact::rules(v, owner, &mut cands);
        address::rules(v, owner, &mut cands);
        work::rules(v, owner, &mut cands);
        people.rules(v, owner, &mut cands);
        preferences::rules(v, &mut cands);
        sensitive::rules(v, &mut cands);
    }
    (cands, people)
}

/// Is this source's text written by a web page rather than by the user? A "Remember this"
/// selection and a saved web page are: a page can write "your phone number is …" into either.
pub fn page_authored(source: &Source) -> bool {
    matches!(source.origin, Origin::Page { .. }) || matches!(source.kind, SourceKind::Html | SourceKind::Bookmarks)
}

/// Resolves the candidates twice: once from the user's own sources alone, once with the
/// page-authored ones too. The facts stored are the first set plus what the pages add or claim
/// newer, marked [`Fact::from_page`]: a page's "your phone number is …" is shown for the user to
/// confirm, while forms and pages keep getting the user's own number (`manage::facts_for_pages`).
fn derive_keeping_pages_apart(cands: Vec<Candidate>, pinned: &[Fact], sources: &[Source], chunks: &[Chunk], now: Timestamp) -> Vec<Fact> {
    let by_id: HashMap<&str, &Source> = sources.iter().map(|s| (s.id.as_str(), s)).collect();
    let page_chunks: std::collections::HashSet<&str> =
        chunks.iter().filter(|c| by_id.get(c.source_id.as_str()).is_some_and(|s| page_authored(s))).map(|c| c.id.as_str()).collect();
    let from_page = |chunk: &Option<String>| chunk.as_deref().is_some_and(|c| page_chunks.contains(c));
    if !cands.iter().any(|c| from_page(&c.chunk_id)) {
        return derive(cands, pinned, now);
    }
    let own: Vec<Candidate> = cands.iter().filter(|c| !from_page(&c.chunk_id)).cloned().collect();
    let mut facts = derive(own, pinned, now);
    let known: std::collections::HashSet<String> = facts.iter().map(|f| f.id.clone()).collect();
    for mut f in derive(cands, pinned, now).into_iter().filter(|f| !f.pinned && from_page(&f.source_chunk) && !known.contains(&f.id)) {
        f.from_page = true;
        facts.push(f);
    }
    facts
}

/// Keys rules propose only for `derive` to weigh (a candidate e-mail, a town said in passing, an
/// employer left, the notes' language, diet details): never facts of their own.
const WORKING_KEYS: [&str; 8] = ["email-candidate", "work-email-candidate", "town-candidate", "organization-left", "writing-language", "diet-detail", "age", "age-next"];

fn current<'a>(resolved: &'a [Fact], key: &str) -> Option<&'a Fact> {
    resolved.iter().find(|f| f.key == key)
}

/// Resolves candidates (with the pins) and adds keys derived from the winners.
pub fn derive(cands: Vec<Candidate>, pinned: &[Fact], now: Timestamp) -> Vec<Fact> {
    let mut facts: Vec<Fact> = cands.iter().map(|c| fact_from(c, now)).collect();
    facts.extend(pinned.iter().cloned());
    let resolved = resolve(&facts);
    let mut extra = Vec::new();
    let derived = |base: &Fact, key: &str, value: String, extra: &mut Vec<Candidate>| {
        extra.push(Candidate { key: key.into(), value, confidence: base.confidence, chunk_id: base.source_chunk.clone(), observed_at: base.observed_at });
    };

    // Country from the address (UK postcode, US ZIP) or an explicit country line.
    let country = current(&resolved, "country").map(|f| f.value.clone());
    if let Some(f) = current(&resolved, "country") {
        if let Some(name) = address::country_name(&f.value) {
            derived(f, "country-name", name, &mut extra);
        }
    }
    // Phones: one national and one international form of the current number.
    // With no country from an address, the first country of the language the notes are written
    // in stands in (a German note's `0171 …` is German); not for English, which many countries write.
    let phone_country = country.clone().or_else(|| {
        let lang = current(&resolved, "writing-language").map(|f| f.value.clone()).filter(|l| l != "en")?;
        crate::text::address::countries_for_language(&lang).first().map(|c| c.to_string())
    });
    if let Some(f) = current(&resolved, "tel-national").or_else(|| current(&resolved, "tel")) {
        if let Some((intl, national)) = contact::phone_forms(&f.value, phone_country.as_deref()) {
            // The user's own national writing of the same number wins over ours (`070-412 88 35`
            // in a note, `+46 70 412 88 35` in a newer e-mail signature).
            let key = contact::digits(&national);
            let written = facts
                .iter()
                .filter(|o| matches!(o.key.as_str(), "tel" | "tel-national") && o.value.trim_start().starts_with('0') && contact::digits(&o.value) == key)
                .max_by_key(|o| o.observed_at)
                .map(|o| o.value.trim().to_string());
            derived(f, "tel", intl, &mut extra);
            derived(f, "tel-national", written.unwrap_or(national), &mut extra);
        }
    }
    // Birthday parts.
    if let Some(f) = current(&resolved, "bday") {
        let parts: Vec<&str> = f.value.split('-').collect();
        if let [y, m, d] = parts[..] {
            derived(f, "bday-year", y.to_string(), &mut extra);
            derived(f, "bday-month", m.trim_start_matches('0').to_string(), &mut extra);
            derived(f, "bday-day", d.trim_start_matches('0').to_string(), &mut extra);
        }
    }
    // Language tag: native language + country.
    if let Some(f) = current(&resolved, "language") {
        if let (Some(c), false) = (&country, f.value.contains('-')) {
            derived(f, "language", format!("{}-{}", f.value, c), &mut extra);
        }
    }
    // Emails: the work one is on the employer's domain.
    emails(&resolved, &facts, &mut extra);
    // An employer the user has left, after the last time they named it as theirs: no longer
    // current (nor is the title held there), unless a newer employer already replaced it.
    let left_at: Option<Timestamp> = match (current(&resolved, "organization"), current(&resolved, "organization-left")) {
        (Some(org), Some(left)) if left.observed_at >= org.observed_at && crate::text::fold(&left.value) == crate::text::fold(&org.value) => Some(left.observed_at),
        _ => None,
    };
    // A title said before the user left an employer they had named was held there: past too.
    let title_left_at: Option<Timestamp> = facts
        .iter()
        .filter(|l| l.key == "organization-left" && facts.iter().any(|o| o.key == "organization" && o.observed_at <= l.observed_at && crate::text::fold(&o.value) == crate::text::fold(&l.value)))
        .map(|l| l.observed_at)
        .max();
    // A town the user says they live in, when no postal address names one.
    if current(&resolved, "address-level2").is_none() {
        if let Some(f) = current(&resolved, "town-candidate") {
            derived(f, "address-level2", f.value.clone(), &mut extra);
        }
    }
    // Diet: base + details in one value.
    if let Some(f) = current(&resolved, "diet") {
        let all: Vec<String> = resolved.iter().filter(|d| d.key == "diet-detail").map(|d| d.value.clone()).collect();
        // "no meat" says less than "no meat or fish": keep the fuller one.
        let details: Vec<String> = all.iter().filter(|d| !all.iter().any(|o| o.len() > d.len() && o.starts_with(d.as_str()))).cloned().collect();
        if !details.is_empty() && !f.value.contains('(') {
            let mut v = f.clone();
            v.value = format!("{} ({})", f.value, details.join("; "));
            v.observed_at += 1;
            derived(&v, "diet", v.value.clone(), &mut extra);
        }
    }
    let mut all: Vec<Fact> = facts.into_iter().filter(|f| !f.pinned).collect();
    // Allergens the user glossed in another language (`celery (Sellerie)`) are one allergy.
    let aliases: Vec<(String, String)> = all.iter().filter(|f| f.key == "allergy-alias").filter_map(|f| f.value.split_once('=').map(|(a, b)| (a.to_string(), b.to_string()))).collect();
    for f in all.iter_mut().filter(|f| f.key == "allergies") {
        if let Some((_, main)) = aliases.iter().find(|(alias, _)| *alias == f.value.to_lowercase()) {
            f.value = main.clone();
        }
    }
    all.retain(|f| f.key != "allergy-alias");
    all.extend(extra.iter().map(|c| fact_from(c, now)));
    // Derived values are newer than the raw ones they come from, so they win resolution.
    for f in all.iter_mut() {
        if extra.iter().any(|c| c.key == f.key && c.value == f.value && c.chunk_id == f.source_chunk) {
            f.observed_at += 1;
            f.confidence = f.confidence.max(0.9);
        }
    }
    let mut with_pins = all;
    with_pins.extend(pinned.iter().cloned());
    let mut out: Vec<Fact> = resolve(&with_pins).into_iter().filter(|f| !f.pinned).collect();
    out.retain(|f| !WORKING_KEYS.contains(&f.key.as_str()));
    if let Some(at) = left_at {
        out.retain(|f| !(f.key == "organization" && f.observed_at <= at));
    }
    if let Some(at) = title_left_at {
        out.retain(|f| !(f.key == "organization-title" && f.observed_at <= at));
    }
    former_values(&with_pins, &mut out, now);
    out
}

/// Keys whose earlier values are kept as `former-…` facts.
const FORMER: [&str; 3] = ["organization", "street-address", "address-level2"];

/// The employers and homes the user had before the current ones: older observations of the key,
/// an employer the user left after naming it as theirs, a CV role that ended, the "from" of a
/// move. List facts (`former-organization`, …), never one that names the current value; the
/// critic reads them (a reply that still gives the old employer or address).
fn former_values(all: &[Fact], out: &mut Vec<Fact>, now: Timestamp) {
    let fold = |s: &str| crate::text::fold(s.trim());
    out.retain(|f| !f.key.starts_with("former-"));
    let mut add: Vec<Fact> = Vec::new();
    for key in FORMER {
        let former = format!("former-{key}");
        let current: Option<String> = out.iter().find(|f| f.key == key).map(|f| fold(&f.value));
        let named_employer = |v: &str| all.iter().any(|o| o.key == "organization" && fold(&o.value) == v);
        for f in all.iter().filter(|f| !f.pinned) {
            let v = fold(&f.value);
            // An earlier employer must have been named as plainly as a current one (a CV line,
            // "I work at", a signature), not guessed from a passing "offer from …".
            let plain = key != "organization" || f.confidence >= 0.8;
            let kept = (f.key == key && plain) || f.key == former || (key == "organization" && f.key == "organization-left" && named_employer(&v));
            // The current value, or a longer or shorter form of it, is not a former one.
            let current_form = current.as_deref().is_some_and(|c| c.contains(v.as_str()) || v.contains(c));
            if !kept || v.chars().count() < 2 || current_form || add.iter().any(|g| g.key == former && fold(&g.value) == v) {
                continue;
            }
            let c = Candidate { key: former.clone(), value: f.value.trim().to_string(), confidence: f.confidence, chunk_id: f.source_chunk.clone(), observed_at: f.observed_at };
            add.push(fact_from(&c, now));
        }
    }
    out.extend(add);
}

fn emails(resolved: &[Fact], facts: &[Fact], extra: &mut Vec<Candidate>) {
    let org = current(resolved, "organization").map(|f| f.value.to_lowercase());
    let org_word = org.as_deref().and_then(|o| o.split(|c: char| !c.is_alphanumeric()).find(|w| w.len() >= 3)).map(str::to_string);
    let mut counts: Vec<(String, usize, &Fact)> = Vec::new();
    for f in facts.iter().filter(|f| f.key == "email-candidate") {
        match counts.iter_mut().find(|(a, _, _)| *a == f.value) {
            Some(e) => {
                e.1 += 1;
                if f.observed_at > e.2.observed_at {
                    e.2 = f;
                }
            }
            None => counts.push((f.value.clone(), 1, f)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.observed_at.cmp(&a.2.observed_at)));
    // The employer's name without spaces (`La Fe` → `lafe`), for domains that run words together.
    let org_compact: String = org.as_deref().map(|o| crate::text::fold(o).chars().filter(|c| c.is_alphanumeric()).collect()).unwrap_or_default();
    let signed_for_work = |addr: &str| facts.iter().any(|f| f.key == "work-email-candidate" && f.value == addr);
    let is_work = |addr: &str| {
        if signed_for_work(addr) {
            return true;
        }
        let domain = addr.rsplit('@').next().unwrap_or("");
        let first = crate::text::fold(domain.split('.').next().unwrap_or("")).replace('-', "");
        org_word.as_deref().is_some_and(|w| domain.split('.').any(|label| label.starts_with(w))) || (org_compact.len() >= 4 && first.starts_with(&org_compact))
    };
    let push = |key: &str, (addr, _, f): &(String, usize, &Fact), extra: &mut Vec<Candidate>| {
        extra.push(Candidate { key: key.into(), value: addr.clone(), confidence: f.confidence, chunk_id: f.source_chunk.clone(), observed_at: f.observed_at });
    };
    if let Some(w) = counts.iter().find(|c| is_work(&c.0)) {
        push("work-email", w, extra);
    }
    if let Some(p) = counts.iter().find(|c| !is_work(&c.0)) {
        push("email", p, extra);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::memory::{Origin, SourceKind};

    pub(crate) fn owner() -> Owner {
        Owner {
            name: Some("Jo Bloggs".into()),
            given: Some("Jo".into()),
            family: Some("Bloggs".into()),
            addresses: vec![("jo.bloggs@mail.example".into(), 2, 0)],
            name_chunk: Some(("c".into(), 0)),
            language: None,
            countries: vec![],
        }
    }

    #[test]
    fn earlier_employers_and_homes_become_former_facts_never_the_current_one() {
        let c = |key: &str, value: &str, day: i64| Candidate { key: key.into(), value: value.into(), confidence: 0.8, chunk_id: Some(format!("c{day}")), observed_at: day * 86_400 };
        let cands = vec![
            c("organization", "Morgenrot Druck AG", 10),
            c("organization", "Nordlicht Textil GmbH", 20),
            c("organization-left", "Morgenrot Druck AG", 15),
            // A company left that was never named as the employer (a bank account closed) is not one.
            c("organization-left", "Sparbank Nord", 16),
            // Nor is a weak guess that lost.
            Candidate { confidence: 0.7, ..c("organization", "Kinderhort Regenbogen", 12) },
            c("address-level2", "Vejle", 5),
            c("address-level2", "Aalborg", 25),
            c("former-address-level2", "Aalborg", 25),
            // A longer writing of the current street is no former one.
            c("street-address", "Fjordvej 3", 25),
            c("street-address", "2. sal, Fjordvej 3", 8),
        ];
        let facts = derive(cands, &[], 30 * 86_400);
        let values = |k: &str| facts.iter().filter(|f| f.key == k).map(|f| f.value.as_str()).collect::<Vec<_>>();
        assert_eq!(values("organization"), ["Nordlicht Textil GmbH"]);
        assert_eq!(values("former-organization"), ["Morgenrot Druck AG"]);
        assert_eq!(values("address-level2"), ["Aalborg"]);
        assert_eq!(values("former-address-level2"), ["Vejle"]);
        assert!(values("former-street-address").is_empty());
    }

    #[test]
    fn the_users_own_writing_of_their_national_number_wins_over_ours() {
        let c = |key: &str, value: &str, day: i64| Candidate { key: key.into(), value: value.into(), confidence: 0.9, chunk_id: Some(format!("c{day}")), observed_at: day * 86_400 };
        let facts = derive(vec![c("tel", "070-555 12 34", 5), c("tel", "+46 70 555 12 34", 10)], &[], 20 * 86_400);
        let value = |k: &str| facts.iter().find(|f| f.key == k).map(|f| f.value.clone());
        assert_eq!(value("tel-national").as_deref(), Some("070-555 12 34"));
        assert_eq!(value("tel").as_deref(), Some("+46 70 555 12 34"));
    }

    /// A partner's surname and an employer's legal form, from elsewhere in the memory (invented).
    #[test]
    fn names_are_completed_from_the_rest_of_the_memory() {
        let views = [view_of("Passengers: Jo Bloggs, Sam Ortiz. Sam Ortiz, seat 4C.", SourceKind::Markdown), view_of("Best regards\nHR team\nAcme Tools Ltd", SourceKind::Markdown)];
        let c = |k: &str, v: &str| Candidate { key: k.into(), value: v.into(), confidence: 0.8, chunk_id: None, observed_at: 1 };
        let mut cands = vec![c("partner", "Sam"), c("organization", "Acme Tools"), c("partner", "Robin")];
        complete_names(&mut cands, &views);
        let values: Vec<&str> = cands.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["Sam Ortiz", "Acme Tools Ltd", "Robin"]);
    }

    /// A view of `text` as a note the user wrote (or, with `kind`, another source kind).
    pub(crate) fn view_of(text: &str, kind: SourceKind) -> View<'static> {
        let source: &'static Source = Box::leak(Box::new(Source {
            id: "s".into(),
            name: "n".into(),
            kind,
            origin: Origin::Note,
            imported_at: 1_000,
            dated: None,
            sha256: String::new(),
            chunk_ids: vec![],
        }));
        let chunk: &'static Chunk = Box::leak(Box::new(Chunk { id: "s-0".into(), source_id: "s".into(), index: 0, heading_path: vec![], text: text.into(), dated: None, page: None, times: vec![] }));
        let t = rule_text(chunk);
        let sender = chunk_header(chunk, "From");
        let author = author_of(source, sender.as_deref(), &owner());
        View { chunk, source, flat: t.split_whitespace().collect::<Vec<_>>().join(" "), text: t, date: 1_000, author, sender }
    }

    /// Runs one rule over a note and returns `(key, value)` pairs.
    pub(crate) fn run_rule(text: &str, f: impl Fn(&View, &mut Vec<Candidate>)) -> Vec<(String, String)> {
        run_rule_as(text, SourceKind::Markdown, f)
    }

    /// Runs one rule over a note written on `day` (`2025-03-09`, as a dated file name gives it).
    pub(crate) fn run_dated(text: &str, day: &str, f: impl Fn(&View, &mut Vec<Candidate>)) -> Vec<(String, String)> {
        let mut v = view_of(text, SourceKind::Markdown);
        let date = crate::memory::date::from_iso(day).expect("an ISO day");
        let source: &'static Source = Box::leak(Box::new(Source { dated: Some(date), ..v.source.clone() }));
        v.source = source;
        v.date = date;
        let mut out = Vec::new();
        f(&v, &mut out);
        out.into_iter().map(|c| (c.key, c.value)).collect()
    }

    pub(crate) fn run_rule_as(text: &str, kind: SourceKind, f: impl Fn(&View, &mut Vec<Candidate>)) -> Vec<(String, String)> {
        let v = view_of(text, kind);
        let mut out = Vec::new();
        f(&v, &mut out);
        out.into_iter().map(|c| (c.key, c.value)).collect()
    }
}

#[cfg(test)]
mod persona_tests {
    use crate::memory::import::{block_on, import_one};
    use crate::memory::l1::{distil, profile};
    use crate::memory::native::{tests::temp_dir, NativeStore};

    /// A small invented persona, unrelated to the benchmark one: the rules are general.
    #[test]
    fn distils_a_generated_persona_with_updates() {
        let files: &[(&str, &str)] = &[
            ("cv-lee-chen-2022.txt", "LEE CHEN\nDesigner\n\n3 Elm Street, Bristol BS1 4DJ\n07700 900111 | lee.chen@post.example\n\nEXPERIENCE\nAcme Studio Ltd, Bristol        Jan 2020 - present\nDesigner, brand team\n"),
            ("notes/2023-05-01-move.md", "# Moving day\nfrom: 3 Elm Street, Bristol BS1 4DJ\nto: 22 Birch Road, Clifton, Bristol BS8 2AB\n"),
            ("gym.eml", "From: Gym <hi@gym.example>\nTo: Lee Chen <lee.chen@post.example>\nSubject: Welcome\nDate: Wed, 10 Jan 2024 09:00:00 +0000\n\nYour T-shirt size: men's L. We have updated your mobile number on file to 07700 900555.\n"),
            ("work.eml", "From: HR <hr@acmestudio.example>\nTo: Lee Chen <lee.chen@acmestudio.example>\nSubject: Payroll\nDate: Thu, 11 Jan 2024 09:00:00 +0000\n\nYour payslip is ready.\n"),
            ("notes/2024-02-02-admin.md", "# admin\nMy new number is 07700 900556. I'm allergic to penicillin. I'm vegan. I hate loud music.\nI got promoted to Lead Designer!\nMy partner Alex Moore says hi.\n"),
        ];
        let mut s = NativeStore::open(temp_dir("persona")).unwrap();
        for (name, body) in files {
            block_on(import_one(&mut s, name, body.len() as u64, body.as_bytes(), 1_800_000_000)).unwrap();
        }
        let p = profile(&block_on(distil(&mut s, 1_800_000_000)).unwrap());
        let want = [
            ("name", "Lee Chen"),
            ("given-name", "Lee"),
            ("family-name", "Chen"),
            ("email", "lee.chen@post.example"),
            ("work-email", "lee.chen@acmestudio.example"),
            ("tel-national", "07700 900556"),
            ("tel", "+44 7700 900556"),
            ("address-line1", "22 Birch Road"),
            ("address-line2", "Clifton"),
            ("address-level2", "Bristol"),
            ("address-level1", "Bristol"),
            ("postal-code", "BS8 2AB"),
            ("country", "GB"),
            ("organization", "Acme Studio Ltd"),
            ("organization-title", "Lead Designer"),
            ("diet", "vegan"),
            ("dislikes", "loud music"),
            ("t-shirt-size", "men's L"),
            ("partner", "Alex Moore"),
        ];
        for (k, v) in want {
            assert_eq!(p.get(k).map(String::as_str), Some(v), "{k} in {p:#?}");
        }
        // An allergy to a medicine is a health fact, not a food to leave out.
        assert_eq!(p.get("allergies"), None, "{p:#?}");
    }

    /// One mail the user sent and signed, and a few notes in their own words, in two
    /// languages: the signer is the user, not the one it was sent to.
    #[test]
    fn a_single_signed_mail_and_plain_notes_tell_who_the_user_is() {
        for (files, want) in [
            (
                vec![
                    ("2026-01-12-ny-adress.eml", "From: Elin Sjöberg <elin.sj@brevlada.example>\nTo: Föreningen <info@forening.example>\nSubject: Ny adress\nDate: Mon, 12 Jan 2026 18:00:00 +0100\n\nHej!\n\nJag har flyttat till Granvägen 3, 903 30 Umeå. Mitt nya mobilnummer är 073-900 11 22.\n\nHälsningar,\nElin Sjöberg\n"),
                    ("2026-02-01-jobb.md", "Idag började jag som lokalvårdare på Norrsken Service AB. Kul!\n"),
                ],
                [("name", "Elin Sjöberg"), ("tel-national", "073-900 11 22"), ("postal-code", "903 30"), ("organization-title", "Lokalvårdare")],
            ),
            (
                vec![
                    ("2026-03-02-mutuelle.eml", "From: Théo Garnier <theo.garnier@courrier.example>\nTo: Mutuelle Horizon <adhesions@horizon.example>\nSubject: Changement de coordonnées\nDate: Mon, 2 Mar 2026 10:00:00 +0100\n\nBonjour,\n\nMon numéro de portable est désormais le 07 55 44 33 22.\n\nBien à vous,\nThéo Garnier\n"),
                    ("2026-03-05-notes.md", "Je m'appelle Théo Garnier et j'ai commencé comme technicien réseau chez Fibrelec SARL.\n"),
                ],
                [("name", "Théo Garnier"), ("tel-national", "07 55 44 33 22"), ("organization-title", "Technicien réseau"), ("email", "theo.garnier@courrier.example")],
            ),
        ] {
            let mut s = NativeStore::open(temp_dir("signed")).unwrap();
            for (name, body) in &files {
                block_on(import_one(&mut s, name, body.len() as u64, body.as_bytes(), 1_800_000_000)).unwrap();
            }
            let p = profile(&block_on(distil(&mut s, 1_800_000_000)).unwrap());
            for (k, v) in want {
                assert_eq!(p.get(k).map(String::as_str), Some(v), "{k} in {p:#?}");
            }
        }
    }
}
