//! Every setting of the page, declared once as data: its URL key (the config's serde name),
//! kind, range, default, slider scale and step, whether it acts live or rebuilds the network,
//! and the label and help text its control shows. Sanitising a [`Config`], every live setter
//! of the playground and the URL hash codec ([`parse_hash`], [`encode_hash`]) go through this
//! table, and the page receives it as plain data ([`table`]), so a limit lives in one place.

use crate::data::{Dataset, View};
use crate::playground::Config;
use serde::Serialize;
use serde_json::{Map, Value};

/// One setting. Its default is not here: it comes from [`Config::default`] (see [`table`]).
#[derive(Debug, Serialize)]
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
                choice("custom", "custom", "Your own points: click the plot to add them (choosing this keeps the current points so you can edit them)"),
            ],
        },
        label: "Dataset",
        help: "The points the network learns to separate; regenerates the data",
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
        name: "activation",
        kind: Kind::Choice {
            choices: &[
                choice("relu", "ReLU", "max(0, x)"),
                choice("tanh", "tanh", "the hyperbolic tangent, from -1 to 1"),
                choice("sigmoid", "sigmoid", "1 / (1 + e^-x), from 0 to 1"),
                choice("linear", "none (linear)", "no nonlinearity: the network is a linear model"),
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
            ],
        },
        label: "Loss",
        help: "What training minimises: hinge (micrograd's max-margin), cross-entropy, or squared error",
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

/// Every setting's default, by name: [`Config::default`] and the page's own.
fn defaults() -> Map<String, Value> {
    let mut m = match serde_json::to_value(Config::default()) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    m.insert("speed".into(), DEFAULT_SPEED.into());
    m.insert("discretize".into(), DEFAULT_DISCRETIZE.into());
    m
}

/// A setting with its default, as the page receives it.
#[derive(Serialize)]
pub struct Entry {
    #[serde(flatten)]
    pub setting: &'static Setting,
    pub default: Value,
}

/// The table with defaults filled in, in URL order.
pub fn table() -> Vec<Entry> {
    let d = defaults();
    SETTINGS
        .iter()
        .map(|s| Entry {
            setting: s,
            default: d.get(s.name).cloned().unwrap_or(Value::Null),
        })
        .collect()
}

// ---- text for people ----

/// A number in at most 6 significant digits, plain between 1e-6 and 1e21 (as JavaScript
/// prints it), otherwise with an exponent: `0.0316`, `1000000000`, `1e308`.
pub fn num_text(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "infinity" } else { "-infinity" }.into();
    }
    let r: f64 = format!("{x:.5e}").parse().unwrap_or(x);
    if r == 0.0 {
        "0".into()
    } else if (1e-6..1e21).contains(&r.abs()) {
        format!("{r}")
    } else {
        format!("{r:e}")
    }
}

/// Unicode's bidirectional controls: echoed, they would reorder the text around them.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
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

