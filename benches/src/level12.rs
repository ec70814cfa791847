//! Level 1 and 2 (f64; outside `--quick` also f32, c64 and c32): hpc's `Fast` against
//! the peers' CBLAS, on one thread and on all, with the operands in cache and streamed from
//! memory; GB/s of compulsory memory traffic (each operand read once, each output written
//! once). A memory-bound case is also reported as a
//! share of the bandwidth `peak::stream` measures in the same run.

use hpc_core::{Level1, Level2, MatMut, MatRef, Trans, VecMut, VecRef};
use hpc_gemm::{Fast, Par};

use hpc_core::{c32, c64};

use crate::gemm::{BenchScalar, Contender, Options, Row, contest};
use crate::peers::Cblas;

/// (vector lengths, matrix orders), each list in cache first, then from memory.
fn sizes(opts: &Options) -> (&'static [usize], &'static [usize]) {
    if opts.tiny {
        (&[1_000], &[64])
    } else {
        // The vectors from memory grow to `MEMORY_BYTES`.
        (&[20_000, 4_000_000], &[256, 4096])
    }
}

/// The least bytes of a vector streamed from memory.
const MEMORY_BYTES: usize = 64 << 20;

fn thread_counts(opts: &Options) -> Vec<usize> {
    let mut t = vec![1];
    if opts.threads > 1 {
        t.push(opts.threads);
    }
    t
}

fn wanted(opts: &Options, section: &str) -> bool {
    opts.filter
        .as_ref()
        .is_none_or(|f| section.contains(f.as_str()))
}

/// The number of cases [`level12_rows`] runs.
pub fn plan_len(opts: &Options) -> usize {
    let (l1, l2) = sizes(opts);
    let per = |section, sizes: &[usize]| {
        if wanted(opts, section) {
            3 * sizes.len()
        } else {
            0
        }
    };
    let types = if opts.quick { 1 } else { 4 };
    types * thread_counts(opts).len() * (per("level1", l1) + per("level2", l2))
}

fn data<T: BenchScalar>(len: usize, seed: usize) -> Vec<T> {
    (0..len)
        .map(|i| T::from_f64((((i * 31 + seed * 17) % 97) as f64) / 97.0 - 0.5))
        .collect()
}

/// The Level 1 and 2 rows of every type, each with its section and, when memory-bound, the
/// bandwidth it is measured against.
pub fn level12_rows(
    peers: &[Cblas],
    opts: &Options,
) -> Vec<(Row, &'static str, Option<&'static str>)> {
    let mut rows = Vec::new();
    rows.extend(rows_of::<f64>(peers, opts));
    if !opts.quick {
        rows.extend(rows_of::<f32>(peers, opts));
        rows.extend(rows_of::<c64>(peers, opts));
        rows.extend(rows_of::<c32>(peers, opts));
    }
    rows
}

/// The BLAS names of the routines for `T`: dot (complex: dotc), axpy, nrm2, gemv, ger
/// (complex: geru).
fn names<T: BenchScalar>() -> [&'static str; 5] {
    match T::DTYPE {
        "f32" => ["sdot", "saxpy", "snrm2", "sgemv", "sger"],
        "f64" => ["ddot", "daxpy", "dnrm2", "dgemv", "dger"],
        "c32" => ["cdotc", "caxpy", "scnrm2", "cgemv", "cgeru"],
        _ => ["zdotc", "zaxpy", "dznrm2", "zgemv", "zgeru"],
    }
}

