//! Gives the shared library the SONAME of the reference BLAS, so that a directory holding it as
//! `libblas.so.3` (see `cargo xtask capi`) stands in for Debian's `libblas.so.3`.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libblas.so.3");
    }
}
