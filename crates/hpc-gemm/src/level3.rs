//! The Level 3 BLAS on top of the GEMM: [`Fast`].
//!
//! Every routine is blocked so that the bulk of its flops are GEMM calls on sub-blocks of the
//! operands (which the GEMM packs, threads and runs on the tuned kernels), as in BLIS and
//! OpenBLAS:
//!
//! - `symm`/`hemm` with C stored by columns and A of order above `LEAF`: one pass of the GEMM
//!   loops, with A~ (left side) or B~ (right side) packed straight from A's stored triangle and
//!   the mirror of the other (`loops::Sym`, BLIS's way): no dense copy of any block, and every
//!   flop on the loops as in one GEMM (f64 n = 2048, one thread: 95 -> 101 GFLOP/s, n = 512
//!   70 -> 92).
//! - `symm`/`hemm` otherwise: C is updated by block rows of `SYMM_NB`; for each, the part of A
//!   left of the diagonal block, the diagonal block, and the part right of it are three GEMMs.
//!   The stored triangle is used directly for one part and transposed (conjugate-transposed for
//!   Hermitian A) for the other; only the diagonal block is expanded into a dense temporary.
//!   With threads to spare, each thread runs all of it on its own share of C's columns.
//! - `syrk`/`herk`/`syr2k`/`her2k` with C stored by columns: one pass of the GEMM loops per
//!   term over C's triangle only (gemmt, `loops::Region`): micro-tiles off the triangle are
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
//!   place, with op(A) as their triangular A (from the left, `loops::TriA`) or their
//!   triangular op(B) (from the right, `Structure::TriB`): the diagonal squares are packed with
//!   zeros on the far side, each micro-panel's k range stops at the diagonal, and the loops
//!   run in the order that packs every element of B before it is overwritten. So B~ and A~
//!   are packed as for one large GEMM, instead of the recursion's GEMMs of order 64 to m/2
//!   (f64 n = 2048, one thread: left 85 -> 98 GFLOP/s, right 80 -> 92).
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
//! (`hpc_core::reference::check`), so errors read the same whichever implementation runs.

use hpc_core::reference::check::{check_rank_k, check_symm, check_tri_side};
use hpc_core::{Diag, Level3, MatMut, MatRef, Result, Scalar, Side, Trans, Uplo};
use num_traits::Float;

use crate::canonical::scale;
use crate::loops::{Problem, Region, Structure, Sym, TriA};
use crate::raw::{RawMat, RawMatMut};
use crate::simd::GemmScalar;

use crate::{Par, gemm_raw, gemmt_raw, structured_raw};

/// The largest diagonal block of the `syrk` family: the recursion's leaves, each computed by
/// a GEMM into a temporary (half of which is thrown away) and merged into the triangle.
const NB: usize = 192;
/// Rows of C per block row in `symm`/`hemm`: large, so that each of the three GEMMs of a block
/// row has many rows to amortise its packing of B over (the dense diagonal block it expands is
/// at most `SYMM_NB^2` elements).
const SYMM_NB: usize = 1024;
/// Largest triangle `trmm` handles without splitting it further (and where `trsm` splits at
/// multiples of it).
const LEAF: usize = 64;
/// Largest triangle `trsm` solves by substitution: its flops run off the GEMM kernels, so it is
/// kept small, and the recursion's GEMMs do the rest.
const SOLVE_LEAF: usize = 16;
/// Columns of B per chunk of [`solve_leaf`]: the chunk, stored by rows, stays in L1.
const SOLVE_COLS: usize = 32;
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

