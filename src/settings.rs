//! Every setting of the page, declared once as data: its URL key (the config's serde name),
//! kind, range, default, slider scale and step, whether it acts live or rebuilds the network,
//! and the label and help text its control shows. Sanitising a [`Config`], every live setter
//! of the playground and the URL hash codec ([`parse_hash`], [`encode_hash`]) go through this
//! table, and the page receives it as plain data ([`table`]), so a limit lives in one place.

use crate::data::{Dataset, Problem, View, MAX_CLASSES};
use crate::features::Feature;
use crate::loss::{Loss, Task};
use crate::nn::Activation;
use crate::optim::OptimizerKind;
use crate::playground::Config;
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

/// One setting. Its default is not here: it comes from [`Config::default`] (see [`table`]).
#[derive(Debug)]
pub struct Setting {
    /// The config's serde name, which is also the URL key.
    pub name: &'static str,
    pub kind: Kind,
    /// The allowed values (for lists, of each item; for points and views, of each coordinate).
    pub range: Option<Range>,
    /// For lists: how many items, with the label and help of one item's control.
    pub items: Option<Items>,
    pub scale: Scale,
    /// The control's step, where it has one.
    pub step: Option<f64>,
    /// Acts on the running network (true) or rebuilds it (false).
    pub live: bool,
    /// Held by the page (not part of [`Config`]); still in the URL.
    pub page_only: bool,
    pub label: &'static str,
    pub help: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Range {
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Serialize)]
pub struct Items {
    pub count: Range,
    pub label: &'static str,
    pub help: &'static str,
}

/// What kind of value a setting holds; JSON `{ "type": "choice", "choices": [...] }` etc.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Kind {
    Choice {
        choices: &'static [Choice],
    },
    /// An integer within `range`.
    Whole,
    Number,
    Bool,
    /// Whole numbers within `range`, `items.count` of them (`hidden`: neurons per layer).
    IntList,
    /// `[x, y, label]` triples, label 1 or -1, coordinates within `range`.
    Points,
    /// An optional `{ xmin, xmax, ymin, ymax }` within `range`, each side at least
    /// [`VIEW_MIN_WIDTH`] wide.
    View,
    /// Any non-empty subset of the choices (check boxes), `a,b,c` in a link.
    Set {
        choices: &'static [Choice],
    },
    /// One of a few values (a slider of stops).
    Stops {
        stops: &'static [u32],
    },
}

#[derive(Debug, Serialize)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub help: &'static str,
}

/// How a slider maps to values.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Scale {
    Linear,
    /// `per_decade` stops per power of ten from `lowest` to the range's max; with
    /// `zero_stop`, one more stop below `lowest` means 0.
    Log {
        lowest: f64,
        per_decade: u32,
        zero_stop: bool,
    },
}

/// The most points a data set may have (generated or placed by hand).
const POINTS: f64 = 5000.0;
/// Points and views stay within this distance of the origin.
const COORD: Range = Range {
    min: -1e6,
    max: 1e6,
};
/// A custom view narrower than this (in data units) is refused.
pub const VIEW_MIN_WIDTH: f64 = 1e-3;
/// Steps per frame when the link does not say.
pub const DEFAULT_SPEED: u32 = 10;
pub const DEFAULT_DISCRETIZE: bool = false;

const fn choice(value: &'static str, label: &'static str, help: &'static str) -> Choice {
    Choice { value, label, help }
}

const fn range(min: f64, max: f64) -> Option<Range> {
    Some(Range { min, max })
}

/// A setting with the common defaults, for the table below to override.
const BASE: Setting = Setting {
    name: "",
    kind: Kind::Whole,
    range: None,
    items: None,
    scale: Scale::Linear,
    step: None,
    live: false,
    page_only: false,
    label: "",
    help: "",
};

