//! Contact rules: the user's own e-mail address said in their text ("my email is …"), and
//! their phone number. A number counts as theirs when it sits on a line
//! with their email address (CV/letter header), follows "new number", "my number/mobile",
//! "call me on" in their own text, or "your mobile number … to" in mail to them (hedged mail
//! such as "our records show … if this has changed" counts less). [`phone_forms`] gives the
//! national and international forms.

use std::sync::OnceLock;

use regex::Regex;

use super::{re, Candidate, Owner, View};
use crate::lexicon;

fn phone_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)|\d{2,5})(?:[\s.-]?\d{2,4}){1,4}\b")
}

pub(super) fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// Plausible phone: 10–13 digits, not a date or year range.
fn plausible(m: &str) -> bool {
    let d = digits(m);
    (10..=13).contains(&d.len()) && (m.starts_with('+') || m.starts_with('0') || m.starts_with('('))
}

/// Plausible after a phone cue: countries without a trunk prefix write 9 digits (`612 345 678`).
fn plausible_cued(m: &str) -> bool {
    let d = digits(m);
    plausible(m) || ((9..=13).contains(&d.len()) && !m.contains('.') && !m.contains('/'))
}

/// Country calling code and whether national numbers start with a trunk `0`, for the countries
/// whose numbers users most often write.
fn calling_code(country: &str) -> Option<(&'static str, bool)> {
    Some(match country {
        "GB" => ("44", true), "IE" => ("353", true), "US" | "CA" => ("1", false), "DE" => ("49", true), "AT" => ("43", true),
        "CH" => ("41", true), "FR" => ("33", true), "BE" => ("32", true), "NL" => ("31", true), "LU" => ("352", false),
        "ES" => ("34", false), "PT" => ("351", false), "IT" => ("39", false), "PL" => ("48", false), "SE" => ("46", true),
        "NO" => ("47", false), "DK" => ("45", false), "FI" => ("358", true), "JP" => ("81", true), "CN" => ("86", true),
        "BR" => ("55", true), "MX" => ("52", false), "AU" => ("61", true), "NZ" => ("64", true), "IN" => ("91", true),
        "NG" => ("234", true), "ZA" => ("27", true), "GR" => ("30", false), "CZ" => ("420", false), "HU" => ("36", true),
        _ => return None,
    })
}

/// The countries a text names by an international phone number (`+41 79 …`, `0041 …`) or a
/// currency only one country uses (`CHF`, `£`, `zł`, `SEK`), once for each mention.
pub fn countries_named(text: &str) -> Vec<&'static str> {
    static INTL: OnceLock<Regex> = OnceLock::new();
    static MONEY: OnceLock<Regex> = OnceLock::new();
    let intl = re(&INTL, r"(?:^|[^\w+])(?:\+|00)(\d[\d \-./()]{7,16}\d)");
    let mut out: Vec<&'static str> = intl.captures_iter(text).filter_map(|c| {
        let d = digits(&c[1]);
        (9..=14).contains(&d.len()).then(|| country_of_international(&d)).flatten()
    }).collect();
    let money = re(&MONEY, r"(?:\b(CHF|GBP|PLN|SEK|NOK|DKK|CZK|HUF)\b|(£)|(zł))");
    for c in money.captures_iter(text) {
        let code = c.get(1).map(|m| m.as_str()).or_else(|| c.get(2).map(|_| "GBP")).unwrap_or("PLN");
        out.push(match code {
            "CHF" => "CH",
            "GBP" => "GB",
            "PLN" => "PL",
            "SEK" => "SE",
            "NOK" => "NO",
            "DKK" => "DK",
            "CZK" => "CZ",
            _ => "HU",
        });
    }
    out
}

