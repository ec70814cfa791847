//! Level 3 of the reference BLAS.
//!
//! Every update of C (`gemm`, `symm`, `hemm`, `syrk`, `herk`, `syr2k`, `her2k`) is one loop,
//! [`update_c`], over an accessor for the product; `trmm` and `trsm` reuse the triangular
//! accessors of Level 2 column by column (or row by row for `Side::Right`).

use super::{Reference, in_triangle, op_elem, sym_elem};
use crate::check::{check_gemm, check_rank_k, check_symm, check_tri_side};
use crate::error::Result;
use crate::scalar::Scalar;
use crate::traits::Level3;
use crate::view::{MatMut, MatRef};
use crate::{Diag, Side, Trans, Uplo};

/// How `update_c` treats C.
#[derive(Clone, Copy)]
struct Target {
    /// Only this triangle of C is referenced (`syrk` & co.); `None`: all of C.
    only: Option<Uplo>,
    /// The diagonal is real (`herk`, `her2k`): its imaginary part is neither read nor kept, and
    /// beta is real.
    real_diagonal: bool,
}

const FULL: Target = Target {
    only: None,
    real_diagonal: false,
};

/// `C(i, j) <- product(i, j) + beta C(i, j)` over the referenced part of C.
///
/// `product` already includes alpha. When `no_product` (alpha = 0 or k = 0) it is not called.
/// Quick return when C is empty or `no_product && beta = 1`; C is not read when `beta = 0`.
fn update_c<T: Scalar>(
    mut c: MatMut<'_, T>,
    target: Target,
    no_product: bool,
    product: impl Fn(usize, usize) -> T,
    beta: T,
) {
    if c.is_empty() || (no_product && beta == T::one()) {
        return;
    }
    for j in 0..c.cols() {
        for i in 0..c.rows() {
            if target.only.is_some_and(|uplo| !in_triangle(uplo, i, j)) {
                continue;
            }
            let real = target.real_diagonal && i == j;
            let old = if beta == T::zero() {
                T::zero()
            } else if real {
                T::from_real(beta.re() * c.get(i, j).re())
            } else if target.real_diagonal {
                // herk/her2k: beta is real, so scale both parts (as Fortran's real * complex
                // does) rather than multiply by beta + 0i, which would turn an infinite
                // part into NaN through 0 * inf.
                c.get(i, j).scale_real(beta.re())
            } else {
                beta * c.get(i, j)
            };
            let mut v = if no_product { old } else { old + product(i, j) };
            if real {
                v = T::from_real(v.re());
            }
            c.set(i, j, v);
        }
    }
}

/// `symm`/`hemm`.
fn symm_like<T: Scalar>(
    routine: &'static str,
    herm: bool,
    side: Side,
    uplo: Uplo,
    alpha: T,
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    beta: T,
    c: MatMut<'_, T>,
) -> Result<()> {
    check_symm(routine, side, &a, &b, &c)?;
    let (m, n) = (b.rows(), b.cols());
    let sym = |i, j| sym_elem(uplo, herm, i, j, |p, q| Some(a.get(p, q))).unwrap_or(T::zero());
    let product = |i: usize, j: usize| {
        let sum: T = match side {
            Side::Left => (0..m).map(|l| sym(i, l) * b.get(l, j)).sum(),
            Side::Right => (0..n).map(|l| b.get(i, l) * sym(l, j)).sum(),
        };
        alpha * sum
    };
    update_c(c, FULL, alpha == T::zero(), product, beta);
    Ok(())
}

/// `syrk`/`herk`: `C <- alpha X cj(X)^T + beta C` with `X = op(A)`.
fn syrk_like<T: Scalar>(
    routine: &'static str,
    herm: bool,
    uplo: Uplo,
    trans: Trans,
    alpha: T,
    a: MatRef<'_, T>,
    beta: T,
    c: MatMut<'_, T>,
) -> Result<()> {
    let k = check_rank_k(routine, herm, trans, &a, None, &c)?;
    let cj = |v: T| if herm { v.conj() } else { v };
    let x = |i, l| op_elem(trans, i, l, |p, q| Some(a.get(p, q))).unwrap_or(T::zero());
    // With trans = N the reference skips the terms of a zero A(j, l) (so an Inf in A(i, l)
    // meets no zero); with trans = T or C it sums them all.
    let used = |j, l| trans != Trans::No || x(j, l) != T::zero();
    let product = |i, j| {
        alpha
            * (0..k)
                .filter(|&l| used(j, l))
                .map(|l| x(i, l) * cj(x(j, l)))
                .sum::<T>()
    };
    let target = Target {
        only: Some(uplo),
        real_diagonal: herm,
    };
    update_c(c, target, alpha == T::zero() || k == 0, product, beta);
    Ok(())
}

