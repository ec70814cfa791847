//! Level 3 of the Fortran BLAS ABI: `?gemm_`, `?symm_`, `?hemm_`, `?syrk_`, `?herk_`,
//! `?syr2k_`, `?her2k_`, `?trmm_`, `?trsm_`, on hpc-gemm's fast Level 3.
//!
//! Each routine checks its arguments in the reference order (the `Err` is the 1-based number
//! of the first illegal one), makes the reference's quick return, then runs on views of the
//! caller's arrays. The `extern "C"` symbols (bottom) are generated per type by one macro.

use hpc_core::{Level3, Scalar, Side, Trans};

use crate::args::{ch, diag, dim, mat, mat_mut, max1, side, trans, uplo};
use crate::backend::fast;

/// The `C` option is `T` for real types, `C` for complex ones: both legal for gemm/trmm/trsm.
type Info = Result<(), i32>;

/// `?gemm`: `C <- alpha op(A) op(B) + beta C`.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn gemm<T: Scalar>(
    ta: u8,
    tb: u8,
    m: i32,
    n: i32,
    k: i32,
    alpha: T,
    a: *const T,
    lda: i32,
    b: *const T,
    ldb: i32,
    beta: T,
    c: *mut T,
    ldc: i32,
) -> Info
where
    hpc_gemm::Fast: Level3<T>,
{
    let (Some(opa), Some(opb)) = (trans(ta), trans(tb)) else {
        return Err(if trans(ta).is_none() { 1 } else { 2 });
    };
    let nrowa = if opa == Trans::No { m } else { k };
    let nrowb = if opb == Trans::No { k } else { n };
    let info = if m < 0 {
        3
    } else if n < 0 {
        4
    } else if k < 0 {
        5
    } else if lda < max1(nrowa) {
        8
    } else if ldb < max1(nrowb) {
        10
    } else if ldc < max1(m) {
        13
    } else {
        0
    };
    if info != 0 {
        return Err(info);
    }
    if m == 0 || n == 0 || ((alpha.is_zero() || k == 0) && beta.is_one()) {
        return Ok(());
    }
    let (m, n, k) = (dim(m), dim(n), dim(k));
    let (ar, ac) = if opa == Trans::No { (m, k) } else { (k, m) };
    let (br, bc) = if opb == Trans::No { (k, n) } else { (n, k) };
    // SAFETY: the checked arguments describe the caller's arrays (BLAS contract).
    let (a, b, c) = unsafe {
        (
            mat("A", a, ar, ac, lda),
            mat("B", b, br, bc, ldb),
            mat_mut("C", c, m, n, ldc),
        )
    };
    fast()
        .gemm(opa, opb, alpha, a, b, beta, c)
        .expect("checked");
    Ok(())
}

/// `?symm` (`herm = false`) and `?hemm` (`herm = true`).
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn symm<T: Scalar>(
    herm: bool,
    sd: u8,
    ul: u8,
    m: i32,
    n: i32,
    alpha: T,
    a: *const T,
    lda: i32,
    b: *const T,
    ldb: i32,
    beta: T,
    c: *mut T,
    ldc: i32,
) -> Info
where
    hpc_gemm::Fast: Level3<T>,
{
    let Some(s) = side(sd) else { return Err(1) };
    let Some(u) = uplo(ul) else { return Err(2) };
    let nrowa = if s == Side::Left { m } else { n };
    let info = if m < 0 {
        3
    } else if n < 0 {
        4
    } else if lda < max1(nrowa) {
        7
    } else if ldb < max1(m) {
        9
    } else if ldc < max1(m) {
        12
    } else {
        0
    };
    if info != 0 {
        return Err(info);
    }
    if m == 0 || n == 0 || (alpha.is_zero() && beta.is_one()) {
        return Ok(());
    }
    let (m, n, na) = (dim(m), dim(n), dim(nrowa));
    // SAFETY: as in `gemm`.
    let (a, b, c) = unsafe {
        (
            mat("A", a, na, na, lda),
            mat("B", b, m, n, ldb),
            mat_mut("C", c, m, n, ldc),
        )
    };
    let r = if herm {
        fast().hemm(s, u, alpha, a, b, beta, c)
    } else {
        fast().symm(s, u, alpha, a, b, beta, c)
    };
    r.expect("checked");
    Ok(())
}

/// Which rank-k routine: the legal `trans` options and the names differ.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RankK {
    /// `?syrk`/`?syr2k`: `N`, `T` (and `C` for real types).
    Sym,
    /// `?herk`/`?her2k`: `N`, `C` (and `T` for real types, though those names do not exist).
    Herm,
}

