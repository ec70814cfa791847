//! The cases where hpc's C library once differed from reference BLAS 3.11, each as the
//! reference answers it (found by comparing the two on random, extreme and poisoned calls;
//! `against_reference_blas.rs` keeps comparing them at large).

use std::ffi::c_char;

use hpc_blas::cblas::level1::cblas_dnrm2;
use hpc_blas::f77::level1::*;
use hpc_blas::f77::level2::ztrsv_;
use hpc_blas::f77::level3::{dtrmm_, dtrsm_, ztrsm_};
use hpc_core::c64;

fn ch(c: u8) -> c_char {
    c as c_char
}

#[test]
fn nrm2_takes_negative_and_zero_increments() {
    let x = [3.0f64, 4.0];
    // SAFETY: the arrays hold the elements the increments reach.
    unsafe {
        assert_eq!(dnrm2_(&2, x.as_ptr(), &-1), 5.0);
        assert_eq!(dnrm2_(&4, x.as_ptr(), &0), 6.0);
        assert_eq!(cblas_dnrm2(2, x.as_ptr(), -1), 5.0);
        assert_eq!(cblas_dnrm2(4, x.as_ptr(), 0), 6.0);
        let z = [c64::new(3.0, 4.0)];
        assert_eq!(dznrm2_(&4, z.as_ptr(), &0), 10.0);
        let s = [3.0f32, 4.0];
        assert_eq!(snrm2_(&2, s.as_ptr(), &-1), 5.0);
    }
}

#[test]
fn scal_by_one_leaves_x_alone() {
    let mut z = [c64::new(f64::INFINITY, 1.0)];
    let one = c64::new(1.0, 0.0);
    // SAFETY: one element.
    unsafe { zscal_(&1, &one, z.as_mut_ptr(), &1) };
    assert_eq!(z[0], c64::new(f64::INFINITY, 1.0));
    let mut d = [f64::NAN, -0.0];
    // SAFETY: two elements.
    unsafe { dscal_(&2, &1.0, d.as_mut_ptr(), &1) };
    assert!(d[0].is_nan() && d[1].to_bits() == (-0.0f64).to_bits());
}

#[test]
fn rotmg_returns_on_every_input() {
    let inf = f64::INFINITY;
    for (d1, d2, x1, y1) in [
        (inf, 1.0, 1.0, 1.0),
        (1.0, inf, 1.0, 1.0),
        (1.0, -inf, 1.0, 2.0),
        (0.0, -0.92, 0.0, -3.8e-301),
    ] {
        let (mut d1, mut d2, mut x1) = (d1, d2, x1);
        let mut param = [7.0; 5];
        // SAFETY: scalars and a five-element array.
        unsafe { drotmg_(&mut d1, &mut d2, &mut x1, &y1, &mut param) };
        assert_eq!(param, [-1.0, 0.0, 0.0, 0.0, 0.0], "y1 = {y1}");
        assert_eq!((d1, d2, x1), (0.0, 0.0, 0.0));
    }
}

#[test]
fn complex_rotg_with_an_infinite_b_is_nan_as_in_the_reference() {
    let mut a = c64::new(0.5, 0.5);
    let b = c64::new(f64::INFINITY, f64::INFINITY);
    let (mut c, mut s) = (0.0, c64::new(0.0, 0.0));
    // SAFETY: scalars.
    unsafe { zrotg_(&mut a, &b, &mut c, &mut s) };
    assert!(c.is_nan(), "c = {c}");
    assert!(s.re.is_nan() && a.re.is_nan());
}

#[test]
fn trmm_and_trsm_keep_inf_where_the_result_depends_on_it_only() {
    let a = [1.0, 0.5, 0.5, 1.0];
    let (m, n, ld) = (2, 1, 2);
    let mut b = [1.0, f64::INFINITY];
    // SAFETY: A is 2 x 2, B 2 x 1, both with leading dimension 2.
    unsafe {
        dtrmm_(
            &ch(b'L'),
            &ch(b'U'),
            &ch(b'T'),
            &ch(b'U'),
            &m,
            &n,
            &1.0,
            a.as_ptr(),
            &ld,
            b.as_mut_ptr(),
            &ld,
            1,
            1,
            1,
            1,
        )
    };
    assert_eq!(b, [1.0, f64::INFINITY]);
    let mut b = [1.0, f64::INFINITY];
    // SAFETY: as above.
    unsafe {
        dtrsm_(
            &ch(b'L'),
            &ch(b'L'),
            &ch(b'N'),
            &ch(b'U'),
            &m,
            &n,
            &1.0,
            a.as_ptr(),
            &ld,
            b.as_mut_ptr(),
            &ld,
            1,
            1,
            1,
            1,
        )
    };
    assert_eq!(b, [1.0, f64::INFINITY]);
}

#[test]
fn complex_solves_divide_without_overflow() {
    // ztrsm with a diagonal of 1e300 (1 + i): the textbook division gave NaN.
    let a = [c64::new(1e300, 1e300)];
    let mut b = [c64::new(1e300, 0.0)];
    let one = c64::new(1.0, 0.0);
    // SAFETY: 1 x 1 operands.
    unsafe {
        ztrsm_(
            &ch(b'L'),
            &ch(b'U'),
            &ch(b'N'),
            &ch(b'N'),
            &1,
            &1,
            &one,
            a.as_ptr(),
            &1,
            b.as_mut_ptr(),
            &1,
            1,
            1,
            1,
            1,
        )
    };
    assert_eq!(b[0], c64::new(0.5, -0.5));
    let mut x = [c64::new(1e300, 0.0)];
    // SAFETY: 1 x 1 operands.
    unsafe {
        ztrsv_(
            &ch(b'U'),
            &ch(b'N'),
            &ch(b'N'),
            &1,
            a.as_ptr(),
            &1,
            x.as_mut_ptr(),
            &1,
            1,
            1,
            1,
        )
    };
    assert_eq!(x[0], c64::new(0.5, -0.5));
}
