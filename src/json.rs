//! Reading a saved run (or the page's settings object) into the crate's types, by hand.
//!
//! The text is parsed elsewhere: natively by serde_json ([`Json::parse`]), in the browser by
//! `JSON.parse` (the wasm layer turns its result into a [`Json`]), so the page's wasm carries
//! no JSON parser and no derived deserializers (about 40 KB of it, gzipped). The readers here
//! walk the tree knowing where they are, so every error names its field (`config.hidden[1]`),
//! and the settings go through the same table as links do ([`crate::settings::check`]).

use crate::data::View;
use crate::features::Feature;
use crate::nn::{Activation, Layer, Mlp};
use crate::playground::{Config, SavedState};
use crate::settings::{self, Kind, Val};

/// A JSON value. Numbers are f64 (as in JavaScript; a saved run's counts stay far below 2^53).
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    List(Vec<Json>),
    /// Keys in the order written.
    Obj(Vec<(String, Json)>),
}

/// Containers nested deeper than this are refused (no saved run comes near it), so a crafted
/// file cannot exhaust the stack of the code that converts or reads it.
pub const MAX_DEPTH: usize = 32;

impl Json {
    /// Parses JSON text with serde_json (native callers; the page parses with `JSON.parse`).
    pub fn parse(text: &str) -> Result<Json, String> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Json::from_value(&v, 0)
    }

    fn from_value(v: &serde_json::Value, depth: usize) -> Result<Json, String> {
        use serde_json::Value as V;
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        Ok(match v {
            V::Null => Json::Null,
            V::Bool(b) => Json::Bool(*b),
            V::Number(n) => Json::Num(n.as_f64().unwrap_or(f64::NAN)),
            V::String(s) => Json::Str(s.clone()),
            V::Array(a) => Json::List(
                a.iter()
                    .map(|x| Json::from_value(x, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            V::Object(o) => Json::Obj(
                o.iter()
                    .map(|(k, x)| Ok((k.clone(), Json::from_value(x, depth + 1)?)))
                    .collect::<Result<_, String>>()?,
            ),
        })
    }

    /// What kind of value this is, in words (for errors).
    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "true or false",
            Json::Num(_) => "a number",
            Json::Str(_) => "text",
            Json::List(_) => "a list",
            Json::Obj(_) => "an object",
        }
    }
}

pub fn too_deep() -> String {
    format!("nested more than {MAX_DEPTH} levels deep")
}

/// `at`'s error: `"{at}: expected {want}, found {what j is}"`.
fn expected(at: &str, want: &str, j: &Json) -> String {
    format!("{at}: expected {want}, found {}", j.kind())
}

fn fields<'j>(j: &'j Json, at: &str) -> Result<&'j [(String, Json)], String> {
    match j {
        Json::Obj(f) => Ok(f),
        _ => Err(expected(at, "an object", j)),
    }
}

fn field<'j>(f: &'j [(String, Json)], name: &str) -> Option<&'j Json> {
    f.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// Refuses any key of `f` not in `known` (a misspelt field would otherwise be lost quietly).
fn only(f: &[(String, Json)], known: &[&str], at: &str) -> Result<(), String> {
    match f.iter().find(|(k, _)| !known.contains(&k.as_str())) {
        Some((k, _)) => Err(format!(
            "{}unknown field {}, expected one of {}",
            prefix(at),
            settings::echo(k),
            known.join(", ")
        )),
        None => Ok(()),
    }
}

fn prefix(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("{at}: ")
    }
}

/// `at` and a dot, to put before a setting's message (`config.`), or nothing at the top.
fn dotted(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("{at}.")
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

fn num(j: &Json, at: &str) -> Result<f64, String> {
    match j {
        Json::Num(x) if x.is_finite() => Ok(*x),
        _ => Err(expected(at, "a finite number", j)),
    }
}

/// A whole number from 0 to `most`.
fn whole(j: &Json, at: &str, most: f64) -> Result<f64, String> {
    match j {
        Json::Num(x) if x.fract() == 0.0 && (0.0..=most).contains(x) => Ok(*x),
        _ => Err(format!(
            "{at}: expected a whole number from 0 to {}, found {}",
            settings::num_text(most),
            shown(j)
        )),
    }
}

fn text<'j>(j: &'j Json, at: &str) -> Result<&'j str, String> {
    match j {
        Json::Str(s) => Ok(s),
        _ => Err(expected(at, "text", j)),
    }
}

fn list<'j>(j: &'j Json, at: &str) -> Result<&'j [Json], String> {
    match j {
        Json::List(l) => Ok(l),
        _ => Err(expected(at, "a list", j)),
    }
}

