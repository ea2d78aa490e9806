//! The graph view: DOT that real Graphviz renders, with the engine's numbers in it; the guided
//! examples' textbook values; the live neuron's graph against finite differences.
#![cfg(not(target_arch = "wasm32"))]

use micrograd_playground::data::Dataset;
use micrograd_playground::engine::Graph;
use micrograd_playground::graphview::{self, GraphView, EXAMPLES};
use micrograd_playground::loss::{Loss, Task};
use micrograd_playground::nn::{Activation, Mlp};
use micrograd_playground::train::{TrainConfig, Trainer};
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs Debian's `dot -Tsvg` on `dot` text; panics with Graphviz's message if it refuses.
fn render_svg(dot: &str) -> String {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Graphviz `dot` is installed (make setup installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "dot failed: {}\n{dot}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn value<'a>(v: &'a GraphView, label: &str) -> &'a graphview::ViewNode {
    v.nodes
        .iter()
        .find(|n| n.kind == "value" && n.label == label)
        .unwrap_or_else(|| panic!("no node {label}"))
}

#[test]
fn dot_renders_with_graphviz_and_carries_the_engines_numbers() {
    let g = Graph::new();
    let a = g.value(1.0).with_label("a");
    let b = g.value(2.0).with_label("b");
    let c = (a * b).with_label("c");
    let d = (c + a).tanh().with_label("d|<odd> {name}");
    d.backward();
    let dot = graphview::to_dot(&g, d.id());
    assert!(dot.contains("rankdir=LR"));
    assert!(dot.contains(&format!(
        "{{ a | data {:.4} | grad {:.4} }}",
        a.data(),
        a.grad()
    )));
    assert!(dot.contains(&format!(
        "{{ c | data {:.4} | grad {:.4} }}",
        c.data(),
        c.grad()
    )));
    let svg = render_svg(&dot);
    // The rendered picture shows the numbers too (Graphviz splits record fields into texts).
    assert!(svg.contains(&format!("data {:.4}", d.data())), "{svg}");
    assert!(svg.contains(&format!("grad {:.4}", a.grad())));
    assert!(svg.contains(">tanh<") && svg.contains(">*<"));
    assert!(
        svg.contains("d|&lt;odd&gt; {name}"),
        "labels are escaped, not parsed"
    );
}

#[test]
fn every_example_renders_and_matches_its_textbook_values() {
    for name in EXAMPLES {
        let v = graphview::example_view(name, &[]).unwrap();
        render_svg(&v.dot);
        assert!(!v.forward.is_empty() && !v.backward.is_empty());
        assert!(v.nodes.iter().all(|n| n.col < v.columns && n.row < v.rows));
    }
    // c = a * b with a = 1, b = 2: dc/da = 2, dc/db = 1.
    let v = graphview::example_view("product", &[]).unwrap();
    assert_eq!(value(&v, "c").data, 2.0);
    assert_eq!(value(&v, "a").grad, 2.0);
    assert_eq!(value(&v, "b").grad, 1.0);
    // The lecture's L = (a*b + c) * f: dL/da = b*f = 6, dL/dc = f = -2, dL/df = d = 4.
    let v = graphview::example_view("sum_of_products", &[]).unwrap();
    assert_eq!(value(&v, "L").data, -8.0);
    assert_eq!(value(&v, "a").grad, 6.0);
    assert_eq!(value(&v, "b").grad, -4.0);
    assert_eq!(value(&v, "c").grad, -2.0);
    assert_eq!(value(&v, "f").grad, 4.0);
    // micrograd's README expression: g = 24.7041, dg/da = 138.8338, dg/db = 645.5773.
    let v = graphview::example_view("readme", &[]).unwrap();
    let out = v.forward.last().unwrap();
    assert!((out.data - 24.70408163265306).abs() < 1e-9);
    assert!((value(&v, "a").grad - 138.83381924198252).abs() < 1e-6);
    assert!((value(&v, "b").grad - 645.5772594752186).abs() < 1e-6);
}

#[test]
fn neuron_example_grads_match_finite_differences() {
    let names = ["x1", "x2", "w1", "w2", "b"];
    let defaults: Vec<f64> = graphview::example_inputs("neuron")
        .unwrap()
        .iter()
        .map(|p| p.1)
        .collect();
    let out = |x: &[f64]| {
        let g = Graph::new();
        graphview::build_example(&g, "neuron", x).unwrap().0.data()
    };
    let v = graphview::example_view("neuron", &defaults).unwrap();
    assert!((value(&v, "o").data - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-12);
    for (k, name) in names.iter().enumerate() {
        let h = 1e-6;
        let (mut up, mut down) = (defaults.clone(), defaults.clone());
        up[k] += h;
        down[k] -= h;
        let numeric = (out(&up) - out(&down)) / (2.0 * h);
        let auto = value(&v, name).grad;
        assert!((auto - numeric).abs() < 1e-6, "{name}: {auto} vs {numeric}");
    }
    // The backward trace ends with every input's final grad.
    let last_grad = |node: usize| {
        v.backward
            .iter()
            .flat_map(|s| &s.edges)
            .rfind(|e| e.operand == node)
            .unwrap()
            .grad_after
    };
    for name in names {
        let n = value(&v, name);
        assert_eq!(last_grad(n.id), n.grad);
    }
    // Edited inputs recompute: with x2 = 1 the sum changes by w2.
    let edited = graphview::example_view("neuron", &[2.0, 1.0]).unwrap();
    assert!((value(&edited, "n").data - value(&v, "n").data - 1.0).abs() < 1e-12);
}

#[test]
fn live_neuron_view_agrees_with_the_full_network() {
    let pts = Dataset::Moons.generate(60, 0.1, 4);
    let mut t = Trainer::new(
        Mlp::new(2, &[4, 3], 1, Activation::Tanh, 4),
        TrainConfig::default(),
        4,
    );
    for _ in 0..20 {
        t.step(&pts);
    }
    let p = pts[7];
    let v = graphview::neuron_view(
        &t.model,
        Loss::Hinge,
        Task::Binary,
        1,
        2,
        (p.x, p.y, p.label),
    )
    .unwrap();
    render_svg(&v.dot);
    // Layer 2 neuron 3 has three weights, a bias and three inputs from layer 1.
    for name in ["w1", "w2", "w3", "b", "h1.1", "h1.2", "h1.3"] {
        value(&v, name);
    }
    // d(loss)/d(w) of the neuron's weights is the network's gradient for that sample.
    let g = Graph::new();
    let params = t.model.leaves(&g);
    let score = t.model.forward(&params, &[g.value(p.x), g.value(p.y)])[0];
    Loss::Hinge.sample(score, g.value(p.label)).backward();
    let first = t.model.layer_offset(1) + 2 * (3 + 1);
    for k in 0..3 {
        assert_eq!(
            value(&v, &format!("w{}", k + 1)).grad,
            params[first + k].grad()
        );
    }
    assert_eq!(value(&v, "b").grad, params[first + 3].grad());
    assert!(
        graphview::neuron_view(&t.model, Loss::Hinge, Task::Binary, 5, 0, (0.0, 0.0, 1.0))
            .is_none()
    );
}

#[test]
fn gradient_check_finds_autograd_right() {
    let pts = Dataset::Moons.generate(50, 0.1, 5);
    let mut t = Trainer::new(
        Mlp::new(2, &[8, 8], 1, Activation::Tanh, 5),
        TrainConfig {
            loss: Loss::Bce,
            ..TrainConfig::default()
        },
        5,
    );
    t.step(&pts);
    let before = t.model.params.clone();
    let c = t.gradient_check(&pts);
    assert_eq!(c.params, t.model.params.len());
    assert!(c.max_rel_error < 1e-5, "{c:?}");
    assert_eq!(before, t.model.params);
}

/// Numbers that overflow or are huge: the DOT stays short (no 309-digit numbers), writes
/// inf and NaN as words, and Graphviz renders it with those words on the boxes.
#[test]
fn dot_writes_huge_and_non_finite_numbers_compactly() {
    let g = Graph::new();
    let a = g.value(1e308).with_label("a");
    let b = g.value(-3e-9).with_label("b");
    let c = (a * 10.0).with_label("c"); // inf
    let d = (c - c + a * b).with_label("d"); // NaN
    let e = (a + b).with_label("e");
    let root = (d + e + c * -1.0).with_label("r");
    root.backward();
    let dot = graphview::to_dot(&g, root.id());
    let longest_number = dot
        .split(|ch: char| !ch.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap();
    assert!(
        longest_number <= 6,
        "a number with {longest_number} digits:\n{dot}"
    );
    assert!(dot.contains("{ a | data 1.000e308 |"), "{dot}");
    assert!(dot.contains("{ b | data -3.000e-9 |"), "{dot}");
    assert!(dot.contains("{ c | data inf |"), "{dot}");
    assert!(dot.contains("-inf"), "{dot}");
    assert!(dot.contains("{ d | data NaN |"), "{dot}");
    let svg = render_svg(&dot);
    for word in [">data inf<", ">data NaN<", ">data 1.000e308<"] {
        assert!(svg.contains(word), "{word} not drawn:\n{svg}");
    }
    assert_eq!(graphview::dot_number(0.5), "0.5000");
    assert_eq!(graphview::dot_number(-99.5), "-99.5000");
    assert_eq!(graphview::dot_number(123456.0), "1.235e5");
    assert_eq!(graphview::dot_number(0.0), "0.0000");
}
