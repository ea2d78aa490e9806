//! The tape's side of `make bench-peers`' JAX column: micrograd's MLP 2-w-w-1 (ReLU, hinge
//! loss + L2 1e-4, full-batch SGD at learning rate 0, so every timed step is the same step) on
//! `n` moons points, for each size given, timed on the recorded tape. Prints one JSON object
//! per size: `{"w", "n", "us", "loss"}` (microseconds per step, median of rounds; the loss at
//! the first step, for the peer to check it computes the same function).
//!
//! ```text
//! cargo run --release --example bench_scaling -- 8x100 16x100 16x5000
//! cargo run --release --example bench_scaling -- --dump 16x100   # the workload as JSON
//! ```
//!
//! `--kernels baseline|avx|avx-fma` times those kernels of the tape instead of the best this
//! CPU runs (AVX with FMA where present).
//!
//! `--dump WxN` prints the workload instead (points, labels, and the weights and biases layer
//! by layer as `[nin][nout]` matrices), so the peer (scripts/jax_peer.py) runs the very same.

use micrograd_playground::bench::step_config;
use micrograd_playground::data::Dataset;
use micrograd_playground::nn::{Activation, Mlp};
use micrograd_playground::tape::Kernels;
use micrograd_playground::train::Trainer;
use std::time::Instant;

/// The seed of every workload: the points and the initial weights.
const SEED: u64 = 7;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let kernels = match args.iter().position(|a| a == "--kernels") {
        Some(i) => {
            let k = args.get(i + 1).cloned().unwrap_or_default();
            args.drain(i..(i + 2).min(args.len()));
            match k.as_str() {
                "baseline" => Kernels::Baseline,
                "avx" => Kernels::Avx,
                "avx-fma" => Kernels::AvxFma,
                _ => {
                    eprintln!("error: --kernels takes baseline, avx or avx-fma; got {k:?}");
                    std::process::exit(2);
                }
            }
        }
        None => Kernels::best(),
    };
    let parse = |s: &str| -> Result<(usize, usize), String> {
        let (w, n) = s
            .split_once('x')
            .ok_or(format!("{s}: expected WxN, e.g. 16x100"))?;
        let w = w
            .parse()
            .map_err(|_| format!("{s}: the width is not a number"))?;
        let n = n
            .parse()
            .map_err(|_| format!("{s}: the point count is not a number"))?;
        Ok((w, n))
    };
    let result = if args.first().map(String::as_str) == Some("--dump") {
        args.get(1)
            .ok_or("--dump needs WxN".to_string())
            .and_then(|s| parse(s))
            .map(|(w, n)| println!("{}", dump(w, n)))
    } else {
        args.iter().try_for_each(|s| {
            let (w, n) = parse(s)?;
            let (us, loss) = time(w, n, kernels);
            println!("{{\"w\": {w}, \"n\": {n}, \"us\": {us}, \"loss\": {loss}}}");
            Ok(())
        })
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

/// The model and points of size `w` x `n`.
fn workload(w: usize, n: usize) -> (Mlp, Vec<micrograd_playground::data::Point>) {
    let model = Mlp::new(2, &[w, w], 1, Activation::Relu, SEED);
    (model, Dataset::Moons.generate(n, 0.1, SEED))
}

/// Microseconds per tape step (median of 7 rounds of about 50 ms each) and the first loss.
fn time(w: usize, n: usize, kernels: Kernels) -> (f64, f64) {
    let (model, pts) = workload(w, n);
    let mut t = Trainer::new(model, step_config(), 0);
    t.set_kernels(kernels);
    let loss = t.step(&pts).loss;
    // Steps per round: about 50 ms of work, from one timed step.
    let t0 = Instant::now();
    t.step(&pts);
    let one = t0.elapsed().as_secs_f64();
    let steps = ((0.05 / one.max(1e-7)) as usize).clamp(1, 100_000);
    let mut rounds: Vec<f64> = (0..7)
        .map(|_| {
            let t0 = Instant::now();
            for _ in 0..steps {
                t.step(&pts);
            }
            t0.elapsed().as_secs_f64() * 1e6 / steps as f64
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    (rounds[rounds.len() / 2], loss)
}

/// The workload as JSON: `{"x": [[x, y], ...], "y": [...], "layers": [{"w": [[...]], "b":
/// [...]}, ...], "alpha": 1e-4}` with `w[i][j]` the weight from input `i` to neuron `j`.
fn dump(w: usize, n: usize) -> String {
    let (model, pts) = workload(w, n);
    let xs: Vec<String> = pts
        .iter()
        .map(|p| format!("[{:?}, {:?}]", p.x, p.y))
        .collect();
    let ys: Vec<String> = pts.iter().map(|p| format!("{:?}", p.label)).collect();
    let mut layers = Vec::new();
    for (l, layer) in model.layers.iter().enumerate() {
        let at = |j: usize, i: usize| model.params[model.layer_offset(l) + j * (layer.nin + 1) + i];
        let rows: Vec<String> = (0..layer.nin)
            .map(|i| {
                let r: Vec<String> = (0..layer.nout).map(|j| format!("{:?}", at(j, i))).collect();
                format!("[{}]", r.join(", "))
            })
            .collect();
        let b: Vec<String> = (0..layer.nout)
            .map(|j| format!("{:?}", at(j, layer.nin)))
            .collect();
        layers.push(format!(
            "{{\"w\": [{}], \"b\": [{}]}}",
            rows.join(", "),
            b.join(", ")
        ));
    }
    format!(
        "{{\"x\": [{}], \"y\": [{}], \"layers\": [{}], \"alpha\": {:?}}}",
        xs.join(", "),
        ys.join(", "),
        layers.join(", "),
        step_config().l2
    )
}
