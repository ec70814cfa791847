//! Strided matrix and vector views.
//!
//! A [`MatRef`]/[`MatMut`] is `(rows, cols, row_stride, col_stride)` over a borrowed slice, with
//! strides counted in elements, as in BLIS and matrixmultiply: **the row stride is the distance
//! from element (i, j) to element (i + 1, j), the column stride the distance from (i, j) to
//! (i, j + 1)**. Column-major storage with leading dimension `ld` is `(1, ld)`, row-major is
//! `(ld, 1)`, a transpose swaps the two, and any stride, including a negative one, is allowed.
//! The element with the lowest address of a view is at `data[0]` of the slice it was made from,
//! so a view with negative strides starts at the end of its slice.
//!
//! A [`VecRef`]/[`VecMut`] follows the BLAS increment rule: with `inc > 0`, element `i` is at
//! `i * inc`; with `inc < 0`, element `i` is at `(n - 1 - i) * |inc|`.
//!
//! Constructors check that every element lies inside the slice (and, for mutable views, that no
//! two elements share a memory location) and return an [`Error`] naming the argument. After that
//! no operation re-checks anything or can go out of bounds: the views are plain safe Rust over a
//! slice. A view with zero rows or columns is valid and may borrow an empty slice.

use crate::check::{Span, check_fits, check_ld, check_no_self_overlap, check_packed};
use crate::error::{Error, ErrorKind, Result, invalid};
use crate::scalar::Scalar;

/// Validates a dense layout with leading dimension `ld` (column-major: `ld >= rows`, row-major:
/// `ld >= cols`) over `len` elements; returns `(offset, row stride, column stride)`.
///
/// Inline, with the valid case decided in a few integer operations and every other case (the
/// errors and their messages) left to [`dense_layout_checked`]: building a view is on the path
/// of every small product (4 x 4 to 16 x 16 GEMMs take tens of nanoseconds).
#[inline]
fn dense_layout(
    routine: &'static str,
    len: usize,
    rows: usize,
    cols: usize,
    ld: usize,
    row_major: bool,
) -> Result<(usize, isize, isize)> {
    let (rs, cs, min) = if row_major {
        (ld, 1, cols)
    } else {
        (1, ld, rows)
    };
    if ld >= min.max(1) && ld <= isize::MAX as usize {
        if rows == 0 || cols == 0 {
            return Ok((0, rs as isize, cs as isize));
        }
        // The last element's index: the view fits when it is inside the slice.
        let last = (rows - 1)
            .checked_mul(rs)
            .and_then(|r| (cols - 1).checked_mul(cs).and_then(|c| r.checked_add(c)));
        if last.is_some_and(|last| last < len) {
            return Ok((0, rs as isize, cs as isize));
        }
    }
    dense_layout_checked(routine, len, rows, cols, ld, row_major)
}

/// [`dense_layout`] step by step, with the precise error.
#[cold]
#[inline(never)]
fn dense_layout_checked(
    routine: &'static str,
    len: usize,
    rows: usize,
    cols: usize,
    ld: usize,
    row_major: bool,
) -> Result<(usize, isize, isize)> {
    if row_major {
        check_ld(routine, ld, cols, "cols")?;
    } else {
        check_ld(routine, ld, rows, "rows")?;
    }
    let ld = ld_stride(routine, ld)?;
    let (rs, cs) = if row_major { (ld, 1) } else { (1, ld) };
    let offset = check_fits(routine, "data", len, &[rows, cols], &[rs, cs])?;
    Ok((offset, rs, cs))
}

fn ld_stride(routine: &'static str, ld: usize) -> Result<isize> {
    isize::try_from(ld)
        .map_err(|_| invalid(routine, "ld", format!("ld = {ld} does not fit in isize")))
}

