//! Small hand-computed cases for every routine of the reference BLAS. The real-valued cases run
//! for all four types (complex types with zero imaginary parts); the complex cases check what
//! only complex types have: conjugation, Hermitian diagonals, complex rotg. Every expected
//! value below was worked out by hand and is written as a literal.

use hpc_testing as common;

use common::{nan, scalar};
use hpc_core::reference::Reference;
use hpc_core::{
    BandRef, Diag, Level1, Level2, Level3, MatMut, MatRef, MixedDot, PackedMut, PackedRef,
    RealLevel1, RealScalar, Scalar, Side, Trans, Uplo, VecMut, VecRef, c32, c64,
};

/// Real values as `T`.
fn v<T: Scalar>(xs: &[f64]) -> Vec<T> {
    xs.iter().map(|&x| scalar(x, 0.0)).collect()
}
/// Complex values as `T` (a complex type).
fn z<T: Scalar>(xs: &[(f64, f64)]) -> Vec<T> {
    xs.iter().map(|&(re, im)| scalar(re, im)).collect()
}
fn cm<T: Scalar>(data: &[T], rows: usize, cols: usize) -> MatRef<'_, T> {
    MatRef::from_col_major(data, rows, cols, rows.max(1)).unwrap()
}
fn cm_mut<T: Scalar>(data: &mut [T], rows: usize, cols: usize) -> MatMut<'_, T> {
    MatMut::from_col_major(data, rows, cols, rows.max(1)).unwrap()
}
fn x<T: Scalar>(data: &[T]) -> VecRef<'_, T> {
    VecRef::from_slice(data)
}
fn y<T: Scalar>(data: &mut [T]) -> VecMut<'_, T> {
    VecMut::from_slice(data)
}

fn level1_real<T: Scalar>() {
    let r = Reference;
    let (mut a, mut b) = (scalar::<T>(3.0, 0.0), scalar::<T>(4.0, 0.0));
    let (c, s) = r.rotg(&mut a, &mut b);
    assert!(
        (c.to_f64() - 0.6).abs() < 1e-6 && (s.re().to_f64() - 0.8).abs() < 1e-6,
        "rotg(3, 4)"
    );
    assert!((a.re().to_f64() - 5.0).abs() < 1e-6, "rotg r");
    // Real rotg stores z = 1/c (|a| <= |b|); complex rotg leaves b alone.
    let want_b = if T::IS_COMPLEX { 4.0 } else { 1.0 / 0.6 };
    assert!((b.re().to_f64() - want_b).abs() < 1e-5, "rotg b = {b}");

    let (mut p, mut q) = (v::<T>(&[1.0, 2.0]), v::<T>(&[3.0, 4.0]));
    r.rot(
        y(&mut p),
        y(&mut q),
        scalar::<T>(0.0, 0.0).re(),
        scalar::<T>(1.0, 0.0).re(),
    )
    .unwrap();
    assert_eq!(
        (p.clone(), q.clone()),
        (v(&[3.0, 4.0]), v(&[-1.0, -2.0])),
        "rot by 90 degrees"
    );

    r.swap(y(&mut p), y(&mut q)).unwrap();
    assert_eq!(
        (p.clone(), q.clone()),
        (v(&[-1.0, -2.0]), v(&[3.0, 4.0])),
        "swap"
    );
    r.copy(x(&q), y(&mut p)).unwrap();
    assert_eq!(p, v(&[3.0, 4.0]), "copy");

    let mut s3 = v::<T>(&[1.0, -2.0, 3.0]);
    r.scal(scalar(2.0, 0.0), y(&mut s3));
    assert_eq!(s3, v(&[2.0, -4.0, 6.0]), "scal");
    r.rscal(scalar::<T>(0.5, 0.0).re(), y(&mut s3));
    assert_eq!(s3, v(&[1.0, -2.0, 3.0]), "rscal");

    let mut yy = v::<T>(&[1.0, 1.0, 1.0]);
    r.axpy(scalar(2.0, 0.0), x(&v(&[1.0, 2.0, 3.0])), y(&mut yy))
        .unwrap();
    assert_eq!(yy, v(&[3.0, 5.0, 7.0]), "axpy");

    let (a3, b3) = (v::<T>(&[1.0, 2.0, 3.0]), v::<T>(&[4.0, 5.0, 6.0]));
    assert_eq!(r.dotu(x(&a3), x(&b3)).unwrap(), scalar(32.0, 0.0), "dotu");
    assert_eq!(r.dotc(x(&a3), x(&b3)).unwrap(), scalar(32.0, 0.0), "dotc");
    assert_eq!(r.nrm2(x(&v::<T>(&[3.0, -4.0]))).to_f64(), 5.0, "nrm2");
    assert_eq!(r.asum(x(&v::<T>(&[1.0, -2.0, 3.0]))).to_f64(), 6.0, "asum");
    assert_eq!(
        r.iamax(x(&v::<T>(&[1.0, -3.0, 3.0, 2.0]))),
        Some(1),
        "iamax: first of the largest"
    );
    assert_eq!(r.iamax(x(&v::<T>(&[]))), None, "iamax of nothing");
    assert_eq!(
        r.iamax(x(&v::<T>(&[f64::NAN, 5.0]))),
        Some(0),
        "iamax: a NaN first element wins"
    );
    assert_eq!(
        r.iamax(x(&v::<T>(&[1.0, f64::NAN, 5.0]))),
        Some(2),
        "iamax: a later NaN is skipped"
    );
    // Negative increment: element i is at (n - 1 - i) * |inc|.
    let data = v::<T>(&[1.0, 9.0, 2.0, 9.0, 3.0]);
    let rev = VecRef::from_blas(&data, 3, -2).unwrap();
    assert_eq!(
        rev.to_vec(),
        v(&[3.0, 2.0, 1.0]),
        "negative increment order"
    );
    assert_eq!(r.iamax(rev), Some(0));
}

