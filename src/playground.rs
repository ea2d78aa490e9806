//! The playground's state, in pure Rust: configuration (its limits are in [`crate::settings`]), points, the trainer,
//! the boundary grid, and the JSON forms of it all. The wasm layer (`web`) only converts
//! to and from JavaScript and calls this; native tests and fuzzing drive it directly.

use crate::data::{self, Dataset, Point, Problem, View, MAX_CLASSES};
use crate::diagnose::{Finding, Watch, CHECK_EVERY};
use crate::features::Feature;
use crate::graphview::{self, GraphView};
use crate::json::{self, Json};
use crate::loss::{Loss, Task};
use crate::nn::{Activation, Mlp};
use crate::optim::OptimizerKind;
use crate::settings::{self, Val};
use crate::train::{GradCheck, TrainConfig, Trainer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Limits enforced here (not only in the page), so no input can freeze the tab. The settings'
/// limits come from their table ([`settings::SETTINGS`]).
pub const MAX_POINTS: usize = settings::count_of("points").max as usize;
pub const MAX_LAYERS: usize = settings::count_of("hidden").max as usize;
pub const MAX_NEURONS: usize = settings::range_of("hidden").max as usize;
pub const MAX_LEARNING_RATE: f64 = settings::range_of("learning_rate").max;
pub const MAX_STEPS_PER_CALL: usize = 1000;
pub const MAX_RESOLUTION: usize = 400;
/// A state or model file larger than this is refused before parsing.
pub const MAX_JSON_BYTES: usize = 4 << 20;
/// A saved run's step count above this is refused (at 10,000 steps a second it is three
/// years of training): a crafted file cannot show 2^64 or wrap on the next step.
pub const MAX_SAVED_STEP: u64 = 1_000_000_000_000;
/// Points farther than this from the origin make a divergence the data's fault, not the
/// learning rate's: the message says so.
const LARGE_INPUT: f64 = 1000.0;

/// Everything that defines a run; it is what the URL holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub dataset: Dataset,
    /// Classification or regression; the data set must be one of its own (or custom).
    pub problem: Problem,
    /// Classes of the data sets that can have more than two (blobs, spiral, custom).
    pub classes: usize,
    pub n_points: usize,
    pub noise: f64,
    pub seed: u64,
    pub test_fraction: f64,
    pub hidden: Vec<usize>,
    /// The network's inputs (see [`crate::features`]), in [`Feature::ALL`]'s order.
    pub features: Vec<Feature>,
    pub activation: Activation,
    pub loss: Loss,
    pub learning_rate: f64,
    pub l2: f64,
    pub optimizer: OptimizerKind,
    pub momentum: f64,
    pub batch_size: usize,
    pub lr_decay: bool,
    /// Stop training at this step (0: no).
    pub stop_step: u64,
    /// Stop training after this many epochs (0: no).
    pub stop_epoch: f64,
    /// Stop training once a step's training loss is below this (0: no).
    pub stop_loss: f64,
    /// Hand-placed points `[x, y, label]` (used when `dataset` is `custom`).
    pub points: Vec<[f64; 3]>,
    /// The plotted extent of a `custom` set (it keeps the frame of the set it came from);
    /// generated sets use their own.
    pub view: Option<View>,
    /// Imported points' normalisation: the frame the network's inputs map to [-1, 1] (see
    /// [`Mlp::norm`]); none for generated sets and hand-placed points.
    pub norm: Option<View>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            dataset: Dataset::Moons,
            problem: Problem::Classification,
            classes: 2,
            n_points: 100,
            noise: 0.1,
            seed: 1337,
            test_fraction: 0.2,
            hidden: vec![16, 16],
            features: Feature::XY.to_vec(),
            activation: Activation::Relu,
            loss: Loss::Hinge,
            learning_rate: 0.1,
            l2: 1e-4,
            optimizer: OptimizerKind::Sgd,
            momentum: 0.9,
            batch_size: 0,
            lr_decay: false,
            stop_step: 0,
            stop_epoch: 0.0,
            stop_loss: 0.0,
            points: Vec::new(),
            view: None,
            norm: None,
        }
    }
}

impl Config {
    fn train_config(&self) -> TrainConfig {
        TrainConfig {
            task: self.task(),
            loss: self.loss,
            l2: self.l2,
            learning_rate: self.learning_rate,
            lr_decay: self.lr_decay,
            // On the page the decay runs over 2000 steps (micrograd's 100 is over in a blink).
            decay_steps: 2000,
            optimizer: self.optimizer,
            momentum: self.momentum,
            batch_size: self.batch_size,
        }
    }

    fn model(&self) -> Mlp {
        let outputs = self.task().outputs();
        let (f, h) = (&self.features, &self.hidden);
        let mut m = Mlp::on_features(f, h, outputs, self.activation, self.seed);
        m.norm = self.norm.filter(|_| self.dataset == Dataset::Custom);
        m
    }

    /// What the network learns: regression, or the classes of the data set (two for the sets
    /// that have only two).
    pub fn task(&self) -> Task {
        match self.problem {
            Problem::Regression => Task::Regression,
            Problem::Classification if self.dataset.multiclass() && self.classes > 2 => {
                Task::Classes(self.classes.min(MAX_CLASSES))
            }
            Problem::Classification => Task::Binary,
        }
    }
}

