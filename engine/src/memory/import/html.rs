//! HTML pages and web clips (`.html`, `.htm`): readable text only. Headings become headings;
//! paragraphs, list items, table rows, blockquotes and `div`s with text become paragraphs;
//! `script`, `style`, `nav`, `header`, `footer`, `aside`, `form`, `noscript`, `svg` are dropped.
//! The `<title>` is the document title; `<meta name="clipped-at">` (our clipper) or
//! `article:published_time` dates it. Parsed with `tl` (pure Rust, builds for wasm32).

use super::{Block, Document, Importer};
use crate::memory::{date, ImportErrorKind, SourceKind};

pub struct HtmlImporter;

const SKIP: &[&str] = &["script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "template", "head", "button", "select", "iframe"];
const BLOCKS: &[&str] = &["p", "li", "tr", "blockquote", "pre", "dd", "dt", "figcaption", "td", "th", "caption"];

pub(super) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let ent = &tail[1..end];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" | "#39" => Some('\''),
            "nbsp" => Some(' '),
            "ndash" => Some('–'),
            "mdash" => Some('—'),
            "hellip" => Some('…'),
            "pound" => Some('£'),
            "euro" => Some('€'),
            _ if ent.starts_with("#x") || ent.starts_with("#X") => u32::from_str_radix(&ent[2..], 16).ok().and_then(char::from_u32),
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Walker<'a> {
    parser: &'a tl::Parser<'a>,
    blocks: Vec<Block>,
    title: Option<String>,
    dated: Option<crate::memory::Timestamp>,
}

impl Walker<'_> {
    /// Text of a node, skipping non-content elements; table cells separated by " | ".
    fn text(&self, node: &tl::Node, out: &mut String, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match node {
            tl::Node::Raw(b) => {
                out.push_str(&decode_entities(&b.as_utf8_str()));
            }
            tl::Node::Tag(t) => {
                let name = t.name().as_utf8_str().to_ascii_lowercase();
                if SKIP.contains(&name.as_str()) {
                    return;
                }
                if name == "br" {
                    out.push('\n');
                }
                let cell = name == "td" || name == "th";
                for h in t.children().top().iter() {
                    if let Some(n) = h.get(self.parser) {
                        self.text(n, out, depth + 1);
                    }
                }
                if cell {
                    out.push_str(" | ");
                }
            }
            tl::Node::Comment(_) => {}
        }
    }

    fn walk(&mut self, node: &tl::Node, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let tl::Node::Tag(t) = node else {
            if let tl::Node::Raw(b) = node {
                let s = collapse(&decode_entities(&b.as_utf8_str()));
                if !s.is_empty() {
                    self.blocks.push(Block::Para(s));
                }
            }
            return;
        };
        let name = t.name().as_utf8_str().to_ascii_lowercase();
        if name == "head" {
            for h in t.children().top().iter() {
                if let Some(tl::Node::Tag(c)) = h.get(self.parser) {
                    let cn = c.name().as_utf8_str().to_ascii_lowercase();
                    if cn == "title" {
                        let s = collapse(&decode_entities(&c.inner_text(self.parser)));
                        if !s.is_empty() {
                            self.title = Some(s);
                        }
                    } else if cn == "meta" {
                        let attr = |k: &str| c.attributes().get(k).flatten().map(|v| v.as_utf8_str().to_string());
                        let key = attr("name").or_else(|| attr("property")).unwrap_or_default().to_ascii_lowercase();
                        if matches!(key.as_str(), "clipped-at" | "article:published_time" | "date") {
                            self.dated = self.dated.or_else(|| attr("content").and_then(|v| date::from_iso(&v)));
                        }
                    }
                }
            }
            return;
        }
        if SKIP.contains(&name.as_str()) {
            return;
        }
        if let Some(level) = name.strip_prefix('h').and_then(|l| l.parse::<u8>().ok()).filter(|l| (1..=6).contains(l)) {
            let mut s = String::new();
            self.text(node, &mut s, depth);
            let s = collapse(&s);
            if !s.is_empty() {
                self.blocks.push(Block::Heading { level, text: s, dated: None });
            }
            return;
        }
        if name == "title" {
            return;
        }
        if BLOCKS.contains(&name.as_str()) {
            let mut s = String::new();
            self.text(node, &mut s, depth);
            let s = collapse(s.trim().trim_end_matches('|'));
            if !s.is_empty() {
                self.blocks.push(Block::Para(s));
            }
            return;
        }
        for h in t.children().top().iter() {
            if let Some(n) = h.get(self.parser) {
                self.walk(n, depth + 1);
            }
        }
    }
}

