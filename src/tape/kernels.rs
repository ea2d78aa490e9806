//! The replay's inner loops: one per op and operand layout, and the fused chains' loops.
//!
//! Each kernel runs one instruction over a batch. An op's forward kernel sits next to its
//! backward kernels, and a chain's forward block next to its backward; the local derivatives
//! themselves come from [`Op::eval`] and [`Op::local_grads`], so the replay cannot disagree
//! with the dynamic graph. The chains' loops are written for [`Quad`] (four lanes: two SSE2 or
//! simd128 registers, or one AVX register), which the replay picks by the CPU.

use super::{Kind, TermKind, TermSlot};
use crate::engine::Op;
use crate::simd::Quad;

// Op codes for const generics: with the op a compile-time constant inside each kernel, the
// `match` in `Op::eval`/`Op::local_grads` folds away and the loops vectorize. Only the ops of
// networks (every activation) and their usual losses get a kernel of their own; the rare ones
// (`/`, `powf`, `exp`, `ln`, `abs`, `max`) share one that matches at run time, which keeps
// the wasm bundle small.
const GENERIC: u8 = 0;
const ADD: u8 = 1;
const SUB: u8 = 2;
const MUL: u8 = 3;
const NEG: u8 = 4;
const TANH: u8 = 5;
const RELU: u8 = 6;
const SIGMOID: u8 = 7;
const LEAKY_RELU: u8 = 8;
const ELU: u8 = 9;
const SILU: u8 = 10;
const SOFTPLUS: u8 = 11;
const SIN: u8 = 12;

#[inline(always)]
fn op_of<const K: u8>(op: Op) -> Op {
    match K {
        ADD => Op::Add,
        SUB => Op::Sub,
        MUL => Op::Mul,
        NEG => Op::Neg,
        TANH => Op::Tanh,
        RELU => Op::Relu,
        SIGMOID => Op::Sigmoid,
        LEAKY_RELU => Op::LeakyRelu,
        ELU => Op::Elu,
        SILU => Op::Silu,
        SOFTPLUS => Op::Softplus,
        SIN => Op::Sin,
        _ => op,
    }
}

/// Calls `$kernel::<CODE>(op, args...)` with the op's code.
macro_rules! dispatch {
    ($op:expr, $kernel:ident, $($arg:expr),*) => {
        match $op {
            Op::Leaf => {}
            Op::Add => $kernel::<ADD>($op, $($arg),*),
            Op::Sub => $kernel::<SUB>($op, $($arg),*),
            Op::Mul => $kernel::<MUL>($op, $($arg),*),
            Op::Neg => $kernel::<NEG>($op, $($arg),*),
            Op::Tanh => $kernel::<TANH>($op, $($arg),*),
            Op::Relu => $kernel::<RELU>($op, $($arg),*),
            Op::Sigmoid => $kernel::<SIGMOID>($op, $($arg),*),
            Op::LeakyRelu => $kernel::<LEAKY_RELU>($op, $($arg),*),
            Op::Elu => $kernel::<ELU>($op, $($arg),*),
            Op::Silu => $kernel::<SILU>($op, $($arg),*),
            Op::Softplus => $kernel::<SOFTPLUS>($op, $($arg),*),
            Op::Sin => $kernel::<SIN>($op, $($arg),*),
            _ => $kernel::<GENERIC>($op, $($arg),*),
        }
    };
}

/// [`dispatch!`] for two different operands: only binary ops get there, so only theirs are
/// specialised (the unary ops' copies would be dead code in the page's wasm).
macro_rules! dispatch_binary {
    ($op:expr, $kernel:ident, $($arg:expr),*) => {
        match $op {
            Op::Add => $kernel::<ADD>($op, $($arg),*),
            Op::Sub => $kernel::<SUB>($op, $($arg),*),
            Op::Mul => $kernel::<MUL>($op, $($arg),*),
            _ => $kernel::<GENERIC>($op, $($arg),*),
        }
    };
}

/// Whether op code `K` is a unary op's (its operands are one row or one number).
const fn unary(k: u8) -> bool {
    k > MUL
}