/// `syr2k`/`her2k`: `C <- alpha X cj(Y)^T + cj(alpha) Y cj(X)^T + beta C` with `X = op(A)`,
/// `Y = op(B)`.
fn syr2k_like<T: Scalar>(
    routine: &'static str,
    herm: bool,
    uplo: Uplo,
    trans: Trans,
    alpha: T,
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    beta: T,
    c: MatMut<'_, T>,
) -> Result<()> {
    let k = check_rank_k(routine, herm, trans, &a, Some(&b), &c)?;
    let cj = |v: T| if herm { v.conj() } else { v };
    let x = |i, l| op_elem(trans, i, l, |p, q| Some(a.get(p, q))).unwrap_or(T::zero());
    let y = |i, l| op_elem(trans, i, l, |p, q| Some(b.get(p, q))).unwrap_or(T::zero());
    // With trans = N the reference skips the terms of an l where A(j, l) and B(j, l) are both
    // zero.
    let used = |j, l| trans != Trans::No || x(j, l) != T::zero() || y(j, l) != T::zero();
    let product = |i, j| {
        let ls = || (0..k).filter(move |&l| used(j, l));
        let xy: T = ls().map(|l| x(i, l) * cj(y(j, l))).sum();
        let yx: T = ls().map(|l| y(i, l) * cj(x(j, l))).sum();
        alpha * xy + cj(alpha) * yx
    };
    let target = Target {
        only: Some(uplo),
        real_diagonal: herm,
    };
    update_c(c, target, alpha == T::zero() || k == 0, product, beta);
    Ok(())
}

/// The common start of `trmm` and `trsm`: validates the shapes, returns early for an empty B,
/// and for `alpha = 0` sets B to zero without reading it (nor A). `Some(order of A)` when there
/// is work left.
fn tri_prologue<T: Scalar>(
    routine: &'static str,
    side: Side,
    alpha: T,
    a: &MatRef<'_, T>,
    b: &mut MatMut<'_, T>,
) -> Result<Option<usize>> {
    let na = check_tri_side(routine, side, a, b)?;
    if b.is_empty() {
        return Ok(None);
    }
    if alpha == T::zero() {
        for j in 0..b.cols() {
            for i in 0..b.rows() {
                b.set(i, j, T::zero());
            }
        }
        return Ok(None);
    }
    Ok(Some(na))
}