/// The settings in the order the URL lists them.
pub const SETTINGS: &[Setting] = &[
    Setting {
        name: "dataset",
        kind: Kind::Choice {
            choices: &[
                choice("moons", "moons", "Two interleaved half circles: micrograd's demo (scikit-learn make_moons)"),
                choice("circles", "circles", "A disc of one class inside a ring of the other"),
                choice("xor", "xor", "Exclusive or: the class is the sign of x times y"),
                choice("spiral", "spiral", "Two interleaved spiral arms: hard, needs a deeper network"),
                choice("gaussians", "gaussians", "Two Gaussian blobs: nearly linearly separable"),
                choice("circle_square", "circle in square", "Points in a square, +1 inside the unit circle (micrograd without looking)"),
                choice("blobs", "blobs", "One Gaussian blob per class, around a circle: 2 to 6 classes"),
                choice("plane", "plane", "Regression: the target is a tilted plane, (x1 + x2) / 10"),
                choice("multigauss", "multi gaussian", "Regression: the target is six bumps, up and down"),
                choice("custom", "custom", "Your own points: click the plot to add them (choosing this keeps the current points so you can edit them)"),
            ],
        },
        label: "Dataset",
        help: "The points the network learns to separate; regenerates the data",
        ..BASE
    },
    Setting {
        name: "problem",
        kind: Kind::Choice {
            choices: &[
                choice("classification", "classification", "each point has a class; the network learns to tell them apart"),
                choice("regression", "regression", "each point has a number; the network learns to predict it"),
            ],
        },
        label: "Problem",
        help: "Classes or numbers: picks the data sets and the loss that go with it; regenerates the data",
        ..BASE
    },
    Setting {
        name: "classes",
        range: range(2.0, MAX_CLASSES as f64),
        step: Some(1.0),
        label: "Classes",
        help: "How many classes blobs, spiral and your own points have (2 to 6); regenerates the data",
        ..BASE
    },
    Setting {
        name: "n_points",
        range: range(10.0, POINTS),
        step: Some(10.0),
        label: "Points",
        help: "How many points to generate; regenerates the data",
        ..BASE
    },
    Setting {
        name: "noise",
        kind: Kind::Number,
        range: range(0.0, 0.5),
        step: Some(0.01),
        label: "Noise",
        help: "How much random jitter the generated points get; regenerates the data",
        ..BASE
    },
    Setting {
        name: "seed",
        // Below 2^32, so JavaScript numbers carry every seed exactly.
        range: range(0.0, u32::MAX as f64),
        step: Some(1.0),
        label: "Seed",
        help: "Random seed for the data and the initial weights: the same seed gives the same run",
        ..BASE
    },
    Setting {
        name: "test_fraction",
        kind: Kind::Number,
        range: range(0.0, 0.9),
        step: Some(0.05),
        label: "Test fraction",
        help: "Share of the points held out from training and only evaluated (drawn hollow)",
        ..BASE
    },
    Setting {
        name: "hidden",
        kind: Kind::IntList,
        range: range(1.0, 32.0),
        items: Some(Items {
            count: Range { min: 0.0, max: 6.0 },
            label: "Neurons per hidden layer",
            help: "Neurons in this hidden layer; rebuilds the network",
        }),
        step: Some(1.0),
        label: "Hidden layers",
        help: "Number of hidden layers, 0 (a linear model) to 6",
        ..BASE
    },
    Setting {
        name: "features",
        kind: Kind::Set {
            choices: &[
                choice("x1", "x1", "the point's first coordinate"),
                choice("x2", "x2", "the point's second coordinate"),
                choice("x1sq", "x1²", "x1 squared"),
                choice("x2sq", "x2²", "x2 squared"),
                choice("x1x2", "x1·x2", "the product of the coordinates"),
                choice("sinx1", "sin(x1)", "the sine of x1"),
                choice("sinx2", "sin(x2)", "the sine of x2"),
            ],
        },
        label: "Input features",
        help: "What the network sees of each point: the coordinates, their squares, product and sines; rebuilds the network",
        ..BASE
    },
    Setting {
        name: "activation",
        kind: Kind::Choice {
            choices: &[
                choice("relu", "ReLU", "max(0, x)"),
                choice("tanh", "tanh", "the hyperbolic tangent, from -1 to 1"),
                choice("sigmoid", "sigmoid", "1 / (1 + e^-x), from 0 to 1"),
                choice("linear", "none (linear)", "no nonlinearity: the network is a linear model"),
                choice("leaky_relu", "leaky ReLU", "x above 0, 0.01 x below: a ReLU that never quite dies"),
                choice("elu", "ELU", "x above 0, e^x - 1 below: smooth, negative outputs down to -1"),
                choice("silu", "SiLU (swish)", "x · sigmoid(x): a smooth ReLU that dips a little below 0"),
                choice("softplus", "softplus", "ln(1 + e^x): a smooth ReLU, always positive"),
                choice("sine", "sine", "sin(x): periodic, draws stripes and waves"),
            ],
        },
        label: "Activation",
        help: "The nonlinearity of the hidden neurons",
        ..BASE
    },
    Setting {
        name: "loss",
        kind: Kind::Choice {
            choices: &[
                choice("hinge", "hinge (max-margin)", "micrograd's SVM max-margin loss"),
                choice("bce", "cross-entropy", "binary cross-entropy of the sigmoid of the output"),
                choice("mse", "mean squared error", "the squared distance of the output from the label"),
                choice("huber", "Huber", "squared error near the target, growing only linearly far from it: robust to outliers"),
            ],
        },
        label: "Loss",
        help: "What training minimises for two classes: hinge (micrograd's max-margin), cross-entropy, squared error or Huber; regression takes squared error or Huber, more classes softmax cross-entropy",
        ..BASE
    },
    Setting {
        name: "learning_rate",
        kind: Kind::Number,
        range: range(1e-4, 10.0),
        scale: Scale::Log { lowest: 1e-4, per_decade: 10, zero_stop: false },
        live: true,
        label: "Learning rate",
        help: "Step size of each update, on a log scale from 0.0001 to 10",
        ..BASE
    },
    Setting {
        name: "l2",
        kind: Kind::Number,
        range: range(0.0, 0.1),
        scale: Scale::Log { lowest: 1e-6, per_decade: 10, zero_stop: true },
        live: true,
        label: "L2 regularization",
        help: "Weight decay strength, log scale; the far left is 0 (off)",
        ..BASE
    },
    Setting {
        name: "optimizer",
        kind: Kind::Choice {
            choices: &[
                choice("sgd", "SGD", "plain gradient descent"),
                choice("momentum", "SGD with momentum", "gradient descent carrying part of the previous update"),
                choice("adam", "Adam", "per-parameter step sizes from running gradient averages"),
            ],
        },
        live: true,
        label: "Optimizer",
        help: "How gradients turn into updates",
        ..BASE
    },
    Setting {
        name: "momentum",
        kind: Kind::Number,
        range: range(0.0, 0.99),
        step: Some(0.01),
        live: true,
        label: "Momentum",
        help: "Share of the previous update carried into the next (SGD with momentum)",
        ..BASE
    },
    Setting {
        name: "batch_size",
        // 0 means the full training set.
        range: range(0.0, POINTS),
        step: Some(1.0),
        live: true,
        label: "Batch size",
        help: "Training points per step, 1 up to the full training set (far right; 0 in a link)",
        ..BASE
    },
    Setting {
        name: "lr_decay",
        kind: Kind::Bool,
        live: true,
        label: "Learning-rate decay",
        help: "Lower the learning rate as training goes on (micrograd's demo schedule)",
        ..BASE
    },
    Setting {
        name: "stop_step",
        range: range(0.0, 1e9),
        step: Some(1.0),
        live: true,
        label: "Stop at step",
        help: "Pause training when the step count reaches this (0: never)",
        ..BASE
    },
    Setting {
        name: "stop_epoch",
        kind: Kind::Number,
        range: range(0.0, 1e6),
        step: Some(1.0),
        live: true,
        label: "Stop at epoch",
        help: "Pause training after this many passes over the training points (0: never)",
        ..BASE
    },
    Setting {
        name: "stop_loss",
        kind: Kind::Number,
        range: range(0.0, 10.0),
        step: Some(0.001),
        live: true,
        label: "Stop below loss",
        help: "Pause training once a step's training loss falls below this (0: never)",
        ..BASE
    },
    Setting {
        name: "points",
        kind: Kind::Points,
        range: Some(COORD),
        items: Some(Items {
            count: Range { min: 0.0, max: POINTS },
            label: "Point",
            help: "Click the plot to add a point (Shift+click: the other class)",
        }),
        label: "Your points",
        help: "Hand-placed points x, y and label (1 or -1), used when the dataset is custom",
        ..BASE
    },
    Setting {
        name: "view",
        kind: Kind::View,
        range: Some(COORD),
        label: "Plot extent",
        help: "The frame of your own points (xmin, xmax, ymin, ymax): kept from the data set they started from",
        ..BASE
    },
    Setting {
        name: "norm",
        kind: Kind::View,
        range: Some(COORD),
        label: "Input normalisation",
        help: "For imported points: the frame (x1 from, to, x2 from, to) that the network sees as -1 to 1, from the data's mean and spread",
        ..BASE
    },
    Setting {
        name: "speed",
        kind: Kind::Stops { stops: &[1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500] },
        live: true,
        page_only: true,
        label: "Speed",
        help: "Training steps per animation frame: more trains faster, fewer lets you watch each step",
        ..BASE
    },
    Setting {
        name: "discretize",
        kind: Kind::Bool,
        live: true,
        page_only: true,
        label: "Discretize output",
        help: "Colour each cell by the predicted class only, instead of shading by the model's confidence",
        ..BASE
    },
];

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The setting named `name`; a compile error when used in a constant with a wrong name.
pub const fn get(name: &str) -> &'static Setting {
    let mut i = 0;
    while i < SETTINGS.len() {
        if same(SETTINGS[i].name, name) {
            return &SETTINGS[i];
        }
        i += 1;
    }
    panic!("no such setting");
}