/// The legal `trans` of a rank-k routine for `T`.
fn rank_k_trans<T: Scalar>(kind: RankK, c: u8) -> Option<Trans> {
    match (trans(c)?, kind, T::IS_COMPLEX) {
        (Trans::ConjTrans, RankK::Sym, true) | (Trans::Trans, RankK::Herm, true) => None,
        (t, _, _) => Some(t),
    }
}

/// `?syrk`/`?herk` (`b = None`) and `?syr2k`/`?her2k` (`b = Some((b, ldb))`). The real
/// `alpha`/`beta` of `herk` (and `beta` of `her2k`) come as `T` with zero imaginary part.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn rank_k<T: Scalar>(
    kind: RankK,
    ul: u8,
    tr: u8,
    n: i32,
    k: i32,
    alpha: T,
    a: *const T,
    lda: i32,
    b: Option<(*const T, i32)>,
    beta: T,
    c: *mut T,
    ldc: i32,
) -> Info
where
    hpc_gemm::Fast: Level3<T>,
{
    let Some(u) = uplo(ul) else { return Err(1) };
    let Some(t) = rank_k_trans::<T>(kind, tr) else {
        return Err(2);
    };
    let nrowa = if t == Trans::No { n } else { k };
    let info = if n < 0 {
        3
    } else if k < 0 {
        4
    } else if lda < max1(nrowa) {
        7
    } else if b.is_some_and(|(_, ldb)| ldb < max1(nrowa)) {
        9
    } else if ldc < max1(n) {
        if b.is_some() { 12 } else { 10 }
    } else {
        0
    };
    if info != 0 {
        return Err(info);
    }
    if n == 0 || ((alpha.is_zero() || k == 0) && beta.is_one()) {
        return Ok(());
    }
    let (n, k) = (dim(n), dim(k));
    let (ar, ac) = if t == Trans::No { (n, k) } else { (k, n) };
    // SAFETY: as in `gemm`.
    let (a, c) = unsafe { (mat("A", a, ar, ac, lda), mat_mut("C", c, n, n, ldc)) };
    let r = match (b, kind) {
        (None, RankK::Sym) => fast().syrk(u, t, alpha, a, beta, c),
        (None, RankK::Herm) => fast().herk(u, t, alpha.re(), a, beta.re(), c),
        (Some((b, ldb)), kind) => {
            // SAFETY: as in `gemm`.
            let b = unsafe { mat("B", b, ar, ac, ldb) };
            match kind {
                RankK::Sym => fast().syr2k(u, t, alpha, a, b, beta, c),
                RankK::Herm => fast().her2k(u, t, alpha, a, b, beta.re(), c),
            }
        }
    };
    r.expect("checked");
    Ok(())
}

/// `?trmm` (`solve = false`) and `?trsm` (`solve = true`).
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn tri<T: Scalar>(
    solve: bool,
    sd: u8,
    ul: u8,
    ta: u8,
    dg: u8,
    m: i32,
    n: i32,
    alpha: T,
    a: *const T,
    lda: i32,
    b: *mut T,
    ldb: i32,
) -> Info
where
    hpc_gemm::Fast: Level3<T>,
{
    let Some(s) = side(sd) else { return Err(1) };
    let Some(u) = uplo(ul) else { return Err(2) };
    let Some(t) = trans(ta) else { return Err(3) };
    let Some(d) = diag(dg) else { return Err(4) };
    let nrowa = if s == Side::Left { m } else { n };
    let info = if m < 0 {
        5
    } else if n < 0 {
        6
    } else if lda < max1(nrowa) {
        9
    } else if ldb < max1(m) {
        11
    } else {
        0
    };
    if info != 0 {
        return Err(info);
    }
    if m == 0 || n == 0 {
        return Ok(());
    }
    let (m, n, na) = (dim(m), dim(n), dim(nrowa));
    // SAFETY: as in `gemm`.
    let (a, b) = unsafe { (mat("A", a, na, na, lda), mat_mut("B", b, m, n, ldb)) };
    let r = if solve {
        fast().trsm(s, u, t, d, alpha, a, b)
    } else {
        fast().trmm(s, u, t, d, alpha, a, b)
    };
    r.expect("checked");
    Ok(())
}

/// Reports `Err(info)` through `xerbla_` under `name`.
pub(crate) fn done(name: &str, r: Info) {
    if let Err(info) = r {
        crate::xerbla::report(name, info);
    }
}

