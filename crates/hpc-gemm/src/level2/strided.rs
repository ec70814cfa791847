//! gemv, ger and the symmetric rank updates on matrices with no unit stride (a NumPy slice
//! `a[::2, ::3]`, a negative step, a zero stride): blocks of the matrix are copied into a
//! contiguous column-major buffer that stays in cache, and the fused kernels run on it as on
//! any other matrix. The copy reads each element once, as the kernel would have; the kernel
//! then reads it again from cache.
//!
//! gemv copies `op(A)` (transposed as it is copied where `op` transposes), so that every case
//! runs `AxpyF`, whose sums are the reference's, element by element; ger copies a block,
//! updates it with `GerF` and copies it back; the rank updates take one column's stored part
//! at a time. Every result is bitwise the reference's, on any number of threads.

use std::cell::RefCell;
use std::ops::Range;

use hpc_core::{MatMut, MatRef, Scalar};

use super::Shared;
use super::kernels::{AxpyF, GerF};
use crate::Par;
use crate::level1::{reals, reals_mut};
use crate::registry::{GemmScalar, vectorize};

/// Elements of one copied block: 128 KiB of f64, half of Zen 4's L2 or less on every target.
const BLOCK_ELEMENTS: usize = 1 << 14;

thread_local! {
    /// Each thread's block buffer, kept from call to call: a fresh one each call costs page
    /// faults as large as the copy itself.
    static BLOCK: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// `f` on a buffer of at least `len` elements of `T` (contents unspecified).
fn with_block<T: Scalar, O>(len: usize, f: impl FnOnce(&mut [T]) -> O) -> O {
    const { assert!(align_of::<T>() <= align_of::<u64>()) };
    BLOCK.with_borrow_mut(|buf| {
        let words = (len * size_of::<T>()).div_ceil(size_of::<u64>());
        if buf.len() < words {
            buf.resize(words, 0);
        }
        // SAFETY: `buf` holds at least `len` `T`s, suitably aligned (checked above), and any
        // bits are a valid real or complex number (plain floats).
        f(unsafe { std::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<T>(), len) })
    })
}

/// A matrix by its element (0, 0) and its strides in elements, any sign.
#[derive(Clone, Copy)]
pub(super) struct Strided<T> {
    p: Shared<T>,
    rs: isize,
    cs: isize,
}

impl<T: Scalar> Strided<T> {
    fn of(a: &MatRef<'_, T>) -> Self {
        let (data, off) = a.raw_parts();
        // SAFETY: `off` is element (0, 0), inside `data` for a non-empty view.
        let p = unsafe { data.as_ptr().add(off) };
        Self {
            p: Shared(p),
            rs: a.row_stride(),
            cs: a.col_stride(),
        }
    }

    pub(super) fn of_mut(a: &mut MatMut<'_, T>) -> Self {
        let (rs, cs) = (a.row_stride(), a.col_stride());
        let (data, off) = a.raw_parts_mut();
        // SAFETY: as in `of`.
        let p = unsafe { data.as_mut_ptr().add(off) };
        Self {
            p: Shared(p.cast_const()),
            rs,
            cs,
        }
    }

    /// `f` on rows `r` of column `j`, copied into a buffer and copied back after.
    ///
    /// # Safety
    /// The elements exist and are writable, and no other thread accesses them meanwhile.
    pub(super) unsafe fn on_column(self, j: usize, r: Range<usize>, f: impl FnOnce(&mut [T])) {
        with_block(r.len(), |buf: &mut [T]| {
            // SAFETY: forwarded.
            unsafe { self.copy::<false>(r.clone(), j..j + 1, buf) };
            f(buf);
            // SAFETY: forwarded.
            unsafe { self.copy::<true>(r, j..j + 1, buf) };
        });
    }

    fn transposed(self) -> Self {
        Self {
            rs: self.cs,
            cs: self.rs,
            ..self
        }
    }

