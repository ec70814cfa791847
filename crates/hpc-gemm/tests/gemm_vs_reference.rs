//! The fast GEMM against `hpc_core::reference`: every size up to 20 cubed, sizes around every
//! block edge of the kernel in use (MR, NR, MC, KC, NC, 127/128/129), every transpose and
//! layout, negative strides, alpha/beta in {0, 1, -1, other}, NaN-filled C with beta = 0,
//! sequential against parallel (bit for bit), and a residual check at sizes above 1000.
//!
//! Small-integer data make every sum exact, so most comparisons are `==`. Run under
//! `HPC_FORCE_ISA=scalar|avx2|avx512` to test each kernel family (`cargo xtask test` does).

use hpc_testing as common;

use common::*;
use hpc_core::reference::Reference;
use hpc_core::{Level3, MatMut, MatRef, RealScalar, Scalar, Trans, c32, c64};
use hpc_gemm::{Blocking, GemmScalar, Par, gemm_op, kernel_info, threads_for};
use num_traits::{Float, One};
use proptest::prelude::*;

/// Stored op(A) (`m x k` after `trans`) for dense logical content `m x k`.
fn stored_op<T: Scalar>(d: &Dense<T>, trans: Trans, layout: Layout) -> Stored<T> {
    let s = match trans {
        Trans::No => d.clone(),
        Trans::Trans => d.transpose(),
        Trans::ConjTrans => d.conj_transpose(),
    };
    Stored::new(&s, layout, nan())
}

struct Case {
    m: usize,
    n: usize,
    k: usize,
    ta: Trans,
    tb: Trans,
    la: Layout,
    lb: Layout,
    lc: Layout,
    alpha: Special,
    beta: Special,
    seed: u64,
}

/// Runs one case with exact data and asserts the result equals the reference's, that C's
/// gaps are untouched, and that beta = 0 let no NaN through.
fn check_exact<T: GemmScalar>(case: &Case, par: Par) {
    let mut rng = Gen::new(case.seed);
    let (m, n, k) = (case.m, case.n, case.k);
    let a = Dense::<T>::random(m, k, &mut rng, Data::Exact);
    let b = Dense::<T>::random(k, n, &mut rng, Data::Exact);
    let beta: T = case.beta.value();
    let c0 = if beta == T::zero() {
        Dense::from_fn(m, n, |_, _| nan())
    } else {
        Dense::<T>::random(m, n, &mut rng, Data::Exact)
    };
    let sa = stored_op(&a, case.ta, case.la);
    let sb = stored_op(&b, case.tb, case.lb);
    let alpha: T = case.alpha.value();
    let mut want = c0.clone();
    Reference
        .gemm(
            case.ta,
            case.tb,
            alpha,
            sa.view(),
            sb.view(),
            beta,
            want.view_mut(),
        )
        .unwrap();
    let mut sc = Stored::new(&c0, case.lc, nan());
    gemm_op(
        case.ta,
        case.tb,
        alpha,
        sa.view(),
        sb.view(),
        beta,
        sc.view_mut(),
        par,
    )
    .unwrap();
    let got = sc.to_dense();
    let what = format!(
        "{}gemm m={m} n={n} k={k} {:?}{:?} alpha={:?} beta={:?} C {:?}",
        T::PREFIX,
        case.ta,
        case.tb,
        case.alpha,
        case.beta,
        case.lc
    );
    assert_all(&got.data, &want.data, None, &what);
    assert!(sc.gaps_untouched(), "{what}: wrote outside C");
}

fn layouts() -> [Layout; 4] {
    let mut row = Layout::COL_MAJOR;
    row.row_major = true;
    row.pad = 1;
    let mut strided = Layout::COL_MAJOR;
    strided.step = 2;
    strided.pad = 3;
    let mut neg = Layout::COL_MAJOR;
    neg.neg_rows = true;
    neg.neg_cols = true;
    [Layout::COL_MAJOR, row, strided, neg]
}

