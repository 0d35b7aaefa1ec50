//! Evidence from L0 for the tasks: the passages retrieval finds for a question or a prompt, cut
//! into sentences, scored against the query, and the guard that keeps sensitive sentences out
//! of anything said to someone else.
//!
//! Why sentences: the model is small and its context short, so the tasks hand it (and the user)
//! the few sentences that carry an answer, not whole chunks; the same sentences are the
//! extractive fallback and the citations. Query words are matched by stem, expanded with a small
//! table of everyday synonyms (`phone` ~ `mobile`, `earn` ~ `salary`) and with the names of the
//! people memory links to a relation word (`sister` → the sister's name from L1 `family` facts).
//!
//! Who calls it: [`super::memory_qa`], [`super::enhance`], [`super::critic`]; [`passages`] is the
//! one place that reads a store.

use serde::{Deserialize, Serialize};

use super::context::{is_sensitive, words, FactView};
use crate::memory::l0;
use crate::memory::store::Store;
use crate::memory::{MemoryError, Origin, Timestamp};
use crate::retrieval::index::{stem, terms, InvertedIndex};
use crate::retrieval::dense::DenseIndex;
use crate::retrieval::{hybrid, rank};

/// One retrieved L0 chunk, self-contained: text, heading, provenance and date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    pub chunk_id: String,
    pub source_id: String,
    /// Source file name or page/note title (provenance shown to the user).
    pub source: String,
    /// The page address for clipped pages.
    pub url: Option<String>,
    /// The heading path joined with ` > ` (may be empty).
    pub heading: String,
    pub text: String,
    /// When its content is from (chunk date, else source date, else import time).
    pub dated: Timestamp,
    /// Retrieval score (BM25 × recency).
    pub score: f32,
    /// The relative expressions of `text` and what they mean (`yesterday` → the day before it was
    /// written), as resolved at import.
    #[serde(default)]
    pub times: Vec<(String, crate::text::relative::When)>,
}

/// The top `k` passages for `query` in `store`, best first; `meaning` is the query's embedding
/// when the embedding model is at hand (keywords and meaning are then fused).
pub async fn passages(store: &impl Store, query: &str, meaning: Option<&[f32]>, now: Timestamp, k: usize) -> Result<Vec<Passage>, MemoryError> {
    let groups: Vec<Vec<String>> = terms(query).into_iter().map(|t| vec![t]).collect();
    passages_for(store, &groups, meaning, now, k).await
}

/// Candidates the dense ranking offers.
const FUSE_DEPTH: usize = 50;

/// The top `k` passages for a query of term groups (a term and its alternatives, as
/// [`query_groups`] makes them), best first. With `meaning` (the query's embedding) and stored
/// vectors, the passages meaning finds closer than every keyword match are added after the
/// keyword ones ([`crate::retrieval::hybrid::closer_than_keywords`]): the tasks read sentences
/// by their words, so the keyword passages keep their places and meaning adds what keywords
/// missed.
pub async fn passages_for(store: &impl Store, groups: &[Vec<String>], meaning: Option<&[f32]>, now: Timestamp, k: usize) -> Result<Vec<Passage>, MemoryError> {
    let chunks = store.chunks().await?;
    let sources = store.sources().await?;
    let mut ix = InvertedIndex::new();
    for c in &chunks {
        let src = sources.iter().find(|s| s.id == c.source_id);
        let dated = c.dated.or(src.map(|s| s.effective_date())).unwrap_or(0);
        // A file's name is the title its writer gave it (`sommerurlaub-rügen.md`): found with it.
        let title = src.map(|s| title_words(&s.name)).unwrap_or_default();
        ix.add(&c.id, src.map(|s| s.name.as_str()).unwrap_or("?"), dated, &format!("{title}\n{}", c.full_text()));
    }
    let mut ranked = rank::search_groups(&ix, groups, now, k);
    if let Some(q) = meaning {
        let dense = dense_index(store, &ix).await?;
        let near = dense.search(q, FUSE_DEPTH.max(k));
        ranked.extend(hybrid::closer_than_keywords(&ranked, &near, k.div_ceil(2)));
    }
    Ok(ranked
        .into_iter()
        .filter_map(|(d, score)| {
            let meta = &ix.docs[d as usize];
            let c = chunks.iter().find(|c| c.id == meta.id)?;
            let src = sources.iter().find(|s| s.id == c.source_id);
            let (source, url) = match src.map(|s| (&s.name, &s.origin)) {
                Some((_, Origin::Page { url, title })) => (title.clone(), Some(url.clone())),
                Some((name, _)) => (name.clone(), None),
                None => ("?".into(), None),
            };
            let title = title_words(&source);
            Some(Passage {
                chunk_id: c.id.clone(),
                source_id: c.source_id.clone(),
                source,
                url,
                heading: std::iter::once(title).chain(c.heading_path.iter().cloned()).filter(|h| !h.is_empty()).collect::<Vec<_>>().join(" > "),
                text: c.text.clone(),
                dated: meta.dated,
                score,
                times: c.times.iter().filter_map(|t| Some((c.text.get(t.start as usize..t.end as usize)?.to_string(), t.when))).collect(),
            })
        })
        .collect())
}

/// The stored vectors of the index's chunks, by document number.
pub async fn dense_index(store: &impl Store, ix: &InvertedIndex) -> Result<DenseIndex, MemoryError> {
    let vectors = store.vectors().await?;
    let by_id: std::collections::HashMap<&str, u32> = ix.docs.iter().enumerate().map(|(d, m)| (m.id.as_str(), d as u32)).collect();
    let mut dense = DenseIndex::new(crate::embed::DIM);
    for v in vectors.iter().filter(|v| v.model == crate::memory::vectors::MODEL) {
        if let Some(&d) = by_id.get(v.id.as_str()) {
            dense.add(d, v);
        }
    }
    Ok(dense)
}