/// The range of `name` (for constants such as `playground::MAX_POINTS`).
pub const fn range_of(name: &str) -> Range {
    match get(name).range {
        Some(r) => r,
        None => panic!("setting without a range"),
    }
}

/// The item count of the list `name` (`hidden`'s layers, `points`).
pub const fn count_of(name: &str) -> Range {
    match &get(name).items {
        Some(i) => i.count,
        None => panic!("setting without items"),
    }
}

pub fn find(name: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.name == name)
}
// ---- values ----

/// A setting's value, typed by its kind: what a link, a config or the page gives, before and
/// after [`check`]. Numbers (whole ones too) are f64, so that 2^64 is seen as what it is and
/// never wrapped.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Num(f64),
    Bool(bool),
    /// A choice's value (`moons`), or any text that was given instead of a number.
    Text(String),
    /// `hidden`'s neurons per layer.
    List(Vec<f64>),
    /// `[x, y, label]` each; a malformed point is NaN, which [`check`] drops and counts.
    Points(Vec<[f64; 3]>),
    View(Option<View>),
    /// A set's chosen values.
    Names(Vec<String>),
}

/// As JSON (the table's defaults): a whole number as an integer, as serde writes the config's
/// integer fields.
impl Serialize for Val {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Val::Num(x) if x.fract() == 0.0 && x.abs() < 1e15 => s.serialize_i64(*x as i64),
            Val::Num(x) => s.serialize_f64(*x),
            Val::Bool(b) => s.serialize_bool(*b),
            Val::Text(t) => s.serialize_str(t),
            Val::List(l) => s.collect_seq(l.iter().map(|&x| x as u64)),
            Val::Points(p) => p.serialize(s),
            Val::View(v) => v.serialize(s),
            Val::Names(n) => n.serialize(s),
        }
    }
}

/// A JSON value (a live setting from the page) as a [`Val`]; [`check`] then says whether it
/// is of the setting's kind.
impl From<&serde_json::Value> for Val {
    fn from(v: &serde_json::Value) -> Val {
        use serde_json::Value as J;
        match v {
            J::Number(n) => Val::Num(n.as_f64().unwrap_or(f64::NAN)),
            J::Bool(b) => Val::Bool(*b),
            J::String(t) => Val::Text(t.clone()),
            // Shown as "a value that is not a finite number".
            J::Null => Val::Num(f64::NAN),
            J::Array(a) if a.iter().all(|x| x.is_string()) => Val::Names(
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect(),
            ),
            // Shown as written; never a valid choice.
            J::Array(_) => Val::Text("[...]".into()),
            J::Object(_) => Val::Text("{...}".into()),
        }
    }
}

