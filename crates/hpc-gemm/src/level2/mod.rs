//! Level 2 on [`Fast`]:
//! - `gemv` on the fused kernels of [`kernels`] (`AxpyF`, `DotXF`, real and complex) for
//!   matrices with a unit row or column stride, rows or columns shared between threads;
//! - `ger` (`geru`, `gerc`) on the fused `GerF`, columns shared between threads;
//! - `trsv` and `trmv` blocked onto gemv (the diagonal blocks by the reference's loops);
//! - `symv` and `hemv` blocked the same way, both halves of each panel at once (real: the
//!   fused `DotAxpyF`), groups of block columns shared between threads;
//! - `syr`, `her`, `syr2`, `her2` column by column on Level 1's kernels;
//! - the band and packed routines column by column on one-column forms of the fused kernels
//!   ([`by_column`]).
//!
//! Matrices with no unit stride run the same kernels on blocks copied into contiguous buffers
//! ([`strided`]; symv and hemv through their gemv on such matrices). Arguments are checked as
//! the reference checks them (`hpc_core::check`), before any kernel runs; vectors with other
//! increments are gathered into contiguous copies (`O(n)` beside the matrix's `O(mn)`).

mod by_column;
mod kernels;
mod strided;

use hpc_core::check::{
    check_gemv_shapes, check_ger_shapes, check_len, check_square, check_sym_shapes,
};
use hpc_core::reference::Reference;
use hpc_core::{
    BandRef, Diag, Level2, MatMut, MatRef, PackedMut, PackedRef, Result, Scalar, Trans, Uplo,
    VecMut, VecRef,
};

use crate::level1::{reals, reals_mut};
use crate::registry::{GemmScalar, vectorize};
use crate::{Fast, Par};
use kernels::{AxpyF, DotAxpyF, DotXF, GerF};

/// A real column-major view of `a`: the address of (0, 0), the column stride and whether
/// `a` had to be transposed to get there (its column stride was the unit one), or `None`.
fn columns<T: Scalar>(a: &MatRef<'_, T>) -> Option<(*const T, usize, bool)> {
    let (data, off) = a.raw_parts();
    // SAFETY: `off` is element (0, 0), inside `data` for a non-empty view.
    let p = unsafe { data.as_ptr().add(off) };
    let (rs, cs) = (a.row_stride(), a.col_stride());
    if rs == 1 && cs > 0 {
        Some((p, cs as usize, false))
    } else if cs == 1 && rs > 0 {
        Some((p, rs as usize, true))
    } else {
        None
    }
}

/// The order of trsv's diagonal blocks; smaller systems take the reference's loop whole.
const TRSV_BLOCK: usize = 64;

/// The order of symv's and hemv's diagonal blocks, which take the reference's loop: at 64
/// those were a fifth of dsymv 4096 (`docs/tuning.md`, "level2: symv").
const SYMV_BLOCK: usize = 32;

/// Fewest matrix elements a thread takes in gemv (counted as f64s: 8 bytes each) and ger: a
/// smaller share streams in less time than a fork and join costs (`docs/tuning.md`, "level2:
/// PAR_ELEMENTS").
const PAR_ELEMENTS: usize = 1 << 15;

/// [`PAR_ELEMENTS`] for ger, whose fused kernel finishes a small matrix in about the time a
/// fork and join takes (`docs/tuning.md`, "level2: PAR_ELEMENTS").
const PAR_GER_ELEMENTS: usize = 1 << 17;

/// A matrix's address, shared by the threads that read (or write disjoint parts of) it.
#[derive(Clone, Copy)]
struct Shared<T>(*const T);

// SAFETY: the threads only read through it, or write disjoint elements (`ger`'s columns).
unsafe impl<T> Sync for Shared<T> {}
// SAFETY: as above.
unsafe impl<T> Send for Shared<T> {}

impl<T> Shared<T> {
    fn get(self) -> *const T {
        self.0
    }
}

/// The elements of `v` in order: borrowed if contiguous, else copied.
fn gathered<'s, T: Scalar>(v: &'s VecRef<'_, T>) -> std::borrow::Cow<'s, [T]> {
    let (data, off) = v.raw_parts();
    if v.inc() == 1 {
        std::borrow::Cow::Borrowed(&data[off..off + v.len()])
    } else {
        std::borrow::Cow::Owned(v.to_vec())
    }
}

