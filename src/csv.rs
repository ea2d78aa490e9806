//! People's own 2-D data as CSV: reading a file a user drops on the page into points
//! (x1, x2, a label or target, and optionally a train/test split), and writing a data set back
//! out so that it reads in again to the very same numbers.
//!
//! The reader runs in the browser on whatever it is given, so it never panics: every refusal is
//! a [`CsvError`] that names the line and column (1-based; the column is the field number) and
//! says what is wrong there. The parser is hand-written, not the `csv` crate, to keep the wasm
//! bundle small; it handles comma, semicolon and tab separators, any line ends, a BOM, an
//! optional header and double-quoted fields (on one line).

use crate::settings;
use std::fmt::{self, Write as _};

/// The most bytes a CSV may have; a larger file is refused before parsing.
pub const MAX_CSV_BYTES: usize = 4 << 20;

/// More distinct labels than this cannot be classes (the page has colours for six).
const MAX_CLASSES: usize = 6;
/// The page's coordinate limit: points beyond it could not be placed or viewed.
const COORD_LIMIT: f64 = settings::range_of("points").max;

/// What the third column turned out to be.
#[derive(Clone, Debug, PartialEq)]
pub enum Labels {
    /// Two classes. Labels become -1.0 and +1.0. `names`: how the file wrote the two classes,
    /// [for -1, for +1].
    Binary { names: [String; 2] },
    /// 3 to 6 classes. Labels become the class index 0.0..K-1 (as f64). `names[k]` is how the
    /// file wrote class k.
    Classes { names: Vec<String> },
    /// Numeric targets (regression): labels are the numbers themselves.
    Regression,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// [x1, x2, label] per data row, labels mapped as `labels` says.
    pub points: Vec<[f64; 3]>,
    /// Per point: marked as a test point by an optional 4th column (`test`), else false.
    pub test: Vec<bool>,
    /// Whether any row had the 4th column (so the split came from the file). A 4th column that
    /// is empty on every row does not count: it splits nothing.
    pub has_split: bool,
    pub labels: Labels,
    /// Plain-language notes for the user, e.g. "labels 0/1 read as the two classes (0 → −1,
    /// 1 → +1)".
    pub notes: Vec<String>,
}

/// Why a file was refused: `line` and `column` are 1-based; `column` 0 means the whole line,
/// `line` 0 the whole file.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl CsvError {
    fn at(line: usize, column: usize, message: impl Into<String>) -> CsvError {
        CsvError {
            line,
            column,
            message: message.into(),
        }
    }

    fn file(message: impl Into<String>) -> CsvError {
        CsvError::at(0, 0, message)
    }
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => f.write_str(&self.message),
            (line, 0) => write!(f, "line {line}: {}", self.message),
            (line, column) => write!(f, "line {line}, column {column}: {}", self.message),
        }
    }
}

impl std::error::Error for CsvError {}

/// One data row as read, before the labels of the whole file are known.
struct Row {
    line: usize,
    x1: f64,
    x2: f64,
    label: String,
    test: bool,
    /// The row had a non-empty 4th field.
    split_given: bool,
}

/// Reads a CSV of x1, x2, label and an optional split column; at most `max_points` data rows.
pub fn parse(text: &str, max_points: usize) -> Result<Table, CsvError> {
    // Checked before anything else so a huge drop costs nothing.
    if text.len() > MAX_CSV_BYTES {
        // Tenths of a megabyte in whole numbers: a float's `{:.1}` would bring its exact
        // formatting code (about 10 KB) into the page's wasm.
        let tenths = (text.len() * 10 + (1 << 19)) >> 20;
        return Err(CsvError::file(format!(
            "the file is {}.{} MB; at most {} MB",
            tenths / 10,
            tenths % 10,
            MAX_CSV_BYTES >> 20
        )));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);

    let mut notes = Vec::new();
    let mut separator = None;
    let mut first_line = true;
    let mut rows: Vec<Row> = Vec::new();
    for (line, content) in lines(text) {
        if content.trim().is_empty() {
            continue;
        }
        let sep = *separator.get_or_insert_with(|| {
            let sep = detect_separator(content);
            match sep {
                ';' => notes.push("columns separated by semicolons".to_string()),
                '\t' => notes.push("columns separated by tabs".to_string()),
                _ => {}
            }
            sep
        });
        let fields = split_fields(content, sep)
            .map_err(|(column, message)| CsvError::at(line, column, message))?;
        // Spreadsheets export rows of empty cells (";;;") below the data: nothing to read.
        if fields.iter().all(String::is_empty) {
            continue;
        }
        if std::mem::take(&mut first_line) && is_header(&fields) {
            notes.push(format!("line {line} read as column names, not data"));
            continue;
        }
        if rows.len() >= max_points {
            return Err(CsvError::at(
                line,
                0,
                format!("more than {max_points} points; the page holds at most {max_points}"),
            ));
        }
        rows.push(read_row(line, &fields)?);
    }
    if rows.is_empty() {
        return Err(CsvError::file("the file has no data rows"));
    }

    let (labels, values) = decide_labels(&rows, &mut notes)?;
    let has_split = rows.iter().any(|r| r.split_given);
    if has_split {
        let tests = rows.iter().filter(|r| r.test).count();
        notes.push(format!(
            "the 4th column marks {tests} of {} points as test points",
            rows.len()
        ));
    }
    Ok(Table {
        points: rows
            .iter()
            .zip(values)
            .map(|(r, label)| [r.x1, r.x2, label])
            .collect(),
        test: rows.iter().map(|r| r.test).collect(),
        has_split,
        labels,
        notes,
    })
}

