//! Address rules: postal addresses of any country, read by that country's format
//! ([`crate::text::address`]: postcode shape and place, town, region, house number before or
//! after the street), written on one line with commas or as a letter's address block, one part a
//! line. An address is the user's home when it follows their name (address block, contract
//! party), shares a line with their email/phone (CV header), or is introduced by a "home" cue in
//! any language ("moved to", "Nach:", "nueva dirección", "jag bor på", [`lexicon::home_cues`]) —
//! never when introduced by an "old" cue ("from", "Von:", "De:", [`lexicon::old_cues`]). Emits
//! the components (`street-address`, `address-line1/2`, `address-level2`, `postal-code`,
//! `address-level1`, `country`) and the whole as `home-address` (sensitive).

use std::sync::OnceLock;

use regex::Regex;

use super::{Candidate, Owner, View};
use crate::lexicon;
use crate::text::address as addr;
pub use crate::text::address::{parse as parse_with, uk_region, Address};

/// English name of a country code.
pub fn country_name(code: &str) -> Option<String> {
    addr::country_name(code)
}

/// Parses a one-line address with no hint about its country.
pub fn parse(line: &str) -> Option<Address> {
    addr::parse(line, &[])
}

/// Countries a text hints at: a country named in it, then those of its language.
fn hints(text: &str, fallback: Option<&str>, named: &[&'static str]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for line in text.lines() {
        for part in line.split([',', '|', '·']) {
            let t = part.trim().trim_end_matches('.');
            if t.is_empty() || t.split_whitespace().count() > 3 {
                continue;
            }
            if let Some(code) = crate::tasks::autofill::options::country_code(&crate::text::fold(t)) {
                if let Some(f) = addr::format(code) {
                    if !out.contains(&f.code) {
                        out.push(f.code);
                    }
                }
            }
        }
    }
    // The countries the user's sources name (their phone numbers, their currency) before the
    // guesses from the language.
    for c in named {
        if !out.contains(c) {
            out.push(c);
        }
    }
    for lang in [crate::text::lang::detect(text), fallback].into_iter().flatten() {
        for c in addr::countries_for_language(lang) {
            if !out.contains(c) {
                out.push(c);
            }
        }
    }
    out
}

/// An address found in text, with what precedes it on its line (`before`) and the line
/// above (`prev`).
struct Found {
    addr: Address,
    before: String,
    prev: String,
    line: usize,
    /// For a form's fields (`Street: …` over `Postcode and town: …`), the lines above them.
    form_above: Option<String>,
}

