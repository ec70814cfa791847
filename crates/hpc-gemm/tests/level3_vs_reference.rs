//! The blocked Level 3 routines of `Fast` against `hpc_core::reference`, for every option,
//! layout, type and the special alpha/beta values, at sizes that cross the block sizes (NB =
//! 192 for the syrk family's recursion, LEAF = 64 for trmm/trsm; symm blocks by 1024, crossed
//! by the large test; real syrk/syr2k with C stored by columns run the GEMM loops over the
//! triangle, whose tiles, MC blocks and thread shares these sizes cross too). Unreferenced triangles of A
//! and C hold NaN, so a read of them or a write to them shows. Small-integer data make every
//! result but trsm's exact; trsm is compared within a tolerance on well-conditioned triangles.

use hpc_testing as common;

use common::*;
use hpc_core::reference::Reference;
use hpc_core::{Diag, Level3, MatMut, MatRef, RealScalar, Scalar, Side, Trans, Uplo, c32, c64};
use hpc_gemm::{Fast, GemmScalar, Par};
use proptest::prelude::*;

/// Sizes: mostly small, sometimes around a block edge.
fn size() -> impl Strategy<Value = usize> {
    prop_oneof![
        3 => 0usize..=24,
        2 => prop::sample::select(vec![63usize, 64, 65, 127, 129, 191, 192, 193, 257]),
    ]
}

fn fast(threads: usize) -> Fast {
    Fast::new(Par::from_count(threads))
}

/// Asserts every element agrees (`None`: exactly, NaN matching NaN).
#[track_caller]
fn agree<T: Scalar>(got: &Dense<T>, want: &Dense<T>, tol: Option<f64>, what: &str) {
    for (k, (&g, &w)) in got.data.iter().zip(&want.data).enumerate() {
        let ok = same(g, w) || tol.is_some_and(|f| close(g, w, f));
        assert!(ok, "{what}: element {k} is {g}, the reference gives {w}");
    }
}

fn start<T: Scalar>(rows: usize, cols: usize, beta: T, rng: &mut Gen) -> Dense<T> {
    if beta == T::zero() {
        Dense::from_fn(rows, cols, |_, _| nan())
    } else {
        Dense::random(rows, cols, rng, Data::Exact)
    }
}

#[allow(clippy::too_many_arguments)]
fn symm_case<T: GemmScalar>(
    herm: bool,
    side: Side,
    uplo: Uplo,
    m: usize,
    n: usize,
    lc: Layout,
    alpha: Special,
    beta: Special,
    threads: usize,
    seed: u64,
) {
    let mut rng = Gen::new(seed);
    let na = if side == Side::Left { m } else { n };
    let (a, _) = poisoned_triangle::<T>(na, uplo, herm, &mut rng);
    let b = Dense::<T>::random(m, n, &mut rng, Data::Exact);
    let (alpha, beta): (T, T) = (alpha.value(), beta.value());
    let c0 = start(m, n, beta, &mut rng);
    let mut want = c0.clone();
    let mut sc = Stored::new(&c0, lc, nan());
    let f = fast(threads);
    if herm {
        Reference
            .hemm(side, uplo, alpha, a.view(), b.view(), beta, want.view_mut())
            .unwrap();
        f.hemm(side, uplo, alpha, a.view(), b.view(), beta, sc.view_mut())
            .unwrap();
    } else {
        Reference
            .symm(side, uplo, alpha, a.view(), b.view(), beta, want.view_mut())
            .unwrap();
        f.symm(side, uplo, alpha, a.view(), b.view(), beta, sc.view_mut())
            .unwrap();
    }
    let what = format!(
        "{}{} {side:?} {uplo:?} m={m} n={n}",
        T::PREFIX,
        if herm { "hemm" } else { "symm" }
    );
    agree(&sc.to_dense(), &want, None, &what);
    assert!(sc.gaps_untouched(), "{what}: wrote outside C");
}

