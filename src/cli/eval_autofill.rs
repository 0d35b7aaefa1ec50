//! `secondself eval autofill DIR [--negatives]`: scores the real autofill pipeline on labelled pages.
//!
//! Every `.html` in DIR is served on 127.0.0.1 and opened in headless Chromium with the built
//! extension (its test-only harness build, `secondself::test_build`), so the real content scripts (`content/autofill-fields.js`, `content/autofill.js`) and
//! the real classifier in the wasm engine (via the background router and the offscreen host) do the
//! work. A page-world script added with CDP `Page.addScriptToEvaluateOnNewDocument` records each
//! element's ground-truth label in a closure and strips the label attributes at DOMContentLoaded,
//! before any content script runs, then sets the eval-mode flag; the harness's content script
//! (`src/harness/autofill-eval.js`) then classifies the whole page and marks each control's
//! prediction as `data-secondself-token`, which the harness compares. The store build has neither.
//!
//! Prints a confusion summary, per-type precision/recall, the classify+fill time per form
//! (median, p95: from the content script's collect() to the last value written, so collection,
//! the round trip to the offscreen engine and filling; the part spent collecting on its own line)
//! and, last, `field accuracy: X/Y (Z)`. With `--negatives` (pages where no address
//! or payment field exists) it counts address/payment predictions and ends with `false fills: N`.
//! Called from `src/main.rs`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use chromiumoxide::cdp::browser_protocol::network::{BlockPattern, EnableParams, SetBlockedUrLsParams};
use futures::StreamExt;
use serde::Deserialize;

use secondself::browser::{self, ExtensionBrowser, LaunchOptions};
use secondself::extension_dir;
use secondself::server::StaticServer;
use secondself_engine::tasks::autofill::is_address_or_payment;

/// `secondself eval autofill DIR [--negatives]`
#[derive(Debug, Clone, ClapArgs)]
pub struct Args {
    /// Folder of `.html` pages (labelled, or with `--negatives` pages without address/payment forms).
    pub dir: PathBuf,
    /// Count fields predicted as an address/payment type instead of scoring labels.
    #[arg(long)]
    pub negatives: bool,
    /// Pages evaluated at once (browser tabs). More than one finishes sooner, but the tabs then
    /// compete for the CPU and the times per form measure that competition too.
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// Development aid: also write every page's collected descriptors, each with its
    /// ground-truth label as `label_truth` (paired by the harness, never by the extension), to
    /// this JSON file, for fast native iteration with `engine/examples/autofill_dev.rs`.
    #[arg(long, value_name = "FILE")]
    pub dump: Option<PathBuf>,
}

/// Runs in the page's main world before any page script. Keeps labels in a closure (the page
/// cannot see them once stripped), strips them at DOMContentLoaded, sets the eval flag and
/// exposes one read-only function that pairs labels with the extension's marks.
const HARNESS: &str = r#"(() => {
  const labels = new Map();
  const strip = () => {
    for (const el of document.querySelectorAll("[data-moz-autofill-type]")) {
      labels.set(el, el.getAttribute("data-moz-autofill-type"));
      el.removeAttribute("data-moz-autofill-type");
    }
    document.documentElement.setAttribute("data-secondself-eval", "1");
  };
  document.addEventListener("DOMContentLoaded", strip, { once: true, capture: true });
  // --dump only: the collector (injected into this world by the harness) paired with the labels.
  Object.defineProperty(window, "__secondselfEvalDump", { value: () => {
    const AF = globalThis.SecondSelfAutofill;
    const t0 = performance.now();
    const { fields } = AF.collect();
    const collect_ms = performance.now() - t0;
    for (const f of fields) {
      const truth = labels.get(AF.elementAt(f.index));
      if (truth) f.label_truth = truth;
    }
    return { fields, collect_ms };
  }});
  Object.defineProperty(window, "__secondselfEvalResult", { value: () => {
    const root = document.documentElement;
    const fields = [];
    for (const [el, truth] of labels) fields.push({ truth, predicted: el.getAttribute("data-secondself-token") || "none" });
    const predicted = [...document.querySelectorAll("[data-secondself-token]")].map((e) => e.getAttribute("data-secondself-token"));
    return { fields, predicted, ms: Number(root.getAttribute("data-secondself-eval-ms") || "NaN"),
             collect_ms: Number(root.getAttribute("data-secondself-eval-collect-ms") || "NaN"),
             engine_ms: Number(root.getAttribute("data-secondself-eval-engine-ms") || "NaN"),
             host_ms: Number(root.getAttribute("data-secondself-eval-host-ms") || "NaN"),
             error: root.getAttribute("data-secondself-eval-error") };
  }});
})();"#;

