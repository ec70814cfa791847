//! Level 1 of the Fortran BLAS ABI, on hpc-core's Level 1.
//!
//! The reference Level 1 routines never call `xerbla`: `n <= 0` does nothing (functions return
//! 0), and `?asum`, `i?amax` and `?scal` also do nothing for `incx <= 0` (`?nrm2`, since
//! reference 3.10, takes any increment). Negative
//! increments walk the vector backwards; an increment of 0 on a vector that is written (legal,
//! if odd, in the reference) is run element by element in the reference's order.

use hpc_core::{Level1, MixedDot, RealLevel1, Scalar, VecMut, c32, c64};
use hpc_gemm::GemmScalar;
use num_traits::Zero;
use std::ffi::c_int;

use crate::args::{dim, vec, vec_mut};
use crate::backend::{fast, guard};

type I = *const c_int;

/// Pointer to BLAS element `i` of a vector of `n` with increment `inc` starting at `p`.
fn elem<T>(p: *mut T, n: usize, inc: i32, i: usize) -> *mut T {
    let step = inc.unsigned_abs() as usize;
    let k = if inc < 0 {
        (n - 1 - i) * step
    } else {
        i * step
    };
    p.wrapping_add(k)
}

/// Runs `f` on the writable vectors `x` and `y` of `n` elements: as whole views, or element by
/// element (in order) when an increment is 0.
///
/// # Safety
/// The BLAS contract for `x` and `y`.
unsafe fn pair<T: Scalar>(
    n: i32,
    x: *mut T,
    incx: i32,
    y: *mut T,
    incy: i32,
    mut f: impl FnMut(VecMut<'_, T>, VecMut<'_, T>),
) {
    if n <= 0 {
        return;
    }
    let n = dim(n);
    if (incx == 0 || incy == 0) && n > 1 {
        for i in 0..n {
            // SAFETY: element i of each vector is inside the caller's array.
            unsafe {
                f(
                    vec_mut("X", elem(x, n, incx, i), 1, 1),
                    vec_mut("Y", elem(y, n, incy, i), 1, 1),
                )
            };
        }
    } else {
        // SAFETY: forwarded.
        unsafe { f(vec_mut("X", x, n, incx), vec_mut("Y", y, n, incy)) };
    }
}

/// `y <- g(x, y)` with `x` read-only (`?copy`, `?axpy`), element by element if `incy = 0`.
///
/// # Safety
/// The BLAS contract for `x` and `y`.
unsafe fn read_write<T: Scalar>(
    n: i32,
    x: *const T,
    incx: i32,
    y: *mut T,
    incy: i32,
    mut f: impl FnMut(hpc_core::VecRef<'_, T>, VecMut<'_, T>),
) {
    if n <= 0 {
        return;
    }
    let n = dim(n);
    if incy == 0 && n > 1 {
        for i in 0..n {
            let xi = elem(x as *mut T, n, incx, i) as *const T;
            // SAFETY: element i of each vector is inside the caller's array.
            unsafe { f(vec("X", xi, 1, 1), vec_mut("Y", elem(y, n, incy, i), 1, 1)) };
        }
    } else {
        // SAFETY: forwarded.
        unsafe { f(vec("X", x, n, incx), vec_mut("Y", y, n, incy)) };
    }
}

/// `?dot*` of `n` elements (0 for `n <= 0`).
///
/// # Safety
/// The BLAS contract.
unsafe fn dot<T: GemmScalar>(
    conj: bool,
    n: i32,
    x: *const T,
    incx: i32,
    y: *const T,
    incy: i32,
) -> T {
    if n <= 0 {
        return T::zero();
    }
    let n = dim(n);
    // SAFETY: forwarded.
    let (x, y) = unsafe { (vec("X", x, n, incx), vec("Y", y, n, incy)) };
    if conj {
        fast().dotc(x, y)
    } else {
        fast().dotu(x, y)
    }
    .expect("same lengths")
}