/// What the page shows after a step. Non-finite numbers become `None` (JSON null), never NaN.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    pub step: u64,
    pub epoch: f64,
    pub train_loss: Option<f64>,
    pub train_accuracy: Option<f64>,
    pub test_loss: Option<f64>,
    pub test_accuracy: Option<f64>,
    /// Root mean squared error (regression).
    pub train_rmse: Option<f64>,
    pub test_rmse: Option<f64>,
    /// Counts by true class (row) and predicted class (column); the first `classes` rows and
    /// columns are used (classification).
    pub train_confusion: [[u32; MAX_CLASSES]; MAX_CLASSES],
    pub test_confusion: [[u32; MAX_CLASSES]; MAX_CLASSES],
    pub learning_rate: f64,
    pub n_train: usize,
    pub n_test: usize,
    pub diverged: bool,
    pub message: Option<String>,
}

/// The most cells a side of [`Playground::unit_grids`] may have.
pub const MAX_UNIT_RESOLUTION: usize = 64;

/// The centres of a `res` x `res` grid over `v`, row 0 at the top: x and y per cell.
fn grid_cells(v: View, res: usize) -> (Vec<f64>, Vec<f64>) {
    let (dx, dy) = (
        (v.xmax - v.xmin) / res as f64,
        (v.ymax - v.ymin) / res as f64,
    );
    (0..res * res)
        .map(|i| {
            let (r, c) = (i / res, i % res);
            (
                v.xmin + (c as f64 + 0.5) * dx,
                v.ymax - (r as f64 + 0.5) * dy,
            )
        })
        .unzip()
}

/// What [`Playground::hidden_space`] gives: per point `[a, b]` (flattened) and its label; per
/// line of the view its polyline `[a0, b0, a1, b1, ...]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HiddenSpace {
    pub points: Vec<f32>,
    pub labels: Vec<f32>,
    pub lines: Vec<Vec<f32>>,
}

/// One parameter as the neuron inspector shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamInfo {
    /// Its index in the model's parameters (for [`Playground::set_param`]).
    pub index: usize,
    pub value: f64,
    /// d(loss)/d(parameter) from the last step's batch.
    pub grad: f64,
    /// Momentum's velocity or Adam's (bias-corrected) first moment.
    pub velocity: Option<f64>,
    /// Adam's bias-corrected sqrt(v).
    pub adam_sqrt_v: Option<f64>,
}

/// A neuron as the inspector shows it: `output = activation(sum)`, `sum = b + w . inputs`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NeuronInfo {
    pub layer: usize,
    pub index: usize,
    pub activation: Activation,
    /// Its inputs on the chosen point (the features, or the previous layer's outputs).
    pub inputs: Vec<f64>,
    pub sum: f64,
    pub output: f64,
    /// Its weights then its bias.
    pub params: Vec<ParamInfo>,
}

/// Widens a custom set's view to show every point when some lie outside it (a link or a file
/// may put them anywhere within the coordinate limit), saying how many did.
fn show_every_point(config: &mut Config, notices: &mut Vec<String>) {
    if config.dataset != Dataset::Custom || config.points.is_empty() {
        return;
    }
    let v = config.view.unwrap_or(Dataset::Custom.view());
    let inside =
        |p: &&[f64; 3]| (v.xmin..=v.xmax).contains(&p[0]) && (v.ymin..=v.ymax).contains(&p[1]);
    let outside = config.points.len() - config.points.iter().filter(inside).count();
    if outside == 0 {
        return;
    }
    let fit = fit_view(&config.points);
    // The frame that showed the others, grown to take the rest.
    config.view = Some(View {
        xmin: fit.xmin.min(v.xmin),
        xmax: fit.xmax.max(v.xmax),
        ymin: fit.ymin.min(v.ymin),
        ymax: fit.ymax.max(v.ymax),
    });
    notices.push(format!(
        "view: {outside} of the {} points lay outside the plot; it now shows them all",
        config.points.len()
    ));
}

/// A view around `points` (`[x, y, label]`) with equal scales on both axes: a square centred on their
/// bounding box, 10% wider than its longer side (and at least the settings' smallest view).
fn fit_view(points: &[[f64; 3]]) -> View {
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for p in points {
        (x0, x1, y0, y1) = (x0.min(p[0]), x1.max(p[0]), y0.min(p[1]), y1.max(p[1]));
    }
    let half = ((x1 - x0).max(y1 - y0) * 0.55).max(settings::VIEW_MIN_WIDTH);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let r = |x: f64| crate::decimal::parse(&settings::num_text(x)).unwrap_or(x);
    View {
        xmin: r(cx - half),
        xmax: r(cx + half),
        ymin: r(cy - half),
        ymax: r(cy + half),
    }
}

