//! The reference BLAS: plain loops over the views, written for clarity, never for speed.
//!
//! [`Reference`] implements every BLAS trait ([`crate::Level1`], [`crate::Level2`],
//! [`crate::Level3`], ...) for the four scalar types. It is
//! the oracle that every fast path of the workspace is tested against, so it follows the
//! reference BLAS 3.11 semantics exactly where they are observable: the same quick returns, the
//! `beta = 0` rule (C and y are then never read), the `alpha = 0` rule (A, B and x are then not
//! read), the Hermitian routines' real diagonals, `nrm2` with Blue's scaling, `rotg` and `rotmg`
//! as in reference BLAS 3.10+, and `iamax`'s treatment of NaN.
//!
//! It contains no `unsafe` code. The structured matrices (band, packed, triangular, symmetric,
//! Hermitian) are all read through one idea: an accessor that gives element (i, j) of the
//! logical matrix, or `None` for a structural zero, so that each operation is written once
//! (`y <- alpha M x + beta y`, `x <- M^-1 x`, ...) and the storage formats only differ in how
//! they fetch an element.

mod level1;
mod level2;
mod level3;

/// The one triangular substitution of the reference, shared with the fast routines' small
/// diagonal blocks.
pub use level2::tri_solve;

use crate::scalar::Scalar;
use crate::{Diag, Trans, Uplo};

/// The reference implementation of the BLAS traits. A unit struct: it has no state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reference;

/// Applies `trans` to an element: `op(M)(i, j)` given `M(i, j)` through `get`.
fn op_elem<T: Scalar>(
    trans: Trans,
    i: usize,
    j: usize,
    get: impl Fn(usize, usize) -> Option<T>,
) -> Option<T> {
    match trans {
        Trans::No => get(i, j),
        Trans::Trans => get(j, i),
        Trans::ConjTrans => get(j, i).map(T::conj),
    }
}

/// `true` when (i, j) lies in the `uplo` triangle (diagonal included).
fn in_triangle(uplo: Uplo, i: usize, j: usize) -> bool {
    match uplo {
        Uplo::Upper => i <= j,
        Uplo::Lower => i >= j,
    }
}

/// Element (i, j) of the symmetric (`herm = false`) or Hermitian (`herm = true`) matrix whose
/// `uplo` triangle is read through `stored`. A Hermitian diagonal is taken as real.
fn sym_elem<T: Scalar>(
    uplo: Uplo,
    herm: bool,
    i: usize,
    j: usize,
    stored: impl Fn(usize, usize) -> Option<T>,
) -> Option<T> {
    if i == j {
        stored(i, i).map(|d| if herm { T::from_real(d.re()) } else { d })
    } else if in_triangle(uplo, i, j) {
        stored(i, j)
    } else {
        stored(j, i).map(|v| if herm { v.conj() } else { v })
    }
}

/// Element (i, j) of the triangular matrix whose `uplo` triangle is read through `stored`:
/// `None` outside the triangle, one on a unit diagonal (which is never read).
fn tri_elem<T: Scalar>(
    uplo: Uplo,
    diag: Diag,
    i: usize,
    j: usize,
    stored: impl Fn(usize, usize) -> Option<T>,
) -> Option<T> {
    if i == j && diag == Diag::Unit {
        Some(T::one())
    } else if in_triangle(uplo, i, j) {
        stored(i, j)
    } else {
        None
    }
}

/// `true` when `op(A)` is lower triangular for `A` stored in the `uplo` triangle.
fn op_is_lower(uplo: Uplo, trans: Trans) -> bool {
    (uplo == Uplo::Lower) == (trans == Trans::No)
}

/// `y <- beta y`, never reading `y` when `beta = 0`.
fn scale_by_beta<T: Scalar>(beta: T, y: &mut crate::VecMut<'_, T>) {
    if beta == T::one() {
        return;
    }
    for i in 0..y.len() {
        let v = if beta == T::zero() {
            T::zero()
        } else {
            beta * y.get(i)
        };
        y.set(i, v);
    }
}
