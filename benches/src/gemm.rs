//! GEMM and Level 3 benchmarks: hpc against OpenBLAS, BLIS, MKL (through their CBLAS, loaded
//! at run time), the `gemm` crate (with its AVX-512 kernels) and `matrixmultiply`, in the same
//! run, contenders interleaved run by run so that machine drift cancels in the ratios.
//!
//! GFLOP/s = 2mnk / t for real types, 8mnk / t for complex ones (the true flops of each Level 3
//! routine for the others). Medians of several runs; nothing here is asserted.

use std::hint::black_box;

use gemm::Parallelism;
use hpc_core::{Diag, Level3, MatMut, MatRef, RealScalar, Side, Trans, Uplo, c32, c64};
use hpc_gemm::{Fast, GemmScalar, Par, gemm as hpc_gemm};

use crate::peers::{Cblas, PeerScalar};
use crate::{stats, time_per_call};

/// What to run.
pub struct Options {
    /// The smallest configuration, for the harness's own test.
    pub tiny: bool,
    pub quick: bool,
    pub full: bool,
    pub threads: usize,
    pub filter: Option<String>,
    /// `--sizes`: these GEMM shapes `(m, n, k)` instead of the default ones (square sizes and
    /// the skinny shapes).
    pub sizes: Option<Vec<(usize, usize, usize)>>,
}

/// One measured row: a case and each contender's median GFLOP/s, with every sample.
pub struct Row {
    pub what: String,
    /// `f32`, `f64`, `c32` or `c64`.
    pub dtype: &'static str,
    /// (m, n, k); for the Level 3 routines (n, n, n).
    pub dims: (usize, usize, usize),
    pub threads: usize,
    /// (contender, median GFLOP/s); hpc first.
    pub results: Vec<(String, f64)>,
    /// GFLOP/s of every run, per contender (same order as `results`).
    pub samples: Vec<Vec<f64>>,
}

impl Row {
    /// A row from each contender's seconds per call, at `flops` (or bytes) a call.
    pub(crate) fn new(
        what: String,
        dtype: &'static str,
        dims: (usize, usize, usize),
        threads: usize,
        flops: f64,
        timed: Vec<(String, Vec<f64>)>,
    ) -> Row {
        let (mut results, mut samples) = (Vec::new(), Vec::new());
        for (name, secs) in timed {
            let rates: Vec<f64> = secs.iter().map(|t| flops / t / 1e9).collect();
            results.push((name, flops / stats(secs).median / 1e9));
            samples.push(rates);
        }
        Row {
            what,
            dtype,
            dims,
            threads,
            results,
            samples,
        }
    }
}

/// A type the benchmarks run in, with its calls into the Rust peers.
pub trait BenchScalar: GemmScalar + PeerScalar {
    /// Flops per multiply-add.
    const FLOPS: f64;
    /// `f32`, `f64`, `c32`, `c64`.
    const DTYPE: &'static str;
    fn from_f64(x: f64) -> Self;
    /// `c <- a b` with the `gemm` crate (column-major, beta = 0).
    fn gemm_crate(
        m: usize,
        n: usize,
        k: usize,
        a: &[Self],
        b: &[Self],
        c: &mut [Self],
        threads: usize,
    );
    /// `c <- a b` with `matrixmultiply` (single thread).
    fn matrixmultiply(m: usize, n: usize, k: usize, a: &[Self], b: &[Self], c: &mut [Self]);
}

fn parallelism(threads: usize) -> Parallelism {
    if threads > 1 {
        Parallelism::Rayon(threads)
    } else {
        Parallelism::None
    }
}

macro_rules! bench_scalar {
    ($t:ty, $flops:expr, $from:expr, $mm_call:ident) => {
        impl BenchScalar for $t {
            const FLOPS: f64 = $flops;
            const DTYPE: &'static str = stringify!($t);
            fn from_f64(x: f64) -> Self {
                $from(x)
            }
            fn gemm_crate(
                m: usize,
                n: usize,
                k: usize,
                a: &[Self],
                b: &[Self],
                c: &mut [Self],
                threads: usize,
            ) {
                assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
                let one: $t = $from(1.0);
                let zero: $t = $from(0.0);
                // SAFETY: column-major buffers of the asserted sizes; `gemm` computes
                // dst = alpha dst + beta lhs rhs, with read_dst = false (alpha unused).
                unsafe {
                    gemm::gemm(
                        m,
                        n,
                        k,
                        c.as_mut_ptr(),
                        m as isize,
                        1,
                        false,
                        a.as_ptr(),
                        m as isize,
                        1,
                        b.as_ptr(),
                        k as isize,
                        1,
                        zero,
                        one,
                        false,
                        false,
                        false,
                        parallelism(threads),
                    )
                };
            }
            fn matrixmultiply(
                m: usize,
                n: usize,
                k: usize,
                a: &[Self],
                b: &[Self],
                c: &mut [Self],
            ) {
                assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
                // SAFETY: as above; strides in elements.
                unsafe { $mm_call(m, n, k, a, b, c) };
            }
        }
    };
}

