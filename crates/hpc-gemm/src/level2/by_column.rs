//! The band and packed routines of Level 2 on [`crate::Fast`], column by column. In band and packed
//! storage each column's stored part is contiguous, so every step is a one-column fused
//! kernel on it ([`ColumnOps`]): `axpy` where a column updates a vector (op(A) = A), `dot`
//! where a column meets one (op(A) = A^T or A^H), both at once for the symmetric products,
//! in the order of the reference BLAS's own loops. Each routine's loop over the columns runs
//! under one ISA token ([`Sweep`]): band columns are often short, and a dispatch and set-up a
//! column cost more than the column's work (dsbmv with 33-element columns ran at a quarter of
//! OpenBLAS's speed).
//!
//! Threads: the products share out rows of the result (the column form: each thread takes
//! the columns' parts in its rows, in the one-pass order) or its elements (the row form),
//! cut by the triangle's work; symmetric products then run their two halves as two passes.
//! Every element gets the same sum as on one thread, bit for bit. Solves run on one.
//!
//! Arguments are checked as the reference checks them (`hpc_core::check`). Vectors work on
//! contiguous copies, written back at the end. Results agree with the reference within
//! rounding (the sums run in another order), except the rank updates (`spr` family), which
//! round as the reference does.

use hpc_core::check::{check_band_triangle, check_gemv_shapes, check_len, check_sym_shapes};
use hpc_core::{BandRef, Diag, PackedMut, PackedRef, Result, Trans, Uplo, VecMut, VecRef};

use super::kernels::{ColumnOps, Sweep, sweep};
use crate::Par;
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

/// Threads for a routine on `stored` elements of `T` cut in `parts` rows or columns: as
/// gemv's ([`super::PAR_ELEMENTS`], counted in 8-byte elements).
fn ways<T>(par: Par, stored: usize, parts: usize) -> usize {
    crate::fork::ways(par, stored * size_of::<T>() / 8, super::PAR_ELEMENTS, parts)
}

/// Runs `f(start, piece)` on `s` cut in `ways` consecutive pieces (`start`: the first's
/// index) of about equal work, `work(i)` that of element `i`, one a thread.
fn on_pieces<T: Copy + Send>(
    ways: usize,
    s: &mut [T],
    work: impl Fn(usize) -> usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    let (n, ways) = (s.len(), ways.max(1));
    let total: usize = (0..n).map(&work).sum();
    let (mut bounds, mut done) = (vec![0], 0);
    for i in 0..n {
        done += work(i);
        while bounds.len() < ways && done * ways >= total * bounds.len() {
            bounds.push(i + 1);
        }
    }
    bounds.resize(ways, n);
    bounds.push(n);
    let base = super::Shared(s.as_mut_ptr().cast_const());
    crate::fork::for_each(ways, |t| {
        let (a, b) = (bounds[t], bounds[t + 1]);
        // SAFETY: the pieces `a ..< b` are disjoint ranges inside `s`, which stays mutably
        // borrowed until every share is done; each is handed to one share only.
        let piece = unsafe { std::slice::from_raw_parts_mut(base.get().add(a).cast_mut(), b - a) };
        f(a, piece);
    });
}

/// The work of row (`rows`) or column `i` of a triangle (`lower`) of order `n` stored at most
/// `reach` rows from its diagonal: the elements it stores off the diagonal, and one.
fn triangle_work(lower: bool, reach: usize, n: usize, rows: bool) -> impl Fn(usize) -> usize {
    move |i| {
        // Elements before the diagonal (a lower row, an upper column), else after it.
        let before = if lower == rows { i } else { n - 1 - i };
        before.min(reach) + 1
    }
}

/// The part of `col` (stored from row `first`) in rows `start ..< start + len`, and those
/// rows less `start`; `None` where they do not meet.
#[inline(always)]
fn meet<T>(
    first: usize,
    col: &[T],
    start: usize,
    len: usize,
) -> Option<(&[T], std::ops::Range<usize>)> {
    let (lo, hi) = (first.max(start), (first + col.len()).min(start + len));
    (lo < hi).then(|| (&col[lo - first..hi - first], lo - start..hi - start))
}

