//! CBLAS Level 3 through the exported symbols, against hpc-core's reference implementation,
//! in both layouts: every element of the output is compared (the reference testers look
//! closely only at C's last column), including the triangle a rank-k update must leave alone
//! and NaN in C with `beta = 0`. Small integer data keep every sum exact, so results must be
//! equal, not close; triangular matrices get a unit-modulus diagonal for the same reason.

use std::ffi::c_int;

use hpc_blas::cblas::level3::*;
use hpc_blas::cblas::{COL_MAJOR, CONJ_TRANS, LEFT, LOWER, NO_TRANS, NON_UNIT, RIGHT, ROW_MAJOR};
use hpc_blas::cblas::{TRANS, UNIT, UPPER};
use hpc_core::reference::Reference;
use hpc_core::{Diag, Level3, MatMut, MatRef, Scalar, Side, Trans, Uplo, c64};
use num_traits::{Float, NumCast};
use proptest::prelude::*;

/// The CBLAS Level 3 of one type, with scalars as values.
trait Api: Scalar {
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm(
        l: c_int,
        ta: c_int,
        tb: c_int,
        m: i32,
        n: i32,
        k: i32,
        al: Self,
        a: *const Self,
        lda: i32,
        b: *const Self,
        ldb: i32,
        be: Self,
        c: *mut Self,
        ldc: i32,
    );
    #[allow(clippy::too_many_arguments)]
    unsafe fn symm(
        l: c_int,
        s: c_int,
        u: c_int,
        m: i32,
        n: i32,
        al: Self,
        a: *const Self,
        lda: i32,
        b: *const Self,
        ldb: i32,
        be: Self,
        c: *mut Self,
        ldc: i32,
    );
    #[allow(clippy::too_many_arguments)]
    unsafe fn syrk(
        l: c_int,
        u: c_int,
        t: c_int,
        n: i32,
        k: i32,
        al: Self,
        a: *const Self,
        lda: i32,
        be: Self,
        c: *mut Self,
        ldc: i32,
    );
    #[allow(clippy::too_many_arguments)]
    unsafe fn syr2k(
        l: c_int,
        u: c_int,
        t: c_int,
        n: i32,
        k: i32,
        al: Self,
        a: *const Self,
        lda: i32,
        b: *const Self,
        ldb: i32,
        be: Self,
        c: *mut Self,
        ldc: i32,
    );
    #[allow(clippy::too_many_arguments)]
    unsafe fn tri(
        solve: bool,
        l: c_int,
        s: c_int,
        u: c_int,
        t: c_int,
        d: c_int,
        m: i32,
        n: i32,
        al: Self,
        a: *const Self,
        lda: i32,
        b: *mut Self,
        ldb: i32,
    );
}

impl Api for f64 {
    unsafe fn gemm(
        l: c_int,
        ta: c_int,
        tb: c_int,
        m: i32,
        n: i32,
        k: i32,
        al: f64,
        a: *const f64,
        lda: i32,
        b: *const f64,
        ldb: i32,
        be: f64,
        c: *mut f64,
        ldc: i32,
    ) {
        // SAFETY: forwarded.
        unsafe { cblas_dgemm(l, ta, tb, m, n, k, al, a, lda, b, ldb, be, c, ldc) }
    }
    unsafe fn symm(
        l: c_int,
        s: c_int,
        u: c_int,
        m: i32,
        n: i32,
        al: f64,
        a: *const f64,
        lda: i32,
        b: *const f64,
        ldb: i32,
        be: f64,
        c: *mut f64,
        ldc: i32,
    ) {
        // SAFETY: forwarded.
        unsafe { cblas_dsymm(l, s, u, m, n, al, a, lda, b, ldb, be, c, ldc) }
    }
    unsafe fn syrk(
        l: c_int,
        u: c_int,
        t: c_int,
        n: i32,
        k: i32,
        al: f64,
        a: *const f64,
        lda: i32,
        be: f64,
        c: *mut f64,
        ldc: i32,
    ) {
        // SAFETY: forwarded.
        unsafe { cblas_dsyrk(l, u, t, n, k, al, a, lda, be, c, ldc) }
    }
    unsafe fn syr2k(
        l: c_int,
        u: c_int,
        t: c_int,
        n: i32,
        k: i32,
        al: f64,
        a: *const f64,
        lda: i32,
        b: *const f64,
        ldb: i32,
        be: f64,
        c: *mut f64,
        ldc: i32,
    ) {
        // SAFETY: forwarded.
        unsafe { cblas_dsyr2k(l, u, t, n, k, al, a, lda, b, ldb, be, c, ldc) }
    }
    unsafe fn tri(
        solve: bool,
        l: c_int,
        s: c_int,
        u: c_int,
        t: c_int,
        d: c_int,
        m: i32,
        n: i32,
        al: f64,
        a: *const f64,
        lda: i32,
        b: *mut f64,
        ldb: i32,
    ) {
        let f = if solve { cblas_dtrsm } else { cblas_dtrmm };
        // SAFETY: forwarded.
        unsafe { f(l, s, u, t, d, m, n, al, a, lda, b, ldb) }
    }
}

