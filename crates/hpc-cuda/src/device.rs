//! The device side of hpc-cuda: [`Device`] (context, stream, compiled kernels), [`DeviceMatrix`]
//! (a column-major matrix in device memory) and [`gemm`] on our own kernels.
//!
//! Every call probes the CUDA libraries first (cudarc panics on a missing one) and checks
//! shapes and lengths before anything reaches the driver, so misuse is an [`Error`], never a
//! panic or undefined behaviour.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cudarc::cublas::sys::{cublasMath_t, cublasOperation_t};
use cudarc::cublas::{CudaBlas, Gemm, GemmConfig, StridedBatchedConfig};
use cudarc::driver::{CudaContext, CudaFunction, CudaSlice, CudaStream, DeviceRepr, LaunchConfig};
use cudarc::driver::{PushKernelArg, ValidAsZeroBits};
use cudarc::nvrtc::Ptx;

use crate::error::Error;
use crate::kernels::{Precision, Variant, compile};

/// An element type the kernels handle.
pub trait GpuScalar: DeviceRepr + ValidAsZeroBits + Copy + Default + PartialEq + 'static {
    /// The kernels' instantiation for this type.
    const PRECISION: Precision;
    /// Zero.
    const ZERO: Self;
}

impl GpuScalar for f32 {
    const PRECISION: Precision = Precision::F32;
    const ZERO: f32 = 0.0;
}

impl GpuScalar for f64 {
    const PRECISION: Precision = Precision::F64;
    const ZERO: f64 = 0.0;
}

fn driver(e: cudarc::driver::DriverError) -> Error {
    Error::Driver(format!("{e:?}"))
}

fn cublas(e: cudarc::cublas::result::CublasError) -> Error {
    Error::Cublas(format!("{e:?}"))
}

/// Which GEMM runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Our default kernel ([`Backend::DEFAULT_KERNEL`]).
    Tiled,
    /// One of our kernels by name (for learning and benchmarking).
    Kernel(Variant),
    /// cuBLAS, in its default math mode, set explicitly: FP32 is computed in FP32, never TF32.
    Cublas,
}

impl Backend {
    /// The kernel `Tiled` runs: the last of the progression, pending measurement on a GPU.
    pub const DEFAULT_KERNEL: Variant = Variant::WarpTile;
}

/// One GPU: its context and stream, and the kernels compiled for it so far (per variant and
/// precision, for the life of the value).
pub struct Device {
    ctx: Arc<CudaContext>,
    stream: Arc<CudaStream>,
    arch: String,
    functions: Mutex<HashMap<(Variant, Precision), CudaFunction>>,
    blas: Mutex<Option<Arc<CudaBlas>>>,
}

impl Device {
    /// Opens device `ordinal`.
    ///
    /// # Errors
    /// [`Error::Unavailable`] when the driver or NVRTC cannot be loaded (checked before any
    /// cudarc call), [`Error::Driver`] when there is no such device.
    pub fn new(ordinal: usize) -> Result<Device, Error> {
        let libs = crate::probe();
        if !(libs.driver && libs.nvrtc) {
            return Err(Error::Unavailable(crate::describe(libs)));
        }
        let ctx = CudaContext::new(ordinal).map_err(driver)?;
        let (major, minor) = ctx.compute_capability().map_err(driver)?;
        let stream = ctx.default_stream();
        Ok(Device {
            ctx,
            stream,
            arch: format!("sm_{major}{minor}"),
            functions: Mutex::new(HashMap::new()),
            blas: Mutex::new(None),
        })
    }

    /// The cuBLAS handle on this device's stream, created on first use with the default math
    /// mode set explicitly (no TF32 for FP32).
    fn blas(&self) -> Result<Arc<CudaBlas>, Error> {
        let mut slot = self.blas.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(b) = slot.as_ref() {
            return Ok(b.clone());
        }
        let libs = crate::probe();
        if !libs.cublas {
            return Err(Error::Unavailable(crate::describe(libs)));
        }
        let b = CudaBlas::new(self.stream.clone()).map_err(cublas)?;
        // SAFETY: the handle is live (owned by `b`); setting its math mode has no other effect.
        unsafe {
            cudarc::cublas::sys::cublasSetMathMode(*b.handle(), cublasMath_t::CUBLAS_DEFAULT_MATH)
                .result()
                .map_err(cublas)?
        };
        let b = Arc::new(b);
        *slot = Some(b.clone());
        Ok(b)
    }

