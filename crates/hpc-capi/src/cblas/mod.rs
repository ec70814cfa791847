//! The netlib CBLAS API (`cblas_dgemm`, `cblas_zdotc_sub`, ...), row- and column-major.
//!
//! Each routine is a thin layer over the Fortran-ABI internals of [`crate::f77`], built the
//! way netlib's CBLAS is: a row-major call becomes the column-major call on the transposed
//! problem (`C^T = B^T A^T` for GEMM, flipped `uplo`/`side`, swapped dimensions), and the
//! complex cases with no transposed Fortran form (`A^H` of a row-major matrix is `conj(A')`)
//! conjugate a copy of the input vector and the output vector in place around the call, as
//! netlib does.
//!
//! Errors are numbered as reference CBLAS numbers them: `cblas_xerbla(info, "cblas_dgemm",
//! "")` with `info` the position in the CBLAS argument list, `1` for the layout. For a
//! row-major call the number handed over is the one of the transposed Fortran call plus one,
//! and `cblas_xerbla` maps it back (it swaps `M`/`N`, `lda`/`ldb`, ... when `RowMajorStrg` is
//! set), exactly as netlib's pair does: a program that defines its own `cblas_xerbla` (the
//! reference CBLAS testers do) sees the numbers it expects. `cblas_xerbla`, `RowMajorStrg` and
//! `CBLAS_CallFromC` are looked up in the process's global scope first, so a program's own
//! definitions are the ones used.

use std::ffi::{CString, c_char, c_int, c_void};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, Ordering};

use hpc_core::Scalar;

use crate::args::{dim, vec_len};
use crate::backend::guard;

pub mod batch;
pub mod level1;
pub mod level2;
pub mod level3;

/// `CblasRowMajor`.
pub const ROW_MAJOR: c_int = 101;
/// `CblasColMajor`.
pub const COL_MAJOR: c_int = 102;
/// `CblasNoTrans`.
pub const NO_TRANS: c_int = 111;
/// `CblasTrans`.
pub const TRANS: c_int = 112;
/// `CblasConjTrans`.
pub const CONJ_TRANS: c_int = 113;
/// `CblasUpper`.
pub const UPPER: c_int = 121;
/// `CblasLower`.
pub const LOWER: c_int = 122;
/// `CblasNonUnit`.
pub const NON_UNIT: c_int = 131;
/// `CblasUnit`.
pub const UNIT: c_int = 132;
/// `CblasLeft`.
pub const LEFT: c_int = 141;
/// `CblasRight`.
pub const RIGHT: c_int = 142;

/// Reference CBLAS's flag for "the call in progress is row-major" (read by `cblas_xerbla`).
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static RowMajorStrg: AtomicI32 = AtomicI32::new(0);

/// Reference CBLAS's flag for "a Fortran routine was called from CBLAS".
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static CBLAS_CallFromC: AtomicI32 = AtomicI32::new(0);

unsafe extern "C" {
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

/// The address of the first definition of `name` in the global scope, else `ours`.
fn global(name: &std::ffi::CStr, ours: usize) -> usize {
    // SAFETY: RTLD_DEFAULT is the null handle on glibc; the name is NUL-terminated.
    let p = unsafe { dlsym(std::ptr::null_mut(), name.as_ptr()) };
    if p.is_null() { ours } else { p as usize }
}

/// The `int` flag named `name` that the process uses (the program's, if it defines one).
fn flag(
    cell: &'static OnceLock<usize>,
    name: &std::ffi::CStr,
    ours: &'static AtomicI32,
) -> &'static AtomicI32 {
    let addr = *cell.get_or_init(|| global(name, ours as *const AtomicI32 as usize));
    // SAFETY: the address is of a live, aligned C `int` with static storage (ours, or the
    // program's definition of the same reference-CBLAS global); `AtomicI32` has `int`'s layout.
    unsafe { &*(addr as *const AtomicI32) }
}

fn row_major_flag() -> &'static AtomicI32 {
    static CELL: OnceLock<usize> = OnceLock::new();
    flag(&CELL, c"RowMajorStrg", &RowMajorStrg)
}

fn call_from_c_flag() -> &'static AtomicI32 {
    static CELL: OnceLock<usize> = OnceLock::new();
    flag(&CELL, c"CBLAS_CallFromC", &CBLAS_CallFromC)
}

/// `cblas_xerbla` as callers declare it (variadic).
type CblasXerbla = unsafe extern "C" fn(c_int, *const c_char, *const c_char, ...);

thread_local! {
    /// The layout of the CBLAS call running on this thread (`Some(true)`: row-major). Our
    /// `cblas_xerbla` reads it rather than the process-wide `RowMajorStrg`, which another
    /// thread's call may have changed meanwhile.
    static ROW_CALL: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}

