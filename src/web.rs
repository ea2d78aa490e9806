//! The wasm boundary: `#[wasm_bindgen]` types that convert between JavaScript and Rust and call
//! the core ([`crate::playground`]). No math happens here, and no DOM: the page's JavaScript
//! draws and handles input.

use crate::graphview;
use crate::json::{self, Json};
use crate::playground::{self, Config};
use crate::settings::Val;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The page's allocator (see Cargo.toml): Talc instead of dlmalloc, for a smaller bundle.
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Installs a panic hook that hands the message to the page (`globalThis.micrograd_panic`,
/// which shows a banner) and to the console, so a bug is never a silent dead page.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        let global = js_sys::global();
        if let Ok(f) = js_sys::Reflect::get(&global, &JsValue::from_str("micrograd_panic")) {
            if let Some(f) = f.dyn_ref::<js_sys::Function>() {
                let _ = f.call1(&JsValue::NULL, &JsValue::from_str(&msg));
            }
        }
        web_sys::console::error_1(&JsValue::from_str(&msg));
    }));
}

/// Milliseconds from the page's (or the worker's) clock: `performance` is a global in both,
/// while `window` exists only in the page.
#[cfg(feature = "testing")]
fn performance_now() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}

/// Panics on purpose, so tests can check that the panic hook shows the message.
#[cfg(feature = "testing")]
#[wasm_bindgen]
pub fn debug_panic(message: &str) {
    panic!("{message}");
}

/// A Rust value as a plain JS object (maps as objects, `None` as null).
fn to_js<T: Serialize>(v: &T) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// A value of `JSON.parse` (or a plain object of the page's) as a [`Json`] tree for the
/// readers of [`crate::json`]: `undefined` and functions are null, nesting is bounded.
fn json_of(v: &JsValue, depth: usize) -> Result<Json, String> {
    if depth > json::MAX_DEPTH {
        return Err(json::too_deep());
    }
    let inner = |x: &JsValue| json_of(x, depth + 1);
    Ok(if let Some(x) = v.as_f64() {
        Json::Num(x)
    } else if let Some(b) = v.as_bool() {
        Json::Bool(b)
    } else if let Some(t) = v.as_string() {
        Json::Str(t)
    } else if js_sys::Array::is_array(v) {
        let items = js_sys::Array::from(v);
        Json::List(items.iter().map(|x| inner(&x)).collect::<Result<_, _>>()?)
    } else if v.is_object() {
        let entries = js_sys::Object::entries(v.unchecked_ref());
        Json::Obj(
            entries
                .iter()
                .map(|e| {
                    let e = js_sys::Array::from(&e);
                    Ok((e.get(0).as_string().unwrap_or_default(), inner(&e.get(1))?))
                })
                .collect::<Result<_, String>>()?,
        )
    } else {
        Json::Null
    })
}

fn err(msg: impl Into<String>) -> JsError {
    JsError::new(&msg.into())
}

/// Times micrograd's demo step (the golden workload, `golden_json`: the text of
/// tests/golden/micrograd_demo.json) in wasm, as the criterion benchmark does natively:
/// microseconds per step over `steps` steps, on the recorded tape or (`dynamic`) rebuilding the
/// graph each step.
#[cfg(feature = "testing")]
#[wasm_bindgen]
pub fn bench_demo_step(golden_json: &str, steps: usize, dynamic: bool) -> Result<f64, JsError> {
    let golden = crate::golden::Golden::parse(golden_json).map_err(err)?;
    Ok(crate::bench::demo_step_us(
        &golden,
        steps,
        dynamic,
        crate::tape::Kernels::best(),
        performance_now,
    ))
}

/// Times the page's boundary grid (`resolution`^2 cells, default playground model) in wasm:
/// milliseconds per grid over `reps` grids.
#[cfg(feature = "testing")]
#[wasm_bindgen]
pub fn bench_boundary(resolution: usize, reps: usize) -> f64 {
    crate::bench::boundary_ms(resolution, reps, performance_now)
}

