//! The device side of hpc-cuda: [`Device`] (context, stream, compiled kernels), [`DeviceMatrix`]
//! (a column-major matrix in device memory, owned or borrowed from another library) and
//! [`gemm`] on our own kernels or cuBLAS.
//!
//! Every call probes the CUDA libraries first (cudarc panics on a missing one) and checks
//! shapes and lengths before anything reaches the driver, so misuse is an [`Error`], never a
//! panic or undefined behaviour.
//!
//! Element types: `f32` and `f64` run on our kernels and cuBLAS; [`c32`] and [`c64`] on cuBLAS
//! (the typed `cublas?gemm`, and `cublasGemmStridedBatchedEx`). Alpha and beta reach cuBLAS
//! 16-byte aligned ([`Aligned`]): `cuDoubleComplex` is, and cuBLAS reads it with aligned
//! loads (an 8-byte aligned `c64` crashed cuBLAS 13's ZGEMM on an H200). A complex matrix
//! lives on the device as its interleaved real and imaginary parts (`cuComplex` has that
//! layout), so that cudarc, which knows only real element types, can hold it.

use std::collections::HashMap;
use std::ffi::c_void;
use std::mem::ManuallyDrop;
use std::sync::{Arc, Mutex};

use cudarc::cublas::CudaBlas;
use cudarc::cublas::sys::{
    cublasComputeType_t, cublasGemmAlgo_t, cublasHandle_t, cublasMath_t, cublasOperation_t,
    cublasStatus_t, cudaDataType,
};
use cudarc::driver::{CudaContext, CudaFunction, CudaSlice, CudaStream, DeviceRepr, LaunchConfig};
use cudarc::driver::{DevicePtr, DevicePtrMut, PushKernelArg, ValidAsZeroBits};
use cudarc::nvrtc::Ptx;
use hpc_core::check::op_dims;
use hpc_core::{Trans, c32, c64};

use crate::error::Error;
use crate::kernels::{Precision, Variant, compile};

/// A host scalar for cuBLAS, 16-byte aligned as CUDA's `cuDoubleComplex` (`double2`) is:
/// cuBLAS loads alpha and beta with aligned vector loads, and Rust's `c64` is only 8-byte
/// aligned.
#[repr(C, align(16))]
#[derive(Clone, Copy, Debug)]
pub struct Aligned<T>(pub T);

/// An element type of the GPU GEMM: `f32`, `f64`, [`c32`], [`c64`].
pub trait GpuScalar: bytemuck::Pod + Default + PartialEq + Send + Sync + 'static {
    /// The real type it is stored as on the device (`FACTOR` reals per element).
    type Real: DeviceRepr + ValidAsZeroBits + bytemuck::Pod + Default + Send + Sync;
    /// Reals per element: 1, or 2 for complex types.
    const FACTOR: usize;
    /// Our kernels' instantiation, if they have one (real types only).
    const KERNEL: Option<Precision>;
    /// cuBLAS's name for the type.
    const DATA_TYPE: cudaDataType;
    /// cuBLAS's compute type: the type's own precision (never TF32 or other reduced modes).
    const COMPUTE: cublasComputeType_t;
    /// BLAS prefix: `s`, `d`, `c`, `z`.
    const PREFIX: char;

    /// cuBLAS's typed GEMM for the type (`cublasSgemm_v2` .. `cublasZgemm_v2`), column-major.
    ///
    /// # Safety
    /// As cuBLAS's: `handle` is live; `alpha` and `beta` point at host values (the handle's
    /// pointer mode is host); `a`, `b`, `c` are device addresses of matrices of `T` that
    /// hold the shapes given with their leading dimensions.
    #[allow(clippy::too_many_arguments)]
    unsafe fn cublas_gemm(
        handle: cublasHandle_t,
        ta: cublasOperation_t,
        tb: cublasOperation_t,
        mnk: (i32, i32, i32),
        alpha: &Aligned<Self>,
        a: (u64, i32),
        b: (u64, i32),
        beta: &Aligned<Self>,
        c: (u64, i32),
    ) -> cublasStatus_t;
}

