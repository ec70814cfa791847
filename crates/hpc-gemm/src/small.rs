//! The small-matrix path: products with m, n, k <= [`SMALL`] (real) or [`small_complex`]
//! (complex: 96 for c32, 80 for c64), without packing or blocking.
//!
//! For tiny products the five loops cost more than the arithmetic (packing both operands,
//! zero-padding a 16 x 14 tile for a 4 x 4 result, the blocking bookkeeping). Here C is
//! computed block by block straight from A and B: up to 4 vectors of rows of A are loaded per
//! k step (a masked load for the last, partial one), each multiplied by broadcast elements of
//! B for up to 6 columns (as many as keep 24 accumulators with 32 vector registers, AVX-512
//! and NEON, 8 with 16). A is read in place when its columns are contiguous (unit row stride),
//! else copied once into a column-major buffer on the stack; B is read with any strides.
//!
//! Complex products use the same blocks on the interleaved reals of A's columns: each complex
//! element b of B is broadcast twice, as re(b) and im(b), into two accumulators per vector,
//! which hold `[ar br, ai br]` and `[ar bi, ai bi]` pairs; the complex product (and the
//! conjugation of A, if asked) is put together from the two once, after the k loop, with one
//! re/im swap and sign patterns, and alpha and beta are applied there in complex arithmetic,
//! vector by vector. The inner loop is plain FMAs, with no shuffles. It needs two reals per
//! vector, so the portable ISA does not take it.
//!
//! # Contract
//! `C[0..m, 0..n] <- beta * C + alpha * op(A) * op(B)`, `m, n, k <=` the type's limit,
//! `k >= 1`, C with unit row stride (the canonical form), conjugation flags honoured (complex
//! types). β = 0: C is not read. Runs on the ISA given (the caller checked it is available).
//! Tested by `tests/gemm_vs_reference.rs` (every size up to 20 cubed, every block shape of
//! this path and the sizes around its limits, the edge sizes, under each `HPC_FORCE_ISA`).

use num_traits::{One, Zero};
use pulp::{Simd, WithSimd};

use crate::buffer::{Slot, with_buffer};
use crate::kernels::Isa;
use crate::problem::Problem;
use crate::registry::GemmScalar;
use crate::registry::on_isa;
use crate::simd::{KernelReal, factor, lanes};

/// The largest m, n and k the small path takes: up to there it beats the packed path on one
/// thread (on several, both split the work; this one by [`run_shares`]). History:
/// `docs/tuning.md`, "small.rs".
pub const SMALL: usize = 128;

/// The largest m, n and k the complex small path takes: 96 for `c32`, 80 for `c64`, where it
/// stops beating the packed 1m path (`docs/tuning.md`, "small.rs").
pub const fn small_complex<R>() -> usize {
    if size_of::<R>() == 4 { 96 } else { 80 }
}

/// Whether `p` (canonical) takes the small path on `isa`.
pub(crate) fn applies<T: GemmScalar>(p: &Problem<T>, isa: Isa) -> bool {
    let limit = if !T::IS_COMPLEX {
        SMALL
    } else if isa != Isa::Scalar {
        small_complex::<T::Real>()
    } else {
        // One real per vector: no room for a complex pair.
        return false;
    };
    p.c.rows <= limit && p.c.cols <= limit && p.a.cols <= limit && (p.c.rs == 1 || p.c.rows == 1)
}

/// The small product on raw pointers, in the kernel's real type.
#[derive(Clone, Copy)]
struct SmallOp<R> {
    m: usize,
    n: usize,
    k: usize,
    alpha: R,
    a: *const R,
    cs_a: isize,
    b: *const R,
    rs_b: isize,
    cs_b: isize,
    beta: R,
    c: *mut R,
    cs_c: isize,
}

