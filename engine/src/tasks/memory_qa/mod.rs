//! Memory QA: answering a question about the user's life from their memory, for the user
//! themselves (the side-panel chat) or for someone else on their behalf (a role the user picks:
//! a recruiter, a colleague…).
//!
//! The pipeline is a step API so the model can run anywhere (the offscreen engine in the browser,
//! the native CLI) and be cancelled between tokens:
//!
//! 1. [`retrieve`] — facts and the top L0 passages for the question (reads the store);
//! 2. [`prepare`] — evidence selection (sentences scored against the question), the route
//!    ([`Route::Model`], [`Route::DontKnow`] when memory holds nothing that answers,
//!    [`Route::Decline`] when a third party asks for what is never shared), the ChatML messages
//!    for the model within [`PROMPT_BUDGET_TOKENS`], the citations and an extractive answer;
//! 3. the caller runs the model on [`Prepared::messages`] with [`generation_params`] (only when
//!    [`Prepared::needs_model`]);
//! 4. [`finish`] — post-checks: sentences with sensitive values are dropped for third parties,
//!    sentences with numbers or names the evidence does not hold are dropped, and the extractive
//!    answer replaces a reply that lost the evidence or says it does not know when it does.
//!
//! Third parties never see sensitive facts or sentences: they are filtered at selection (so
//! they are not even in the prompt) and the output is checked again. The question is data: its
//! wording cannot unlock anything.

use serde::{Deserialize, Serialize};

use super::answer_span;
use crate::grounding::{anchors, is_refusal, is_repetitive, key_anchors, says_dont_know, sentences_of};
use crate::tasks::context::{is_sensitive, FactView};
use crate::tasks::evidence::{self, candidates, is_sensitive_reply, is_sensitive_text, matches_term, query_terms, score, stems, Passage, Scored, Term};
use crate::generate::sampler::SamplerParams;
use crate::generate::stream::GenerationParams;
use crate::memory::store::Store;
use crate::memory::{manage, MemoryError, Timestamp};
use crate::tokenizer::ChatMessage;

mod answer_type;
mod finish;
mod prompt;
mod rank;
mod reading;
#[cfg(test)]
mod tests;

use answer_type::*;
pub use finish::{finish, finish_traced, Said};
use finish::*;
pub use prompt::generation_params;
use prompt::*;
use rank::*;
use reading::*;

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Asker {
    /// The user, about their own life: everything in memory may be used.
    User,
    /// Someone else, answered on the user's behalf; `role` is what the user picked
    /// (`a recruiter`, `a new colleague`). Sensitive memory is never used.
    ThirdParty { role: String },
}

/// Where an answer came from, shown next to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// Source file name, note or page title; `profile` for a fact.
    pub source: String,
    pub source_id: Option<String>,
    pub chunk_id: Option<String>,
    pub url: Option<String>,
    /// The sentence (or `key: value`) the answer rests on.
    pub text: String,
    /// The day the source was written (`YYYY-MM-DD`), when known.
    #[serde(default)]
    pub date: Option<String>,
    /// The page of the source it is on (PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// What [`prepare`] decided without the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Route {
    /// Evidence found: run the model, then [`finish`].
    Model,
    /// Nothing in memory answers it: "I don't know".
    DontKnow,
    /// A third party asked for something never shared (ids, health, finances, home address).
    Decline,
    /// The user's own facts answer it without the model (`Can I eat the satay?` when they are
    /// allergic to peanuts): [`Prepared::extractive`] is the answer.
    Known,
}

/// A question ready for the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub question: String,
    pub asker: Asker,
    pub route: Route,
    /// The ChatML conversation for the model (system + one user turn).
    pub messages: Vec<ChatMessage>,
    /// Estimated prompt tokens (≈ 4 characters a token).
    pub prompt_tokens: usize,
    /// The evidence sentences in the prompt, best first, each with its citation.
    pub evidence: Vec<Citation>,
    /// The best evidence sentence(s) as an answer, used when the model's text fails the checks.
    pub extractive: Option<String>,
    /// The user's first name (for third-party replies), if memory knows it.
    pub subject: Option<String>,
    /// Lower-case needles that must never reach a third party.
    sensitive_needles: Vec<String>,
    /// Numbers and names the evidence holds (lower case), for the support check.
    supported: Vec<String>,
    /// Tokens of the top sentence that answer the question (not in the question).
    key_tokens: Vec<String>,
    facts: Vec<FactView>,
}