/// The country whose calling code starts an international number (`+49 …` → DE).
fn country_of_international(d: &str) -> Option<&'static str> {
    const ALL: &[&str] = &["GB", "IE", "US", "DE", "AT", "CH", "FR", "BE", "NL", "LU", "ES", "PT", "IT", "PL", "SE", "NO", "DK", "FI", "JP", "CN", "BR", "MX", "AU", "NZ", "IN", "NG", "ZA", "GR", "CZ", "HU"];
    ALL.iter().filter_map(|c| calling_code(c).map(|(cc, _)| (*c, cc))).filter(|(_, cc)| d.starts_with(cc)).max_by_key(|(_, cc)| cc.len()).map(|(c, _)| c)
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
    // Ten digits in the North American grouping (`514 555-0187`, `(604) 555-0142`: area code and
    // exchange never start with 0 or 1) are a NANP number unless the country writes ten-digit
    // numbers without a trunk 0 itself (an Italian mobile, `347 123 4567`).
    static NANP: OnceLock<Regex> = OnceLock::new();
    let nanp_shaped = re(&NANP, r"^\(?[2-9]\d{2}\)?[ .-]?[2-9]\d{2}[ .-]\d{4}$").is_match(value.trim());
    let other_plan = country.filter(|c| !matches!(*c, "US" | "CA")).and_then(calling_code).is_some_and(|(_, trunk)| !trunk);
    let nanp = d.len() == 10 && (matches!(country, Some("US") | Some("CA")) || (nanp_shaped && !other_plan));
    let us = if d.len() == 11 && d.starts_with('1') { Some(&d[1..]) } else if nanp { Some(&d[..]) } else { None };
    if let Some(n) = us {
        // A national number keeps the user's grouping (`514 555-0187`); digits alone are grouped.
        let written = value.trim();
        let national = if d.len() == 10 && written.len() > 10 { written.to_string() } else { format!("({}) {}-{}", &n[..3], &n[3..6], &n[6..]) };
        return Some((format!("+1 {national}"), national));
    }
    // Other countries: keep the user's grouping; add or drop the calling code and trunk 0.
    let written = value.trim();
    if let Some(rest) = written.strip_prefix('+').or_else(|| written.strip_prefix("00")) {
        let d_rest = digits(rest);
        if let Some(c) = country_of_international(&d_rest) {
            let (cc, trunk) = calling_code(c)?;
            // Drop the calling code's digits (and the separator after them) from what was written.
            let mut seen = 0;
            let mut cut = 0;
            for (i, ch) in rest.char_indices() {
                if seen == cc.len() {
                    cut = i;
                    break;
                }
                if ch.is_ascii_digit() {
                    seen += 1;
                }
                cut = i + ch.len_utf8();
            }
            let national_part = rest[cut..].trim_start_matches([' ', '-', '.', '(', ')']).replace("(0)", "").trim().to_string();
            let national = if trunk && !national_part.starts_with('0') { format!("0{national_part}") } else { national_part.clone() };
            return Some((format!("+{cc} {}", national_part.trim_start_matches('0').trim()), national));
        }
    }
    if let Some((cc, trunk)) = country.and_then(calling_code) {
        let local = if trunk { written.strip_prefix('0').unwrap_or(written) } else { written };
        if d.len() >= 7 {
            // The international form separates groups by spaces only (`070-123 45 67` is
            // `+46 70 123 45 67`, `0176/1234567` is `+49 176 1234567`).
            let spaced = local.replace(['-', '/'], " ").split_whitespace().collect::<Vec<_>>().join(" ");
            return Some((format!("+{cc} {spaced}"), written.to_string()));
        }
    }
    (d.len() >= 7).then(|| (written.to_string(), written.to_string()))
}

/// The end of the sentence that `before` runs into: a full stop right before the number ends
/// an abbreviation (`Tél. 07 …`, `Tel. 0176 …`), not the sentence.
fn clause_before(before: &str) -> &str {
    let mut cut = before.len();
    while let Some(i) = before[..cut].rfind(['.', '!', '?']) {
        let abbreviation = cut == before.len() && before[i..].starts_with('.') && before[i + 1..].trim().is_empty() && before[..i].ends_with(char::is_alphabetic);
        if !abbreviation {
            return &before[i + 1..];
        }
        cut = i;
    }
    before
}

