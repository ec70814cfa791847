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
//! `hpc-benches [--quick | --full | --tiny] [--filter NAME] [--threads N] [--sizes N|MxNxK,..]
//! [--out DIR]` measures and writes `DIR/results.json` (default `target/bench`); `--filter`
//! keeps the sections whose name contains NAME (`level1`, `level2`, `sgemm`, `dgemm`, `cgemm`,
//! `zgemm`, `level3`); `--sizes` runs only those GEMM shapes
//! (`n` for n x n x n, or `MxNxK`).
//! `hpc-benches --report DIR [--compare OLD.json]` renders `report.md` and the plots from
//! `DIR/results.json` (plus `DIR/python-*.json` and `DIR/gpu.json` when present, which it
//! merges into `results.json`) and prints the main tables (`report.rs`).

mod gemm;
mod peak;
mod peers;
mod progress;
mod report;

use std::hint::black_box;
use std::time::Instant;

use hpc_core::reference::Reference;
use hpc_core::{Level1, Level2, MatRef, Trans, VecMut, VecRef};

/// The median of a set of samples, in seconds (the spread is kept in the report's samples).
struct Stats {
    median: f64,
}

fn stats(mut samples: Vec<f64>) -> Stats {
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    let median = if n % 2 == 1 {
        samples[n / 2]
    } else {
        0.5 * (samples[n / 2 - 1] + samples[n / 2])
    };
    Stats { median }
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
    /// Seconds per call of each run.
    hpc_samples: Vec<f64>,
    plain_samples: Vec<f64>,
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
        hpc: stats(th.clone()),
        plain: stats(tp.clone()),
        bytes,
        hpc_samples: th,
        plain_samples: tp,
    };
    progress::done(&format!(
        "  {:<14} n = {:>8}: {:>7.2} GB/s (plain loop {:>7.2} GB/s)",
        row.name,
        row.n,
        gbs(&row, row.hpc.median),
        gbs(&row, row.plain.median)
    ));
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

/// The Level 1 and 2 sizes: (level 1 lengths, gemv orders).
fn level12_sizes(quick: bool, tiny: bool) -> (&'static [usize], &'static [usize]) {
    if tiny {
        (&[1_000], &[64])
    } else if quick {
        (&[1_000, 100_000], &[256])
    } else {
        (&[1_000, 100_000, 1_000_000], &[256, 1024, 2048])
    }
}

fn level12(quick: bool, tiny: bool) -> Vec<report::Case> {
    let (runs, target) = if tiny {
        (2, 0.001)
    } else if quick {
        (3, 0.02)
    } else {
        (5, 0.1)
    };
    let (level1_sizes, gemv_sizes) = level12_sizes(quick, tiny);
    let mut rows = Vec::new();
    let r = Reference;
    let word = std::mem::size_of::<f64>() as f64;

    progress::say("Level 1 (f64), hpc-core reference vs a plain loop:");
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

    progress::say("Level 2 (f64), column-major A:");
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

    rows.iter()
        .map(|row| {
            let rate = |secs: &[f64]| secs.iter().map(|t| row.bytes / t / 1e9).collect();
            report::Case {
                section: if row.name.starts_with("dgemv") {
                    "level2"
                } else {
                    "level1"
                }
                .into(),
                name: format!("{} n={}", row.name, row.n),
                dtype: "f64".into(),
                dims: (row.n, 1, 1),
                threads: 1,
                unit: "GB/s".into(),
                results: vec![
                    report::Contender::from_samples("hpc-core reference", rate(&row.hpc_samples)),
                    report::Contender::from_samples("plain loop", rate(&row.plain_samples)),
                ],
            }
        })
        .collect()
}

