//! Times `Fast`'s symm, trmm, trsm and syrk (left, lower; one thread or `HPC_TIME_THREADS`),
//! f64, for quick tuning runs:
//! `cargo run --release -p hpc-gemm --example level3_time -- 2048 symm trmm`.
//! `trmm` and `trsm` take options after a colon: side, triangle and op, as in `trmm:RLT` (right,
//! lower, transposed); the defaults are `trmm:LUN` and `trsm:LLN`. `symm` takes side and
//! triangle (`symm:RL`; default `symm:LU`).
//! Prints the median GFLOP/s (true flops) of 5 timings. The benchmark of record is
//! `cargo xtask bench --filter level3`.

use std::hint::black_box;
use std::time::Instant;

use hpc_core::{Diag, Level3, MatMut, MatRef, Side, Trans, Uplo};
use hpc_gemm::{Fast, Par};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(1024);
    let a: Vec<f64> = (0..n * n)
        .map(|i| ((i % 13) as f64 - 6.0) / 8.0 + if i % (n + 1) == 0 { 4.0 } else { 0.0 })
        .collect();
    let b: Vec<f64> = (0..n * n).map(|i| ((i % 11) as f64 - 5.0) / 8.0).collect();
    let threads = std::env::var("HPC_TIME_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let f = Fast::new(Par::from_count(threads));
    for routine in args.iter().skip(1) {
        let mut rates = Vec::new();
        for _ in 0..5 {
            let mut c = b.clone();
            let av = MatRef::from_col_major(&a, n, n, n).unwrap();
            let bv = MatRef::from_col_major(&b, n, n, n).unwrap();
            let t = Instant::now();
            let flops = {
                let cv = MatMut::from_col_major(&mut c, n, n, n).unwrap();
                match routine.as_str() {
                    r if r.starts_with("symm") => {
                        let (side, uplo, _) = options(r, "LU");
                        f.symm(side, uplo, 1.0, av, bv, 0.5, cv).unwrap();
                        2.0 * (n * n * n) as f64
                    }
                    r if r.starts_with("trmm") || r.starts_with("trsm") => {
                        let solve = r.starts_with("trsm");
                        let (side, uplo, trans) = options(r, if solve { "LLN" } else { "LUN" });
                        if solve {
                            f.trsm(side, uplo, trans, Diag::NonUnit, 1.0, av, cv)
                                .unwrap();
                        } else {
                            f.trmm(side, uplo, trans, Diag::NonUnit, 1.0, av, cv)
                                .unwrap();
                        }
                        (n * n * n) as f64
                    }
                    "syrk" => {
                        f.syrk(Uplo::Lower, Trans::No, 1.0, av, 0.5, cv).unwrap();
                        (n * n * n) as f64
                    }
                    _ => {
                        f.gemm(Trans::No, Trans::No, 1.0, av, bv, 0.5, cv).unwrap();
                        2.0 * (n * n * n) as f64
                    }
                }
            };
            rates.push(flops / t.elapsed().as_secs_f64() / 1e9);
            black_box(&c);
        }
        rates.sort_by(f64::total_cmp);
        println!("{routine:8} n={n} {:7.1} GFLOP/s", rates[2]);
    }
}

/// The options after a routine's colon (or `default`): side (L/R), triangle (L/U), op (N/T).
fn options(routine: &str, default: &str) -> (Side, Uplo, Trans) {
    let o: Vec<char> = routine
        .split(':')
        .nth(1)
        .unwrap_or(default)
        .chars()
        .collect();
    let side = if o.first() == Some(&'R') {
        Side::Right
    } else {
        Side::Left
    };
    let uplo = if o.get(1) == Some(&'L') {
        Uplo::Lower
    } else {
        Uplo::Upper
    };
    let trans = if o.get(2) == Some(&'T') {
        Trans::Trans
    } else {
        Trans::No
    };
    (side, uplo, trans)
}