/// The words of a file's name, as a title: no folders, extension, dates or separators
/// (`notes/2023-07-02-sommerurlaub-rügen.md` → `sommerurlaub rügen`); empty for generic names.
pub fn title_words(name: &str) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = file.rsplit_once('.').map(|(s, ext)| if ext.len() <= 5 && !ext.contains(' ') { s } else { file }).unwrap_or(file);
    stem.split(|c: char| c == '-' || c == '_' || c == '.' || c.is_whitespace())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One sentence of a passage (or one fact, rendered as a sentence), ready to score or quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    /// The heading it sits under (context for matching, not quoted).
    pub heading: String,
    /// The label line over its list (`packing`), if any: matched like the sentence itself.
    pub label: Option<String>,
    /// Index into the passages it came from; `None` for a fact.
    pub passage: Option<usize>,
    /// The fact key for a fact sentence.
    pub fact_key: Option<String>,
    pub dated: Timestamp,
}

/// Cleans one line of markup: list bullets, emphasis, table pipes, heading hashes.
fn clean(line: &str) -> String {
    let t = line.trim().trim_start_matches(['#', '-', '*', '•', '>']).trim();
    let t = t.strip_prefix("[ ]").or_else(|| t.strip_prefix("[x]")).unwrap_or(t).trim();
    let t = t.replace("**", "").replace("__", "");
    let t = t.trim_matches('|').trim();
    let t = t.split('|').map(str::trim).filter(|c| !c.is_empty()).collect::<Vec<_>>().join(" | ");
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True for table rules (`|---|---|`) and other lines with no letters or digits.
fn is_rule(line: &str) -> bool {
    !line.chars().any(char::is_alphanumeric)
}

/// Lines of mail headers and chat roles that are not the user's own words.
fn is_header(line: &str) -> bool {
    ["From:", "To:", "Cc:", "Subject:", "Date:", "Message-ID:", "MIME-Version:", "Content-Type:", "Content-Transfer-Encoding:", "Assistant:"]
        .iter()
        .any(|h| line.trim_start().starts_with(h))
}

/// A short line that labels the list under it (`packing`, `decisions`, `Responsibilities`).
fn is_label(line: &str) -> bool {
    // `Entry number: MVH-1` is a field with its value, not a label.
    if line.split_once(':').is_some_and(|(_, v)| !v.trim().is_empty()) {
        return false;
    }
    let t = clean(line);
    let n = t.split_whitespace().count();
    (1..=3).contains(&n) && !t.ends_with(['.', '!', '?']) && !line.trim_start().starts_with(['-', '*', '•', '|'])
}

fn starts_item(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") || t.starts_with('|') || is_field(t)
}

/// A `Key: value` line of a form-like document (`Deposit: £1,327`, `Your slot: Friday`).
fn is_field(line: &str) -> bool {
    let Some((key, value)) = line.split_once(':') else { return false };
    let n = key.split_whitespace().count();
    (1..=3).contains(&n) && key.starts_with(|c: char| c.is_uppercase()) && key.chars().all(|c| c.is_alphanumeric() || " '’-()".contains(c)) && value.starts_with(char::is_whitespace) && !value.trim().is_empty()
}

/// A list item or paragraph up to this long stays one unit (its sentences explain each other).
pub const MAX_UNIT_CHARS: usize = 160;

/// The sentences of a passage. Paragraphs are split on blank lines and list items, wrapped
/// lines are joined, and a short label line over a list (`packing`) becomes part of the heading
/// of the items under it. List items and paragraphs up to [`MAX_UNIT_CHARS`] stay whole. Mail headers and the assistant's turns of a chat export are skipped;
/// a `User:` prefix is dropped.
pub fn sentences_of(p: &Passage, index: usize) -> Vec<Sentence> {
    units_of(p, index, MAX_UNIT_CHARS)
}

/// [`sentences_of`] with another unit limit: context for a prompt reads better in whole items
/// than an answer to a question does.
pub fn units_of(p: &Passage, index: usize, max_unit: usize) -> Vec<Sentence> {
    let mut out = Vec::new();
    let lines: Vec<&str> = p.text.lines().collect();
    let mut label: Option<String> = None;
    let mut block: Vec<&str> = Vec::new();
    let mut blocks: Vec<(String, Option<String>)> = Vec::new();
    let flush = |block: &mut Vec<&str>, blocks: &mut Vec<(String, Option<String>)>, label: &Option<String>| {
        if !block.is_empty() {
            blocks.push((block.join(" "), label.clone()));
            block.clear();
        }
    };
    let mut in_assistant = false;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.starts_with("Assistant:") {
            in_assistant = true;
        } else if t.starts_with("User:") {
            in_assistant = false;
        }
        if t.is_empty() {
            flush(&mut block, &mut blocks, &label);
            if !lines.get(i + 1).is_some_and(|n| starts_item(n)) {
                label = None;
            }
            continue;
        }
        if in_assistant || is_header(t) {
            flush(&mut block, &mut blocks, &label);
            continue;
        }
        if is_label(t) && lines.get(i + 1).is_some_and(|n| starts_item(n)) {
            flush(&mut block, &mut blocks, &label);
            label = Some(clean(t).trim_end_matches(':').to_string());
            continue;
        }
        if starts_item(t) {
            flush(&mut block, &mut blocks, &label);
        }
        block.push(t);
    }
    flush(&mut block, &mut blocks, &label);
    for (text, label) in blocks {
        let text = text.strip_prefix("User:").unwrap_or(&text).trim().to_string();
        // A list item or a short paragraph is one unit of meaning; longer ones are split.
        let units: Vec<&str> = if text.len() <= max_unit { vec![text.as_str()] } else { l0::sentences(&text) };
        for s in units {
            let text = clean(s);
            // Rules, and salutations or sign-offs (`Dear Ann,`, `Best wishes,`) say nothing.
            if text.len() < 3 || is_rule(&text) || (text.split_whitespace().count() < 3 && text.ends_with(',')) {
                continue;
            }
            out.push(Sentence { text, heading: p.heading.clone(), label: label.clone(), passage: Some(index), fact_key: None, dated: p.dated });
        }
    }
    out
}

