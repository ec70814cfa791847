//! The report of a benchmark run, in `target/bench/` (or `--out DIR`):
//!
//! - `results.json`: everything measured, raw samples included ([`Results`], schema
//!   [`SCHEMA`]), for diffing two runs (`--compare old.json`);
//! - `report.md`: the machine, the headline table, every table (GFLOP/s or GB/s and hpc's
//!   ratio to each peer, per routine, dtype, size and threads), the pure-Python speedup table,
//!   the GPU table when there is one, and the comparison with an older run;
//! - PNG plots (`plotters`): GFLOP/s against n for each library, f32 and f64, one thread and
//!   all threads, with the FMA peak as a line (`gemm-f64-1t.png`, ...), and the speedup of
//!   each implementation over pure Python (`python-speedup.png`).
//!
//! The harness writes `results.json` as it ends; `cargo xtask bench` then adds the Python
//! (and GPU) measurements and calls `hpc-benches --report DIR`, which renders the rest from
//! the JSON alone, so a report can be re-rendered or compared without re-measuring.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The `schema` of `results.json`.
pub const SCHEMA: &str = "hpc-bench/1";

/// Everything one run measured.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Results {
    /// [`SCHEMA`].
    pub schema: String,
    /// Seconds since the Unix epoch when the harness finished.
    pub created_unix: u64,
    /// The harness's options (`--quick`, `--threads 2`, ...).
    pub options: Vec<String>,
    pub machine: Machine,
    /// Every timed case.
    pub cases: Vec<Case>,
    /// `benches/python/speedup.py --json` outputs, one per thread count.
    #[serde(default)]
    pub python: Vec<serde_json::Value>,
    /// `hpc-cuda`'s `gpu_bench --json` lines, when a GPU was benchmarked.
    #[serde(default)]
    pub gpu: Vec<serde_json::Value>,
    /// What was skipped, and why.
    #[serde(default)]
    pub skipped: Vec<String>,
}

/// The machine and the libraries compared.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    /// The ISA hpc's kernels use (`avx512`, ...) and the kernels by type.
    pub simd: String,
    pub kernels: Vec<String>,
    /// "All threads" in this run.
    pub threads: usize,
    /// Measured f64 FMA peak, GFLOP/s, on one thread and on `threads` (NaN, written as
    /// `null`, in runs without a GEMM or Level 3 section).
    #[serde(deserialize_with = "nan_if_null")]
    pub fma_peak_f64_1: f64,
    #[serde(deserialize_with = "nan_if_null")]
    pub fma_peak_f64_all: f64,
    /// (library, version or where it was found).
    pub libraries: Vec<(String, String)>,
    /// Measured memory bandwidth, GB/s: `[read, triad, update]` on one thread and on
    /// `threads` (`peak::stream`; runs before the update was measured hold two); absent in
    /// runs without a Level 1/2 section.
    #[serde(default)]
    pub bandwidth_1: Option<Vec<f64>>,
    #[serde(default)]
    pub bandwidth_all: Option<Vec<f64>>,
}

/// An `f64` that JSON holds as `null` when it was NaN.
fn nan_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// One case: a routine at one size and thread count, every contender.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Case {
    /// `gemm`, `level3`, `level1`, `level2`.
    pub section: String,
    /// `dgemm 256x256x256`, `dtrsm n=2048`, `daxpy n=1000`.
    pub name: String,
    pub dtype: String,
    pub dims: (usize, usize, usize),
    pub threads: usize,
    /// `GFLOP/s` or `GB/s`.
    pub unit: String,
    /// hpc first.
    pub results: Vec<Contender>,
    /// For a memory-bound case, the bandwidth it is measured against: `read` (dot, nrm2,
    /// gemv: streams in) or `update` (axpy, ger: read, then written back; `triad` in runs
    /// before the update was measured).
    #[serde(default)]
    pub bandwidth: Option<String>,
}

/// One contender's measurements of a case, in the case's unit.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Contender {
    pub library: String,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub samples: Vec<f64>,
}

