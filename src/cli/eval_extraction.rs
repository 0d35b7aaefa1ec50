//! `secondself eval extraction PERSONA_DIR [--labels FILE]`: imports `PERSONA_DIR/sources` into a
//! fresh temporary store, runs the L1 rules and scores what they propose, source by source,
//! against a labelled extraction set (`PERSONA_DIR/extraction.jsonl` unless `--labels` names
//! another file). A label is `{"source": "notes/x.md", "key": "organization", "value": "…"}`: a
//! fact about the user that this source states, current when it was written.
//!
//! Recall: labels for which the rules proposed that key with a matching value from a chunk of
//! that source (values compared as `eval profile` compares them; an amount also matches when
//! the proposal adds its label, `72.000 € (brutto)`). E-mail addresses are found once for the
//! whole store, so they are matched without their source. Precision: of the proposals whose key
//! appears in the labels, those that match a label of their own source. Printed per fact kind;
//! the last line is exactly `extraction recall: R/N, precision: C/P`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use secondself_engine::memory::distil;
use secondself_engine::memory::l1::norm;
use secondself_engine::memory::native::NativeStore;
use secondself_engine::memory::store::Store;
use serde::Deserialize;

use super::eval_profile::matches;
use super::memory::{collect_files, import_paths, now};

/// `secondself eval extraction …`
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Persona directory with `sources/` (and `extraction.jsonl` unless `--labels` is given).
    pub persona_dir: PathBuf,
    /// The labels file, when it does not live in the persona directory.
    #[arg(long)]
    pub labels: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    pub source: String,
    pub key: String,
    pub value: String,
}

/// The kind a key is scored under.
pub fn kind_of(key: &str) -> &'static str {
    match key {
        "name" | "given-name" | "family-name" | "additional-name" | "honorific-prefix" | "bday" | "language" => "identity",
        "email" | "work-email" | "email-candidate" | "tel-national" | "tel" => "contact",
        "street-address" | "address-line1" | "postal-code" | "address-level2" | "address-level1" | "country" => "address",
        "organization" | "organization-title" => "work",
        "partner" => "people",
        "diet" | "allergies" | "dislikes" | "t-shirt-size" => "preferences",
        _ => "private",
    }
}

/// Counts for one kind.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Score {
    pub labelled: usize,
    pub found: usize,
    pub proposed: usize,
    pub correct: usize,
}

fn value_matches(key: &str, label: &str, got: &str) -> bool {
    if matches(key, label, got) {
        return true;
    }
    // `72.000 € (brutto)` states the amount `72.000 €`.
    let (l, g) = (norm(label), norm(got));
    !l.is_empty() && g.starts_with(&l) && g[l.len()..].trim_start().starts_with('(')
}

fn is_email(key: &str) -> bool {
    matches!(key, "email" | "work-email" | "email-candidate")
}

