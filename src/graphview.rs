//! The computational graph as people draw it: micrograd's `draw_dot` picture as DOT text for
//! Graphviz, and a layered left-to-right layout with forward and backward traces for the page
//! to step through. Also the textbook examples and one neuron of a live network.
//!
//! Drawing convention (micrograd's): a record box per value, `{ label | data 1.0000 | grad
//! 2.0000 }`, and for a computed value a small op node (`+`, `*`, `tanh`...) in front of it,
//! with edges operand -> op -> result.

use crate::engine::{Graph, Op, Value};
use crate::loss::{Loss, Task};
use crate::nn::Mlp;
use serde::Serialize;
use std::fmt::Write;

/// One drawn box: a value (`kind == "value"`) or the op node in front of a computed value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ViewNode {
    /// Index in `GraphView::nodes`.
    pub id: usize,
    pub kind: &'static str,
    pub label: String,
    /// For op nodes: the op's symbol; for values: the symbol of the op that made them ("" for
    /// inputs).
    pub op: String,
    pub data: f64,
    pub grad: f64,
    /// Column (left to right) and row in the layered layout.
    pub col: usize,
    pub row: usize,
    /// An input the user may edit (guided examples only).
    pub editable: bool,
}

/// An edge between drawn nodes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ViewEdge {
    pub from: usize,
    pub to: usize,
}

/// One node firing in the forward pass: value node `node` computed from `inputs`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForwardStep {
    pub node: usize,
    pub op_node: usize,
    pub inputs: Vec<usize>,
    pub data: f64,
}

/// One node passing its gradient back: for each operand, the local derivative, the chain-rule
/// product `local * grad(node)`, and the operand's accumulated grad after adding it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BackwardStep {
    pub node: usize,
    pub op_node: usize,
    pub grad: f64,
    pub edges: Vec<BackwardEdge>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BackwardEdge {
    pub operand: usize,
    pub local: f64,
    pub product: f64,
    pub grad_after: f64,
}

/// Everything the page needs to draw and step a graph.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GraphView {
    pub title: String,
    pub nodes: Vec<ViewNode>,
    pub edges: Vec<ViewEdge>,
    /// Computed values in topological order (inputs are known from the start).
    pub forward: Vec<ForwardStep>,
    /// From the output back: the output's grad is seeded to 1, then each computed value passes
    /// its grad to its operands.
    pub backward: Vec<BackwardStep>,
    pub columns: usize,
    pub rows: usize,
    pub dot: String,
}

/// The ancestors of `root` (the nodes it depends on), in creation order.
fn ancestors(g: &Graph, root: usize) -> Vec<usize> {
    let nodes = g.nodes();
    let mut keep = vec![false; root + 1];
    keep[root] = true;
    for i in (0..=root).rev() {
        if keep[i] {
            for o in nodes[i].operands() {
                keep[o] = true;
            }
        }
    }
    (0..=root).filter(|&i| keep[i]).collect()
}

