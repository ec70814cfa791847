//! Error reporting as the reference BLAS does it: `xerbla_(srname, info)`.
//!
//! The routines report the first illegal argument through `xerbla_`, looked up at run time in
//! the process's global symbol scope, so that a program defining its own `XERBLA` (the
//! reference test programs do) gets the call even though this library defines one too: a
//! direct call inside the library could bind to our own definition. The library's `xerbla_`
//! prints the reference message and returns (the reference one then `STOP`s the program; a
//! library that ends its host process on a bad argument is unfriendly to Python and C hosts,
//! so we keep OpenBLAS's choice here).

use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void};
use std::sync::OnceLock;

thread_local! {
    /// Reports recorded instead of made, while [`capture_reports`] runs on this thread.
    static CAPTURED: RefCell<Option<Vec<(String, i32)>>> = const { RefCell::new(None) };
}

/// Records a report (routine name, argument number as the user reads it) instead of making
/// it, when this thread is inside [`capture_reports`]; returns whether it did.
pub(crate) fn captured(name: &str, info: i32) -> bool {
    CAPTURED.with(|c| match c.borrow_mut().as_mut() {
        Some(v) => {
            v.push((name.to_string(), info));
            true
        }
        None => false,
    })
}

/// Runs `f` with this thread's error reports recorded instead of handed to `xerbla_` or
/// `cblas_xerbla`, and returns them: `("DGEMM", 8)`, or `("cblas_dgemm", 9)` with the
/// argument number after reference CBLAS's row-major renumbering. For tests: a test binary
/// cannot interpose `xerbla_` as a C program does.
#[doc(hidden)]
pub fn capture_reports(f: impl FnOnce()) -> Vec<(String, i32)> {
    CAPTURED.with(|c| *c.borrow_mut() = Some(Vec::new()));
    f();
    CAPTURED.with(|c| c.borrow_mut().take().unwrap_or_default())
}

/// `xerbla_`'s signature with gfortran's hidden CHARACTER length.
type Xerbla = unsafe extern "C" fn(*const c_char, *const c_int, usize);

unsafe extern "C" {
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

/// The `xerbla_` a call reaches: the first definition in the global scope (the program's own,
/// if it has one), else ours.
fn resolved() -> Xerbla {
    static XERBLA: OnceLock<usize> = OnceLock::new();
    let addr = *XERBLA.get_or_init(|| {
        // SAFETY: RTLD_DEFAULT is the null handle on glibc; the name is NUL-terminated.
        let p = unsafe { dlsym(std::ptr::null_mut(), c"xerbla_".as_ptr()) };
        if p.is_null() {
            xerbla_ as Xerbla as usize
        } else {
            p as usize
        }
    });
    // SAFETY: `addr` is the address of a function with `xerbla_`'s signature (ours, or the
    // one the global scope defines under that name, which the BLAS ABI fixes).
    unsafe { std::mem::transmute::<usize, Xerbla>(addr) }
}

/// Reports illegal argument number `info` (1-based) of the routine `name` (upper case, such as
/// `"DGEMM"`), blank-padded to six characters as the reference passes it.
pub(crate) fn report(name: &str, info: i32) {
    if captured(name, info) {
        return;
    }
    let mut padded = [b' '; 6];
    let n = name.len().min(32);
    let mut buf = [b' '; 32];
    buf[..n].copy_from_slice(&name.as_bytes()[..n]);
    let (ptr, len) = if n <= 6 {
        padded[..n].copy_from_slice(&name.as_bytes()[..n]);
        (padded.as_ptr(), 6)
    } else {
        (buf.as_ptr(), n)
    };
    // SAFETY: `ptr` holds `len` bytes; `info` lives across the call.
    unsafe { resolved()(ptr as *const c_char, &info, len) };
}

/// The reference error handler: prints
/// ` ** On entry to DGEMM parameter number  8 had an illegal value` to stderr and returns.
///
/// # Safety
/// `srname` holds `len` readable bytes (at most 64 are read) and `info` is readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xerbla_(srname: *const c_char, info: *const c_int, len: usize) {
    let len = len.min(64);
    // SAFETY: forwarded.
    let name = unsafe { crate::args::slice("SRNAME", srname as *const u8, len) };
    let name = String::from_utf8_lossy(name);
    // SAFETY: forwarded.
    let info = unsafe { *info };
    eprintln!(
        " ** On entry to {} parameter number {info:2} had an illegal value",
        name.trim_end()
    );
}

/// `XERBLA_ARRAY(SRNAME_ARRAY, SRNAME_LEN, INFO)`: `XERBLA` for callers whose routine name is
/// an array of characters (C and C++ LAPACK wrappers): the first `min(SRNAME_LEN, 32)`
/// characters, blank-padded to 32, go to the `xerbla_` a call reaches (a program's own first).
///
/// # Safety
/// `srname_array` holds `*srname_len` readable bytes; `srname_len` and `info` are readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xerbla_array_(
    srname_array: *const c_char,
    srname_len: *const c_int,
    info: *const c_int,
) {
    let mut name = [b' '; 32];
    // SAFETY: forwarded.
    let len = usize::try_from(unsafe { *srname_len }).unwrap_or(0).min(32);
    // SAFETY: forwarded.
    let given = unsafe { crate::args::slice("SRNAME_ARRAY", srname_array as *const u8, len) };
    name[..len].copy_from_slice(given);
    // SAFETY: `name` holds 32 bytes; `info` is readable by the contract.
    unsafe { resolved()(name.as_ptr() as *const c_char, info, 32) };
}
