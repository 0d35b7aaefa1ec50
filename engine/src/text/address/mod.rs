//! Postal addresses of any country, read by that country's own format: where the postcode
//! stands and what shape it has, where the town and region go, whether the house number comes
//! before or after the street. The formats are Google's address metadata (`formats.json`, see
//! `LICENSE.md` beside it), the data Chromium's own autofill uses.
//!
//! [`find_locality`] finds the "postcode + town" part of a line (`04229 Leipzig`,
//! `SE-114 55 Stockholm`, `Bath BA2 4QT`, `Springfield, IL 62704`, `〒100-0001`);
//! [`parse_parts`] turns the parts before it into street and unit lines.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

#[derive(Debug, Deserialize, Default)]
struct RawFormat {
    name: Option<String>,
    fmt: Option<String>,
    zip: Option<String>,
    sub_keys: Option<String>,
    sub_names: Option<String>,
    sub_zips: Option<String>,
}

/// One country's format, compiled.
pub struct Format {
    pub code: &'static str,
    pub name: String,
    /// The "locality line" (postcode, town, region) as a regex with groups `z`, `c`, `s`.
    locality: Option<Regex>,
    /// First-level regions: (key, name, postcode prefix pattern).
    regions: Vec<(String, String, Option<Regex>)>,
}

fn raw() -> &'static HashMap<String, RawFormat> {
    static R: OnceLock<HashMap<String, RawFormat>> = OnceLock::new();
    R.get_or_init(|| serde_json::from_str(include_str!("formats.json")).expect("formats.json is valid"))
}

/// A town: capitalised words, with the small linking words town names use (`Frankfurt am
/// Main`, `Saint-Denis`, `Alcalá de Henares`, `Newcastle upon Tyne`).
const TOWN: &str = r"\p{Lu}[\p{L}'’.-]*(?:\s+(?:(?:am|an|im|in|der|de|du|des|la|le|les|sur|del|di|da|do|dos|upon|on|en|aan|den|y|i)\s+)?\p{Lu}[\p{L}'’.-]*){0,3}";

fn compile(code: &'static str, raw: &RawFormat) -> Format {
    let name = raw.name.as_deref().map(title_case).unwrap_or_default();
    let locality = raw.fmt.as_deref().zip(raw.zip.as_deref()).and_then(|(fmt, zip)| {
        // The fmt lines around %Z, joined: GB writes town and postcode on two lines.
        let lines: Vec<&str> = fmt.split("%n").collect();
        let zi = lines.iter().position(|l| l.contains("%Z"))?;
        let mut seg: Vec<&str> = vec![lines[zi]];
        if !lines[zi].contains("%C") {
            if zi > 0 && lines[zi - 1].contains("%C") {
                seg.insert(0, lines[zi - 1]);
            } else if lines.get(zi + 1).is_some_and(|l| l.contains("%C")) {
                seg.push(lines[zi + 1]);
            }
        }
        let line = seg.join("%n");
        let mut pattern = String::new();
        let mut rest = line.as_str();
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("%n") {
                pattern.push_str(r"[,\s]+");
                rest = r;
            } else if let Some(r) = rest.strip_prefix("%Z") {
                pattern.push_str(&format!(r"(?P<z>{zip})"));
                rest = r;
            } else if let Some(r) = rest.strip_prefix("%C") {
                pattern.push_str(&format!("(?P<c>{TOWN})"));
                rest = r;
            } else if let Some(r) = rest.strip_prefix("%S") {
                // A region written before the postcode (`Springfield, IL 62704`) is part of the
                // convention; one after it (`46006 Valencia, Valencia`) is often left out.
                // It may stand in brackets (`Montréal (Québec) H2J 3V6`, `Milano (MI)`).
                let optional = if r.contains("%Z") { "" } else { "?" };
                pattern.push_str(&format!(r"(?:\(?(?P<s>\p{{Lu}}[\p{{L}}'’.-]*(?:\s+\p{{Lu}}[\p{{L}}'’.-]*)?)\)?){optional}"));
                rest = r;
            } else if rest.starts_with('%') {
                rest = &rest[2.min(rest.len())..];
            } else {
                let ch = rest.chars().next().expect("non-empty");
                match ch {
                    // People put a comma where the format has a space (`Kelowna, BC V1Y 2P3`).
                    ' ' => pattern.push_str(r",?\s*"),
                    ',' => pattern.push_str(r",?"),
                    _ => pattern.push_str(&format!("{}?", regex::escape(&ch.to_string()))),
                }
                rest = &rest[ch.len_utf8()..];
            }
        }
        // An optional region after the locality (`46006 Valencia, Valencia`) is left to the caller.
        Regex::new(&format!(r"(?:^|[\s,(])(?:{}-)?{pattern}(?:$|[\s,.)])", regex::escape(code))).ok()
    });
    let split = |s: &Option<String>| s.as_deref().map(|v| v.split('~').map(str::to_string).collect::<Vec<_>>()).unwrap_or_default();
    let (keys, names, zips) = (split(&raw.sub_keys), split(&raw.sub_names), split(&raw.sub_zips));
    let regions = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let name = names.get(i).cloned().unwrap_or_else(|| k.clone());
            let zip = zips.get(i).filter(|z| !z.is_empty()).and_then(|z| Regex::new(&format!("^(?:{z})")).ok());
            (k.clone(), name, zip)
        })
        .collect();
    Format { code, name, locality, regions }
}

