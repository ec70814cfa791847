//! CBLAS Level 2. A row-major matrix is the column-major storage of its transpose, so a
//! row-major call runs the Fortran routine on `A' = A^T`: `trans` turned (`N` <-> `T`),
//! `M`/`N` and `KL`/`KU` swapped, `uplo` flipped, `x`/`y` swapped for GER. Where the
//! transposed problem needs `conj(A')` (`A^H` of a general or triangular matrix, and every
//! Hermitian routine, since `A' = conj(A)` there), it is solved as netlib's CBLAS solves it:
//! on a conjugated copy of `x` and the conjugated `y`, `conj(y) = conj(alpha) A' conj(x) +
//! conj(beta) conj(y)`, with `y` conjugated back afterwards. The arguments are checked before
//! anything is conjugated, so an illegal call leaves every array untouched.

use std::ffi::c_int;

use hpc_core::{Scalar, c32, c64};

use super::{Bad, CScalar, Res, conj_copy, conj_in_place, diag, run, trans, uplo};
use crate::f77::level2::{self as f, Rank, Store};

/// A conjugated copy of `x` (see [`conj_copy`]) as the pointer and increment to call with:
/// the copy, contiguous, when there is one, else `x` itself.
fn or_orig<T>(copy: &Option<Vec<T>>, x: *const T, inc: i32) -> (*const T, i32) {
    match copy {
        Some(v) => (v.as_ptr(), 1),
        None => (x, inc),
    }
}

/// `cblas_?gemv` (`bands = None`) and `cblas_?gbmv`.
///
/// # Safety
/// The CBLAS contract: the arrays hold what their dimensions and increments describe.
#[allow(clippy::too_many_arguments)]
unsafe fn gemv<T: hpc_gemm::GemmScalar>(
    row: bool,
    tr: c_int,
    m: i32,
    n: i32,
    bands: Option<(i32, i32)>,
    alpha: T,
    a: *const T,
    lda: i32,
    x: *const T,
    incx: i32,
    beta: T,
    y: *mut T,
    incy: i32,
) -> Res {
    let t = trans(tr).ok_or(Bad::Cblas(2))?;
    // SAFETY: (whole body) forwarded; the copies live across the calls that use them.
    unsafe {
        if !row {
            return Ok(f::gemv(
                t, m, n, bands, alpha, a, lda, x, incx, beta, y, incy,
            )?);
        }
        let bands = bands.map(|(kl, ku)| (ku, kl));
        let call = |t, alpha, x, incx, beta| {
            f::gemv(t, n, m, bands, alpha, a, lda, x, incx, beta, y, incy)
        };
        match t {
            b'N' => call(b'T', alpha, x, incx, beta)?,
            b'T' => call(b'N', alpha, x, incx, beta)?,
            _ if !T::IS_COMPLEX => call(b'N', alpha, x, incx, beta)?,
            _ => {
                // The checks alone: alpha = 0, beta = 1 returns before any work.
                call(b'N', T::zero(), x, incx, T::one())?;
                let xc = conj_copy(x, m, incx);
                let (xp, ix) = or_orig(&xc, x, incx);
                conj_in_place(y, n, incy);
                let r = call(b'N', alpha.conj(), xp, ix, beta.conj());
                conj_in_place(y, n, incy);
                r?
            }
        }
    }
    Ok(())
}

/// `cblas_?trmv`, `?tbmv`, `?tpmv` and (`solve`) `?trsv`, `?tbsv`, `?tpsv`.
///
/// # Safety
/// As [`gemv`].
#[allow(clippy::too_many_arguments)]
unsafe fn trmv<T: hpc_gemm::GemmScalar>(
    row: bool,
    solve: bool,
    ul: c_int,
    tr: c_int,
    dg: c_int,
    n: i32,
    a: Store<T>,
    x: *mut T,
    incx: i32,
) -> Res {
    let ul = uplo(ul, row).ok_or(Bad::Cblas(2))?;
    let t = trans(tr).ok_or(Bad::Cblas(3))?;
    let dg = diag(dg).ok_or(Bad::Cblas(4))?;
    // SAFETY: (whole body) forwarded.
    unsafe {
        let call = |t| f::trmv(solve, ul, t, dg, n, a, x, incx);
        match (row, t) {
            (false, _) => call(t)?,
            (true, b'N') => call(b'T')?,
            (true, b'T') => call(b'N')?,
            (true, _) if !T::IS_COMPLEX => call(b'N')?,
            (true, _) => {
                // op(A) = A^H = conj(A'): conj(x) <- A' conj(x).
                f::trmv_checks(ul, b'N', dg, n, a, incx)?;
                conj_in_place(x, n, incx);
                let r = call(b'N');
                conj_in_place(x, n, incx);
                r?
            }
        }
    }
    Ok(())
}

