//! Stacks of matrices: `count` matrices of one shape, matrix `b` starting `b * stride`
//! elements after the first (an N-D NumPy array's leading dimensions folded into one when
//! their strides allow; the strided batches of cuBLAS, MKL and OpenBLAS). A stride of 0
//! repeats one matrix over the whole stack (broadcasting), which only a read-only stack
//! allows: the elements of a writable stack are all at distinct locations, across matrices
//! as within each.

use crate::check::{Span, check_fits, distinct};
use crate::error::invalid;
use crate::{MatMut, MatRef, Result, Scalar};

macro_rules! common_batch_methods {
    () => {
        /// The number of matrices.
        pub fn count(&self) -> usize {
            self.count
        }
        /// Rows of each matrix.
        pub fn rows(&self) -> usize {
            self.rows
        }
        /// Columns of each matrix.
        pub fn cols(&self) -> usize {
            self.cols
        }
        /// Distance in elements from element (i, j) of matrix `b` to the same element of
        /// matrix `b + 1`.
        pub fn batch_stride(&self) -> isize {
            self.bs
        }
        /// Distance in elements from (i, j) to (i + 1, j) within a matrix.
        pub fn row_stride(&self) -> isize {
            self.rs
        }
        /// Distance in elements from (i, j) to (i, j + 1) within a matrix.
        pub fn col_stride(&self) -> isize {
            self.cs
        }
        /// `true` when the stack has no element (no matrix, or empty matrices).
        pub fn is_empty(&self) -> bool {
            self.count == 0 || self.rows == 0 || self.cols == 0
        }
        /// The underlying slice and the position of element (0, 0) of matrix 0 in it, for
        /// fast paths that walk the strides themselves.
        pub fn raw_parts(&self) -> (&[T], usize) {
            (&self.data[..], self.offset)
        }
        /// Where matrix `b`'s elements lie in the slice: the range of positions from its lowest
        /// element to its highest, and the position of its (0, 0); `None` when it has none.
        ///
        /// # Panics
        /// If `b >= count`.
        #[track_caller]
        fn matrix(&self, b: usize) -> Option<(std::ops::RangeInclusive<usize>, usize)> {
            assert!(
                b < self.count,
                "matrix {b} is outside a stack of {}",
                self.count
            );
            let span = Span::of("batch", "b", &[self.rows, self.cols], &[self.rs, self.cs])
                .expect("the stack's extent was checked when it was made")?;
            // In range by the constructor's extent check.
            let origin = (self.offset as isize + b as isize * self.bs) as usize;
            let lo = origin.wrapping_add_signed(span.lo);
            Some((lo..=origin.wrapping_add_signed(span.hi), origin))
        }
    };
}

/// The checks of a stack's constructors: its extent fits in `len` elements (returns the
/// position of matrix 0's element (0, 0)), and for a writable one its elements are distinct.
#[allow(clippy::too_many_arguments)]
fn check_stack(
    routine: &'static str,
    len: usize,
    (count, rows, cols): (usize, usize, usize),
    (bs, rs, cs): (isize, isize, isize),
    writable: bool,
) -> Result<usize> {
    let (dims, strides) = ([count, rows, cols], [bs, rs, cs]);
    let offset = check_fits(routine, "data", len, &dims, &strides)?;
    if writable && !distinct(&dims, &strides) {
        return Err(invalid(
            routine,
            "strides",
            format!(
                "a writable stack of {count} matrices of {rows} x {cols} with batch stride {bs}, row stride {rs} and column stride {cs} would write some elements twice (a batch stride of 0 broadcasts only read-only operands)"
            ),
        ));
    }
    Ok(offset)
}

/// A read-only stack of `count` matrices of `rows x cols`: element (i, j) of matrix `b` at
/// `b * bs + i * rs + j * cs` from element (0, 0) of matrix 0. Any strides, zero included.
#[derive(Clone, Copy, Debug)]
pub struct BatchRef<'a, T> {
    data: &'a [T],
    offset: usize,
    count: usize,
    rows: usize,
    cols: usize,
    bs: isize,
    rs: isize,
    cs: isize,
}

impl<'a, T: Scalar> BatchRef<'a, T> {
    /// A stack in `data`, whose lowest-addressed element is `data[0]`.
    pub fn from_strided(
        data: &'a [T],
        (count, rows, cols): (usize, usize, usize),
        (bs, rs, cs): (isize, isize, isize),
    ) -> Result<Self> {
        const R: &str = "BatchRef::from_strided";
        let offset = check_stack(R, data.len(), (count, rows, cols), (bs, rs, cs), false)?;
        Ok(BatchRef {
            data,
            offset,
            count,
            rows,
            cols,
            bs,
            rs,
            cs,
        })
    }

