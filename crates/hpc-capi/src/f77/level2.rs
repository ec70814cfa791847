//! Level 2 of the Fortran BLAS ABI, on hpc-core's Level 2 (`?gemv_` ... `?hpr2_`).
//!
//! As in `level3.rs`: reference-order checks (`Err(info)`), the reference quick returns, then
//! views of the caller's arrays. The symbols are generated per type at the bottom.

use hpc_core::{Level2, Scalar, Trans, Uplo};
use hpc_gemm::GemmScalar;
use std::ffi::{c_char, c_int};

use crate::args::{band, ch, diag, dim, mat, mat_mut, max1, packed, packed_mut, trans, uplo};
use crate::args::{vec, vec_mut};
use crate::backend::{fast, guard};
use crate::f77::level3::done;
use hpc_core::{c32, c64};

type Info = Result<(), i32>;

/// The first nonzero entry of `checks` (reference order), as an `Err`.
fn first(checks: &[(bool, i32)]) -> Info {
    match checks.iter().find(|(bad, _)| *bad) {
        Some(&(_, info)) => Err(info),
        None => Ok(()),
    }
}

/// `?gemv` (`band = None`) and `?gbmv` (`band = Some((kl, ku))`).
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn gemv<T: GemmScalar>(
    tr: u8,
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
) -> Info {
    let t = trans(tr).ok_or(1)?;
    match bands {
        None => first(&[
            (m < 0, 2),
            (n < 0, 3),
            (lda < max1(m), 6),
            (incx == 0, 8),
            (incy == 0, 11),
        ])?,
        Some((kl, ku)) => first(&[
            (m < 0, 2),
            (n < 0, 3),
            (kl < 0, 4),
            (ku < 0, 5),
            (lda < kl + ku + 1, 8),
            (incx == 0, 10),
            (incy == 0, 13),
        ])?,
    }
    if m == 0 || n == 0 || (alpha.is_zero() && beta.is_one()) {
        return Ok(());
    }
    let (m, n) = (dim(m), dim(n));
    let (lx, ly) = if t == Trans::No { (n, m) } else { (m, n) };
    // SAFETY: the checked arguments describe the caller's arrays (BLAS contract).
    unsafe {
        let (x, y) = (vec("X", x, lx, incx), vec_mut("Y", y, ly, incy));
        match bands {
            None => fast().gemv(t, alpha, mat("A", a, m, n, lda), x, beta, y),
            Some((kl, ku)) => {
                let a = band("A", a, m, n, dim(kl), dim(ku), lda);
                fast().gbmv(t, alpha, a, x, beta, y)
            }
        }
    }
    .expect("checked");
    Ok(())
}

/// Storage of a symmetric, Hermitian or triangular matrix.
#[derive(Clone, Copy)]
pub(crate) enum Store<T> {
    /// Full `lda x n` array.
    Full(*const T, i32),
    /// Band with `k` off-diagonals, `lda x n`.
    Band(*const T, i32, i32),
    /// Packed triangle.
    Packed(*const T),
}

/// Checks of `n`, `k` and `lda` of a symmetric/triangular routine whose `n` is at position
/// `pn`, with `gap` arguments (`alpha`: 1, none: 0) between `n` (or `k`) and the matrix.
fn store_checks<T>(s: Store<T>, n: i32, pn: i32, gap: i32) -> Info {
    match s {
        Store::Full(_, lda) => first(&[(n < 0, pn), (lda < max1(n), pn + 2 + gap)]),
        Store::Band(_, k, lda) => {
            first(&[(n < 0, pn), (k < 0, pn + 1), (lda < k + 1, pn + 3 + gap)])
        }
        Store::Packed(_) => first(&[(n < 0, pn)]),
    }
}

