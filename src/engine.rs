//! The autograd engine: a [`Graph`] arena of scalar nodes and [`Value`], a `Copy` handle into it.
//!
//! This is micrograd's `Value` re-thought for Rust. Every operation appends one node to the
//! graph's arena (no `Rc<RefCell<_>>` per node, no per-node allocation), so creation order is a
//! topological order and [`Value::backward`] is one reverse sweep over the arena, with no
//! recursion and no topological sort. Gradients accumulate (`+=`), so a node used twice (`x * x`,
//! a diamond) gets the sum of both paths.
//!
//! ```
//! use micrograd_playground::engine::Graph;
//! let g = Graph::new();
//! let a = g.value(-4.0);
//! let b = g.value(2.0);
//! let d = a * b + b.powf(3.0);
//! d.backward();
//! assert_eq!(d.data(), 0.0);
//! assert_eq!(a.grad(), 2.0); // dd/da = b
//! assert_eq!(b.grad(), -4.0 + 12.0); // dd/db = a + 3b^2
//! ```
//!
//! A graph is reused across training steps with [`Graph::clear`], which keeps its buffers, so a
//! warm step allocates nothing. Model parameters live in the model, not in a graph.

use std::cell::{Ref, RefCell};
use std::fmt;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// The operation that made a node. `Pow` carries its constant exponent.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    /// An input: a number set from outside (data, parameter or constant).
    Leaf,
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    Pow(f64),
    Exp,
    Ln,
    Tanh,
    Relu,
    Sigmoid,
    Abs,
    Sin,
    /// `x` above 0, `LEAKY_SLOPE * x` below.
    LeakyRelu,
    /// `x` above 0, `e^x - 1` below (alpha 1, so it is smooth at 0).
    Elu,
    /// `x * sigmoid(x)` (swish).
    Silu,
    /// `ln(1 + e^x)`, a smooth ReLU.
    Softplus,
    /// The larger operand: softmax subtracts the largest logit so no `exp` overflows.
    Max,
}

/// Leaky ReLU's slope below 0.
pub const LEAKY_SLOPE: f64 = 0.01;

impl Op {
    /// How many operands the op takes (0, 1 or 2).
    pub fn arity(self) -> usize {
        match self {
            Op::Leaf => 0,
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Max => 2,
            _ => 1,
        }
    }

    /// The short name micrograd's drawings use for the op node (`+`, `*`, `tanh`, ...).
    pub fn symbol(self) -> String {
        let name = match self {
            Op::Pow(k) => return format!("**{k}"),
            Op::Leaf => "",
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
            Op::Neg => "neg",
            Op::Exp => "exp",
            Op::Ln => "ln",
            Op::Tanh => "tanh",
            Op::Relu => "ReLU",
            Op::Sigmoid => "sigmoid",
            Op::Abs => "abs",
            Op::Sin => "sin",
            Op::LeakyRelu => "LeakyReLU",
            Op::Elu => "ELU",
            Op::Silu => "SiLU",
            Op::Softplus => "softplus",
            Op::Max => "max",
        };
        name.to_string()
    }
}

/// Each op's forward next to its local derivatives, one row per op, as micrograd's engine.py
/// keeps an op's `out` beside its `_backward`. `ops!` turns the table into [`Op::eval`] (the
/// middle column, from the operands `a` and `b`) and [`Op::local_grads`] (the last column,
/// which may also read the result `out`).
macro_rules! ops {
    (|$a:ident, $b:ident, $out:ident| $($op:pat => $forward:expr, $local:expr;)*) => {
        impl Op {
            /// The op's result for operands `a` and `b` (`b` is ignored by unary ops).
            ///
            /// Stable forms: `tanh` is `f64::tanh` (so `tanh(800) == 1`), `sigmoid` never
            /// evaluates `exp` of a large positive number (so `sigmoid(-800) == 0` with no
            /// overflow), and `exp` overflow gives `inf` rather than a panic.
            #[inline(always)]
            pub fn eval(self, $a: f64, $b: f64) -> f64 {
                match self {
                    $($op => $forward,)*
                }
            }

            /// The local derivatives `(d out/d a, d out/d b)` at operands `a`, `b` and result
            /// `out`. The chain rule multiplies them by the output's gradient.
            ///
            /// Gradient policy at the edges: `relu` has derivative 0 at 0 (as micrograd), `abs`
            /// has 0 at 0, and `ln` at 0 (where it is `-inf`) has the finite derivative
            /// `1 / f64::MIN_POSITIVE` (about 4.5e307) instead of `inf`, so one zero does not
            /// poison every gradient with NaN.
            #[inline(always)]
            pub fn local_grads(self, $a: f64, $b: f64, $out: f64) -> (f64, f64) {
                match self {
                    $($op => $local,)*
                }
            }
        }
    };
}