/// A one-vector reduction: nothing for `n <= 0` or `incx <= 0`.
///
/// # Safety
/// The BLAS contract.
unsafe fn reduce<T: GemmScalar, R: Default>(
    n: i32,
    x: *const T,
    incx: i32,
    f: impl FnOnce(hpc_core::VecRef<'_, T>) -> R,
) -> R {
    if n <= 0 || incx <= 0 {
        return R::default();
    }
    // SAFETY: forwarded.
    f(unsafe { vec("X", x, dim(n), incx) })
}

macro_rules! level1 {
    ($t:ty, $r:ty, $p:literal, $swap:ident, $copy:ident, $axpy:ident, $scal:ident,
     $nrm2:ident, $asum:ident, $iamax:ident, $rot:ident) => {
        #[doc = concat!("`", $p, "SWAP`.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $swap(n: I, x: *mut $t, incx: I, y: *mut $t, incy: I) {
            guard(concat!($p, "SWAP"), || {
                // SAFETY: reference BLAS contract.
                unsafe {
                    pair(*n, x, *incx, y, *incy, |x, y| {
                        fast().swap(x, y).expect("same lengths")
                    })
                }
            })
        }

        #[doc = concat!("`", $p, "COPY`.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $copy(n: I, x: *const $t, incx: I, y: *mut $t, incy: I) {
            guard(concat!($p, "COPY"), || {
                // SAFETY: reference BLAS contract.
                unsafe {
                    read_write(*n, x, *incx, y, *incy, |x, y| {
                        fast().copy(x, y).expect("same lengths")
                    })
                }
            })
        }

        #[doc = concat!("`", $p, "AXPY`.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $axpy(
            n: I,
            alpha: *const $t,
            x: *const $t,
            incx: I,
            y: *mut $t,
            incy: I,
        ) {
            guard(concat!($p, "AXPY"), || {
                // SAFETY: reference BLAS contract.
                unsafe {
                    let alpha = *alpha;
                    if alpha.is_zero() {
                        return;
                    }
                    read_write(*n, x, *incx, y, *incy, |x, y| {
                        fast().axpy(alpha, x, y).expect("same lengths")
                    })
                }
            })
        }

        #[doc = concat!("`", $p, "SCAL`.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $scal(n: I, alpha: *const $t, x: *mut $t, incx: I) {
            guard(concat!($p, "SCAL"), || {
                // SAFETY: reference BLAS contract.
                unsafe {
                    if *n > 0 && *incx > 0 {
                        fast().scal(*alpha, vec_mut("X", x, dim(*n), *incx));
                    }
                }
            })
        }

        #[doc = concat!("`", $p, "NRM2` (`SCNRM2`, `DZNRM2` for complex).")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $nrm2(n: I, x: *const $t, incx: I) -> $r {
            guard(concat!($p, "NRM2"), || {
                // Reference 3.10+ takes any increment here: a negative one walks backwards (the
                // same elements), zero counts `x(1)` n times.
                // SAFETY: reference BLAS contract.
                let (n, incx) = unsafe { (*n, *incx) };
                if n <= 0 {
                    return 0.0;
                }
                // SAFETY: as above.
                fast().nrm2(unsafe { vec("X", x, dim(n), incx) })
            })
        }

        #[doc = concat!("`", $p, "ASUM` (`SCASUM`, `DZASUM` for complex).")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $asum(n: I, x: *const $t, incx: I) -> $r {
            guard(concat!($p, "ASUM"), || {
                // SAFETY: reference BLAS contract.
                unsafe { reduce(*n, x, *incx, |x| fast().asum(x)) }
            })
        }

        #[doc = concat!("`I", $p, "AMAX`: 1-based, 0 for `n < 1` or `incx <= 0`.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $iamax(n: I, x: *const $t, incx: I) -> c_int {
            guard(concat!("I", $p, "AMAX"), || {
                // SAFETY: reference BLAS contract.
                let i = unsafe { reduce(*n, x, *incx, |x| fast().iamax(x)) };
                i.map_or(0, |i| c_int::try_from(i + 1).unwrap_or(c_int::MAX))
            })
        }

        #[doc = concat!("`", $p, "ROT` with real `c`, `s` (`CSROT`, `ZDROT` for complex).")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $rot(
            n: I,
            x: *mut $t,
            incx: I,
            y: *mut $t,
            incy: I,
            c: *const $r,
            s: *const $r,
        ) {
            guard(concat!($p, "ROT"), || {
                // SAFETY: reference BLAS contract.
                unsafe {
                    let (c, s) = (*c, *s);
                    pair(*n, x, *incx, y, *incy, |x, y| {
                        fast().rot(x, y, c, s).expect("same lengths")
                    })
                }
            })
        }
    };
}

