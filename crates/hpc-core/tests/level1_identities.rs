//! Property tests of the reference Level 1 BLAS: each routine against plain loops written here,
//! over lengths 0..=40 and increments of both signs; rotg, rotmg and nrm2 against their
//! defining properties, including huge and tiny magnitudes that would overflow or underflow a
//! naive computation.

use hpc_testing as common;

use common::*;
use hpc_core::reference::Reference;
use hpc_core::{Level1, MixedDot, RealLevel1, RealScalar, Scalar, VecMut, c32, c64};
use num_traits::{Float, One, Zero};
use proptest::prelude::*;

fn len() -> impl Strategy<Value = usize> {
    0usize..=40
}

fn check_vector_ops<T: Scalar>(n: usize, incx: isize, incy: isize, alpha: Special, seed: u64) {
    let mut rng = Gen::new(seed);
    let alpha = alpha.value::<T>();
    let x: Vec<T> = random_vec(n, &mut rng, Data::Exact);
    let y: Vec<T> = random_vec(n, &mut rng, Data::Exact);
    let (sx, sy) = (
        StoredVec::new(&x, incx, nan()),
        StoredVec::new(&y, incy, nan()),
    );

    // axpy
    let mut out = StoredVec::new(&y, incy, nan());
    Reference.axpy(alpha, sx.view(), out.view_mut()).unwrap();
    let want: Vec<T> = y
        .iter()
        .zip(&x)
        .map(|(&yi, &xi)| {
            if alpha == T::zero() {
                yi
            } else {
                yi + alpha * xi
            }
        })
        .collect();
    assert_all(&out.values(), &want, None, "axpy");
    assert!(out.gaps_untouched());

    // scal and rscal
    let mut out = StoredVec::new(&x, incx, nan());
    Reference.scal(alpha, out.view_mut());
    assert_all(
        &out.values(),
        &x.iter().map(|&v| alpha * v).collect::<Vec<_>>(),
        None,
        "scal",
    );
    let mut out = StoredVec::new(&x, incx, nan());
    let r = alpha.re();
    Reference.rscal(r, out.view_mut());
    assert_all(
        &out.values(),
        &x.iter()
            .map(|&v| T::from_parts(v.re() * r, v.im() * r))
            .collect::<Vec<_>>(),
        None,
        "rscal",
    );
    assert!(out.gaps_untouched());

    // copy and swap
    let mut out = StoredVec::new(&vec![nan::<T>(); n], incy, nan());
    Reference.copy(sx.view(), out.view_mut()).unwrap();
    assert_all(&out.values(), &x, None, "copy");
    let (mut a, mut b) = (
        StoredVec::new(&x, incx, nan()),
        StoredVec::new(&y, incy, nan()),
    );
    Reference.swap(a.view_mut(), b.view_mut()).unwrap();
    assert_all(&a.values(), &y, None, "swap x");
    assert_all(&b.values(), &x, None, "swap y");
    assert!(a.gaps_untouched() && b.gaps_untouched());

    // dotu and dotc
    let du: T = x.iter().zip(&y).map(|(&a, &b)| a * b).sum();
    let dc: T = x.iter().zip(&y).map(|(&a, &b)| a.conj() * b).sum();
    assert_eq!(Reference.dotu(sx.view(), sy.view()).unwrap(), du, "dotu");
    assert_eq!(Reference.dotc(sx.view(), sy.view()).unwrap(), dc, "dotc");
    // dotc(x, x) is real and equals the squared norm.
    let xx = Reference.dotc(sx.view(), sx.view()).unwrap();
    assert_eq!(xx.im(), rzero::<T>());

    // rot with an exact rotation-like pair (c, s) = (3/5, 4/5) scaled to integers: (3, 4).
    let (c, s) = (scalar::<T>(3.0, 0.0).re(), scalar::<T>(4.0, 0.0).re());
    let (mut a, mut b) = (
        StoredVec::new(&x, incx, nan()),
        StoredVec::new(&y, incy, nan()),
    );
    Reference.rot(a.view_mut(), b.view_mut(), c, s).unwrap();
    let wx: Vec<T> = x
        .iter()
        .zip(&y)
        .map(|(&xi, &yi)| xi.scale_real(c) + yi.scale_real(s))
        .collect();
    let wy: Vec<T> = x
        .iter()
        .zip(&y)
        .map(|(&xi, &yi)| yi.scale_real(c) - xi.scale_real(s))
        .collect();
    assert_all(&a.values(), &wx, None, "rot x");
    assert_all(&b.values(), &wy, None, "rot y");

    // asum and iamax
    let asum = x.iter().fold(rzero::<T>(), |acc, v| acc + v.abs1());
    assert_eq!(Reference.asum(sx.view()), asum, "asum");
    let want_max = x
        .iter()
        .enumerate()
        .fold(None, |best: Option<(usize, T::Real)>, (i, v)| match best {
            Some((_, m)) if v.abs1() <= m => best,
            _ => Some((i, v.abs1())),
        });
    assert_eq!(
        Reference.iamax(sx.view()),
        want_max.map(|(i, _)| i),
        "iamax: first index of the largest abs1"
    );
}

