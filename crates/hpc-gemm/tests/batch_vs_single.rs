//! `gemm_batch` against a loop of single `gemm_op` calls on the same matrices, bit for bit
//! (each product of a batch is the single GEMM on its operands): every type and transpose,
//! stacks contiguous, padded, reversed (negative batch stride) and broadcast (batch stride 0 for
//! A or B), matrices column- or row-major, alpha/beta in {0, 1, -1, other}, NaN in C with
//! beta = 0, on 1, 2 and 3 threads; and the argument errors. `gemm_batch_grouped` likewise:
//! groups of products with their own shapes, transposes and scalars.

use hpc_testing as common;

use common::*;
use hpc_core::check::extent;
use hpc_core::{BatchMut, BatchRef, ErrorKind, MatRef, Scalar, Trans, c32, c64};
use hpc_gemm::{GemmScalar, Par, gemm_batch, gemm_op};
use proptest::prelude::*;

/// How a stack is laid out: its matrices' order, the gap between them, the direction.
#[derive(Clone, Copy, Debug)]
struct StackLayout {
    row_major: bool,
    gap: usize,
    reversed: bool,
    broadcast: bool,
}

fn stack_layout() -> impl Strategy<Value = StackLayout> {
    (
        any::<bool>(),
        0usize..3,
        any::<bool>(),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(row_major, gap, reversed, broadcast)| StackLayout {
            row_major,
            gap,
            reversed,
            broadcast,
        })
}

/// The strides of a stack of `count` matrices of `rows x cols` laid out as `l`
/// (`broadcast` honoured only where `allow_broadcast`), and a buffer of random values for it.
fn stack<T: Scalar>(
    (count, rows, cols): (usize, usize, usize),
    l: StackLayout,
    allow_broadcast: bool,
    rng: &mut Gen,
) -> (Vec<T>, (isize, isize, isize)) {
    let (rs, cs) = if l.row_major {
        (cols.max(1) as isize, 1)
    } else {
        (1, rows.max(1) as isize)
    };
    let size = (rows * cols).max(1) + l.gap;
    let bs = if l.broadcast && allow_broadcast {
        0
    } else if l.reversed {
        -(size as isize)
    } else {
        size as isize
    };
    let len = extent(&[count.max(1), rows.max(1), cols.max(1)], &[bs, rs, cs])
        .map_or(0, |(_, span)| span + 1);
    let data = (0..len)
        .map(|_| scalar::<T>(rng.small_int(), rng.small_int()))
        .collect();
    (data, (bs, rs, cs))
}

#[allow(clippy::too_many_arguments)]
fn check<T: GemmScalar>(
    count: usize,
    (m, n, k): (usize, usize, usize),
    (transa, transb): (Trans, Trans),
    layouts: [StackLayout; 3],
    (alpha, beta): (Special, Special),
    seed: u64,
) {
    let mut rng = Gen::new(seed);
    let (alpha, beta) = (alpha.value::<T>(), beta.value::<T>());
    let stored = |t: Trans, r: usize, c: usize| if t == Trans::No { (r, c) } else { (c, r) };
    let (ar, ac) = stored(transa, m, k);
    let (br, bc) = stored(transb, k, n);
    let (adata, astr) = stack::<T>((count, ar, ac), layouts[0], true, &mut rng);
    let (bdata, bstr) = stack::<T>((count, br, bc), layouts[1], true, &mut rng);
    let (mut cdata, cstr) = stack::<T>((count, m, n), layouts[2], false, &mut rng);
    if beta == T::zero() {
        cdata.fill(nan());
    }
    let a = BatchRef::from_strided(&adata, (count, ar, ac), astr).unwrap();
    let b = BatchRef::from_strided(&bdata, (count, br, bc), bstr).unwrap();
    let mut want = cdata.clone();
    {
        let mut c = BatchMut::from_strided(&mut want, (count, m, n), cstr).unwrap();
        for i in 0..count {
            gemm_op(
                transa,
                transb,
                alpha,
                a.get(i),
                b.get(i),
                beta,
                c.get_mut(i),
                Par::Seq,
            )
            .unwrap();
        }
    }
    for threads in [1, 2, 3] {
        let mut got = cdata.clone();
        let c = BatchMut::from_strided(&mut got, (count, m, n), cstr).unwrap();
        gemm_batch(
            transa,
            transb,
            alpha,
            a,
            b,
            beta,
            c,
            Par::from_count(threads),
        )
        .unwrap();
        for (e, (&g, &w)) in got.iter().zip(&want).enumerate() {
            assert!(
                same(g, w),
                "count {count}, {m} x {n} x {k}, {transa:?}/{transb:?}, {layouts:?}, {threads} threads: element {e} of C's buffer is {g}, the loop of single calls gives {w}"
            );
        }
    }
}

