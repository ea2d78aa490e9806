//! Training: one step = forward, loss, backward, update, as micrograd's demo does it.
//!
//! [`Trainer::step`] runs on a [`Tape`] (the model's graph recorded once and replayed over the
//! batch); [`Trainer::step_dynamic`] builds the whole batch's graph afresh on a [`Graph`], as
//! micrograd does. Both are autodiff of the same scalar graph and give the same numbers; the
//! tape is the fast one.

use crate::data::Point;
use crate::data::MAX_CLASSES;
use crate::engine::{Graph, Op};
use crate::loss::{self, Loss, Task};
use crate::nn::Mlp;
use crate::optim::{Optimizer, OptimizerKind};
use crate::rng::Rng;
use crate::tape::{Kernels, Tape};
use serde::{Deserialize, Serialize};

/// Samples per replay of the tape, at least and at most (see [`chunk_for`]).
pub const MIN_CHUNK: usize = 128;
pub const MAX_CHUNK: usize = 1024;
/// The bytes of values and gradients a replay's rows may take: about a core's second-level
/// cache, so each layer's rows are still there when the backward pass comes back to them.
const CHUNK_BYTES: usize = 2 << 20;

/// Samples per replay of a tape with `rows` rows: as many as fit in about 2 MB (a power
/// of two from [`MIN_CHUNK`] to [`MAX_CHUNK`]). Larger batches run in several chunks. Long
/// chunks spread each instruction's fixed cost (its loop set-up, a weight gradient's final
/// sum) over more samples; measured on the 2-16-16-1 network at 5,000 points, 1,024 samples
/// per chunk step a quarter faster than 128, while at width 64 (four times the rows) 256 does
/// best.
pub fn chunk_for(rows: usize) -> usize {
    let fit = CHUNK_BYTES / (16 * rows.max(1));
    let pow = if fit == 0 { 1 } else { 1 << fit.ilog2() };
    pow.clamp(MIN_CHUNK, MAX_CHUNK)
}

/// Steps between the checkpoints that a divergence returns to.
pub const CHECKPOINT_EVERY: u64 = 50;

/// The knobs of training that can change while it runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Two classes, several, or regression: the outputs, the labels' form and the loss.
    pub task: Task,
    /// The loss for two classes (and Huber for regression; see [`Task::sample_loss`]).
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
            task: Task::Binary,
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
    /// Fraction of the batch classified right (0 for regression).
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
    /// The samples of a chunk whose loss gradient is not 0 (see `keep_active_only`).
    active: Vec<usize>,
    rng: Rng,
    /// The inputs of the recorded graph's kinks (ReLU, the hinge, abs), for the gradient check.
    kinks: Vec<Kink>,
    /// The gradient check under way (see [`Trainer::begin_gradient_check`]), if any.
    check: Option<Box<GradCheckRun>>,
}

/// Where the interesting nodes of the recorded graph are.
#[derive(Clone, Copy, Debug)]
struct TapeIds {
    /// The network's outputs (`outputs` of them).
    out: [usize; MAX_CLASSES],
    outputs: usize,
    loss: usize,
    reg: usize,
}

/// How a model does on a set of points, measured with its current parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Metrics {
    /// Mean loss plus L2 (NaN with no points).
    pub loss: f64,
    /// Fraction classified right (NaN for regression or no points).
    pub accuracy: f64,
    /// Root mean squared error of the outputs from the targets (NaN unless regression).
    pub rmse: f64,
    /// Counts by true class (row) and predicted class (column), classification only.
    pub confusion: [[u32; MAX_CLASSES]; MAX_CLASSES],
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            loss: f64::NAN,
            accuracy: f64::NAN,
            rmse: f64::NAN,
            confusion: [[0; MAX_CLASSES]; MAX_CLASSES],
        }
    }
}