impl Contender {
    /// From the rates of each run.
    pub fn from_samples(library: &str, samples: Vec<f64>) -> Contender {
        let mut s = samples.clone();
        s.sort_by(f64::total_cmp);
        let n = s.len().max(1);
        let median = if s.is_empty() {
            f64::NAN
        } else if n % 2 == 1 {
            s[n / 2]
        } else {
            0.5 * (s[n / 2 - 1] + s[n / 2])
        };
        Contender {
            library: library.to_string(),
            median,
            min: s.first().copied().unwrap_or(f64::NAN),
            max: s.last().copied().unwrap_or(f64::NAN),
            samples,
        }
    }
}

impl Results {
    /// Reads a `results.json`, checking its schema.
    pub fn load(path: &Path) -> Result<Results, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let r: Results =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if r.schema != SCHEMA {
            return Err(format!(
                "{}: schema {:?}, expected {SCHEMA:?}",
                path.display(),
                r.schema
            ));
        }
        Ok(r)
    }

    /// Writes it as pretty JSON.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The FMA peak for a case (f32 and c32 vectors hold twice the lanes of f64).
    /// The measured bandwidth a memory-bound case is compared with, GB/s.
    fn bandwidth(&self, c: &Case) -> Option<f64> {
        let kind = c.bandwidth.as_deref()?;
        let bw = if c.threads == 1 {
            self.machine.bandwidth_1.as_ref()
        } else {
            self.machine.bandwidth_all.as_ref()
        }?;
        match kind {
            "update" => bw.get(2),
            "triad" => bw.get(1),
            _ => bw.first(),
        }
        .copied()
    }

    fn peak(&self, c: &Case) -> f64 {
        let base = if c.threads == 1 {
            self.machine.fma_peak_f64_1
        } else {
            self.machine.fma_peak_f64_all
        };
        if matches!(c.dtype.as_str(), "f32" | "c32") {
            2.0 * base
        } else {
            base
        }
    }
}

/// Renders `report.md` and the plots into `dir` from `r`; returns the Markdown, whose main
/// tables the caller prints. `old`: an earlier run to compare with.
pub fn render(r: &Results, dir: &Path, old: Option<(&str, &Results)>) -> Result<String, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut md = String::new();
    let _ = writeln!(md, "# hpc benchmark report\n");
    machine_section(&mut md, r);
    let mut plots = Vec::new();
    plots.extend(gemm_plots(r, dir)?);
    if let Some(p) = python_plot(r, dir)? {
        plots.push(p);
    }
    headline(&mut md, r);
    if !plots.is_empty() {
        let _ = writeln!(md, "## Plots\n");
        for p in &plots {
            let _ = writeln!(md, "![{p}]({p})\n");
        }
    }
    for (section, title) in [
        ("gemm", "GEMM"),
        (
            "level3",
            "Level 3 (f64, GFLOP/s of each routine's true flops)",
        ),
        (
            "batch",
            "Batched GEMM (stacks of products from Python: hpc.matmul against NumPy's matmul, the peers' cblas_?gemm_batch_strided and a loop of single hpc.matmul calls; GFLOP/s)",
        ),
        (
            "shared",
            "hpc in a shared process: hpc.matmul f64 on all threads against one thread, alone, right after NumPy products (its OpenBLAS as users have it, then limited to one thread), and beside a spinning process (GFLOP/s)",
        ),
        (
            "dask",
            "hpc.dask on a LocalCluster of 2 worker processes x 1 thread (f64, GFLOP/s of 2 m n k; against Dask's own matmul and x.T @ x)",
        ),
        ("level1", "Level 1 (GB/s of compulsory memory traffic)"),
        (
            "level2",
            "Level 2 (column-major A, GB/s of compulsory memory traffic)",
        ),
    ] {
        table(&mut md, r, section, title);
    }
    python_tables(&mut md, r);
    gpu_table(&mut md, r);
    if let Some((name, old)) = old {
        compare(&mut md, r, name, old);
    }
    if !r.skipped.is_empty() {
        let _ = writeln!(md, "## Skipped\n");
        for s in &r.skipped {
            let _ = writeln!(md, "- {s}");
        }
        let _ = writeln!(md);
    }
    let path = dir.join("report.md");
    std::fs::write(&path, &md).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(md)
}

