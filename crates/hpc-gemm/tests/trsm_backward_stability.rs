//! `Fast::trsm` is backward stable on ill-conditioned triangles (tiny pivots, graded diagonals,
//! huge off-diagonal entries), at orders inside one leaf of the recursion, across leaves and
//! across the thread split, on one thread and two: the check of hpc-core's
//! `common::backward`, which the reference passes too. (Its leaves once multiplied by the
//! explicit inverse of each diagonal block, which is not backward stable.)

use hpc_testing as common;

use common::backward::trsm_failures;
use hpc_core::{c32, c64};
use hpc_gemm::{Fast, GemmScalar, Par};

fn all<T: GemmScalar>() {
    let mut bad = Vec::new();
    for threads in [1, 2] {
        let blas = Fast::new(Par::from_count(threads));
        for (n, nrhs, seed) in [
            (16, 1, 1),
            (26, 1, 2),
            (64, 5, 3),
            (100, 40, 4),
            (150, 8, 5),
            (70, 300, 6),
        ] {
            bad.extend(trsm_failures::<T, _>(&blas, n, nrhs, seed));
        }
    }
    assert!(
        bad.is_empty(),
        "{} solves not backward stable:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn fast_trsm_is_backward_stable_f32() {
    all::<f32>();
}
#[test]
fn fast_trsm_is_backward_stable_f64() {
    all::<f64>();
}
#[test]
fn fast_trsm_is_backward_stable_c32() {
    all::<c32>();
}
#[test]
fn fast_trsm_is_backward_stable_c64() {
    all::<c64>();
}
