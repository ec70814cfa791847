//! The band and packed routines of Level 2 on [`crate::Fast`], column by column. In band and packed
//! storage each column's stored part is contiguous, so every step is a one-column fused
//! kernel on it ([`ColumnOps`]): `axpy` where a column updates a vector (op(A) = A), `dot`
//! where a column meets one (op(A) = A^T or A^H), both at once for the symmetric products,
//! in the order of the reference BLAS's own loops. Each routine's loop over the columns runs
//! under one ISA token ([`Sweep`]): band columns are often short, and a dispatch and set-up a
//! column cost more than the column's work (dsbmv with 33-element columns ran at a quarter of
//! OpenBLAS's speed).
//!
//! Arguments are checked as the reference checks them (`hpc_core::check`). Vectors work on
//! contiguous copies, written back at the end. Results agree with the reference within
//! rounding (the sums run in another order), except the rank updates (`spr` family), which
//! round as the reference does.

use hpc_core::check::{check_band_triangle, check_gemv_shapes, check_len, check_sym_shapes};
use hpc_core::{BandRef, Diag, PackedMut, PackedRef, Result, Trans, Uplo, VecMut, VecRef};

use super::kernels::{ColumnOps, Sweep, sweep};
use crate::level1::{axpy_slice, axpy2_slice};
use crate::registry::GemmScalar;

/// Column `j` of a matrix read by columns: its first stored row and its stored elements.
type Column<'c, T> = (usize, &'c [T]);

/// `y <- beta y` then, unless alpha is zero, `y <- y + alpha s` where `s = op(A) x` comes from
/// `product`: the reference's `mv` order of special cases (nothing at all for alpha = 0 and
/// beta = 1; y not read for beta = 0).
fn mv<T: GemmScalar>(alpha: T, beta: T, mut y: VecMut<'_, T>, product: impl FnOnce(&mut [T])) {
    if y.is_empty() || (alpha == T::zero() && beta == T::one()) {
        return;
    }
    super::scale_by_beta(beta, &mut y);
    if alpha == T::zero() {
        return;
    }
    let mut s = vec![T::zero(); y.len()];
    product(&mut s);
    super::add_scaled(alpha, &s, &mut y);
}

/// `gbmv`: `y <- alpha op(A) x + beta y`, A a band matrix.
pub(super) fn gbmv<T: GemmScalar>(
    trans: Trans,
    alpha: T,
    a: BandRef<'_, T>,
    x: VecRef<'_, T>,
    beta: T,
    y: VecMut<'_, T>,
) -> Result<()> {
    check_gemv_shapes("gbmv", trans, a.rows(), a.cols(), x.len(), y.len())?;
    if a.rows() == 0 || a.cols() == 0 {
        return Ok(());
    }
    let x = super::gathered(&x);
    mv(alpha, beta, y, |s| {
        sweep::<T, _>(Gb {
            trans,
            a: &a,
            x: &x,
            s,
        })
    });
    Ok(())
}

/// gbmv's loop: `s <- op(A) x`.
struct Gb<'a, 'b, T> {
    trans: Trans,
    a: &'a BandRef<'b, T>,
    x: &'a [T],
    s: &'a mut [T],
}

impl<T: GemmScalar> Sweep for Gb<'_, '_, T> {
    type Output = ();

    #[inline(always)]
    fn run<O: ColumnOps>(self, ops: O) {
        let (x, s, conj) = (self.x, self.s, self.trans == Trans::ConjTrans);
        for j in 0..self.a.cols() {
            let (first, col) = self.a.column(j);
            let rows = first..first + col.len();
            if self.trans == Trans::No {
                ops.axpy(col, x[j], &mut s[rows]);
            } else {
                s[j] = ops.dot(col, &x[rows], conj);
            }
        }
    }
}