#[allow(clippy::too_many_arguments)]
fn rank_k_case<T: GemmScalar>(
    herm: bool,
    two: bool,
    uplo: Uplo,
    trans: Trans,
    n: usize,
    k: usize,
    lc: Layout,
    alpha: Special,
    beta: Special,
    threads: usize,
    seed: u64,
) {
    // Complex types accept only the transposes their routine allows.
    let trans = match (T::IS_COMPLEX, herm, trans) {
        (true, true, Trans::Trans) => Trans::ConjTrans,
        (true, false, Trans::ConjTrans) => Trans::Trans,
        _ => trans,
    };
    let mut rng = Gen::new(seed);
    let (ar, ac) = if trans == Trans::No { (n, k) } else { (k, n) };
    let a = Dense::<T>::random(ar, ac, &mut rng, Data::Exact);
    let b = Dense::<T>::random(ar, ac, &mut rng, Data::Exact);
    let alpha: T = alpha.value();
    let beta_s = beta;
    // C: random in its triangle, NaN outside (and in a Hermitian diagonal's imaginary part).
    let c0 = if beta_s == Special::Zero {
        Dense::from_fn(n, n, |_, _| nan())
    } else {
        poisoned_triangle::<T>(n, uplo, herm, &mut rng).0
    };
    let mut want = c0.clone();
    let mut sc = Stored::new(&c0, lc, nan());
    let f = fast(threads);
    let name = match (herm, two) {
        (false, false) => "syrk",
        (true, false) => "herk",
        (false, true) => "syr2k",
        (true, true) => "her2k",
    };
    match (herm, two) {
        (false, false) => {
            let beta: T = beta_s.value();
            Reference
                .syrk(uplo, trans, alpha, a.view(), beta, want.view_mut())
                .unwrap();
            f.syrk(uplo, trans, alpha, a.view(), beta, sc.view_mut())
                .unwrap();
        }
        (true, false) => {
            let (alpha, beta) = (alpha.re(), beta_s.real::<T>());
            Reference
                .herk(uplo, trans, alpha, a.view(), beta, want.view_mut())
                .unwrap();
            f.herk(uplo, trans, alpha, a.view(), beta, sc.view_mut())
                .unwrap();
        }
        (false, true) => {
            let beta: T = beta_s.value();
            Reference
                .syr2k(
                    uplo,
                    trans,
                    alpha,
                    a.view(),
                    b.view(),
                    beta,
                    want.view_mut(),
                )
                .unwrap();
            f.syr2k(uplo, trans, alpha, a.view(), b.view(), beta, sc.view_mut())
                .unwrap();
        }
        (true, true) => {
            let beta = beta_s.real::<T>();
            Reference
                .her2k(
                    uplo,
                    trans,
                    alpha,
                    a.view(),
                    b.view(),
                    beta,
                    want.view_mut(),
                )
                .unwrap();
            f.her2k(uplo, trans, alpha, a.view(), b.view(), beta, sc.view_mut())
                .unwrap();
        }
    }
    let what = format!("{}{name} {uplo:?} {trans:?} n={n} k={k}", T::PREFIX);
    agree(&sc.to_dense(), &want, None, &what);
    assert!(sc.gaps_untouched(), "{what}: wrote outside C");
}

/// `trsm` (`solve`) or `trmm` with the given options on `l`, which must accept the call.
fn tri_op<T: Scalar>(
    l: &impl Level3<T>,
    (solve, side, uplo, trans, diag): (bool, Side, Uplo, Trans, Diag),
    alpha: T,
    a: MatRef<'_, T>,
    b: MatMut<'_, T>,
) {
    if solve {
        l.trsm(side, uplo, trans, diag, alpha, a, b).unwrap();
    } else {
        l.trmm(side, uplo, trans, diag, alpha, a, b).unwrap();
    }
}

