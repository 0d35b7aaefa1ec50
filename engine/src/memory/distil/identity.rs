//! Identity rules: honorific (`Ms Jo Bloggs` in an address block), middle name (`Jo Anne
//! Bloggs`), birthday (`DOB: 02/11/1987`, `my birthday is 5 May 1990`, `date of birth`), native
//! language (`English (native)`, `my native language is …`).

use std::sync::OnceLock;

use regex::Regex;

use super::{re, Candidate, Owner, View};
use crate::lexicon;
use crate::text::dates;

/// ISO 639-1 code of a language name, written in any language the product reads.
pub fn language_code(name: &str) -> Option<&'static str> {
    lexicon::language_code(name)
}

/// Title case for a name word written in capitals (`SOPHIE` → `Sophie`).
fn name_case(w: &str) -> String {
    if w.chars().any(|c| c.is_lowercase()) {
        return w.to_string();
    }
    let mut c = w.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase()).unwrap_or_default()
}

/// The writer's age said in their own text (`j'ai 41 ans`, `I'm 41 years old`), as `age` =
/// `41`, or the age they turn on their next birthday (`fyller 37`), as `age-next` = `37`: with
/// the day it was written and the birthday, the year of birth.
fn age(v: &View, out: &mut Vec<Candidate>) {
    // Only a text with its own day says when the age was so.
    if !v.first_person() || v.chunk.dated.or(v.source.dated).is_none() {
        return;
    }
    static AGE: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (now, next) = AGE.get_or_init(|| {
        let item = |i: usize| {
            let mut all: Vec<String> = lexicon::age_cues().spellings().filter(|(_, n, _)| *n == i).map(|(_, _, w)| regex::escape(w).replace(' ', r"\s+")).collect();
            all.sort_by_key(|w| std::cmp::Reverse(w.len()));
            all.join("|")
        };
        let (cue, unit, turn) = (item(0), item(1), item(2));
        (
            Regex::new(&format!(r"(?i)(?:^|[^\p{{L}}'’])(?:{cue})\s+(\d{{1,2}})\s+(?:{unit})\b")).expect("age regex"),
            Regex::new(&format!(r"(?i)(?:^|[^\p{{L}}'’])(?:{turn})\s+(\d{{1,2}})\b")).expect("turning regex"),
        )
    });
    // An adult's age, not years of something (`j'ai 12 ans d'expérience`, `ho 3 anni di`).
    let adult = |n: &str| n.parse::<u32>().is_ok_and(|n| (14..=99).contains(&n));
    let of_something = |rest: &str| rest.split_whitespace().next().is_some_and(|w| ["de", "d'expérience", "di", "of", "av", "z", "do", "van", "von", "d’expérience"].contains(&w.to_lowercase().as_str()) || w.to_lowercase().starts_with("d'") || w.to_lowercase().starts_with("d’"));
    for c in now.captures_iter(&v.flat) {
        let end = c.get(0).map_or(0, |m| m.end());
        if adult(&c[1]) && !of_something(&v.flat[end..]) {
            v.emit(out, "age", &c[1], 0.7);
        }
    }
    for c in next.captures_iter(&v.flat) {
        // `Pappa fyller 70`, `Sam turns 40`: someone else's age.
        let start = c.get(0).map_or(0, |m| m.start() + m.as_str().find(char::is_alphabetic).unwrap_or(0));
        let before = v.flat[..start].trim_end();
        let prev = before.rsplit(char::is_whitespace).next().unwrap_or("").trim_matches(|ch: char| !ch.is_alphanumeric());
        let clause_start = before.is_empty() || before.ends_with(['.', '!', '?', ':', ';', '-', '*', '•', '(', ',']);
        let someone = !clause_start && (prev.chars().next().is_some_and(char::is_uppercase) || super::people::relation_kind(prev).is_some());
        if adult(&c[1]) && !someone {
            v.emit(out, "age-next", &c[1], 0.7);
        }
    }
}

