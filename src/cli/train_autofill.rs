//! `secondself train autofill DIR --negatives DIR2`: trains the learned layer of the autofill
//! classifier (`engine/src/tasks/autofill/learned.rs`) on labelled pages.
//!
//! 1. Collects every page's field descriptors in headless Chromium with the real content script
//!    (the `eval autofill --dump` path: labels are stripped before the collector runs and paired
//!    by the harness), cached as JSON in `--work`.
//! 2. Cross-validates by site (`--folds`, default 5): prints the rules alone and rules + learned
//!    layer on pages held out from training, so the reported accuracy is on unseen sites.
//! 3. Trains on everything and writes `--out` (default `assets/autofill/field-classifier.bin`,
//!    which the engine embeds at its next build).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;

use secondself_engine::tasks::autofill::train::{cross_validate, prepare, train, LabelledPage, TrainOptions};
use secondself_engine::tasks::autofill::FieldDescriptor;

use super::eval_autofill;

/// `secondself train autofill DIR --negatives DIR2`
#[derive(Debug, Clone, ClapArgs)]
pub struct Args {
    /// Folder of labelled `.html` pages (`data-moz-autofill-type` on the controls).
    pub dir: PathBuf,
    /// Folder of pages without address or payment forms; their fields teach "none".
    #[arg(long, value_name = "DIR")]
    pub negatives: Option<PathBuf>,
    /// Where the collected descriptors are cached.
    #[arg(long, default_value = "target/autofill-train")]
    pub work: PathBuf,
    /// Use the cached descriptors from an earlier run instead of collecting again.
    #[arg(long)]
    pub reuse: bool,
    /// Cross-validation folds (sites are never split across folds); 0 skips it.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    #[arg(long, default_value_t = TrainOptions::default().epochs)]
    pub epochs: usize,
    /// Where to write the trained weights.
    #[arg(long, default_value = "assets/autofill/field-classifier.bin")]
    pub out: PathBuf,
    /// How many of the held-out confusions to print.
    #[arg(long, default_value_t = 12)]
    pub show: usize,
    #[arg(long, default_value_t = TrainOptions::default().learning_rate)]
    pub learning_rate: f32,
    #[arg(long, default_value_t = TrainOptions::default().l2)]
    pub l2: f32,
    #[arg(long, default_value_t = TrainOptions::default().min_prob)]
    pub min_prob: f32,
    #[arg(long, default_value_t = TrainOptions::default().min_count)]
    pub min_count: usize,
    #[arg(long, default_value_t = TrainOptions::default().prune)]
    pub prune: f32,
    /// Pages collected at once (browser tabs).
    #[arg(long, default_value_t = 2)]
    pub jobs: usize,
}

#[derive(serde::Deserialize)]
struct DumpPage {
    file: String,
    fields: Vec<serde_json::Value>,
}

pub fn run(args: Args) -> Result<()> {
    std::fs::create_dir_all(&args.work).with_context(|| format!("cannot create {}", args.work.display()))?;
    let mut pages = collect(&args, &args.dir, "train.json", false)?;
    if let Some(neg) = &args.negatives {
        pages.extend(collect(&args, neg, "negatives.json", true)?);
    }
    let labelled = pages.iter().flat_map(|p| &p.truth).filter(|t| t.is_some()).count();
    println!("{} pages, {} fields, {} labelled", pages.len(), pages.iter().map(|p| p.fields.len()).sum::<usize>(), labelled);
    let o = TrainOptions {
        epochs: args.epochs,
        learning_rate: args.learning_rate,
        l2: args.l2,
        min_prob: args.min_prob,
        min_count: args.min_count,
        prune: args.prune,
        ..Default::default()
    };
    let prep = prepare(&pages);
    if args.folds >= 2 {
        let (rules, learned) = cross_validate(&pages, &prep, args.folds, &o);
        println!("held-out sites ({} folds):", args.folds);
        for (name, s) in [("rules alone", &rules), ("rules + learned", &learned)] {
            println!("  {name:16} field accuracy {}/{} ({:.4}), false fills {}", s.correct, s.labelled, s.accuracy(), s.false_fills);
        }
        let mut c: Vec<_> = learned.confusion.iter().collect();
        c.sort_by(|a, b| b.1.cmp(a.1));
        println!("  most confused (held-out, rules + learned):");
        for ((t, p), n) in c.iter().take(args.show) {
            println!("    {n:4} {t} -> {p}");
        }
    }
    let model = train(&pages, &prep, &|_| true, &o);
    let bytes = model.to_bytes();
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // Write beside, then rename: a failed run never leaves a half-written model.
    let tmp = args.out.with_extension("bin.tmp");
    std::fs::write(&tmp, &bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &args.out)?;
    println!(
        "wrote {} ({} classes, {} features, {:.0} KiB); rebuild the engine to ship it",
        args.out.display(),
        model.classes.len(),
        model.weights.len(),
        bytes.len() as f64 / 1024.0
    );
    Ok(())
}

/// The descriptors of every page in `dir`, collected in the browser (or reused from `--work`).
fn collect(args: &Args, dir: &Path, cache: &str, negative: bool) -> Result<Vec<LabelledPage>> {
    let path = args.work.join(cache);
    if !(args.reuse && path.exists()) {
        eval_autofill::run(eval_autofill::Args { dir: dir.to_path_buf(), negatives: negative, jobs: args.jobs, dump: Some(path.clone()) })?;
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let dump: Vec<DumpPage> = serde_json::from_str(&text).with_context(|| format!("{} is not a descriptor dump", path.display()))?;
    if dump.is_empty() {
        bail!("no pages collected from {}", dir.display());
    }
    dump.into_iter()
        .map(|p| {
            let truth = p.fields.iter().map(|f| f["label_truth"].as_str().map(str::to_string)).collect();
            let fields = p.fields.into_iter().map(serde_json::from_value::<FieldDescriptor>).collect::<Result<Vec<_>, _>>()?;
            Ok(LabelledPage { site: site_of(&p.file), fields, truth, negative })
        })
        .collect()
}

/// Pages of one site share a name up to a variant letter (`EN_A32b.html` is `EN_A32`).
fn site_of(file: &str) -> String {
    let stem = file.trim_end_matches(".html");
    let mut chars: Vec<char> = stem.chars().collect();
    if chars.len() > 2 && chars[chars.len() - 1].is_ascii_lowercase() && chars[chars.len() - 2].is_ascii_digit() {
        chars.pop();
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_of_a_page_are_one_site() {
        assert_eq!(site_of("EN_A32b.html"), "EN_A32");
        assert_eq!(site_of("EN_A32.html"), "EN_A32");
        assert_eq!(site_of("DE_www.mediamarkt.de.html"), "DE_www.mediamarkt.de");
    }
}
