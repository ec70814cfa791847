//! The Fortran BLAS ABI of reference BLAS 3.11 (gfortran conventions, LP64): every argument by
//! reference, a hidden `size_t` length after the arguments for each CHARACTER argument (read
//! and ignored: only the first character matters, as in `LSAME`), complex function results
//! returned by value.

pub mod helpers;
pub mod level1;
pub mod level2;
pub mod level3;

#[cfg(test)]
mod tests {
    use super::level2::{Store, gemv, trmv};
    use super::level3::{gemm, tri};
    use std::ptr::{null, null_mut};

    #[test]
    fn level3_reports_the_first_illegal_argument_in_reference_order() {
        // SAFETY: every call fails its checks before any pointer is used.
        unsafe {
            let g = |ta, tb, m, n, k, lda, ldb, ldc| {
                gemm::<f64>(
                    ta,
                    tb,
                    m,
                    n,
                    k,
                    1.0,
                    null(),
                    lda,
                    null(),
                    ldb,
                    0.0,
                    null_mut(),
                    ldc,
                )
            };
            assert_eq!(g(b'X', b'N', 1, 1, 1, 1, 1, 1), Err(1));
            assert_eq!(g(b'N', b'/', 1, 1, 1, 1, 1, 1), Err(2));
            assert_eq!(g(b'N', b'N', -1, 1, 1, 1, 1, 1), Err(3));
            assert_eq!(g(b'T', b'N', 1, -1, 1, 1, 1, 1), Err(4));
            assert_eq!(g(b'N', b'C', 1, 1, -1, 1, 1, 1), Err(5));
            assert_eq!(g(b'N', b'N', 2, 1, 1, 1, 1, 2), Err(8));
            assert_eq!(g(b'N', b'T', 2, 3, 1, 2, 2, 2), Err(10));
            assert_eq!(g(b'N', b'N', 2, 1, 1, 2, 1, 1), Err(13));
            let t = |s, u, ta, d, m, n, lda, ldb| {
                tri::<f32>(true, s, u, ta, d, m, n, 1.0, null(), lda, null_mut(), ldb)
            };
            assert_eq!(t(b'R', b'U', b'N', b'X', 1, 1, 1, 1), Err(4));
            assert_eq!(t(b'R', b'U', b'N', b'U', 3, 2, 1, 3), Err(9));
            assert_eq!(t(b'L', b'L', b'C', b'N', 3, 2, 3, 2), Err(11));
        }
    }

    #[test]
    fn level2_reports_the_first_illegal_argument_in_reference_order() {
        // SAFETY: as above.
        unsafe {
            let v = |m, n, lda, incx, incy| {
                gemv::<f64>(
                    b'N',
                    m,
                    n,
                    None,
                    1.0,
                    null(),
                    lda,
                    null(),
                    incx,
                    0.0,
                    null_mut(),
                    incy,
                )
            };
            assert_eq!(v(-1, 1, 1, 1, 1), Err(2));
            assert_eq!(v(2, 1, 1, 1, 1), Err(6));
            assert_eq!(v(1, 1, 1, 0, 1), Err(8));
            assert_eq!(v(1, 1, 1, 1, 0), Err(11));
            let band = Store::Band(null::<f64>(), 2, 2);
            assert_eq!(
                trmv(false, b'U', b'N', b'N', 3, band, null_mut(), 1),
                Err(7)
            );
            let full = Store::Full(null::<f64>(), 2);
            assert_eq!(trmv(true, b'U', b'N', b'N', 3, full, null_mut(), 1), Err(6));
        }
    }

    #[test]
    fn dgemm_symbol_multiplies() {
        // [1 3; 2 4] * [5 7; 6 8] = [23 31; 34 46], column-major, C full of NaN with beta = 0.
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [5.0, 6.0, 7.0, 8.0];
        let mut c = [f64::NAN; 4];
        let (two, one, zero) = (2, 1.0, 0.0);
        // SAFETY: valid 2 x 2 arrays, lengths 1 for the CHARACTER arguments.
        unsafe {
            super::level3::dgemm_(
                c"N".as_ptr(),
                c"n".as_ptr(),
                &two,
                &two,
                &two,
                &one,
                a.as_ptr(),
                &two,
                b.as_ptr(),
                &two,
                &zero,
                c.as_mut_ptr(),
                &two,
                1,
                1,
            )
        };
        assert_eq!(c, [23.0, 34.0, 31.0, 46.0]);
    }
}
