//! Small calendar helpers: civil date ↔ Unix seconds and the date forms sources use
//! (`2025-02-09` in file names, `7 March 2025`, `June 2024`, `02/11/1987`, ISO 8601).
//!
//! Used by importers (to date a source) and distillation (birthdays, fact timestamps).
//! No time zone database: dates are taken as UTC midnight, good enough for "which is newer".

use super::Timestamp;
use regex::Regex;
use std::sync::OnceLock;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date `(year, month, day)` of a Unix timestamp.
pub fn civil_from_timestamp(ts: Timestamp) -> (i64, u32, u32) {
    let z = ts.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// UTC midnight of a valid date, or `None` when the date does not exist.
pub fn timestamp(y: i64, m: u32, d: u32) -> Option<Timestamp> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// `YYYY-MM-DD` of a timestamp.
pub fn iso_date(ts: Timestamp) -> String {
    let (y, m, d) = civil_from_timestamp(ts);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Month number of a month name or abbreviation in any language the product reads.
pub fn month_number(name: &str) -> Option<u32> {
    crate::text::dates::month_number(name)
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("static regex"))
}

/// A `YYYY-MM-DD` date at the start of a file name (`2025-02-09-first-week.md`).
pub fn from_file_name(name: &str) -> Option<Timestamp> {
    static R: OnceLock<Regex> = OnceLock::new();
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let c = re(&R, r"^(\d{4})-(\d{2})-(\d{2})").captures(base)?;
    timestamp(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)
}

/// A 4-digit year (1990–2099) in a file name (`cv-2024.txt`), as 1 January of it.
pub fn year_from_file_name(name: &str) -> Option<Timestamp> {
    static R: OnceLock<Regex> = OnceLock::new();
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let c = re(&R, r"(?:^|[^0-9])((?:19[9]|20[0-9])[0-9])(?:[^0-9]|$)").captures(base)?;
    timestamp(c[1].parse().ok()?, 1, 1)
}

/// The first full date written in words or ISO form in a text (`7 March 2025`, `15. Mai 2025`,
/// `March 7, 2025`, `2025-03-07`, `2025年3月7日`), else the first month and year (`Last updated:
/// June 2024`). Numeric dates (`02/11/1987`) do not date a document: they are as often a
/// birthday or a deadline as the day it was written.
pub fn first_date_in_text(text: &str) -> Option<Timestamp> {
    // A list of birthdays (its title, or the date's own line, says birth or birthday) records
    // when people were born, not when it was written.
    let title = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    if says_birth(title) {
        return None;
    }
    let line_of = |at: usize| text[..at].rsplit('\n').next().unwrap_or("").to_string() + text[at..].split('\n').next().unwrap_or("");
    let all: Vec<_> = crate::text::dates::dates_in(text).into_iter().filter(|s| !s.numeric && !says_birth(&line_of(s.start))).collect();
    if let Some((y, m, d)) = all.iter().find_map(|s| s.ymd()) {
        return timestamp(y, m, d);
    }
    all.iter().find(|s| s.year.is_some() && s.day.is_none()).and_then(|s| s.resolve(None))
}

/// Whether a line speaks of birth or birthdays, in any language (`Birthdays`, `Geburtstage`,
/// `Anniversaires`, `née le`, `Födelsedagar`).
fn says_birth(line: &str) -> bool {
    let words = crate::text::words(line);
    let birthday = crate::lexicon::concepts().iter().find(|c| c.words.iter().any(|(l, w)| *l == "en" && w.iter().any(|x| x == "birthday")));
    let cue = crate::lexicon::birth_cues().phrases();
    let lower = format!(" {} ", words.join(" "));
    if cue.iter().any(|c| c.contains(' ') && lower.contains(&format!(" {c} "))) {
        return true;
    }
    words.iter().any(|w| {
        birthday.is_some_and(|c| c.words.iter().any(|(_, ws)| ws.iter().any(|x| !x.contains(' ') && crate::tasks::context::same_stem(w, x))))
            || cue.iter().any(|c| !c.contains(' ') && c.chars().count() >= 4 && w == c)
    })
}

/// The latest complete numeric date in a text (`Mietbeginn: 01.03.2025`) that is not after
/// `now`: an undated form or summary was written after the dates it records, mostly.
pub fn latest_numeric_date(text: &str, now: Timestamp) -> Option<Timestamp> {
    crate::text::dates::dates_in(text)
        .into_iter()
        .filter(|s| s.numeric)
        .filter_map(|s| s.ymd())
        .filter_map(|(y, m, d)| timestamp(y, m, d))
        .filter(|t| *t <= now)
        .max()
}

/// An ISO 8601 timestamp's date part (`2025-02-15T09:30:00+00:00`).
pub fn from_iso(text: &str) -> Option<Timestamp> {
    let t = text.trim();
    let y = t.get(0..4)?.parse().ok()?;
    let m = t.get(5..7)?.parse().ok()?;
    let d = t.get(8..10)?.parse().ok()?;
    let base = timestamp(y, m, d)?;
    let (h, mi) = (t.get(11..13).and_then(|s| s.parse::<i64>().ok()), t.get(14..16).and_then(|s| s.parse::<i64>().ok()));
    Some(base + h.unwrap_or(0) * 3600 + mi.unwrap_or(0) * 60)
}

/// A numeric date `dd/mm/yyyy` (UK order; swapped when the first number cannot be a day-of-month
/// order, i.e. when the second is over 12).
pub fn from_numeric(text: &str) -> Option<(i64, u32, u32)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let c = re(&R, r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b").captures(text)?;
    let (a, b, y): (u32, u32, i64) = (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
    let (d, m) = if b > 12 { (b, a) } else { (a, b) };
    timestamp(y, m, d)?;
    Some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(timestamp(2025, 2, 9), Some(1_739_059_200));
        assert_eq!(civil_from_timestamp(1_739_059_200), (2025, 2, 9));
        assert_eq!(timestamp(2025, 2, 29), None);
        assert_eq!(iso_date(timestamp(2024, 2, 29).unwrap()), "2024-02-29");
    }

    #[test]
    fn parses_source_dates() {
        assert_eq!(from_file_name("notes/2025-02-09-first-week.md"), timestamp(2025, 2, 9));
        assert_eq!(from_file_name("gift-ideas.md"), None);
        assert_eq!(year_from_file_name("cv-lena-2024.txt"), timestamp(2024, 1, 1));
        assert_eq!(first_date_in_text("Dear x\n\n7 March 2025\nPolicy"), timestamp(2025, 3, 7));
        assert_eq!(first_date_in_text("Last updated: June 2024"), timestamp(2024, 6, 1));
        assert_eq!(first_date_in_text("on March 7, 2025 we"), timestamp(2025, 3, 7));
        assert_eq!(first_date_in_text("nothing here"), None);
        // A list of birthdays is not dated by the births it records.
        assert_eq!(first_date_in_text("Geburtstage\nMama: 4. Mai 1961\nIch: 9. März 1990"), None);
        assert_eq!(first_date_in_text("Notes\nDate of birth: 9 March 1990\nWritten on 2 June 2025"), timestamp(2025, 6, 2));
        assert_eq!(from_numeric("DOB 02/11/1987"), Some((1987, 11, 2)));
        assert_eq!(from_numeric("11/23/1987"), Some((1987, 11, 23)));
        assert_eq!(from_iso("2025-02-15T09:30:00+00:00"), Some(timestamp(2025, 2, 15).unwrap() + 9 * 3600 + 1800));
        assert_eq!(month_number("Sept"), Some(9));
        assert_eq!(month_number("Ma"), None);
        let now = timestamp(2026, 1, 1).unwrap();
        assert_eq!(latest_numeric_date("Beginn: 01.03.2025 (Übergabe 14.03.2025), Ende 01.03.2030", now), timestamp(2025, 3, 14));
    }
}
