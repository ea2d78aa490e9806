//! Neural networks on the engine: [`Neuron`], [`Layer`] and [`Mlp`], as in micrograd.
//!
//! The parameters are plain `f64`s owned by the model (one flat vector, in micrograd's order:
//! layer by layer, neuron by neuron, the weights then the bias), not nodes of a graph. To
//! differentiate, a step puts them into a graph as leaves ([`Mlp::leaves`]), runs the model
//! on that graph ([`Mlp::forward`]), calls `backward()` and reads the leaves' grads.
//!
//! Every layer returns a list, even a layer of one neuron, so `Mlp(2, [16, 1, 1])` works (in
//! micrograd a one-neuron layer returns a bare value and the next layer fails on it).

use crate::data::View;
use crate::engine::{Graph, Op, Value};
use crate::features::{self, Feature};
use crate::rng::Rng;
use serde::{Deserialize, Serialize};

/// The non-linearity after a layer's weighted sums: one engine op each (none for linear).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    Relu,
    Tanh,
    Sigmoid,
    Linear,
    LeakyRelu,
    Elu,
    Silu,
    Softplus,
    Sine,
}

impl Activation {
    /// Every activation, in the settings table's order.
    pub const ALL: [Activation; 9] = [
        Activation::Relu,
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Linear,
        Activation::LeakyRelu,
        Activation::Elu,
        Activation::Silu,
        Activation::Softplus,
        Activation::Sine,
    ];

    /// The engine op that applies it, or `None` for linear.
    pub fn op(self) -> Option<Op> {
        Some(match self {
            Activation::Relu => Op::Relu,
            Activation::Tanh => Op::Tanh,
            Activation::Sigmoid => Op::Sigmoid,
            Activation::Linear => return None,
            Activation::LeakyRelu => Op::LeakyRelu,
            Activation::Elu => Op::Elu,
            Activation::Silu => Op::Silu,
            Activation::Softplus => Op::Softplus,
            Activation::Sine => Op::Sin,
        })
    }

    pub fn apply(self, v: Value<'_>) -> Value<'_> {
        match self.op() {
            Some(op) => v.apply_unary(op),
            None => v,
        }
    }
}

/// The shape of one layer: `nout` neurons of `nin` inputs each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layer {
    pub nin: usize,
    pub nout: usize,
    pub activation: Activation,
}

impl Layer {
    /// Weights and biases of the layer: `nout * (nin + 1)`.
    pub fn num_params(&self) -> usize {
        self.nout * (self.nin + 1)
    }
}

/// One neuron's parameters, borrowed from its model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neuron<'m> {
    pub w: &'m [f64],
    pub b: f64,
    pub activation: Activation,
}

/// A multi-layer perceptron: hidden layers with one activation, a linear output layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mlp {
    pub layers: Vec<Layer>,
    /// All parameters in micrograd's order (see the module docs).
    pub params: Vec<f64>,
    /// What the inputs are, for a model of 2-D points ([`Mlp::embed`]): x1 and x2 (the
    /// default, also for files saved before features existed) or any of the [`Feature`]s, in
    /// [`Feature::ALL`]'s order. Empty for a model whose inputs are given as they are.
    #[serde(default = "xy")]
    pub features: Vec<Feature>,
    /// A frame of the plane that the two coordinates are mapped from, to [-1, 1] each, before
    /// the features (imported data in any units): `(x - centre) * (1 / half-width)`, engine
    /// ops too. None: the coordinates as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub norm: Option<View>,
}

/// The centres and inverse half-widths of a normalisation frame, computed one way for the
/// graph and the grid alike (so both give the same bits).
pub fn norm_consts(f: &View) -> [f64; 4] {
    [
        (f.xmin + f.xmax) / 2.0,
        2.0 / (f.xmax - f.xmin),
        (f.ymin + f.ymax) / 2.0,
        2.0 / (f.ymax - f.ymin),
    ]
}

fn xy() -> Vec<Feature> {
    Feature::XY.to_vec()
}

/// The features of a model made by [`Mlp::new`]: x1 and x2 for two inputs, none otherwise.
fn plain_features(nin: usize) -> Vec<Feature> {
    if nin == 2 {
        xy()
    } else {
        Vec::new()
    }
}

/// Why a set of weights does not fit a model.
#[derive(Clone, Debug, PartialEq)]
pub struct ShapeError(pub String);

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ShapeError {}

