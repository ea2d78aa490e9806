//! The playground core the page drives: limits enforced in Rust, the view kept when points are
//! added, divergence reported in words, and parsers that refuse bad input with the field's
//! name and never panic (property-based).
#![cfg(not(target_arch = "wasm32"))]

use micrograd_playground::data::Dataset;
use micrograd_playground::playground::{self, Config, Playground, MAX_POINTS};
use proptest::prelude::*;

#[test]
fn adding_a_point_keeps_the_frame_of_the_data_set() {
    let mut pg = Playground::new(Config::default());
    let moons = pg.view();
    assert!(pg.add_point(0.5, 0.5, 1.0));
    assert_eq!(pg.config().dataset, Dataset::Custom);
    assert_eq!(pg.view(), moons);
    // The URL form (config JSON) reproduces the same frame and points.
    let json = serde_json::to_string(pg.config()).unwrap();
    let again = Playground::new(Playground::config_from_json(&json).unwrap());
    assert_eq!(again.view(), moons);
    assert_eq!(again.points().len(), pg.points().len());
    pg.clear_points();
    assert_eq!(pg.view(), moons);
    assert!(pg.points().is_empty());
}

#[test]
fn limits_are_enforced_in_rust_with_a_notice() {
    let cfg = Config {
        n_points: 1_000_000,
        hidden: vec![1000, 0, 3, 3, 3, 3, 3, 3],
        learning_rate: 1e9,
        noise: f64::NAN,
        batch_size: 99_999,
        ..Config::default()
    };
    let mut pg = Playground::new(cfg);
    let c = pg.config().clone();
    assert_eq!(c.n_points, MAX_POINTS);
    assert_eq!(c.hidden.len(), playground::MAX_LAYERS);
    assert_eq!(c.hidden[0], playground::MAX_NEURONS);
    assert_eq!(c.hidden[1], 1);
    assert_eq!(c.learning_rate, playground::MAX_LEARNING_RATE);
    assert!(c.noise.is_finite());
    let notes = pg.take_notices();
    for field in [
        "n_points",
        "hidden[0]",
        "hidden[1]",
        "hidden:",
        "learning_rate",
        "noise",
        "batch_size",
    ] {
        assert!(
            notes.iter().any(|n| n.starts_with(field)),
            "no notice for {field}: {notes:?}"
        );
    }
    pg.step(5000);
    assert_eq!(pg.trainer().step, playground::MAX_STEPS_PER_CALL as u64);
    assert!(pg
        .take_notices()
        .iter()
        .any(|n| n.contains("steps per frame")));
    let mut small = Playground::new(Config {
        dataset: Dataset::Custom,
        ..Config::default()
    });
    for i in 0..MAX_POINTS {
        assert!(small.add_point(
            -5.0 + (i % 100) as f64 * 0.1,
            -5.0 + (i / 100) as f64 * 0.1,
            1.0
        ));
    }
    assert!(!small.add_point(0.0, 0.0, 1.0));
    assert!(small.take_notices().iter().any(|n| n.contains("limit")));
}

#[test]
fn divergence_pauses_with_a_message_and_resumes_after_a_change() {
    let mut pg = Playground::new(Config {
        learning_rate: 10.0,
        loss: micrograd_playground::loss::Loss::Mse,
        hidden: vec![32, 32, 32],
        ..Config::default()
    });
    let mut s = pg.step(200);
    for _ in 0..20 {
        if s.diverged {
            break;
        }
        s = pg.step(200);
    }
    assert!(s.diverged, "lr 10 on MSE should diverge");
    let msg = s.message.clone().unwrap();
    // The weights went back to a checkpoint before the blow-up: the step says which.
    let back = pg.trainer().step;
    assert!(pg.trainer().checkpoint_step() == Some(back));
    assert!(
        msg.starts_with("diverged at step ")
            && msg.contains("Learning rate too high?")
            && msg.contains(&format!("went back to step {back}")),
        "{msg}"
    );
    assert_eq!(s.step, back);
    // Nothing non-finite reaches the page: the loss shown is the checkpoint's, a real number.
    assert!(s.train_loss.is_some_and(|l| l >= 0.0), "{:?}", s.train_loss);
    assert!(pg.model().params.iter().all(|p| p.is_finite()));
    let grid = pg.boundary(20).to_vec();
    assert!(grid.iter().all(|v| v.is_finite()));
    assert_eq!(pg.step(10).step, back, "paused while diverged");
    // A lower learning rate carries on from the checkpoint, past where it diverged.
    pg.set_learning_rate(0.001);
    assert!(!pg.stats().diverged);
    let s = pg.step(500);
    assert!(!s.diverged, "{:?}", s.message);
    assert_eq!(s.step, back + 500);
    assert!(s.train_loss.is_some_and(f64::is_finite));
}

