//! Times the AVX-512 microkernels alone, without the driver, on packed panels that stay in L1
//! (`k = 64`) or stream from L2 (`k = 256`, and 16 A micro-panels at `k = 512`), for kernel
//! tuning: `cargo run --release -p hpc-gemm --example kernel_time`.
//! Prints the best GFLOP/s of 7 timings per case. On a CPU without AVX-512 it says so and exits.

#[cfg(target_arch = "x86_64")]
fn main() {
    use hpc_gemm::kernels::x86_v4::{Dgemm16x14, Sgemm32x14};
    if !hpc_gemm::Isa::Avx512.available() {
        println!("kernel_time: this CPU has no AVX-512; nothing to time");
        return;
    }
    for (k, panels) in [(64, 1), (256, 1), (512, 16)] {
        run::<f64, Dgemm16x14>(k, panels);
        run::<f32, Sgemm32x14>(k, panels);
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn main() {
    println!("kernel_time: the AVX-512 kernels exist on x86-64 only");
}

/// `reps` passes over `panels` micro-panels of A (each `MR x k`) against one of B.
#[cfg(target_arch = "x86_64")]
fn run<R: hpc_gemm::KernelReal, K: hpc_gemm::kernels::Microkernel<R>>(k: usize, panels: usize) {
    use std::time::Instant;
    let (mr, nr) = (K::MR, K::NR);
    let a: Vec<R> = (0..mr * k * panels)
        .map(|i| R::from(i % 7).unwrap())
        .collect();
    let b: Vec<R> = (0..nr * k).map(|i| R::from(i % 5).unwrap()).collect();
    let mut c = vec![R::zero(); mr * nr * panels];
    let reps = 20_000 / panels;
    let mut best = 0.0f64;
    for _ in 0..7 {
        let t = Instant::now();
        for _ in 0..reps {
            for p in 0..panels {
                // SAFETY: AVX-512 is present (checked in main); the panels hold `k * MR` and
                // `k * NR` elements and the tile `MR x NR` with column stride MR.
                unsafe {
                    K::ukr(
                        mr,
                        nr,
                        k,
                        R::one(),
                        a.as_ptr().add(p * mr * k),
                        b.as_ptr(),
                        R::one(),
                        c.as_mut_ptr().add(p * mr * nr),
                        1,
                        mr as isize,
                        &hpc_gemm::kernels::Aux::NONE,
                    )
                };
            }
        }
        let flops = 2.0 * (mr * nr * k * panels * reps) as f64;
        best = best.max(flops / t.elapsed().as_secs_f64() / 1e9);
    }
    std::hint::black_box(&c);
    println!(
        "{} k = {k}, {panels} A panel(s): {best:.1} GFLOP/s",
        K::NAME
    );
}
