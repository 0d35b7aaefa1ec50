//! `secondself bench pdf`: reading a PDF's text, ours against pdf.js. Ours is the engine's
//! importer (`memory::import::pdf`: pdf-extract's characters, then our layout, headings and
//! reading order) — the same code the extension runs in wasm; the peer is pdf.js
//! (`pdfjs-dist`, Mozilla's reader, under Node, `getTextContent` on every page: text items with
//! no layout). Both read the same file, natively, one after the other in one run; the figure is
//! the ratio of their median times.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args as ClapArgs;
use secondself::sample_pdf::{line, write, Options, Page};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// A PDF to read (default: a generated one, two columns of prose a page).
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Pages of the generated PDF.
    #[arg(long, default_value_t = 60)]
    pub pages: usize,
    /// Runs of each reader (the median is reported).
    #[arg(long, default_value_t = 7)]
    pub runs: usize,
}

/// A page of two columns, 48 lines each, of invented prose.
fn generated(pages: usize) -> Vec<u8> {
    const WORDS: [&str; 16] = ["the", "garden", "river", "meeting", "spring", "letters", "walked", "early", "bridge", "quiet", "paint", "orders", "market", "winter", "tea", "north"];
    let pages: Vec<Page> = (0..pages)
        .map(|p| {
            let mut lines = vec![line(56., 60., 16., &format!("Chapter {}", p + 1))];
            for col in 0..2 {
                for l in 0..48 {
                    let text: Vec<&str> = (0..7).map(|w| WORDS[(p * 31 + col * 17 + l * 7 + w * 5) % WORDS.len()]).collect();
                    lines.push(line(56. + col as f64 * 250., 90. + l as f64 * 14., 10., &format!("{}.", text.join(" "))));
                }
            }
            Page::Text(lines)
        })
        .collect();
    write(&pages, &Options::default())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

pub fn run(args: Args) -> Result<()> {
    let runs = args.runs.max(1);
    let tmp = tempfile::tempdir()?;
    let path = match &args.file {
        Some(f) => f.clone(),
        None => {
            let p = tmp.path().join("generated.pdf");
            std::fs::write(&p, generated(args.pages))?;
            p
        }
    };
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut ours = Vec::new();
    let mut chars = 0;
    let mut pages = 0;
    for _ in 0..runs {
        let t0 = std::time::Instant::now();
        let doc = secondself_engine::memory::import::pdf::parse_pdf(&bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
        ours.push(t0.elapsed().as_secs_f64() * 1000.0);
        pages = doc.blocks.iter().filter(|b| matches!(b, secondself_engine::memory::import::Block::Page(_))).count();
        chars = doc.blocks.iter().map(|b| match b {
            secondself_engine::memory::import::Block::Para(p) => p.chars().filter(|c| !c.is_whitespace()).count(),
            secondself_engine::memory::import::Block::Heading { text, .. } => text.chars().filter(|c| !c.is_whitespace()).count(),
            _ => 0,
        }).sum::<usize>();
    }
    let (peer, peer_pages, peer_chars) = super::bench_peers::pdfjs_text(&path, runs)?;
    let (a, b) = (median(ours), median(peer));
    println!("PDF: {} ({} bytes, {pages} pages), {runs} runs each, medians", path.display(), bytes.len());
    println!("| reader | ms | pages/s | characters read |");
    println!("|---|---|---|---|");
    println!("| SecondSelf (pdf-extract + our layout) | {a:.1} | {:.0} | {chars} (non-space) |", pages as f64 / (a / 1000.0));
    println!("| pdf.js {} (getTextContent) | {b:.1} | {:.0} | {peer_chars} (items, spaces included) |", "6.5.438", peer_pages as f64 / (b / 1000.0));
    println!("ratio (pdf.js time / ours): {:.2}x", b / a);
    Ok(())
}
