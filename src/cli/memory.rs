//! `secondself memory import|facts|search|ask`: the native memory store from the command line.
//!
//! The store lives in `<data dir>/memory` (`--data-dir`, default `$XDG_DATA_HOME/secondself` or
//! `~/.local/share/secondself`). `import` takes files and directories (recursively), imports each
//! file in its own transaction, prints one line per file (and a progress bar for big batches on
//! a terminal), then re-distils the profile. `facts` prints the current profile (sensitive
//! values masked unless `--show-sensitive`); `search` prints the top passages with provenance; `ask` answers a question
//! from memory (extractive unless `--model`), with its sources.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use clap::{Args as ClapArgs, Subcommand};
use secondself_engine::memory::import::{import_batch, InputFile, Outcome};
use secondself_engine::memory::native::NativeStore;
use secondself_engine::memory::store::Store;
use secondself_engine::memory::{date, l1, Fact, Sensitivity};
use secondself_engine::embed::Embedder;
use secondself_engine::retrieval::hits::{search_with, Hit, Mode};
use secondself_engine::error::EngineError;
use secondself_engine::generate::stream::GenerationParams;
use secondself_engine::service::{NativeHost, Service, Written};
use secondself_engine::tasks::memory_qa::{self, Asker};
use secondself_engine::tokenizer::ChatMessage;

/// `secondself memory …`
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Data directory (default: $XDG_DATA_HOME/secondself or ~/.local/share/secondself).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import files or directories (recursively) into memory.
    Import {
        /// Files and directories to import.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Do not embed the new chunks (they are then found by keywords only, until `memory embed`).
        #[arg(long)]
        no_embed: bool,
    },
    /// Embed the chunks that have no vector yet (imported with `--no-embed` or before embeddings).
    Embed,
    /// Print the current profile facts.
    Facts {
        /// Print sensitive values (ids, health, finances, home address) instead of masking them.
        #[arg(long)]
        show_sensitive: bool,
    },
    /// Search memory.
    Search {
        query: String,
        /// Number of results.
        #[arg(short = 'k', long, default_value_t = 10)]
        top: usize,
        /// Print sensitive values instead of masking them.
        #[arg(long)]
        show_sensitive: bool,
        /// Ranking: `hybrid` (keywords and meaning fused), `keywords` (BM25) or `meaning`
        /// (embeddings).
        #[arg(long, default_value = "hybrid", value_parser = ["hybrid", "keywords", "meaning"])]
        by: String,
        /// Print why each chunk ranks where it does.
        #[arg(long)]
        explain: bool,
    },
    /// Ask your memory a question, as the side panel's chat does: the answer, then its sources.
    Ask {
        question: String,
        /// Answer as to a third party (`--for "a recruiter"`): nothing sensitive is shared.
        #[arg(long = "for", value_name = "WHO")]
        asker: Option<String>,
        /// Let the L2 model write the answer (default: the extracted answer alone, no model).
        #[arg(long)]
        model: bool,
    },
}

/// The default data directory.
pub fn default_data_dir() -> Result<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|x| !x.is_empty()) {
        return Ok(PathBuf::from(x).join("secondself"));
    }
    let home = std::env::var_os("HOME").context("neither XDG_DATA_HOME nor HOME is set; pass --data-dir")?;
    Ok(PathBuf::from(home).join(".local/share/secondself"))
}

pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// All files under the given paths, sorted, hidden entries skipped inside directories; paths
/// that are not directories are returned as given (unreadable ones then fail one by one).
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        // A missing path is reported per file by the import, not fatal for the batch.
        if p.is_dir() {
            walk(p, &mut out).with_context(|| format!("cannot list {}", p.display()))?;
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = e.path();
        if e.file_type()?.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
        }
    Ok(())
}

fn input(path: &Path, shown: String) -> InputFile {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let bytes = if size > secondself_engine::memory::import::MAX_FILE_BYTES {
        Ok(Vec::new()) // refused on size without reading it
    } else {
        std::fs::read(path).map_err(|e| e.to_string())
    };
    InputFile { path: shown, bytes, size }
}

