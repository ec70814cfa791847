//! The fused kernels of Level 2 (BLIS's level-1f: `axpyf`, `dotxf`, and a rank-1 update
//! `GerF`) on column-major matrices with unit row stride, real or complex: several columns per
//! pass over the vector they share.
//!
//! Contract (`AxpyF`, `DotXF`): `a` points to element (0, 0) of an `m x n` matrix whose column
//! `j` starts at `a + j * lda`, every element readable; the vectors are contiguous slices of
//! the lengths given below. `GerF` takes the addresses of the columns it writes instead.

use pulp::{Simd, WithSimd};

use crate::level1::kernels::{alternate, cmul, head_to_boundary};
use crate::level1::{reals, reals_mut};
use crate::registry::GemmScalar;
use crate::simd::{KernelReal, lanes};

/// Real columns per pass (a complex pass takes half as many: it needs two registers a column
/// where a real one needs one). Eight streams of A keep more of the memory system busy than
/// four, and leave room in AVX2's sixteen registers (`docs/tuning.md`, "level2: fused columns").
const DOT_COLS: usize = 8;
const AXPY_COLS: usize = 8;

/// Reals per row block of `AxpyF`: the block of `s` (32 KiB) stays in L1 or L2 while every
/// column passes over it.
const ROW_BLOCK: usize = 4096;

/// `s <- s + op(A) x` (`s` of `m` elements, `x` of `n`; complex with `COMPLEX`, as
/// interleaved reals), column by column in order, each product rounded as the reference
/// rounds it (complex: as its complex product) and then added, no fused multiply-add: every
/// element of `s` gets the same sum, in the same order, as the reference's loop, so `s`
/// started at zero is bitwise the reference's sum. `op` is the identity or, with `conj`
/// (complex only), the conjugate. The complex form needs two lanes a vector.
pub(crate) struct AxpyF<'a, R, const COMPLEX: bool> {
    pub a: *const R,
    /// The column stride, in reals.
    pub lda: usize,
    pub x: &'a [R],
    pub s: &'a mut [R],
    pub conj: bool,
}

impl<R: KernelReal, const COMPLEX: bool> WithSimd for AxpyF<'_, R, COMPLEX> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        // Two multipliers a complex column: half the columns keep them all in registers,
        // except with AVX-512's 32.
        if COMPLEX && lanes::<S, R>() * size_of::<R>() < 64 {
            self.passes::<S, { AXPY_COLS / 2 }>(simd);
        } else {
            self.passes::<S, AXPY_COLS>(simd);
        }
    }
}

impl<R: KernelReal, const COMPLEX: bool> AxpyF<'_, R, COMPLEX> {
    /// For each block of rows, passes over it with `C` columns each, then the columns left
    /// one by one.
    #[inline(always)]
    fn passes<S: Simd, const C: usize>(self, simd: S) {
        let f = if COMPLEX { 2 } else { 1 };
        let (m, n, lda, conj) = (self.s.len(), self.x.len() / f, self.lda, self.conj);
        let ps = self.s.as_mut_ptr();
        let mut r0 = 0;
        while r0 < m {
            let rows = (m - r0).min(ROW_BLOCK);
            let mut j = 0;
            // SAFETY: in every call, columns `j ..< j + C` and reals `r0 ..< r0 + rows` are
            // inside A and `s`, by the contract.
            unsafe {
                while j + C <= n {
                    let (a, x) = (self.a.add(j * lda + r0), &self.x[j * f..]);
                    axpy_cols::<S, R, C, COMPLEX>(simd, (a, lda), x, conj, ps.add(r0), rows);
                    j += C;
                }
                while j < n {
                    let (a, x) = (self.a.add(j * lda + r0), &self.x[j * f..]);
                    axpy_cols::<S, R, 1, COMPLEX>(simd, (a, lda), x, conj, ps.add(r0), rows);
                    j += 1;
                }
            }
            r0 += rows;
        }
    }
}

