//! Training: one step = forward, loss, backward, update, as micrograd's demo does it.
//!
//! [`Trainer::step`] runs on a [`Tape`] (the model's graph recorded once and replayed over the
//! batch); [`Trainer::step_dynamic`] builds the whole batch's graph afresh on a [`Graph`], as
//! micrograd does. Both are autodiff of the same scalar graph and give the same numbers; the
//! tape is the fast one.

use crate::data::Point;
use crate::engine::Graph;
use crate::loss::{self, Loss};
use crate::nn::Mlp;
use crate::optim::{Optimizer, OptimizerKind};
use crate::rng::Rng;
use crate::tape::Tape;
use serde::{Deserialize, Serialize};

/// Samples per replay of the tape: large enough for long vectorized loops, small enough that
/// a row of every node stays in cache. Larger batches run in several chunks.
pub const CHUNK: usize = 128;

/// Steps between the checkpoints that a divergence returns to.
pub const CHECKPOINT_EVERY: u64 = 50;

/// The knobs of training that can change while it runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub loss: Loss,
    /// L2 strength `alpha` of `alpha * sum(p^2)`.
    pub l2: f64,
    pub learning_rate: f64,
    /// Linear decay to 10% of the learning rate over `decay_steps` steps (micrograd's demo:
    /// `1.0 - 0.9 * k / 100`), then constant.
    pub lr_decay: bool,
    pub decay_steps: u64,
    pub optimizer: OptimizerKind,
    pub momentum: f64,
    /// Samples per step; 0 (or more than there are) means the full batch.
    pub batch_size: usize,
}

impl Default for TrainConfig {
    /// micrograd's demo: hinge loss, L2 1e-4, SGD at 1.0 decaying over 100 steps, full batch.
    fn default() -> Self {
        TrainConfig {
            loss: Loss::Hinge,
            l2: 1e-4,
            learning_rate: 1.0,
            lr_decay: true,
            decay_steps: 100,
            optimizer: OptimizerKind::Sgd,
            momentum: 0.9,
            batch_size: 0,
        }
    }
}

impl TrainConfig {
    /// The learning rate used at step `k`.
    pub fn learning_rate_at(&self, k: u64) -> f64 {
        if self.lr_decay && self.decay_steps > 0 {
            let k = k.min(self.decay_steps) as f64;
            // Same operation order as micrograd's `1.0 - 0.9*k/100`, for equal bits.
            self.learning_rate * (1.0 - 0.9 * k / self.decay_steps as f64)
        } else {
            self.learning_rate
        }
    }
}

/// What a step (or an evaluation) measured, before the step's update, as micrograd logs it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct StepStats {
    /// The step's index (0 for the first).
    pub step: u64,
    /// Total loss: mean data loss plus L2.
    pub loss: f64,
    /// Fraction of the batch classified right.
    pub accuracy: f64,
    pub learning_rate: f64,
    /// Set when the loss, a gradient or an updated parameter was not finite; the parameters
    /// then went back to the last checkpoint (see [`Trainer::checkpoint_step`]).
    pub diverged: bool,
}

/// A model, its optimiser and the recorded graph of one sample's loss.
#[derive(Clone, Debug)]
pub struct Trainer {
    pub model: Mlp,
    pub config: TrainConfig,
    pub optimizer: Optimizer,
    /// Steps taken.
    pub step: u64,
    /// Training samples consumed, for the epoch count.
    pub samples_seen: u64,
    tape: Tape,
    ids: TapeIds,
    grads: Vec<f64>,
    previous: Vec<f64>,
    /// Parameters to return to on divergence, and (step, samples seen, loss) when taken.
    checkpoint_params: Vec<f64>,
    checkpoint_at: Option<(u64, u64, f64)>,
    order: Vec<usize>,
    cursor: usize,
    rng: Rng,
}

/// Where the interesting nodes of the recorded graph are.
#[derive(Clone, Copy, Debug)]
struct TapeIds {
    score: usize,
    loss: usize,
    reg: usize,
}