/// The enums behind the choices, in the table's order (tests/settings.rs checks it against
/// serde's names); [`Dataset::ALL`] and [`Activation::ALL`] are in the table's order too.
const LOSSES: [Loss; 4] = [Loss::Hinge, Loss::Bce, Loss::Mse, Loss::Huber];
const PROBLEMS: [Problem; 2] = [Problem::Classification, Problem::Regression];
const OPTIMIZERS: [OptimizerKind; 3] = [
    OptimizerKind::Sgd,
    OptimizerKind::Momentum,
    OptimizerKind::Adam,
];

fn choices(name: &str) -> &'static [Choice] {
    match find(name).map(|s| &s.kind) {
        Some(Kind::Choice { choices } | Kind::Set { choices }) => choices,
        _ => &[],
    }
}

/// Choice `i` of setting `name` (an enum's variant index: the table lists them in order).
pub fn chosen(name: &str, i: usize) -> Val {
    Val::Text(choices(name).get(i).map_or("", |c| c.value).into())
}

/// The index of choice `t` of setting `name` (0 if there is none: [`check`] came first).
fn choice_index(name: &str, t: &str) -> usize {
    choices(name).iter().position(|c| c.value == t).unwrap_or(0)
}

impl Config {
    /// The value of setting `name`, one of the config's fields.
    pub fn get(&self, name: &str) -> Val {
        let num = |x: f64| Val::Num(x);
        match name {
            "dataset" => chosen(name, self.dataset as usize),
            "problem" => chosen(name, self.problem as usize),
            "classes" => num(self.classes as f64),
            "n_points" => num(self.n_points as f64),
            "noise" => num(self.noise),
            "seed" => num(self.seed as f64),
            "test_fraction" => num(self.test_fraction),
            "hidden" => Val::List(self.hidden.iter().map(|&n| n as f64).collect()),
            "activation" => chosen(name, self.activation as usize),
            "loss" => chosen(name, self.loss as usize),
            "learning_rate" => num(self.learning_rate),
            "l2" => num(self.l2),
            "optimizer" => chosen(name, self.optimizer as usize),
            "momentum" => num(self.momentum),
            "batch_size" => num(self.batch_size as f64),
            "lr_decay" => Val::Bool(self.lr_decay),
            "stop_step" => num(self.stop_step as f64),
            "stop_epoch" => num(self.stop_epoch),
            "stop_loss" => num(self.stop_loss),
            "points" => Val::Points(self.points.clone()),
            "features" => Val::Names(
                self.features
                    .iter()
                    .map(|&f| choices(name)[f as usize].value.to_string())
                    .collect(),
            ),
            "norm" => Val::View(self.norm),
            _ => Val::View(self.view),
        }
    }

    /// Sets setting `name` to `v`, a value that passed [`check`] (anything else is ignored).
    pub fn put(&mut self, name: &str, v: Val) {
        match (name, v) {
            ("dataset", Val::Text(t)) => self.dataset = Dataset::ALL[choice_index(name, &t)],
            ("problem", Val::Text(t)) => self.problem = PROBLEMS[choice_index(name, &t)],
            ("classes", Val::Num(x)) => self.classes = x as usize,
            ("n_points", Val::Num(x)) => self.n_points = x as usize,
            ("noise", Val::Num(x)) => self.noise = x,
            ("seed", Val::Num(x)) => self.seed = x as u64,
            ("test_fraction", Val::Num(x)) => self.test_fraction = x,
            ("hidden", Val::List(l)) => self.hidden = l.iter().map(|&n| n as usize).collect(),
            ("activation", Val::Text(t)) => {
                self.activation = Activation::ALL[choice_index(name, &t)]
            }
            ("loss", Val::Text(t)) => self.loss = LOSSES[choice_index(name, &t)],
            ("learning_rate", Val::Num(x)) => self.learning_rate = x,
            ("l2", Val::Num(x)) => self.l2 = x,
            ("optimizer", Val::Text(t)) => self.optimizer = OPTIMIZERS[choice_index(name, &t)],
            ("momentum", Val::Num(x)) => self.momentum = x,
            ("batch_size", Val::Num(x)) => self.batch_size = x as usize,
            ("lr_decay", Val::Bool(b)) => self.lr_decay = b,
            ("stop_step", Val::Num(x)) => self.stop_step = x as u64,
            ("stop_epoch", Val::Num(x)) => self.stop_epoch = x,
            ("stop_loss", Val::Num(x)) => self.stop_loss = x,
            ("points", Val::Points(p)) => self.points = p,
            ("view", Val::View(v)) => self.view = v,
            ("norm", Val::View(v)) => self.norm = v,
            ("features", Val::Names(n)) => {
                self.features = n
                    .iter()
                    .map(|t| Feature::ALL[choice_index(name, t)])
                    .collect()
            }
            _ => {}
        }
    }
}

/// Setting `name`'s value: the page's `speed` or `discretize`, or a field of `config`.
fn value(config: &Config, speed: u32, discretize: bool, name: &str) -> Val {
    match name {
        "speed" => Val::Num(speed as f64),
        "discretize" => Val::Bool(discretize),
        _ => config.get(name),
    }
}

