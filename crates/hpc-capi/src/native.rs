//! hpc's own C API: what CBLAS cannot express. Matrices take a row stride and a column stride
//! (in elements, any sign), and every function returns an [`HpcStatus`] instead of calling an
//! error handler, so that callers such as Python's ctypes get errors as values;
//! [`hpc_last_error`] then describes the failure. Nothing here prints or ends the process.
//!
//! Complex numbers are interleaved `(re, im)` pairs of `float`/`double` (C99 `float complex`
//! has this layout); their strides count complex elements, and a complex `alpha`/`beta` is
//! passed as a pointer to its pair.
//!
//! `include/hpc.h` is generated from this file by cbindgen (`cargo xtask capi`); `cargo xtask
//! test` fails when the committed header differs from what this file generates.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};

use hpc_core::check::Span;
use hpc_core::{BatchMut, BatchRef, Level2, MatMut, MatRef, Scalar, Trans, c32, c64};
use hpc_gemm::{GemmScalar, Par};

/// The outcome of a call of the native API.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HpcStatus {
    /// Success.
    HpcOk = 0,
    /// A pointer is null where the operand has elements.
    HpcErrNullPointer = 1,
    /// An option value is unknown, or dimensions and strides describe no valid matrix (their
    /// extent overflows, or the output has two elements at one address).
    HpcErrInvalidArgument = 2,
    /// The output overlaps an input in memory.
    HpcErrOverlap = 3,
    /// An internal error (a bug in hpc; please report it).
    HpcErrInternal = 4,
}

/// `op(A) = A`.
pub const HPC_NO_TRANS: c_int = 0;
/// `op(A) = A^T`.
pub const HPC_TRANS: c_int = 1;
/// `op(A) = A^H` (the same as `A^T` for real types).
pub const HPC_CONJ_TRANS: c_int = 2;

thread_local! {
    static LAST: RefCell<CString> = RefCell::new(CString::default());
}

/// A failed call: its status and what went wrong.
struct Fail(HpcStatus, String);

type Res<T> = Result<T, Fail>;

/// Runs `f` and turns its outcome into a status, recording a failure's message.
fn status(routine: &str, f: impl FnOnce() -> Res<()>) -> HpcStatus {
    let r = catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Fail(HpcStatus::HpcErrInternal, "internal error".into())));
    match r {
        Ok(()) => HpcStatus::HpcOk,
        Err(Fail(s, msg)) => {
            let text = format!("{routine}: {msg}").replace('\0', " ");
            LAST.with(|l| *l.borrow_mut() = CString::new(text).unwrap_or_default());
            s
        }
    }
}

fn invalid(msg: impl Into<String>) -> Fail {
    Fail(HpcStatus::HpcErrInvalidArgument, msg.into())
}

fn trans(v: c_int, name: &str) -> Res<Trans> {
    match v {
        HPC_NO_TRANS => Ok(Trans::No),
        HPC_TRANS => Ok(Trans::Trans),
        HPC_CONJ_TRANS => Ok(Trans::ConjTrans),
        _ => Err(invalid(format!(
            "{name} = {v} is not HPC_NO_TRANS (0), HPC_TRANS (1) or HPC_CONJ_TRANS (2)"
        ))),
    }
}

/// An operand of the native API: caller memory named `name`, a stack of `count` matrices of
/// `rows x cols` with strides `(bs, rs, cs)` (elements; a single matrix is a stack of one),
/// and the memory it covers (`None`: no elements).
struct Operand<T> {
    name: &'static str,
    ptr: *const T,
    dims: (usize, usize, usize),
    strides: (isize, isize, isize),
    span: Option<Span>,
}

impl<T: Scalar> Operand<T> {
    fn new(
        name: &'static str,
        ptr: *const T,
        (rows, cols): (usize, usize),
        (rs, cs): (isize, isize),
    ) -> Res<Self> {
        Self::stack(name, ptr, (1, rows, cols), (0, rs, cs))
    }

