//! Criterion benchmarks: micrograd's demo step (MLP 2-16-16-1, 100 moons points, hinge + L2,
//! full-batch SGD) on the dynamic graph, on the recorded tape, and hand-derived (the
//! speed-of-light yardstick, here only); the page's 150x150 boundary grid; and how the tape
//! step grows with batch size and with width. `scripts/bench_report.py` turns the results into
//! the README's table and plot.
// The hand-derived yardstick indexes its arrays the way the maths is written.
#![allow(clippy::needless_range_loop)]

use criterion::{black_box, criterion_group, BenchmarkId, Criterion};
use micrograd_playground::bench::step_config;
use micrograd_playground::data::{Dataset, Point};
use micrograd_playground::engine::Graph;
use micrograd_playground::golden::Golden;
use micrograd_playground::nn::{Activation, Mlp};
use micrograd_playground::playground::{Config, Playground};
use micrograd_playground::train::Trainer;
use std::time::{Duration, Instant};

/// A hand-derived forward and backward pass of micrograd's demo network (ReLU 2-16-16-1,
/// hinge loss + L2, SGD), written for speed: the yardstick the autograd engine is measured
/// against. Not used anywhere but here.
struct Reference {
    params: Vec<f64>,
    grads: Vec<f64>,
}

impl Reference {
    const H: usize = 16;

    fn new(params: Vec<f64>) -> Reference {
        Reference {
            grads: vec![0.0; params.len()],
            params,
        }
    }

    // micrograd's order: per neuron its weights then its bias.
    const L2: usize = 3 * Self::H; // layer 1: 16 neurons x (2 + 1)
    const L3: usize = Self::L2 + Self::H * (Self::H + 1);

    // Never inlined: criterion and the alternating rounds below then time the same code.
    #[inline(never)]
    fn step(&mut self, pts: &[Point], lr: f64, alpha: f64) -> f64 {
        const H: usize = Reference::H;
        let p = &self.params;
        let g = &mut self.grads;
        g.fill(0.0);
        let inv = 1.0 / pts.len() as f64;
        let mut loss = 0.0;
        let (mut h1, mut h2, mut d1, mut d2) = ([0.0; H], [0.0; H], [0.0; H], [0.0; H]);
        // Layer 2's weights transposed (input-major), so its forward pass runs the 16 neurons'
        // sums side by side, each still adding in micrograd's order, instead of 16 chains
        // of 16 dependent adds one after another.
        let mut wt = [[0.0; H]; H];
        for j in 0..H {
            for i in 0..H {
                wt[i][j] = p[Self::L2 + j * (H + 1) + i];
            }
        }
        for pt in pts {
            for j in 0..H {
                let o = 3 * j;
                h1[j] = (p[o + 2] + p[o] * pt.x + p[o + 1] * pt.y).max(0.0);
            }
            let mut a = [0.0; H];
            for j in 0..H {
                a[j] = p[Self::L2 + j * (H + 1) + H];
            }
            for i in 0..H {
                for j in 0..H {
                    a[j] += wt[i][j] * h1[i];
                }
            }
            for j in 0..H {
                h2[j] = a[j].max(0.0);
            }
            let mut s = p[Self::L3 + H];
            for i in 0..H {
                s += p[Self::L3 + i] * h2[i];
            }
            let margin = 1.0 - pt.label * s;
            if margin <= 0.0 {
                continue;
            }
            loss += margin;
            let ds = -pt.label * inv;
            g[Self::L3 + H] += ds;
            for i in 0..H {
                g[Self::L3 + i] += ds * h2[i];
                d2[i] = if h2[i] > 0.0 {
                    ds * p[Self::L3 + i]
                } else {
                    0.0
                };
            }
            d1.fill(0.0);
            for j in 0..H {
                let o = Self::L2 + j * (H + 1);
                g[o + H] += d2[j];
                for i in 0..H {
                    g[o + i] += d2[j] * h1[i];
                    d1[i] += d2[j] * p[o + i];
                }
            }
            for j in 0..H {
                if h1[j] > 0.0 {
                    let o = 3 * j;
                    g[o] += d1[j] * pt.x;
                    g[o + 1] += d1[j] * pt.y;
                    g[o + 2] += d1[j];
                }
            }
        }
        let mut reg = 0.0;
        for (gk, &pk) in g.iter_mut().zip(p.iter()) {
            reg += pk * pk;
            *gk += 2.0 * alpha * pk;
        }
        for (pk, gk) in self.params.iter_mut().zip(g.iter()) {
            *pk -= lr * gk;
        }
        loss * inv + alpha * reg
    }
}