unsafe fn mm_real_f64(m: usize, n: usize, k: usize, a: &[f64], b: &[f64], c: &mut [f64]) {
    // SAFETY: forwarded from the caller (buffer sizes checked).
    unsafe {
        matrixmultiply::dgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            1,
            m as isize,
            b.as_ptr(),
            1,
            k as isize,
            0.0,
            c.as_mut_ptr(),
            1,
            m as isize,
        )
    }
}
unsafe fn mm_real_f32(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    // SAFETY: forwarded.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            1,
            m as isize,
            b.as_ptr(),
            1,
            k as isize,
            0.0,
            c.as_mut_ptr(),
            1,
            m as isize,
        )
    }
}
unsafe fn mm_c64(m: usize, n: usize, k: usize, a: &[c64], b: &[c64], c: &mut [c64]) {
    use matrixmultiply::CGemmOption::Standard;
    // SAFETY: forwarded; num-complex's Complex<f64> has the layout of [f64; 2].
    unsafe {
        matrixmultiply::zgemm(
            Standard,
            Standard,
            m,
            k,
            n,
            [1.0, 0.0],
            a.as_ptr().cast(),
            1,
            m as isize,
            b.as_ptr().cast(),
            1,
            k as isize,
            [0.0, 0.0],
            c.as_mut_ptr().cast(),
            1,
            m as isize,
        )
    }
}
unsafe fn mm_c32(m: usize, n: usize, k: usize, a: &[c32], b: &[c32], c: &mut [c32]) {
    use matrixmultiply::CGemmOption::Standard;
    // SAFETY: as above.
    unsafe {
        matrixmultiply::cgemm(
            Standard,
            Standard,
            m,
            k,
            n,
            [1.0, 0.0],
            a.as_ptr().cast(),
            1,
            m as isize,
            b.as_ptr().cast(),
            1,
            k as isize,
            [0.0, 0.0],
            c.as_mut_ptr().cast(),
            1,
            m as isize,
        )
    }
}

bench_scalar!(f64, 2.0, |x| x, mm_real_f64);
bench_scalar!(f32, 2.0, |x: f64| x as f32, mm_real_f32);
bench_scalar!(c64, 8.0, |x| c64::new(x, 0.0), mm_c64);
bench_scalar!(c32, 8.0, |x: f64| c32::new(x as f32, 0.0), mm_c32);

fn data<T: BenchScalar>(len: usize, seed: usize) -> Vec<T> {
    (0..len)
        .map(|i| T::from_f64((((i * 31 + seed * 17) % 97) as f64) / 97.0 - 0.5))
        .collect()
}

/// A named call to time.
pub(crate) type Contender<'a> = (String, Box<dyn FnMut() + 'a>);