ops! { |a, b, out|
    // op          forward       local derivatives (d out/d a, d out/d b)
    Op::Leaf    => a,            (0.0, 0.0);
    Op::Add     => a + b,        (1.0, 1.0);
    Op::Sub     => a - b,        (1.0, -1.0);
    Op::Mul     => a * b,        (b, a);
    Op::Div     => a / b,        (1.0 / b, -a / (b * b));
    Op::Neg     => -a,           (-1.0, 0.0);
    Op::Pow(k)  => a.powf(k),    (k * a.powf(k - 1.0), 0.0);
    Op::Exp     => a.exp(),      (out, 0.0);
    Op::Ln      => a.ln(),       (ln_slope(a), 0.0);
    Op::Tanh    => a.tanh(),     (1.0 - out * out, 0.0);
    Op::Relu    => relu(a),      (if out > 0.0 { 1.0 } else { 0.0 }, 0.0);
    Op::Sigmoid => sigmoid(a),   (out * (1.0 - out), 0.0);
    Op::Abs     => a.abs(),      (sign(a), 0.0);
    // sin and cos from the libm crate, which the data sets use too: one copy in the page's
    // wasm, and the same bits natively and in the browser.
    Op::Sin     => libm::sin(a), (libm::cos(a), 0.0);
    Op::LeakyRelu => leaky(a),   (if a > 0.0 { 1.0 } else { LEAKY_SLOPE }, 0.0);
    Op::Elu     => elu(a),       (if a > 0.0 { 1.0 } else { out + 1.0 }, 0.0);
    Op::Silu    => a * sigmoid(a), (silu_slope(a), 0.0);
    Op::Softplus => softplus(a), (sigmoid(a), 0.0);
    Op::Max     => max(a, b),    if a >= b { (1.0, 0.0) } else { (0.0, 1.0) };
}

/// micrograd's `0 if x < 0 else x`; `max` would also do, but this keeps NaN visible.
#[inline(always)]
fn relu(a: f64) -> f64 {
    if a < 0.0 {
        0.0
    } else {
        a
    }
}

/// `1 / (1 + e^-a)` without ever evaluating `exp` of a large positive number.
#[inline(always)]
fn sigmoid(a: f64) -> f64 {
    if a >= 0.0 {
        1.0 / (1.0 + (-a).exp())
    } else {
        let e = a.exp();
        e / (1.0 + e)
    }
}

/// Leaky ReLU; like [`relu`], NaN stays NaN.
#[inline(always)]
fn leaky(a: f64) -> f64 {
    if a < 0.0 {
        LEAKY_SLOPE * a
    } else {
        a
    }
}

/// ELU with alpha 1: `e^a - 1` below 0 (`exp_m1`, exact near 0; -1 far below, no overflow).
#[inline(always)]
fn elu(a: f64) -> f64 {
    if a > 0.0 {
        a
    } else {
        a.exp_m1()
    }
}

/// `d (a * s(a)) / da = s + a * s * (1 - s)` with `s = sigmoid(a)`: finite everywhere.
#[inline(always)]
fn silu_slope(a: f64) -> f64 {
    let s = sigmoid(a);
    s * (1.0 + a * (1.0 - s))
}

