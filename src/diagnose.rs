//! Why a network is not learning, said in plain words, from the numbers training computes: ReLU
//! units that are off on every training point (no gradient passes them, so they never come
//! back), gradients that vanished while the loss is not yet small, a loss far above where the
//! run started, and a loss that has not fallen at all in hundreds of steps. The playground
//! tells a [`Watch`] the first step's loss and asks it every [`CHECK_EVERY`] steps; each finding
//! is said once per run, with its likely cure. A network that learns well with some dead
//! units (many do) is left alone: nothing is said while the loss is small.

use crate::data::Point;
use crate::train::Trainer;

/// Steps between two checks: a check is one forward pass over the training points.
pub const CHECK_EVERY: u64 = 50;
/// Every parameter's gradient of the data loss below this, at [`QUIET_CHECKS`] checks in a
/// row, with the loss above [`SMALL_LOSS`]: the gradients vanished.
pub const TINY_GRADIENT: f64 = 1e-7;
pub const QUIET_CHECKS: u32 = 4;
pub const SMALL_LOSS: f64 = 0.05;
/// A training loss this many times its first value (and above 1): the run is getting worse.
pub const LOSS_GROWTH: f64 = 5.0;
/// After this many checks, a loss never below [`NO_PROGRESS`] times the first step's (and not
/// small): the network is not learning. A run that learns at all falls further in far fewer
/// steps (the default run halves its loss within 100).
pub const STALL_CHECKS: u32 = 10;
pub const NO_PROGRESS: f64 = 0.9;

/// What a check found.
#[derive(Clone, Debug, PartialEq)]
pub enum Finding {
    /// `dead` of the `total` ReLU units are off on every training point; `layer_dead` when a
    /// whole layer is off (nothing reaches the layers before it).
    DeadUnits {
        dead: usize,
        total: usize,
        layer_dead: bool,
    },
    /// No parameter's gradient is above [`TINY_GRADIENT`] while the loss is still `loss`.
    Vanished { loss: f64 },
    /// The loss is `now`, `times` its first value `start`.
    LossGrew { start: f64, now: f64 },
    /// After `steps` steps the loss has never been below [`NO_PROGRESS`] times its first value
    /// `start`; it is `now`.
    Stalled { steps: u64, start: f64, now: f64 },
}

impl Finding {
    /// The notice a person reads: what is wrong, why it matters, what to try.
    pub fn message(&self) -> String {
        match *self {
            Finding::DeadUnits {
                dead,
                total,
                layer_dead,
            } => {
                let why = if layer_dead {
                    "a whole layer is off, so the output no longer depends on the input and no \
                     gradient reaches the weights before it"
                } else {
                    "they pass no gradient, so they cannot learn their way back"
                };
                format!(
                    "{dead} of the {total} ReLU units are off on every training point: {why}. \
                     Try a new seed, a lower learning rate, or leaky ReLU (its units never \
                     switch off entirely)."
                )
            }
            Finding::Vanished { loss } => format!(
                "The gradients vanished: every parameter's gradient is below {TINY_GRADIENT:e} \
                 while the loss is still {}, so training has stalled. Try a new seed, leaky \
                 ReLU or another activation, or Adam.",
                short(loss)
            ),
            Finding::LossGrew { start, now } => format!(
                "The loss is {}, far above the {} it started at: training is making it worse. \
                 The learning rate is probably too high: lower it (the network keeps its \
                 weights) or start again with Reset.",
                short(now),
                short(start)
            ),
            Finding::Stalled { steps, start, now } => format!(
                "After {steps} steps the loss ({}) is no lower than where it started ({}): the \
                 network is not learning. A learning rate too high makes it jump around the \
                 minimum, one too low crawls; also try a new seed or another activation.",
                short(now),
                short(start)
            ),
        }
    }
}

/// A loss for people: at most 6 significant digits, with an exponent when huge ("3.91423e183").
fn short(x: f64) -> String {
    crate::settings::num_text(x)
}

