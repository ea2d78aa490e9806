//! Typed expressions for the graph view: `tanh(x1*w1 + x2*w2 + b)`, `(a + b) * c**2`,
//! `relu(a) / (1 + exp(-b))`. A small recursive-descent parser (no `eval`) turns the text into
//! an [`Expr`], whose names become the inputs of a graph built from engine ops, so a typed
//! expression is drawn, stepped, checked and exported like the built-in examples.
//!
//! Grammar (Python's precedence, as micrograd's users write it):
//!
//! ```text
//! sum     = product (("+" | "-") product)*
//! product = unary (("*" | "/") unary)*
//! unary   = "-" unary | power
//! power   = atom ("**" exponent)?        exponent: a number, maybe negative
//! atom    = number | name | name "(" sum ")" | "(" sum ")"
//! ```
//!
//! Functions are the engine's one-operand ops. A refusal names the column (1-based, in
//! characters) and what was expected there; text longer than [`MAX_EXPR_CHARS`] or nested
//! deeper than [`MAX_DEPTH`] is refused before it can cost anything.

use crate::engine::{Graph, Op, Value};
use std::fmt;

/// The longest expression accepted, in characters.
pub const MAX_EXPR_CHARS: usize = 200;
/// The deepest nesting accepted (parentheses, unary minus, function calls), so hostile input
/// cannot exhaust the stack.
pub const MAX_DEPTH: usize = 40;
/// The most distinct names (inputs) an expression may have.
pub const MAX_NAMES: usize = 12;

/// The functions an expression may call: the engine's one-operand ops.
const FUNCTIONS: [(&str, Op); 11] = [
    ("tanh", Op::Tanh),
    ("relu", Op::Relu),
    ("sigmoid", Op::Sigmoid),
    ("exp", Op::Exp),
    ("ln", Op::Ln),
    ("abs", Op::Abs),
    ("sin", Op::Sin),
    ("leaky_relu", Op::LeakyRelu),
    ("elu", Op::Elu),
    ("silu", Op::Silu),
    ("softplus", Op::Softplus),
];

/// A parsed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Num(f64),
    Name(String),
    Neg(Box<Expr>),
    /// `+ - * /` (the op's [`Op`]) on two operands.
    Bin(Op, Box<Expr>, Box<Expr>),
    /// `base ** k` for a constant `k`.
    Pow(Box<Expr>, f64),
    /// One of the engine's functions.
    Call(Op, Box<Expr>),
}