/// `C <- alpha A B + beta C`, A symmetric or Hermitian (`herm`) of order m, stored in its
/// `lower` or upper triangle, every element conjugated if `conj` (the right-side transpose of
/// a Hermitian A).
///
/// # Safety
/// `a`, `b` readable, `c` writable and exclusive; alpha != 0; shapes consistent.
#[allow(clippy::too_many_arguments)]
unsafe fn symm_left<T: GemmScalar>(
    herm: bool,
    lower: bool,
    conj: bool,
    alpha: T,
    a: RawMat<T>,
    b: RawMat<T>,
    beta: T,
    c: RawMatMut<T>,
    par: Par,
) {
    let (m, n) = (c.rows, c.cols);
    // The transposed triangle is conjugated once more for a Hermitian A.
    let conj_t = conj ^ herm;
    for r0 in (0..m).step_by(SYMM_NB) {
        let h = SYMM_NB.min(m - r0);
        let r1 = r0 + h;
        let c_blk = c.sub(r0, 0, h, n);
        // A[r0..r1, 0..r0]: stored if lower, else the transpose of A[0..r0, r0..r1].
        let (left, left_conj) = if lower {
            (a.sub(r0, 0, h, r0), conj)
        } else {
            (a.sub(0, r0, r0, h).t(), conj_t)
        };
        // A[r0..r1, r1..m]: stored if upper, else the transpose of A[r1..m, r0..r1].
        let (right, right_conj) = if lower {
            (a.sub(r1, r0, m - r1, h).t(), conj_t)
        } else {
            (a.sub(r0, r1, h, m - r1), conj)
        };
        // The diagonal block, expanded.
        let d = dense(h, |i, j| {
            let stored = if lower { i >= j } else { i <= j };
            // SAFETY: (r0 + i, r0 + j) or its mirror lies inside A.
            let v = unsafe {
                if stored {
                    a.get(r0 + i, r0 + j)
                } else {
                    cj(a.get(r0 + j, r0 + i), herm)
                }
            };
            let v = if herm && i == j {
                T::from_real(v.re())
            } else {
                v
            };
            cj(v, conj)
        });
        let mut beta_now = beta;
        // SAFETY: every block lies inside its operand; `d` is h x h.
        unsafe {
            if r0 > 0 {
                mm(
                    alpha,
                    left,
                    left_conj,
                    b.sub(0, 0, r0, n),
                    false,
                    beta_now,
                    c_blk,
                    par,
                );
                beta_now = T::one();
            }
            let db = raw_of(&d, h, h);
            mm(
                alpha,
                db,
                false,
                b.sub(r0, 0, h, n),
                false,
                beta_now,
                c_blk,
                par,
            );
            if r1 < m {
                mm(
                    alpha,
                    right,
                    right_conj,
                    b.sub(r1, 0, m - r1, n),
                    false,
                    T::one(),
                    c_blk,
                    par,
                );
            }
        }
    }
}

fn symm_like<T: GemmScalar>(
    routine: &'static str,
    herm: bool,
    par: Par,
    side: Side,
    uplo: Uplo,
    alpha: T,
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    beta: T,
    mut c: MatMut<'_, T>,
) -> Result<()> {
    check_symm(routine, side, &a, &b, &c)?;
    let herm = herm && T::IS_COMPLEX;
    let (a, b, c) = (
        RawMat::from_ref(a),
        RawMat::from_ref(b),
        RawMatMut::from_mut(&mut c),
    );
    // SAFETY: the views were checked by their constructors; `c` stays borrowed.
    unsafe {
        if c.rows == 0 || c.cols == 0 {
            return Ok(());
        }
        if alpha.is_zero() {
            scale(beta, c);
            return Ok(());
        }
        let lower = uplo == Uplo::Lower;
        // With C stored by columns, one pass of the GEMM loops, A~ (left) or B~ (right)
        // packed from the stored triangle and its mirror (`loops::Sym`).
        let order = if side == Side::Left { c.rows } else { c.cols };
        if c.rs == 1 && order > LEAF {
            let sym = Sym { lower, herm };
            let (a, b, structure) = match side {
                Side::Left => (a, b, Structure::SymA(sym)),
                Side::Right => (b, a, Structure::SymB(sym)),
            };
            let p = Problem {
                alpha,
                a,
                conj_a: false,
                b,
                conj_b: false,
                beta,
                c,
                region: Region::All,
                structure,
            };
            structured_raw(p, par);
            return Ok(());
        }
        // C^T = A^T B^T for the right side; A^T = A (symmetric) or conj(A) (Hermitian, same
        // triangle).
        let (conj, b, c) = match side {
            Side::Left => (false, b, c),
            Side::Right => (herm, b.t(), c.t()),
        };
        let m = c.rows;
        // Each column of B and C is a problem of its own.
        by_column_shares::<T>(par, (m, c.cols, m), |j0, cols, par| {
            symm_left(
                herm,
                lower,
                conj,
                alpha,
                a,
                b.sub(0, j0, m, cols),
                beta,
                c.sub(0, j0, m, cols),
                par,
            )
        });
    }
    Ok(())
}

