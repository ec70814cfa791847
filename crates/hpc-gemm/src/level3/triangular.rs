//! The triangular routines: `trmm` and `trsm`.

use hpc_core::{Diag, Level3, MatMut, MatRef, Result, Scalar, Side, Trans, Uplo};
use num_traits::Float;

use crate::canonical::scale;
use crate::problem::{Problem, Region, Structure, Tri};
use crate::raw::{RawMat, RawMatMut};
use crate::registry::GemmScalar;
use crate::{Par, structured_raw};
use hpc_core::check::check_tri_side;

use super::{LEAF, by_column_shares, cj, dense, finite_in_column, mm, raw_of};

/// Largest triangle `trsm` solves by substitution: its flops run off the GEMM kernels, so it is
/// kept small, and the recursion's GEMMs do the rest.
const SOLVE_LEAF: usize = 16;
/// Columns of B per chunk of [`solve_leaf`]: the chunk, stored by rows, stays in L1.
const SOLVE_COLS: usize = 32;

/// A triangular factor as the left-side algorithms see it: `t` is op(A) (`m x m` view),
/// conjugated if `conj`, lower or upper triangular, with an implicit unit diagonal if `unit`.
#[derive(Clone, Copy)]
struct TriFactor<T> {
    t: RawMat<T>,
    conj: bool,
    lower: bool,
    unit: bool,
}

impl<T: GemmScalar> TriFactor<T> {
    fn sub(self, i: usize, n: usize) -> TriFactor<T> {
        TriFactor {
            t: self.t.sub(i, i, n, n),
            ..self
        }
    }

    /// Element (i, j) of the triangle, zero outside it.
    ///
    /// # Safety
    /// `i, j < order`.
    unsafe fn elem(&self, i: usize, j: usize) -> T {
        if i == j && self.unit {
            T::one()
        } else if (self.lower && i >= j) || (!self.lower && i <= j) {
            // SAFETY: inside the view by the caller's contract.
            cj(unsafe { self.t.get(i, j) }, self.conj)
        } else {
            T::zero()
        }
    }

    /// The transpose: `B op(A)` is computed as `(op(A)^T B^T)^T`.
    fn transposed(self) -> TriFactor<T> {
        TriFactor {
            t: self.t.t(),
            lower: !self.lower,
            ..self
        }
    }

    /// Where the halves of an order-m triangle split (a multiple of `LEAF` when possible).
    fn split(m: usize) -> usize {
        let half = m / 2;
        if half >= LEAF {
            half / LEAF * LEAF
        } else {
            half
        }
    }
}

/// Copies B (`rows x cols`) into `out`, dense and column-major, walking B along its shorter
/// stride.
///
/// # Safety
/// `b` readable.
unsafe fn copy_into<T: GemmScalar>(b: RawMat<T>, out: &mut Vec<T>) {
    let (rows, cols) = (b.rows, b.cols);
    out.clear();
    if b.rs == 1 {
        for j in 0..cols {
            // SAFETY: column j of `b` is `rows` contiguous elements.
            out.extend_from_slice(unsafe {
                core::slice::from_raw_parts(b.ptr.offset(j as isize * b.cs), rows)
            });
        }
    } else if b.rs.unsigned_abs() <= b.cs.unsigned_abs() {
        for j in 0..cols {
            // SAFETY: (i, j) inside `b`.
            out.extend((0..rows).map(|i| unsafe { b.get(i, j) }));
        }
    } else {
        // Rows of B are its contiguous direction (the right side's transposed view).
        out.resize(rows * cols, T::zero());
        for i in 0..rows {
            for j in 0..cols {
                // SAFETY: (i, j) inside `b`.
                out[i + j * rows] = unsafe { b.get(i, j) };
            }
        }
    }
}

