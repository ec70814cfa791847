//! NumPy arrays as hpc-core views, without copies: dtype, shape and strides are read from the
//! array, checked, and turned into `MatRef`/`MatMut`/`VecRef`/`VecMut` over exactly the
//! memory the array spans.

use std::ffi::c_int;

use numpy::npyffi::{NPY_ARRAY_ALIGNED, NPY_ARRAY_WRITEABLE, NPY_TYPES};
use numpy::{PyArrayDescrMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyTypeMethods;

use hpc_core::check::Span;
use hpc_core::{MatMut, MatRef, Scalar, VecMut, VecRef};

use crate::errors::{Kind, err};

/// The element types hpc computes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DType {
    F32,
    F64,
    C64,
    C128,
}

impl DType {
    /// The dtype of NumPy's type number `num` (`dtype.num`), if hpc computes on it.
    fn of_type_num(num: c_int) -> Option<DType> {
        const F32: c_int = NPY_TYPES::NPY_FLOAT as c_int;
        const F64: c_int = NPY_TYPES::NPY_DOUBLE as c_int;
        const C64: c_int = NPY_TYPES::NPY_CFLOAT as c_int;
        const C128: c_int = NPY_TYPES::NPY_CDOUBLE as c_int;
        Some(match num {
            F32 => DType::F32,
            F64 => DType::F64,
            C64 => DType::C64,
            C128 => DType::C128,
            _ => return None,
        })
    }

    /// The dtype named `name` (NumPy's `dtype.name`), if hpc computes on it.
    pub(crate) fn of_name(name: &str) -> Option<DType> {
        [DType::F32, DType::F64, DType::C64, DType::C128]
            .into_iter()
            .find(|d| d.name() == name)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::C64 => "complex64",
            DType::C128 => "complex128",
        }
    }

    /// The array-interface type string (little-endian) and the size of an element in bytes.
    pub(crate) fn typestr(self) -> (&'static str, usize) {
        match self {
            DType::F32 => ("<f4", 4),
            DType::F64 => ("<f8", 8),
            DType::C64 => ("<c8", 8),
            DType::C128 => ("<c16", 16),
        }
    }
}

/// Runs `$body` with `$t` the element type of `$dtype` (f32, f64, c32, c64).
macro_rules! dispatch {
    ($dtype:expr, $t:ident => $body:expr) => {
        match $dtype {
            $crate::array::DType::F32 => {
                type $t = f32;
                $body
            }
            $crate::array::DType::F64 => {
                type $t = f64;
                $body
            }
            $crate::array::DType::C64 => {
                type $t = hpc_core::c32;
                $body
            }
            $crate::array::DType::C128 => {
                type $t = hpc_core::c64;
                $body
            }
        }
    };
}
pub(crate) use dispatch;

/// An array argument: its dtype, shape, element strides and first element.
#[derive(Clone)]
pub(crate) struct Arr<'py> {
    /// Kept so that the memory outlives every view made from it.
    _obj: Bound<'py, PyUntypedArray>,
    pub(crate) name: &'static str,
    pub(crate) dtype: DType,
    pub(crate) shape: Vec<usize>,
    pub(crate) strides: Vec<isize>,
    ptr: *mut u8,
    itemsize: usize,
    writeable: bool,
}

impl<'py> Arr<'py> {
    /// Reads `obj` (a NumPy array) as argument `name`.
    pub(crate) fn new(obj: &Bound<'py, PyAny>, name: &'static str) -> PyResult<Self> {
        let py = obj.py();
        let a = obj.cast::<PyUntypedArray>().map_err(|_| {
            err(
                py,
                Kind::DType,
                format!("{name} must be a NumPy array, not {}", type_name(obj)),
            )
        })?;
        let d = a.dtype();
        // The type number and byte order identify the four dtypes without building their
        // descriptors (this runs on every call, so it is kept cheap).
        let native = d.is_native_byteorder() != Some(false);
        let dtype = match DType::of_type_num(d.num()).filter(|_| native) {
            Some(dtype) => dtype,
            None => {
                let what = d
                    .typeobj()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_else(|_| "?".into());
                let order = if native {
                    ""
                } else {
                    " (non-native byte order)"
                };
                return Err(err(
                    py,
                    Kind::DType,
                    format!(
                        "{name} has dtype {what}{order}; hpc computes on float32, float64, complex64 and complex128 (convert with .astype(np.float64) or another of these)"
                    ),
                ));
            }
        };
        let itemsize = d.itemsize();
        let strides = a
            .strides()
            .iter()
            .zip(a.shape())
            .map(|(&s, &n)| {
                // NumPy gives axes of length 0 or 1 any stride (often 0): none is ever stepped
                // along, so 1 describes the same elements and keeps the views' checks simple.
                if n <= 1 {
                    Ok(1)
                } else if s % itemsize as isize == 0 {
                    Ok(s / itemsize as isize)
                } else {
                    Err(err(
                        py,
                        Kind::Layout,
                        format!("{name} has strides {:?} bytes, not whole elements of {itemsize} bytes; pass np.ascontiguousarray({name})", a.strides()),
                    ))
                }
            })
            .collect::<PyResult<Vec<_>>>()?;
        // SAFETY: `as_array_ptr` points to the live array object.
        let (ptr, flags) = unsafe {
            let raw = a.as_array_ptr();
            ((*raw).fields.data as *mut u8, (*raw).fields.flags)
        };
        if flags & NPY_ARRAY_ALIGNED == 0 && !a.is_empty() {
            return Err(err(
                py,
                Kind::Layout,
                format!("{name} is not aligned for its dtype; pass a copy (np.array({name}))"),
            ));
        }
        Ok(Arr {
            _obj: a.clone(),
            name,
            dtype,
            shape: a.shape().to_vec(),
            strides,
            ptr,
            itemsize,
            writeable: flags & NPY_ARRAY_WRITEABLE != 0,
        })
    }

