//! Property tests of the reference Level 3 BLAS: each routine against dense products written
//! independently here and against the other routines (gemm column by column equals gemv, syrk
//! equals gemm with A and its transpose, trsm undoes trmm), over random sizes 0..=40, every
//! layout and stride sign, every option, and the special scalars 0, 1, -1. Data are small
//! integers wherever no division happens, so those results must match exactly; with beta = 0
//! the output starts as NaN, which must not reach the result.

use hpc_testing as common;

use common::*;
use hpc_core::reference::Reference;
use hpc_core::{Diag, Level2, Level3, Scalar, Side, Trans, Uplo, c32, c64};
use proptest::prelude::*;

/// `alpha * p + beta * c` elementwise, `c` not read when beta = 0.
fn axpby<T: Scalar>(alpha: T, p: &Dense<T>, beta: T, c: &Dense<T>) -> Dense<T> {
    Dense::from_fn(c.rows, c.cols, |i, j| {
        let b = if beta == T::zero() {
            T::zero()
        } else {
            beta * c.get(i, j)
        };
        alpha * p.get(i, j) + b
    })
}

/// The starting C: random, or all NaN when beta = 0 (it must not be read).
fn start_c<T: Scalar>(rows: usize, cols: usize, beta: T, rng: &mut Gen) -> Dense<T> {
    if beta == T::zero() {
        Dense::from_fn(rows, cols, |_, _| nan())
    } else {
        Dense::random(rows, cols, rng, Data::Exact)
    }
}

fn check_gemm<T: Scalar>(
    ta: Trans,
    tb: Trans,
    m: usize,
    n: usize,
    k: usize,
    la: Layout,
    lb: Layout,
    lc: Layout,
    alpha: Special,
    beta: Special,
    seed: u64,
) {
    let mut rng = Gen::new(seed);
    let (alpha, beta) = (alpha.value::<T>(), beta.value::<T>());
    let opa = Dense::random(m, k, &mut rng, Data::Exact);
    let opb = Dense::random(k, n, &mut rng, Data::Exact);
    // Stored A and B are such that op(stored) is opa / opb: A = opa, opa^T or opa^H.
    let a = op(&opa, ta);
    let b = op(&opb, tb);
    let c0 = start_c(m, n, beta, &mut rng);
    let (sa, sb) = (Stored::new(&a, la, nan()), Stored::new(&b, lb, nan()));
    let mut sc = Stored::new(&c0, lc, nan());
    Reference
        .gemm(ta, tb, alpha, sa.view(), sb.view(), beta, sc.view_mut())
        .unwrap();
    let want = if alpha == T::zero() || k == 0 {
        axpby(T::zero(), &Dense::zeros(m, n), beta, &c0)
    } else {
        axpby(alpha, &opa.matmul(&opb), beta, &c0)
    };
    let got = sc.to_dense();
    if !(m == 0 || n == 0 || ((alpha == T::zero() || k == 0) && beta == T::one())) {
        assert_all(&got.data, &want.data, None, "gemm vs dense");
    } else {
        // Quick return: C untouched.
        assert!(
            got.data.iter().zip(&c0.data).all(|(&g, &c)| same(g, c)),
            "gemm quick return changed C"
        );
    }
    assert!(sc.gaps_untouched(), "gemm wrote outside C");
    // Column j of C is gemv(op(A), column j of op(B)).
    if alpha != T::zero() && k > 0 {
        for j in 0..n {
            let x: Vec<T> = (0..k).map(|l| opb.get(l, j)).collect();
            let mut y: Vec<T> = (0..m).map(|i| c0.get(i, j)).collect();
            Reference
                .gemv(
                    ta,
                    alpha,
                    sa.view(),
                    hpc_core::VecRef::from_slice(&x),
                    beta,
                    hpc_core::VecMut::from_slice(&mut y),
                )
                .unwrap();
            let col: Vec<T> = (0..m).map(|i| got.get(i, j)).collect();
            assert_all(&col, &y, None, "gemm column vs gemv");
        }
    }
}