/// `cblas_?symv`/`?hemv`, `?sbmv`/`?hbmv`, `?spmv`/`?hpmv`.
///
/// # Safety
/// As [`gemv`].
#[allow(clippy::too_many_arguments)]
unsafe fn symv<T: hpc_gemm::GemmScalar>(
    row: bool,
    herm: bool,
    ul: c_int,
    n: i32,
    a: Store<T>,
    alpha: T,
    x: *const T,
    incx: i32,
    beta: T,
    y: *mut T,
    incy: i32,
) -> Res {
    let ul = uplo(ul, row).ok_or(Bad::Cblas(2))?;
    // SAFETY: (whole body) forwarded; the copy lives across the call that uses it.
    unsafe {
        let call = |alpha, x, incx, beta| f::symv(herm, ul, n, a, alpha, x, incx, beta, y, incy);
        if !(row && herm && T::IS_COMPLEX) {
            return Ok(call(alpha, x, incx, beta)?);
        }
        // A' = conj(A): conj(y) <- conj(alpha) A' conj(x) + conj(beta) conj(y).
        call(T::zero(), x, incx, T::one())?;
        let xc = conj_copy(x, n, incx);
        let (xp, ix) = or_orig(&xc, x, incx);
        conj_in_place(y, n, incy);
        let r = call(alpha.conj(), xp, ix, beta.conj());
        conj_in_place(y, n, incy);
        Ok(r?)
    }
}

/// `cblas_?ger`, `?geru` and (`conj`) `?gerc`.
///
/// # Safety
/// As [`gemv`].
#[allow(clippy::too_many_arguments)]
unsafe fn ger<T: hpc_gemm::GemmScalar>(
    row: bool,
    conj: bool,
    m: i32,
    n: i32,
    alpha: T,
    x: *const T,
    incx: i32,
    y: *const T,
    incy: i32,
    a: *mut T,
    lda: i32,
) -> Res {
    // SAFETY: (whole body) forwarded; the copy lives across the call that uses it.
    unsafe {
        if !row {
            return Ok(f::ger(conj, m, n, alpha, x, incx, y, incy, a, lda)?);
        }
        // A' <- alpha y x^T + A' (GERU), alpha conj(y) x^T + A' (GERC).
        let call = |alpha, y, incy| f::ger(false, n, m, alpha, y, incy, x, incx, a, lda);
        if !(conj && T::IS_COMPLEX) {
            return Ok(call(alpha, y, incy)?);
        }
        call(T::zero(), y, incy)?;
        let yc = conj_copy(y, n, incy);
        let (yp, iy) = or_orig(&yc, y, incy);
        Ok(call(alpha, yp, iy)?)
    }
}

/// `cblas_?syr`/`?her`, `?spr`/`?hpr`, `?syr2`/`?her2`, `?spr2`/`?hpr2` (`lda = None`:
/// packed).
///
/// # Safety
/// As [`gemv`].
#[allow(clippy::too_many_arguments)]
unsafe fn syr<T: hpc_gemm::GemmScalar>(
    row: bool,
    kind: Rank,
    ul: c_int,
    n: i32,
    alpha: T,
    x: *const T,
    incx: i32,
    y: *const T,
    incy: i32,
    a: *mut T,
    lda: Option<i32>,
) -> Res {
    let ul = uplo(ul, row).ok_or(Bad::Cblas(2))?;
    // SAFETY: (whole body) forwarded; the copies live across the call that uses them.
    unsafe {
        let call = |alpha, x, incx, y, incy| f::syr(kind, ul, n, alpha, x, incx, y, incy, a, lda);
        match kind {
            _ if !row || !T::IS_COMPLEX => call(alpha, x, incx, y, incy)?,
            Rank::Syr | Rank::Syr2 => call(alpha, x, incx, y, incy)?,
            // A' = conj(A) <- alpha conj(x) conj(x)^H + A'.
            Rank::Her => {
                call(T::zero(), x, incx, y, incy)?;
                let xc = conj_copy(x, n, incx);
                let (xp, ix) = or_orig(&xc, x, incx);
                call(alpha, xp, ix, y, incy)?
            }
            // A' <- alpha conj(y) conj(x)^H + conj(alpha) conj(x) conj(y)^H + A': x and y
            // trade places (and numbers in the error report, as in netlib).
            Rank::Her2 => {
                call(T::zero(), y, incy, x, incx)?;
                let (xc, yc) = (conj_copy(x, n, incx), conj_copy(y, n, incy));
                let ((xp, ix), (yp, iy)) = (or_orig(&xc, x, incx), or_orig(&yc, y, incy));
                call(alpha, yp, iy, xp, ix)?
            }
        }
    }
    Ok(())
}

