//! CBLAS Level 3. A row-major call is the column-major call on the transposed problem:
//! `C^T = op(B)^T op(A)^T` for GEMM (operands swapped, transposes kept), `side` and `uplo`
//! flipped with `M`/`N` swapped for SYMM/HEMM/TRMM/TRSM, and for the rank-k updates `uplo`
//! flipped and `trans` turned (`N` <-> `T`, or `N` <-> `C` for the Hermitian ones, whose
//! `alpha` of HER2K is conjugated: `C^T = conj(alpha) A'^H B' + alpha B'^H A'`).

use std::ffi::c_int;

use hpc_core::{Level3, Scalar, c32, c64};

use super::{Bad, CScalar, Res, run, side, trans, uplo};
use crate::f77::level3::{self as f, RankK};

/// `cblas_?gemm`.
///
/// # Safety
/// The CBLAS contract: the arrays hold the matrices their dimensions describe.
#[allow(clippy::too_many_arguments)]
unsafe fn gemm<T: Scalar>(
    row: bool,
    ta: c_int,
    tb: c_int,
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
) -> Res
where
    hpc_gemm::Fast: Level3<T>,
{
    let ta = trans(ta).ok_or(Bad::Cblas(2))?;
    let tb = trans(tb).ok_or(Bad::Cblas(3))?;
    // SAFETY: forwarded.
    unsafe {
        if row {
            f::gemm(tb, ta, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc)?
        } else {
            f::gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)?
        }
    }
    Ok(())
}

/// `cblas_?symm` and `cblas_?hemm`.
///
/// # Safety
/// As [`gemm`].
#[allow(clippy::too_many_arguments)]
unsafe fn symm<T: Scalar>(
    row: bool,
    herm: bool,
    sd: c_int,
    ul: c_int,
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
) -> Res
where
    hpc_gemm::Fast: Level3<T>,
{
    let sd = side(sd, row).ok_or(Bad::Cblas(2))?;
    let ul = uplo(ul, row).ok_or(Bad::Cblas(3))?;
    let (m, n) = if row { (n, m) } else { (m, n) };
    // SAFETY: forwarded.
    unsafe { f::symm(herm, sd, ul, m, n, alpha, a, lda, b, ldb, beta, c, ldc)? };
    Ok(())
}

/// The Fortran `trans` of a rank-k update: for a row-major call the other one of the pair
/// (`N`/`T` symmetric, `N`/`C` Hermitian); `b'?'` (which the Fortran routine rejects as
/// argument 2, CBLAS argument 3) for the ones the routine does not accept.
fn rank_k_trans<T: Scalar>(kind: RankK, t: u8, row: bool) -> u8 {
    if !row {
        return t;
    }
    match (kind, t, T::IS_COMPLEX) {
        (RankK::Sym, b'N', _) => b'T',
        (RankK::Sym, b'T', _) | (RankK::Sym, b'C', false) => b'N',
        (RankK::Herm, b'N', _) => b'C',
        (RankK::Herm, b'C', _) | (RankK::Herm, b'T', false) => b'N',
        _ => b'?',
    }
}

/// `cblas_?syrk`, `cblas_?herk` (`b = None`), `cblas_?syr2k`, `cblas_?her2k`.
///
/// # Safety
/// As [`gemm`].
#[allow(clippy::too_many_arguments)]
unsafe fn rank_k<T: Scalar>(
    row: bool,
    kind: RankK,
    ul: c_int,
    tr: c_int,
    n: i32,
    k: i32,
    alpha: T,
    a: *const T,
    lda: i32,
    b: Option<(*const T, i32)>,
    beta: T,
    c: *mut T,
    ldc: i32,
) -> Res
where
    hpc_gemm::Fast: Level3<T>,
{
    let ul = uplo(ul, row).ok_or(Bad::Cblas(2))?;
    let t = rank_k_trans::<T>(kind, trans(tr).ok_or(Bad::Cblas(3))?, row);
    let alpha = if row && kind == RankK::Herm && b.is_some() {
        alpha.conj()
    } else {
        alpha
    };
    // SAFETY: forwarded.
    unsafe { f::rank_k(kind, ul, t, n, k, alpha, a, lda, b, beta, c, ldc)? };
    Ok(())
}

