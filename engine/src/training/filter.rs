//! The filter every synthesised example passes before training, level by level, each counted:
//! format and length; near-duplicates; grounding (every number and name of the target is in its
//! evidence); privacy (no sensitive value in any target — for third parties, nothing memory would
//! not share with them either). The fifth level of the issue (a model-judged score) is not built
//! yet; [`Counts`] says so by having no field for it.

use crate::grounding::anchors;
use std::collections::HashSet;

use super::synth::{Example, Task};
use crate::tasks::context::FactView;
use crate::privacy::{is_sensitive_text, sensitive_needles};

/// Longest target kept (characters).
pub const MAX_TARGET: usize = 240;
/// Longest prompt kept (characters, ≈ 4 a token: fits a 512-token sequence with its answer).
const MAX_PROMPT: usize = 1800;

/// Examples left after each level.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    pub synthesised: usize,
    pub format: usize,
    pub unique: usize,
    pub grounded: usize,
    pub private: usize,
}

/// True when every anchor of `target` (except the asker's words `question`) is in `evidence`.
pub fn grounded(target: &str, evidence: &str, question: &str) -> bool {
    let ev = evidence.to_lowercase();
    let q = question.to_lowercase();
    anchors(target).iter().all(|a| ev.contains(a.as_str()) || q.contains(a.as_str()))
}

/// True when `target` holds no sensitive value: none of a memory-marked sensitive fact's values
/// anywhere, and for a third party nothing [`is_sensitive_text`] flags (ids, codes, never-shared
/// keys).
pub fn private(target: &str, task: Task, facts: &[FactView]) -> bool {
    let lower = target.to_lowercase();
    let marked = facts.iter().filter(|f| f.sensitive).flat_map(|f| sensitive_needles(&f.value)).any(|n| lower.contains(&n));
    if marked {
        return false;
    }
    task != Task::ThirdParty || !is_sensitive_text(target, facts)
}

/// Keeps the examples that pass every level.
pub fn filter(examples: Vec<Example>, facts: &[FactView]) -> (Vec<Example>, Counts) {
    let mut counts = Counts { synthesised: examples.len(), ..Counts::default() };
    let kept: Vec<Example> = examples
        .into_iter()
        .filter(|e| {
            let prompt: usize = e.messages[..e.messages.len().saturating_sub(1)].iter().map(|m| m.content.len()).sum();
            let t = e.target().trim();
            !t.is_empty() && t.len() <= MAX_TARGET && prompt <= MAX_PROMPT && e.messages.last().is_some_and(|m| m.role == "assistant")
        })
        .collect();
    counts.format = kept.len();
    let mut seen = HashSet::new();
    let norm = |s: &str| s.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    let kept: Vec<Example> = kept
        .into_iter()
        .filter(|e| seen.insert(e.messages.iter().map(|m| norm(&m.content)).collect::<Vec<_>>().join("\u{1}")))
        .collect();
    counts.unique = kept.len();
    let kept: Vec<Example> = kept
        .into_iter()
        .filter(|e| grounded(e.target(), &e.evidence, e.question()))
        .collect();
    counts.grounded = kept.len();
    let kept: Vec<Example> = kept.into_iter().filter(|e| private(e.target(), e.task, facts)).collect();
    counts.private = kept.len();
    (kept, counts)
}

/// The examples as SFT JSONL lines (`{"messages":[…]}`), for `train sft` and the extension.
pub fn to_jsonl(examples: &[Example]) -> String {
    examples
        .iter()
        .map(|e| {
            let msgs: Vec<serde_json::Value> = e.messages.iter().map(|m| serde_json::json!({ "role": m.role, "content": m.content })).collect();
            serde_json::json!({ "messages": msgs }).to_string() + "\n"
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::ChatMessage;

    fn ex(task: Task, prompt: &str, target: &str, evidence: &str) -> Example {
        Example {
            task,
            messages: vec![ChatMessage::user(prompt), ChatMessage::assistant(target)],
            evidence: evidence.into(),
            key: "organization".into(),
            value: target.into(),
            phrasing: 0,
        }
    }

    fn facts() -> Vec<FactView> {
        vec![
            FactView::new("organization", "Brightwater Labs", false),
            FactView::new("passport-number", "X4471902", true),
            FactView::new("health-condition", "asthma", true),
            FactView::new("tel", "+44 7700 900123", false),
        ]
    }

    #[test]
    fn each_level_drops_what_it_should_and_counts_it() {
        let notes = "Notes:\n- my employer: Brightwater Labs\n- passport X4471902\nQuestion: Where do I work?";
        let examples = vec![
            ex(Task::MemorySelf, notes, "Brightwater Labs", notes),
            ex(Task::MemorySelf, notes, "Brightwater Labs", notes), // duplicate
            ex(Task::MemorySelf, notes, "", notes),                 // empty
            ex(Task::MemorySelf, notes, "Brightwater Labs since 2019", notes), // 2019 is invented
            ex(Task::MemorySelf, notes, "Passport X4471902", notes),  // sensitive, even for the user
            ex(Task::ThirdParty, notes, "+44 7700 900123", "+44 7700 900123"), // never shared with others
            ex(Task::ClosedBook, "Where do I work?", "Brightwater Labs", "Brightwater Labs"),
        ];
        let (kept, counts) = filter(examples, &facts());
        assert_eq!(counts, Counts { synthesised: 7, format: 6, unique: 5, grounded: 4, private: 2 });
        assert_eq!(kept.iter().map(|e| e.task).collect::<Vec<_>>(), vec![Task::MemorySelf, Task::ClosedBook]);
    }

    #[test]
    fn sensitive_values_are_caught_in_any_writing() {
        let f = facts();
        assert!(!private("You have Asthma.", Task::MemorySelf, &f));
        assert!(!private("x4471902", Task::ClosedBook, &f));
        assert!(private("Brightwater Labs", Task::ThirdParty, &f));
    }

    #[test]
    fn jsonl_lines_parse_as_sft_data() {
        let e = ex(Task::ClosedBook, "Where do I work?", "Brightwater Labs", "Brightwater Labs");
        let text = to_jsonl(&[e.clone(), e]);
        let convs = crate::training::data::parse_sft(&text).unwrap();
        assert_eq!(convs.len(), 2);
        assert_eq!(convs[0][1].content, "Brightwater Labs");
    }
}
