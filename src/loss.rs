//! Losses, built from engine ops so their gradients come from `backward()`:
//! micrograd's SVM max-margin (hinge) loss, binary cross-entropy on a logit, squared error,
//! Huber, softmax cross-entropy over several classes, and L2 regularisation. Two classes are
//! labelled -1/+1 (a score above 0 predicts +1); more are one output each ([`Task`]).

use crate::engine::{Graph, Value};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Loss {
    /// `relu(1 - y * score)`: micrograd's demo loss.
    Hinge,
    /// Binary cross-entropy of `sigmoid(score)` against `(y + 1) / 2`, in the overflow-safe form
    /// `relu(-y*score) + ln(1 + exp(-|y*score|))` (which is `ln(1 + exp(-y*score))`).
    Bce,
    /// `(score - y)^2`.
    Mse,
    /// `r^2 / 2` for `|r| <= 1`, `|r| - 1/2` beyond (`r = score - y`): squared error that
    /// grows only linearly for outliers. Built as `m * (|r| - m/2)` with `m = min(|r|, 1)`.
    Huber,
}

impl Loss {
    /// The loss of one sample with score `score` and label `y` (-1 or +1).
    pub fn sample<'g>(self, score: Value<'g>, y: Value<'g>) -> Value<'g> {
        match self {
            // Written as micrograd writes it, `(1 + -y*score).relu()`, whose Python operators
            // evaluate `score * (-y) + 1`; the same order gives the same bits.
            Loss::Hinge => (score * -y + 1.0).relu(),
            Loss::Bce => {
                let m = score * y;
                (-m).relu() + ((-m.abs()).exp() + 1.0).ln()
            }
            Loss::Mse => (score - y).powf(2.0),
            Loss::Huber => {
                let a = (score - y).abs();
                let m = -((-a).max(score.graph().value(-1.0)));
                m * (a - m * 0.5)
            }
        }
    }

    /// The model's confidence for a score, in [-1, 1] (its sign is the predicted class):
    /// `tanh(score)` for margin losses, `2 * sigmoid(score) - 1` for cross-entropy.
    pub fn confidence(self, score: f64) -> f64 {
        match self {
            Loss::Bce => (score / 2.0).tanh(),
            Loss::Hinge | Loss::Mse | Loss::Huber => score.tanh(),
        }
    }
}

/// Softmax cross-entropy of the logits `z` against the one-hot `y`, in the stable form
/// `m + ln(sum_k e^(z_k - m)) - sum_k y_k z_k` with `m = max_k z_k`: no `exp` can overflow,
/// and `m`'s two paths to the loss cancel, so the gradient is `softmax(z) - y`.
pub fn softmax_ce<'g>(z: &[Value<'g>], y: &[Value<'g>]) -> Value<'g> {
    let g = z[0].graph();
    let m = z[1..].iter().fold(z[0], |m, &v| m.max(v));
    let sum = g.sum(z.iter().map(|&v| (v - m).exp()));
    let picked = g.sum(z.iter().zip(y).map(|(&v, &t)| v * t));
    m + sum.ln() - picked
}

/// What the network learns: two classes (one output, labels -1/+1), `K` classes (one output
/// per class, labels 0..K), or a number (one output, the label is the target).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Task {
    Binary,
    Classes(usize),
    Regression,
}

impl Task {
    /// The network's outputs, which is also how many label inputs a sample's graph has (the
    /// label, or one-hot over the classes).
    pub fn outputs(self) -> usize {
        match self {
            Task::Classes(k) => k,
            _ => 1,
        }
    }

    /// The classes (2 for binary, 0 for regression).
    pub fn classes(self) -> usize {
        match self {
            Task::Binary => 2,
            Task::Classes(k) => k,
            Task::Regression => 0,
        }
    }

    /// The values of a sample's label inputs for label `y` (one-hot for several classes).
    pub fn label_values(self, y: f64, out: &mut [f64]) {
        match self {
            Task::Classes(_) => {
                for (k, o) in out.iter_mut().enumerate() {
                    *o = (y == k as f64) as u8 as f64;
                }
            }
            _ => out[0] = y,
        }
    }

    /// One sample's loss from its outputs and label inputs. Several classes always use
    /// softmax cross-entropy; regression takes `loss` if it is Huber, else squared error.
    pub fn sample_loss<'g>(self, loss: Loss, out: &[Value<'g>], label: &[Value<'g>]) -> Value<'g> {
        match self {
            Task::Binary => loss.sample(out[0], label[0]),
            Task::Classes(_) => softmax_ce(out, label),
            Task::Regression if loss == Loss::Huber => loss.sample(out[0], label[0]),
            Task::Regression => Loss::Mse.sample(out[0], label[0]),
        }
    }

    /// The predicted class of a sample from its outputs: the sign for two classes (1 for +1),
    /// the largest output for more (the first of equals; NaN never wins); 0 for regression.
    pub fn predict(self, out: &[f64]) -> usize {
        match self {
            Task::Binary => (out[0] > 0.0) as usize,
            Task::Classes(_) => {
                let mut best = 0;
                for (k, &v) in out.iter().enumerate() {
                    if v > out[best] || out[best].is_nan() {
                        best = k;
                    }
                }
                best
            }
            Task::Regression => 0,
        }
    }
}

/// `alpha * (p0*p0 + p1*p1 + ...)`, summed in order as micrograd does.
pub fn l2<'g>(g: &'g Graph, params: &[Value<'g>], alpha: Value<'g>) -> Value<'g> {
    alpha * g.sum(params.iter().map(|&p| p * p))
}

/// Whether `score` predicts label `y`.
pub fn correct(score: f64, y: f64) -> bool {
    (y > 0.0) == (score > 0.0)
}
