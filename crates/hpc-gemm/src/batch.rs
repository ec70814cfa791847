//! Batched GEMM: `C_b <- alpha op(A_b) op(B_b) + beta C_b` for every matrix `b` of three
//! stacks ([`BatchRef`], [`BatchMut`]; a batch stride of 0 repeats one A or B).
//!
//! Scheduling ([`schedule`]): a product large enough to take every thread runs on all of
//! them, one product after another; products worth one thread are shared out whole,
//! consecutive runs of them to each thread; in between, groups of threads run products side
//! by side, each product on its group. Products for the small path (`small.rs`) go further:
//! the first one is canonicalised once, and each thread runs its whole run of them under one
//! ISA dispatch (`small::run_stack`), every product exactly as a single call computes it.
//! Either way every product is the single GEMM on its operands, whose bits do not depend on
//! its thread count, so neither do the batch's.

use hpc_core::check::{check_gemm_batch, check_gemm_group};
use hpc_core::{BatchMut, BatchRef, MatMut, MatRef, Result, Trans};

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
    c: BatchMut<'_, T>,
    par: Par,
) -> Result<()> {
    batch(transa, transb, alpha, a, b, beta, c, par, None)
}

/// [`gemm_batch`], on `forced` if given instead of [`schedule`]'s choice (for tests).
#[allow(clippy::too_many_arguments)]
fn batch<T: GemmScalar>(
    transa: Trans,
    transb: Trans,
    alpha: T,
    a: BatchRef<'_, T>,
    b: BatchRef<'_, T>,
    beta: T,
    mut c: BatchMut<'_, T>,
    par: Par,
    forced: Option<Schedule>,
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
    if whole == 1 && k > 0 && !alpha.is_zero() && forced.is_none() {
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
    let threads = par.threads().min(crate::fork::max_threads());
    match forced.unwrap_or_else(|| schedule(threads, whole, ways, count)) {
        Schedule::Each => (0..count).for_each(|i| product(i, par)),
        Schedule::Shares(ways) => {
            on_runs(ways, count, |run| run.for_each(|i| product(i, Par::Seq)))
        }
        Schedule::Groups(groups, per) => on_runs(groups, count, |run| {
            run.for_each(|i| product(i, Par::from_count(per)))
        }),
    }
    Ok(())
}

/// How the products of a batch share the threads (products for the small path aside).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Schedule {
    /// One product after another, each on every thread.
    Each,
    /// Runs of whole products, one a thread (this many threads), each product on it alone.
    Shares(usize),
    /// Both: this many groups of threads run runs of products, each product on the group's
    /// threads (the second number).
    Groups(usize, usize),
}

/// The schedule of `count` products on `threads` threads, each product worth `whole` threads
/// ([`threads_for`]) and the batch `ways` threads of whole products ([`shares`]). A product
/// that takes every thread runs on all of them; products that take one are shared out whole;
/// in between, groups of about `whole` threads each run products side by side, so that no
/// thread idles while products run one after another on fewer threads than there are. On two
/// cores the third case cannot arise; there products on both threads measured even with, or up
/// to 10% faster than, whole products shared (f64 16 x 256, 8 x 512, 64 x 128, 200 x 64; 64 x
/// 256 was 6% slower), which is why a product worth two threads takes them.
fn schedule(threads: usize, whole: usize, ways: usize, count: usize) -> Schedule {
    if whole >= threads || count <= 1 {
        return Schedule::Each;
    }
    if whole <= 1 {
        return Schedule::Shares(ways);
    }
    match (threads / whole).min(count) {
        0 | 1 => Schedule::Each,
        groups => Schedule::Groups(groups, threads / groups),
    }
}

/// One group of [`gemm_batch_grouped`]: the products `C_i <- alpha op(A_i) op(B_i) + beta C_i`
/// for `i < c.len()`, sharing transposes and scalars (MKL's and OpenBLAS's groups; here each
/// product may have its own shapes and strides).
pub struct GemmGroup<'g, 'a, T> {
    /// op of every A.
    pub transa: Trans,
    /// op of every B.
    pub transb: Trans,
    /// Scales every product.
    pub alpha: T,
    /// Scales every C (0: C is not read).
    pub beta: T,
    /// The A of each product.
    pub a: &'g [MatRef<'a, T>],
    /// The B of each product, as many as A.
    pub b: &'g [MatRef<'a, T>],
    /// The C of each product, as many as A, updated in place.
    pub c: &'g mut [MatMut<'a, T>],
}

