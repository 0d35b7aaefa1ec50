//! Importing files, notes and page selections into L0 memory.
//!
//! Each format is one file behind the [`Importer`] trait (`txt.rs`, `markdown.rs`, `html.rs`,
//! `eml.rs`, `chatgpt.rs`, `claude.rs`, `bookmarks.rs`); [`IMPORTERS`] is the plain registry list. An importer
//! turns bytes into a [`Document`] (headings + paragraphs); [`super::l0`] cuts it into chunks;
//! [`import_one`] writes the source and its chunks in ONE transaction, skipping content already
//! imported (same SHA-256). [`import_batch`] imports many files, one transaction each, and returns
//! a per-file [`Outcome`]: a bad file is reported and the rest still land.
//!
//! PDF (`pdf.rs`) is binary, so it is read from the bytes, before the text checks the other
//! formats go through; its chunks cite their page.
//!
//! Called by the CLI (`secondself memory import`, `eval profile`) and `web/` (file picker,
//! typed notes, "remember this").

pub mod bookmarks;
pub mod chatgpt;
pub mod claude;
pub mod eml;
pub mod html;
pub mod markdown;
pub mod pdf;
pub mod txt;

use super::store::{Store, Transaction};
use super::{l0, sha256_hex, ImportErrorKind, MemoryError, Origin, Source, SourceKind, Timestamp};

/// Files larger than this are refused (20 MiB).
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// A parsed source before chunking: headings and paragraphs in reading order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// Title (HTML `<title>`, email subject), shown as provenance and put atop heading paths.
    pub title: Option<String>,
    /// The content date, if the format carries one (email `Date`, clip time).
    pub dated: Option<Timestamp>,
    pub blocks: Vec<Block>,
}

/// One structural piece of a [`Document`].
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading; `dated` starts a part with its own date (one conversation of an export).
    Heading { level: u8, text: String, dated: Option<Timestamp> },
    /// A paragraph: whole sentences, line breaks kept.
    Para(String),
    /// The start of a page (PDF, 1-based): what follows is cited with it.
    Page(u32),
}

/// One input format.
pub trait Importer: Sync {
    /// The kind recorded on sources it makes.
    fn kind(&self) -> SourceKind;
    /// Whether it reads this file (lower-case extension without dot; first bytes of content).
    fn accepts(&self, ext: &str, text: &str) -> bool;
    /// Parses already-validated UTF-8 text.
    fn parse(&self, name: &str, text: &str) -> Result<Document, ImportErrorKind>;
}

/// The registry: every importer, tried in order.
pub static IMPORTERS: &[&dyn Importer] = &[
    &txt::TxtImporter,
    &markdown::MarkdownImporter,
    // Before HTML: an exported bookmarks file is HTML too.
    &bookmarks::BookmarksImporter,
    &html::HtmlImporter,
    &eml::EmlImporter,
    &chatgpt::ChatgptImporter,
    &claude::ClaudeImporter,
];

/// What happened to one file of a batch.
#[derive(Debug)]
pub enum Outcome {
    /// New source with this many chunks.
    Imported { source_id: String, chunks: usize },
    /// Same content already stored under this source; nothing written.
    Duplicate { source_id: String },
    /// Refused or failed; nothing of it was written.
    Failed(MemoryError),
}

/// A file to import: its path (shown as name) and bytes, or the error reading it.
pub struct InputFile {
    pub path: String,
    pub bytes: Result<Vec<u8>, String>,
    /// Size on disk, checked before reading when known.
    pub size: u64,
}

