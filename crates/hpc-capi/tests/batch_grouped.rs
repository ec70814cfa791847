//! `cblas_?gemm_batch` (groups of products given by arrays of pointers) through the exported
//! symbols: against a loop of `cblas_?gemm` on the same matrices (bit for bit) in both layouts,
//! groups with their own transposes, sizes, leading dimensions and scalars (beta = 0 over NaN
//! in C, empty groups, zero sizes); against OpenBLAS 0.3.34's own function where its library
//! (PyPI `scipy-openblas32`) is installed; and the argument errors, numbered in the CBLAS list.

use std::ffi::c_int;

use hpc_blas::cblas::batch::{cblas_dgemm_batch, cblas_zgemm_batch};
use hpc_blas::cblas::level3::{cblas_dgemm, cblas_zgemm};
use hpc_blas::cblas::{COL_MAJOR, CONJ_TRANS, NO_TRANS, ROW_MAJOR, TRANS};
use hpc_core::c64;
use hpc_testing::Gen;

/// `cblas_?gemm_batch`'s signature, for hpc's and OpenBLAS's.
type Grouped<T> = unsafe extern "C" fn(
    c_int,
    *const c_int,
    *const c_int,
    *const c_int,
    *const c_int,
    *const c_int,
    *const T,
    *const *const T,
    *const c_int,
    *const *const T,
    *const c_int,
    *const T,
    *const *mut T,
    *const c_int,
    c_int,
    *const c_int,
);

/// An element type: random values, bitwise equality, and its single GEMM.
trait Elem: Copy + std::fmt::Debug {
    const NAN: Self;
    const OPENBLAS: &'static [u8];
    fn draw(rng: &mut Gen) -> Self;
    fn same(self, other: Self) -> bool;
    /// Equal values (`0.0 == -0.0`).
    fn equal(self, other: Self) -> bool;
    /// `cblas_?gemm` on one product.
    ///
    /// # Safety
    /// The pointers hold the matrices the arguments describe.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm(
        l: c_int,
        t: (c_int, c_int),
        mnk: (i32, i32, i32),
        ab: (Self, Self),
        a: (*const Self, i32),
        b: (*const Self, i32),
        c: (*mut Self, i32),
    );
    fn batch() -> Grouped<Self>;
}

impl Elem for f64 {
    const NAN: f64 = f64::NAN;
    const OPENBLAS: &'static [u8] = b"scipy_cblas_dgemm_batch";
    fn draw(rng: &mut Gen) -> f64 {
        rng.small_int()
    }
    fn same(self, o: f64) -> bool {
        self.to_bits() == o.to_bits()
    }
    fn equal(self, o: f64) -> bool {
        self == o || self.same(o)
    }
    unsafe fn gemm(
        l: c_int,
        t: (c_int, c_int),
        (m, n, k): (i32, i32, i32),
        ab: (f64, f64),
        a: (*const f64, i32),
        b: (*const f64, i32),
        c: (*mut f64, i32),
    ) {
        // SAFETY: forwarded.
        unsafe {
            cblas_dgemm(
                l, t.0, t.1, m, n, k, ab.0, a.0, a.1, b.0, b.1, ab.1, c.0, c.1,
            )
        }
    }
    fn batch() -> Grouped<f64> {
        cblas_dgemm_batch
    }
}

impl Elem for c64 {
    const NAN: c64 = c64::new(f64::NAN, f64::NAN);
    const OPENBLAS: &'static [u8] = b"scipy_cblas_zgemm_batch";
    fn draw(rng: &mut Gen) -> c64 {
        c64::new(rng.small_int(), rng.small_int())
    }
    fn same(self, o: c64) -> bool {
        self.re.to_bits() == o.re.to_bits() && self.im.to_bits() == o.im.to_bits()
    }
    fn equal(self, o: c64) -> bool {
        self == o || self.same(o)
    }
    unsafe fn gemm(
        l: c_int,
        t: (c_int, c_int),
        (m, n, k): (i32, i32, i32),
        ab: (c64, c64),
        a: (*const c64, i32),
        b: (*const c64, i32),
        c: (*mut c64, i32),
    ) {
        // SAFETY: forwarded.
        unsafe {
            cblas_zgemm(
                l, t.0, t.1, m, n, k, &ab.0, a.0, a.1, b.0, b.1, &ab.1, c.0, c.1,
            )
        }
    }
    fn batch() -> Grouped<c64> {
        cblas_zgemm_batch
    }
}

