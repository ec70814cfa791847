//! The reference's triangular solves are backward stable on ill-conditioned triangles (the
//! check of `common::backward`, which every implementation of the traits must pass).

use hpc_testing as common;

use common::backward::{level2_failures, trsm_failures};
use hpc_core::reference::Reference;
use hpc_core::{Scalar, c32, c64};

fn all<T: Scalar>() {
    let mut bad = Vec::new();
    for (n, seed) in [(1, 1), (2, 2), (7, 3), (26, 4), (40, 5)] {
        bad.extend(level2_failures::<T, _>(&Reference, n, seed));
        bad.extend(trsm_failures::<T, _>(&Reference, n, 3, seed + 100));
    }
    assert!(
        bad.is_empty(),
        "{} solves not backward stable:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn reference_solves_are_backward_stable_f32() {
    all::<f32>();
}
#[test]
fn reference_solves_are_backward_stable_f64() {
    all::<f64>();
}
#[test]
fn reference_solves_are_backward_stable_c32() {
    all::<c32>();
}
#[test]
fn reference_solves_are_backward_stable_c64() {
    all::<c64>();
}
