//! Markdown (`.md`, `.markdown`): `#` headings become headings, other blocks paragraphs;
//! emphasis markers and task boxes are dropped, list and table lines kept one per line.
//! Also parses typed notes.

use super::{paragraphs, Block, Document, Importer};
use crate::memory::{ImportErrorKind, SourceKind};

pub struct MarkdownImporter;

fn clean(line: &str) -> String {
    line.replace("**", "").replace("__", "").replace('`', "").replace("- [ ] ", "- ").replace("- [x] ", "- (done) ")
}

/// Markdown text → document.
pub fn parse_markdown(text: &str) -> Document {
    let mut blocks = Vec::new();
    let mut in_code = false;
    for p in paragraphs(text) {
        let mut para: Vec<String> = Vec::new();
        for line in p.lines() {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
                continue;
            }
            let t = line.trim_start();
            let hashes = t.chars().take_while(|c| *c == '#').count();
            if !in_code && (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
                if !para.is_empty() {
                    blocks.push(Block::Para(para.join("\n")));
                    para.clear();
                }
                blocks.push(Block::Heading { level: hashes as u8, text: clean(t[hashes..].trim()), dated: None });
            } else if !(t.starts_with("|-") || t.starts_with("|:") || t.starts_with("| -") || t == "---") {
                para.push(clean(line));
            }
        }
        if !para.is_empty() {
            blocks.push(Block::Para(para.join("\n")));
        }
    }
    Document { title: None, dated: None, blocks }
}

impl Importer for MarkdownImporter {
    fn kind(&self) -> SourceKind {
        SourceKind::Markdown
    }
    fn accepts(&self, ext: &str, _text: &str) -> bool {
        matches!(ext, "md" | "markdown")
    }
    fn parse(&self, _name: &str, text: &str) -> Result<Document, ImportErrorKind> {
        let doc = parse_markdown(text);
        if doc.blocks.iter().all(|b| !matches!(b, Block::Para(_))) {
            return Err(ImportErrorKind::Empty);
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_and_tables() {
        let d = parse_markdown("# Trip\nintro **bold** line\n\n## Packing\n- [ ] passport\n- [x] socks\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert_eq!(d.blocks[0], Block::Heading { level: 1, text: "Trip".into(), dated: None });
        assert_eq!(d.blocks[1], Block::Para("intro bold line".into()));
        assert_eq!(d.blocks[3], Block::Para("- passport\n- (done) socks".into()));
        assert_eq!(d.blocks[4], Block::Para("| a | b |\n| 1 | 2 |".into()));
    }

    #[test]
    fn headings_only_is_empty() {
        assert_eq!(MarkdownImporter.parse("a.md", "# Just a title\n"), Err(ImportErrorKind::Empty));
    }

    #[test]
    fn code_fences_do_not_make_headings() {
        let d = parse_markdown("```\n# not a heading\n```\ntext\n");
        assert!(d.blocks.iter().all(|b| !matches!(b, Block::Heading { .. })));
    }
}