/// The kind of fact (one of [`crate::lexicon::FACT_KINDS`]) each profile key holds: a question
/// names it with that kind's words, in any language (`tel` is asked as `phone`, `Handynummer`,
/// `mobilnummer`).
const KEY_KINDS: &[(&str, &str)] = &[
    ("tel", "phone"),
    ("tel-national", "phone"),
    ("email", "email"),
    ("work-email", "work email"),
    ("street-address", "home address"),
    ("home-address", "home address"),
    ("postal-code", "postcode"),
    ("address-level2", "city"),
    ("bday", "birthday"),
    ("organization", "employer"),
    ("organization-title", "job title"),
    ("t-shirt-size", "clothing size"),
    ("partner", "partner"),
    ("diet", "diet"),
    ("allergies", "allergies"),
    ("dislikes", "dislikes"),
    ("projects", "projects"),
    ("country-name", "country"),
    ("languages", "languages spoken"),
];

/// The kind of fact a profile key holds (one of [`crate::lexicon::FACT_KINDS`]), if any.
pub fn kind_of_key(key: &str) -> Option<&'static str> {
    KEY_KINDS.iter().find(|(k, _)| *k == key).map(|(_, kind)| *kind)
}

/// The words a question may use for a fact key, in every language (empty for keys no kind names).
pub fn key_words(key: &str) -> Vec<String> {
    KEY_KINDS.iter().find(|(k, _)| *k == key).map(|(_, kind)| crate::lexicon::words_for_fact(kind)).unwrap_or_default()
}

/// A fact as a sentence for matching and quoting: `my job title: Senior Data Engineer`.
pub fn fact_sentence(f: &FactView) -> Sentence {
    let mut extra = key_words(&f.key).join(" ");
    // A language is asked by its name in any language (`English` finds `Inglés (B2)`).
    if f.key == "languages" {
        for w in f.value.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
            if let Some(names) = crate::lexicon::language_code(w).and_then(|code| crate::lexicon::languages().lang(code)) {
                extra.push(' ');
                extra.push_str(&names.items.iter().flatten().filter(|n| !n.contains(' ')).cloned().collect::<Vec<_>>().join(" "));
            }
        }
    }
    Sentence {
        text: format!("my {}: {}", f.key.replace('-', " "), f.value),
        heading: String::new(),
        // The words a question uses for the key match like the sentence itself.
        label: (!extra.is_empty()).then_some(extra),
        passage: None,
        fact_key: Some(f.key.clone()),
        // A single-valued fact is already the newest value (L1 resolved it): it wins ties. List
        // items (several past amounts, say) carry no date here.
        dated: if crate::memory::l1::is_list_key(&f.key) { 0 } else { Timestamp::MAX },
    }
}

/// List keys whose items answer together (`which languages…?`, `any allergies?`).
const WHOLE_LISTS: &[&str] = &["languages", "allergies", "dislikes", "skills", "interests"];

/// Whether a fact key's items answer together, as one list.
pub fn is_whole_list(key: &str) -> bool {
    WHOLE_LISTS.contains(&key)
}

/// Facts that are only parts or codes of another (`bday-day`, `country`): never evidence.
pub fn is_part_key(key: &str) -> bool {
    matches!(key, "bday-day" | "bday-month" | "bday-year" | "country" | "language" | "honorific-prefix" | "tel" | "address-line1" | "address-line2" | "additional-name")
}

/// Question words that carry no topic (beyond the index's stopwords).
const QUESTION_WORDS: &[&str] = &[
    "remind", "again", "actually", "called", "name", "tell", "find", "please", "usually", "currently", "moment",
    "these", "days", "new", "right", "ever", "anything", "someone", "maybe", "quick", "exactly", "much", "many",
    "long", "should", "can", "let", "give", "want", "know", "kind", "sort", "what's", "whats", "who's", "when's",
    "where's", "doe", "go", "get", "got", "i'm", "ok", "okay", "for", "me", "mine", "decide", "decided",
    // What a request asks for, not what it is about.
    "suggest", "suggestion", "recommend", "plan", "write", "draft", "help", "make", "create", "prepare", "idea", "ideas",
    "good", "short", "some", "things", "thing", "sensible", "easy", "quick", "nice", "best", "message", "note", "template",
    "fit", "fits", "life", "routine", "know", "could", "would", "always", "forget", "forgot", "remember", "current", "latest",
    // Filler of spoken questions (`my tech-lead stuff`, `put her in for`, `while I'm away`).
    "stuff", "put", "while",
];

