//! The settings table and the URL hash codec built on it: defaults from `Config::default()`,
//! every range clamps with a message in words, links keep what they can and name the rest, and
//! a config survives the trip through its link.
#![cfg(not(target_arch = "wasm32"))]

use micrograd_playground::data::{self, Dataset, Problem, View};
use micrograd_playground::features::Feature;
use micrograd_playground::loss::Loss;
use micrograd_playground::nn::Activation;
use micrograd_playground::optim::OptimizerKind;
use micrograd_playground::playground::{Config, Playground};
use micrograd_playground::settings::{
    self, encode_hash, parse_hash, Kind, Val, DEFAULT_SPEED, SETTINGS,
};
use proptest::prelude::*;
use serde_json::{json, Value};

fn config_json(c: &Config) -> serde_json::Map<String, Value> {
    match serde_json::to_value(c).unwrap() {
        Value::Object(m) => m,
        _ => unreachable!(),
    }
}

#[test]
fn the_table_covers_the_config_and_its_defaults_are_config_default() {
    let config = config_json(&Config::default());
    let table = serde_json::to_value(settings::table()).unwrap();
    let table = table.as_array().unwrap();
    for entry in table {
        let name = entry["name"].as_str().unwrap();
        match name {
            "speed" => assert_eq!(entry["default"], json!(DEFAULT_SPEED)),
            "discretize" => assert_eq!(entry["default"], json!(false)),
            // A whole default (stop_epoch's 0) is written as an integer; the config's is 0.0.
            _ if config[name].is_f64() => {
                assert_eq!(entry["default"].as_f64(), config[name].as_f64(), "{name}")
            }
            _ => assert_eq!(entry["default"], config[name], "{name}"),
        }
        assert!(!entry["label"].as_str().unwrap().is_empty(), "{name}");
        assert!(!entry["help"].as_str().unwrap().is_empty(), "{name}");
    }
    // Every config field has exactly one entry, and the page's two settings follow.
    let names: Vec<&str> = table.iter().map(|e| e["name"].as_str().unwrap()).collect();
    let mut fields: Vec<&str> = config.keys().map(String::as_str).collect();
    fields.extend(["speed", "discretize"]);
    let (mut a, mut b) = (names.clone(), fields);
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // Each default is within its own range, and each choice is a value serde accepts.
    let mut notes = Vec::new();
    let mut c = Config::default();
    c.sanitize(&mut notes);
    assert_eq!((c, notes), (Config::default(), vec![]));
    for s in SETTINGS {
        if let Kind::Choice { choices } = s.kind {
            for ch in choices {
                let mut m = config_json(&Config::default());
                m.insert(s.name.into(), json!(ch.value));
                let back: Result<Config, _> = serde_json::from_value(Value::Object(m));
                assert!(
                    back.is_ok(),
                    "{}={} is not a config value",
                    s.name,
                    ch.value
                );
            }
        }
    }
    for d in Dataset::ALL {
        let v = serde_json::to_value(d).unwrap();
        let s = settings::find("dataset").unwrap();
        assert!(
            settings::check(s, &Val::from(&v)).is_ok(),
            "{v} missing from the table"
        );
    }
    // Each choice reads and writes the config field serde gives that name.
    for s in SETTINGS {
        if let Kind::Choice { choices } = s.kind {
            for ch in choices {
                // Custom points can be either problem; a generated set decides it.
                let mut c: Config =
                    serde_json::from_value(json!({ s.name: ch.value, "dataset": if s.name == "problem" { "custom" } else if s.name == "dataset" { ch.value } else { "moons" } }))
                        .unwrap();
                c.sanitize(&mut Vec::new());
                let pair = format!("&{}={}&", s.name, ch.value);
                let h = encode_hash(&c, 10, false).replacen('#', "&", 1) + "&";
                assert!(h.contains(&pair), "{pair} not in {h}");
                assert_eq!(parse_hash(&h).config, c, "{pair}");
            }
        }
    }
    // The playground's limits are the table's.
    use micrograd_playground::playground::{MAX_LAYERS, MAX_NEURONS, MAX_POINTS};
    assert_eq!(
        (MAX_POINTS, MAX_LAYERS, MAX_NEURONS),
        (5000, 6, 32),
        "the table changed: check the page and the tests"
    );
}