/// `len` zeros in `buf`, starting at the same offset from a 64-byte boundary as `like` where
/// the elements' alignment allows (else anywhere).
fn zeros_placed_like<T: Scalar>(buf: &mut Vec<T>, len: usize, like: *const T) -> &mut [T] {
    let spare = 64 / size_of::<T>();
    *buf = vec![T::zero(); len + spare];
    let (base, want) = (buf.as_ptr() as usize, like as usize % 64);
    let k = (0..spare)
        .find(|k| (base + k * size_of::<T>()) % 64 == want)
        .unwrap_or(0);
    &mut buf[k..k + len]
}

/// The elements of gemv's sum vector (`parts` of them, over a matrix of `elements`) each
/// thread takes: whole vectors of 16, at least [`PAR_ELEMENTS`] of the matrix a thread.
fn gemv_chunk<T>(par: Par, parts: usize, elements: usize) -> usize {
    let ways = crate::fork::ways(par, elements * size_of::<T>() / 8, PAR_ELEMENTS, parts);
    parts.div_ceil(ways).next_multiple_of(16).min(parts.max(1))
}

/// `y <- y + alpha s`, then written into `y`, as the reference's last step does.
fn add_scaled<T: Scalar>(alpha: T, s: &[T], y: &mut VecMut<'_, T>) {
    if let Some(y) = crate::level1::unit_mut(y) {
        for (y, &v) in y.iter_mut().zip(s) {
            *y += alpha * v;
        }
        return;
    }
    for (i, &v) in s.iter().enumerate() {
        y.set(i, y.get(i) + alpha * v);
    }
}

/// `y <- beta y` as the reference scales it: nothing for beta = 1, zeros (y not read) for
/// beta = 0.
fn scale_by_beta<T: GemmScalar>(beta: T, y: &mut VecMut<'_, T>) {
    if beta == T::one() {
        return;
    }
    let len = y.len();
    if beta == T::zero() {
        match crate::level1::unit_mut(y) {
            Some(y) => y.fill(T::zero()),
            None => (0..len).for_each(|i| y.set(i, T::zero())),
        }
    } else {
        crate::level1::scal_in_place(beta, y);
    }
}

impl<T: GemmScalar> Level2<T> for Fast {
    fn gemv(
        &self,
        trans: Trans,
        alpha: T,
        a: MatRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        mut y: VecMut<'_, T>,
    ) -> Result<()> {
        check_gemv_shapes("gemv", trans, a.rows(), a.cols(), x.len(), y.len())?;
        // Complex kernels need two lanes a vector (every ISA but the portable one).
        let kernels = !T::IS_COMPLEX || crate::selected_isa() != crate::Isa::Scalar;
        if !kernels || a.is_empty() {
            return Reference.gemv(trans, alpha, a, x, beta, y);
        }
        if alpha == T::zero() && beta == T::one() {
            return Ok(());
        }
        scale_by_beta(beta, &mut y);
        if alpha == T::zero() {
            return Ok(());
        }
        let Some((p, ld, flipped)) = columns(&a) else {
            let mut s = vec![T::zero(); y.len()];
            strided::gemv(self.par, trans, &a, &gathered(&x), &mut s);
            add_scaled(alpha, &s, &mut y);
            return Ok(());
        };
        // The stored matrix is column-major `rows x cols` at `p`; op(A) is it or its transpose.
        let (rows, cols) = if flipped {
            (a.cols(), a.rows())
        } else {
            (a.rows(), a.cols())
        };
        let transposed = (trans != Trans::No) != flipped;
        let x = gathered(&x);
        // `s` placed as A's first column is against the cache lines, so that AxpyF's accesses
        // to both align together where A's column stride allows.
        let mut buf = Vec::new();
        let s = zeros_placed_like(&mut buf, y.len(), p);
        let a = Shared(p.cast::<T::Real>());
        let x = reals(&x);
        // Rows (N) or columns (T) split between threads: every element of `s` is computed by
        // one thread in the same order whatever the split, so results do not depend on it.
        let chunk = gemv_chunk::<T>(self.par, s.len(), rows * cols);
        // In reals: the stride, and the pieces of `s` each thread takes.
        let f = crate::simd::factor::<T>();
        let (lda, conj) = (ld * f, trans == Trans::ConjTrans);
        crate::fork::for_each_chunk_mut(reals_mut(s), chunk * f, |t, s| {
            let first = t * chunk;
            // SAFETY: column (or row) `first` of the stored matrix is inside it.
            let a = unsafe {
                a.get()
                    .add(if transposed { first * lda } else { first * f })
            };
            match (transposed, T::IS_COMPLEX) {
                (true, false) => vectorize(DotXF::<_, false> { a, lda, x, s, conj }),
                (false, false) => vectorize(AxpyF::<_, false> { a, lda, x, s, conj }),
                (true, true) => vectorize(DotXF::<_, true> { a, lda, x, s, conj }),
                (false, true) => vectorize(AxpyF::<_, true> { a, lda, x, s, conj }),
            }
        });
        add_scaled(alpha, s, &mut y);
        Ok(())
    }