macro_rules! gpu_scalar {
    ($t:ty, $r:ty, $f:literal, $kernel:expr, $data:ident, $compute:ident, $prefix:literal,
     $gemm:ident, $cu:ty) => {
        impl GpuScalar for $t {
            type Real = $r;
            const FACTOR: usize = $f;
            const KERNEL: Option<Precision> = $kernel;
            const DATA_TYPE: cudaDataType = cudaDataType::$data;
            const COMPUTE: cublasComputeType_t = cublasComputeType_t::$compute;
            const PREFIX: char = $prefix;

            unsafe fn cublas_gemm(
                handle: cublasHandle_t,
                ta: cublasOperation_t,
                tb: cublasOperation_t,
                (m, n, k): (i32, i32, i32),
                alpha: &Aligned<Self>,
                (a, lda): (u64, i32),
                (b, ldb): (u64, i32),
                beta: &Aligned<Self>,
                (c, ldc): (u64, i32),
            ) -> cublasStatus_t {
                // SAFETY: the caller's contract; `$cu` is cuBLAS's type for `$t`, with the
                // same layout (`FACTOR` reals, real part first).
                unsafe {
                    cudarc::cublas::sys::$gemm(
                        handle,
                        ta,
                        tb,
                        m,
                        n,
                        k,
                        (&alpha.0 as *const $t).cast::<$cu>(),
                        a as *const $cu,
                        lda,
                        b as *const $cu,
                        ldb,
                        (&beta.0 as *const $t).cast::<$cu>(),
                        c as *mut $cu,
                        ldc,
                    )
                }
            }
        }
    };
}
gpu_scalar!(
    f32,
    f32,
    1,
    Some(Precision::F32),
    CUDA_R_32F,
    CUBLAS_COMPUTE_32F,
    's',
    cublasSgemm_v2,
    f32
);
gpu_scalar!(
    f64,
    f64,
    1,
    Some(Precision::F64),
    CUDA_R_64F,
    CUBLAS_COMPUTE_64F,
    'd',
    cublasDgemm_v2,
    f64
);
gpu_scalar!(
    c32,
    f32,
    2,
    None,
    CUDA_C_32F,
    CUBLAS_COMPUTE_32F,
    'c',
    cublasCgemm_v2,
    cudarc::cublas::sys::cuComplex
);
gpu_scalar!(
    c64,
    f64,
    2,
    None,
    CUDA_C_64F,
    CUBLAS_COMPUTE_64F,
    'z',
    cublasZgemm_v2,
    cudarc::cublas::sys::cuDoubleComplex
);

fn driver(e: cudarc::driver::DriverError) -> Error {
    Error::Driver(format!("{e:?}"))
}

fn cublas(e: cudarc::cublas::result::CublasError) -> Error {
    Error::Cublas(format!("{e:?}"))
}

/// Which GEMM runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Our default kernel for the product's size ([`Backend::tiled_kernel`]).
    Tiled,
    /// One of our kernels by name (for learning and benchmarking).
    Kernel(Variant),
    /// cuBLAS, in its default math mode, set explicitly: FP32 is computed in FP32, never TF32.
    Cublas,
}

impl Backend {
    /// The kernel `Tiled` runs for `f32` once its grid fills the GPU: the fastest of ours at
    /// n >= 2048 on an H200 (0.49-0.51x cuBLAS; `examples/gpu_bench.rs --kernels`).
    pub const DEFAULT_KERNEL: Variant = Variant::WarpTile;
    /// The kernel `Tiled` runs for smaller `f32` products (and `f64` ones before sm_80): its
    /// 64 x 64 tiles make four times as many blocks (at n = 1024 on an H200, 1.13x
    /// `WarpTile` in f32 and 1.43x in f64).
    pub const SMALL_KERNEL: Variant = Variant::Reg2d;
    /// The kernel `Tiled` runs for `f64` on sm_80 and later: the FP64 tensor cores.
    pub const F64_TENSOR_KERNEL: Variant = Variant::Dmma;