#[test]
fn every_range_clamps_with_the_range_in_words() {
    for s in SETTINGS {
        let Some(r) = s.range else { continue };
        let (below, above) = match s.kind {
            Kind::Whole | Kind::Number => (Val::Num(r.min - 1.0), Val::Num(r.max + 1.0)),
            Kind::IntList => (Val::List(vec![r.min - 1.0]), Val::List(vec![r.max + 1.0])),
            _ => continue,
        };
        for (v, want) in [(below, r.min), (above, r.max)] {
            let (got, notes) = settings::check(s, &v).unwrap();
            let got = match got {
                Val::Num(x) => x,
                Val::List(l) => l[0],
                got => panic!("{got:?}"),
            };
            assert_eq!(got, want, "{} {v:?}", s.name);
            assert_eq!(notes.len(), 1, "{} {v:?}: {notes:?}", s.name);
            assert!(
                notes[0].contains(" must be ") && notes[0].contains(" from "),
                "{}",
                notes[0]
            );
        }
    }
    // The same limits on a whole config, and on the live setters, which lift a divergence stop.
    let mut notes = Vec::new();
    let mut c = Config {
        momentum: 5.0,
        l2: -1.0,
        seed: u64::MAX,
        ..Config::default()
    };
    c.sanitize(&mut notes);
    assert_eq!((c.momentum, c.l2, c.seed), (0.99, 0.0, u32::MAX as u64));
    assert_eq!(notes.len(), 3, "{notes:?}");
    let mut pg = Playground::new(Config::default());
    pg.set_momentum(2.0);
    pg.set_batch_size(1 << 40);
    pg.set_learning_rate(20.0);
    let c = pg.config();
    assert_eq!(
        (c.momentum, c.batch_size, c.learning_rate),
        (0.99, 5000, 10.0)
    );
    assert_eq!(pg.trainer().config.momentum, 0.99);
    let notes = pg.take_notices();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert_eq!(
        notes[2],
        "learning_rate must be a number from 0.0001 to 10; got 20: set to 10"
    );
    // Every live config setting has a way onto the running network.
    for e in settings::table() {
        if e.setting.live && !e.setting.page_only {
            let default = serde_json::to_value(&e.default).unwrap();
            pg.set(e.setting.name, &default).unwrap();
        }
    }
    assert!(
        pg.set("n_points", &json!(10)).is_err(),
        "rebuilds: not live"
    );
    assert!(pg.set("optimizer", &json!("rmsprop")).is_err());
    pg.set("optimizer", &json!("adam")).unwrap();
    assert_eq!(pg.config().optimizer, OptimizerKind::Adam);
}

#[test]
fn n_points_out_of_range_names_the_range_in_words() {
    let p = parse_hash("#n_points=-5");
    assert_eq!(p.config.n_points, 10);
    assert_eq!(
        p.notices,
        ["n_points must be a whole number from 10 to 5000; got -5: set to 10"]
    );
    let p = parse_hash("#n_points=abc&learning_rate=1e308");
    assert_eq!(p.config.n_points, Config::default().n_points);
    assert_eq!(p.config.learning_rate, 10.0);
    assert_eq!(
        p.notices,
        [
            "n_points must be a whole number from 10 to 5000; got \"abc\": ignored",
            "learning_rate must be a number from 0.0001 to 10; got 1e308: set to 10",
        ]
    );
}

#[test]
fn one_bad_key_costs_only_itself() {
    let p = parse_hash("#junk=1&dataset=xor");
    assert_eq!(p.config.dataset, Dataset::Xor);
    assert_eq!(p.notices, ["unknown setting \"junk\": ignored"]);
    // Malformed values, each named; the valid keys around them (and valid points) are kept.
    let p = parse_hash(
        "#dataset=banana&hidden=16,x&activation=tanh&points=1,2,1;oops;3,4,-1;5,6,7&dataset=xor",
    );
    assert_eq!(p.config.dataset, Dataset::Moons);
    assert_eq!(p.config.hidden, Config::default().hidden);
    assert_eq!(p.config.activation, Activation::Tanh);
    assert_eq!(p.config.points, vec![[1.0, 2.0, 1.0], [3.0, 4.0, -1.0]]);
    let all = p.notices.join("\n");
    for word in [
        "banana",
        "hidden",
        "points: dropped 1 not written as x,y,label",
        "points: dropped 1 whose label is not 1 or -1",
        "\"dataset\" is given twice",
    ] {
        assert!(all.contains(word), "{word} not in {all}");
    }
    assert_eq!(p.notices.len(), 5, "{all}");
}

