//! Level 2 of the reference BLAS.
//!
//! Every matrix-vector product here is one loop, [`mv`], over an accessor for the logical
//! matrix; every triangular solve is one loop, [`tri_solve`]; every symmetric or Hermitian rank
//! update is one loop, [`sym_rank_update`]. The trait methods only check shapes and say how to
//! read their storage.

use super::{Reference, in_triangle, op_elem, op_is_lower, scale_by_beta, sym_elem, tri_elem};
use crate::check::{
    check_band_triangle, check_gemv_shapes, check_ger_shapes, check_len, check_square,
    check_sym_shapes, op_dims,
};
use crate::error::Result;
use crate::scalar::Scalar;
use crate::traits::Level2;
use crate::view::{BandRef, MatMut, MatRef, PackedMut, PackedRef, VecMut, VecRef};
use crate::{Diag, Trans, Uplo};

/// `y <- alpha M x + beta y` for the `rows x cols` matrix `M` read through `elem` (`None` is a
/// structural zero and contributes nothing, so NaN in `x` reaches only the rows it should).
/// Quick return when `M` is empty or `alpha = 0, beta = 1`; `y` is not read when `beta = 0`,
/// `M` and `x` are not read when `alpha = 0`.
fn mv<T: Scalar>(
    rows: usize,
    cols: usize,
    elem: impl Fn(usize, usize) -> Option<T>,
    alpha: T,
    x: VecRef<'_, T>,
    beta: T,
    mut y: VecMut<'_, T>,
) {
    if rows == 0 || cols == 0 || (alpha == T::zero() && beta == T::one()) {
        return;
    }
    scale_by_beta(beta, &mut y);
    if alpha == T::zero() {
        return;
    }
    for i in 0..rows {
        let mut sum = T::zero();
        for j in 0..cols {
            if let Some(m) = elem(i, j) {
                sum += m * x.get(j);
            }
        }
        y.set(i, y.get(i) + alpha * sum);
    }
}

/// `x <- M x` for the order-`n` matrix `M` read through `elem`.
fn tri_mul<T: Scalar>(n: usize, elem: impl Fn(usize, usize) -> Option<T>, mut x: VecMut<'_, T>) {
    let old = x.to_vec();
    for i in 0..n {
        let mut sum = T::zero();
        for (j, &xj) in old.iter().enumerate() {
            if let Some(m) = elem(i, j) {
                sum += m * xj;
            }
        }
        x.set(i, sum);
    }
}

/// Solves `M z = b` in place (`z` holds `b` on entry) for the order-`n` triangular `M` read
/// through `elem` (lower when `lower`): forward substitution for lower, backward for upper.
/// The diagonal is divided by unless `elem` gives exactly one for it, as a unit diagonal does.
pub fn tri_solve<T: Scalar>(lower: bool, elem: impl Fn(usize, usize) -> Option<T>, z: &mut [T]) {
    let n = z.len();
    for step in 0..n {
        let i = if lower { step } else { n - 1 - step };
        // The unknowns already solved: those before i (lower) or after it (upper).
        let solved = if lower { 0..i } else { i + 1..n };
        let mut v = z[i];
        for j in solved {
            if let Some(m) = elem(i, j) {
                v -= m * z[j];
            }
        }
        if let Some(d) = elem(i, i) {
            if d != T::one() {
                v = v.quot(d);
            }
        }
        z[i] = v;
    }
}

/// The rank-1 and rank-2 updates of a symmetric or Hermitian triangle:
/// `A <- alpha x y^T + alpha y x^T + A` (symmetric, `y = Some`) or `alpha x x^T + A`
/// (`y = None`), with conjugates on the right-hand factors when `herm`; the Hermitian diagonal
/// is made real. As in the reference, a column whose `x_j` (and `y_j`) is zero is skipped.
fn sym_rank_update<T: Scalar>(
    n: usize,
    uplo: Uplo,
    herm: bool,
    alpha: T,
    x: VecRef<'_, T>,
    y: Option<VecRef<'_, T>>,
    a: &mut impl TriangleStore<T>,
) {
    let cj = |v: T| if herm { v.conj() } else { v };
    for j in 0..n {
        let (xj, yj) = (x.get(j), y.map_or(T::zero(), |y| y.get(j)));
        if xj == T::zero() && yj == T::zero() {
            if herm {
                a.set(j, j, T::from_real(a.get(j, j).re()));
            }
            continue;
        }
        // Rank 1: A(i, j) += x_i * alpha conj(x_j). Rank 2: A(i, j) += x_i * alpha conj(y_j)
        // + y_i * conj(alpha x_j) (Hermitian) or x_i alpha y_j + y_i alpha x_j (symmetric).
        let (t1, t2) = match y {
            None => (alpha * cj(xj), T::zero()),
            Some(_) => (alpha * cj(yj), cj(alpha * xj)),
        };
        for i in 0..n {
            if !in_triangle(uplo, i, j) {
                continue;
            }
            let mut update = x.get(i) * t1;
            if let Some(y) = y {
                update += y.get(i) * t2;
            }
            let v = if herm && i == j {
                T::from_real(a.get(j, j).re() + update.re())
            } else {
                a.get(i, j) + update
            };
            a.set(i, j, v);
        }
    }
}

