//! The native side of `make bench-wasm`: times the workloads of `src/bench.rs` (the same code
//! the wasm bindings time in the browser) and prints one JSON object per round, so
//! `tests/e2e/bench.mjs` can alternate native and wasm rounds on this shared machine.
//!
//! ```text
//! cargo run --release --example bench_native -- [ROUNDS]
//! ```

use micrograd_playground::bench;
use micrograd_playground::golden::Golden;
use micrograd_playground::tape::Kernels;
use std::time::Instant;

fn main() {
    let rounds: usize = match std::env::args().nth(1).map(|a| a.parse()) {
        None => 1,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("error: ROUNDS must be a whole number: {e}");
            std::process::exit(2);
        }
    };
    let start = Instant::now();
    let now_ms = || start.elapsed().as_secs_f64() * 1e3;
    let golden = Golden::demo();
    for _ in 0..rounds {
        // The same calls, with the same arguments, as tests/e2e/bench.mjs makes in wasm.
        let tape = bench::demo_step_us(&golden, 1000, false, Kernels::best(), now_ms);
        // The two-lane kernels, as wasm's simd128 has them: the same code on both sides.
        let two = bench::demo_step_us(&golden, 1000, false, Kernels::Baseline, now_ms);
        let dynamic = bench::demo_step_us(&golden, 100, true, Kernels::best(), now_ms);
        let grid = bench::boundary_ms(150, 20, now_ms);
        println!(
            "{{\"demo_step_tape\": {tape}, \"demo_step_tape_baseline\": {two}, \"demo_step_dynamic\": {dynamic}, \"boundary_150x150\": {grid}}}"
        );
    }
}
