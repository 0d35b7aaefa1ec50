//! Memory in a real browser: the persona's sources imported through the side panel land as
//! facts, survive a browser restart, survive export → delete all → restore, stay out of reach
//! of page scripts, and an import interrupted by killing the engine lands whole or not at all.

use chromiumoxide::Page;
use secondself::browser::{ExtensionBrowser, LaunchOptions};

use crate::util::{choose_files, click, files_under, js, persona_dir, set_viewport, wait_for, Env};

async fn fact_value(panel: &Page, key: &str) -> Option<String> {
    js::<Option<String>>(panel, &format!(r#"(() => {{ const f = document.querySelector('[data-fact-key="{key}"] .value'); return f ? f.textContent : null; }})()"#))
        .await
        .unwrap()
}

async fn facts_snapshot(panel: &Page) -> serde_json::Value {
    js(panel, "SecondSelfProtocol.request({ kind: 'memory.overview' }).then(p => p.facts.map(f => [f.key, f.value]).sort())").await.unwrap()
}

async fn import_persona(panel: &Page) {
    import_persona_from(panel, &persona_dir()).await;
}

async fn import_persona_from(panel: &Page, dir: &std::path::Path) {
    let files: Vec<String> = files_under(&dir.join("sources")).iter().map(|p| p.display().to_string()).collect();
    assert!(files.len() >= 15, "persona sources found: {}", files.len());
    choose_files(panel, "#import-files", files).await;
    wait_for(panel, "document.getElementById('import-label').textContent.startsWith('Imported ')", 180).await.unwrap();
}

/// Lives written in German, Spanish, Swiss French, Québec French, Swedish and Belgian French, imported as a user would, show their profile in the
/// memory manager: employer, title, the newest address and phone, diet, birthday.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lives_in_other_languages_show_their_profile() {
    let profile = tempfile::tempdir().unwrap();
    let chrome = secondself::browser::find_chromium().unwrap();
    let ext = secondself::extension_dir().canonicalize().unwrap();
    let b = ExtensionBrowser::launch_with_profile(&chrome, &ext, profile.path(), &LaunchOptions::default()).await.unwrap();
    let panel = b.open(&b.extension_url("sidepanel/sidepanel.html")).await.unwrap();
    let personas = secondself::repo_dir().join("tests/personas");
    for (name, want) in [
        ("katharina-brandt", [("organization", "Windwerk Energie GmbH"), ("organization-title", "Projektleiterin Netzanschluss"), ("postal-code", "04229"), ("address-level2", "Leipzig"), ("tel-national", "01523 4567890"), ("diet", "vegan"), ("country-name", "Germany")]),
        ("lucia-romero", [("family-name", "Romero Vidal"), ("organization-title", "Enfermera de cuidados intensivos pediátricos"), ("postal-code", "46006"), ("address-level2", "Valencia"), ("tel-national", "612 345 678"), ("diet", "pescatarian"), ("country-name", "Spain")]),
        ("elodie-marchand", [("family-name", "Marchand"), ("organization-title", "Traductrice juridique"), ("postal-code", "1007"), ("address-level2", "Lausanne"), ("tel-national", "079 345 67 12"), ("diet", "vegetarian"), ("country-name", "Switzerland")]),
        ("sebastien-cote", [("family-name", "Côté"), ("organization-title", "Technicien en architecture"), ("postal-code", "H2J 3V6"), ("address-level2", "Montréal"), ("tel-national", "514 555-0187"), ("dislikes", "betteraves"), ("country-name", "Canada")]),
        ("mikael-sundberg", [("given-name", "Mikael"), ("organization", "Norrbotnia Energi AB"), ("postal-code", "973 32"), ("address-level2", "Luleå"), ("tel-national", "070-215 83 46"), ("dislikes", "lever"), ("country-name", "Sweden")]),
        ("tove-engqvist", [("given-name", "Tove"), ("organization", "Fyrisåns folkhögskola"), ("postal-code", "753 11"), ("address-level2", "Uppsala"), ("tel-national", "073-618 42 95"), ("allergies", "sesam"), ("country-name", "Sweden")]),
        ("aurelie-lambotte", [("family-name", "Lambotte"), ("organization-title", "Responsable planning"), ("postal-code", "4000"), ("address-level2", "Liège"), ("tel-national", "0476 38 21 59"), ("dislikes", "fenouil"), ("country-name", "Belgium")]),
    ] {
        import_persona_from(&panel, &personas.join(name)).await;
        let failed: usize = js(&panel, "document.querySelectorAll('#import-results li.failed').length").await.unwrap();
        assert_eq!(failed, 0, "{name}: no file fails to import");
        for (key, value) in want {
            // Sensitive parts are masked in the manager; the overview holds their values.
            let got: String = js(&panel, &format!("SecondSelfProtocol.request({{ kind: 'memory.overview' }}).then(p => (p.facts.find(f => f.key === '{key}') || {{}}).value || '')")).await.unwrap();
            assert_eq!(got, value, "{name}: {key}");
            let shown = fact_value(&panel, key).await;
            assert!(shown.is_some(), "{name}: {key} is shown in the memory manager");
        }
        click(&panel, "delete-all").await.unwrap();
        click(&panel, "confirm-delete-yes").await.unwrap();
        wait_for(&panel, "document.getElementById('data-status').textContent.startsWith('All your data was deleted')", 30).await.unwrap();
    }
    b.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persona_import_persists_and_backs_up() {
    let profile = tempfile::tempdir().unwrap();
    let chrome = secondself::browser::find_chromium().unwrap();
    let ext = secondself::extension_dir().canonicalize().unwrap();
    let opts = LaunchOptions::default();

    let b = ExtensionBrowser::launch_with_profile(&chrome, &ext, profile.path(), &opts).await.unwrap();
    let panel = b.open(&b.extension_url("sidepanel/sidepanel.html")).await.unwrap();
    import_persona(&panel).await;
    let label: String = js(&panel, "document.getElementById('import-label').textContent").await.unwrap();
    assert!(label.starts_with("Imported 3") || label.starts_with("Imported 2"), "most files import: {label}");
    let failed: usize = js(&panel, "document.querySelectorAll('#import-results li.failed').length").await.unwrap();
    assert_eq!(failed, 0, "no persona file fails to import");
    assert_eq!(fact_value(&panel, "email").await.as_deref(), Some("maya.okafor@mailbox.example"));
    assert_eq!(fact_value(&panel, "postal-code").await.as_deref(), Some("M19 3PL"), "the newest address wins");
    assert_eq!(fact_value(&panel, "organization-title").await.as_deref(), Some("Senior Data Engineer"));
    // Sensitive facts are masked in the manager until clicked.
    let masked: bool = js(&panel, "[...document.querySelectorAll('.fact')].some(f => f.querySelector('.badge.sensitive') && f.querySelector('.value').textContent === '••••••')").await.unwrap();
    assert!(masked, "sensitive facts are masked");
    let sources: usize = js(&panel, "document.querySelectorAll('#sources li').length").await.unwrap();
    assert!(sources >= 30, "sources listed: {sources}");
    // After the import the panel has the passages embedded for search by meaning, with progress.
    wait_for(&panel, "document.getElementById('embed-status').textContent === 'Search by meaning: ready'", 300).await.unwrap();
    let vectors: usize = js(&panel, "SecondSelfProtocol.request({ kind: 'memory.export' }).then(r => r.backup.stores.vectors.length)").await.unwrap();
    let chunks: usize = js(&panel, "SecondSelfProtocol.request({ kind: 'memory.export' }).then(r => r.backup.stores.chunks.length)").await.unwrap();
    assert_eq!(vectors, chunks, "every passage has its vector");
    // The README's screenshot: the panel at side-panel width, on what SecondSelf learnt.
    set_viewport(&panel, 420, 900).await.unwrap();
    let _: bool = js(&panel, "(document.getElementById('profile-title').scrollIntoView(), window.scrollBy(0, -70), true)").await.unwrap();
    secondself::browser::screenshot(&panel, &secondself::repo_dir().join("docs/screenshots/side-panel.png")).await.unwrap();
    // Re-importing the same files duplicates nothing.
    import_persona(&panel).await;
    let again: usize = js(&panel, "document.querySelectorAll('#sources li').length").await.unwrap();
    assert_eq!(again, sources);
    let duplicates: String = js(&panel, "document.getElementById('import-results').textContent").await.unwrap();
    assert!(duplicates.contains("already in memory"), "{duplicates}");
    let before = facts_snapshot(&panel).await;
    b.close().await.unwrap();

    // A new browser on the same profile still has everything.
    let b = ExtensionBrowser::launch_with_profile(&chrome, &ext, profile.path(), &opts).await.unwrap();
    let panel = b.open(&b.extension_url("sidepanel/sidepanel.html")).await.unwrap();
    wait_for(&panel, "!!document.querySelector('[data-fact-key=\"email\"]')", 60).await.unwrap();
    assert_eq!(facts_snapshot(&panel).await, before, "facts survive a browser restart");

    // Export → delete all → restore gives the same facts.
    let backup: serde_json::Value = js(&panel, "SecondSelfProtocol.request({ kind: 'memory.export' }).then(r => r.backup)").await.unwrap();
    assert_eq!(backup["format"], "secondself-memory-backup");
    let backup_file = profile.path().join("backup.json");
    std::fs::write(&backup_file, serde_json::to_vec(&backup).unwrap()).unwrap();
    click(&panel, "delete-all").await.unwrap();
    click(&panel, "confirm-delete-yes").await.unwrap();
    wait_for(&panel, "document.getElementById('data-status').textContent.startsWith('All your data was deleted')", 30).await.unwrap();
    assert_eq!(facts_snapshot(&panel).await, serde_json::json!([]), "delete all leaves nothing");
    assert_eq!(js::<usize>(&panel, "document.querySelectorAll('#sources li').length").await.unwrap(), 0);
    // A broken backup is refused and changes nothing.
    let broken = profile.path().join("broken.json");
    std::fs::write(&broken, b"{\"format\": \"secondself-memory-backup\", \"version\": 1, \"stores\": {\"facts\": [{\"id\": \"x\"}]}}").unwrap();
    choose_files(&panel, "#restore-file", vec![broken.display().to_string()]).await;
    wait_for(&panel, "document.getElementById('data-status').textContent.startsWith('Restore failed')", 30).await.unwrap();
    assert_eq!(facts_snapshot(&panel).await, serde_json::json!([]));
    choose_files(&panel, "#restore-file", vec![backup_file.display().to_string()]).await;
    wait_for(&panel, "document.getElementById('data-status').textContent.startsWith('Restored')", 60).await.unwrap();
    assert_eq!(facts_snapshot(&panel).await, before, "restore gives back the same facts");
    b.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_cannot_read_memory() {
    let env = Env::start().await.unwrap();
    let panel = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    let outcome: serde_json::Value = js(
        &panel,
        "SecondSelfProtocol.request({ kind: 'memory.remember', text: 'My passport number is 531847206 and my email is snoop@example.org.' })",
    )
    .await
    .unwrap();
    assert_eq!(outcome["outcome"]["status"], "imported");
    let page = env.fixture_page("/demo/checkout.html").await.unwrap();
    let probe = format!(
        r#"(async () => {{
            const found = {{}};
            found.runtime = typeof chrome !== "undefined" && !!chrome.runtime && typeof chrome.runtime.sendMessage === "function";
            if (found.runtime) {{
                found.reply = await new Promise(res => {{
                    try {{ chrome.runtime.sendMessage({id}, {{ to: "router", id: "m", request: {{ kind: "memory.overview" }} }}, r => res(r ?? null)); }}
                    catch (e) {{ res("threw"); }}
                }});
            }}
            window.postMessage({{ to: "router", id: "m2", request: {{ kind: "memory.search", query: "passport", k: 5 }} }}, "*");
            await new Promise(r => setTimeout(r, 500));
            const html = document.documentElement.outerHTML + JSON.stringify(localStorage) + document.cookie;
            found.leak = /531847206|snoop@example\.org/.test(html);
            found.idb = (await indexedDB.databases()).map(d => d.name);
            return found;
        }})()"#,
        id = serde_json::to_string(&env.browser.extension_id).unwrap()
    );
    let found: serde_json::Value = js(&page, &probe).await.unwrap();
    assert_eq!(found["leak"], false, "memory appeared in the page: {found}");
    assert!(found["reply"].is_null() || found["reply"] == "threw" || found.get("reply").is_none(), "{found}");
    assert!(!found["idb"].to_string().contains("secondself"), "the page sees the extension's database: {found}");
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_engine_mid_import_lands_all_or_nothing() {
    let env = Env::start().await.unwrap();
    let panel = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    // A large note-like file: thousands of chunks, so the import takes a while.
    let kill: serde_json::Value = js(
        &panel,
        r#"(async () => {
            const para = "I walked along the canal in the morning and planned the week ahead with care. ";
            let text = "";
            for (let i = 0; i < 40000; i++) text += (i % 8 === 7 ? "\n\n" : "") + para.replace("week", "week " + i);
            const data = btoa(unescape(encodeURIComponent(text)));
            const pending = SecondSelfProtocol.request({ kind: "memory.import", name: "big-journal.md", data }).then(r => r, e => ({ error: e.message }));
            await new Promise(r => setTimeout(r, 300));
            await chrome.offscreen.closeDocument();
            return { reply: await pending, bytes: text.length };
        })()"#,
    )
    .await
    .unwrap();
    // Ask again: the router starts a fresh engine host.
    let overview: serde_json::Value = js(&panel, "SecondSelfProtocol.request({ kind: 'memory.overview' })").await.unwrap();
    let sources = overview["sources"].as_array().unwrap();
    match sources.iter().find(|s| s["name"] == "big-journal.md") {
        None => {} // nothing landed
        Some(s) => {
            let chunks: usize = js(&panel, "SecondSelfProtocol.request({ kind: 'memory.export' }).then(r => r.backup.stores.chunks.length)").await.unwrap();
            assert_eq!(s["chunk_ids"].as_array().unwrap().len(), chunks, "the import landed whole: {kill}");
        }
    }
    env.close().await;
}

