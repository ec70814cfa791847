//! The CUDA checks that need no GPU: NVRTC from PyPI (pinned to one CUDA 13.0 release: the
//! five wheels drift apart unpinned) in the managed environment, then hpc-cuda's kernel
//! compile test with that NVRTC on the library path and its absence made a failure.

use std::path::Path;
use std::process::Command;

/// The pinned wheels (the versions the kernels were last checked with).
const WHEELS: [&str; 5] = [
    "nvidia-cuda-nvrtc==13.0.88",
    "nvidia-cuda-nvcc==13.0.88",
    "nvidia-nvvm==13.0.88",
    "nvidia-cuda-crt==13.0.88",
    "nvidia-cuda-runtime==13.0.88",
];

/// Installs NVRTC and runs the kernel compile test; returns its report.
pub fn kernels_compile(root: &Path) -> Result<String, String> {
    let python = crate::pyenv::python(root, &[])?;
    let ok = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(WHEELS)
        .status()
        .map_err(|e| format!("pip: {e}"))?;
    if !ok.success() {
        return Err(format!("pip install {} failed", WHEELS.join(" ")));
    }
    let out = Command::new(&python)
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ])
        .output()
        .map_err(|e| format!("python: {e}"))?;
    let site = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let lib = Path::new(&site).join("nvidia/cu13/lib");
    if !lib.join("libnvrtc.so.13").exists() {
        return Err(format!("no libnvrtc.so.13 in {}", lib.display()));
    }
    let out = crate::cargo()
        .args([
            "test",
            "-q",
            "-p",
            "hpc-cuda",
            "--test",
            "kernels_compile",
            "--",
            "--nocapture",
        ])
        .env("LD_LIBRARY_PATH", &lib)
        .env("HPC_REQUIRE_NVRTC", "1")
        .output()
        .map_err(|e| format!("cargo test: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        return Err("a kernel does not compile cleanly with NVRTC (see above)".into());
    }
    let kernels = text.lines().filter(|l| l.contains(" spills")).count();
    Ok(format!(
        "{kernels} kernel builds (5 kernels x f32/f64 and dmma x f64, each for sm_80 and sm_90), no spills"
    ))
}

/// Whether `nvidia-smi` finds an NVIDIA GPU here: the GPU tests (Rust and Python) must then
/// run on it, with `HPC_REQUIRE_GPU` set, rather than skip.
pub fn gpu_present() -> bool {
    Command::new("nvidia-smi")
        .output()
        .is_ok_and(|o| o.status.success())
}
