//! Decimal text to the nearest f64, without the standard library's parser.
//!
//! Core's `f64::from_str` carries a 10 KB table of powers of five (for the Eisel-Lemire
//! algorithm), random bits that gzip cannot shrink: about 7% of the page's wasm. Numbers here
//! come from links, CSV files and typed expressions, a few thousand at most, so speed matters
//! little and this takes the two paths of that parser that need no table: Clinger's fast path
//! (an exact integer times an exact power of ten, one rounding) and the simple decimal
//! conversion it falls back to (Nigel Tao's, as in Go and in core's `decimal_seq`): the digits
//! are shifted by powers of two until the binary exponent is known, then rounded half to even.
//! Both are exact, so every text gives core's bits (tests/decimal.rs checks it against core).

/// Digits kept; any beyond (nonzero) only mark the value as above its kept digits, which is
/// all that rounding needs (767 digits decide any f64, 768 with one to spare).
const MAX_DIGITS: usize = 768;
/// The largest shift by a power of two in one step: a digit times 2^60 fits in a u64.
const MAX_SHIFT: usize = 60;
/// Shifts that take `decimal_point` down by at least `n` digits (2^POWERS[n] >= 10^n / 10).
const POWERS: [u8; 19] = [
    0, 3, 6, 9, 13, 16, 19, 23, 26, 29, 33, 36, 39, 43, 46, 49, 53, 56, 59,
];
/// f64's explicit mantissa bits, and the biased exponent of the smallest normal number minus one.
const MANTISSA_BITS: usize = 52;
const MIN_EXPONENT: i32 = -1023;
const INFINITE_POWER: i32 = 0x7FF;
/// Beyond these, the value is 0 or infinite whatever the digits.
const DECIMAL_POINT_RANGE: i32 = 2047;

/// A decimal `0.d1d2d3... * 10^decimal_point`.
struct Decimal {
    num_digits: usize,
    decimal_point: i32,
    /// Nonzero digits were dropped past `MAX_DIGITS`.
    truncated: bool,
    digits: [u8; MAX_DIGITS],
}

/// `text` as the nearest f64, if it is written in Rust's float syntax without its words:
/// an optional sign, digits with an optional point (`5`, `.5`, `5.`, `0.50`), an optional
/// exponent (`e3`, `E-3`, `e+3`). Too large is infinite (`1e999`), too small is 0.
pub fn parse(text: &str) -> Option<f64> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exp) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !digits(frac) || int.len() + frac.len() == 0 {
        return None;
    }
    let exp10 = match exp {
        None => 0,
        Some(e) => {
            let (sign, d) = match e.as_bytes().first() {
                Some(b'-') => (-1, &e[1..]),
                Some(b'+') => (1, &e[1..]),
                _ => (1, e),
            };
            if d.is_empty() || !digits(d) {
                return None;
            }
            // Saturated: past 10^±100000 nothing changes (0 or infinite).
            let n = d
                .bytes()
                .fold(0i32, |n, b| (n * 10 + (b - b'0') as i32).min(100_000));
            sign * n
        }
    };
    let x = fast(int, frac, exp10).unwrap_or_else(|| slow(int, frac, exp10));
    Some(if negative { -x } else { x })
}

/// Clinger's fast path: at most 19 digits forming an integer w <= 2^53, times or divided by
/// 10^k with k <= 22, both exact in f64, so the one multiplication or division rounds once.
fn fast(int: &str, frac: &str, exp10: i32) -> Option<f64> {
    let all = || int.bytes().chain(frac.bytes());
    let w = all().skip_while(|&b| b == b'0').try_fold(0u64, |w, b| {
        w.checked_mul(10)?.checked_add((b - b'0') as u64)
    })?;
    if w > 1 << 53 {
        return None;
    }
    let e = exp10 - frac.len() as i32;
    if !(-22..=22).contains(&e) {
        return None;
    }
    // 10^k for k <= 22 is exact: each product is a whole number below 2^53 * 2^k.
    let p = (0..e.unsigned_abs()).fold(1.0f64, |p, _| p * 10.0);
    Some(if e < 0 { w as f64 / p } else { w as f64 * p })
}