/// The guided examples: `[{ name, inputs: [[label, default], ...] }, ...]`.
#[wasm_bindgen]
pub fn graph_examples() -> JsValue {
    #[derive(Serialize)]
    struct Example {
        name: &'static str,
        inputs: Vec<(&'static str, f64)>,
    }
    let list: Vec<Example> = graphview::EXAMPLES
        .iter()
        .map(|&name| Example {
            name,
            inputs: graphview::example_inputs(name).unwrap_or_default(),
        })
        .collect();
    to_js(&list)
}

/// A guided example built with `inputs` (defaults where missing), after `backward()`:
/// `{ title, nodes: [{ id, kind: "value"|"op", label, op, data, grad, col, row, editable }],
/// edges: [{ from, to }], forward: [{ node, op_node, inputs, data }], backward: [{ node,
/// op_node, grad, edges: [{ operand, local, product, grad_after }] }], columns, rows, dot }`.
#[wasm_bindgen]
pub fn graph_example(name: &str, inputs: Vec<f64>) -> Result<JsValue, JsError> {
    graphview::example_view(name, &inputs)
        .map(|v| to_js(&v))
        .ok_or_else(|| err(format!("no example named \"{name}\"")))
}

/// A typed expression's graph (see `expr`), after `backward()`: `{ view, inputs: [[name,
/// value], ...] }`, the view as [`graph_example`] gives it, its names as editable inputs
/// (`inputs[i]` for the i-th name; 1 where missing). Refused with the column and the reason.
#[wasm_bindgen]
pub fn graph_expression(text: &str, inputs: Vec<f64>) -> Result<JsValue, JsError> {
    #[derive(serde::Serialize)]
    struct Typed {
        view: graphview::GraphView,
        inputs: Vec<(String, f64)>,
    }
    let (view, inputs) =
        graphview::expression_view(text, &inputs).map_err(|e| err(e.to_string()))?;
    Ok(to_js(&Typed { view, inputs }))
}

/// The live playground the page drives.
#[wasm_bindgen]
pub struct Playground {
    inner: playground::Playground,
}

#[wasm_bindgen]
impl Playground {
    /// Builds from a config object (missing fields take defaults; unknown or mistyped fields are
    /// refused with an error naming them; out-of-range values are clamped with a notice).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Playground, JsError> {
        let inner = if config.is_undefined() || config.is_null() {
            playground::Playground::new(Config::default())
        } else {
            json_of(&config, 0)
                .map_err(|e| format!("settings: {e}"))
                .and_then(|j| playground::Playground::from_settings(&j))
                .map_err(err)?
        };
        Ok(Playground { inner })
    }

    /// The URL hash (with its `#`) of the current config and the page's `speed` and
    /// `discretize` settings: a link that reproduces this run.
    pub fn hash(&self, speed: u32, discretize: bool) -> String {
        crate::settings::encode_hash(self.inner.config(), speed, discretize)
    }

    /// Why the link leaves the points out, if it does (more than a link holds).
    pub fn link_note(&self) -> Option<String> {
        crate::settings::link_note(self.inner.config())
    }

    /// The full current config (with live changes and hand-placed points).
    pub fn config(&self) -> JsValue {
        to_js(self.inner.config())
    }

    /// Runs up to `n` training steps without computing the stats; returns how many ran (fewer
    /// than `n` once training diverges). The worker trains in chunks with this.
    pub fn train(&mut self, n: usize) -> usize {
        self.inner.train(n)
    }

    /// Loss and accuracy on the training and test points now, without training.
    pub fn stats(&mut self) -> JsValue {
        to_js(&self.inner.stats())
    }

    pub fn view(&self) -> JsValue {
        to_js(&self.inner.view())
    }

    /// Fills the boundary grid and returns a pointer to its `resolution * resolution` f32s in
    /// wasm memory (no copy): build a `Float32Array` over `memory.buffer` right away.
    pub fn boundary(&mut self, resolution: usize) -> *const f32 {
        self.inner.boundary(resolution).as_ptr()
    }

    /// The points as `[x, y, label, is_test]` per point (a copy; points are few).
    pub fn points(&self) -> Vec<f32> {
        self.inner
            .points()
            .iter()
            .flat_map(|p| [p.x as f32, p.y as f32, p.label as f32, p.test as u8 as f32])
            .collect()
    }

    /// Changes a live setting (`learning_rate`, `l2`, `optimizer`, `momentum`, `batch_size`,
    /// `lr_decay`) on the running network; a value out of range is clamped with a notice, one
    /// of the wrong kind refused with the reason. A divergence stop is lifted.
    pub fn set(&mut self, name: &str, value: JsValue) -> Result<(), JsError> {
        // The page sends numbers, booleans and choice names; anything else is refused by the
        // table's check with the setting's name.
        let value = if let Some(x) = value.as_f64() {
            Val::Num(x)
        } else if let Some(b) = value.as_bool() {
            Val::Bool(b)
        } else {
            Val::Text(value.as_string().unwrap_or_else(|| "[not a value]".into()))
        };
        self.inner.set_val(name, value).map_err(err)
    }

    /// The config of a run on a CSV file's points (custom data, the file's problem, classes
    /// and split, a fitted view, normalised inputs) and the reader's notes, as `{ config,
    /// notes }`; build a new Playground from the config. Refused with the line and column.
    pub fn import_csv(&self, text: &str) -> Result<JsValue, JsError> {
        #[derive(serde::Serialize)]
        struct Imported {
            config: Config,
            notes: Vec<String>,
        }
        let (config, notes) = self.inner.import_csv(text).map_err(err)?;
        Ok(to_js(&Imported { config, notes }))
    }

    /// The points as CSV: `x1,x2,label,split`, one row per point.
    pub fn export_csv(&self) -> String {
        self.inner.export_csv()
    }

    /// Every unit's `res * res` grid over the view (the features, then each layer's neurons;
    /// after the activation, or the weighted sums with `pre`), in wasm memory like
    /// [`Playground::boundary`]; `units()` grids of `res * res` f32s.
    pub fn unit_grids(&mut self, res: usize, pre: bool) -> *const f32 {
        self.inner.unit_grids(res, pre).as_ptr()
    }

    /// How many grids [`Playground::unit_grids`] gives: inputs plus neurons.
    pub fn units(&self) -> usize {
        self.inner.model().units()
    }

    /// Where neurons `a` and `b` of layer `layer` put the points and the view's grid lines:
    /// `{ points: [a, b, ...], labels, lines: [[a0, b0, ...], ...] }`, or undefined.
    pub fn hidden_space(&mut self, layer: usize, a: usize, b: usize, lines: usize) -> JsValue {
        self.inner
            .hidden_space(layer, a, b, lines)
            .map_or(JsValue::UNDEFINED, |h| to_js(&h))
    }

    /// Neuron `index` of layer `layer` for the inspector, on point `point`: `{ layer, index,
    /// activation, inputs, sum, output, params: [{ index, value, grad, velocity,
    /// adam_sqrt_v }] }` (weights, then the bias), or undefined.
    pub fn neuron_info(&self, layer: usize, index: usize, point: usize) -> JsValue {
        self.inner
            .neuron_info(layer, index, point)
            .map_or(JsValue::UNDEFINED, |n| to_js(&n))
    }

    /// Sets parameter `k` while training runs; returns its old value (for undo).
    pub fn set_param(&mut self, k: usize, value: f64) -> Result<f64, JsError> {
        self.inner.set_param(k, value).map_err(err)
    }

    /// The message of a stop condition reached since the last call (training stopped there).
    pub fn take_stop(&mut self) -> Option<String> {
        self.inner.take_stop()
    }

    pub fn add_point(&mut self, x: f64, y: f64, label: f64) -> bool {
        self.inner.add_point(x, y, label)
    }

    /// Messages since the last call (clamped values, refused points...), as strings.
    pub fn notices(&mut self) -> Vec<String> {
        self.inner.take_notices()
    }

    /// The whole run (settings, weights, step) as JSON text.
    pub fn to_json(&self) -> Result<String, JsError> {
        // Through a JS object and the browser's JSON.stringify, whose shortest round-trip
        // numbers load back to the same bits: the page then needs no JSON writer of its own.
        js_sys::JSON::stringify(&to_js(&self.inner.saved_state()))
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| err("the run could not be written as JSON"))
    }

    /// Restores a run saved by `to_json`; throws with the reason if the text is not one. The
    /// text stays a JS string, parsed by the browser's `JSON.parse` (its errors give the line
    /// and column), so an oversized one is never copied into wasm memory.
    pub fn from_json(json: &js_sys::JsString) -> Result<Playground, JsError> {
        let most = playground::MAX_JSON_BYTES;
        if json.length() as usize > most {
            return Err(err(format!(
                "the file is more than {most} bytes, the limit"
            )));
        }
        let j = js_sys::JSON::parse(&String::from(json))
            .map_err(|e| {
                let e: js_sys::Error = e.unchecked_into();
                format!("not a saved playground: {}", String::from(e.message()))
            })
            .and_then(|v| json_of(&v, 0).map_err(|e| format!("not a saved playground: {e}")))
            .map_err(err)?;
        Ok(Playground {
            inner: playground::Playground::from_tree(&j).map_err(err)?,
        })
    }

    /// The graph of one neuron of the live network on point `point` (see `graph_example` for
    /// the shape of the result); null if there is no such neuron or point.
    pub fn neuron_graph(&self, layer: usize, index: usize, point: usize) -> JsValue {
        match self.inner.neuron_view(layer, index, point) {
            Some(v) => to_js(&v),
            None => JsValue::NULL,
        }
    }

    /// Starts the gradient check on the weights and points of now; carried on by
    /// `advance_gradient_check`, so that a big network never blocks the worker for long.
    pub fn begin_gradient_check(&mut self) -> JsValue {
        to_js(&self.inner.begin_gradient_check())
    }

    /// Checks up to `max_params` more parameters; the report so far, or null if no check is
    /// under way (finished, cancelled, or the network was rebuilt).
    pub fn advance_gradient_check(&mut self, max_params: usize) -> JsValue {
        match self.inner.advance_gradient_check(max_params) {
            Some(r) => to_js(&r),
            None => JsValue::NULL,
        }
    }

    pub fn cancel_gradient_check(&mut self) {
        self.inner.cancel_gradient_check();
    }

    /// Layer sizes, weights (per layer, row-major `nout x nin`) and biases, for the network
    /// diagram.
    pub fn network(&self) -> JsValue {
        #[derive(Serialize)]
        struct Net {
            sizes: Vec<usize>,
            weights: Vec<Vec<f64>>,
            biases: Vec<Vec<f64>>,
        }
        let m = self.inner.model();
        let mut net = Net {
            sizes: m.sizes(),
            weights: Vec::new(),
            biases: Vec::new(),
        };
        for (l, layer) in m.layers.iter().enumerate() {
            let (mut w, mut b) = (Vec::new(), Vec::new());
            for i in 0..layer.nout {
                let n = m.neuron(l, i);
                w.extend_from_slice(n.w);
                b.push(n.b);
            }
            net.weights.push(w);
            net.biases.push(b);
        }
        to_js(&net)
    }
}

