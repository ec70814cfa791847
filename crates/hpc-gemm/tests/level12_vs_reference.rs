//! `Fast`'s Level 1 and Level 2 against `hpc_core::reference`, for every type, increment
//! (unit ones take the kernels, others the reference loops), the special alpha/beta values,
//! lengths around every vector width and unroll, and operands holding NaN, Inf and values
//! near overflow. Elementwise routines (axpy, scal, copy, swap, ger) and gemv without
//! transposition round as the reference does, so they must agree bit for bit; reductions
//! (dot, asum, gemv transposed) are compared within a tolerance, their non-finite results
//! exactly. Gaps between strided elements, and y for beta = 0, hold NaN sentinels.

use hpc_testing as common;

use common::*;
use hpc_core::reference::Reference;
use hpc_core::{Level1, Level2, RealScalar, Scalar, Trans, c32, c64};
use hpc_gemm::{Fast, GemmScalar};
use num_traits::{Float, One, Zero};
use proptest::prelude::*;

fn len() -> impl Strategy<Value = usize> {
    prop_oneof![
        3 => 0usize..=40,
        1 => prop::sample::select(vec![63usize, 64, 65, 127, 128, 129, 255, 257, 1000, 2049, 4097, 9000]),
    ]
}

/// Values: inexact (so that a change in the order of rounding shows where results must be
/// bitwise the reference's), with some extremes mixed in.
fn values<T: Scalar>(n: usize, rng: &mut Gen, extreme: bool) -> Vec<T> {
    values_of(Data::Real, n, rng, extreme)
}

/// As [`values`], the ordinary ones drawn as `data` says.
fn values_of<T: Scalar>(data: Data, n: usize, rng: &mut Gen, extreme: bool) -> Vec<T> {
    let mut v: Vec<T> = random_vec(n, rng, data);
    if extreme {
        let big = T::Real::max_value() / T::Real::from_f64(4.0);
        let picks = [
            T::Real::nan(),
            T::Real::infinity(),
            T::Real::neg_infinity(),
            big,
            -big,
            T::Real::min_positive_value(),
            T::Real::zero(),
            -T::Real::zero(),
        ];
        for e in v.iter_mut() {
            if rng.next_u64() % 5 == 0 {
                let p = picks[(rng.next_u64() % picks.len() as u64) as usize];
                let q = picks[(rng.next_u64() % picks.len() as u64) as usize];
                *e = T::from_parts(p, if T::IS_COMPLEX { q } else { T::Real::zero() });
            }
        }
    }
    v
}

/// `got` agrees with `want`: bitwise (NaN matching NaN) when `tol` is `None`. Otherwise
/// `(f, scale)`, where `scale` is the sum of the magnitudes of the finite terms: if it
/// overflowed, partial sums may overflow in one order and not another, so any result is
/// accepted; else the same elements are non-finite (for a real type the same value, NaN,
/// +Inf or -Inf; for a complex one, which part holds it follows the order of operations),
/// and finite ones agree within `f * eps * scale`.
fn agrees<T: Scalar>(got: T, want: T, tol: Option<(f64, T::Real)>) -> bool {
    if same(got, want) {
        return true;
    }
    let Some((f, scale)) = tol else { return false };
    if !scale.is_finite() {
        return true;
    }
    let finite = |v: T| v.re().is_finite() && v.im().is_finite();
    if !finite(got) || !finite(want) {
        return !T::IS_COMPLEX
            && (got.re() == want.re() || got.re().is_nan() && want.re().is_nan())
            || T::IS_COMPLEX && !finite(got) && !finite(want);
    }
    let part = |g: T::Real, w: T::Real| {
        (g - w).abs() <= T::Real::from_f64(f) * T::Real::epsilon() * scale.max(T::Real::one())
    };
    part(got.re(), want.re()) && part(got.im(), want.im())
}

/// `|a| |b|` where both are finite, else zero: a term of the error scale of [`agrees`].
fn term<T: Scalar>(a: T, b: T) -> T::Real {
    let fin = |v: T| v.re().is_finite() && v.im().is_finite();
    if fin(a) && fin(b) {
        a.abs1() * b.abs1()
    } else {
        T::Real::zero()
    }
}

/// The error scale of a dot product ([`agrees`]).
fn dot_scale<T: Scalar>(x: &[T], y: &[T]) -> T::Real {
    x.iter()
        .zip(y)
        .fold(T::Real::zero(), |s, (&a, &b)| s + term(a, b))
}

fn level1<T: GemmScalar>(
    n: usize,
    incx: isize,
    incy: isize,
    alpha: Special,
    extreme: bool,
    seed: u64,
) {
    let mut rng = Gen::new(seed);
    let alpha = alpha.value::<T>();
    let x: Vec<T> = values(n, &mut rng, extreme);
    let y: Vec<T> = values(n, &mut rng, extreme);
    let (sx, sy) = (
        StoredVec::new(&x, incx, nan()),
        StoredVec::new(&y, incy, nan()),
    );
    let f = Fast::default();
    let what = format!("n {n} incx {incx} incy {incy} alpha {alpha}");

    // Elementwise: bitwise.
    let (mut got, mut want) = (
        StoredVec::new(&y, incy, nan()),
        StoredVec::new(&y, incy, nan()),
    );
    f.axpy(alpha, sx.view(), got.view_mut()).unwrap();
    Reference.axpy(alpha, sx.view(), want.view_mut()).unwrap();
    assert_same(&got, &want, &format!("axpy {what}"));

    let (mut got, mut want) = (
        StoredVec::new(&x, incx, nan()),
        StoredVec::new(&x, incx, nan()),
    );
    f.scal(alpha, got.view_mut());
    Reference.scal(alpha, want.view_mut());
    assert_same(&got, &want, &format!("scal {what}"));
    let r = alpha.re();
    f.rscal(r, got.view_mut());
    Reference.rscal(r, want.view_mut());
    assert_same(&got, &want, &format!("rscal {what}"));

    let mut got = StoredVec::new(&y, incy, nan());
    f.copy(sx.view(), got.view_mut()).unwrap();
    assert_eq!(got.values().len(), n);
    assert!(
        got.values().iter().zip(&x).all(|(&g, &w)| same(g, w)),
        "copy {what}"
    );
    assert!(got.gaps_untouched(), "copy {what}: gaps");

    let (mut a, mut b) = (
        StoredVec::new(&x, incx, nan()),
        StoredVec::new(&y, incy, nan()),
    );
    f.swap(a.view_mut(), b.view_mut()).unwrap();
    assert!(
        a.values().iter().zip(&y).all(|(&g, &w)| same(g, w)),
        "swap x {what}"
    );
    assert!(
        b.values().iter().zip(&x).all(|(&g, &w)| same(g, w)),
        "swap y {what}"
    );
    assert!(
        a.gaps_untouched() && b.gaps_untouched(),
        "swap {what}: gaps"
    );

    // rot: bitwise (real c and s, complex products by (c, 0) as gfortran's).
    let (c, sn) = (T::Real::from_f64(0.6), T::Real::from_f64(-0.8));
    let (mut gx, mut gy) = (
        StoredVec::new(&x, incx, nan()),
        StoredVec::new(&y, incy, nan()),
    );
    let (mut wx, mut wy) = (
        StoredVec::new(&x, incx, nan()),
        StoredVec::new(&y, incy, nan()),
    );
    f.rot(gx.view_mut(), gy.view_mut(), c, sn).unwrap();
    Reference.rot(wx.view_mut(), wy.view_mut(), c, sn).unwrap();
    assert_same(&gx, &wx, &format!("rot x {what}"));
    assert_same(&gy, &wy, &format!("rot y {what}"));

    // Reductions: within n * eps of the sum of magnitudes.
    let tol = Some((4.0 * (n as f64 + 1.0), dot_scale(&x, &y)));
    for (name, g, w) in [
        (
            "dotu",
            f.dotu(sx.view(), sy.view()),
            Reference.dotu(sx.view(), sy.view()),
        ),
        (
            "dotc",
            f.dotc(sx.view(), sy.view()),
            Reference.dotc(sx.view(), sy.view()),
        ),
    ] {
        let (g, w) = (g.unwrap(), w.unwrap());
        assert!(
            agrees(g, w, tol),
            "{name} {what}: {g}, the reference gives {w}"
        );
    }
    // iamax: the same index (ties: the first; NaN never chosen unless first).
    assert_eq!(
        f.iamax(sx.view()),
        Reference.iamax(sx.view()),
        "iamax {what}"
    );
    // And on small integers, which tie often.
    let ties: Vec<T> = values_of(Data::Exact, n, &mut rng, extreme);
    let st = StoredVec::new(&ties, incx, nan());
    assert_eq!(
        f.iamax(st.view()),
        Reference.iamax(st.view()),
        "iamax (ties) {what}"
    );

    // nrm2 is scaled: it never overflows, so its relative error is small in every case.
    let (g, w) = (f.nrm2(sx.view()), Reference.nrm2(sx.view()));
    assert!(
        agrees(g, w, Some((4.0 * (n as f64 + 2.0), w.abs()))),
        "nrm2 {what}: {g}, the reference gives {w}"
    );
    let (g, w) = (f.asum(sx.view()), Reference.asum(sx.view()));
    let scale = x
        .iter()
        .fold(T::Real::zero(), |s, &v| s + term(v, T::one()));
    assert!(
        agrees(g, w, Some((4.0 * (n as f64 + 1.0), scale))),
        "asum {what}: {g}, the reference gives {w}"
    );
}

