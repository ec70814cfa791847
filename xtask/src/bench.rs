//! `cargo xtask bench`: builds the benchmark harness in release mode and runs it.

use crate::{cargo, run_echoed};

pub fn run(args: &[String]) -> Result<(), String> {
    let mut forwarded = Vec::new();
    for a in args {
        match a.as_str() {
            "--quick" => forwarded.push(a.clone()),
            other => return Err(format!("unknown option {other:?} (accepted: --quick)")),
        }
    }
    run_echoed(
        cargo()
            .args(["run", "--release", "--quiet", "-p", "hpc-benches", "--"])
            .args(&forwarded),
    )
}