/// `sbmv`/`hbmv` (band) and `spmv`/`hpmv` (packed): `y <- alpha A x + beta y`, A symmetric
/// (`herm`: Hermitian, its diagonal's imaginary part taken as zero) with the `uplo` triangle
/// stored; `column(j)` gives that triangle's part of column j, the diagonal included.
#[allow(clippy::too_many_arguments)]
fn sym_mv<'c, T: GemmScalar + 'c>(
    herm: bool,
    uplo: Uplo,
    n: usize,
    column: impl Fn(usize) -> Column<'c, T>,
    alpha: T,
    x: VecRef<'_, T>,
    beta: T,
    y: VecMut<'_, T>,
) {
    let x = super::gathered(&x);
    mv(alpha, beta, y, |s| {
        sweep::<T, _>(Sym {
            herm,
            uplo,
            n,
            column,
            x: &x,
            s,
        })
    });
}

/// sym_mv's loop: `s <- A x`.
struct Sym<'a, F, T> {
    herm: bool,
    uplo: Uplo,
    n: usize,
    column: F,
    x: &'a [T],
    s: &'a mut [T],
}

impl<'c, T: GemmScalar + 'c, F: Fn(usize) -> Column<'c, T>> Sweep for Sym<'_, F, T> {
    type Output = ();

    #[inline(always)]
    fn run<O: ColumnOps>(self, ops: O) {
        let (x, s) = (self.x, self.s);
        for j in 0..self.n {
            let (first, col) = (self.column)(j);
            // The diagonal element and the column off it (below it: lower; above: upper).
            let (d, off, rows) = if self.uplo == Uplo::Lower {
                (col[0], &col[1..], j + 1..j + col.len())
            } else {
                (col[col.len() - 1], &col[..col.len() - 1], first..j)
            };
            let d = if self.herm { T::from_real(d.re()) } else { d };
            // A(rows, j) x_j, and row j of A (the column's (conjugate) transpose) times x.
            let t = ops.dot_axpy(off, &x[rows.clone()], x[j], &mut s[rows], self.herm);
            s[j] += d * x[j] + t;
        }
    }
}

pub(super) fn hbmv<T: GemmScalar>(
    herm: bool,
    uplo: Uplo,
    alpha: T,
    a: BandRef<'_, T>,
    x: VecRef<'_, T>,
    beta: T,
    y: VecMut<'_, T>,
) -> Result<()> {
    let routine = if herm { "hbmv" } else { "sbmv" };
    let n = check_band_triangle(routine, uplo, &a)?;
    check_sym_shapes(routine, n, x.len(), y.len())?;
    sym_mv(herm, uplo, n, |j| a.column(j), alpha, x, beta, y);
    Ok(())
}

pub(super) fn hpmv<T: GemmScalar>(
    herm: bool,
    uplo: Uplo,
    alpha: T,
    ap: PackedRef<'_, T>,
    x: VecRef<'_, T>,
    beta: T,
    y: VecMut<'_, T>,
) -> Result<()> {
    let routine = if herm { "hpmv" } else { "spmv" };
    let n = ap.n();
    check_sym_shapes(routine, n, x.len(), y.len())?;
    sym_mv(herm, uplo, n, |j| ap.column(uplo, j), alpha, x, beta, y);
    Ok(())
}

/// `tbmv`/`tpmv` (`solve`: `tbsv`/`tpsv`): `x <- op(A) x` or `x <- op(A)^-1 x`, A triangular
/// with `column(j)` its stored part of column j, the diagonal included (used unless `diag`
/// is unit). A solve divides by the diagonal as the reference does (its safe complex
/// quotient, not at all by an exact one).
#[allow(clippy::too_many_arguments)]
fn tri<'c, T: GemmScalar + 'c>(
    solve: bool,
    uplo: Uplo,
    trans: Trans,
    diag: Diag,
    n: usize,
    column: impl Fn(usize) -> Column<'c, T>,
    mut x: VecMut<'_, T>,
) {
    let mut z = x.to_vec();
    sweep::<T, _>(Tri {
        solve,
        uplo,
        trans,
        diag,
        n,
        column,
        z: &mut z,
    });
    for (i, v) in z.into_iter().enumerate() {
        x.set(i, v);
    }
}

