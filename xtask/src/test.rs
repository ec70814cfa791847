//! `cargo xtask test`: every check a contributor must keep green, in order, with a summary.
//!
//! Steps: `cargo fmt --check`, `cargo clippy --workspace --all-targets -- -D warnings`,
//! `cargo test --workspace`, then hpc-gemm's tests again under `HPC_FORCE_ISA=avx2` and
//! `HPC_FORCE_ISA=scalar` (the default run uses the best kernels of the CPU), with tiny
//! block sizes (`HPC_MC`, `HPC_KC`, `HPC_NC`) and under each processor's tuning (`HPC_CPU`),
//! and built for aarch64 and run under qemu (the NEON kernels, `aarch64.rs`), and, where
//! `nvidia-smi` finds a GPU, hpc-cuda's tests in release with `HPC_REQUIRE_GPU=1` (set for
//! pytest too, so that the Python GPU tests must run rather than skip). A step that cannot run
//! here is reported as skipped with its reason; a step that fails fails the whole command,
//! after the summary is printed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::{cargo, run_echoed, shown};

enum Outcome {
    Passed,
    Failed(String),
    Skipped(String),
}

struct Step {
    name: &'static str,
    outcome: Outcome,
    seconds: f64,
}

fn step(name: &'static str, steps: &mut Vec<Step>, f: impl FnOnce() -> Outcome) {
    println!("\n==> {name}");
    let start = Instant::now();
    let outcome = f();
    steps.push(Step {
        name,
        outcome,
        seconds: start.elapsed().as_secs_f64(),
    });
}

fn outcome_of(result: Result<(), String>) -> Outcome {
    match result {
        Ok(()) => Outcome::Passed,
        Err(e) => Outcome::Failed(e),
    }
}

