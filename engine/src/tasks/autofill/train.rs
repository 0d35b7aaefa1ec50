//! Training the learned layer ([`super::learned`]) from labelled pages: sparse softmax regression
//! with AdaGrad, deterministic (seeded shuffles), plus page-grouped cross-validation so the score
//! we report is on pages the model never saw.
//!
//! Examples: every labelled field of a training page is its label; its unlabelled fields (search
//! boxes, quantities, coupons) are `"none"`; fields of negative pages (newsletters, contact, login)
//! are `"none"` unless the rules call them a name, email or phone part, which those forms may
//! rightly ask for and which are left out. Called by `secondself train autofill`.

use std::collections::HashMap;

use super::classify::{rules_and_options, Prediction};
use super::options::OptionKind;
use super::descriptor::FieldDescriptor;
use super::learned::{apply, page_features, FieldModel};
use super::token::{self, is_address_or_payment, Token, NONE};

/// One page as the trainer sees it: descriptors and, per descriptor, its label if it has one.
#[derive(Debug, Clone, Default)]
pub struct LabelledPage {
    /// A name that groups pages of one site (cross-validation keeps a site in one fold).
    pub site: String,
    pub fields: Vec<FieldDescriptor>,
    pub truth: Vec<Option<String>>,
    /// A page from the negatives set (no address or payment fields).
    pub negative: bool,
}

/// Hyper-parameters.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
    /// Features seen on fewer examples than this are dropped.
    pub min_count: usize,
    /// Weights smaller than this are not shipped.
    pub prune: f32,
    pub seed: u64,
    /// Below this probability the model leaves the rules' answer.
    pub min_prob: f32,
    /// Train a "none" class from unlabelled fields (else the rules alone say "none").
    pub none_examples: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { epochs: 10, learning_rate: 0.1, l2: 1e-3, min_count: 3, prune: 0.05, seed: 7, min_prob: 0.6, none_examples: false }
    }
}

struct Example {
    feats: Vec<u32>,
    class: usize,
}

/// The rule answers and hashed features of each page, computed once.
pub struct Prepared {
    pages: Vec<(Vec<Prediction>, Vec<Option<OptionKind>>, Vec<Vec<u32>>)>,
}

/// Runs the rules and the feature extractor over every page.
pub fn prepare(pages: &[LabelledPage]) -> Prepared {
    Prepared {
        pages: pages
            .iter()
            .map(|p| {
                let (rule, opts) = rules_and_options(&p.fields);
                let f = page_features(&p.fields, &rule, &opts);
                (rule, opts, f)
            })
            .collect(),
    }
}

/// Name, email and phone tokens: a negative page may rightly ask for them.
fn personal(t: &str) -> bool {
    t == "email" || t.starts_with("tel") || t.contains("name") && !t.starts_with("cc-") && !t.contains("street")
}

/// Trains on the pages whose index `keep` accepts.
pub fn train(pages: &[LabelledPage], prep: &Prepared, keep: &dyn Fn(usize) -> bool, o: &TrainOptions) -> FieldModel {
    let mut classes: Vec<Token> = vec![NONE];
    let mut class_of: HashMap<Token, usize> = HashMap::from([(NONE, 0)]);
    let mut examples = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        if !keep(i) {
            continue;
        }
        let (rule, _, feats) = &prep.pages[i];
        for (k, f) in feats.iter().enumerate() {
            let t: Token = match p.truth.get(k).and_then(|t| t.as_deref()) {
                Some(t) => match token::intern(t) {
                    Some(t) => t,
                    None => continue,
                },
                None if !o.none_examples || p.negative && personal(&rule[k].token) => continue,
                None => NONE,
            };
            let c = *class_of.entry(t).or_insert_with(|| {
                classes.push(t);
                classes.len() - 1
            });
            examples.push(Example { feats: f.clone(), class: c });
        }
    }
    fit(&examples, classes, o)
}

fn fit(examples: &[Example], classes: Vec<Token>, o: &TrainOptions) -> FieldModel {
    let nc = classes.len();
    let mut count: HashMap<u32, usize> = HashMap::new();
    for e in examples {
        for f in &e.feats {
            *count.entry(*f).or_default() += 1;
        }
    }
    let mut index: HashMap<u32, usize> = HashMap::new();
    let mut keys: Vec<u32> = count.iter().filter(|(_, &c)| c >= o.min_count).map(|(k, _)| *k).collect();
    keys.sort_unstable();
    for (i, k) in keys.iter().enumerate() {
        index.insert(*k, i);
    }
    let rows: Vec<Vec<usize>> = examples.iter().map(|e| e.feats.iter().filter_map(|f| index.get(f).copied()).collect()).collect();
    let mut w = vec![0f32; keys.len() * nc];
    let mut g2 = vec![1e-6f32; keys.len() * nc];
    let mut b = vec![0f32; nc];
    let mut gb = vec![1e-6f32; nc];
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = o.seed.max(1);
    let mut z = vec![0f32; nc];
    for _ in 0..o.epochs {
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        for &e in &order {
            z.copy_from_slice(&b);
            for &f in &rows[e] {
                for c in 0..nc {
                    z[c] += w[f * nc + c];
                }
            }
            let max = z.iter().copied().fold(f32::MIN, f32::max);
            let mut sum = 0.0;
            for v in z.iter_mut() {
                *v = (*v - max).exp();
                sum += *v;
            }
            for c in 0..nc {
                let g = z[c] / sum - if c == examples[e].class { 1.0 } else { 0.0 };
                gb[c] += g * g;
                b[c] -= o.learning_rate * g / gb[c].sqrt();
                for &f in &rows[e] {
                    let at = f * nc + c;
                    let g = g + o.l2 * w[at];
                    g2[at] += g * g;
                    w[at] -= o.learning_rate * g / g2[at].sqrt();
                }
            }
        }
    }
    let mut weights = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        let row: Vec<(u8, f32)> = (0..nc).filter(|&c| w[i * nc + c].abs() >= o.prune).map(|c| (c as u8, w[i * nc + c])).collect();
        if !row.is_empty() {
            weights.insert(*k, row);
        }
    }
    FieldModel { classes, bias: b, min_prob: o.min_prob, weights: weights.into_iter().collect() }
}