    fn stack(
        name: &'static str,
        ptr: *const T,
        (count, rows, cols): (usize, usize, usize),
        (bs, rs, cs): (isize, isize, isize),
    ) -> Res<Self> {
        let span = Span::of("hpc", name, &[count, rows, cols], &[bs, rs, cs]).map_err(|_| {
            invalid(format!(
                "{name}: {count} x {rows} x {cols} with strides ({bs}, {rs}, {cs}) overflows the address space"
            ))
        })?;
        if span.is_some() && ptr.is_null() {
            return Err(Fail(
                HpcStatus::HpcErrNullPointer,
                format!("{name} is null but has {count} x {rows} x {cols} elements"),
            ));
        }
        Ok(Operand {
            name,
            ptr,
            dims: (count, rows, cols),
            strides: (bs, rs, cs),
            span,
        })
    }

    /// Whether `self` and `other` share a byte.
    fn overlaps(&self, other: &Operand<T>) -> bool {
        let size = size_of::<T>();
        match (self.span, other.span) {
            (Some(a), Some(b)) => a.overlaps(self.ptr as usize, size, b, other.ptr as usize, size),
            _ => false,
        }
    }

    /// A read-only view of the first matrix.
    ///
    /// # Safety
    /// The operand's elements are readable and not written during `'a`.
    unsafe fn view<'a>(&self) -> Res<MatRef<'a, T>> {
        let ((_, r, c), (_, rs, cs)) = (self.dims, self.strides);
        // SAFETY: forwarded.
        unsafe { MatRef::from_raw_parts(self.ptr, r, c, rs, cs) }
            .map_err(|e| invalid(format!("{}: {e}", self.name)))
    }

    /// A writable view of the first matrix.
    ///
    /// # Safety
    /// The operand's elements are writable and accessed by nothing else during `'a`.
    unsafe fn view_mut<'a>(&self) -> Res<MatMut<'a, T>> {
        let ((_, r, c), (_, rs, cs)) = (self.dims, self.strides);
        // SAFETY: forwarded.
        unsafe { MatMut::from_raw_parts(self.ptr.cast_mut(), r, c, rs, cs) }
            .map_err(|e| invalid(format!("{}: {e}", self.name)))
    }

    /// A read-only view of the stack.
    ///
    /// # Safety
    /// As [`Operand::view`].
    unsafe fn stack_view<'a>(&self) -> Res<BatchRef<'a, T>> {
        // SAFETY: forwarded.
        unsafe { BatchRef::from_raw_parts(self.ptr, self.dims, self.strides) }
            .map_err(|e| invalid(format!("{}: {e}", self.name)))
    }

    /// A writable view of the stack.
    ///
    /// # Safety
    /// As [`Operand::view_mut`].
    unsafe fn stack_view_mut<'a>(&self) -> Res<BatchMut<'a, T>> {
        // SAFETY: forwarded.
        unsafe { BatchMut::from_raw_parts(self.ptr.cast_mut(), self.dims, self.strides) }
            .map_err(|e| invalid(format!("{}: {e}", self.name)))
    }
}

/// Fails if the output overlaps any input.
fn check_disjoint<T: Scalar>(out: &Operand<T>, inputs: &[&Operand<T>]) -> Res<()> {
    for s in inputs {
        if out.overlaps(s) {
            return Err(Fail(
                HpcStatus::HpcErrOverlap,
                format!("the output {} overlaps the input {}", out.name, s.name),
            ));
        }
    }
    Ok(())
}

/// The stored shape of an operand whose `op()` is `rows x cols`.
fn stored(t: Trans, rows: usize, cols: usize) -> (usize, usize) {
    if t == Trans::No {
        (rows, cols)
    } else {
        (cols, rows)
    }
}