#[track_caller]
fn assert_same<T: Scalar>(got: &StoredVec<T>, want: &StoredVec<T>, what: &str) {
    for (k, (&g, &w)) in got.buf.iter().zip(&want.buf).enumerate() {
        assert!(
            same(g, w),
            "{what}: stored element {k} is {g}, the reference gives {w}"
        );
    }
}

fn gemv<T: GemmScalar>(
    (m, n): (usize, usize),
    trans: Trans,
    layout: Layout,
    (incx, incy): (isize, isize),
    (alpha, beta): (Special, Special),
    extreme: bool,
    seed: u64,
) {
    let mut rng = Gen::new(seed);
    let (alpha, beta) = (alpha.value::<T>(), beta.value::<T>());
    let mut a = Dense::<T>::zeros(m, n);
    let vals: Vec<T> = values(m * n, &mut rng, extreme);
    for j in 0..n {
        for i in 0..m {
            a.set(i, j, vals[i + j * m]);
        }
    }
    let sa = Stored::new(&a, layout, nan());
    let (xl, yl) = if trans == Trans::No { (n, m) } else { (m, n) };
    let x: Vec<T> = values(xl, &mut rng, extreme);
    let y: Vec<T> = if beta == T::zero() {
        vec![nan(); yl]
    } else {
        values(yl, &mut rng, extreme)
    };
    let sx = StoredVec::new(&x, incx, nan());
    let (mut got, mut want) = (
        StoredVec::new(&y, incy, nan()),
        StoredVec::new(&y, incy, nan()),
    );
    let f = Fast::default();
    f.gemv(trans, alpha, sa.view(), sx.view(), beta, got.view_mut())
        .unwrap();
    Reference
        .gemv(trans, alpha, sa.view(), sx.view(), beta, want.view_mut())
        .unwrap();
    let what = format!(
        "gemv {trans:?} {m}x{n} {layout:?} incx {incx} incy {incy} alpha {alpha} beta {beta}"
    );
    assert!(got.gaps_untouched(), "{what}: gaps");
    let scale = (0..yl)
        .map(|i| {
            (0..xl).fold(T::Real::zero(), |s, j| {
                let aij = if trans == Trans::No {
                    a.get(i, j)
                } else {
                    a.get(j, i)
                };
                s + term(aij, x[j])
            }) * alpha.abs1()
        })
        .fold(T::Real::zero(), |s, v| s.max(v));
    // The axpy-form kernel rounds as the reference: bitwise. It runs where op(A) is read by
    // columns: A with unit row stride and no transpose, or A with unit column stride (and
    // not the first) transposed, as `Fast::gemv` picks; other strides copy op(A) by columns.
    let view = sa.view();
    let (rs, cs) = (view.row_stride(), view.col_stride());
    let axpy_form = if rs == 1 && cs > 0 {
        trans == Trans::No
    } else if cs == 1 && rs > 0 {
        trans != Trans::No
    } else {
        true
    };
    let tol = (!axpy_form).then_some((8.0 * (xl as f64 + 2.0), scale));
    for (k, (&g, &w)) in got.values().iter().zip(&want.values()).enumerate() {
        assert!(
            agrees(g, w, tol),
            "{what}: y[{k}] is {g}, the reference gives {w}"
        );
    }

    // ger on the same shape: bitwise.
    let xr: Vec<T> = values(m, &mut rng, extreme);
    let yr: Vec<T> = values(n, &mut rng, extreme);
    let (sxr, syr) = (
        StoredVec::new(&xr, incx, nan()),
        StoredVec::new(&yr, incy, nan()),
    );
    for conj in [false, true] {
        let (mut g, mut w) = (
            Stored::new(&a, layout, nan()),
            Stored::new(&a, layout, nan()),
        );
        if conj {
            f.gerc(alpha, sxr.view(), syr.view(), g.view_mut()).unwrap();
            Reference
                .gerc(alpha, sxr.view(), syr.view(), w.view_mut())
                .unwrap();
        } else {
            f.geru(alpha, sxr.view(), syr.view(), g.view_mut()).unwrap();
            Reference
                .geru(alpha, sxr.view(), syr.view(), w.view_mut())
                .unwrap();
        }
        assert!(g.gaps_untouched(), "ger {what}: gaps");
        let (gd, wd) = (g.to_dense(), w.to_dense());
        for (k, (&p, &q)) in gd.data.iter().zip(&wd.data).enumerate() {
            assert!(
                same(p, q),
                "ger conj {conj} {what}: A[{k}] is {p}, the reference gives {q}"
            );
        }
    }
}