impl Prepared {
    /// Whether the model has anything to do (false: [`finish`] answers from the route alone).
    pub fn needs_model(&self) -> bool {
        self.route == Route::Model
    }
}

/// The answer shown to the asker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub text: String,
    pub citations: Vec<Citation>,
    /// True when memory holds no answer.
    pub dont_know: bool,
}

/// SmolLM2's context is 2048 tokens; the prompt stays within this, leaving room for the answer.
/// The browser runs the model on a single-thread wasm CPU at roughly 20–40 prompt tokens a
/// second, so the prompt is kept to a few well-chosen sentences.
pub const PROMPT_BUDGET_TOKENS: usize = 600;
/// Most tokens the model may write.
pub const MAX_ANSWER_TOKENS: usize = 96;
/// At most this many evidence sentences go into the prompt.
pub const MAX_EVIDENCE: usize = 4;
/// Passages retrieved per question.
pub const PASSAGES: usize = 12;
/// The best sentence (or the best two together) must cover this share of the question.
pub const MIN_COVERAGE: f32 = 0.6;
/// …and every name the question uses, unless it covers this much of the rest.
pub const NAME_WAIVER: f32 = 0.75;
/// When two sentences answer together, the best must still cover this much alone.
pub const MIN_PART_COVERAGE: f32 = 0.4;
/// How many sentences after the best are tried as its partner for a two-part question.
pub const PARTNERS: usize = 5;
/// Score factor for a sentence that holds what the question asks for (a date for `when`…).
pub const TYPE_BONUS: f32 = 1.45;
/// Score factor for a `Key: value` line whose key is a term of the question (`Deposit: £1,327`
/// for `how much was the deposit?`).
pub const FIELD_KEY_BONUS: f32 = 2.5;
/// Words that mark a sentence as what used to be (`PREVIOUS: 27 May (cancelled)`).
const SUPERSEDED: &[&str] = &["cancelled", "canceled", "previous:", "previously", "no longer", "old number", "is dead", "former"];
/// Score factor for a superseded sentence.
pub const SUPERSEDED_FACTOR: f32 = 0.5;
/// Score factor of a profile fact of another kind than the one the question names by phrase,
/// or of one that lacks the name the question asks about.
pub const OTHER_KIND_FACTOR: f32 = 0.5;
/// Factor over the best score for the user's fact of the one kind a question asks for.
pub const KIND_BONUS: f32 = 2.0;
/// Words that ask for the current state.
/// A sentence from another source scoring at least this share of the best adds its answer.
pub const ALSO_ANSWERS: f32 = 0.9;
/// Most memories one answer gathers.
pub const MAX_PARTS: usize = 3;
/// Most extra weight the newest matching sentence gets when the question asks for the current state.
pub const RECENCY_BONUS: f32 = 0.5;
/// For a question about now, how close to the best score a newer memory must come to answer instead.
pub const NEWEST_WITHIN: f32 = 0.75;

/// Reads the facts and the passages for `question` from the store (`meaning`: its embedding,
/// when the embedding model is at hand).
pub async fn retrieve(store: &impl Store, question: &str, meaning: Option<&[f32]>, now: Timestamp) -> Result<(Vec<FactView>, Vec<Passage>), MemoryError> {
    let facts: Vec<FactView> = manage::current_facts(store).await?.iter().map(FactView::from).collect();
    // Relation words are searched by the names memory gives them too (`sister` → her name).
    let passages = evidence::passages_for(store, &evidence::query_groups(question, &facts), meaning, now, PASSAGES).await?;
    Ok((facts, passages))
}

/// Who says a sentence: a chat turn's speaker (its label, or the name before its colon).
fn speaker_of(c: &evidence::Sentence) -> Option<String> {
    c.label.clone().or_else(|| c.text.split_once(": ").map(|(who, _)| who.to_string()))
}