    fn symv(
        &self,
        uplo: Uplo,
        alpha: T,
        a: MatRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        self.hemv_like(false, uplo, alpha, a, x, beta, y)
    }

    fn hemv(
        &self,
        uplo: Uplo,
        alpha: T,
        a: MatRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        self.hemv_like(true, uplo, alpha, a, x, beta, y)
    }

    fn syr(&self, uplo: Uplo, alpha: T, x: VecRef<'_, T>, a: MatMut<'_, T>) -> Result<()> {
        rank_update(self.par, "syr", false, uplo, alpha, x, None, a)
    }

    fn her(&self, uplo: Uplo, alpha: T::Real, x: VecRef<'_, T>, a: MatMut<'_, T>) -> Result<()> {
        rank_update(self.par, "her", true, uplo, T::from_real(alpha), x, None, a)
    }

    fn syr2(
        &self,
        uplo: Uplo,
        alpha: T,
        x: VecRef<'_, T>,
        y: VecRef<'_, T>,
        a: MatMut<'_, T>,
    ) -> Result<()> {
        rank_update(self.par, "syr2", false, uplo, alpha, x, Some(y), a)
    }

    fn her2(
        &self,
        uplo: Uplo,
        alpha: T,
        x: VecRef<'_, T>,
        y: VecRef<'_, T>,
        a: MatMut<'_, T>,
    ) -> Result<()> {
        rank_update(self.par, "her2", true, uplo, alpha, x, Some(y), a)
    }

    fn geru(&self, alpha: T, x: VecRef<'_, T>, y: VecRef<'_, T>, a: MatMut<'_, T>) -> Result<()> {
        ger(self.par, false, alpha, x, y, a)
    }

    /// Blocked as `trsv` (`Fast::triangular_blocked`).
    fn trmv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        a: MatRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()> {
        let n = check_square("trmv", "a", a.rows(), a.cols())?;
        check_len("trmv", "x", x.len(), n, &format!("A of order {n}"))?;
        if n < 2 * TRSV_BLOCK {
            return Reference.trmv(uplo, trans, diag, a, x);
        }
        self.triangular_blocked(false, uplo, trans, diag, a, x)
    }

    /// Blocked (`Fast::triangular_blocked`): the diagonal blocks by the reference's
    /// substitution, the rest as gemv, so that most of the work is gemv's.
    fn trsv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        a: MatRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()> {
        let n = check_square("trsv", "a", a.rows(), a.cols())?;
        check_len("trsv", "x", x.len(), n, &format!("A of order {n}"))?;
        if n < 2 * TRSV_BLOCK {
            return Reference.trsv(uplo, trans, diag, a, x);
        }
        self.triangular_blocked(true, uplo, trans, diag, a, x)
    }

    fn gerc(&self, alpha: T, x: VecRef<'_, T>, y: VecRef<'_, T>, a: MatMut<'_, T>) -> Result<()> {
        ger(self.par, true, alpha, x, y, a)
    }

    fn gbmv(
        &self,
        trans: Trans,
        alpha: T,
        a: BandRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        by_column::gbmv(self.par, trans, alpha, a, x, beta, y)
    }

