//! Packing: copies a block of op(A) or op(B) into the contiguous micro-panels the kernels read.
//!
//! Packing is where every layout question is settled once: transposes and conjugation (the
//! caller passes op(A) as a strided view plus a `conj` flag), row- or column-major storage,
//! negative strides, and the zero padding of the last micro-panel. The kernels then see only
//! the two formats of their contract:
//!
//! - A: `MR x k` micro-panels, column by column (`a_p[p * MR + i]`);
//! - B: `k x NR` micro-panels, row by row (`b_p[p * NR + j]`).
//!
//! # Complex types: the 1m method
//! A complex product runs on the real kernels (Van Zee and Smith, "Implementing high-performance
//! complex matrix multiplication via the 1m method", 2017). Each complex `a(i, p)` becomes the
//! real 2 x 2 block `[[re, -im], [im, re]]` of a real A of twice the rows and twice the depth;
//! each `b(p, j)` becomes the real column `[re; im]`. Then real `C' = A' * B'` holds
//! `[re(c); im(c)]` in rows `2i, 2i + 1`: one real GEMM with 4x the flops of the real problem of
//! the same size, which is the complex flop count. An A micro-panel of `MR` real rows covers
//! `MR / 2` complex rows; k complex steps are `2k` real steps. α and β are applied in complex
//! arithmetic when the tile is merged into C (`loops.rs`).
//!
//! Not done: a native complex product on the same real kernel (A~ a plain copy of the complex
//! columns, B~ rows of `NR / 2` complex elements, each pair of accumulator columns merged as
//! `u + i v` after the k loop). It packs half as much of A and updates C half as often, so it
//! would run like a real GEMM of shape `(2m, 2n, k)` where 1m runs like `(2m, n, 2k)`. That
//! bounds its gain: f64 2048 x 2048 x 1024 against 2048 x 1024 x 2048, one thread, paired
//! median of 5 alternated runs of `examples/gemm_time`: 1.02 (Xeon build machine), before the
//! cost of the merge, which would need its own kernel epilogue.

use crate::raw::RawMat;
use crate::registry::GemmScalar;
use crate::simd::{KernelReal, factor, lanes, prefetch};
use hpc_core::Scalar;
use num_traits::Zero;

/// Packed length (in real elements) of an `m x k` block of op(A) for a kernel with `mr` real
/// rows: whole micro-panels, the last zero-padded.
pub(crate) fn packed_a_len<T: Scalar>(m: usize, k: usize, mr: usize) -> usize {
    let f = factor::<T>();
    (f * m).div_ceil(mr) * mr * f * k
}

/// Packed length (in real elements) of a `k x n` block of op(B) for a kernel with `nr` columns.
pub(crate) fn packed_b_len<T: Scalar>(k: usize, n: usize, nr: usize) -> usize {
    n.div_ceil(nr) * nr * factor::<T>() * k
}

/// One step `p` of a 1m A micro-panel (`dst`, two real columns of `MR`) from the complex
/// elements `src` (`a(i, p)` for the panel's rows): `[re, im]` over `[-im, re]` per element,
/// `im` negated if `conj`. Rows past `src.len()` are left alone.
#[inline(always)]
fn pack_1m_step<T: Scalar>(src: &[T], conj: bool, dst: &mut [T::Real]) {
    let rows = src.len();
    let (c0, c1) = dst.split_at_mut(dst.len() / 2);
    let pairs = c0[..2 * rows]
        .chunks_exact_mut(2)
        .zip(c1[..2 * rows].chunks_exact_mut(2))
        .zip(src);
    for ((d0, d1), x) in pairs {
        let (re, im) = (x.re(), if conj { -x.im() } else { x.im() });
        d0[0] = re;
        d0[1] = im;
        d1[0] = -im;
        d1[1] = re;
    }
}