/// `gbmv`: `y <- alpha op(A) x + beta y`, A a band matrix. Threads take rows of y (A) or
/// its elements (A^T, A^H): each element gets the same sum, in the same order, on any.
pub(super) fn gbmv<T: GemmScalar>(
    par: Par,
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
    let stored = a.cols() * (a.kl() + a.ku() + 1);
    mv(alpha, beta, y, |s| {
        on_pieces(
            ways::<T>(par, stored, s.len()),
            s,
            |_| 1,
            |start, s| {
                sweep::<T, _>(Gb {
                    trans,
                    a: &a,
                    x: &x,
                    s,
                    start,
                })
            },
        )
    });
    Ok(())
}

/// gbmv's loop: `s <- op(A) x` on the rows (A) or elements (A^T, A^H) of `s` from `start`.
struct Gb<'a, 'b, T> {
    trans: Trans,
    a: &'a BandRef<'b, T>,
    x: &'a [T],
    s: &'a mut [T],
    start: usize,
}

impl<T: GemmScalar> Sweep for Gb<'_, '_, T> {
    type Output = ();

    #[inline(always)]
    fn run<O: ColumnOps>(self, ops: O) {
        let (a, x, s, start) = (self.a, self.x, self.s, self.start);
        let (len, conj) = (s.len(), self.trans == Trans::ConjTrans);
        if self.trans == Trans::No {
            // The columns that store rows start ..< start + len.
            let cols = start.saturating_sub(a.kl())..(start + len + a.ku()).min(a.cols());
            for j in cols {
                let (first, col) = a.column(j);
                if let Some((part, rows)) = meet(first, col, start, len) {
                    ops.axpy(part, x[j], &mut s[rows]);
                }
            }
        } else {
            for (j, s) in (start..).zip(s.iter_mut()) {
                let (first, col) = a.column(j);
                *s = ops.dot(col, &x[first..first + col.len()], conj);
            }
        }
    }
}

/// `sbmv`/`hbmv` (band) and `spmv`/`hpmv` (packed): `y <- alpha A x + beta y`, A symmetric
/// (`herm`: Hermitian, its diagonal's imaginary part taken as zero) with the `uplo` triangle
/// stored; `column(j)` gives that triangle's part of column j, the diagonal included.
#[allow(clippy::too_many_arguments)]
fn sym_mv<'c, T: GemmScalar + 'c>(
    par: Par,
    herm: bool,
    uplo: Uplo,
    (n, reach, stored): (usize, usize, usize),
    column: impl Fn(usize) -> Column<'c, T> + Sync,
    alpha: T,
    x: VecRef<'_, T>,
    beta: T,
    y: VecMut<'_, T>,
) {
    let x = super::gathered(&x);
    mv(alpha, beta, y, |s| {
        let ways = ways::<T>(par, stored, n);
        if ways == 1 {
            let (column, x) = (&column, &x[..]);
            return sweep::<T, _>(Sym {
                herm,
                uplo,
                n,
                column,
                x,
                s,
            });
        }
        // On threads, the two halves of each column in two passes, each shared out: element
        // i gets (lower) the products of the columns before it, then its own row's, or
        // (upper) its row's, then those of the columns after it, as in one pass.
        let dots_first = uplo == Uplo::Upper;
        for dots in [dots_first, !dots_first] {
            let work = triangle_work(uplo == Uplo::Lower, reach, n, !dots);
            on_pieces(ways, s, work, |start, s| {
                sweep::<T, _>(SymHalf {
                    dots,
                    herm,
                    uplo,
                    n,
                    reach,
                    column: &column,
                    x: &x,
                    s,
                    start,
                })
            });
        }
    });
}

