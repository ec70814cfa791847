//! The errors of hpc-cuda: typed, with what was looked for or what the compiler said; nothing
//! here panics.

use std::fmt;

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// A CUDA library could not be loaded: which, and how to point at it.
    Unavailable(String),
    /// NVRTC rejected a kernel: its name, the options used and NVRTC's log.
    Compile {
        /// The kernel's function name.
        kernel: &'static str,
        /// The NVRTC options it was compiled with.
        options: Vec<String>,
        /// NVRTC's program log.
        log: String,
    },
    /// An NVRTC call failed outside compilation (its status).
    Nvrtc(String),
    /// A CUDA driver call failed (its status).
    Driver(String),
    /// A cuBLAS call failed (its status).
    Cublas(String),
    /// Shapes, leading dimensions or buffer lengths that do not fit.
    Shape(String),
    /// A type or operation this backend does not provide (complex on our real kernels).
    Unsupported(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unavailable(what) => write!(f, "CUDA is not available: {what}"),
            Error::Compile {
                kernel,
                options,
                log,
            } => write!(
                f,
                "NVRTC could not compile {kernel} with options {options:?}:\n{log}"
            ),
            Error::Nvrtc(what) => write!(f, "NVRTC failed: {what}"),
            Error::Driver(what) => write!(f, "CUDA driver call failed: {what}"),
            Error::Cublas(what) => write!(f, "cuBLAS call failed: {what}"),
            Error::Shape(what) | Error::Unsupported(what) => write!(f, "{what}"),
        }
    }
}

impl std::error::Error for Error {}
