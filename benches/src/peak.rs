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

/// Elements per thread of the bandwidth arrays: 64 MiB of f64 each, far beyond any cache.
const STREAM_LEN: usize = 8 << 20;

/// `sum a` with 32 independent accumulators (so that the adds vectorise and enough loads are
/// in flight).
#[inline(never)]
fn read(a: &[f64]) -> f64 {
    let mut acc = [0.0f64; 32];
    for c in a.chunks_exact(32) {
        for (s, x) in acc.iter_mut().zip(c) {
            *s += x;
        }
    }
    acc.iter().sum()
}

/// STREAM's triad, `a <- b + s c`.
#[inline(never)]
fn triad(a: &mut [f64], b: &[f64], c: &[f64], s: f64) {
    for ((x, y), z) in a.iter_mut().zip(b).zip(c) {
        *x = y + s * z;
    }
}

/// An update in place, `a <- a + s b`: daxpy's traffic, and ger's kind (each line of the
/// output read, then written back, no line written unread).
#[inline(never)]
fn update(a: &mut [f64], b: &[f64], s: f64) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += s * y;
    }
}

/// Measured memory bandwidth on `threads` threads at once, GB/s: `[read, triad, update]` (a
/// read moves 8 bytes an element; a triad 24, counting the written array once as STREAM
/// does; an update 24, two arrays read and one of them written). The best of 5 samples, each
/// thread on arrays of its own.
pub fn stream(threads: usize) -> [f64; 3] {
    let mut arrays: Vec<[Vec<f64>; 3]> = (0..threads)
        .map(|t| {
            let v = |k: usize| vec![1.0 + (t + k) as f64 * 1e-3; STREAM_LEN];
            [v(0), v(1), v(2)]
        })
        .collect();
    let mut best = [0.0f64; 3];
    let bytes = (threads * STREAM_LEN * 8) as f64;
    for _ in 0..5 {
        let start = Instant::now();
        std::thread::scope(|s| {
            for [a, ..] in &arrays {
                s.spawn(move || black_box(read(a)));
            }
        });
        best[0] = best[0].max(bytes / start.elapsed().as_secs_f64() / 1e9);
        let start = Instant::now();
        std::thread::scope(|s| {
            for [a, b, c] in arrays.iter_mut() {
                s.spawn(move || triad(a, b, c, black_box(3.0)));
            }
        });
        best[1] = best[1].max(3.0 * bytes / start.elapsed().as_secs_f64() / 1e9);
        let start = Instant::now();
        std::thread::scope(|s| {
            for [a, b, _] in arrays.iter_mut() {
                s.spawn(move || update(a, b, black_box(1e-9)));
            }
        });
        best[2] = best[2].max(3.0 * bytes / start.elapsed().as_secs_f64() / 1e9);
    }
    best
}

/// `[read, triad, update]` GB/s as text: "20.1, 17.6, 22.0".
pub fn bandwidth_text(b: &[f64]) -> String {
    b.iter()
        .map(|v| format!("{v:.1}"))
        .collect::<Vec<_>>()
        .join(", ")
}