    /// The same elements seen as a `rows x cols` matrix: a 1-D array as one row (`row`) or
    /// one column, a 0-D one as 1 x 1 (as `numpy.matmul` treats its operands and result).
    pub(crate) fn as_matrix(&self, row: bool) -> Arr<'py> {
        let mut m = self.clone();
        match self.ndim() {
            0 => {
                m.shape = vec![1, 1];
                m.strides = vec![1, 1];
            }
            1 if row => {
                m.shape = vec![1, self.shape[0]];
                m.strides = vec![1, self.strides[0]];
            }
            1 => {
                m.shape = vec![self.shape[0], 1];
                m.strides = vec![self.strides[0], 1];
            }
            _ => {}
        }
        m
    }

    /// `(re, im)` as a NumPy scalar: of this array's dtype, or with `real`, of its real type
    /// (`float32` for `complex64`).
    pub(crate) fn scalar(&self, (re, im): (f64, f64), real: bool) -> PyResult<Bound<'py, PyAny>> {
        let py = self._obj.py();
        match (real, self.dtype) {
            (false, DType::C64 | DType::C128) => {
                let ty = self._obj.dtype().typeobj();
                ty.call1((pyo3::types::PyComplex::from_doubles(py, re, im),))
            }
            (_, DType::F32 | DType::C64) => numpy::dtype::<f32>(py).typeobj().call1((re,)),
            _ => numpy::dtype::<f64>(py).typeobj().call1((re,)),
        }
    }

    /// The address of the first element (index 0 in every dimension).
    pub(crate) fn ptr(&self) -> *mut u8 {
        self.ptr
    }

    /// The same elements with a dimension of length 1 inserted before dimension `at`.
    pub(crate) fn with_unit_dim(&self, at: usize) -> Arr<'py> {
        let mut m = self.clone();
        m.shape.insert(at, 1);
        m.strides.insert(at, 1);
        m
    }

    /// Fails if two elements of this (output) array share memory.
    pub(crate) fn expect_distinct(&self, py: Python<'_>) -> PyResult<()> {
        if hpc_core::check::distinct(&self.shape, &self.strides) {
            Ok(())
        } else {
            Err(self.self_overlap(py))
        }
    }

    pub(crate) fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// Requires `ndim` dimensions.
    pub(crate) fn expect_ndim(&self, py: Python<'_>, ndim: usize) -> PyResult<()> {
        if self.ndim() == ndim {
            Ok(())
        } else {
            Err(err(
                py,
                Kind::Shape,
                format!(
                    "{} must be {ndim}-D, but has shape {} ({}-D)",
                    self.name,
                    shape_str(&self.shape),
                    self.ndim()
                ),
            ))
        }
    }

    /// Requires at least `ndim` dimensions.
    pub(crate) fn expect_ndim_at_least(&self, py: Python<'_>, ndim: usize) -> PyResult<()> {
        if self.ndim() >= ndim {
            return Ok(());
        }
        Err(err(
            py,
            Kind::Shape,
            format!(
                "{} must have {ndim} or more dimensions, but has shape {} ({}-D)",
                self.name,
                shape_str(&self.shape),
                self.ndim()
            ),
        ))
    }

    /// Requires a writeable array.
    pub(crate) fn expect_writeable(&self, py: Python<'_>) -> PyResult<()> {
        if self.writeable {
            Ok(())
        } else {
            Err(err(
                py,
                Kind::Layout,
                format!("{} is read-only; pass a writeable array", self.name),
            ))
        }
    }

    /// The memory the array's elements occupy (empty arrays: none).
    fn span(&self) -> Option<Span> {
        Span::of("hpc", "array", &self.shape, &self.strides)
            .expect("a NumPy array's strides describe its memory")
    }

    /// Fails if this (output) array shares memory with `other`.
    pub(crate) fn expect_disjoint(&self, py: Python<'_>, other: &Arr<'_>) -> PyResult<()> {
        if let (Some(a), Some(b)) = (self.span(), other.span())
            && a.overlaps(
                self.ptr as usize,
                self.itemsize,
                b,
                other.ptr as usize,
                other.itemsize,
            )
        {
            return Err(err(
                py,
                Kind::Layout,
                format!(
                    "{} overlaps the input {} in memory; pass a separate array",
                    self.name, other.name
                ),
            ));
        }
        Ok(())
    }

    fn check<T: Scalar>(&self) {
        assert_eq!(
            self.itemsize,
            size_of::<T>(),
            "the element type matches the dtype"
        );
    }

    /// The 2-D array as a matrix view.
    ///
    /// # Safety
    /// `T` is the array's element type; its memory stays valid and unwritten while the view
    /// lives.
    pub(crate) unsafe fn mat<'a, T: Scalar>(&self) -> MatRef<'a, T> {
        self.check::<T>();
        let (s, st) = (&self.shape, &self.strides);
        // SAFETY: forwarded; NumPy's pointer, shape and strides name the array's elements.
        unsafe { MatRef::from_raw_parts(self.ptr as *const T, s[0], s[1], st[0], st[1]) }
            .expect("a NumPy array's strides describe its memory")
    }

    /// The 2-D array as a writable matrix view (an error: two of its elements share memory).
    ///
    /// # Safety
    /// As [`Arr::mat`], and nothing else accesses the array meanwhile.
    pub(crate) unsafe fn mat_mut<'a, T: Scalar>(&self, py: Python<'_>) -> PyResult<MatMut<'a, T>> {
        self.check::<T>();
        let (s, st) = (&self.shape, &self.strides);
        // SAFETY: forwarded.
        unsafe { MatMut::from_raw_parts(self.ptr as *mut T, s[0], s[1], st[0], st[1]) }
            .map_err(|_| self.self_overlap(py))
    }

    /// The 1-D array as a vector view.
    ///
    /// # Safety
    /// As [`Arr::mat`].
    pub(crate) unsafe fn vec<'a, T: Scalar>(&self) -> VecRef<'a, T> {
        self.check::<T>();
        // SAFETY: forwarded.
        unsafe { VecRef::from_raw_parts(self.ptr as *const T, self.shape[0], self.strides[0]) }
            .expect("a NumPy array's strides describe its memory")
    }

    /// The 1-D array as a writable vector view.
    ///
    /// # Safety
    /// As [`Arr::mat_mut`].
    pub(crate) unsafe fn vec_mut<'a, T: Scalar>(&self, py: Python<'_>) -> PyResult<VecMut<'a, T>> {
        self.check::<T>();
        // SAFETY: forwarded.
        unsafe { VecMut::from_raw_parts(self.ptr as *mut T, self.shape[0], self.strides[0]) }
            .map_err(|_| self.self_overlap(py))
    }

    fn self_overlap(&self, py: Python<'_>) -> PyErr {
        err(
            py,
            Kind::Layout,
            format!(
                "{} has several elements at one address (strides {:?}, e.g. from np.broadcast_to); pass a writeable copy",
                self.name, self.strides
            ),
        )
    }
}