/// Imports files into a store; prints per-file lines unless `quiet`. Returns (ok, dup, failed).
pub fn import_paths(store: &mut NativeStore, files: &[PathBuf], base: Option<&Path>, quiet: bool) -> (usize, usize, usize) {
    let total = files.len();
    let bar = (!quiet && total >= 50 && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(total as u64);
        b.set_style(indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}").unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()));
        b
    });
    let inputs = files.iter().map(|p| {
        let shown = base.and_then(|b| p.strip_prefix(b).ok()).unwrap_or(p).display().to_string();
        input(p, shown)
    });
    let (mut ok, mut dup, mut failed) = (0, 0, 0);
    let results = pollster::block_on(import_batch(store, inputs, total, now(), |done, _, path, outcome| {
        let line = match outcome {
            Outcome::Imported { chunks, .. } => format!("imported  {path} ({chunks} chunk{})", if *chunks == 1 { "" } else { "s" }),
            Outcome::Duplicate { source_id } => format!("duplicate {path} (already imported as {source_id})"),
            Outcome::Failed(e) => format!("failed    {e}"),
        };
        if !quiet {
            match &bar {
                Some(b) => {
                    b.set_position(done as u64);
                    if matches!(outcome, Outcome::Failed(_)) {
                        b.println(line);
                    }
                }
                None => println!("{line}"),
            }
        }
    }));
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    for (_, o) in &results {
        match o {
            Outcome::Imported { .. } => ok += 1,
            Outcome::Duplicate { .. } => dup += 1,
            Outcome::Failed(_) => failed += 1,
        }
    }
    (ok, dup, failed)
}

fn mask(f: &Fact, show: bool) -> String {
    if f.sensitivity == Sensitivity::Sensitive && !show {
        "(sensitive, hidden: --show-sensitive)".into()
    } else {
        f.value.clone()
    }
}

/// The engine's service over a native store (what the extension runs), searching by meaning
/// with `embedder` and writing with `generate` when they are given.
pub fn service<'m>(store: &'m mut NativeStore, embedder: Option<&'m Embedder>, generate: Option<&'m mut crate::cli::eval_persona::Generate<'_>>) -> Service<NativeHost<'m>> {
    let mut host = NativeHost::new(store, now());
    if let Some(e) = embedder {
        host = host.with_meaning(Box::new(move |text: &str| crate::cli::embedder::meaning(e, text).map_err(|e| EngineError::Model(format!("embedding: {e:#}")))));
    }
    if let Some(g) = generate {
        host = host.with_model(Box::new(move |messages: &[ChatMessage], _: &GenerationParams| {
            g(messages).map(|text| Written { text, ..Written::default() }).map_err(|e| EngineError::Model(format!("{e:#}")))
        }));
    }
    Service::new(host)
}

/// Answers `question` from the store as the side panel's chat does: the model writes the
/// answer when given and the evidence needs it, else the extracted answer stands.
pub fn ask(store: &mut NativeStore, question: &str, asker: &Asker, generate: Option<&mut crate::cli::eval_persona::Generate>, embedder: Option<&Embedder>) -> Result<memory_qa::Answer> {
    let service = service(store, embedder, generate);
    Ok(pollster::block_on(service.ask(question, asker, &|_| {}))?.answer)
}