/// The lower-case extension of a path (`md`), empty if none.
pub fn extension(path: &str) -> String {
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Checks that the bytes are text (size is checked by the caller); returns the text.
pub fn validate_text(bytes: &[u8]) -> Result<String, ImportErrorKind> {
    if bytes.contains(&0) {
        return Err(ImportErrorKind::Binary);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => {
            let lossy = String::from_utf8_lossy(bytes);
            let bad = lossy.chars().filter(|c| *c == char::REPLACEMENT_CHARACTER).count();
            // A few stray Latin-1 bytes are tolerated; more than 1% is not text.
            if bad * 100 > lossy.chars().count().max(1) {
                return Err(ImportErrorKind::Binary);
            }
            lossy.into_owned()
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    Ok(text)
}

/// Picks the importer for a file.
pub fn importer_for(path: &str, text: &str) -> Result<&'static dyn Importer, ImportErrorKind> {
    let ext = extension(path);
    IMPORTERS
        .iter()
        .copied()
        .find(|i| i.accepts(&ext, text))
        .ok_or_else(|| {
            if ext == "json" {
                ImportErrorKind::Malformed {
                    format: "JSON export",
                    detail: "neither a ChatGPT conversations.json (objects with `mapping`) nor a Claude export (objects with `chat_messages`)".into(),
                }
            } else {
                ImportErrorKind::UnknownExtension(ext)
            }
        })
}

/// Imports one file's bytes as one transaction. `now` is the import time.
pub async fn import_one(
    store: &mut impl Store,
    path: &str,
    size: u64,
    bytes: &[u8],
    now: Timestamp,
) -> Result<Outcome, MemoryError> {
    let fail = |kind| MemoryError::Import { name: path.to_string(), kind };
    let sha = sha256_hex(bytes);
    if let Some(existing) = store.source_by_sha(&sha).await? {
        return Ok(Outcome::Duplicate { source_id: existing.id });
    }
    let (kind, text, doc) = read(path, size, bytes).map_err(fail)?;
    let dated = doc.dated.or_else(|| super::date::from_file_name(path)).or_else(|| {
        if matches!(kind, SourceKind::Text | SourceKind::Markdown) {
            let head = text.chars().take(2000).collect::<String>();
            super::date::first_date_in_text(&head)
                .or_else(|| super::date::year_from_file_name(path))
                .or_else(|| super::date::latest_numeric_date(&head, now))
        } else {
            super::date::year_from_file_name(path)
        }
    });
    let source = new_source(path, kind, Origin::File { path: path.to_string() }, &sha, now, dated);
    write_source(store, source, &doc).await
}

/// Everything an import does to a file before anything is stored — size and text checks, the
/// format's parser, dating and chunking — with no store: the entry point of the fuzz targets
/// (`engine/fuzz/`), which feed it hostile bytes under each importer's file name.
pub fn parse_and_chunk(path: &str, bytes: &[u8]) -> Result<Vec<super::Chunk>, ImportErrorKind> {
    let (_, text, doc) = read(path, bytes.len() as u64, bytes)?;
    let _ = super::date::from_file_name(path).or_else(|| super::date::first_date_in_text(&text.chars().take(2000).collect::<String>()));
    Ok(l0::chunk_document("src-fuzz", &doc))
}

/// Checks a file and parses it: its kind, its text (empty for a PDF) and its document.
fn read(path: &str, size: u64, bytes: &[u8]) -> Result<(SourceKind, String, Document), ImportErrorKind> {
    if size > MAX_FILE_BYTES || bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ImportErrorKind::TooLarge { size: size.max(bytes.len() as u64), limit: MAX_FILE_BYTES });
    }
    if pdf::is_pdf(&extension(path), bytes) {
        return Ok((SourceKind::Pdf, String::new(), pdf::parse_pdf(bytes)?));
    }
    let text = validate_text(bytes)?;
    let importer = importer_for(path, &text)?;
    let doc = importer.parse(path, &text)?;
    Ok((importer.kind(), text, doc))
}

/// Stores a typed note or a "remember this" selection (with page URL and title) as a source.
pub async fn import_note(
    store: &mut impl Store,
    text: &str,
    page: Option<(&str, &str)>,
    now: Timestamp,
) -> Result<Outcome, MemoryError> {
    let (name, kind, origin) = match page {
        Some((url, title)) => (title.to_string(), SourceKind::Selection, Origin::Page { url: url.into(), title: title.into() }),
        None => {
            let first: String = text.lines().next().unwrap_or("").chars().take(60).collect();
            (format!("note: {first}"), SourceKind::Note, Origin::Note)
        }
    };
    let fail = |kind| MemoryError::Import { name: name.clone(), kind };
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(ImportErrorKind::TooLarge { size: text.len() as u64, limit: MAX_FILE_BYTES }));
    }
    // The provenance is part of the identity: the same words on two pages are two sources.
    let sha = sha256_hex(format!("{text}\u{0}{name}\u{0}{origin:?}").as_bytes());
    if let Some(existing) = store.source_by_sha(&sha).await? {
        return Ok(Outcome::Duplicate { source_id: existing.id });
    }
    let doc = markdown::parse_markdown(text);
    let source = new_source(&name, kind, origin, &sha, now, None);
    write_source(store, source, &doc).await.map_err(|e| match e {
        MemoryError::Import { kind, .. } => fail(kind),
        other => other,
    })
}