/// `?symv`/`?hemv`, `?sbmv`/`?hbmv`, `?spmv`/`?hpmv` (`herm` picks the Hermitian one).
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn symv<T: GemmScalar>(
    herm: bool,
    ul: u8,
    n: i32,
    a: Store<T>,
    alpha: T,
    x: *const T,
    incx: i32,
    beta: T,
    y: *mut T,
    incy: i32,
) -> Info {
    let u = uplo(ul).ok_or(1)?;
    store_checks(a, n, 2, 1)?;
    // Position of incx: after uplo, n, [k], alpha, a, [lda], x.
    let px = match a {
        Store::Full(..) => 7,
        Store::Band(..) => 8,
        Store::Packed(_) => 6,
    };
    first(&[(incx == 0, px), (incy == 0, px + 3)])?;
    if n == 0 || (alpha.is_zero() && beta.is_one()) {
        return Ok(());
    }
    let n = dim(n);
    // SAFETY: as in `gemv`.
    unsafe {
        let (x, y) = (vec("X", x, n, incx), vec_mut("Y", y, n, incy));
        match (a, herm) {
            (Store::Full(p, lda), false) => {
                fast().symv(u, alpha, mat("A", p, n, n, lda), x, beta, y)
            }
            (Store::Full(p, lda), true) => {
                fast().hemv(u, alpha, mat("A", p, n, n, lda), x, beta, y)
            }
            (Store::Band(p, k, lda), h) => {
                let a = tri_band("A", p, n, dim(k), lda, u);
                if h {
                    fast().hbmv(u, alpha, a, x, beta, y)
                } else {
                    fast().sbmv(u, alpha, a, x, beta, y)
                }
            }
            (Store::Packed(p), false) => fast().spmv(u, alpha, packed("AP", p, n), x, beta, y),
            (Store::Packed(p), true) => fast().hpmv(u, alpha, packed("AP", p, n), x, beta, y),
        }
    }
    .expect("checked");
    Ok(())
}

/// The band storage of one triangle (`kl = 0` upper, `ku = 0` lower).
///
/// # Safety
/// As `args::band`.
unsafe fn tri_band<'a, T: Scalar>(
    name: &'static str,
    p: *const T,
    n: usize,
    k: usize,
    lda: i32,
    u: Uplo,
) -> hpc_core::BandRef<'a, T> {
    // SAFETY: forwarded.
    unsafe {
        match u {
            Uplo::Upper => band(name, p, n, n, 0, k, lda),
            Uplo::Lower => band(name, p, n, n, k, 0, lda),
        }
    }
}

/// The argument checks of [`trmv`], in reference order, without the work.
pub(crate) fn trmv_checks<T: Copy>(ul: u8, tr: u8, dg: u8, n: i32, a: Store<T>, incx: i32) -> Info {
    uplo(ul).ok_or(1)?;
    trans(tr).ok_or(2)?;
    diag(dg).ok_or(3)?;
    store_checks(a, n, 4, 0)?;
    let px = match a {
        Store::Full(..) => 8,
        Store::Band(..) => 9,
        Store::Packed(_) => 7,
    };
    first(&[(incx == 0, px)])
}

/// `?trmv`, `?tbmv`, `?tpmv` (`solve = false`) and `?trsv`, `?tbsv`, `?tpsv` (`solve = true`).
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn trmv<T: GemmScalar>(
    solve: bool,
    ul: u8,
    tr: u8,
    dg: u8,
    n: i32,
    a: Store<T>,
    x: *mut T,
    incx: i32,
) -> Info {
    trmv_checks(ul, tr, dg, n, a, incx)?;
    let (u, t) = (uplo(ul).expect("checked"), trans(tr).expect("checked"));
    let d = diag(dg).expect("checked");
    if n == 0 {
        return Ok(());
    }
    let n = dim(n);
    // SAFETY: as in `gemv`.
    unsafe {
        let x = vec_mut("X", x, n, incx);
        match (a, solve) {
            (Store::Full(p, lda), false) => fast().trmv(u, t, d, mat("A", p, n, n, lda), x),
            (Store::Full(p, lda), true) => fast().trsv(u, t, d, mat("A", p, n, n, lda), x),
            (Store::Band(p, k, lda), false) => {
                fast().tbmv(u, t, d, tri_band("A", p, n, dim(k), lda, u), x)
            }
            (Store::Band(p, k, lda), true) => {
                fast().tbsv(u, t, d, tri_band("A", p, n, dim(k), lda, u), x)
            }
            (Store::Packed(p), false) => fast().tpmv(u, t, d, packed("AP", p, n), x),
            (Store::Packed(p), true) => fast().tpsv(u, t, d, packed("AP", p, n), x),
        }
    }
    .expect("checked");
    Ok(())
}

/// `?ger`/`?geru` (`conj = false`) and `?gerc` (`conj = true`).
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn ger<T: GemmScalar>(
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
) -> Info {
    first(&[
        (m < 0, 1),
        (n < 0, 2),
        (incx == 0, 5),
        (incy == 0, 7),
        (lda < max1(m), 9),
    ])?;
    if m == 0 || n == 0 || alpha.is_zero() {
        return Ok(());
    }
    let (m, n) = (dim(m), dim(n));
    // SAFETY: as in `gemv`.
    unsafe {
        let (x, y, a) = (
            vec("X", x, m, incx),
            vec("Y", y, n, incy),
            mat_mut("A", a, m, n, lda),
        );
        if conj {
            fast().gerc(alpha, x, y, a)
        } else {
            fast().geru(alpha, x, y, a)
        }
    }
    .expect("checked");
    Ok(())
}