/// Calendar words: capitalised, but not names a sentence must hold (`next Tuesday`, `in June`).
pub const CALENDAR_WORDS: &[&str] = &[
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed", "thu",
    "thur", "thurs", "fri", "sat", "sun", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec",
];

/// Everyday synonyms: a query word on the left also matches the words on the right.
const SYNONYMS: &[(&str, &[&str])] = &[
    ("phone", &["mobile", "tel"]),
    ("reference", &["ref", "code", "confirmation"]),
    ("dentist", &["dental", "check-up", "hygienist"]),
    ("call", &["meeting", "meetings", "phone"]),
    ("meeting", &["call", "meetings", "calendar"]),
    ("grandma", &["grandmother", "gran", "granny"]),
    ("grandmother", &["grandma", "gran"]),
    ("mobile", &["phone", "tel"]),
    ("earn", &["salary", "pay", "income"]),
    ("salary", &["pay", "earn", "income"]),
    ("savings", &["saved", "pot", "deposit"]),
    ("saved", &["savings", "pot"]),
    ("address", &["live", "street", "property"]),
    ("live", &["address", "moved", "property"]),
    ("birthday", &["born", "bday"]),
    ("job", &["title", "role"]),
    ("work", &["working", "project"]),
    ("working", &["work", "project", "lead"]),
    ("employer", &["company"]),
    ("study", &["university", "degree", "msc", "bsc"]),
    ("studied", &["university", "degree", "msc", "bsc"]),
    ("holiday", &["off", "away", "leave", "trip"]),
    ("leave", &["off", "away", "holiday"]),
    ("away", &["off", "holiday", "trip"]),
    ("food", &["eat", "favourite", "love"]),
    ("end", &["until", "expire", "expires", "expiry", "ends"]),
    ("dietary", &["diet", "vegetarian", "vegan", "allergy", "allergic"]),
    ("requirement", &["diet", "allergy"]),
    ("flight", &["fly", "flights", "land", "depart"]),
    ("fly", &["flight", "flights"]),
    ("land", &["arrive", "flight"]),
    ("author", &["writer", "book"]),
    ("novel", &["book", "read", "reading"]),
    ("language", &["speak", "learning", "lesson"]),
    ("speak", &["language", "learning"]),
    ("gp", &["doctor", "practice"]),
    ("doctor", &["gp", "practice"]),
    ("emergency", &["contact"]),
    ("monday", &["mon", "mondays"]),
    ("tuesday", &["tue", "tues", "tuesdays"]),
    ("wednesday", &["wed", "wednesdays"]),
    ("thursday", &["thu", "thur", "thurs", "thursdays"]),
    ("friday", &["fri", "fridays"]),
    ("saturday", &["sat", "saturdays"]),
    ("sunday", &["sun", "sundays"]),
    ("schedule", &["calendar", "office", "weekly", "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "lessons", "evening"]),
    ("weekly", &["schedule", "office", "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "lessons", "evening"]),
    ("pack", &["packing", "kit", "trip", "flights"]),
    ("team", &["calendar", "covers", "colleague"]),
    ("commute", &["office", "bike", "cycling", "bus"]),
    ("bike", &["cycling", "commute"]),
    ("vet", &["cat", "pet", "dog"]),
    ("tutor", &["lessons", "teacher"]),
];

/// People words: a query word that names a relation (resolved through L1 facts).
pub const RELATION_WORDS: &[&str] = &[
    "sister", "brother", "mum", "mom", "mother", "dad", "father", "nephew", "niece", "son", "daughter", "grandma",
    "grandmother", "grandad", "grandfather", "aunt", "uncle", "cousin", "partner", "wife", "husband", "friend", "parents",
];

/// True when `word` is `relation` or a plural or synonym of it (`mum` ~ `mother` ~ `mom`).
pub fn same_relation(word: &str, relation: &str) -> bool {
    const SAME: &[&[&str]] = &[&["mum", "mom", "mother"], &["dad", "father"], &["grandma", "grandmother", "gran"], &["grandad", "grandfather"], &["partner", "wife", "husband", "boyfriend", "girlfriend"]];
    let w = word.trim_end_matches('s');
    w == relation || SAME.iter().any(|g| g.contains(&w) && g.contains(&relation))
}

/// Relation words that stand for several (`parents` → `mum`, `dad`).
const RELATION_GROUPS: &[(&str, &[&str])] = &[("parents", &["mum", "dad", "mother", "father"]), ("grandparents", &["grandma", "grandad"])];

/// One query term, with the alternatives that also count as matching it.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub stem: String,
    pub alternatives: Vec<String>,
    /// Written with a capital inside the query (a name): must be matched for an answer.
    pub proper: bool,
}

/// The query's terms: index terms minus question words, each with synonyms and, for relation
/// words, the names memory gives that relation.
pub fn query_terms(query: &str, facts: &[FactView]) -> Vec<Term> {
    let mut out: Vec<Term> = Vec::new();
    // A question phrase of several words (`wie hoch`, `a qué hora`) asks; it is not a topic.
    let lead = question_phrase_len(query);
    let lang = crate::text::lang::of_question(query);
    let raw: Vec<&str> = query.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-')).filter(|w| !w.is_empty()).skip(lead).collect();
    for (i, w) in raw.iter().enumerate() {
        let w = w.trim_matches(['\'', '-']);
        let bare = w.strip_suffix("'s").or_else(|| w.strip_suffix("’s")).unwrap_or(w);
        let lower = bare.to_lowercase();
        // Question and function words of any language say what is asked, not what about; so
        // do the words for new and old (`neuen`, `nueva`), as `new` does in English.
        if QUESTION_WORDS.contains(&lower.as_str()) || crate::lexicon::is_function_word(&lower) || crate::lexicon::says_old(&lower).is_some() || crate::lexicon::question_kind(&format!("{lower} x")).is_some() {
            continue;
        }
        for t in terms(bare) {
            // `est-ce`, `c'est`: the parts of a joined word may be function words too.
            if QUESTION_WORDS.contains(&t.as_str()) || crate::lexicon::is_function_word(&t) || out.iter().any(|o| o.stem == t) {
                continue;
            }
            let mut alternatives: Vec<String> = Vec::new();
            for (k, syn) in SYNONYMS {
                if stem(k) == t {
                    alternatives.extend(syn.iter().map(|s| stem(s)));
                }
            }
            // The same everyday concept in the other languages (`bike` → `Fahrrad`, `cykel`).
            for w in translations(&lower, lang) {
                let st = stem(&w);
                if st != t && !alternatives.contains(&st) {
                    alternatives.push(st);
                }
            }
            if RELATION_WORDS.contains(&lower.as_str()) {
                let group: Vec<&str> = RELATION_GROUPS.iter().find(|(g, _)| *g == lower).map(|(_, m)| m.to_vec()).unwrap_or_else(|| vec![lower.as_str()]);
                alternatives.extend(group.iter().filter(|g| **g != lower).map(|g| stem(g)));
                for f in facts.iter().filter(|f| matches!(f.key.as_str(), "family" | "friends" | "people" | "partner")) {
                    let vw = words(&f.value);
                    if vw.iter().any(|x| group.contains(&x.as_str())) || (f.key == "partner" && lower == "partner") {
                        if let Some(name) = f.value.split([' ', ',', '(']).next().filter(|n| !n.is_empty()) {
                            alternatives.push(stem(&name.to_lowercase()));
                        }
                    }
                }
            }
            let proper = i > 0
                && bare.chars().next().is_some_and(char::is_uppercase)
                && !RELATION_WORDS.contains(&lower.as_str())
                && !CALENDAR_WORDS.contains(&lower.as_str())
                && bare.len() > 1
                && lower != "i";
            out.push(Term { stem: t, alternatives, proper });
        }
    }
    // `job title`: `title` is a term of its own, so it is no longer also an alternative of `job`
    // (a sentence with `title` alone would count twice).
    let own: Vec<String> = out.iter().map(|t| t.stem.clone()).collect();
    for t in out.iter_mut() {
        t.alternatives.retain(|a| !own.contains(a));
    }
    out
}

/// The words of the everyday concepts that `word` names (looked up among the words of the
/// question's language when it is known) in the other languages: a question finds notes
/// written in another language (synonyms within a language are [`SYNONYMS`]' job). One-word
/// spellings only.
pub fn translations(word: &str, lang: Option<&str>) -> Vec<String> {
    let w = word.to_lowercase();
    let st = stem(&w);
    let mut out: Vec<String> = Vec::new();
    for c in crate::lexicon::concepts() {
        let names = c.words.iter().filter(|(l, _)| lang.is_none_or(|q| q == *l)).any(|(_, ws)| ws.iter().any(|x| *x == w || (!x.contains(' ') && stem(x) == st)));
        if !names {
            continue;
        }
        for (_, ws) in c.words.iter().filter(|(l, _)| lang.is_none_or(|q| q != *l)) {
            for x in ws.iter().filter(|x| !x.contains(' ') && **x != w) {
                if !out.contains(x) {
                    out.push(x.clone());
                }
            }
        }
    }
    out
}

/// The retrieval query for `text`: one group a term, the term's stem with its alternatives
/// (forms, synonyms, translations, the names behind relation words).
pub fn query_groups(text: &str, facts: &[FactView]) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = query_terms(text, facts).into_iter().map(|t| std::iter::once(t.stem).chain(t.alternatives).collect()).collect();
    // The text's other index words (`name`, `called`) still help find the passage a little.
    for t in terms(text) {
        if !groups.iter().any(|g| g.contains(&t)) {
            groups.push(vec![t]);
        }
    }
    groups
}

/// The stems of a text, for matching terms against.
pub fn stems(text: &str) -> Vec<String> {
    terms(text)
}

/// True when `term` (or one of its alternatives) is among `text_stems`.
pub fn matches_term(term: &Term, text_stems: &[String]) -> bool {
    // The stemmer leaves `language` but cuts `languages` to `languag`: compare without a final `e`.
    let bare = |s: &str| -> String { if s.len() > 4 { s.strip_suffix('e').unwrap_or(s).to_string() } else { s.to_string() } };
    let wanted: Vec<String> = std::iter::once(&term.stem).chain(&term.alternatives).map(|s| bare(s)).collect();
    text_stems.iter().any(|s| *s == term.stem || term.alternatives.contains(s) || wanted.contains(&bare(s)) || same_word(&term.stem, s) || term.alternatives.iter().any(|a| same_word(a, s)))
}

/// Two forms of one word in languages the English stemmer does not know: the same first six
/// letters or more and endings of at most two (`heiratet` / `heiraten`, `geburtstag` /
/// `geburtstage`; not `tenancy` / `tenant`), or a compound and its head (`handynummer` /
/// `nummer`, `zahnarztpraxis` / `praxis`, `löparskor` / `skor`).
pub fn same_word(a: &str, b: &str) -> bool {
    let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let common = ac.iter().zip(&bc).take_while(|(x, y)| x == y).count();
    if common >= 6 && ac.len() - common <= 2 && bc.len() - common <= 2 {
        return true;
    }
    let (long, short) = if ac.len() > bc.len() { (a, b) } else { (b, a) };
    let (l, n) = (long.chars().count(), short.chars().count());
    // A short head needs a longer compound (`löparskor` / `skor`; not `network` / `work`).
    long.ends_with(short) && ((n >= 5 && l >= n + 4) || (n == 4 && l >= n + 5))
}

/// How many words at the start of `query` are a question phrase of several words (`wie hoch`,
/// `a qué hora`, `hur mycket`), or 0.
fn question_phrase_len(query: &str) -> usize {
    let q = query.trim_start_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    crate::lexicon::question_words()
        .spellings()
        .filter(|(_, _, w)| w.contains(' ') && q.starts_with(w) && q[w.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric()))
        .map(|(_, _, w)| w.split_whitespace().count())
        .max()
        .unwrap_or(0)
}

/// A sentence scored against a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub sentence: Sentence,
    /// Sum of the weights of the terms it (or its heading, at half weight) matches.
    pub score: f32,
    /// Share of the query's weight it covers, heading included.
    pub coverage: f32,
    /// Every name the query uses is in the sentence or its heading.
    pub names_covered: bool,
}

/// Extra weight of the query's first term.
pub const HEAD_WEIGHT: f32 = 1.5;

/// Scores `sentences` against `query_terms`: a term's weight is its rarity among the candidate
/// sentences (`ln(1 + N / (1 + df))`); a match in the heading counts half; the first term weighs [`HEAD_WEIGHT`] times more.
pub fn score(query: &[Term], sentences: Vec<Sentence>) -> Vec<Scored> {
    let stems_of: Vec<(Vec<String>, Vec<String>)> = sentences
        .iter()
        .map(|s| (stems(&format!("{} {}", s.label.as_deref().unwrap_or(""), s.text)), stems(&s.heading)))
        .collect();
    let n = sentences.len().max(1) as f32;
    let weight: Vec<f32> = query
        .iter()
        .map(|t| {
            let df = stems_of.iter().filter(|(a, b)| matches_term(t, a) || matches_term(t, b)).count() as f32;
            (1.0 + n / (1.0 + df)).ln()
        })
        .enumerate()
        // The question's first topic word is its head (`which seat…`, `when is my sister's…`).
        .map(|(i, w)| if i == 0 { w * HEAD_WEIGHT } else { w })
        .collect();
    let total: f32 = weight.iter().sum::<f32>().max(1e-6);
    let avg_len = (sentences.iter().map(|s| s.text.len()).sum::<usize>() as f32 / n).max(1.0);
    let mut out: Vec<Scored> = sentences
        .into_iter()
        .zip(stems_of)
        .map(|(sentence, (body, head))| {
            let (mut s, mut cov) = (0.0, 0.0);
            let mut names_covered = true;
            for (t, w) in query.iter().zip(&weight) {
                if matches_term(t, &body) || (t.proper && names_in_full(&t.stem, &sentence.text)) {
                    s += w;
                    cov += w;
                } else if matches_term(t, &head) {
                    s += w * 0.5;
                    cov += w;
                } else if t.proper {
                    names_covered = false;
                }
            }
            // Long units match more words by chance: a mild length normalisation, as in BM25.
            let norm = 0.75 + 0.25 * sentence.text.len() as f32 / avg_len;
            Scored { score: s / norm, coverage: cov / total, names_covered, sentence }
        })
        .collect();
    // Best first; among equals the newer sentence first (the newest source wins).
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.sentence.dated.cmp(&a.sentence.dated)));
    out
}