/// A profile directory on a small filesystem of its own (tmpfs), so that the browser's storage
/// for the extension really fills up; unmounted on drop. `None` where this machine may not mount.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(mib: u32) -> Option<SmallDisk> {
        let dir = tempfile::Builder::new().prefix("secondself-small-disk-").tempdir().ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk { dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

/// Storage full during an import: the write that does not fit is reported as not saved (it
/// used to be reported "imported" while the browser dropped it at commit), what landed before
/// is there whole, and nothing half-written is left. The browser's storage really fills: its
/// profile lives on a small filesystem (Chromium ignores `Storage.overrideQuotaForOrigin` for
/// extensions, and its quota does not follow a small disk).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_during_import_is_reported_and_never_called_saved() {
    let Some(disk) = SmallDisk::mount(48) else {
        eprintln!("SKIPPED a_full_disk_during_import_is_reported_and_never_called_saved: this machine does not let the test mount a tmpfs");
        return;
    };
    let chrome = secondself::browser::find_chromium().unwrap();
    let ext = secondself::extension_dir().canonicalize().unwrap();
    let b = ExtensionBrowser::launch_with_profile(&chrome, &ext, disk.dir.path(), &LaunchOptions::default()).await.unwrap();
    let panel = b.open(&b.extension_url("sidepanel/sidepanel.html")).await.unwrap();
    let before: serde_json::Value = js(
        &panel,
        r#"(async () => {
            const note = "Booked the dentist for 3 March. The new bike lock code is on the fridge.";
            await SecondSelfProtocol.request({ kind: "memory.import", name: "small-note.md", data: btoa(note) });
            const est = await navigator.storage.estimate();
            const o = await SecondSelfProtocol.request({ kind: "memory.overview" });
            return { quota: est.quota, usage: est.usage, sources: o.sources.map(s => [s.name, s.chunk_ids.length]) };
        })()"#,
    )
    .await
    .unwrap();
    eprintln!("before: {before}");
    // Journals of random words (text the store cannot compress much), 10 MB each, until the
    // disk is full; then one more try, as a user would retry.
    let filled: serde_json::Value = js(
        &panel,
        r#"(async () => {
            const word = () => Math.random().toString(36).slice(2, 9);
            const journal = () => { const lines = []; for (let n = 0; n < 10e6; ) { const l = Array.from({ length: 12 }, word).join(" ") + ".\n\n"; lines.push(l); n += l.length; } return btoa(lines.join("")); };
            const outcome = r => r.outcome.status === "imported" ? { chunks: r.outcome.chunks } : { error: r.outcome.message };
            const results = [];
            for (let f = 0; f < 8; f++) {
                const r = await SecondSelfProtocol.request({ kind: "memory.import", name: `journal-${f}.md`, data: journal() }).then(outcome, e => ({ error: e.message }));
                results.push(r);
                if (r.error) break;
            }
            const retry = await SecondSelfProtocol.request({ kind: "memory.import", name: "journal-retry.md", data: journal() }).then(outcome, e => ({ error: e.message }));
            let o = await SecondSelfProtocol.request({ kind: "memory.overview" }).catch(e => ({ error: e.message, sources: [] }));
            let first_error = o.error || null;
            if (o.error) o = await SecondSelfProtocol.request({ kind: "memory.overview" }).catch(e => ({ error: e.message, sources: [] }));
            const est = await navigator.storage.estimate();
            return { results, retry, first_error, usage: est.usage, overview_error: o.error || null, sources: Object.fromEntries(o.sources.map(s => [s.name, s.chunk_ids.length])) };
        })()"#,
    )
    .await
    .unwrap();
    eprintln!("filled: {filled}");
    assert!(filled["overview_error"].is_null(), "memory reads again on the next request (the engine reopens the database): {filled}");
    let results = filled["results"].as_array().unwrap();
    let last = results.last().unwrap();
    assert!(last["error"].as_str().is_some(), "the import that did not fit was reported as failed, not as imported: {filled}");
    assert!(results.len() >= 2, "at least one journal fitted before the disk was full: {filled}");
    // Chromium may delete an IndexedDB database whose write failed for want of disk (it reads
    // the torn write as corruption; seen in some runs), after which a retry lands in the empty
    // database. Then nothing of before is there to check.
    if !filled["sources"].as_object().is_some_and(|s| s.contains_key("small-note.md")) {
        eprintln!("NOTE: the browser deleted the extension's database after the disk filled: {filled}");
        b.close().await.unwrap();
        return;
    }
    assert!(filled["retry"]["error"].as_str().is_some(), "the disk is still full: {filled}");
    let sources = filled["sources"].as_object().unwrap();
    assert_eq!(sources.get("small-note.md").and_then(|v| v.as_u64()), Some(1), "{filled}");
    for (f, r) in results.iter().enumerate() {
        let name = format!("journal-{f}.md");
        match r["chunks"].as_u64() {
            Some(n) => assert_eq!(sources.get(&name).and_then(|v| v.as_u64()), Some(n), "{name} landed whole: {filled}"),
            None => assert!(!sources.contains_key(&name), "{name} failed and left nothing: {filled}"),
        }
    }
    assert!(!sources.contains_key("journal-retry.md"), "{filled}");

    // A restore that does not fit (the backup of all that is there, plus a copy of one journal's
    // passages under new ids): refused with an error, and what was there stays as it was.
    let restored: serde_json::Value = js(
        &panel,
        r#"(async () => {
            const { backup } = await SecondSelfProtocol.request({ kind: "memory.export" });
            const chunks = backup.stores.chunks;
            const first = backup.stores.sources.find(s => s.name.endsWith("journal-0.md"));
            const journal = chunks.filter(c => first && c.source_id === first.id);
            for (const c of journal) chunks.push({ ...c, id: c.id + "-copy" });
            const r = await SecondSelfProtocol.request({ kind: "memory.restore", backup }).then(r => ({ ok: r.kind }), e => ({ error: e.message }));
            const o = await SecondSelfProtocol.request({ kind: "memory.overview" }).catch(e => ({ error: e.message, sources: [] }));
            return { restore: r, copied: journal.length, chunks: chunks.length, keys: Object.keys(chunks[0] || {}), overview_error: o.error || null, sources: Object.fromEntries(o.sources.map(s => [s.name, s.chunk_ids.length])) };
        })()"#,
    )
    .await
    .unwrap();
    eprintln!("restore on a full disk: {restored}");
    assert!(restored["copied"].as_u64().unwrap_or(0) > 0, "{restored}");
    assert!(restored["restore"]["error"].as_str().is_some(), "a restore that cannot fit was reported as done: {restored}");
    // The restore is one transaction, and it aborted: nothing of it was applied. Chromium may
    // still delete the whole database after a write failed for want of disk (as above); then the
    // store is empty, not half-restored.
    if restored["sources"].as_object().is_some_and(|s| s.is_empty()) {
        eprintln!("NOTE: the browser deleted the extension's database after the restore failed for want of disk: {restored}");
    } else {
        assert_eq!(&restored["sources"], &filled["sources"], "the failed restore changed what was there");
    }
    b.close().await.unwrap();
}