/// `C <- alpha op(A) op(B) + beta C` on strided operands.
///
/// # Safety
/// Each pointer holds the elements its dimensions and strides describe.
#[allow(clippy::too_many_arguments)]
unsafe fn gemm<T: GemmScalar>(
    ta: c_int,
    tb: c_int,
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    a: (*const T, isize, isize),
    b: (*const T, isize, isize),
    beta: T,
    c: (*mut T, isize, isize),
) -> Res<()> {
    let (ta, tb) = (trans(ta, "trans_a")?, trans(tb, "trans_b")?);
    let ((ar, ac), (br, bc)) = (stored(ta, m, k), stored(tb, k, n));
    let sa = Operand::new("a", a.0, (ar, ac), (a.1, a.2))?;
    let sb = Operand::new("b", b.0, (br, bc), (b.1, b.2))?;
    let sc = Operand::new("c", c.0.cast_const(), (m, n), (c.1, c.2))?;
    check_disjoint(&sc, &[&sa, &sb])?;
    // SAFETY: the caller's contract; C is disjoint from A and B.
    let (av, bv, cv) = unsafe { (sa.view()?, sb.view()?, sc.view_mut()?) };
    let par = Par::current();
    hpc_gemm::gemm_op(ta, tb, alpha, av, bv, beta, cv, par).map_err(|e| invalid(e.to_string()))
}

/// `C_i <- alpha op(A_i) op(B_i) + beta C_i` for `i < count`, each operand a stack
/// `(pointer, batch stride, row stride, column stride)`.
///
/// # Safety
/// Each pointer holds the elements its dimensions and strides describe.
#[allow(clippy::too_many_arguments)]
unsafe fn gemm_batch<T: GemmScalar>(
    (ta, tb): (c_int, c_int),
    (count, m, n, k): (usize, usize, usize, usize),
    alpha: T,
    a: (*const T, isize, isize, isize),
    b: (*const T, isize, isize, isize),
    beta: T,
    c: (*mut T, isize, isize, isize),
) -> Res<()> {
    let (ta, tb) = (trans(ta, "trans_a")?, trans(tb, "trans_b")?);
    let ((ar, ac), (br, bc)) = (stored(ta, m, k), stored(tb, k, n));
    let sa = Operand::stack("a", a.0, (count, ar, ac), (a.1, a.2, a.3))?;
    let sb = Operand::stack("b", b.0, (count, br, bc), (b.1, b.2, b.3))?;
    let sc = Operand::stack("c", c.0.cast_const(), (count, m, n), (c.1, c.2, c.3))?;
    check_disjoint(&sc, &[&sa, &sb])?;
    // SAFETY: the caller's contract; C is disjoint from A and B.
    let (av, bv, cv) = unsafe { (sa.stack_view()?, sb.stack_view()?, sc.stack_view_mut()?) };
    hpc_gemm::gemm_batch(ta, tb, alpha, av, bv, beta, cv, Par::current())
        .map_err(|e| invalid(e.to_string()))
}

/// `y <- alpha op(A) x + beta y` on strided operands (`A` is `m x n` as stored).
///
/// # Safety
/// As [`gemm`].
#[allow(clippy::too_many_arguments)]
unsafe fn gemv<T: hpc_gemm::GemmScalar>(
    t: c_int,
    m: usize,
    n: usize,
    alpha: T,
    a: (*const T, isize, isize),
    x: (*const T, isize),
    beta: T,
    y: (*mut T, isize),
) -> Res<()> {
    let t = trans(t, "trans")?;
    let (lx, ly) = if t == Trans::No { (n, m) } else { (m, n) };
    let sa = Operand::new("a", a.0, (m, n), (a.1, a.2))?;
    let sx = Operand::new("x", x.0, (lx, 1), (x.1, 1))?;
    let sy = Operand::new("y", y.0.cast_const(), (ly, 1), (y.1, 1))?;
    check_disjoint(&sy, &[&sa, &sx])?;
    // SAFETY: the caller's contract; y is disjoint from A and x.
    let (av, xv, yv) = unsafe { (sa.view()?, sx.view()?, sy.view_mut()?) };
    let (xv, yv) = (xv.col(0), yv.col_mut(0));
    crate::backend::fast()
        .gemv(t, alpha, av, xv, beta, yv)
        .map_err(|e| invalid(e.to_string()))
}