    /// The architecture kernels are compiled for (`sm_90` on an H100).
    pub fn arch(&self) -> &str {
        &self.arch
    }

    /// The kernel `v` for `p`, compiled to CUBIN for this device on first use.
    fn function(&self, v: Variant, p: Precision) -> Result<CudaFunction, Error> {
        let mut cache = self.functions.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = cache.get(&(v, p)) {
            return Ok(f.clone());
        }
        let compiled = compile(v, p, &self.arch, false)?;
        let module = self
            .ctx
            .load_module(Ptx::from_binary(compiled.cubin))
            .map_err(driver)?;
        let f = module.load_function(v.function()).map_err(driver)?;
        cache.insert((v, p), f.clone());
        Ok(f)
    }

    /// Waits for the work queued so far.
    ///
    /// # Errors
    /// [`Error::Driver`] if the device reports a failure.
    pub fn synchronize(&self) -> Result<(), Error> {
        self.stream.synchronize().map_err(driver)
    }
}

/// Checks a column-major `rows x cols` array with leading dimension `ld` held in `len`
/// elements; the number of elements it spans.
pub fn check_storage(
    what: &str,
    rows: usize,
    cols: usize,
    ld: usize,
    len: usize,
) -> Result<usize, Error> {
    if ld < rows.max(1) {
        return Err(Error::Shape(format!(
            "{what}: leading dimension {ld} < max(1, rows = {rows})"
        )));
    }
    let span = if rows == 0 || cols == 0 {
        0
    } else {
        ld * (cols - 1) + rows
    };
    if span > len {
        return Err(Error::Shape(format!(
            "{what}: a {rows} x {cols} matrix with leading dimension {ld} needs {span} elements, got {len}"
        )));
    }
    if rows > i32::MAX as usize || cols > i32::MAX as usize || ld > i32::MAX as usize {
        return Err(Error::Shape(format!(
            "{what}: dimensions above 2^31 - 1 are not supported"
        )));
    }
    Ok(span)
}

/// `(m, n, k)` of `C = op(A) op(B)` for stored shapes `a`, `b`, `c`, or why they do not fit.
pub fn check_gemm_shapes(
    ta: bool,
    a: (usize, usize),
    tb: bool,
    b: (usize, usize),
    c: (usize, usize),
) -> Result<(usize, usize, usize), Error> {
    let (m, k) = if ta { (a.1, a.0) } else { a };
    let (k2, n) = if tb { (b.1, b.0) } else { b };
    if k != k2 || c != (m, n) {
        return Err(Error::Shape(format!(
            "op(A) is {m} x {k}, op(B) is {k2} x {n}, C is {} x {}: need op(A) m x k, op(B) k x n, C m x n",
            c.0, c.1
        )));
    }
    Ok((m, n, k))
}

/// Checks `batch` column-major matrices of `shape` (leading dimension `max(1, rows)`),
/// `stride` elements apart, in a buffer of `len` elements.
pub fn check_batch(
    what: &str,
    batch: usize,
    shape: (usize, usize),
    stride: usize,
    len: usize,
) -> Result<(), Error> {
    let one = shape.0.max(1) * shape.1;
    if stride < one {
        return Err(Error::Shape(format!(
            "{what}: stride {stride} < one matrix's {one} elements"
        )));
    }
    let need = if batch == 0 {
        0
    } else {
        stride * (batch - 1) + one
    };
    if need > len {
        return Err(Error::Shape(format!(
            "{what}: {batch} matrices {stride} apart need {need} elements, the buffer has {len}"
        )));
    }
    Ok(())
}

/// A column-major matrix in device memory.
pub struct DeviceMatrix<T> {
    data: CudaSlice<T>,
    rows: usize,
    cols: usize,
    ld: usize,
}

impl<T: GpuScalar> DeviceMatrix<T> {
    /// Copies a column-major host matrix (leading dimension `ld`) to the device.
    ///
    /// # Errors
    /// [`Error::Shape`] if `host` is too short for the shape; [`Error::Driver`] on a failed
    /// copy.
    pub fn from_host(
        dev: &Device,
        host: &[T],
        rows: usize,
        cols: usize,
        ld: usize,
    ) -> Result<Self, Error> {
        check_storage("host matrix", rows, cols, ld, host.len())?;
        let len = ld * cols;
        let mut padded;
        let src = if host.len() >= len {
            &host[..len]
        } else {
            padded = host.to_vec();
            padded.resize(len, T::ZERO);
            &padded[..]
        };
        let data = dev.stream.clone_htod(src).map_err(driver)?;
        Ok(DeviceMatrix {
            data,
            rows,
            cols,
            ld,
        })
    }