/// The compiled format of a country (ISO 3166-1 alpha-2, upper case), compiled the first time
/// it is asked for: a text tries a handful of countries, not all of them.
pub fn format(code: &str) -> Option<&'static Format> {
    static F: OnceLock<HashMap<&'static str, OnceLock<Format>>> = OnceLock::new();
    let all = F.get_or_init(|| raw().keys().map(|k| (k.as_str(), OnceLock::new())).collect());
    let (key, cell) = all.get_key_value(code.to_uppercase().as_str())?;
    Some(cell.get_or_init(|| compile(key, &raw()[*key])))
}

/// The country's name in English, title-cased (`United Kingdom`, `Bosnia and Herzegovina`).
pub fn country_name(code: &str) -> Option<String> {
    format(code).map(|f| f.name.clone()).filter(|n| !n.is_empty())
}

fn title_case(s: &str) -> String {
    s.split(' ')
        .enumerate()
        .map(|(i, w)| {
            let lw = w.to_lowercase();
            if i > 0 && matches!(lw.as_str(), "and" | "of" | "the" | "da" | "de") {
                return lw;
            }
            let mut c = lw.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Countries whose addresses people writing in a language most often have (a guess that only
/// orders the formats tried; an explicit country name wins).
pub fn countries_for_language(lang: &str) -> &'static [&'static str] {
    match lang {
        "en" => &["GB", "US", "IE", "CA", "AU", "NZ"],
        "de" => &["DE", "AT", "CH"],
        "fr" => &["FR", "BE", "CH", "CA", "LU"],
        "es" => &["ES", "MX", "AR", "CO", "CL"],
        "it" => &["IT", "CH"],
        "nl" => &["NL", "BE"],
        "pt" => &["PT", "BR"],
        "pl" => &["PL"],
        "sv" => &["SE", "FI"],
        "ja" => &["JP"],
        "zh" => &["CN", "TW", "HK"],
        _ => &[],
    }
}

/// Formats tried when nothing hints at a country: those whose postcode shape says the
/// country by itself.
const DISTINCTIVE: &[&str] = &["GB", "US", "CA", "NL", "PL", "PT", "BR", "JP", "SE", "IE"];

/// A locality found in a line: where it starts and ends, and its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Locality {
    pub start: usize,
    pub end: usize,
    pub country: &'static str,
    pub postcode: String,
    pub town: String,
    pub region: Option<String>,
    /// The locality as written (`Montréal (Québec) H2J 3V6`), kept in the whole address.
    pub written: String,
}

/// The first locality in `line`, trying `hints` (country codes) first, then the formats whose
/// postcodes are unmistakable. A bare five-digit postcode without a hint is returned with an
/// empty country.
pub fn find_locality(line: &str, hints: &[&str]) -> Option<Locality> {
    let mut tried: Vec<&str> = Vec::new();
    for code in hints.iter().chain(DISTINCTIVE.iter()) {
        if tried.contains(code) {
            continue;
        }
        tried.push(code);
        let Some(f) = format(code) else { continue };
        let Some(r) = &f.locality else { continue };
        let Some(c) = r.captures(line) else { continue };
        let (Some(z), Some(t)) = (c.name("z"), c.name("c")) else { continue };
        let postcode = z.as_str().trim().to_string();
        // Unhinted, a bare five-digit postcode says no country by itself (only the US writes a
        // state before it, which the US format requires).
        if !hints.contains(code) && f.code != "US" && postcode.len() == 5 && postcode.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let region = c.name("s").map(|s| s.as_str().to_string()).or_else(|| region_of(f, &postcode));
        let mut start = z.start().min(t.start());
        if line[..start].ends_with(&format!("{}-", f.code)) {
            start -= 3;
        }
        let town = sentence_cut(t.as_str().trim());
        let t_end = if town.len() < t.as_str().trim().len() { t.start() + town.len() } else { t.end() };
        let end = z.end().max(t_end).max(c.name("s").filter(|s| s.start() < t_end || t_end == t.end()).map_or(0, |s| s.end()));
        let written = line[start..end].trim().trim_end_matches(',').to_string();
        return Some(Locality { start, end, country: f.code, postcode: normal_postcode(f.code, &postcode), town, region, written });
    }
    static GENERIC: OnceLock<Regex> = OnceLock::new();
    let g = GENERIC.get_or_init(|| Regex::new(&format!(r"(?:^|[\s,])(?P<z>\d{{5}})\s+(?P<c>{TOWN})(?:$|[\s,.)])")).expect("generic locality"));
    let c = g.captures(line)?;
    let (z, t) = (c.name("z")?, c.name("c")?);
    let town = sentence_cut(t.as_str());
    let end = t.start() + town.len();
    let written = line[z.start()..end].trim().to_string();
    Some(Locality { start: z.start(), end, country: "", postcode: z.as_str().to_string(), town, region: None, written })
}

/// A town ends where its sentence does: `Norrby. Kom och hälsa på` is `Norrby`; an
/// abbreviation's point (`St. Albans`) does not end it.
fn sentence_cut(town: &str) -> String {
    let mut at = 0;
    for w in town.split_inclusive(' ') {
        let word = w.trim_end();
        if word.ends_with('.') && word.trim_end_matches('.').chars().count() > 3 {
            return town[..at + word.len() - 1].to_string();
        }
        at += w.len();
    }
    town.to_string()
}

/// Postcodes in the form the country's post writes them (`BA24QT` → `BA2 4QT`).
fn normal_postcode(code: &str, pc: &str) -> String {
    match code {
        "GB" => {
            let compact: String = pc.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
            if compact.len() > 3 {
                format!("{} {}", &compact[..compact.len() - 3], &compact[compact.len() - 3..])
            } else {
                compact
            }
        }
        _ => pc.to_string(),
    }
}

/// The first-level region a postcode belongs to, from the regions' postcode prefixes
/// (`46006` → Valencia in Spain); for the United Kingdom, the postcode area.
pub fn region_of(f: &Format, postcode: &str) -> Option<String> {
    if f.code == "GB" {
        return uk_region(postcode).map(str::to_string);
    }
    f.regions.iter().find(|(_, _, z)| z.as_ref().is_some_and(|z| z.is_match(postcode))).map(|(_, name, _)| name.clone())
}

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

/// Words that start a unit line before the street (`Flat 2`, `Apt 5`, `Wohnung 3`, `Lgh 1102`).
const UNIT_WORDS: &[&str] = &["flat", "apartment", "apt", "unit", "suite", "wohnung", "whg", "appartement", "appt", "app.", "piso", "apartamento", "appartamento", "lgh", "lägenhet", "mieszkanie", "bureau", "bte", "boîte"];

/// A parsed postal address.
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    pub line1: String,
    pub line2: String,
    /// The street and unit as the user wrote them together (`Rue Haute 8 bte 4`, `Flat 2, 9 Mill
    /// Lane`): line 1 and line 2 joined as they were.
    pub street: String,
    pub town: String,
    pub region: Option<String>,
    pub postcode: String,
    pub country: &'static str,
    pub full: String,
}

fn has_word(p: &str) -> bool {
    p.split(|c: char| !c.is_alphabetic()).any(|w| w.chars().count() >= 3)
}

/// A unit or floor line rather than a street (`Flat 2`, `3º izda`, `3. OG`, `2nd floor`).
fn unit_like(p: &str) -> bool {
    static FLOOR: OnceLock<Regex> = OnceLock::new();
    let lw = p.trim().to_lowercase();
    let floor = FLOOR.get_or_init(|| Regex::new(r"^\d+\s?(?:[º°ª.]|st\b|nd\b|rd\b|th\b|e\b|er\b|o\b|a\b)").expect("regex"));
    UNIT_WORDS.iter().any(|u| lw.starts_with(u)) || floor.is_match(&lw) || !has_word(p)
}

/// The street line in a part that may start with prose (`moved into Karl-Str. 4` → `Karl-Str. 4`,
/// `moved to 27 Fern Street` → `27 Fern Street`): from the house number when it comes first, else
/// from the first capitalised word of the run of words before the number.
fn street_of(part: &str) -> String {
    static NUMBER_FIRST: OnceLock<Regex> = OnceLock::new();
    static NUMBER_LAST: OnceLock<Regex> = OnceLock::new();
    let part = part.trim();
    let nf = NUMBER_FIRST.get_or_init(|| Regex::new(r"\b\d+[a-zA-Z]?(?:[-/]\d+[a-zA-Z]?)?,?\s+(?:bis\s+|ter\s+)?[\p{L}][\p{L}'’. -]*$").expect("regex"));
    let nl = NUMBER_LAST.get_or_init(|| {
        Regex::new(r"(?:(?:ul|al|os|pl|av|avda|c)[./]\s*)?\p{Lu}[\p{L}'’.-]*(?:\s+(?:(?:de|del|la|di|della|van|der|den|am|an|im|in|le|du|des|dos|das|da|do|y)\s+)*\p{Lu}[\p{L}'’.-]*)*\s+\d+\s?[a-zA-Z]?(?:[-/]\d+[a-zA-Z]?)?$").expect("regex")
    });
    if let Some(m) = nf.find(part) {
        if m.start() == 0 || !part[..m.start()].chars().any(|c| c.is_ascii_digit()) {
            // Number first, unless the text before it is itself a capitalised street name.
            let before = part[..m.start()].trim_end();
            if before.is_empty() || !before.split_whitespace().last().is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase) && nl.is_match(&format!("{} 1", w))) {
                return part[m.start()..].to_string();
            }
        }
    }
    if let Some(m) = nl.find(part) {
        // Leave a leading lower-case-led prose word out: start at the first capital of the run.
        return part[m.start()..].to_string();
    }
    part.to_string()
}