/// Reports argument `info` of the CBLAS routine `name` (`"cblas_dgemm"`) through the
/// `cblas_xerbla` the process uses; `row`: the call is row-major.
fn report(name: &str, info: i32, row: bool) {
    let shown = if row {
        row_major_number(name, info)
    } else {
        info
    };
    if crate::xerbla::captured(name, shown) {
        return;
    }
    static CELL: OnceLock<usize> = OnceLock::new();
    let addr = *CELL.get_or_init(|| {
        let ours: unsafe extern "C" fn(c_int, *const c_char, *const c_char) = cblas_xerbla;
        global(c"cblas_xerbla", ours as usize)
    });
    // SAFETY: the address is of a function with `cblas_xerbla`'s C signature.
    let f = unsafe { std::mem::transmute::<usize, CblasXerbla>(addr) };
    let name = CString::new(name).expect("routine names have no NUL");
    // SAFETY: both strings are NUL-terminated and live across the call.
    unsafe { f(info, name.as_ptr(), c"".as_ptr()) };
}

/// Where an argument error was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bad {
    /// By the CBLAS layer: the position in the CBLAS argument list.
    Cblas(i32),
    /// By the Fortran routine it calls: the position in that call.
    F77(i32),
}

impl From<i32> for Bad {
    fn from(info: i32) -> Self {
        Bad::F77(info)
    }
}

pub(crate) type Res = Result<(), Bad>;

/// Runs the CBLAS routine `name`: checks the layout (argument 1), sets the reference flags,
/// runs `f(row_major)` and reports its error, if any, in reference-CBLAS numbering.
pub(crate) fn run(name: &str, layout: c_int, f: impl FnOnce(bool) -> Res) {
    guard(name, || {
        let (row_flag, call) = (row_major_flag(), call_from_c_flag());
        let row = layout == ROW_MAJOR;
        row_flag.store(i32::from(row), Ordering::Relaxed);
        call.store(1, Ordering::Relaxed);
        ROW_CALL.with(|c| c.set(Some(row)));
        let r = match layout {
            ROW_MAJOR | COL_MAJOR => f(row),
            _ => Err(Bad::Cblas(1)),
        };
        match r {
            Ok(()) => {}
            Err(Bad::Cblas(info)) => report(name, info, row),
            // The CBLAS list has the layout in front of the Fortran arguments.
            Err(Bad::F77(info)) => report(name, info + 1, row),
        }
        ROW_CALL.with(|c| c.set(None));
        call.store(0, Ordering::Relaxed);
        row_flag.store(0, Ordering::Relaxed);
    })
}

/// `CblasNoTrans`/`CblasTrans`/`CblasConjTrans` as the Fortran character.
pub(crate) fn trans(v: c_int) -> Option<u8> {
    match v {
        NO_TRANS => Some(b'N'),
        TRANS => Some(b'T'),
        CONJ_TRANS => Some(b'C'),
        _ => None,
    }
}

/// `CblasUpper`/`CblasLower` as the Fortran character, flipped for a row-major call (the
/// upper triangle of a row-major matrix is the lower one of its column-major transpose).
pub(crate) fn uplo(v: c_int, row: bool) -> Option<u8> {
    match (v, row) {
        (UPPER, false) | (LOWER, true) => Some(b'U'),
        (LOWER, false) | (UPPER, true) => Some(b'L'),
        _ => None,
    }
}

/// `CblasLeft`/`CblasRight`, flipped for a row-major call.
pub(crate) fn side(v: c_int, row: bool) -> Option<u8> {
    match (v, row) {
        (LEFT, false) | (RIGHT, true) => Some(b'L'),
        (RIGHT, false) | (LEFT, true) => Some(b'R'),
        _ => None,
    }
}

/// `CblasNonUnit`/`CblasUnit`.
pub(crate) fn diag(v: c_int) -> Option<u8> {
    match v {
        NON_UNIT => Some(b'N'),
        UNIT => Some(b'U'),
        _ => None,
    }
}

/// `conj(x)` gathered into a contiguous copy, for the arguments a routine will accept
/// (`n > 0`, `inc != 0`); `None` otherwise (the routine then reports or ignores them).
///
/// # Safety
/// When `n > 0` and `inc != 0`, `x` holds `1 + (n - 1) |inc|` elements.
pub(crate) unsafe fn conj_copy<T: Scalar>(x: *const T, n: i32, inc: i32) -> Option<Vec<T>> {
    if n <= 0 || inc == 0 {
        return None;
    }
    // SAFETY: forwarded.
    let v = unsafe { crate::args::vec("X", x, dim(n), inc) };
    Some((0..v.len()).map(|i| v.get(i).conj()).collect())
}

