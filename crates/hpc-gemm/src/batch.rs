//! Batched GEMM: `C_b <- alpha op(A_b) op(B_b) + beta C_b` for every matrix `b` of three
//! stacks ([`BatchRef`], [`BatchMut`]; a batch stride of 0 repeats one A or B).
//!
//! Scheduling: a product large enough to take every thread runs on all of them, one product
//! after another; smaller products are shared out whole, consecutive runs of them to each
//! thread, each product on one thread. Products for the small path (`small.rs`) go further:
//! the first one is canonicalised once, and each thread runs its whole run of them under one
//! ISA dispatch (`small::run_stack`), every product exactly as a single call computes it.
//! Either way every product is the single GEMM on its operands, whose bits do not depend on
//! its thread count, so neither do the batch's.

use hpc_core::check::check_gemm_batch;
use hpc_core::{BatchMut, BatchRef, Result, Trans};

use crate::canonical::canonicalize;
use crate::problem::{Problem, Region, Structure};
use crate::raw::{RawMat, RawMatMut};
use crate::small;
use crate::{GemmScalar, PAR_THRESHOLD, Par, gemm_raw, threads_for};

/// A stack as the raw matrix of its first product and the step to the next.
#[derive(Clone, Copy)]
struct Stack<M> {
    first: M,
    step: isize,
}

impl<T> Stack<RawMat<T>> {
    fn of(s: &BatchRef<'_, T>) -> Self
    where
        T: hpc_core::Scalar,
    {
        let (data, off) = s.raw_parts();
        Stack {
            first: RawMat {
                // An element of a non-empty stack; never read through for an empty one.
                ptr: data.as_ptr().wrapping_add(off),
                rows: s.rows(),
                cols: s.cols(),
                rs: s.row_stride(),
                cs: s.col_stride(),
            },
            step: s.batch_stride(),
        }
    }

    fn at(self, b: usize) -> RawMat<T> {
        RawMat {
            ptr: self.first.ptr.wrapping_offset(b as isize * self.step),
            ..self.first
        }
    }
}

impl<T> Stack<RawMatMut<T>> {
    fn at(self, b: usize) -> RawMatMut<T> {
        RawMatMut {
            ptr: self.first.ptr.wrapping_offset(b as isize * self.step),
            ..self.first
        }
    }
}

/// `C_b <- alpha op(A_b) op(B_b) + beta C_b` for `b` in `0..count`, `op` as `transa` and
/// `transb` (identity, transpose or conjugate transpose), any strides; A and B may repeat one
/// matrix (batch stride 0). With beta = 0, C is not read.
///
/// # Errors
/// [`hpc_core::ErrorKind::DimensionMismatch`] if the stacks do not hold as many matrices, or
/// the shapes do not agree as [`crate::gemm_op`]'s must.
#[allow(clippy::too_many_arguments)]
pub fn gemm_batch<T: GemmScalar>(
    transa: Trans,
    transb: Trans,
    alpha: T,
    a: BatchRef<'_, T>,
    b: BatchRef<'_, T>,
    beta: T,
    mut c: BatchMut<'_, T>,
    par: Par,
) -> Result<()> {
    let (m, n, k) = check_gemm_batch(transa, transb, &a, &b, &c)?;
    let count = c.count();
    if count == 0 || m == 0 || n == 0 {
        return Ok(());
    }
    let (sa, sb) = (Stack::of(&a), Stack::of(&b));
    let (rs, cs, step) = (c.row_stride(), c.col_stride(), c.batch_stride());
    let (data, off) = c.raw_parts_mut();
    let sc = Stack {
        first: RawMatMut {
            ptr: data[off..].as_mut_ptr(),
            rows: m,
            cols: n,
            rs,
            cs,
        },
        step,
    };
    let problem = |i: usize| {
        let (a, conj_a) = sa.at(i).op(transa);
        let (b, conj_b) = sb.at(i).op(transb);
        Problem {
            alpha,
            a,
            conj_a,
            b,
            conj_b,
            beta,
            c: sc.at(i),
            region: Region::All,
            structure: Structure::General,
        }
    };
    let product = |i: usize, par: Par| {
        let p = problem(i);
        // SAFETY: the stacks were checked by their constructors (every element in bounds, C's
        // elements distinct across the whole stack), so product i reads its A and B and writes
        // its own C only, which `c`'s borrow keeps for this call.
        unsafe { gemm_raw(p, par) };
    };
    let whole = threads_for::<T>(par, m, n, k);
    let ways = shares::<T>(par, count, (m, n, k));
    let isa = crate::selected_isa();
    if whole == 1 && k > 0 && !alpha.is_zero() {
        // Products for the small path: one dispatch for each thread's run of them.
        let mut p = [0, count.min(2) - 1].map(problem);
        // SAFETY: m, n, k > 0 and alpha != 0, so canonicalisation only rearranges the views
        // (it writes nothing); they stay the products' operands.
        let canonical = p.iter_mut().all(|p| unsafe { canonicalize(p) });
        if canonical && small::applies(&p[0], isa) && small::in_place(&p[0]) {
            // The canonical pointers move by the same steps from one product to the next (the
            // same rearrangement of each product's views).
            let step =
                |x: *const T, y: *const T| (y as isize - x as isize) / size_of::<T>() as isize;
            let steps = [
                step(p[0].a.ptr, p[1].a.ptr),
                step(p[0].b.ptr, p[1].b.ptr),
                step(p[0].c.ptr, p[1].c.ptr),
            ];
            let p0 = &p[0];
            on_runs(ways, count, |run| {
                // SAFETY: product i is `p0` moved by `i * steps`, each a canonical small
                // product whose A is read in place; their C do not overlap (the stack was
                // checked), and each thread runs its own products.
                unsafe { small::run_stack(isa, p0, steps, run) };
            });
            return Ok(());
        }
    }
    if whole >= ways {
        for i in 0..count {
            product(i, par);
        }
        return Ok(());
    }
    on_runs(ways, count, |run| run.for_each(|i| product(i, Par::Seq)));
    Ok(())
}

/// `f` on `ways` runs of consecutive products of `0..count`, one a thread.
fn on_runs(ways: usize, count: usize, f: impl Fn(std::ops::Range<usize>) + Sync) {
    let chunk = count.div_ceil(ways);
    crate::fork::for_each(ways, |t| f(t * chunk..((t + 1) * chunk).min(count)));
}

/// Threads for whole products of a batch: at most one a product, each thread at least
/// [`PAR_THRESHOLD`] of work (as [`threads_for`] counts it).
fn shares<T: GemmScalar>(par: Par, count: usize, (m, n, k): (usize, usize, usize)) -> usize {
    let work = crate::work::<T>(m, n, k.max(1)).saturating_mul(count);
    crate::fork::ways(par, work, PAR_THRESHOLD, count)
}
