//! `cargo xtask bench`: installs the peer libraries if they are missing, builds the benchmark
//! harness in release mode and runs it.
//!
//! Peers: Debian's `libopenblas0-pthread` and `libblis4-openmp` (apt), and MKL's `libmkl_rt`
//! from the PyPI package `mkl` (pip). Debian's builds do not recognise this CPU, so their
//! AVX-512 kernels are forced with `OPENBLAS_CORETYPE=Cooperlake` and `BLIS_ARCH_TYPE=0`
//! (`../shared/FACTS.md`). What cannot be installed is said, and the harness skips it. The
//! peers' idle threads are told to sleep instead of spinning (`OPENBLAS_THREAD_TIMEOUT`,
//! `OMP_WAIT_POLICY`, `KMP_BLOCKTIME`), so that interleaved timings do not tax each other.
//!
//! Options (forwarded): `--quick`, `--full`, `--filter NAME`, `--threads N`. Without a
//! filter, the Python speedup table follows (`--filter python` runs only that).

use std::path::Path;
use std::process::Command;

use crate::{cargo, run_echoed};

const OPENBLAS: &str = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0";
const BLIS: &str = "/usr/lib/x86_64-linux-gnu/blis-openmp/libblis.so.4";

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

/// Installs the peers that are missing, where it can; reports what it could not do.
fn install_peers() {
    let missing_debs: Vec<&str> = [
        (OPENBLAS, "libopenblas0-pthread"),
        (BLIS, "libblis4-openmp"),
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
                eprintln!(
                    "could not install {}: those peers will be skipped",
                    missing_debs.join(", ")
                );
            }
        } else {
            eprintln!(
                "{} not installed and not root with apt-get: those peers will be skipped",
                missing_debs.join(", ")
            );
        }
    }
    let has_mkl =
        python_prefix().is_some_and(|p| Path::new(&format!("{p}/lib/libmkl_rt.so.3")).exists());
    if !has_mkl {
        eprintln!("installing MKL (pip install mkl)");
        let ok = Command::new("python3")
            .args(["-m", "pip", "install", "-q", "mkl"])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("could not install MKL: it will be skipped");
        }
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut forwarded = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" | "--full" => forwarded.push(a.clone()),
            "--filter" | "--threads" => {
                let v = it.next().ok_or_else(|| format!("{a} needs a value"))?;
                forwarded.push(a.clone());
                forwarded.push(v.clone());
            }
            other => {
                return Err(format!(
                    "unknown option {other:?} (accepted: --quick, --full, --filter NAME, --threads N)"
                ));
            }
        }
    }
    let filter = forwarded
        .iter()
        .position(|a| a == "--filter")
        .and_then(|i| forwarded.get(i + 1))
        .cloned();
    let quick = forwarded.iter().any(|a| a == "--quick");
    if filter.as_deref() == Some("python") {
        return python_speedup(quick, &forwarded);
    }
    install_peers();
    let mut cmd = cargo();
    cmd.args(["run", "--release", "--quiet", "-p", "hpc-benches", "--"])
        .args(&forwarded)
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
    run_echoed(&mut cmd)?;
    if filter.is_none() {
        python_speedup(quick, &forwarded)?;
    }
    Ok(())
}

/// The Python section: pure Python to hpc (`benches/python/speedup.py`), in the managed
/// environment with the package built and installed, at all threads and at 1 thread.
fn python_speedup(quick: bool, forwarded: &[String]) -> Result<(), String> {
    let root = crate::project_root();
    let python = match crate::python::install(&root) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("skipping the Python speedup table: {e}");
            return Ok(());
        }
    };
    if !crate::pyenv::try_install(&python, "numba") {
        eprintln!("Numba could not be installed: its row will be skipped");
    }
    let lib = crate::capi::layout(&root)?.shared;
    let threads = forwarded
        .iter()
        .position(|a| a == "--threads")
        .and_then(|i| forwarded.get(i + 1))
        .cloned();
    let mut runs = vec![threads.unwrap_or_else(|| "0".into())];
    if runs[0] != "1" {
        runs.push("1".into());
    }
    for t in runs {
        let mut cmd = Command::new(&python);
        cmd.arg(root.join("benches/python/speedup.py"))
            .args(["--threads", &t])
            .env("HPC_BLAS_LIB", &lib);
        if quick {
            cmd.arg("--quick");
        }
        run_echoed(&mut cmd)?;
    }
    Ok(())
}
