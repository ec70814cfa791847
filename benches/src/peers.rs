//! The CBLAS peers, loaded at run time: OpenBLAS, BLIS and MKL, called through their
//! `cblas_?gemm` (and a few Level 3 routines), each with its own thread-count setter.
//!
//! Debian's OpenBLAS and BLIS do not recognise this CPU; `cargo xtask bench` sets
//! `OPENBLAS_CORETYPE=Cooperlake` and `BLIS_ARCH_TYPE=0` so that they run their AVX-512
//! kernels. A library that is not found is reported and skipped.

use std::ffi::{c_int, c_void};

use hpc_core::{Scalar, c32, c64};
use libloading::{Library, Symbol};

const COL_MAJOR: c_int = 102;
const NO_TRANS: c_int = 111;
const UPPER: c_int = 121;
const LOWER: c_int = 122;
const NON_UNIT: c_int = 131;
const LEFT: c_int = 141;

/// How a library sets its thread count.
enum Threads {
    OpenBlas,
    Blis,
    Mkl,
}

/// One loaded CBLAS.
pub struct Cblas {
    pub name: &'static str,
    /// Where it was loaded from.
    pub path: String,
    /// Never unloaded: the library's worker threads (OpenMP, pthreads) outlive any call and
    /// would run unmapped code after a `dlclose`.
    lib: std::mem::ManuallyDrop<Library>,
    threads: Threads,
}

/// Where each peer lives on Debian (and where pip puts MKL).
pub fn candidates() -> Vec<(&'static str, Vec<String>)> {
    let mut mkl = vec!["libmkl_rt.so.3".to_string(), "libmkl_rt.so".to_string()];
    if let Ok(prefix) = std::env::var("HPC_MKL_PREFIX") {
        mkl.insert(0, format!("{prefix}/lib/libmkl_rt.so.3"));
    }
    vec![
        (
            "OpenBLAS",
            vec!["/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0".into()],
        ),
        (
            "BLIS",
            vec!["/usr/lib/x86_64-linux-gnu/blis-openmp/libblis.so.4".into()],
        ),
        ("MKL", mkl),
    ]
}

/// Loads every peer it can find; prints what it skipped and why.
pub fn load_all() -> Vec<Cblas> {
    let mut out = Vec::new();
    for (name, paths) in candidates() {
        let mut last_err = String::from("no candidate path");
        let mut loaded = None;
        for p in &paths {
            // SAFETY: loading a BLAS runs its initialisers, which only set up its own state.
            match unsafe { Library::new(p) } {
                Ok(lib) => {
                    loaded = Some((lib, p.clone()));
                    break;
                }
                Err(e) => last_err = format!("{p}: {e}"),
            }
        }
        match loaded {
            Some((lib, path)) => {
                let threads = match name {
                    "OpenBLAS" => Threads::OpenBlas,
                    "BLIS" => Threads::Blis,
                    _ => Threads::Mkl,
                };
                out.push(Cblas {
                    name,
                    path,
                    lib: std::mem::ManuallyDrop::new(lib),
                    threads,
                });
            }
            None => eprintln!("peer {name} skipped: {last_err}"),
        }
    }
    out
}

type SetThreadsInt = unsafe extern "C" fn(c_int);
type SetThreadsDim = unsafe extern "C" fn(i64);
type RealGemm<T> = unsafe extern "C" fn(
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    T,
    *const T,
    c_int,
    *const T,
    c_int,
    T,
    *mut T,
    c_int,
);
type ComplexGemm = unsafe extern "C" fn(
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    *const c_void,
    *const c_void,
    c_int,
    *const c_void,
    c_int,
    *const c_void,
    *mut c_void,
    c_int,
);
type Syrk = unsafe extern "C" fn(
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    f64,
    *const f64,
    c_int,
    f64,
    *mut f64,
    c_int,
);
type Trxm = unsafe extern "C" fn(
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    f64,
    *const f64,
    c_int,
    *mut f64,
    c_int,
);
type Symm = unsafe extern "C" fn(
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    f64,
    *const f64,
    c_int,
    *const f64,
    c_int,
    f64,
    *mut f64,
    c_int,
);

