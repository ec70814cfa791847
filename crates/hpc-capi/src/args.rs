//! Turning C/Fortran arguments into hpc's types: option characters, dimensions, and views over
//! caller memory whose extent the BLAS argument rules (already checked) guarantee.
//!
//! Every view is built over exactly the elements the BLAS contract says the caller provides
//! (`ld * (cols - 1) + rows` for a dense matrix, `1 + (n - 1) |inc|` for a vector, ...), never
//! more, so no slice ever claims memory the caller did not hand over.

use hpc_core::check::Span;
use hpc_core::{BandRef, Diag, MatMut, MatRef, PackedMut, PackedRef, Scalar, Side, Trans, Uplo};
use hpc_core::{BatchMut, BatchRef, VecMut, VecRef};
use std::ffi::c_char;

/// The first character of a Fortran CHARACTER argument, upper-cased (reference `LSAME`).
///
/// # Safety
/// `p` points to a readable byte.
pub(crate) unsafe fn ch(p: *const c_char) -> u8 {
    // SAFETY: forwarded.
    (unsafe { *p } as u8).to_ascii_uppercase()
}

/// `N`, `T`, `C` (`real` types take `C` as `T`, as the reference does for `op(A)`).
pub(crate) fn trans(c: u8) -> Option<Trans> {
    match c {
        b'N' => Some(Trans::No),
        b'T' => Some(Trans::Trans),
        b'C' => Some(Trans::ConjTrans),
        _ => None,
    }
}

/// `U`, `L`.
pub(crate) fn uplo(c: u8) -> Option<Uplo> {
    match c {
        b'U' => Some(Uplo::Upper),
        b'L' => Some(Uplo::Lower),
        _ => None,
    }
}

/// `U` (unit), `N` (non-unit).
pub(crate) fn diag(c: u8) -> Option<Diag> {
    match c {
        b'U' => Some(Diag::Unit),
        b'N' => Some(Diag::NonUnit),
        _ => None,
    }
}

/// `L`, `R`.
pub(crate) fn side(c: u8) -> Option<Side> {
    match c {
        b'L' => Some(Side::Left),
        b'R' => Some(Side::Right),
        _ => None,
    }
}

/// `max(1, n)` for a BLAS leading-dimension check.
pub(crate) fn max1(n: i32) -> i32 {
    n.max(1)
}

/// A dimension already checked to be `>= 0`.
pub(crate) fn dim(n: i32) -> usize {
    usize::try_from(n).expect("dimensions are checked before views are made")
}

/// The panic payload of an array argument that is a null pointer although the call needs
/// elements from it (the caller's bug): [`crate::backend::guard`] names the routine and the
/// argument and ends the process, as touching the array would.
#[derive(Debug)]
pub(crate) struct NullArray {
    /// The argument's name in the reference documentation (`A`, `X`, `AP`, ...).
    pub name: &'static str,
    /// Elements the call needs there.
    pub len: usize,
}

/// The caller's `len` elements at `p`, the array argument `name` (no elements: an empty slice,
/// whatever `p` is). A null `p` with `len > 0` panics with [`NullArray`].
///
/// # Safety
/// `p` is valid for `len` reads when `len > 0` and not null, and nothing writes there
/// meanwhile.
pub(crate) unsafe fn slice<'a, T>(name: &'static str, p: *const T, len: usize) -> &'a [T] {
    if len > 0 && p.is_null() {
        std::panic::panic_any(NullArray { name, len })
    }
    if len == 0 {
        &[]
    } else {
        // SAFETY: forwarded.
        unsafe { std::slice::from_raw_parts(p, len) }
    }
}

/// As [`slice`], writable.
///
/// # Safety
/// `p` is valid for `len` reads and writes when `len > 0` and not null, and no one else
/// accesses it.
pub(crate) unsafe fn slice_mut<'a, T>(name: &'static str, p: *mut T, len: usize) -> &'a mut [T] {
    if len > 0 && p.is_null() {
        std::panic::panic_any(NullArray { name, len })
    }
    if len == 0 {
        &mut []
    } else {
        // SAFETY: forwarded.
        unsafe { std::slice::from_raw_parts_mut(p, len) }
    }
}

/// Elements a column-major `rows x cols` array with leading dimension `ld` spans.
pub(crate) fn dense_len(rows: usize, cols: usize, ld: usize) -> usize {
    if rows == 0 || cols == 0 {
        0
    } else {
        ld * (cols - 1) + rows
    }
}

/// Elements a vector of `n` with increment `inc` spans.
pub(crate) fn vec_len(n: usize, inc: i32) -> usize {
    if n == 0 {
        0
    } else {
        1 + (n - 1) * inc.unsigned_abs() as usize
    }
}

/// The panic message a view constructor gives on arguments the BLAS checks let through: a bug.
const CHECKED: &str = "BLAS arguments are checked before views are made";

/// A column-major matrix view of caller memory.
///
/// # Safety
/// `p` holds a `rows x cols` array with leading dimension `ld >= max(1, rows)`.
pub(crate) unsafe fn mat<'a, T: Scalar>(
    name: &'static str,
    p: *const T,
    rows: usize,
    cols: usize,
    ld: i32,
) -> MatRef<'a, T> {
    let ld = dim(ld);
    // SAFETY: forwarded.
    let s = unsafe { slice(name, p, dense_len(rows, cols, ld)) };
    MatRef::from_col_major(s, rows, cols, ld.max(rows).max(1)).expect(CHECKED)
}