fn machine_section(md: &mut String, r: &Results) {
    let m = &r.machine;
    let _ = writeln!(md, "## Machine\n");
    let _ = writeln!(md, "- CPU: {} ({} cores)", m.cpu, m.cores);
    let _ = writeln!(md, "- SIMD: {} (kernels {})", m.simd, m.kernels.join(", "));
    if m.fma_peak_f64_1.is_finite() {
        let _ = writeln!(
            md,
            "- Measured f64 FMA peak: {:.1} GFLOP/s on 1 thread, {:.1} on {} threads (f32: twice that)",
            m.fma_peak_f64_1, m.fma_peak_f64_all, m.threads
        );
    }
    if let (Some(b1), Some(ball)) = (&m.bandwidth_1, &m.bandwidth_all) {
        let _ = writeln!(
            md,
            "- Measured memory bandwidth, GB/s (read, triad, update): {} on 1 thread; {} on {} \
             threads",
            crate::peak::bandwidth_text(b1),
            crate::peak::bandwidth_text(ball),
            m.threads
        );
    }
    for (lib, v) in &m.libraries {
        let _ = writeln!(md, "- {lib}: {v}");
    }
    let _ = writeln!(
        md,
        "- Options: `{}`; each figure is the median of several runs with the contenders \
         interleaved run by run; ratios are hpc / peer (above 1: hpc is faster), the median \
         of the ratios run by run\n",
        if r.options.is_empty() {
            "(default)".to_string()
        } else {
            r.options.join(" ")
        }
    );
}

/// The contenders of a set of cases, hpc first, in order of appearance.
fn libraries<'a>(cases: impl Iterator<Item = &'a Case>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in cases {
        for x in &c.results {
            if !out.contains(&x.library) {
                out.push(x.library.clone());
            }
        }
    }
    out
}

fn median_of(c: &Case, lib: &str) -> Option<f64> {
    c.results
        .iter()
        .find(|x| x.library == lib)
        .map(|x| x.median)
}

/// hpc's ratio to `lib` in case `c`: the median of the ratios run by run, where both have a
/// rate for every run (the runs interleave the contenders, so a drift of the machine from one
/// run to the next cancels in each ratio), else the ratio of the medians.
fn ratio_to(c: &Case, lib: &str) -> Option<f64> {
    let (h, p) = (&c.results[0], c.results.iter().find(|x| x.library == lib)?);
    Some(paired_ratio(&h.samples, &p.samples).unwrap_or(h.median / p.median))
}

/// The median of `a[i] / b[i]` over the runs, if both have the same (non-zero) number of runs.
pub fn paired_ratio(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.is_empty() || a.len() != b.len() {
        return None;
    }
    let ratios = a.iter().zip(b).map(|(x, y)| x / y).collect();
    Some(Contender::from_samples("ratio", ratios).median)
}