    fn sbmv(
        &self,
        uplo: Uplo,
        alpha: T,
        a: BandRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        by_column::hbmv(self.par, false, uplo, alpha, a, x, beta, y)
    }

    fn hbmv(
        &self,
        uplo: Uplo,
        alpha: T,
        a: BandRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        by_column::hbmv(self.par, true, uplo, alpha, a, x, beta, y)
    }

    fn spmv(
        &self,
        uplo: Uplo,
        alpha: T,
        ap: PackedRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        by_column::hpmv(self.par, false, uplo, alpha, ap, x, beta, y)
    }

    fn hpmv(
        &self,
        uplo: Uplo,
        alpha: T,
        ap: PackedRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        y: VecMut<'_, T>,
    ) -> Result<()> {
        by_column::hpmv(self.par, true, uplo, alpha, ap, x, beta, y)
    }

    fn tbmv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        a: BandRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()> {
        by_column::tbxv(self.par, false, uplo, trans, diag, a, x)
    }

    fn tbsv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        a: BandRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()> {
        by_column::tbxv(self.par, true, uplo, trans, diag, a, x)
    }

    fn tpmv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        ap: PackedRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()> {
        by_column::tpxv(self.par, false, uplo, trans, diag, ap, x)
    }

    fn tpsv(
        &self,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        ap: PackedRef<'_, T>,
        x: VecMut<'_, T>,
    ) -> Result<()> {
        by_column::tpxv(self.par, true, uplo, trans, diag, ap, x)
    }

    fn spr(&self, uplo: Uplo, alpha: T, x: VecRef<'_, T>, ap: PackedMut<'_, T>) -> Result<()> {
        by_column::packed_rank_update("spr", false, uplo, alpha, x, None, ap)
    }

    fn hpr(
        &self,
        uplo: Uplo,
        alpha: T::Real,
        x: VecRef<'_, T>,
        ap: PackedMut<'_, T>,
    ) -> Result<()> {
        by_column::packed_rank_update("hpr", true, uplo, T::from_real(alpha), x, None, ap)
    }

    fn spr2(
        &self,
        uplo: Uplo,
        alpha: T,
        x: VecRef<'_, T>,
        y: VecRef<'_, T>,
        ap: PackedMut<'_, T>,
    ) -> Result<()> {
        by_column::packed_rank_update("spr2", false, uplo, alpha, x, Some(y), ap)
    }

    fn hpr2(
        &self,
        uplo: Uplo,
        alpha: T,
        x: VecRef<'_, T>,
        y: VecRef<'_, T>,
        ap: PackedMut<'_, T>,
    ) -> Result<()> {
        by_column::packed_rank_update("hpr2", true, uplo, alpha, x, Some(y), ap)
    }
}