impl ParsedHash {
    fn put(&mut self, name: &str, v: Val) {
        match (name, v) {
            ("speed", Val::Num(x)) => self.speed = x as u32,
            ("discretize", Val::Bool(b)) => self.discretize = b,
            (name, v) => self.config.put(name, v),
        }
    }
}

/// What a data set poses: its problem (none: custom points can be either) and whether it can
/// have more than two classes.
#[derive(Serialize)]
struct DatasetKind {
    name: &'static str,
    problem: Option<Problem>,
    multiclass: bool,
}

/// A setting with its default, as the page receives it: the setting's fields and `default`.
pub struct Entry {
    pub setting: &'static Setting,
    pub default: Val,
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let s = self.setting;
        let mut m = ser.serialize_struct("Entry", 12)?;
        m.serialize_field("name", s.name)?;
        m.serialize_field("kind", &s.kind)?;
        m.serialize_field("range", &s.range)?;
        m.serialize_field("items", &s.items)?;
        m.serialize_field("scale", &s.scale)?;
        m.serialize_field("step", &s.step)?;
        m.serialize_field("live", &s.live)?;
        m.serialize_field("page_only", &s.page_only)?;
        m.serialize_field("label", s.label)?;
        m.serialize_field("help", s.help)?;
        m.serialize_field("default", &self.default)?;
        // The data sets' kinds, so the page knows which choices go with which problem.
        let kinds = (s.name == "dataset").then(|| {
            Dataset::ALL
                .iter()
                .map(|&d| DatasetKind {
                    name: choices("dataset")[d as usize].value,
                    problem: d.problem(),
                    multiclass: d.multiclass(),
                })
                .collect::<Vec<_>>()
        });
        m.serialize_field("datasets", &kinds)?;
        m.end()
    }
}

/// The table with defaults filled in, in URL order.
pub fn table() -> Vec<Entry> {
    let c = Config::default();
    SETTINGS
        .iter()
        .map(|s| Entry {
            setting: s,
            default: value(&c, DEFAULT_SPEED, DEFAULT_DISCRETIZE, s.name),
        })
        .collect()
}

// ---- text for people ----

/// A decimal number as Rust writes one (`+5`, `.5`, `5.`, `007`, `1E3`); infinite, NaN or
/// not a number: `None`.
fn parse_number(text: &str) -> Option<f64> {
    crate::decimal::parse(text).filter(|x| x.is_finite())
}

/// A number in at most 6 significant digits, plain between 1e-6 and 1e21 (as JavaScript
/// prints it), otherwise with an exponent: `0.0316`, `1000000000`, `1e308`.
pub fn num_text(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "infinity" } else { "-infinity" }.into();
    }
    let r = parse_number(&format!("{x:.5e}")).unwrap_or(x);
    if r == 0.0 {
        "0".into()
    } else if (1e-6..1e21).contains(&r.abs()) {
        format!("{r}")
    } else {
        format!("{r:e}")
    }
}

/// Unicode's bidirectional controls (echoed, they would reorder the text around them) and
/// zero-width characters (invisible, so a message could not show what they are).
pub(crate) fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}' | '\u{061C}' | '\u{FEFF}')
}

/// Text from outside (a key, a value) as it is safe to show: in quotes, without bidirectional
/// or other control characters, at most 40 characters.
pub fn echo(text: &str) -> String {
    const MAX: usize = 40;
    let clean: String = text
        .chars()
        .filter(|&c| !is_bidi(c) && !c.is_control())
        .collect();
    let mut out = String::from("\"");
    out.extend(clean.chars().take(MAX));
    if clean.chars().count() > MAX {
        out.push('…');
    }
    out.push('"');
    if clean.len() < text.len() {
        out.push_str(" (invisible control characters removed)");
    }
    out
}

/// A number as a message or a link shows it: whole numbers up to 10^16 in full (a seed or a
/// count that is 6-digit rounded would read as another number), the rest as [`num_text`].
fn shown(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e16 {
        format!("{x:.0}")
    } else {
        num_text(x)
    }
}

/// A value as a message shows it.
fn value_text(v: &Val) -> String {
    match v {
        Val::Num(x) if x.is_finite() => shown(*x),
        Val::Num(_) => "a value that is not a finite number".into(),
        Val::Bool(b) => echo(if *b { "true" } else { "false" }),
        Val::View(None) => "none".into(),
        v => echo(&url_text(v)),
    }
}

impl Setting {
    fn range(&self) -> Range {
        self.range.unwrap_or(Range {
            min: f64::NEG_INFINITY,
            max: f64::INFINITY,
        })
    }

