//! Recording a [`Tape`] from one sample's [`Graph`]: which nodes are uniform, which `+`/`*`
//! nodes fuse into chains, and where each stored node's values live in the buffers.

use super::kernels::PAD;
use super::{Instr, Kind, Tape, TermKind, TermSlot, NOWHERE};
use crate::engine::{Graph, Op, Value};

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
}