impl Fast {
    /// `trsv` (`solve`) or `trmv` on blocks of order [`TRSV_BLOCK`] of `op(A)`: each diagonal
    /// block by the reference's loop, its coupling to the rest of `x` as one gemv on the
    /// stored panel beside the block, whose runs are long either way:
    /// - right-looking where the panel's stored runs follow `op(A)`'s columns (no transpose of a
    ///   column-major A): `x[other] -/+= op(A)[other, block] x[block]`, gemv's axpy form;
    /// - left-looking otherwise: `x[block] -/+= op(A)[block, other] x[other]`, its dot form.
    ///
    /// (Right-looking on a transpose made gemv's columns 64 elements long: dtrsv 4096 ran at
    /// a third of the speed of the untransposed solve.) The blocks go in the order the
    /// dependencies allow: a solve of a lower `op(A)` top-down, a product bottom-up.
    fn triangular_blocked<T: GemmScalar>(
        &self,
        solve: bool,
        uplo: Uplo,
        trans: Trans,
        diag: Diag,
        a: MatRef<'_, T>,
        mut x: VecMut<'_, T>,
    ) -> Result<()> {
        let n = a.rows();
        let mut z = x.to_vec();
        let lower = (uplo == Uplo::Lower) == (trans == Trans::No);
        let right = (trans == Trans::No) == (a.row_stride() == 1);
        let starts: Vec<usize> = (0..n).step_by(TRSV_BLOCK).collect();
        let order: Box<dyn Iterator<Item = &usize>> = if lower == solve {
            Box::new(starts.iter())
        } else {
            Box::new(starts.iter().rev())
        };
        let sign = if solve { -T::one() } else { T::one() };
        for &k in order {
            let nb = TRSV_BLOCK.min(n - k);
            let block = k..k + nb;
            let diagonal = |z: &mut [T]| {
                let (d, zb) = (
                    a.submatrix(k, k, nb, nb),
                    VecMut::from_slice(&mut z[k..k + nb]),
                );
                if solve {
                    Reference.trsv(uplo, trans, diag, d, zb)
                } else {
                    Reference.trmv(uplo, trans, diag, d, zb)
                }
            };
            // The rest of x coupled to the block: after it or before it.
            let other = if lower == right { k + nb..n } else { 0..k };
            // The diagonal block first where it makes the gemv's input (a right-looking
            // solve) or must see its own x before the gemv adds to it (a left-looking product).
            if solve == right {
                diagonal(&mut z)?;
            }
            if !other.is_empty() {
                // op(A)[rows, cols] as a view of A and the transpose gemv applies to it.
                let (rows, cols) = if right {
                    (other.clone(), block.clone())
                } else {
                    (block.clone(), other.clone())
                };
                let part = if trans == Trans::No {
                    a.submatrix(rows.start, cols.start, rows.len(), cols.len())
                } else {
                    a.submatrix(cols.start, rows.start, cols.len(), rows.len())
                };
                let (src, dst) = disjoint(&mut z, cols, rows);
                self.gemv(
                    trans,
                    sign,
                    part,
                    VecRef::from_slice(src),
                    T::one(),
                    VecMut::from_slice(dst),
                )?;
            }
            if solve != right {
                diagonal(&mut z)?;
            }
        }
        for (i, v) in z.into_iter().enumerate() {
            x.set(i, v);
        }
        Ok(())
    }

    /// `symv` (`herm`: `hemv`), blocked: each diagonal block ([`SYMV_BLOCK`]) by the
    /// reference, the stored panel of its columns below it (lower) or above it (upper), long
    /// columns either way, by both halves (the panel and its (conjugate) transpose) in one
    /// pass (`DotAxpyF`). (The panel right of an upper block, its transpose, would give the
    /// kernels columns of the block's order: `docs/tuning.md`, "level2: symv".)
    ///
    /// Threads take [`symv_groups`] of consecutive block columns, each summed into a vector
    /// of its own; the vectors are then added in group order. The groups depend on `n` only,
    /// so the result is the same on any number of threads.
    #[allow(clippy::too_many_arguments)]
    fn hemv_like<T: GemmScalar>(
        &self,
        herm: bool,
        uplo: Uplo,
        alpha: T,
        a: MatRef<'_, T>,
        x: VecRef<'_, T>,
        beta: T,
        mut y: VecMut<'_, T>,
    ) -> Result<()> {
        let routine = if herm { "hemv" } else { "symv" };
        let n = check_square(routine, "a", a.rows(), a.cols())?;
        check_sym_shapes(routine, n, x.len(), y.len())?;
        if n < 2 * SYMV_BLOCK {
            return if herm {
                Reference.hemv(uplo, alpha, a, x, beta, y)
            } else {
                Reference.symv(uplo, alpha, a, x, beta, y)
            };
        }
        if alpha == T::zero() && beta == T::one() {
            return Ok(());
        }
        scale_by_beta(beta, &mut y);
        if alpha == T::zero() {
            return Ok(());
        }
        let x = gathered(&x);
        let groups = symv_groups(n, uplo);
        let mut sums = vec![T::zero(); groups.len() * n];
        let ways = crate::fork::ways(
            self.par,
            n * n / 2 * size_of::<T>() / 8,
            PAR_ELEMENTS,
            groups.len(),
        );
        let sums_at = Shared(sums.as_ptr());
        crate::fork::for_each(ways, |t| {
            for g in (t..groups.len()).step_by(ways) {
                // SAFETY: group g's vector, `n` elements from `g * n` inside `sums`, which
                // stays borrowed until every share ends; only this share writes it.
                let s = unsafe {
                    std::slice::from_raw_parts_mut(sums_at.get().add(g * n).cast_mut(), n)
                };
                for k in groups[g].clone().step_by(SYMV_BLOCK) {
                    symv_block_column(herm, uplo, k, a, &x, s);
                }
            }
        });
        let (first, rest) = sums.split_at_mut(n);
        for g in rest.chunks_exact(n) {
            for (s, v) in first.iter_mut().zip(g) {
                *s += *v;
            }
        }
        add_scaled(alpha, first, &mut y);
        Ok(())
    }
}