    /// What a valid value is, in words: "a whole number from 10 to 5000".
    pub fn describe(&self) -> String {
        let r = self.range();
        // Whole bounds in full (a seed's 4294967295, not 4.29497e9).
        let (lo, hi) = (shown(r.min), shown(r.max));
        match self.kind {
            Kind::Choice { choices } => {
                let names: Vec<&str> = choices.iter().map(|c| c.value).collect();
                format!("one of {}", names.join(", "))
            }
            Kind::Whole => format!("a whole number from {lo} to {hi}"),
            Kind::Number => format!("a number from {lo} to {hi}"),
            Kind::Bool => "1 or 0".into(),
            Kind::IntList => format!(
                "at most {} whole numbers from {lo} to {hi}, separated by commas",
                num_text(self.count().max)
            ),
            Kind::Points => format!(
                "points x,y,label separated by ';', numbers from {lo} to {hi} (label 1 or -1 for two classes, the class from 0 for more, the target for regression)"
            ),
            Kind::View => format!(
                "xmin,xmax,ymin,ymax from {lo} to {hi}, each side at least {} wide",
                num_text(VIEW_MIN_WIDTH)
            ),
            Kind::Stops { stops } => {
                let s: Vec<String> = stops.iter().map(|s| s.to_string()).collect();
                format!("one of {}", s.join(", "))
            }
            Kind::Set { choices } => {
                let names: Vec<&str> = choices.iter().map(|c| c.value).collect();
                format!("one or more of {}, separated by commas", names.join(", "))
            }
        }
    }

    fn count(&self) -> Range {
        self.items.as_ref().map_or(
            Range {
                min: 0.0,
                max: f64::INFINITY,
            },
            |i| i.count,
        )
    }

    /// "`name` must be `what`; got `v`", the start of every message about a bad value.
    pub fn problem(&self, got: &str) -> String {
        format!("{} must be {}; got {got}", self.name, self.describe())
    }
}

impl Range {
    fn has(&self, x: f64) -> bool {
        (self.min..=self.max).contains(&x)
    }
}

