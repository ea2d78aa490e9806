//! Replaying a [`Tape`] over a batch: the forward pass in recorded order, then the reverse
//! sweep. Each instruction picks its operands' rows and hands them to a kernel. Both passes
//! are written once, for any [`Quad`], and compiled twice on x86-64: for the baseline (SSE2)
//! and with AVX enabled, which the tape uses when the CPU has it ([`Kernels`]).

use super::kernels::{
    add_into, chain_block, chain_terms_backward, op_backward_pair, op_backward_same, op_forward,
    pair_block, pair_terms_backward, two_rows, Start, LANES, PAD,
};
#[cfg(target_arch = "x86_64")]
use super::Kernels;
use super::{Instr, Tape};
#[cfg(target_arch = "x86_64")]
use crate::simd::Avx;
use crate::simd::{Pair, Quad};

impl Tape {
    /// Runs every instruction over the batch, in recorded order.
    pub fn forward(&mut self) {
        // SAFETY: `kernels` names only kernels the CPU runs (`Tape::set_kernels`).
        #[cfg(target_arch = "x86_64")]
        match self.kernels {
            Kernels::Avx => return unsafe { self.forward_avx() },
            Kernels::AvxFma => return unsafe { self.forward_fma() },
            Kernels::Baseline => {}
        }
        self.forward_in::<Pair>();
    }