/// Most groups symv shares out: their vectors cost `n` elements each to hold and add.
const SYMV_GROUPS: usize = 16;

/// symv's groups of block columns (column ranges starting on multiples of [`SYMV_BLOCK`]), each
/// about an equal share of the stored triangle's elements: one for each 2^16 elements of the
/// triangle, down to a power of two, at most [`SYMV_GROUPS`] (an order 4096 has 16 groups, 1000
/// has 4, under 362 one). They depend on `n` and `uplo` only, never on the thread count.
fn symv_groups(n: usize, uplo: Uplo) -> Vec<std::ops::Range<usize>> {
    // A power of two, so that as many threads as a machine usually has share them evenly.
    let count = ((n * n / 2) >> 16).clamp(1, SYMV_GROUPS);
    let count = 1 << count.ilog2();
    // The stored elements of the block columns up to column `k`.
    let area = |k: usize| {
        if uplo == Uplo::Upper {
            k * (k + 1) / 2
        } else {
            k * n - k * k.saturating_sub(1) / 2
        }
    };
    let total = area(n);
    let mut bounds = vec![0];
    for g in 1..count {
        let want = total / count * g;
        let mut k = *bounds.last().expect("starts with 0");
        while k < n && area(k) < want {
            k += SYMV_BLOCK;
        }
        bounds.push(k.min(n));
    }
    bounds.push(n);
    bounds.dedup();
    bounds.windows(2).map(|w| w[0]..w[1]).collect()
}

/// Block column `k` of symv (`herm`: hemv) added into `s`: `s[k block] += A[k block, k block]
/// x[k block]` by the reference, and for the stored panel `P` beside it `s[panel rows] += P
/// x[k block]` and `s[k block] += op(P) x[panel rows]`.
fn symv_block_column<T: GemmScalar>(
    herm: bool,
    uplo: Uplo,
    k: usize,
    a: MatRef<'_, T>,
    x: &[T],
    s: &mut [T],
) {
    let n = a.rows();
    let nb = SYMV_BLOCK.min(n - k);
    let one = T::one();
    let diag = a.submatrix(k, k, nb, nb);
    let xk = VecRef::from_slice(&x[k..k + nb]);
    let sk = VecMut::from_slice(&mut s[k..k + nb]);
    let done = if herm {
        Reference.hemv(uplo, one, diag, xk, one, sk)
    } else {
        Reference.symv(uplo, one, diag, xk, one, sk)
    };
    debug_assert!(done.is_ok(), "the shapes are right by construction");
    // The stored panel: below the block (lower) or above it (upper), rows `r0 ..< r0 + rows`.
    let (r0, rows) = if uplo == Uplo::Lower {
        (k + nb, n - k - nb)
    } else {
        (0, k)
    };
    if rows == 0 {
        return;
    }
    let (before, from_k) = s.split_at_mut(k);
    let (s_k, after) = from_k.split_at_mut(nb);
    let s_rows = if uplo == Uplo::Lower { after } else { before };
    let panel = a.submatrix(r0, k, rows, nb);
    let x_rows = &x[r0..r0 + rows];
    // Complex kernels need two lanes a vector (every ISA but the portable one).
    let kernels = !T::IS_COMPLEX || crate::selected_isa() != crate::Isa::Scalar;
    match columns(&panel).filter(|_| kernels) {
        Some((p, lda, false)) => {
            let mut t = [T::zero(); SYMV_BLOCK];
            let (a, x, w) = (p.cast::<T::Real>(), reals(x_rows), reals(&x[k..k + nb]));
            let (u, t_reals) = (reals_mut(s_rows), reals_mut(&mut t[..nb]));
            if T::IS_COMPLEX {
                let lda = 2 * lda;
                vectorize(DotAxpyF::<_, true> {
                    a,
                    lda,
                    x,
                    w,
                    u,
                    t: t_reals,
                    conj: herm,
                });
            } else {
                vectorize(DotAxpyF::<_, false> {
                    a,
                    lda,
                    x,
                    w,
                    u,
                    t: t_reals,
                    conj: false,
                });
            }
            for (s, t) in s_k.iter_mut().zip(&t) {
                *s += *t;
            }
        }
        _ => {
            let other = if herm { Trans::ConjTrans } else { Trans::Trans };
            let serial = Fast::new(Par::Seq);
            let (x_rows, xk) = (
                VecRef::from_slice(x_rows),
                VecRef::from_slice(&x[k..k + nb]),
            );
            let done = serial
                .gemv(Trans::No, one, panel, xk, one, VecMut::from_slice(s_rows))
                .and_then(|()| {
                    serial.gemv(other, one, panel, x_rows, one, VecMut::from_slice(s_k))
                });
            debug_assert!(done.is_ok(), "the shapes are right by construction");
        }
    }
}