/// Runs the contenders interleaved `runs` times; returns (name, seconds of each run).
pub(crate) fn contest(
    runs: usize,
    target: f64,
    cs: &mut [Contender<'_>],
) -> Vec<(String, Vec<f64>)> {
    let mut samples = vec![Vec::new(); cs.len()];
    for _ in 0..runs {
        for (i, (_, f)) in cs.iter_mut().enumerate() {
            samples[i].push(time_per_call(target, &mut **f));
        }
    }
    cs.iter()
        .zip(samples)
        .map(|((name, _), s)| (name.clone(), s))
        .collect()
}

/// One GEMM case: m x n x k on `threads` threads, every contender.
fn gemm_case<T: BenchScalar>(
    peers: &[Cblas],
    opts: &Options,
    m: usize,
    n: usize,
    k: usize,
    threads: usize,
) -> Row {
    let a = data::<T>(m * k, 1);
    let b = data::<T>(k * n, 2);
    let mut c_h = vec![T::zero(); m * n];
    let mut c_peers: Vec<Vec<T>> = peers.iter().map(|_| vec![T::zero(); m * n]).collect();
    let mut c_g = vec![T::zero(); m * n];
    let mut c_mm = vec![T::zero(); m * n];
    let big = m * n * k > 1 << 30;
    let (runs, target) = if opts.tiny {
        (2, 0.001)
    } else if opts.quick {
        (3, 0.02)
    } else {
        (5, if big { 0.0 } else { 0.05 })
    };
    let par = Par::from_count(threads);
    let mut cs: Vec<Contender<'_>> = Vec::new();
    let (a_r, b_r) = (&a, &b);
    cs.push((
        "hpc".into(),
        Box::new(|| {
            hpc_gemm(
                T::one(),
                MatRef::from_col_major(a_r, m, k, m.max(1)).expect("shape"),
                MatRef::from_col_major(b_r, k, n, k.max(1)).expect("shape"),
                T::zero(),
                MatMut::from_col_major(&mut c_h, m, n, m.max(1)).expect("shape"),
                par,
            )
            .expect("valid gemm");
            black_box(&c_h);
        }),
    ));
    for (p, c) in peers.iter().zip(c_peers.iter_mut()) {
        p.set_threads(threads);
        cs.push((
            p.name.to_string(),
            Box::new(move || {
                p.set_threads(threads);
                assert!(p.gemm(m, n, k, a_r, b_r, c), "{} lacks cblas_gemm", p.name);
                black_box(&c);
            }),
        ));
    }
    cs.push((
        "gemm crate".into(),
        Box::new(|| T::gemm_crate(m, n, k, a_r, b_r, &mut c_g, threads)),
    ));
    if threads == 1 && m.max(n).max(k) <= 2048 {
        cs.push((
            "matrixmultiply".into(),
            Box::new(|| T::matrixmultiply(m, n, k, a_r, b_r, &mut c_mm)),
        ));
    }
    let medians = contest(runs, target, &mut cs);
    drop(cs);
    // Every contender computed the same product: a wrong call must not pass for a fast one.
    let tol = |x: &T, y: &T| {
        RealScalar::to_f64((*x - *y).abs1())
            <= 1e-2 * (1.0 + RealScalar::to_f64(y.abs1())) * k as f64
    };
    for (i, c) in c_peers.iter().enumerate() {
        assert!(
            c.iter().zip(&c_h).all(|(x, y)| tol(x, y)),
            "{} disagrees with hpc",
            peers[i].name
        );
    }
    assert!(
        c_g.iter().zip(&c_h).all(|(x, y)| tol(x, y)),
        "gemm crate disagrees with hpc"
    );
    let flops = T::FLOPS * (m * n * k) as f64;
    let row = Row::new(
        format!("{}gemm {m}x{n}x{k}", T::PREFIX),
        T::DTYPE,
        (m, n, k),
        threads,
        flops,
        medians,
    );
    print_row(&row);
    row
}

fn print_row(row: &Row) {
    let hpc = row.results[0].1;
    // hpc's ratio to each peer as the report gives it: the median of the ratios run by run.
    let others: Vec<String> = row.results[1..]
        .iter()
        .zip(&row.samples[1..])
        .map(|((name, g), s)| {
            let x = crate::report::paired_ratio(&row.samples[0], s).unwrap_or(hpc / g);
            format!("{name} {g:.1} ({x:.2}x)")
        })
        .collect();
    crate::progress::done(&format!(
        "  {:<26} t={}: hpc {:>7.1} GFLOP/s | {}",
        row.what,
        row.threads,
        hpc,
        others.join(" | ")
    ));
}

fn wanted(opts: &Options, name: &str) -> bool {
    opts.filter
        .as_ref()
        .is_none_or(|f| name.contains(f.as_str()))
}

/// The GEMM cases of one type: `(threads, m, n, k)`, square sizes and the three skinny shapes,
/// at one thread and at all threads.
pub fn gemm_plan(opts: &Options, prefix: char, complex: bool) -> Vec<(usize, usize, usize, usize)> {
    if !wanted(opts, &format!("{prefix}gemm")) {
        return Vec::new();
    }
    let squares: Vec<usize> = if opts.sizes.is_some() {
        Vec::new()
    } else if opts.tiny {
        vec![8, 32]
    } else if opts.quick {
        vec![8, 64, 512]
    } else if opts.full {
        vec![4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
    } else if complex {
        vec![16, 64, 256, 1024]
    } else {
        vec![4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]
    };
    let skinny = !opts.quick && !opts.tiny && opts.sizes.is_none() && (!complex || opts.full);
    let mut plan = Vec::new();
    let mut thread_counts = vec![1];
    if opts.threads > 1 {
        thread_counts.push(opts.threads);
    }
    for threads in thread_counts {
        for &n in &squares {
            plan.push((threads, n, n, n));
        }
        for &(m, n, k) in opts.sizes.iter().flatten() {
            plan.push((threads, m, n, k));
        }
        if skinny {
            for (m, n, k) in [(4096, 4096, 64), (64, 4096, 4096), (4096, 64, 4096)] {
                plan.push((threads, m, n, k));
            }
        }
    }
    plan
}

/// The GEMM table of one type (the cases of [`gemm_plan`]).
pub fn gemm_rows<T: BenchScalar>(peers: &[Cblas], opts: &Options) -> Vec<Row> {
    let plan = gemm_plan(opts, T::PREFIX, T::IS_COMPLEX);
    if !plan.is_empty() {
        crate::progress::say(&format!("{}gemm:", T::PREFIX));
    }
    plan.into_iter()
        .map(|(threads, m, n, k)| {
            crate::progress::doing(&format!("{}gemm {m}x{n}x{k} t={threads}", T::PREFIX));
            gemm_case::<T>(peers, opts, m, n, k, threads)
        })
        .collect()
}

/// The number of Level 3 cases [`level3_rows`] runs.
pub fn level3_plan_len(opts: &Options) -> usize {
    if !wanted(opts, "level3") || opts.tiny {
        return 0;
    }
    5 * if opts.threads > 1 { 2 } else { 1 }
}

/// Level 3 routines at order n (f64): hpc's `Fast` against the peers' CBLAS, and hpc's GEMM of
/// the same order for the "fraction of GEMM speed" ratio.
pub fn level3_rows(peers: &[Cblas], opts: &Options) -> Vec<Row> {
    if level3_plan_len(opts) == 0 {
        return Vec::new();
    }
    let n = if opts.quick { 512 } else { 2048 };
    let (runs, target) = if opts.quick { (3, 0.02) } else { (5, 0.0) };
    let mut rows = Vec::new();
    crate::progress::say(&format!("Level 3 (f64), n = {n}:"));
    // A well-conditioned lower triangle (diagonal 2..3, small off-diagonal) for trsm.
    let a: Vec<f64> = (0..n * n)
        .map(|i| {
            let (r, c) = (i % n, i / n);
            if r == c {
                2.0 + (r % 7) as f64 / 7.0
            } else {
                ((i * 31 % 97) as f64 / 97.0 - 0.5) / n as f64
            }
        })
        .collect();
    let b0 = data::<f64>(n * n, 3);
    for threads in [1, opts.threads] {
        let fast = Fast::new(Par::from_count(threads));
        for routine in ["dgemm", "dsyrk", "dtrsm", "dtrmm", "dsymm"] {
            crate::progress::doing(&format!("{routine} n={n} t={threads}"));
            let flops = match routine {
                "dgemm" | "dsymm" => 2.0 * (n * n * n) as f64,
                "dsyrk" => (n * (n + 1) * n) as f64,
                _ => (n * n * n) as f64,
            };
            let mut bufs: Vec<Vec<f64>> = (0..=peers.len()).map(|_| b0.clone()).collect();
            let mut cs: Vec<Contender<'_>> = Vec::new();
            let (a_r, b_r) = (&a, &b0);
            let mut it = bufs.iter_mut();
            let hb = it.next().expect("one buffer per contender");
            cs.push((
                "hpc".into(),
                Box::new(move || {
                    let av = MatRef::from_col_major(a_r, n, n, n).expect("shape");
                    let bv = MatRef::from_col_major(b_r, n, n, n).expect("shape");
                    let out = MatMut::from_col_major(hb, n, n, n).expect("shape");
                    match routine {
                        "dgemm" => fast.gemm(Trans::No, Trans::No, 1.0, av, bv, 0.0, out),
                        "dsyrk" => fast.syrk(Uplo::Lower, Trans::No, 1.0, bv, 0.0, out),
                        "dtrsm" => fast.trsm(
                            Side::Left,
                            Uplo::Lower,
                            Trans::No,
                            Diag::NonUnit,
                            1.0,
                            av,
                            out,
                        ),
                        "dtrmm" => fast.trmm(
                            Side::Left,
                            Uplo::Lower,
                            Trans::No,
                            Diag::NonUnit,
                            1.0,
                            av,
                            out,
                        ),
                        _ => fast.symm(Side::Left, Uplo::Upper, 1.0, av, bv, 0.0, out),
                    }
                    .expect("valid call");
                }),
            ));
            for (p, buf) in peers.iter().zip(it) {
                cs.push((
                    p.name.to_string(),
                    Box::new(move || {
                        p.set_threads(threads);
                        let ok = match routine {
                            "dgemm" => p.gemm(n, n, n, a_r, b_r, buf),
                            "dsyrk" => p.dsyrk(n, b_r, buf),
                            "dtrsm" => p.dtrxm(true, n, a_r, buf),
                            "dtrmm" => p.dtrxm(false, n, a_r, buf),
                            _ => p.dsymm(n, a_r, b_r, buf),
                        };
                        assert!(ok, "{} lacks {routine}", p.name);
                    }),
                ));
            }
            // trsm and trmm work in place: each call starts from the previous result, which
            // keeps the values bounded (trsm divides by at least 2, trmm multiplies by about 2.5
            // per call: rescaled by the harness's few calls, no overflow at these counts).
            let medians = contest(runs, target, &mut cs);
            let row = Row::new(
                format!("{routine} n={n}"),
                "f64",
                (n, n, n),
                threads,
                flops,
                medians,
            );
            print_row(&row);
            rows.push(row);
        }
        if opts.threads == 1 {
            break;
        }
    }
    rows
}
