//! Preference rules, from the user's own words only: diet ("I'm vegetarian", "I don't eat
//! meat", "I eat eggs and dairy"), allergies ("allergic to X", "X allergy", "I carry an
//! EpiPen", "peanuts are fine" under an allergy heading), dislikes ("I hate X", "I don't do X",
//! "please no X", "no X … tastes like soap"), T-shirt size, preferences ("I prefer X"),
//! interests (an INTERESTS/Hobbies list),
//! goals (items under a "goals" heading) and projects ("Project Larkspur").

use std::sync::OnceLock;

use regex::Regex;

use super::people::alternation;
use super::{re, Author, Candidate, View};
use crate::lexicon;

/// Conjunctions that join the items of a list ("X und Y", "las aceitunas ni el cilantro").
const AND: &[&str] = &["and", "or", "und", "oder", "et", "ou", "y", "ni", "o", "e", "en", "of", "i", "lub", "och", "eller", "nor"];
/// Articles before a noun, dropped from list items.
const ARTICLE: &[&str] = &["the", "a", "an", "der", "die", "das", "den", "dem", "le", "la", "les", "l'", "du", "des", "el", "los", "las", "il", "lo", "gli", "i", "het", "de", "o", "os", "as", "um", "uma"];

/// The items of a short list at the start of `text`, up to the end of its clause.
fn items_after(text: &str) -> Vec<String> {
    let clause: String = text.chars().take_while(|c| !matches!(c, '.' | ';' | '!' | '?' | '(' | ')' | '\n' | ':' | '–' | '—')).collect();
    let mut items = Vec::new();
    for part in clause.split(',') {
        // A part led by a first-person word (`…, je n'ai jamais pu`, `…, I never could`) is a
        // clause of its own: the list has ended.
        let first = part.split_whitespace().next().unwrap_or("").to_lowercase();
        if crate::lexicon::self_words().phrases().iter().any(|p| *p == first) || first.starts_with("j'") || first.starts_with("j’") {
            break;
        }
        // An item led by "even" (`betteraves, même marinées`: even pickled) qualifies the one
        // before.
        if part.split_whitespace().next().is_some_and(|w| EVEN.contains(&w.to_lowercase().as_str())) {
            continue;
        }
        let mut cur: Vec<&str> = Vec::new();
        for w in part.split_whitespace() {
            let lw = w.to_lowercase();
            if AND.contains(&lw.as_str()) {
                if !cur.is_empty() {
                    items.push(cur.join(" "));
                }
                cur.clear();
                continue;
            }
            // Articles and prepositions before the item (`à l'aspirine`, `gegen Nüsse`) go, and so
            // does an elided article (`l'aspirine`).
            if cur.is_empty() && (ARTICLE.contains(&lw.as_str()) || crate::lexicon::is_function_word(&lw)) {
                continue;
            }
            let w = match w.find(['\'', '’']) {
                Some(i) if cur.is_empty() && i <= 2 && crate::lexicon::is_function_word(&w[..i].to_lowercase()) => &w[i + w[i..].chars().next().map_or(1, char::len_utf8)..],
                _ => w,
            };
            cur.push(w);
        }
        if !cur.is_empty() {
            items.push(cur.join(" "));
        }
    }
    // An item is a thing: a pronoun (`ça`, `that`) or a clause (`toujours le dire`) is not one;
    // only the small words that join a compound (`noix de cajou`, `fruits à coque`) may be in it.
    let thing = |i: &String| {
        i.split_whitespace().enumerate().all(|(n, w)| {
            let w = w.to_lowercase();
            !crate::lexicon::is_function_word(&w) || (n > 0 && JOINS.contains(&w.as_str()))
        })
    };
    items.into_iter().map(|i| tidy(&i)).filter(|i| !i.is_empty() && i.split_whitespace().count() <= 3 && thing(i)).take(4).collect()
}

