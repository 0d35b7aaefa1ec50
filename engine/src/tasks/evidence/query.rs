//! A question or prompt read as query terms: its words stemmed, with their everyday synonyms,
//! their translations (the concepts lexicon) and the names memory links to relation words; and
//! how a term matches a sentence's words.

use super::*;

/// Question words that carry no topic (beyond the index's stopwords).
pub(super) const QUESTION_WORDS: &[&str] = &[
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
    // What a price question asks (`What does the rent cost?`).
    "cost", "costs",
];

/// Calendar words: capitalised, but not names a sentence must hold (`next Tuesday`, `in June`).
pub const CALENDAR_WORDS: &[&str] = &[
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed", "thu",
    "thur", "thurs", "fri", "sat", "sun", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec",
];

/// Everyday synonyms: a query word on the left also matches the words on the right.
pub(super) const SYNONYMS: &[(&str, &[&str])] = &[
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
pub(super) const RELATION_GROUPS: &[(&str, &[&str])] = &[("parents", &["mum", "dad", "mother", "father"]), ("grandparents", &["grandma", "grandad"])];

/// One query term, with the alternatives that also count as matching it.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub stem: String,
    pub alternatives: Vec<String>,
    /// Written with a capital inside the query (a name): must be matched for an answer.
    pub proper: bool,
    /// A word that says how the question asks (`heißt`, `s'appelle`): a sentence that uses it
    /// too matches better, but one that does not still covers the question.
    pub optional: bool,
    /// A word for the start or end of something (`end`, `endet`, `commence`): a sentence with a
    /// range of dates (`from 1 May 2025 to 30 April 2026`) says it.
    pub bound: Option<Bound>,
    /// For a relation word, the names memory gives it (stems; also among `alternatives`): a
    /// line about that person matches, but their name is not what a label asks for.
    pub people: Vec<String>,
}

/// Which end of a span of time a word asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Start,
    End,
}

/// The end of a span of time `word` names, in any language of the concepts lexicon (the lines
/// whose English words are `start…` and `end…`).
pub fn bound_of(word: &str) -> Option<Bound> {
    let w = word.to_lowercase();
    crate::lexicon::concepts().iter().find_map(|c| {
        let en = c.words.iter().find(|(l, _)| *l == "en").map(|(_, ws)| ws.first().map(String::as_str).unwrap_or(""))?;
        let bound = match en {
            "start" => Bound::Start,
            "end" => Bound::End,
            _ => return None,
        };
        c.words.iter().any(|(_, ws)| ws.iter().any(|x| *x == w)).then_some(bound)
    })
}

/// The end of a span of time the question asks for (`When does the lease end?`), if any.
pub fn bound_asked(question: &str) -> Option<Bound> {
    question.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).find_map(bound_of)
}

