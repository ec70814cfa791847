//! # hpc-core: the foundation of hpc
//!
//! Everything the other hpc crates stand on:
//!
//! - [`Scalar`]: one trait for the four BLAS types `f32`, `f64`, [`c32`], [`c64`];
//! - strided views: [`MatRef`]/[`MatMut`] with general row and column strides (any sign),
//!   [`VecRef`]/[`VecMut`] with BLAS increments, [`BandRef`] for band storage and
//!   [`PackedRef`]/[`PackedMut`] for packed storage, and [`BatchRef`]/[`BatchMut`] for stacks
//!   of matrices (a batch stride, 0 to repeat one), each checked once when it is made;
//! - the BLAS as traits: [`Level1`], [`RealLevel1`], [`MixedDot`], [`Level2`] and [`Level3`],
//!   covering every routine of the reference BLAS 3.11 for all four types;
//! - [`reference::Reference`]: a plain, safe, loop-by-loop implementation of all of them that
//!   follows the reference BLAS semantics exactly. It is the test oracle of the workspace;
//! - [`complex`]: complex division, reciprocal and modulus without spurious overflow or
//!   underflow (Smith's algorithm, as gfortran divides), used by every routine of hpc;
//! - [`Error`]: the one error type, naming the routine, the argument and the reason.
//!
//! The semantics are the BLAS's everywhere: `C <- alpha*op(A)*op(B) + beta*C`, and **beta = 0
//! means C (or y) is write-only**: it is never read, so NaN or garbage there does not reach the
//! result.
//!
//! ```
//! use hpc_core::{Level3, MatMut, MatRef, Trans, reference::Reference};
//!
//! let a = [1.0, 2.0, 3.0, 4.0]; // 2 x 2, column-major: [[1, 3], [2, 4]]
//! let b = [1.0, 0.0, 0.0, 1.0]; // identity
//! let mut c = [f64::NAN; 4]; // beta = 0: never read
//! Reference
//!     .gemm(
//!         Trans::No,
//!         Trans::No,
//!         1.0,
//!         MatRef::from_col_major(&a, 2, 2, 2)?,
//!         MatRef::from_col_major(&b, 2, 2, 2)?,
//!         0.0,
//!         MatMut::from_col_major(&mut c, 2, 2, 2)?,
//!     )?;
//! assert_eq!(c, a);
//! # Ok::<(), hpc_core::Error>(())
//! ```

mod batch;
pub mod check;
pub mod complex;
mod error;
pub mod reference;
mod scalar;
mod traits;
mod view;

pub use batch::{BatchMut, BatchRef};
pub use error::{Error, ErrorKind, Result};
pub use scalar::{RealScalar, Scalar, c32, c64};
pub use traits::{Level1, Level2, Level3, MixedDot, RealLevel1};
pub use view::{BandRef, MatMut, MatRef, PackedMut, PackedRef, VecMut, VecRef};

/// The README's Rust examples, compiled and run as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

/// The operation applied to a matrix operand: `op(A) = A`, `A^T` or `A^H`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Trans {
    /// `op(A) = A`.
    No,
    /// `op(A) = A^T`.
    Trans,
    /// `op(A) = A^H` (the same as `A^T` for real types).
    ConjTrans,
}

/// Which triangle of a symmetric, Hermitian or triangular matrix is stored and referenced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Uplo {
    /// The upper triangle (`i <= j`).
    Upper,
    /// The lower triangle (`i >= j`).
    Lower,
}

/// Whether a triangular matrix has an implicit unit diagonal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Diag {
    /// The diagonal is stored and used.
    NonUnit,
    /// The diagonal is taken to be all ones and never read.
    Unit,
}

/// Whether the special matrix multiplies from the left or the right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// `op(A) * B`.
    Left,
    /// `B * op(A)`.
    Right,
}
