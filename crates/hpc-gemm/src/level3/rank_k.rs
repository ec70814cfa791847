//! The rank-k family: `syrk`, `herk`, `syr2k`, `her2k`.

use hpc_core::{Level3, MatMut, MatRef, Result, Trans, Uplo};

use crate::problem::{Problem, Region, Structure};
use crate::raw::{RawMat, RawMatMut};
use crate::registry::GemmScalar;
use crate::{Par, gemmt_raw};
use hpc_core::check::check_rank_k;

use super::{cj, finite_in_column, mm, raw_of_mut};

/// The largest diagonal block of the `syrk` family: the recursion's leaves, each computed by
/// a GEMM into a temporary (half of which is thrown away) and merged into the triangle.
const NB: usize = 192;

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
        // squares whole (`docs/tuning.md`, "level3").
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

/// `syrk`/`herk` (`b = None`) and `syr2k`/`her2k`.
#[allow(clippy::too_many_arguments)]
pub(super) fn rank_k_like<T: GemmScalar>(
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
    let (x, conj_x) = RawMat::from_ref(a).op(trans);
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
                let (y, conj_y) = RawMat::from_ref(b).op(trans);
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
