//! Training data synthesised from the user's own memory, on the device, with no other model:
//! memory questions about each L1 fact in the languages the user writes in, answered from the
//! evidence our own retrieval returns for them, in exactly the prompt the model gets at inference
//! (so it learns to read its notes), closed-book variants (so facts also go into the weights), and
//! the same questions from third parties in roles, answered in the third person. Sensitive facts
//! produce no example at all (a third party's decline is decided by rules, not learnt), and
//! [`super::filter`] checks every target again.
//!
//! Called by `secondself train persona` and, later, the extension's "Train my SecondSelf".

use crate::embed::Embedder;
use crate::lexicon;
use crate::memory::store::Store;
use crate::memory::{manage, MemoryError, Timestamp};
use crate::tasks::context::{is_sensitive, FactView};
use crate::tasks::evidence::kind_of_key;
use crate::tasks::memory_qa::{self, Asker};
use crate::tokenizer::ChatMessage;

/// What an example teaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Task {
    /// The user asks; the prompt holds the retrieved notes.
    MemorySelf,
    /// The user asks, no notes: the fact from the weights.
    ClosedBook,
    /// Someone in a role asks about the user; the prompt holds the shareable notes.
    ThirdParty,
    /// The user asks who they are; the answer is their bio (the paper's self-location).
    Identity,
}

impl Task {
    /// Every task, in the order tables show them.
    pub const ALL: [Task; 4] = [Task::MemorySelf, Task::ClosedBook, Task::ThirdParty, Task::Identity];
}

/// One synthesised conversation with what it rests on.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Example {
    pub task: Task,
    /// System and user turns, then the assistant's target.
    pub messages: Vec<ChatMessage>,
    /// The text the target must be grounded in (the prompt's notes, or the fact itself).
    pub evidence: String,
    /// The fact key it is about.
    pub key: String,
    /// The value a right answer says (the fact's value as the evidence writes it).
    pub value: String,
    /// Which of the fact's phrasings in its language (or which asker's role) it is: the
    /// held-out split keeps some back ([`super::plan`]).
    pub phrasing: usize,
}

impl Example {
    /// The assistant's target.
    pub fn target(&self) -> &str {
        self.messages.last().map(|m| m.content.as_str()).unwrap_or("")
    }

    /// The question asked: the user's last turn, after the notes when the prompt holds them.
    pub fn question(&self) -> &str {
        let q = self.messages.iter().rev().find(|m| m.role == "user").map(|m| m.content.as_str()).unwrap_or("");
        q.rsplit("Question:").next().unwrap_or(q)
    }
}

/// Roles third parties ask in (general, not from any test case).
const ROLES: [&str; 3] = ["a recruiter", "a colleague", "a new neighbour"];

/// The languages to ask in: English and each language most of the user's notes are written in.
pub fn languages(texts: &[String]) -> Vec<&'static str> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for t in texts {
        if let Some(l) = crate::text::lang::detect(t) {
            match counts.iter_mut().find(|(c, _)| *c == l) {
                Some(e) => e.1 += 1,
                None => counts.push((l, 1)),
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1));
    let mut out = vec!["en"];
    for (l, n) in counts {
        if n * 5 >= texts.len().max(1) && !out.contains(&l) && lexicon::question_templates().lang(l).is_some() {
            out.push(l);
        }
    }
    out.truncate(3);
    out
}

/// The span of `text` that is `value` (case-insensitive), as `text` writes it.
fn span_in(text: &str, value: &str) -> Option<String> {
    let (lt, lv) = (text.to_lowercase(), value.to_lowercase());
    let at = lt.find(&lv)?;
    // Lower-casing can change byte lengths; fall back to the value as written if it does.
    if lt.len() == text.len() {
        text.get(at..at + lv.len()).map(str::to_string)
    } else {
        Some(value.to_string())
    }
}

/// The embedding a question is retrieved with, as at inference (`None`: keywords alone).
async fn meaning(embedder: Option<&Embedder>, question: &str) -> Result<Option<Vec<f32>>, MemoryError> {
    match embedder {
        Some(e) => e.query(question).await.map_err(|err| MemoryError::Store(err.to_string())),
        None => Ok(None),
    }
}