macro_rules! common_mat_methods {
    () => {
        /// Number of rows.
        pub fn rows(&self) -> usize {
            self.rows
        }
        /// Number of columns.
        pub fn cols(&self) -> usize {
            self.cols
        }
        /// Distance in elements from (i, j) to (i + 1, j).
        pub fn row_stride(&self) -> isize {
            self.rs
        }
        /// Distance in elements from (i, j) to (i, j + 1).
        pub fn col_stride(&self) -> isize {
            self.cs
        }
        /// `true` when the view has no element.
        pub fn is_empty(&self) -> bool {
            self.rows == 0 || self.cols == 0
        }
        /// Position of element (i, j) in the underlying slice.
        ///
        /// # Panics
        /// If `i >= rows` or `j >= cols`.
        #[track_caller]
        fn index(&self, i: usize, j: usize) -> usize {
            assert!(
                i < self.rows && j < self.cols,
                "element ({i}, {j}) is outside a {} x {} view",
                self.rows,
                self.cols
            );
            // In range by the constructor's extent check: the result lies in 0..data.len().
            (self.offset as isize + i as isize * self.rs + j as isize * self.cs) as usize
        }
        /// Element (i, j).
        ///
        /// # Panics
        /// If `i >= rows` or `j >= cols`.
        #[track_caller]
        pub fn get(&self, i: usize, j: usize) -> T {
            self.data[self.index(i, j)]
        }
        /// The underlying slice and the position of element (0, 0) in it, for fast paths that
        /// walk the strides themselves.
        pub fn raw_parts(&self) -> (&[T], usize) {
            (&self.data[..], self.offset)
        }
    };
}

/// A read-only strided view of a `rows x cols` matrix.
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a, T> {
    data: &'a [T],
    offset: usize,
    rows: usize,
    cols: usize,
    rs: isize,
    cs: isize,
}

impl<'a, T: Scalar> MatRef<'a, T> {
    /// A view with general strides (any sign; zero strides repeat elements, which a read-only
    /// view allows). The element with the lowest address is `data[0]`.
    pub fn from_strided(
        data: &'a [T],
        rows: usize,
        cols: usize,
        rs: isize,
        cs: isize,
    ) -> Result<Self> {
        let offset = check_fits(
            "MatRef::from_strided",
            "data",
            data.len(),
            &[rows, cols],
            &[rs, cs],
        )?;
        Ok(MatRef {
            data,
            offset,
            rows,
            cols,
            rs,
            cs,
        })
    }

    /// A view of caller memory: element (i, j) at `ptr + i * rs + j * cs` (in elements), with
    /// the same checks as [`MatRef::from_strided`]. The bindings' one way from a raw pointer to
    /// a view.
    ///
    /// # Safety
    /// When the view has elements, every element it names is readable, and nothing writes
    /// them for `'a`. (`ptr` may be anything, null included, when it has none.)
    pub unsafe fn from_raw_parts(
        ptr: *const T,
        rows: usize,
        cols: usize,
        rs: isize,
        cs: isize,
    ) -> Result<Self> {
        const R: &str = "MatRef::from_raw_parts";
        let data = match Span::of(R, "ptr", &[rows, cols], &[rs, cs])? {
            None => &[][..],
            // SAFETY: the span's elements are the view's, readable for 'a (the caller's
            // contract); the lowest of them is `lo` elements from (0, 0).
            Some(span) => unsafe {
                std::slice::from_raw_parts(ptr.wrapping_offset(span.lo), span.elements())
            },
        };
        MatRef::from_strided(data, rows, cols, rs, cs)
    }

    /// A column-major `rows x cols` matrix with leading dimension `ld` (the BLAS `A(lda, *)`):
    /// element (i, j) is `data[i + j * ld]`. Requires `ld >= max(1, rows)`.
    pub fn from_col_major(data: &'a [T], rows: usize, cols: usize, ld: usize) -> Result<Self> {
        const R: &str = "MatRef::from_col_major";
        let (offset, rs, cs) = dense_layout(R, data.len(), rows, cols, ld, false)?;
        Ok(MatRef {
            data,
            offset,
            rows,
            cols,
            rs,
            cs,
        })
    }

