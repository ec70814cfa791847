//! The main job must not rot silently: the harness runs in its tiny configuration (dgemm at
//! n = 8 and 32, 1 and 2 threads, with whatever peers this machine has), then renders the
//! report, and every file of it is checked: `results.json` against its schema (read back by
//! the harness's own loader and field by field here), `report.md`'s sections, the PNG
//! signatures, and `--compare` of a run with itself. The Python section is rendered from a
//! small file in `speedup.py --json`'s format written here (running the real script needs the
//! Python package built: `cargo xtask bench --quick` does that).

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_hpc-benches");

fn run(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env("OPENBLAS_CORETYPE", "Cooperlake")
        .env("BLIS_ARCH_TYPE", "0")
        .env("OPENBLAS_THREAD_TIMEOUT", "4")
        .env("OMP_WAIT_POLICY", "PASSIVE")
        .output()
        .expect("the harness runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "hpc-benches {args:?} failed: {}\n{text}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn png(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 1000,
        "{} is not a PNG",
        path.display()
    );
}

#[test]
fn the_tiny_run_produces_every_file_of_the_report() {
    let dir = std::env::temp_dir().join(format!("hpc-bench-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_str().expect("a UTF-8 temp path");
    run(&["--tiny", "--filter", "dgemm", "--threads", "2", "--out", d]);

    // A speedup.py --json file (its format), for the Python table and plot.
    let python = serde_json::json!({
        "threads": 2,
        "sizes": [64, 128],
        "rows": [
            {"name": "pure Python (lists)", "n": 64, "seconds": 0.05, "extrapolated": false},
            {"name": "pure Python (lists)", "n": 128, "seconds": 0.4, "extrapolated": true},
            {"name": "NumPy @ (OpenBLAS)", "n": 64, "seconds": 1e-5, "extrapolated": false},
            {"name": "NumPy @ (OpenBLAS)", "n": 128, "seconds": 5e-5, "extrapolated": false},
            {"name": "hpc.matmul", "n": 64, "seconds": 8e-6, "extrapolated": false},
            {"name": "hpc.matmul", "n": 128, "seconds": 4e-5, "extrapolated": false}
        ],
        "per_call_4x4_seconds": {"numpy": 1e-6, "hpc": 8e-7},
        "skipped": {"Numba": "not installed"}
    });
    std::fs::write(dir.join("python-2.json"), python.to_string()).unwrap();
    std::fs::write(dir.join("skipped.txt"), "MKL: a note for the report\n").unwrap();
    let shown = run(&["--report", d]);
    assert!(shown.contains("## Headline: GEMM at n = 32"), "{shown}");

    // results.json: the schema, with the merged Python run.
    let text = std::fs::read_to_string(dir.join("results.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).expect("results.json parses");
    assert_eq!(v["schema"], "hpc-bench/1");
    let m = &v["machine"];
    assert!(m["cpu"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(m["cores"].as_u64().is_some_and(|c| c >= 1));
    assert!(m["fma_peak_f64_1"].as_f64().is_some_and(|p| p > 0.0));
    assert!(m["libraries"].as_array().is_some_and(|l| !l.is_empty()));
    let cases = v["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 4, "dgemm n = 8, 32 at 1 and 2 threads");
    for c in cases {
        assert_eq!(c["section"], "gemm");
        assert_eq!(c["dtype"], "f64");
        assert!(c["name"].as_str().unwrap().starts_with("dgemm "));
        assert_eq!(c["unit"], "GFLOP/s");
        let results = c["results"].as_array().expect("results");
        assert_eq!(results[0]["library"], "hpc");
        for r in results {
            let samples = r["samples"].as_array().expect("samples");
            assert_eq!(samples.len(), 2, "the tiny configuration runs twice");
            let (lo, med, hi) = (
                r["min"].as_f64().unwrap(),
                r["median"].as_f64().unwrap(),
                r["max"].as_f64().unwrap(),
            );
            assert!(lo > 0.0 && lo <= med && med <= hi, "{r}");
        }
    }
    assert_eq!(v["python"].as_array().map(Vec::len), Some(1));
    assert!(
        v["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "MKL: a note for the report")
    );

    // report.md: every section, and the plots it links exist as PNGs.
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    for section in [
        "## Machine",
        "## Headline: GEMM at n = 32",
        "## GEMM",
        "## From pure Python to hpc: C = A @ B, float64, 2 thread(s)",
        "## Skipped",
    ] {
        assert!(md.contains(section), "report.md lacks {section:?}:\n{md}");
    }
    assert!(md.contains("| dgemm 32x32x32 | 2 |"), "{md}");
    // The headline's speedup is at the largest size: 0.4 s / 4e-5 s.
    assert!(md.contains("hpc.matmul 10000x"), "{md}");
    for p in ["gemm-f64-1t.png", "gemm-f64-2t.png", "python-speedup.png"] {
        assert!(
            md.contains(&format!("]({p})")),
            "report.md does not link {p}"
        );
        png(&dir.join(p));
    }

    // --compare with itself: every case, hpc unchanged.
    let old = dir.join("old.json");
    std::fs::copy(dir.join("results.json"), &old).unwrap();
    let shown = run(&["--report", d, "--compare", old.to_str().unwrap()]);
    let compared = shown
        .split("## Compared with")
        .nth(1)
        .unwrap_or_else(|| panic!("no comparison section: {shown}"));
    let compared = compared.split("\n## ").next().unwrap_or("");
    let rows: Vec<&str> = compared
        .lines()
        .filter(|l| l.starts_with("| dgemm "))
        .collect();
    assert_eq!(rows.len(), 4, "{compared}");
    for row in rows {
        // | case | threads | hpc now | hpc then | now / then | ...
        assert_eq!(row.split('|').nth(5).map(str::trim), Some("1.00"), "{row}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_results_file_of_another_schema_is_refused() {
    let dir = std::env::temp_dir().join(format!("hpc-bench-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("results.json"), r#"{"schema": "other/9"}"#).unwrap();
    let out = Command::new(BIN)
        .args(["--report", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("results.json"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