/// trsv, blocked from 128 on, against the reference's substitution on well-conditioned
/// triangles (the unreferenced triangle holds NaN): within a tolerance, since the blocks'
/// gemv sums in another order.
fn trsv<T: GemmScalar>(
    n: usize,
    uplo: hpc_core::Uplo,
    t: usize,
    unit: bool,
    layout: Layout,
    incx: isize,
    seed: u64,
) {
    use hpc_core::{Diag, Uplo};
    let mut rng = Gen::new(seed);
    let trans = [Trans::No, Trans::Trans, Trans::ConjTrans][t];
    let full = well_conditioned::<T>(n, &mut rng);
    let a = Dense::from_fn(n, n, |i, j| {
        let kept = if uplo == Uplo::Upper { i <= j } else { i >= j };
        if kept { full.get(i, j) } else { nan() }
    });
    let sa = Stored::new(&a, layout, nan());
    let b: Vec<T> = random_vec(n, &mut rng, Data::Real);
    let diag = if unit { Diag::Unit } else { Diag::NonUnit };
    let (mut got, mut want) = (
        StoredVec::new(&b, incx, nan()),
        StoredVec::new(&b, incx, nan()),
    );
    Fast::default()
        .trsv(uplo, trans, diag, sa.view(), got.view_mut())
        .unwrap();
    Reference
        .trsv(uplo, trans, diag, sa.view(), want.view_mut())
        .unwrap();
    assert!(got.gaps_untouched(), "trsv: gaps");
    // trmv on the same triangle: blocked the same way.
    let (mut mg, mut mw) = (
        StoredVec::new(&b, incx, nan()),
        StoredVec::new(&b, incx, nan()),
    );
    Fast::default()
        .trmv(uplo, trans, diag, sa.view(), mg.view_mut())
        .unwrap();
    Reference
        .trmv(uplo, trans, diag, sa.view(), mw.view_mut())
        .unwrap();
    assert!(mg.gaps_untouched(), "trmv: gaps");
    for (k, (&g, &w)) in mg.values().iter().zip(&mw.values()).enumerate() {
        assert!(
            close(g, w, 16.0 * (n as f64 + 1.0)),
            "trmv {uplo:?} {trans:?} unit {unit} n {n} {layout:?}: x[{k}] is {g}, the reference gives {w}"
        );
    }
    for (k, (&g, &w)) in got.values().iter().zip(&want.values()).enumerate() {
        assert!(
            close(g, w, 64.0 * (n as f64 + 1.0)),
            "trsv {uplo:?} {trans:?} unit {unit} n {n} {layout:?}: x[{k}] is {g}, the reference gives {w}"
        );
    }
}

/// syr, her, syr2 and her2 against the reference, bit for bit (each column's update is Level
/// 1's kernels rounding as the reference does); the other triangle holds NaN and must stay.
#[allow(clippy::too_many_arguments)]
fn rank_updates<T: GemmScalar>(
    n: usize,
    uplo: hpc_core::Uplo,
    layout: Layout,
    incs: (isize, isize),
    alpha: Special,
    extreme: bool,
    seed: u64,
) {
    use hpc_core::Uplo;
    let mut rng = Gen::new(seed);
    let alpha = alpha.value::<T>();
    // Inexact values, so that a change in the order of rounding shows.
    let vals: Vec<T> = values_of(Data::Real, n * n, &mut rng, extreme);
    let a = Dense::from_fn(n, n, |i, j| {
        let kept = if uplo == Uplo::Upper { i <= j } else { i >= j };
        if kept { vals[i + j * n] } else { nan() }
    });
    let x: Vec<T> = values_of(Data::Real, n, &mut rng, extreme);
    let y: Vec<T> = values_of(Data::Real, n, &mut rng, extreme);
    let (sx, sy) = (
        StoredVec::new(&x, incs.0, nan()),
        StoredVec::new(&y, incs.1, nan()),
    );
    let f = Fast::default();
    for routine in ["syr", "her", "syr2", "her2"] {
        let (mut g, mut w) = (
            Stored::new(&a, layout, nan()),
            Stored::new(&a, layout, nan()),
        );
        match routine {
            "syr" => {
                f.syr(uplo, alpha, sx.view(), g.view_mut()).unwrap();
                Reference.syr(uplo, alpha, sx.view(), w.view_mut()).unwrap();
            }
            "her" => {
                f.her(uplo, alpha.re(), sx.view(), g.view_mut()).unwrap();
                Reference
                    .her(uplo, alpha.re(), sx.view(), w.view_mut())
                    .unwrap();
            }
            "syr2" => {
                f.syr2(uplo, alpha, sx.view(), sy.view(), g.view_mut())
                    .unwrap();
                Reference
                    .syr2(uplo, alpha, sx.view(), sy.view(), w.view_mut())
                    .unwrap();
            }
            _ => {
                f.her2(uplo, alpha, sx.view(), sy.view(), g.view_mut())
                    .unwrap();
                Reference
                    .her2(uplo, alpha, sx.view(), sy.view(), w.view_mut())
                    .unwrap();
            }
        }
        assert!(g.gaps_untouched(), "{routine}: gaps");
        let (gd, wd) = (g.to_dense(), w.to_dense());
        for (k, (&p, &q)) in gd.data.iter().zip(&wd.data).enumerate() {
            assert!(
                same(p, q),
                "{routine} {uplo:?} n {n} {layout:?} alpha {alpha}: A[{k}] is {p}, the reference gives {q}"
            );
        }
    }
}

