//! micrograd-playground: a scalar reverse-mode autograd engine and a tiny neural-network
//! library (Karpathy's micrograd, re-written in Rust), plus the WebAssembly boundary of a live
//! playground page.
//!
//! - [`engine`]: `Graph` and `Value`, the autograd engine.
//! - [`nn`]: `Neuron`, `Layer`, `Mlp`.
//! - [`features`]: the inputs a network can take from a 2-D point (x1, x2, x1², x1·x2, sin).
//! - [`grid`]: the model evaluated on a grid of points, fast (the decision boundary).
//! - [`loss`], [`optim`]: losses (hinge, cross-entropy, MSE, L2) and optimisers (SGD, momentum,
//!   Adam).
//! - [`decimal`]: decimal text to the nearest f64 (core's bits, without its 10 KB table).
//! - [`csv`]: people's own data as CSV: reading with errors that name the line and column, and writing.
//! - [`data`]: seeded 2-D datasets (moons, circles, xor, spiral, gaussians, circle-in-a-square).
//! - [`tape`]: a recorded graph replayed over a batch: the fast training path.
//! - [`train`]: `Trainer`, one step = forward, loss, backward, update.
//! - [`diagnose`]: why a network is not learning (dead units, vanished gradients, a growing
//!   loss), in plain words.
//! - [`playground`]: the page's state (config with limits, points, boundary grid, JSON).
//! - [`json`]: reading a saved run or the page's settings object, naming the field of any error.
//! - [`settings`]: every page setting as data (kind, range, default, label, help) and the URL
//!   hash codec built on it.
//! - [`expr`]: typed expressions (`tanh(x1*w1 + b)`) parsed into engine graphs.
//! - [`graphview`]: the graph as DOT and as a laid-out, steppable view (examples, live neuron).
//! - [`golden`]: micrograd's demo workload, loaded from its JSON file.
//! - [`mod@bench`]: the benchmark workloads, timed natively and in wasm alike.
//! - `web` (wasm32 only): the `#[wasm_bindgen]` `Playground` the page drives.

pub mod bench;
pub mod csv;
pub mod data;
pub mod decimal;
pub mod diagnose;
pub mod engine;
pub mod expr;
pub mod features;
pub mod golden;
pub mod graphview;
pub mod grid;
pub mod json;
pub mod loss;
pub mod nn;
pub mod optim;
pub mod playground;
pub mod rng;
pub mod settings;
pub mod simd;
pub mod tape;
pub mod train;
#[cfg(target_arch = "wasm32")]
pub mod web;

/// Sorts `v` (stable) where `after(a, b)` says `a` goes after `b`. What the crate sorts is
/// short (a graph view's few dozen nodes, six class names), and this keeps the standard
/// library's large sort routines (about 10 KB) out of the page's wasm.
pub(crate) fn insertion_sort<T>(v: &mut [T], after: impl Fn(&T, &T) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && after(&v[j - 1], &v[j]) {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}
