//! `hpc-bench`: the benchmark harness behind `cargo xtask bench`.
//!
//! It measures hpc against its peers (OpenBLAS, BLIS, MKL, the newest OpenBLAS and AOCL-BLAS
//! through their CBLAS, `peers.rs`; the `gemm` and `matrixmultiply` crates): GEMM in every
//! type, square and skinny shapes (`gemm.rs`), the Level 3 routines, and Level 1 and 2 in
//! GB/s, in cache and from memory (`level12.rs`), each at one thread and at all. The machine's
//! FMA peak and memory bandwidth are measured in the same run (`peak.rs`). Every case runs
//! its contenders interleaved, several times, so that machine drift cancels in the ratios;
//! the medians are reported with their spread. Timings are measurements, never assertions.
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
mod level12;
mod peak;
mod peers;
mod progress;
mod report;

use std::time::Instant;

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

/// Merges `DIR/python-*.json`, `DIR/batch-*.json` and `DIR/gpu.json` into `DIR/results.json`, renders the report
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
    let mut batch_files = Vec::new();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if (name.starts_with("batch-") || name == "dask.json" || name == "shared.json")
            && name.ends_with(".json")
        {
            batch_files.push(p.clone());
        }
        if name.starts_with("python-") && name.ends_with(".json") {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            python.push(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?);
        }
    }
    if !python.is_empty() {
        r.python = python;
    }
    // The batched GEMM's and hpc.dask's cases, measured from Python (`benches/python/batch.py`,
    // `benches/python/dask_bench.py`).
    let mut batch = Vec::new();
    for p in &batch_files {
        let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let cases: Vec<report::Case> =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?;
        batch.extend(cases);
    }
    if !batch.is_empty() {
        let sections: Vec<String> = batch.iter().map(|c| c.section.clone()).collect();
        r.cases.retain(|c| !sections.contains(&c.section));
        r.cases.extend(batch);
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
    let level12_total = level12::plan_len(opts);
    let mut total = level12_total;
    for (p, c) in [('d', false), ('s', false), ('z', true), ('c', true)] {
        total += gemm::gemm_plan(opts, p, c).len();
    }
    total += gemm::level3_plan_len(opts);
    let gemm_wanted = total > level12_total;
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
    let (bandwidth_1, bandwidth_all) = if level12_total > 0 {
        let b1 = peak::stream(1);
        let ball = if opts.threads > 1 {
            peak::stream(opts.threads)
        } else {
            b1
        };
        (Some(b1), Some(ball))
    } else {
        (None, None)
    };
    let any_peers = gemm_wanted || level12_total > 0;
    let peers = if any_peers {
        peers::load_all()
    } else {
        Vec::new()
    };
    let mut skipped = Vec::new();
    for (name, _) in peers::candidates() {
        if any_peers && !peers.iter().any(|p| p.name == name) {
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
    if let (Some(b1), Some(ball)) = (&bandwidth_1, &bandwidth_all) {
        progress::say(&format!(
            "Memory bandwidth (measured), GB/s (read, triad, update): {} on 1 thread; {} on {}",
            peak::bandwidth_text(b1),
            peak::bandwidth_text(ball),
            opts.threads
        ));
    }
    for (row, section, bandwidth) in level12::level12_rows(&peers, opts) {
        let mut case = to_case(section, "GB/s", row);
        case.bandwidth = bandwidth.map(str::to_string);
        cases.push(case);
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
        cases.extend(rows.into_iter().map(|row| to_case(section, "GFLOP/s", row)));
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
            bandwidth_1: bandwidth_1.map(Vec::from),
            bandwidth_all: bandwidth_all.map(Vec::from),
        },
        cases,
        python: Vec::new(),
        gpu: Vec::new(),
        skipped,
    }
}

/// A measured row as a report case of `section`, rates in `unit`.
fn to_case(section: &str, unit: &str, row: gemm::Row) -> report::Case {
    report::Case {
        section: section.into(),
        name: row.what,
        dtype: row.dtype.into(),
        dims: row.dims,
        threads: row.threads,
        unit: unit.into(),
        results: row
            .results
            .iter()
            .zip(row.samples)
            .map(|((name, _), s)| report::Contender::from_samples(name, s))
            .collect(),
        bandwidth: None,
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