/// The data set as CSV: header `x1,x2,label,split`, one row per point, numbers written so they
/// read back to the same f64 bits (Rust's `{}` Display of f64 does round-trip), labels written
/// with `names` where there are names (Binary/Classes), the number for Regression; split
/// `train` or `test`.
///
/// What [`parse`] returns writes and reads back to the same table, with two limits: a
/// regression target whose values all happen to be whole (or all -1/+1) reads back as classes,
/// since the file cannot say otherwise; and a point missing from `test` counts as train. A
/// Classes label that is no class index is written as its number, so nothing is lost silently.
pub fn write(points: &[[f64; 3]], test: &[bool], labels: &Labels) -> String {
    let mut out = String::from("x1,x2,label,split\n");
    for (i, &[x1, x2, label]) in points.iter().enumerate() {
        let name = match labels {
            Labels::Binary { names } => Some(&names[usize::from(label > 0.0)]),
            Labels::Classes { names } if label >= 0.0 && label.fract() == 0.0 => {
                names.get(label as usize)
            }
            Labels::Classes { .. } | Labels::Regression => None,
        };
        let label = match name {
            Some(name) => quoted(name),
            None => label.to_string(),
        };
        let split = if test.get(i).copied().unwrap_or(false) {
            "test"
        } else {
            "train"
        };
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{x1},{x2},{label},{split}");
    }
    out
}

/// A class name as one field of a comma-separated row: quoted where it holds a comma or a
/// quote; line breaks become spaces, as a row is one line.
fn quoted(name: &str) -> String {
    let name = name.replace(['\r', '\n'], " ");
    if name.contains([',', '"']) {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name
    }
}

/// The lines of `text` with their 1-based numbers; a line ends at "\r\n", "\n" or a lone "\r"
/// (Windows, Unix and old Mac files alike).
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = Some(text);
    let mut number = 0;
    std::iter::from_fn(move || {
        let remaining = rest?;
        number += 1;
        match remaining.find(['\r', '\n']) {
            None => {
                rest = None;
                Some((number, remaining))
            }
            Some(end) => {
                let (line, after) = remaining.split_at(end);
                let after = after
                    .strip_prefix("\r\n")
                    .or_else(|| after.get(1..))
                    .unwrap_or("");
                rest = Some(after);
                Some((number, line))
            }
        }
    })
}

/// The separator of the whole file, from its first non-empty line: the most frequent of comma,
/// semicolon and tab outside quotes; comma if none. On a tie tab, then semicolon, wins: those
/// only ever separate, while a comma may be a decimal comma ("1,5;2,5;1").
fn detect_separator(line: &str) -> char {
    let (mut commas, mut semicolons, mut tabs) = (0usize, 0usize, 0usize);
    let mut in_quotes = false;
    for c in line.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => commas += 1,
            ';' if !in_quotes => semicolons += 1,
            '\t' if !in_quotes => tabs += 1,
            _ => {}
        }
    }
    if tabs > 0 && tabs >= semicolons && tabs >= commas {
        '\t'
    } else if semicolons > 0 && semicolons >= commas {
        ';'
    } else {
        ','
    }
}

/// One line's fields, trimmed, with quotes taken off (`""` inside quotes is one quote). A
/// quoted field must close on its line: a data row is one line, and an open quote is far more
/// often a typo than a line break inside a cell. `Err` is (column, what).
fn split_fields(line: &str, sep: char) -> Result<Vec<String>, (usize, &'static str)> {
    let mut fields = Vec::new();
    let mut field = String::new();
    // This field began with a quote; we are inside it; its closing quote was seen.
    let (mut quoted, mut in_quotes, mut closed) = (false, false, false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c != '"' {
                field.push(c);
            } else if chars.next_if_eq(&'"').is_some() {
                field.push('"');
            } else {
                in_quotes = false;
                closed = true;
            }
        } else if c == sep {
            fields.push(field.trim().to_string());
            field.clear();
            (quoted, closed) = (false, false);
        } else if closed {
            if !c.is_whitespace() {
                return Err((fields.len() + 1, "text after the closing quote"));
            }
        } else if c == '"' && !quoted && field.trim().is_empty() {
            (quoted, in_quotes) = (true, true);
            field.clear();
        } else {
            field.push(c);
        }
    }
    if in_quotes {
        return Err((fields.len() + 1, "a quote that is not closed on its line"));
    }
    fields.push(field.trim().to_string());
    Ok(fields)
}