fn trans() -> impl Strategy<Value = Trans> {
    prop_oneof![Just(Trans::No), Just(Trans::Trans), Just(Trans::ConjTrans)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..config() })]
    #[test]
    fn batch_matches_single_calls(count in 0usize..6, m in 0usize..12, n in 0usize..12,
                                  k in 0usize..12, ta in trans(), tb in trans(),
                                  la in stack_layout(), lb in stack_layout(), lc in stack_layout(),
                                  alpha in special(), beta in special(), seed in any::<u64>(),
                                  ty in 0usize..4) {
        let args = (count, (m, n, k), (ta, tb), [la, lb, lc], (alpha, beta), seed);
        match ty {
            0 => check::<f32>(args.0, args.1, args.2, args.3, args.4, args.5),
            1 => check::<f64>(args.0, args.1, args.2, args.3, args.4, args.5),
            2 => check::<c32>(args.0, args.1, args.2, args.3, args.4, args.5),
            _ => check::<c64>(args.0, args.1, args.2, args.3, args.4, args.5),
        }
    }
}

/// Many small products (shared out whole between threads) and a few large ones (each on every
/// thread), both against single calls on 1, 2 and 3 threads.
#[test]
fn small_and_large_products() {
    let contiguous = StackLayout {
        row_major: false,
        gap: 0,
        reversed: false,
        broadcast: false,
    };
    let broadcast = StackLayout {
        broadcast: true,
        ..contiguous
    };
    let specials = (Special::Other, Special::Other);
    let none = (Trans::No, Trans::No);
    check::<f64>(3000, (4, 4, 4), none, [contiguous; 3], specials, 1);
    check::<c32>(
        500,
        (8, 8, 8),
        (Trans::ConjTrans, Trans::No),
        [contiguous; 3],
        specials,
        2,
    );
    check::<f64>(
        3,
        (150, 130, 140),
        none,
        [contiguous, broadcast, contiguous],
        specials,
        3,
    );
    check::<f32>(
        40,
        (32, 32, 32),
        (Trans::No, Trans::Trans),
        [contiguous; 3],
        specials,
        4,
    );
}

#[test]
fn argument_errors() {
    let data = vec![1.0f64; 64];
    let mut out = vec![0.0f64; 64];
    let a = BatchRef::from_strided(&data, (3, 2, 2), (4, 1, 2)).unwrap();
    let b = BatchRef::from_strided(&data, (2, 2, 2), (4, 1, 2)).unwrap();
    let c = BatchMut::from_strided(&mut out, (3, 2, 2), (4, 1, 2)).unwrap();
    let err = gemm_batch(Trans::No, Trans::No, 1.0, a, b, 0.0, c, Par::Seq).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DimensionMismatch, "{err}");
    assert!(err.to_string().contains("gemm_batch"), "{err}");
    // Shapes that do not agree.
    let b3 = BatchRef::from_strided(&data, (3, 3, 2), (6, 1, 3)).unwrap();
    let c = BatchMut::from_strided(&mut out, (3, 2, 2), (4, 1, 2)).unwrap();
    let err = gemm_batch(Trans::No, Trans::No, 1.0, a, b3, 0.0, c, Par::Seq).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DimensionMismatch, "{err}");
    // A writable stack whose matrices overlap (batch stride 0, or too small) is refused.
    for bs in [0, 2] {
        let err = BatchMut::from_strided(&mut out, (3, 2, 2), (bs, 1, 2)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    }
    // A stack that does not fit its slice.
    let err = BatchRef::from_strided(&data, (17, 2, 2), (4, 1, 2)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BufferTooSmall, "{err}");
}

