//! Training on a tiny generated llama (2 blocks, Q4_1/Q8_0, vocabulary 96): gradients against
//! central finite differences, the training forward against the inference model, unmerged
//! against merged adapters, packing, resume and learning. The real-model checks (16 invented
//! facts, DPO on held-out pairs) are `secondself eval train`, recorded in docs/EVAL.md.

use burn::tensor::Device;

use super::data::{DpoExample, SftExample};
use super::forward::{to_host, DropoutSeed, Frozen, LoraTensors, Packed};
use super::trainer::{mean_nll, preference_margins, Objective, TrainConfig, Trainer};
use crate::kernels::test_util::assert_close;
use crate::model::llama::tests::{block_on, tiny_config, tiny_model};
use crate::model::lora::{seeded_uniform, Adapter, LoraConfig};
use crate::model::weights::LlamaWeights;
use crate::model::{Llama, LlamaConfig};

fn tiny() -> (LlamaConfig, LlamaWeights) {
    let c = tiny_config();
    let w = LlamaWeights::load(&tiny_model(&c, 5), &c).unwrap();
    (c, w)
}

/// An adapter with every factor random (B too), so every gradient is non-zero.
fn random_adapter(c: &LlamaConfig, seed: u64, dropout: f32) -> Adapter {
    let mut a = Adapter::new(c, LoraConfig { rank: 4, alpha: 8.0, dropout }, seed);
    for (i, f) in a.factors_mut().into_iter().enumerate() {
        let r = seeded_uniform(f.len(), seed * 1000 + i as u64);
        f.iter_mut().zip(r).for_each(|(v, r)| *v = 0.2 * r);
    }
    a
}

fn two_examples() -> Packed {
    let mut p = Packed::default();
    p.push(&[5, 9, 13, 40, 41, 7, 2], &[3..7]);
    p.push(&[5, 60, 61, 62, 3], &[2..5]);
    p
}

fn loss(frozen: &Frozen, adapter: &Adapter, packed: &Packed) -> f64 {
    let lora = LoraTensors::constant(adapter, frozen.device());
    let logp = block_on(to_host(frozen.token_logprobs(&lora, packed, DropoutSeed(0)).unwrap())).unwrap();
    -logp.iter().map(|&v| v as f64).sum::<f64>()
}

