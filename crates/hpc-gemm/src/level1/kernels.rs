//! The vector kernels of Level 1 (BLIS's level-1v), on contiguous real slices: a complex
//! vector is its interleaved `(re, im)` reals, so `f32`/`c32` share the `f32` code and
//! `f64`/`c64` the `f64` code.
//!
//! Contract, for every kernel here:
//! - the slices it is given are the whole operand (the caller made them contiguous), of equal
//!   length, and for a complex operand of even length starting at a real part;
//! - a complex kernel runs only on an ISA whose vectors hold at least two lanes
//!   (`super::pairs`), so that lane parity is the parity of the real index (re/im);
//! - elementwise kernels (`axpy`, `scal`) round exactly as the reference loops do (a product
//!   then a sum, no fused multiply-add), so their results are bitwise the reference's;
//! - reductions (`dot`, `asum`) round each product as the reference does (no fused
//!   multiply-add, which LAPACK's tests at their thresholds can tell apart; `docs/tuning.md`,
//!   "level1: no FMA in reductions") and sum in an order fixed by the length and the ISA
//!   alone: four vector accumulators over the body, a masked vector for the tail, the lanes
//!   added in order.

use pulp::{Simd, WithSimd};

use crate::simd::{KernelReal, lanes};

/// Vector accumulators (and elements loaded per step) of a reduction.
const UNROLL: usize = 4;

/// Loads a vector from `p`, unaligned.
///
/// # Safety
/// `lanes::<S, R>()` elements are readable at `p`.
#[inline(always)]
unsafe fn load<S: Simd, R: KernelReal>(p: *const R) -> R::V<S> {
    // SAFETY: forwarded; `V` is plain data.
    unsafe { p.cast::<R::V<S>>().read_unaligned() }
}

/// Stores `v` at `p`, unaligned.
///
/// # Safety
/// `lanes::<S, R>()` elements are writable at `p`.
#[inline(always)]
unsafe fn store<S: Simd, R: KernelReal>(p: *mut R, v: R::V<S>) {
    // SAFETY: forwarded.
    unsafe { p.cast::<R::V<S>>().write_unaligned(v) }
}

/// The vector `(a, b, a, b, ...)`.
#[inline(always)]
pub(crate) fn alternate<S: Simd, R: KernelReal>(a: R, b: R) -> R::V<S> {
    let mut buf = [R::zero(); 64];
    for (i, e) in buf.iter_mut().enumerate().take(lanes::<S, R>()) {
        *e = if i % 2 == 0 { a } else { b };
    }
    // SAFETY: a vector is at most 64 elements (512 bits of f32 is 16).
    unsafe { load::<S, R>(buf.as_ptr()) }
}

/// The lanes of `v`, added in order into `parts[lane % 2]`.
#[inline(always)]
pub(crate) fn add_lanes<S: Simd, R: KernelReal>(v: R::V<S>, parts: &mut [R; 2]) {
    let lanes: &[R] = bytemuck::cast_slice(core::slice::from_ref(&v));
    for (l, &x) in lanes.iter().enumerate() {
        parts[l % 2] += x;
    }
}

/// `alpha * x` in complex arithmetic on interleaved pairs, as the reference rounds it:
/// `(ar xr - ai xi, ar xi + ai xr)` = `a1 * x + a2 * swap(x)` with `a1 = (ar, ar, ...)` and
/// `a2 = (-ai, ai, ...)`.
#[inline(always)]
pub(crate) fn cmul<S: Simd, R: KernelReal>(
    simd: S,
    a1: R::V<S>,
    a2: R::V<S>,
    x: R::V<S>,
) -> R::V<S> {
    R::v_add(
        simd,
        R::v_mul(simd, a1, x),
        R::v_mul(simd, a2, R::v_swap_pairs(simd, x)),
    )
}

/// Dot products by parity: `[sum x_i y_i over even i, over odd i]`, and with `CROSS` also
/// `[sum x_i y_(i^1) over even i, over odd i]` (each pair's other half of `y`), which give
/// the real and imaginary parts of `dotu` and `dotc` ([`super`]). A real dot is the sum of
/// the first two.
pub(crate) struct Dot<'a, R, const CROSS: bool> {
    pub x: &'a [R],
    /// `None`: `x` itself (a sum of squares, each element loaded once).
    pub y: Option<&'a [R]>,
}