/// The headline: d/s GEMM at the largest square measured, 1 and all threads, and the
/// pure-Python speedup at the largest size.
fn headline(md: &mut String, r: &Results) {
    let squares: Vec<&Case> = r
        .cases
        .iter()
        .filter(|c| {
            c.section == "gemm" && is_square(c) && matches!(c.dtype.as_str(), "f64" | "f32")
        })
        .collect();
    let Some(n) = squares
        .iter()
        .map(|c| c.dims.0)
        .filter(|&n| n <= 2048)
        .max()
    else {
        return;
    };
    let cases: Vec<&Case> = squares.into_iter().filter(|c| c.dims.0 == n).collect();
    let libs = libraries(cases.iter().copied());
    let _ = writeln!(md, "## Headline: GEMM at n = {n}\n");
    let mut head = String::from("| routine | threads | hpc GFLOP/s | % of FMA peak |");
    let mut rule = String::from("|---|---:|---:|---:|");
    for l in libs.iter().skip(1) {
        let _ = write!(head, " hpc / {l} |");
        rule.push_str("---:|");
    }
    let _ = writeln!(md, "{head}\n{rule}");
    for c in &cases {
        let hpc = c.results[0].median;
        let _ = write!(
            md,
            "| {} | {} | {:.1} | {:.0}% |",
            c.name.split(' ').next().unwrap_or(""),
            c.threads,
            hpc,
            100.0 * hpc / r.peak(c)
        );
        for l in libs.iter().skip(1) {
            match ratio_to(c, l) {
                Some(x) => {
                    let _ = write!(md, " {x:.2}x |");
                }
                None => md.push_str(" - |"),
            }
        }
        md.push('\n');
    }
    md.push('\n');
    if let Some((n, rows)) = python_speedups(r).into_iter().next() {
        let _ = writeln!(
            md,
            "From pure Python (float64, n = {n}, all threads): {}\n",
            rows.iter()
                .map(|(name, x)| format!("{name} {}", fmt_speedup(*x)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

fn is_square(c: &Case) -> bool {
    c.dims.0 == c.dims.1 && c.dims.1 == c.dims.2
}

fn fmt_time(s: f64) -> String {
    if s < 1e-3 {
        format!("{:.0} us", s * 1e6)
    } else if s < 1.0 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

fn fmt_speedup(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.0}x")
    } else {
        format!("{x:.2}x")
    }
}

/// One Markdown table per thread count of one section: hpc's median and spread, % of peak for
/// GFLOP/s, and each peer's median with hpc's ratio to it.
fn table(md: &mut String, r: &Results, section: &str, title: &str) {
    let cases: Vec<&Case> = r.cases.iter().filter(|c| c.section == section).collect();
    if cases.is_empty() {
        return;
    }
    let libs = libraries(cases.iter().copied());
    let unit = cases[0].unit.clone();
    let flops = unit == "GFLOP/s";
    let bandwidth = cases.iter().any(|c| c.bandwidth.is_some());
    let _ = writeln!(md, "## {title}\n");
    let mut head = format!("| case | threads | hpc {unit} | spread |");
    let mut rule = String::from("|---|---:|---:|---:|");
    if flops {
        head.push_str(" % of peak |");
        rule.push_str("---:|");
    }
    if bandwidth {
        head.push_str(" % of bandwidth |");
        rule.push_str("---:|");
    }
    for l in libs.iter().skip(1) {
        let _ = write!(head, " {l} | hpc / {l} |");
        rule.push_str("---:|---:|");
    }
    let _ = writeln!(md, "{head}\n{rule}");
    for c in &cases {
        let h = &c.results[0];
        let _ = write!(
            md,
            "| {} | {} | {:.1} | {:.1}-{:.1} |",
            c.name, c.threads, h.median, h.min, h.max
        );
        if flops {
            match 100.0 * h.median / r.peak(c) {
                p if p.is_finite() => {
                    let _ = write!(md, " {p:.0}% |");
                }
                // The peak was not measured (a run of Python sections only).
                _ => md.push_str(" - |"),
            }
        }
        if bandwidth {
            match r.bandwidth(c) {
                Some(b) => {
                    let _ = write!(md, " {:.0}% |", 100.0 * h.median / b);
                }
                None => md.push_str(" - |"),
            }
        }
        for l in libs.iter().skip(1) {
            match median_of(c, l).zip(ratio_to(c, l)) {
                Some((g, x)) => {
                    let _ = write!(md, " {g:.1} | {x:.2} |");
                }
                None => md.push_str(" - | - |"),
            }
        }
        md.push('\n');
    }
    md.push('\n');
}

/// Per Python run: (largest n with a measured pure-Python base or its extrapolation,
/// [(implementation, speedup over pure Python)]), the all-threads run first.
fn python_speedups(r: &Results) -> Vec<(u64, Vec<(String, f64)>)> {
    let mut out = Vec::new();
    let mut runs: Vec<&serde_json::Value> = r.python.iter().collect();
    runs.sort_by_key(|v| std::cmp::Reverse(v["threads"].as_u64().unwrap_or(0)));
    for run in runs {
        let Some(rows) = run["rows"].as_array() else {
            continue;
        };
        let Some(n) = rows.iter().filter_map(|x| x["n"].as_u64()).max() else {
            continue;
        };
        let at = |name: &str| {
            rows.iter()
                .find(|x| x["n"].as_u64() == Some(n) && x["name"].as_str() == Some(name))
                .and_then(|x| x["seconds"].as_f64())
        };
        let Some(base) = at("pure Python (lists)") else {
            continue;
        };
        let mut names: Vec<String> = Vec::new();
        for x in rows {
            if let Some(s) = x["name"].as_str()
                && !names.iter().any(|m| m == s)
            {
                names.push(s.to_string());
            }
        }
        let speedups = names
            .into_iter()
            .filter_map(|name| at(&name).map(|s| (name, base / s)))
            .collect();
        out.push((n, speedups));
    }
    out
}

fn python_tables(md: &mut String, r: &Results) {
    let mut runs: Vec<&serde_json::Value> = r.python.iter().collect();
    runs.sort_by_key(|v| std::cmp::Reverse(v["threads"].as_u64().unwrap_or(0)));
    for run in runs {
        let (Some(rows), Some(sizes)) = (run["rows"].as_array(), run["sizes"].as_array()) else {
            continue;
        };
        let sizes: Vec<u64> = sizes.iter().filter_map(|s| s.as_u64()).collect();
        let threads = run["threads"].as_u64().unwrap_or(0);
        let _ = writeln!(
            md,
            "## From pure Python to hpc: C = A @ B, float64, {threads} thread(s)\n"
        );
        let _ = writeln!(
            md,
            "Time, GFLOP/s and speedup over pure Python loops on lists (`~`: extrapolated as \
             n^3 from the largest size measured).\n"
        );
        let mut head = String::from("| implementation |");
        let mut rule = String::from("|---|");
        for n in &sizes {
            let _ = write!(head, " n={n} |");
            rule.push_str("---:|");
        }
        let _ = writeln!(md, "{head}\n{rule}");
        let base = |n: u64| {
            rows.iter()
                .find(|x| {
                    x["n"].as_u64() == Some(n) && x["name"].as_str() == Some("pure Python (lists)")
                })
                .and_then(|x| x["seconds"].as_f64())
        };
        let mut names: Vec<&str> = Vec::new();
        for x in rows {
            if let Some(s) = x["name"].as_str()
                && !names.contains(&s)
            {
                names.push(s);
            }
        }
        for name in names {
            let _ = write!(md, "| {name} |");
            for &n in &sizes {
                let cell = rows
                    .iter()
                    .find(|x| x["n"].as_u64() == Some(n) && x["name"].as_str() == Some(name));
                match (cell.and_then(|x| x["seconds"].as_f64()), base(n)) {
                    (Some(s), Some(b)) => {
                        let mark = if cell.and_then(|x| x["extrapolated"].as_bool()) == Some(true) {
                            "~"
                        } else {
                            ""
                        };
                        let gf = 2.0 * (n as f64).powi(3) / s / 1e9;
                        let _ = write!(
                            md,
                            " {mark}{}, {gf:.3} GF/s, {mark}{} |",
                            fmt_time(s),
                            fmt_speedup(b / s)
                        );
                    }
                    _ => md.push_str(" - |"),
                }
            }
            md.push('\n');
        }
        if let (Some(np), Some(h)) = (
            run["per_call_4x4_seconds"]["numpy"].as_f64(),
            run["per_call_4x4_seconds"]["hpc"].as_f64(),
        ) {
            let _ = writeln!(
                md,
                "\n4 x 4 per call: NumPy {:.2} us, hpc.matmul {:.2} us ({:.2}x NumPy's time).",
                np * 1e6,
                h * 1e6,
                h / np
            );
        }
        if let Some(sk) = run["skipped"].as_object() {
            for (k, v) in sk {
                let _ = writeln!(md, "\nSkipped {k}: {}", v.as_str().unwrap_or(""));
            }
        }
        md.push('\n');
    }
}

fn gpu_table(md: &mut String, r: &Results) {
    if r.gpu.is_empty() {
        return;
    }
    let arch = r.gpu[0]["arch"].as_str().unwrap_or("?");
    let _ = writeln!(md, "## GPU GEMM ({arch})\n");
    let _ = writeln!(
        md,
        "| dtype | n | backend | kernel TFLOP/s | vs cuBLAS direct | end to end ms |\n|---|---:|---|---:|---:|---:|"
    );
    for g in &r.gpu {
        let (Some(dt), Some(n), Some(b), Some(ks)) = (
            g["dtype"].as_str(),
            g["n"].as_u64(),
            g["backend"].as_str(),
            g["kernel_s"].as_f64(),
        ) else {
            continue;
        };
        let direct = r
            .gpu
            .iter()
            .find(|d| {
                d["dtype"].as_str() == Some(dt)
                    && d["n"].as_u64() == Some(n)
                    && d["backend"].as_str() == Some("cuBLAS direct")
            })
            .and_then(|d| d["kernel_s"].as_f64());
        let e2e = g["end_to_end_s"].as_f64().filter(|&x| x > 0.0);
        let _ = writeln!(
            md,
            "| {dt} | {n} | {b} | {:.2} | {} | {} |",
            2.0 * (n as f64).powi(3) / ks / 1e12,
            direct.map_or("-".into(), |d| format!("{:.3}", d / ks)),
            e2e.map_or("-".into(), |e| format!("{:.1}", e * 1e3))
        );
    }
    md.push('\n');
}

/// hpc's median now against `old`'s, and each ratio now against then, for the cases both
/// runs have.
fn compare(md: &mut String, r: &Results, name: &str, old: &Results) {
    let _ = writeln!(md, "## Compared with {name}\n");
    let _ = writeln!(
        md,
        "| case | threads | hpc now | hpc then | now / then | ratios to peers now (then) |\n|---|---:|---:|---:|---:|---|"
    );
    let mut any = false;
    for c in &r.cases {
        let Some(o) = old
            .cases
            .iter()
            .find(|o| o.name == c.name && o.threads == c.threads && o.section == c.section)
        else {
            continue;
        };
        any = true;
        let (now, then) = (c.results[0].median, o.results[0].median);
        let ratios: Vec<String> = c
            .results
            .iter()
            .skip(1)
            .map(|p| {
                let then = ratio_to(o, &p.library).map_or("-".into(), |x| format!("{x:.2}"));
                let now = ratio_to(c, &p.library).unwrap_or(f64::NAN);
                format!("{} {now:.2} ({then})", p.library)
            })
            .collect();
        let _ = writeln!(
            md,
            "| {} | {} | {now:.1} | {then:.1} | {:.2} | {} |",
            c.name,
            c.threads,
            now / then,
            ratios.join(", ")
        );
    }
    if !any {
        let _ = writeln!(md, "(no case in common)");
    }
    md.push('\n');
}

const COLORS: [plotters::style::RGBColor; 8] = [
    plotters::style::RGBColor(214, 39, 40),
    plotters::style::RGBColor(31, 119, 180),
    plotters::style::RGBColor(44, 160, 44),
    plotters::style::RGBColor(255, 127, 14),
    plotters::style::RGBColor(148, 103, 189),
    plotters::style::RGBColor(140, 86, 75),
    plotters::style::RGBColor(227, 119, 194),
    plotters::style::RGBColor(127, 127, 127),
];

/// Registers a TrueType font for the plots' text (plotters' `ab_glyph` backend has none
/// built in); `false` if none of the usual paths has one.
fn register_font() -> bool {
    static FONT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FONT.get_or_init(|| {
        let candidates = [
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/TTF/DejaVuSans.ttf",
            "/usr/share/fonts/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/System/Library/Fonts/Supplemental/Arial.ttf",
        ];
        let from_env = std::env::var("HPC_BENCH_FONT").ok();
        for p in from_env.iter().map(String::as_str).chain(candidates) {
            if let Ok(bytes) = std::fs::read(p) {
                let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                if plotters::style::register_font(
                    "sans-serif",
                    plotters::style::FontStyle::Normal,
                    bytes,
                )
                .is_ok()
                {
                    return true;
                }
            }
        }
        false
    })
}

fn plot_err(e: impl std::fmt::Display) -> String {
    format!("plot: {e}")
}

/// GFLOP/s against n (square GEMM) for f64 and f32, 1 and all threads: one PNG each.
fn gemm_plots(r: &Results, dir: &Path) -> Result<Vec<String>, String> {
    use plotters::prelude::*;
    if !register_font() {
        return Err(
            "no TrueType font found for the plots (install fonts-dejavu-core, or set HPC_BENCH_FONT to a .ttf file)"
                .into(),
        );
    }
    let mut files = Vec::new();
    let threads: BTreeSet<usize> = r.cases.iter().map(|c| c.threads).collect();
    for dtype in ["f64", "f32"] {
        for &t in &threads {
            let cases: Vec<&Case> = r
                .cases
                .iter()
                .filter(|c| {
                    c.section == "gemm" && c.dtype == dtype && c.threads == t && is_square(c)
                })
                .collect();
            if cases.len() < 2 {
                continue;
            }
            let file = format!("gemm-{dtype}-{t}t.png");
            let path = dir.join(&file);
            let peak = r.peak(cases[0]);
            let libs = libraries(cases.iter().copied());
            let top = cases
                .iter()
                .flat_map(|c| c.results.iter().map(|x| x.median))
                .fold(peak, f64::max);
            let (n_min, n_max) = (
                cases.iter().map(|c| c.dims.0).min().unwrap_or(1) as f64,
                cases.iter().map(|c| c.dims.0).max().unwrap_or(2) as f64,
            );
            let root = BitMapBackend::new(&path, (900, 560)).into_drawing_area();
            root.fill(&WHITE).map_err(plot_err)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(
                    format!(
                        "{}gemm, {t} thread{}: GFLOP/s against n (square)",
                        if dtype == "f64" { 'd' } else { 's' },
                        if t == 1 { "" } else { "s" }
                    ),
                    ("sans-serif", 22),
                )
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(60)
                .build_cartesian_2d((n_min..n_max).log_scale(), 0.0..top * 1.08)
                .map_err(plot_err)?;
            chart
                .configure_mesh()
                .x_desc("n")
                .y_desc("GFLOP/s")
                .x_label_formatter(&|x| format!("{x:.0}"))
                .draw()
                .map_err(plot_err)?;
            chart
                .draw_series(LineSeries::new(
                    [(n_min, peak), (n_max, peak)],
                    BLACK.stroke_width(2),
                ))
                .map_err(plot_err)?
                .label(format!("FMA peak {peak:.0}"))
                .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], BLACK.stroke_width(2)));
            for (i, lib) in libs.iter().enumerate() {
                let color = COLORS[i % COLORS.len()];
                let pts: Vec<(f64, f64)> = cases
                    .iter()
                    .filter_map(|c| median_of(c, lib).map(|g| (c.dims.0 as f64, g)))
                    .collect();
                let width = if i == 0 { 3 } else { 1 };
                chart
                    .draw_series(LineSeries::new(pts.clone(), color.stroke_width(width)))
                    .map_err(plot_err)?
                    .label(lib.clone())
                    .legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 18, y)], color.stroke_width(width))
                    });
                chart
                    .draw_series(pts.into_iter().map(|p| Circle::new(p, 3, color.filled())))
                    .map_err(plot_err)?;
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .draw()
                .map_err(plot_err)?;
            root.present().map_err(plot_err)?;
            files.push(file);
        }
    }
    Ok(files)
}