#[allow(clippy::too_many_arguments)]
fn tri_case<T: GemmScalar>(
    solve: bool,
    side: Side,
    uplo: Uplo,
    trans: Trans,
    diag: Diag,
    m: usize,
    n: usize,
    lb: Layout,
    alpha: Special,
    threads: usize,
    seed: u64,
) {
    let mut rng = Gen::new(seed);
    let na = if side == Side::Left { m } else { n };
    // trmm: integer triangle (exact); trsm: a well-conditioned one. NaN outside the triangle,
    // and on the diagonal when it is implicit.
    let base = if solve {
        well_conditioned::<T>(na, &mut rng)
    } else {
        Dense::random(na, na, &mut rng, Data::Exact)
    };
    let a = Dense::from_fn(na, na, |i, j| {
        let inside = if uplo == Uplo::Lower { i >= j } else { i <= j };
        if !inside || (i == j && diag == Diag::Unit) {
            nan()
        } else {
            base.get(i, j)
        }
    });
    let data = if solve { Data::Real } else { Data::Exact };
    let b0 = Dense::<T>::random(m, n, &mut rng, data);
    let alpha: T = alpha.value();
    let mut want = b0.clone();
    let mut sb = Stored::new(&b0, lb, nan());
    let f = fast(threads);
    let op = (solve, side, uplo, trans, diag);
    tri_op(&Reference, op, alpha, a.view(), want.view_mut());
    tri_op(&f, op, alpha, a.view(), sb.view_mut());
    let what = format!(
        "{}{} {side:?} {uplo:?} {trans:?} {diag:?} m={m} n={n}",
        T::PREFIX,
        if solve { "trsm" } else { "trmm" }
    );
    let tol = solve.then(|| {
        let order = na as f64 + 2.0;
        if is_single::<T::Real>() {
            64.0 * order
        } else {
            16.0 * order
        }
    });
    agree(&sb.to_dense(), &want, tol, &what);
    assert!(sb.gaps_untouched(), "{what}: wrote outside B");
}

macro_rules! level3_properties {
    ($modname:ident, $t:ty) => {
        mod $modname {
            use super::*;
            proptest! {
                #![proptest_config(ProptestConfig { cases: 64, ..config() })]
                #[test]
                fn symm_and_hemm(herm in any::<bool>(), sd in side(), ul in uplo(), m in size(), n in 0usize..24, lc in layout(), alpha in special(), beta in special(), threads in 1usize..4, seed in any::<u64>()) {
                    // Put the large size on A's order half of the time.
                    let (m, n) = if seed % 2 == 0 { (m, n) } else { (n, m) };
                    symm_case::<$t>(herm, sd, ul, m, n, lc, alpha, beta, threads, seed);
                }
                #[test]
                fn rank_k_updates(herm in any::<bool>(), two in any::<bool>(), ul in uplo(), t in trans(), n in size(), k in 0usize..30, lc in layout(), alpha in special(), beta in special(), threads in 1usize..4, seed in any::<u64>()) {
                    rank_k_case::<$t>(herm, two, ul, t, n, k, lc, alpha, beta, threads, seed);
                }
                #[test]
                fn trmm(sd in side(), ul in uplo(), t in trans(), dg in diag(), m in size(), n in 0usize..24, lb in layout(), alpha in special(), threads in 1usize..4, seed in any::<u64>()) {
                    let (m, n) = if seed % 2 == 0 { (m, n) } else { (n, m) };
                    tri_case::<$t>(false, sd, ul, t, dg, m, n, lb, alpha, threads, seed);
                }
                #[test]
                fn trsm(sd in side(), ul in uplo(), t in trans(), dg in diag(), m in size(), n in 0usize..24, lb in layout(), alpha in special(), threads in 1usize..4, seed in any::<u64>()) {
                    let (m, n) = if seed % 2 == 0 { (m, n) } else { (n, m) };
                    tri_case::<$t>(true, sd, ul, t, dg, m, n, lb, alpha, threads, seed);
                }
            }
        }
    };
}
level3_properties!(f32_routines, f32);
level3_properties!(f64_routines, f64);
level3_properties!(c32_routines, c32);
level3_properties!(c64_routines, c64);

