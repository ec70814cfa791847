//! The `hpc` Python package in the managed environment (`target/venv`): built into an abi3
//! wheel with maturin, installed, and tested with pytest (against NumPy, hypothesis for random
//! shapes and strides; threadpoolctl for hpc's controller; Dask and distributed for
//! `hpc.dask`) and mypy's stubtest (the `.pyi` stub against the extension).

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the tests and the build need in the environment (import names).
const PACKAGES: [&str; 8] = [
    "numpy",
    "pytest",
    "hypothesis",
    "mypy",
    "maturin",
    "threadpoolctl",
    "dask",
    "distributed",
];

/// Builds the wheel into `target/wheels` and installs it; returns the environment's Python.
pub fn install(root: &Path) -> Result<PathBuf, String> {
    let python = crate::pyenv::python(root, &PACKAGES)?;
    let venv_bin = python
        .parent()
        .ok_or("no venv bin directory")?
        .to_path_buf();
    let wheels = root.join("target/wheels");
    if wheels.exists() {
        for e in std::fs::read_dir(&wheels)
            .map_err(|e| e.to_string())?
            .flatten()
        {
            if e.path().extension().is_some_and(|x| x == "whl") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let ok = Command::new(venv_bin.join("maturin"))
        .args([
            "build",
            "--release",
            "--quiet",
            "-m",
            "crates/hpc-py/Cargo.toml",
            "-o",
        ])
        .arg(&wheels)
        .arg("-i")
        .arg(&python)
        .current_dir(root)
        .status()
        .map_err(|e| format!("maturin: {e}"))?;
    if !ok.success() {
        return Err("maturin build failed".into());
    }
    let wheel = std::fs::read_dir(&wheels)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or("maturin produced no wheel")?;
    let ok = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--force-reinstall",
            "--no-deps",
        ])
        .arg(&wheel)
        .status()
        .map_err(|e| format!("pip: {e}"))?;
    if !ok.success() {
        return Err(format!("pip install {} failed", wheel.display()));
    }
    Ok(python)
}

/// Builds, installs and tests the package; returns a summary line.
pub fn test(root: &Path) -> Result<String, String> {
    let python = install(root)?;
    let pkg = root.join("crates/hpc-py");
    let mut pytest = Command::new(&python);
    pytest
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"])
        .current_dir(&pkg);
    // hpc's C library, for the threadpoolctl test of its controller (laid out by the C
    // steps before this one).
    if let Ok(l) = crate::capi::layout(root)
        && l.shared.exists()
    {
        pytest.env("HPC_BLAS_LIB", &l.shared);
    }
    if crate::cuda::gpu_present() {
        // The GPU tests must then run, not skip (`tests/test_cuda.py`).
        pytest.env("HPC_REQUIRE_GPU", "1");
    }
    let out = pytest.output().map_err(|e| format!("pytest: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        return Err(format!("pytest failed ({})", out.status));
    }
    let summary = text.lines().last().unwrap_or("").trim().to_string();
    // From a directory without an `hpc` folder, so the installed package is the one checked.
    let stub = Command::new(&python)
        .args(["-m", "mypy.stubtest", "hpc._hpc"])
        .current_dir(root.join("target"))
        .output()
        .map_err(|e| format!("stubtest: {e}"))?;
    print!("{}", String::from_utf8_lossy(&stub.stdout));
    if !stub.status.success() {
        return Err("the stub hpc/_hpc.pyi does not match the extension (mypy.stubtest)".into());
    }
    Ok(format!("pytest: {summary}; stubtest: the stub matches"))
}