pub fn rules(v: &View, owner: &Owner, out: &mut Vec<Candidate>) {
    // The user's own e-mail address, said in their text ("my email is …", "schreib mir an …").
    if v.first_person() {
        static ECUE: OnceLock<Regex> = OnceLock::new();
        static ADDR: OnceLock<Regex> = OnceLock::new();
        let cue = ECUE.get_or_init(|| super::cue_regex(lexicon::email_cues(), r"\s*:?\s*$"));
        let addr = re(&ADDR, r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}");
        for m in addr.find_iter(&v.flat) {
            let mut from = m.start().saturating_sub(60);
            while !v.flat.is_char_boundary(from) {
                from += 1;
            }
            if cue.is_match(&v.flat[from..m.start()]) {
                v.emit(out, "email-candidate", &m.as_str().to_lowercase(), 0.85);
            }
        }
    }
    // A mail the user sent and signed with their title or employer: the address it came from is
    // their work address, whatever its domain (`derive` files it under `work-email`).
    if v.source.kind == crate::memory::SourceKind::Email && v.first_person() {
        let mut role = Vec::new();
        super::work::signature(v, owner, &mut role);
        if !role.is_empty() {
            for (_, addr) in v.sender.as_deref().map(super::owner::parse_addresses).unwrap_or_default() {
                if owner.addresses.iter().any(|(a, _, _)| *a == addr) {
                    v.emit(out, "work-email-candidate", &addr, 0.8);
                }
            }
        }
    }
    // A mail from an organisation that gives the user an address at its own domain, with the
    // user's name in it (`your new account: jo.bloggs@…`): their work address there.
    if v.source.kind == crate::memory::SourceKind::Email && v.author == super::Author::Other {
        let sender_domains: Vec<String> = v.sender.as_deref().map(super::owner::parse_addresses).unwrap_or_default().into_iter().filter_map(|(_, a)| a.rsplit_once('@').map(|(_, d)| d.to_string())).collect();
        static BODY_ADDR: OnceLock<Regex> = OnceLock::new();
        let addr = re(&BODY_ADDR, r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}");
        let header = |l: &str| l.split_once(':').is_some_and(|(k, _)| matches!(k.trim().to_lowercase().as_str(), "from" | "to" | "cc" | "bcc" | "reply-to" | "sender"));
        for m in v.text.lines().filter(|l| !header(l)).flat_map(|l| addr.find_iter(l)) {
            let a = m.as_str().to_lowercase();
            let domain = a.rsplit('@').next().unwrap_or("");
            if sender_domains.iter().any(|d| d == domain) && owner.local_part_matches(&a) {
                v.emit(out, "email-candidate", &a, 0.8);
                v.emit(out, "work-email-candidate", &a, 0.8);
            }
        }
    }
    // (a) On a line with the user's own email address: a contact header.
    let lines: Vec<&str> = v.text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let l = line.to_lowercase();
        // A signature's office lines (a company named on the line or the one above) are work.
        let office = lexicon::names_company(line) || (i > 0 && lexicon::names_company(lines[i - 1]));
        if !office && owner.addresses.iter().any(|(a, _, _)| l.contains(a.as_str())) && !line.starts_with("To:") && !line.starts_with("From:") {
            for m in phone_re().find_iter(line).filter(|m| plausible(m.as_str())) {
                v.emit(out, "tel-national", m.as_str(), 0.75);
            }
        }
    }
    // (b) The signature of a mail the user sent: their name on a line of its own near the end,
    // then a line that is only a phone number (`Jo Bloggs` / `07700 900123`); not an office's
    // (a company named on the line or the one above).
    if v.source.kind == crate::memory::SourceKind::Email && v.first_person() {
        if let Some(family) = owner.family.as_deref().map(str::to_lowercase) {
            let body: Vec<(usize, &str)> = lines.iter().enumerate().map(|(i, l)| (i, l.trim())).filter(|(_, l)| !l.is_empty() && !l.starts_with('>')).collect();
            for (k, &(i, line)) in body.iter().enumerate().rev().take(4) {
                let Some(m) = phone_re().find(line).filter(|m| plausible(m.as_str())) else { continue };
                let rest = format!("{}{}", &line[..m.start()], &line[m.end()..]);
                if rest.split_whitespace().count() > 1 {
                    continue;
                }
                let office = lexicon::names_company(line) || (i > 0 && lexicon::names_company(lines[i - 1]));
                let signed = body[k.saturating_sub(2)..k].iter().any(|(_, l)| l.to_lowercase().contains(&family) && l.split_whitespace().count() <= 4);
                if signed && !office {
                    v.emit(out, "tel-national", m.as_str(), 0.8);
                }
            }
        }
    }
    // (c) Labelled in a sentence.
    static MINE: OnceLock<Regex> = OnceLock::new();
    static YOURS: OnceLock<Regex> = OnceLock::new();
    static HEDGE: OnceLock<Regex> = OnceLock::new();
    let mine = MINE.get_or_init(|| super::cue_regex(crate::lexicon::phone_cues(), r"(?:\s+[\p{L}'’]{1,10}){0,3}\W*$"));
    let yours = re(&YOURS, r"(?i)\b(?:your (?:new )?(?:mobile|phone|cell|contact)? ?number|(?:mobile|phone) number)\b[^.]{0,30}?\b(?:to|of|is|as)\s*:?\s*$");
    let hedge = re(&HEDGE, r"(?i)records show|if (?:this|it) has changed|please (?:check|confirm)|is this still");
    for m in phone_re().find_iter(&v.flat).filter(|m| plausible_cued(m.as_str())) {
        let start = m.start();
        let mut from = start.saturating_sub(80);
        while !v.flat.is_char_boundary(from) {
            from += 1;
        }
        let before = &v.flat[from..start];
        let before = clause_before(before);
        let after: String = v.flat[m.end()..].chars().take(60).collect();
        // The last word that says old or new decides (`die alte 0176 …`, `neue Nummer: …`).
        let age = before.split(|c: char| !c.is_alphanumeric()).rev().find_map(crate::lexicon::says_old);
        if age == Some(true) {
            continue;
        }
        // A company's line, or the line under it (an office number in a signature), is not the
        // user's own phone.
        let at = lines.iter().position(|l| l.contains(m.as_str()));
        let office = at.is_some_and(|i| lexicon::names_employer(lines[i]) || (i > 0 && lexicon::names_employer(lines[i - 1])));
        if office {
            continue;
        }
        let cued = v.first_person() && mine.is_match(before);
        if !plausible(m.as_str()) && !cued {
            continue;
        }
        if cued {
            let conf = if age == Some(false) { 0.95 } else { 0.85 };
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
        assert_eq!(phone_forms("07700 900135", Some("GB")), Some(("+44 7700 900135".into(), "07700 900135".into())));
        assert_eq!(phone_forms("+44 (0)161 496 0731", None).map(|f| f.1), Some("0161 496 0731".into()));
        assert_eq!(phone_forms("+44 20 7946 0000", None).map(|f| f.1), Some("020 7946 0000".into()));
        assert_eq!(phone_forms("(415) 555-0100", Some("US")), Some(("+1 (415) 555-0100".into(), "(415) 555-0100".into())));
        // Other countries keep the user's grouping; the trunk 0 comes and goes.
        assert_eq!(phone_forms("+49 170 1234567", None), Some(("+49 170 1234567".into(), "0170 1234567".into())));
        assert_eq!(phone_forms("0170 1234567", Some("DE")), Some(("+49 170 1234567".into(), "0170 1234567".into())));
        assert_eq!(phone_forms("699 111 222", Some("ES")), Some(("+34 699 111 222".into(), "699 111 222".into())));
        assert_eq!(phone_forms("+46 70-123 45 67", None), Some(("+46 70-123 45 67".into(), "070-123 45 67".into())));
        assert_eq!(phone_forms("070-123 45 67", Some("SE")), Some(("+46 70 123 45 67".into(), "070-123 45 67".into())));
        assert_eq!(phone_forms("0170/1234567", Some("DE")).map(|f| f.0), Some("+49 170 1234567".into()));
        assert_eq!(phone_forms("06 12 34 56 78", Some("FR")), Some(("+33 6 12 34 56 78".into(), "06 12 34 56 78".into())));
        // A North American number in a French-language life is not French.
        assert_eq!(phone_forms("438 555-0111", Some("FR")), Some(("+1 438 555-0111".into(), "438 555-0111".into())));
        assert_eq!(phone_forms("4385550111", Some("CA")).map(|f| f.1), Some("(438) 555-0111".into()));
        assert_eq!(phone_forms("347 123 4567", Some("IT")).map(|f| f.0), Some("+39 347 123 4567".into()));
    }

    #[test]
    fn owns_only_labelled_numbers() {
        let o = owner();
        let c = run_rule("New mobile: 07700 900135\n(old 07700 900246 no longer works)\nPlumber: 0161 496 0927", |v, out| rules(v, &o, out));
        assert_eq!(c, [("tel-national".to_string(), "07700 900135".to_string())]);
        let c = run_rule("Jo Bloggs\njo.bloggs@mail.example | 07700 900111", |v, out| rules(v, &o, out));
        assert_eq!(c, [("tel-national".to_string(), "07700 900111".to_string())]);
        let mail = "From: Dentist <d@x.example>\nTo: jo.bloggs@mail.example\n\nWe have updated your mobile number on file to 07700 900222. Tel 0161 496 0927";
        let c = run_rule_as(mail, SourceKind::Email, |v, out| rules(v, &o, out));
        assert_eq!(c, [("tel-national".to_string(), "07700 900222".to_string())]);
        // Someone else's "my number" is theirs, not the user's.
        let mail = "From: Ann <ann@x.example>\nTo: jo.bloggs@mail.example\n\nMy new number is 07700 900333.";
        assert!(run_rule_as(mail, SourceKind::Email, |v, out| rules(v, &o, out)).is_empty());
    }

    /// The phone under the user's name at the end of a mail they sent is theirs; the office
    /// number under a company's name is not (invented mails).
    #[test]
    fn the_phone_under_the_users_name_in_a_mail_they_sent() {
        let o = owner();
        let mail = "From: Jo Bloggs <jo.bloggs@mail.example>\nTo: Club <c@x.example>\n\nSee you Tuesday!\n\nCheers,\nJo Bloggs\n07700 900444";
        let c = run_rule_as(mail, SourceKind::Email, |v, out| rules(v, &o, out));
        assert!(c.contains(&("tel-national".to_string(), "07700 900444".to_string())), "{c:?}");
        let office = "From: Jo Bloggs <jo.bloggs@mail.example>\nTo: Client <c@x.example>\n\nAttached.\n\nJo Bloggs\nAcme Widgets Ltd\nTel. 0161 496 0555";
        assert!(run_rule_as(office, SourceKind::Email, |v, out| rules(v, &o, out)).iter().all(|(k, _)| k != "tel-national"));
    }

    /// An organisation's mail giving the user an address at its domain with their name in it.
    #[test]
    fn an_address_given_by_the_employer_is_for_work() {
        let o = owner();
        let mail = "From: IT-avdelningen <it@tallnas.example>\nTo: jo.bloggs@mail.example\n\nDitt konto är klart: jo.bloggs@tallnas.example. Frågor till support@tallnas.example.";
        let c = run_rule_as(mail, SourceKind::Email, |v, out| rules(v, &o, out));
        assert!(c.contains(&("work-email-candidate".to_string(), "jo.bloggs@tallnas.example".to_string())), "{c:?}");
        assert!(!c.iter().any(|(_, a)| a == "support@tallnas.example"), "{c:?}");
    }

    #[test]
    fn the_address_of_mail_signed_with_a_role_is_for_work() {
        let o = owner();
        let signed = "From: Jo Bloggs <jo.bloggs@mail.example>\nTo: a@b.example\nSubject: Visit\n\nDear Ann,\nsee you on Monday.\n\nJo Bloggs\nHead of Purchasing\nHarbourside Hospital, Dunmore";
        let c = run_rule_as(signed, SourceKind::Email, |v, out| rules(v, &o, out));
        assert!(c.contains(&("work-email-candidate".to_string(), "jo.bloggs@mail.example".to_string())), "{c:?}");
        let personal = "From: Jo Bloggs <jo.bloggs@mail.example>\nTo: a@b.example\nSubject: Hi\n\nSee you soon!\n\nJo";
        let c = run_rule_as(personal, SourceKind::Email, |v, out| rules(v, &o, out));
        assert!(!c.iter().any(|(k, _)| k == "work-email-candidate"), "{c:?}");
    }

    /// Numbers the user calls theirs in other languages (invented examples).
    #[test]
    fn own_numbers_in_other_languages() {
        let o = owner();
        for (text, want) in [
            ("Neue Handynummer: 0170 1234567 (die alte 0151 7654321 ist weg)", "0170 1234567"),
            ("Mon nouveau numéro : 06 12 34 56 78", "06 12 34 56 78"),
            ("Mi número nuevo es el 699 111 222.", "699 111 222"),
            ("Mitt nya nummer är 070-123 45 67", "070-123 45 67"),
            // A word between "my" and "phone", a space before the colon, an abbreviation's dot.
            ("Mon nouveau portable : 06 98 76 54 32.", "06 98 76 54 32"),
            ("Téléphone portable : 06 11 22 33 44", "06 11 22 33 44"),
            ("Grüße aus dem Büro\nTel. 0176 5554443", "0176 5554443"),
        ] {
            let c = run_rule(text, |v, out| rules(v, &o, out));
            assert_eq!(c, [("tel-national".to_string(), want.to_string())], "{text}");
        }
        let sig = "Jo Bloggs\nAcme Widgets GmbH | Hafenweg 3 | Tel. +49 40 5550 100";
        assert!(run_rule(sig, |v, out| rules(v, &o, out)).is_empty());
    }

    #[test]
    fn an_email_address_the_writer_says_is_theirs() {
        let o = owner();
        for (text, addr) in [
            ("For the club list: my email is Wren.Holloway@example.net, ask me anything.", "wren.holloway@example.net"),
            ("Meine neue E-Mail-Adresse lautet: wh-post@example.de", "wh-post@example.de"),
            ("Mon adresse e-mail est w.h@example.fr.", "w.h@example.fr"),
        ] {
            let c = run_rule(text, |v, out| rules(v, &o, out));
            assert!(c.contains(&("email-candidate".to_string(), addr.to_string())), "{text}: {c:?}");
        }
        // Someone else's address is not the writer's.
        let c = run_rule("Odile's email is odile@example.org, she said to write any time.", |v, out| rules(v, &o, out));
        assert!(c.iter().all(|(k, _)| k != "email-candidate"), "{c:?}");
    }
}
