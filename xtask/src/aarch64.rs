//! The aarch64 leg of `cargo xtask test`: hpc-gemm built for `aarch64-unknown-linux-gnu`,
//! linted, and its tests run under `qemu-aarch64` user-mode emulation, so that the NEON
//! kernels (and the portable code paths as aarch64 compiles them) are tested on the x86-64
//! build machines. Emulation says nothing about speed; it checks results only.
//!
//! Needs the Rust target (`rustup target add aarch64-unknown-linux-gnu`), a cross linker and
//! C library (Debian: `gcc-aarch64-linux-gnu`, `libc6-dev-arm64-cross`) and qemu's user mode
//! (`qemu-user`); `.ci/run` installs them. Without them the step is skipped, saying which.

use std::path::Path;
use std::process::Command;

use crate::cargo;

/// The target triple.
const TARGET: &str = "aarch64-unknown-linux-gnu";
/// The cross linker (Debian's `gcc-aarch64-linux-gnu`).
const LINKER: &str = "aarch64-linux-gnu-gcc";
/// qemu's user-mode emulator (Debian's `qemu-user`).
const QEMU: &str = "qemu-aarch64";
/// Where the emulated programs find their dynamic loader and C library
/// (Debian's `libc6-dev-arm64-cross`).
const SYSROOT: &str = "/usr/aarch64-linux-gnu";

fn on_path(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Why the aarch64 tests cannot run here, if they cannot: what is missing and how to get it.
pub fn missing() -> Option<String> {
    let mut lacks = Vec::new();
    let std_installed = Command::new("rustc")
        .args(["--print", "target-libdir", "--target", TARGET])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .is_some_and(|dir| {
            std::fs::read_dir(&dir).is_ok_and(|mut d| {
                d.any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with("libstd-")))
            })
        });
    if !std_installed {
        lacks.push(format!("the Rust target (rustup target add {TARGET})"));
    }
    if !on_path(LINKER, "--version") {
        lacks.push(format!("{LINKER} (apt-get install gcc-aarch64-linux-gnu)"));
    }
    if !Path::new(SYSROOT).join("lib").exists() {
        lacks.push(format!(
            "{SYSROOT}/lib (apt-get install libc6-dev-arm64-cross)"
        ));
    }
    if !on_path(QEMU, "--version") {
        lacks.push(format!("{QEMU} (apt-get install qemu-user)"));
    }
    if lacks.is_empty() {
        None
    } else {
        Some(format!(
            "cannot build and run for {TARGET}: no {}; .ci/run installs them",
            lacks.join(", no ")
        ))
    }
}

/// `cargo <args> --target aarch64-unknown-linux-gnu`, linked with the cross linker and run
/// under qemu.
pub fn cargo_for_aarch64(args: &[&str]) -> Command {
    let mut cmd = cargo();
    cmd.args(args)
        .args(["--target", TARGET])
        .env("CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER", LINKER)
        .env(
            "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER",
            format!("{QEMU} -L {SYSROOT}"),
        );
    cmd
}