/// `text` as a number if it is written as one: Rust's float syntax (`1e3`, `-0.5`, `+2`, `.5`)
/// but not its words (`nan`, `inf`, `infinity`), which are no data. May be infinite (`1e999`).
fn number(text: &str) -> Option<f64> {
    crate::decimal::parse(text)
}

/// The first non-blank line is a header when neither of its first two fields is a number
/// (`x1,x2,label`, `x;y;class`); a row with one bad coordinate is data, and is refused as such.
fn is_header(fields: &[String]) -> bool {
    fields.iter().take(2).all(|f| number(f).is_none())
}

fn read_row(line: usize, fields: &[String]) -> Result<Row, CsvError> {
    let count = fields.len();
    let plural = if count == 1 { "" } else { "s" };
    let (x1, x2, label, split) = match fields {
        [x1, x2, label] => (x1, x2, label, None),
        [x1, x2, label, split] => (x1, x2, label, Some(split)),
        [] | [_] | [_, _] => {
            return Err(CsvError::at(
                line,
                0,
                format!("{count} field{plural}; expected x1, x2 and a label"),
            ))
        }
        _ => {
            return Err(CsvError::at(
                line,
                0,
                format!("{count} fields; expected at most 4 (x1, x2, label and split)"),
            ))
        }
    };
    let x1 = coordinate(x1, line, 1)?;
    let x2 = coordinate(x2, line, 2)?;
    if label.is_empty() {
        return Err(CsvError::at(line, 3, "the label is empty"));
    }
    let split = split.map(String::as_str).unwrap_or("");
    let test = match split {
        "" | "0" => false,
        "1" => true,
        s if s.eq_ignore_ascii_case("train") => false,
        s if s.eq_ignore_ascii_case("test") => true,
        s => {
            return Err(CsvError::at(
                line,
                4,
                format!(
                    "{} is not a split; expected train or test (or 0/1)",
                    settings::echo(s)
                ),
            ))
        }
    };
    Ok(Row {
        line,
        x1,
        x2,
        label: label.clone(),
        test,
        split_given: !split.is_empty(),
    })
}

/// x1 (`column` 1) or x2 (2): a finite number within the page's coordinate limit.
fn coordinate(text: &str, line: usize, column: usize) -> Result<f64, CsvError> {
    let name = if column == 1 { "x1" } else { "x2" };
    match number(text) {
        _ if text.is_empty() => Err(CsvError::at(
            line,
            column,
            format!("{name} is empty; expected a number"),
        )),
        None => Err(CsvError::at(
            line,
            column,
            format!("{} is not a number", settings::echo(text)),
        )),
        Some(v) if v.is_finite() && v.abs() <= COORD_LIMIT => Ok(v),
        Some(_) => Err(CsvError::at(
            line,
            column,
            format!(
                "{} is out of range; the page holds coordinates within ±{COORD_LIMIT}",
                settings::echo(text)
            ),
        )),
    }
}

/// A label as a number, if all labels turn out numeric: finite only (`1e999` is then a name).
fn label_number(text: &str) -> Option<f64> {
    number(text).filter(|v| v.is_finite())
}

/// What the label column is, decided over the whole file, and each row's label mapped to it.
fn decide_labels(rows: &[Row], notes: &mut Vec<String>) -> Result<(Labels, Vec<f64>), CsvError> {
    match rows.iter().map(|r| label_number(&r.label)).collect() {
        Some(values) => numeric_labels(rows, values, notes),
        None => named_labels(rows, notes),
    }
}

fn only_one_class(rows: &[Row]) -> CsvError {
    let first = rows.first().map_or("", |r| r.label.as_str());
    CsvError::file(format!(
        "only one class ({}); a data set needs at least two",
        settings::echo(first)
    ))
}