fn usage() -> ! {
    eprintln!(
        "usage: hpc-benches [--quick | --full | --tiny] [--filter NAME] [--threads N] [--sizes N|MxNxK,..] [--out DIR]\n       hpc-benches --report DIR [--compare OLD.json]"
    );
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut opts = gemm::Options {
        tiny: false,
        quick: false,
        full: false,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        filter: None,
        sizes: None,
    };
    let mut out = std::path::PathBuf::from("target/bench");
    let (mut report_dir, mut compare) = (None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--tiny" => opts.tiny = true,
            "--quick" => opts.quick = true,
            "--full" => opts.full = true,
            "--filter" => opts.filter = Some(it.next().cloned().unwrap_or_else(|| usage())),
            "--sizes" => {
                let list = it.next().unwrap_or_else(|| usage());
                // `n` (n x n x n) or `MxNxK`.
                let shape = |v: &str| -> Option<(usize, usize, usize)> {
                    let dims: Option<Vec<usize>> = v
                        .trim()
                        .split('x')
                        .map(|d| d.parse().ok().filter(|&n: &usize| n > 0))
                        .collect();
                    match dims?[..] {
                        [n] => Some((n, n, n)),
                        [m, n, k] => Some((m, n, k)),
                        _ => None,
                    }
                };
                let sizes: Option<Vec<_>> = list.split(',').map(shape).collect();
                opts.sizes = Some(sizes.unwrap_or_else(|| usage()));
            }
            "--out" => out = it.next().unwrap_or_else(|| usage()).into(),
            "--report" => {
                report_dir = Some(std::path::PathBuf::from(
                    it.next().unwrap_or_else(|| usage()),
                ))
            }
            "--compare" => compare = Some(it.next().cloned().unwrap_or_else(|| usage())),
            "--threads" => {
                opts.threads = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| usage())
            }
            other => {
                eprintln!("unknown option {other:?}");
                usage()
            }
        }
    }
    if let Some(dir) = report_dir {
        if let Err(e) = render_report(&dir, compare.as_deref()) {
            eprintln!("hpc-benches --report: {e}");
            std::process::exit(1);
        }
        return;
    }
    // The options that shape the measurements (not where they are written).
    let shown: Vec<String> = args
        .iter()
        .enumerate()
        .filter(|&(i, a)| a != "--out" && (i == 0 || args[i - 1] != "--out"))
        .map(|(_, a)| a.clone())
        .collect();
    let results = measure(&opts, &shown);
    if let Err(e) = std::fs::create_dir_all(&out).and_then(|()| {
        results
            .save(&out.join("results.json"))
            .map_err(std::io::Error::other)
    }) {
        eprintln!("hpc-benches: could not write {}: {e}", out.display());
        std::process::exit(1);
    }
    eprintln!("wrote {}", out.join("results.json").display());
}

/// Merges `DIR/python-*.json` and `DIR/gpu.json` into `DIR/results.json`, renders the report
/// and prints its main tables.
fn render_report(dir: &std::path::Path, compare: Option<&str>) -> Result<(), String> {
    let path = dir.join("results.json");
    let mut r = report::Results::load(&path)?;
    let mut python = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("python-") && name.ends_with(".json") {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            python.push(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?);
        }
    }
    if !python.is_empty() {
        r.python = python;
    }
    let gpu = dir.join("gpu.json");
    if let Ok(text) = std::fs::read_to_string(&gpu) {
        r.gpu = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).map_err(|e| format!("{}: {e}", gpu.display())))
            .collect::<Result<_, _>>()?;
    }
    for note in ["skipped.txt"] {
        if let Ok(text) = std::fs::read_to_string(dir.join(note)) {
            for l in text.lines().filter(|l| !l.trim().is_empty()) {
                if !r.skipped.iter().any(|s| s == l) {
                    r.skipped.push(l.to_string());
                }
            }
        }
    }
    r.save(&path)?;
    let old = match compare {
        Some(p) => Some((p, report::Results::load(std::path::Path::new(p))?)),
        None => None,
    };
    let md = report::render(&r, dir, old.as_ref().map(|(p, o)| (*p, o)))?;
    println!("{}", report::terminal_summary(&md));
    println!(
        "The whole report: {} (with results.json and the plots beside it)",
        dir.join("report.md").display()
    );
    Ok(())
}

