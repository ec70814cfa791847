//! The Python environment xtask manages: a virtual environment in `target/venv`, created
//! with the system's `python3 -m venv` and filled with pip, so tests never touch the system
//! Python.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The environment's interpreter, with `packages` installed (pip is asked only for those not
/// importable yet).
pub fn python(root: &Path, packages: &[&str]) -> Result<PathBuf, String> {
    let venv = root.join("target/venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        println!("creating the Python environment {}", venv.display());
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .map_err(|e| format!("python3 -m venv: {e} (install python3 and python3-venv)"))?;
        if !ok.success() {
            return Err("python3 -m venv failed (on Debian: apt-get install python3-venv)".into());
        }
    }
    for p in packages {
        if !try_install(&python, p) {
            return Err(format!("pip install {p} failed"));
        }
    }
    Ok(python)
}

/// Installs `package` into the environment of `python` if it is not importable yet; `false` if
/// that failed (the caller skips what needs it).
pub fn try_install(python: &Path, package: &str) -> bool {
    let importable = |p: &Path| {
        Command::new(p)
            .args(["-c", &format!("import {package}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if importable(python) {
        return true;
    }
    let _ = Command::new(python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            package,
        ])
        .status();
    importable(python)
}