/// A complex `alpha`/`beta` passed as a pointer to its `(re, im)` pair.
///
/// # Safety
/// `p` is null or points to two readable `T::Real`.
unsafe fn scalar<T: Scalar>(p: *const T::Real, name: &str) -> Res<T> {
    if p.is_null() {
        return Err(Fail(
            HpcStatus::HpcErrNullPointer,
            format!("{name} is null"),
        ));
    }
    // SAFETY: forwarded; a complex number is its (re, im) pair.
    Ok(unsafe { *p.cast::<T>() })
}

/// The version of hpc as a NUL-terminated string with static lifetime (never free it).
#[unsafe(no_mangle)]
pub extern "C" fn hpc_version() -> *const c_char {
    const VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(s) => s,
            Err(_) => panic!("the package version contains a NUL byte"),
        };
    VERSION.as_ptr()
}

/// The number of threads calls use: the last `hpc_set_num_threads`, else `HPC_NUM_THREADS`
/// if set to a positive integer, else `OMP_NUM_THREADS` (its first level), else the number of
/// cores available to the process (its CPU affinity and cgroup quota).
#[unsafe(no_mangle)]
pub extern "C" fn hpc_get_num_threads() -> c_int {
    c_int::try_from(crate::backend::threads()).unwrap_or(c_int::MAX)
}

/// Sets the number of threads later calls use; `n <= 0` restores the default
/// (`HPC_NUM_THREADS`, else `OMP_NUM_THREADS`, else the cores available).
#[unsafe(no_mangle)]
pub extern "C" fn hpc_set_num_threads(n: c_int) {
    crate::backend::set_threads(n)
}

/// A short static description of a status code (never free it).
#[unsafe(no_mangle)]
pub extern "C" fn hpc_status_string(status: c_int) -> *const c_char {
    let s: &CStr = match status {
        0 => c"success",
        1 => c"null pointer for an operand with elements",
        2 => c"invalid argument",
        3 => c"the output overlaps an input",
        4 => c"internal error",
        _ => c"unknown status",
    };
    s.as_ptr()
}

/// What went wrong in the last call on this thread that did not return `HPC_OK`, such as
/// `hpc_dgemm: the output c overlaps the input a` (empty before any failure). The string
/// belongs to hpc and stays valid until the next failing call on the same thread.
#[unsafe(no_mangle)]
pub extern "C" fn hpc_last_error() -> *const c_char {
    // The CString's buffer lives in the thread-local until the next failure replaces it.
    LAST.with(|l| l.borrow().as_ptr())
}

/// `C <- alpha op(A) op(B) + beta C`, single precision, any strides.
///
/// `op(A)` is `m x k` and `op(B)` `k x n` (`trans_*` is `HPC_NO_TRANS`, `HPC_TRANS` or
/// `HPC_CONJ_TRANS`), `C` is `m x n`. Element `(i, j)` of a matrix `X` stored with row stride
/// `x_rs` and column stride `x_cs` is `x[i * x_rs + j * x_cs]` (strides in elements, any sign;
/// `A` and `B` may repeat elements with a zero stride, `C` may not). With `beta = 0`, `C` is
/// not read. `C` must not overlap `A` or `B`.
///
/// # Safety
/// Each pointer holds the elements its dimensions and strides describe (a pointer may be null
/// when its matrix has no elements).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpc_sgemm(
    trans_a: c_int,
    trans_b: c_int,
    m: usize,
    n: usize,
    k: usize,
    alpha: f32,
    a: *const f32,
    a_rs: isize,
    a_cs: isize,
    b: *const f32,
    b_rs: isize,
    b_cs: isize,
    beta: f32,
    c: *mut f32,
    c_rs: isize,
    c_cs: isize,
) -> HpcStatus {
    status("hpc_sgemm", || {
        let (a, b, c) = ((a, a_rs, a_cs), (b, b_rs, b_cs), (c, c_rs, c_cs));
        // SAFETY: the caller's contract.
        unsafe { gemm(trans_a, trans_b, m, n, k, alpha, a, b, beta, c) }
    })
}

