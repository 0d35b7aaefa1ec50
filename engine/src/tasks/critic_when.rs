//! When things happen, as the critic reads notes and replies: dates and date ranges (through
//! the text toolkit's parser, in every language it reads), weekdays and weekly habits, parts of
//! the day, and the earliest time a note allows ("not before 9"). Used by
//! [`super::critic_notes`] and memory QA's answer types.

use super::context::words;
use super::critic::times;

const MONTHS: &[&str] = &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS: &[&str] = &["mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"];

pub(crate) fn month_of(w: &str) -> Option<u32> {
    let w = w.to_lowercase();
    let w = w.trim_matches(|c: char| !c.is_alphabetic());
    if w.len() < 3 {
        return None;
    }
    let full = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
    MONTHS.iter().position(|m| *m == w || (w.len() > 3 && full.iter().any(|f| *f == w && f.starts_with(m)))).map(|i| i as u32 + 1)
}

pub(super) fn is_weekday(w: &str) -> bool {
    let w = w.to_lowercase();
    let w = w.trim_matches(|c: char| !c.is_alphabetic());
    w.len() >= 3 && WEEKDAYS.iter().any(|d| w.starts_with(d)) && ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].iter().any(|f| f.starts_with(w))
}

pub(crate) fn day_of(w: &str) -> Option<u32> {
    let d: String = w.trim_matches(|c: char| !c.is_alphanumeric()).trim_end_matches(|c: char| c.is_alphabetic()).to_string();
    d.parse::<u32>().ok().filter(|d| (1..=31).contains(d))
}

/// Day-of-year style key (month × 32 + day) for comparing dates without a year.
fn key(day: u32, month: u32) -> u32 {
    month * 32 + day
}

/// Dates and date ranges (`27 May`, `24–31 May`, `13. September 2025`, `du 3 au 5 mai`,
/// `Thu 18 - Fri 19 September`) in text, as inclusive (from, to) keys: the text toolkit's dates
/// in every language it reads, then the English ranges with a weekday inside.
pub fn date_ranges(text: &str) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for d in crate::text::dates::dates_in(text) {
        let Some(day) = d.day else { continue };
        let from = crate::text::dates::range_start(text, &d);
        let first = if from < d.start { text[from..].split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse::<u32>().ok()).unwrap_or(day) } else { day };
        out.push((key(first, d.month), key(day, d.month)));
    }
    for r in english_date_ranges(text) {
        // A range the toolkit read as its last day only gives way to the whole range.
        out.retain(|o| !(o.0 == o.1 && o.1 == r.1 && r.0 < r.1));
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

fn english_date_ranges(text: &str) -> Vec<(u32, u32)> {
    let toks: Vec<&str> = text.split_whitespace().collect();
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let Some(month) = month_of(t) else { continue };
        if i == 0 {
            continue;
        }
        let prev = toks[i - 1];
        // `24–31 May`, `24-31 May`
        if let Some((a, b)) = prev.split_once(['–', '-']) {
            if let (Some(a), Some(b)) = (day_of(a), day_of(b)) {
                out.push((key(a, month), key(b, month)));
                continue;
            }
        }
        let Some(day) = day_of(prev) else { continue };
        // `18 - Fri 19 September`, `24 - 31 May`
        let mut j = i as isize - 2;
        if j >= 0 && is_weekday(toks[j as usize]) {
            j -= 1;
        }
        if j >= 1 && matches!(toks[j as usize], "-" | "–" | "to") {
            let mut k = j - 1;
            if let Some(a) = day_of(toks[k as usize]) {
                out.push((key(a, month), key(day, month)));
                continue;
            }
            k -= 1;
            if k >= 0 {
                if let Some(a) = day_of(toks[k as usize]) {
                    out.push((key(a, month), key(day, month)));
                    continue;
                }
            }
        }
        out.push((key(day, month), key(day, month)));
    }
    out
}

const PARTS_OF_DAY: &[&str] = &["morning", "mornings", "afternoon", "afternoons", "evening", "evenings", "night", "nights"];

/// The weekday a word names, in any language the toolkit reads, also as a habit (`Thursdays`,
/// `donnerstags`, `torsdagar`, `les jeudis`) or an English abbreviation (`Thu`).
fn weekday_of(w: &str) -> Option<u32> {
    let number = crate::text::dates::weekday_number;
    if let Some(n) = number(w).or_else(|| w.strip_suffix('s').and_then(number)).or_else(|| w.strip_suffix("ar").and_then(number)) {
        return Some(n);
    }
    is_weekday(w).then(|| WEEKDAYS.iter().position(|d| w.starts_with(d))).flatten().map(|i| [1, 2, 2, 3, 4, 4, 4, 5, 6, 7][i])
}

/// The part of day of a clock time: 0 morning, 1 afternoon, 2 evening, 3 night.
fn part_of_hour(h: u32) -> usize {
    match h {
        5..=11 => 0,
        12..=16 => 1,
        17..=21 => 2,
        _ => 3,
    }
}

/// Weekdays and parts of day a text names: by words (`Monday evening`), or (with `clock`) by
/// clock time in a text that gives no date (`donnerstags 19:00`: a weekly habit, not one day).
pub(super) fn slots(text: &str, clock: bool) -> (Vec<u32>, Vec<usize>) {
    let ws = words(text);
    let days: Vec<u32> = ws.iter().filter_map(|w| weekday_of(w)).collect();
    let mut parts: Vec<usize> = ws.iter().filter_map(|w| PARTS_OF_DAY.iter().position(|p| p == w)).map(|i| i / 2).collect();
    if clock && parts.is_empty() && date_ranges(text).is_empty() {
        parts.extend(crate::text::dates::times_in(text).into_iter().map(|(h, _)| part_of_hour(h)));
    }
    (days, parts)
}

/// The earliest time a note allows (`Meetings bitte nicht vor 9:00`, `no calls before 8am`,
/// `pas avant 9 h`): a word of "before" right before a clock time, with a word of "no" just
/// ahead of it, in any language (a short note is often too short to tell its language).
/// Minutes since midnight.
pub(super) fn not_before(note: &str) -> Option<u32> {
    let (before, no) = (crate::lexicon::before_words().phrases(), crate::lexicon::negations().phrases());
    let ws = words(note);
    ws.iter().enumerate().find_map(|(i, w)| {
        let negated = ws[i.saturating_sub(3)..i].iter().any(|n| no.contains(n));
        if !before.contains(w) || !negated {
            return None;
        }
        let next = ws.get(i + 1..(i + 4).min(ws.len()))?.join(" ");
        let t = crate::text::dates::times_in(&next.replace(' ', ":")).into_iter().next().map(|(h, m)| h * 60 + m);
        t.or_else(|| ws.get(i + 1)?.parse::<u32>().ok().filter(|h| (5..=12).contains(h)).map(|h| h * 60)).or_else(|| times(&next).first().copied())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_ranges_parse() {
        assert_eq!(date_ranges("off 24–31 May (Lisbon)"), vec![(5 * 32 + 24, 5 * 32 + 31)]);
        assert_eq!(date_ranges("on Tuesday 27 May, 8am"), vec![(5 * 32 + 27, 5 * 32 + 27)]);
        assert_eq!(date_ranges("Thursday 18 - Friday 19 September 2025"), vec![(9 * 32 + 18, 9 * 32 + 19)]);
        assert!(date_ranges("may I ask").is_empty());
    }
}