impl Trainer {
    pub fn new(model: Mlp, config: TrainConfig, seed: u64) -> Trainer {
        let (tape, ids, kinks) = record(&model, config.loss, config.task);
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
            active: Vec::with_capacity(MAX_CHUNK),
            rng: Rng::new(seed ^ 0x0BA7_C4E5),
            kinks,
            check: None,
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
    /// The tape's kernels: [`Kernels::best`] for this CPU unless set (every choice gives the
    /// same bits; benchmarks compare them). Returns what is used.
    pub fn set_kernels(&mut self, k: Kernels) -> Kernels {
        self.tape.set_kernels(k)
    }

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
        let task = self.config.task;
        let mut label = [0.0; MAX_CLASSES];
        for i in batch.indices(&self.order, 0, batch.len()) {
            let pt = train[i];
            let x = self.model.embed(g.value(pt.x), g.value(pt.y));
            let out = self.model.forward(&p, &x);
            task.label_values(pt.label, &mut label);
            let y: Vec<_> = label[..task.outputs()]
                .iter()
                .map(|&v| g.value(v))
                .collect();
            losses.push(task.sample_loss(self.config.loss, &out, &y));
            let scores: Vec<f64> = out.iter().map(|v| v.data()).collect();
            correct += is_right(task, &scores, pt.label) as usize;
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
        let m = self.metrics(points);
        (m.loss, m.accuracy)
    }

    /// Loss, accuracy, RMSE (regression) and the confusion matrix (classification) on
    /// `points` with the current parameters, in one forward pass over them; no update.
    pub fn metrics(&mut self, points: &[Point]) -> Metrics {
        let mut m = Metrics::default();
        if points.is_empty() {
            return m;
        }
        let n = points.len();
        let task = self.config.task;
        self.load_uniforms();
        let (mut sum, mut correct, mut reg, mut sq) = (0.0, 0usize, 0.0, 0.0);
        let mut out = [0.0; MAX_CLASSES];
        for chunk in points.chunks(self.tape.capacity()) {
            self.fill_chunk(chunk.len(), chunk.iter());
            self.tape.forward();
            reg = self.tape.values(self.ids.reg)[0];
            let l = self.tape.values(self.ids.loss);
            let rows = self.output_rows(chunk.len());
            for (k, p) in chunk.iter().enumerate() {
                sum += l[k];
                outputs_at(&rows[..self.ids.outputs], k, &mut out);
                match task {
                    Task::Regression => sq += (out[0] - p.label) * (out[0] - p.label),
                    _ => {
                        let (truth, guess) = (
                            crate::data::class_of(p.label, task.classes()),
                            task.predict(&out[..task.outputs()]),
                        );
                        correct += (truth == guess) as usize;
                        if truth < MAX_CLASSES {
                            m.confusion[truth][guess] += 1;
                        }
                    }
                }
            }
        }
        m.loss = sum * (1.0 / n as f64) + reg;
        if task == Task::Regression {
            m.rmse = (sq / n as f64).sqrt();
        } else {
            m.accuracy = correct as f64 / n as f64;
        }
        m
    }

    /// The output rows of the chunk just replayed, `len` samples each: read once per chunk,
    /// not looked up per sample (2% of a step at 5,000 points). Entries past `ids.outputs`
    /// repeat the last one and are not read.
    fn output_rows(&self, len: usize) -> [&[f64]; MAX_CLASSES] {
        let last = self.ids.outputs - 1;
        std::array::from_fn(|o| &self.tape.values(self.ids.out[o.min(last)])[..len])
    }

    /// Compares every parameter's autograd gradient of the full-batch loss on `train` with a
    /// central finite difference (see [`GradCheckRun`]), all at once. Changes nothing.
    pub fn gradient_check(&mut self, train: &[Point]) -> GradCheck {
        let mut run = GradCheckRun::new(self, train);
        run.advance(usize::MAX);
        run.report
    }

    /// Starts a gradient check on a copy of the current weights and of `train`, to be carried
    /// on a few parameters at a time by [`Trainer::advance_gradient_check`] (one finite
    /// difference costs two passes over the data, so a big network on many points takes
    /// seconds). Training may go on meanwhile: the check stays about the weights it began
    /// with. Replaces a check under way.
    pub fn begin_gradient_check(&mut self, train: &[Point]) -> GradCheck {
        let run = GradCheckRun::new(self, train);
        let report = run.report.clone();
        self.check = Some(Box::new(run));
        report
    }

    /// Checks up to `max_params` more parameters of the check under way and reports on all so
    /// far; `None` if no check is under way. A finished check is let go.
    pub fn advance_gradient_check(&mut self, max_params: usize) -> Option<GradCheck> {
        let run = self.check.as_mut()?;
        run.advance(max_params);
        let report = run.report.clone();
        if report.done {
            self.check = None;
        }
        Some(report)
    }

    /// Drops the check under way, if any.
    pub fn cancel_gradient_check(&mut self) {
        self.check = None;
    }

    /// The loss on `points` at the current parameters, as [`Trainer::evaluate`] gives it;
    /// `seen(site, sample, input)` is told the input of every kink on every sample.
    fn loss_and_kinks(&mut self, points: &[Point], mut seen: impl FnMut(usize, usize, f64)) -> f64 {
        self.load_uniforms();
        let (mut sum, mut reg) = (0.0, 0.0);
        let cap = self.tape.capacity();
        for (c, chunk) in points.chunks(cap).enumerate() {
            self.fill_chunk(chunk.len(), chunk.iter());
            self.tape.forward();
            reg = self.tape.values(self.ids.reg)[0];
            for l in &self.tape.values(self.ids.loss)[..chunk.len()] {
                sum += l;
            }
            for (s, kink) in self.kinks.iter().enumerate() {
                let z = self.tape.values(kink.input);
                for k in 0..chunk.len() {
                    seen(s, c * cap + k, z[k.min(z.len() - 1)]);
                }
            }
        }
        sum * (1.0 / points.len() as f64) + reg
    }

    /// Which hidden ReLU units are on (their input above 0) for at least one of `points`, read
    /// off the recorded tape's forward pass: `on` gets one flag per unit, in the order the
    /// model makes them (layer by layer, neuron by neuron), and keeps its buffer between calls.
    /// Returns the loss on `points`. The gradient check and the stuck-network watch share it.
    pub fn relu_units_on(&mut self, points: &[Point], on: &mut Vec<bool>) -> f64 {
        // The model's ReLUs are the first kinks recorded: the loss's own come after.
        let units = self.kinks.iter().take_while(|k| k.unit).count();
        on.clear();
        on.resize(units, false);
        self.loss_and_kinks(points, |s, _, z| {
            if s < units {
                on[s] |= z > 0.0;
            }
        })
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
        self.tape.set_uniforms(&self.model.params);
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
        match self.config.task {
            // One-hot: input 2 + k is 1 where the label is class k.
            Task::Classes(classes) => {
                for k in 0..classes {
                    let row = self.tape.batch_input_mut(2 + k);
                    for (dst, p) in row.iter_mut().zip(pts.clone()) {
                        *dst = (p.label == k as f64) as u8 as f64;
                    }
                }
            }
            _ => {
                for (dst, p) in self.tape.batch_input_mut(2).iter_mut().zip(pts) {
                    *dst = p.label;
                }
            }
        }
    }

    /// Forward and backward over the batch, chunk by chunk; leaves the gradient in `grads`.
    fn loss_and_grad(&mut self, train: &[Point], batch: Batch) -> (f64, usize) {
        let n = batch.len();
        let inv = 1.0 / n as f64;
        // Chunks as long as the tape's rows allow, but no longer than the batch: rows longer
        // than what is filled cost every replay (measured: a sixth of the step at 100
        // points). Minibatches all have one size, so this resizes only when a setting
        // changes, and then within the buffers' capacity after the largest size.
        let want = chunk_for(self.tape.rows()).min(n.max(1));
        if want != self.tape.capacity() {
            self.tape.set_capacity(want);
        }
        self.load_uniforms();
        self.grads.fill(0.0);
        let (mut sum, mut correct, mut reg) = (0.0, 0usize, 0.0);
        let mut start = 0;
        while start < n {
            let len = self.tape.capacity().min(n - start);
            let order = std::mem::take(&mut self.order);
            let idx = || batch.indices(&order, start, len);
            self.fill_chunk(len, idx().map(|i| &train[i]));
            self.tape.forward();
            let task = self.config.task;
            // The rows read once per chunk, not once per sample.
            let losses = &self.tape.values(self.ids.loss)[..len];
            for l in losses {
                sum += l;
            }
            if task != Task::Regression {
                let (rows, outputs) = (self.output_rows(len), task.outputs());
                let mut out = [0.0; MAX_CLASSES];
                for (k, i) in idx().enumerate() {
                    outputs_at(&rows[..outputs], k, &mut out);
                    correct += is_right(task, &out[..outputs], train[i].label) as usize;
                }
            }
            self.order = order;
            self.keep_active_only(train, batch, start, len);
            // The L2 term is counted once per step, so only the first chunk seeds it.
            let first = start == 0;
            if first {
                reg = self.tape.values(self.ids.reg)[0];
            }
            self.tape.backward(&[
                (self.ids.loss, inv),
                (self.ids.reg, if first { 1.0 } else { 0.0 }),
            ]);
            self.tape.add_uniform_grads(&mut self.grads);
            start += len;
        }
        // micrograd: `sum(losses) * (1.0 / len(losses)) + alpha * sum(p*p)`, in that order.
        (sum * inv + reg, correct)
    }

    /// Zero cotangents. Under the hinge loss a sample beyond the margin has a loss of exactly 0
    /// and a loss gradient of exactly 0 (the ReLU's slope at or below 0), so its whole backward
    /// pass adds nothing. When at most three quarters of the chunk just replayed (`len`
    /// samples of `batch` from `start`) are active, the forward pass is replayed on those
    /// alone, so that the backward pass does no work for the others. The gradient is the
    /// same sum without its zero terms (its additions grouped differently: equal to 1e-12).
    fn keep_active_only(&mut self, train: &[Point], batch: Batch, start: usize, len: usize) {
        if self.config.task != Task::Binary || self.config.loss != Loss::Hinge {
            return;
        }
        let l = self.tape.values(self.ids.loss);
        let mut active = std::mem::take(&mut self.active);
        active.clear();
        let idx = batch.indices(&self.order, start, len);
        // A NaN loss stays in, so that a divergence is seen in the gradient too.
        active.extend(idx.zip(l).filter(|(_, &v)| v != 0.0).map(|(i, _)| i));
        if active.len() * 4 <= len * 3 {
            self.fill_chunk(active.len(), active.iter().map(|&i| &train[i]));
            self.tape.forward();
        }
        self.active = active;
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

/// Agreement needed between autograd and the finite difference: relative to the larger of
/// the two, or to the difference's rounding noise when both are that tiny.
pub const GRAD_CHECK_RTOL: f64 = 1e-3;

/// The finite difference's rounding noise, in units of `eps * |loss| / h`: the two losses
/// differ in the last bits of sums over many samples. Generous, so that only a real mismatch
/// stands out (a wrong gradient is off by far more).
const NOISE_ULPS: f64 = 1e3;

/// Below this noise (a loss up to about 40), two gradients that differ by less than the noise
/// are both tiny and agree (an absolute tolerance: a dead unit's 0 against a finite
/// difference of 1e-10). Above it they may be large yet unresolved, and are said so.
const TINY_NOISE: f64 = 1e-5;

/// The kind of kink a finite difference can straddle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KinkKind {
    /// A hidden unit's ReLU (or leaky ReLU) at 0.
    Relu,
    /// The loss's own kink: the hinge at its margin (and BCE's stable form, whose kinks
    /// cancel, so a check never finds a mismatch there).
    Hinge,
    /// `abs` at 0.
    Abs,
}

/// A kink of the recorded graph: the node whose sign decides which side it is on.
#[derive(Clone, Copy, Debug)]
struct Kink {
    input: usize,
    kind: KinkKind,
    /// A hidden ReLU unit (one that can die: a leaky ReLU's kink is not one).
    unit: bool,
}

/// How many parameters mismatched only because their finite difference straddled a kink,
/// by the kink (a parameter is counted once, under the first of these it crossed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KinkCounts {
    /// A ReLU's input changed sign between `p - h` and `p + h`.
    pub relu: usize,
    /// The hinge loss's margin `1 - y * score` changed sign.
    pub hinge: usize,
    /// An `abs` input changed sign.
    pub abs: usize,
}

impl KinkCounts {
    pub fn total(&self) -> usize {
        self.relu + self.hinge + self.abs
    }
}

/// One parameter's two gradients.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ParamCheck {
    pub param: usize,
    pub autograd: f64,
    pub numeric: f64,
    /// `|autograd - numeric|` over the larger of the two (or of the rounding noise).
    pub rel_error: f64,
}