/// `ln(1 + e^a)` as `max(a, 0) + ln(1 + e^-|a|)`: no overflow, exact far out on both sides.
#[inline(always)]
fn softplus(a: f64) -> f64 {
    a.max(0.0) + (-a.abs()).exp().ln_1p()
}

/// The larger of `a` and `b` (`a` on a tie, as the derivative picks it).
#[inline(always)]
fn max(a: f64, b: f64) -> f64 {
    if a >= b {
        a
    } else {
        b
    }
}

/// `d ln(a) / da = 1 / a`, finite at 0 (see [`Op::local_grads`]).
#[inline(always)]
fn ln_slope(a: f64) -> f64 {
    if a >= 0.0 {
        1.0 / a.max(f64::MIN_POSITIVE)
    } else {
        1.0 / a
    }
}

/// `d |a| / da`: the sign of `a`, and 0 at 0.
#[inline(always)]
fn sign(a: f64) -> f64 {
    if a > 0.0 {
        1.0
    } else if a < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// One node of the arena: its op, operand ids (unused ones are 0), value and gradient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Node {
    pub op: Op,
    pub a: u32,
    pub b: u32,
    pub data: f64,
    pub grad: f64,
}

impl Node {
    /// The ids of the operands this node reads, in order (none for a leaf; one for a unary op).
    pub fn operands(&self) -> impl Iterator<Item = usize> {
        [self.a as usize, self.b as usize]
            .into_iter()
            .take(self.op.arity())
    }
}

/// An arena of scalar nodes. Values borrow it, so it must outlive them.
#[derive(Default)]
pub struct Graph {
    nodes: RefCell<Vec<Node>>,
    /// Labels are rare (the graph view names its nodes), so they are kept sparse.
    labels: RefCell<Vec<(u32, String)>>,
}

impl Graph {
    pub fn new() -> Graph {
        Graph::default()
    }

    /// A graph whose arena holds `n` nodes before it grows.
    pub fn with_capacity(n: usize) -> Graph {
        Graph {
            nodes: RefCell::new(Vec::with_capacity(n)),
            labels: RefCell::new(Vec::new()),
        }
    }