fn new_source(name: &str, kind: SourceKind, origin: Origin, sha: &str, now: Timestamp, dated: Option<Timestamp>) -> Source {
    Source {
        id: format!("src-{}", &sha[..16]),
        name: name.to_string(),
        kind,
        origin,
        imported_at: now,
        dated,
        sha256: sha.to_string(),
        chunk_ids: vec![],
    }
}

async fn write_source(store: &mut impl Store, mut source: Source, doc: &Document) -> Result<Outcome, MemoryError> {
    let mut chunks = l0::chunk_document(&source.id, doc);
    for c in chunks.iter_mut() {
        c.resolve_times(c.dated.unwrap_or(source.effective_date()));
    }
    if chunks.is_empty() {
        return Err(MemoryError::Import { name: source.name.clone(), kind: ImportErrorKind::Empty });
    }
    source.chunk_ids = chunks.iter().map(|c| c.id.clone()).collect();
    let mut tx = Transaction::new();
    tx.put_source(&source)?;
    for c in &chunks {
        tx.put_chunk(c)?;
    }
    store.commit(tx).await?;
    Ok(Outcome::Imported { source_id: source.id, chunks: chunks.len() })
}

/// Imports files one transaction each; `progress(done, total)` after each. Never stops early.
pub async fn import_batch(
    store: &mut impl Store,
    files: impl IntoIterator<Item = InputFile>,
    total: usize,
    now: Timestamp,
    mut progress: impl FnMut(usize, usize, &str, &Outcome),
) -> Vec<(String, Outcome)> {
    let mut out = Vec::new();
    for (i, f) in files.into_iter().enumerate() {
        let outcome = match &f.bytes {
            Ok(bytes) => import_one(store, &f.path, f.size, bytes, now).await.unwrap_or_else(Outcome::Failed),
            Err(e) => Outcome::Failed(MemoryError::Import { name: f.path.clone(), kind: ImportErrorKind::Io(e.clone()) }),
        };
        progress(i + 1, total, &f.path, &outcome);
        out.push((f.path, outcome));
    }
    out
}

/// Runs a future whose awaits never pend (the native store's): for tests and native callers
/// without an executor. Panics if the future does pend.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("block_on: future pended; use a real executor"),
    }
}