impl<R: KernelReal, const CROSS: bool> WithSimd for Dot<'_, R, CROSS> {
    type Output = [R; 4];

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> [R; 4] {
        match self.y {
            Some(y) => dot::<S, R, CROSS, false>(simd, self.x, y),
            None => dot::<S, R, CROSS, true>(simd, self.x, self.x),
        }
    }
}

/// [`Dot`] over consecutive pieces of `piece` reals of `x` (and `y`; the last piece may be
/// shorter): `out[k]` gets piece k's sums, bitwise those [`Dot`] gives the piece alone. Whole
/// pieces go [`DOT_STREAMS`] at a time, each with its own accumulators, so that as many
/// streams come from memory at once.
pub(crate) struct DotPieces<'a, R, const CROSS: bool> {
    pub x: &'a [R],
    /// `None`: `x` itself, as in [`Dot`].
    pub y: Option<&'a [R]>,
    pub piece: usize,
    pub out: &'a mut [[R; 4]],
}

/// Pieces a [`DotPieces`] sums at once on a run of at least `DOT_STREAMS_FROM` reals (from
/// memory: more lines in flight than one pair of streams keeps; in cache it costs)
/// (`docs/tuning.md`, "level1: streams").
const DOT_STREAMS: usize = 4;
const DOT_STREAMS_FROM: usize = 1 << 19;

impl<R: KernelReal, const CROSS: bool> WithSimd for DotPieces<'_, R, CROSS> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        // Complex sums keep twice the accumulators: half the streams.
        if CROSS {
            self.streams::<S, { DOT_STREAMS / 2 }>(simd);
        } else {
            self.streams::<S, DOT_STREAMS>(simd);
        }
    }
}

impl<R: KernelReal, const CROSS: bool> DotPieces<'_, R, CROSS> {
    /// Whole pieces `K` at a time on a long run, the rest one by one.
    #[inline(always)]
    fn streams<S: Simd, const K: usize>(self, simd: S) {
        let (x, piece) = (self.x, self.piece);
        let y = self.y.unwrap_or(x);
        assert_eq!(x.len(), y.len());
        assert!(piece > 0 && self.out.len() == x.len().div_ceil(piece).max(1));
        let square = self.y.is_none();
        let whole = if x.len() >= DOT_STREAMS_FROM {
            x.len() / piece
        } else {
            0
        };
        let mut k = 0;
        while k + K <= whole {
            let (r, out) = (k * piece.., &mut self.out[k..k + K]);
            let out: &mut [[R; 4]; K] = out.try_into().expect("K pieces");
            if square {
                dot_k::<S, R, CROSS, true, K>(simd, &x[r.clone()], &x[r], piece, out);
            } else {
                dot_k::<S, R, CROSS, false, K>(simd, &x[r.clone()], &y[r], piece, out);
            }
            k += K;
        }
        for (k, o) in self.out.iter_mut().enumerate().skip(k) {
            let r = k * piece..((k + 1) * piece).min(x.len());
            *o = if square {
                dot::<S, R, CROSS, true>(simd, &x[r.clone()], &x[r])
            } else {
                dot::<S, R, CROSS, false>(simd, &x[r.clone()], &y[r])
            };
        }
    }
}

/// [`Dot`]'s sums; with `SQUARE`, `y` is `x` and is not loaded again.
#[inline(always)]
fn dot<S: Simd, R: KernelReal, const CROSS: bool, const SQUARE: bool>(
    simd: S,
    x: &[R],
    y: &[R],
) -> [R; 4] {
    let mut out = [[R::zero(); 4]];
    dot_k::<S, R, CROSS, SQUARE, 1>(simd, x, y, x.len(), &mut out);
    out[0]
}