    /// A zero matrix.
    ///
    /// # Errors
    /// [`Error::Driver`] when the allocation fails.
    pub fn zeros(dev: &Device, rows: usize, cols: usize) -> Result<Self, Error> {
        let ld = rows.max(1);
        check_storage("zero matrix", rows, cols, ld, ld * cols)?;
        let data = dev
            .stream
            .alloc_zeros::<T>(ld * cols.max(1))
            .map_err(driver)?;
        Ok(DeviceMatrix {
            data,
            rows,
            cols,
            ld,
        })
    }

    /// The matrix back on the host, column-major with its leading dimension.
    ///
    /// # Errors
    /// [`Error::Driver`] on a failed copy.
    pub fn to_host(&self, dev: &Device) -> Result<Vec<T>, Error> {
        dev.stream.clone_dtoh(&self.data).map_err(driver)
    }

    /// Rows, columns and leading dimension.
    pub fn shape(&self) -> (usize, usize, usize) {
        (self.rows, self.cols, self.ld)
    }
}

fn op(t: bool) -> cublasOperation_t {
    if t {
        cublasOperation_t::CUBLAS_OP_T
    } else {
        cublasOperation_t::CUBLAS_OP_N
    }
}

/// `C <- alpha op(A) op(B) + beta C` on the device (`op` transposes when `ta`/`tb`), by
/// `backend`. Queued on the device's stream; [`Device::synchronize`] or a copy back waits.
///
/// # Errors
/// [`Error::Shape`] if the shapes do not fit (checked before anything is launched);
/// [`Error::Compile`], [`Error::Driver`], [`Error::Cublas`] or [`Error::Unavailable`] from
/// the backend.
#[allow(clippy::too_many_arguments)]
pub fn gemm<T: GpuScalar>(
    dev: &Device,
    backend: Backend,
    alpha: T,
    ta: bool,
    a: &DeviceMatrix<T>,
    tb: bool,
    b: &DeviceMatrix<T>,
    beta: T,
    c: &mut DeviceMatrix<T>,
) -> Result<(), Error>
where
    CudaBlas: Gemm<T>,
{
    let (m, n, k) =
        check_gemm_shapes(ta, (a.rows, a.cols), tb, (b.rows, b.cols), (c.rows, c.cols))?;
    if m == 0 || n == 0 {
        return Ok(());
    }
    let (mi, ni, ki) = (m as i32, n as i32, k as i32);
    let (lda, ldb, ldc) = (a.ld as i32, b.ld as i32, c.ld as i32);
    let v = match backend {
        Backend::Cublas => {
            let blas = dev.blas()?;
            let cfg = GemmConfig {
                transa: op(ta),
                transb: op(tb),
                m: mi,
                n: ni,
                k: ki,
                alpha,
                lda,
                ldb,
                beta,
                ldc,
            };
            // SAFETY: the dimensions and leading dimensions were checked against the
            // buffers' shapes (`DeviceMatrix` holds ld x cols elements).
            return unsafe { blas.gemm(cfg, &a.data, &b.data, &mut c.data) }.map_err(cublas);
        }
        Backend::Tiled => Backend::DEFAULT_KERNEL,
        Backend::Kernel(v) => v,
    };
    let f = dev.function(v, T::PRECISION)?;
    let l = v.launch();
    let cfg = LaunchConfig {
        grid_dim: (
            (m as u32).div_ceil(l.tile.0),
            (n as u32).div_ceil(l.tile.1),
            1,
        ),
        block_dim: (l.block.0, l.block.1, 1),
        shared_mem_bytes: 0,
    };
    let (tai, tbi) = (i32::from(ta), i32::from(tb));
    let mut launch = dev.stream.launch_builder(&f);
    launch
        .arg(&mi)
        .arg(&ni)
        .arg(&ki)
        .arg(&alpha)
        .arg(&a.data)
        .arg(&lda)
        .arg(&tai)
        .arg(&b.data)
        .arg(&ldb)
        .arg(&tbi)
        .arg(&beta)
        .arg(&mut c.data)
        .arg(&ldc);
    // SAFETY: the arguments match the kernel's signature in `kernels/*.cu` (int m, n, k; T
    // alpha; const T* A; int lda, ta; const T* B; int ldb, tb; T beta; T* C; int ldc); the
    // shapes and leading dimensions were checked against the buffers, and the kernels guard
    // every access by m, n, k.
    unsafe { launch.launch(cfg) }.map_err(driver)?;
    Ok(())
}

