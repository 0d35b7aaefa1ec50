//! Address rules: postal addresses ending in a UK postcode (`M19 3PL`), a US state + ZIP
//! (`Springfield, IL 62704`) or an EU postcode + town (`75001 Paris`), written on one line with
//! commas or as a letter's address block, one part per line. An address is the user's home when
//! it follows their name in an address block, shares a line with their email/phone (CV header),
//! or is introduced by "moved to", "moving to", "to:", "move-in at", "my (new) address", "I live
//! at", "home address" — never when introduced by "from" (the old one). Emits the components
//! (`street-address`, `address-line1/2`, `address-level2`, `postal-code`, `address-level1`,
//! `country`) and the whole as `home-address` (sensitive).

use std::sync::OnceLock;

use regex::Regex;

use super::{re, Candidate, Owner, View};

/// Region (`address-level1`) of a UK postcode area.
pub fn uk_region(postcode: &str) -> Option<&'static str> {
    const AREAS: &[(&str, &str)] = &[
        ("M", "Greater Manchester"), ("BL", "Greater Manchester"), ("OL", "Greater Manchester"), ("SK", "Greater Manchester"),
        ("WN", "Greater Manchester"), ("B", "West Midlands"), ("CV", "West Midlands"), ("WV", "West Midlands"), ("WS", "West Midlands"),
        ("DY", "West Midlands"), ("L", "Merseyside"), ("CH", "Merseyside"), ("LS", "West Yorkshire"), ("BD", "West Yorkshire"),
        ("HX", "West Yorkshire"), ("HD", "West Yorkshire"), ("WF", "West Yorkshire"), ("S", "South Yorkshire"), ("DN", "South Yorkshire"),
        ("YO", "North Yorkshire"), ("HG", "North Yorkshire"), ("HU", "East Riding of Yorkshire"), ("NE", "Tyne and Wear"), ("SR", "Tyne and Wear"),
        ("DH", "County Durham"), ("TS", "North Yorkshire"), ("WA", "Cheshire"), ("CW", "Cheshire"), ("PR", "Lancashire"), ("BB", "Lancashire"),
        ("LA", "Lancashire"), ("FY", "Lancashire"), ("CA", "Cumbria"), ("NG", "Nottinghamshire"), ("LE", "Leicestershire"), ("DE", "Derbyshire"),
        ("ST", "Staffordshire"), ("LN", "Lincolnshire"), ("NN", "Northamptonshire"), ("MK", "Buckinghamshire"), ("HP", "Buckinghamshire"),
        ("OX", "Oxfordshire"), ("CB", "Cambridgeshire"), ("PE", "Cambridgeshire"), ("NR", "Norfolk"), ("IP", "Suffolk"), ("CO", "Essex"),
        ("CM", "Essex"), ("SS", "Essex"), ("AL", "Hertfordshire"), ("SG", "Hertfordshire"), ("LU", "Bedfordshire"), ("RG", "Berkshire"),
        ("SL", "Berkshire"), ("GU", "Surrey"), ("KT", "Surrey"), ("RH", "West Sussex"), ("BN", "East Sussex"), ("TN", "Kent"), ("ME", "Kent"),
        ("CT", "Kent"), ("SO", "Hampshire"), ("PO", "Hampshire"), ("BH", "Dorset"), ("DT", "Dorset"), ("SP", "Wiltshire"), ("SN", "Wiltshire"),
        ("BA", "Somerset"), ("TA", "Somerset"), ("BS", "Bristol"), ("GL", "Gloucestershire"), ("EX", "Devon"), ("PL", "Devon"), ("TQ", "Devon"),
        ("TR", "Cornwall"), ("WR", "Worcestershire"), ("HR", "Herefordshire"), ("SY", "Shropshire"), ("TF", "Shropshire"),
        ("E", "Greater London"), ("EC", "Greater London"), ("N", "Greater London"), ("NW", "Greater London"), ("SE", "Greater London"),
        ("SW", "Greater London"), ("W", "Greater London"), ("WC", "Greater London"), ("BR", "Greater London"), ("CR", "Greater London"),
        ("DA", "Kent"), ("EN", "Greater London"), ("HA", "Greater London"), ("IG", "Greater London"), ("RM", "Greater London"),
        ("SM", "Greater London"), ("TW", "Greater London"), ("UB", "Greater London"), ("CF", "Cardiff"), ("SA", "Swansea"), ("NP", "Newport"),
        ("LL", "Gwynedd"), ("G", "Glasgow City"), ("EH", "City of Edinburgh"), ("AB", "Aberdeen City"), ("DD", "Dundee City"),
        ("KY", "Fife"), ("PA", "Renfrewshire"), ("FK", "Stirling"), ("IV", "Highland"), ("BT", "Northern Ireland"),
    ];
    let area: String = postcode.chars().take_while(|c| c.is_ascii_alphabetic()).collect::<String>().to_uppercase();
    AREAS.iter().find(|(a, _)| *a == area).map(|(_, r)| *r)
}

