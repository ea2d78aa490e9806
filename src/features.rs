//! Input features, TensorFlow Playground's first column: what the network sees of a 2-D point.
//!
//! Besides the coordinates x1 and x2, a network can take x1², x2², x1·x2, sin(x1) and
//! sin(x2). Each is made of engine ops on the two input leaves ([`Feature::value`]), so a
//! neuron's graph starts from x1 and x2, the tape records the features with the rest, and
//! their gradients are checked like every other node's. [`Feature::eval`] is the same op's
//! `eval` on numbers, for the boundary grid, so both give the same bits.

use crate::engine::{Op, Value};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Feature {
    X1,
    X2,
    X1sq,
    X2sq,
    X1x2,
    Sinx1,
    Sinx2,
}

impl Feature {
    /// Every feature, in the order a model's inputs list them.
    pub const ALL: [Feature; 7] = [
        Feature::X1,
        Feature::X2,
        Feature::X1sq,
        Feature::X2sq,
        Feature::X1x2,
        Feature::Sinx1,
        Feature::Sinx2,
    ];

    /// The plain coordinates, micrograd's inputs.
    pub const XY: [Feature; 2] = [Feature::X1, Feature::X2];

    /// The feature of the point `(x1, x2)` as a node of their graph (x1 and x2 themselves
    /// for the first two).
    pub fn value<'g>(self, x1: Value<'g>, x2: Value<'g>) -> Value<'g> {
        match self {
            Feature::X1 => x1,
            Feature::X2 => x2,
            Feature::X1sq => x1 * x1,
            Feature::X2sq => x2 * x2,
            Feature::X1x2 => x1 * x2,
            Feature::Sinx1 => x1.sin(),
            Feature::Sinx2 => x2.sin(),
        }
    }

    /// The feature of `(x1, x2)` as a number: the ops of [`Feature::value`], so the same bits.
    #[inline(always)]
    pub fn eval(self, x1: f64, x2: f64) -> f64 {
        match self {
            Feature::X1 => x1,
            Feature::X2 => x2,
            Feature::X1sq => Op::Mul.eval(x1, x1),
            Feature::X2sq => Op::Mul.eval(x2, x2),
            Feature::X1x2 => Op::Mul.eval(x1, x2),
            Feature::Sinx1 => Op::Sin.eval(x1, x1),
            Feature::Sinx2 => Op::Sin.eval(x2, x2),
        }
    }

    /// How the page and the graph view write it.
    pub fn label(self) -> &'static str {
        match self {
            Feature::X1 => "x1",
            Feature::X2 => "x2",
            Feature::X1sq => "x1²",
            Feature::X2sq => "x2²",
            Feature::X1x2 => "x1·x2",
            Feature::Sinx1 => "sin(x1)",
            Feature::Sinx2 => "sin(x2)",
        }
    }
}

/// `features` in [`Feature::ALL`]'s order with repeats dropped: the order a model takes them.
pub fn canonical(features: &[Feature]) -> Vec<Feature> {
    Feature::ALL
        .into_iter()
        .filter(|f| features.contains(f))
        .collect()
}
