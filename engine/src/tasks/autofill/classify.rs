//! The autofill classifier: one WHATWG token (or `"none"`) per field descriptor.
//!
//! Three passes, all explainable:
//! 1. **Evidence** per field: its own `autocomplete` attribute when valid; keyword rules
//!    ([`super::rules`]) over label, aria-label, placeholder, title, name, id and nearby text, each
//!    source with its own weight and the longest pattern winning within a source; input type;
//!    select option contents ([`super::options`]).
//! 2. **Refinement** by the field's own shape: month/year/day lists and short inputs turn
//!    `bday`/`cc-exp` into their parts.
//! 3. **Form context**: consecutive street fields become address-line1..3, a street beside a house
//!    number becomes the street name, split names/phones/dates get their parts.
//!
//! Called by `web/` (`autofill.classify`) and the `secondself eval autofill` CLI.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::descriptor::FieldDescriptor;
use super::options::{classify_options, OptionKind};
use super::rules;
use super::text::words;
use super::token::{self, Token, NONE};

/// The classifier's answer for one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// The descriptor's `index`.
    pub index: usize,
    /// A token from [`token::TOKENS`] or `"none"`.
    pub token: String,
    /// The winning evidence score (0 for `"none"` without evidence).
    pub score: f32,
}

/// Minimum evidence for a token other than `"none"`.
const THRESHOLD: f32 = 0.45;

/// Weight of each text source.
const W_LABEL: f32 = 1.0;
const W_ARIA: f32 = 1.0;
const W_PLACEHOLDER: f32 = 0.9;
const W_TITLE: f32 = 0.5;
const W_NAME: f32 = 0.6;
const W_ID: f32 = 0.45;
const W_NEARBY: f32 = 0.4;
const W_AUTOCOMPLETE: f32 = 1.6;
const PROSE_DAMPING: f32 = 1.0;
/// Length at which `content/autofill-fields.js` cuts a name or id.
const MAX_IDENTIFIER: usize = 80;

/// Per-field working state.
struct Field<'a> {
    d: &'a FieldDescriptor,
    token: Token,
    score: f32,
    opts: Option<OptionKind>,
    /// The field's own valid `autocomplete` token, which the form pass does not overrule.
    auto: Option<Token>,
    /// All text sources, normalised and joined, for cheap word tests.
    text: String,
}

/// Classifies every field of a page (any number of forms): the rules, then the learned layer
/// ([`super::learned`]) over their answers when a trained model is shipped.
pub fn classify(fields: &[FieldDescriptor]) -> Vec<Prediction> {
    let (rule, opts) = rules_and_options(fields);
    match super::learned::shipped() {
        Some(model) => super::learned::apply(model, fields, &rule, &opts),
        None => rule,
    }
}

/// The rule classifier alone (passes 1–3 above).
pub fn classify_rules(fields: &[FieldDescriptor]) -> Vec<Prediction> {
    rules_and_options(fields).0
}

/// The rule answers, and what each select's options are (for the learned layer).
pub(crate) fn rules_and_options(fields: &[FieldDescriptor]) -> (Vec<Prediction>, Vec<Option<OptionKind>>) {
    let mut work: Vec<Field> = fields.iter().map(evidence).collect();
    for f in &mut work {
        refine(f);
    }
    // Form context: group by form, keep document order.
    let mut groups: Vec<(i64, Vec<usize>)> = Vec::new();
    for (i, f) in work.iter().enumerate() {
        match groups.iter_mut().find(|(k, _)| *k == f.d.form_index) {
            Some((_, v)) => v.push(i),
            None => groups.push((f.d.form_index, vec![i])),
        }
    }
    for (_, idx) in &groups {
        context(&mut work, idx);
    }
    let preds = work.iter().map(|f| Prediction { index: f.d.index, token: f.token.to_string(), score: f.score }).collect();
    (preds, work.iter().map(|f| f.opts).collect())
}

fn add(scores: &mut HashMap<Token, f32>, t: Token, w: f32) {
    *scores.entry(t).or_insert(0.0) += w;
}

fn evidence(d: &FieldDescriptor) -> Field<'_> {
    let mut scores: HashMap<Token, f32> = HashMap::new();
    let nearby_w = if d.label.is_empty() && d.aria_label.is_empty() { W_NEARBY * 1.3 } else { W_NEARBY * 0.6 };
    let sources: [(&str, f32); 7] = [
        (&d.label, W_LABEL),
        (&d.aria_label, W_ARIA),
        (&d.placeholder, W_PLACEHOLDER),
        (&d.title, W_TITLE),
        (&d.name, W_NAME),
        (&d.id, W_ID),
        (&d.nearby, nearby_w),
    ];
    let mut text = String::new();
    let found: Vec<(String, Vec<rules::Match>)> = sources
        .iter()
        .map(|(src, _)| if src.is_empty() { (String::new(), Vec::new()) } else { let n = words(src); let m = rules::matches(&n); (n, m) })
        .collect();
    // Visible prose (label, aria-label, placeholder) names the field as the user sees it; when it
    // says something, identifiers and the autocomplete attribute count for less.
    let prose = found[..3].iter().any(|(_, m)| !m.is_empty());
    let damp = if prose { PROSE_DAMPING } else { 1.0 };
    for (k, ((src, w), (norm, m))) in sources.into_iter().zip(&found).enumerate() {
        if src.is_empty() {
            continue;
        }
        let w = if k == 4 || k == 5 { w * damp } else { w };
        // The collector cuts identifiers at 80 characters, and with them their last words, which
        // are the ones that name the field (`…[billing_address][address_company]`).
        let w = if (k == 4 || k == 5) && src.chars().count() >= MAX_IDENTIFIER { w * 0.4 } else { w };
        // Identifiers (name, id) are named by their last words; prose by its most specific phrase.
        let identifier = k == 4 || k == 5;
        let rank = |m: &rules::Match| if identifier { (m.end, m.len) } else { (m.len, m.end) };
        if let Some(top) = m.iter().map(rank).max() {
            for x in m {
                let factor = if rank(x) == top {
                    1.0
                } else if !identifier && x.len * 10 >= top.0 * 7 {
                    0.4
                } else {
                    0.1
                };
                add(&mut scores, x.token, w * x.strength * factor);
            }
        }
        text.push_str(norm);
    }
    // "Street and house number" is one street field, not a house number.
    let prose: String = found[..3].iter().map(|(n, _)| n.as_str()).collect();
    let number_phrase = has(&prose, &[" street number", " street no ", " street nr", " streetnumber", " numero de rue", " no de rue", " numero de calle", " numero de la calle", " number of the street"]);
    if has(&prose, COMBINED_STREET) || !number_phrase && found[..3].iter().any(|(_, m)| m.iter().any(|x| x.token == "address-housenumber") && m.iter().any(|x| matches!(x.token, "street-address" | "address-streetname"))) {
        if let Some(s) = scores.remove("address-housenumber") {
            add(&mut scores, "street-address", s);
        }
    }
    // "First name and last name" asks for the whole name; "Username or email" for the email.
    let in_prose = |t: Token| found[..3].iter().any(|(_, m)| m.iter().any(|x| x.token == t));
    let joined = has(&prose, &[" and ", " und ", " et ", " e ", " y ", " en ", " og ", " och ", " i ", " a ", " ve "])
        || [&d.label, &d.aria_label, &d.placeholder].iter().any(|p| p.contains('&') || p.contains('+'));
    if in_prose("family-name") && (in_prose("given-name") || joined && in_prose("name")) {
        let both = scores.remove("given-name").unwrap_or(0.0) + scores.remove("family-name").unwrap_or(0.0);
        add(&mut scores, "name", both);
    }
    // "Apartment number", "Flat/Building No.": the number of the flat, not of the house.
    if in_prose("apartment") && in_prose("address-housenumber") {
        if let Some(s) = scores.remove("address-housenumber") {
            add(&mut scores, "apartment", s);
        }
    }
    let auto_attr = token::from_autocomplete(&d.autocomplete);
    if in_prose("email") && in_prose("username") && auto_attr != Some("username") {
        if let Some(s) = scores.remove("username") {
            add(&mut scores, "email", s);
        }
    }
    let kind = d.kind.as_str();
    match kind {
        "email" => add(&mut scores, "email", 2.5),
        "tel" => add(&mut scores, "tel", 0.9),
        "password" => add(&mut scores, "password", 4.0),
        "url" => add(&mut scores, "url", 1.5),
        "search" => add(&mut scores, NONE, 0.6),
        "date" => add(&mut scores, "bday", 0.2),
        _ => {}
    }
    let auto = token::from_autocomplete(&d.autocomplete).filter(|t| !(matches!(*t, "password" | "new-password") && kind != "password"));
    if let Some(t) = auto {
        // A generic `tel` attribute on a field whose prose names a finer part ("National phone
        // number", "Area code") supports that part: the attribute is right, only coarser.
        let finer = if t == "tel" { FINER_TEL.iter().copied().find(|p| in_prose(p)) } else { None };
        add(&mut scores, finer.unwrap_or(t), W_AUTOCOMPLETE * damp);
    }
    let opts = if d.is_select() { classify_options(&d.options) } else { None };
    // A select's placeholder option ("Birth month", "Select your country") is prose about it.
    if let Some(o) = d.options.first().filter(|o| d.is_select() && matches!(o.value.trim(), "" | "0" | "-1") && !o.text.chars().any(|c| c.is_ascii_digit())) {
        text.push_str(&words(&o.text));
    }
    // A list of countries that picks a currency or a language ("Belgien (USD $)") is a shop
    // setting, not the user's country.
    let own_words: String = found[..6].iter().map(|(n, _)| n.as_str()).collect();
    let names_country = found[..6].iter().any(|(_, m)| m.iter().any(|x| x.token == "country"));
    let setting = !names_country && has(&own_words, &[" currency", " wahrung", " devise", " moneda", " valuta", " language", " sprache", " langue", " idioma", " lingua", " locale"]);
    match opts {
        Some(OptionKind::Country) if setting => add(&mut scores, NONE, 2.0),
        Some(OptionKind::Country) => add(&mut scores, "country", 2.0),
        Some(OptionKind::State) => add(&mut scores, "address-level1", 2.0),
        Some(OptionKind::PhoneCode) => add(&mut scores, "tel-country-code", 2.5),
        Some(OptionKind::CardType) => add(&mut scores, "cc-type", 2.0),
        Some(OptionKind::Honorific) => add(&mut scores, "honorific-prefix", 2.0),
        Some(OptionKind::Sex) => add(&mut scores, "sex", 1.5),
        _ => {}
    }
    if d.tag == "textarea" {
        if let Some(s) = scores.get_mut("street-address") {
            *s += 0.5;
        }
    }
    // Selects and checkboxes can't hold free text such as a name or an email.
    if d.is_select() {
        for t in ["name", "given-name", "family-name", "email", "street-address", "address-line1", "address-line2", "postal-code", "cc-number", "cc-name", "cc-csc", "address-housenumber", "address-streetname"] {
            if let Some(s) = scores.get_mut(t) {
                *s *= 0.3;
            }
        }
    }
    // "Country code" without anything phone-like is the country itself.
    let phoneish = kind == "tel" || opts == Some(OptionKind::PhoneCode) || has(&text, PHONE_WORDS);
    if !phoneish {
        if let Some(s) = scores.remove("tel-country-code") {
            add(&mut scores, "country", s);
        }
    }
    // One box for a postcode and a town ("Postleitzahl oder Stadt", "Suburb/Postcode"), or a
    // postcode search: their own tokens, not the postcode.
    let own = |t: Token| found[..6].iter().any(|(_, m)| m.iter().any(|x| x.token == t));
    let own_text: String = found[..6].iter().map(|(n, _)| n.as_str()).collect();
    let prose_text: String = found[..3].iter().map(|(n, _)| n.as_str()).collect();
    let searchy = kind == "search" || has(&prose_text, LOOKUP_WORDS) || has(&prose_text, &[" start typing", " type your address"]);
    let postal_attr = matches!(auto_attr, Some("postal-code" | "address-level2"));
    // Both in one source: a label "City" over a placeholder "Zip" is two hints, not one box for both.
    let both = found[..6].iter().any(|(_, m)| m.iter().any(|x| x.token == "postal-code") && m.iter().any(|x| x.token == "address-level2"));
    if !postal_attr && own("postal-code") && (both || searchy) {
        let combined = if searchy {
            "postal-code-lookup"
        } else if has(&own_text, &[" suburb"]) {
            "postal-code-or-suburb"
        } else {
            "postal-code-and-city"
        };
        let s = scores.remove("postal-code").unwrap_or(0.0) + scores.remove("address-level2").unwrap_or(0.0) + scores.remove(NONE).unwrap_or(0.0);
        add(&mut scores, combined, s);
    }
    // A free-text question ("Why are you interested in this role?") is answered in prose, not
    // with the profile value its words name; without an autocomplete attribute it is no token.
    if auto_attr.is_none() && asks_for_prose(d) {
        scores.clear();
    }
    let (mut token, score) = best(&scores);
    // Kana/furigana boxes beside the name: the name's reading.
    if has(&text, PHONETIC_WORDS) {
        token = match token {
            "given-name" => "phonetic-given-name",
            "family-name" => "phonetic-family-name",
            // A box labelled only with the reading's own word ("セイ", "メイ").
            NONE if has(&text, &[" セイ "]) => "phonetic-family-name",
            NONE if has(&text, &[" メイ "]) => "phonetic-given-name",
            t => t,
        };
    }
    // A user name the page does not mark `autocomplete="username"` is a login name (sign-in and
    // sign-up boxes); the attribute's own `username` stays.
    if token == "username" && auto_attr != Some("username") {
        // …unless the words around it ask for an email address (`login` under "E-mail*").
        token = if scores.contains_key("email") { "email" } else { "loginname" };
    }
    Field { d, token, score, opts, auto, text }
}