/// [`dot`] on `K` pieces of `n` reals at once (piece k at `x[k n ..]`, `y[k n ..]`), each
/// with accumulators of its own, updated in the same order as alone.
#[inline(always)]
fn dot_k<S: Simd, R: KernelReal, const CROSS: bool, const SQUARE: bool, const K: usize>(
    simd: S,
    x: &[R],
    y: &[R],
    n: usize,
    out: &mut [[R; 4]; K],
) {
    assert!(x.len() >= K * n && y.len() >= K * n);
    let l = lanes::<S, R>();
    let zero = R::v_splat(simd, R::zero());
    let mut acc = [[zero; UNROLL]; K];
    let mut cross = [[zero; UNROLL]; K];
    let step = l * UNROLL;
    let body = n - n % step;
    let (px, py) = (x.as_ptr(), y.as_ptr());
    let mut i = 0;
    while i < body {
        for u in 0..UNROLL {
            for k in 0..K {
                let at = k * n + i + u * l;
                // SAFETY: `i + (u + 1) * l <= body <= n` elements of piece k of both.
                let (xv, yv) = unsafe {
                    let xv = load::<S, R>(px.add(at));
                    (xv, if SQUARE { xv } else { load::<S, R>(py.add(at)) })
                };
                acc[k][u] = R::v_add(simd, acc[k][u], R::v_mul(simd, xv, yv));
                if CROSS {
                    let c = R::v_mul(simd, xv, R::v_swap_pairs(simd, yv));
                    cross[k][u] = R::v_add(simd, cross[k][u], c);
                }
            }
        }
        i += step;
    }
    while i < n {
        let len = (n - i).min(l);
        let mask = R::v_mask_first(simd, len);
        for k in 0..K {
            let at = k * n + i;
            // SAFETY: the first `len` lanes from `i` are inside piece k of both.
            let (xv, yv) = unsafe {
                let xv = R::v_load_masked(simd, mask, px.add(at));
                let yv = if SQUARE {
                    xv
                } else {
                    R::v_load_masked(simd, mask, py.add(at))
                };
                (xv, yv)
            };
            acc[k][0] = R::v_add(simd, acc[k][0], R::v_mul(simd, xv, yv));
            if CROSS {
                let c = R::v_mul(simd, xv, R::v_swap_pairs(simd, yv));
                cross[k][0] = R::v_add(simd, cross[k][0], c);
            }
        }
        i += len;
    }
    for k in 0..K {
        let (mut p, mut q) = ([R::zero(); 2], [R::zero(); 2]);
        for u in 0..UNROLL {
            add_lanes::<S, R>(acc[k][u], &mut p);
            if CROSS {
                add_lanes::<S, R>(cross[k][u], &mut q);
            }
        }
        out[k] = [p[0], p[1], q[0], q[1]];
    }
}

/// `sum |x_i|`.
pub(crate) struct Asum<'a, R> {
    pub x: &'a [R],
}

impl<R: KernelReal> WithSimd for Asum<'_, R> {
    type Output = R;

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> R {
        let x = self.x;
        let l = lanes::<S, R>();
        let n = x.len();
        let mut acc = [R::v_splat(simd, R::zero()); UNROLL];
        let step = l * UNROLL;
        let body = n - n % step;
        let px = x.as_ptr();
        let mut i = 0;
        while i < body {
            for (u, a) in acc.iter_mut().enumerate() {
                // SAFETY: inside `x` (as in `Dot`).
                let v = unsafe { load::<S, R>(px.add(i + u * l)) };
                *a = R::v_add(simd, *a, R::v_abs(simd, v));
            }
            i += step;
        }
        while i < n {
            let len = (n - i).min(l);
            let mask = R::v_mask_first(simd, len);
            // SAFETY: the first `len` lanes from `i` are inside `x`.
            let v = unsafe { R::v_load_masked(simd, mask, px.add(i)) };
            acc[0] = R::v_add(simd, acc[0], R::v_abs(simd, v));
            i += len;
        }
        let mut p = [R::zero(); 2];
        for a in acc {
            add_lanes::<S, R>(a, &mut p);
        }
        p[0] + p[1]
    }
}

