//! `cargo xtask capi`: hpc's C library laid out for installation, plus the checks of it that
//! `cargo xtask test` runs (header up to date, a C program, the ctypes route).
//!
//! Layout, under `target/hpc-blas/`:
//! - `lib/libhpc_blas.so` and the links `libblas.so.3`, `libcblas.so.3` to it (SONAME
//!   `libblas.so.3`): `LD_LIBRARY_PATH=target/hpc-blas/lib program` runs a program linked
//!   against Debian's `libblas.so.3` on hpc;
//! - `lib/libhpc_blas.a`, the static library, with `xerbla_`, `cblas_xerbla`, `RowMajorStrg`
//!   and `CBLAS_CallFromC` made weak (objcopy) so that a program's own definitions win at link
//!   time, as they do with the reference `libblas.a` (where each lives in its own object);
//! - `include/hpc.h` (the native API) and `lib/pkgconfig/hpc-blas.pc`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// cbindgen's version, pinned so that the committed header is reproducible.
const CBINDGEN_VERSION: &str = "0.29.4";

/// System libraries a program linking the static library needs (rustc's
/// `--print native-static-libs` for x86_64-unknown-linux-gnu).
const STATIC_LIBS: &str = "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc";

/// Symbols a program may define itself (weak in the static library).
const OVERRIDABLE: [&str; 4] = ["xerbla_", "cblas_xerbla", "RowMajorStrg", "CBLAS_CallFromC"];

/// The laid-out library.
pub struct Layout {
    pub lib: PathBuf,
    pub include: PathBuf,
    pub shared: PathBuf,
    pub static_lib: PathBuf,
}

fn io(p: &Path) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("{}: {e}", p.display())
}

/// Builds the library (release) and lays it out under `target/hpc-blas`.
pub fn layout(root: &Path) -> Result<Layout, String> {
    let status = crate::cargo()
        .args(["build", "--release", "-p", "hpc-capi"])
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p hpc-capi failed".into());
    }
    let release = root.join("target/release");
    let base = root.join("target/hpc-blas");
    let (lib, include) = (base.join("lib"), base.join("include"));
    let pc_dir = lib.join("pkgconfig");
    for d in [&lib, &include, &pc_dir] {
        std::fs::create_dir_all(d).map_err(io(d))?;
    }
    let so = release.join("libhpc_blas.so");
    for name in ["libhpc_blas.so", "libblas.so.3", "libcblas.so.3"] {
        let link = lib.join(name);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&so, &link).map_err(io(&link))?;
    }
    let static_lib = lib.join("libhpc_blas.a");
    let _ = std::fs::remove_file(&static_lib);
    let mut objcopy = Command::new("objcopy");
    for s in OVERRIDABLE {
        objcopy.arg(format!("--weaken-symbol={s}"));
    }
    let ok = objcopy
        .arg(release.join("libhpc_blas.a"))
        .arg(&static_lib)
        .status()
        .map_err(|e| format!("objcopy (binutils) is needed for the static library: {e}"))?;
    if !ok.success() {
        return Err("objcopy failed on libhpc_blas.a".into());
    }
    let header = include.join("hpc.h");
    let src = root.join("crates/hpc-capi/include/hpc.h");
    std::fs::copy(&src, &header).map_err(io(&src))?;
    let pc = pc_dir.join("hpc-blas.pc");
    let text = format!(
        "prefix={}\nlibdir=${{prefix}}/lib\nincludedir=${{prefix}}/include\n\n\
         Name: hpc-blas\nDescription: hpc: BLAS, CBLAS and hpc's native C API\n\
         Version: {}\nLibs: -L${{libdir}} -lhpc_blas\nLibs.private: {STATIC_LIBS}\n\
         Cflags: -I${{includedir}}\n",
        base.display(),
        env!("CARGO_PKG_VERSION"),
    );
    std::fs::write(&pc, text).map_err(io(&pc))?;
    Ok(Layout {
        shared: lib.join("libhpc_blas.so"),
        lib,
        include,
        static_lib,
    })
}