/// The speedup over pure Python of each implementation (log scale), all-threads run.
fn python_plot(r: &Results, dir: &Path) -> Result<Option<String>, String> {
    use plotters::prelude::*;
    let Some((n, rows)) = python_speedups(r).into_iter().next() else {
        return Ok(None);
    };
    if !register_font() {
        return Err("no TrueType font found for the plots".into());
    }
    let file = "python-speedup.png".to_string();
    let path = dir.join(&file);
    let top = rows.iter().map(|x| x.1).fold(1.0, f64::max) * 20.0;
    let bottom = rows.iter().map(|x| x.1).fold(1.0, f64::min) / 2.0;
    let k = rows.len();
    let root = BitMapBackend::new(&path, (1000, 80 + 60 * k as u32)).into_drawing_area();
    root.fill(&WHITE).map_err(plot_err)?;
    let names: Vec<String> = rows.iter().map(|x| x.0.clone()).collect();
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("C = A @ B, float64, n = {n}: speedup over pure Python (log scale)"),
            ("sans-serif", 22),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(260)
        .build_cartesian_2d((bottom..top).log_scale(), (0..k).into_segmented())
        .map_err(plot_err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("speedup over pure Python (x)")
        .x_label_formatter(&|x| {
            if *x < 1.0 {
                format!("{x:.1}")
            } else {
                format!("{x:.0}")
            }
        })
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                names.get(*i).cloned().unwrap_or_default()
            }
            SegmentValue::Last => String::new(),
        })
        .y_label_style(("sans-serif", 15))
        .draw()
        .map_err(plot_err)?;
    for (i, (_, x)) in rows.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        chart
            .draw_series([Rectangle::new(
                [
                    (bottom, SegmentValue::Exact(i)),
                    (*x, SegmentValue::Exact(i + 1)),
                ],
                color.filled(),
            )])
            .map_err(plot_err)?;
        chart
            .draw_series([Text::new(
                fmt_speedup(*x),
                (x * 1.15, SegmentValue::CenterOf(i)),
                ("sans-serif", 15).into_font(),
            )])
            .map_err(plot_err)?;
    }
    root.present().map_err(plot_err)?;
    Ok(Some(file))
}