/// True when `text` writes in full a name the question shortens (`Ros` for `Rosalind`, `Alex`
/// for `Alexandra`): a capitalised word that starts with it and is at most five letters longer.
fn names_in_full(short: &str, text: &str) -> bool {
    let n = short.chars().count();
    n >= 3
        && text.split(|c: char| !c.is_alphanumeric()).any(|w| {
            let m = w.chars().count();
            w.starts_with(char::is_uppercase) && m > n && m <= n + 5 && w.to_lowercase().starts_with(short)
        })
}

/// All candidate sentences: the passages' sentences plus the facts as sentences.
pub fn candidates(facts: &[FactView], passages: &[Passage]) -> Vec<Sentence> {
    // The whole address answers for its street line, when memory has it.
    let whole_address = facts.iter().any(|f| f.key == "home-address");
    // A list whose items together answer (`languages`, `allergies`) is one sentence.
    let mut merged: Vec<FactView> = Vec::new();
    for f in facts.iter().filter(|f| !is_part_key(&f.key) && !f.value.trim().is_empty() && !(whole_address && f.key == "street-address")) {
        match merged.iter_mut().find(|m| m.key == f.key && WHOLE_LISTS.contains(&f.key.as_str())) {
            Some(m) => {
                m.value = format!("{}, {}", m.value, f.value);
                m.sensitive |= f.sensitive;
            }
            None => merged.push(f.clone()),
        }
    }
    let mut out: Vec<Sentence> = merged.iter().map(fact_sentence).collect();
    for (i, p) in passages.iter().enumerate() {
        out.extend(sentences_of(p, i));
    }
    out
}