/// Runs the small path.
///
/// # Safety
/// `isa` is available; `applies(p)`; the operands of `p` are valid as `plan::run` requires.
pub(crate) unsafe fn run<T: GemmScalar>(isa: Isa, p: &Problem<T>) {
    if (p.a.rs == 1 || p.c.rows == 1) && !aliased(p) {
        // A's columns are read where they are: no buffer, so no large stack frame to probe
        // on every small call.
        // SAFETY: forwarded; op(A)'s columns are contiguous (or a single row).
        unsafe { run_on(isa, p, p.a.ptr as *const T::Real, p.a.cs) }
    } else {
        // SAFETY: forwarded.
        unsafe { run_copied(isa, p) }
    }
}

/// Runs the small path on up to `nt` threads (`nt` from [`crate::threads_for`]): C is cut into
/// `nt` shares of its columns (or of its rows, when it is taller than wide), each run by
/// [`run`], one on the calling thread and the others on hpc's helpers (`fork`). Every element
/// of C goes through the same k loop and the same alpha/beta step whichever block it falls in
/// (blocks differ only in how many rows and columns they hold), so the bits do not depend on
/// the split.
///
/// # Safety
/// As [`run`].
pub(crate) unsafe fn run_shares<T: GemmScalar>(isa: Isa, p: &Problem<T>, nt: usize) {
    let (m, n) = (p.c.rows, p.c.cols);
    let by_cols = n >= m;
    // Shares of a multiple of 8 columns, or of 16 rows (whole vectors of f64 and f32).
    let (len, step) = if by_cols { (n, 8) } else { (m, 16) };
    let per = len.div_ceil(nt.max(1)).next_multiple_of(step);
    let shares = len.div_ceil(per.max(1));
    if shares <= 1 {
        // SAFETY: forwarded.
        unsafe { run(isa, p) };
        return;
    }
    crate::fork::for_each(shares, |w| {
        let share = p.share(by_cols, w * per, per.min(len - w * per));
        // SAFETY: forwarded; each share writes its own columns (or rows) of C, which no other
        // share touches, and reads only its part of op(B) (or op(A)).
        unsafe { run(isa, &share) };
    });
}

/// Whether [`run`] reads A in place (its columns contiguous, and not aliasing in L1), as
/// [`run_stack`] requires.
pub(crate) fn in_place<T: GemmScalar>(p: &Problem<T>) -> bool {
    (p.a.rs == 1 || p.c.rows == 1) && !aliased(p)
}

/// Products `range` of a stack of small products, product `i` being `p` with the pointers of
/// A, B and C moved by `i * steps[0]`, `i * steps[1]` and `i * steps[2]` elements, under one
/// dispatch to `isa`: each exactly as [`run`] computes it alone, without its per-call work.
///
/// # Safety
/// As [`run`] for every product of `range`; [`in_place`]`(p)`; the products' C do not overlap.
pub(crate) unsafe fn run_stack<T: GemmScalar>(
    isa: Isa,
    p: &Problem<T>,
    steps: [isize; 3],
    range: std::ops::Range<usize>,
) {
    let (a, f) = (p.a.ptr as *const T::Real, factor::<T>() as isize);
    if T::IS_COMPLEX {
        let op = complex_op(p, a, p.a.cs);
        let each = move |i: isize| SmallComplexOp {
            a: op.a.wrapping_offset(i * steps[0] * f),
            b: op.b.wrapping_offset(i * steps[1]),
            c: op.c.wrapping_offset(i * steps[2]),
            ..op
        };
        // SAFETY: forwarded.
        unsafe { on_isa(isa, Stacked { each, range }) }
    } else {
        let op = real_op(p, a, p.a.cs);
        let each = move |i: isize| SmallOp {
            a: op.a.wrapping_offset(i * steps[0]),
            b: op.b.wrapping_offset(i * steps[1]),
            c: op.c.wrapping_offset(i * steps[2]),
            ..op
        };
        // SAFETY: forwarded.
        unsafe { on_isa(isa, Stacked { each, range }) }
    }
}

/// The products `each(i)` for `i` in `range`, one after another under one ISA token.
struct Stacked<F> {
    each: F,
    range: std::ops::Range<usize>,
}

