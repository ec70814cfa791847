//! `cargo xtask bench`: installs the peer libraries if they are missing, builds the benchmark
//! harness in release mode and runs it.
//!
//! Peers: Debian's `libopenblas0-pthread` and `libblis4-openmp` (apt); MKL's `libmkl_rt`
//! (PyPI `mkl`), the newest OpenBLAS (`scipy-openblas32`) and AMD's AOCL-BLAS (`aoclda`'s
//! `libblis-mt`), all three from pip. Debian's builds do not recognise this CPU, so their
//! AVX-512 kernels are forced with `OPENBLAS_CORETYPE=Cooperlake` and `BLIS_ARCH_TYPE=0`.
//! What cannot be installed is said, and the harness skips it. The
//! peers' idle threads are told to sleep instead of spinning (`OPENBLAS_THREAD_TIMEOUT`,
//! `OMP_WAIT_POLICY`, `KMP_BLOCKTIME`), so that interleaved timings do not tax each other.
//!
//! Then the Python speedup table (`benches/python/speedup.py`, skipped with `--filter` other
//! than `python`), the batched GEMM from Python (`benches/python/batch.py`: hpc.matmul on
//! stacks against NumPy's matmul and the peers' `cblas_?gemm_batch_strided`; `--filter batch`
//! runs it alone), `hpc.dask` on a local Dask cluster (`benches/python/dask_bench.py`,
//! `--filter dask`), the GPU benchmarks with `--gpu`, and the report: `target/bench/report.md`,
//! `results.json` and the PNG plots, the main tables printed at the end (`--compare OLD.json`
//! adds a comparison with an earlier run's `results.json`).
//!
//! Options: `--quick` (about 2 minutes), `--full` (every size and type), `--filter NAME`,
//! `--threads N`, `--gpu`, `--compare OLD.json`.

use std::path::Path;
use std::process::Command;

use crate::{cargo, run_echoed};

const OPENBLAS: &str = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0";
const BLIS: &str = "/usr/lib/x86_64-linux-gnu/blis-openmp/libblis.so.4";
/// The font the report's plots are drawn with.
const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// The Python prefix whose `lib/` holds pip's `libmkl_rt.so.3`, if any.
fn python_prefix() -> Option<String> {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.prefix)"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Installs the peers (and the plots' font) that are missing, where it can; reports what it
/// could not do.
fn install_peers(out: &Path) {
    let missing_debs: Vec<&str> = [
        (OPENBLAS, "libopenblas0-pthread"),
        (BLIS, "libblis4-openmp"),
        (FONT, "fonts-dejavu-core"),
    ]
    .into_iter()
    .filter(|(path, _)| !Path::new(path).exists())
    .map(|(_, pkg)| pkg)
    .collect();
    if !missing_debs.is_empty() {
        if is_root() && Path::new("/usr/bin/apt-get").exists() {
            eprintln!("installing {} (apt-get)", missing_debs.join(", "));
            let _ = Command::new("apt-get").arg("update").arg("-qq").status();
            let ok = Command::new("apt-get")
                .args(["install", "-y", "-qq"])
                .args(&missing_debs)
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                skipped(
                    out,
                    &format!(
                        "{}: apt-get could not install them",
                        missing_debs.join(", ")
                    ),
                );
            }
        } else {
            skipped(
                out,
                &format!(
                    "{}: not installed, and not root with apt-get to install them",
                    missing_debs.join(", ")
                ),
            );
        }
    }
    let has_mkl =
        python_prefix().is_some_and(|p| Path::new(&format!("{p}/lib/libmkl_rt.so.3")).exists());
    let site = python_site();
    let in_site = |dir: &str| {
        site.as_ref()
            .is_some_and(|s| Path::new(&format!("{s}/{dir}")).exists())
    };
    for (missing, package, what) in [
        (!has_mkl, "mkl", "MKL"),
        (
            !in_site("scipy_openblas32"),
            "scipy-openblas32",
            "the newest OpenBLAS",
        ),
        (!in_site("aoclda.libs"), "aoclda", "AOCL-BLAS"),
    ] {
        if !missing {
            continue;
        }
        eprintln!("installing {what} (pip install {package})");
        let ok = Command::new("python3")
            .args(["-m", "pip", "install", "-q", package])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            skipped(out, &format!("{what}: `pip install {package}` failed"));
        }
    }
}