/// Escapes text for a Graphviz record label.
fn escape_record(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(ch, '{' | '}' | '|' | '<' | '>' | '"' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn default_label(g: &Graph, id: usize) -> String {
    g.label(id).unwrap_or_default()
}

/// micrograd's `draw_dot(root)`: every value `root` depends on, as DOT text for Graphviz
/// (`dot -Tsvg`). Values are record nodes `{ label | data | grad }` to four decimals.
pub fn to_dot(g: &Graph, root: usize) -> String {
    let names: Vec<usize> = (0..=root).collect();
    to_dot_of(g, &ancestors(g, root), &names)
}

/// Lays out and traces the graph of `root` (its ancestors only). `editable` are leaf ids the
/// user may change. `g` must already hold grads from `backward()` on `root` or on a larger
/// output (the live neuron shows d(loss)/d(node)); the trace's seed is `g`'s grad of `root`.
pub fn view(g: &Graph, root: usize, title: &str, editable: &[usize]) -> GraphView {
    view_of(g, &ancestors(g, root), root, title, editable)
}

fn view_of(g: &Graph, keep: &[usize], root: usize, title: &str, editable: &[usize]) -> GraphView {
    let nodes = g.nodes();
    let kept = |id: usize| keep.binary_search(&id).is_ok();
    // Value nodes first (one per kept graph node), then op nodes.
    let mut value_of = vec![usize::MAX; root + 1];
    let mut out = Vec::new();
    let mut col_of = Vec::new();
    for &i in keep {
        let n = nodes[i];
        // Nodes whose operands were cut off (a live neuron's inputs) are drawn as inputs.
        let computed = n.op != Op::Leaf && n.operands().all(kept);
        let col = if computed {
            n.operands().map(|o| col_of[value_of[o]]).max().unwrap_or(0) + 2
        } else {
            0
        };
        value_of[i] = out.len();
        col_of.push(col);
        out.push(ViewNode {
            id: out.len(),
            kind: "value",
            label: default_label(g, i),
            op: if computed {
                n.op.symbol()
            } else {
                String::new()
            },
            data: n.data,
            grad: n.grad,
            col,
            row: 0,
            editable: editable.contains(&i),
        });
    }
    let mut edges = Vec::new();
    let mut op_of = vec![usize::MAX; out.len()];
    let mut forward = Vec::new();
    for &i in keep {
        let n = nodes[i];
        let v = value_of[i];
        if out[v].op.is_empty() {
            continue;
        }
        let op_id = out.len();
        op_of[v] = op_id;
        out.push(ViewNode {
            id: op_id,
            kind: "op",
            label: String::new(),
            op: n.op.symbol(),
            data: n.data,
            grad: n.grad,
            col: out[v].col - 1,
            row: 0,
            editable: false,
        });
        edges.push(ViewEdge { from: op_id, to: v });
        let mut inputs: Vec<usize> = n.operands().map(|o| value_of[o]).collect();
        inputs.dedup();
        for &src in &inputs {
            edges.push(ViewEdge {
                from: src,
                to: op_id,
            });
        }
        forward.push(ForwardStep {
            node: v,
            op_node: op_id,
            inputs,
            data: n.data,
        });
    }

    // Backward trace: replay the chain rule from `root` over the kept nodes, recording the
    // running sums, so the page shows each accumulation as it happens.
    let mut acc = vec![0.0; root + 1];
    acc[root] = nodes[root].grad;
    let mut backward = Vec::new();
    for &i in keep.iter().rev() {
        let n = nodes[i];
        let v = value_of[i];
        if op_of[v] == usize::MAX {
            continue;
        }
        let (da, db) =
            n.op.local_grads(nodes[n.a as usize].data, nodes[n.b as usize].data, n.data);
        let mut step = BackwardStep {
            node: v,
            op_node: op_of[v],
            grad: acc[i],
            edges: Vec::new(),
        };
        for (k, o) in n.operands().enumerate() {
            let local = if k == 0 { da } else { db };
            let product = local * acc[i];
            acc[o] += product;
            step.edges.push(BackwardEdge {
                operand: value_of[o],
                local,
                product,
                grad_after: acc[o],
            });
        }
        backward.push(step);
    }

    // Inputs shared with other neurons (a live neuron's inputs) show the share of their
    // gradient that flows through this graph, so the drawing and its trace agree.
    for &i in keep {
        if i != root {
            out[value_of[i]].grad = acc[i];
        }
    }
    // Inputs sit just left of their first use, as Graphviz places them, so an input used late
    // (a bias, a constant) does not need a long edge from the far left.
    let mut first_use = vec![usize::MAX; out.len()];
    for e in &edges {
        if out[e.to].kind == "op" {
            first_use[e.from] = first_use[e.from].min(out[e.to].col);
        }
    }
    for (n, &c) in out.iter_mut().zip(&first_use) {
        if n.kind == "value" && n.op.is_empty() && c != usize::MAX {
            n.col = c - 1;
        }
    }
    let (columns, rows) = order_rows(&mut out, &edges);
    let dot = to_dot_of(g, keep, &value_of);
    GraphView {
        title: title.to_string(),
        nodes: out,
        edges,
        forward,
        backward,
        columns,
        rows,
        dot,
    }
}

/// DOT for the nodes `keep` of `g` (all of a root's ancestors, or a live neuron's part), node
/// `i` named `v{name[i]}`. A node whose operands are not all kept is drawn as an input.
/// `x * x` gets one edge, as micrograd's edge set gives it.
fn to_dot_of(g: &Graph, keep: &[usize], value_of: &[usize]) -> String {
    let nodes = g.nodes();
    let kept = |id: usize| keep.binary_search(&id).is_ok();
    let mut s =
        String::from("digraph micrograd {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
    for &i in keep {
        let n = nodes[i];
        let _ = writeln!(
            s,
            "  v{} [shape=record, label=\"{{ {} | data {} | grad {} }}\"];",
            value_of[i],
            escape_record(&default_label(g, i)),
            dot_number(n.data),
            dot_number(n.grad)
        );
        if n.op != Op::Leaf && n.operands().all(kept) {
            let v = value_of[i];
            let _ = writeln!(
                s,
                "  v{v}op [label=\"{}\"];\n  v{v}op -> v{v};",
                escape_record(&n.op.symbol())
            );
            let mut ops: Vec<usize> = n.operands().collect();
            ops.dedup();
            for o in ops {
                let _ = writeln!(s, "  v{} -> v{v}op;", value_of[o]);
            }
        }
    }
    s.push_str("}\n");
    s
}

/// A number for a DOT label: micrograd's 4 decimals where that shows it in at most 6 digits
/// (0 and 1e-4 <= |x| < 100), 4 significant digits with an exponent otherwise (never the 309
/// digits of `{:.4}` of 1e308), and the words Graphviz prints for the rest: `inf`, `-inf`, `NaN`.
pub fn dot_number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.into()
    } else if x == 0.0 || (1e-4..100.0).contains(&x.abs()) {
        format!("{:.4}", x)
    } else {
        format!("{:.3e}", x)
    }
}

/// Assigns rows within each column: start in creation order, then a few sweeps that sort each
/// column by the mean row of its neighbours (the barycenter heuristic), which removes most
/// crossings in graphs this size. Returns (columns, rows).
fn order_rows(nodes: &mut [ViewNode], edges: &[ViewEdge]) -> (usize, usize) {
    let columns = nodes.iter().map(|n| n.col).max().map_or(0, |c| c + 1);
    let mut by_col: Vec<Vec<usize>> = vec![Vec::new(); columns];
    for n in nodes.iter() {
        by_col[n.col].push(n.id);
    }
    let mut pos = vec![0.0f64; nodes.len()];
    let set_pos = |by_col: &Vec<Vec<usize>>, pos: &mut Vec<f64>| {
        for col in by_col {
            for (r, &id) in col.iter().enumerate() {
                pos[id] = r as f64;
            }
        }
    };
    set_pos(&by_col, &mut pos);
    for sweep in 0..8 {
        let cols: Vec<usize> = if sweep % 2 == 0 {
            (1..columns).collect()
        } else {
            (0..columns.saturating_sub(1)).rev().collect()
        };
        for c in cols {
            let mut keyed: Vec<(f64, usize)> = by_col[c]
                .iter()
                .map(|&id| {
                    let nb: Vec<f64> = edges
                        .iter()
                        .filter_map(|e| {
                            if e.to == id && sweep % 2 == 0 {
                                Some(pos[e.from])
                            } else if e.from == id && sweep % 2 == 1 {
                                Some(pos[e.to])
                            } else {
                                None
                            }
                        })
                        .collect();
                    let key = if nb.is_empty() {
                        pos[id]
                    } else {
                        nb.iter().sum::<f64>() / nb.len() as f64
                    };
                    (key, id)
                })
                .collect();
            crate::insertion_sort(&mut keyed, |a, b| a.0.total_cmp(&b.0).is_gt());
            by_col[c] = keyed.into_iter().map(|(_, id)| id).collect();
            for (r, &id) in by_col[c].iter().enumerate() {
                pos[id] = r as f64;
            }
        }
    }
    let rows = by_col.iter().map(Vec::len).max().unwrap_or(0);
    for col in &by_col {
        // Centre short columns vertically against the tallest.
        let offset = (rows - col.len()) / 2;
        for (r, &id) in col.iter().enumerate() {
            nodes[id].row = r + offset;
        }
    }
    (columns, rows)
}

/// The guided examples, as a textbook (and Karpathy's lecture) walks through them.
pub const EXAMPLES: [&str; 4] = ["product", "sum_of_products", "neuron", "readme"];

/// The default inputs of an example, in the order the builder takes them.
pub fn example_inputs(name: &str) -> Option<Vec<(&'static str, f64)>> {
    Some(match name {
        "product" => vec![("a", 1.0), ("b", 2.0)],
        "sum_of_products" => vec![("a", 2.0), ("b", -3.0), ("c", 10.0), ("f", -2.0)],
        // The lecture's neuron: its bias makes tanh's output exactly 1/sqrt(2).
        "neuron" => vec![
            ("x1", 2.0),
            ("x2", 0.0),
            ("w1", -3.0),
            ("w2", 1.0),
            ("b", 6.881_373_587_019_543),
        ],
        "readme" => vec![("a", -4.0), ("b", 2.0)],
        _ => return None,
    })
}

/// Builds example `name` with inputs `x` (defaults for missing ones) on `g`; returns the
/// output and the input leaves.
pub fn build_example<'g>(
    g: &'g Graph,
    name: &str,
    x: &[f64],
) -> Option<(Value<'g>, Vec<Value<'g>>)> {
    let defaults = example_inputs(name)?;
    let leaves: Vec<Value> = defaults
        .iter()
        .enumerate()
        .map(|(i, (label, d))| {
            g.value(x.get(i).copied().filter(|v| v.is_finite()).unwrap_or(*d))
                .with_label(label)
        })
        .collect();
    let out = match name {
        "product" => (leaves[0] * leaves[1]).with_label("c"),
        "sum_of_products" => {
            let (a, b, c, f) = (leaves[0], leaves[1], leaves[2], leaves[3]);
            let e = (a * b).with_label("e");
            let d = (e + c).with_label("d");
            (d * f).with_label("L")
        }
        "neuron" => {
            let (x1, x2, w1, w2, b) = (leaves[0], leaves[1], leaves[2], leaves[3], leaves[4]);
            let x1w1 = (x1 * w1).with_label("x1*w1");
            let x2w2 = (x2 * w2).with_label("x2*w2");
            let s = (x1w1 + x2w2).with_label("x1*w1 + x2*w2");
            let n = (s + b).with_label("n");
            n.tanh().with_label("o")
        }
        _ => {
            // micrograd's README expression.
            let (a, b) = (leaves[0], leaves[1]);
            let mut c = (a + b).with_label("c");
            let mut d = (a * b + b.powf(3.0)).with_label("d");
            c = (c + (c + 1.0)).with_label("c");
            c = (c + (1.0 + c + (-a))).with_label("c");
            d = (d + (d * 2.0 + (b + a).relu())).with_label("d");
            d = (d + (3.0 * d + (b - a).relu())).with_label("d");
            let e = (c - d).with_label("e");
            let f = e.powf(2.0).with_label("f");
            let mut g2 = (f / 2.0).with_label("g");
            g2 = (g2 + 10.0 / f).with_label("g");
            g2
        }
    };
    Some((out, leaves))
}