fn check_symm<T: Scalar>(
    herm: bool,
    sd: Side,
    ul: Uplo,
    m: usize,
    n: usize,
    la: Layout,
    lc: Layout,
    alpha: Special,
    beta: Special,
    seed: u64,
) {
    let mut rng = Gen::new(seed);
    let (alpha, beta) = (alpha.value::<T>(), beta.value::<T>());
    let na = if sd == Side::Left { m } else { n };
    let (stored, full) = poisoned_triangle::<T>(na, ul, herm, &mut rng);
    let b = Dense::random(m, n, &mut rng, Data::Exact);
    let c0 = start_c(m, n, beta, &mut rng);
    let sa = Stored::new(&stored, la, nan());
    let mut sc = Stored::new(&c0, lc, nan());
    let r = if herm {
        Reference.hemm(sd, ul, alpha, sa.view(), b.view(), beta, sc.view_mut())
    } else {
        Reference.symm(sd, ul, alpha, sa.view(), b.view(), beta, sc.view_mut())
    };
    r.unwrap();
    // The same product through gemm on the full matrix.
    let mut want = c0.clone();
    let (l, rr) = if sd == Side::Left {
        (&full, &b)
    } else {
        (&b, &full)
    };
    Reference
        .gemm(
            Trans::No,
            Trans::No,
            alpha,
            l.view(),
            rr.view(),
            beta,
            want.view_mut(),
        )
        .unwrap();
    assert_all(
        &sc.to_dense().data,
        &want.data,
        None,
        if herm { "hemm vs gemm" } else { "symm vs gemm" },
    );
    assert!(sc.gaps_untouched());
}

/// Expected `alpha X cj(Y)^T + cj(alpha) Y cj(X)^T + beta C` (rank-2k) or `alpha X cj(X)^T +
/// beta C` (rank-k), on the full square.
fn rank_k_dense<T: Scalar>(
    herm: bool,
    alpha: T,
    x: &Dense<T>,
    y: Option<&Dense<T>>,
    beta: T,
    c0: &Dense<T>,
) -> Dense<T> {
    let cjt = |d: &Dense<T>| {
        if herm {
            d.conj_transpose()
        } else {
            d.transpose()
        }
    };
    let cj = |v: T| if herm { v.conj() } else { v };
    let n = c0.rows;
    let zero = Dense::zeros(n, n);
    let mut p = match y {
        None => x.matmul(&cjt(x)),
        Some(y) => {
            let xy = x.matmul(&cjt(y));
            let yx = y.matmul(&cjt(x));
            Dense::from_fn(n, n, |i, j| alpha * xy.get(i, j) + cj(alpha) * yx.get(i, j))
        }
    };
    let a = if y.is_some() { T::one() } else { alpha };
    if alpha == T::zero() || x.cols == 0 {
        p = zero;
    }
    Dense::from_fn(n, n, |i, j| {
        let old = if beta == T::zero() {
            T::zero()
        } else if herm && i == j {
            T::from_real(beta.re() * c0.get(i, i).re())
        } else {
            beta * c0.get(i, j)
        };
        let v = old + a * p.get(i, j);
        if herm && i == j {
            T::from_real(v.re())
        } else {
            v
        }
    })
}