/// A bookmarks file exported by any browser imports as the user's bookmarks: folders as
/// headings, each bookmark with its address and the day it was saved, found by search; importing
/// it again changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exported_bookmarks_import_once_with_folders_and_dates() {
    let env = Env::start().await.unwrap();
    let panel = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    wait_for(&panel, "document.getElementById('engine-state').dataset.state === 'ready'", 60).await.unwrap();
    let file = secondself::fixtures_dir().join("bookmarks/bookmarks.html").display().to_string();
    choose_files(&panel, "#import-files", vec![file.clone()]).await;
    wait_for(&panel, "document.getElementById('import-label').textContent === 'Imported 1 of 1 file'", 60).await.unwrap();
    let sources: serde_json::Value = js(&panel, "SecondSelfProtocol.request({ kind: 'memory.overview' }).then(p => p.sources.map(s => [s.kind, s.name]))").await.unwrap();
    assert_eq!(sources[0][0], "bookmarks", "{sources}");
    let hit: String = js(&panel, "SecondSelfProtocol.request({ kind: 'memory.search', query: 'kiln hire firing slots', k: 3 }).then(r => r.hits.map(h => h.text || '').join('\\n'))").await.unwrap();
    assert!(hit.contains("Kiln hire by the hour & firing slots — https://example.org/kiln-hire (saved 2024-05-01)"), "{hit}");
    assert!(hit.contains("Ceramics"), "the folder is the bookmark's context: {hit}");
    choose_files(&panel, "#import-files", vec![file]).await;
    wait_for(&panel, "[...document.querySelectorAll('#import-results li')].some(l => l.textContent.includes('already in memory'))", 60).await.unwrap();
    let count: usize = js(&panel, "SecondSelfProtocol.request({ kind: 'memory.overview' }).then(p => p.sources.length)").await.unwrap();
    assert_eq!(count, 1, "importing the same bookmarks again changes nothing");
    env.close().await;
}