/// nrm2 equals sqrt(sum |x_i|^2) computed in f64 (for f32) or with care (f64 via scaling),
/// and scales exactly with powers of two, even to the edges of the exponent range.
fn check_nrm2<T: Scalar>(n: usize, inc: isize, seed: u64) {
    let mut rng = Gen::new(seed);
    let x: Vec<T> = random_vec(n, &mut rng, Data::Real);
    let sx = StoredVec::new(&x, inc, nan());
    let base = Reference.nrm2(sx.view());
    let want = x
        .iter()
        .map(|v| v.re().to_f64().powi(2) + v.im().to_f64().powi(2))
        .sum::<f64>()
        .sqrt();
    assert!(
        close(T::from_real(base), scalar(want, 0.0), tol(2 * n)),
        "nrm2 = {base}, expected {want}"
    );
    // Scale by huge and tiny powers of two: exact scalings, so the norm must follow.
    // Largest and smallest binary exponents of normal numbers.
    let (max_exp, min_exp) = if is_single::<T::Real>() {
        (127, -126)
    } else {
        (1023, -1022)
    };
    for p in [max_exp - 8, max_exp / 2, -(max_exp / 2), min_exp + 30] {
        let f = T::Real::from_f64(2f64.powi(p));
        let scaled: Vec<T> = x.iter().map(|v| v.scale_real(f)).collect();
        let got = Reference.nrm2(StoredVec::new(&scaled, inc, nan()).view());
        assert!(got.is_finite(), "nrm2 overflowed at scale 2^{p}");
        let expected = base * f;
        let rel = if expected == rzero::<T>() {
            got.to_f64()
        } else {
            ((got - expected) / expected).to_f64().abs()
        };
        assert!(
            rel <= 8.0 * tol(2 * n) * T::Real::epsilon().to_f64(),
            "nrm2 at scale 2^{p}: {got} vs {expected}"
        );
    }
}

/// rotg: [c s; -conj(s) c] [a; b] = [r; 0], c real in [0, 1], |c|^2 + |s|^2 = 1.
fn check_rotg<T: Scalar>(seed: u64, exp: i32) {
    let mut rng = Gen::new(seed);
    let f = T::Real::from_f64(2f64.powi(exp));
    let a0: T = draw::<T>(&mut rng, Data::Real).scale_real(f);
    let b0: T = draw::<T>(&mut rng, Data::Real).scale_real(f);
    let (mut a, mut b) = (a0, b0);
    let (c, s) = Reference.rotg(&mut a, &mut b);
    let r = a;
    let one = T::Real::one();
    let unit = c * c + s.abs_sqr();
    assert!(
        close(T::from_real(unit), T::one(), 8.0),
        "c^2 + |s|^2 = {unit}"
    );
    // Complex rotg makes c >= 0; real rotg gives r the sign of the larger of a and b, so c may
    // be negative.
    let lowest = if T::IS_COMPLEX {
        -T::Real::epsilon()
    } else {
        -one - T::Real::epsilon()
    };
    assert!(
        c >= lowest && c <= one + T::Real::epsilon(),
        "c = {c} out of range"
    );
    assert!(r.all_finite(), "r overflowed: {r}");
    // Compare relative to the input scale.
    let scale = T::from_real(one / f);
    let top = (a0.scale_real(c) + s * b0) * scale;
    let bottom = (b0.scale_real(c) - s.conj() * a0) * scale;
    assert!(
        close(top, r * scale, 32.0),
        "rotation does not give r: {top} vs {}",
        r * scale
    );
    assert!(
        close(bottom, T::zero(), 32.0),
        "rotation does not zero b: {bottom}"
    );
    if !T::IS_COMPLEX {
        // Real rotg stores z in b, from which (c, s) can be rebuilt.
        let z = b.re();
        let (c2, s2) = if z.abs() < one {
            (Float::sqrt(one - z * z), z)
        } else if z.abs() > one {
            (one / z, Float::sqrt(one - (one / z) * (one / z)))
        } else {
            (T::Real::zero(), one)
        };
        if z != T::Real::zero() {
            assert!(
                close(T::from_real(c2), T::from_real(c), 64.0)
                    && close(T::from_real(s2.abs()), T::from_real(s.re().abs()), 64.0),
                "z = {z} does not rebuild (c, s) = ({c}, {s})"
            );
        } else {
            assert_eq!((c, s.re()), (one, T::Real::zero()));
        }
    }
}