/// `out = op(a, b)` over the batch.
#[inline(always)]
pub(super) fn op_forward(op: Op, kind: Kind, out: &mut [f64], a: &[f64], b: &[f64]) {
    dispatch!(op, forward_kernel, kind, out, a, b);
}

/// The chain rule through `out = op(a, a)` (a unary op, or `x * x`): `ga += local * go`, or
/// with `first` (the first gradient `a`'s row receives) `ga = 0 + local * go`, the same bits
/// without zeroing the row and reading the zeros back.
#[inline(always)]
pub(super) fn op_backward_same(
    op: Op,
    kind: Kind,
    a: &[f64],
    out: &[f64],
    go: &[f64],
    ga: &mut [f64],
    first: bool,
) {
    dispatch!(op, backward_same, kind, a, out, go, ga, first);
}

/// The chain rule through `out = op(a, b)` with `a` and `b` two different nodes.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) fn op_backward_pair(
    op: Op,
    kind: Kind,
    a: &[f64],
    b: &[f64],
    out: &[f64],
    go: &[f64],
    ga: &mut [f64],
    gb: &mut [f64],
) {
    dispatch_binary!(op, backward_pair, kind, a, b, out, go, ga, gb);
}

/// Forward of one op over the batch, for each layout of its operands.
#[inline(always)]
fn forward_kernel<const K: u8>(op: Op, kind: Kind, out: &mut [f64], a: &[f64], b: &[f64]) {
    let op = op_of::<K>(op);
    match kind {
        Kind::Uniform => out[0] = op.eval(a[0], b[0]),
        Kind::V => {
            for (o, &x) in out.iter_mut().zip(a) {
                *o = op.eval(x, x);
            }
        }
        // A unary op is never laid out with two operands (the recorder makes it `V`): no
        // loops for that in its kernel.
        Kind::VV | Kind::SV | Kind::VS if unary(K) => {}
        Kind::VV => {
            for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
                *o = op.eval(x, y);
            }
        }
        Kind::SV => {
            let x = a[0];
            for (o, &y) in out.iter_mut().zip(b) {
                *o = op.eval(x, y);
            }
        }
        Kind::VS => {
            let y = b[0];
            for (o, &x) in out.iter_mut().zip(a) {
                *o = op.eval(x, y);
            }
        }
    }
}

/// Backward for an op whose operands are one node (unary ops, `x * x`).
#[inline(always)]
fn backward_same<const K: u8>(
    op: Op,
    kind: Kind,
    a: &[f64],
    out: &[f64],
    go: &[f64],
    ga: &mut [f64],
    first: bool,
) {
    let op = op_of::<K>(op);
    let both = op.arity() == 2;
    let local = |x: f64, o: f64| {
        let (da, db) = op.local_grads(x, x, o);
        if both {
            da + db
        } else {
            da
        }
    };
    match kind {
        Kind::Uniform => ga[0] += local(a[0], out[0]) * go[0],
        // Two loops, so that neither tests `first` per value.
        _ if first => {
            for (((g, &x), &o), &d) in ga.iter_mut().zip(a).zip(out).zip(go) {
                *g = 0.0 + local(x, o) * d;
            }
        }
        _ => {
            for (((g, &x), &o), &d) in ga.iter_mut().zip(a).zip(out).zip(go) {
                *g += local(x, o) * d;
            }
        }
    }
}

/// Backward for a binary op on two different nodes.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn backward_pair<const K: u8>(
    op: Op,
    kind: Kind,
    a: &[f64],
    b: &[f64],
    out: &[f64],
    go: &[f64],
    ga: &mut [f64],
    gb: &mut [f64],
) {
    let op = op_of::<K>(op);
    match kind {
        Kind::Uniform => {
            let (da, db) = op.local_grads(a[0], b[0], out[0]);
            ga[0] += da * go[0];
            gb[0] += db * go[0];
        }
        Kind::VV => {
            for (s, &d) in go.iter().enumerate() {
                let (da, db) = op.local_grads(a[s], b[s], out[s]);
                ga[s] += da * d;
                gb[s] += db * d;
            }
        }
        Kind::SV => {
            let x = a[0];
            for (s, &d) in go.iter().enumerate() {
                gb[s] += op.local_grads(x, b[s], out[s]).1 * d;
            }
            ga[0] += lanes_sum(go.len(), |s| op.local_grads(x, b[s], out[s]).0 * go[s]);
        }
        Kind::VS => {
            let y = b[0];
            for (s, &d) in go.iter().enumerate() {
                ga[s] += op.local_grads(a[s], y, out[s]).0 * d;
            }
            gb[0] += lanes_sum(go.len(), |s| op.local_grads(a[s], y, out[s]).1 * go[s]);
        }
        Kind::V => unreachable!("unary kinds go through backward_same"),
    }
}

