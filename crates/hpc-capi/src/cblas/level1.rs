//! CBLAS Level 1: the Fortran routines with values instead of references, complex dot
//! products through a result pointer (`_sub`), and 0-based `cblas_i?amax`. Level 1 has no
//! argument errors: nonpositive `n` or `incx` give the reference's quick results.

use std::ffi::c_int;

use hpc_core::{c32, c64};

use super::CScalar;
use crate::f77::level1 as f;

/// A 1-based Fortran `I?AMAX` result as CBLAS's 0-based index (0 when there is none).
fn index(i: c_int) -> usize {
    usize::try_from(i - 1).unwrap_or(0)
}

macro_rules! level1 {
    ($t:ty, $r:ty, $swap:ident $fswap:ident, $copy:ident $fcopy:ident, $axpy:ident $faxpy:ident,
     $scal:ident $fscal:ident, $nrm2:ident $fnrm2:ident, $asum:ident $fasum:ident,
     $iamax:ident $fiamax:ident, $rot:ident $frot:ident) => {
        #[doc = concat!("`", stringify!($swap), "`: exchanges `x` and `y`.")]
        ///
        /// # Safety
        /// The CBLAS contract: `x` and `y` hold `n` elements at their increments.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $swap(n: c_int, x: *mut $t, incx: c_int, y: *mut $t, incy: c_int) {
            // SAFETY: forwarded.
            unsafe { f::$fswap(&n, x, &incx, y, &incy) }
        }

        #[doc = concat!("`", stringify!($copy), "`: `y <- x`.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $copy(n: c_int, x: *const $t, incx: c_int, y: *mut $t, incy: c_int) {
            // SAFETY: forwarded.
            unsafe { f::$fcopy(&n, x, &incx, y, &incy) }
        }

        #[doc = concat!("`", stringify!($axpy), "`: `y <- alpha x + y`.")]
        ///
        /// # Safety
        /// As above; a complex `alpha` points to its value.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $axpy(
            n: c_int, alpha: <$t as CScalar>::Arg, x: *const $t, incx: c_int, y: *mut $t,
            incy: c_int,
        ) {
            // SAFETY: forwarded.
            unsafe {
                let alpha = <$t>::get(alpha);
                f::$faxpy(&n, &alpha, x, &incx, y, &incy)
            }
        }

        #[doc = concat!("`", stringify!($scal), "`: `x <- alpha x`.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $scal(n: c_int, alpha: <$t as CScalar>::Arg, x: *mut $t, incx: c_int) {
            // SAFETY: forwarded.
            unsafe {
                let alpha = <$t>::get(alpha);
                f::$fscal(&n, &alpha, x, &incx)
            }
        }

        #[doc = concat!("`", stringify!($nrm2), "`: the Euclidean norm of `x`.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $nrm2(n: c_int, x: *const $t, incx: c_int) -> $r {
            // SAFETY: forwarded.
            unsafe { f::$fnrm2(&n, x, &incx) }
        }

        #[doc = concat!("`", stringify!($asum), "`: the sum of `|re| + |im|` over `x`.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $asum(n: c_int, x: *const $t, incx: c_int) -> $r {
            // SAFETY: forwarded.
            unsafe { f::$fasum(&n, x, &incx) }
        }

        #[doc = concat!("`", stringify!($iamax), "`: the 0-based index of the first largest `|re| + |im|` (0 when `n < 1` or `incx < 1`).")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $iamax(n: c_int, x: *const $t, incx: c_int) -> usize {
            // SAFETY: forwarded.
            index(unsafe { f::$fiamax(&n, x, &incx) })
        }

        #[doc = concat!("`", stringify!($rot), "`: applies the plane rotation `(c, s)` (real) to `x`, `y`.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $rot(
            n: c_int, x: *mut $t, incx: c_int, y: *mut $t, incy: c_int, c: $r, s: $r,
        ) {
            // SAFETY: forwarded.
            unsafe { f::$frot(&n, x, &incx, y, &incy, &c, &s) }
        }
    };
}

level1!(f32, f32, cblas_sswap sswap_, cblas_scopy scopy_, cblas_saxpy saxpy_, cblas_sscal sscal_,
    cblas_snrm2 snrm2_, cblas_sasum sasum_, cblas_isamax isamax_, cblas_srot srot_);
level1!(f64, f64, cblas_dswap dswap_, cblas_dcopy dcopy_, cblas_daxpy daxpy_, cblas_dscal dscal_,
    cblas_dnrm2 dnrm2_, cblas_dasum dasum_, cblas_idamax idamax_, cblas_drot drot_);
level1!(c32, f32, cblas_cswap cswap_, cblas_ccopy ccopy_, cblas_caxpy caxpy_, cblas_cscal cscal_,
    cblas_scnrm2 scnrm2_, cblas_scasum scasum_, cblas_icamax icamax_, cblas_csrot csrot_);
level1!(c64, f64, cblas_zswap zswap_, cblas_zcopy zcopy_, cblas_zaxpy zaxpy_, cblas_zscal zscal_,
    cblas_dznrm2 dznrm2_, cblas_dzasum dzasum_, cblas_izamax izamax_, cblas_zdrot zdrot_);

