//! Losses, built from engine ops so their gradients come from `backward()`:
//! micrograd's SVM max-margin (hinge) loss, binary cross-entropy on a logit, squared error, and
//! L2 regularisation. Labels are -1/+1; a score above 0 predicts +1.

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
        }
    }

    /// The model's confidence for a score, in [-1, 1] (its sign is the predicted class):
    /// `tanh(score)` for margin losses, `2 * sigmoid(score) - 1` for cross-entropy.
    pub fn confidence(self, score: f64) -> f64 {
        match self {
            Loss::Bce => (score / 2.0).tanh(),
            Loss::Hinge | Loss::Mse => score.tanh(),
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
