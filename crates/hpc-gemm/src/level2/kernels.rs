//! The fused kernels of Level 2 (BLIS's level-1f: `axpyf`, `dotxf`) on real column-major
//! matrices with unit row stride: several columns per pass over the vector they share.
//!
//! Contract: `a` points to element (0, 0) of an `m x n` matrix whose column `j` starts at
//! `a + j * lda`, every element readable; the vectors are contiguous slices of the lengths
//! given below.

use pulp::{Simd, WithSimd};

use crate::level1::kernels::{add_lanes, alternate, cmul};
use crate::simd::{KernelReal, lanes};

/// Columns per pass.
const COLS: usize = 4;

/// Rows per block of `AxpyF`: the block of `s` (16 KiB of f64) stays in L1 while every column
/// passes over it.
const ROW_BLOCK: usize = 2048;

/// `s <- s + A x` (`s` of length m, `x` of length n), column by column in order, each
/// product rounded then added as the reference's loop does (no fused multiply-add): for
/// every row the same sum, in the same order, as `sum_j a_ij x_j` from zero, so that `s`
/// started at zero is bitwise the reference's sum.
pub(crate) struct AxpyF<'a, R> {
    pub a: *const R,
    pub lda: usize,
    pub x: &'a [R],
    pub s: &'a mut [R],
}

impl<R: KernelReal> WithSimd for AxpyF<'_, R> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let (m, n, lda) = (self.s.len(), self.x.len(), self.lda);
        let l = lanes::<S, R>();
        let ps = self.s.as_mut_ptr();
        let mut r0 = 0;
        while r0 < m {
            let rows = (m - r0).min(ROW_BLOCK);
            let mut j = 0;
            while j < n {
                let cols = (n - j).min(COLS);
                let mut xv = [R::v_splat(simd, R::zero()); COLS];
                for (c, v) in xv.iter_mut().enumerate().take(cols) {
                    *v = R::v_splat(simd, self.x[j + c]);
                }
                // SAFETY: column `j + c` (c < cols) starts inside A, by the contract.
                let col = |c: usize| unsafe { self.a.add((j + c) * lda + r0) };
                let mut i = 0;
                // Whole vectors, then the masked tail (the same arithmetic).
                while i + l <= rows {
                    // SAFETY: rows `r0 + i ..< r0 + i + l` of `s` and of the columns exist.
                    unsafe {
                        let p = ps.add(r0 + i);
                        let mut acc = p.cast::<R::V<S>>().read_unaligned();
                        for (c, &x) in xv.iter().enumerate().take(cols) {
                            let av = col(c).add(i).cast::<R::V<S>>().read_unaligned();
                            acc = R::v_add(simd, acc, R::v_mul(simd, av, x));
                        }
                        p.cast::<R::V<S>>().write_unaligned(acc);
                    }
                    i += l;
                }
                if i < rows {
                    let mask = R::v_mask_first(simd, rows - i);
                    // SAFETY: rows `r0 + i ..< r0 + rows` of `s` and of the columns exist.
                    unsafe {
                        let p = ps.add(r0 + i);
                        let mut acc = R::v_load_masked(simd, mask, p);
                        for (c, &x) in xv.iter().enumerate().take(cols) {
                            let av = R::v_load_masked(simd, mask, col(c).add(i));
                            acc = R::v_add(simd, acc, R::v_mul(simd, av, x));
                        }
                        R::v_store_masked(simd, mask, p, acc);
                    }
                }
                j += cols;
            }
            r0 += rows;
        }
    }
}

/// `s_j <- sum_i a_ij x_i` for every column `j` (`x` of length m, `s` of length n): several
/// columns per pass over x, each with its own vector accumulator, the lanes added in order;
/// each product rounded, then added (as Level 1's `Dot`).
pub(crate) struct DotXF<'a, R> {
    pub a: *const R,
    pub lda: usize,
    pub x: &'a [R],
    pub s: &'a mut [R],
}

impl<R: KernelReal> WithSimd for DotXF<'_, R> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let (m, n, lda) = (self.x.len(), self.s.len(), self.lda);
        let l = lanes::<S, R>();
        let px = self.x.as_ptr();
        let mut j = 0;
        while j < n {
            let cols = (n - j).min(COLS);
            // SAFETY: as in `AxpyF`.
            let col = |c: usize| unsafe { self.a.add((j + c) * lda) };
            let mut acc = [R::v_splat(simd, R::zero()); COLS];
            let mut i = 0;
            while i + l <= m {
                // SAFETY: rows `i ..< i + l` of x and of the columns exist.
                unsafe {
                    let xv = px.add(i).cast::<R::V<S>>().read_unaligned();
                    for (c, a) in acc.iter_mut().enumerate().take(cols) {
                        let av = col(c).add(i).cast::<R::V<S>>().read_unaligned();
                        *a = R::v_add(simd, *a, R::v_mul(simd, av, xv));
                    }
                }
                i += l;
            }
            if i < m {
                let mask = R::v_mask_first(simd, m - i);
                // SAFETY: the first `m - i` rows from `i` exist.
                unsafe {
                    let xv = R::v_load_masked(simd, mask, px.add(i));
                    for (c, a) in acc.iter_mut().enumerate().take(cols) {
                        let av = R::v_load_masked(simd, mask, col(c).add(i));
                        *a = R::v_add(simd, *a, R::v_mul(simd, av, xv));
                    }
                }
            }
            for (c, a) in acc.iter().enumerate().take(cols) {
                let lanes: &[R] = bytemuck::cast_slice(core::slice::from_ref(a));
                self.s[j + c] = lanes.iter().fold(R::zero(), |t, &v| t + v);
            }
            j += cols;
        }
    }
}