/// [`AxpyF`] on `C` columns starting at `a` ([`Starts`]) and the first `C` elements of `x`,
/// over the first `rows` reals of `s`: whole vectors, then the masked tail.
///
/// # Safety
/// `rows` reals are readable from each column and writable from `s`.
#[inline(always)]
unsafe fn axpy_cols<S: Simd, R: KernelReal, const C: usize, const COMPLEX: bool>(
    simd: S,
    a: impl Starts<R>,
    x: &[R],
    conj: bool,
    s: *mut R,
    rows: usize,
) {
    let l = lanes::<S, R>();
    let xv: [(R::V<S>, R::V<S>); C] =
        core::array::from_fn(|c| multiplier::<S, R, COMPLEX>(simd, x, c));
    // A masked head up to the first vector boundary of `s` (gemv places `s` so that A's
    // columns share it where their stride allows), so no access splits a cache line.
    let head = head_to_boundary::<S, R>(s, if COMPLEX { 2 } else { 1 }).min(rows);
    // SAFETY: the first `head <= rows` reals of `s` and of the columns exist.
    unsafe { axpy_masked::<S, R, C, COMPLEX>(simd, a, &xv, conj, s, 0, head) };
    let mut i = head;
    while i + l <= rows {
        // SAFETY: reals `i ..< i + l` of `s` and of the columns exist.
        unsafe {
            let p = s.add(i);
            let mut acc = p.cast::<R::V<S>>().read_unaligned();
            for (c, &x) in xv.iter().enumerate() {
                let av = a.start(c).add(i).cast::<R::V<S>>().read_unaligned();
                acc = axpy_step::<S, R, COMPLEX>(simd, acc, av, x, conj);
            }
            p.cast::<R::V<S>>().write_unaligned(acc);
        }
        i += l;
    }
    // SAFETY: the reals `i ..< rows` of `s` and of the columns exist.
    unsafe { axpy_masked::<S, R, C, COMPLEX>(simd, a, &xv, conj, s, i, rows - i) };
}

/// [`axpy_cols`] on the `len < lanes` reals from `i` (nothing for `len = 0`).
///
/// # Safety
/// Reals `i ..< i + len` of `s` and of the columns exist.
#[inline(always)]
unsafe fn axpy_masked<S: Simd, R: KernelReal, const C: usize, const COMPLEX: bool>(
    simd: S,
    a: impl Starts<R>,
    xv: &[Multiplier<S, R>; C],
    conj: bool,
    s: *mut R,
    i: usize,
    len: usize,
) {
    if len == 0 {
        return;
    }
    let mask = R::v_mask_first(simd, len);
    // SAFETY: forwarded.
    unsafe {
        let p = s.add(i);
        let mut acc = R::v_load_masked(simd, mask, p);
        for (c, &x) in xv.iter().enumerate() {
            let av = R::v_load_masked(simd, mask, a.start(c).add(i));
            acc = axpy_step::<S, R, COMPLEX>(simd, acc, av, x, conj);
        }
        R::v_store_masked(simd, mask, p, acc);
    }
}

/// Where a fused kernel's `C` columns start: at `a + c * lda` (a matrix), or each at an
/// address of its own (the columns of packed or band storage).
trait Starts<R>: Copy {
    fn start(self, c: usize) -> *const R;
}

impl<R> Starts<R> for (*const R, usize) {
    #[inline(always)]
    fn start(self, c: usize) -> *const R {
        self.0.wrapping_add(c * self.1)
    }
}

impl<R, const C: usize> Starts<R> for [*const R; C] {
    #[inline(always)]
    fn start(self, c: usize) -> *const R {
        self[c]
    }
}

/// A column's multiplier as [`axpy_step`] takes it (see [`multiplier`]).
type Multiplier<S, R> = (<R as KernelReal>::V<S>, <R as KernelReal>::V<S>);

/// The multiplier `x_c` (interleaved reals with `COMPLEX`) as [`axpy_step`] takes it: `x_c`
/// in every lane (complex: its real part, and `(-im, im, ...)` for the swapped pairs).
#[inline(always)]
fn multiplier<S: Simd, R: KernelReal, const COMPLEX: bool>(
    simd: S,
    x: &[R],
    c: usize,
) -> (R::V<S>, R::V<S>) {
    if COMPLEX {
        let (xr, xi) = (x[2 * c], x[2 * c + 1]);
        (R::v_splat(simd, xr), alternate::<S, R>(-xi, xi))
    } else {
        (R::v_splat(simd, x[c]), R::v_splat(simd, R::zero()))
    }
}

/// `acc + op(a) x`, rounded as [`AxpyF`] promises; `(x1, x2)` as `axpy_cols` makes them.
#[inline(always)]
fn axpy_step<S: Simd, R: KernelReal, const COMPLEX: bool>(
    simd: S,
    acc: R::V<S>,
    a: R::V<S>,
    (x1, x2): (R::V<S>, R::V<S>),
    conj: bool,
) -> R::V<S> {
    if COMPLEX {
        let a = if conj { R::v_conj_pairs(simd, a) } else { a };
        R::v_add(simd, acc, cmul::<S, R>(simd, x1, x2, a))
    } else {
        R::v_add(simd, acc, R::v_mul(simd, a, x1))
    }
}