#[test]
fn saved_state_is_refused_with_the_reason() {
    let pg = Playground::new(Config::default());
    let good = pg.to_json();
    assert!(Playground::from_json(&good).is_ok());
    let cases = [
        ("", "not a saved playground"),
        ("{}", "missing field"),
        ("[1,2]", "not a saved playground"),
        (&good.replace("micrograd-playground/1", "other/9"), "format"),
        (
            &good.replace("\"hidden\":[16,16]", "\"hidden\":[16,15]"),
            "do not match",
        ),
        (
            &good.replace("\"params\":[", "\"params\":[1,"),
            "params has",
        ),
        (
            &good.replace("\"seed\":1337", "\"seed\":\"x\""),
            "config.seed",
        ),
        (
            &good.replace("\"loss\":\"hinge\"", "\"loss\":\"cubic\""),
            "cubic",
        ),
        (&good[..good.len() / 2], "EOF"),
    ];
    for (text, why) in cases {
        let e = Playground::from_json(text)
            .err()
            .unwrap_or_else(|| panic!("accepted {text:.60}"));
        assert!(e.contains(why), "{why:?} not in {e:?}");
    }
    let big = format!("{{\"x\": \"{}\"}}", "a".repeat(playground::MAX_JSON_BYTES));
    assert!(Playground::from_json(&big).unwrap_err().contains("limit"));
    let e = Playground::config_from_json("{\"hidden\": [1, 2], \"colour\": 3}").unwrap_err();
    assert!(e.contains("colour"), "{e}");
}

/// A loss is shown (never negative: every loss and the L2 term are sums of non-negative
/// terms), or its absence is explained: no training points, or training diverged. The
/// accuracy is there exactly when there are training points.
fn loss_is_shown_or_explained(s: &playground::Stats) -> bool {
    let loss = match s.train_loss {
        Some(l) => l >= 0.0,
        None => s.n_train == 0 || s.diverged,
    };
    let acc = match s.train_accuracy {
        Some(a) => (0.0..=1.0).contains(&a) && s.n_train > 0,
        None => s.n_train == 0,
    };
    loss && acc
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn state_parser_never_panics(text in ".{0,300}") {
        let _ = Playground::from_json(&text);
        let _ = Playground::config_from_json(&text);
    }

    /// Mutations of a real saved state: refused or loaded, never a panic, never a NaN weight.
    #[test]
    fn mutated_state_never_panics(cut in 0usize..4000, insert in "[-0-9eE.,:\\[\\]{}\"a-z]{0,8}") {
        let good = Playground::new(Config { hidden: vec![3], ..Config::default() }).to_json();
        let at = good.char_indices().map(|(i, _)| i).nth(cut % good.len()).unwrap_or(0);
        let text = format!("{}{}{}", &good[..at], insert, &good[at..]);
        if let Ok(mut pg) = Playground::from_json(&text) {
            prop_assert!(pg.model().params.iter().all(|p| p.is_finite()));
            let s = pg.step(2);
            prop_assert!(loss_is_shown_or_explained(&s), "{:?}", s);
        }
    }

    /// Any numbers in a config: clamped into range, and the playground runs.
    #[test]
    fn any_config_numbers_are_clamped_and_run(
        n in 0usize..3_000, noise in prop::num::f64::ANY, lr in prop::num::f64::ANY,
        l2 in prop::num::f64::ANY, tf in prop::num::f64::ANY, hidden in prop::collection::vec(0usize..100, 0..9),
    ) {
        let cfg = Config { n_points: n, noise, learning_rate: lr, l2, test_fraction: tf, hidden, ..Config::default() };
        let mut pg = Playground::new(cfg);
        let c = pg.config().clone();
        prop_assert!(c.n_points <= MAX_POINTS && c.noise.is_finite() && c.learning_rate.is_finite());
        let s = pg.step(1);
        // In range, one step from fresh weights trains: a loss and an accuracy to show.
        prop_assert!(s.n_train > 0 && !s.diverged, "{:?}", s);
        prop_assert!(s.train_loss.is_some_and(|l| l >= 0.0), "{:?}", s);
        prop_assert!(s.train_accuracy.is_some_and(|a| (0.0..=1.0).contains(&a)), "{:?}", s);
        prop_assert!(pg.boundary(8).iter().all(|v| v.is_finite()));
    }
}

