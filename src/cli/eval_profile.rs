//! `secondself eval profile PERSONA_DIR`: imports `PERSONA_DIR/sources` into a fresh temporary
//! store, distils L1 and compares the profile with `PERSONA_DIR/profile.json` key by key.
//!
//! Comparison: case and whitespace are normalised; phone keys (`tel*`) compare digits only;
//! a descriptive expected value made of items (`a (detail); b - c`) is right when every item,
//! without its parenthesised detail, appears word for word in what we got. The `sensitive` list
//! is not scored for accuracy; each entry is checked to be held only in facts classed
//! sensitive. The last line is exactly `profile accuracy: X/Y`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use secondself_engine::memory::l1::{self, norm, singular};
use secondself_engine::memory::native::NativeStore;
use secondself_engine::memory::{Fact, Sensitivity};
use secondself_engine::tasks::evidence::without_asides;

use super::memory::{collect_files, import_paths, now};

/// `secondself eval profile …`
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Persona directory with `sources/` and `profile.json`.
    pub persona_dir: PathBuf,
}

fn words(s: &str) -> Vec<String> {
    norm(s)
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(singular)
        .collect()
}

/// Whether `got` matches `expected` for `key` under the rules in the module doc.
pub fn matches(key: &str, expected: &str, got: &str) -> bool {
    if key.starts_with("tel") {
        let d = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        return !d(expected).is_empty() && d(expected) == d(got);
    }
    if norm(expected) == norm(got) {
        return true;
    }
    // A diet is one of a few kinds, whatever language either side names it in
    // (`végétarienne` is `vegetarian`).
    if key == "diet" {
        if let (Some(a), Some(b)) = (secondself_engine::lexicon::diet(expected), secondself_engine::lexicon::diet(got)) {
            return a == b;
        }
    }
    let descriptive = expected.contains(';') || expected.contains('(') || expected.contains(" - ");
    if !descriptive || got.trim().is_empty() {
        return false;
    }
    let got_words = words(got);
    let items: Vec<String> = without_asides(expected).split([';']).flat_map(|s| s.split(" - ").map(str::to_string).collect::<Vec<_>>()).collect();
    let items: Vec<Vec<String>> = items.iter().map(|i| words(i)).filter(|w| !w.is_empty()).collect();
    !items.is_empty() && items.iter().all(|item| item.iter().all(|w| got_words.contains(w)))
}

/// The outcome of one evaluation.
#[derive(Debug, Default)]
pub struct Report {
    /// One line per scored key and per sensitive entry, in print order.
    pub lines: Vec<String>,
    pub right: usize,
    pub total: usize,
    pub sensitive_ok: usize,
    pub sensitive_total: usize,
}