/// `batch` products `C_i <- alpha op(A_i) op(B_i) + beta C_i` through cuBLAS's strided-batched
/// GEMM: each operand holds its matrices one after another, `stride` elements apart (at least
/// one matrix's extent, so that they do not overlap).
///
/// # Errors
/// [`Error::Shape`] when the shapes, strides or buffer lengths do not fit; [`Error::Cublas`] or
/// [`Error::Unavailable`] from cuBLAS.
#[allow(clippy::too_many_arguments)]
pub fn gemm_strided_batched<T: GpuScalar>(
    dev: &Device,
    batch: usize,
    alpha: T,
    ta: bool,
    a: (&CudaSlice<T>, (usize, usize), usize),
    tb: bool,
    b: (&CudaSlice<T>, (usize, usize), usize),
    beta: T,
    c: (&mut CudaSlice<T>, (usize, usize), usize),
) -> Result<(), Error>
where
    CudaBlas: Gemm<T>,
{
    let (m, n, k) = check_gemm_shapes(ta, a.1, tb, b.1, c.1)?;
    let lens = [a.0.len(), b.0.len(), c.0.len()];
    for ((what, (shape, stride)), len) in [("A", (a.1, a.2)), ("B", (b.1, b.2)), ("C", (c.1, c.2))]
        .into_iter()
        .zip(lens)
    {
        let one = shape.0.max(1) * shape.1;
        if stride < one {
            return Err(Error::Shape(format!(
                "{what}: stride {stride} < one matrix's {one} elements"
            )));
        }
        if batch > 0 && stride * (batch - 1) + one > len {
            return Err(Error::Shape(format!(
                "{what}: {batch} matrices {stride} apart need {} elements, the buffer has {len}",
                stride * (batch - 1) + one
            )));
        }
    }
    if batch == 0 || m == 0 || n == 0 {
        return Ok(());
    }
    let blas = dev.blas()?;
    let cfg = StridedBatchedConfig {
        gemm: GemmConfig {
            transa: op(ta),
            transb: op(tb),
            m: m as i32,
            n: n as i32,
            k: k as i32,
            alpha,
            lda: a.1.0.max(1) as i32,
            ldb: b.1.0.max(1) as i32,
            beta,
            ldc: c.1.0.max(1) as i32,
        },
        batch_size: batch as i32,
        stride_a: a.2 as i64,
        stride_b: b.2 as i64,
        stride_c: c.2 as i64,
    };
    // SAFETY: every matrix of every operand lies inside its buffer (checked above).
    unsafe { blas.gemm_strided_batched(cfg, a.0, b.0, c.0) }.map_err(cublas)
}

/// The host convenience: copies column-major `a` (`ar x ac`), `b` and `c` to the device,
/// multiplies with `backend` and copies C back into `c`.
///
/// # Errors
/// As [`DeviceMatrix::from_host`] and [`gemm`].
#[allow(clippy::too_many_arguments)]
pub fn gemm_host<T: GpuScalar>(
    dev: &Device,
    backend: Backend,
    alpha: T,
    ta: bool,
    a: (&[T], usize, usize),
    tb: bool,
    b: (&[T], usize, usize),
    beta: T,
    c: (&mut [T], usize, usize),
) -> Result<(), Error>
where
    CudaBlas: Gemm<T>,
{
    check_gemm_shapes(ta, (a.1, a.2), tb, (b.1, b.2), (c.1, c.2))?;
    let da = DeviceMatrix::from_host(dev, a.0, a.1, a.2, a.1.max(1))?;
    let db = DeviceMatrix::from_host(dev, b.0, b.1, b.2, b.1.max(1))?;
    let mut dc = DeviceMatrix::from_host(dev, c.0, c.1, c.2, c.1.max(1))?;
    gemm(dev, backend, alpha, ta, &da, tb, &db, beta, &mut dc)?;
    let out = dc.to_host(dev)?;
    let n = c.0.len().min(out.len());
    c.0[..n].copy_from_slice(&out[..n]);
    Ok(())
}