/// [`AxpyF`] for a complex matrix and vectors (interleaved reals; `s` and the rows of A `2m`
/// reals, `x` `2n`): `s <- s + op(A) x` with `op` the identity or, with `conj`, the
/// conjugate, each product `a_ij x_j` rounded as the reference's complex product and added in
/// column order, so the result is bitwise the reference's. Needs two lanes a vector.
pub(crate) struct AxpyFC<'a, R> {
    pub a: *const R,
    /// The column stride, in reals.
    pub lda: usize,
    pub x: &'a [R],
    pub s: &'a mut [R],
    pub conj: bool,
}

impl<R: KernelReal> WithSimd for AxpyFC<'_, R> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let (m, n, lda) = (self.s.len(), self.x.len() / 2, self.lda);
        let l = lanes::<S, R>();
        let ps = self.s.as_mut_ptr();
        let zero = R::v_splat(simd, R::zero());
        let mut r0 = 0;
        while r0 < m {
            let rows = (m - r0).min(2 * ROW_BLOCK);
            let mut j = 0;
            while j < n {
                let cols = (n - j).min(COLS);
                let mut xv = [(zero, zero); COLS];
                for (c, v) in xv.iter_mut().enumerate().take(cols) {
                    let (xr, xi) = (self.x[2 * (j + c)], self.x[2 * (j + c) + 1]);
                    *v = (R::v_splat(simd, xr), alternate::<S, R>(-xi, xi));
                }
                // SAFETY: column `j + c` (c < cols) starts inside A, by the contract.
                let col = |c: usize| unsafe { self.a.add((j + c) * lda + r0) };
                let mut i = 0;
                // Whole vectors, then the masked tail (the same arithmetic).
                while i + l <= rows {
                    // SAFETY: reals `r0 + i ..< r0 + i + l` of `s` and of the columns exist.
                    unsafe {
                        let p = ps.add(r0 + i);
                        let mut acc = p.cast::<R::V<S>>().read_unaligned();
                        for (c, &(x1, x2)) in xv.iter().enumerate().take(cols) {
                            let mut av = col(c).add(i).cast::<R::V<S>>().read_unaligned();
                            if self.conj {
                                av = R::v_conj_pairs(simd, av);
                            }
                            acc = R::v_add(simd, acc, cmul::<S, R>(simd, x1, x2, av));
                        }
                        p.cast::<R::V<S>>().write_unaligned(acc);
                    }
                    i += l;
                }
                if i < rows {
                    let mask = R::v_mask_first(simd, rows - i);
                    // SAFETY: reals `r0 + i ..< r0 + rows` of `s` and of the columns exist.
                    unsafe {
                        let p = ps.add(r0 + i);
                        let mut acc = R::v_load_masked(simd, mask, p);
                        for (c, &(x1, x2)) in xv.iter().enumerate().take(cols) {
                            let mut av = R::v_load_masked(simd, mask, col(c).add(i));
                            if self.conj {
                                av = R::v_conj_pairs(simd, av);
                            }
                            acc = R::v_add(simd, acc, cmul::<S, R>(simd, x1, x2, av));
                        }
                        R::v_store_masked(simd, mask, p, acc);
                    }
                }
                j += cols;
            }
            r0 += rows;
        }
    }
}

/// [`DotXF`] for a complex matrix and vectors (interleaved reals; the columns and `x` `2m`
/// reals, `s` `2n`): `s_j <- sum_i op(a_ij) x_i`, `op` the identity or, with `conj`, the
/// conjugate, from sums split by lane parity as Level 1's `Dot` does. Needs two lanes a
/// vector.
pub(crate) struct DotXFC<'a, R> {
    pub a: *const R,
    /// The column stride, in reals.
    pub lda: usize,
    pub x: &'a [R],
    pub s: &'a mut [R],
    pub conj: bool,
}

impl<R: KernelReal> WithSimd for DotXFC<'_, R> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let (m, n, lda) = (self.x.len(), self.s.len() / 2, self.lda);
        let l = lanes::<S, R>();
        let px = self.x.as_ptr();
        let zero = R::v_splat(simd, R::zero());
        let mut j = 0;
        while j < n {
            let cols = (n - j).min(COLS);
            // SAFETY: as in `AxpyF`.
            let col = |c: usize| unsafe { self.a.add((j + c) * lda) };
            let mut acc = [(zero, zero); COLS];
            let mut i = 0;
            while i < m {
                let len = (m - i).min(l);
                let mask = R::v_mask_first(simd, len);
                // SAFETY: reals `i ..< i + len` of x and of the columns exist.
                unsafe {
                    let xv = R::v_load_masked(simd, mask, px.add(i));
                    let xs = R::v_swap_pairs(simd, xv);
                    for (c, (p, q)) in acc.iter_mut().enumerate().take(cols) {
                        let av = R::v_load_masked(simd, mask, col(c).add(i));
                        *p = R::v_add(simd, *p, R::v_mul(simd, av, xv));
                        *q = R::v_add(simd, *q, R::v_mul(simd, av, xs));
                    }
                }
                i += len;
            }
            for (c, &(p, q)) in acc.iter().enumerate().take(cols) {
                let (mut e, mut o) = ([R::zero(); 2], [R::zero(); 2]);
                add_lanes::<S, R>(p, &mut e);
                add_lanes::<S, R>(q, &mut o);
                // e: [sum ar xr, sum ai xi]; o: [sum ar xi, sum ai xr].
                let (re, im) = if self.conj {
                    (e[0] + e[1], o[0] - o[1])
                } else {
                    (e[0] - e[1], o[0] + o[1])
                };
                self.s[2 * (j + c)] = re;
                self.s[2 * (j + c) + 1] = im;
            }
            j += cols;
        }
    }
}