impl<Op: WithSimd<Output = ()> + Footprint, F: Fn(isize) -> Op> WithSimd for Stacked<F> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let end = self.range.end as isize;
        let fetched = self.range.len() * (self.each)(0).bytes() > PREFETCH_ABOVE;
        for i in self.range {
            let i = i as isize;
            if fetched && i + AHEAD < end {
                (self.each)(i + AHEAD).prefetch();
            }
            (self.each)(i).with_simd(simd);
        }
    }
}

/// Products prefetched ahead of the one computed (1, 2, 4, 8, 16 measured: 2 best).
const AHEAD: isize = 2;
/// Stacks that touch more bytes than this (about half of L2) are prefetched; smaller ones
/// were a little slower with it (the extra instructions, for lines already in cache).
const PREFETCH_ABOVE: usize = 512 << 10;

/// The memory a product touches, to prefetch.
trait Footprint {
    /// Prefetches the product's operands (those up to 4 KiB) into L1.
    fn prefetch(&self);
    /// The bytes the spans of its operands cover.
    fn bytes(&self) -> usize;
}

/// Prefetches the cache lines of `[lo, lo + bytes)` (up to 4 KiB).
#[inline(always)]
fn prefetch_span(lo: usize, bytes: usize) {
    if bytes > 4096 {
        return;
    }
    // Elsewhere (aarch64's prefetch intrinsic is not stable) the hardware prefetcher alone.
    #[cfg(not(target_arch = "x86_64"))]
    let _ = lo;
    #[cfg(target_arch = "x86_64")]
    {
        let mut line = lo & !63;
        while line < lo + bytes {
            // SAFETY: a prefetch never faults.
            unsafe {
                core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(
                    line as *const i8,
                )
            };
            line += 64;
        }
    }
}

/// The lowest address and byte length of the elements `p + i * s1 + j * s2`, `i < d1`, `j < d2`.
fn span<E>(p: *const E, (d1, s1): (usize, isize), (d2, s2): (usize, isize)) -> (usize, usize) {
    let e = size_of::<E>() as isize;
    let lo = |d: usize, s: isize| if s < 0 { (d as isize - 1) * s } else { 0 };
    let ext = (d1 as isize - 1) * s1.abs() + (d2 as isize - 1) * s2.abs() + 1;
    (
        (p as isize + (lo(d1, s1) + lo(d2, s2)) * e) as usize,
        (ext * e) as usize,
    )
}

impl<R: KernelReal> SmallOp<R> {
    #[inline(always)]
    fn spans(&self) -> [(usize, usize); 3] {
        [
            span(self.a, (self.m, 1), (self.k, self.cs_a)),
            span(self.b, (self.k, self.rs_b), (self.n, self.cs_b)),
            span(self.c as *const R, (self.m, 1), (self.n, self.cs_c)),
        ]
    }
}

impl<T: GemmScalar> SmallComplexOp<T> {
    #[inline(always)]
    fn spans(&self) -> [(usize, usize); 3] {
        [
            span(self.a as *const T, (self.m, 1), (self.k, self.cs_a)),
            span(self.b, (self.k, self.rs_b), (self.n, self.cs_b)),
            span(self.c as *const T, (self.m, 1), (self.n, self.cs_c)),
        ]
    }
}

macro_rules! footprint {
    ($($t:tt)*) => {
        $($t)* {
            #[inline(always)]
            fn prefetch(&self) {
                self.spans().into_iter().for_each(|(lo, len)| prefetch_span(lo, len));
            }
            fn bytes(&self) -> usize {
                self.spans().iter().map(|s| s.1).sum()
            }
        }
    };
}
footprint!(impl<R: KernelReal> Footprint for SmallOp<R>);
footprint!(impl<T: GemmScalar> Footprint for SmallComplexOp<T>);