fn int(n: usize) -> c_int {
    c_int::try_from(n).expect("benchmark sizes fit in a C int")
}

type VersionStr = unsafe extern "C" fn() -> *const std::ffi::c_char;
type MklVersion = unsafe extern "C" fn(*mut std::ffi::c_char, c_int);

impl Cblas {
    /// The library's own version string (and where it was loaded from).
    pub fn describe(&self) -> String {
        let version = match self.threads {
            Threads::OpenBlas => self.version_str(b"openblas_get_config\0"),
            Threads::Blis => self
                .version_str(b"bli_info_get_version_str\0")
                .map(|v| format!("BLIS {v}")),
            Threads::Mkl => self
                .sym::<MklVersion>(b"MKL_Get_Version_String\0")
                .map(|f| {
                    let mut buf = [0 as std::ffi::c_char; 256];
                    // SAFETY: MKL writes at most `len` bytes, NUL-terminated, into `buf`.
                    unsafe { f(buf.as_mut_ptr(), buf.len() as c_int) };
                    // SAFETY: `buf` is NUL-terminated (zeroed, and MKL terminates what it writes).
                    unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }
                        .to_string_lossy()
                        .trim()
                        .to_string()
                }),
        };
        format!(
            "{} ({})",
            version.unwrap_or_else(|| "version unknown".into()),
            self.path
        )
    }

    fn version_str(&self, name: &[u8]) -> Option<String> {
        let f = self.sym::<VersionStr>(name)?;
        // SAFETY: both functions return a pointer to a static NUL-terminated string.
        let p = unsafe { f() };
        if p.is_null() {
            return None;
        }
        // SAFETY: non-null, and static and NUL-terminated as above.
        let s = unsafe { std::ffi::CStr::from_ptr(p) };
        Some(s.to_string_lossy().into_owned())
    }

    fn sym<F>(&self, name: &[u8]) -> Option<Symbol<'_, F>> {
        // SAFETY: the symbol types above are the CBLAS prototypes of these names.
        unsafe { self.lib.get::<F>(name).ok() }
    }

    /// Sets the library's thread count.
    pub fn set_threads(&self, n: usize) {
        let n32 = int(n);
        // SAFETY: each setter takes one integer and only changes the library's own settings.
        unsafe {
            match self.threads {
                Threads::OpenBlas => {
                    if let Some(f) = self.sym::<SetThreadsInt>(b"openblas_set_num_threads\0") {
                        f(n32)
                    }
                }
                Threads::Blis => {
                    if let Some(f) = self.sym::<SetThreadsDim>(b"bli_thread_set_num_threads\0") {
                        f(n as i64)
                    }
                }
                Threads::Mkl => {
                    if let Some(f) = self.sym::<SetThreadsInt>(b"MKL_Set_Num_Threads\0") {
                        f(n32)
                    }
                }
            }
        }
    }

    /// `C <- A B` (column-major, no transposes, beta = 0) through `cblas_?gemm`; `false` if the
    /// library lacks it.
    pub fn gemm<T: PeerScalar>(
        &self,
        m: usize,
        n: usize,
        k: usize,
        a: &[T],
        b: &[T],
        c: &mut [T],
    ) -> bool {
        assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
        T::cblas_gemm(self, m, n, k, a, b, c)
    }

    /// `C <- A A^T` on the lower triangle (n x n, k = n): `cblas_dsyrk`.
    pub fn dsyrk(&self, n: usize, a: &[f64], c: &mut [f64]) -> bool {
        assert!(a.len() >= n * n && c.len() >= n * n);
        let Some(f) = self.sym::<Syrk>(b"cblas_dsyrk\0") else {
            return false;
        };
        let ni = int(n);
        // SAFETY: the buffers hold n x n column-major matrices with ld = n.
        unsafe {
            f(
                COL_MAJOR,
                LOWER,
                NO_TRANS,
                ni,
                ni,
                1.0,
                a.as_ptr(),
                ni,
                0.0,
                c.as_mut_ptr(),
                ni,
            )
        };
        true
    }

    /// `B <- A^-1 B` (`solve`) or `B <- A B`, A lower triangular, left side: `cblas_dtrsm` /
    /// `cblas_dtrmm`.
    pub fn dtrxm(&self, solve: bool, n: usize, a: &[f64], b: &mut [f64]) -> bool {
        assert!(a.len() >= n * n && b.len() >= n * n);
        let name: &[u8] = if solve {
            b"cblas_dtrsm\0"
        } else {
            b"cblas_dtrmm\0"
        };
        let Some(f) = self.sym::<Trxm>(name) else {
            return false;
        };
        let ni = int(n);
        // SAFETY: as above.
        unsafe {
            f(
                COL_MAJOR,
                LEFT,
                LOWER,
                NO_TRANS,
                NON_UNIT,
                ni,
                ni,
                1.0,
                a.as_ptr(),
                ni,
                b.as_mut_ptr(),
                ni,
            )
        };
        true
    }

    /// `C <- A B`, A symmetric (upper), left side: `cblas_dsymm`.
    pub fn dsymm(&self, n: usize, a: &[f64], b: &[f64], c: &mut [f64]) -> bool {
        assert!(a.len() >= n * n && b.len() >= n * n && c.len() >= n * n);
        let Some(f) = self.sym::<Symm>(b"cblas_dsymm\0") else {
            return false;
        };
        let ni = int(n);
        // SAFETY: as above.
        unsafe {
            f(
                COL_MAJOR,
                LEFT,
                UPPER,
                ni,
                ni,
                1.0,
                a.as_ptr(),
                ni,
                b.as_ptr(),
                ni,
                0.0,
                c.as_mut_ptr(),
                ni,
            )
        };
        true
    }
}

