//! Seeded token sampler: greedy, temperature, top-k, top-p and a repetition penalty.
//!
//! Why: generation must be reproducible (same seed, same logits → same tokens) on every
//! platform, so the sampler has its own small PRNG (PCG-XSH-RR 32) instead of `getrandom`,
//! and applies its steps in a fixed order: repetition penalty → (temperature ≤ 0: argmax) →
//! top-k → softmax at the temperature → top-p → draw.
//!
//! Who calls it: [`super::Generation::next_token`]; usable alone by any model loop.

use thiserror::Error;

/// The logits could not be sampled.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SampleError {
    /// The logits slice is empty.
    #[error("no logits to sample from")]
    Empty,
    /// Every logit is NaN or `-inf` (the model output is broken).
    #[error("all {0} logits are NaN or -inf (the model output is broken)")]
    NoFiniteLogit(usize),
}

/// How to pick the next token. The default is greedy with no penalty.
#[derive(Debug, Clone, PartialEq)]
pub struct SamplerParams {
    /// Softmax temperature; `<= 0` means greedy (argmax).
    pub temperature: f32,
    /// Keep only the `top_k` most likely tokens; `0` disables.
    pub top_k: usize,
    /// Keep the smallest set of most likely tokens whose probability reaches `top_p`;
    /// `>= 1` disables.
    pub top_p: f32,
    /// Divide positive (multiply negative) logits of recently seen tokens by this; `1` disables.
    pub repetition_penalty: f32,
    /// How many of the most recent tokens (prompt included) the penalty looks at.
    pub repetition_window: usize,
    /// Seed of the PRNG.
    pub seed: u64,
}

impl Default for SamplerParams {
    fn default() -> Self {
        SamplerParams {
            temperature: 0.0,
            top_k: 0,
            top_p: 1.0,
            repetition_penalty: 1.0,
            repetition_window: 64,
            seed: 0,
        }
    }
}

impl SamplerParams {
    /// Greedy decoding (argmax), no penalty.
    pub fn greedy() -> Self {
        Self::default()
    }

    /// Whether the pick depends only on the argmax of the logits (greedy and no penalty), so
    /// the model may read back just that id.
    pub fn is_greedy(&self) -> bool {
        self.temperature <= 0.0 && self.repetition_penalty == 1.0
    }
}

/// PCG-XSH-RR with 64-bit state and 32-bit output (O'Neill 2014).
#[derive(Debug, Clone)]
pub struct Pcg32 {
    state: u64,
    inc: u64,
}

impl Pcg32 {
    const MUL: u64 = 6364136223846793005;

    /// A generator seeded with `seed` (any value, 0 included).
    pub fn new(seed: u64) -> Self {
        let mut rng = Pcg32 {
            state: 0,
            inc: (0xda3e39cb94b95bdb << 1) | 1,
        };
        rng.next_u32();
        rng.state = rng.state.wrapping_add(seed);
        rng.next_u32();
        rng
    }

    /// The next 32 random bits.
    pub fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.state = old.wrapping_mul(Self::MUL).wrapping_add(self.inc);
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        let rot = (old >> 59) as u32;
        xorshifted.rotate_right(rot)
    }

    /// A uniform float in `[0, 1)` (24 random bits).
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / (1u32 << 24) as f32)
    }
}

/// A seeded sampler; keep one per generation so its PRNG stream advances.
#[derive(Debug, Clone)]
pub struct Sampler {
    params: SamplerParams,
    rng: Pcg32,
    /// Scratch buffer of (token, logit) candidates, reused between calls.
    candidates: Vec<(u32, f32)>,
}

impl Sampler {
    /// A sampler with the given parameters, its PRNG seeded with `params.seed`.
    pub fn new(params: SamplerParams) -> Self {
        let rng = Pcg32::new(params.seed);
        Sampler {
            params,
            rng,
            candidates: Vec::new(),
        }
    }

    /// The parameters.
    pub fn params(&self) -> &SamplerParams {
        &self.params
    }

