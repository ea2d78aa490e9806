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

use crate::engine::{Graph, Op, Value};

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

#[derive(Clone, Copy, Debug)]
struct Instr {
    op: Op,
    kind: Kind,
    out: usize,
    a: usize,
    b: usize,
}

// Op codes for const generics: with the op a compile-time constant inside each kernel, the
// `match` in `Op::eval`/`Op::local_grads` folds away and the loops vectorize.
const ADD: u8 = 1;
const SUB: u8 = 2;
const MUL: u8 = 3;
const DIV: u8 = 4;
const NEG: u8 = 5;
const POW: u8 = 6;
const EXP: u8 = 7;
const LN: u8 = 8;
const TANH: u8 = 9;
const RELU: u8 = 10;
const SIGMOID: u8 = 11;
const ABS: u8 = 12;

#[inline(always)]
fn op_of<const K: u8>(k: f64) -> Op {
    match K {
        ADD => Op::Add,
        SUB => Op::Sub,
        MUL => Op::Mul,
        DIV => Op::Div,
        NEG => Op::Neg,
        POW => Op::Pow(k),
        EXP => Op::Exp,
        LN => Op::Ln,
        TANH => Op::Tanh,
        RELU => Op::Relu,
        SIGMOID => Op::Sigmoid,
        ABS => Op::Abs,
        _ => Op::Leaf,
    }
}

/// Calls `$kernel::<CODE>(exponent, args...)` for the op's code.
macro_rules! dispatch {
    ($op:expr, $kernel:ident, $($arg:expr),*) => {
        match $op {
            Op::Add => $kernel::<ADD>(0.0, $($arg),*),
            Op::Sub => $kernel::<SUB>(0.0, $($arg),*),
            Op::Mul => $kernel::<MUL>(0.0, $($arg),*),
            Op::Div => $kernel::<DIV>(0.0, $($arg),*),
            Op::Neg => $kernel::<NEG>(0.0, $($arg),*),
            Op::Pow(k) => $kernel::<POW>(k, $($arg),*),
            Op::Exp => $kernel::<EXP>(0.0, $($arg),*),
            Op::Ln => $kernel::<LN>(0.0, $($arg),*),
            Op::Tanh => $kernel::<TANH>(0.0, $($arg),*),
            Op::Relu => $kernel::<RELU>(0.0, $($arg),*),
            Op::Sigmoid => $kernel::<SIGMOID>(0.0, $($arg),*),
            Op::Abs => $kernel::<ABS>(0.0, $($arg),*),
            Op::Leaf => {}
        }
    };
}