level1!(
    f32, f32, "S", sswap_, scopy_, saxpy_, sscal_, snrm2_, sasum_, isamax_, srot_
);
level1!(
    f64, f64, "D", dswap_, dcopy_, daxpy_, dscal_, dnrm2_, dasum_, idamax_, drot_
);
level1!(
    c32, f32, "C", cswap_, ccopy_, caxpy_, cscal_, scnrm2_, scasum_, icamax_, csrot_
);
level1!(
    c64, f64, "Z", zswap_, zcopy_, zaxpy_, zscal_, dznrm2_, dzasum_, izamax_, zdrot_
);

/// `CSSCAL`, `ZDSCAL`: `x <- alpha x` with a real `alpha` (for real types this is `?SCAL`).
macro_rules! rscal {
    ($t:ty, $r:ty, $name:ident, $n:literal) => {
        #[doc = concat!("`", $n, "`: scales a complex vector by a real `alpha`.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(n: I, alpha: *const $r, x: *mut $t, incx: I) {
            guard($n, || {
                // SAFETY: reference BLAS contract.
                unsafe {
                    if *n > 0 && *incx > 0 {
                        fast().rscal(*alpha, vec_mut("X", x, dim(*n), *incx));
                    }
                }
            })
        }
    };
}

rscal!(c32, f32, csscal_, "CSSCAL");
rscal!(c64, f64, zdscal_, "ZDSCAL");

macro_rules! dots {
    ($t:ty, $p:literal, $dotu:ident, $dotc:ident) => {
        #[doc = concat!("`", $p, "DOTU` (`?DOT` for real types): `sum x_i y_i`.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $dotu(n: I, x: *const $t, incx: I, y: *const $t, incy: I) -> $t {
            guard(concat!($p, "DOTU"), || {
                // SAFETY: reference BLAS contract.
                unsafe { dot(false, *n, x, *incx, y, *incy) }
            })
        }

        #[doc = concat!("`", $p, "DOTC`: `sum conj(x_i) y_i`, returned by value as gfortran does.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $dotc(n: I, x: *const $t, incx: I, y: *const $t, incy: I) -> $t {
            guard(concat!($p, "DOTC"), || {
                // SAFETY: reference BLAS contract.
                unsafe { dot(true, *n, x, *incx, y, *incy) }
            })
        }
    };
}

dots!(c32, "C", cdotu_, cdotc_);
dots!(c64, "Z", zdotu_, zdotc_);

/// `SDOT`.
///
/// # Safety
/// The reference BLAS contract.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sdot_(n: I, x: *const f32, incx: I, y: *const f32, incy: I) -> f32 {
    // SAFETY: reference BLAS contract.
    guard("SDOT", || unsafe { dot(false, *n, x, *incx, y, *incy) })
}

/// `DDOT`.
///
/// # Safety
/// The reference BLAS contract.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddot_(n: I, x: *const f64, incx: I, y: *const f64, incy: I) -> f64 {
    // SAFETY: reference BLAS contract.
    guard("DDOT", || unsafe { dot(false, *n, x, *incx, y, *incy) })
}

/// `SDSDOT`: `sb + sum x_i y_i`, accumulated in double precision.
///
/// # Safety
/// The reference BLAS contract.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sdsdot_(
    n: I,
    sb: *const f32,
    x: *const f32,
    incx: I,
    y: *const f32,
    incy: I,
) -> f32 {
    guard("SDSDOT", || {
        // SAFETY: reference BLAS contract.
        unsafe {
            if *n <= 0 {
                return *sb;
            }
            let n = dim(*n);
            fast()
                .sdsdot(*sb, vec("X", x, n, *incx), vec("Y", y, n, *incy))
                .expect("same lengths")
        }
    })
}