/// What a page that never finished looked like, for the error message.
const PAGE_STATE: &str = r#"JSON.stringify({ url: location.href, ready: document.readyState,
  harness: document.documentElement.hasAttribute("data-secondself-eval"),
  marked: document.querySelectorAll("[data-secondself-token]").length,
  controls: document.querySelectorAll("input,select,textarea").length,
  last: (() => { let n = document.documentElement; while (n.lastElementChild) n = n.lastElementChild;
                 return n.outerHTML.slice(0, 160); })() })"#;

#[derive(Debug, Deserialize)]
struct FieldResult {
    truth: String,
    predicted: String,
}

#[derive(Debug, Deserialize)]
struct PageResult {
    fields: Vec<FieldResult>,
    /// `--dump` only: the descriptors with `label_truth`.
    #[serde(default)]
    dump: Option<serde_json::Value>,
    predicted: Vec<String>,
    #[serde(default)]
    ms: Option<f64>,
    /// The part of `ms` spent collecting descriptors in the page.
    #[serde(default)]
    collect_ms: Option<f64>,
    /// The part of `ms` waiting for the engine's reply (messaging and the wasm classifier).
    #[serde(default)]
    engine_ms: Option<f64>,
    /// The part of `engine_ms` spent in the offscreen engine host (wasm classifier and JSON).
    #[serde(default)]
    host_ms: Option<f64>,
    error: Option<String>,
}