/// A guided example's view, after `backward()` from its output.
pub fn example_view(name: &str, x: &[f64]) -> Option<GraphView> {
    let g = Graph::new();
    let (out, leaves) = build_example(&g, name, x)?;
    out.backward();
    let ids: Vec<usize> = leaves.iter().map(|v| v.id()).collect();
    Some(view(&g, out.id(), name, &ids))
}

/// A typed expression's view (see [`crate::expr`]), after `backward()` from its output, with
/// its names as editable inputs: `inputs[i]` for the `i`-th name in order of appearance (1 for
/// a missing or non-finite one). Returns the view and each input's name and value.
pub fn expression_view(
    text: &str,
    inputs: &[f64],
) -> Result<(GraphView, Vec<(String, f64)>), crate::expr::ParseError> {
    let e = crate::expr::parse(text)?;
    let mut names = Vec::new();
    e.names(&mut names);
    let g = Graph::new();
    let values: Vec<(String, f64)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let x = inputs.get(i).copied().filter(|v| v.is_finite());
            (n.clone(), x.unwrap_or(1.0))
        })
        .collect();
    let leaves: Vec<Value> = values
        .iter()
        .map(|(n, x)| g.value(*x).with_label(n))
        .collect();
    let out = e.build(&g, &names, &leaves);
    out.backward();
    let ids: Vec<usize> = leaves.iter().map(|v| v.id()).collect();
    Ok((view(&g, out.id(), &e.to_string(), &ids), values))
}