/// Column `j` of a symmetric (`herm`: Hermitian) A's `uplo` triangle split: its diagonal
/// element (Hermitian: its real part), the elements off it and their rows.
#[inline(always)]
fn sym_split<T: GemmScalar>(
    herm: bool,
    uplo: Uplo,
    j: usize,
    (first, col): Column<'_, T>,
) -> Split<'_, T> {
    let (d, off, rows) = if uplo == Uplo::Lower {
        (col[0], &col[1..], j + 1..j + col.len())
    } else {
        (col[col.len() - 1], &col[..col.len() - 1], first..j)
    };
    (if herm { T::from_real(d.re()) } else { d }, off, rows)
}

/// sym_mv's loop: `s <- A x`, both halves of each column in one pass.
struct Sym<'a, F, T> {
    herm: bool,
    uplo: Uplo,
    n: usize,
    column: &'a F,
    x: &'a [T],
    s: &'a mut [T],
}

impl<'c, T: GemmScalar + 'c, F: Fn(usize) -> Column<'c, T>> Sweep for Sym<'_, F, T> {
    type Output = ();

    #[inline(always)]
    fn run<O: ColumnOps>(self, ops: O) {
        let (x, s) = (self.x, self.s);
        for j in 0..self.n {
            let (d, off, rows) = sym_split(self.herm, self.uplo, j, (self.column)(j));
            // A(rows, j) x_j, and row j of A (the column's (conjugate) transpose) times x.
            let t = ops.dot_axpy(off, &x[rows.clone()], x[j], &mut s[rows], self.herm);
            s[j] += d * x[j] + t;
        }
    }
}

/// The columns of a triangle (`lower`) of order `n`, stored at most `reach` rows from its
/// diagonal, that may store rows in `rows` off their diagonal (a superset: the caller meets
/// each column with the rows).
fn columns_meeting(
    lower: bool,
    reach: usize,
    n: usize,
    rows: std::ops::Range<usize>,
) -> std::ops::Range<usize> {
    if lower {
        rows.start.saturating_sub(reach)..rows.end.min(n)
    } else {
        rows.start..(rows.end + reach).min(n)
    }
}

/// One of sym_mv's halves on the elements of `s` from `start`: with `dots`, each element's
/// own row (`s_j += d x_j + (column j)^T x`); else the columns' products (`s[rows] += (column
/// j) x_j`), from the columns that store those rows, at most `reach` rows from the diagonal.
struct SymHalf<'a, F, T> {
    dots: bool,
    herm: bool,
    uplo: Uplo,
    n: usize,
    reach: usize,
    column: &'a F,
    x: &'a [T],
    s: &'a mut [T],
    start: usize,
}

impl<'c, T: GemmScalar + 'c, F: Fn(usize) -> Column<'c, T>> Sweep for SymHalf<'_, F, T> {
    type Output = ();

    #[inline(always)]
    fn run<O: ColumnOps>(self, ops: O) {
        let (x, s, start, n) = (self.x, self.s, self.start, self.n);
        let len = s.len();
        let split = |j| sym_split(self.herm, self.uplo, j, (self.column)(j));
        if self.dots {
            for (j, s) in (start..).zip(s.iter_mut()) {
                let (d, off, rows) = split(j);
                *s += d * x[j] + ops.dot(off, &x[rows], self.herm);
            }
            return;
        }
        let lower = self.uplo == Uplo::Lower;
        for j in columns_meeting(lower, self.reach, n, start..start + len) {
            let (_, off, rows) = split(j);
            if let Some((part, mine)) = meet(rows.start, off, start, len) {
                ops.axpy(part, x[j], &mut s[mine]);
            }
        }
    }
}

pub(super) fn hbmv<T: GemmScalar>(
    par: Par,
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
    let k = a.kl().max(a.ku());
    let shape = (n, k, n * (k + 1));
    sym_mv(par, herm, uplo, shape, |j| a.column(j), alpha, x, beta, y);
    Ok(())
}