/// A real `alpha`/`beta` of `herk`/`her2k` as a `T`.
fn real<T: Scalar>(x: T::Real) -> T {
    T::from_real(x)
}

macro_rules! level3 {
    ($t:ty, $p:literal, $gemm:ident, $symm:ident, $syrk:ident, $syr2k:ident, $trmm:ident, $trsm:ident) => {
        #[doc = concat!("`", $p, "GEMM`: reference BLAS ABI (arguments by reference).")]
        ///
        /// # Safety
        /// The reference BLAS contract: every pointer valid for the arrays it describes.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $gemm(
            ta: *const c_char,
            tb: *const c_char,
            m: *const c_int,
            n: *const c_int,
            k: *const c_int,
            alpha: *const $t,
            a: *const $t,
            lda: *const c_int,
            b: *const $t,
            ldb: *const c_int,
            beta: *const $t,
            c: *mut $t,
            ldc: *const c_int,
            _l1: usize,
            _l2: usize,
        ) {
            guard(concat!($p, "GEMM"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    gemm(
                        ch(ta),
                        ch(tb),
                        *m,
                        *n,
                        *k,
                        *alpha,
                        a,
                        *lda,
                        b,
                        *ldb,
                        *beta,
                        c,
                        *ldc,
                    )
                };
                done(concat!($p, "GEMM"), r)
            })
        }

        #[doc = concat!("`", $p, "SYMM`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $symm(
            sd: *const c_char,
            ul: *const c_char,
            m: *const c_int,
            n: *const c_int,
            alpha: *const $t,
            a: *const $t,
            lda: *const c_int,
            b: *const $t,
            ldb: *const c_int,
            beta: *const $t,
            c: *mut $t,
            ldc: *const c_int,
            _l1: usize,
            _l2: usize,
        ) {
            guard(concat!($p, "SYMM"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    symm(
                        false,
                        ch(sd),
                        ch(ul),
                        *m,
                        *n,
                        *alpha,
                        a,
                        *lda,
                        b,
                        *ldb,
                        *beta,
                        c,
                        *ldc,
                    )
                };
                done(concat!($p, "SYMM"), r)
            })
        }

        #[doc = concat!("`", $p, "SYRK`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $syrk(
            ul: *const c_char,
            tr: *const c_char,
            n: *const c_int,
            k: *const c_int,
            alpha: *const $t,
            a: *const $t,
            lda: *const c_int,
            beta: *const $t,
            c: *mut $t,
            ldc: *const c_int,
            _l1: usize,
            _l2: usize,
        ) {
            guard(concat!($p, "SYRK"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    rank_k(
                        RankK::Sym,
                        ch(ul),
                        ch(tr),
                        *n,
                        *k,
                        *alpha,
                        a,
                        *lda,
                        None,
                        *beta,
                        c,
                        *ldc,
                    )
                };
                done(concat!($p, "SYRK"), r)
            })
        }

        #[doc = concat!("`", $p, "SYR2K`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $syr2k(
            ul: *const c_char,
            tr: *const c_char,
            n: *const c_int,
            k: *const c_int,
            alpha: *const $t,
            a: *const $t,
            lda: *const c_int,
            b: *const $t,
            ldb: *const c_int,
            beta: *const $t,
            c: *mut $t,
            ldc: *const c_int,
            _l1: usize,
            _l2: usize,
        ) {
            guard(concat!($p, "SYR2K"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    rank_k(
                        RankK::Sym,
                        ch(ul),
                        ch(tr),
                        *n,
                        *k,
                        *alpha,
                        a,
                        *lda,
                        Some((b, *ldb)),
                        *beta,
                        c,
                        *ldc,
                    )
                };
                done(concat!($p, "SYR2K"), r)
            })
        }

        #[doc = concat!("`", $p, "TRMM`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $trmm(
            sd: *const c_char,
            ul: *const c_char,
            ta: *const c_char,
            dg: *const c_char,
            m: *const c_int,
            n: *const c_int,
            alpha: *const $t,
            a: *const $t,
            lda: *const c_int,
            b: *mut $t,
            ldb: *const c_int,
            _l1: usize,
            _l2: usize,
            _l3: usize,
            _l4: usize,
        ) {
            guard(concat!($p, "TRMM"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    tri(
                        false,
                        ch(sd),
                        ch(ul),
                        ch(ta),
                        ch(dg),
                        *m,
                        *n,
                        *alpha,
                        a,
                        *lda,
                        b,
                        *ldb,
                    )
                };
                done(concat!($p, "TRMM"), r)
            })
        }

        #[doc = concat!("`", $p, "TRSM`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $trsm(
            sd: *const c_char,
            ul: *const c_char,
            ta: *const c_char,
            dg: *const c_char,
            m: *const c_int,
            n: *const c_int,
            alpha: *const $t,
            a: *const $t,
            lda: *const c_int,
            b: *mut $t,
            ldb: *const c_int,
            _l1: usize,
            _l2: usize,
            _l3: usize,
            _l4: usize,
        ) {
            guard(concat!($p, "TRSM"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    tri(
                        true,
                        ch(sd),
                        ch(ul),
                        ch(ta),
                        ch(dg),
                        *m,
                        *n,
                        *alpha,
                        a,
                        *lda,
                        b,
                        *ldb,
                    )
                };
                done(concat!($p, "TRSM"), r)
            })
        }
    };
}

