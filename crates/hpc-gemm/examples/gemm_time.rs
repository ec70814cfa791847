//! Times `hpc_gemm::gemm` on square products (one thread, or `HPC_TIME_THREADS`), for quick
//! tuning runs:
//! `cargo run --release -p hpc-gemm --example gemm_time -- f64 8 16 32 64 64x4096x4096`
//! (a size `n` is n x n x n, `MxNxK` any shape). `HPC_TIME_B_ROWS=1` stores B row-major (so
//! that a real B~ is packed, not copied in column form); `HPC_TIME_PAD=p` adds `p` elements to
//! every leading dimension (so that columns do not sit a power of two apart).
//! Prints the median GFLOP/s of 15 timings per size (each long enough to be measurable: at
//! least `HPC_TIME_FLOPS` flops, default 2e7; raise it to run long enough for `perf record`).
//! The benchmark of record is `cargo xtask bench`.

use std::hint::black_box;
use std::time::Instant;

use hpc_core::{MatMut, MatRef};
use hpc_core::{c32, c64};
use hpc_gemm::{GemmScalar, Par, gemm};

/// `HPC_TIME_THREADS` threads (default 1).
fn par() -> Par {
    let n = std::env::var("HPC_TIME_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    Par::from_count(n)
}

fn run<T: GemmScalar>((m, n, k): (usize, usize, usize)) -> f64 {
    let v = |i: usize| <T::Real as num_traits::NumCast>::from(i % 7).unwrap();
    let pad = std::env::var("HPC_TIME_PAD")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let (lda, ldc) = (m + pad, m + pad);
    let b_rows = std::env::var("HPC_TIME_B_ROWS").is_ok_and(|v| v == "1");
    let ldb = if b_rows { n + pad } else { k + pad };
    let a: Vec<T> = (0..lda * k).map(|i| T::from_real(v(i))).collect();
    let b: Vec<T> = (0..ldb * if b_rows { k } else { n })
        .map(|i| T::from_real(v(i)))
        .collect();
    let mut c = vec![T::zero(); ldc * n];
    let flops = if T::IS_COMPLEX { 8.0 } else { 2.0 } * (m * n * k) as f64;
    let least = std::env::var("HPC_TIME_FLOPS")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(2e7);
    let reps = ((least / flops) as usize).max(1);
    let par = par();
    let mut rates = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        for _ in 0..reps {
            let (av, bv) = (
                MatRef::from_col_major(&a, m, k, lda).unwrap(),
                if b_rows {
                    MatRef::from_row_major(&b, k, n, ldb).unwrap()
                } else {
                    MatRef::from_col_major(&b, k, n, ldb).unwrap()
                },
            );
            let cv = MatMut::from_col_major(&mut c, m, n, ldc).unwrap();
            gemm(T::one(), black_box(av), black_box(bv), T::zero(), cv, par).unwrap();
        }
        rates.push(flops * reps as f64 / t.elapsed().as_secs_f64() / 1e9);
    }
    rates.sort_by(f64::total_cmp);
    black_box(&c);
    rates[rates.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ty = args.first().map(String::as_str).unwrap_or("f64");
    for arg in args.iter().skip(1) {
        let dims: Vec<usize> = arg.split('x').filter_map(|s| s.parse().ok()).collect();
        let shape = match dims[..] {
            [n] => (n, n, n),
            [m, n, k] => (m, n, k),
            _ => {
                eprintln!("gemm_time: {arg:?} is neither n nor MxNxK");
                continue;
            }
        };
        let g = match ty {
            "f32" => run::<f32>(shape),
            "c32" => run::<c32>(shape),
            "c64" => run::<c64>(shape),
            _ => run::<f64>(shape),
        };
        println!("{ty} {arg:>14} {g:8.1} GFLOP/s");
    }
}