#[test]
fn a_key_given_twice_keeps_the_first_and_says_so() {
    let p = parse_hash("#seed=1&seed=2");
    assert_eq!(p.config.seed, 1);
    assert_eq!(p.notices, ["\"seed\" is given twice: kept the first"]);
}

#[test]
fn numbers_are_checked_as_the_number_they_are() {
    for big in [
        "4294967296",
        "4294967297",
        "9007199254740991",
        "1e400",
        &"9".repeat(400),
    ] {
        let p = parse_hash(&format!("#speed={big}"));
        if big.len() > 300 || big.contains('e') {
            // Not a whole number, or beyond f64: ignored (and not echoed in full).
            assert_eq!(p.speed, DEFAULT_SPEED, "{big}");
            assert!(p.notices[0].ends_with(": ignored"), "{:?}", p.notices);
            continue;
        }
        assert_eq!(p.speed, 500, "{big}");
        assert_eq!(p.notices.len(), 1);
        assert!(
            p.notices[0].starts_with(&format!(
                "speed must be one of 1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500; got {}",
                big
            )) && p.notices[0].ends_with(": set to 500"),
            "{}",
            p.notices[0]
        );
        // Compact: at most 6 significant digits, never 400 of them.
        assert!(p.notices[0].len() < 120, "{}", p.notices[0]);
    }
    let p = parse_hash("#speed=0&seed=%2B5&n_points=5000");
    assert_eq!((p.speed, p.config.seed, p.config.n_points), (1, 5, 5000));
    assert_eq!(
        parse_hash("#speed=40").speed,
        30,
        "a stop between stops goes down"
    );
    assert_eq!(
        parse_hash("#seed=4294967296").config.seed,
        u32::MAX as u64,
        "clamped, not wrapped"
    );
    assert_eq!(settings::num_text(1e308), "1e308");
    assert_eq!(settings::num_text(1e9), "1000000000");
    assert_eq!(settings::num_text(0.1 + 0.2), "0.3");
    assert_eq!(settings::num_text(1.234_567_89e-9), "1.23457e-9");
}

#[test]
fn echoed_text_is_short_and_free_of_bidi_controls() {
    const BIDI: &[char] = &[
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
    ];
    let p = parse_hash("#%E2%80%AEdataset=xor");
    assert_eq!(
        p.config.dataset,
        Dataset::Moons,
        "the key is not \"dataset\""
    );
    assert_eq!(p.notices.len(), 1);
    assert!(!p.notices[0].contains(BIDI), "{:?}", p.notices[0]);
    assert!(p.notices[0].contains("\"dataset\""), "{}", p.notices[0]);
    let long = format!("#activation={}%E2%81%A7", "x".repeat(500));
    let n = &parse_hash(&long).notices[0];
    assert!(n.contains(&format!("\"{}…\"", "x".repeat(40))), "{n}");
    assert!(n.len() < 200 && !n.contains(BIDI), "{n}");
}

#[test]
fn views_are_bounded() {
    let ok = parse_hash("#dataset=custom&view=-1.5,2.5,-1.75,2.25&points=0.5,0.5,1");
    assert_eq!(
        ok.config.view,
        Some(View {
            xmin: -1.5,
            xmax: 2.5,
            ymin: -1.75,
            ymax: 2.25
        })
    );
    assert!(ok.notices.is_empty(), "{:?}", ok.notices);
    for bad in [
        "0,1e-300,0,1",
        "0,1,0,1e7",
        "1,0,0,1",
        "0,1,0",
        "0,inf,0,1",
        "a,b,c,d",
    ] {
        let p = parse_hash(&format!("#view={bad}"));
        assert_eq!(p.config.view, None, "{bad}");
        assert!(p.notices[0].starts_with("view must be"), "{:?}", p.notices);
    }
    let p = parse_hash("#points=1e7,0,1;0,0,1;nan,0,1");
    assert_eq!(p.config.points, vec![[0.0, 0.0, 1.0]]);
}