    /// The kernel `Tiled` runs for an `m x n` C of precision `p` on a device of compute
    /// capability `major`.x with `sms` multiprocessors: `f64` on sm_80 and later runs on the
    /// tensor cores ([`Backend::F64_TENSOR_KERNEL`]); otherwise [`Backend::DEFAULT_KERNEL`]
    /// when its grid has at least one block per multiprocessor, else
    /// [`Backend::SMALL_KERNEL`] (a grid smaller than the GPU leaves multiprocessors idle).
    pub fn tiled_kernel(p: Precision, m: usize, n: usize, sms: usize, major: u32) -> Variant {
        if p == Precision::F64 && major >= Self::F64_TENSOR_KERNEL.min_major() {
            return Self::F64_TENSOR_KERNEL;
        }
        let tile = Self::DEFAULT_KERNEL.launch().tile;
        let blocks = m.div_ceil(tile.0 as usize) * n.div_ceil(tile.1 as usize);
        if blocks >= sms {
            Self::DEFAULT_KERNEL
        } else {
            Self::SMALL_KERNEL
        }
    }
}

/// One GPU: its context and stream, and the kernels compiled for it so far (per variant and
/// precision, for the life of the value).
pub struct Device {
    ctx: Arc<CudaContext>,
    stream: Arc<CudaStream>,
    arch: String,
    /// Multiprocessors and compute capability major (for [`Backend::tiled_kernel`]).
    sms: usize,
    major: u32,
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
        let sms = ctx
            .attribute(
                cudarc::driver::sys::CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT,
            )
            .map_err(driver)?;
        let stream = ctx.default_stream();
        Ok(Device {
            ctx,
            stream,
            sms: usize::try_from(sms).unwrap_or(1).max(1),
            major: u32::try_from(major).unwrap_or(0),
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

    /// The stream hpc queues its work on (for callers that mix in their own cudarc calls).
    pub fn stream(&self) -> &Arc<CudaStream> {
        &self.stream
    }

    /// The architecture kernels are compiled for (`sm_90` on an H100).
    pub fn arch(&self) -> &str {
        &self.arch
    }

    /// The number of multiprocessors (132 on an H100 SXM or an H200).
    pub fn multiprocessors(&self) -> usize {
        self.sms
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

    /// Waits for all work on this device's context, from every stream and library (CuPy and
    /// PyTorch share the primary context): before reading memory another library may still
    /// be writing.
    ///
    /// # Errors
    /// [`Error::Driver`] if the device reports a failure.
    pub fn synchronize_context(&self) -> Result<(), Error> {
        self.ctx.synchronize().map_err(driver)
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
    transa: Trans,
    transb: Trans,
    a: (usize, usize),
    b: (usize, usize),
    c: (usize, usize),
) -> Result<(usize, usize, usize), Error> {
    let (m, k) = op_dims(transa, a.0, a.1);
    let (k2, n) = op_dims(transb, b.0, b.1);
    if k != k2 || c != (m, n) {
        return Err(Error::Shape(format!(
            "op(A) is {m} x {k}, op(B) is {k2} x {n}, C is {} x {}: need op(A) m x k, op(B) k x n, C m x n",
            c.0, c.1
        )));
    }
    Ok((m, n, k))
}

/// Checks `batch` column-major matrices of `shape` (leading dimension `max(1, rows)`),
/// `stride` elements apart (with `repeat`, 0: one matrix for all), in a buffer of `len`
/// elements.
pub fn check_batch(
    what: &str,
    batch: usize,
    shape: (usize, usize),
    stride: usize,
    len: usize,
    repeat: bool,
) -> Result<(), Error> {
    let one = shape.0.max(1) * shape.1;
    if stride < one && !(repeat && stride == 0) {
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

/// A column-major matrix in device memory: owned (allocated by hpc) or borrowed from another
/// library (CuPy, PyTorch) through [`DeviceMatrix::from_raw`], in which case dropping it leaves
/// the memory to its owner.
pub struct DeviceMatrix<T: GpuScalar> {
    data: ManuallyDrop<CudaSlice<T::Real>>,
    owned: bool,
    rows: usize,
    cols: usize,
    ld: usize,
}

impl<T: GpuScalar> Drop for DeviceMatrix<T> {
    fn drop(&mut self) {
        // SAFETY: `data` is taken or dropped exactly once, here.
        let data = unsafe { ManuallyDrop::take(&mut self.data) };
        if self.owned {
            drop(data);
        } else {
            // Borrowed memory belongs to its owner: forget the handle without freeing.
            data.leak();
        }
    }
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
            padded.resize(len, T::default());
            &padded[..]
        };
        let reals: &[T::Real] = bytemuck::cast_slice(src);
        let data = if reals.is_empty() {
            dev.stream.alloc_zeros::<T::Real>(T::FACTOR)
        } else {
            dev.stream.clone_htod(reals)
        }
        .map_err(driver)?;
        Ok(DeviceMatrix {
            data: ManuallyDrop::new(data),
            owned: true,
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
            .alloc_zeros::<T::Real>(T::FACTOR * ld * cols.max(1))
            .map_err(driver)?;
        Ok(DeviceMatrix {
            data: ManuallyDrop::new(data),
            owned: true,
            rows,
            cols,
            ld,
        })
    }

    /// Borrows `rows x cols` column-major elements at device address `ptr` (leading dimension
    /// `ld`), memory another library allocated on this device, for the life of the value.
    /// Dropping it does not free the memory. Call [`Device::synchronize_context`] first if the
    /// owner may still be writing it on another stream.
    ///
    /// # Errors
    /// [`Error::Shape`] if `ld < rows` or `ptr` is null while the matrix is not empty.
    ///
    /// # Safety
    /// `ptr` is a device address in this device's context, valid (readable, and writable if
    /// the matrix is used as an output) for `ld * (cols - 1) + rows` elements of `T` while
    /// the value lives, and aligned for `T::Real`.
    pub unsafe fn from_raw(
        dev: &Device,
        ptr: u64,
        rows: usize,
        cols: usize,
        ld: usize,
    ) -> Result<Self, Error> {
        let span = check_storage("device array", rows, cols, ld, usize::MAX)?;
        if ptr == 0 && span > 0 {
            return Err(Error::Shape("device array: null data pointer".into()));
        }
        // SAFETY: the caller vouches for the extent; the slice is leaked on drop, never freed.
        let data = unsafe {
            dev.stream
                .upgrade_device_ptr::<T::Real>(ptr, T::FACTOR * span)
        };
        Ok(DeviceMatrix {
            data: ManuallyDrop::new(data),
            owned: false,
            rows,
            cols,
            ld,
        })
    }

    /// The matrix back on the host, column-major with its leading dimension (`ld * cols`
    /// elements, or fewer for a borrowed matrix: up to its last element).
    ///
    /// # Errors
    /// [`Error::Driver`] on a failed copy.
    pub fn to_host(&self, dev: &Device) -> Result<Vec<T>, Error> {
        let reals = dev.stream.clone_dtoh(&*self.data).map_err(driver)?;
        let whole = reals.len() / T::FACTOR * T::FACTOR;
        // T is FACTOR reals with the alignment of one (hpc-core's types are `repr(C)`).
        let mut out: Vec<T> = bytemuck::cast_slice(&reals[..whole]).to_vec();
        out.truncate(self.ld * self.cols);
        Ok(out)
    }

    /// Rows, columns and leading dimension.
    pub fn shape(&self) -> (usize, usize, usize) {
        (self.rows, self.cols, self.ld)
    }

    /// The device buffer: `ld * cols` elements as `FACTOR` reals each.
    pub fn storage(&self) -> &CudaSlice<T::Real> {
        &self.data
    }

    /// The device buffer, writable.
    pub fn storage_mut(&mut self) -> &mut CudaSlice<T::Real> {
        &mut self.data
    }

    /// The device address of element (0, 0).
    pub fn device_address(&self, dev: &Device) -> u64 {
        let (ptr, _sync) = self.data.device_ptr(&dev.stream);
        ptr
    }
}

fn op(t: Trans) -> cublasOperation_t {
    match t {
        Trans::No => cublasOperation_t::CUBLAS_OP_N,
        Trans::Trans => cublasOperation_t::CUBLAS_OP_T,
        Trans::ConjTrans => cublasOperation_t::CUBLAS_OP_C,
    }
}

/// `C <- alpha op(A) op(B) + beta C` on the device (`op` = identity, transpose or conjugate transpose, as hpc-gemm's `gemm_op`), by
/// `backend`. Queued on the device's stream; [`Device::synchronize`] or a copy back waits.
///
/// # Errors
/// [`Error::Shape`] if the shapes do not fit (checked before anything is launched);
/// [`Error::Unsupported`] for a complex type on our kernels (they are real: use
/// [`Backend::Cublas`]); [`Error::Compile`], [`Error::Driver`], [`Error::Cublas`] or
/// [`Error::Unavailable`] from the backend.
#[allow(clippy::too_many_arguments)]
pub fn gemm<T: GpuScalar>(
    dev: &Device,
    backend: Backend,
    transa: Trans,
    transb: Trans,
    alpha: T,
    a: &DeviceMatrix<T>,
    b: &DeviceMatrix<T>,
    beta: T,
    c: &mut DeviceMatrix<T>,
) -> Result<(), Error> {
    let (m, n, k) = check_gemm_shapes(
        transa,
        transb,
        (a.rows, a.cols),
        (b.rows, b.cols),
        (c.rows, c.cols),
    )?;
    let kernel = kernel_for::<T>(dev, backend, (m, n), "gemm")?;
    if m == 0 || n == 0 {
        return Ok(());
    }
    let (mi, ni, ki) = (m as i32, n as i32, k as i32);
    let (lda, ldb, ldc) = (a.ld as i32, b.ld as i32, c.ld as i32);
    let Some((v, precision)) = kernel else {
        let blas = dev.blas()?;
        let (pa, _ga) = a.data.device_ptr(&dev.stream);
        let (pb, _gb) = b.data.device_ptr(&dev.stream);
        let (pc, _gc) = c.data.device_ptr_mut(&dev.stream);
        // SAFETY: the handle is live; alpha and beta are host values of type T, 16-byte
        // aligned as cuBLAS's types are (the handle's pointer mode is host, cuBLAS's default); the dimensions and leading dimensions were
        // checked against the buffers (each holds `ld x cols` elements of T, complex ones as
        // interleaved reals, which is cuBLAS's layout); the guards keep the buffers' stream
        // order until the call is queued.
        return unsafe {
            T::cublas_gemm(
                *blas.handle(),
                op(transa),
                op(transb),
                (mi, ni, ki),
                &Aligned(alpha),
                (pa, lda),
                (pb, ldb),
                &Aligned(beta),
                (pc, ldc),
            )
        }
        .result()
        .map_err(cublas);
    };
    launch_kernel(
        dev,
        (v, precision),
        (m, n, k),
        1,
        alpha,
        (&a.data, lda, transa, 0),
        (&b.data, ldb, transb, 0),
        beta,
        (&mut c.data, ldc, 0),
    )
}

/// The kernel and precision `backend` runs an `m x n` product of `T` on (`None`: cuBLAS), or
/// [`Error::Unsupported`] for a complex `T` on our kernels (they are real).
fn kernel_for<T: GpuScalar>(
    dev: &Device,
    backend: Backend,
    (m, n): (usize, usize),
    routine: &str,
) -> Result<Option<(Variant, Precision)>, Error> {
    let v = match backend {
        Backend::Cublas => return Ok(None),
        Backend::Tiled => T::KERNEL.map_or(Backend::DEFAULT_KERNEL, |p| {
            Backend::tiled_kernel(p, m, n, dev.sms, dev.major)
        }),
        Backend::Kernel(v) => v,
    };
    match T::KERNEL {
        Some(p) => Ok(Some((v, p))),
        None => Err(Error::Unsupported(format!(
            "{}{routine}: hpc's own CUDA kernels are real (f32, f64); use Backend::Cublas for complex types",
            T::PREFIX
        ))),
    }
}

/// The most products one launch takes (grid z); larger batches take several launches.
const MAX_GRID_Z: usize = 65_535;

/// Launches kernel `v` on `batch` products, operand `x` of product `z` at `x + z * sx`
/// (elements; 0 repeats one matrix), each `m x n x k` with its leading dimension and op; grid
/// z runs the products, up to [`MAX_GRID_Z`] a launch.
#[allow(clippy::too_many_arguments)]
fn launch_kernel<T: GpuScalar>(
    dev: &Device,
    (v, precision): (Variant, Precision),
    (m, n, k): (usize, usize, usize),
    batch: usize,
    alpha: T,
    a: (&CudaSlice<T::Real>, i32, Trans, usize),
    b: (&CudaSlice<T::Real>, i32, Trans, usize),
    beta: T,
    c: (&mut CudaSlice<T::Real>, i32, usize),
) -> Result<(), Error> {
    let f = dev.function(v, precision)?;
    let l = v.launch();
    let (mi, ni, ki) = (m as i32, n as i32, k as i32);
    // T is real here (it has a kernel), so it is its own `Real`.
    let (alpha, beta): (T::Real, T::Real) = (
        bytemuck::cast_slice(&[alpha])[0],
        bytemuck::cast_slice(&[beta])[0],
    );
    // The kernels are real, so a conjugate transpose is a transpose.
    let (tai, tbi) = (i32::from(a.2 != Trans::No), i32::from(b.2 != Trans::No));
    let (lda, ldb, ldc) = (a.1, b.1, c.1);
    let (sa, sb, sc) = (a.3 as i64, b.3 as i64, c.2 as i64);
    let mut z0 = 0;
    while z0 < batch {
        let count = (batch - z0).min(MAX_GRID_Z);
        let cfg = LaunchConfig {
            grid_dim: (
                (m as u32).div_ceil(l.tile.0),
                (n as u32).div_ceil(l.tile.1),
                count as u32,
            ),
            block_dim: (l.block.0, l.block.1, 1),
            shared_mem_bytes: 0,
        };
        let (pa, pb) = (a.0.slice(z0 * a.3..), b.0.slice(z0 * b.3..));
        let mut pc = c.0.slice_mut(z0 * c.2..);
        let mut launch = dev.stream.launch_builder(&f);
        launch
            .arg(&mi)
            .arg(&ni)
            .arg(&ki)
            .arg(&alpha)
            .arg(&pa)
            .arg(&lda)
            .arg(&tai)
            .arg(&pb)
            .arg(&ldb)
            .arg(&tbi)
            .arg(&beta)
            .arg(&mut pc)
            .arg(&ldc)
            .arg(&sa)
            .arg(&sb)
            .arg(&sc);
        // SAFETY: the arguments match the kernel's signature in `kernels/*.cu` (int m, n, k; T
        // alpha; const T* A; int lda, ta; const T* B; int ldb, tb; T beta; T* C; int ldc; long
        // long sa, sb, sc); the caller checked every product's matrices against the buffers,
        // the views start at product z0's, and the kernels guard every access by m, n, k.
        unsafe { launch.launch(cfg) }.map_err(driver)?;
        z0 += count;
    }
    Ok(())
}

/// `batch` products `C_i <- alpha op(A_i) op(B_i) + beta C_i` through cuBLAS's strided-batched
/// GEMM (`cublasGemmStridedBatchedEx`): [`gemm_batched`] with [`Backend::Cublas`].
///
/// # Errors
/// As [`gemm_batched`].
#[allow(clippy::too_many_arguments)]
pub fn gemm_strided_batched<T: GpuScalar>(
    dev: &Device,
    batch: usize,
    transa: Trans,
    transb: Trans,
    alpha: T,
    a: (&DeviceMatrix<T>, (usize, usize), usize),
    b: (&DeviceMatrix<T>, (usize, usize), usize),
    beta: T,
    c: (&mut DeviceMatrix<T>, (usize, usize), usize),
) -> Result<(), Error> {
    gemm_batched(
        dev,
        Backend::Cublas,
        batch,
        transa,
        transb,
        alpha,
        a,
        b,
        beta,
        c,
    )
}

/// `batch` products `C_i <- alpha op(A_i) op(B_i) + beta C_i` on `backend`: cuBLAS's
/// strided-batched GEMM (`cublasGemmStridedBatchedEx`), or one of our kernels over grid z (one
/// product per index). Each operand is given as a buffer holding its matrices one after
/// another, `stride` elements apart, each `(rows, cols)` with leading dimension
/// `max(1, rows)`; the buffer is a [`DeviceMatrix`] used as storage only (its own shape is
/// not consulted, its length is). A stride of 0 repeats one A or B over the batch; C's stride
/// is at least one matrix's extent, so that its matrices do not overlap.
///
/// # Errors
/// [`Error::Shape`] when the shapes, strides or buffer lengths do not fit;
/// [`Error::Unsupported`] for a complex type on our kernels; [`Error::Compile`],
/// [`Error::Driver`], [`Error::Cublas`] or [`Error::Unavailable`] from the backend.
#[allow(clippy::too_many_arguments)]
pub fn gemm_batched<T: GpuScalar>(
    dev: &Device,
    backend: Backend,
    batch: usize,
    transa: Trans,
    transb: Trans,
    alpha: T,
    a: (&DeviceMatrix<T>, (usize, usize), usize),
    b: (&DeviceMatrix<T>, (usize, usize), usize),
    beta: T,
    c: (&mut DeviceMatrix<T>, (usize, usize), usize),
) -> Result<(), Error> {
    let (m, n, k) = check_gemm_shapes(transa, transb, a.1, b.1, c.1)?;
    let len = |d: &DeviceMatrix<T>| d.data.len() / T::FACTOR;
    check_batch("A", batch, a.1, a.2, len(a.0), true)?;
    check_batch("B", batch, b.1, b.2, len(b.0), true)?;
    check_batch("C", batch, c.1, c.2, len(c.0), false)?;
    let kernel = kernel_for::<T>(dev, backend, (m, n), "gemm_batched")?;
    if batch == 0 || m == 0 || n == 0 {
        return Ok(());
    }
    if batch > i32::MAX as usize || m.max(n).max(k) > i32::MAX as usize {
        return Err(Error::Shape(
            "batched gemm: sizes above 2^31 - 1 are not supported".into(),
        ));
    }
    let ld = |shape: (usize, usize)| shape.0.max(1) as i32;
    if let Some(kernel) = kernel {
        return launch_kernel(
            dev,
            kernel,
            (m, n, k),
            batch,
            alpha,
            (&a.0.data, ld(a.1), transa, a.2),
            (&b.0.data, ld(b.1), transb, b.2),
            beta,
            (&mut c.0.data, ld(c.1), c.2),
        );
    }
    let blas = dev.blas()?;
    let (pa, _ga) = a.0.data.device_ptr(&dev.stream);
    let (pb, _gb) = b.0.data.device_ptr(&dev.stream);
    let (pc, _gc) = c.0.data.device_ptr_mut(&dev.stream);
    let (aligned_alpha, aligned_beta) = (Aligned(alpha), Aligned(beta));
    // SAFETY: every matrix of every operand lies inside its buffer (checked above); alpha and
    // beta are host values of type T, 16-byte aligned as cuBLAS's types are; the handle is
    // live.
    unsafe {
        cudarc::cublas::result::gemm_strided_batched_ex(
            *blas.handle(),
            op(transa),
            op(transb),
            m as i32,
            n as i32,
            k as i32,
            (&aligned_alpha.0 as *const T).cast::<c_void>(),
            pa as *const c_void,
            T::DATA_TYPE,
            ld(a.1),
            a.2 as i64,
            pb as *const c_void,
            T::DATA_TYPE,
            ld(b.1),
            b.2 as i64,
            (&aligned_beta.0 as *const T).cast::<c_void>(),
            pc as *mut c_void,
            T::DATA_TYPE,
            ld(c.1),
            c.2 as i64,
            batch as i32,
            T::COMPUTE,
            cublasGemmAlgo_t::CUBLAS_GEMM_DEFAULT,
        )
    }
    .map_err(cublas)
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
    transa: Trans,
    transb: Trans,
    alpha: T,
    a: (&[T], usize, usize),
    b: (&[T], usize, usize),
    beta: T,
    c: (&mut [T], usize, usize),
) -> Result<(), Error> {
    check_gemm_shapes(transa, transb, (a.1, a.2), (b.1, b.2), (c.1, c.2))?;
    let da = DeviceMatrix::from_host(dev, a.0, a.1, a.2, a.1.max(1))?;
    let db = DeviceMatrix::from_host(dev, b.0, b.1, b.2, b.1.max(1))?;
    let mut dc = DeviceMatrix::from_host(dev, c.0, c.1, c.2, c.1.max(1))?;
    gemm(dev, backend, transa, transb, alpha, &da, &db, beta, &mut dc)?;
    let out = dc.to_host(dev)?;
    let n = c.0.len().min(out.len());
    c.0[..n].copy_from_slice(&out[..n]);
    Ok(())
}