/// Neuron `index` of layer `layer` of `model`, on the sample `(x, y)` with label `label`:
/// the whole network's graph is built and `backward()` runs from the sample's loss, then the
/// neuron's own nodes are shown with their data and d(loss)/d(node). Its inputs (the previous
/// layer's outputs, or the point's coordinates), weights and bias appear as inputs.
pub fn neuron_view(
    model: &Mlp,
    loss: Loss,
    task: Task,
    layer: usize,
    index: usize,
    point: (f64, f64, f64),
) -> Option<GraphView> {
    if layer >= model.layers.len() || index >= model.layers[layer].nout {
        return None;
    }
    let g = Graph::with_capacity(8 * model.params.len());
    let p = model.leaves(&g);
    let (x1, x2) = (
        g.value(point.0).with_label("x1"),
        g.value(point.1).with_label("x2"),
    );
    let x = model.embed(x1, x2);
    for (v, f) in x.iter().zip(model.input_features()) {
        if v.label().is_none() {
            v.with_label(f.label());
        }
    }
    let mut range = 0..0;
    let out = model.forward_traced(&p, &x, |l, i, r| {
        if l == layer && i == index {
            range = r;
        }
    });
    let mut label = [0.0; crate::data::MAX_CLASSES];
    task.label_values(point.2, &mut label);
    let y: Vec<_> = label[..task.outputs()]
        .iter()
        .map(|&v| g.value(v).with_label("label"))
        .collect();
    let l = task.sample_loss(loss, &out, &y).with_label("loss");
    l.backward();
    // Label the neuron's parts and inputs as a textbook would.
    let nin = model.layers[layer].nin;
    let first = model.layer_offset(layer) + index * (nin + 1);
    for k in 0..nin {
        p[first + k].with_label(&format!("w{}", k + 1));
    }
    p[first + nin].with_label("b");
    let nodes = g.nodes().to_vec();
    let root = range.end - 1;
    let mut keep: Vec<usize> = range.clone().collect();
    let mut sums = 0;
    for i in range.clone() {
        keep.extend(nodes[i].operands().filter(|o| !range.contains(o)));
        let (a, b) = (nodes[i].a as usize, nodes[i].b as usize);
        match nodes[i].op {
            // The product `w_k * in_k`: name its input after the weight's index.
            Op::Mul => {
                if let Some(k) = (0..nin).find(|&k| p[first + k].id() == a) {
                    if g.label(b).is_none() {
                        g.set_label(b, &format!("h{}.{}", layer, k + 1));
                    }
                    let input = g.label(b).unwrap_or_default();
                    g.set_label(i, &format!("w{}*{}", k + 1, input));
                }
            }
            // The running sum `b + w1*x1 + ...`; its last one is the lecture's `n`.
            Op::Add => {
                sums += 1;
                let last = sums == nin;
                g.set_label(
                    i,
                    &if last {
                        "n".to_string()
                    } else {
                        format!("sum{sums}")
                    },
                );
            }
            _ => {}
        }
    }
    // A first-layer neuron's graph starts from the point: x1 and x2, and the features
    // made from them.
    if layer == 0 {
        for v in &x {
            keep.push(v.id());
            keep.extend(nodes[v.id()].operands());
        }
    }
    crate::insertion_sort(&mut keep, |a, b| a > b);
    keep.dedup();
    g.set_label(root, &format!("L{}N{} out", layer + 1, index + 1));
    let title = format!("layer {} neuron {}", layer + 1, index + 1);
    Some(view_of(&g, &keep, root, &title, &[]))
}