impl<T: Scalar> Level3<T> for Reference {
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
        let (_, _, k) = check_gemm(transa, transb, &a, &b, &c)?;
        let product = |i, j| {
            let sum: T = (0..k)
                .map(|l| {
                    let ail = op_elem(transa, i, l, |p, q| Some(a.get(p, q))).unwrap_or(T::zero());
                    let blj = op_elem(transb, l, j, |p, q| Some(b.get(p, q))).unwrap_or(T::zero());
                    ail * blj
                })
                .sum();
            alpha * sum
        };
        update_c(c, FULL, alpha == T::zero() || k == 0, product, beta);
        Ok(())
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
        symm_like("symm", false, side, uplo, alpha, a, b, beta, c)
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
        symm_like("hemm", true, side, uplo, alpha, a, b, beta, c)
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
        syrk_like("syrk", false, uplo, trans, alpha, a, beta, c)
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
        syrk_like(
            "herk",
            true,
            uplo,
            trans,
            T::from_real(alpha),
            a,
            T::from_real(beta),
            c,
        )
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
        syr2k_like("syr2k", false, uplo, trans, alpha, a, b, beta, c)
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
        syr2k_like(
            "her2k",
            true,
            uplo,
            trans,
            alpha,
            a,
            b,
            T::from_real(beta),
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
        mut b: MatMut<'_, T>,
    ) -> Result<()> {
        let Some(_) = tri_prologue("trmm", side, alpha, &a, &mut b)? else {
            return Ok(());
        };
        let t = TriLoops::new(uplo, transa, diag, &a);
        let (m, n) = (b.rows(), b.cols());
        let zero = T::zero();
        // The loops of reference `ztrmm.f`, in its order, with its tests for zero.
        match (side, transa == Trans::No, t.upper) {
            (Side::Left, true, true) => {
                for j in 0..n {
                    for k in 0..m {
                        if b.get(k, j) != zero {
                            let mut temp = alpha * b.get(k, j);
                            for i in 0..k {
                                b.set(i, j, b.get(i, j) + temp * t.a(i, k));
                            }
                            if t.nounit {
                                temp *= t.a(k, k);
                            }
                            b.set(k, j, temp);
                        }
                    }
                }
            }
            (Side::Left, true, false) => {
                for j in 0..n {
                    for k in (0..m).rev() {
                        if b.get(k, j) != zero {
                            let temp = alpha * b.get(k, j);
                            b.set(k, j, temp);
                            if t.nounit {
                                b.set(k, j, b.get(k, j) * t.a(k, k));
                            }
                            for i in k + 1..m {
                                b.set(i, j, b.get(i, j) + temp * t.a(i, k));
                            }
                        }
                    }
                }
            }
            (Side::Left, false, upper) => {
                for j in 0..n {
                    let rows: Box<dyn Iterator<Item = usize>> = if upper {
                        Box::new((0..m).rev())
                    } else {
                        Box::new(0..m)
                    };
                    for i in rows {
                        let mut temp = b.get(i, j);
                        if t.nounit {
                            temp *= t.op(i, i);
                        }
                        let ks = if upper { 0..i } else { i + 1..m };
                        for k in ks {
                            temp += t.op(k, i) * b.get(k, j);
                        }
                        b.set(i, j, alpha * temp);
                    }
                }
            }
            (Side::Right, true, upper) => {
                let cols: Box<dyn Iterator<Item = usize>> = if upper {
                    Box::new((0..n).rev())
                } else {
                    Box::new(0..n)
                };
                for j in cols {
                    let mut temp = alpha;
                    if t.nounit {
                        temp *= t.a(j, j);
                    }
                    for i in 0..m {
                        b.set(i, j, temp * b.get(i, j));
                    }
                    let ks = if upper { 0..j } else { j + 1..n };
                    for k in ks {
                        if t.a(k, j) != zero {
                            let temp = alpha * t.a(k, j);
                            for i in 0..m {
                                b.set(i, j, b.get(i, j) + temp * b.get(i, k));
                            }
                        }
                    }
                }
            }
            (Side::Right, false, upper) => {
                let cols: Box<dyn Iterator<Item = usize>> = if upper {
                    Box::new(0..n)
                } else {
                    Box::new((0..n).rev())
                };
                for k in cols {
                    let js = if upper { 0..k } else { k + 1..n };
                    for j in js {
                        if t.a(j, k) != zero {
                            let temp = alpha * t.op(j, k);
                            for i in 0..m {
                                b.set(i, j, b.get(i, j) + temp * b.get(i, k));
                            }
                        }
                    }
                    let mut temp = alpha;
                    if t.nounit {
                        temp *= t.op(k, k);
                    }
                    if temp != T::one() {
                        for i in 0..m {
                            b.set(i, k, temp * b.get(i, k));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn trsm(
        &self,
        side: Side,
        uplo: Uplo,
        transa: Trans,
        diag: Diag,
        alpha: T,
        a: MatRef<'_, T>,
        mut b: MatMut<'_, T>,
    ) -> Result<()> {
        let Some(_) = tri_prologue("trsm", side, alpha, &a, &mut b)? else {
            return Ok(());
        };
        let t = TriLoops::new(uplo, transa, diag, &a);
        let (m, n) = (b.rows(), b.cols());
        let (zero, one) = (T::zero(), T::one());
        let scale_col = |b: &mut MatMut<'_, T>, j: usize, s: T| {
            for i in 0..m {
                b.set(i, j, s * b.get(i, j));
            }
        };
        // The loops of reference `ztrsm.f`, in its order, with its tests for zero; divisions
        // and reciprocals are the safe complex ones (as gfortran's).
        match (side, transa == Trans::No, t.upper) {
            (Side::Left, true, upper) => {
                for j in 0..n {
                    if alpha != one {
                        scale_col(&mut b, j, alpha);
                    }
                    let ks: Box<dyn Iterator<Item = usize>> = if upper {
                        Box::new((0..m).rev())
                    } else {
                        Box::new(0..m)
                    };
                    for k in ks {
                        if b.get(k, j) != zero {
                            if t.nounit {
                                b.set(k, j, b.get(k, j).quot(t.a(k, k)));
                            }
                            let bk = b.get(k, j);
                            let is = if upper { 0..k } else { k + 1..m };
                            for i in is {
                                b.set(i, j, b.get(i, j) - bk * t.a(i, k));
                            }
                        }
                    }
                }
            }
            (Side::Left, false, upper) => {
                for j in 0..n {
                    let rows: Box<dyn Iterator<Item = usize>> = if upper {
                        Box::new(0..m)
                    } else {
                        Box::new((0..m).rev())
                    };
                    for i in rows {
                        let mut temp = alpha * b.get(i, j);
                        let ks = if upper { 0..i } else { i + 1..m };
                        for k in ks {
                            temp -= t.op(k, i) * b.get(k, j);
                        }
                        if t.nounit {
                            temp = temp.quot(t.op(i, i));
                        }
                        b.set(i, j, temp);
                    }
                }
            }
            (Side::Right, true, upper) => {
                let cols: Box<dyn Iterator<Item = usize>> = if upper {
                    Box::new(0..n)
                } else {
                    Box::new((0..n).rev())
                };
                for j in cols {
                    if alpha != one {
                        scale_col(&mut b, j, alpha);
                    }
                    let ks = if upper { 0..j } else { j + 1..n };
                    for k in ks {
                        if t.a(k, j) != zero {
                            let akj = t.a(k, j);
                            for i in 0..m {
                                b.set(i, j, b.get(i, j) - akj * b.get(i, k));
                            }
                        }
                    }
                    if t.nounit {
                        scale_col(&mut b, j, t.a(j, j).inv());
                    }
                }
            }
            (Side::Right, false, upper) => {
                let cols: Box<dyn Iterator<Item = usize>> = if upper {
                    Box::new((0..n).rev())
                } else {
                    Box::new(0..n)
                };
                for k in cols {
                    if t.nounit {
                        scale_col(&mut b, k, t.op(k, k).inv());
                    }
                    let js = if upper { 0..k } else { k + 1..n };
                    for j in js {
                        if t.a(j, k) != zero {
                            let temp = t.op(j, k);
                            for i in 0..m {
                                b.set(i, j, b.get(i, j) - temp * b.get(i, k));
                            }
                        }
                    }
                    if alpha != one {
                        scale_col(&mut b, k, alpha);
                    }
                }
            }
        }
        Ok(())
    }
}

/// The stored triangle of `trmm`/`trsm` as the reference's loops read it: `a(i, j)` the
/// element as stored (only ever asked for inside the triangle), `op(i, j)` the same element
/// conjugated when `transa` is `C`.
struct TriLoops<'a, 'b, T> {
    a: &'b MatRef<'a, T>,
    upper: bool,
    nounit: bool,
    conj: bool,
}

impl<'a, 'b, T: Scalar> TriLoops<'a, 'b, T> {
    fn new(uplo: Uplo, transa: Trans, diag: Diag, a: &'b MatRef<'a, T>) -> Self {
        TriLoops {
            a,
            upper: uplo == Uplo::Upper,
            nounit: diag == Diag::NonUnit,
            conj: transa == Trans::ConjTrans,
        }
    }
    fn a(&self, i: usize, j: usize) -> T {
        self.a.get(i, j)
    }
    fn op(&self, i: usize, j: usize) -> T {
        let v = self.a.get(i, j);
        if self.conj { v.conj() } else { v }
    }
}