/// Why a text is not an expression: where (1-based column, in characters) and what.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses `text` (see the module docs for the grammar).
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() > MAX_EXPR_CHARS {
        return Err(ParseError {
            column: MAX_EXPR_CHARS + 1,
            message: format!(
                "the expression is {} characters long; at most {MAX_EXPR_CHARS}",
                chars.len()
            ),
        });
    }
    let mut p = Parser {
        chars,
        at: 0,
        depth: 0,
    };
    let e = p.sum()?;
    p.skip_space();
    if p.at < p.chars.len() {
        return Err(p.error(format!(
            "unexpected {}: expected an operator (+ - * / **) or the end",
            p.shown()
        )));
    }
    let mut names = Vec::new();
    e.names(&mut names);
    if names.len() > MAX_NAMES {
        return Err(ParseError {
            column: 1,
            message: format!("{} names; at most {MAX_NAMES}", names.len()),
        });
    }
    Ok(e)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn error(&self, message: String) -> ParseError {
        ParseError {
            column: self.at + 1,
            message,
        }
    }

    /// The character at the cursor, as a message shows it.
    fn shown(&self) -> String {
        match self.chars.get(self.at) {
            // Invisible ones by their code (a bidi control would reorder the message).
            Some(c) if c.is_control() || crate::settings::is_bidi(*c) => {
                format!("character U+{:04X}", *c as u32)
            }
            Some(c) => format!("\"{c}\""),
            None => "end".into(),
        }
    }

    fn skip_space(&mut self) {
        while self.chars.get(self.at).is_some_and(|c| c.is_whitespace()) {
            self.at += 1;
        }
    }

    /// Consumes `token` (after spaces) if it is next.
    fn eat(&mut self, token: &str) -> bool {
        self.skip_space();
        let n = token.chars().count();
        let next: String = self.chars.iter().skip(self.at).take(n).collect();
        // `*` must not take the first half of `**`.
        if next == token && !(token == "*" && self.chars.get(self.at + 1) == Some(&'*')) {
            self.at += n;
            true
        } else {
            false
        }
    }

    fn deeper(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("nested more than {MAX_DEPTH} deep")));
        }
        Ok(())
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.product()?;
        loop {
            let op = if self.eat("+") {
                Op::Add
            } else if self.eat("-") {
                Op::Sub
            } else {
                return Ok(e);
            };
            e = Expr::Bin(op, Box::new(e), Box::new(self.product()?));
        }
    }

    fn product(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.unary()?;
        loop {
            let op = if self.eat("*") {
                Op::Mul
            } else if self.eat("/") {
                Op::Div
            } else {
                return Ok(e);
            };
            e = Expr::Bin(op, Box::new(e), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.eat("-") {
            self.deeper()?;
            let e = Expr::Neg(Box::new(self.unary()?));
            self.depth -= 1;
            return Ok(e);
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, ParseError> {
        let base = self.atom()?;
        if !self.eat("**") {
            return Ok(base);
        }
        self.skip_space();
        let start = self.at;
        let negative = self.eat("-");
        self.skip_space();
        let digits = self.at;
        match self.number() {
            Some(k) => Ok(Expr::Pow(Box::new(base), if negative { -k } else { k })),
            None if self.at > digits => Err(ParseError {
                column: start + 1,
                message: "the exponent is too large a number".into(),
            }),
            None => {
                self.at = start;
                Err(self.error(format!(
                    "{}: the exponent must be a number (the engine's ** takes a constant)",
                    self.shown()
                )))
            }
        }
    }

    /// A number at the cursor (`2`, `0.5`, `.5`, `1e-3`), if there is one.
    fn number(&mut self) -> Option<f64> {
        let start = self.at;
        let digits = |p: &mut Parser| {
            let s = p.at;
            while p.chars.get(p.at).is_some_and(char::is_ascii_digit) {
                p.at += 1;
            }
            p.at > s
        };
        let mut any = digits(self);
        if self.chars.get(self.at) == Some(&'.') {
            self.at += 1;
            any |= digits(self);
        }
        if !any {
            self.at = start;
            return None;
        }
        if matches!(self.chars.get(self.at), Some('e' | 'E')) {
            let mark = self.at;
            self.at += 1;
            if matches!(self.chars.get(self.at), Some('+' | '-')) {
                self.at += 1;
            }
            if !digits(self) {
                self.at = mark;
            }
        }
        let text: String = self.chars[start..self.at].iter().collect();
        // Digits that overflow (1e999) leave the cursor after them: the caller says so.
        crate::decimal::parse(&text).filter(|x| x.is_finite())
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        self.skip_space();
        let start = self.at;
        if let Some(x) = self.number() {
            return Ok(Expr::Num(x));
        }
        if self.at > start {
            let text: String = self.chars[start..self.at].iter().collect();
            return Err(ParseError {
                column: start + 1,
                message: format!("{text} is too large a number"),
            });
        }
        if self.eat("(") {
            self.deeper()?;
            let e = self.sum()?;
            if !self.eat(")") {
                return Err(self.error(format!("{}: expected \")\"", self.shown())));
            }
            self.depth -= 1;
            return Ok(e);
        }
        let is_start = |c: &char| c.is_ascii_alphabetic() || *c == '_';
        if !self.chars.get(self.at).is_some_and(is_start) {
            return Err(self.error(format!(
                "{}: expected a number, a name, a function or \"(\"",
                self.shown()
            )));
        }
        while self
            .chars
            .get(self.at)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            self.at += 1;
        }
        let name: String = self.chars[start..self.at].iter().collect();
        let function = FUNCTIONS.iter().find(|(f, _)| *f == name).map(|f| f.1);
        if self.eat("(") {
            let Some(op) = function else {
                let names: Vec<&str> = FUNCTIONS.iter().map(|f| f.0).collect();
                return Err(ParseError {
                    column: start + 1,
                    message: format!(
                        "\"{name}\" is not a function; the functions are {}",
                        names.join(", ")
                    ),
                });
            };
            self.deeper()?;
            let e = self.sum()?;
            if !self.eat(")") {
                return Err(
                    self.error(format!("{}: expected \")\" to close {name}(", self.shown()))
                );
            }
            self.depth -= 1;
            return Ok(Expr::Call(op, Box::new(e)));
        }
        if function.is_some() {
            return Err(ParseError {
                column: start + 1,
                message: format!("{name} is a function: write {name}(...)"),
            });
        }
        Ok(Expr::Name(name))
    }
}

impl Expr {
    /// Its names, each once, in order of first appearance.
    pub fn names(&self, out: &mut Vec<String>) {
        match self {
            Expr::Num(_) => {}
            Expr::Name(n) => {
                if !out.contains(n) {
                    out.push(n.clone());
                }
            }
            Expr::Neg(a) | Expr::Pow(a, _) | Expr::Call(_, a) => a.names(out),
            Expr::Bin(_, a, b) => {
                a.names(out);
                b.names(out);
            }
        }
    }

    /// Builds the expression on `g` with `inputs` (a leaf per name, in [`Expr::names`]'s
    /// order); numbers become constant leaves, as in micrograd. Each operation's node is
    /// labelled with its text where that is short.
    pub fn build<'g>(&self, g: &'g Graph, names: &[String], inputs: &[Value<'g>]) -> Value<'g> {
        let v = match self {
            Expr::Num(x) => return g.value(*x),
            Expr::Name(n) => {
                let i = names.iter().position(|m| m == n).unwrap_or(0);
                return inputs[i];
            }
            Expr::Neg(a) => -a.build(g, names, inputs),
            Expr::Bin(op, a, b) => {
                let (x, y) = (a.build(g, names, inputs), b.build(g, names, inputs));
                match op {
                    Op::Add => x + y,
                    Op::Sub => x - y,
                    Op::Mul => x * y,
                    _ => x / y,
                }
            }
            Expr::Pow(a, k) => a.build(g, names, inputs).powf(*k),
            Expr::Call(op, a) => a.build(g, names, inputs).apply_unary(*op),
        };
        let text = self.to_string();
        if text.chars().count() <= 16 {
            v.with_label(&text);
        }
        v
    }

    /// How tightly it binds: 1 sum, 2 product, 3 unary minus, 4 power, 5 atom.
    fn level(&self) -> u8 {
        match self {
            Expr::Bin(Op::Add | Op::Sub, ..) => 1,
            Expr::Bin(..) => 2,
            Expr::Neg(_) => 3,
            Expr::Pow(..) => 4,
            // A negative number prints as `-2`: it binds as a unary minus.
            Expr::Num(x) if x.is_sign_negative() => 3,
            _ => 5,
        }
    }
}

/// Writes `e` in parentheses if it binds more loosely than `need`.
fn operand(f: &mut fmt::Formatter<'_>, e: &Expr, need: u8) -> fmt::Result {
    if e.level() < need {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

/// The expression as text that parses back to the same expression, with the parentheses it
/// needs and no more.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(x) => write!(f, "{x}"),
            Expr::Name(n) => f.write_str(n),
            Expr::Neg(a) => {
                f.write_str("-")?;
                operand(f, a, 3)
            }
            Expr::Bin(op, a, b) => {
                let (sym, level) = match op {
                    Op::Add => ("+", 1),
                    Op::Sub => ("-", 1),
                    Op::Mul => ("*", 2),
                    _ => ("/", 2),
                };
                // Left-associative: the right operand of - and / (and of + and *, to keep the
                // same tree) needs parentheses at its own level.
                operand(f, a, level)?;
                write!(f, " {sym} ")?;
                operand(f, b, level + 1)
            }
            Expr::Pow(a, k) => {
                operand(f, a, 5)?;
                write!(f, "**{k}")
            }
            Expr::Call(op, a) => {
                let name = FUNCTIONS.iter().find(|(_, o)| o == op).map_or("?", |x| x.0);
                write!(f, "{name}({a})")
            }
        }
    }
}