/// tri's loop on `z`, a contiguous copy of x.
struct Tri<'a, F, T> {
    solve: bool,
    uplo: Uplo,
    trans: Trans,
    diag: Diag,
    n: usize,
    column: F,
    z: &'a mut [T],
}

impl<'c, T: GemmScalar + 'c, F: Fn(usize) -> Column<'c, T>> Sweep for Tri<'_, F, T> {
    type Output = ();

    #[inline(always)]
    fn run<O: ColumnOps>(self, ops: O) {
        let (solve, trans, n, z) = (self.solve, self.trans, self.n, self.z);
        let conj = trans == Trans::ConjTrans;
        let cj = |v: T| if conj { v.conj() } else { v };
        let lower = self.uplo == Uplo::Lower;
        let unit = self.diag == Diag::Unit;
        // The order in which each column meets only values it may use: a product needs the
        // entries not yet overwritten, a solve those already solved. Ascending for a lower A
        // solved or an upper A^T solved; a product the other way round.
        let ascending = if solve == (trans == Trans::No) {
            lower
        } else {
            !lower
        };
        // A solve with A itself goes SOLVE_COLS columns a step, the columns left one by one.
        let blocked = if solve && trans == Trans::No {
            solve_by_blocks(ops, lower, unit, n, &self.column, z)
        } else {
            0
        };
        for step in blocked..n {
            let j = if ascending { step } else { n - 1 - step };
            // Column j split into its diagonal and the part off it, with that part's rows.
            let (first, col) = (self.column)(j);
            let (d, off, rows) = if lower {
                (col[0], &col[1..], j + 1..j + col.len())
            } else {
                (col[col.len() - 1], &col[..col.len() - 1], first..j)
            };
            let d = cj(d);
            match (solve, trans == Trans::No) {
                // x = A x: x[rows] += off x_j (with the old x_j), then x_j = d x_j.
                (false, true) => {
                    let xj = z[j];
                    ops.axpy(off, xj, &mut z[rows]);
                    if !unit {
                        z[j] = d * xj;
                    }
                }
                // x = A^T x: x_j = d x_j + off . x[rows] (x[rows] still the old values).
                (false, false) => {
                    let t = ops.dot(off, &z[rows], conj);
                    z[j] = if unit { z[j] } else { d * z[j] } + t;
                }
                // Solve A z = b: z_j = b_j / d, then b[rows] -= off z_j.
                (true, true) => {
                    if !unit && d != T::one() {
                        z[j] = z[j].quot(d);
                    }
                    let zj = z[j];
                    // The next column's unknown first, by itself: it is read at once, and a
                    // load waits less on a scalar store than on a vector's.
                    // (The next is the first row of a lower column, the last of an upper.)
                    if !off.is_empty() {
                        let (next, rest, rest_rows) = if lower {
                            (rows.start, &off[1..], rows.start + 1..rows.end)
                        } else {
                            (
                                rows.end - 1,
                                &off[..off.len() - 1],
                                rows.start..rows.end - 1,
                            )
                        };
                        z[next] += off[next - rows.start] * -zj;
                        ops.axpy(rest, -zj, &mut z[rest_rows]);
                    }
                }
                // Solve A^T z = b: z_j = (b_j - off . z[rows]) / d.
                (true, false) => {
                    // The unknown solved last (the first row of a lower column, the last of an
                    // upper) added after the others' sum, which so need not wait for it.
                    let t = if off.is_empty() {
                        T::zero()
                    } else if lower {
                        let r = rows.start + 1..rows.end;
                        ops.dot(&off[1..], &z[r], conj) + cj(off[0]) * z[rows.start]
                    } else {
                        let (last, r) = (off.len() - 1, rows.start..rows.end - 1);
                        ops.dot(&off[..last], &z[r], conj) + cj(off[last]) * z[rows.end - 1]
                    };
                    let v = z[j] - t;
                    z[j] = if !unit && d != T::one() { v.quot(d) } else { v };
                }
            }
        }
    }
}

