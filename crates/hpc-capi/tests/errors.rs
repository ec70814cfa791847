//! Every illegal argument of the exported routines, called through their C symbols: the
//! routine name and argument number each one reports (reference BLAS numbering for the Fortran
//! ABI, reference CBLAS numbering, in both layouts, for CBLAS), and that legal calls report
//! nothing. Reports are captured with `hpc_blas::xerbla::capture_reports` (a test binary
//! cannot interpose `xerbla_`; the C test program and the reference testers check that route).

use hpc_blas::cblas::level2::*;
use hpc_blas::cblas::level3::*;
use hpc_blas::cblas::{COL_MAJOR, CONJ_TRANS, LEFT, LOWER, NO_TRANS, NON_UNIT, RIGHT, ROW_MAJOR};
use hpc_blas::cblas::{TRANS, UNIT, UPPER};
use hpc_blas::f77::level2::*;
use hpc_blas::f77::level3::*;
use hpc_blas::xerbla::capture_reports;
use hpc_core::c64;
use std::ffi::c_char;

/// The one report `f` makes, or `None`.
fn report(f: impl FnOnce()) -> Option<(String, i32)> {
    let r = capture_reports(f);
    assert!(r.len() <= 1, "more than one report: {r:?}");
    r.into_iter().next()
}

fn is(f: impl FnOnce(), name: &str, info: i32) {
    assert_eq!(
        report(f),
        Some((name.to_string(), info)),
        "expected {name} argument {info}"
    );
}

fn ch(s: &str) -> *const c_char {
    s.as_ptr().cast()
}

/// Scratch arrays big enough for every legal call below (n, k <= 3).
struct Bufs {
    a: [f64; 64],
    b: [f64; 64],
    c: [f64; 64],
    z: [c64; 64],
    w: [c64; 64],
    v: [c64; 64],
}

fn bufs() -> Bufs {
    Bufs {
        a: [1.0; 64],
        b: [1.0; 64],
        c: [0.0; 64],
        z: [c64::new(1.0, 0.5); 64],
        w: [c64::new(0.5, 1.0); 64],
        v: [c64::new(0.0, 0.0); 64],
    }
}

