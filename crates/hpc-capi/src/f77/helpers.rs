//! The reference `libblas.so.3`'s helper symbols, so that hpc's library exports every symbol
//! the reference does: `lsame_`, `xerbla_array_` (in `xerbla.rs`), and the `*sub_`
//! subroutine forms of the BLAS functions that netlib CBLAS is built on (`ddotsub_(n, x, incx,
//! y, incy, dot)` stores `ddot(n, x, incx, y, incy)` in `dot`), each a call of the function.

use hpc_core::{c32, c64};
use std::ffi::{c_char, c_int};

use super::level1::*;

type I = *const c_int;

/// `LSAME(CA, CB)`: whether two characters are the same letter regardless of case (gfortran's
/// LOGICAL: 1 or 0).
///
/// # Safety
/// `ca` and `cb` point to readable characters.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lsame_(
    ca: *const c_char,
    cb: *const c_char,
    _la: usize,
    _lb: usize,
) -> c_int {
    // SAFETY: forwarded.
    c_int::from(unsafe { crate::args::ch(ca) == crate::args::ch(cb) })
}

/// `name(args) -> R` as the subroutine `name_sub(args, result)`.
macro_rules! sub {
    ($sub:ident = $f:ident($($arg:ident: $ty:ty),*) -> $r:ty) => {
        #[doc = concat!("`", stringify!($sub), "`: `", stringify!($f), "` as a subroutine (netlib CBLAS's helper).")]
        ///
        /// # Safety
        /// The reference BLAS contract of the function; `result` is writable.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $sub($($arg: $ty,)* result: *mut $r) {
            // SAFETY: forwarded; `result` is writable by the contract.
            unsafe { *result = $f($($arg),*) };
        }
    };
}

sub!(sdotsub_ = sdot_(n: I, x: *const f32, incx: I, y: *const f32, incy: I) -> f32);
sub!(ddotsub_ = ddot_(n: I, x: *const f64, incx: I, y: *const f64, incy: I) -> f64);
sub!(dsdotsub_ = dsdot_(n: I, x: *const f32, incx: I, y: *const f32, incy: I) -> f64);
sub!(sdsdotsub_ = sdsdot_(n: I, sb: *const f32, x: *const f32, incx: I, y: *const f32, incy: I) -> f32);
sub!(cdotusub_ = cdotu_(n: I, x: *const c32, incx: I, y: *const c32, incy: I) -> c32);
sub!(cdotcsub_ = cdotc_(n: I, x: *const c32, incx: I, y: *const c32, incy: I) -> c32);
sub!(zdotusub_ = zdotu_(n: I, x: *const c64, incx: I, y: *const c64, incy: I) -> c64);
sub!(zdotcsub_ = zdotc_(n: I, x: *const c64, incx: I, y: *const c64, incy: I) -> c64);
sub!(snrm2sub_ = snrm2_(n: I, x: *const f32, incx: I) -> f32);
sub!(dnrm2sub_ = dnrm2_(n: I, x: *const f64, incx: I) -> f64);
sub!(scnrm2sub_ = scnrm2_(n: I, x: *const c32, incx: I) -> f32);
sub!(dznrm2sub_ = dznrm2_(n: I, x: *const c64, incx: I) -> f64);
sub!(sasumsub_ = sasum_(n: I, x: *const f32, incx: I) -> f32);
sub!(dasumsub_ = dasum_(n: I, x: *const f64, incx: I) -> f64);
sub!(scasumsub_ = scasum_(n: I, x: *const c32, incx: I) -> f32);
sub!(dzasumsub_ = dzasum_(n: I, x: *const c64, incx: I) -> f64);
sub!(isamaxsub_ = isamax_(n: I, x: *const f32, incx: I) -> c_int);
sub!(idamaxsub_ = idamax_(n: I, x: *const f64, incx: I) -> c_int);
sub!(icamaxsub_ = icamax_(n: I, x: *const c32, incx: I) -> c_int);
sub!(izamaxsub_ = izamax_(n: I, x: *const c64, incx: I) -> c_int);
sub!(scabs1sub_ = scabs1_(z: *const c32) -> f32);
sub!(dcabs1sub_ = dcabs1_(z: *const c64) -> f64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_store_what_the_functions_return() {
        let x = [3.0f64, -4.0];
        let (n, inc) = (2, 1);
        let mut r = 0.0;
        // SAFETY: two readable elements each; `r` writable.
        unsafe {
            dnrm2sub_(&n, x.as_ptr(), &inc, &mut r);
            assert_eq!(r, 5.0);
            ddotsub_(&n, x.as_ptr(), &inc, x.as_ptr(), &inc, &mut r);
            assert_eq!(r, 25.0);
            dasumsub_(&n, x.as_ptr(), &inc, &mut r);
            assert_eq!(r, 7.0);
        }
        let z = [c64::new(1.0, 2.0), c64::new(0.0, -5.0)];
        let mut i = 0;
        let mut d = c64::new(0.0, 0.0);
        // SAFETY: as above.
        unsafe {
            izamaxsub_(&n, z.as_ptr(), &inc, &mut i);
            assert_eq!(i, 2);
            zdotcsub_(&n, z.as_ptr(), &inc, z.as_ptr(), &inc, &mut d);
            assert_eq!(d, c64::new(30.0, 0.0));
            dcabs1sub_(z.as_ptr(), &mut r);
            assert_eq!(r, 3.0);
        }
        let (a, b, c) = (b'a' as c_char, b'A' as c_char, b'b' as c_char);
        // SAFETY: readable characters.
        unsafe {
            assert_eq!(lsame_(&a, &b, 1, 1), 1);
            assert_eq!(lsame_(&a, &c, 1, 1), 0);
        }
    }
}