/// Addresses in a text.
fn addresses_in(text: &str, lang: Option<&str>, named: &[&'static str]) -> Vec<Found> {
    let hints = hints(text, lang, named);
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let l = line.trim();
        // A postcode alone under its town (`Bath` / `BA2 4QT`) is read as one locality line.
        let (loc, top) = match addr::find_locality(l, &hints) {
            Some(loc) => (loc, i),
            None if i > 0 && l.split_whitespace().count() <= 2 && !lines[i - 1].trim().is_empty() => {
                let joined = format!("{} {l}", lines[i - 1].trim());
                match addr::find_locality(&joined, &hints).filter(|loc| loc.start == 0) {
                    Some(loc) => (loc, i - 1),
                    None => continue,
                }
            }
            None => continue,
        };
        let upto = if top == i { &l[..loc.start] } else { "" };
        let prev = if i > 0 { lines[i - 1].to_string() } else { String::new() };
        if upto.trim().trim_end_matches(',').trim().is_empty() {
            // Address block: the locality on its own line, the parts above it.
            let mut parts: Vec<String> = Vec::new();
            let mut j = top;
            // A town alone above a postcode alone (GB: `Bath` / `BA2 4QT`).
            while j > 0 && parts.len() < 6 {
                let p = lines[j - 1].trim();
                // A company's name above the street (a signature, a letterhead) ends the block:
                // the address is the company's (`rules` reads the line above).
                if p.is_empty() || p.contains(':') || p.chars().count() > 45 || p.contains('@') || lexicon::names_company(p) {
                    break;
                }
                // A line may hold several parts (`Calle Mayor 3, 2º A`).
                for (k, piece) in p.split(',').map(str::trim).filter(|x| !x.is_empty()).enumerate() {
                    parts.insert(k, piece.to_string());
                }
                j -= 1;
            }
            let first_is_name = parts.first().is_some_and(|f| !f.chars().any(|c| c.is_ascii_digit()) && !lexicon_unit(f));
            let before = if first_is_name && parts.len() > 1 { parts.remove(0) } else { String::new() };
            let prev = if j > 0 { lines[j - 1].to_string() } else { String::new() };
            // When the town stood alone above the postcode, it is in the parts: drop it.
            if parts.last().is_some_and(|p| p.trim() == loc.town) {
                parts.pop();
            }
            if let Some(a) = addr::parse_parts(&parts, &loc) {
                out.push(Found { addr: a, before, prev, line: i, form_above: None });
            }
            continue;
        }
        // One-line address: from after a label colon to the locality; earlier prose parts that
        // are not address parts stay in `before`.
        let cut = upto.rfind(": ").map(|i| i + 1).unwrap_or(0);
        let rest = &upto[cut..];
        // A form's fields: the postcode and town after their label, the street after its own
        // label on the line above (`Street: 4 Mill Row` / `Postcode and town: …`).
        if rest.trim().is_empty() && cut > 0 && i > 0 {
            let above = lines[i - 1].trim();
            let value = above.split_once(": ").map(|(_, v)| v.trim()).unwrap_or("");
            if value.chars().any(|c| c.is_ascii_digit()) && addr::find_locality(above, &hints).is_none() {
                if let Some(a) = addr::parse_parts(&[value.to_string()], &loc) {
                    let from = i.saturating_sub(5);
                    let form_above = lines[from..i - 1].join("\n");
                    let prev = if i > 1 { lines[i - 2].to_string() } else { String::new() };
                    out.push(Found { addr: a, before: String::new(), prev, line: i, form_above: Some(form_above) });
                    continue;
                }
            }
        }
        let parts: Vec<String> = rest.split([',', '|', '·', ';']).map(str::to_string).collect();
        let Some(a) = addr::parse_parts(&parts, &loc) else { continue };
        let first = a.line1.split(',').next().unwrap_or("").trim().to_string();
        let at = rest.find(first.as_str()).unwrap_or(0);
        out.push(Found { addr: a, before: format!("{}{}", &upto[..cut], &rest[..at]), prev, line: i, form_above: None });
    }
    out
}

fn lexicon_unit(s: &str) -> bool {
    let l = s.trim().to_lowercase();
    ["flat ", "apartment ", "apt ", "unit ", "wohnung ", "lgh ", "piso "].iter().any(|u| l.starts_with(u))
}

/// What may follow a cue before the address: a form of `to be` in the languages read, then
/// punctuation.
const COPULA_TAIL: &str = r"(?:\s+(?:is|will be|ist|lautet|est|sera|es|será|è|sarà|is|wordt|é|será|jest|będzie|är|blir))?\W*$";