/// Entry point: evaluates DIR and prints the report.
pub fn run(args: Args) -> Result<()> {
    let pages = html_files(&args.dir)?;
    if pages.is_empty() {
        bail!("no .html files in {}\n  fix: pass a folder of labelled pages, e.g. ../shared/data/form-autofill/training", args.dir.display());
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")?;
    let results = rt.block_on(evaluate(&args, &pages))?;
    if let Some(path) = &args.dump {
        write_dump(path, &pages, &results)?;
    }
    report(&args, &pages, &results);
    Ok(())
}

fn write_dump(path: &Path, pages: &[String], results: &[Result<PageResult>]) -> Result<()> {
    let dump: Vec<serde_json::Value> = pages
        .iter()
        .zip(results)
        .filter_map(|(file, r)| {
            let mut d = r.as_ref().ok()?.dump.clone()?;
            d["file"] = serde_json::json!(file);
            Some(d)
        })
        .collect();
    std::fs::write(path, serde_json::to_vec(&dump)?).with_context(|| format!("cannot write {}", path.display()))
}

fn html_files(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let name = entry?.file_name().to_string_lossy().to_string();
        if name.ends_with(".html") {
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}

async fn evaluate(args: &Args, pages: &[String]) -> Result<Vec<Result<PageResult>>> {
    let server = StaticServer::start(&args.dir, 0)?;
    // The store build has no measurement hook: the test-only harness build adds it.
    let build = secondself::test_build::HarnessBuild::new(&extension_dir())?;
    let b = ExtensionBrowser::launch(build.path(), &LaunchOptions { offline: true, ..Default::default() }).await?;
    // The first page also waits for the engine to load; warm it up once.
    let warm = evaluate_page_with_retry(args, &b, &server, &pages[0], Duration::from_secs(120)).await;
    let rest = futures::stream::iter(pages[1..].iter())
        .map(|p| evaluate_page_with_retry(args, &b, &server, p, Duration::from_secs(30)))
        .buffered(args.jobs.max(1))
        .collect::<Vec<_>>()
        .await;
    b.close().await?;
    let mut all = vec![warm];
    all.extend(rest);
    Ok(all)
}

/// A page that never finished is loaded once more in a fresh tab: now and then one stalls while
/// loading (the parser waits on the page's own resources, a different page each run, and the
/// same page passes alone). A second failure is reported, and its labelled fields count as wrong.
async fn evaluate_page_with_retry(args: &Args, b: &ExtensionBrowser, server: &StaticServer, file: &str, timeout: Duration) -> Result<PageResult> {
    match evaluate_page(args, b, server, file, timeout).await {
        Err(first) => evaluate_page(args, b, server, file, timeout).await.map_err(|again| again.context(format!("after a first try that failed: {first:#}"))),
        ok => ok,
    }
}

async fn evaluate_page(args: &Args, b: &ExtensionBrowser, server: &StaticServer, file: &str, timeout: Duration) -> Result<PageResult> {
    let page = b.browser.new_page("about:blank").await.context("cannot open a tab")?;
    let result = async {
        // Snapshots reference third-party resources: only our server may answer.
        let _ = page.execute(EnableParams::default()).await;
        let blocked = SetBlockedUrLsParams::builder()
            .url_pattern(BlockPattern::new(format!("{}/*", server.origin()), false))
            .url_pattern(BlockPattern::new("*://*:*/*", true))
            .build();
        let _ = page.execute(blocked).await;
        let dump = args.dump.is_some();
        page.evaluate_on_new_document(HARNESS).await.context("cannot add the harness script")?;
        let url = server.url(&format!("/{}", percent_encode(file)));
        // Navigate from the page itself, not with chromiumoxide's goto: its load tracking never saw
        // some pages finish (those whose third-party frames are blocked), and they timed out. The
        // wait below is for the content script's own "done" mark.
        browser::eval::<u8>(&page, &format!("location.href = {}, 0", serde_json::to_string(&url)?))
            .await
            .with_context(|| format!("cannot load {file}"))?;
        if let Err(e) = browser::wait_until(&page, "document.documentElement.getAttribute('data-secondself-eval-done') === '1'", timeout).await {
            // Say where the page stood: loaded or not, harness ran or not, content script marked anything.
            let state = browser::eval::<String>(&page, PAGE_STATE).await.unwrap_or_else(|e| format!("unknown: {e}"));
            return Err(e.context(format!("{file}: the content script did not finish (page: {state})")));
        }
        let mut result = browser::eval::<PageResult>(&page, "window.__secondselfEvalResult()").await?;
        if dump {
            let collector = std::fs::read_to_string(extension_dir().join("content/autofill-fields.js"))?;
            result.dump = Some(browser::eval(&page, &format!("{collector}; window.__secondselfEvalDump()")).await?);
        }
        Ok(result)
    }
    .await;
    let _ = page.close().await;
    result
}

fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(args: &Args, pages: &[String], results: &[Result<PageResult>]) {
    let mut failed = 0;
    let mut times = Vec::new();
    let mut collect_times = Vec::new();
    let mut engine_times = Vec::new();
    let mut host_times = Vec::new();
    for (name, r) in pages.iter().zip(results) {
        match r {
            Ok(p) => {
                if let Some(e) = &p.error {
                    eprintln!("{name}: engine error: {e}");
                    failed += 1;
                } else if let Some(ms) = p.ms.filter(|m| m.is_finite()) {
                    times.push(ms);
                    collect_times.extend(p.collect_ms.filter(|m| m.is_finite()));
                    engine_times.extend(p.engine_ms.filter(|m| m.is_finite()));
                    host_times.extend(p.host_ms.filter(|m| m.is_finite()));
                }
            }
            Err(e) => {
                eprintln!("{name}: {e:#}");
                failed += 1;
            }
        }
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    collect_times.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    engine_times.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    host_times.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let ok: Vec<&PageResult> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    println!("pages: {} ({} failed) from {}", pages.len(), failed, args.dir.display());
    println!(
        "classify+fill time per form: median {:.1} ms, p95 {:.1} ms ({} forms)",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times.len()
    );
    println!(
        "  of which collecting descriptors in the page: median {:.1} ms, p95 {:.1} ms; waiting for the engine (messaging and the wasm classifier): median {:.1} ms, p95 {:.1} ms; the rest is writing values",
        percentile(&collect_times, 0.5),
        percentile(&collect_times, 0.95),
        percentile(&engine_times, 0.5),
        percentile(&engine_times, 0.95)
    );
    if !host_times.is_empty() {
        println!(
            "  of the engine's share, in the engine host (wasm classifier, values, JSON): median {:.1} ms, p95 {:.1} ms; the rest is messaging",
            percentile(&host_times, 0.5),
            percentile(&host_times, 0.95)
        );
    }

    if args.negatives {
        let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
        for p in &ok {
            for t in p.predicted.iter().filter(|t| is_address_or_payment(t)) {
                *by_type.entry(t).or_default() += 1;
            }
        }
        let fields: usize = ok.iter().map(|p| p.predicted.len()).sum();
        println!("controls classified: {fields}");
        for (t, n) in &by_type {
            println!("  {n:5}  {t}");
        }
        println!("false fills: {}", by_type.values().sum::<usize>());
        return;
    }

    // Labelled pages: the labelled fields of a page that failed count as wrong.
    let mut confusion: HashMap<(&str, &str), usize> = HashMap::new();
    let mut tp: HashMap<&str, usize> = HashMap::new();
    let mut predicted: HashMap<&str, usize> = HashMap::new();
    let mut support: HashMap<&str, usize> = HashMap::new();
    let (mut right, mut total) = (0usize, 0usize);
    for p in &ok {
        for f in &p.fields {
            total += 1;
            *support.entry(&f.truth).or_default() += 1;
            *predicted.entry(&f.predicted).or_default() += 1;
            if f.truth == f.predicted {
                right += 1;
                *tp.entry(&f.truth).or_default() += 1;
            } else {
                *confusion.entry((&f.truth, &f.predicted)).or_default() += 1;
            }
        }
    }
    let mut conf: Vec<_> = confusion.into_iter().collect();
    conf.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!("most common confusions (truth -> predicted):");
    for ((t, p), n) in conf.iter().take(25) {
        println!("  {n:5}  {t} -> {p}");
    }
    let mut types: Vec<&str> = support.keys().chain(predicted.keys()).copied().collect();
    types.sort();
    types.dedup();
    println!("{:<24} {:>9} {:>9} {:>7}", "type", "precision", "recall", "support");
    for t in types {
        let s = support.get(t).copied().unwrap_or(0);
        let pr = predicted.get(t).copied().unwrap_or(0);
        let hit = tp.get(t).copied().unwrap_or(0) as f64;
        let fmt = |n: usize| if n == 0 { "-".to_string() } else { format!("{:.3}", hit / n as f64) };
        println!("{t:<24} {:>9} {:>9} {s:>7}", fmt(pr), fmt(s));
    }
    for (name, r) in pages.iter().zip(results) {
        if r.is_err() {
            total += labels_in(&args.dir.join(name));
        }
    }
    let z = if total == 0 { 0.0 } else { right as f64 / total as f64 };
    println!("field accuracy: {right}/{total} ({z:.4})");
}

/// How many controls of a page's file carry a label: the fields a failed page leaves unscored.
fn labels_in(path: &Path) -> usize {
    std::fs::read(path).map_or(0, |b| String::from_utf8_lossy(&b).matches("data-moz-autofill-type=").count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_sorted_times() {
        let t = [1.0, 2.0, 3.0, 4.0, 100.0];
        assert_eq!(percentile(&t, 0.5), 3.0);
        assert_eq!(percentile(&t, 0.95), 100.0);
        assert!(percentile(&[], 0.5).is_nan());
    }

    #[test]
    fn a_failed_page_leaves_its_labelled_fields_to_count_as_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("p.html");
        std::fs::write(&page, r#"<input data-moz-autofill-type="email"><select data-moz-autofill-type="country"></select><input name="q">"#).unwrap();
        assert_eq!(labels_in(&page), 2);
        assert_eq!(labels_in(&dir.path().join("missing.html")), 0);
    }

    #[test]
    fn file_names_are_url_safe() {
        assert_eq!(percent_encode("QA_DE_www.x.de.html"), "QA_DE_www.x.de.html");
        assert_eq!(percent_encode("a b&.html"), "a%20b%26.html");
    }
}