/// A writable column-major matrix view of caller memory.
///
/// # Safety
/// As [`mat`], writable and not aliased.
pub(crate) unsafe fn mat_mut<'a, T: Scalar>(
    name: &'static str,
    p: *mut T,
    rows: usize,
    cols: usize,
    ld: i32,
) -> MatMut<'a, T> {
    let ld = dim(ld);
    // SAFETY: forwarded.
    let s = unsafe { slice_mut(name, p, dense_len(rows, cols, ld)) };
    MatMut::from_col_major(s, rows, cols, ld.max(rows).max(1)).expect(CHECKED)
}

/// A vector view of caller memory (`inc` may be negative or, read-only, zero).
///
/// # Safety
/// `p` holds `1 + (n - 1) |inc|` elements.
pub(crate) unsafe fn vec<'a, T: Scalar>(
    name: &'static str,
    p: *const T,
    n: usize,
    inc: i32,
) -> VecRef<'a, T> {
    // SAFETY: forwarded.
    let s = unsafe { slice(name, p, vec_len(n, inc)) };
    VecRef::from_blas(s, n, inc as isize).expect(CHECKED)
}

/// A writable vector view of caller memory (`inc != 0` unless `n <= 1`).
///
/// # Safety
/// As [`vec`], writable and not aliased.
pub(crate) unsafe fn vec_mut<'a, T: Scalar>(
    name: &'static str,
    p: *mut T,
    n: usize,
    inc: i32,
) -> VecMut<'a, T> {
    // SAFETY: forwarded.
    let s = unsafe { slice_mut(name, p, vec_len(n, inc)) };
    VecMut::from_blas(s, n, inc as isize).expect(CHECKED)
}

/// A band matrix view (`?gbmv` storage) of caller memory.
///
/// # Safety
/// `p` holds the `ld x cols` band array (`ld >= kl + ku + 1`).
pub(crate) unsafe fn band<'a, T: Scalar>(
    name: &'static str,
    p: *const T,
    rows: usize,
    cols: usize,
    kl: usize,
    ku: usize,
    ld: i32,
) -> BandRef<'a, T> {
    let ld = dim(ld);
    let len = if rows == 0 || cols == 0 {
        0
    } else {
        // The highest element stored, as `BandRef::new` computes it.
        let last = (cols - 1).min(rows - 1 + ku);
        last * ld + ku + (rows - 1).min(last + kl) - last + 1
    };
    // SAFETY: forwarded.
    let s = unsafe { slice(name, p, len) };
    BandRef::new(s, rows, cols, kl, ku, ld).expect(CHECKED)
}

/// A packed triangle of order `n` in caller memory.
///
/// # Safety
/// `p` holds `n (n + 1) / 2` elements.
pub(crate) unsafe fn packed<'a, T: Scalar>(
    name: &'static str,
    p: *const T,
    n: usize,
) -> PackedRef<'a, T> {
    // SAFETY: forwarded.
    let s = unsafe { slice(name, p, n * (n + 1) / 2) };
    PackedRef::new(s, n).expect(CHECKED)
}

/// A writable packed triangle of order `n` in caller memory.
///
/// # Safety
/// As [`packed`], writable and not aliased.
pub(crate) unsafe fn packed_mut<'a, T: Scalar>(
    name: &'static str,
    p: *mut T,
    n: usize,
) -> PackedMut<'a, T> {
    // SAFETY: forwarded.
    let s = unsafe { slice_mut(name, p, n * (n + 1) / 2) };
    PackedMut::new(s, n).expect(CHECKED)
}

/// A stack of `count` column-major `rows x cols` matrices (leading dimension `ld`, matrix `b`
/// at `p + b * stride`) in caller memory; a zero stride repeats one matrix. `Err` when the
/// stack's extent overflows.
///
/// # Safety
/// `p` holds the stack the arguments describe, and nothing writes there meanwhile.
pub(crate) unsafe fn stack<'a, T: Scalar>(
    name: &'static str,
    p: *const T,
    (count, rows, cols): (usize, usize, usize),
    ld: i32,
    stride: isize,
) -> hpc_core::Result<BatchRef<'a, T>> {
    let (dims, strides) = ((count, rows, cols), (stride, 1, dim(ld) as isize));
    let Some(span) = Span::of(name, name, &[count, rows, cols], &[stride, 1, strides.2])? else {
        return BatchRef::from_strided(&[], dims, strides);
    };
    // SAFETY: forwarded; the stack's lowest element is `lo` elements from `p`.
    let s = unsafe { slice(name, p.wrapping_offset(span.lo), span.elements()) };
    BatchRef::from_strided(s, dims, strides)
}

/// As [`stack`], writable: `Err` also when two of its elements share a location.
///
/// # Safety
/// As [`stack`], writable, and nothing else accesses those elements meanwhile.
pub(crate) unsafe fn stack_mut<'a, T: Scalar>(
    name: &'static str,
    p: *mut T,
    (count, rows, cols): (usize, usize, usize),
    ld: i32,
    stride: isize,
) -> hpc_core::Result<BatchMut<'a, T>> {
    let (dims, strides) = ((count, rows, cols), (stride, 1, dim(ld) as isize));
    let Some(span) = Span::of(name, name, &[count, rows, cols], &[stride, 1, strides.2])? else {
        return BatchMut::from_strided(&mut [], dims, strides);
    };
    // SAFETY: forwarded.
    let s = unsafe { slice_mut(name, p.wrapping_offset(span.lo), span.elements()) };
    BatchMut::from_strided(s, dims, strides)
}
