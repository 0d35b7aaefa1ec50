//! Drafts for free-text form fields ("Tell us about yourself", "Dietary requirements", "Why are
//! you interested in this role?"): the relevant memories in the user's voice, polished by the
//! model (L2) into a short first-person answer, shown to the user for confirmation before the
//! content script inserts it.
//!
//! Structure first, as in [`crate::tasks::enhance`]: the memories are picked by topic and
//! keyword from the field's question and the form's context ([`prepare`]); sensitive facts never
//! pass (the page is a third party). The model only rewrites them; [`finish`] keeps its draft
//! only when each of its sentences rests on those memories and every memory is still in it,
//! and otherwise offers the memories themselves, one sentence each. The page's text is data:
//! it chooses which memories are relevant, never what the draft may reveal.
//! Called by `web/` for `autofill.draft` and by `secondself eval persona` for textarea cases.

use serde::{Deserialize, Serialize};

use super::descriptor::FieldDescriptor;
use crate::generate::sampler::SamplerParams;
use crate::generate::stream::GenerationParams;
use crate::tokenizer::ChatMessage;
use crate::tasks::context::{content_words, has_word, same_stem, topics_of, words, FactView};
use crate::tasks::enhance::{in_my_voice_by_key, select, select_notes_with, Added};
use crate::tasks::evidence::{is_sensitive_text, Passage};
use crate::grounding::{is_refusal, is_repetitive};

/// What a free-text field asks: its question, the form it is in, and how long the answer may be.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DraftAsk {
    pub question: String,
    pub context: String,
    pub max_chars: usize,
}

/// Answers longer than this are not drafted whole: a form field wants a few sentences.
pub const DEFAULT_MAX_CHARS: usize = 400;
/// At most this many memories go into one draft.
pub const MAX_MEMORIES: usize = 5;
/// A note sentence must cover this share of the question's weight (see
/// [`crate::tasks::enhance::select_notes_with`]).
pub const MIN_NOTE_COVERAGE: f32 = 0.15;
/// At most this many note sentences.
pub const MAX_NOTES: usize = 3;
/// A sentence of the model is kept when this share of its content words is in the memories,
/// the question or the form's context.
pub const MIN_SUPPORT: f32 = 0.75;

/// Words of a label that make an input (not only a textarea) a free-text question.
const QUESTION_WORDS: &[&str] = &[
    "about", "describe", "tell", "why", "anything", "requirements", "requests", "notes", "comments", "message",
    "motivation", "interested", "experience", "bio", "introduce", "dietary", "allergies", "needs", "additional",
];

impl DraftAsk {
    /// The question `field` asks when it is a free-text field the user may want drafted: a
    /// textarea or contenteditable, or a text input whose label is a question. `None` for other
    /// fields, and for fields without any text saying what they ask.
    pub fn of(field: &FieldDescriptor) -> Option<DraftAsk> {
        let label = [&field.label, &field.aria_label, &field.title, &field.placeholder, &field.nearby]
            .into_iter()
            .map(|s| s.trim())
            .find(|s| !s.is_empty())?
            .to_string();
        let free = match field.tag.as_str() {
            "textarea" | "contenteditable" => true,
            "input" if matches!(field.kind.as_str(), "" | "text") => {
                let ws = content_words(&label);
                label.trim_end().ends_with('?') || (ws.len() >= 2 && ws.iter().any(|w| QUESTION_WORDS.contains(&w.as_str())))
            }
            _ => false,
        };
        if !free || !field.flags.can_fill() {
            return None;
        }
        let placeholder = field.placeholder.trim();
        let question = if !placeholder.is_empty() && placeholder != label { format!("{label} ({placeholder})") } else { label.clone() };
        let max_chars = field
            .max_length
            .map(|m| m as usize)
            .filter(|&m| m > 0)
            .or_else(|| stated_limit(&label))
            .unwrap_or(DEFAULT_MAX_CHARS)
            .min(2000);
        Some(DraftAsk { question, context: field.section.trim().to_string(), max_chars })
    }