macro_rules! real {
    ($t:ty, $dot:ident $fdot:ident, $rotg:ident $frotg:ident, $rotmg:ident $frotmg:ident,
     $rotm:ident $frotm:ident) => {
        #[doc = concat!("`", stringify!($dot), "`: `sum x_i y_i`.")]
        ///
        /// # Safety
        /// As for the other Level 1 routines.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $dot(n: c_int, x: *const $t, incx: c_int, y: *const $t, incy: c_int) -> $t {
            // SAFETY: forwarded.
            unsafe { f::$fdot(&n, x, &incx, y, &incy) }
        }

        #[doc = concat!("`", stringify!($rotg), "`: the Givens rotation zeroing `b` (`a <- r`, `b <- z`).")]
        ///
        /// # Safety
        /// Every pointer is valid for one element.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $rotg(a: *mut $t, b: *mut $t, c: *mut $t, s: *mut $t) {
            // SAFETY: forwarded.
            unsafe { f::$frotg(a, b, c, s) }
        }

        #[doc = concat!("`", stringify!($rotmg), "`: the modified Givens rotation of `(sqrt(d1) b1, sqrt(d2) b2)`.")]
        ///
        /// # Safety
        /// `d1`, `d2`, `b1` are valid for one element, `p` for five.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $rotmg(d1: *mut $t, d2: *mut $t, b1: *mut $t, b2: $t, p: *mut $t) {
            // SAFETY: forwarded.
            unsafe { f::$frotmg(d1, d2, b1, &b2, p.cast()) }
        }

        #[doc = concat!("`", stringify!($rotm), "`: applies the modified rotation `p` to `x`, `y`.")]
        ///
        /// # Safety
        /// As for the other Level 1 routines; `p` holds five elements.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $rotm(
            n: c_int, x: *mut $t, incx: c_int, y: *mut $t, incy: c_int, p: *const $t,
        ) {
            // SAFETY: forwarded.
            unsafe { f::$frotm(&n, x, &incx, y, &incy, p.cast()) }
        }
    };
}

real!(f32, cblas_sdot sdot_, cblas_srotg srotg_, cblas_srotmg srotmg_, cblas_srotm srotm_);
real!(f64, cblas_ddot ddot_, cblas_drotg drotg_, cblas_drotmg drotmg_, cblas_drotm drotm_);

macro_rules! complex {
    ($t:ty, $r:ty, $dotu:ident $fdotu:ident, $dotc:ident $fdotc:ident, $rscal:ident $frscal:ident,
     $rotg:ident $frotg:ident, $abs1:ident $fabs1:ident) => {
        #[doc = concat!("`", stringify!($dotu), "`: `*dotu <- sum x_i y_i`.")]
        ///
        /// # Safety
        /// As for the other Level 1 routines; `dotu` is valid for one write.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $dotu(
            n: c_int, x: *const $t, incx: c_int, y: *const $t, incy: c_int, dotu: *mut $t,
        ) {
            // SAFETY: forwarded.
            unsafe { *dotu = f::$fdotu(&n, x, &incx, y, &incy) }
        }

        #[doc = concat!("`", stringify!($dotc), "`: `*dotc <- sum conj(x_i) y_i`.")]
        ///
        /// # Safety
        /// As above.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $dotc(
            n: c_int, x: *const $t, incx: c_int, y: *const $t, incy: c_int, dotc: *mut $t,
        ) {
            // SAFETY: forwarded.
            unsafe { *dotc = f::$fdotc(&n, x, &incx, y, &incy) }
        }

        #[doc = concat!("`", stringify!($rscal), "`: `x <- alpha x` with a real `alpha`.")]
        ///
        /// # Safety
        /// As for the other Level 1 routines.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $rscal(n: c_int, alpha: $r, x: *mut $t, incx: c_int) {
            // SAFETY: forwarded.
            unsafe { f::$frscal(&n, &alpha, x, &incx) }
        }

        #[doc = concat!("`", stringify!($rotg), "`: the complex Givens rotation zeroing `b` (`a <- r`).")]
        ///
        /// # Safety
        /// Every pointer is valid for one element.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $rotg(a: *mut $t, b: *const $t, c: *mut $r, s: *mut $t) {
            // SAFETY: forwarded.
            unsafe { f::$frotg(a, b, c, s) }
        }

        #[doc = concat!("`", stringify!($abs1), "`: `|re(z)| + |im(z)|`.")]
        ///
        /// # Safety
        /// `z` points to a readable complex number.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $abs1(z: *const $t) -> $r {
            // SAFETY: forwarded.
            unsafe { f::$fabs1(z) }
        }
    };
}

complex!(c32, f32, cblas_cdotu_sub cdotu_, cblas_cdotc_sub cdotc_, cblas_csscal csscal_,
    cblas_crotg crotg_, cblas_scabs1 scabs1_);
complex!(c64, f64, cblas_zdotu_sub zdotu_, cblas_zdotc_sub zdotc_, cblas_zdscal zdscal_,
    cblas_zrotg zrotg_, cblas_dcabs1 dcabs1_);

/// `cblas_sdsdot`: `sb + sum x_i y_i`, accumulated in double precision.
///
/// # Safety
/// As for the other Level 1 routines.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cblas_sdsdot(
    n: c_int,
    sb: f32,
    x: *const f32,
    incx: c_int,
    y: *const f32,
    incy: c_int,
) -> f32 {
    // SAFETY: forwarded.
    unsafe { f::sdsdot_(&n, &sb, x, &incx, y, &incy) }
}

/// `cblas_dsdot`: `sum x_i y_i` of single-precision vectors, in double precision.
///
/// # Safety
/// As for the other Level 1 routines.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cblas_dsdot(
    n: c_int,
    x: *const f32,
    incx: c_int,
    y: *const f32,
    incy: c_int,
) -> f64 {
    // SAFETY: forwarded.
    unsafe { f::dsdot_(&n, x, &incx, y, &incy) }
}