    /// A new leaf holding `x`.
    #[inline]
    pub fn value(&self, x: f64) -> Value<'_> {
        self.push(Op::Leaf, 0, 0, x)
    }

    /// The sum of `values` in order (`((v0 + v1) + v2) + ...`), or a leaf 0 when empty.
    pub fn sum<'g>(&'g self, values: impl IntoIterator<Item = Value<'g>>) -> Value<'g> {
        let mut it = values.into_iter();
        match it.next() {
            None => self.value(0.0),
            Some(first) => it.fold(first, |acc, v| acc + v),
        }
    }

    /// Number of nodes recorded.
    pub fn len(&self) -> usize {
        self.nodes.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every node but keeps the buffers, so the next step reuses them.
    /// Takes `&mut self`: no `Value` of the old graph can outlive this.
    pub fn clear(&mut self) {
        self.nodes.get_mut().clear();
        self.labels.get_mut().clear();
    }

    /// A copy of node `id`.
    pub fn node(&self, id: usize) -> Node {
        self.nodes.borrow()[id]
    }

    /// All nodes, in creation (topological) order.
    pub fn nodes(&self) -> Ref<'_, [Node]> {
        Ref::map(self.nodes.borrow(), |v| v.as_slice())
    }

    /// The label given to node `id`, if any.
    pub fn label(&self, id: usize) -> Option<String> {
        self.labels
            .borrow()
            .iter()
            .rev()
            .find(|(i, _)| *i as usize == id)
            .map(|(_, l)| l.clone())
    }

    /// Names node `id` (drawn by the graph view and in DOT).
    pub fn set_label(&self, id: usize, label: &str) {
        self.labels
            .borrow_mut()
            .push((id as u32, label.to_string()));
    }

    /// Sets a leaf's value (e.g. an input edited in the graph view); call [`Graph::forward`]
    /// to recompute what depends on it.
    pub fn set_data(&self, id: usize, x: f64) {
        self.nodes.borrow_mut()[id].data = x;
    }

    /// Recomputes every non-leaf node from its operands, in creation order.
    pub fn forward(&self) {
        let mut nodes = self.nodes.borrow_mut();
        for i in 0..nodes.len() {
            let n = nodes[i];
            if n.op != Op::Leaf {
                nodes[i].data =
                    n.op.eval(nodes[n.a as usize].data, nodes[n.b as usize].data);
            }
        }
    }

    /// Zeroes the gradients of nodes `0..=root`, seeds `root` with 1, and applies the chain rule
    /// to each node from `root` back to the first.
    pub fn backward(&self, root: usize) {
        let mut nodes = self.nodes.borrow_mut();
        let nodes = &mut nodes[..=root];
        for n in nodes.iter_mut() {
            n.grad = 0.0;
        }
        nodes[root].grad = 1.0;
        for i in (0..=root).rev() {
            let n = nodes[i];
            if n.op == Op::Leaf || n.grad == 0.0 {
                continue;
            }
            let (a, b) = (n.a as usize, n.b as usize);
            let (da, db) = n.op.local_grads(nodes[a].data, nodes[b].data, n.data);
            nodes[a].grad += da * n.grad;
            if n.op.arity() == 2 {
                nodes[b].grad += db * n.grad;
            }
        }
    }

    #[inline]
    fn push(&self, op: Op, a: u32, b: u32, data: f64) -> Value<'_> {
        let mut nodes = self.nodes.borrow_mut();
        let id = nodes.len() as u32;
        nodes.push(Node {
            op,
            a,
            b,
            data,
            grad: 0.0,
        });
        Value { graph: self, id }
    }

    #[inline]
    fn apply<'g>(&'g self, op: Op, a: Value<'g>, b: Value<'g>) -> Value<'g> {
        assert!(
            std::ptr::eq(a.graph, self) && std::ptr::eq(b.graph, self),
            "values from different graphs cannot be combined"
        );
        let data = {
            let nodes = self.nodes.borrow();
            op.eval(nodes[a.id as usize].data, nodes[b.id as usize].data)
        };
        self.push(op, a.id, b.id, data)
    }
}

impl fmt::Debug for Graph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Graph").field("nodes", &self.len()).finish()
    }
}

/// A handle to one node of a [`Graph`]: cheap to copy, valid while the graph lives.
#[derive(Clone, Copy)]
pub struct Value<'g> {
    graph: &'g Graph,
    id: u32,
}

impl<'g> Value<'g> {
    /// The node's value, computed when the node was made (or by [`Graph::forward`]).
    pub fn data(self) -> f64 {
        self.graph.nodes.borrow()[self.id as usize].data
    }

    /// d(root)/d(self) after the last `backward()` of a root that depends on this node.
    pub fn grad(self) -> f64 {
        self.graph.nodes.borrow()[self.id as usize].grad
    }

    /// The node's index in its graph's arena.
    pub fn id(self) -> usize {
        self.id as usize
    }