/// The tables printed on the terminal at the end: the headline and the GEMM and Level 3
/// tables of `md` (the rest is in the file).
pub fn terminal_summary(md: &str) -> String {
    let mut out = String::new();
    let mut keep = false;
    for line in md.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            keep = h.starts_with("Headline")
                || h.starts_with("GEMM")
                || h.starts_with("Level 3")
                || h.starts_with("From pure Python")
                || h.starts_with("GPU")
                || h.starts_with("Compared");
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_spread_of_samples() {
        let c = Contender::from_samples("x", vec![3.0, 1.0, 2.0, 10.0]);
        assert_eq!((c.median, c.min, c.max), (2.5, 1.0, 10.0));
        assert_eq!(c.samples, vec![3.0, 1.0, 2.0, 10.0]);
        let c = Contender::from_samples("x", vec![5.0, 1.0, 2.0]);
        assert_eq!(c.median, 2.0);
    }

    #[test]
    fn ratios_pair_the_runs() {
        let case = |hpc: Vec<f64>, peer: Vec<f64>| Case {
            section: "gemm".into(),
            name: "dgemm 64x64x64".into(),
            dtype: "f64".into(),
            dims: (64, 64, 64),
            threads: 1,
            unit: "GFLOP/s".into(),
            results: vec![
                Contender::from_samples("hpc", hpc),
                Contender::from_samples("peer", peer),
            ],
            bandwidth: None,
        };
        // hpc 1.1x the peer in every run, the machine at half speed for two of the five:
        // both statistics say 1.1 when the slow runs are the same for both medians ...
        let c = case(vec![2.2, 2.2, 2.2, 1.1, 1.1], vec![2.0, 2.0, 2.0, 1.0, 1.0]);
        assert!((ratio_to(&c, "peer").unwrap() - 1.1).abs() < 1e-12);
        assert!(
            (median_of(&c, "hpc").unwrap() / median_of(&c, "peer").unwrap() - 1.1).abs() < 1e-12
        );
        // ... but when the slow phase takes one more of hpc's runs than of the peer's (a slow
        // phase starting between the two in the third run), the ratio of the medians says
        // 0.55; the ratios run by run are 1.1, 1.1, 0.55, 1.1, 1.1, median 1.1.
        let c = case(vec![2.2, 2.2, 1.1, 1.1, 1.1], vec![2.0, 2.0, 2.0, 1.0, 1.0]);
        assert!(
            (median_of(&c, "hpc").unwrap() / median_of(&c, "peer").unwrap() - 0.55).abs() < 1e-12
        );
        assert!((ratio_to(&c, "peer").unwrap() - 1.1).abs() < 1e-12);
        // Runs that do not pair up: the ratio of the medians.
        let c = case(vec![3.0, 3.0, 3.0], vec![2.0, 2.0]);
        assert_eq!(ratio_to(&c, "peer"), Some(1.5));
        assert_eq!(ratio_to(&c, "nobody"), None);
    }
}