// The fused chains `init + x0*y0 + x1*y1 + ...` (see the module docs of `tape`).

/// Samples per register block of a chain's forward pass.
pub(super) const LANES: usize = 16;
/// Rows are padded to a multiple of this many samples, so a chain's forward pass ends in
/// whole blocks of `PAD` (computing a few unused values past the batch) instead of a slow
/// scalar tail.
pub(super) const PAD: usize = 4;

/// Where a chain starts: a row (its offset) or one number.
#[derive(Clone, Copy)]
pub(super) enum Start {
    Row(usize),
    Uniform(f64),
}

/// A chain's forward pass on the `4 * H` samples from `s0`: `o = start + x0*y0 + x1*y1 + ...`,
/// in that order, with the sums in registers throughout.
#[inline(always)]
pub(super) fn chain_block<Q: Quad, const H: usize>(
    o: &mut [f64],
    val: &[f64],
    start: Start,
    slots: &[TermSlot],
    s0: usize,
) {
    let mut acc: [Q; H] = match start {
        Start::Row(at) => std::array::from_fn(|k| Q::load(&val[at + s0 + 4 * k..])),
        Start::Uniform(c) => [Q::splat(c); H],
    };
    let block = |o: usize| -> &[f64] { &val[o + s0..o + s0 + 4 * H] };
    for t in slots {
        match t.kind {
            TermKind::SV => {
                let (a, y) = (Q::splat(val[t.x]), block(t.y));
                for (k, r) in acc.iter_mut().enumerate() {
                    *r = r.add_mul(a, Q::load(&y[4 * k..]));
                }
            }
            TermKind::VS => {
                let (x, b) = (block(t.x), Q::splat(val[t.y]));
                for (k, r) in acc.iter_mut().enumerate() {
                    *r = r.add_mul(Q::load(&x[4 * k..]), b);
                }
            }
            TermKind::VV | TermKind::SameV => {
                let (x, y) = (block(t.x), block(t.y));
                for (k, r) in acc.iter_mut().enumerate() {
                    *r = r.add_mul(Q::load(&x[4 * k..]), Q::load(&y[4 * k..]));
                }
            }
            TermKind::SS | TermKind::SameS => {
                let c = Q::splat(val[t.x] * val[t.y]);
                for r in acc.iter_mut() {
                    *r = r.add(c);
                }
            }
        }
    }
    for (k, a) in acc.iter().enumerate() {
        a.store(&mut o[4 * k..]);
    }
}

/// A chain's backward through its products: `+` passed the chain's gradient `go` unchanged to
/// every product, and each `x * y` then gives `y * go` to `x` and `x * go` to `y` (summed over
/// the batch for a uniform operand). `grad` holds every node before the chain's output.
#[inline(always)]
pub(super) fn chain_terms_backward<Q: Quad>(
    slots: &[TermSlot],
    val: &[f64],
    grad: &mut [f64],
    go: &[f64],
    first: bool,
) {
    if first {
        chain_terms::<Q, true>(slots, val, grad, go);
    } else {
        chain_terms::<Q, false>(slots, val, grad, go);
    }
}