fn check_rank_k<T: Scalar>(
    herm: bool,
    two: bool,
    ul: Uplo,
    t: Trans,
    n: usize,
    k: usize,
    lc: Layout,
    alpha: Special,
    beta: Special,
    seed: u64,
) {
    // Complex symmetric takes No/Trans, Hermitian No/ConjTrans.
    let t = match (T::IS_COMPLEX, herm, t) {
        (true, false, Trans::ConjTrans) => Trans::Trans,
        (true, true, Trans::Trans) => Trans::ConjTrans,
        _ => t,
    };
    let mut rng = Gen::new(seed);
    let alpha_v = if herm && !two {
        T::from_real(alpha.real::<T>())
    } else {
        alpha.value::<T>()
    };
    let beta_v = if herm {
        T::from_real(beta.real::<T>())
    } else {
        beta.value::<T>()
    };
    let x = Dense::<T>::random(n, k, &mut rng, Data::Exact); // op(A)
    let y = Dense::<T>::random(n, k, &mut rng, Data::Exact); // op(B)
    // op(A) = X means A = X (No), X^T (Trans) or X^H (ConjTrans).
    let (a, b) = (op(&x, t), op(&y, t));
    let c0 = start_c(n, n, beta_v, &mut rng);
    let mut sc = Stored::new(&c0, lc, nan());
    let r = match (herm, two) {
        (false, false) => Reference.syrk(ul, t, alpha_v, a.view(), beta_v, sc.view_mut()),
        (true, false) => Reference.herk(ul, t, alpha_v.re(), a.view(), beta_v.re(), sc.view_mut()),
        (false, true) => Reference.syr2k(ul, t, alpha_v, a.view(), b.view(), beta_v, sc.view_mut()),
        (true, true) => Reference.her2k(
            ul,
            t,
            alpha_v,
            a.view(),
            b.view(),
            beta_v.re(),
            sc.view_mut(),
        ),
    };
    r.unwrap();
    let got = sc.to_dense();
    let quick = n == 0 || ((alpha_v == T::zero() || k == 0) && beta_v == T::one());
    let want = if quick {
        c0.clone()
    } else {
        rank_k_dense(herm, alpha_v, &x, two.then_some(&y), beta_v, &c0)
    };
    for j in 0..n {
        for i in 0..n {
            let in_tri = (ul == Uplo::Upper && i <= j) || (ul == Uplo::Lower && i >= j);
            let (g, w) = (
                got.get(i, j),
                if in_tri { want.get(i, j) } else { c0.get(i, j) },
            );
            assert!(
                same(g, w),
                "rank-k update (herm {herm}, two {two}) at ({i}, {j}): got {g}, want {w}"
            );
            if herm && i == j && !quick {
                assert_eq!(g.im(), rzero::<T>(), "Hermitian diagonal must be real");
            }
        }
    }
    // The product part of a Hermitian update is Hermitian: the oracle's other triangle mirrors.
    if herm && !quick && beta_v == T::zero() {
        for j in 0..n {
            for i in 0..n {
                assert!(
                    same(want.get(i, j), want.get(j, i).conj()),
                    "herk/her2k result is not Hermitian"
                );
            }
        }
    }
    // syrk on the stored triangle equals gemm with A and its transpose.
    if !two && !quick {
        let mut g = c0.clone();
        let (t1, t2) = match (t, herm) {
            (Trans::No, false) => (Trans::No, Trans::Trans),
            (Trans::No, true) => (Trans::No, Trans::ConjTrans),
            (_, false) => (Trans::Trans, Trans::No),
            (_, true) => (Trans::ConjTrans, Trans::No),
        };
        Reference
            .gemm(t1, t2, alpha_v, a.view(), a.view(), beta_v, g.view_mut())
            .unwrap();
        for j in 0..n {
            for i in 0..n {
                let in_tri = (ul == Uplo::Upper && i <= j) || (ul == Uplo::Lower && i >= j);
                if in_tri && !(herm && i == j) {
                    assert!(
                        same(got.get(i, j), g.get(i, j)),
                        "syrk/herk vs gemm at ({i}, {j})"
                    );
                }
            }
        }
    }
    assert!(sc.gaps_untouched());
}

