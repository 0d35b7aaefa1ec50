//! L0: cutting a [`Document`] into [`Chunk`]s that keep sentences and headings.
//!
//! A chunk holds ~[`MIN_WORDS`]–[`MAX_WORDS`] words of whole paragraphs; a paragraph longer
//! than [`MAX_WORDS`] is split between sentences (a single over-long sentence stays whole, never
//! cut). Each chunk carries the heading path it starts under; a heading met inside a chunk stays
//! in its text as a line. A heading that starts a dated part (one conversation of an export)
//! always starts a new chunk, so every chunk has one date; so does a PDF's page break, so every
//! chunk cites one page.
//!
//! Called by [`super::import`] for every source; pure and tested natively.

use crate::text::sentences;
use super::import::{Block, Document};
use super::Chunk;

/// A chunk is closed at the next heading once it has this many words.
pub const MIN_WORDS: usize = 60;
/// A chunk never grows past this many words unless one sentence alone is longer.
pub const MAX_WORDS: usize = 200;

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Paragraph → units of at most [`MAX_WORDS`] (whole sentences).
fn units(para: &str) -> Vec<String> {
    if word_count(para) <= MAX_WORDS {
        return vec![para.trim().to_string()];
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    for s in sentences(para) {
        if !cur.is_empty() && word_count(&cur) + word_count(s) > MAX_WORDS {
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
    let mut page = None;
    let mut cur: Vec<String> = Vec::new();
    let mut cur_words = 0;
    let mut cur_path: Vec<String> = path.iter().map(|p| p.1.clone()).collect();

    let flush = |chunks: &mut Vec<Chunk>, cur: &mut Vec<String>, cur_words: &mut usize, cur_path: &[String], dated, page| {
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
            page,
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
                    flush(&mut chunks, &mut cur, &mut cur_words, &cur_path, dated, page);
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
            // A new page starts a new chunk: every chunk cites one page.
            Block::Page(n) => {
                flush(&mut chunks, &mut cur, &mut cur_words, &cur_path, dated, page);
                page = Some(*n);
            }
            Block::Para(p) => {
                for u in units(p) {
                    let w = word_count(&u);
                    if w == 0 {
                        continue;
                    }
                    if !cur.is_empty() && cur_words + w > MAX_WORDS {
                        flush(&mut chunks, &mut cur, &mut cur_words, &cur_path, dated, page);
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
    flush(&mut chunks, &mut cur, &mut cur_words, &cur_path, dated, page);
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
    fn every_chunk_cites_one_page() {
        let doc = Document {
            title: None,
            dated: None,
            blocks: vec![
                Block::Page(1),
                Block::Para("A short first page.".into()),
                Block::Page(2),
                Block::Heading { level: 1, text: "Results".into(), dated: None },
                Block::Para("The second page has its own words.".into()),
            ],
        };
        let chunks = chunk_document("s", &doc);
        let pages: Vec<_> = chunks.iter().map(|c| (c.page, c.text.as_str())).collect();
        assert_eq!(pages, [(Some(1), "A short first page."), (Some(2), "The second page has its own words.")]);
        assert_eq!(chunks[1].heading_path, ["Results"]);
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
            assert!(word_count(&c.text) <= MAX_WORDS + 2, "{}", word_count(&c.text));
            assert!(c.text.trim_end().ends_with('.'), "cut mid-sentence: {:?}", &c.text[c.text.len() - 20..]);
        }
        assert_eq!(chunks[0].heading_path, ["Doc", "Travel"]);
        assert_eq!(chunks[0].id, "s-0");
        let joined: String = chunks.iter().map(|c| c.text.replace("## Food\n\n", "")).collect::<Vec<_>>().join(" ");
        assert_eq!(word_count(&joined), word_count(&long_para) + 2);
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