/// Packs the `rows x k` block `a` (rows <= `mr / factor`) into one A micro-panel `dst` of
/// `mr * factor * k` reals, conjugating if `conj`; rows beyond `rows` are zero.
///
/// # Safety
/// Every element of `a` is readable.
#[inline]
pub(crate) unsafe fn pack_a_panel<T: GemmScalar>(
    a: RawMat<T>,
    conj: bool,
    mr: usize,
    dst: &mut [T::Real],
) {
    let (rows, k) = (a.rows, a.cols);
    let zero = T::Real::zero();
    if !T::IS_COMPLEX {
        debug_assert!(rows <= mr && dst.len() == mr * k);
        if rows < mr {
            dst.fill(zero);
        }
        if a.rs == 1 {
            for (p, col) in dst.chunks_exact_mut(mr).enumerate() {
                // SAFETY: rows 0..rows of column p are readable and contiguous (rs == 1).
                let src = unsafe { core::slice::from_raw_parts(a.at(0, p), rows) };
                copy_re(&mut col[..rows], src);
            }
        } else if a.cs == 1 {
            // Row-major A (or a transposed column-major one): each row is contiguous.
            for i in 0..rows {
                // SAFETY: columns 0..k of row i are readable and contiguous (cs == 1).
                let src = unsafe { core::slice::from_raw_parts(a.at(i, 0), k) };
                for (col, s) in dst.chunks_exact_mut(mr).zip(src) {
                    col[i] = s.re();
                }
            }
        } else {
            for i in 0..rows {
                for p in 0..k {
                    // SAFETY: (i, p) is inside `a`.
                    dst[p * mr + i] = unsafe { a.get(i, p) }.re();
                }
            }
        }
    } else {
        let half = mr / 2;
        debug_assert!(rows <= half && dst.len() == mr * 2 * k);
        if rows < half {
            dst.fill(zero);
        }
        if a.rs == 1 {
            for p in 0..k {
                // SAFETY: rows 0..rows of column p are readable and contiguous (rs == 1).
                let src = unsafe { core::slice::from_raw_parts(a.at(0, p), rows) };
                pack_1m_step(src, conj, &mut dst[2 * p * mr..(2 * p + 2) * mr]);
            }
            return;
        }
        for p in 0..k {
            let (c0, c1) = dst[2 * p * mr..(2 * p + 2) * mr].split_at_mut(mr);
            for i in 0..rows {
                // SAFETY: (i, p) is inside `a`.
                let x = unsafe { a.get(i, p) };
                let (re, im) = (x.re(), if conj { -x.im() } else { x.im() });
                c0[2 * i] = re;
                c0[2 * i + 1] = im;
                c1[2 * i] = -im;
                c1[2 * i + 1] = re;
            }
        }
    }
}

/// Packs the `k x cols` block `b` (cols <= `nr`) into one B micro-panel `dst` of
/// `factor * k * nr` reals, conjugating if `conj`; columns beyond `cols` are zero.
///
/// # Safety
/// Every element of `b` is readable.
#[inline]
pub(crate) unsafe fn pack_b_panel<T: GemmScalar>(
    b: RawMat<T>,
    conj: bool,
    nr: usize,
    dst: &mut [T::Real],
) {
    let (k, cols) = (b.rows, b.cols);
    let f = factor::<T>();
    debug_assert!(cols <= nr && dst.len() == f * k * nr);
    if cols < nr {
        dst.fill(T::Real::zero());
    }
    if !T::IS_COMPLEX {
        if b.cs == 1 {
            for (p, row) in dst.chunks_exact_mut(nr).enumerate() {
                // SAFETY: columns 0..cols of row p are readable and contiguous (cs == 1).
                let src = unsafe { core::slice::from_raw_parts(b.at(p, 0), cols) };
                copy_re(&mut row[..cols], src);
            }
        } else if b.rs == 1 {
            // Column-major B: each column is contiguous. The columns are read in lockstep, a
            // few rows of each at a time, so that the memory system fetches all `cols` streams
            // at once (one column after the other leaves one miss in flight): a cache line of
            // each column per step. The share of `pack_b` in an f32 n = 1024 product fell from
            // about 10% to about 4% (perf).
            let rows_per_line = (64 / size_of::<T>()).max(1);
            for p0 in (0..k).step_by(rows_per_line) {
                let rows = rows_per_line.min(k - p0);
                let block = &mut dst[p0 * nr..(p0 + rows) * nr];
                for j in 0..cols {
                    // SAFETY: rows p0..p0 + rows of column j are readable and contiguous.
                    let src = unsafe { core::slice::from_raw_parts(b.at(p0, j), rows) };
                    for (row, s) in block.chunks_exact_mut(nr).zip(src) {
                        row[j] = s.re();
                    }
                }
            }
        } else {
            for j in 0..cols {
                for p in 0..k {
                    // SAFETY: (p, j) is inside `b`.
                    dst[p * nr + j] = unsafe { b.get(p, j) }.re();
                }
            }
        }
    } else {
        // The columns in lockstep, a cache line of each at a time (see the real case).
        let rows_per_line = (64 / size_of::<T>()).max(1);
        for p0 in (0..k).step_by(rows_per_line) {
            for j in 0..cols {
                for p in p0..(p0 + rows_per_line).min(k) {
                    // SAFETY: (p, j) is inside `b`.
                    let x = unsafe { b.get(p, j) };
                    dst[2 * p * nr + j] = x.re();
                    dst[(2 * p + 1) * nr + j] = if conj { -x.im() } else { x.im() };
                }
            }
        }
    }
}

