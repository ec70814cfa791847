//! `Fast`'s Level 3 against the reference on extreme operands (near overflow and underflow,
//! mixed magnitudes, NaN, Inf, zeros), every routine and option, on one thread and two: the
//! check of hpc-core's `common::extreme`.

use hpc_testing as common;

use common::extreme::level3_failures;
use hpc_core::{c32, c64};
use hpc_gemm::{Fast, GemmScalar, Par};

fn all<T: GemmScalar>(seed: u64) {
    let mut bad = Vec::new();
    for threads in [1, 2] {
        bad.extend(level3_failures::<T, _>(
            &Fast::new(Par::from_count(threads)),
            100,
            seed,
        ));
    }
    assert!(
        bad.is_empty(),
        "{} calls differ from the reference, e.g.\n{}",
        bad.len(),
        bad.iter().take(8).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn extreme_operands_f32() {
    all::<f32>(1);
}
#[test]
fn extreme_operands_f64() {
    all::<f64>(2);
}
#[test]
fn extreme_operands_c32() {
    all::<c32>(3);
}
#[test]
fn extreme_operands_c64() {
    all::<c64>(4);
}