impl Mlp {
    /// The layer shapes of `nin -> hidden[0] -> ... -> nout`, hidden layers using `activation`,
    /// the output linear.
    pub fn shape(nin: usize, hidden: &[usize], nout: usize, activation: Activation) -> Vec<Layer> {
        let mut sizes = vec![nin];
        sizes.extend_from_slice(hidden);
        sizes.push(nout);
        sizes
            .windows(2)
            .enumerate()
            .map(|(i, w)| Layer {
                nin: w[0],
                nout: w[1],
                activation: if i + 2 < sizes.len() {
                    activation
                } else {
                    Activation::Linear
                },
            })
            .collect()
    }

    /// A model with seeded random weights, uniform in `(-a, a)` with `a = sqrt(3 / nin)` (LeCun's
    /// uniform: unit-variance inputs keep unit variance), and zero biases as in micrograd.
    pub fn new(
        nin: usize,
        hidden: &[usize],
        nout: usize,
        activation: Activation,
        seed: u64,
    ) -> Mlp {
        let layers = Mlp::shape(nin, hidden, nout, activation);
        let mut rng = Rng::new(seed);
        let mut params = Vec::new();
        for l in &layers {
            let a = (3.0 / l.nin.max(1) as f64).sqrt();
            for _ in 0..l.nout {
                params.extend((0..l.nin).map(|_| rng.range(-a, a)));
                params.push(0.0);
            }
        }
        Mlp {
            layers,
            params,
            features: plain_features(nin),
            norm: None,
        }
    }

    /// A model of 2-D points that takes `features` (any order, repeats ignored; x1 and x2 if
    /// none) as its inputs: [`Mlp::new`] with one input per feature.
    pub fn on_features(
        features: &[Feature],
        hidden: &[usize],
        nout: usize,
        activation: Activation,
        seed: u64,
    ) -> Mlp {
        let mut f = features::canonical(features);
        if f.is_empty() {
            f = xy();
        }
        let mut m = Mlp::new(f.len(), hidden, nout, activation, seed);
        m.features = f;
        m
    }

    /// A model with the given weights (every weight in creation order, as micrograd draws them:
    /// layer by layer, neuron by neuron) and zero biases: how the golden run loads micrograd's
    /// initial network.
    pub fn from_weights(
        nin: usize,
        hidden: &[usize],
        nout: usize,
        activation: Activation,
        weights: &[f64],
    ) -> Result<Mlp, ShapeError> {
        let layers = Mlp::shape(nin, hidden, nout, activation);
        let needed: usize = layers.iter().map(|l| l.nin * l.nout).sum();
        if weights.len() != needed {
            return Err(ShapeError(format!(
                "expected {needed} weights for this shape, got {}",
                weights.len()
            )));
        }
        let mut params = Vec::with_capacity(needed + layers.iter().map(|l| l.nout).sum::<usize>());
        let mut w = weights.iter();
        for l in &layers {
            for _ in 0..l.nout {
                params.extend(w.by_ref().take(l.nin));
                params.push(0.0);
            }
        }
        Ok(Mlp {
            layers,
            params,
            features: plain_features(nin),
            norm: None,
        })
    }

    /// Checks that `layers` chain and `params` has exactly their count (for loaded models).
    pub fn validate(&self) -> Result<(), ShapeError> {
        if self.layers.is_empty() {
            return Err(ShapeError("the model has no layers".into()));
        }
        for (i, pair) in self.layers.windows(2).enumerate() {
            if pair[0].nout != pair[1].nin {
                return Err(ShapeError(format!(
                    "layer {} has {} outputs but layer {} takes {} inputs",
                    i,
                    pair[0].nout,
                    i + 1,
                    pair[1].nin
                )));
            }
        }
        if self.layers.iter().any(|l| l.nin == 0 || l.nout == 0) {
            return Err(ShapeError("a layer has no inputs or no neurons".into()));
        }
        let needed = self.num_params();
        if self.params.len() != needed {
            return Err(ShapeError(format!(
                "params has {} numbers but the layers need {needed}",
                self.params.len()
            )));
        }
        if !self.features.is_empty() {
            if self.features != features::canonical(&self.features) {
                return Err(ShapeError(
                    "features must be listed once each, in the order x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2".into(),
                ));
            }
            if self.features.len() != self.nin() {
                return Err(ShapeError(format!(
                    "{} features but the first layer takes {} inputs",
                    self.features.len(),
                    self.nin()
                )));
            }
        }
        if let Some(f) = &self.norm {
            let ok = |lo: f64, hi: f64| lo.is_finite() && hi.is_finite() && hi > lo;
            if !(ok(f.xmin, f.xmax) && ok(f.ymin, f.ymax)) {
                return Err(ShapeError(
                    "norm must be a frame of finite numbers, each side from low to high".into(),
                ));
            }
        }
        if let Some(i) = self.params.iter().position(|p| !p.is_finite()) {
            return Err(ShapeError(format!("params[{i}] is not a finite number")));
        }
        Ok(())
    }

