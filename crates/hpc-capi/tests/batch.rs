//! `cblas_?gemm_batch_strided` through the exported symbols: against a loop of `cblas_?gemm`
//! on the same matrices (bit for bit), in both layouts, every transpose, strides with gaps and
//! a zero stride repeating A or B, NaN in C with beta = 0; against OpenBLAS 0.3.34's own
//! function where its library (PyPI `scipy-openblas32`) is installed; and the argument errors,
//! numbered in the CBLAS list.

use std::ffi::c_int;

use hpc_blas::cblas::batch::*;
use hpc_blas::cblas::level3::{cblas_dgemm, cblas_zgemm};
use hpc_blas::cblas::{COL_MAJOR, CONJ_TRANS, NO_TRANS, ROW_MAJOR, TRANS};
use hpc_core::c64;
use hpc_testing::Gen;

/// The arguments of one batched call, column- or row-major.
#[derive(Clone, Copy, Debug)]
struct Call {
    layout: c_int,
    ta: c_int,
    tb: c_int,
    m: i32,
    n: i32,
    k: i32,
    lda: i32,
    ldb: i32,
    ldc: i32,
    sa: i32,
    sb: i32,
    sc: i32,
    count: i32,
}

impl Call {
    /// Rows and columns of op's stored matrix for `trans` (`r x c` after op) in this layout's
    /// leading-dimension sense: the extent of one stored matrix.
    fn extent(&self, trans: c_int, r: i32, c: i32, ld: i32) -> usize {
        let (r, c) = if trans == NO_TRANS { (r, c) } else { (c, r) };
        // Column-major: ld per column; row-major: ld per row.
        let (lines, len) = if self.layout == COL_MAJOR {
            (c, r)
        } else {
            (r, c)
        };
        if lines == 0 || len == 0 {
            0
        } else {
            (ld * (lines - 1) + len) as usize
        }
    }

    fn len(&self, extent: usize, stride: i32) -> usize {
        extent.max(1) + stride.unsigned_abs() as usize * (self.count.max(1) as usize - 1)
    }
}

/// A leading dimension for a stored `r x c` matrix of `layout`, with `pad` to spare.
fn ld(layout: c_int, trans: c_int, r: i32, c: i32, pad: i32) -> i32 {
    let (r, c) = if trans == NO_TRANS { (r, c) } else { (c, r) };
    (if layout == COL_MAJOR { r } else { c }).max(1) + pad
}

fn calls() -> Vec<Call> {
    let mut out = Vec::new();
    let mut rng = Gen::new(7);
    for layout in [COL_MAJOR, ROW_MAJOR] {
        for ta in [NO_TRANS, TRANS, CONJ_TRANS] {
            for tb in [NO_TRANS, TRANS, CONJ_TRANS] {
                for (m, n, k, count) in [
                    (3, 4, 5, 6),
                    (1, 7, 2, 3),
                    (8, 8, 8, 40),
                    (0, 3, 2, 2),
                    (4, 3, 0, 2),
                    (2, 2, 2, 0),
                ] {
                    let pad = (rng.next_u64() % 3) as i32;
                    let (lda, ldb, ldc) = (
                        ld(layout, ta, m, k, pad),
                        ld(layout, tb, k, n, 1 - pad.min(1)),
                        ld(layout, NO_TRANS, m, n, pad),
                    );
                    let mut call = Call {
                        layout,
                        ta,
                        tb,
                        m,
                        n,
                        k,
                        lda,
                        ldb,
                        ldc,
                        sa: 0,
                        sb: 0,
                        sc: 0,
                        count,
                    };
                    let gap = (rng.next_u64() % 4) as i32;
                    call.sa = call.extent(ta, m, k, lda) as i32 + gap;
                    call.sb = call.extent(tb, k, n, ldb) as i32 + 1;
                    call.sc = call.extent(NO_TRANS, m, n, ldc) as i32 + gap;
                    // Every third call repeats one A, every fifth one B.
                    if out.len() % 3 == 0 {
                        call.sa = 0;
                    }
                    if out.len() % 5 == 0 {
                        call.sb = 0;
                    }
                    out.push(call);
                }
            }
        }
    }
    out
}