#[test]
fn hand_placed_points_keep_the_test_fraction_and_their_roles() {
    let mut pg = Playground::new(Config::default());
    let (train, test) = (pg.stats().n_train, pg.stats().n_test);
    assert_eq!((train, test), (80, 20));
    assert!(pg.add_point(0.5, 0.5, 1.0));
    let s = pg.stats();
    assert_eq!(
        (s.n_train, s.n_test),
        (81, 20),
        "the split is kept, the new point trains"
    );
    let roles: Vec<bool> = pg.points().iter().map(|p| p.test).collect();
    // More points: the earlier ones keep their roles.
    for i in 0..9 {
        assert!(pg.add_point(-0.5 + i as f64 * 0.1, 0.0, -1.0));
    }
    let now: Vec<bool> = pg.points().iter().map(|p| p.test).collect();
    assert_eq!(&now[..roles.len()], &roles[..]);
    // The link form gives the same split after a reload.
    let again = Playground::new(pg.config().clone());
    let reloaded: Vec<bool> = again.points().iter().map(|p| p.test).collect();
    assert_eq!(reloaded, now);
    // The test fraction acts on custom data too.
    let mut half = pg.config().clone();
    half.test_fraction = 0.5;
    let mut h = Playground::new(half);
    assert_eq!(h.stats().n_test, h.points().len() / 2);
}

#[test]
fn a_crafted_saved_run_is_bounded_and_each_replaced_field_is_named() {
    let mut pg = Playground::new(Config::default());
    pg.step(3);
    let json: serde_json::Value = serde_json::from_str(&pg.to_json()).unwrap();
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut j = json.clone();
        f(&mut j);
        j.to_string()
    };
    // A step count of 2^64 - 1 is refused, naming the field.
    let e = Playground::from_json(&with(&|j| j["step"] = u64::MAX.into())).unwrap_err();
    assert!(
        e.contains("step: expected a whole number from 0 to "),
        "{e}"
    );
    // A view 1e-300 wide, or inverted, is replaced and the notice names the view.
    for view in [
        serde_json::json!({"xmin": 0.0, "xmax": 1e-300, "ymin": 0.0, "ymax": 1.0}),
        serde_json::json!({"xmin": 2.0, "xmax": -2.0, "ymin": 0.0, "ymax": 1.0}),
    ] {
        let text = with(&|j| {
            j["config"]["dataset"] = "custom".into();
            j["config"]["points"] = serde_json::json!([[0.1, 0.2, 1.0]]);
            j["config"]["view"] = view.clone();
        });
        let mut back = Playground::from_json(&text).unwrap();
        let v = back.view();
        assert!(v.xmax - v.xmin >= 1e-3, "{v:?}");
        let notes = back.take_notices();
        assert!(notes.iter().any(|n| n.starts_with("view")), "{notes:?}");
    }
    // Points at 1e300 are dropped with a notice.
    let text = with(&|j| {
        j["config"]["dataset"] = "custom".into();
        j["config"]["points"] = serde_json::json!([[1e300, 0.0, 1.0], [0.5, 0.5, -1.0]]);
    });
    let mut back = Playground::from_json(&text).unwrap();
    assert_eq!(back.points().len(), 1);
    assert!(back.take_notices().iter().any(|n| n.starts_with("points")));
}

#[test]
fn a_divergence_from_huge_inputs_blames_the_data_not_the_learning_rate() {
    let far: Vec<[f64; 3]> = (0..20)
        .map(|i| {
            [
                1e5 * (i as f64 - 10.0),
                1e5,
                if i % 2 == 0 { 1.0 } else { -1.0 },
            ]
        })
        .collect();
    let mut pg = Playground::new(Config {
        dataset: Dataset::Custom,
        points: far,
        view: Some(micrograd_playground::data::View {
            xmin: -2e6,
            xmax: 2e6,
            ymin: -2e6,
            ymax: 2e6,
        }),
        loss: micrograd_playground::loss::Loss::Mse,
        activation: micrograd_playground::nn::Activation::Linear,
        learning_rate: 1.0,
        ..Config::default()
    });
    let mut s = pg.step(100);
    for _ in 0..10 {
        if s.diverged {
            break;
        }
        s = pg.step(100);
    }
    assert!(s.diverged, "huge inputs overflow");
    let m = s.message.unwrap();
    assert!(
        m.contains("scale the data down") && !m.contains("Learning rate too high"),
        "{m}"
    );
}