/// `features=` takes any subset in any order (kept in the table's order, once each); unknown
/// names are named and dropped; none at all keeps x1, x2 and says why. `hidden=` is no layer.
#[test]
fn features_and_no_hidden_layer_in_a_link() {
    let p = parse_hash("#features=x2sq,x1sq,zz,x1sq&hidden=");
    assert_eq!(p.config.features, vec![Feature::X1sq, Feature::X2sq]);
    assert_eq!(p.config.hidden, Vec::<usize>::new());
    assert_eq!(p.notices.len(), 1, "{:?}", p.notices);
    assert!(p.notices[0].contains("ignored \"zz\""), "{:?}", p.notices);
    assert!(encode_hash(&p.config, 10, false).contains("&hidden=&features=x1sq,x2sq&"));
    for bad in ["", "zz", ","] {
        let p = parse_hash(&format!("#features={bad}"));
        assert_eq!(p.config.features, Feature::XY.to_vec(), "{bad}");
        assert!(
            p.notices[0].starts_with("features must be one or more of x1, x2"),
            "{:?}",
            p.notices
        );
    }
    // The model takes exactly the features, in order.
    let pg = Playground::new(parse_hash("#features=sinx2,x1x2,x1").config);
    let m = pg.model();
    assert_eq!(m.features, vec![Feature::X1, Feature::X1x2, Feature::Sinx2]);
    assert_eq!(m.nin(), 3);
}

#[test]
fn encode_writes_the_format_the_page_always_had() {
    assert_eq!(
        encode_hash(&Config::default(), 10, false),
        "#dataset=moons&problem=classification&classes=2&n_points=100&noise=0.1&seed=1337&test_fraction=0.2&hidden=16,16\
         &features=x1,x2&activation=relu&loss=hinge&learning_rate=0.1&l2=0.0001&optimizer=sgd&momentum=0.9\
         &batch_size=0&lr_decay=0&stop_step=0&stop_epoch=0&stop_loss=0&speed=10&discretize=0"
    );
    let c = Config {
        dataset: Dataset::Custom,
        hidden: vec![],
        points: vec![[0.12345, -1.0, 1.0], [2.0, 1e-9, -1.0]],
        view: Some(View {
            xmin: -1.5,
            xmax: 2.5,
            ymin: -1.75,
            ymax: 2.25,
        }),
        ..Config::default()
    };
    let h = encode_hash(&c, 500, true);
    assert!(
        h.contains("&hidden=&")
            && h.contains(
                "&points=0.123,-1,1;2,0,-1&view=-1.5,2.5,-1.75,2.25&speed=500&discretize=1"
            ),
        "{h}"
    );
    assert_eq!(parse_hash(&h).config.hidden, Vec::<usize>::new());
}

/// A decimal number with at most 6 significant digits (so its text is exact).
fn decimal(
    m: std::ops::RangeInclusive<u32>,
    e: std::ops::RangeInclusive<i32>,
) -> impl Strategy<Value = f64> {
    (m, e).prop_map(|(m, e)| format!("{m}e{e}").parse().unwrap())
}