fn numeric_labels(
    rows: &[Row],
    values: Vec<f64>,
    notes: &mut Vec<String>,
) -> Result<(Labels, Vec<f64>), CsvError> {
    // Distinct values, up to one more than classes can be; `+ 0.0` makes -0 read as 0.
    let mut distinct: Vec<f64> = Vec::new();
    for &v in &values {
        if !distinct.contains(&v) {
            distinct.push(v + 0.0);
            if distinct.len() > MAX_CLASSES {
                break;
            }
        }
    }
    if distinct.len() == 1 {
        return Err(only_one_class(rows));
    }
    if distinct.iter().all(|&v| v == -1.0 || v == 1.0) {
        let names = ["-1".to_string(), "1".to_string()];
        return Ok((Labels::Binary { names }, values));
    }
    if distinct.iter().all(|&v| v == 0.0 || v == 1.0) {
        notes.push("labels 0/1 read as the two classes (0 → −1, 1 → +1)".to_string());
        let mapped = values.iter().map(|&v| 2.0 * v - 1.0).collect();
        let names = ["0".to_string(), "1".to_string()];
        return Ok((Labels::Binary { names }, mapped));
    }
    if values.iter().any(|v| v.fract() != 0.0) {
        notes.push(
            "numbers with decimals in the label column: read as a regression target".to_string(),
        );
        return Ok((Labels::Regression, values));
    }
    if distinct.len() > MAX_CLASSES {
        notes.push(format!(
            "more than {MAX_CLASSES} different whole numbers in the label column: \
             read as a regression target"
        ));
        return Ok((Labels::Regression, values));
    }
    // Whole numbers, 2 to 6 of them: classes in ascending order of value.
    crate::insertion_sort(&mut distinct, |a, b| a.total_cmp(b).is_gt());
    let index = |v: f64| distinct.iter().position(|&d| d == v).unwrap_or(0) as f64;
    let names: Vec<String> = distinct.iter().map(f64::to_string).collect();
    Ok(classes(
        names,
        values.iter().map(|&v| index(v)),
        notes,
        false,
    ))
}

fn named_labels(rows: &[Row], notes: &mut Vec<String>) -> Result<(Labels, Vec<f64>), CsvError> {
    let mut seen: Vec<&str> = Vec::new();
    for row in rows {
        if seen.contains(&row.label.as_str()) {
            continue;
        }
        if seen.len() == MAX_CLASSES {
            let mut message = format!(
                "a 7th class ({}); at most {MAX_CLASSES} classes",
                settings::echo(&row.label)
            );
            // A regression file with one typo lands here: say why the labels are names at all.
            let name = rows.iter().find(|r| label_number(&r.label).is_none());
            let some_numeric = rows.iter().any(|r| label_number(&r.label).is_some());
            if let (Some(name), true) = (name, some_numeric) {
                let _ = write!(
                    message,
                    " (labels are read as class names because line {} has {}, not a number)",
                    name.line,
                    settings::echo(&name.label)
                );
            }
            return Err(CsvError::at(row.line, 3, message));
        }
        seen.push(&row.label);
    }
    if seen.len() == 1 {
        return Err(only_one_class(rows));
    }
    if rows.iter().any(|r| label_number(&r.label).is_some()) {
        notes.push("the label column mixes numbers and names: all read as class names".into());
    }
    // Alphabetical, so the mapping does not depend on the order of the rows.
    // (ASCII case folding: Unicode's tables would add 4 KB to the page for six names.)
    let folded = |s: &str| {
        s.bytes()
            .map(|c| c.to_ascii_lowercase())
            .collect::<Vec<u8>>()
    };
    crate::insertion_sort(&mut seen, |a, b| {
        folded(a).cmp(&folded(b)).then(a.cmp(b)).is_gt()
    });
    let index = |name: &str| seen.iter().position(|&s| s == name).unwrap_or(0) as f64;
    let mapped = rows.iter().map(|r| index(&r.label));
    let names = seen.iter().map(|s| s.to_string()).collect();
    Ok(classes(names, mapped, notes, true))
}

/// `names` (2 to 6, in class order) as Binary or Classes, with `indices` (class numbers) mapped
/// to labels and a note that says how; `named`: the file wrote names (quoted in the note, in
/// alphabetical order), else whole numbers (plain, in ascending order).
fn classes(
    names: Vec<String>,
    indices: impl Iterator<Item = f64>,
    notes: &mut Vec<String>,
    named: bool,
) -> (Labels, Vec<f64>) {
    let order = if named { ", in alphabetical order" } else { "" };
    let list: Vec<String> = names
        .iter()
        .map(|n| if named { settings::echo(n) } else { n.clone() })
        .collect();
    if let [a, b] = &names[..] {
        notes.push(format!(
            "labels {}/{} read as the two classes{order} ({} → −1, {} → +1)",
            list[0], list[1], list[0], list[1]
        ));
        let names = [a.clone(), b.clone()];
        (
            Labels::Binary { names },
            indices.map(|k| 2.0 * k - 1.0).collect(),
        )
    } else {
        let mapping: Vec<String> = list
            .iter()
            .enumerate()
            .map(|(k, name)| format!("{name} → {k}"))
            .collect();
        notes.push(format!(
            "labels read as {} classes{order}: {}",
            names.len(),
            mapping.join(", ")
        ));
        (Labels::Classes { names }, indices.collect())
    }
}
