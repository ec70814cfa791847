//! Quick GFLOP/s probe: `cargo run --release -p hpc-gemm --example gflops -- [d|s|z|c] n [threads] [m n k]`.
//! The full comparison with peers is `cargo xtask bench`.

use hpc_core::{MatMut, MatRef, c32, c64};
use hpc_gemm::{GemmScalar, Par, gemm, kernel_info};
use std::time::Instant;

fn run<T: GemmScalar>(m: usize, n: usize, k: usize, threads: usize) {
    let a: Vec<T> = (0..m * k)
        .map(|i| T::from_real(T::Real::from_f64((i % 7) as f64 * 0.1)))
        .collect();
    let b: Vec<T> = (0..k * n)
        .map(|i| T::from_real(T::Real::from_f64((i % 5) as f64 * 0.1)))
        .collect();
    let mut c = vec![T::zero(); m * n];
    let flops = 2.0 * (m * n * k) as f64 * if T::IS_COMPLEX { 4.0 } else { 1.0 };
    let reps = ((2e10 / flops) as usize).clamp(1, 100_000);
    let mut times = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        for _ in 0..reps {
            gemm(
                T::one(),
                MatRef::from_col_major(&a, m, k, m).unwrap(),
                MatRef::from_col_major(&b, k, n, k).unwrap(),
                T::zero(),
                MatMut::from_col_major(&mut c, m, n, m).unwrap(),
                Par::from_count(threads),
            )
            .unwrap();
        }
        times.push(t.elapsed().as_secs_f64() / reps as f64);
    }
    times.sort_by(|x, y| x.partial_cmp(y).unwrap());
    println!(
        "{}gemm {m}x{n}x{k} threads={threads} kernel={:?}: median {:.2} GFLOP/s, best {:.2}",
        T::PREFIX,
        kernel_info::<T>(),
        flops / times[3] / 1e9,
        flops / times[0] / 1e9
    );
}

use hpc_core::RealScalar;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let ty = args.get(1).map_or("d", |s| s.as_str()).to_string();
    let n: usize = args.get(2).map_or(1024, |s| s.parse().unwrap());
    let threads: usize = args.get(3).map_or(1, |s| s.parse().unwrap());
    let (m, n, k) = if args.len() >= 7 {
        (
            args[4].parse().unwrap(),
            args[5].parse().unwrap(),
            args[6].parse().unwrap(),
        )
    } else {
        (n, n, n)
    };
    match ty.as_str() {
        "s" => run::<f32>(m, n, k, threads),
        "c" => run::<c32>(m, n, k, threads),
        "z" => run::<c64>(m, n, k, threads),
        _ => run::<f64>(m, n, k, threads),
    }
}