/// The three sums of squares of LAPACK 3.10's `?nrm2` over `x` (`[asml, amed, abig]`,
/// `RealScalar::blue_norm`): each lane sorts its value by magnitude against Blue's
/// thresholds and adds its scaled square to one of three accumulators; NaN, never below nor
/// above a threshold, lands in `amed` as in the reference. Two vectors a step.
pub(crate) struct Nrm2<'a, R> {
    pub x: &'a [R],
}

impl<R: KernelReal> WithSimd for Nrm2<'_, R> {
    type Output = [R; 3];

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> [R; 3] {
        let x = self.x;
        let (tsml, tbig, ssml, sbig) = R::blue_constants();
        let (tsml, tbig) = (R::v_splat(simd, tsml), R::v_splat(simd, tbig));
        let (ssml, sbig) = (R::v_splat(simd, ssml), R::v_splat(simd, sbig));
        let zero = R::v_splat(simd, R::zero());
        let mut acc = [[zero; 3]; 2];
        let c = [tsml, tbig, ssml, sbig];
        let l = lanes::<S, R>();
        let n = x.len();
        let px = x.as_ptr();
        let mut i = 0;
        while i + 2 * l <= n {
            // SAFETY: `i + 2 l <= n`.
            let (v0, v1) = unsafe { (load::<S, R>(px.add(i)), load::<S, R>(px.add(i + l))) };
            nrm2_step::<S, R>(simd, &mut acc[0], v0, c);
            nrm2_step::<S, R>(simd, &mut acc[1], v1, c);
            i += 2 * l;
        }
        while i < n {
            let len = (n - i).min(l);
            let mask = R::v_mask_first(simd, len);
            // SAFETY: the first `len` lanes from `i` are inside `x` (zeros elsewhere add zero).
            let v = unsafe { R::v_load_masked(simd, mask, px.add(i)) };
            nrm2_step::<S, R>(simd, &mut acc[0], v, c);
            i += len;
        }
        let mut out = [R::zero(); 3];
        for a in acc {
            for (k, o) in out.iter_mut().enumerate() {
                let mut p = [R::zero(); 2];
                add_lanes::<S, R>(a[k], &mut p);
                *o += p[0] + p[1];
            }
        }
        out
    }
}

/// The largest `|x_i|` (with `COMPLEX`, `|re| + |im|` of each interleaved pair), skipping
/// NaN, or -1 if there is none: `iamax`'s first pass ([`super`] finds the index).
pub(crate) struct MaxAbs<'a, R, const COMPLEX: bool> {
    pub x: &'a [R],
}

impl<R: KernelReal, const COMPLEX: bool> WithSimd for MaxAbs<'_, R, COMPLEX> {
    type Output = R;

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> R {
        let x = self.x;
        let l = lanes::<S, R>();
        let n = x.len();
        let px = x.as_ptr();
        let none = R::v_splat(simd, -R::one());
        let mut acc = [none; 2];
        let mut i = 0;
        while i < n {
            let len = (n - i).min(l);
            let mask = R::v_mask_first(simd, len);
            // SAFETY: the first `len` lanes from `i` are inside `x`. The others load zero,
            // which can raise the result from -1 to 0 only: harmless, since `iamax` compares
            // it with an `abs1` of at least zero.
            let v = unsafe { R::v_load_masked(simd, mask, px.add(i)) };
            let mut a = R::v_abs(simd, v);
            if COMPLEX {
                a = R::v_add(simd, a, R::v_swap_pairs(simd, a));
            }
            let k = (i / l) % 2;
            // `acc < a` is false where `a` is NaN: NaN never becomes the maximum.
            acc[k] = R::v_select(simd, R::v_lt(simd, acc[k], a), a, acc[k]);
            i += len;
        }
        let mut best = -R::one();
        for v in acc {
            let lanes: &[R] = bytemuck::cast_slice(core::slice::from_ref(&v));
            for &m in lanes {
                if m > best {
                    best = m;
                }
            }
        }
        best
    }
}

