//! The personal training plan: what "Train my SecondSelf" (and `secondself train persona`) will
//! learn from the user's memory — the synthesised examples ([`super::synth`]) that pass every
//! filter level ([`super::filter`]), split into the examples trained on and a held-out set the
//! trained model is compared on, with the sources it was made from (deleting one of them
//! removes the adapter: it would still hold what the user deleted).
//!
//! The held-out set is every example asked in a fact's second phrasing (or by the second role of
//! third parties) for about half of the facts, chosen by a hash of the fact's kind: the trained
//! model has learnt those facts from other phrasings, and the set asks it as a user would who
//! does not word questions like the templates.

use super::filter::{filter, Counts};
use super::synth::{all_facts, languages, synthesise, Example, Task};
use crate::embed::Embedder;
use crate::memory::store::Store;
use crate::memory::{MemoryError, Timestamp};
use crate::model::lora::seeded_uniform;
use crate::tasks::evidence::kind_of_key;

/// What one training run will learn, and what it is judged on.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The examples trained on (a seeded sample of at most the cap, every task in proportion).
    pub train: Vec<Example>,
    /// The examples kept back to compare the untrained and the trained model on.
    pub held_out: Vec<Example>,
    /// Examples left after each filter level (before the split).
    pub counts: Counts,
    /// The languages the questions are asked in.
    pub languages: Vec<&'static str>,
    /// The ids of the sources the memory held when the plan was made.
    pub sources: Vec<String>,
}

impl Plan {
    /// Examples trained on, by task (tasks with none left out).
    pub fn by_task(&self) -> Vec<(Task, usize)> {
        Task::ALL
            .into_iter()
            .map(|t| (t, self.train.iter().filter(|e| e.task == t).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

/// A stable 64-bit hash (FNV-1a): the same split natively and in the browser.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// Whether `e` belongs to the held-out set. Split by the kind of fact (facts of one kind are
/// asked with the same words), so no held-out question is ever trained on.
pub fn held_out(e: &Example) -> bool {
    e.phrasing == 1 && fnv(kind_of_key(&e.key).unwrap_or(&e.key)) % 2 == 0
}

/// A seeded sample of at most `max` examples, every task in proportion, in their order.
pub fn sample(examples: Vec<Example>, max: usize, seed: u64) -> Vec<Example> {
    if examples.len() <= max {
        return examples;
    }
    let keys = seeded_uniform(examples.len(), seed);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    order.sort_by(|&a, &b| keys[a].total_cmp(&keys[b]));
    let mut picked: Vec<usize> = order.into_iter().take(max).collect();
    picked.sort();
    let mut slots: Vec<Option<Example>> = examples.into_iter().map(Some).collect();
    picked.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// Makes the plan from the memory in `store`: at most `max_train` examples to train on and
/// `max_held_out` to compare on. With `embedder`, the notes in the prompts are retrieved by
/// keywords and meaning, as at inference.
pub async fn plan(store: &impl Store, now: Timestamp, embedder: Option<&Embedder>, max_train: usize, max_held_out: usize) -> Result<Plan, MemoryError> {
    let texts: Vec<String> = store.chunks().await?.iter().map(|c| c.full_text()).collect();
    let languages = languages(&texts);
    let examples = synthesise(store, now, &languages, embedder).await?;
    let facts = all_facts(store).await?;
    let (kept, counts) = filter(examples, &facts);
    let (held, train): (Vec<Example>, Vec<Example>) = kept.into_iter().partition(held_out);
    let sources = store.sources().await?.into_iter().map(|s| s.id).collect();
    Ok(Plan { train: sample(train, max_train, 17), held_out: sample(held, max_held_out, 23), counts, languages, sources })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::ChatMessage;

    fn ex(key: &str, phrasing: usize) -> Example {
        Example {
            task: Task::ClosedBook,
            messages: vec![ChatMessage::user("q"), ChatMessage::assistant("a")],
            evidence: "a".into(),
            key: key.into(),
            value: "a".into(),
            phrasing,
        }
    }

    #[test]
    fn the_split_keeps_back_second_phrasings_of_about_half_the_facts() {
        let keys: Vec<String> = (0..40).map(|i| format!("key-{i}")).collect();
        let back = keys.iter().filter(|k| held_out(&ex(k, 1))).count();
        assert!((12..=28).contains(&back), "{back} of 40 facts held out");
        assert!(keys.iter().all(|k| !held_out(&ex(k, 0)) && !held_out(&ex(k, 2))), "only second phrasings");
        // The same key splits the same way every time.
        assert_eq!(held_out(&ex("organization", 1)), held_out(&ex("organization", 1)));
    }

    /// An invented life (no persona's): the plan teaches each task, holds back questions it never
    /// trains on, keeps sensitive values out of every target, and knows its sources.
    #[test]
    fn a_plan_from_a_note_teaches_every_task_and_no_sensitive_value() {
        use crate::memory::import::import_note;
        use crate::memory::native::{tests::temp_dir, NativeStore};
        use crate::memory::import::block_on;
        let mut s = NativeStore::open(temp_dir("plan")).unwrap();
        let note = "About me\nMy name is Liesel Varga. I work at Quillfeather Instruments as a lab technician. \
                    I live in Tallinn. My email is liesel.varga@example.org. My passport number is QX4471902.\n";
        block_on(import_note(&mut s, note, None, 1_700_000_000)).unwrap();
        block_on(crate::memory::l1::distil(&mut s, 1_700_000_000)).unwrap();
        let p = block_on(plan(&s, 1_700_000_000, None, 1000, 1000)).unwrap();
        let tasks: Vec<Task> = p.by_task().into_iter().map(|(t, _)| t).collect();
        assert_eq!(tasks, Task::ALL.to_vec(), "{:#?}", p.train);
        assert!(!p.held_out.is_empty(), "{:?}", p.counts);
        assert_eq!(p.sources.len(), 1);
        assert!(p.train.iter().any(|e| e.value.contains("Quillfeather")), "{:#?}", p.train);
        for e in p.train.iter().chain(&p.held_out) {
            assert!(!e.target().contains("QX4471902"), "{e:?}");
        }
    }

    #[test]
    fn samples_are_seeded_and_keep_order() {
        let all: Vec<Example> = (0..50).map(|i| ex(&format!("k{i}"), 0)).collect();
        let a = sample(all.clone(), 10, 5);
        assert_eq!(a.len(), 10);
        assert_eq!(a.iter().map(|e| e.key.clone()).collect::<Vec<_>>(), sample(all.clone(), 10, 5).iter().map(|e| e.key.clone()).collect::<Vec<_>>());
        let idx: Vec<usize> = a.iter().map(|e| e.key[1..].parse().unwrap()).collect();
        assert!(idx.windows(2).all(|w| w[0] < w[1]), "{idx:?}");
        assert_eq!(sample(all, 100, 5).len(), 50);
    }
}
