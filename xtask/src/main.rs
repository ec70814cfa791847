//! `cargo xtask`: the project's automation, in the cargo-xtask style (a plain Rust binary run
//! through the alias in `.cargo/config.toml`).
//!
//! - `cargo xtask test`: everything a contributor must keep green, then a summary of what ran,
//!   what passed and what was skipped and why.
//! - `cargo xtask bench`: the benchmarks (the main job), ending with a table.
//! - `cargo xtask capi`: the C library laid out for installation.
//! - `cargo xtask lapack`: reference LAPACK's own test suite over the C library (a step of
//!   `test` too).

mod aarch64;
mod bench;
mod blas_testers;
mod capi;
mod cuda;
mod lapack_tests;
mod pyenv;
mod python;
mod test;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  test            fmt --check, clippy -D warnings, the whole test suite; prints a summary
  bench           run the benchmarks (installing the peers it can) and print their table;
                  report, JSON and plots in target/bench/. Options:
      --quick           about 2 minutes
      --full            every size of every type
      --filter NAME     dgemm, sgemm, cgemm, zgemm, level1, level2, level3 or python
      --threads N       the all-threads count
      --sizes 16,32,64  only these square GEMM sizes
      --gpu             the GPU benchmarks, where a GPU is present
      --compare OLD     add hpc now against an earlier run's results.json
  capi            build the C library and lay it out in target/hpc-blas (lib, include, pkg-config)
  capi --header   regenerate crates/hpc-capi/include/hpc.h with cbindgen
  lapack          run reference LAPACK's test suite over the C library (Debian's liblapack-test)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("capi") if args.get(1).is_some_and(|a| a == "--header") => {
            capi::check_header(&project_root(), true)
        }
        Some("capi") => capi::run(&args[1..]),
        Some("lapack") => match lapack_tests::missing() {
            Some(why) => Err(why),
            None => lapack_tests::run(&project_root()).map(|summary| println!("{summary}")),
        },
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of this crate's directory).
fn project_root() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    dir.parent().map(PathBuf::from).unwrap_or(dir)
}

/// A `cargo` command run from the project root, with the cargo that runs xtask.
fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    cmd.current_dir(project_root());
    cmd
}

/// A command as a shell would show it.
fn shown(cmd: &Command) -> String {
    let args: Vec<_> = cmd.get_args().map(|a| a.to_string_lossy()).collect();
    format!("{} {}", cmd.get_program().to_string_lossy(), args.join(" "))
}

/// Runs a command, echoing it first; `Err` names it when it fails.
fn run_echoed(cmd: &mut Command) -> Result<(), String> {
    let shown = shown(cmd);
    println!("$ {shown}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}