fn check_trmm_trsm<T: Scalar>(
    sd: Side,
    ul: Uplo,
    t: Trans,
    dg: Diag,
    m: usize,
    n: usize,
    la: Layout,
    lb: Layout,
    alpha: Special,
    seed: u64,
) {
    let mut rng = Gen::new(seed);
    let alpha = alpha.value::<T>();
    let na = if sd == Side::Left { m } else { n };
    let unit = dg == Diag::Unit;
    // Exact: trmm against the dense product.
    let ai = Dense::<T>::random(na, na, &mut rng, Data::Exact);
    let b0 = Dense::<T>::random(m, n, &mut rng, Data::Exact);
    // Poison what must not be read: the other triangle, and a unit diagonal.
    let poison = |a: &Dense<T>| {
        Dense::from_fn(na, na, |i, j| {
            let in_tri = (ul == Uplo::Upper && i <= j) || (ul == Uplo::Lower && i >= j);
            if (i == j && unit) || !in_tri {
                nan()
            } else {
                a.get(i, j)
            }
        })
    };
    let sa = Stored::new(&poison(&ai), la, nan());
    let mut sb = Stored::new(&b0, lb, nan());
    Reference
        .trmm(sd, ul, t, dg, alpha, sa.view(), sb.view_mut())
        .unwrap();
    let opa = op(&triangular(&ai, ul, unit), t);
    let prod = if sd == Side::Left {
        opa.matmul(&b0)
    } else {
        b0.matmul(&opa)
    };
    let want = Dense::from_fn(m, n, |i, j| alpha * prod.get(i, j));
    assert_all(&sb.to_dense().data, &want.data, None, "trmm vs dense");
    assert!(sb.gaps_untouched());

    // trsm undoes trmm (well-conditioned A, real-valued data, tolerance).
    if alpha == T::zero() {
        // alpha = 0: B becomes zero without being read.
        let mut nanb = Stored::new(&Dense::from_fn(m, n, |_, _| nan::<T>()), lb, nan());
        Reference
            .trsm(sd, ul, t, dg, alpha, sa.view(), nanb.view_mut())
            .unwrap();
        assert!(
            nanb.to_dense().data.iter().all(|&v| v == T::zero()),
            "trsm with alpha = 0 must zero B"
        );
        return;
    }
    let aw = well_conditioned::<T>(na, &mut rng);
    let x0 = Dense::<T>::random(m, n, &mut rng, Data::Real);
    let sa = Stored::new(&poison(&aw), la, nan());
    let mut sb = Stored::new(&x0, lb, nan());
    Reference
        .trmm(sd, ul, t, dg, alpha, sa.view(), sb.view_mut())
        .unwrap();
    let inv_alpha = alpha.inv();
    Reference
        .trsm(sd, ul, t, dg, inv_alpha, sa.view(), sb.view_mut())
        .unwrap();
    let f = if is_single::<T::Real>() { 64.0 } else { 16.0 } * tol(na);
    assert_all(&sb.to_dense().data, &x0.data, Some(f), "trsm(trmm(B)) = B");
    assert!(sb.gaps_untouched());
}

macro_rules! instantiate {
    ($t:ty, $m:ident) => {
        mod $m {
            use super::*;
            proptest! {
                #![proptest_config(config())]
                #[test]
                fn gemm(ta in trans(), tb in trans(), m in dim(), n in dim(), k in dim(), la in layout(), lb in layout(), lc in layout(), alpha in special(), beta in special(), seed in any::<u64>()) {
                    check_gemm::<$t>(ta, tb, m, n, k, la, lb, lc, alpha, beta, seed);
                }
                #[test]
                fn symm_and_hemm(herm in any::<bool>(), sd in side(), ul in uplo(), m in dim(), n in dim(), la in layout(), lc in layout(), alpha in special(), beta in special(), seed in any::<u64>()) {
                    check_symm::<$t>(herm, sd, ul, m, n, la, lc, alpha, beta, seed);
                }
                #[test]
                fn rank_k_updates(herm in any::<bool>(), two in any::<bool>(), ul in uplo(), t in trans(), n in dim(), k in dim(), lc in layout(), alpha in special(), beta in special(), seed in any::<u64>()) {
                    check_rank_k::<$t>(herm, two, ul, t, n, k, lc, alpha, beta, seed);
                }
                #[test]
                fn trmm_and_trsm(sd in side(), ul in uplo(), t in trans(), dg in diag(), m in dim(), n in dim(), la in layout(), lb in layout(), alpha in special(), seed in any::<u64>()) {
                    check_trmm_trsm::<$t>(sd, ul, t, dg, m, n, la, lb, alpha, seed);
                }
            }
        }
    };
}

instantiate!(f32, s);
instantiate!(f64, d);
instantiate!(c32, c);
instantiate!(c64, z);
