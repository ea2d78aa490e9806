//! micrograd's demo.ipynb in the terminal: train `Mlp(2, [16, 16, 1])` on 100 moons points with
//! the SVM hinge loss + L2, full-batch SGD with micrograd's decaying learning rate, printing
//! `step K loss L accuracy A` per step, the time per step, and the final decision boundary.
//!
//! ```text
//! cargo run --release --example moons
//! cargo run --release --example moons -- --golden ../shared/golden/micrograd_demo.json
//! ```
//!
//! With `--golden FILE` the points and initial weights come from micrograd's own run, and the
//! losses equal micrograd's. `--steps N` changes the number of steps (default 100); `--dynamic`
//! builds the whole graph every step as micrograd does instead of replaying the recorded tape.
//! `--quiet` prints only the summary (the last step, the time per step), so that the time
//! measures the engine and not the terminal; the steps' numbers are kept and printed after.

use micrograd_playground::data::{Dataset, Point};
use micrograd_playground::engine::Graph;
use micrograd_playground::golden::Golden;
use micrograd_playground::nn::{Activation, Mlp};
use micrograd_playground::train::{TrainConfig, Trainer};
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut golden = None;
    let mut steps = 100u64;
    let mut dynamic = false;
    let mut quiet = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--golden" => golden = Some(args.next().ok_or("--golden needs a file path")?),
            "--steps" => {
                let v = args.next().ok_or("--steps needs a number")?;
                steps = v
                    .parse()
                    .map_err(|_| format!("--steps: not a number: {v}"))?;
            }
            "--dynamic" => dynamic = true,
            "--quiet" => quiet = true,
            "-h" | "--help" => {
                println!("usage: moons [--golden FILE] [--steps N] [--dynamic] [--quiet]");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other} (try --help)")),
        }
    }

    let (points, mut trainer) = match golden {
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
            let g = Golden::parse(&text)?;
            (g.points(), g.trainer().map_err(|e| e.to_string())?)
        }
        None => {
            let pts = Dataset::Moons.generate(100, 0.1, 1337);
            let model = Mlp::new(2, &[16, 16], 1, Activation::Relu, 1337);
            (pts, Trainer::new(model, TrainConfig::default(), 1337))
        }
    };

    let mut graph = Graph::new();
    // With --quiet nothing is printed while the clock runs: the steps are kept in memory.
    let mut log = Vec::with_capacity(steps.min(1 << 20) as usize);
    let start = Instant::now();
    for _ in 0..steps {
        let s = if dynamic {
            trainer.step_dynamic(&points, &mut graph)
        } else {
            trainer.step(&points)
        };
        if !quiet {
            println!("step {} loss {} accuracy {}", s.step, s.loss, s.accuracy);
        }
        log.push(s);
        if s.diverged {
            return Err(format!("diverged at step {}", s.step));
        }
    }
    let per_step = start.elapsed().as_secs_f64() * 1e6 / steps.max(1) as f64;
    if let (true, Some(s)) = (quiet, log.last()) {
        println!(
            "{} steps; last: step {} loss {} accuracy {}",
            log.len(),
            s.step,
            s.loss,
            s.accuracy
        );
    }
    println!("time per step: {per_step:.1} us");
    println!();
    print!("{}", ascii_boundary(&trainer.model, &points, 64, 24));
    Ok(())
}

/// The decision boundary as text: `.` where the model says -1, `#` where it says +1, and the
/// points on top (`o` for -1, `X` for +1).
fn ascii_boundary(model: &Mlp, points: &[Point], cols: usize, rows: usize) -> String {
    let v = Dataset::Moons.view();
    let mut grid = vec![vec![' '; cols]; rows];
    for (r, row) in grid.iter_mut().enumerate() {
        let y = v.ymax - (r as f64 + 0.5) * (v.ymax - v.ymin) / rows as f64;
        for (c, cell) in row.iter_mut().enumerate() {
            let x = v.xmin + (c as f64 + 0.5) * (v.xmax - v.xmin) / cols as f64;
            *cell = if model.score(x, y) > 0.0 { '#' } else { '.' };
        }
    }
    for p in points {
        let c = ((p.x - v.xmin) / (v.xmax - v.xmin) * cols as f64).floor();
        let r = ((v.ymax - p.y) / (v.ymax - v.ymin) * rows as f64).floor();
        if (0.0..cols as f64).contains(&c) && (0.0..rows as f64).contains(&r) {
            grid[r as usize][c as usize] = if p.label > 0.0 { 'X' } else { 'o' };
        }
    }
    let mut out = String::new();
    for row in grid {
        out.extend(row);
        out.push('\n');
    }
    out
}