/// One matrix repeated over a stack (`BatchRef::repeat`), and one writable matrix as a stack
/// of one (`BatchMut::single`), give the single calls' results.
#[test]
fn repeat_and_single() {
    use hpc_core::MatMut;
    let mut rng = Gen::new(9);
    let av: Vec<f64> = (0..12).map(|_| rng.small_int()).collect();
    let bv: Vec<f64> = (0..4 * 5 * 7).map(|_| rng.small_int()).collect();
    // A is 3 x 4, row-major; B a stack of 7 of 4 x 5; C a stack of 7 of 3 x 5.
    let a = MatRef::from_row_major(&av, 3, 4, 4).unwrap();
    let b = BatchRef::from_strided(&bv, (7, 4, 5), (20, 1, 4)).unwrap();
    let (mut got, mut want) = (vec![0.5; 7 * 15], vec![0.5; 7 * 15]);
    let c = BatchMut::from_strided(&mut got, (7, 3, 5), (15, 1, 3)).unwrap();
    gemm_batch(
        Trans::No,
        Trans::No,
        2.0,
        BatchRef::repeat(a, 7),
        b,
        -1.0,
        c,
        Par::Seq,
    )
    .unwrap();
    for i in 0..7 {
        let c = MatMut::from_col_major(&mut want[i * 15..(i + 1) * 15], 3, 5, 3).unwrap();
        gemm_op(Trans::No, Trans::No, 2.0, a, b.get(i), -1.0, c, Par::Seq).unwrap();
    }
    assert_eq!(got, want);
    let (mut one, mut single) = (vec![0.5; 15], vec![0.5; 15]);
    let c = MatMut::from_col_major(&mut one, 3, 5, 3).unwrap();
    let stack = BatchMut::single(c);
    gemm_batch(
        Trans::No,
        Trans::No,
        1.0,
        BatchRef::repeat(a, 1),
        BatchRef::from_strided(&bv[..20], (1, 4, 5), (0, 1, 4)).unwrap(),
        0.0,
        stack,
        Par::Seq,
    )
    .unwrap();
    let c = MatMut::from_col_major(&mut single, 3, 5, 3).unwrap();
    gemm_op(Trans::No, Trans::No, 1.0, a, b.get(0), 0.0, c, Par::Seq).unwrap();
    assert_eq!(one, single);
}

/// A product of a test group: `(m, n, k)`, row-major?, and its A, B and C buffers.
type TestProduct<T> = ((usize, usize, usize), bool, [Vec<T>; 3]);
/// A group of [`grouped`]'s specification: transposes, alpha and beta, each product's sizes.
type GroupSpec = (
    (Trans, Trans),
    (Special, Special),
    Vec<(usize, usize, usize)>,
);
/// Each group's A and B views.
type Views<'a, T> = Vec<(Vec<MatRef<'a, T>>, Vec<MatRef<'a, T>>)>;

/// One group's products for [`grouped`]: transposes, scalars, and per product its shapes,
/// storage order and the A, B and C buffers.
struct TestGroup<T> {
    trans: (Trans, Trans),
    scalars: (T, T),
    products: Vec<TestProduct<T>>,
}