fn best(scores: &HashMap<Token, f32>) -> (Token, f32) {
    let mut v: Vec<(&Token, &f32)> = scores.iter().collect();
    // Deterministic: highest score, then token order in TOKENS.
    v.sort_by(|a, b| b.1.partial_cmp(a.1).unwrap_or(std::cmp::Ordering::Equal).then(order(a.0).cmp(&order(b.0))));
    match v.first() {
        Some((t, s)) if **s >= THRESHOLD => (t, **s),
        _ => (NONE, 0.0),
    }
}

fn order(t: &str) -> usize {
    token::TOKENS.iter().position(|x| *x == t).unwrap_or(usize::MAX)
}

/// Does `text` contain any of `words`? A plain scan: field texts are short, and setting up
/// `str::contains`'s searcher for each of dozens of words costs more than the search itself.
fn has(text: &str, words: &[&str]) -> bool {
    let t = text.as_bytes();
    words.iter().any(|w| {
        let w = w.as_bytes();
        match w.first() {
            None => true,
            Some(&first) => w.len() <= t.len() && (0..=t.len() - w.len()).any(|i| t[i] == first && t[i..].starts_with(w)),
        }
    })
}

/// Words that make a name box the name's phonetic reading (Japanese kana).
const PHONETIC_WORDS: &[&str] = &[" kana", " furigana", " phonetic", "カナ", "かな", "フリガナ", "ふりがな", "セイ", "メイ", " yomi"];

/// Parts of a phone number that are finer than `tel`.
const FINER_TEL: &[Token] = &["tel-national", "tel-country-code", "tel-area-code", "tel-local", "tel-extension"];

/// Prose that names a phone's country code or prefix ("Country code", "Landcode", "Vorwahl").
const CODE_PROSE: &[&str] = &[
    " country code", " landcode", " landekode", " landskod", " code pays", " code du pays", " codigo de pais", " codigo pais",
    " prefix", " prefixe", " vorwahl", " indicatif", " prefisso", " prefijo", " kierunkowy", " dial code", " calling code",
];

/// A single field for street *and* house number.
const COMBINED_STREET: &[&str] = &[
    " street and number", " street name and number", " street name number", " rue et n",
    " strasse und hausnummer", " strasse und nr", " strasse nr", " strasse hausnummer", " strasse hausnr", " straat en huisnummer",
    " straat huisnummer", " calle y numero", " calle numero", " via e numero", " via numero", " via e n ", " ulica i numer", " ulica nr",
    " rua e numero", " rua numero", " gatuadress", " adresse et numero", " street house", " street and house",
    " house number and street", " house number street", " house no and street", " strasse und haus", " strasse hausnr",
    " ulice a c", " ulice c p", " ulica i nr", " utca hazszam", " adres en huisnummer",
    " no et rue", " numero et rue", " numero y calle", " street address and number",
];
/// A search box that looks an address up (it fills nothing itself).
const LOOKUP_WORDS: &[&str] = &[
    " search", " find", " lookup", " look up", " suche", " suchen", " finden", " rechercher", " trouver", " buscar", " busca ",
    " cerca ", " cercare", " zoek", " zoeken", " szukaj", " wyszukaj", " hledat", " keres",
];
const PHONE_WORDS: &[&str] = &[
    " phone", " tel", " mobil", " cell", " handy", " fon", " movil", " gsm", " dial", " calling", " prefix", " prefisso", " prefijo",
    " indicatif", "電話", "电话",
];
const CC_WORDS: &[&str] = &[" card", " cc ", " exp", " carte", " tarjeta", " karte", " credit", " kredit", " kart ", " kaart", " cartao", " carta "];
const BDAY_WORDS: &[&str] = &[" birth", " geburt", " naissance", " nacimiento", " nascita", " dob ", " geboorte", " nascimento", " urodzenia", " dogum", " fodelse", " fodsel"];
const DAY_WORDS: &[&str] = &[" day", " dd ", " tag ", " jour", " dia ", " giorno", " dag ", " dzien", "日"];
const MONTH_WORDS: &[&str] = &[" month", " mm ", " monat", " mois", " mes ", " mese", " maand", " miesiac", " manad", "月", " mon "];
const YEAR_WORDS: &[&str] = &[" year", " yy", " jahr", " annee", " ano ", " anno", " jaar", " rok ", " ar ", "年", " jj", " aa "];