fn every_size<T: GemmScalar>(step: usize) {
    let trans = [Trans::No, Trans::Trans, Trans::ConjTrans];
    let ls = layouts();
    let mut t = 0usize;
    for m in (0..=20).step_by(step) {
        for n in 0..=20 {
            for k in 0..=20 {
                t += 1;
                let case = Case {
                    m,
                    n,
                    k,
                    ta: trans[t % 3],
                    tb: trans[(t / 3) % 3],
                    la: ls[t % 4],
                    lb: ls[(t / 4) % 4],
                    lc: ls[(t / 16) % 4],
                    alpha: Special::ALL[(t / 7) % 4],
                    beta: Special::ALL[(t / 5) % 4],
                    seed: t as u64,
                };
                check_exact::<T>(&case, Par::Seq);
            }
        }
    }
}

/// Every block shape of the small path (`small.rs`: up to 4 vectors of rows by up to 6
/// columns, evened out, masked last vector) and the sizes around its limits (128 real, 96 c32, 80 c64):
/// m = 1..=33 and around 48, 64, 80, 96 and 128 against a spread of n and k up to 97; complex
/// types also conjugated.
fn every_small_block<T: GemmScalar>() {
    let trans = if T::IS_COMPLEX {
        &[Trans::No, Trans::Trans, Trans::ConjTrans][..]
    } else {
        &[Trans::No, Trans::Trans][..]
    };
    let ls = layouts();
    let mut t = 0usize;
    for m in (1..=33).chain([
        47, 48, 49, 63, 64, 65, 79, 80, 81, 95, 96, 97, 127, 128, 129,
    ]) {
        for n in [
            1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 31, 33, 64, 65, 80, 81, 96, 97, 127, 128, 129,
        ] {
            for k in [1, 6, 32, 63, 65, 80, 97, 128, 129] {
                t += 1;
                let case = Case {
                    m,
                    n,
                    k,
                    ta: trans[t % trans.len()],
                    tb: trans[(t / trans.len()) % trans.len()],
                    la: ls[t % 4],
                    lb: ls[(t / 4) % 4],
                    lc: ls[(t / 16) % 4],
                    alpha: Special::ALL[(t / 7) % 4],
                    beta: Special::ALL[(t / 5) % 4],
                    seed: t as u64,
                };
                check_exact::<T>(&case, Par::Seq);
            }
        }
    }
}

#[test]
fn every_small_path_block_f64_f32() {
    every_small_block::<f64>();
    every_small_block::<f32>();
}

#[test]
fn every_small_path_block_c32_c64() {
    every_small_block::<c32>();
    every_small_block::<c64>();
}

#[test]
fn every_size_up_to_20_cubed_f64() {
    every_size::<f64>(1);
}

#[test]
fn every_size_up_to_20_cubed_c32() {
    every_size::<c32>(1);
}

#[test]
fn every_third_size_up_to_20_cubed_f32_c64() {
    every_size::<f32>(3);
    every_size::<c64>(3);
}