/// `s_j <- sum_i op(a_ij) x_i` for every column `j` (`x` of `m` elements, `s` of `n`;
/// complex with `COMPLEX`, as interleaved reals, `op` the identity or with `conj` the
/// conjugate): several columns per pass over x, each product rounded, then added into vector
/// accumulators (complex: sums split by lane parity, as Level 1's `Dot`), whose lanes are
/// added in order at the end. The complex form needs two lanes a vector.
pub(crate) struct DotXF<'a, R, const COMPLEX: bool> {
    pub a: *const R,
    /// The column stride, in reals.
    pub lda: usize,
    pub x: &'a [R],
    pub s: &'a mut [R],
    pub conj: bool,
}

impl<R: KernelReal, const COMPLEX: bool> WithSimd for DotXF<'_, R, COMPLEX> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        // Two accumulators a complex column: half the columns keep them all in registers.
        if COMPLEX {
            self.passes::<S, { DOT_COLS / 2 }>(simd);
        } else {
            self.passes::<S, DOT_COLS>(simd);
        }
    }
}

impl<R: KernelReal, const COMPLEX: bool> DotXF<'_, R, COMPLEX> {
    /// Passes over x with `C` columns each, then the columns left one by one.
    #[inline(always)]
    fn passes<S: Simd, const C: usize>(self, simd: S) {
        let f = if COMPLEX { 2 } else { 1 };
        let (n, lda, conj) = (self.s.len() / f, self.lda, self.conj);
        let mut j = 0;
        // SAFETY: in every call, columns `j ..< j + C` are inside A, by the contract.
        unsafe {
            while j + C <= n {
                let (a, s) = (self.a.add(j * lda), &mut self.s[j * f..]);
                dot_cols::<S, R, C, COMPLEX>(simd, (a, lda), self.x, conj, s);
                j += C;
            }
            while j < n {
                let (a, s) = (self.a.add(j * lda), &mut self.s[j * f..]);
                dot_cols::<S, R, 1, COMPLEX>(simd, (a, lda), self.x, conj, s);
                j += 1;
            }
        }
    }
}

/// [`DotXF`] on `C` columns starting at `a` ([`Starts`]), into the first `C` elements of `s`.
///
/// # Safety
/// `x.len()` reals are readable from each column.
#[inline(always)]
unsafe fn dot_cols<S: Simd, R: KernelReal, const C: usize, const COMPLEX: bool>(
    simd: S,
    a: impl Starts<R>,
    x: &[R],
    conj: bool,
    s: &mut [R],
) {
    let (m, l, px) = (x.len(), lanes::<S, R>(), x.as_ptr());
    let zero = R::v_splat(simd, R::zero());
    // Per column: the sums of a x (complex: also of a swap(x)).
    let mut acc = [(zero, zero); C];
    // Real, on AVX-512 (whose unaligned loads each split a line): where the first column is
    // `off` reals past a vector boundary, start `off` rows early, masked, so that the loads of
    // every column aligned as the first are aligned. Row i then sits in lane (i + off) % l: the
    // same rows in each lane, in the same order, as with off = 0, so the accumulators rotated
    // down by `off` are those of off = 0, bit for bit, whatever the address. Short columns skip
    // it: the head is one more step. Complex columns gained nothing measurable from it (their
    // two products a load leave the loads less exposed).
    let off = if !COMPLEX && l * size_of::<R>() == 64 && m >= 8 * l {
        (a.start(0) as usize / size_of::<R>()) % l
    } else {
        0
    };
    let mut i = 0;
    if off > 0 && m > 0 {
        // Rows 0 ..< min(m, l - off) in lanes off ..
        let mask = R::v_mask_between(simd, off, l.min(off + m));
        let (i0, x0) = (-(off as isize), px.wrapping_sub(off));
        // SAFETY: only the masked lanes are read: those rows exist in x and in each column.
        unsafe { dot_step::<S, R, C, COMPLEX>(simd, &mut acc, a, i0, x0, Some(mask)) };
        i = l - off;
    }
    while i + l <= m {
        // SAFETY: rows i ..< i + l exist in x and in each column.
        unsafe { dot_step::<S, R, C, COMPLEX>(simd, &mut acc, a, i as isize, px.add(i), None) };
        i += l;
    }
    if i < m {
        let mask = R::v_mask_first(simd, m - i);
        // SAFETY: only the masked lanes, rows i ..< m, are read.
        unsafe {
            dot_step::<S, R, C, COMPLEX>(simd, &mut acc, a, i as isize, px.add(i), Some(mask))
        };
    }
    dot_sums::<S, R, C, COMPLEX>(simd, &acc, off, conj, s);
}