/// [`chain_terms_backward`], with `FIRST` a compile-time constant so that no loop tests it.
#[inline(always)]
fn chain_terms<Q: Quad, const FIRST: bool>(
    slots: &[TermSlot],
    val: &[f64],
    grad: &mut [f64],
    go: &[f64],
) {
    let n = go.len();
    for t in slots {
        let (x, y) = (t.x, t.y);
        match t.kind {
            TermKind::SV => {
                let d = scale_and_dot::<Q, FIRST>(&mut grad[y..y + n], val[x], &val[y..y + n], go);
                grad[x] += d;
            }
            TermKind::VS => {
                let d = scale_and_dot::<Q, FIRST>(&mut grad[x..x + n], val[y], &val[x..x + n], go);
                grad[y] += d;
            }
            TermKind::VV => {
                let (gx, gy) = two_rows(grad, x, n, y, n);
                chain_backward::<Q>(gx, gy, &val[x..x + n], &val[y..y + n], go);
            }
            TermKind::SS => {
                let total = lanes_sum(n, |s| go[s]);
                grad[x] += val[y] * total;
                grad[y] += val[x] * total;
            }
            // `x * x`: d/dx = x + x, as the two operand slots add up.
            TermKind::SameV => chain_backward_same(&mut grad[x..x + n], &val[x..x + n], go),
            TermKind::SameS => chain_backward_same(&mut grad[x..x + 1], &val[x..x + 1], go),
        }
    }
}

/// Backward of a product `x * y` inside a chain with gradient `go`: `gx += y * go`,
/// `gy += x * go` (summed over the batch for a uniform operand).
#[inline(always)]
fn chain_backward<Q: Quad>(gx: &mut [f64], gy: &mut [f64], x: &[f64], y: &[f64], go: &[f64]) {
    let n = go.len();
    match (x.len() == n, y.len() == n) {
        (true, true) => {
            for s in 0..n {
                gx[s] += y[s] * go[s];
                gy[s] += x[s] * go[s];
            }
        }
        (false, true) => gx[0] += scale_and_dot::<Q, false>(gy, x[0], y, go),
        (true, false) => gy[0] += scale_and_dot::<Q, false>(gx, y[0], x, go),
        (false, false) => {
            let total = lanes_sum(n, |s| go[s]);
            gx[0] += y[0] * total;
            gy[0] += x[0] * total;
        }
    }
}

/// One pass for a product `w * v` with `w` uniform: `gv += w * go` per sample (`gv = 0 + w *
/// go` with `FIRST`, see [`op_backward_same`]), and returns `sum(v * go)` (w's gradient),
/// summed in four lanes so it vectorizes.
#[inline(always)]
fn scale_and_dot<Q: Quad, const FIRST: bool>(gv: &mut [f64], w: f64, v: &[f64], go: &[f64]) -> f64 {
    let n = go.len();
    let (gv, v) = (&mut gv[..n], &v[..n]);
    let wv = Q::splat(w);
    // Sample s goes to lane s % 4.
    let mut acc = Q::splat(0.0);
    let full = n / 4 * 4;
    let (g4, v4, d4) = (quads_mut(gv), quads(v), quads(go));
    for k in 0..d4.len() {
        let d = Q::load(&d4[k]);
        start::<Q, FIRST>(&g4[k]).add_mul(wv, d).store(&mut g4[k]);
        acc = acc.add_mul(Q::load(&v4[k]), d);
    }
    let mut acc = lanes(acc);
    for s in full..n {
        if FIRST {
            gv[s] = 0.0;
        }
        gv[s] += w * go[s];
        acc[s - full] += v[s] * go[s];
    }
    total(acc)
}

/// A batch's whole quads of samples (its last `len % 4` left out). The kernels index these in
/// a counted loop rather than zip iterators over them: the page's wasm is built with a low
/// inlining threshold (`.cargo/config.toml`), under which a zip of four `chunks_exact` stays a
/// call, its state in memory and a bounds check on every quad (a tenth of the demo step in wasm).
/// Indexing slices of one length `n / 4` needs no checks anywhere.
#[inline(always)]
fn quads(s: &[f64]) -> &[[f64; 4]] {
    s.as_chunks().0
}