/// Whether a complex product's A columns alias in L1: a block reads one line of each of A's k
/// columns per vector of rows, and when the columns are a multiple of 1 KiB apart (c64 at
/// m = 64, a power-of-two leading dimension) those lines crowd a quarter of L1's sets or
/// fewer and evict each other. c64 n = 64 ran at 0.96x the packed path that way, against
/// 1.16x at n = 56 and 72; copied to a stride that does not alias, it is in line with them.
/// Shallow products (k up to 48, the old c64 limit, where the path measured well as it was)
/// are read in place.
fn aliased<T: GemmScalar>(p: &Problem<T>) -> bool {
    T::IS_COMPLEX && p.a.cols > 48 && (p.a.cs.unsigned_abs() * size_of::<T>()) % 1024 == 0
}

/// The small path with op(A) copied first into a column-major buffer (A's rows are not
/// contiguous, or its columns alias): the thread's packing buffer for A, not the stack, which
/// at the complex limits would need up to 147 KiB, more than some threads' whole stacks. The
/// copy's column stride is `m`, or an odd number of cache lines where `m` would alias too.
///
/// # Safety
/// As [`run`].
#[inline(never)]
unsafe fn run_copied<T: GemmScalar>(isa: Isa, p: &Problem<T>) {
    let (m, k, f) = (p.c.rows, p.a.cols, factor::<T>());
    let ld = if T::IS_COMPLEX && (m * size_of::<T>()) % 1024 == 0 {
        m + 64 / size_of::<T>()
    } else {
        m
    };
    with_buffer(Slot::A, f * ld * k, |buf: &mut [T::Real]| {
        for (pp, col) in buf.chunks_exact_mut(f * ld).enumerate() {
            if p.a.rs == 1 {
                // SAFETY: rows 0..m of column pp of op(A) are readable and contiguous, and a
                // T is f reals.
                let src =
                    unsafe { core::slice::from_raw_parts(p.a.at(0, pp) as *const T::Real, f * m) };
                col[..f * m].copy_from_slice(src);
                continue;
            }
            for i in 0..m {
                // SAFETY: (i, pp) is inside op(A).
                let x = unsafe { p.a.get(i, pp) };
                col[f * i] = x.re();
                if T::IS_COMPLEX {
                    col[f * i + 1] = x.im();
                }
            }
        }
        // SAFETY: forwarded; element (i, pp) of A is at reals f (i + pp ld) (and the next).
        unsafe { run_on(isa, p, buf.as_ptr(), ld as isize) }
    })
}

/// The small path with A's columns at `a`, `cs_a` apart (in elements of `T`), contiguous.
///
/// # Safety
/// As [`run`], with `a` holding op(A) as described.
unsafe fn run_on<T: GemmScalar>(isa: Isa, p: &Problem<T>, a: *const T::Real, cs_a: isize) {
    if T::IS_COMPLEX {
        // SAFETY: forwarded.
        unsafe { on_isa(isa, complex_op(p, a, cs_a)) }
    } else {
        // SAFETY: forwarded.
        unsafe { on_isa(isa, real_op(p, a, cs_a)) }
    }
}

/// `p` as a real small product, A's columns at `a`, `cs_a` apart (T real).
fn real_op<T: GemmScalar>(p: &Problem<T>, a: *const T::Real, cs_a: isize) -> SmallOp<T::Real> {
    // T is real here, so its pointers are pointers to T::Real.
    SmallOp {
        m: p.c.rows,
        n: p.c.cols,
        k: p.a.cols,
        alpha: p.alpha.re(),
        a,
        cs_a,
        b: p.b.ptr as *const T::Real,
        rs_b: p.b.rs,
        cs_b: p.b.cs,
        beta: p.beta.re(),
        c: p.c.ptr as *mut T::Real,
        cs_c: p.c.cs,
    }
}

/// `p` as a complex small product, A's columns at `a` (interleaved reals), `cs_a` apart.
fn complex_op<T: GemmScalar>(p: &Problem<T>, a: *const T::Real, cs_a: isize) -> SmallComplexOp<T> {
    SmallComplexOp {
        m: p.c.rows,
        n: p.c.cols,
        k: p.a.cols,
        alpha: p.alpha,
        a,
        cs_a,
        conj_a: p.conj_a,
        b: p.b.ptr,
        rs_b: p.b.rs,
        cs_b: p.b.cs,
        conj_b: p.conj_b,
        beta: p.beta,
        c: p.c.ptr,
        cs_c: p.c.cs,
    }
}