/// `DSDOT`: `sum x_i y_i` of single-precision vectors in double precision.
///
/// # Safety
/// The reference BLAS contract.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dsdot_(n: I, x: *const f32, incx: I, y: *const f32, incy: I) -> f64 {
    guard("DSDOT", || {
        // SAFETY: reference BLAS contract.
        unsafe {
            if *n <= 0 {
                return 0.0;
            }
            let n = dim(*n);
            fast()
                .dsdot(vec("X", x, n, *incx), vec("Y", y, n, *incy))
                .expect("same lengths")
        }
    })
}

macro_rules! real_rot {
    ($t:ty, $rotg:ident, $rotmg:ident, $rotm:ident, $p:literal) => {
        #[doc = concat!("`", $p, "ROTG`: `a <- r`, `b <- z`, `c`, `s` out.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $rotg(a: *mut $t, b: *mut $t, c: *mut $t, s: *mut $t) {
            guard(concat!($p, "ROTG"), || {
                // SAFETY: reference BLAS contract.
                unsafe {
                    let (cc, ss) = Level1::<$t>::rotg(&fast(), &mut *a, &mut *b);
                    *c = cc;
                    *s = ss;
                }
            })
        }

        #[doc = concat!("`", $p, "ROTMG`.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $rotmg(
            d1: *mut $t,
            d2: *mut $t,
            x1: *mut $t,
            y1: *const $t,
            param: *mut [$t; 5],
        ) {
            guard(concat!($p, "ROTMG"), || {
                // SAFETY: reference BLAS contract.
                unsafe { fast().rotmg(&mut *d1, &mut *d2, &mut *x1, *y1, &mut *param) }
            })
        }

        #[doc = concat!("`", $p, "ROTM`.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $rotm(
            n: I,
            x: *mut $t,
            incx: I,
            y: *mut $t,
            incy: I,
            param: *const [$t; 5],
        ) {
            guard(concat!($p, "ROTM"), || {
                // SAFETY: reference BLAS contract.
                unsafe {
                    let param = &*param;
                    pair(*n, x, *incx, y, *incy, |x, y| {
                        fast().rotm(x, y, param).expect("same lengths")
                    })
                }
            })
        }
    };
}

real_rot!(f32, srotg_, srotmg_, srotm_, "S");
real_rot!(f64, drotg_, drotmg_, drotm_, "D");

macro_rules! complex_rotg {
    ($t:ty, $r:ty, $rotg:ident, $p:literal) => {
        #[doc = concat!("`", $p, "ROTG`: `a <- r`, `c` (real) and `s` out; `b` unchanged.")]
        ///
        /// # Safety
        /// The reference BLAS contract.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $rotg(a: *mut $t, b: *const $t, c: *mut $r, s: *mut $t) {
            guard(concat!($p, "ROTG"), || {
                // SAFETY: reference BLAS contract.
                unsafe {
                    let mut bb = *b;
                    let (cc, ss) = fast().rotg(&mut *a, &mut bb);
                    *c = cc;
                    *s = ss;
                }
            })
        }
    };
}

complex_rotg!(c32, f32, crotg_, "C");
complex_rotg!(c64, f64, zrotg_, "Z");

/// `SCABS1`: `|re z| + |im z|`.
///
/// # Safety
/// `z` is readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn scabs1_(z: *const c32) -> f32 {
    // SAFETY: forwarded.
    let z = unsafe { *z };
    z.re.abs() + z.im.abs()
}

/// `DCABS1`: `|re z| + |im z|`.
///
/// # Safety
/// `z` is readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dcabs1_(z: *const c64) -> f64 {
    // SAFETY: forwarded.
    let z = unsafe { *z };
    z.re.abs() + z.im.abs()
}
