//! The Level 3 BLAS on top of the GEMM: [`Fast`].
//!
//! Every routine is blocked so that the bulk of its flops are GEMM calls on sub-blocks of the
//! operands (which the GEMM packs, threads and runs on the tuned kernels), as in BLIS and
//! OpenBLAS:
//!
//! - `symm`/`hemm` with C stored by columns and A of order above `LEAF`: one pass of the GEMM
//!   loops, with A~ (left side) or B~ (right side) packed straight from A's stored triangle and
//!   the mirror of the other (`problem::Sym`, BLIS's way): no dense copy of any block, and every
//!   flop on the loops as in one GEMM.
//! - `symm`/`hemm` otherwise: C is updated by block rows of `SYMM_NB`; for each, the part of A
//!   left of the diagonal block, the diagonal block, and the part right of it are three GEMMs.
//!   The stored triangle is used directly for one part and transposed (conjugate-transposed for
//!   Hermitian A) for the other; only the diagonal block is expanded into a dense temporary.
//!   With threads to spare, each thread runs all of it on its own share of C's columns.
//! - `syrk`/`herk`/`syr2k`/`her2k` with C stored by columns: one pass of the GEMM loops per
//!   term over C's triangle only (gemmt, `problem::Region`): micro-tiles off the triangle are
//!   skipped, those it cuts are computed into a buffer and merged into the triangle, so X and
//!   Y are packed once, as for one large GEMM. A Hermitian C's diagonal is made real before
//!   (when β reads it) and after.
//! - `syrk`/`herk`/`syr2k`/`her2k` otherwise: recursive halving of C's triangle. Each level is
//!   one GEMM (two for the rank-2k updates) on the square block between the two half triangles,
//!   straight into C, so most flops run in a few large GEMMs; the leaves (at most `NB`) are
//!   computed into a temporary and merged into the triangle only (with a real diagonal for
//!   the Hermitian routines). With threads to spare the two halves run side by side.
//! - `trmm` with B stored by columns (or from the right on B stored by rows, which is the left
//!   side on B^T, stored by columns), of order above `LEAF`: one pass of the GEMM loops in
//!   place, with op(A) as their triangular A (from the left, `problem::Tri`) or their
//!   triangular op(B) (from the right, `Structure::TriB`): the diagonal squares are packed with
//!   zeros on the far side, each micro-panel's k range stops at the diagonal, and the loops
//!   run in the order that packs every element of B before it is overwritten. So B~ and A~
//!   are packed as for one large GEMM, instead of the recursion's GEMMs of order 64 to m/2.
//!   Measurements of both: `docs/tuning.md`, "level3".
//! - `trmm` otherwise, and `trsm`: recursive halving of the triangle. Each level is one GEMM on the
//!   off-diagonal block. `trmm`'s leaves (at most `LEAF` rows) are one more GEMM with the dense
//!   diagonal block; `trsm`'s (at most `SOLVE_LEAF` rows) are solved by substitution, which is
//!   backward stable where a product with the block's inverse is not. With threads to spare,
//!   each thread runs the recursion on its own share of B's columns.
//! - `trmm`, `trsm` with an Inf or NaN in their operands (or a zero on a non-unit diagonal), and
//!   the `syrk` family with trans = N and an Inf or NaN in A or B, run the reference: it skips
//!   the terms of zero factors, which the blocked algorithms multiply (`0 * Inf = NaN`).
//!
//! The right-side variants are the left-side ones on transposed views (`B op(A)` =
//! `(op(A)^T B^T)^T`), which costs nothing. The argument checks are those of the reference
//! (`hpc_core::check`), so errors read the same whichever implementation runs.

mod rank_k;
mod symm;
mod triangular;

use hpc_core::{Diag, Level3, MatMut, MatRef, Result, Scalar, Side, Trans, Uplo};

use crate::problem::{Problem, Region, Structure};
use crate::raw::{RawMat, RawMatMut};
use crate::registry::GemmScalar;
use crate::{Par, gemm_raw};

use rank_k::rank_k_like;
use symm::symm_like;
use triangular::tri_like;

