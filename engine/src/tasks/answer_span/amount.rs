//! "How much", "how many", "how old", "how long": the number with what it counts.

use super::*;

/// The amount the sentence gives: a number (digits or a number word) with the words it counts.
pub(super) fn amount(text: &str, ask: &Ask) -> Option<String> {
    // `How long …?`: the number with its unit of time (`3 ans`, `two years`), not a date's day.
    let q = format!(" {} ", crate::tasks::context::words(ask.question).join(" ").to_lowercase());
    // `How far …?`: the number with its unit of distance (`1,2 km`).
    if let Some(units) = crate::lexicon::measure_units(ask.question) {
        let words: Vec<&str> = text.split_whitespace().collect();
        for (i, pair) in words.windows(2).enumerate() {
            let (n, u) = (core(pair[0]), core(pair[1]).to_lowercase());
            if (is_figure(&n) || is_number_word(&n.to_lowercase())) && !n.is_empty() && units.iter().any(|x| *x == u) {
                // A word the question asks with stays (`How long ago …?` → `6 years ago`).
                let then = words.get(i + 2).map(|w| core(w)).filter(|w| !pair[1].ends_with([',', '.', ';']) && q.contains(&format!(" {} ", w.to_lowercase())) && !crate::lexicon::is_function_word(&w.to_lowercase()));
                return Some(match then {
                    Some(w) => format!("{n} {} {w}", core(pair[1])),
                    None => format!("{n} {}", core(pair[1])),
                });
            }
        }
    }
    let clause = best_clause_text(text, ask.terms);
    // A label's value comes after its colon (`Semester: 30 dagar per år`).
    let value = text.find(clause).and_then(|i| text[i + clause.len()..].strip_prefix(':')).and_then(|r| clauses(r).first().copied()).unwrap_or(clause);
    // A number the question itself says (`my 18th birthday`, `his two turtles`) is not the answer.
    let question: Vec<String> = crate::tasks::context::words(ask.question);
    // The label's own number (`§4 Urlaub: 30 Arbeitstage`) is not what it says.
    for hay in [value, clause, text] {
        let words: Vec<&str> = hay.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            let c = core(w);
            let number = c.chars().any(|ch| ch.is_ascii_digit()) || is_number_word(&c.to_lowercase());
            // `§4`, `#12`, `Nr. 5`-style references name a section or an item, they count nothing.
            let reference = w.starts_with(['§', '#', '№']);
            if !number || reference || question.contains(&c.to_lowercase()) {
                continue;
            }
            // `£1,327.00`, `three kids`, `5 times`: the number and up to two words it counts,
            // a bare number after the question's own word right before it (`turns 4`).
            let mut out = vec![w.trim_end_matches([',', '.', ';', ':'])];
            let mut ends = w.ends_with([',', '.', ';', ':', '!', '?']);
            // `11 400 kr`, `2 500 €`: groups of three digits after a space are the same number.
            let mut i = i;
            while !ends && c.chars().all(|ch| ch.is_ascii_digit()) && c.len() <= 3 {
                let Some(next) = words.get(i + 1) else { break };
                let n = next.trim_end_matches([',', '.', ';', ':', '!', '?']);
                if n.len() != 3 || !n.chars().all(|ch| ch.is_ascii_digit()) {
                    break;
                }
                out.push(n);
                ends = next.len() != n.len();
                i += 1;
            }
            for next in words.iter().skip(i + 1).take(if ends { 0 } else { 2 }) {
                // A currency sign after the amount (`950 €`) is part of it.
                let sign = next.trim_end_matches([',', '.', ';', ':', '!', '?']);
                if !sign.is_empty() && sign.chars().all(|ch| matches!(ch, '€' | '$' | '£' | '¥' | '₹' | '₩')) {
                    // The amount is whole with its currency (`1 350 $ par mois`).
                    out.push(sign);
                    break;
                }
                if is_filler(next) || core(next).chars().any(|ch| ch.is_ascii_digit()) {
                    break;
                }
                out.push(core(next));
                if next.ends_with([',', '.', ';', ':', '!', '?']) {
                    break;
                }
            }
            let bare = out.len() == 1 && !c.chars().any(|ch| !ch.is_ascii_digit());
            if let Some(prev) = i.checked_sub(1).map(|j| words[j]).filter(|p| bare && !is_filler(p) && matched(core(p), ask.terms) > 0 && !p.ends_with([',', '.', ';', ':'])) {
                out.insert(0, core(prev));
            }
            return Some(join(&out));
        }
    }
    None
}

pub(super) fn is_number_word(w: &str) -> bool {
    crate::lexicon::number_words().lines.iter().any(|l| l.items.iter().take(10).skip(1).any(|s| s.iter().any(|x| x == w)))
}
