//! `hpc.cuda`: the product on the GPU (our tiled kernel or cuBLAS).
//!
//! - NumPy operands (`cuda_matmul`) are copied to the device and the result back.
//! - Device operands (`cuda_matmul_device`: arrays of CuPy, PyTorch or anything with
//!   `__cuda_array_interface__`, whose dictionaries `hpc/cuda.py` reads) are used in place,
//!   and the result is a [`DeviceArray`] left on the device, which exposes
//!   `__cuda_array_interface__` itself, so that those libraries take it without a copy.
//!
//! Arguments are checked (ndim, shapes, dtypes) before the GPU is touched; a missing GPU or
//! CUDA library is a `hpc.CudaError` saying what was looked for.

use std::sync::OnceLock;

use numpy::PyArrayMethods;
use pyo3::prelude::*;

use hpc_core::Trans;
use hpc_cuda::{Backend, Device, DeviceMatrix, GpuScalar};

use crate::array::{Arr, DType, dispatch, matmul_dims, same_dtype};
use crate::errors::{Kind, err};

/// The process's device 0, opened once (or why it could not be).
fn device() -> &'static Result<Device, String> {
    static DEVICE: OnceLock<Result<Device, String>> = OnceLock::new();
    DEVICE.get_or_init(|| Device::new(0).map_err(|e| e.to_string()))
}

/// Whether a GPU can be used: the CUDA libraries load and device 0 opens.
#[pyfunction]
pub(crate) fn cuda_is_available() -> bool {
    hpc_cuda::available() && device().is_ok()
}

/// `a @ b` on the GPU for 2-D float32/float64 arrays (any strides; copied to the device),
/// with `backend` "tiled" or "cublas"; returns a new Fortran-ordered array.
#[pyfunction]
#[pyo3(signature = (a, b, backend="tiled"))]
pub(crate) fn cuda_matmul<'py>(
    py: Python<'py>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    backend: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let (backend, a, b, dtype, (m, k, n)) = operands(py, (a, b), backend, 2)?;
    check_backend_dtype(py, backend, dtype)?;
    let dev = device()
        .as_ref()
        .map_err(|why| err(py, Kind::Cuda, why.clone()))?;
    dispatch!(dtype, T => run::<T>(py, dev, backend, &a, &b, (m, n, k)))
}

/// `a @ b` on the GPU for stacks: `a` holds `(ca, m, k)` and `b` `(cb, k, n)` matrices, each
/// count 1 (one matrix for every product) or the stack's; copied to the device (any strides),
/// multiplied by one batched call (cuBLAS's strided-batched GEMM, or our kernel over grid z)
/// and copied back. Returns the `(count, n, m)` C-ordered array: the products column-major,
/// which `hpc/cuda.py` turns into NumPy's `(..., m, n)`.
#[pyfunction]
#[pyo3(signature = (a, b, backend="tiled"))]
pub(crate) fn cuda_matmul_stack<'py>(
    py: Python<'py>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    backend: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let (backend, a, b, dtype, (m, k, n)) = operands(py, (a, b), backend, 3)?;
    let (ca, cb) = (a.shape[0], b.shape[0]);
    let count = if ca != 1 { ca } else { cb };
    if cb != count && cb != 1 {
        return Err(err(
            py,
            Kind::Shape,
            format!("cuda.matmul: stacks of {ca} and {cb} matrices do not broadcast"),
        ));
    }
    check_backend_dtype(py, backend, dtype)?;
    let dev = device()
        .as_ref()
        .map_err(|why| err(py, Kind::Cuda, why.clone()))?;
    dispatch!(dtype, T => run_stack::<T>(py, dev, backend, (&a, &b), count, (m, n, k)))
}