/// `true` when this CPU has AVX2 and FMA (the x86-64-v3 kernels).
fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `true` when `cargo <sub> --version` works (rustfmt and clippy are rustup components).
fn has_cargo_subcommand(sub: &str) -> bool {
    cargo()
        .args([sub, "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(unknown) = args.first() {
        return Err(format!(
            "`cargo xtask test` takes no option (got {unknown:?})"
        ));
    }
    let mut steps = Vec::new();

    step("format (cargo fmt --check)", &mut steps, || {
        if !has_cargo_subcommand("fmt") {
            return Outcome::Skipped(
                "rustfmt is not installed (rustup component add rustfmt)".into(),
            );
        }
        outcome_of(run_echoed(cargo().args(["fmt", "--all", "--", "--check"])))
    });

    step("lint (cargo clippy -D warnings)", &mut steps, || {
        if !has_cargo_subcommand("clippy") {
            return Outcome::Skipped(
                "clippy is not installed (rustup component add clippy)".into(),
            );
        }
        outcome_of(run_echoed(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])))
    });

    let mut counts = TestCounts::default();
    step("tests (cargo test --workspace)", &mut steps, || {
        outcome_of(run_counting(
            cargo().args(["test", "--workspace"]),
            &mut counts,
        ))
    });

    // The default run above used the best kernels this CPU has; run the GEMM tests again with
    // each lower kernel family forced, so the AVX2 and portable paths are tested here too.
    for (isa, name, feature_ok) in [
        ("avx2", "GEMM tests, HPC_FORCE_ISA=avx2", has_avx2()),
        ("scalar", "GEMM tests, HPC_FORCE_ISA=scalar", true),
    ] {
        step(name, &mut steps, || {
            if !feature_ok {
                return Outcome::Skipped(format!("this CPU lacks {isa}"));
            }
            outcome_of(run_counting(
                cargo()
                    .args(["test", "-p", "hpc-gemm", "--tests"])
                    .env("HPC_FORCE_ISA", isa),
                &mut counts,
            ))
        });
    }

    // Once more with tiny block sizes (the tuning overrides of `hpc_gemm::Blocking`), so that
    // the tests' modest sizes cross every loop's block edges several times: NC, KC and MC
    // panels, the fused and packed B paths, and the triangle (gemmt) of syrk.
    step(
        "GEMM tests, tiny blocks (HPC_MC=32 HPC_KC=24 HPC_NC=140)",
        &mut steps,
        || {
            outcome_of(run_counting(
                cargo()
                    .args(["test", "-p", "hpc-gemm", "--tests"])
                    .env("HPC_MC", "32")
                    .env("HPC_KC", "24")
                    .env("HPC_NC", "140"),
                &mut counts,
            ))
        },
    );

    // Once under each processor's tuning (`hpc_gemm::Cpu`), whichever this machine is: Zen 4
    // runs most real products on the kernel's wide register block, reading op(B) in place,
    // where other processors copy or pack it.
    step(
        "GEMM tests, each processor's tuning (HPC_CPU=zen4, other)",
        &mut steps,
        || {
            outcome_of(["zen4", "other"].into_iter().try_for_each(|cpu| {
                run_counting(
                    cargo()
                        .args(["test", "-p", "hpc-gemm", "--tests"])
                        .env("HPC_CPU", cpu),
                    &mut counts,
                )
            }))
        },
    );

    // The NEON kernels, on an emulated aarch64: lint, then hpc-gemm's tests (kernel contract,
    // driver against the reference, Level 3), which select NEON there as the best ISA.
    step("aarch64 NEON under qemu (hpc-gemm)", &mut steps, || {
        if let Some(why) = crate::aarch64::missing() {
            return Outcome::Skipped(why);
        }
        if has_cargo_subcommand("clippy") {
            let mut lint =
                crate::aarch64::cargo_for_aarch64(&["clippy", "-p", "hpc-gemm", "--all-targets"]);
            if let Err(e) = run_echoed(lint.args(["--", "-D", "warnings"])) {
                return Outcome::Failed(e);
            }
        }
        outcome_of(run_counting(
            &mut crate::aarch64::cargo_for_aarch64(&["test", "-p", "hpc-gemm", "--tests"]),
            &mut counts,
        ))
    });

    step("reference BLAS testers (Fortran ABI)", &mut steps, || {
        if !std::path::Path::new(crate::blas_testers::TESTER_DIR)
            .join("xblat1d")
            .exists()
        {
            return Outcome::Skipped(format!(
                "Debian's libblas-test is not installed (no {}; `apt-get install libblas-test`, as .ci/run does)",
                crate::blas_testers::TESTER_DIR
            ));
        }
        match crate::blas_testers::run_fortran(&crate::project_root()) {
            Ok(summary) => {
                println!("{summary}");
                Outcome::Passed
            }
            Err(e) => Outcome::Failed(e),
        }
    });

    step("reference CBLAS testers", &mut steps, || {
        if !std::path::Path::new(crate::blas_testers::TESTER_DIR)
            .join("xdcblat1")
            .exists()
        {
            return Outcome::Skipped(format!(
                "Debian's libblas-test is not installed (no {}/xdcblat1; `apt-get install libblas-test`, as .ci/run does)",
                crate::blas_testers::TESTER_DIR
            ));
        }
        match crate::blas_testers::run_cblas(&crate::project_root()) {
            Ok(summary) => {
                println!("{summary}");
                Outcome::Passed
            }
            Err(e) => Outcome::Failed(e),
        }
    });

    step(
        "reference LAPACK's test suite over hpc (1 and 2 threads)",
        &mut steps,
        || {
            if let Some(why) = crate::lapack_tests::missing() {
                return Outcome::Skipped(why);
            }
            match crate::lapack_tests::run(&crate::project_root()) {
                Ok(summary) => {
                    println!("{summary}");
                    Outcome::Passed
                }
                Err(e) => Outcome::Failed(e),
            }
        },
    );

    step(
        "C library exports every symbol of the reference libblas.so.3",
        &mut steps,
        || {
            if let Some(why) = crate::capi::symbols_check_missing() {
                return Outcome::Skipped(why);
            }
            match crate::capi::check_symbols(&crate::project_root()) {
                Ok(summary) => {
                    println!("{summary}");
                    Outcome::Passed
                }
                Err(e) => Outcome::Failed(e),
            }
        },
    );

    step("C header is current (cbindgen)", &mut steps, || {
        outcome_of(crate::capi::check_header(&crate::project_root(), false))
    });

    step(
        "C program (cc) on CBLAS, BLAS and hpc.h",
        &mut steps,
        || {
            if Command::new("cc").arg("--version").output().is_err() {
                return Outcome::Skipped("no C compiler (cc) on PATH".into());
            }
            match crate::capi::c_program(&crate::project_root()) {
                Ok(summary) => {
                    println!("{summary}");
                    Outcome::Passed
                }
                Err(e) => Outcome::Failed(e),
            }
        },
    );

    step(
        "Python ctypes on the C library",
        &mut steps,
        || match crate::capi::ctypes(&crate::project_root()) {
            Ok(summary) => {
                println!("{summary}");
                Outcome::Passed
            }
            Err(e) => Outcome::Failed(e),
        },
    );

    step(
        "Python package (maturin, pytest, stubtest)",
        &mut steps,
        || match crate::python::test(&crate::project_root()) {
            Ok(summary) => {
                println!("{summary}");
                Outcome::Passed
            }
            Err(e) => Outcome::Failed(e),
        },
    );

    step(
        "CUDA kernels compile (NVRTC, sm_80/sm_90)",
        &mut steps,
        || match crate::cuda::kernels_compile(&crate::project_root()) {
            Ok(summary) => {
                println!("{summary}");
                Outcome::Passed
            }
            Err(e) => Outcome::Failed(e),
        },
    );

    step("GPU tests (hpc-cuda on the GPU)", &mut steps, || {
        if crate::cuda::gpu_present() {
            // The workspace run above already ran these; here they run in release and must
            // find the device (a test that cannot open it prints why and passes vacuously,
            // so `HPC_REQUIRE_GPU` turns that into a failure).
            outcome_of(run_echoed(
                cargo()
                    .args(["test", "--release", "-p", "hpc-cuda", "--tests"])
                    .env("HPC_REQUIRE_GPU", "1"),
            ))
        } else {
            Outcome::Skipped(
                "no NVIDIA GPU on this machine (the CUDA crate's probe tests ran in the workspace tests)".into(),
            )
        }
    });

    println!("\n==> summary");
    let mut failed = 0;
    for s in &steps {
        let (word, detail) = match &s.outcome {
            Outcome::Passed => ("passed", String::new()),
            Outcome::Failed(e) => {
                failed += 1;
                ("FAILED", format!(": {e}"))
            }
            Outcome::Skipped(why) => ("skipped", format!(": {why}")),
        };
        println!("  {word:<8} {:<42} {:>7.1} s{detail}", s.name, s.seconds);
    }
    let passed = steps
        .iter()
        .filter(|s| matches!(s.outcome, Outcome::Passed))
        .count();
    let skipped = steps
        .iter()
        .filter(|s| matches!(s.outcome, Outcome::Skipped(_)))
        .count();
    println!(
        "tests: {} passed, {} failed, {} ignored, in {} test binaries",
        counts.passed, counts.failed, counts.ignored, counts.binaries
    );
    println!("steps: {passed} passed, {failed} failed, {skipped} skipped");
    if let Some(free) = disk_free(&crate::project_root().join("target")) {
        // A CI run once failed five steps for want of disk: say how much is left.
        println!("disk: {free} free where target/ is");
    }
    if failed > 0 {
        Err(format!("{failed} step(s) failed"))
    } else {
        Ok(())
    }
}

