//! Canonicalisation: turns any `C <- beta * C + alpha * op(A) * op(B)` into the form the
//! loops like best, or finishes it when there is no product to compute.
//!
//! - `m = 0` or `n = 0`: nothing to do.
//! - `k = 0` or `alpha = 0`: `C <- beta * C` (β = 0 writes zeros without reading C); A and B
//!   are not read, as the BLAS says.
//! - C stored by rows (unit column stride, non-unit row stride): the problem is transposed,
//!   `C^T <- beta * C^T + alpha * op(B)^T * op(A)^T`, so that C has unit row stride and the
//!   kernels store whole columns of a tile with vector instructions.
//! - Negative strides of C are flipped (rows of C with the rows of op(A), columns of C with
//!   the columns of op(B)), so C walks forwards in memory.
//! - A shallow product into a C whose columns start off a cache line computes the rows above
//!   the first line-aligned one on their own ([`rows_to_align`], called after this).
//!
//! Transposes and conjugation of A and B themselves cost nothing here: packing reads any
//! strides and applies the conjugation.

use crate::blocking::Blocking;
use crate::problem::{Problem, Region, Structure};
use crate::raw::RawMatMut;
use crate::registry::GemmScalar;

/// Canonicalises `p` in place; false when the call is complete (no product to compute).
/// In place, not by value: a `Problem` is large enough (over 128 bytes) that each copy was a
/// call to `memcpy`, a quarter of the time of an f64 4 x 4 x 4 product (perf).
///
/// # Safety
/// `p.c` is readable and writable (it is scaled in place when there is no product).
#[inline]
pub(crate) unsafe fn canonicalize<T: GemmScalar>(p: &mut Problem<T>) -> bool {
    let (m, n, k) = (p.c.rows, p.c.cols, p.a.cols);
    if m == 0 || n == 0 {
        return false;
    }
    if k == 0 || p.alpha.is_zero() {
        // SAFETY: forwarded.
        unsafe { scale(p.beta, p.c) };
        return false;
    }
    if p.c.rs.unsigned_abs() != 1 && p.c.cs.unsigned_abs() == 1 && m > 1 {
        let (a, conj_a) = (p.a, p.conj_a);
        p.a = p.b.t();
        p.conj_a = p.conj_b;
        p.b = a.t();
        p.conj_b = conj_a;
        p.c = p.c.t();
    }
    if p.c.rs < 0 {
        p.c = p.c.flip_rows();
        p.a = p.a.flip_rows();
    }
    if p.c.cs < 0 {
        p.c = p.c.t().flip_rows().t();
        p.b = p.b.t().flip_rows().t();
    }
    true
}

/// Deepest product whose C is split at its first line-aligned row ([`rows_to_align`]).
const ALIGN_DEPTH: usize = 128;

/// Fewest rows and columns of a C split at its first line-aligned row ([`rows_to_align`]).
const ALIGN_ROWS: usize = 256;
const ALIGN_COLS: usize = 64;

/// The rows of a canonical C above its first row that starts a cache line, to be computed as a
/// product of their own, when C's columns all start at the same place in a line but not at
/// its start. The kernels store each column of a tile in vectors of 64 bytes (AVX-512), and
/// tiles start at multiples of MR rows: a C 16 bytes off a line (a large `Vec`, which the
/// allocator maps 16 bytes past a page) makes every one of those stores straddle two lines,
/// which a shallow product, bound by writing C, pays for. Split off, the rows above the
/// first aligned one take a thin product of their own (and a second reading of op(B)), and
/// every tile of the rest starts a line. Deeper products lose as much on the second reading
/// of op(B) as the aligned stores save, hence [`ALIGN_DEPTH`] (`docs/tuning.md`,
/// "canonical.rs: rows_to_align").
/// Real types only (a complex C's tiles are half as tall in elements, and its paths differ).
///
/// The bits do not change: k fits one KC slice (half of KC, which a narrow product takes on
/// some CPUs, [`Blocking::narrow`]), so every element of C is the same chain of fused
/// multiply-adds over k on every path, whatever tile it falls in. (Under smaller blocks, such
/// as `HPC_KC=24`, there is no split.)
pub(crate) fn rows_to_align<T: GemmScalar>(p: &Problem<T>) -> Option<usize> {
    let size = size_of::<T>();
    let addr = p.c.ptr as usize;
    let k = p.a.cols;
    let split = !T::IS_COMPLEX
        && p.structure == Structure::General
        && p.region == Region::All
        && p.c.rs == 1
        && k <= ALIGN_DEPTH
        && p.c.rows >= ALIGN_ROWS
        && p.c.cols >= ALIGN_COLS
        && addr % 64 != 0
        && addr % size == 0
        && (p.c.cs.unsigned_abs() * size) % 64 == 0
        && {
            let (_, mr, nr) = crate::kernel_info::<T>();
            2 * k <= Blocking::for_kernel(mr, nr, size).kc
        };
    split.then(|| (64 - addr % 64) / size)
}

