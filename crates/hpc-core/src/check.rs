//! The one check layer: every argument rule of the BLAS, written once and shared by the
//! reference, the fast implementations and the bindings, so that each error reads the same
//! whichever implementation runs and whichever language called.
//!
//! - Shapes: `op(A)`'s dimensions ([`op_dims`]), the shape agreements of each routine
//!   (`check_gemm`, `check_gemv_shapes`, ...), each failing with an [`Error`] that names the
//!   routine and the argument.
//! - Memory: the extent of a strided operand ([`extent`], [`Span`]), whether it fits its
//!   buffer ([`check_fits`]), whether a writable one has two elements at one address
//!   ([`check_no_self_overlap`]), and whether two operands share memory ([`Span::overlaps`]).
//!   The views' constructors (`MatRef::from_strided`, `MatRef::from_raw_parts`, ...) run them,
//!   and the bindings build every view through those constructors.

use crate::batch::{BatchMut, BatchRef};
use crate::error::{Error, ErrorKind, Result, invalid, mismatch};
use crate::scalar::Scalar;
use crate::view::{BandRef, MatMut, MatRef};
use crate::{Side, Trans, Uplo};

// Shapes shared by every level.

/// `(rows, cols)` of `op(M)` for an `r x c` matrix `M`.
pub fn op_dims(trans: Trans, r: usize, c: usize) -> (usize, usize) {
    match trans {
        Trans::No => (r, c),
        Trans::Trans | Trans::ConjTrans => (c, r),
    }
}

/// Checks that a vector argument has the length the matrix needs.
pub fn check_len(
    routine: &'static str,
    argument: &'static str,
    len: usize,
    needed: usize,
    why: &str,
) -> Result<()> {
    if len != needed {
        return Err(mismatch(
            routine,
            argument,
            format!("{argument} has {len} elements but {why} needs {needed}"),
        ));
    }
    Ok(())
}

/// Checks that a matrix argument is square (triangular, symmetric, Hermitian operands).
pub fn check_square(
    routine: &'static str,
    argument: &'static str,
    rows: usize,
    cols: usize,
) -> Result<usize> {
    if rows != cols {
        return Err(mismatch(
            routine,
            argument,
            format!("{argument} must be square but is {rows} x {cols}"),
        ));
    }
    Ok(rows)
}

// Level 2.

/// Checks `gemv`-like lengths: x has op(A)'s columns, y its rows.
pub fn check_gemv_shapes(
    routine: &'static str,
    trans: Trans,
    rows: usize,
    cols: usize,
    x: usize,
    y: usize,
) -> Result<()> {
    let (r, c) = op_dims(trans, rows, cols);
    check_len(routine, "x", x, c, &format!("op(A), which is {r} x {c},"))?;
    check_len(routine, "y", y, r, &format!("op(A), which is {r} x {c},"))
}

/// Checks that x and y have the order `n` of a symmetric, Hermitian or triangular A.
pub fn check_sym_shapes(routine: &'static str, n: usize, x: usize, y: usize) -> Result<()> {
    check_len(routine, "x", x, n, &format!("A of order {n}"))?;
    check_len(routine, "y", y, n, &format!("A of order {n}"))
}

/// Checks that a band view holds one triangle as the symmetric and triangular band routines
/// read it (see [`BandRef::triangle`]); returns the order.
pub fn check_band_triangle<T: Scalar>(
    routine: &'static str,
    uplo: Uplo,
    a: &BandRef<'_, T>,
) -> Result<usize> {
    let n = check_square(routine, "a", a.rows(), a.cols())?;
    let (kl, ku) = (a.kl(), a.ku());
    match uplo {
        Uplo::Upper if kl != 0 => Err(mismatch(
            routine,
            "a",
            format!(
                "uplo = Upper needs a band with kl = 0 (upper band storage), but kl = {kl}; build it with BandRef::triangle"
            ),
        )),
        Uplo::Lower if ku != 0 => Err(mismatch(
            routine,
            "a",
            format!(
                "uplo = Lower needs a band with ku = 0 (lower band storage), but ku = {ku}; build it with BandRef::triangle"
            ),
        )),
        _ => Ok(n),
    }
}

/// Checks `ger`-like lengths: x has A's rows, y its columns.
pub fn check_ger_shapes(
    routine: &'static str,
    a: &MatMut<'_, impl Scalar>,
    x: usize,
    y: usize,
) -> Result<()> {
    check_len(
        routine,
        "x",
        x,
        a.rows(),
        &format!("A, which is {} x {},", a.rows(), a.cols()),
    )?;
    check_len(
        routine,
        "y",
        y,
        a.cols(),
        &format!("A, which is {} x {},", a.rows(), a.cols()),
    )
}

// Level 3.

