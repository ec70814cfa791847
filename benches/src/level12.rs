//! Level 1 and 2 (f64): hpc's `Fast` against the peers' CBLAS, on one thread and on all, with
//! the operands in cache and streamed from memory; GB/s of compulsory memory traffic (each
//! operand read once, each output written once). A memory-bound case is also reported as a
//! share of the bandwidth `peak::stream` measures in the same run.

use hpc_core::{Level1, Level2, MatMut, MatRef, Trans, VecMut, VecRef};
use hpc_gemm::{Fast, Par};

use crate::gemm::{Contender, Options, Row, contest};
use crate::peers::Cblas;

/// The routines, each with the bandwidth its memory-bound case is measured against.
const LEVEL1: [(&str, &str); 3] = [("ddot", "read"), ("daxpy", "triad"), ("dnrm2", "read")];
const LEVEL2: [(&str, &str); 3] = [("dgemv N", "read"), ("dgemv T", "read"), ("dger", "triad")];

/// (vector lengths, matrix orders), each list in cache first, then from memory.
fn sizes(opts: &Options) -> (&'static [usize], &'static [usize]) {
    if opts.tiny {
        (&[1_000], &[64])
    } else {
        (&[20_000, 4_000_000], &[256, 4096])
    }
}

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
    let per = |section, sizes: &[usize], n| {
        if wanted(opts, section) {
            sizes.len() * n
        } else {
            0
        }
    };
    thread_counts(opts).len() * (per("level1", l1, LEVEL1.len()) + per("level2", l2, LEVEL2.len()))
}

fn data(len: usize, seed: usize) -> Vec<f64> {
    (0..len)
        .map(|i| (((i * 31 + seed * 17) % 97) as f64) / 97.0 - 0.5)
        .collect()
}

/// The Level 1 and 2 rows, each with its section and, when memory-bound, the bandwidth it is
/// measured against.
pub fn level12_rows(
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
    let (l1, l2) = sizes(opts);
    let mut rows = Vec::new();
    for threads in thread_counts(opts) {
        let fast = Fast::new(Par::from_count(threads));
        if wanted(opts, "level1") {
            crate::progress::say(&format!("Level 1 (f64), {threads} thread(s):"));
            for (k, &n) in l1.iter().enumerate() {
                let memory = k + 1 == l1.len() && l1.len() > 1;
                let x = data(n, 1);
                for (routine, bw) in LEVEL1 {
                    crate::progress::doing(&format!("{routine} n={n} t={threads}"));
                    let mut ys: Vec<Vec<f64>> = (0..=peers.len()).map(|_| data(n, 2)).collect();
                    let mut cs: Vec<Contender<'_>> = Vec::new();
                    let xr = &x;
                    let mut it = ys.iter_mut();
                    let hy = it.next().expect("a buffer per contender");
                    cs.push((
                        "hpc".into(),
                        Box::new(move || match routine {
                            "ddot" => {
                                let d = fast.dotu(VecRef::from_slice(xr), VecRef::from_slice(hy));
                                std::hint::black_box(d.expect("same lengths"));
                            }
                            "daxpy" => fast
                                .axpy(1e-9, VecRef::from_slice(xr), VecMut::from_slice(hy))
                                .expect("same lengths"),
                            _ => {
                                std::hint::black_box(fast.nrm2(VecRef::from_slice(xr)));
                            }
                        }),
                    ));
                    for (p, y) in peers.iter().zip(it) {
                        cs.push((
                            p.name.to_string(),
                            Box::new(move || {
                                p.set_threads(threads);
                                let ok = match routine {
                                    "ddot" => std::hint::black_box(p.ddot(xr, y)).is_some(),
                                    "daxpy" => p.daxpy(1e-9, xr, y),
                                    _ => std::hint::black_box(p.dnrm2(xr)).is_some(),
                                };
                                assert!(ok, "{} lacks {routine}", p.name);
                            }),
                        ));
                    }
                    let bytes = 8.0
                        * n as f64
                        * if routine == "ddot" {
                            2.0
                        } else if routine == "daxpy" {
                            3.0
                        } else {
                            1.0
                        };
                    let row = Row::new(
                        format!("{routine} n={n}"),
                        "f64",
                        (n, 1, 1),
                        threads,
                        bytes,
                        contest(runs, target, &mut cs),
                    );
                    print_row(&row);
                    rows.push((row, "level1", memory.then_some(bw)));
                }
            }
        }
        if wanted(opts, "level2") {
            crate::progress::say(&format!("Level 2 (f64), {threads} thread(s):"));
            for (k, &n) in l2.iter().enumerate() {
                let memory = k + 1 == l2.len() && l2.len() > 1;
                let a0 = data(n * n, 3);
                let x = data(n, 4);
                for (routine, bw) in LEVEL2 {
                    crate::progress::doing(&format!("{routine} n={n} t={threads}"));
                    // gemv writes y; ger updates A (by 1e-12 x y^T a call: it stays bounded).
                    let mut bufs: Vec<(Vec<f64>, Vec<f64>)> = (0..=peers.len())
                        .map(|_| {
                            (
                                if routine == "dger" {
                                    a0.clone()
                                } else {
                                    Vec::new()
                                },
                                data(n, 5),
                            )
                        })
                        .collect();
                    let mut cs: Vec<Contender<'_>> = Vec::new();
                    let (ar, xr) = (&a0, &x);
                    let mut it = bufs.iter_mut();
                    let (ha, hy) = it.next().expect("a buffer per contender");
                    cs.push((
                        "hpc".into(),
                        Box::new(move || {
                            match routine {
                                "dger" => fast.geru(
                                    1e-12,
                                    VecRef::from_slice(xr),
                                    VecRef::from_slice(hy),
                                    MatMut::from_col_major(ha, n, n, n).expect("shape"),
                                ),
                                _ => fast.gemv(
                                    if routine == "dgemv N" {
                                        Trans::No
                                    } else {
                                        Trans::Trans
                                    },
                                    1.0,
                                    MatRef::from_col_major(ar, n, n, n).expect("shape"),
                                    VecRef::from_slice(xr),
                                    0.0,
                                    VecMut::from_slice(hy),
                                ),
                            }
                            .expect("valid call");
                        }),
                    ));
                    for (p, (a, y)) in peers.iter().zip(it) {
                        cs.push((
                            p.name.to_string(),
                            Box::new(move || {
                                p.set_threads(threads);
                                let ok = match routine {
                                    "dger" => p.dger(1e-12, n, xr, y, a),
                                    _ => p.dgemv(routine == "dgemv T", n, ar, xr, y),
                                };
                                assert!(ok, "{} lacks {routine}", p.name);
                            }),
                        ));
                    }
                    let per_element = if routine == "dger" { 16.0 } else { 8.0 };
                    let row = Row::new(
                        format!("{routine} n={n}"),
                        "f64",
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