    /// A row-major `rows x cols` matrix with leading dimension `ld`: element (i, j) is
    /// `data[i * ld + j]`. Requires `ld >= max(1, cols)`.
    pub fn from_row_major(data: &'a [T], rows: usize, cols: usize, ld: usize) -> Result<Self> {
        const R: &str = "MatRef::from_row_major";
        let (offset, rs, cs) = dense_layout(R, data.len(), rows, cols, ld, true)?;
        Ok(MatRef {
            data,
            offset,
            rows,
            cols,
            rs,
            cs,
        })
    }

    common_mat_methods!();

    /// The whole slice, for `'a`, and the position of element (0, 0) in it.
    pub(crate) fn into_parts(self) -> (&'a [T], usize) {
        (self.data, self.offset)
    }

    /// The transpose: the same elements with rows and columns swapped (no copy).
    pub fn transpose(self) -> MatRef<'a, T> {
        MatRef {
            rows: self.cols,
            cols: self.rows,
            rs: self.cs,
            cs: self.rs,
            ..self
        }
    }

    /// Column `j` as a vector view.
    ///
    /// # Panics
    /// If `j >= cols`.
    #[track_caller]
    pub fn col(self, j: usize) -> VecRef<'a, T> {
        assert!(
            j < self.cols,
            "column {j} is outside a matrix with {} columns",
            self.cols
        );
        let offset = if self.rows == 0 { 0 } else { self.index(0, j) };
        VecRef {
            data: self.data,
            offset,
            len: self.rows,
            inc: self.rs,
        }
    }

    /// Row `i` as a vector view.
    ///
    /// # Panics
    /// If `i >= rows`.
    #[track_caller]
    pub fn row(self, i: usize) -> VecRef<'a, T> {
        self.transpose().col(i)
    }

    /// The `nrows x ncols` block whose top-left element is (i, j).
    ///
    /// # Panics
    /// If the block does not lie inside the view.
    #[track_caller]
    pub fn submatrix(self, i: usize, j: usize, nrows: usize, ncols: usize) -> MatRef<'a, T> {
        assert!(
            i + nrows <= self.rows && j + ncols <= self.cols,
            "block ({i}.., {j}..) of shape {nrows} x {ncols} is outside a {} x {} view",
            self.rows,
            self.cols
        );
        let offset = if nrows == 0 || ncols == 0 {
            0
        } else {
            self.index(i, j)
        };
        MatRef {
            offset,
            rows: nrows,
            cols: ncols,
            ..self
        }
    }
}

/// A writable strided view of a `rows x cols` matrix. No two of its elements share a location.
#[derive(Debug)]
pub struct MatMut<'a, T> {
    data: &'a mut [T],
    offset: usize,
    rows: usize,
    cols: usize,
    rs: isize,
    cs: isize,
}

impl<'a, T: Scalar> MatMut<'a, T> {
    /// A writable view with general strides (any sign, but no two elements at one location).
    pub fn from_strided(
        data: &'a mut [T],
        rows: usize,
        cols: usize,
        rs: isize,
        cs: isize,
    ) -> Result<Self> {
        const R: &str = "MatMut::from_strided";
        let offset = check_fits(R, "data", data.len(), &[rows, cols], &[rs, cs])?;
        check_no_self_overlap(R, rows, cols, rs, cs)?;
        Ok(MatMut {
            data,
            offset,
            rows,
            cols,
            rs,
            cs,
        })
    }

    /// A writable view of caller memory, as [`MatRef::from_raw_parts`], with the checks of
    /// [`MatMut::from_strided`] (no two elements at one address).
    ///
    /// # Safety
    /// When the view has elements, every element it names is readable and writable, and
    /// nothing else accesses them for `'a`.
    pub unsafe fn from_raw_parts(
        ptr: *mut T,
        rows: usize,
        cols: usize,
        rs: isize,
        cs: isize,
    ) -> Result<Self> {
        const R: &str = "MatMut::from_raw_parts";
        let data = match Span::of(R, "ptr", &[rows, cols], &[rs, cs])? {
            None => &mut [][..],
            // SAFETY: as in `MatRef::from_raw_parts`, writable and exclusive.
            Some(span) => unsafe {
                std::slice::from_raw_parts_mut(ptr.wrapping_offset(span.lo), span.elements())
            },
        };
        MatMut::from_strided(data, rows, cols, rs, cs)
    }