/// Scores on a set of pages: labelled-field accuracy and false fills on negative pages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Score {
    pub correct: usize,
    pub labelled: usize,
    pub false_fills: usize,
    /// (truth, predicted) → count, for the wrong answers.
    pub confusion: HashMap<(String, String), usize>,
}

impl Score {
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.labelled.max(1) as f64
    }
    fn add(&mut self, page: &LabelledPage, pred: &[Prediction]) {
        for (t, p) in page.truth.iter().zip(pred) {
            match t {
                Some(t) => {
                    self.labelled += 1;
                    self.correct += (t == &p.token) as usize;
                    if t != &p.token {
                        *self.confusion.entry((t.clone(), p.token.clone())).or_default() += 1;
                    }
                }
                None if page.negative && is_address_or_payment(&p.token) => self.false_fills += 1,
                None => {}
            }
        }
    }
}

/// Scores the rules alone and `model` over them on the pages `keep` accepts.
pub fn score(pages: &[LabelledPage], prep: &Prepared, model: Option<&FieldModel>, keep: &dyn Fn(usize) -> bool) -> Score {
    let mut s = Score::default();
    for (i, p) in pages.iter().enumerate() {
        if !keep(i) {
            continue;
        }
        let (rule, opts, _) = &prep.pages[i];
        match model {
            Some(m) => s.add(p, &apply(m, &p.fields, rule, opts)),
            None => s.add(p, rule),
        }
    }
    s
}

/// The fold of a site: a stable hash of its name.
pub fn fold_of(site: &str, folds: usize) -> usize {
    let h = site.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
    (h % folds as u64) as usize
}

/// K-fold cross-validation by site: (rules alone, rules + learned) on the held-out pages.
pub fn cross_validate(pages: &[LabelledPage], prep: &Prepared, folds: usize, o: &TrainOptions) -> (Score, Score) {
    let (mut rules, mut learned) = (Score::default(), Score::default());
    for (i, pred) in held_out_predictions(pages, prep, folds, o).iter().enumerate() {
        rules.add(&pages[i], &prep.pages[i].0);
        learned.add(&pages[i], pred);
    }
    (rules, learned)
}

/// Every page's predictions (rules + learned) by a model trained on the other folds' sites.
pub fn held_out_predictions(pages: &[LabelledPage], prep: &Prepared, folds: usize, o: &TrainOptions) -> Vec<Vec<Prediction>> {
    let fold: Vec<usize> = pages.iter().map(|p| fold_of(&p.site, folds)).collect();
    let mut out = vec![Vec::new(); pages.len()];
    for k in 0..folds {
        let model = train(pages, prep, &|i| fold[i] != k, o);
        for i in (0..pages.len()).filter(|&i| fold[i] == k) {
            let (rule, opts, _) = &prep.pages[i];
            out[i] = apply(&model, &pages[i].fields, rule, opts);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(label: &str) -> FieldDescriptor {
        FieldDescriptor { tag: "input".into(), kind: "text".into(), label: label.into(), ..Default::default() }
    }

    /// A convention the rules do not know (a "Land" text box is `country-name` here) is learned
    /// from labelled pages and carried to a page the model never saw.
    #[test]
    fn learns_a_labelling_convention_and_generalises() {
        let page = |site: &str, city: &str| LabelledPage {
            site: site.into(),
            fields: vec![field("Land"), field(city), field("Suche")],
            truth: vec![Some("country-name".into()), Some("address-level2".into()), None],
            negative: false,
        };
        let pages: Vec<LabelledPage> = (0..12).map(|i| page(&format!("s{i}"), if i % 2 == 0 { "Stadt" } else { "Ort" })).collect();
        let prep = prepare(&pages);
        let o = TrainOptions { epochs: 20, ..Default::default() };
        let model = train(&pages, &prep, &|i| i < 10, &o);
        let rules = score(&pages, &prep, None, &|i| i >= 10);
        let learned = score(&pages, &prep, Some(&model), &|i| i >= 10);
        assert_eq!(learned.labelled, 4);
        assert_eq!(learned.correct, 4, "learned: {learned:?}");
        assert!(rules.correct < 4, "the rules alone already knew it: {rules:?}");
        let back = FieldModel::from_bytes(&model.to_bytes()).unwrap();
        assert_eq!(score(&pages, &prep, Some(&back), &|i| i >= 10).correct, 4);
    }

    #[test]
    fn folds_are_stable_and_spread() {
        assert_eq!(fold_of("EN_A10", 5), fold_of("EN_A10", 5));
        let used: std::collections::HashSet<usize> = (0..50).map(|i| fold_of(&format!("site{i}"), 5)).collect();
        assert_eq!(used.len(), 5);
    }
}
