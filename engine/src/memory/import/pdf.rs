//! PDF: the text layer, page by page, in reading order.
//!
//! `pdf-extract` (on `lopdf`) decodes the fonts (ToUnicode maps, standard and custom encodings,
//! composite fonts) and hands over every character with its position; everything after that is
//! here, in Rust, the same natively and in the extension: characters become runs (a run ends at a
//! new baseline or at a gap wider than a column gutter), running headers, footers and page
//! numbers are dropped, a page set in columns is read column by column (a title or footer that
//! spans the columns stays where it is), lines become paragraphs (a hyphen at a line end joins
//! the word), and lines set larger than the body text become headings. Each page starts with
//! [`Block::Page`], so every chunk cites its page.
//!
//! A password-protected file, a file with no text layer (a scan) and a broken file each get their
//! own clear error, and nothing of them is stored. The parser runs each page behind
//! `catch_unwind` natively; in the browser a panic traps the engine, whose host restarts it (the
//! import's transaction never began, so nothing is lost).

use super::{Block, Document};
use crate::memory::{date, ImportErrorKind, Timestamp};
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

/// Whether a file is a PDF: by its `.pdf` name, or by the `%PDF-` signature it starts with.
pub fn is_pdf(ext: &str, bytes: &[u8]) -> bool {
    ext == "pdf" || bytes.starts_with(b"%PDF-")
}

/// One character as the page shows it: baseline position from the top-left (points), advance
/// width and font size in points.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub size: f64,
    pub text: String,
}

/// One page's characters in content-stream order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageText {
    /// 1-based page number.
    pub number: u32,
    pub height: f64,
    pub glyphs: Vec<Glyph>,
}

/// Reads a PDF into a [`Document`] (pages marked, reading order restored).
pub fn parse_pdf(bytes: &[u8]) -> Result<Document, ImportErrorKind> {
    let malformed = |detail: String| ImportErrorKind::Malformed { format: "PDF", detail };
    let mut doc = pdf_extract::Document::load_mem(bytes).map_err(|e| malformed(e.to_string()))?;
    if doc.is_encrypted() {
        // Many files are encrypted only to restrict printing or copying: their user password is empty.
        doc.decrypt("").map_err(|_| ImportErrorKind::Encrypted)?;
    }
    let page_ids = doc.get_pages();
    if page_ids.is_empty() {
        return Err(malformed("it has no pages".into()));
    }
    let mut pages = Vec::new();
    let mut failed = 0;
    for (n, id) in &page_ids {
        if !readable_page(&doc, *id) {
            failed += 1;
            continue;
        }
        let mut out = Collect::default();
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pdf_extract::output_doc_page(&doc, &mut out, *n)));
        match ran {
            Ok(Ok(())) => pages.extend(out.pages),
            _ => failed += 1,
        }
    }
    if failed == page_ids.len() {
        return Err(malformed("none of its pages could be read".into()));
    }
    if !pages.iter().any(|p| p.glyphs.iter().any(|g| !g.text.trim().is_empty())) {
        return Err(ImportErrorKind::NoTextLayer);
    }
    Ok(Document { title: info_title(&doc), dated: info_date(&doc), blocks: lay_out(&pages) })
}