/// `(m, k, n)` of `a @ b` for the (stacks of) matrices `a2` and `b2` that operands `a` and `b`
/// stand for (`Arr::as_matrix`; the last two dimensions), or a `ShapeError` naming `routine` and the operands' own shapes.
pub(crate) fn matmul_dims(
    py: Python<'_>,
    routine: &str,
    (a, a2): (&Arr<'_>, &Arr<'_>),
    (b, b2): (&Arr<'_>, &Arr<'_>),
) -> PyResult<(usize, usize, usize)> {
    let (ak, bk) = (a2.ndim() - 1, b2.ndim() - 2);
    if a2.shape[ak] != b2.shape[bk] {
        return Err(err(
            py,
            Kind::Shape,
            format!(
                "{routine}: a has shape {} and b has shape {}; the last dimension of a ({}) must equal the first of b ({})",
                shape_str(&a.shape),
                shape_str(&b.shape),
                a2.shape[ak],
                b2.shape[bk]
            ),
        ));
    }
    Ok((a2.shape[ak - 1], a2.shape[ak], b2.shape[bk + 1]))
}

/// A shape as Python writes it: `(2, 3)`, `(4,)`, `()`.
pub(crate) fn shape_str(shape: &[usize]) -> String {
    match shape {
        [one] => format!("({one},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Requires all arrays to have the first one's dtype.
pub(crate) fn same_dtype(py: Python<'_>, arrays: &[&Arr<'_>]) -> PyResult<DType> {
    let first = arrays[0];
    for a in &arrays[1..] {
        if a.dtype != first.dtype {
            return Err(err(
                py,
                Kind::DType,
                format!(
                    "{} is {} but {} is {}: hpc does not mix dtypes; convert one with .astype()",
                    first.name,
                    first.dtype.name(),
                    a.name,
                    a.dtype.name()
                ),
            ));
        }
    }
    Ok(first.dtype)
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}