/// Conjugates the `n` elements of `x` (increment `inc`) in place; nothing for `n <= 0` or
/// `inc == 0`. Conjugating twice restores every bit, so a call that fails its checks between
/// two of these leaves `x` as it was.
///
/// # Safety
/// When `n > 0` and `inc != 0`, `x` holds `1 + (n - 1) |inc|` writable elements.
pub(crate) unsafe fn conj_in_place<T: Scalar>(x: *mut T, n: i32, inc: i32) {
    if n <= 0 || inc == 0 || !T::IS_COMPLEX {
        return;
    }
    // SAFETY: forwarded.
    let s = unsafe { crate::args::slice_mut("X", x, vec_len(dim(n), inc)) };
    let step = inc.unsigned_abs() as usize;
    for v in s.iter_mut().step_by(step) {
        *v = v.conj();
    }
}

/// The reference CBLAS error handler: prints `Parameter 9 to routine cblas_dgemm was
/// incorrect` (with the row-major renumbering of netlib's `cblas_xerbla`, for the layout of
/// this thread's call, else as `RowMajorStrg` says) to stderr and returns. The reference one then ends the program; like our `xerbla_`, this one does not.
/// The variadic `form` of the C declaration is printed only when it has no conversions (this
/// library always passes `""`).
///
/// # Safety
/// `rout` and `form` are NUL-terminated strings (or null).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cblas_xerbla(info: c_int, rout: *const c_char, form: *const c_char) {
    let text = |p: *const c_char| {
        if p.is_null() {
            String::new()
        } else {
            // SAFETY: forwarded.
            unsafe { std::ffi::CStr::from_ptr(p) }
                .to_string_lossy()
                .into_owned()
        }
    };
    let (rout, form) = (text(rout), text(form));
    let row = ROW_CALL
        .with(|c| c.get())
        .unwrap_or_else(|| row_major_flag().load(Ordering::Relaxed) != 0);
    let info = if row {
        row_major_number(&rout, info)
    } else {
        info
    };
    if info != 0 {
        eprintln!("Parameter {info} to routine {rout} was incorrect");
    }
    if !form.is_empty() && !form.contains('%') {
        eprint!("{form}");
    }
}

/// netlib's renumbering of a row-major call's error: the transposed Fortran call has `M`/`N`
/// (and `lda`/`ldb`, `KL`/`KU`, `x`/`y`) the other way round.
pub(crate) fn row_major_number(rout: &str, info: i32) -> i32 {
    let swap = |pairs: &[(i32, i32)]| {
        pairs
            .iter()
            .find_map(|&(a, b)| {
                if info == a {
                    Some(b)
                } else if info == b {
                    Some(a)
                } else {
                    None
                }
            })
            .unwrap_or(info)
    };
    let has = |s: &str| rout.contains(s);
    if has("gemm_batch_strided") {
        swap(&[(4, 5), (8, 11), (9, 12), (10, 13)])
    } else if has("gemm_batch") {
        swap(&[(4, 5), (8, 10), (9, 11)])
    } else if has("gemm") {
        swap(&[(4, 5), (9, 11)])
    } else if has("symm") || has("hemm") {
        swap(&[(4, 5)])
    } else if has("trmm") || has("trsm") {
        swap(&[(6, 7)])
    } else if has("gemv") {
        swap(&[(3, 4)])
    } else if has("gbmv") {
        swap(&[(3, 4), (5, 6)])
    } else if has("ger") {
        swap(&[(2, 3), (6, 8)])
    } else if (has("her2") || has("hpr2")) && !has("her2k") {
        swap(&[(6, 8)])
    } else {
        info
    }
}

/// How CBLAS passes a scalar of type `Self`: real ones by value, complex ones by pointer.
pub trait CScalar: Scalar {
    /// The C argument (`float`, `double`, or `const void *` to the complex number).
    type Arg: Copy;
    /// The scalar an argument holds.
    ///
    /// # Safety
    /// For complex types, `a` points to a readable `Self`.
    unsafe fn get(a: Self::Arg) -> Self;
}

macro_rules! by_value {
    ($($t:ty),*) => {$(
        impl CScalar for $t {
            type Arg = $t;
            unsafe fn get(a: $t) -> $t {
                a
            }
        }
    )*};
}
macro_rules! by_pointer {
    ($($t:ty),*) => {$(
        impl CScalar for $t {
            type Arg = *const $t;
            unsafe fn get(a: *const $t) -> $t {
                // SAFETY: forwarded.
                unsafe { *a }
            }
        }
    )*};
}
by_value!(f32, f64);
by_pointer!(hpc_core::c32, hpc_core::c64);