/// Turns date-ish tokens into their parts from the field's own shape.
fn refine(f: &mut Field) {
    if f.token == NONE && f.score > 0.0 {
        return; // something said "not a profile field" (a size, a sort order, a search)
    }
    // The field's own words, then its section's ("Date of birth" over three bare MM/DD/YYYY boxes).
    let section = words(&f.d.section);
    let own_cc = has(&f.text, CC_WORDS);
    let own_bday = has(&f.text, BDAY_WORDS);
    let is_cc = f.token.starts_with("cc-") || own_cc || !own_bday && has(&section, CC_WORDS);
    let is_bday = f.token.starts_with("bday") || own_bday || !own_cc && has(&section, BDAY_WORDS);
    // A list of months, days or years is a date part, whatever its identifier says (`usernamereg-month`).
    let date_list = matches!(f.opts, Some(OptionKind::Month | OptionKind::FutureYear | OptionKind::PastYear | OptionKind::Day));
    if date_list && !(f.token.starts_with("bday") || f.token.starts_with("cc-exp")) && f.auto.is_none() {
        f.token = NONE;
    }
    let part = match f.opts {
        Some(OptionKind::Month) => Some('m'),
        Some(OptionKind::FutureYear) => Some('y'),
        Some(OptionKind::PastYear) => Some('Y'),
        Some(OptionKind::Day) => Some('d'),
        _ => None,
    }
    .or_else(|| {
        let short = f.d.max_length.map(|m| m <= 4).unwrap_or(false) || f.d.is_select();
        if !(short || f.token == "cc-exp" || f.token == "bday") {
            return None;
        }
        // "日期" is a whole date ("出生日期", date of birth), not its day.
        let d = has(&f.text, DAY_WORDS) && !has(&f.text, &["日期"]);
        let (m, y) = (has(&f.text, MONTH_WORDS), has(&f.text, YEAR_WORDS));
        match (d, m, y) {
            (true, false, false) => Some('d'),
            (false, true, false) => Some('m'),
            (false, false, true) => Some(if is_cc { 'y' } else { 'Y' }),
            _ => None,
        }
    });
    let Some(part) = part else { return };
    let new: Option<Token> = if is_cc && !is_bday || part == 'y' && !is_bday {
        match part {
            'm' => Some("cc-exp-month"),
            'y' | 'Y' => Some("cc-exp-year"),
            _ => None,
        }
    } else if is_bday || part == 'Y' || part == 'd' {
        match part {
            'm' => Some("bday-month"),
            'y' | 'Y' => Some("bday-year"),
            'd' => Some("bday-day"),
            _ => None,
        }
    } else {
        None // a month list with no context yet: the form pass decides
    };
    if let Some(t) = new {
        f.token = t;
        f.score = f.score.max(1.0);
    } else if part == 'm' && matches!(f.token, NONE) {
        f.token = "bday-month"; // provisional, fixed by context
        f.score = 0.01;
    }
}

fn is_street(t: &str) -> bool {
    matches!(t, "street-address" | "address-line1" | "address-line2" | "address-line3")
}

/// Form-level fixes over the fields `idx` of one form, in document order.
fn context(work: &mut [Field], idx: &[usize]) {
    let tok = |work: &[Field], i: usize| work[idx[i]].token;
    let n = idx.len();

    // Unresolved month lists: card if a card field is near, else birth date.
    for i in 0..n {
        if work[idx[i]].score < 0.05 && tok(work, i) == "bday-month" {
            let near_cc = (i.saturating_sub(3)..(i + 4).min(n)).any(|j| j != i && tok(work, j).starts_with("cc-"));
            let near_bday = (i.saturating_sub(3)..(i + 4).min(n)).any(|j| j != i && tok(work, j).starts_with("bday"));
            work[idx[i]].token = if near_cc { "cc-exp-month" } else if near_bday { "bday-month" } else { NONE };
        }
    }

    // Names: a plain "name" beside a given/family name is the other part.
    let has_given = (0..n).any(|i| tok(work, i) == "given-name");
    let has_family = (0..n).any(|i| tok(work, i) == "family-name");
    for i in 0..n {
        if tok(work, i) != "name" {
            continue;
        }
        let prev = if i > 0 { tok(work, i - 1) } else { NONE };
        let next = if i + 1 < n { tok(work, i + 1) } else { NONE };
        if prev == "given-name" || (has_given && !has_family && next != "family-name") {
            work[idx[i]].token = "family-name";
        } else if next == "family-name" || (has_family && !has_given) {
            work[idx[i]].token = "given-name";
        } else if next == "name" && work[idx[i]].d.kind != "textarea" {
            work[idx[i]].token = "given-name";
            work[idx[i + 1]].token = "family-name";
        }
    }

    // What the user reads beats identifiers: a "line 2" whose label asks for the house number is
    // the house number (`address2` labelled "Huisnummer", `street-1` labelled "Numărul casei").
    for &k in idx {
        if is_street(work[k].token) && prose_names_only_a_house_number(work[k].d) {
            work[k].token = "address-housenumber";
        }
    }

    // Streets: consecutive street fields are lines 1..3; a lone street is the street name beside a
    // house number, line 1 beside an apartment/line-2 field, else the whole street address.
    let mut runs: Vec<Vec<usize>> = Vec::new();
    let mut i = 0;
    while i < n {
        if !is_street(tok(work, i)) || tok(work, i) == "address-line2" && work[idx[i]].d.tag != "textarea" && i > 0 {
            i += 1;
            continue;
        }
        let mut run = vec![i];
        let mut j = i + 1;
        // `street[0]`, `street[1]`: lines numbered from zero.
        let zero = words(&format!("{} {}", work[idx[i]].d.name, work[idx[i]].d.id)).contains(" 0 ");
        while j < n && run.len() < 3 {
            let t = tok(work, j);
            let numbered = line_number(&work[idx[j]]);
            if is_street(t) && (t != "street-address" || numbered == Some(run.len() + 1) || zero && numbered == Some(run.len()))
                || (run.len() == 1 && matches!(t, "address-level3" | NONE) && looks_like_line(&work[idx[j]])) {
                run.push(j);
                j += 1;
            } else {
                break;
            }
        }
        runs.push(run);
        i = j;
    }
    // A second-line field (apartment, line 2, address supplement) just after the street.
    let line2_after = |work: &[Field], i: usize| (i + 1..(i + 4).min(n)).any(|j| matches!(tok(work, j), "apartment" | "address-line2" | "address-extra"));
    let has_number = (0..n).any(|i| tok(work, i) == "address-housenumber");
    // A house number field right beside the street (before or after it).
    let number_near = |work: &[Field], i: usize| (i.saturating_sub(2)..(i + 3).min(n)).any(|j| j != i && tok(work, j) == "address-housenumber");
    for run in runs {
        if run.len() >= 2 {
            for (k, &r) in run.iter().enumerate() {
                work[idx[r]].token = ["address-line1", "address-line2", "address-line3"][k];
            }
            continue;
        }
        let lone = &work[idx[run[0]]];
        let token = if has(&lone.text, LOOKUP_WORDS) && lone.auto.is_none() {
            "address-lookup"
        } else if has(&lone.text, COMBINED_STREET) {
            "street-address"
        } else if number_near(work, run[0]) || has_number && names_a_street(lone.d) {
            "address-streetname"
        } else if prose_line_number(lone.d) == Some(1) {
            "address-line1"
        } else if line_number(lone) == Some(2) && run[0] > 0 {
            "address-line2"
        } else if line2_after(work, run[0]) {
            "address-line1"
        } else {
            "street-address"
        };
        work[idx[run[0]]].token = token;
    }

    // The page's own autocomplete attribute names the line (or the country's form); trust it
    // over the layout guess.
    for &k in idx {
        match work[k].auto {
            Some(a) if a != "street-address" && is_street(a) && is_street(work[k].token) => work[k].token = a,
            Some("country-name") if work[k].token == "country" => work[k].token = "country-name",
            // A country list whose values are the names themselves submits the name, not a code.
            None if work[k].token == "country" && submits_names(work[k].d) => work[k].token = "country-name",
            _ => {}
        }
    }

    // Names on a card: given/family name fields that name the card holder.
    for &k in idx {
        let f = &work[k];
        let on_card = has(&words(&format!("{} {} {} {}", f.d.label, f.d.name, f.d.id, f.d.placeholder)), CARD_WORDS);
        if on_card {
            match f.token {
                "given-name" => work[k].token = "cc-given-name",
                "family-name" => work[k].token = "cc-family-name",
                _ => {}
            }
        }
    }

    // Phones: the field just before a phone number that names a phone code or prefix (or offers
    // "+NN" beside it) is its country code: `phone_prefix`, a "Country" select named `phone[0]`.
    for i in 0..n.saturating_sub(1) {
        let (f, next) = (&work[idx[i]], tok(work, i + 1));
        if next != "tel" || matches!(f.token, "tel" | "tel-country-code" | "email") || f.auto.is_some() {
            continue;
        }
        let ids = words(&format!("{} {}", f.d.name, f.d.id));
        let phone_ids = has(&ids, PHONE_WORDS) && has(&ids, &[" code", " prefix", " cc ", " country", " dial", " vorwahl", " indicatif", " prefijo", " prefisso"]);
        let plus_code = f.d.max_length.is_some_and(|m| m <= 6) && (f.d.placeholder.starts_with('+') || f.d.placeholder.starts_with("00"));
        let prose = words(&format!("{} {} {}", f.d.label, f.d.aria_label, f.d.placeholder));
        let code_prose = matches!(f.token, "country" | NONE) && has(&prose, CODE_PROSE);
        if phone_ids || plus_code || code_prose || f.opts == Some(OptionKind::PhoneCode) {
            work[idx[i]].token = "tel-country-code";
        }
    }

    // A number in three boxes of 3, 3 and 4 digits whose identifiers all say phone (`phone_area`,
    // `phone_prefix`, `phone_suffix`): area code, exchange, line, whatever else their words match.
    for i in 0..n.saturating_sub(2) {
        let three = [idx[i], idx[i + 1], idx[i + 2]];
        let lengths = three.map(|k| work[k].d.max_length.unwrap_or(0));
        let phone = |k: usize| work[k].auto.is_none() && has(&words(&format!("{} {}", work[k].d.name, work[k].d.id)), PHONE_WORDS);
        if lengths == [3, 3, 4] && three.iter().all(|&k| phone(k)) {
            for (k, t) in three.into_iter().zip(["tel-area-code", "tel-local-prefix", "tel-local-suffix"]) {
                work[k].token = t;
            }
        }
    }

    // Phones: a country-code select followed by a number; split numbers by length.
    for i in 0..n {
        let t = tok(work, i);
        if t == "tel-country-code" && i + 1 < n && tok(work, i + 1) == "tel" {
            work[idx[i + 1]].token = "tel-national";
        }
        if t == "tel" {
            let ml = work[idx[i]].d.max_length.unwrap_or(0);
            if i + 1 < n && tok(work, i + 1) == "tel" && (1..=5).contains(&ml) {
                let ml2 = work[idx[i + 1]].d.max_length.unwrap_or(0);
                if i + 2 < n && tok(work, i + 2) == "tel" && (1..=4).contains(&ml2) {
                    work[idx[i]].token = "tel-area-code";
                    work[idx[i + 1]].token = "tel-local-prefix";
                    work[idx[i + 2]].token = "tel-local-suffix";
                } else {
                    work[idx[i]].token = "tel-area-code";
                    work[idx[i + 1]].token = "tel-local";
                }
            }
        }
    }
}