/// The complex small product: A's columns as interleaved reals (`cs_a` in complex elements),
/// B and C as complex elements with their strides.
#[derive(Clone, Copy)]
struct SmallComplexOp<T: GemmScalar> {
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    a: *const T::Real,
    cs_a: isize,
    conj_a: bool,
    b: *const T,
    rs_b: isize,
    cs_b: isize,
    conj_b: bool,
    beta: T,
    c: *mut T,
    cs_c: isize,
}

/// Dispatches a `(vectors, columns)` block to its monomorphised kernel.
macro_rules! blocks {
    ($self:ident, $simd:ident, $i:ident, $j:ident, $rows:ident, $nv:expr, $nj:expr;
     $($v:literal),*; $($c:literal),*) => {
        blocks!(@rows $self, $simd, $i, $j, $rows, $nv, $nj; [$($v),*]; [$($c),*])
    };
    (@rows $self:ident, $simd:ident, $i:ident, $j:ident, $rows:ident, $nv:expr, $nj:expr;
     [$($v:literal),*]; $cs:tt) => {
        match $nv {
            $($v => blocks!(@cols $self, $simd, $i, $j, $rows, $v, $nj; $cs),)*
            _ => unreachable!("at most 4 vectors of rows"),
        }
    };
    (@cols $self:ident, $simd:ident, $i:ident, $j:ident, $rows:ident, $v:literal, $nj:expr;
     [$($c:literal),*]) => {
        match $nj {
            $($c => $self.block::<S, $v, $c>($simd, $i, $j, $rows),)*
            _ => unreachable!("at most 8 columns"),
        }
    };
}

impl<R: KernelReal> WithSimd for SmallOp<R> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let l = lanes::<S, R>();
        // Accumulators per block: with 32 vector registers (AVX-512, NEON) up to 24 (NV x NJ,
        // up to 4 x 6), with room for the 4 vectors of A and a broadcast of B; with 16 (AVX2,
        // portable) up to 8, so nothing spills (`docs/tuning.md`, "small.rs").
        let acc_max = if S::REGISTER_COUNT >= 32 { 24 } else { 8 };
        let nv_full = self.m.div_ceil(l).min(4);
        let nj_max = (acc_max / nv_full).clamp(1, 6);
        // Blocks of columns evened out: n = 8 is two blocks of 4, not 6 and 2.
        let nj_max = self.n.div_ceil(self.n.div_ceil(nj_max));
        let mut j = 0;
        while j < self.n {
            let nj = nj_max.min(self.n - j);
            let mut i = 0;
            while i < self.m {
                let rows = (4 * l).min(self.m - i);
                // SAFETY: the block (i.., j..) lies inside C, A and B (module contract).
                unsafe {
                    blocks!(self, simd, i, j, rows, rows.div_ceil(l), nj;
                            1, 2, 3, 4; 1, 2, 3, 4, 5, 6)
                }
                i += rows;
            }
            j += nj;
        }
    }
}