pub(super) fn hpmv<T: GemmScalar>(
    par: Par,
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
    let shape = (n, n, n * (n + 1) / 2);
    sym_mv(
        par,
        herm,
        uplo,
        shape,
        |j| ap.column(uplo, j),
        alpha,
        x,
        beta,
        y,
    );
    Ok(())
}

/// `tbmv`/`tpmv` (`solve`: `tbsv`/`tpsv`): `x <- op(A) x` or `x <- op(A)^-1 x`, A triangular
/// with `column(j)` its stored part of column j, the diagonal included (used unless `diag`
/// is unit). A solve divides by the diagonal as the reference does (its safe complex
/// quotient, not at all by an exact one).
#[allow(clippy::too_many_arguments)]
fn tri<'c, T: GemmScalar + 'c>(
    par: Par,
    solve: bool,
    uplo: Uplo,
    trans: Trans,
    diag: Diag,
    (n, reach, stored): (usize, usize, usize),
    column: impl Fn(usize) -> Column<'c, T> + Sync,
    mut x: VecMut<'_, T>,
) {
    // x itself where it is contiguous, else a contiguous copy written back at the end.
    let mut copy = (x.inc() != 1).then(|| x.to_vec());
    let z: &mut [T] = match copy.as_mut() {
        Some(z) => z,
        None => crate::level1::unit_mut(&mut x).expect("increment 1"),
    };
    let t = Triangle {
        lower: uplo == Uplo::Lower,
        conj: trans == Trans::ConjTrans,
        unit: diag == Diag::Unit,
    };
    // Products share out rows (A) or elements (A^T, A^H) of x, reading a copy of it; a
    // solve's columns wait on each other.
    let ways = if solve { 1 } else { ways::<T>(par, stored, n) };
    if ways == 1 {
        sweep::<T, _>(Tri {
            solve,
            trans,
            t,
            n,
            column,
            z,
        });
    } else {
        let old = z.to_vec();
        let work = triangle_work(t.lower, reach, n, trans == Trans::No);
        on_pieces(ways, z, work, |start, z| {
            sweep::<T, _>(TriProduct {
                plain: trans == Trans::No,
                t,
                n,
                reach,
                column: &column,
                x: &old,
                z,
                start,
            })
        });
    }
    if let Some(z) = copy {
        for (i, v) in z.into_iter().enumerate() {
            x.set(i, v);
        }
    }
}

/// A triangular product on the elements of `z` from `start`, `x` the vector before it: with
/// A (`plain`), the columns' products in the order of one pass ([`one_column`]), from the
/// columns that store those rows, at most `reach` rows from the diagonal, each row's diagonal
/// product at its own column; with A^T or A^H, each element's row. Each element gets the sum one pass
/// gives it, bit for bit.
struct TriProduct<'a, F, T> {
    plain: bool,
    t: Triangle,
    n: usize,
    reach: usize,
    column: &'a F,
    x: &'a [T],
    z: &'a mut [T],
    start: usize,
}

impl<'c, T: GemmScalar + 'c, F: Fn(usize) -> Column<'c, T>> Sweep for TriProduct<'_, F, T> {
    type Output = ();