/// The space left on the file system that holds `path`, as `df -h` gives it (`None` where
/// `df` is missing or says nothing).
fn disk_free(path: &std::path::Path) -> Option<String> {
    let out = Command::new("df")
        .args(["-h", "--output=avail"])
        .arg(path)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let free = text.lines().nth(1)?.trim();
    (out.status.success() && !free.is_empty()).then(|| free.to_owned())
}

/// Totals of the `test result:` lines of a `cargo test` run.
#[derive(Default)]
struct TestCounts {
    passed: u64,
    failed: u64,
    ignored: u64,
    binaries: u64,
}

impl TestCounts {
    /// Adds one `test result: ok. 5 passed; 0 failed; 1 ignored; ...` line.
    fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        self.binaries += 1;
        for part in rest.split([';', '.']) {
            let mut words = part.split_whitespace();
            if let (Some(n), Some(what)) = (words.next(), words.next()) {
                let Ok(n) = n.parse::<u64>() else { continue };
                match what {
                    "passed" => self.passed += n,
                    "failed" => self.failed += n,
                    "ignored" => self.ignored += n,
                    _ => {}
                }
            }
        }
    }
}

/// Runs `cargo test`, passing its output through while counting its results.
fn run_counting(cmd: &mut Command, counts: &mut TestCounts) -> Result<(), String> {
    let shown = shown(cmd);
    println!("$ {shown}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            counts.add_line(&line);
        }
    }
    let status = child.wait().map_err(|e| format!("`{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::TestCounts;

    #[test]
    fn counts_cargo_test_result_lines() {
        let mut c = TestCounts::default();
        c.add_line("test result: ok. 16 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.05s");
        c.add_line(
            "test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
        );
        c.add_line("running 4 tests");
        assert_eq!((c.passed, c.failed, c.ignored, c.binaries), (19, 1, 2, 2));
    }
}