/// One term `alpha * X * cj(Y)^T` of a rank-k update, `X`, `Y` both `n x k`.
#[derive(Clone, Copy)]
struct Term<T> {
    alpha: T,
    x: RawMat<T>,
    conj_x: bool,
    y: RawMat<T>,
    conj_y: bool,
}

/// `C <- sum of terms + beta C` on the `lower` or upper triangle of C; with `herm`, the
/// diagonal is real (its imaginary part is neither read nor kept) and beta is real.
///
/// Recursive, so that almost all the flops go through a few large GEMMs (each packs its
/// operands once for many columns): the triangle of order w splits into two triangles of
/// about w/2 and the square block between them, computed by one GEMM per term; triangles of
/// order at most NB are leaves (one GEMM into a temporary, merged into the triangle only).
/// With threads to spare the two half triangles run side by side, each on one thread, after
/// the square block used them all. Every element is computed by the same GEMM shapes whatever
/// the thread count, so the bits do not depend on it.
///
/// # Safety
/// Operands readable, `c` writable and exclusive; the terms' alphas are not all zero, k > 0.
unsafe fn rank_k_update<T: GemmScalar>(
    herm: bool,
    lower: bool,
    terms: &[Term<T>],
    beta: T,
    c: RawMatMut<T>,
    par: Par,
) {
    let direct = (c.rs == 1 || c.rows <= 1) && c.cs > 0 && terms.iter().all(|t| !t.alpha.is_zero());
    if direct {
        let real_diagonal = |c: RawMatMut<T>| {
            for i in 0..c.rows {
                // SAFETY: (i, i) is inside the square C.
                unsafe { c.set(i, i, T::from_real(c.get(i, i).re())) };
            }
        };
        // Hermitian C: the diagonal's imaginary part is neither read (zeroed before, so that
        // β times it cannot reach the real part through a complex product) nor kept.
        if herm && T::IS_COMPLEX && !beta.is_zero() {
            real_diagonal(c);
        }
        // C stored by columns: one pass of the GEMM loops over the triangle per term (gemmt:
        // tiles off the triangle skipped, tiles it cuts merged), which packs X and Y once
        // each, where the recursion repacks them for every block and computes its leaves'
        // squares whole. Measured on the Xeon build machine (one thread, paired medians of 3
        // alternated runs of `examples/level3_time`): dsyrk n = 2048 +19% (79 -> 94
        // GFLOP/s), n = 512 +31%; 2 threads n = 2048 +14%. zherk (medians of 5 timings, two
        // runs each): n = 512 +35% (64 -> 86), 1024 +26%, 2048 +18% (84 -> 99).
        let (n, k) = (c.rows, terms[0].x.cols);
        let tri = if lower {
            Region::Lower(0)
        } else {
            Region::Upper(0)
        };
        let mut b = beta;
        for t in terms {
            let p = Problem {
                alpha: t.alpha,
                a: t.x.sub(0, 0, n, k),
                conj_a: t.conj_x,
                b: t.y.sub(0, 0, n, k).t(),
                conj_b: t.conj_y,
                beta: b,
                c,
                region: tri,
                structure: Structure::General,
            };
            // SAFETY: forwarded; C is square, stored by columns, alpha != 0 and k > 0.
            unsafe { gemmt_raw(p, par) };
            b = T::one();
        }
        if herm && T::IS_COMPLEX {
            real_diagonal(c);
        }
        return;
    }
    // SAFETY: forwarded; the whole triangle.
    unsafe { rank_k_rec(herm, lower, terms, beta, c, 0, c.rows, par) };
}

