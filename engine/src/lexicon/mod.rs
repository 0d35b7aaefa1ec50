//! Word lists as data. Each `*.txt` file beside this one holds one list, one line a language:
//! `xx: item | item | …`, where an item may have several spellings `a/b/c` (the first is the
//! main one). Lines starting with `#` are comments. The lists hold general words of a language
//! (month names, function words, phrases people use for a kind of fact), never words taken from
//! one person's notes; each list has its own test below.
//!
//! Used by [`crate::text`] (dates, language) and the L1 rules in [`crate::memory::distil`].

use std::collections::HashMap;
use std::sync::OnceLock;

/// One language's line: its items, each a list of spellings (lower case).
#[derive(Debug, Clone)]
pub struct Line {
    pub lang: &'static str,
    pub items: Vec<Vec<String>>,
}

/// A parsed list.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub lines: Vec<Line>,
}

impl Lexicon {
    /// Parses the `xx: a/b | c` format. Panics on a malformed line: the lists are compiled in
    /// and checked by the tests.
    pub fn parse(src: &'static str) -> Lexicon {
        Lexicon::parse_with(src, true)
    }

    /// [`Lexicon::parse`] keeping the case of the items (templates for text the user reads).
    pub fn parse_cased(src: &'static str) -> Lexicon {
        Lexicon::parse_with(src, false)
    }

    fn parse_with(src: &'static str, lower: bool) -> Lexicon {
        let mut lines = Vec::new();
        for raw in src.lines() {
            let raw = raw.trim();
            if raw.is_empty() || raw.starts_with('#') {
                continue;
            }
            let (lang, rest) = raw.split_once(':').unwrap_or_else(|| panic!("lexicon line without `lang:`: {raw}"));
            let items = rest
                .split('|')
                .map(|item| item.split('/').map(|s| if lower { s.trim().to_lowercase() } else { s.trim().to_string() }).filter(|s| !s.is_empty()).collect::<Vec<_>>())
                .filter(|i: &Vec<String>| !i.is_empty())
                .collect();
            lines.push(Line { lang: lang.trim(), items });
        }
        Lexicon { lines }
    }

    /// Every spelling of every item, with its language and item index.
    pub fn spellings(&self) -> impl Iterator<Item = (&'static str, usize, &str)> + '_ {
        self.lines.iter().flat_map(|l| l.items.iter().enumerate().flat_map(move |(i, s)| s.iter().map(move |w| (l.lang, i, w.as_str()))))
    }

    /// Map from spelling to (item index, whether it is the item's first, full spelling); when
    /// languages disagree on a spelling the first line wins.
    pub fn index(&self) -> HashMap<String, (usize, bool)> {
        let mut m = HashMap::new();
        for l in &self.lines {
            for (i, s) in l.items.iter().enumerate() {
                for (j, w) in s.iter().enumerate() {
                    let full = j == 0 || w.chars().count() > 4;
                    m.entry(w.clone()).or_insert((i, full));
                }
            }
        }
        m
    }

    /// The items of one language.
    pub fn lang(&self, lang: &str) -> Option<&Line> {
        self.lines.iter().find(|l| l.lang == lang)
    }

    /// All spellings of all items, flat (for phrase lists).
    pub fn phrases(&self) -> Vec<String> {
        self.spellings().map(|(_, _, w)| w.to_string()).collect()
    }
}

macro_rules! list {
    ($name:ident, $file:literal) => {
        pub fn $name() -> &'static Lexicon {
            static L: OnceLock<Lexicon> = OnceLock::new();
            L.get_or_init(|| Lexicon::parse(include_str!($file)))
        }
    };
}

list!(months, "months.txt");
list!(weekdays, "weekdays.txt");
list!(stopwords, "stopwords.txt");
list!(auxiliaries, "auxiliaries.txt");
list!(relations, "relations.txt");
list!(possessives, "possessives.txt");
list!(birth_cues, "birth_cues.txt");
list!(honorifics, "honorifics.txt");
list!(native_cues, "native_cues.txt");
list!(languages, "languages.txt");
list!(home_cues, "home_cues.txt");
list!(old_cues, "old_cues.txt");
list!(moved_cues, "moved_cues.txt");
list!(self_words, "self_words.txt");
list!(cv_sections, "cv_sections.txt");
list!(third_person_is, "third_person_is.txt");
list!(for_me, "for_me.txt");
list!(how_long, "how_long.txt");
list!(age_cues, "age_cues.txt");
list!(how_far, "how_far.txt");
list!(distance_units, "distance_units.txt");
list!(legal_forms, "legal_forms.txt");
list!(phone_cues, "phone_cues.txt");
list!(age_words, "age_words.txt");
list!(title_cues, "title_cues.txt");
list!(employer_cues, "employer_cues.txt");
list!(title_linkers, "title_linkers.txt");
list!(leave_cues, "leave_cues.txt");
list!(speak_cues, "speak_cues.txt");
list!(town_cues, "town_cues.txt");
list!(email_cues, "email_cues.txt");
list!(work_labels, "work_labels.txt");
list!(diets, "diets.txt");
list!(self_is, "self_is.txt");
list!(dislike_cues, "dislike_cues.txt");
list!(allergy_cues, "allergy_cues.txt");
list!(id_labels, "id_labels.txt");
list!(ref_labels, "ref_labels.txt");
list!(money_words, "money_words.txt");
list!(pay_verbs, "pay_verbs.txt");
list!(health_cues, "health_cues.txt");
list!(health_words, "health_words.txt");
list!(drug_allergens, "drug_allergens.txt");
list!(common_words, "common_words.txt");
list!(question_words, "question_words.txt");
list!(until_now, "until_now.txt");
list!(busy_words, "busy_words.txt");
list!(before_words, "before_words.txt");
list!(negations, "negations.txt");
list!(relative_time, "relative_time.txt");
list!(time_units, "time_units.txt");
list!(number_words, "number_words.txt");
list!(place_prepositions, "place_prepositions.txt");
list!(my_name, "my_name.txt");
list!(foods, "foods.txt");
list!(eat_words, "eat_words.txt");
list!(topic_signals, "topic_signals.txt");
list!(range_words, "range_words.txt");
list!(name_parts, "name_parts.txt");
list!(verb_forms, "verb_forms.txt");
list!(institutions, "institutions.txt");
list!(inflections, "inflections.txt");
list!(turning_cues, "turning_cues.txt");
list!(aside_cues, "aside_cues.txt");
list!(request_words, "request_words.txt");