    /// The text retrieval and selection look at: the question and the form's context.
    pub fn query(&self) -> String {
        format!("{} {}", self.question, self.context).trim().to_string()
    }
}

/// A limit the label states (`max 300 chars`, `(300 characters)`).
fn stated_limit(label: &str) -> Option<usize> {
    let l = label.to_lowercase();
    let ws: Vec<&str> = l.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    ws.windows(2).find_map(|w| {
        let n: usize = w[0].parse().ok()?;
        (w[1].starts_with("char") && (20..=5000).contains(&n)).then_some(n)
    })
}

/// What [`prepare`] found: the memories to use, the model's prompt, and the draft made of the
/// memories alone.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedDraft {
    pub ask: DraftAsk,
    pub used: Vec<Added>,
    pub messages: Vec<ChatMessage>,
    pub extractive: String,
}

impl PreparedDraft {
    /// Is there anything for the model to rewrite?
    pub fn needs_model(&self) -> bool {
        !self.used.is_empty()
    }
}

/// The draft offered to the user, with the memories it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub text: String,
    pub used: Vec<Added>,
    /// True when the text is the model's rewrite; false when it is the memories themselves.
    pub from_model: bool,
}

/// Greedy and short: a draft is a few sentences.
pub fn generation_params() -> GenerationParams {
    GenerationParams { sampler: SamplerParams::greedy(), max_tokens: 120, stop_tokens: Vec::new() }
}

/// Passages retrieved for a draft.
pub const PASSAGES: usize = 8;

/// The facts for `ask`: by the question's words, and when the question is a general one
/// (`Tell us about yourself`) by the topics of the form's context too (`Whitby Harriers`:
/// fitness), but never by the context's other words (`booking details` is no reason to add the
/// books the user wants to read). A specific question keeps to its own topic: dietary needs for
/// a speaker dinner are not about work. Never sensitive facts.
/// A general question (`Tell us about yourself`, no topic of its own but the person).
fn is_general(ask: &DraftAsk) -> bool {
    topics_of(&ask.question).iter().all(|t| t.name == "about-me")
}

fn pick_facts<'a>(ask: &DraftAsk, facts: &'a [FactView]) -> Vec<&'a FactView> {
    let general = is_general(ask);
    let context_words = words(&ask.context);
    let signals: Vec<&str> = if general {
        topics_of(&ask.context).iter().flat_map(|t| t.signals().iter().map(String::as_str)).filter(|s| has_word(&context_words, s)).collect()
    } else {
        Vec::new()
    };
    select(&format!("{} {}", ask.question, signals.join(" ")), facts)
}

/// What the notes are searched with: the question, the form's context, and the names of the
/// projects, goals and trips picked (the notes say what `Project Larkspur` is).
pub fn notes_query(ask: &DraftAsk, facts: &[FactView]) -> String {
    let named: Vec<&str> = pick_facts(ask, facts)
        .into_iter()
        .filter(|f| matches!(f.key.as_str(), "projects" | "goals" | "trips"))
        .map(|f| f.value.as_str())
        .collect();
    format!("{} {}", ask.query(), named.join(" ")).trim().to_string()
}

/// Reads what a draft for `ask` needs from the store: the current facts and the passages for
/// [`notes_query`].
pub async fn retrieve(store: &impl crate::memory::store::Store, ask: &DraftAsk, meaning: Option<&[f32]>, now: crate::memory::Timestamp) -> Result<(Vec<FactView>, Vec<Passage>), crate::memory::MemoryError> {
    let facts: Vec<FactView> = crate::memory::manage::facts_for_pages(store).await?.iter().map(FactView::from).collect();
    let query = crate::tasks::evidence::query_groups(&notes_query(ask, &facts), &facts);
    let passages = crate::tasks::evidence::passages_for(store, &query, meaning, now, PASSAGES).await?;
    Ok((facts, passages))
}

