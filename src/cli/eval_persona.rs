//! `secondself eval persona DIR [--json FILE]`: imports `DIR/sources` into a fresh temporary
//! store, distils L1, runs every case of `DIR/cases.jsonl` natively and prints the table of the
//! paper: memory (self), memory (third-party), context enhance, context critic, autofill
//! (values), each a score in [0, 1] with counts, then `sensitive leaks: N`.
//!
//! Scoring (the persona README's rules):
//! - memory: right when any `accept` substring is in the answer and no `reject` substring is
//!   (case-insensitive). Answers go retrieve → prepare → the model → finish
//!   ([`secondself_engine::tasks::memory_qa`]).
//! - enhance: the share of `must_include` groups with a hit in the enhanced prompt; any
//!   `must_not_include` hit is a violation (the case scores 0).
//! - critic: the share of `issues` groups with a hit in the problems raised (text and cited
//!   memory); on `ok: true` cases a raised problem is a false alarm (the case scores 0).
//! - autofill: the value filled for the field; free-text fields need every `accept` string,
//!   `expected: ""` means the field must stay empty. A `<select>` case lists no options, so its
//!   value is compared as text.
//!
//! Sensitive leaks: values of the profile's `sensitive` list found in what is said to someone
//! else or added to a prompt: third-party answers, enhanced prompts, critic problems.
//!
//! The memory rows run the engine's model natively (the provisioned SmolLM2 on the `flex` CPU
//! backend, or `--model PATH`); when it cannot be loaded they print `n/a` (and are `null` in the
//! JSON). `--extractive` scores them without the model, on the pipeline's fallback alone
//! (`finish` with no model text), labelled as such in the table and under `*_extractive` keys.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use secondself_engine::embed::Embedder;
use secondself_engine::memory::native::NativeStore;
use secondself_engine::memory::{l1, manage, Fact};
use secondself_engine::service::Host;
use secondself_engine::tasks::autofill::draft::DraftAsk;
use secondself_engine::tasks::autofill::{classify, fill_values, FieldDescriptor};
use secondself_engine::tasks::memory_qa::{self, Asker};
use secondself_engine::model::LanguageModel;
use secondself_engine::tokenizer::ChatMessage;
use serde_json::Value;

use super::memory::{collect_files, import_paths, now};
use super::model_choice::{model_file, set_threads};

/// `secondself eval persona …`
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Persona directory with `sources/`, `profile.json` and `cases.jsonl`.
    pub persona_dir: PathBuf,
    /// Also write the scores as one JSON object to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Print every case with what was answered.
    #[arg(long, short)]
    pub verbose: bool,
    /// Without the model: score the memory rows on the pipeline's extractive fallback
    /// (`finish` with no model text), labelled as such. A baseline, not the model's score.
    #[arg(long)]
    pub extractive: bool,
    /// Another llama GGUF file instead of the default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// CPU worker threads for the model (default: all cores, at most 8).
    #[arg(long)]
    pub threads: Option<usize>,
    /// A LoRA adapter (GGUF, from `train sft|dpo`) the model answers with.
    #[arg(long)]
    pub adapter: Option<PathBuf>,
    /// Retrieve by keywords alone (no embedding model), as before hybrid retrieval.
    #[arg(long)]
    pub keywords_only: bool,
}

/// One row of the table.
#[derive(Debug, Default, Clone)]
pub struct Row {
    /// Sum of case scores (each in [0, 1]).
    pub score: f64,
    pub cases: usize,
    /// Cases fully right.
    pub full: usize,
    /// Enhance violations, critic false alarms.
    pub bad: usize,
}

impl Row {
    pub fn value(&self) -> f64 {
        if self.cases == 0 {
            0.0
        } else {
            self.score / self.cases as f64
        }
    }
}

/// The whole evaluation.
#[derive(Debug, Default)]
pub struct Report {
    /// `None` when the model could not be loaded.
    pub memory_self: Option<Row>,
    pub memory_third_party: Option<Row>,
    pub enhance: Row,
    pub critic: Row,
    pub autofill: Row,
    pub sensitive_leaks: usize,
    pub lines: Vec<String>,
    /// Why the memory rows are missing.
    pub model_missing: Option<String>,
    /// The memory rows were scored without the model (extractive fallback).
    pub extractive: bool,
    /// With the model: what it contributes to memory self on its own (see [`Paths`]).
    pub self_paths: Option<Paths>,
}