    /// The address of element (i, j).
    ///
    /// # Safety
    /// (i, j) is an element of the matrix.
    pub(super) unsafe fn at(self, i: usize, j: usize) -> *mut T {
        // SAFETY: forwarded; an element's offset fits in isize (a view's extent does).
        unsafe {
            self.p
                .get()
                .offset(i as isize * self.rs + j as isize * self.cs)
                .cast_mut()
        }
    }

    /// Whether the matrix's columns are its nearer runs (its row stride no larger than its
    /// column stride): blocks are then copied a column at a time, else a few rows at a time.
    fn near_columns(self) -> bool {
        self.rs.unsigned_abs() <= self.cs.unsigned_abs()
    }

    /// The shape of the blocks to copy from a matrix of `m x n` (fewer where it is smaller):
    /// long runs along the nearer direction, so that each run is read as one stream.
    fn block(self, m: usize, n: usize) -> (usize, usize) {
        if self.near_columns() {
            let rows = m.clamp(1, BLOCK_ELEMENTS / 8);
            (rows, (BLOCK_ELEMENTS / rows).min(n))
        } else {
            let cols = n.clamp(1, BLOCK_ELEMENTS / 32);
            ((BLOCK_ELEMENTS / cols).min(m), cols)
        }
    }

    /// Rows `r` of columns `c` into `buf`, column-major with leading dimension `r.len()`
    /// (`BACK`: from `buf` into the matrix), eight of the nearer runs at a time (columns or
    /// rows), so that the memory system fetches eight streams at once, as the fused kernels'
    /// eight columns do.
    ///
    /// # Safety
    /// The block's elements exist; with `BACK`, they are writable and no other thread
    /// accesses them.
    unsafe fn copy<const BACK: bool>(self, r: Range<usize>, c: Range<usize>, buf: &mut [T]) {
        let (ld, cols) = (r.len(), c.len());
        assert!(buf.len() >= ld * cols);
        if ld == 0 || cols == 0 {
            return;
        }
        let b = buf.as_mut_ptr();
        // SAFETY: (r.start, c.start) is in the block, by the caller.
        let p = unsafe { self.at(r.start, c.start) };
        let (rs, cs) = (self.rs, self.cs);
        /// One element between the matrix (`e`) and `buf` (`d`), the way `BACK` says.
        ///
        /// # Safety
        /// Both exist; with `BACK`, `e` is writable.
        #[inline(always)]
        unsafe fn step<T: Copy, const BACK: bool>(e: *mut T, d: *mut T) {
            // SAFETY: by the caller.
            unsafe {
                if BACK {
                    *e = *d;
                } else {
                    *d = *e;
                }
            }
        }
        if self.near_columns() {
            for j0 in (0..cols).step_by(8) {
                let w = (cols - j0).min(8);
                for i in 0..ld {
                    // SAFETY: row i of columns `j0 ..< j0 + w`, of the block and of `buf`.
                    unsafe {
                        let (e, d) = (
                            p.offset(i as isize * rs + j0 as isize * cs),
                            b.add(i + j0 * ld),
                        );
                        for j in 0..w {
                            step::<T, BACK>(e.offset(j as isize * cs), d.add(j * ld));
                        }
                    }
                }
            }
        } else {
            for i0 in (0..ld).step_by(8) {
                let h = (ld - i0).min(8);
                for j in 0..cols {
                    // SAFETY: rows `i0 ..< i0 + h` of column j, of the block and of `buf`.
                    unsafe {
                        let (e, d) = (
                            p.offset(i0 as isize * rs + j as isize * cs),
                            b.add(i0 + j * ld),
                        );
                        for i in 0..h {
                            step::<T, BACK>(e.offset(i as isize * rs), d.add(i));
                        }
                    }
                }
            }
        }
    }
}

