//! Dates, times and numbers as people write them in the languages the product reads:
//! `15 maj 2025`, `15. Mai 2025`, `le 1er mai 2025`, `15 de mayo de 2025`, `May 15, 2025`,
//! `15.05.2025`, `15/05/2025`, `2025-05-15`, `2025年5月15日`, `5月15日`, a day and month
//! without a year (`am 2. Oktober`), times (`kl. 17:15`, `17h15`, `5 pm`) and numbers with
//! either decimal mark (`1.240,50`, `1,240.50`). Month and weekday names come from
//! [`crate::lexicon`]; calendar arithmetic from [`crate::memory::date`].

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

use crate::lexicon;
use crate::memory::date::timestamp;
use crate::memory::Timestamp;

/// A date found in a text. `year` and `day` may be missing (`am 2. Oktober`, `June 2024`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpan {
    pub start: usize,
    pub end: usize,
    pub year: Option<i64>,
    pub month: u32,
    pub day: Option<u32>,
    /// Written with digits and separators only (`15.05.2025`, `05/15/2025`): the order of day
    /// and month is a guess.
    pub numeric: bool,
}

impl DateSpan {
    /// `(y, m, d)` when the date is complete and exists.
    pub fn ymd(&self) -> Option<(i64, u32, u32)> {
        let (y, d) = (self.year?, self.day?);
        timestamp(y, self.month, d)?;
        Some((y, self.month, d))
    }

    /// The date as a timestamp; a missing year is taken from `context` (the document's date):
    /// the year that puts the date nearest to it.
    pub fn resolve(&self, context: Option<Timestamp>) -> Option<Timestamp> {
        let day = self.day.unwrap_or(1);
        if let Some(y) = self.year {
            return timestamp(y, self.month, day);
        }
        let ctx = context?;
        let (cy, _, _) = crate::memory::date::civil_from_timestamp(ctx);
        (cy - 1..=cy + 1).filter_map(|y| timestamp(y, self.month, day)).min_by_key(|t| (t - ctx).abs())
    }
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).unwrap_or_else(|e| panic!("bad static regex {pattern}: {e}")))
}

fn month_index() -> &'static HashMap<String, (usize, bool)> {
    static M: OnceLock<HashMap<String, (usize, bool)>> = OnceLock::new();
    M.get_or_init(|| lexicon::months().index())
}

/// Month number (1–12) of a month name or abbreviation in any language the lexicon holds
/// (`März`, `maj`, `août`, `Sept.`, `października`).
pub fn month_number(word: &str) -> Option<u32> {
    let w = word.trim().trim_end_matches('.').to_lowercase();
    month_index().get(&w).map(|(i, _)| *i as u32 + 1)
}

/// Whether `word` is a full month name (not an abbreviation that is also a common word).
fn full_month(word: &str) -> bool {
    let w = word.trim_end_matches('.').to_lowercase();
    month_index().get(&w).is_some_and(|(_, full)| *full)
}

/// Weekday number (1 = Monday … 7 = Sunday) of a full weekday name in any language.
pub fn weekday_number(word: &str) -> Option<u32> {
    static W: OnceLock<HashMap<String, (usize, bool)>> = OnceLock::new();
    let w = word.trim().trim_end_matches('.').to_lowercase();
    W.get_or_init(|| lexicon::weekdays().index()).get(&w).filter(|(_, full)| *full).map(|(i, _)| *i as u32 + 1)
}

fn num<T: std::str::FromStr>(s: &str) -> Option<T> {
    s.parse().ok()
}