/// The model's own part in the memory-self answers: the same questions asked closed-book (no
/// retrieval, the bare question), the model's reply with retrieval but no fallback, and whose
/// words the full pipeline's answers are (the model's, the extractive fallback's, a rule's).
#[derive(Debug, Default, Clone)]
pub struct Paths {
    pub closed_book: Row,
    pub model_alone: Row,
    pub model_words: usize,
    pub fallback: usize,
    pub rule: usize,
}

/// Text generation for the memory rows: messages in, the model's text out.
pub type Generate<'a> = dyn FnMut(&[ChatMessage]) -> Result<String> + 'a;

/// The model for the memory rows: the provisioned SmolLM2 (or `--model PATH`) on the native
/// CPU backend, answering with [`memory_qa::generation_params`].
pub(crate) fn load_model(explicit: Option<PathBuf>, threads: Option<usize>, adapter: Option<&Path>) -> Result<Box<Generate<'static>>> {
    set_threads(threads);
    let path = model_file(explicit)?;
    let mut model = LanguageModel::load_file(&path, &burn::tensor::Device::flex()).with_context(|| format!("loading {}", path.display()))?;
    if let Some(a) = adapter {
        model.load_adapter_file(a).with_context(|| format!("applying the adapter {}", a.display()))?;
    }
    let params = memory_qa::generation_params();
    Ok(Box::new(move |messages: &[ChatMessage]| {
        let completion = pollster::block_on(model.complete(messages, &params, &mut |_| {}, &|| false)).context("generation failed")?;
        Ok(completion.text)
    }))
}

fn lower_all(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_lowercase)).collect()).unwrap_or_default()
}

fn any_in(text: &str, needles: &[String]) -> bool {
    needles.iter().any(|n| text.contains(n.as_str()))
}

/// Imports the persona into a fresh store; returns the store (in `tmp`) and the current facts.
pub(crate) fn import_persona(dir: &Path, tmp: &Path, embedder: Option<&Embedder>) -> Result<(NativeStore, Vec<Fact>)> {
    let sources = dir.join("sources");
    let files = collect_files(std::slice::from_ref(&sources))?;
    if files.is_empty() {
        bail!("no files under {}", sources.display());
    }
    let mut store = NativeStore::open(tmp)?;
    let (_, _, failed) = import_paths(&mut store, &files, Some(&sources), true);
    if failed > 0 {
        bail!("{failed} files of {} could not be imported", sources.display());
    }
    pollster::block_on(l1::distil(&mut store, now()))?;
    if let Some(e) = embedder {
        crate::cli::embedder::embed_store(&mut store, e, true)?;
    }
    let facts = pollster::block_on(manage::facts_for_pages(&store))?;
    Ok((store, facts))
}

