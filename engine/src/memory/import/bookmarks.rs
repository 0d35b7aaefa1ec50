//! Bookmarks: the Netscape bookmark file every browser exports (`bookmarks.html`, `<!DOCTYPE
//! NETSCAPE-Bookmark-file-1>`) and the extension writes from the browser's own bookmarks at the
//! user's click. Each folder becomes a heading (nested as the folders are), dated by its newest
//! bookmark; each bookmark a line `title — address (saved YYYY-MM-DD)` with its note. The same
//! bookmarks give the same bytes, so importing them again changes nothing.

use super::html::decode_entities;
use super::{Block, Document, Importer};
use crate::memory::{date, ImportErrorKind, SourceKind, Timestamp};

pub struct BookmarksImporter;

const MARK: &str = "NETSCAPE-Bookmark-file-1";

/// One folder's heading and its bookmarks, in file order.
struct Folder {
    depth: u8,
    name: String,
    lines: Vec<String>,
    newest: Option<Timestamp>,
}

/// `ADD_DATE="…"` of a tag, in seconds (some browsers write milli- or microseconds).
fn added(attrs: &str) -> Option<Timestamp> {
    let v = attr(attrs, "add_date")?.parse::<i64>().ok().filter(|v| *v > 0)?;
    Some(match v {
        v if v > 100_000_000_000_000 => v / 1_000_000,
        v if v > 100_000_000_000 => v / 1_000,
        v => v,
    })
}

/// The value of attribute `name` (lower case) in a tag's attribute text.
fn attr(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_lowercase();
    let at = lower.find(&format!("{name}="))? + name.len() + 1;
    let rest = &attrs[at..];
    let value = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next()?,
        _ => rest.split(|c: char| c.is_whitespace() || c == '>').next()?,
    };
    Some(decode_entities(value))
}

/// The text up to the next tag, entities decoded and spaces collapsed.
fn text_until_tag(s: &str) -> String {
    let end = s.find('<').unwrap_or(s.len());
    decode_entities(&s[..end]).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses a Netscape bookmark file.
pub fn parse_bookmarks(text: &str) -> Result<Document, ImportErrorKind> {
    let mut folders: Vec<Folder> = vec![Folder { depth: 1, name: "Bookmarks".into(), lines: Vec::new(), newest: None }];
    // The open folders: index into `folders` for each `<DL>` level (the top level is folder 0).
    let mut open: Vec<usize> = Vec::new();
    let mut pending: Option<usize> = None;
    let mut last_link: Option<(usize, usize)> = None;
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[..gt];
        let after = &rest[gt + 1..];
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
        let closing = tag.starts_with('/');
        match (name.as_str(), closing) {
            ("dl", false) => open.push(pending.take().unwrap_or(0)),
            ("dl", true) => {
                open.pop();
            }
            ("h3", false) => {
                let depth = (open.len() as u8 + 1).min(6);
                folders.push(Folder { depth, name: text_until_tag(after), lines: Vec::new(), newest: added(tag) });
                pending = Some(folders.len() - 1);
                last_link = None;
            }
            ("a", false) => {
                let Some(href) = attr(tag, "href").filter(|h| !h.is_empty()) else { continue };
                let title = text_until_tag(after);
                let when = added(tag);
                let folder = open.last().copied().unwrap_or(0);
                let saved = when.map(|w| format!(" (saved {})", date::iso_date(w))).unwrap_or_default();
                let line = if title.is_empty() || title == href { format!("{href}{saved}") } else { format!("{title} — {href}{saved}") };
                let f = &mut folders[folder];
                f.lines.push(line);
                f.newest = f.newest.max(when);
                last_link = Some((folder, f.lines.len() - 1));
            }
            // A bookmark's note follows it.
            ("dd", false) => {
                let note = text_until_tag(after);
                if let (Some((f, i)), false) = (last_link, note.is_empty()) {
                    let line = &mut folders[f].lines[i];
                    line.push_str(&format!("\n{note}"));
                }
            }
            _ => {}
        }
        rest = after;
    }
    let mut doc = Document { title: Some("Bookmarks".into()), dated: None, blocks: Vec::new() };
    for f in &folders {
        if f.lines.is_empty() {
            continue;
        }
        doc.blocks.push(Block::Heading { level: f.depth, text: if f.name.is_empty() { "Bookmarks".into() } else { f.name.clone() }, dated: f.newest });
        doc.blocks.push(Block::Para(f.lines.join("\n")));
        doc.dated = doc.dated.max(f.newest);
    }
    if doc.blocks.is_empty() {
        return Err(ImportErrorKind::Empty);
    }
    Ok(doc)
}

impl Importer for BookmarksImporter {
    fn kind(&self) -> SourceKind {
        SourceKind::Bookmarks
    }
    fn accepts(&self, ext: &str, text: &str) -> bool {
        matches!(ext, "html" | "htm") && text.get(..text.len().min(512)).is_some_and(|head| head.contains(MARK))
    }
    fn parse(&self, _name: &str, text: &str) -> Result<Document, ImportErrorKind> {
        parse_bookmarks(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file. -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 ADD_DATE="1700000000" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
    <DL><p>
        <DT><A HREF="https://example.org/kayak-hire" ADD_DATE="1717200000">Kayak hire &amp; tours</A>
        <DD>Ask for the two-seater
        <DT><H3 ADD_DATE="1700000001">Allotment</H3>
        <DL><p>
            <DT><A HREF="https://example.net/seed-calendar" ADD_DATE="1709251200000">Seed calendar</A>
        </DL><p>
    </DL><p>
    <DT><A HREF="https://example.com/loose">https://example.com/loose</A>
</DL><p>
"#;

    #[test]
    fn folders_become_headings_and_bookmarks_dated_lines() {
        let d = parse_bookmarks(FILE).unwrap();
        let texts: Vec<String> = d.blocks.iter().map(|b| match b { Block::Heading { level, text, dated } => format!("H{level}:{text}:{}", dated.map(date::iso_date).unwrap_or_default()), Block::Para(p) => p.clone(), Block::Page(n) => format!("[p{n}]") }).collect();
        assert_eq!(texts[0], "H1:Bookmarks:");
        assert_eq!(texts[1], "https://example.com/loose");
        assert_eq!(texts[2], "H2:Bookmarks bar:2024-06-01");
        assert_eq!(texts[3], "Kayak hire & tours — https://example.org/kayak-hire (saved 2024-06-01)\nAsk for the two-seater");
        // A nested folder is a deeper heading; a date in milliseconds is read as one.
        assert_eq!(texts[4], "H3:Allotment:2024-03-01");
        assert_eq!(texts[5], "Seed calendar — https://example.net/seed-calendar (saved 2024-03-01)");
        assert_eq!(d.dated, date::from_iso("2024-06-01"));
    }

    #[test]
    fn only_netscape_files_and_nothing_empty() {
        assert!(BookmarksImporter.accepts("html", FILE));
        assert!(!BookmarksImporter.accepts("html", "<html><body><a href='x'>x</a></body></html>"));
        assert_eq!(parse_bookmarks("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n</DL>"), Err(ImportErrorKind::Empty));
        // A broken file (a tag never closed) loses nothing before the break, and does not panic.
        assert!(parse_bookmarks("<!DOCTYPE NETSCAPE-Bookmark-file-1><DL><DT><A HREF=\"https://example.org/a\">A</A><DT><A HREF=\"https").is_ok());
    }
}
