//! Extreme operands for any implementation of the Level 3 traits, compared with hpc-core's
//! reference: values near the overflow and underflow thresholds, mixed magnitudes, and NaN,
//! Inf and zeros sprinkled in, on every routine and option. NaN, +Inf and -Inf must appear
//! where the reference has them (for complex types: the same elements are not finite), and
//! finite elements agree within a rounding bound. Magnitudes keep the exact results
//! representable: no product of two huge factors, whose sums could overflow in one order of
//! summation and not in another.

use hpc_core::reference::Reference;
use hpc_core::{Diag, Level3, RealScalar, Scalar, Side, Trans, Uplo};
use num_traits::{Float, One, Zero};

use super::{Dense, Gen, scalar};

/// The magnitude class of an operand.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Class {
    Normal,
    Huge,
    Tiny,
    Special,
}

/// Pairs of classes two factors of one product may have.
pub const PAIRS: [(Class, Class); 8] = [
    (Class::Normal, Class::Normal),
    (Class::Huge, Class::Normal),
    (Class::Normal, Class::Huge),
    (Class::Tiny, Class::Normal),
    (Class::Huge, Class::Tiny),
    (Class::Tiny, Class::Tiny),
    (Class::Special, Class::Normal),
    (Class::Normal, Class::Special),
];

fn real<R: RealScalar>(rng: &mut Gen, class: Class) -> R {
    let u = R::from_f64(rng.unit());
    match class {
        Class::Normal => u,
        Class::Huge => u * R::max_value() / R::from_f64(256.0),
        Class::Tiny => u * R::min_positive_value() * R::from_f64(256.0),
        Class::Special => match rng.next_u64() % 12 {
            0 => R::nan(),
            1 => R::infinity(),
            2 => R::neg_infinity(),
            3 | 4 => R::zero(),
            _ => u,
        },
    }
}

/// An `rows x cols` matrix of class `class`.
pub fn matrix<T: Scalar>(rng: &mut Gen, class: Class, rows: usize, cols: usize) -> Dense<T> {
    let mut d = Dense::zeros(rows, cols);
    for v in d.data.iter_mut() {
        let re = real::<T::Real>(rng, class);
        let im = if T::IS_COMPLEX {
            real::<T::Real>(rng, class)
        } else {
            T::Real::zero()
        };
        *v = T::from_parts(re, im);
    }
    d
}

/// A triangle of order n that is well conditioned with a stored or a unit diagonal (off the
/// diagonal at most 1 / (2 (n + 1)) per part, the diagonal about n + 1), scaled by the class.
pub fn triangle<T: Scalar>(rng: &mut Gen, class: Class, n: usize) -> Dense<T> {
    let s = match class {
        Class::Huge => T::Real::max_value() / T::Real::from_f64(64.0 * (n + 1) as f64),
        Class::Tiny => T::Real::min_positive_value() * T::Real::from_f64(64.0),
        _ => T::Real::one(),
    };
    let inner = if class == Class::Special {
        Class::Special
    } else {
        Class::Normal
    };
    let mut a = matrix::<T>(rng, inner, n, n);
    for j in 0..n {
        for i in 0..n {
            let v = a
                .get(i, j)
                .scale_real(T::Real::from_f64(0.5 / (n + 1) as f64));
            let v = if i == j {
                let d = (n + 1) as f64 + rng.unit().abs();
                scalar(d, if T::IS_COMPLEX { d } else { 0.0 })
            } else {
                v
            };
            a.set(i, j, v.scale_real(s));
        }
    }
    a
}

