//! Property tests of the reference Level 2 BLAS: every routine against dense products written
//! independently here, band and packed forms against the full forms, trsv undoing trmv, over
//! random sizes 0..=40, layouts, increments of both signs, every option, and alpha/beta in
//! {0, 1, -1, other}. Small-integer data make most results exact; with beta = 0, y starts as
//! NaN, which must not reach the result; nothing outside a view may be written.

use hpc_testing as common;

use common::*;
use hpc_core::reference::Reference;
use hpc_core::{Diag, Level2, PackedRef, Scalar, Trans, Uplo, c32, c64};
use proptest::prelude::*;

/// `alpha M x + beta y` computed densely; `y` not read when beta = 0.
fn mv_dense<T: Scalar>(m: &Dense<T>, alpha: T, x: &[T], beta: T, y: &[T]) -> Vec<T> {
    (0..m.rows)
        .map(|i| {
            let s: T = (0..m.cols).map(|j| m.get(i, j) * x[j]).sum();
            let b = if beta == T::zero() {
                T::zero()
            } else {
                beta * y[i]
            };
            b + alpha * s
        })
        .collect()
}

fn start_y<T: Scalar>(n: usize, beta: T, rng: &mut Gen) -> Vec<T> {
    if beta == T::zero() {
        vec![nan(); n]
    } else {
        random_vec(n, rng, Data::Exact)
    }
}

/// The expected result of a `?mv` call, honouring the quick returns (an empty matrix, or
/// alpha = 0 with beta = 1, leave y untouched).
fn expected_mv<T: Scalar>(m: &Dense<T>, alpha: T, x: &[T], beta: T, y0: &[T]) -> Vec<T> {
    if m.rows == 0 || m.cols == 0 || (alpha == T::zero() && beta == T::one()) {
        y0.to_vec()
    } else if alpha == T::zero() {
        mv_dense(&Dense::zeros(m.rows, m.cols), T::zero(), x, beta, y0)
    } else {
        mv_dense(m, alpha, x, beta, y0)
    }
}

#[track_caller]
fn assert_same<T: Scalar>(got: &[T], want: &[T], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths differ");
    for (k, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!(same(g, w), "{what}: element {k} is {g}, expected {w}");
    }
}

fn check_gemv_gbmv<T: Scalar>(
    t: Trans,
    m: usize,
    n: usize,
    kl: usize,
    ku: usize,
    la: Layout,
    incx: isize,
    incy: isize,
    alpha: Special,
    beta: Special,
    seed: u64,
) {
    let mut rng = Gen::new(seed);
    let (alpha, beta) = (alpha.value::<T>(), beta.value::<T>());
    let a = Dense::<T>::random(m, n, &mut rng, Data::Exact);
    let opa = op(&a, t);
    let x: Vec<T> = random_vec(opa.cols, &mut rng, Data::Exact);
    let y0 = start_y(opa.rows, beta, &mut rng);
    // gemv against the dense product.
    let sa = Stored::new(&a, la, nan());
    let sx = StoredVec::new(&x, incx, nan());
    let mut sy = StoredVec::new(&y0, incy, nan());
    Reference
        .gemv(t, alpha, sa.view(), sx.view(), beta, sy.view_mut())
        .unwrap();
    assert_same(
        &sy.values(),
        &expected_mv(&opa, alpha, &x, beta, &y0),
        "gemv vs dense",
    );
    assert!(sy.gaps_untouched(), "gemv wrote outside y");
    // gbmv on band storage equals gemv on the band part.
    let (kl, ku) = (kl.min(m.saturating_sub(1)), ku.min(n.saturating_sub(1)));
    let banded = band_part(&a, kl, ku, T::zero());
    let (buf, ld) = band_storage(&banded, kl, ku, 1, nan());
    let mut yb = StoredVec::new(&y0, incy, nan());
    Reference
        .gbmv(
            t,
            alpha,
            band_view(&buf, m, n, kl, ku, ld),
            sx.view(),
            beta,
            yb.view_mut(),
        )
        .unwrap();
    let mut yg = y0.clone();
    Reference
        .gemv(
            t,
            alpha,
            banded.view(),
            sx.view(),
            beta,
            hpc_core::VecMut::from_slice(&mut yg),
        )
        .unwrap();
    assert_same(&yb.values(), &yg, "gbmv vs gemv on the band part");
}