/// Columns a step of [`solve_by_blocks`]: four streams of A over one pass of x.
const SOLVE_COLS: usize = 4;

/// Fewest elements in a column for [`solve_by_blocks`] to take it: x's part for a shorter
/// column stays in L1 anyway, and the step's scalar work costs more than the passes saved.
const SOLVE_ROWS: usize = 512;

/// `A z = b` for triangular A (`lower`: solved top-down, else bottom-up), `column(j)` giving
/// A's stored part of column j, the diagonal included. Steps of [`SOLVE_COLS`] columns: each
/// column's unknown solved and its rows inside the step updated one by one, then the rows
/// after the step updated by all its columns in one pass ([`ColumnOps::axpy_n`]; the rows that
/// only some of them store, one column at a time). Every element gets the same products, in
/// the same order, as one column at a time gives it. Returns how many of the `n` steps it
/// took: whole steps, while the columns have [`SOLVE_ROWS`] elements.
#[inline(always)]
fn solve_by_blocks<'c, T: GemmScalar + 'c, O: ColumnOps>(
    ops: O,
    lower: bool,
    unit: bool,
    n: usize,
    column: &impl Fn(usize) -> Column<'c, T>,
    z: &mut [T],
) -> usize {
    const C: usize = SOLVE_COLS;
    let mut step = 0;
    while step + C <= n && column(if lower { step } else { n - 1 - step }).1.len() >= SOLVE_ROWS {
        // The step's rows, `b0 ..< b1`, and its columns in the order they are solved.
        let (b0, b1) = if lower {
            (step, step + C)
        } else {
            (n - step - C, n - step)
        };
        let mut parts: [(&[T], std::ops::Range<usize>); C] = Default::default();
        let mut w = [T::zero(); C];
        for (c, part) in parts.iter_mut().enumerate() {
            let j = if lower { b0 + c } else { b1 - 1 - c };
            let (first, col) = column(j);
            let (d, off, rows) = if lower {
                (col[0], &col[1..], j + 1..j + col.len())
            } else {
                (col[col.len() - 1], &col[..col.len() - 1], first..j)
            };
            if !unit && d != T::one() {
                z[j] = z[j].quot(d);
            }
            w[c] = -z[j];
            // The rows inside the step, all after j in the order of solving.
            let inside = rows.start.max(b0)..rows.end.min(b1);
            for r in inside {
                z[r] += off[r - rows.start] * w[c];
            }
            *part = (off, rows);
        }
        // The rows outside the step that every column stores: lower, `b1 ..< common`;
        // upper, `common ..< b0`. The unknown solved next first, by itself (a load waits less
        // on a scalar store than on a vector's).
        let outside = |rows: &std::ops::Range<usize>| {
            if lower {
                b1..rows.end.max(b1)
            } else {
                rows.start.min(b0)..b0
            }
        };
        let common = if lower {
            b1..parts
                .iter()
                .map(|(_, r)| outside(r).end)
                .min()
                .unwrap_or(b1)
        } else {
            parts
                .iter()
                .map(|(_, r)| outside(r).start)
                .max()
                .unwrap_or(b0)..b0
        };
        if !common.is_empty() {
            let next = if lower { common.start } else { common.end - 1 };
            for ((off, rows), &wc) in parts.iter().zip(&w) {
                z[next] += off[next - rows.start] * wc;
            }
            let rest = if lower {
                common.start + 1..common.end
            } else {
                common.start..common.end - 1
            };
            let cols = parts
                .each_ref()
                .map(|(off, rows)| &off[rest.start - rows.start..rest.end - rows.start]);
            ops.axpy_n(cols, w, &mut z[rest]);
        }
        // The rows only some columns store, column by column.
        for ((off, rows), &wc) in parts.iter().zip(&w) {
            let own = outside(rows);
            let own = if lower {
                own.start.max(common.end)..own.end
            } else {
                own.start..own.end.min(common.start)
            };
            if !own.is_empty() {
                let part = &off[own.start - rows.start..own.end - rows.start];
                ops.axpy(part, wc, &mut z[own]);
            }
        }
        step += C;
    }
    step
}