/// Sizes around every block edge of the kernel this run uses, in elements of `T`.
fn edges<T: GemmScalar>() -> Vec<usize> {
    let (_, mr, nr) = kernel_info::<T>();
    let f = if T::IS_COMPLEX { 2 } else { 1 };
    let blk = Blocking::for_kernel(mr, nr, size_of::<T::Real>());
    let mut v = vec![1, 2, 15, 16, 17, 127, 128, 129];
    for e in [
        mr / f,
        2 * mr / f,
        nr,
        2 * nr,
        blk.mc / f,
        blk.kc / f,
        blk.nc,
        // m = k = this is where all of op(A) stops fitting one MC x KC block of A~ (LOOP 3
        // runs once below it, with B~ packed a micro-panel at a time).
        ((blk.mc / f * (blk.kc / f)) as f64).sqrt() as usize,
    ] {
        v.extend([e.saturating_sub(1).max(1), e, e + 1]);
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// Picks dimensions from the edge list, shrinking the smaller ones so that the whole product
/// stays cheap for the reference.
fn edge_dims<T: GemmScalar>(picks: (usize, usize, usize), limit: usize) -> (usize, usize, usize) {
    let e = edges::<T>();
    let mut d = [
        e[picks.0 % e.len()],
        e[picks.1 % e.len()],
        e[picks.2 % e.len()],
    ];
    while d[0] * d[1] * d[2] > limit {
        let small = (0..3).filter(|&i| d[i] > 1).min_by_key(|&i| d[i]).unwrap();
        // Shrink the smallest dimension that is not 1 towards a tail size.
        d[small] = (d[small] / 4).max(1);
    }
    (d[0], d[1], d[2])
}

macro_rules! edge_properties {
    ($name:ident, $t:ty) => {
        proptest! {
            #![proptest_config(ProptestConfig { cases: 48, ..config() })]
            #[test]
            fn $name(
                picks in (0usize..64, 0usize..64, 0usize..64),
                ta in trans(), tb in trans(),
                la in layout(), lb in layout(), lc in layout(),
                alpha in special(), beta in special(),
                threads in 1usize..4,
                seed in any::<u64>(),
            ) {
                let (m, n, k) = edge_dims::<$t>(picks, 3_000_000);
                let case = Case { m, n, k, ta, tb, la, lb, lc, alpha, beta, seed };
                check_exact::<$t>(&case, Par::from_count(threads));
            }
        }
    };
}
edge_properties!(block_edges_f32, f32);
edge_properties!(block_edges_f64, f64);
edge_properties!(block_edges_c32, c32);
edge_properties!(block_edges_c64, c64);

/// Random data in [-1, 1]: each element within `k * eps * (|alpha| |A| |B| + |beta| |C|)`
/// (times a small constant) of the reference, computed from the absolute values.
fn check_bound<T: GemmScalar>(m: usize, n: usize, k: usize, ta: Trans, tb: Trans, seed: u64) {
    let mut rng = Gen::new(seed);
    let a = Dense::<T>::random(m, k, &mut rng, Data::Real);
    let b = Dense::<T>::random(k, n, &mut rng, Data::Real);
    let c0 = Dense::<T>::random(m, n, &mut rng, Data::Real);
    let (alpha, beta): (T, T) = (scalar(0.75, -0.5), scalar(-1.25, 0.25));
    let sa = stored_op(&a, ta, Layout::COL_MAJOR);
    let sb = stored_op(&b, tb, Layout::COL_MAJOR);
    let mut want = c0.clone();
    Reference
        .gemm(ta, tb, alpha, sa.view(), sb.view(), beta, want.view_mut())
        .unwrap();
    let mut got = c0.clone();
    gemm_op(
        ta,
        tb,
        alpha,
        sa.view(),
        sb.view(),
        beta,
        got.view_mut(),
        Par::default_for_process(),
    )
    .unwrap();
    // |A| |B| with absolute values: every element of A and B is at most sqrt(2) in modulus.
    let eps = T::Real::epsilon().to_f64();
    let bound = 4.0 * (k as f64 + 2.0) * eps * (2.0 * k as f64 * 1.0 + 2.0);
    for (g, w) in got.data.iter().zip(&want.data) {
        let err = (*g - *w).abs1().to_f64();
        assert!(
            err <= bound,
            "{}gemm {m}x{n}x{k} {ta:?}{tb:?}: error {err} > bound {bound}",
            T::PREFIX
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..config() })]
    #[test]
    fn random_data_within_the_error_bound(
        m in 1usize..300, n in 1usize..300, k in 1usize..300,
        ta in trans(), tb in trans(), seed in any::<u64>(),
    ) {
        check_bound::<f32>(m, n, k, ta, tb, seed);
        check_bound::<f64>(m, n, k, ta, tb, seed);
        check_bound::<c32>(m, n, k, ta, tb, seed);
        check_bound::<c64>(m, n, k, ta, tb, seed);
    }
}

/// Runs a product with random (inexact) data on `par`, returning C.
fn product_on<T: GemmScalar>(m: usize, n: usize, k: usize, seed: u64, par: Par) -> Vec<T> {
    let mut rng = Gen::new(seed);
    let a = Dense::<T>::random(m, k, &mut rng, Data::Real);
    let b = Dense::<T>::random(k, n, &mut rng, Data::Real);
    let mut c = Dense::<T>::random(m, n, &mut rng, Data::Real);
    gemm_op(
        Trans::No,
        Trans::Trans,
        scalar(1.5, 0.5),
        a.view(),
        b.transpose().view(),
        scalar(0.5, -1.0),
        c.view_mut(),
        par,
    )
    .unwrap();
    c.data
}

/// 1, 2, 3 and 4 threads give the same bits: shapes split by row shares (1000 x 40,
/// 257 x 300, 200 x 400 except f32), by row shares with threads left over inside each share
/// (150 x 100 at 4 threads in f64 and c32: two shares, each split by micro-panels of B), by
/// micro-panels of B alone (f32's 200 x 400 and 150 x 100, too short for row shares), by
/// column shares (30 x 1200, and the large, deep, about square 1040 x 1030 x 520), and by
/// column shares with threads left over inside each share (600 x 600 and 700 x 1100 at 4
/// threads), and on the small path, split by columns (128 x 128 x 128 real, 72 x 96 x 96 c32)
/// or by rows (128 x 127 x 128 real, 80 x 72 x 80 c64). 4500 x 150 x 32 is shallow: its
/// blocks of A~ are many MC tall (`mc_for_depth`), two of them on one thread.
fn threads_do_not_change_a_bit<T: GemmScalar>() {
    for (m, n, k) in [
        (128, 128, 128),
        (128, 127, 128),
        (72, 96, 96),
        (80, 72, 80),
        (257, 300, 513),
        (1040, 1030, 520),
        (1000, 40, 300),
        (30, 1200, 400),
        (600, 600, 64),
        (700, 1100, 230),
        (200, 400, 600),
        (150, 100, 600),
        (4500, 150, 32),
    ] {
        let seq = product_on::<T>(m, n, k, 7, Par::Seq);
        for t in [2, 3, 4] {
            let par = product_on::<T>(m, n, k, 7, Par::from_count(t));
            assert!(
                seq.iter().zip(&par).all(|(x, y)| same(*x, *y)),
                "{}gemm {m}x{n}x{k}: {t} threads differ from 1",
                T::PREFIX
            );
        }
        // Inside a rayon pool of 3 threads, the call uses that pool.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let in_pool = pool.install(|| product_on::<T>(m, n, k, 7, Par::from_count(8)));
        assert!(seq.iter().zip(&in_pool).all(|(x, y)| same(*x, *y)));
    }
}

/// The small shapes of [`threads_do_not_change_a_bit`] do take several threads (so that test
/// compares split runs with whole ones), and the threshold counts each type's time: f32 half
/// of f64's multiply-adds, complex four times.
#[test]
fn small_products_split_across_threads_above_the_threshold() {
    if hpc_gemm::max_threads() < 2 {
        println!("skipped: a call can use one thread only on this machine");
        return;
    }
    let two = Par::from_count(2);
    assert_eq!(threads_for::<f64>(two, 128, 128, 128), 2);
    assert_eq!(threads_for::<f32>(two, 128, 127, 128), 2);
    assert_eq!(threads_for::<c64>(two, 80, 72, 80), 2);
    assert_eq!(threads_for::<c32>(two, 72, 96, 96), 2);
    // Just above and just below two shares of 40^3 f64 multiply-adds.
    assert_eq!(threads_for::<f64>(two, 51, 51, 51), 2);
    assert_eq!(threads_for::<f64>(two, 50, 50, 50), 1);
    assert_eq!(threads_for::<f32>(two, 64, 64, 64), 2);
    assert_eq!(threads_for::<f32>(two, 63, 63, 63), 1);
    assert_eq!(threads_for::<c64>(two, 32, 32, 32), 2);
    assert_eq!(threads_for::<c64>(two, 31, 31, 31), 1);
    assert_eq!(threads_for::<c32>(two, 40, 40, 40), 2);
    assert_eq!(threads_for::<c32>(two, 40, 40, 39), 1);
    assert_eq!(threads_for::<f64>(Par::Seq, 1000, 1000, 1000), 1);
}

#[test]
fn threads_do_not_change_a_bit_f64_c32() {
    threads_do_not_change_a_bit::<f64>();
    threads_do_not_change_a_bit::<c32>();
}

#[test]
fn threads_do_not_change_a_bit_f32_c64() {
    threads_do_not_change_a_bit::<f32>();
    threads_do_not_change_a_bit::<c64>();
}

/// BLIS's residual check for large sizes: `C x` against `beta C0 x + alpha A (B x)` for a
/// random vector `x`, in O(n^2).
fn residual<T: GemmScalar>(m: usize, n: usize, k: usize, ta: Trans, tb: Trans) {
    let mut rng = Gen::new(99);
    let a = Dense::<T>::random(m, k, &mut rng, Data::Real);
    let b = Dense::<T>::random(k, n, &mut rng, Data::Real);
    let c0 = Dense::<T>::random(m, n, &mut rng, Data::Real);
    let x = Dense::<T>::random(n, 1, &mut rng, Data::Real);
    let (alpha, beta): (T, T) = (scalar(-0.5, 1.0), scalar(2.0, 0.0));
    let sa = stored_op(&a, ta, Layout::COL_MAJOR);
    let sb = stored_op(&b, tb, Layout::COL_MAJOR);
    let mut c = c0.clone();
    gemm_op(
        ta,
        tb,
        alpha,
        sa.view(),
        sb.view(),
        beta,
        c.view_mut(),
        Par::default_for_process(),
    )
    .unwrap();
    let cx = c.matmul(&x);
    let want = c0.matmul(&x);
    let abx = a.matmul(&b.matmul(&x));
    let eps = T::Real::epsilon().to_f64();
    // Each entry of C x sums n * (k products): the error grows like k * sqrt(n) on random data;
    // bound it by k * n * eps times a small constant (values are at most sqrt(2)).
    let bound = 8.0 * (k as f64) * (n as f64).sqrt() * eps * 4.0 + 64.0 * n as f64 * eps;
    for i in 0..m {
        let w = beta * want.get(i, 0) + alpha * abx.get(i, 0);
        let err = (cx.get(i, 0) - w).abs1().to_f64();
        assert!(
            err <= bound,
            "{}gemm {m}x{n}x{k} {ta:?}{tb:?}: residual {err} > {bound} in row {i}",
            T::PREFIX
        );
    }
}

#[test]
fn large_sizes_pass_the_residual_check() {
    // Large, deep and about square: column shares on two threads or more.
    residual::<f64>(1100, 1030, 1050, Trans::No, Trans::No);
    residual::<f32>(1030, 1010, 1200, Trans::Trans, Trans::No);
    residual::<c64>(700, 1020, 650, Trans::ConjTrans, Trans::Trans);
    residual::<c32>(1001, 300, 1003, Trans::No, Trans::ConjTrans);
    // Skinny: B's micro-panels are read in place (column-major op(B)) or packed one by one.
    residual::<f64>(60, 2000, 1500, Trans::No, Trans::No);
    residual::<f32>(33, 1500, 2100, Trans::Trans, Trans::Trans);
}

/// One MC block of rows with column-major B whose column stride is a multiple of 2 KiB (B's
/// columns alias in L1): past two passes of LOOP 1, B's full micro-panels are copied to a
/// buffer whose column stride does not alias and read there in place (the last, partial one
/// is packed); up to two passes they are read in place where they are. All exactly equal to
/// the reference, with every special alpha and beta.
#[test]
fn aliasing_column_strides_match_the_reference() {
    for (t, &(m, n, k)) in [(70, 100, 256), (20, 60, 512), (100, 40, 1024)]
        .iter()
        .enumerate()
    {
        for (s, &beta) in Special::ALL.iter().enumerate() {
            let case = Case {
                m,
                n,
                k,
                ta: Trans::No,
                tb: Trans::No,
                la: Layout::COL_MAJOR,
                lb: Layout::COL_MAJOR,
                lc: Layout::COL_MAJOR,
                alpha: Special::ALL[(s + 2) % 4],
                beta,
                seed: (t * 4 + s) as u64,
            };
            check_exact::<f64>(&case, Par::Seq);
            check_exact::<f32>(&case, Par::from_count(2));
        }
    }
}

/// The wide register block (kernel contract point 13) of a short, wide product (at most four
/// wide micro-panels of rows, at least twice as many columns as rows, B's columns
/// contiguous): row counts around its micro-panel's height (twice the kernel's MR on
/// AVX-512; elsewhere these shapes take the other paths, and are checked all the same), every
/// column tail of its 6-column groups, depths across KC (with an aliasing leading dimension at
/// k = 512), every layout of A, B with its columns reversed, every special alpha and beta, on
/// one and two threads. All exactly equal to the reference.
fn wide_block_matches_the_reference<T: GemmScalar>() {
    let (_, mr, _) = kernel_info::<T>();
    let w = 2 * mr;
    let mut neg_cols = Layout::COL_MAJOR;
    neg_cols.neg_cols = true;
    let mut case_no = 0;
    for m in [w / 2 + 1, w - 1, w, w + 1, 2 * w + 3, 4 * w] {
        for k in [1, 9, 512, 520] {
            for tail in [0, 1, 5] {
                let n = 2 * m + tail + (m % 3);
                let c = case_no;
                case_no += 1;
                let case = Case {
                    m,
                    n,
                    k,
                    ta: Trans::No,
                    tb: Trans::No,
                    la: layouts()[c % 4],
                    lb: if c % 5 == 4 {
                        neg_cols
                    } else {
                        Layout::COL_MAJOR
                    },
                    lc: if c % 7 == 6 {
                        layouts()[2]
                    } else {
                        Layout::COL_MAJOR
                    },
                    alpha: Special::ALL[(c + 1) % 4],
                    beta: Special::ALL[c % 4],
                    seed: c as u64,
                };
                check_exact::<T>(
                    &case,
                    if c % 2 == 0 {
                        Par::Seq
                    } else {
                        Par::from_count(2)
                    },
                );
            }
        }
    }
}

#[test]
fn wide_block_matches_the_reference_f64() {
    wide_block_matches_the_reference::<f64>();
}

#[test]
fn wide_block_matches_the_reference_f32() {
    wide_block_matches_the_reference::<f32>();
}

/// Tall products on one thread whose wide block (on Zen 4, or under `HPC_CPU=zen4`) copies
/// each KC slice of op(B) while the first block of A~ reads it, the other blocks reading the
/// copy (`loops::COPY_B_BLOCKS`; with the test blocking of `cargo xtask test`,
/// `HPC_MC=32 HPC_KC=24 HPC_NC=140`, every tall product here and above does): two slices of
/// 515, B's columns reversed or not, a tail of the 6-column groups, special alpha and beta.
/// Exactly equal to the reference.
#[test]
fn tall_products_reading_a_copy_of_b_match_the_reference() {
    let mut neg_cols = Layout::COL_MAJOR;
    neg_cols.neg_cols = true;
    for (c, (m, n, k)) in [(2400, 130, 1030), (2333, 121, 1030)]
        .into_iter()
        .enumerate()
    {
        let case = Case {
            m,
            n,
            k,
            ta: Trans::No,
            tb: Trans::No,
            la: layouts()[c * 3 % 4],
            lb: if c == 0 { neg_cols } else { Layout::COL_MAJOR },
            lc: Layout::COL_MAJOR,
            alpha: Special::ALL[(c + 1) % 4],
            beta: Special::ALL[2 * c % 4],
            seed: 40 + c as u64,
        };
        check_exact::<f64>(&case, Par::Seq);
    }
}

/// Narrow products over several blocks of A~ on one thread, whose kernel calls on B~ in column
/// form prefetch the next block of op(A) meanwhile (`stream_a` in `loops::run`): a partial last
/// micro-panel of B (40 and 110 columns) or none (28), one and two KC slices, op(A) in place
/// with unit row stride (streamed) and transposed (not), every special alpha and beta. All
/// exactly equal to the reference.
#[test]
fn narrow_products_on_one_thread_match_the_reference() {
    for (c, (m, n, k)) in [(1000, 40, 300), (333, 28, 700), (800, 110, 150)]
        .into_iter()
        .enumerate()
    {
        for (t, ta) in [Trans::No, Trans::Trans].into_iter().enumerate() {
            let case = Case {
                m,
                n,
                k,
                ta,
                tb: Trans::No,
                la: Layout::COL_MAJOR,
                lb: Layout::COL_MAJOR,
                lc: Layout::COL_MAJOR,
                alpha: Special::ALL[(c + t + 1) % 4],
                beta: Special::ALL[(2 * c + t) % 4],
                seed: (10 * c + t) as u64,
            };
            check_exact::<f64>(&case, Par::Seq);
            check_exact::<f32>(&case, Par::Seq);
        }
    }
}

/// `C <- beta C + alpha A B` into an `m x n` C whose columns (leading dimension a multiple of
/// 64 bytes) start `off` bytes into a cache line; returns C.
fn product_into<T: GemmScalar>(
    (a, b, c0): (&Dense<T>, &Dense<T>, &Dense<T>),
    (alpha, beta): (T, T),
    off: usize,
    par: Par,
) -> Vec<T> {
    let (m, n) = (c0.rows, c0.cols);
    let size = size_of::<T>();
    let ld = (m * size).next_multiple_of(64) / size;
    let mut buf = vec![T::zero(); ld * n + 128 / size];
    let start = (0..128 / size)
        .find(|&i| (buf.as_ptr() as usize + i * size) % 64 == off)
        .expect("an element at that offset");
    let c = &mut buf[start..start + ld * n];
    for j in 0..n {
        for i in 0..m {
            c[i + j * ld] = c0.get(i, j);
        }
    }
    let cv = MatMut::from_col_major(c, m, n, ld).unwrap();
    gemm_op(
        Trans::No,
        Trans::No,
        alpha,
        a.view(),
        b.view(),
        beta,
        cv,
        par,
    )
    .unwrap();
    (0..n)
        .flat_map(|j| c[j * ld..j * ld + m].to_vec())
        .collect()
}

/// A C whose columns start 16 or 40 bytes into a cache line: a shallow product computes the
/// rows above its first line-aligned row on their own (`canonical::rows_to_align`). Exactly
/// the reference (small integers), and on random data bit for bit what the same product gives
/// into an aligned C, on one thread and two: rows above of the small path (n <= 128) and the
/// packed one, split or not (k = 129 is past the depth that splits), every special beta, alpha
/// 1, -1 and other.
fn misaligned_c_matches<T: GemmScalar>() {
    for (c, (m, n, k)) in [
        (300, 70, 64),
        (257, 200, 128),
        (256, 64, 1),
        (400, 150, 129),
    ]
    .into_iter()
    .enumerate()
    {
        let (alpha, beta): (T, T) = (Special::ALL[c % 3 + 1].value(), Special::ALL[c % 4].value());
        for data in [Data::Exact, Data::Real] {
            let mut rng = Gen::new(c as u64);
            let a = Dense::<T>::random(m, k, &mut rng, data);
            let b = Dense::<T>::random(k, n, &mut rng, data);
            let c0 = Dense::<T>::random(m, n, &mut rng, data);
            let aligned = product_into((&a, &b, &c0), (alpha, beta), 0, Par::Seq);
            if data == Data::Exact {
                let mut want = c0.clone();
                Reference
                    .gemm(
                        Trans::No,
                        Trans::No,
                        alpha,
                        a.view(),
                        b.view(),
                        beta,
                        want.view_mut(),
                    )
                    .unwrap();
                assert_all(&aligned, &want.data, None, "aligned C");
            }
            for off in [16, 40] {
                for par in [Par::Seq, Par::from_count(2)] {
                    let got = product_into((&a, &b, &c0), (alpha, beta), off, par);
                    assert!(
                        got.iter().zip(&aligned).all(|(x, y)| same(*x, *y)),
                        "{}gemm {m}x{n}x{k}, C {off} bytes into a line, {par:?}: differs from \
                         an aligned C",
                        T::PREFIX
                    );
                }
            }
        }
    }
}

#[test]
fn misaligned_c_matches_the_reference_and_aligned_c() {
    misaligned_c_matches::<f64>();
    misaligned_c_matches::<f32>();
}

fn nan_and_inf_propagate<T: GemmScalar>() {
    let (m, n, k) = (37, 33, 29);
    let mut rng = Gen::new(5);
    let mut a = Dense::<T>::random(m, k, &mut rng, Data::Real);
    let mut b = Dense::<T>::random(k, n, &mut rng, Data::Real);
    a.set(3, 7, nan());
    let inf = T::from_real(T::Real::infinity());
    b.set(11, 20, inf);
    let mut c = Dense::<T>::from_fn(m, n, |_, _| T::one());
    let mut want = c.clone();
    Reference
        .gemm(
            Trans::No,
            Trans::No,
            T::one(),
            a.view(),
            b.view(),
            T::zero(),
            want.view_mut(),
        )
        .unwrap();
    gemm_op(
        Trans::No,
        Trans::No,
        T::one(),
        a.view(),
        b.view(),
        T::zero(),
        c.view_mut(),
        Par::Seq,
    )
    .unwrap();
    for j in 0..n {
        for i in 0..m {
            let (g, w) = (c.get(i, j), want.get(i, j));
            let bad = |x: T| !x.all_finite();
            assert_eq!(bad(g), bad(w), "({i}, {j}): {g} vs reference {w}");
            if !T::IS_COMPLEX {
                assert!(same(g, w) || close(g, w, tol(k)), "({i}, {j}): {g} vs {w}");
            }
        }
    }
    // NaN in A reaches its whole row; Inf in B its whole column.
    assert!((0..n).all(|j| c.get(3, j).has_nan()));
    assert!((0..m).all(|i| !c.get(i, 20).all_finite()));
}

#[test]
fn nan_and_inf_propagate_as_in_the_reference() {
    nan_and_inf_propagate::<f32>();
    nan_and_inf_propagate::<f64>();
    nan_and_inf_propagate::<c32>();
    nan_and_inf_propagate::<c64>();
}

#[test]
fn shape_errors_are_reported() {
    let a = [0.0f64; 6];
    let mut c = [0.0f64; 4];
    let av = MatRef::from_col_major(&a, 2, 3, 2).unwrap();
    let bv = MatRef::from_col_major(&a, 2, 3, 2).unwrap();
    let err = gemm_op(
        Trans::No,
        Trans::No,
        1.0,
        av,
        bv,
        0.0,
        MatMut::from_col_major(&mut c, 2, 2, 2).unwrap(),
        Par::Seq,
    )
    .unwrap_err();
    assert_eq!(err.kind(), hpc_core::ErrorKind::DimensionMismatch);
    assert!(
        err.to_string().contains("op(B) must have k = 3 rows"),
        "{err}"
    );
    let err = gemm_op(
        Trans::No,
        Trans::Trans,
        1.0,
        av,
        bv,
        0.0,
        MatMut::from_col_major(&mut c, 1, 2, 1).unwrap(),
        Par::Seq,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("C is 1 x 2 but op(A) op(B) is 2 x 2"),
        "{err}"
    );
}

#[test]
fn the_selected_kernel_is_reported() {
    use hpc_gemm::Isa;
    let (name, mr, nr) = kernel_info::<f64>();
    println!(
        "dgemm kernel: {name} ({mr} x {nr}); sgemm: {:?}",
        kernel_info::<f32>()
    );
    // What the CPU offers, found here with std's detection rather than the registry's.
    #[cfg(target_arch = "x86_64")]
    let offered = {
        use std::arch::is_x86_feature_detected as has;
        let v3 = has!("avx2") && has!("fma") && has!("bmi2") && has!("f16c") && has!("lzcnt");
        let v4 = has!("avx512f") && has!("avx512bw") && has!("avx512cd") && has!("avx512dq");
        if v3 && v4 && has!("avx512vl") {
            Isa::Avx512
        } else if v3 {
            Isa::Avx2
        } else {
            Isa::Scalar
        }
    };
    #[cfg(target_arch = "aarch64")]
    let offered = Isa::Neon;
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    let offered = Isa::Scalar;
    assert_eq!(hpc_gemm::detected_isa(), offered);
    let want = match std::env::var("HPC_FORCE_ISA") {
        Ok(v) => Isa::parse(&v).filter(|i| i.available()).unwrap_or(offered),
        Err(_) => offered,
    };
    assert_eq!(hpc_gemm::selected_isa(), want);
    let token = match want {
        Isa::Scalar => "generic",
        Isa::Avx2 => "x86_v3",
        Isa::Avx512 => "x86_v4",
        Isa::Neon => "neon",
    };
    assert!(name.contains(token), "selected {want:?} but kernel {name}");
    let _ = <f64 as One>::one();
    let _ = <f64 as RealScalar>::safmin();
}