fn check_symmetric_mv<T: Scalar>(
    herm: bool,
    ul: Uplo,
    n: usize,
    k: usize,
    la: Layout,
    incx: isize,
    incy: isize,
    alpha: Special,
    beta: Special,
    seed: u64,
) {
    let mut rng = Gen::new(seed);
    let (alpha, beta) = (alpha.value::<T>(), beta.value::<T>());
    let (stored, full) = poisoned_triangle::<T>(n, ul, herm, &mut rng);
    let x: Vec<T> = random_vec(n, &mut rng, Data::Exact);
    let y0 = start_y(n, beta, &mut rng);
    let sx = StoredVec::new(&x, incx, nan());
    let run_full = |a: hpc_core::MatRef<'_, T>, y: hpc_core::VecMut<'_, T>| {
        if herm {
            Reference.hemv(ul, alpha, a, sx.view(), beta, y)
        } else {
            Reference.symv(ul, alpha, a, sx.view(), beta, y)
        }
    };
    // symv/hemv against the dense product with the full matrix.
    let sa = Stored::new(&stored, la, nan());
    let mut sy = StoredVec::new(&y0, incy, nan());
    run_full(sa.view(), sy.view_mut()).unwrap();
    assert_same(
        &sy.values(),
        &expected_mv(&full, alpha, &x, beta, &y0),
        "symv/hemv vs dense",
    );
    assert!(sy.gaps_untouched());
    // spmv/hpmv on packed storage equal symv/hemv.
    let ap = pack(&stored, ul);
    let mut yp = StoredVec::new(&y0, incy, nan());
    let p = PackedRef::new(&ap, n).unwrap();
    if herm {
        Reference.hpmv(ul, alpha, p, sx.view(), beta, yp.view_mut())
    } else {
        Reference.spmv(ul, alpha, p, sx.view(), beta, yp.view_mut())
    }
    .unwrap();
    assert_same(&yp.values(), &sy.values(), "spmv/hpmv vs symv/hemv");
    // sbmv/hbmv on band storage equal symv/hemv on the band part.
    let k = k.min(n.saturating_sub(1));
    let (kl, ku) = if ul == Uplo::Upper { (0, k) } else { (k, 0) };
    let banded_stored = band_part(&stored, kl, ku, nan());
    let banded_full = band_part(&full, k, k, T::zero());
    let (buf, ld) = band_storage(&banded_stored, kl, ku, 2, nan());
    let band = hpc_core::BandRef::triangle(&buf, n, k, ld, ul).unwrap();
    let mut yb = StoredVec::new(&y0, incy, nan());
    if herm {
        Reference.hbmv(ul, alpha, band, sx.view(), beta, yb.view_mut())
    } else {
        Reference.sbmv(ul, alpha, band, sx.view(), beta, yb.view_mut())
    }
    .unwrap();
    assert_same(
        &yb.values(),
        &expected_mv(&banded_full, alpha, &x, beta, &y0),
        "sbmv/hbmv vs dense band",
    );
}