fn level2_real<T: Scalar>() {
    let r = Reference;
    let one: T = scalar(1.0, 0.0);
    // A = [[1, 2], [3, 4]]
    let a = v::<T>(&[1.0, 3.0, 2.0, 4.0]);
    let mut yy = v::<T>(&[1.0, 1.0]);
    r.gemv(
        Trans::No,
        one,
        cm(&a, 2, 2),
        x(&v(&[1.0, 1.0])),
        scalar(2.0, 0.0),
        y(&mut yy),
    )
    .unwrap();
    assert_eq!(yy, v(&[5.0, 9.0]), "gemv N");
    let mut yy = v::<T>(&[1.0, 1.0]);
    r.gemv(
        Trans::Trans,
        one,
        cm(&a, 2, 2),
        x(&v(&[1.0, 1.0])),
        scalar(2.0, 0.0),
        y(&mut yy),
    )
    .unwrap();
    assert_eq!(yy, v(&[6.0, 8.0]), "gemv T");
    let mut yy = vec![nan::<T>(); 2];
    r.gemv(
        Trans::No,
        one,
        cm(&a, 2, 2),
        x(&v(&[1.0, 1.0])),
        T::zero(),
        y(&mut yy),
    )
    .unwrap();
    assert_eq!(yy, v(&[3.0, 7.0]), "gemv beta = 0 ignores NaN in y");

    // Tridiagonal [[1, 2, 0], [3, 4, 5], [0, 6, 7]] in band storage, kl = ku = 1, ld = 3.
    let band = v::<T>(&[99.0, 1.0, 3.0, 2.0, 4.0, 6.0, 5.0, 7.0, 99.0]);
    let mut yy = vec![nan::<T>(); 3];
    r.gbmv(
        Trans::No,
        one,
        BandRef::new(&band, 3, 3, 1, 1, 3).unwrap(),
        x(&v(&[1.0, 1.0, 1.0])),
        T::zero(),
        y(&mut yy),
    )
    .unwrap();
    assert_eq!(yy, v(&[3.0, 12.0, 13.0]), "gbmv");

    // Symmetric [[1, 2], [2, 4]] from its upper triangle (99 = never read).
    let sym = v::<T>(&[1.0, 99.0, 2.0, 4.0]);
    let sband = v::<T>(&[99.0, 1.0, 2.0, 4.0]); // upper band, k = 1, ld = 2
    let spack = v::<T>(&[1.0, 2.0, 4.0]);
    let ones = v::<T>(&[1.0, 1.0]);
    let want = v::<T>(&[3.0, 6.0]);
    for herm in [false, true] {
        let mut y1 = vec![nan::<T>(); 2];
        let mut y2 = vec![nan::<T>(); 2];
        let mut y3 = vec![nan::<T>(); 2];
        let bref = BandRef::triangle(&sband, 2, 1, 2, Uplo::Upper).unwrap();
        let pref = PackedRef::new(&spack, 2).unwrap();
        if herm {
            r.hemv(
                Uplo::Upper,
                one,
                cm(&sym, 2, 2),
                x(&ones),
                T::zero(),
                y(&mut y1),
            )
            .unwrap();
            r.hbmv(Uplo::Upper, one, bref, x(&ones), T::zero(), y(&mut y2))
                .unwrap();
            r.hpmv(Uplo::Upper, one, pref, x(&ones), T::zero(), y(&mut y3))
                .unwrap();
        } else {
            r.symv(
                Uplo::Upper,
                one,
                cm(&sym, 2, 2),
                x(&ones),
                T::zero(),
                y(&mut y1),
            )
            .unwrap();
            r.sbmv(Uplo::Upper, one, bref, x(&ones), T::zero(), y(&mut y2))
                .unwrap();
            r.spmv(Uplo::Upper, one, pref, x(&ones), T::zero(), y(&mut y3))
                .unwrap();
        }
        assert_eq!(
            (&y1, &y2, &y3),
            (&want, &want, &want),
            "symv/sbmv/spmv (herm {herm})"
        );
    }

    // Triangular [[1, 2], [0, 4]] (upper; 99 below the diagonal is never read).
    let tri = v::<T>(&[1.0, 99.0, 2.0, 4.0]);
    let tband = v::<T>(&[99.0, 1.0, 2.0, 4.0]);
    let tpack = v::<T>(&[1.0, 2.0, 4.0]);
    let cases = [
        (Trans::No, Diag::NonUnit, [3.0, 4.0]),
        (Trans::Trans, Diag::NonUnit, [1.0, 6.0]),
        (Trans::No, Diag::Unit, [3.0, 1.0]),
    ];
    for (t, d, want) in cases {
        let bref = BandRef::triangle(&tband, 2, 1, 2, Uplo::Upper).unwrap();
        let pref = PackedRef::new(&tpack, 2).unwrap();
        let (mut x1, mut x2, mut x3) = (ones.clone(), ones.clone(), ones.clone());
        r.trmv(Uplo::Upper, t, d, cm(&tri, 2, 2), y(&mut x1))
            .unwrap();
        r.tbmv(Uplo::Upper, t, d, bref, y(&mut x2)).unwrap();
        r.tpmv(Uplo::Upper, t, d, pref, y(&mut x3)).unwrap();
        let w = v::<T>(&want);
        assert_eq!((&x1, &x2, &x3), (&w, &w, &w), "trmv/tbmv/tpmv {t:?} {d:?}");
        r.trsv(Uplo::Upper, t, d, cm(&tri, 2, 2), y(&mut x1))
            .unwrap();
        r.tbsv(Uplo::Upper, t, d, bref, y(&mut x2)).unwrap();
        r.tpsv(Uplo::Upper, t, d, pref, y(&mut x3)).unwrap();
        assert_eq!(
            (&x1, &x2, &x3),
            (&ones, &ones, &ones),
            "trsv/tbsv/tpsv {t:?} {d:?}"
        );
    }

    // Rank updates.
    for conj in [false, true] {
        let mut m = v::<T>(&[0.0; 4]);
        let (xs, ys) = (v::<T>(&[1.0, 2.0]), v::<T>(&[3.0, 4.0]));
        if conj {
            r.gerc(one, x(&xs), x(&ys), cm_mut(&mut m, 2, 2))
        } else {
            r.geru(one, x(&xs), x(&ys), cm_mut(&mut m, 2, 2))
        }
        .unwrap();
        assert_eq!(m, v(&[3.0, 6.0, 4.0, 8.0]), "ger (conj {conj})");
    }
    let (xs, ys) = (v::<T>(&[1.0, 2.0]), v::<T>(&[3.0, 4.0]));
    for herm in [false, true] {
        // Upper triangle; 7 below the diagonal must stay.
        let mut m = v::<T>(&[0.0, 7.0, 0.0, 0.0]);
        let mut p = v::<T>(&[0.0; 3]);
        if herm {
            r.her(Uplo::Upper, one.re(), x(&xs), cm_mut(&mut m, 2, 2))
                .unwrap();
            r.hpr(
                Uplo::Upper,
                one.re(),
                x(&xs),
                PackedMut::new(&mut p, 2).unwrap(),
            )
            .unwrap();
        } else {
            r.syr(Uplo::Upper, one, x(&xs), cm_mut(&mut m, 2, 2))
                .unwrap();
            r.spr(Uplo::Upper, one, x(&xs), PackedMut::new(&mut p, 2).unwrap())
                .unwrap();
        }
        assert_eq!(
            (m, p),
            (v(&[1.0, 7.0, 2.0, 4.0]), v(&[1.0, 2.0, 4.0])),
            "syr/spr (herm {herm})"
        );
        let mut m = v::<T>(&[0.0, 7.0, 0.0, 0.0]);
        let mut p = v::<T>(&[0.0; 3]);
        if herm {
            r.her2(Uplo::Upper, one, x(&xs), x(&ys), cm_mut(&mut m, 2, 2))
                .unwrap();
            r.hpr2(
                Uplo::Upper,
                one,
                x(&xs),
                x(&ys),
                PackedMut::new(&mut p, 2).unwrap(),
            )
            .unwrap();
        } else {
            r.syr2(Uplo::Upper, one, x(&xs), x(&ys), cm_mut(&mut m, 2, 2))
                .unwrap();
            r.spr2(
                Uplo::Upper,
                one,
                x(&xs),
                x(&ys),
                PackedMut::new(&mut p, 2).unwrap(),
            )
            .unwrap();
        }
        assert_eq!(
            (m, p),
            (v(&[6.0, 7.0, 10.0, 16.0]), v(&[6.0, 10.0, 16.0])),
            "syr2/spr2 (herm {herm})"
        );
    }
}