/// The band and packed routines (column by column on Level 1's kernels) against the
/// reference: products and solves within rounding, packed rank updates bit for bit. Band
/// gaps hold NaN; triangles for solves are well conditioned.
fn band_and_packed<T: GemmScalar>(
    n: usize,
    k: (usize, usize),
    lower: bool,
    t: usize,
    unit: bool,
    incs: (isize, isize),
    specials: (Special, Special),
    seed: u64,
) {
    use hpc_core::{BandRef, Diag, PackedRef, Uplo};
    let mut rng = Gen::new(seed);
    let uplo = if lower { Uplo::Lower } else { Uplo::Upper };
    let trans = [Trans::No, Trans::Trans, Trans::ConjTrans][t];
    let diag = if unit { Diag::Unit } else { Diag::NonUnit };
    let (alpha, beta) = (specials.0.value::<T>(), specials.1.value::<T>());
    let f = Fast::default();
    let tol = 32.0 * (n as f64 + 2.0);
    let what = format!("n {n} k {k:?} {uplo:?} {trans:?} unit {unit} alpha {alpha} beta {beta}");
    let check = |name: &str, g: &StoredVec<T>, w: &StoredVec<T>| {
        assert!(g.gaps_untouched(), "{name} {what}: gaps");
        for (i, (&p, &q)) in g.values().iter().zip(&w.values()).enumerate() {
            assert!(
                same(p, q) || close(p, q, tol),
                "{name} {what}: [{i}] is {p}, the reference gives {q}"
            );
        }
    };
    // gbmv on an m x n band, taller or wider (a wide band's last columns store no row).
    let m = if seed % 2 == 0 { n + 3 } else { n / 3 };
    let dense = Dense::<T>::random(m, n, &mut rng, Data::Real);
    let (buf, ld) = band_storage(&dense, k.0, k.1, 1, nan());
    let band = BandRef::new(&buf, m, n, k.0, k.1, ld).unwrap();
    let (xl, yl) = if trans == Trans::No { (n, m) } else { (m, n) };
    let x: Vec<T> = random_vec(xl, &mut rng, Data::Real);
    let y: Vec<T> = if beta == T::zero() {
        vec![nan(); yl]
    } else {
        random_vec(yl, &mut rng, Data::Real)
    };
    let sx = StoredVec::new(&x, incs.0, nan());
    let (mut g, mut w) = (
        StoredVec::new(&y, incs.1, nan()),
        StoredVec::new(&y, incs.1, nan()),
    );
    f.gbmv(trans, alpha, band, sx.view(), beta, g.view_mut())
        .unwrap();
    Reference
        .gbmv(trans, alpha, band, sx.view(), beta, w.view_mut())
        .unwrap();
    check("gbmv", &g, &w);

    // The triangular band (kd = k.0) and the packed triangle of one well-conditioned matrix.
    let kd = k.0;
    let full = well_conditioned::<T>(n, &mut rng);
    let (kl, ku) = if lower { (kd, 0) } else { (0, kd) };
    let (tbuf, tld) = band_storage(&full, kl, ku, 0, nan());
    let tband = BandRef::new(&tbuf, n, n, kl, ku, tld).unwrap();
    let ap = pack(&full, uplo);
    let packed = PackedRef::new(&ap, n).unwrap();
    let x: Vec<T> = random_vec(n, &mut rng, Data::Real);
    let y: Vec<T> = if beta == T::zero() {
        vec![nan(); n]
    } else {
        random_vec(n, &mut rng, Data::Real)
    };
    let sx = StoredVec::new(&x, incs.0, nan());
    for herm in [false, true] {
        let (mut g, mut w) = (
            StoredVec::new(&y, incs.1, nan()),
            StoredVec::new(&y, incs.1, nan()),
        );
        let (mut gp, mut wp) = (
            StoredVec::new(&y, incs.1, nan()),
            StoredVec::new(&y, incs.1, nan()),
        );
        if herm {
            f.hbmv(uplo, alpha, tband, sx.view(), beta, g.view_mut())
                .unwrap();
            Reference
                .hbmv(uplo, alpha, tband, sx.view(), beta, w.view_mut())
                .unwrap();
            f.hpmv(uplo, alpha, packed, sx.view(), beta, gp.view_mut())
                .unwrap();
            Reference
                .hpmv(uplo, alpha, packed, sx.view(), beta, wp.view_mut())
                .unwrap();
        } else {
            f.sbmv(uplo, alpha, tband, sx.view(), beta, g.view_mut())
                .unwrap();
            Reference
                .sbmv(uplo, alpha, tband, sx.view(), beta, w.view_mut())
                .unwrap();
            f.spmv(uplo, alpha, packed, sx.view(), beta, gp.view_mut())
                .unwrap();
            Reference
                .spmv(uplo, alpha, packed, sx.view(), beta, wp.view_mut())
                .unwrap();
        }
        check(if herm { "hbmv" } else { "sbmv" }, &g, &w);
        check(if herm { "hpmv" } else { "spmv" }, &gp, &wp);
    }
    for solve in [false, true] {
        let (mut g, mut w) = (
            StoredVec::new(&x, incs.0, nan()),
            StoredVec::new(&x, incs.0, nan()),
        );
        let (mut gp, mut wp) = (
            StoredVec::new(&x, incs.0, nan()),
            StoredVec::new(&x, incs.0, nan()),
        );
        if solve {
            f.tbsv(uplo, trans, diag, tband, g.view_mut()).unwrap();
            Reference
                .tbsv(uplo, trans, diag, tband, w.view_mut())
                .unwrap();
            f.tpsv(uplo, trans, diag, packed, gp.view_mut()).unwrap();
            Reference
                .tpsv(uplo, trans, diag, packed, wp.view_mut())
                .unwrap();
        } else {
            f.tbmv(uplo, trans, diag, tband, g.view_mut()).unwrap();
            Reference
                .tbmv(uplo, trans, diag, tband, w.view_mut())
                .unwrap();
            f.tpmv(uplo, trans, diag, packed, gp.view_mut()).unwrap();
            Reference
                .tpmv(uplo, trans, diag, packed, wp.view_mut())
                .unwrap();
        }
        check(if solve { "tbsv" } else { "tbmv" }, &g, &w);
        check(if solve { "tpsv" } else { "tpmv" }, &gp, &wp);
    }
    // Packed rank updates: bitwise.
    let y2: Vec<T> = random_vec(n, &mut rng, Data::Real);
    let sy = StoredVec::new(&y2, incs.1, nan());
    for routine in ["spr", "hpr", "spr2", "hpr2"] {
        let (mut g, mut w) = (ap.clone(), ap.clone());
        let (gm, wm) = (packed_mut(&mut g, n), packed_mut(&mut w, n));
        match routine {
            "spr" => {
                f.spr(uplo, alpha, sx.view(), gm).unwrap();
                Reference.spr(uplo, alpha, sx.view(), wm).unwrap();
            }
            "hpr" => {
                f.hpr(uplo, alpha.re(), sx.view(), gm).unwrap();
                Reference.hpr(uplo, alpha.re(), sx.view(), wm).unwrap();
            }
            "spr2" => {
                f.spr2(uplo, alpha, sx.view(), sy.view(), gm).unwrap();
                Reference
                    .spr2(uplo, alpha, sx.view(), sy.view(), wm)
                    .unwrap();
            }
            _ => {
                f.hpr2(uplo, alpha, sx.view(), sy.view(), gm).unwrap();
                Reference
                    .hpr2(uplo, alpha, sx.view(), sy.view(), wm)
                    .unwrap();
            }
        }
        for (i, (&p, &q)) in g.iter().zip(&w).enumerate() {
            assert!(
                same(p, q),
                "{routine} {what}: AP[{i}] is {p}, the reference gives {q}"
            );
        }
    }
}