/// Whether a page has what the reader takes for granted (it panics otherwise, and in the
/// browser a panic restarts the engine): a media box of four numbers, text operators with their
/// operands, fonts whose entries resolve and whose simple encodings are named ones. A page that
/// fails is skipped and counted, like one the reader fails on.
fn readable_page(doc: &pdf_extract::Document, id: pdf_extract::ObjectId) -> bool {
    use pdf_extract::Object;
    let deref = |o: &'_ Object| -> Option<Object> {
        match o {
            Object::Reference(r) => doc.get_object(*r).ok().cloned(),
            other => Some(other.clone()),
        }
    };
    let number = |o: &Object| matches!(deref(o), Some(Object::Integer(_) | Object::Real(_)));
    // The media box, inherited through the page tree (bounded: a loop in /Parent ends here).
    let mut node = doc.get_dictionary(id).ok();
    let mut media_box = None;
    for _ in 0..32 {
        let Some(d) = node else { break };
        if let Ok(b) = d.get(b"MediaBox") {
            media_box = deref(b);
            break;
        }
        node = d.get(b"Parent").ok().and_then(|p| p.as_reference().ok()).and_then(|r| doc.get_dictionary(r).ok());
    }
    let Some(Object::Array(b)) = media_box else { return false };
    if b.len() != 4 || !b.iter().all(number) {
        return false;
    }
    let Ok(fonts) = doc.get_page_fonts(id) else { return false };
    const NAMED: [&[u8]; 4] = [b"StandardEncoding", b"MacRomanEncoding", b"MacExpertEncoding", b"WinAnsiEncoding"];
    let name_of = |d: &pdf_extract::Dictionary, key: &[u8]| match d.get(key).ok().and_then(|o| deref(o)) {
        Some(Object::Name(n)) => Some(n),
        _ => None,
    };
    let fonts_ok = fonts.values().all(|font| {
        let resolves = |d: &pdf_extract::Dictionary| d.iter().all(|(_, v)| deref(v).is_some());
        let subtype = name_of(font, b"Subtype");
        let composite = subtype.as_deref() == Some(b"Type0".as_slice());
        let base_font = subtype.as_deref() == Some(b"Type3".as_slice()) || name_of(font, b"BaseFont").is_some();
        let encoding_known = composite
            || match font.get(b"Encoding").ok().and_then(|e| deref(e)) {
                None => true,
                Some(Object::Name(n)) => NAMED.contains(&n.as_slice()),
                Some(Object::Dictionary(d)) => match d.get(b"BaseEncoding").ok().and_then(|e| deref(e)) {
                    None => resolves(&d),
                    Some(Object::Name(n)) => NAMED.contains(&n.as_slice()) && resolves(&d),
                    Some(_) => false,
                },
                Some(_) => false,
            };
        subtype.is_some() && base_font && encoding_known && resolves(font)
    });
    if !fonts_ok {
        return false;
    }
    // The images and forms the page draws (`Do`), by name, from its own or inherited resources.
    let xobjects: Vec<Vec<u8>> = match doc.get_page_resources(id) {
        Ok((own, inherited)) => own
            .into_iter()
            .cloned()
            .chain(inherited.into_iter().filter_map(|r| doc.get_dictionary(r).ok().cloned()))
            .filter_map(|res| match res.get(b"XObject").ok().and_then(|x| deref(x)) {
                Some(Object::Dictionary(x)) => Some(x.iter().filter(|(_, v)| matches!(deref(v), Some(Object::Stream(_)))).map(|(k, _)| k.clone()).collect::<Vec<_>>()),
                _ => None,
            })
            .flatten()
            .collect(),
        Err(_) => return false,
    };
    let Ok(content) = doc.get_page_content(id) else { return false };
    let Ok(ops) = pdf_extract::content::Content::decode(&content) else { return false };
    let mut font_set = false;
    for op in &ops.operations {
        let (count, numeric) = match op.operator.as_str() {
            "Tm" | "cm" | "c" => (6, 6),
            "v" | "y" | "re" => (4, 4),
            "Td" | "TD" | "m" | "l" => (2, 2),
            "Tc" | "Tw" | "Tz" | "TL" | "Ts" | "Tr" | "w" => (1, 1),
            "gs" => (1, 0),
            "Tf" => (2, 0),
            "Tj" | "TJ" | "'" => (1, 0),
            "\"" => (3, 2),
            "Do" => (1, 0),
            _ => continue,
        };
        if op.operands.len() != count || !op.operands.iter().take(numeric).all(number) {
            return false;
        }
        match (op.operator.as_str(), &op.operands[0]) {
            ("Tf", Object::Name(n)) if fonts.contains_key(n) && number(&op.operands[1]) => font_set = true,
            ("Tf", _) => return false,
            ("Do", Object::Name(n)) if xobjects.contains(n) => {}
            ("Do", _) => return false,
            ("gs", Object::Name(_)) => {}
            ("gs", _) => return false,
            ("Tj" | "TJ" | "'" | "\"", _) if !font_set => return false,
            _ => {}
        }
    }
    true
}