type A<T> = <T as CScalar>::Arg;

macro_rules! level2 {
    ($t:ty, $gemv:ident, $gbmv:ident, $trmv:ident, $tbmv:ident, $tpmv:ident, $trsv:ident,
     $tbsv:ident, $tpsv:ident) => {
        #[doc = concat!("`", stringify!($gemv), "`: `y <- alpha op(A) x + beta y`.")]
        ///
        /// # Safety
        /// The CBLAS contract: the arrays hold what their dimensions and increments describe.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $gemv(
            layout: c_int, tr: c_int, m: c_int, n: c_int, alpha: A<$t>, a: *const $t,
            lda: c_int, x: *const $t, incx: c_int, beta: A<$t>, y: *mut $t, incy: c_int,
        ) {
            run(stringify!($gemv), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe {
                    let (alpha, beta) = (<$t>::get(alpha), <$t>::get(beta));
                    gemv(row, tr, m, n, None, alpha, a, lda, x, incx, beta, y, incy)
                }
            })
        }

        #[doc = concat!("`", stringify!($gbmv), "`: `y <- alpha op(A) x + beta y`, `A` banded.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $gbmv(
            layout: c_int, tr: c_int, m: c_int, n: c_int, kl: c_int, ku: c_int,
            alpha: A<$t>, a: *const $t, lda: c_int, x: *const $t, incx: c_int,
            beta: A<$t>, y: *mut $t, incy: c_int,
        ) {
            run(stringify!($gbmv), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe {
                    let (alpha, beta) = (<$t>::get(alpha), <$t>::get(beta));
                    let bands = Some((kl, ku));
                    gemv(row, tr, m, n, bands, alpha, a, lda, x, incx, beta, y, incy)
                }
            })
        }

        level2!(@full $t, $trmv, false, "x <- op(A) x");
        level2!(@band $t, $tbmv, false, "x <- op(A) x, `A` banded");
        level2!(@packed $t, $tpmv, false, "x <- op(A) x, `A` packed");
        level2!(@full $t, $trsv, true, "x <- op(A)^-1 x");
        level2!(@band $t, $tbsv, true, "x <- op(A)^-1 x, `A` banded");
        level2!(@packed $t, $tpsv, true, "x <- op(A)^-1 x, `A` packed");
    };
    (@full $t:ty, $name:ident, $solve:expr, $what:literal) => {
        #[doc = concat!("`", stringify!($name), "`: `", $what, "`, `A` triangular.")]
        ///
        /// # Safety
        /// The CBLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(
            layout: c_int, ul: c_int, tr: c_int, dg: c_int, n: c_int, a: *const $t,
            lda: c_int, x: *mut $t, incx: c_int,
        ) {
            run(stringify!($name), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe { trmv(row, $solve, ul, tr, dg, n, Store::Full(a, lda), x, incx) }
            })
        }
    };
    (@band $t:ty, $name:ident, $solve:expr, $what:literal) => {
        #[doc = concat!("`", stringify!($name), "`: `", $what, "`, `A` triangular.")]
        ///
        /// # Safety
        /// The CBLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(
            layout: c_int, ul: c_int, tr: c_int, dg: c_int, n: c_int, k: c_int,
            a: *const $t, lda: c_int, x: *mut $t, incx: c_int,
        ) {
            run(stringify!($name), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe { trmv(row, $solve, ul, tr, dg, n, Store::Band(a, k, lda), x, incx) }
            })
        }
    };
    (@packed $t:ty, $name:ident, $solve:expr, $what:literal) => {
        #[doc = concat!("`", stringify!($name), "`: `", $what, "`, `A` triangular.")]
        ///
        /// # Safety
        /// The CBLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(
            layout: c_int, ul: c_int, tr: c_int, dg: c_int, n: c_int, ap: *const $t,
            x: *mut $t, incx: c_int,
        ) {
            run(stringify!($name), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe { trmv(row, $solve, ul, tr, dg, n, Store::Packed(ap), x, incx) }
            })
        }
    };
}