/// symv and hemv, blocked from 128 on, against the reference (the other triangle holds NaN).
fn symv<T: GemmScalar>(
    n: usize,
    uplo: hpc_core::Uplo,
    herm: bool,
    layout: Layout,
    incs: (isize, isize),
    specials: (Special, Special),
    seed: u64,
) {
    use hpc_core::Uplo;
    let mut rng = Gen::new(seed);
    let (alpha, beta) = (specials.0.value::<T>(), specials.1.value::<T>());
    let full = Dense::<T>::random(n, n, &mut rng, Data::Real);
    let a = Dense::from_fn(n, n, |i, j| {
        let kept = if uplo == Uplo::Upper { i <= j } else { i >= j };
        if kept { full.get(i, j) } else { nan() }
    });
    let sa = Stored::new(&a, layout, nan());
    let x: Vec<T> = random_vec(n, &mut rng, Data::Real);
    let y: Vec<T> = if beta == T::zero() {
        vec![nan(); n]
    } else {
        random_vec(n, &mut rng, Data::Real)
    };
    let sx = StoredVec::new(&x, incs.0, nan());
    let (mut got, mut want) = (
        StoredVec::new(&y, incs.1, nan()),
        StoredVec::new(&y, incs.1, nan()),
    );
    let f = Fast::default();
    if herm {
        f.hemv(uplo, alpha, sa.view(), sx.view(), beta, got.view_mut())
            .unwrap();
        Reference
            .hemv(uplo, alpha, sa.view(), sx.view(), beta, want.view_mut())
            .unwrap();
    } else {
        f.symv(uplo, alpha, sa.view(), sx.view(), beta, got.view_mut())
            .unwrap();
        Reference
            .symv(uplo, alpha, sa.view(), sx.view(), beta, want.view_mut())
            .unwrap();
    }
    assert!(got.gaps_untouched(), "symv: gaps");
    for (k, (&g, &w)) in got.values().iter().zip(&want.values()).enumerate() {
        assert!(
            close(g, w, 16.0 * (n as f64 + 1.0)),
            "{} {uplo:?} n {n} {layout:?}: y[{k}] is {g}, the reference gives {w}",
            if herm { "hemv" } else { "symv" }
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..config() })]
    #[test]
    fn band_and_packed_routines(n in prop::sample::select(vec![0usize, 1, 2, 5, 16, 17, 40, 150]),
                                kl in prop::sample::select(vec![0usize, 1, 2, 3, 70]),
                                ku in prop::sample::select(vec![0usize, 1, 2, 3, 70]),
                                lower in any::<bool>(),
                                t in 0usize..3, unit in any::<bool>(), incx in increment(),
                                incy in increment(), alpha in special(), beta in special(),
                                seed in any::<u64>(), ty in 0usize..4) {
        let a = (n, (kl, ku), lower, t, unit, (incx, incy), (alpha, beta), seed);
        match ty {
            0 => band_and_packed::<f32>(a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7),
            1 => band_and_packed::<f64>(a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7),
            2 => band_and_packed::<c32>(a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7),
            _ => band_and_packed::<c64>(a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7),
        }
    }

    #[test]
    fn rank_1_and_2_updates(n in prop::sample::select(vec![0usize, 1, 2, 7, 16, 17, 33, 100]),
                            lower in any::<bool>(), layout in layout(), incx in increment(),
                            incy in increment(), alpha in special(), extreme in any::<bool>(),
                            seed in any::<u64>(), ty in 0usize..4) {
        let uplo = if lower { hpc_core::Uplo::Lower } else { hpc_core::Uplo::Upper };
        match ty {
            0 => rank_updates::<f32>(n, uplo, layout, (incx, incy), alpha, extreme, seed),
            1 => rank_updates::<f64>(n, uplo, layout, (incx, incy), alpha, extreme, seed),
            2 => rank_updates::<c32>(n, uplo, layout, (incx, incy), alpha, extreme, seed),
            _ => rank_updates::<c64>(n, uplo, layout, (incx, incy), alpha, extreme, seed),
        }
    }

    #[test]
    fn symv_blocked(n in prop::sample::select(vec![0usize, 1, 5, 64, 127, 128, 129, 200, 300, 1100]),
                    lower in any::<bool>(), herm in any::<bool>(), layout in layout(),
                    incx in increment(), incy in increment(), alpha in special(), beta in special(),
                    seed in any::<u64>(), ty in 0usize..4) {
        let uplo = if lower { hpc_core::Uplo::Lower } else { hpc_core::Uplo::Upper };
        let args = (n, uplo, herm, layout, (incx, incy), (alpha, beta), seed);
        match ty {
            0 => symv::<f32>(args.0, args.1, args.2, args.3, args.4, args.5, args.6),
            1 => symv::<f64>(args.0, args.1, args.2, args.3, args.4, args.5, args.6),
            2 => symv::<c32>(args.0, args.1, args.2, args.3, args.4, args.5, args.6),
            _ => symv::<c64>(args.0, args.1, args.2, args.3, args.4, args.5, args.6),
        }
    }

    #[test]
    fn trsv_blocked(n in prop::sample::select(vec![0usize, 1, 5, 64, 127, 128, 129, 200, 300]),
                    lower in any::<bool>(), t in 0usize..3, unit in any::<bool>(),
                    layout in layout(), incx in increment(), seed in any::<u64>(), ty in 0usize..4) {
        let uplo = if lower { hpc_core::Uplo::Lower } else { hpc_core::Uplo::Upper };
        match ty {
            0 => trsv::<f32>(n, uplo, t, unit, layout, incx, seed),
            1 => trsv::<f64>(n, uplo, t, unit, layout, incx, seed),
            2 => trsv::<c32>(n, uplo, t, unit, layout, incx, seed),
            _ => trsv::<c64>(n, uplo, t, unit, layout, incx, seed),
        }
    }
}

macro_rules! typed {
    ($l1:ident, $l2:ident, $t:ty) => {
        proptest! {
            #![proptest_config(config())]
            #[test]
            fn $l1(n in len(), incx in increment(), incy in increment(), alpha in special(),
                   extreme in any::<bool>(), seed in any::<u64>()) {
                level1::<$t>(n, incx, incy, alpha, extreme, seed);
            }

            #[test]
            fn $l2(m in 0usize..=70, n in 0usize..=70, t in 0usize..3, layout in layout(),
                   incx in increment(), incy in increment(), alpha in special(),
                   beta in special(), extreme in any::<bool>(), seed in any::<u64>()) {
                let trans = [Trans::No, Trans::Trans, Trans::ConjTrans][t];
                gemv::<$t>((m, n), trans, layout, (incx, incy), (alpha, beta), extreme, seed);
            }
        }
    };
}

typed!(level1_f32, level2_f32, f32);
typed!(level1_f64, level2_f64, f64);
typed!(level1_c32, level2_c32, c32);
typed!(level1_c64, level2_c64, c64);

/// A large gemv, both ways, real and complex, whose rows cross AxpyF's row blocks and whose
/// columns are not a multiple of the fused groups.
#[test]
fn large_gemv_crosses_the_row_blocks() {
    for trans in [Trans::No, Trans::Trans] {
        let args = (
            Layout::COL_MAJOR,
            (1, 1),
            (Special::Other, Special::Other),
            false,
            7,
        );
        gemv::<f64>((4099, 19), trans, args.0, args.1, args.2, args.3, args.4);
        gemv::<c64>((2051, 11), trans, args.0, args.1, args.2, args.3, args.4);
    }
}