/// The query's terms: index terms minus question words, each with synonyms and, for relation
/// words, the names memory gives that relation.
pub fn query_terms(query: &str, facts: &[FactView]) -> Vec<Term> {
    let mut out: Vec<Term> = Vec::new();
    // A question phrase of several words (`wie hoch`, `a qué hora`) asks; it is not a topic.
    let lead = question_phrase_len(query);
    let lang = crate::text::lang::of_question(query);
    let raw: Vec<&str> = query.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-')).filter(|w| !w.is_empty()).skip(lead).collect();
    let naming = crate::lexicon::name_question_words(query);
    // `Combien je paie de loyer ?`: the verb of paying asks for the amount.
    let how_much = crate::lexicon::question_kind(query) == Some("how much");
    for (i, w) in raw.iter().enumerate() {
        let w = w.trim_matches(['\'', '-']);
        let bare = w.strip_suffix("'s").or_else(|| w.strip_suffix("’s")).unwrap_or(w);
        let lower = bare.to_lowercase();
        // Question and function words of any language say what is asked, not what about; so
        // do the words for new and old (`neuen`, `nueva`), as `new` does in English.
        // So do the auxiliaries and prepositions of place of the question's language (`Wann war
        // der Umzug nach …?`).
        if (how_much && crate::lexicon::pay_verbs().spellings().any(|(_, _, w)| w == lower)) || QUESTION_WORDS.contains(&lower.as_str()) || crate::lexicon::is_request_word(&lower) || crate::lexicon::is_function_word(&lower) || crate::lexicon::is_name_part_word(&lower) || crate::lexicon::says_old(&lower).is_some() || crate::lexicon::question_kind(&format!("{lower} x")).is_some() || lang.is_some_and(|l| crate::lexicon::is_auxiliary_in(&lower, l) || crate::lexicon::is_preposition_in(&lower, l)) {
            continue;
        }
        // `partons-nous`, `c'est`: the joined parts that are function words go before stemming.
        // So are the auxiliaries of the question's language (`ai-je`, `är-det`).
        let content: Vec<&str> = bare.split(['-', '\'', '’']).filter(|p| !crate::lexicon::is_function_word(&p.to_lowercase()) && !crate::lexicon::is_request_word(&p.to_lowercase()) && !lang.is_some_and(|l| crate::lexicon::is_auxiliary_in(&p.to_lowercase(), l))).collect();
        // An elided article or preposition (`d'anniversaire`, `l'adresse`) is not part of the
        // word that is looked up in the lexicons.
        let looked = if content.len() == 1 { content[0].to_lowercase() } else { lower.clone() };
        for t in terms(&content.join(" ")) {
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
            // A naming verb (`s'appelle`) says how the question asks: no concept of its own.
            for w in if naming.contains(&lower) { Vec::new() } else { translations(&looked, lang) } {
                let st = stem(&w);
                if st != t && !alternatives.contains(&st) {
                    alternatives.push(st);
                }
            }
            // `What subject …?`, `Welchen Sport …?`: a member of the kind answers (`chemistry`).
            for w in crate::lexicon::kind_members(&looked) {
                let st = stem(&w);
                if st != t && !alternatives.contains(&st) {
                    alternatives.push(st);
                }
            }
            // Another form of the same irregular verb (`see` → `saw`, `seen`): the question asks
            // in one tense, the notes tell in another.
            for w in crate::lexicon::other_verb_forms(&looked, lang) {
                let st = stem(&w);
                if st != t && !alternatives.contains(&st) {
                    alternatives.push(st);
                }
            }
            // A relation word in any language (`Bruder`, `syster`) is read as the English one the
            // profile's people facts are written with.
            // After "my", any word of the relations lexicon is one (Swedish `man` after a possessive
            // is a husband, alone it is "one"); the term is then the relation, not the word.
            let after_my = i > 0 && crate::lexicon::possessives().phrases().iter().any(|p| *p == raw[i - 1].to_lowercase());
            let by_kind = (after_my && !RELATION_WORDS.contains(&lower.as_str())).then(|| crate::memory::distil::people::relation_kind(&lower)).flatten().filter(|k| RELATION_WORDS.contains(k));
            let relation: Option<String> = if RELATION_WORDS.contains(&lower.as_str()) {
                Some(lower.clone())
            } else {
                translations(&lower, lang).into_iter().find(|w| RELATION_WORDS.contains(&w.as_str())).or_else(|| by_kind.map(str::to_string))
            };
            let t = match by_kind {
                Some(k) if !alternatives.contains(&stem(k)) => stem(k),
                _ => t,
            };
            let mut people: Vec<String> = Vec::new();
            if let Some(relation) = relation {
                let group: Vec<&str> = RELATION_GROUPS.iter().find(|(g, _)| *g == relation).map(|(_, m)| m.to_vec()).unwrap_or_else(|| vec![relation.as_str()]);
                alternatives.extend(group.iter().filter(|g| **g != relation && **g != lower).map(|g| stem(g)));
                for f in facts.iter().filter(|f| matches!(f.key.as_str(), "family" | "friends" | "people" | "partner")) {
                    let vw = words(&f.value);
                    // The fact names the relation in any word of any language (`Tomas (brorsan)`).
                    let kinds: Vec<&str> = group.iter().filter_map(|g| crate::memory::distil::people::relation_kind(g)).collect();
                    let same_kind = |x: &String| crate::memory::distil::people::relation_kind(x).is_some_and(|k| kinds.contains(&k));
                    if vw.iter().any(|x| group.contains(&x.as_str()) || same_kind(x)) || (f.key == "partner" && relation == "partner") {
                        if let Some(name) = f.value.split([' ', ',', '(']).next().filter(|n| !n.is_empty()) {
                            alternatives.push(stem(&name.to_lowercase()));
                            people.push(stem(&name.to_lowercase()));
                        }
                        for x in vw.iter().filter(|x| same_kind(x)).map(|x| stem(x)).collect::<Vec<_>>() {
                            if !alternatives.contains(&x) {
                                alternatives.push(x);
                            }
                        }
                    }
                }
            }
            // A weekday in any language is that day in every language (`lundis` finds
            // `måndagar`, `lundi`): full names only, no two-letter abbreviations.
            let weekday = crate::lexicon::weekdays().spellings().find(|(_, _, w)| *w == lower).map(|(_, i, _)| i);
            if let Some(day) = weekday {
                for (_, _, w) in crate::lexicon::weekdays().spellings().filter(|(_, i, w)| *i == day && w.chars().count() >= 4) {
                    let st = stem(w);
                    if st != t && !alternatives.contains(&st) {
                        alternatives.push(st);
                    }
                }
            }
            // A capitalised word that names an everyday concept (a German noun: `Umzug`) is not
            // a name.
            let concept = is_concept_word(&lower) || !crate::lexicon::kind_members(&lower).is_empty();
            let proper = i > 0
                && !concept
                && bare.chars().next().is_some_and(char::is_uppercase)
                && !RELATION_WORDS.contains(&lower.as_str())
                && !CALENDAR_WORDS.contains(&lower.as_str())
                && weekday.is_none()
                && bare.len() > 1
                // `T-shirt`, `X-ray`, `E-Mail`: a letter joined to a word is no name.
                && bare.chars().nth(1) != Some('-')
                && lower != "i";
            out.push(Term { stem: t, alternatives, proper, optional: naming.contains(&lower), bound: bound_of(&lower), people });
        }
    }
    // `job title`: `title` is a term of its own, so it is no longer also an alternative of `job`
    // (a sentence with `title` alone would count twice).
    let own: Vec<String> = out.iter().map(|t| t.stem.clone()).collect();
    for t in out.iter_mut() {
        t.alternatives.retain(|a| !own.contains(a));
    }
    // The words that say how the question asks come last: the first term is the head.
    out.sort_by_key(|t| t.optional);
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
        // Another inflection of the word counts (`middagar`, plural of `middag`), in the
        // question's own language when the English stemmer does not know it.
        let names = c.words.iter().filter(|(l, _)| lang.is_none_or(|q| q == *l)).any(|(_, ws)| ws.iter().any(|x| *x == w || (!x.contains(' ') && (stem(x) == st || (lang.is_some_and(|q| q != "en") && same_inflection(x, &w))))));
        if !names {
            continue;
        }
        // For the start and end of things, the concept's other words in the question's own
        // language count too (`commencé` is `début`); other concepts group words that differ
        // within a language (`Warmmiete`, `Kaltmiete`).
        let bound = c.words.iter().find(|(l, _)| *l == "en").and_then(|(_, ws)| ws.first()).is_some_and(|en| bound_of(en).is_some());
        for (_, ws) in c.words.iter().filter(|(l, _)| bound || lang.is_none_or(|q| q != *l)) {
            for x in ws.iter().filter(|x| !x.contains(' ') && **x != w) {
                // A false friend: a word of another language that, stemmed, is a word of the
                // question's own language meaning something else (English `boss`, French `bosse`
                // = "I work") would find the wrong things in notes written in that language.
                let false_friend = lang.is_some_and(|q| !c.words.iter().any(|(l, ws)| *l == q && ws.iter().any(|y| stem(y) == stem(x))) && own_words(q).contains(&stem(x)));
                if !out.contains(x) && !false_friend {
                    out.push(x.clone());
                }
            }
        }
    }
    out
}