/// The other forms of the irregular verbs `word` (lower case) is a form of (`see` → `saw`,
/// `seen`; `ging` → `gehen`, `gegangen`), in the question's language, or every language when it
/// is not known: a question asks in one tense, the notes tell in another.
pub fn other_verb_forms(word: &str, lang: Option<&str>) -> Vec<String> {
    // Every form → the (line, item) pairs it is in: built once, a question looks each word up.
    static INDEX: OnceLock<HashMap<String, Vec<(usize, usize)>>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut m: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (l, line) in verb_forms().lines.iter().enumerate() {
            for (i, item) in line.items.iter().enumerate() {
                for f in item {
                    m.entry(f.clone()).or_default().push((l, i));
                }
            }
        }
        m
    });
    let mut out: Vec<String> = Vec::new();
    for (l, i) in index.get(word).into_iter().flatten() {
        let line = &verb_forms().lines[*l];
        if lang.is_some_and(|q| q != line.lang) {
            continue;
        }
        for f in line.items[*i].iter().filter(|f| *f != word) {
            if !out.contains(f) {
                out.push(f.clone());
            }
        }
    }
    out
}

/// How an enhanced prompt or a draft says the user's facts, per language (case kept).
pub fn enhance_phrases() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| Lexicon::parse_cased(include_str!("enhance_phrases.txt")))
}

/// How the critic words a problem, per language (case kept).
pub fn critic_phrases() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| Lexicon::parse_cased(include_str!("critic_phrases.txt")))
}
/// Whether a food suits the user: the words that ask it and the answers, per language (case kept).
pub fn suits() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| Lexicon::parse_cased(include_str!("suits.txt")))
}
list!(fact_words, "fact_words.txt");
list!(now_words, "now_words.txt");
list!(conditions, "conditions.txt");
list!(dislike_openers, "dislike_openers.txt");
list!(household_labels, "household_labels.txt");
list!(directions, "directions.txt");

/// Whether `word` (lower case) says where a journey goes (`Some(true)`: `to`, `nach`, `till`) or
/// where it comes from (`Some(false)`: `from`, `depuis`), in language `lang` (any when unknown).
pub fn direction_of(word: &str, lang: Option<&str>) -> Option<bool> {
    directions().lines.iter().filter(|l| lang.is_none_or(|q| l.lang == q)).find_map(|l| {
        l.items.iter().take(2).position(|i| i.iter().any(|w| w == word)).map(|p| p == 0)
    })
}
list!(name_questions, "name_questions.txt");

/// What Memory QA says without an answer, per language (case kept: see `replies.txt`).
pub fn replies() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| Lexicon::parse_cased(include_str!("replies.txt")))
}

/// The bio's sentences per language (case kept; see `bio_phrases.txt`).
pub fn bio_phrases() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| Lexicon::parse_cased(include_str!("bio_phrases.txt")))
}

/// An allergen's name in `lang` (`celery` → `Sellerie`), from the allergen items of
/// `foods.txt` (written in any of its languages), when the list has it.
pub fn allergen_in(value: &str, lang: &str) -> Option<String> {
    let v = value.trim().to_lowercase();
    // The first three items are diets' words (meat, fish, animal products), not allergens.
    let i = foods().lines.iter().find_map(|l| l.items.iter().enumerate().skip(3).find(|(_, s)| s.iter().any(|x| *x == v)).map(|(i, _)| i))?;
    foods().lang(lang)?.items.get(i).and_then(|s| s.first()).cloned()
}

/// A diet's name in `lang` (the stored value is its English name), when the list has it.
pub fn diet_in(value: &str, lang: &str) -> Option<String> {
    let en = diets().lang("en")?;
    let i = en.items.iter().position(|s| s[0] == value.to_lowercase())?;
    diets().lang(lang)?.items.get(i).map(|s| s[0].clone())
}

/// How a user asks their memory about a fact, per language (case kept; `{w}`/`{W}` the fact's word).
/// How a user asks who they are, per language (case kept): identity training questions.
pub fn identity_questions() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| Lexicon::parse_cased(include_str!("identity_questions.txt")))
}

pub fn question_templates() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| Lexicon::parse_cased(include_str!("question_templates.txt")))
}

/// The main word of fact kind `kind` (one of [`FACT_KINDS`]) in `lang`: its first spelling there.
pub fn fact_word(kind: &str, lang: &str) -> Option<String> {
    let i = FACT_KINDS.iter().position(|k| *k == kind)?;
    fact_words().lang(lang)?.items.get(i)?.first().cloned()
}

/// Questions in `lang` about the user's fact of kind `kind` (synthesised training data).
pub fn fact_questions(kind: &str, lang: &str) -> Vec<String> {
    let Some(word) = fact_word(kind, lang) else { return Vec::new() };
    let mut cap = word.chars();
    let capital: String = cap.next().map(|c| c.to_uppercase().chain(cap).collect()).unwrap_or_default();
    question_templates()
        .lang(lang)
        .map(|l| l.items.iter().filter_map(|t| t.first()).map(|t| t.replace("{w}", &word).replace("{W}", &capital)).collect())
        .unwrap_or_default()
}

/// How answers write resolved dates, per language (case kept: see `date_phrases.txt`).
pub fn date_phrases() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| Lexicon::parse_cased(include_str!("date_phrases.txt")))
}

/// What a question asks for, from its first words, in any language: `when`, `where`, `who`,
/// `how much`, `what time`, `which`, `what`, `how`.
pub fn question_kind(question: &str) -> Option<&'static str> {
    const KINDS: [&str; 8] = ["when", "where", "who", "how much", "what time", "which", "what", "how"];
    let q = question.trim_start_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    let mut best: Option<(usize, usize)> = None;
    for (_, i, w) in question_words().spellings() {
        let starts = q.starts_with(w) && q[w.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if starts && best.is_none_or(|(len, _)| w.len() > len) {
            best = Some((w.len(), i));
        }
    }
    best.map(|(_, i)| KINDS[i])
}

/// Whether a word is a function word of any language (articles, pronouns, prepositions).
pub fn is_function_word(word: &str) -> bool {
    static S: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    S.get_or_init(|| stopwords().phrases().into_iter().collect()).contains(word)
}