/// The document's own title (Info `/Title`), when it has a real one.
fn info_title(doc: &pdf_extract::Document) -> Option<String> {
    let t = info_string(doc, b"Title")?;
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    // Producers often fill in the file name or "untitled": a file name is not a title.
    (t.chars().any(char::is_alphabetic) && !t.to_lowercase().ends_with(".pdf") && !t.contains(['\\', '/'])).then_some(t)
}

/// Info `/CreationDate` (`D:YYYYMMDD…`).
fn info_date(doc: &pdf_extract::Document) -> Option<Timestamp> {
    let d = info_string(doc, b"CreationDate")?;
    let digits: String = d.trim_start_matches("D:").chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 8 {
        return None;
    }
    date::timestamp(digits[..4].parse().ok()?, digits[4..6].parse().ok()?, digits[6..8].parse().ok()?)
}

fn info_string(doc: &pdf_extract::Document, key: &[u8]) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let info = match info {
        pdf_extract::Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        pdf_extract::Object::Dictionary(d) => d,
        _ => return None,
    };
    match info.get(key).ok()? {
        pdf_extract::Object::String(bytes, _) => Some(text_string(bytes)),
        _ => None,
    }
}

/// A PDF text string: UTF-16BE with its byte-order mark, else PDFDocEncoding (Latin-1 for text).
fn text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    bytes.iter().map(|b| *b as char).collect()
}

/// Collects positioned characters (the [`OutputDev`] pdf-extract drives).
#[derive(Default)]
struct Collect {
    pages: Vec<PageText>,
    flip: Option<Transform>,
}