/// Every product of every group, as [`crate::gemm_op`] computes it: products that take every
/// thread run one after another on all of them; the others are shared out whole, runs of
/// consecutive ones with about equal work to each thread. With beta = 0, C is not read.
///
/// # Errors
/// [`hpc_core::ErrorKind::DimensionMismatch`] if a group does not hold as many A and B as C,
/// or a product's shapes do not agree; nothing is computed then.
pub fn gemm_batch_grouped<T: GemmScalar>(
    groups: &mut [GemmGroup<'_, '_, T>],
    par: Par,
) -> Result<()> {
    for (i, g) in groups.iter().enumerate() {
        check_gemm_group(i, (g.transa, g.transb), g.a, g.b, g.c)?;
    }
    // (product, its work), in order; products with nothing to write are left out.
    let mut products: Vec<(Problem<T>, usize)> = Vec::new();
    let mut large = Vec::new();
    for g in groups.iter_mut() {
        for ((a, b), c) in g.a.iter().zip(g.b).zip(g.c.iter_mut()) {
            let (ra, conj_a) = RawMat::from_ref(*a).op(g.transa);
            let (rb, conj_b) = RawMat::from_ref(*b).op(g.transb);
            let (m, n, k) = (ra.rows, rb.cols, ra.cols);
            if m == 0 || n == 0 {
                continue;
            }
            let p = Problem {
                alpha: g.alpha,
                a: ra,
                conj_a,
                b: rb,
                conj_b,
                beta: g.beta,
                c: RawMatMut::from_mut(c),
                region: Region::All,
                structure: Structure::General,
            };
            if threads_for::<T>(par, m, n, k) > 1 {
                large.push(p);
            } else {
                products.push((p, crate::work::<T>(m, n, k.max(1))));
            }
        }
    }
    for p in large {
        // SAFETY: the views were checked by their constructors (in bounds, each C's elements
        // distinct) and the C are distinct `&mut` views, borrowed for this call.
        unsafe { gemm_raw(p, par) };
    }
    let total: usize = products.iter().map(|p| p.1).sum();
    let ways = crate::fork::ways(par, total, PAR_THRESHOLD, products.len());
    // Thread t runs the products whose work starts in its share [t, t + 1) * total / ways.
    let mut starts = Vec::with_capacity(ways + 1);
    let mut done = 0;
    for (i, p) in products.iter().enumerate() {
        while starts.len() * total.div_ceil(ways) <= done && starts.len() < ways {
            starts.push(i);
        }
        done += p.1;
    }
    starts.resize(ways + 1, products.len());
    crate::fork::for_each(ways, |t| {
        for &(p, _) in &products[starts[t]..starts[t + 1]] {
            // SAFETY: as above; each product is run by one thread only.
            unsafe { gemm_raw(p, Par::Seq) };
        }
    });
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

#[cfg(test)]
mod tests {
    use super::{Schedule, batch, schedule};
    use crate::Par;
    use hpc_core::{BatchMut, BatchRef, Trans};

    /// Groups of threads side by side (forced: on two cores [`schedule`] never picks them)
    /// give the bits of one product after another, each product forking inside its group.
    #[test]
    fn groups_give_the_same_bits() {
        let (count, n) = (5, 150);
        let data: Vec<f64> = (0..count * n * n)
            .map(|i| ((i * 7) % 23) as f64 / 7.0 - 1.5)
            .collect();
        let shape = (count, n, n);
        let strides = ((n * n) as isize, 1, n as isize);
        let run = |forced| {
            let mut c = vec![0.5; count * n * n];
            let a = BatchRef::from_strided(&data, shape, strides).unwrap();
            let b = BatchRef::from_strided(&data, shape, (0, n as isize, 1)).unwrap();
            let cm = BatchMut::from_strided(&mut c, shape, strides).unwrap();
            batch(
                Trans::No,
                Trans::Trans,
                1.5,
                a,
                b,
                -1.0,
                cm,
                Par::from_count(4),
                forced,
            )
            .unwrap();
            c
        };
        let each = run(Some(Schedule::Each));
        assert_eq!(run(Some(Schedule::Groups(2, 2))), each);
        assert_eq!(run(Some(Schedule::Groups(3, 1))), each);
        assert_eq!(run(Some(Schedule::Shares(2))), each);
        assert_eq!(run(None), each);
    }

    #[test]
    fn products_take_the_threads_they_are_worth() {
        // Worth every thread, or a single product: one after another on all of them.
        assert_eq!(schedule(2, 2, 2, 64), Schedule::Each);
        assert_eq!(schedule(16, 16, 16, 64), Schedule::Each);
        assert_eq!(schedule(16, 4, 1, 1), Schedule::Each);
        // Worth one thread: whole products shared out.
        assert_eq!(schedule(2, 1, 2, 100_000), Schedule::Shares(2));
        assert_eq!(schedule(16, 1, 5, 5), Schedule::Shares(5));
        // In between: groups side by side, each product on its group's threads.
        assert_eq!(schedule(16, 4, 16, 64), Schedule::Groups(4, 4));
        assert_eq!(schedule(16, 4, 2, 2), Schedule::Groups(2, 8));
        assert_eq!(schedule(16, 5, 16, 64), Schedule::Groups(3, 5));
        assert_eq!(schedule(16, 9, 16, 64), Schedule::Each);
    }
}
