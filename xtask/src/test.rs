//! `cargo xtask test`: every check a contributor must keep green, in order, with a summary.
//!
//! Steps: `cargo fmt --check`, `cargo clippy --workspace --all-targets -- -D warnings`,
//! `cargo test --workspace`. A step that cannot run here is reported as skipped with its
//! reason; a step that fails fails the whole command, after the summary is printed.

use std::process::Command;
use std::time::Instant;

use crate::{cargo, run_echoed};

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

    step("tests (cargo test --workspace)", &mut steps, || {
        outcome_of(run_echoed(cargo().args(["test", "--workspace"])))
    });

    step("GPU tests", &mut steps, || {
        Outcome::Skipped(
            if Command::new("nvidia-smi")
                .output()
                .is_ok_and(|o| o.status.success())
            {
                "a GPU is present, but no GPU kernels exist yet to test".into()
            } else {
                "no NVIDIA GPU on this machine (the CUDA crate's probe tests ran in the workspace tests)".into()
            },
        )
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
        println!("  {word:<8} {:<34} {:>7.1} s{detail}", s.name, s.seconds);
    }
    let passed = steps
        .iter()
        .filter(|s| matches!(s.outcome, Outcome::Passed))
        .count();
    let skipped = steps
        .iter()
        .filter(|s| matches!(s.outcome, Outcome::Skipped(_)))
        .count();
    println!("xtask test: {passed} passed, {failed} failed, {skipped} skipped");
    if failed > 0 {
        Err(format!("{failed} step(s) failed"))
    } else {
        Ok(())
    }
}
