//! Raw strided matrices: the pointer form of `hpc_core`'s views that the loops work on.
//!
//! The public functions take `MatRef`/`MatMut`, whose constructors checked that every element
//! lies inside a slice (and, for `MatMut`, that no two elements share a location). They convert
//! to these raw forms once; from then on the blocked algorithms cut sub-blocks freely (the
//! Level 3 routines write disjoint blocks of one C from several places, which safe borrows cannot
//! express), and only the element accesses are `unsafe`. Strides follow hpc-core: element
//! (i, j) is at `ptr + i * rs + j * cs`, either stride may be negative or zero (zero only for
//! read-only operands).

use hpc_core::{MatMut, MatRef, Scalar};

/// A read-only strided matrix.
#[derive(Debug)]
pub struct RawMat<T> {
    pub ptr: *const T,
    pub rows: usize,
    pub cols: usize,
    pub rs: isize,
    pub cs: isize,
}

/// A writable strided matrix; no two elements share a location.
#[derive(Debug)]
pub struct RawMatMut<T> {
    pub ptr: *mut T,
    pub rows: usize,
    pub cols: usize,
    pub rs: isize,
    pub cs: isize,
}

impl<T> Clone for RawMat<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for RawMat<T> {}
impl<T> Clone for RawMatMut<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for RawMatMut<T> {}

// SAFETY: a `RawMat` is a shared view of `T: Sync` data; sending it to another thread is as
// safe as sending `&[T]`.
unsafe impl<T: Sync> Send for RawMat<T> {}
// SAFETY: as above, shared reads only.
unsafe impl<T: Sync> Sync for RawMat<T> {}
// SAFETY: threads that share a `RawMatMut` write disjoint elements only (each microtile of C
// belongs to exactly one thread: see `loops.rs`), which is what `&mut [T]` split into chunks
// would allow.
unsafe impl<T: Send> Send for RawMatMut<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for RawMatMut<T> {}

macro_rules! raw_common {
    ($ty:ident, $ptr:ty) => {
        impl<T> $ty<T> {
            /// Pointer to element (i, j); `i <= rows`, `j <= cols` (one past is allowed).
            #[inline(always)]
            pub fn at(&self, i: usize, j: usize) -> $ptr {
                self.ptr
                    .wrapping_offset(i as isize * self.rs + j as isize * self.cs)
            }

            /// The `r x c` block whose top-left element is (i, j).
            #[inline]
            pub fn sub(self, i: usize, j: usize, r: usize, c: usize) -> Self {
                debug_assert!(i + r <= self.rows && j + c <= self.cols);
                Self {
                    ptr: self.at(i, j),
                    rows: r,
                    cols: c,
                    ..self
                }
            }

            /// The transpose (a view change only).
            #[inline]
            pub fn t(self) -> Self {
                Self {
                    rows: self.cols,
                    cols: self.rows,
                    rs: self.cs,
                    cs: self.rs,
                    ..self
                }
            }

            /// The same matrix with its rows in reverse order.
            #[inline]
            pub fn flip_rows(self) -> Self {
                Self {
                    ptr: if self.rows == 0 {
                        self.ptr
                    } else {
                        self.at(self.rows - 1, 0)
                    },
                    rs: -self.rs,
                    ..self
                }
            }

            /// Element (i, j).
            ///
            /// # Safety
            /// `i < rows`, `j < cols`, and the matrix points into live memory.
            #[inline(always)]
            pub unsafe fn get(&self, i: usize, j: usize) -> T
            where
                T: Copy,
            {
                // SAFETY: in bounds by the caller's contract.
                unsafe { *self.at(i, j) }
            }
        }
    };
}
raw_common!(RawMat, *const T);
raw_common!(RawMatMut, *mut T);

impl<T> RawMat<T> {
    /// op(A) of this stored A: a view (transposed for `Trans` and `ConjTrans`) and whether its
    /// elements are to be conjugated. The one place hpc-gemm derives op(A)'s shape.
    #[inline]
    pub fn op(self, trans: hpc_core::Trans) -> (Self, bool) {
        match trans {
            hpc_core::Trans::No => (self, false),
            hpc_core::Trans::Trans => (self.t(), false),
            hpc_core::Trans::ConjTrans => (self.t(), true),
        }
    }
}

impl<T> RawMatMut<T> {
    /// Writes element (i, j).
    ///
    /// # Safety
    /// `i < rows`, `j < cols`, the matrix points into live memory that no one else accesses.
    #[inline(always)]
    pub unsafe fn set(&self, i: usize, j: usize, v: T) {
        // SAFETY: in bounds and exclusive by the caller's contract.
        unsafe { *self.at(i, j) = v }
    }
}

impl<T> RawMatMut<T> {
    /// The read-only form of the same matrix.
    #[inline]
    pub fn as_ref(self) -> RawMat<T> {
        RawMat {
            ptr: self.ptr,
            rows: self.rows,
            cols: self.cols,
            rs: self.rs,
            cs: self.cs,
        }
    }
}

impl<T: Scalar> RawMat<T> {
    /// The raw form of a checked view.
    pub fn from_ref(m: MatRef<'_, T>) -> Self {
        let (data, offset) = m.raw_parts();
        RawMat {
            ptr: data.as_ptr().wrapping_add(offset),
            rows: m.rows(),
            cols: m.cols(),
            rs: m.row_stride(),
            cs: m.col_stride(),
        }
    }
}

impl<T: Scalar> RawMatMut<T> {
    /// The raw form of a checked writable view. It borrows nothing: the caller keeps the
    /// `MatMut` borrowed for as long as the raw form is used.
    pub fn from_mut(m: &mut MatMut<'_, T>) -> Self {
        let (rows, cols, rs, cs) = (m.rows(), m.cols(), m.row_stride(), m.col_stride());
        let (data, offset) = m.raw_parts_mut();
        RawMatMut {
            ptr: data.as_mut_ptr().wrapping_add(offset),
            rows,
            cols,
            rs,
            cs,
        }
    }
}
