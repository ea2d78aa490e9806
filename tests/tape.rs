//! The recorded tape against the dynamic graph on random expressions: every operand layout a
//! fused chain can meet (a row times a uniform, a uniform times a row, two rows, `x * x`, two
//! uniforms), chains that start from a row or from a uniform, unary ops between them, and
//! batch sizes that leave partial register blocks and padded rows.
#![cfg(not(target_arch = "wasm32"))]

use micrograd_playground::engine::{Graph, Value};
use micrograd_playground::nn::{Activation, Mlp};
use micrograd_playground::tape::{Kernels, Tape};
use proptest::prelude::*;

/// One step of a random expression: a chain `start + a0*b0 + ...` over the pool, or a unary op.
#[derive(Clone, Debug)]
enum Step {
    Chain(usize, Vec<(usize, usize)>),
    Tanh(usize),
    Relu(usize),
    Scale(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0usize..64, prop::collection::vec((0usize..64, 0usize..64), 1..20))
            .prop_map(|(s, t)| Step::Chain(s, t)),
        1 => (0usize..64).prop_map(Step::Tanh),
        1 => (0usize..64).prop_map(Step::Relu),
        1 => (0usize..64).prop_map(Step::Scale),
    ]
}

/// Builds the expression on `leaves` (2 per-sample inputs, then 3 uniforms); returns the output.
fn build<'g>(g: &'g Graph, leaves: &[Value<'g>], steps: &[Step]) -> Value<'g> {
    let mut pool = leaves.to_vec();
    for s in steps {
        let at = |i: usize| pool[i % pool.len()];
        let v = match s {
            Step::Chain(start, terms) => terms
                .iter()
                .fold(at(*start), |acc, &(a, b)| acc + at(a) * at(b)),
            Step::Tanh(a) => (at(*a) * 0.3).tanh(),
            Step::Relu(a) => at(*a).relu(),
            Step::Scale(a) => at(*a) * 0.5,
        };
        pool.push(v);
    }
    // Every node made feeds the output, so every chain is live.
    g.sum(pool[leaves.len()..].iter().map(|&v| (v * 0.1).tanh()))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn replay_equals_the_dynamic_graph_per_sample(
        steps in prop::collection::vec(step(), 1..8),
        n in 1usize..40,
        uniforms in prop::array::uniform3(-1.5f64..1.5),
    ) {
        let xs: Vec<f64> = (0..n).map(|s| ((s * 7 + 3) as f64 * 0.61).sin()).collect();
        let ys: Vec<f64> = (0..n).map(|s| ((s * 5 + 1) as f64 * 0.37).cos()).collect();

        // Recorded once, on any sample's values.
        let g = Graph::new();
        let leaves: Vec<Value> = [0.0, 0.0].iter().chain(&uniforms).map(|&v| g.value(v)).collect();
        let out = build(&g, &leaves, &steps);
        let mut tape = Tape::record(&g, &leaves[..2], &leaves[2..], &[out], 64);
        // The exact kernels (the others give their bits, or come within 1e-12: see below).
        tape.set_kernels(Kernels::Baseline);
        tape.set_len(n);
        tape.batch_input_mut(0).copy_from_slice(&xs);
        tape.batch_input_mut(1).copy_from_slice(&ys);
        for (k, &u) in uniforms.iter().enumerate() {
            tape.set_uniform(k, u);
        }
        tape.forward();
        tape.backward(&[(out.id(), 1.0)]);

        let mut uniform_grads = [0.0; 3];
        for s in 0..n {
            let g = Graph::new();
            let leaves: Vec<Value> =
                [xs[s], ys[s]].iter().chain(&uniforms).map(|&v| g.value(v)).collect();
            let o = build(&g, &leaves, &steps);
            o.backward();
            // The forward pass adds in the recorded order: the same bits. (An output that does
            // not depend on the sample is uniform: one number.)
            let row = tape.values(out.id());
            let got = row[s.min(row.len() - 1)];
            prop_assert_eq!(got.to_bits(), o.data().to_bits(), "sample {} of {}", s, n);
            for (k, leaf) in leaves[..2].iter().enumerate() {
                let (a, b) = (tape.grads(leaf.id())[s], leaf.grad());
                prop_assert!(close(a, b), "sample {s}: input {k} grad {a} vs {b}");
            }
            // A uniform's gradient sums over the samples; but an output that is uniform
            // itself is one number, seeded once, so it counts one sample's worth.
            if row.len() > 1 || s == 0 {
                for (k, u) in uniform_grads.iter_mut().enumerate() {
                    *u += leaves[2 + k].grad();
                }
            }
        }
        for (k, &want) in uniform_grads.iter().enumerate() {
            let got = tape.uniform_grad(k);
            prop_assert!(
                (got - want).abs() <= 1e-11 * (1.0 + want.abs()),
                "uniform {k}: summed grad {got} vs {want}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A network's layers replay their neurons two at a time (`Instr::Pair`): every output
    /// keeps the graph's bits, and the gradients equal the graph's (the parameters' summed
    /// over the batch) to 1e-11.
    #[test]
    fn paired_neurons_equal_the_dynamic_graph(
        hidden in prop::collection::vec(1usize..7, 1..4),
        n in 1usize..40,
        seed in 0u64..500,
    ) {
        let model = Mlp::new(2, &hidden, 1, Activation::Tanh, seed);
        let xs: Vec<f64> = (0..n).map(|s| ((s * 7 + 3) as f64 * 0.61).sin()).collect();
        let ys: Vec<f64> = (0..n).map(|s| ((s * 5 + 1) as f64 * 0.37).cos()).collect();
        let g = Graph::new();
        let p = model.leaves(&g);
        let inputs = [g.value(0.0), g.value(0.0)];
        let out = model.forward(&p, &inputs)[0];
        let mut tape = Tape::record(&g, &inputs, &p, &[out], 64);
        tape.set_kernels(Kernels::Baseline);
        let want: usize = hidden.iter().map(|h| h / 2).sum();
        prop_assert_eq!(tape.pairs(), want);
        tape.set_len(n);
        tape.batch_input_mut(0).copy_from_slice(&xs);
        tape.batch_input_mut(1).copy_from_slice(&ys);
        for (k, &v) in model.params.iter().enumerate() {
            tape.set_uniform(k, v);
        }
        tape.forward();
        tape.backward(&[(out.id(), 1.0)]);
        let mut sums = vec![0.0; model.params.len()];
        for s in 0..n {
            let g = Graph::new();
            let p = model.leaves(&g);
            let (x, y) = (g.value(xs[s]), g.value(ys[s]));
            let o = model.forward(&p, &[x, y])[0];
            o.backward();
            prop_assert_eq!(tape.values(out.id())[s].to_bits(), o.data().to_bits(), "sample {}", s);
            prop_assert!(close(tape.grads(inputs[0].id())[s], x.grad()));
            prop_assert!(close(tape.grads(inputs[1].id())[s], y.grad()));
            for (k, v) in p.iter().enumerate() {
                sums[k] += v.grad();
            }
        }
        for (k, want) in sums.iter().enumerate() {
            let got = tape.uniform_grad(k);
            prop_assert!((got - want).abs() <= 1e-11 * (1.0 + want.abs()), "param {k}: {got} vs {want}");
        }
    }
}

/// Replays `tape` (inputs already set) with `kernels`; returns the output's values, then the
/// batch inputs' gradients, then the uniforms' gradients.
fn replay(
    tape: &mut Tape,
    kernels: Kernels,
    out: usize,
    inputs: [usize; 2],
    uniforms: usize,
) -> Vec<f64> {
    assert_eq!(tape.set_kernels(kernels), kernels);
    tape.forward();
    tape.backward(&[(out, 1.0)]);
    let mut v = tape.values(out).to_vec();
    for id in inputs {
        v.extend_from_slice(tape.grads(id));
    }
    v.extend((0..uniforms).map(|k| tape.uniform_grad(k)));
    v
}

/// Every kernel this CPU runs, the baseline first.
fn kernels_here() -> Vec<Kernels> {
    [Kernels::Baseline, Kernels::Avx, Kernels::AvxFma]
        .into_iter()
        .filter(|k| k.available())
        .collect()
}

/// The exact kernels give the baseline's bits; the fused ones come within `tol` of them,
/// relative to each value. The last `sums.len()` values are the uniforms' gradients, sums over
/// the batch: a sum's rounding scales with its terms, not with the total (samples' gradients of
/// opposite signs can cancel to a small one), so there `tol` is relative to `sums`, the sum of
/// the terms' magnitudes.
fn agree(
    runs: &[(Kernels, Vec<f64>)],
    what: &str,
    tol: f64,
    sums: &[f64],
) -> Result<(), TestCaseError> {
    let base = &runs[0].1;
    let first_sum = base.len() - sums.len();
    for (k, r) in &runs[1..] {
        prop_assert_eq!(r.len(), base.len());
        for (i, (&a, &b)) in r.iter().zip(base).enumerate() {
            let scale = match i.checked_sub(first_sum) {
                Some(u) => sums[u],
                None => a.abs().max(b.abs()),
            };
            if k.exact() {
                prop_assert_eq!(
                    a.to_bits(),
                    b.to_bits(),
                    "{} {:?}: value {} {} vs {}",
                    what,
                    k,
                    i,
                    a,
                    b
                );
            } else {
                prop_assert!(
                    (a - b).abs() <= tol * (1.0 + scale),
                    "{} {:?}: value {} {} vs {}",
                    what,
                    k,
                    i,
                    a,
                    b
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The wider kernels (AVX, where the CPU has it) give the baseline's results bit for bit,
    /// and the fused ones (AVX with FMA) come within 1e-12 on networks (paired neurons, two
    /// rows at a time) and 1e-10 on random expressions (every operand layout of a chain, with
    /// far larger terms that cancel), at batch sizes that leave partial blocks.
    #[test]
    fn every_kernel_agrees_with_the_baseline(
        steps in prop::collection::vec(step(), 1..8),
        hidden in prop::collection::vec(1usize..12, 1..4),
        n in 1usize..70,
        seed in 0u64..500,
    ) {
        let xs: Vec<f64> = (0..n).map(|s| ((s * 7 + 3) as f64 * 0.61).sin()).collect();
        let ys: Vec<f64> = (0..n).map(|s| ((s * 5 + 1) as f64 * 0.37).cos()).collect();
        let fill = |tape: &mut Tape, uniforms: &[f64]| {
            tape.set_len(n);
            tape.batch_input_mut(0).copy_from_slice(&xs);
            tape.batch_input_mut(1).copy_from_slice(&ys);
            for (k, &u) in uniforms.iter().enumerate() {
                tape.set_uniform(k, u);
            }
        };

        let g = Graph::new();
        let uniforms = [0.7, -1.1, 0.3];
        let leaves: Vec<Value> = [0.0, 0.0].iter().chain(&uniforms).map(|&v| g.value(v)).collect();
        let out = build(&g, &leaves, &steps);
        let mut tape = Tape::record(&g, &leaves[..2], &leaves[2..], &[out], 80);
        fill(&mut tape, &uniforms);
        let ids = [leaves[0].id(), leaves[1].id()];
        let runs: Vec<_> = kernels_here()
            .into_iter()
            .map(|k| (k, replay(&mut tape, k, out.id(), ids, 3)))
            .collect();
        let mut sums = [0.0; 3];
        for s in 0..n {
            let g = Graph::new();
            let leaves: Vec<Value> = [xs[s], ys[s]].iter().chain(&uniforms).map(|&v| g.value(v)).collect();
            build(&g, &leaves, &steps).backward();
            for (sum, u) in sums.iter_mut().zip(&leaves[2..]) {
                *sum += u.grad().abs();
            }
        }
        // Random chains of products reach into the thousands and cancel, as no network's
        // do: there the fused kernels' single roundings move a value by up to a few parts in
        // 1e12 of it (seen: 1.6e-12), so expressions get 1e-10; networks keep 1e-12.
        agree(&runs, "an expression", 1e-10, &sums)?;

        let model = Mlp::new(2, &hidden, 1, Activation::Relu, seed);
        let g = Graph::new();
        let p = model.leaves(&g);
        let inputs = [g.value(0.0), g.value(0.0)];
        let out = model.forward(&p, &inputs)[0];
        let mut tape = Tape::record(&g, &inputs, &p, &[out], 80);
        fill(&mut tape, &model.params);
        let ids = [inputs[0].id(), inputs[1].id()];
        let runs: Vec<_> = kernels_here()
            .into_iter()
            .map(|k| (k, replay(&mut tape, k, out.id(), ids, model.params.len())))
            .collect();
        let mut sums = vec![0.0; model.params.len()];
        for s in 0..n {
            let g = Graph::new();
            let p = model.leaves(&g);
            model.forward(&p, &[g.value(xs[s]), g.value(ys[s])])[0].backward();
            for (sum, v) in sums.iter_mut().zip(&p) {
                *sum += v.grad().abs();
            }
        }
        agree(&runs, "a network", 1e-12, &sums)?;
    }
}