macro_rules! level3_herm {
    ($t:ty, $r:ty, $p:literal, $hemm:ident, $herk:ident, $her2k:ident) => {
        #[doc = concat!("`", $p, "HEMM`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $hemm(
            sd: *const c_char,
            ul: *const c_char,
            m: *const c_int,
            n: *const c_int,
            alpha: *const $t,
            a: *const $t,
            lda: *const c_int,
            b: *const $t,
            ldb: *const c_int,
            beta: *const $t,
            c: *mut $t,
            ldc: *const c_int,
            _l1: usize,
            _l2: usize,
        ) {
            guard(concat!($p, "HEMM"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    symm(
                        true,
                        ch(sd),
                        ch(ul),
                        *m,
                        *n,
                        *alpha,
                        a,
                        *lda,
                        b,
                        *ldb,
                        *beta,
                        c,
                        *ldc,
                    )
                };
                done(concat!($p, "HEMM"), r)
            })
        }

        #[doc = concat!("`", $p, "HERK`: reference BLAS ABI (`alpha`, `beta` real).")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $herk(
            ul: *const c_char,
            tr: *const c_char,
            n: *const c_int,
            k: *const c_int,
            alpha: *const $r,
            a: *const $t,
            lda: *const c_int,
            beta: *const $r,
            c: *mut $t,
            ldc: *const c_int,
            _l1: usize,
            _l2: usize,
        ) {
            guard(concat!($p, "HERK"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    rank_k(
                        RankK::Herm,
                        ch(ul),
                        ch(tr),
                        *n,
                        *k,
                        real::<$t>(*alpha),
                        a,
                        *lda,
                        None,
                        real::<$t>(*beta),
                        c,
                        *ldc,
                    )
                };
                done(concat!($p, "HERK"), r)
            })
        }

        #[doc = concat!("`", $p, "HER2K`: reference BLAS ABI (`beta` real).")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $her2k(
            ul: *const c_char,
            tr: *const c_char,
            n: *const c_int,
            k: *const c_int,
            alpha: *const $t,
            a: *const $t,
            lda: *const c_int,
            b: *const $t,
            ldb: *const c_int,
            beta: *const $r,
            c: *mut $t,
            ldc: *const c_int,
            _l1: usize,
            _l2: usize,
        ) {
            guard(concat!($p, "HER2K"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    rank_k(
                        RankK::Herm,
                        ch(ul),
                        ch(tr),
                        *n,
                        *k,
                        *alpha,
                        a,
                        *lda,
                        Some((b, *ldb)),
                        real::<$t>(*beta),
                        c,
                        *ldc,
                    )
                };
                done(concat!($p, "HER2K"), r)
            })
        }
    };
}

use crate::backend::guard;
use hpc_core::{c32, c64};
use std::ffi::{c_char, c_int};

level3!(f32, "S", sgemm_, ssymm_, ssyrk_, ssyr2k_, strmm_, strsm_);
level3!(f64, "D", dgemm_, dsymm_, dsyrk_, dsyr2k_, dtrmm_, dtrsm_);
level3!(c32, "C", cgemm_, csymm_, csyrk_, csyr2k_, ctrmm_, ctrsm_);
level3!(c64, "Z", zgemm_, zsymm_, zsyrk_, zsyr2k_, ztrmm_, ztrsm_);
level3_herm!(c32, f32, "C", chemm_, cherk_, cher2k_);
level3_herm!(c64, f64, "Z", zhemm_, zherk_, zher2k_);
