//! Prompt enhancement for AI chat sites: adds the user's relevant, non-sensitive facts to what
//! they are about to ask, written in their own voice, and leaves their request text untouched.
//!
//! Structure first: facts are picked by topic (the prompt's words → the keys a topic needs) and
//! by keyword overlap (a prompt word that appears in a fact's value); sensitive facts never pass
//! [`super::context::is_sensitive`]. The model (L2) may later rephrase the context sentence; the
//! selection stays here. Called by `web/` for `task.enhance` (the ✨ button on chat sites).

use serde::{Deserialize, Serialize};

use super::context::{content_words, has_word, is_sensitive, is_stop_word, same_stem, topics_of, words, FactView};
use super::evidence::{without_asides, is_sensitive_text, query_terms, score, shareable, units_of, Passage, Sentence, Term, WITHHELD};

/// One sentence of added context and the fact it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Added {
    pub text: String,
    pub source: String,
}

/// The enhanced prompt: `enhanced` = the unchanged `prompt`, a blank line, then the context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enhanced {
    pub prompt: String,
    pub enhanced: String,
    pub added: Vec<Added>,
}

/// At most this many facts are added: context, not a life story.
pub const MAX_ADDED: usize = 6;

/// Food-ish dislikes are kept apart from time/schedule dislikes (`meetings before 9:30`).
fn is_schedule_item(value: &str) -> bool {
    let ws = words(value);
    value.chars().any(|c| c.is_ascii_digit())
        || ["meeting", "meetings", "morning", "mornings", "call", "calls", "early", "late", "weekend", "weekends"]
            .iter()
            .any(|w| has_word(&ws, w))
}

/// Prompt words that make it about the user and their partner.
const PARTNER_WORDS: &[&str] = &[
    "partner", "partner's", "boyfriend", "girlfriend", "husband", "wife", "spouse", "fiance", "fiancee", "date",
    "anniversary", "valentine", "us", "we", "couple", "two",
];

/// Keys that say nothing useful when a prompt merely shares a word with them (`Northam` in
/// `Greater Northam`, the user's own name).
const NO_KEYWORD_MATCH: &[&str] = &[
    "address-level1", "country", "country-name", "language", "honorific-prefix", "name", "given-name",
    "additional-name", "family-name", "nickname", "t-shirt-size",
];

/// Relation words that stand for several (`parents` → `mum`, `dad`).
const RELATION_GROUPS: &[(&str, &[&str])] = &[("parents", &["mum", "dad", "mother", "father"]), ("grandparents", &["grandma", "grandad", "grandmother", "grandfather"])];

/// True when a word of the prompt (any length: `mum`, `son`) other than a stop word names the
/// person of the fact: their name or relation, the part before the first comma
/// (`Ruth (sister)`, not `birthday 3 May`).
fn names_someone_in(prompt: &str, f: &FactView) -> bool {
    let who = words(f.value.split(',').next().unwrap_or(""));
    words(prompt).iter().filter(|w| !is_stop_word(w)).any(|w| {
        let group = RELATION_GROUPS.iter().find(|(g, _)| g == w).map(|(_, m)| m.to_vec()).unwrap_or_default();
        has_word(&who, w) || group.iter().any(|g| has_word(&who, g))
    })
}

/// Dislikes that are not about food (`loud hotel rooms`).
fn is_place_item(value: &str) -> bool {
    let ws = words(value);
    ["room", "rooms", "hotel", "hotels", "loud", "noise", "noisy", "crowds", "queue", "queues"].iter().any(|w| has_word(&ws, w))
}

/// Picks the facts relevant to `prompt`, in a stable order (topic keys first, then keyword hits).
pub fn select<'a>(prompt: &str, facts: &'a [FactView]) -> Vec<&'a FactView> {
    let topics = topics_of(prompt);
    let topic_names: Vec<&str> = topics.iter().map(|t| t.name).collect();
    let prompt_words = content_words(prompt);
    let mut picked: Vec<&FactView> = Vec::new();
    let push = |f: &'a FactView, picked: &mut Vec<&'a FactView>| {
        if !picked.iter().any(|p| p.key == f.key && p.value == f.value) {
            picked.push(f);
        }
    };
    for topic in &topics {
        for key in topic.keys {
            for f in facts.iter().filter(|f| f.key == *key && !is_sensitive(f)) {
                // A dislike belongs to the food topic or the schedule topic, not to both.
                if f.key == "dislikes" {
                    let schedule = is_schedule_item(&f.value);
                    if (topic.name == "food" && (schedule || is_place_item(&f.value))) || (topic.name == "schedule" && !schedule) || !matches!(topic.name, "food" | "schedule") {
                        continue;
                    }
                }
                // Goals only when they share a word with the prompt or its topic.
                if f.key == "goals" {
                    let gw = words(&f.value);
                    let shared = prompt_words.iter().any(|w| has_word(&gw, w)) || topic.signals().iter().any(|s| has_word(&gw, s));
                    if !shared {
                        continue;
                    }
                }
                // The partner only when the prompt is about the two of them.
                if f.key == "partner" && !names_someone_in(prompt, f) && !words(prompt).iter().any(|w| PARTNER_WORDS.contains(&w.as_str())) {
                    continue;
                }
                // Relatives and friends only when the prompt names them (`my sister`, `Chioma`).
                if matches!(f.key.as_str(), "family" | "friends" | "people") && !names_someone_in(prompt, f) {
                    continue;
                }
                // Interests only where the prompt is about the person or their time.
                if f.key == "interests" && !topic_names.iter().any(|n| matches!(*n, "fitness" | "about-me" | "schedule")) {
                    continue;
                }
                push(f, &mut picked);
            }
        }
    }
    // People come only by the relation rule above, not because a word of theirs matches.
    for f in facts.iter().filter(|f| !is_sensitive(f) && !NO_KEYWORD_MATCH.contains(&f.key.as_str()) && !matches!(f.key.as_str(), "family" | "friends" | "people" | "partner")) {
        let value_words = words(&f.value);
        if prompt_words.iter().any(|w| has_word(&value_words, w)) {
            push(f, &mut picked);
        }
    }
    // At most MAX_ADDED keys; a list key's items stay together.
    let mut keys: Vec<&str> = Vec::new();
    picked.retain(|f| {
        if keys.contains(&f.key.as_str()) {
            return true;
        }
        if keys.len() < MAX_ADDED {
            keys.push(f.key.as_str());
            return true;
        }
        false
    });
    picked
}

