//! The scalar types of the BLAS: `f32`, `f64`, [`c32`] and [`c64`].
//!
//! [`Scalar`] is the one trait that generic code is written against. It is kept small, in the
//! spirit of matrixmultiply's `Element`: the arithmetic that the BLAS needs, conjugation, the
//! associated real type, `abs1` (`|re| + |im|`, the measure `i?amax` and `?asum` use) and a
//! fused multiply-add. [`RealScalar`] adds what only real types have (ordering, `sqrt`, the
//! machine constants that `nrm2` and `rotg` scale by).

use core::fmt::{Debug, Display};
use core::iter::Sum;
use core::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use num_traits::{Float, One, Zero};

/// Single-precision complex number, the `c` of `cgemm`.
#[allow(non_camel_case_types)]
pub type c32 = num_complex::Complex<f32>;
/// Double-precision complex number, the `z` of `zgemm`.
#[allow(non_camel_case_types)]
pub type c64 = num_complex::Complex<f64>;

/// An element type of the BLAS: `f32`, `f64`, [`c32`] or [`c64`].
///
/// For a real type, `conj` is the identity, `Real = Self` and `im` is zero, so that one generic
/// routine (say `hemv`) is also the right routine for real data (`symv`).
///
/// There is no `Div` bound: generic code divides with [`quot`](Scalar::quot) and
/// [`inv`](Scalar::inv), which for complex types are the safe division of
/// [`complex`](crate::complex) (Smith's, as gfortran), never the textbook formula.
pub trait Scalar:
    Copy
    + Send
    + Sync
    + Debug
    + Display
    + PartialEq
    + Default
    + bytemuck::Pod
    + Zero
    + One
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + Sum
    + 'static
{
    /// The real type underneath: `f32` for `f32` and `c32`, `f64` for `f64` and `c64`.
    type Real: RealScalar;
    /// `true` for `c32` and `c64`.
    const IS_COMPLEX: bool;
    /// The BLAS prefix of the type: `'s'`, `'d'`, `'c'` or `'z'`.
    const PREFIX: char;

    /// Builds a value from its real and imaginary parts; a real type ignores `im`.
    fn from_parts(re: Self::Real, im: Self::Real) -> Self;
    /// Embeds a real value.
    fn from_real(re: Self::Real) -> Self {
        Self::from_parts(re, Self::Real::zero())
    }
    /// Real part.
    fn re(self) -> Self::Real;
    /// Imaginary part (zero for a real type).
    fn im(self) -> Self::Real;
    /// Complex conjugate (identity for a real type).
    fn conj(self) -> Self {
        Self::from_parts(self.re(), -self.im())
    }
    /// `self / d`: IEEE division for a real type, [`complex::div`](crate::complex::div) for a
    /// complex one (no overflow or underflow unless the quotient itself does).
    fn quot(self, d: Self) -> Self;
    /// `1 / self`, as [`quot`](Scalar::quot) computes it.
    fn inv(self) -> Self {
        Self::one().quot(self)
    }
    /// `|self|`: the absolute value, or the complex modulus computed without avoidable
    /// overflow or underflow (`hypot`).
    fn modulus(self) -> Self::Real {
        self.re().hypot(self.im())
    }
    /// `|re| + |im|`: the measure of `i?amax`, `?asum` and `?cabs1`.
    fn abs1(self) -> Self::Real {
        self.re().abs() + self.im().abs()
    }
    /// `re² + im²`, without scaling (may overflow; use `nrm2` for a safe norm).
    fn abs_sqr(self) -> Self::Real {
        self.re() * self.re() + self.im() * self.im()
    }
    /// Multiplies by a real scalar (`csscal`'s operation): both parts are scaled.
    fn scale_real(self, r: Self::Real) -> Self {
        Self::from_parts(self.re() * r, self.im() * r)
    }
    /// `self * a + b`, fused (one rounding) for real types; for complex types each real part is
    /// formed with fused operations.
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// `true` if either part is NaN.
    fn has_nan(self) -> bool {
        self.re().is_nan() || self.im().is_nan()
    }
    /// `true` if both parts are finite.
    fn all_finite(self) -> bool {
        self.re().is_finite() && self.im().is_finite()
    }
}

/// A real BLAS type: `f32` or `f64`.
pub trait RealScalar: Scalar<Real = Self> + Float + PartialOrd + core::ops::DivAssign {
    /// The smallest positive normal number (`safmin` of LAPACK's `la_constants`).
    fn safmin() -> Self {
        Self::min_positive_value()
    }
    /// Conversion from `f64`, rounding to nearest.
    fn from_f64(x: f64) -> Self;
    /// Conversion to `f64` (exact for both types).
    fn to_f64(self) -> f64;
    /// Blue's scaling constants of LAPACK 3.10's `?nrm2`: `(tsml, tbig, ssml, sbig)`.
    ///
    /// Values below `tsml` are accumulated scaled up by `ssml`, values above `tbig` scaled down
    /// by `sbig`, so that the sum of squares neither underflows nor overflows.
    fn blue_constants() -> (Self, Self, Self, Self);
    /// The 2-norm from the three sums of squares of LAPACK 3.10's `?nrm2`: `asml` of the
    /// values below `tsml` (scaled by `ssml`), `amed` of the others up to `tbig`, `abig` of
    /// those above (scaled by `sbig`) ([`blue_constants`](RealScalar::blue_constants)).
    /// `asml` is ignored when `abig` is positive, as the reference stops adding to it then.
    fn blue_norm(asml: Self, amed: Self, abig: Self) -> Self {
        let (_, _, ssml, sbig) = Self::blue_constants();
        let (zero, one) = (Self::zero(), Self::one());
        let (scl, sumsq);
        if abig > zero {
            // Combine abig and amed if amed > 0 (or NaN).
            let abig = if amed > zero || amed.is_nan() {
                abig + (amed * sbig) * sbig
            } else {
                abig
            };
            scl = one / sbig;
            sumsq = abig;
        } else if asml > zero {
            // Combine amed and asml if amed > 0 (or NaN).
            if amed > zero || amed.is_nan() {
                let amed = amed.sqrt();
                let asml = asml.sqrt() / ssml;
                let (ymin, ymax) = if asml > amed {
                    (amed, asml)
                } else {
                    (asml, amed)
                };
                scl = one;
                sumsq = ymax * ymax * (one + (ymin / ymax) * (ymin / ymax));
            } else {
                scl = one / ssml;
                sumsq = asml;
            }
        } else {
            // Otherwise all values are mid-range or zero.
            scl = one;
            sumsq = amed;
        }
        scl * sumsq.sqrt()
    }
}