/// What a gradient check found so far: every parameter checked either agrees, or mismatched
/// because its finite difference crossed a kink (where the loss has no derivative, so the
/// difference is not one: not an error), or is an error.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradCheck {
    /// The training step whose weights are checked.
    pub step: u64,
    /// Training points the loss is over (0: nothing to check).
    pub points: usize,
    /// Parameters in the model, and how many are checked so far.
    pub params: usize,
    pub checked: usize,
    pub done: bool,
    pub agree: usize,
    pub errors: usize,
    /// Parameters whose two gradients differ by less than the finite difference's rounding
    /// noise at this loss, yet not within the tolerance of each other: too small to check
    /// here (never counted as agreeing).
    pub unresolved: usize,
    /// That noise: the smallest difference the check can see, at the largest step size.
    pub noise: f64,
    pub kinks: KinkCounts,
    /// Hidden ReLU units off on every training point (no gradient reaches their weights
    /// through them), and how many ReLU units there are.
    pub dead_units: usize,
    pub relu_units: usize,
    /// The largest relative error `|autograd - numeric| / max(|autograd|, |numeric|)` over the
    /// parameters checked (not at a kink, not below the noise), and whose it is.
    pub max_rel_error: f64,
    pub worst: Option<ParamCheck>,
    /// The largest mismatch explained by a kink, as an example.
    pub kink_example: Option<ParamCheck>,
}

