//! Times `Fast`'s Level 1/2 at one thread and at two, calls alternated, medians of 9: the
//! measurements behind `PAR_ELEMENTS` (level2) and `PAR_REALS` (level1).
//! `cargo run --release -p hpc-gemm --example level12_time`

use std::hint::black_box;
use std::time::Instant;

use hpc_core::{Level1, Level2, MatMut, MatRef, Trans, VecMut, VecRef};
use hpc_gemm::{Fast, Par};

fn per_call(mut f: impl FnMut()) -> f64 {
    f();
    let mut reps = 1;
    loop {
        let t = Instant::now();
        for _ in 0..reps {
            f();
        }
        let s = t.elapsed().as_secs_f64();
        if s > 0.01 {
            return s / reps as f64;
        }
        reps *= 2;
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let fast = [Fast::new(Par::from_count(1)), Fast::new(Par::from_count(2))];
    for n in [64usize, 128, 181, 256, 362, 512, 1024, 2048] {
        let a: Vec<f64> = (0..n * n).map(|i| (i % 7) as f64 - 3.0).collect();
        let x: Vec<f64> = (0..n).map(|i| (i % 5) as f64).collect();
        for routine in ["gemv N", "gemv T", "ger"] {
            let mut t = [Vec::new(), Vec::new()];
            let mut y = vec![0.0; n];
            let mut g = a.clone();
            for _ in 0..9 {
                for (k, f) in fast.iter().enumerate() {
                    t[k].push(per_call(|| {
                        let av = MatRef::from_col_major(&a, n, n, n).unwrap();
                        match routine {
                            "ger" => f
                                .geru(
                                    1e-12,
                                    VecRef::from_slice(&x),
                                    VecRef::from_slice(&x),
                                    MatMut::from_col_major(&mut g, n, n, n).unwrap(),
                                )
                                .unwrap(),
                            _ => {
                                let tr = if routine == "gemv N" {
                                    Trans::No
                                } else {
                                    Trans::Trans
                                };
                                f.gemv(
                                    tr,
                                    1.0,
                                    av,
                                    VecRef::from_slice(&x),
                                    0.0,
                                    VecMut::from_slice(&mut y),
                                )
                                .unwrap()
                            }
                        }
                    }));
                }
            }
            let (t1, t2) = (median(t[0].clone()), median(t[1].clone()));
            println!(
                "{routine:7} n = {n:5} ({:8} elements): 2 threads / 1 = {:.2}x",
                n * n,
                t1 / t2
            );
        }
    }
    for n in [
        1usize << 14,
        1 << 16,
        1 << 17,
        1 << 18,
        1 << 19,
        1 << 20,
        1 << 22,
    ] {
        let x: Vec<f64> = (0..n).map(|i| (i % 5) as f64).collect();
        let mut y: Vec<f64> = (0..n).map(|i| (i % 3) as f64).collect();
        for routine in ["dot", "axpy", "nrm2"] {
            let mut t = [Vec::new(), Vec::new()];
            for _ in 0..9 {
                for (k, f) in fast.iter().enumerate() {
                    t[k].push(per_call(|| match routine {
                        "dot" => {
                            black_box(
                                f.dotu(VecRef::from_slice(&x), VecRef::from_slice(&y))
                                    .unwrap(),
                            );
                        }
                        "axpy" => f
                            .axpy(1e-12, VecRef::from_slice(&x), VecMut::from_slice(&mut y))
                            .unwrap(),
                        _ => {
                            black_box(f.nrm2(VecRef::from_slice(&x)));
                        }
                    }));
                }
            }
            let (t1, t2) = (median(t[0].clone()), median(t[1].clone()));
            println!("{routine:7} n = {n:8}: 2 threads / 1 = {:.2}x", t1 / t2);
        }
    }
}