/// English name of a country code we emit.
pub fn country_name(code: &str) -> Option<&'static str> {
    match code {
        "GB" => Some("United Kingdom"),
        "US" => Some("United States"),
        "DE" => Some("Germany"),
        "FR" => Some("France"),
        "IE" => Some("Ireland"),
        _ => None,
    }
}

/// A parsed postal address.
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    pub line1: String,
    pub line2: String,
    pub town: String,
    pub region: Option<String>,
    pub postcode: String,
    pub country: &'static str,
    pub full: String,
}

fn uk_postcode() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"\b([A-Z]{1,2}\d[A-Z\d]?)\s?(\d[A-Z]{2})\b")
}

/// Parses `parts, …, Town POSTCODE` (already one line, comma-separated).
pub fn parse(line: &str) -> Option<Address> {
    static US: OnceLock<Regex> = OnceLock::new();
    static EU: OnceLock<Regex> = OnceLock::new();
    let line = line.trim().trim_end_matches(|c: char| c == ',' || c == '.');
    let (head, postcode, country, region) = if let Some(m) = uk_postcode().captures(line).filter(|c| c.get(0).is_some_and(|m| m.end() == line.len())) {
        let whole = m.get(0)?;
        let pc = format!("{} {}", &m[1], &m[2]);
        (line[..whole.start()].trim().trim_end_matches(',').to_string(), pc.clone(), "GB", uk_region(&pc).map(str::to_string))
    } else if let Some(m) = re(&US, r",\s*([A-Z]{2})\s+(\d{5}(?:-\d{4})?)$").captures(line) {
        let whole = m.get(0)?;
        (line[..whole.start()].trim().to_string(), m[2].to_string(), "US", Some(m[1].to_string()))
    } else if let Some(m) = re(&EU, r",\s*(\d{5})\s+([A-Z][\p{L}-]+)$").captures(line) {
        let whole = m.get(0)?;
        let head = format!("{}, {}", line[..whole.start()].trim(), &m[2]);
        (head, m[1].to_string(), "", None)
    } else {
        return None;
    };
    let mut parts: Vec<String> = head.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
    let town = parts.pop()?;
    let street = parts.iter().position(|p| p.chars().next().is_some_and(|c| c.is_ascii_digit()) && p.split_whitespace().count() >= 2 && p.chars().any(|c| c.is_alphabetic()))?;
    if parts.iter().any(|p| p.to_lowercase().starts_with("po box")) || town.split_whitespace().count() > 3 {
        return None;
    }
    let line1 = parts[..=street].join(", ");
    let line2 = parts[street + 1..].join(", ");
    let full = format!("{}{}, {town} {postcode}", line1, if line2.is_empty() { String::new() } else { format!(", {line2}") });
    Some(Address { line1, line2, town, region, postcode, country, full })
}

const HOME_CUE: &str = r"(?i)(?:\bmoved to|\bmoving to|\bmove-in at|\bmoved in(?:to)? at|^\s*to\s*:|\bmy (?:new |home )?address(?: is)?|\bnew address|\bI live at|\bliving at|\bhome address|\bproperty\s*:)\W*$";

/// An address string found in text, with what precedes it on its line (`before`) and the line
/// above (`prev`).
struct Found {
    addr: String,
    before: String,
    prev: String,
    line: usize,
}

/// Candidate address strings in a text.
fn addresses_in(text: &str) -> Vec<Found> {
    static US: OnceLock<Regex> = OnceLock::new();
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let l = line.trim();
        let Some(pc) = uk_postcode().find(l).map(|m| m.end()).or_else(|| re(&US, r",\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?\b").find(l).map(|m| m.end())) else {
            continue;
        };
        let upto = &l[..pc];
        let prev = if i > 0 { lines[i - 1].to_string() } else { String::new() };
        if upto.contains(',') || upto.split_whitespace().count() > 4 {
            // One-line address: from after a label colon to the postcode, prose dropped.
            let cut = upto.rfind(": ").map(|i| i + 1).unwrap_or(0);
            let rest = &upto[cut..];
            let Some(pos) = rest.find(|c: char| c.is_ascii_digit()) else { continue };
            let flat = ["Flat ", "Apartment ", "Apt ", "Unit "].iter().filter_map(|f| rest.find(f)).min();
            let start = flat.filter(|f| *f < pos).unwrap_or(pos);
            out.push(Found { addr: rest[start..].trim().to_string(), before: format!("{}{}", &upto[..cut], &rest[..start]), prev, line: i });
        } else {
            // Address block: postcode (maybe with town) on its own line, parts above it.
            let mut parts = vec![upto.trim().to_string()];
            let mut j = i;
            while j > 0 && parts.len() < 7 {
                let p = lines[j - 1].trim();
                if p.is_empty() || p.contains(':') || p.len() > 40 || p.contains('@') {
                    break;
                }
                parts.insert(0, p.to_string());
                j -= 1;
            }
            let first_is_name = parts.first().is_some_and(|f| !f.chars().next().is_some_and(|c| c.is_ascii_digit()) && !f.starts_with("Flat"));
            let before = if first_is_name && parts.len() > 2 { parts.remove(0) } else { String::new() };
            if parts.len() < 2 {
                continue;
            }
            let pcode = parts.pop().unwrap_or_default();
            let last = parts.pop().unwrap_or_default();
            parts.push(format!("{last} {pcode}"));
            let prev = if j > 0 { lines[j - 1].to_string() } else { String::new() };
            out.push(Found { addr: parts.join(", "), before, prev, line: i });
        }
    }
    out
}