/// Compares `got` with `want` element by element; `terms` bounds the rounding error.
pub fn compare<T: Scalar>(got: &[T], want: &[T], terms: usize) -> Result<(), String> {
    let parts = |v: &[T]| -> Vec<T::Real> { v.iter().flat_map(|z| [z.re(), z.im()]).collect() };
    let (g, w) = (parts(got), parts(want));
    let scale = w
        .iter()
        .filter(|x| x.is_finite())
        .fold(T::Real::zero(), |m, x| m.max(x.abs()));
    let t = T::Real::from_f64((terms + 2) as f64 * 8.0) * T::Real::epsilon();
    let bound = t * scale + t * T::Real::min_positive_value();
    for i in 0..g.len() {
        let pair = i - i % 2;
        let finite = |v: &[T::Real]| v[pair].is_finite() && v[pair + 1].is_finite();
        if T::IS_COMPLEX && !finite(&w) {
            if finite(&g) {
                return Err(format!(
                    "element {} is finite, the reference's is not",
                    i / 2
                ));
            }
            continue;
        }
        let (a, b) = (g[i], w[i]);
        let ok = if b.is_nan() {
            a.is_nan()
        } else if b.is_infinite() {
            a == b
        } else {
            a.is_finite() && (a - b).abs() <= bound
        };
        if !ok {
            return Err(format!(
                "element {} ({}) is {a:?}, the reference has {b:?} (bound {bound:?})",
                i / 2,
                if i % 2 == 0 { "re" } else { "im" }
            ));
        }
    }
    Ok(())
}

