//! # hpc-gemm: the fast CPU kernels of hpc
//!
//! `C <- alpha * op(A) * op(B) + beta * C` for `f32`, `f64`, `c32` and `c64`, in the Goto/BLIS
//! design, and the Level 3 BLAS built on it. β = 0 means C is write-only (NaN in C does not
//! leak); α = 0 or k = 0 means A and B are not read. [`Fast`] is also the fast Level 1 and
//! Level 2 (`level1/`, `level2/`): vector and fused matrix-vector kernels on the same ISA
//! registry, hpc-core's reference loops where no kernel applies yet.
//!
//! ```text
//!  public API (lib.rs)      gemm / gemm_op / Fast: checks (hpc_core::check), picks threads
//!        |
//!  canonical.rs             trivial cases; row-major C -> transposed problem; flip strides
//!        |                  (small.rs: m, n, k <= 128 (c32: 96, c64: 80): straight from A, B)
//!  registry.rs              the ISA (pulp detection, HPC_FORCE_ISA) -> kernel K for the type
//!        |
//!  plan.rs                  blocks (blocking.rs), register block, threads' shares -> Plan
//!        |
//!  loops.rs                 jc (NC) > pc (KC) > pack B > ic (MC) > pack A
//!        |                  pack.rs: A~ and B~ panels (1m for complex types)
//!  macro_kernel.rs          jr (NR) > ir (MR): micro-panels of B~ packed, packed one by one
//!        |                  or read in place; edge and triangle tiles merged into C
//!  kernels/                 Microkernel trait + contract; one generic body on pulp's Simd,
//!                           instantiated in generic.rs, x86_v3/, x86_v4/, neon/ (aarch64)
//!
//!  The problem (problem.rs) may be one triangle of C (gemmt, for the syrk family), a
//!  triangular A times B in place (trmm) or a symmetric A packed from one triangle
//!  (symm/hemm); level3/ builds the Level 3 BLAS on it.
//! ```
//!
//! [`gemm_batch`] (`batch.rs`) runs stacks of products ([`hpc_core::BatchRef`]): small ones
//! shared out whole between threads, large ones one after another on every thread.
//!
//! Complex products run on the real kernels through the 1m method (`pack.rs`), so every type
//! gets the tuned real kernels (small complex products: re/im accumulator pairs, `small.rs`).
//! Threads come from rayon: [`Par`] per call, [`default_threads`] (`HPC_NUM_THREADS`, else
//! `OMP_NUM_THREADS`, else the cores the process may use) for the
//! process; a call made on a rayon pool's worker splits on that pool, any other call runs a
//! share on the calling thread and the rest on hpc's own helper threads (`fork.rs`). Results
//! do not depend on the thread count, bit for bit.
//!
//! ```
//! use hpc_core::{MatMut, MatRef};
//! use hpc_gemm::{Par, gemm};
//! let a = [1.0, 2.0, 3.0, 4.0]; // [[1, 3], [2, 4]] column-major
//! let b = [1.0, 0.0, 0.0, 1.0];
//! let mut c = [f64::NAN; 4];
//! gemm(
//!     1.0,
//!     MatRef::from_col_major(&a, 2, 2, 2)?,
//!     MatRef::from_col_major(&b, 2, 2, 2)?,
//!     0.0,
//!     MatMut::from_col_major(&mut c, 2, 2, 2)?,
//!     Par::Seq,
//! )?;
//! assert_eq!(c, a);
//! # Ok::<(), hpc_core::Error>(())
//! ```

mod batch;
mod blocking;
mod buffer;
mod canonical;
mod fork;
pub mod kernels;
mod level1;
mod level2;
mod level3;
mod loops;
mod macro_kernel;
mod pack;
mod plan;
mod problem;
mod raw;
mod registry;
mod simd;
mod small;

pub use batch::{GemmGroup, gemm_batch, gemm_batch_grouped};
pub use blocking::{Blocking, Caches, Cpu};
pub use kernels::Isa;
pub use level3::Fast;
pub use registry::GemmScalar;
pub use registry::{Family, detected_isa, selected_isa};
pub use simd::KernelReal;

use std::num::NonZeroUsize;
use std::sync::OnceLock;

