//! Reference LAPACK's own test suite (Debian's `liblapack-test`) run over hpc's C library.
//!
//! A staging folder holds `liblapack.so.3` (Debian's reference LAPACK 3.11, `liblapack3`) and
//! `libblas.so.3` (hpc's library); every test program runs with it first in
//! `LD_LIBRARY_PATH`, once with `HPC_NUM_THREADS=1` and once with `=2`: the linear-equation
//! programs (`xlintst{s,d,c,z}`, `xlintstrf{s,d,c,z}`, `xlintstds`, `xlintstzc`) on their
//! inputs, and the eigenproblem programs (`xeigtst{s,d,c,z}`) on every eigen input installed
//! beside them. The programs exit 0 whatever happens, so their text is judged: a program fails
//! on any line that reports a test over its threshold, an illegal argument, an error code or
//! an `INFO` return, and when it does not reach its closing `End of tests` (a crash or a hang;
//! each program has [`TIMEOUT`]). With the reference BLAS every program passes everything.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Where Debian puts the programs, their inputs and the reference LAPACK.
pub const LAPACK_DIR: &str = "/usr/lib/x86_64-linux-gnu/lapack";

/// The longest one program may run (the slowest takes about 10 s here with one thread).
const TIMEOUT: Duration = Duration::from_secs(600);

/// Text that marks a failure in a program's report (none appears with the reference BLAS).
const FAILURE_MARKS: [&str; 8] = [
    "failed to pass",
    "illegal value",
    "Illegal value",
    "failed the tests",
    "Error code",
    "error messages recorded",
    "INFO=",
    "INFO =",
];

/// One program run: the program and its input file, both in [`LAPACK_DIR`].
struct Run {
    program: String,
    input: String,
}

/// The eigen inputs each `xeigtst{p}` takes (`{p}` for the precision's own files); those not
/// installed are left out.
const EIGEN_INPUTS: [&str; 20] = [
    "nep", "sep", "se2", "svd", "{p}ec", "{p}ed", "{p}gg", "{p}gd", "{p}sb", "{p}sg", "{p}bal",
    "{p}bak", "{p}gbal", "{p}gbak", "{p}bb", "glm", "gqr", "gsv", "csd", "lse",
];

fn runs() -> Vec<Run> {
    let run = |program: String, input: String| Run { program, input };
    let mut v = Vec::new();
    for p in ["s", "d", "c", "z"] {
        v.push(run(format!("xlintst{p}"), format!("{p}test.in")));
        v.push(run(format!("xlintstrf{p}"), format!("{p}test_rfp.in")));
    }
    v.push(run("xlintstds".into(), "dstest.in".into()));
    v.push(run("xlintstzc".into(), "zctest.in".into()));
    for p in ["s", "d", "c", "z"] {
        for input in EIGEN_INPUTS {
            let input = format!("{}.in", input.replace("{p}", p));
            if Path::new(LAPACK_DIR).join(&input).exists() {
                v.push(run(format!("xeigtst{p}"), input));
            }
        }
    }
    v
}

/// Whether the suite can run here (`None`), or why not.
pub fn missing() -> Option<String> {
    let dir = Path::new(LAPACK_DIR);
    for f in ["xlintstd", "xeigtstz", "liblapack.so.3"] {
        if !dir.join(f).exists() {
            return Some(format!(
                "Debian's liblapack-test and liblapack3 are not installed (no {}/{f}; \
                 `apt-get install liblapack-test liblapack3`, as .ci/run does)",
                LAPACK_DIR
            ));
        }
    }
    None
}

/// Runs the whole suite at 1 and 2 threads; prints one line per program and thread count and
/// returns a summary, or the failures.
pub fn run(root: &Path) -> Result<String, String> {
    let lib = crate::capi::layout(root)?.lib;
    let base = root.join("target/hpc-blas/lapack");
    let stage = base.join("stage");
    std::fs::create_dir_all(&stage).map_err(|e| format!("{}: {e}", stage.display()))?;
    for (name, target) in [
        (
            "liblapack.so.3",
            Path::new(LAPACK_DIR).join("liblapack.so.3"),
        ),
        ("libblas.so.3", lib.join("libhpc_blas.so")),
    ] {
        let link = stage.join(name);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&target, &link)
            .map_err(|e| format!("{}: {e}", link.display()))?;
    }
    let jobs: Vec<(usize, Run)> = [1, 2]
        .into_iter()
        .flat_map(|threads| runs().into_iter().map(move |r| (threads, r)))
        .collect();
    let total = jobs.len();
    let queue = Mutex::new(jobs.into_iter());
    let failures = Mutex::new(Vec::new());
    let started = Instant::now();
    // Two programs at a time: each is single-threaded at HPC_NUM_THREADS=1, and the two-thread
    // runs' time goes mostly to LAPACK's own single-threaded code.
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let Some((threads, r)) = queue.lock().expect("queue").next() else {
                        break;
                    };
                    let line = match run_one(&r, threads, &stage, &base) {
                        Ok(summary) => format!("PASSED {summary}"),
                        Err(e) => {
                            failures.lock().expect("failures").push(format!(
                                "{} < {} ({threads} thread(s)): {e}",
                                r.program, r.input
                            ));
                            format!("FAILED {e}")
                        }
                    };
                    println!("  {:<11} {:<13} {threads}t  {line}", r.program, r.input);
                }
            });
        }
    });
    let failures = failures.into_inner().expect("failures");
    if failures.is_empty() {
        Ok(format!(
            "{total} LAPACK test program runs passed ({} programs and inputs at 1 and 2 threads, {:.0} s)",
            total / 2,
            started.elapsed().as_secs_f64()
        ))
    } else {
        Err(format!(
            "{} of {total} LAPACK test program runs failed: {}",
            failures.len(),
            failures.join("; ")
        ))
    }
}

