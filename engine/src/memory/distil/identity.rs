//! Identity rules: honorific (`Ms Jo Bloggs` in an address block), middle name (`Jo Anne
//! Bloggs`), birthday (`DOB: 14/03/1992`, `my birthday is 5 May 1990`, `date of birth`), native
//! language (`English (native)`, `my native language is …`).

use std::sync::OnceLock;

use regex::Regex;

use super::{re, Candidate, Owner, View};
use crate::memory::date;

/// ISO 639-1 code of a language name.
pub fn language_code(name: &str) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("english", "en"), ("french", "fr"), ("spanish", "es"), ("german", "de"), ("italian", "it"), ("portuguese", "pt"),
        ("polish", "pl"), ("dutch", "nl"), ("welsh", "cy"), ("irish", "ga"), ("hindi", "hi"), ("urdu", "ur"),
        ("arabic", "ar"), ("mandarin", "zh"), ("chinese", "zh"), ("cantonese", "yue"), ("japanese", "ja"),
        ("korean", "ko"), ("igbo", "ig"), ("yoruba", "yo"), ("hausa", "ha"), ("swahili", "sw"), ("russian", "ru"),
        ("turkish", "tr"), ("greek", "el"), ("swedish", "sv"), ("norwegian", "no"), ("danish", "da"),
        ("finnish", "fi"), ("romanian", "ro"), ("bengali", "bn"), ("punjabi", "pa"), ("tamil", "ta"), ("gujarati", "gu"),
    ];
    let n = name.to_lowercase();
    TABLE.iter().find(|(k, _)| *k == n).map(|(_, v)| *v)
}

pub fn rules(v: &View, owner: &Owner, out: &mut Vec<Candidate>) {
    let text = &v.text;
    // Honorific + middle names from lines naming the user.
    if owner.given.is_some() {
        let (g, f) = (owner.given.as_deref().unwrap_or(""), owner.family.as_deref().unwrap_or(""));
        let pattern = format!(r"(?i)\b(mr|mrs|ms|miss|mx|dr|prof)\.?\s+{}((?:\s+[a-z][a-z'-]+)*?)\s+{}\b", regex::escape(g), regex::escape(f));
        let Ok(hon) = Regex::new(&pattern) else { return };
        for c in hon.captures_iter(text) {
            let t = &c[1];
            let title = format!("{}{}", t[..1].to_uppercase(), t[1..].to_lowercase());
            v.emit(out, "honorific-prefix", &title, 0.8);
            let middle = c[2].trim();
            // Only properly written names (not ALL CAPS tickets) give the middle name's spelling.
            if !middle.is_empty() && middle.chars().any(|ch| ch.is_lowercase()) && middle.split_whitespace().all(|w| w.len() > 1) {
                v.emit(out, "additional-name", middle, 0.8);
            }
        }
    }
    if !v.first_person() {
        return;
    }
    // Birthday.
    static DOB_NUM: OnceLock<Regex> = OnceLock::new();
    static DOB_TEXT: OnceLock<Regex> = OnceLock::new();
    let num = re(&DOB_NUM, r"(?i)\b(?:DOB|D\.O\.B\.?|date of birth|born on|my birthday is|I was born on)\b[^0-9\n]{0,20}(\d{1,2}[/.-]\d{1,2}[/.-]\d{4})");
    let txt = re(&DOB_TEXT, r"(?i)\b(?:DOB|date of birth|born on|my birthday is|I was born on)\b[^0-9\n]{0,20}(\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4})");
    for c in num.captures_iter(text) {
        if let Some((y, m, d)) = date::from_numeric(&c[1]) {
            v.emit(out, "bday", &format!("{y:04}-{m:02}-{d:02}"), 0.9);
        }
    }
    for c in txt.captures_iter(text) {
        if let Some(ts) = date::first_date_in_text(&c[1]) {
            v.emit(out, "bday", &date::iso_date(ts), 0.85);
        }
    }
    // Native language.
    static NATIVE: OnceLock<Regex> = OnceLock::new();
    static NATIVE2: OnceLock<Regex> = OnceLock::new();
    let native = re(&NATIVE, r"(?i)\b([A-Za-z]+)\s*\((?:native|mother tongue|first language)");
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
}

#[cfg(test)]
mod tests {
    use super::super::tests::{owner, view_of, run_rule};
    use super::*;

    #[test]
    fn honorific_middle_name_birthday_language() {
        let o = owner();
        let c = run_rule("Tenants: Ms Jo Anne Bloggs and Mr X Y\nDOB on it: 14/03/1992\nEnglish (native), French (basic)", |v, out| rules(v, &o, out));
        assert!(c.contains(&("honorific-prefix".into(), "Ms".into())), "{c:?}");
        assert!(c.contains(&("additional-name".into(), "Anne".into())));
        assert!(c.contains(&("bday".into(), "1992-03-14".into())));
        assert!(c.contains(&("language".into(), "en".into())));
        let c = run_rule("MS JO BLOGGS seat 14A. My birthday is 5th May 1990.", |v, out| rules(v, &o, out));
        assert!(c.contains(&("honorific-prefix".into(), "Ms".into())));
        assert!(!c.iter().any(|(k, _)| k == "additional-name"));
        assert!(c.contains(&("bday".into(), "1990-05-05".into())));
        let _ = view_of;
    }
}