/// The year of birth from an age said on a dated day and the birthday (`bday-day`,
/// `bday-month`), when no rule read the year itself.
pub fn birth_year_from_age(cands: &mut Vec<Candidate>) {
    if cands.iter().any(|c| c.key == "bday-year" || c.key == "bday") {
        return;
    }
    let get = |k: &str| cands.iter().find(|c| c.key == k).and_then(|c| c.value.parse::<u32>().ok());
    let (Some(day), Some(month)) = (get("bday-day"), get("bday-month")) else { return };
    // An undated note (no day it was written) says nothing of the year.
    let said = cands.iter().filter(|c| (c.key == "age" || c.key == "age-next") && c.observed_at > 0 && c.observed_at < crate::memory::Timestamp::MAX).max_by_key(|c| c.observed_at).cloned();
    let Some(said) = said else { return };
    let Ok(age) = said.value.parse::<i64>() else { return };
    let (y, m, d) = crate::memory::date::civil_from_timestamp(said.observed_at);
    let passed = (month, day) <= (m, d);
    let year = if said.key == "age" { y - age - i64::from(!passed) } else { y - age + i64::from(passed) };
    cands.push(Candidate { key: "bday-year".into(), value: year.to_string(), confidence: 0.6, chunk_id: said.chunk_id.clone(), observed_at: said.observed_at });
    if let Some(bday) = crate::memory::date::timestamp(year, month, day) {
        let (yy, mm, dd) = crate::memory::date::civil_from_timestamp(bday);
        cands.push(Candidate { key: "bday".into(), value: format!("{yy:04}-{mm:02}-{dd:02}"), confidence: 0.6, chunk_id: said.chunk_id, observed_at: said.observed_at });
    }
}

