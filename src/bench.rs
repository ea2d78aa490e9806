//! The benchmark workloads, one definition for every place that times them: the wasm bindings
//! (`bench_demo_step`, `bench_boundary`, run in headless Chromium by `tests/e2e/bench.mjs`) and
//! the native timer `examples/bench_native.rs`, which that script runs in alternation with the
//! browser so both see the same state of a shared, noisy machine. The clock is passed in
//! (milliseconds): `performance.now()` in wasm, `std::time::Instant` natively.

use crate::engine::Graph;
use crate::golden::Golden;
use crate::playground::{Config, Playground};
use crate::tape::Kernels;
use crate::train::{TrainConfig, Trainer};

/// micrograd's demo step (the golden workload: 100 moons points, MLP 2-16-16-1, hinge + L2,
/// full batch): microseconds per step over `steps` steps after a warm-up, on the recorded tape
/// or (`dynamic`) rebuilding the graph each step, with [`step_config`]; the tape with `kernels`
/// (falling back to the baseline's where the CPU lacks them). The workload is passed in
/// ([`Golden::demo`] natively; the browser benchmark hands over the file's text), so the
/// page's wasm does not carry it.
pub fn demo_step_us(
    golden: &Golden,
    steps: usize,
    dynamic: bool,
    kernels: Kernels,
    now_ms: impl Fn() -> f64,
) -> f64 {
    let pts = golden.points();
    let mut t = Trainer::new(golden.model().expect("golden model"), step_config(), 0);
    t.set_kernels(kernels);
    let mut g = Graph::new();
    let mut run = |n: usize| {
        for _ in 0..n {
            if dynamic {
                t.step_dynamic(&pts, &mut g);
            } else {
                t.step(&pts);
            }
        }
    };
    run(steps.clamp(1, 100)); // warm-up: buffers sized, code hot
    let t0 = now_ms();
    run(steps.max(1));
    (now_ms() - t0) * 1000.0 / steps.max(1) as f64
}

/// The training settings of every timed step (here and in the criterion benchmark): micrograd's
/// defaults with a constant learning rate of 0, so that every iteration is the same step at the
/// same network (the update still runs). With a small non-zero rate the network trains over the
/// millions of iterations criterion runs, and a step that skips the samples the hinge loss no
/// longer counts (as the hand-derived yardstick does) gets up to 2x faster than at the start.
pub fn step_config() -> TrainConfig {
    TrainConfig {
        learning_rate: 0.0,
        lr_decay: false,
        ..TrainConfig::default()
    }
}

/// The page's boundary grid (`resolution`^2 cells, the default playground model after 100
/// steps): milliseconds per grid over `reps` grids.
pub fn boundary_ms(resolution: usize, reps: usize, now_ms: impl Fn() -> f64) -> f64 {
    let mut pg = Playground::new(Config::default());
    pg.step(100);
    pg.boundary(resolution);
    let t0 = now_ms();
    for _ in 0..reps.max(1) {
        pg.boundary(resolution);
    }
    (now_ms() - t0) / reps.max(1) as f64
}
