//! Value selection: which profile value goes into which predicted field, shaped to fit it.
//!
//! Input: the classifier's [`Prediction`]s, the user's L1 profile (for now a map keyed by the
//! same autofill tokens: `given-name`, `tel`, `bday` as `YYYY-MM-DD`, `country` as a name or ISO
//! code, …) and the descriptors. Output: `(field index, value)` pairs for the content script's
//! `fillIndex`. Derived values: names split/joined, phone parts and national formats, birthday
//! parts, street lines, country code ↔ name. Selects get the value of the matching option.
//! Fields that are hidden/covered/disabled/read-only are never filled; sensitive tokens
//! (payment cards, identity and tax numbers, passwords) only when the caller names them.

use std::collections::HashMap;

use super::classify::Prediction;
use super::descriptor::{FieldDescriptor, SelectOption};
use super::options::country_code;
use super::text::fold;
use super::token::{is_sensitive, NONE};

/// Options of [`fill_values_with`].
#[derive(Debug, Clone, Default)]
pub struct FillOptions {
    /// Sensitive tokens the user explicitly asked to fill (e.g. `["cc-number"]`).
    pub allow_sensitive: Vec<String>,
}

/// [`fill_values_with`] with no sensitive tokens allowed.
pub fn fill_values(
    predictions: &[Prediction],
    profile: &HashMap<String, String>,
    descriptors: &[FieldDescriptor],
) -> Vec<(usize, String)> {
    fill_values_with(predictions, profile, descriptors, &FillOptions::default())
}

/// The value for every fillable predicted field the profile can answer.
pub fn fill_values_with(
    predictions: &[Prediction],
    profile: &HashMap<String, String>,
    descriptors: &[FieldDescriptor],
    options: &FillOptions,
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for p in predictions {
        if p.token == NONE {
            continue;
        }
        let Some(d) = descriptors.iter().find(|d| d.index == p.index) else { continue };
        if !d.flags.can_fill() {
            continue;
        }
        if is_sensitive(&p.token) && !options.allow_sensitive.iter().any(|t| *t == p.token) {
            continue;
        }
        let Some(value) = derive(&p.token, profile) else { continue };
        let fitted = if d.is_select() { match_option(&p.token, &value, &d.options) } else { fit_text(&p.token, &value, d) };
        if let Some(v) = fitted.filter(|v| !v.is_empty()) {
            out.push((d.index, v));
        }
    }
    out
}

fn get<'a>(profile: &'a HashMap<String, String>, k: &str) -> Option<&'a str> {
    profile.get(k).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// The profile value for `token`, derived from related keys when it is not stored directly.
fn derive(token: &str, profile: &HashMap<String, String>) -> Option<String> {
    if let Some(v) = get(profile, token) {
        return Some(v.to_string());
    }
    let name = get(profile, "name");
    let bday = get(profile, "bday").and_then(parse_date);
    let tel = get(profile, "tel");
    let street = get(profile, "street-address");
    let line1 = get(profile, "address-line1").map(str::to_string).or_else(|| street.and_then(|s| s.lines().next()).map(str::to_string));
    let v = match token {
        "name" | "cc-name" => {
            let parts: Vec<&str> = ["given-name", "additional-name", "family-name"].iter().filter_map(|k| get(profile, k)).collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        }
        "given-name" | "cc-given-name" => name.and_then(|n| n.split_whitespace().next()).map(str::to_string),
        "family-name" | "cc-family-name" => name.filter(|n| n.split_whitespace().count() > 1).and_then(|n| n.split_whitespace().last()).map(str::to_string),
        "street-address" => {
            let lines: Vec<&str> = ["address-line1", "address-line2", "address-line3"].iter().filter_map(|k| get(profile, k)).collect();
            (!lines.is_empty()).then(|| lines.join("\n"))
        }
        "address-line1" | "street" => line1,
        "loginname" => get(profile, "username").map(str::to_string),
        // A box that takes a postcode or a town: the postcode.
        "postal-code-and-city" | "postal-code-or-suburb" | "postal-code-lookup" => get(profile, "postal-code").map(str::to_string),
        "address-line2" => street.and_then(|s| s.lines().nth(1)).map(str::to_string),
        "address-streetname" => line1.as_deref().and_then(split_street).map(|(s, _)| s),
        "address-housenumber" => line1.as_deref().and_then(split_street).map(|(_, n)| n),
        "country" | "country-name" => get(profile, if token == "country" { "country-name" } else { "country" }).map(str::to_string),
        "bday-day" => bday.map(|(_, _, d)| d.to_string()),
        "bday-month" => bday.map(|(_, m, _)| m.to_string()),
        "bday-year" => bday.map(|(y, _, _)| y.to_string()),
        "tel-national" | "tel-local" => tel.map(national),
        "tel-country-code" => tel.and_then(country_calling_code),
        "tel-area-code" => tel.map(national).and_then(|n| n.get(..3).map(str::to_string)),
        "tel-local-prefix" => tel.map(national).and_then(|n| n.get(3..6).map(str::to_string)),
        "tel-local-suffix" => tel.map(national).and_then(|n| n.get(6..).map(str::to_string)),
        "cc-exp-month" | "cc-exp-year" => get(profile, "cc-exp").and_then(|e| {
            let (m, y) = e.split_once('/')?;
            Some(if token == "cc-exp-month" { m.trim().to_string() } else { y.trim().to_string() })
        }),
        _ => None,
    };
    v.filter(|s| !s.is_empty())
}