impl<R: KernelReal> SmallOp<R> {
    /// Rows `i0..i0 + rows` (`NV` vectors, the last maybe partial) of columns `j0..j0 + NJ`.
    ///
    /// # Safety
    /// The block lies inside the operands.
    #[inline(always)]
    unsafe fn block<S: Simd, const NV: usize, const NJ: usize>(
        &self,
        simd: S,
        i0: usize,
        j0: usize,
        rows: usize,
    ) {
        let l = lanes::<S, R>();
        let zero = R::v_splat(simd, R::zero());
        let mut acc = [[zero; NV]; NJ];
        // The lanes of the last vector of rows, made once for the loads and stores below.
        let last = R::v_mask_first(simd, rows - (NV - 1) * l);
        for p in 0..self.k {
            let col = self.a.wrapping_offset(i0 as isize + p as isize * self.cs_a);
            // SAFETY: rows i0 .. i0 + rows of column p are readable and contiguous (unit row
            // stride).
            let av: [R::V<S>; NV] = unsafe { load_rows(simd, col, last) };
            for (jj, accj) in acc.iter_mut().enumerate() {
                let bp = self
                    .b
                    .wrapping_offset(p as isize * self.rs_b + (j0 + jj) as isize * self.cs_b);
                // SAFETY: (p, j0 + jj) is inside B.
                let bj = R::v_splat(simd, unsafe { *bp });
                for (acc_v, &a_v) in accj.iter_mut().zip(av.iter()) {
                    *acc_v = R::v_mul_add(simd, a_v, bj, *acc_v);
                }
            }
        }
        // α is applied even when it is 1: skipping the multiply then, as the packed kernels do,
        // measured even (f64 n = 32 and 64, Zen 4, calls alternated in one process).
        let (va, vb) = (R::v_splat(simd, self.alpha), R::v_splat(simd, self.beta));
        for (jj, accj) in acc.iter().enumerate() {
            let cj = self
                .c
                .wrapping_offset(i0 as isize + (j0 + jj) as isize * self.cs_c);
            for (v, &acc_v) in accj.iter().enumerate() {
                let ab = R::v_mul(simd, va, acc_v);
                let dst = cj.wrapping_add(v * l);
                // SAFETY: the rows of this vector (all its lanes, or those of `last` for the
                // last one) of column j0 + jj of C are contiguous, valid, and this call's alone.
                unsafe {
                    let out = if self.beta == R::zero() {
                        ab
                    } else {
                        let old = load_lanes(simd, dst, v + 1 == NV, last);
                        if self.beta == R::one() {
                            R::v_add(simd, old, ab)
                        } else {
                            R::v_add(simd, R::v_mul(simd, vb, old), ab)
                        }
                    };
                    store_lanes(simd, dst, v + 1 == NV, last, out);
                }
            }
        }
    }
}

impl<T: GemmScalar> WithSimd for SmallComplexOp<T> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        // Complex elements per vector (at least one: the portable ISA never gets here).
        let lc = (lanes::<S, T::Real>() / 2).max(1);
        // Pairs of accumulators per block: 12 (24 registers) with 32 vector registers
        // (AVX-512, NEON), 4 with 16, so nothing spills (`docs/tuning.md`, "small.rs").
        let pairs_max = if S::REGISTER_COUNT >= 32 { 12 } else { 4 };
        // The sign patterns of the epilogue, made once per call.
        // Conjugating B flips the sign of every a * im(b) term, which the k loop then need not
        // do per element (see `block`).
        let one = T::Real::one();
        let sign = |neg: bool| if neg { -one } else { one };
        let s_re = pairs(simd, one, sign(self.conj_a));
        let s_im = pairs(simd, sign(self.conj_a == self.conj_b), sign(self.conj_b));
        let ctx = (simd, [s_re, s_im, pairs(simd, -one, one)]);
        // Rows outer, columns inner: the block's rows of A (at most 4 vectors by k) stay in L1
        // while the columns of B pass (c64 at n = 64 has 64 KiB of A, more than L1).
        let mut i = 0;
        while i < self.m {
            let rows = (4 * lc).min(self.m - i);
            let nv = rows.div_ceil(lc);
            let nj_max = (pairs_max / nv).clamp(1, 4);
            let mut j = 0;
            while j < self.n {
                let nj = nj_max.min(self.n - j);
                // SAFETY: the block (i.., j..) lies inside C, A and B (module contract).
                unsafe { blocks!(self, ctx, i, j, rows, nv, nj; 1, 2, 3, 4; 1, 2, 3, 4) }
                j += nj;
            }
            i += rows;
        }
    }
}