/// The thing a sentence puts first and takes up again after a comma (`Le céleri, je n'aime
/// pas`, `Las aceitunas, no me gustan`): the words before the comma that ends `before`, without
/// their article, when they are one to three words of a thing.
fn fronted_item(before: &str) -> Option<String> {
    let sentence = before.rsplit(['.', '!', '?', '\n', ';', ':']).next().unwrap_or("").trim();
    let head = sentence.strip_suffix(',')?.trim();
    let mut words: Vec<&str> = head.split_whitespace().collect();
    let first = words.first()?.to_lowercase();
    if let Some(rest) = first.strip_prefix("l'").or_else(|| first.strip_prefix("l’")) {
        words[0] = &head[head.len() - head.trim_start().len() + first.len() - rest.len()..][..rest.len()];
    } else if ARTICLE.contains(&first.as_str()) {
        words.remove(0);
    }
    let thing = !words.is_empty() && words.len() <= 3 && words.iter().all(|w| !crate::lexicon::is_function_word(&w.to_lowercase()) && w.chars().all(|c| c.is_alphabetic() || c == '-'));
    thing.then(|| words.join(" ").to_lowercase())
}

/// "Even" in the languages read: the word that turns a list item into a qualifier of the last.
const EVEN: &[&str] = &["even", "sogar", "selbst", "même", "incluso", "hasta", "anche", "perfino", "persino", "zelfs", "até", "mesmo", "nawet", "även"];

/// Small words inside a compound name of a food or a thing (`noix de cajou`, `fruits à coque`,
/// `frutos de cáscara`).
const JOINS: &[&str] = &["de", "d'", "du", "des", "of", "di", "del", "della", "da", "do", "dos", "van", "von", "av", "z", "à", "au", "aux", "a", "al", "with", "mit", "con", "com", "med", "en"];

fn tidy(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").trim_matches(|c: char| !c.is_alphanumeric() && c != ')').to_string()
}

pub fn rules(v: &View, out: &mut Vec<Candidate>) {
    let start = out.len();
    rules_inner(v, out);
    // An allergy to a medicine (`allergique à la pénicilline`) is a health fact, never
    // volunteered, not a food to leave out of a menu.
    for c in out[start..].iter_mut().filter(|c| c.key == "allergies" && is_drug(&c.value)) {
        c.key = "health-condition".into();
        c.value = format!("{} (allergy)", c.value);
    }
    super::dedup_since(out, start);
}

/// Whether `item` names a medicine or medical material people are allergic to.
pub fn is_drug(item: &str) -> bool {
    let w = crate::text::words(item).join(" ");
    lexicon::drug_allergens().spellings().any(|(_, _, d)| d == w)
}

