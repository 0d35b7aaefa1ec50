//! Passages cut into the sentences the tasks score and quote (markup cleaned, list labels kept
//! with their items, long lines cut into units), and facts rendered as sentences.

use super::*;

/// One sentence of a passage (or one fact, rendered as a sentence), ready to score or quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    /// The heading it sits under (context for matching, not quoted).
    pub heading: String,
    /// The label line over its list (`packing`), if any: matched like the sentence itself.
    pub label: Option<String>,
    /// Index into the passages it came from; `None` for a fact.
    pub passage: Option<usize>,
    /// The fact key for a fact sentence.
    pub fact_key: Option<String>,
    pub dated: Timestamp,
}

/// Cleans one line of markup: list bullets, emphasis, table pipes, heading hashes.
pub(super) fn clean(line: &str) -> String {
    let t = line.trim().trim_start_matches(['#', '-', '*', '•', '>']).trim();
    let t = t.strip_prefix("[ ]").or_else(|| t.strip_prefix("[x]")).unwrap_or(t).trim();
    let t = t.replace("**", "").replace("__", "");
    let t = t.trim_matches('|').trim();
    let t = t.split('|').map(str::trim).filter(|c| !c.is_empty()).collect::<Vec<_>>().join(" | ");
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True for table rules (`|---|---|`) and other lines with no letters or digits.
pub(super) fn is_rule(line: &str) -> bool {
    !line.chars().any(char::is_alphanumeric)
}

/// Lines of mail headers and chat roles that are not the user's own words.
pub(super) fn is_header(line: &str) -> bool {
    ["From:", "To:", "Cc:", "Subject:", "Date:", "Message-ID:", "MIME-Version:", "Content-Type:", "Content-Transfer-Encoding:", "Assistant:"]
        .iter()
        .any(|h| line.trim_start().starts_with(h))
}

/// A short line that labels the list under it (`packing`, `decisions`, `Responsibilities`).
pub(super) fn is_label(line: &str) -> bool {
    // `Entry number: MVH-1` is a field with its value, not a label.
    if line.split_once(':').is_some_and(|(_, v)| !v.trim().is_empty()) {
        return false;
    }
    let t = clean(line);
    let n = t.split_whitespace().count();
    (1..=3).contains(&n) && !t.ends_with(['.', '!', '?']) && !line.trim_start().starts_with(['-', '*', '•', '|'])
}

pub(super) fn starts_item(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") || t.starts_with('|') || is_field(t)
}

/// A `Key: value` line of a form-like document (`Deposit: £1,327`, `Your slot: Friday`,
/// `Owner / agent : …` with the space French puts before a colon).
pub(super) fn is_field(line: &str) -> bool {
    let Some((key, value)) = line.split_once(':') else { return false };
    let n = key.split_whitespace().count();
    (1..=3).contains(&n) && key.starts_with(|c: char| c.is_uppercase()) && key.chars().all(|c| c.is_alphanumeric() || " '’-()/&".contains(c)) && value.starts_with(char::is_whitespace) && !value.trim().is_empty()
}

/// A list item or paragraph up to this long stays one unit (its sentences explain each other).
pub const MAX_UNIT_CHARS: usize = 160;

/// The sentences of a passage. Paragraphs are split on blank lines and list items, wrapped
/// lines are joined, and a short label line over a list (`packing`) becomes part of the heading
/// of the items under it. List items and paragraphs up to [`MAX_UNIT_CHARS`] stay whole. Mail headers and the assistant's turns of a chat export are skipped;
/// a `User:` prefix is dropped.
pub fn sentences_of(p: &Passage, index: usize) -> Vec<Sentence> {
    units_of(p, index, MAX_UNIT_CHARS)
}

/// [`sentences_of`] with another unit limit: context for a prompt reads better in whole items
/// than an answer to a question does.
pub fn units_of(p: &Passage, index: usize, max_unit: usize) -> Vec<Sentence> {
    let mut out = Vec::new();
    let lines: Vec<&str> = p.text.lines().collect();
    let mut label: Option<String> = None;
    let mut block: Vec<&str> = Vec::new();
    let mut blocks: Vec<(String, Option<String>)> = Vec::new();
    let flush = |block: &mut Vec<&str>, blocks: &mut Vec<(String, Option<String>)>, label: &Option<String>| {
        if !block.is_empty() {
            blocks.push((block.join(" "), label.clone()));
            block.clear();
        }
    };
    let mut in_assistant = false;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.starts_with("Assistant:") {
            in_assistant = true;
        } else if t.starts_with("User:") {
            in_assistant = false;
        }
        if t.is_empty() {
            flush(&mut block, &mut blocks, &label);
            if !lines.get(i + 1).is_some_and(|n| starts_item(n)) {
                label = None;
            }
            continue;
        }
        if in_assistant || is_header(t) {
            flush(&mut block, &mut blocks, &label);
            continue;
        }
        if is_label(t) && lines.get(i + 1).is_some_and(|n| starts_item(n)) {
            flush(&mut block, &mut blocks, &label);
            label = Some(clean(t).trim_end_matches(':').to_string());
            continue;
        }
        // An item starts a unit of its own, bulleted or not (`Mia – 14 June` under `Sam – …`).
        let unbulleted = i > 0 && !block.is_empty() && crate::text::sentences::is_list_line(lines[i - 1].trim(), t);
        if starts_item(t) || unbulleted {
            flush(&mut block, &mut blocks, &label);
        }
        block.push(t);
    }
    flush(&mut block, &mut blocks, &label);
    // A dialogue's turns (`Anna: …` by a speaker who says more than one): every sentence of a
    // long turn keeps who said it, as its first keeps it in `Anna:` — a first-person sentence is
    // about its speaker.
    let speaker_of = |text: &str| if is_field(text) { text.split_once(':').map(|(k, _)| k.trim().to_string()) } else { None };
    let mut turns: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (text, _) in &blocks {
        if let Some(s) = speaker_of(text) {
            *turns.entry(s).or_default() += 1;
        }
    }
    for (text, label) in blocks {
        let label = label.or_else(|| speaker_of(&text).filter(|s| turns.get(s).is_some_and(|n| *n >= 2)));
        let text = text.strip_prefix("User:").unwrap_or(&text).trim().to_string();
        // A list item or a short paragraph is one unit of meaning; longer ones are split.
        let units: Vec<&str> = if text.len() <= max_unit { vec![text.as_str()] } else { crate::text::sentences(&text) };
        for s in units {
            let text = clean(s);
            // Rules, and salutations or sign-offs (`Dear Ann,`, `Best wishes,`) say nothing.
            if text.len() < 3 || is_rule(&text) || (text.split_whitespace().count() < 3 && text.ends_with(',')) {
                continue;
            }
            out.push(Sentence { text, heading: p.heading.clone(), label: label.clone(), passage: Some(index), fact_key: None, dated: p.dated });
        }
    }
    out
}