    /// A writable column-major matrix with leading dimension `ld >= max(1, rows)`.
    pub fn from_col_major(data: &'a mut [T], rows: usize, cols: usize, ld: usize) -> Result<Self> {
        const R: &str = "MatMut::from_col_major";
        let (offset, rs, cs) = dense_layout(R, data.len(), rows, cols, ld, false)?;
        Ok(MatMut {
            data,
            offset,
            rows,
            cols,
            rs,
            cs,
        })
    }

    /// A writable row-major matrix with leading dimension `ld >= max(1, cols)`.
    pub fn from_row_major(data: &'a mut [T], rows: usize, cols: usize, ld: usize) -> Result<Self> {
        const R: &str = "MatMut::from_row_major";
        let (offset, rs, cs) = dense_layout(R, data.len(), rows, cols, ld, true)?;
        Ok(MatMut {
            data,
            offset,
            rows,
            cols,
            rs,
            cs,
        })
    }

    common_mat_methods!();

    /// Sets element (i, j).
    ///
    /// # Panics
    /// If `i >= rows` or `j >= cols`.
    #[track_caller]
    pub fn set(&mut self, i: usize, j: usize, value: T) {
        let k = self.index(i, j);
        self.data[k] = value;
    }

    /// A read-only view of the same elements, for as long as this one is borrowed.
    pub fn rb(&self) -> MatRef<'_, T> {
        MatRef {
            data: self.data,
            offset: self.offset,
            rows: self.rows,
            cols: self.cols,
            rs: self.rs,
            cs: self.cs,
        }
    }

    /// A shorter-lived writable view of the same elements.
    pub fn rb_mut(&mut self) -> MatMut<'_, T> {
        MatMut {
            data: self.data,
            offset: self.offset,
            rows: self.rows,
            cols: self.cols,
            rs: self.rs,
            cs: self.cs,
        }
    }

    /// Consumes the view into a read-only one with the same lifetime.
    pub fn into_ref(self) -> MatRef<'a, T> {
        MatRef {
            data: self.data,
            offset: self.offset,
            rows: self.rows,
            cols: self.cols,
            rs: self.rs,
            cs: self.cs,
        }
    }

    /// The transpose (no copy).
    pub fn transpose(self) -> MatMut<'a, T> {
        MatMut {
            rows: self.cols,
            cols: self.rows,
            rs: self.cs,
            cs: self.rs,
            ..self
        }
    }

    /// Column `j` as a writable vector view.
    ///
    /// # Panics
    /// If `j >= cols`.
    #[track_caller]
    pub fn col_mut(self, j: usize) -> VecMut<'a, T> {
        assert!(
            j < self.cols,
            "column {j} is outside a matrix with {} columns",
            self.cols
        );
        let offset = if self.rows == 0 { 0 } else { self.index(0, j) };
        VecMut {
            data: self.data,
            offset,
            len: self.rows,
            inc: self.rs,
        }
    }

    /// The underlying slice and the position of element (0, 0), writable.
    pub fn raw_parts_mut(&mut self) -> (&mut [T], usize) {
        (&mut self.data[..], self.offset)
    }

    /// The whole slice, writable for `'a`, and the position of element (0, 0) in it.
    pub(crate) fn into_parts(self) -> (&'a mut [T], usize) {
        (self.data, self.offset)
    }
}