/// `u <- u + A w` and `t_j <- sum_i op(a_ij) x_i` for every column `j`, in one pass over A
/// (`u` and `x` of `m` elements, `w` and `t` of `n`; complex with `COMPLEX`, as interleaved
/// reals, `op` the identity or with `conj` the conjugate): BLIS's dotxaxpyf, the two halves of
/// symv or hemv on a panel that is loaded once. `u` gets each product added in [`AxpyF`]'s
/// order and `t` [`DotXF`]'s sums (lanes by row index, added in order; complex: split by lane
/// parity), so `u` started at zero and `t` are bitwise what those two kernels give (`t`
/// without DotXF's aligned head). The complex form needs two lanes a vector.
pub(crate) struct DotAxpyF<'a, R, const COMPLEX: bool> {
    pub a: *const R,
    /// The column stride, in reals.
    pub lda: usize,
    pub x: &'a [R],
    pub w: &'a [R],
    pub u: &'a mut [R],
    pub t: &'a mut [R],
    pub conj: bool,
}

impl<R: KernelReal, const COMPLEX: bool> WithSimd for DotAxpyF<'_, R, COMPLEX> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        // Registers a column: real two (multiplier, sums), complex four: under AVX2's sixteen,
        // half as many columns.
        let wide = lanes::<S, R>() * size_of::<R>() >= 64;
        match (COMPLEX, wide) {
            (false, true) => self.passes::<S, DOT_COLS>(simd),
            (false, false) | (true, true) => self.passes::<S, { DOT_COLS / 2 }>(simd),
            (true, false) => self.passes::<S, { DOT_COLS / 4 }>(simd),
        }
    }
}

impl<R: KernelReal, const COMPLEX: bool> DotAxpyF<'_, R, COMPLEX> {
    /// Passes of `C` columns over the rows, then the columns left one by one.
    #[inline(always)]
    fn passes<S: Simd, const C: usize>(self, simd: S) {
        let f = if COMPLEX { 2 } else { 1 };
        let (n, lda, conj) = (self.w.len() / f, self.lda, self.conj);
        assert!(self.t.len() == self.w.len() && self.u.len() == self.x.len());
        let mut j = 0;
        // SAFETY: in every call, columns `j ..< j + C` are inside A, by the contract.
        unsafe {
            while j + C <= n {
                let (a, w, t) = (
                    self.a.add(j * lda),
                    &self.w[j * f..(j + C) * f],
                    &mut self.t[j * f..(j + C) * f],
                );
                dot_axpy_cols::<S, R, C, COMPLEX>(simd, a, lda, self.x, w, self.u, t, conj);
                j += C;
            }
            while j < n {
                let (a, w, t) = (
                    self.a.add(j * lda),
                    &self.w[j * f..(j + 1) * f],
                    &mut self.t[j * f..(j + 1) * f],
                );
                dot_axpy_cols::<S, R, 1, COMPLEX>(simd, a, lda, self.x, w, self.u, t, conj);
                j += 1;
            }
        }
    }
}

/// [`DotAxpyF`] on the `C` columns at `a + c * lda`, with multipliers `w` and sums into `t`.
///
/// # Safety
/// `x.len()` reals are readable from each column.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn dot_axpy_cols<S: Simd, R: KernelReal, const C: usize, const COMPLEX: bool>(
    simd: S,
    a: *const R,
    lda: usize,
    x: &[R],
    w: &[R],
    u: &mut [R],
    t: &mut [R],
    conj: bool,
) {
    let (m, l) = (x.len(), lanes::<S, R>());
    let zero = R::v_splat(simd, R::zero());
    let mut wv = [(zero, zero); C];
    for (c, v) in wv.iter_mut().enumerate() {
        *v = multiplier::<S, R, COMPLEX>(simd, w, c);
    }
    let mut acc = [(zero, zero); C];
    let (px, pu) = (x.as_ptr(), u.as_mut_ptr());
    let mut i = 0;
    while i < m {
        let mask = (i + l > m).then(|| R::v_mask_first(simd, m - i));
        // SAFETY: the rows read and written, `i ..< min(i + l, m)` (all lanes, or those of
        // the mask), exist in x, u and each column.
        unsafe {
            let xv = dot_load::<S, R>(simd, px.add(i), mask);
            let xs = if COMPLEX {
                R::v_swap_pairs(simd, xv)
            } else {
                xv
            };
            let mut uv = dot_load::<S, R>(simd, pu.add(i), mask);
            for (c, (&wc, (p, q))) in wv.iter().zip(acc.iter_mut()).enumerate() {
                let av = dot_load::<S, R>(simd, a.add(c * lda + i), mask);
                uv = axpy_step::<S, R, COMPLEX>(simd, uv, av, wc, false);
                *p = R::v_add(simd, *p, R::v_mul(simd, av, xv));
                if COMPLEX {
                    *q = R::v_add(simd, *q, R::v_mul(simd, av, xs));
                }
            }
            match mask {
                Some(mk) => R::v_store_masked(simd, mk, pu.add(i), uv),
                None => pu.add(i).cast::<R::V<S>>().write_unaligned(uv),
            }
        }
        i += l;
    }
    dot_sums::<S, R, C, COMPLEX>(simd, &acc, 0, conj, t);
}