fn run_stack<'py, T>(
    py: Python<'py>,
    dev: &Device,
    backend: Backend,
    (a, b): (&Arr<'_>, &Arr<'_>),
    count: usize,
    (m, n, k): (usize, usize, usize),
) -> PyResult<Bound<'py, PyAny>>
where
    T: GpuScalar + hpc_core::Scalar + numpy::Element,
{
    let stack = |x: &Arr<'_>| {
        let (s, st) = (&x.shape, &x.strides);
        // SAFETY: the array lives across the call, is only read, and has dtype T; its shape
        // and strides name its elements.
        unsafe {
            hpc_core::BatchRef::<T>::from_raw_parts(
                x.ptr() as *const T,
                (s[0], s[1], s[2]),
                (st[0], st[1], st[2]),
            )
        }
        .expect("a NumPy array's strides describe its memory")
    };
    let (sa, sb) = (stack(a), stack(b));
    // Each stack column-major, matrix after matrix.
    let gather = |s: hpc_core::BatchRef<'_, T>| -> Vec<T> {
        let (r, c) = (s.rows(), s.cols());
        (0..s.count())
            .flat_map(|z| {
                let v = s.get(z);
                (0..r * c).map(move |e| v.get(e % r, e / r))
            })
            .collect()
    };
    let result = py.detach(move || -> Result<Vec<T>, hpc_cuda::Error> {
        let mut hc = vec![T::zero(); count * m * n];
        if hc.is_empty() || k == 0 {
            return Ok(hc);
        }
        let (ha, hb) = (gather(sa), gather(sb));
        let upload = |h: &[T]| DeviceMatrix::from_host(dev, h, h.len(), 1, h.len());
        let (da, db) = (upload(&ha)?, upload(&hb)?);
        let mut dc = upload(&hc)?;
        let step = |s: &hpc_core::BatchRef<'_, T>, len| if s.count() == 1 { 0 } else { len };
        hpc_cuda::gemm_batched(
            dev,
            backend,
            count,
            Trans::No,
            Trans::No,
            T::one(),
            (&da, (m, k), step(&sa, m * k)),
            (&db, (k, n), step(&sb, k * n)),
            T::zero(),
            (&mut dc, (m, n), m * n),
        )?;
        hc = dc.to_host(dev)?;
        Ok(hc)
    });
    py.check_signals()?;
    let hc = result.map_err(|e| err(py, Kind::Cuda, e.to_string()))?;
    let out = numpy::PyArray1::from_vec(py, hc);
    Ok(out.reshape([count, n, m])?.into_any())
}

/// A checked product: backend, `a`, `b`, their dtype and `(m, k, n)`.
type Operands<'py> = (Backend, Arr<'py>, Arr<'py>, DType, (usize, usize, usize));

/// The backend and the NumPy operands of a product, checked: `ndim` dimensions each, one
/// dtype, and `(m, k, n)` of their last two dimensions.
fn operands<'py>(
    py: Python<'py>,
    (a, b): (&Bound<'py, PyAny>, &Bound<'py, PyAny>),
    backend: &str,
    ndim: usize,
) -> PyResult<Operands<'py>> {
    let backend = parse_backend(backend)?;
    let (a, b) = (Arr::new(a, "a")?, Arr::new(b, "b")?);
    a.expect_ndim(py, ndim)?;
    b.expect_ndim(py, ndim)?;
    let dtype = same_dtype(py, &[&a, &b])?;
    let dims = matmul_dims(py, "cuda.matmul", (&a, &a), (&b, &b))?;
    Ok((backend, a, b, dtype, dims))
}

fn parse_backend(backend: &str) -> PyResult<Backend> {
    match backend {
        "tiled" => Ok(Backend::Tiled),
        "cublas" => Ok(Backend::Cublas),
        other => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "backend must be \"tiled\" or \"cublas\", not {other:?}"
        ))),
    }
}

/// hpc's own kernels are real: complex products need cuBLAS.
fn check_backend_dtype(py: Python<'_>, backend: Backend, dtype: DType) -> PyResult<()> {
    if backend != Backend::Cublas && matches!(dtype, DType::C64 | DType::C128) {
        return Err(err(
            py,
            Kind::DType,
            format!(
                "cuda.matmul: the tiled kernels compute float32 and float64; {} needs backend=\"cublas\"",
                dtype.name()
            ),
        ));
    }
    Ok(())
}