/// A gradient check under way, on a copy of the trainer (so the weights stay as they were)
/// and of the training points.
#[derive(Clone, Debug)]
pub struct GradCheckRun {
    trainer: Trainer,
    points: Vec<Point>,
    /// The autograd gradient of the full-batch loss at the checked weights.
    autograd: Vec<f64>,
    /// The sign of every kink's input on every sample at `p + h`, per site then sample.
    plus: Vec<i8>,
    /// Each kink's kind, by site.
    kinds: Vec<KinkKind>,
    /// `|loss|` at the checked weights, for the rounding noise.
    loss: f64,
    report: GradCheck,
}

impl GradCheckRun {
    /// The autograd gradient and a first look at the kinks (which ReLU units are dead).
    pub fn new(trainer: &mut Trainer, train: &[Point]) -> GradCheckRun {
        // A trainer of its own on the same weights (rebuilt, not cloned: the check needs only
        // the model, the config and the step, and a clone of everything costs the page 3 KB).
        let mut copy = Trainer::new(trainer.model.clone(), trainer.config.clone(), 0);
        copy.step = trainer.step;
        let n_params = copy.model.params.len();
        let mut report = GradCheck {
            step: copy.step,
            points: train.len(),
            params: n_params,
            checked: 0,
            done: train.is_empty(),
            agree: 0,
            errors: 0,
            unresolved: 0,
            noise: 0.0,
            kinks: KinkCounts::default(),
            dead_units: 0,
            relu_units: 0,
            max_rel_error: 0.0,
            worst: None,
            kink_example: None,
        };
        let mut loss = 0.0;
        if !train.is_empty() {
            copy.loss_and_grad(train, Batch::Full(train.len()));
            let mut on = Vec::new();
            loss = copy.relu_units_on(train, &mut on);
            report.relu_units = on.len();
            report.dead_units = on.iter().filter(|&&a| !a).count();
        }
        GradCheckRun {
            autograd: copy.grads.clone(),
            plus: vec![0; copy.kinks.len() * train.len()],
            kinds: copy.kinks.iter().map(|k| k.kind).collect(),
            trainer: copy,
            points: train.to_vec(),
            loss: loss.abs(),
            report,
        }
    }

