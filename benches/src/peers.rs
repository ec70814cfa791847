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
const TRANS: c_int = 112;
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
    /// Prepended to every symbol name.
    prefix: &'static str,
}

/// Where each peer lives: Debian's OpenBLAS and BLIS; MKL, the newest OpenBLAS
/// (`scipy-openblas32`, symbols prefixed `scipy_`) and AMD's AOCL-BLAS (`aoclda`'s bundled
/// `libblis-mt`) from pip, found through `HPC_MKL_PREFIX` and `HPC_PEER_SITE` (the Python
/// site-packages folder), which `cargo xtask bench` sets.
pub fn candidates() -> Vec<(&'static str, Vec<String>)> {
    let mut mkl = vec!["libmkl_rt.so.3".to_string(), "libmkl_rt.so".to_string()];
    if let Ok(prefix) = std::env::var("HPC_MKL_PREFIX") {
        mkl.insert(0, format!("{prefix}/lib/libmkl_rt.so.3"));
    }
    let site = std::env::var("HPC_PEER_SITE").unwrap_or_default();
    let in_site = |dir: &str, start: &str| -> Vec<String> {
        std::fs::read_dir(format!("{site}/{dir}"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(start))
            })
            .map(|p| p.display().to_string())
            .collect()
    };
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
        (
            "OpenBLAS-new",
            in_site("scipy_openblas32/lib", "libscipy_openblas"),
        ),
        ("AOCL", in_site("aoclda.libs", "libblis-mt")),
    ]
}

/// Loads every peer it can find; prints what it skipped and why.
pub fn load_all() -> Vec<Cblas> {
    let mut out = Vec::new();
    for (name, paths) in candidates() {
        let mut last_err = String::from("no candidate path");
        let mut loaded = None;
        for p in &paths {
            preload_neighbours(p);
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
                    "OpenBLAS" | "OpenBLAS-new" => Threads::OpenBlas,
                    "BLIS" | "AOCL" => Threads::Blis,
                    _ => Threads::Mkl,
                };
                let prefix = if name == "OpenBLAS-new" { "scipy_" } else { "" };
                let peer = Cblas {
                    name,
                    path,
                    lib: std::mem::ManuallyDrop::new(lib),
                    threads,
                    prefix,
                };
                if name == "AOCL" {
                    peer.init_without_blis_arch_type();
                }
                out.push(peer);
            }
            None => eprintln!("peer {name} skipped: {last_err}"),
        }
    }
    out
}

/// Loads, and keeps loaded, the OpenMP runtime that a wheel bundles beside the library at
/// `path` (`aoclda.libs/libomp-*.so`): the library names it as a dependency but carries no
/// search path to it, and the loader then finds it among the loaded objects.
fn preload_neighbours(path: &str) {
    let Some(dir) = std::path::Path::new(path).parent() else {
        return;
    };
    if !dir.ends_with("aoclda.libs") {
        return;
    }
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.file_name().to_string_lossy().starts_with("libomp") {
            // SAFETY: loading the OpenMP runtime runs its initialisers only.
            if let Ok(lib) = unsafe { Library::new(e.path()) } {
                std::mem::forget(lib);
            }
        }
    }
}

type Init = unsafe extern "C" fn();
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

type RealDot<T> = unsafe extern "C" fn(c_int, *const T, c_int, *const T, c_int) -> T;
type ComplexDot =
    unsafe extern "C" fn(c_int, *const c_void, c_int, *const c_void, c_int, *mut c_void);
type RealAxpy<T> = unsafe extern "C" fn(c_int, T, *const T, c_int, *mut T, c_int);
type ComplexAxpy =
    unsafe extern "C" fn(c_int, *const c_void, *const c_void, c_int, *mut c_void, c_int);