macro_rules! common_vec_methods {
    () => {
        /// Number of elements.
        pub fn len(&self) -> usize {
            self.len
        }
        /// `true` when the vector has no element.
        pub fn is_empty(&self) -> bool {
            self.len == 0
        }
        /// Distance in elements from element i to element i + 1 (the BLAS increment).
        pub fn inc(&self) -> isize {
            self.inc
        }
        #[track_caller]
        fn index(&self, i: usize) -> usize {
            assert!(
                i < self.len,
                "element {i} is outside a vector of length {}",
                self.len
            );
            // In range by the constructor's extent check.
            (self.offset as isize + i as isize * self.inc) as usize
        }
        /// Element `i`.
        ///
        /// # Panics
        /// If `i >= len`.
        #[track_caller]
        pub fn get(&self, i: usize) -> T {
            self.data[self.index(i)]
        }
        /// The elements in order, copied into a new `Vec`.
        pub fn to_vec(&self) -> Vec<T> {
            (0..self.len).map(|i| self.get(i)).collect()
        }
        /// The underlying slice and the position of element 0 in it.
        pub fn raw_parts(&self) -> (&[T], usize) {
            (&self.data[..], self.offset)
        }
    };
}

/// A read-only vector with a BLAS increment.
#[derive(Clone, Copy, Debug)]
pub struct VecRef<'a, T> {
    data: &'a [T],
    offset: usize,
    len: usize,
    inc: isize,
}

impl<'a, T: Scalar> VecRef<'a, T> {
    /// The whole slice, increment 1.
    pub fn from_slice(data: &'a [T]) -> Self {
        VecRef {
            data,
            offset: 0,
            len: data.len(),
            inc: 1,
        }
    }

    /// `n` elements with BLAS increment `inc` (negative: element i at `(n - 1 - i) * |inc|`;
    /// zero: every element is `data[0]`). Needs `1 + (n - 1) * |inc|` elements.
    pub fn from_blas(data: &'a [T], n: usize, inc: isize) -> Result<Self> {
        let offset = check_fits("VecRef::from_blas", "data", data.len(), &[n], &[inc])?;
        Ok(VecRef {
            data,
            offset,
            len: n,
            inc,
        })
    }

    /// A view of caller memory: element i at `ptr + i * inc` (in elements).
    ///
    /// # Safety
    /// As [`MatRef::from_raw_parts`].
    pub unsafe fn from_raw_parts(ptr: *const T, n: usize, inc: isize) -> Result<Self> {
        // SAFETY: forwarded; a column of `n` elements with row stride `inc`.
        let m = unsafe { MatRef::from_raw_parts(ptr, n, 1, inc, 1) }?;
        Ok(m.col(0))
    }

    common_vec_methods!();
}

/// A writable vector with a BLAS increment. No two of its elements share a location.
#[derive(Debug)]
pub struct VecMut<'a, T> {
    data: &'a mut [T],
    offset: usize,
    len: usize,
    inc: isize,
}

impl<'a, T: Scalar> VecMut<'a, T> {
    /// The whole slice, increment 1.
    pub fn from_slice(data: &'a mut [T]) -> Self {
        let len = data.len();
        VecMut {
            data,
            offset: 0,
            len,
            inc: 1,
        }
    }

    /// `n` elements with BLAS increment `inc != 0` (negative: element i at
    /// `(n - 1 - i) * |inc|`). Needs `1 + (n - 1) * |inc|` elements.
    pub fn from_blas(data: &'a mut [T], n: usize, inc: isize) -> Result<Self> {
        const R: &str = "VecMut::from_blas";
        if inc == 0 && n > 1 {
            return Err(invalid(
                R,
                "inc",
                format!("inc = 0 would write all {n} elements to one location"),
            ));
        }
        let offset = check_fits(R, "data", data.len(), &[n], &[inc])?;
        Ok(VecMut {
            data,
            offset,
            len: n,
            inc,
        })
    }

    /// A writable view of caller memory: element i at `ptr + i * inc` (in elements).
    ///
    /// # Safety
    /// As [`MatMut::from_raw_parts`].
    pub unsafe fn from_raw_parts(ptr: *mut T, n: usize, inc: isize) -> Result<Self> {
        // SAFETY: forwarded; a column of `n` elements with row stride `inc`.
        let m = unsafe { MatMut::from_raw_parts(ptr, n, 1, inc, 1) }?;
        Ok(m.col_mut(0))
    }