/// Builds an address from the parts before the locality (already split at commas or lines,
/// prose possibly in the first part) and the locality.
pub fn parse_parts(parts: &[String], loc: &Locality) -> Option<Address> {
    let parts: Vec<String> = parts.iter().map(|p| p.trim().trim_end_matches(',').trim().to_string()).filter(|p| !p.is_empty()).collect();
    // A house number written alone before its street, with a comma (`4821, rue Fabre`, the
    // Canadian way), is one part with it.
    let mut joined: Vec<String> = Vec::new();
    for p in parts {
        let bare_number = |s: &str| {
            let s = s.trim();
            !s.is_empty() && s.len() <= 6 && s.chars().next().is_some_and(|c| c.is_ascii_digit()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        match joined.last_mut() {
            Some(last) if bare_number(last) && has_word(&p) && !p.chars().any(|c| c.is_ascii_digit()) => *last = format!("{last}, {p}"),
            _ => joined.push(p),
        }
    }
    let parts = joined;
    // The street: the last part with a house number and a word (a part that is only a unit,
    // `4º B`, has no word of three letters).
    let numbered = |p: &String| p.chars().any(|c| c.is_ascii_digit()) && has_word(p);
    let street = parts.iter().rposition(|p| numbered(p) && !unit_like(p)).or_else(|| parts.iter().position(numbered))?;
    if loc.town.split_whitespace().count() > 4 || parts.iter().any(|p| p.to_lowercase().starts_with("po box") || p.to_lowercase().starts_with("postfach")) {
        return None;
    }
    // Unit parts before the street (`Flat 2, Rose Court, 12 Mill Lane`) belong to line 1 when
    // the first of them starts with a unit word or a number.
    let mut first = street;
    for i in (0..street).rev() {
        let lw = parts[i].to_lowercase();
        let unit = UNIT_WORDS.iter().any(|u| lw.starts_with(u)) || lw.chars().next().is_some_and(|c| c.is_ascii_digit());
        if unit {
            first = i;
        }
    }
    let mut line1_parts: Vec<String> = parts[first..=street].to_vec();
    if first == street {
        line1_parts[0] = street_of(&line1_parts[0]);
    } else {
        // Cut prose in front of the unit word or number.
        let p = &line1_parts[0];
        let lw = p.to_lowercase();
        let at = UNIT_WORDS.iter().filter_map(|u| lw.find(&format!("{u} ")).filter(|i| *i == 0 || !lw.as_bytes()[i - 1].is_ascii_alphabetic())).min().or_else(|| p.find(|c: char| c.is_ascii_digit())).unwrap_or(0);
        line1_parts[0] = p[at..].to_string();
    }
    let mut line1 = line1_parts.join(", ");
    // Parts after the street: unit lines and districts (`4º B`, `Jesmond`).
    let mut after: Vec<String> = parts[street + 1..].to_vec();
    // A unit written on the street's line after the house number (`Rue Haute 8 bte 4`,
    // `Storgatan 3 lgh 1001`, `Dorpstraat 5 bus 2`) is line 2.
    static TRAILING_UNIT: OnceLock<Regex> = OnceLock::new();
    let trailing = TRAILING_UNIT.get_or_init(|| Regex::new(&format!(r"(?i)^(.*?\d+\s?[a-z]?)\s+((?:{}|bus)\.?\s*\d+[a-z]?)$", UNIT_WORDS.iter().map(|u| regex::escape(u.trim_end_matches('.'))).collect::<Vec<_>>().join("|"))).expect("regex"));
    let mut joined_by = ", ";
    if let Some(c) = trailing.captures(&line1.clone()) {
        line1 = c[1].trim().to_string();
        after.insert(0, c[2].trim().to_string());
        joined_by = " ";
    }
    let line2 = after.join(", ");
    let street = if line2.is_empty() { line1.clone() } else { format!("{line1}{joined_by}{line2}") };
    let pc = &loc.postcode;
    // The locality as the user wrote it when it holds the town and the postcode; else in the
    // country's order.
    let tail = if loc.written.contains(loc.town.as_str()) && loc.written.contains(pc.as_str()) && !loc.written.contains('\n') {
        loc.written.clone()
    } else { match loc.country {
        "GB" | "US" | "CA" | "AU" | "IE" | "NZ" => match &loc.region {
            Some(r) if loc.country != "GB" => format!("{}, {r} {pc}", loc.town),
            _ => format!("{} {pc}", loc.town),
        },
        _ => format!("{pc} {}", loc.town),
    } };
    let full = format!("{line1}{}, {tail}", if line2.is_empty() { String::new() } else { format!(", {line2}") });
    Some(Address { line1, line2, street, town: loc.town.clone(), region: loc.region.clone(), postcode: pc.clone(), country: loc.country, full })
}

/// Parses a one-line address (`parts, …, postcode town` in the country's order).
pub fn parse(line: &str, hints: &[&str]) -> Option<Address> {
    let line = line.trim().trim_end_matches([',', '.']);
    let loc = find_locality(line, hints)?;
    let before = line[..loc.start].trim().trim_end_matches(',');
    let parts: Vec<String> = before.split(',').map(str::to_string).collect();
    parse_parts(&parts, &loc)
}

#[cfg(test)]
mod sentence_tests {
    use super::sentence_cut;

    #[test]
    fn a_town_ends_with_its_sentence() {
        assert_eq!(sentence_cut("Norrby. Kom"), "Norrby");
        assert_eq!(sentence_cut("St. Albans"), "St. Albans");
        assert_eq!(sentence_cut("Frankfurt am Main"), "Frankfurt am Main");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_format_compiles() {
        for code in raw().keys() {
            let f = format(code).expect("format");
            if raw()[code].zip.is_some() {
                assert!(f.locality.is_some(), "{code}");
            }
        }
        assert_eq!(country_name("GB").as_deref(), Some("United Kingdom"));
        assert_eq!(country_name("BA").as_deref(), Some("Bosnia and Herzegovina"));
    }

    /// Invented addresses, one a country, in the order each country writes them.
    #[test]
    fn addresses_in_their_own_formats() {
        let cases: &[(&str, &[&str], (&str, &str, &str, &str, &str))] = &[
            ("Flat 3, Alder House, 9 Quarry Road, Bath BA2 4QT", &[], ("Flat 3, Alder House, 9 Quarry Road", "", "Bath", "BA2 4QT", "GB")),
            ("27 Fern Street, Jesmond, Newcastle NE2 1XY", &[], ("27 Fern Street", "Jesmond", "Newcastle", "NE2 1XY", "GB")),
            ("742 Evergreen Terrace, Springfield, IL 62704", &[], ("742 Evergreen Terrace", "", "Springfield", "62704", "US")),
            ("Lindenallee 7, 50968 Köln", &["DE"], ("Lindenallee 7", "", "Köln", "50968", "DE")),
            ("Hauptstraße 12a, 3. OG, 80331 München", &["DE"], ("Hauptstraße 12a", "3. OG", "München", "80331", "DE")),
            ("Storgatan 14, 114 55 Stockholm", &["SE"], ("Storgatan 14", "", "Stockholm", "114 55", "SE")),
            ("Storgatan 14, SE-114 55 Stockholm", &[], ("Storgatan 14", "", "Stockholm", "114 55", "SE")),
            ("12 rue des Lilas, 69003 Lyon", &["FR"], ("12 rue des Lilas", "", "Lyon", "69003", "FR")),
            ("Calle del Pez 8, 3º izda, 28004 Madrid", &["ES"], ("Calle del Pez 8", "3º izda", "Madrid", "28004", "ES")),
            ("Via Garibaldi 21, 10122 Torino", &["IT"], ("Via Garibaldi 21", "", "Torino", "10122", "IT")),
            ("Keizersgracht 100, 1015 CX Amsterdam", &[], ("Keizersgracht 100", "", "Amsterdam", "1015 CX", "NL")),
            ("Avenida Central 45, 8800-351 Tavira", &[], ("Avenida Central 45", "", "Tavira", "8800-351", "PT")),
            ("ul. Długa 5, 00-238 Warszawa", &[], ("ul. Długa 5", "", "Warszawa", "00-238", "PL")),
            ("Rue Neuve 3, 1000 Bruxelles", &["BE"], ("Rue Neuve 3", "", "Bruxelles", "1000", "BE")),
            ("Rue Haute 8 bte 4, 5000 Namur", &["BE"], ("Rue Haute 8", "bte 4", "Namur", "5000", "BE")),
            ("Storgatan 3 lgh 1001, 903 25 Umeå", &["SE"], ("Storgatan 3", "lgh 1001", "Umeå", "903 25", "SE")),
            ("210, boulevard des Érables, app. 12, Sherbrooke (Québec) J1H 4K2", &["FR", "CA"], ("210, boulevard des Érables", "app. 12", "Sherbrooke", "J1H 4K2", "CA")),
            ("88 Birch Avenue, Unit 5, Kelowna, BC V1Y 2P3", &[], ("88 Birch Avenue", "Unit 5", "Kelowna", "V1Y 2P3", "CA")),
        ];
        for (line, hints, (l1, l2, town, pc, country)) in cases {
            let a = parse(line, hints).unwrap_or_else(|| panic!("{line}"));
            assert_eq!((a.line1.as_str(), a.line2.as_str(), a.town.as_str(), a.postcode.as_str(), a.country), (*l1, *l2, *town, *pc, *country), "{line}");
        }
        assert_eq!(parse("Calle del Pez 8, 28004 Madrid", &["ES"]).and_then(|a| a.region).as_deref(), Some("Madrid"));
        assert_eq!(parse("27 Fern Street, Newcastle NE2 1XY", &[]).and_then(|a| a.region).as_deref(), Some("Tyne and Wear"));
        assert_eq!(parse("210, boulevard des Érables, Sherbrooke (Québec) J1H 4K2", &["CA"]).and_then(|a| a.region).as_deref(), Some("Québec"));
        assert!(parse("PO Box 44, Bath BA1 9ZZ", &[]).is_none());
        assert!(parse("Wir treffen uns um 10 Uhr", &["DE"]).is_none());
    }

    #[test]
    fn prose_before_the_street_is_left_out() {
        assert_eq!(parse("we moved to 27 Fern Street, Newcastle NE2 1XY", &[]).map(|a| a.line1).as_deref(), Some("27 Fern Street"));
        assert_eq!(parse("wir ziehen in die Lindenallee 7, 50968 Köln", &["DE"]).map(|a| a.line1).as_deref(), Some("Lindenallee 7"));
    }
}