/// Packs the `m x k` block `a` into `ceil(m / (mr / factor))` consecutive A micro-panels.
///
/// A block that lives in memory (rather than cache) costs its DRAM latency here, so the reads
/// are ordered and prefetched for the memory system: a column-major block is read column
/// by column (each column one sequential stream, dealt out to the panels), with the columns
/// [`PREFETCH_AHEAD`] ahead requested early; any other layout prefetches the next panel's
/// block while it packs the current one.
///
/// # Safety
/// Every element of `a` is readable; `dst.len() == packed_a_len::<T>(m, k, mr)`.
pub(crate) unsafe fn pack_a<T: GemmScalar>(
    a: RawMat<T>,
    conj: bool,
    mr: usize,
    dst: &mut [T::Real],
) {
    let rows_per = mr / factor::<T>();
    let panel = mr * factor::<T>() * a.cols;
    if a.rs == 1 && a.rows > 1 && a.cols > 0 {
        let last = (a.rows - 1) / rows_per;
        if a.rows % rows_per != 0 {
            dst[last * panel..].fill(T::Real::zero());
        }
        crate::registry::vectorize(PackCols { a, conj, mr, dst });
        return;
    }
    for (ip, chunk) in dst.chunks_exact_mut(panel.max(1)).enumerate() {
        let i0 = ip * rows_per;
        if i0 >= a.rows {
            break;
        }
        let rows = rows_per.min(a.rows - i0);
        if i0 + rows < a.rows {
            prefetch_block(a.sub(i0 + rows, 0, rows_per.min(a.rows - i0 - rows), a.cols));
        }
        // SAFETY: the sub-block lies inside `a`.
        unsafe { pack_a_panel(a.sub(i0, 0, rows, a.cols), conj, mr, chunk) };
    }
}

/// The column-by-column packing of an A with unit row stride ([`pack_a`]), vectorised on the
/// selected ISA: each column is dealt out to the micro-panels in runs of `mr / factor`
/// rows, and each full run is loaded as vectors and stored.
/// - Real: as it is. Left to the compiler, the copy of each run (256 bytes for the wide
///   block's 32 f64 rows) was a call to `memmove`: 2.4% of f64 n = 256, one thread (perf).
/// - Complex (1m): each run is `mr` reals, stored twice, as they are (`[re, im]`, with `im`
///   negated under `conj`) and with re and im swapped and one of them negated (`[-im, re]`),
///   which is what [`pack_1m_step`] does one element at a time, bit for bit (copies, swaps and
///   sign flips). The element loop compiled for the baseline ISA was 8% of c64 n = 256 (one
///   thread, perf).
///
/// A short last run, and complex vectors of one lane, are copied element by element.
struct PackCols<'a, T: GemmScalar> {
    a: RawMat<T>,
    conj: bool,
    mr: usize,
    dst: &'a mut [T::Real],
}

impl<T: GemmScalar> pulp::WithSimd for PackCols<'_, T> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) {
        type V<S, T> = <<T as Scalar>::Real as KernelReal>::V<S>;
        let Self { a, conj, mr, dst } = self;
        let f = factor::<T>();
        let rows_per = mr / f;
        let panel = f * mr * a.cols;
        let l = lanes::<S, T::Real>();
        // Vectors (of at least one complex number) that tile a run exactly; else element-wise.
        let whole = l >= f && mr % l == 0;
        let vectors = if whole { mr / l } else { 0 };
        for p in 0..a.cols {
            if p + PREFETCH_AHEAD < a.cols {
                prefetch_contiguous(a.at(0, p + PREFETCH_AHEAD), a.rows);
            }
            // SAFETY: rows 0..m of column p are readable and contiguous (rs == 1).
            let src = unsafe { core::slice::from_raw_parts(a.at(0, p), a.rows) };
            for (ip, s) in src.chunks(rows_per).enumerate() {
                let d = &mut dst[ip * panel + f * p * mr..][..f * mr];
                if vectors == 0 || s.len() < rows_per {
                    if T::IS_COMPLEX {
                        pack_1m_step(s, conj, d);
                    } else {
                        copy_re(&mut d[..s.len()], s);
                    }
                    continue;
                }
                let (src, d) = (s.as_ptr() as *const T::Real, d.as_mut_ptr());
                for v in 0..vectors {
                    // SAFETY: `s` holds `rows_per` elements of T, `mr` reals (the complex
                    // types are `repr(C)` pairs, re and im); `d` holds `f * mr` reals.
                    unsafe {
                        let x: V<S, T> = core::ptr::read_unaligned(src.add(v * l) as *const _);
                        if !T::IS_COMPLEX {
                            core::ptr::write_unaligned(d.add(v * l) as *mut V<S, T>, x);
                            continue;
                        }
                        // [re, im] -> [re, -im] -> [-im, re]; conjugated, [re, -im] and [im, re].
                        let x_conj = T::Real::v_conj_pairs(simd, x);
                        let (d0, d1) = if conj {
                            (x_conj, T::Real::v_swap_pairs(simd, x))
                        } else {
                            (x, T::Real::v_swap_pairs(simd, x_conj))
                        };
                        core::ptr::write_unaligned(d.add(v * l) as *mut V<S, T>, d0);
                        core::ptr::write_unaligned(d.add(mr + v * l) as *mut V<S, T>, d1);
                    }
                }
            }
        }
    }
}