type Nrm2<T, R> = unsafe extern "C" fn(c_int, *const T, c_int) -> R;
type RealGemv<T> = unsafe extern "C" fn(
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
type ComplexGemv = unsafe extern "C" fn(
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
type RealGer<T> =
    unsafe extern "C" fn(c_int, c_int, c_int, T, *const T, c_int, *const T, c_int, *mut T, c_int);
type ComplexGer = unsafe extern "C" fn(
    c_int,
    c_int,
    c_int,
    *const c_void,
    *const c_void,
    c_int,
    *const c_void,
    c_int,
    *mut c_void,
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
            Threads::OpenBlas => self.version_str("openblas_get_config"),
            Threads::Blis => self
                .version_str("bli_info_get_version_str")
                .map(|v| format!("BLIS {v}")),
            Threads::Mkl => self.sym::<MklVersion>("MKL_Get_Version_String").map(|f| {
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

    fn version_str(&self, name: &str) -> Option<String> {
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

    /// The library's symbol `name` (with its prefix: `scipy_` for scipy-openblas32).
    fn sym<F>(&self, name: &str) -> Option<Symbol<'_, F>> {
        let full = format!("{}{name}", self.prefix);
        // SAFETY: the symbol types above are the CBLAS prototypes of these names.
        unsafe { self.lib.get::<F>(full.as_bytes()).ok() }
    }

    /// Initialises a BLIS with `BLIS_ARCH_TYPE` unset: it is set for Debian's BLIS, which does
    /// not recognise Zen 4 (`cargo xtask bench`), but AOCL-BLAS detects the CPU itself and is to
    /// be left to it. BLIS reads the variable once, in `bli_init`.
    fn init_without_blis_arch_type(&self) {
        let Some(init) = self.sym::<Init>("bli_init") else {
            return;
        };
        let saved = std::env::var_os("BLIS_ARCH_TYPE");
        // SAFETY: the harness is single-threaded while the peers load (no other thread reads
        // the environment), and `bli_init` only sets up the library's own state.
        unsafe {
            std::env::remove_var("BLIS_ARCH_TYPE");
            init();
            if let Some(v) = saved {
                std::env::set_var("BLIS_ARCH_TYPE", v);
            }
        }
    }

    /// Sets the library's thread count.
    pub fn set_threads(&self, n: usize) {
        let n32 = int(n);
        // SAFETY: each setter takes one integer and only changes the library's own settings.
        unsafe {
            match self.threads {
                Threads::OpenBlas => {
                    if let Some(f) = self.sym::<SetThreadsInt>("openblas_set_num_threads") {
                        f(n32)
                    }
                }
                Threads::Blis => {
                    if let Some(f) = self.sym::<SetThreadsDim>("bli_thread_set_num_threads") {
                        f(n as i64)
                    }
                }
                Threads::Mkl => {
                    if let Some(f) = self.sym::<SetThreadsInt>("MKL_Set_Num_Threads") {
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

    /// `x . y` (complex: `conj(x) . y`, `?dotc_sub`), unit increments; `None` if the
    /// library lacks it.
    pub fn dot<T: PeerScalar>(&self, x: &[T], y: &[T]) -> Option<T> {
        assert_eq!(x.len(), y.len());
        T::cblas_dot(self, x, y)
    }

    /// `y <- alpha x + y`.
    pub fn axpy<T: PeerScalar>(&self, alpha: T, x: &[T], y: &mut [T]) -> bool {
        assert_eq!(x.len(), y.len());
        T::cblas_axpy(self, alpha, x, y)
    }

    /// `||x||_2`.
    pub fn nrm2<T: PeerScalar>(&self, x: &[T]) -> Option<T::Real> {
        T::cblas_nrm2(self, x)
    }

    /// `y <- op(A) x` (A n x n column-major, op the transpose with `trans`, beta = 0).
    pub fn gemv<T: PeerScalar>(
        &self,
        trans: bool,
        n: usize,
        a: &[T],
        x: &[T],
        y: &mut [T],
    ) -> bool {
        assert!(a.len() >= n * n && x.len() >= n && y.len() >= n);
        T::cblas_gemv(self, trans, n, a, x, y)
    }

    /// `A <- alpha x y^T + A` (n x n; complex: `?geru`).
    pub fn ger<T: PeerScalar>(&self, alpha: T, n: usize, x: &[T], y: &[T], a: &mut [T]) -> bool {
        assert!(a.len() >= n * n && x.len() >= n && y.len() >= n);
        T::cblas_ger(self, alpha, n, x, y, a)
    }

    /// `C <- A A^T` on the lower triangle (n x n, k = n): `cblas_dsyrk`.
    pub fn dsyrk(&self, n: usize, a: &[f64], c: &mut [f64]) -> bool {
        assert!(a.len() >= n * n && c.len() >= n * n);
        let Some(f) = self.sym::<Syrk>("cblas_dsyrk") else {
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
        let name = if solve { "cblas_dtrsm" } else { "cblas_dtrmm" };
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
        let Some(f) = self.sym::<Symm>("cblas_dsymm") else {
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

/// The element types the peers are called with, and their CBLAS routines.
pub trait PeerScalar: Scalar {
    /// `cblas_?dot` (complex: `cblas_?dotc_sub`).
    fn cblas_dot(lib: &Cblas, x: &[Self], y: &[Self]) -> Option<Self>;
    /// `cblas_?axpy`.
    fn cblas_axpy(lib: &Cblas, alpha: Self, x: &[Self], y: &mut [Self]) -> bool;
    /// `cblas_?nrm2` (complex: `cblas_?znrm2`/`scnrm2`).
    fn cblas_nrm2(lib: &Cblas, x: &[Self]) -> Option<Self::Real>;
    /// `cblas_?gemv`, n x n, beta = 0.
    fn cblas_gemv(
        lib: &Cblas,
        trans: bool,
        n: usize,
        a: &[Self],
        x: &[Self],
        y: &mut [Self],
    ) -> bool;
    /// `cblas_?ger` (complex: `cblas_?geru`), n x n.
    fn cblas_ger(
        lib: &Cblas,
        alpha: Self,
        n: usize,
        x: &[Self],
        y: &[Self],
        a: &mut [Self],
    ) -> bool;
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
    ($t:ty, $name:literal, $dot:literal, $axpy:literal, $nrm2:literal, $gemv:literal, $ger:literal) => {
        impl PeerScalar for $t {
            fn cblas_dot(lib: &Cblas, x: &[Self], y: &[Self]) -> Option<Self> {
                let f = lib.sym::<RealDot<$t>>($dot)?;
                // SAFETY: both slices hold n elements.
                Some(unsafe { f(int(x.len()), x.as_ptr(), 1, y.as_ptr(), 1) })
            }
            fn cblas_axpy(lib: &Cblas, alpha: Self, x: &[Self], y: &mut [Self]) -> bool {
                let Some(f) = lib.sym::<RealAxpy<$t>>($axpy) else {
                    return false;
                };
                // SAFETY: both slices hold n elements.
                unsafe { f(int(x.len()), alpha, x.as_ptr(), 1, y.as_mut_ptr(), 1) };
                true
            }
            fn cblas_nrm2(lib: &Cblas, x: &[Self]) -> Option<Self> {
                let f = lib.sym::<Nrm2<$t, $t>>($nrm2)?;
                // SAFETY: the slice holds n elements.
                Some(unsafe { f(int(x.len()), x.as_ptr(), 1) })
            }
            fn cblas_gemv(
                lib: &Cblas,
                trans: bool,
                n: usize,
                a: &[Self],
                x: &[Self],
                y: &mut [Self],
            ) -> bool {
                let Some(f) = lib.sym::<RealGemv<$t>>($gemv) else {
                    return false;
                };
                let (ni, t) = (int(n), if trans { TRANS } else { NO_TRANS });
                // SAFETY: A is n x n with ld = n; x and y hold n elements.
                unsafe {
                    f(
                        COL_MAJOR,
                        t,
                        ni,
                        ni,
                        1.0,
                        a.as_ptr(),
                        ni.max(1),
                        x.as_ptr(),
                        1,
                        0.0,
                        y.as_mut_ptr(),
                        1,
                    )
                };
                true
            }
            fn cblas_ger(
                lib: &Cblas,
                alpha: Self,
                n: usize,
                x: &[Self],
                y: &[Self],
                a: &mut [Self],
            ) -> bool {
                let Some(f) = lib.sym::<RealGer<$t>>($ger) else {
                    return false;
                };
                let ni = int(n);
                // SAFETY: as for gemv.
                unsafe {
                    f(
                        COL_MAJOR,
                        ni,
                        ni,
                        alpha,
                        x.as_ptr(),
                        1,
                        y.as_ptr(),
                        1,
                        a.as_mut_ptr(),
                        ni.max(1),
                    )
                };
                true
            }
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
real_peer!(
    f32,
    "cblas_sgemm",
    "cblas_sdot",
    "cblas_saxpy",
    "cblas_snrm2",
    "cblas_sgemv",
    "cblas_sger"
);
real_peer!(
    f64,
    "cblas_dgemm",
    "cblas_ddot",
    "cblas_daxpy",
    "cblas_dnrm2",
    "cblas_dgemv",
    "cblas_dger"
);

macro_rules! complex_peer {
    ($t:ty, $name:literal, $dot:literal, $axpy:literal, $nrm2:literal, $gemv:literal, $ger:literal) => {
        impl PeerScalar for $t {
            fn cblas_dot(lib: &Cblas, x: &[Self], y: &[Self]) -> Option<Self> {
                let f = lib.sym::<ComplexDot>($dot)?;
                let mut r = <$t>::new(0.0, 0.0);
                // SAFETY: both slices hold n elements; the result is written to `r`.
                unsafe {
                    f(
                        int(x.len()),
                        x.as_ptr().cast(),
                        1,
                        y.as_ptr().cast(),
                        1,
                        (&mut r as *mut $t).cast(),
                    )
                };
                Some(r)
            }
            fn cblas_axpy(lib: &Cblas, alpha: Self, x: &[Self], y: &mut [Self]) -> bool {
                let Some(f) = lib.sym::<ComplexAxpy>($axpy) else {
                    return false;
                };
                // SAFETY: both slices hold n elements; alpha is passed by pointer.
                unsafe {
                    f(
                        int(x.len()),
                        (&alpha as *const $t).cast(),
                        x.as_ptr().cast(),
                        1,
                        y.as_mut_ptr().cast(),
                        1,
                    )
                };
                true
            }
            fn cblas_nrm2(lib: &Cblas, x: &[Self]) -> Option<Self::Real> {
                let f = lib.sym::<Nrm2<c_void, Self::Real>>($nrm2)?;
                // SAFETY: the slice holds n elements.
                Some(unsafe { f(int(x.len()), x.as_ptr().cast(), 1) })
            }
            fn cblas_gemv(
                lib: &Cblas,
                trans: bool,
                n: usize,
                a: &[Self],
                x: &[Self],
                y: &mut [Self],
            ) -> bool {
                let Some(f) = lib.sym::<ComplexGemv>($gemv) else {
                    return false;
                };
                let (ni, t) = (int(n), if trans { TRANS } else { NO_TRANS });
                let (one, zero) = (<$t>::new(1.0, 0.0), <$t>::new(0.0, 0.0));
                // SAFETY: as for the real types; alpha and beta by pointer.
                unsafe {
                    f(
                        COL_MAJOR,
                        t,
                        ni,
                        ni,
                        (&one as *const $t).cast(),
                        a.as_ptr().cast(),
                        ni.max(1),
                        x.as_ptr().cast(),
                        1,
                        (&zero as *const $t).cast(),
                        y.as_mut_ptr().cast(),
                        1,
                    )
                };
                true
            }
            fn cblas_ger(
                lib: &Cblas,
                alpha: Self,
                n: usize,
                x: &[Self],
                y: &[Self],
                a: &mut [Self],
            ) -> bool {
                let Some(f) = lib.sym::<ComplexGer>($ger) else {
                    return false;
                };
                let ni = int(n);
                // SAFETY: as for gemv.
                unsafe {
                    f(
                        COL_MAJOR,
                        ni,
                        ni,
                        (&alpha as *const $t).cast(),
                        x.as_ptr().cast(),
                        1,
                        y.as_ptr().cast(),
                        1,
                        a.as_mut_ptr().cast(),
                        ni.max(1),
                    )
                };
                true
            }
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
complex_peer!(
    c32,
    "cblas_cgemm",
    "cblas_cdotc_sub",
    "cblas_caxpy",
    "cblas_scnrm2",
    "cblas_cgemv",
    "cblas_cgeru"
);
complex_peer!(
    c64,
    "cblas_zgemm",
    "cblas_zdotc_sub",
    "cblas_zaxpy",
    "cblas_dznrm2",
    "cblas_zgemv",
    "cblas_zgeru"
);