/// `YYYY-MM-DD` → (year, month, day).
fn parse_date(s: &str) -> Option<(u32, u32, u32)> {
    let mut it = s.split(['-', '/', '.']);
    let (y, m, d) = (it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// `"12 Main St"` or `"Hauptstraße 12a"` → (street, number).
fn split_street(line: &str) -> Option<(String, String)> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let is_num = |w: &str| w.chars().next().map(|c| c.is_ascii_digit()).unwrap_or(false);
    if words.len() >= 2 && is_num(words[0]) {
        return Some((words[1..].join(" "), words[0].trim_end_matches(',').to_string()));
    }
    if words.len() >= 2 && is_num(words[words.len() - 1]) {
        return Some((words[..words.len() - 1].join(" ").trim_end_matches(',').to_string(), words[words.len() - 1].to_string()));
    }
    None
}

/// `+44 20 7946 0958` → `"44"`.
fn country_calling_code(tel: &str) -> Option<String> {
    let t = tel.trim();
    let rest = t.strip_prefix('+').or_else(|| t.strip_prefix("00"))?;
    let code: String = rest.split([' ', '-', '(', ')']).next()?.chars().filter(|c| c.is_ascii_digit()).collect();
    (!code.is_empty() && code.len() <= 3).then_some(code)
}

/// The national digits: country code dropped (with a trunk `0` for numbers that had one), formatting gone.
fn national(tel: &str) -> String {
    let t = tel.trim();
    if let Some(code) = country_calling_code(t) {
        let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
        let skip = if t.starts_with("00") { code.len() + 2 } else { code.len() };
        let rest = digits.get(skip..).unwrap_or("").to_string();
        if code != "1" && !rest.starts_with('0') {
            return format!("0{rest}");
        }
        return rest;
    }
    t.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// Fits a text value to the field's maxlength and pattern.
fn fit_text(token: &str, value: &str, d: &FieldDescriptor) -> Option<String> {
    let mut v = value.to_string();
    if d.tag != "textarea" && v.contains('\n') {
        v = v.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(", ");
    }
    let max = d.max_length.map(|m| m as usize);
    let digits_only = d.pattern.as_deref().map(|p| {
        let p = p.replace(' ', "");
        p.starts_with("[0-9]") || p.starts_with("\\d") || p.starts_with("^[0-9]") || p.starts_with("^\\d")
    }) == Some(true);
    if token.starts_with("tel") {
        if digits_only || max.map(|m| v.chars().count() > m).unwrap_or(false) {
            let compact: String = v.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
            v = compact;
        }
        if max.map(|m| v.chars().count() > m).unwrap_or(false) || (digits_only && v.starts_with('+')) {
            v = national(value);
        }
    }
    if token == "bday-day" || token == "bday-month" {
        if v.len() == 1 && max.map(|m| m >= 2).unwrap_or(true) {
            v = format!("0{v}");
        }
    }
    if token == "bday" && d.kind == "date" {
        if let Some((y, m, dd)) = parse_date(&v) {
            v = format!("{y:04}-{m:02}-{dd:02}");
        }
    }
    if let Some(m) = max {
        if v.chars().count() > m {
            // A value that does not fit is wrong when cut (a phone, a postcode): skip it.
            return None;
        }
    }
    Some(v)
}

/// The value of the option meaning `value`, or `None` when no option does.
fn match_option(token: &str, value: &str, options: &[SelectOption]) -> Option<String> {
    let norm = |s: &str| fold(s).split_whitespace().collect::<Vec<_>>().join(" ");
    let v = norm(value);
    if let Some(o) = options.iter().find(|o| o.value == value || norm(&o.value) == v || norm(&o.text) == v) {
        return Some(o.value.clone());
    }
    if token.starts_with("country") {
        let code = country_code(value)?;
        return options
            .iter()
            .find(|o| country_code(&o.value) == Some(code) || country_code(&o.text) == Some(code))
            .map(|o| o.value.clone());
    }
    if let Ok(n) = v.parse::<u32>() {
        // Month/day/year numbers: "3" matches "03"; a 4-digit year matches its 2-digit form.
        return options
            .iter()
            .find(|o| {
                let num = |s: &str| s.trim().parse::<u32>().ok();
                num(&o.value) == Some(n) || num(&o.text) == Some(n) || (n >= 1900 && num(&o.text) == Some(n % 100))
            })
            .map(|o| o.value.clone());
    }
    if token == "tel-country-code" {
        let code = format!("+{}", value.trim_start_matches('+'));
        return options.iter().find(|o| o.text.contains(&code) || o.value.contains(&code)).map(|o| o.value.clone());
    }
    if v.chars().count() >= 3 {
        return options.iter().find(|o| norm(&o.text).starts_with(&v)).map(|o| o.value.clone());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::autofill::descriptor::FieldFlags;

    fn pred(index: usize, token: &str) -> Prediction {
        Prediction { index, token: token.into(), score: 1.0 }
    }

    fn profile() -> HashMap<String, String> {
        [
            ("given-name", "Lena"), ("family-name", "Vogt"), ("tel", "+44 20 7946 0958"),
            ("bday", "1991-03-07"), ("country", "GB"), ("address-line1", "12 Elm Road"), ("postal-code", "N1 9GU"),
            ("cc-number", "4111111111111111"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn text(index: usize) -> FieldDescriptor {
        FieldDescriptor { index, tag: "input".into(), kind: "text".into(), ..Default::default() }
    }

    fn select(index: usize, opts: &[(&str, &str)]) -> FieldDescriptor {
        let options = opts.iter().map(|(v, t)| SelectOption { value: v.to_string(), text: t.to_string() }).collect();
        FieldDescriptor { index, tag: "select".into(), kind: "select-one".into(), options, ..Default::default() }
    }

    #[test]
    fn derives_and_fits_values() {
        let d = vec![
            text(0),
            select(1, &[("", "Choose"), ("DE", "Germany"), ("GB", "United Kingdom")]),
            FieldDescriptor { max_length: Some(11), ..text(2) },
            select(3, &[("01", "Jan"), ("02", "Feb"), ("03", "Mar")]),
            text(4),
            text(5),
            select(6, &[("de", "Deutschland"), ("gb", "Vereinigtes Königreich")]),
        ];
        let p = vec![pred(0, "name"), pred(1, "country"), pred(2, "tel"), pred(3, "bday-month"), pred(4, "address-housenumber"), pred(5, "bday-day"), pred(6, "country-name")];
        let got = fill_values(&p, &profile(), &d);
        assert_eq!(got, vec![
            (0, "Lena Vogt".to_string()),
            (1, "GB".to_string()),
            (2, "02079460958".to_string()),
            (3, "03".to_string()),
            (4, "12".to_string()),
            (5, "07".to_string()),
            (6, "gb".to_string()),
        ]);
    }

    #[test]
    fn never_fills_hidden_or_sensitive_unless_asked() {
        let hidden = FieldDescriptor { flags: FieldFlags { hidden: true, ..Default::default() }, ..text(0) };
        let d = vec![hidden, text(1)];
        let p = vec![pred(0, "given-name"), pred(1, "cc-number")];
        assert!(fill_values(&p, &profile(), &d).is_empty());
        let opts = FillOptions { allow_sensitive: vec!["cc-number".into()] };
        assert_eq!(fill_values_with(&p, &profile(), &d, &opts), vec![(1, "4111111111111111".to_string())]);
    }

    #[test]
    fn too_long_values_are_skipped_not_cut() {
        let d = vec![FieldDescriptor { max_length: Some(3), ..text(0) }];
        assert!(fill_values(&[pred(0, "postal-code")], &profile(), &d).is_empty());
    }

    #[test]
    fn combined_postcode_boxes_take_the_postcode_and_login_names_the_username() {
        let d = vec![text(0), text(1), text(2)];
        let mut p = profile();
        p.insert("username".into(), "lena_v".into());
        let got = fill_values(&[pred(0, "postal-code-and-city"), pred(1, "loginname"), pred(2, "phonetic-given-name")], &p, &d);
        assert_eq!(got, vec![(0, "N1 9GU".to_string()), (1, "lena_v".to_string())]);
    }
}