pub fn rules(v: &View, owner: &Owner, out: &mut Vec<Candidate>) {
    age(v, out);
    static HONORIFIC: OnceLock<String> = OnceLock::new();
    let text = &v.text;
    let titles = HONORIFIC.get_or_init(|| {
        let mut all = lexicon::honorifics().phrases();
        all.sort_by_key(|w| std::cmp::Reverse(w.len()));
        all.dedup();
        all.iter().map(|w| regex::escape(w)).collect::<Vec<_>>().join("|")
    });
    // Honorific + middle names from lines naming the user: the title written right before the
    // given name (`Frau Dr. Jo Bloggs` gives `Dr.`).
    if owner.given.is_some() {
        let (g, f) = (owner.given.as_deref().unwrap_or(""), owner.family.as_deref().unwrap_or(""));
        let pattern = format!(r"(?i)(?:^|[^\p{{L}}])({titles})(\.?)\s+{}((?:\s+\p{{L}}[\p{{L}}'-]+)*?)\s+{}(?:[^\p{{L}}]|$)", regex::escape(g), regex::escape(f));
        let Some(hon) = super::owner_regex(&pattern) else { return };
        for c in hon.captures_iter(text) {
            let t = &c[1];
            let dot = if c[2].is_empty() { "" } else { "." };
            let title = format!("{}{}{dot}", t[..1].to_uppercase(), &t[1..].to_lowercase());
            v.emit(out, "honorific-prefix", &title, 0.8);
            let middle = c[3].trim();
            // Only properly written names (not ALL CAPS tickets) give the middle name's spelling.
            if !middle.is_empty() && middle.chars().any(|ch| ch.is_lowercase()) && middle.split_whitespace().all(|w| w.chars().count() > 1) {
                v.emit(out, "additional-name", middle, 0.8);
            }
        }
        // A line that is only the user's name with one more word inside it (a CV header, a
        // signature, a form's `Name:` field): the middle name, in capitals or not.
        if v.first_person() && !f.is_empty() {
            let line_pattern = format!(r"(?im)^\s*(?:\p{{L}}[\p{{L}} .-]{{0,24}}:\s*)?(?:(?:{titles})\.?\s+)*{}\s+(\p{{L}}[\p{{L}}'-]+)\s+{}\s*$", regex::escape(g), regex::escape(f));
            if let Some(line) = super::owner_regex(&line_pattern) {
                for c in line.captures_iter(text) {
                    v.emit(out, "additional-name", &name_case(&c[1]), 0.75);
                }
            }
        }
    }
    if !v.first_person() {
        return;
    }
    // Birthday: a date right after a "date of birth" word, in any language.
    static CUES: OnceLock<Regex> = OnceLock::new();
    let cues = re(&CUES, &format!(r"(?i)(?:^|[^\p{{L}}])(?:{})(?:[^\p{{L}}\n]|$)", super::people::alternation(lexicon::birth_cues())));
    for m in cues.find_iter(text) {
        if someone_elses_birth(&text[..m.start()], owner) {
            continue;
        }
        let rest: String = text[m.end()..].chars().take(40).take_while(|c| *c != '\n').collect();
        let lead: String = rest.chars().take_while(|c| !c.is_ascii_digit()).collect();
        if lead.chars().count() > 20 {
            continue;
        }
        let Some(span) = dates::dates_in(&rest).into_iter().next() else { continue };
        if span.start > lead.len() + 4 {
            continue;
        }
        if let Some((y, mo, d)) = span.ymd() {
            v.emit(out, "bday", &format!("{y:04}-{mo:02}-{d:02}"), 0.9);
        }
    }
    // A list of birthdays with the writer in it under a first-person word (`- me: 23 June
    // 1981`, `ich – 4. März 1990`): theirs.
    if names_birthdays(v) {
        static SELF_ENTRY: OnceLock<Regex> = OnceLock::new();
        let entry = re(&SELF_ENTRY, &format!(r"(?im)^[\s\-*•·]*(?:{})\s*(?:\([^)\n]*\)\s*)?[:–—-]\s*(.+)$", super::people::alternation(lexicon::self_words())));
        for c in entry.captures_iter(text) {
            let Some(span) = dates::dates_in(&c[1]).into_iter().next().filter(|s| s.start <= 2) else { continue };
            match (span.ymd(), span.day) {
                (Some((y, mo, d)), _) => v.emit(out, "bday", &format!("{y:04}-{mo:02}-{d:02}"), 0.85),
                (None, Some(d)) => {
                    v.emit(out, "bday-day", &d.to_string(), 0.8);
                    v.emit(out, "bday-month", &span.month.to_string(), 0.8);
                }
                _ => {}
            }
        }
    }
    // "Fyller 38 idag", "I turn 40 today" in a note of a known day: born that day, so many years before.
    if v.source.dated.is_some() {
        for sentence in crate::text::sentences(text) {
            if let Some(age) = turning_today(sentence, owner) {
                let (y, m, d) = crate::memory::date::civil_from_timestamp(v.date);
                if crate::memory::date::timestamp(y - age as i64, m, d).is_some() {
                    v.emit(out, "bday", &format!("{:04}-{m:02}-{d:02}", y - age as i64), 0.7);
                }
            }
        }
    }
    // Native language: "English (native)", "Deutsch (Muttersprache)", "my native language is …".
    static NATIVE: OnceLock<Regex> = OnceLock::new();
    static NATIVE2: OnceLock<Regex> = OnceLock::new();
    let cue = super::people::alternation(lexicon::native_cues());
    let native = re(&NATIVE, &format!(r"(?i)(\p{{L}}+)\s*[(:–-]\s*(?:{cue})\b"));
    let native2 = re(&NATIVE2, r"(?i)\b(?:my (?:native|first) language is|I'm a native ([A-Za-z]+) speaker|native speaker of)\s*([A-Za-z]+)?");
    for c in native.captures_iter(text) {
        if let Some(code) = language_code(&c[1]) {
            v.emit(out, "language", code, 0.8);
        }
    }
    for c in native2.captures_iter(text) {
        let name = c.get(1).or(c.get(2)).map(|m| m.as_str()).unwrap_or("");
        if let Some(code) = language_code(name) {
            v.emit(out, "language", code, 0.8);
        }
    }
    // "I speak Polish and English", "ich spreche Deutsch und Dänisch": the languages named
    // after the cue, to the end of the sentence.
    static SPEAK: OnceLock<Regex> = OnceLock::new();
    let speak = SPEAK.get_or_init(|| super::cue_regex(lexicon::speak_cues(), r"\s+"));
    for m in speak.find_iter(&v.flat) {
        let rest = &v.flat[m.end()..];
        let sentence = rest.split(['.', '!', '?', '\n']).next().unwrap_or(rest);
        for l in languages_in(sentence) {
            v.emit(out, "languages", &l, 0.75);
        }
    }
    // The languages the user speaks: a line of a CV or a profile that lists two or more
    // languages, each maybe with its level (`Svenska (modersmål), engelska (flytande), tyska`).
    for line in text.lines() {
        let spoken = languages_in(line);
        if spoken.len() >= 2 {
            for l in spoken {
                v.emit(out, "languages", &l, 0.75);
            }
        }
    }
}