/// The sums of [`DotXF`]'s accumulators (`acc`, rotated by `off` lanes; complex: `off` = 0)
/// into the first `C` elements of `s`: real, each column's lanes in order; complex, both sums
/// halves onto halves down to the even and odd lanes, then combined as `op` asks.
#[inline(always)]
fn dot_sums<S: Simd, R: KernelReal, const C: usize, const COMPLEX: bool>(
    simd: S,
    acc: &[Pair<S, R>; C],
    off: usize,
    conj: bool,
    s: &mut [R],
) {
    let zero = R::v_splat(simd, R::zero());
    if !COMPLEX {
        // In order: pairwise (as the complex sums) changed rounding enough to tip three
        // borderline eigenvalue tests of LAPACK's suite (docs/tuning.md).
        let mut sums = [zero; C];
        for (t, &(p, _)) in sums.iter_mut().zip(acc) {
            *t = p;
        }
        crate::simd::sum_lanes_in_order::<S, R, C>(simd, &sums, off, s);
        return;
    }
    let mut sums = [[zero; 2]; C];
    for (t, &(p, q)) in sums.iter_mut().zip(acc) {
        *t = [p, q];
    }
    let mut pairs = [[[R::zero(); 2]; 2]; C];
    crate::simd::fold_to_pairs::<S, R>(simd, sums.as_flattened(), pairs.as_flattened_mut());
    for (c, &[e, o]) in pairs.iter().enumerate() {
        // e: [sum ar xr, sum ai xi]; o: [sum ar xi, sum ai xr].
        let (re, im) = if conj {
            (e[0] + e[1], o[0] - o[1])
        } else {
            (e[0] - e[1], o[0] + o[1])
        };
        s[2 * c] = re;
        s[2 * c + 1] = im;
    }
}

/// A column's two accumulators in [`dot_cols`].
type Pair<S, R> = (<R as KernelReal>::V<S>, <R as KernelReal>::V<S>);

/// One vector of rows of [`dot_cols`]: `acc[c] += (column c from row i) * x` (complex: also
/// with x's pairs swapped), the lanes of `mask` only where one is given (the others add zero).
///
/// # Safety
/// The lanes read (all, or those of `mask`) exist at `x` and from row `i` of each column.
#[inline(always)]
unsafe fn dot_step<S: Simd, R: KernelReal, const C: usize, const COMPLEX: bool>(
    simd: S,
    acc: &mut [Pair<S, R>; C],
    a: impl Starts<R>,
    i: isize,
    x: *const R,
    mask: Option<R::M<S>>,
) {
    // SAFETY: by the contract.
    let xv = unsafe { dot_load::<S, R>(simd, x, mask) };
    let xs = if COMPLEX {
        R::v_swap_pairs(simd, xv)
    } else {
        xv
    };
    for (c, (p, q)) in acc.iter_mut().enumerate() {
        // SAFETY: by the contract.
        let av = unsafe { dot_load::<S, R>(simd, a.start(c).wrapping_offset(i), mask) };
        *p = R::v_add(simd, *p, R::v_mul(simd, av, xv));
        if COMPLEX {
            *q = R::v_add(simd, *q, R::v_mul(simd, av, xs));
        }
    }
}