pub(super) fn tbxv<T: GemmScalar>(
    solve: bool,
    uplo: Uplo,
    trans: Trans,
    diag: Diag,
    a: BandRef<'_, T>,
    x: VecMut<'_, T>,
) -> Result<()> {
    let routine = if solve { "tbsv" } else { "tbmv" };
    let n = check_band_triangle(routine, uplo, &a)?;
    check_len(routine, "x", x.len(), n, &format!("A of order {n}"))?;
    tri(solve, uplo, trans, diag, n, |j| a.column(j), x);
    Ok(())
}

pub(super) fn tpxv<T: GemmScalar>(
    solve: bool,
    uplo: Uplo,
    trans: Trans,
    diag: Diag,
    ap: PackedRef<'_, T>,
    x: VecMut<'_, T>,
) -> Result<()> {
    let routine = if solve { "tpsv" } else { "tpmv" };
    let n = ap.n();
    check_len(routine, "x", x.len(), n, &format!("A of order {n}"))?;
    tri(solve, uplo, trans, diag, n, |j| ap.column(uplo, j), x);
    Ok(())
}

/// `spr`/`hpr` (`y` absent) and `spr2`/`hpr2` in packed storage, column by column as the
/// reference: each column's part off the diagonal by Level 1's `axpy` or `Axpy2` kernel,
/// which round as the reference does, the diagonal as the reference computes it.
#[allow(clippy::too_many_arguments)]
pub(super) fn packed_rank_update<T: GemmScalar>(
    routine: &'static str,
    herm: bool,
    uplo: Uplo,
    alpha: T,
    x: VecRef<'_, T>,
    y: Option<VecRef<'_, T>>,
    mut ap: PackedMut<'_, T>,
) -> Result<()> {
    let n = ap.n();
    check_len(routine, "x", x.len(), n, &format!("A of order {n}"))?;
    if let Some(y) = &y {
        check_len(routine, "y", y.len(), n, &format!("A of order {n}"))?;
    }
    if n == 0 || alpha == T::zero() {
        return Ok(());
    }
    let cj = |v: T| if herm { v.conj() } else { v };
    let xs = super::gathered(&x);
    let ys = y.as_ref().map(super::gathered);
    for (j, (first, col)) in ap.columns_mut(uplo).into_iter().enumerate() {
        // The diagonal's place in the column, and the rows off it.
        let (dj, rows) = if uplo == Uplo::Lower {
            (0, j + 1..j + col.len())
        } else {
            (col.len() - 1, first..j)
        };
        let (xj, yj) = (xs[j], ys.as_ref().map_or(T::zero(), |y| y[j]));
        if xj == T::zero() && yj == T::zero() {
            if herm {
                col[dj] = T::from_real(col[dj].re());
            }
            continue;
        }
        let (t1, t2) = match &ys {
            None => (alpha * cj(xj), T::zero()),
            Some(_) => (alpha * cj(yj), cj(alpha * xj)),
        };
        let (lo, hi) = (rows.start - first, rows.end - first);
        match &ys {
            None => axpy_slice(t1, &xs[rows], &mut col[lo..hi]),
            Some(ys) => axpy2_slice(t1, &xs[rows.clone()], t2, &ys[rows], &mut col[lo..hi]),
        }
        let mut update = xs[j] * t1;
        if let Some(ys) = &ys {
            update += ys[j] * t2;
        }
        col[dj] = if herm {
            T::from_real(col[dj].re() + update.re())
        } else {
            col[dj] + update
        };
    }
    Ok(())
}