/// `B <- alpha T B`, recursively.
///
/// # Safety
/// `t` readable, `b` writable and exclusive, `t` of order `b.rows`.
unsafe fn trmm_left<T: GemmScalar>(
    tri: TriFactor<T>,
    alpha: T,
    b: RawMatMut<T>,
    par: Par,
    scratch: &mut Vec<T>,
) {
    let (m, n) = (b.rows, b.cols);
    if m <= LEAF {
        // SAFETY: indices inside the order-m triangle; `b` forwarded.
        unsafe { leaf(&dense(m, |i, j| tri.elem(i, j)), alpha, b, par, scratch) };
        return;
    }
    let m1 = TriFactor::<T>::split(m);
    let m2 = m - m1;
    let (b1, b2) = (b.sub(0, 0, m1, n), b.sub(m1, 0, m2, n));
    // SAFETY: the halves and the off-diagonal block lie inside T and B; the GEMM reads one half
    // of B and writes the other.
    unsafe {
        if tri.lower {
            // B2 <- alpha (T21 B1 + T22 B2), then B1 <- alpha T11 B1.
            trmm_left(tri.sub(m1, m2), alpha, b2, par, scratch);
            let t21 = tri.t.sub(m1, 0, m2, m1);
            mm(alpha, t21, tri.conj, b1.as_ref(), false, T::one(), b2, par);
            trmm_left(tri.sub(0, m1), alpha, b1, par, scratch);
        } else {
            // B1 <- alpha (T11 B1 + T12 B2), then B2 <- alpha T22 B2.
            trmm_left(tri.sub(0, m1), alpha, b1, par, scratch);
            let t12 = tri.t.sub(0, m1, m1, m2);
            mm(alpha, t12, tri.conj, b2.as_ref(), false, T::one(), b1, par);
            trmm_left(tri.sub(m1, m2), alpha, b2, par, scratch);
        }
    }
}

/// Solves `T X = alpha B` for a triangle of order at most [`SOLVE_LEAF`] by substitution, in
/// the reference's order: each unknown is divided by its diagonal entry (multiplied by its
/// reciprocal where that is as safe; for complex types the safe division of
/// `hpc_core::complex`), then eliminated from the rows below it (lower) or above it (upper).
/// Substitution is backward stable; the inverse of the block, which would let a GEMM do these
/// flops too, is not. B is worked on a chunk of [`SOLVE_COLS`] columns at a time, copied into
/// `scratch` by rows, so that every step runs along a contiguous row of the chunk (under the
/// selected ISA, for the compiler to vectorise).
///
/// # Safety
/// `tri` of order `b.rows`, readable; `b` readable, writable and exclusive.
unsafe fn solve_leaf<T: GemmScalar>(
    tri: TriFactor<T>,
    alpha: T,
    b: RawMatMut<T>,
    scratch: &mut Vec<T>,
) {
    let m = b.rows;
    // SAFETY: indices inside the order-m triangle.
    let t = dense(m, |i, j| unsafe { tri.elem(i, j) });
    let mut j0 = 0;
    while j0 < b.cols {
        let w = (b.cols - j0).min(SOLVE_COLS);
        scratch.clear();
        scratch.resize(m * w, T::zero());
        // Walk B along its shorter stride.
        let by_cols = b.rs.unsigned_abs() <= b.cs.unsigned_abs();
        each_elem(by_cols, m, w, |i, c| {
            // SAFETY: (i, j0 + c) inside `b` for i < m, c < w.
            scratch[i * w + c] = alpha * unsafe { b.get(i, j0 + c) }
        });
        let op = Substitute {
            t: &t,
            m,
            lower: tri.lower,
            unit: tri.unit,
            x: scratch,
            w,
        };
        crate::registry::vectorize(op);
        // SAFETY: as above; `b` is exclusive.
        each_elem(by_cols, m, w, |i, c| unsafe {
            b.set(i, j0 + c, scratch[i * w + c])
        });
        j0 += w;
    }
}

/// Calls `f(i, c)` for every element of an `m x w` block, column by column if `by_cols`, else
/// row by row.
#[inline(always)]
fn each_elem(by_cols: bool, m: usize, w: usize, mut f: impl FnMut(usize, usize)) {
    if by_cols {
        (0..w).for_each(|c| (0..m).for_each(|i| f(i, c)));
    } else {
        (0..m).for_each(|i| (0..w).for_each(|c| f(i, c)));
    }
}

/// The substitution of [`solve_leaf`] on a chunk `x` of `w` columns stored by rows.
struct Substitute<'a, T> {
    t: &'a [T],
    m: usize,
    lower: bool,
    unit: bool,
    x: &'a mut [T],
    w: usize,
}