pub(crate) fn unsupported(routine: &'static str, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::UnsupportedOption, routine, "trans", message)
}

/// Checks that C, `rows x cols`, is `m x n` for a product whose left factor gives m rows and
/// right n columns.
pub(crate) fn check_c(
    routine: &'static str,
    (rows, cols): (usize, usize),
    m: usize,
    n: usize,
    what: &str,
) -> Result<()> {
    if (rows, cols) != (m, n) {
        return Err(mismatch(
            routine,
            "c",
            format!("C is {rows} x {cols} but {what} is {m} x {n}"),
        ));
    }
    Ok(())
}

/// Validates `gemm`: op(A) is `m x k`, op(B) `k x n`, C `m x n`. Returns `(m, n, k)`.
pub fn check_gemm<T: Scalar>(
    transa: Trans,
    transb: Trans,
    a: &MatRef<'_, T>,
    b: &MatRef<'_, T>,
    c: &MatMut<'_, T>,
) -> Result<(usize, usize, usize)> {
    gemm_shapes(
        "gemm",
        (transa, a.rows(), a.cols()),
        (transb, b.rows(), b.cols()),
        (c.rows(), c.cols()),
    )
}

/// Validates a batched gemm: as many matrices in each stack, each product's shapes as
/// [`check_gemm`] has them. Returns `(m, n, k)`.
pub fn check_gemm_batch<T: Scalar>(
    transa: Trans,
    transb: Trans,
    a: &BatchRef<'_, T>,
    b: &BatchRef<'_, T>,
    c: &BatchMut<'_, T>,
) -> Result<(usize, usize, usize)> {
    const R: &str = "gemm_batch";
    for (name, count) in [("a", a.count()), ("b", b.count())] {
        if count != c.count() {
            return Err(mismatch(
                R,
                name,
                format!(
                    "{} holds {count} matrices but C holds {}: every stack has one matrix a product (a batch stride of 0 repeats one)",
                    name.to_uppercase(),
                    c.count()
                ),
            ));
        }
    }
    gemm_shapes(
        R,
        (transa, a.rows(), a.cols()),
        (transb, b.rows(), b.cols()),
        (c.rows(), c.cols()),
    )
}