    /// Checks up to `max_params` more parameters.
    pub fn advance(&mut self, max_params: usize) {
        if self.report.done {
            return;
        }
        let start = self.report.checked;
        let end = self.report.params.min(start.saturating_add(max_params));
        for k in start..end {
            self.check_param(k);
        }
        self.report.checked = end;
        self.report.done = end == self.report.params;
    }

    /// The report so far.
    pub fn report(&self) -> &GradCheck {
        &self.report
    }

    fn check_param(&mut self, k: usize) {
        let n = self.points.len();
        let t = &mut self.trainer;
        let p = t.model.params[k];
        let h = 1e-6 * p.abs().max(1.0);
        let plus = &mut self.plus;
        t.model.params[k] = p + h;
        let up = t.loss_and_kinks(&self.points, |s, i, z| plus[s * n + i] = sign(z));
        // A kink lies between p - h and p + h where an input is negative at one end and
        // positive at the other: there the difference is not a derivative.
        let mut crossed = [false; 3];
        let kinds = &self.kinds;
        t.model.params[k] = p - h;
        let down = t.loss_and_kinks(&self.points, |s, i, z| {
            if sign(z) * plus[s * n + i] < 0 {
                crossed[kinds[s] as usize] = true;
            }
        });
        t.model.params[k] = p;
        let numeric = (up - down) / (2.0 * h);
        let autograd = self.autograd[k];
        // The difference quotient's rounding error: below it, a mismatch says nothing.
        let noise = NOISE_ULPS * f64::EPSILON * self.loss.max(up.abs()).max(1.0) / h;
        let diff = (autograd - numeric).abs();
        let scale = autograd.abs().max(numeric.abs());
        let rel_error = if diff == 0.0 { 0.0 } else { diff / scale };
        let this = ParamCheck {
            param: k,
            autograd,
            numeric,
            rel_error,
        };
        let r = &mut self.report;
        r.noise = r.noise.max(noise);
        let larger = |best: &Option<ParamCheck>| {
            best.is_none_or(|b| rel_error > b.rel_error || rel_error.is_nan())
        };
        if rel_error <= GRAD_CHECK_RTOL {
            r.agree += 1;
        } else if diff <= noise && noise <= TINY_NOISE {
            // Both within the noise of 0: they agree, but their ratio means nothing.
            r.agree += 1;
            return;
        } else if diff <= noise {
            r.unresolved += 1;
            return;
        } else if crossed.iter().any(|&c| c) {
            let counts = &mut r.kinks;
            match crossed {
                [true, _, _] => counts.relu += 1,
                [_, true, _] => counts.hinge += 1,
                _ => counts.abs += 1,
            }
            if larger(&r.kink_example) {
                r.kink_example = Some(this);
            }
            return;
        } else {
            r.errors += 1;
        }
        if larger(&r.worst) {
            r.worst = Some(this);
            r.max_rel_error = rel_error;
        }
    }
}

