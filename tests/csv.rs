//! The CSV reader and writer: every reading rule on small real files and inline text, every
//! refusal naming its line and column, writing that reads back bit for bit, and no panic on any
//! input at all.
#![cfg(not(target_arch = "wasm32"))]

use micrograd_playground::csv::{parse, write, CsvError, Labels, Table, MAX_CSV_BYTES};
use proptest::prelude::*;

const MAX: usize = 5000;

fn ok(text: &str) -> Table {
    match parse(text, MAX) {
        Ok(table) => table,
        Err(e) => panic!("refused: {e}\n{text:?}"),
    }
}

fn err(text: &str) -> CsvError {
    match parse(text, MAX) {
        Ok(table) => panic!("read, but should be refused: {table:?}\n{text:?}"),
        Err(e) => e,
    }
}

/// The refusal as the page shows it.
fn refusal(text: &str) -> String {
    err(text).to_string()
}

fn labels_of(table: &Table) -> Vec<f64> {
    table.points.iter().map(|p| p[2]).collect()
}

fn binary(a: &str, b: &str) -> Labels {
    Labels::Binary {
        names: [a.to_string(), b.to_string()],
    }
}

fn classes(names: &[&str]) -> Labels {
    Labels::Classes {
        names: names.iter().map(|s| s.to_string()).collect(),
    }
}

// ---- the fixture files ----

#[test]
fn good_header_comma_reads_points_labels_and_split() {
    let t = ok(include_str!("fixtures/csv/good_header_comma.csv"));
    assert_eq!(
        t.points,
        vec![
            [0.5, 1.25, 1.0],
            [-0.75, 0.5, -1.0],
            [0.1, -2.0, 1.0],
            [3.5, -0.5, -1.0],
            [2.0, 0.5, 1.0],
            [-1.5, 1000.0, -1.0],
        ]
    );
    assert_eq!(t.test, vec![false, false, true, true, false, false]);
    assert!(t.has_split);
    assert_eq!(t.labels, binary("-1", "1"));
    assert!(t.notes.iter().any(|n| n.contains("column names")));
    assert!(t.notes.iter().any(|n| n.contains("2 of 6 points")));
}

#[test]
fn good_semicolon_crlf_reads_zero_one_labels_as_binary() {
    let text = include_str!("fixtures/csv/good_semicolon_crlf.csv");
    assert!(
        text.contains("\r\n"),
        "the fixture must keep its CRLF line ends"
    );
    let t = ok(text);
    assert_eq!(
        t.points,
        vec![
            [0.5, 1.0, -1.0],
            [-1.0, 2.5, 1.0],
            [3.0, -4.0, 1.0],
            [0.0, 0.0, -1.0]
        ]
    );
    assert_eq!(t.labels, binary("0", "1"));
    assert!(!t.has_split);
    assert_eq!(t.test, vec![false; 4]);
    assert!(t
        .notes
        .contains(&"labels 0/1 read as the two classes (0 → −1, 1 → +1)".to_string()));
    assert!(t.notes.iter().any(|n| n.contains("semicolons")));
}

#[test]
fn good_tab_noheader_reads_two_whole_numbers_as_binary_smaller_first() {
    let t = ok(include_str!("fixtures/csv/good_tab_noheader.csv"));
    assert_eq!(
        t.points,
        vec![
            [0.1, 0.2, -1.0],
            [0.3, -0.4, 1.0],
            [-0.5, 0.6, 1.0],
            [0.7, 0.8, -1.0]
        ]
    );
    assert_eq!(t.labels, binary("1", "2"));
    assert!(t
        .notes
        .contains(&"labels 1/2 read as the two classes (1 → −1, 2 → +1)".to_string()));
    assert!(!t.notes.iter().any(|n| n.contains("column names")));
}

#[test]
fn good_names_3classes_reads_classes_in_alphabetical_order() {
    let t = ok(include_str!("fixtures/csv/good_names_3classes.csv"));
    assert_eq!(t.labels, classes(&["setosa", "versicolor", "virginica"]));
    assert_eq!(labels_of(&t), vec![0.0, 1.0, 2.0, 0.0, 1.0, 2.0]);
    assert_eq!(t.points[3], [1.3, 0.2, 0.0]);
    assert!(t.notes.iter().any(|n| n.contains("\"setosa\" → 0")));
}