fn level3_real<T: Scalar>() {
    let r = Reference;
    let one: T = scalar(1.0, 0.0);
    let a = v::<T>(&[1.0, 3.0, 2.0, 4.0]); // [[1, 2], [3, 4]]
    let b = v::<T>(&[5.0, 7.0, 6.0, 8.0]); // [[5, 6], [7, 8]]
    let mut c = vec![nan::<T>(); 4];
    r.gemm(
        Trans::No,
        Trans::No,
        one,
        cm(&a, 2, 2),
        cm(&b, 2, 2),
        T::zero(),
        cm_mut(&mut c, 2, 2),
    )
    .unwrap();
    assert_eq!(c, v(&[19.0, 43.0, 22.0, 50.0]), "gemm NN");
    let mut c = v::<T>(&[1.0; 4]);
    r.gemm(
        Trans::Trans,
        Trans::No,
        one,
        cm(&a, 2, 2),
        cm(&b, 2, 2),
        scalar(-1.0, 0.0),
        cm_mut(&mut c, 2, 2),
    )
    .unwrap();
    assert_eq!(c, v(&[25.0, 37.0, 29.0, 43.0]), "gemm TN, beta = -1");

    let sym = v::<T>(&[1.0, 99.0, 2.0, 4.0]); // upper of [[1, 2], [2, 4]]
    let eye = v::<T>(&[1.0, 0.0, 0.0, 1.0]);
    for (herm, side) in [
        (false, Side::Left),
        (false, Side::Right),
        (true, Side::Left),
        (true, Side::Right),
    ] {
        let mut c = vec![nan::<T>(); 4];
        if herm {
            r.hemm(
                side,
                Uplo::Upper,
                one,
                cm(&sym, 2, 2),
                cm(&eye, 2, 2),
                T::zero(),
                cm_mut(&mut c, 2, 2),
            )
        } else {
            r.symm(
                side,
                Uplo::Upper,
                one,
                cm(&sym, 2, 2),
                cm(&eye, 2, 2),
                T::zero(),
                cm_mut(&mut c, 2, 2),
            )
        }
        .unwrap();
        assert_eq!(
            c,
            v(&[1.0, 2.0, 2.0, 4.0]),
            "symm/hemm {side:?} (herm {herm})"
        );
    }

    // syrk/herk: A A^T = [[5, 11], [11, 25]] on the upper triangle; 7 below stays.
    for herm in [false, true] {
        let mut c = v::<T>(&[0.0, 7.0, 0.0, 0.0]);
        if herm {
            r.herk(
                Uplo::Upper,
                Trans::No,
                one.re(),
                cm(&a, 2, 2),
                one.re(),
                cm_mut(&mut c, 2, 2),
            )
        } else {
            r.syrk(
                Uplo::Upper,
                Trans::No,
                one,
                cm(&a, 2, 2),
                one,
                cm_mut(&mut c, 2, 2),
            )
        }
        .unwrap();
        assert_eq!(c, v(&[5.0, 7.0, 11.0, 25.0]), "syrk/herk (herm {herm})");
        // syr2k/her2k with B = I: A + A^T = [[2, 5], [5, 8]].
        let mut c = v::<T>(&[0.0, 7.0, 0.0, 0.0]);
        if herm {
            r.her2k(
                Uplo::Upper,
                Trans::No,
                one,
                cm(&a, 2, 2),
                cm(&eye, 2, 2),
                one.re(),
                cm_mut(&mut c, 2, 2),
            )
        } else {
            r.syr2k(
                Uplo::Upper,
                Trans::No,
                one,
                cm(&a, 2, 2),
                cm(&eye, 2, 2),
                one,
                cm_mut(&mut c, 2, 2),
            )
        }
        .unwrap();
        assert_eq!(c, v(&[2.0, 7.0, 5.0, 8.0]), "syr2k/her2k (herm {herm})");
    }

    // trmm/trsm with the upper triangle of [[1, 2], [0, 4]] and B = ones.
    let tri = v::<T>(&[1.0, 99.0, 2.0, 4.0]);
    let mut bb = v::<T>(&[1.0; 4]);
    r.trmm(
        Side::Left,
        Uplo::Upper,
        Trans::No,
        Diag::NonUnit,
        one,
        cm(&tri, 2, 2),
        cm_mut(&mut bb, 2, 2),
    )
    .unwrap();
    assert_eq!(bb, v(&[3.0, 4.0, 3.0, 4.0]), "trmm left");
    r.trsm(
        Side::Left,
        Uplo::Upper,
        Trans::No,
        Diag::NonUnit,
        one,
        cm(&tri, 2, 2),
        cm_mut(&mut bb, 2, 2),
    )
    .unwrap();
    assert_eq!(bb, v(&[1.0; 4]), "trsm left");
    let mut bb = v::<T>(&[1.0; 4]);
    r.trmm(
        Side::Right,
        Uplo::Upper,
        Trans::No,
        Diag::NonUnit,
        scalar(2.0, 0.0),
        cm(&tri, 2, 2),
        cm_mut(&mut bb, 2, 2),
    )
    .unwrap();
    assert_eq!(bb, v(&[2.0, 2.0, 12.0, 12.0]), "trmm right, alpha = 2"); // 2 * [1 1] [[1,2],[0,4]] = [2, 12]
    r.trsm(
        Side::Right,
        Uplo::Upper,
        Trans::No,
        Diag::NonUnit,
        scalar(0.5, 0.0),
        cm(&tri, 2, 2),
        cm_mut(&mut bb, 2, 2),
    )
    .unwrap();
    assert_eq!(bb, v(&[1.0; 4]), "trsm right, alpha = 1/2");
}