/// `C <- alpha op(A) op(B) + beta C`, double precision; as [`hpc_sgemm`].
///
/// # Safety
/// As [`hpc_sgemm`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpc_dgemm(
    trans_a: c_int,
    trans_b: c_int,
    m: usize,
    n: usize,
    k: usize,
    alpha: f64,
    a: *const f64,
    a_rs: isize,
    a_cs: isize,
    b: *const f64,
    b_rs: isize,
    b_cs: isize,
    beta: f64,
    c: *mut f64,
    c_rs: isize,
    c_cs: isize,
) -> HpcStatus {
    status("hpc_dgemm", || {
        let (a, b, c) = ((a, a_rs, a_cs), (b, b_rs, b_cs), (c, c_rs, c_cs));
        // SAFETY: the caller's contract.
        unsafe { gemm(trans_a, trans_b, m, n, k, alpha, a, b, beta, c) }
    })
}

/// `C <- alpha op(A) op(B) + beta C`, single-precision complex: matrices of interleaved
/// `(re, im)` pairs, strides in complex elements, `alpha` and `beta` pointers to their pairs;
/// otherwise as [`hpc_sgemm`].
///
/// # Safety
/// As [`hpc_sgemm`]; `alpha` and `beta` point to two floats each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpc_cgemm(
    trans_a: c_int,
    trans_b: c_int,
    m: usize,
    n: usize,
    k: usize,
    alpha: *const f32,
    a: *const f32,
    a_rs: isize,
    a_cs: isize,
    b: *const f32,
    b_rs: isize,
    b_cs: isize,
    beta: *const f32,
    c: *mut f32,
    c_rs: isize,
    c_cs: isize,
) -> HpcStatus {
    status("hpc_cgemm", || {
        let (a, b) = ((a.cast::<c32>(), a_rs, a_cs), (b.cast::<c32>(), b_rs, b_cs));
        let c = (c.cast::<c32>(), c_rs, c_cs);
        // SAFETY: the caller's contract.
        unsafe {
            let (alpha, beta) = (scalar(alpha, "alpha")?, scalar(beta, "beta")?);
            gemm(trans_a, trans_b, m, n, k, alpha, a, b, beta, c)
        }
    })
}

/// `C <- alpha op(A) op(B) + beta C`, double-precision complex; as [`hpc_cgemm`].
///
/// # Safety
/// As [`hpc_cgemm`], with doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpc_zgemm(
    trans_a: c_int,
    trans_b: c_int,
    m: usize,
    n: usize,
    k: usize,
    alpha: *const f64,
    a: *const f64,
    a_rs: isize,
    a_cs: isize,
    b: *const f64,
    b_rs: isize,
    b_cs: isize,
    beta: *const f64,
    c: *mut f64,
    c_rs: isize,
    c_cs: isize,
) -> HpcStatus {
    status("hpc_zgemm", || {
        let (a, b) = ((a.cast::<c64>(), a_rs, a_cs), (b.cast::<c64>(), b_rs, b_cs));
        let c = (c.cast::<c64>(), c_rs, c_cs);
        // SAFETY: the caller's contract.
        unsafe {
            let (alpha, beta) = (scalar(alpha, "alpha")?, scalar(beta, "beta")?);
            gemm(trans_a, trans_b, m, n, k, alpha, a, b, beta, c)
        }
    })
}

/// `C_i <- alpha op(A_i) op(B_i) + beta C_i` for `i < count`, single precision: stacks of
/// matrices, each as [`hpc_sgemm`] takes one, matrix `i` of a stack `X` starting `i * x_bs`
/// elements after its first (any sign; `A` and `B` may repeat one matrix with a batch stride
/// of 0, `C` may not: its elements must all be distinct). Products are shared between threads
/// or run on all of them one after another; the results do not depend on the thread count.
///
/// # Safety
/// Each pointer holds the stack its dimensions and strides describe (a pointer may be null
/// when its stack has no elements).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpc_sgemm_batch_strided(
    trans_a: c_int,
    trans_b: c_int,
    count: usize,
    m: usize,
    n: usize,
    k: usize,
    alpha: f32,
    a: *const f32,
    a_bs: isize,
    a_rs: isize,
    a_cs: isize,
    b: *const f32,
    b_bs: isize,
    b_rs: isize,
    b_cs: isize,
    beta: f32,
    c: *mut f32,
    c_bs: isize,
    c_rs: isize,
    c_cs: isize,
) -> HpcStatus {
    status("hpc_sgemm_batch_strided", || {
        let (a, b, c) = (
            (a, a_bs, a_rs, a_cs),
            (b, b_bs, b_rs, b_cs),
            (c, c_bs, c_rs, c_cs),
        );
        // SAFETY: the caller's contract.
        unsafe { gemm_batch((trans_a, trans_b), (count, m, n, k), alpha, a, b, beta, c) }
    })
}

