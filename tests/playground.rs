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