/// The simple decimal conversion: exact for any number of digits.
fn slow(int: &str, frac: &str, exp10: i32) -> f64 {
    let mut d = Decimal {
        num_digits: 0,
        decimal_point: 0,
        truncated: false,
        digits: [0; MAX_DIGITS],
    };
    let mut seen_nonzero = false;
    for (i, b) in int.bytes().chain(frac.bytes()).enumerate() {
        let digit = b - b'0';
        if !seen_nonzero && digit == 0 {
            // A leading zero of the fraction moves the point; of the integer part, nothing.
            if i >= int.len() {
                d.decimal_point -= 1;
            }
            continue;
        }
        if !seen_nonzero {
            seen_nonzero = true;
            if i < int.len() {
                d.decimal_point = (int.len() - i) as i32;
            }
        }
        if d.num_digits < MAX_DIGITS {
            d.digits[d.num_digits] = digit;
            d.num_digits += 1;
        } else if digit != 0 {
            d.truncated = true;
        }
    }
    d.trim();
    if d.num_digits == 0 {
        return 0.0;
    }
    d.decimal_point = d.decimal_point.saturating_add(exp10);
    if d.decimal_point < -324 {
        return 0.0;
    } else if d.decimal_point >= 310 {
        return f64::INFINITY;
    }
    let shift_for = |n: usize| POWERS.get(n).map_or(MAX_SHIFT, |&s| s as usize);
    // Down to [1/2, 1), counting the powers of two taken out.
    let mut exp2 = 0i32;
    while d.decimal_point > 0 {
        let shift = shift_for(d.decimal_point as usize);
        d.right_shift(shift);
        if d.decimal_point < -DECIMAL_POINT_RANGE {
            return 0.0;
        }
        exp2 += shift as i32;
    }
    while d.decimal_point <= 0 {
        let shift = if d.decimal_point == 0 {
            match d.digits[0] {
                5.. => break,
                0 | 1 => 2,
                _ => 1,
            }
        } else {
            shift_for(-d.decimal_point as usize)
        };
        d.left_shift(shift);
        if d.decimal_point > DECIMAL_POINT_RANGE {
            return f64::INFINITY;
        }
        exp2 -= shift as i32;
    }
    // From [1/2, 1) to f64's [1, 2); below the normal range, shift into a subnormal.
    exp2 -= 1;
    while MIN_EXPONENT + 1 > exp2 {
        let n = ((MIN_EXPONENT + 1 - exp2) as usize).min(MAX_SHIFT);
        d.right_shift(n);
        exp2 += n as i32;
    }
    if exp2 - MIN_EXPONENT >= INFINITE_POWER {
        return f64::INFINITY;
    }
    // The hidden bit and the 52 explicit ones as an integer, rounded half to even.
    d.left_shift(MANTISSA_BITS + 1);
    let mut mantissa = d.round();
    if mantissa >= 1 << (MANTISSA_BITS + 1) {
        // Rounding carried into a new bit.
        d.right_shift(1);
        exp2 += 1;
        mantissa = d.round();
        if exp2 - MIN_EXPONENT >= INFINITE_POWER {
            return f64::INFINITY;
        }
    }
    let mut power2 = exp2 - MIN_EXPONENT;
    if mantissa < 1 << MANTISSA_BITS {
        // A subnormal: no hidden bit.
        power2 -= 1;
    }
    mantissa &= (1 << MANTISSA_BITS) - 1;
    f64::from_bits(mantissa | (power2 as u64) << MANTISSA_BITS)
}

impl Decimal {
    /// Drops trailing zeros (they change nothing).
    fn trim(&mut self) {
        while self.num_digits > 0 && self.digits[self.num_digits - 1] == 0 {
            self.num_digits -= 1;
        }
    }

    /// Multiplies by 2^shift (shift <= 60), from the last digit up.
    fn left_shift(&mut self, shift: usize) {
        if self.num_digits == 0 {
            return;
        }
        // The product's digits, least significant first: at most 19 more than before.
        let mut out = [0u8; MAX_DIGITS + 20];
        let mut len = 0;
        let mut n = 0u64;
        for &digit in self.digits[..self.num_digits].iter().rev() {
            n += (digit as u64) << shift;
            out[len] = (n % 10) as u8;
            len += 1;
            n /= 10;
        }
        while n > 0 {
            out[len] = (n % 10) as u8;
            len += 1;
            n /= 10;
        }
        self.decimal_point += (len - self.num_digits) as i32;
        // Keep the most significant MAX_DIGITS; a dropped nonzero digit marks truncation.
        let keep = len.min(MAX_DIGITS);
        if out[..len - keep].iter().any(|&x| x != 0) {
            self.truncated = true;
        }
        for (k, digit) in out[len - keep..len].iter().rev().enumerate() {
            self.digits[k] = *digit;
        }
        self.num_digits = keep;
        self.trim();
    }

    /// Divides by 2^shift (shift <= 60), from the first digit down.
    fn right_shift(&mut self, shift: usize) {
        let (mut read, mut write) = (0, 0);
        let mut n = 0u64;
        // Enough leading digits to give a first digit of the quotient.
        while n >> shift == 0 {
            if read < self.num_digits {
                n = 10 * n + self.digits[read] as u64;
                read += 1;
            } else if n == 0 {
                return;
            } else {
                while n >> shift == 0 {
                    n *= 10;
                    read += 1;
                }
                break;
            }
        }
        self.decimal_point -= read as i32 - 1;
        if self.decimal_point < -DECIMAL_POINT_RANGE {
            self.num_digits = 0;
            self.decimal_point = 0;
            self.truncated = false;
            return;
        }
        let mask = (1u64 << shift) - 1;
        while read < self.num_digits {
            let digit = (n >> shift) as u8;
            n = 10 * (n & mask) + self.digits[read] as u64;
            read += 1;
            self.digits[write] = digit;
            write += 1;
        }
        while n > 0 {
            let digit = (n >> shift) as u8;
            n = 10 * (n & mask);
            if write < MAX_DIGITS {
                self.digits[write] = digit;
                write += 1;
            } else if digit > 0 {
                self.truncated = true;
            }
        }
        self.num_digits = write;
        self.trim();
    }

    /// The integer part, rounded half to even (an exact half counts as more than half when
    /// digits were dropped).
    fn round(&self) -> u64 {
        if self.num_digits == 0 || self.decimal_point < 0 {
            return 0;
        } else if self.decimal_point > 18 {
            return u64::MAX;
        }
        let dp = self.decimal_point as usize;
        let mut n = 0u64;
        for i in 0..dp {
            let digit = if i < self.num_digits {
                self.digits[i]
            } else {
                0
            };
            n = 10 * n + digit as u64;
        }
        let mut up = false;
        if dp < self.num_digits {
            up = self.digits[dp] >= 5;
            if self.digits[dp] == 5 && dp + 1 == self.num_digits {
                up = self.truncated || (dp != 0 && self.digits[dp - 1] & 1 != 0);
            }
        }
        n + up as u64
    }
}
