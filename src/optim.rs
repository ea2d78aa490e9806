//! Optimisers: update a model's parameters from their gradients. SGD (micrograd's
//! `p.data -= lr * p.grad`), SGD with momentum (PyTorch's form) and Adam.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    Sgd,
    Momentum,
    Adam,
}

/// An optimiser and its per-parameter state.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Optimizer {
    pub kind: OptimizerKind,
    /// Momentum coefficient (SGD with momentum); Adam's beta1 is fixed at 0.9.
    pub momentum: f64,
    /// Velocity (momentum) or first moment (Adam).
    m: Vec<f64>,
    /// Second moment (Adam).
    v: Vec<f64>,
    /// Adam's step count, for bias correction.
    t: u64,
}

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPS: f64 = 1e-8;

impl Optimizer {
    pub fn new(kind: OptimizerKind, momentum: f64) -> Optimizer {
        Optimizer {
            kind,
            momentum,
            m: Vec::new(),
            v: Vec::new(),
            t: 0,
        }
    }

    /// Switches the method on the running network; the old method's state is dropped since it
    /// means something else to the new one.
    pub fn set_kind(&mut self, kind: OptimizerKind) {
        if kind != self.kind {
            *self = Optimizer::new(kind, self.momentum);
        }
    }

    /// Parameter `k`'s state: momentum's velocity, or Adam's first moment and the square root
    /// of its second (bias-corrected as the update uses them); `None` where there is none (SGD,
    /// or no step yet).
    pub fn state(&self, k: usize) -> Option<(f64, Option<f64>)> {
        let m = *self.m.get(k)?;
        match self.kind {
            OptimizerKind::Sgd => None,
            OptimizerKind::Momentum => Some((m, None)),
            OptimizerKind::Adam => {
                let t = self.t.clamp(1, i32::MAX as u64) as i32;
                let (c1, c2) = (1.0 - BETA1.powi(t), 1.0 - BETA2.powi(t));
                Some((m / c1, Some((self.v.get(k)? / c2).sqrt())))
            }
        }
    }

    /// One update: `params -= lr * direction(grads)`.
    pub fn update(&mut self, params: &mut [f64], grads: &[f64], lr: f64) {
        debug_assert_eq!(params.len(), grads.len());
        match self.kind {
            OptimizerKind::Sgd => {
                for (p, g) in params.iter_mut().zip(grads) {
                    *p -= lr * g;
                }
            }
            OptimizerKind::Momentum => {
                self.m.resize(params.len(), 0.0);
                for ((p, g), v) in params.iter_mut().zip(grads).zip(&mut self.m) {
                    *v = self.momentum * *v + g;
                    *p -= lr * *v;
                }
            }
            OptimizerKind::Adam => {
                self.m.resize(params.len(), 0.0);
                self.v.resize(params.len(), 0.0);
                self.t += 1;
                let c1 = 1.0 - BETA1.powi(self.t.min(i32::MAX as u64) as i32);
                let c2 = 1.0 - BETA2.powi(self.t.min(i32::MAX as u64) as i32);
                for (((p, g), m), v) in params
                    .iter_mut()
                    .zip(grads)
                    .zip(&mut self.m)
                    .zip(&mut self.v)
                {
                    *m = BETA1 * *m + (1.0 - BETA1) * g;
                    *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                    *p -= lr * (*m / c1) / ((*v / c2).sqrt() + EPS);
                }
            }
        }
    }
}