fn check_triangular_mv<T: Scalar>(
    ul: Uplo,
    t: Trans,
    dg: Diag,
    n: usize,
    k: usize,
    la: Layout,
    incx: isize,
    seed: u64,
) {
    let mut rng = Gen::new(seed);
    let unit = dg == Diag::Unit;
    let k = k.min(n.saturating_sub(1));
    let (kl, ku) = if ul == Uplo::Upper { (0, k) } else { (k, 0) };
    // Poison what must not be read: the other triangle, and a unit diagonal.
    let poison = |a: &Dense<T>| {
        Dense::from_fn(n, n, |i, j| {
            let in_tri = (ul == Uplo::Upper && i <= j) || (ul == Uplo::Lower && i >= j);
            if (i == j && unit) || !in_tri {
                nan()
            } else {
                a.get(i, j)
            }
        })
    };
    for data in [Data::Exact, Data::Real] {
        let a = if data == Data::Exact {
            Dense::<T>::random(n, n, &mut rng, data)
        } else {
            well_conditioned(n, &mut rng)
        };
        let x0: Vec<T> = random_vec(n, &mut rng, data);
        let stored = poison(&a);
        let sa = Stored::new(&stored, la, nan());
        // trmv against the dense product.
        let mut sx = StoredVec::new(&x0, incx, nan());
        Reference.trmv(ul, t, dg, sa.view(), sx.view_mut()).unwrap();
        let dense_op = op(&triangular(&a, ul, unit), t);
        let want = mv_dense(&dense_op, T::one(), &x0, T::zero(), &x0);
        let x1 = sx.values();
        if data == Data::Exact {
            assert_same(&x1, &want, "trmv vs dense");
        }
        assert!(sx.gaps_untouched());
        // tpmv equals trmv; tbmv equals trmv on the band part.
        let ap = pack(&stored, ul);
        let p = PackedRef::new(&ap, n).unwrap();
        let mut xp = StoredVec::new(&x0, incx, nan());
        Reference.tpmv(ul, t, dg, p, xp.view_mut()).unwrap();
        assert_same(&xp.values(), &x1, "tpmv vs trmv");
        let banded = band_part(&stored, kl, ku, nan());
        let band_full = Dense::from_fn(n, n, |i, j| {
            if i + ku >= j && i <= j + kl {
                stored.get(i, j)
            } else if (i == j && unit)
                || !((ul == Uplo::Upper && i <= j) || (ul == Uplo::Lower && i >= j))
            {
                nan()
            } else {
                T::zero()
            }
        });
        let (buf, ld) = band_storage(&banded, kl, ku, 1, nan());
        let band = hpc_core::BandRef::triangle(&buf, n, k, ld, ul).unwrap();
        let mut xb = StoredVec::new(&x0, incx, nan());
        Reference.tbmv(ul, t, dg, band, xb.view_mut()).unwrap();
        let mut xf = x0.clone();
        Reference
            .trmv(
                ul,
                t,
                dg,
                band_full.view(),
                hpc_core::VecMut::from_slice(&mut xf),
            )
            .unwrap();
        assert_same(&xb.values(), &xf, "tbmv vs trmv on the band part");
        if data == Data::Real {
            // The solves undo the products.
            let f = if is_single::<T::Real>() { 64.0 } else { 16.0 } * tol(n);
            Reference.trsv(ul, t, dg, sa.view(), sx.view_mut()).unwrap();
            assert_all(&sx.values(), &x0, Some(f), "trsv(trmv(x)) = x");
            Reference.tpsv(ul, t, dg, p, xp.view_mut()).unwrap();
            assert_all(&xp.values(), &x0, Some(f), "tpsv(tpmv(x)) = x");
            Reference.tbsv(ul, t, dg, band, xb.view_mut()).unwrap();
            assert_all(&xb.values(), &x0, Some(f), "tbsv(tbmv(x)) = x");
            assert!(sx.gaps_untouched() && xp.gaps_untouched() && xb.gaps_untouched());
        }
    }
}