/// A value as a person would read it in an error (text quoted and shortened).
fn shown(j: &Json) -> String {
    match j {
        Json::Num(x) => settings::num_text(*x),
        Json::Str(s) => settings::echo(s),
        other => other.kind().to_string(),
    }
}

/// `j` as a value of setting `s`'s type (what its field in [`Config`] can hold), or the
/// message saying what it should be: for a list, about its first item that is not one
/// (`hidden[1] must be a whole number from 1 to 32; got "x"`). Only the type is checked
/// here: ranges and limits are [`settings::settle`]'s.
fn typed(s: &settings::Setting, j: &Json) -> Result<Val, String> {
    // What was given, as `shown` writes it, a number in quotes too (as links echo it).
    let got = |x: &Json| match x {
        Json::Num(v) => settings::echo(&settings::num_text(*v)),
        other => shown(other),
    };
    let whole = |x: &Json| match x {
        Json::Num(v) if v.fract() == 0.0 && *v >= 0.0 => Some(*v),
        _ => None,
    };
    let named = |x: &Json| match (x, &s.kind) {
        (Json::Str(t), Kind::Choice { choices } | Kind::Set { choices })
            if choices.iter().any(|c| c.value == t) =>
        {
            Some(t.clone())
        }
        _ => None,
    };
    let point = |p: &Json| match p {
        Json::List(xs) => match xs.as_slice() {
            [Json::Num(x), Json::Num(y), Json::Num(label)] => Some([*x, *y, *label]),
            _ => None,
        },
        _ => None,
    };
    let r = s.range.map_or((0.0, 0.0), |r| (r.min, r.max));
    let (lo, hi) = (settings::num_text(r.0), settings::num_text(r.1));
    let v = match (&s.kind, j) {
        (Kind::Whole, _) => whole(j).map(Val::Num),
        (Kind::Number, Json::Num(x)) if x.is_finite() => Some(Val::Num(*x)),
        (Kind::Bool, Json::Bool(b)) => Some(Val::Bool(*b)),
        (Kind::Choice { .. }, _) => named(j).map(Val::Text),
        (Kind::IntList | Kind::Points | Kind::Set { .. }, Json::List(l)) => {
            // Every item read as the list's kind, or the first that is not, by its index.
            let (mut nums, mut points, mut names) = (Vec::new(), Vec::new(), Vec::new());
            for (i, x) in l.iter().enumerate() {
                let ok = match &s.kind {
                    Kind::IntList => whole(x).map(|v| nums.push(v)),
                    Kind::Points => point(x).map(|p| points.push(p)),
                    _ => named(x).map(|n| names.push(n)),
                };
                if ok.is_none() {
                    let what = match &s.kind {
                        Kind::IntList => format!("a whole number from {lo} to {hi}"),
                        Kind::Points => "a point [x, y, label] of three numbers".into(),
                        Kind::Set { choices } | Kind::Choice { choices } => {
                            let names: Vec<&str> = choices.iter().map(|c| c.value).collect();
                            format!("one of {}", names.join(", "))
                        }
                        _ => String::new(),
                    };
                    return Err(format!("{}[{i}] must be {what}; got {}", s.name, got(x)));
                }
            }
            Some(match s.kind {
                Kind::IntList => Val::List(nums),
                Kind::Points => Val::Points(points),
                _ => Val::Names(names),
            })
        }
        (Kind::View, Json::Null) => Some(Val::View(None)),
        (Kind::View, Json::Obj(_)) => view(j, "").ok().map(|v| Val::View(Some(v))),
        _ => None,
    };
    v.ok_or_else(|| s.problem(&got(j)))
}

/// A frame `{xmin, xmax, ymin, ymax}` of finite numbers (its extent is checked by whoever
/// uses it: the settings table for a config's view, [`Mlp::validate`] for a model's norm).
fn view(j: &Json, at: &str) -> Result<View, String> {
    let f = fields(j, at)?;
    only(f, &["xmin", "xmax", "ymin", "ymax"], at)?;
    let side = |k: &str| {
        let at = join(at, k);
        field(f, k)
            .ok_or_else(|| format!("{at}: missing"))
            .and_then(|x| num(x, &at))
    };
    Ok(View {
        xmin: side("xmin")?,
        xmax: side("xmax")?,
        ymin: side("ymin")?,
        ymax: side("ymax")?,
    })
}