#[test]
fn real_cases_for_all_four_types() {
    level1_real::<f32>();
    level1_real::<f64>();
    level1_real::<c32>();
    level1_real::<c64>();
    level2_real::<f32>();
    level2_real::<f64>();
    level2_real::<c32>();
    level2_real::<c64>();
    level3_real::<f32>();
    level3_real::<f64>();
    level3_real::<c32>();
    level3_real::<c64>();
}

#[test]
fn real_only_routines() {
    let r = Reference;
    let (mut d1, mut d2, mut x1) = (1.0f64, 1.0, 1.0);
    let mut param = [-7.0; 5];
    r.rotmg(&mut d1, &mut d2, &mut x1, 1.0, &mut param);
    // |q1| = |q2|: flag = 1, h11 = p1/p2 = 1, h22 = x1/y1 = 1, u = 2.
    assert_eq!((d1, d2, x1), (0.5, 0.5, 2.0));
    assert_eq!(
        param,
        [1.0, 1.0, -7.0, -7.0, 1.0],
        "flag 1 leaves h21 and h12 implicit"
    );
    let (mut xs, mut ys) = ([1.0f64], [1.0f64]);
    r.rotm(
        VecMut::from_slice(&mut xs),
        VecMut::from_slice(&mut ys),
        &param,
    )
    .unwrap();
    assert_eq!(
        (xs, ys),
        ([2.0], [0.0]),
        "rotm applies H = [[1, 1], [-1, 1]]"
    );
    // d2 * y1 = 0: flag -2, nothing else written.
    let mut param = [9.0f32; 5];
    let (mut d1, mut d2, mut x1) = (2.0f32, 0.0, 3.0);
    r.rotmg(&mut d1, &mut d2, &mut x1, 5.0, &mut param);
    assert_eq!(param, [-2.0, 9.0, 9.0, 9.0, 9.0]);
    assert_eq!((d1, d2, x1), (2.0, 0.0, 3.0));
    // d1 < 0: everything zeroed, flag -1.
    let mut param = [9.0f64; 5];
    let (mut d1, mut d2, mut x1) = (-1.0f64, 2.0, 3.0);
    r.rotmg(&mut d1, &mut d2, &mut x1, 5.0, &mut param);
    assert_eq!(param, [-1.0, 0.0, 0.0, 0.0, 0.0]);
    assert_eq!((d1, d2, x1), (0.0, 0.0, 0.0));
    // Mixed precision dots: 1 + 4 + 10 + 18 = 33.
    let (a, b) = ([1.0f32, 2.0, 3.0], [4.0f32, 5.0, 6.0]);
    assert_eq!(
        r.sdsdot(1.0, VecRef::from_slice(&a), VecRef::from_slice(&b))
            .unwrap(),
        33.0
    );
    assert_eq!(
        r.dsdot(VecRef::from_slice(&a), VecRef::from_slice(&b))
            .unwrap(),
        32.0
    );
    // sdsdot accumulates in f64: 2^24 + 1 - 2^24 is lost in f32 but not here.
    let (a, b) = ([16_777_216.0f32, 1.0, -16_777_216.0], [1.0f32, 1.0, 1.0]);
    assert_eq!(
        r.sdsdot(0.0, VecRef::from_slice(&a), VecRef::from_slice(&b))
            .unwrap(),
        1.0
    );
}