/// The languages a line lists, as written, with their level (`Deutsch (Muttersprache),
/// Englisch (C1)` → `Deutsch (Muttersprache)`, `Englisch (C1)`).
fn languages_in(line: &str) -> Vec<String> {
    if line.chars().count() > 200 {
        return Vec::new();
    }
    let body = line.split_once(':').map(|(_, r)| r).unwrap_or(line);
    let mut out = Vec::new();
    for part in body.split([',', ';', '|', '/', '·']).flat_map(|p| p.split(" and ").flat_map(|q| q.split(" och ")).flat_map(|q| q.split(" et ")).flat_map(|q| q.split(" und ")).flat_map(|q| q.split(" y "))) {
        let part = part.trim().trim_start_matches(['-', '*', '•']).trim();
        let (name, level) = match part.split_once('(') {
            Some((n, l)) => (n.trim(), Some(l.trim_end_matches(')').trim())),
            None => (part, None),
        };
        // `Spanish A2`, `anglais courant`: the name may be followed by a short level.
        let mut words = name.split_whitespace();
        let Some(first) = words.next() else { continue };
        if language_code(first.trim_matches(|c: char| !c.is_alphabetic())).is_none() {
            continue;
        }
        let rest: Vec<&str> = words.collect();
        if rest.len() > 2 {
            continue;
        }
        // As the user wrote it (`engelska`, `Deutsch`), with a capital.
        let written = first.trim_matches(|c: char| !c.is_alphabetic());
        let written = written.chars().next().map(|c| c.to_uppercase().collect::<String>() + &written[c.len_utf8()..]).unwrap_or_default();
        let level = level.map(str::to_string).or_else(|| (!rest.is_empty()).then(|| rest.join(" ")));
        out.push(match level {
            Some(l) if !l.is_empty() => format!("{written} ({l})"),
            _ => written,
        });
    }
    out
}

/// The age the writer turns today, when `sentence` says so of themselves (`Fyller 38 idag.`,
/// `Today I turn 40`, `45 ans aujourd'hui`): an age next to a word of turning, a word for today,
/// and around it nobody else (no name, no relative: only the writer's own small words).
fn turning_today(sentence: &str, owner: &Owner) -> Option<u32> {
    let lower = sentence.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’').filter(|w| !w.is_empty()).collect();
    let raw: Vec<&str> = sentence.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’').filter(|w| !w.is_empty()).collect();
    let cue_line = lexicon::turning_cues().lines.iter().find(|l| {
        l.items[1].iter().any(|t| if t.contains(' ') { lower.contains(t.as_str()) } else { words.contains(&t.as_str()) })
            && l.items[0].iter().any(|t| words.contains(&t.as_str()))
    })?;
    let at = words.iter().position(|w| cue_line.items[0].iter().any(|t| t == w))?;
    let near = |i: usize| words.get(i).and_then(|w| w.parse::<u32>().ok()).filter(|n| (5..=110).contains(n));
    let age = near(at + 1).or_else(|| at.checked_sub(1).and_then(near)).or_else(|| near(at + 2))?;
    let today = |w: &str| cue_line.items[1].iter().any(|t| t.split(' ').any(|p| p == w));
    // Who turns: the words before the cue and the few after it (`Idag fyller Sam 8 år`).
    let cue = |w: &str| cue_line.items[0].iter().any(|t| t == w);
    let someone_else = raw.iter().zip(&words).take(at + 4).any(|(r, w)| {
        super::people::relation_kind(w).is_some() || (r.starts_with(char::is_uppercase) && r.chars().count() > 1 && !owner.is_own_name(r) && !today(w) && !cue(w) && !lexicon::is_function_word(w))
    });
    (!someone_else).then_some(age)
}

/// Whether the birth cue after `before` speaks of someone else: a relative (`my son, born …`,
/// `meine Tochter ist … geboren`) or a name other than the user's right before it (`Mia, née le
/// …`, `Emil (geb. …)`), in the same clause.
/// Whether a chunk is about birthdays: a word for birthday (or its plural) in its heading or text.
fn names_birthdays(v: &View) -> bool {
    let Some(birthday) = lexicon::concepts().iter().find(|c| c.words.iter().any(|(l, w)| *l == "en" && w.iter().any(|w| w == "birthday"))) else { return false };
    let words: Vec<String> = birthday.words.iter().flat_map(|(_, w)| w.iter().cloned()).filter(|w| w.chars().count() >= 6).collect();
    crate::text::words(&v.text).iter().any(|t| {
        let t = t.to_lowercase();
        words.iter().any(|w| t.starts_with(w.as_str()))
    })
}