/// The Python site-packages folder pip installs into, where `scipy-openblas32` and `aoclda`
/// put their libraries.
fn python_site() -> Option<String> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// What `cargo xtask bench` was asked for.
struct Opts {
    /// Forwarded to the harness: `--quick`, `--full`, `--filter X`, `--threads N`, `--sizes L`.
    forwarded: Vec<String>,
    filter: Option<String>,
    quick: bool,
    threads: Option<String>,
    gpu: bool,
    compare: Option<String>,
}

fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        forwarded: Vec::new(),
        filter: None,
        quick: false,
        threads: None,
        gpu: false,
        compare: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" | "--full" => {
                o.quick |= a == "--quick";
                o.forwarded.push(a.clone());
            }
            "--gpu" => o.gpu = true,
            "--filter" | "--threads" | "--compare" | "--sizes" => {
                let v = it.next().ok_or_else(|| format!("{a} needs a value"))?;
                match a.as_str() {
                    "--filter" => o.filter = Some(v.clone()),
                    "--threads" => o.threads = Some(v.clone()),
                    "--sizes" => {}
                    _ => {
                        o.compare = Some(v.clone());
                        continue;
                    }
                }
                o.forwarded.push(a.clone());
                o.forwarded.push(v.clone());
            }
            other => {
                return Err(format!(
                    "unknown option {other:?} (accepted: --quick, --full, --filter NAME, --threads N, --sizes N,N,.., --gpu, --compare OLD.json)"
                ));
            }
        }
    }
    Ok(o)
}

/// `target/bench`: the report's directory, emptied of an earlier run's files.
fn fresh_out_dir(root: &Path) -> Result<std::path::PathBuf, String> {
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    for e in std::fs::read_dir(&out)
        .map_err(|e| e.to_string())?
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json")
            || name.ends_with(".png")
            || name.ends_with(".md")
            || name == "skipped.txt"
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
    Ok(out)
}