/// A number as a message shows it: whole numbers up to 10^16 in full (a seed or a count that
/// is 6-digit rounded would read as another number), the rest as [`num_text`].
fn shown(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e16 {
        format!("{x:.0}")
    } else {
        num_text(x)
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "a value that is not a finite number".into(),
        Value::Number(n) => shown(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => echo(s),
        v => echo(&v.to_string()),
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
        let (lo, hi) = (num_text(r.min), num_text(r.max));
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
                "points x,y,label separated by ';', label 1 or -1, coordinates from {lo} to {hi}"
            ),
            Kind::View => format!(
                "xmin,xmax,ymin,ymax from {lo} to {hi}, each side at least {} wide",
                num_text(VIEW_MIN_WIDTH)
            ),
            Kind::Stops { stops } => {
                let s: Vec<String> = stops.iter().map(|s| s.to_string()).collect();
                format!("one of {}", s.join(", "))
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
    fn problem(&self, got: &str) -> String {
        format!("{} must be {}; got {got}", self.name, self.describe())
    }
}

/// Checks `v` against setting `s`. A value of the right kind comes back within range, with a
/// message when it had to be changed; anything else is an error (a message that the caller
/// ends with what it did instead).
pub fn check(s: &Setting, v: &Value) -> Result<(Value, Vec<String>), String> {
    let bad = || s.problem(&value_text(v));
    match s.kind {
        Kind::Choice { choices } => match v.as_str() {
            Some(t) if choices.iter().any(|c| c.value == t) => Ok((v.clone(), vec![])),
            _ => Err(bad()),
        },
        Kind::Bool => v.as_bool().map(|b| (b.into(), vec![])).ok_or_else(bad),
        Kind::Number => {
            let x = v.as_f64().filter(|x| x.is_finite()).ok_or_else(bad)?;
            let (c, notes) = clamp(s.name, &s.describe(), s.range(), x);
            Ok((c.into(), notes))
        }
        Kind::Whole => {
            let x = whole(v).ok_or_else(bad)?;
            let (c, notes) = clamp(s.name, &s.describe(), s.range(), x);
            Ok(((c as u64).into(), notes))
        }
        Kind::Stops { stops } => {
            let x = whole(v).ok_or_else(bad)?;
            // The largest stop not above x (the slowest stop below the first).
            let c = stops
                .iter()
                .rev()
                .find(|&&t| t as f64 <= x)
                .unwrap_or(&stops[0]);
            let notes = (*c as f64 != x).then(|| format!("{}: set to {c}", bad()));
            Ok(((*c).into(), notes.into_iter().collect()))
        }
        Kind::IntList => {
            let list = v.as_array().ok_or_else(bad)?;
            let mut notes = Vec::new();
            let max = s.count().max as usize;
            if list.len() > max {
                notes.push(format!(
                    "{}: {} layers is more than {max}; kept the first {max}",
                    s.name,
                    list.len()
                ));
            }
            let r = s.range();
            let what = format!(
                "a whole number from {} to {}",
                num_text(r.min),
                num_text(r.max)
            );
            let mut out = Vec::new();
            for (i, item) in list.iter().take(max).enumerate() {
                let name = format!("{}[{i}]", s.name);
                let x = whole(item)
                    .ok_or_else(|| format!("{name} must be {what}; got {}", value_text(item)))?;
                let (c, note) = clamp(&name, &what, r, x);
                notes.extend(note);
                out.push(Value::from(c as u64));
            }
            Ok((Value::Array(out), notes))
        }
        Kind::Points => {
            let list = v.as_array().ok_or_else(bad)?;
            let r = s.range();
            let max = s.count().max as usize;
            let mut notes = Vec::new();
            if list.len() > max {
                notes.push(format!(
                    "{}: {} is more than {max}; kept the first {max}",
                    s.name,
                    list.len()
                ));
            }
            let ok = |p: &Value| -> Option<Value> {
                let p = p.as_array().filter(|p| p.len() == 3)?;
                let n: Vec<f64> = p.iter().map(|x| x.as_f64()).collect::<Option<_>>()?;
                let inside = n[..2].iter().all(|x| (r.min..=r.max).contains(x));
                (inside && (n[2] == 1.0 || n[2] == -1.0)).then(|| Value::from(n))
            };
            let kept: Vec<Value> = list.iter().take(max).filter_map(ok).collect();
            let dropped = list.len().min(max) - kept.len();
            if dropped > 0 {
                notes.push(format!(
                    "{}: dropped {dropped} not written as {}",
                    s.name,
                    s.describe().trim_start_matches("points ")
                ));
            }
            Ok((Value::Array(kept), notes))
        }
        Kind::View => {
            if v.is_null() {
                return Ok((Value::Null, vec![]));
            }
            let view: View = crate::playground::from_value(v).map_err(|_| bad())?;
            let r = s.range();
            let ok = [view.xmin, view.xmax, view.ymin, view.ymax]
                .iter()
                .all(|x| (r.min..=r.max).contains(x))
                && view.xmax - view.xmin >= VIEW_MIN_WIDTH
                && view.ymax - view.ymin >= VIEW_MIN_WIDTH;
            if ok {
                Ok((v.clone(), vec![]))
            } else {
                Err(bad())
            }
        }
    }
}

/// A whole number as f64 (so that 2^32 or 2^53 is seen as what it is, never wrapped).
fn whole(v: &Value) -> Option<f64> {
    v.as_f64().filter(|x| x.is_finite() && x.fract() == 0.0)
}

/// `x` within `r`, and the message saying so when it was not.
fn clamp(name: &str, what: &str, r: Range, x: f64) -> (f64, Vec<String>) {
    let c = x.clamp(r.min, r.max);
    let notes = (c != x).then(|| {
        format!(
            "{name} must be {what}; got {}: set to {}",
            shown(x),
            shown(c)
        )
    });
    (c, notes.into_iter().collect())
}

impl Config {
    /// Brings every field within the table's limits, adding a message per change to `notes`;
    /// a value of the wrong kind (a NaN) takes the default.
    pub fn sanitize(&mut self, notes: &mut Vec<String>) {
        let Ok(Value::Object(mut map)) = serde_json::to_value(&*self) else {
            return;
        };
        let defaults = defaults();
        for s in SETTINGS.iter().filter(|s| !s.page_only) {
            let v = map.get(s.name).cloned().unwrap_or(Value::Null);
            let v = match check(s, &v) {
                Ok((v, note)) => {
                    notes.extend(note);
                    v
                }
                Err(problem) => {
                    let d = defaults.get(s.name).cloned().unwrap_or(Value::Null);
                    notes.push(format!("{problem}: set to {}", value_text(&d)));
                    d
                }
            };
            map.insert(s.name.into(), v);
        }
        match crate::playground::from_value(&Value::Object(map)) {
            Ok(c) => *self = c,
            Err(e) => notes.push(format!("settings: {e}")),
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

/// The text of one URL value as a JSON value of its setting's kind (not yet range-checked).
fn parse_text(s: &Setting, raw: &str) -> Result<Value, String> {
    let bad = || s.problem(&echo(raw));
    let t = raw.trim();
    let whole = |t: &str| -> Option<f64> {
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        (!digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let number = |t: &str| -> Option<f64> { t.parse::<f64>().ok().filter(|x| x.is_finite()) };
    match s.kind {
        Kind::Choice { .. } => Ok(Value::from(t)),
        Kind::Whole | Kind::Stops { .. } => whole(t).map(Value::from).ok_or_else(bad),
        Kind::Number => number(t).map(Value::from).ok_or_else(bad),
        Kind::Bool => match t {
            "1" | "true" => Ok(true.into()),
            "0" | "false" => Ok(false.into()),
            _ => Err(bad()),
        },
        Kind::IntList if t.is_empty() => Ok(Value::Array(vec![])),
        Kind::IntList => t
            .split(',')
            .map(|p| whole(p.trim()).map(Value::from))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array)
            .ok_or_else(bad),
        Kind::Points if t.is_empty() => Ok(Value::Array(vec![])),
        // A malformed point becomes null, which the check drops and counts: the rest are kept.
        Kind::Points => Ok(Value::Array(
            t.split(';')
                .map(|p| {
                    let n: Option<Vec<f64>> = p.split(',').map(|x| number(x.trim())).collect();
                    n.filter(|n| n.len() == 3).map_or(Value::Null, Value::from)
                })
                .collect(),
        )),
        Kind::View => {
            let n: Vec<f64> = t
                .split(',')
                .map(|x| number(x.trim()))
                .collect::<Option<_>>()
                .filter(|n: &Vec<f64>| n.len() == 4)
                .ok_or_else(bad)?;
            Ok(serde_json::json!({ "xmin": n[0], "xmax": n[1], "ymin": n[2], "ymax": n[3] }))
        }
    }
}

/// Reads a link's hash (`#dataset=xor&hidden=8,8`, as `location.hash` gives it). Lenient: an
/// unknown key, a malformed value or a repeated key (the first wins) is ignored, an
/// out-of-range value clamped, each with a message; every valid setting and point is kept.
pub fn parse_hash(hash: &str) -> ParsedHash {
    let text = hash.strip_prefix('#').unwrap_or(hash);
    let mut values = defaults();
    let mut notices = Vec::new();
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
            match parse_text(s, &raw).map(|v| check(s, &v)) {
                Ok(Ok((v, note))) => {
                    notices.extend(note);
                    values.insert(s.name.into(), v);
                }
                // Refused after parsing (a view too small): show the text as it was written.
                Ok(Err(_)) => notices.push(format!("{}: ignored", s.problem(&echo(&raw)))),
                Err(problem) => notices.push(format!("{problem}: ignored")),
            }
        }
    }
    if notices.len() > MAX_NOTICES {
        let more = notices.len() - MAX_NOTICES + 1;
        notices.truncate(MAX_NOTICES - 1);
        notices.push(format!("and {more} more problems with the link"));
    }
    let speed = values.remove("speed").and_then(|v| v.as_u64());
    let discretize = values.remove("discretize").and_then(|v| v.as_bool());
    // Every value was checked against its setting, so this cannot fail; if it did, the
    // defaults are a working page.
    let config = crate::playground::from_value(&Value::Object(values)).unwrap_or_else(|e| {
        notices.push(format!("the link's settings could not be used ({e})"));
        Config::default()
    });
    ParsedHash {
        config,
        speed: speed.map_or(DEFAULT_SPEED, |s| s as u32),
        discretize: discretize.unwrap_or(DEFAULT_DISCRETIZE),
        notices,
    }
}

/// A point coordinate in the URL: 3 decimals, no trailing zeros.
fn coord_text(x: f64) -> String {
    let r: f64 = format!("{x:.3}").parse().unwrap_or(x);
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r}")
    }
}

/// `value` as URL text for setting `s` (`hidden=16,16`, `points=0.5,1,-1;...`).
fn value_url_text(s: &Setting, v: &Value) -> String {
    let nums = |v: &Value| -> Vec<f64> {
        v.as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    match (&s.kind, v) {
        (Kind::Bool, v) => if v.as_bool() == Some(true) { "1" } else { "0" }.into(),
        (Kind::Number, Value::Number(n)) => num_text(n.as_f64().unwrap_or(0.0)),
        (Kind::IntList, v) => {
            let n: Vec<String> = nums(v).iter().map(|x| x.to_string()).collect();
            n.join(",")
        }
        (Kind::Points, Value::Array(ps)) => {
            let p: Vec<String> = ps
                .iter()
                .map(|p| {
                    let n = nums(p);
                    let label = if n.get(2).is_some_and(|&l| l > 0.0) {
                        1
                    } else {
                        -1
                    };
                    let (x, y) = (n.first().copied(), n.get(1).copied());
                    format!(
                        "{},{},{label}",
                        coord_text(x.unwrap_or(0.0)),
                        coord_text(y.unwrap_or(0.0))
                    )
                })
                .collect();
            p.join(";")
        }
        (Kind::View, Value::Object(o)) => {
            let n: Vec<String> = ["xmin", "xmax", "ymin", "ymax"]
                .iter()
                .map(|k| num_text(o.get(*k).and_then(Value::as_f64).unwrap_or(0.0)))
                .collect();
            n.join(",")
        }
        (_, Value::String(t)) => t.clone(),
        (_, v) => v.to_string(),
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

/// The hash for a run: `#dataset=moons&n_points=100&...&speed=10&discretize=0`, every key in
/// table order; `points` and `view` only for custom data.
pub fn encode_hash(config: &Config, speed: u32, discretize: bool) -> String {
    let mut values = match serde_json::to_value(config) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    values.insert("speed".into(), speed.into());
    values.insert("discretize".into(), discretize.into());
    let custom = config.dataset == Dataset::Custom;
    let mut parts = Vec::new();
    for s in SETTINGS {
        let Some(v) = values.get(s.name) else {
            continue;
        };
        if matches!(s.kind, Kind::Points | Kind::View) && (!custom || v.is_null()) {
            continue;
        }
        parts.push(format!("{}={}", s.name, escape(&value_url_text(s, v))));
    }
    format!("#{}", parts.join("&"))
}