#[test]
fn fortran_level3_reports_each_illegal_argument() {
    let mut s = bufs();
    let (one, zero) = (1.0f64, 0.0f64);
    let mut gemm = |ta: &str, tb: &str, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32| {
        // SAFETY: the arrays hold 64 elements, more than any legal call here reads.
        report(|| unsafe {
            dgemm_(
                ch(ta),
                ch(tb),
                &m,
                &n,
                &k,
                &one,
                s.a.as_ptr(),
                &lda,
                s.b.as_ptr(),
                &ldb,
                &zero,
                s.c.as_mut_ptr(),
                &ldc,
                1,
                1,
            )
        })
    };
    let d = |i| Some(("DGEMM".to_string(), i));
    assert_eq!(gemm("X", "N", 1, 1, 1, 1, 1, 1), d(1));
    assert_eq!(gemm("N", "X", 1, 1, 1, 1, 1, 1), d(2));
    assert_eq!(gemm("N", "N", -1, 1, 1, 1, 1, 1), d(3));
    assert_eq!(gemm("N", "N", 1, -1, 1, 1, 1, 1), d(4));
    assert_eq!(gemm("N", "N", 1, 1, -1, 1, 1, 1), d(5));
    assert_eq!(gemm("N", "N", 2, 1, 1, 1, 1, 2), d(8));
    assert_eq!(gemm("T", "N", 1, 1, 2, 1, 2, 1), d(8));
    assert_eq!(gemm("N", "N", 1, 1, 2, 1, 1, 1), d(10));
    assert_eq!(gemm("N", "T", 1, 2, 1, 1, 1, 1), d(10));
    assert_eq!(gemm("N", "N", 2, 1, 1, 2, 1, 1), d(13));
    assert_eq!(gemm("c", "t", 2, 3, 3, 3, 3, 2), None);

    let mut symm = |sd: &str, ul: &str, m: i32, n: i32, lda: i32, ldb: i32, ldc: i32| {
        // SAFETY: as above.
        report(|| unsafe {
            dsymm_(
                ch(sd),
                ch(ul),
                &m,
                &n,
                &one,
                s.a.as_ptr(),
                &lda,
                s.b.as_ptr(),
                &ldb,
                &zero,
                s.c.as_mut_ptr(),
                &ldc,
                1,
                1,
            )
        })
    };
    let d = |i| Some(("DSYMM".to_string(), i));
    assert_eq!(symm("X", "U", 1, 1, 1, 1, 1), d(1));
    assert_eq!(symm("L", "X", 1, 1, 1, 1, 1), d(2));
    assert_eq!(symm("L", "U", -1, 1, 1, 1, 1), d(3));
    assert_eq!(symm("L", "U", 1, -1, 1, 1, 1), d(4));
    assert_eq!(symm("L", "U", 2, 1, 1, 2, 2), d(7));
    assert_eq!(symm("R", "U", 1, 2, 1, 1, 1), d(7));
    assert_eq!(symm("L", "U", 2, 1, 2, 1, 2), d(9));
    assert_eq!(symm("L", "U", 2, 1, 2, 2, 1), d(12));
    assert_eq!(symm("R", "L", 2, 3, 3, 2, 2), None);

    let mut syr2k = |ul: &str, tr: &str, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32| {
        // SAFETY: as above.
        report(|| unsafe {
            dsyr2k_(
                ch(ul),
                ch(tr),
                &n,
                &k,
                &one,
                s.a.as_ptr(),
                &lda,
                s.b.as_ptr(),
                &ldb,
                &zero,
                s.c.as_mut_ptr(),
                &ldc,
                1,
                1,
            )
        })
    };
    let d = |i| Some(("DSYR2K".to_string(), i));
    assert_eq!(syr2k("X", "N", 1, 1, 1, 1, 1), d(1));
    assert_eq!(syr2k("U", "X", 1, 1, 1, 1, 1), d(2));
    assert_eq!(syr2k("U", "N", -1, 1, 1, 1, 1), d(3));
    assert_eq!(syr2k("U", "N", 1, -1, 1, 1, 1), d(4));
    assert_eq!(syr2k("U", "N", 2, 1, 1, 2, 2), d(7));
    assert_eq!(syr2k("U", "T", 1, 2, 1, 2, 1), d(7));
    assert_eq!(syr2k("U", "N", 2, 1, 2, 1, 2), d(9));
    assert_eq!(syr2k("U", "N", 2, 1, 2, 2, 1), d(12));
    assert_eq!(
        syr2k("L", "C", 2, 3, 3, 3, 2),
        None,
        "C is T for a real type"
    );

    let mut syrk = |ul: &str, tr: &str, n: i32, k: i32, lda: i32, ldc: i32| {
        // SAFETY: as above.
        report(|| unsafe {
            dsyrk_(
                ch(ul),
                ch(tr),
                &n,
                &k,
                &one,
                s.a.as_ptr(),
                &lda,
                &zero,
                s.c.as_mut_ptr(),
                &ldc,
                1,
                1,
            )
        })
    };
    let d = |i| Some(("DSYRK".to_string(), i));
    assert_eq!(syrk("U", "N", 2, 1, 1, 2), d(7));
    assert_eq!(syrk("U", "N", 2, 1, 2, 1), d(10));

    for (solve, name) in [(false, "DTRMM"), (true, "DTRSM")] {
        let mut tri = |sd: &str, ul: &str, ta: &str, dg: &str, m, n, lda, ldb| {
            // SAFETY: as above.
            report(|| unsafe {
                let f = if solve { dtrsm_ } else { dtrmm_ };
                f(
                    ch(sd),
                    ch(ul),
                    ch(ta),
                    ch(dg),
                    &m,
                    &n,
                    &one,
                    s.a.as_ptr(),
                    &lda,
                    s.b.as_mut_ptr(),
                    &ldb,
                    1,
                    1,
                    1,
                    1,
                )
            })
        };
        let d = |i| Some((name.to_string(), i));
        assert_eq!(tri("X", "U", "N", "N", 1, 1, 1, 1), d(1));
        assert_eq!(tri("L", "X", "N", "N", 1, 1, 1, 1), d(2));
        assert_eq!(tri("L", "U", "X", "N", 1, 1, 1, 1), d(3));
        assert_eq!(tri("L", "U", "N", "X", 1, 1, 1, 1), d(4));
        assert_eq!(tri("L", "U", "N", "N", -1, 1, 1, 1), d(5));
        assert_eq!(tri("L", "U", "N", "N", 1, -1, 1, 1), d(6));
        assert_eq!(tri("L", "U", "N", "N", 2, 1, 1, 2), d(9));
        assert_eq!(tri("R", "U", "N", "N", 1, 2, 1, 1), d(9));
        assert_eq!(tri("L", "U", "N", "N", 2, 1, 2, 1), d(11));
        assert_eq!(tri("R", "L", "C", "U", 2, 3, 3, 2), None);
    }
}