use hpc_core::{MatMut, MatRef, Result, Trans};

use crate::problem::{Problem, Region, Structure};
use crate::raw::{RawMat, RawMatMut};

/// Products below two shares of this much work stay on the calling thread; above, each thread
/// gets at least one share. Work is counted in f64 multiply-adds: `m * n * k` for f64, half of
/// it for f32 (twice the lanes per vector, so half the time), four times for c64 (four real
/// multiply-adds per complex one), twice for c32. A fork and join costs 1-3 us (the calling
/// thread runs a share and spins for the others, `fork.rs`), which a share of 40^3 f64
/// multiply-adds (about 2.6 us at 50 GFLOP/s) repays; at about half of that, two threads win
/// or lose by the shape. History: `docs/tuning.md`, "lib.rs: PAR_THRESHOLD".
pub const PAR_THRESHOLD: usize = 40 * 40 * 40;

/// `C <- alpha * A * B + beta * C`. A is `m x k`, B is `k x n`, C is `m x n`; any strides.
///
/// # Errors
/// [`hpc_core::ErrorKind::DimensionMismatch`] if the shapes do not agree.
pub fn gemm<T: GemmScalar>(
    alpha: T,
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    beta: T,
    c: MatMut<'_, T>,
    par: Par,
) -> Result<()> {
    gemm_op(Trans::No, Trans::No, alpha, a, b, beta, c, par)
}

/// `C <- alpha * op(A) * op(B) + beta * C` with `op` = identity, transpose or conjugate
/// transpose (the conjugate of a real type is itself).
///
/// # Errors
/// [`hpc_core::ErrorKind::DimensionMismatch`] if op(A) is not `m x k`, op(B) not `k x n`, C not `m x n`.
#[allow(clippy::too_many_arguments)]
pub fn gemm_op<T: GemmScalar>(
    transa: Trans,
    transb: Trans,
    alpha: T,
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    beta: T,
    mut c: MatMut<'_, T>,
    par: Par,
) -> Result<()> {
    hpc_core::check::check_gemm(transa, transb, &a, &b, &c)?;
    let (a, conj_a) = RawMat::from_ref(a).op(transa);
    let (b, conj_b) = RawMat::from_ref(b).op(transb);
    let p = Problem {
        alpha,
        a,
        conj_a,
        b,
        conj_b,
        beta,
        c: RawMatMut::from_mut(&mut c),
        region: Region::All,
        structure: Structure::General,
    };
    // SAFETY: the views were checked by their constructors (every element in bounds, C's
    // elements distinct), and `c` stays mutably borrowed for the whole call.
    unsafe { gemm_raw(p, par) };
    Ok(())
}

/// The work of an `m x n x k` product in f64 multiply-adds, as [`PAR_THRESHOLD`] counts it: a
/// complex one is four real ones, and an f32 one takes half the time of an f64 one (twice the
/// lanes per vector).
pub(crate) fn work<T: GemmScalar>(m: usize, n: usize, k: usize) -> usize {
    let real_madds = if T::IS_COMPLEX { 4 } else { 1 };
    m.saturating_mul(n)
        .saturating_mul(k)
        .saturating_mul(real_madds * size_of::<T::Real>())
        / 8
}

/// The number of threads a product of this size gets under `par`.
pub fn threads_for<T: GemmScalar>(par: Par, m: usize, n: usize, k: usize) -> usize {
    let work = work::<T>(m, n, k);
    if par.threads() <= 1 || work < 2 * PAR_THRESHOLD {
        return 1;
    }
    // Inside a rayon pool, never more threads than it has; elsewhere, than there are cores.
    let want = par.threads().min(max_threads());
    want.min(work / PAR_THRESHOLD).max(1)
}

