//! DPO preference pairs from the SFT model's own answers: each training prompt is answered a few
//! times by sampling, and every answer is judged by the same checks the filter and the memory
//! answers use — it must say the example's value, invent no number or name its evidence lacks,
//! leak nothing sensitive, not refuse when memory holds the answer, and not loop. A failing
//! answer is rejected against a passing one (or the reference answer when none passed), so DPO
//! pushes the model away from exactly the mistakes it makes.

use super::eval::says;
use super::filter::private;
use super::synth::Example;
use crate::grounding::{is_refusal, is_repetitive, key_anchors, says_dont_know};
use crate::tasks::context::FactView;
use crate::training::data::Preference;

/// What is wrong with an answer, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Says the value, grounded, private, no refusal, no loop.
    Good,
    /// Runs away in repetition.
    Loops,
    /// Holds a sensitive value (or, for a third party, anything not to be shared).
    Leaks,
    /// Holds a number or name its evidence does not.
    Invents,
    /// Refuses or says it does not know, although memory holds the answer.
    Refuses,
    /// Answers something else.
    Misses,
}

/// Whether every name and number `answer` asserts (not words capitalised by position) is in the
/// example's evidence or its question.
fn grounded(answer: &str, example: &Example) -> bool {
    let ev = example.evidence.to_lowercase();
    let q = example.question().to_lowercase();
    key_anchors(answer).iter().map(|a| a.trim_end_matches("'s")).all(|a| ev.contains(a) || q.contains(a))
}

/// Judges `answer` to `example`'s prompt, the worst fault first.
pub fn judge(example: &Example, answer: &str, facts: &[FactView]) -> Verdict {
    let a = answer.trim();
    if is_repetitive(a) {
        Verdict::Loops
    } else if !private(a, example.task, facts) {
        Verdict::Leaks
    } else if !grounded(a, example) {
        Verdict::Invents
    } else if a.is_empty() || says_dont_know(a) || is_refusal(a) {
        Verdict::Refuses
    } else if !says(a, &example.value) {
        Verdict::Misses
    } else {
        Verdict::Good
    }
}

/// The preference pairs for one example from the model's `samples`: every distinct failing
/// sample (at most `max`) rejected against the first passing one, or the reference answer.
pub fn pairs(example: &Example, samples: &[String], facts: &[FactView], max: usize) -> Vec<(Verdict, Preference)> {
    let prompt = example.messages[..example.messages.len().saturating_sub(1)].to_vec();
    let judged: Vec<(Verdict, String)> = samples.iter().map(|s| (judge(example, s, facts), s.trim().to_string())).collect();
    let chosen = judged.iter().find(|(v, _)| *v == Verdict::Good).map(|(_, s)| s.clone()).unwrap_or_else(|| example.target().to_string());
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (verdict, text) in judged {
        if verdict == Verdict::Good || seen.contains(&text) || out.len() >= max {
            continue;
        }
        seen.push(text.clone());
        out.push((verdict, Preference { prompt: prompt.clone(), chosen: chosen.clone(), rejected: if text.is_empty() { "…".into() } else { text } }));
    }
    out
}

/// The pairs as DPO JSONL lines (`{"prompt":[…],"chosen","rejected"}`), for `train dpo` and the
/// extension.
pub fn to_jsonl(pairs: &[Preference]) -> String {
    pairs
        .iter()
        .map(|p| {
            let msgs: Vec<serde_json::Value> = p.prompt.iter().map(|m| serde_json::json!({ "role": m.role, "content": m.content })).collect();
            serde_json::json!({ "prompt": msgs, "chosen": p.chosen, "rejected": p.rejected }).to_string() + "\n"
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::ChatMessage;
    use crate::training::synth::Task;

    fn example(task: Task) -> Example {
        let notes = "Notes:\n- my employer: Quillfeather Instruments (since 2021)\n\nQuestion: Where do I work?";
        Example {
            task,
            messages: vec![ChatMessage::user(notes), ChatMessage::assistant("Quillfeather Instruments")],
            evidence: notes.into(),
            key: "organization".into(),
            value: "Quillfeather Instruments".into(),
            phrasing: 0,
        }
    }

    fn facts() -> Vec<FactView> {
        vec![FactView::new("organization", "Quillfeather Instruments", false), FactView::new("passport-number", "QX4471902", true)]
    }

    #[test]
    fn answers_are_judged_by_their_worst_fault() {
        let e = example(Task::MemorySelf);
        let f = facts();
        assert_eq!(judge(&e, "You work at Quillfeather Instruments, since 2021.", &f), Verdict::Good);
        assert_eq!(judge(&e, "You work at Quillfeather Instruments since 2019.", &f), Verdict::Invents);
        assert_eq!(judge(&e, "I don't know where you work.", &f), Verdict::Refuses);
        assert_eq!(judge(&e, "Your passport is QX4471902.", &f), Verdict::Leaks);
        assert_eq!(judge(&e, "Quillfeather, Quillfeather, Quillfeather", &f), Verdict::Loops);
        assert_eq!(judge(&e, "You work in an office.", &f), Verdict::Misses);
    }

    #[test]
    fn failing_samples_are_rejected_against_a_passing_one_or_the_reference() {
        let e = example(Task::MemorySelf);
        let f = facts();
        let samples: Vec<String> = vec!["I'm not sure.".into(), "At Quillfeather Instruments.".into(), "I'm not sure.".into(), "At Brightmoor Ltd.".into()];
        let p = pairs(&e, &samples, &f, 4);
        assert_eq!(p.iter().map(|(v, _)| *v).collect::<Vec<_>>(), vec![Verdict::Refuses, Verdict::Invents]);
        assert!(p.iter().all(|(_, x)| x.chosen == "At Quillfeather Instruments." && x.prompt.len() == 1));
        // None passed: the reference is chosen.
        let p = pairs(&e, &samples[..1], &f, 4);
        assert_eq!(p[0].1.chosen, "Quillfeather Instruments");
        // All passed: nothing to prefer.
        assert!(pairs(&e, &samples[1..2], &f, 4).is_empty());
        let lines = to_jsonl(&p.into_iter().map(|(_, x)| x).collect::<Vec<_>>());
        assert_eq!(crate::training::data::parse_dpo(&lines).unwrap().len(), 1);
    }
}