#[test]
fn the_page_default_run_says_nothing_is_wrong_and_a_stuck_one_says_why() {
    let mut pg = Playground::new(Config::default());
    for _ in 0..3 {
        pg.step(1000);
    }
    let notes = pg.take_notices();
    assert!(notes.is_empty(), "{notes:?}");
    let mut stuck = Playground::new(Config {
        learning_rate: 10.0,
        optimizer: micrograd_playground::optim::OptimizerKind::Adam,
        ..Config::default()
    });
    stuck.step(1000);
    let notes = stuck.take_notices();
    assert!(
        notes.iter().any(|n| n.contains("learning rate")),
        "{notes:?}"
    );
}

#[test]
fn a_bad_setting_in_a_saved_file_is_named_in_words() {
    let pg = Playground::new(Config::default());
    let json = pg.to_json().replace("\"n_points\":100", "\"n_points\":-5");
    let e = Playground::from_json(&json).unwrap_err();
    assert!(
        e.contains("config.n_points must be a whole number from 10 to 5000; got \"-5\""),
        "{e}"
    );
    let json = pg
        .to_json()
        .replace("\"optimizer\":\"sgd\"", "\"optimizer\":\"rmsprop\"");
    let e = Playground::from_json(&json).unwrap_err();
    assert!(
        e.contains("config.optimizer must be one of sgd, momentum, adam"),
        "{e}"
    );
}

/// Stop conditions: training stops at the step, the epoch or the loss asked for, says so once,
/// and goes on past it when asked to train again; setting a condition again re-arms it.
#[test]
fn stop_conditions_stop_once_and_say_why() {
    let mut pg = Playground::new(Config {
        stop_step: 25,
        ..Config::default()
    });
    assert_eq!(pg.train(100), 25);
    assert_eq!(pg.stats().step, 25);
    let why = pg.take_stop().expect("a stop message");
    assert!(
        why.starts_with("Stopped at step 25: reached step 25"),
        "{why}"
    );
    assert!(pg.take_stop().is_none(), "said once");
    assert_eq!(pg.train(10), 10, "Play goes on past the stop");
    assert!(pg.take_stop().is_none());
    // A new condition fires again: 80 points, full batch, so an epoch is a step.
    pg.set("stop_epoch", &serde_json::json!(40)).unwrap();
    assert_eq!(pg.train(100), 5);
    assert!(pg.take_stop().unwrap().contains("reached epoch 40"));
    pg.set("stop_loss", &serde_json::json!(0.5)).unwrap();
    let ran = pg.train(1000);
    let why = pg.take_stop().unwrap();
    assert!(
        why.contains("the training loss") && why.contains("fell below 0.5"),
        "{why}"
    );
    assert!(ran < 1000);
}

/// A CSV round trip: the points of a run (a generated set with its random split, three
/// classes) exported and imported again give the same points with the same split, as custom
/// data of the same problem and classes; and exporting that run again gives the same file.
#[test]
fn csv_export_then_import_gives_the_same_points_and_split() {
    for config in [
        Config {
            dataset: Dataset::Blobs,
            classes: 3,
            ..Config::default()
        },
        Config {
            dataset: Dataset::Multigauss,
            n_points: 300,
            ..Config::default()
        },
        Config::default(),
    ] {
        let pg = Playground::new(config);
        let text = pg.export_csv();
        let (c, notes) = pg.import_csv(&text).unwrap();
        assert!(notes[0].starts_with("Imported"), "{notes:?}");
        let back = Playground::new(c);
        assert_eq!(back.config().dataset, Dataset::Custom);
        assert_eq!(back.config().task(), pg.config().task());
        let key = |p: &micrograd_playground::data::Point| {
            (p.x.to_bits(), p.y.to_bits(), p.label.to_bits(), p.test)
        };
        let mut a: Vec<_> = pg.points().iter().map(key).collect();
        let mut b: Vec<_> = back.points().iter().map(key).collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{:?}", pg.config().dataset);
        let again = back.export_csv();
        let (c2, _) = back.import_csv(&again).unwrap();
        assert_eq!(Playground::new(c2).export_csv(), again, "a stable file");
    }
}