/// Runs `cases` random calls of every Level 3 routine on `blas` and on the reference; returns
/// the calls that differ, described.
pub fn level3_failures<T: Scalar, L: Level3<T>>(blas: &L, cases: u64, seed: u64) -> Vec<String> {
    let mut bad = Vec::new();
    let nan = T::from_parts(T::Real::nan(), T::Real::nan());
    for case in 0..cases {
        let mut rng = Gen::new(seed * 1_000_003 + case);
        let pick = |rng: &mut Gen, n: usize| (rng.next_u64() % n as u64) as usize;
        let dim = |rng: &mut Gen| {
            if rng.next_u64() % 4 == 0 {
                60 + pick(rng, 80)
            } else {
                pick(rng, 12)
            }
        };
        let (m, n, k) = (dim(&mut rng), dim(&mut rng), dim(&mut rng));
        let (ca, cb) = PAIRS[pick(&mut rng, PAIRS.len())];
        let ops = [Trans::No, Trans::Trans, Trans::ConjTrans];
        let (ta, tb) = (ops[pick(&mut rng, 3)], ops[pick(&mut rng, 3)]);
        let side = [Side::Left, Side::Right][pick(&mut rng, 2)];
        let uplo = [Uplo::Upper, Uplo::Lower][pick(&mut rng, 2)];
        let diag = [Diag::NonUnit, Diag::Unit][pick(&mut rng, 2)];
        let alphas = [(0.0, 0.0), (1.0, 0.0), (-1.0, 0.0), (0.7, 0.0), (-0.3, 0.8)];
        let (ar, ai) = alphas[1 + pick(&mut rng, 4)];
        let alpha: T = scalar(ar, ai);
        let (br, bi) = alphas[pick(&mut rng, 5)];
        let beta: T = scalar(br, bi);
        let what = format!(
            "m={m} n={n} k={k} {ca:?}x{cb:?} {ta:?} {tb:?} {side:?} {uplo:?} {diag:?} alpha={alpha} beta={beta}"
        );
        let c_of = |rng: &mut Gen, r, c| {
            if beta.is_zero() {
                Dense::from_fn(r, c, |_, _| nan)
            } else {
                matrix::<T>(rng, cb, r, c)
            }
        };
        let mut check = |name: &str, got: Dense<T>, want: Dense<T>, terms: usize| {
            if let Err(e) = compare(&got.data, &want.data, terms) {
                bad.push(format!("{}{name} {what}: {e}", T::PREFIX));
            }
        };
        // gemm
        let (ra, ca_) = if ta == Trans::No { (m, k) } else { (k, m) };
        let (rb, cb_) = if tb == Trans::No { (k, n) } else { (n, k) };
        let a = matrix::<T>(&mut rng, ca, ra, ca_);
        let b = matrix::<T>(&mut rng, cb, rb, cb_);
        let c = c_of(&mut rng, m, n);
        let (mut got, mut want) = (c.clone(), c.clone());
        blas.gemm(ta, tb, alpha, a.view(), b.view(), beta, got.view_mut())
            .unwrap();
        Reference
            .gemm(ta, tb, alpha, a.view(), b.view(), beta, want.view_mut())
            .unwrap();
        check("gemm", got, want, k + 1);
        // symm, hemm
        let na = if side == Side::Left { m } else { n };
        let s = matrix::<T>(&mut rng, ca, na, na);
        let bm = matrix::<T>(&mut rng, cb, m, n);
        let c = c_of(&mut rng, m, n);
        for herm in [false, true] {
            let (mut got, mut want) = (c.clone(), c.clone());
            if herm {
                blas.hemm(side, uplo, alpha, s.view(), bm.view(), beta, got.view_mut())
                    .unwrap();
                Reference
                    .hemm(
                        side,
                        uplo,
                        alpha,
                        s.view(),
                        bm.view(),
                        beta,
                        want.view_mut(),
                    )
                    .unwrap();
            } else {
                blas.symm(side, uplo, alpha, s.view(), bm.view(), beta, got.view_mut())
                    .unwrap();
                Reference
                    .symm(
                        side,
                        uplo,
                        alpha,
                        s.view(),
                        bm.view(),
                        beta,
                        want.view_mut(),
                    )
                    .unwrap();
            }
            check(if herm { "hemm" } else { "symm" }, got, want, na + 1);
        }
        // syrk, herk (A times itself: no huge A), syr2k, her2k.
        let tk = [Trans::No, Trans::Trans][pick(&mut rng, 2)];
        let th = if tk == Trans::No {
            Trans::No
        } else {
            Trans::ConjTrans
        };
        let ck = [Class::Normal, Class::Tiny, Class::Special][pick(&mut rng, 3)];
        let (rk, ck_) = if tk == Trans::No { (n, k) } else { (k, n) };
        let ak = matrix::<T>(&mut rng, ck, rk, ck_);
        let a2 = matrix::<T>(&mut rng, ca, rk, ck_);
        let b2 = matrix::<T>(&mut rng, cb, rk, ck_);
        let mut c = c_of(&mut rng, n, n);
        for j in 0..n {
            c.set(j, j, T::from_real(c.get(j, j).re()));
        }
        let (mut got, mut want) = (c.clone(), c.clone());
        blas.syrk(uplo, tk, alpha, ak.view(), beta, got.view_mut())
            .unwrap();
        Reference
            .syrk(uplo, tk, alpha, ak.view(), beta, want.view_mut())
            .unwrap();
        check("syrk", got, want, k + 1);
        let (mut got, mut want) = (c.clone(), c.clone());
        blas.syr2k(uplo, tk, alpha, a2.view(), b2.view(), beta, got.view_mut())
            .unwrap();
        Reference
            .syr2k(uplo, tk, alpha, a2.view(), b2.view(), beta, want.view_mut())
            .unwrap();
        check("syr2k", got, want, 2 * k + 1);
        if T::IS_COMPLEX {
            let (ra, rb) = (alpha.re(), beta.re());
            let (mut got, mut want) = (c.clone(), c.clone());
            blas.herk(uplo, th, ra, ak.view(), rb, got.view_mut())
                .unwrap();
            Reference
                .herk(uplo, th, ra, ak.view(), rb, want.view_mut())
                .unwrap();
            check("herk", got, want, k + 1);
            let (mut got, mut want) = (c.clone(), c.clone());
            blas.her2k(uplo, th, alpha, a2.view(), b2.view(), rb, got.view_mut())
                .unwrap();
            Reference
                .her2k(uplo, th, alpha, a2.view(), b2.view(), rb, want.view_mut())
                .unwrap();
            check("her2k", got, want, 2 * k + 1);
        }
        // trmm, trsm: a triangle of class `ca` (B normal unless the triangle is).
        let t = triangle::<T>(&mut rng, ca, na);
        let bt = matrix::<T>(
            &mut rng,
            if ca == Class::Normal {
                cb
            } else {
                Class::Normal
            },
            m,
            n,
        );
        for solve in [false, true] {
            let (mut got, mut want) = (bt.clone(), bt.clone());
            if solve {
                blas.trsm(side, uplo, ta, diag, alpha, t.view(), got.view_mut())
                    .unwrap();
                Reference
                    .trsm(side, uplo, ta, diag, alpha, t.view(), want.view_mut())
                    .unwrap();
            } else {
                blas.trmm(side, uplo, ta, diag, alpha, t.view(), got.view_mut())
                    .unwrap();
                Reference
                    .trmm(side, uplo, ta, diag, alpha, t.view(), want.view_mut())
                    .unwrap();
            }
            check(if solve { "trsm" } else { "trmm" }, got, want, 4 * na + 4);
        }
    }
    bad
}
