//! The model evaluated on many 2-D points at once, fast: the boundary grid behind the
//! heatmap (and the terminal plot of `examples/moons.rs`).
//!
//! Forward only, no graph: points go through the layers in blocks, with a few neurons by a few
//! points at a time in SIMD registers. Every weighted sum adds in the graph's order and every
//! activation is the op's own [`Op::eval`], so each score equals [`Mlp::forward`]'s bit for bit.

use crate::engine::Op;
use crate::nn::{norm_consts, Layer, Mlp};
use crate::simd::F64x2;

impl Mlp {
    /// The outputs for many 2-D points at once (`xs[i]`, `ys[i]`) into `out`, output `k` of
    /// point `i` at `out[k * n + i]` (`n` points: one output per point for a model with one):
    /// a forward-only pass for the boundary grid and the terminal plot. Each point's features
    /// come from [`Feature::eval`](crate::features::Feature::eval), then points go through
    /// the layers in blocks of `BLOCK`, a few neurons by `LANES` points at a time in registers,
    /// adding in the graph's order `b + w0*x0 + w1*x1 + ...`, so each output equals the one
    /// [`Mlp::forward`] computes on [`Mlp::embed`], bit for bit. `scratch` is reused.
    pub fn scores_2d(&self, xs: &[f64], ys: &[f64], out: &mut [f64], scratch: &mut Vec<f64>) {
        let nout = self.nout();
        let n = xs.len().min(ys.len()).min(out.len() / nout);
        let last = self.layers.len() - 1;
        self.blocks_2d(&xs[..n], &ys[..n], scratch, |stage, rows, start, m| {
            if stage == Stage::Post(last) {
                for (o, row) in rows.chunks_exact(BLOCK).take(nout).enumerate() {
                    out[o * n + start..][..m].copy_from_slice(&row[..m]);
                }
            }
        });
    }

    /// Every unit's value for many 2-D points: the input features, then each layer's neurons
    /// (after the activation, or the weighted sums before it with `pre`), unit `u` of point
    /// `i` at `out[u * n + i]`; `out` holds [`Mlp::units`] rows of `n = xs.len()`. Equal to
    /// the graph's nodes bit for bit, as [`Mlp::scores_2d`]'s outputs are: the live network
    /// diagram, the hidden layer's view of the data and the zero lines read it.
    pub fn units_2d(
        &self,
        xs: &[f64],
        ys: &[f64],
        pre: bool,
        out: &mut Vec<f64>,
        scratch: &mut Vec<f64>,
    ) {
        let n = xs.len().min(ys.len());
        out.resize(self.units() * n, 0.0);
        // The first row of each layer's neurons (the inputs take rows 0..nin).
        let mut offset = Vec::with_capacity(self.layers.len());
        let mut row = self.nin();
        for l in &self.layers {
            offset.push(row);
            row += l.nout;
        }
        let nin = self.nin();
        self.blocks_2d(&xs[..n], &ys[..n], scratch, |stage, rows, start, m| {
            let (row0, count) = match stage {
                Stage::Inputs => (0, nin),
                Stage::Pre(l) if pre => (offset[l], self.layers[l].nout),
                Stage::Post(l) if !pre => (offset[l], self.layers[l].nout),
                _ => return,
            };
            for (u, row) in rows.chunks_exact(BLOCK).take(count).enumerate() {
                out[(row0 + u) * n + start..][..m].copy_from_slice(&row[..m]);
            }
        });
    }

    /// The units [`Mlp::units_2d`] gives: the inputs and every neuron.
    pub fn units(&self) -> usize {
        self.nin() + self.layers.iter().map(|l| l.nout).sum::<usize>()
    }