/// Large sizes, where the recursion and blocking go several levels deep, with random data:
/// the fast result against the reference within a tolerance (f64).
#[test]
fn large_blocked_routines_match_the_reference() {
    let (m, n) = (600, 80);
    let mut rng = Gen::new(3);
    let f = Fast::default();
    let a = well_conditioned::<f64>(m, &mut rng);
    let b = Dense::<f64>::random(m, n, &mut rng, Data::Real);
    for (uplo, trans) in [(Uplo::Lower, Trans::No), (Uplo::Upper, Trans::Trans)] {
        let mut want = b.clone();
        let mut got = b.clone();
        Reference
            .trsm(
                Side::Left,
                uplo,
                trans,
                Diag::NonUnit,
                2.0,
                a.view(),
                want.view_mut(),
            )
            .unwrap();
        f.trsm(
            Side::Left,
            uplo,
            trans,
            Diag::NonUnit,
            2.0,
            a.view(),
            got.view_mut(),
        )
        .unwrap();
        agree(&got, &want, Some(1e4), "large trsm");
    }
    let c0 = Dense::<f64>::random(m, m, &mut rng, Data::Real);
    let mut want = c0.clone();
    let mut got = c0.clone();
    Reference
        .syrk(Uplo::Upper, Trans::No, 1.5, b.view(), 0.5, want.view_mut())
        .unwrap();
    f.syrk(Uplo::Upper, Trans::No, 1.5, b.view(), 0.5, got.view_mut())
        .unwrap();
    agree(&got, &want, Some(tol(n)), "large syrk");
    // symm across its 1024-row blocks, both sides and triangles.
    let order = 1100;
    let sa = Dense::<f64>::random(order, order, &mut rng, Data::Real);
    let sb = Dense::<f64>::random(order, 7, &mut rng, Data::Real);
    for uplo in [Uplo::Upper, Uplo::Lower] {
        let mut want = Dense::<f64>::from_fn(order, 7, |_, _| 0.0);
        let mut got = want.clone();
        Reference
            .symm(
                Side::Left,
                uplo,
                1.0,
                sa.view(),
                sb.view(),
                0.0,
                want.view_mut(),
            )
            .unwrap();
        f.symm(
            Side::Left,
            uplo,
            1.0,
            sa.view(),
            sb.view(),
            0.0,
            got.view_mut(),
        )
        .unwrap();
        agree(&got, &want, Some(tol(order)), "large symm (left)");
        let sbt = sb.transpose();
        let mut want = Dense::<f64>::from_fn(7, order, |_, _| 0.0);
        let mut got = want.clone();
        Reference
            .symm(
                Side::Right,
                uplo,
                1.0,
                sa.view(),
                sbt.view(),
                0.0,
                want.view_mut(),
            )
            .unwrap();
        f.symm(
            Side::Right,
            uplo,
            1.0,
            sa.view(),
            sbt.view(),
            0.0,
            got.view_mut(),
        )
        .unwrap();
        agree(&got, &want, Some(tol(order)), "large symm (right)");
    }
    let _ = f64::safmin();
}

/// trmm with B stored by columns runs on the GEMM loops in place: at m = 600 the triangle spans
/// two KC slices (512 for f64, 256 for c64 through 1m) and several MC blocks, so every kind of
/// block is crossed: skipped, cut by the diagonal, full, first written and accumulated. Exact
/// data, NaN outside the triangle (and on an implicit diagonal), one and two threads; both
/// triangles, transposed or not, unit or not; the right side on B stored by columns (the
/// loops' triangular op(B)) and by rows (their triangular op(A) again, on B^T).
#[test]
fn large_trmm_on_the_loops_matches_the_reference_exactly() {
    for (uplo, trans, diag) in [
        (Uplo::Lower, Trans::No, Diag::NonUnit),
        (Uplo::Upper, Trans::No, Diag::Unit),
        (Uplo::Lower, Trans::Trans, Diag::Unit),
        (Uplo::Upper, Trans::ConjTrans, Diag::NonUnit),
    ] {
        for threads in [1, 2] {
            let case = |side, m, n| (false, side, uplo, trans, diag, m, n);
            let (s, sd, ul, t, dg, m, n) = case(Side::Left, 600, 70);
            let l = Layout::COL_MAJOR;
            tri_case::<f64>(s, sd, ul, t, dg, m, n, l, Special::Other, threads, 5);
            tri_case::<c64>(s, sd, ul, t, dg, m, n, l, Special::MinusOne, threads, 6);
            // The right side on B stored by columns: op(A) is the loops' triangular op(B),
            // NC = KC, two panels and their slices.
            let (s, sd, ul, t, dg, m, n) = case(Side::Right, 50, 600);
            tri_case::<f64>(s, sd, ul, t, dg, m, n, l, Special::Other, threads, 8);
            tri_case::<c32>(s, sd, ul, t, dg, m, n, l, Special::One, threads, 9);
            // The right side on B stored by rows: the loops see (op(A) B^T)^T by columns.
            let (s, sd, ul, t, dg, m, n) = case(Side::Right, 40, 300);
            let rows = Layout {
                row_major: true,
                ..Layout::COL_MAJOR
            };
            tri_case::<f32>(s, sd, ul, t, dg, m, n, rows, Special::One, threads, 7);
        }
    }
}