fn data(len: usize, rng: &mut Gen) -> Vec<c64> {
    (0..len)
        .map(|_| c64::new(rng.small_int(), rng.small_int()))
        .collect()
}

type Strided = unsafe extern "C" fn(
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    *const c64,
    *const c64,
    c_int,
    c_int,
    *const c64,
    c_int,
    c_int,
    *const c64,
    *mut c64,
    c_int,
    c_int,
    c_int,
);

/// One call of `f` (hpc's or another library's `zgemm_batch_strided`) on fresh copies of C.
fn run(f: Strided, call: &Call, a: &[c64], b: &[c64], c: &[c64], ab: (c64, c64)) -> Vec<c64> {
    let mut c = c.to_vec();
    // SAFETY: the buffers hold the stacks the call describes.
    unsafe {
        f(
            call.layout,
            call.ta,
            call.tb,
            call.m,
            call.n,
            call.k,
            &ab.0,
            a.as_ptr(),
            call.lda,
            call.sa,
            b.as_ptr(),
            call.ldb,
            call.sb,
            &ab.1,
            c.as_mut_ptr(),
            call.ldc,
            call.sc,
            call.count,
        )
    };
    c
}

#[test]
fn zgemm_batch_strided_matches_a_loop_of_zgemm() {
    let mut rng = Gen::new(3);
    for call in calls() {
        for (alpha, beta) in [
            (c64::new(1.0, 0.0), c64::new(0.0, 0.0)),
            (c64::new(2.0, -1.0), c64::new(-1.0, 0.5)),
        ] {
            let a = data(
                call.len(call.extent(call.ta, call.m, call.k, call.lda), call.sa),
                &mut rng,
            );
            let b = data(
                call.len(call.extent(call.tb, call.k, call.n, call.ldb), call.sb),
                &mut rng,
            );
            let mut c = data(
                call.len(call.extent(NO_TRANS, call.m, call.n, call.ldc), call.sc),
                &mut rng,
            );
            if beta == c64::new(0.0, 0.0) {
                c.fill(c64::new(f64::NAN, f64::NAN));
            }
            let got = run(cblas_zgemm_batch_strided, &call, &a, &b, &c, (alpha, beta));
            let mut want = c.clone();
            for i in 0..call.count as usize {
                let (pa, pb, pc) = (
                    i * call.sa as usize,
                    i * call.sb as usize,
                    i * call.sc as usize,
                );
                // SAFETY: matrix i of each stack lies inside its buffer.
                unsafe {
                    cblas_zgemm(
                        call.layout,
                        call.ta,
                        call.tb,
                        call.m,
                        call.n,
                        call.k,
                        &alpha,
                        a[pa..].as_ptr(),
                        call.lda,
                        b[pb..].as_ptr(),
                        call.ldb,
                        &beta,
                        want[pc..].as_mut_ptr(),
                        call.ldc,
                    )
                };
            }
            let same = |x: &c64, y: &c64| {
                x.re.to_bits() == y.re.to_bits() && x.im.to_bits() == y.im.to_bits()
            };
            assert!(
                got.iter().zip(&want).all(|(x, y)| same(x, y)),
                "{call:?}: the batch differs from the loop of zgemm"
            );
        }
    }
    // OpenBLAS 0.3.34's zgemm_batch_strided steps from one complex matrix to the next by the
    // stride in reals (half a complex stride; checked with numpy: doubled strides give the
    // right products), where MKL's and its own real ones count elements: no comparison.
    println!(
        "not compared with OpenBLAS 0.3.34's zgemm_batch_strided, which takes complex strides in reals"
    );
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

#[test]
fn dgemm_batch_strided_matches_a_loop_of_dgemm() {
    let mut rng = Gen::new(5);
    for call in calls() {
        let a: Vec<f64> = (0..call.len(call.extent(call.ta, call.m, call.k, call.lda), call.sa))
            .map(|_| rng.small_int())
            .collect();
        let b: Vec<f64> = (0..call.len(call.extent(call.tb, call.k, call.n, call.ldb), call.sb))
            .map(|_| rng.small_int())
            .collect();
        let c: Vec<f64> = (0..call.len(call.extent(NO_TRANS, call.m, call.n, call.ldc), call.sc))
            .map(|_| rng.small_int())
            .collect();
        let (mut got, mut want) = (c.clone(), c.clone());
        // SAFETY: the buffers hold the stacks the call describes.
        unsafe {
            cblas_dgemm_batch_strided(
                call.layout,
                call.ta,
                call.tb,
                call.m,
                call.n,
                call.k,
                1.5,
                a.as_ptr(),
                call.lda,
                call.sa,
                b.as_ptr(),
                call.ldb,
                call.sb,
                -0.5,
                got.as_mut_ptr(),
                call.ldc,
                call.sc,
                call.count,
            )
        };
        for i in 0..call.count as usize {
            let (pa, pb, pc) = (
                i * call.sa as usize,
                i * call.sb as usize,
                i * call.sc as usize,
            );
            // SAFETY: matrix i of each stack lies inside its buffer.
            unsafe {
                cblas_dgemm(
                    call.layout,
                    call.ta,
                    call.tb,
                    call.m,
                    call.n,
                    call.k,
                    1.5,
                    a[pa..].as_ptr(),
                    call.lda,
                    b[pb..].as_ptr(),
                    call.ldb,
                    -0.5,
                    want[pc..].as_mut_ptr(),
                    call.ldc,
                )
            };
        }
        assert_eq!(got, want, "{call:?}");
        if let Some(lib) = openblas() {
            type D = unsafe extern "C" fn(
                c_int,
                c_int,
                c_int,
                c_int,
                c_int,
                c_int,
                f64,
                *const f64,
                c_int,
                c_int,
                *const f64,
                c_int,
                c_int,
                f64,
                *mut f64,
                c_int,
                c_int,
                c_int,
            );
            // SAFETY: OpenBLAS 0.3.34's function has this signature.
            let theirs: libloading::Symbol<D> =
                unsafe { lib.get(b"scipy_cblas_dgemm_batch_strided") }.expect("0.3.34 has it");
            let mut other = c.clone();
            // SAFETY: as above.
            unsafe {
                theirs(
                    call.layout,
                    call.ta,
                    call.tb,
                    call.m,
                    call.n,
                    call.k,
                    1.5,
                    a.as_ptr(),
                    call.lda,
                    call.sa,
                    b.as_ptr(),
                    call.ldb,
                    call.sb,
                    -0.5,
                    other.as_mut_ptr(),
                    call.ldc,
                    call.sc,
                    call.count,
                )
            };
            // Small integers: every sum is exact, so the two libraries agree exactly.
            assert_eq!(
                got, other,
                "{call:?}: hpc's batch differs from OpenBLAS 0.3.34's"
            );
        }
    }
    if openblas().is_none() {
        println!(
            "OpenBLAS 0.3.34 (PyPI scipy-openblas32) not found: compared with the loop of dgemm only"
        );
    }
}

/// Each illegal argument reports its number in the CBLAS list, in both layouts (a row-major
/// call's `M`/`N`, `A`/`B`, `lda`/`ldb` and `stridea`/`strideb` as the caller wrote them), and
/// touches nothing.
#[test]
fn illegal_arguments_are_numbered_as_in_the_cblas_list() {
    use hpc_blas::xerbla::capture_reports;
    let (a, b) = ([1.0f64; 64], [1.0f64; 64]);
    let mut c = [7.0f64; 64];
    // layout, ta, tb, m, n, k, lda, sa, ldb, sb, ldc, sc, count -> the argument reported.
    type Args = [i32; 13];
    let ok: Args = [COL_MAJOR, NO_TRANS, NO_TRANS, 2, 3, 2, 2, 4, 2, 6, 2, 6, 3];
    let cases: Vec<(Args, i32)> = vec![
        ([0, ok[1], ok[2], 2, 3, 2, 2, 4, 2, 6, 2, 6, 3], 1),
        ([ok[0], 0, ok[2], 2, 3, 2, 2, 4, 2, 6, 2, 6, 3], 2),
        ([ok[0], ok[1], 0, 2, 3, 2, 2, 4, 2, 6, 2, 6, 3], 3),
        ([ok[0], ok[1], ok[2], -1, 3, 2, 2, 4, 2, 6, 2, 6, 3], 4),
        ([ok[0], ok[1], ok[2], 2, -1, 2, 2, 4, 2, 6, 2, 6, 3], 5),
        ([ok[0], ok[1], ok[2], 2, 3, -1, 2, 4, 2, 6, 2, 6, 3], 6),
        ([ok[0], ok[1], ok[2], 2, 3, 2, 1, 4, 2, 6, 2, 6, 3], 9),
        ([ok[0], ok[1], ok[2], 2, 3, 2, 2, 4, 1, 6, 2, 6, 3], 12),
        ([ok[0], ok[1], ok[2], 2, 3, 2, 2, 4, 2, 6, 1, 6, 3], 16),
        // C's matrices overlapping: a zero stride, or one shorter than a matrix.
        ([ok[0], ok[1], ok[2], 2, 3, 2, 2, 4, 2, 6, 2, 0, 3], 17),
        ([ok[0], ok[1], ok[2], 2, 3, 2, 2, 4, 2, 6, 2, 5, 3], 17),
        ([ok[0], ok[1], ok[2], 2, 3, 2, 2, 4, 2, 6, 2, 6, -1], 18),
        // Row-major: M is N of the transposed call, lda is ldb's, as netlib renumbers.
        ([ROW_MAJOR, ok[1], ok[2], -1, 3, 2, 2, 4, 3, 6, 3, 6, 3], 4),
        ([ROW_MAJOR, ok[1], ok[2], 2, 3, 2, 1, 4, 3, 6, 3, 6, 3], 9),
        ([ROW_MAJOR, ok[1], ok[2], 2, 3, 2, 2, 4, 2, 6, 3, 6, 3], 12),
        ([ROW_MAJOR, ok[1], ok[2], 2, 3, 2, 2, 4, 3, 6, 3, 5, 3], 17),
        ([COL_MAJOR, ok[1], ok[2], 2, 3, 2, 2, 4, 2, 6, 2, 6, 3], 0),
    ];
    for (args, want) in cases {
        let [l, ta, tb, m, n, k, lda, sa, ldb, sb, ldc, sc, count] = args;
        let before = c;
        let got = capture_reports(|| {
            // SAFETY: the arrays hold every legal call's stacks (at most 64 elements).
            unsafe {
                cblas_dgemm_batch_strided(
                    l,
                    ta,
                    tb,
                    m,
                    n,
                    k,
                    1.0,
                    a.as_ptr(),
                    lda,
                    sa,
                    b.as_ptr(),
                    ldb,
                    sb,
                    0.0,
                    c.as_mut_ptr(),
                    ldc,
                    sc,
                    count,
                )
            }
        });
        if want == 0 {
            assert!(got.is_empty(), "{args:?}: {got:?}");
            continue;
        }
        assert_eq!(
            got,
            vec![("cblas_dgemm_batch_strided".to_string(), want)],
            "{args:?}"
        );
        assert_eq!(c, before, "{args:?}: C changed");
    }
}