/// A vector at `p`: the lanes of `mask` (zero in the others), or all of them with none.
///
/// # Safety
/// Those lanes are readable at `p`.
#[inline(always)]
unsafe fn dot_load<S: Simd, R: KernelReal>(simd: S, p: *const R, mask: Option<R::M<S>>) -> R::V<S> {
    match mask {
        // SAFETY: forwarded.
        Some(m) => unsafe { R::v_load_masked(simd, m, p) },
        // SAFETY: forwarded.
        None => unsafe { p.cast::<R::V<S>>().read_unaligned() },
    }
}

/// `a_c <- a_c + x t_c` for the columns `a_c` at the addresses `cols` (`x.len()` reals each;
/// complex with `COMPLEX`, as interleaved reals, `t` then holding the pairs `t_c`): each
/// element gets `x_i t_c` rounded as the reference's `ger` rounds it, then added, so the
/// result is bitwise the reference's. Several columns per pass over x. The complex form needs
/// two lanes a vector.
pub(crate) struct GerF<'a, R, const COMPLEX: bool> {
    pub cols: &'a [*mut R],
    pub t: &'a [R],
    pub x: &'a [R],
}

impl<R: KernelReal, const COMPLEX: bool> WithSimd for GerF<'_, R, COMPLEX> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        // Two multiplier registers a complex column.
        if COMPLEX {
            self.passes::<S, { GER_COLS / 2 }>(simd);
        } else {
            self.passes::<S, GER_COLS>(simd);
        }
    }
}

impl<R: KernelReal, const COMPLEX: bool> GerF<'_, R, COMPLEX> {
    /// Passes over x with `C` columns each, then the columns left one by one.
    #[inline(always)]
    fn passes<S: Simd, const C: usize>(self, simd: S) {
        let f = if COMPLEX { 2 } else { 1 };
        let (mut j, n) = (0, self.cols.len());
        // SAFETY: in every call, the columns `j ..< j + C` are writable for `x.len()` reals
        // and no other column overlaps them, by the contract.
        unsafe {
            while j + C <= n {
                let (cols, t) = (&self.cols[j..j + C], &self.t[j * f..]);
                ger_cols::<S, R, C, COMPLEX>(simd, cols, t, self.x);
                j += C;
            }
            while j < n {
                ger_cols::<S, R, 1, COMPLEX>(simd, &self.cols[j..=j], &self.t[j * f..], self.x);
                j += 1;
            }
        }
    }
}

/// Real columns per pass of [`GerF`] (complex: half as many), as [`AXPY_COLS`].
const GER_COLS: usize = 8;

/// [`GerF`] on the `C` columns of `cols` and the first `C` multipliers of `t`.
///
/// # Safety
/// Each column is writable for `x.len()` reals, and the columns do not overlap.
#[inline(always)]
unsafe fn ger_cols<S: Simd, R: KernelReal, const C: usize, const COMPLEX: bool>(
    simd: S,
    cols: &[*mut R],
    t: &[R],
    x: &[R],
) {
    let (m, l, px) = (x.len(), lanes::<S, R>(), x.as_ptr());
    let tv: [(R::V<S>, R::V<S>); C] =
        core::array::from_fn(|c| multiplier::<S, R, COMPLEX>(simd, t, c));
    let cols: [*mut R; C] = core::array::from_fn(|c| cols[c]);
    // A masked head up to the first vector boundary of the first column (of every column when
    // the column stride is a multiple of the vector), so the stores do not split cache lines.
    let head = head_to_boundary::<S, R>(cols[0], if COMPLEX { 2 } else { 1 }).min(m);
    // SAFETY: the first `head <= m` reals of x and of the columns exist.
    unsafe { ger_masked::<S, R, C, COMPLEX>(simd, &cols, &tv, px, 0, head) };
    let mut i = head;
    while i + l <= m {
        // SAFETY: reals `i ..< i + l` of x and of the columns exist.
        unsafe {
            let xv = px.add(i).cast::<R::V<S>>().read_unaligned();
            // Every load before any store: columns a multiple of 4 KiB apart would otherwise
            // have each load wait on the store before it (4K aliasing).
            let av: [R::V<S>; C] =
                core::array::from_fn(|c| cols[c].add(i).cast::<R::V<S>>().read_unaligned());
            for ((&p, &t), &a) in cols.iter().zip(&tv).zip(&av) {
                let v = axpy_step::<S, R, COMPLEX>(simd, a, xv, t, false);
                p.add(i).cast::<R::V<S>>().write_unaligned(v);
            }
        }
        i += l;
    }
    // SAFETY: the reals `i ..< m` of x and of the columns exist.
    unsafe { ger_masked::<S, R, C, COMPLEX>(simd, &cols, &tv, px, i, m - i) };
}