/// Whether outputs `out` classify label `y` right.
fn is_right(task: Task, out: &[f64], y: f64) -> bool {
    match task {
        Task::Binary => loss::correct(out[0], y),
        Task::Classes(k) => task.predict(out) == crate::data::class_of(y, k),
        Task::Regression => false,
    }
}

/// Sample `k`'s outputs, from the output rows of a chunk ([`Trainer::output_rows`]).
fn outputs_at(rows: &[&[f64]], k: usize, out: &mut [f64; MAX_CLASSES]) {
    for (o, row) in out.iter_mut().zip(rows) {
        *o = row[k];
    }
}

/// -1, 0 or 1.
fn sign(z: f64) -> i8 {
    (z > 0.0) as i8 - (z < 0.0) as i8
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

    /// The indices of the batch's samples `from..from + len` (a chunk), in `train`.
    fn indices<'a>(
        &self,
        order: &'a [usize],
        from: usize,
        len: usize,
    ) -> impl Iterator<Item = usize> + Clone + 'a {
        let (full, start) = match *self {
            Batch::Full(_) => (true, from),
            Batch::Part(s, _) => (false, s + from),
        };
        // The window is cut from the range, not with `skip` on the mapped iterator, which
        // would walk past the chunks before it one sample at a time.
        (start..start + len).map(move |i| if full { i } else { order[i] })
    }
}