/// Notes a skipped part for the report (and says it now).
fn skipped(out: &Path, what: &str) {
    eprintln!("skipped: {what}");
    use std::io::Write;
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(out.join("skipped.txt"))
    {
        let _ = writeln!(f, "{what}");
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let o = parse(args)?;
    let root = crate::project_root();
    // An old results.json given to --compare may live in target/bench: keep a copy first.
    let compare = match &o.compare {
        Some(p) => {
            let text = std::fs::read(p).map_err(|e| format!("--compare {p}: {e}"))?;
            let kept = std::env::temp_dir().join("hpc-bench-compare.json");
            std::fs::write(&kept, text).map_err(|e| e.to_string())?;
            Some(kept)
        }
        None => None,
    };
    let out = fresh_out_dir(&root)?;
    // The pure-Python and Dask sections call no peer library.
    if !matches!(o.filter.as_deref(), Some("python" | "dask")) {
        install_peers(&out);
    }
    let mut cmd = cargo();
    cmd.args(["run", "--release", "--quiet", "-p", "hpc-benches", "--"])
        .args(&o.forwarded)
        .arg("--out")
        .arg(&out)
        .env("OPENBLAS_CORETYPE", "Cooperlake")
        .env("BLIS_ARCH_TYPE", "0")
        // The peers' idle threads would spin after each call (OpenBLAS for about 2^28 cycles,
        // OpenMP runtimes for their block time) on the cores the next library timed needs:
        // with peers interleaved on a 2-core machine that taxes whoever runs next. Let them
        // sleep at once (rayon's workers already do).
        .env("OPENBLAS_THREAD_TIMEOUT", "4")
        .env("OMP_WAIT_POLICY", "PASSIVE")
        .env("KMP_BLOCKTIME", "0");
    if let Some(prefix) = python_prefix() {
        cmd.env("HPC_MKL_PREFIX", prefix);
    }
    if let Some(site) = python_site() {
        cmd.env("HPC_PEER_SITE", site);
    }
    run_echoed(&mut cmd)?;
    let sections: Vec<&str> = ["python", "batch", "dask"]
        .into_iter()
        .filter(|s| o.filter.as_deref().is_none_or(|f| f == *s))
        .collect();
    if !sections.is_empty() {
        python_sections(&o, &out, &sections)?;
    }
    if o.gpu {
        gpu(&out)?;
    } else {
        skipped(
            &out,
            "GPU benchmarks: not requested (`cargo xtask bench --gpu` runs them where a GPU is present)",
        );
    }
    let mut report = cargo();
    report
        .args([
            "run",
            "--release",
            "--quiet",
            "-p",
            "hpc-benches",
            "--",
            "--report",
        ])
        .arg(&out);
    if let Some(c) = &compare {
        report.arg("--compare").arg(c);
    }
    run_echoed(&mut report)
}

/// The GPU section: hpc-cuda's `gpu_bench` (tiled and hpc's cuBLAS path against cuBLAS called
/// directly); without a GPU it says so and the report notes it.
fn gpu(out: &Path) -> Result<(), String> {
    let json = out.join("gpu.json");
    let mut cmd = cargo();
    cmd.args([
        "run",
        "--release",
        "--quiet",
        "-p",
        "hpc-cuda",
        "--example",
        "gpu_bench",
        "--",
        "--json",
    ])
    .arg(&json);
    run_echoed(&mut cmd)?;
    if !json.exists() {
        skipped(
            out,
            "GPU benchmarks: no usable GPU or CUDA libraries on this machine (gpu_bench said why above)",
        );
    }
    Ok(())
}

/// The sections run from Python, in the managed environment with the package built and
/// installed, at all threads and at 1 thread: pure Python to hpc (`benches/python/speedup.py`,
/// with `speedup`; each run writes `python-<threads>.json`), and the batched GEMM against
/// NumPy's matmul and the peers' batch functions (`benches/python/batch.py`, `batch-<threads>.json`),
/// and `hpc.dask` against Dask's own algorithms on a local cluster (`benches/python/dask_bench.py`,
/// `dask.json`, once); with `python` also hpc in a shared process (`shared_process.py`,
/// `shared.json`). `sections` names those to run: `python`, `batch`, `dask`.
fn python_sections(o: &Opts, out: &Path, sections: &[&str]) -> Result<(), String> {
    let speedup = sections.contains(&"python");
    let root = crate::project_root();
    let python = match crate::python::install(&root) {
        Ok(p) => p,
        Err(e) => {
            skipped(out, &format!("the pure-Python speedup table: {e}"));
            return Ok(());
        }
    };
    if speedup && !crate::pyenv::try_install(&python, "numba") {
        skipped(
            out,
            "Numba (its row of the speedup table): it could not be installed",
        );
    }
    let lib = crate::capi::layout(&root)?.shared;
    let cores = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .to_string();
    let mut runs = vec![o.threads.clone().unwrap_or(cores)];
    // The quick run keeps the all-threads table only.
    if runs[0] != "1" && !o.quick {
        runs.push("1".into());
    }
    for t in &runs {
        let scripts = [("speedup.py", "python"), ("batch.py", "batch")];
        for (script, json) in scripts.into_iter().filter(|s| sections.contains(&s.1)) {
            let mut cmd = Command::new(&python);
            cmd.arg(root.join("benches/python").join(script))
                .args(["--threads", t])
                .arg("--json")
                .arg(out.join(format!("{json}-{t}.json")))
                .env("HPC_BLAS_LIB", &lib);
            if let Some(prefix) = python_prefix() {
                cmd.env("HPC_MKL_PREFIX", prefix);
            }
            if let Some(site) = python_site() {
                cmd.env("HPC_PEER_SITE", site);
            }
            if o.quick {
                cmd.arg("--quick");
            }
            run_echoed(&mut cmd)?;
        }
    }
    if speedup {
        // The speedup table's NumPy sleeps its OpenBLAS threads at once (the fair pairing);
        // users' NumPy does not: hpc beside it as users have it, and beside a busy process.
        let mut cmd = Command::new(&python);
        cmd.arg(root.join("benches/python/shared_process.py"))
            .arg("--json")
            .arg(out.join("shared.json"));
        if o.quick {
            cmd.arg("--quick");
        }
        run_echoed(&mut cmd)?;
    }
    if sections.contains(&"dask") {
        if !["dask", "distributed"]
            .iter()
            .all(|p| crate::pyenv::try_install(&python, p))
        {
            skipped(out, "hpc.dask: Dask or distributed could not be installed");
            return Ok(());
        }
        let mut cmd = Command::new(&python);
        cmd.arg(root.join("benches/python/dask_bench.py"))
            .arg("--json")
            .arg(out.join("dask.json"));
        if o.quick {
            cmd.arg("--quick");
        }
        run_echoed(&mut cmd)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn options_reach_the_harness_or_the_report() {
        let o = parse(&args("--sizes 16,32 --threads 2 --compare old.json --gpu")).unwrap();
        assert_eq!(o.forwarded, args("--sizes 16,32 --threads 2"));
        assert_eq!(o.compare.as_deref(), Some("old.json"));
        assert_eq!(o.threads.as_deref(), Some("2"));
        assert!(o.gpu);
        assert!(parse(&args("--sizes")).is_err());
        assert!(parse(&args("--bogus")).is_err());
    }
}
