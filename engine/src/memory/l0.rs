//! L0: cutting a [`Document`] into [`Chunk`]s that keep sentences and headings.
//!
//! A chunk holds ~[`MIN_WORDS`]–[`MAX_WORDS`] words of whole paragraphs; a paragraph longer
//! than [`MAX_WORDS`] is split between sentences (a single over-long sentence stays whole, never
//! cut). Each chunk carries the heading path it starts under; a heading met inside a chunk stays
//! in its text as a line. A heading that starts a dated part (one conversation of an export)
//! always starts a new chunk, so every chunk has one date.
//!
//! Called by [`super::import`] for every source; pure and tested natively.

use super::import::{Block, Document};
use super::Chunk;

/// A chunk is closed at the next heading once it has this many words.
pub const MIN_WORDS: usize = 60;
/// A chunk never grows past this many words unless one sentence alone is longer.
pub const MAX_WORDS: usize = 200;

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

fn is_list_start(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") || t.starts_with('|') || {
        let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
        digits > 0 && matches!(t[digits..].chars().next(), Some('.') | Some(')'))
    }
}

/// Whether the full stop at byte `pos` can end a sentence: not after a title (`Dr.`, `Sra.`,
/// `Prof.`) nor after a day number before a month name (`am 2. Oktober`, `15. Mai`).
fn ends_sentence(text: &str, pos: usize) -> bool {
    let before = &text[..pos];
    let word = before.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    if word.is_empty() {
        return true;
    }
    if !word.chars().all(|c| c.is_ascii_digit()) {
        let lw = word.to_lowercase();
        static TITLES: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
        let titles = TITLES.get_or_init(|| crate::lexicon::honorifics().phrases().iter().map(|h| h.trim_end_matches('.').to_string()).collect());
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
            while j < chars.len() && matches!(chars[j].1, '"' | '\'' | ')' | '”' | '’' | '.' | '!' | '?') {
                j += 1;
            }
            let mut k = j;
            while k < chars.len() && chars[k].1.is_whitespace() {
                k += 1;
            }
            let next = chars.get(k).map(|x| x.1);
            if k > j && next.is_none_or(|n| n.is_uppercase() || n.is_ascii_digit() || "\"'“(-*•".contains(n)) {
                Some(j)
            } else {
                None
            }
        } else if c == '\n' {
            let rest = &text[pos + 1..];
            if is_list_start(rest) {
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

/// Paragraph → units of at most [`MAX_WORDS`] (whole sentences).
fn units(para: &str) -> Vec<String> {
    if words(para) <= MAX_WORDS {
        return vec![para.trim().to_string()];
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    for s in sentences(para) {
        if !cur.is_empty() && words(&cur) + words(s) > MAX_WORDS {
            out.push(cur.trim().to_string());
            cur.clear();
        }
        cur.push_str(s);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// Cuts a document into chunks with ids `<source_id>-<n>`.
pub fn chunk_document(source_id: &str, doc: &Document) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut path: Vec<(u8, String)> = Vec::new();
    if let Some(t) = &doc.title {
        path.push((0, t.clone()));
    }
    let mut dated = None;
    let mut cur: Vec<String> = Vec::new();
    let mut cur_words = 0;
    let mut cur_path: Vec<String> = path.iter().map(|p| p.1.clone()).collect();

    let flush = |chunks: &mut Vec<Chunk>, cur: &mut Vec<String>, cur_words: &mut usize, cur_path: &[String], dated| {
        if cur.is_empty() {
            return;
        }
        let index = chunks.len() as u32;
        chunks.push(Chunk {
            id: format!("{source_id}-{index}"),
            source_id: source_id.to_string(),
            index,
            heading_path: cur_path.to_vec(),
            text: cur.join("\n\n"),
            dated,
            times: Vec::new(),
        });
        cur.clear();
        *cur_words = 0;
    };

    for block in &doc.blocks {
        match block {
            Block::Heading { level, text, dated: d } => {
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                if d.is_some() || cur_words >= MIN_WORDS {
                    flush(&mut chunks, &mut cur, &mut cur_words, &cur_path, dated);
                }
                if d.is_some() {
                    dated = *d;
                }
                path.retain(|(l, _)| *l < *level);
                path.push((*level, text.to_string()));
                if cur.is_empty() {
                    cur_path = path.iter().map(|p| p.1.clone()).collect();
                } else {
                    cur.push(format!("{} {text}", "#".repeat((*level).max(1) as usize)));
                }
            }
            Block::Para(p) => {
                for u in units(p) {
                    let w = words(&u);
                    if w == 0 {
                        continue;
                    }
                    if !cur.is_empty() && cur_words + w > MAX_WORDS {
                        flush(&mut chunks, &mut cur, &mut cur_words, &cur_path, dated);
                        cur_path = path.iter().map(|p| p.1.clone()).collect();
                    }
                    if cur.is_empty() {
                        cur_path = path.iter().map(|p| p.1.clone()).collect();
                    }
                    cur.push(u);
                    cur_words += w;
                }
            }
        }
    }
    flush(&mut chunks, &mut cur, &mut cur_words, &cur_path, dated);
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_and_titles_do_not_end_sentences() {
        assert_eq!(sentences("Das Fest ist am 2. Oktober. Alle kommen."), ["Das Fest ist am 2. Oktober.", " Alle kommen."]);
        assert_eq!(sentences("Meine Ärztin ist Dr. Anna Roth. Sie ist nett."), ["Meine Ärztin ist Dr. Anna Roth.", " Sie ist nett."]);
        assert_eq!(sentences("We ran 12. Then we ate."), ["We ran 12.", " Then we ate."]);
    }

    #[test]
    fn sentences_split_at_ends_and_list_lines_only() {
        let s = sentences("Dr. no. It is 3.5 km away! Is it?\n- item one\n- item two\nwrapped line\ncontinues here.");
        assert_eq!(s.len(), 5, "{s:?}");
        assert_eq!(s[0], "Dr. no.");
        assert_eq!(s[1].trim(), "It is 3.5 km away!");
        assert!(s[4].contains("wrapped line\ncontinues here."));
    }

    #[test]
    fn chunks_keep_sentences_and_headings() {
        let sentence = "This sentence has exactly eight words in it. ";
        let long_para = sentence.repeat(60); // 480 words
        let doc = Document {
            title: Some("Doc".into()),
            dated: None,
            blocks: vec![
                Block::Heading { level: 1, text: "Travel".into(), dated: None },
                Block::Para(long_para.clone()),
                Block::Heading { level: 2, text: "Food".into(), dated: None },
                Block::Para("Short bit.".into()),
            ],
        };
        let chunks = chunk_document("s", &doc);
        assert!(chunks.len() >= 3, "{}", chunks.len());
        for c in &chunks {
            assert!(words(&c.text) <= MAX_WORDS + 2, "{}", words(&c.text));
            assert!(c.text.trim_end().ends_with('.'), "cut mid-sentence: {:?}", &c.text[c.text.len() - 20..]);
        }
        assert_eq!(chunks[0].heading_path, ["Doc", "Travel"]);
        assert_eq!(chunks[0].id, "s-0");
        let joined: String = chunks.iter().map(|c| c.text.replace("## Food\n\n", "")).collect::<Vec<_>>().join(" ");
        assert_eq!(words(&joined), words(&long_para) + 2);
        let last = chunks.last().unwrap();
        assert!(last.full_text().contains("Food"));
    }

    #[test]
    fn dated_headings_start_new_chunks() {
        let doc = Document {
            title: None,
            dated: None,
            blocks: vec![
                Block::Heading { level: 1, text: "Chat A".into(), dated: Some(10) },
                Block::Para("User: hello there.".into()),
                Block::Heading { level: 1, text: "Chat B".into(), dated: Some(20) },
                Block::Para("User: again.".into()),
            ],
        };
        let chunks = chunk_document("s", &doc);
        assert_eq!(chunks.len(), 2);
        assert_eq!((chunks[0].dated, chunks[1].dated), (Some(10), Some(20)));
        assert_eq!(chunks[1].heading_path, ["Chat B"]);
    }

    #[test]
    fn a_giant_sentence_stays_whole() {
        let giant = format!("{}end.", "word ".repeat(300));
        let doc = Document { title: None, dated: None, blocks: vec![Block::Para(giant.clone())] };
        let chunks = chunk_document("s", &doc);
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].text, giant.trim());
    }
}