/// A PDF picked in the side panel is read by the engine in the extension exactly as the native
/// import reads it (same chunks, each with its page; the two columns of a page in reading order),
/// and an answer from it cites the page — for a PDF of our own writer and for one Chromium prints
/// (subset fonts with ToUnicode maps, as most PDFs people keep are made). A password-protected
/// PDF, a scan without a text layer and a truncated file are each refused with their reason, in
/// the panel's language, and store nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pdfs_import_as_natively_and_answers_cite_their_page() {
    use secondself::sample_pdf::{line, write, Options, Page as PdfPage};
    let dir = tempfile::tempdir().unwrap();
    let pages = vec![
        PdfPage::Text(vec![line(56., 90., 22., "Rapport annuel du club"), line(56., 130., 11., "Ce rapport résume une année de sorties en mer.")]),
        PdfPage::Text(vec![
            line(56., 100., 11., "Le bateau a passé l'hiver"),
            line(316., 100., 11., "Notre prochaine sortie aura lieu"),
            line(56., 114., 11., "au chantier de Lorient, où sa"),
            line(316., 114., 11., "le 14 juin au départ de Groix,"),
            line(56., 128., 11., "coque a été repeinte en bleu."),
            line(316., 128., 11., "avec pique-nique sur la plage."),
        ]),
    ];
    let report = write(&pages, &Options { title: Some("Rapport annuel".into()), ..Default::default() });
    let mut files = Vec::new();
    for (name, bytes) in [
        ("rapport.pdf", report.clone()),
        ("verrouille.pdf", write(&pages, &Options { password_protected: true, ..Default::default() })),
        ("scan.pdf", write(&[PdfPage::ImageOnly], &Options::default())),
        ("coupe.pdf", report[..report.len() / 3].to_vec()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        files.push(path.display().to_string());
    }

    let env = Env::start().await.unwrap();
    let printed = env.fixture_page("pdf/columns.html").await.unwrap().pdf(Default::default()).await.unwrap();
    let path = dir.path().join("arsberattelse.pdf");
    std::fs::write(&path, &printed).unwrap();
    files.push(path.display().to_string());
    let panel = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    wait_for(&panel, "document.getElementById('engine-state').dataset.state === 'ready'", 60).await.unwrap();
    choose_files(&panel, "#import-files", files).await;
    wait_for(&panel, "document.getElementById('import-label').textContent === 'Imported 2 of 5 files'", 90).await.unwrap();
    let failed: Vec<String> = js(&panel, "[...document.querySelectorAll('#import-results li.failed')].map(l => l.textContent)").await.unwrap();
    let reason = |name: &str| failed.iter().find(|l| l.contains(name)).cloned().unwrap_or_else(|| panic!("no line for {name}: {failed:?}"));
    assert!(reason("verrouille.pdf").contains("password-protected"), "{failed:?}");
    assert!(reason("scan.pdf").contains("no text layer"), "{failed:?}");
    assert!(reason("coupe.pdf").contains("coupe.pdf: the file is damaged"), "said in the panel's language, with the file's name: {failed:?}");

    let backup: serde_json::Value = js(&panel, "SecondSelfProtocol.request({ kind: 'memory.export' }).then(r => r.backup.stores)").await.unwrap();
    let sources = backup["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2, "only the readable PDFs are stored: {sources:?}");
    assert!(sources.iter().all(|s| s["kind"] == "pdf"), "{sources:?}");
    type Read = Vec<(String, Option<u64>, serde_json::Value)>;
    let in_browser = |name: &str| -> Read {
        let id = sources.iter().find(|s| s["name"].as_str().unwrap().ends_with(name)).unwrap()["id"].clone();
        backup["chunks"].as_array().unwrap().iter().filter(|c| c["source_id"] == id).map(|c| (c["text"].as_str().unwrap().to_string(), c["page"].as_u64(), c["heading_path"].clone())).collect()
    };
    let native = |bytes: &[u8]| -> Read {
        secondself_engine::memory::import::parse_and_chunk("x.pdf", bytes).unwrap().into_iter().map(|c| (c.text, c.page.map(u64::from), serde_json::json!(c.heading_path))).collect()
    };
    let (ours, chromiums) = (native(&report), native(&printed));
    assert_eq!(in_browser("rapport.pdf"), ours, "the extension and the CLI read the PDF alike");
    assert_eq!(in_browser("arsberattelse.pdf"), chromiums, "the extension and the CLI read Chromium's PDF alike");
    assert!(ours[1].0.starts_with("Le bateau a passé l'hiver au chantier de Lorient"), "{ours:?}");
    assert_eq!(ours[1].1, Some(2));
    // Chromium's PDF: the title is a heading, each column's paragraphs come whole and in order.
    let text = &chromiums[0].0;
    assert!(chromiums[0].2.as_array().unwrap().iter().any(|h| h == "Årsberättelse för föreningen"), "{chromiums:?}");
    let order = ["Ett år med många möten", "på Kvarngatan, där vi varit sedan starten. Under våren", "släpvagnar.", "Hösten ägnades åt renovering. Köket byggdes om", "40 000 kronor.", "Ελληνικά γράμματα"];
    let at: Vec<Option<usize>> = order.iter().map(|w| text.find(w)).collect();
    assert!(at.iter().all(Option::is_some) && at.windows(2).all(|w| w[0] < w[1]), "reading order {at:?} in {text}");

    let cited: Vec<Option<u64>> = js(&panel, "SecondSelfProtocol.request({ kind: 'chat.ask', question: 'Quand a lieu notre prochaine sortie ?', asker: { type: 'user' } }).then(r => r.answer.citations.map(c => c.page ?? null))").await.unwrap();
    assert!(cited.contains(&Some(2)), "the answer cites page 2: {cited:?}");
    env.close().await;
}
