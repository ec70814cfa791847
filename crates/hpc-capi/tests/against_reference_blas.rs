//! hpc's Fortran BLAS ABI against Debian's reference BLAS 3.11 (`libblas3`), both loaded at run
//! time and called by symbol name with the same arguments: every routine of all four types on
//! random shapes, increments and leading dimensions, with operands of every class that breaks
//! naive arithmetic: near the overflow and the underflow thresholds, mixed magnitudes, and
//! NaN, Inf and zeros sprinkled in. Every element of every output array is compared, padding
//! and unreferenced triangles included (they hold NaN, which must neither be read nor
//! written): NaN, +Inf and -Inf must appear exactly where the reference has them (for complex
//! types: the same elements are not finite), and finite results agree to a rounding bound of
//! the routine's number of terms. Outputs that are
//! scalars (dot products, norms, indices, rotations) are compared the same way.
//!
//! Magnitudes are chosen so that the exact result is representable: a product of a huge and a
//! huge operand, whose sum of terms overflows or not depending on the order of the sum, is not
//! drawn. The test skips, saying why, where Debian's `libblas3` is missing.

use std::ffi::{c_char, c_int, c_void};
use std::path::PathBuf;

use hpc_core::{RealScalar, Scalar, c32, c64};
use libloading::Library;
use num_traits::{Float, One, Zero};

const REFERENCE: &str = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3";

type P = *const c_void;

/// A pointer argument.
fn p<T>(x: &T) -> P {
    x as *const T as P
}

/// A pointer argument the routine writes.
fn pm<T>(x: &mut T) -> P {
    x as *mut T as P
}

/// The two libraries: the reference and hpc's.
struct Libs {
    reference: Library,
    hpc: Library,
}

fn libs() -> Option<Libs> {
    if !std::path::Path::new(REFERENCE).exists() {
        println!("skipped: no reference BLAS at {REFERENCE} (apt-get install libblas3)");
        return None;
    }
    // The cdylib built with this test, beside it in target/<profile>/deps (cargo test builds
    // every crate type of the library there; only cargo build copies it one level up).
    let exe = std::env::current_exe().expect("test executable");
    let ours: PathBuf = exe
        .parent()
        .map(|d| d.join("libhpc_blas.so"))
        .expect("target directory");
    if !ours.exists() {
        println!("skipped: {} was not built", ours.display());
        return None;
    }
    // SAFETY: both are BLAS libraries whose initialisers have no preconditions.
    unsafe {
        Some(Libs {
            reference: Library::new(REFERENCE).expect("reference BLAS loads"),
            hpc: Library::new(&ours).expect("hpc's library loads"),
        })
    }
}

macro_rules! ptr_ty {
    ($x:expr) => {
        P
    };
}
macro_rules! len_ty {
    ($x:expr) => {
        usize
    };
}

/// Calls the Fortran subroutine `name` of `lib` with pointer arguments and hidden CHARACTER
/// lengths.
macro_rules! sub {
    ($lib:expr, $name:expr; $($a:expr),* ; $($l:expr),*) => {{
        let name = format!("{}\0", $name);
        // SAFETY: the symbol is the BLAS routine of that name, called with its Fortran ABI;
        // every pointer refers to a live, large enough buffer built by the caller.
        unsafe {
            let f: libloading::Symbol<unsafe extern "C" fn($(ptr_ty!($a)),* $(, len_ty!($l))*)> =
                $lib.get(name.as_bytes()).expect("symbol");
            f($($a),* $(, $l)*)
        }
    }};
}

/// Calls the Fortran function `name` of `lib`, returning `$r`.
macro_rules! fun {
    ($lib:expr, $name:expr, $r:ty; $($a:expr),*) => {{
        let name = format!("{}\0", $name);
        // SAFETY: as in `sub!`.
        unsafe {
            let f: libloading::Symbol<unsafe extern "C" fn($(ptr_ty!($a)),*) -> $r> =
                $lib.get(name.as_bytes()).expect("symbol");
            f($($a),*)
        }
    }};
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Uniform in [-1, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }
    fn pick<X: Copy>(&mut self, xs: &[X]) -> X {
        xs[self.below(xs.len())]
    }
}

/// The magnitude class of an operand.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    /// Uniform in [-1, 1].
    Normal,
    /// Scaled to within `2^-8` of the overflow threshold.
    Huge,
    /// Scaled to within `2^8` of the underflow threshold (some subnormal).
    Tiny,
    /// Each element huge, tiny or normal at random.
    Mixed,
    /// Normal, with NaN, +-Inf and zeros sprinkled in.
    Special,
}