/// gemv and ger large enough to run on several threads give the same bits on 1, 2 and 3
/// threads, and agree with the reference.
#[test]
fn threads_do_not_change_results() {
    use hpc_core::{MatMut, MatRef, VecMut, VecRef};
    use hpc_gemm::Par;
    // Large enough that ger, the last routine to fork, takes three threads (2^17 elements each).
    let (m, n) = (701, 601);
    let mut rng = Gen::new(11);
    let a: Vec<f64> = random_vec(m * n, &mut rng, Data::Real);
    let x: Vec<f64> = random_vec(m.max(n), &mut rng, Data::Real);
    let y0: Vec<f64> = random_vec(m.max(n), &mut rng, Data::Real);
    let run = |threads: usize| {
        let f = Fast::new(Par::from_count(threads));
        let av = MatRef::from_col_major(&a, m, n, m).unwrap();
        let mut out = Vec::new();
        for (trans, (lx, ly)) in [(Trans::No, (n, m)), (Trans::Trans, (m, n))] {
            let mut y = y0[..ly].to_vec();
            f.gemv(
                trans,
                1.5,
                av,
                VecRef::from_slice(&x[..lx]),
                -0.5,
                VecMut::from_slice(&mut y),
            )
            .unwrap();
            out.extend(y);
        }
        let mut g = a.clone();
        f.geru(
            0.25,
            VecRef::from_slice(&x[..m]),
            VecRef::from_slice(&y0[..n]),
            MatMut::from_col_major(&mut g, m, n, m).unwrap(),
        )
        .unwrap();
        out.extend(g);
        out
    };
    let one = run(1);
    for threads in [2, 3] {
        let other = run(threads);
        assert!(
            one.iter()
                .zip(&other)
                .all(|(p, q)| p.to_bits() == q.to_bits()),
            "{threads} threads differ from one"
        );
    }
    // And the same values as the reference, within rounding.
    let av = MatRef::from_col_major(&a, m, n, m).unwrap();
    let mut y = y0[..m].to_vec();
    Reference
        .gemv(
            Trans::No,
            1.5,
            av,
            VecRef::from_slice(&x[..n]),
            -0.5,
            VecMut::from_slice(&mut y),
        )
        .unwrap();
    for (k, (&g, &w)) in one[..m].iter().zip(&y).enumerate() {
        assert!(
            (g - w).abs() <= 1e-12 * (1.0 + w.abs()) * n as f64,
            "y[{k}]: {g} vs {w}"
        );
    }
}

/// Level 1 on vectors long enough to be cut into pieces and shared between threads: the
/// same bits on 1, 2 and 3 threads, and the reference's values within rounding.
#[test]
fn long_vectors_give_the_same_bits_on_any_thread_count() {
    use hpc_core::{VecMut, VecRef};
    use hpc_gemm::Par;
    let n = (1 << 19) + 123;
    let mut rng = Gen::new(5);
    let x: Vec<c64> = random_vec(n, &mut rng, Data::Real);
    let y: Vec<c64> = random_vec(n, &mut rng, Data::Real);
    let run = |threads: usize| {
        let f = Fast::new(Par::from_count(threads));
        let (xv, yv) = (VecRef::from_slice(&x), VecRef::from_slice(&y));
        let mut z = y.clone();
        f.axpy(c64::new(0.5, -2.0), xv, VecMut::from_slice(&mut z))
            .unwrap();
        let d = f.dotc(xv, yv).unwrap();
        (d, f.nrm2(xv), f.asum(xv), z)
    };
    let one = run(1);
    for threads in [2, 3] {
        let other = run(threads);
        assert!(
            same(one.0, other.0) && one.1 == other.1 && one.2 == other.2,
            "{threads} threads"
        );
        assert!(
            one.3.iter().zip(&other.3).all(|(&p, &q)| same(p, q)),
            "axpy, {threads} threads"
        );
    }
    let xv = VecRef::from_slice(&x);
    let w = Reference.dotc(xv, VecRef::from_slice(&y)).unwrap();
    assert!(
        (one.0 - w).norm() <= 1e-10 * n as f64,
        "dotc {} vs {w}",
        one.0
    );
    let w = Reference.nrm2(xv);
    assert!((one.1 - w).abs() <= 1e-12 * w, "nrm2 {} vs {w}", one.1);
}

/// rotm for every flag, bitwise, and the mixed-precision dots within rounding of the
/// reference's f64 sums.
#[test]
fn rotm_and_mixed_dots_match_the_reference() {
    use hpc_core::{MixedDot, RealLevel1};
    let mut rng = Gen::new(3);
    for n in [0usize, 1, 7, 8, 17, 100, 1000] {
        for inc in [1isize, -2] {
            let x: Vec<f64> = values_of(Data::Real, n, &mut rng, true);
            let y: Vec<f64> = values_of(Data::Real, n, &mut rng, true);
            for flag in [-2.0, -1.0, 0.0, 1.0] {
                let param = [flag, 0.5, -1.25, 2.0, 0.75];
                let (mut gx, mut gy) =
                    (StoredVec::new(&x, inc, nan()), StoredVec::new(&y, 1, nan()));
                let (mut wx, mut wy) =
                    (StoredVec::new(&x, inc, nan()), StoredVec::new(&y, 1, nan()));
                Fast::default()
                    .rotm(gx.view_mut(), gy.view_mut(), &param)
                    .unwrap();
                Reference
                    .rotm(wx.view_mut(), wy.view_mut(), &param)
                    .unwrap();
                assert_same(&gx, &wx, &format!("rotm x n {n} flag {flag}"));
                assert_same(&gy, &wy, &format!("rotm y n {n} flag {flag}"));
            }
            let fx: Vec<f32> = values_of(Data::Real, n, &mut rng, false);
            let fy: Vec<f32> = values_of(Data::Real, n, &mut rng, false);
            let (sx, sy) = (
                StoredVec::new(&fx, inc, f32::NAN),
                StoredVec::new(&fy, inc, f32::NAN),
            );
            let g = Fast::default().dsdot(sx.view(), sy.view()).unwrap();
            let w = Reference.dsdot(sx.view(), sy.view()).unwrap();
            assert!(
                (g - w).abs() <= 1e-13 * (n as f64 + 1.0),
                "dsdot n {n}: {g} vs {w}"
            );
            let g = Fast::default().sdsdot(0.25, sx.view(), sy.view()).unwrap();
            let w = Reference.sdsdot(0.25, sx.view(), sy.view()).unwrap();
            assert!(
                (g - w).abs() <= 2.0 * f32::EPSILON * (1.0 + w.abs()),
                "sdsdot n {n}: {g} vs {w}"
            );
        }
    }
}

/// A row-major matrix of one column is also stored by columns (unit row stride): gemv reads
/// it in the dot form then, whatever its layout's name (a case the property test once drew).
#[test]
fn one_column_row_major_gemv() {
    let layout = Layout {
        row_major: true,
        ..Layout::COL_MAJOR
    };
    for seed in 0..20 {
        for trans in [Trans::No, Trans::Trans, Trans::ConjTrans] {
            gemv::<c32>(
                (18, 1),
                trans,
                layout,
                (-3, -2),
                (Special::Other, Special::Zero),
                false,
                seed,
            );
        }
    }
}