/// Which rank-1/rank-2 update.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rank {
    /// `?syr`, `?spr`.
    Syr,
    /// `?her`, `?hpr` (real alpha, passed as `T`).
    Her,
    /// `?syr2`, `?spr2`.
    Syr2,
    /// `?her2`, `?hpr2`.
    Her2,
}

/// The rank-1/rank-2 updates, full (`Some(lda)`) or packed (`None`).
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn syr<T: GemmScalar>(
    kind: Rank,
    ul: u8,
    n: i32,
    alpha: T,
    x: *const T,
    incx: i32,
    y: *const T,
    incy: i32,
    a: *mut T,
    lda: Option<i32>,
) -> Info {
    let u = uplo(ul).ok_or(1)?;
    let two = matches!(kind, Rank::Syr2 | Rank::Her2);
    let pa = if two { 9 } else { 7 };
    first(&[
        (n < 0, 2),
        (incx == 0, 5),
        (two && incy == 0, 7),
        (lda.is_some_and(|l| l < max1(n)), pa),
    ])?;
    if n == 0 || alpha.is_zero() {
        return Ok(());
    }
    let n = dim(n);
    // SAFETY: as in `gemv`.
    unsafe {
        let xv = vec("X", x, n, incx);
        let yv = || vec("Y", y, n, incy);
        match lda {
            Some(lda) => {
                let a = mat_mut("A", a, n, n, lda);
                match kind {
                    Rank::Syr => fast().syr(u, alpha, xv, a),
                    Rank::Her => fast().her(u, alpha.re(), xv, a),
                    Rank::Syr2 => fast().syr2(u, alpha, xv, yv(), a),
                    Rank::Her2 => fast().her2(u, alpha, xv, yv(), a),
                }
            }
            None => {
                let a = packed_mut("AP", a, n);
                match kind {
                    Rank::Syr => fast().spr(u, alpha, xv, a),
                    Rank::Her => fast().hpr(u, alpha.re(), xv, a),
                    Rank::Syr2 => fast().spr2(u, alpha, xv, yv(), a),
                    Rank::Her2 => fast().hpr2(u, alpha, xv, yv(), a),
                }
            }
        }
    }
    .expect("checked");
    Ok(())
}

type C = *const c_char;
type I = *const c_int;

macro_rules! level2 {
    ($t:ty, $p:literal, $gemv:ident, $gbmv:ident, $trmv:ident, $tbmv:ident, $tpmv:ident,
     $trsv:ident, $tbsv:ident, $tpsv:ident) => {
        #[doc = concat!("`", $p, "GEMV`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract: every pointer valid for the arrays it describes.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $gemv(
            tr: C, m: I, n: I, alpha: *const $t, a: *const $t, lda: I, x: *const $t, incx: I,
            beta: *const $t, y: *mut $t, incy: I, _l: usize,
        ) {
            guard(concat!($p, "GEMV"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    gemv(ch(tr), *m, *n, None, *alpha, a, *lda, x, *incx, *beta, y, *incy)
                };
                done(concat!($p, "GEMV"), r)
            })
        }

        #[doc = concat!("`", $p, "GBMV`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $gbmv(
            tr: C, m: I, n: I, kl: I, ku: I, alpha: *const $t, a: *const $t, lda: I,
            x: *const $t, incx: I, beta: *const $t, y: *mut $t, incy: I, _l: usize,
        ) {
            guard(concat!($p, "GBMV"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    gemv(
                        ch(tr), *m, *n, Some((*kl, *ku)), *alpha, a, *lda, x, *incx, *beta, y,
                        *incy,
                    )
                };
                done(concat!($p, "GBMV"), r)
            })
        }

        level2!(@tri $t, $p, $trmv, "TRMV", false, full);
        level2!(@tri $t, $p, $tbmv, "TBMV", false, band);
        level2!(@tri $t, $p, $tpmv, "TPMV", false, packed);
        level2!(@tri $t, $p, $trsv, "TRSV", true, full);
        level2!(@tri $t, $p, $tbsv, "TBSV", true, band);
        level2!(@tri $t, $p, $tpsv, "TPSV", true, packed);
    };
    (@tri $t:ty, $p:literal, $name:ident, $n:literal, $solve:expr, full) => {
        #[doc = concat!("`", $p, $n, "`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(
            ul: C, tr: C, dg: C, n: I, a: *const $t, lda: I, x: *mut $t, incx: I,
            _l1: usize, _l2: usize, _l3: usize,
        ) {
            guard(concat!($p, $n), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    trmv($solve, ch(ul), ch(tr), ch(dg), *n, Store::Full(a, *lda), x, *incx)
                };
                done(concat!($p, $n), r)
            })
        }
    };
    (@tri $t:ty, $p:literal, $name:ident, $n:literal, $solve:expr, band) => {
        #[doc = concat!("`", $p, $n, "`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(
            ul: C, tr: C, dg: C, n: I, k: I, a: *const $t, lda: I, x: *mut $t, incx: I,
            _l1: usize, _l2: usize, _l3: usize,
        ) {
            guard(concat!($p, $n), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    trmv($solve, ch(ul), ch(tr), ch(dg), *n, Store::Band(a, *k, *lda), x, *incx)
                };
                done(concat!($p, $n), r)
            })
        }
    };
    (@tri $t:ty, $p:literal, $name:ident, $n:literal, $solve:expr, packed) => {
        #[doc = concat!("`", $p, $n, "`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(
            ul: C, tr: C, dg: C, n: I, ap: *const $t, x: *mut $t, incx: I,
            _l1: usize, _l2: usize, _l3: usize,
        ) {
            guard(concat!($p, $n), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    trmv($solve, ch(ul), ch(tr), ch(dg), *n, Store::Packed(ap), x, *incx)
                };
                done(concat!($p, $n), r)
            })
        }
    };
}