    common_vec_methods!();

    /// Sets element `i`.
    ///
    /// # Panics
    /// If `i >= len`.
    #[track_caller]
    pub fn set(&mut self, i: usize, value: T) {
        let k = self.index(i);
        self.data[k] = value;
    }

    /// A read-only view of the same elements.
    pub fn rb(&self) -> VecRef<'_, T> {
        VecRef {
            data: self.data,
            offset: self.offset,
            len: self.len,
            inc: self.inc,
        }
    }

    /// A shorter-lived writable view of the same elements.
    pub fn rb_mut(&mut self) -> VecMut<'_, T> {
        VecMut {
            data: self.data,
            offset: self.offset,
            len: self.len,
            inc: self.inc,
        }
    }

    /// The underlying slice and the position of element 0, writable.
    pub fn raw_parts_mut(&mut self) -> (&mut [T], usize) {
        (&mut self.data[..], self.offset)
    }
}

/// A read-only band matrix in BLAS band storage (`?gbmv`, and with `kl = 0` or `ku = 0` the
/// symmetric and triangular band routines).
///
/// Column `j` of the matrix is stored in column `j` of a column-major array with leading
/// dimension `ld >= kl + ku + 1`, with element (i, j) at `data[(ku + i - j) + j * ld]` for
/// `max(0, j - ku) <= i <= min(rows - 1, j + kl)`; every other element is zero.
#[derive(Clone, Copy, Debug)]
pub struct BandRef<'a, T> {
    data: &'a [T],
    rows: usize,
    cols: usize,
    kl: usize,
    ku: usize,
    ld: usize,
}

impl<'a, T: Scalar> BandRef<'a, T> {
    /// A `rows x cols` band matrix with `kl` sub- and `ku` super-diagonals.
    pub fn new(
        data: &'a [T],
        rows: usize,
        cols: usize,
        kl: usize,
        ku: usize,
        ld: usize,
    ) -> Result<Self> {
        const R: &str = "BandRef::new";
        let width = kl
            .checked_add(ku)
            .and_then(|w| w.checked_add(1))
            .ok_or_else(|| invalid(R, "kl", format!("kl = {kl} plus ku = {ku} overflows")))?;
        if ld < width {
            return Err(invalid(
                R,
                "ld",
                format!("ld = {ld} is smaller than kl + ku + 1 = {width}"),
            ));
        }
        if rows > 0 && cols > 0 {
            // The last column that holds an element also holds the highest index: its row
            // `min(rows - 1, last + kl)` is stored at `ku + i - last` of that column.
            let last = (cols - 1).min(rows - 1 + ku);
            let top = ku + (rows - 1).min(last + kl) - last;
            let needed = last
                .checked_mul(ld)
                .and_then(|x| x.checked_add(top + 1))
                .ok_or_else(|| invalid(R, "ld", "the band storage size overflows"))?;
            if data.len() < needed {
                return Err(Error::new(
                    ErrorKind::BufferTooSmall,
                    R,
                    "data",
                    format!(
                        "a {rows} x {cols} band matrix with kl = {kl}, ku = {ku}, ld = {ld} needs {needed} elements, but the slice has {}",
                        data.len()
                    ),
                ));
            }
        }
        Ok(BandRef {
            data,
            rows,
            cols,
            kl,
            ku,
            ld,
        })
    }

