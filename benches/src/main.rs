//! `hpc-bench`: the benchmark harness behind `cargo xtask bench`.
//!
//! Today it measures the Level 1 and Level 2 throughput of hpc-core's reference BLAS in GB/s
//! (bytes of operands moved per second) against a plain loop over contiguous slices, the
//! baseline any compiled code reaches. Each case is run several times, hpc and the loop
//! interleaved so that machine drift cancels in the ratio, and the median is reported with its
//! spread. Timings are measurements, never assertions.
//!
//! It also measures GEMM (every type, square and skinny shapes, 1 and all threads) and the
//! Level 3 routines against OpenBLAS, BLIS, MKL and the `gemm` and `matrixmultiply` crates,
//! with the machine's FMA peak measured in the same run (`gemm.rs`, `peers.rs`, `peak.rs`).
//!
//! `hpc-bench [--quick] [--full] [--filter NAME] [--threads N]`: `--filter` keeps the sections
//! whose name contains NAME (`level1`, `level2`, `sgemm`, `dgemm`, `cgemm`, `zgemm`, `level3`).

mod gemm;
mod peak;
mod peers;

use std::hint::black_box;
use std::time::Instant;

use hpc_core::reference::Reference;
use hpc_core::{Level1, Level2, MatRef, Trans, VecMut, VecRef};

/// Median and spread (min, max) of a set of samples, in seconds.
struct Stats {
    median: f64,
    min: f64,
    max: f64,
}

fn stats(mut samples: Vec<f64>) -> Stats {
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    let median = if n % 2 == 1 {
        samples[n / 2]
    } else {
        0.5 * (samples[n / 2 - 1] + samples[n / 2])
    };
    Stats {
        median,
        min: samples[0],
        max: samples[n - 1],
    }
}

/// Seconds per call of `f`, repeated enough to last about `target` seconds.
fn time_per_call(target: f64, mut f: impl FnMut()) -> f64 {
    f(); // warm-up
    let mut reps = 1usize;
    loop {
        let start = Instant::now();
        for _ in 0..reps {
            f();
        }
        let t = start.elapsed().as_secs_f64();
        if t >= target || reps >= 1 << 24 {
            return t / reps as f64;
        }
        reps = (reps * 2).max((reps as f64 * target / t.max(1e-9)) as usize / 2);
    }
}

struct Row {
    name: String,
    n: usize,
    hpc: Stats,
    plain: Stats,
    bytes: f64,
}

/// Runs `hpc` and `plain` interleaved `runs` times and records their medians.
fn case(
    rows: &mut Vec<Row>,
    name: &str,
    n: usize,
    bytes: f64,
    runs: usize,
    target: f64,
    mut hpc: impl FnMut(),
    mut plain: impl FnMut(),
) {
    let (mut th, mut tp) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        tp.push(time_per_call(target, &mut plain));
        th.push(time_per_call(target, &mut hpc));
    }
    let row = Row {
        name: name.to_owned(),
        n,
        hpc: stats(th),
        plain: stats(tp),
        bytes,
    };
    eprintln!(
        "  {:<14} n = {:>8}: {:>7.2} GB/s (plain loop {:>7.2} GB/s)",
        row.name,
        row.n,
        gbs(&row, row.hpc.median),
        gbs(&row, row.plain.median)
    );
    rows.push(row);
}

/// The baseline `y += alpha x`: a plain loop over slices, compiled like any user's loop.
#[inline(never)]
fn plain_axpy(alpha: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

fn gbs(row: &Row, seconds: f64) -> f64 {
    row.bytes / seconds / 1e9
}

fn data(n: usize, seed: u64) -> Vec<f64> {
    // A small LCG: deterministic, no dependency.
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        })
        .collect()
}