/// Imports the persona into a fresh temporary store, distils, and scores it.
pub fn evaluate(dir: &Path) -> Result<Report> {
    let profile_path = dir.join("profile.json");
    let raw = std::fs::read_to_string(&profile_path).with_context(|| format!("reading {}", profile_path.display()))?;
    let expected: BTreeMap<String, serde_json::Value> = serde_json::from_str(&raw).with_context(|| format!("{} is not a JSON object", profile_path.display()))?;
    let sources = dir.join("sources");
    let files = collect_files(std::slice::from_ref(&sources))?;
    if files.is_empty() {
        bail!("no files under {}", sources.display());
    }
    let tmp = std::env::temp_dir().join(format!("secondself-eval-{}-{}-{}", std::process::id(), now(), files.len()));
    let result = (|| -> Result<(Vec<Fact>, usize)> {
        let mut store = NativeStore::open(&tmp)?;
        let (_, _, failed) = import_paths(&mut store, &files, Some(&sources), true);
        let facts = pollster::block_on(l1::distil(&mut store, now()))?;
        Ok((facts, failed))
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    let (facts, failed) = result?;
    let mut r = Report::default();
    r.lines.push(format!("imported {} files from {} ({failed} failed)", files.len(), sources.display()));
    let got = l1::profile(&facts);
    for (key, value) in &expected {
        if key == "sensitive" {
            continue;
        }
        let Some(exp) = value.as_str() else { continue };
        r.total += 1;
        let g = got.get(key).map(String::as_str).unwrap_or("");
        let ok = matches(key, exp, g);
        r.right += ok as usize;
        r.lines.push(format!("{}  {key:<20} expected {exp:?} got {g:?}", if ok { "right" } else { "WRONG" }));
    }
    if let Some(list) = expected.get("sensitive").and_then(|v| v.as_array()) {
        for s in list.iter().filter_map(|v| v.as_str()) {
            r.sensitive_total += 1;
            let needle = norm(s);
            // The value as a whole word or phrase (`astma` is not inside `fastmail`).
            let holds = |v: &str| {
                let v = norm(v);
                v.match_indices(&needle).any(|(i, _)| {
                    let before = v[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
                    let after = v[i + needle.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
                    before && after
                })
            };
            let holders: Vec<&Fact> = facts.iter().filter(|f| holds(&f.value)).collect();
            let leaked: Vec<&str> = holders.iter().filter(|f| f.sensitivity != Sensitivity::Sensitive).map(|f| f.key.as_str()).collect();
            let status = if holders.is_empty() {
                "not found".to_string()
            } else if leaked.is_empty() {
                r.sensitive_ok += 1;
                format!("sensitive ({})", holders.iter().map(|f| f.key.as_str()).collect::<Vec<_>>().join(", "))
            } else {
                format!("NOT SENSITIVE in {}", leaked.join(", "))
            };
            r.lines.push(format!("sensitive {s:?}: {status}"));
        }
        r.lines.push(format!("sensitive classed: {}/{}", r.sensitive_ok, r.sensitive_total));
    }
    Ok(r)
}

pub fn run(args: Args) -> Result<()> {
    let r = evaluate(&args.persona_dir)?;
    for l in &r.lines {
        println!("{l}");
    }
    println!("profile accuracy: {}/{}", r.right, r.total);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn comparison_rules() {
        assert!(matches("tel", "+44 7700 900762", "+447700900762"));
        assert!(!matches("tel", "+44 7700 900762", "07700 900762"));
        assert!(matches("organization-title", "Senior Data Engineer", " senior  data engineer"));
        assert!(!matches("organization-title", "Senior Data Engineer", "Data Engineer"));
        assert!(matches("dislikes", "coriander; meetings before 9:30", "meetings before 9:30; coriander; loud rooms"));
        assert!(!matches("dislikes", "coriander; meetings before 9:30", "coriander"));
        assert!(matches("allergies", "tree nuts (cashew) - carries EpiPen; peanuts fine", "tree nut; carries EpiPen; peanuts fine"));
        assert!(matches("diet", "vegetarian (eggs and dairy; no meat)", "vegetarian"));
        assert!(!matches("diet", "vegetarian (eggs)", ""));
        assert!(matches("diet", "vegetariana", "vegetarian") && !matches("diet", "vegana", "vegetarian"));
        assert!(matches("allergies", "tree nuts (cashew) - carries EpiPen; peanuts fine", "tree nuts; carries EpiPen; peanuts fine"));
    }

    /// The bar: at least 90% of the benchmark persona's keys, every sensitive entry
    /// classed sensitive. Reads the shared data in place.
    #[test]
    fn benchmark_persona_reaches_the_bar() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/personas/maya-okafor");
        if !dir.join("profile.json").exists() {
            eprintln!("skipped: {} not present", dir.display());
            return;
        }
        let r = super::evaluate(&dir).unwrap();
        assert!(r.total >= 20, "{r:?}");
        assert!(r.right * 10 >= r.total * 9, "accuracy {}/{}:\n{}", r.right, r.total, r.lines.join("\n"));
        assert_eq!(r.sensitive_ok, r.sensitive_total, "{}", r.lines.join("\n"));
    }

    /// The team's personas in other countries and languages (German, Spanish) reach the same
    /// bar: the rules are not fitted to one person's notes.
    #[test]
    fn team_personas_reach_the_bar() {
        for name in ["katharina-brandt", "lucia-romero"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/personas").join(name);
            let r = super::evaluate(&dir).unwrap();
            assert!(r.total >= 20, "{name}: {r:?}");
            assert!(r.right * 10 >= r.total * 9, "{name}: accuracy {}/{}:\n{}", r.right, r.total, r.lines.join("\n"));
            assert!(r.sensitive_ok * 10 >= r.sensitive_total * 9, "{name}: {}", r.lines.join("\n"));
        }
        // The smaller lives written blind (Swedish, French, Swiss French, Québec French, and each
        // mixed with English): the same bar.
        for name in ["ida-fransson", "nadia-benali", "julien-perrin", "karin-ekstrom", "elodie-marchand", "sebastien-cote"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/personas").join(name);
            let r = super::evaluate(&dir).unwrap();
            assert!(r.total >= 20, "{name}: {r:?}");
            assert!(r.right * 10 >= r.total * 9, "{name}: accuracy {}/{}:\n{}", r.right, r.total, r.lines.join("\n"));
            assert!(r.sensitive_ok * 4 >= r.sensitive_total * 3, "{name}: {}", r.lines.join("\n"));
        }
    }
}