/// Runs one program on its input in a folder of its own; returns how many tests it reports.
fn run_one(r: &Run, threads: usize, stage: &Path, base: &Path) -> Result<String, String> {
    let work: PathBuf = base.join(format!("{}-{}-{threads}t", r.program, r.input));
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let input = Path::new(LAPACK_DIR).join(&r.input);
    let program = Path::new(LAPACK_DIR).join(&r.program);
    let mut child = Command::new(&program)
        .current_dir(&work)
        .env("LD_LIBRARY_PATH", stage)
        .env("HPC_NUM_THREADS", threads.to_string())
        .stdin(std::fs::File::open(&input).map_err(|e| format!("{}: {e}", input.display()))?)
        .stdout(std::fs::File::create(work.join("out.txt")).map_err(|e| e.to_string())?)
        .stderr(Stdio::from(
            std::fs::File::create(work.join("err.txt")).map_err(|e| e.to_string())?,
        ))
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "still running after {} s: stopped",
                TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = std::fs::read_to_string(work.join("out.txt")).unwrap_or_default()
        + &std::fs::read_to_string(work.join("err.txt")).unwrap_or_default();
    judge(&text).map_err(|e| format!("{e} (status {status}; report in {})", work.display()))
}

/// The verdict on one report: the number of tests it ran, or what is wrong.
fn judge(text: &str) -> Result<String, String> {
    let bad: Vec<&str> = text
        .lines()
        .filter(|l| FAILURE_MARKS.iter().any(|m| l.contains(m)))
        .collect();
    if !bad.is_empty() {
        return Err(format!(
            "{} failure line(s), first: {}",
            bad.len(),
            bad.iter()
                .take(3)
                .map(|l| l.trim())
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    if !text.contains("End of tests") {
        return Err("no `End of tests` line: the program stopped early".into());
    }
    // `( 15900 tests run)` and `( 38 tests done)` lines add up to the tests the program ran.
    let tests: u64 = text
        .lines()
        .filter_map(|l| {
            let (head, _) = l
                .split_once(" tests run")
                .or_else(|| l.split_once(" tests done"))?;
            head.rsplit(|c: char| !c.is_ascii_digit())
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum();
    Ok(format!("{tests} tests"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_reports_as_lapack_writes_them() {
        let pass = " All tests for CHH routines passed the threshold (  15900 tests run)\n\
                    CBD routines passed the tests of the error exits ( 38 tests done)\n End of tests\n";
        assert_eq!(judge(pass), Ok("15938 tests".into()));
        for bad in [
            " CGE:    3 out of  1234 tests failed to pass the threshold\n End of tests\n",
            " ** On entry to CLASCL parameter number  4 had an illegal value\n End of tests\n",
            " CCHKHS: CHSEIN returned INFO=     1.\n End of tests\n",
            " *** Error code from CGETRF =    1\n End of tests\n",
            " All tests for CHH routines passed the threshold (  15900 tests run)\n",
        ] {
            assert!(judge(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_precision_runs_linear_and_eigen_programs() {
        let r = runs();
        for p in ["s", "d", "c", "z"] {
            assert!(r.iter().any(|r| r.program == format!("xlintst{p}")));
            assert!(r.iter().any(|r| r.program == format!("xlintstrf{p}")));
        }
        if missing().is_none() {
            for p in ["s", "d", "c", "z"] {
                let eig = r
                    .iter()
                    .filter(|r| r.program == format!("xeigtst{p}"))
                    .count();
                assert!(eig >= 15, "{p}: {eig} eigen inputs");
            }
        }
    }
}