/// The words of the diets (`diets.txt`) that name one diet only, with that diet's item: the
/// one-word spellings (`glutenfri`, `végétarienne`) and, of the spellings of several words, a
/// word no other diet shares and that is not a food itself (`lactose` of `sans lactose`; not
/// `free` or `sans`, nor `dairy` of `dairy-free`: "I eat dairy" is no diet).
pub fn diet_words() -> &'static [(String, usize)] {
    static W: OnceLock<Vec<(String, usize)>> = OnceLock::new();
    W.get_or_init(|| {
        let food: std::collections::HashSet<String> = foods().spellings().map(|(_, _, w)| w.to_string()).collect();
        let mut items_of: HashMap<String, Vec<usize>> = HashMap::new();
        for (_, i, spelling) in diets().spellings() {
            let parts = crate::text::words(spelling);
            for w in parts.iter().filter(|w| parts.len() == 1 || !food.contains(*w)) {
                let items = items_of.entry(w.clone()).or_default();
                if !items.contains(&i) {
                    items.push(i);
                }
            }
        }
        let mut out: Vec<(String, usize)> = items_of.into_iter().filter(|(w, items)| items.len() == 1 && w.chars().count() >= 4).map(|(w, items)| (w, items[0])).collect();
        out.sort();
        out
    })
}

/// The diet a word (lower case) names, by its item in `diets.txt`: one of [`diet_words`] or an
/// inflection or compound that starts with one (`glutenfritt`, `végétariennes`).
pub fn diet_named(word: &str) -> Option<usize> {
    diet_words().iter().find(|(x, _)| inflects(word, x)).map(|(_, i)| *i)
}

/// Whether `word` is the lexicon word `x` or an inflection of it: `x` (five letters or more)
/// with at most three more letters (`glutenfritt` of `glutenfri`, `allergique` of `allergi`).
pub fn inflects(word: &str, x: &str) -> bool {
    let k = x.chars().count();
    word == x || (k >= 5 && word.starts_with(x) && word.chars().count() <= k + 3)
}