#[test]
fn fortran_complex_level3_rejects_the_other_transpose() {
    let s = bufs();
    let (one, zero, rone) = (c64::new(1.0, 0.0), c64::new(0.0, 0.0), 1.0f64);
    let (n, k, ld) = (2, 2, 2);
    let mut c = s.v;
    // SAFETY: 2 x 2 operands in 64-element arrays.
    unsafe {
        is(
            || {
                zsyrk_(
                    ch("U"),
                    ch("C"),
                    &n,
                    &k,
                    &one,
                    s.z.as_ptr(),
                    &ld,
                    &zero,
                    c.as_mut_ptr(),
                    &ld,
                    1,
                    1,
                )
            },
            "ZSYRK",
            2,
        );
        is(
            || {
                zherk_(
                    ch("U"),
                    ch("T"),
                    &n,
                    &k,
                    &rone,
                    s.z.as_ptr(),
                    &ld,
                    &rone,
                    c.as_mut_ptr(),
                    &ld,
                    1,
                    1,
                )
            },
            "ZHERK",
            2,
        );
        is(
            || {
                zher2k_(
                    ch("L"),
                    ch("T"),
                    &n,
                    &k,
                    &one,
                    s.z.as_ptr(),
                    &ld,
                    s.w.as_ptr(),
                    &ld,
                    &rone,
                    c.as_mut_ptr(),
                    &ld,
                    1,
                    1,
                )
            },
            "ZHER2K",
            2,
        );
        assert_eq!(
            report(|| zherk_(
                ch("L"),
                ch("C"),
                &n,
                &k,
                &rone,
                s.z.as_ptr(),
                &ld,
                &rone,
                c.as_mut_ptr(),
                &ld,
                1,
                1
            )),
            None
        );
    }
}

