//! AdamW over the adapter's host factors, the learning-rate schedule (linear warm-up, then
//! cosine decay to a floor) and global-norm gradient clipping. Plain host arithmetic: the
//! adapter is small (SmolLM2-135M at r = 8: 2.4 M values), so the update costs nothing next to
//! the forward and backward passes, and the optimiser state is trivially checkpointed.
//! Called by [`super::trainer`].

/// AdamW hyper-parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct AdamW {
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub weight_decay: f32,
}

impl Default for AdamW {
    fn default() -> Self {
        Self {
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.01,
        }
    }
}

/// First and second moments, one pair of buffers per factor.
#[derive(Debug, Clone, PartialEq)]
pub struct AdamState {
    pub m: Vec<Vec<f32>>,
    pub v: Vec<Vec<f32>>,
    /// Updates applied so far (bias correction).
    pub t: u64,
}

impl AdamState {
    /// Zeroed moments shaped like `params`.
    pub fn zeros(params: &[&Vec<f32>]) -> Self {
        Self {
            m: params.iter().map(|p| vec![0.0; p.len()]).collect(),
            v: params.iter().map(|p| vec![0.0; p.len()]).collect(),
            t: 0,
        }
    }
}

impl AdamW {
    /// One decoupled-weight-decay Adam step at learning rate `lr`.
    pub fn step(&self, state: &mut AdamState, params: &mut [&mut Vec<f32>], grads: &[Vec<f32>], lr: f32) {
        state.t += 1;
        let t = state.t as i32;
        let c1 = 1.0 - self.beta1.powi(t);
        let c2 = 1.0 - self.beta2.powi(t);
        for (i, p) in params.iter_mut().enumerate() {
            let (m, v, g) = (&mut state.m[i], &mut state.v[i], &grads[i]);
            for j in 0..p.len() {
                m[j] = self.beta1 * m[j] + (1.0 - self.beta1) * g[j];
                v[j] = self.beta2 * v[j] + (1.0 - self.beta2) * g[j] * g[j];
                let update = (m[j] / c1) / ((v[j] / c2).sqrt() + self.eps);
                p[j] -= lr * (update + self.weight_decay * p[j]);
            }
        }
    }
}

/// Linear warm-up for `warmup` steps to `peak`, then cosine decay to `floor · peak` at `total`.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub peak: f32,
    pub warmup: u64,
    pub total: u64,
    pub floor: f32,
}

impl Schedule {
    /// The learning rate of step `step` (0-based).
    pub fn lr(&self, step: u64) -> f32 {
        if step < self.warmup {
            return self.peak * (step + 1) as f32 / self.warmup as f32;
        }
        let span = self.total.saturating_sub(self.warmup).max(1);
        let progress = ((step - self.warmup) as f32 / span as f32).min(1.0);
        let cosine = 0.5 * (1.0 + (std::f32::consts::PI * progress).cos());
        self.peak * (self.floor + (1.0 - self.floor) * cosine)
    }
}

/// Scales `grads` so their global L2 norm is at most `max_norm`; returns the norm before.
pub fn clip_global_norm(grads: &mut [Vec<f32>], max_norm: f32) -> f32 {
    let norm = grads
        .iter()
        .flat_map(|g| g.iter())
        .map(|&x| (x as f64) * (x as f64))
        .sum::<f64>()
        .sqrt() as f32;
    if max_norm > 0.0 && norm > max_norm {
        let s = max_norm / (norm + 1e-6);
        grads.iter_mut().flat_map(|g| g.iter_mut()).for_each(|x| *x *= s);
    }
    norm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adamw_walks_down_a_quadratic() {
        // Minimise (p - 3)² from 0: the first step moves by ~lr whatever the gradient's size.
        let mut p = vec![0.0f32];
        let opt = AdamW { weight_decay: 0.0, ..AdamW::default() };
        let mut state = AdamState::zeros(&[&p]);
        opt.step(&mut state, &mut [&mut p], &[vec![2.0 * (0.0 - 3.0)]], 0.1);
        assert!((p[0] - 0.1).abs() < 1e-4, "{}", p[0]);
        for _ in 0..500 {
            let g = 2.0 * (p[0] - 3.0);
            opt.step(&mut state, &mut [&mut p], &[vec![g]], 0.05);
        }
        assert!((p[0] - 3.0).abs() < 0.05, "{}", p[0]);
    }

    #[test]
    fn weight_decay_pulls_towards_zero_without_gradient() {
        let mut p = vec![1.0f32];
        let opt = AdamW { weight_decay: 0.1, ..AdamW::default() };
        let mut state = AdamState::zeros(&[&p]);
        opt.step(&mut state, &mut [&mut p], &[vec![0.0]], 0.5);
        assert!((p[0] - 0.95).abs() < 1e-6, "{}", p[0]);
    }

    #[test]
    fn schedule_warms_up_then_decays_to_the_floor() {
        let s = Schedule { peak: 1e-3, warmup: 4, total: 20, floor: 0.1 };
        assert!((s.lr(0) - 2.5e-4).abs() < 1e-9);
        assert!((s.lr(3) - 1e-3).abs() < 1e-9);
        assert!(s.lr(10) < s.lr(5) && s.lr(5) < 1e-3);
        assert!((s.lr(20) - 1e-4).abs() < 1e-9);
        assert!((s.lr(100) - 1e-4).abs() < 1e-9);
    }

    #[test]
    fn clipping_bounds_the_global_norm() {
        let mut g = vec![vec![3.0f32], vec![4.0]];
        assert_eq!(clip_global_norm(&mut g, 10.0), 5.0);
        assert_eq!(g, vec![vec![3.0], vec![4.0]]);
        clip_global_norm(&mut g, 1.0);
        assert!((g[0][0] - 0.6).abs() < 1e-4 && (g[1][0] - 0.8).abs() < 1e-4);
    }
}
