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
use micrograd_playground::tape::Kernels;
use micrograd_playground::train::Trainer;
use std::time::{Duration, Instant};

/// A hand-derived forward and backward pass of micrograd's demo network (ReLU 2-16-16-1,
/// hinge loss + L2, SGD), written for speed as a careful person would (fixed-size arrays, one
/// loop nest, no allocation): the yardstick the autograd engine is measured against. Two of
/// them: `dense` runs every sample's backward, as a batched engine does; `skipping` skips the
/// samples beyond the hinge's margin, whose gradient is exactly 0. Not used anywhere but here.
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

    /// The dense step: every sample's backward computed (a zero gradient too).
    #[inline(never)]
    fn dense(&mut self, pts: &[Point], lr: f64, alpha: f64) -> f64 {
        self.fastest::<false>(pts, lr, alpha)
    }

    /// The skipping step: samples beyond the margin do no backward work.
    #[inline(never)]
    fn skipping(&mut self, pts: &[Point], lr: f64, alpha: f64) -> f64 {
        self.fastest::<true>(pts, lr, alpha)
    }

    /// The step compiled for AVX where the CPU has it, else for the baseline.
    #[inline(always)]
    fn fastest<const SKIP: bool>(&mut self, pts: &[Point], lr: f64, alpha: f64) -> f64 {
        #[cfg(target_arch = "x86_64")]
        if Kernels::Avx.available() {
            // SAFETY: the CPU has AVX.
            return unsafe { self.step_avx::<SKIP>(pts, lr, alpha) };
        }
        self.step::<SKIP>(pts, lr, alpha)
    }

    /// The step compiled for AVX, as the tape's kernels are where the CPU has it: both
    /// sides of the comparison then use the same instructions.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    unsafe fn step_avx<const SKIP: bool>(&mut self, pts: &[Point], lr: f64, alpha: f64) -> f64 {
        self.step::<SKIP>(pts, lr, alpha)
    }

    // Never inlined but through the two above: criterion and the alternating rounds below then
    // time the same code.
    #[inline(always)]
    fn step<const SKIP: bool>(&mut self, pts: &[Point], lr: f64, alpha: f64) -> f64 {
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
            if SKIP && margin <= 0.0 {
                continue;
            }
            loss += margin.max(0.0);
            let ds = if margin > 0.0 { -pt.label * inv } else { 0.0 };
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
    let mut dense = Reference::new(golden.model().unwrap().params);
    assert!((a - dense.clone().dense(&pts, lr, l2)).abs() < 1e-12);
    group.bench_function("hand_derived", |b| {
        b.iter(|| black_box(dense.dense(&pts, lr, l2)))
    });
    group.bench_function("hand_derived_skipping", |b| {
        b.iter(|| black_box(reference.skipping(&pts, lr, l2)))
    });
    group.finish();
}

impl Reference {
    /// One step on a copy (leaves `self` as it was), returning its loss.
    fn clone_step(&self, pts: &[Point], lr: f64, alpha: f64) -> f64 {
        Reference::new(self.params.clone()).skipping(pts, lr, alpha)
    }
}

