//! Sentences scored against the query: coverage of its terms (headings and labels count less),
//! names in full, and the candidates the tasks pick their evidence from.

use super::*;

/// A sentence scored against a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub sentence: Sentence,
    /// Sum of the weights of the terms it (or its heading, at half weight) matches.
    pub score: f32,
    /// Share of the query's weight it covers, heading included.
    pub coverage: f32,
    /// Every name the query uses is in the sentence or its heading.
    pub names_covered: bool,
}

/// What a name the question uses counts when only the sentence's section says it.
pub const SECTION_WEIGHT: f32 = 0.25;

/// Extra weight of the query's first term.
pub const HEAD_WEIGHT: f32 = 1.5;

/// Scores `sentences` against `query_terms`: a term's weight is its rarity among the candidate
/// sentences (`ln(1 + N / (1 + df))`); a match in the heading counts half; the first term weighs [`HEAD_WEIGHT`] times more.
pub fn score(query: &[Term], sentences: Vec<Sentence>) -> Vec<Scored> {
    let stems_of: Vec<(Vec<String>, Vec<String>)> = sentences
        .iter()
        .map(|s| (stems(&format!("{} {}", own_label(s), s.text)), stems(&s.heading)))
        .collect();
    // A fact's label holds its key's words in every language (`employer`, `Arbeitgeber`,
    // `bosse`…): the question's own words find it, its words' translations need not — they
    // would meet false friends there (English `boss` in French `bosse`, Swedish `plats` in
    // French `plat`).
    let labels: Vec<Vec<String>> = sentences.iter().map(|s| if s.fact_key.is_some() { stems(s.label.as_deref().unwrap_or("")) } else { Vec::new() }).collect();
    let query = &with_other_spellings(query, &sentences, &stems_of);
    let own: Vec<Term> = query.iter().map(|t| Term { alternatives: Vec::new(), ..t.clone() }).collect();
    // The words of each section (one passage's sentences under one heading): a name the
    // question uses may be said a line away in the same note (`# Moving checklist` / `Moving day:
    // Saturday 3 May` / `To: … Aarhus`), which is still this sentence's context.
    let mut sections: std::collections::HashMap<(usize, &str), Vec<String>> = std::collections::HashMap::new();
    for (s, (body, _)) in sentences.iter().zip(&stems_of) {
        if let Some(p) = s.passage {
            sections.entry((p, s.heading.as_str())).or_default().extend(body.iter().cloned());
        }
    }
    let n = sentences.len().max(1) as f32;
    let weight: Vec<f32> = query
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let df = stems_of.iter().zip(&labels).filter(|((a, b), l)| matches_term(t, a) || matches_term(t, b) || matches_term(&own[i], l)).count() as f32;
            (1.0 + n / (1.0 + df)).ln()
        })
        .enumerate()
        // The question's first topic word is its head (`which seat…`, `when is my sister's…`).
        .map(|(i, w)| if i == 0 { w * HEAD_WEIGHT } else { w })
        .collect();
    // An optional term adds to a sentence that matches it, and is not missed where it is not.
    let total: f32 = weight.iter().zip(query).filter(|(_, t)| !t.optional).map(|(w, _)| w).sum::<f32>().max(1e-6);
    let avg_len = (sentences.iter().map(|s| s.text.len()).sum::<usize>() as f32 / n).max(1.0);
    let section_has: Vec<Vec<bool>> = sentences
        .iter()
        .map(|s| {
            let words = s.passage.and_then(|p| sections.get(&(p, s.heading.as_str())));
            query.iter().map(|t| t.proper && words.is_some_and(|w| matches_term(t, w))).collect()
        })
        .collect();
    let mut out: Vec<Scored> = sentences
        .into_iter()
        .zip(stems_of)
        .zip(labels)
        .zip(section_has)
        .map(|(((sentence, (body, head)), label), in_section)| {
            let (mut s, mut cov) = (0.0, 0.0);
            let mut names_covered = true;
            for (((t, w), in_section), own) in query.iter().zip(&weight).zip(in_section).zip(&own) {
                let counts = if t.optional { 0.0 } else { *w };
                // `When does the lease end?`: `from 1 May 2025 to 30 April 2026` says it.
                let says_bound = t.bound.is_some() && crate::text::dates::dates_in(&sentence.text).len() >= 2;
                if matches_term(t, &body) || matches_term(own, &label) || (t.proper && names_in_full(&t.stem, &sentence.text)) || says_bound {
                    s += w;
                    cov += counts;
                } else if matches_term(t, &head) {
                    s += w * 0.5;
                    cov += counts;
                } else if in_section {
                    // Named in the sentence's section only: context, at a quarter of the weight.
                    s += w * SECTION_WEIGHT;
                    cov += counts * 0.5;
                } else if t.proper {
                    names_covered = false;
                }
            }
            // Long units match more words by chance: a mild length normalisation, as in BM25.
            let norm = 0.75 + 0.25 * sentence.text.len() as f32 / avg_len;
            Scored { score: s / norm, coverage: cov / total, names_covered, sentence }
        })
        .collect();
    // Best first; among equals the newer sentence first (the newest source wins).
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.sentence.dated.cmp(&a.sentence.dated)));
    out
}