#[test]
fn good_regression_reads_the_numbers_themselves() {
    let t = ok(include_str!("fixtures/csv/good_regression.csv"));
    assert_eq!(t.labels, Labels::Regression);
    assert_eq!(labels_of(&t), vec![0.5, 1.75, -2.25, 3.0, 0.0]);
    assert!(t
        .notes
        .iter()
        .any(|n| n.contains("read as a regression target")));
}

#[test]
fn bad_not_a_number_names_line_and_column() {
    let e = err(include_str!("fixtures/csv/bad_not_a_number.csv"));
    assert_eq!((e.line, e.column), (3, 2));
    assert_eq!(e.to_string(), "line 3, column 2: \"abc\" is not a number");
}

#[test]
fn bad_missing_column_names_the_line() {
    let e = err(include_str!("fixtures/csv/bad_missing_column.csv"));
    assert_eq!((e.line, e.column), (5, 0));
    assert_eq!(
        e.to_string(),
        "line 5: 2 fields; expected x1, x2 and a label"
    );
}

#[test]
fn bad_7_classes_names_the_line_of_the_seventh() {
    let e = err(include_str!("fixtures/csv/bad_7_classes.csv"));
    assert_eq!(
        e.to_string(),
        "line 9, column 3: a 7th class (\"g\"); at most 6 classes"
    );
}

#[test]
fn empty_file_has_no_data_rows() {
    let e = err(include_str!("fixtures/csv/empty.csv"));
    assert_eq!((e.line, e.column), (0, 0));
    assert_eq!(e.to_string(), "the file has no data rows");
    for text in [
        "",
        "\n\n",
        "  \r\n\t\r\n",
        "x1,x2,label\n",
        "\u{feff}",
        ",,\n;;",
    ] {
        assert_eq!(refusal(text), "the file has no data rows", "{text:?}");
    }
}

// ---- separators, line ends, BOM, blank lines ----

#[test]
fn the_separator_is_the_most_frequent_in_the_first_line() {
    assert_eq!(ok("1;2;1\n3;4;-1").points[1], [3.0, 4.0, -1.0]);
    assert_eq!(ok("1\t2\t1\n3\t4\t-1").points[1], [3.0, 4.0, -1.0]);
    assert_eq!(ok("1,2,1\n3,4,-1").points[1], [3.0, 4.0, -1.0]);
    // Separators inside quotes do not count: two semicolons outside, three commas inside.
    let t = ok("\"a,b,c,d\";y;label\n1;2;1\n3;4;-1");
    assert_eq!(t.points.len(), 2);
    // A tie goes to the semicolon, which (unlike a comma) is never a decimal mark.
    assert_eq!(ok("a,b;c,d;label\n1;2;1\n3;4;-1").points.len(), 2);
    assert_eq!(
        refusal("x;y;label\n1,5;2;1\n1;2;-1"),
        "line 2, column 1: \"1,5\" is not a number"
    );
    // The first line decides for the whole file.
    assert_eq!(
        refusal("1;2;1\n3,4,-1"),
        "line 2: 1 field; expected x1, x2 and a label"
    );
}

#[test]
fn crlf_cr_and_lf_line_ends_all_end_lines() {
    let want = vec![[1.0, 2.0, 1.0], [3.0, 4.0, -1.0], [5.0, 6.0, 1.0]];
    for text in [
        "1,2,1\n3,4,-1\n5,6,1\n",
        "1,2,1\r\n3,4,-1\r\n5,6,1\r\n",
        "1,2,1\r3,4,-1\r5,6,1\r",
        "1,2,1\r\n3,4,-1\r5,6,1",
        "1,2,1\n\r3,4,-1\n\r5,6,1",
    ] {
        assert_eq!(ok(text).points, want, "{text:?}");
    }
    // Line numbers count every line end, whatever its kind.
    assert_eq!(err("1,2,1\r3,4,-1\rx,6,1").line, 3);
    assert_eq!(err("1,2,1\r\n3,4,-1\r\n5,y,1").line, 3);
    assert_eq!(err("1,2,1\r\r3,4,-1\r\n\r\n5,y,1").line, 5);
}