impl Clone for Reference {
    fn clone(&self) -> Reference {
        Reference::new(self.params.clone())
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
    for n in [10usize, 30, 100, 300, 1000, 5000] {
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

/// The tape against the hand-written yardsticks in alternation: ROUNDS rounds, the three
/// taking turns (and turns at going first). This VM's speed flips between states for seconds
/// at a time, so criterion's means, measured a few seconds apart, can land in different
/// states; alternating short rounds puts all in the same ones. Two workloads: the demo step
/// (1000 steps at the golden network, [`step_config`]: tape against the dense yardstick) and
/// micrograd's whole 100-step demo run from the golden start with its decaying learning rate
/// (tape against the skipping yardstick, which skips what the hinge no longer counts). Prints
/// the medians and ratios and writes target/criterion/demo_step_interleaved.json.
fn interleaved() {
    const ROUNDS: usize = 21;
    const STEPS: usize = 1000;
    const RUNS: usize = 20;
    let golden = Golden::demo();
    let pts = golden.points();
    let cfg = step_config();
    let (lr, l2) = (cfg.learning_rate, cfg.l2);
    let mut tape = Trainer::new(golden.model().unwrap(), cfg, 0);
    let mut dense = Reference::new(golden.model().unwrap().params);
    let mut skipping = Reference::new(golden.model().unwrap().params);
    let run_cfg = micrograd_playground::train::TrainConfig::default();
    // Per step, in ns: workload `w` (0 step, 1 run) by contestant `c` (0 tape, 1 dense, 2 skipping).
    let mut time = |w: usize, c: usize| {
        let t0 = Instant::now();
        if w == 0 {
            for _ in 0..STEPS {
                match c {
                    0 => black_box(tape.step(&pts).loss),
                    1 => black_box(dense.dense(&pts, lr, l2)),
                    _ => black_box(skipping.skipping(&pts, lr, l2)),
                };
            }
            return t0.elapsed().as_secs_f64() * 1e9 / STEPS as f64;
        }
        for _ in 0..RUNS {
            let params = golden.model().unwrap();
            if c == 0 {
                let mut t = Trainer::new(params, run_cfg.clone(), 0);
                for _ in 0..100 {
                    black_box(t.step(&pts).loss);
                }
            } else {
                let mut r = Reference::new(params.params);
                for k in 0..100u64 {
                    let lr = run_cfg.learning_rate_at(k);
                    black_box(if c == 1 {
                        r.dense(&pts, lr, l2)
                    } else {
                        r.skipping(&pts, lr, l2)
                    });
                }
            }
        }
        t0.elapsed().as_secs_f64() * 1e9 / (RUNS * 100) as f64
    };
    for w in 0..2 {
        for c in 0..3 {
            time(w, c); // warm-up
        }
    }
    let mut t = [[vec![], vec![], vec![]], [vec![], vec![], vec![]]];
    for r in 0..ROUNDS {
        for w in 0..2 {
            for k in 0..3 {
                let c = (k + r) % 3;
                t[w][c].push(time(w, c));
            }
        }
    }
    let median = |v: &[f64]| {
        let mut s = v.to_vec();
        crate_sort(&mut s);
        s[s.len() / 2]
    };
    let ratio = |a: &[f64], b: &[f64]| {
        let r: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
        median(&r)
    };
    let m = |w: usize, c: usize| median(&t[w][c]);
    println!(
        "demo step, interleaved ({ROUNDS} rounds of {STEPS} steps): tape {:.1} us, hand-written dense {:.1} us, \
         skipping {:.1} us; tape / dense {:.2}x (median of round ratios)",
        m(0, 0) / 1e3,
        m(0, 1) / 1e3,
        m(0, 2) / 1e3,
        ratio(&t[0][0], &t[0][1])
    );
    println!(
        "micrograd's 100-step demo run, interleaved ({ROUNDS} rounds of {RUNS} runs), per step: tape {:.1} us, \
         dense {:.1} us, skipping {:.1} us; tape / skipping {:.2}x",
        m(1, 0) / 1e3,
        m(1, 1) / 1e3,
        m(1, 2) / 1e3,
        ratio(&t[1][0], &t[1][2])
    );
    let json = format!(
        "{{\"rounds\": {ROUNDS}, \"steps\": {STEPS}, \"tape_ns\": {}, \"hand_derived_ns\": {}, \
         \"hand_derived_skipping_ns\": {}, \"median_round_ratio\": {}, \"ratio_of_medians\": {}, \
         \"run_tape_ns\": {}, \"run_dense_ns\": {}, \"run_skipping_ns\": {}, \"run_ratio_to_skipping\": {}}}\n",
        m(0, 0),
        m(0, 1),
        m(0, 2),
        ratio(&t[0][0], &t[0][1]),
        m(0, 0) / m(0, 1),
        m(1, 0),
        m(1, 1),
        m(1, 2),
        ratio(&t[1][0], &t[1][2]),
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/criterion");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("demo_step_interleaved.json"), json);
    }
}

/// Sorts numbers (a few dozen: an insertion sort will do).
fn crate_sort(v: &mut [f64]) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1] > v[j] {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

criterion_group!(benches, demo_step, boundary, scaling);

fn main() {
    benches();
    interleaved();
    Criterion::default().configure_from_args().final_summary();
}
