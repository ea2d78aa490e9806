//! Record once, replay over a batch: the fast path for training.
//!
//! The graph of a model (and its per-sample loss) is the same at every step; only the numbers
//! change. A [`Tape`] copies the ops of a [`Graph`] built for one sample and then runs them
//! over a whole batch at once: every node holds a row of values, one per sample, so each op
//! becomes a tight loop the compiler vectorizes. Nodes that do not depend on the sample
//! (parameters, constants, the L2 term) are *uniform*: they hold one number, and their
//! gradient is the sum over the batch. It is still reverse-mode autodiff of the recorded scalar
//! graph, op by op, with the same local derivatives ([`Op::local_grads`]) as the dynamic graph;
//! nothing is derived by hand. Once its buffers are sized, a replay allocates nothing.
//!
//! One fusion keeps the replay near the machine's speed: a chain of recorded nodes
//! `((init + a0*b0) + a1*b1) + ...` (every neuron's weighted sum, the L2 sum of squares), whose
//! products and partial sums are used nowhere else, runs as one instruction. Its forward pass
//! adds in the recorded order, so it gives the same bits; its backward pass is the chain rule
//! through those very `+` and `*` nodes (the gradient of each partial sum is the chain's, as
//! `+` passes it on unchanged; each product then gives `b * g` to `a` and `a * g` to `b`),
//! with the intermediate nodes simply not stored.

use crate::engine::{Graph, Op, Value};
use crate::simd::F64x2;

/// How an instruction's operands are laid out: V = a row over the batch, S = one number.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// Output and operands uniform.
    Uniform,
    /// Unary op on a row, or a binary op whose two operands are the same row (`x * x`).
    V,
    Same,
    VV,
    SV,
    VS,
}

/// One replayed step. Operands are node ids.
#[derive(Clone, Copy, Debug)]
enum Instr {
    /// A recorded op.
    Op {
        op: Op,
        kind: Kind,
        out: usize,
        a: usize,
        b: usize,
    },
    /// A fused chain `init + a0*b0 + a1*b1 + ...` (terms `terms` of `Tape::terms`).
    Chain {
        out: usize,
        init: usize,
        terms: (usize, usize),
    },
}

/// A chain product `x * y` with its operands' offsets; `kind` says which are uniform.
#[derive(Clone, Copy, Debug)]
struct TermSlot {
    x: usize,
    y: usize,
    kind: TermKind,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum TermKind {
    /// x uniform, y a row.
    SV,
    VS,
    VV,
    SS,
    /// `x * x` on a row, or on a uniform node.
    SameV,
    SameS,
}

/// A chain being collected while recording: its start, its last node, its products.
type ChainDraft = (usize, usize, Vec<(usize, usize)>);

/// Marks a node whose value is not stored (a fused product or partial sum).
const NOWHERE: usize = usize::MAX;

// Op codes for const generics: with the op a compile-time constant inside each kernel, the
// `match` in `Op::eval`/`Op::local_grads` folds away and the loops vectorize. Only the ops of
// networks and their usual losses get a kernel of their own; the rare ones (`/`, `powf`,
// `exp`, `ln`, `abs`) share one that matches at run time, which keeps the wasm bundle small.
const GENERIC: u8 = 0;
const ADD: u8 = 1;
const SUB: u8 = 2;
const MUL: u8 = 3;
const NEG: u8 = 4;
const TANH: u8 = 5;
const RELU: u8 = 6;
const SIGMOID: u8 = 7;

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
            _ => $kernel::<GENERIC>($op, $($arg),*),
        }
    };
}