level2!(
    f32,
    cblas_sgemv,
    cblas_sgbmv,
    cblas_strmv,
    cblas_stbmv,
    cblas_stpmv,
    cblas_strsv,
    cblas_stbsv,
    cblas_stpsv
);
level2!(
    f64,
    cblas_dgemv,
    cblas_dgbmv,
    cblas_dtrmv,
    cblas_dtbmv,
    cblas_dtpmv,
    cblas_dtrsv,
    cblas_dtbsv,
    cblas_dtpsv
);
level2!(
    c32,
    cblas_cgemv,
    cblas_cgbmv,
    cblas_ctrmv,
    cblas_ctbmv,
    cblas_ctpmv,
    cblas_ctrsv,
    cblas_ctbsv,
    cblas_ctpsv
);
level2!(
    c64,
    cblas_zgemv,
    cblas_zgbmv,
    cblas_ztrmv,
    cblas_ztbmv,
    cblas_ztpmv,
    cblas_ztrsv,
    cblas_ztbsv,
    cblas_ztpsv
);

/// The symmetric (`herm = false`, real types) or Hermitian (complex) products and updates.
/// `$r1` is the type of the rank-1 update's `alpha` (real for `her`/`hpr`).
macro_rules! level2_sym {
    ($t:ty, $r1:ty, $herm:expr, $one:expr, $two:expr, $symv:ident, $sbmv:ident, $spmv:ident,
     $ger:ident, $syr:ident, $spr:ident, $syr2:ident, $spr2:ident) => {
        #[doc = concat!("`", stringify!($symv), "`: `y <- alpha A x + beta y`.")]
        ///
        /// # Safety
        /// The CBLAS contract: the arrays hold what their dimensions and increments describe.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $symv(
            layout: c_int, ul: c_int, n: c_int, alpha: A<$t>, a: *const $t, lda: c_int,
            x: *const $t, incx: c_int, beta: A<$t>, y: *mut $t, incy: c_int,
        ) {
            run(stringify!($symv), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe {
                    let (alpha, beta) = (<$t>::get(alpha), <$t>::get(beta));
                    let a = Store::Full(a, lda);
                    symv(row, $herm, ul, n, a, alpha, x, incx, beta, y, incy)
                }
            })
        }

        #[doc = concat!("`", stringify!($sbmv), "`: `y <- alpha A x + beta y`, `A` banded.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $sbmv(
            layout: c_int, ul: c_int, n: c_int, k: c_int, alpha: A<$t>, a: *const $t,
            lda: c_int, x: *const $t, incx: c_int, beta: A<$t>, y: *mut $t, incy: c_int,
        ) {
            run(stringify!($sbmv), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe {
                    let (alpha, beta) = (<$t>::get(alpha), <$t>::get(beta));
                    let a = Store::Band(a, k, lda);
                    symv(row, $herm, ul, n, a, alpha, x, incx, beta, y, incy)
                }
            })
        }

        #[doc = concat!("`", stringify!($spmv), "`: `y <- alpha A x + beta y`, `A` packed.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $spmv(
            layout: c_int, ul: c_int, n: c_int, alpha: A<$t>, ap: *const $t, x: *const $t,
            incx: c_int, beta: A<$t>, y: *mut $t, incy: c_int,
        ) {
            run(stringify!($spmv), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe {
                    let (alpha, beta) = (<$t>::get(alpha), <$t>::get(beta));
                    symv(row, $herm, ul, n, Store::Packed(ap), alpha, x, incx, beta, y, incy)
                }
            })
        }

        #[doc = concat!("`", stringify!($ger), "`: `A <- alpha x y^T + A` (`y^H` for GERC).")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $ger(
            layout: c_int, m: c_int, n: c_int, alpha: A<$t>, x: *const $t, incx: c_int,
            y: *const $t, incy: c_int, a: *mut $t, lda: c_int,
        ) {
            run(stringify!($ger), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe { ger(row, $herm, m, n, <$t>::get(alpha), x, incx, y, incy, a, lda) }
            })
        }

        #[doc = concat!("`", stringify!($syr), "`: `A <- alpha x x^T + A` (`x^H`, real `alpha`, Hermitian).")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $syr(
            layout: c_int, ul: c_int, n: c_int, alpha: $r1, x: *const $t, incx: c_int,
            a: *mut $t, lda: c_int,
        ) {
            run(stringify!($syr), layout, |row| {
                let alpha = <$t>::from_real(alpha);
                // SAFETY: the CBLAS contract.
                unsafe { syr(row, $one, ul, n, alpha, x, incx, x, incx, a, Some(lda)) }
            })
        }

        #[doc = concat!("`", stringify!($spr), "`: as `", stringify!($syr), "`, `A` packed.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $spr(
            layout: c_int, ul: c_int, n: c_int, alpha: $r1, x: *const $t, incx: c_int,
            ap: *mut $t,
        ) {
            run(stringify!($spr), layout, |row| {
                let alpha = <$t>::from_real(alpha);
                // SAFETY: the CBLAS contract.
                unsafe { syr(row, $one, ul, n, alpha, x, incx, x, incx, ap, None) }
            })
        }

        #[doc = concat!("`", stringify!($syr2), "`: `A <- alpha x y^T + alpha y x^T + A` (`alpha x y^H + conj(alpha) y x^H`, Hermitian).")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $syr2(
            layout: c_int, ul: c_int, n: c_int, alpha: A<$t>, x: *const $t, incx: c_int,
            y: *const $t, incy: c_int, a: *mut $t, lda: c_int,
        ) {
            run(stringify!($syr2), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe {
                    let alpha = <$t>::get(alpha);
                    syr(row, $two, ul, n, alpha, x, incx, y, incy, a, Some(lda))
                }
            })
        }

        #[doc = concat!("`", stringify!($spr2), "`: as `", stringify!($syr2), "`, `A` packed.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $spr2(
            layout: c_int, ul: c_int, n: c_int, alpha: A<$t>, x: *const $t, incx: c_int,
            y: *const $t, incy: c_int, ap: *mut $t,
        ) {
            run(stringify!($spr2), layout, |row| {
                // SAFETY: the CBLAS contract.
                unsafe {
                    let alpha = <$t>::get(alpha);
                    syr(row, $two, ul, n, alpha, x, incx, y, incy, ap, None)
                }
            })
        }
    };
}