/// The normalisation frame of points `xs`, `ys`: mean ± one standard deviation on each axis
/// (so the inputs have mean 0 and spread 1), rounded as a link writes it so a link gives the
/// same run; a spread of 0 counts as 1.
fn norm_frame(xs: &[f64], ys: &[f64]) -> View {
    let stat = |v: &[f64]| {
        let n = v.len().max(1) as f64;
        let mean = v.iter().sum::<f64>() / n;
        let sd = (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt();
        let sd = if sd > 0.0 && sd.is_finite() { sd } else { 1.0 };
        let r = |x: f64| crate::decimal::parse(&settings::num_text(x)).unwrap_or(x);
        (r(mean - sd), r(mean + sd))
    };
    let ((xmin, xmax), (ymin, ymax)) = (stat(xs), stat(ys));
    View {
        xmin,
        xmax,
        ymin,
        ymax,
    }
}

/// `k + c`: the most likely class `k` of logits `z` and its softmax probability `p` scaled
/// to `c = (p - 1/K) / (1 - 1/K)` in [0, 1) (see [`Playground::boundary`]).
fn class_and_confidence(z: &[f64]) -> f64 {
    let k = Task::Classes(z.len()).predict(z);
    // p = 1 / sum_j e^(z_j - z_k): no exp overflows, as z_k is the largest.
    let p = 1.0 / z.iter().map(|&v| (v - z[k]).exp()).sum::<f64>();
    let chance = 1.0 / z.len() as f64;
    k as f64 + ((p - chance) / (1.0 - chance)).clamp(0.0, 0.999)
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The saved form of a run: its config, the model's parameters and how far it trained.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedState {
    pub format: String,
    pub config: Config,
    pub model: Mlp,
    #[serde(default)]
    pub step: u64,
    #[serde(default)]
    pub samples_seen: u64,
}

/// The `format` tag of saved files.
pub const FORMAT: &str = "micrograd-playground/1";

/// A running playground.
#[derive(Clone, Debug)]
pub struct Playground {
    config: Config,
    points: Vec<Point>,
    train: Vec<Point>,
    test: Vec<Point>,
    trainer: Trainer,
    boundary: Vec<f32>,
    grid_x: Vec<f64>,
    grid_y: Vec<f64>,
    scores: Vec<f64>,
    scratch: Vec<f64>,
    /// The per-unit grids of [`Playground::unit_grids`].
    unit_grid: Vec<f32>,
    notices: Vec<String>,
    diverged_at: Option<u64>,
    /// Why the network may not be learning (see [`crate::diagnose`]).
    watch: Watch,
    /// The last step's training loss: a loss target fires when the loss falls below it.
    last_loss: f64,
    /// The message of a stop not yet taken by [`Playground::take_stop`].
    stop: Option<String>,
}

impl Playground {
    /// A playground for `config`, clamped to the limits (each clamp is a notice).
    pub fn new(mut config: Config) -> Playground {
        let mut notices = Vec::new();
        config.sanitize(&mut notices);
        show_every_point(&mut config, &mut notices);
        let trainer = Trainer::new(config.model(), config.train_config(), config.seed);
        let mut pg = Playground {
            config,
            points: Vec::new(),
            train: Vec::new(),
            test: Vec::new(),
            trainer,
            boundary: Vec::new(),
            grid_x: Vec::new(),
            grid_y: Vec::new(),
            scores: Vec::new(),
            scratch: Vec::new(),
            unit_grid: Vec::new(),
            notices,
            diverged_at: None,
            watch: Watch::new(),
            last_loss: f64::INFINITY,
            stop: None,
        };
        pg.regenerate();
        pg
    }

    /// A playground for an object of settings (the page's): see [`json::config`]. Values out
    /// of range are brought in with a notice; anything else wrong is refused naming it.
    pub fn from_settings(j: &Json) -> Result<Playground, String> {
        let (config, notes) = json::config(j, "").map_err(|e| format!("settings: {e}"))?;
        let mut pg = Playground::new(config);
        pg.notices.splice(0..0, notes);
        Ok(pg)
    }

    /// Parses a config from JSON (the URL's form); errors name the field.
    pub fn config_from_json(json: &str) -> Result<Config, String> {
        if json.len() > MAX_JSON_BYTES {
            return Err(format!(
                "the settings are {} bytes; the limit is {MAX_JSON_BYTES}",
                json.len()
            ));
        }
        let j = Json::parse(json).map_err(|e| format!("settings: {e}"))?;
        Ok(json::config(&j, "")
            .map_err(|e| format!("settings: {e}"))?
            .0)
    }

    /// Rebuilds the points from the config (dataset, size, noise, seed, split, custom points).
    fn regenerate(&mut self) {
        let c = &self.config;
        self.points = if c.dataset == Dataset::Custom {
            c.points
                .iter()
                .map(|p| Point::new(p[0], p[1], p[2]))
                .collect()
        } else {
            c.dataset
                .generate_classes(c.n_points, c.noise, c.seed, c.classes)
        };
        if c.dataset == Dataset::Custom {
            data::split_every(&mut self.points, c.test_fraction);
        } else {
            data::split(&mut self.points, c.test_fraction, c.seed);
        }
        self.resplit();
    }

    fn resplit(&mut self) {
        self.train = self.points.iter().copied().filter(|p| !p.test).collect();
        self.test = self.points.iter().copied().filter(|p| p.test).collect();
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn points(&self) -> &[Point] {
        &self.points
    }

    pub fn model(&self) -> &Mlp {
        &self.trainer.model
    }

    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    pub fn view(&self) -> View {
        match (self.config.dataset, self.config.view) {
            (Dataset::Custom, Some(v)) => v,
            (d, _) => d.view(),
        }
    }

    /// Messages gathered since the last call (clamped values, refused points...).
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// Runs up to `n` training steps (at most [`MAX_STEPS_PER_CALL`]); stops at divergence,
    /// which then holds until a setting changes or the run is reset.
    pub fn step(&mut self, n: usize) -> Stats {
        self.train(n);
        self.stats()
    }

    /// Runs up to `n` training steps (at most [`MAX_STEPS_PER_CALL`]) without evaluating the
    /// stats, and returns how many ran: fewer than `n` when training diverged (or had diverged
    /// before). The page's worker calls it in chunks sized to its time budget.
    pub fn train(&mut self, n: usize) -> usize {
        if n > MAX_STEPS_PER_CALL {
            self.notices.push(format!(
                "steps per frame: {n} is more than {MAX_STEPS_PER_CALL}; ran {MAX_STEPS_PER_CALL}"
            ));
        }
        let mut done = 0;
        if self.diverged_at.is_none() {
            for _ in 0..n.min(MAX_STEPS_PER_CALL) {
                let epoch = self.trainer.epoch(self.train.len());
                let s = self.trainer.step(&self.train);
                if s.diverged {
                    self.diverged_at = Some(s.step);
                    break;
                }
                done += 1;
                if self.trainer.step == 1 {
                    self.watch.start(s.loss);
                }
                if self.stop_now(epoch, s.loss) {
                    break;
                }
                if self.trainer.step.is_multiple_of(CHECK_EVERY) {
                    // The step's own loss and gradients say whether the network still learns.
                    let found = self.watch.check(&mut self.trainer, &self.train, s.loss);
                    self.notices.extend(found.iter().map(Finding::message));
                }
            }
        }
        done
    }

    /// Whether the step just taken (from epoch `epoch_before`, with training loss `loss`)
    /// reached a stop condition: the step count, an epoch or a loss below the target, each
    /// as it is crossed, so Play goes on past it. The reason goes to [`Playground::take_stop`].
    fn stop_now(&mut self, epoch_before: f64, loss: f64) -> bool {
        let c = &self.config;
        let step = self.trainer.step;
        let epoch = self.trainer.epoch(self.train.len());
        let before = std::mem::replace(&mut self.last_loss, loss);
        let why = if c.stop_step > 0 && step == c.stop_step {
            format!("reached step {}", c.stop_step)
        } else if c.stop_epoch > 0.0 && epoch_before < c.stop_epoch && epoch >= c.stop_epoch {
            format!("reached epoch {}", settings::num_text(c.stop_epoch))
        } else if c.stop_loss > 0.0 && loss < c.stop_loss && before >= c.stop_loss {
            format!(
                "the training loss {} fell below {}",
                settings::num_text(loss),
                settings::num_text(c.stop_loss)
            )
        } else {
            return false;
        };
        self.stop = Some(format!(
            "Stopped at step {step}: {why} (your stop condition). Press Play to go on."
        ));
        true
    }

    /// The config of a run on the points of a CSV file (see [`crate::csv`]), from this run's
    /// settings: custom data of the file's problem and classes, the file's train/test split
    /// (the points ordered so that the custom split, by position, gives it back), a view that
    /// fits the points with equal scales, and the inputs normalised from the data. Refused
    /// with the line and column of the first problem; this run is left as it was. Also
    /// returns what the reader noted, for the page to show.
    pub fn import_csv(&self, text: &str) -> Result<(Config, Vec<String>), String> {
        let t = crate::csv::parse(text, MAX_POINTS).map_err(|e| format!("CSV: {e}"))?;
        let mut c = self.config.clone();
        c.dataset = Dataset::Custom;
        let what = match &t.labels {
            crate::csv::Labels::Regression => {
                c.problem = Problem::Regression;
                "a regression target".to_string()
            }
            crate::csv::Labels::Binary { .. } => {
                c.problem = Problem::Classification;
                c.classes = 2;
                "2 classes".into()
            }
            crate::csv::Labels::Classes { names } => {
                c.problem = Problem::Classification;
                c.classes = names.len();
                format!("{} classes", names.len())
            }
        };
        let n = t.points.len();
        let n_test = t.test.iter().filter(|&&x| x).count();
        if t.has_split {
            // A fraction whose positions (`data::split_every`) mark exactly `n_test` points.
            c.test_fraction = ((n_test as f64 + 0.5) / n as f64).min(0.9);
            if n_test == 0 {
                c.test_fraction = 0.0;
            }
            let mut marks = vec![Point::new(0.0, 0.0, 0.0); n];
            data::split_every(&mut marks, c.test_fraction);
            let (mut tests, mut trains) = (
                (0..n).filter(|&i| t.test[i]),
                (0..n).filter(|&i| !t.test[i]),
            );
            c.points = marks
                .iter()
                .filter_map(|m| if m.test { tests.next() } else { trains.next() })
                .map(|i| t.points[i])
                .collect();
            // More test points than 90% allow: the rest stay in order as training points.
            c.points.extend(tests.chain(trains).map(|i| t.points[i]));
        } else {
            c.points = t.points.clone();
        }
        let (xs, ys): (Vec<f64>, Vec<f64>) = c.points.iter().map(|p| (p[0], p[1])).unzip();
        c.view = Some(fit_view(&c.points));
        c.norm = Some(norm_frame(&xs, &ys));
        let mut notes = vec![format!(
            "Imported {n} points with {what} from the CSV file."
        )];
        notes.extend(t.notes);
        Ok((c, notes))
    }

    /// The points as CSV (`x1,x2,label,split`): what [`Playground::import_csv`] reads back to
    /// the same points and split.
    pub fn export_csv(&self) -> String {
        let pts: Vec<[f64; 3]> = self.points.iter().map(|p| [p.x, p.y, p.label]).collect();
        let test: Vec<bool> = self.points.iter().map(|p| p.test).collect();
        let labels = match self.config.task() {
            Task::Regression => crate::csv::Labels::Regression,
            Task::Binary => crate::csv::Labels::Binary {
                names: ["-1".into(), "1".into()],
            },
            Task::Classes(k) => crate::csv::Labels::Classes {
                names: (0..k).map(|i| i.to_string()).collect(),
            },
        };
        crate::csv::write(&pts, &test, &labels)
    }

    /// The message of a stop condition met since the last call, if any (training stopped
    /// there; the page pauses and says why).
    pub fn take_stop(&mut self) -> Option<String> {
        self.stop.take()
    }

    /// Loss and accuracy on the training and test points now, without training.
    pub fn stats(&mut self) -> Stats {
        let train = self.trainer.metrics(&self.train);
        let test = self.trainer.metrics(&self.test);
        let mut s = Stats {
            step: self.trainer.step,
            epoch: self.trainer.epoch(self.train.len()),
            train_loss: finite(train.loss),
            train_accuracy: finite(train.accuracy),
            test_loss: finite(test.loss),
            test_accuracy: finite(test.accuracy),
            train_rmse: finite(train.rmse),
            test_rmse: finite(test.rmse),
            train_confusion: train.confusion,
            test_confusion: test.confusion,
            learning_rate: self.trainer.config.learning_rate_at(self.trainer.step),
            n_train: self.train.len(),
            n_test: self.test.len(),
            diverged: false,
            message: None,
        };
        if let Some(k) = self.diverged_at {
            s.diverged = true;
            let back = self.trainer.step;
            let scale = self
                .points
                .iter()
                .map(|p| p.x.abs().max(p.y.abs()))
                .fold(0.0, f64::max);
            s.message = Some(if scale > LARGE_INPUT {
                // Inputs this large overflow whatever the learning rate: say so.
                format!(
                    "diverged at step {k}: the loss or a gradient overflowed to infinity. The \
                     points reach {} from the origin, too far for the network's inputs: \
                     scale the data down (to within about 10). The weights went back to step \
                     {back}.",
                    settings::num_text(scale)
                )
            } else {
                format!(
                    "diverged at step {k}: the loss or a gradient overflowed to infinity. \
                     Learning rate too high? The weights went back to step {back}; lower the \
                     rate to go on from there, or press Reset."
                )
            });
        } else if self.train.is_empty() {
            s.message = Some("no training points: click on the plot to add some".into());
        }
        s
    }

    /// The model's answer on a `res` x `res` grid over the view: row-major, row 0 at the top
    /// (`ymax`), column 0 at `xmin`, each cell sampled at its centre. Per cell: for two
    /// classes the confidence in [-1, 1] (its sign is the class); for `K` classes the most
    /// likely class plus its confidence, `k + c` with `c` in [0, 1) (0 at a tie of all `K`,
    /// near 1 when sure); for regression the predicted value. Never NaN: a non-finite answer
    /// is drawn as undecided (0).
    pub fn boundary(&mut self, res: usize) -> &[f32] {
        let res = res.clamp(2, MAX_RESOLUTION);
        let v = self.view();
        let n = res * res;
        let task = self.config.task();
        let outputs = task.outputs();
        self.grid_x.resize(n, 0.0);
        self.grid_y.resize(n, 0.0);
        self.scores.resize(n * outputs, 0.0);
        self.boundary.resize(n, 0.0);
        let (dx, dy) = (
            (v.xmax - v.xmin) / res as f64,
            (v.ymax - v.ymin) / res as f64,
        );
        for r in 0..res {
            for c in 0..res {
                self.grid_x[r * res + c] = v.xmin + (c as f64 + 0.5) * dx;
                self.grid_y[r * res + c] = v.ymax - (r as f64 + 0.5) * dy;
            }
        }
        let model = &self.trainer.model;
        model.scores_2d(
            &self.grid_x,
            &self.grid_y,
            &mut self.scores,
            &mut self.scratch,
        );
        let loss = self.config.loss;
        let scores = &self.scores;
        for (i, b) in self.boundary.iter_mut().enumerate() {
            let cell = match task {
                Task::Binary => loss.confidence(scores[i]),
                Task::Regression => scores[i],
                Task::Classes(k) => {
                    let mut z = [0.0; MAX_CLASSES];
                    for (j, zj) in z.iter_mut().take(k).enumerate() {
                        *zj = scores[j * n + i];
                    }
                    class_and_confidence(&z[..k])
                }
            };
            *b = if cell.is_finite() { cell as f32 } else { 0.0 };
        }
        &self.boundary
    }

    /// Every unit's value on a `res` x `res` grid over the view (cells as
    /// [`Playground::boundary`] lays them out): the input features, then each layer's neurons,
    /// after the activation (or the weighted sums with `pre`), unit by unit, `res * res`
    /// numbers each. Non-finite values are 0. The live network diagram draws one small
    /// heatmap per unit from it; the zero lines are the weighted sums' zero contours.
    pub fn unit_grids(&mut self, res: usize, pre: bool) -> &[f32] {
        let res = res.clamp(2, MAX_UNIT_RESOLUTION);
        let (xs, ys) = grid_cells(self.view(), res);
        let model = &self.trainer.model;
        model.units_2d(&xs, &ys, pre, &mut self.scores, &mut self.scratch);
        self.unit_grid.clear();
        self.unit_grid.extend(
            self.scores
                .iter()
                .map(|&v| if v.is_finite() { v as f32 } else { 0.0 }),
        );
        &self.unit_grid
    }

    /// The hidden layer's view of the data (ConvNetJS's transformed space): where neurons
    /// `a` and `b` of layer `layer` put each point and each of `lines` vertical and
    /// horizontal lines of the view (sampled at 48 points each). `None` for a unit that does
    /// not exist.
    pub fn hidden_space(
        &mut self,
        layer: usize,
        a: usize,
        b: usize,
        lines: usize,
    ) -> Option<HiddenSpace> {
        let l = self.trainer.model.layers.get(layer)?;
        if a >= l.nout || b >= l.nout {
            return None;
        }
        const SAMPLES: usize = 48;
        let lines = lines.clamp(2, 41);
        let v = self.view();
        let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = self.points.iter().map(|p| (p.x, p.y)).unzip();
        let along =
            |i: usize, n: usize, lo: f64, hi: f64| lo + (hi - lo) * i as f64 / (n - 1) as f64;
        for vertical in [true, false] {
            for i in 0..lines {
                for j in 0..SAMPLES {
                    let (x, y) = if vertical {
                        (
                            along(i, lines, v.xmin, v.xmax),
                            along(j, SAMPLES, v.ymin, v.ymax),
                        )
                    } else {
                        (
                            along(j, SAMPLES, v.xmin, v.xmax),
                            along(i, lines, v.ymin, v.ymax),
                        )
                    };
                    xs.push(x);
                    ys.push(y);
                }
            }
        }
        let model = &self.trainer.model;
        let n = xs.len();
        model.units_2d(&xs, &ys, false, &mut self.scores, &mut self.scratch);
        let first = model.nin() + model.layers[..layer].iter().map(|l| l.nout).sum::<usize>();
        let (ra, rb) = (
            &self.scores[(first + a) * n..][..n],
            &self.scores[(first + b) * n..][..n],
        );
        let at = |i: usize| [ra[i] as f32, rb[i] as f32];
        let np = self.points.len();
        Some(HiddenSpace {
            points: (0..np).flat_map(at).collect(),
            labels: self.points.iter().map(|p| p.label as f32).collect(),
            lines: (0..2 * lines)
                .map(|k| {
                    (0..SAMPLES)
                        .flat_map(|j| at(np + k * SAMPLES + j))
                        .collect()
                })
                .collect(),
        })
    }

    /// Neuron `index` of layer `layer` as the inspector shows it: its weights and bias, each
    /// one's gradient from the last step and optimiser state, and its inputs and output on
    /// point `point` (the numbers of its equation). `None` for a neuron or point that does
    /// not exist.
    pub fn neuron_info(&self, layer: usize, index: usize, point: usize) -> Option<NeuronInfo> {
        let model = &self.trainer.model;
        let l = *model.layers.get(layer)?;
        if index >= l.nout {
            return None;
        }
        let p = self.points.get(point)?;
        let first = model.layer_offset(layer) + index * (l.nin + 1);
        let params: Vec<ParamInfo> = (first..first + l.nin + 1)
            .map(|k| {
                let state = self.trainer.optimizer.state(k);
                ParamInfo {
                    index: k,
                    value: model.params[k],
                    grad: self.trainer.grads()[k],
                    velocity: state.map(|s| s.0),
                    adam_sqrt_v: state.and_then(|s| s.1),
                }
            })
            .collect();
        // The point's units: this neuron's inputs are the previous layer's (or the features).
        let mut units = Vec::new();
        model.units_2d(&[p.x], &[p.y], false, &mut units, &mut Vec::new());
        let mut pre = Vec::new();
        model.units_2d(&[p.x], &[p.y], true, &mut pre, &mut Vec::new());
        let before = model.nin() + model.layers[..layer].iter().map(|l| l.nout).sum::<usize>();
        let inputs_from = before - l.nin;
        Some(NeuronInfo {
            layer,
            index,
            activation: l.activation,
            inputs: units[inputs_from..before].to_vec(),
            sum: pre[before + index],
            output: units[before + index],
            params,
        })
    }

    /// Sets parameter `k` (a weight or bias, in [`Mlp::params`]' order) to `value` while
    /// training runs, and returns the value it had: the page's inspector edits weights this
    /// way and keeps the old values to undo. A non-finite value or a missing parameter is
    /// refused.
    pub fn set_param(&mut self, k: usize, value: f64) -> Result<f64, String> {
        if !value.is_finite() {
            return Err(format!(
                "a weight must be a finite number; got {}",
                settings::num_text(value)
            ));
        }
        let p = self
            .trainer
            .model
            .params
            .get_mut(k)
            .ok_or_else(|| format!("the network has no parameter {k}"))?;
        let old = std::mem::replace(p, value);
        self.resume();
        Ok(old)
    }

    /// The graph of neuron `index` of layer `layer` on point `point` (an index into
    /// [`Playground::points`]), with the current weights and d(loss)/d(node) for that point.
    pub fn neuron_view(&self, layer: usize, index: usize, point: usize) -> Option<GraphView> {
        let p = self.points.get(point)?;
        graphview::neuron_view(
            &self.trainer.model,
            self.config.loss,
            self.config.task(),
            layer,
            index,
            (p.x, p.y, p.label),
        )
    }

    /// Autograd against finite differences on the training points (see
    /// [`Trainer::gradient_check`]).
    pub fn gradient_check(&mut self) -> GradCheck {
        self.trainer.gradient_check(&self.train)
    }

    /// Starts the same check, to be carried on a slice at a time (see
    /// [`Trainer::begin_gradient_check`]): it stays about the weights and points of now.
    pub fn begin_gradient_check(&mut self) -> GradCheck {
        self.trainer.begin_gradient_check(&self.train)
    }

    /// Up to `max_params` more parameters of the check under way; `None` if there is none
    /// (never begun, finished, cancelled, or the network was rebuilt).
    pub fn advance_gradient_check(&mut self, max_params: usize) -> Option<GradCheck> {
        self.trainer.advance_gradient_check(max_params)
    }

    pub fn cancel_gradient_check(&mut self) {
        self.trainer.cancel_gradient_check();
    }

    fn resume(&mut self) {
        self.diverged_at = None;
    }

    /// Changes a live setting (see [`settings::SETTINGS`]) on the running network, clamped to
    /// its range with a notice; like every change of a setting, it lifts a divergence stop.
    /// Refused, with the reason, for a setting that rebuilds the network, a setting of the page
    /// or a value of the wrong kind.
    pub fn set(&mut self, name: &str, value: &Value) -> Result<(), String> {
        self.set_val(name, value.into())
    }

    /// [`Playground::set`] with the value already in the table's terms (the wasm layer's path:
    /// no JSON value in between).
    pub fn set_val(&mut self, name: &str, value: Val) -> Result<(), String> {
        let s = settings::find(name)
            .filter(|s| s.live && !s.page_only)
            .ok_or_else(|| {
                format!(
                    "{} is not a setting that acts on the running network",
                    settings::echo(name)
                )
            })?;
        let (v, note) = settings::check(s, &value).map_err(|p| format!("{p}: ignored"))?;
        self.notices.extend(note);
        self.config.put(s.name, v);
        let (c, t) = (&self.config, &mut self.trainer);
        match s.name {
            "learning_rate" => t.config.learning_rate = c.learning_rate,
            "l2" => t.config.l2 = c.l2,
            "momentum" => t.set_momentum(c.momentum),
            "batch_size" => t.config.batch_size = c.batch_size,
            "lr_decay" => t.config.lr_decay = c.lr_decay,
            "optimizer" => t.set_optimizer(c.optimizer),
            // A new loss target fires as soon as the loss is below it.
            "stop_loss" => self.last_loss = f64::INFINITY,
            "stop_step" | "stop_epoch" => {}
            _ => unreachable!("every live config setting has an arm"),
        }
        self.resume();
        Ok(())
    }

    /// [`Playground::set`] for the typed setters: a refusal becomes a notice.
    fn set_or_notice(&mut self, name: &str, value: Val) {
        if let Err(e) = self.set_val(name, value) {
            self.notices.push(e);
        }
    }

    pub fn set_learning_rate(&mut self, lr: f64) {
        self.set_or_notice("learning_rate", Val::Num(lr));
    }

    pub fn set_l2(&mut self, l2: f64) {
        self.set_or_notice("l2", Val::Num(l2));
    }

    pub fn set_optimizer(&mut self, kind: OptimizerKind) {
        self.set_or_notice("optimizer", settings::chosen("optimizer", kind as usize));
    }

    pub fn set_momentum(&mut self, m: f64) {
        self.set_or_notice("momentum", Val::Num(m));
    }

    pub fn set_batch_size(&mut self, b: usize) {
        self.set_or_notice("batch_size", Val::Num(b as f64));
    }

    pub fn set_lr_decay(&mut self, on: bool) {
        self.set_or_notice("lr_decay", Val::Bool(on));
    }

    /// Adds a training point; the data set becomes `custom` (the URL then carries every point).
    /// Refused, with a notice, past [`MAX_POINTS`] or outside the view.
    pub fn add_point(&mut self, x: f64, y: f64, label: f64) -> bool {
        if self.points.len() >= MAX_POINTS {
            self.notices.push(format!(
                "points: the limit is {MAX_POINTS}; this one was not added"
            ));
            return false;
        }
        if !x.is_finite() || !y.is_finite() || !self.view().contains(x, y) {
            self.notices
                .push(format!("point ({x}, {y}) is outside the plot; not added"));
            return false;
        }
        // A label as the problem writes it: the sign for two classes, a class index for
        // more, the target itself for regression.
        let label = match self.config.task() {
            Task::Binary => {
                if label > 0.0 {
                    1.0
                } else {
                    -1.0
                }
            }
            Task::Classes(k) if label.fract() == 0.0 && (0.0..k as f64).contains(&label) => label,
            Task::Regression
                if label.is_finite() && label.abs() <= settings::range_of("points").max =>
            {
                label
            }
            Task::Classes(k) => {
                self.notices.push(format!(
                    "a point's class goes from 0 to {}; got {}: not added",
                    k - 1,
                    settings::num_text(label)
                ));
                return false;
            }
            Task::Regression => {
                self.notices.push(format!(
                    "a point's target must be a finite number; got {}: not added",
                    settings::num_text(label)
                ));
                return false;
            }
        };
        self.make_custom();
        self.points.push(Point::new(x, y, label));
        self.config.points.push([x, y, label]);
        // The points before keep their roles; the new one gets its own by position.
        data::split_every(&mut self.points, self.config.test_fraction);
        self.resplit();
        true
    }

    /// Removes every point, leaving an empty `custom` set to draw on.
    pub fn clear_points(&mut self) {
        self.make_custom();
        self.points.clear();
        self.config.points.clear();
        self.resplit();
    }

    /// Turns the current data set into hand-placed points, keeping the view (so a click on the
    /// moons adds a point to the moons' frame) and the test fraction: the same share of the
    /// points stays held out, chosen by [`data::split_every`] so that it survives a reload.
    fn make_custom(&mut self) {
        if self.config.dataset != Dataset::Custom {
            // Keep what is on screen: the generated points become custom points.
            self.config.points = self.points.iter().map(|p| [p.x, p.y, p.label]).collect();
            data::split_every(&mut self.points, self.config.test_fraction);
            self.config.view = Some(self.config.dataset.view());
            self.config.dataset = Dataset::Custom;
        }
    }

    /// The whole run: config, parameters, step count.
    pub fn saved_state(&self) -> SavedState {
        SavedState {
            format: FORMAT.into(),
            config: self.config.clone(),
            model: self.trainer.model.clone(),
            step: self.trainer.step,
            samples_seen: self.trainer.samples_seen,
        }
    }

    /// The whole run as JSON text (see [`Playground::saved_state`]).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.saved_state()).expect("the state serializes")
    }

    /// A playground restored from [`Playground::to_json`]'s output. Malformed, oversized or
    /// mismatched input is refused with the reason, naming the field.
    pub fn from_json(json: &str) -> Result<Playground, String> {
        if json.len() > MAX_JSON_BYTES {
            return Err(format!(
                "the file is {} bytes; the limit is {MAX_JSON_BYTES}",
                json.len()
            ));
        }
        let j = Json::parse(json).map_err(|e| format!("not a saved playground: {e}"))?;
        Playground::from_tree(&j)
    }

    /// A playground restored from a saved run already parsed (the page parses with
    /// `JSON.parse`); see [`Playground::from_json`].
    pub fn from_tree(j: &Json) -> Result<Playground, String> {
        let most_samples = (MAX_SAVED_STEP * MAX_POINTS as u64) as f64;
        let (saved, notes) = json::saved_state(j, MAX_SAVED_STEP as f64, most_samples)
            .map_err(|e| format!("not a saved playground: {e}"))?;
        if saved.format != FORMAT {
            return Err(format!(
                "format: expected \"{FORMAT}\", found {}",
                settings::echo(&saved.format)
            ));
        }
        saved.model.validate().map_err(|e| format!("model: {e}"))?;
        let mut pg = Playground::new(saved.config);
        pg.notices.splice(0..0, notes);
        let want = pg.trainer.model.layers.clone();
        if saved.model.sizes() != pg.trainer.model.sizes() {
            return Err(format!(
                "model: its layers {:?} do not match the settings' network {:?}",
                saved.model.sizes(),
                pg.trainer.model.sizes()
            ));
        }
        if saved.model.layers != want {
            let name =
                |m: &Mlp| match settings::chosen("activation", m.layers[0].activation as usize) {
                    Val::Text(t) => t,
                    _ => String::new(),
                };
            return Err(format!(
                "model: its activation is {} but the settings' is {}",
                name(&saved.model),
                name(&pg.trainer.model)
            ));
        }
        pg.trainer.model = saved.model;
        pg.trainer.step = saved.step;
        pg.trainer.samples_seen = saved.samples_seen;
        Ok(pg)
    }
}