/// symm/hemm with C stored by columns run on the GEMM loops, A~ (left) or B~ (right) packed
/// from the stored triangle and its mirror: at order 600 the packing crosses KC slices and MC
/// blocks (and NC panels on the right), so every micro-panel kind is met: wholly stored,
/// wholly mirrored, and cut by the diagonal. Exact data, NaN in the unreferenced triangle (and
/// in the imaginary part of a Hermitian diagonal), every special beta, one and two threads.
#[test]
fn large_symm_hemm_on_the_loops_match_the_reference_exactly() {
    let l = Layout::COL_MAJOR;
    for (i, uplo) in [Uplo::Lower, Uplo::Upper].into_iter().enumerate() {
        for threads in [1, 2] {
            let seed = 20 + 2 * i as u64 + threads as u64;
            let (sp, sb) = (Special::Other, [Special::Zero, Special::One][i]);
            symm_case::<f64>(false, Side::Left, uplo, 600, 40, l, sp, sb, threads, seed);
            symm_case::<f32>(false, Side::Right, uplo, 30, 600, l, sp, sb, threads, seed);
            symm_case::<c64>(true, Side::Left, uplo, 600, 20, l, sp, sb, threads, seed);
            symm_case::<c64>(false, Side::Right, uplo, 20, 600, l, sp, sb, threads, seed);
            symm_case::<c32>(
                true,
                Side::Right,
                uplo,
                25,
                300,
                l,
                Special::MinusOne,
                sb,
                threads,
                seed,
            );
            symm_case::<c32>(
                false,
                Side::Left,
                uplo,
                300,
                25,
                l,
                sp,
                Special::MinusOne,
                threads,
                seed,
            );
        }
    }
}

/// The syrk family with C stored by columns runs on the GEMM loops over C's triangle (gemmt),
/// complex types included: at n = 300 with k = 270 the triangle crosses MC blocks and (c64,
/// whose KC is halved by 1m) KC slices. Exact data, NaN outside the triangle and in a
/// Hermitian diagonal's imaginary part, beta 0, 1 and other, one and two threads.
#[test]
fn large_complex_rank_k_updates_on_the_loops_match_the_reference_exactly() {
    let l = Layout::COL_MAJOR;
    for (i, (uplo, trans)) in [(Uplo::Lower, Trans::No), (Uplo::Upper, Trans::ConjTrans)]
        .into_iter()
        .enumerate()
    {
        for threads in [1, 2] {
            let seed = 40 + 2 * i as u64 + threads as u64;
            let beta = [Special::Zero, Special::One, Special::Other][(i + threads) % 3];
            let trans_s = if trans == Trans::No {
                Trans::No
            } else {
                Trans::Trans
            };
            rank_k_case::<c64>(
                true,
                false,
                uplo,
                trans,
                300,
                270,
                l,
                Special::Other,
                beta,
                threads,
                seed,
            );
            rank_k_case::<c32>(
                true,
                true,
                uplo,
                trans,
                300,
                270,
                l,
                Special::MinusOne,
                beta,
                threads,
                seed,
            );
            rank_k_case::<c64>(
                false,
                true,
                uplo,
                trans_s,
                300,
                270,
                l,
                Special::Other,
                beta,
                threads,
                seed,
            );
            rank_k_case::<c32>(
                false,
                false,
                uplo,
                trans_s,
                300,
                270,
                l,
                Special::One,
                beta,
                threads,
                seed,
            );
        }
    }
}