/// rotmg builds H with H (x1, y1)^T = (x1', 0)^T; rotm applies it.
fn check_rotmg<R: RealScalar>(seed: u64) {
    let mut rng = Gen::new(seed);
    let mut d1 = R::from_f64(rng.unit().abs() * 4.0 + 0.01);
    let mut d2 = R::from_f64(rng.unit().abs() * 4.0 + 0.01);
    let mut x1 = R::from_f64(rng.unit());
    let y1 = R::from_f64(rng.unit());
    let (d1_0, d2_0, x1_0) = (d1, d2, x1);
    let mut param = [R::zero(); 5];
    Reference.rotmg(&mut d1, &mut d2, &mut x1, y1, &mut param);
    let (mut x, mut y) = ([x1_0], [y1]);
    Reference
        .rotm(
            VecMut::from_slice(&mut x),
            VecMut::from_slice(&mut y),
            &param,
        )
        .unwrap();
    let eps = R::epsilon().to_f64() * 64.0;
    assert!(
        y[0].to_f64().abs() <= eps * (1.0 + x1_0.to_f64().abs() + y1.to_f64().abs()),
        "rotm did not zero y: {}",
        y[0]
    );
    assert!(
        (x[0] - x1).to_f64().abs() <= eps * (1.0 + x1.to_f64().abs()),
        "rotm x {} != rotmg x1 {}",
        x[0],
        x1
    );
    // The weighted norms are preserved: d1 x1^2 + d2 y1^2 = d1' x1'^2.
    let before = d1_0.to_f64() * x1_0.to_f64().powi(2) + d2_0.to_f64() * y1.to_f64().powi(2);
    let after = d1.to_f64() * x1.to_f64().powi(2);
    assert!(
        (before - after).abs() <= eps * before.max(1e-30) * 4.0,
        "weighted norm changed: {before} -> {after}"
    );
}

fn check_mixed_dots(n: usize, incx: isize, incy: isize, seed: u64) {
    let mut rng = Gen::new(seed);
    let x: Vec<f32> = random_vec(n, &mut rng, Data::Real);
    let y: Vec<f32> = random_vec(n, &mut rng, Data::Real);
    let (sx, sy) = (
        StoredVec::new(&x, incx, f32::NAN),
        StoredVec::new(&y, incy, f32::NAN),
    );
    let exact: f64 = x
        .iter()
        .zip(&y)
        .map(|(&a, &b)| f64::from(a) * f64::from(b))
        .sum();
    assert_eq!(Reference.dsdot(sx.view(), sy.view()).unwrap(), exact);
    assert_eq!(
        Reference.sdsdot(0.25, sx.view(), sy.view()).unwrap(),
        (0.25 + exact) as f32
    );
}

macro_rules! instantiate {
    ($t:ty, $m:ident) => {
        mod $m {
            use super::*;
            proptest! {
                #![proptest_config(config())]
                #[test]
                fn vector_ops(n in len(), incx in increment(), incy in increment(), alpha in special(), seed in any::<u64>()) {
                    check_vector_ops::<$t>(n, incx, incy, alpha, seed);
                }
                #[test]
                fn nrm2(n in len(), inc in increment(), seed in any::<u64>()) {
                    check_nrm2::<$t>(n, inc, seed);
                }
                #[test]
                fn rotg(seed in any::<u64>(), exp in prop_oneof![Just(0i32), Just(60), Just(-60), Just(120), Just(-120)]) {
                    check_rotg::<$t>(seed, exp);
                }
            }
        }
    };
}

instantiate!(f32, s);
instantiate!(f64, d);
instantiate!(c32, c);
instantiate!(c64, z);

proptest! {
    #![proptest_config(config())]
    #[test]
    fn srotmg_drotmg(seed in any::<u64>()) {
        check_rotmg::<f32>(seed);
        check_rotmg::<f64>(seed);
    }
    #[test]
    fn sdsdot_dsdot(n in len(), incx in increment(), incy in increment(), seed in any::<u64>()) {
        check_mixed_dots(n, incx, incy, seed);
    }
}

#[test]
fn rotg_at_the_edges_of_the_exponent_range() {
    // Values whose squares overflow or underflow: a naive sqrt(a^2 + b^2) fails here.
    for &(a, b) in &[
        (1e300, 1e300),
        (1e-300, 1e-300),
        (3e307, -4e307),
        (0.0, 1e-310),
        (5e-324, 1.0),
    ] {
        let (mut ar, mut br): (f64, f64) = (a, b);
        let (c, s): (f64, f64) = Reference.rotg(&mut ar, &mut br);
        assert!(
            ar.is_finite() && c.is_finite() && s.is_finite(),
            "rotg({a}, {b})"
        );
        assert!((c * c + s * s - 1.0).abs() < 1e-15);
        let mut za = c64::new(a, -b);
        let mut zb = c64::new(b, a);
        let (c, s): (f64, c64) = Reference.rotg(&mut za, &mut zb);
        assert!(
            za.all_finite() && c.is_finite() && s.all_finite(),
            "zrotg({a}, {b})"
        );
        assert!((c * c + s.norm_sqr() - 1.0).abs() < 1e-15);
    }
}