/// Does a select submit country names (`value` = visible name, not an ISO code)?
/// Words a free-text question starts with (en, de, fr, es, it, nl, pt).
const PROSE_QUESTION_STARTS: &[&str] = &[
    "why", "how", "tell", "describe", "explain", "anything", "share", "warum", "wieso", "weshalb", "beschreiben", "erzahlen",
    "erzählen", "pourquoi", "décrivez", "decrivez", "parlez", "expliquez", "cuéntanos", "cuentanos", "describe", "explica",
    "perché", "perche", "descrivi", "raccontaci", "waarom", "vertel", "beschrijf", "porquê", "conte", "descreva",
];

/// Does the control ask a question to answer in prose (a textarea, or a box labelled with a
/// long question)?
pub(crate) fn asks_for_prose(d: &FieldDescriptor) -> bool {
    let label = if d.label.trim().is_empty() { d.aria_label.trim() } else { d.label.trim() };
    let lower = label.to_lowercase();
    let first = lower.split(|c: char| !c.is_alphanumeric()).find(|w| !w.is_empty()).unwrap_or("");
    let starts = PROSE_QUESTION_STARTS.contains(&first) || lower.starts_with("what makes") || lower.starts_with("what would");
    let long = label.split_whitespace().count() >= 4;
    match d.tag.as_str() {
        "textarea" | "contenteditable" => starts && long,
        "input" => starts && long && label.ends_with('?'),
        _ => false,
    }
}

fn submits_names(d: &FieldDescriptor) -> bool {
    let real: Vec<_> = d.options.iter().filter(|o| !o.value.trim().is_empty()).collect();
    real.len() >= 5
        && real.iter().filter(|o| o.value.trim().chars().count() > 3 && o.value.trim().eq_ignore_ascii_case(o.text.trim())).count() * 10 >= real.len() * 8
}

/// Words that put a name field on a payment card.
const CARD_WORDS: &[&str] = &[
    " cardholder", " card holder", " holder", " on card", " cc ", " titular", " titulaire", " karteninhaber", " kaarthouder", " titolare",
];

/// Words for "street" (the street itself, not a whole address), by language.
const STREET_WORDS: &[&str] = &[
    " street", " strasse", " str ", " calle", " straat", " rua ", " via ", " strada", " ulica", " ulice", " gata", " gade",
    " gate ", " utca", " rue ", " sokak", " cadde", " odos", " улица", " οδός", " οδος", "通り",
];
const ADDRESS_WORDS: &[&str] = &[
    " address", " adres", " adresse", " direccion", " indirizzo", " endereco", " anschrift", " osoite", " adresa", " cim ", " адрес",
    " διευθυνση", "住所", "地址",
];

/// Does the field's prose name a street rather than a whole address ("Straat", "Calle", "Street name")?
fn names_a_street(d: &FieldDescriptor) -> bool {
    let prose = words(&format!("{} {} {}", d.label, d.aria_label, d.placeholder));
    has(&prose, STREET_WORDS) && !has(&prose, ADDRESS_WORDS)
}

/// Does the field's visible prose (label, aria-label, placeholder) ask for a house number and for
/// no street or flat (not "Street and house number", not "Número de piso/puerta")?
fn prose_names_only_a_house_number(d: &FieldDescriptor) -> bool {
    let found: Vec<rules::Match> =
        [&d.label, &d.aria_label, &d.placeholder].iter().filter(|s| !s.is_empty()).flat_map(|s| rules::matches(&words(s))).collect();
    found.iter().any(|m| m.token == "address-housenumber")
        && !found.iter().any(|m| matches!(m.token, "street-address" | "address-line1" | "address-streetname" | "street" | "apartment" | "floor"))
}

/// The line number an identifier or label gives a street field (`address1`, `line_two`, `Address 2`).
fn line_number(f: &Field) -> Option<usize> {
    let ids = format!("{}{}{}", words(&f.d.name), words(&f.d.id), words(&f.d.label));
    for (n, pats) in [(1, [" 1 ", " one ", " first "]), (2, [" 2 ", " two ", " second "]), (3, [" 3 ", " three ", " third "])] {
        if pats.iter().any(|p| ids.contains(p)) {
            return Some(n);
        }
    }
    None
}

/// The line number the visible prose gives ("Address: Line 1"), ignoring identifiers
/// (`address1` is often the only street field).
fn prose_line_number(d: &FieldDescriptor) -> Option<usize> {
    let prose = words(&format!("{} {} {}", d.label, d.aria_label, d.placeholder));
    [(1, " line 1 "), (2, " line 2 "), (3, " line 3 ")].iter().find(|(_, p)| prose.contains(p)).map(|(n, _)| *n)
}

