//! Sentences: the one sentence splitter of the engine, for every language the product reads.
//! A full stop ends a sentence unless it follows a title (`Dr.`, `Sra.`, `Prof.`, from
//! [`crate::lexicon::honorifics`]) or a day number before a month name (`am 2. Oktober`); list
//! lines start sentences of their own. Every character is kept.

pub fn is_list_start(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") || t.starts_with('|') || {
        let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
        digits > 0 && matches!(t[digits..].chars().next(), Some('.') | Some(')'))
    }
}

/// A list written without bullets (`Mia – 14 June` over `Sam – 2 November`, the fields of a
/// booking): a short line that does not run on (no comma, colon or hyphen at its end) followed by
/// another short line that starts like a sentence. Wrapped prose has long lines, or goes on in
/// lower case.
pub fn is_list_line(line: &str, rest: &str) -> bool {
    const SHORT: usize = 60;
    let next = rest.lines().next().unwrap_or("").trim();
    let short = |l: &str| (1..=SHORT).contains(&l.chars().count());
    // Both are items: a name or key, then what it is (`Mia – 14 June`, `Departure: Friday …`).
    let item = |l: &str| [" – ", " - ", " — ", ": ", " : "].iter().any(|sep| l.contains(sep));
    short(line) && short(next) && item(line) && item(next) && !line.ends_with([',', ';', ':', '(', '-', '–', '—', '&', '/']) && next.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
}

/// Whether the full stop at byte `pos` can end a sentence: not after a title (`Dr.`, `Sra.`,
/// `Prof.`) nor after a day number before a month name (`am 2. Oktober`, `15. Mai`).
pub fn ends_sentence(text: &str, pos: usize) -> bool {
    let before = &text[..pos];
    let word = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return true;
    }
    if !word.chars().all(|c| c.is_ascii_digit()) {
        // A short abbreviation before a figure (`kl. 9.45`, `ca. 20`, `Nr. 4`, `S. 12`) goes on.
        let next_digit = text[pos + 1..].trim_start_matches([' ', '\t']).starts_with(|c: char| c.is_ascii_digit());
        if next_digit && pos + 1 < text.len() && text[pos + 1..].starts_with([' ', '\t']) && word.chars().count() <= 3 && word.chars().all(char::is_alphabetic) {
            return false;
        }
        let lw = word.to_lowercase();
        static TITLES: std::sync::OnceLock<std::collections::HashSet<String>> =
            std::sync::OnceLock::new();
        let titles = TITLES.get_or_init(|| {
            crate::lexicon::honorifics()
                .phrases()
                .iter()
                .map(|h| h.trim_end_matches('.').to_string())
                .collect()
        });
        return !titles.contains(&lw);
    }
    if word.len() > 2 {
        return true;
    }
    let next = text[pos + 1..].split_whitespace().next().unwrap_or("");
    crate::text::dates::month_number(next.trim_end_matches([',', '.', ';'])).is_none()
}

/// Splits text into sentences (and list lines), keeping every character.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let boundary_end = if c == '.' && !ends_sentence(text, pos) {
            None
        } else if matches!(c, '.' | '!' | '?') {
            // Swallow closing quotes/brackets, then require whitespace and a sentence start.
            let mut j = i + 1;
            while j < chars.len()
                && matches!(chars[j].1, '"' | '\'' | ')' | '”' | '’' | '.' | '!' | '?')
            {
                j += 1;
            }
            let mut k = j;
            while k < chars.len() && chars[k].1.is_whitespace() {
                k += 1;
            }
            let next = chars.get(k).map(|x| x.1);
            if k > j
                && next.is_none_or(|n| !n.is_lowercase())
            {
                Some(j)
            } else {
                None
            }
        } else if c == '\n' {
            let rest = &text[pos + 1..];
            let line = text[text[..pos].rfind('\n').map_or(0, |p| p + 1)..pos].trim();
            if is_list_start(rest) || is_list_line(line, rest) {
                Some(i)
            } else {
                None
            }
        } else {
            None
        };
        if let Some(j) = boundary_end {
            let end = chars.get(j).map_or(text.len(), |x| x.0);
            if !text[start..end].trim().is_empty() {
                out.push(&text[start..end]);
            }
            start = end;
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_at_ends_and_list_lines_only() {
        let s = sentences("Dr. no. It is 3.5 km away! Is it?\n- item one\n- item two\nwrapped line\ncontinues here.");
        assert_eq!(s.len(), 5, "{s:?}");
        assert_eq!(s[0], "Dr. no.");
        assert_eq!(s[1].trim(), "It is 3.5 km away!");
        assert!(s[4].contains("wrapped line\ncontinues here."));
    }

    #[test]
    fn short_lines_of_a_list_without_bullets_are_sentences_of_their_own() {
        let s = sentences("Anna – 9 december\nPer – 22 februari\nthat was all");
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[0].contains("Anna – 9 december") && !s[0].contains("Per"));
        // A signature's lines are no items: they stay together.
        assert_eq!(sentences("Jo Bloggs\nHead of Purchasing\nHarbourside Hospital").len(), 1);
        // Wrapped prose stays one sentence: its lines are long, or go on in lower case.
        let prose = "We are happy to confirm that the meeting with the whole team of designers\nWill take place in the large room on the fourth floor next Monday.";
        assert_eq!(sentences(prose).len(), 1);
    }

    #[test]
    fn a_day_number_before_a_month_does_not_end_a_sentence() {
        let s = sentences("Wir fahren am 2. Oktober nach Graz. Danach Ruhe.");
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[0].contains("2. Oktober"));
        // Nor does a short abbreviation before a figure (a time, an amount, a number).
        let s = sentences("Bussen går kl. 06.55 från hållplats B. Biljetten kostar ca. 45 kr. Vi ses!");
        assert_eq!(s.len(), 3, "{s:?}");
        assert!(s[0].contains("06.55"));
    }
}