/// Packs the `k x n` block `b` into `ceil(n / nr)` consecutive B micro-panels, prefetching
/// the next micro-panel's block while it packs the current one.
///
/// # Safety
/// Every element of `b` is readable; `dst.len() == packed_b_len::<T>(k, n, nr)`.
pub(crate) unsafe fn pack_b<T: GemmScalar>(
    b: RawMat<T>,
    conj: bool,
    nr: usize,
    dst: &mut [T::Real],
) {
    let panel = nr * factor::<T>() * b.rows;
    for (jp, chunk) in dst.chunks_exact_mut(panel.max(1)).enumerate() {
        let j0 = jp * nr;
        if j0 >= b.cols {
            break;
        }
        let cols = nr.min(b.cols - j0);
        if j0 + cols < b.cols {
            prefetch_block(b.sub(0, j0 + cols, b.rows, nr.min(b.cols - j0 - cols)));
        }
        // SAFETY: the sub-block lies inside `b`.
        unsafe { pack_b_panel(b.sub(0, j0, b.rows, cols), conj, nr, chunk) };
    }
}

/// The length in reals of a `k x n` block of a real op(B) packed in column form
/// ([`pack_b_cols`]): one slot of `nr * ld` per micro-panel.
pub(crate) fn packed_b_cols_len(n: usize, nr: usize, ld: usize) -> usize {
    n.div_ceil(nr) * nr * ld
}

/// Packs the `k x n` block `b` of a real op(B) with contiguous columns (`rs == 1`) for the
/// column-form kernel (contract point 12): each full micro-panel as a copy of its `nr` columns,
/// column stride `ld` (no transposition: a plain copy per column, prefetching the next
/// micro-panel's columns meanwhile); a last micro-panel of fewer than `nr` columns packed as
/// point 5 says, at the start of its slot. Slot `j` is `dst[j * nr * ld..][..nr * ld]`.
///
/// # Safety
/// Every element of `b` is readable; `T` is real; `b.rs == 1`, `k <= ld`;
/// `dst.len() == packed_b_cols_len(n, nr, ld)`.
pub(crate) unsafe fn pack_b_cols<T: GemmScalar>(
    b: RawMat<T>,
    nr: usize,
    ld: usize,
    dst: &mut [T::Real],
) {
    let (k, n) = (b.rows, b.cols);
    debug_assert!(!T::IS_COMPLEX && b.rs == 1 && k <= ld);
    for (jp, slot) in dst.chunks_exact_mut(nr * ld).enumerate() {
        let j0 = jp * nr;
        let cols = nr.min(n - j0);
        if cols < nr {
            // SAFETY: the sub-block lies inside `b`.
            unsafe { pack_b_panel(b.sub(0, j0, k, cols), false, nr, &mut slot[..nr * k]) };
            break;
        }
        if j0 + nr < n {
            prefetch_block(b.sub(0, j0 + nr, k, nr.min(n - j0 - nr)));
        }
        for (jj, col) in slot.chunks_exact_mut(ld).enumerate() {
            // SAFETY: rows 0..k of column j0 + jj are readable and contiguous (rs == 1), and
            // T is real, so T::Real is T.
            let src = unsafe { core::slice::from_raw_parts(b.at(0, j0 + jj) as *const T::Real, k) };
            col[..k].copy_from_slice(src);
        }
    }
}