    pub fn graph(self) -> &'g Graph {
        self.graph
    }

    pub fn op(self) -> Op {
        self.graph.nodes.borrow()[self.id as usize].op
    }

    /// Names the node (drawn by the graph view and in DOT) and returns it.
    pub fn with_label(self, label: &str) -> Self {
        self.graph.set_label(self.id as usize, label);
        self
    }

    pub fn label(self) -> Option<String> {
        self.graph.label(self.id as usize)
    }

    /// Backpropagates from this node: its grad becomes 1 and every node it depends on gets
    /// d(self)/d(node). Gradients of earlier `backward` calls are reset first.
    pub fn backward(self) {
        self.graph.backward(self.id as usize);
    }

    #[inline]
    fn unary(self, op: Op) -> Self {
        self.graph.apply(op, self, self)
    }

    /// A unary op by its [`Op`] (`v.apply_unary(Op::Tanh)` is `v.tanh()`).
    ///
    /// # Panics
    /// If `op` takes two operands or is a leaf.
    pub fn apply_unary(self, op: Op) -> Self {
        assert!(op.arity() == 1, "{op:?} is not a unary op");
        self.unary(op)
    }

    /// `self ** k` for a constant exponent `k`.
    pub fn powf(self, k: f64) -> Self {
        self.unary(Op::Pow(k))
    }
    pub fn exp(self) -> Self {
        self.unary(Op::Exp)
    }
    /// Natural log; `ln(0) = -inf` with a finite gradient (see [`Op::local_grads`]).
    pub fn ln(self) -> Self {
        self.unary(Op::Ln)
    }
    pub fn tanh(self) -> Self {
        self.unary(Op::Tanh)
    }
    pub fn relu(self) -> Self {
        self.unary(Op::Relu)
    }
    pub fn sigmoid(self) -> Self {
        self.unary(Op::Sigmoid)
    }
    pub fn abs(self) -> Self {
        self.unary(Op::Abs)
    }
    pub fn sin(self) -> Self {
        self.unary(Op::Sin)
    }
    /// `self` above 0, [`LEAKY_SLOPE`]` * self` below.
    pub fn leaky_relu(self) -> Self {
        self.unary(Op::LeakyRelu)
    }
    /// `self` above 0, `e^self - 1` below.
    pub fn elu(self) -> Self {
        self.unary(Op::Elu)
    }
    /// `self * sigmoid(self)` (swish).
    pub fn silu(self) -> Self {
        self.unary(Op::Silu)
    }
    /// `ln(1 + e^self)`.
    pub fn softplus(self) -> Self {
        self.unary(Op::Softplus)
    }
    /// The larger of `self` and `other`; the gradient goes to the larger (`self` on a tie).
    pub fn max(self, other: Self) -> Self {
        self.graph.apply(Op::Max, self, other)
    }
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Value(data={}, grad={})", self.data(), self.grad())
    }
}

impl<'g> Neg for Value<'g> {
    type Output = Value<'g>;
    fn neg(self) -> Value<'g> {
        self.unary(Op::Neg)
    }
}

/// `Value op Value`, `Value op f64` and `f64 op Value` for one binary operator; an `f64`
/// operand becomes a leaf, as in micrograd, so the drawn graph shows it.
macro_rules! binary_op {
    ($trait:ident, $method:ident, $assign:ident, $assign_method:ident, $op:expr) => {
        impl<'g> $trait<Value<'g>> for Value<'g> {
            type Output = Value<'g>;
            #[inline]
            fn $method(self, rhs: Value<'g>) -> Value<'g> {
                self.graph.apply($op, self, rhs)
            }
        }
        impl<'g> $trait<f64> for Value<'g> {
            type Output = Value<'g>;
            #[inline]
            fn $method(self, rhs: f64) -> Value<'g> {
                let r = self.graph.value(rhs);
                self.graph.apply($op, self, r)
            }
        }
        impl<'g> $trait<Value<'g>> for f64 {
            type Output = Value<'g>;
            #[inline]
            fn $method(self, rhs: Value<'g>) -> Value<'g> {
                let l = rhs.graph.value(self);
                rhs.graph.apply($op, l, rhs)
            }
        }
        impl<'g> $assign<Value<'g>> for Value<'g> {
            fn $assign_method(&mut self, rhs: Value<'g>) {
                *self = $trait::$method(*self, rhs);
            }
        }
        impl<'g> $assign<f64> for Value<'g> {
            fn $assign_method(&mut self, rhs: f64) {
                *self = $trait::$method(*self, rhs);
            }
        }
    };
}

binary_op!(Add, add, AddAssign, add_assign, Op::Add);
binary_op!(Sub, sub, SubAssign, sub_assign, Op::Sub);
binary_op!(Mul, mul, MulAssign, mul_assign, Op::Mul);
binary_op!(Div, div, DivAssign, div_assign, Op::Div);