/// The diets a text names, by their items in `diets.txt`: its words ([`diet_named`]) and the
/// diets' spellings of several words (`gluten-free`, `sin gluten`) as written.
pub fn diets_named(text: &str) -> Vec<usize> {
    let lower = format!(" {} ", crate::text::words(text).join(" "));
    let mut out: Vec<usize> = crate::text::words(text).iter().filter_map(|w| diet_named(w)).collect();
    for (_, i, spelling) in diets().spellings() {
        let parts = crate::text::words(spelling);
        if parts.len() > 1 && lower.contains(&format!(" {} ", parts.join(" "))) {
            out.push(i);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether `word` (lower case) asks an assistant for something (`suggest`, `föreslå`,
/// `propose`, `ideas`) in any language: what a prompt asks for, not what it is about.
pub fn is_request_word(word: &str) -> bool {
    static S: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    S.get_or_init(|| request_words().phrases().into_iter().collect()).contains(word)
}

/// Whether `word` (lower case) is a preposition of place in language `lang` (`nach` in German):
/// it says where, never what a question is about.
pub fn is_preposition_in(word: &str, lang: &str) -> bool {
    place_prepositions().lang(lang).is_some_and(|l| l.items.iter().any(|i| i.iter().any(|w| w == word)))
}

/// Whether `word` (lower case) is a form of an auxiliary verb in language `lang` (`war` in German,
/// not in English).
pub fn is_auxiliary_in(word: &str, lang: &str) -> bool {
    auxiliaries().lang(lang).is_some_and(|l| l.items.iter().any(|i| i.iter().any(|w| w == word)))
}

/// Whether a word (lower case) is a function word or a frequent everyday word of any language
/// (not a month or weekday name: `Sam` is not `sam.`, Saturday).
pub fn is_everyday_word(word: &str) -> bool {
    static S: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    S.get_or_init(|| [stopwords(), common_words(), possessives()].iter().flat_map(|l| l.phrases()).collect()).contains(word)
}

/// Whether a word (lower case) says nothing about what a text is about, in any language: a
/// function word, a frequent everyday word, a month or weekday name.
pub fn is_common_word(word: &str) -> bool {
    static S: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    S.get_or_init(|| {
        [stopwords(), common_words(), months(), weekdays(), possessives(), honorifics()].iter().flat_map(|l| l.phrases()).collect()
    })
    .contains(word)
}

/// The diet a word names, as its English value (`pescetariana` → `pescatarian`).
pub fn diet(word: &str) -> Option<&'static str> {
    static I: OnceLock<HashMap<String, (usize, bool)>> = OnceLock::new();
    const NAMES: [&str; 7] = ["vegetarian", "vegan", "pescatarian", "halal", "kosher", "gluten-free", "lactose-free"];
    I.get_or_init(|| diets().index()).get(&word.to_lowercase()).and_then(|(i, _)| NAMES.get(*i).copied())
}

/// Whether a word marks a value as old (`alte`, `ancien`, `antiguo`) — `Some(true)` — or as new
/// (`neue`, `nouveau`, `nuevo`) — `Some(false)`.
pub fn says_old(word: &str) -> Option<bool> {
    static I: OnceLock<HashMap<String, (usize, bool)>> = OnceLock::new();
    I.get_or_init(|| age_words().index()).get(&word.to_lowercase()).map(|(i, _)| *i == 0)
}

/// Whether `text` names a company: a word of it is a legal form (`GmbH`, `Ltd`, `S.L.`, `AB`).
pub fn names_company(text: &str) -> bool {
    static S: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    let set = S.get_or_init(|| legal_forms().phrases().into_iter().filter(|p| !p.contains(' ')).collect());
    text.split(|c: char| c.is_whitespace() || c == ',' || c == '|' || c == '(' || c == ')').any(|w| {
        let raw = w.trim_end_matches([';', ':']);
        // Short all-lower forms (`ab`, `sa`, `ag`) count only as written by companies: in capitals.
        let lw = raw.to_lowercase();
        set.contains(&lw) && (lw.chars().count() > 3 || raw.chars().any(|c| c.is_uppercase()))
    })
}

/// Whether `name` names an institution that employs people (`Lycée Victor-Hugo`, `Hospital
/// del Mar`, `Universitätsklinikum Nord`, `Malmö stad`): it starts with a word of
/// [`institutions`], or its last word is (or, in a compound, ends with) one, and it is written
/// as a name (a capital letter).
/// The units a question asks its answer in: units of time for "how long" ([`how_long`]), of
/// distance for "how far" ([`how_far`]); `None` for other questions.
pub fn measure_units(question: &str) -> Option<Vec<String>> {
    let q = format!(" {} ", crate::text::words(question).join(" "));
    let asks = |lex: &Lexicon| lex.phrases().iter().any(|p| q.contains(&format!(" {p} ")));
    if asks(how_long()) {
        Some(time_units().phrases())
    } else if asks(how_far()) {
        Some(distance_units().phrases())
    } else {
        None
    }
}

pub fn names_institution(name: &str) -> bool {
    let words: Vec<String> = name.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()).filter(|w| !w.is_empty()).collect();
    let (Some(first), Some(last)) = (words.first(), words.last()) else { return false };
    (institution_noun(first) || institution_noun(last)) && words.len() <= 6 && name.chars().any(char::is_uppercase)
}

/// Whether one word is a noun of [`institutions`] or a compound ending in one (`yrkeshögskola`,
/// `Universitätsklinikum`), any case.
pub fn institution_noun(word: &str) -> bool {
    static S: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    let set = S.get_or_init(|| institutions().phrases().into_iter().filter(|p| !p.contains(' ')).collect());
    let w = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    let part = w.rsplit('-').next().unwrap_or(&w);
    !part.is_empty() && set.iter().any(|i| part == i || (i.chars().count() >= 5 && part.ends_with(i.as_str()) && part.len() > i.len() + 2))
}

/// Whether `long` is `short` with a plural or definite ending of some language
/// ([`inflections`]: `middagar` of `middag`, `cene` of `cena`); `short` has at least four letters.
pub fn inflected_form(long: &str, short: &str) -> bool {
    static S: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    let set = S.get_or_init(|| inflections().phrases().into_iter().collect());
    short.chars().count() >= 4 && long.len() > short.len() && long.starts_with(short) && set.contains(&long[short.len()..])
        || {
            // Endings that replace the last vowel (`cena` → `cene`, `torta` → `torte`; Swedish
            // `flicka` → `flickor`, `pojke` → `pojkar`: a longer one starts with `o` or `a`, so
            // that `Miete` and `Mieter` stay two words).
            let last = short.char_indices().last();
            last.is_some_and(|(at, c)| "aeo".contains(c) && short.chars().count() >= 5 && {
                let stem = &short[..at];
                let ending = if long.starts_with(stem) { &long[stem.len()..] } else { "" };
                long != short && set.contains(ending) && (ending.chars().count() == 1 || ending.starts_with(['o', 'a']))
            })
        }
}

/// Whether `text` names an employer: a company ([`names_company`]) or an institution ([`names_institution`]).
pub fn names_employer(text: &str) -> bool {
    names_company(text) || names_institution(text)
}

/// ISO 639-1 code of a language name written in any of the languages (`Deutsch`, `anglais`,
/// `inglés`, `svenska`).
pub fn language_code(name: &str) -> Option<&'static str> {
    let n = name.trim().to_lowercase();
    languages().lines.iter().find(|l| l.items.iter().any(|i| i.iter().any(|w| *w == n))).map(|l| l.lang)
}

/// The kinds of profile fact a question may ask for by name, in the order of `fact_words.txt`.
pub const FACT_KINDS: [&str; 17] = [
    "phone", "email", "work email", "home address", "postcode", "city", "birthday", "employer", "job title", "partner", "diet",
    "allergies", "dislikes", "projects", "clothing size", "country", "languages spoken",
];

/// The words, in every language, a question uses for one of [`FACT_KINDS`] (each word of a
/// phrase on its own).
pub fn words_for_fact(kind: &str) -> Vec<String> {
    let Some(i) = FACT_KINDS.iter().position(|k| *k == kind) else { return Vec::new() };
    let mut out: Vec<String> = Vec::new();
    for l in &fact_words().lines {
        for spelling in l.items.get(i).into_iter().flatten() {
            for w in spelling.split_whitespace() {
                if !is_function_word(w) && !out.iter().any(|o| o == w) {
                    out.push(w.to_string());
                }
            }
        }
    }
    out
}

/// `text` in lower case, its words (apostrophes and hyphens kept) between single spaces and
/// with a space at each end, for finding phrases as whole words (`format!(" {p} ")`).
fn padded_words(text: &str) -> String {
    format!(" {} ", text.to_lowercase().replace(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-', " ").split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The kinds of fact that `text` names by one of their phrases of several words (`postal
/// address`, `job title`, `adresse e-mail`, `working on`): a phrase names its kind more surely
/// than its words alone do.
pub fn fact_kinds_named(text: &str) -> Vec<&'static str> {
    let t = padded_words(text);
    let mut out: Vec<&'static str> = Vec::new();
    for l in &fact_words().lines {
        for (i, item) in l.items.iter().enumerate() {
            if item.iter().any(|p| p.contains(' ') && t.contains(&format!(" {p} "))) && !out.contains(&FACT_KINDS[i]) {
                out.push(FACT_KINDS[i]);
            }
        }
    }
    out
}

/// The kind of profile fact a question asks for (one of [`FACT_KINDS`]) when its words name
/// one kind more than any other, and whether the question says nothing else (each of its
/// content words is a word of that kind, a function word, a question word or a frequent word).
///
/// A phrase of the kind (`postal address`, `do for a living`) counts most and takes its words
/// from the other kinds; then a word spelled as the kind's word (its main spelling a little
/// more: `address` is first a home address), then a compound or another form of it
/// (`mobilnumret`, `Festnetznummer`). A diet's name (`vegan`, `pescetariana`) names the diet kind.
pub fn fact_kind_asked(question: &str) -> Option<(&'static str, bool)> {
    let padded = padded_words(question);
    let tokens: Vec<&str> = padded.split_whitespace().collect();
    // Words as the question writes them, elisions split off (`j'habite`, `what's`).
    let words: Vec<String> = padded.split_whitespace().flat_map(|w| w.split(['\'', '’'])).filter(|w| !w.is_empty()).map(str::to_string).collect();
    let mut score = [0f32; FACT_KINDS.len()];
    // The kinds each word counts for, best match first.
    let mut used: Vec<Vec<usize>> = vec![Vec::new(); words.len()];
    let mut taken = vec![false; words.len()];
    for l in &fact_words().lines {
        for (i, item) in l.items.iter().enumerate() {
            for p in item.iter().filter(|p| p.contains(' ')) {
                if says_phrase(&padded, &tokens, p) {
                    score[i] += 3.0;
                    for pw in p.split_whitespace().flat_map(|w| w.split(['\'', '’'])) {
                        for (j, w) in words.iter().enumerate() {
                            if w == pw {
                                taken[j] = true;
                                used[j].push(i);
                            }
                        }
                    }
                }
            }
        }
    }
    let diet_kind = FACT_KINDS.iter().position(|k| *k == "diet").unwrap_or(0);
    for (j, w) in words.iter().enumerate() {
        if taken[j] || is_function_word(w) {
            continue;
        }
        let mut best = [0f32; FACT_KINDS.len()];
        for l in &fact_words().lines {
            for (i, item) in l.items.iter().enumerate() {
                for (k, p) in item.iter().enumerate().filter(|(_, p)| !p.contains(' ')) {
                    let m = if w == p {
                        if k == 0 { 2.5 } else { 2.0 }
                    } else if is_form_of(w, p) {
                        1.0
                    } else {
                        0.0
                    };
                    best[i] = best[i].max(m);
                }
            }
        }
        if diet(w).is_some() {
            best[diet_kind] = best[diet_kind].max(2.0);
        }
        for (i, b) in best.iter().enumerate().filter(|(_, b)| **b > 0.0) {
            score[i] += b;
            used[j].push(i);
        }
    }
    let mut order: Vec<usize> = (0..FACT_KINDS.len()).filter(|i| score[*i] > 0.0).collect();
    order.sort_by(|a, b| score[*b].total_cmp(&score[*a]));
    let top = *order.first()?;
    if order.get(1).is_some_and(|s| score[*s] >= score[top]) {
        return None;
    }
    // Question words, and the words that ask for a name (`heter`, `s'appelle`, `name`).
    let asks_words: std::collections::HashSet<&str> =
        question_words().spellings().chain(name_questions().spellings()).flat_map(|(_, _, w)| w.split([' ', '\'', '’'])).collect();
    let says_nothing = |w: &str| is_everyday_word(w) || asks_words.contains(w) || w.chars().count() < 2 || w.chars().all(|c| c.is_numeric());
    // `est-ce`, `suis-je`: a joined word says nothing when none of its parts does.
    let only = words.iter().enumerate().all(|(j, w)| used[j].contains(&top) || says_nothing(w) || w.split('-').all(says_nothing));
    Some((FACT_KINDS[top], only))
}

/// Which part of a name the question asks for: `Some(0)` the first name (`Vornamen`, `first
/// name`, `prénom`), `Some(1)` the last (`surname`, `efternamn`); `None` for the whole name.
pub fn name_part_asked(question: &str) -> Option<usize> {
    let padded = padded_words(question);
    name_parts().lines.iter().find_map(|l| l.items.iter().position(|item| item.iter().any(|p| padded.contains(&format!(" {p} ")))))
}

/// The words with which `question` asks for a name (`wie heißt`, `vad heter`, `s'appelle`):
/// they say what is asked, not what about. English `called`/`named` count only inside a phrase
/// (`Who called me?` is about a call).
pub fn name_question_words(question: &str) -> Vec<String> {
    let padded = padded_words(question);
    let mut out = Vec::new();
    for l in &name_questions().lines {
        for item in &l.items {
            for p in item.iter().filter(|p| padded.contains(&format!(" {p} "))) {
                if p.contains(' ') || l.lang != "en" {
                    out.extend(p.split_whitespace().map(str::to_string));
                }
            }
        }
    }
    out
}

/// Whether `word` is one of the words that ask for a part of a name (`Vornamen`, `surname`).
pub fn is_name_part_word(word: &str) -> bool {
    static S: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    S.get_or_init(|| name_parts().phrases().into_iter().filter(|p| !p.contains(' ')).collect()).contains(&word.to_lowercase())
}

/// Whether the padded words say the phrase `p`, its words in order, with at most one function
/// word between them (a question puts the subject inside: `don't I like`, `mag ich nicht`,
/// `gillar jag inte`).
fn says_phrase(padded: &str, tokens: &[&str], p: &str) -> bool {
    let mut parts = p.split_whitespace();
    // Most phrases are not in the question at all: its first word decides that cheaply.
    if !parts.next().is_some_and(|first| tokens.contains(&first)) {
        return false;
    }
    if padded.contains(&format!(" {p} ")) {
        return true;
    }
    let parts: Vec<&str> = p.split_whitespace().collect();
    (0..tokens.len()).any(|start| {
        let (mut at, mut skipped) = (start, false);
        for (k, part) in parts.iter().enumerate() {
            if tokens.get(at) == Some(part) {
                at += 1;
            } else if k > 0 && !skipped && tokens.get(at).is_some_and(|t| is_function_word(t)) && tokens.get(at + 1) == Some(part) {
                skipped = true;
                at += 2;
            } else {
                return false;
            }
        }
        true
    })
}

/// Whether `word` is a compound or another form of the fact word `spelling` (`mobilnumret` of
/// `mobilnummer`, `festnetznummer` of `nummer`, `telefonnumret` of `telefon`).
fn is_form_of(word: &str, spelling: &str) -> bool {
    let (w, p): (Vec<char>, Vec<char>) = (word.chars().collect(), spelling.chars().collect());
    if p.len() < 4 || is_function_word(spelling) {
        return false;
    }
    let common = w.iter().zip(&p).take_while(|(a, b)| a == b).count();
    (common >= 6 && w.len() - common <= 3 && p.len() - common <= 3)
        || (word.ends_with(spelling) && w.len() >= p.len() + 3 && !word[..word.len() - spelling.len()].ends_with('-'))
        || (p.len() >= 5 && word.starts_with(spelling) && w.len() >= p.len() + 3)
}

fn now_phrases() -> &'static Vec<String> {
    static P: OnceLock<Vec<String>> = OnceLock::new();
    P.get_or_init(|| {
        let mut p = now_words().phrases();
        // Longest first, so `right now` goes before `now`.
        p.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        p
    })
}

/// Whether a question asks for a name (`what is my tutor called?`, `wie heißt …`, `vad heter …`).
pub fn asks_name(question: &str) -> bool {
    let t = padded_words(question);
    name_part_asked(question).is_some() || name_questions().phrases().iter().any(|p| t.contains(&format!(" {p} ")) || (p.starts_with('\'') && t.contains(&format!("{p} "))))
}

/// Whether `text` asks how things are now (`now`, `at present`, `derzeit`, `för närvarande`), in any language.
pub fn asks_now(text: &str) -> bool {
    let t = padded_words(text);
    now_phrases().iter().any(|p| t.contains(&format!(" {p} ")))
}

/// `text` without its words that ask for now: they say when, not what about.
pub fn without_now_words(text: &str) -> String {
    let mut t = format!(" {} ", text.replace(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-', " "));
    for p in now_phrases() {
        let needle = format!(" {p} ");
        while let Some(i) = t.to_lowercase().find(&needle) {
            // Lower-casing can change byte lengths: only cut where the positions agree.
            if t.to_lowercase().len() != t.len() {
                break;
            }
            t.replace_range(i..i + needle.len(), " ");
        }
    }
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One everyday concept: its words in each language (`(lang, spellings)`).
#[derive(Debug, Clone)]
pub struct Concept {
    pub words: Vec<(&'static str, Vec<String>)>,
}

/// The members of the kinds (`kinds.txt`) that `word` names in any language (`subject` →
/// `history`, `Geschichte`, `histoire` …): what answers a question that asks for one of a kind.
pub fn kind_members(word: &str) -> Vec<String> {
    static K: OnceLock<Vec<(String, Vec<String>, Vec<String>)>> = OnceLock::new();
    let kinds = K.get_or_init(|| {
        include_str!("kinds.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                let (kind, rest) = l.split_once(':').unwrap_or_else(|| panic!("kinds line without a colon: {l}"));
                let (heads, members) = rest.split_once('=').unwrap_or_else(|| panic!("kinds line without members: {l}"));
                let list = |s: &str| s.split('/').map(|w| w.trim().to_lowercase()).filter(|w| !w.is_empty()).collect::<Vec<_>>();
                (kind.split_whitespace().next().unwrap_or("").to_string(), list(heads), list(members))
            })
            .collect()
    });
    let w = word.to_lowercase();
    let named: Vec<&str> = kinds.iter().filter(|(_, heads, _)| heads.contains(&w)).map(|(k, ..)| k.as_str()).collect();
    kinds.iter().filter(|(k, ..)| named.contains(&k.as_str())).flat_map(|(_, _, m)| m.iter().cloned()).collect()
}

/// The everyday concepts of `concepts.txt` (one a line: `en a/b | de c | …`).
pub fn concepts() -> &'static [Concept] {
    static C: OnceLock<Vec<Concept>> = OnceLock::new();
    C.get_or_init(|| {
        // Places are concepts too: their names differ between languages (`place_names.txt`).
        include_str!("concepts.txt")
            .lines()
            .chain(include_str!("place_names.txt").lines())
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| Concept {
                words: l
                    .split('|')
                    .map(|seg| {
                        let seg = seg.trim();
                        let (lang, rest) = seg.split_once(' ').unwrap_or_else(|| panic!("concept segment without a language: {seg}"));
                        (lang, rest.split('/').map(|w| w.trim().to_lowercase()).filter(|w| !w.is_empty()).collect())
                    })
                    .collect(),
            })
            .collect()
    })
}

/// The relation items of [`relations`], in their order.
pub const RELATIONS: [&str; 14] =
    ["partner", "mother", "father", "sister", "brother", "son", "daughter", "grandmother", "grandfather", "aunt", "uncle", "cousin", "friend", "best friend"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verb_forms_join_tenses_and_leave_auxiliaries_out() {
        assert!(other_verb_forms("see", Some("en")).contains(&"saw".to_string()));
        assert!(other_verb_forms("bought", Some("en")).contains(&"buy".to_string()));
        assert!(other_verb_forms("ging", Some("de")).contains(&"gegangen".to_string()));
        assert!(other_verb_forms("såg", None).contains(&"se".to_string()));
        assert!(other_verb_forms("walk", Some("en")).is_empty(), "regular verbs are one stem already");
        assert!(other_verb_forms("see", Some("de")).is_empty(), "only the question's language");
        for line in &verb_forms().lines {
            for item in &line.items {
                assert!(item.len() >= 2, "{}: a verb with one form: {item:?}", line.lang);
                for f in item {
                    assert!(!is_auxiliary_in(f, line.lang), "{}: {f} is an auxiliary", line.lang);
                }
            }
        }
    }

    #[test]
    fn fact_questions_exist_in_every_language_of_the_fact_words() {
        for l in &fact_words().lines {
            let qs = fact_questions("employer", l.lang);
            assert!(qs.len() >= 2, "{}: {qs:?}", l.lang);
            assert!(qs.iter().all(|q| !q.contains('{') && q.to_lowercase().contains(&fact_word("employer", l.lang).unwrap())), "{qs:?}");
        }
        assert_eq!(fact_questions("city", "en")[0], "What is my city?");
        assert!(fact_questions("city", "de")[0].starts_with("Stadt:"), "{:?}", fact_questions("city", "de"));
        assert!(fact_questions("city", "xx").is_empty());
    }

    #[test]
    fn months_have_twelve_items_in_every_language() {
        assert!(months().lines.len() >= 9);
        for l in &months().lines {
            assert_eq!(l.items.len(), 12, "{}", l.lang);
        }
        // Spellings that mean different months in different languages would make dates wrong.
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (lang, i, w) in months().spellings() {
            if let Some(prev) = seen.insert(w, i) {
                assert_eq!(prev, i, "`{w}` ({lang}) names two months");
            }
        }
    }

    #[test]
    fn relations_are_in_order_and_unambiguous() {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for l in &relations().lines {
            assert_eq!(l.items.len(), RELATIONS.len(), "{}", l.lang);
        }
        for (lang, i, w) in relations().spellings() {
            if let Some(prev) = seen.insert(w, i) {
                assert_eq!(prev, i, "`{w}` ({lang}) is two relations");
            }
        }
        assert!(possessives().lines.len() >= 9);
    }

    #[test]
    fn language_names_in_many_languages() {
        for (name, code) in [("Deutsch", "de"), ("anglais", "en"), ("inglés", "en"), ("svenska", "sv"), ("Polski", "pl"), ("日本語", "ja"), ("Klingon", "")] {
            assert_eq!(language_code(name).unwrap_or(""), code, "{name}");
        }
        // A name means one language only.
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (lang, _, w) in languages().spellings() {
            if let Some(prev) = seen.insert(w, lang) {
                assert_eq!(prev, lang, "`{w}` names two languages");
            }
        }
        for l in [&birth_cues().lines, &honorifics().lines, &native_cues().lines, &home_cues().lines, &old_cues().lines, &moved_cues().lines, &self_words().lines, &cv_sections().lines, &third_person_is().lines, &for_me().lines, &how_long().lines, &how_far().lines, &distance_units().lines, &age_cues().lines, &eat_words().lines, &phone_cues().lines, &age_words().lines, &title_cues().lines, &employer_cues().lines, &title_linkers().lines, &email_cues().lines, &leave_cues().lines, &work_labels().lines, &diets().lines, &self_is().lines, &dislike_cues().lines, &allergy_cues().lines, &id_labels().lines, &ref_labels().lines, &money_words().lines, &pay_verbs().lines, &health_cues().lines, &health_words().lines, &drug_allergens().lines, &common_words().lines, &question_words().lines, &request_words().lines, &until_now().lines, &busy_words().lines, &before_words().lines, &negations().lines] {
            assert!(l.len() >= 9);
        }
    }

    #[test]
    fn identity_questions_are_questions_in_nine_languages() {
        assert_eq!(identity_questions().lines.len(), 9);
        for l in &identity_questions().lines {
            assert_eq!(l.items.len(), 3, "{}", l.lang);
            assert!(l.items.iter().any(|i| i[0].ends_with('?')), "{}", l.lang);
        }
    }

    #[test]
    fn speak_cues_name_languages_by_their_names() {
        assert!(speak_cues().lines.len() >= 8);
        assert!(speak_cues().lang("pl").is_none(), "`mówię po polsku`: an adverb, not the language's name");
    }

    #[test]
    fn town_cues_leave_out_languages_that_inflect_the_place() {
        assert!(town_cues().lines.len() >= 8);
        assert!(town_cues().lang("pl").is_none(), "`mieszkam w Krakowie`: the word after the cue is not the town's name");
    }

    #[test]
    fn legal_forms_name_companies() {
        assert!(names_company("Nordlicht Solar GmbH | Hafenweg 3"));
        assert!(names_company("Pinewood Analytics Ltd"));
        assert!(names_company("Fabrica Textil S.L."));
        assert!(names_company("Ljusgården AB"));
        assert!(!names_company("ab und zu"));
        assert!(!names_company("Jo Bloggs, 12 Mill Lane"));
    }

    #[test]
    fn asides_after_a_question_in_every_language() {
        assert_eq!(aside_cues().lines.len(), 9);
    }

    #[test]
    fn turning_a_year_older_is_said_in_every_language() {
        assert_eq!(turning_cues().lines.len(), 9);
        assert!(turning_cues().lines.iter().all(|l| l.items.len() == 2));
    }

    #[test]
    fn plural_and_definite_forms_are_one_word() {
        assert!(inflections().lines.len() >= 9);
        for (long, short) in [("middagar", "middag"), ("frukosten", "frukost"), ("dinners", "dinner"), ("recettes", "recette"), ("maaltijden", "maaltijd"), ("kolacje", "kolacja")] {
            assert!(inflected_form(long, short), "{long} / {short}");
        }
        assert!(!inflected_form("carpets", "carp") && !inflected_form("carte", "car") && !inflected_form("menu", "menu"));
    }

    #[test]
    fn places_are_found_under_their_names_in_other_languages() {
        let same_place = |a: &str, b: &str| concepts().iter().any(|c| c.words.iter().any(|(_, w)| w.iter().any(|x| x == a)) && c.words.iter().any(|(_, w)| w.iter().any(|x| x == b)));
        assert!(same_place("lisbonne", "lisboa") && same_place("köpenhamn", "copenhagen") && same_place("mailand", "milano"));
        assert!(!same_place("mailand", "lisboa"));
    }

    #[test]
    fn institutions_name_employers() {
        assert!(institutions().lines.len() >= 9);
        for name in ["Lycée Jules-Ferry", "Universitätsklinikum Nordstadt", "Hospital del Pilar", "Borgby kommun", "Ekdalsskolan", "Max-Weber-Gymnasium", "Liceo Galilei"] {
            assert!(names_institution(name), "{name}");
        }
        for text in ["la mairie", "Head of Studies", "Jo Bloggs"] {
            assert!(!names_institution(text), "{text}");
        }
    }

    #[test]
    fn question_kinds_in_many_languages() {
        for (q, k) in [("Wann fährt der Zug?", "when"), ("Où est la clé ?", "where"), ("¿Quién es Ana?", "who"), ("Hur mycket kostar det?", "how much"), ("Um wie viel Uhr beginnt es?", "what time"), ("Quanto costa?", "how much"), ("When is it?", "when"), ("Was ist das?", "what"), ("Quels jours ouvre le marché ?", "when"), ("Vilka dagar har biblioteket öppet?", "when")] {
            assert_eq!(question_kind(q), Some(k), "{q}");
        }
        assert!(is_function_word("der") && is_function_word("och") && !is_function_word("zug"));
    }

    #[test]
    fn directions_are_read_in_the_questions_language() {
        assert_eq!(direction_of("till", Some("sv")), Some(true));
        assert_eq!(direction_of("från", Some("sv")), Some(false));
        assert_eq!(direction_of("naar", None), Some(true));
        // `till` is no direction in English.
        assert_eq!(direction_of("till", Some("en")), None);
        assert_eq!(directions().lines.len(), 9);
        assert!(directions().lines.iter().all(|l| l.items.len() == 2), "towards | from on every line");
    }

    #[test]
    fn fact_words_have_one_item_a_kind_in_every_language() {
        for l in &fact_words().lines {
            assert_eq!(l.items.len(), FACT_KINDS.len(), "{}", l.lang);
        }
        assert_eq!(fact_words().lines.len(), 9);
        // Invented questions: the kind's words are there in each language.
        assert!(words_for_fact("employer").contains(&"arbetsgivare".to_string()));
        assert!(words_for_fact("employer").contains(&"travaille".to_string()));
        assert!(words_for_fact("home address").contains(&"postal".to_string()));
        assert!(!words_for_fact("phone").iter().any(|w| is_function_word(w)));
        assert_eq!(my_name().lines.len(), 9);
        assert!(foods().lines.iter().all(|l| l.items.len() == 15), "15 food items in every language");
        assert!(topic_signals().lines.iter().all(|l| l.items.len() == 8), "8 topics in every language");
        assert!(enhance_phrases().lines.iter().all(|l| l.items.len() == 18 && l.items[2..].iter().all(|i| i.len() == 1 && i[0].contains("{v}"))), "18 phrases in every language");
        assert!(critic_phrases().lines.iter().all(|l| l.items.len() == 10 && l.items.iter().enumerate().all(|(n, i)| (n == 5) != i[0].contains("{v}")) && l.items[5][0].contains("{x}")));
        assert!(suits().lines.iter().all(|l| l.items.len() == 3 && l.items[1..].iter().all(|i| i[0].contains("{x}") && i[0].contains("{v}"))));
        assert_eq!(suits().lines.len(), critic_phrases().lines.len(), "the same languages as the critic");
        assert_eq!(fact_kinds_named("What is my work email?"), vec!["work email"]);
        // One kind a question asks for, and whether it says nothing else.
        assert_eq!(fact_kind_asked("Wat is mijn telefoonnummer?"), Some(("phone", true)));
        assert_eq!(fact_kind_asked("Vilken mejladress har jag?"), Some(("email", true)));
        assert_eq!(fact_kind_asked("Vilken e-postadress har jag?"), Some(("email", true)));
        assert_eq!(fact_kind_asked("Vad är min postadress?"), Some(("home address", true)));
        assert_eq!(fact_kind_asked("Was mache ich beruflich?").map(|k| k.0), Some("job title"));
        assert_eq!(fact_kind_asked("Vad jobbar jag som?"), Some(("job title", true)));
        assert_eq!(fact_kind_asked("Var jobbar jag?"), Some(("employer", true)));
        assert_eq!(fact_kind_asked("What do I do for a living?"), Some(("job title", true)));
        assert_eq!(fact_kind_asked("Où est-ce que j'habite ?"), Some(("home address", true)));
        // The subject inside a phrase, as questions put it.
        assert_eq!(fact_kind_asked("Which vegetables don't I like?").map(|k| k.0), Some("dislikes"));
        assert_eq!(fact_kind_asked("What food don't I like?"), Some(("dislikes", true)));
        assert_eq!(fact_kind_asked("What food am I allergic to?"), Some(("allergies", true)));
        assert_eq!(fact_kind_asked("Welches Gemüse mag ich nicht?").map(|k| k.0), Some("dislikes"));
        assert_eq!(fact_kind_asked("Vilka grönsaker gillar jag inte?").map(|k| k.0), Some("dislikes"));
        assert_eq!(fact_kind_asked("Est-ce que je suis végétarienne ?"), Some(("diet", true)));
        assert_eq!(fact_kind_asked("Was ist meine Festnetznummer?"), Some(("phone", true)));
        // Something else asked beside the kind: not the fact alone.
        assert_eq!(fact_kind_asked("When is my sister's birthday?"), Some(("birthday", false)));
        assert_eq!(fact_kind_asked("Which phone did I buy in Oslo?"), Some(("phone", false)));
        assert_eq!(fact_kind_asked("Where did we go on holiday?"), None);
        assert_eq!(fact_kind_asked("Where does work?"), Some(("employer", true)));
        assert_eq!(fact_kind_asked("Vad heter min sambo?"), Some(("partner", true)));
        assert_eq!(fact_kind_asked("Est-ce que j'ai des allergies ?"), Some(("allergies", true)));
        assert_eq!(fact_kind_asked("Tu bosses où ?"), Some(("employer", true)));
        assert_eq!(fact_kind_asked("Mon mail perso ?"), Some(("email", true)));
        assert_eq!(fact_kind_asked("A-t-elle des allergies ?"), Some(("allergies", true)));
        assert_eq!(fact_kind_asked("Mon mail pro ?"), Some(("work email", true)));
        assert_eq!(fact_kind_asked("Hans privata mejl?"), Some(("email", false)));
        assert_eq!(fact_kind_asked("Comment s'appelle mon compagnon ?"), Some(("partner", true)));
        assert_eq!(fact_kinds_named("Quelle est ton adresse e-mail ?"), vec!["email"]);
        assert_eq!(fact_kinds_named("What's she working on?"), vec!["projects"]);
        assert!(fact_kinds_named("Where do I work?").is_empty());
    }

    #[test]
    fn conditions_have_fifteen_items_in_every_language() {
        for l in &conditions().lines {
            assert_eq!(l.items.len(), 15, "{}", l.lang);
        }
    }

    #[test]
    fn kinds_have_members_in_every_language() {
        let langs: Vec<&str> = months().lines.iter().map(|l| l.lang).collect();
        let lines: Vec<&str> = include_str!("kinds.txt").lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).collect();
        for kind in ["subject", "sport", "instrument"] {
            let have: Vec<&str> = lines.iter().filter(|l| l.starts_with(&format!("{kind} "))).filter_map(|l| l.split([' ', ':']).nth(1)).collect();
            assert_eq!(have, langs, "{kind}");
        }
        assert!(kind_members("subject").contains(&"chemistry".to_string()) && kind_members("Fach").contains(&"chimie".to_string()));
        assert!(kind_members("instrument").contains(&"dragspel".to_string()));
        assert!(kind_members("history").is_empty());
    }

    #[test]
    fn every_concept_is_in_every_language() {
        let langs: Vec<&str> = months().lines.iter().map(|l| l.lang).collect();
        assert!(concepts().len() >= 100);
        assert!(is_auxiliary_in("war", "de") && !is_auxiliary_in("war", "en") && is_auxiliary_in("var", "sv"));
        for c in concepts() {
            let have: Vec<&str> = c.words.iter().map(|(l, _)| *l).collect();
            assert_eq!(have, langs, "{:?}", c.words.first());
            assert!(c.words.iter().all(|(_, w)| !w.is_empty()), "{:?}", c.words.first());
        }
    }

    #[test]
    fn now_is_asked_in_many_languages() {
        for q in ["Where do I live at present?", "Var bor jag för närvarande?", "Où est-ce que je travaille actuellement ?", "¿Dónde vivo ahora?", "Wo arbeite ich derzeit?"] {
            assert!(asks_now(q), "{q}");
        }
        for q in ["Where did I live in 2019?", "Quand est né Paul ?", "Was schenke ich Oma?"] {
            assert!(!asks_now(q), "{q}");
        }
        assert_eq!(without_now_words("Where am I employed at present?"), "Where am I employed");
        assert!(asks_name("What's my piano teacher called?") && asks_name("Vad heter min tandläkare?") && asks_name("Comment s'appelle le vétérinaire ?"));
        assert!(!asks_name("When is the recital?"));
        assert_eq!(without_now_words("Var jobbar jag just nu?"), "Var jobbar jag");
        assert_eq!(without_now_words("What birthday present did I buy?"), "What birthday present did I buy");
    }

    #[test]
    fn weekdays_have_seven_items_in_every_language() {
        for l in &weekdays().lines {
            assert_eq!(l.items.len(), 7, "{}", l.lang);
        }
    }

    #[test]
    fn stopwords_are_short_function_words() {
        for l in &stopwords().lines {
            assert!(l.items.len() >= 20, "{}", l.lang);
            assert!(l.items.iter().all(|i| i.len() == 1 && i[0].chars().count() <= 8), "{}", l.lang);
        }
    }

    #[test]
    fn bio_phrases_have_ten_sentences_with_their_slots_in_every_language() {
        let slots = ["{name}", "{name}", "{name}", "{name}", "{town}", "{value}", "{value}", "{value}", "{value}", "{value}"];
        assert!(bio_phrases().lang("en").is_some());
        for l in &bio_phrases().lines {
            assert_eq!(l.items.len(), 10, "{}", l.lang);
            for (item, slot) in l.items.iter().zip(slots) {
                assert_eq!(item.len(), 1, "{}: one spelling", l.lang);
                assert!(item[0].contains(slot), "{}: {:?} lacks {slot}", l.lang, item[0]);
            }
            assert!(l.items[0][0].contains("{title}") && l.items[0][0].contains("{org}"), "{}", l.lang);
        }
        assert_eq!(diet_in("vegetarian", "sv").as_deref(), Some("vegetarisk"));
        assert_eq!(allergen_in("celery", "de").as_deref(), Some("sellerie"));
        assert_eq!(allergen_in("Sellerie", "es").as_deref(), Some("apio"));
        assert_eq!(allergen_in("kiwi", "de"), None);
        assert_eq!(diet_in("pescatarian", "fr").as_deref(), Some("pescétarien"));
        assert_eq!(diet_in("vegan", "xx"), None);
    }
}