pub fn run(args: Args) -> Result<()> {
    let data_dir = match args.data_dir {
        Some(d) => d,
        None => default_data_dir()?,
    };
    let dir = data_dir.join("memory");
    let mut store = NativeStore::open(&dir).with_context(|| format!("opening the memory store in {}", dir.display()))?;
    match args.command {
        Command::Import { paths, no_embed } => {
            let files = collect_files(&paths)?;
            let (ok, dup, failed) = import_paths(&mut store, &files, None, false);
            let facts = pollster::block_on(l1::distil(&mut store, now())).context("distilling the profile")?;
            let embedded = if no_embed { 0 } else { crate::cli::embedder::embed_store(&mut store, &crate::cli::embedder::load()?, false)? };
            store.compact().context("compacting the memory store")?;
            println!("{ok} imported, {dup} duplicate, {failed} failed; profile has {} facts; {embedded} chunks embedded ({})", facts.len(), dir.display());
            if failed > 0 {
                bail!("{failed} of {} files could not be imported (see `failed` lines above); the others were stored", files.len());
            }
        }
        Command::Facts { show_sensitive } => {
            let facts = l1::resolve(&pollster::block_on(store.facts())?);
            if facts.is_empty() {
                println!("no facts yet: import something with `secondself memory import PATH…`");
            }
            let sources = pollster::block_on(store.sources())?;
            for f in &facts {
                let src = f
                    .source_chunk
                    .as_deref()
                    .and_then(|c| sources.iter().find(|s| c.starts_with(&format!("{}-", s.id))))
                    .map(|s| s.name.as_str())
                    .unwrap_or(if f.pinned { "your edit" } else { "-" });
                println!("{:<26} {:<50} {:<9} {:.2} {} {}", f.key, mask(f, show_sensitive), format!("{:?}", f.sensitivity).to_lowercase(), f.confidence, date::iso_date(f.observed_at), src);
            }
            if let Some(bio) = pollster::block_on(store.bio())? {
                println!("\nbio: {}", bio.text);
            }
            let topics = pollster::block_on(store.topics())?;
            if !topics.is_empty() {
                println!("topics: {}", topics.iter().map(|t| t.id.as_str()).collect::<Vec<_>>().join(", "));
            }
        }
        Command::Embed => {
            let n = crate::cli::embedder::embed_store(&mut store, &crate::cli::embedder::load()?, false)?;
            store.compact().context("compacting the memory store")?;
            println!("{n} chunks embedded");
        }
        Command::Search { query, top, show_sensitive, by, explain } => {
            let chunks = pollster::block_on(store.chunks())?;
            let facts = l1::resolve(&pollster::block_on(store.facts())?);
            let mode = match by.as_str() {
                "keywords" => Mode::Keywords,
                "meaning" => Mode::Meaning,
                _ => Mode::Hybrid,
            };
            let vectors = pollster::block_on(store.vectors())?.len();
            let meaning = if mode != Mode::Keywords && vectors > 0 {
                crate::cli::embedder::meaning(&crate::cli::embedder::load()?, &query)?
            } else {
                None
            };
            if mode != Mode::Keywords && vectors < chunks.len() {
                eprintln!("note: {} of {} chunks have no vector yet and are found by keywords only (run `secondself memory embed`)", chunks.len() - vectors.min(chunks.len()), chunks.len());
            }
            let results = pollster::block_on(search_with(&store, &query, meaning.as_deref(), mode, now(), top))?;
            if results.is_empty() {
                println!("no matches for {query:?}");
            }
            for (i, hit) in results.iter().enumerate() {
                match hit {
                    Hit::Fact { id, key, chunk_id, score, .. } => {
                        let f = facts.iter().find(|f| &f.id == id);
                        let value = f.map(|f| mask(f, show_sensitive)).unwrap_or_default();
                        println!("{:>2}. {:>6.2}  fact {key} = {value}  [{}]", i + 1, score, chunk_id.as_deref().unwrap_or("your edit"));
                    }
                    Hit::Chunk { chunk_id, source, score, why, .. } => {
                        let c = chunks.iter().find(|c| &c.id == chunk_id);
                        let text: String = c.map(|c| c.text.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default().chars().take(160).collect();
                        println!("{:>2}. {:>6.2}  {} [{}]\n      {text}", i + 1, score, source, chunk_id);
                        if explain {
                            println!("      why: {}", why.as_deref().unwrap_or("keywords (BM25 × recency)"));
                        }
                    }
                }
            }
        }
        Command::Ask { question, asker, model } => {
            let asker = match asker {
                Some(role) => Asker::ThirdParty { role },
                None => Asker::User,
            };
            let mut generate = if model { Some(crate::cli::eval_persona::load_model(None, None, None)?) } else { None };
            let embedder = if pollster::block_on(store.vectors())?.is_empty() { None } else { Some(crate::cli::embedder::load()?) };
            let answer = ask(&mut store, &question, &asker, generate.as_deref_mut(), embedder.as_ref())?;
            println!("{}", answer.text);
            for c in &answer.citations {
                let date = c.date.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
                let page = c.page.map(|p| format!(", p. {p}")).unwrap_or_default();
                println!("  - {}{page}{date}: {}", c.source, c.text.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An invented life in Swedish and French notes, asked in English and Swedish.
    #[test]
    fn ask_answers_from_imported_notes_with_sources() {
        let dir = tempfile::tempdir().unwrap();
        let notes = dir.path().join("notes");
        std::fs::create_dir_all(&notes).unwrap();
        std::fs::write(notes.join("2025-03-02-forsta-dagen.md"), "# Första dagen\n\nMin chef heter Ingrid Dahl. Kontoret ligger vid hamnen.\n").unwrap();
        std::fs::write(notes.join("2025-04-11-velo.md"), "# Vélo\n\nMon vélo est chez le réparateur jusqu'à jeudi.\n").unwrap();
        let mut store = NativeStore::open(&dir.path().join("memory")).unwrap();
        let (ok, _, failed) = import_paths(&mut store, &collect_files(&[notes]).unwrap(), None, true);
        assert_eq!((ok, failed), (2, 0));
        let a = ask(&mut store, "Who is my boss?", &Asker::User, None, None).unwrap();
        assert!(a.text.contains("Ingrid Dahl"), "{a:?}");
        assert!(a.citations.iter().any(|c| c.source.ends_with("2025-03-02-forsta-dagen.md")), "{a:?}");
        let a = ask(&mut store, "Var är min cykel?", &Asker::User, None, None).unwrap();
        assert!(a.text.contains("réparateur"), "{a:?}");
        let a = ask(&mut store, "What is my passport number?", &Asker::User, None, None).unwrap();
        assert!(a.dont_know, "{a:?}");
    }

    /// A two-page PDF — a title and a paragraph, then two columns — imports in reading order,
    /// and an answer from it cites its page; a password-protected PDF, a scan and a truncated file
    /// are refused with their own reasons and store nothing.
    #[test]
    fn pdfs_import_in_reading_order_and_answers_cite_their_page() {
        use secondself::sample_pdf::{line, write, Options, Page};
        let dir = tempfile::tempdir().unwrap();
        let pages = vec![
            Page::Text(vec![line(60., 80., 20., "Flyttanmälan"), line(60., 120., 11., "Den här blanketten gäller hela hushållet.")]),
            Page::Text(vec![
                line(60., 100., 11., "Vi flyttar den 1 mars från"),
                line(320., 100., 11., "Den nya adressen är Klövervägen"),
                line(60., 114., 11., "den gamla lägenheten vid torget"),
                line(320., 114., 11., "7 i Sundsvall, med hiss och balkong."),
                line(60., 128., 11., "som vi hyrt i nästan sex år."),
                line(320., 128., 11., "Posten eftersänds i ett halvår."),
            ]),
        ];
        let files = dir.path().join("files");
        std::fs::create_dir_all(&files).unwrap();
        let pdf = write(&pages, &Options { created: Some("D:20250210120000".into()), ..Default::default() });
        std::fs::write(files.join("flytt.pdf"), &pdf).unwrap();
        std::fs::write(files.join("locked.pdf"), write(&pages, &Options { password_protected: true, ..Default::default() })).unwrap();
        std::fs::write(files.join("scan.pdf"), write(&[Page::ImageOnly], &Options::default())).unwrap();
        std::fs::write(files.join("cut.pdf"), &pdf[..pdf.len() / 3]).unwrap();

        let chunks = secondself_engine::memory::import::parse_and_chunk("flytt.pdf", &pdf).unwrap();
        let on: Vec<_> = chunks.iter().map(|c| (c.page, c.text.as_str())).collect();
        assert_eq!(on[0], (Some(1), "Den här blanketten gäller hela hushållet."), "{on:?}");
        assert_eq!(chunks[0].heading_path, ["Flyttanmälan"]);
        assert_eq!(
            on[1],
            (Some(2), "Vi flyttar den 1 mars från den gamla lägenheten vid torget som vi hyrt i nästan sex år.\n\nDen nya adressen är Klövervägen 7 i Sundsvall, med hiss och balkong. Posten eftersänds i ett halvår."),
            "the left column is read before the right one"
        );

        let mut store = NativeStore::open(&dir.path().join("memory")).unwrap();
        let mut lines = Vec::new();
        let paths = collect_files(&[files]).unwrap();
        for p in &paths {
            let outcome = pollster::block_on(secondself_engine::memory::import::import_one(&mut store, &p.display().to_string(), 0, &std::fs::read(p).unwrap(), now()));
            lines.push(match outcome {
                Ok(o) => format!("{}: {o:?}", p.file_name().unwrap().to_string_lossy()),
                Err(e) => format!("{}: {e}", p.file_name().unwrap().to_string_lossy()),
            });
        }
        let said = |name: &str| lines.iter().find(|l| l.starts_with(name)).cloned().unwrap();
        assert!(said("flytt.pdf").contains("Imported"), "{lines:?}");
        assert!(said("locked.pdf").contains("password-protected"), "{lines:?}");
        assert!(said("scan.pdf").contains("no text layer"), "{lines:?}");
        assert!(said("cut.pdf").contains("malformed PDF"), "{lines:?}");
        let sources = pollster::block_on(store.sources()).unwrap();
        assert_eq!(sources.len(), 1, "only the readable PDF is stored");
        assert_eq!(sources[0].kind, secondself_engine::memory::SourceKind::Pdf);
        assert_eq!(sources[0].dated.map(date::iso_date).as_deref(), Some("2025-02-10"));

        let a = ask(&mut store, "Vad är min nya adress?", &Asker::User, None, None).unwrap();
        assert!(a.text.contains("Klövervägen 7"), "{a:?}");
        assert!(a.citations.iter().any(|c| c.source.ends_with("flytt.pdf") && c.page == Some(2)), "{a:?}");
    }
}
