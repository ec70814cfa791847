//! `symm` and `hemm`.

use hpc_core::{MatMut, MatRef, Result, Side, Uplo};

use crate::canonical::scale;
use crate::problem::{Problem, Region, Structure, Sym};
use crate::raw::{RawMat, RawMatMut};
use crate::registry::GemmScalar;
use crate::{Par, structured_raw};
use hpc_core::check::check_symm;

use super::{LEAF, by_column_shares, cj, dense, mm, raw_of};

/// Rows of C per block row in `symm`/`hemm`: large, so that each of the three GEMMs of a block
/// row has many rows to amortise its packing of B over (the dense diagonal block it expands is
/// at most `SYMM_NB^2` elements).
const SYMM_NB: usize = 1024;

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

pub(super) fn symm_like<T: GemmScalar>(
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
        // packed from the stored triangle and its mirror (`problem::Sym`).
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