fn hemv_like<T: Scalar>(
    routine: &'static str,
    herm: bool,
    uplo: Uplo,
    alpha: T,
    a: MatRef<'_, T>,
    x: VecRef<'_, T>,
    beta: T,
    y: VecMut<'_, T>,
) -> Result<()> {
    let n = check_square(routine, "a", a.rows(), a.cols())?;
    check_sym_shapes(routine, n, x.len(), y.len())?;
    mv(
        n,
        n,
        |i, j| sym_elem(uplo, herm, i, j, |p, q| Some(a.get(p, q))),
        alpha,
        x,
        beta,
        y,
    );
    Ok(())
}

fn hbmv_like<T: Scalar>(
    routine: &'static str,
    herm: bool,
    uplo: Uplo,
    alpha: T,
    a: BandRef<'_, T>,
    x: VecRef<'_, T>,
    beta: T,
    y: VecMut<'_, T>,
) -> Result<()> {
    let n = check_band_triangle(routine, uplo, &a)?;
    check_sym_shapes(routine, n, x.len(), y.len())?;
    mv(
        n,
        n,
        |i, j| sym_elem(uplo, herm, i, j, |p, q| a.get(p, q)),
        alpha,
        x,
        beta,
        y,
    );
    Ok(())
}

fn hpmv_like<T: Scalar>(
    routine: &'static str,
    herm: bool,
    uplo: Uplo,
    alpha: T,
    ap: PackedRef<'_, T>,
    x: VecRef<'_, T>,
    beta: T,
    y: VecMut<'_, T>,
) -> Result<()> {
    let n = ap.n();
    check_sym_shapes(routine, n, x.len(), y.len())?;
    mv(
        n,
        n,
        |i, j| sym_elem(uplo, herm, i, j, |p, q| Some(ap.get(uplo, p, q))),
        alpha,
        x,
        beta,
        y,
    );
    Ok(())
}

/// `x <- op(A) x` or `x <- op(A)^-1 x` for the triangular `A` whose `uplo` triangle is read
/// through `stored`.
fn tri_mv<T: Scalar>(
    routine: &'static str,
    solve: bool,
    n: usize,
    uplo: Uplo,
    trans: Trans,
    diag: Diag,
    stored: impl Fn(usize, usize) -> Option<T>,
    mut x: VecMut<'_, T>,
) -> Result<()> {
    check_len(routine, "x", x.len(), n, &format!("A of order {n}"))?;
    let elem = |i, j| op_elem(trans, i, j, |p, q| tri_elem(uplo, diag, p, q, &stored));
    if solve {
        let mut z = x.to_vec();
        tri_solve(op_is_lower(uplo, trans), elem, &mut z);
        for (i, v) in z.into_iter().enumerate() {
            x.set(i, v);
        }
    } else {
        tri_mul(n, elem, x);
    }
    Ok(())
}

fn ger_like<T: Scalar>(
    routine: &'static str,
    conj: bool,
    alpha: T,
    x: VecRef<'_, T>,
    y: VecRef<'_, T>,
    mut a: MatMut<'_, T>,
) -> Result<()> {
    check_ger_shapes(routine, &a, x.len(), y.len())?;
    if a.is_empty() || alpha == T::zero() {
        return Ok(());
    }
    for j in 0..a.cols() {
        let yj = y.get(j);
        if yj == T::zero() {
            continue;
        }
        let t = alpha * if conj { yj.conj() } else { yj };
        for i in 0..a.rows() {
            a.set(i, j, a.get(i, j) + x.get(i) * t);
        }
    }
    Ok(())
}