/// Picks the memories for `ask` from the non-sensitive `facts` and the `passages` (from
/// [`retrieve`]), and builds the prompt.
pub fn prepare(ask: &DraftAsk, facts: &[FactView], passages: &[Passage]) -> PreparedDraft {
    let query = notes_query(ask, facts);
    let picked = pick_facts(ask, facts);
    let mut used: Vec<Added> = in_my_voice_by_key(&picked, crate::tasks::enhance::language_in(&[&ask.question, &ask.context]));
    // A note must answer the question, not only share the form's setting: for a speaker
    // dinner's dietary question, the event's date and travel terms are no answer. Its words
    // (heading included) must meet the question's or a picked fact's, unless the question is
    // a general one (`Tell us about yourself`), which the context narrows down.
    let own: Vec<String> = content_words(&format!("{} {}", ask.question, picked.iter().map(|f| f.value.as_str()).collect::<Vec<_>>().join(" ")));
    let general = is_general(ask);
    for n in select_notes_with(&query, facts, passages, MIN_NOTE_COVERAGE, MAX_NOTES) {
        let note_words = content_words(&format!("{} {}", n.heading, n.text));
        if !general && !note_words.iter().any(|w| own.iter().any(|o| same_stem(o, w) || o == w)) {
            continue;
        }
        // A note about a form (`The form asks for your dietary requirements`) restates the
        // question; it is no answer to it.
        if content_words(&n.text).iter().any(|w| w == "form" || w == "forms") {
            continue;
        }
        if used.len() >= MAX_MEMORIES {
            break;
        }
        if used.iter().any(|u| u.text.eq_ignore_ascii_case(&n.text)) {
            continue;
        }
        // A note line may start with list or table punctuation (`= moving …`, `• …`).
        let text = n.text.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '(' && c != '"').trim().to_string();
        if text.split_whitespace().count() < 3 {
            continue;
        }
        used.push(Added { text, source: n.source });
    }
    used.truncate(MAX_MEMORIES);
    // Nothing sensitive goes to a page, whatever selection let through.
    used.retain(|u| !is_sensitive_text(&u.text, facts));
    let extractive = fit(&used.iter().map(|u| sentence(&u.text)).collect::<Vec<_>>(), ask.max_chars);
    let memories: String = used.iter().map(|u| format!("- {}\n", u.text)).collect();
    let context = if ask.context.is_empty() { String::new() } else { format!("Form: {}\n", ask.context) };
    let messages = vec![
        ChatMessage::system(
            "You write the user's answer to a question on a web form. Write in the first person, as the user, in two or three short sentences. Use only the facts listed. No greeting, no sign-off.",
        ),
        ChatMessage::user(format!("{context}Question: {}\nFacts about me:\n{memories}Answer:", ask.question)),
    ];
    PreparedDraft { ask: ask.clone(), used, messages, extractive }
}

/// The draft: the model's rewrite when it holds up, else the memories as sentences.
pub fn finish(prepared: &PreparedDraft, model_text: &str, facts: &[FactView]) -> Draft {
    let fallback = || Draft { text: prepared.extractive.clone(), used: prepared.used.clone(), from_model: false };
    if prepared.used.is_empty() {
        return fallback();
    }
    let text = model_text.trim().trim_start_matches("Answer:").trim().trim_matches('"').trim();
    // A small model may echo the prompt's scaffolding (`Question: …`, `Facts about me: - …`)
    // instead of answering: that is no draft.
    let lower = text.to_lowercase();
    let echoes = ["question:", "facts about me", "answer:", "form:"].iter().any(|m| lower.contains(m)) || text.lines().any(|l| l.trim_start().starts_with("- "));
    if text.is_empty() || echoes || is_repetitive(text) || is_sensitive_text(text, facts) {
        return fallback();
    }
    let support_text = format!("{} {} {}", prepared.used.iter().map(|u| u.text.as_str()).collect::<Vec<_>>().join(" "), prepared.ask.question, prepared.ask.context);
    let support = content_words(&support_text);
    let kept: Vec<String> = crate::text::sentences(text)
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && !is_refusal(s) && supported(s, &support))
        .collect();
    let draft = fit(&kept, prepared.ask.max_chars);
    // Every memory must still be there (one of its words at least): a draft that drops the
    // user's allergy is worse than the plain list.
    let draft_words = content_words(&draft);
    let complete = prepared.used.iter().all(|u| {
        let ws = content_words(&u.text);
        ws.is_empty() || ws.iter().any(|w| draft_words.iter().any(|d| same_stem(d, w)))
    });
    if draft.is_empty() || !complete {
        return fallback();
    }
    Draft { text: draft, used: prepared.used.clone(), from_model: true }
}