fn run<'py, T>(
    py: Python<'py>,
    dev: &Device,
    backend: Backend,
    a: &Arr<'_>,
    b: &Arr<'_>,
    (m, n, k): (usize, usize, usize),
) -> PyResult<Bound<'py, PyAny>>
where
    T: GpuScalar + hpc_core::Scalar + numpy::Element,
{
    // SAFETY: the arrays live across the call and are only read.
    let (av, bv) = unsafe { (a.mat::<T>(), b.mat::<T>()) };
    let gather = |v: hpc_core::MatRef<'_, T>| -> Vec<T> {
        let (r, c) = (v.rows(), v.cols());
        (0..r * c).map(|e| v.get(e % r, e / r)).collect()
    };
    let result = py.detach(move || {
        let (ha, hb) = (gather(av), gather(bv));
        let mut hc = vec![T::zero(); m * n];
        hpc_cuda::gemm_host(
            dev,
            backend,
            Trans::No,
            Trans::No,
            T::one(),
            (&ha, m, k),
            (&hb, k, n),
            T::zero(),
            (&mut hc, m, n),
        )
        .map(|()| hc)
    });
    py.check_signals()?;
    let hc = result.map_err(|e| err(py, Kind::Cuda, e.to_string()))?;
    let out = numpy::PyArray1::from_vec(py, hc);
    // Column-major m x n: the (n, m) C-ordered array, transposed.
    Ok(out.reshape([n, m])?.transpose()?.into_any())
}

/// A matrix on the GPU that hpc computed: column-major, owned by this object. It exposes
/// `__cuda_array_interface__` (version 3), so that `cupy.asarray(x)` or
/// `torch.as_tensor(x, device="cuda")` use it without a copy while it lives.
#[pyclass(module = "hpc._hpc", name = "DeviceArray", frozen)]
pub(crate) struct DeviceArray {
    data: Box<dyn Stored>,
    dtype: DType,
    rows: usize,
    cols: usize,
}

/// A [`DeviceMatrix`] of any element type, as [`DeviceArray`] uses it.
trait Stored: Send + Sync {
    /// The device address of element (0, 0) and the leading dimension.
    fn address(&self, dev: &Device) -> (u64, usize);
    /// A NumPy copy (Fortran order).
    fn to_numpy<'py>(&self, py: Python<'py>, dev: &Device) -> PyResult<Bound<'py, PyAny>>;
}

impl<T: GpuScalar + numpy::Element> Stored for DeviceMatrix<T> {
    fn address(&self, dev: &Device) -> (u64, usize) {
        (self.device_address(dev), self.shape().2)
    }

    fn to_numpy<'py>(&self, py: Python<'py>, dev: &Device) -> PyResult<Bound<'py, PyAny>> {
        let (rows, cols, ld) = self.shape();
        let host = py
            .detach(|| self.to_host(dev))
            .map_err(|e| err(py, Kind::Cuda, e.to_string()))?;
        let mut packed = Vec::with_capacity(rows * cols);
        for j in 0..cols {
            packed.extend_from_slice(&host[j * ld..j * ld + rows]);
        }
        let out = numpy::PyArray1::from_vec(py, packed);
        Ok(out.reshape([cols, rows])?.transpose()?.into_any())
    }
}

#[pymethods]
impl DeviceArray {
    /// `(rows, cols)`.
    #[getter]
    fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// The NumPy dtype name (`"float32"`, ...).
    #[getter(dtype)]
    fn dtype_name(&self) -> &'static str {
        self.dtype.name()
    }

    /// The CUDA Array Interface, version 3: column-major strides; the data is complete when
    /// this object is returned, so no stream is named.
    #[getter]
    fn __cuda_array_interface__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        let dev = device()
            .as_ref()
            .map_err(|why| err(py, Kind::Cuda, why.clone()))?;
        let (ptr, ld) = self.data.address(dev);
        let (ts, size) = self.dtype.typestr();
        let d = pyo3::types::PyDict::new(py);
        d.set_item("shape", (self.rows, self.cols))?;
        d.set_item("typestr", ts)?;
        d.set_item("data", (ptr, false))?;
        d.set_item("strides", (size, ld * size))?;
        d.set_item("version", 3)?;
        d.set_item("stream", py.None())?;
        Ok(d)
    }

    /// A NumPy copy (Fortran order).
    fn get<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let dev = device()
            .as_ref()
            .map_err(|why| err(py, Kind::Cuda, why.clone()))?;
        self.data.to_numpy(py, dev)
    }
}