impl Trainer {
    pub fn new(model: Mlp, config: TrainConfig, seed: u64) -> Trainer {
        let (tape, ids) = record(&model, config.loss);
        let n = model.params.len();
        Trainer {
            optimizer: Optimizer::new(config.optimizer, config.momentum),
            model,
            config,
            step: 0,
            samples_seen: 0,
            tape,
            ids,
            grads: vec![0.0; n],
            previous: vec![0.0; n],
            checkpoint_params: vec![0.0; n],
            checkpoint_at: None,
            order: Vec::new(),
            cursor: 0,
            rng: Rng::new(seed ^ 0x0BA7_C4E5),
        }
    }

    pub fn set_optimizer(&mut self, kind: OptimizerKind) {
        self.config.optimizer = kind;
        self.optimizer.set_kind(kind);
    }

    pub fn set_momentum(&mut self, m: f64) {
        self.config.momentum = m;
        self.optimizer.momentum = m;
    }

    /// The gradient of the last step, one per parameter.
    pub fn grads(&self) -> &[f64] {
        &self.grads
    }

    /// Epochs completed: training samples consumed over the training set's size.
    pub fn epoch(&self, n_train: usize) -> f64 {
        if n_train == 0 {
            0.0
        } else {
            self.samples_seen as f64 / n_train as f64
        }
    }

    /// One training step on `train` (all of it, or the next minibatch of a shuffled epoch):
    /// loss and gradient through the tape, then the optimiser's update.
    pub fn step(&mut self, train: &[Point]) -> StepStats {
        let lr = self.config.learning_rate_at(self.step);
        let mut stats = StepStats {
            step: self.step,
            loss: f64::NAN,
            accuracy: 0.0,
            learning_rate: lr,
            diverged: false,
        };
        if train.is_empty() {
            return stats;
        }
        let batch = self.next_batch(train.len());
        let (loss, correct) = self.loss_and_grad(train, batch);
        stats.loss = loss;
        stats.accuracy = correct as f64 / batch.len() as f64;
        self.update(&mut stats, batch.len());
        stats
    }

    /// The step micrograd's way: the whole batch's graph built on `g` (cleared first), one
    /// `backward()`, the update. Same numbers as [`Trainer::step`], far slower.
    pub fn step_dynamic(&mut self, train: &[Point], g: &mut Graph) -> StepStats {
        let lr = self.config.learning_rate_at(self.step);
        let mut stats = StepStats {
            step: self.step,
            loss: f64::NAN,
            accuracy: 0.0,
            learning_rate: lr,
            diverged: false,
        };
        if train.is_empty() {
            return stats;
        }
        let batch = self.next_batch(train.len());
        g.clear();
        let p = self.model.leaves(g);
        let mut losses = Vec::with_capacity(batch.len());
        let mut correct = 0;
        for i in batch.indices(&self.order) {
            let pt = train[i];
            let score = self.model.forward(&p, &[g.value(pt.x), g.value(pt.y)])[0];
            losses.push(self.config.loss.sample(score, g.value(pt.label)));
            correct += loss::correct(score.data(), pt.label) as usize;
        }
        let data_loss = g.sum(losses) * (1.0 / batch.len() as f64);
        let total = data_loss + loss::l2(g, &p, g.value(self.config.l2));
        total.backward();
        for (dst, v) in self.grads.iter_mut().zip(&p) {
            *dst = v.grad();
        }
        stats.loss = total.data();
        stats.accuracy = correct as f64 / batch.len() as f64;
        self.update(&mut stats, batch.len());
        stats
    }

    /// Loss (data loss plus L2) and accuracy on `points` with the current parameters, no update.
    pub fn evaluate(&mut self, points: &[Point]) -> (f64, f64) {
        if points.is_empty() {
            return (f64::NAN, f64::NAN);
        }
        let n = points.len();
        self.load_uniforms();
        let (mut sum, mut correct, mut reg) = (0.0, 0usize, 0.0);
        for chunk in points.chunks(CHUNK) {
            self.fill_chunk(chunk.len(), chunk.iter());
            self.tape.forward();
            reg = self.tape.values(self.ids.reg)[0];
            let (l, s) = (
                self.tape.values(self.ids.loss),
                self.tape.values(self.ids.score),
            );
            for (k, p) in chunk.iter().enumerate() {
                sum += l[k];
                correct += loss::correct(s[k], p.label) as usize;
            }
        }
        (sum * (1.0 / n as f64) + reg, correct as f64 / n as f64)
    }