/// One vector of [`Nrm2`]: `c` holds Blue's `[tsml, tbig, ssml, sbig]` splat. A function, not
/// a closure, so that it inlines into the ISA's code (a closure does not inherit the target
/// features, and its intrinsics became calls).
#[inline(always)]
fn nrm2_step<S: Simd, R: KernelReal>(simd: S, acc: &mut [R::V<S>; 3], v: R::V<S>, c: [R::V<S>; 4]) {
    let [tsml, tbig, ssml, sbig] = c;
    let zero = R::v_splat(simd, R::zero());
    let ax = R::v_abs(simd, v);
    let (small, big) = (R::v_lt(simd, ax, tsml), R::v_lt(simd, tbig, ax));
    // Each lane's value goes to one accumulator, zero to the others: scaling every value both
    // ways would square mid-range values scaled down into subnormals, an assist each.
    let s = R::v_mul(simd, R::v_select(simd, small, ax, zero), ssml);
    let b = R::v_mul(simd, R::v_select(simd, big, ax, zero), sbig);
    let mid = R::v_select(simd, small, zero, R::v_select(simd, big, zero, ax));
    acc[0] = R::v_add(simd, acc[0], R::v_mul(simd, s, s));
    acc[1] = R::v_add(simd, acc[1], R::v_mul(simd, mid, mid));
    acc[2] = R::v_add(simd, acc[2], R::v_mul(simd, b, b));
}

/// `alpha * v`: real, or with `COMPLEX` the complex `(a1, a2)` of [`cmul`].
#[inline(always)]
fn scale<S: Simd, R: KernelReal, const COMPLEX: bool>(
    simd: S,
    a1: R::V<S>,
    a2: R::V<S>,
    v: R::V<S>,
) -> R::V<S> {
    if COMPLEX {
        cmul::<S, R>(simd, a1, a2, v)
    } else {
        R::v_mul(simd, a1, v)
    }
}

/// Parts of [`Axpy`]'s vectors streamed at once from memory, and the reals from which it does
/// (8 MiB of f64 a vector: beyond the caches) (`docs/tuning.md`, "level1: streams").
const AXPY_STREAMS: usize = 4;
const AXPY_STREAMS_FROM: usize = 1 << 20;

/// `x <- alpha * x` (`y` unused) or `y <- y + alpha * x`: a real `alpha = a1`, or with
/// `COMPLEX` the complex `(a1, a2)` on interleaved pairs.
pub(crate) struct Axpy<'a, R, const COMPLEX: bool> {
    pub alpha: (R, R),
    pub x: &'a [R],
    pub y: &'a mut [R],
}

impl<R: KernelReal, const COMPLEX: bool> WithSimd for Axpy<'_, R, COMPLEX> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let (x, y) = (self.x, self.y);
        assert_eq!(x.len(), y.len());
        let a1 = R::v_splat(simd, self.alpha.0);
        let a2 = if COMPLEX {
            alternate::<S, R>(-self.alpha.1, self.alpha.1)
        } else {
            a1
        };
        let l = lanes::<S, R>();
        let n = x.len();
        let (px, py) = (x.as_ptr(), y.as_mut_ptr());
        // A masked head first, up to the first vector boundary of y: stores that never split
        // a cache line (a complex y keeps its pairs whole, or takes no head).
        let head = head_to_boundary::<S, R>(py, if COMPLEX { 2 } else { 1 }).min(n);
        if head > 0 {
            // SAFETY: the first `head <= n` elements of both.
            unsafe { axpy_masked::<S, R, COMPLEX>(simd, (a1, a2), px, py, head) };
        }
        let mut i = head;
        // From memory: STREAMS parts of the vectors at once, each a stream the hardware
        // prefetchers follow, so that more lines are in flight than one stream keeps.
        let part = (n - head) / AXPY_STREAMS / l * l;
        if n - head >= AXPY_STREAMS_FROM {
            while i + l <= head + part {
                let mut v = [a1; AXPY_STREAMS];
                for (k, v) in v.iter_mut().enumerate() {
                    let j = i + k * part;
                    // SAFETY: `j + l <= head + AXPY_STREAMS * part <= n` elements of both.
                    unsafe {
                        *v = R::v_add(
                            simd,
                            load::<S, R>(py.add(j)),
                            scale::<S, R, COMPLEX>(simd, a1, a2, load::<S, R>(px.add(j))),
                        );
                    }
                }
                for (k, &v) in v.iter().enumerate() {
                    // SAFETY: as above.
                    unsafe { store::<S, R>(py.add(i + k * part), v) };
                }
                i += l;
            }
            i = head + AXPY_STREAMS * part;
        }
        while i + l <= n {
            // SAFETY: `i + l <= n` elements of both.
            unsafe {
                let v = R::v_add(
                    simd,
                    load::<S, R>(py.add(i)),
                    scale::<S, R, COMPLEX>(simd, a1, a2, load::<S, R>(px.add(i))),
                );
                store::<S, R>(py.add(i), v);
            }
            i += l;
        }
        if i < n {
            // SAFETY: the `n - i` elements from `i` of both.
            unsafe { axpy_masked::<S, R, COMPLEX>(simd, (a1, a2), px.add(i), py.add(i), n - i) };
        }
    }
}