/// Splits text into paragraphs on blank lines (line breaks inside kept, trailing spaces trimmed).
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in text.lines() {
        let l = line.trim_end();
        if l.trim().is_empty() {
            if !cur.is_empty() {
                out.push(cur.join("\n"));
                cur.clear();
            }
        } else {
            cur.push(l);
        }
    }
    if !cur.is_empty() {
        out.push(cur.join("\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::native::{tests::temp_dir, NativeStore};

    fn file(path: &str, bytes: &[u8]) -> InputFile {
        InputFile { path: path.into(), bytes: Ok(bytes.to_vec()), size: bytes.len() as u64 }
    }

    #[test]
    fn batch_reports_per_file_and_keeps_the_good_ones() {
        let mut s = NativeStore::open(temp_dir("batch")).unwrap();
        let files = vec![
            file("a.txt", b"I live in Derby. It rains a lot here."),
            file("b.bin", b"hello"),
            file("c.txt", b"bin\0ary"),
            file("d.json", b"{not json"),
            file("e.md", b"# Title\n\nSome words here."),
            file("f.pdf", b"%PDF-1.7"),
            InputFile { path: "g.txt".into(), bytes: Err("permission denied".into()), size: 0 },
            InputFile { path: "h.txt".into(), bytes: Ok(vec![b'a'; 10]), size: MAX_FILE_BYTES + 1 },
        ];
        let out = block_on(import_batch(&mut s, files, 8, 100, |_, _, _, _| {}));
        let ok: Vec<_> = out.iter().filter(|(_, o)| matches!(o, Outcome::Imported { .. })).map(|(p, _)| p.as_str()).collect();
        assert_eq!(ok, ["a.txt", "e.md"]);
        let msg = |p: &str| match &out.iter().find(|(q, _)| q == p).unwrap().1 {
            Outcome::Failed(e) => e.to_string(),
            o => panic!("{p}: {o:?}"),
        };
        assert!(msg("b.bin").contains("unsupported file type `.bin`"));
        assert!(msg("c.txt").contains("binary"));
        assert!(msg("d.json").contains("malformed"));
        assert!(msg("f.pdf").contains("malformed PDF"), "{}", msg("f.pdf"));
        assert!(msg("g.txt").contains("permission denied"));
        assert!(msg("h.txt").contains("import limit"));
        assert_eq!(s.count(crate::memory::schema::SOURCES), 2);
    }

    #[test]
    fn reimport_same_content_duplicates_nothing() {
        let mut s = NativeStore::open(temp_dir("dup")).unwrap();
        let body = b"My name is Ada Lovelace. I write programs for engines.";
        let a = block_on(import_one(&mut s, "x/a.txt", 50, body, 1)).unwrap();
        let chunks = s.count(crate::memory::schema::CHUNKS);
        let b = block_on(import_one(&mut s, "y/renamed.txt", 50, body, 2)).unwrap();
        let (Outcome::Imported { source_id: id1, .. }, Outcome::Duplicate { source_id: id2 }) = (a, b) else {
            panic!("second import should be a duplicate")
        };
        assert_eq!(id1, id2);
        assert_eq!(s.count(crate::memory::schema::SOURCES), 1);
        assert_eq!(s.count(crate::memory::schema::CHUNKS), chunks);
    }

    #[test]
    fn failed_commit_mid_import_lands_nothing() {
        let dir = temp_dir("txfail");
        let mut s = NativeStore::open(&dir).unwrap();
        let long: String = (0..400).map(|i| format!("Sentence number {i} is here. ")).collect();
        s.fail_next_commit_after(300);
        let r = block_on(import_one(&mut s, "big.txt", long.len() as u64, long.as_bytes(), 1));
        assert!(r.is_err());
        assert_eq!(s.count(crate::memory::schema::SOURCES), 0);
        assert_eq!(s.count(crate::memory::schema::CHUNKS), 0);
        drop(s);
        let mut s = NativeStore::open(&dir).unwrap();
        assert_eq!(s.count(crate::memory::schema::SOURCES), 0);
        assert_eq!(s.count(crate::memory::schema::CHUNKS), 0);
        // And the same file imports cleanly afterwards (not mistaken for a duplicate).
        let r = block_on(import_one(&mut s, "big.txt", long.len() as u64, long.as_bytes(), 1)).unwrap();
        assert!(matches!(r, Outcome::Imported { chunks, .. } if chunks > 1));
    }

    #[test]
    fn notes_and_selections_keep_provenance() {
        let mut s = NativeStore::open(temp_dir("note")).unwrap();
        block_on(import_note(&mut s, "Remember: my locker code is on the fridge.", None, 5)).unwrap();
        let r = block_on(import_note(&mut s, "Best ramen in town.", Some(("https://x.example/r", "Ramen guide")), 6)).unwrap();
        assert!(matches!(r, Outcome::Imported { .. }));
        let sources = block_on(s.sources()).unwrap();
        let sel = sources.iter().find(|s| s.kind == SourceKind::Selection).unwrap();
        assert_eq!(sel.origin, Origin::Page { url: "https://x.example/r".into(), title: "Ramen guide".into() });
        assert_eq!(sel.name, "Ramen guide");
        assert!(sources.iter().any(|s| s.kind == SourceKind::Note && s.origin == Origin::Note));
    }

    #[test]
    fn validate_tolerates_a_little_latin1_only() {
        let mut v = b"caf".to_vec();
        v.push(0xe9);
        v.extend_from_slice(&[b'x'; 200]);
        assert!(validate_text(&v).is_ok());
        assert_eq!(validate_text(&[0xff; 50]), Err(ImportErrorKind::Binary));
        assert_eq!(extension("dir.v2/README"), "");
        assert_eq!(extension("a/B.HTML"), "html");
    }
}
