//! The Level 3 BLAS on top of the GEMM: [`Fast`].

use hpc_core::reference::Reference;
use hpc_core::{Diag, Level3, MatMut, MatRef, Result, Side, Trans, Uplo};

use crate::Par;
use crate::simd::GemmScalar;

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
        Reference.symm(side, uplo, alpha, a, b, beta, c)
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
        Reference.hemm(side, uplo, alpha, a, b, beta, c)
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
        Reference.syrk(uplo, trans, alpha, a, beta, c)
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
        Reference.herk(uplo, trans, alpha, a, beta, c)
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
        Reference.syr2k(uplo, trans, alpha, a, b, beta, c)
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
        Reference.her2k(uplo, trans, alpha, a, b, beta, c)
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
        Reference.trmm(side, uplo, transa, diag, alpha, a, b)
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
        Reference.trsm(side, uplo, transa, diag, alpha, a, b)
    }
}