/// `z[src]` to read and `z[dst]` to write, two ranges that do not overlap.
fn disjoint<T>(
    z: &mut [T],
    src: std::ops::Range<usize>,
    dst: std::ops::Range<usize>,
) -> (&[T], &mut [T]) {
    if src.start < dst.start {
        let (lo, hi) = z.split_at_mut(dst.start);
        (&lo[src], &mut hi[..dst.len()])
    } else {
        let (lo, hi) = z.split_at_mut(src.start);
        (&hi[..src.len()], &mut lo[dst])
    }
}

/// `syr`/`her` (`y` absent) and `syr2`/`her2` on the `uplo` triangle, column by column as the
/// reference (a column of a matrix with no unit row stride copied out and back,
/// [`strided::Strided::on_column`]): each column's part off the diagonal by
/// Level 1's `axpy` (rank 1) or `Axpy2` (rank 2) kernel, which round as the reference does,
/// the diagonal element as the reference computes it (for `her`, its real part). Columns are
/// shared between threads.
#[allow(clippy::too_many_arguments)]
fn rank_update<T: GemmScalar>(
    par: Par,
    routine: &'static str,
    herm: bool,
    uplo: Uplo,
    alpha: T,
    x: VecRef<'_, T>,
    y: Option<VecRef<'_, T>>,
    mut a: MatMut<'_, T>,
) -> Result<()> {
    let n = check_square(routine, "a", a.rows(), a.cols())?;
    check_len(routine, "x", x.len(), n, &format!("A of order {n}"))?;
    if let Some(y) = &y {
        check_len(routine, "y", y.len(), n, &format!("A of order {n}"))?;
    }
    if n == 0 || alpha == T::zero() {
        return Ok(());
    }
    let cj = |v: T| if herm { v.conj() } else { v };
    let xs = gathered(&x);
    let ys = y.as_ref().map(gathered);
    let unit = a.row_stride() == 1;
    let m = strided::Strided::of_mut(&mut a);
    // Column j's stored part, `col[k]` its row `span.start + k`: the rows of the triangle off
    // the diagonal by Level 1's kernels, then the diagonal element.
    let update = |j: usize, span: std::ops::Range<usize>, col: &mut [T]| {
        let d = j - span.start;
        let (xj, yj) = (xs[j], ys.as_ref().map_or(T::zero(), |y| y[j]));
        if xj == T::zero() && yj == T::zero() {
            if herm {
                col[d] = T::from_real(col[d].re());
            }
            return;
        }
        let (t1, t2) = match &ys {
            None => (alpha * cj(xj), T::zero()),
            Some(_) => (alpha * cj(yj), cj(alpha * xj)),
        };
        let (rows, off) = if uplo == Uplo::Lower {
            (j + 1..span.end, &mut col[1..])
        } else {
            (0..j, &mut col[..j])
        };
        match &ys {
            None => crate::level1::axpy_slice(t1, &xs[rows], off),
            Some(ys) => crate::level1::axpy2_slice(t1, &xs[rows.clone()], t2, &ys[rows], off),
        }
        let mut sum = xs[j] * t1;
        if let Some(ys) = &ys {
            sum += ys[j] * t2;
        }
        col[d] = if herm {
            T::from_real(col[d].re() + sum.re())
        } else {
            col[d] + sum
        };
    };
    let ways = crate::fork::ways(par, n * n / 2, PAR_ELEMENTS, n);
    let chunk = n.div_ceil(ways);
    crate::fork::for_each(ways, |t| {
        for j in t * chunk..((t + 1) * chunk).min(n) {
            let span = if uplo == Uplo::Lower { j..n } else { 0..j + 1 };
            if unit {
                // SAFETY: rows `span` of column j are inside A's storage, contiguous (unit row
                // stride), columns do not overlap (a valid view), and only this share writes
                // column j.
                let col =
                    unsafe { std::slice::from_raw_parts_mut(m.at(span.start, j), span.len()) };
                update(j, span, col);
            } else {
                // SAFETY: as above, without the contiguity.
                unsafe { m.on_column(j, span.clone(), |col| update(j, span, col)) };
            }
        }
    });
    Ok(())
}