fn rows_of<T: BenchScalar>(
    peers: &[Cblas],
    opts: &Options,
) -> Vec<(Row, &'static str, Option<&'static str>)> {
    let (runs, target) = if opts.tiny {
        (2, 0.001)
    } else if opts.quick {
        (3, 0.02)
    } else {
        (5, 0.05)
    };
    let [dot, axpy, nrm2, gemv, ger] = names::<T>();
    let word = size_of::<T>() as f64;
    let small = T::from_f64(1e-9);
    let (l1, l2) = sizes(opts);
    let mut rows = Vec::new();
    for threads in thread_counts(opts) {
        let fast = Fast::new(Par::from_count(threads));
        if wanted(opts, "level1") {
            crate::progress::say(&format!("Level 1 ({}), {threads} thread(s):", T::DTYPE));
            for (k, &n) in l1.iter().enumerate() {
                let memory = k + 1 == l1.len() && l1.len() > 1;
                // From memory: at least 64 MiB a vector, twice a 32 MiB L3.
                let n = if memory {
                    n.max(MEMORY_BYTES / size_of::<T>())
                } else {
                    n
                };
                let x = data::<T>(n, 1);
                for (routine, bw) in [(dot, "read"), (axpy, "update"), (nrm2, "read")] {
                    crate::progress::doing(&format!("{routine} n={n} t={threads}"));
                    let mut ys: Vec<Vec<T>> = (0..=peers.len()).map(|_| data(n, 2)).collect();
                    let mut cs: Vec<Contender<'_>> = Vec::new();
                    let xr = &x;
                    let mut it = ys.iter_mut();
                    let hy = it.next().expect("a buffer per contender");
                    cs.push((
                        "hpc".into(),
                        Box::new(move || {
                            if routine == dot {
                                let d = fast.dotc(VecRef::from_slice(xr), VecRef::from_slice(hy));
                                std::hint::black_box(d.expect("same lengths"));
                            } else if routine == axpy {
                                fast.axpy(small, VecRef::from_slice(xr), VecMut::from_slice(hy))
                                    .expect("same lengths");
                            } else {
                                std::hint::black_box(fast.nrm2(VecRef::from_slice(xr)));
                            }
                        }),
                    ));
                    for (p, y) in peers.iter().zip(it) {
                        cs.push((
                            p.name.to_string(),
                            Box::new(move || {
                                p.set_threads(threads);
                                let ok = if routine == dot {
                                    std::hint::black_box(p.dot(xr, y)).is_some()
                                } else if routine == axpy {
                                    p.axpy(small, xr, y)
                                } else {
                                    std::hint::black_box(p.nrm2(xr)).is_some()
                                };
                                assert!(ok, "{} lacks {routine}", p.name);
                            }),
                        ));
                    }
                    let streams = if routine == dot {
                        2.0
                    } else if routine == axpy {
                        3.0
                    } else {
                        1.0
                    };
                    let row = Row::new(
                        format!("{routine} n={n}"),
                        T::DTYPE,
                        (n, 1, 1),
                        threads,
                        streams * word * n as f64,
                        contest(runs, target, &mut cs),
                    );
                    print_row(&row);
                    rows.push((row, "level1", memory.then_some(bw)));
                }
            }
        }
        if wanted(opts, "level2") {
            crate::progress::say(&format!("Level 2 ({}), {threads} thread(s):", T::DTYPE));
            for (k, &n) in l2.iter().enumerate() {
                let memory = k + 1 == l2.len() && l2.len() > 1;
                let a0 = data::<T>(n * n, 3);
                let x = data::<T>(n, 4);
                for (routine, trans, bw) in [
                    (gemv, false, "read"),
                    (gemv, true, "read"),
                    (ger, false, "update"),
                ] {
                    let label = if routine == ger {
                        routine.to_string()
                    } else {
                        format!("{routine} {}", if trans { "T" } else { "N" })
                    };
                    crate::progress::doing(&format!("{label} n={n} t={threads}"));
                    // gemv writes y; ger updates A (by 1e-12 x y^T a call: it stays bounded).
                    let is_ger = routine == ger;
                    let mut bufs: Vec<(Vec<T>, Vec<T>)> = (0..=peers.len())
                        .map(|_| (if is_ger { a0.clone() } else { Vec::new() }, data(n, 5)))
                        .collect();
                    let mut cs: Vec<Contender<'_>> = Vec::new();
                    let (ar, xr) = (&a0, &x);
                    let tiny = T::from_f64(1e-12);
                    let mut it = bufs.iter_mut();
                    let (ha, hy) = it.next().expect("a buffer per contender");
                    cs.push((
                        "hpc".into(),
                        Box::new(move || {
                            if is_ger {
                                fast.geru(
                                    tiny,
                                    VecRef::from_slice(xr),
                                    VecRef::from_slice(hy),
                                    MatMut::from_col_major(ha, n, n, n).expect("shape"),
                                )
                            } else {
                                fast.gemv(
                                    if trans { Trans::Trans } else { Trans::No },
                                    T::one(),
                                    MatRef::from_col_major(ar, n, n, n).expect("shape"),
                                    VecRef::from_slice(xr),
                                    T::zero(),
                                    VecMut::from_slice(hy),
                                )
                            }
                            .expect("valid call");
                        }),
                    ));
                    for (p, (a, y)) in peers.iter().zip(it) {
                        cs.push((
                            p.name.to_string(),
                            Box::new(move || {
                                p.set_threads(threads);
                                let ok = if is_ger {
                                    p.ger(tiny, n, xr, y, a)
                                } else {
                                    p.gemv(trans, n, ar, xr, y)
                                };
                                assert!(ok, "{} lacks {routine}", p.name);
                            }),
                        ));
                    }
                    let per_element = if is_ger { 2.0 } else { 1.0 } * word;
                    let row = Row::new(
                        format!("{label} n={n}"),
                        T::DTYPE,
                        (n, n, 1),
                        threads,
                        per_element * (n * n) as f64,
                        contest(runs, target, &mut cs),
                    );
                    print_row(&row);
                    rows.push((row, "level2", memory.then_some(bw)));
                }
            }
        }
    }
    rows
}

fn print_row(row: &Row) {
    let hpc = row.results[0].1;
    let others: Vec<String> = row.results[1..]
        .iter()
        .map(|(name, g)| format!("{name} {g:.1} ({:.2}x)", hpc / g))
        .collect();
    crate::progress::done(&format!(
        "  {:<22} t={}: hpc {:>6.1} GB/s | {}",
        row.what,
        row.threads,
        hpc,
        others.join(" | ")
    ));
}