/// Makes a packed block of A~ triangular where the kernel reads it (`trmm`,
/// [`crate::problem::Tri`]): over each micro-panel's diagonal square, the elements on the far side
/// of the diagonal become zero and, with a unit diagonal, the diagonal one. `ap` holds `rows`
/// rows of op(A) packed by [`pack_a`] from a KC slice `kcb` deep whose first k is `d0` columns
/// left of the block's first row's diagonal element (row i's diagonal element is at k = `d0 + i`
/// of the slice).
pub(crate) fn triangle_a<T: GemmScalar>(
    ap: &mut [T::Real],
    mr: usize,
    (rows, kcb): (usize, usize),
    (lower, unit): (bool, bool),
    d0: isize,
) {
    let f = factor::<T>();
    let rows_per = mr / f;
    let panel = mr * f * kcb;
    let kcb = kcb as isize;
    let zero = T::Real::zero();
    let one = <T::Real as num_traits::One>::one();
    for i in 0..rows {
        let (ip, r) = (i / rows_per, i % rows_per);
        let diag = d0 + i as isize;
        // The micro-panel's square: k from its first row's diagonal element on.
        let k0 = diag - r as isize;
        for kk in k0.max(0)..(k0 + rows_per as isize).min(kcb) {
            let value = if kk == diag {
                if !unit {
                    continue;
                }
                one
            } else if (kk > diag) == lower {
                zero
            } else {
                continue;
            };
            let kk = kk as usize;
            if T::IS_COMPLEX {
                // 1m: [re, im] over [-im, re] (`pack_1m_step`); the value is real.
                let at = ip * panel + 2 * kk * mr + 2 * r;
                ap[at] = value;
                ap[at + 1] = zero;
                ap[at + mr] = zero;
                ap[at + mr + 1] = value;
            } else {
                ap[ip * panel + kk * mr + r] = value;
            }
        }
    }
}

/// As [`triangle_a`] for a packed B~ under a triangular op(B) ([`crate::problem::Structure::TriB`]):
/// `bp` holds the `kcb x cols` slice of op(B) whose diagonal is its own (column j's diagonal
/// element is in row j), packed by [`pack_b`].
pub(crate) fn triangle_b<T: GemmScalar>(
    bp: &mut [T::Real],
    nr: usize,
    (kcb, cols): (usize, usize),
    (lower, unit): (bool, bool),
) {
    let f = factor::<T>();
    let panel = nr * f * kcb;
    let zero = T::Real::zero();
    let one = <T::Real as num_traits::One>::one();
    for j in 0..cols {
        let (jp, c) = (j / nr, j % nr);
        // The micro-panel's square: from its first column's diagonal element on.
        for kk in jp * nr..(jp * nr + nr).min(kcb) {
            let value = if kk == j {
                if !unit {
                    continue;
                }
                one
            } else if (kk > j) != lower {
                zero
            } else {
                continue;
            };
            if T::IS_COMPLEX {
                // 1m: the re row over the im row (`pack_b_panel`); the value is real.
                bp[jp * panel + 2 * kk * nr + c] = value;
                bp[jp * panel + (2 * kk + 1) * nr + c] = zero;
            } else {
                bp[jp * panel + kk * nr + c] = value;
            }
        }
    }
}

/// Element (i, j) of the symmetric or Hermitian (`herm`) matrix `s` whose `lower` or upper
/// triangle is stored: from the stored triangle or from its mirror (conjugated if `herm`), the
/// diagonal of a Hermitian one real.
///
/// # Safety
/// `i, j` inside `s` (square).
#[inline]
unsafe fn sym_elem<T: GemmScalar>(
    s: RawMat<T>,
    (lower, herm): (bool, bool),
    i: usize,
    j: usize,
) -> T {
    let stored = if lower { i >= j } else { i <= j };
    // SAFETY: (i, j) and (j, i) are inside the square `s`.
    let v = unsafe { if stored { s.get(i, j) } else { s.get(j, i) } };
    if herm && i == j {
        T::from_real(v.re())
    } else if herm && !stored {
        v.conj()
    } else {
        v
    }
}

/// The segments of the k range `p0..p1` of a micro-panel whose own rows (A) or columns (B) are
/// `d0..d1` of a symmetric matrix: before the diagonal square, the square, after it.
fn sym_segments(p0: usize, p1: usize, d0: usize, d1: usize) -> [(usize, usize); 3] {
    let lo = d0.clamp(p0, p1);
    let hi = d1.clamp(p0, p1);
    [(p0, lo), (lo, hi), (hi, p1)]
}