/// Backward gradients of the summed NLL against central differences, for coordinates `coords`
/// of A and B factors in both blocks and several projections.
fn check_gradients(device: &Device, coords: &[usize]) {
    let (c, w) = tiny();
    let frozen = Frozen::new(c.clone(), &w, device).unwrap();
    let adapter = random_adapter(&c, 3, 0.0);
    let packed = two_examples();
    let lora = LoraTensors::tracked(&adapter, device);
    let logp = frozen.token_logprobs(&lora, &packed, DropoutSeed(0)).unwrap();
    let grads = logp.sum().neg().backward();
    let analytic: Vec<Vec<f32>> = lora
        .factors()
        .into_iter()
        .map(|f| block_on(to_host(f.grad(&grads).expect("every factor has a gradient"))).unwrap())
        .collect();
    let eps = 1e-2f32;
    let mut checked = 0;
    // Factors: layer l, projection p, a (even) / b (odd): q.a, v.b, o.a, gate.b, down.a, down.b …
    for factor in [0usize, 5, 6, 9, 12, 13, 14 + 3, 14 + 8, 14 + 13] {
        for &k in coords {
            let len = adapter.factors()[factor].len();
            let k = k % len;
            let mut plus = adapter.clone();
            plus.factors_mut()[factor][k] += eps;
            let mut minus = adapter.clone();
            minus.factors_mut()[factor][k] -= eps;
            let fd = ((loss(&frozen, &plus, &packed) - loss(&frozen, &minus, &packed)) / (2.0 * eps as f64)) as f32;
            let g = analytic[factor][k];
            assert!(
                (g - fd).abs() <= 3e-3 + 0.03 * g.abs().max(fd.abs()),
                "factor {factor}[{k}]: backward {g}, finite difference {fd}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 9 * coords.len());
}

#[test]
fn lora_gradients_match_finite_differences_on_cpu() {
    check_gradients(&Device::flex(), &[0, 7, 31]);
}

/// wgpu natively (lavapipe here): the same differentiation on the GPU backend, one coordinate a
/// factor (every finite difference is two forward passes, over a second each on lavapipe).
#[test]
fn lora_gradients_match_finite_differences_on_wgpu() {
    check_gradients(&Device::wgpu(burn::tensor::DeviceKind::DefaultDevice), &[7]);
}

/// The training forward is the inference model: each scored token's log-probability equals
/// the log-softmax of the inference model's logits after the same prefix.
#[test]
fn the_training_forward_is_the_inference_model() {
    let (c, w) = tiny();
    let device = Device::flex();
    let frozen = Frozen::new(c.clone(), &w, &device).unwrap();
    let adapter = random_adapter(&c, 4, 0.0);
    let tokens = [5u32, 9, 13, 40, 41, 7, 2];
    let mut packed = Packed::default();
    packed.push(&tokens, &[1..7]);
    let got = block_on(to_host(
        frozen.token_logprobs(&LoraTensors::constant(&adapter, &device), &packed, DropoutSeed(0)).unwrap(),
    ))
    .unwrap();
    let mut model = Llama::from_weights(c.clone(), w.clone(), &device).unwrap();
    model.set_adapter(Some(&adapter)).unwrap();
    for (i, &lp) in got.iter().enumerate() {
        model.reset();
        let logits = block_on(model.forward(&tokens[..=i])).unwrap();
        let max = logits.iter().cloned().fold(f32::MIN, f32::max);
        let z: f32 = logits.iter().map(|v| (v - max).exp()).sum();
        let want = logits[tokens[i + 1] as usize] - max - z.ln();
        assert!((lp - want).abs() < 1e-3, "position {i}: training {lp}, inference {want}");
    }
}

/// Packing changes nothing: an example's log-probabilities are the same alone and after
/// another one in the same sequence.
#[test]
fn packed_examples_do_not_see_each_other() {
    let (c, w) = tiny();
    let device = Device::flex();
    let frozen = Frozen::new(c.clone(), &w, &device).unwrap();
    let lora = LoraTensors::constant(&random_adapter(&c, 5, 0.0), &device);
    let run = |p: &Packed| block_on(to_host(frozen.token_logprobs(&lora, p, DropoutSeed(0)).unwrap())).unwrap();
    let both = run(&two_examples());
    let mut first = Packed::default();
    first.push(&[5, 9, 13, 40, 41, 7, 2], &[3..7]);
    let mut second = Packed::default();
    second.push(&[5, 60, 61, 62, 3], &[2..5]);
    let alone: Vec<f32> = run(&first).into_iter().chain(run(&second)).collect();
    assert_close(&both, &alone, 1e-4, 1e-4);
}

/// An untrained adapter (B = 0) leaves the model's logits as they were; a trained one applied
/// unmerged over the 4-bit base gives the logits of the same adapter merged into a dequantized
/// copy.
#[test]
fn adapters_unmerged_match_the_base_and_the_merged_copy() {
    let (c, w) = tiny();
    let device = Device::flex();
    let tokens = [3u32, 17, 95, 0, 42, 42, 8];
    let mut model = Llama::from_weights(c.clone(), w.clone(), &device).unwrap();
    let base = block_on(model.forward(&tokens)).unwrap();
    model.set_adapter(Some(&Adapter::new(&c, LoraConfig::default(), 9))).unwrap();
    assert!(model.has_adapter());
    let untrained = block_on(model.forward(&tokens)).unwrap();
    assert_close(&untrained, &base, 1e-5, 1e-5);

    let trained = random_adapter(&c, 6, 0.0);
    model.set_adapter(Some(&trained)).unwrap();
    let mut packed = Packed::default();
    packed.push(&tokens, &[1..7]);
    let unmerged: Vec<f32> = (1..tokens.len())
        .map(|i| {
            model.reset();
            let logits = block_on(model.forward(&tokens[..i])).unwrap();
            let max = logits.iter().cloned().fold(f32::MIN, f32::max);
            let z: f32 = logits.iter().map(|v| (v - max).exp()).sum();
            logits[tokens[i] as usize] - max - z.ln()
        })
        .collect();
    let merged = Frozen::merged(c.clone(), &w, &trained, &device).unwrap();
    let none = Adapter::new(&c, LoraConfig::default(), 1);
    let want = block_on(to_host(
        merged.token_logprobs(&LoraTensors::constant(&none, &device), &packed, DropoutSeed(0)).unwrap(),
    ))
    .unwrap();
    assert_close(&unmerged, &want, 1e-3, 1e-3);
    // And the adapter does change the model.
    assert!(unmerged.iter().zip(&base).any(|(a, b)| (a - b).abs() > 1e-2));
    model.set_adapter(None).unwrap();
    assert!(!model.has_adapter());
    assert_close(&block_on(model.forward(&tokens)).unwrap(), &base, 1e-6, 1e-6);
}

fn sft_data() -> Vec<SftExample> {
    // Prompt tokens then a reply the base model has no reason to produce.
    (0..6u32)
        .map(|i| SftExample {
            tokens: vec![1, 10 + i, 20 + i, 2, 50 + i, 51 + i, 52 + i, 53, 3],
            scored: vec![4..9],
        })
        .collect()
}

fn sft_config(steps: u64) -> TrainConfig {
    TrainConfig {
        lora: LoraConfig { rank: 4, alpha: 8.0, dropout: 0.05 },
        steps,
        lr: 1e-2,
        warmup: 2,
        accum: 2,
        seq_len: 20,
        seed: 42,
        ..TrainConfig::default()
    }
}

/// A few dozen updates drive the tiny model's loss on its data well down.
#[test]
fn sft_learns_the_replies() {
    let (c, w) = tiny();
    let frozen = Frozen::new(c, &w, &Device::flex()).unwrap();
    let data = sft_data();
    let mut t = block_on(Trainer::new(frozen, sft_config(40), Objective::Sft(data.clone()), None)).unwrap();
    let before = block_on(mean_nll(t.frozen(), t.adapter(), &data)).unwrap();
    let mut first = None;
    while !t.is_done() {
        let r = block_on(t.step()).unwrap();
        assert!(r.loss.is_finite() && r.grad_norm.is_finite());
        first.get_or_insert(r.loss);
    }
    let after = block_on(mean_nll(t.frozen(), t.adapter(), &data)).unwrap();
    assert!(after < 0.5 * before, "NLL {before} → {after}");
}

/// Stopping after 3 updates, saving, and resuming from the checkpoint ends with the same
/// adapter as 6 updates in one go.
#[test]
fn a_resumed_run_ends_with_the_same_adapter() {
    let (c, w) = tiny();
    let device = Device::flex();
    let data = Objective::Sft(sft_data());
    let cfg = sft_config(6);
    let frozen = Frozen::new(c.clone(), &w, &device).unwrap();
    let mut straight = block_on(Trainer::new(frozen.clone(), cfg.clone(), data.clone(), None)).unwrap();
    while !straight.is_done() {
        block_on(straight.step()).unwrap();
    }
    let mut first = block_on(Trainer::new(frozen.clone(), cfg.clone(), data.clone(), None)).unwrap();
    for _ in 0..3 {
        block_on(first.step()).unwrap();
    }
    let saved = first.checkpoint();
    drop(first);
    let mut resumed = Trainer::resume(frozen.clone(), cfg.clone(), data.clone(), &saved).unwrap();
    assert_eq!(resumed.step_count(), 3);
    while !resumed.is_done() {
        block_on(resumed.step()).unwrap();
    }
    assert_eq!(resumed.adapter(), straight.adapter());
    // The checkpoint is itself a loadable adapter file; other settings refuse to resume.
    assert!(Adapter::from_bytes(&saved, &c).is_ok());
    let other = TrainConfig { lr: 1e-3, ..cfg };
    let err = Trainer::resume(frozen, other, data, &saved).err().expect("refused").to_string();
    assert!(err.contains("other data or with other settings"), "{err}");
}

/// DPO from a reference adapter widens the chosen-over-rejected margin.
#[test]
fn dpo_prefers_the_chosen_replies() {
    let (c, w) = tiny();
    let frozen = Frozen::new(c.clone(), &w, &Device::flex()).unwrap();
    let pairs: Vec<DpoExample> = (0..4u32)
        .map(|i| DpoExample {
            chosen: SftExample { tokens: vec![1, 10 + i, 2, 60 + i, 61, 3], scored: vec![3..6] },
            rejected: SftExample { tokens: vec![1, 10 + i, 2, 70 + i, 71, 3], scored: vec![3..6] },
        })
        .collect();
    let reference = random_adapter(&c, 8, 0.0);
    let before = block_on(preference_margins(&frozen, &reference, &pairs)).unwrap();
    let cfg = TrainConfig { beta: 0.5, lr: 5e-3, steps: 20, accum: 1, seq_len: 32, ..sft_config(20) };
    let mut t = block_on(Trainer::new(frozen.clone(), cfg, Objective::Dpo(pairs.clone()), Some(reference))).unwrap();
    let mut last = None;
    while !t.is_done() {
        last = Some(block_on(t.step()).unwrap());
    }
    let after = block_on(preference_margins(&frozen, t.adapter(), &pairs)).unwrap();
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    assert!(mean(&after) > mean(&before) + 1.0, "margin {:?} → {:?}", before, after);
    assert_eq!(last.unwrap().preferred, Some(1.0));
}