/// [`Axpy`] on the first `len < lanes` elements at `x` and `y`.
///
/// # Safety
/// `len` elements are readable at `x` and writable at `y`.
#[inline(always)]
unsafe fn axpy_masked<S: Simd, R: KernelReal, const COMPLEX: bool>(
    simd: S,
    (a1, a2): (R::V<S>, R::V<S>),
    x: *const R,
    y: *mut R,
    len: usize,
) {
    let mask = R::v_mask_first(simd, len);
    // SAFETY: forwarded.
    unsafe {
        let xv = R::v_load_masked(simd, mask, x);
        let yv = R::v_load_masked(simd, mask, y);
        let v = R::v_add(simd, yv, scale::<S, R, COMPLEX>(simd, a1, a2, xv));
        R::v_store_masked(simd, mask, y, v);
    }
}

/// Elements from `p` to the next address that is a multiple of the vector size (0 when `p`
/// is one), or 0 when that count is not a multiple of `unit` (a complex number's two reals).
#[inline(always)]
pub(crate) fn head_to_boundary<S: Simd, R: KernelReal>(p: *const R, unit: usize) -> usize {
    let bytes = lanes::<S, R>() * size_of::<R>();
    let head = (bytes - p as usize % bytes) % bytes / size_of::<R>();
    if head % unit == 0 { head } else { 0 }
}

/// `z <- z + (alpha x + beta y)` (each product and their sum rounded as the reference's rank-2
/// updates round `x_i t1 + y_i t2`): real, or with `COMPLEX` complex on interleaved pairs.
pub(crate) struct Axpy2<'a, R, const COMPLEX: bool> {
    pub alpha: (R, R),
    pub beta: (R, R),
    pub x: &'a [R],
    pub y: &'a [R],
    pub z: &'a mut [R],
}

impl<R: KernelReal, const COMPLEX: bool> WithSimd for Axpy2<'_, R, COMPLEX> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let (x, y, z) = (self.x, self.y, self.z);
        assert!(x.len() == z.len() && y.len() == z.len());
        let a1 = R::v_splat(simd, self.alpha.0);
        let a2 = if COMPLEX {
            alternate::<S, R>(-self.alpha.1, self.alpha.1)
        } else {
            a1
        };
        let b1 = R::v_splat(simd, self.beta.0);
        let b2 = if COMPLEX {
            alternate::<S, R>(-self.beta.1, self.beta.1)
        } else {
            b1
        };
        let l = lanes::<S, R>();
        let n = z.len();
        let (px, py, pz) = (x.as_ptr(), y.as_ptr(), z.as_mut_ptr());
        let mut i = 0;
        while i < n {
            let len = (n - i).min(l);
            let mask = R::v_mask_first(simd, len);
            // SAFETY: the first `len` lanes from `i` are inside the three slices.
            unsafe {
                let xv = R::v_load_masked(simd, mask, px.add(i));
                let yv = R::v_load_masked(simd, mask, py.add(i));
                let zv = R::v_load_masked(simd, mask, pz.add(i));
                let u = R::v_add(
                    simd,
                    scale::<S, R, COMPLEX>(simd, a1, a2, xv),
                    scale::<S, R, COMPLEX>(simd, b1, b2, yv),
                );
                R::v_store_masked(simd, mask, pz.add(i), R::v_add(simd, zv, u));
            }
            i += len;
        }
    }
}