/// `gemm_batch_grouped` on groups of products with their own shapes against a loop of
/// `gemm_op` on 1, 2 and 3 threads, bit for bit.
fn grouped<T: GemmScalar>(spec: &[GroupSpec], seed: u64) {
    use hpc_core::MatMut;
    use hpc_gemm::{GemmGroup, gemm_batch_grouped};
    let mut rng = Gen::new(seed);
    let stored = |t: Trans, r: usize, c: usize| if t == Trans::No { (r, c) } else { (c, r) };
    let mut rand = |len: usize| -> Vec<T> {
        (0..len.max(1))
            .map(|_| scalar::<T>(rng.small_int(), rng.small_int()))
            .collect()
    };
    let groups: Vec<TestGroup<T>> = spec
        .iter()
        .enumerate()
        .map(|(g, (trans, (alpha, beta), dims))| TestGroup {
            trans: *trans,
            scalars: (alpha.value::<T>(), beta.value::<T>()),
            products: dims
                .iter()
                .enumerate()
                .map(|(i, &(m, n, k))| {
                    let mut c = rand(m * n);
                    if beta.value::<T>() == T::zero() {
                        c.fill(nan());
                    }
                    ((m, n, k), (g + i) % 2 == 0, [rand(m * k), rand(k * n), c])
                })
                .collect(),
        })
        .collect();
    // A matrix of `rows x cols` on `data`, column- or row-major.
    fn view<T: Scalar>(data: &[T], (r, c): (usize, usize), row: bool) -> MatRef<'_, T> {
        if row {
            MatRef::from_row_major(data, r, c, c.max(1)).unwrap()
        } else {
            MatRef::from_col_major(data, r, c, r.max(1)).unwrap()
        }
    }
    fn view_mut<T: Scalar>(data: &mut [T], (r, c): (usize, usize), row: bool) -> MatMut<'_, T> {
        if row {
            MatMut::from_row_major(data, r, c, c.max(1)).unwrap()
        } else {
            MatMut::from_col_major(data, r, c, r.max(1)).unwrap()
        }
    }
    let mut want: Vec<Vec<Vec<T>>> = Vec::new();
    for g in &groups {
        let ((ta, tb), (alpha, beta)) = (g.trans, g.scalars);
        let mut out = Vec::new();
        for ((m, n, k), row, [a, b, c]) in &g.products {
            let mut c = c.clone();
            let (a, b) = (
                view(a, stored(ta, *m, *k), *row),
                view(b, stored(tb, *k, *n), *row),
            );
            gemm_op(
                ta,
                tb,
                alpha,
                a,
                b,
                beta,
                view_mut(&mut c, (*m, *n), *row),
                Par::Seq,
            )
            .unwrap();
            out.push(c);
        }
        want.push(out);
    }
    for threads in [1, 2, 3] {
        let mut got: Vec<Vec<Vec<T>>> = groups
            .iter()
            .map(|g| g.products.iter().map(|p| p.2[2].clone()).collect())
            .collect();
        let views: Views<'_, T> = groups
            .iter()
            .map(|g| {
                let (ta, tb) = g.trans;
                g.products
                    .iter()
                    .map(|((m, n, k), row, [a, b, _])| {
                        (
                            view(a, stored(ta, *m, *k), *row),
                            view(b, stored(tb, *k, *n), *row),
                        )
                    })
                    .unzip()
            })
            .collect();
        let mut cs: Vec<Vec<MatMut<'_, T>>> = got
            .iter_mut()
            .zip(&groups)
            .map(|(cs, g)| {
                cs.iter_mut()
                    .zip(&g.products)
                    .map(|(c, ((m, n, _), row, _))| view_mut(c, (*m, *n), *row))
                    .collect()
            })
            .collect();
        let mut batch: Vec<GemmGroup<'_, '_, T>> = groups
            .iter()
            .zip(&views)
            .zip(cs.iter_mut())
            .map(|((g, (a, b)), c)| GemmGroup {
                transa: g.trans.0,
                transb: g.trans.1,
                alpha: g.scalars.0,
                beta: g.scalars.1,
                a,
                b,
                c,
            })
            .collect();
        gemm_batch_grouped(&mut batch, Par::from_count(threads)).unwrap();
        drop(batch);
        drop(cs);
        for (g, (got, want)) in got.iter().zip(&want).enumerate() {
            for (i, (got, want)) in got.iter().zip(want).enumerate() {
                for (e, (&x, &y)) in got.iter().zip(want).enumerate() {
                    assert!(
                        same(x, y),
                        "{threads} threads: group {g}, product {i} ({:?}), element {e}: {x}, the single call gives {y}",
                        groups[g].products[i].0
                    );
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..config() })]
    #[test]
    fn grouped_matches_single_calls(
        spec in prop::collection::vec(
            ((trans(), trans()), (special(), special()),
             prop::collection::vec((0usize..10, 0usize..10, 0usize..10), 0..5)),
            0..4),
        seed in any::<u64>(), ty in 0usize..4) {
        match ty {
            0 => grouped::<f32>(&spec, seed),
            1 => grouped::<f64>(&spec, seed),
            2 => grouped::<c32>(&spec, seed),
            _ => grouped::<c64>(&spec, seed),
        }
    }
}