fn check_rank_updates<T: Scalar>(
    m: usize,
    n: usize,
    ul: Uplo,
    la: Layout,
    incx: isize,
    incy: isize,
    alpha: Special,
    seed: u64,
) {
    let mut rng = Gen::new(seed);
    let alpha_v = alpha.value::<T>();
    let cj = |v: T, c: bool| if c { v.conj() } else { v };
    // geru / gerc against the dense outer product.
    for conj in [false, true] {
        let a0 = Dense::<T>::random(m, n, &mut rng, Data::Exact);
        let x: Vec<T> = random_vec(m, &mut rng, Data::Exact);
        let y: Vec<T> = random_vec(n, &mut rng, Data::Exact);
        let mut sa = Stored::new(&a0, la, nan());
        let (sx, sy) = (
            StoredVec::new(&x, incx, nan()),
            StoredVec::new(&y, incy, nan()),
        );
        if conj {
            Reference.gerc(alpha_v, sx.view(), sy.view(), sa.view_mut())
        } else {
            Reference.geru(alpha_v, sx.view(), sy.view(), sa.view_mut())
        }
        .unwrap();
        let want = Dense::from_fn(m, n, |i, j| {
            a0.get(i, j) + x[i] * (alpha_v * cj(y[j], conj))
        });
        assert_same(
            &sa.to_dense().data,
            &want.data,
            if conj {
                "gerc vs dense"
            } else {
                "geru vs dense"
            },
        );
        assert!(sa.gaps_untouched());
    }
    // syr, her, syr2, her2 against dense; spr, hpr, spr2, hpr2 against them.
    for herm in [false, true] {
        for two in [false, true] {
            let alpha_v = if herm && !two {
                T::from_real(alpha.real::<T>())
            } else {
                alpha_v
            };
            let a0 = Dense::<T>::random(n, n, &mut rng, Data::Exact);
            let stored = Dense::from_fn(n, n, |i, j| {
                let in_tri = (ul == Uplo::Upper && i <= j) || (ul == Uplo::Lower && i >= j);
                if in_tri { a0.get(i, j) } else { nan() }
            });
            let x: Vec<T> = random_vec(n, &mut rng, Data::Exact);
            let y: Vec<T> = random_vec(n, &mut rng, Data::Exact);
            let (sx, sy) = (
                StoredVec::new(&x, incx, nan()),
                StoredVec::new(&y, incy, nan()),
            );
            let mut sa = Stored::new(&stored, la, nan());
            let mut ap = pack(&stored, ul);
            let pm = packed_mut(&mut ap, n);
            match (herm, two) {
                (false, false) => {
                    Reference
                        .syr(ul, alpha_v, sx.view(), sa.view_mut())
                        .unwrap();
                    Reference.spr(ul, alpha_v, sx.view(), pm).unwrap();
                }
                (true, false) => {
                    Reference
                        .her(ul, alpha_v.re(), sx.view(), sa.view_mut())
                        .unwrap();
                    Reference.hpr(ul, alpha_v.re(), sx.view(), pm).unwrap();
                }
                (false, true) => {
                    Reference
                        .syr2(ul, alpha_v, sx.view(), sy.view(), sa.view_mut())
                        .unwrap();
                    Reference
                        .spr2(ul, alpha_v, sx.view(), sy.view(), pm)
                        .unwrap();
                }
                (true, true) => {
                    Reference
                        .her2(ul, alpha_v, sx.view(), sy.view(), sa.view_mut())
                        .unwrap();
                    Reference
                        .hpr2(ul, alpha_v, sx.view(), sy.view(), pm)
                        .unwrap();
                }
            }
            let got = sa.to_dense();
            let quick = n == 0 || alpha_v == T::zero();
            for j in 0..n {
                for i in 0..n {
                    let in_tri = (ul == Uplo::Upper && i <= j) || (ul == Uplo::Lower && i >= j);
                    let mut w = if !in_tri {
                        nan()
                    } else if quick {
                        a0.get(i, j)
                    } else if two {
                        a0.get(i, j)
                            + x[i] * (alpha_v * cj(y[j], herm))
                            + y[i] * cj(alpha_v * x[j], herm)
                    } else {
                        a0.get(i, j) + x[i] * (alpha_v * cj(x[j], herm))
                    };
                    if herm && i == j && !quick {
                        assert_eq!(
                            got.get(i, j).im(),
                            rzero::<T>(),
                            "her/her2 diagonal must be real"
                        );
                        w = T::from_real(w.re());
                    }
                    assert!(
                        same(got.get(i, j), w),
                        "rank update (herm {herm}, two {two}) at ({i}, {j}): got {}, want {w}",
                        got.get(i, j)
                    );
                }
            }
            assert!(sa.gaps_untouched());
            // Packed agrees with full on the stored triangle.
            let full_tri = triangular(&got, ul, false);
            assert_same(
                &unpack(&ap, n, ul).data,
                &full_tri.data,
                "packed rank update vs full",
            );
        }
    }
}

macro_rules! instantiate {
    ($t:ty, $m:ident) => {
        mod $m {
            use super::*;
            proptest! {
                #![proptest_config(config())]
                #[test]
                fn gemv_and_gbmv(t in trans(), m in dim(), n in dim(), kl in 0usize..6, ku in 0usize..6, la in layout(), incx in increment(), incy in increment(), alpha in special(), beta in special(), seed in any::<u64>()) {
                    check_gemv_gbmv::<$t>(t, m, n, kl, ku, la, incx, incy, alpha, beta, seed);
                }
                #[test]
                fn symmetric_and_hermitian_mv(herm in any::<bool>(), ul in uplo(), n in dim(), k in 0usize..6, la in layout(), incx in increment(), incy in increment(), alpha in special(), beta in special(), seed in any::<u64>()) {
                    check_symmetric_mv::<$t>(herm, ul, n, k, la, incx, incy, alpha, beta, seed);
                }
                #[test]
                fn triangular_mv_and_sv(ul in uplo(), t in trans(), dg in diag(), n in dim(), k in 0usize..6, la in layout(), incx in increment(), seed in any::<u64>()) {
                    check_triangular_mv::<$t>(ul, t, dg, n, k, la, incx, seed);
                }
                #[test]
                fn rank_updates(m in dim(), n in dim(), ul in uplo(), la in layout(), incx in increment(), incy in increment(), alpha in special(), seed in any::<u64>()) {
                    check_rank_updates::<$t>(m, n, ul, la, incx, incy, alpha, seed);
                }
            }
        }
    };
}

instantiate!(f32, s);
instantiate!(f64, d);
instantiate!(c32, c);
instantiate!(c64, z);