/// One device operand as `hpc/cuda.py` read it from `__cuda_array_interface__`: the address
/// of element (0, 0), the stored column-major `rows x cols` with leading dimension `ld`, and
/// whether the operand is the transpose of that (a row-major array).
type DevOperand = (u64, usize, usize, usize, bool);

/// `a @ b` for two device operands of dtype `dtype`, used in place; the result stays on the
/// device. Runs after every stream of the context is idle (the operands' owners may have
/// queued the work that fills them) and returns when the product is complete.
#[pyfunction]
#[pyo3(signature = (dtype, a, b, backend="tiled"))]
pub(crate) fn cuda_matmul_device(
    py: Python<'_>,
    dtype: &str,
    a: DevOperand,
    b: DevOperand,
    backend: &str,
) -> PyResult<DeviceArray> {
    let backend = parse_backend(backend)?;
    let dt = DType::of_name(dtype).ok_or_else(|| {
        err(
            py,
            Kind::DType,
            format!("cuda.matmul: unsupported dtype {dtype}; hpc computes float32, float64, complex64 and complex128"),
        )
    })?;
    check_backend_dtype(py, backend, dt)?;
    let dims = |o: &DevOperand| if o.4 { (o.2, o.1) } else { (o.1, o.2) };
    let ((m, k), (k2, n)) = (dims(&a), dims(&b));
    if k != k2 {
        return Err(err(
            py,
            Kind::Shape,
            format!(
                "cuda.matmul: a has shape ({m}, {k}) and b has shape ({k2}, {n}); the last dimension of a must equal the first of b"
            ),
        ));
    }
    let dev = device()
        .as_ref()
        .map_err(|why| err(py, Kind::Cuda, why.clone()))?;
    let (rows, cols) = (m, n);
    let data: Box<dyn Stored> = dispatch!(dt, T => {
        Box::new(device_product::<T>(py, dev, backend, a, b, (m, n))?)
    });
    Ok(DeviceArray {
        data,
        dtype: dt,
        rows,
        cols,
    })
}

fn device_product<T: GpuScalar + hpc_core::Scalar>(
    py: Python<'_>,
    dev: &Device,
    backend: Backend,
    a: DevOperand,
    b: DevOperand,
    (m, n): (usize, usize),
) -> PyResult<DeviceMatrix<T>> {
    let result = py.detach(|| -> Result<DeviceMatrix<T>, hpc_cuda::Error> {
        dev.synchronize_context()?;
        // SAFETY: `hpc/cuda.py` took the addresses and extents from the operands'
        // `__cuda_array_interface__`, whose owners keep them alive for this call (the
        // arrays are referenced by the caller); they are only read, and the context was
        // synchronised above so their contents are complete.
        let (da, db) = unsafe {
            (
                DeviceMatrix::<T>::from_raw(dev, a.0, a.1, a.2, a.3)?,
                DeviceMatrix::<T>::from_raw(dev, b.0, b.1, b.2, b.3)?,
            )
        };
        let mut dc = DeviceMatrix::<T>::zeros(dev, m, n)?;
        let op = |t: bool| if t { Trans::Trans } else { Trans::No };
        hpc_cuda::gemm(
            dev,
            backend,
            op(a.4),
            op(b.4),
            T::one(),
            &da,
            &db,
            T::zero(),
            &mut dc,
        )?;
        dev.synchronize()?;
        Ok(dc)
    });
    py.check_signals()?;
    result.map_err(|e| match e {
        hpc_cuda::Error::Shape(m) => err(py, Kind::Shape, m),
        other => err(py, Kind::Cuda, other.to_string()),
    })
}