/// `s <- s + op(A) x` for a matrix with no unit stride (`op` as `trans`, `x` and `s` as the
/// unit-stride gemv makes them): `op(A)` copied a block at a time and summed by `AxpyF`,
/// column by column in order, so that `s` started at zero is bitwise the reference's sum.
/// Rows of `op(A)` are shared between threads.
pub(super) fn gemv<T: GemmScalar>(
    par: Par,
    trans: hpc_core::Trans,
    a: &MatRef<'_, T>,
    x: &[T],
    s: &mut [T],
) {
    let op = if trans == hpc_core::Trans::No {
        Strided::of(a)
    } else {
        Strided::of(a).transposed()
    };
    let (m, n, conj) = (s.len(), x.len(), trans == hpc_core::Trans::ConjTrans);
    let chunk = super::gemv_chunk::<T>(par, m, m * n);
    crate::fork::for_each_chunk_mut(s, chunk, |t, s| {
        let first = t * chunk;
        let (rows, cols) = op.block(s.len(), n);
        with_block(rows * cols, |buf: &mut [T]| {
            for (b, s) in s.chunks_mut(rows).enumerate() {
                let r = first + b * rows..first + b * rows + s.len();
                for c0 in (0..n).step_by(cols) {
                    let c = c0..(c0 + cols).min(n);
                    let block = &mut buf[..r.len() * c.len()];
                    // SAFETY: rows `r` and columns `c` are inside op(A).
                    unsafe { op.copy::<false>(r.clone(), c.clone(), block) };
                    let f = crate::simd::factor::<T>();
                    let (a, lda) = (block.as_ptr().cast::<T::Real>(), r.len() * f);
                    let (x, s) = (reals(&x[c]), reals_mut(s));
                    if T::IS_COMPLEX {
                        vectorize(AxpyF::<_, true> { a, lda, x, s, conj });
                    } else {
                        vectorize(AxpyF::<_, false> { a, lda, x, s, conj });
                    }
                }
            }
        });
    });
}

/// `A <- A + x t^T` over the columns whose `skip` is false, for a matrix with no unit stride
/// (`t_j` the column's multiplier, `alpha y_j` or `alpha conj(y_j)`, as the unit-stride ger
/// makes them): blocks copied out, updated by `GerF` (bitwise the reference's update) and
/// copied back. Columns are shared between threads.
pub(super) fn ger<T: GemmScalar>(par: Par, a: &mut MatMut<'_, T>, x: &[T], t: &[T], skip: &[bool]) {
    let (m, n) = (a.rows(), a.cols());
    let a = Strided::of_mut(a);
    let ways = crate::fork::ways(par, m * n, super::PAR_GER_ELEMENTS, n);
    let chunk = n.div_ceil(ways);
    crate::fork::for_each(ways, |share| {
        let mine = share * chunk..((share + 1) * chunk).min(n);
        let (rows, cols) = a.block(m, mine.len());
        with_block(rows * cols, |buf: &mut [T]| {
            for c0 in mine.clone().step_by(cols) {
                let c = c0..(c0 + cols).min(mine.end);
                let live: Vec<usize> = c.clone().filter(|&j| !skip[j]).collect();
                if live.is_empty() {
                    continue;
                }
                let ts: Vec<T> = live.iter().map(|&j| t[j]).collect();
                for r0 in (0..m).step_by(rows) {
                    let r = r0..(r0 + rows).min(m);
                    let block = &mut buf[..r.len() * c.len()];
                    // SAFETY: rows `r` of columns `c` are inside A, written back below by this
                    // share only (its columns).
                    unsafe { a.copy::<false>(r.clone(), c.clone(), block) };
                    let f = crate::simd::factor::<T>();
                    let base = block.as_mut_ptr().cast::<T::Real>();
                    let ptrs: Vec<*mut T::Real> = live
                        .iter()
                        // SAFETY: column `j - c0` of the block starts inside it.
                        .map(|&j| unsafe { base.add((j - c0) * r.len() * f) })
                        .collect();
                    let (x, t) = (reals(&x[r.clone()]), reals(&ts));
                    if T::IS_COMPLEX {
                        vectorize(GerF::<_, true> { cols: &ptrs, t, x });
                    } else {
                        vectorize(GerF::<_, false> { cols: &ptrs, t, x });
                    }
                    // SAFETY: as above.
                    unsafe { a.copy::<true>(r, c.clone(), block) };
                }
            }
        });
    });
}