fn rules_inner(v: &View, out: &mut Vec<Candidate>) {
    let flat = &v.flat;
    // Sizes are stated by the user or echoed back to them (order confirmations).
    static TSHIRT: OnceLock<Regex> = OnceLock::new();
    let tshirt = re(&TSHIRT, r"(?i)\bt-?shirt(?:\s+size)?\s*(?:is|:|-)?\s*((?:(?:women's|womens|men's|mens|ladies'?|unisex)\s+)?(?:XXS|XS|S|M|L|XL|XXL|XXXL|2XL|3XL|small|medium|large|extra large))\b");
    if v.author != Author::World {
        for c in tshirt.captures_iter(flat) {
            v.emit(out, "t-shirt-size", &c[1], 0.8);
        }
    }
    // Allergies stated to or by the user (a booking noting "severe tree nut allergy").
    static ALLERGIC: OnceLock<Regex> = OnceLock::new();
    static ALLERGY: OnceLock<Regex> = OnceLock::new();
    let allergic = re(&ALLERGIC, r"(?i)\b(?:I'm|I am|I'm severely|I am severely|I'm very|she's|is)?\s*allergic to ([a-z]+(?: [a-z]+)?)");
    let allergy = re(&ALLERGY, r"(?i)\b(?:my |severe |mild |a )?([a-z]+(?: nut)?) allergy\b");
    if v.author != Author::World {
        for c in allergic.captures_iter(flat) {
            let whole = c.get(0).expect("match");
            let at = whole.start() + whole.as_str().to_lowercase().find("allergic").unwrap_or(0);
            if super::people::someone_else_leads(&flat[..at]) {
                continue;
            }
            let item = c[1].trim_end_matches(" and").to_lowercase();
            v.emit(out, "allergies", &item, 0.85);
            // "allergic to celery (Sellerie)": the word in brackets is the same allergen.
            static GLOSS: OnceLock<Regex> = OnceLock::new();
            let after = &flat[c.get(0).map_or(0, |m| m.end())..];
            if let Some(g) = re(&GLOSS, r"^\s*\((\p{L}[\p{L}-]+)\)").captures(after) {
                v.emit(out, "allergy-alias", &format!("{}={item}", g[1].to_lowercase()), 0.85);
            }
        }
        for c in allergy.captures_iter(flat) {
            let mut words: Vec<String> = c[1].to_lowercase().split_whitespace().map(str::to_string).collect();
            if words.first().is_some_and(|w| ["a", "an", "the", "my", "your", "no", "any", "severe", "mild", "food"].contains(&w.as_str())) {
                words.remove(0);
            }
            let item = words.join(" ");
            if item.is_empty() || ["nut", "food", "allergy"].contains(&item.as_str()) {
                continue;
            }
            let item = if item.ends_with("nut") { format!("{item}s") } else { item };
            v.emit(out, "allergies", &item, 0.75);
        }
    }
    if v.author != Author::World {
        static CUE: OnceLock<Regex> = OnceLock::new();
        let cue = CUE.get_or_init(|| super::cue_regex(lexicon::allergy_cues(), r"\s+"));
        for m in cue.find_iter(flat) {
            // English "allergic to" is read above, with its own checks.
            if m.as_str().to_lowercase().contains("allergic to") {
                continue;
            }
            // "I can't tolerate" is the writer's only in their own text.
            let first_person_cue = m.as_str().split_whitespace().any(|w| lexicon::self_words().phrases().iter().any(|p| p.eq_ignore_ascii_case(w)));
            if first_person_cue && !v.first_person() {
                continue;
            }
            // Someone else's allergy (`Noor är allergisk mot …`, `my son is allergic …`).
            if super::people::someone_else_leads(&flat[..m.start() + m.as_str().find(char::is_alphabetic).unwrap_or(0)]) {
                continue;
            }
            for item in items_after(&flat[m.end()..]) {
                v.emit(out, "allergies", &item.to_lowercase(), 0.8);
            }
        }
    }
    if !v.first_person() {
        return;
    }
    // Diet and dislikes in any language the lexicon holds.
    static SELF_DIET: OnceLock<Regex> = OnceLock::new();
    static DISLIKE: OnceLock<Regex> = OnceLock::new();
    let self_diet = SELF_DIET.get_or_init(|| {
        Regex::new(&format!(
            r"(?i)(?:^|[^\p{{L}}])(?:{})\s+(?:(?:a|an|ein|eine|un|une|una|uno|en|strict|strikt|strictement|estricto|estricta|seit\s+\S+|depuis\s+\S+|desde\s+hace\s+\S+\s+\S+)\s+){{0,2}}({})(?:[^\p{{L}}]|$)",
            alternation(lexicon::self_is()),
            alternation(lexicon::diets())
        ))
        .expect("diet regex")
    });
    for c in self_diet.captures_iter(flat) {
        // A cue of one word that is the same for every person (Swedish `är`: also "is") says
        // nothing of who is meant: it is the writer's only where the clause starts with it (`Är
        // vegetarian sedan 2019.`), not after a name (`Mateo är vegan`). A first-person
        // form (`soy`, `bin`, `suis`) is the writer's wherever it stands.
        let cue = c.get(0).map(|m| m.as_str().trim_start_matches(|ch: char| !ch.is_alphabetic())).unwrap_or("");
        let first = cue.split_whitespace().next().unwrap_or("").to_lowercase();
        let any_person = lexicon::third_person_is().phrases().iter().any(|p| *p == first);
        if any_person {
            let before = flat[..c.get(0).map(|m| m.start()).unwrap_or(0)].trim_end();
            let clause_start = before.is_empty() || before.ends_with(['.', '!', '?', ':', ';', '\n', '-', '*', '•', '(']);
            if !clause_start {
                continue;
            }
        }
        if let Some(d) = lexicon::diet(&c[1].split_whitespace().collect::<Vec<_>>().join(" ")) {
            v.emit(out, "diet", d, 0.85);
        }
    }
    let dislike = DISLIKE.get_or_init(|| super::cue_regex(lexicon::dislike_cues(), r"\s+"));
    for m in dislike.find_iter(flat) {
        // The English phrases are read below with their own exceptions.
        let phrase = m.as_str().trim_start_matches(|c: char| !c.is_alphabetic()).split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if lexicon::dislike_cues().lang("en").is_some_and(|l| l.items.iter().any(|i| i.contains(&phrase))) {
            continue;
        }
        for item in items_after(&flat[m.end()..]) {
            v.emit(out, "dislikes", &item, 0.75);
        }
    }
    // `Le céleri, je n'aime pas.`: a cue that ends its clause takes up the thing put first.
    static DISLIKE_END: OnceLock<Regex> = OnceLock::new();
    let dislike_end = DISLIKE_END.get_or_init(|| super::cue_regex(lexicon::dislike_cues(), r"\s*(?:[,.;!?]|$)"));
    for m in dislike_end.find_iter(flat) {
        if let Some(item) = fronted_item(&flat[..m.start() + m.as_str().find(char::is_alphabetic).unwrap_or(0)]) {
            v.emit(out, "dislikes", &item, 0.75);
        }
    }
    // `Gillar inte oliver.` at the start of a line or sentence: the writer's own dislike.
    static OPENER: OnceLock<Regex> = OnceLock::new();
    let opener = OPENER.get_or_init(|| Regex::new(&format!(r"(?im)(?:^|[.!?]\s+)[-*•]?\s*(?:{})\s+", super::people::alternation(lexicon::dislike_openers()))).expect("dislike openers"));
    for m in opener.find_iter(&v.text) {
        for item in items_after(&v.text[m.end()..]) {
            if !out.iter().any(|c| c.key == "dislikes" && c.value == item) {
                v.emit(out, "dislikes", &item, 0.75);
            }
        }
    }
    static CARRY: OnceLock<Regex> = OnceLock::new();
    static FINE: OnceLock<Regex> = OnceLock::new();
    let carry = re(&CARRY, r"(?i)\bI (?:always )?carry (?:an? |my |two )?(epi-?pens?|auto-?injectors?|inhalers?)");
    let fine = re(&FINE, r"(?i)\b([a-z]+s) are (?:fine|ok|okay|safe)\b");
    for c in carry.captures_iter(flat) {
        let item = if c[1].to_lowercase().starts_with("epi") { "EpiPen".to_string() } else { c[1].to_lowercase() };
        v.emit(out, "allergies", &format!("carries {item}"), 0.7);
    }
    if flat.to_lowercase().contains("allerg") {
        for c in fine.captures_iter(flat) {
            v.emit(out, "allergies", &format!("{} fine", c[1].to_lowercase()), 0.6);
        }
    }
    // Diet.
    static DIET: OnceLock<Regex> = OnceLock::new();
    static NO_MEAT: OnceLock<Regex> = OnceLock::new();
    static EAT: OnceLock<Regex> = OnceLock::new();
    static NO_X: OnceLock<Regex> = OnceLock::new();
    let diet = re(&DIET, r"(?i)\b(?:I'm|I am|I've been|I have been|as an?|being)\s+(?:an?\s+)?(?:strict\s+)?(vegetarian|vegan|pescatarian|pescetarian|halal|kosher|gluten-free|dairy-free)\b|\b(vegetarian|vegan|pescatarian)\s*\((?:since|for)\b");
    let no_meat = re(&NO_MEAT, r"(?i)\bI (?:don't|do not|never) eat (meat|fish|pork|beef|dairy|eggs|meat or fish|meat and fish)\b|\bno (meat or fish|meat and fish)\b");
    let eat = re(&EAT, r"(?i)\bI (?:do )?eat (eggs and dairy|dairy and eggs|eggs|dairy|fish)\b");
    let no_x = re(&NO_X, r"(?i)\b(?:please )?no ([a-z]+)(?:,| on top| in it)?[^.!?]{0,40}?(?:\bnever\b|tastes? like soap|\bhate\b|can't stand)|\bplease,? no ([a-z]+)\b");
    for c in diet.captures_iter(flat) {
        let d = c.get(1).or(c.get(2)).map(|m| m.as_str().to_lowercase()).unwrap_or_default();
        v.emit(out, "diet", &d, 0.85);
    }
    for c in no_meat.captures_iter(flat) {
        let what = c.get(1).or(c.get(2)).map(|m| m.as_str().to_lowercase()).unwrap_or_default();
        v.emit(out, "diet-detail", &format!("no {what}"), 0.7);
    }
    for c in eat.captures_iter(flat) {
        v.emit(out, "diet-detail", &c[1].to_lowercase(), 0.7);
    }
    // Dislikes.
    static DONT_DO: OnceLock<Regex> = OnceLock::new();
    static HATE: OnceLock<Regex> = OnceLock::new();
    let dont_do = re(&DONT_DO, r"(?i)\bI (?:don't|do not|won't) do ([^.,;!?()\n]{2,40})");
    let hate = re(&HATE, r"(?i)\bI (?:hate|can't stand|cannot stand|dislike|don't like|do not like|loathe|detest|eat everything except|eat everything but|eat anything but) ([^.,;!?()\n]{2,40})");
    for c in dont_do.captures_iter(flat) {
        v.emit(out, "dislikes", &tidy(&c[1]), 0.75);
    }
    for c in hate.captures_iter(flat) {
        let item = tidy(&c[1]);
        if !item.starts_with("it") && !item.starts_with("that") {
            v.emit(out, "dislikes", &item, 0.75);
        }
    }
    for c in no_x.captures_iter(flat) {
        if let Some(m) = c.get(1).or(c.get(2)) {
            let w = m.as_str().to_lowercase();
            if !["stirring", "pressure", "excuses", "big", "more", "new"].contains(&w.as_str()) && w.len() > 3 {
                v.emit(out, "dislikes", &w, 0.7);
            }
        }
    }
    // Preferences.
    static PREFER: OnceLock<Regex> = OnceLock::new();
    let prefer = re(&PREFER, r"(?i)\bI (?:prefer|love|always choose|always ask for) ([^.,;!?()\n]{3,50})");
    for c in prefer.captures_iter(flat) {
        v.emit(out, "preferences", &tidy(&c[1]), 0.6);
    }
    // Projects.
    static PROJECT: OnceLock<Regex> = OnceLock::new();
    for c in re(&PROJECT, r"\bProject ([A-Z][a-z]+)\b").captures_iter(flat) {
        v.emit(out, "projects", &format!("Project {}", &c[1]), 0.7);
    }
    // Interests: the list under an INTERESTS/HOBBIES heading or after "Hobbies:".
    static INTERESTS: OnceLock<Regex> = OnceLock::new();
    let interests = re(&INTERESTS, r"(?mi)^(?:#+\s*)?(?:interests|hobbies)\s*(?::\s*|\n)([^\n]{3,200})$");
    for c in interests.captures_iter(&v.text) {
        for item in c[1].split([',', ';']).map(|i| tidy(i.split('(').next().unwrap_or(""))).filter(|i| !i.is_empty()).take(10) {
            v.emit(out, "interests", &item.to_lowercase(), 0.6);
        }
    }
    // Goals: numbered or bulleted lines under a heading that says "goals".
    if v.chunk.heading_path.iter().any(|h| h.to_lowercase().contains("goal")) {
        static ITEM: OnceLock<Regex> = OnceLock::new();
        let item = re(&ITEM, r"^\s*(?:\d+[.)]|-)\s+(?:\(done\)\s*)?(.{4,80})$");
        let mut n = 0;
        for line in v.chunk.text.lines() {
            // An inline heading ends the goals section.
            if line.starts_with('#') {
                break;
            }
            if let Some(c) = item.captures(line) {
                let g = tidy(c[1].split(" – ").next().unwrap_or(""));
                if n < 8 && !g.is_empty() {
                    v.emit(out, "goals", &g, 0.6);
                    n += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod lang_tests {
    use super::super::tests::run_rule;
    use super::*;

    fn get(c: &[(String, String)], k: &str) -> Vec<String> {
        c.iter().filter(|(a, _)| a == k).map(|(_, b)| b.clone()).collect()
    }

    /// Diets, allergies and dislikes as people write them in other languages (invented).
    #[test]
    fn preferences_in_other_languages() {
        for (text, diet) in [("Ich bin seit 2019 Vegetarierin.", "vegetarian"), ("Je suis végétalienne depuis l'an dernier.", "vegan"), ("Soy vegetariano desde hace años.", "vegetarian"), ("Jag är vegan sedan 2020.", "vegan"), ("Sono pescetariana.", "pescatarian")] {
            assert_eq!(get(&run_rule(text, |v, out| rules(v, out)), "diet"), [diet], "{text}");
        }
        for (text, want) in [("Ich bin allergisch gegen Haselnüsse und Kiwi.", vec!["haselnüsse", "kiwi"]), ("Je suis allergique aux arachides.", vec!["arachides"]), ("Jag är allergisk mot jordnötter.", vec!["jordnötter"])] {
            assert_eq!(get(&run_rule(text, |v, out| rules(v, out)), "allergies"), want, "{text}");
        }
        // Someone else's allergy after their name or "my" + relation; the writer's own with the
        // verb before the subject (Swedish and German verb-second order).
        let c = run_rule("# Hemma\nLinus är allergisk mot nötter. Sedan i fjol är jag allergisk mot kiwi.", |v, out| rules(v, out));
        assert_eq!(get(&c, "allergies"), ["kiwi"], "{c:?}");
        let c = run_rule("Linus är allergisk mot nötter. Min dotter är allergisk mot fisk. Numera tål jag inte gluten.", |v, out| rules(v, out));
        assert_eq!(get(&c, "allergies"), ["gluten"], "{c:?}");
        let c = run_rule("My brother is allergic to shellfish. Seit dem Winter vertrage ich keine Milch.", |v, out| rules(v, out));
        assert_eq!(get(&c, "allergies"), ["Milch".to_lowercase()], "{c:?}");
        let c = run_rule("Allergic to kiwi (Kiwifrucht) since childhood.", |v, out| rules(v, out));
        assert!(c.contains(&("allergy-alias".into(), "kiwifrucht=kiwi".into())), "{c:?}");
        for (text, want) in [("Ich mag keine Oliven.", vec!["Oliven"]), ("No me gustan las setas ni el pepino.", vec!["setas", "pepino"]), ("Je déteste les endives.", vec!["endives"]), ("Jag gillar inte dill och kapris.", vec!["dill", "kapris"])] {
            assert_eq!(get(&run_rule(text, |v, out| rules(v, out)), "dislikes"), want, "{text}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run_rule, run_rule_as};
    use super::*;
    use crate::memory::SourceKind;

    fn get(c: &[(String, String)], k: &str) -> Vec<String> {
        c.iter().filter(|(a, _)| a == k).map(|(_, b)| b.clone()).collect()
    }

    /// Someone else's diet after their name is not the writer's; "I eat everything except X"
    /// is a dislike in any language (invented examples).
    #[test]
    fn a_named_persons_diet_and_everything_but() {
        let c = run_rule("Mateo är vegan sedan i fjol. Jag äter allt utom rödbetor.", |v, out| rules(v, out));
        assert!(get(&c, "diet").is_empty(), "{c:?}");
        assert_eq!(get(&c, "dislikes"), ["rödbetor"], "{c:?}");
        let c = run_rule("Är vegetarian sedan 2015.", |v, out| rules(v, out));
        assert_eq!(get(&c, "diet"), ["vegetarian"], "{c:?}");
        // A first-person form is the writer's after anything (`Desde 2019 soy …`).
        let c = run_rule("Desde 2019 soy vegetariana.", |v, out| rules(v, out));
        assert_eq!(get(&c, "diet"), ["vegetarian"], "{c:?}");
        for (text, want) in [("I eat everything except parsnips.", "parsnips"), ("Je mange de tout sauf les huîtres.", "huîtres"), ("Como de todo menos berenjena, yo la evito siempre.", "berenjena")] {
            assert_eq!(get(&run_rule(text, |v, out| rules(v, out)), "dislikes"), [want], "{text}");
        }
    }

    #[test]
    fn diet_allergies_dislikes_size() {
        let c = run_rule("I'm vegetarian but I eat eggs and dairy. I'm allergic to tree nuts (cashews), I carry an EpiPen. Please no coriander, it tastes like soap to me. I don't do meetings before 9:30. T-shirt: women's M", rules);
        assert_eq!(get(&c, "diet"), ["vegetarian"]);
        assert_eq!(get(&c, "diet-detail"), ["eggs and dairy"]);
        assert_eq!(get(&c, "allergies"), ["tree nuts", "carries EpiPen"]);
        assert!(get(&c, "dislikes").contains(&"coriander".to_string()), "{c:?}");
        assert!(get(&c, "dislikes").contains(&"meetings before 9:30".to_string()));
        assert_eq!(get(&c, "t-shirt-size"), ["women's M"]);
        let c = run_rule("# Mat\nGillar inte kapris.\nHon gillar inte fisk.\nN'aime pas le céleri, ni les navets.", rules);
        let d = get(&c, "dislikes");
        assert!(d.contains(&"kapris".to_string()) && d.iter().any(|x| x.starts_with("céleri")), "{c:?}");
        assert!(!get(&c, "dislikes").contains(&"fisk".to_string()), "someone else's dislike: {c:?}");
        let c = run_rule("INTERESTS\nBouldering, running (training), baking\n", rules);
        assert_eq!(get(&c, "interests"), ["bouldering", "running", "baking"]);
    }

    /// A pronoun or a clause after a cue is no item; an allergy to a medicine is a health fact
    /// (invented examples).
    #[test]
    fn items_are_things_and_medicines_are_health() {
        let c = run_rule("Du poisson ? Non merci, je déteste ça.", rules);
        assert!(get(&c, "dislikes").is_empty(), "{c:?}");
        let c = run_rule("Je suis allergique aux noix de pécan et à l'aspirine, il faut le savoir.", rules);
        assert_eq!(get(&c, "allergies"), ["noix de pécan"], "{c:?}");
        assert_eq!(get(&c, "health-condition"), ["aspirine (allergy)"], "{c:?}");
        let c = run_rule("Ich bin allergisch gegen Penicillin.", rules);
        assert!(get(&c, "allergies").is_empty() && get(&c, "health-condition") == ["penicillin (allergy)"], "{c:?}");
        // Québec and spoken French; "even …" qualifies the item before it.
        let c = run_rule("I hate olives, even on pizza.", rules);
        assert_eq!(get(&c, "dislikes"), ["olives"], "{c:?}");
        let c = run_rule("J'haïs le brocoli.", rules);
        assert_eq!(get(&c, "dislikes"), ["brocoli"], "{c:?}");
        // The thing put first, then the clause (with an adverb inside the negation).
        let c = run_rule("Les navets, je n'aime vraiment pas, même en purée.", rules);
        assert_eq!(get(&c, "dislikes"), ["navets"], "{c:?}");
    }

    #[test]
    fn allergy_notes_and_others_words() {
        let c = run_rule("**allergy**\n- tree nut allergy (cashew + pistachio). peanuts are fine, weirdly.", rules);
        assert_eq!(get(&c, "allergies"), ["tree nuts", "peanuts fine"]);
        // A clipped article's "if you have a nut allergy" is not about the user.
        let c = run_rule_as("If you have a nut allergy, ask. I hate cheese.", SourceKind::Html, rules);
        assert!(c.is_empty(), "{c:?}");
    }
}