/// The element types the peers are called with.
pub trait PeerScalar: Scalar {
    /// `cblas_?gemm` for this type.
    fn cblas_gemm(
        lib: &Cblas,
        m: usize,
        n: usize,
        k: usize,
        a: &[Self],
        b: &[Self],
        c: &mut [Self],
    ) -> bool;
}

macro_rules! real_peer {
    ($t:ty, $name:literal) => {
        impl PeerScalar for $t {
            fn cblas_gemm(
                lib: &Cblas,
                m: usize,
                n: usize,
                k: usize,
                a: &[Self],
                b: &[Self],
                c: &mut [Self],
            ) -> bool {
                let Some(f) = lib.sym::<RealGemm<$t>>($name) else {
                    return false;
                };
                let (mi, ni, ki) = (int(m), int(n), int(k));
                // SAFETY: the caller checked the buffer sizes; ld = rows (at least 1).
                unsafe {
                    f(
                        COL_MAJOR,
                        NO_TRANS,
                        NO_TRANS,
                        mi,
                        ni,
                        ki,
                        1.0,
                        a.as_ptr(),
                        mi.max(1),
                        b.as_ptr(),
                        ki.max(1),
                        0.0,
                        c.as_mut_ptr(),
                        mi.max(1),
                    )
                };
                true
            }
        }
    };
}
real_peer!(f32, b"cblas_sgemm\0");
real_peer!(f64, b"cblas_dgemm\0");

macro_rules! complex_peer {
    ($t:ty, $name:literal) => {
        impl PeerScalar for $t {
            fn cblas_gemm(
                lib: &Cblas,
                m: usize,
                n: usize,
                k: usize,
                a: &[Self],
                b: &[Self],
                c: &mut [Self],
            ) -> bool {
                let Some(f) = lib.sym::<ComplexGemm>($name) else {
                    return false;
                };
                let (mi, ni, ki) = (int(m), int(n), int(k));
                let (one, zero) = (<$t>::new(1.0, 0.0), <$t>::new(0.0, 0.0));
                // SAFETY: as for the real types; alpha and beta are passed by pointer.
                unsafe {
                    f(
                        COL_MAJOR,
                        NO_TRANS,
                        NO_TRANS,
                        mi,
                        ni,
                        ki,
                        (&one as *const $t).cast(),
                        a.as_ptr().cast(),
                        mi.max(1),
                        b.as_ptr().cast(),
                        ki.max(1),
                        (&zero as *const $t).cast(),
                        c.as_mut_ptr().cast(),
                        mi.max(1),
                    )
                };
                true
            }
        }
    };
}
complex_peer!(c32, b"cblas_cgemm\0");
complex_peer!(c64, b"cblas_zgemm\0");