fn level12(quick: bool) {
    let (runs, target) = if quick { (3, 0.02) } else { (5, 0.1) };
    let level1_sizes: &[usize] = if quick {
        &[1_000, 100_000]
    } else {
        &[1_000, 100_000, 1_000_000]
    };
    let gemv_sizes: &[usize] = if quick { &[256] } else { &[256, 1024, 2048] };
    let mut rows = Vec::new();
    let r = Reference;
    let word = std::mem::size_of::<f64>() as f64;

    eprintln!("Level 1 (f64), hpc-core reference vs a plain loop:");
    for &n in level1_sizes {
        let x = data(n, 1);
        let mut y = data(n, 2);
        let mut y2 = data(n, 2);
        case(
            &mut rows,
            "daxpy",
            n,
            3.0 * word * n as f64,
            runs,
            target,
            || {
                r.axpy(
                    black_box(1e-9),
                    VecRef::from_slice(&x),
                    VecMut::from_slice(&mut y),
                )
                .expect("same lengths")
            },
            || plain_axpy(black_box(1e-9), &x, &mut y2),
        );
        case(
            &mut rows,
            "ddot",
            n,
            2.0 * word * n as f64,
            runs,
            target,
            || {
                black_box(
                    r.dotu(VecRef::from_slice(&x), VecRef::from_slice(&y))
                        .expect("same lengths"),
                );
            },
            || {
                black_box(x.iter().zip(&y).map(|(a, b)| a * b).sum::<f64>());
            },
        );
        case(
            &mut rows,
            "dnrm2",
            n,
            word * n as f64,
            runs,
            target,
            || {
                black_box(r.nrm2(VecRef::from_slice(&x)));
            },
            || {
                black_box(x.iter().map(|a| a * a).sum::<f64>().sqrt());
            },
        );
    }

    eprintln!("Level 2 (f64), column-major A:");
    for &n in gemv_sizes {
        let a = data(n * n, 3);
        let x = data(n, 4);
        let mut y = vec![0.0; n];
        let mut y2 = vec![0.0; n];
        let bytes = word * (n * n + 2 * n) as f64;
        for (name, trans) in [("dgemv N", Trans::No), ("dgemv T", Trans::Trans)] {
            case(
                &mut rows,
                name,
                n,
                bytes,
                runs,
                target,
                || {
                    let am = MatRef::from_col_major(&a, n, n, n).expect("valid shape");
                    r.gemv(
                        trans,
                        1.0,
                        am,
                        VecRef::from_slice(&x),
                        0.0,
                        VecMut::from_slice(&mut y),
                    )
                    .expect("valid shapes");
                },
                || {
                    // The plain loop: column-major A, axpy form for N, dot form for T.
                    if trans == Trans::No {
                        y2.fill(0.0);
                        for (j, col) in a.chunks_exact(n).enumerate() {
                            let xj = x[j];
                            y2.iter_mut().zip(col).for_each(|(yi, aij)| *yi += aij * xj);
                        }
                    } else {
                        for (yj, col) in y2.iter_mut().zip(a.chunks_exact(n)) {
                            *yj = col.iter().zip(&x).map(|(aij, xi)| aij * xi).sum();
                        }
                    }
                    black_box(&y2);
                },
            );
        }
    }

    println!("\n| routine | n | hpc GB/s (median) | spread | plain loop GB/s | hpc / loop |");
    println!("|---|---:|---:|---:|---:|---:|");
    for row in &rows {
        println!(
            "| {} | {} | {:.2} | {:.2}-{:.2} | {:.2} | {:.2} |",
            row.name,
            row.n,
            gbs(row, row.hpc.median),
            gbs(row, row.hpc.max),
            gbs(row, row.hpc.min),
            gbs(row, row.plain.median),
            row.plain.median / row.hpc.median
        );
    }
    println!(
        "\n(median of {runs} runs; hpc-core is the reference oracle, written for clarity: the fast kernels come with hpc-gemm)"
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut opts = gemm::Options {
        quick: false,
        full: false,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        filter: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => opts.quick = true,
            "--full" => opts.full = true,
            "--filter" => opts.filter = it.next().cloned(),
            "--threads" => {
                opts.threads = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| panic!("--threads takes a positive integer"))
            }
            other => panic!(
                "unknown option {other:?} (accepted: --quick, --full, --filter NAME, --threads N)"
            ),
        }
    }
    let wanted = |name: &str| {
        opts.filter
            .as_ref()
            .is_none_or(|f| name.contains(f.as_str()))
    };
    if wanted("level1") || wanted("level2") {
        level12(opts.quick);
    }
    if !["sgemm", "dgemm", "cgemm", "zgemm", "level3"]
        .iter()
        .any(|n| wanted(n))
    {
        return;
    }
    let peak1 = peak::fma_peak_f64(1);
    let peak_all = peak::fma_peak_f64(opts.threads);
    eprintln!(
        "FMA peak (f64, measured): {peak1:.1} GFLOP/s on 1 thread, {peak_all:.1} on {}",
        opts.threads
    );
    let peers = peers::load_all();
    eprintln!(
        "peers loaded: {}; kernels: {:?} {:?}",
        peers.iter().map(|p| p.name).collect::<Vec<_>>().join(", "),
        hpc_gemm::kernel_info::<f64>(),
        hpc_gemm::kernel_info::<f32>()
    );
    let mut rows = Vec::new();
    rows.extend(gemm::gemm_rows::<f64>(&peers, &opts));
    rows.extend(gemm::gemm_rows::<f32>(&peers, &opts));
    rows.extend(gemm::gemm_rows::<hpc_core::c64>(&peers, &opts));
    rows.extend(gemm::gemm_rows::<hpc_core::c32>(&peers, &opts));
    let l3 = gemm::level3_rows(&peers, &opts);
    let peak = |row: &gemm::Row| {
        let base = if row.threads == 1 { peak1 } else { peak_all };
        // f32 (and c32) vectors hold twice the lanes.
        if row.what.starts_with('s') || row.what.starts_with('c') {
            2.0 * base
        } else {
            base
        }
    };
    println!(
        "\nFMA peak (f64, measured in this run): {peak1:.1} GFLOP/s (1 thread), {peak_all:.1} GFLOP/s ({} threads); f32 peak taken as twice that.",
        opts.threads
    );
    gemm::print_table("GEMM (GFLOP/s, median)", &rows, &peak);
    gemm::print_table("Level 3, f64 (GFLOP/s of true flops, median)", &l3, &peak);
}