/// Packs the `rows x k` block at (`i0`, `p0`) of the symmetric or Hermitian (`herm`) square
/// `s`, whose `lower` or upper triangle is stored, as [`pack_a`] packs a block of the full
/// matrix: each micro-panel's k range left of its diagonal square from the stored triangle
/// or the mirror of the other (conjugated if `herm`, as a view of `s^T`), the square element
/// by element ([`crate::problem::Sym`]).
///
/// # Safety
/// The block lies inside `s`; `dst.len() == packed_a_len::<T>(rows, k, mr)`.
pub(crate) unsafe fn pack_a_sym<T: GemmScalar>(
    s: RawMat<T>,
    (i0, p0, rows, k): (usize, usize, usize, usize),
    (lower, herm): (bool, bool),
    mr: usize,
    dst: &mut [T::Real],
) {
    let f = factor::<T>();
    let rows_per = mr / f;
    let panel = mr * f * k;
    for (ip, chunk) in dst.chunks_exact_mut(panel.max(1)).enumerate() {
        let r0 = i0 + ip * rows_per;
        if ip * rows_per >= rows {
            break;
        }
        let nrow = rows_per.min(rows - ip * rows_per);
        if nrow < rows_per {
            chunk.fill(T::Real::zero());
        }
        let [before, square, after] = sym_segments(p0, p0 + k, r0, r0 + nrow);
        // Left of the square every element has p < i: stored if lower. Right of it, p > i.
        for ((a, b), stored) in [(before, lower), (after, !lower)] {
            if a < b {
                let part = &mut chunk[f * (a - p0) * mr..f * (b - p0) * mr];
                let (view, conj) = if stored {
                    (s.sub(r0, a, nrow, b - a), false)
                } else {
                    (s.t().sub(r0, a, nrow, b - a), herm)
                };
                // SAFETY: the segment lies inside `s` (or `s^T`).
                unsafe { pack_a_panel(view, conj, mr, part) };
            }
        }
        for p in square.0..square.1 {
            for r in 0..nrow {
                // SAFETY: inside the square `s`.
                let v: T = unsafe { sym_elem(s, (lower, herm), r0 + r, p) };
                if T::IS_COMPLEX {
                    // 1m: [re, im] over [-im, re] (`pack_1m_step`).
                    let at = 2 * (p - p0) * mr + 2 * r;
                    chunk[at] = v.re();
                    chunk[at + 1] = v.im();
                    chunk[at + mr] = -v.im();
                    chunk[at + mr + 1] = v.re();
                } else {
                    chunk[(p - p0) * mr + r] = v.re();
                }
            }
        }
    }
}

/// Packs the `k x cols` block at (`p0`, `j0`) of the symmetric or Hermitian square `s` as
/// [`pack_b`] packs a block of the full matrix (see [`pack_a_sym`]).
///
/// # Safety
/// The block lies inside `s`; `dst.len() == packed_b_len::<T>(k, cols, nr)`.
pub(crate) unsafe fn pack_b_sym<T: GemmScalar>(
    s: RawMat<T>,
    (p0, j0, k, cols): (usize, usize, usize, usize),
    (lower, herm): (bool, bool),
    nr: usize,
    dst: &mut [T::Real],
) {
    let f = factor::<T>();
    let panel = nr * f * k;
    for (jp, chunk) in dst.chunks_exact_mut(panel.max(1)).enumerate() {
        let c0 = j0 + jp * nr;
        if jp * nr >= cols {
            break;
        }
        let ncol = nr.min(cols - jp * nr);
        if ncol < nr {
            chunk.fill(T::Real::zero());
        }
        let [before, square, after] = sym_segments(p0, p0 + k, c0, c0 + ncol);
        // Above the square every element has p < j: stored if upper. Below it, p > j.
        for ((a, b), stored) in [(before, !lower), (after, lower)] {
            if a < b {
                let part = &mut chunk[f * (a - p0) * nr..f * (b - p0) * nr];
                let (view, conj) = if stored {
                    (s.sub(a, c0, b - a, ncol), false)
                } else {
                    (s.t().sub(a, c0, b - a, ncol), herm)
                };
                // SAFETY: the segment lies inside `s` (or `s^T`).
                unsafe { pack_b_panel(view, conj, nr, part) };
            }
        }
        for p in square.0..square.1 {
            for c in 0..ncol {
                // SAFETY: inside the square `s`.
                let v: T = unsafe { sym_elem(s, (lower, herm), p, c0 + c) };
                if T::IS_COMPLEX {
                    // 1m: the re row over the im row (`pack_b_panel`).
                    chunk[2 * (p - p0) * nr + c] = v.re();
                    chunk[(2 * (p - p0) + 1) * nr + c] = v.im();
                } else {
                    chunk[(p - p0) * nr + c] = v.re();
                }
            }
        }
    }
}

/// How many columns ahead the column-by-column packing of A prefetches (measured: 2 to 28
/// columns ahead all double the packing rate of a DRAM-resident block; fewer is too late).
/// In the GEMM on the Zen 4 VM (f64 n = 1024, one thread, calls alternated in one process,
/// medians of 9 pairs), 2, 8 and 16 columns ahead came out 0.98-1.00 against 4.
const PREFETCH_AHEAD: usize = 4;