/// Runs every case. `generate` is the model for the memory rows (`None`: those rows are skipped).
/// `embedder`: chunks and questions are embedded and retrieval is hybrid, as in the extension;
/// `None` retrieves by keywords alone.
pub fn evaluate(dir: &Path, mut generate: Option<&mut Generate>, extractive: bool, verbose: bool, embedder: Option<&Embedder>) -> Result<Report> {
    let cases_path = dir.join("cases.jsonl");
    let raw = std::fs::read_to_string(&cases_path).with_context(|| format!("reading {}", cases_path.display()))?;
    let profile_raw = std::fs::read_to_string(dir.join("profile.json")).with_context(|| format!("reading {}", dir.join("profile.json").display()))?;
    let profile: Value = serde_json::from_str(&profile_raw).context("profile.json is not JSON")?;
    let sensitive: Vec<String> = lower_all(&profile["sensitive"]);
    let tmp = std::env::temp_dir().join(format!("secondself-eval-persona-{}-{}", std::process::id(), now()));
    let imported = import_persona(dir, &tmp, embedder);
    let result = imported.and_then(|(mut store, facts)| run_cases(&raw, &mut store, &facts, &sensitive, generate.as_deref_mut(), extractive, verbose, embedder));
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

#[allow(clippy::too_many_arguments)]
fn run_cases(raw: &str, store: &mut NativeStore, facts: &[Fact], sensitive: &[String], generate: Option<&mut Generate>, extractive: bool, verbose: bool, embedder: Option<&Embedder>) -> Result<Report> {
    // Every task runs through the engine's service, as in the extension (autofill aside: a
    // case is one field out of its form, classified and filled as `autofill.classify` does).
    let service = super::memory::service(store, embedder, generate);
    let has_model = service.host.has_model();
    let params = memory_qa::generation_params();
    let generate = |messages: &[ChatMessage]| -> Result<String> { Ok(pollster::block_on(service.host.complete(messages, &params, &|_| {}))?.text) };
    let profile_map: HashMap<String, String> = l1::profile(facts).into_iter().collect();
    let mut r = Report::default();
    let (mut mem_self, mut mem_third) = (Row::default(), Row::default());
    let log = |r: &mut Report, id: &str, ok: bool, what: &str| {
        if verbose || !ok {
            r.lines.push(format!("{} {id}: {}", if ok { "ok  " } else { "MISS" }, what.replace('\n', " / ")));
        }
    };
    for (n, line) in raw.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let c: Value = serde_json::from_str(line).with_context(|| format!("cases.jsonl line {}", n + 1))?;
        let id = c["id"].as_str().unwrap_or("?").to_string();
        match c["task"].as_str().unwrap_or("") {
            task @ ("memory_self" | "memory_third_party") => {
                if !has_model && !extractive {
                    continue;
                }
                let question = c["question"].as_str().unwrap_or("");
                let asker = match task {
                    "memory_self" => Asker::User,
                    _ => Asker::ThirdParty { role: c["asker"].as_str().unwrap_or("someone").to_string() },
                };
                let answered = pollster::block_on(service.ask(question, &asker, &|_| {}))?;
                let (answer, said) = (answered.answer, answered.said);
                let a = answer.text.to_lowercase();
                let judge = |a: &str| any_in(a, &lower_all(&c["accept"])) && !any_in(a, &lower_all(&c["reject"]));
                let ok = judge(&a);
                if has_model && task == "memory_self" {
                    let p = r.self_paths.get_or_insert_with(Paths::default);
                    let alone = answered.model_text.map(|t| t.to_lowercase()).unwrap_or_else(|| a.clone());
                    let closed = generate(&[ChatMessage::user(question)])?.to_lowercase();
                    for (row, hit) in [(&mut p.closed_book, judge(&closed)), (&mut p.model_alone, judge(&alone))] {
                        row.cases += 1;
                        row.full += hit as usize;
                        row.score += hit as u8 as f64;
                    }
                    match said {
                        memory_qa::Said::Model => p.model_words += 1,
                        memory_qa::Said::Fallback => p.fallback += 1,
                        memory_qa::Said::Rule => p.rule += 1,
                    }
                }
                let row = if task == "memory_self" { &mut mem_self } else { &mut mem_third };
                row.cases += 1;
                row.full += ok as usize;
                row.score += ok as u8 as f64;
                if task == "memory_third_party" {
                    r.sensitive_leaks += sensitive.iter().filter(|s| a.contains(s.as_str())).count();
                }
                log(&mut r, &id, ok, &format!("{question} -> {}", answer.text));
            }
            "context_enhance" => {
                let prompt = c["prompt"].as_str().unwrap_or("");
                let out = pollster::block_on(service.enhance(prompt))?;
                let text = out.enhanced.to_lowercase();
                let added = text.get(prompt.len()..).unwrap_or("").to_string();
                let groups = c["must_include"].as_array().cloned().unwrap_or_default();
                let hit = groups.iter().filter(|g| any_in(&text, &lower_all(g))).count();
                let violated = any_in(&added, &lower_all(&c["must_not_include"])) || !out.enhanced.starts_with(prompt);
                let s = if violated || groups.is_empty() { 0.0 } else { hit as f64 / groups.len() as f64 };
                r.enhance.cases += 1;
                r.enhance.score += s;
                r.enhance.full += (s == 1.0) as usize;
                r.enhance.bad += violated as usize;
                r.sensitive_leaks += sensitive.iter().filter(|x| added.contains(x.as_str())).count();
                log(&mut r, &id, s == 1.0, &format!("{hit}/{} {}{}", groups.len(), if violated { "VIOLATION " } else { "" }, out.enhanced));
            }
            "context_critic" => {
                let (request, reply) = (c["prompt"].as_str().unwrap_or(""), c["reply"].as_str().unwrap_or(""));
                let out = pollster::block_on(service.critique(request, reply))?;
                let text = serde_json::to_string(&out.problems)?.to_lowercase();
                let groups = c["issues"].as_array().cloned().unwrap_or_default();
                let hit = groups.iter().filter(|g| any_in(&text, &lower_all(g))).count();
                let false_alarm = c["ok"] == true && !out.problems.is_empty();
                let s = if false_alarm {
                    0.0
                } else if groups.is_empty() {
                    1.0
                } else {
                    hit as f64 / groups.len() as f64
                };
                r.critic.cases += 1;
                r.critic.score += s;
                r.critic.full += (s == 1.0) as usize;
                r.critic.bad += false_alarm as usize;
                r.sensitive_leaks += sensitive.iter().filter(|x| text.contains(x.as_str())).count();
                let problems: Vec<String> = out.problems.iter().map(|p| format!("[{}] ({})", p.text, p.memory)).collect();
                log(&mut r, &id, s == 1.0, &format!("{hit}/{} {}{}", groups.len(), if false_alarm { "FALSE ALARM " } else { "" }, problems.join(" ")));
            }
            "autofill" => {
                let mut field: FieldDescriptor = serde_json::from_value(c["field"].clone()).context("autofill case field")?;
                field.section = c["context"].as_str().unwrap_or("").to_string();
                // The case lists no options: a select is compared as the text it would hold.
                if field.tag == "select" && field.options.is_empty() {
                    field.tag = "input".into();
                    field.kind = "text".into();
                }
                let fields = [field];
                let predictions = classify(&fields);
                let mut value = fill_values(&predictions, &profile_map, &fields).into_iter().next().map(|(_, v)| v).unwrap_or_default();
                // A free-text field the classifier leaves alone gets a draft (as the inline
                // menu's "Draft an answer" does), the model's when it is loaded.
                if value.is_empty() && predictions[0].token == "none" {
                    if let Some(ask) = DraftAsk::of(&fields[0]) {
                        let d = pollster::block_on(service.draft(&ask))?;
                        r.sensitive_leaks += sensitive.iter().filter(|x| d.text.to_lowercase().contains(x.as_str())).count();
                        value = d.text;
                    }
                }
                let v = value.to_lowercase();
                let accept = lower_all(&c["accept"]);
                let expected = c["expected"].as_str().unwrap_or("");
                let ok = if expected.is_empty() {
                    v.trim().is_empty()
                } else if fields[0].tag == "textarea" {
                    !accept.is_empty() && accept.iter().all(|a| v.contains(a.as_str()))
                } else {
                    any_in(&v, &accept)
                };
                r.autofill.cases += 1;
                r.autofill.full += ok as usize;
                r.autofill.score += ok as u8 as f64;
                log(&mut r, &id, ok, &format!("{} -> {value:?} (token {})", fields[0].label, predictions[0].token));
            }
            other => r.lines.push(format!("skipped {id}: unknown task {other:?}")),
        }
    }
    if has_model || extractive {
        r.memory_self = Some(mem_self);
        r.memory_third_party = Some(mem_third);
    }
    Ok(r)
}