impl OutputDev for Collect {
    fn begin_page(&mut self, page_num: u32, media_box: &MediaBox, _art_box: Option<(f64, f64, f64, f64)>) -> Result<(), OutputError> {
        let height = media_box.ury - media_box.lly;
        self.flip = Some(Transform::row_major(1., 0., 0., -1., 0., media_box.ury));
        self.pages.push(PageText { number: page_num, height: if height.is_finite() { height.abs() } else { 792. }, glyphs: Vec::new() });
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn output_character(&mut self, trm: &Transform, width: f64, _spacing: f64, font_size: f64, char: &str) -> Result<(), OutputError> {
        let (Some(flip), Some(page)) = (self.flip, self.pages.last_mut()) else { return Ok(()) };
        let at = trm.post_transform(&flip);
        let v = trm.transform_vector(euclid::vec2(font_size, font_size));
        let size = (v.x * v.y).abs().sqrt();
        let w = width * size;
        if [at.m31, at.m32, size, w].iter().all(|v| v.is_finite()) && size > 0.5 && page.glyphs.len() < 2_000_000 {
            page.glyphs.push(Glyph { x: at.m31, y: at.m32, w: w.max(0.), size, text: char.to_string() });
        }
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// A run of characters on one baseline with no gutter inside.
#[derive(Debug, Clone)]
struct Run {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    text: String,
}

impl Run {
    fn words(&self) -> usize {
        self.text.split_whitespace().count()
    }
}

/// A gap wider than this many font sizes between characters of a line separates runs (columns,
/// table cells); a word space is ~0.25–0.5.
const RUN_GAP: f64 = 1.2;

fn runs(page: &PageText) -> Vec<Run> {
    // Most producers write the spaces between words; then a gap without one is a glyph whose
    // width the file states wrongly (common in subset fonts), not a word break. Files without
    // space glyphs (TeX) part words by position only.
    let blanks = page.glyphs.iter().filter(|g| g.text.trim().is_empty()).count();
    let word_gap = if blanks * 20 >= page.glyphs.len() { 0.6 } else { 0.15 };
    let mut out: Vec<Run> = Vec::new();
    let mut space = false;
    for g in &page.glyphs {
        let blank = g.text.trim().is_empty();
        if let Some(r) = out.last_mut() {
            let same_line = (g.y - r.y).abs() < 0.35 * r.size.max(g.size);
            let gap = g.x - r.x1;
            let continues = same_line && gap > -0.6 * g.size && gap < RUN_GAP * r.size.max(g.size);
            if continues {
                if blank {
                    space = true;
                    r.x1 = r.x1.max(g.x + g.w);
                    continue;
                }
                if (space || gap > word_gap * g.size) && !r.text.ends_with(' ') {
                    r.text.push(' ');
                }
                r.text.push_str(&g.text);
                r.x1 = r.x1.max(g.x + g.w);
                r.size = r.size.max(g.size);
                space = false;
                continue;
            }
        }
        space = false;
        if blank {
            continue;
        }
        out.push(Run { x0: g.x, x1: g.x + g.w, y: g.y, size: g.size, text: g.text.clone() });
    }
    for r in out.iter_mut() {
        r.text = r.text.trim().to_string();
    }
    out.retain(|r| !r.text.is_empty());
    out
}

/// Digits folded, so "Page 3" and "Page 4" are the same furniture.
fn furniture_key(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect::<String>().to_lowercase()
}

/// The margin share of a page where running headers, footers and page numbers live.
const MARGIN: f64 = 0.08;

fn in_margin(r: &Run, height: f64) -> bool {
    r.y < height * MARGIN || r.y > height * (1. - MARGIN)
}

/// Drops page numbers and lines repeated in the margins of several pages.
fn drop_furniture(pages: &mut [(u32, f64, Vec<Run>)]) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (_, h, runs) in pages.iter() {
        let keys: std::collections::HashSet<String> = runs.iter().filter(|r| in_margin(r, *h)).map(|r| furniture_key(&r.text)).collect();
        for k in keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    let several = pages.len() >= 2;
    for (_, h, runs) in pages.iter_mut() {
        runs.retain(|r| {
            if !in_margin(r, *h) {
                return true;
            }
            let only_numbers = !r.text.chars().any(char::is_alphabetic);
            let repeated = several && seen.get(&furniture_key(&r.text)).copied().unwrap_or(0) >= 2;
            !(only_numbers || repeated)
        });
    }
}

/// The x positions of column gutters on a page: vertical strips at least a word space wide that
/// few runs cross (a title or a footer may span the columns; at most a quarter of the runs do),
/// accepted only when every column between them holds at least three runs of prose (four words or
/// more) — table cells and a form's labels are not columns.
fn gutters(runs: &[Run]) -> Vec<f64> {
    let (Some(left), Some(right)) = (
        runs.iter().map(|r| r.x0).min_by(f64::total_cmp),
        runs.iter().map(|r| r.x1).max_by(f64::total_cmp),
    ) else {
        return Vec::new();
    };
    let mut sizes: Vec<f64> = runs.iter().map(|r| r.size).collect();
    sizes.sort_by(f64::total_cmp);
    let size = sizes[sizes.len() / 2];
    let allowed = runs.len() / 4;
    let mut cuts = Vec::new();
    let mut strip: Option<f64> = None;
    let mut x = left.floor();
    while x <= right {
        let crossing = runs.iter().filter(|r| r.x0 < x && r.x1 > x).count();
        let open = crossing <= allowed && x > left && x < right;
        match (open, strip) {
            (true, None) => strip = Some(x),
            (false, Some(start)) => {
                // A ragged right margin is no gutter: there must be text on both sides.
                let beside = |f: &dyn Fn(&Run) -> bool| runs.iter().filter(|r| f(r)).count() >= 3;
                if x - start >= 0.8 * size && beside(&|r| r.x1 <= x - 1.) && beside(&|r| r.x0 >= start) {
                    cuts.push((start + x) / 2.);
                }
                strip = None;
            }
            _ => {}
        }
        x += 1.;
    }
    if cuts.is_empty() {
        return cuts;
    }
    let mut bounds = vec![f64::NEG_INFINITY];
    bounds.extend(&cuts);
    bounds.push(f64::INFINITY);
    let prose_columns = bounds.windows(2).all(|w| runs.iter().filter(|r| r.x0 >= w[0] && r.x1 <= w[1] && r.words() >= 4).count() >= 3);
    if prose_columns { cuts } else { Vec::new() }
}

/// A line of text in reading order, with what paragraphs and headings are decided on.
#[derive(Debug, Clone)]
struct Line {
    y: f64,
    size: f64,
    text: String,
    /// The column (0 when the page has one, or the line spans the columns).
    column: usize,
}

/// Runs → lines on shared baselines, ordered top to bottom then left to right.
fn lines_of(mut runs: Vec<Run>, column: usize) -> Vec<Line> {
    runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let mut lines: Vec<(f64, f64, Vec<Run>)> = Vec::new();
    for r in runs {
        match lines.last_mut() {
            Some((y, size, rs)) if (r.y - *y).abs() < 0.35 * size.max(r.size) => {
                *size = size.max(r.size);
                rs.push(r);
            }
            _ => lines.push((r.y, r.size, vec![r])),
        }
    }
    lines
        .into_iter()
        .map(|(y, size, mut rs)| {
            rs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            Line { y, size, text: rs.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join(" "), column }
        })
        .collect()
}

/// One page's lines in reading order: with columns, the runs between two spanning lines are read
/// column by column.
fn reading_order(runs: Vec<Run>) -> Vec<Line> {
    let cuts = gutters(&runs);
    if cuts.is_empty() {
        return lines_of(runs, 0);
    }
    let column_of = |r: &Run| -> Option<usize> {
        if cuts.iter().any(|c| r.x0 < *c && r.x1 > *c) {
            None
        } else {
            Some(cuts.iter().filter(|c| r.x0 >= **c).count() + 1)
        }
    };
    let mut sorted = runs;
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y));
    let mut out = Vec::new();
    let mut pending: Vec<Vec<Run>> = vec![Vec::new(); cuts.len() + 2];
    let flush = |pending: &mut Vec<Vec<Run>>, out: &mut Vec<Line>| {
        for (c, runs) in pending.iter_mut().enumerate() {
            out.extend(lines_of(std::mem::take(runs), c));
        }
    };
    for r in sorted {
        match column_of(&r) {
            Some(c) => pending[c].push(r),
            None => {
                flush(&mut pending, &mut out);
                out.extend(lines_of(vec![r], 0));
            }
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// The size most characters are set in (to a quarter point).
fn body_size(pages: &[(u32, f64, Vec<Run>)]) -> f64 {
    let mut count: std::collections::BTreeMap<i64, usize> = std::collections::BTreeMap::new();
    for (_, _, runs) in pages {
        for r in runs {
            *count.entry((r.size * 4.).round() as i64).or_default() += r.text.chars().count();
        }
    }
    count.into_iter().max_by_key(|(k, n)| (*n, -*k)).map(|(k, _)| k as f64 / 4.).unwrap_or(10.)
}

/// A line set this much larger than the body text is a heading (when it is short).
const HEADING_RATIO: f64 = 1.15;

fn is_heading(line: &Line, body: f64) -> bool {
    line.size >= HEADING_RATIO * body && line.text.split_whitespace().count() <= 12 && line.text.chars().any(char::is_alphabetic)
}

/// Joins a paragraph's next line: a hyphen at a line end before a lower-case letter joins the word.
fn join_line(para: &mut String, next: &str) {
    if para.is_empty() {
        para.push_str(next);
        return;
    }
    let broken_word = para.ends_with('-')
        && para.chars().rev().nth(1).is_some_and(char::is_alphabetic)
        && next.chars().next().is_some_and(char::is_lowercase);
    if broken_word {
        para.pop();
    } else {
        para.push(' ');
    }
    para.push_str(next);
}

/// Pages of positioned characters → blocks: `Page(n)`, then headings and paragraphs in reading order.
pub fn lay_out(pages: &[PageText]) -> Vec<Block> {
    let mut runs: Vec<(u32, f64, Vec<Run>)> = pages.iter().map(|p| (p.number, p.height, runs(p))).collect();
    drop_furniture(&mut runs);
    let body = body_size(&runs);
    // Heading levels by size, largest first, over the whole document.
    let mut heading_sizes: Vec<i64> = Vec::new();
    let ordered: Vec<(u32, Vec<Line>)> = runs.into_iter().map(|(n, _, r)| (n, reading_order(r))).collect();
    for (_, lines) in &ordered {
        for l in lines.iter().filter(|l| is_heading(l, body)) {
            let k = (l.size * 2.).round() as i64;
            if !heading_sizes.contains(&k) {
                heading_sizes.push(k);
            }
        }
    }
    heading_sizes.sort_by(|a, b| b.cmp(a));
    let level_of = |size: f64| -> u8 {
        let k = (size * 2.).round() as i64;
        (heading_sizes.iter().position(|s| *s == k).unwrap_or(0) as u8 + 1).min(3)
    };

    let mut blocks = Vec::new();
    for (number, lines) in ordered {
        blocks.push(Block::Page(number));
        let mut para = String::new();
        let mut prev: Option<&Line> = None;
        // The usual distance between baselines of a paragraph's lines.
        let mut steps: Vec<f64> = lines.windows(2).filter(|w| w[0].column == w[1].column).map(|w| w[1].y - w[0].y).filter(|d| *d > 0.).collect();
        steps.sort_by(f64::total_cmp);
        let leading = steps.get(steps.len() / 2).copied().unwrap_or(body * 1.2);
        for line in &lines {
            if is_heading(line, body) {
                if !para.is_empty() {
                    blocks.push(Block::Para(std::mem::take(&mut para)));
                }
                blocks.push(Block::Heading { level: level_of(line.size), text: line.text.clone(), dated: None });
                prev = None;
                continue;
            }
            if let Some(p) = prev {
                let new_para = if p.column != line.column {
                    // A paragraph may run on into the next column: it does unless the last line ended a sentence.
                    p.text.ends_with(['.', '!', '?', ':', '。'])
                } else {
                    let step = line.y - p.y;
                    step > leading * 1.3 + 0.1 * body || step < 0. || (line.size - p.size).abs() > 0.15 * body
                };
                if new_para && !para.is_empty() {
                    blocks.push(Block::Para(std::mem::take(&mut para)));
                }
            }
            join_line(&mut para, &line.text);
            prev = Some(line);
        }
        if !para.is_empty() {
            blocks.push(Block::Para(para));
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Characters of `text` set from `x` on baseline `y` in a font whose glyphs are half as wide as tall.
    fn set(glyphs: &mut Vec<Glyph>, x: f64, y: f64, size: f64, text: &str) {
        for (i, c) in text.chars().enumerate() {
            glyphs.push(Glyph { x: x + i as f64 * size * 0.5, y, w: size * 0.5, size, text: c.to_string() });
        }
    }

    fn page(number: u32, lines: &[(f64, f64, f64, &str)]) -> PageText {
        let mut glyphs = Vec::new();
        for (x, y, size, text) in lines {
            set(&mut glyphs, *x, *y, *size, text);
        }
        PageText { number, height: 800., glyphs }
    }

    fn texts(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Page(n) => format!("[p{n}]"),
                Block::Heading { level, text, .. } => format!("H{level} {text}"),
                Block::Para(p) => p.clone(),
            })
            .collect()
    }

    #[test]
    fn two_columns_are_read_column_by_column_under_a_spanning_title() {
        let p = page(1, &[
            (40., 60., 18., "Field notes from the river survey"),
            // The columns share baselines, as a two-column layout does.
            (40., 100., 10., "The left column starts with"),
            (320., 100., 10., "The right column begins its"),
            (40., 112., 10., "a first sentence that runs"),
            (320., 112., 10., "own story about the bridge"),
            (40., 124., 10., "over several lines of text."),
            (320., 124., 10., "and the ferry on the far bank."),
            (290., 780., 10., "3"),
        ]);
        let blocks = lay_out(&[p]);
        assert_eq!(texts(&blocks), [
            "[p1]",
            "H1 Field notes from the river survey",
            "The left column starts with a first sentence that runs over several lines of text.",
            "The right column begins its own story about the bridge and the ferry on the far bank.",
        ]);
    }

    #[test]
    fn a_paragraph_runs_on_into_the_next_column() {
        let p = page(1, &[
            (40., 100., 10., "Words of one long paragraph"),
            (320., 100., 10., "continue here at the top of"),
            (40., 112., 10., "that has not ended when the"),
            (320., 112., 10., "the second column and end."),
            (40., 124., 10., "first column reaches its foot"),
            (320., 124., 10., "Then a new sentence starts."),
        ]);
        let t = texts(&lay_out(&[p]));
        assert!(t[1].contains("its foot continue here"), "{t:?}");
    }

    #[test]
    fn a_table_of_short_cells_stays_in_rows() {
        let p = page(1, &[
            (40., 100., 10., "Name"),
            (200., 100., 10., "Ana Lindqvist"),
            (40., 112., 10., "Phone"),
            (200., 112., 10., "+46 70 123 45 67"),
            (40., 124., 10., "City"),
            (200., 124., 10., "Örebro"),
        ]);
        assert_eq!(texts(&lay_out(&[p]))[1], "Name Ana Lindqvist Phone +46 70 123 45 67 City Örebro");
    }

    #[test]
    fn hyphens_at_line_ends_join_words_and_gaps_part_paragraphs() {
        let p = page(1, &[
            (40., 100., 10., "We planted the new plum trees in"),
            (40., 112., 10., "early spring, after long discus-"),
            (40., 124., 10., "sions with the neighbours."),
            (40., 150., 10., "A second paragraph, later."),
        ]);
        assert_eq!(texts(&lay_out(&[p]))[1..], [
            "We planted the new plum trees in early spring, after long discussions with the neighbours.",
            "A second paragraph, later.",
        ]);
    }

    #[test]
    fn running_headers_and_page_numbers_are_dropped_and_pages_marked() {
        let pages: Vec<PageText> = (1..=2)
            .map(|n| {
                let number = format!("Page {n} of 2");
                let body = if n == 1 { "The first page says this." } else { "The second page says that." };
                page(n, &[(40., 30., 9., "Annual garden club letter"), (40., 100., 10., body), (40., 780., 9., &number)])
            })
            .collect();
        assert_eq!(texts(&lay_out(&pages)), ["[p1]", "The first page says this.", "[p2]", "The second page says that."]);
    }

    #[test]
    fn spaces_come_from_gaps_and_space_glyphs_alike() {
        // No space glyphs at all: words set apart by position only.
        let mut glyphs = Vec::new();
        set(&mut glyphs, 40., 100., 10., "Tack");
        set(&mut glyphs, 64., 100., 10., "så");
        set(&mut glyphs, 80., 100., 10., "mycket.");
        let t = texts(&lay_out(&[PageText { number: 1, height: 800., glyphs }]));
        assert_eq!(t[1], "Tack så mycket.");
    }

    #[test]
    fn broken_and_foreign_bytes_are_clear_errors() {
        let e = parse_pdf(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF").unwrap_err();
        assert!(matches!(e, ImportErrorKind::Malformed { format: "PDF", .. }), "{e:?}");
        assert!(matches!(parse_pdf(&[0xff; 64]), Err(ImportErrorKind::Malformed { .. })));
        assert!(is_pdf("", b"%PDF-1.4\n") && is_pdf("pdf", b"") && !is_pdf("txt", b"notes about %PDF-1.4 files"));
    }
}