/// A quad of a gradient row about to receive a contribution: its values, or zeros when this
/// is the row's first contribution (the row was not zeroed; see [`op_backward_same`]).
#[inline(always)]
fn start<Q: Quad, const FIRST: bool>(g: &[f64; 4]) -> Q {
    if FIRST {
        Q::splat(0.0)
    } else {
        Q::load(g)
    }
}

/// [`quads`], mutably.
#[inline(always)]
fn quads_mut(s: &mut [f64]) -> &mut [[f64; 4]] {
    s.as_chunks_mut().0
}

/// Four lanes' sum, in the order every sum across the batch uses: `(l0 + l1) + (l2 + l3)`.
#[inline(always)]
fn total(l: [f64; 4]) -> f64 {
    (l[0] + l[1]) + (l[2] + l[3])
}

/// A quad's four lanes.
#[inline(always)]
fn lanes<Q: Quad>(q: Q) -> [f64; 4] {
    let mut l = [0.0; 4];
    q.store(&mut l);
    l
}

// Two chains of a layer run as a pair (see `Instr::Pair`): both are `uniform start + sum of
// uniform weight * row`, over the same rows.

/// A pair's forward pass on the `4 * H` samples from `s0`: each chain's sum in the recorded
/// order, as [`chain_block`] adds it, with every row loaded once for both.
///
/// # Safety
///
/// Every term's weights (`x`) must lie in `val`, and its row (`y`) must hold `s0 + 4 * H`
/// values ([`pair_fits`] says whether they do; the layout makes it so), so that the loop
/// over the terms, which runs for every block of samples, does no bounds checks (they were a
/// third of its instructions).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn pair_block<Q: Quad, const H: usize>(
    oa: &mut [f64],
    ob: &mut [f64],
    val: &[f64],
    (ia, ib): (f64, f64),
    sa: &[TermSlot],
    sb: &[TermSlot],
    s0: usize,
) {
    let mut a = [Q::splat(ia); H];
    let mut b = [Q::splat(ib); H];
    for (ta, tb) in sa.iter().zip(sb) {
        // SAFETY: in bounds by the caller's promise (see above).
        let (wa, wb, y) = unsafe {
            (
                *val.get_unchecked(ta.x),
                *val.get_unchecked(tb.x),
                val.get_unchecked(ta.y + s0..ta.y + s0 + 4 * H),
            )
        };
        let (wa, wb) = (Q::splat(wa), Q::splat(wb));
        for k in 0..H {
            let v = Q::load(&y[4 * k..]);
            a[k] = a[k].add_mul(wa, v);
            b[k] = b[k].add_mul(wb, v);
        }
    }
    for k in 0..H {
        a[k].store(&mut oa[4 * k..]);
        b[k].store(&mut ob[4 * k..]);
    }
}

/// Whether every term of a pair can be read by [`pair_block`] on rows of `padded` values
/// (checked in debug builds: the tests).
#[cfg(debug_assertions)]
pub(super) fn pair_fits(sa: &[TermSlot], sb: &[TermSlot], val: &[f64], padded: usize) -> bool {
    sa.len() == sb.len()
        && sa
            .iter()
            .zip(sb)
            .all(|(a, b)| a.x < val.len() && b.x < val.len() && a.y + padded <= val.len())
}

/// A pair's backward through its products: for each shared row `v` (weights `wa`, `wb`),
/// `gv += wb * go_b` then `gv += wa * go_a` (the order the two chains gave them one after the
/// other), and each weight's gradient `sum(v * go)` summed as [`scale_and_dot`] sums it. When
/// a quad is one register, two rows at a time where they differ, so each chain's gradient is
/// loaded once for both and four sums run side by side (same results as one row at a time;
/// with two registers per quad that many values would not fit in the 16 registers).
#[inline(always)]
pub(super) fn pair_terms_backward<Q: Quad>(
    sa: &[TermSlot],
    sb: &[TermSlot],
    val: &[f64],
    grad: &mut [f64],
    go: (&[f64], &[f64]),
    first: bool,
) {
    if first {
        pair_terms::<Q, true>(sa, sb, val, grad, go);
    } else {
        pair_terms::<Q, false>(sa, sb, val, grad, go);
    }
}