#[test]
fn a_bom_is_skipped() {
    let t = ok("\u{feff}x1,x2,label\n1,2,1\n3,4,-1\n");
    assert_eq!(t.points, vec![[1.0, 2.0, 1.0], [3.0, 4.0, -1.0]]);
    let t = ok("\u{feff}1,2,1\n3,4,-1\n");
    assert_eq!(t.points[0], [1.0, 2.0, 1.0]);
}

#[test]
fn blank_lines_are_skipped_but_counted() {
    let t = ok("\n  \nx1,x2,label\n\n1,2,1\n \t \n3,4,-1\n\n");
    assert_eq!(t.points.len(), 2);
    assert!(t
        .notes
        .contains(&"line 3 read as column names, not data".to_string()));
    assert_eq!(
        err("\n\n1,2,1\n\n3,q,-1").to_string(),
        "line 5, column 2: \"q\" is not a number"
    );
}

#[test]
fn fields_are_trimmed() {
    let t = ok("  1 ,\t2 ,  1  , test \n3,4,-1");
    assert_eq!(t.points[0], [1.0, 2.0, 1.0]);
    assert_eq!(t.test, vec![true, false]);
}

// ---- quotes ----

#[test]
fn quoted_fields_hold_separators_and_doubled_quotes() {
    let t = ok("x1,x2,label\n\"1\",\"2\",\"a, b\"\n3,4,\"say \"\"hi\"\"\"\n5, \"6\" ,\"a, b\"");
    assert_eq!(t.labels, binary("a, b", "say \"hi\""));
    assert_eq!(labels_of(&t), vec![-1.0, 1.0, -1.0]);
    assert_eq!(t.points[2], [5.0, 6.0, -1.0]);
    // A quote inside an unquoted field is just a character.
    let t = ok("1,2,ab\"c\n3,4,d");
    assert_eq!(t.labels, binary("ab\"c", "d"));
}

#[test]
fn broken_quotes_are_refused_at_their_column() {
    assert_eq!(
        refusal("1,2,1\n3,4,\"-1\n"),
        "line 2, column 3: a quote that is not closed on its line"
    );
    assert_eq!(
        refusal("1,\"2\"x,1\n"),
        "line 1, column 2: text after the closing quote"
    );
}

// ---- the header ----

#[test]
fn a_header_is_optional_and_never_a_data_row() {
    let with = ok("x;y;class\n1;2;1\n3;4;-1");
    let without = ok("1;2;1\n3;4;-1");
    assert_eq!(with.points, without.points);
    // Only the first non-blank line can be a header: a later one is a bad data row.
    assert_eq!(
        refusal("x1,x2,label\n1,2,1\nx1,x2,label"),
        "line 3, column 1: \"x1\" is not a number"
    );
    // One number among the first two fields makes it data.
    assert_eq!(
        refusal("1,abc,1\n3,4,-1"),
        "line 1, column 2: \"abc\" is not a number"
    );
    // The header does not count towards the points.
    assert_eq!(
        parse("x1,x2,label\n1,2,1\n3,4,-1", 2).unwrap().points.len(),
        2
    );
}

// ---- field counts ----

#[test]
fn too_few_or_too_many_fields_are_refused_with_the_count() {
    assert_eq!(
        refusal("1,2,1\n3,4,-1\n5"),
        "line 3: 1 field; expected x1, x2 and a label"
    );
    assert_eq!(
        refusal("1,2,1\n3,4\n"),
        "line 2: 2 fields; expected x1, x2 and a label"
    );
    let e = err("1,2,1\n3,4,-1,test,extra,more");
    assert_eq!((e.line, e.column), (2, 0));
    assert_eq!(
        e.to_string(),
        "line 2: 6 fields; expected at most 4 (x1, x2, label and split)"
    );
}

// ---- coordinates ----

#[test]
fn coordinates_accept_every_ordinary_way_of_writing_a_number() {
    let t = ok("1e3,-0.5,1\n+2,.5,-1\n5.,-1E-2,1\n-0,0,-1\n1000000,-1000000,1");
    assert_eq!(
        t.points,
        vec![
            [1000.0, -0.5, 1.0],
            [2.0, 0.5, -1.0],
            [5.0, -0.01, 1.0],
            [-0.0, 0.0, -1.0],
            [1e6, -1e6, 1.0]
        ]
    );
    assert!(t.points[3][0].is_sign_negative());
}

