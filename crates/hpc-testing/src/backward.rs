//! Backward stability of triangular solves, checked against the BLAS traits so that every
//! implementation (the reference, hpc-gemm's `Fast`, later fast Level 2 routines) passes the
//! same test: on ill-conditioned triangles (tiny pivots, graded diagonals, a few huge
//! off-diagonal entries) the componentwise backward error `max_i |b - op(A) x|_i / (|op(A)|
//! |x|)_i` of a substitution stays within a small multiple of `n eps`, whatever the condition
//! number; an explicit inverse of the triangle does not (it reached 0.87 on such triangles).

use hpc_core::{Diag, Level2, Level3, PackedRef, RealScalar, Scalar, Side, Trans, Uplo, VecMut};
use num_traits::Float;

use super::{Data, Dense, Gen, band_view, draw, op, pack, scalar, triangular};

/// The kinds of ill-conditioned triangles.
pub const KINDS: [&str; 3] = [
    "tiny pivots",
    "graded diagonal",
    "huge off-diagonal entries",
];

/// An order-n matrix whose triangles are ill-conditioned of kind `kind` (see [`KINDS`]): a
/// solve reads one triangle of it.
pub fn ill_conditioned<T: Scalar>(n: usize, kind: usize, rng: &mut Gen) -> Dense<T> {
    let eps = T::Real::epsilon().to_f64();
    let mut a = Dense::from_fn(n, n, |_, _| T::zero());
    for v in a.data.iter_mut() {
        *v = draw::<T>(rng, Data::Real);
    }
    for i in 0..n {
        let d: f64 = match kind {
            // About one pivot in five of order eps, the others of order one.
            0 if rng.next_u64() % 5 == 0 => eps * (1.0 + 10.0 * rng.unit().abs()),
            // From 1 down to eps across the diagonal.
            1 => eps.powf(i as f64 / n.max(2) as f64) * (1.0 + rng.unit().abs()),
            _ => 1.0 + rng.unit().abs(),
        };
        let sign = if rng.next_u64() % 2 == 0 { 1.0 } else { -1.0 };
        a.set(
            i,
            i,
            scalar(sign * d, if T::IS_COMPLEX { d * rng.unit() } else { 0.0 }),
        );
    }
    if kind == 2 {
        // A few entries of 1e6 (1e3 for single precision) off the diagonal.
        let huge = if eps > 1e-10 { 1e3 } else { 1e6 };
        for _ in 0..n.div_ceil(4) {
            let (i, j) = ((rng.next_u64() as usize) % n, (rng.next_u64() as usize) % n);
            if i != j {
                a.set(i, j, scalar(huge * rng.unit(), 0.0));
            }
        }
    }
    a
}

/// `max_i |b - M x|_i / (|M| |x|)_i` for a dense `M` (op(A) with its triangle), in f64
/// arithmetic (complex through `|re| + |im|`, which bounds the modulus within a factor 2).
pub fn backward_error<T: Scalar>(m: &Dense<T>, x: &[T], b: &[T]) -> f64 {
    let n = m.rows;
    let parts = |v: T| (v.re().to_f64(), v.im().to_f64());
    let mut worst: f64 = 0.0;
    for (i, &bi) in b.iter().enumerate().take(n) {
        let (mut rr, mut ri) = parts(bi);
        let mut scale = 0.0;
        for (j, &xj) in x.iter().enumerate().take(n) {
            let (ar, ai) = parts(m.get(i, j));
            let (xr, xi) = parts(xj);
            rr -= ar * xr - ai * xi;
            ri -= ar * xi + ai * xr;
            scale += (ar.abs() + ai.abs()) * (xr.abs() + xi.abs());
        }
        let r = rr.abs() + ri.abs();
        if r != 0.0 {
            worst = worst.max(r / scale);
        }
    }
    worst
}

/// The bound a backward stable substitution meets: `c n eps` with a margin for the residual's
/// own rounding.
pub fn bound<R: RealScalar>(n: usize) -> f64 {
    8.0 * (n as f64 + 2.0) * R::epsilon().to_f64()
}