/// Where a day range that ends with `span` starts: `11–12 June`, `18.–20. März`, `3 to 5 May`,
/// `du 3 au 5 mai`, `del 3 al 5 de mayo` (a dash, or a range word of `lexicon/range_words.txt`,
/// between an earlier day and the date). `span.start` when no range is written.
pub fn range_start(text: &str, span: &DateSpan) -> usize {
    static WORDS: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    let words = WORDS.get_or_init(|| lexicon::range_words().index().into_keys().collect());
    let Some(end_day) = span.day else { return span.start };
    let before = text[..span.start].trim_end();
    let joined = if let Some(rest) = before.strip_suffix(['-', '–', '—']) {
        Some(rest.trim_end())
    } else {
        let cut = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        words.contains(&before[cut..].to_lowercase()).then(|| before[..cut].trim_end())
    };
    let Some(rest) = joined else { return span.start };
    let rest = rest.strip_suffix('.').unwrap_or(rest);
    let digits = rest.len() - rest.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if !(1..=2).contains(&digits) {
        return span.start;
    }
    let at = rest.len() - digits;
    // A whole number (not the end of `12.3` or `v2`), and an earlier day of the same month.
    let whole = rest[..at].chars().next_back().is_none_or(|c| c.is_whitespace() || c == '(');
    match rest[at..].parse::<u32>() {
        Ok(d) if whole && (1..end_day).contains(&d) => at,
        _ => span.start,
    }
}

/// Every date written in `text`, in order, not overlapping.
pub fn dates_in(text: &str) -> Vec<DateSpan> {
    static ISO: OnceLock<Regex> = OnceLock::new();
    static CJK: OnceLock<Regex> = OnceLock::new();
    static NUM: OnceLock<Regex> = OnceLock::new();
    static DMY: OnceLock<Regex> = OnceLock::new();
    static MDY: OnceLock<Regex> = OnceLock::new();
    static MY: OnceLock<Regex> = OnceLock::new();
    let mut found: Vec<DateSpan> = Vec::new();
    let add = |found: &mut Vec<DateSpan>, s: DateSpan| {
        if (1..=12).contains(&s.month) && s.day.is_none_or(|d| (1..=31).contains(&d)) && !found.iter().any(|f| s.start < f.end && f.start < s.end) {
            found.push(s);
        }
    };
    for c in re(&ISO, r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b").captures_iter(text) {
        let m = c.get(0).expect("match");
        add(&mut found, DateSpan { start: m.start(), end: m.end(), year: num(&c[1]), month: num(&c[2]).unwrap_or(0), day: num(&c[3]), numeric: false });
    }
    for c in re(&CJK, r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号])?").captures_iter(text) {
        let m = c.get(0).expect("match");
        if c.get(1).is_none() && c.get(3).is_none() {
            continue;
        }
        add(&mut found, DateSpan { start: m.start(), end: m.end(), year: c.get(1).and_then(|y| num(y.as_str())), month: num(&c[2]).unwrap_or(0), day: c.get(3).and_then(|d| num(d.as_str())), numeric: false });
    }
    // 15.05.2025, 15/05/2025, 15-05-2025 (day first unless the second number cannot be a month).
    for c in re(&NUM, r"\b(\d{1,2})([./-])(\d{1,2})([./-])(\d{4}|\d{2})\b").captures_iter(text) {
        let m = c.get(0).expect("match");
        if c[2] != c[4] {
            continue;
        }
        let (a, b): (u32, u32) = (num(&c[1]).unwrap_or(0), num(&c[3]).unwrap_or(0));
        let y: i64 = num(&c[5]).unwrap_or(0);
        let y = if c[5].len() == 2 { if y < 50 { 2000 + y } else { 1900 + y } } else { y };
        let (d, mo) = if b > 12 { (b, a) } else { (a, b) };
        add(&mut found, DateSpan { start: m.start(), end: m.end(), year: Some(y), month: mo, day: Some(d), numeric: true });
    }
    // 15 May 2025, 15. Mai 2025, 1er mai, 15 de mayo de 2025, 15th of May.
    let dmy = re(&DMY, r"(?i)\b(\d{1,2})(?:\.|st|nd|rd|th|er|e|º|ª|o)?\s+(?:de\s+|of\s+)?(\p{L}{3,}\.?)(?:,?\s+(?:de\s+|del\s+)?(\d{4})\b)?");
    for c in dmy.captures_iter(text) {
        let m = c.get(0).expect("match");
        let word = &c[2];
        let Some(month) = month_number(word) else { continue };
        let year = c.get(3).and_then(|y| num(y.as_str()));
        // An abbreviation alone (`1 out`, `3 set`) is a date only with a year or a full stop.
        if year.is_none() && !full_month(word) && !word.ends_with('.') {
            continue;
        }
        let end = if year.is_some() { m.end() } else { c.get(2).map_or(m.end(), |w| w.end()) };
        add(&mut found, DateSpan { start: m.start(), end, year, month, day: num(&c[1]), numeric: false });
    }
    // May 15, 2025 / May 15th.
    for c in re(&MDY, r"(?i)\b(\p{L}{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?").captures_iter(text) {
        let m = c.get(0).expect("match");
        if !full_month(&c[1]) && c.get(3).is_none() {
            continue;
        }
        let Some(month) = month_number(&c[1]) else { continue };
        let day: u32 = num(&c[2]).unwrap_or(0);
        add(&mut found, DateSpan { start: m.start(), end: m.end(), year: c.get(3).and_then(|y| num(y.as_str())), month, day: Some(day), numeric: false });
    }
    // June 2024 / juni 2024.
    for c in re(&MY, r"(?i)\b(\p{L}{3,})\.?\s+(\d{4})\b").captures_iter(text) {
        let m = c.get(0).expect("match");
        let Some(month) = month_number(&c[1]) else { continue };
        add(&mut found, DateSpan { start: m.start(), end: m.end(), year: num(&c[2]), month, day: None, numeric: false });
    }
    found.sort_by_key(|s| s.start);
    found
}