/// [`ger_cols`] on the `len < lanes` reals from `i` (nothing for `len = 0`).
///
/// # Safety
/// Reals `i ..< i + len` of x (at `px`) and of the columns exist.
#[inline(always)]
unsafe fn ger_masked<S: Simd, R: KernelReal, const C: usize, const COMPLEX: bool>(
    simd: S,
    cols: &[*mut R; C],
    tv: &[Multiplier<S, R>; C],
    px: *const R,
    i: usize,
    len: usize,
) {
    if len == 0 {
        return;
    }
    let mask = R::v_mask_first(simd, len);
    // SAFETY: forwarded.
    unsafe {
        let xv = R::v_load_masked(simd, mask, px.add(i));
        for (&p, &t) in cols.iter().zip(tv) {
            let av = R::v_load_masked(simd, mask, p.add(i));
            let av = axpy_step::<S, R, COMPLEX>(simd, av, xv, t, false);
            R::v_store_masked(simd, mask, p.add(i), av);
        }
    }
}

/// The one-column forms of the fused kernels, for the band and packed routines, whose
/// columns are contiguous but of many lengths and addresses. The slices are contiguous
/// elements of `T`.
pub(crate) trait ColumnOps: Copy {
    /// `u <- u + a w`, each product rounded as the reference's axpy rounds it.
    #[inline(always)]
    fn axpy<T: GemmScalar>(self, a: &[T], w: T, u: &mut [T]) {
        self.axpy_n([a], [w], u);
    }
    /// `u <- u + sum_c a_c w_c`: each element gets the columns' products in order, as that
    /// many `axpy`s give it.
    fn axpy_n<T: GemmScalar, const C: usize>(self, cols: [&[T]; C], w: [T; C], u: &mut [T]);
    /// `sum_i op(a_i) x_i`, `op` the conjugate with `conj`.
    #[inline(always)]
    fn dot<T: GemmScalar>(self, a: &[T], x: &[T], conj: bool) -> T {
        self.dot_n([a], x, conj)[0]
    }
    /// [`ColumnOps::dot`] of each column.
    fn dot_n<T: GemmScalar, const C: usize>(self, cols: [&[T]; C], x: &[T], conj: bool) -> [T; C];
    /// Both at once: `u <- u + a w`, and the return `sum_i op(a_i) x_i`.
    fn dot_axpy<T: GemmScalar>(self, a: &[T], x: &[T], w: T, u: &mut [T], conj: bool) -> T;
}

/// [`ColumnOps`] on the fused kernels with one column, under one ISA token: a [`Sweep`] runs
/// every column with no dispatch, thread check or allocation a column. Complex needs two
/// lanes a vector.
#[derive(Clone, Copy)]
pub(crate) struct Cols<S> {
    simd: S,
}

impl<S: Simd> ColumnOps for Cols<S> {
    /// As [`AxpyF`] rounds. Short real columns (under 8 vectors) go by whole vectors from
    /// their first element and a scalar tail, with no masked access: the next column of a
    /// solve reads what this one wrote at once, and waits longer on masked stores (dtbsv
    /// with 33-element columns: 16.9 -> 19.9 GB/s; long columns lost by it, 61 -> 46).
    #[inline(always)]
    fn axpy_n<T: GemmScalar, const C: usize>(self, cols: [&[T]; C], w: [T; C], u: &mut [T]) {
        let rows = u.len();
        assert!(cols.iter().all(|a| a.len() == rows));
        let (w, u, simd) = (reals(&w), reals_mut(u), self.simd);
        let (rows, pu) = (u.len(), u.as_mut_ptr());
        let starts: [*const T::Real; C] = cols.map(|a| reals(a).as_ptr());
        let l = lanes::<S, T::Real>();
        if !T::IS_COMPLEX && rows < 8 * l {
            let mut wv = [T::Real::v_splat(simd, w[0]); C];
            for (v, &w) in wv.iter_mut().zip(w) {
                *v = T::Real::v_splat(simd, w);
            }
            let mut i = 0;
            while i + l <= rows {
                // SAFETY: reals i ..< i + l exist in `u` and in each column.
                unsafe {
                    let p = pu.add(i).cast::<<T::Real as KernelReal>::V<S>>();
                    let mut uv = p.read_unaligned();
                    for (&a, &wc) in starts.iter().zip(&wv) {
                        let av = a.add(i).cast::<<T::Real as KernelReal>::V<S>>();
                        uv =
                            T::Real::v_add(simd, uv, T::Real::v_mul(simd, av.read_unaligned(), wc));
                    }
                    p.write_unaligned(uv);
                }
                i += l;
            }
            for (i, u) in u.iter_mut().enumerate().skip(i) {
                for (&a, &wc) in starts.iter().zip(w) {
                    // SAFETY: real i exists in each column.
                    *u += unsafe { *a.add(i) } * wc;
                }
            }
            return;
        }
        // SAFETY: `rows` reals are readable at each column's start and writable at `u`.
        unsafe {
            if T::IS_COMPLEX {
                axpy_cols::<S, T::Real, C, true>(simd, starts, w, false, pu, rows)
            } else {
                axpy_cols::<S, T::Real, C, false>(simd, starts, w, false, pu, rows)
            }
        }
    }