/// Synthesises examples for every fact of the user's memory in `store` that the user vouches for
/// (a fact read only from text a page wrote waits for the user's confirmation first). With
/// `embedder`, evidence is retrieved by keywords and meaning, as the extension does.
pub async fn synthesise(store: &impl Store, now: Timestamp, langs: &[&str], embedder: Option<&Embedder>) -> Result<Vec<Example>, MemoryError> {
    let facts = facts_of(store, now).await?;
    let subject = facts.iter().find(|f| f.key == "given-name").map(|f| f.value.clone());
    let mut out = Vec::new();
    for fact in facts.iter().filter(|f| !f.sensitive) {
        let Some(kind) = kind_of_key(&fact.key) else { continue };
        for &lang in langs {
            for (phrasing, question) in lexicon::fact_questions(kind, lang).into_iter().enumerate() {
                // In the model's own prompt, with what retrieval finds for the question.
                let (views, passages) = memory_qa::retrieve(store, &question, meaning(embedder, &question).await?.as_deref(), now).await?;
                let prepared = memory_qa::prepare(&question, &Asker::User, &views, &passages);
                if prepared.needs_model() {
                    let notes = prepared.messages.last().map(|m| m.content.clone()).unwrap_or_default();
                    if let Some(answer) = span_in(&notes, &fact.value) {
                        let mut messages = prepared.messages.clone();
                        messages.push(ChatMessage::assistant(answer.clone()));
                        out.push(Example { task: Task::MemorySelf, messages, evidence: notes, key: fact.key.clone(), value: answer, phrasing });
                    }
                }
                out.push(Example {
                    task: Task::ClosedBook,
                    messages: vec![ChatMessage::user(question.as_str()), ChatMessage::assistant(fact.value.as_str())],
                    evidence: fact.value.clone(),
                    key: fact.key.clone(),
                    value: fact.value.clone(),
                    phrasing,
                });
            }
        }
        if is_sensitive(fact) {
            continue;
        }
        let (Some(name), Some(word)) = (subject.as_deref(), lexicon::fact_word(kind, "en")) else { continue };
        for (phrasing, role) in ROLES.into_iter().enumerate() {
            // Each role asks in its own words, so a held-out role's question is new.
            let question = match phrasing {
                0 => format!("What is {name}'s {word}?"),
                1 => format!("Could you tell me {name}'s {word}?"),
                _ => format!("Do you know {name}'s {word}?"),
            };
            let asker = Asker::ThirdParty { role: role.to_string() };
            let (views, passages) = memory_qa::retrieve(store, &question, meaning(embedder, &question).await?.as_deref(), now).await?;
            let prepared = memory_qa::prepare(&question, &asker, &views, &passages);
            if !prepared.needs_model() {
                continue;
            }
            let notes = prepared.messages.last().map(|m| m.content.clone()).unwrap_or_default();
            if let Some(value) = span_in(&notes, &fact.value) {
                let mut messages = prepared.messages.clone();
                messages.push(ChatMessage::assistant(format!("{name}'s {word} is {value}.")));
                out.push(Example { task: Task::ThirdParty, messages, evidence: notes, key: fact.key.clone(), value, phrasing });
            }
        }
    }
    out.extend(identity(store).await?);
    Ok(out)
}

/// "Who am I?" in the bio's language, answered with the bio (closed-book: who the user is
/// belongs in the weights) less every sentence holding a sensitive value (an allergy, an
/// address), cut to the filter's length. The value a right answer says is the user's name.
async fn identity(store: &impl Store) -> Result<Vec<Example>, MemoryError> {
    let Some(full) = store.bio().await?.map(|b| b.text).filter(|t| !t.trim().is_empty()) else { return Ok(Vec::new()) };
    let facts = all_facts(store).await?;
    let mut bio = String::new();
    for s in crate::text::sentences(&full).into_iter().map(str::trim).filter(|s| super::filter::private(s, Task::Identity, &facts)) {
        if bio.len() + s.len() + 1 > super::filter::MAX_TARGET {
            break;
        }
        if !bio.is_empty() {
            bio.push(' ');
        }
        bio.push_str(s);
    }
    if bio.is_empty() {
        return Ok(Vec::new());
    }
    let lang = crate::text::lang::detect(&bio).unwrap_or("en");
    let Some(line) = lexicon::identity_questions().lang(lang).or_else(|| lexicon::identity_questions().lang("en")) else { return Ok(Vec::new()) };
    let name = bio.split(['.', ',']).next().unwrap_or(&bio).split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    Ok(line
        .items
        .iter()
        .filter_map(|i| i.first())
        .enumerate()
        .map(|(phrasing, q)| Example {
            task: Task::Identity,
            messages: vec![ChatMessage::user(q.as_str()), ChatMessage::assistant(bio.as_str())],
            evidence: bio.clone(),
            key: "bio".into(),
            value: name.clone(),
            phrasing,
        })
        .collect())
}

/// Every current fact, page-written ones included: what the privacy filter checks targets
/// against (a sensitive value is kept out whoever wrote it).
pub async fn all_facts(store: &impl Store) -> Result<Vec<FactView>, MemoryError> {
    Ok(manage::current_facts(store).await?.iter().map(FactView::from).collect())
}

/// The facts the synthesis teaches: the user's current facts minus those read only from
/// page-written text and not confirmed.
pub async fn facts_of(store: &impl Store, _now: Timestamp) -> Result<Vec<FactView>, MemoryError> {
    Ok(manage::facts_for_pages(store).await?.iter().map(FactView::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_keep_the_notes_casing() {
        assert_eq!(span_in("- my employer: Brightwater Labs", "brightwater labs").as_deref(), Some("Brightwater Labs"));
        assert_eq!(span_in("- nothing here", "Brightwater"), None);
    }

    #[test]
    fn languages_are_english_and_what_the_notes_are_written_in() {
        let notes: Vec<String> = vec![
            "Ich habe heute mit meiner Schwester telefoniert und wir haben über den Umzug gesprochen.".into(),
            "Morgen fahre ich mit dem Zug nach Hamburg, weil ich dort einen Termin habe.".into(),
            "Meeting notes: the launch moves to next week.".into(),
        ];
        assert_eq!(languages(&notes), vec!["en", "de"]);
        assert_eq!(languages(&[]), vec!["en"]);
    }
}