/// The stems of the one-word entries of `lang` in the concepts and fact-word lexicons (built
/// once a language).
fn own_words(lang: &str) -> &'static std::collections::HashSet<String> {
    use std::collections::{HashMap, HashSet};
    static S: std::sync::OnceLock<HashMap<&'static str, HashSet<String>>> = std::sync::OnceLock::new();
    static EMPTY: std::sync::OnceLock<HashSet<String>> = std::sync::OnceLock::new();
    let all = S.get_or_init(|| {
        let mut m: HashMap<&'static str, HashSet<String>> = HashMap::new();
        for c in crate::lexicon::concepts() {
            for (l, ws) in &c.words {
                m.entry(*l).or_default().extend(ws.iter().filter(|x| !x.contains(' ')).map(|x| stem(x)));
            }
        }
        for l in &crate::lexicon::fact_words().lines {
            m.entry(l.lang).or_default().extend(l.items.iter().flatten().filter(|x| !x.contains(' ')).map(|x| stem(x)));
        }
        m
    });
    all.get(lang).unwrap_or_else(|| EMPTY.get_or_init(HashSet::new))
}

/// Whether `word` (lower case) names an everyday concept of [`crate::lexicon::concepts`] in any
/// language (a word or its stem; one set built once, not a scan of the list per word).
pub fn is_concept_word(word: &str) -> bool {
    static S: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    let set = S.get_or_init(|| {
        crate::lexicon::concepts().iter().flat_map(|c| c.words.iter().flat_map(|(_, ws)| ws.iter())).filter(|x| !x.contains(' ')).flat_map(|x| [x.clone(), stem(x)]).collect()
    });
    set.contains(word) || set.contains(&stem(word))
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

/// `groups` with the memory's own words that are forms of a group's word by [`same_word`]
/// (`avgift` finds `parkeringsavgift`, `match` finds `fotbollsmatch`): the index holds whole words, the
/// scorer reads their parts, and a passage it would accept must first be found. Only a group
/// none of whose words the memory holds is widened, by at most a few words, from `vocabulary`
/// (the index's terms; `holds` tells whether it has a word).
pub fn widen_by_vocabulary<'a>(groups: &[Vec<String>], vocabulary: impl Iterator<Item = &'a String> + Clone, holds: impl Fn(&str) -> bool) -> Vec<Vec<String>> {
    const MOST: usize = 6;
    groups
        .iter()
        .map(|g| {
            let mut out = g.clone();
            if g.iter().any(|w| holds(w)) {
                return out;
            }
            let mut added = 0;
            for w in g.iter().filter(|w| w.chars().count() >= 4) {
                let head: String = w.chars().take(4).collect();
                for v in vocabulary.clone() {
                    if added == MOST {
                        break;
                    }
                    // The memory's word is the longer form (a compound, an ending): a shorter
                    // one is more often another word (`carrer` is no `carrera`).
                    // Nor a compound the word only starts (`tortoiseshell` is no tortoise): a
                    // compound is a kind of its last part, not of its first.
                    let first_part = v.starts_with(w.as_str()) && v.chars().count() >= w.chars().count() + 4;
                    if v.contains(head.as_str()) && v.len() >= w.len() && !first_part && !out.contains(v) && same_word(w, v) {
                        out.push(v.clone());
                        added += 1;
                    }
                }
            }
            out
        })
        .collect()
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

/// Two inflections of one word: the same first six letters or more and endings of at most two
/// (`heiratet` / `heiraten`, `middag` / `middagar`).
fn same_inflection(a: &str, b: &str) -> bool {
    let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let common = ac.iter().zip(&bc).take_while(|(x, y)| x == y).count();
    let ending = if common >= 8 { 3 } else { 2 };
    common >= 6 && ac.len() - common <= ending && bc.len() - common <= ending
}

/// Two forms of one word in languages the English stemmer does not know: the same first six
/// letters or more and endings of at most two (`heiratet` / `heiraten`, `geburtstag` /
/// `geburtstage`; not `tenancy` / `tenant`), or a compound and its head (`handynummer` /
/// `nummer`, `zahnarztpraxis` / `praxis`, `löparskor` / `skor`).
pub fn same_word(a: &str, b: &str) -> bool {
    if same_inflection(a, b) || crate::lexicon::inflected_form(a, b) || crate::lexicon::inflected_form(b, a) {
        return true;
    }
    // A verb with the prefix of doing again (`revendu` / `vendu`, `resold` / `sold`).
    let (long_re, short_re) = if a.len() > b.len() { (a, b) } else { (b, a) };
    if short_re.chars().count() >= 4 && long_re.strip_prefix("re").is_some_and(|r| r == short_re || same_inflection(r, short_re)) {
        return true;
    }
    // A compound whose head is the other word inflected (`vinterjackor` / `jacka`): the head
    // holds the word's first four letters (a cheap test first: this runs for every word read).
    let (long, short) = if a.len() > b.len() { (a, b) } else { (b, a) };
    let stem4: String = short.chars().take(4).collect();
    let after_first = long.char_indices().nth(1).map_or(long.len(), |(i, _)| i);
    if short.chars().count() < 5 || long.len() < short.len() + 2 || !long[after_first..].contains(stem4.as_str()) {
        return same_prefix_rules(a, b);
    }
    for (i, _) in long.char_indices().skip(3) {
        let head = &long[i..];
        if head.chars().count() >= 5 && (crate::lexicon::inflected_form(head, short) || crate::lexicon::inflected_form(short, head)) {
            return true;
        }
    }
    same_prefix_rules(a, b)
}

/// The rules of [`same_word`] on shared heads and prefixes (compound heads, first parts,
/// participles).
fn same_prefix_rules(a: &str, b: &str) -> bool {
    let (long, short) = if a.chars().count() > b.chars().count() { (a, b) } else { (b, a) };
    let (l, n) = (long.chars().count(), short.chars().count());
    // A short head needs a longer compound (`löparskor` / `skor`; not `network` / `work`).
    if long.ends_with(short) && ((n >= 6 && l >= n + 3) || (n == 5 && l >= n + 4) || (n == 4 && l >= n + 5)) {
        return true;
    }
    // A compound's first part, when it is a long word (`wohnungssuche` / `wohnung`,
    // `bostadsrätt` / `bostad`).
    if n >= 6 && l >= n + 4 && long.starts_with(short) {
        return true;
    }
    // Or a shorter first part right before an everyday word (`shirtstorlek` = `shirt` +
    // `storlek`). (Not across a linking letter: `woche` + `n` + `ende` is no week.)
    if n >= 4 && long.starts_with(short) {
        let rest = &long[short.len()..];
        if rest.chars().count() >= 4 && is_concept_word(rest) {
            return true;
        }
    }
    // A German or Dutch participle and its verb (`gekauft` / `kaufen`, `gekocht` / `kochen`).
    let participle = |w: &str| w.strip_prefix("ge").filter(|r| r.chars().count() >= 5).map(str::to_string);
    match (participle(a), participle(b)) {
        (Some(x), None) => x != b && same_stem(&x, b),
        (None, Some(y)) => y != a && same_stem(a, &y),
        _ => false,
    }
}

/// The same first four letters or more and endings of at most two (`kauft` / `kaufen`).
fn same_stem(a: &str, b: &str) -> bool {
    let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let common = ac.iter().zip(&bc).take_while(|(x, y)| x == y).count();
    common >= 4 && ac.len() - common <= 2 && bc.len() - common <= 2
}

/// How many words at the start of `query` are a question phrase of several words (`wie hoch`,
/// `a qué hora`, `hur mycket`), or 0.
pub(super) fn question_phrase_len(query: &str) -> usize {
    let q = query.trim_start_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    crate::lexicon::question_words()
        .spellings()
        .filter(|(_, _, w)| w.contains(' ') && q.starts_with(w) && q[w.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric()))
        .map(|(_, _, w)| w.split_whitespace().count())
        .max()
        .unwrap_or(0)
}