/// The triangle of C on rows and columns `c0..c0 + w` (see [`rank_k_update`]).
///
/// # Safety
/// As [`rank_k_update`]; no one else writes this triangle meanwhile.
#[allow(clippy::too_many_arguments)]
unsafe fn rank_k_rec<T: GemmScalar>(
    herm: bool,
    lower: bool,
    terms: &[Term<T>],
    beta: T,
    c: RawMatMut<T>,
    c0: usize,
    w: usize,
    par: Par,
) {
    let k = terms[0].x.cols;
    if w <= NB {
        // SAFETY: forwarded.
        unsafe { diagonal_block(herm, lower, terms, beta, c, c0, w, par) };
        return;
    }
    // Halves of equal area, so that two threads side by side finish together.
    let h = w / 2;
    let (r1, w2) = (c0 + h, w - h);
    // The square block between the two triangles: rows r1.., columns c0.. (lower), or rows
    // c0.., columns r1.. (upper).
    let (rows, cols, rr, cc) = if lower {
        (w2, h, r1, c0)
    } else {
        (h, w2, c0, r1)
    };
    // SAFETY: the block lies inside C, its rows and columns inside X and Y.
    unsafe { terms_into(terms, rr, cc, beta, c.sub(rr, cc, rows, cols), par) };
    let split = crate::threads_for::<T>(par, w, w, k) > 1;
    // SAFETY: the two triangles are disjoint parts of C.
    let first = || unsafe {
        rank_k_rec(
            herm,
            lower,
            terms,
            beta,
            c,
            c0,
            h,
            if split { Par::Seq } else { par },
        )
    };
    // SAFETY: as above.
    let second = || unsafe {
        rank_k_rec(
            herm,
            lower,
            terms,
            beta,
            c,
            r1,
            w2,
            if split { Par::Seq } else { par },
        )
    };
    if split {
        crate::fork::for_each(2, |w| if w == 0 { first() } else { second() });
    } else {
        first();
        second();
    }
}

/// `out <- sum of the terms' alpha X[rx.., :] cj(Y[ry.., :])^T + beta out`, one GEMM per term
/// (`out` is `rows x cols`: rows `rx..` of X, rows `ry..` of Y).
///
/// # Safety
/// The rows lie inside X and Y; `out` is writable and exclusive.
unsafe fn terms_into<T: GemmScalar>(
    terms: &[Term<T>],
    rx: usize,
    ry: usize,
    beta: T,
    out: RawMatMut<T>,
    par: Par,
) {
    let k = terms[0].x.cols;
    let mut b = beta;
    for t in terms {
        // SAFETY: forwarded from the caller.
        unsafe {
            mm(
                t.alpha,
                t.x.sub(rx, 0, out.rows, k),
                t.conj_x,
                t.y.sub(ry, 0, out.cols, k).t(),
                t.conj_y,
                b,
                out,
                par,
            )
        };
        b = T::one();
    }
}