/// One group's arguments.
#[derive(Clone, Copy, Debug)]
struct Group<T> {
    t: (c_int, c_int),
    mnk: (i32, i32, i32),
    ld: (i32, i32, i32),
    ab: (T, T),
    size: i32,
}

/// The stored extent of an `r x c` matrix (after `trans`) with leading dimension `ld`.
fn extent(layout: c_int, trans: c_int, r: i32, c: i32, ld: i32) -> usize {
    let (r, c) = if trans == NO_TRANS { (r, c) } else { (c, r) };
    let (lines, len) = if layout == COL_MAJOR { (c, r) } else { (r, c) };
    if lines == 0 || len == 0 {
        1
    } else {
        (ld * (lines - 1) + len) as usize
    }
}

/// The leading dimension of a stored `r x c` matrix (after `trans`), with `pad` to spare.
fn ld(layout: c_int, trans: c_int, r: i32, c: i32, pad: i32) -> i32 {
    let (r, c) = if trans == NO_TRANS { (r, c) } else { (c, r) };
    (if layout == COL_MAJOR { r } else { c }).max(1) + pad
}

fn groups<T: Elem>(layout: c_int, rng: &mut Gen) -> Vec<Group<T>> {
    let t = [NO_TRANS, TRANS, CONJ_TRANS];
    let mut out = Vec::new();
    for g in 0..7 {
        let mut pick = |n: u64| (rng.next_u64() % n) as i32;
        let (ta, tb) = (t[pick(3) as usize], t[pick(3) as usize]);
        let (m, n, k) = if g == 6 {
            (40, 33, 50)
        } else {
            (pick(9), pick(9), pick(9))
        };
        let pad = pick(3);
        let size = if g == 3 { 0 } else { 1 + pick(12) };
        let zero_beta = g % 3 == 0;
        let ab = (
            T::draw(rng),
            if zero_beta {
                T::draw(&mut Gen::new(0))
            } else {
                T::draw(rng)
            },
        );
        let ld = (
            ld(layout, ta, m, k, pad),
            ld(layout, tb, k, n, 0),
            ld(layout, NO_TRANS, m, n, pad),
        );
        out.push(Group {
            t: (ta, tb),
            mnk: (m, n, k),
            ld,
            ab,
            size,
        });
    }
    out
}

/// Runs `f` on `groups`, every matrix in its own buffer (`a`, `b`, `c`, one a product in
/// group order); returns the C buffers.
fn call<T: Elem>(
    f: Grouped<T>,
    layout: c_int,
    groups: &[Group<T>],
    a: &[Vec<T>],
    b: &[Vec<T>],
    c: &[Vec<T>],
) -> Vec<Vec<T>> {
    let mut c = c.to_vec();
    let field = |f: fn(&Group<T>) -> i32| groups.iter().map(f).collect::<Vec<_>>();
    let (ta, tb) = (field(|g| g.t.0), field(|g| g.t.1));
    let (m, n, k) = (field(|g| g.mnk.0), field(|g| g.mnk.1), field(|g| g.mnk.2));
    let (lda, ldb, ldc) = (field(|g| g.ld.0), field(|g| g.ld.1), field(|g| g.ld.2));
    let size = field(|g| g.size);
    let alpha: Vec<T> = groups.iter().map(|g| g.ab.0).collect();
    let beta: Vec<T> = groups.iter().map(|g| g.ab.1).collect();
    let pa: Vec<*const T> = a.iter().map(|v| v.as_ptr()).collect();
    let pb: Vec<*const T> = b.iter().map(|v| v.as_ptr()).collect();
    let pc: Vec<*mut T> = c.iter_mut().map(|v| v.as_mut_ptr()).collect();
    // SAFETY: every array holds what the groups describe.
    unsafe {
        f(
            layout,
            ta.as_ptr(),
            tb.as_ptr(),
            m.as_ptr(),
            n.as_ptr(),
            k.as_ptr(),
            alpha.as_ptr(),
            pa.as_ptr(),
            lda.as_ptr(),
            pb.as_ptr(),
            ldb.as_ptr(),
            beta.as_ptr(),
            pc.as_ptr(),
            ldc.as_ptr(),
            groups.len() as c_int,
            size.as_ptr(),
        )
    };
    c
}