fn full_rank_update<T: Scalar>(
    routine: &'static str,
    herm: bool,
    uplo: Uplo,
    alpha: T,
    x: VecRef<'_, T>,
    y: Option<VecRef<'_, T>>,
    mut a: MatMut<'_, T>,
) -> Result<()> {
    let n = check_square(routine, "a", a.rows(), a.cols())?;
    check_len(routine, "x", x.len(), n, &format!("A of order {n}"))?;
    if let Some(y) = y {
        check_len(routine, "y", y.len(), n, &format!("A of order {n}"))?;
    }
    if n == 0 || alpha == T::zero() {
        return Ok(());
    }
    sym_rank_update(n, uplo, herm, alpha, x, y, &mut a);
    Ok(())
}

fn packed_rank_update<T: Scalar>(
    routine: &'static str,
    herm: bool,
    uplo: Uplo,
    alpha: T,
    x: VecRef<'_, T>,
    y: Option<VecRef<'_, T>>,
    ap: PackedMut<'_, T>,
) -> Result<()> {
    let n = ap.n();
    check_len(routine, "x", x.len(), n, &format!("A of order {n}"))?;
    if let Some(y) = y {
        check_len(routine, "y", y.len(), n, &format!("A of order {n}"))?;
    }
    if n == 0 || alpha == T::zero() {
        return Ok(());
    }
    sym_rank_update(n, uplo, herm, alpha, x, y, &mut (uplo, ap));
    Ok(())
}

/// Read and write access to the stored triangle of a symmetric or Hermitian matrix, full or
/// packed, for [`sym_rank_update`].
trait TriangleStore<T> {
    fn get(&self, i: usize, j: usize) -> T;
    fn set(&mut self, i: usize, j: usize, v: T);
}

impl<T: Scalar> TriangleStore<T> for MatMut<'_, T> {
    fn get(&self, i: usize, j: usize) -> T {
        MatMut::get(self, i, j)
    }
    fn set(&mut self, i: usize, j: usize, v: T) {
        MatMut::set(self, i, j, v)
    }
}

impl<T: Scalar> TriangleStore<T> for (Uplo, PackedMut<'_, T>) {
    fn get(&self, i: usize, j: usize) -> T {
        self.1.get(self.0, i, j)
    }
    fn set(&mut self, i: usize, j: usize, v: T) {
        self.1.set(self.0, i, j, v)
    }
}

impl<T: Scalar> Level2<T> for Reference {
    fn gemv(
        &self,
        trans: Trans,
        alpha: T,
        a: MatRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        check_gemv_shapes("gemv", trans, a.rows(), a.cols(), x.len(), y.len())?;
        let (r, c) = op_dims(trans, a.rows(), a.cols());
        mv(
            r,
            c,
            |i, j| op_elem(trans, i, j, |p, q| Some(a.get(p, q))),
            alpha,
            x,
            beta,
            y,
        );
        Ok(())
    }

    fn gbmv(
        &self,
        trans: Trans,
        alpha: T,
        a: BandRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        check_gemv_shapes("gbmv", trans, a.rows(), a.cols(), x.len(), y.len())?;
        let (r, c) = op_dims(trans, a.rows(), a.cols());
        mv(
            r,
            c,
            |i, j| op_elem(trans, i, j, |p, q| a.get(p, q)),
            alpha,
            x,
            beta,
            y,
        );
        Ok(())
    }

    fn symv(
        &self,
        uplo: Uplo,
        alpha: T,
        a: MatRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        hemv_like("symv", false, uplo, alpha, a, x, beta, y)
    }

    fn hemv(
        &self,
        uplo: Uplo,
        alpha: T,
        a: MatRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        hemv_like("hemv", true, uplo, alpha, a, x, beta, y)
    }

    fn sbmv(
        &self,
        uplo: Uplo,
        alpha: T,
        a: BandRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        hbmv_like("sbmv", false, uplo, alpha, a, x, beta, y)
    }

    fn hbmv(
        &self,
        uplo: Uplo,
        alpha: T,
        a: BandRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        hbmv_like("hbmv", true, uplo, alpha, a, x, beta, y)
    }

    fn spmv(
        &self,
        uplo: Uplo,
        alpha: T,
        ap: PackedRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        hpmv_like("spmv", false, uplo, alpha, ap, x, beta, y)
    }