/// Checks `v` against setting `s`. A value of the right kind comes back within range, with a
/// message when it had to be changed; anything else is an error (a message that the caller
/// ends with what it did instead).
pub fn check(s: &Setting, v: &Val) -> Result<(Val, Vec<String>), String> {
    let r = s.range();
    let mut notes = Vec::new();
    let checked = match (&s.kind, v) {
        (Kind::Choice { choices }, Val::Text(t)) if choices.iter().any(|c| c.value == t) => {
            v.clone()
        }
        (Kind::Bool, Val::Bool(_)) | (Kind::View, Val::View(None)) => v.clone(),
        (Kind::Number, &Val::Num(x)) if x.is_finite() => {
            Val::Num(clamp(s.name, &s.describe(), r, x, &mut notes))
        }
        (Kind::Whole, &Val::Num(x)) if is_whole(x) => {
            Val::Num(clamp(s.name, &s.describe(), r, x, &mut notes))
        }
        (Kind::Stops { stops }, &Val::Num(x)) if is_whole(x) => {
            // The largest stop not above x (the slowest stop below the first).
            let c = stops.iter().rev().find(|&&t| t as f64 <= x);
            let c = *c.unwrap_or(&stops[0]) as f64;
            if c != x {
                notes.push(format!("{}: set to {c}", s.problem(&shown(x))));
            }
            Val::Num(c)
        }
        (Kind::IntList, Val::List(list)) => {
            let max = s.count().max as usize;
            if list.len() > max {
                notes.push(format!(
                    "{}: {} layers is more than {max}; kept the first {max}",
                    s.name,
                    list.len()
                ));
            }
            let what = format!(
                "a whole number from {} to {}",
                num_text(r.min),
                num_text(r.max)
            );
            let mut out = Vec::new();
            for (i, &x) in list.iter().take(max).enumerate() {
                let name = format!("{}[{i}]", s.name);
                if !is_whole(x) {
                    return Err(format!(
                        "{name} must be {what}; got {}",
                        value_text(&Val::Num(x))
                    ));
                }
                out.push(clamp(&name, &what, r, x, &mut notes));
            }
            Val::List(out)
        }
        (Kind::Points, Val::Points(list)) => {
            let max = s.count().max as usize;
            if list.len() > max {
                notes.push(format!(
                    "{}: {} is more than {max}; kept the first {max}",
                    s.name,
                    list.len()
                ));
            }
            // The label's kind depends on the problem: `Config::fit_problem` checks it.
            let ok = |p: &&[f64; 3]| r.has(p[0]) && r.has(p[1]) && r.has(p[2]);
            let kept: Vec<[f64; 3]> = list.iter().take(max).filter(ok).copied().collect();
            let dropped = list.len().min(max) - kept.len();
            if dropped > 0 {
                let how = s.describe();
                notes.push(format!(
                    "{}: dropped {dropped} not written as {}",
                    s.name,
                    how.strip_prefix("points ").unwrap_or(&how)
                ));
            }
            Val::Points(kept)
        }
        (Kind::Set { choices }, Val::Names(names)) => {
            // Known names once each, in the table's order; unknown ones are named and dropped.
            let unknown: Vec<String> = names
                .iter()
                .filter(|n| !choices.iter().any(|c| c.value == n.as_str()))
                .map(|n| echo(n))
                .collect();
            let kept: Vec<String> = choices
                .iter()
                .filter(|c| names.iter().any(|n| n == c.value))
                .map(|c| c.value.to_string())
                .collect();
            if kept.is_empty() {
                return Err(s.problem(&value_text(v)));
            }
            if !unknown.is_empty() {
                notes.push(format!(
                    "{}: ignored {} (not one of {})",
                    s.name,
                    unknown.join(", "),
                    choices
                        .iter()
                        .map(|c| c.value)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            Val::Names(kept)
        }
        (Kind::View, Val::View(Some(w)))
            if [w.xmin, w.xmax, w.ymin, w.ymax].iter().all(|&x| r.has(x))
                && w.xmax - w.xmin >= VIEW_MIN_WIDTH
                && w.ymax - w.ymin >= VIEW_MIN_WIDTH =>
        {
            v.clone()
        }
        _ => return Err(s.problem(&value_text(v))),
    };
    Ok((checked, notes))
}

/// A finite whole number (as f64, so that 2^32 or 2^53 is seen as what it is, never wrapped).
fn is_whole(x: f64) -> bool {
    x.is_finite() && x.fract() == 0.0
}

/// `x` within `r`, with the message saying so in `notes` when it was not.
fn clamp(name: &str, what: &str, r: Range, x: f64, notes: &mut Vec<String>) -> f64 {
    let c = x.clamp(r.min, r.max);
    if c != x {
        notes.push(format!(
            "{name} must be {what}; got {}: set to {}",
            shown(x),
            shown(c)
        ));
    }
    c
}

/// `v` as setting `s` can take it: within range (clamped), or `defaults`' value when it is
/// no value of the setting at all; each change is a message in `notes`.
pub fn settle(s: &Setting, v: &Val, defaults: &Config, notes: &mut Vec<String>) -> Val {
    match check(s, v) {
        Ok((v, note)) => {
            notes.extend(note);
            v
        }
        Err(problem) => {
            let d = defaults.get(s.name);
            // What none means for the two frames, in words.
            let instead = match (s.name, &d) {
                ("view", Val::View(None)) => "the data set's own frame is used instead".into(),
                ("norm", Val::View(None)) => "the inputs are used as they are".into(),
                _ => format!("set to {}", value_text(&d)),
            };
            notes.push(format!("{problem}: {instead}"));
            d
        }
    }
}

impl Config {
    /// Brings every field within the table's limits, adding a message per change to `notes`;
    /// a value of the wrong kind (a NaN) takes the default.
    pub fn sanitize(&mut self, notes: &mut Vec<String>) {
        let defaults = Config::default();
        for s in SETTINGS.iter().filter(|s| !s.page_only) {
            let v = settle(s, &self.get(s.name), &defaults, notes);
            self.put(s.name, v);
        }
        self.fit_problem(notes);
    }

    /// Makes the settings agree with the problem: a generated data set decides it (custom
    /// points can be either), regression takes a loss of its own, and hand-placed points
    /// must be labelled as the problem labels them.
    fn fit_problem(&mut self, notes: &mut Vec<String>) {
        if let Some(p) = self.dataset.problem() {
            self.problem = p;
        }
        if self.problem == Problem::Regression && matches!(self.loss, Loss::Hinge | Loss::Bce) {
            // The default (hinge) quietly: a link that names a regression set and no loss.
            if self.loss != Config::default().loss {
                notes.push(format!(
                    "loss: {} is for classification; regression uses mse (or huber)",
                    choices("loss")[self.loss as usize].value
                ));
            }
            self.loss = Loss::Mse;
        }
        let task = self.task();
        let before = self.points.len();
        self.points.retain(|p| match task {
            Task::Regression => true,
            Task::Binary => p[2] == 1.0 || p[2] == -1.0,
            Task::Classes(k) => p[2].fract() == 0.0 && (0.0..k as f64).contains(&p[2]),
        });
        let dropped = before - self.points.len();
        if dropped > 0 {
            let labels = match task {
                Task::Classes(k) => format!("a class from 0 to {}", k - 1),
                _ => "1 or -1".into(),
            };
            notes.push(format!(
                "points: dropped {dropped} whose label is not {labels}"
            ));
        }
    }
}

// ---- the URL hash ----

/// What a link's hash holds: the config, the page's own settings, and a message for each key
/// that was ignored or changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParsedHash {
    pub config: Config,
    pub speed: u32,
    pub discretize: bool,
    pub notices: Vec<String>,
}

/// The most messages one link produces; the rest are counted.
const MAX_NOTICES: usize = 10;

/// `%XX` and `+` decoded as `URLSearchParams` does (bad escapes kept as they are, invalid
/// UTF-8 replaced).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Numbers separated by commas; with `whole`, each written as digits only (and a sign).
fn numbers(t: &str, whole: bool) -> Option<Vec<f64>> {
    let mut out = Vec::new();
    for x in t.split(',').map(str::trim) {
        let digits = x.strip_prefix(['-', '+']).unwrap_or(x);
        if whole && (digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit())) {
            return None;
        }
        out.push(parse_number(x)?);
    }
    Some(out)
}

/// The text of one URL value as a value of its setting's kind (not yet range-checked).
fn parse_text(s: &Setting, raw: &str) -> Option<Val> {
    let t = raw.trim();
    let whole = !matches!(s.kind, Kind::Number | Kind::Points | Kind::View);
    Some(match (&s.kind, numbers(t, whole).as_deref()) {
        (Kind::Choice { .. }, _) => Val::Text(t.into()),
        (Kind::Set { .. }, _) => Val::Names(
            t.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(String::from)
                .collect(),
        ),
        (Kind::Bool, _) => Val::Bool(match t {
            "1" | "true" => true,
            "0" | "false" => false,
            _ => return None,
        }),
        (Kind::IntList, _) if t.is_empty() => Val::List(vec![]),
        (Kind::Points, _) if t.is_empty() => Val::Points(vec![]),
        (Kind::Whole | Kind::Stops { .. } | Kind::Number, Some(&[x])) => Val::Num(x),
        (Kind::IntList, Some(n)) => Val::List(n.to_vec()),
        // A malformed point becomes NaN, which the check drops and counts: the rest are kept.
        (Kind::Points, _) => Val::Points(
            t.split(';')
                .map(|p| match numbers(p, false).as_deref() {
                    Some(&[x, y, label]) => [x, y, label],
                    _ => [f64::NAN; 3],
                })
                .collect(),
        ),
        (Kind::View, Some(&[xmin, xmax, ymin, ymax])) => Val::View(Some(View {
            xmin,
            xmax,
            ymin,
            ymax,
        })),
        _ => return None,
    })
}

/// Reads a link's hash (`#dataset=xor&hidden=8,8`, as `location.hash` gives it). Lenient: an
/// unknown key, a malformed value or a repeated key (the first wins) is ignored, an
/// out-of-range value clamped, each with a message; every valid setting and point is kept.
pub fn parse_hash(hash: &str) -> ParsedHash {
    let text = hash.strip_prefix('#').unwrap_or(hash);
    let mut out = ParsedHash {
        config: Config::default(),
        speed: DEFAULT_SPEED,
        discretize: DEFAULT_DISCRETIZE,
        notices: Vec::new(),
    };
    let notices = &mut Vec::new();
    let limit = crate::playground::MAX_JSON_BYTES;
    if text.len() > limit {
        notices.push(format!(
            "the link's settings are {} bytes; the limit is {limit}: all ignored",
            text.len()
        ));
    } else {
        let mut seen: Vec<String> = Vec::new();
        for pair in text.split('&').filter(|p| !p.is_empty()) {
            let (k, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let (key, raw) = (decode(k), decode(raw));
            if seen.contains(&key) {
                notices.push(format!("{} is given twice: kept the first", echo(&key)));
                continue;
            }
            seen.push(key.clone());
            let Some(s) = find(&key) else {
                notices.push(format!("unknown setting {}: ignored", echo(&key)));
                continue;
            };
            // Refused (malformed, or a view too small): shown as it was written.
            match parse_text(s, &raw).and_then(|v| check(s, &v).ok()) {
                Some((v, note)) => {
                    notices.extend(note);
                    out.put(s.name, v);
                }
                None => notices.push(format!("{}: ignored", s.problem(&echo(&raw)))),
            }
        }
        out.config.fit_problem(notices);
    }
    if notices.len() > MAX_NOTICES {
        let more = notices.len() - MAX_NOTICES + 1;
        notices.truncate(MAX_NOTICES - 1);
        notices.push(format!("and {more} more problems with the link"));
    }
    out.notices = std::mem::take(notices);
    out
}

/// A point coordinate in the URL: 3 decimals, no trailing zeros.
fn coord_text(x: f64) -> String {
    let r = parse_number(&format!("{x:.3}")).unwrap_or(x);
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r}")
    }
}