/// The symmetric (or Hermitian) matrix-vector products and rank updates of one type:
/// `$sy` is `SY`/`HE`, `$sp` is `SP`/`HP`, `$sb` is `SB`/`HB`.
macro_rules! level2_sym {
    ($t:ty, $alpha1:ty, $herm:expr, $p:literal, $sy:literal, $sb:literal, $sp:literal,
     $symv:ident, $sbmv:ident, $spmv:ident, $syr:ident, $spr:ident, $syr2:ident, $spr2:ident,
     $r1:expr, $r2:expr) => {
        #[doc = concat!("`", $p, $sy, "MV`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $symv(
            ul: C,
            n: I,
            alpha: *const $t,
            a: *const $t,
            lda: I,
            x: *const $t,
            incx: I,
            beta: *const $t,
            y: *mut $t,
            incy: I,
            _l: usize,
        ) {
            guard(concat!($p, $sy, "MV"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    symv(
                        $herm,
                        ch(ul),
                        *n,
                        Store::Full(a, *lda),
                        *alpha,
                        x,
                        *incx,
                        *beta,
                        y,
                        *incy,
                    )
                };
                done(concat!($p, $sy, "MV"), r)
            })
        }

        #[doc = concat!("`", $p, $sb, "MV`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $sbmv(
            ul: C,
            n: I,
            k: I,
            alpha: *const $t,
            a: *const $t,
            lda: I,
            x: *const $t,
            incx: I,
            beta: *const $t,
            y: *mut $t,
            incy: I,
            _l: usize,
        ) {
            guard(concat!($p, $sb, "MV"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    let a = Store::Band(a, *k, *lda);
                    symv($herm, ch(ul), *n, a, *alpha, x, *incx, *beta, y, *incy)
                };
                done(concat!($p, $sb, "MV"), r)
            })
        }

        #[doc = concat!("`", $p, $sp, "MV`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $spmv(
            ul: C,
            n: I,
            alpha: *const $t,
            ap: *const $t,
            x: *const $t,
            incx: I,
            beta: *const $t,
            y: *mut $t,
            incy: I,
            _l: usize,
        ) {
            guard(concat!($p, $sp, "MV"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    symv(
                        $herm,
                        ch(ul),
                        *n,
                        Store::Packed(ap),
                        *alpha,
                        x,
                        *incx,
                        *beta,
                        y,
                        *incy,
                    )
                };
                done(concat!($p, $sp, "MV"), r)
            })
        }

        #[doc = concat!("`", $p, $sy, "R`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $syr(
            ul: C,
            n: I,
            alpha: *const $alpha1,
            x: *const $t,
            incx: I,
            a: *mut $t,
            lda: I,
            _l: usize,
        ) {
            guard(concat!($p, $sy, "R"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    let alpha = <$t as Scalar>::from_real((*alpha).into());
                    syr($r1, ch(ul), *n, alpha, x, *incx, x, 1, a, Some(*lda))
                };
                done(concat!($p, $sy, "R"), r)
            })
        }

        #[doc = concat!("`", $p, $sp, "R`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $spr(
            ul: C,
            n: I,
            alpha: *const $alpha1,
            x: *const $t,
            incx: I,
            ap: *mut $t,
            _l: usize,
        ) {
            guard(concat!($p, $sp, "R"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe {
                    let alpha = <$t as Scalar>::from_real((*alpha).into());
                    syr($r1, ch(ul), *n, alpha, x, *incx, x, 1, ap, None)
                };
                done(concat!($p, $sp, "R"), r)
            })
        }

        #[doc = concat!("`", $p, $sy, "R2`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $syr2(
            ul: C,
            n: I,
            alpha: *const $t,
            x: *const $t,
            incx: I,
            y: *const $t,
            incy: I,
            a: *mut $t,
            lda: I,
            _l: usize,
        ) {
            guard(concat!($p, $sy, "R2"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe { syr($r2, ch(ul), *n, *alpha, x, *incx, y, *incy, a, Some(*lda)) };
                done(concat!($p, $sy, "R2"), r)
            })
        }

        #[doc = concat!("`", $p, $sp, "R2`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $spr2(
            ul: C,
            n: I,
            alpha: *const $t,
            x: *const $t,
            incx: I,
            y: *const $t,
            incy: I,
            ap: *mut $t,
            _l: usize,
        ) {
            guard(concat!($p, $sp, "R2"), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe { syr($r2, ch(ul), *n, *alpha, x, *incx, y, *incy, ap, None) };
                done(concat!($p, $sp, "R2"), r)
            })
        }
    };
}