    /// The forward pass in blocks of points: `visit(stage, rows, start, m)` sees the rows
    /// (`BLOCK` apart) of the block's inputs, then of each layer before and after its
    /// activation, for points `start..start + m`.
    fn blocks_2d(
        &self,
        xs: &[f64],
        ys: &[f64],
        scratch: &mut Vec<f64>,
        mut visit: impl FnMut(Stage, &[f64], usize, usize),
    ) {
        let features = self.input_features();
        assert_eq!(self.nin(), features.len(), "the model takes 2-D points");
        let width = self
            .layers
            .iter()
            .map(|l| l.nin.max(l.nout))
            .max()
            .unwrap_or(1);
        scratch.resize(2 * width * BLOCK, 0.0);
        let (mut cur, mut next) = scratch.split_at_mut(width * BLOCK);
        let n = xs.len().min(ys.len());
        // The normalisation as `Mlp::embed` applies it: `(x - c) * k`, the ops' own eval.
        let norm = self.norm.as_ref().map(norm_consts);
        let at = |x: f64, y: f64| match norm {
            Some([cx, kx, cy, ky]) => (
                Op::Mul.eval(Op::Sub.eval(x, cx), kx),
                Op::Mul.eval(Op::Sub.eval(y, cy), ky),
            ),
            None => (x, y),
        };
        let mut start = 0;
        while start < n {
            let m = BLOCK.min(n - start);
            // A short last block computes on zeros past `m` up to a whole number of lanes;
            // those lanes are not read back.
            let lanes_end = m.div_ceil(LANES) * LANES;
            let (bx, by) = (&xs[start..start + m], &ys[start..start + m]);
            for (f, row) in features.iter().zip(cur.chunks_exact_mut(BLOCK)) {
                row.fill(0.0);
                for ((v, &x), &y) in row.iter_mut().zip(bx).zip(by) {
                    let (x, y) = at(x, y);
                    *v = f.eval(x, y);
                }
            }
            visit(Stage::Inputs, cur, start, m);
            let mut k = 0;
            for (li, l) in self.layers.iter().enumerate() {
                let p = &self.params[k..k + l.num_params()];
                k += l.num_params();
                dense(l, p, cur, next, lanes_end);
                visit(Stage::Pre(li), next, start, m);
                // Then the activation over the layer's rows (the ops' own `eval`, so the
                // results agree with the graph): one match per layer, not per value, and one
                // copy of the weighted-sum loop for all activations.
                let rows = &mut next[..l.nout * BLOCK];
                match l.activation.op() {
                    Some(Op::Relu) => activate(rows, lanes_end, |x| Op::Relu.eval(x, x)),
                    Some(Op::Tanh) => activate(rows, lanes_end, |x| Op::Tanh.eval(x, x)),
                    Some(op) => activate(rows, lanes_end, |x| op.eval(x, x)),
                    None => {}
                }
                visit(Stage::Post(li), next, start, m);
                std::mem::swap(&mut cur, &mut next);
            }
            start += m;
        }
    }

    /// The first output for one 2-D point.
    pub fn score(&self, x: f64, y: f64) -> f64 {
        let mut out = vec![0.0; self.nout()];
        self.scores_2d(&[x], &[y], &mut out, &mut Vec::new());
        out[0]
    }
}

/// Where a block of [`Mlp::blocks_2d`] is: its inputs, or a layer before or after the
/// activation.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Stage {
    Inputs,
    Pre(usize),
    Post(usize),
}

/// Points per block of [`Mlp::scores_2d`]: a block's activations (`BLOCK` x width) stay in L1.
const BLOCK: usize = 64;
/// Points per register group in [`Mlp::scores_2d`] (an even number: pairs of `F64x2`).
const LANES: usize = 8;
const _: () = assert!(LANES.is_multiple_of(2) && BLOCK.is_multiple_of(LANES));
/// Neurons per register group: `NEURONS * LANES` independent sums hide the add's latency.
const NEURONS: usize = 2;

/// `f` on points `0..lanes_end` of every row of a block.
#[inline(always)]
fn activate(rows: &mut [f64], lanes_end: usize, f: impl Fn(f64) -> f64) {
    for row in rows.chunks_exact_mut(BLOCK) {
        for v in &mut row[..lanes_end] {
            *v = f(*v);
        }
    }
}

/// One layer's weighted sums over a block of points: rows of `cur` (one per input, `BLOCK`
/// apart) to rows of `next` (one per neuron), points `0..lanes_end`.
#[inline(always)]
fn dense(l: &Layer, p: &[f64], cur: &[f64], next: &mut [f64], lanes_end: usize) {
    let stride = l.nin + 1;
    let mut j = 0;
    while j + NEURONS <= l.nout {
        neurons::<NEURONS>(
            &p[j * stride..],
            l.nin,
            cur,
            &mut next[j * BLOCK..],
            lanes_end,
        );
        j += NEURONS;
    }
    while j < l.nout {
        neurons::<1>(
            &p[j * stride..],
            l.nin,
            cur,
            &mut next[j * BLOCK..],
            lanes_end,
        );
        j += 1;
    }
}

/// The weighted sums of `J` neurons (consecutive in `p`, `nin` weights and a bias each) over
/// points `0..lanes_end` of the block.
#[inline(always)]
fn neurons<const J: usize>(p: &[f64], nin: usize, cur: &[f64], next: &mut [f64], lanes_end: usize) {
    let w: [&[f64]; J] = std::array::from_fn(|jj| &p[jj * (nin + 1)..][..nin]);
    let b: [f64; J] = std::array::from_fn(|jj| p[jj * (nin + 1) + nin]);
    let cur = &cur[..nin * BLOCK];
    for s0 in (0..lanes_end).step_by(LANES) {
        let mut acc = b.map(|bj| [F64x2::splat(bj); LANES / 2]);
        for i in 0..nin {
            let x = &cur[i * BLOCK + s0..][..LANES];
            let x: [F64x2; LANES / 2] = std::array::from_fn(|t| F64x2::load(&x[2 * t..]));
            for jj in 0..J {
                let wi = F64x2::splat(w[jj][i]);
                for t in 0..LANES / 2 {
                    acc[jj][t] = acc[jj][t].add_mul(wi, x[t]);
                }
            }
        }
        for (jj, a) in acc.iter().enumerate() {
            let dst = &mut next[jj * BLOCK + s0..][..LANES];
            for (t, v) in a.iter().enumerate() {
                v.store(&mut dst[2 * t..]);
            }
        }
    }
}
