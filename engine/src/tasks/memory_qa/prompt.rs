//! The prompt for the model: the evidence notes, each with the day it was written and what its
//! relative words mean, under a short instruction for the asker.

use super::*;

/// The generation settings for an answer: greedy, short.
pub fn generation_params() -> GenerationParams {
    GenerationParams { sampler: SamplerParams::greedy(), max_tokens: MAX_ANSWER_TOKENS, stop_tokens: Vec::new() }
}

/// The evidence as notes for the model: `[7 May 2023] We went … yesterday (6 May 2023)`.
pub(super) fn notes<'a>(evidence: impl Iterator<Item = &'a Scored>, passages: &[Passage], lang: &str) -> Vec<String> {
    evidence
        .map(|s| {
            let p = s.sentence.passage.and_then(|i| passages.get(i));
            let times = p.map(|p| p.times.clone()).unwrap_or_default();
            let written = p.map(|p| p.dated).filter(|d| *d > 0 && *d < Timestamp::MAX);
            let mut note = s.sentence.text.clone();
            for (phrase, when) in times.iter().filter(|(p, _)| s.sentence.text.contains(p.as_str())) {
                note = note.replacen(phrase.as_str(), &format!("{phrase} ({})", crate::text::relative::render(when, lang)), 1);
            }
            match written {
                Some(d) => format!("[{}] {note}", crate::text::relative::render_day(d, lang)),
                None => note,
            }
        })
        .collect()
}

pub(super) fn messages(question: &str, asker: &Asker, subject: Option<&str>, evidence: &[String]) -> Vec<ChatMessage> {
    let who = subject.unwrap_or("the user");
    // Short and plain: the pipeline has already decided that the notes answer the question (or
    // declined it), so the model is not invited to refuse or to say it does not know; a small
    // model otherwise repeats those phrases. Sensitive notes never reach a third party's prompt.
    let system = match asker {
        Asker::User => format!("Answer {who}'s question from the notes in a few words: the date, name, place, number or short phrase that answers it, copied exactly from the notes. No full sentence."),
        Asker::ThirdParty { role } => format!(
            "Answer {role}'s question about {who} from the notes. Reply in one short sentence about {who} in the third person, quoting the exact names, dates and numbers of the notes."
        ),
    };
    let notes: String = evidence.iter().map(|c| format!("- {c}\n")).collect();
    vec![ChatMessage::system(system), ChatMessage::user(format!("Notes:\n{notes}\nQuestion: {question}"))]
}