impl Api for c64 {
    unsafe fn gemm(
        l: c_int,
        ta: c_int,
        tb: c_int,
        m: i32,
        n: i32,
        k: i32,
        al: c64,
        a: *const c64,
        lda: i32,
        b: *const c64,
        ldb: i32,
        be: c64,
        c: *mut c64,
        ldc: i32,
    ) {
        // SAFETY: forwarded.
        unsafe { cblas_zgemm(l, ta, tb, m, n, k, &al, a, lda, b, ldb, &be, c, ldc) }
    }
    unsafe fn symm(
        l: c_int,
        s: c_int,
        u: c_int,
        m: i32,
        n: i32,
        al: c64,
        a: *const c64,
        lda: i32,
        b: *const c64,
        ldb: i32,
        be: c64,
        c: *mut c64,
        ldc: i32,
    ) {
        // SAFETY: forwarded.
        unsafe { cblas_zsymm(l, s, u, m, n, &al, a, lda, b, ldb, &be, c, ldc) }
    }
    unsafe fn syrk(
        l: c_int,
        u: c_int,
        t: c_int,
        n: i32,
        k: i32,
        al: c64,
        a: *const c64,
        lda: i32,
        be: c64,
        c: *mut c64,
        ldc: i32,
    ) {
        // SAFETY: forwarded.
        unsafe { cblas_zsyrk(l, u, t, n, k, &al, a, lda, &be, c, ldc) }
    }
    unsafe fn syr2k(
        l: c_int,
        u: c_int,
        t: c_int,
        n: i32,
        k: i32,
        al: c64,
        a: *const c64,
        lda: i32,
        b: *const c64,
        ldb: i32,
        be: c64,
        c: *mut c64,
        ldc: i32,
    ) {
        // SAFETY: forwarded.
        unsafe { cblas_zsyr2k(l, u, t, n, k, &al, a, lda, b, ldb, &be, c, ldc) }
    }
    unsafe fn tri(
        solve: bool,
        l: c_int,
        s: c_int,
        u: c_int,
        t: c_int,
        d: c_int,
        m: i32,
        n: i32,
        al: c64,
        a: *const c64,
        lda: i32,
        b: *mut c64,
        ldb: i32,
    ) {
        let f = if solve { cblas_ztrsm } else { cblas_ztrmm };
        // SAFETY: forwarded.
        unsafe { f(l, s, u, t, d, m, n, &al, a, lda, b, ldb) }
    }
}

/// One random problem: layout, sizes, options and the integers the operands are made of.
#[derive(Clone, Debug)]
struct Case {
    row: bool,
    m: usize,
    n: usize,
    k: usize,
    opt: [usize; 4],
    pad: [usize; 3],
    alpha: (i8, i8),
    beta: (i8, i8),
    data: Vec<(i8, i8)>,
}

fn cases() -> impl Strategy<Value = Case> {
    (
        any::<bool>(),
        (0usize..9, 0usize..9, 0usize..9),
        [0usize..6, 0usize..6, 0usize..6, 0usize..6],
        [0usize..3, 0usize..3, 0usize..3],
        ((-2i8..3), (-1i8..2)),
        ((-1i8..3), (-1i8..2)),
        prop::collection::vec((-3i8..4, -3i8..4), 600),
    )
        .prop_map(|(row, (m, n, k), opt, pad, alpha, beta, data)| Case {
            row,
            m,
            n,
            k,
            opt,
            pad,
            alpha,
            beta,
            data,
        })
}