/// Each solve of `trsv`, `tbsv` (full band) and `tpsv` of order `n`, every option, every kind:
/// the backward errors that exceed [`bound`], described.
pub fn level2_failures<T: Scalar, L: Level2<T>>(blas: &L, n: usize, seed: u64) -> Vec<String> {
    let mut rng = Gen::new(seed);
    let mut bad = Vec::new();
    for (kind, kind_name) in KINDS.iter().enumerate() {
        let a: Dense<T> = ill_conditioned(n, kind, &mut rng);
        for uplo in [Uplo::Upper, Uplo::Lower] {
            for trans in [Trans::No, Trans::Trans, Trans::ConjTrans] {
                for diag in [Diag::NonUnit, Diag::Unit] {
                    let m = op(&triangular(&a, uplo, diag == Diag::Unit), trans);
                    // A right-hand side whose solution is of order one, where an unstable
                    // solve shows most.
                    let x_true = Dense::random(n, 1, &mut rng, Data::Real);
                    let b: Vec<T> = m.matmul(&x_true).data;
                    let band = band_storage_full(&a, uplo);
                    let packed = pack(&a, uplo);
                    for routine in ["trsv", "tbsv", "tpsv"] {
                        let mut x = b.clone();
                        let xv = VecMut::from_slice(&mut x);
                        match routine {
                            "trsv" => blas.trsv(uplo, trans, diag, a.view(), xv),
                            "tbsv" => {
                                let (kl, ku) = if uplo == Uplo::Upper {
                                    (0, n - 1)
                                } else {
                                    (n - 1, 0)
                                };
                                blas.tbsv(uplo, trans, diag, band_view(&band, n, n, kl, ku, n), xv)
                            }
                            _ => blas.tpsv(
                                uplo,
                                trans,
                                diag,
                                PackedRef::new(&packed, n).unwrap(),
                                xv,
                            ),
                        }
                        .unwrap();
                        let e = backward_error(&m, &x, &b);
                        if e.is_nan() || e > bound::<T::Real>(n) {
                            bad.push(format!(
                                "{}{routine} n={n} {} {uplo:?} {trans:?} {diag:?}: backward error {e:.2e}",
                                T::PREFIX,
                                kind_name
                            ));
                        }
                    }
                }
            }
        }
    }
    bad
}

/// The band storage (leading dimension n) of the whole `uplo` triangle of `a`.
fn band_storage_full<T: Scalar>(a: &Dense<T>, uplo: Uplo) -> Vec<T> {
    let n = a.rows;
    let mut v = vec![T::zero(); n * n];
    for j in 0..n {
        for i in 0..n {
            if uplo == Uplo::Upper && i <= j {
                v[(n - 1 + i - j) + j * n] = a.get(i, j);
            } else if uplo == Uplo::Lower && i >= j {
                v[(i - j) + j * n] = a.get(i, j);
            }
        }
    }
    v
}

/// `trsm` of order `n` with `nrhs` right-hand sides, every side and option, every kind: the
/// backward errors (per right-hand side) that exceed [`bound`], described. The right-hand
/// sides are made from solutions of order one.
pub fn trsm_failures<T: Scalar, L: Level3<T>>(
    blas: &L,
    n: usize,
    nrhs: usize,
    seed: u64,
) -> Vec<String> {
    let mut rng = Gen::new(seed);
    let mut bad = Vec::new();
    for (kind, kind_name) in KINDS.iter().enumerate() {
        let a: Dense<T> = ill_conditioned(n, kind, &mut rng);
        for side in [Side::Left, Side::Right] {
            for uplo in [Uplo::Upper, Uplo::Lower] {
                for trans in [Trans::No, Trans::Trans, Trans::ConjTrans] {
                    for diag in [Diag::NonUnit, Diag::Unit] {
                        let m = op(&triangular(&a, uplo, diag == Diag::Unit), trans);
                        let (rows, cols) = if side == Side::Left {
                            (n, nrhs)
                        } else {
                            (nrhs, n)
                        };
                        // Right-hand sides whose solutions are of order one.
                        let x_true: Dense<T> = Dense::random(rows, cols, &mut rng, Data::Real);
                        let b = if side == Side::Left {
                            m.matmul(&x_true)
                        } else {
                            x_true.matmul(&m)
                        };
                        let mut x = b.clone();
                        blas.trsm(side, uplo, trans, diag, T::one(), a.view(), x.view_mut())
                            .unwrap();
                        // Left: op(A) x_j = b_j per column; right: x_i op(A) = b_i per row,
                        // that is op(A)^T x_i^T = b_i^T.
                        let (mm, cases) = if side == Side::Left {
                            (m.clone(), nrhs)
                        } else {
                            (m.transpose(), nrhs)
                        };
                        let mut worst: f64 = 0.0;
                        for c in 0..cases {
                            let (xc, bc): (Vec<T>, Vec<T>) = if side == Side::Left {
                                (
                                    (0..n).map(|i| x.get(i, c)).collect(),
                                    (0..n).map(|i| b.get(i, c)).collect(),
                                )
                            } else {
                                (
                                    (0..n).map(|j| x.get(c, j)).collect(),
                                    (0..n).map(|j| b.get(c, j)).collect(),
                                )
                            };
                            worst = worst.max(backward_error(&mm, &xc, &bc));
                        }
                        if worst.is_nan() || worst > bound::<T::Real>(n) {
                            bad.push(format!(
                                "{}trsm n={n} nrhs={nrhs} {} {side:?} {uplo:?} {trans:?} {diag:?}: backward error {worst:.2e}",
                                T::PREFIX,
                                kind_name
                            ));
                        }
                    }
                }
            }
        }
    }
    bad
}