/// The first complete date in `text` (day, month and year), else the first month and year
/// (as the 1st of that month).
pub fn first_date(text: &str) -> Option<Timestamp> {
    let all = dates_in(text);
    if let Some(t) = all.iter().find_map(|s| s.ymd()).and_then(|(y, m, d)| timestamp(y, m, d)) {
        return Some(t);
    }
    all.iter().find(|s| s.year.is_some() && s.day.is_none()).and_then(|s| s.resolve(None))
}

/// Times of day written in `text` as `(hour, minute)`: `17:15`, `17.15 Uhr`, `kl. 17.15`,
/// `17h15`, `5 pm`, `5:30pm`.
pub fn times_in(text: &str) -> Vec<(u32, u32)> {
    static HM: OnceLock<Regex> = OnceLock::new();
    static AMPM: OnceLock<Regex> = OnceLock::new();
    let mut out = Vec::new();
    let hm = re(&HM, r"(?i)(?:\b(?:kl|klo|godz|ore|om|um|à|a las|às)\.?\s*)?\b([01]?\d|2[0-3])(?::|h|\.)([0-5]\d)\b(?:\s*(am|pm|a\.m\.|p\.m\.))?");
    for c in hm.captures_iter(text) {
        // `15.05` after a day is a date, not a time: accept `.` only with a time word around it.
        let whole = c.get(0).expect("match").as_str();
        if whole.contains('.') && !whole.contains(':') && !whole.to_lowercase().contains('h') {
            let after = &text[c.get(0).expect("match").end()..];
            let cue = whole.chars().next().is_some_and(|ch| ch.is_alphabetic()) || after.trim_start().to_lowercase().starts_with("uhr");
            if !cue || after.starts_with('.') {
                continue;
            }
        }
        let (mut h, m): (u32, u32) = (num(&c[1]).unwrap_or(0), num(&c[2]).unwrap_or(0));
        if c.get(3).is_some_and(|p| p.as_str().to_lowercase().starts_with('p')) && h < 12 {
            h += 12;
        }
        out.push((h, m));
    }
    // 17時15分 (ja), 17点15分 (zh).
    static CJK_TIME: OnceLock<Regex> = OnceLock::new();
    for c in re(&CJK_TIME, r"([01]?\d|2[0-3])\s*[時点]\s*(?:([0-5]?\d)\s*分)?").captures_iter(text) {
        out.push((num(&c[1]).unwrap_or(0), c.get(2).and_then(|m| num(m.as_str())).unwrap_or(0)));
    }
    for c in re(&AMPM, r"(?i)\b(1[0-2]|[1-9])\s*(am|pm|a\.m\.|p\.m\.)").captures_iter(text) {
        let mut h: u32 = num(&c[1]).unwrap_or(0);
        let pm = c[2].to_lowercase().starts_with('p');
        if pm && h < 12 {
            h += 12;
        } else if !pm && h == 12 {
            h = 0;
        }
        out.push((h, 0));
    }
    out
}