    /// Compares every parameter's autograd gradient of the full-batch loss on `train` with a
    /// central finite difference, and reports the largest relative error. Changes nothing.
    pub fn gradient_check(&mut self, train: &[Point]) -> GradCheck {
        let mut worst = GradCheck {
            max_rel_error: 0.0,
            worst_param: 0,
            autograd: 0.0,
            numeric: 0.0,
            params: self.model.params.len(),
        };
        if train.is_empty() {
            return worst;
        }
        let saved = self.grads.clone();
        self.loss_and_grad(train, Batch::Full(train.len()));
        for k in 0..self.model.params.len() {
            let p = self.model.params[k];
            let h = 1e-6 * p.abs().max(1.0);
            self.model.params[k] = p + h;
            let up = self.evaluate(train).0;
            self.model.params[k] = p - h;
            let down = self.evaluate(train).0;
            self.model.params[k] = p;
            let numeric = (up - down) / (2.0 * h);
            let a = self.grads[k];
            // The floor keeps near-zero gradients (where the finite difference's own rounding
            // error, about 1e-10 here, dominates) from reading as large relative errors.
            let rel = (a - numeric).abs() / a.abs().max(numeric.abs()).max(1e-6);
            if rel > worst.max_rel_error || !rel.is_finite() {
                worst = GradCheck {
                    max_rel_error: rel,
                    worst_param: k,
                    autograd: a,
                    numeric,
                    params: worst.params,
                };
            }
        }
        self.grads = saved;
        worst
    }

    fn next_batch(&mut self, n: usize) -> Batch {
        let size = self.config.batch_size;
        if size == 0 || size >= n {
            return Batch::Full(n);
        }
        if self.order.len() != n {
            self.order = (0..n).collect();
            self.rng.shuffle(&mut self.order);
            self.cursor = 0;
        }
        if self.cursor + size > n {
            self.rng.shuffle(&mut self.order);
            self.cursor = 0;
        }
        let b = Batch::Part(self.cursor, size);
        self.cursor += size;
        b
    }

    fn load_uniforms(&mut self) {
        for (k, &p) in self.model.params.iter().enumerate() {
            self.tape.set_uniform(k, p);
        }
        self.tape
            .set_uniform(self.model.params.len(), self.config.l2);
    }