/// OpenBLAS 0.3.34's library from Python's site-packages, if `scipy-openblas32` is installed.
fn openblas() -> Option<&'static libloading::Library> {
    static LIB: std::sync::OnceLock<Option<libloading::Library>> = std::sync::OnceLock::new();
    LIB.get_or_init(|| {
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import scipy_openblas32, os; print(os.path.dirname(scipy_openblas32.__file__))",
            ])
            .output()
            .ok()?;
        let dir = String::from_utf8(out.stdout).ok()?;
        let path = std::path::Path::new(dir.trim()).join("lib/libscipy_openblas.so");
        // SAFETY: loading OpenBLAS runs its initialisers only.
        unsafe { libloading::Library::new(path) }.ok()
    })
    .as_ref()
}

fn check<T: Elem>(seed: u64) {
    let mut rng = Gen::new(seed);
    for layout in [COL_MAJOR, ROW_MAJOR] {
        let groups = groups::<T>(layout, &mut rng);
        let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
        for g in &groups {
            let (m, n, k) = g.mnk;
            for _ in 0..g.size {
                let mut draw = |len: usize| (0..len).map(|_| T::draw(&mut rng)).collect::<Vec<T>>();
                a.push(draw(extent(layout, g.t.0, m, k, g.ld.0)));
                b.push(draw(extent(layout, g.t.1, k, n, g.ld.1)));
                let mut cv = draw(extent(layout, NO_TRANS, m, n, g.ld.2));
                if g.ab.1.same(T::draw(&mut Gen::new(0))) {
                    cv.fill(T::NAN);
                }
                c.push(cv);
            }
        }
        let got = call(T::batch(), layout, &groups, &a, &b, &c);
        let mut want = c.clone();
        let mut i = 0;
        for g in &groups {
            for _ in 0..g.size {
                // SAFETY: the buffers hold the product's matrices.
                unsafe {
                    T::gemm(
                        layout,
                        g.t,
                        g.mnk,
                        g.ab,
                        (a[i].as_ptr(), g.ld.0),
                        (b[i].as_ptr(), g.ld.1),
                        (want[i].as_mut_ptr(), g.ld.2),
                    )
                };
                i += 1;
            }
        }
        for (i, (x, y)) in got.iter().zip(&want).enumerate() {
            assert!(
                x.iter().zip(y).all(|(x, y)| x.same(*y)),
                "layout {layout}, product {i}: the batch differs from the loop of single calls; {groups:?}"
            );
        }
        if let Some(lib) = openblas() {
            // SAFETY: OpenBLAS 0.3.34's function has this signature.
            let theirs: libloading::Symbol<Grouped<T>> =
                unsafe { lib.get(T::OPENBLAS) }.expect("0.3.34 has it");
            let other = call(*theirs, layout, &groups, &a, &b, &c);
            // Small integers: every sum is exact, so the libraries agree exactly, up to the sign
            // of a zero (OpenBLAS adds in another order).
            for (i, (x, y)) in got.iter().zip(&other).enumerate() {
                assert!(
                    x.iter().zip(y).all(|(x, y)| x.equal(*y)),
                    "layout {layout}, product {i}: hpc's batch differs from OpenBLAS 0.3.34's"
                );
            }
        }
    }
}

#[test]
fn dgemm_batch_matches_single_calls_and_openblas() {
    for seed in 0..6 {
        check::<f64>(seed);
    }
    if openblas().is_none() {
        println!(
            "OpenBLAS 0.3.34 (PyPI scipy-openblas32) not found: compared with the loop of dgemm only"
        );
    }
}

#[test]
fn zgemm_batch_matches_single_calls_and_openblas() {
    for seed in 0..6 {
        check::<c64>(seed);
    }
}