/// A config from an object of settings (the saved run's `config`, or the page's settings):
/// missing settings keep their defaults. A key that is no setting, or a value its field cannot
/// hold, is refused naming it in the table's words (`config.n_points must be a whole number
/// from 10 to 5000; got "-5"`); a value out of range is brought in, as a link's is, with a
/// message in the notes returned.
pub fn config(j: &Json, at: &str) -> Result<(Config, Vec<String>), String> {
    let defaults = Config::default();
    let mut config = defaults.clone();
    let mut notes = Vec::new();
    for (key, v) in fields(j, at)? {
        let s = settings::find(key)
            .filter(|s| !s.page_only)
            .ok_or_else(|| format!("{}{} is not a setting", dotted(at), settings::echo(key)))?;
        let v = typed(s, v).map_err(|e| format!("{}{e}", dotted(at)))?;
        config.put(s.name, settings::settle(s, &v, &defaults, &mut notes));
    }
    Ok((config, notes))
}

/// The choice of setting `name` that `j` names, as the index of its variant.
fn choice(j: &Json, name: &str, at: &str) -> Result<usize, String> {
    let t = text(j, at)?;
    let s = settings::find(name).expect("a setting of the table");
    match &s.kind {
        Kind::Choice { choices } | Kind::Set { choices } => {
            choices.iter().position(|c| c.value == t).ok_or_else(|| {
                format!(
                    "{at}: {} is not one of {}",
                    shown(j),
                    choices
                        .iter()
                        .map(|c| c.value)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        }
        _ => unreachable!("{name} is a choice"),
    }
}

/// A model as [`Mlp`]'s fields are written (`layers`, `params`, `features`, `norm`); its shape
/// is checked by [`Mlp::validate`].
pub fn model(j: &Json, at: &str) -> Result<Mlp, String> {
    let f = fields(j, at)?;
    only(f, &["layers", "params", "features", "norm"], at)?;
    let need = |k: &str| field(f, k).ok_or_else(|| format!("{at}: missing field {k}"));
    let layers_at = join(at, "layers");
    let layers = list(need("layers")?, &layers_at)?
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let at = format!("{layers_at}[{i}]");
            let lf = fields(l, &at)?;
            only(lf, &["nin", "nout", "activation"], &at)?;
            let get = |k: &str| field(lf, k).ok_or_else(|| format!("{at}: missing field {k}"));
            // Wider than any network the page builds, small enough to never overflow a count.
            let most = 1e6;
            Ok(Layer {
                nin: whole(get("nin")?, &join(&at, "nin"), most)? as usize,
                nout: whole(get("nout")?, &join(&at, "nout"), most)? as usize,
                activation: Activation::ALL
                    [choice(get("activation")?, "activation", &join(&at, "activation"))?],
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let params_at = join(at, "params");
    let params = list(need("params")?, &params_at)?
        .iter()
        .enumerate()
        .map(|(i, p)| num(p, &format!("{params_at}[{i}]")))
        .collect::<Result<Vec<_>, String>>()?;
    let features = match field(f, "features") {
        // Files saved before features existed: x1 and x2.
        None => Feature::XY.to_vec(),
        Some(fs) => {
            let fat = join(at, "features");
            list(fs, &fat)?
                .iter()
                .enumerate()
                .map(|(i, x)| Ok(Feature::ALL[choice(x, "features", &format!("{fat}[{i}]"))?]))
                .collect::<Result<Vec<_>, String>>()?
        }
    };
    let norm = match field(f, "norm") {
        None | Some(Json::Null) => None,
        Some(n) => Some(view(n, &join(at, "norm"))?),
    };
    Ok(Mlp {
        layers,
        params,
        features,
        norm,
    })
}

/// A saved run (see [`crate::playground::Playground::saved_state`]) and the notes of its
/// config's values brought into range; `most_step` and `most_samples` bound its counts.
pub fn saved_state(
    j: &Json,
    most_step: f64,
    most_samples: f64,
) -> Result<(SavedState, Vec<String>), String> {
    let f = fields(j, "")?;
    only(
        f,
        &["format", "config", "model", "step", "samples_seen"],
        "",
    )?;
    let need = |k: &str| field(f, k).ok_or_else(|| format!("missing field {k}"));
    let format = text(need("format")?, "format")?.to_string();
    let (config, notes) = config(need("config")?, "config")?;
    let count = |k: &str, most: f64| match field(f, k) {
        None => Ok(0),
        Some(x) => whole(x, k, most).map(|x| x as u64),
    };
    let saved = SavedState {
        format,
        config,
        model: model(need("model")?, "model")?,
        step: count("step", most_step)?,
        samples_seen: count("samples_seen", most_samples)?,
    };
    Ok((saved, notes))
}