fn cue(cell: &'static OnceLock<Regex>, lex: &lexicon::Lexicon) -> &'static Regex {
    // `my new address is …`, `vår nya adress är …`: the cue may end in the verb `to be`.
    cell.get_or_init(|| super::cue_regex(lex, COPULA_TAIL))
}

/// The town named at the start of `text` (after "I live in"): capitalised words, with the short
/// linking words place names hold between them (`Rio de Janeiro`, `Frankfurt am Main`); not a
/// country.
fn town_after(text: &str) -> Option<String> {
    const LINKS: [&str; 12] = ["de", "del", "da", "do", "di", "am", "an", "der", "sur", "upon", "la", "le"];
    let mut words: Vec<&str> = Vec::new();
    for w in text.split_whitespace().take(4) {
        let bare = w.trim_end_matches(|c: char| !c.is_alphanumeric());
        let capital = bare.chars().next().is_some_and(char::is_uppercase) && !bare.chars().any(|c| c.is_ascii_digit());
        if capital {
            words.push(bare);
        } else if words.is_empty() || !LINKS.contains(&bare) {
            break;
        } else {
            words.push(bare);
        }
        if bare.len() != w.len() {
            break;
        }
    }
    while words.last().is_some_and(|w| LINKS.contains(w)) {
        words.pop();
    }
    let town = words.join(" ");
    let is_country = crate::tasks::autofill::options::country_code(&crate::text::fold(&town)).is_some();
    (!town.is_empty() && !is_country).then_some(town)
}

pub fn rules(v: &View, owner: &Owner, out: &mut Vec<Candidate>) {
    // "I live in Tallinn", "ich wohne in Kassel": the town, used when no postal address names one
    // (`derive` decides).
    if v.first_person() {
        static TOWN: OnceLock<Regex> = OnceLock::new();
        let town = TOWN.get_or_init(|| super::cue_regex(lexicon::town_cues(), r"\s+"));
        for m in town.find_iter(&v.flat) {
            if let Some(t) = town_after(&v.flat[m.end()..]) {
                v.emit(out, "town-candidate", &t, 0.7);
            }
        }
    }
    static CUE: OnceLock<Regex> = OnceLock::new();
    static FROM: OnceLock<Regex> = OnceLock::new();
    let cue = cue(&CUE, lexicon::home_cues());
    let from = self::cue(&FROM, lexicon::old_cues());
    // A heading over an address block may say more after its cue (`New address from 1 July:`).
    static WITHIN: OnceLock<Regex> = OnceLock::new();
    let cue_within = WITHIN.get_or_init(|| super::cue_regex(lexicon::home_cues(), r"(?:[^\p{L}]|$)"));
    static MOVED: OnceLock<Regex> = OnceLock::new();
    let moved_cue = MOVED.get_or_init(|| super::cue_regex(lexicon::moved_cues(), r"(?:[^\p{L}]|$)"));
    let lines: Vec<&str> = v.text.lines().collect();
    let found = addresses_in(&v.text, owner.language, &owner.countries);
    // An address said to be old ("Von:", "old address") is a former home when the user wrote it
    // or the same text names the new one (a move): kept apart, for the critic.
    let is_old = |f: &Found| {
        let bare = f.before.trim().is_empty();
        from.is_match(f.before.trim_end()) || (bare && from.is_match(f.prev.trim_end()))
    };
    let is_new = |f: &Found| {
        let bare = f.before.trim().is_empty();
        cue.is_match(f.before.trim_end()) || (bare && cue.is_match(f.prev.trim_end()))
    };
    let moved = found.iter().any(|f| !is_old(f) && is_new(f));
    for f in &found {
        let a = f.addr.clone();
        let bare = f.before.trim().is_empty();
        let (before, prev) = (f.before.trim_end(), f.prev.trim_end());
        if is_old(f) {
            if v.first_person() || moved {
                v.emit(out, "former-street-address", &a.street, 0.8);
                v.emit(out, "former-address-level2", &a.town, 0.8);
            }
            continue;
        }
        // A company's address (a signature's office line, a contract's other party) is not home.
        // A line of its own right under a company's name (a signature block) is the office too.
        let under_company = bare && lexicon::names_company(prev);
        if under_company || lexicon::names_company(&lines.get(f.line).copied().unwrap_or_default().replace(&f.addr.line1, "")) || lexicon::names_company(before) {
            continue;
        }
        let near = |d: usize| lines.get(d).map(|l| l.to_lowercase()).unwrap_or_default();
        let header_line = [near(f.line), near(f.line + 1), near(f.line.saturating_sub(1))]
            .iter()
            .any(|l| owner.addresses.iter().any(|(e, _, _)| l.contains(e.as_str())));
        // The sentence the address is in, up to it ("We've moved, so now it's …").
        let sentence = before.rsplit(['.', '!', '?']).next().unwrap_or(before);
        let confidence = if owner.named_in(before) || owner.named_in(prev) {
            0.85
        } else if v.first_person() && moved_cue.is_match(sentence) {
            0.85
        } else if f.form_above.as_deref().is_some_and(|above| above.lines().any(|l| owner.named_in(l)) || owner.named_in(&above.lines().collect::<Vec<_>>().join(" "))) {
            // A form that names the user above its address fields (in one field or two:
            // `First name: …` over `Surname: …`).
            0.8
        } else if cue.is_match(before) || (bare && (cue.is_match(prev) || (prev.ends_with(':') && cue_within.is_match(prev)))) {
            // "Property:" only counts in a document about the user.
            if before.to_lowercase().contains("property") && !owner.family.as_ref().is_some_and(|fam| v.text.contains(fam.as_str())) {
                continue;
            }
            0.85
        } else if header_line && v.first_person() {
            0.75
        } else {
            continue;
        };
        v.emit(out, "home-address", &a.full, confidence);
        v.emit(out, "street-address", &a.street, confidence);
        v.emit(out, "address-line1", &a.line1, confidence);
        v.emit(out, "address-line2", &a.line2, confidence);
        v.emit(out, "address-level2", &a.town, confidence);
        v.emit(out, "postal-code", &a.postcode, confidence);
        if let Some(r) = &a.region {
            v.emit(out, "address-level1", r, confidence);
        }
        if !a.country.is_empty() {
            v.emit(out, "country", a.country, confidence);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{owner, run_rule, run_rule_as};
    use super::*;
    use crate::memory::SourceKind;

    #[test]
    fn parses_uk_us_eu() {
        let a = parse("Flat 3, Alder House, 9 Quarry Road, Bath BA2 4QT").unwrap();
        assert_eq!((a.line1.as_str(), a.line2.as_str(), a.town.as_str(), a.postcode.as_str()), ("Flat 3, Alder House, 9 Quarry Road", "", "Bath", "BA2 4QT"));
        assert_eq!(a.region.as_deref(), Some("Somerset"));
        let a = parse("27 Fern Street, Jesmond, Newcastle NE2 1XY").unwrap();
        assert_eq!((a.line1.as_str(), a.line2.as_str(), a.region.as_deref()), ("27 Fern Street", "Jesmond", Some("Tyne and Wear")));
        let a = parse("742 Evergreen Terrace, Springfield, IL 62704").unwrap();
        assert_eq!((a.town.as_str(), a.region.as_deref(), a.country), ("Springfield", Some("IL"), "US"));
        assert_eq!(parse("12 Rue des Tanneurs, 87000 Limoges").unwrap().town, "Limoges");
        assert!(parse("PO Box 44, Bath BA1 9ZZ").is_none());
    }

    #[test]
    fn home_needs_a_cue_and_from_is_old() {
        let o = owner();
        let c = run_rule("from: 1 Old Road, Bath BA2 4QT\nto: 27 Fern Street, Jesmond, Newcastle NE2 1XY  <- yay", |v, out| rules(v, &o, out));
        let homes: Vec<_> = c.iter().filter(|(k, _)| k == "home-address").map(|(_, v)| v.as_str()).collect();
        assert_eq!(homes, ["27 Fern Street, Jesmond, Newcastle NE2 1XY"]);
        // The "from" of a move is a former home, kept apart.
        assert!(c.contains(&("former-street-address".into(), "1 Old Road".into())), "{c:?}");
        assert!(c.contains(&("former-address-level2".into(), "Bath".into())), "{c:?}");
        let c = run_rule("The dentist is at 88 High Road, Sheffield S10 2TN.", |v, out| rules(v, &o, out));
        assert!(c.is_empty(), "{c:?}");
        let letter = "Ms Jo Bloggs\n27 Fern Street\nJesmond\nNewcastle\nNE2 1XY\n\n7 March 2025";
        let c = run_rule_as(letter, SourceKind::Text, |v, out| rules(v, &o, out));
        assert!(c.contains(&("address-line2".into(), "Jesmond".into())), "{c:?}");
        assert!(c.contains(&("postal-code".into(), "NE2 1XY".into())));
        let block = "Jo Bloggs\nCalle Mayor 3, 2º A\n28013 Madrid";
        let c = run_rule_as(block, SourceKind::Text, |v, out| rules(v, &o, out));
        assert!(c.contains(&("address-line1".into(), "Calle Mayor 3".into())), "{c:?}");
        assert!(c.contains(&("address-line2".into(), "2º A".into())), "{c:?}");
        let cv = "JO BLOGGS\n1 Old Road, Bath BA2 4QT, United Kingdom\n07700 900111 | jo.bloggs@mail.example";
        let c = run_rule_as(cv, SourceKind::Text, |v, out| rules(v, &o, out));
        assert!(c.contains(&("address-line1".into(), "1 Old Road".into())), "{c:?}");
    }

    #[test]
    fn a_cue_may_end_in_to_be_and_a_signature_office_is_not_home() {
        let o = owner();
        for text in ["Vår nya adress är Tallvägen 7, 123 45 Norrby.", "Notre nouvelle adresse est 4 rue des Lilas, 35000 Rennes.", "Our new address is 9 Mill Row, Wetherby LS22 6AB."] {
            let c = run_rule(text, |v, out| rules(v, &o, out));
            assert!(c.iter().any(|(k, _)| k == "home-address"), "{text}: {c:?}");
        }
        let signature = "Best,\n\nJo Bloggs\nAnalyst | Acme Systems AB\nStorgatan 1, 111 22 Stockholm\n+46 8 123 456 | jo.bloggs@mail.example";
        let c = run_rule(signature, |v, out| rules(v, &o, out));
        assert!(!c.iter().any(|(k, _)| k == "home-address"), "{c:?}");
        // The office's address in a block under the name, the title and the company.
        let signature = "Regards,\n\nJo Bloggs\nDraughtsman\nNorthwind Designs inc.\n300, rue Principale, bureau 2\nGatineau (Québec) J8X 2B4";
        let c = run_rule(signature, |v, out| rules(v, &o, out));
        assert!(!c.iter().any(|(k, _)| k == "home-address"), "{c:?}");
        // A Canadian address block after a home cue.
        let c = run_rule("New address from 15 March:\n77, avenue du Parc, app. 4\nGatineau (Québec) J8X 2B4", |v, out| rules(v, &o, out));
        assert!(c.contains(&("street-address".into(), "77, avenue du Parc, app. 4".into())), "{c:?}");
        assert!(c.contains(&("address-level1".into(), "Québec".into())), "{c:?}");
    }

    /// "We've moved, so from now on it's …" in the writer's own text; a form's address fields
    /// under the user's name; not a form that names someone else (invented examples).
    #[test]
    fn a_move_said_before_the_address_and_a_form_filled_in() {
        let o = owner();
        for text in [
            "Hi all! Big news: we've moved, please write to 14 Kiln Row, Hebden Bridge HX7 8AB from May.",
            "Hallo! Wir sind umgezogen, ab sofort gilt Birkenweg 3, 34117 Kassel.",
            "Hej alla, jag har flyttat, skicka posten till Tallvägen 7, 123 45 Norrby.",
        ] {
            let c = run_rule(text, |v, out| rules(v, &o, out));
            assert!(c.iter().any(|(k, _)| k == "home-address"), "{text}: {c:?}");
        }
        let form = "ANMELDUNG\nName: Jo Bloggs\nGeburtsdatum: 1. Mai 1990\nStraße: Birkenweg 3\nPLZ und Ort: 34117 Kassel\nTelefon: 0170 1234567";
        let c = run_rule_as(form, SourceKind::Text, |v, out| rules(v, &o, out));
        assert!(c.contains(&("address-line1".to_string(), "Birkenweg 3".to_string())), "{c:?}");
        assert!(c.contains(&("postal-code".to_string(), "34117".to_string())), "{c:?}");
        let split = form.replace("Name: Jo Bloggs", "Vorname: Jo\nNachname: Bloggs");
        let c = run_rule_as(&split, SourceKind::Text, |v, out| rules(v, &o, out));
        assert!(c.contains(&("street-address".into(), "Birkenweg 3".into())), "{c:?}");
        let other = form.replace("Jo Bloggs", "Sam Pike");
        let c = run_rule_as(&other, SourceKind::Text, |v, out| rules(v, &o, out));
        assert!(!c.iter().any(|(k, _)| k == "home-address"), "{c:?}");
        // Someone else's move is not the writer's.
        let c = run_rule("My sister phoned: she has a flat at 2 Dock Road, Hull HU1 1AA now.", |v, out| rules(v, &o, out));
        assert!(!c.iter().any(|(k, _)| k == "home-address"), "{c:?}");
    }

    #[test]
    fn the_town_a_writer_says_they_live_in() {
        let o = owner();
        for (text, town) in [
            ("I live in Port Talbot with two cats.", "Port Talbot"),
            ("Seit März wohne ich in Frankfurt am Main.", "Frankfurt am Main"),
            ("J'habite à Clermont-Ferrand depuis 2019.", "Clermont-Ferrand"),
            ("Jag bor i Östersund.", "Östersund"),
        ] {
            let c = run_rule(text, |v, out| rules(v, &o, out));
            assert!(c.contains(&("town-candidate".to_string(), town.to_string())), "{text}: {c:?}");
        }
        // Not a town: a country, something lowercase, a street address (the address rules read it).
        for text in ["I live in Portugal now.", "I live in a flat above the bakery.", "I live in the city centre."] {
            let c = run_rule(text, |v, out| rules(v, &o, out));
            assert!(c.iter().all(|(k, _)| k != "town-candidate"), "{text}: {c:?}");
        }
    }
}