    /// Reverse sweep: zeroes all gradients, seeds each `(node, g)` with `g` (on every sample of a
    /// row), then applies the chain rule from the last instruction to the first.
    pub fn backward(&mut self, seeds: &[(usize, f64)]) {
        // SAFETY: as in `forward`.
        #[cfg(target_arch = "x86_64")]
        match self.kernels {
            Kernels::Avx => return unsafe { self.backward_avx(seeds) },
            Kernels::AvxFma => return unsafe { self.backward_fma(seeds) },
            Kernels::Baseline => {}
        }
        self.backward_in::<Pair>(seeds);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    unsafe fn forward_avx(&mut self) {
        self.forward_in::<Avx<false>>();
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    unsafe fn backward_avx(&mut self, seeds: &[(usize, f64)]) {
        self.backward_in::<Avx<false>>(seeds);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx,fma")]
    unsafe fn forward_fma(&mut self) {
        self.forward_in::<Avx<true>>();
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx,fma")]
    unsafe fn backward_fma(&mut self, seeds: &[(usize, f64)]) {
        self.backward_in::<Avx<true>>(seeds);
    }

    #[inline(always)]
    fn forward_in<Q: Quad>(&mut self) {
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
                    op_forward(op, kind, o, x, y);
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
                    // sample still runs in the recorded order): 16 samples at a time (32 when a
                    // quad is one register), then 4 at a time up to the padded end of the row
                    // (see `Tape::layout`).
                    let start = if uniform[init] {
                        Start::Uniform(before[oi])
                    } else {
                        Start::Row(oi)
                    };
                    let o = &mut after[..(*len).next_multiple_of(PAD)];
                    let step = if Q::WIDE { 2 * LANES } else { LANES };
                    let wide = *len / step * step;
                    for s0 in (0..wide).step_by(step) {
                        let o = &mut o[s0..s0 + step];
                        if Q::WIDE {
                            chain_block::<Q, { 2 * LANES / 4 }>(o, before, start, slots, s0);
                        } else {
                            chain_block::<Q, { LANES / 4 }>(o, before, start, slots, s0);
                        }
                    }
                    for s0 in (wide..o.len()).step_by(PAD) {
                        let o = &mut o[s0..s0 + PAD];
                        chain_block::<Q, { PAD / 4 }>(o, before, start, slots, s0);
                    }
                }
                Instr::Pair { a, b } => {
                    // Every operand comes before `a`'s output, and `b`'s comes after it.
                    let (before, after) = val.split_at_mut(offset[a.out]);
                    let padded = (*len).next_multiple_of(PAD);
                    let (oa, rest) = after.split_at_mut(offset[b.out] - offset[a.out]);
                    let (oa, ob) = (&mut oa[..padded], &mut rest[..padded]);
                    let inits = (before[offset[a.init]], before[offset[b.init]]);
                    let (sa, sb) = (&slots[a.terms.0..a.terms.1], &slots[b.terms.0..b.terms.1]);
                    // SAFETY (each `pair_block` below): `Tape::layout` put every term's nodes
                    // in the buffer, a row with room for `cap` samples padded to a block, and
                    // the pair's operands before `a`'s output (so in `before`); `len <= cap`
                    // (`set_len`), and every block ends by `padded`.
                    #[cfg(debug_assertions)]
                    assert!(super::kernels::pair_fits(sa, sb, before, padded));
                    // Blocks of 8 samples (two chains' 16 sums fill the registers; 16 samples
                    // when a quad is one register), then 4.
                    let step = if Q::WIDE { LANES } else { LANES / 2 };
                    let wide = *len / step * step;
                    for s0 in (0..wide).step_by(step) {
                        let (pa, pb) = (&mut oa[s0..s0 + step], &mut ob[s0..s0 + step]);
                        unsafe {
                            if Q::WIDE {
                                pair_block::<Q, { LANES / 4 }>(pa, pb, before, inits, sa, sb, s0);
                            } else {
                                pair_block::<Q, { LANES / 8 }>(pa, pb, before, inits, sa, sb, s0);
                            }
                        }
                    }
                    for s0 in (wide..padded).step_by(PAD) {
                        let (pa, pb) = (&mut oa[s0..s0 + PAD], &mut ob[s0..s0 + PAD]);
                        unsafe { pair_block::<Q, { PAD / 4 }>(pa, pb, before, inits, sa, sb, s0) };
                    }
                }
            }
        }
    }

    #[inline(always)]
    fn backward_in<Q: Quad>(&mut self, seeds: &[(usize, f64)]) {
        // The wide kernels store each row's first gradient contribution (`Tape::assigns`):
        // only the other rows need zeroing.
        let assign = Q::WIDE && !self.assigns.is_empty();
        if assign {
            self.grad[..self.rows_at].fill(0.0);
            for &id in &self.zeroed_rows {
                let o = self.offset[id];
                self.grad[o..o + self.len].fill(0.0);
            }
        } else if self.len == self.cap {
            self.grad.fill(0.0);
        } else {
            // Only the rows' first `len` entries are read, so only those need zeroing (a
            // batch of the active samples alone is often a tenth of the buffers).
            self.grad[..self.rows_at].fill(0.0);
            for r in 0..self.rows {
                let o = self.rows_at + r * self.stride;
                self.grad[o..o + self.len].fill(0.0);
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
            assigns,
            ..
        } = self;
        let rl = |id: usize| if uniform[id] { 1 } else { *len };
        for (i, ins) in code.iter().enumerate().rev() {
            let first = assign && assigns[i];
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
                        op_backward_same(op, kind, x, o, go, ga, first);
                    } else {
                        let (ga, gb) = two_rows(gpre, oa, la, ob, lb);
                        op_backward_pair(op, kind, x, y, o, go, ga, gb);
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
                    chain_terms_backward::<Q>(&slots[terms.0..terms.1], val, gpre, go, first);
                }
                Instr::Pair { a, b } => {
                    let (gpre, gpost) = grad.split_at_mut(offset[a.out]);
                    let ga = &gpost[..*len];
                    let gb = &gpost[offset[b.out] - offset[a.out]..][..*len];
                    add_into(&mut gpre[offset[b.init]..offset[b.init] + 1], gb);
                    add_into(&mut gpre[offset[a.init]..offset[a.init] + 1], ga);
                    let (sa, sb) = (&slots[a.terms.0..a.terms.1], &slots[b.terms.0..b.terms.1]);
                    pair_terms_backward::<Q>(sa, sb, val, gpre, (ga, gb), first);
                }
            }
        }
    }
}