/// `C <- beta * C`; β = 0 writes zeros without reading C, β = 1 touches nothing.
///
/// # Safety
/// `c` is readable and writable.
pub(crate) unsafe fn scale<T: GemmScalar>(beta: T, c: RawMatMut<T>) {
    if beta.is_one() {
        return;
    }
    for j in 0..c.cols {
        for i in 0..c.rows {
            // SAFETY: (i, j) is inside `c`.
            unsafe {
                let v = if beta.is_zero() {
                    T::zero()
                } else {
                    beta * c.get(i, j)
                };
                c.set(i, j, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raw::RawMat;

    fn problem(c: RawMatMut<f64>, a: RawMat<f64>, b: RawMat<f64>) -> Problem<f64> {
        Problem {
            alpha: 1.0,
            a,
            conj_a: false,
            b,
            conj_b: true,
            beta: 0.0,
            c,
            region: crate::problem::Region::All,
            structure: crate::problem::Structure::General,
        }
    }

    #[test]
    fn row_major_c_is_transposed_and_negative_strides_flipped() {
        let mut cd = [0.0; 6];
        let ad = [0.0; 8];
        let bd = [0.0; 12];
        // C 2 x 3 row-major, A 2 x 4 column-major, B 4 x 3 column-major.
        let c = RawMatMut {
            ptr: cd.as_mut_ptr(),
            rows: 2,
            cols: 3,
            rs: 3,
            cs: 1,
        };
        let a = RawMat {
            ptr: ad.as_ptr(),
            rows: 2,
            cols: 4,
            rs: 1,
            cs: 2,
        };
        let b = RawMat {
            ptr: bd.as_ptr(),
            rows: 4,
            cols: 3,
            rs: 1,
            cs: 4,
        };
        let mut p = problem(c, a, b);
        // SAFETY: all three cover their arrays.
        assert!(unsafe { canonicalize(&mut p) });
        assert_eq!((p.c.rows, p.c.cols, p.c.rs, p.c.cs), (3, 2, 1, 3));
        assert_eq!((p.a.rows, p.a.cols, p.a.rs, p.a.cs), (3, 4, 4, 1));
        assert_eq!((p.b.rows, p.b.cols, p.b.rs, p.b.cs), (4, 2, 2, 1));
        assert!(p.conj_a && !p.conj_b, "conjugation follows the operands");

        // The same C walked backwards: rows flip with A's rows, columns with B's columns.
        let c_neg = RawMatMut {
            ptr: cd.as_mut_ptr().wrapping_add(5),
            rows: 2,
            cols: 3,
            rs: -3,
            cs: -1,
        };
        let mut q = problem(c_neg, a, b);
        // SAFETY: as above.
        assert!(unsafe { canonicalize(&mut q) });
        assert_eq!((q.c.rs, q.c.cs), (1, 3));
        assert_eq!(q.c.ptr, cd.as_mut_ptr());
        assert_eq!((q.a.rs, q.b.cs), (-4, -1));
    }

    #[test]
    fn empty_and_trivial_products_finish_here() {
        let mut cd = [f64::NAN; 4];
        let ad = [f64::NAN; 4];
        let c = RawMatMut {
            ptr: cd.as_mut_ptr(),
            rows: 2,
            cols: 2,
            rs: 1,
            cs: 2,
        };
        let a = RawMat {
            ptr: ad.as_ptr(),
            rows: 2,
            cols: 2,
            rs: 1,
            cs: 2,
        };
        let mut p = problem(c, a, a);
        p.alpha = 0.0;
        // SAFETY: as above.
        assert!(!unsafe { canonicalize(&mut p) });
        assert_eq!(cd, [0.0; 4], "beta = 0 overwrites NaN without reading it");
    }
}