/// Records one sample's graph: inputs x, y and label (batch), the parameters and the L2
/// strength (uniform); the score, the sample's loss and the L2 term are the outputs. Also
/// finds the graph's kinks, whose inputs the gradient check watches.
fn record(model: &Mlp, loss_kind: Loss, task: Task) -> (Tape, TapeIds, Vec<Kink>) {
    let g = Graph::with_capacity(8 * model.params.len());
    // x1, x2, then the label (or one-hot over the classes).
    let mut inputs = vec![g.value(0.0), g.value(0.0)];
    inputs.extend((0..task.outputs()).map(|_| g.value(1.0)));
    let mut uniforms = model.leaves(&g);
    let alpha = g.value(0.0);
    uniforms.push(alpha);
    let p = &uniforms[..model.params.len()];
    let out = model.forward(p, &model.embed(inputs[0], inputs[1]));
    let model_nodes = g.nodes().len();
    let l = task.sample_loss(loss_kind, &out, &inputs[2..]);
    let reg = loss::l2(&g, p, alpha);
    let mut ids = TapeIds {
        out: [0; MAX_CLASSES],
        outputs: out.len().min(MAX_CLASSES),
        loss: l.id(),
        reg: reg.id(),
    };
    for (dst, v) in ids.out.iter_mut().zip(&out) {
        *dst = v.id();
    }
    let kinks: Vec<Kink> = g
        .nodes()
        .iter()
        .enumerate()
        .filter_map(|(i, nd)| {
            let in_model = i < model_nodes;
            let kind = match nd.op {
                Op::Relu | Op::LeakyRelu if in_model => KinkKind::Relu,
                Op::Relu => KinkKind::Hinge,
                Op::Abs => KinkKind::Abs,
                _ => return None,
            };
            Some(Kink {
                input: nd.a as usize,
                kind,
                unit: in_model && nd.op == Op::Relu,
            })
        })
        .collect();
    // A kink's input is always stored on the tape: only products and sums folded into a
    // chain are not, and those feed nothing but the chain.
    let mut keep = out.clone();
    keep.extend([l, reg]);
    let tape = Tape::record(&g, &inputs, &uniforms, &keep, MIN_CHUNK);
    (tape, ids, kinks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Dataset;
    use crate::nn::Activation;

    /// The check proven the other way: a gradient made wrong on purpose (here, backprop's
    /// answer for one neuron's weights scaled by 1.05, as a wrong local derivative of its
    /// activation would) is reported as an error, not excused as a kink.
    #[test]
    fn a_wrong_gradient_is_an_error() {
        let pts = Dataset::Moons.generate(60, 0.1, 2);
        let mut t = Trainer::new(
            Mlp::new(2, &[8, 8], 1, Activation::Relu, 2),
            TrainConfig::default(),
            2,
        );
        for _ in 0..20 {
            t.step(&pts);
        }
        let mut honest = GradCheckRun::new(&mut t, &pts);
        honest.advance(usize::MAX);
        assert_eq!(honest.report.errors, 0, "{:?}", honest.report);

        let mut run = GradCheckRun::new(&mut t, &pts);
        // The weights and bias of a live second-layer neuron (parameters 24..33).
        let wrong: Vec<usize> = (24..33).filter(|&k| run.autograd[k].abs() > 1e-4).collect();
        assert!(wrong.len() >= 3, "{:?}", &run.autograd[24..33]);
        for &k in &wrong {
            run.autograd[k] *= 1.05;
        }
        run.advance(usize::MAX);
        let r = &run.report;
        assert_eq!(r.errors, wrong.len(), "{r:?}");
        assert!(wrong.contains(&r.worst.unwrap().param), "{r:?}");
        assert!(r.max_rel_error > 0.04 && r.max_rel_error < 0.06, "{r:?}");
    }

    /// At a huge loss (as after a too-high learning rate) the finite difference's rounding noise is
    /// large: gradients below it are said to be unresolved, never counted as agreeing, and a
    /// wrong gradient is still an error wherever the check can see it.
    #[test]
    fn at_a_huge_loss_small_gradients_are_unresolved_and_wrong_ones_still_errors() {
        let pts = Dataset::Moons.generate(60, 0.1, 2);
        // Weights 30 times their start: scores and the hinge loss in the hundreds, as after
        // a too-high learning rate, with every unit alive.
        let mut model = Mlp::new(2, &[8, 8], 1, Activation::Relu, 2);
        for p in model.params.iter_mut() {
            *p *= 30.0;
        }
        let mut t = Trainer::new(model, TrainConfig::default(), 2);
        let mut honest = GradCheckRun::new(&mut t, &pts);
        assert!(honest.loss > 50.0, "the loss is large: {}", honest.loss);
        honest.advance(usize::MAX);
        let r = &honest.report;
        assert!(r.noise > TINY_NOISE, "{r:?}");
        assert_eq!(r.errors, 0, "{r:?}");
        assert_eq!(r.agree + r.unresolved + r.kinks.total(), r.params, "{r:?}");
        // Whatever agrees, agrees relatively: no contradiction in the report.
        assert!(r.max_rel_error <= GRAD_CHECK_RTOL, "{r:?}");

        let mut run = GradCheckRun::new(&mut t, &pts);
        let noise = NOISE_ULPS * f64::EPSILON * run.loss / 1e-6;
        let seen: Vec<usize> = (0..run.autograd.len())
            .filter(|&k| {
                run.autograd[k].abs() * 0.05 > 10.0 * noise * t.model.params[k].abs().max(1.0)
            })
            .collect();
        let top = run.autograd.iter().fold(0.0f64, |m, g| m.max(g.abs()));
        assert!(
            !seen.is_empty(),
            "no gradient far above the noise {noise}: largest {top}, loss {}",
            run.loss
        );
        for g in run.autograd.iter_mut() {
            *g *= 1.05;
        }
        run.advance(usize::MAX);
        let r = &run.report;
        assert!(r.errors >= seen.len() && r.agree == 0, "{r:?}");
    }
}
