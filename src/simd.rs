//! Two `f64` lanes, for the hot loops that the compiler does not vectorize on its own.
//!
//! On `wasm32` with `simd128` this is a `v128` and its ops are `f64x2.add`, `f64x2.mul`:
//! LLVM's cost model for wasm leaves plain `[f64; N]` loops scalar (checked in the
//! disassembly of the release bundle). On x86-64 it is SSE2's `__m128d` (part of the base
//! x86-64 target, so always there): the autovectorizer left the tape's backward loops half
//! scalar (checked with `perf annotate`). Elsewhere it is a `[f64; 2]`. Each lane is computed
//! with separate IEEE multiplies and adds, never fused, so results are the same bits as the
//! scalar code.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    #[derive(Clone, Copy)]
    pub struct F64x2(v128);

    impl F64x2 {
        #[inline(always)]
        pub fn splat(x: f64) -> Self {
            F64x2(f64x2_splat(x))
        }

        /// The first two values of `s` (panics if it has fewer).
        #[inline(always)]
        pub fn load(s: &[f64]) -> Self {
            let s = &s[..2];
            // SAFETY: `s` holds two f64s (16 bytes), and v128_load has no alignment requirement.
            F64x2(unsafe { v128_load(s.as_ptr() as *const v128) })
        }

        /// Stores both lanes into the first two values of `s` (panics if it has fewer).
        #[inline(always)]
        pub fn store(self, s: &mut [f64]) {
            let s = &mut s[..2];
            // SAFETY: `s` holds two f64s (16 bytes), and v128_store has no alignment requirement.
            unsafe { v128_store(s.as_mut_ptr() as *mut v128, self.0) }
        }

        /// `self + a * b`, rounded after the multiply and after the add.
        #[inline(always)]
        pub fn add_mul(self, a: Self, b: Self) -> Self {
            self + a * b
        }

        #[inline(always)]
        pub fn to_array(self) -> [f64; 2] {
            [
                f64x2_extract_lane::<0>(self.0),
                f64x2_extract_lane::<1>(self.0),
            ]
        }
    }

    impl core::ops::Add for F64x2 {
        type Output = F64x2;
        #[inline(always)]
        fn add(self, b: F64x2) -> F64x2 {
            F64x2(f64x2_add(self.0, b.0))
        }
    }

    impl core::ops::Mul for F64x2 {
        type Output = F64x2;
        #[inline(always)]
        fn mul(self, b: F64x2) -> F64x2 {
            F64x2(f64x2_mul(self.0, b.0))
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod imp {
    use core::arch::x86_64::*;

    #[derive(Clone, Copy)]
    pub struct F64x2(__m128d);

    // SAFETY (every `unsafe` below): SSE2 is part of the x86-64 baseline, so these intrinsics
    // are always available; loads and stores are the unaligned forms on slices checked to
    // hold two f64s.
    impl F64x2 {
        #[inline(always)]
        pub fn splat(x: f64) -> Self {
            F64x2(unsafe { _mm_set1_pd(x) })
        }

        /// The first two values of `s` (panics if it has fewer).
        #[inline(always)]
        pub fn load(s: &[f64]) -> Self {
            let s = &s[..2];
            F64x2(unsafe { _mm_loadu_pd(s.as_ptr()) })
        }

        /// Stores both lanes into the first two values of `s` (panics if it has fewer).
        #[inline(always)]
        pub fn store(self, s: &mut [f64]) {
            let s = &mut s[..2];
            unsafe { _mm_storeu_pd(s.as_mut_ptr(), self.0) }
        }

        /// `self + a * b`, rounded after the multiply and after the add.
        #[inline(always)]
        pub fn add_mul(self, a: Self, b: Self) -> Self {
            self + a * b
        }

        #[inline(always)]
        pub fn to_array(self) -> [f64; 2] {
            let mut out = [0.0; 2];
            self.store(&mut out);
            out
        }
    }

    impl core::ops::Add for F64x2 {
        type Output = F64x2;
        #[inline(always)]
        fn add(self, b: F64x2) -> F64x2 {
            F64x2(unsafe { _mm_add_pd(self.0, b.0) })
        }
    }

    impl core::ops::Mul for F64x2 {
        type Output = F64x2;
        #[inline(always)]
        fn mul(self, b: F64x2) -> F64x2 {
            F64x2(unsafe { _mm_mul_pd(self.0, b.0) })
        }
    }
}

#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    target_arch = "x86_64"
)))]
mod imp {
    #[derive(Clone, Copy)]
    pub struct F64x2([f64; 2]);

    impl F64x2 {
        #[inline(always)]
        pub fn splat(x: f64) -> Self {
            F64x2([x; 2])
        }

        /// The first two values of `s` (panics if it has fewer).
        #[inline(always)]
        pub fn load(s: &[f64]) -> Self {
            F64x2([s[0], s[1]])
        }

        /// Stores both lanes into the first two values of `s` (panics if it has fewer).
        #[inline(always)]
        pub fn store(self, s: &mut [f64]) {
            s[..2].copy_from_slice(&self.0);
        }

        /// `self + a * b`, rounded after the multiply and after the add.
        #[inline(always)]
        pub fn add_mul(self, a: Self, b: Self) -> Self {
            self + a * b
        }

        #[inline(always)]
        pub fn to_array(self) -> [f64; 2] {
            self.0
        }
    }

    impl core::ops::Add for F64x2 {
        type Output = F64x2;
        #[inline(always)]
        fn add(self, b: F64x2) -> F64x2 {
            F64x2([self.0[0] + b.0[0], self.0[1] + b.0[1]])
        }
    }