/// The whole GEMM on raw operands: canonicalise, pick the kernel, run the loops.
///
/// # Safety
/// `p.a`, `p.b` readable; `p.c` readable and writable and accessed by no one else meanwhile.
pub(crate) unsafe fn gemm_raw<T: GemmScalar>(mut p: Problem<T>, par: Par) {
    // SAFETY: forwarded.
    if !unsafe { canonical::canonicalize(&mut p) } {
        return;
    }
    if let Some(s) = canonical::rows_to_align(&p) {
        // SAFETY: forwarded; the two parts write disjoint rows of C.
        unsafe {
            gemm_canonical(p.share(false, 0, s), par);
            gemm_canonical(p.share(false, s, p.c.rows - s), par);
        }
        return;
    }
    // SAFETY: forwarded.
    unsafe { gemm_canonical(p, par) };
}

/// [`gemm_raw`] past canonicalisation.
///
/// # Safety
/// As [`gemm_raw`], with `p` canonical.
unsafe fn gemm_canonical<T: GemmScalar>(p: Problem<T>, par: Par) {
    let isa = selected_isa();
    let nt = threads_for::<T>(par, p.c.rows, p.c.cols, p.a.cols);
    if small::applies(&p, isa) {
        // SAFETY: `selected_isa` only returns available ISAs; operands forwarded.
        unsafe { small::run_shares(isa, &p, nt) };
        return;
    }
    // SAFETY: `selected_isa` only returns available ISAs; operands forwarded.
    unsafe { plan::run_on(isa, &p, nt) };
}

/// One triangle of a product (gemmt, for `syrk`/`syr2k`): `p.region` is `Lower(0)` or
/// `Upper(0)` of a square C with unit row stride and forward column stride, `p.alpha != 0`,
/// `k > 0`. Run on the loops directly: canonicalisation (which may transpose or flip C) and the
/// small path do not know triangles.
///
/// # Safety
/// As [`gemm_raw`].
pub(crate) unsafe fn gemmt_raw<T: GemmScalar>(p: Problem<T>, par: Par) {
    debug_assert!(p.region != Region::All && p.c.rows == p.c.cols);
    debug_assert!((p.c.rs == 1 || p.c.rows <= 1) && p.c.cs > 0);
    debug_assert!(!p.alpha.is_zero() && p.a.cols > 0);
    let (n, k) = (p.c.cols, p.a.cols);
    if n == 0 {
        return;
    }
    let isa = selected_isa();
    // Half the square's work.
    let nt = threads_for::<T>(par, n, n.div_ceil(2), k);
    // SAFETY: `selected_isa` only returns available ISAs; operands forwarded.
    unsafe { plan::run_on(isa, &p, nt) };
}

/// A product with structured operands ([`Structure`]), run on the loops directly:
/// canonicalisation would swap or flip the operands, and the small path does not know them.
/// - `Tri`/`TriB` (`trmm` in place): op(A) square and `p.c` the same elements as `p.b`
///   (`B <- alpha op(A) B`), or op(B) square and `p.c` the same elements as `p.a`
///   (`B <- alpha B op(A)`); `p.beta` zero.
/// - `SymA`/`SymB` (`symm`/`hemm`): `p.a` (or `p.b`) the whole square symmetric matrix.
///
/// `p.alpha != 0`, `k > 0`.
///
/// # Safety
/// As [`gemm_raw`], except that `p.c` aliases `p.b` or `p.a` as said.
pub(crate) unsafe fn structured_raw<T: GemmScalar>(p: Problem<T>, par: Par) {
    debug_assert!(!p.alpha.is_zero() && p.a.cols > 0);
    debug_assert!(match p.structure {
        Structure::TriA(_) => {
            p.beta.is_zero() && p.a.rows == p.a.cols && core::ptr::eq(p.b.ptr, p.c.ptr)
        }
        Structure::TriB(_) => {
            p.beta.is_zero() && p.b.rows == p.b.cols && core::ptr::eq(p.a.ptr, p.c.ptr)
        }
        Structure::SymA(_) => p.a.rows == p.a.cols,
        Structure::SymB(_) => p.b.rows == p.b.cols,
        Structure::General => false,
    });
    let (m, n, k) = (p.c.rows, p.c.cols, p.a.cols);
    if m == 0 || n == 0 {
        return;
    }
    let isa = selected_isa();
    // A triangle is half the product's work.
    let work_k = match p.structure {
        Structure::TriA(_) | Structure::TriB(_) => k.div_ceil(2),
        _ => k,
    };
    let nt = threads_for::<T>(par, m, n, work_k);
    // SAFETY: `selected_isa` only returns available ISAs; operands forwarded.
    unsafe { plan::run_on(isa, &p, nt) };
}

