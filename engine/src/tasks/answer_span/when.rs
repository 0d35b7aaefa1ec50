//! "When": a relative expression resolved against the day written, weekday names, a date or
//! range, a year, else the day the sentence was written.

use super::*;
use crate::text::relative;

/// The weekday names of a text, from the first to the last (`Tuesday and Thursday`).
pub(super) fn weekdays(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let is_day = |w: &&str| crate::text::dates::weekday_number(core(w)).is_some();
    let (a, b) = (words.iter().position(is_day)?, words.iter().rposition(is_day)?);
    Some(join(&words[a..=b]))
}

pub(super) fn when(text: &str, ask: &Ask) -> Option<String> {
    let part = best_clause_text(text, ask.terms);
    if let Some(days) = weekdays(part) {
        // `Moving day is Saturday, 15 March`: the date after the weekday says more.
        if crate::text::dates::dates_in(text).is_empty() && !ask.times.iter().any(|(p, _)| part.contains(p.as_str())) {
            return Some(days);
        }
    }
    // The answering clause first, then the whole sentence; in each, a relative expression
    // (resolved against the day it was written) or a date written out, whichever comes first
    // (`Mia: 9 May (2011), she wants a camera this year` is answered by the 9 May).
    for hay in [part, text] {
        let lower = hay.to_lowercase();
        let mut relative = ask.times.iter().filter_map(|(p, w)| lower.find(&p.to_lowercase()).map(|at| (at, relative::render_said(p, w, ask.lang)))).min_by_key(|(at, _)| *at);
        // When the passage was not resolved at import (an older store), resolve now.
        if relative.is_none() {
            if let Some(written) = ask.written {
                relative = relative::relative_in(hay, written).first().map(|r| (r.start, relative::render_said(&hay[r.start..r.end], &r.when, ask.lang)));
            }
        }
        let dates = crate::text::dates::dates_in(hay);
        if let Some((at, said)) = relative {
            if dates.first().is_none_or(|d| at < d.start) {
                return Some(said);
            }
        }
        if let (Some(first), Some(last)) = (dates.first(), dates.last()) {
            // `When does it end?` of a range: its last day; `When does it start?`: its first.
            if dates.len() >= 2 {
                let one = match crate::tasks::evidence::bound_asked(ask.question) {
                    Some(crate::tasks::evidence::Bound::End) => Some(last),
                    Some(crate::tasks::evidence::Bound::Start) => Some(first),
                    None => None,
                };
                if let Some(d) = one {
                    return Some(hay[d.start..d.end].trim().trim_end_matches(['.', ',']).to_string());
                }
            }
            // Two dates in one clause are a range (`from 3 March until 2 March`): both answer.
            // `11–12 June`: a day range ending with the first date starts at its first day.
            let from = crate::text::dates::range_start(hay, first);
            // One day written with a month name of another language than the question's (`20
            // december` asked in English) is said in the question's language, its year from the
            // day it was written when it has none.
            if dates.len() == 1 && from == first.start {
                if let Some(said) = in_asked_language(hay, first, ask) {
                    return Some(said);
                }
            }
            let range = &hay[from..last.end];
            let one = if range.split_whitespace().count() <= MAX_SPAN_WORDS { range } else { &hay[from..first.end] };
            return Some(one.trim().trim_end_matches(['.', ',']).to_string());
        }
        if let Some(y) = year_in(hay) {
            return Some(y);
        }
    }
    // `I run three times a week, Thursdays with the club`: a weekday elsewhere in the sentence.
    if let Some(days) = weekdays(text) {
        return Some(days);
    }
    // `lands at 09:40`: a time of day answers when the day is not in question.
    if !crate::text::dates::times_in(part).is_empty() {
        return residue(text, ask);
    }
    // `We're getting married! Saturday, 13 September.`: the date said right after it.
    if let Some(next) = ask.next {
        let lower = next.to_lowercase();
        if let Some((p, w)) = ask.times.iter().filter(|(p, _)| lower.contains(&p.to_lowercase())).min_by_key(|(p, _)| lower.find(&p.to_lowercase())) {
            return Some(relative::render_said(p, w, ask.lang));
        }
        if let Some(first) = crate::text::dates::dates_in(next).first() {
            return Some(next[first.start..first.end].trim().trim_end_matches(['.', ',']).to_string());
        }
    }
    ask.written.map(|w| relative::render_day(w, ask.lang))
}

/// A year written alone (`in 2019`).
pub(crate) fn year_in(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 4 && (w.starts_with("19") || w.starts_with("20")))
        .map(str::to_string)
}

/// `date` said in the asker's language when its month is written as a word of another
/// language; `None` when it is numeric, already in that language, or its day or year unknown.
fn in_asked_language(hay: &str, date: &crate::text::dates::DateSpan, ask: &Ask) -> Option<String> {
    let day = date.day?;
    if date.numeric {
        return None;
    }
    let own: Vec<String> = crate::lexicon::months().lang(ask.lang).map(|l| l.items.iter().flatten().cloned().collect()).unwrap_or_default();
    let written = &hay[date.start..date.end];
    if crate::text::words(written).iter().any(|w| own.contains(w)) {
        return None;
    }
    let year = match date.year {
        Some(y) => y,
        None => {
            // The next such day on or after the day it was written.
            let (wy, wm, wd) = crate::memory::date::civil_from_timestamp(ask.written?);
            if (date.month, day) >= (wm, wd) { wy } else { wy + 1 }
        }
    };
    let t = crate::memory::date::timestamp(year, date.month, day)?;
    Some(crate::text::relative::render_day(t, ask.lang))
}