#[test]
fn fortran_level2_reports_each_illegal_argument() {
    let mut s = bufs();
    let (one, zero) = (1.0f64, 0.0f64);
    let mut gbmv = |tr: &str, m: i32, n: i32, kl: i32, ku: i32, lda: i32, incx: i32, incy: i32| {
        // SAFETY: as in the Level 3 test.
        report(|| unsafe {
            dgbmv_(
                ch(tr),
                &m,
                &n,
                &kl,
                &ku,
                &one,
                s.a.as_ptr(),
                &lda,
                s.b.as_ptr(),
                &incx,
                &zero,
                s.c.as_mut_ptr(),
                &incy,
                1,
            )
        })
    };
    let d = |i| Some(("DGBMV".to_string(), i));
    assert_eq!(gbmv("X", 1, 1, 0, 0, 1, 1, 1), d(1));
    assert_eq!(gbmv("N", -1, 1, 0, 0, 1, 1, 1), d(2));
    assert_eq!(gbmv("N", 1, -1, 0, 0, 1, 1, 1), d(3));
    assert_eq!(gbmv("N", 1, 1, -1, 0, 1, 1, 1), d(4));
    assert_eq!(gbmv("N", 1, 1, 0, -1, 1, 1, 1), d(5));
    assert_eq!(gbmv("N", 3, 3, 1, 1, 2, 1, 1), d(8));
    assert_eq!(gbmv("N", 1, 1, 0, 0, 1, 0, 1), d(10));
    assert_eq!(gbmv("N", 1, 1, 0, 0, 1, 1, 0), d(13));
    assert_eq!(gbmv("T", 3, 2, 1, 1, 3, -2, 2), None);

    let mut gemv = |tr: &str, m: i32, n: i32, lda: i32, incx: i32, incy: i32| {
        // SAFETY: as above.
        report(|| unsafe {
            dgemv_(
                ch(tr),
                &m,
                &n,
                &one,
                s.a.as_ptr(),
                &lda,
                s.b.as_ptr(),
                &incx,
                &zero,
                s.c.as_mut_ptr(),
                &incy,
                1,
            )
        })
    };
    let d = |i| Some(("DGEMV".to_string(), i));
    assert_eq!(gemv("X", 1, 1, 1, 1, 1), d(1));
    assert_eq!(gemv("N", -1, 1, 1, 1, 1), d(2));
    assert_eq!(gemv("N", 1, -1, 1, 1, 1), d(3));
    assert_eq!(gemv("N", 2, 1, 1, 1, 1), d(6));
    assert_eq!(gemv("N", 1, 1, 1, 0, 1), d(8));
    assert_eq!(gemv("N", 1, 1, 1, 1, 0), d(11));

    let mut ger = |m: i32, n: i32, incx: i32, incy: i32, lda: i32| {
        // SAFETY: as above.
        report(|| unsafe {
            dger_(
                &m,
                &n,
                &one,
                s.a.as_ptr(),
                &incx,
                s.b.as_ptr(),
                &incy,
                s.c.as_mut_ptr(),
                &lda,
            )
        })
    };
    let d = |i| Some(("DGER".to_string(), i));
    assert_eq!(ger(-1, 1, 1, 1, 1), d(1));
    assert_eq!(ger(1, -1, 1, 1, 1), d(2));
    assert_eq!(ger(1, 1, 0, 1, 1), d(5));
    assert_eq!(ger(1, 1, 1, 0, 1), d(7));
    assert_eq!(ger(2, 1, 1, 1, 1), d(9));

    let mut tbsv = |ul: &str, tr: &str, dg: &str, n: i32, k: i32, lda: i32, incx: i32| {
        // SAFETY: as above.
        report(|| unsafe {
            dtbsv_(
                ch(ul),
                ch(tr),
                ch(dg),
                &n,
                &k,
                s.a.as_ptr(),
                &lda,
                s.c.as_mut_ptr(),
                &incx,
                1,
                1,
                1,
            )
        })
    };
    let d = |i| Some(("DTBSV".to_string(), i));
    assert_eq!(tbsv("X", "N", "N", 1, 0, 1, 1), d(1));
    assert_eq!(tbsv("U", "X", "N", 1, 0, 1, 1), d(2));
    assert_eq!(tbsv("U", "N", "X", 1, 0, 1, 1), d(3));
    assert_eq!(tbsv("U", "N", "N", -1, 0, 1, 1), d(4));
    assert_eq!(tbsv("U", "N", "N", 1, -1, 1, 1), d(5));
    assert_eq!(tbsv("U", "N", "N", 3, 2, 2, 1), d(7));
    assert_eq!(tbsv("U", "N", "N", 1, 0, 1, 0), d(9));

    let mut spr2 = |ul: &str, n: i32, incx: i32, incy: i32| {
        // SAFETY: as above.
        report(|| unsafe {
            dspr2_(
                ch(ul),
                &n,
                &one,
                s.a.as_ptr(),
                &incx,
                s.b.as_ptr(),
                &incy,
                s.c.as_mut_ptr(),
                1,
            )
        })
    };
    let d = |i| Some(("DSPR2".to_string(), i));
    assert_eq!(spr2("X", 1, 1, 1), d(1));
    assert_eq!(spr2("U", -1, 1, 1), d(2));
    assert_eq!(spr2("U", 1, 0, 1), d(5));
    assert_eq!(spr2("U", 1, 1, 0), d(7));
    assert_eq!(spr2("L", 3, -1, 2), None);

    let mut symv = |ul: &str, n: i32, lda: i32, incx: i32, incy: i32| {
        // SAFETY: as above.
        report(|| unsafe {
            dsymv_(
                ch(ul),
                &n,
                &one,
                s.a.as_ptr(),
                &lda,
                s.b.as_ptr(),
                &incx,
                &zero,
                s.c.as_mut_ptr(),
                &incy,
                1,
            )
        })
    };
    let d = |i| Some(("DSYMV".to_string(), i));
    assert_eq!(symv("X", 1, 1, 1, 1), d(1));
    assert_eq!(symv("U", -1, 1, 1, 1), d(2));
    assert_eq!(symv("U", 2, 1, 1, 1), d(5));
    assert_eq!(symv("U", 1, 1, 0, 1), d(7));
    assert_eq!(symv("U", 1, 1, 1, 0), d(10));
}