/// Largest triangle `trmm` handles without splitting it further (and where `trsm` splits at
/// multiples of it).
const LEAF: usize = 64;
/// Fewest columns of B a thread takes when `trmm`/`trsm` split B's columns between threads
/// (more than the small-matrix path's limit, so that a column's arithmetic does not depend on
/// the split).
const TRI_COLS: usize = crate::small::SMALL + 1;

/// Runs `f(j0, cols, par)` over the `n` columns of an `m x n x k`-sized problem whose columns
/// are independent (trmm, trsm, symm: each column of B or C is a problem of its own). With
/// threads to spare, each thread takes a share of at least [`TRI_COLS`] columns and runs the
/// whole routine on it sequentially, which parallelises the small GEMMs deep inside it too
/// (a split inside each GEMM cannot, and forks and joins per packed panel); otherwise one call
/// with `par`. A column sees the same kernels and the same order of sums either way (shares
/// are wider than the small-matrix path's limit), so the bits do not depend on the threads.
fn by_column_shares<T: GemmScalar>(
    par: Par,
    (m, n, k): (usize, usize, usize),
    f: impl Fn(usize, usize, Par) + Sync,
) {
    let ways = crate::threads_for::<T>(par, m, n, k)
        .min(n / TRI_COLS)
        .max(1);
    if ways > 1 {
        // Balanced shares: each at least `n / ways >= TRI_COLS` columns wide.
        crate::fork::for_each(ways, |w| {
            let (j0, j1) = (w * n / ways, (w + 1) * n / ways);
            f(j0, j1 - j0, Par::Seq);
        });
    } else {
        f(0, n, par);
    }
}

/// The fast Level 3 BLAS: the `hpc_core::Level3` trait on the blocked GEMM of this crate.
#[derive(Clone, Copy, Debug)]
pub struct Fast {
    /// Threads each call may use.
    pub par: Par,
}

impl Fast {
    /// With an explicit thread policy.
    pub fn new(par: Par) -> Fast {
        Fast { par }
    }
}

impl Default for Fast {
    /// The process default ([`Par::default_for_process`]).
    fn default() -> Fast {
        Fast::new(Par::default_for_process())
    }
}

/// `c <- beta * c + alpha * cj(a) * cj(b)` on raw operands.
///
/// # Safety
/// `a`, `b` readable, `c` writable and accessed by no one else during the call.
#[allow(clippy::too_many_arguments)]
unsafe fn mm<T: GemmScalar>(
    alpha: T,
    a: RawMat<T>,
    conj_a: bool,
    b: RawMat<T>,
    conj_b: bool,
    beta: T,
    c: RawMatMut<T>,
    par: Par,
) {
    debug_assert!(a.rows == c.rows && b.cols == c.cols && a.cols == b.rows);
    let p = Problem {
        alpha,
        a,
        conj_a,
        b,
        conj_b,
        beta,
        c,
        region: Region::All,
        structure: Structure::General,
    };
    // SAFETY: forwarded.
    unsafe { gemm_raw(p, par) };
}

/// A dense column-major copy of a square block, with `value(i, j)` for each element.
fn dense<T: Scalar>(n: usize, value: impl Fn(usize, usize) -> T) -> Vec<T> {
    let mut d = vec![T::zero(); n * n];
    for j in 0..n {
        for i in 0..n {
            d[i + j * n] = value(i, j);
        }
    }
    d
}

/// A column-major `Vec` as a raw matrix.
fn raw_of<T>(d: &[T], rows: usize, cols: usize) -> RawMat<T> {
    RawMat {
        ptr: d.as_ptr(),
        rows,
        cols,
        rs: 1,
        cs: rows.max(1) as isize,
    }
}

fn raw_of_mut<T>(d: &mut [T], rows: usize, cols: usize) -> RawMatMut<T> {
    RawMatMut {
        ptr: d.as_mut_ptr(),
        rows,
        cols,
        rs: 1,
        cs: rows.max(1) as isize,
    }
}

fn cj<T: Scalar>(v: T, conj: bool) -> T {
    if conj { v.conj() } else { v }
}