/// Runs every wanted section and gathers the results.
fn measure(opts: &gemm::Options, args: &[String]) -> report::Results {
    let wanted = |name: &str| {
        opts.filter
            .as_ref()
            .is_none_or(|f| name.contains(f.as_str()))
    };
    let level12_wanted = wanted("level1") || wanted("level2");
    let (l1, l2) = level12_sizes(opts.quick, opts.tiny);
    let mut total = if level12_wanted {
        3 * l1.len() + 2 * l2.len()
    } else {
        0
    };
    for (p, c) in [('d', false), ('s', false), ('z', true), ('c', true)] {
        total += gemm::gemm_plan(opts, p, c).len();
    }
    total += gemm::level3_plan_len(opts);
    let gemm_wanted = total
        > if level12_wanted {
            3 * l1.len() + 2 * l2.len()
        } else {
            0
        };
    let (peak1, peak_all) = if gemm_wanted {
        let p1 = peak::fma_peak_f64(1);
        (
            p1,
            if opts.threads > 1 {
                peak::fma_peak_f64(opts.threads)
            } else {
                p1
            },
        )
    } else {
        (f64::NAN, f64::NAN)
    };
    let peers = if gemm_wanted {
        peers::load_all()
    } else {
        Vec::new()
    };
    let mut skipped = Vec::new();
    for (name, _) in peers::candidates() {
        if gemm_wanted && !peers.iter().any(|p| p.name == name) {
            skipped.push(format!(
                "{name}: its library could not be loaded (see the messages above)"
            ));
        }
    }
    let kernel = |(name, mr, nr): (&str, usize, usize)| format!("{name} ({mr} x {nr})");
    let kernels = vec![
        kernel(hpc_gemm::kernel_info::<f64>()),
        kernel(hpc_gemm::kernel_info::<f32>()),
    ];
    let mut libraries: Vec<(String, String)> = vec![(
        "hpc".into(),
        format!("{} (this checkout)", env!("CARGO_PKG_VERSION")),
    )];
    for p in &peers {
        libraries.push((p.name.to_string(), p.describe()));
    }
    libraries.push(("gemm crate".into(), "0.19 (AVX-512 kernels enabled)".into()));
    libraries.push((
        "matrixmultiply crate".into(),
        "0.3 (one thread only)".into(),
    ));
    progress::start(total as u64);
    let mut cases = Vec::new();
    if level12_wanted {
        cases.extend(level12(opts.quick, opts.tiny));
    }
    let mut rows = Vec::new();
    if gemm_wanted {
        progress::say(&format!(
            "FMA peak (f64, measured): {peak1:.1} GFLOP/s on 1 thread, {peak_all:.1} on {}",
            opts.threads
        ));
        rows.extend(gemm::gemm_rows::<f64>(&peers, opts));
        rows.extend(gemm::gemm_rows::<f32>(&peers, opts));
        rows.extend(gemm::gemm_rows::<hpc_core::c64>(&peers, opts));
        rows.extend(gemm::gemm_rows::<hpc_core::c32>(&peers, opts));
    }
    let l3 = gemm::level3_rows(&peers, opts);
    progress::finish();
    for (section, rows) in [("gemm", rows), ("level3", l3)] {
        for row in rows {
            cases.push(report::Case {
                section: section.into(),
                name: row.what,
                dtype: row.dtype.into(),
                dims: row.dims,
                threads: row.threads,
                unit: "GFLOP/s".into(),
                results: row
                    .results
                    .iter()
                    .zip(row.samples)
                    .map(|((name, _), s)| report::Contender::from_samples(name, s))
                    .collect(),
            });
        }
    }
    report::Results {
        schema: report::SCHEMA.into(),
        created_unix: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        options: args.to_vec(),
        machine: report::Machine {
            cpu: cpu_model(),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            simd: hpc_gemm::selected_isa().name().into(),
            kernels,
            threads: opts.threads,
            fma_peak_f64_1: peak1,
            fma_peak_f64_all: peak_all,
            libraries,
        },
        cases,
        python: Vec::new(),
        gpu: Vec::new(),
        skipped,
    }
}

/// The CPU's model name (Linux), or the architecture.
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}
