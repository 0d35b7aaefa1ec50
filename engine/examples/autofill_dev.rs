//! Dev-only: scores the autofill classifier natively on descriptors dumped from real pages, in
//! seconds instead of a browser run, and times it.
//!
//! Dump once: `secondself eval autofill DIR --dump target/train.json` (and the negatives with
//! `--negatives --dump target/neg.json`); each descriptor carries the harness's `label_truth`,
//! which only this tool reads. Then:
//! `cargo run --release -p secondself-engine --example autofill_dev -- target/train.json [target/neg.json] [-v] [--only=TRUTH>PREDICTED] [--held-out]`
//! prints the confusion summary, the classify time per page and `field accuracy` / `false fills`
//! as the CLI counts them. The browser CLI stays the measure of record. The learned layer has
//! been trained on the training pages, so their score here is not what unseen sites get:
//! `secondself train autofill` prints that, by cross-validation over sites. With `--held-out`
//! the training pages are scored here that way too (5 folds, each page by a model trained without
//! it), and `-v` lists the mistakes made on sites the learned layer has not seen: the ones worth a
//! rule.
use std::collections::HashMap;

use secondself_engine::tasks::autofill::train::{held_out_predictions, prepare, LabelledPage, TrainOptions};
use secondself_engine::tasks::autofill::{classify, is_address_or_payment, FieldDescriptor, Prediction};

#[derive(serde::Deserialize)]
struct Page {
    file: String,
    fields: Vec<serde_json::Value>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v");
    let filter: Option<String> = args.iter().find_map(|a| a.strip_prefix("--only=").map(str::to_string));
    let train: Vec<Page> = serde_json::from_str(&std::fs::read_to_string(&args[0]).unwrap()).unwrap();
    let held_out = args.iter().any(|a| a == "--held-out").then(|| held_out(&train));
    let (mut ok, mut total) = (0, 0);
    let mut times: Vec<f64> = Vec::new();
    let mut conf: HashMap<(String, String), usize> = HashMap::new();
    for (i, p) in train.iter().enumerate() {
        let descs: Vec<FieldDescriptor> = p.fields.iter().map(|f| serde_json::from_value(f.clone()).unwrap()).collect();
        let t0 = std::time::Instant::now();
        let preds = match &held_out {
            Some(h) => h[i].clone(),
            None => classify(&descs),
        };
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
        if verbose && *times.last().unwrap_or(&0.0) > 3.0 {
            println!("slow: {} {:.1} ms, {} fields", p.file, times.last().unwrap_or(&0.0), descs.len());
        }
        for (f, pr) in p.fields.iter().zip(&preds) {
            let Some(truth) = f["label_truth"].as_str() else { continue };
            total += 1;
            if truth == pr.token {
                ok += 1;
            } else {
                *conf.entry((truth.to_string(), pr.token.clone())).or_default() += 1;
                if verbose && filter.as_deref().map(|x| x == format!("{truth}>{}", pr.token)).unwrap_or(true) {
                    println!("{} {truth} -> {} | {}", p.file, pr.token, brief(f));
                }
            }
        }
    }
    let mut c: Vec<_> = conf.into_iter().collect();
    c.sort_by(|a, b| b.1.cmp(&a.1));
    for ((t, p), n) in c.iter().take(45) {
        println!("{n:5} {t} -> {p}");
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!("classify time per page: median {:.2} ms, p95 {:.2} ms", times[times.len() / 2], times[times.len() * 95 / 100]);
    println!("field accuracy: {ok}/{total} ({:.4})", ok as f64 / total as f64);
    if let Some(neg) = args.get(1).filter(|a| !a.starts_with('-')) {
        let neg: Vec<Page> = serde_json::from_str(&std::fs::read_to_string(neg).unwrap()).unwrap();
        let mut n = 0;
        for p in &neg {
            let descs: Vec<FieldDescriptor> = p.fields.iter().map(|f| serde_json::from_value(f.clone()).unwrap()).collect();
            for (f, pr) in p.fields.iter().zip(classify(&descs)) {
                if is_address_or_payment(&pr.token) {
                    n += 1;
                    if verbose && filter.is_none() {
                        println!("NEG {} -> {} | {}", p.file, pr.token, brief(f));
                    }
                }
            }
        }
        println!("false fills: {n}");
    }
}

/// Each training page's predictions by a model trained on the other folds' pages.
fn held_out(train: &[Page]) -> Vec<Vec<Prediction>> {
    let pages: Vec<LabelledPage> = train
        .iter()
        .map(|p| LabelledPage {
            site: p.file.clone(),
            fields: p.fields.iter().map(|f| serde_json::from_value(f.clone()).unwrap()).collect(),
            truth: p.fields.iter().map(|f| f["label_truth"].as_str().map(str::to_string)).collect(),
            negative: false,
        })
        .collect();
    held_out_predictions(&pages, &prepare(&pages), 5, &TrainOptions::default())
}

fn brief(f: &serde_json::Value) -> String {
    let mut out = String::new();
    for k in ["type", "autocomplete", "label", "aria_label", "placeholder", "name", "id", "nearby", "max_length", "position", "section"] {
        let v = &f[k];
        if v.is_null() || v.as_str() == Some("") { continue; }
        out.push_str(&format!("{k}={} ", v.to_string().chars().take(60).collect::<String>()));
    }
    if let Some(o) = f["options"].as_array() { if !o.is_empty() { out.push_str(&format!("opts={}:{}", o.len(), o.iter().take(4).map(|x| x["text"].to_string()).collect::<Vec<_>>().join(","))); } }
    out
}