prop_compose! {
    fn any_config()(
        dataset in prop::sample::select(Dataset::ALL.to_vec()),
        n_points in 10usize..=5000, noise in decimal(1..=999_999, -7..=-7), seed in any::<u32>(),
        test_fraction in decimal(1..=899_999, -6..=-6), hidden in prop::collection::vec(1usize..=32, 0..=6),
        activation in prop::sample::select(Activation::ALL.to_vec()),
        features in prop::sample::subsequence(Feature::ALL.to_vec(), 1..=7),
        loss in prop::sample::select(vec![Loss::Hinge, Loss::Bce, Loss::Mse, Loss::Huber]),
        regression in any::<bool>(), classes in 2usize..=6,
        learning_rate in decimal(100_000..=999_999, -9..=-5), l2 in decimal(1..=999_999, -12..=-7),
        optimizer in prop::sample::select(vec![OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::Adam]),
        momentum in 0u32..=99, batch_size in 0usize..=5000, lr_decay in any::<bool>(),
        stop_step in 0u64..=1_000_000, stop_epoch in 0u32..=1000, stop_loss in 0u32..=1000,
        points in prop::collection::vec((-999_999i32..=999_999, -999_999i32..=999_999, 0usize..6), 0..50),
        corner in (-1_000_000i32..=0, -1_000_000i32..=0), size in (1i32..=1_000_000, 1i32..=1_000_000),
    ) -> Config {
        let milli = |k: i32| k as f64 / 1000.0;
        let custom = dataset == Dataset::Custom;
        let problem = dataset.problem().unwrap_or(if regression { Problem::Regression } else { Problem::Classification });
        // Regression takes squared error or Huber; any loss goes with classes.
        let loss = if problem == Problem::Regression && matches!(loss, Loss::Hinge | Loss::Bce) { Loss::Mse } else { loss };
        let k = if problem == Problem::Classification && dataset.multiclass() { classes } else { 2 };
        let label = |c: usize, x: i32| match problem {
            Problem::Regression => milli(x / 7),
            Problem::Classification => data::class_label(c % k, k),
        };
        Config {
            dataset, problem, classes, n_points, noise, seed: seed as u64, test_fraction, hidden, features, activation, loss,
            learning_rate, l2, optimizer, momentum: momentum as f64 / 100.0, batch_size, lr_decay,
            stop_step, stop_epoch: stop_epoch as f64 / 4.0, stop_loss: stop_loss as f64 / 1000.0,
            points: if custom {
                points.iter().map(|&(x, y, c)| [milli(x), milli(y), label(c, x)]).collect()
            } else {
                vec![]
            },
            norm: custom.then(|| View {
                xmin: milli(corner.1), xmax: milli(corner.1 + size.1),
                ymin: milli(corner.0), ymax: milli(corner.0 + size.0),
            }),
            view: custom.then(|| View {
                xmin: milli(corner.0), xmax: milli(corner.0 + size.0),
                ymin: milli(corner.1), ymax: milli(corner.1 + size.1),
            }),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_config_survives_its_link(c in any_config(), speed in prop::sample::select(vec![1u32, 3, 10, 500]), d in any::<bool>()) {
        let mut checked = c.clone();
        let mut notes = Vec::new();
        checked.sanitize(&mut notes);
        prop_assert_eq!(&checked, &c, "the strategy stays in range: {:?}", notes);
        let h = encode_hash(&c, speed, d);
        let p = parse_hash(&h);
        prop_assert!(p.notices.is_empty(), "{}: {:?}", h, p.notices);
        prop_assert_eq!(p.config, c);
        prop_assert_eq!((p.speed, p.discretize), (speed, d));
    }

    /// Any text: never a panic, the config always within the table (sanitising changes nothing).
    #[test]
    fn any_hash_gives_a_valid_config(text in "[#a-z_=&%0-9,;.+-]{0,200}") {
        let p = parse_hash(&text);
        let mut c = p.config.clone();
        let mut notes = Vec::new();
        c.sanitize(&mut notes);
        prop_assert_eq!(c, p.config);
        prop_assert!(notes.is_empty());
        prop_assert!(p.notices.len() <= 10);
    }
}

/// A link carries at most MAX_LINK_POINTS points; past that it keeps the settings, and the
/// note says why the points are not in it.
#[test]
fn a_link_holds_a_capped_number_of_points() {
    use micrograd_playground::settings::{link_note, MAX_LINK_POINTS};
    let mut c = Config {
        dataset: Dataset::Custom,
        points: (0..MAX_LINK_POINTS)
            .map(|i| [i as f64 / 100.0, 0.5, 1.0])
            .collect(),
        view: Some(View {
            xmin: -1.0,
            xmax: 11.0,
            ymin: -1.0,
            ymax: 11.0,
        }),
        ..Config::default()
    };
    assert!(encode_hash(&c, 10, false).contains("&points="));
    assert_eq!(link_note(&c), None);
    c.points.push([0.0, 0.0, -1.0]);
    let h = encode_hash(&c, 10, false);
    assert!(
        !h.contains("&points=") && h.contains("dataset=custom") && h.contains("view="),
        "{h}"
    );
    assert!(link_note(&c).unwrap().contains("these 1001 are not in it"));
}