fn someone_elses_birth(before: &str, owner: &Owner) -> bool {
    let clause = before.rsplit(['\n', '(', ';', '.', ':', '!', '?']).next().unwrap_or(before);
    let words: Vec<&str> = clause.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'' && c != '’').filter(|w| !w.is_empty()).collect();
    if words.iter().any(|w| super::people::relation_kind(w).is_some()) {
        return true;
    }
    // The name must touch the cue (a comma at most between): `Lebenslauf – geboren` is a heading.
    let touches = clause.trim_end().trim_end_matches(',').ends_with(char::is_alphabetic);
    touches && words.last().is_some_and(|w| w.chars().count() > 1 && w.starts_with(char::is_uppercase) && !owner.is_own_name(w) && !lexicon::is_function_word(&w.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{owner, view_of, run_rule, run_dated};
    use super::*;

    /// The writer's own line in their list of birthdays; not a line of a list about something
    /// else (invented examples).
    #[test]
    fn the_writers_own_entry_in_a_list_of_birthdays() {
        let o = owner();
        let c = run_rule("Birthdays\n- Tamsin: 4 March\n- me: 12 October 1979 (born at dawn)\n- Dad: 30 July", |v, out| rules(v, &o, out));
        assert!(c.contains(&("bday".into(), "1979-10-12".into())), "{c:?}");
        let c = run_rule("Geburtstage\n* Wiebke: 2. Mai\n* ich – 9. Februar", |v, out| rules(v, &o, out));
        assert!(c.contains(&("bday-day".into(), "9".into())) && c.contains(&("bday-month".into(), "2".into())), "{c:?}");
        let c = run_rule("Deadlines\n- me: 12 October 1979 report\n- Tamsin: 4 March", |v, out| rules(v, &o, out));
        assert!(!c.iter().any(|(k, _)| k.starts_with("bday")), "{c:?}");
    }

    #[test]
    fn honorific_middle_name_birthday_language() {
        let o = owner();
        let c = run_rule("Tenants: Ms Jo Anne Bloggs and Mr X Y\nDOB on it: 02/11/1987\nEnglish (native), French (basic)", |v, out| rules(v, &o, out));
        assert!(c.contains(&("honorific-prefix".into(), "Ms".into())), "{c:?}");
        assert!(c.contains(&("additional-name".into(), "Anne".into())));
        assert!(c.contains(&("bday".into(), "1987-11-02".into())));
        assert!(c.contains(&("language".into(), "en".into())));
        let c = run_rule("MS JO BLOGGS seat 14A. My birthday is 5th May 1990.", |v, out| rules(v, &o, out));
        assert!(c.contains(&("honorific-prefix".into(), "Ms".into())));
        assert!(!c.iter().any(|(k, _)| k == "additional-name"));
        assert!(c.contains(&("bday".into(), "1990-05-05".into())));
        let _ = view_of;
    }

    /// The same facts as people write them in other languages (invented examples).
    #[test]
    fn birthday_title_language_in_other_languages() {
        let o = owner();
        for (text, bday) in [
            ("Geburtsdatum: 04.11.1987 in Bremen", "1987-11-04"),
            ("Née le 4 novembre 1987 à Nantes", "1987-11-04"),
            ("Fecha de nacimiento: 04/11/1987", "1987-11-04"),
            ("Född 1987-11-04 i Umeå", "1987-11-04"),
            ("Data di nascita: 4 novembre 1987", "1987-11-04"),
            ("生年月日：1987年11月4日", "1987-11-04"),
            ("Jo Bloggs, born 4 November 1987", "1987-11-04"),
        ] {
            let c = run_rule(text, |v, out| rules(v, &o, out));
            assert!(c.contains(&("bday".into(), bday.into())), "{text}: {c:?}");
        }
        // Turning a year older today, in a dated note: the writer's birthday (not a child's).
        for (text, bday) in [("Fyller 40 idag, tårta på jobbet.", "1985-03-09"), ("Today I turn 40!", "1985-03-09"), ("Heute werde ich 40.", "1985-03-09"), ("40 ans aujourd'hui.", "1985-03-09")] {
            let c = run_dated(text, "2025-03-09", |v, out| rules(v, &o, out));
            assert!(c.contains(&("bday".into(), bday.into())), "{text}: {c:?}");
        }
        for text in ["Mia fyller 8 idag!", "My son turns 8 today.", "Idag fyller Sam 8 år."] {
            let c = run_dated(text, "2025-03-09", |v, out| rules(v, &o, out));
            assert!(!c.iter().any(|(k, _)| k == "bday"), "{text}: {c:?}");
        }
        // An age said on a dated day, with the birthday, gives the year of birth; not years of
        // something else, nor someone else's age.
        let birthday = |k: &str, v: &str| Candidate { key: k.into(), value: v.into(), confidence: 0.8, chunk_id: None, observed_at: 1 };
        let mut cands: Vec<Candidate> = vec![birthday("bday-day", "22"), birthday("bday-month", "8")];
        for (text, day) in [("Ich bin 41 Jahre alt und laufe noch.", "2025-01-27")] {
            let mut v = view_of(text, crate::memory::SourceKind::Markdown);
            let date = crate::memory::date::from_iso(day).expect("day");
            v.date = date;
            let source: &'static crate::memory::Source = Box::leak(Box::new(crate::memory::Source { dated: Some(date), ..v.source.clone() }));
            v.source = source;
            rules(&v, &o, &mut cands);
        }
        super::birth_year_from_age(&mut cands);
        assert!(cands.iter().any(|c| c.key == "bday-year" && c.value == "1983"), "{cands:?}");
        for text in ["J'ai 12 ans d'expérience en logistique.", "Pappa fyller 70 i maj."] {
            let c = run_dated(text, "2025-03-09", |v, out| rules(v, &o, out));
            assert!(!c.iter().any(|(k, _)| k.starts_with("age")), "{text}: {c:?}");
        }
        // Someone else's birth: a relative, or another name right before the cue.
        for text in ["Kinder: 2 (Mia, geboren am 03.02.2015)", "Ma fille est née le 3 février 2015.", "Our son Sam, born 3 February 2015", "Hijos: Leo, nacido el 3/2/2015"] {
            let c = run_rule(text, |v, out| rules(v, &o, out));
            assert!(!c.iter().any(|(k, _)| k == "bday"), "{text}: {c:?}");
        }
        let c = run_rule("Frau Dr. Jo Bloggs, Hauptstraße 1", |v, out| rules(v, &o, out));
        assert!(c.contains(&("honorific-prefix".into(), "Dr.".into())), "{c:?}");
        let c = run_rule("JO ANNE BLOGGS\nIngenieurin", |v, out| rules(v, &o, out));
        assert!(c.contains(&("additional-name".into(), "Anne".into())), "{c:?}");
        let c = run_rule("Språk\nSvenska (modersmål), engelska (flytande), tyska B1\nJag talar bra engelska.", |v, out| rules(v, &o, out));
        let spoken: Vec<&str> = c.iter().filter(|(k, _)| k == "languages").map(|(_, v)| v.as_str()).collect();
        assert_eq!(spoken, ["Svenska (modersmål)", "Engelska (flytande)", "Tyska (B1)"], "{c:?}");
        let c = run_rule("Personuppgifter\nNamn: Jo Anne Bloggs\nFödd: 1987-11-04", |v, out| rules(v, &o, out));
        assert!(c.contains(&("additional-name".into(), "Anne".into())), "{c:?}");
        for (text, code) in [("Deutsch (Muttersprache), Englisch (C1)", "de"), ("Français (langue maternelle)", "fr"), ("Español (nativo), inglés (B2)", "es"), ("Svenska (modersmål)", "sv")] {
            let c = run_rule(text, |v, out| rules(v, &o, out));
            assert!(c.contains(&("language".into(), code.into())), "{text}: {c:?}");
        }
    }

    #[test]
    fn languages_a_writer_says_they_speak() {
        let o = owner();
        for (text, langs) in [
            ("At the fair I told them I speak Polish and English.", vec!["Polish", "English"]),
            ("Ich spreche Deutsch und Dänisch, ein bisschen.", vec!["Deutsch", "Dänisch"]),
            ("Jag pratar svenska, finska och engelska.", vec!["Svenska", "Finska", "Engelska"]),
        ] {
            let c = run_rule(text, |v, out| rules(v, &o, out));
            let spoken: Vec<&str> = c.iter().filter(|(k, _)| k == "languages").map(|(_, v)| v.as_str()).collect();
            for l in langs {
                assert!(spoken.contains(&l), "{text}: {c:?}");
            }
        }
        let c = run_rule("I speak to the plumber tomorrow.", |v, out| rules(v, &o, out));
        assert!(c.iter().all(|(k, _)| k != "languages"), "{c:?}");
    }
}