/// `d[i] <- s[i].re()` for real `T` (an identity), written so that LLVM keeps it inline
/// instead of calling `memcpy` for a copy of a few dozen bytes: the register-block sizes of
/// the kernels get a fixed-length copy each, other lengths a loop unrolled by four.
#[inline(always)]
fn copy_re<T: Scalar>(d: &mut [T::Real], s: &[T]) {
    match s.len() {
        4 => copy_n::<T, 4>(d, s),
        6 => copy_n::<T, 6>(d, s),
        8 => copy_n::<T, 8>(d, s),
        14 => copy_n::<T, 14>(d, s),
        16 => copy_n::<T, 16>(d, s),
        32 => copy_n::<T, 32>(d, s),
        _ => {
            let (mut d4, mut s4) = (d.chunks_exact_mut(4), s.chunks_exact(4));
            for (d, s) in (&mut d4).zip(&mut s4) {
                copy_n::<T, 4>(d, s);
            }
            for (d, s) in d4.into_remainder().iter_mut().zip(s4.remainder()) {
                *d = s.re();
            }
        }
    }
}

/// [`copy_re`] of exactly `N` elements.
#[inline(always)]
fn copy_n<T: Scalar, const N: usize>(d: &mut [T::Real], s: &[T]) {
    let (d, s): (&mut [T::Real; N], &[T; N]) = (
        (&mut d[..N]).try_into().expect("N elements"),
        (&s[..N]).try_into().expect("N elements"),
    );
    for (d, s) in d.iter_mut().zip(s) {
        *d = s.re();
    }
}

/// Prefetches `len` contiguous elements from `p` (a hint: `p` need not be valid).
#[inline(always)]
fn prefetch_contiguous<T>(p: *const T, len: usize) {
    prefetch_lines(p, len, prefetch::<u8>);
}

/// Prefetches `len` contiguous elements from `p` with `fetch`, one call per cache line.
#[inline(always)]
fn prefetch_lines<T>(p: *const T, len: usize, fetch: fn(*const u8)) {
    let bytes = len * size_of::<T>();
    for off in (0..bytes).step_by(64) {
        fetch((p as *const u8).wrapping_add(off));
    }
    if bytes > 0 {
        fetch((p as *const u8).wrapping_add(bytes - 1));
    }
}