level2_sym!(
    f32,
    f32,
    false,
    Rank::Syr,
    Rank::Syr2,
    cblas_ssymv,
    cblas_ssbmv,
    cblas_sspmv,
    cblas_sger,
    cblas_ssyr,
    cblas_sspr,
    cblas_ssyr2,
    cblas_sspr2
);
level2_sym!(
    f64,
    f64,
    false,
    Rank::Syr,
    Rank::Syr2,
    cblas_dsymv,
    cblas_dsbmv,
    cblas_dspmv,
    cblas_dger,
    cblas_dsyr,
    cblas_dspr,
    cblas_dsyr2,
    cblas_dspr2
);
level2_sym!(
    c32,
    f32,
    true,
    Rank::Her,
    Rank::Her2,
    cblas_chemv,
    cblas_chbmv,
    cblas_chpmv,
    cblas_cgerc,
    cblas_cher,
    cblas_chpr,
    cblas_cher2,
    cblas_chpr2
);
level2_sym!(
    c64,
    f64,
    true,
    Rank::Her,
    Rank::Her2,
    cblas_zhemv,
    cblas_zhbmv,
    cblas_zhpmv,
    cblas_zgerc,
    cblas_zher,
    cblas_zhpr,
    cblas_zher2,
    cblas_zhpr2
);

/// `cblas_cgeru`: `A <- alpha x y^T + A`.
///
/// # Safety
/// The CBLAS contract: the arrays hold what their dimensions and increments describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cblas_cgeru(
    layout: c_int,
    m: c_int,
    n: c_int,
    alpha: *const c32,
    x: *const c32,
    incx: c_int,
    y: *const c32,
    incy: c_int,
    a: *mut c32,
    lda: c_int,
) {
    run("cblas_cgeru", layout, |row| {
        // SAFETY: the CBLAS contract.
        unsafe { ger(row, false, m, n, *alpha, x, incx, y, incy, a, lda) }
    })
}

/// `cblas_zgeru`: `A <- alpha x y^T + A`.
///
/// # Safety
/// As `cblas_cgeru`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cblas_zgeru(
    layout: c_int,
    m: c_int,
    n: c_int,
    alpha: *const c64,
    x: *const c64,
    incx: c_int,
    y: *const c64,
    incy: c_int,
    a: *mut c64,
    lda: c_int,
) {
    run("cblas_zgeru", layout, |row| {
        // SAFETY: the CBLAS contract.
        unsafe { ger(row, false, m, n, *alpha, x, incx, y, incy, a, lda) }
    })
}