/// `cblas_?trmm` (`solve = false`) and `cblas_?trsm`.
///
/// # Safety
/// As [`gemm`].
#[allow(clippy::too_many_arguments)]
unsafe fn tri<T: Scalar>(
    row: bool,
    solve: bool,
    sd: c_int,
    ul: c_int,
    ta: c_int,
    dg: c_int,
    m: i32,
    n: i32,
    alpha: T,
    a: *const T,
    lda: i32,
    b: *mut T,
    ldb: i32,
) -> Res
where
    hpc_gemm::Fast: Level3<T>,
{
    let sd = side(sd, row).ok_or(Bad::Cblas(2))?;
    let ul = uplo(ul, row).ok_or(Bad::Cblas(3))?;
    let ta = trans(ta).ok_or(Bad::Cblas(4))?;
    let dg = super::diag(dg).ok_or(Bad::Cblas(5))?;
    let (m, n) = if row { (n, m) } else { (m, n) };
    // SAFETY: forwarded.
    unsafe { f::tri(solve, sd, ul, ta, dg, m, n, alpha, a, lda, b, ldb)? };
    Ok(())
}

type A<T> = <T as CScalar>::Arg;

macro_rules! level3 {
    ($t:ty, $gemm:ident, $symm:ident, $syrk:ident, $syr2k:ident, $trmm:ident, $trsm:ident) => {
        #[doc = concat!("`", stringify!($gemm), "`: `C <- alpha op(A) op(B) + beta C`.")]
        ///
        /// # Safety
        /// The CBLAS contract: the arrays hold the matrices their dimensions describe.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $gemm(
            layout: c_int, ta: c_int, tb: c_int, m: c_int, n: c_int, k: c_int,
            alpha: A<$t>, a: *const $t, lda: c_int, b: *const $t, ldb: c_int, beta: A<$t>,
            c: *mut $t, ldc: c_int,
        ) {
            run(stringify!($gemm), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe {
                    let (alpha, beta) = (<$t>::get(alpha), <$t>::get(beta));
                    gemm(row, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
                }
            })
        }

        #[doc = concat!("`", stringify!($symm), "`: `C <- alpha A B + beta C` (or `B A`), `A` symmetric.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $symm(
            layout: c_int, sd: c_int, ul: c_int, m: c_int, n: c_int, alpha: A<$t>,
            a: *const $t, lda: c_int, b: *const $t, ldb: c_int, beta: A<$t>, c: *mut $t,
            ldc: c_int,
        ) {
            run(stringify!($symm), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe {
                    let (alpha, beta) = (<$t>::get(alpha), <$t>::get(beta));
                    symm(row, false, sd, ul, m, n, alpha, a, lda, b, ldb, beta, c, ldc)
                }
            })
        }

        #[doc = concat!("`", stringify!($syrk), "`: `C <- alpha op(A) op(A)^T + beta C`, one triangle.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $syrk(
            layout: c_int, ul: c_int, tr: c_int, n: c_int, k: c_int, alpha: A<$t>,
            a: *const $t, lda: c_int, beta: A<$t>, c: *mut $t, ldc: c_int,
        ) {
            run(stringify!($syrk), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe {
                    let (alpha, beta) = (<$t>::get(alpha), <$t>::get(beta));
                    rank_k(row, RankK::Sym, ul, tr, n, k, alpha, a, lda, None, beta, c, ldc)
                }
            })
        }

        #[doc = concat!("`", stringify!($syr2k), "`: `C <- alpha (op(A) op(B)^T + op(B) op(A)^T) + beta C`.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $syr2k(
            layout: c_int, ul: c_int, tr: c_int, n: c_int, k: c_int, alpha: A<$t>,
            a: *const $t, lda: c_int, b: *const $t, ldb: c_int, beta: A<$t>, c: *mut $t,
            ldc: c_int,
        ) {
            run(stringify!($syr2k), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe {
                    let (alpha, beta) = (<$t>::get(alpha), <$t>::get(beta));
                    let b = Some((b, ldb));
                    rank_k(row, RankK::Sym, ul, tr, n, k, alpha, a, lda, b, beta, c, ldc)
                }
            })
        }

        #[doc = concat!("`", stringify!($trmm), "`: `B <- alpha op(A) B` (or `B op(A)`), `A` triangular.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $trmm(
            layout: c_int, sd: c_int, ul: c_int, ta: c_int, dg: c_int, m: c_int, n: c_int,
            alpha: A<$t>, a: *const $t, lda: c_int, b: *mut $t, ldb: c_int,
        ) {
            run(stringify!($trmm), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe {
                    let alpha = <$t>::get(alpha);
                    tri(row, false, sd, ul, ta, dg, m, n, alpha, a, lda, b, ldb)
                }
            })
        }

        #[doc = concat!("`", stringify!($trsm), "`: `B <- alpha op(A)^-1 B` (or `B op(A)^-1`).")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $trsm(
            layout: c_int, sd: c_int, ul: c_int, ta: c_int, dg: c_int, m: c_int, n: c_int,
            alpha: A<$t>, a: *const $t, lda: c_int, b: *mut $t, ldb: c_int,
        ) {
            run(stringify!($trsm), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe {
                    let alpha = <$t>::get(alpha);
                    tri(row, true, sd, ul, ta, dg, m, n, alpha, a, lda, b, ldb)
                }
            })
        }
    };
}