/// [`pair_terms_backward`], with `FIRST` a compile-time constant so that no loop tests it.
#[inline(always)]
fn pair_terms<Q: Quad, const FIRST: bool>(
    sa: &[TermSlot],
    sb: &[TermSlot],
    val: &[f64],
    grad: &mut [f64],
    (ga, gb): (&[f64], &[f64]),
) {
    // With the wide kernels, in tiles of samples, so the two chains' gradients stay in the
    // first-level cache while every pair of rows reads them (a weight's gradient then adds
    // tile by tile): 4% off the step at 1,000-5,000 points. The two-lane kernels, a row at a
    // time, measured no faster in tiles, so they take the batch whole (and the page's wasm
    // is spared the loop).
    let n = ga.len();
    let tile = if Q::WIDE { TILE } else { n.max(1) };
    for s0 in (0..n).step_by(tile) {
        let go = (&ga[s0..n.min(s0 + tile)], &gb[s0..n.min(s0 + tile)]);
        let mut i = 0;
        while i < sa.len() {
            if Q::WIDE && i + 1 < sa.len() && sa[i].y != sa[i + 1].y {
                let rows = [(&sa[i], &sb[i]), (&sa[i + 1], &sb[i + 1])];
                pair_rows_backward::<Q, FIRST>(rows, val, grad, go, s0);
                i += 2;
            } else {
                pair_row_backward::<Q, FIRST>((&sa[i], &sb[i]), val, grad, go, s0);
                i += 1;
            }
        }
    }
}

/// Samples per tile of [`pair_terms_backward`] (a multiple of 4: tiles keep the four lanes).
const TILE: usize = 256;

/// One row of [`pair_terms_backward`].
#[inline(always)]
fn pair_row_backward<Q: Quad, const FIRST: bool>(
    (ta, tb): (&TermSlot, &TermSlot),
    val: &[f64],
    grad: &mut [f64],
    (ga, gb): (&[f64], &[f64]),
    s0: usize,
) {
    let n = ga.len();
    let full = n / 4 * 4;
    let (wa, wb) = (val[ta.x], val[tb.x]);
    let (wva, wvb) = (Q::splat(wa), Q::splat(wb));
    let y = ta.y + s0;
    let v = &val[y..y + n];
    let gv = &mut grad[y..y + n];
    let gb = &gb[..n];
    let (mut da, mut db) = (Q::splat(0.0), Q::splat(0.0));
    let (g4, v4) = (quads_mut(gv), quads(v));
    let (a4, b4) = (quads(ga), quads(gb));
    for k in 0..a4.len() {
        let (x, ya, yb) = (Q::load(&v4[k]), Q::load(&a4[k]), Q::load(&b4[k]));
        start::<Q, FIRST>(&g4[k])
            .add_mul(wvb, yb)
            .add_mul(wva, ya)
            .store(&mut g4[k]);
        da = da.add_mul(x, ya);
        db = db.add_mul(x, yb);
    }
    let (mut la, mut lb) = (lanes(da), lanes(db));
    for s in full..n {
        if FIRST {
            gv[s] = 0.0;
        }
        gv[s] += wb * gb[s];
        gv[s] += wa * ga[s];
        la[s - full] += v[s] * ga[s];
        lb[s - full] += v[s] * gb[s];
    }
    grad[tb.x] += total(lb);
    grad[ta.x] += total(la);
}