/// A name the question uses that no candidate writes as the question does may be written in
/// the notes' language (`Munich` / `München`, `Lisbon` / `Lisboa`, `Seville` / `Sevilla`): the
/// capitalised words of the candidates within two letters of it (three for a name of six or
/// more; accents aside, the same first
/// three letters) become its alternatives. Only then: a name the notes do write is not
/// confused with a neighbour of it (`Anna` / `Anne`).
fn with_other_spellings(query: &[Term], sentences: &[Sentence], stems_of: &[(Vec<String>, Vec<String>)]) -> Vec<Term> {
    let mut out = query.to_vec();
    for t in out.iter_mut().filter(|t| t.proper && t.stem.chars().count() >= 4) {
        if stems_of.iter().any(|(a, b)| matches_term(t, a) || matches_term(t, b)) {
            continue;
        }
        let want = crate::text::fold(&t.stem);
        for s in sentences {
            for w in format!("{} {}", s.heading, s.text).split(|c: char| !c.is_alphanumeric()).filter(|w| w.starts_with(char::is_uppercase)) {
                let f = crate::text::fold(w);
                let most = if want.chars().count() >= 6 { 3 } else { 2 };
                let close = f.chars().count() >= 4 && f.chars().take(3).eq(want.chars().take(3)) && edit_distance(&f, &want) <= most;
                let st = crate::retrieval::index::stem(&w.to_lowercase());
                if close && !t.alternatives.contains(&st) {
                    t.alternatives.push(st);
                }
            }
        }
    }
    out
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != b[j])).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// True when `text` writes in full a name the question shortens (`Ros` for `Rosalind`, `Alex`
/// for `Alexandra`): a capitalised word that starts with it and is at most five letters longer.
pub(super) fn names_in_full(short: &str, text: &str) -> bool {
    let n = short.chars().count();
    n >= 3
        && text.split(|c: char| !c.is_alphanumeric()).any(|w| {
            let m = w.chars().count();
            w.starts_with(char::is_uppercase) && m > n && m <= n + 5 && w.to_lowercase().starts_with(short)
        })
}

/// All candidate sentences: the passages' sentences plus the facts as sentences.
pub fn candidates(facts: &[FactView], passages: &[Passage]) -> Vec<Sentence> {
    // The whole address answers for its street line, when memory has it.
    let whole_address = facts.iter().any(|f| f.key == "home-address");
    // A list whose items together answer (`languages`, `allergies`) is one sentence.
    let mut merged: Vec<FactView> = Vec::new();
    for f in facts.iter().filter(|f| !is_part_key(&f.key) && !f.value.trim().is_empty() && !(whole_address && f.key == "street-address")) {
        match merged.iter_mut().find(|m| m.key == f.key && WHOLE_LISTS.contains(&f.key.as_str())) {
            Some(m) => {
                m.value = format!("{}, {}", m.value, f.value);
                m.sensitive |= f.sensitive;
            }
            None => merged.push(f.clone()),
        }
    }
    let mut out: Vec<Sentence> = merged.iter().map(fact_sentence).collect();
    for (i, p) in passages.iter().enumerate() {
        out.extend(sentences_of(p, i));
    }
    out
}

/// The label a sentence is matched with besides its text: a list's label (`packing`), not a
/// fact's label of key words (matched apart, by the question's own words).
fn own_label(s: &Sentence) -> &str {
    if s.fact_key.is_some() {
        ""
    } else {
        s.label.as_deref().unwrap_or("")
    }
}