pub fn rules(v: &View, owner: &Owner, out: &mut Vec<Candidate>) {
    static CUE: OnceLock<Regex> = OnceLock::new();
    static FROM: OnceLock<Regex> = OnceLock::new();
    let cue = re(&CUE, HOME_CUE);
    let from = re(&FROM, r"(?i)\b(?:from|previous(?:ly)?|old address|formerly)\b\W*$");
    let lines: Vec<&str> = v.text.lines().collect();
    for f in addresses_in(&v.text) {
        let Some(a) = parse(&f.addr) else { continue };
        let bare = f.before.trim().is_empty();
        let (before, prev) = (f.before.trim_end(), f.prev.trim_end());
        if from.is_match(before) || (bare && from.is_match(prev)) {
            continue;
        }
        let near = |d: usize| lines.get(d).map(|l| l.to_lowercase()).unwrap_or_default();
        let header_line = [near(f.line), near(f.line + 1), near(f.line.saturating_sub(1))]
            .iter()
            .any(|l| owner.addresses.iter().any(|(e, _, _)| l.contains(e.as_str())));
        let confidence = if owner.named_in(before) || owner.named_in(prev) {
            0.85
        } else if cue.is_match(before) || (bare && cue.is_match(prev)) {
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
        v.emit(out, "street-address", &if a.line2.is_empty() { a.line1.clone() } else { format!("{}, {}", a.line1, a.line2) }, confidence);
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
        let a = parse("Flat 2, Rose Court, 12 Mill Lane, Salford M3 6BX").unwrap();
        assert_eq!((a.line1.as_str(), a.line2.as_str(), a.town.as_str(), a.postcode.as_str()), ("Flat 2, Rose Court, 12 Mill Lane", "", "Salford", "M3 6BX"));
        assert_eq!(a.region.as_deref(), Some("Greater Manchester"));
        let a = parse("41 Oak Grove, Headingley, Leeds LS6 3PL").unwrap();
        assert_eq!((a.line1.as_str(), a.line2.as_str(), a.region.as_deref()), ("41 Oak Grove", "Headingley", Some("West Yorkshire")));
        let a = parse("742 Evergreen Terrace, Springfield, IL 62704").unwrap();
        assert_eq!((a.town.as_str(), a.region.as_deref(), a.country), ("Springfield", Some("IL"), "US"));
        assert_eq!(parse("12 Rue de Rivoli, 75001 Paris").unwrap().town, "Paris");
        assert!(parse("PO Box 44, Leeds LS1 9ZZ").is_none());
    }

    #[test]
    fn home_needs_a_cue_and_from_is_old() {
        let o = owner();
        let c = run_rule("from: 1 Old Road, Salford M3 6BX\nto: 41 Oak Grove, Headingley, Leeds LS6 3PL  <- yay", |v, out| rules(v, &o, out));
        let homes: Vec<_> = c.iter().filter(|(k, _)| k == "home-address").map(|(_, v)| v.as_str()).collect();
        assert_eq!(homes, ["41 Oak Grove, Headingley, Leeds LS6 3PL"]);
        let c = run_rule("The dentist is at 88 High Road, Manchester M14 5AL.", |v, out| rules(v, &o, out));
        assert!(c.is_empty(), "{c:?}");
        let letter = "Ms Jo Bloggs\n41 Oak Grove\nHeadingley\nLeeds\nLS6 3PL\n\n7 March 2025";
        let c = run_rule_as(letter, SourceKind::Text, |v, out| rules(v, &o, out));
        assert!(c.contains(&("address-line2".into(), "Headingley".into())), "{c:?}");
        assert!(c.contains(&("postal-code".into(), "LS6 3PL".into())));
        let cv = "JO BLOGGS\n1 Old Road, Salford M3 6BX, United Kingdom\n07700 900111 | jo.bloggs@mail.example";
        let c = run_rule_as(cv, SourceKind::Text, |v, out| rules(v, &o, out));
        assert!(c.contains(&("address-line1".into(), "1 Old Road".into())), "{c:?}");
    }
}