    impl core::ops::Mul for F64x2 {
        type Output = F64x2;
        #[inline(always)]
        fn mul(self, b: F64x2) -> F64x2 {
            F64x2([self.0[0] * b.0[0], self.0[1] * b.0[1]])
        }
    }
}

pub use imp::F64x2;

/// Four `f64` lanes: the unit of the tape's kernels. Sums that run across a batch (a weight's
/// gradient) keep one lane per sample modulo 4 and add them as `(l0 + l1) + (l2 + l3)`, so
/// every unfused implementation gives the same bits: two [`F64x2`] ([`Pair`], everywhere),
/// or one AVX register ([`Avx`], x86-64 CPUs that have it, chosen at run time).
pub trait Quad: Copy {
    /// One register per quad (so twice as many quads fit in the registers as with two).
    const WIDE: bool;
    fn splat(x: f64) -> Self;
    /// The first four values of `s` (panics if it has fewer).
    fn load(s: &[f64]) -> Self;
    /// Stores the four lanes into the first four values of `s` (panics if it has fewer).
    fn store(self, s: &mut [f64]);
    fn add(self, b: Self) -> Self;
    fn mul(self, b: Self) -> Self;
    /// `self + a * b`, rounded after the multiply and after the add (fused, rounded once, only
    /// in `Avx<true>`).
    #[inline(always)]
    fn add_mul(self, a: Self, b: Self) -> Self {
        self.add(a.mul(b))
    }
}

/// Four lanes as two [`F64x2`]: SSE2 on x86-64, simd128 in wasm.
#[derive(Clone, Copy)]
pub struct Pair(F64x2, F64x2);

impl Quad for Pair {
    const WIDE: bool = false;
    #[inline(always)]
    fn splat(x: f64) -> Self {
        Pair(F64x2::splat(x), F64x2::splat(x))
    }
    #[inline(always)]
    fn load(s: &[f64]) -> Self {
        let s = &s[..4];
        Pair(F64x2::load(s), F64x2::load(&s[2..]))
    }
    #[inline(always)]
    fn store(self, s: &mut [f64]) {
        let s = &mut s[..4];
        self.0.store(s);
        self.1.store(&mut s[2..]);
    }
    #[inline(always)]
    fn add(self, b: Self) -> Self {
        Pair(self.0 + b.0, self.1 + b.1)
    }
    #[inline(always)]
    fn mul(self, b: Self) -> Self {
        Pair(self.0 * b.0, self.1 * b.1)
    }
}

/// Four lanes in one AVX register; with `FUSED`, `add_mul` is one fused multiply-add (FMA),
/// rounded once, so its results differ from the other quads' in the last bits. Only code
/// compiled with AVX (and FMA when fused) enabled, and run after checking that the CPU has
/// them, may use this type (see `Tape::forward`): its methods call those instructions
/// unconditionally.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
pub struct Avx<const FUSED: bool>(core::arch::x86_64::__m256d);

// SAFETY (every `unsafe` below): `Avx` is only used where AVX (and FMA when fused) is
// present (see its docs); loads and stores are the unaligned forms on slices checked to
// hold four f64s.
#[cfg(target_arch = "x86_64")]
impl<const FUSED: bool> Quad for Avx<FUSED> {
    const WIDE: bool = true;
    #[inline(always)]
    fn splat(x: f64) -> Self {
        Avx(unsafe { core::arch::x86_64::_mm256_set1_pd(x) })
    }
    #[inline(always)]
    fn load(s: &[f64]) -> Self {
        let s = &s[..4];
        Avx(unsafe { core::arch::x86_64::_mm256_loadu_pd(s.as_ptr()) })
    }
    #[inline(always)]
    fn store(self, s: &mut [f64]) {
        let s = &mut s[..4];
        unsafe { core::arch::x86_64::_mm256_storeu_pd(s.as_mut_ptr(), self.0) }
    }
    #[inline(always)]
    fn add(self, b: Self) -> Self {
        Avx(unsafe { core::arch::x86_64::_mm256_add_pd(self.0, b.0) })
    }
    #[inline(always)]
    fn mul(self, b: Self) -> Self {
        Avx(unsafe { core::arch::x86_64::_mm256_mul_pd(self.0, b.0) })
    }
    #[inline(always)]
    fn add_mul(self, a: Self, b: Self) -> Self {
        if FUSED {
            Avx(unsafe { core::arch::x86_64::_mm256_fmadd_pd(a.0, b.0, self.0) })
        } else {
            self.add(a.mul(b))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::F64x2;

    #[test]
    fn lanes_match_scalar_arithmetic() {
        let (acc, a, b) = ([0.1, -3.5], [1e-3, 7.25], [2.0 / 3.0, -0.3]);
        let v = F64x2::load(&acc).add_mul(F64x2::load(&a), F64x2::load(&b));
        assert_eq!(v.to_array(), [acc[0] + a[0] * b[0], acc[1] + a[1] * b[1]]);
        assert_eq!(F64x2::splat(1.5).to_array(), [1.5, 1.5]);
        let mut out = [0.0; 3];
        (F64x2::load(&a) + F64x2::load(&b)).store(&mut out[1..]);
        assert_eq!(out, [0.0, a[0] + b[0], a[1] + b[1]]);
        let m = (F64x2::load(&a) * F64x2::load(&b)).to_array();
        assert_eq!(m, [a[0] * b[0], a[1] * b[1]]);
    }
}