impl<T: GemmScalar> SmallComplexOp<T> {
    /// Complex rows `i0..i0 + rows` (`NV` vectors of reals, the last maybe partial) of
    /// columns `j0..j0 + NJ`.
    ///
    /// # Safety
    /// The block lies inside the operands; `T` is complex.
    #[inline(always)]
    unsafe fn block<S: Simd, const NV: usize, const NJ: usize>(
        &self,
        (simd, [s_re, s_im, flip]): (S, [<T::Real as KernelReal>::V<S>; 3]),
        i0: usize,
        j0: usize,
        rows: usize,
    ) {
        let l = lanes::<S, T::Real>();
        let reals = 2 * rows;
        let zero = T::Real::v_splat(simd, T::Real::zero());
        // `by_re[j][v]` sums a * re(b), `by_im[j][v]` sums a * im(b), lane by lane.
        let mut by_re = [[zero; NV]; NJ];
        let mut by_im = [[zero; NV]; NJ];
        // The lanes of the last vector of reals, made once for the loads and stores below.
        let last = T::Real::v_mask_first(simd, reals - (NV - 1) * l);
        for p in 0..self.k {
            let col = self
                .a
                .wrapping_offset(2 * (i0 as isize + p as isize * self.cs_a));
            // SAFETY: reals 2 i0 .. 2 (i0 + rows) of column p are readable and contiguous
            // (complex unit row stride).
            let av: [<T::Real as KernelReal>::V<S>; NV] = unsafe { load_rows(simd, col, last) };
            for jj in 0..NJ {
                let bp = self
                    .b
                    .wrapping_offset(p as isize * self.rs_b + (j0 + jj) as isize * self.cs_b);
                // SAFETY: (p, j0 + jj) is inside op(B).
                let b = unsafe { *bp };
                let (br, bi) = (
                    T::Real::v_splat(simd, b.re()),
                    T::Real::v_splat(simd, b.im()),
                );
                for v in 0..NV {
                    by_re[jj][v] = T::Real::v_mul_add(simd, av[v], br, by_re[jj][v]);
                    by_im[jj][v] = T::Real::v_mul_add(simd, av[v], bi, by_im[jj][v]);
                }
            }
        }
        // The complex product from the two sums, lane pair by lane pair:
        // a b = (ar br - ai bi, ai br + ar bi) = by_re (+1, +1) + swap(by_im) (-1, +1),
        // conj(a) b = (ar br + ai bi, ar bi - ai br) = by_re (+1, -1) + swap(by_im) (+1, +1),
        // a conj(b) = (ar br + ai bi, ai br - ar bi) = by_re (+1, +1) + swap(by_im) (+1, -1),
        // conj(a) conj(b) = conj(a b) = by_re (+1, -1) + swap(by_im) (-1, -1).
        // (`s_re`, `s_im` hold those signs; `flip` is (-1, +1).)
        // z x for a complex scalar z and interleaved x, as `z * x` computes it:
        // (zr xr - zi xi, zr xi + zi xr).
        let scale = |z: T, x| {
            let zr = T::Real::v_mul(simd, T::Real::v_splat(simd, z.re()), x);
            let swapped = T::Real::v_mul(simd, T::Real::v_swap_pairs(simd, x), flip);
            T::Real::v_add(
                simd,
                zr,
                T::Real::v_mul(simd, T::Real::v_splat(simd, z.im()), swapped),
            )
        };
        // Copies: indexing the accumulators themselves would keep them in memory for the
        // whole k loop.
        let (sums_re, sums_im) = (by_re, by_im);
        for (jj, (col_re, col_im)) in sums_re.iter().zip(&sums_im).enumerate() {
            let cj = self.c.wrapping_offset((j0 + jj) as isize * self.cs_c) as *mut T::Real;
            for (v, (&x_re, &x_im)) in col_re.iter().zip(col_im).enumerate() {
                // One FMA: both products are exact (the signs are ±1), so this is the sum of
                // the two, rounded once, as an add of them would be.
                let prod = T::Real::v_mul_add(
                    simd,
                    T::Real::v_swap_pairs(simd, x_im),
                    s_im,
                    T::Real::v_mul(simd, x_re, s_re),
                );
                // α = 1 (the common case) and real α skip the complex scaling.
                let ab = if self.alpha.is_one() {
                    prod
                } else if self.alpha.im().is_zero() {
                    T::Real::v_mul(simd, T::Real::v_splat(simd, self.alpha.re()), prod)
                } else {
                    scale(self.alpha, prod)
                };
                let dst = cj.wrapping_add(2 * i0 + v * l);
                let is_last = v + 1 == NV;
                // SAFETY: the reals of this vector (all its lanes, or those of `last` for the
                // last one; complex rows i0 + v l / 2 ..) of column j0 + jj of C are contiguous
                // (unit row stride), valid, and this call's alone.
                unsafe {
                    let out = if self.beta.is_zero() {
                        ab
                    } else {
                        let old = load_lanes(simd, dst, is_last, last);
                        if self.beta.is_one() {
                            T::Real::v_add(simd, old, ab)
                        } else {
                            T::Real::v_add(simd, scale(self.beta, old), ab)
                        }
                    };
                    store_lanes(simd, dst, is_last, last, out);
                }
            }
        }
    }
}