    /// Picks the next token from `logits` (one per vocabulary entry). `history` is the sequence
    /// so far (prompt and generated tokens); its last `repetition_window` tokens are penalised.
    /// NaN logits count as `-inf`, `+inf` as the largest finite value.
    pub fn sample(&mut self, logits: &[f32], history: &[u32]) -> Result<u32, SampleError> {
        if logits.is_empty() {
            return Err(SampleError::Empty);
        }
        let p = &self.params;
        self.candidates.clear();
        self.candidates
            .extend(logits.iter().enumerate().map(|(i, &l)| {
                let l = if l.is_nan() {
                    f32::NEG_INFINITY
                } else {
                    l.min(f32::MAX)
                };
                (i as u32, l)
            }));
        if p.repetition_penalty != 1.0 && p.repetition_penalty > 0.0 && p.repetition_window > 0 {
            let start = history.len().saturating_sub(p.repetition_window);
            let mut seen = std::collections::HashSet::new();
            for &t in &history[start..] {
                if seen.insert(t) {
                    if let Some(c) = self.candidates.get_mut(t as usize) {
                        c.1 = if c.1 > 0.0 {
                            c.1 / p.repetition_penalty
                        } else {
                            c.1 * p.repetition_penalty
                        };
                    }
                }
            }
        }
        if !self.candidates.iter().any(|c| c.1 > f32::NEG_INFINITY) {
            return Err(SampleError::NoFiniteLogit(logits.len()));
        }
        if p.temperature <= 0.0 {
            return Ok(argmax(&self.candidates));
        }
        // Most likely first; ties by lower id, so results do not depend on the sort's stability.
        let by_logit = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if p.top_k > 0 && p.top_k < self.candidates.len() {
            self.candidates
                .select_nth_unstable_by(p.top_k - 1, by_logit);
            self.candidates.truncate(p.top_k);
        }
        self.candidates.sort_unstable_by(by_logit);
        // Softmax at the temperature (in place: logits become probabilities).
        let max = self.candidates[0].1;
        let mut total = 0f32;
        for c in self.candidates.iter_mut() {
            c.1 = ((c.1 - max) / p.temperature).exp();
            total += c.1;
        }
        let mut keep = self.candidates.len();
        if p.top_p < 1.0 {
            let mut cumulative = 0f32;
            for (i, c) in self.candidates.iter().enumerate() {
                cumulative += c.1 / total;
                if cumulative >= p.top_p {
                    keep = i + 1;
                    break;
                }
            }
            self.candidates.truncate(keep);
            total = self.candidates.iter().map(|c| c.1).sum();
        }
        let mut r = self.rng.next_f32() * total;
        for c in &self.candidates {
            if r < c.1 {
                return Ok(c.0);
            }
            r -= c.1;
        }
        // Rounding left a sliver of mass: take the least likely kept token.
        Ok(self.candidates[keep - 1].0)
    }
}

