//! Contact rules: the user's phone number. A number counts as theirs when it sits on a line
//! with their email address (CV/letter header), follows "new number", "my number/mobile",
//! "call me on" in their own text, or "your mobile number … to" in mail to them (hedged mail
//! such as "our records show … if this has changed" counts less). [`phone_forms`] gives the
//! national and international forms.

use std::sync::OnceLock;

use regex::Regex;

use super::{re, Candidate, Owner, View};

fn phone_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)|\d{2,5})(?:[\s.-]?\d{2,4}){1,3}\b")
}

fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// Plausible phone: 10–13 digits, not a date or year range.
fn plausible(m: &str) -> bool {
    let d = digits(m);
    (10..=13).contains(&d.len()) && (m.starts_with('+') || m.starts_with('0') || m.starts_with('('))
}

/// `(international, national)` forms of a number, for UK (+44) and NANP (+1) numbers; other
/// numbers are kept as written in both.
pub fn phone_forms(value: &str, country: Option<&str>) -> Option<(String, String)> {
    let value = &value.replace("(0)", "");
    let d = digits(value);
    let uk_national = if let Some(rest) = d.strip_prefix("44").filter(|_| value.trim_start().starts_with('+')) {
        Some(format!("0{rest}"))
    } else if d.starts_with('0') && d.len() == 11 && matches!(country, None | Some("GB")) {
        Some(d.clone())
    } else {
        None
    };
    if let Some(n) = uk_national.filter(|n| n.len() == 11) {
        let national = if n.starts_with("07") || n.starts_with("08") {
            format!("{} {}", &n[..5], &n[5..])
        } else if n.starts_with("02") {
            format!("{} {} {}", &n[..3], &n[3..7], &n[7..])
        } else {
            format!("{} {} {}", &n[..4], &n[4..7], &n[7..])
        };
        return Some((format!("+44 {}", &national[1..]), national));
    }
    let us = if d.len() == 11 && d.starts_with('1') { Some(&d[1..]) } else if d.len() == 10 && matches!(country, Some("US") | Some("CA")) { Some(&d[..]) } else { None };
    if let Some(n) = us {
        let national = format!("({}) {}-{}", &n[..3], &n[3..6], &n[6..]);
        return Some((format!("+1 {national}"), national));
    }
    (d.len() >= 7).then(|| (value.trim().to_string(), value.trim().to_string()))
}

pub fn rules(v: &View, owner: &Owner, out: &mut Vec<Candidate>) {
    // (a) On a line with the user's own email address: a contact header.
    for line in v.text.lines() {
        let l = line.to_lowercase();
        if owner.addresses.iter().any(|(a, _, _)| l.contains(a.as_str())) && !line.starts_with("To:") && !line.starts_with("From:") {
            for m in phone_re().find_iter(line).filter(|m| plausible(m.as_str())) {
                v.emit(out, "tel-national", m.as_str(), 0.75);
            }
        }
    }
    // (b) Labelled in a sentence.
    static MINE: OnceLock<Regex> = OnceLock::new();
    static YOURS: OnceLock<Regex> = OnceLock::new();
    static HEDGE: OnceLock<Regex> = OnceLock::new();
    let mine = re(&MINE, r"(?i)(?:\bnew (?:mobile |phone |cell )?number|\bmy (?:new )?(?:mobile|phone|cell|number)(?: number)?(?: is| now)?|\bcall me on|\btext me on|\breach me on|^(?:mobile|phone|tel|cell)\s*:)\W*$");
    let yours = re(&YOURS, r"(?i)\b(?:your (?:new )?(?:mobile|phone|cell|contact)? ?number|(?:mobile|phone) number)\b[^.]{0,30}?\b(?:to|of|is|as)\s*:?\s*$");
    let hedge = re(&HEDGE, r"(?i)records show|if (?:this|it) has changed|please (?:check|confirm)|is this still");
    for m in phone_re().find_iter(&v.flat).filter(|m| plausible(m.as_str())) {
        let start = m.start();
        let mut from = start.saturating_sub(80);
        while !v.flat.is_char_boundary(from) {
            from += 1;
        }
        let before = &v.flat[from..start];
        let before = before.rsplit(['.', '!', '?']).next().unwrap_or(before);
        let after: String = v.flat[m.end()..].chars().take(60).collect();
        let old = before.to_lowercase().contains("old ") && !before.to_lowercase().contains("new");
        if old {
            continue;
        }
        if v.first_person() && mine.is_match(before) {
            let conf = if before.to_lowercase().contains("new") { 0.95 } else { 0.85 };
            v.emit(out, "tel-national", m.as_str(), conf);
        } else if !v.first_person() && yours.is_match(before) {
            let hedged = hedge.is_match(before) || hedge.is_match(&after);
            v.emit(out, "tel-national", m.as_str(), if hedged { 0.5 } else { 0.9 });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{owner, run_rule, run_rule_as};
    use super::*;
    use crate::memory::SourceKind;

    #[test]
    fn forms() {
        assert_eq!(phone_forms("07700 900762", Some("GB")), Some(("+44 7700 900762".into(), "07700 900762".into())));
        assert_eq!(phone_forms("+44 (0)161 496 0731", None).map(|f| f.1), Some("0161 496 0731".into()));
        assert_eq!(phone_forms("+44 20 7946 0000", None).map(|f| f.1), Some("020 7946 0000".into()));
        assert_eq!(phone_forms("(415) 555-0100", Some("US")), Some(("+1 (415) 555-0100".into(), "(415) 555-0100".into())));
    }

    #[test]
    fn owns_only_labelled_numbers() {
        let o = owner();
        let c = run_rule("NEW NUMBER: 07700 900762\n(old 07700 900418 is dead - tell people!)\nDentist: 0161 496 0184", |v, out| rules(v, &o, out));
        assert_eq!(c, [("tel-national".to_string(), "07700 900762".to_string())]);
        let c = run_rule("Jo Bloggs\njo.bloggs@mail.example | 07700 900111", |v, out| rules(v, &o, out));
        assert_eq!(c, [("tel-national".to_string(), "07700 900111".to_string())]);
        let mail = "From: Dentist <d@x.example>\nTo: jo.bloggs@mail.example\n\nWe have updated your mobile number on file to 07700 900222. Tel 0161 496 0184";
        let c = run_rule_as(mail, SourceKind::Email, |v, out| rules(v, &o, out));
        assert_eq!(c, [("tel-national".to_string(), "07700 900222".to_string())]);
        // Someone else's "my number" is theirs, not the user's.
        let mail = "From: Ann <ann@x.example>\nTo: jo.bloggs@mail.example\n\nMy new number is 07700 900333.";
        assert!(run_rule_as(mail, SourceKind::Email, |v, out| rules(v, &o, out)).is_empty());
    }
}