/// dot, dotc, nrm2 and asum read a vector of another increment a piece at a time into a
/// contiguous buffer: the same bits as for the same elements stored contiguously, on 1 and 2
/// threads, over several pieces, with the scaled nrm2 included (extreme values).
#[test]
fn strided_reductions_match_contiguous() {
    fn check<T: GemmScalar>(n: usize, extreme: bool, seed: u64)
    where
        Fast: Level1<T>,
    {
        use hpc_core::VecRef;
        use hpc_gemm::Par;
        let mut rng = Gen::new(seed);
        let x: Vec<T> = values(n, &mut rng, extreme);
        let y: Vec<T> = values(n, &mut rng, extreme);
        for threads in [1, 2] {
            let f = Fast::new(Par::from_count(threads));
            let (cx, cy) = (VecRef::from_slice(&x), VecRef::from_slice(&y));
            for (incx, incy) in [(2, 1), (-3, 2), (1, -1)] {
                let (sx, sy) = (
                    StoredVec::new(&x, incx, nan()),
                    StoredVec::new(&y, incy, nan()),
                );
                let what = format!(
                    "{} n {n} incx {incx} incy {incy} threads {threads}",
                    std::any::type_name::<T>()
                );
                let (g, w) = (f.dotu(sx.view(), sy.view()), f.dotu(cx, cy));
                assert!(same(g.unwrap(), w.unwrap()), "dotu {what}");
                let (g, w) = (f.dotc(sx.view(), sy.view()), f.dotc(cx, cy));
                assert!(same(g.unwrap(), w.unwrap()), "dotc {what}");
                assert!(same(f.nrm2(sx.view()), f.nrm2(cx)), "nrm2 {what}");
                assert!(same(f.asum(sx.view()), f.asum(cx)), "asum {what}");
            }
        }
    }
    for (seed, n) in [(1, 70_001), (2, 33_000), (3, 17)] {
        check::<f64>(n, false, seed);
        check::<f32>(n, true, seed);
        check::<c64>(n, true, seed);
        check::<c32>(n, false, seed);
    }
}

/// gemv's dot form gives the same bits wherever A sits in memory: under AVX-512 its loads
/// start before a column that is not on a vector boundary, and its lane sums must not depend
/// on where that is.
#[test]
fn gemv_t_bits_do_not_depend_on_the_address() {
    fn check<T: GemmScalar>(m: usize, extra: usize, seed: u64)
    where
        Fast: Level2<T>,
    {
        use hpc_core::{MatRef, VecMut, VecRef};
        let n = 11;
        let lda = m + extra;
        let mut rng = Gen::new(seed);
        let a: Vec<T> = values(lda * n, &mut rng, seed % 2 == 0);
        let x: Vec<T> = values(m, &mut rng, false);
        let f = Fast::default();
        let mut first: Option<Vec<T>> = None;
        for off in 0..17 {
            let mut buf = vec![T::zero(); off + lda * n];
            buf[off..].copy_from_slice(&a);
            let mut y = vec![T::zero(); n];
            let av = MatRef::from_col_major(&buf[off..], m, n, lda).unwrap();
            f.gemv(
                Trans::Trans,
                T::one(),
                av,
                VecRef::from_slice(&x),
                T::zero(),
                VecMut::from_slice(&mut y),
            )
            .unwrap();
            match &first {
                None => first = Some(y),
                Some(w) => {
                    for (g, w) in y.iter().zip(w) {
                        assert!(
                            same(*g, *w),
                            "{} m {m} lda {lda} at offset {off}: {g:?} != {w:?}",
                            std::any::type_name::<T>()
                        );
                    }
                }
            }
        }
    }
    for (m, extra, seed) in [(130, 0, 1), (257, 3, 2), (1000, 16, 3), (40, 0, 4)] {
        check::<f32>(m, extra, seed);
        check::<f64>(m, extra, seed);
        check::<c32>(m, extra, seed);
        check::<c64>(m, extra, seed);
    }
}

/// The band and packed routines on columns long enough for every path of the column
/// kernels (the aligned head of the real dot form starts at 8 vectors) and of the solves
/// (four columns a step from 512 elements, with the rows only some store), both triangles,
/// every transpose, both diagonals.
#[test]
fn band_and_packed_long_columns() {
    let specials = (Special::Other, Special::Other);
    for (t, lower, unit) in (0..3).flat_map(|t| [(t, false, false), (t, true, true)]) {
        let seed = 3 + t as u64;
        band_and_packed::<f64>(150, (70, 70), lower, t, unit, (1, 1), specials, seed);
        band_and_packed::<f32>(150, (70, 70), lower, t, unit, (1, 1), specials, seed);
        band_and_packed::<c64>(150, (70, 70), lower, t, unit, (1, 1), specials, seed);
        band_and_packed::<c32>(150, (70, 70), lower, t, unit, (1, 1), specials, seed);
        // Columns of 512 and more: tbsv and tpsv go four columns a step.
        band_and_packed::<f64>(600, (530, 530), lower, t, unit, (1, 1), specials, seed);
        band_and_packed::<c32>(600, (530, 530), lower, t, unit, (1, 1), specials, seed);
    }
}

/// The band and packed products give the same bits on one thread as on two and three (their
/// threads share out rows or elements of the result), every triangle and transpose, on a
/// narrow band, a wide one and packed storage.
#[test]
fn band_and_packed_bits_do_not_depend_on_threads() {
    band_and_packed_threads::<f64>();
    band_and_packed_threads::<c64>();
}

fn band_and_packed_threads<T: GemmScalar>()
where
    Fast: Level2<T>,
{
    use hpc_core::{BandRef, Diag, PackedRef, Uplo, VecMut, VecRef};
    use hpc_gemm::Par;
    let mut rng = Gen::new(33);
    let (alpha, beta) = (scalar::<T>(0.7, -0.2), scalar::<T>(1.3, 0.1));
    for (n, k) in [(3000usize, 40usize), (1300, 900)] {
        let full = Dense::<T>::random(n, n, &mut rng, Data::Real);
        let x: Vec<T> = random_vec(n, &mut rng, Data::Real);
        let y0: Vec<T> = random_vec(n, &mut rng, Data::Real);
        let (gb, gld) = band_storage(&full, k, k / 2, 0, T::zero());
        for uplo in [Uplo::Lower, Uplo::Upper] {
            let (kl, ku) = if uplo == Uplo::Lower { (k, 0) } else { (0, k) };
            let (tb, tld) = band_storage(&full, kl, ku, 0, T::zero());
            let ap = pack(&full, uplo);
            for t in 0..3 {
                let trans = [Trans::No, Trans::Trans, Trans::ConjTrans][t];
                let run = |threads: usize| {
                    let f = Fast::new(Par::from_count(threads));
                    let (gband, band) = (
                        BandRef::new(&gb, n, n, k, k / 2, gld).unwrap(),
                        BandRef::new(&tb, n, n, kl, ku, tld).unwrap(),
                    );
                    let packed = PackedRef::new(&ap, n).unwrap();
                    let xv = || VecRef::from_slice(&x);
                    let mut out = Vec::new();
                    let mut y = y0.clone();
                    f.gbmv(trans, alpha, gband, xv(), beta, VecMut::from_slice(&mut y))
                        .unwrap();
                    out.push(y);
                    for herm in [false, true] {
                        let (mut y1, mut y2) = (y0.clone(), y0.clone());
                        let (v1, v2) = (VecMut::from_slice(&mut y1), VecMut::from_slice(&mut y2));
                        if herm {
                            f.hbmv(uplo, alpha, band, xv(), beta, v1).unwrap();
                            f.hpmv(uplo, alpha, packed, xv(), beta, v2).unwrap();
                        } else {
                            f.sbmv(uplo, alpha, band, xv(), beta, v1).unwrap();
                            f.spmv(uplo, alpha, packed, xv(), beta, v2).unwrap();
                        }
                        out.extend([y1, y2]);
                    }
                    for unit in [Diag::NonUnit, Diag::Unit] {
                        let (mut z1, mut z2) = (x.clone(), x.clone());
                        f.tbmv(uplo, trans, unit, band, VecMut::from_slice(&mut z1))
                            .unwrap();
                        f.tpmv(uplo, trans, unit, packed, VecMut::from_slice(&mut z2))
                            .unwrap();
                        out.extend([z1, z2]);
                    }
                    out
                };
                let one = run(1);
                for threads in [2, 3] {
                    for (r, (g, w)) in run(threads).iter().zip(&one).enumerate() {
                        for (i, (g, w)) in g.iter().zip(w).enumerate() {
                            assert!(
                                same(*g, *w),
                                "n {n} k {k} {uplo:?} {trans:?} result {r}: [{i}] {g:?} on {threads} threads, {w:?} on one"
                            );
                        }
                    }
                }
            }
        }
    }
}