    /// A stack of caller memory, element (i, j) of matrix `b` at `ptr + b * bs + i * rs + j *
    /// cs`, with the checks of [`BatchRef::from_strided`].
    ///
    /// # Safety
    /// When the stack has elements, every element it names is readable, and nothing writes
    /// them for `'a`. (`ptr` may be anything, null included, when it has none.)
    pub unsafe fn from_raw_parts(
        ptr: *const T,
        shape: (usize, usize, usize),
        strides: (isize, isize, isize),
    ) -> Result<Self> {
        const R: &str = "BatchRef::from_raw_parts";
        let (dims, st) = (
            [shape.0, shape.1, shape.2],
            [strides.0, strides.1, strides.2],
        );
        let data = match Span::of(R, "ptr", &dims, &st)? {
            None => &[][..],
            // SAFETY: the span's elements are the stack's, readable for 'a (the caller's
            // contract); the lowest of them is `lo` elements from (0, 0) of matrix 0.
            Some(span) => unsafe {
                std::slice::from_raw_parts(ptr.wrapping_offset(span.lo), span.elements())
            },
        };
        BatchRef::from_strided(data, shape, strides)
    }

    /// One matrix, `rows x cols` at any strides, as a stack of `count` (batch stride 0).
    pub fn repeat(a: MatRef<'a, T>, count: usize) -> Self {
        let (rows, cols, rs, cs) = (a.rows(), a.cols(), a.row_stride(), a.col_stride());
        let (data, offset) = a.into_parts();
        BatchRef {
            data,
            offset,
            count,
            rows,
            cols,
            bs: 0,
            rs,
            cs,
        }
    }

    common_batch_methods!();

    /// Matrix `b`.
    ///
    /// # Panics
    /// If `b >= count`.
    #[track_caller]
    pub fn get(&self, b: usize) -> MatRef<'a, T> {
        let data = self.data;
        match self.matrix(b) {
            None => MatRef::from_strided(&data[..0], self.rows, self.cols, self.rs, self.cs),
            Some((range, _)) => {
                MatRef::from_strided(&data[range], self.rows, self.cols, self.rs, self.cs)
            }
        }
        .expect("a matrix of a checked stack is a valid view")
    }
}

/// A writable stack of `count` matrices of `rows x cols`, laid out as [`BatchRef`]'s; no two of
/// its elements share a location.
#[derive(Debug)]
pub struct BatchMut<'a, T> {
    data: &'a mut [T],
    offset: usize,
    count: usize,
    rows: usize,
    cols: usize,
    bs: isize,
    rs: isize,
    cs: isize,
}

impl<'a, T: Scalar> BatchMut<'a, T> {
    /// A writable stack in `data`, whose lowest-addressed element is `data[0]`; its elements
    /// must be at distinct locations (so a batch stride of 0 only for a stack of one).
    pub fn from_strided(
        data: &'a mut [T],
        (count, rows, cols): (usize, usize, usize),
        (bs, rs, cs): (isize, isize, isize),
    ) -> Result<Self> {
        const R: &str = "BatchMut::from_strided";
        let offset = check_stack(R, data.len(), (count, rows, cols), (bs, rs, cs), true)?;
        Ok(BatchMut {
            data,
            offset,
            count,
            rows,
            cols,
            bs,
            rs,
            cs,
        })
    }

    /// A writable stack of caller memory, as [`BatchRef::from_raw_parts`], with the checks of
    /// [`BatchMut::from_strided`].
    ///
    /// # Safety
    /// When the stack has elements, every element it names is readable and writable, and
    /// nothing else accesses them for `'a`.
    pub unsafe fn from_raw_parts(
        ptr: *mut T,
        shape: (usize, usize, usize),
        strides: (isize, isize, isize),
    ) -> Result<Self> {
        const R: &str = "BatchMut::from_raw_parts";
        let (dims, st) = (
            [shape.0, shape.1, shape.2],
            [strides.0, strides.1, strides.2],
        );
        let data = match Span::of(R, "ptr", &dims, &st)? {
            None => &mut [][..],
            // SAFETY: as in `BatchRef::from_raw_parts`, writable and exclusive.
            Some(span) => unsafe {
                std::slice::from_raw_parts_mut(ptr.wrapping_offset(span.lo), span.elements())
            },
        };
        BatchMut::from_strided(data, shape, strides)
    }

    /// One writable matrix as a stack of one.
    pub fn single(c: MatMut<'a, T>) -> Self {
        let (rows, cols, rs, cs) = (c.rows(), c.cols(), c.row_stride(), c.col_stride());
        let (data, offset) = c.into_parts();
        BatchMut {
            data,
            offset,
            count: 1,
            rows,
            cols,
            bs: 0,
            rs,
            cs,
        }
    }

    common_batch_methods!();

    /// Matrix `b`, writable.
    ///
    /// # Panics
    /// If `b >= count`.
    #[track_caller]
    pub fn get_mut(&mut self, b: usize) -> MatMut<'_, T> {
        let (rows, cols, rs, cs) = (self.rows, self.cols, self.rs, self.cs);
        match self.matrix(b) {
            None => MatMut::from_strided(&mut self.data[..0], rows, cols, rs, cs),
            Some((range, _)) => MatMut::from_strided(&mut self.data[range], rows, cols, rs, cs),
        }
        .expect("a matrix of a checked stack is a valid view")
    }

    /// The underlying slice and the position of element (0, 0) of matrix 0, writable.
    pub fn raw_parts_mut(&mut self) -> (&mut [T], usize) {
        (&mut self.data[..], self.offset)
    }
}