impl Scalar for f32 {
    type Real = f32;
    const IS_COMPLEX: bool = false;
    const PREFIX: char = 's';
    fn from_parts(re: f32, _im: f32) -> f32 {
        re
    }
    fn re(self) -> f32 {
        self
    }
    fn im(self) -> f32 {
        0.0
    }
    fn conj(self) -> f32 {
        self
    }
    fn quot(self, d: f32) -> f32 {
        self / d
    }
    fn modulus(self) -> f32 {
        self.abs()
    }
    fn mul_add(self, a: f32, b: f32) -> f32 {
        f32::mul_add(self, a, b)
    }
}

impl Scalar for f64 {
    type Real = f64;
    const IS_COMPLEX: bool = false;
    const PREFIX: char = 'd';
    fn from_parts(re: f64, _im: f64) -> f64 {
        re
    }
    fn re(self) -> f64 {
        self
    }
    fn im(self) -> f64 {
        0.0
    }
    fn conj(self) -> f64 {
        self
    }
    fn quot(self, d: f64) -> f64 {
        self / d
    }
    fn modulus(self) -> f64 {
        self.abs()
    }
    fn mul_add(self, a: f64, b: f64) -> f64 {
        f64::mul_add(self, a, b)
    }
}

impl RealScalar for f32 {
    fn from_f64(x: f64) -> f32 {
        x as f32
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn blue_constants() -> (f32, f32, f32, f32) {
        // radix 2, minexponent -125, maxexponent 128, digits 24 (Fortran's model numbers).
        (2f32.powi(-63), 2f32.powi(52), 2f32.powi(75), 2f32.powi(-76))
    }
}

impl RealScalar for f64 {
    fn from_f64(x: f64) -> f64 {
        x
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn blue_constants() -> (f64, f64, f64, f64) {
        // radix 2, minexponent -1021, maxexponent 1024, digits 53.
        (
            2f64.powi(-511),
            2f64.powi(486),
            2f64.powi(537),
            2f64.powi(-538),
        )
    }
}

macro_rules! impl_complex {
    ($t:ty, $r:ty, $prefix:literal) => {
        impl Scalar for $t {
            type Real = $r;
            const IS_COMPLEX: bool = true;
            const PREFIX: char = $prefix;
            fn from_parts(re: $r, im: $r) -> $t {
                <$t>::new(re, im)
            }
            fn re(self) -> $r {
                self.re
            }
            fn im(self) -> $r {
                self.im
            }
            fn quot(self, d: $t) -> $t {
                crate::complex::div(self, d)
            }
            fn mul_add(self, a: $t, b: $t) -> $t {
                let re = self.re.mul_add(a.re, (-self.im).mul_add(a.im, b.re));
                let im = self.re.mul_add(a.im, self.im.mul_add(a.re, b.im));
                <$t>::new(re, im)
            }
        }
    };
}
impl_complex!(c32, f32, 'c');
impl_complex!(c64, f64, 'z');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conj_and_parts() {
        let z = c64::new(3.0, -4.0);
        assert_eq!(z.conj(), c64::new(3.0, 4.0));
        assert_eq!(z.abs1(), 7.0);
        assert_eq!(z.abs_sqr(), 25.0);
        assert_eq!(2.5f32.conj(), 2.5);
        assert_eq!((-2.5f64).abs1(), 2.5);
        assert_eq!(<f64 as Scalar>::from_parts(1.0, 9.0), 1.0);
        assert_eq!(c32::from_real(2.0), c32::new(2.0, 0.0));
        assert_eq!(c32::new(1.0, 2.0).scale_real(3.0), c32::new(3.0, 6.0));
    }

    #[test]
    fn fused_multiply_add() {
        let a = c64::new(1.0, 2.0);
        let b = c64::new(3.0, -1.0);
        let c = c64::new(0.5, 0.25);
        assert_eq!(a.mul_add(b, c), a * b + c);
        // One rounding for real types: (1 + e)(1 - e) - 1 = -e² is lost without fma.
        let e = f64::EPSILON;
        assert_eq!(Scalar::mul_add(1.0 + e, 1.0 - e, -1.0), -e * e);
    }

    #[test]
    fn blue_constants_are_powers_of_two_in_range() {
        let (tsml, tbig, ssml, sbig) = f64::blue_constants();
        assert!(tsml * tsml >= f64::MIN_POSITIVE);
        assert!(tbig * tbig <= f64::MAX);
        assert!((tsml * ssml).is_finite() && tbig * sbig < 1.0);
        let (tsml, tbig, _, _) = f32::blue_constants();
        assert!(tsml * tsml >= f32::MIN_POSITIVE);
        assert!(tbig * tbig <= f32::MAX);
    }
}