/// A diagonal block `c0..c0 + w` (w <= NB) of [`rank_k_update`]: the product into a
/// temporary, merged into the triangle only.
///
/// # Safety
/// As [`rank_k_update`]; no one else writes this block of C meanwhile.
#[allow(clippy::too_many_arguments)]
unsafe fn diagonal_block<T: GemmScalar>(
    herm: bool,
    lower: bool,
    terms: &[Term<T>],
    beta: T,
    c: RawMatMut<T>,
    c0: usize,
    w: usize,
    par: Par,
) {
    let mut tmp = vec![T::zero(); w * w];
    // SAFETY: rows c0..c0 + w lie inside X and Y; `tmp` is w x w.
    unsafe { terms_into(terms, c0, c0, T::zero(), raw_of_mut(&mut tmp, w, w), par) };
    for j in 0..w {
        let (i0, i1) = if lower { (j, w) } else { (0, j + 1) };
        for i in i0..i1 {
            let (ci, cjj) = (c0 + i, c0 + j);
            let prod = tmp[i + j * w];
            // SAFETY: (ci, cjj) lies inside C.
            unsafe {
                let v = scaled(herm, i == j, beta, c, ci, cjj) + prod;
                let v = if herm && i == j {
                    T::from_real(v.re())
                } else {
                    v
                };
                c.set(ci, cjj, v);
            }
        }
    }
}

/// `beta * C(i, j)` as the reference computes it: zero without reading C when β = 0; with
/// `herm`, β real, the diagonal's imaginary part dropped and off-diagonal parts scaled one by
/// one (so an infinite part does not become NaN through `0 * inf`).
///
/// # Safety
/// (i, j) lies inside `c`, which is readable.
unsafe fn scaled<T: GemmScalar>(
    herm: bool,
    diagonal: bool,
    beta: T,
    c: RawMatMut<T>,
    i: usize,
    j: usize,
) -> T {
    if beta.is_zero() {
        return T::zero();
    }
    // SAFETY: forwarded.
    let old = unsafe { c.get(i, j) };
    if herm && diagonal {
        T::from_real(beta.re() * old.re())
    } else if herm {
        old.scale_real(beta.re())
    } else {
        beta * old
    }
}

/// `C <- beta C` on a triangle (no product: alpha = 0 or k = 0), as the reference does it.
///
/// # Safety
/// `c` writable and exclusive.
unsafe fn scale_triangle<T: GemmScalar>(herm: bool, lower: bool, beta: T, c: RawMatMut<T>) {
    if beta.is_one() {
        return;
    }
    for j in 0..c.cols {
        let (i0, i1) = if lower { (j, c.rows) } else { (0, j + 1) };
        for i in i0..i1 {
            // SAFETY: (i, j) lies inside C.
            unsafe { c.set(i, j, scaled(herm, i == j, beta, c, i, j)) };
        }
    }
}

/// op(A) as an `n x k` view plus a conjugation flag.
fn op_view<T>(trans: Trans, a: RawMat<T>) -> (RawMat<T>, bool) {
    match trans {
        Trans::No => (a, false),
        Trans::Trans => (a.t(), false),
        Trans::ConjTrans => (a.t(), true),
    }
}