    #[inline(always)]
    fn run<O: ColumnOps>(self, ops: O) {
        let (t, x, z, start, n) = (self.t, self.x, self.z, self.start, self.n);
        let len = z.len();
        let split = |j| t.split(j, (self.column)(j));
        if !self.plain {
            for (j, z) in (start..).zip(z.iter_mut()) {
                let (d, off, rows) = split(j);
                let s = ops.dot(off, &x[rows], t.conj);
                *z = if t.unit { x[j] } else { d * x[j] } + s;
            }
            return;
        }
        // One pass goes bottom-up for a lower A, top-down for an upper; a row's diagonal
        // product comes at its column, before any other column adds to it.
        let (lower, end) = (t.lower, start + len);
        let cols = columns_meeting(lower, self.reach, n, start..end);
        let at = |k: usize| {
            if lower {
                cols.end - 1 - k
            } else {
                cols.start + k
            }
        };
        // Whether column `at(k)` stores many of the piece's rows (a step of four is worth it).
        let long = |k: usize| {
            let rows = split(at(k)).2;
            rows.end.min(end).saturating_sub(rows.start.max(start)) >= SOLVE_ROWS
        };
        // No column is long in a band narrower than a step's columns.
        let steps = self.reach >= SOLVE_ROWS;
        let mut k = 0;
        while k < cols.len() {
            if steps && k + SOLVE_COLS <= cols.len() && (k..k + SOLVE_COLS).all(long) {
                let parts: [_; SOLVE_COLS] =
                    core::array::from_fn(|c| (at(k + c), split(at(k + c))));
                let first = at(if lower { k + SOLVE_COLS - 1 } else { k });
                let w = parts.each_ref().map(|&(j, _)| x[j]);
                product_step(ops, t, first..first + SOLVE_COLS, parts, w, z, start);
                k += SOLVE_COLS;
                continue;
            }
            let j = at(k);
            let (d, off, rows) = split(j);
            if !t.unit && (start..end).contains(&j) {
                z[j - start] = d * x[j];
            }
            if let Some((part, mine)) = meet(rows.start, off, start, len) {
                ops.axpy(part, x[j], &mut z[mine]);
            }
            k += 1;
        }
    }
}

/// tri's loop on `z`, a contiguous copy of x.
struct Tri<'a, F, T> {
    solve: bool,
    trans: Trans,
    t: Triangle,
    n: usize,
    column: F,
    z: &'a mut [T],
}

impl<'c, T: GemmScalar + 'c, F: Fn(usize) -> Column<'c, T>> Sweep for Tri<'_, F, T> {
    type Output = ();

    #[inline(always)]
    fn run<O: ColumnOps>(self, ops: O) {
        let (solve, trans, t, n, z) = (self.solve, self.trans, self.t, self.n, self.z);
        // The order in which each column meets only values it may use: a product needs the
        // entries not yet overwritten, a solve those already solved. Ascending for a lower A
        // solved or an upper A^T solved; a product the other way round.
        let ascending = if solve == (trans == Trans::No) {
            t.lower
        } else {
            !t.lower
        };
        let column = |step: usize| {
            let j = if ascending { step } else { n - 1 - step };
            (j, t.split(j, (self.column)(j)))
        };
        // One loop for each kind of step, each with its column step inlined once.
        match (solve, trans == Trans::No) {
            (true, true) => walk::<_, _, true, true>(ops, t, ascending, n, &column, z),
            (true, false) => walk::<_, _, true, false>(ops, t, ascending, n, &column, z),
            (false, true) => walk::<_, _, false, true>(ops, t, ascending, n, &column, z),
            (false, false) => walk::<_, _, false, false>(ops, t, ascending, n, &column, z),
        }
    }
}