/// A recorded graph, replayed over batches of up to `capacity` samples.
#[derive(Clone, Debug)]
pub struct Tape {
    code: Vec<Instr>,
    /// Per node: uniform or a row.
    uniform: Vec<bool>,
    /// Per node: start of its values in `val` / `grad` (instructions carry these too).
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
    /// hyper-parameters such as the L2 strength). Every other leaf is a constant.
    pub fn record(
        graph: &Graph,
        batch_inputs: &[Value<'_>],
        uniform_inputs: &[Value<'_>],
        capacity: usize,
    ) -> Tape {
        let nodes = graph.nodes();
        let mut uniform = vec![true; nodes.len()];
        for v in batch_inputs {
            uniform[v.id()] = false;
        }
        let mut code = Vec::new();
        let mut consts = Vec::new();
        let is_input = |id: usize| {
            batch_inputs.iter().any(|v| v.id() == id) || uniform_inputs.iter().any(|v| v.id() == id)
        };
        for (i, n) in nodes.iter().enumerate() {
            if n.op == Op::Leaf {
                if !is_input(i) {
                    consts.push((i, n.data));
                }
                continue;
            }
            let (a, b) = (n.a as usize, n.b as usize);
            let b = if n.op.arity() == 2 { b } else { a };
            uniform[i] = uniform[a] && uniform[b];
            let kind = match (uniform[i], uniform[a], uniform[b]) {
                (true, _, _) => Kind::Uniform,
                _ if n.op.arity() == 1 => Kind::V,
                _ if a == b => Kind::Same,
                (_, false, false) => Kind::VV,
                (_, true, false) => Kind::SV,
                _ => Kind::VS,
            };
            code.push(Instr {
                op: n.op,
                kind,
                out: i,
                a,
                b,
            });
        }
        let mut tape = Tape {
            code,
            uniform,
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

    /// Sizes the buffers for `cap` samples. Input values must be set again afterwards.
    fn layout(&mut self, cap: usize) {
        self.cap = cap;
        self.offset.clear();
        let mut at = 0;
        for &u in &self.uniform {
            self.offset.push(at);
            at += if u { 1 } else { cap };
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

    /// Node `id`'s values: one per sample, or a single number if it is uniform.
    pub fn values(&self, id: usize) -> &[f64] {
        let o = self.offset[id];
        &self.val[o..o + if self.uniform[id] { 1 } else { self.len }]
    }

    /// The gradient of uniform input `k` after [`Tape::backward`], summed over the batch.
    pub fn uniform_grad(&self, k: usize) -> f64 {
        self.grad[self.offset[self.uniform_inputs[k]]]
    }

    /// Node `id`'s gradients (per sample, or one number if uniform).
    pub fn grads(&self, id: usize) -> &[f64] {
        let o = self.offset[id];
        &self.grad[o..o + if self.uniform[id] { 1 } else { self.len }]
    }

    /// Runs every op over the batch, in recorded order.
    pub fn forward(&mut self) {
        let n = self.len;
        for ins in &self.code {
            let (oa, ob, oo) = (self.offset[ins.a], self.offset[ins.b], self.offset[ins.out]);
            let (before, after) = self.val.split_at_mut(oo);
            let la = if self.uniform[ins.a] { 1 } else { n };
            let lb = if self.uniform[ins.b] { 1 } else { n };
            let lo = if ins.kind == Kind::Uniform { 1 } else { n };
            let (a, b) = (&before[oa..oa + la], &before[ob..ob + lb]);
            let out = &mut after[..lo];
            dispatch!(ins.op, forward_kernel, ins.kind, out, a, b);
        }
    }

    /// Reverse sweep: zeroes all gradients, seeds each `(node, g)` with `g` (on every sample of a
    /// row), then applies the chain rule from the last instruction to the first.
    pub fn backward(&mut self, seeds: &[(usize, f64)]) {
        self.grad.fill(0.0);
        let n = self.len;
        for &(id, g) in seeds {
            let o = self.offset[id];
            let l = if self.uniform[id] { 1 } else { n };
            self.grad[o..o + l].fill(g);
        }
        for ins in self.code.iter().rev() {
            let (oa, ob, oo) = (self.offset[ins.a], self.offset[ins.b], self.offset[ins.out]);
            let la = if self.uniform[ins.a] { 1 } else { n };
            let lb = if self.uniform[ins.b] { 1 } else { n };
            let lo = if ins.kind == Kind::Uniform { 1 } else { n };
            let val = &self.val;
            let (a, b, out) = (&val[oa..oa + la], &val[ob..ob + lb], &val[oo..oo + lo]);
            let (gpre, gpost) = self.grad.split_at_mut(oo);
            let go = &gpost[..lo];
            if ins.a == ins.b {
                let ga = &mut gpre[oa..oa + la];
                dispatch!(ins.op, backward_same, ins.kind, a, out, go, ga);
            } else {
                let (ga, gb) = if oa < ob {
                    let (x, y) = gpre.split_at_mut(ob);
                    (&mut x[oa..oa + la], &mut y[..lb])
                } else {
                    let (x, y) = gpre.split_at_mut(oa);
                    (&mut y[..la], &mut x[ob..ob + lb])
                };
                dispatch!(ins.op, backward_pair, ins.kind, a, b, out, go, ga, gb);
            }
        }
    }
}

#[inline(always)]
fn forward_kernel<const K: u8>(p: f64, kind: Kind, out: &mut [f64], a: &[f64], b: &[f64]) {
    let op = op_of::<K>(p);
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
    p: f64,
    kind: Kind,
    a: &[f64],
    out: &[f64],
    go: &[f64],
    ga: &mut [f64],
) {
    let op = op_of::<K>(p);
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
    p: f64,
    kind: Kind,
    a: &[f64],
    b: &[f64],
    out: &[f64],
    go: &[f64],
    ga: &mut [f64],
    gb: &mut [f64],
) {
    let op = op_of::<K>(p);
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