/// Allergy items that are notes, not allergens (`peanuts fine`, `carries EpiPen`).
fn is_allergy_note(v: &str) -> bool {
    let ws = words(v);
    ["fine", "ok", "okay", "carries", "carry", "epipen", "safe"].iter().any(|w| ws.iter().any(|x| x == w))
}

/// The items of one list key as one clause (`I'm allergic to tree nuts (carries EpiPen)`).
fn in_my_voice_all(fs: &[&FactView], lang: &str) -> String {
    let Some(first) = fs.first() else { return String::new() };
    if fs.len() == 1 {
        return in_my_voice(first, lang);
    }
    let clean = |f: &FactView| f.value.trim().trim_end_matches('.').replace(';', ",");
    let (notes, items): (Vec<&&FactView>, Vec<&&FactView>) = fs.iter().partition(|f| f.key == "allergies" && is_allergy_note(&f.value));
    let joined = items.iter().map(|f| clean(f)).collect::<Vec<_>>().join(", ");
    let mut view = (*first).clone();
    view.value = joined;
    let mut out = if items.is_empty() { String::new() } else { in_my_voice(&view, lang) };
    if !notes.is_empty() {
        let n = notes.iter().map(|f| clean(f)).collect::<Vec<_>>().join(", ");
        out = if out.is_empty() { say(ALLERGY_NOTES, lang, &n, "") } else { format!("{out} ({n})") };
    }
    out
}

/// The picked facts as clauses in the user's voice and language, one per key (a list key's
/// items together), each with the facts it cites.
pub fn in_my_voice_by_key(picked: &[&FactView], lang: &str) -> Vec<Added> {
    let mut keys: Vec<&str> = Vec::new();
    for f in picked {
        if !keys.contains(&f.key.as_str()) {
            keys.push(f.key.as_str());
        }
    }
    keys.into_iter()
        .map(|key| {
            let group: Vec<&FactView> = picked.iter().filter(|f| f.key == key).copied().collect();
            let source = group.iter().map(|f| f.cite()).collect::<Vec<_>>().join("; ");
            Added { text: in_my_voice_all(&group, lang), source }
        })
        .collect()
}

/// Items of `lexicon/enhance_phrases.txt`.
const FACTS_LEAD: usize = 0;
const NOTES_LEAD: usize = 1;
const ANY_FACT: usize = 16;
const ALLERGY_NOTES: usize = 17;

/// Phrase `item` of `lexicon/enhance_phrases.txt` in `lang` (English when it has none), with
/// the value `v` and the fact's name `k`.
fn say(item: usize, lang: &str, v: &str, k: &str) -> String {
    let lex = crate::lexicon::enhance_phrases();
    let line = lex.lang(lang).or_else(|| lex.lang("en")).expect("English enhance phrases");
    let mut cap = k.chars();
    let upper: String = cap.next().map(|c| c.to_uppercase().collect::<String>() + cap.as_str()).unwrap_or_default();
    let mut out = line.items[item][0].replace("{v}", v).replace("{k}", k).replace("{K}", &upper);
    // English `a` before a vowel is `an` (`I work as an Orchard Keeper`).
    if line.lang == "en" && v.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        out = out.replace(&format!(" a {v}"), &format!(" an {v}"));
    }
    out
}

/// The language a prompt or question is written in (English when it cannot be told).
pub fn language_of(text: &str) -> &'static str {
    language_in(&[text])
}

/// The language of the first of `texts` whose language can be told (a form field's label, then
/// the page around it); English when none tells.
pub fn language_in(texts: &[&str]) -> &'static str {
    texts
        .iter()
        .find_map(|t| crate::text::lang::of_question(t).or_else(|| crate::text::lang::detect(t)))
        .or_else(|| texts.iter().find_map(|t| by_vocabulary(t)))
        .unwrap_or("en")
}