/// A value as URL text (`16,16`, `0.5,1,-1;...`, `1` for true), before escaping.
fn url_text(v: &Val) -> String {
    let join = |v: Vec<String>, sep: &str| v.join(sep);
    match v {
        // -0 (a config's) as 0.
        Val::Num(x) => shown(x + 0.0),
        Val::Bool(b) => if *b { "1" } else { "0" }.into(),
        Val::Text(t) => t.clone(),
        Val::List(l) => join(l.iter().map(|&x| shown(x)).collect(), ","),
        Val::Points(ps) => join(
            ps.iter()
                .map(|&[x, y, l]| format!("{},{},{}", coord_text(x), coord_text(y), coord_text(l)))
                .collect(),
            ";",
        ),
        Val::View(Some(w)) => join([w.xmin, w.xmax, w.ymin, w.ymax].map(num_text).to_vec(), ","),
        Val::View(None) => String::new(),
        Val::Names(n) => n.join(","),
    }
}

/// Percent-encodes what a fragment must not hold raw; `,` and `;` stay readable.
fn escape(t: &str) -> String {
    let mut out = String::new();
    for b in t.bytes() {
        if b.is_ascii_alphanumeric() || b"*-._,;".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The most hand-placed or imported points a link carries (about 20 KB of text); a larger set
/// stays out of it, with its settings still in.
pub const MAX_LINK_POINTS: usize = 1000;

/// What the page tells when the link cannot hold the run's points (more than
/// [`MAX_LINK_POINTS`]): the link keeps the settings, Export CSV the points.
pub fn link_note(config: &Config) -> Option<String> {
    let n = config.points.len();
    (config.dataset == Dataset::Custom && n > MAX_LINK_POINTS).then(|| {
        format!(
            "The link holds at most {MAX_LINK_POINTS} points: these {n} are not in it, only the settings are. Export CSV keeps the points."
        )
    })
}

/// The hash for a run: `#dataset=moons&n_points=100&...&speed=10&discretize=0`, every key in
/// table order; `points` and `view` only for custom data.
pub fn encode_hash(config: &Config, speed: u32, discretize: bool) -> String {
    let custom = config.dataset == Dataset::Custom;
    let mut parts = Vec::new();
    for s in SETTINGS {
        let v = value(config, speed, discretize, s.name);
        if matches!(s.kind, Kind::Points | Kind::View) && (!custom || v == Val::View(None)) {
            continue;
        }
        // Past the cap the points stay out of the link ([`link_note`] says so).
        if matches!(s.kind, Kind::Points) && config.points.len() > MAX_LINK_POINTS {
            continue;
        }
        parts.push(format!("{}={}", s.name, escape(&url_text(&v))));
    }
    format!("#{}", parts.join("&"))
}
