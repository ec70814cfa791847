//! The batched GEMM of OpenBLAS 0.3.34 and MKL: `cblas_?gemm_batch_strided` (one product's
//! arguments, and a stride from each matrix to the next: 0 repeats one A or B). Each product is
//! `cblas_?gemm`'s, on hpc-gemm's `gemm_batch`; a row-major call is the column-major call on
//! the transposed problem, as for `cblas_?gemm`. Arguments are numbered in the CBLAS list:
//! 1 layout, 2-3 transposes, 4-6 `M`, `N`, `K`, 9 `lda`, 10 `stridea`, 12 `ldb`, 13 `strideb`,
//! 16 `ldc`, 17 `stridec` (C's matrices would overlap), 18 the batch size.

use std::ffi::c_int;

use hpc_core::{Trans, c32, c64};
use hpc_gemm::{GemmScalar, Par};

use super::{Bad, CScalar, Res, run, trans};
use crate::args::{dim, max1, stack, stack_mut};

type A<T> = <T as CScalar>::Arg;

/// `cblas_?gemm_batch_strided`.
///
/// # Safety
/// The contract of OpenBLAS's and MKL's function: the arrays hold the stacks the dimensions,
/// leading dimensions and strides describe.
#[allow(clippy::too_many_arguments)]
unsafe fn gemm_batch_strided<T: GemmScalar>(
    row: bool,
    (ta, tb): (c_int, c_int),
    (m, n, k): (i32, i32, i32),
    alpha: T,
    (a, lda, sa): (*const T, i32, isize),
    (b, ldb, sb): (*const T, i32, isize),
    beta: T,
    (c, ldc, sc): (*mut T, i32, isize),
    count: i32,
) -> Res {
    let ta = trans(ta).ok_or(Bad::Cblas(2))?;
    let tb = trans(tb).ok_or(Bad::Cblas(3))?;
    // C^T = op(B)^T op(A)^T: the operands swapped, the transposes kept.
    let (ta, tb, m, n, (a, lda, sa), (b, ldb, sb)) = if row {
        (tb, ta, n, m, (b, ldb, sb), (a, lda, sa))
    } else {
        (ta, tb, m, n, (a, lda, sa), (b, ldb, sb))
    };
    let op = |t: u8| match t {
        b'N' => Trans::No,
        b'T' => Trans::Trans,
        _ => Trans::ConjTrans,
    };
    let (opa, opb) = (op(ta), op(tb));
    let nrowa = if opa == Trans::No { m } else { k };
    let nrowb = if opb == Trans::No { k } else { n };
    let info = if m < 0 {
        4
    } else if n < 0 {
        5
    } else if k < 0 {
        6
    } else if lda < max1(nrowa) {
        9
    } else if ldb < max1(nrowb) {
        12
    } else if ldc < max1(m) {
        16
    } else if count < 0 {
        18
    } else {
        0
    };
    if info != 0 {
        return Err(Bad::Cblas(info));
    }
    let (m, n, k, count) = (dim(m), dim(n), dim(k), dim(count));
    let (ar, ac) = if opa == Trans::No { (m, k) } else { (k, m) };
    let (br, bc) = if opb == Trans::No { (k, n) } else { (n, k) };
    // SAFETY: the checked arguments describe the caller's arrays (the function's contract).
    let (a, b, c) = unsafe {
        (
            stack("A", a, (count, ar, ac), lda, sa).map_err(|_| Bad::Cblas(10))?,
            stack("B", b, (count, br, bc), ldb, sb).map_err(|_| Bad::Cblas(13))?,
            stack_mut("C", c, (count, m, n), ldc, sc).map_err(|_| Bad::Cblas(17))?,
        )
    };
    hpc_gemm::gemm_batch(opa, opb, alpha, a, b, beta, c, Par::current()).expect("checked");
    Ok(())
}

macro_rules! batch {
    ($t:ty, $strided:ident) => {
        #[doc = concat!("`", stringify!($strided), "`: `C_i <- alpha op(A_i) op(B_i) + beta C_i` for `i < batch_size`, `X_i = X + i stridex`.")]
        ///
        /// # Safety
        /// The arrays hold the stacks the dimensions, leading dimensions and strides describe.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $strided(
            layout: c_int, ta: c_int, tb: c_int, m: c_int, n: c_int, k: c_int, alpha: A<$t>,
            a: *const $t, lda: c_int, stridea: c_int, b: *const $t, ldb: c_int, strideb: c_int,
            beta: A<$t>, c: *mut $t, ldc: c_int, stridec: c_int, batch_size: c_int,
        ) {
            run(stringify!($strided), layout, |row| {
                // SAFETY: the function's contract.
                unsafe {
                    let (alpha, beta) = (<$t>::get(alpha), <$t>::get(beta));
                    gemm_batch_strided(
                        row,
                        (ta, tb),
                        (m, n, k),
                        alpha,
                        (a, lda, stridea as isize),
                        (b, ldb, strideb as isize),
                        beta,
                        (c, ldc, stridec as isize),
                        batch_size,
                    )
                }
            })
        }
    };
}

batch!(f32, cblas_sgemm_batch_strided);
batch!(f64, cblas_dgemm_batch_strided);
batch!(c32, cblas_cgemm_batch_strided);
batch!(c64, cblas_zgemm_batch_strided);