/// The sentences that may be said to someone else: sensitive units are split into their
/// sentences and only the harmless ones kept (`I lead Atlas. My salary is …` keeps the first).
pub fn shareable(sentences: Vec<Sentence>, facts: &[FactView]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for s in sentences {
        if !is_sensitive_text(&s.text, facts) {
            out.push(s);
            continue;
        }
        if let Some(text) = redacted(&s.text, facts) {
            out.push(Sentence { text, ..s });
            continue;
        }
        for part in l0::sentences(&s.text) {
            let part = part.trim();
            if part.len() < 3 {
                continue;
            }
            let text = if is_sensitive_text(part, facts) { redacted(part, facts) } else { Some(part.to_string()) };
            if let Some(text) = text {
                out.push(Sentence { text, ..s.clone() });
            }
        }
    }
    out
}

/// What stands in for a withheld value.
pub const WITHHELD: &str = "[private]";

/// `text` with identifier-like codes and the values of sensitive facts (ids, exact address)
/// replaced by [`WITHHELD`]; `None` when it is about health or finances.
pub fn redacted(text: &str, facts: &[FactView]) -> Option<String> {
    // A health or money value says too much even with the number hidden: no redaction.
    let lower = text.to_lowercase();
    let private_kind = |f: &&FactView| matches!(crate::memory::l1::kind_of(&f.key), crate::memory::FactKind::Health | crate::memory::FactKind::Finance);
    if facts.iter().filter(private_kind).any(|f| sensitive_needles(&f.value).iter().any(|n| lower.contains(n.as_str()))) {
        return None;
    }
    let mut t = text.to_string();
    if t.to_lowercase().len() == t.len() {
        for f in facts.iter().filter(|f| is_sensitive(f) || f.sensitive) {
            for needle in sensitive_needles(&f.value) {
                while let Some(pos) = t.to_lowercase().find(&needle) {
                    t.replace_range(pos..pos + needle.len(), WITHHELD);
                }
            }
        }
    }
    let t = t.split(' ').map(|w| if is_code(w) { WITHHELD } else { w }).collect::<Vec<_>>().join(" ");
    (!is_sensitive_text(&t, facts)).then_some(t)
}