/// Whether rows `lo..hi` of column `j` of `m` are all finite (a contiguous column is scanned
/// in blocks that the compiler vectorises).
///
/// # Safety
/// The rows and the column lie inside `m`.
unsafe fn finite_in_column<T: GemmScalar>(m: RawMat<T>, j: usize, lo: usize, hi: usize) -> bool {
    if lo >= hi {
        return true;
    }
    if m.rs == 1 {
        // SAFETY: rows lo..hi of column j are contiguous inside `m`.
        let col = unsafe { core::slice::from_raw_parts(m.at(lo, j), hi - lo) };
        col.chunks(64)
            .all(|c| c.iter().fold(true, |ok, v| ok & v.all_finite()))
    } else {
        // SAFETY: (i, j) inside `m`.
        (lo..hi).all(|i| unsafe { m.get(i, j) }.all_finite())
    }
}

impl<T: GemmScalar> Level3<T> for Fast {
    fn gemm(
        &self,
        transa: Trans,
        transb: Trans,
        alpha: T,
        a: MatRef<'_, T>,
        b: MatRef<'_, T>,
        beta: T,
        c: MatMut<'_, T>,
    ) -> Result<()> {
        crate::gemm_op(transa, transb, alpha, a, b, beta, c, self.par)
    }

    fn symm(
        &self,
        side: Side,
        uplo: Uplo,
        alpha: T,
        a: MatRef<'_, T>,
        b: MatRef<'_, T>,
        beta: T,
        c: MatMut<'_, T>,
    ) -> Result<()> {
        symm_like("symm", false, self.par, side, uplo, alpha, a, b, beta, c)
    }

    fn hemm(
        &self,
        side: Side,
        uplo: Uplo,
        alpha: T,
        a: MatRef<'_, T>,
        b: MatRef<'_, T>,
        beta: T,
        c: MatMut<'_, T>,
    ) -> Result<()> {
        symm_like("hemm", true, self.par, side, uplo, alpha, a, b, beta, c)
    }

    fn syrk(
        &self,
        uplo: Uplo,
        trans: Trans,
        alpha: T,
        a: MatRef<'_, T>,
        beta: T,
        c: MatMut<'_, T>,
    ) -> Result<()> {
        rank_k_like(
            "syrk", false, self.par, uplo, trans, alpha, a, None, beta, c,
        )
    }

    fn herk(
        &self,
        uplo: Uplo,
        trans: Trans,
        alpha: T::Real,
        a: MatRef<'_, T>,
        beta: T::Real,
        c: MatMut<'_, T>,
    ) -> Result<()> {
        let (alpha, beta) = (T::from_real(alpha), T::from_real(beta));
        rank_k_like("herk", true, self.par, uplo, trans, alpha, a, None, beta, c)
    }

    fn syr2k(
        &self,
        uplo: Uplo,
        trans: Trans,
        alpha: T,
        a: MatRef<'_, T>,
        b: MatRef<'_, T>,
        beta: T,
        c: MatMut<'_, T>,
    ) -> Result<()> {
        rank_k_like(
            "syr2k",
            false,
            self.par,
            uplo,
            trans,
            alpha,
            a,
            Some(b),
            beta,
            c,
        )
    }

    fn her2k(
        &self,
        uplo: Uplo,
        trans: Trans,
        alpha: T,
        a: MatRef<'_, T>,
        b: MatRef<'_, T>,
        beta: T::Real,
        c: MatMut<'_, T>,
    ) -> Result<()> {
        let beta = T::from_real(beta);
        rank_k_like(
            "her2k",
            true,
            self.par,
            uplo,
            trans,
            alpha,
            a,
            Some(b),
            beta,
            c,
        )
    }

    fn trmm(
        &self,
        side: Side,
        uplo: Uplo,
        transa: Trans,
        diag: Diag,
        alpha: T,
        a: MatRef<'_, T>,
        b: MatMut<'_, T>,
    ) -> Result<()> {
        tri_like(
            "trmm", false, self.par, side, uplo, transa, diag, alpha, a, b,
        )
    }

    fn trsm(
        &self,
        side: Side,
        uplo: Uplo,
        transa: Trans,
        diag: Diag,
        alpha: T,
        a: MatRef<'_, T>,
        b: MatMut<'_, T>,
    ) -> Result<()> {
        tri_like(
            "trsm", true, self.par, side, uplo, transa, diag, alpha, a, b,
        )
    }
}