/// trmm and trsm split B's columns between threads when B is wide: each split is checked
/// against the reference (in `tri_case`) and must give the same bits as one thread, on both
/// sides and for lower and upper triangles. B is wide enough (600) that one thread's leaves
/// take it in two chunks (256 + 344) and two or three threads' in one each.
#[test]
fn column_split_trmm_trsm_match_one_thread_bitwise() {
    // m * m * n above the parallel threshold, n at least 2 x 128 columns.
    let (m, n) = (130, 600);
    for solve in [false, true] {
        for (side, uplo, trans) in [
            (Side::Left, Uplo::Lower, Trans::No),
            (Side::Left, Uplo::Upper, Trans::Trans),
            (Side::Right, Uplo::Upper, Trans::No),
        ] {
            let (bm, bn) = if side == Side::Left { (m, n) } else { (n, m) };
            tri_case::<f64>(
                solve,
                side,
                uplo,
                trans,
                Diag::NonUnit,
                bm,
                bn,
                Layout::COL_MAJOR,
                Special::Other,
                2,
                7,
            );
            let mut rng = Gen::new(11);
            let na = if side == Side::Left { bm } else { bn };
            let a = well_conditioned::<f64>(na, &mut rng);
            let b = Dense::<f64>::random(bm, bn, &mut rng, Data::Real);
            let (mut one, mut two, mut three) = (b.clone(), b.clone(), b.clone());
            for (out, threads) in [(&mut one, 1), (&mut two, 2), (&mut three, 3)] {
                let op = (solve, side, uplo, trans, Diag::NonUnit);
                tri_op(&fast(threads), op, 1.5, a.view(), out.view_mut());
            }
            let bits = |d: &Dense<f64>| {
                (0..bm * bn)
                    .map(|e| d.get(e % bm, e / bm).to_bits())
                    .collect::<Vec<_>>()
            };
            assert!(
                bits(&one) == bits(&two) && bits(&one) == bits(&three),
                "{side:?} {uplo:?} {trans:?} solve={solve}: 2 or 3 threads differ from 1"
            );
        }
    }
}

/// symm/hemm split C's columns, and the syrk family deals block columns out in groups, when
/// there are threads to spare: each is checked exactly against the reference at sizes that
/// split (every option), and on random data the bits of 2 and 3 threads equal those of 1.
#[test]
fn threaded_symm_and_rank_k_match_the_reference_and_one_thread_bitwise() {
    // symm: m * m * n above the parallel threshold, n at least 2 x 128 columns.
    for (side, uplo) in [(Side::Left, Uplo::Lower), (Side::Right, Uplo::Upper)] {
        let (m, n) = if side == Side::Left {
            (130, 300)
        } else {
            (300, 130)
        };
        symm_case::<f64>(
            false,
            side,
            uplo,
            m,
            n,
            Layout::COL_MAJOR,
            Special::Other,
            Special::Other,
            2,
            3,
        );
        symm_case::<c64>(
            true,
            side,
            uplo,
            m,
            n,
            Layout::COL_MAJOR,
            Special::One,
            Special::Zero,
            2,
            4,
        );
    }
    // The syrk family: n = 600 is four block columns of 192, k large enough to split.
    for (two, uplo, trans) in [
        (false, Uplo::Lower, Trans::No),
        (true, Uplo::Upper, Trans::Trans),
    ] {
        rank_k_case::<f64>(
            false,
            two,
            uplo,
            trans,
            600,
            40,
            Layout::COL_MAJOR,
            Special::Other,
            Special::MinusOne,
            2,
            5,
        );
        rank_k_case::<c32>(
            true,
            two,
            uplo,
            trans,
            600,
            40,
            Layout::COL_MAJOR,
            Special::One,
            Special::One,
            2,
            6,
        );
    }
    let mut rng = Gen::new(21);
    let a = Dense::<f64>::random(600, 600, &mut rng, Data::Real);
    let b = Dense::<f64>::random(600, 300, &mut rng, Data::Real);
    let bits = |d: &Dense<f64>| d.data.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let run = |threads: usize| {
        let f = fast(threads);
        let mut c = Dense::<f64>::random(600, 600, &mut Gen::new(1), Data::Real);
        f.syrk(Uplo::Lower, Trans::No, 0.5, a.view(), 2.0, c.view_mut())
            .unwrap();
        let mut c2 = Dense::<f64>::random(600, 300, &mut Gen::new(2), Data::Real);
        f.symm(
            Side::Left,
            Uplo::Upper,
            1.5,
            a.view(),
            b.view(),
            -1.0,
            c2.view_mut(),
        )
        .unwrap();
        (bits(&c), bits(&c2))
    };
    let one = run(1);
    for threads in [2, 3] {
        assert!(run(threads) == one, "{threads} threads differ from 1");
    }
}