/// Drops parenthesised asides (`(Lisbon)`): personal notes-to-self that a work audience does
/// not need.
pub fn without_asides(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ").replace(" .", ".").replace(" ,", ",")
}

/// Health words: a sentence using one is about the user's health, which is never shared.
const HEALTH_WORDS: &[&str] = &[
    "asthma", "asthmatic", "inhaler", "inhalers", "preventer", "reliever", "wheeze", "wheezy", "medication", "medicine",
    "prescription", "prescribed", "tablet", "tablets", "pill", "pills", "dose", "diagnosis", "diagnosed", "symptom",
    "symptoms", "bloods", "ferritin", "iron", "anaemic", "anemia", "anaemia", "therapy", "therapist", "depression",
    "anxiety", "diabetes", "diabetic", "migraine", "epilepsy", "surgery", "hospital", "clinic", "condition", "conditions",
    "injury", "physio",
];

/// Money words: an amount next to one of them is the user's finances.
const FINANCE_WORDS: &[&str] = &[
    "salary", "earn", "earning", "earnings", "income", "pay", "paid", "raise", "bonus", "savings", "saved", "save",
    "pot", "balance", "account", "bank", "debt", "loan", "mortgage", "isa", "pension", "deposit", "overdraft", "credit",
    "invest", "investment", "net", "gross",
];

/// True when a word looks like an identifier: a run of 6+ digits, or a code mixing capitals and digits
/// (`QTR-5510-8826-MO`, `P9RW4T`).
fn is_code(w: &str) -> bool {
    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
    let digits = w.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
    let caps = w.chars().filter(char::is_ascii_uppercase).count();
    let lower = w.chars().filter(char::is_ascii_lowercase).count();
    digits >= 6 || (digits >= 1 && caps >= 2 && lower == 0 && w.len() >= 5)
}

/// Money amounts (`£9,750`, `$52k`, `€1.2m`) in text.
fn has_amount(text: &str) -> bool {
    text.char_indices().any(|(i, c)| matches!(c, '£' | '$' | '€') && text[i + c.len_utf8()..].starts_with(|d: char| d.is_ascii_digit()))
}