/// What has been said in this run, the counters between checks, and the ReLU flags of the
/// last check (kept, so a warm check allocates nothing).
#[derive(Clone, Debug, Default)]
pub struct Watch {
    first_loss: Option<f64>,
    /// The lowest loss seen at a check, and how many checks there were.
    best: f64,
    checks: u32,
    quiet: u32,
    said: [bool; 4],
    on: Vec<bool>,
}

impl Watch {
    pub fn new() -> Watch {
        Watch {
            best: f64::INFINITY,
            ..Watch::default()
        }
    }

    /// The loss of the run's first step, where it started (a check's first loss may already
    /// be far from it: a learning rate of 10 takes the loss from 1 to 10^10 in ten steps).
    pub fn start(&mut self, loss: f64) {
        if loss.is_finite() {
            self.first_loss.get_or_insert(loss);
        }
    }

    /// Checks the run after a training step of `trainer` on `train`: `loss` is the step's loss;
    /// the step's gradient (of the data loss and the L2 term) is the trainer's. Returns the
    /// findings not said before in this run (no allocation unless there is one).
    pub fn check(&mut self, trainer: &mut Trainer, train: &[Point], loss: f64) -> Vec<Finding> {
        if train.is_empty() || !loss.is_finite() {
            return Vec::new();
        }
        let start = *self.first_loss.get_or_insert(loss);
        self.best = self.best.min(loss);
        self.checks += 1;
        let mut found = [None, None, None, None];

        let (dead, total, layer_dead) = self.dead_units(trainer, train);
        if loss > SMALL_LOSS && dead > 0 && (layer_dead || 2 * dead >= total) {
            found[0] = Some(Finding::DeadUnits {
                dead,
                total,
                layer_dead,
            });
        }
        // The data loss's gradient: the L2 term adds 2 * l2 * p to every parameter's.
        let l2 = trainer.config.l2;
        let largest = trainer
            .grads()
            .iter()
            .zip(&trainer.model.params)
            .map(|(g, p)| (g - 2.0 * l2 * p).abs())
            .fold(0.0, f64::max);
        self.quiet = if largest < TINY_GRADIENT && loss > SMALL_LOSS {
            self.quiet + 1
        } else {
            0
        };
        if self.quiet >= QUIET_CHECKS {
            found[1] = Some(Finding::Vanished { loss });
        }
        if loss > 1.0 && loss > LOSS_GROWTH * start {
            found[2] = Some(Finding::LossGrew { start, now: loss });
        }
        if self.checks >= STALL_CHECKS && self.best > NO_PROGRESS * start && loss > SMALL_LOSS {
            let steps = trainer.step;
            found[3] = Some(Finding::Stalled {
                steps,
                start,
                now: loss,
            });
        }

        let mut new = Vec::new();
        for (said, f) in self.said.iter_mut().zip(found) {
            if let Some(f) = f.filter(|_| !*said) {
                *said = true;
                new.push(f);
            }
        }
        new
    }

    /// See [`dead_units`]; with this watch's buffer.
    fn dead_units(&mut self, trainer: &mut Trainer, points: &[Point]) -> (usize, usize, bool) {
        trainer.relu_units_on(points, &mut self.on);
        // The flags run layer by layer; a layer of ReLUs all off cuts the network in two.
        let hidden = &trainer.model.layers[..trainer.model.layers.len().saturating_sub(1)];
        let mut rest = &self.on[..];
        let mut layer_dead = false;
        for layer in hidden {
            let (this, next) = rest.split_at(layer.nout.min(rest.len()));
            layer_dead |= !this.is_empty() && this.iter().all(|&on| !on);
            rest = next;
        }
        let dead = self.on.iter().filter(|&&on| !on).count();
        (dead, self.on.len(), layer_dead)
    }
}

/// How many hidden ReLU units of `trainer`'s model are off (input <= 0) on every point, of how
/// many, and whether some hidden layer is off entirely.
pub fn dead_units(trainer: &mut Trainer, points: &[Point]) -> (usize, usize, bool) {
    Watch::new().dead_units(trainer, points)
}