/// Index of the largest logit; the lowest index on ties.
fn argmax(c: &[(u32, f32)]) -> u32 {
    let mut best = c[0];
    for &x in &c[1..] {
        if x.1 > best.1 {
            best = x;
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logits() -> Vec<f32> {
        // A spread of values with a clear maximum at 7.
        (0..50)
            .map(|i| ((i * 31 % 17) as f32) / 4.0 - 2.0)
            .chain([9.0])
            .chain((0..20).map(|i| i as f32 / 10.0))
            .collect()
    }

    fn sampled(params: SamplerParams, n: usize, logits: &[f32]) -> Vec<u32> {
        let mut s = Sampler::new(params);
        (0..n).map(|_| s.sample(logits, &[]).unwrap()).collect()
    }

    #[test]
    fn greedy_is_argmax_with_lowest_index_on_ties() {
        let l = logits();
        let mut s = Sampler::new(SamplerParams::greedy());
        assert_eq!(s.sample(&l, &[]).unwrap(), 50);
        assert_eq!(s.sample(&[1.0, 3.0, 3.0, f32::NAN], &[]).unwrap(), 1);
    }

    #[test]
    fn top_k_one_equals_greedy_at_any_temperature() {
        let l = logits();
        let p = SamplerParams {
            temperature: 5.0,
            top_k: 1,
            seed: 9,
            ..Default::default()
        };
        assert!(sampled(p, 200, &l).iter().all(|&t| t == 50));
    }

    #[test]
    fn same_seed_same_tokens_other_seed_differs() {
        let l: Vec<f32> = (0..100).map(|i| (i % 7) as f32 * 0.1).collect();
        let p = |seed| SamplerParams {
            temperature: 1.0,
            seed,
            ..Default::default()
        };
        let a = sampled(p(42), 100, &l);
        assert_eq!(a, sampled(p(42), 100, &l));
        assert_ne!(a, sampled(p(43), 100, &l));
        // Flat-ish distribution: many distinct tokens come up.
        let distinct: std::collections::HashSet<_> = a.iter().collect();
        assert!(distinct.len() > 30, "{}", distinct.len());
    }

    #[test]
    fn top_k_restricts_to_the_k_best() {
        let l: Vec<f32> = (0..20).map(|i| i as f32 * 0.01).collect(); // best: 19, 18, 17
        let p = SamplerParams {
            temperature: 1.0,
            top_k: 3,
            seed: 1,
            ..Default::default()
        };
        let got = sampled(p, 300, &l);
        assert!(got.iter().all(|t| [17, 18, 19].contains(t)), "{got:?}");
        for t in [17, 18, 19] {
            assert!(got.contains(&t), "never drew {t}");
        }
    }

    #[test]
    fn top_p_keeps_the_smallest_set_reaching_the_mass() {
        // Probabilities 0.5, 0.25, 0.125, 0.0625, 0.0625 at temperature 1.
        let l: Vec<f32> = [0.5f32, 0.25, 0.125, 0.0625, 0.0625]
            .iter()
            .map(|p| p.ln())
            .collect();
        let draw = |top_p| {
            sampled(
                SamplerParams {
                    temperature: 1.0,
                    top_p,
                    seed: 3,
                    ..Default::default()
                },
                2000,
                &l,
            )
        };
        let got = draw(0.7); // 0.5 + 0.25 reaches 0.7
        assert!(
            got.iter().all(|&t| t <= 1),
            "top-p 0.7 drew beyond the first two"
        );
        let share0 = got.iter().filter(|&&t| t == 0).count() as f32 / got.len() as f32;
        assert!(
            (share0 - 2.0 / 3.0).abs() < 0.05,
            "renormalised share {share0}"
        );
        assert!(draw(0.4).iter().all(|&t| t == 0));
        let all = draw(1.0);
        assert!(all.contains(&3) && all.contains(&4));
    }

    #[test]
    fn temperature_sharpens_and_flattens() {
        let l = [1.0f32, 0.0];
        let share = |temperature| {
            let got = sampled(
                SamplerParams {
                    temperature,
                    seed: 5,
                    ..Default::default()
                },
                4000,
                &l,
            );
            got.iter().filter(|&&t| t == 0).count() as f32 / got.len() as f32
        };
        let expected = 1.0 / (1.0 + (-1.0f32).exp()); // 0.731
        assert!((share(1.0) - expected).abs() < 0.03);
        assert!(share(0.2) > 0.98);
        assert!((share(100.0) - 0.5).abs() < 0.05);
    }

    #[test]
    fn repetition_penalty_demotes_recent_tokens_within_the_window() {
        let l = [2.0f32, 1.9, -1.0, -1.1];
        let mut s = Sampler::new(SamplerParams {
            repetition_penalty: 1.3,
            repetition_window: 2,
            ..Default::default()
        });
        assert_eq!(s.sample(&l, &[]).unwrap(), 0);
        assert_eq!(s.sample(&l, &[0]).unwrap(), 1); // 2.0/1.3 < 1.9
        assert_eq!(s.sample(&l, &[0, 3, 3]).unwrap(), 0); // 0 is outside the window of 2
        assert_eq!(s.sample(&[-1.0, -1.1], &[0]).unwrap(), 1); // -1.0*1.3 < -1.1
                                                               // A token id beyond the vocabulary in the history is ignored.
        assert_eq!(s.sample(&l, &[u32::MAX]).unwrap(), 0);
    }

    #[test]
    fn broken_logits_are_errors() {
        let mut s = Sampler::new(SamplerParams::default());
        assert_eq!(s.sample(&[], &[]), Err(SampleError::Empty));
        assert_eq!(
            s.sample(&[f32::NAN, f32::NEG_INFINITY], &[]),
            Err(SampleError::NoFiniteLogit(2))
        );
        let mut s = Sampler::new(SamplerParams {
            temperature: 1.0,
            ..Default::default()
        });
        assert_eq!(s.sample(&[f32::NEG_INFINITY, 0.0], &[]).unwrap(), 1);
        assert_eq!(s.sample(&[0.0, f32::INFINITY, 1.0], &[]).unwrap(), 1);
    }

    #[test]
    fn pcg_is_uniform_enough() {
        let mut r = Pcg32::new(0);
        let n = 10_000;
        let mean = (0..n).map(|_| r.next_f32()).sum::<f32>() / n as f32;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
        assert!((0..1000).all(|_| r.next_f32() < 1.0));
    }
}