#[test]
fn coordinates_that_are_not_finite_numbers_in_range_are_refused() {
    let cases = [
        ("nan,1,1\n1,1,-1", 1, "\"nan\" is not a number"),
        ("1,NaN,1\n1,1,-1", 2, "\"NaN\" is not a number"),
        ("inf,1,1\n1,1,-1", 1, "\"inf\" is not a number"),
        ("1,-infinity,1\n1,1,-1", 2, "\"-infinity\" is not a number"),
        ("1,0x10,1\n1,1,-1", 2, "\"0x10\" is not a number"),
        ("1,1 000,1\n1,1,-1", 2, "\"1 000\" is not a number"),
        ("1;1,5;1\n1;1;-1", 2, "\"1,5\" is not a number"),
        (",1,1\n1,1,-1", 1, "x1 is empty; expected a number"),
        ("1,\"\",1\n1,1,-1", 2, "x2 is empty; expected a number"),
        (
            "1000000.5,1,1\n1,1,-1",
            1,
            "\"1000000.5\" is out of range; the page holds coordinates within ±1000000",
        ),
        (
            "1,-2e6,1\n1,1,-1",
            2,
            "\"-2e6\" is out of range; the page holds coordinates within ±1000000",
        ),
        (
            "1,1e999,1\n1,1,-1",
            2,
            "\"1e999\" is out of range; the page holds coordinates within ±1000000",
        ),
    ];
    for (text, column, message) in cases {
        let e = err(text);
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (1, column, message),
            "{text:?}"
        );
    }
}

#[test]
fn a_field_in_a_message_is_shortened_and_cleaned() {
    let long = "z".repeat(100);
    let e = err(&format!("1,{long},1\n1,1,-1"));
    assert_eq!(
        e.message,
        format!("\"{}…\" is not a number", "z".repeat(40))
    );
    let e = err("1,a\u{7}b\u{1b}[31mc\u{202e}d,1\n1,1,-1");
    assert_eq!(
        e.message,
        "\"ab[31mcd\" (invisible control characters removed) is not a number"
    );
    // Exactly 40 characters are shown whole.
    let forty = "y".repeat(40);
    let e = err(&format!("{forty},1,1\n1,1,-1"));
    assert_eq!(e.message, format!("\"{forty}\" is not a number"));
}

// ---- the split column ----

#[test]
fn the_fourth_column_marks_test_points() {
    let t = ok("1,1,1,train\n2,2,-1,TEST\n3,3,1,Test\n4,4,-1,0\n5,5,1,1\n6,6,-1,\n7,7,1");
    assert_eq!(t.test, vec![false, true, true, false, true, false, false]);
    assert!(t.has_split);
    let t = ok("1,1,1\n2,2,-1");
    assert!(!t.has_split);
    assert_eq!(t.test, vec![false, false]);
    // An empty 4th column on every row splits nothing.
    let t = ok("1,1,1,\n2,2,-1,");
    assert!(!t.has_split);
    assert_eq!(
        refusal("1,1,1,train\n2,2,-1,maybe"),
        "line 2, column 4: \"maybe\" is not a split; expected train or test (or 0/1)"
    );
}

// ---- labels ----

#[test]
fn minus_one_and_one_are_binary_as_they_are() {
    let t = ok("0,0,-1\n1,1,1\n2,2,1.0\n3,3,-1e0");
    assert_eq!(t.labels, binary("-1", "1"));
    assert_eq!(labels_of(&t), vec![-1.0, 1.0, 1.0, -1.0]);
}

#[test]
fn zero_and_one_are_binary_with_zero_as_minus_one() {
    let t = ok("0,0,1\n1,1,0\n2,2,-0");
    assert_eq!(t.labels, binary("0", "1"));
    assert_eq!(labels_of(&t), vec![1.0, -1.0, -1.0]);
    assert!(t.notes.iter().any(|n| n.contains("0 → −1")));
}