/// Prefetches the block `m` along its contiguous direction (nothing for other layouts, whose
/// elements each sit on their own line).
#[inline]
pub(crate) fn prefetch_block<T>(m: RawMat<T>) {
    if m.rs == 1 {
        for j in 0..m.cols {
            prefetch_contiguous(m.at(0, j), m.rows);
        }
    } else if m.cs == 1 {
        for i in 0..m.rows {
            prefetch_contiguous(m.at(i, 0), m.cols);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hpc_core::c64;

    #[test]
    fn real_a_panel_is_column_by_column_and_padded() {
        // 3 x 2 column-major A = [[1, 4], [2, 5], [3, 6]], MR = 4.
        let data = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let a = RawMat {
            ptr: data.as_ptr(),
            rows: 3,
            cols: 2,
            rs: 1,
            cs: 3,
        };
        let mut dst = [f64::NAN; 8];
        // SAFETY: `a` covers `data`.
        unsafe { pack_a_panel(a, false, 4, &mut dst) };
        assert_eq!(dst, [1.0, 2.0, 3.0, 0.0, 4.0, 5.0, 6.0, 0.0]);
        // The same matrix read row-major through its transpose strides.
        let t = [1.0, 4.0, 2.0, 5.0, 3.0, 6.0];
        let at = RawMat {
            ptr: t.as_ptr(),
            rows: 3,
            cols: 2,
            rs: 2,
            cs: 1,
        };
        let mut dst2 = [f64::NAN; 8];
        // SAFETY: `at` covers `t`.
        unsafe { pack_a_panel(at, false, 4, &mut dst2) };
        assert_eq!(dst, dst2);
    }

    #[test]
    fn real_b_panel_is_row_by_row_and_padded() {
        // 2 x 3 row-major B = [[1, 2, 3], [4, 5, 6]], NR = 4.
        let data = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
        let b = RawMat {
            ptr: data.as_ptr(),
            rows: 2,
            cols: 3,
            rs: 3,
            cs: 1,
        };
        let mut dst = [f32::NAN; 8];
        // SAFETY: `b` covers `data`.
        unsafe { pack_b_panel(b, false, 4, &mut dst) };
        assert_eq!(dst, [1.0, 2.0, 3.0, 0.0, 4.0, 5.0, 6.0, 0.0]);
    }

    #[test]
    fn complex_panels_follow_1m() {
        let x = c64::new(1.0, 2.0);
        let a = RawMat {
            ptr: &x as *const c64,
            rows: 1,
            cols: 1,
            rs: 1,
            cs: 1,
        };
        let mut pa = [f64::NAN; 4];
        // SAFETY: one readable element.
        unsafe { pack_a_panel(a, false, 2, &mut pa) };
        assert_eq!(pa, [1.0, 2.0, -2.0, 1.0]);
        // SAFETY: as above.
        unsafe { pack_a_panel(a, true, 2, &mut pa) };
        assert_eq!(pa, [1.0, -2.0, 2.0, 1.0]);
        let mut pb = [f64::NAN; 4];
        // SAFETY: as above.
        unsafe { pack_b_panel(a, true, 2, &mut pb) };
        assert_eq!(pb, [1.0, 0.0, -2.0, 0.0]);
        // (1 + 2i)(1 + 2i) = -3 + 4i through the real product of the packed forms.
        let re = pa_times_pb([1.0, 2.0, -2.0, 1.0], [1.0, 2.0]);
        assert_eq!(re, [-3.0, 4.0]);
    }

    /// The vectorised packing of a column-major A (`PackCols`, through `pack_a`: copies, or 1m
    /// for complex types) against the element loop (`pack_a_panel`, one micro-panel at a time),
    /// bit for bit: signed zeros, infinities and NaNs of either sign, conjugated or not, full
    /// and short runs, for the register heights of every kernel family.
    fn vectorised_packing_matches_elementwise<T: GemmScalar>(mrs: &[usize]) {
        let f = factor::<T>();
        let specials = [
            0.0,
            -0.0,
            1.5,
            -2.25,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        // A special value at every third real (as it is: adding to -0.0 would make it +0.0),
        // ordinary ones between.
        let real = |i: usize| {
            let x = if i % 3 == 0 {
                specials[(i / 3) % specials.len()]
            } else {
                (i % 5) as f64 - 1.5
            };
            <T::Real as num_traits::NumCast>::from(x).unwrap()
        };
        for &mr in mrs {
            let per = mr / f;
            for rows in [1, per - 1, per, per + 1, 3 * per + 1] {
                let (rows, k) = (rows.max(1), 5);
                let lda = rows + 2;
                let data: Vec<T> = (0..lda * k)
                    .map(|i| {
                        if T::IS_COMPLEX {
                            T::from_parts(real(2 * i), real(2 * i + 1))
                        } else {
                            T::from_real(real(i))
                        }
                    })
                    .collect();
                let a = RawMat {
                    ptr: data.as_ptr(),
                    rows,
                    cols: k,
                    rs: 1,
                    cs: lda as isize,
                };
                for conj in [false, true] {
                    let len = packed_a_len::<T>(rows, k, mr);
                    let mut fast = vec![T::Real::zero(); len];
                    // SAFETY: `a` lies inside `data`; `fast` holds the packed length.
                    unsafe { pack_a(a, conj, mr, &mut fast) };
                    let mut slow = vec![T::Real::zero(); len];
                    for (ip, chunk) in slow.chunks_exact_mut(f * mr * k).enumerate() {
                        let i0 = ip * per;
                        let sub = a.sub(i0, 0, per.min(rows - i0), k);
                        // SAFETY: the sub-block lies inside `a`.
                        unsafe { pack_a_panel(sub, conj, mr, chunk) };
                    }
                    let bits = |v: &[T::Real]| -> Vec<u8> { bytemuck::cast_slice(v).to_vec() };
                    assert_eq!(bits(&fast), bits(&slow), "mr {mr} rows {rows} conj {conj}");
                }
            }
        }
    }

    #[test]
    fn vectorised_column_packing_matches_the_element_loop() {
        // MR in reals: the wide blocks and the AVX-512, AVX2, NEON and portable kernels (and
        // heights the vectors do not tile, which take the element loop).
        vectorised_packing_matches_elementwise::<f64>(&[32, 16, 8, 4, 6, 3]);
        vectorised_packing_matches_elementwise::<f32>(&[64, 32, 16, 8, 6]);
        vectorised_packing_matches_elementwise::<c64>(&[16, 8, 4, 6]);
        vectorised_packing_matches_elementwise::<hpc_core::c32>(&[32, 16, 8, 4, 6]);
    }

    fn pa_times_pb(a: [f64; 4], b: [f64; 2]) -> [f64; 2] {
        // a is 2 x 2 column-major, b a column.
        [a[0] * b[0] + a[2] * b[1], a[1] * b[0] + a[3] * b[1]]
    }
}