    /// An `n x n` triangular (or one triangle of a symmetric/Hermitian) band matrix with `k`
    /// off-diagonals, as `?tbmv`/`?sbmv` store it: upper uses `ku = k, kl = 0`, lower
    /// `kl = k, ku = 0`.
    pub fn triangle(
        data: &'a [T],
        n: usize,
        k: usize,
        ld: usize,
        uplo: crate::Uplo,
    ) -> Result<Self> {
        match uplo {
            crate::Uplo::Upper => Self::new(data, n, n, 0, k, ld),
            crate::Uplo::Lower => Self::new(data, n, n, k, 0, ld),
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }
    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }
    /// Number of sub-diagonals.
    pub fn kl(&self) -> usize {
        self.kl
    }
    /// Number of super-diagonals.
    pub fn ku(&self) -> usize {
        self.ku
    }
    /// Leading dimension of the storage.
    pub fn ld(&self) -> usize {
        self.ld
    }
    /// Element (i, j) if it lies inside the band, `None` for a structural zero.
    ///
    /// # Panics
    /// If `i >= rows` or `j >= cols`.
    #[track_caller]
    pub fn get(&self, i: usize, j: usize) -> Option<T> {
        assert!(
            i < self.rows && j < self.cols,
            "element ({i}, {j}) is outside a {} x {} band matrix",
            self.rows,
            self.cols
        );
        if i + self.ku < j || i > j + self.kl {
            return None;
        }
        Some(self.data[self.ku + i - j + j * self.ld])
    }
    /// The stored part of column `j`: its first row and its elements, rows
    /// `max(0, j - ku) .. min(rows, j + kl + 1)`, which band storage keeps contiguous.
    ///
    /// # Panics
    /// If `j >= cols`.
    #[track_caller]
    pub fn column(&self, j: usize) -> (usize, &'a [T]) {
        assert!(
            j < self.cols,
            "column {j} of a band matrix with {} columns",
            self.cols
        );
        let first = j.saturating_sub(self.ku);
        let end = self.rows.min(j + self.kl + 1);
        if first >= end {
            // No stored row (a wide matrix's band leaves its rows): an empty column at the end.
            return (self.rows.min(first), &[]);
        }
        let start = self.ku + first - j + j * self.ld;
        (first, &self.data[start..start + end - first])
    }
}

/// Position of (i, j) of the stored triangle in packed storage (`?spmv`, `?tpmv`, ...):
/// upper `i + j (j + 1) / 2` for `i <= j`, lower `i + j (2n - j - 1) / 2` for `i >= j`.
fn packed_index(n: usize, uplo: crate::Uplo, i: usize, j: usize) -> usize {
    match uplo {
        crate::Uplo::Upper => {
            assert!(
                i <= j && j < n,
                "({i}, {j}) is not in the upper triangle of an order-{n} matrix"
            );
            i + j * (j + 1) / 2
        }
        crate::Uplo::Lower => {
            assert!(
                j <= i && i < n,
                "({i}, {j}) is not in the lower triangle of an order-{n} matrix"
            );
            i + j * (2 * n - j - 1) / 2
        }
    }
}

/// One triangle of an `n x n` matrix in BLAS packed storage, read-only. Which triangle it holds
/// is said by the `uplo` argument of the routine that reads it, as in the BLAS.
#[derive(Clone, Copy, Debug)]
pub struct PackedRef<'a, T> {
    data: &'a [T],
    n: usize,
}

impl<'a, T: Scalar> PackedRef<'a, T> {
    /// Packed storage of order `n` (needs `n (n + 1) / 2` elements).
    pub fn new(data: &'a [T], n: usize) -> Result<Self> {
        check_packed("PackedRef::new", data.len(), n)?;
        Ok(PackedRef { data, n })
    }
    /// Order of the matrix.
    pub fn n(&self) -> usize {
        self.n
    }
    /// Element (i, j) of the triangle `uplo` (`i <= j` for upper, `i >= j` for lower).
    ///
    /// # Panics
    /// If (i, j) is not in that triangle.
    #[track_caller]
    pub fn get(&self, uplo: crate::Uplo, i: usize, j: usize) -> T {
        self.data[packed_index(self.n, uplo, i, j)]
    }
    /// The stored part of column `j` of the triangle `uplo`, contiguous in packed storage: its
    /// first row and its elements (upper: rows `0..=j`; lower: rows `j..n`).
    ///
    /// # Panics
    /// If `j >= n`.
    #[track_caller]
    pub fn column(&self, uplo: crate::Uplo, j: usize) -> (usize, &'a [T]) {
        let (first, start, len) = packed_column(self.n, uplo, j);
        (first, &self.data[start..start + len])
    }
}