/// The `n` steps of [`Tri`] (`SOLVE`: a solve; `PLAIN`: with A itself, else its (conjugate)
/// transpose), `column(step)` giving the step's column and its split: a solve, and a product
/// with A, take [`SOLVE_COLS`] columns a step where they are long, else one by one.
#[inline(always)]
fn walk<'c, O: ColumnOps, T: GemmScalar + 'c, const SOLVE: bool, const PLAIN: bool>(
    ops: O,
    t: Triangle,
    ascending: bool,
    n: usize,
    column: &impl Fn(usize) -> (usize, Split<'c, T>),
    z: &mut [T],
) {
    let mut step = 0;
    while step < n {
        let (j, part) = column(step);
        let long = |step| column(step).1.1.len() >= SOLVE_ROWS;
        if (SOLVE || PLAIN)
            && step + SOLVE_COLS <= n
            && part.1.len() >= SOLVE_ROWS
            && (1..SOLVE_COLS).all(|c| long(step + c))
        {
            let parts: [_; SOLVE_COLS] = core::array::from_fn(|c| column(step + c));
            let rows = if ascending {
                step..step + SOLVE_COLS
            } else {
                n - step - SOLVE_COLS..n - step
            };
            match (SOLVE, PLAIN) {
                (true, true) => solve_step(ops, t, rows, parts, z),
                (true, false) => solve_step_transposed(ops, t, rows, parts, z),
                _ => {
                    let w = parts.each_ref().map(|&(j, _)| z[j]);
                    product_step(ops, t, rows, parts, w, z, 0);
                }
            }
            step += SOLVE_COLS;
        } else {
            one_column(ops, t, SOLVE, PLAIN, j, part, z);
            step += 1;
        }
    }
}

/// The shape of a triangular routine's A, as its column steps need it.
#[derive(Clone, Copy)]
struct Triangle {
    lower: bool,
    /// op(A) = A^H.
    conj: bool,
    unit: bool,
}

/// Column `j` without its diagonal: (op of) the diagonal, the stored elements off it and
/// their rows (below it: lower; above: upper).
type Split<'c, T> = (T, &'c [T], std::ops::Range<usize>);