fn citation(s: &Scored, passages: &[Passage]) -> Citation {
    match s.sentence.passage.and_then(|i| passages.get(i)) {
        Some(p) => Citation { source: p.source.clone(), source_id: Some(p.source_id.clone()), chunk_id: Some(p.chunk_id.clone()), url: p.url.clone(), text: s.sentence.text.clone(), date: None, page: p.page },
        None => Citation { source: "profile".into(), source_id: None, chunk_id: None, url: None, text: s.sentence.text.clone(), date: None, page: None },
    }
}

/// Evidence selection, routing and the prompt. `facts` and `passages` come from [`retrieve`]
/// (or a test's literal lists).
/// The most words of a field's value (`Hyresvärd: Fastighets AB Skärgårdshem`) that answer whole.
const SHORT_FIELD_WORDS: usize = 5;

pub fn prepare(question: &str, asker: &Asker, facts: &[FactView], passages: &[Passage]) -> Prepared {
    let third = matches!(asker, Asker::ThirdParty { .. });
    let subject = facts.iter().find(|f| f.key == "given-name").map(|f| f.value.clone());
    let sensitive_needles: Vec<String> = facts.iter().filter(|f| is_sensitive(f)).flat_map(|f| evidence::sensitive_needles(&f.value)).collect();
    let mut prepared = Prepared {
        question: question.to_string(),
        asker: asker.clone(),
        route: Route::DontKnow,
        messages: Vec::new(),
        prompt_tokens: 0,
        evidence: Vec::new(),
        extractive: None,
        subject: subject.clone(),
        sensitive_needles,
        supported: Vec::new(),
        key_tokens: Vec::new(),
        facts: facts.to_vec(),
    };
    // A work e-mail is a work contact, given to whoever asks for it (a colleague, a recruiter);
    // the personal e-mail, the phone and the birthday are not (below).
    if third && crate::lexicon::fact_kind_asked(question).is_some_and(|(kind, _)| kind == "work email") {
        if let Some(f) = facts.iter().find(|f| f.key == "work-email" && !f.sensitive && f.value.contains('@')) {
            prepared.route = Route::Known;
            prepared.extractive = Some(f.value.trim().to_string());
            prepared.evidence = vec![Citation { source: "profile".into(), source_id: None, chunk_id: None, url: None, text: format!("work email: {}", f.value.trim()), date: None, page: None }];
            return prepared;
        }
    }
    if third && asks_never_shared(question) {
        prepared.route = Route::Decline;
        return prepared;
    }
    // `Can I eat …?`: the user's allergies and diet say no before any note is read.
    if !third && AnswerType::of(question).is_none() && crate::lexicon::question_kind(question).is_none() {
        if let Some((answer, fact)) = crate::tasks::critic::unsuitable(question, facts) {
            prepared.route = Route::Known;
            prepared.extractive = Some(answer);
            prepared.evidence = vec![Citation { source: "profile".into(), source_id: None, chunk_id: None, url: None, text: format!("my {fact}"), date: None, page: None }];
            return prepared;
        }
    }
    // Third parties: sensitive facts and sentences are out before anything is scored.
    let usable_facts: Vec<FactView> = facts.iter().filter(|f| !third || !is_sensitive(f)).cloned().collect();
    let mut cands = candidates(&usable_facts, passages);
    cands.retain(|c| !is_courtesy(&c.text));
    if third {
        cands = evidence::shareable(cands, facts);
    }
    // `Find my passport number? I'm doing online check-in.`: the asking sentence is the question.
    // `now`, `at present`, `för närvarande` say when, not what: they ask for the newest.
    let wants_current = crate::lexicon::asks_now(question);
    let focus = crate::lexicon::without_now_words(&question_focus(question));
    let mut terms: Vec<Term> = query_terms(&focus, facts);
    if let Some(name) = subject.as_deref() {
        // In a third party's question the user's own name is who, not what.
        let n = name.to_lowercase();
        terms.retain(|t| t.stem != n);
    }
    if terms.is_empty() {
        return prepared;
    }
    // `Sam's mum`: the relation is someone else's, so only a sentence that says whose it is
    // (`Sam's mum`, `mum of Sam`, `his mum` next to the name) can answer it.
    if let Some((owner, relation)) = others_relation(&focus, subject.as_deref()) {
        cands.retain(|c| says_whose(&c.text, speaker_of(c).as_deref(), &owner, &relation));
    }
    // `What is Ana's phone number?`: a line about the user's own (`My new mobile: …`) is not hers.
    // (In a conversation, the one who says "my" may be that person.)
    if let (Some(owner), Some(head)) = (possessor(&focus, subject.as_deref()), terms.iter().find(|t| !t.proper)) {
        let owner = owner.to_lowercase();
        cands.retain(|c| {
            let speaker = speaker_of(c).map(|who| who.to_lowercase());
            speaker.is_some_and(|who| who.split_whitespace().any(|w| w == owner)) || !opens_with_my(answer_span::without_speaker(&c.text, &terms), head)
        });
    }
    let mut scored = score(&terms, cands);
    // What the question asks for (a date, a time, an amount, a name): sentences holding one rank up.
    let want = AnswerType::of(question);
    let question_words = crate::tasks::context::words(question);
    rerank(&mut scored, &Asked { question, focus: &focus, terms: &terms, want, question_words: &question_words, wants_current, third, facts, passages });
    // A name the question uses must be in the evidence, unless nearly all else is.
    let names_ok = |s: &Scored| names_ok(s);
    let Some(best) = scored.first() else { return prepared };
    // Two-part questions (`job title and employer`) may need two sentences: the best one and
    // the one among the next few that adds most.
    // (`… and …` questions look further for the partner; others take the runner-up).
    // The partner must hold the names the question uses too (the hotel of another trip does
    // not complete a question about this one).
    let partner = if focus.to_lowercase().contains(" and ") {
        scored.iter().skip(1).take(PARTNERS).filter(|s| names_ok(s)).max_by(|a, b| joint_coverage(&terms, best, a).total_cmp(&joint_coverage(&terms, best, b)))
    } else {
        scored.get(1)
    };
    // A chat turn or a paragraph says one thing over several sentences (`That race sounds
    // great! Raising money for the shelter is …`): a sentence on the best one's line completes
    // it before a sentence from elsewhere does.
    let neighbour = scored.iter().skip(1).take(PASSAGES * 4).filter(|s| names_ok(s) && same_line(best, s, passages)).max_by(|a, b| joint_coverage(&terms, best, a).total_cmp(&joint_coverage(&terms, best, b)));
    let partner = match neighbour {
        Some(n) if joint_coverage(&terms, best, n) >= MIN_COVERAGE && partner.is_none_or(|p| joint_coverage(&terms, best, n) > joint_coverage(&terms, best, p)) => Some(n),
        _ => partner,
    };
    // A field keyed by the question's head (`Deposit: £1,327`) is the answer; the rest of the
    // question (`did we pay on the house`) need only be in the evidence next to it.
    let keyed = best.sentence.fact_key.is_none() && key_is_asked(&best.sentence.text, &terms, label_lang(best, passages, question));
    let two_part = best.coverage >= MIN_PART_COVERAGE || keyed;
    let joint = partner.filter(|_| two_part).map(|p| joint_coverage(&terms, best, p)).unwrap_or(0.0);
    // A field keyed by what the question asks (`Gérance : …` for `who manages the flat?`)
    // answers it when the question's other words are in its document (the lease names the
    // flat); not when they are nowhere there (`Pet: cat` does not name a tortoise).
    let in_its_document = |s: &Scored| {
        s.sentence.passage.and_then(|i| passages.get(i)).is_some_and(|p| {
            let body = stems(&format!("{} {}", p.heading, p.text));
            terms.iter().filter(|t| !t.optional).all(|t| matches_term(t, &body))
        })
    };
    let covered = best.coverage >= MIN_COVERAGE || joint >= MIN_COVERAGE || (keyed && best.coverage >= MIN_PART_COVERAGE && in_its_document(best));
    // A name the question uses must be in the evidence, unless nearly all else is.
    // `What is Ruth's surname?` needs a sentence that gives someone's name in full.
    let part_missing = crate::lexicon::name_part_asked(question).is_some() && !crate::tasks::answer_span::full_name_in(&best.sentence.text, question);
    // A number or code asked for (`What is Ana's phone number?`) is answered by a sentence
    // that writes one, not by one that only mentions it (`sent the new number to Ana`).
    let code_missing = want == Some(AnswerType::Code) && best.sentence.fact_key.is_none() && !AnswerType::Code.found_in(&best.sentence.text, &question_words);
    if best.score <= 0.0 || !covered || !names_ok(best) || part_missing || code_missing {
        return prepared;
    }
    // Evidence: the best sentences that clear half the best score, within the budget.
    let question_stems = stems(question);
    let mut chosen: Vec<&Scored> = Vec::new();
    let mut used = 0usize;
    let budget_chars = PROMPT_BUDGET_TOKENS * 4 - 1200; // room for the instructions and the question
    // From the same source, the second part must add a word of the question the best one lacks
    // (not the other leg of the same trip, matching the same words less well).
    let source = |s: &Scored| s.sentence.passage.and_then(|i| passages.get(i)).map(|p| p.source_id.as_str());
    let second = partner.filter(|p| two_part && best.coverage < MIN_COVERAGE && (source(p) != source(best) || joint_coverage(&terms, best, p) > joint_coverage(&terms, best, best)));
    for s in std::iter::once(best).chain(second).chain(scored.iter().take_while(|s| s.score >= best.score * 0.5 && s.score > 0.0)) {
        if chosen.len() >= MAX_EVIDENCE || used + s.sentence.text.len() > budget_chars {
            break;
        }
        if chosen.iter().any(|c| c.sentence.text == s.sentence.text) {
            continue;
        }
        used += s.sentence.text.len();
        chosen.push(s);
    }
    prepared.evidence = chosen.iter().map(|s| citation(s, passages)).collect();
    prepared.supported = chosen.iter().flat_map(|s| anchors(&format!("{} {}", s.sentence.heading, s.sentence.text))).collect();
    prepared.supported.extend(anchors(question));
    // Every word of the evidence and the question, for the check on the names the model uses.
    for c in &prepared.evidence {
        prepared.supported.extend(crate::tasks::context::words(&c.text));
    }
    for s in &chosen {
        prepared.supported.extend(crate::tasks::context::words(&s.sentence.heading));
    }
    prepared.supported.extend(crate::tasks::context::words(question));
    if let Some(name) = subject.as_deref() {
        prepared.supported.extend(crate::tasks::context::words(name));
    }
    let question_anchors = anchors(question);
    let mut replies: Vec<Scored> = Vec::new();
    prepared.key_tokens = key_anchors(&best.sentence.text)
        .into_iter()
        .filter(|a| !question_anchors.contains(a) && !question_stems.contains(&crate::retrieval::index::stem(a)))
        .collect();
    if prepared.key_tokens.is_empty() {
        // No number or name: the content words of the answer that the question does not use.
        prepared.key_tokens = stems(&best.sentence.text).into_iter().filter(|w| !question_stems.contains(w) && !terms.iter().any(|t| matches_term(t, std::slice::from_ref(w)))).collect();
    }
    let mut answer_parts: Vec<Scored> = vec![best.clone()];
    if best.coverage < MIN_COVERAGE && !keyed {
        answer_parts.extend(second.cloned());
    } else if let Some(n) = neighbour.filter(|n| !keyed && adds_asked_word(&terms, best, n)) {
        // The best sentence names the topic (`That bake sale sounds great!`), the next one on
        // its line says what the question asks about it (`Raising money for the shelter …`):
        // that one holds the answer.
        answer_parts = vec![n.clone()];
        if !chosen.iter().any(|c| c.sentence.text == n.sentence.text) {
            prepared.evidence.push(citation(n, passages));
            prepared.supported.extend(anchors(&n.sentence.text));
            prepared.supported.extend(crate::tasks::context::words(&n.sentence.text));
            replies.push(n.clone());
        }
    }
    // A "when" whose best sentence says no date (`Love, Mum` signs the mail) is answered by the
    // sentence of the same memory that does, when it matches the question nearly as well.
    if want == Some(AnswerType::Date) && answer_parts.len() == 1 && answer_parts[0].sentence.fact_key.is_none() && !AnswerType::Date.found_in(&answer_parts[0].sentence.text, &question_words) {
        let first = answer_parts[0].clone();
        let dated = scored.iter().skip(1).find(|s| s.sentence.passage.is_some() && s.sentence.passage == first.sentence.passage && s.coverage >= first.coverage * 0.8 && s.score >= first.score * 0.5 && AnswerType::Date.found_in(&s.sentence.text, &question_words));
        if let Some(d) = dated {
            if !chosen.iter().any(|c| c.sentence.text == d.sentence.text) {
                prepared.evidence.push(citation(d, passages));
                prepared.supported.extend(anchors(&d.sentence.text));
                prepared.supported.extend(crate::tasks::context::words(&d.sentence.text));
            }
            answer_parts = vec![d.clone()];
        }
    }
    // Several memories that answer as well as the best, from other sources (`which cities has
    // he visited?` over two trips): each adds its part of the answer, when it has one.
    // Not when the question asks for how things are now (the newest alone answers), nor when
    // the answer is a date (one event has one date).
    let others: Vec<Scored> = scored
        .iter()
        .skip(1)
        .filter(|_| !wants_current)
        .filter(|s| s.score >= best.score * ALSO_ANSWERS && s.coverage >= MIN_COVERAGE && names_ok(s))
        .filter(|s| s.sentence.passage.is_some() && s.sentence.passage != best.sentence.passage)
        .take(MAX_PARTS - 1)
        .cloned()
        .collect();
    let span_ask = |s: &Scored| {
        let p = s.sentence.passage.and_then(|i| passages.get(i));
        (p.map(|p| p.times.clone()).unwrap_or_default(), p.map(|p| p.dated).filter(|d| *d > 0 && *d < Timestamp::MAX))
    };
    let lang = crate::text::lang::of_question(question).unwrap_or("en");
    let kind = want.map(AnswerType::kind).or_else(|| crate::lexicon::question_kind(question));
    let span_of = |s: &Scored| {
        let sentence = expand_weekdays(&without_old_values(s.sentence.text.trim()));
        // A profile fact (`my phone: 07700 900123`) answers with its value.
        // So does a field whose label the question asks for (`Hyresvärd: Fjällhus AB`).
        let sentence = match (&s.sentence.fact_key, sentence.split_once(": ")) {
            (Some(_), Some((_, value))) => value.to_string(),
            (None, Some((label, value))) if label.split_whitespace().count() <= 3 && key_is_asked(&format!("{label}: {value}"), &terms, label_lang(s, passages, question)) => {
                // A short value under the label asked for is the answer whole (`Bailleur : SCI
                // Les Tanneurs` is not cut to a name inside it).
                let value = value.trim().trim_end_matches(['.', ',', ';']);
                if value.split_whitespace().count() <= SHORT_FIELD_WORDS && want.is_none_or(|w| w.found_in(value, &question_words)) {
                    return (Some(value.to_string()), value.to_string());
                }
                value.to_string()
            }
            _ => sentence,
        };
        // A birthday is a day, said as the asker says days (`11 February 1987`, `11 februari 1987`).
        if s.sentence.fact_key.as_deref() == Some("bday") {
            if let Some(day) = crate::memory::date::from_iso(sentence.trim()) {
                let said = crate::text::relative::render_day(day, lang);
                return (Some(said.clone()), said);
            }
        }
        // A list of the user's (`Svenska, engelska, tyska`) is the answer whole, and so is a
        // profile fact of a kind (an address is not cut to the street's name for `where`).
        if s.sentence.fact_key.as_deref().is_some_and(|k| evidence::is_whole_list(k) || evidence::kind_of_key(k).is_some()) {
            return (Some(sentence.clone()), sentence);
        }
        let (times, written) = span_ask(s);
        let next = following(s, passages);
        let ask = answer_span::Ask { question, terms: &terms, kind, written, times: &times, lang, next: next.as_deref() };
        // Matched by its heading alone, the sentence is a detail of what the heading names.
        let body = stems(&format!("{} {}", s.sentence.label.as_deref().unwrap_or(""), s.sentence.text));
        if s.sentence.fact_key.is_none() && !terms.iter().any(|t| !t.optional && matches_term(t, &body)) {
            if let Some(h) = answer_span::heading_span(&s.sentence.heading, &ask) {
                return (Some(h), sentence);
            }
        }
        // A date or time the question asks for that the sentence lacks but its heading holds
        // (`Concert on 6 June` over `Dress code: black`) is the heading's.
        // A chat line answers without its speaker's label (the source under it says who).
        let said = answer_span::without_speaker(&sentence, &terms).to_string();
        let span = answer_span::span(&sentence, &ask);
        // When nothing in the sentence, nor the one after it, says when (the answer fell back to
        // the day it was written), a date its heading holds (`Concert on 6 June` over `Dress
        // code: black`) says it better.
        let fell_back = written.is_some_and(|w| span.as_deref() == Some(crate::text::relative::render_day(w, lang).as_str()));
        let heading_dated = want.is_some_and(|w| matches!(w, AnswerType::Date) && w.found_in(&s.sentence.heading, &question_words));
        if s.sentence.fact_key.is_none() && fell_back && heading_dated {
            if let Some(h) = answer_span::heading_span(&s.sentence.heading, &ask) {
                return (Some(h), said);
            }
        }
        (span, said)
    };
    let mut parts: Vec<String> = Vec::new();
    // Only parts that are answers in themselves (spans, not whole sentences) make a list.
    let mut extra: Vec<(String, Scored)> = Vec::new();
    if span_of(&answer_parts[0]).0.is_some_and(|first| !is_date_answer(&first)) {
        for s in others.iter().filter(|s| !answer_parts.iter().any(|a| a.sentence.text == s.sentence.text)) {
            if let (Some(span), _) = span_of(s) {
                extra.push((span, s.clone()));
            }
        }
    }
    for s in answer_parts.iter() {
        let (span, sentence) = span_of(s);
        // In a conversation a question is answered by the turn after it (`Love the necklace,
        // any special meaning to it?` → the reply): when the asking turn holds no answer, the
        // reply is the answer, and evidence beside it.
        let reply = if span.is_none() { reply_to(s, passages, facts, third) } else { None };
        let part = match reply {
            Some(reply) => {
                let (span, sentence) = span_of(&reply);
                if !chosen.iter().any(|c| c.sentence.text == reply.sentence.text) {
                    prepared.evidence.push(citation(&reply, passages));
                    prepared.supported.extend(anchors(&reply.sentence.text));
                    prepared.supported.extend(crate::tasks::context::words(&reply.sentence.text));
                    prepared.key_tokens.extend(key_anchors(&reply.sentence.text).into_iter().filter(|a| !question_anchors.contains(a)));
                    replies.push(reply);
                }
                span.unwrap_or(sentence)
            }
            None => span.unwrap_or(sentence),
        };
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    let listed = !extra.is_empty();
    for (span, s) in extra {
        if !parts.iter().any(|p| p.to_lowercase().contains(&span.to_lowercase())) {
            parts.push(span);
            if !chosen.iter().any(|c| c.sentence.text == s.sentence.text) {
                prepared.evidence.push(citation(&s, passages));
                prepared.supported.extend(crate::tasks::context::words(&s.sentence.text));
                replies.push(s);
            }
        }
    }
    // A list of answers from several memories reads as a list.
    prepared.extractive = Some(parts.join(if listed { ", " } else { "; " }));
    // The model reads each note with the day it was written and what its relative words mean.
    for (c, s) in prepared.evidence.iter_mut().zip(chosen.iter().copied().chain(replies.iter())) {
        c.date = span_ask(s).1.map(crate::memory::date::iso_date);
    }
    let notes = notes(chosen.iter().copied().chain(replies.iter()), passages, lang);
    prepared.route = Route::Model;
    prepared.messages = messages(question, asker, subject.as_deref(), &notes);
    prepared.prompt_tokens = prepared.messages.iter().map(|m| m.content.len() / 4 + 4).sum();
    prepared
}