/// A stored `rows x cols` matrix in the case's layout: its elements and leading dimension.
struct Stored<T> {
    v: Vec<T>,
    rows: usize,
    cols: usize,
    ld: usize,
    row: bool,
}

impl<T: Scalar> Stored<T> {
    fn new(c: &Case, which: usize, rows: usize, cols: usize) -> Self {
        let ld = if c.row { cols } else { rows }.max(1) + c.pad[which];
        let len = ld * if c.row { rows } else { cols };
        let v = (0..len)
            .map(|i| {
                let (re, im) = c.data[(i * 7 + which * 131) % c.data.len()];
                from_i8::<T>(re, im)
            })
            .collect();
        Stored {
            v,
            rows,
            cols,
            ld,
            row: c.row,
        }
    }
    fn at(&self, i: usize, j: usize) -> usize {
        if self.row {
            i * self.ld + j
        } else {
            i + j * self.ld
        }
    }
    fn view(&self) -> MatRef<'_, T> {
        if self.row {
            MatRef::from_row_major(&self.v, self.rows, self.cols, self.ld).unwrap()
        } else {
            MatRef::from_col_major(&self.v, self.rows, self.cols, self.ld).unwrap()
        }
    }
    fn view_mut(&mut self) -> MatMut<'_, T> {
        if self.row {
            MatMut::from_row_major(&mut self.v, self.rows, self.cols, self.ld).unwrap()
        } else {
            MatMut::from_col_major(&mut self.v, self.rows, self.cols, self.ld).unwrap()
        }
    }
    fn ld(&self) -> i32 {
        self.ld as i32
    }
}

fn lay(c: &Case) -> c_int {
    if c.row { ROW_MAJOR } else { COL_MAJOR }
}

fn trans(i: usize, complex_sym: bool, herm: bool) -> (c_int, Trans) {
    match (i % 3, complex_sym, herm) {
        (0, _, _) => (NO_TRANS, Trans::No),
        (1, _, false) | (2, true, _) => (TRANS, Trans::Trans),
        _ => (CONJ_TRANS, Trans::ConjTrans),
    }
}

fn from_i8<T: Scalar>(re: i8, im: i8) -> T {
    let r = |x: i8| <T::Real as NumCast>::from(x).expect("small integers are exact");
    T::from_parts(r(re), r(im))
}

fn scalar<T: Scalar>(p: (i8, i8)) -> T {
    from_i8::<T>(p.0, p.1)
}

/// Element-wise equality, NaN equal to NaN (a NaN from C with beta = 0 would show as a NaN in
/// one result and a number in the other).
fn same<T: Scalar>(x: &[T], y: &[T]) -> bool {
    x.iter().zip(y).all(|(a, b)| {
        let eq = |p: T::Real, q: T::Real| p == q || (p.is_nan() && q.is_nan());
        eq(a.re(), b.re()) && eq(a.im(), b.im())
    })
}

/// C for the case: NaN everywhere when beta = 0 (it must not be read), else integers.
fn output<T: Scalar>(c: &Case, rows: usize, cols: usize, beta: T) -> Stored<T> {
    let mut s = Stored::new(c, 2, rows, cols);
    if beta.is_zero() {
        s.v.fill(T::from_parts(
            <T::Real as Float>::nan(),
            <T::Real as Float>::nan(),
        ));
    }
    s
}

