//! Recording a [`Tape`] from one sample's [`Graph`]: which nodes are uniform, which `+`/`*`
//! nodes fuse into chains, and where each stored node's values live in the buffers.

use super::{Buffer, ChainRef, Instr, Kernels, Kind, Tape, TermKind, TermSlot, NOWHERE};
use crate::engine::{Graph, Op, Value};

/// Values per cache line (64 bytes).
const LINE: usize = 8;

/// A chain being collected while recording: its start, its last node, its products.
type ChainDraft = (usize, usize, Vec<(usize, usize)>);

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
                // A unary op reads its one operand; so does `x * x`.
                _ if nd.op.arity() == 1 || a == b => Kind::V,
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
        let code = pair_chains(code, &terms, &uniform);
        let mut tape = Tape {
            code,
            terms,
            slots: Vec::new(),
            uniform,
            stored,
            offset: Vec::new(),
            rows_at: 0,
            rows: 0,
            stride: 0,
            uniform_input_at: Vec::new(),
            consts,
            batch_inputs: batch_inputs.iter().map(|v| v.id()).collect(),
            uniform_inputs: uniform_inputs.iter().map(|v| v.id()).collect(),
            cap: 0,
            len: 0,
            val: Buffer::default(),
            grad: Buffer::default(),
            kernels: Kernels::best(),
            assigns: Vec::new(),
            zeroed_rows: Vec::new(),
        };
        #[cfg(target_arch = "x86_64")]
        {
            (tape.assigns, tape.zeroed_rows) = first_writes(&tape, &kept);
        }
        tape.layout(capacity.max(1));
        tape
    }

    /// Sizes the buffers for `cap` samples. Input values must be set again afterwards.
    ///
    /// The stored uniform nodes come first, one number each, then the rows, `stride` values
    /// apart (room for `cap` samples and the kernels' padding, see below); both in node order,
    /// so an op's operands always lie before its output, which the replay's borrows rely on.
    pub(super) fn layout(&mut self, cap: usize) {
        self.cap = cap;
        // A layer's kernels read all its input rows at the same sample. Rows an even number
        // of cache lines apart would crowd into a few of the first-level cache's sets (4 KB
        // apart, all into one); an odd number of lines (8 values) apart, consecutive rows
        // fall in different sets (measured: a tenth off the step at 1,024 samples per chunk,
        // a fifth at width 64 with 256).
        let mut stride = cap.next_multiple_of(LINE);
        if (stride / LINE).is_multiple_of(2) {
            stride += LINE;
        }
        self.stride = stride;
        self.offset.clear();
        self.offset.resize(self.uniform.len(), NOWHERE);
        let mut at = 0;
        for pass_rows in [false, true] {
            if pass_rows {
                self.rows_at = at;
            }
            for (id, (&u, &st)) in self.uniform.iter().zip(&self.stored).enumerate() {
                if st && u != pass_rows {
                    self.offset[id] = at;
                    at += if u { 1 } else { stride };
                }
            }
        }
        self.rows = (at - self.rows_at) / stride;
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
        self.uniform_input_at.clear();
        let at_of = |id: usize| self.offset[id];
        self.uniform_input_at
            .extend(self.uniform_inputs.iter().map(|&id| at_of(id)));
        self.val = Buffer::zeros(at);
        self.grad = Buffer::zeros(at);
        for &(id, x) in &self.consts {
            self.val[self.offset[id]] = x;
        }
    }
}

