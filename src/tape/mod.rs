//! Record once, replay over a batch: the fast path for training.
//!
//! The graph of a model (and its per-sample loss) is the same at every step; only the numbers
//! change. A [`Tape`] copies the ops of a [`Graph`](crate::engine::Graph) built for one sample
//! and then runs them over a whole batch at once: every node holds a row of values, one per
//! sample, so each op becomes a tight loop the compiler vectorizes. Nodes that do not depend on
//! the sample (parameters, constants, the L2 term) are *uniform*: they hold one number, and
//! their gradient is the sum over the batch. It is still reverse-mode autodiff of the recorded
//! scalar graph, op by op, with the same local derivatives ([`Op::local_grads`]) as the dynamic
//! graph; nothing is derived by hand. Once its buffers are sized, a replay allocates nothing.
//!
//! Two fusions keep the replay near the machine's speed. First, a chain of recorded nodes
//! `((init + a0*b0) + a1*b1) + ...` (every neuron's weighted sum, the L2 sum of squares), whose
//! products and partial sums are used nowhere else, runs as one instruction. Its forward pass
//! adds in the recorded order, so it gives the same bits; its backward pass is the chain rule
//! through those very `+` and `*` nodes (the gradient of each partial sum is the chain's, as
//! `+` passes it on unchanged; each product then gives `b * g` to `a` and `a * g` to `b`),
//! with the intermediate nodes simply not stored. Second, two such chains of one layer (two
//! neurons: their own bias, their own weights, the same input rows) run as one pair, so each
//! input row is read once for both, forward and backward; every sum still adds in its
//! recorded order, so the results keep their bits.
//!
//! The kernels are written once for four lanes ([`crate::simd::Quad`]) and compiled for the
//! machine's vectors, chosen at run time ([`Kernels`]): two SSE2 or simd128 registers, one AVX
//! register (the same bits), or AVX with fused multiply-adds (rounded once: within 1e-12).
//! The buffers hold the uniform nodes first, then the rows an odd number of cache lines
//! apart, so that a layer's input rows, read at the same sample, fall in different sets of
//! the first-level cache, each starting 16 bytes past a line (measured the fastest place, see
//! `Buffer`). A batch runs in chunks ([`crate::train::chunk_for`]) long enough
//! to spread each instruction's fixed cost, short enough that the rows stay in the
//! second-level cache.
//!
//! The parts: `recorder` turns a graph into instructions and finds the chains
//! ([`Tape::record`]), `replay` runs them over the batch ([`Tape::forward`],
//! [`Tape::backward`]), `kernels` are the loops each instruction runs. This file holds the
//! instruction set, the [`Tape`] and its accessors.

mod kernels;
mod recorder;
mod replay;

use crate::engine::Op;

/// How an instruction's operands are laid out: V = a row over the batch, S = one number.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// Output and operands uniform.
    Uniform,
    /// Unary op on a row, or a binary op whose two operands are the same row (`x * x`).
    V,
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
    /// Two chains of one layer run together: both start from a uniform node and multiply the
    /// same rows, term by term, by uniform weights (two neurons on the same inputs), so each
    /// row is loaded once for both. `b` was recorded after `a`; its operands all come before
    /// `a`'s output, so running it beside `a` changes no result (see `recorder`).
    Pair { a: ChainRef, b: ChainRef },
}

/// One chain of an [`Instr::Pair`].
#[derive(Clone, Copy, Debug)]
struct ChainRef {
    out: usize,
    init: usize,
    terms: (usize, usize),
}

/// A chain product `x * y` with its operands' offsets; `kind` says which are uniform.
#[derive(Clone, Copy, Debug)]
struct TermSlot {
    x: usize,
    y: usize,
    kind: TermKind,
}

/// How a chain product's operands are laid out (S uniform, V a row), as [`Kind`] for ops.
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

/// Marks a node whose value is not stored (a fused product or partial sum).
const NOWHERE: usize = usize::MAX;

/// Which vector instructions the replay's kernels use. `Baseline` and `Avx` give the same
/// results, bit for bit: each lane does the same IEEE multiplies and adds in the same order,
/// and sums across the batch keep four lanes whatever the register width. `AvxFma` fuses each
/// multiply-add into one instruction rounded once: faster, and within 1e-12 of the others on
/// networks (tested; random expressions whose terms cancel, within 1e-10), not equal to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernels {
    /// Two f64 lanes per instruction: SSE2 on x86-64, simd128 in wasm, scalar elsewhere.
    Baseline,
    /// Four f64 lanes per instruction: AVX, on x86-64 CPUs that have it.
    Avx,
    /// Four lanes and fused multiply-adds: AVX and FMA, on x86-64 CPUs that have both.
    AvxFma,
}

impl Kernels {
    /// The fastest kernels this CPU runs.
    pub fn best() -> Kernels {
        if Kernels::AvxFma.available() {
            Kernels::AvxFma
        } else if Kernels::Avx.available() {
            Kernels::Avx
        } else {
            Kernels::Baseline
        }
    }

    /// Whether this CPU runs them.
    pub fn available(self) -> bool {
        match self {
            Kernels::Baseline => true,
            #[cfg(target_arch = "x86_64")]
            Kernels::Avx => std::arch::is_x86_feature_detected!("avx"),
            #[cfg(target_arch = "x86_64")]
            Kernels::AvxFma => {
                std::arch::is_x86_feature_detected!("avx")
                    && std::arch::is_x86_feature_detected!("fma")
            }
            #[cfg(not(target_arch = "x86_64"))]
            Kernels::Avx | Kernels::AvxFma => false,
        }
    }