fn check_all<T: Api>(c: &Case) -> Result<(), TestCaseError>
where
    Reference: Level3<T>,
{
    let (m, n, k) = (c.m, c.n, c.k);
    let (alpha, beta) = (scalar::<T>(c.alpha), scalar::<T>(c.beta));
    let uplo = |i: usize| {
        if i % 2 == 0 {
            (UPPER, Uplo::Upper)
        } else {
            (LOWER, Uplo::Lower)
        }
    };
    let side = |i: usize| {
        if i % 2 == 0 {
            (LEFT, Side::Left)
        } else {
            (RIGHT, Side::Right)
        }
    };

    // GEMM.
    let ((ta, rta), (tb, rtb)) = (trans(c.opt[0], false, false), trans(c.opt[1], false, false));
    let (ar, ac) = if rta == Trans::No { (m, k) } else { (k, m) };
    let (br, bc) = if rtb == Trans::No { (k, n) } else { (n, k) };
    let (a, b) = (
        Stored::<T>::new(c, 0, ar, ac),
        Stored::<T>::new(c, 1, br, bc),
    );
    let (mut got, mut want) = (output(c, m, n, beta), output(c, m, n, beta));
    // SAFETY: the stored matrices match the dimensions passed.
    unsafe {
        T::gemm(
            lay(c),
            ta,
            tb,
            m as i32,
            n as i32,
            k as i32,
            alpha,
            a.v.as_ptr(),
            a.ld(),
            b.v.as_ptr(),
            b.ld(),
            beta,
            got.v.as_mut_ptr(),
            got.ld(),
        )
    };
    Reference
        .gemm(rta, rtb, alpha, a.view(), b.view(), beta, want.view_mut())
        .unwrap();
    prop_assert!(same(&got.v, &want.v), "gemm {c:?}");

    // SYMM.
    let ((s, rs), (u, ru)) = (side(c.opt[2]), uplo(c.opt[3]));
    let ka = if rs == Side::Left { m } else { n };
    let (a, b) = (Stored::<T>::new(c, 0, ka, ka), Stored::<T>::new(c, 1, m, n));
    let (mut got, mut want) = (output(c, m, n, beta), output(c, m, n, beta));
    // SAFETY: as above.
    unsafe {
        T::symm(
            lay(c),
            s,
            u,
            m as i32,
            n as i32,
            alpha,
            a.v.as_ptr(),
            a.ld(),
            b.v.as_ptr(),
            b.ld(),
            beta,
            got.v.as_mut_ptr(),
            got.ld(),
        )
    };
    Reference
        .symm(rs, ru, alpha, a.view(), b.view(), beta, want.view_mut())
        .unwrap();
    prop_assert!(same(&got.v, &want.v), "symm {c:?}");

    // SYRK and SYR2K (C is n x n, op(A) n x k).
    let (t, rt) = trans(c.opt[0], T::IS_COMPLEX, false);
    let (ar, ac) = if rt == Trans::No { (n, k) } else { (k, n) };
    let (a, b) = (
        Stored::<T>::new(c, 0, ar, ac),
        Stored::<T>::new(c, 1, ar, ac),
    );
    let (mut got, mut want) = (output(c, n, n, beta), output(c, n, n, beta));
    // SAFETY: as above.
    unsafe {
        T::syrk(
            lay(c),
            u,
            t,
            n as i32,
            k as i32,
            alpha,
            a.v.as_ptr(),
            a.ld(),
            beta,
            got.v.as_mut_ptr(),
            got.ld(),
        )
    };
    Reference
        .syrk(ru, rt, alpha, a.view(), beta, want.view_mut())
        .unwrap();
    prop_assert!(same(&got.v, &want.v), "syrk {c:?}");
    let (mut got, mut want) = (output(c, n, n, beta), output(c, n, n, beta));
    // SAFETY: as above.
    unsafe {
        T::syr2k(
            lay(c),
            u,
            t,
            n as i32,
            k as i32,
            alpha,
            a.v.as_ptr(),
            a.ld(),
            b.v.as_ptr(),
            b.ld(),
            beta,
            got.v.as_mut_ptr(),
            got.ld(),
        )
    };
    Reference
        .syr2k(ru, rt, alpha, a.view(), b.view(), beta, want.view_mut())
        .unwrap();
    prop_assert!(same(&got.v, &want.v), "syr2k {c:?}");

    // TRMM and TRSM, with a diagonal of +-1 so that solving stays exact.
    let (ta, rta) = trans(c.opt[1], false, false);
    let (d, rd) = if c.opt[3] / 2 % 2 == 0 {
        (UNIT, Diag::Unit)
    } else {
        (NON_UNIT, Diag::NonUnit)
    };
    let mut a = Stored::<T>::new(c, 0, ka, ka);
    for i in 0..ka {
        let at = a.at(i, i);
        a.v[at] = if i % 2 == 0 { T::one() } else { -T::one() };
    }
    for solve in [false, true] {
        let mut got = Stored::<T>::new(c, 1, m, n);
        let mut want = Stored::<T>::new(c, 1, m, n);
        // SAFETY: as above.
        unsafe {
            T::tri(
                solve,
                lay(c),
                s,
                u,
                ta,
                d,
                m as i32,
                n as i32,
                alpha,
                a.v.as_ptr(),
                a.ld(),
                got.v.as_mut_ptr(),
                got.ld(),
            )
        };
        if solve {
            Reference
                .trsm(rs, ru, rta, rd, alpha, a.view(), want.view_mut())
                .unwrap();
        } else {
            Reference
                .trmm(rs, ru, rta, rd, alpha, a.view(), want.view_mut())
                .unwrap();
        }
        prop_assert!(
            same(&got.v, &want.v),
            "tr{}m {c:?}",
            if solve { "s" } else { "m" }
        );
    }
    Ok(())
}

