//! Plain text (`.txt`, `.text`, `.log`): paragraphs split on blank lines; a short ALL-CAPS line
//! opening a paragraph (`EXPERIENCE`) is taken as a heading; `====` rulers are dropped.

use super::{paragraphs, Block, Document, Importer};
use crate::memory::{ImportErrorKind, SourceKind};

pub struct TxtImporter;

fn is_caps_heading(line: &str) -> bool {
    let t = line.trim();
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 3
        && t.split_whitespace().count() <= 6
        && !t.chars().any(|c| c.is_lowercase())
        && !t.contains(':')
        && !t.contains('@')
}

fn is_ruler(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3 && t.chars().all(|c| matches!(c, '=' | '-' | '_' | '*' | '~'))
}

/// A line underlined by `====` or `----` (the setext convention of plain text and Markdown),
/// at most a dozen words and not itself a ruler: its level (1 for `=`, 2 for `-`).
fn underlined(line: &str, next: Option<&&str>) -> Option<u8> {
    let t = line.trim();
    let under = next.map(|n| n.trim()).filter(|n| is_ruler(n))?;
    if t.is_empty() || is_ruler(t) || t.split_whitespace().count() > 12 {
        return None;
    }
    match under.chars().next() {
        Some('=') => Some(1),
        Some('-') => Some(2),
        _ => None,
    }
}

/// Text → document (shared with `.eml` bodies).
pub fn parse_text(text: &str) -> Document {
    let mut blocks = Vec::new();
    for p in paragraphs(text) {
        let all: Vec<&str> = p.lines().collect();
        // `Tenancy summary` over `===============`: a heading, the lines after it its text.
        if let Some(level) = underlined(all[0], all.get(1)) {
            blocks.push(Block::Heading { level, text: all[0].trim().to_string(), dated: None });
            let rest: Vec<&str> = all[2..].iter().copied().filter(|l| !is_ruler(l)).collect();
            if !rest.is_empty() {
                blocks.push(Block::Para(rest.join("\n")));
            }
            continue;
        }
        let lines: Vec<&str> = p.lines().filter(|l| !is_ruler(l)).collect();
        let Some(first) = lines.first() else { continue };
        if is_caps_heading(first) {
            blocks.push(Block::Heading { level: 2, text: first.trim().to_string(), dated: None });
            if lines.len() > 1 {
                blocks.push(Block::Para(lines[1..].join("\n")));
            }
        } else {
            blocks.push(Block::Para(lines.join("\n")));
        }
    }
    Document { title: None, dated: None, blocks }
}

impl Importer for TxtImporter {
    fn kind(&self) -> SourceKind {
        SourceKind::Text
    }
    fn accepts(&self, ext: &str, _text: &str) -> bool {
        matches!(ext, "txt" | "text" | "log")
    }
    fn parse(&self, _name: &str, text: &str) -> Result<Document, ImportErrorKind> {
        let doc = parse_text(text);
        if doc.blocks.is_empty() {
            return Err(ImportErrorKind::Empty);
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_lines_become_headings() {
        let d = parse_text("JANE DOE\nEngineer\n\n=====\nEXPERIENCE\nAcme Ltd, 2020 - present\n\nplain para.\n");
        assert_eq!(d.blocks[0], Block::Heading { level: 2, text: "JANE DOE".into(), dated: None });
        assert_eq!(d.blocks[1], Block::Para("Engineer".into()));
        assert_eq!(d.blocks[2], Block::Heading { level: 2, text: "EXPERIENCE".into(), dated: None });
        assert_eq!(d.blocks[4], Block::Para("plain para.".into()));
    }

    #[test]
    fn underlined_lines_become_headings() {
        let d = parse_text("Allotment plot (notes for the club)\n==================================\n\nPlot 14, rented since 2019.\n");
        assert_eq!(d.blocks[0], Block::Heading { level: 1, text: "Allotment plot (notes for the club)".into(), dated: None });
        assert_eq!(d.blocks[1], Block::Para("Plot 14, rented since 2019.".into()));
        let d = parse_text("Seeds to order\n--------------\nleeks, chard\n");
        assert_eq!(d.blocks[0], Block::Heading { level: 2, text: "Seeds to order".into(), dated: None });
        assert_eq!(d.blocks[1], Block::Para("leeks, chard".into()));
        // A long line over a ruler is a paragraph, not a title.
        let d = parse_text("This line is a whole sentence of many words that goes on past any title's length.\n-----\n");
        assert!(matches!(&d.blocks[0], Block::Para(_)), "{:?}", d.blocks);
    }

    #[test]
    fn empty_or_blank_text_is_an_error() {
        assert_eq!(TxtImporter.parse("a.txt", "  \n\n \n"), Err(ImportErrorKind::Empty));
        assert!(TxtImporter.accepts("txt", "") && !TxtImporter.accepts("md", ""));
    }
}