/// The kind of fact (one of [`crate::lexicon::FACT_KINDS`]) each profile key holds: a question
/// names it with that kind's words, in any language (`tel` is asked as `phone`, `Handynummer`,
/// `mobilnummer`).
pub(super) const KEY_KINDS: &[(&str, &str)] = &[
    ("tel", "phone"),
    ("tel-national", "phone"),
    ("email", "email"),
    ("work-email", "work email"),
    ("street-address", "home address"),
    ("home-address", "home address"),
    ("postal-code", "postcode"),
    ("address-level2", "city"),
    ("bday", "birthday"),
    ("organization", "employer"),
    ("organization-title", "job title"),
    ("t-shirt-size", "clothing size"),
    ("partner", "partner"),
    ("diet", "diet"),
    ("allergies", "allergies"),
    ("dislikes", "dislikes"),
    ("projects", "projects"),
    ("country-name", "country"),
    ("languages", "languages spoken"),
];

/// The kind of fact a profile key holds (one of [`crate::lexicon::FACT_KINDS`]), if any.
pub fn kind_of_key(key: &str) -> Option<&'static str> {
    KEY_KINDS.iter().find(|(k, _)| *k == key).map(|(_, kind)| *kind)
}

/// The words a question may use for a fact key, in every language (empty for keys no kind names).
pub fn key_words(key: &str) -> Vec<String> {
    // An employer or home the user had before is asked with the same words as the current one.
    let key = key.strip_prefix("former-").unwrap_or(key);
    KEY_KINDS.iter().find(|(k, _)| *k == key).map(|(_, kind)| crate::lexicon::words_for_fact(kind)).unwrap_or_default()
}

/// A fact as a sentence for matching and quoting: `my job title: Senior Data Engineer`.
pub fn fact_sentence(f: &FactView) -> Sentence {
    let mut extra = key_words(&f.key).join(" ");
    // A language is asked by its name in any language (`English` finds `Inglés (B2)`).
    if f.key == "languages" {
        for w in f.value.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
            if let Some(names) = crate::lexicon::language_code(w).and_then(|code| crate::lexicon::languages().lang(code)) {
                extra.push(' ');
                extra.push_str(&names.items.iter().flatten().filter(|n| !n.contains(' ')).cloned().collect::<Vec<_>>().join(" "));
            }
        }
    }
    Sentence {
        text: format!("my {}: {}", f.key.replace('-', " "), f.value),
        heading: String::new(),
        // The words a question uses for the key match like the sentence itself.
        label: (!extra.is_empty()).then_some(extra),
        passage: None,
        fact_key: Some(f.key.clone()),
        // A single-valued fact is already the newest value (L1 resolved it): it wins ties. List
        // items (several past amounts, say) carry no date here.
        dated: if crate::memory::l1::is_list_key(&f.key) { 0 } else { Timestamp::MAX },
    }
}

/// List keys whose items answer together (`which languages…?`, `any allergies?`).
pub(super) const WHOLE_LISTS: &[&str] = &["languages", "allergies", "dislikes", "skills", "interests"];

/// Whether a fact key's items answer together, as one list.
pub fn is_whole_list(key: &str) -> bool {
    WHOLE_LISTS.contains(&key)
}

/// Facts that are only parts or codes of another (`bday-day`, `country`): never evidence.
pub fn is_part_key(key: &str) -> bool {
    matches!(key, "bday-day" | "bday-month" | "bday-year" | "country" | "language" | "honorific-prefix" | "tel" | "address-line1" | "address-line2" | "additional-name")
}