/// Two different rows of [`pair_terms_backward`] in one pass, each computed exactly as
/// [`pair_row_backward`] computes it.
#[inline(always)]
fn pair_rows_backward<Q: Quad, const FIRST: bool>(
    [(ta0, tb0), (ta1, tb1)]: [(&TermSlot, &TermSlot); 2],
    val: &[f64],
    grad: &mut [f64],
    (ga, gb): (&[f64], &[f64]),
    s0: usize,
) {
    let n = ga.len();
    let full = n / 4 * 4;
    let w = [val[ta0.x], val[tb0.x], val[ta1.x], val[tb1.x]];
    let q = w.map(Q::splat);
    let (y0, y1) = (ta0.y + s0, ta1.y + s0);
    let (v0, v1) = (&val[y0..y0 + n], &val[y1..y1 + n]);
    let (g0, g1) = two_rows(grad, y0, n, y1, n);
    let (g0, g1) = (&mut g0[..n], &mut g1[..n]);
    // Per row: the dots with go_a and go_b.
    let gb = &gb[..n];
    let mut d = [Q::splat(0.0); 4];
    let (g04, g14) = (quads_mut(g0), quads_mut(g1));
    let (v04, v14) = (quads(v0), quads(v1));
    let (a4, b4) = (quads(ga), quads(gb));
    for k in 0..a4.len() {
        let (ya, yb) = (Q::load(&a4[k]), Q::load(&b4[k]));
        let (x0, x1) = (Q::load(&v04[k]), Q::load(&v14[k]));
        start::<Q, FIRST>(&g04[k])
            .add_mul(q[1], yb)
            .add_mul(q[0], ya)
            .store(&mut g04[k]);
        start::<Q, FIRST>(&g14[k])
            .add_mul(q[3], yb)
            .add_mul(q[2], ya)
            .store(&mut g14[k]);
        d[0] = d[0].add_mul(x0, ya);
        d[1] = d[1].add_mul(x0, yb);
        d[2] = d[2].add_mul(x1, ya);
        d[3] = d[3].add_mul(x1, yb);
    }
    let mut l = d.map(lanes);
    for s in full..n {
        if FIRST {
            (g0[s], g1[s]) = (0.0, 0.0);
        }
        g0[s] += w[1] * gb[s];
        g0[s] += w[0] * ga[s];
        g1[s] += w[3] * gb[s];
        g1[s] += w[2] * ga[s];
        l[0][s - full] += v0[s] * ga[s];
        l[1][s - full] += v0[s] * gb[s];
        l[2][s - full] += v1[s] * ga[s];
        l[3][s - full] += v1[s] * gb[s];
    }
    grad[tb0.x] += total(l[1]);
    grad[ta0.x] += total(l[0]);
    grad[tb1.x] += total(l[3]);
    grad[ta1.x] += total(l[2]);
}

/// Backward of `x * x` inside a chain: `gx += (x + x) * go`.
#[inline(always)]
fn chain_backward_same(gx: &mut [f64], x: &[f64], go: &[f64]) {
    if x.len() == go.len() {
        for ((r, &a), &d) in gx.iter_mut().zip(x).zip(go) {
            *r += (a + a) * d;
        }
    } else {
        gx[0] += (x[0] + x[0]) * lanes_sum(go.len(), |s| go[s]);
    }
}

/// `g += go`, or `g[0] += sum(go)` when `g` is a uniform node's single number.
#[inline(always)]
pub(super) fn add_into(g: &mut [f64], go: &[f64]) {
    if g.len() == go.len() {
        for (r, &d) in g.iter_mut().zip(go) {
            *r += d;
        }
    } else {
        g[0] += lanes_sum(go.len(), |s| go[s]);
    }
}

// Shared helpers.

/// A sum in four lanes, so the reduction vectorizes (a strict left-to-right float sum cannot).
#[inline(always)]
pub(super) fn lanes_sum(n: usize, mut f: impl FnMut(usize) -> f64) -> f64 {
    let mut acc = [0.0f64; 4];
    let full = n / 4 * 4;
    let mut s = 0;
    while s < full {
        acc[0] += f(s);
        acc[1] += f(s + 1);
        acc[2] += f(s + 2);
        acc[3] += f(s + 3);
        s += 4;
    }
    for t in full..n {
        acc[t - full] += f(t);
    }
    total(acc)
}

/// Two disjoint rows of one buffer, mutably.
pub(super) fn two_rows(
    buf: &mut [f64],
    oa: usize,
    la: usize,
    ob: usize,
    lb: usize,
) -> (&mut [f64], &mut [f64]) {
    if oa < ob {
        let (x, y) = buf.split_at_mut(ob);
        (&mut x[oa..oa + la], &mut y[..lb])
    } else {
        let (x, y) = buf.split_at_mut(oa);
        (&mut y[..la], &mut x[ob..ob + lb])
    }
}
