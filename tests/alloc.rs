//! No heap allocation per training step once warm, and memory flat over a long run (the soak
//! test; `make soak` runs the long version with SOAK_STEPS=1000000). Counted by a global
//! allocator that tallies the current thread's allocations while a test asks it to.
#![cfg(not(target_arch = "wasm32"))]

use micrograd_playground::data::Dataset;
use micrograd_playground::golden::Golden;
use micrograd_playground::nn::{Activation, Mlp};
use micrograd_playground::optim::OptimizerKind;
use micrograd_playground::playground::{Config, Playground};
use micrograd_playground::train::{TrainConfig, Trainer};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static TRACK: Cell<bool> = const { Cell::new(false) };
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static LIVE: Cell<i64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as i64, true);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-(layout.size() as i64), false);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size as i64 - layout.size() as i64, true);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn note(bytes: i64, is_alloc: bool) {
    // try_with: the thread-locals may be gone while a thread shuts down.
    let _ = TRACK.try_with(|t| {
        if t.get() {
            if is_alloc {
                ALLOCS.with(|a| a.set(a.get() + 1));
            }
            LIVE.with(|l| l.set(l.get() + bytes));
        }
    });
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns (allocations made, net bytes still held) on this thread.
fn counted(f: impl FnOnce()) -> (u64, i64) {
    ALLOCS.with(|a| a.set(0));
    LIVE.with(|l| l.set(0));
    TRACK.with(|t| t.set(true));
    f();
    TRACK.with(|t| t.set(false));
    (ALLOCS.with(Cell::get), LIVE.with(Cell::get))
}

#[test]
fn a_warm_training_step_allocates_nothing() {
    let golden = Golden::demo();
    let pts = golden.points();
    let mut t = golden.trainer().unwrap();
    t.step(&pts);
    let (allocs, _) = counted(|| {
        for _ in 0..100 {
            t.step(&pts);
        }
    });
    assert_eq!(allocs, 0, "the golden full-batch step allocated");

    // Minibatches, momentum and Adam, more points than one replay chunk.
    let pts = Dataset::Spiral.generate(400, 0.1, 1);
    for (opt, batch) in [
        (OptimizerKind::Momentum, 16),
        (OptimizerKind::Adam, 0),
        (OptimizerKind::Sgd, 300),
    ] {
        let cfg = TrainConfig {
            optimizer: opt,
            batch_size: batch,
            learning_rate: 0.01,
            ..TrainConfig::default()
        };
        let mut t = Trainer::new(Mlp::new(2, &[8, 8, 8], 1, Activation::Tanh, 2), cfg, 2);
        t.step(&pts);
        t.evaluate(&pts);
        let (allocs, _) = counted(|| {
            for _ in 0..50 {
                t.step(&pts);
                t.evaluate(&pts);
            }
        });
        assert_eq!(allocs, 0, "{opt:?} batch {batch} allocated");
    }
}

#[test]
fn the_pages_frame_allocates_nothing_once_warm() {
    let mut pg = Playground::new(Config::default());
    // Warm: past the first stuck-network check too (its buffers are kept after it).
    pg.step(micrograd_playground::diagnose::CHECK_EVERY as usize);
    pg.boundary(150);
    let (allocs, _) = counted(|| {
        for _ in 0..20 {
            pg.step(10);
            pg.boundary(150);
        }
    });
    assert_eq!(allocs, 0);
}

/// Memory stays flat over a long run; `SOAK_STEPS` sets the length (default 20,000 for CI).
#[test]
fn soak_memory_stays_flat() {
    let steps: u64 = std::env::var("SOAK_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let mut pg = Playground::new(Config {
        batch_size: 16,
        optimizer: OptimizerKind::Adam,
        learning_rate: 0.01,
        ..Config::default()
    });
    pg.step(100);
    pg.boundary(64);
    let (_, held) = counted(|| {
        let mut done = 0;
        while done < steps {
            let n = (steps - done).min(1000);
            let s = pg.step(n as usize);
            assert!(!s.diverged);
            pg.boundary(64);
            done += n;
        }
    });
    assert_eq!(held, 0, "{held} bytes more are held after {steps} steps");
    assert_eq!(pg.trainer().step, 100 + steps);
}