/// As [`hpc_sgemm_batch_strided`], double precision.
///
/// # Safety
/// As [`hpc_sgemm_batch_strided`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpc_dgemm_batch_strided(
    trans_a: c_int,
    trans_b: c_int,
    count: usize,
    m: usize,
    n: usize,
    k: usize,
    alpha: f64,
    a: *const f64,
    a_bs: isize,
    a_rs: isize,
    a_cs: isize,
    b: *const f64,
    b_bs: isize,
    b_rs: isize,
    b_cs: isize,
    beta: f64,
    c: *mut f64,
    c_bs: isize,
    c_rs: isize,
    c_cs: isize,
) -> HpcStatus {
    status("hpc_dgemm_batch_strided", || {
        let (a, b, c) = (
            (a, a_bs, a_rs, a_cs),
            (b, b_bs, b_rs, b_cs),
            (c, c_bs, c_rs, c_cs),
        );
        // SAFETY: the caller's contract.
        unsafe { gemm_batch((trans_a, trans_b), (count, m, n, k), alpha, a, b, beta, c) }
    })
}

/// As [`hpc_sgemm_batch_strided`], single-precision complex: interleaved `(re, im)` pairs,
/// strides in complex elements, `alpha` and `beta` pointers to their pairs.
///
/// # Safety
/// As [`hpc_sgemm_batch_strided`]; `alpha` and `beta` point to two floats each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpc_cgemm_batch_strided(
    trans_a: c_int,
    trans_b: c_int,
    count: usize,
    m: usize,
    n: usize,
    k: usize,
    alpha: *const f32,
    a: *const f32,
    a_bs: isize,
    a_rs: isize,
    a_cs: isize,
    b: *const f32,
    b_bs: isize,
    b_rs: isize,
    b_cs: isize,
    beta: *const f32,
    c: *mut f32,
    c_bs: isize,
    c_rs: isize,
    c_cs: isize,
) -> HpcStatus {
    status("hpc_cgemm_batch_strided", || {
        let a = (a.cast::<c32>(), a_bs, a_rs, a_cs);
        let b = (b.cast::<c32>(), b_bs, b_rs, b_cs);
        let c = (c.cast::<c32>(), c_bs, c_rs, c_cs);
        // SAFETY: the caller's contract.
        unsafe {
            let (alpha, beta) = (scalar(alpha, "alpha")?, scalar(beta, "beta")?);
            gemm_batch((trans_a, trans_b), (count, m, n, k), alpha, a, b, beta, c)
        }
    })
}

/// As [`hpc_cgemm_batch_strided`], double-precision complex.
///
/// # Safety
/// As [`hpc_sgemm_batch_strided`]; `alpha` and `beta` point to two doubles each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpc_zgemm_batch_strided(
    trans_a: c_int,
    trans_b: c_int,
    count: usize,
    m: usize,
    n: usize,
    k: usize,
    alpha: *const f64,
    a: *const f64,
    a_bs: isize,
    a_rs: isize,
    a_cs: isize,
    b: *const f64,
    b_bs: isize,
    b_rs: isize,
    b_cs: isize,
    beta: *const f64,
    c: *mut f64,
    c_bs: isize,
    c_rs: isize,
    c_cs: isize,
) -> HpcStatus {
    status("hpc_zgemm_batch_strided", || {
        let a = (a.cast::<c64>(), a_bs, a_rs, a_cs);
        let b = (b.cast::<c64>(), b_bs, b_rs, b_cs);
        let c = (c.cast::<c64>(), c_bs, c_rs, c_cs);
        // SAFETY: the caller's contract.
        unsafe {
            let (alpha, beta) = (scalar(alpha, "alpha")?, scalar(beta, "beta")?);
            gemm_batch((trans_a, trans_b), (count, m, n, k), alpha, a, b, beta, c)
        }
    })
}