/// Which instructions give every row gradient they write its first contribution (in the
/// backward pass's order, last instruction first), and the rows that must be zeroed. A row's
/// gradient is a sum that starts at 0; its first contribution can be stored as `0 + x` (the
/// same bits) instead of zeroing the row and reading the zeros back: 5-7% off the step at
/// every size measured (widths 16-64, 100 to 5,000 points). Done where the kernels
/// support it: a unary op's operand, a pair's rows, a chain of `uniform * row` products on
/// distinct rows. Kept nodes may be seeded, so their rows are always zeroed and never stored
/// over. Only the wide kernels (x86-64) assign, so the page's wasm carries none of this.
#[cfg(target_arch = "x86_64")]
fn first_writes(tape: &Tape, kept: &[bool]) -> (Vec<bool>, Vec<usize>) {
    let row = |id: usize| !tape.uniform[id] && tape.stored[id];
    let terms = |t: (usize, usize)| &tape.terms[t.0..t.1];
    // The rows an instruction's backward writes, and whether it can store over them.
    let written = |ins: &Instr| -> (Vec<usize>, bool) {
        match *ins {
            Instr::Op { kind, a, b, .. } => {
                let ids = if a == b { vec![a] } else { vec![a, b] };
                (
                    ids.into_iter().filter(|&i| row(i)).collect(),
                    kind == Kind::V,
                )
            }
            Instr::Chain { init, terms: t, .. } => {
                let ids: Vec<usize> = std::iter::once(init)
                    .chain(terms(t).iter().flat_map(|&(x, y)| [x, y]))
                    .filter(|&i| row(i))
                    .collect();
                let products = terms(t).iter().all(|&(x, y)| row(x) != row(y));
                let distinct = ids.iter().enumerate().all(|(k, i)| !ids[..k].contains(i));
                (ids, !row(init) && products && distinct)
            }
            // Both chains multiply the same distinct rows (see `pair_chains`).
            Instr::Pair { a, .. } => {
                let ids = terms(a.terms).iter().map(|&(_, y)| y).filter(|&i| row(i));
                (ids.collect(), true)
            }
        }
    };
    let writes: Vec<(Vec<usize>, bool)> = tape.code.iter().map(written).collect();
    let mut first = vec![usize::MAX; tape.uniform.len()];
    for (i, (ids, _)) in writes.iter().enumerate().rev() {
        for &r in ids {
            if first[r] == usize::MAX {
                first[r] = i;
            }
        }
    }
    let assigns: Vec<bool> = (writes.iter().enumerate())
        .map(|(i, (ids, can))| {
            *can && !ids.is_empty() && ids.iter().all(|&r| first[r] == i && !kept[r])
        })
        .collect();
    let zeroed = (0..tape.uniform.len())
        .filter(|&r| row(r) && (first[r] == usize::MAX || !assigns[first[r]]))
        .collect();
    (assigns, zeroed)
}

/// How far ahead of a chain its partner may be recorded: a layer's next neuron comes after
/// this one's activation (one instruction), so a few suffice.
const PAIR_WINDOW: usize = 4;

/// Pairs the chains of one layer: a chain `a` and a later chain `b` that start from uniform
/// nodes, whose products are all `uniform * row`, and that multiply the same rows in the same
/// order (two neurons on the same inputs). `b` moves up beside `a`, which is safe because its
/// operands all come before `a`'s output (the nodes between are `a`'s own, or nodes that do not
/// read `b`), and each row then receives its gradient contributions in the same order as
/// before (`b`'s, then `a`'s), so the replay's results keep their bits.
fn pair_chains(code: Vec<Instr>, terms: &[(usize, usize)], uniform: &[bool]) -> Vec<Instr> {
    let chain = |ins: &Instr| match *ins {
        Instr::Chain { out, init, terms } if !uniform[out] && uniform[init] => {
            Some(ChainRef { out, init, terms })
        }
        _ => None,
    };
    // Products `uniform * row`, and which rows.
    let rows = |c: &ChainRef| -> Option<Vec<usize>> {
        terms[c.terms.0..c.terms.1]
            .iter()
            .map(|&(x, y)| (uniform[x] && !uniform[y]).then_some(y))
            .collect()
    };
    let mut code: Vec<Option<Instr>> = code.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(code.len());
    for i in 0..code.len() {
        let Some(ins) = code[i].take() else { continue };
        // A row read twice by one chain would get its contributions in another order.
        let distinct = |r: &Vec<usize>| r.iter().enumerate().all(|(k, y)| !r[..k].contains(y));
        let Some(a) = chain(&ins).filter(|a| rows(a).is_some_and(|r| distinct(&r))) else {
            out.push(ins);
            continue;
        };
        let a_rows = rows(&a);
        let partner = (i + 1..code.len().min(i + 1 + PAIR_WINDOW)).find(|&j| {
            code[j].as_ref().and_then(chain).is_some_and(|b| {
                let reads = terms[b.terms.0..b.terms.1]
                    .iter()
                    .flat_map(|&(x, y)| [x, y]);
                rows(&b) == a_rows && b.init < a.out && reads.into_iter().all(|id| id < a.out)
            })
        });
        match partner.and_then(|j| code[j].take().as_ref().and_then(chain)) {
            Some(b) => out.push(Instr::Pair { a, b }),
            None => out.push(ins),
        }
    }
    out
}