/// The language whose topic and fact words a short text uses most (`Ernährungsbedürfnisse /
/// Allergien` is German by `allergien`), when one language leads.
fn by_vocabulary(text: &str) -> Option<&'static str> {
    let ws = words(text);
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for lex in [crate::lexicon::topic_signals(), crate::lexicon::fact_words()] {
        for l in &lex.lines {
            let n = ws.iter().filter(|w| l.items.iter().flatten().any(|x| x == *w)).count();
            match counts.iter_mut().find(|(c, _)| *c == l.lang) {
                Some(c) => c.1 += n,
                None => counts.push((l.lang, n)),
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1));
    match counts.as_slice() {
        [(lang, n), rest @ ..] if *n > 0 && rest.first().is_none_or(|r| r.1 < *n) => Some(lang),
        _ => None,
    }
}

/// An allergy list in `lang`: each allergen the food labels name, in that language's word
/// (`celery, peanuts` → `sellerie, erdnuss` for `de`); other words as written.
fn allergens_in(value: &str, lang: &str) -> String {
    let foods = crate::lexicon::foods();
    let (Some(en), Some(to)) = (foods.lang("en"), foods.lang(lang)) else { return value.to_string() };
    value
        .split(", ")
        .map(|part| {
            let w = part.trim().to_lowercase();
            // Only an allergen named by its own name (`celery`, `peanuts`): a member of a
            // family (`hazelnuts`) keeps its word rather than become the family's (`nuts`).
            let item = en.items.iter().enumerate().skip(3).find(|(_, sp)| sp.first().is_some_and(|x| *x == w || same_stem(x, &w))).map(|(i, _)| i);
            match item.and_then(|i| to.items.get(i)).and_then(|sp| sp.first()) {
                Some(word) => word.clone(),
                None => part.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One fact as a first-person clause in `lang` (`I'm vegetarian`, `jag är allergisk mot nötter`).
pub fn in_my_voice(f: &FactView, lang: &str) -> String {
    // `;` separates the clauses of the context sentence, so it may not appear inside one.
    let v = f.value.trim().trim_end_matches('.').replace(';', ",");
    let v = if f.key == "allergies" && lang != "en" { allergens_in(&v, lang) } else { v };
    // A diet is stored by its English name: said in the prompt's language (`je suis pescétarien`).
    let v = if f.key == "diet" { crate::lexicon::diet_in(&v, lang).unwrap_or(v) } else { v };
    let item = match f.key.as_str() {
        "diet" => 2,
        "diet-detail" => 3,
        "allergies" => 4,
        "dislikes" => 5,
        "partner" => 6,
        "organization-title" => 7,
        "organization" => 8,
        "projects" => 9,
        "skills" => 10,
        "goals" => 11,
        "interests" => 12,
        "address-level2" | "city" | "neighbourhood" => 13,
        "language" => 14,
        "family" | "friends" | "people" => 15,
        _ => ANY_FACT,
    };
    // Another fact is named as the language names its kind (`Telefon`), else by its key.
    let named = (lang != "en").then(|| super::evidence::kind_of_key(&f.key).and_then(|kind| crate::lexicon::fact_word(kind, lang))).flatten();
    say(item, lang, &v, &named.unwrap_or_else(|| f.key.replace('-', " ")))
}

/// Enhances `prompt` with the relevant facts. With nothing relevant, `enhanced == prompt` and
/// `added` is empty.
pub fn enhance(prompt: &str, facts: &[FactView]) -> Enhanced {
    enhance_with(prompt, facts, &[], &[])
}

/// Passages retrieved for a prompt.
pub const PASSAGES: usize = 6;
/// Passages retrieved for what a meal prompt's eaters can and cannot eat, beside [`PASSAGES`].
pub const DIET_PASSAGES: usize = 3;
/// A list item or paragraph up to this long is added whole.
pub const NOTE_UNIT_CHARS: usize = 240;
/// At most this many note sentences are added.
pub const MAX_NOTES: usize = 5;
/// A note sentence must cover this share of the prompt's weight (heading included).
pub const MIN_NOTE_COVERAGE: f32 = 0.3;

/// Reads what enhancing `prompt` needs from the store: the current facts, the passages for
/// the prompt (its words, their everyday synonyms, the names of the people it names by
/// relation, and for schedule prompts the weekdays) and, for a meal, the passages that say
/// what someone eats or avoids.
pub async fn retrieve(store: &impl crate::memory::store::Store, prompt: &str, meaning: Option<&[f32]>, now: crate::memory::Timestamp) -> Result<(Vec<FactView>, Vec<Passage>, Vec<Passage>), crate::memory::MemoryError> {
    // Enhance writes into a chat site's page: only facts the user vouches for.
    let facts: Vec<FactView> = crate::memory::manage::facts_for_pages(store).await?.iter().map(FactView::from).collect();
    let mut query = super::evidence::query_groups(prompt, &facts);
    if let Some(birthday) = with_occasion(query_terms(prompt, &facts)).into_iter().find(|t| t.stem == OCCASION) {
        query.push(std::iter::once(birthday.stem).chain(birthday.alternatives).collect());
    }
    if topics_of(prompt).iter().any(|t| t.name == "schedule") {
        query.extend(crate::retrieval::index::terms("monday tuesday wednesday thursday friday mondays tuesdays thursdays office evening").into_iter().map(|t| vec![t]));
    }
    let passages = super::evidence::passages_for(store, &query, meaning, now, PASSAGES).await?;
    // A meal asks what the user (and the people they cook for) can and cannot eat: the notes
    // that say so are found by those words, whatever the prompt's own words. The user's own
    // writing only: a clipped page's advice is not their diet.
    let diet = if topics_of(prompt).iter().any(|t| t.name == "food") { diet_passages(store, now).await? } else { Vec::new() };
    Ok((facts, passages, diet))
}

/// The passages of the user's own writing that say what someone eats or avoids (a diet, an
/// allergy, an intolerance: [`food_constraint_words`]), best first; not clipped pages.
pub async fn diet_passages(store: &impl crate::memory::store::Store, now: crate::memory::Timestamp) -> Result<Vec<Passage>, crate::memory::MemoryError> {
    let found = super::evidence::passages_for(store, &[food_constraint_words().to_vec()], None, now, DIET_PASSAGES * 2).await?;
    Ok(found.into_iter().filter(|p| !is_page(p)).take(DIET_PASSAGES).collect())
}

/// Whether a passage is from a web page (clipped, or a saved `.html` file): others' writing,
/// not what the user says of themselves.
pub fn is_page(p: &Passage) -> bool {
    let name = p.source.to_lowercase();
    p.url.is_some() || name.ends_with(".html") || name.ends_with(".htm")
}

/// One note sentence to add: its text, where it is from, and the heading it sits under.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub text: String,
    pub source: String,
    pub heading: String,
}

/// The sentences of `passages` (L0, retrieved for the prompt) worth adding: relevant to the
/// prompt, not sensitive, not already said, best first.
pub fn select_notes(prompt: &str, facts: &[FactView], passages: &[Passage]) -> Vec<Note> {
    select_notes_with(prompt, facts, passages, MIN_NOTE_COVERAGE, MAX_NOTES)
}

/// [`select_notes`] with another coverage bar and count (a form's question shares fewer words
/// with the notes that answer it than a prompt does).
pub fn select_notes_with(prompt: &str, facts: &[FactView], passages: &[Passage], min_coverage: f32, max_notes: usize) -> Vec<Note> {
    let asked = query_terms(prompt, facts);
    let plain = asked.len();
    let terms = with_occasion(asked);
    if terms.is_empty() {
        return Vec::new();
    }
    // A gift for someone named: their line, not every birthday on the list.
    let for_someone = terms.len() > plain && terms.iter().any(|t| t.proper);
    let for_work = topics_of(prompt).iter().any(|t| t.name == "work");
    let mut sentences: Vec<Sentence> = Vec::new();
    for (i, p) in passages.iter().enumerate() {
        sentences.extend(units_of(p, i, NOTE_UNIT_CHARS));
    }
    let sentences = shareable(sentences, facts);
    let prompt_lower = prompt.to_lowercase();
    let mut out: Vec<Note> = Vec::new();
    for s in score(&terms, sentences) {
        // A one-word line (a heading: `Birthdays`) says nothing by itself, however well it
        // matches: the lines under it come next.
        if s.sentence.text.split_whitespace().count() < 2 {
            continue;
        }
        if out.len() >= max_notes || s.coverage < min_coverage || s.score <= 0.0 {
            break;
        }
        if for_someone && !terms.iter().filter(|t| t.proper).any(|t| super::evidence::matches_term(t, &super::evidence::stems(&s.sentence.text))) {
            continue;
        }
        let mut text = s.sentence.text.trim_end_matches(['.', ';', ':']).to_string();
        if for_work {
            text = without_asides(&text);
        }
        // Questions, one-word lines and redacted lines say nothing; sensitive ones are never added.
        if text.split_whitespace().count() < 2 || text.ends_with('?') || text.contains(WITHHELD) || is_sensitive_text(&text, facts) || prompt_lower.contains(&text.to_lowercase()) {
            continue;
        }
        if out.iter().any(|n| n.text == text) {
            continue;
        }
        let source = s.sentence.passage.and_then(|i| passages.get(i)).map(|p| p.source.clone()).unwrap_or_default();
        let heading = s.sentence.heading.split(" > ").chain(s.sentence.label.as_deref()).map(str::trim).filter(|h| !h.is_empty()).collect::<Vec<_>>().join(", ");
        let heading = if for_work { without_asides(&heading) } else { heading };
        let heading = if is_sensitive_text(&heading, facts) { String::new() } else { heading };
        out.push(Note { text, source, heading });
    }
    out
}

/// The occasion a gift is for, by the English name of its concept.
const OCCASION: &str = "birthday";

/// The stems of the words of the everyday concept whose first English word is `en`, in every
/// language.
fn concept_stems(en: &str) -> Vec<String> {
    let concept = crate::lexicon::concepts().iter().find(|c| c.words.iter().any(|(l, ws)| *l == "en" && ws.first().is_some_and(|w| w == en)));
    let mut out: Vec<String> = concept.into_iter().flat_map(|c| c.words.iter().flat_map(|(_, ws)| ws.iter())).flat_map(|w| super::evidence::stems(w)).collect();
    out.sort();
    out.dedup();
    out
}

/// A gift is for an occasion: a prompt for a gift also asks for the person's birthday, where
/// people note the day and what the person wishes for (`Penser à l'anniversaire d'Inès : elle
/// veut …`). Adds the birthday as a term when a term is a gift and none is a birthday.
fn with_occasion(mut terms: Vec<Term>) -> Vec<Term> {
    let (gift, birthday) = (concept_stems("gift"), concept_stems(OCCASION));
    let names = |t: &Term, of: &[String]| std::iter::once(&t.stem).chain(&t.alternatives).any(|s| of.contains(s));
    if terms.iter().any(|t| names(t, &gift)) && !terms.iter().any(|t| names(t, &birthday)) {
        let mut alternatives = birthday;
        alternatives.retain(|s| s != OCCASION);
        terms.push(Term { stem: OCCASION.to_string(), alternatives, proper: false, optional: false, bound: None, people: Vec::new() });
    }
    terms
}

/// The words that say what someone eats or avoids, in every language the lexicons hold: the
/// diets' own words ([`crate::lexicon::diet_words`]) and the words for an allergy or an
/// intolerance.
pub fn food_constraint_words() -> &'static [String] {
    static W: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    W.get_or_init(|| {
        let mut out: Vec<String> = crate::lexicon::diet_words().iter().map(|(w, _)| w.clone()).collect();
        out.extend(allergy_words().iter().cloned());
        out.sort();
        out.dedup();
        out
    })
}

/// The words for an allergy or an intolerance, in every language (the concepts lexicon).
pub fn allergy_words() -> &'static [String] {
    static W: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    W.get_or_init(|| {
        let mut out: Vec<String> = Vec::new();
        for c in crate::lexicon::concepts() {
            let en = c.words.iter().find(|(l, _)| *l == "en").and_then(|(_, ws)| ws.first());
            if en.is_some_and(|e| e == "allergy" || e == "intolerance") {
                out.extend(c.words.iter().flat_map(|(_, ws)| ws.iter()).filter(|w| !w.contains(' ')).cloned());
            }
        }
        out
    })
}

/// Whether a sentence says what someone eats or avoids (`Karine est végétarienne`, `allt måste
/// vara glutenfritt`, `Pas de lait (lactose)`): it names a diet or an allergy or intolerance.
pub fn states_food_constraint(text: &str) -> bool {
    !crate::lexicon::diets_named(text).is_empty() || words(text).iter().any(|w| names_allergy(w)) || says_not_eaten(text)
}

/// Whether a sentence says a food is not eaten (`Arvid slutade äta fläsk`, `Ana no come carne`):
/// a form of "to eat", a word of no or of having stopped, and a food the lexicon knows.
fn says_not_eaten(text: &str) -> bool {
    let ws: Vec<String> = crate::text::words(text);
    let joined = format!(" {} ", ws.join(" "));
    let has = |item: usize| crate::lexicon::eat_words().spellings().any(|(_, i, w)| i == item && joined.contains(&format!(" {w} ")));
    let no = ws.iter().any(|w| crate::lexicon::negations().phrases().iter().any(|n| n == w));
    let food = ws.iter().any(|w| crate::lexicon::foods().spellings().any(|(_, _, f)| f == w));
    has(0) && (no || has(1)) && food
}

/// Whether a word (lower case) is a word for an allergy or an intolerance, inflected
/// (`allergique`, `allergiker`) or as the head of a compound (`nötallergi`, `Nussallergie`).
pub fn names_allergy(w: &str) -> bool {
    let n = w.chars().count();
    allergy_words().iter().any(|x| crate::lexicon::inflects(w, x) || (x.chars().count() >= 5 && w.ends_with(x.as_str()) && n >= x.chars().count() + 3))
}

/// For a meal prompt, the note sentences of `passages` that say what the user or the people
/// they eat with can and cannot eat, beyond what `said` (the facts already added) holds: a
/// diet, an allergy, an intolerance. Not sensitive (a condition is never named), best first.
fn food_constraint_notes(prompt: &str, facts: &[FactView], passages: &[Passage], said: &[&FactView], have: &[Note], room: usize) -> Vec<Note> {
    if room == 0 || !topics_of(prompt).iter().any(|t| t.name == "food") {
        return Vec::new();
    }
    let mut sentences: Vec<Sentence> = Vec::new();
    for (i, p) in passages.iter().enumerate().filter(|(_, p)| !is_page(p)) {
        sentences.extend(units_of(p, i, NOTE_UNIT_CHARS));
    }
    let said_values: Vec<String> = said.iter().map(|f| f.value.to_lowercase()).filter(|v| v.chars().count() >= 4).collect();
    let mut out: Vec<Note> = Vec::new();
    for s in shareable(sentences, facts) {
        if out.len() >= room {
            break;
        }
        let text = s.text.trim().trim_end_matches(['.', ';', ':']).to_string();
        let lower = text.to_lowercase();
        if text.split_whitespace().count() < 2 || text.ends_with('?') || text.contains(WITHHELD) || is_sensitive_text(&text, facts) || !states_food_constraint(&text) {
            continue;
        }
        // What a fact already says (`allergic to shrimp`) is not said twice.
        if said_values.iter().any(|v| lower.contains(v.as_str())) || have.iter().chain(&out).any(|n| n.text == text) {
            continue;
        }
        let source = s.passage.and_then(|i| passages.get(i)).map(|p| p.source.clone()).unwrap_or_default();
        let heading = s.heading.split(" > ").chain(s.label.as_deref()).map(str::trim).filter(|h| !h.is_empty()).collect::<Vec<_>>().join(", ");
        let heading = if is_sensitive_text(&heading, facts) { String::new() } else { heading };
        out.push(Note { text, source, heading });
    }
    out
}

/// Enhances `prompt` with the relevant facts and, from `passages` (the L0 passages retrieval
/// found for the prompt, see [`retrieve`]), the relevant note sentences, each group under its
/// heading, and for a meal, from `diet`, what the eaters can and cannot eat. The request text
/// is never changed: the context follows it after a blank line.
pub fn enhance_with(prompt: &str, facts: &[FactView], passages: &[Passage], diet: &[Passage]) -> Enhanced {
    let picked = select(prompt, facts);
    let lang = language_of(prompt);
    let mut added: Vec<Added> = in_my_voice_by_key(&picked, lang);
    let facts_said = added.len();
    let mut notes = select_notes(prompt, facts, passages);
    let more = food_constraint_notes(prompt, facts, diet, &picked, &notes, MAX_NOTES.saturating_sub(notes.len()));
    notes.extend(more);
    let mut note_texts: Vec<String> = Vec::new();
    let mut last_heading = String::new();
    for n in &notes {
        let text = if !n.heading.is_empty() && n.heading != last_heading { format!("{}: {}", n.heading, n.text) } else { n.text.clone() };
        last_heading = n.heading.clone();
        note_texts.push(text.clone());
        added.push(Added { text, source: n.source.clone() });
    }
    let enhanced = if added.is_empty() {
        prompt.to_string()
    } else {
        let mut out = prompt.trim_end().to_string();
        if facts_said > 0 {
            let clauses: Vec<&str> = added[..facts_said].iter().map(|a| a.text.as_str()).collect();
            out.push_str(&format!("\n\n{}: {}.", say(FACTS_LEAD, lang, "", ""), clauses.join("; ")));
        }
        if !note_texts.is_empty() {
            out.push_str(&format!("{}{}: {}.", if facts_said > 0 { " " } else { "\n\n" }, say(NOTES_LEAD, lang, "", ""), note_texts.join("; ")));
        }
        out
    };
    Enhanced { prompt: prompt.to_string(), enhanced, added }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A food someone no longer eats is a food constraint; eating it is not (invented).
    #[test]
    fn a_food_not_eaten_is_a_constraint() {
        assert!(states_food_constraint("Arvid slutade äta fläsk efter jul"));
        assert!(states_food_constraint("Nora doesn't eat pork"));
        assert!(states_food_constraint("Paul ne mange plus de bœuf"));
        assert!(!states_food_constraint("Vi åt pizza i går"));
    }

    /// A persona-like profile (invented values, not the benchmark persona's).
    fn facts() -> Vec<FactView> {
        vec![
            FactView::new("diet", "vegan", false),
            FactView::new("allergies", "peanuts", false),
            FactView::new("dislikes", "mushrooms", false),
            FactView::new("dislikes", "calls before 10:00", false),
            FactView::new("partner", "Alex Moreno", false),
            FactView::new("organization-title", "Product Designer", false),
            FactView::new("organization", "Northwind Studio", false),
            FactView::new("interests", "swimming", false),
            FactView::new("address-level2", "Wexcombe", false),
            FactView::new("street-address", "9 Quay Road", false),
            FactView::new("passport-number", "123456789", true),
            FactView::new("health-condition", "migraine", true),
            FactView::new("finances", "salary 52,000", true),
        ]
    }

    #[test]
    fn the_context_is_written_in_the_prompts_language() {
        let facts = vec![FactView::new("diet", "vegetarian", false), FactView::new("allergies", "peanuts", false), FactView::new("address-level2", "Tampere", false)];
        let de = enhance("Schlag mir ein schnelles Rezept für das Abendessen vor", &facts);
        assert!(de.enhanced.contains("Zum Kontext: ") && de.enhanced.contains("ich bin allergisch gegen erdnuss"), "{}", de.enhanced);
        let sv = enhance("Föreslå ett snabbt recept till middagen, tack", &facts);
        assert!(sv.enhanced.contains("Som bakgrund: ") && sv.enhanced.contains("jag är allergisk mot jordnöt"), "{}", sv.enhanced);
        assert!(sv.enhanced.contains("jag är vegetarisk"), "the diet in the prompt's language: {}", sv.enhanced);
        let fr = enhance("Propose-moi une recette rapide pour le dîner", &facts);
        assert!(fr.enhanced.contains("Pour le contexte : ") || fr.enhanced.contains("Pour le contexte: "), "{}", fr.enhanced);
        assert_eq!(language_in(&["Ernährungsbedürfnisse / Allergien", ""]), "de");
        let en = enhance("Suggest a quick recipe for dinner", &facts);
        assert!(en.enhanced.contains("For context: ") && en.enhanced.contains("I'm allergic to peanuts"), "{}", en.enhanced);
    }

    #[test]
    fn food_prompt_gets_diet_allergy_and_food_dislikes_in_my_voice() {
        let out = enhance("Plan a week of dinners for me and my partner", &facts());
        assert!(out.enhanced.starts_with("Plan a week of dinners for me and my partner\n\nFor context: "), "{}", out.enhanced);
        let ctx = &out.enhanced;
        assert!(ctx.contains("I'm vegan"), "{ctx}");
        assert!(ctx.contains("I'm allergic to peanuts"), "{ctx}");
        assert!(ctx.contains("I don't like mushrooms"), "{ctx}");
        assert!(ctx.contains("my partner is Alex Moreno"), "{ctx}");
        // The schedule dislike belongs to schedule prompts; work facts are irrelevant here.
        assert!(!ctx.contains("10:00") && !ctx.contains("Designer"), "{ctx}");
        assert_eq!(out.added.len(), 4);
        assert!(out.added.iter().all(|a| !a.source.is_empty()));
    }

    #[test]
    fn never_adds_sensitive_facts_even_when_the_prompt_names_them() {
        let prompt = "Fill in my passport renewal form, mention my migraine and my salary, and my address 9 Quay Road";
        let out = enhance(prompt, &facts());
        let context = &out.enhanced[prompt.len()..];
        for secret in ["123456789", "migraine", "52,000", "Quay"] {
            assert!(!context.contains(secret), "{secret} leaked: {context}");
        }
        let added: String = out.added.iter().map(|a| format!("{} {}", a.text, a.source)).collect();
        for secret in ["123456789", "migraine", "52,000", "Quay"] {
            assert!(!added.contains(secret), "{secret} leaked: {added}");
        }
    }

    #[test]
    fn work_prompt_gets_title_and_employer_not_food() {
        let out = enhance("Write a short speaker bio for me for a conference website", &facts());
        let ctx = &out.enhanced;
        assert!(ctx.contains("I work as a Product Designer") && ctx.contains("I work at Northwind Studio"), "{ctx}");
        let engineer = [FactView::new("organization-title", "Orchard Keeper", false)];
        assert!(in_my_voice(&engineer[0], "en").contains("as an Orchard Keeper"), "{}", in_my_voice(&engineer[0], "en"));
        assert!(!ctx.contains("vegan") && !ctx.contains("peanut"), "{ctx}");
    }

    #[test]
    fn schedule_prompt_gets_the_schedule_dislike() {
        let out = enhance("Make me a weekly schedule template", &facts());
        assert!(out.enhanced.contains("I don't like calls before 10:00"), "{}", out.enhanced);
        assert!(!out.enhanced.contains("mushrooms"), "{}", out.enhanced);
    }

    #[test]
    fn keyword_overlap_pulls_in_a_matching_fact() {
        let out = enhance("Find a swimming club for me", &facts());
        assert!(out.enhanced.contains("I enjoy swimming"), "{}", out.enhanced);
        assert!(out.enhanced.contains("I live in Wexcombe"), "{}", out.enhanced);
    }

    #[test]
    fn relatives_come_only_when_the_prompt_names_them() {
        let mut fs = facts();
        fs.push(FactView::new("family", "Ruth (sister), birthday in June, loves pottery", false));
        fs.push(FactView::new("family", "Ben (nephew), turns 6", false));
        let out = enhance("What should I get my sister for her birthday?", &fs);
        assert!(out.enhanced.contains("Ruth (sister)"), "{}", out.enhanced);
        assert!(!out.enhanced.contains("Ben"), "{}", out.enhanced);
    }

    #[test]
    fn partner_only_when_the_prompt_is_about_the_two_of_them() {
        assert!(enhance("Suggest a date-night idea for my partner's birthday", &facts()).enhanced.contains("Alex Moreno"));
        assert!(!enhance("Suggest a birthday present for my nephew", &facts()).enhanced.contains("Alex"));
        assert!(!enhance("Give me a 10-minute stretching routine", &facts()).enhanced.contains("10:00"));
    }

    #[test]
    fn unrelated_prompt_is_left_alone() {
        let out = enhance("Explain how TCP congestion control works", &facts());
        assert_eq!(out.enhanced, out.prompt);
        assert!(out.added.is_empty());
    }

    fn notes() -> Vec<Passage> {
        let p = |id: &str, heading: &str, text: &str| Passage {
            chunk_id: id.into(),
            source_id: format!("src-{id}"),
            source: format!("{id}.md"),
            url: None,
            heading: heading.into(),
            text: text.into(),
            dated: 0,
            score: 1.0,
            page: None,
            times: Vec::new(),
        };
        vec![
            p("trip", "LISBON 2-9 June", "packing\n- swim kit for the hotel pool\n- passport 123456789 in the red folder\n- migraine tablets"),
            p("money", "budget", "salary 52,000 now, savings £9,000 in the pot."),
            p("gifts", "gift ideas", "| Ben | nephew, turns 6 | loves trains and rockets |"),
        ]
    }

    #[test]
    fn notes_add_relevant_sentences_but_never_sensitive_ones_and_keep_the_request() {
        let prompt = "What should I pack for the Lisbon trip?";
        let out = enhance_with(prompt, &facts(), &notes(), &[]);
        assert!(out.enhanced.starts_with(prompt), "{}", out.enhanced);
        assert_eq!(out.prompt, prompt);
        assert!(out.enhanced.contains("swim kit"), "{}", out.enhanced);
        for secret in ["123456789", "migraine", "52,000", "9,000", "[private]"] {
            assert!(!out.enhanced.contains(secret), "{secret} leaked: {}", out.enhanced);
        }
        let out = enhance_with("Suggest a present for my nephew Ben", &facts(), &notes(), &[]);
        assert!(out.enhanced.contains("trains and rockets"), "{}", out.enhanced);
        let out = enhance_with("Explain how TCP congestion control works", &facts(), &notes(), &[]);
        assert_eq!(out.enhanced, out.prompt, "nothing relevant, nothing added");
    }

    #[test]
    fn prompt_text_is_never_changed() {
        let prompt = "  Suggest   a recipe\nwith  odd spacing  ";
        let out = enhance(prompt, &facts());
        assert_eq!(out.prompt, prompt);
        assert!(out.enhanced.starts_with(prompt.trim_end()));
    }
}

/// The benchmark persona's profile against its `context_enhance` cases that profile facts can
/// answer (food prompts: diet, allergy, dislike), and the sensitive list for every case.
#[cfg(test)]
mod persona {
    use super::*;

    #[test]
    fn persona_enhance_cases_add_what_fits_and_never_a_sensitive_value() {
        let Some(facts) = crate::tasks::critic::persona_profile_facts() else { return };
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/personas/maya-okafor");
        let cases = std::fs::read_to_string(dir.join("cases.jsonl")).unwrap();
        let (mut n, mut full) = (0, 0);
        for line in cases.lines() {
            let c: serde_json::Value = serde_json::from_str(line).unwrap();
            if c["task"] != "context_enhance" {
                continue;
            }
            n += 1;
            let prompt = c["prompt"].as_str().unwrap();
            let out = enhance(prompt, &facts);
            assert!(out.enhanced.starts_with(prompt), "{}: the request text changed", c["id"]);
            let added = out.enhanced[prompt.len()..].to_lowercase();
            for bad in c["must_not_include"].as_array().unwrap() {
                assert!(!added.contains(bad.as_str().unwrap()), "{}: added {bad}: {added}", c["id"]);
            }
            let hit = |g: &serde_json::Value| g.as_array().unwrap().iter().any(|s| added.contains(s.as_str().unwrap()));
            if c["must_include"].as_array().unwrap().iter().all(hit) {
                full += 1;
            }
        }
        eprintln!("persona enhance: {full}/{n} cases fully covered from profile facts alone");
        for id in ["enh-01", "enh-15"] {
            let c: serde_json::Value = cases.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()).find(|c| c["id"] == id).unwrap();
            let out = enhance(c["prompt"].as_str().unwrap(), &facts).enhanced.to_lowercase();
            assert!(c["must_include"].as_array().unwrap().iter().all(|g| g.as_array().unwrap().iter().any(|s| out.contains(s.as_str().unwrap()))), "{id}: {out}");
        }
    }

    fn passage(id: &str, heading: &str, text: &str) -> Passage {
        Passage { chunk_id: id.into(), source_id: format!("src-{id}"), source: format!("{id}.md"), url: None, heading: heading.into(), text: text.into(), dated: 0, score: 1.0, page: None, times: Vec::new() }
    }

    #[test]
    fn a_meal_prompt_gets_what_the_eaters_can_and_cannot_eat_from_the_notes() {
        let facts = vec![FactView::new("allergies", "sesame", false)];
        let diet = vec![
            passage("kochen", "Kochen", "Mein Mann isst seit dem Frühjahr laktosefrei, also keine Sahnesoßen. Ich habe Zöliakie, darum alles ohne Weizen. Wir kochen oft Polenta."),
            Passage { url: Some("https://example.org/rezepte".into()), ..passage("clip", "Rezepte", "Unsere Rezepte sind alle vegan und glutenfrei.") },
        ];
        let out = enhance_with("Schlag mir Abendessen für die Woche vor", &facts, &[], &diet);
        assert!(out.enhanced.contains("laktosefrei"), "{}", out.enhanced);
        // A condition is never named; a clipped page's advice is not the user's diet; a line
        // that states no diet is not added for it.
        for not in ["Zöliakie", "Rezepte sind", "Polenta"] {
            assert!(!out.enhanced.contains(not), "{not}: {}", out.enhanced);
        }
        // A prompt about something else gets none of it.
        assert!(!enhance_with("Schreib mir eine Rede für die Hochzeit", &facts, &[], &diet).enhanced.contains("laktosefrei"));
    }

    #[test]
    fn a_gift_prompt_finds_the_persons_birthday_line() {
        let notes = vec![passage("dates", "Birthdays", "- Gianni – 3 August, wants a ravioli maker\n- Oddny – 9 October")];
        let out = enhance_with("Find a present for Gianni", &[], &notes, &[]);
        assert!(out.enhanced.contains("ravioli maker"), "{}", out.enhanced);
        assert!(!out.enhanced.contains("Oddny"), "{}", out.enhanced);
        let notes = vec![passage("dagar", "Födelsedagar", "- Wiktor: 2 juli, önskar sig en ny paddel\n- Sigrun: 14 mars")];
        let out = enhance_with("Hitta en present till Wiktor", &[], &notes, &[]);
        assert!(out.enhanced.contains("paddel"), "{}", out.enhanced);
    }

    #[test]
    fn the_words_of_a_request_are_not_its_topic() {
        for (prompt, topic) in [("Propose-moi des idées de dîners", "dîner"), ("Föreslå en resa till Kiruna åt mig", "kiruna"), ("Schlag mir bitte Ideen für einen Grillabend vor", "grillabend")] {
            let terms: Vec<String> = query_terms(prompt, &[]).into_iter().map(|t| t.stem).collect();
            assert!(terms.iter().all(|t| ["propos", "moi", "idé", "föreslå", "mig", "schlag", "bitte", "ideen"].iter().all(|r| !t.starts_with(r))), "{prompt}: {terms:?}");
            assert!(terms.iter().any(|t| topic.starts_with(t.as_str()) || t.starts_with(&topic[..4])), "{prompt}: {terms:?}");
        }
    }
}