/// `cargo xtask capi`.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(a) = args.first() {
        return Err(format!("capi takes no options (got {a:?})"));
    }
    let root = crate::project_root();
    let l = layout(&root)?;
    println!(
        "hpc C library laid out in {}:",
        l.lib.parent().unwrap_or(&l.lib).display()
    );
    println!(
        "  shared:  {} (also libblas.so.3, libcblas.so.3)",
        l.shared.display()
    );
    println!("  static:  {}", l.static_lib.display());
    println!("  header:  {}", l.include.join("hpc.h").display());
    println!(
        "  pkg-config: PKG_CONFIG_PATH={}",
        l.lib.join("pkgconfig").display()
    );
    println!("run a program linked against libblas.so.3 on hpc:");
    println!("  LD_LIBRARY_PATH={} program", l.lib.display());
    Ok(())
}

/// A cbindgen of the pinned version: the one on `PATH` if it matches, else one installed
/// under `target/tools` (once, by `cargo install`).
fn cbindgen(root: &Path) -> Result<PathBuf, String> {
    let version_of = |p: &Path| {
        Command::new(p)
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let want = format!("cbindgen {CBINDGEN_VERSION}");
    if version_of(Path::new("cbindgen")).as_deref() == Some(want.as_str()) {
        return Ok(PathBuf::from("cbindgen"));
    }
    let tools = root.join("target/tools");
    let local = tools.join("bin/cbindgen");
    if version_of(&local).as_deref() != Some(want.as_str()) {
        println!("installing {want} into {} (once)", tools.display());
        let ok = crate::cargo()
            .args([
                "install",
                "cbindgen",
                "--locked",
                "--version",
                CBINDGEN_VERSION,
                "--root",
            ])
            .arg(&tools)
            .status()
            .map_err(|e| format!("cargo install cbindgen: {e}"))?;
        if !ok.success() {
            return Err("cargo install cbindgen failed".into());
        }
    }
    Ok(local)
}

/// The header cbindgen generates from `src/native.rs` now.
fn generated_header(root: &Path) -> Result<String, String> {
    let crate_dir = root.join("crates/hpc-capi");
    let out = Command::new(cbindgen(root)?)
        .current_dir(&crate_dir)
        .args(["--config", "cbindgen.toml", "--lang", "c", "src/native.rs"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cbindgen: {e}"))?;
    if !out.status.success() {
        return Err("cbindgen failed".into());
    }
    String::from_utf8(out.stdout).map_err(|e| format!("cbindgen output: {e}"))
}

/// Whether the committed `include/hpc.h` is what cbindgen generates; with `write`, rewrites
/// it instead.
pub fn check_header(root: &Path, write: bool) -> Result<(), String> {
    let want = generated_header(root)?;
    let path = root.join("crates/hpc-capi/include/hpc.h");
    if write {
        return std::fs::write(&path, want).map_err(io(&path));
    }
    let have = std::fs::read_to_string(&path).map_err(io(&path))?;
    if have == want {
        Ok(())
    } else {
        Err(format!(
            "{} is stale: regenerate it with `cargo xtask capi --header` and commit it",
            path.display()
        ))
    }
}

/// Compiles `tests/c/capi_test.c` against the shared and the static library and runs both.
pub fn c_program(root: &Path) -> Result<String, String> {
    let l = layout(root)?;
    let src = root.join("crates/hpc-capi/tests/c/capi_test.c");
    let out_dir = root.join("target/hpc-blas/tests");
    std::fs::create_dir_all(&out_dir).map_err(io(&out_dir))?;
    let mut summary = Vec::new();
    for (name, link) in [
        (
            "shared",
            vec![
                format!("-L{}", l.lib.display()),
                "-lhpc_blas".into(),
                "-lm".into(),
            ],
        ),
        ("static", {
            let mut v = vec![l.static_lib.display().to_string()];
            v.extend(STATIC_LIBS.split(' ').map(String::from));
            v
        }),
    ] {
        let exe = out_dir.join(format!("capi_test_{name}"));
        let status = Command::new("cc")
            .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-O1"])
            .arg(format!("-I{}", l.include.display()))
            .arg(&src)
            .args(&link)
            .arg("-o")
            .arg(&exe)
            .status()
            .map_err(|e| format!("cc: {e}"))?;
        if !status.success() {
            return Err(format!(
                "cc failed to build the {name}-library test program"
            ));
        }
        let out = Command::new(&exe)
            .env("LD_LIBRARY_PATH", &l.lib)
            .output()
            .map_err(|e| format!("{}: {e}", exe.display()))?;
        let text = String::from_utf8_lossy(&out.stdout);
        print!("{text}");
        if !out.status.success() {
            return Err(format!(
                "the {name}-library C test program failed ({})",
                out.status
            ));
        }
        let checks = text.lines().filter(|l| l.starts_with("ok")).count();
        summary.push(format!("{checks} checks ({name})"));
    }
    Ok(summary.join(", "))
}

/// Runs `tests/python/test_ctypes.py` with the managed Python environment, then
/// `examples/ctypes_matmul_lists.py` (lists, no NumPy) on it and on PyPy (`pypy3`) where present.
pub fn ctypes(root: &Path) -> Result<String, String> {
    let l = layout(root)?;
    let python = crate::pyenv::python(root, &["numpy"])?;
    let script = root.join("crates/hpc-capi/tests/python/test_ctypes.py");
    let out = Command::new(&python)
        .arg(&script)
        .env("HPC_BLAS_LIB", &l.shared)
        .output()
        .map_err(|e| format!("{}: {e}", python.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        return Err(format!("{} failed ({})", script.display(), out.status));
    }
    let mut summary = text.lines().last().unwrap_or("").to_string();
    // The interpreter-neutral route: lists through ctypes, no extension, no NumPy; on this
    // CPython and on PyPy (Debian's pypy3, which .ci/run installs).
    let example = root.join("examples/ctypes_matmul_lists.py");
    let pypy = Command::new("pypy3").arg("--version").output().is_ok();
    for interpreter in [Some(python.as_os_str()), pypy.then_some("pypy3".as_ref())]
        .into_iter()
        .flatten()
    {
        let out = Command::new(interpreter)
            .arg(&example)
            .env("HPC_BLAS_LIB", &l.shared)
            .output()
            .map_err(|e| format!("{}: {e}", interpreter.display()))?;
        let text = String::from_utf8_lossy(&out.stdout);
        print!("{text}");
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        if !out.status.success() {
            return Err(format!(
                "{} under {} failed ({})",
                example.display(),
                interpreter.display(),
                out.status
            ));
        }
    }
    if !pypy {
        println!("skipped under PyPy: no pypy3 on PATH (Debian: apt-get install pypy3)");
        summary.push_str("; the lists example on CPython only (no pypy3)");
    } else {
        summary.push_str("; the lists example on CPython and PyPy");
    }
    Ok(summary)
}

/// The reference BLAS library of Debian's `libblas3`.
const REFERENCE_BLAS: &str = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3";

/// The dynamic symbols a shared library defines (`nm -D --defined-only`).
fn defined_symbols(lib: &Path) -> Result<std::collections::BTreeSet<String>, String> {
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(lib)
        .output()
        .map_err(|e| format!("cannot run nm: {e}"))?;
    if !out.status.success() {
        return Err(format!("nm -D {} failed ({})", lib.display(), out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_owned))
        .collect())
}

/// Whether the check of [`check_symbols`] can run here (`None`), or why not.
pub fn symbols_check_missing() -> Option<String> {
    if !Path::new(REFERENCE_BLAS).exists() {
        return Some(format!(
            "no reference BLAS at {REFERENCE_BLAS} (Debian's libblas3, which libblas-test brings)"
        ));
    }
    if Command::new("nm").arg("--version").output().is_err() {
        return Some("no nm on PATH (Debian's binutils)".into());
    }
    None
}

/// Checks that hpc's shared library exports every symbol the reference `libblas.so.3` does, so
/// that it can stand in for it; returns a summary or the missing names.
pub fn check_symbols(root: &Path) -> Result<String, String> {
    let lib = layout(root)?.shared;
    let ours = defined_symbols(&lib)?;
    let theirs = defined_symbols(Path::new(REFERENCE_BLAS))?;
    let missing: Vec<&String> = theirs.difference(&ours).collect();
    if missing.is_empty() {
        Ok(format!(
            "all {} symbols of {REFERENCE_BLAS} are exported ({} in all)",
            theirs.len(),
            ours.len()
        ))
    } else {
        Err(format!(
            "{} symbol(s) of {REFERENCE_BLAS} are not exported: {}",
            missing.len(),
            missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        ))
    }
}