impl Triangle {
    #[inline(always)]
    fn split<T: GemmScalar>(self, j: usize, (first, col): Column<'_, T>) -> Split<'_, T> {
        let (d, off, rows) = if self.lower {
            (col[0], &col[1..], j + 1..j + col.len())
        } else {
            (col[col.len() - 1], &col[..col.len() - 1], first..j)
        };
        (if self.conj { d.conj() } else { d }, off, rows)
    }

    /// `v / d` as the reference divides (not at all by a unit or a one).
    #[inline(always)]
    fn divide<T: GemmScalar>(self, v: T, d: T) -> T {
        if !self.unit && d != T::one() {
            v.quot(d)
        } else {
            v
        }
    }

    /// `op(a) b`.
    #[inline(always)]
    fn times<T: GemmScalar>(self, a: T, b: T) -> T {
        if self.conj { a.conj() * b } else { a * b }
    }
}

/// Column `j` of a triangular product (`solve`: solve) with A (`plain`) or its (conjugate)
/// transpose, in the reference's order.
#[inline(always)]
fn one_column<O: ColumnOps, T: GemmScalar>(
    ops: O,
    t: Triangle,
    solve: bool,
    plain: bool,
    j: usize,
    (d, off, rows): Split<'_, T>,
    z: &mut [T],
) {
    match (solve, plain) {
        // x = A x: x[rows] += off x_j (with the old x_j), then x_j = d x_j.
        (false, true) => {
            let xj = z[j];
            ops.axpy(off, xj, &mut z[rows]);
            if !t.unit {
                z[j] = d * xj;
            }
        }
        // x = A^T x: x_j = d x_j + off . x[rows] (x[rows] still the old values).
        (false, false) => {
            let s = ops.dot(off, &z[rows], t.conj);
            z[j] = if t.unit { z[j] } else { d * z[j] } + s;
        }
        // Solve A z = b: z_j = b_j / d, then b[rows] -= off z_j.
        (true, true) => {
            z[j] = t.divide(z[j], d);
            ops.axpy(off, -z[j], &mut z[rows]);
        }
        // Solve A^T z = b: z_j = (b_j - off . z[rows]) / d. The unknown solved last (the
        // first row of a lower column, the last of an upper) added after the others' sum,
        // which so need not wait for it.
        (true, false) => {
            let s = if off.is_empty() {
                T::zero()
            } else {
                let (last, rest) = if t.lower {
                    (rows.start, rows.start + 1..rows.end)
                } else {
                    (rows.end - 1, rows.start..rows.end - 1)
                };
                let part = &off[rest.start - rows.start..rest.end - rows.start];
                ops.dot(part, &z[rest], t.conj) + t.times(off[last - rows.start], z[last])
            };
            z[j] = t.divide(z[j] - s, d);
        }
    }
}

/// Columns a step of the solves where columns are long ([`solve_step`]): four streams of A
/// over one pass of x.
const SOLVE_COLS: usize = 4;

/// Fewest elements off the diagonal in each column of a step for the solves to take it whole: x's part for a
/// shorter column stays in L1 anyway, and the step's scalar work costs more than the passes
/// saved.
const SOLVE_ROWS: usize = 512;

/// Of the rows that the columns of a step on `block` store outside it (`lower`: after it;
/// else before it), those all of them store, and for each column, those only some store.
#[inline(always)]
fn outside_rows<T, const C: usize>(
    lower: bool,
    block: &std::ops::Range<usize>,
    parts: &[(usize, Split<'_, T>); C],
) -> (std::ops::Range<usize>, [std::ops::Range<usize>; C]) {
    let outside = |rows: &std::ops::Range<usize>| {
        if lower {
            block.end..rows.end.max(block.end)
        } else {
            rows.start.min(block.start)..block.start
        }
    };
    let common = if lower {
        block.end
            ..parts
                .iter()
                .map(|(_, (_, _, r))| outside(r).end)
                .min()
                .unwrap_or(block.end)
    } else {
        parts
            .iter()
            .map(|(_, (_, _, r))| outside(r).start)
            .max()
            .unwrap_or(block.start)..block.start
    };
    let own = parts.each_ref().map(|(_, (_, _, rows))| {
        let o = outside(rows);
        if lower {
            o.start.max(common.end)..o.end
        } else {
            o.start..o.end.min(common.start)
        }
    });
    (common, own)
}

/// `off`'s elements for the rows `r` (inside `rows`).
#[inline(always)]
fn rows_of<'c, T>(
    off: &'c [T],
    rows: &std::ops::Range<usize>,
    r: &std::ops::Range<usize>,
) -> &'c [T] {
    &off[r.start - rows.start..r.end - rows.start]
}

/// A step of `A z = b` on the rows `block`, its columns `parts` in the order of solving:
/// each column's unknown solved and its rows inside the step updated one by one, then the
/// rows after the step updated by all its columns in one pass ([`ColumnOps::axpy_n`]; the
/// next unknown first, by itself, and the rows that only some columns store one column at a
/// time). Every element gets the same products, in the same order, as [`one_column`] gives
/// it.
#[inline(always)]
fn solve_step<O: ColumnOps, T: GemmScalar, const C: usize>(
    ops: O,
    t: Triangle,
    block: std::ops::Range<usize>,
    parts: [(usize, Split<'_, T>); C],
    z: &mut [T],
) {
    let mut w = [T::zero(); C];
    for (&(j, (d, off, ref rows)), w) in parts.iter().zip(&mut w) {
        z[j] = t.divide(z[j], d);
        *w = -z[j];
        // The rows inside the step, all after j in the order of solving.
        for r in rows.start.max(block.start)..rows.end.min(block.end) {
            z[r] += off[r - rows.start] * *w;
        }
    }
    let (common, own) = outside_rows(t.lower, &block, &parts);
    if !common.is_empty() {
        let (next, rest) = if t.lower {
            (common.start, common.start + 1..common.end)
        } else {
            (common.end - 1, common.start..common.end - 1)
        };
        for ((_, (_, off, rows)), &w) in parts.iter().zip(&w) {
            z[next] += off[next - rows.start] * w;
        }
        let cols = parts
            .each_ref()
            .map(|(_, (_, off, rows))| rows_of(off, rows, &rest));
        ops.axpy_n(cols, w, &mut z[rest]);
    }
    for (((_, (_, off, rows)), &w), own) in parts.iter().zip(&w).zip(own) {
        if !own.is_empty() {
            ops.axpy(rows_of(off, rows, &own), w, &mut z[own]);
        }
    }
}

/// A step of `x <- A x` on the columns `parts` (in the order of one pass, their indices the
/// rows `block`), `w` their entries of x before the product, over the rows `start ..<
/// start + z.len()` of the result, held in `z`: the rows inside the step one by one, each
/// column's diagonal product at the column, then the rows outside the step by all the columns
/// in one pass ([`ColumnOps::axpy_n`]; the rows only some columns store one column at a
/// time). Every element gets the same products, in the same order, as [`one_column`] gives it.
#[inline(always)]
fn product_step<O: ColumnOps, T: GemmScalar, const C: usize>(
    ops: O,
    t: Triangle,
    block: std::ops::Range<usize>,
    parts: [(usize, Split<'_, T>); C],
    w: [T; C],
    z: &mut [T],
    start: usize,
) {
    let end = start + z.len();
    let inside =
        |r: &std::ops::Range<usize>| r.start.max(start)..r.end.min(end).max(r.start.max(start));
    for (&(j, (d, off, ref rows)), &w) in parts.iter().zip(&w) {
        // The rows inside the step that column j stores: those of the columns before it.
        for r in inside(&(rows.start.max(block.start)..rows.end.min(block.end))) {
            z[r - start] += off[r - rows.start] * w;
        }
        if !t.unit && (start..end).contains(&j) {
            z[j - start] = d * w;
        }
    }
    let (common, own) = outside_rows(t.lower, &block, &parts);
    let common = inside(&common);
    if !common.is_empty() {
        let cols = parts
            .each_ref()
            .map(|(_, (_, off, rows))| rows_of(off, rows, &common));
        ops.axpy_n(cols, w, &mut z[common.start - start..common.end - start]);
    }
    for (((_, (_, off, rows)), &w), own) in parts.iter().zip(&w).zip(own) {
        let own = inside(&own);
        if !own.is_empty() {
            ops.axpy(
                rows_of(off, rows, &own),
                w,
                &mut z[own.start - start..own.end - start],
            );
        }
    }
}

/// A step of `op(A) z = b` (op(A) = A^T or A^H) on the rows `block`, its columns `parts` in
/// the order of solving: the columns' sums over the rows outside the step (all solved) in one
/// pass ([`ColumnOps::dot_n`]; the rows that only some columns store one column at a time),
/// then each column's products inside the step, and its unknown.
#[inline(always)]
fn solve_step_transposed<O: ColumnOps, T: GemmScalar, const C: usize>(
    ops: O,
    t: Triangle,
    block: std::ops::Range<usize>,
    parts: [(usize, Split<'_, T>); C],
    z: &mut [T],
) {
    let (common, own) = outside_rows(t.lower, &block, &parts);
    let cols = parts
        .each_ref()
        .map(|(_, (_, off, rows))| rows_of(off, rows, &common));
    let mut s = ops.dot_n(cols, &z[common.clone()], t.conj);
    for ((s, (_, (_, off, rows))), own) in s.iter_mut().zip(&parts).zip(own) {
        if !own.is_empty() {
            *s += ops.dot(rows_of(off, rows, &own), &z[own], t.conj);
        }
    }
    for (&(j, (d, off, ref rows)), mut s) in parts.iter().zip(s) {
        // The rows inside the step, all solved before j.
        for r in rows.start.max(block.start)..rows.end.min(block.end) {
            s += t.times(off[r - rows.start], z[r]);
        }
        z[j] = t.divide(z[j] - s, d);
    }
}

pub(super) fn tbxv<T: GemmScalar>(
    par: Par,
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
    let k = a.kl().max(a.ku());
    let shape = (n, k, n * (k + 1));
    tri(par, solve, uplo, trans, diag, shape, |j| a.column(j), x);
    Ok(())
}

pub(super) fn tpxv<T: GemmScalar>(
    par: Par,
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
    let shape = (n, n, n * (n + 1) / 2);
    tri(
        par,
        solve,
        uplo,
        trans,
        diag,
        shape,
        |j| ap.column(uplo, j),
        x,
    );
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