/// `NV` vectors of a column from `col`: `NV - 1` full ones, then the lanes of `last` (the
/// rows left for the last vector), zero in its other lanes.
///
/// # Safety
/// `col` is valid for reads of the `NV - 1` full vectors and the lanes of `last` after them.
#[inline(always)]
unsafe fn load_rows<S: Simd, R: KernelReal, const NV: usize>(
    simd: S,
    col: *const R,
    last: R::M<S>,
) -> [R::V<S>; NV] {
    let l = lanes::<S, R>();
    let mut av = [R::v_splat(simd, R::zero()); NV];
    for (v, x) in av.iter_mut().enumerate() {
        // SAFETY: this vector's lanes are readable (the caller's contract).
        *x = unsafe { load_lanes(simd, col.add(v * l), v + 1 == NV, last) };
    }
    av
}

/// One vector from `p`: all its lanes, or with `is_last` those of `last` (zero in the others).
///
/// # Safety
/// Those lanes are readable at `p`.
#[inline(always)]
unsafe fn load_lanes<S: Simd, R: KernelReal>(
    simd: S,
    p: *const R,
    is_last: bool,
    last: R::M<S>,
) -> R::V<S> {
    // SAFETY: forwarded.
    unsafe {
        if is_last {
            R::v_load_masked(simd, last, p)
        } else {
            core::ptr::read_unaligned(p as *const R::V<S>)
        }
    }
}

/// Stores `v` to `p`: all its lanes, or with `is_last` those of `last`.
///
/// # Safety
/// Those lanes are writable at `p`.
#[inline(always)]
unsafe fn store_lanes<S: Simd, R: KernelReal>(
    simd: S,
    p: *mut R,
    is_last: bool,
    last: R::M<S>,
    v: R::V<S>,
) {
    // SAFETY: forwarded.
    unsafe {
        if is_last {
            R::v_store_masked(simd, last, p, v)
        } else {
            core::ptr::write_unaligned(p as *mut R::V<S>, v)
        }
    }
}

/// A vector of `even, odd, even, odd, ..`: read from a small array of the vector's size (a
/// plain unaligned load; pulp's partial load would be an out-of-line call, three per product).
#[inline(always)]
fn pairs<S: Simd, R: KernelReal>(simd: S, even: R, odd: R) -> R::V<S> {
    // 16 reals: the widest vector of any kernel ISA (AVX-512 f32).
    let mut v = [even; 16];
    for x in v.iter_mut().skip(1).step_by(2) {
        *x = odd;
    }
    let l = lanes::<S, R>();
    if l > v.len() {
        // Not an ISA hpc has: the first 16 lanes, zero in the others (a masked load).
        // SAFETY: the mask's 16 lanes are the array's 16 elements.
        return unsafe { R::v_load_masked(simd, R::v_mask_first(simd, v.len()), v.as_ptr()) };
    }
    bytemuck::pod_read_unaligned(bytemuck::cast_slice(&v[..l]))
}