/// How deep the walk follows nested elements. Real pages nest a few dozen levels; a hostile file
/// nests hundreds of thousands to exhaust the stack. Text deeper than this is left out.
const MAX_DEPTH: usize = 256;

impl Importer for HtmlImporter {
    fn kind(&self) -> SourceKind {
        SourceKind::Html
    }
    fn accepts(&self, ext: &str, _text: &str) -> bool {
        matches!(ext, "html" | "htm" | "xhtml")
    }
    fn parse(&self, _name: &str, text: &str) -> Result<Document, ImportErrorKind> {
        let dom = tl::parse(text, tl::ParserOptions::default())
            .map_err(|e| ImportErrorKind::Malformed { format: "HTML", detail: e.to_string() })?;
        let parser = dom.parser();
        let mut w = Walker { parser, blocks: vec![], title: None, dated: None };
        for h in dom.children() {
            if let Some(n) = h.get(parser) {
                w.walk(n, 0);
            }
        }
        // The title usually repeats the first h1; keep only one.
        if let (Some(t), Some(Block::Heading { text, .. })) = (&w.title, w.blocks.first()) {
            if text == t {
                w.title = None;
            }
        }
        if !w.blocks.iter().any(|b| matches!(b, Block::Para(_))) {
            return Err(ImportErrorKind::Empty);
        }
        Ok(Document { title: w.title, dated: w.dated, blocks: w.blocks })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_readable_text_drops_chrome() {
        let html = r#"<!DOCTYPE html><html><head><title>Guide &amp; tips</title>
            <meta name="clipped-at" content="2025-04-06T20:12:00+01:00"><style>p{}</style></head>
            <body><nav><a>Home</a></nav><script>var secret=1;</script>
            <article><h1>Eating out</h1><p>Try the <strong>tofu</strong>&nbsp;dish.</p>
            <ul><li>One</li><li>Two</li></ul>
            <table><tr><th>A</th><th>B</th></tr><tr><td>x</td><td>y</td></tr></table></article>
            <footer>© corp</footer><div class="note">My note</div></body></html>"#;
        let d = HtmlImporter.parse("a.html", html).unwrap();
        assert_eq!(d.title.as_deref(), Some("Guide & tips"));
        assert_eq!(d.dated, date::from_iso("2025-04-06T20:12"));
        let texts: Vec<String> = d.blocks.iter().map(|b| match b { Block::Heading { text, .. } => format!("H:{text}"), Block::Para(p) => p.clone(), Block::Page(n) => format!("[p{n}]") }).collect();
        assert_eq!(texts, ["H:Eating out", "Try the tofu dish.", "One", "Two", "A | B", "x | y", "My note"]);
        let all = texts.join(" ");
        assert!(!all.contains("secret") && !all.contains("Home") && !all.contains("corp") && !all.contains("p{}"));
    }

    #[test]
    fn hostile_nesting_does_not_exhaust_the_stack() {
        // A page nested far deeper than any real one: parsed in bounded depth, the text near the
        // top kept. Run on a small stack, as the engine's wasm stack is.
        let n = 200_000;
        let page = format!("<p>Kept near the top.</p>{}deep text{}", "<div>".repeat(n), "</div>".repeat(n));
        let doc = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || HtmlImporter.parse("deep.html", &page))
            .unwrap()
            .join()
            .expect("no stack overflow");
        let doc = doc.unwrap();
        assert!(doc.blocks.iter().any(|b| matches!(b, Block::Para(p) if p.contains("Kept near the top"))), "{:?}", doc.blocks);
    }

    #[test]
    fn no_text_is_an_error_and_garbage_does_not_panic() {
        assert_eq!(HtmlImporter.parse("a.html", "<html><script>x</script></html>"), Err(ImportErrorKind::Empty));
        let _ = HtmlImporter.parse("a.html", "<<<div <p </ &#xZZZZ; &#99999999; <h1>");
    }
}