impl<T: Scalar> pulp::WithSimd for Substitute<'_, T> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        let Substitute {
            t,
            m,
            lower,
            unit,
            x,
            w,
        } = self;
        // A diagonal entry whose parts lie within the square roots of the underflow and
        // overflow thresholds has a reciprocal that scales a row as the division would, to
        // a rounding (a reciprocal of each diagonal entry keeps the solve backward stable, as
        // in OpenBLAS's kernels): one multiplication per element instead of a division.
        // Outside that range each element is divided.
        let (lo, hi) = (
            T::Real::min_positive_value().sqrt(),
            T::Real::max_value().sqrt(),
        );
        let mut step = |j: usize| {
            let (before, rest) = x.split_at_mut(j * w);
            let (xj, after) = rest.split_at_mut(w);
            if !unit {
                let d = t[j + j * m];
                let size = d.re().abs().max(d.im().abs());
                if size > lo && size < hi {
                    let r = d.inv();
                    xj.iter_mut().for_each(|v| *v *= r);
                } else {
                    xj.iter_mut().for_each(|v| *v = v.quot(d));
                }
            }
            let (rows, first) = if lower { (after, j + 1) } else { (before, 0) };
            for (r, xi) in rows.chunks_exact_mut(w).enumerate() {
                let tij = t[first + r + j * m];
                if tij != T::zero() {
                    xi.iter_mut().zip(&*xj).for_each(|(v, &u)| *v -= tij * u);
                }
            }
        };
        if lower {
            (0..m).for_each(&mut step);
        } else {
            (0..m).rev().for_each(&mut step);
        }
    }
}

/// Columns of B per GEMM in a [`leaf`]: the copy of a chunk stays in L2 while the GEMM reads it.
/// The last chunk takes the remainder (up to twice this), so no chunk is narrower than B or
/// [`super::TRI_COLS`] and none reaches the small-matrix path unless B itself would.
const LEAF_COLS: usize = 256;

/// A leaf of the `trmm` recursion: `B <- alpha M B` for the dense order-m diagonal block `M`,
/// one GEMM per chunk of [`LEAF_COLS`] columns from a copy of the chunk in
/// `scratch`.
///
/// # Safety
/// `b` readable, writable and exclusive; `m` is `b.rows x b.rows`.
unsafe fn leaf<T: GemmScalar>(m: &[T], alpha: T, b: RawMatMut<T>, par: Par, scratch: &mut Vec<T>) {
    let (rows, cols) = (b.rows, b.cols);
    let chunks = (cols / LEAF_COLS).max(1);
    for c in 0..chunks {
        let j0 = c * LEAF_COLS;
        let w = if c + 1 == chunks {
            cols - j0
        } else {
            LEAF_COLS
        };
        let part = b.sub(0, j0, rows, w);
        // SAFETY: `part` lies inside `b`; the copy and `m` are the GEMM's inputs, `part` its
        // output.
        unsafe {
            copy_into(part.as_ref(), scratch);
            mm(
                alpha,
                raw_of(m, rows, rows),
                false,
                raw_of(scratch, rows, w),
                false,
                T::zero(),
                part,
                par,
            );
        }
    }
}

/// Solves `T X = alpha B` in place, recursively.
///
/// # Safety
/// As [`trmm_left`].
unsafe fn trsm_left<T: GemmScalar>(
    tri: TriFactor<T>,
    alpha: T,
    b: RawMatMut<T>,
    par: Par,
    scratch: &mut Vec<T>,
) {
    let (m, n) = (b.rows, b.cols);
    if m <= SOLVE_LEAF {
        // SAFETY: the triangle has order m; `b` forwarded.
        unsafe { solve_leaf(tri, alpha, b, scratch) };
        return;
    }
    let m1 = TriFactor::<T>::split(m);
    let m2 = m - m1;
    let (b1, b2) = (b.sub(0, 0, m1, n), b.sub(m1, 0, m2, n));
    // SAFETY: as in `trmm_left`.
    unsafe {
        if tri.lower {
            // X1 = T11^-1 alpha B1; B2 <- alpha B2 - T21 X1; X2 = T22^-1 B2.
            trsm_left(tri.sub(0, m1), alpha, b1, par, scratch);
            let t21 = tri.t.sub(m1, 0, m2, m1);
            mm(-T::one(), t21, tri.conj, b1.as_ref(), false, alpha, b2, par);
            trsm_left(tri.sub(m1, m2), T::one(), b2, par, scratch);
        } else {
            trsm_left(tri.sub(m1, m2), alpha, b2, par, scratch);
            let t12 = tri.t.sub(0, m1, m1, m2);
            mm(-T::one(), t12, tri.conj, b2.as_ref(), false, alpha, b1, par);
            trsm_left(tri.sub(0, m1), T::one(), b1, par, scratch);
        }
    }
}