/// Imported data in any units: the view fits it with equal scales, the inputs are normalised
/// (so a network learns points in the thousands), and the link carries the normalisation.
#[test]
fn imported_data_is_framed_and_normalised() {
    let pg = Playground::new(Config::default());
    let mut text = String::from("x,y,label\n");
    for i in 0..200 {
        let (x, y) = (
            5000.0 + 40.0 * ((i * 37) % 50) as f64,
            -300.0 + 12.0 * ((i * 11) % 50) as f64,
        );
        let label = if (x - 6000.0) * (y - 0.0) > 0.0 {
            1
        } else {
            -1
        };
        text.push_str(&format!("{x},{y},{label}\n"));
    }
    let (c, _) = pg.import_csv(&text).unwrap();
    let v = c.view.unwrap();
    assert!(
        (v.xmax - v.xmin - (v.ymax - v.ymin)).abs() < 1e-6 * (v.xmax - v.xmin),
        "{v:?}"
    );
    let mut run = Playground::new(c.clone());
    assert!(run.model().norm.is_some());
    let (xs, ys): (Vec<f64>, Vec<f64>) = run.points().iter().map(|p| (p.x, p.y)).unzip();
    assert!(
        xs.iter().all(|&x| x > v.xmin && x < v.xmax)
            && ys.iter().all(|&y| y > v.ymin && y < v.ymax)
    );
    run.train(300);
    let s = run.stats();
    assert!(!s.diverged && s.train_accuracy.unwrap() > 0.9, "{s:?}");
    // The link holds it, and the run from the link has the same normalisation.
    let h = micrograd_playground::settings::encode_hash(run.config(), 10, false);
    assert!(h.contains("&norm="), "{h}");
    let linked = Playground::new(micrograd_playground::settings::parse_hash(&h).config);
    assert_eq!(linked.model().norm, run.model().norm);
    // The grid agrees with the graph under normalisation, bit for bit.
    let m = run.model();
    let (x, y) = (xs[3], ys[3]);
    let g = micrograd_playground::engine::Graph::new();
    let p = m.leaves(&g);
    let want = m.forward(&p, &m.embed(g.value(x), g.value(y)))[0].data();
    assert_eq!(m.score(x, y).to_bits(), want.to_bits());
}

/// Bad files are refused with the line and column, and the run is left as it was.
#[test]
fn bad_csv_is_refused_with_where() {
    let mut pg = Playground::new(Config::default());
    pg.train(5);
    let before = (pg.config().clone(), pg.points().to_vec(), pg.stats().step);
    for (text, want) in [
        ("x,y,label\n1,2,1\n3,abc,1\n", "CSV: line 3, column 2"),
        ("1,2\n", "CSV: line 1"),
        ("", "CSV: the file has no data rows"),
    ] {
        let e = pg.import_csv(text).unwrap_err();
        assert!(e.starts_with(want), "{e}");
    }
    assert_eq!(
        (pg.config().clone(), pg.points().to_vec(), pg.stats().step),
        before
    );
}