/// `syrk`/`herk` (`b = None`) and `syr2k`/`her2k`.
#[allow(clippy::too_many_arguments)]
fn rank_k_like<T: GemmScalar>(
    routine: &'static str,
    herm: bool,
    par: Par,
    uplo: Uplo,
    trans: Trans,
    alpha: T,
    a: MatRef<'_, T>,
    b: Option<MatRef<'_, T>>,
    beta: T,
    mut c: MatMut<'_, T>,
) -> Result<()> {
    let k = check_rank_k(routine, herm, trans, &a, b.as_ref(), &c)?;
    // With trans = N the reference skips every term whose A(j, l) (and B(j, l)) is zero, so an
    // Inf or NaN elsewhere in that column meets no zero; the blocked algorithm multiplies them
    // (0 * Inf = NaN). Operands with Inf or NaN run the reference itself.
    let finite = |m: &MatRef<'_, T>| {
        let m = RawMat::from_ref(*m);
        // SAFETY: every column of the checked view `m`.
        (0..m.cols).all(|j| unsafe { finite_in_column(m, j, 0, m.rows) })
    };
    if trans == Trans::No && !(finite(&a) && b.as_ref().is_none_or(finite)) {
        let r = hpc_core::reference::Reference;
        return match (herm, b) {
            (false, None) => r.syrk(uplo, trans, alpha, a, beta, c),
            (true, None) => r.herk(uplo, trans, alpha.re(), a, beta.re(), c),
            (false, Some(b)) => r.syr2k(uplo, trans, alpha, a, b, beta, c),
            (true, Some(b)) => r.her2k(uplo, trans, alpha, a, b, beta.re(), c),
        };
    }
    let herm = herm && T::IS_COMPLEX;
    // Real types take ConjTrans as Trans.
    let (x, conj_x) = op_view(trans, RawMat::from_ref(a));
    let conj_x = conj_x && T::IS_COMPLEX;
    let c = RawMatMut::from_mut(&mut c);
    let lower = uplo == Uplo::Lower;
    if c.rows == 0 {
        return Ok(());
    }
    // SAFETY: views checked by their constructors; `c` stays borrowed.
    unsafe {
        if alpha.is_zero() || k == 0 {
            scale_triangle(herm, lower, beta, c);
            return Ok(());
        }
        // The second factor is conjugated (once more) for the Hermitian routines.
        let first = Term {
            alpha,
            x,
            conj_x,
            y: x,
            conj_y: conj_x ^ herm,
        };
        match b {
            None => rank_k_update(herm, lower, &[first], beta, c, par),
            Some(b) => {
                let (y, conj_y) = op_view(trans, RawMat::from_ref(b));
                let conj_y = conj_y && T::IS_COMPLEX;
                let t1 = Term {
                    y,
                    conj_y: conj_y ^ herm,
                    ..first
                };
                let t2 = Term {
                    alpha: cj(alpha, herm),
                    x: y,
                    conj_x: conj_y,
                    y: x,
                    conj_y: conj_x ^ herm,
                };
                rank_k_update(herm, lower, &[t1, t2], beta, c, par)
            }
        }
    }
    Ok(())
}

/// A triangular factor as the left-side algorithms see it: `t` is op(A) (`m x m` view),
/// conjugated if `conj`, lower or upper triangular, with an implicit unit diagonal if `unit`.
#[derive(Clone, Copy)]
struct Tri<T> {
    t: RawMat<T>,
    conj: bool,
    lower: bool,
    unit: bool,
}

impl<T: GemmScalar> Tri<T> {
    fn sub(self, i: usize, n: usize) -> Tri<T> {
        Tri {
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
    fn transposed(self) -> Tri<T> {
        Tri {
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
    tri: Tri<T>,
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
    let m1 = Tri::<T>::split(m);
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
unsafe fn solve_leaf<T: GemmScalar>(tri: Tri<T>, alpha: T, b: RawMatMut<T>, scratch: &mut Vec<T>) {
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
        // SAFETY: the selected ISA is available.
        unsafe { crate::small::on_isa(crate::registry::selected_isa(), op) };
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
/// [`TRI_COLS`] and none reaches the small-matrix path unless B itself would.
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
    tri: Tri<T>,
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
    let m1 = Tri::<T>::split(m);
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
fn plain_operands<T: GemmScalar>(solve: bool, tri: Tri<T>, alpha: T, b: MatRef<'_, T>) -> bool {
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

/// `trmm` (`solve = false`) and `trsm`.
#[allow(clippy::too_many_arguments)]
fn tri_like<T: GemmScalar>(
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
    let (t, conj) = op_view(transa, RawMat::from_ref(a));
    let tri = Tri {
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
        // A ([`TriA`]), from the right their triangular op(B) (`Structure::TriB`); the right side
        // on B stored by rows is the left side on B^T, stored by columns. The loops store
        // whole columns of a tile: on B stored by rows they were slower than the recursion
        // below (f64 n = 2048, one thread: 70 against 80 GFLOP/s).
        let mode = |t: Tri<T>| TriA {
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
