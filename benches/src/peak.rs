//! The machine's FMA peak, measured: independent chains of vector fused multiply-adds on the
//! widest ISA pulp finds, one chain set per thread, so that "% of peak" in the GEMM tables is a
//! measured ratio rather than a datasheet figure.

use std::hint::black_box;
use std::time::Instant;

use pulp::{Simd, WithSimd};

/// Runs `iters` steps of 16 independent FMA chains; returns the flops done.
struct Chains {
    iters: usize,
}

impl WithSimd for Chains {
    type Output = (f64, f64);
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> (f64, f64) {
        let lanes = size_of::<S::f64s>() / size_of::<f64>();
        let x = simd.splat_f64s(black_box(0.999_999_9));
        let y = simd.splat_f64s(black_box(1e-9));
        let mut acc = [simd.splat_f64s(1.0); 16];
        for _ in 0..self.iters {
            for a in acc.iter_mut() {
                *a = simd.mul_add_e_f64s(*a, x, y);
            }
        }
        let acc = black_box(acc);
        let sum: f64 = bytemuck_sum(&acc);
        ((self.iters * 16 * lanes * 2) as f64, sum)
    }
}

fn bytemuck_sum<V: bytemuck::Pod>(v: &[V]) -> f64 {
    bytemuck::cast_slice::<V, f64>(v).iter().sum()
}

/// GFLOP/s of f64 FMA on `threads` threads at once: the best of 7 samples (interference from
/// other work on a shared machine only ever lowers a sample, and a peak is what the hardware
/// can do).
pub fn fma_peak_f64(threads: usize) -> f64 {
    let iters = 20_000_000;
    let mut samples = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        let flops: f64 = std::thread::scope(|s| {
            let hs: Vec<_> = (0..threads)
                .map(|_| s.spawn(move || pulp::Arch::new().dispatch(Chains { iters })))
                .collect();
            hs.into_iter().map(|h| h.join().expect("no panic").0).sum()
        });
        samples.push(flops / start.elapsed().as_secs_f64() / 1e9);
    }
    samples.into_iter().fold(0.0, f64::max)
}