    fn hpmv(
        &self,
        uplo: Uplo,
        alpha: T,
        ap: PackedRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        hpmv_like("hpmv", true, uplo, alpha, ap, x, beta, y)
    }

    fn trmv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        a: MatRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()> {
        let n = check_square("trmv", "a", a.rows(), a.cols())?;
        tri_mv(
            "trmv",
            false,
            n,
            uplo,
            trans,
            diag,
            |i, j| Some(a.get(i, j)),
            x,
        )
    }

    fn tbmv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        a: BandRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()> {
        let n = check_band_triangle("tbmv", uplo, &a)?;
        tri_mv("tbmv", false, n, uplo, trans, diag, |i, j| a.get(i, j), x)
    }

    fn tpmv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        ap: PackedRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()> {
        tri_mv(
            "tpmv",
            false,
            ap.n(),
            uplo,
            trans,
            diag,
            |i, j| Some(ap.get(uplo, i, j)),
            x,
        )
    }

    fn trsv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        a: MatRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()> {
        let n = check_square("trsv", "a", a.rows(), a.cols())?;
        tri_mv(
            "trsv",
            true,
            n,
            uplo,
            trans,
            diag,
            |i, j| Some(a.get(i, j)),
            x,
        )
    }

    fn tbsv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        a: BandRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()> {
        let n = check_band_triangle("tbsv", uplo, &a)?;
        tri_mv("tbsv", true, n, uplo, trans, diag, |i, j| a.get(i, j), x)
    }

    fn tpsv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        ap: PackedRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()> {
        tri_mv(
            "tpsv",
            true,
            ap.n(),
            uplo,
            trans,
            diag,
            |i, j| Some(ap.get(uplo, i, j)),
            x,
        )
    }

    fn geru(&self, alpha: T, x: VecRef<'_, T>, y: VecRef<'_, T>, a: MatMut<'_, T>) -> Result<()> {
        ger_like("geru", false, alpha, x, y, a)
    }

    fn gerc(&self, alpha: T, x: VecRef<'_, T>, y: VecRef<'_, T>, a: MatMut<'_, T>) -> Result<()> {
        ger_like("gerc", true, alpha, x, y, a)
    }

    fn syr(&self, uplo: Uplo, alpha: T, x: VecRef<'_, T>, a: MatMut<'_, T>) -> Result<()> {
        full_rank_update("syr", false, uplo, alpha, x, None, a)
    }

    fn her(&self, uplo: Uplo, alpha: T::Real, x: VecRef<'_, T>, a: MatMut<'_, T>) -> Result<()> {
        full_rank_update("her", true, uplo, T::from_real(alpha), x, None, a)
    }

    fn syr2(
        &self,
        uplo: Uplo,
        alpha: T,
        x: VecRef<'_, T>,
        y: VecRef<'_, T>,
        a: MatMut<'_, T>,
    ) -> Result<()> {
        full_rank_update("syr2", false, uplo, alpha, x, Some(y), a)
    }

    fn her2(
        &self,
        uplo: Uplo,
        alpha: T,
        x: VecRef<'_, T>,
        y: VecRef<'_, T>,
        a: MatMut<'_, T>,
    ) -> Result<()> {
        full_rank_update("her2", true, uplo, alpha, x, Some(y), a)
    }

    fn spr(&self, uplo: Uplo, alpha: T, x: VecRef<'_, T>, ap: PackedMut<'_, T>) -> Result<()> {
        packed_rank_update("spr", false, uplo, alpha, x, None, ap)
    }

    fn hpr(
        &self,
        uplo: Uplo,
        alpha: T::Real,
        x: VecRef<'_, T>,
        ap: PackedMut<'_, T>,
    ) -> Result<()> {
        packed_rank_update("hpr", true, uplo, T::from_real(alpha), x, None, ap)
    }

    fn spr2(
        &self,
        uplo: Uplo,
        alpha: T,
        x: VecRef<'_, T>,
        y: VecRef<'_, T>,
        ap: PackedMut<'_, T>,
    ) -> Result<()> {
        packed_rank_update("spr2", false, uplo, alpha, x, Some(y), ap)
    }

    fn hpr2(
        &self,
        uplo: Uplo,
        alpha: T,
        x: VecRef<'_, T>,
        y: VecRef<'_, T>,
        ap: PackedMut<'_, T>,
    ) -> Result<()> {
        packed_rank_update("hpr2", true, uplo, alpha, x, Some(y), ap)
    }
}