/// Could this unlabelled-looking text input be a street's second line?
fn looks_like_line(f: &Field) -> bool {
    f.d.is_text_like() && has(&f.text, &[" address", " addr", " street", " line", " adresse", " direccion", " indirizzo", " adres", " strasse", " 2 "])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::autofill::descriptor::SelectOption;

    fn field(label: &str, name: &str) -> FieldDescriptor {
        FieldDescriptor { tag: "input".into(), kind: "text".into(), label: label.into(), name: name.into(), ..Default::default() }
    }

    /// The rule passes alone (the learned layer is tested in `learned.rs`).
    fn run(mut fields: Vec<FieldDescriptor>) -> Vec<String> {
        for (i, f) in fields.iter_mut().enumerate() {
            f.index = i;
            f.position = i;
        }
        classify_rules(&fields).into_iter().map(|p| p.token).collect()
    }

    /// The full classifier: rules plus the shipped learned layer.
    fn run_full(mut fields: Vec<FieldDescriptor>) -> Vec<String> {
        for (i, f) in fields.iter_mut().enumerate() {
            f.index = i;
            f.position = i;
        }
        classify(&fields).into_iter().map(|p| p.token).collect()
    }

    /// Small checkout forms in several languages keep their obvious tokens once the learned
    /// layer has had its say, and a password box stays a password.
    #[test]
    fn the_full_classifier_keeps_obvious_forms_right() {
        let forms: [(&[(&str, &str)], &[&str]); 4] = [
            (
                &[("First name", "fname"), ("Last name", "lname"), ("Email", "email"), ("ZIP code", "zip"), ("City", "city")],
                &["given-name", "family-name", "email", "postal-code", "address-level2"],
            ),
            (
                &[("Vorname", "vorname"), ("Nachname", "nachname"), ("E-Mail-Adresse", "mail"), ("Postleitzahl", "plz"), ("Ort", "ort")],
                &["given-name", "family-name", "email", "postal-code", "address-level2"],
            ),
            (
                &[("Prénom", "prenom"), ("Nom", "nom"), ("Adresse e-mail", "courriel"), ("Code postal", "cp"), ("Ville", "ville")],
                &["given-name", "family-name", "email", "postal-code", "address-level2"],
            ),
            (
                &[("Nombre", "nombre"), ("Apellidos", "apellidos"), ("Correo electrónico", "correo"), ("Código postal", "cp"), ("Ciudad", "ciudad")],
                &["given-name", "family-name", "email", "postal-code", "address-level2"],
            ),
        ];
        for (fields, want) in forms {
            let got = run_full(fields.iter().map(|(l, n)| field(l, n)).collect());
            assert_eq!(got, want.to_vec(), "{fields:?}");
        }
        let pw = FieldDescriptor { kind: "password".into(), ..field("Password", "pw") };
        assert_eq!(run_full(vec![field("Email", "email"), pw]), ["email", "password"]);
    }

    /// Address forms whose ids say nothing: the labels alone, in Dutch, Portuguese, Polish,
    /// Swedish, Italian, Chinese and Japanese.
    #[test]
    fn address_forms_in_seven_more_languages_by_their_labels() {
        let forms: [(&[&str], &[&str]); 7] = [
            (&["Voornaam", "Achternaam", "Straatnaam", "Huisnummer", "Postcode", "Woonplaats", "Telefoonnummer"],
             &["given-name", "family-name", "address-streetname", "address-housenumber", "postal-code", "address-level2", "tel"]),
            (&["Nome", "Apelido", "Morada", "Código postal", "Localidade", "Telemóvel", "E-mail"],
             &["given-name", "family-name", "street-address", "postal-code", "address-level2", "tel", "email"]),
            (&["Imię", "Nazwisko", "Ulica", "Numer domu", "Kod pocztowy", "Miejscowość", "Numer telefonu"],
             &["given-name", "family-name", "address-streetname", "address-housenumber", "postal-code", "address-level2", "tel"]),
            (&["Förnamn", "Efternamn", "Gatuadress", "Postnummer", "Ort", "Mobilnummer", "E-postadress"],
             &["given-name", "family-name", "street-address", "postal-code", "address-level2", "tel", "email"]),
            (&["Nome", "Cognome", "Indirizzo", "CAP", "Città", "Provincia", "Cellulare"],
             &["given-name", "family-name", "street-address", "postal-code", "address-level2", "address-level1", "tel"]),
            (&["收货人", "手机号码", "省份", "城市", "详细地址", "邮政编码"],
             &["name", "tel", "address-level1", "address-level2", "street-address", "postal-code"]),
            (&["姓", "名", "郵便番号", "都道府県", "市区町村", "番地", "電話番号"],
             &["family-name", "given-name", "postal-code", "address-level1", "address-level2", "street-address", "tel"]),
        ];
        for (labels, want) in forms {
            // Names without digits: a trailing number reads as an address line.
            let got = run_full(labels.iter().zip('a'..).map(|(l, c)| field(l, &c.to_string())).collect());
            assert_eq!(got, want.to_vec(), "{labels:?}");
        }
    }

    /// One field, its label alone, in the languages the classifier is built for (en, de, fr, es,
    /// it, nl, pt, pl, sv, ja, zh): the rules and the full classifier both name it.
    #[test]
    fn single_labels_in_eleven_languages() {
        let cases: &[(&str, &str)] = &[
            ("Bundesland", "address-level1"), ("Kanton", "address-level1"), ("Provincia", "address-level1"),
            ("Comunidad autónoma", "address-level1"), ("Estado", "address-level1"), ("UF", "address-level1"), ("Bairro", "address-level3"),
            ("Województwo", "address-level1"), ("Län", "address-level1"), ("Provincie", "address-level1"),
            ("Région", "address-level1"), ("Département", "address-level1"), ("Regione", "address-level1"),
            ("省", "address-level1"), ("市", "address-level2"), ("都道府県", "address-level1"), ("CEP", "postal-code"),
            ("Postleitzahl", "postal-code"), ("NPA", "postal-code"), ("Kod pocztowy", "postal-code"),
            ("Postnummer", "postal-code"), ("Codice postale", "postal-code"), ("Cidade", "address-level2"),
            ("Miasto", "address-level2"), ("Stad", "address-level2"), ("Plaats", "address-level2"),
            ("Postort", "address-level2"), ("Gemeinde", "address-level2"), ("Comune", "address-level2"),
            ("Localité", "address-level2"), ("城市", "address-level2"), ("Land", "country"), ("País", "country"),
            ("Pays", "country"), ("Paese", "country"), ("国家", "country"), ("国", "country"), ("Telefon", "tel"),
            ("Téléphone", "tel"), ("Telefone", "tel"), ("Telefono", "tel"), ("Telefoon", "tel"),
            ("Handynummer", "tel"), ("Celular", "tel"), ("Numer telefonu", "tel"), ("Telefonnummer", "tel"),
            ("电话", "tel"), ("手机", "tel"), ("電話番号", "tel"), ("携帯電話", "tel"), ("E-Mail", "email"),
            ("Courriel", "email"), ("Correo", "email"), ("E-mailadres", "email"), ("Adres e-mail", "email"),
            ("E-post", "email"), ("邮箱", "email"), ("电子邮件", "email"), ("メールアドレス", "email"), ("Firma", "organization"),
            ("Empresa", "organization"), ("Société", "organization"), ("Bedrijfsnaam", "organization"),
            ("Nazwa firmy", "organization"), ("Företag", "organization"), ("公司名称", "organization"),
            ("会社名", "organization"), ("Hausnummer", "address-housenumber"), ("Hausnr.", "address-housenumber"),
            ("Número", "address-housenumber"), ("Numéro", "address-housenumber"),
            ("Numero civico", "address-housenumber"), ("Nr domu", "address-housenumber"),
            ("Huisnummer", "address-housenumber"), ("Wohnung", "apartment"), ("Appartement", "apartment"),
            ("Departamento", "apartment"), ("Nr lokalu", "apartment"), ("Apartamento", "apartment"),
            ("Geburtsdatum", "bday"), ("Date de naissance", "bday"), ("Fecha de nacimiento", "bday"),
            ("Data di nascita", "bday"), ("Geboortedatum", "bday"), ("Data urodzenia", "bday"),
            ("Födelsedatum", "bday"), ("生年月日", "bday"), ("出生日期", "bday"), ("Data de nascimento", "bday"), ("Geschlecht", "sex"),
            ("Sexe", "sex"), ("Sexo", "sex"), ("Płeć", "sex"), ("Kön", "sex"), ("性别", "sex"), ("性別", "sex"),
            ("Geslacht", "sex"), ("Kartennummer", "cc-number"), ("Numéro de carte", "cc-number"),
            ("Número de tarjeta", "cc-number"), ("Numero carta", "cc-number"), ("Kaartnummer", "cc-number"),
            ("Numer karty", "cc-number"), ("Kortnummer", "cc-number"), ("卡号", "cc-number"), ("カード番号", "cc-number"),
            ("Número do cartão", "cc-number"), ("Karteninhaber", "cc-name"), ("Titulaire de la carte", "cc-name"),
            ("Titular de la tarjeta", "cc-name"), ("Intestatario della carta", "cc-name"),
            ("Kaarthouder", "cc-name"), ("Właściciel karty", "cc-name"), ("Kortinnehavare", "cc-name"),
            ("Nome no cartão", "cc-name"), ("Prüfnummer", "cc-csc"), ("Cryptogramme", "cc-csc"),
            ("Código de seguridad", "cc-csc"), ("Codice di sicurezza", "cc-csc"), ("Kod CVC", "cc-csc"),
            ("Säkerhetskod", "cc-csc"), ("安全码", "cc-csc"), ("セキュリティコード", "cc-csc"), ("Gültig bis", "cc-exp"),
            ("Date d'expiration", "cc-exp"), ("Fecha de caducidad", "cc-exp"), ("Data di scadenza", "cc-exp"),
            ("Vervaldatum", "cc-exp"), ("Data ważności", "cc-exp"), ("Giltig till", "cc-exp"), ("有效期", "cc-exp"),
            ("有効期限", "cc-exp"), ("Validade", "cc-exp"), ("Website", "url"), ("Site web", "url"),
            ("Sitio web", "url"), ("Strona internetowa", "url"), ("Webbplats", "url"), ("网址", "url"),
            ("Vorname", "given-name"), ("Prénom", "given-name"), ("Primeiro nome", "given-name"),
            ("Imię", "given-name"), ("Förnamn", "given-name"), ("Voornaam", "given-name"), ("名字", "given-name"),
            ("Nachname", "family-name"), ("Nom de famille", "family-name"), ("Apellidos", "family-name"),
            ("Sobrenome", "family-name"), ("Nazwisko", "family-name"), ("Efternamn", "family-name"),
            ("Achternaam", "family-name"), ("姓氏", "family-name"), ("Vollständiger Name", "name"),
            ("Nom complet", "name"), ("Nombre completo", "name"), ("Nome completo", "name"),
            ("Imię i nazwisko", "name"), ("Fullständigt namn", "name"), ("Volledige naam", "name"), ("姓名", "name"),
            ("氏名", "name"), ("Straße", "street-address"), ("Rue", "street-address"), ("Calle", "street-address"),
            ("Via", "street-address"), ("Straat", "street-address"), ("Ulica", "street-address"),
            ("Rua", "street-address"), ("Endereço", "street-address"), ("Adres", "street-address"),
            ("Adress", "street-address"), ("地址", "street-address"), ("住所", "street-address"),
            ("详细地址", "street-address"),
        ];
        let misses: Vec<String> = cases
            .iter()
            .filter_map(|(label, want)| {
                let f = vec![field(label, "x")];
                let (rules, full) = (run(f.clone()), run_full(f));
                (rules[0] != *want || full[0] != *want).then(|| format!("{label:?}: want {want}, rules {}, full {}", rules[0], full[0]))
            })
            .collect();
        assert!(misses.is_empty(), "{} of {} labels missed:\n{}", misses.len(), cases.len(), misses.join("\n"));
    }

    /// Whole checkout forms as sites in ten languages write them (labels only, ids that say
    /// nothing): house-number layouts, kana readings, Brazilian and Spanish ids, Chinese regions.
    #[test]
    fn checkout_forms_as_sites_in_ten_languages_write_them() {
        let forms: &[&[(&str, &str)]] = &[
            &[("Imię", "given-name"), ("Nazwisko", "family-name"), ("Ulica i numer", "street-address"), ("Kod pocztowy", "postal-code"), ("Miasto", "address-level2"), ("Telefon", "tel"), ("E-mail", "email")],
            &[("Förnamn", "given-name"), ("Efternamn", "family-name"), ("Adress", "address-line1"), ("C/O", "address-line2"), ("Postnummer", "postal-code"), ("Ort", "address-level2"), ("Mobilnummer", "tel")],
            &[("Voornaam", "given-name"), ("Tussenvoegsel", "additional-name"), ("Achternaam", "family-name"), ("Postcode", "postal-code"), ("Huisnummer", "address-housenumber"), ("Toevoeging", "address-extra-housesuffix"), ("Straat", "address-streetname"), ("Plaats", "address-level2")],
            &[("Nome completo", "name"), ("CPF", "id-number"), ("CEP", "postal-code"), ("Endereço", "address-streetname"), ("Número", "address-housenumber"), ("Complemento", "address-extra"), ("Bairro", "address-level3"), ("Cidade", "address-level2"), ("Estado", "address-level1"), ("Celular", "tel")],
            &[("姓", "family-name"), ("名", "given-name"), ("セイ", "phonetic-family-name"), ("メイ", "phonetic-given-name"), ("郵便番号", "postal-code"), ("都道府県", "address-level1"), ("市区町村", "address-level2"), ("番地", "street-address"), ("電話番号", "tel")],
            &[("收货人", "name"), ("手机号码", "tel"), ("所在地区", "address-level1"), ("详细地址", "street-address"), ("邮政编码", "postal-code")],
            &[("Nome", "given-name"), ("Cognome", "family-name"), ("Indirizzo", "address-streetname"), ("Numero civico", "address-housenumber"), ("CAP", "postal-code"), ("Città", "address-level2"), ("Provincia", "address-level1"), ("Telefono", "tel"), ("Codice fiscale", "id-number")],
            &[("Nombre", "given-name"), ("Apellidos", "family-name"), ("DNI/NIE", "id-number"), ("Dirección", "address-line1"), ("Piso, puerta...", "address-line2"), ("Código postal", "postal-code"), ("Población", "address-level2"), ("Provincia", "address-level1"), ("Teléfono", "tel")],
            &[("Civilité", "honorific-prefix"), ("Prénom", "given-name"), ("Nom", "family-name"), ("Adresse", "address-line1"), ("Complément d'adresse", "address-extra"), ("Code postal", "postal-code"), ("Ville", "address-level2"), ("Pays", "country"), ("Téléphone portable", "tel")],
            &[("Anrede", "honorific-prefix"), ("Vorname", "given-name"), ("Nachname", "family-name"), ("Firma", "organization"), ("Straße", "address-streetname"), ("Hausnr.", "address-housenumber"), ("Adresszusatz", "address-extra"), ("PLZ", "postal-code"), ("Ort", "address-level2"), ("Land", "country"), ("Telefon", "tel"), ("Geburtsdatum", "bday")],
            &[("Full name", "name"), ("Company (optional)", "organization"), ("Street address", "address-line1"), ("Apartment, suite, etc.", "apartment"), ("City", "address-level2"), ("State", "address-level1"), ("ZIP code", "postal-code"), ("Phone", "tel")],
        ];
        for form in forms {
            let got = run_full(form.iter().zip('a'..).map(|((l, _), c)| field(l, &c.to_string())).collect());
            let want: Vec<&str> = form.iter().map(|(_, t)| *t).collect();
            assert_eq!(got, want, "{form:?}");
        }
    }

    /// Forms with no labels at all, only the field names common shop platforms give them
    /// (WooCommerce, Magento's zero-based `street[n]`, Shopify), card and birthday parts.
    #[test]
    fn forms_named_only_by_their_identifiers() {
        let forms: &[&[(&str, &str)]] = &[
            &[("billing_first_name", "given-name"), ("billing_last_name", "family-name"), ("billing_company", "organization"), ("billing_country", "country"), ("billing_address_1", "address-line1"), ("billing_address_2", "address-line2"), ("billing_city", "address-level2"), ("billing_state", "address-level1"), ("billing_postcode", "postal-code"), ("billing_phone", "tel"), ("billing_email", "email")],
            &[("firstname", "given-name"), ("lastname", "family-name"), ("street[0]", "address-line1"), ("street[1]", "address-line2"), ("city", "address-level2"), ("region_id", "address-level1"), ("postcode", "postal-code"), ("country_id", "country"), ("telephone", "tel")],
            &[("checkout[shipping_address][first_name]", "given-name"), ("checkout[shipping_address][last_name]", "family-name"), ("checkout[shipping_address][address1]", "address-line1"), ("checkout[shipping_address][address2]", "address-line2"), ("checkout[shipping_address][city]", "address-level2"), ("checkout[shipping_address][zip]", "postal-code"), ("checkout[shipping_address][phone]", "tel")],
            &[("cardnumber", "cc-number"), ("exp-date", "cc-exp"), ("cvc", "cc-csc"), ("name_on_card", "cc-name")],
            &[("dob_day", "bday-day"), ("dob_month", "bday-month"), ("dob_year", "bday-year")],
            &[("user_email", "email"), ("user_phone", "tel"), ("user_website", "url")],
        ];
        for form in forms {
            let fields = form
                .iter()
                .map(|(n, _)| FieldDescriptor { max_length: n.starts_with("dob").then_some(4), ..field("", n) })
                .collect();
            let want: Vec<&str> = form.iter().map(|(_, t)| *t).collect();
            assert_eq!(run_full(fields), want, "{form:?}");
        }
    }

    /// Everyday forms: placeholders only, a US number in three boxes, a country-code list before
    /// the number, a state list, bare email/tel types, and newsletter, login and contact forms
    /// whose other boxes are nobody's profile.
    #[test]
    fn everyday_forms_by_placeholder_type_and_shape() {
        fn ph(p: &str, name: &str) -> FieldDescriptor {
            FieldDescriptor { placeholder: p.into(), ..field("", name) }
        }
        fn show(label: &str, fields: Vec<FieldDescriptor>, want: &[&str]) {
            assert_eq!(run_full(fields), want.to_vec(), "{label}");
        }
        show("placeholders en", vec![ph("First name", "a"), ph("Last name", "b"), ph("Email address", "c"), ph("Phone number", "d"), ph("Address", "e"), ph("City", "f"), ph("Postcode", "g")], &["given-name", "family-name", "email", "tel", "street-address", "address-level2", "postal-code"]);
        show("placeholders de", vec![ph("Vorname", "a"), ph("Nachname", "b"), ph("Straße und Hausnummer", "c"), ph("PLZ", "d"), ph("Stadt", "e")], &["given-name", "family-name", "street-address", "postal-code", "address-level2"]);
        show("us phone 3 boxes", vec![FieldDescriptor { max_length: Some(3), ..ph("", "phone_area") }, FieldDescriptor { max_length: Some(3), ..ph("", "phone_prefix") }, FieldDescriptor { max_length: Some(4), ..ph("", "phone_suffix") }], &["tel-area-code", "tel-local-prefix", "tel-local-suffix"]);
        show("tel with country code select", vec![FieldDescriptor { tag: "select".into(), kind: "select-one".into(), label: "Country code".into(), options: vec![SelectOption { value: "+1".into(), text: "+1 United States".into() }, SelectOption { value: "+44".into(), text: "+44 United Kingdom".into() }], ..Default::default() }, FieldDescriptor { kind: "tel".into(), ..ph("Phone number", "phone") }], &["tel-country-code", "tel-national"]);
        show("state select", vec![FieldDescriptor { tag: "select".into(), kind: "select-one".into(), label: "State".into(), options: vec![SelectOption { value: "AL".into(), text: "Alabama".into() }, SelectOption { value: "AK".into(), text: "Alaska".into() }], ..Default::default() }], &["address-level1"]);
        show("email type only", vec![FieldDescriptor { kind: "email".into(), ..ph("", "x") }], &["email"]);
        show("tel type only", vec![FieldDescriptor { kind: "tel".into(), ..ph("", "x") }], &["tel"]);
        show("newsletter", vec![FieldDescriptor { kind: "email".into(), ..ph("Your email", "EMAIL") }, ph("Search products", "q")], &["email", "none"]);
        show("login", vec![ph("Email or username", "login"), FieldDescriptor { kind: "password".into(), ..ph("Password", "pw") }], &["email", "password"]);
        show("contact", vec![ph("Your name", "your-name"), FieldDescriptor { kind: "email".into(), ..ph("Your email", "your-email") }, ph("Subject", "your-subject"), FieldDescriptor { tag: "textarea".into(), kind: "textarea".into(), ..ph("Your message", "your-message") }], &["name", "email", "none", "none"]);
        show("fr placeholders", vec![ph("Prénom", "a"), ph("Nom", "b"), ph("Adresse", "c"), ph("Code postal", "d"), ph("Ville", "e"), ph("Téléphone", "f")], &["given-name", "family-name", "street-address", "postal-code", "address-level2", "tel"]);
    }

    #[test]
    fn english_checkout() {
        let t = run(vec![
            field("First name", "fname"),
            field("Last name", "lname"),
            field("Address", "address1"),
            field("Address line 2", "address2"),
            field("Apt, suite, etc. (optional)", "apt"),
            field("City", "city"),
            field("ZIP code", "zip"),
            FieldDescriptor { kind: "email".into(), ..field("Email", "email") },
            FieldDescriptor { kind: "tel".into(), ..field("Phone", "phone") },
        ]);
        assert_eq!(t, ["given-name", "family-name", "address-line1", "address-line2", "apartment", "address-level2", "postal-code", "email", "tel"]);
    }

    #[test]
    fn german_form_with_house_number() {
        let t = run(vec![
            field("Vorname", "vorname"),
            field("Nachname", "nachname"),
            field("Straße", "strasse"),
            field("Hausnummer", "hausnr"),
            field("PLZ", "plz"),
            field("Ort", "ort"),
        ]);
        assert_eq!(t, ["given-name", "family-name", "address-streetname", "address-housenumber", "postal-code", "address-level2"]);
    }

    #[test]
    fn french_and_spanish_and_japanese() {
        assert_eq!(run(vec![field("Prénom", "x1"), field("Nom", "x2"), field("Code postal", "x3"), field("Ville", "x4")]),
            ["given-name", "family-name", "postal-code", "address-level2"]);
        assert_eq!(run(vec![field("Nombre", "a"), field("Apellidos", "b"), field("Teléfono", "c")]),
            ["given-name", "family-name", "tel"]);
        assert_eq!(run(vec![field("郵便番号", "zip"), field("メールアドレス", "m")]), ["postal-code", "email"]);
        assert_eq!(run(vec![field("Cognome", "a"), field("Indirizzo", "b"), field("Città", "c"), field("CAP", "d")]),
            ["family-name", "street-address", "address-level2", "postal-code"]);
    }

    #[test]
    fn payment_with_expiry_selects() {
        let months: Vec<SelectOption> = (1..=12).map(|m| SelectOption { value: m.to_string(), text: format!("{m:02}") }).collect();
        let years: Vec<SelectOption> = (2026..2036).map(|y| SelectOption { value: y.to_string(), text: y.to_string() }).collect();
        let t = run(vec![
            field("Name on card", "ccname"),
            field("Card number", "ccnum"),
            FieldDescriptor { tag: "select".into(), kind: "select-one".into(), options: months, ..field("Expiration", "exp_m") },
            FieldDescriptor { tag: "select".into(), kind: "select-one".into(), options: years, ..field("", "exp_y") },
            FieldDescriptor { max_length: Some(4), ..field("CVV", "cvv") },
        ]);
        assert_eq!(t, ["cc-name", "cc-number", "cc-exp-month", "cc-exp-year", "cc-csc"]);
    }

    #[test]
    fn autocomplete_attribute_wins_and_junk_is_none() {
        let t = run(vec![
            FieldDescriptor { autocomplete: "shipping postal-code".into(), ..field("Code", "x") },
            field("Search products", "q"),
            field("Coupon code", "coupon"),
            field("", "field_17"),
        ]);
        assert_eq!(t, ["postal-code", "none", "none", "none"]);
    }

    #[test]
    fn a_line_two_labelled_house_number_is_the_house_number() {
        // Dutch: `address1`/`address2` identifiers, but the labels ask for street and number.
        let t = run(vec![
            FieldDescriptor { autocomplete: "address-line1".into(), ..field("Straat", "address1") },
            FieldDescriptor { autocomplete: "address-line2".into(), ..field("Huisnummer", "address2") },
            field("Postcode", "zip"),
        ]);
        assert_eq!(t, ["address-streetname", "address-housenumber", "postal-code"]);
        // Romanian and Spanish house numbers.
        assert_eq!(run(vec![field("Strada", "street-0"), field("Numărul casei", "street-1")]), ["address-streetname", "address-housenumber"]);
        assert_eq!(run(vec![field("Calle", "calle"), field("Nº. Exterior", "ext")]), ["address-streetname", "address-housenumber"]);
    }

    #[test]
    fn combined_street_and_number_is_one_street_field() {
        for label in ["Street and house number", "Straße und Hausnummer", "Rue et numéro", "Ulica i kućni broj", "House Number and Street Name"] {
            assert_eq!(run(vec![field(label, "address1"), field("City", "city")]), ["street-address", "address-level2"], "{label}");
        }
        // …but "Street number" alone is the house number.
        assert_eq!(run(vec![field("Street name", "line1"), field("Street number", "line2")]), ["address-streetname", "address-housenumber"]);
    }

    #[test]
    fn line_one_only_with_a_second_line_or_a_label_saying_so() {
        assert_eq!(run(vec![field("Address", "address1"), field("City", "city")]), ["street-address", "address-level2"]);
        assert_eq!(run(vec![field("Address", "address1"), field("Apt, suite", "apt"), field("City", "city")]), ["address-line1", "apartment", "address-level2"]);
        assert_eq!(run(vec![field("Dirección: Line 1", "street[0]"), field("Ciudad", "city")]), ["address-line1", "address-level2"]);
    }

    #[test]
    fn ids_and_tax_numbers_are_not_house_numbers() {
        let t = run(vec![field("UID-Nr.", "vat"), field("DIČ", "numTax"), field("Número de DNI", "dni"), field("CUI/CIF", "vatRegNo")]);
        assert_eq!(t, ["vat-number", "vat-number", "id-number", "vat-number"]);
    }

    #[test]
    fn landmarks_and_cut_identifiers() {
        assert_eq!(run(vec![field("Ponto de Referência (opcional)", "reference")]), ["reference-point"]);
        assert_eq!(run(vec![field("Nearest landmark", "landmark")]), ["reference-point"]);
        // An 80-character identifier was cut by the collector: its visible label decides.
        let long = format!("app_bundle_checkout_addresses_type[billing_address][{}", "address".repeat(5));
        let long: String = long.chars().take(80).collect();
        assert_eq!(run(vec![field("Société", &long)]), ["organization"]);
    }

    #[test]
    fn card_holder_names_and_flat_numbers() {
        let t = run(vec![field("First name", "cardHolderFirstName"), field("Nom", "cardHolderLastName"), field("Card number", "ccnum")]);
        assert_eq!(t, ["cc-given-name", "cc-family-name", "cc-number"]);
        assert_eq!(run(vec![field("Street", "street"), field("Flat/Building Number", "line2")])[1], "apartment");
        assert_eq!(run(vec![field("Via", "street"), field("Numero interno", "int")])[1], "apartment");
    }

    #[test]
    fn one_field_for_both_names_is_the_full_name_and_login_or_email_is_the_email() {
        assert_eq!(run(vec![field("First Name and Last Name", "fullname")]), ["name"]);
        assert_eq!(run(vec![field("Nome e cognome", "fullname")]), ["name"]);
        assert_eq!(run(vec![field("Navn & Efternavn", "customer_name")]), ["name"]);
        assert_eq!(run(vec![field("Vorname", "fn"), field("Nachname", "ln")]), ["given-name", "family-name"]);
        assert_eq!(run(vec![field("Username or Email", "login")]), ["email"]);
    }

    #[test]
    fn phone_prefix_fields() {
        let t = run(vec![field("Country prefix", "prefix"), FieldDescriptor { kind: "tel".into(), ..field("Telefono", "phone") }]);
        assert_eq!(t, ["tel-country-code", "tel-national"]);
        // Indonesian form: an unlabelled `phone_prefix` box before "Nomor handphone".
        let t = run(vec![field("", "phone_DELIVERY_prefix"), FieldDescriptor { kind: "tel".into(), ..field("Nomor handphone", "phone_DELIVERY") }]);
        assert_eq!(t, ["tel-country-code", "tel-national"]);
    }

    #[test]
    fn country_select_by_options() {
        let opts = ["Deutschland", "Österreich", "Schweiz", "Frankreich", "Italien", "Polen", "Spanien", "Belgien"]
            .iter().map(|c| SelectOption { value: c.to_string(), text: c.to_string() }).collect();
        let t = run(vec![FieldDescriptor { tag: "select".into(), kind: "select-one".into(), options: opts, ..field("", "sel1") }]);
        // Recognised from the names alone; it submits the names, so it takes the country's name.
        assert_eq!(t, ["country-name"]);
    }

    fn select(label: &str, id: &str, options: &[(&str, &str)]) -> FieldDescriptor {
        let options = options.iter().map(|(v, t)| SelectOption { value: v.to_string(), text: t.to_string() }).collect();
        FieldDescriptor { tag: "select".into(), kind: "select-one".into(), label: label.into(), id: id.into(), options, ..Default::default() }
    }

    #[test]
    fn an_id_alone_is_enough_evidence() {
        let only_id = |id: &str| FieldDescriptor { tag: "input".into(), kind: "text".into(), id: id.into(), ..Default::default() };
        assert_eq!(run(vec![only_id("firstname"), only_id("country")]), ["given-name", "country"]);
        assert_eq!(run(vec![only_id("data-de-nascimento")]), ["bday"]);
        assert_eq!(run(vec![only_id("field_17")]), ["none"]);
    }

    #[test]
    fn more_words_in_more_languages() {
        assert_eq!(run(vec![field("Vor- und Zuname:", "x")]), ["name"]);
        assert_eq!(run(vec![field("Razão Social", "x")]), ["organization"]);
        assert_eq!(run(vec![field("Doğum Tarihi", "x")]), ["bday"]);
        assert_eq!(run(vec![field("Adószám", "x")]), ["vat-number"]);
        assert_eq!(run(vec![field("Son Kullanma Tarihi", "x")]), ["cc-exp"]);
        assert_eq!(run(vec![field("Ім'я одержувача", "a"), field("Прізвище одержувача", "b"), field("По батькові", "c")]),
            ["given-name", "family-name", "additional-name"]);
        assert_eq!(run(vec![field("Voorletters", "initials")]), ["additional-name"]);
        assert_eq!(run(vec![field("Attention", "attn")]), ["name"]);
        assert_eq!(run(vec![field("Boîte", "box")]), ["apartment"]);
    }

    #[test]
    fn a_month_list_is_a_date_part_whatever_its_id_says() {
        let months: Vec<(String, String)> = (1..=12).map(|m| (m.to_string(), format!("Month {m}"))).collect();
        let months: Vec<(&str, &str)> = std::iter::once(("", "Birth Month")).chain(months.iter().map(|(a, b)| (a.as_str(), b.as_str()))).collect();
        let t = run(vec![select("", "usernamereg-month", &months)]);
        assert_eq!(t, ["bday-month"]);
    }

    #[test]
    fn bare_month_and_year_in_a_card_section_are_the_expiry() {
        let part = |label: &str, section: &str| FieldDescriptor { kind: "number".into(), section: section.into(), max_length: Some(4), ..field(label, "") };
        assert_eq!(run(vec![part("Month", "credit-card-verification"), part("Year", "credit-card-verification")]), ["cc-exp-month", "cc-exp-year"]);
        assert_eq!(run(vec![part("Monat", "Kreditkarte"), part("Jahr", "Kreditkarte")]), ["cc-exp-month", "cc-exp-year"]);
    }

    #[test]
    fn phone_country_codes_before_a_number() {
        // "Country code" prose, a one-entry "+1" list, a select naming the phone's country.
        let tel = |label: &str| FieldDescriptor { kind: "tel".into(), ..field(label, "phone") };
        assert_eq!(run(vec![field("Country Code", "areaCode"), tel("Phone")]), ["tel-country-code", "tel-national"]);
        assert_eq!(run(vec![field("Landcode", "x"), tel("Telefoonnummer")]), ["tel-country-code", "tel-national"]);
        assert_eq!(run(vec![select("", "codes", &[("+1", "+1")]), tel("Phone")]), ["tel-country-code", "tel-national"]);
        assert_eq!(run(vec![select("Phone number country", "pc", &[("CA", "Canada"), ("AF", "Afghanistan")]), tel("Phone")])[0], "tel-country-code");
        // …but a country with no phone after it stays the country.
        assert_eq!(run(vec![field("Country Code", "cc"), field("City", "city")])[0], "country");
    }

    #[test]
    fn a_finer_phone_part_in_the_label_beats_a_generic_tel_attribute() {
        let t = run(vec![FieldDescriptor { autocomplete: "tel".into(), ..field("National phone number", "phoneNumber") }]);
        assert_eq!(t, ["tel-national"]);
        let t = run(vec![FieldDescriptor { autocomplete: "tel".into(), ..field("Phone", "phone") }]);
        assert_eq!(t, ["tel"]);
    }

    #[test]
    fn one_box_for_postcode_and_town_and_postcode_searches() {
        assert_eq!(run(vec![field("Postleitzahl oder Stadt", "q")]), ["postal-code-and-city"]);
        assert_eq!(run(vec![field("PLZ/Ort", "zip")]), ["postal-code-and-city"]);
        assert_eq!(run(vec![field("Code postal / Ville", "cp")]), ["postal-code-and-city"]);
        assert_eq!(run(vec![field("Suburb/Postcode", "loc")]), ["postal-code-or-suburb"]);
        assert_eq!(run(vec![field("Search postcode", "pc")]), ["postal-code-lookup"]);
        assert_eq!(run(vec![FieldDescriptor { kind: "search".into(), ..field("Postcode or Suburb", "pc") }]), ["postal-code-lookup"]);
        // Separate boxes stay what they are, and an explicit attribute wins.
        assert_eq!(run(vec![field("PLZ", "zip"), field("Ort", "city")]), ["postal-code", "address-level2"]);
        assert_eq!(run(vec![FieldDescriptor { placeholder: "Zip".into(), ..field("City", "uxZIP") }])[0], "postal-code");
        assert_eq!(run(vec![FieldDescriptor { autocomplete: "postal-code".into(), ..field("Suburb / Postcode", "pc") }]), ["postal-code"]);
    }

    #[test]
    fn kana_readings_of_the_name() {
        let t = run(vec![field("姓", "lname"), field("名", "fname"), field("セイ", "lname_kana"), field("メイ", "fname_kana")]);
        assert_eq!(t, ["family-name", "given-name", "phonetic-family-name", "phonetic-given-name"]);
        assert_eq!(run(vec![field("Furigana (First Name)", "FuriganaName")]), ["phonetic-given-name"]);
    }

    #[test]
    fn login_names_stairs_blocks_and_house_number_suffixes() {
        assert_eq!(run(vec![field("Username", "user")]), ["loginname"]);
        assert_eq!(run(vec![FieldDescriptor { autocomplete: "username".into(), ..field("Username", "user") }]), ["username"]);
        assert_eq!(run(vec![FieldDescriptor { autocomplete: "username".into(), ..field("Username or email", "username") }]), ["username"]);
        assert_eq!(run(vec![field("Escalier", "staircase")]), ["stair"]);
        assert_eq!(run(vec![field("Stiege", "x")]), ["stair"]);
        assert_eq!(run(vec![field("Block number", "BlockNo")]), ["block"]);
        assert_eq!(run(vec![field("Straat", "s"), field("Huisnummer", "n"), field("Toevoeging", "t")]),
            ["address-streetname", "address-housenumber", "address-extra-housesuffix"]);
        assert_eq!(run(vec![field("Straat", "s"), field("Huisnummer en toevoeging", "n")]), ["address-streetname", "address-housenumber"]);
    }

    #[test]
    fn interior_numbers_are_flats_and_street_numbers_are_house_numbers() {
        assert_eq!(run(vec![field("Calle", "street"), field("Número exterior", "ext"), field("No. Interior", "innerNumber")]),
            ["address-streetname", "address-housenumber", "apartment"]);
        assert_eq!(run(vec![field("Calle", "calle"), field("Número de calle", "houseNumber")]), ["address-streetname", "address-housenumber"]);
        assert_eq!(run(vec![field("Street", "street"), field("", "streetno")]), ["address-streetname", "address-housenumber"]);
        assert_eq!(run(vec![field("Login", "login"), FieldDescriptor { nearby: "E-mail*".into(), ..field("", "user_login") }]), ["loginname", "email"]);
    }

    #[test]
    fn a_country_list_choosing_a_currency_is_not_the_country() {
        let opts = [("USD", "Australien (USD $)"), ("EUR", "Belgien (EUR €)"), ("EUR", "Deutschland (EUR €)"), ("EUR", "Frankreich (EUR €)"),
            ("EUR", "Italien (EUR €)"), ("PLN", "Polen (PLN zł)"), ("EUR", "Spanien (EUR €)"), ("CHF", "Schweiz (CHF)")];
        assert_eq!(run(vec![select("", "currency_code", &opts)]), ["none"]);
        assert_eq!(run(vec![select("Land", "country", &opts)]), ["country"]);
        assert_eq!(run(vec![select("Choose country", "language-selection", &opts)]), ["country"]);
        assert_eq!(run(vec![field("Commune", "localisation")]), ["address-level2"]);
        // A company box whose identifiers end in another word ("…[address_society]").
        assert_eq!(run(vec![field("Company", "checkout[billing_address][address_society]")]), ["organization"]);
    }

    #[test]
    fn a_country_list_submitting_names_is_the_country_name() {
        let names = ["Albania", "Andorra", "Austria", "Belgium", "France", "Germany", "Italy", "Spain", "Sweden"];
        let by_name: Vec<(&str, &str)> = names.iter().map(|n| (*n, *n)).collect();
        assert_eq!(run(vec![select("Country", "country", &by_name)]), ["country-name"]);
        let codes = ["AL", "AD", "AT", "BE", "FR", "DE", "IT", "ES", "SE"];
        let by_code: Vec<(&str, &str)> = codes.iter().zip(names.iter()).map(|(c, n)| (*c, *n)).collect();
        assert_eq!(run(vec![select("Land", "country", &by_code)]), ["country"]);
    }
}