/// Whether the blocked algorithms give the reference's result: alpha, the referenced triangle
/// of op(A) and B are all finite, and (`trsm`) no diagonal entry is zero. The reference skips
/// every term whose factor from B is zero; the blocked algorithms multiply the triangle's
/// zeros and B's zeros like any other element, and `0 * Inf` is NaN, so an Inf or NaN
/// would spread to elements that do not depend on it. Such calls, and singular triangles, run
/// the reference itself. The scan costs `O(m^2 + mn)` against the call's `O(m^2 n)`.
fn plain_operands<T: GemmScalar>(
    solve: bool,
    tri: TriFactor<T>,
    alpha: T,
    b: MatRef<'_, T>,
) -> bool {
    let (t, m) = (tri.t, tri.t.rows);
    // SAFETY: every range lies inside the order-m view `t` or inside `b`.
    unsafe {
        let triangle_ok = (0..m).all(|j| {
            let (lo, hi) = if tri.lower { (j, m) } else { (0, j + 1) };
            finite_in_column(t, j, lo, hi)
        });
        let diagonal_ok = !solve || tri.unit || (0..m).all(|i| !t.get(i, i).is_zero());
        let b = RawMat::from_ref(b);
        triangle_ok
            && diagonal_ok
            && alpha.all_finite()
            && (0..b.cols).all(|j| finite_in_column(b, j, 0, b.rows))
    }
}

/// `trmm` (`solve = false`) and `trsm`.
#[allow(clippy::too_many_arguments)]
pub(super) fn tri_like<T: GemmScalar>(
    routine: &'static str,
    solve: bool,
    par: Par,
    side: Side,
    uplo: Uplo,
    transa: Trans,
    diag: Diag,
    alpha: T,
    a: MatRef<'_, T>,
    mut b: MatMut<'_, T>,
) -> Result<()> {
    check_tri_side(routine, side, &a, &b)?;
    let (t, conj) = RawMat::from_ref(a).op(transa);
    let tri = TriFactor {
        t,
        conj: conj && T::IS_COMPLEX,
        // op(A) is lower triangular when A is lower and not transposed, or upper and transposed.
        lower: (uplo == Uplo::Lower) == (transa == Trans::No),
        unit: diag == Diag::Unit,
    };
    if b.rows() == 0 || b.cols() == 0 {
        return Ok(());
    }
    if !alpha.is_zero() && !plain_operands(solve, tri, alpha, b.rb()) {
        let r = hpc_core::reference::Reference;
        return if solve {
            r.trsm(side, uplo, transa, diag, alpha, a, b)
        } else {
            r.trmm(side, uplo, transa, diag, alpha, a, b)
        };
    }
    let b = RawMatMut::from_mut(&mut b);
    // SAFETY: views checked by their constructors; `b` stays borrowed.
    unsafe {
        if alpha.is_zero() {
            scale(T::zero(), b);
            return Ok(());
        }
        // trmm with B stored by columns on the GEMM loops in place: B~ and A~ packed as for a
        // GEMM, the triangle's zeros skipped. From the left op(A) is the loops' triangular
        // A ([`Tri`]), from the right their triangular op(B) (`Structure::TriB`); the right side
        // on B stored by rows is the left side on B^T, stored by columns. The loops store
        // whole columns of a tile: on B stored by rows they were slower than the recursion
        // below (`docs/tuning.md`, "level3").
        let mode = |t: TriFactor<T>| Tri {
            lower: t.lower,
            unit: t.unit,
        };
        if !solve && side == Side::Right && b.rs == 1 && b.cols > LEAF {
            let p = Problem {
                alpha,
                a: b.as_ref(),
                conj_a: false,
                b: tri.t,
                conj_b: tri.conj,
                beta: T::zero(),
                c: b,
                region: Region::All,
                structure: Structure::TriB(mode(tri)),
            };
            structured_raw(p, par);
            return Ok(());
        }
        let (tri, b) = match side {
            Side::Left => (tri, b),
            Side::Right => (tri.transposed(), b.t()),
        };
        if !solve && b.rs == 1 && b.rows > LEAF {
            let p = Problem {
                alpha,
                a: tri.t,
                conj_a: tri.conj,
                b: b.as_ref(),
                conj_b: false,
                beta: T::zero(),
                c: b,
                region: Region::All,
                structure: Structure::TriA(mode(tri)),
            };
            structured_raw(p, par);
            return Ok(());
        }
        // Each call gets its own columns of B (the enclosing SAFETY note covers the rest).
        // The leaves' copies of B reuse one scratch buffer per call.
        let run = |b: RawMatMut<T>, par: Par| {
            let mut scratch = Vec::new();
            if solve {
                trsm_left(tri, alpha, b, par, &mut scratch)
            } else {
                trmm_left(tri, alpha, b, par, &mut scratch)
            }
        };
        let m = b.rows;
        by_column_shares::<T>(par, (m, b.cols, m), |j0, cols, par| {
            run(b.sub(0, j0, m, cols), par)
        });
    }
    Ok(())
}