/// The views inside the network (#12): every unit's grid equals the graph's node on that
/// cell, the hidden layer's view of a point equals its neurons' outputs, the inspector's
/// equation holds with its numbers, and an edited weight moves the boundary and can be put
/// back.
#[test]
fn inside_the_network_unit_grids_hidden_space_inspector_and_edits() {
    use micrograd_playground::engine::Graph;
    let mut pg = Playground::new(Config {
        features: vec![
            micrograd_playground::features::Feature::X1,
            micrograd_playground::features::Feature::X2,
            micrograd_playground::features::Feature::Sinx1,
        ],
        hidden: vec![4, 3],
        activation: micrograd_playground::nn::Activation::Tanh,
        ..Config::default()
    });
    pg.train(30);
    let res = 9;
    let view = pg.view();
    let units = pg.model().units();
    assert_eq!(units, 3 + 4 + 3 + 1);
    let post = pg.unit_grids(res, false).to_vec();
    let pre = pg.unit_grids(res, true).to_vec();
    assert_eq!(post.len(), units * res * res);
    let model = pg.model().clone();
    for cell in [0, 40, 80] {
        let (r, c) = (cell / res, cell % res);
        let x = view.xmin + (c as f64 + 0.5) * (view.xmax - view.xmin) / res as f64;
        let y = view.ymax - (r as f64 + 0.5) * (view.ymax - view.ymin) / res as f64;
        let g = Graph::new();
        let p = model.leaves(&g);
        let mut want = model.embed(g.value(x), g.value(y));
        let mut sums = want.clone();
        let mut input = want.clone();
        let mut k = 0;
        for l in &model.layers {
            let mut next = Vec::new();
            for _ in 0..l.nout {
                let s = input
                    .iter()
                    .zip(&p[k..k + l.nin])
                    .fold(p[k + l.nin], |acc, (&xi, &wi)| acc + wi * xi);
                k += l.nin + 1;
                sums.push(s);
                next.push(l.activation.apply(s));
            }
            want.extend(next.iter().copied());
            input = next;
        }
        for u in 0..units {
            assert_eq!(
                post[u * res * res + cell],
                want[u].data() as f32,
                "unit {u} cell {cell}"
            );
            assert_eq!(
                pre[u * res * res + cell],
                sums[u].data() as f32,
                "unit {u} cell {cell}"
            );
        }
    }
    // The hidden layer's view: point 5 lands where neurons 1 and 2 of layer 0 put it.
    let h = pg.hidden_space(0, 1, 2, 5).unwrap();
    assert_eq!(h.points.len(), 2 * pg.points().len());
    assert_eq!(h.lines.len(), 10);
    let info = pg.neuron_info(0, 1, 5).unwrap();
    assert_eq!(h.points[10], info.output as f32);
    assert!(pg.hidden_space(0, 1, 9, 5).is_none());
    // The inspector's equation: output = tanh(b + w . inputs), in the graph's order.
    let (w, b) = (&info.params[..3], info.params[3].value);
    let sum = info
        .inputs
        .iter()
        .zip(w)
        .fold(b, |acc, (x, p)| acc + p.value * x);
    assert_eq!(sum, info.sum);
    assert_eq!(info.sum.tanh(), info.output);
    assert!(info
        .params
        .iter()
        .all(|p| p.grad.is_finite() && p.velocity.is_none()));
    // An edit moves the boundary; putting the old value back restores it exactly.
    let before = pg.boundary(30).to_vec();
    let k = info.params[0].index;
    let old = pg.set_param(k, info.params[0].value + 3.0).unwrap();
    assert_eq!(old, info.params[0].value);
    assert_ne!(pg.boundary(30).to_vec(), before);
    pg.set_param(k, old).unwrap();
    assert_eq!(pg.boundary(30).to_vec(), before);
    assert!(pg.set_param(k, f64::NAN).is_err() && pg.set_param(10_000, 1.0).is_err());
}

/// A click adds a point labelled as the problem labels them: the sign for two classes, a
/// class for more (anything else refused), the typed target for regression.
#[test]
fn added_points_carry_the_problems_labels() {
    let mut pg = Playground::new(Config {
        dataset: Dataset::Blobs,
        classes: 3,
        ..Config::default()
    });
    assert!(pg.add_point(0.5, 0.5, 2.0));
    assert_eq!(pg.points().last().unwrap().label, 2.0);
    assert!(!pg.add_point(0.5, 0.5, 3.0) && !pg.add_point(0.5, 0.5, 1.5));
    assert!(pg
        .take_notices()
        .iter()
        .any(|n| n.contains("class goes from 0 to 2")));
    let mut r = Playground::new(Config {
        dataset: Dataset::Plane,
        ..Config::default()
    });
    assert!(
        r.take_notices().is_empty(),
        "a regression set with the default loss: no notice"
    );
    assert!(r.add_point(1.0, 1.0, -0.75));
    assert_eq!(r.points().last().unwrap().label, -0.75);
    assert!(!r.add_point(1.0, 1.0, f64::NAN));
    let mut b = Playground::new(Config::default());
    assert!(b.add_point(0.5, 0.5, 0.3));
    assert_eq!(b.points().last().unwrap().label, 1.0);
}