#[test]
fn two_other_whole_numbers_are_binary_smaller_first() {
    let t = ok("0,0,7\n1,1,-3\n2,2,7");
    assert_eq!(t.labels, binary("-3", "7"));
    assert_eq!(labels_of(&t), vec![1.0, -1.0, 1.0]);
    assert!(t
        .notes
        .contains(&"labels -3/7 read as the two classes (-3 → −1, 7 → +1)".to_string()));
}

#[test]
fn three_to_six_whole_numbers_are_classes_in_ascending_order() {
    let t = ok("0,0,2\n1,1,0\n2,2,1\n3,3,2.0");
    assert_eq!(t.labels, classes(&["0", "1", "2"]));
    assert_eq!(labels_of(&t), vec![2.0, 0.0, 1.0, 2.0]);
    let t = ok("0,0,10\n1,1,-5\n2,2,3\n3,3,-0\n4,4,100\n5,5,7");
    assert_eq!(t.labels, classes(&["-5", "0", "3", "7", "10", "100"]));
    assert_eq!(labels_of(&t), vec![4.0, 0.0, 2.0, 1.0, 5.0, 3.0]);
    assert!(t.notes.iter().any(|n| n.contains("6 classes: -5 → 0")));
}

#[test]
fn decimals_or_more_than_six_whole_numbers_are_a_regression_target() {
    let t = ok("0,0,0.5\n1,1,1.5");
    assert_eq!(t.labels, Labels::Regression);
    assert_eq!(labels_of(&t), vec![0.5, 1.5]);
    assert!(t.notes.contains(
        &"numbers with decimals in the label column: read as a regression target".to_string()
    ));
    let text: String = (0..7).map(|k| format!("{k},{k},{k}\n")).collect();
    let t = ok(&text);
    assert_eq!(t.labels, Labels::Regression);
    assert_eq!(labels_of(&t), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert!(t
        .notes
        .iter()
        .any(|n| n.contains("more than 6 different whole numbers")));
}

#[test]
fn two_names_are_binary_in_alphabetical_order_whatever_the_row_order() {
    let a = ok("0,0,yes\n1,1,no\n2,2,yes");
    let b = ok("1,1,no\n0,0,yes\n2,2,yes");
    assert_eq!(a.labels, binary("no", "yes"));
    assert_eq!(b.labels, binary("no", "yes"));
    assert_eq!(labels_of(&a), vec![1.0, -1.0, 1.0]);
    assert_eq!(labels_of(&b), vec![-1.0, 1.0, 1.0]);
    assert!(a.notes.iter().any(|n| n.contains("\"no\" → −1")));
    // Alphabetical regardless of case.
    assert_eq!(ok("0,0,cat\n1,1,Dog").labels, binary("cat", "Dog"));
}

#[test]
fn three_to_six_names_are_classes_in_alphabetical_order() {
    let t = ok("0,0,c\n1,1,a\n2,2,b\n3,3,a");
    assert_eq!(t.labels, classes(&["a", "b", "c"]));
    assert_eq!(labels_of(&t), vec![2.0, 0.0, 1.0, 0.0]);
    let t = ok("0,0,f\n1,1,e\n2,2,d\n3,3,c\n4,4,b\n5,5,a");
    assert_eq!(t.labels, classes(&["a", "b", "c", "d", "e", "f"]));
}

#[test]
fn numbers_mixed_with_names_are_all_names() {
    let t = ok("0,0,1\n1,1,spam\n2,2,2");
    assert_eq!(t.labels, classes(&["1", "2", "spam"]));
    assert_eq!(labels_of(&t), vec![0.0, 2.0, 1.0]);
    assert!(t
        .notes
        .iter()
        .any(|n| n.contains("mixes numbers and names")));
    // A regression file with one typo: the 7th "class" is refused, and the typo is named.
    let text = "0,0,0.1\n0,0,0.2\n0,0,0.3\n0,0,O.4\n0,0,0.5\n0,0,0.6\n0,0,0.7\n";
    assert_eq!(
        refusal(text),
        "line 7, column 3: a 7th class (\"0.7\"); at most 6 classes (labels are read as class \
         names because line 4 has \"O.4\", not a number)"
    );
}

#[test]
fn one_class_is_refused() {
    assert_eq!(
        refusal("0,0,a\n1,1,a"),
        "only one class (\"a\"); a data set needs at least two"
    );
    assert_eq!(
        refusal("0,0,1\n1,1,1.0"),
        "only one class (\"1\"); a data set needs at least two"
    );
    assert_eq!(err("0,0,1\n1,1,1").line, 0);
}

#[test]
fn seven_names_are_refused_at_the_seventh() {
    let e = err("x,y,c\n0,0,a\n0,0,b\n0,0,c\n0,0,a\n0,0,d\n0,0,e\n0,0,f\n0,0,g");
    assert_eq!((e.line, e.column), (9, 3));
    assert_eq!(e.message, "a 7th class (\"g\"); at most 6 classes");
}

#[test]
fn an_empty_label_is_refused_where_it_is() {
    assert_eq!(
        refusal("0,0,1\n1,1,\n"),
        "line 2, column 3: the label is empty"
    );
    assert_eq!(
        refusal("0,0,1\n1,1,\"\",test"),
        "line 2, column 3: the label is empty"
    );
}

// ---- limits ----

#[test]
fn more_than_max_points_is_refused_at_the_first_row_past_it() {
    let text = "x1,x2,label\n0,0,1\n\n1,1,-1\n2,2,1\n3,3,-1\n";
    assert_eq!(parse(text, 4).unwrap().points.len(), 4);
    let e = parse(text, 3).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 6: more than 3 points; the page holds at most 3"
    );
    assert_eq!(parse(text, 0).unwrap_err().line, 2);
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_parsing() {
    let big = "0,0,1\n".repeat((50 << 20) / 6 + 1);
    let e = parse(&big, usize::MAX).unwrap_err();
    assert_eq!((e.line, e.column), (0, 0));
    assert_eq!(e.to_string(), "the file is 50.0 MB; at most 4 MB");

    // Exactly the limit is read; one byte more is not.
    let data = "0,0,1\n0,0,-1\n";
    let at_limit = format!("{data}{}", "\n".repeat(MAX_CSV_BYTES - data.len()));
    assert_eq!(at_limit.len(), MAX_CSV_BYTES);
    assert_eq!(parse(&at_limit, 10).unwrap().points.len(), 2);
    let over = format!("{at_limit}\n");
    assert_eq!(
        parse(&over, 10).unwrap_err().to_string(),
        "the file is 4.0 MB; at most 4 MB"
    );
}

#[test]
fn errors_display_the_line_and_column_they_have() {
    let e = |line, column| CsvError {
        line,
        column,
        message: "what".to_string(),
    };
    assert_eq!(e(0, 0).to_string(), "what");
    assert_eq!(e(0, 3).to_string(), "what");
    assert_eq!(e(4, 0).to_string(), "line 4: what");
    assert_eq!(e(4, 2).to_string(), "line 4, column 2: what");
}

// ---- writing ----

#[test]
fn write_has_a_header_names_and_splits() {
    let points = [[0.5, -1.0, -1.0], [1e-7, 3.0, 1.0]];
    let text = write(&points, &[false, true], &binary("no", "yes, really"));
    assert_eq!(
        text,
        "x1,x2,label,split\n0.5,-1,no,train\n0.0000001,3,\"yes, really\",test\n"
    );
    let text = write(&[[1.0, 2.0, 0.25]], &[], &Labels::Regression);
    assert_eq!(text, "x1,x2,label,split\n1,2,0.25,train\n");
    // A label that is no class index is written as its number rather than dropped.
    let text = write(&[[1.0, 2.0, 7.0]], &[true], &classes(&["a", "b", "c"]));
    assert_eq!(text, "x1,x2,label,split\n1,2,7,test\n");
}

/// parse(write(table)) gives the same points, bit for bit, the same flags and labels.
fn assert_round_trip(table: &Table) {
    let text = write(&table.points, &table.test, &table.labels);
    let back = ok(&text);
    assert_eq!(back.labels, table.labels, "{text}");
    assert_eq!(back.test, table.test);
    assert!(back.has_split);
    assert_eq!(back.points.len(), table.points.len());
    for (a, b) in table.points.iter().zip(&back.points) {
        assert_eq!(a.map(f64::to_bits), b.map(f64::to_bits), "{a:?} → {b:?}");
    }
}

#[test]
fn write_then_parse_gives_the_same_table_for_binary_classes_and_regression() {
    let odd = [
        0.1 + 0.2,
        -0.0,
        5e-324,
        1e-300,
        std::f64::consts::PI * 1e5,
        -999_999.999_999_999_9,
        1e6,
    ];
    let points = |label: &dyn Fn(usize) -> f64| -> Vec<[f64; 3]> {
        (0..odd.len() * 2)
            .map(|i| [odd[i % odd.len()], -odd[(i + 3) % odd.len()], label(i)])
            .collect()
    };
    let test: Vec<bool> = (0..odd.len() * 2).map(|i| i % 3 == 1).collect();
    let table = |points, labels| Table {
        points,
        test: test.clone(),
        has_split: true,
        labels,
        notes: vec![],
    };
    let sign = |i: usize| if i.is_multiple_of(2) { -1.0 } else { 1.0 };
    for labels in [
        binary("-1", "1"),
        binary("0", "1"),
        binary("3", "8"),
        binary("blue", "red"),
        binary("a, b", "say \"hi\""),
    ] {
        assert_round_trip(&table(points(&sign), labels));
    }
    let class = |i: usize| (i % 4) as f64;
    assert_round_trip(&table(points(&class), classes(&["0", "1", "2", "3"])));
    assert_round_trip(&table(points(&class), classes(&["-2", "5", "9", "40"])));
    assert_round_trip(&table(
        points(&class),
        classes(&["ant", "Bee", "cat", "dog"]),
    ));
    let target = |i: usize| odd[i % odd.len()] * 1.5 - 0.25 * i as f64 + 1e-3;
    assert_round_trip(&table(points(&target), Labels::Regression));
}

// ---- no input makes it panic ----

/// Strings made of what CSV parsing turns on, so the odd paths are hit often.
fn csv_like() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        ",", ";", "\t", "\"", "\"\"", "\r", "\n", "\r\n", " ", "0", "1", "-1", "2", "0.5", "1e3",
        "1e999", "nan", "inf", "x1", "a", "b", "c", "d", "e", "f", "g", "test", "train",
        "\u{feff}", "é", "\u{0}", "-", ".", "+", "e",
    ]);
    prop::collection::vec(piece, 0..80).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_never_panics_on_any_string(text in any::<String>(), max in 0usize..20) {
        let _ = parse(&text, max);
    }

    #[test]
    fn parse_never_panics_on_any_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        max in 0usize..20,
    ) {
        let _ = parse(&String::from_utf8_lossy(&bytes), max);
    }

    #[test]
    fn parse_never_panics_on_csv_like_text(text in csv_like(), max in 0usize..20) {
        match parse(&text, max) {
            Ok(t) => {
                prop_assert_eq!(t.points.len(), t.test.len());
                prop_assert!(t.points.len() <= max);
                prop_assert!(t.points.iter().all(|p| p.iter().all(|v| v.is_finite())));
            }
            Err(e) => prop_assert!(!e.message.is_empty()),
        }
    }

    #[test]
    fn binary_data_round_trips_bit_for_bit(
        rows in prop::collection::vec(
            (-1e6..=1e6f64, -1e6..=1e6f64, any::<bool>(), any::<bool>()),
            0..50,
        ),
    ) {
        // The first two points make sure there are two classes.
        let mut points = vec![[0.0, 0.0, -1.0], [1.0, 1.0, 1.0]];
        let mut test = vec![false, true];
        for (x1, x2, positive, is_test) in rows {
            points.push([x1, x2, if positive { 1.0 } else { -1.0 }]);
            test.push(is_test);
        }
        let text = write(&points, &test, &binary("-1", "1"));
        let back = parse(&text, usize::MAX).unwrap();
        prop_assert_eq!(back.test, test);
        prop_assert_eq!(
            back.points.iter().map(|p| p.map(f64::to_bits)).collect::<Vec<_>>(),
            points.iter().map(|p| p.map(f64::to_bits)).collect::<Vec<_>>()
        );
    }
}