/// Checks group `g` of a grouped batch (`gemm_batch_grouped`): as many A and B as C, and
/// each product's shapes as [`check_gemm`] checks them.
pub fn check_gemm_group<T: Scalar>(
    g: usize,
    (transa, transb): (Trans, Trans),
    a: &[MatRef<'_, T>],
    b: &[MatRef<'_, T>],
    c: &[MatMut<'_, T>],
) -> Result<()> {
    const R: &str = "gemm_batch_grouped";
    for (name, count) in [("a", a.len()), ("b", b.len())] {
        if count != c.len() {
            return Err(mismatch(
                R,
                name,
                format!(
                    "group {g} has {count} matrices {} but {} matrices C: one of each a product",
                    name.to_uppercase(),
                    c.len()
                ),
            ));
        }
    }
    for (i, ((a, b), c)) in a.iter().zip(b).zip(c).enumerate() {
        gemm_shapes(
            R,
            (transa, a.rows(), a.cols()),
            (transb, b.rows(), b.cols()),
            (c.rows(), c.cols()),
        )
        .map_err(|e| {
            Error::new(
                e.kind(),
                R,
                e.argument(),
                format!("group {g}, product {i}: {}", e.message()),
            )
        })?;
    }
    Ok(())
}

/// The shapes of a product: op(A) `m x k` (A stored `rows x cols`), op(B) `k x n`, C `m x n`.
fn gemm_shapes(
    routine: &'static str,
    (transa, ar, ac): (Trans, usize, usize),
    (transb, br, bc): (Trans, usize, usize),
    (cr, cc): (usize, usize),
) -> Result<(usize, usize, usize)> {
    let (m, k) = op_dims(transa, ar, ac);
    let (kb, n) = op_dims(transb, br, bc);
    if kb != k {
        let stored = |name: &str, t: Trans, r: usize, c: usize| match t {
            Trans::No => String::new(),
            Trans::Trans => format!(" ({name} {r} x {c}, transposed)"),
            Trans::ConjTrans => format!(" ({name} {r} x {c}, conjugate-transposed)"),
        };
        return Err(mismatch(
            routine,
            "b",
            format!(
                "op(A) is {m} x {k}{} but op(B) is {kb} x {n}{}: op(B) must have k = {k} rows",
                stored("A", transa, ar, ac),
                stored("B", transb, br, bc)
            ),
        ));
    }
    check_c(routine, (cr, cc), m, n, "op(A) op(B)")?;
    Ok((m, n, k))
}

/// Validates `symm`/`hemm`: A square, of the order of B's rows (left) or columns (right), C
/// the shape of B.
pub fn check_symm<T: Scalar>(
    routine: &'static str,
    side: Side,
    a: &MatRef<'_, T>,
    b: &MatRef<'_, T>,
    c: &MatMut<'_, T>,
) -> Result<()> {
    check_side_order(routine, side, a, b.rows(), b.cols())?;
    let (m, n) = (b.rows(), b.cols());
    check_c(routine, (c.rows(), c.cols()), m, n, "B")
}

/// Validates `syrk`/`herk`/`syr2k`/`her2k`: `trans` allowed for the type, C square, A (and B)
/// `n x k` (or `k x n` transposed). Returns `k`.
pub fn check_rank_k<T: Scalar>(
    routine: &'static str,
    herm: bool,
    trans: Trans,
    a: &MatRef<'_, T>,
    b: Option<&MatRef<'_, T>>,
    c: &MatMut<'_, T>,
) -> Result<usize> {
    if T::IS_COMPLEX {
        match (herm, trans) {
            (false, Trans::ConjTrans) => {
                return Err(unsupported(
                    routine,
                    format!(
                        "{routine} on complex matrices accepts trans = No or Trans, not ConjTrans (use the Hermitian routine)"
                    ),
                ));
            }
            (true, Trans::Trans) => {
                return Err(unsupported(
                    routine,
                    format!(
                        "{routine} on complex matrices accepts trans = No or ConjTrans, not Trans (use the symmetric routine)"
                    ),
                ));
            }
            _ => {}
        }
    }
    let n = check_square(routine, "c", c.rows(), c.cols())?;
    let (rows, k) = op_dims(trans, a.rows(), a.cols());
    if rows != n {
        return Err(mismatch(
            routine,
            "a",
            format!("op(A) is {rows} x {k} but C is {n} x {n}: op(A) must have {n} rows"),
        ));
    }
    if let Some(b) = b {
        let (brows, bk) = op_dims(trans, b.rows(), b.cols());
        if (brows, bk) != (n, k) {
            return Err(mismatch(
                routine,
                "b",
                format!(
                    "op(B) is {brows} x {bk} but op(A) is {rows} x {k}: they must have the same shape"
                ),
            ));
        }
    }
    Ok(k)
}

/// Checks a triangular `A` against `B` for `trmm`/`trsm`.
pub fn check_tri_side<T: Scalar>(
    routine: &'static str,
    side: Side,
    a: &MatRef<'_, T>,
    b: &MatMut<'_, T>,
) -> Result<usize> {
    check_side_order(routine, side, a, b.rows(), b.cols())
}

/// Checks that a square `A` is of the order of an `m x n` B's rows (left) or columns (right);
/// the order.
fn check_side_order<T: Scalar>(
    routine: &'static str,
    side: Side,
    a: &MatRef<'_, T>,
    m: usize,
    n: usize,
) -> Result<usize> {
    let na = check_square(routine, "a", a.rows(), a.cols())?;
    let (needed, which) = match side {
        Side::Left => (m, "rows"),
        Side::Right => (n, "columns"),
    };
    if na != needed {
        return Err(mismatch(
            routine,
            "a",
            format!(
                "A is of order {na} but B has {needed} {which}: with side = {side:?}, A must be of order {needed}"
            ),
        ));
    }
    Ok(na)
}

// Memory: extents, fits and overlaps.

/// Where the element (0, 0) of a view lies in its slice, and the highest index it touches,
/// for a view of `dims` with `strides`; `None` when the extent overflows.
pub fn extent(dims: &[usize], strides: &[isize]) -> Option<(usize, usize)> {
    let mut lowest: isize = 0; // most negative displacement from (0, 0)
    let mut highest: isize = 0; // most positive displacement from (0, 0)
    for (&d, &s) in dims.iter().zip(strides) {
        let last = isize::try_from(d - 1).ok()?.checked_mul(s)?;
        if last < 0 {
            lowest = lowest.checked_add(last)?;
        } else {
            highest = highest.checked_add(last)?;
        }
    }
    let origin = lowest.checked_neg()?;
    let span = highest.checked_add(origin)?;
    Some((origin as usize, span as usize))
}

/// Checks that a view of `dims` and `strides` fits in `len` elements; returns the offset of
/// element (0, ..., 0).
pub fn check_fits(
    routine: &'static str,
    argument: &'static str,
    len: usize,
    dims: &[usize],
    strides: &[isize],
) -> Result<usize> {
    if dims.contains(&0) {
        return Ok(0);
    }
    let Some((origin, span)) = extent(dims, strides) else {
        return Err(invalid(
            routine,
            argument,
            format!("the extent of a view of shape {dims:?} with strides {strides:?} overflows"),
        ));
    };
    if span >= len {
        return Err(Error::new(
            ErrorKind::BufferTooSmall,
            routine,
            argument,
            format!(
                "a view of shape {dims:?} with strides {strides:?} needs {} elements, but the slice has {len}",
                span + 1
            ),
        ));
    }
    Ok(origin)
}

/// Checks that no two elements of a mutable matrix view share a location: sorted by stride
/// magnitude, each stride must step over the whole extent of the smaller one.
pub fn check_no_self_overlap(
    routine: &'static str,
    rows: usize,
    cols: usize,
    rs: isize,
    cs: isize,
) -> Result<()> {
    if distinct(&[rows, cols], &[rs, cs]) {
        return Ok(());
    }
    Err(invalid(
        routine,
        "strides",
        format!(
            "a writable {rows} x {cols} view with row stride {rs} and column stride {cs} would write some elements twice"
        ),
    ))
}

/// Whether the elements of a view of `dims` with `strides` are at distinct locations, by the
/// sufficient test the views use: sorted by stride magnitude, each stride steps over the
/// whole extent of the dimensions before it (the span from their first element to their
/// last). A view with no element passes (NumPy gives empty arrays zero strides).
pub fn distinct(dims: &[usize], strides: &[isize]) -> bool {
    if dims.contains(&0) {
        return true;
    }
    let mut dims: Vec<(usize, usize)> = dims
        .iter()
        .zip(strides)
        .filter(|&(&d, _)| d > 1)
        .map(|(&d, &s)| (d, s.unsigned_abs()))
        .collect();
    dims.sort_by_key(|&(_, s)| s);
    let mut covered = 1usize; // elements spanned by the dimensions so far
    for &(d, s) in &dims {
        if s < covered {
            return false;
        }
        covered = s.saturating_mul(d - 1).saturating_add(covered);
    }
    true
}

/// Checks a leading dimension: at least `min` (`what` names it) and at least 1.
pub fn check_ld(routine: &'static str, ld: usize, min: usize, what: &str) -> Result<()> {
    if ld < min.max(1) {
        return Err(invalid(
            routine,
            "ld",
            format!("ld = {ld} is smaller than {what} = {min} (and must be at least 1)"),
        ));
    }
    Ok(())
}

/// Checks that `len` elements hold packed storage of order `n`.
pub fn check_packed(routine: &'static str, len: usize, n: usize) -> Result<()> {
    let needed = n.checked_mul(n + 1).map(|x| x / 2).ok_or_else(|| {
        invalid(
            routine,
            "n",
            format!("n = {n} is too large for packed storage"),
        )
    })?;
    if len < needed {
        return Err(Error::new(
            ErrorKind::BufferTooSmall,
            routine,
            "data",
            format!(
                "packed storage of order {n} needs n (n + 1) / 2 = {needed} elements, but the slice has {len}"
            ),
        ));
    }
    Ok(())
}

/// The memory of a strided operand with at least one element: the element offsets
/// `lo..=hi`, relative to its element (0, ..., 0), that it touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// The lowest offset (`<= 0`).
    pub lo: isize,
    /// The highest offset (`>= 0`).
    pub hi: isize,
}

impl Span {
    /// The span of an operand of `dims` with `strides` (in elements): `Ok(None)` when it has
    /// no elements, an error naming `routine` and `argument` when its extent overflows.
    pub fn of(
        routine: &'static str,
        argument: &'static str,
        dims: &[usize],
        strides: &[isize],
    ) -> Result<Option<Span>> {
        if dims.contains(&0) {
            return Ok(None);
        }
        let Some((origin, span)) = extent(dims, strides) else {
            return Err(invalid(
                routine,
                argument,
                format!(
                    "the extent of a view of shape {dims:?} with strides {strides:?} overflows"
                ),
            ));
        };
        let lo = -(origin as isize);
        Ok(Some(Span {
            lo,
            hi: lo + span as isize,
        }))
    }

    /// The number of elements from the lowest offset to the highest (at least 1).
    pub fn elements(self) -> usize {
        (self.hi - self.lo) as usize + 1
    }

    /// The byte range `[start, end)` it covers for elements of `size` bytes, the element
    /// (0, ..., 0) at address `base`.
    pub fn bytes(self, base: usize, size: usize) -> (usize, usize) {
        let at = |off: isize| base.wrapping_add_signed(off.wrapping_mul(size as isize));
        (at(self.lo), at(self.hi).wrapping_add(size))
    }

    /// Whether two operands share a byte: `self` at `base` with elements of `size` bytes,
    /// `other` at `other_base` with elements of `other_size` bytes.
    pub fn overlaps(
        self,
        base: usize,
        size: usize,
        other: Span,
        other_base: usize,
        other_size: usize,
    ) -> bool {
        let (a, b) = (self.bytes(base, size), other.bytes(other_base, other_size));
        a.0 < b.1 && b.0 < a.1
    }
}