macro_rules! level2_ger {
    ($t:ty, $p:literal, $name:ident, $n:literal, $conj:expr) => {
        #[doc = concat!("`", $p, $n, "`: reference BLAS ABI.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(
            m: I,
            n: I,
            alpha: *const $t,
            x: *const $t,
            incx: I,
            y: *const $t,
            incy: I,
            a: *mut $t,
            lda: I,
        ) {
            guard(concat!($p, $n), || {
                // SAFETY: reference BLAS contract.
                let r = unsafe { ger($conj, *m, *n, *alpha, x, *incx, y, *incy, a, *lda) };
                done(concat!($p, $n), r)
            })
        }
    };
}

level2!(
    f32, "S", sgemv_, sgbmv_, strmv_, stbmv_, stpmv_, strsv_, stbsv_, stpsv_
);
level2!(
    f64, "D", dgemv_, dgbmv_, dtrmv_, dtbmv_, dtpmv_, dtrsv_, dtbsv_, dtpsv_
);
level2!(
    c32, "C", cgemv_, cgbmv_, ctrmv_, ctbmv_, ctpmv_, ctrsv_, ctbsv_, ctpsv_
);
level2!(
    c64, "Z", zgemv_, zgbmv_, ztrmv_, ztbmv_, ztpmv_, ztrsv_, ztbsv_, ztpsv_
);
level2_sym!(
    f32,
    f32,
    false,
    "S",
    "SY",
    "SB",
    "SP",
    ssymv_,
    ssbmv_,
    sspmv_,
    ssyr_,
    sspr_,
    ssyr2_,
    sspr2_,
    Rank::Syr,
    Rank::Syr2
);
level2_sym!(
    f64,
    f64,
    false,
    "D",
    "SY",
    "SB",
    "SP",
    dsymv_,
    dsbmv_,
    dspmv_,
    dsyr_,
    dspr_,
    dsyr2_,
    dspr2_,
    Rank::Syr,
    Rank::Syr2
);
level2_sym!(
    c32,
    f32,
    true,
    "C",
    "HE",
    "HB",
    "HP",
    chemv_,
    chbmv_,
    chpmv_,
    cher_,
    chpr_,
    cher2_,
    chpr2_,
    Rank::Her,
    Rank::Her2
);
level2_sym!(
    c64,
    f64,
    true,
    "Z",
    "HE",
    "HB",
    "HP",
    zhemv_,
    zhbmv_,
    zhpmv_,
    zher_,
    zhpr_,
    zher2_,
    zhpr2_,
    Rank::Her,
    Rank::Her2
);
level2_ger!(f32, "S", sger_, "GER", false);
level2_ger!(f64, "D", dger_, "GER", false);
level2_ger!(c32, "C", cgeru_, "GERU", false);
level2_ger!(c64, "Z", zgeru_, "GERU", false);
level2_ger!(c32, "C", cgerc_, "GERC", true);
level2_ger!(c64, "Z", zgerc_, "GERC", true);