/// A number as written in any of the languages: `1.240,50` and `1 240,50` (decimal comma),
/// `1,240.50` (decimal point), `72.000` (thousands), `3,5`.
pub fn parse_number(s: &str) -> Option<f64> {
    let t: String = s.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'')).collect();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',' || c == '-') {
        return None;
    }
    let (dots, commas) = (t.matches('.').count(), t.matches(',').count());
    let last_group = |sep: char| t.rsplit(sep).next().map_or(0, str::len);
    let normal = match (dots, commas) {
        (0, 0) => t.clone(),
        // Both: the later one is the decimal mark.
        (_, _) if dots > 0 && commas > 0 => {
            if t.rfind('.') > t.rfind(',') {
                t.replace(',', "")
            } else {
                t.replace('.', "").replace(',', ".")
            }
        }
        // One kind only: groups of three after every mark mean thousands.
        (d, 0) => if d > 1 || last_group('.') == 3 { t.replace('.', "") } else { t.clone() },
        (0, c) => if c > 1 || last_group(',') == 3 { t.replace(',', "") } else { t.replace(',', ".") },
        _ => return None,
    };
    normal.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_range_starts_at_its_first_day() {
        let start = |text: &str| {
            let spans = dates_in(text);
            let last = spans.last().expect("a date");
            text[range_start(text, last)..last.end].to_string()
        };
        assert_eq!(start("The fair runs 4–6 October 2026 in Lyon"), "4–6 October 2026");
        assert_eq!(start("Kurs am 7.-9. Juli"), "7.-9. Juli");
        assert_eq!(start("festival du 2 au 4 août"), "2 au 4 août");
        assert_eq!(start("taller del 9 al 11 de noviembre de 2026"), "9 al 11 de noviembre de 2026");
        assert_eq!(start("kursen 3 till 5 mars"), "3 till 5 mars");
        // Not a range: a later first number, a version, a count, no joiner.
        assert_eq!(start("room 14 to 5 May"), "5 May");
        assert_eq!(start("build 2.3-5 May"), "5 May");
        assert_eq!(start("Booked on 5 May"), "5 May");
        assert_eq!(start("1.–2.11.2026"), "1.–2.11.2026");
    }

    fn ymd(text: &str) -> Vec<(Option<i64>, u32, Option<u32>)> {
        dates_in(text).into_iter().map(|s| (s.year, s.month, s.day)).collect()
    }

    /// One table a language: how people write a full date, a date without a year, a numeric
    /// date and a time.
    #[test]
    fn dates_in_eleven_languages() {
        let full = Some(2025);
        let cases: &[(&str, &str, (Option<i64>, u32, Option<u32>))] = &[
            ("en", "We fly on 15 May 2025 from the small airport.", (full, 5, Some(15))),
            ("en", "The party is on March 7th, 2026 at home.", (Some(2026), 3, Some(7))),
            ("de", "Der Termin ist am 15. Mai 2025 um 9 Uhr.", (full, 5, Some(15))),
            ("de", "Umzug am Samstag, 3. März 2024.", (Some(2024), 3, Some(3))),
            ("fr", "Rendez-vous le 1er mai 2025 devant la gare.", (full, 5, Some(1))),
            ("fr", "Arrivée le 15 août 2025.", (full, 8, Some(15))),
            ("es", "La boda es el 15 de mayo de 2025 en el pueblo.", (full, 5, Some(15))),
            ("it", "Partiamo il 15 maggio 2025 alle 8.", (full, 5, Some(15))),
            ("nl", "We verhuizen op 15 mei 2025 naar het noorden.", (full, 5, Some(15))),
            ("pt", "A reunião é a 15 de maio de 2025.", (full, 5, Some(15))),
            ("pl", "Spotkanie 15 maja 2025 w biurze.", (full, 5, Some(15))),
            ("pl", "Urodziłam się 3 października 1990.", (Some(1990), 10, Some(3))),
            ("sv", "Vi ses den 15 maj 2025 på stationen.", (full, 5, Some(15))),
            ("ja", "2025年5月15日に東京へ行きます。", (full, 5, Some(15))),
            ("zh", "我们2025年5月15日见面。", (full, 5, Some(15))),
            ("numeric", "Geburtsdatum: 23.07.1990", (Some(1990), 7, Some(23))),
            ("numeric", "né le 04/11/1987 à Lyon", (Some(1987), 11, Some(4))),
            ("numeric", "due 2025-05-15", (full, 5, Some(15))),
            ("numeric", "US form: 05/15/2025", (full, 5, Some(15))),
        ];
        for (lang, text, want) in cases {
            assert_eq!(ymd(text).first(), Some(want), "{lang}: {text}");
        }
    }

    #[test]
    fn day_and_month_without_year_resolve_against_the_document() {
        let doc = timestamp(2024, 6, 20);
        for text in ["am 2. Oktober", "le 2 octobre", "el 2 de octubre", "den 2 oktober", "on 2 October", "10月2日"] {
            let s = dates_in(text);
            assert_eq!(s.len(), 1, "{text}");
            assert_eq!(s[0].resolve(doc), timestamp(2024, 10, 2), "{text}");
        }
        // Near the turn of the year the nearer year wins.
        assert_eq!(dates_in("am 5. Januar")[0].resolve(timestamp(2024, 12, 20)), timestamp(2025, 1, 5));
    }

    #[test]
    fn words_that_only_look_like_months_are_not_dates() {
        assert!(dates_in("3 out of 5 stars").is_empty());
        assert!(dates_in("we had 2 set menus").is_empty());
        assert!(dates_in("I ate 3 dates").is_empty());
        assert_eq!(first_date("Zuletzt geändert: Juni 2024"), timestamp(2024, 6, 1));
    }

    #[test]
    fn months_and_weekdays_by_name() {
        for (w, m) in [("März", 3), ("maj", 5), ("août", 8), ("Sept.", 9), ("października", 10), ("dezembro", 12), ("mei", 5)] {
            assert_eq!(month_number(w), Some(m), "{w}");
        }
        for (w, d) in [("Donnerstag", 4), ("jeudi", 4), ("jueves", 4), ("torsdag", 4), ("czwartek", 4), ("木曜日", 4), ("星期四", 4)] {
            assert_eq!(weekday_number(w), Some(d), "{w}");
        }
    }

    #[test]
    fn times_in_many_forms() {
        assert_eq!(times_in("kl. 17.15 vid entrén"), [(17, 15)]);
        assert_eq!(times_in("um 9.30 Uhr"), [(9, 30)]);
        assert_eq!(times_in("à 17h15"), [(17, 15)]);
        assert_eq!(times_in("a las 18:30"), [(18, 30)]);
        assert_eq!(times_in("at 5 pm"), [(17, 0)]);
        // One a language: how a time is written after its word.
        for (lang, text, want) in [
            ("it", "ci vediamo alle 18:30", (18, 30)),
            ("nl", "om 17.15 uur", (17, 15)),
            ("pt", "às 9h30", (9, 30)),
            ("pl", "o godz. 17:15", (17, 15)),
            ("sv", "kl. 08.45", (8, 45)),
            ("ja", "17時15分に", (17, 15)),
            ("zh", "下午17点15分", (17, 15)),
        ] {
            assert_eq!(times_in(text), [want], "{lang}: {text}");
        }
        assert!(times_in("am 15.05.2025").is_empty());
    }

    #[test]
    fn numbers_with_either_decimal_mark() {
        assert_eq!(parse_number("1.240,50"), Some(1240.5));
        assert_eq!(parse_number("1,240.50"), Some(1240.5));
        assert_eq!(parse_number("72.000"), Some(72000.0));
        assert_eq!(parse_number("3,5"), Some(3.5));
        assert_eq!(parse_number("1 240"), Some(1240.0));
        assert_eq!(parse_number("abc"), None);
    }
}