fn demo_step(c: &mut Criterion) {
    let golden = Golden::demo();
    let pts = golden.points();
    let cfg = step_config();
    let (lr, l2) = (cfg.learning_rate, cfg.l2);
    let mut group = c.benchmark_group("demo_step");
    let mut dynamic = Trainer::new(golden.model().unwrap(), cfg.clone(), 0);
    let mut g = Graph::new();
    group.bench_function("dynamic_graph", |b| {
        b.iter(|| black_box(dynamic.step_dynamic(&pts, &mut g)))
    });
    let mut tape = Trainer::new(golden.model().unwrap(), cfg.clone(), 0);
    group.bench_function("tape", |b| b.iter(|| black_box(tape.step(&pts))));
    let mut reference = Reference::new(golden.model().unwrap().params);
    // The yardstick computes what the tape computes: check before timing it.
    let mut check = Trainer::new(golden.model().unwrap(), cfg, 0);
    let (a, b) = (check.step(&pts).loss, reference.clone_step(&pts, lr, l2));
    assert!(
        (a - b).abs() < 1e-12,
        "hand-derived step disagrees: {a} vs {b}"
    );
    group.bench_function("hand_derived", |b| {
        b.iter(|| black_box(reference.step(&pts, lr, l2)))
    });
    group.finish();
}

impl Reference {
    /// One step on a copy (leaves `self` as it was), returning its loss.
    fn clone_step(&self, pts: &[Point], lr: f64, alpha: f64) -> f64 {
        Reference::new(self.params.clone()).step(pts, lr, alpha)
    }
}

fn boundary(c: &mut Criterion) {
    let mut pg = Playground::new(Config::default());
    pg.step(100);
    c.bench_function("boundary_150x150", |b| {
        b.iter(|| black_box(pg.boundary(150).len()))
    });
}

fn scaling(c: &mut Criterion) {
    let cfg = step_config();
    let mut group = c.benchmark_group("batch_scaling");
    group
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    for n in [10usize, 30, 100, 300, 1000] {
        let pts = Dataset::Moons.generate(n, 0.1, 1);
        let mut t = Trainer::new(
            Mlp::new(2, &[16, 16], 1, Activation::Relu, 1),
            cfg.clone(),
            1,
        );
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| black_box(t.step(&pts)))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("width_scaling");
    group
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    let pts = Dataset::Moons.generate(100, 0.1, 1);
    for w in [8usize, 16, 32, 64, 128] {
        let mut t = Trainer::new(Mlp::new(2, &[w, w], 1, Activation::Relu, 1), cfg.clone(), 1);
        group.bench_with_input(BenchmarkId::from_parameter(w), &w, |b, _| {
            b.iter(|| black_box(t.step(&pts)))
        });
    }
    group.finish();
}

/// The tape against the hand-derived step in alternation: ROUNDS rounds of 1000 steps each,
/// the two taking turns (and turns at going first). This VM's speed flips between states for
/// seconds at a time, so criterion's means, measured a few seconds apart, can land in
/// different states; alternating short rounds puts both in the same ones. Prints the medians
/// and their ratio and writes target/criterion/demo_step_interleaved.json for the report.
fn interleaved() {
    const ROUNDS: usize = 21;
    const STEPS: usize = 1000;
    let golden = Golden::demo();
    let pts = golden.points();
    let cfg = step_config();
    let (lr, l2) = (cfg.learning_rate, cfg.l2);
    let mut tape = Trainer::new(golden.model().unwrap(), cfg, 0);
    let mut reference = Reference::new(golden.model().unwrap().params);
    let mut time = |which: usize| {
        let t0 = Instant::now();
        for _ in 0..STEPS {
            if which == 0 {
                black_box(tape.step(&pts));
            } else {
                black_box(reference.step(&pts, lr, l2));
            }
        }
        t0.elapsed().as_secs_f64() * 1e9 / STEPS as f64
    };
    time(0);
    time(1); // warm-up
    let (mut t, mut h) = (Vec::new(), Vec::new());
    for r in 0..ROUNDS {
        if r % 2 == 0 {
            t.push(time(0));
            h.push(time(1));
        } else {
            h.push(time(1));
            t.push(time(0));
        }
    }
    let median = |v: &[f64]| {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        s[s.len() / 2]
    };
    let ratios: Vec<f64> = t.iter().zip(&h).map(|(a, b)| a / b).collect();
    let (mt, mh, mr) = (median(&t), median(&h), median(&ratios));
    println!(
        "demo_step interleaved ({ROUNDS} rounds of {STEPS} steps): tape {:.1} us, hand-derived {:.1} us, \
         ratio of medians {:.2}x, median of round ratios {mr:.2}x",
        mt / 1e3,
        mh / 1e3,
        mt / mh
    );
    let json = format!(
        "{{\"rounds\": {ROUNDS}, \"steps\": {STEPS}, \"tape_ns\": {mt}, \"hand_derived_ns\": {mh}, \
         \"ratio_of_medians\": {}, \"median_round_ratio\": {mr}, \"tape_rounds_ns\": {t:?}, \
         \"hand_derived_rounds_ns\": {h:?}}}\n",
        mt / mh
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/criterion");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("demo_step_interleaved.json"), json);
    }
}

criterion_group!(benches, demo_step, boundary, scaling);

fn main() {
    benches();
    interleaved();
    Criterion::default().configure_from_args().final_summary();
}