fn row_line(name: &str, row: Option<&Row>, bad: Option<&str>, missing: &str) -> String {
    match row {
        Some(row) => {
            let extra = bad.map(|b| format!(", {} {b}", row.bad)).unwrap_or_default();
            format!("| {name:<22} | {:.2} | {}/{} fully right{extra} |", row.value(), row.full, row.cases)
        }
        None => format!("| {name:<22} |  n/a | {missing} |"),
    }
}

/// The table, as Markdown (printed and kept in `docs/EVAL.md`).
pub fn table(r: &Report) -> String {
    let missing = "model not available";
    let (s, t) = if r.extractive { ("memory (self, extractive)", "memory (3rd, extractive)") } else { ("memory (self)", "memory (third-party)") };
    [
        "| task                   | score | counts |".to_string(),
        "| --- | --- | --- |".to_string(),
        row_line(s, r.memory_self.as_ref(), None, missing),
        row_line(t, r.memory_third_party.as_ref(), None, missing),
    ]
    .into_iter()
    .chain(r.self_paths.iter().flat_map(|p| {
        let n = p.model_words + p.fallback + p.rule;
        [
            row_line("· self, closed-book", Some(&p.closed_book), None, missing),
            row_line("· self, model alone", Some(&p.model_alone), None, missing),
            format!("| · self, whose words     |   –   | model {}, fallback {}, rule {} of {n} |", p.model_words, p.fallback, p.rule),
        ]
    }))
    .chain([
        row_line("context enhance", Some(&r.enhance), Some("violations"), missing),
        row_line("context critic", Some(&r.critic), Some("false alarms"), missing),
        row_line("autofill (values)", Some(&r.autofill), None, missing),
    ])
    .collect::<Vec<_>>()
    .join("\n")
}