fn complex_cases<T: Scalar>() {
    let r = Reference;
    let one: T = scalar(1.0, 0.0);
    let i: T = scalar(0.0, 1.0);
    // dotu([1+i, 2], [3, 1-i]) = 5 + i; dotc = 5 - 5i.
    let (p, q) = (
        z::<T>(&[(1.0, 1.0), (2.0, 0.0)]),
        z::<T>(&[(3.0, 0.0), (1.0, -1.0)]),
    );
    assert_eq!(r.dotu(x(&p), x(&q)).unwrap(), scalar(5.0, 1.0), "dotu");
    assert_eq!(r.dotc(x(&p), x(&q)).unwrap(), scalar(5.0, -5.0), "dotc");
    let mut s = z::<T>(&[(1.0, 2.0)]);
    r.scal(i, y(&mut s));
    assert_eq!(s, z(&[(-2.0, 1.0)]), "scal by i");
    r.rscal(scalar::<T>(2.0, 0.0).re(), y(&mut s));
    assert_eq!(s, z(&[(-4.0, 2.0)]), "csscal/zdscal");
    assert_eq!(
        r.nrm2(x(&z::<T>(&[(1.0, 2.0), (2.0, 4.0)]))).to_f64(),
        5.0,
        "scnrm2/dznrm2"
    );
    assert_eq!(
        r.asum(x(&z::<T>(&[(1.0, -2.0), (-3.0, 0.0)]))).to_f64(),
        6.0,
        "scasum/dzasum"
    );
    assert_eq!(
        r.iamax(x(&z::<T>(&[(1.0, 1.0), (2.0, 0.0), (0.0, -2.5)]))),
        Some(2),
        "icamax uses |re| + |im|"
    );
    assert_eq!(
        r.iamax(x(&z::<T>(&[(1.0, 1.0), (2.0, 0.0)]))),
        Some(0),
        "icamax: first of equal abs1"
    );
    // crotg(0, i): c = 0, r = 1, s = conj(i) / 1 = -i.
    let (mut a, mut b) = (T::zero(), i);
    let (c, s) = r.rotg(&mut a, &mut b);
    assert_eq!(
        (c.to_f64(), s, a, b),
        (0.0, scalar(0.0, -1.0), one, i),
        "crotg(0, i)"
    );
    // csrot with (c, s) = (0, 1): x <- y, y <- -x.
    let (mut p2, mut q2) = (p.clone(), q.clone());
    r.rot(y(&mut p2), y(&mut q2), T::zero().re(), one.re())
        .unwrap();
    assert_eq!(
        (p2, q2),
        (q.clone(), p.iter().map(|&v| -v).collect::<Vec<_>>()),
        "csrot"
    );

    // gemm with op(A) = A^H: A = [1+i; 2] (2 x 1), B = [1; i] (2 x 1): A^H B = (1-i) + 2i = 1 + i.
    let ga = z::<T>(&[(1.0, 1.0), (2.0, 0.0)]);
    let gb = z::<T>(&[(1.0, 0.0), (0.0, 1.0)]);
    let mut c1 = vec![nan::<T>(); 1];
    r.gemm(
        Trans::ConjTrans,
        Trans::No,
        one,
        cm(&ga, 2, 1),
        cm(&gb, 2, 1),
        T::zero(),
        cm_mut(&mut c1, 1, 1),
    )
    .unwrap();
    assert_eq!(c1, z(&[(1.0, 1.0)]), "gemm CN");
    let mut c1 = vec![nan::<T>(); 1];
    r.gemm(
        Trans::Trans,
        Trans::No,
        one,
        cm(&ga, 2, 1),
        cm(&gb, 2, 1),
        T::zero(),
        cm_mut(&mut c1, 1, 1),
    )
    .unwrap();
    assert_eq!(c1, z(&[(1.0, 3.0)]), "gemm TN: (1+i) + 2i");

    // Hermitian [[2, 1+i], [1-i, 3]] from its upper triangle; the diagonal's imaginary part (5)
    // and the lower triangle (99) are never read.
    let h = z::<T>(&[(2.0, 5.0), (99.0, 99.0), (1.0, 1.0), (3.0, -5.0)]);
    let xv = z::<T>(&[(1.0, 0.0), (0.0, 1.0)]);
    let mut yy = vec![nan::<T>(); 2];
    r.hemv(
        Uplo::Upper,
        one,
        cm(&h, 2, 2),
        x(&xv),
        T::zero(),
        y(&mut yy),
    )
    .unwrap();
    assert_eq!(yy, z(&[(1.0, 1.0), (1.0, 2.0)]), "hemv");
    let mut cc = vec![nan::<T>(); 4];
    let eye = z::<T>(&[(1.0, 0.0), (0.0, 0.0), (0.0, 0.0), (1.0, 0.0)]);
    r.hemm(
        Side::Left,
        Uplo::Upper,
        one,
        cm(&h, 2, 2),
        cm(&eye, 2, 2),
        T::zero(),
        cm_mut(&mut cc, 2, 2),
    )
    .unwrap();
    assert_eq!(
        cc,
        z(&[(2.0, 0.0), (1.0, -1.0), (1.0, 1.0), (3.0, 0.0)]),
        "hemm"
    );
    let mut cc = vec![nan::<T>(); 4];
    r.symm(
        Side::Left,
        Uplo::Upper,
        one,
        cm(&h, 2, 2),
        cm(&eye, 2, 2),
        T::zero(),
        cm_mut(&mut cc, 2, 2),
    )
    .unwrap();
    assert_eq!(
        cc,
        z(&[(2.0, 5.0), (1.0, 1.0), (1.0, 1.0), (3.0, -5.0)]),
        "complex symm is not conjugated"
    );

    // her with x = [1, i]: [[1, -i], [., 1]]; the diagonal comes out real.
    let mut m = z::<T>(&[(0.0, 7.0), (0.0, 0.0), (0.0, 0.0), (0.0, 0.0)]);
    r.her(Uplo::Upper, one.re(), x(&xv), cm_mut(&mut m, 2, 2))
        .unwrap();
    assert_eq!(
        m,
        z(&[(1.0, 0.0), (0.0, 0.0), (0.0, -1.0), (1.0, 0.0)]),
        "her"
    );
    // her2 with x = [1, i], y = [i, 1]: x y^H + y x^H = [[0, 2], [., 0]].
    let yv = z::<T>(&[(0.0, 1.0), (1.0, 0.0)]);
    let mut m = vec![T::zero(); 4];
    r.her2(Uplo::Upper, one, x(&xv), x(&yv), cm_mut(&mut m, 2, 2))
        .unwrap();
    assert_eq!(
        m,
        z(&[(0.0, 0.0), (0.0, 0.0), (2.0, 0.0), (0.0, 0.0)]),
        "her2"
    );
    // gerc / geru with x = y = [i]: i * conj(i) = 1, i * i = -1.
    let iv = z::<T>(&[(0.0, 1.0)]);
    let mut m = vec![T::zero(); 1];
    r.gerc(one, x(&iv), x(&iv), cm_mut(&mut m, 1, 1)).unwrap();
    assert_eq!(m, z(&[(1.0, 0.0)]), "gerc");
    let mut m = vec![T::zero(); 1];
    r.geru(one, x(&iv), x(&iv), cm_mut(&mut m, 1, 1)).unwrap();
    assert_eq!(m, z(&[(-1.0, 0.0)]), "geru");

    // herk: A = [1, i] (1 x 2): A A^H = 2; C starts 5 + 3i: 5 + 2 = 7, made real.
    let ar = z::<T>(&[(1.0, 0.0), (0.0, 1.0)]);
    let mut c1 = z::<T>(&[(5.0, 3.0)]);
    r.herk(
        Uplo::Upper,
        Trans::No,
        one.re(),
        cm(&ar, 1, 2),
        one.re(),
        cm_mut(&mut c1, 1, 1),
    )
    .unwrap();
    assert_eq!(c1, z(&[(7.0, 0.0)]), "herk");
    // syrk: A A^T = 1 + i^2 = 0.
    let mut c1 = vec![nan::<T>(); 1];
    r.syrk(
        Uplo::Upper,
        Trans::No,
        one,
        cm(&ar, 1, 2),
        T::zero(),
        cm_mut(&mut c1, 1, 1),
    )
    .unwrap();
    assert_eq!(c1, vec![T::zero()], "complex syrk is not conjugated");
    // her2k with alpha = i, A = [i], B = [1]: i*i*1 + (-i)*1*(-i) = -2.
    let (ai, bi) = (z::<T>(&[(0.0, 1.0)]), z::<T>(&[(1.0, 0.0)]));
    let mut c1 = vec![nan::<T>(); 1];
    r.her2k(
        Uplo::Lower,
        Trans::No,
        i,
        cm(&ai, 1, 1),
        cm(&bi, 1, 1),
        T::zero().re(),
        cm_mut(&mut c1, 1, 1),
    )
    .unwrap();
    assert_eq!(c1, z(&[(-2.0, 0.0)]), "her2k");

    // Upper [[1, i], [0, 1]]: A^H [1, 1] = [1, 1 - i]; trsv/trsm undo it.
    let t = z::<T>(&[(1.0, 0.0), (99.0, 0.0), (0.0, 1.0), (1.0, 0.0)]);
    let mut xx = z::<T>(&[(1.0, 0.0), (1.0, 0.0)]);
    r.trmv(
        Uplo::Upper,
        Trans::ConjTrans,
        Diag::NonUnit,
        cm(&t, 2, 2),
        y(&mut xx),
    )
    .unwrap();
    assert_eq!(xx, z(&[(1.0, 0.0), (1.0, -1.0)]), "trmv C");
    let mut bm = xx.clone();
    r.trsv(
        Uplo::Upper,
        Trans::ConjTrans,
        Diag::Unit,
        cm(&t, 2, 2),
        y(&mut xx),
    )
    .unwrap();
    assert_eq!(xx, z(&[(1.0, 0.0), (1.0, 0.0)]), "trsv C");
    r.trsm(
        Side::Left,
        Uplo::Upper,
        Trans::ConjTrans,
        Diag::NonUnit,
        one,
        cm(&t, 2, 2),
        cm_mut(&mut bm, 2, 1),
    )
    .unwrap();
    assert_eq!(bm, z(&[(1.0, 0.0), (1.0, 0.0)]), "trsm C");
    r.trmm(
        Side::Right,
        Uplo::Upper,
        Trans::ConjTrans,
        Diag::Unit,
        one,
        cm(&t, 2, 2),
        cm_mut(&mut bm, 1, 2),
    )
    .unwrap();
    // [1, 1] A^H = [1 + (-i)... ]: row vector times [[1, 0], [-i, 1]] = [1 - i, 1].
    assert_eq!(bm, z(&[(1.0, -1.0), (1.0, 0.0)]), "trmm right C");
}