#[test]
fn cblas_level3_numbers_arguments_as_reference_cblas_in_both_layouts() {
    let mut s = bufs();
    let mut gemm = |lay, ta, tb, m, n, k, lda, ldb, ldc| {
        // SAFETY: 64-element arrays, more than any legal call here reads.
        report(|| unsafe {
            cblas_dgemm(
                lay,
                ta,
                tb,
                m,
                n,
                k,
                1.0,
                s.a.as_ptr(),
                lda,
                s.b.as_ptr(),
                ldb,
                0.0,
                s.c.as_mut_ptr(),
                ldc,
            )
        })
    };
    let d = |i| Some(("cblas_dgemm".to_string(), i));
    assert_eq!(gemm(7, NO_TRANS, NO_TRANS, 1, 1, 1, 1, 1, 1), d(1));
    for lay in [ROW_MAJOR, COL_MAJOR] {
        let row = lay == ROW_MAJOR;
        assert_eq!(gemm(lay, 0, NO_TRANS, 1, 1, 1, 1, 1, 1), d(2));
        assert_eq!(gemm(lay, NO_TRANS, 0, 1, 1, 1, 1, 1, 1), d(3));
        assert_eq!(gemm(lay, NO_TRANS, NO_TRANS, -1, 1, 1, 1, 1, 1), d(4));
        assert_eq!(gemm(lay, NO_TRANS, NO_TRANS, 1, -1, 1, 1, 1, 1), d(5));
        assert_eq!(gemm(lay, NO_TRANS, NO_TRANS, 1, 1, -1, 1, 1, 1), d(6));
        // lda: rows of A as stored (M column-major, K row-major).
        let (m, k) = if row { (1, 2) } else { (2, 1) };
        assert_eq!(
            gemm(lay, NO_TRANS, NO_TRANS, m, 1, k, 1, 2, 2),
            d(9),
            "row {row}"
        );
        let (k, n) = if row { (1, 2) } else { (2, 1) };
        assert_eq!(
            gemm(lay, NO_TRANS, NO_TRANS, 1, n, k, 2, 1, 2),
            d(11),
            "row {row}"
        );
        let (m, n) = if row { (1, 2) } else { (2, 1) };
        assert_eq!(
            gemm(lay, NO_TRANS, NO_TRANS, m, n, 1, 2, 2, 1),
            d(14),
            "row {row}"
        );
        assert_eq!(gemm(lay, TRANS, CONJ_TRANS, 2, 3, 3, 3, 3, 3), None);
    }

    let mut tri = |lay, sd, ul, ta, dg, m, n, lda, ldb| {
        // SAFETY: as above.
        report(|| unsafe {
            cblas_dtrsm(
                lay,
                sd,
                ul,
                ta,
                dg,
                m,
                n,
                1.0,
                s.a.as_ptr(),
                lda,
                s.c.as_mut_ptr(),
                ldb,
            )
        })
    };
    let d = |i| Some(("cblas_dtrsm".to_string(), i));
    for lay in [ROW_MAJOR, COL_MAJOR] {
        let row = lay == ROW_MAJOR;
        assert_eq!(tri(lay, 0, UPPER, NO_TRANS, UNIT, 1, 1, 1, 1), d(2));
        assert_eq!(tri(lay, LEFT, 0, NO_TRANS, UNIT, 1, 1, 1, 1), d(3));
        assert_eq!(tri(lay, LEFT, UPPER, 0, UNIT, 1, 1, 1, 1), d(4));
        assert_eq!(tri(lay, LEFT, UPPER, NO_TRANS, 0, 1, 1, 1, 1), d(5));
        assert_eq!(tri(lay, LEFT, UPPER, NO_TRANS, UNIT, -1, 1, 1, 1), d(6));
        assert_eq!(tri(lay, LEFT, UPPER, NO_TRANS, UNIT, 1, -1, 1, 1), d(7));
        assert_eq!(tri(lay, LEFT, UPPER, NO_TRANS, UNIT, 2, 2, 1, 2), d(10));
        // ldb: rows of B as stored (M column-major, N row-major).
        let (m, n) = if row { (2, 3) } else { (3, 2) };
        assert_eq!(
            tri(lay, RIGHT, UPPER, NO_TRANS, UNIT, m, n, 3, 2),
            d(12),
            "row {row}"
        );
        assert_eq!(tri(lay, RIGHT, LOWER, TRANS, NON_UNIT, 2, 2, 2, 2), None);
    }

    let z = s.z;
    let mut herk = |lay, ul, tr, n, k, lda, ldc| {
        // SAFETY: as above.
        report(|| unsafe {
            cblas_zherk(
                lay,
                ul,
                tr,
                n,
                k,
                1.0,
                z.as_ptr(),
                lda,
                0.0,
                s.v.as_mut_ptr(),
                ldc,
            )
        })
    };
    let d = |i| Some(("cblas_zherk".to_string(), i));
    for lay in [ROW_MAJOR, COL_MAJOR] {
        assert_eq!(herk(lay, 0, NO_TRANS, 1, 1, 1, 1), d(2));
        assert_eq!(
            herk(lay, UPPER, TRANS, 1, 1, 1, 1),
            d(3),
            "T is not legal for HERK"
        );
        assert_eq!(herk(lay, UPPER, NO_TRANS, -1, 1, 1, 1), d(4));
        assert_eq!(herk(lay, UPPER, NO_TRANS, 1, -1, 1, 1), d(5));
        assert_eq!(herk(lay, UPPER, NO_TRANS, 2, 2, 1, 2), d(8));
        assert_eq!(herk(lay, UPPER, NO_TRANS, 2, 2, 2, 1), d(11));
        assert_eq!(herk(lay, LOWER, CONJ_TRANS, 2, 3, 3, 2), None);
    }
}