/// The plane rotations: `x <- h[0] x + h[1] y` and `y <- h[2] y + h[3] x` (with `SUB`,
/// `h[2] y - h[3] x`), real factors; with `COMPLEX`, on complex vectors each product rounded
/// as the reference's complex product by `(h, 0)`. `rot` is `[c, s, c, s]` with `SUB`,
/// `rotm` `[h11, h12, h22, h21]` without; both round as the reference does.
pub(crate) struct Rotate<'a, R, const COMPLEX: bool, const SUB: bool> {
    pub h: [R; 4],
    pub x: &'a mut [R],
    pub y: &'a mut [R],
}

impl<R: KernelReal, const COMPLEX: bool, const SUB: bool> WithSimd for Rotate<'_, R, COMPLEX, SUB> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let (x, y) = (self.x, self.y);
        assert_eq!(x.len(), y.len());
        let zero = if COMPLEX {
            alternate::<S, R>(-R::zero(), R::zero())
        } else {
            R::v_splat(simd, R::zero())
        };
        let h = self.h.map(|v| R::v_splat(simd, v));
        let l = lanes::<S, R>();
        let n = x.len();
        let (px, py) = (x.as_mut_ptr(), y.as_mut_ptr());
        let mut i = 0;
        while i < n {
            let len = (n - i).min(l);
            let mask = R::v_mask_first(simd, len);
            // SAFETY: the first `len` lanes from `i` are inside both slices.
            unsafe {
                let xv = R::v_load_masked(simd, mask, px.add(i));
                let yv = R::v_load_masked(simd, mask, py.add(i));
                // (No closure here: it would not inherit the ISA's target features.)
                let hx = scale::<S, R, COMPLEX>(simd, h[0], zero, xv);
                let hy = scale::<S, R, COMPLEX>(simd, h[1], zero, yv);
                let gy = scale::<S, R, COMPLEX>(simd, h[2], zero, yv);
                let gx = scale::<S, R, COMPLEX>(simd, h[3], zero, xv);
                let nx = R::v_add(simd, hx, hy);
                let ny = if SUB {
                    R::v_sub(simd, gy, gx)
                } else {
                    R::v_add(simd, gy, gx)
                };
                R::v_store_masked(simd, mask, px.add(i), nx);
                R::v_store_masked(simd, mask, py.add(i), ny);
            }
            i += len;
        }
    }
}

/// `x <- alpha * x`: a real `alpha = a1` (also a complex vector scaled by a real, each part
/// multiplied), or with `COMPLEX` the complex `(a1, a2)` on interleaved pairs.
pub(crate) struct Scal<'a, R, const COMPLEX: bool> {
    pub alpha: (R, R),
    pub x: &'a mut [R],
}

impl<R: KernelReal, const COMPLEX: bool> WithSimd for Scal<'_, R, COMPLEX> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let x = self.x;
        let a1 = R::v_splat(simd, self.alpha.0);
        let a2 = if COMPLEX {
            alternate::<S, R>(-self.alpha.1, self.alpha.1)
        } else {
            a1
        };
        let l = lanes::<S, R>();
        let n = x.len();
        let px = x.as_mut_ptr();
        let mut i = 0;
        while i + l <= n {
            // SAFETY: `i + l <= n`.
            unsafe {
                store::<S, R>(
                    px.add(i),
                    scale::<S, R, COMPLEX>(simd, a1, a2, load::<S, R>(px.add(i))),
                )
            };
            i += l;
        }
        if i < n {
            let mask = R::v_mask_first(simd, n - i);
            // SAFETY: the first `n - i` lanes from `i` are inside `x`.
            unsafe {
                let v = R::v_load_masked(simd, mask, px.add(i));
                R::v_store_masked(
                    simd,
                    mask,
                    px.add(i),
                    scale::<S, R, COMPLEX>(simd, a1, a2, v),
                );
            }
        }
    }
}