pub fn run(args: Args) -> Result<()> {
    if args.adapter.is_some() && args.extractive {
        anyhow::bail!("--adapter needs the model; it cannot go with --extractive");
    }
    let mut model = if args.extractive {
        None
    } else if args.adapter.is_some() {
        // An adapter that does not load is an error, not a silent run of the base model.
        Some(load_model(args.model.clone(), args.threads, args.adapter.as_deref())?)
    } else {
        match load_model(args.model.clone(), args.threads, args.adapter.as_deref()) {
            Ok(m) => Some(m),
            Err(e) => {
                eprintln!("memory rows skipped: the model is not available: {e:#}");
                None
            }
        }
    };
    let extractive = model.is_none() && args.extractive;
    let embedder = if args.keywords_only { None } else { Some(crate::cli::embedder::load()?) };
    let mut r = evaluate(&args.persona_dir, model.as_deref_mut(), extractive, args.verbose, embedder.as_ref())?;
    r.extractive = extractive;
    if model.is_none() {
        r.model_missing = Some("the model is not available".into());
    }
    for l in &r.lines {
        println!("{l}");
    }
    println!("{}", table(&r));
    println!("sensitive leaks: {}", r.sensitive_leaks);
    if let Some(path) = args.json {
        let num = |row: Option<&Row>| row.map(|x| Value::from(x.value())).unwrap_or(Value::Null);
        // Without the model the memory keys stay null; an extractive baseline has keys of its own.
        let (model_self, model_third) = if r.extractive { (None, None) } else { (r.memory_self.as_ref(), r.memory_third_party.as_ref()) };
        let mut json = serde_json::json!({
            "memory_self": num(model_self),
            "memory_third_party": num(model_third),
            "context_enhance": r.enhance.value(),
            "context_critic": r.critic.value(),
            "autofill": r.autofill.value(),
            "sensitive_leaks": r.sensitive_leaks,
        });
        if let Some(p) = &r.self_paths {
            let n = (p.model_words + p.fallback + p.rule).max(1) as f64;
            json["memory_self_closed_book"] = p.closed_book.value().into();
            json["memory_self_model_alone"] = p.model_alone.value().into();
            json["memory_self_fallback_share"] = (p.fallback as f64 / n).into();
        }
        if r.extractive {
            json["memory_self_extractive"] = num(r.memory_self.as_ref());
            json["memory_third_party_extractive"] = num(r.memory_third_party.as_ref());
        }
        std::fs::write(&path, serde_json::to_string_pretty(&json)? + "\n").with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bars for the rule-based rows on the benchmark persona (read in place; skipped
    /// where the shared data is absent): enhance ≥ 0.70 and critic ≥ 0.60 with no violation, no
    /// false alarm and no sensitive leak, the memory rows' extractive baseline leaking nothing.
    #[test]
    fn benchmark_persona_reaches_the_bars() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/personas/maya-okafor");
        if !dir.join("cases.jsonl").exists() {
            eprintln!("skipped: {} not present", dir.display());
            return;
        }
        let r = evaluate(&dir, None, true, false, None).unwrap();
        assert!(r.enhance.value() >= 0.70, "enhance {:.2}:\n{}", r.enhance.value(), r.lines.join("\n"));
        assert!(r.critic.value() >= 0.60, "critic {:.2}:\n{}", r.critic.value(), r.lines.join("\n"));
        assert_eq!((r.enhance.bad, r.critic.bad, r.sensitive_leaks), (0, 0, 0), "{}", r.lines.join("\n"));
        assert_eq!(r.memory_third_party.as_ref().map(|m| m.cases), Some(20));
    }

    #[test]
    fn the_table_marks_missing_memory_rows() {
        let r = Report::default();
        let t = table(&r);
        assert!(t.contains("| memory (self)          |  n/a | model not available |"), "{t}");
        assert!(t.contains("context critic"), "{t}");
    }
}