    /// Whether they give the baseline's bits (no fused multiply-add).
    pub fn exact(self) -> bool {
        self != Kernels::AvxFma
    }
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
    /// Where each uniform input's value and gradient are (its offset).
    uniform_input_at: Vec<usize>,
    /// The stored uniform nodes fill `val[..rows_at]`; then come `rows` rows, `stride` apart.
    rows_at: usize,
    rows: usize,
    stride: usize,
    /// Per node: start of its values in `val` / `grad` ([`NOWHERE`] if not stored).
    offset: Vec<usize>,
    consts: Vec<(usize, f64)>,
    batch_inputs: Vec<usize>,
    uniform_inputs: Vec<usize>,
    cap: usize,
    len: usize,
    val: Buffer,
    grad: Buffer,
    /// Only ever `Avx` or `AvxFma` when the CPU has those: the replay relies on it.
    kernels: Kernels,
    /// Per instruction: whether its backward gives every row gradient it writes that row's
    /// first contribution, so it stores them instead of adding to zeros; and the rows whose
    /// gradients must be zeroed before a backward pass, the others' (see
    /// `recorder::first_writes`). Used by the wide kernels only (empty and unused elsewhere).
    assigns: Vec<bool>,
    zeroed_rows: Vec<usize>,
}

impl Tape {
    /// The kernels the replay uses ([`Kernels::best`] unless set).
    pub fn kernels(&self) -> Kernels {
        self.kernels
    }

    /// Uses `k` if this CPU runs it (else keeps the current kernels); returns what is used.
    pub fn set_kernels(&mut self, k: Kernels) -> Kernels {
        if k.available() {
            self.kernels = k;
        }
        self.kernels
    }

    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// Resizes the buffers for batches of up to `cap` samples. Every value is lost: set the
    /// inputs again.
    pub fn set_capacity(&mut self, cap: usize) {
        self.layout(cap.max(1));
    }

    /// How many rows (stored nodes that hold one value per sample) a replay fills.
    pub fn rows(&self) -> usize {
        self.rows
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

    /// Sets uniform inputs `0..values.len()` at once (a network's parameters).
    pub fn set_uniforms(&mut self, values: &[f64]) {
        let at = &self.uniform_input_at[..values.len()];
        for (&o, &x) in at.iter().zip(values) {
            self.val[o] = x;
        }
    }

    /// Adds the gradients of uniform inputs `0..into.len()` after [`Tape::backward`] to `into`.
    pub fn add_uniform_grads(&self, into: &mut [f64]) {
        let at = &self.uniform_input_at[..into.len()];
        for (&o, g) in at.iter().zip(into) {
            *g += self.grad[o];
        }
    }

    /// The gradient of uniform input `k` after [`Tape::backward`], summed over the batch.
    pub fn uniform_grad(&self, k: usize) -> f64 {
        self.grad[self.offset[self.uniform_inputs[k]]]
    }

    /// How many pairs of chains (two neurons of a layer) the replay runs together.
    pub fn pairs(&self) -> usize {
        self.code
            .iter()
            .filter(|i| matches!(i, Instr::Pair { .. }))
            .count()
    }

    /// Node `id`'s gradients (per sample, or one number if uniform).
    pub fn grads(&self, id: usize) -> &[f64] {
        &self.grad[self.span(id)]
    }
}

/// A replay buffer of `f64`s (the values or the gradients) that starts 16 bytes past a
/// 64-byte boundary, wherever the allocator puts it; its rows, a whole number of 64-byte lines
/// from the start, all start there too. Measured with the AVX kernels on this project's
/// machine, rows at 16 bytes modulo 32 run the step 10-25% faster than rows at 0 (aligned to
/// the vectors' 32 bytes), 8 or 24, at every size timed, and both buffers must be so.
/// With a plain `Vec` the placement depended on the allocator's history (glibc maps a large
/// block fresh, 16 bytes past a page, but serves it from the heap after a large one was freed),
/// so the step's speed depended on what the process had done before.
#[derive(Debug, Default)]
struct Buffer {
    values: Vec<f64>,
    /// Where the buffer starts in `values`.
    at: usize,
    len: usize,
}

/// Where a [`Buffer`] starts in its 64-byte line, in bytes.
const SKEW: usize = 16;

impl Buffer {
    /// `n` zeros.
    fn zeros(n: usize) -> Buffer {
        // A line's worth to spare: an `f64` is 8-byte aligned, so one of the first 8 values
        // starts at the skew.
        let values = vec![0.0; n + 8];
        let at = (SKEW + 64 - values.as_ptr() as usize % 64) % 64 / 8;
        Buffer { values, at, len: n }
    }
}

impl Clone for Buffer {
    /// A copy placed as its own allocation allows (see [`Buffer::zeros`]).
    fn clone(&self) -> Buffer {
        let mut b = Buffer::zeros(self.len);
        b.copy_from_slice(self);
        b
    }
}

// Inlined everywhere: the page's wasm is built with a low inlining threshold, under which each
// index into a buffer would otherwise call these.
impl std::ops::Deref for Buffer {
    type Target = [f64];
    #[inline(always)]
    fn deref(&self) -> &[f64] {
        // SAFETY: `at < 8` and `values` holds `len + 8` values (`Buffer::zeros`). Unchecked,
        // as the check inlined into every use cost the page's wasm 1 KB.
        unsafe { self.values.get_unchecked(self.at..self.at + self.len) }
    }
}

impl std::ops::DerefMut for Buffer {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [f64] {
        // SAFETY: as in `deref`.
        unsafe { self.values.get_unchecked_mut(self.at..self.at + self.len) }
    }
}