/// Groups mixing many small products (shared whole) with large ones (on every thread).
#[test]
fn grouped_small_and_large() {
    let other = (Special::Other, Special::Other);
    let none = (Trans::No, Trans::No);
    grouped::<f64>(
        &[
            (none, other, vec![(4, 4, 4); 700]),
            (
                (Trans::Trans, Trans::No),
                (Special::One, Special::Zero),
                vec![(150, 140, 130), (3, 5, 7)],
            ),
            (none, other, vec![(8, 8, 8); 300]),
        ],
        5,
    );
    grouped::<c32>(
        &[(
            (Trans::ConjTrans, Trans::Trans),
            other,
            vec![(64, 64, 64), (2, 3, 4), (90, 1, 200)],
        )],
        6,
    );
}

#[test]
fn grouped_argument_errors() {
    use hpc_core::MatMut;
    use hpc_gemm::{GemmGroup, gemm_batch_grouped};
    let data = vec![1.0f64; 16];
    let (mut c0, mut c1) = (vec![7.0f64; 4], vec![7.0f64; 6]);
    let a = MatRef::from_col_major(&data, 2, 2, 2).unwrap();
    let a3 = MatRef::from_col_major(&data, 2, 3, 2).unwrap();
    let mut cs = [
        MatMut::from_col_major(&mut c0, 2, 2, 2).unwrap(),
        MatMut::from_col_major(&mut c1, 2, 3, 2).unwrap(),
    ];
    let (aa, bb) = ([a, a], [a, a3]);
    fn group<'g, 'a>(
        a: &'g [MatRef<'a, f64>],
        b: &'g [MatRef<'a, f64>],
        c: &'g mut [MatMut<'a, f64>],
    ) -> GemmGroup<'g, 'a, f64> {
        GemmGroup {
            transa: Trans::No,
            transb: Trans::No,
            alpha: 1.0,
            beta: 0.0,
            a,
            b,
            c,
        }
    }
    // Product 1 of group 0: A is 2 x 2, B 2 x 3, C 2 x 3: fine. Then one A too few.
    let err = gemm_batch_grouped(&mut [group(&aa[..1], &bb, &mut cs)], Par::Seq).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DimensionMismatch, "{err}");
    assert!(
        err.to_string()
            .contains("group 0 has 1 matrices A but 2 matrices C"),
        "{err}"
    );
    // B of product 1 swapped for a 2 x 2: C is 2 x 3. Nothing is written.
    let err = gemm_batch_grouped(&mut [group(&aa, &aa, &mut cs)], Par::Seq).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DimensionMismatch, "{err}");
    assert!(err.to_string().contains("group 0, product 1"), "{err}");
    assert!(cs[0].get(0, 0) == 7.0, "a product ran before the error");
    gemm_batch_grouped(&mut [group(&aa, &bb, &mut cs)], Par::Seq).unwrap();
    assert_eq!(c0, vec![2.0; 4]);
    assert_eq!(c1, vec![2.0; 6]);
}