/// Classes two factors of one product may have without risking an order-dependent overflow.
const PAIRS: [(Class, Class); 11] = [
    (Class::Normal, Class::Normal),
    (Class::Huge, Class::Normal),
    (Class::Normal, Class::Huge),
    (Class::Tiny, Class::Normal),
    (Class::Normal, Class::Tiny),
    (Class::Huge, Class::Tiny),
    (Class::Tiny, Class::Huge),
    (Class::Tiny, Class::Tiny),
    (Class::Special, Class::Normal),
    (Class::Normal, Class::Special),
    (Class::Special, Class::Special),
];

/// The element types, with what the test needs beyond [`Scalar`].
trait Elt: Scalar<Real: RealScalar> {
    /// The BLAS names of this type's routines (`nrm2` is `dznrm2` for `c64`, ...).
    fn name(base: &str) -> String {
        let p = Self::PREFIX;
        match (base, Self::IS_COMPLEX) {
            ("nrm2" | "asum", true) => format!("{}{p}{base}_", if p == 'c' { 's' } else { 'd' }),
            ("iamax", _) => format!("i{p}amax_"),
            ("rscal", true) => format!("{p}{}scal_", if p == 'c' { 's' } else { 'd' }),
            ("rrot", true) => format!("{p}{}rot_", if p == 'c' { 's' } else { 'd' }),
            ("rrot", false) => format!("{p}rot_"),
            ("cabs1", _) => format!("{}cabs1_", if p == 'c' { 's' } else { 'd' }),
            _ => format!("{p}{base}_"),
        }
    }
}
impl Elt for f32 {}
impl Elt for f64 {}
impl Elt for c32 {}
impl Elt for c64 {}

fn real<R: RealScalar>(rng: &mut Rng, class: Class) -> R {
    let big = R::max_value() / R::from_f64(256.0);
    let small = R::min_positive_value() * R::from_f64(256.0);
    let u = R::from_f64(rng.unit());
    match class {
        Class::Normal => u,
        Class::Huge => u * big,
        Class::Tiny => {
            // One in eight a subnormal.
            if rng.below(8) == 0 {
                u * R::min_positive_value() * R::from_f64(0.25)
            } else {
                u * small
            }
        }
        Class::Mixed => {
            let c = rng.pick(&[Class::Normal, Class::Huge, Class::Tiny]);
            real(rng, c)
        }
        Class::Special => match rng.below(12) {
            0 => R::nan(),
            1 => R::infinity(),
            2 => R::neg_infinity(),
            3 | 4 => R::zero(),
            _ => u,
        },
    }
}

fn value<T: Elt>(rng: &mut Rng, class: Class) -> T {
    let re = real::<T::Real>(rng, class);
    // A complex value has both parts of the class, or one part zero (a third of the time).
    let im = if T::IS_COMPLEX && rng.below(3) != 0 {
        real::<T::Real>(rng, class)
    } else {
        T::Real::zero()
    };
    T::from_parts(re, im)
}

#[allow(dead_code)]
fn values<T: Elt>(rng: &mut Rng, class: Class, len: usize) -> Vec<T> {
    (0..len).map(|_| value(rng, class)).collect()
}

/// A scalar argument: 0, 1, -1 or another value, complex for complex types.
fn scalar<T: Elt>(rng: &mut Rng) -> T {
    match rng.below(5) {
        0 => T::zero(),
        1 => T::one(),
        2 => -T::one(),
        3 => T::from_parts(T::Real::from_f64(0.7), T::Real::zero()),
        _ => T::from_parts(T::Real::from_f64(-0.3), T::Real::from_f64(0.8)),
    }
}

fn real_scalar<R: RealScalar>(rng: &mut Rng) -> R {
    R::from_f64(rng.pick(&[0.0, 1.0, -1.0, 0.7]))
}

/// Compares one output, element by element; `terms` bounds the rounding error
/// (hpc-testing's rule, the one the Level 3 extreme-value tests use).
fn compare<T: Elt>(what: &str, got: &[T], want: &[T], terms: usize) -> Result<(), String> {
    assert_eq!(got.len(), want.len());
    hpc_testing::extreme::compare(got, want, terms).map_err(|e| format!("{what}: {e}"))
}

