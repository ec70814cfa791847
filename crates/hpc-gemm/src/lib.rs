//! # hpc-gemm: the fast CPU GEMM of hpc
//!
//! This crate is where the Goto/BLIS GEMM of hpc lives (packing, cache blocking, SIMD
//! microkernels with runtime dispatch, threads), together with the Level 3 BLAS built on it.
//! It implements the [`hpc_core::Level3`] trait, and every fast path is tested against
//! [`hpc_core::reference`].
//!
//! What it holds today is the thread-count policy that every parallel routine of hpc shares:
//! [`Par`], the per-call choice, and [`default_threads`], the process default taken from
//! `HPC_NUM_THREADS`.

use std::num::NonZeroUsize;
use std::sync::OnceLock;

/// How many threads one call may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Par {
    /// Run on the calling thread only.
    Seq,
    /// Use up to this many threads.
    Threads(NonZeroUsize),
}

impl Par {
    /// The process default: [`default_threads`] threads, or [`Par::Seq`] if that is one.
    pub fn default_for_process() -> Par {
        Par::from_count(default_threads())
    }

    /// `Seq` for 0 or 1, `Threads(n)` otherwise.
    pub fn from_count(n: usize) -> Par {
        match NonZeroUsize::new(n) {
            Some(n) if n.get() > 1 => Par::Threads(n),
            _ => Par::Seq,
        }
    }

    /// The number of threads this allows (1 for `Seq`).
    pub fn threads(self) -> usize {
        match self {
            Par::Seq => 1,
            Par::Threads(n) => n.get(),
        }
    }
}

/// Parses a thread count as `HPC_NUM_THREADS` gives it: a positive integer, surrounding
/// whitespace allowed. Anything else is `None`.
pub fn parse_thread_count(value: &str) -> Option<usize> {
    value.trim().parse::<usize>().ok().filter(|&n| n > 0)
}

/// The default number of threads of this process, read once: `HPC_NUM_THREADS` if it holds a
/// positive integer, else the number of cores the process may run on (1 if unknown).
pub fn default_threads() -> usize {
    static DEFAULT: OnceLock<usize> = OnceLock::new();
    *DEFAULT.get_or_init(|| {
        std::env::var("HPC_NUM_THREADS")
            .ok()
            .and_then(|v| parse_thread_count(&v))
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn par_from_count() {
        assert_eq!(Par::from_count(0), Par::Seq);
        assert_eq!(Par::from_count(1), Par::Seq);
        assert_eq!(Par::from_count(4).threads(), 4);
        assert_eq!(Par::Seq.threads(), 1);
    }

    #[test]
    fn thread_count_parsing() {
        assert_eq!(parse_thread_count(" 8\n"), Some(8));
        assert_eq!(parse_thread_count("0"), None);
        assert_eq!(parse_thread_count("-2"), None);
        assert_eq!(parse_thread_count("many"), None);
    }

    #[test]
    fn default_is_positive_and_stable() {
        let n = default_threads();
        assert!(n >= 1);
        assert_eq!(default_threads(), n);
        assert_eq!(Par::default_for_process().threads(), n);
    }
}