/// Column `j` of the triangle `uplo` in packed storage of order `n`: (first row, position of
/// that element, number of elements).
#[track_caller]
fn packed_column(n: usize, uplo: crate::Uplo, j: usize) -> (usize, usize, usize) {
    assert!(j < n, "column {j} of an order-{n} packed matrix");
    match uplo {
        crate::Uplo::Upper => (0, packed_index(n, uplo, 0, j), j + 1),
        crate::Uplo::Lower => (j, packed_index(n, uplo, j, j), n - j),
    }
}

/// One triangle of an `n x n` matrix in BLAS packed storage, writable.
#[derive(Debug)]
pub struct PackedMut<'a, T> {
    data: &'a mut [T],
    n: usize,
}

impl<'a, T: Scalar> PackedMut<'a, T> {
    /// Packed storage of order `n` (needs `n (n + 1) / 2` elements).
    pub fn new(data: &'a mut [T], n: usize) -> Result<Self> {
        check_packed("PackedMut::new", data.len(), n)?;
        Ok(PackedMut { data, n })
    }
    /// Order of the matrix.
    pub fn n(&self) -> usize {
        self.n
    }
    /// Element (i, j) of the triangle `uplo`.
    ///
    /// # Panics
    /// If (i, j) is not in that triangle.
    #[track_caller]
    pub fn get(&self, uplo: crate::Uplo, i: usize, j: usize) -> T {
        self.data[packed_index(self.n, uplo, i, j)]
    }
    /// Sets element (i, j) of the triangle `uplo`.
    ///
    /// # Panics
    /// If (i, j) is not in that triangle.
    #[track_caller]
    pub fn set(&mut self, uplo: crate::Uplo, i: usize, j: usize, value: T) {
        self.data[packed_index(self.n, uplo, i, j)] = value;
    }
    /// Every stored column of the triangle `uplo`, in order: each one's first row and its
    /// elements (disjoint, so that they may be updated independently).
    pub fn columns_mut(&mut self, uplo: crate::Uplo) -> Vec<(usize, &mut [T])> {
        let mut rest = &mut self.data[..self.n * (self.n + 1) / 2];
        let mut out = Vec::with_capacity(self.n);
        for j in 0..self.n {
            let (first, _, len) = packed_column(self.n, uplo, j);
            let (col, tail) = std::mem::take(&mut rest).split_at_mut(len);
            out.push((first, col));
            rest = tail;
        }
        out
    }
    /// A read-only view of the same storage.
    pub fn rb(&self) -> PackedRef<'_, T> {
        PackedRef {
            data: self.data,
            n: self.n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inline fast path of `dense_layout` accepts exactly what the step-by-step check
    /// accepts, with the same strides, around every edge: empty shapes, `ld` at its minimum,
    /// the last element at the end of the slice or one past it, and overflowing `ld`.
    #[test]
    fn dense_layout_fast_path_agrees_with_the_checked_one() {
        let lds = [0usize, 1, 2, 3, 4, 5, 7, usize::MAX / 2, usize::MAX];
        for row_major in [false, true] {
            for rows in 0..5 {
                for cols in 0..5 {
                    for &ld in &lds {
                        for len in 0..24 {
                            let fast = dense_layout("t", len, rows, cols, ld, row_major);
                            let slow = dense_layout_checked("t", len, rows, cols, ld, row_major);
                            assert_eq!(
                                fast.as_ref().ok(),
                                slow.as_ref().ok(),
                                "{rows}x{cols} ld={ld} len={len} row_major={row_major}"
                            );
                            assert_eq!(fast.is_err(), slow.is_err());
                        }
                    }
                }
            }
        }
    }
}