    pub fn num_params(&self) -> usize {
        self.layers.iter().map(Layer::num_params).sum()
    }

    pub fn nin(&self) -> usize {
        self.layers[0].nin
    }

    pub fn nout(&self) -> usize {
        self.layers[self.layers.len() - 1].nout
    }

    /// `[nin, hidden..., nout]`.
    pub fn sizes(&self) -> Vec<usize> {
        std::iter::once(self.nin())
            .chain(self.layers.iter().map(|l| l.nout))
            .collect()
    }

    /// Offset of layer `l`'s first parameter in `params`.
    pub fn layer_offset(&self, l: usize) -> usize {
        self.layers[..l].iter().map(Layer::num_params).sum()
    }

    /// Neuron `i` of layer `l`.
    pub fn neuron(&self, l: usize, i: usize) -> Neuron<'_> {
        let layer = self.layers[l];
        let start = self.layer_offset(l) + i * (layer.nin + 1);
        Neuron {
            w: &self.params[start..start + layer.nin],
            b: self.params[start + layer.nin],
            activation: layer.activation,
        }
    }

    /// The model's inputs for the 2-D point `(x1, x2)` (two nodes of its graph): its
    /// features, or the two coordinates themselves for a model without features.
    pub fn embed<'g>(&self, x1: Value<'g>, x2: Value<'g>) -> Vec<Value<'g>> {
        let (x1, x2) = match &self.norm {
            Some(f) => {
                let [cx, kx, cy, ky] = norm_consts(f);
                ((x1 - cx) * kx, (x2 - cy) * ky)
            }
            None => (x1, x2),
        };
        if self.features.is_empty() {
            return vec![x1, x2];
        }
        self.features.iter().map(|f| f.value(x1, x2)).collect()
    }

    /// The features the model takes from a 2-D point (x1 and x2 for one without features).
    pub fn input_features(&self) -> &[Feature] {
        if self.features.is_empty() {
            &Feature::XY
        } else {
            &self.features
        }
    }

    /// The parameters as leaves of `g`, in order.
    pub fn leaves<'g>(&self, g: &'g Graph) -> Vec<Value<'g>> {
        self.params.iter().map(|&p| g.value(p)).collect()
    }

    /// The model's outputs for input `x`, computed on `g` with parameters `p` (from
    /// [`Mlp::leaves`]). Each neuron is `act(b + w0*x0 + w1*x1 + ...)`, summed in micrograd's
    /// order so the numbers match it bit for bit.
    pub fn forward<'g>(&self, p: &[Value<'g>], x: &[Value<'g>]) -> Vec<Value<'g>> {
        self.forward_traced(p, x, |_, _, _| {})
    }

    /// [`Mlp::forward`], telling `on_neuron(layer, index, nodes)` which graph nodes each neuron
    /// made (a contiguous range of ids, ending with its output): the graph view uses it.
    pub fn forward_traced<'g>(
        &self,
        p: &[Value<'g>],
        x: &[Value<'g>],
        mut on_neuron: impl FnMut(usize, usize, std::ops::Range<usize>),
    ) -> Vec<Value<'g>> {
        let mut input = x.to_vec();
        let mut k = 0;
        for (li, l) in self.layers.iter().enumerate() {
            let mut out = Vec::with_capacity(l.nout);
            for i in 0..l.nout {
                let (w, b) = (&p[k..k + l.nin], p[k + l.nin]);
                k += l.nin + 1;
                let start = b.graph().len();
                let act = w
                    .iter()
                    .zip(&input)
                    .fold(b, |acc, (&wi, &xi)| acc + wi * xi);
                let o = l.activation.apply(act);
                on_neuron(li, i, start..o.id() + 1);
                out.push(o);
            }
            input = out;
        }
        input
    }
}