/// A recorded graph, replayed over batches of up to `capacity` samples.
#[derive(Clone, Debug)]
pub struct Tape {
    code: Vec<Instr>,
    /// The products of the fused chains, as node-id pairs.
    terms: Vec<(usize, usize)>,
    /// The same products resolved by [`Tape::layout`] to buffer offsets and operand kinds,
    /// so the hot loop looks nothing up.
    slots: Vec<TermSlot>,
    /// Per node: uniform or a row.
    uniform: Vec<bool>,
    /// Per node: whether its values are stored (not a fused intermediate).
    stored: Vec<bool>,
    /// Per node: start of its values in `val` / `grad` ([`NOWHERE`] if not stored).
    offset: Vec<usize>,
    consts: Vec<(usize, f64)>,
    batch_inputs: Vec<usize>,
    uniform_inputs: Vec<usize>,
    cap: usize,
    len: usize,
    val: Vec<f64>,
    grad: Vec<f64>,
}

impl Tape {
    /// Records `graph`. `batch_inputs` are the leaves that take a different value per sample
    /// (features, label); `uniform_inputs` are leaves set once per replay (parameters,
    /// hyper-parameters such as the L2 strength). Every other leaf is a constant. `keep` are
    /// the nodes whose values or gradients the caller reads or seeds (outputs): they are
    /// never fused away.
    pub fn record(
        graph: &Graph,
        batch_inputs: &[Value<'_>],
        uniform_inputs: &[Value<'_>],
        keep: &[Value<'_>],
        capacity: usize,
    ) -> Tape {
        let nodes = graph.nodes();
        let n = nodes.len();
        let mut uniform = vec![true; n];
        for v in batch_inputs {
            uniform[v.id()] = false;
        }
        let mut uses = vec![0usize; n];
        let mut kept = vec![false; n];
        for v in keep {
            kept[v.id()] = true;
        }
        for nd in nodes.iter() {
            for o in nd.operands() {
                uses[o] += 1;
            }
        }
        let is_input = |id: usize| {
            batch_inputs.iter().any(|v| v.id() == id) || uniform_inputs.iter().any(|v| v.id() == id)
        };
        // A product that only feeds the `+` after it can be folded into that `+`'s chain.
        let fusable_mul = |id: usize| nodes[id].op == Op::Mul && uses[id] == 1 && !kept[id];
        // chain[i]: the chain (index into `chains`) that node i, a `+` link, belongs to.
        let mut chain: Vec<usize> = vec![NOWHERE; n];
        // (init, out, terms) of each chain found.
        let mut chains: Vec<ChainDraft> = Vec::new();
        let mut stored = vec![true; n];
        for (i, nd) in nodes.iter().enumerate() {
            if nd.op != Op::Leaf {
                let (a, b) = (nd.a as usize, nd.b as usize);
                let b = if nd.op.arity() == 2 { b } else { a };
                uniform[i] = uniform[a] && uniform[b];
            }
            if nd.op != Op::Add || nd.a == nd.b || !fusable_mul(nd.b as usize) {
                continue;
            }
            let (a, m) = (nd.a as usize, nd.b as usize);
            let term = (nodes[m].a as usize, nodes[m].b as usize);
            stored[m] = false;
            if chain[a] != NOWHERE && uses[a] == 1 && !kept[a] {
                let c = chain[a];
                stored[a] = false;
                chains[c].1 = i;
                chains[c].2.push(term);
                chain[i] = c;
            } else {
                chain[i] = chains.len();
                chains.push((a, i, vec![term]));
            }
        }
        let mut code = Vec::new();
        let mut terms = Vec::new();
        let mut consts = Vec::new();
        for (i, nd) in nodes.iter().enumerate() {
            if nd.op == Op::Leaf {
                if !is_input(i) {
                    consts.push((i, nd.data));
                }
                continue;
            }
            if !stored[i] {
                continue;
            }
            if chain[i] != NOWHERE {
                let (init, _, t) = &chains[chain[i]];
                code.push(Instr::Chain {
                    out: i,
                    init: *init,
                    terms: (terms.len(), terms.len() + t.len()),
                });
                terms.extend_from_slice(t);
                continue;
            }
            let (a, b) = (nd.a as usize, nd.b as usize);
            let b = if nd.op.arity() == 2 { b } else { a };
            let kind = match (uniform[i], uniform[a], uniform[b]) {
                (true, _, _) => Kind::Uniform,
                _ if nd.op.arity() == 1 => Kind::V,
                _ if a == b => Kind::Same,
                (_, false, false) => Kind::VV,
                (_, true, false) => Kind::SV,
                _ => Kind::VS,
            };
            code.push(Instr::Op {
                op: nd.op,
                kind,
                out: i,
                a,
                b,
            });
        }
        let mut tape = Tape {
            code,
            terms,
            slots: Vec::new(),
            uniform,
            stored,
            offset: Vec::new(),
            consts,
            batch_inputs: batch_inputs.iter().map(|v| v.id()).collect(),
            uniform_inputs: uniform_inputs.iter().map(|v| v.id()).collect(),
            cap: 0,
            len: 0,
            val: Vec::new(),
            grad: Vec::new(),
        };
        tape.layout(capacity.max(1));
        tape
    }

    /// Sizes the buffers for `cap` samples (each row padded to a multiple of [`PAD`]). Input
    /// values must be set again afterwards.
    fn layout(&mut self, cap: usize) {
        self.cap = cap;
        self.offset.clear();
        let mut at = 0;
        for (&u, &st) in self.uniform.iter().zip(&self.stored) {
            if st {
                self.offset.push(at);
                at += if u { 1 } else { cap.next_multiple_of(PAD) };
            } else {
                self.offset.push(NOWHERE);
            }
        }
        self.slots.clear();
        for &(x, y) in &self.terms {
            let kind = match (self.uniform[x], self.uniform[y]) {
                (u, _) if x == y => {
                    if u {
                        TermKind::SameS
                    } else {
                        TermKind::SameV
                    }
                }
                (true, false) => TermKind::SV,
                (false, true) => TermKind::VS,
                (false, false) => TermKind::VV,
                (true, true) => TermKind::SS,
            };
            self.slots.push(TermSlot {
                x: self.offset[x],
                y: self.offset[y],
                kind,
            });
        }
        self.val.clear();
        self.val.resize(at, 0.0);
        self.grad.clear();
        self.grad.resize(at, 0.0);
        for &(id, x) in &self.consts {
            self.val[self.offset[id]] = x;
        }
    }

    /// Number of nodes recorded.
    pub fn num_nodes(&self) -> usize {
        self.uniform.len()
    }

    /// Number of instructions a replay runs (after fusion).
    pub fn num_instructions(&self) -> usize {
        self.code.len()
    }

    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// The number of samples the next replay runs over (at most the capacity).
    pub fn set_len(&mut self, n: usize) {
        assert!(
            n <= self.cap,
            "batch of {n} exceeds the tape's capacity {}",
            self.cap
        );
        self.len = n;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Batch input `k`'s row, to fill with this batch's values.
    pub fn batch_input_mut(&mut self, k: usize) -> &mut [f64] {
        let o = self.offset[self.batch_inputs[k]];
        &mut self.val[o..o + self.len]
    }

    /// Sets uniform input `k`.
    pub fn set_uniform(&mut self, k: usize, x: f64) {
        self.val[self.offset[self.uniform_inputs[k]]] = x;
    }

    fn span(&self, id: usize) -> std::ops::Range<usize> {
        let o = self.offset[id];
        assert!(
            o != NOWHERE,
            "node {id} was fused away; pass it in `keep` to read it"
        );
        o..o + if self.uniform[id] { 1 } else { self.len }
    }

    /// Node `id`'s values: one per sample, or a single number if it is uniform. Readable for
    /// inputs, kept nodes, and any node that was not fused away.
    pub fn values(&self, id: usize) -> &[f64] {
        &self.val[self.span(id)]
    }

    /// The gradient of uniform input `k` after [`Tape::backward`], summed over the batch.
    pub fn uniform_grad(&self, k: usize) -> f64 {
        self.grad[self.offset[self.uniform_inputs[k]]]
    }

    /// Node `id`'s gradients (per sample, or one number if uniform).
    pub fn grads(&self, id: usize) -> &[f64] {
        &self.grad[self.span(id)]
    }

    /// Runs every instruction over the batch, in recorded order.
    pub fn forward(&mut self) {
        let Tape {
            code,
            slots,
            uniform,
            offset,
            val,
            len,
            ..
        } = self;
        let rl = |id: usize| if uniform[id] { 1 } else { *len };
        for ins in code.iter() {
            match *ins {
                Instr::Op {
                    op,
                    kind,
                    out,
                    a,
                    b,
                } => {
                    let (oa, ob, oo) = (offset[a], offset[b], offset[out]);
                    let (before, after) = val.split_at_mut(oo);
                    let x = &before[oa..oa + rl(a)];
                    let y = &before[ob..ob + rl(b)];
                    let o = &mut after[..rl(out)];
                    dispatch!(op, forward_kernel, kind, o, x, y);
                }
                Instr::Chain { out, init, terms } => {
                    let oo = offset[out];
                    let (before, after) = val.split_at_mut(oo);
                    let oi = offset[init];
                    let slots = &slots[terms.0..terms.1];
                    if uniform[out] {
                        // One number (the L2 sum of squares): the sum stays in a register.
                        let mut acc = before[oi];
                        for t in slots {
                            acc += before[t.x] * before[t.y];
                        }
                        after[0] = acc;
                        continue;
                    }
                    // Blocks of samples stay in registers across all the terms (the sum per
                    // sample still runs in the recorded order): 16 samples at a time, then 4
                    // at a time up to the padded end of the row (see `Tape::layout`).
                    let start = if uniform[init] {
                        Start::Uniform(before[oi])
                    } else {
                        Start::Row(oi)
                    };
                    let o = &mut after[..(*len).next_multiple_of(PAD)];
                    let wide = *len / LANES * LANES;
                    for s0 in (0..wide).step_by(LANES) {
                        let o = &mut o[s0..s0 + LANES];
                        chain_block::<{ LANES / 2 }>(o, before, start, slots, s0);
                    }
                    for s0 in (wide..o.len()).step_by(PAD) {
                        let o = &mut o[s0..s0 + PAD];
                        chain_block::<{ PAD / 2 }>(o, before, start, slots, s0);
                    }
                }
            }
        }
    }

    /// Reverse sweep: zeroes all gradients, seeds each `(node, g)` with `g` (on every sample of a
    /// row), then applies the chain rule from the last instruction to the first.
    pub fn backward(&mut self, seeds: &[(usize, f64)]) {
        if self.len == self.cap {
            self.grad.fill(0.0);
        } else {
            // Only the rows' first `len` entries are read, so only those need zeroing.
            for id in 0..self.uniform.len() {
                if self.stored[id] {
                    let span = self.span(id);
                    self.grad[span].fill(0.0);
                }
            }
        }
        for &(id, g) in seeds {
            let span = self.span(id);
            self.grad[span].fill(g);
        }
        let Tape {
            code,
            slots,
            uniform,
            offset,
            val,
            grad,
            len,
            ..
        } = self;
        let rl = |id: usize| if uniform[id] { 1 } else { *len };
        for ins in code.iter().rev() {
            match *ins {
                Instr::Op {
                    op,
                    kind,
                    out,
                    a,
                    b,
                } => {
                    let (oa, ob, oo) = (offset[a], offset[b], offset[out]);
                    let (la, lb, lo) = (rl(a), rl(b), rl(out));
                    let val = &*val;
                    let (x, y, o) = (&val[oa..oa + la], &val[ob..ob + lb], &val[oo..oo + lo]);
                    let (gpre, gpost) = grad.split_at_mut(oo);
                    let go = &gpost[..lo];
                    if a == b {
                        let ga = &mut gpre[oa..oa + la];
                        dispatch!(op, backward_same, kind, x, o, go, ga);
                    } else {
                        let (ga, gb) = two_rows(gpre, oa, la, ob, lb);
                        dispatch!(op, backward_pair, kind, x, y, o, go, ga, gb);
                    }
                }
                Instr::Chain { out, init, terms } => {
                    let oo = offset[out];
                    let lo = rl(out);
                    let (gpre, gpost) = grad.split_at_mut(oo);
                    let go = &gpost[..lo];
                    // `+` passes the chain's gradient unchanged to the start and every product.
                    let oi = offset[init];
                    add_into(&mut gpre[oi..oi + rl(init)], go);
                    let n = lo;
                    for t in &slots[terms.0..terms.1] {
                        let (x, y) = (t.x, t.y);
                        match t.kind {
                            TermKind::SV => {
                                let d =
                                    scale_and_dot(&mut gpre[y..y + n], val[x], &val[y..y + n], go);
                                gpre[x] += d;
                            }
                            TermKind::VS => {
                                let d =
                                    scale_and_dot(&mut gpre[x..x + n], val[y], &val[x..x + n], go);
                                gpre[y] += d;
                            }
                            TermKind::VV => {
                                let (gx, gy) = two_rows(gpre, x, n, y, n);
                                chain_backward(gx, gy, &val[x..x + n], &val[y..y + n], go);
                            }
                            TermKind::SS => {
                                let total = lanes_sum(n, |s| go[s]);
                                gpre[x] += val[y] * total;
                                gpre[y] += val[x] * total;
                            }
                            // `x * x`: d/dx = x + x, as the two operand slots add up.
                            TermKind::SameV => {
                                chain_backward_same(&mut gpre[x..x + n], &val[x..x + n], go)
                            }
                            TermKind::SameS => {
                                chain_backward_same(&mut gpre[x..x + 1], &val[x..x + 1], go)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Two disjoint rows of one buffer, mutably.
fn two_rows(
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

/// Samples per register block of a chain's forward pass.
const LANES: usize = 16;
/// Rows are padded to a multiple of this many samples, so a chain's forward pass ends in
/// whole blocks of `PAD` (computing a few unused values past the batch) instead of a slow
/// scalar tail.
const PAD: usize = 4;

/// Where a chain starts: a row (its offset) or one number.
#[derive(Clone, Copy)]
enum Start {
    Row(usize),
    Uniform(f64),
}

/// A chain's forward pass on the `2 * H` samples from `s0`: `o = start + x0*y0 + x1*y1 + ...`,
/// in that order, with the sums in registers throughout.
#[inline(always)]
fn chain_block<const H: usize>(
    o: &mut [f64],
    val: &[f64],
    start: Start,
    slots: &[TermSlot],
    s0: usize,
) {
    let mut acc: [F64x2; H] = match start {
        Start::Row(at) => std::array::from_fn(|k| F64x2::load(&val[at + s0 + 2 * k..])),
        Start::Uniform(c) => [F64x2::splat(c); H],
    };
    let block = |o: usize| -> &[f64] { &val[o + s0..o + s0 + 2 * H] };
    for t in slots {
        match t.kind {
            TermKind::SV => {
                let (a, y) = (F64x2::splat(val[t.x]), block(t.y));
                for (k, r) in acc.iter_mut().enumerate() {
                    *r = r.add_mul(a, F64x2::load(&y[2 * k..]));
                }
            }
            TermKind::VS => {
                let (x, b) = (block(t.x), F64x2::splat(val[t.y]));
                for (k, r) in acc.iter_mut().enumerate() {
                    *r = r.add_mul(F64x2::load(&x[2 * k..]), b);
                }
            }
            TermKind::VV | TermKind::SameV => {
                let (x, y) = (block(t.x), block(t.y));
                for (k, r) in acc.iter_mut().enumerate() {
                    *r = r.add_mul(F64x2::load(&x[2 * k..]), F64x2::load(&y[2 * k..]));
                }
            }
            TermKind::SS | TermKind::SameS => {
                let c = F64x2::splat(val[t.x] * val[t.y]);
                for r in acc.iter_mut() {
                    *r = *r + c;
                }
            }
        }
    }
    for (k, a) in acc.iter().enumerate() {
        a.store(&mut o[2 * k..]);
    }
}

/// `g += go`, or `g[0] += sum(go)` when `g` is a uniform node's single number.
#[inline(always)]
fn add_into(g: &mut [f64], go: &[f64]) {
    if g.len() == go.len() {
        for (r, &d) in g.iter_mut().zip(go) {
            *r += d;
        }
    } else {
        g[0] += lanes_sum(go.len(), |s| go[s]);
    }
}

/// Backward of a product `x * y` inside a chain with gradient `go`: `gx += y * go`,
/// `gy += x * go` (summed over the batch for a uniform operand).
#[inline(always)]
fn chain_backward(gx: &mut [f64], gy: &mut [f64], x: &[f64], y: &[f64], go: &[f64]) {
    let n = go.len();
    match (x.len() == n, y.len() == n) {
        (true, true) => {
            for s in 0..n {
                gx[s] += y[s] * go[s];
                gy[s] += x[s] * go[s];
            }
        }
        (false, true) => gx[0] += scale_and_dot(gy, x[0], y, go),
        (true, false) => gy[0] += scale_and_dot(gx, y[0], x, go),
        (false, false) => {
            let total = lanes_sum(n, |s| go[s]);
            gx[0] += y[0] * total;
            gy[0] += x[0] * total;
        }
    }
}

/// One pass for a product `w * v` with `w` uniform: `gv += w * go` per sample, and returns
/// `sum(v * go)` (w's gradient), summed in four lanes so it vectorizes.
#[inline(always)]
fn scale_and_dot(gv: &mut [f64], w: f64, v: &[f64], go: &[f64]) -> f64 {
    let n = go.len();
    let (gv, v) = (&mut gv[..n], &v[..n]);
    let wv = F64x2::splat(w);
    // Lanes (0, 1) and (2, 3) of the four: sample s goes to lane s % 4.
    let mut acc = [F64x2::splat(0.0); 2];
    let full = n / 4 * 4;
    for ((g4, v4), d4) in gv
        .chunks_exact_mut(4)
        .zip(v.chunks_exact(4))
        .zip(go.chunks_exact(4))
    {
        for (t, a) in acc.iter_mut().enumerate() {
            let d = F64x2::load(&d4[2 * t..]);
            let g = &mut g4[2 * t..];
            F64x2::load(g).add_mul(wv, d).store(g);
            *a = a.add_mul(F64x2::load(&v4[2 * t..]), d);
        }
    }
    let [a0, a1] = acc[0].to_array();
    let [a2, a3] = acc[1].to_array();
    let mut acc = [a0, a1, a2, a3];
    for s in full..n {
        gv[s] += w * go[s];
        acc[s - full] += v[s] * go[s];
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
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

#[inline(always)]
fn forward_kernel<const K: u8>(op: Op, kind: Kind, out: &mut [f64], a: &[f64], b: &[f64]) {
    let op = op_of::<K>(op);
    match kind {
        Kind::Uniform => out[0] = op.eval(a[0], b[0]),
        Kind::V | Kind::Same => {
            for (o, &x) in out.iter_mut().zip(a) {
                *o = op.eval(x, x);
            }
        }
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

/// A sum in four lanes, so the reduction vectorizes (a strict left-to-right float sum cannot).
#[inline(always)]
fn lanes_sum(n: usize, mut f: impl FnMut(usize) -> f64) -> f64 {
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
    (acc[0] + acc[1]) + (acc[2] + acc[3])
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
        Kind::V | Kind::Same => unreachable!("unary kinds go through backward_same"),
    }
}
