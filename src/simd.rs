//! Two `f64` lanes, for the hot loops that the compiler does not vectorize on its own.
//!
//! On `wasm32` with `simd128` this is a `v128` and its ops are `f64x2.add`, `f64x2.mul`:
//! LLVM's cost model for wasm leaves plain `[f64; N]` loops scalar (checked in the
//! disassembly of the release bundle). Elsewhere it is a `[f64; 2]`, which x86-64 and aarch64
//! vectorize anyway. Each lane is computed with separate IEEE multiplies and adds, never fused,
//! so results are the same bits as the scalar code.

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

        /// `self + a * b`, rounded after the multiply and after the add.
        #[inline(always)]
        pub fn add_mul(self, a: Self, b: Self) -> Self {
            F64x2(f64x2_add(self.0, f64x2_mul(a.0, b.0)))
        }

        #[inline(always)]
        pub fn to_array(self) -> [f64; 2] {
            [
                f64x2_extract_lane::<0>(self.0),
                f64x2_extract_lane::<1>(self.0),
            ]
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
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

        /// `self + a * b`, rounded after the multiply and after the add.
        #[inline(always)]
        pub fn add_mul(self, a: Self, b: Self) -> Self {
            F64x2([self.0[0] + a.0[0] * b.0[0], self.0[1] + a.0[1] * b.0[1]])
        }

        #[inline(always)]
        pub fn to_array(self) -> [f64; 2] {
            self.0
        }
    }
}

pub use imp::F64x2;

#[cfg(test)]
mod tests {
    use super::F64x2;

    #[test]
    fn lanes_match_scalar_arithmetic() {
        let (acc, a, b) = ([0.1, -3.5], [1e-3, 7.25], [2.0 / 3.0, -0.3]);
        let v = F64x2::load(&acc).add_mul(F64x2::load(&a), F64x2::load(&b));
        assert_eq!(v.to_array(), [acc[0] + a[0] * b[0], acc[1] + a[1] * b[1]]);
        assert_eq!(F64x2::splat(1.5).to_array(), [1.5, 1.5]);
    }
}