/// Scores the rules on a persona against labels; per kind, in a fixed order.
pub fn evaluate(dir: &Path, labels_path: &Path) -> Result<Vec<(&'static str, Score)>> {
    let raw = std::fs::read_to_string(labels_path).with_context(|| format!("reading {}", labels_path.display()))?;
    let labels: Vec<Label> = raw
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("{} line {}", labels_path.display(), i + 1)))
        .collect::<Result<_>>()?;
    let sources_dir = dir.join("sources");
    let files = collect_files(std::slice::from_ref(&sources_dir))?;
    if files.is_empty() {
        bail!("no files under {}", sources_dir.display());
    }
    let tmp = std::env::temp_dir().join(format!("secondself-extract-{}-{}-{}", std::process::id(), now(), files.len()));
    let result = (|| -> Result<_> {
        let mut store = NativeStore::open(&tmp)?;
        import_paths(&mut store, &files, Some(&sources_dir), true);
        let sources = pollster::block_on(store.sources())?;
        let chunks = pollster::block_on(store.chunks())?;
        Ok((sources, chunks))
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    let (sources, chunks) = result?;
    let cands = distil::candidates(&sources, &chunks);
    // Chunk → the source's name as imported (its path under `sources/`).
    let source_name: HashMap<&str, &str> = sources.iter().map(|s| (s.id.as_str(), s.name.as_str())).collect();
    let chunk_source: HashMap<&str, &str> = chunks.iter().filter_map(|c| source_name.get(c.source_id.as_str()).map(|n| (c.id.as_str(), *n))).collect();
    let from = |c: &distil::Candidate| c.chunk_id.as_deref().and_then(|id| chunk_source.get(id).copied()).unwrap_or("");
    let same_source = |name: &str, label: &str| !name.is_empty() && (name == label || name.ends_with(&format!("/{label}")) || label.ends_with(name));
    let label_keys: std::collections::HashSet<&str> = labels.iter().map(|l| l.key.as_str()).collect();
    let mut scores: BTreeMap<&'static str, Score> = BTreeMap::new();
    for l in &labels {
        let s = scores.entry(kind_of(&l.key)).or_default();
        s.labelled += 1;
        let found = cands.iter().any(|c| {
            if is_email(&l.key) {
                is_email(&c.key) && norm(&c.value) == norm(&l.value)
            } else {
                c.key == l.key && same_source(from(c), &l.source) && value_matches(&l.key, &l.value, &c.value)
            }
        });
        s.found += found as usize;
    }
    // Proposals: e-mail candidates once per address; the rest per source, key and value.
    let mut seen = std::collections::HashSet::new();
    for c in &cands {
        let key = if is_email(&c.key) { "email" } else { c.key.as_str() };
        if !(label_keys.contains(key) || (key == "email" && label_keys.contains("work-email"))) || c.value.trim().is_empty() {
            continue;
        }
        let src = if key == "email" { "" } else { from(c) };
        if !seen.insert((key.to_string(), src.to_string(), norm(&c.value))) {
            continue;
        }
        let s = scores.entry(kind_of(key)).or_default();
        s.proposed += 1;
        let ok = labels.iter().any(|l| {
            if key == "email" {
                is_email(&l.key) && norm(&l.value) == norm(&c.value)
            } else {
                l.key == c.key && same_source(src, &l.source) && value_matches(&l.key, &l.value, &c.value)
            }
        });
        s.correct += ok as usize;
    }
    let order = ["identity", "contact", "address", "work", "people", "preferences", "private"];
    Ok(order.iter().filter_map(|k| scores.get(k).map(|s| (*k, *s))).collect())
}

fn ratio(a: usize, b: usize) -> String {
    if b == 0 {
        "-".into()
    } else {
        format!("{:.2}", a as f64 / b as f64)
    }
}

pub fn run(args: Args) -> Result<()> {
    let labels = args.labels.clone().unwrap_or_else(|| args.persona_dir.join("extraction.jsonl"));
    let scores = evaluate(&args.persona_dir, &labels)?;
    println!("{:<12} {:>8} {:>6} {:>7} {:>9} {:>8} {:>10}", "kind", "labelled", "found", "recall", "proposed", "correct", "precision");
    let mut total = Score::default();
    for (kind, s) in &scores {
        println!("{kind:<12} {:>8} {:>6} {:>7} {:>9} {:>8} {:>10}", s.labelled, s.found, ratio(s.found, s.labelled), s.proposed, s.correct, ratio(s.correct, s.proposed));
        total.labelled += s.labelled;
        total.found += s.found;
        total.proposed += s.proposed;
        total.correct += s.correct;
    }
    println!("extraction recall: {}/{}, precision: {}/{}", total.found, total.labelled, total.correct, total.proposed);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_kinds() {
        assert!(value_matches("finances", "72.000 €", "72.000 € (brutto)"));
        assert!(!value_matches("finances", "72.000 €", "720 €"));
        assert!(value_matches("organization", "Acme GmbH", "acme gmbh"));
        assert_eq!(kind_of("postal-code"), "address");
        assert_eq!(kind_of("national-id"), "private");
    }

    /// The rules find most of what the team labelled in its German persona, and most of what
    /// they propose is labelled.
    #[test]
    fn team_persona_extraction() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/personas/katharina-brandt");
        let scores = evaluate(&dir, &dir.join("extraction.jsonl")).unwrap();
        let (found, labelled, correct, proposed) = scores.iter().fold((0, 0, 0, 0), |t, (_, s)| (t.0 + s.found, t.1 + s.labelled, t.2 + s.correct, t.3 + s.proposed));
        assert!(labelled >= 50, "{scores:?}");
        assert!(found * 10 >= labelled * 7, "recall {found}/{labelled}: {scores:?}");
        assert!(correct * 10 >= proposed * 7, "precision {correct}/{proposed}: {scores:?}");
    }
}