#[test]
fn cblas_level2_numbers_arguments_as_reference_cblas_in_both_layouts() {
    let mut s = bufs();
    let mut gemv = |lay, tr, m, n, lda, incx, incy| {
        // SAFETY: 64-element arrays.
        report(|| unsafe {
            cblas_dgemv(
                lay,
                tr,
                m,
                n,
                1.0,
                s.a.as_ptr(),
                lda,
                s.b.as_ptr(),
                incx,
                0.0,
                s.c.as_mut_ptr(),
                incy,
            )
        })
    };
    let d = |i| Some(("cblas_dgemv".to_string(), i));
    assert_eq!(gemv(0, NO_TRANS, 1, 1, 1, 1, 1), d(1));
    for lay in [ROW_MAJOR, COL_MAJOR] {
        let row = lay == ROW_MAJOR;
        assert_eq!(gemv(lay, 0, 1, 1, 1, 1, 1), d(2));
        assert_eq!(gemv(lay, NO_TRANS, -1, 1, 1, 1, 1), d(3));
        assert_eq!(gemv(lay, NO_TRANS, 1, -1, 1, 1, 1), d(4));
        let (m, n) = if row { (1, 2) } else { (2, 1) };
        assert_eq!(gemv(lay, NO_TRANS, m, n, 1, 1, 1), d(7), "row {row}");
        assert_eq!(gemv(lay, NO_TRANS, 1, 1, 1, 0, 1), d(9));
        assert_eq!(gemv(lay, NO_TRANS, 1, 1, 1, 1, 0), d(12));
    }

    let (z, w) = (s.z, s.w);
    let mut ger = |lay, m, n, incx, incy, lda| {
        let alpha = c64::new(1.0, 1.0);
        // SAFETY: as above.
        report(|| unsafe {
            cblas_zgerc(
                lay,
                m,
                n,
                &alpha,
                z.as_ptr(),
                incx,
                w.as_ptr(),
                incy,
                s.v.as_mut_ptr(),
                lda,
            )
        })
    };
    let d = |i| Some(("cblas_zgerc".to_string(), i));
    for lay in [ROW_MAJOR, COL_MAJOR] {
        let row = lay == ROW_MAJOR;
        assert_eq!(ger(lay, -1, 1, 1, 1, 1), d(2));
        assert_eq!(ger(lay, 1, -1, 1, 1, 1), d(3));
        assert_eq!(ger(lay, 1, 1, 0, 1, 1), d(6));
        assert_eq!(ger(lay, 1, 1, 1, 0, 1), d(8));
        let (m, n) = if row { (1, 2) } else { (2, 1) };
        assert_eq!(ger(lay, m, n, 1, 1, 1), d(10), "row {row}");
        assert_eq!(ger(lay, 2, 3, -1, 2, 3), None);
    }

    let mut her2 = |lay, ul, n, incx, incy, lda| {
        let alpha = c64::new(1.0, 1.0);
        // SAFETY: as above.
        report(|| unsafe {
            cblas_zher2(
                lay,
                ul,
                n,
                &alpha,
                z.as_ptr(),
                incx,
                w.as_ptr(),
                incy,
                s.v.as_mut_ptr(),
                lda,
            )
        })
    };
    let d = |i| Some(("cblas_zher2".to_string(), i));
    for lay in [ROW_MAJOR, COL_MAJOR] {
        assert_eq!(her2(lay, 0, 1, 1, 1, 1), d(2));
        assert_eq!(her2(lay, UPPER, -1, 1, 1, 1), d(3));
        assert_eq!(her2(lay, UPPER, 1, 0, 1, 1), d(6));
        assert_eq!(her2(lay, UPPER, 1, 1, 0, 1), d(8));
        assert_eq!(her2(lay, UPPER, 2, 1, 1, 1), d(10));
        assert_eq!(her2(lay, LOWER, 2, 2, -1, 2), None);
    }

    let mut tpmv = |lay, ul, tr, dg, n, incx| {
        // SAFETY: as above.
        report(|| unsafe { cblas_ztpmv(lay, ul, tr, dg, n, z.as_ptr(), s.v.as_mut_ptr(), incx) })
    };
    let d = |i| Some(("cblas_ztpmv".to_string(), i));
    for lay in [ROW_MAJOR, COL_MAJOR] {
        assert_eq!(tpmv(lay, 0, NO_TRANS, UNIT, 1, 1), d(2));
        assert_eq!(tpmv(lay, UPPER, 0, UNIT, 1, 1), d(3));
        assert_eq!(tpmv(lay, UPPER, NO_TRANS, 0, 1, 1), d(4));
        assert_eq!(tpmv(lay, UPPER, CONJ_TRANS, UNIT, -1, 1), d(5));
        assert_eq!(tpmv(lay, UPPER, CONJ_TRANS, UNIT, 1, 0), d(8));
        assert_eq!(tpmv(lay, LOWER, CONJ_TRANS, NON_UNIT, 3, 2), None);
    }
}

#[test]
fn an_illegal_row_major_conjugate_call_leaves_every_array_untouched() {
    // Row-major A^H x conjugates x and y around the Fortran call; with an illegal lda the
    // call is rejected before anything is conjugated.
    let s = bufs();
    let (x, mut y) = (s.z, s.w);
    let (alpha, beta) = (c64::new(1.0, 0.0), c64::new(1.0, 0.0));
    // SAFETY: 64-element arrays.
    let r = report(|| unsafe {
        cblas_zgemv(
            ROW_MAJOR,
            CONJ_TRANS,
            3,
            3,
            &alpha,
            s.z.as_ptr(),
            2,
            x.as_ptr(),
            1,
            &beta,
            y.as_mut_ptr(),
            1,
        )
    });
    assert_eq!(r, Some(("cblas_zgemv".to_string(), 7)));
    assert_eq!(y, s.w);
    assert_eq!(x, s.z);
}
