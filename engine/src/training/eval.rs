//! Judging a model on held-out synthesised examples ([`super::plan`]): an answer is right when it
//! says the example's value (its words in order, case and accents aside). Scored per task, the
//! same way for the untrained and the trained model, natively and in the browser.

use super::synth::{Example, Task};
use crate::text::{fold, words};

/// One task's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Score {
    pub task: Task,
    /// Examples asked.
    pub n: usize,
    /// Answers that said the value.
    pub right: usize,
}

/// Whether `answer` says `value`: the value's words, in order, among the answer's.
pub fn says(answer: &str, value: &str) -> bool {
    let v = words(&fold(value));
    let a = words(&fold(answer));
    !v.is_empty() && a.windows(v.len()).any(|w| w == v.as_slice())
}

/// Scores `answers[i]` (the model's reply to `examples[i]`'s prompt) per task, tasks in a fixed
/// order, those with no example left out.
pub fn score(examples: &[Example], answers: &[String]) -> Vec<Score> {
    Task::ALL
        .into_iter()
        .map(|task| {
            let asked: Vec<usize> = (0..examples.len().min(answers.len())).filter(|&i| examples[i].task == task).collect();
            Score { task, n: asked.len(), right: asked.iter().filter(|&&i| says(&answers[i], &examples[i].value)).count() }
        })
        .filter(|s| s.n > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::ChatMessage;

    #[test]
    fn an_answer_is_right_when_it_says_the_value() {
        assert!(says("Du arbeitest bei der Firma Kessler & Söhne.", "kessler & sohne"));
        assert!(says("Sixten's horse is called Tjärdal.", "Tjärdal"));
        assert!(!says("You work at Kessler.", "Kessler & Söhne"));
        assert!(!says("anything", ""));
        assert!(!says("Tjärdalen", "Tjärdal"), "whole words only");
    }

    #[test]
    fn scores_are_per_task() {
        let ex = |task, value: &str| Example {
            task,
            messages: vec![ChatMessage::user("q"), ChatMessage::assistant(value)],
            evidence: value.into(),
            key: "k".into(),
            value: value.into(),
            phrasing: 1,
        };
        let examples = vec![ex(Task::ClosedBook, "Oslo"), ex(Task::ClosedBook, "Bergen"), ex(Task::MemorySelf, "Tromsø")];
        let answers: Vec<String> = vec!["In Oslo.".into(), "I don't know.".into(), "tromso".into()];
        assert_eq!(
            score(&examples, &answers),
            vec![Score { task: Task::MemorySelf, n: 1, right: 1 }, Score { task: Task::ClosedBook, n: 2, right: 1 }]
        );
    }
}