/// `A <- A + alpha x y^T` (`conj`: `y^H`) as the reference computes it: a column whose `y_j` is
/// zero is skipped, the others get `x * (alpha y_j)` added, rounded as the reference rounds it
/// (`GerF`; Level 1's `axpy` where the ISA has no complex kernels), so the result is bitwise
/// the reference's.
fn ger<T: GemmScalar>(
    par: Par,
    conj: bool,
    alpha: T,
    x: VecRef<'_, T>,
    y: VecRef<'_, T>,
    mut a: MatMut<'_, T>,
) -> Result<()> {
    let routine = if conj { "gerc" } else { "geru" };
    check_ger_shapes(routine, &a, x.len(), y.len())?;
    let (rows, cols, rs, cs) = (a.rows(), a.cols(), a.row_stride(), a.col_stride());
    if rows == 0 || cols == 0 || alpha == T::zero() {
        return Ok(());
    }
    // Complex kernels need two lanes a vector (every ISA but the portable one).
    let fused = !T::IS_COMPLEX || crate::selected_isa() != crate::Isa::Scalar;
    if rs != 1 || cs <= 0 {
        if !fused {
            return if conj {
                Reference.gerc(alpha, x, y, a)
            } else {
                Reference.geru(alpha, x, y, a)
            };
        }
        let ys: Vec<T> = (0..cols).map(|j| y.get(j)).collect();
        let skip: Vec<bool> = ys.iter().map(|&v| v == T::zero()).collect();
        let t: Vec<T> = ys
            .iter()
            .map(|&v| alpha * if conj { v.conj() } else { v })
            .collect();
        strided::ger(par, &mut a, &gathered(&x), &t, &skip);
        return Ok(());
    }
    let xs = gathered(&x);
    let (data, off) = a.raw_parts_mut();
    let base = Shared(data[off..].as_mut_ptr().cast_const());
    let cs = cs as usize;
    let ways = crate::fork::ways(par, rows * cols, PAR_GER_ELEMENTS, cols);
    let chunk = cols.div_ceil(ways);
    crate::fork::for_each(ways, |t| {
        // The share's columns whose `y_j` is not zero, and their multipliers `alpha y_j`.
        let (mut ptrs, mut ts) = (Vec::new(), Vec::new());
        for j in t * chunk..((t + 1) * chunk).min(cols) {
            let yj = y.get(j);
            if yj != T::zero() {
                // SAFETY: column j (`rows` elements from `j * cs`) is inside A's storage.
                ptrs.push(unsafe { base.get().add(j * cs).cast_mut() });
                ts.push(alpha * if conj { yj.conj() } else { yj });
            }
        }
        if fused {
            let cols: Vec<*mut T::Real> = ptrs.iter().map(|p| p.cast()).collect();
            let (t, x) = (reals(&ts), reals(&xs));
            if T::IS_COMPLEX {
                vectorize(GerF::<_, true> { cols: &cols, t, x });
            } else {
                vectorize(GerF::<_, false> { cols: &cols, t, x });
            }
            return;
        }
        for (&p, &t) in ptrs.iter().zip(&ts) {
            // SAFETY: the column's `rows` elements are inside A's storage, columns do not
            // overlap (a valid view), and only this share writes them.
            let col = unsafe { std::slice::from_raw_parts_mut(p, rows) };
            crate::level1::axpy_slice(t, &xs, col);
        }
    });
    Ok(())
}
