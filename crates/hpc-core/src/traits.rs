//! The BLAS as traits.
//!
//! A backend (the [`Reference`](crate::reference::Reference) oracle here, the fast kernels of
//! hpc-gemm later) implements these traits for each of the four scalar types; callers are
//! generic over the backend. The routines take views, so leading dimensions, increments and
//! buffer lengths have already been checked when the views were made; what a routine still
//! checks is that the shapes of its operands fit together, and it says which one does not.
//!
//! One generic method covers the real and complex variants of a routine: on real types
//! conjugation is the identity, so `hemv` is `symv`, `her` is `syr`, `dotc` is `dotu` and
//! `ConjTrans` is `Trans`. The BLAS name of each variant is given in each method's doc.
//!
//! Common rules, as in the reference BLAS:
//! - quick return when there is nothing to do: a zero dimension, or `alpha = 0` with `beta = 1`;
//! - `beta = 0` means the output is write-only (never read: NaN there does not leak);
//! - `alpha = 0` means the other inputs are not read.

use crate::error::Result;
use crate::scalar::{RealScalar, Scalar};
use crate::view::{BandRef, MatMut, MatRef, PackedMut, PackedRef, VecMut, VecRef};
use crate::{Diag, Side, Trans, Uplo};

/// Level 1 BLAS: vector-vector operations (`?rotg`, `?rot`, `?swap`, `?scal`, `?copy`,
/// `?axpy`, `?dot*`, `?nrm2`, `?asum`, `i?amax`).
pub trait Level1<T: Scalar> {
    /// `?rotg`: builds a plane rotation with `[c s; -conj(s) c] [a; b] = [r; 0]`, as reference
    /// BLAS 3.10+ (`la_xrotg`) does without avoidable overflow. Overwrites `a` with `r` and
    /// returns `(c, s)`. For real types `b` is overwritten with the reconstruction value `z`;
    /// for complex types (`crotg`, `zrotg`) `b` is left unchanged.
    fn rotg(&self, a: &mut T, b: &mut T) -> (T::Real, T);
    /// `?rot`, `csrot`, `zdrot`: applies the real rotation `(c, s)` to the pairs
    /// `(x_i, y_i) <- (c x_i + s y_i, c y_i - s x_i)`.
    fn rot(&self, x: VecMut<'_, T>, y: VecMut<'_, T>, c: T::Real, s: T::Real) -> Result<()>;
    /// `?swap`: exchanges `x` and `y`.
    fn swap(&self, x: VecMut<'_, T>, y: VecMut<'_, T>) -> Result<()>;
    /// `?scal`: `x <- alpha x` (every element is multiplied, so `0 * NaN = NaN` as in the
    /// reference), except that `alpha = 1` leaves `x` untouched, as reference 3.11 does.
    fn scal(&self, alpha: T, x: VecMut<'_, T>);
    /// `csscal`, `zdscal` (and `?scal` for real types): `x <- alpha x` with a real `alpha`,
    /// scaling the real and imaginary parts separately; `alpha = 1` leaves `x` untouched.
    fn rscal(&self, alpha: T::Real, x: VecMut<'_, T>);
    /// `?copy`: `y <- x`.
    fn copy(&self, x: VecRef<'_, T>, y: VecMut<'_, T>) -> Result<()>;
    /// `?axpy`: `y <- alpha x + y` (nothing is read when `alpha = 0`).
    fn axpy(&self, alpha: T, x: VecRef<'_, T>, y: VecMut<'_, T>) -> Result<()>;
    /// `?dot`, `?dotu`: `sum x_i y_i`.
    fn dotu(&self, x: VecRef<'_, T>, y: VecRef<'_, T>) -> Result<T>;
    /// `?dotc` (and `?dot` for real types): `sum conj(x_i) y_i`.
    fn dotc(&self, x: VecRef<'_, T>, y: VecRef<'_, T>) -> Result<T>;
    /// `?nrm2`, `scnrm2`, `dznrm2`: the Euclidean norm, accumulated with Blue's scaling as in
    /// LAPACK 3.10+ so that it neither overflows nor underflows.
    fn nrm2(&self, x: VecRef<'_, T>) -> T::Real;
    /// `?asum`, `scasum`, `dzasum`: `sum |re x_i| + |im x_i|`.
    fn asum(&self, x: VecRef<'_, T>) -> T::Real;
    /// `i?amax`: the 0-based index of the first element of largest `|re| + |im|`, `None` for an
    /// empty vector. NaN is treated as the reference does: a NaN first element is returned, a
    /// later NaN is never greater than the maximum so far. (The BLAS returns this index plus one,
    /// and 0 for `n < 1` or `incx <= 0`; that mapping belongs to the C and Fortran interfaces.)
    fn iamax(&self, x: VecRef<'_, T>) -> Option<usize>;
}

/// Level 1 routines that exist for real types only (`srotmg`, `drotmg`, `srotm`, `drotm`).
pub trait RealLevel1<R: RealScalar> {
    /// `?rotmg`: builds the modified Givens transformation `H` that zeroes the second component
    /// of `(sqrt(d1) x1, sqrt(d2) y1)`; updates `d1`, `d2`, `x1` and writes `param =
    /// [flag, h11, h21, h12, h22]`, leaving the entries that `flag` makes implicit untouched,
    /// exactly as the reference does. Where the reference never returns (an infinite `d1` or
    /// `d2`, or a `d1` driven negative by underflow), `flag = -1` with `H`, `d1`, `d2` and `x1`
    /// zeroed, as the reference documents for `d1 < 0`.
    fn rotmg(&self, d1: &mut R, d2: &mut R, x1: &mut R, y1: R, param: &mut [R; 5]);
    /// `?rotm`: applies the modified Givens transformation `param` (as `rotmg` writes it) to the
    /// pairs `(x_i, y_i)`.
    fn rotm(&self, x: VecMut<'_, R>, y: VecMut<'_, R>, param: &[R; 5]) -> Result<()>;
}

/// The mixed-precision dot products of the BLAS.
pub trait MixedDot {
    /// `sdsdot`: `sb + sum x_i y_i`, accumulated in `f64` and rounded to `f32` once.
    fn sdsdot(&self, sb: f32, x: VecRef<'_, f32>, y: VecRef<'_, f32>) -> Result<f32>;
    /// `dsdot`: `sum x_i y_i` of `f32` vectors, accumulated and returned in `f64`.
    fn dsdot(&self, x: VecRef<'_, f32>, y: VecRef<'_, f32>) -> Result<f64>;
}

/// Level 2 BLAS: matrix-vector operations.
///
/// For the triangular routines `x <- op(A) x` / `x <- op(A)^-1 x`, only the `uplo` triangle of
/// `A` is read, and with [`Diag::Unit`] not its diagonal. The symmetric and Hermitian routines
/// read only the `uplo` triangle; the Hermitian ones take the diagonal's imaginary part as zero.
pub trait Level2<T: Scalar> {
    /// `?gemv`: `y <- alpha op(A) x + beta y`.
    fn gemv(
        &self,
        trans: Trans,
        alpha: T,
        a: MatRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()>;
    /// `?gbmv`: `y <- alpha op(A) x + beta y` for a band matrix `A`.
    fn gbmv(
        &self,
        trans: Trans,
        alpha: T,
        a: BandRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()>;
    /// `?symv`: `y <- alpha A x + beta y`, `A` symmetric.
    fn symv(
        &self,
        uplo: Uplo,
        alpha: T,
        a: MatRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()>;
    /// `?hemv` (`?symv` for real types): `y <- alpha A x + beta y`, `A` Hermitian.
    fn hemv(
        &self,
        uplo: Uplo,
        alpha: T,
        a: MatRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()>;
    /// `?sbmv`: symmetric band; `a` holds the `uplo` triangle (`kl = 0` for upper, `ku = 0`
    /// for lower, see [`BandRef::triangle`]).
    fn sbmv(
        &self,
        uplo: Uplo,
        alpha: T,
        a: BandRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()>;
    /// `?hbmv` (`?sbmv` for real types): Hermitian band.
    fn hbmv(
        &self,
        uplo: Uplo,
        alpha: T,
        a: BandRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()>;
    /// `?spmv`: symmetric, packed storage.
    fn spmv(
        &self,
        uplo: Uplo,
        alpha: T,
        ap: PackedRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()>;
    /// `?hpmv` (`?spmv` for real types): Hermitian, packed storage.
    fn hpmv(
        &self,
        uplo: Uplo,
        alpha: T,
        ap: PackedRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()>;
    /// `?trmv`: `x <- op(A) x`, `A` triangular.
    fn trmv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        a: MatRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()>;
    /// `?tbmv`: `x <- op(A) x`, `A` triangular band.
    fn tbmv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        a: BandRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()>;
    /// `?tpmv`: `x <- op(A) x`, `A` triangular packed.
    fn tpmv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        ap: PackedRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()>;
    /// `?trsv`: `x <- op(A)^-1 x`. No test for singularity is made, as in the BLAS.
    fn trsv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        a: MatRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()>;
    /// `?tbsv`: `x <- op(A)^-1 x`, `A` triangular band.
    fn tbsv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        a: BandRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()>;
    /// `?tpsv`: `x <- op(A)^-1 x`, `A` triangular packed.
    fn tpsv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        ap: PackedRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()>;
    /// `?ger`, `?geru`: `A <- alpha x y^T + A`.
    fn geru(&self, alpha: T, x: VecRef<'_, T>, y: VecRef<'_, T>, a: MatMut<'_, T>) -> Result<()>;
    /// `?gerc` (`?ger` for real types): `A <- alpha x y^H + A`.
    fn gerc(&self, alpha: T, x: VecRef<'_, T>, y: VecRef<'_, T>, a: MatMut<'_, T>) -> Result<()>;
    /// `?syr`: `A <- alpha x x^T + A` on the `uplo` triangle.
    fn syr(&self, uplo: Uplo, alpha: T, x: VecRef<'_, T>, a: MatMut<'_, T>) -> Result<()>;
    /// `?her` (`?syr` for real types): `A <- alpha x x^H + A` on the `uplo` triangle, real
    /// `alpha`; the diagonal's imaginary part is set to zero.
    fn her(&self, uplo: Uplo, alpha: T::Real, x: VecRef<'_, T>, a: MatMut<'_, T>) -> Result<()>;
    /// `?syr2`: `A <- alpha x y^T + alpha y x^T + A` on the `uplo` triangle.
    fn syr2(
        &self,
        uplo: Uplo,
        alpha: T,
        x: VecRef<'_, T>,
        y: VecRef<'_, T>,
        a: MatMut<'_, T>,
    ) -> Result<()>;
    /// `?her2` (`?syr2` for real types): `A <- alpha x y^H + conj(alpha) y x^H + A`; the
    /// diagonal's imaginary part is set to zero.
    fn her2(
        &self,
        uplo: Uplo,
        alpha: T,
        x: VecRef<'_, T>,
        y: VecRef<'_, T>,
        a: MatMut<'_, T>,
    ) -> Result<()>;
    /// `?spr`: `syr` on packed storage.
    fn spr(&self, uplo: Uplo, alpha: T, x: VecRef<'_, T>, ap: PackedMut<'_, T>) -> Result<()>;
    /// `?hpr` (`?spr` for real types): `her` on packed storage.
    fn hpr(&self, uplo: Uplo, alpha: T::Real, x: VecRef<'_, T>, ap: PackedMut<'_, T>)
    -> Result<()>;
    /// `?spr2`: `syr2` on packed storage.
    fn spr2(
        &self,
        uplo: Uplo,
        alpha: T,
        x: VecRef<'_, T>,
        y: VecRef<'_, T>,
        ap: PackedMut<'_, T>,
    ) -> Result<()>;
    /// `?hpr2` (`?spr2` for real types): `her2` on packed storage.
    fn hpr2(
        &self,
        uplo: Uplo,
        alpha: T,
        x: VecRef<'_, T>,
        y: VecRef<'_, T>,
        ap: PackedMut<'_, T>,
    ) -> Result<()>;
}

/// Level 3 BLAS: matrix-matrix operations.
pub trait Level3<T: Scalar> {
    /// `?gemm`: `C <- alpha op(A) op(B) + beta C`, with `op(A)` `m x k`, `op(B)` `k x n` and `C`
    /// `m x n`.
    fn gemm(
        &self,
        transa: Trans,
        transb: Trans,
        alpha: T,
        a: MatRef<'_, T>,
        b: MatRef<'_, T>,
        beta: T,
        c: MatMut<'_, T>,
    ) -> Result<()>;
    /// `?symm`: `C <- alpha A B + beta C` (left) or `alpha B A + beta C` (right), `A`
    /// symmetric, only its `uplo` triangle read.
    fn symm(
        &self,
        side: Side,
        uplo: Uplo,
        alpha: T,
        a: MatRef<'_, T>,
        b: MatRef<'_, T>,
        beta: T,
        c: MatMut<'_, T>,
    ) -> Result<()>;
    /// `?hemm` (`?symm` for real types): as `symm` with `A` Hermitian.
    fn hemm(
        &self,
        side: Side,
        uplo: Uplo,
        alpha: T,
        a: MatRef<'_, T>,
        b: MatRef<'_, T>,
        beta: T,
        c: MatMut<'_, T>,
    ) -> Result<()>;
    /// `?syrk`: `C <- alpha A A^T + beta C` (`trans = No`, `A` `n x k`) or `alpha A^T A + beta C`
    /// (`Trans`, `A` `k x n`), on the `uplo` triangle of `C`. Complex types accept `No` and
    /// `Trans` only; real types take `ConjTrans` as `Trans`.
    fn syrk(
        &self,
        uplo: Uplo,
        trans: Trans,
        alpha: T,
        a: MatRef<'_, T>,
        beta: T,
        c: MatMut<'_, T>,
    ) -> Result<()>;
    /// `?herk` (`?syrk` for real types): `C <- alpha A A^H + beta C` or `alpha A^H A + beta C`
    /// with real `alpha`, `beta`; the diagonal's imaginary part is set to zero. Complex types
    /// accept `No` and `ConjTrans` only.
    fn herk(
        &self,
        uplo: Uplo,
        trans: Trans,
        alpha: T::Real,
        a: MatRef<'_, T>,
        beta: T::Real,
        c: MatMut<'_, T>,
    ) -> Result<()>;
    /// `?syr2k`: `C <- alpha A B^T + alpha B A^T + beta C` (`No`) or
    /// `alpha A^T B + alpha B^T A + beta C` (`Trans`), on the `uplo` triangle.
    fn syr2k(
        &self,
        uplo: Uplo,
        trans: Trans,
        alpha: T,
        a: MatRef<'_, T>,
        b: MatRef<'_, T>,
        beta: T,
        c: MatMut<'_, T>,
    ) -> Result<()>;
    /// `?her2k` (`?syr2k` for real types): `C <- alpha A B^H + conj(alpha) B A^H + beta C` or
    /// `alpha A^H B + conj(alpha) B^H A + beta C`, real `beta`, diagonal made real.
    fn her2k(
        &self,
        uplo: Uplo,
        trans: Trans,
        alpha: T,
        a: MatRef<'_, T>,
        b: MatRef<'_, T>,
        beta: T::Real,
        c: MatMut<'_, T>,
    ) -> Result<()>;
    /// `?trmm`: `B <- alpha op(A) B` (left) or `alpha B op(A)` (right), `A` triangular.
    fn trmm(
        &self,
        side: Side,
        uplo: Uplo,
        transa: Trans,
        diag: Diag,
        alpha: T,
        a: MatRef<'_, T>,
        b: MatMut<'_, T>,
    ) -> Result<()>;
    /// `?trsm`: solves `op(A) X = alpha B` (left) or `X op(A) = alpha B` (right), `X`
    /// overwriting `B`. No test for singularity is made, as in the BLAS.
    fn trsm(
        &self,
        side: Side,
        uplo: Uplo,
        transa: Trans,
        diag: Diag,
        alpha: T,
        a: MatRef<'_, T>,
        b: MatMut<'_, T>,
    ) -> Result<()>;
}