/// Each illegal argument reports its number in the CBLAS list, in both layouts, and touches
/// nothing; C matrices whose memory overlaps are refused as argument 13.
#[test]
fn illegal_arguments_are_numbered_as_in_the_cblas_list() {
    use hpc_blas::xerbla::capture_reports;
    let buf = [1.0f64; 64];
    let mut out = [7.0f64; 64];
    // Two groups: (2 x 3 x 2, two products) and one product of (the group's) sizes.
    // [layout, ta0, m0, n1, k0, lda0, ldb1, ldc0, size1, group_count, c1 offset] -> reported.
    type Args = [i32; 11];
    let ok: Args = [COL_MAJOR, NO_TRANS, 2, 3, 2, 2, 2, 2, 1, 2, 12];
    let with = |i: usize, v: i32| {
        let mut a = ok;
        a[i] = v;
        a
    };
    let mut row = with(0, ROW_MAJOR);
    row[5] = 2; // lda of a row-major 2 x 2 A
    row[7] = 3; // ldc of a row-major 2 x 3 C
    let cases: Vec<(Args, i32)> = vec![
        (with(0, 0), 1),
        (with(1, 7), 2),
        (with(2, -1), 4),
        (with(3, -1), 5),
        (with(4, -1), 6),
        (with(5, 1), 9),
        (with(6, 1), 11),
        (with(7, 1), 14),
        (with(8, -1), 16),
        (with(9, -1), 15),
        // Product 1 of group 0 at offset 6: C of product 0 spans elements 0..6; the third C
        // starts inside the second.
        (with(10, 8), 13),
        (ok, 0),
        (row, 0),
        // Row-major: M is N of the transposed call, as netlib renumbers.
        (
            {
                let mut r = row;
                r[2] = -1;
                r
            },
            4,
        ),
        (
            {
                let mut r = row;
                r[5] = 1;
                r
            },
            9,
        ),
    ];
    for (args, want) in cases {
        let [layout, ta0, m0, n1, k0, lda0, ldb1, ldc0, size1, count, c1] = args;
        let ta = [ta0, NO_TRANS];
        let tb = [NO_TRANS, NO_TRANS];
        let (m, n, k) = ([m0, 2], [3, n1], [k0, 2]);
        let lda = [lda0, 2];
        let ldb = [
            if layout == COL_MAJOR { 2 } else { 3 },
            ldb1.max(if layout == COL_MAJOR { 2 } else { n1.max(1) }),
        ];
        let ldb = if args[6] == 1 { [ldb[0], 1] } else { ldb };
        let ldc = [ldc0, if layout == COL_MAJOR { 2 } else { n1.max(1) }];
        let size = [2, size1];
        let (alpha, beta) = ([1.0, 1.0], [0.0, 0.0]);
        let p = buf.as_ptr();
        let pa = [p, p, p];
        let pb = pa;
        let o = out.as_mut_ptr();
        let pc = [o, o.wrapping_add(6), o.wrapping_add(c1 as usize)];
        let before = out;
        let got = capture_reports(|| {
            // SAFETY: the arrays hold every legal call's matrices (at most 64 elements).
            unsafe {
                cblas_dgemm_batch(
                    layout,
                    ta.as_ptr(),
                    tb.as_ptr(),
                    m.as_ptr(),
                    n.as_ptr(),
                    k.as_ptr(),
                    alpha.as_ptr(),
                    pa.as_ptr(),
                    lda.as_ptr(),
                    pb.as_ptr(),
                    ldb.as_ptr(),
                    beta.as_ptr(),
                    pc.as_ptr(),
                    ldc.as_ptr(),
                    count,
                    size.as_ptr(),
                )
            }
        });
        if want == 0 {
            assert!(got.is_empty(), "{args:?}: {got:?}");
            assert_ne!(out, before, "{args:?}: nothing was computed");
            out = before;
            continue;
        }
        assert_eq!(
            got,
            vec![("cblas_dgemm_batch".to_string(), want)],
            "{args:?}"
        );
        assert_eq!(out, before, "{args:?}: C changed");
    }
}