    /// Summed as [`DotXF`] sums.
    #[inline(always)]
    fn dot_n<T: GemmScalar, const C: usize>(self, cols: [&[T]; C], x: &[T], conj: bool) -> [T; C] {
        assert!(cols.iter().all(|a| a.len() == x.len()));
        let mut t = [T::zero(); C];
        let starts: [*const T::Real; C] = cols.map(|a| reals(a).as_ptr());
        let (x, s) = (reals(x), reals_mut(&mut t));
        // SAFETY: `x.len()` reals are readable at each column's start.
        unsafe {
            if T::IS_COMPLEX {
                dot_cols::<S, T::Real, C, true>(self.simd, starts, x, conj, s)
            } else {
                dot_cols::<S, T::Real, C, false>(self.simd, starts, x, conj, s)
            }
        }
        t
    }

    /// As [`DotAxpyF`].
    #[inline(always)]
    fn dot_axpy<T: GemmScalar>(self, a: &[T], x: &[T], w: T, u: &mut [T], conj: bool) -> T {
        assert!(a.len() == x.len() && a.len() == u.len());
        let (w, mut t) = ([w], [T::zero()]);
        let (pa, x, w, u) = (a.as_ptr().cast(), reals(x), reals(&w), reals_mut(u));
        let s = reals_mut(&mut t);
        // SAFETY: `x.len()` reals are readable at `a`.
        unsafe {
            if T::IS_COMPLEX {
                dot_axpy_cols::<S, T::Real, 1, true>(self.simd, pa, 0, x, w, u, s, conj)
            } else {
                dot_axpy_cols::<S, T::Real, 1, false>(self.simd, pa, 0, x, w, u, s, conj)
            }
        }
        t[0]
    }
}

/// [`ColumnOps`] as plain loops, for complex under the portable ISA (one lane a vector).
#[derive(Clone, Copy)]
pub(crate) struct PlainCols;

impl ColumnOps for PlainCols {
    fn axpy_n<T: GemmScalar, const C: usize>(self, cols: [&[T]; C], w: [T; C], u: &mut [T]) {
        for (i, u) in u.iter_mut().enumerate() {
            for (a, &w) in cols.iter().zip(&w) {
                *u += a[i] * w;
            }
        }
    }

    fn dot_n<T: GemmScalar, const C: usize>(self, cols: [&[T]; C], x: &[T], conj: bool) -> [T; C] {
        let op = |v: T| if conj { v.conj() } else { v };
        cols.map(|a| a.iter().zip(x).fold(T::zero(), |s, (&a, &x)| s + op(a) * x))
    }

    fn dot_axpy<T: GemmScalar>(self, a: &[T], x: &[T], w: T, u: &mut [T], conj: bool) -> T {
        self.axpy(a, w, u);
        self.dot(a, x, conj)
    }
}

/// A loop over columns on [`ColumnOps`], run by [`sweep`] under one ISA token.
pub(crate) trait Sweep {
    type Output;
    /// Must be `#[inline(always)]`, so that the kernels inline into the token's function.
    fn run<O: ColumnOps>(self, ops: O) -> Self::Output;
}

/// Runs `w` on the fused kernels under the selected ISA, or on [`PlainCols`] for complex
/// where that ISA has one lane a vector.
pub(crate) fn sweep<T: GemmScalar, W: Sweep>(w: W) -> W::Output {
    if T::IS_COMPLEX && crate::selected_isa() == crate::Isa::Scalar {
        w.run(PlainCols)
    } else {
        crate::registry::vectorize(Swept(w))
    }
}

/// A [`Sweep`] as pulp's `WithSimd`.
struct Swept<W>(W);

impl<W: Sweep> WithSimd for Swept<W> {
    type Output = W::Output;

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> W::Output {
        self.0.run(Cols { simd })
    }
}