    fn fill_chunk<'a>(&mut self, len: usize, pts: impl Iterator<Item = &'a Point> + Clone) {
        self.tape.set_len(len);
        for (dst, p) in self.tape.batch_input_mut(0).iter_mut().zip(pts.clone()) {
            *dst = p.x;
        }
        for (dst, p) in self.tape.batch_input_mut(1).iter_mut().zip(pts.clone()) {
            *dst = p.y;
        }
        for (dst, p) in self.tape.batch_input_mut(2).iter_mut().zip(pts) {
            *dst = p.label;
        }
    }

    /// Forward and backward over the batch, chunk by chunk; leaves the gradient in `grads`.
    fn loss_and_grad(&mut self, train: &[Point], batch: Batch) -> (f64, usize) {
        let n = batch.len();
        let inv = 1.0 / n as f64;
        self.load_uniforms();
        self.grads.fill(0.0);
        let (mut sum, mut correct, mut reg) = (0.0, 0usize, 0.0);
        let mut start = 0;
        while start < n {
            let len = CHUNK.min(n - start);
            let order = std::mem::take(&mut self.order);
            let idx = batch.indices(&order).skip(start).take(len);
            self.fill_chunk(len, idx.clone().map(|i| &train[i]));
            self.tape.forward();
            let (l, s) = (
                self.tape.values(self.ids.loss),
                self.tape.values(self.ids.score),
            );
            for (k, i) in idx.enumerate() {
                sum += l[k];
                correct += loss::correct(s[k], train[i].label) as usize;
            }
            self.order = order;
            // The L2 term is counted once per step, so only the first chunk seeds it.
            let first = start == 0;
            if first {
                reg = self.tape.values(self.ids.reg)[0];
            }
            self.tape.backward(&[
                (self.ids.loss, inv),
                (self.ids.reg, if first { 1.0 } else { 0.0 }),
            ]);
            for (k, g) in self.grads.iter_mut().enumerate() {
                *g += self.tape.uniform_grad(k);
            }
            start += len;
        }
        // micrograd: `sum(losses) * (1.0 / len(losses)) + alpha * sum(p*p)`, in that order.
        (sum * inv + reg, correct)
    }

    /// Applies the optimiser, unless the loss or gradient is not finite; undoes an update that
    /// made a parameter non-finite. Either way `stats.diverged` says so.
    fn update(&mut self, stats: &mut StepStats, batch_len: usize) {
        let finite = stats.loss.is_finite() && self.grads.iter().all(|g| g.is_finite());
        if finite {
            self.previous.copy_from_slice(&self.model.params);
            self.optimizer
                .update(&mut self.model.params, &self.grads, stats.learning_rate);
            if self.model.params.iter().all(|p| p.is_finite()) {
                self.step += 1;
                self.samples_seen += batch_len as u64;
                self.checkpoint(stats.loss);
                return;
            }
            self.model.params.copy_from_slice(&self.previous);
        }
        // Diverged. Weights that blew up stay finite for a while before the loss overflows, so
        // going back one step is not enough: return to the last checkpoint, taken before the
        // loss started to explode, so that a lower learning rate can carry on from there.
        stats.diverged = true;
        if let Some((step, seen, _)) = self.checkpoint_at {
            self.model.params.copy_from_slice(&self.checkpoint_params);
            self.step = step;
            self.samples_seen = seen;
        }
        // The optimiser's moments saw the bad steps too; start them afresh.
        self.optimizer = Optimizer::new(self.config.optimizer, self.config.momentum);
    }

    /// Every [`CHECKPOINT_EVERY`] steps, keeps the parameters (taken before this step's
    /// update, with the finite loss `loss`), unless the loss has grown tenfold since the last
    /// checkpoint: then training is likely diverging and the older checkpoint is the one to keep.
    fn checkpoint(&mut self, loss: f64) {
        let due = match self.checkpoint_at {
            None => true,
            Some((step, _, best)) => self.step >= step + CHECKPOINT_EVERY && loss <= 10.0 * best,
        };
        if due {
            self.checkpoint_params.copy_from_slice(&self.previous);
            self.checkpoint_at = Some((self.step - 1, self.samples_seen, loss));
        }
    }

    /// The step whose parameters a divergence returns to.
    pub fn checkpoint_step(&self) -> Option<u64> {
        self.checkpoint_at.map(|c| c.0)
    }
}

/// The result of [`Trainer::gradient_check`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct GradCheck {
    pub max_rel_error: f64,
    pub worst_param: usize,
    pub autograd: f64,
    pub numeric: f64,
    pub params: usize,
}

/// The samples of one step: all of them in order, or `len` from `start` of the shuffled order.
#[derive(Clone, Copy, Debug)]
enum Batch {
    Full(usize),
    Part(usize, usize),
}

impl Batch {
    fn len(&self) -> usize {
        match *self {
            Batch::Full(n) => n,
            Batch::Part(_, n) => n,
        }
    }

    fn indices<'a>(&self, order: &'a [usize]) -> impl Iterator<Item = usize> + Clone + 'a {
        let (full, start, len) = match *self {
            Batch::Full(n) => (true, 0, n),
            Batch::Part(s, n) => (false, s, n),
        };
        (start..start + len).map(move |i| if full { i } else { order[i] })
    }
}

/// Records one sample's graph: inputs x, y and label (batch), the parameters and the L2
/// strength (uniform); the score, the sample's loss and the L2 term are the outputs.
fn record(model: &Mlp, loss_kind: Loss) -> (Tape, TapeIds) {
    let g = Graph::with_capacity(8 * model.params.len());
    let inputs = [g.value(0.0), g.value(0.0), g.value(1.0)];
    let mut uniforms = model.leaves(&g);
    let alpha = g.value(0.0);
    uniforms.push(alpha);
    let p = &uniforms[..model.params.len()];
    let score = model.forward(p, &inputs[..2])[0];
    let l = loss_kind.sample(score, inputs[2]);
    let reg = loss::l2(&g, p, alpha);
    let ids = TapeIds {
        score: score.id(),
        loss: l.id(),
        reg: reg.id(),
    };
    (
        Tape::record(&g, &inputs, &uniforms, &[score, l, reg], CHUNK),
        ids,
    )
}