#[test]
fn complex_cases_for_both_complex_types() {
    complex_cases::<c32>();
    complex_cases::<c64>();
}

#[test]
fn nrm2_of_extreme_values() {
    let r = Reference;
    // Squares would overflow or underflow; the scaled accumulation gives the exact answer.
    for s in [1e300, 1e-300, 1e-320, 1e-160, 1e160] {
        let xs: [f64; 2] = [3.0 * s, 4.0 * s];
        let got: f64 = r.nrm2(VecRef::from_slice(&xs));
        assert!(
            ((got - 5.0 * s) / (5.0 * s)).abs() < 1e-12,
            "dnrm2 at scale {s}: {got}"
        );
    }
    for s in [1e36f32, 1e-36, 1e-42] {
        let xs = [c32::new(3.0 * s, 4.0 * s)];
        let got: f32 = r.nrm2(VecRef::from_slice(&xs));
        assert!(
            ((got - 5.0 * s) / (5.0 * s)).abs() < 1e-5,
            "scnrm2 at scale {s}: {got}"
        );
    }
    // Mixed huge and tiny: the tiny values vanish, the huge one survives.
    assert_eq!(r.nrm2(VecRef::from_slice(&[1e-300, 1e300, 1e-300])), 1e300);
    assert!(
        r.nrm2(VecRef::from_slice(&[1.0, f64::NAN])).is_nan(),
        "NaN propagates"
    );
    assert_eq!(
        r.nrm2(VecRef::from_slice(&[1.0, f64::INFINITY])),
        f64::INFINITY
    );
    assert_eq!(r.nrm2(VecRef::<f64>::from_slice(&[])), 0.0);
    assert_eq!(
        r.nrm2(VecRef::from_slice(&[f64::MAX, f64::MAX])),
        f64::MAX * 2f64.sqrt()
    );
}

#[test]
fn herk_scales_by_a_real_beta_part_by_part() {
    // beta * (inf + 1i) with a real beta is (2 inf + 2i); as a complex product with beta + 0i it
    // would be NaN in the real part (0 * inf). The diagonal's imaginary part is dropped.
    let r = Reference;
    let a = [c64::new(0.0, 0.0); 2];
    let mut c = [
        c64::new(1.0, 9.0),
        c64::new(5.0, 5.0),
        c64::new(f64::INFINITY, 1.0),
        c64::new(1.0, 0.0),
    ];
    r.herk(
        Uplo::Upper,
        Trans::No,
        1.0,
        MatRef::from_col_major(&a, 2, 1, 2).unwrap(),
        2.0,
        MatMut::from_col_major(&mut c, 2, 2, 2).unwrap(),
    )
    .unwrap();
    assert_eq!(
        c,
        [
            c64::new(2.0, 0.0),
            c64::new(5.0, 5.0),
            c64::new(f64::INFINITY, 2.0),
            c64::new(2.0, 0.0)
        ]
    );
}
