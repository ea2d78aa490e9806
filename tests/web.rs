//! Browser tests (wasm-bindgen-test in headless Chromium): the crate trained in wasm gives
//! micrograd's (and so native's) numbers, and the `Playground` API the page uses behaves.
//! Run with `wasm-pack test --headless --chrome -- --test web`.
#![cfg(target_arch = "wasm32")]

use micrograd_playground::engine::Graph;
use micrograd_playground::golden::Golden;
use micrograd_playground::playground;
use micrograd_playground::web::Playground;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn num(v: &JsValue, key: &str) -> f64 {
    get(v, key).as_f64().unwrap_or(f64::NAN)
}

fn config(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

/// A saved run's text as the page hands it over: a JS string.
fn text(json: &str) -> js_sys::JsString {
    json.into()
}

/// Why `Playground::from_json` refused `json` (it must).
fn refusal(json: &str) -> String {
    match Playground::from_json(&text(json)) {
        Ok(_) => panic!("accepted: {json}"),
        Err(e) => {
            let e: js_sys::Error = JsValue::from(e).into();
            e.message().into()
        }
    }
}

#[wasm_bindgen_test]
fn golden_run_in_wasm_equals_micrograd_and_native() {
    let golden = Golden::demo();
    let points = golden.points();
    let mut tape = golden.trainer().unwrap();
    let mut dynamic = golden.trainer().unwrap();
    let mut g = Graph::new();
    for k in 0..100u64 {
        let a = tape.step(&points);
        let b = dynamic.step_dynamic(&points, &mut g);
        assert!((a.loss - b.loss).abs() < 1e-12, "step {k}");
        if let Some(e) = golden.expected.iter().find(|e| e.step == k) {
            // The same values the native golden test checks: native and wasm agree.
            assert!(
                (a.loss - e.loss).abs() < 1e-9,
                "step {k}: {} vs {}",
                a.loss,
                e.loss
            );
            assert_eq!(a.accuracy, e.accuracy);
        }
    }
    let (loss, acc) = tape.evaluate(&points);
    assert_eq!(acc, 1.0);
    assert!(loss < 0.02);
}

#[wasm_bindgen_test]
fn steps_lower_the_loss_on_moons() {
    let mut pg = Playground::new(config(r#"{"dataset":"moons","n_points":100}"#)).unwrap();
    let first = num(&pg.stats(), "train_loss");
    pg.train(100);
    pg.train(200);
    let s = pg.stats();
    assert_eq!(num(&s, "step"), 300.0);
    let last = num(&s, "train_loss");
    assert!(last < first * 0.5, "{first} -> {last}");
    assert!(num(&s, "train_accuracy") > 0.9);
    assert!(num(&s, "test_accuracy").is_finite());
}

#[wasm_bindgen_test]
fn setters_act_on_the_next_step_without_a_reset() {
    let mut pg = Playground::new(JsValue::UNDEFINED).unwrap();
    pg.train(20);
    let before: playground::SavedState = serde_json::from_str(&pg.to_json().unwrap()).unwrap();
    pg.set("learning_rate", 0.5.into()).unwrap();
    pg.set("optimizer", "adam".into()).unwrap();
    pg.set("batch_size", 16.into()).unwrap();
    pg.set("l2", 0.0.into()).unwrap();
    let c = pg.config();
    assert_eq!(num(&c, "learning_rate"), 0.5);
    assert_eq!(get(&c, "optimizer").as_string().unwrap(), "adam");
    // Parameters were not reset by the setters...
    let same: playground::SavedState = serde_json::from_str(&pg.to_json().unwrap()).unwrap();
    assert_eq!(before.model.params, same.model.params);
    assert_eq!(same.step, 20);
    // ...and the next step uses the new settings (one Adam step moves a weight by about lr).
    pg.train(1);
    let s = pg.stats();
    assert_eq!(num(&s, "step"), 21.0);
    assert_eq!(num(&s, "learning_rate"), 0.5);
    let after: playground::SavedState = serde_json::from_str(&pg.to_json().unwrap()).unwrap();
    let moved = before
        .model
        .params
        .iter()
        .zip(&after.model.params)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(moved > 0.3 && moved < 0.51, "largest move {moved}");
    // Out-of-range values are clamped, and the page is told.
    pg.set("learning_rate", 1e9.into()).unwrap();
    assert_eq!(
        num(&pg.config(), "learning_rate"),
        playground::MAX_LEARNING_RATE
    );
    assert!(pg.notices().iter().any(|n| n.contains("learning_rate")));
    assert!(pg.set("optimizer", "rmsprop".into()).is_err());
    assert!(
        pg.set("seed", 3.into()).is_err(),
        "the seed rebuilds: not a live setting"
    );
}

#[wasm_bindgen_test]
fn boundary_agrees_with_the_models_own_forward_pass() {
    let mut pg = Playground::new(JsValue::UNDEFINED).unwrap();
    pg.train(50);
    let res = 37;
    let ptr = pg.boundary(res);
    // The pointer is into this very memory: read it as JS would, without a copy.
    let grid: Vec<f32> = unsafe { std::slice::from_raw_parts(ptr, res * res) }.to_vec();
    assert_eq!(grid.len(), res * res);
    let core = playground::Playground::from_json(&pg.to_json().unwrap()).unwrap();
    let v = core.view();
    let model = core.model();
    let g = Graph::new();
    let p = model.leaves(&g);
    for &(r, c) in &[(0usize, 0usize), (5, 30), (18, 18), (36, 36), (36, 0)] {
        let x = v.xmin + (c as f64 + 0.5) * (v.xmax - v.xmin) / res as f64;
        let y = v.ymax - (r as f64 + 0.5) * (v.ymax - v.ymin) / res as f64;
        // The engine's forward pass on a graph, the way training computes scores.
        let score = model.forward(&p, &[g.value(x), g.value(y)])[0].data();
        assert_eq!(grid[r * res + c], score.tanh() as f32, "cell ({r}, {c})");
    }
    assert!(grid
        .iter()
        .all(|v| v.is_finite() && (-1.0..=1.0).contains(v)));
    assert!(grid.iter().any(|&v| v > 0.5) && grid.iter().any(|&v| v < -0.5));
}

#[wasm_bindgen_test]
fn json_round_trip_gives_the_same_predictions() {
    let mut pg = Playground::new(config(
        r#"{"dataset":"xor","hidden":[8,8],"activation":"tanh"}"#,
    ))
    .unwrap();
    pg.train(40);
    let json = pg.to_json().unwrap();
    let mut back = Playground::from_json(&text(&json)).unwrap();
    let (a, b) = (pg.boundary(50), back.boundary(50));
    let a = unsafe { std::slice::from_raw_parts(a, 2500) }.to_vec();
    let b = unsafe { std::slice::from_raw_parts(b, 2500) }.to_vec();
    assert_eq!(a, b);
    assert_eq!(back.to_json().unwrap(), json);
    // Refusals in words, naming the field: the browser's JSON.parse gives the place of a
    // syntax error, the readers of src/json.rs the field of anything else.
    let e = refusal(&json[..json.len() - 1]);
    assert!(
        e.starts_with("not a saved playground: ") && e.contains("JSON"),
        "{e}"
    );
    assert_eq!(
        refusal("{\"format\": 3}"),
        "not a saved playground: format: expected text, found a number"
    );
    let e = refusal(&json.replace("\"hidden\":[8,8]", "\"hidden\":[8,9]"));
    assert!(e.contains("do not match"), "{e}");
    let e = refusal(&json.replace("\"n_points\":100", "\"n_points\":-5"));
    assert!(
        e.contains("config.n_points must be a whole number from 10 to 5000; got \"-5\""),
        "{e}"
    );
    let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
    assert!(refusal(&deep).contains("nested more than"));
    // The page's settings object: the same words.
    let e = Playground::new(config(r#"{"n_points":-5}"#))
        .err()
        .map(|e| {
            let e: js_sys::Error = JsValue::from(e).into();
            String::from(e.message())
        });
    assert_eq!(
        e.as_deref(),
        Some("settings: n_points must be a whole number from 10 to 5000; got \"-5\"")
    );
}

#[wasm_bindgen_test]
fn points_can_be_added_and_cleared() {
    let mut pg = Playground::new(JsValue::UNDEFINED).unwrap();
    let n = pg.points().len() / 4;
    assert!(pg.add_point(0.5, 0.5, 1.0));
    assert_eq!(pg.points().len() / 4, n + 1);
    assert_eq!(get(&pg.config(), "dataset").as_string().unwrap(), "custom");
    assert!(!pg.add_point(100.0, 0.0, 1.0));
    // The page clears points by building an empty custom set.
    let mut pg = Playground::new(config(r#"{"dataset":"custom","points":[]}"#)).unwrap();
    assert_eq!(pg.points().len(), 0);
    pg.train(5);
    let s = pg.stats();
    assert_eq!(num(&s, "step"), 0.0);
    assert!(get(&s, "message")
        .as_string()
        .unwrap()
        .contains("no training points"));
}

#[wasm_bindgen_test]
fn the_settings_table_the_link_codec_a_field_error_and_a_fresh_seed() {
    use micrograd_playground::{settings, web};
    let table = js_sys::Array::from(&web::settings_table());
    assert_eq!(table.length() as usize, settings::SETTINGS.len());
    assert_eq!(get(&table.get(0), "name").as_string().unwrap(), "dataset");
    let lr = table
        .iter()
        .find(|e| get(e, "name").as_string().as_deref() == Some("learning_rate"))
        .unwrap();
    assert_eq!(
        num(&lr, "default"),
        playground::Config::default().learning_rate
    );

    // A link keeps what it can and names what it ignored or clamped.
    let p = web::parse_hash("#dataset=xor&junk=1&speed=4294967296");
    assert_eq!(
        get(&get(&p, "config"), "dataset").as_string().unwrap(),
        "xor"
    );
    assert_eq!(num(&p, "speed"), 500.0);
    let notices = js_sys::Array::from(&get(&p, "notices"));
    assert!(notices
        .iter()
        .any(|n| n.as_string().unwrap().contains("junk")));
    let pg = Playground::new(get(&p, "config")).unwrap();
    assert!(pg.hash(500, true).starts_with("#dataset=xor&"));

    // A config object with a wrong field is refused, and the message names the field.
    let e = Playground::new(config(r#"{"hidden":[8,"x"]}"#))
        .err()
        .unwrap();
    let message = get(&JsValue::from(e), "message").as_string().unwrap();
    assert!(message.contains("hidden[1]"), "{message}");

    // Seeds from the browser's crypto differ.
    let seeds: Vec<u32> = (0..4).map(|_| web::fresh_seed().unwrap()).collect();
    assert!(seeds.windows(2).any(|w| w[0] != w[1]), "{seeds:?}");
}

/// The API of classes, regression, features, stops and CSV, as the worker drives it: a
/// three-class run reports its confusion matrix and a class per grid cell, a regression run
/// its RMSE and values, a stop pauses once with its reason, and a CSV exported and imported
/// again gives the same points, while a bad one is refused with its line and column.
#[wasm_bindgen_test]
fn classes_regression_stops_and_csv_through_the_api() {
    let mut pg = Playground::new(config(
        r#"{"dataset":"blobs","classes":3,"features":["x1","x2","x1x2"],"activation":"silu","optimizer":"adam","learning_rate":0.03,"hidden":[8],"stop_step":150}"#,
    ))
    .unwrap();
    assert_eq!(pg.train(400), 150, "stopped at step 150");
    let why = pg.take_stop().unwrap();
    assert!(why.contains("reached step 150"), "{why}");
    assert!(pg.take_stop().is_none());
    let s = pg.stats();
    assert!(num(&s, "test_accuracy") > 0.9);
    let confusion = js_sys::Array::from(&get(&s, "train_confusion"));
    let total: f64 = confusion
        .iter()
        .flat_map(|row| js_sys::Array::from(&row).iter().collect::<Vec<_>>())
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert_eq!(total, num(&s, "n_train"));
    let ptr = pg.boundary(30);
    let grid = unsafe { std::slice::from_raw_parts(ptr, 900) };
    assert!(grid.iter().all(|&v| (0.0..3.0).contains(&v)));

    // Export, then import: the same points (with their split), as custom data of 3 classes.
    let csv = pg.export_csv();
    let imported = pg.import_csv(&csv).unwrap();
    let back = Playground::new(get(&imported, "config")).unwrap();
    assert_eq!(
        get(&back.config(), "dataset").as_string().unwrap(),
        "custom"
    );
    assert_eq!(num(&back.config(), "classes"), 3.0);
    let sorted = |p: Vec<f32>| {
        let mut v: Vec<[u32; 4]> = p
            .chunks(4)
            .map(|c| [c[0], c[1], c[2], c[3]].map(f32::to_bits))
            .collect();
        v.sort();
        v
    };
    assert_eq!(sorted(pg.points()), sorted(back.points()));
    let e = pg.import_csv("x,y,label\n1,2,1\n3,abc,1\n").err().unwrap();
    let message = get(&JsValue::from(e), "message").as_string().unwrap();
    assert!(message.starts_with("CSV: line 3, column 2"), "{message}");

    // Regression: RMSE instead of accuracy; the grid holds values.
    let mut r = Playground::new(config(
        r#"{"dataset":"plane","optimizer":"adam","learning_rate":0.02}"#,
    ))
    .unwrap();
    r.train(200);
    let s = r.stats();
    assert!(get(&s, "test_accuracy").is_null());
    assert!(num(&s, "test_rmse") < 0.2, "{}", num(&s, "test_rmse"));
    assert_eq!(
        get(&r.config(), "problem").as_string().unwrap(),
        "regression"
    );
}

/// Inside the network through the API (#12): the per-unit grids hold the model's own outputs
/// (the last unit is the boundary's score), a weight edit moves the boundary and its undo
/// restores it, the inspector's numbers make its equation, and a typed expression is drawn
/// with its names as inputs while a bad one names its column.
#[wasm_bindgen_test]
fn unit_grids_inspector_edits_and_typed_expressions() {
    let mut pg =
        Playground::new(config(r#"{"hidden":[5],"activation":"tanh","loss":"mse"}"#)).unwrap();
    pg.train(20);
    let units = pg.units();
    assert_eq!(units, 2 + 5 + 1);
    let res = 16;
    let ptr = pg.unit_grids(res, false);
    let grids = unsafe { std::slice::from_raw_parts(ptr, units * res * res) }.to_vec();
    let ptr = pg.boundary(res);
    let boundary = unsafe { std::slice::from_raw_parts(ptr, res * res) }.to_vec();
    for (cell, &b) in boundary.iter().enumerate() {
        // MSE's confidence is tanh(score): the output unit's grid holds the score.
        let score = grids[(units - 1) * res * res + cell] as f64;
        assert!((score.tanh() as f32 - b).abs() < 1e-6, "cell {cell}");
    }
    let info = pg.neuron_info(0, 2, 7);
    let params = js_sys::Array::from(&get(&info, "params"));
    assert_eq!(params.length(), 3);
    let inputs = js_sys::Array::from(&get(&info, "inputs"));
    let sum = (0..2).fold(num(&params.get(2), "value"), |acc, i| {
        acc + num(&params.get(i), "value") * inputs.get(i).as_f64().unwrap()
    });
    assert_eq!(sum, num(&info, "sum"));
    assert_eq!(num(&info, "sum").tanh(), num(&info, "output"));
    let k = num(&params.get(0), "index") as usize;
    let old = pg.set_param(k, 5.0).unwrap();
    let moved = unsafe { std::slice::from_raw_parts(pg.boundary(res), res * res) }.to_vec();
    assert_ne!(moved, boundary);
    pg.set_param(k, old).unwrap();
    let back = unsafe { std::slice::from_raw_parts(pg.boundary(res), res * res) }.to_vec();
    assert_eq!(back, boundary);
    assert!(pg.set_param(k, f64::INFINITY).is_err());
    let h = pg.hidden_space(0, 0, 1, 7);
    assert_eq!(js_sys::Array::from(&get(&h, "lines")).length(), 14);

    use micrograd_playground::web;
    let typed = web::graph_expression("(a + b) * c**2", vec![1.0, 2.0, 3.0]).unwrap();
    let names = js_sys::Array::from(&get(&typed, "inputs"));
    assert_eq!(names.length(), 3);
    let view = get(&typed, "view");
    assert!(get(&view, "dot").as_string().unwrap().contains("**2"));
    let e = web::graph_expression("a + * b", vec![]).err().unwrap();
    let message = get(&JsValue::from(e), "message").as_string().unwrap();
    assert!(message.starts_with("column 5:"), "{message}");
}
