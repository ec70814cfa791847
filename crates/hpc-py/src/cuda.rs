//! `hpc.cuda` for NumPy arrays: the product on the GPU (our tiled kernel or cuBLAS), with the
//! operands copied to the device and the result copied back. Arguments are checked (ndim,
//! shapes, dtypes) before the GPU is touched; a missing GPU or CUDA library is a
//! `hpc.CudaError` saying what was looked for.

use std::sync::OnceLock;

use numpy::PyArrayMethods;
use pyo3::prelude::*;

use hpc_cuda::{Backend, Device};

use crate::array::{Arr, DType, same_dtype, shape_str};
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
    let backend = match backend {
        "tiled" => Backend::Tiled,
        "cublas" => Backend::Cublas,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "backend must be \"tiled\" or \"cublas\", not {other:?}"
            )));
        }
    };
    let (a, b) = (Arr::new(a, "a")?, Arr::new(b, "b")?);
    a.expect_ndim(py, 2)?;
    b.expect_ndim(py, 2)?;
    let dtype = same_dtype(py, &[&a, &b])?;
    if a.shape[1] != b.shape[0] {
        return Err(err(
            py,
            Kind::Shape,
            format!(
                "cuda.matmul: a has shape {} and b has shape {}; the last dimension of a must equal the first of b",
                shape_str(&a.shape),
                shape_str(&b.shape)
            ),
        ));
    }
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1]);
    let dev = device()
        .as_ref()
        .map_err(|why| err(py, Kind::Cuda, why.clone()))?;
    match dtype {
        DType::F32 => run::<f32>(py, dev, backend, &a, &b, (m, n, k)),
        DType::F64 => run::<f64>(py, dev, backend, &a, &b, (m, n, k)),
        DType::C64 | DType::C128 => Err(err(
            py,
            Kind::DType,
            format!(
                "cuda.matmul computes on float32 and float64; {} is not supported on the GPU yet",
                dtype.name()
            ),
        )),
    }
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
    T: hpc_cuda::GpuScalar + hpc_core::Scalar + numpy::Element + Send + Sync,
    cudarc::cublas::CudaBlas: cudarc::cublas::Gemm<T>,
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
            T::one(),
            false,
            (&ha, m, k),
            false,
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