/// Runs `case(lib, seed)` on both libraries for `cases` seeds, comparing what it returns: a
/// list of (name, values, terms).
type Outputs<T> = Vec<(&'static str, Vec<T>, usize)>;

fn check<T: Elt>(routine: &str, cases: u64, case: impl Fn(&Library, u64) -> (String, Outputs<T>)) {
    let Some(libs) = libs() else { return };
    let mut failures = Vec::new();
    for seed in 1..=cases {
        let (call, want) = case(&libs.reference, seed);
        let (_, got) = case(&libs.hpc, seed);
        let first = got
            .iter()
            .zip(&want)
            .find_map(|((name, g, terms), (_, w, _))| compare(name, g, w, *terms).err());
        if let Some(e) = first {
            failures.push(format!("{call}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} {routine}: {} of {cases} calls differ from the reference, e.g.\n{}",
        T::PREFIX,
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A vector argument: `n` elements of class `class` with increment `inc`, stored in
/// `1 + (n - 1)|inc|` slots (NaN between the elements).
fn vector<T: Elt>(rng: &mut Rng, class: Class, n: usize, inc: i32) -> Vec<T> {
    let len = if n == 0 {
        1
    } else {
        1 + (n - 1) * inc.unsigned_abs() as usize
    };
    let mut v = vec![T::from_parts(T::Real::nan(), T::Real::nan()); len];
    for i in 0..n {
        v[i * inc.unsigned_abs() as usize] = value(rng, class);
    }
    v
}

/// A column-major `rows x cols` matrix with leading dimension `ld` (NaN in the padding rows).
fn matrix<T: Elt>(rng: &mut Rng, class: Class, rows: usize, cols: usize, ld: usize) -> Vec<T> {
    let mut a = vec![T::from_parts(T::Real::nan(), T::Real::nan()); (ld * cols).max(1)];
    for j in 0..cols {
        for i in 0..rows {
            a[i + j * ld] = value(rng, class);
        }
    }
    a
}

/// A triangle of order n (NaN outside it) that is well conditioned whatever its class and
/// diagonal: a diagonal (stored or unit) that dominates its rows, all scaled by the class.
fn triangle<T: Elt>(rng: &mut Rng, class: Class, n: usize, ld: usize, upper: bool) -> Vec<T> {
    let mut a = vec![T::from_parts(T::Real::nan(), T::Real::nan()); (ld * n).max(1)];
    let s = match class {
        Class::Huge => T::Real::max_value() / T::Real::from_f64(64.0 * (n + 1) as f64),
        Class::Tiny => T::Real::min_positive_value() * T::Real::from_f64(64.0),
        _ => T::Real::one(),
    };
    for j in 0..n {
        for i in 0..n {
            if (upper && i <= j) || (!upper && i >= j) {
                let v: T = if class == Class::Special {
                    value(rng, class)
                } else {
                    value(rng, Class::Normal)
                };
                // Off the diagonal at most 1 / (n + 1) per part, so that a unit diagonal
                // dominates too.
                let v = v.scale_real(T::Real::from_f64(0.5 / (n + 1) as f64));
                let v = if i == j {
                    // |d| in [n + 1, n + 2], both parts large for complex types.
                    let d = T::Real::from_f64((n + 1) as f64 + rng.unit().abs());
                    T::from_parts(
                        d.copysign(v.re()),
                        if T::IS_COMPLEX { d } else { T::Real::zero() },
                    )
                } else {
                    v
                };
                a[i + j * ld] = v.scale_real(s);
            }
        }
    }
    a
}

fn ch(c: u8) -> c_char {
    c as c_char
}

fn inc(rng: &mut Rng) -> i32 {
    rng.pick(&[1, 1, 2, -1, -2])
}

// ---------------------------------------------------------------------------------------------
// Level 1

fn level1<T: Elt>() {
    check::<T>("level 1", 1000, |lib, seed| {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(1));
        let n = rng.below(9);
        let (ix, iy) = (inc(&mut rng), inc(&mut rng));
        let (cx, cy) = rng.pick(&PAIRS);
        let x0: Vec<T> = vector(&mut rng, cx, n, ix);
        let y0: Vec<T> = vector(&mut rng, cy, n, iy);
        // scal, rscal and axpy also by huge and tiny factors.
        let extreme = rng.pick(&[None, None, None, Some(Class::Huge), Some(Class::Tiny)]);
        let alpha: T = match extreme {
            Some(c) => value(&mut rng, c),
            None => scalar(&mut rng),
        };
        let ralpha: T::Real = match extreme {
            Some(c) => real(&mut rng, c),
            None => real_scalar(&mut rng),
        };
        let (c, s) = (T::Real::from_f64(0.6), T::Real::from_f64(-0.8));
        let ni = n as c_int;
        let mut out: Outputs<T> = Vec::new();
        // scal, rscal (complex), axpy, swap, copy, rot.
        let mut x = x0.clone();
        sub!(lib, T::name("scal"); p(&ni), p(&alpha), x.as_mut_ptr() as P, p(&ix););
        out.push(("scal x", x, 1));
        if T::IS_COMPLEX {
            let mut x = x0.clone();
            sub!(lib, T::name("rscal"); p(&ni), p(&ralpha), x.as_mut_ptr() as P, p(&ix););
            out.push(("rscal x", x, 1));
        }
        let mut y = y0.clone();
        sub!(lib, T::name("axpy"); p(&ni), p(&alpha), x0.as_ptr() as P, p(&ix), y.as_mut_ptr() as P, p(&iy););
        out.push(("axpy y", y, 2));
        let (mut x, mut y) = (x0.clone(), y0.clone());
        sub!(lib, T::name("swap"); p(&ni), x.as_mut_ptr() as P, p(&ix), y.as_mut_ptr() as P, p(&iy););
        out.push(("swap x", x, 0));
        out.push(("swap y", y, 0));
        let mut y = y0.clone();
        sub!(lib, T::name("copy"); p(&ni), x0.as_ptr() as P, p(&ix), y.as_mut_ptr() as P, p(&iy););
        out.push(("copy y", y, 0));
        let (mut x, mut y) = (x0.clone(), y0.clone());
        sub!(lib, T::name("rrot"); p(&ni), x.as_mut_ptr() as P, p(&ix), y.as_mut_ptr() as P, p(&iy), p(&c), p(&s););
        out.push(("rot x", x, 2));
        out.push(("rot y", y, 2));
        // Reductions, with any increment (nrm2 takes zero and negative ones too).
        let ix0 = rng.pick(&[ix, 0, -1]);
        let r = |v: T::Real| vec![T::from_real(v)];
        let nrm: T::Real = fun!(lib, T::name("nrm2"), T::Real; p(&ni), x0.as_ptr() as P, p(&ix0));
        out.push(("nrm2", r(nrm), n));
        let asum: T::Real = fun!(lib, T::name("asum"), T::Real; p(&ni), x0.as_ptr() as P, p(&ix));
        out.push(("asum", r(asum), n));
        let imax: c_int = fun!(lib, T::name("iamax"), c_int; p(&ni), x0.as_ptr() as P, p(&ix));
        out.push(("iamax", r(T::Real::from_f64(f64::from(imax))), 0));
        let dots: &[&str] = if T::IS_COMPLEX {
            &["dotu", "dotc"]
        } else {
            &["dot"]
        };
        for &d in dots {
            let v: T = fun!(lib, T::name(d), T; p(&ni), x0.as_ptr() as P, p(&ix), y0.as_ptr() as P, p(&iy));
            out.push((if d == "dotc" { "dotc" } else { "dot" }, vec![v], n));
        }
        if T::IS_COMPLEX {
            let v: T::Real = fun!(lib, T::name("cabs1"), T::Real; p(&x0[0]));
            out.push(("cabs1", r(v), 1));
        }
        // rotg on the first elements.
        let (mut a, mut b) = (x0[0], y0[0]);
        let mut cr = T::Real::zero();
        let mut sr = T::zero();
        sub!(lib, T::name("rotg"); pm(&mut a), pm(&mut b), pm(&mut cr), pm(&mut sr););
        out.push(("rotg r", vec![a], 4));
        if !T::IS_COMPLEX {
            out.push(("rotg z", vec![b], 4));
        }
        out.push(("rotg c", r(cr), 4));
        out.push(("rotg s", vec![sr], 4));
        (
            format!("n={n} incx={ix} incy={iy} classes={cx:?},{cy:?} alpha={alpha}"),
            out,
        )
    });
}

#[test]
fn level1_s() {
    level1::<f32>();
}
#[test]
fn level1_d() {
    level1::<f64>();
}
#[test]
fn level1_c() {
    level1::<c32>();
}
#[test]
fn level1_z() {
    level1::<c64>();
}

/// `?rotm`, `?rotmg`, `sdsdot`, `dsdot` (real only).
fn real_level1<R: Elt + RealScalar>() {
    check::<R>("rotm, rotmg", 1000, |lib, seed| {
        let mut rng = Rng(seed.wrapping_mul(0x2545_f491).wrapping_add(7));
        let n = rng.below(9);
        let (ix, iy) = (inc(&mut rng), inc(&mut rng));
        let (cx, cy) = rng.pick(&PAIRS);
        let x0: Vec<R> = vector(&mut rng, cx, n, ix);
        let y0: Vec<R> = vector(&mut rng, cy, n, iy);
        let ni = n as c_int;
        let mut out: Outputs<R> = Vec::new();
        let flag = R::from_f64(rng.pick(&[-2.0, -1.0, 0.0, 1.0]));
        let param = [
            flag,
            R::from_f64(0.5),
            R::from_f64(-0.25),
            R::from_f64(2.0),
            R::from_f64(0.75),
        ];
        let (mut x, mut y) = (x0.clone(), y0.clone());
        sub!(lib, format!("{}rotm_", R::PREFIX); p(&ni), x.as_mut_ptr() as P, p(&ix), y.as_mut_ptr() as P, p(&iy), param.as_ptr() as P;);
        out.push(("rotm x", x, 2));
        out.push(("rotm y", y, 2));
        // rotmg on finite values of every magnitude (with Inf the reference never returns;
        // hpc's answer there is tested in `rotmg_always_returns`).
        let finite = |rng: &mut Rng, c: Class| {
            let v = real::<R>(rng, c);
            if v.is_finite() { v } else { R::one() }
        };
        let mut d1 = finite(&mut rng, rng_class(seed)).abs();
        let mut d2 = finite(&mut rng, rng_class(seed + 1));
        let mut x1 = finite(&mut rng, rng_class(seed + 2));
        let y1 = finite(&mut rng, rng_class(seed + 3));
        let mut param = [R::from_f64(9.0); 5];
        sub!(lib, format!("{}rotmg_", R::PREFIX); pm(&mut d1), pm(&mut d2), pm(&mut x1), p(&y1), param.as_mut_ptr() as P;);
        out.push(("rotmg d1 d2 x1", vec![d1, d2, x1], 8));
        out.push(("rotmg param", param.to_vec(), 8));
        if R::PREFIX == 's' {
            let sb = R::from_f64(0.5);
            let v: f32 = fun!(lib, "sdsdot_", f32; p(&ni), p(&sb), x0.as_ptr() as P, p(&ix), y0.as_ptr() as P, p(&iy));
            out.push(("sdsdot", vec![R::from_f64(f64::from(v))], n));
            let v: f64 = fun!(lib, "dsdot_", f64; p(&ni), x0.as_ptr() as P, p(&ix), y0.as_ptr() as P, p(&iy));
            // dsdot's double result, rounded to single for the comparison.
            out.push(("dsdot", vec![R::from_f64(v)], n));
        }
        (
            format!("n={n} incx={ix} incy={iy} classes={cx:?},{cy:?} flag={flag}"),
            out,
        )
    });
}

fn rng_class(seed: u64) -> Class {
    [
        Class::Normal,
        Class::Huge,
        Class::Tiny,
        Class::Special,
        Class::Mixed,
    ][(seed % 5) as usize]
}

#[test]
fn real_level1_s() {
    real_level1::<f32>();
}
#[test]
fn real_level1_d() {
    real_level1::<f64>();
}

// ---------------------------------------------------------------------------------------------
// Level 2

fn level2<T: Elt>() {
    check::<T>("level 2", 1000, |lib, seed| {
        let mut rng = Rng(seed.wrapping_mul(0x5851_f42d_4c95_7f2d).wrapping_add(3));
        let (m, n) = (rng.below(8), rng.below(8));
        let (kl, ku) = (rng.below(3), rng.below(3));
        let (ix, iy) = (inc(&mut rng), inc(&mut rng));
        let (ca, cx) = rng.pick(&PAIRS);
        let alpha: T = scalar(&mut rng);
        let beta: T = scalar(&mut rng);
        let ralpha: T::Real = real_scalar(&mut rng);
        let trans = rng.pick(b"NTC");
        let uplo = rng.pick(b"UL");
        let diag = rng.pick(b"NU");
        let lda = m.max(n).max(1) + rng.below(2);
        let (mi, ni, kli, kui, ldai) = (
            m as c_int,
            n as c_int,
            kl as c_int,
            ku as c_int,
            lda as c_int,
        );
        // Rows enough for the band forms too (leading dimension kl + ku + 1).
        let rows = lda.max(kl + ku + 1);
        let a: Vec<T> = matrix(&mut rng, ca, rows, m.max(n).max(1), rows);
        let (lx, ly) = if trans == b'N' { (n, m) } else { (m, n) };
        let x: Vec<T> = vector(&mut rng, cx, m.max(n), ix);
        let y0: Vec<T> = vector(
            &mut rng,
            if beta.is_zero() { Class::Special } else { cx },
            ly.max(n).max(m),
            iy,
        );
        let y0 = if beta.is_zero() {
            y0.iter()
                .map(|_| T::from_parts(T::Real::nan(), T::Real::nan()))
                .collect()
        } else {
            y0
        };
        let (tr, up, dg) = (ch(trans), ch(uplo), ch(diag));
        let mut out: Outputs<T> = Vec::new();
        let mut y = y0.clone();
        sub!(lib, T::name("gemv"); p(&tr), p(&mi), p(&ni), p(&alpha), a.as_ptr() as P, p(&ldai), x.as_ptr() as P, p(&ix), p(&beta), y.as_mut_ptr() as P, p(&iy); 1);
        out.push(("gemv y", y, lx + 1));
        let ldb = (kl + ku + 1) as c_int;
        let mut y = y0.clone();
        sub!(lib, T::name("gbmv"); p(&tr), p(&mi), p(&ni), p(&kli), p(&kui), p(&alpha), a.as_ptr() as P, p(&ldb), x.as_ptr() as P, p(&ix), p(&beta), y.as_mut_ptr() as P, p(&iy); 1);
        out.push(("gbmv y", y, kl + ku + 2));
        let (hs, hb, hp) = if T::IS_COMPLEX {
            ("hemv", "hbmv", "hpmv")
        } else {
            ("symv", "sbmv", "spmv")
        };
        let mut y = y0.clone();
        sub!(lib, T::name(hs); p(&up), p(&ni), p(&alpha), a.as_ptr() as P, p(&ldai), x.as_ptr() as P, p(&ix), p(&beta), y.as_mut_ptr() as P, p(&iy); 1);
        out.push(("hemv/symv y", y, n + 1));
        let k = kl as c_int;
        let ldk = (kl + 1) as c_int;
        let mut y = y0.clone();
        sub!(lib, T::name(hb); p(&up), p(&ni), p(&k), p(&alpha), a.as_ptr() as P, p(&ldk), x.as_ptr() as P, p(&ix), p(&beta), y.as_mut_ptr() as P, p(&iy); 1);
        out.push(("hbmv/sbmv y", y, 2 * kl + 2));
        let mut y = y0.clone();
        sub!(lib, T::name(hp); p(&up), p(&ni), p(&alpha), a.as_ptr() as P, x.as_ptr() as P, p(&ix), p(&beta), y.as_mut_ptr() as P, p(&iy); 1);
        out.push(("hpmv/spmv y", y, n + 1));
        // Triangular products and solves on a well-conditioned triangle of class `ca`.
        let t: Vec<T> = triangle(&mut rng, ca, n, lda, uplo == b'U');
        // The products take a normal x; the solves a right-hand side of the triangle's class,
        // so that the solution is of order one.
        let xn: Vec<T> = vector(&mut rng, Class::Normal, n, ix);
        let xs: Vec<T> = vector(
            &mut rng,
            if ca == Class::Special {
                Class::Normal
            } else {
                ca
            },
            n,
            ix,
        );
        let rhs = |name: &str| {
            if name.ends_with("mv") {
                xn.clone()
            } else {
                xs.clone()
            }
        };
        for (name, terms) in [("trmv", n + 1), ("trsv", 4 * n + 4)] {
            let mut xv = rhs(name);
            sub!(lib, T::name(name); p(&up), p(&tr), p(&dg), p(&ni), t.as_ptr() as P, p(&ldai), xv.as_mut_ptr() as P, p(&ix); 1, 1, 1);
            out.push((if name == "trmv" { "trmv x" } else { "trsv x" }, xv, terms));
        }
        // Band (k = kl) and packed forms of the same triangle's storage.
        let band: Vec<T> = band_of(&t, n, lda, kl, uplo == b'U');
        let packed: Vec<T> = packed_of(&t, n, lda, uplo == b'U');
        for (name, terms) in [("tbmv", kl + 2), ("tbsv", 4 * kl + 4)] {
            let mut xv = rhs(name);
            sub!(lib, T::name(name); p(&up), p(&tr), p(&dg), p(&ni), p(&k), band.as_ptr() as P, p(&ldk), xv.as_mut_ptr() as P, p(&ix); 1, 1, 1);
            out.push((if name == "tbmv" { "tbmv x" } else { "tbsv x" }, xv, terms));
        }
        for (name, terms) in [("tpmv", n + 1), ("tpsv", 4 * n + 4)] {
            let mut xv = rhs(name);
            sub!(lib, T::name(name); p(&up), p(&tr), p(&dg), p(&ni), packed.as_ptr() as P, xv.as_mut_ptr() as P, p(&ix); 1, 1, 1);
            out.push((if name == "tpmv" { "tpmv x" } else { "tpsv x" }, xv, terms));
        }
        // Rank updates.
        let yv: Vec<T> = vector(&mut rng, cx, m.max(n), iy);
        let gers: &[&str] = if T::IS_COMPLEX {
            &["geru", "gerc"]
        } else {
            &["ger"]
        };
        for &g in gers {
            let mut am = a.clone();
            sub!(lib, T::name(g); p(&mi), p(&ni), p(&alpha), x.as_ptr() as P, p(&ix), yv.as_ptr() as P, p(&iy), am.as_mut_ptr() as P, p(&ldai););
            out.push(("ger A", am, 2));
        }
        let (h1, hp1, h2, hp2) = if T::IS_COMPLEX {
            ("her", "hpr", "her2", "hpr2")
        } else {
            ("syr", "spr", "syr2", "spr2")
        };
        let a1: *const c_void = if T::IS_COMPLEX { p(&ralpha) } else { p(&alpha) };
        let mut am = a.clone();
        sub!(lib, T::name(h1); p(&up), p(&ni), a1, x.as_ptr() as P, p(&ix), am.as_mut_ptr() as P, p(&ldai); 1);
        out.push(("her/syr A", am, 2));
        let mut ap = a.clone();
        sub!(lib, T::name(hp1); p(&up), p(&ni), a1, x.as_ptr() as P, p(&ix), ap.as_mut_ptr() as P; 1);
        out.push(("hpr/spr AP", ap, 2));
        let mut am = a.clone();
        sub!(lib, T::name(h2); p(&up), p(&ni), p(&alpha), x.as_ptr() as P, p(&ix), yv.as_ptr() as P, p(&iy), am.as_mut_ptr() as P, p(&ldai); 1);
        out.push(("her2/syr2 A", am, 3));
        let mut ap = a.clone();
        sub!(lib, T::name(hp2); p(&up), p(&ni), p(&alpha), x.as_ptr() as P, p(&ix), yv.as_ptr() as P, p(&iy), ap.as_mut_ptr() as P; 1);
        out.push(("hpr2/spr2 AP", ap, 3));
        (
            format!(
                "m={m} n={n} kl={kl} ku={ku} incx={ix} incy={iy} classes={ca:?},{cx:?} trans={} uplo={} diag={} alpha={alpha} beta={beta}",
                trans as char, uplo as char, diag as char
            ),
            out,
        )
    });
}

/// The band storage (`?tbmv`, leading dimension k + 1) of the triangle `t`.
fn band_of<T: Elt>(t: &[T], n: usize, ld: usize, k: usize, upper: bool) -> Vec<T> {
    let mut b = vec![T::from_parts(T::Real::nan(), T::Real::nan()); ((k + 1) * n).max(1)];
    for j in 0..n {
        for i in 0..n {
            let inside = if upper {
                i <= j && j - i <= k
            } else {
                i >= j && i - j <= k
            };
            if inside {
                let r = if upper { k + i - j } else { i - j };
                b[r + j * (k + 1)] = t[i + j * ld];
            }
        }
    }
    b
}

/// The packed storage of the triangle `t`.
fn packed_of<T: Elt>(t: &[T], n: usize, ld: usize, upper: bool) -> Vec<T> {
    let mut v = Vec::with_capacity(n * (n + 1) / 2 + 1);
    for j in 0..n {
        let rows = if upper { 0..j + 1 } else { j..n };
        v.extend(rows.map(|i| t[i + j * ld]));
    }
    v.push(T::zero());
    v
}

#[test]
fn level2_s() {
    level2::<f32>();
}
#[test]
fn level2_d() {
    level2::<f64>();
}
#[test]
fn level2_c() {
    level2::<c32>();
}
#[test]
fn level2_z() {
    level2::<c64>();
}

// ---------------------------------------------------------------------------------------------
// Level 3

fn level3<T: Elt>() {
    check::<T>("level 3", 600, |lib, seed| {
        let mut rng = Rng(seed.wrapping_mul(0x1405_7b7e_f767_814f).wrapping_add(5));
        // Mostly small, sometimes past the fast paths' small-matrix limits.
        let big = rng.below(6) == 0;
        let dim = |rng: &mut Rng| {
            if big {
                40 + rng.below(60)
            } else {
                rng.below(8)
            }
        };
        let (m, n, k) = (dim(&mut rng), dim(&mut rng), dim(&mut rng));
        let (ca, cb) = rng.pick(&PAIRS);
        let alpha: T = scalar(&mut rng);
        let beta: T = scalar(&mut rng);
        let (ra, rb): (T::Real, T::Real) = (real_scalar(&mut rng), real_scalar(&mut rng));
        let ta = rng.pick(b"NTC");
        let tb = rng.pick(b"NTC");
        let side = rng.pick(b"LR");
        let uplo = rng.pick(b"UL");
        let diag = rng.pick(b"NU");
        let mx = m.max(n).max(k).max(1);
        let ld = mx + rng.below(2);
        let (mi, ni, ki, ldi) = (m as c_int, n as c_int, k as c_int, ld as c_int);
        let a: Vec<T> = matrix(&mut rng, ca, mx, mx, ld);
        let b: Vec<T> = matrix(&mut rng, cb, mx, mx, ld);
        let c0: Vec<T> = if beta.is_zero() {
            vec![T::from_parts(T::Real::nan(), T::Real::nan()); ld * mx]
        } else {
            matrix(&mut rng, cb, mx, mx, ld)
        };
        let (cta, ctb, cs, cu, cd) = (ch(ta), ch(tb), ch(side), ch(uplo), ch(diag));
        let mut out: Outputs<T> = Vec::new();
        let mut c = c0.clone();
        sub!(lib, T::name("gemm"); p(&cta), p(&ctb), p(&mi), p(&ni), p(&ki), p(&alpha), a.as_ptr() as P, p(&ldi), b.as_ptr() as P, p(&ldi), p(&beta), c.as_mut_ptr() as P, p(&ldi); 1, 1);
        out.push(("gemm C", c, k + 1));
        let hm: &[&str] = if T::IS_COMPLEX {
            &["symm", "hemm"]
        } else {
            &["symm"]
        };
        for &h in hm {
            let mut c = c0.clone();
            sub!(lib, T::name(h); p(&cs), p(&cu), p(&mi), p(&ni), p(&alpha), a.as_ptr() as P, p(&ldi), b.as_ptr() as P, p(&ldi), p(&beta), c.as_mut_ptr() as P, p(&ldi); 1, 1);
            out.push(("symm/hemm C", c, m.max(n) + 1));
        }
        // Rank-k updates: trans N or T (C for the Hermitian ones; real types take both).
        let tk = ch(rng.pick(b"NT"));
        let th = ch(rng.pick(b"NC"));
        // syrk and herk multiply A by itself: no huge A, whose products' sums could overflow
        // in one order and not in another.
        let ck = rng.pick(&[Class::Normal, Class::Tiny, Class::Special]);
        let ak: Vec<T> = matrix(&mut rng, ck, mx, mx, ld);
        let mut c = c0.clone();
        sub!(lib, T::name("syrk"); p(&cu), p(&tk), p(&ni), p(&ki), p(&alpha), ak.as_ptr() as P, p(&ldi), p(&beta), c.as_mut_ptr() as P, p(&ldi); 1, 1);
        out.push(("syrk C", c, k + 1));
        let mut c = c0.clone();
        sub!(lib, T::name("syr2k"); p(&cu), p(&tk), p(&ni), p(&ki), p(&alpha), a.as_ptr() as P, p(&ldi), b.as_ptr() as P, p(&ldi), p(&beta), c.as_mut_ptr() as P, p(&ldi); 1, 1);
        out.push(("syr2k C", c, 2 * k + 1));
        if T::IS_COMPLEX {
            // herk and her2k read a Hermitian C: its diagonal must be real unless beta = 0.
            let mut c = c0.clone();
            for j in 0..mx {
                c[j + j * ld] = T::from_real(c[j + j * ld].re());
            }
            let c1 = c.clone();
            sub!(lib, T::name("herk"); p(&cu), p(&th), p(&ni), p(&ki), p(&ra), ak.as_ptr() as P, p(&ldi), p(&rb), c.as_mut_ptr() as P, p(&ldi); 1, 1);
            out.push(("herk C", c, k + 1));
            let mut c = c1;
            sub!(lib, T::name("her2k"); p(&cu), p(&th), p(&ni), p(&ki), p(&alpha), a.as_ptr() as P, p(&ldi), b.as_ptr() as P, p(&ldi), p(&rb), c.as_mut_ptr() as P, p(&ldi); 1, 1);
            out.push(("her2k C", c, 2 * k + 1));
        }
        // trmm and trsm on a well-conditioned triangle of class `ca`, B of class `cb` (or
        // Normal, with a special triangle, so that Inf meets no Inf).
        let na = if side == b'L' { m } else { n };
        let t: Vec<T> = triangle(&mut rng, ca, na, ld, uplo == b'U');
        let cbt = if ca == Class::Normal {
            cb
        } else {
            Class::Normal
        };
        let bt: Vec<T> = matrix(&mut rng, cbt, mx, mx, ld);
        for (name, terms) in [("trmm", na + 1), ("trsm", 4 * na + 4)] {
            let mut bb = bt.clone();
            sub!(lib, T::name(name); p(&cs), p(&cu), p(&cta), p(&cd), p(&mi), p(&ni), p(&alpha), t.as_ptr() as P, p(&ldi), bb.as_mut_ptr() as P, p(&ldi); 1, 1, 1, 1);
            out.push((if name == "trmm" { "trmm B" } else { "trsm B" }, bb, terms));
        }
        (
            format!(
                "m={m} n={n} k={k} ld={ld} classes={ca:?},{cb:?} transa={} transb={} side={} uplo={} diag={} alpha={alpha} beta={beta}",
                ta as char, tb as char, side as char, uplo as char, diag as char
            ),
            out,
        )
    });
}

#[test]
fn level3_s() {
    level3::<f32>();
}
#[test]
fn level3_d() {
    level3::<f64>();
}
#[test]
fn level3_c() {
    level3::<c32>();
}
#[test]
fn level3_z() {
    level3::<c64>();
}