/// A saved file is read field by field (src/json.rs): every refusal names the field in words,
/// without the parser's jargon, and echoes what it got short and free of bidi controls.
#[test]
fn a_bad_saved_file_is_refused_in_words_naming_the_field() {
    let pg = Playground::new(Config::default());
    let json: serde_json::Value = serde_json::from_str(&pg.to_json()).unwrap();
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut j = json.clone();
        f(&mut j);
        j.to_string()
    };
    let long_rlo = format!("\u{202E}{}", "x".repeat(3000));
    let cases: Vec<(String, &str)> = vec![
        (
            with(&|j| j["step"] = (-5).into()),
            "step: expected a whole number from 0 to 1000000000000, found -5",
        ),
        (
            with(&|j| j["config"]["hidden"][0] = (-5).into()),
            "config.hidden[0] must be a whole number from 1 to 32; got \"-5\"",
        ),
        (
            with(&|j| j["config"]["view"] = serde_json::json!({"xmin": "a"})),
            "config.view must be",
        ),
        (
            with(&|j| j["model"]["params"][3] = "w".into()),
            "model.params[3]: expected a finite number, found text",
        ),
        (
            with(&|j| j["model"]["layers"][1]["activation"] = "gelu".into()),
            "model.layers[1].activation: \"gelu\" is not one of relu, tanh",
        ),
        (
            with(&|j| {
                j.as_object_mut().unwrap().remove("config");
            }),
            "missing field config",
        ),
        (
            with(&|j| j["config"]["junk"] = 1.into()),
            "config.\"junk\" is not a setting",
        ),
        (
            with(&|j| j["format"] = long_rlo.clone().into()),
            "format: expected \"micrograd-playground/1\", found \"xxx",
        ),
        (
            with(&|j| j["config"]["activation"] = "tanh".into()),
            "model: its activation is relu but the settings' is tanh",
        ),
        (
            format!("{}{}", "[".repeat(50), "]".repeat(50)),
            "nested more than 32 levels deep",
        ),
    ];
    for (text, want) in cases {
        let Err(e) = Playground::from_json(&text) else {
            panic!("accepted: {want}")
        };
        assert!(e.contains(want), "{want}\n{e}");
        for jargon in [
            "invalid type",
            "invalid value",
            "expected u64",
            "expected usize",
            "line 1 column",
            "`",
        ] {
            assert!(!e.contains(jargon), "{jargon} in {e}");
        }
        assert!(!e.contains('\u{202E}') && e.chars().count() < 300, "{e}");
    }
    // A whole number out of range, even one no u64 holds, is brought in and said so.
    let text = with(&|j| j["config"]["seed"] = 1e21.into());
    let Ok(mut back) = Playground::from_json(&text) else {
        panic!("a seed of 1e21 is refused")
    };
    assert_eq!(back.config().seed, 4294967295);
    assert_eq!(
        back.take_notices(),
        ["seed must be a whole number from 0 to 4294967295; got 1e21: set to 4294967295"]
    );
}

/// The issue's own case, from a link: two points and a 2-4-4-1 ReLU network that cannot learn
/// them (seed 10). The page says why within the first few hundred steps.
#[test]
fn two_points_and_a_stuck_network_from_a_link_say_why() {
    let link = micrograd_playground::settings::parse_hash(
        "#dataset=custom&points=1,1,1;-1,-1,-1&hidden=4,4&seed=10&test_fraction=0",
    );
    assert!(link.notices.is_empty(), "{:?}", link.notices);
    let mut pg = Playground::new(link.config);
    pg.step(700);
    let notes = pg.take_notices();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("ReLU units are off") || n.contains("not learning")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("leaky ReLU") || n.contains("learning rate")),
        "{notes:?}"
    );
}

/// Points a link or a file puts outside the plot are never invisible: the view grows to show
/// them, and the page says how many were outside.
#[test]
fn points_outside_the_view_widen_it_with_a_notice() {
    let link =
        micrograd_playground::settings::parse_hash("#dataset=custom&points=100000,0,1;0,0,-1");
    let mut pg = Playground::new(link.config);
    let v = pg.view();
    assert!(
        v.xmin <= 0.0 && v.xmax >= 100000.0 && v.ymin <= 0.0 && v.ymax >= 0.0,
        "{v:?}"
    );
    let notes = pg.take_notices();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("view: 1 of the 2 points lay outside")),
        "{notes:?}"
    );
    // Points inside their frame leave it as it is, and say nothing.
    let link = micrograd_playground::settings::parse_hash("#dataset=custom&points=1,1,1;-1,-1,-1");
    let mut pg = Playground::new(link.config);
    assert_eq!(pg.view(), Dataset::Custom.view());
    assert!(pg.take_notices().is_empty());
}