/// `y <- alpha op(A) x + beta y`, single precision, any strides.
///
/// `A` is `m x n` as stored (strides as in [`hpc_sgemm`]); `x` has `n` elements and `y` `m`
/// for `HPC_NO_TRANS`, the other way round otherwise. Element `i` of a vector is
/// `x[i * incx]` (any sign: unlike a BLAS increment, a negative one steps down from the
/// pointer). With `beta = 0`, `y` is not read; `y` must not overlap `A` or `x`.
///
/// # Safety
/// As [`hpc_sgemm`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpc_sgemv(
    trans: c_int,
    m: usize,
    n: usize,
    alpha: f32,
    a: *const f32,
    a_rs: isize,
    a_cs: isize,
    x: *const f32,
    incx: isize,
    beta: f32,
    y: *mut f32,
    incy: isize,
) -> HpcStatus {
    status("hpc_sgemv", || {
        // SAFETY: the caller's contract.
        unsafe {
            gemv(
                trans,
                m,
                n,
                alpha,
                (a, a_rs, a_cs),
                (x, incx),
                beta,
                (y, incy),
            )
        }
    })
}

/// `y <- alpha op(A) x + beta y`, double precision; as [`hpc_sgemv`].
///
/// # Safety
/// As [`hpc_sgemm`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpc_dgemv(
    trans: c_int,
    m: usize,
    n: usize,
    alpha: f64,
    a: *const f64,
    a_rs: isize,
    a_cs: isize,
    x: *const f64,
    incx: isize,
    beta: f64,
    y: *mut f64,
    incy: isize,
) -> HpcStatus {
    status("hpc_dgemv", || {
        // SAFETY: the caller's contract.
        unsafe {
            gemv(
                trans,
                m,
                n,
                alpha,
                (a, a_rs, a_cs),
                (x, incx),
                beta,
                (y, incy),
            )
        }
    })
}

/// `y <- alpha op(A) x + beta y`, single-precision complex (interleaved pairs, `alpha` and
/// `beta` by pointer); as [`hpc_sgemv`].
///
/// # Safety
/// As [`hpc_cgemm`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpc_cgemv(
    trans: c_int,
    m: usize,
    n: usize,
    alpha: *const f32,
    a: *const f32,
    a_rs: isize,
    a_cs: isize,
    x: *const f32,
    incx: isize,
    beta: *const f32,
    y: *mut f32,
    incy: isize,
) -> HpcStatus {
    status("hpc_cgemv", || {
        let (a, x, y) = (
            (a.cast::<c32>(), a_rs, a_cs),
            (x.cast::<c32>(), incx),
            (y.cast::<c32>(), incy),
        );
        // SAFETY: the caller's contract.
        unsafe {
            let (alpha, beta) = (scalar(alpha, "alpha")?, scalar(beta, "beta")?);
            gemv(trans, m, n, alpha, a, x, beta, y)
        }
    })
}

/// `y <- alpha op(A) x + beta y`, double-precision complex; as [`hpc_cgemv`].
///
/// # Safety
/// As [`hpc_cgemm`], with doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpc_zgemv(
    trans: c_int,
    m: usize,
    n: usize,
    alpha: *const f64,
    a: *const f64,
    a_rs: isize,
    a_cs: isize,
    x: *const f64,
    incx: isize,
    beta: *const f64,
    y: *mut f64,
    incy: isize,
) -> HpcStatus {
    status("hpc_zgemv", || {
        let (a, x, y) = (
            (a.cast::<c64>(), a_rs, a_cs),
            (x.cast::<c64>(), incx),
            (y.cast::<c64>(), incy),
        );
        // SAFETY: the caller's contract.
        unsafe {
            let (alpha, beta) = (scalar(alpha, "alpha")?, scalar(beta, "beta")?);
            gemv(trans, m, n, alpha, a, x, beta, y)
        }
    })
}
