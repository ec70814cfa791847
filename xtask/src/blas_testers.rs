//! The reference BLAS and CBLAS test programs (Debian's `libblas-test`) run against hpc's C library.
//!
//! `libhpc_blas.so` (SONAME `libblas.so.3`) is put in a directory as `libblas.so.3` and
//! `libcblas.so.3`; each tester runs with that directory first in `LD_LIBRARY_PATH`. The
//! testers exit 0 even when they fail, so their text is judged: no line may say `FAIL`,
//! `SUSPECT`, `FATAL`, `NOT DETECTED` or `XERBLA WAS CALLED`, and every routine must print
//! its PASS line(s): a routine that crashed or went missing counts as a failure.

use std::path::Path;
use std::process::{Command, Stdio};

/// Where Debian puts the testers.
pub const TESTER_DIR: &str = "/usr/lib/x86_64-linux-gnu/blas";

/// One tester: program, input file (if any), and how many PASS lines a full pass prints.
struct Tester {
    program: String,
    input: Option<String>,
    /// The Fortran testers write their report to the file named on the input's first line;
    /// the CBLAS ones name a snapshot file there and report on stdout.
    report_in_file: bool,
    expected_passes: usize,
}

/// The Fortran BLAS testers for all four types, with the number of PASS lines each prints when
/// every routine passes (Level 1: one per routine; Levels 2 and 3: computational and
/// error-exit tests, two per routine).
fn fortran_testers() -> Vec<Tester> {
    let mut v = Vec::new();
    for (p, l1, l2, l3) in [
        ("s", 13, 16, 6),
        ("d", 13, 16, 6),
        ("c", 10, 17, 9),
        ("z", 10, 17, 9),
    ] {
        v.push(Tester {
            program: format!("xblat1{p}"),
            input: None,
            report_in_file: false,
            expected_passes: l1,
        });
        v.push(Tester {
            program: format!("xblat2{p}"),
            input: Some(format!("{p}blat2.in")),
            report_in_file: true,
            expected_passes: 2 * l2,
        });
        v.push(Tester {
            program: format!("xblat3{p}"),
            input: Some(format!("{p}blat3.in")),
            report_in_file: true,
            expected_passes: 2 * l3,
        });
    }
    v
}

/// The CBLAS testers for all four types (`x?cblat1/2/3`), with their PASS line counts: one
/// per Level 1 routine; three per Level 2 and 3 routine (error exits, column-major and
/// row-major computational tests).
fn cblas_testers() -> Vec<Tester> {
    let mut v = Vec::new();
    for (p, l2, l3) in [("s", 16, 6), ("d", 16, 6), ("c", 17, 9), ("z", 17, 9)] {
        v.push(Tester {
            program: format!("x{p}cblat1"),
            input: None,
            report_in_file: false,
            expected_passes: 10,
        });
        v.push(Tester {
            program: format!("x{p}cblat2"),
            input: Some(format!("{p}in2")),
            report_in_file: false,
            expected_passes: 3 * l2,
        });
        v.push(Tester {
            program: format!("x{p}cblat3"),
            input: Some(format!("{p}in3")),
            report_in_file: false,
            expected_passes: 3 * l3,
        });
    }
    v
}

/// Runs every Fortran BLAS tester; returns a summary line or the failures.
pub fn run_fortran(root: &Path) -> Result<String, String> {
    run_all(root, fortran_testers())
}

/// Runs every CBLAS tester; returns a summary line or the failures.
pub fn run_cblas(root: &Path) -> Result<String, String> {
    run_all(root, cblas_testers())
}

fn run_all(root: &Path, testers: Vec<Tester>) -> Result<String, String> {
    let lib = crate::capi::layout(root)?.lib;
    let work = root.join("target/hpc-blas/testers");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let mut failures = Vec::new();
    for t in &testers {
        match run_one(t, &lib, &work) {
            Ok(()) => println!("  {:<10} PASSED", t.program),
            Err(e) => {
                println!("  {:<10} FAILED: {e}", t.program);
                failures.push(format!("{}: {e}", t.program));
            }
        }
    }
    if failures.is_empty() {
        Ok(format!("{} reference testers passed", testers.len()))
    } else {
        Err(failures.join("; "))
    }
}

fn run_one(t: &Tester, lib: &Path, work: &Path) -> Result<(), String> {
    let program = Path::new(TESTER_DIR).join(&t.program);
    let mut cmd = Command::new(&program);
    cmd.current_dir(work)
        .env("LD_LIBRARY_PATH", lib)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut report_file = None;
    if let Some(input) = &t.input {
        let src = Path::new(TESTER_DIR).join(input);
        cmd.stdin(std::fs::File::open(&src).map_err(|e| format!("{}: {e}", src.display()))?);
    }
    if let (Some(input), true) = (&t.input, t.report_in_file) {
        let src = Path::new(TESTER_DIR).join(input);
        let text = std::fs::read_to_string(&src).map_err(|e| format!("{}: {e}", src.display()))?;
        // The first line names the report file, in quotes.
        let name = text
            .lines()
            .next()
            .and_then(|l| l.split('\'').nth(1))
            .ok_or_else(|| format!("{input}: no report file name on line 1"))?
            .trim()
            .to_string();
        let _ = std::fs::remove_file(work.join(&name));
        report_file = Some(name);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    if let Some(name) = &report_file {
        text += &std::fs::read_to_string(work.join(name)).map_err(|e| {
            format!(
                "no report {name} ({e}; did it crash? status {})",
                out.status
            )
        })?;
    }
    let bad: Vec<&str> = text
        .lines()
        .filter(|l| {
            ["FAIL", "SUSPECT", "FATAL", "NOT DETECTED", "WAS CALLED"]
                .iter()
                .any(|w| l.contains(w))
        })
        .collect();
    if !bad.is_empty() {
        return Err(bad
            .iter()
            .take(3)
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" | "));
    }
    // Level 1 prints `----- PASS -----` per routine, Levels 2 and 3 `PASSED THE ...` per
    // test of each routine (the header line that explains the test ratio also says PASS: not counted).
    let passes = text
        .lines()
        .filter(|l| l.contains("----- PASS -----") || l.contains("PASSED THE"))
        .count();
    if passes != t.expected_passes {
        return Err(format!(
            "{passes} PASS lines, expected {} (a routine is missing or crashed; status {})",
            t.expected_passes, out.status
        ));
    }
    Ok(())
}