/// Every setting of the page, in URL order, as plain data (see [`crate::settings`]):
/// `[{ name, kind: { type: "choice", choices: [{ value, label, help }] } | { type: "whole" |
/// "number" | "bool" | "int_list" | "points" | "view" } | { type: "stops", stops: [1, ...] },
/// range: { min, max } | null, items: { count: { min, max }, label, help } | null,
/// scale: { type: "linear" } | { type: "log", lowest, per_decade, zero_stop }, step: number |
/// null, live, page_only, label, help, default }]`.
#[wasm_bindgen]
pub fn settings_table() -> JsValue {
    to_js(&crate::settings::table())
}

/// Reads `location.hash` leniently: `{ config, speed, discretize, notices: [string] }`, every
/// valid setting kept, each ignored or clamped key named in a notice.
#[wasm_bindgen]
pub fn parse_hash(hash: &str) -> JsValue {
    to_js(&crate::settings::parse_hash(hash))
}

/// The largest saved-state or model file accepted, in bytes: the page refuses a bigger one
/// before reading it.
#[wasm_bindgen]
pub fn max_json_bytes() -> usize {
    playground::MAX_JSON_BYTES
}

/// The largest CSV file accepted, in bytes: the page refuses a bigger one before reading it.
#[wasm_bindgen]
pub fn max_csv_bytes() -> usize {
    crate::csv::MAX_CSV_BYTES
}

/// A fresh random seed from the browser's crypto, for the "New seed" button.
#[wasm_bindgen]
pub fn fresh_seed() -> Result<u32, JsError> {
    getrandom::u32().map_err(|_| err("the browser gave no random seed"))
}
