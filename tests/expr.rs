//! Typed expressions: the issue's examples give the engine's numbers, errors name their
//! column, printing and parsing again gives the same expression (and so the same graph), and
//! no text makes the parser panic.
#![cfg(not(target_arch = "wasm32"))]

use micrograd_playground::engine::{Graph, Op};
use micrograd_playground::expr::{self, Expr, MAX_DEPTH, MAX_EXPR_CHARS};
use micrograd_playground::graphview;
use proptest::prelude::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn the_lectures_neuron_typed_gives_the_lectures_numbers() {
    let (v, inputs) = graphview::expression_view(
        "tanh(x1*w1 + x2*w2 + b)",
        &[2.0, -3.0, 0.0, 1.0, 6.881_373_587_019_543],
    )
    .unwrap();
    let names: Vec<&str> = inputs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["x1", "w1", "x2", "w2", "b"]);
    let node = |label: &str| v.nodes.iter().find(|n| n.label == label).unwrap();
    let out = v.backward[0].node;
    assert!(
        close(v.nodes[out].data, 0.5f64.sqrt()),
        "{}",
        v.nodes[out].data
    );
    assert!(close(node("w1").grad, 1.0) && close(node("x1").grad, -1.5));
    assert!(close(node("w2").grad, 0.0) && close(node("b").grad, 0.5));
    assert!(v.dot.contains("tanh"));
}

#[test]
fn the_issues_other_examples_build_and_differentiate() {
    // (a + b) * c**2 at a = 1, b = 2, c = 3: 27; d/da = 9, d/dc = 2 * 3 * 3 = 18.
    let g = Graph::new();
    let e = expr::parse("(a + b) * c**2").unwrap();
    let mut names = Vec::new();
    e.names(&mut names);
    let leaves: Vec<_> = [1.0, 2.0, 3.0].iter().map(|&x| g.value(x)).collect();
    let out = e.build(&g, &names, &leaves);
    out.backward();
    assert_eq!(out.data(), 27.0);
    assert_eq!((leaves[0].grad(), leaves[2].grad()), (9.0, 18.0));
    // relu(a) / (1 + exp(-b)) at a = 2, b = 0: 2 / 2 = 1; d/da = 1/2; d/db = 2 * e^0 / 4.
    let (v, _) = graphview::expression_view("relu(a) / (1 + exp(-b))", &[2.0, 0.0]).unwrap();
    let node = |label: &str| v.nodes.iter().find(|n| n.label == label).unwrap();
    assert_eq!(v.nodes[v.backward[0].node].data, 1.0);
    assert!(close(node("a").grad, 0.5) && close(node("b").grad, 0.5));
    // Every function the engine has, and Python's precedence: -a**2 is -(a**2).
    for f in [
        "tanh",
        "relu",
        "sigmoid",
        "exp",
        "ln",
        "abs",
        "sin",
        "leaky_relu",
        "elu",
        "silu",
        "softplus",
    ] {
        assert!(expr::parse(&format!("{f}(a + 1)")).is_ok(), "{f}");
    }
    assert_eq!(
        expr::parse("-a**2").unwrap(),
        Expr::Neg(Box::new(Expr::Pow(Box::new(Expr::Name("a".into())), 2.0)))
    );
    assert_eq!(expr::parse("a - b - c").unwrap().to_string(), "a - b - c");
    assert_eq!(
        expr::parse("a - (b - c)").unwrap().to_string(),
        "a - (b - c)"
    );
    assert_eq!(expr::parse(" 2*x**-1 ").unwrap().to_string(), "2 * x**-1");
}

#[test]
fn errors_name_the_column() {
    for (text, column, words) in [
        ("a + * b", 5, "expected a number, a name"),
        ("relu(a", 7, "expected \")\" to close relu("),
        ("foo(a)", 1, "\"foo\" is not a function"),
        ("a ** b", 6, "the exponent must be a number"),
        ("a ** - b", 6, "the exponent must be a number"),
        ("a**1e400", 4, "the exponent is too large"),
        ("(a + b", 7, "expected \")\""),
        ("a b", 3, "expected an operator"),
        ("tanh + 1", 1, "tanh is a function"),
        ("", 1, "expected a number"),
        ("a + 1e999", 5, "1e999 is too large a number"),
        // An invisible bidi control is named by its code, never echoed to reorder the message.
        ("a + \u{202E}b", 5, "character U+202E"),
    ] {
        let e = expr::parse(text).unwrap_err();
        assert_eq!(e.column, column, "{text}: {e}");
        assert!(e.message.contains(words), "{text}: {e}");
        assert!(!e.to_string().contains('\u{202E}'), "{text}: {e}");
    }
    let long = "a+".repeat(MAX_EXPR_CHARS) + "a";
    assert!(expr::parse(&long)
        .unwrap_err()
        .message
        .contains("at most 200"));
    let deep = "(".repeat(MAX_DEPTH + 1) + "a" + &")".repeat(MAX_DEPTH + 1);
    assert!(expr::parse(&deep)
        .unwrap_err()
        .message
        .contains("nested more than"));
    let ok = "(".repeat(MAX_DEPTH) + "a" + &")".repeat(MAX_DEPTH);
    assert!(expr::parse(&ok).is_ok());
    let names: Vec<String> = (0..13).map(|i| format!("n{i}")).collect();
    assert!(expr::parse(&names.join("+"))
        .unwrap_err()
        .message
        .contains("at most 12"));
}

fn any_expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        (0u32..1000).prop_map(|k| Expr::Num(k as f64 / 8.0)),
        prop::sample::select(vec!["a", "b", "x1", "w_2"]).prop_map(|n| Expr::Name(n.into())),
    ];
    leaf.prop_recursive(5, 40, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|a| Expr::Neg(Box::new(a))),
            (
                prop::sample::select(vec![Op::Add, Op::Sub, Op::Mul, Op::Div]),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, a, b)| Expr::Bin(op, Box::new(a), Box::new(b))),
            (inner.clone(), -3i32..4).prop_map(|(a, k)| Expr::Pow(Box::new(a), k as f64 / 2.0)),
            (
                prop::sample::select(vec![Op::Tanh, Op::Relu, Op::Exp, Op::Sin, Op::Silu]),
                inner
            )
                .prop_map(|(op, a)| Expr::Call(op, Box::new(a))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Printing an expression and parsing it again gives the same expression: the same graph.
    #[test]
    fn printed_expressions_parse_back_to_themselves(e in any_expr()) {
        let text = e.to_string();
        prop_assume!(text.chars().count() <= MAX_EXPR_CHARS);
        let back = expr::parse(&text);
        prop_assert_eq!(back.as_ref(), Ok(&e), "{}", text);
        prop_assert_eq!(back.unwrap().to_string(), text);
    }

    /// Hostile text: an answer, never a panic.
    #[test]
    fn any_text_parses_or_is_refused(s in "\\PC{0,80}", t in "[-+*/() a-z0-9.eE,]{0,120}") {
        let _ = expr::parse(&s);
        let _ = expr::parse(&t);
        let _ = graphview::expression_view(&t, &[]);
    }
}
