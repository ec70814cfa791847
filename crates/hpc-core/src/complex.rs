//! Complex division, reciprocal and modulus without avoidable overflow or underflow.
//!
//! The textbook quotient `(ac + bd)/(c² + d²) + i(bc - ad)/(c² + d²)` (num-complex's `Div`)
//! overflows once `|c|` or `|d|` passes the square root of the overflow threshold, and
//! underflows below the square root of the underflow threshold, long before the quotient
//! itself does. LAPACK and the reference BLAS are compiled with gfortran, which divides with
//! Smith's algorithm (GCC's "wide" complex division, `-fcx-fortran-rules`); LAPACK's tests on
//! matrices scaled near overflow and underflow rely on it. Every complex division and
//! reciprocal in hpc goes through [`div`] (through [`Scalar::quot`](crate::Scalar::quot) and
//! [`Scalar::inv`](crate::Scalar::inv) in generic code), so that all of hpc divides alike.
//!
//! [`div`] is Smith's algorithm exactly as gfortran computes it, so that the results agree with
//! gfortran's bit for bit wherever gfortran's intermediates stay in the normal range, and it
//! goes further where gfortran fails although the quotient is representable:
//! - an operand within a factor 2 of overflow is halved first (gfortran's `ar * ratio + ai`
//!   overflows there), and an operand below `2^digits` times the underflow threshold is scaled
//!   up by `2^(digits + 2)` (exactly, as powers of two scale), and the quotient scaled back once;
//! - when the ratio of the divisor's parts underflows to zero, the small terms are formed as
//!   `d * (b / c)` rather than `b * (d / c)` (Baudin and Smith, "A robust complex division in
//!   Scilab", 2012).
//!
//! Non-finite operands take gfortran's path unchanged: `x / 0` is NaN, a finite `x / Inf` is 0.

use crate::scalar::RealScalar;
use num_complex::Complex;

/// `a / b` for complex `a = ar + i ai`, `b = br + i bi`, as `(re, im)`; see the module doc.
pub fn div_parts<R: RealScalar>(ar: R, ai: R, br: R, bi: R) -> (R, R) {
    let (mut ar, mut ai, mut br, mut bi) = (ar, ai, br, bi);
    let two = R::one() + R::one();
    let half = two.recip();
    // Halving threshold: below it, `x * ratio + y` with |ratio| <= 1 cannot overflow.
    let big = R::max_value() * half;
    // Scaling threshold for tiny operands, and the exact power of two that lifts them.
    let digits = R::epsilon().recip().log2();
    let tiny = R::min_positive_value() * two.powf(digits);
    let lift = two.powf(digits + two);
    let mut post = R::one();
    let amax = ar.abs().max(ai.abs());
    let bmax = br.abs().max(bi.abs());
    if amax.is_finite() {
        if amax >= big {
            (ar, ai, post) = (ar * half, ai * half, post * two);
        } else if amax < tiny && amax > R::zero() {
            (ar, ai, post) = (ar * lift, ai * lift, post / lift);
        }
    }
    if bmax.is_finite() {
        if bmax >= big {
            (br, bi, post) = (br * half, bi * half, post * half);
        } else if bmax < tiny && bmax > R::zero() {
            (br, bi, post) = (br * lift, bi * lift, post * lift);
        }
    }
    let (re, im) = if br.abs() < bi.abs() {
        // ratio = br / bi; div = br * ratio + bi.
        let ratio = br / bi;
        let div = br * ratio + bi;
        if ratio == R::zero() && br != R::zero() && div.is_finite() {
            ((ai + br * (ar / bi)) / div, (-ar + br * (ai / bi)) / div)
        } else {
            ((ar * ratio + ai) / div, (ai * ratio - ar) / div)
        }
    } else {
        // ratio = bi / br; div = bi * ratio + br.
        let ratio = bi / br;
        let div = bi * ratio + br;
        if ratio == R::zero() && bi != R::zero() && div.is_finite() {
            ((ar + bi * (ai / br)) / div, (ai - bi * (ar / br)) / div)
        } else {
            ((ai * ratio + ar) / div, (ai - ar * ratio) / div)
        }
    };
    if post == R::one() {
        (re, im)
    } else {
        (re * post, im * post)
    }
}

/// `a / b` for complex numbers: Smith's algorithm as gfortran computes it, safeguarded against
/// spurious overflow and underflow (see the module doc).
pub fn div<R: RealScalar>(a: Complex<R>, b: Complex<R>) -> Complex<R> {
    let (re, im) = div_parts(a.re, a.im, b.re, b.im);
    Complex::new(re, im)
}

/// `1 / b`, as `div(1, b)` (Fortran's `ONE / B`).
pub fn recip<R: RealScalar>(b: Complex<R>) -> Complex<R> {
    div(Complex::new(R::one(), R::zero()), b)
}

/// `|z|`, the modulus, through `hypot`: no overflow or underflow unless the modulus itself
/// does (Fortran's `ABS` of a complex number).
pub fn abs<R: RealScalar>(z: Complex<R>) -> R {
    z.re.hypot(z.im)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_quotients_are_exact_where_they_can_be() {
        let q = div(Complex::new(1.0f64, 2.0), Complex::new(3.0, 4.0));
        assert_eq!(q, Complex::new(0.44, 0.08));
        assert_eq!(recip(Complex::new(0.0f32, 2.0)), Complex::new(0.0, -0.5));
        assert_eq!(abs(Complex::new(3e300f64, 4e300)), 5e300);
        assert_eq!(abs(Complex::new(3e-300f64, 4e-300)), 5e-300);
    }

    #[test]
    fn huge_and_tiny_operands_do_not_overflow() {
        for s in [1e300f64, 1e-300, f64::MAX / 2.0, 1e-310] {
            let q = div(Complex::new(s, 0.0), Complex::new(s, s));
            assert!(
                (q.re - 0.5).abs() < 1e-15 && (q.im + 0.5).abs() < 1e-15,
                "{s}: {q}"
            );
        }
        let q = div(Complex::new(f64::MAX, f64::MAX), Complex::new(1.0, 1.0));
        assert_eq!(q, Complex::new(f64::MAX, 0.0));
        let q = recip(Complex::new(1e160f64, 0.0));
        assert!((q.re / 1e-160 - 1.0).abs() < 1e-15 && q.im == 0.0);
    }
}