/// Is most of `sentence` said by the memories, the question or the context?
fn supported(sentence: &str, support: &[String]) -> bool {
    let ws = content_words(sentence);
    if ws.is_empty() {
        return false;
    }
    let hit = ws.iter().filter(|w| support.iter().any(|s| same_stem(s, w))).count();
    hit as f32 >= MIN_SUPPORT * ws.len() as f32
}

/// A clause as a sentence: capitalised, with a full stop.
fn sentence(clause: &str) -> String {
    let t = clause.trim().trim_end_matches([';', ',', ':']).trim();
    let mut chars = t.chars();
    let mut out = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect::<String>(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// Whole sentences, in order, up to `max_chars` (the first one cut at a word if it alone is longer).
fn fit(sentences: &[String], max_chars: usize) -> String {
    let mut out = String::new();
    for s in sentences.iter().filter(|s| !s.is_empty()) {
        let next = if out.is_empty() { s.clone() } else { format!("{out} {s}") };
        if next.chars().count() > max_chars {
            if out.is_empty() {
                let mut cut: String = s.chars().take(max_chars).collect();
                if let Some(space) = cut.rfind(' ') {
                    cut.truncate(space);
                }
                return cut;
            }
            break;
        }
        out = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(key: &str, value: &str, sensitive: bool) -> FactView {
        FactView { key: key.into(), value: value.into(), kind: "preference".into(), sensitive, source: "notes.md".into() }
    }

    fn field(tag: &str, label: &str) -> FieldDescriptor {
        FieldDescriptor { tag: tag.into(), kind: if tag == "input" { "text".into() } else { tag.into() }, label: label.into(), ..Default::default() }
    }

    fn facts() -> Vec<FactView> {
        vec![
            fact("diet", "vegetarian", false),
            fact("allergies", "tree nuts", false),
            fact("passport-number", "533380006", true),
            fact("organization-title", "Senior Data Engineer", false),
        ]
    }

    #[test]
    fn textareas_and_question_inputs_are_free_text() {
        let ask = DraftAsk::of(&field("textarea", "Tell us about yourself (max 300 chars)")).unwrap();
        assert_eq!(ask.max_chars, 300);
        assert!(DraftAsk::of(&field("input", "Why are you interested in this role?")).is_some());
        assert!(DraftAsk::of(&field("input", "First name")).is_none());
        assert!(DraftAsk::of(&field("textarea", "")).is_none(), "no text says what it asks");
        let mut hidden = field("textarea", "Comments");
        hidden.flags.hidden = true;
        assert!(DraftAsk::of(&hidden).is_none(), "never a hidden field");
    }

    #[test]
    fn the_placeholder_adds_to_the_question_and_maxlength_wins() {
        let mut f = field("textarea", "Dietary requirements");
        f.placeholder = "Allergies, intolerances, preferences".into();
        f.max_length = Some(120);
        let ask = DraftAsk::of(&f).unwrap();
        assert_eq!(ask.question, "Dietary requirements (Allergies, intolerances, preferences)");
        assert_eq!(ask.max_chars, 120);
    }

    #[test]
    fn memories_are_picked_for_the_question_and_never_sensitive() {
        let ask = DraftAsk { question: "Dietary requirements (allergies, preferences)".into(), context: "Speaker dinner".into(), max_chars: 300 };
        let p = prepare(&ask, &facts(), &[]);
        let all: String = p.used.iter().map(|u| u.text.clone()).collect::<Vec<_>>().join(" ");
        assert!(all.contains("vegetarian") && all.contains("tree nuts"), "{all}");
        assert!(!all.contains("533380006"));
        assert!(p.extractive.starts_with("I'm vegetarian."), "{}", p.extractive);
        assert!(p.messages[1].content.contains("Question: Dietary requirements"));
    }

    #[test]
    fn the_context_adds_topics_only_to_a_general_question() {
        let dinner = DraftAsk { question: "Dietary requirements".into(), context: "Speaker dinner – RSVP".into(), max_chars: 300 };
        let p = prepare(&dinner, &facts(), &[]);
        assert!(!p.used.iter().any(|u| u.text.contains("Data Engineer")), "{:?}", p.used);
        let about = DraftAsk { question: "Tell us about yourself".into(), context: "Conference speaker sign-up".into(), max_chars: 300 };
        let p = prepare(&about, &facts(), &[]);
        assert!(p.used.iter().any(|u| u.text.contains("Data Engineer")), "{:?}", p.used);
    }

    #[test]
    fn a_faithful_model_draft_is_kept() {
        let ask = DraftAsk { question: "Dietary requirements".into(), context: String::new(), max_chars: 300 };
        let p = prepare(&ask, &facts(), &[]);
        let d = finish(&p, "I'm vegetarian and I'm allergic to tree nuts.", &facts());
        assert!(d.from_model);
        assert_eq!(d.text, "I'm vegetarian and I'm allergic to tree nuts.");
    }

    #[test]
    fn invented_dropped_or_leaking_drafts_fall_back_to_the_memories() {
        let ask = DraftAsk { question: "Dietary requirements".into(), context: String::new(), max_chars: 300 };
        let p = prepare(&ask, &facts(), &[]);
        // Drops the allergy.
        let d = finish(&p, "I'm vegetarian.", &facts());
        assert!(!d.from_model && d.text.contains("tree nuts"), "{d:?}");
        // Invents a sentence: it is dropped, the rest stays.
        let d = finish(&p, "I'm vegetarian and allergic to tree nuts. I also love skydiving in Peru every summer.", &facts());
        assert!(d.from_model && !d.text.contains("skydiving"), "{d:?}");
        // A sensitive value in the model's text: never offered.
        let d = finish(&p, "I'm vegetarian, allergic to tree nuts, passport 533380006.", &facts());
        assert!(!d.text.contains("533380006"), "{d:?}");
        // The prompt echoed back: the memories instead.
        let d = finish(&p, "Question: Dietary requirements\nFacts about me:\n- I'm vegetarian\n- I'm allergic to tree nuts", &facts());
        assert!(!d.from_model, "{d:?}");
        // A refusal: the memories instead.
        let d = finish(&p, "I'm sorry, but I cannot access your personal information.", &facts());
        assert!(!d.from_model && d.text.contains("vegetarian"), "{d:?}");
    }

    #[test]
    fn drafts_respect_the_length_limit() {
        let ask = DraftAsk { question: "Dietary requirements".into(), context: String::new(), max_chars: 20 };
        let p = prepare(&ask, &facts(), &[]);
        assert!(p.extractive.chars().count() <= 20, "{}", p.extractive);
        assert!(!p.extractive.is_empty());
    }

    #[test]
    fn nothing_relevant_means_no_draft() {
        let ask = DraftAsk { question: "Favourite colour of your first bicycle?".into(), context: String::new(), max_chars: 300 };
        let p = prepare(&ask, &facts(), &[]);
        assert!(!p.needs_model());
        assert_eq!(finish(&p, "Red.", &facts()).text, "");
    }
}
