//! Times the SIMD microkernels alone, without the driver, on packed panels that stay in L1
//! (`k = 64`) or stream from L2 (`k = 256`, and 16 A micro-panels at `k = 512`), for kernel
//! tuning: B packed, in column form, and read in place by the wide block (6 A micro-panels at
//! `k = 512`, as many as MC holds): `cargo run --release -p hpc-gemm --example kernel_time`.
//! Prints the best GFLOP/s of 7 timings per case. Times the AVX-512 kernels on x86-64 (on a CPU
//! without AVX-512 it says so and exits) and the NEON kernels on aarch64.

// The kernels timed: the AVX-512 ones on x86-64, the NEON ones on aarch64.
#[cfg(target_arch = "aarch64")]
use hpc_gemm::kernels::neon::{Dgemm8x6 as DKernel, Sgemm16x6 as SKernel};
#[cfg(target_arch = "x86_64")]
use hpc_gemm::kernels::x86_v4::{Dgemm16x14 as DKernel, Sgemm32x14 as SKernel};

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn main() {
    use hpc_gemm::kernels::Microkernel;
    let isa = <DKernel as Microkernel<f64>>::ISA;
    if !isa.available() {
        println!(
            "kernel_time: this CPU has no {}; nothing to time",
            isa.name()
        );
        return;
    }
    for (k, panels) in [(64, 1), (256, 1), (512, 16)] {
        run::<f64, DKernel>(k, panels);
        run::<f32, SKernel>(k, panels);
    }
    for (k, panels) in [(64, 1), (512, 1), (512, 6)] {
        run_wide::<f64, DKernel>(k, panels);
        run_wide::<f32, SKernel>(k, panels);
    }
}

/// The best GFLOP/s of 7 timings of `reps` passes over `panels` micro-panels of A (each
/// `mr x k`, values small integers), each pass calling `ukr(a_panel, c_tile)` on one
/// micro-panel and its own `mr x nr` tile of C (column stride `mr`).
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn best_rate<R: hpc_gemm::KernelReal>(
    (mr, nr, k, panels): (usize, usize, usize, usize),
    mut ukr: impl FnMut(*const R, *mut R),
) -> f64 {
    use std::time::Instant;
    let a: Vec<R> = (0..mr * k * panels)
        .map(|i| R::from(i % 7).unwrap())
        .collect();
    let mut c = vec![R::zero(); mr * nr * panels];
    let reps = 20_000 / panels;
    let mut best = 0.0f64;
    for _ in 0..7 {
        let t = Instant::now();
        for _ in 0..reps {
            for p in 0..panels {
                ukr(a[p * mr * k..].as_ptr(), c[p * mr * nr..].as_mut_ptr());
            }
        }
        let flops = 2.0 * (mr * nr * k * panels * reps) as f64;
        best = best.max(flops / t.elapsed().as_secs_f64() / 1e9);
    }
    std::hint::black_box(&c);
    best
}

/// `panels` micro-panels of A (each `MR x k`) against one of B, packed (contract point 5,
/// `ukr`) and in column form (point 12, `ukr_b_cols`).
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn run<R: hpc_gemm::KernelReal, K: hpc_gemm::kernels::Microkernel<R>>(k: usize, panels: usize) {
    let (mr, nr) = (K::MR, K::NR);
    let ld = hpc_gemm::kernels::b_cols_ld(size_of::<R>());
    // Room for either form: `k x NR` packed, or NR columns of stride `ld`.
    let b: Vec<R> = (0..nr * ld.max(k))
        .map(|i| R::from(i % 5).unwrap())
        .collect();
    let aux = hpc_gemm::kernels::Aux::NONE;
    for (form, column_form) in [("B packed", false), ("B in column form", true)] {
        let best = best_rate((mr, nr, k, panels), |ap, cp| {
            // SAFETY: the kernel's ISA is present (checked in main); the A panel holds
            // `k * MR` elements, B `k * NR` (or NR columns of `ld >= k`), and the tile
            // `MR x NR` with column stride MR lies in C (`best_rate`).
            unsafe {
                if column_form {
                    K::ukr_b_cols(
                        mr,
                        k,
                        R::one(),
                        ap,
                        b.as_ptr(),
                        R::one(),
                        cp,
                        1,
                        mr as isize,
                        &aux,
                    )
                } else {
                    K::ukr(
                        mr,
                        nr,
                        k,
                        R::one(),
                        ap,
                        b.as_ptr(),
                        R::one(),
                        cp,
                        1,
                        mr as isize,
                        &aux,
                    )
                }
            }
        });
        println!(
            "{} k = {k}, {panels} A panel(s), {form}: {best:.1} GFLOP/s",
            K::NAME
        );
    }
}

/// The wide register block (contract point 13): `panels` micro-panels of A (each
/// `WIDE_MR x k`) against `WIDE_NR` columns of a B read in place, its leading dimension 1024
/// elements (a power of two, as in the GEMM of a 1024 x 1024 matrix).
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn run_wide<R: hpc_gemm::KernelReal, K: hpc_gemm::kernels::Microkernel<R>>(
    k: usize,
    panels: usize,
) {
    let (mr, nr, ld) = (K::WIDE_MR, K::WIDE_NR, 1024);
    if mr <= K::MR {
        return;
    }
    let b: Vec<R> = (0..nr * ld.max(k))
        .map(|i| R::from(i % 5).unwrap())
        .collect();
    let best = best_rate((mr, nr, k, panels), |ap, cp| {
        // SAFETY: the kernel's ISA is present (checked in main); the A panel holds
        // `k * WIDE_MR` elements, B's `WIDE_NR` columns of stride `ld >= k` lie in `b`, and
        // the tile `WIDE_MR x WIDE_NR` with column stride `WIDE_MR` in C (`best_rate`).
        unsafe {
            K::ukr_wide(
                mr,
                nr,
                k,
                R::one(),
                ap,
                b.as_ptr(),
                1,
                ld as isize,
                R::one(),
                cp,
                1,
                mr as isize,
                &hpc_gemm::kernels::Aux::NONE,
            )
        }
    });
    println!(
        "{} wide block {mr} x {nr}, k = {k}, {panels} A panel(s), B in place: {best:.1} GFLOP/s",
        K::NAME
    );
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn main() {
    println!("kernel_time: SIMD kernels exist on x86-64 and aarch64 only");
}