/// The most threads a call made on this thread can use: the size of the rayon pool it runs on,
/// else the number of cores (the calling thread runs a share itself, hpc's helper threads
/// the others).
pub fn max_threads() -> usize {
    fork::max_threads()
}

/// `(name, MR, NR)` of the microkernel a GEMM of type `T` runs on this machine.
pub fn kernel_info<T: GemmScalar>() -> (&'static str, usize, usize) {
    T::Real::kernel(selected_isa())
}

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

    /// The current setting: [`num_threads`] threads.
    pub fn current() -> Par {
        Par::from_count(num_threads())
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

/// The thread count set by [`set_num_threads`] (0: not set).
static THREADS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Sets the thread count of later calls made with [`Par::current`] (0: back to
/// [`default_threads`]). The one setting behind `hpc_set_num_threads`, `openblas_set_num_threads`
/// (C) and `hpc.set_num_threads` (Python).
pub fn set_num_threads(n: usize) {
    THREADS.store(n, std::sync::atomic::Ordering::Relaxed);
}

/// The thread count calls use now: the last [`set_num_threads`], else [`default_threads`].
pub fn num_threads() -> usize {
    match THREADS.load(std::sync::atomic::Ordering::Relaxed) {
        0 => default_threads(),
        n => n,
    }
}

/// Parses a thread count as `HPC_NUM_THREADS` gives it: a positive integer, surrounding
/// whitespace allowed. Anything else is `None`.
pub fn parse_thread_count(value: &str) -> Option<usize> {
    value.trim().parse::<usize>().ok().filter(|&n| n > 0)
}

/// The default number of threads of this process, read once: [`threads_from_env`] on the
/// process's environment and the cores it may run on (`available_parallelism`: its CPU
/// affinity and cgroup CPU quota, not the machine's core count; 1 if unknown).
pub fn default_threads() -> usize {
    static DEFAULT: OnceLock<usize> = OnceLock::new();
    *DEFAULT.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        threads_from_env(|name| std::env::var(name).ok(), cores)
    })
}

/// The thread count the environment asks for, `var` reading a variable: `HPC_NUM_THREADS` if
/// it holds a positive integer, else `OMP_NUM_THREADS` (as OpenBLAS and BLIS read it, and as
/// Dask's workers set it; of a nested list such as `4,2` its first level), else `cores`.
pub fn threads_from_env(var: impl Fn(&str) -> Option<String>, cores: usize) -> usize {
    let read = |name: &str, first_level: bool| {
        let v = var(name)?;
        let v = if first_level {
            v.split(',').next()?.to_string()
        } else {
            v
        };
        parse_thread_count(&v)
    };
    read("HPC_NUM_THREADS", false)
        .or_else(|| read("OMP_NUM_THREADS", true))
        .unwrap_or(cores.max(1))
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
    fn the_environment_sets_the_default_in_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(threads_from_env(env(&[]), 6), 6);
        assert_eq!(threads_from_env(env(&[("OMP_NUM_THREADS", "1")]), 6), 1);
        assert_eq!(threads_from_env(env(&[("OMP_NUM_THREADS", "3,2")]), 6), 3);
        assert_eq!(
            threads_from_env(
                env(&[("OMP_NUM_THREADS", "1"), ("HPC_NUM_THREADS", "4")]),
                6
            ),
            4
        );
        // A setting that is not a positive count falls through to the next source.
        assert_eq!(
            threads_from_env(
                env(&[("HPC_NUM_THREADS", "0"), ("OMP_NUM_THREADS", "2")]),
                6
            ),
            2
        );
        assert_eq!(threads_from_env(env(&[("OMP_NUM_THREADS", "x")]), 6), 6);
        assert_eq!(threads_from_env(env(&[]), 0), 1);
    }

    #[test]
    fn default_is_positive_and_stable() {
        let n = default_threads();
        assert!(n >= 1);
        assert_eq!(default_threads(), n);
        assert_eq!(Par::default_for_process().threads(), n);
    }
}
