//! The decimal reader gives core's `f64::from_str` bits for every text it accepts: shortest
//! and long forms of random f64s, random digit strings with random exponents, and the edges
//! (subnormals, the largest finite, halfway cases, hundreds of digits).

#![cfg(not(target_arch = "wasm32"))]

use micrograd_playground::decimal::parse;
use proptest::prelude::*;

fn same(text: &str) {
    let want: f64 = text.parse().unwrap();
    let got = parse(text).unwrap_or_else(|| panic!("{text:?} refused"));
    assert_eq!(
        got.to_bits(),
        want.to_bits(),
        "{text:?}: {got:e} vs {want:e}"
    );
}

#[test]
fn edges_read_as_core_reads_them() {
    for t in [
        "0",
        "-0",
        "+0",
        "0.0",
        ".5",
        "5.",
        "007",
        "1e3",
        "1E-3",
        "1e+3",
        "-2.5e-3",
        "0.1",
        "0.2",
        "0.3",
        "123456789012345678901234567890",
        "9007199254740993",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "2.2250738585072011e-308",
        "2.2250738585072014e-308",
        "4.9e-324",
        "5e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "1e-400",
        "1e400",
        "1e-100000",
        "1e100000",
        "0.000000000000000000000000000000000000000001",
        "2.00000000000000011102230246251565404236316680908203125",
        "2.00000000000000011102230246251565404236316680908203124",
        "2.00000000000000011102230246251565404236316680908203126",
        "9007199254740992.5",
        "9007199254740993.0000000000000000000000000000001",
    ] {
        same(t);
    }
    let long = format!("0.{}1e330", "0".repeat(800));
    same(&long);
    same(&format!("1{}e-900", "0".repeat(900)));
    same(&format!("{}.{}", "9".repeat(400), "9".repeat(400)));
}

#[test]
fn not_numbers_are_refused() {
    for t in [
        "", "+", "-", ".", "e5", "1e", "1e+", "1.2.3", "inf", "NaN", "infinity", "1x", "--1", " 1",
        "1 ", "0x10", "1_000",
    ] {
        assert_eq!(parse(t), None, "{t:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn every_f64_reads_back_from_its_printed_forms(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        prop_assume!(x.is_finite());
        for t in [format!("{x}"), format!("{x:e}"), format!("{x:.17e}"), format!("{x:.3e}")] {
            same(&t);
        }
    }

    #[test]
    fn digit_strings_read_as_core_reads_them(
        int in "[0-9]{0,30}",
        frac in "[0-9]{0,30}",
        exp in -360i32..360,
    ) {
        prop_assume!(!(int.is_empty() && frac.is_empty()));
        same(&format!("{int}.{frac}e{exp}"));
        same(&format!("{int}{frac}e{exp}"));
    }
}