/// HEMM, HERK, HER2K (complex only).
fn check_herm(c: &Case) -> Result<(), TestCaseError> {
    let (m, n, k) = (c.m, c.n, c.k);
    let (alpha, beta) = (scalar::<c64>(c.alpha), scalar::<c64>(c.beta));
    let (u, ru) = if c.opt[3] % 2 == 0 {
        (UPPER, Uplo::Upper)
    } else {
        (LOWER, Uplo::Lower)
    };
    let (s, rs) = if c.opt[2] % 2 == 0 {
        (LEFT, Side::Left)
    } else {
        (RIGHT, Side::Right)
    };
    let ka = if rs == Side::Left { m } else { n };
    let (a, b) = (
        Stored::<c64>::new(c, 0, ka, ka),
        Stored::<c64>::new(c, 1, m, n),
    );
    let (mut got, mut want) = (output(c, m, n, beta), output(c, m, n, beta));
    // SAFETY: the stored matrices match the dimensions passed.
    unsafe {
        cblas_zhemm(
            lay(c),
            s,
            u,
            m as i32,
            n as i32,
            &alpha,
            a.v.as_ptr(),
            a.ld(),
            b.v.as_ptr(),
            b.ld(),
            &beta,
            got.v.as_mut_ptr(),
            got.ld(),
        )
    };
    Reference
        .hemm(rs, ru, alpha, a.view(), b.view(), beta, want.view_mut())
        .unwrap();
    prop_assert!(same(&got.v, &want.v), "hemm {c:?}");

    let (t, rt) = trans(c.opt[0], false, true);
    let (ar, ac) = if rt == Trans::No { (n, k) } else { (k, n) };
    let (a, b) = (
        Stored::<c64>::new(c, 0, ar, ac),
        Stored::<c64>::new(c, 1, ar, ac),
    );
    let (ra, rb) = (
        <f64 as From<i8>>::from(c.alpha.0),
        <f64 as From<i8>>::from(c.beta.0),
    );
    let rbeta = c64::new(rb, 0.0);
    let (mut got, mut want) = (output(c, n, n, rbeta), output(c, n, n, rbeta));
    // SAFETY: as above.
    unsafe {
        cblas_zherk(
            lay(c),
            u,
            t,
            n as i32,
            k as i32,
            ra,
            a.v.as_ptr(),
            a.ld(),
            rb,
            got.v.as_mut_ptr(),
            got.ld(),
        )
    };
    Reference
        .herk(ru, rt, ra, a.view(), rb, want.view_mut())
        .unwrap();
    prop_assert!(same(&got.v, &want.v), "herk {c:?}");
    let (mut got, mut want) = (output(c, n, n, rbeta), output(c, n, n, rbeta));
    // SAFETY: as above.
    unsafe {
        cblas_zher2k(
            lay(c),
            u,
            t,
            n as i32,
            k as i32,
            &alpha,
            a.v.as_ptr(),
            a.ld(),
            b.v.as_ptr(),
            b.ld(),
            rb,
            got.v.as_mut_ptr(),
            got.ld(),
        )
    };
    Reference
        .her2k(ru, rt, alpha, a.view(), b.view(), rb, want.view_mut())
        .unwrap();
    prop_assert!(same(&got.v, &want.v), "her2k {c:?}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn double_level3_matches_the_reference_in_both_layouts(c in cases()) {
        check_all::<f64>(&c)?;
    }

    #[test]
    fn complex_level3_matches_the_reference_in_both_layouts(c in cases()) {
        check_all::<c64>(&c)?;
        check_herm(&c)?;
    }
}