/// symv and hemv of orders of many blocks, both triangles, against the reference.
#[test]
fn symv_large() {
    use hpc_core::Uplo;
    for uplo in [Uplo::Lower, Uplo::Upper] {
        let args = (Layout::COL_MAJOR, (1, 1), (Special::Other, Special::Other));
        symv::<f64>(1300, uplo, false, args.0, args.1, args.2, 5);
        symv::<c64>(700, uplo, true, args.0, args.1, args.2, 6);
        symv::<c32>(700, uplo, false, args.0, args.1, args.2, 7);
    }
}

/// symv and hemv give the same bits on one thread as on two and three, both triangles, at
/// orders with one group of block columns and with several.
#[test]
fn symv_bits_do_not_depend_on_threads() {
    symv_threads::<f64>(false, 1300);
    symv_threads::<f64>(false, 200);
    symv_threads::<c64>(true, 700);
    symv_threads::<c32>(false, 600);
}

fn symv_threads<T: GemmScalar>(herm: bool, n: usize)
where
    Fast: Level2<T>,
{
    use hpc_core::{MatRef, Uplo, VecMut, VecRef};
    use hpc_gemm::Par;
    let (mut rng, data) = (Gen::new(21), Data::Real);
    let a: Vec<T> = random_vec(n * n, &mut rng, data);
    let x: Vec<T> = random_vec(n, &mut rng, data);
    let y0: Vec<T> = random_vec(n, &mut rng, data);
    let (alpha, beta) = (random_vec::<T>(1, &mut rng, data)[0], T::one());
    for uplo in [Uplo::Lower, Uplo::Upper] {
        let run = |threads| {
            let mut y = y0.clone();
            let fast = Fast::new(Par::from_count(threads));
            let (a, x) = (
                MatRef::from_col_major(&a, n, n, n).unwrap(),
                VecRef::from_slice(&x),
            );
            let y_view = VecMut::from_slice(&mut y);
            if herm {
                fast.hemv(uplo, alpha, a, x, beta, y_view).unwrap();
            } else {
                fast.symv(uplo, alpha, a, x, beta, y_view).unwrap();
            }
            y
        };
        let one = run(1);
        for threads in [2, 3] {
            for (i, (g, w)) in run(threads).iter().zip(&one).enumerate() {
                assert!(
                    same(*g, *w),
                    "{} {uplo:?} n {n}: y[{i}] {g:?} on {threads} threads, {w:?} on one",
                    if herm { "hemv" } else { "symv" }
                );
            }
        }
    }
}

/// gemv and ger on matrices with no unit stride (copied a block at a time into contiguous
/// buffers, `level2::strided`), large enough to cross the blocks' rows and columns and to run
/// on three threads: bitwise the reference on 1, 2 and 3 threads, every transpose, real and
/// complex, with gaps left untouched.
#[test]
fn strided_matrices_match_the_reference_on_any_thread_count() {
    strided_large::<f64>();
    strided_large::<c64>();
}

fn strided_large<T: GemmScalar>()
where
    Fast: Level2<T>,
{
    use hpc_gemm::Par;
    let (m, n) = (1100, 403);
    let mut rng = Gen::new(17);
    let vals: Vec<T> = random_vec(m * n, &mut rng, Data::Real);
    let a = Dense::from_fn(m, n, |i, j| vals[i + j * m]);
    let xl: Vec<T> = random_vec(m.max(n), &mut rng, Data::Real);
    let y0: Vec<T> = random_vec(m.max(n), &mut rng, Data::Real);
    let (alpha, beta): (T, T) = (scalar(1.5, -0.25), scalar(-0.5, 0.75));
    let row_step2 = Layout {
        row_major: true,
        step: 2,
        pad: 1,
        neg_rows: false,
        neg_cols: false,
    };
    let neg = Layout {
        row_major: false,
        step: 2,
        pad: 0,
        neg_rows: true,
        neg_cols: true,
    };
    for layout in [row_step2, neg] {
        let sa = Stored::new(&a, layout, nan());
        for threads in [1, 2, 3] {
            let f = Fast::new(Par::from_count(threads));
            for trans in [Trans::No, Trans::Trans, Trans::ConjTrans] {
                let (lx, ly) = if trans == Trans::No { (n, m) } else { (m, n) };
                let sx = StoredVec::new(&xl[..lx], 1, nan());
                let mut got = StoredVec::new(&y0[..ly], -2, nan());
                let mut want = StoredVec::new(&y0[..ly], -2, nan());
                f.gemv(trans, alpha, sa.view(), sx.view(), beta, got.view_mut())
                    .unwrap();
                Reference
                    .gemv(trans, alpha, sa.view(), sx.view(), beta, want.view_mut())
                    .unwrap();
                assert_same(
                    &got,
                    &want,
                    &format!("gemv {trans:?} {layout:?} {threads}t"),
                );
            }
            for conj in [false, true] {
                let (sx, sy) = (
                    StoredVec::new(&xl[..m], 1, nan()),
                    StoredVec::new(&y0[..n], 3, nan()),
                );
                let (mut g, mut w) = (
                    Stored::new(&a, layout, nan()),
                    Stored::new(&a, layout, nan()),
                );
                if conj {
                    f.gerc(alpha, sx.view(), sy.view(), g.view_mut()).unwrap();
                    Reference
                        .gerc(alpha, sx.view(), sy.view(), w.view_mut())
                        .unwrap();
                } else {
                    f.geru(alpha, sx.view(), sy.view(), g.view_mut()).unwrap();
                    Reference
                        .geru(alpha, sx.view(), sy.view(), w.view_mut())
                        .unwrap();
                }
                assert!(
                    g.buf.iter().zip(&w.buf).all(|(&p, &q)| same(p, q)),
                    "ger conj {conj} {layout:?} {threads}t differs from the reference"
                );
            }
        }
    }
}