/// True when a sentence must not be said to anyone but the user: it holds the value of a
/// sensitive fact, an identifier-like code, a health word, or a money amount about finances.
pub fn is_sensitive_text(text: &str, facts: &[FactView]) -> bool {
    let lower = text.to_lowercase();
    for f in facts.iter().filter(|f| is_sensitive(f) || f.sensitive) {
        for part in sensitive_needles(&f.value) {
            if lower.contains(&part) {
                return true;
            }
        }
    }
    if text.split_whitespace().any(is_code) {
        return true;
    }
    let ws = words(text);
    if ws.iter().any(|w| HEALTH_WORDS.contains(&w.as_str())) {
        return true;
    }
    has_amount(text) && ws.iter().any(|w| FINANCE_WORDS.contains(&w.as_str()) || w.ends_with('k') && w[..w.len() - 1].chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The parts of a sensitive value worth searching for (lower case): the value, its amount, its
/// first address line; short fragments are skipped (they would match anything).
pub fn sensitive_needles(value: &str) -> Vec<String> {
    let v = value.to_lowercase();
    let mut out = Vec::new();
    let main = v.split(" (").next().unwrap_or(&v).trim().to_string();
    if main.len() >= 4 {
        out.push(main.clone());
    }
    if let Some(first) = main.split(',').next().filter(|f| f.len() >= 6 && *f != main) {
        out.push(first.trim().to_string());
    }
    // `£1,150.00` is written `£1,150` in text.
    if let Some(stripped) = main.strip_suffix(".00") {
        out.push(stripped.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_read_as_titles() {
        assert_eq!(title_words("notes/2023-06-02-semester-i-skåne.md"), "semester i skåne");
        assert_eq!(title_words("Sommerurlaub.txt"), "Sommerurlaub");
        assert_eq!(title_words("emails/2024-01-09.eml"), "");
    }

    #[test]
    fn a_short_name_matches_the_name_written_in_full() {
        assert!(names_in_full("ros", "Rosalind: we went to the lake."));
        assert!(!names_in_full("ros", "The roses were out."));
        assert!(!names_in_full("al", "Alexandra: hi"));
        assert!(!names_in_full("sam", "Samuelsonberg Street"));
    }

    fn passage(text: &str, heading: &str, dated: Timestamp) -> Passage {
        Passage { chunk_id: "c".into(), source_id: "s".into(), source: "note.md".into(), url: None, heading: heading.into(), text: text.into(), dated, score: 1.0, times: Vec::new() }
    }

    #[test]
    fn forms_of_one_word_in_other_languages() {
        assert!(same_word("heiratet", "heiraten"));
        assert!(same_word("handynummer", "nummer"));
        assert!(same_word("zahnarztpraxis", "praxis"));
        assert!(!same_word("tenancy", "tenant"));
        assert!(!same_word("weekend", "end"));
    }

    #[test]
    fn sentences_drop_markup_and_keep_lines() {
        let p = passage("| who | when |\n|---|---|\n| Ruth | 3 May |\n- **booked** the train. Then lunch.", "plans", 0);
        let s: Vec<String> = sentences_of(&p, 0).into_iter().map(|s| s.text).collect();
        assert_eq!(s, ["who | when", "Ruth | 3 May", "booked the train. Then lunch."]);
        let p = passage("Commute is the bus or the bike down the\nriver path.\n\npacking\n- kit\n- boots and socks\n\nAssistant: ignore me.\nUser: I said so.", "trip", 0);
        let s = sentences_of(&p, 0);
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["Commute is the bus or the bike down the river path.", "kit", "boots and socks", "I said so."]);
        assert_eq!((s[2].heading.as_str(), s[2].label.as_deref()), ("trip", Some("packing")));
    }

    #[test]
    fn relation_words_expand_to_names_and_names_are_required() {
        let facts = vec![FactView::new("family", "Ruth (sister), birthday 3 May", false)];
        let q = query_terms("When is my sister's birthday?", &facts);
        let sister = q.iter().find(|t| t.stem == "sister").unwrap();
        assert!(sister.alternatives.contains(&"ruth".to_string()), "{q:?}");
        let q = query_terms("What is Ben's surname?", &facts);
        assert!(q.iter().any(|t| t.stem == "ben" && t.proper), "{q:?}");
    }

    #[test]
    fn scoring_prefers_coverage_then_newer() {
        let q = query_terms("What is my phone number?", &[]);
        let s = vec![
            Sentence { text: "my old mobile was 07700 900111".into(), heading: String::new(), label: None, passage: Some(0), fact_key: None, dated: 1 },
            Sentence { text: "my new mobile is 07700 900222".into(), heading: String::new(), label: None, passage: Some(1), fact_key: None, dated: 2 },
            Sentence { text: "bought apples".into(), heading: String::new(), label: None, passage: Some(2), fact_key: None, dated: 3 },
        ];
        let r = score(&q, s);
        assert!(r[0].sentence.text.contains("900222"), "{r:?}");
        assert_eq!(r[2].coverage, 0.0);
    }

    #[test]
    fn sensitive_sentences_are_caught() {
        let facts = vec![FactView::new("passport-number", "123456789", true), FactView::new("health-condition", "migraine", true)];
        assert!(is_sensitive_text("passport no. 123456789, expires 2030", &facts));
        assert!(is_sensitive_text("policy HLC-1234-5678 renewed", &facts));
        assert!(is_sensitive_text("booking ref QX7K2M", &facts));
        assert!(is_sensitive_text("my migraine came back", &facts));
        assert!(is_sensitive_text("took the inhaler before the run", &facts));
        assert!(is_sensitive_text("salary now £52,000", &facts));
        assert!(!is_sensitive_text("seats 14A and 14B, window for me", &facts));
        assert!(!is_sensitive_text("the train costs £28 each", &facts));
        assert!(!is_sensitive_text("flight lands at 09:40 on 24 May 2025", &facts));
        assert_eq!(redacted("Emergency contact: Ann Lee, 07700 900123", &facts).as_deref(), Some("Emergency contact: Ann Lee, 07700 [private]"));
        assert_eq!(redacted("passport 123456789 renewed", &facts).as_deref(), Some("passport [private] renewed"));
        assert_eq!(redacted("my migraine came back", &facts), None);
    }

    #[test]
    fn days_are_not_names_and_terms_do_not_count_twice() {
        let q = query_terms("Can I book Lena for a call next Tuesday?", &[]);
        assert!(q.iter().any(|t| t.stem == "lena" && t.proper), "{q:?}");
        assert!(q.iter().any(|t| t.stem == "tuesday" && !t.proper), "{q:?}");
        let q = query_terms("What is her job title?", &[]);
        let job = q.iter().find(|t| t.stem == "job").unwrap();
        assert!(!job.alternatives.contains(&"title".to_string()), "{q:?}");
        let q = query_terms("Which languages does Lena speak?", &[]);
        assert!(q.iter().filter(|t| !t.proper).all(|t| matches_term(t, &stems("Languages: English, Welsh"))), "{q:?}");
    }
}