level3!(
    f32,
    cblas_sgemm,
    cblas_ssymm,
    cblas_ssyrk,
    cblas_ssyr2k,
    cblas_strmm,
    cblas_strsm
);
level3!(
    f64,
    cblas_dgemm,
    cblas_dsymm,
    cblas_dsyrk,
    cblas_dsyr2k,
    cblas_dtrmm,
    cblas_dtrsm
);
level3!(
    c32,
    cblas_cgemm,
    cblas_csymm,
    cblas_csyrk,
    cblas_csyr2k,
    cblas_ctrmm,
    cblas_ctrsm
);
level3!(
    c64,
    cblas_zgemm,
    cblas_zsymm,
    cblas_zsyrk,
    cblas_zsyr2k,
    cblas_ztrmm,
    cblas_ztrsm
);

macro_rules! level3_herm {
    ($t:ty, $r:ty, $hemm:ident, $herk:ident, $her2k:ident) => {
        #[doc = concat!("`", stringify!($hemm), "`: `C <- alpha A B + beta C` (or `B A`), `A` Hermitian.")]
        ///
        /// # Safety
        /// The CBLAS contract: the arrays hold the matrices their dimensions describe.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $hemm(
            layout: c_int, sd: c_int, ul: c_int, m: c_int, n: c_int, alpha: *const $t,
            a: *const $t, lda: c_int, b: *const $t, ldb: c_int, beta: *const $t, c: *mut $t,
            ldc: c_int,
        ) {
            run(stringify!($hemm), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe { symm(row, true, sd, ul, m, n, *alpha, a, lda, b, ldb, *beta, c, ldc) }
            })
        }

        #[doc = concat!("`", stringify!($herk), "`: `C <- alpha op(A) op(A)^H + beta C`, real `alpha`, `beta`.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $herk(
            layout: c_int, ul: c_int, tr: c_int, n: c_int, k: c_int, alpha: $r,
            a: *const $t, lda: c_int, beta: $r, c: *mut $t, ldc: c_int,
        ) {
            run(stringify!($herk), layout, |row| {
                let (alpha, beta) = (<$t>::from_real(alpha), <$t>::from_real(beta));
                // SAFETY: the CBLAS contract.
                unsafe { rank_k(row, RankK::Herm, ul, tr, n, k, alpha, a, lda, None, beta, c, ldc) }
            })
        }

        #[doc = concat!("`", stringify!($her2k), "`: `C <- alpha op(A) op(B)^H + conj(alpha) op(B) op(A)^H + beta C`, real `beta`.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $her2k(
            layout: c_int, ul: c_int, tr: c_int, n: c_int, k: c_int, alpha: *const $t,
            a: *const $t, lda: c_int, b: *const $t, ldb: c_int, beta: $r, c: *mut $t,
            ldc: c_int,
        ) {
            run(stringify!($her2k), layout, |row| {
                let beta = <$t>::from_real(beta);
                // SAFETY: the CBLAS contract.
                unsafe {
                    let b = Some((b, ldb));
                    rank_k(row, RankK::Herm, ul, tr, n, k, *alpha, a, lda, b, beta, c, ldc)
                }
            })
        }
    };
}

level3_herm!(c32, f32, cblas_chemm, cblas_cherk, cblas_cher2k);
level3_herm!(c64, f64, cblas_zhemm, cblas_zherk, cblas_zher2k);
