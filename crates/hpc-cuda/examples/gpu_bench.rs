//! The GPU GEMM benchmark: hpc's default tiled kernel and hpc's cuBLAS path against cuBLAS
//! called directly (cudarc's own `CudaBlas::gemm`, default math mode: FP32 in FP32, no TF32),
//! all in one run, square n x n, f32 and f64.
//!
//! `cargo run --release -p hpc-cuda --example gpu_bench -- [--sizes 1024,2048,4096,8192]
//! [--json PATH] [--kernels]`; `--kernels` also times each of our kernels by name. On a
//! machine without cargo, build it here (`cargo build --release -p hpc-cuda --example
//! gpu_bench`) and carry `target/release/examples/gpu_bench`.
//!
//! Kernel time: the product queued about 0.1 s worth of times between two synchronisations,
//! per product, median of 15 such samples (3 rounds of 5, each backend's rounds interleaved
//! with the others', so drift cancels in the ratios, each round in an order rotated by one).
//! Each backend's C is also compared with cuBLAS's (largest difference over largest |C|). End
//! to end: `gemm_host` (copy A, B, C in, multiply, copy C out), median of 3. Prints a Markdown
//! table; `--json` also writes the medians as JSON lines. Without a GPU it says why and exits
//! with status 0.

use std::io::Write;
use std::time::Instant;

use cudarc::cublas::sys::{cublasMath_t, cublasOperation_t};
use cudarc::cublas::{CudaBlas, Gemm, GemmConfig};
use hpc_core::Trans;
use hpc_cuda::kernels::Variant;
use hpc_cuda::{Backend, Device, DeviceMatrix, GpuScalar, gemm, gemm_host};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Seconds per product of `f` (which queues one product): 5 samples, each `reps` products
/// between two synchronisations, `reps` chosen from one timed product so that a sample takes
/// about 0.1 s (1 to 200 products).
fn time_kernel(dev: &Device, f: &mut dyn FnMut()) -> Vec<f64> {
    dev.synchronize().expect("synchronize");
    let t = Instant::now();
    f();
    dev.synchronize().expect("synchronize");
    let reps = ((0.1 / t.elapsed().as_secs_f64()) as usize).clamp(1, 200);
    let mut out = Vec::new();
    for _ in 0..5 {
        dev.synchronize().expect("synchronize");
        let t = Instant::now();
        for _ in 0..reps {
            f();
        }
        dev.synchronize().expect("synchronize");
        out.push(t.elapsed().as_secs_f64() / reps as f64);
    }
    out
}

struct Row {
    dtype: &'static str,
    n: usize,
    backend: &'static str,
    kernel_s: f64,
    end_to_end_s: f64,
    /// Largest |C - C_cuBLAS| / largest |C_cuBLAS|.
    err: f64,
}

/// The row name of one of our kernels run by name (`--kernels`).
fn kernel_name(v: Variant) -> &'static str {
    match v {
        Variant::Naive => "kernel naive",
        Variant::Smem => "kernel smem",
        Variant::Reg2d => "kernel reg2d",
        Variant::Vec => "kernel vec",
        Variant::WarpTile => "kernel warptile",
        Variant::Dmma => "kernel dmma",
    }
}

fn bench<T>(
    dev: &Device,
    direct: &CudaBlas,
    n: usize,
    dtype: &'static str,
    kernels: bool,
    rows: &mut Vec<Row>,
) where
    T: GpuScalar<Real = T> + From<f32> + Into<f64>,
    CudaBlas: Gemm<T>,
{
    let host: Vec<T> = (0..n * n)
        .map(|i| T::from(((i * 7) % 13) as f32 / 13.0 - 0.5))
        .collect();
    let a = DeviceMatrix::from_host(dev, &host, n, n, n).expect("copy A");
    let b = DeviceMatrix::from_host(dev, &host, n, n, n).expect("copy B");
    let mut c = DeviceMatrix::<T>::zeros(dev, n, n).expect("alloc C");
    let (one, zero) = (T::from(1.0), T::from(0.0));
    let mut samples: Vec<(&'static str, Vec<f64>)> = Vec::new();
    let mut push = |name: &'static str, v: Vec<f64>| match samples.iter_mut().find(|s| s.0 == name)
    {
        Some(s) => s.1.extend(v),
        None => samples.push((name, v)),
    };
    let cfg = GemmConfig {
        transa: cublasOperation_t::CUBLAS_OP_N,
        transb: cublasOperation_t::CUBLAS_OP_N,
        m: n as i32,
        n: n as i32,
        k: n as i32,
        alpha: one,
        lda: n as i32,
        ldb: n as i32,
        beta: zero,
        ldc: n as i32,
    };
    // Every kernel by name, with `--kernels` (the naive one only up to n = 4096: it takes
    // seconds beyond).
    let variants: Vec<Variant> = if kernels {
        Variant::ALL
            .into_iter()
            .filter(|&v| v != Variant::Naive || n <= 4096)
            .filter(|&v| v.supports(T::KERNEL.expect("a real type")))
            .collect()
    } else {
        Vec::new()
    };
    // The contenders of a round (`None`: cuBLAS called directly), each round starting one
    // further along, so that no contender always runs first or last.
    let mut order: Vec<Option<(Backend, &'static str)>> = variants
        .iter()
        .map(|&v| Some((Backend::Kernel(v), kernel_name(v))))
        .collect();
    order.extend([
        Some((Backend::Tiled, "hpc tiled")),
        Some((Backend::Cublas, "hpc cuBLAS")),
        None,
    ]);
    for round in 0..3 {
        for i in 0..order.len() {
            match order[(i + round) % order.len()] {
                Some((backend, name)) => {
                    let mut run = || {
                        gemm(
                            dev,
                            backend,
                            Trans::No,
                            Trans::No,
                            one,
                            &a,
                            &b,
                            zero,
                            &mut c,
                        )
                        .expect("product")
                    };
                    push(name, time_kernel(dev, &mut run));
                }
                None => {
                    let mut direct_call = || {
                        let (pa, pb) = (a.storage(), b.storage());
                        // SAFETY: all three are n x n with leading dimension n (made above).
                        unsafe { direct.gemm(cfg, pa, pb, c.storage_mut()) }
                            .expect("direct cuBLAS");
                    };
                    push("cuBLAS direct", time_kernel(dev, &mut direct_call));
                }
            }
        }
    }
    // Each backend's product against cuBLAS called directly: the largest difference,
    // relative to the largest |C| (a check that the timed kernels compute the product).
    // SAFETY: as above.
    unsafe { direct.gemm(cfg, a.storage(), b.storage(), c.storage_mut()) }.expect("direct cuBLAS");
    let reference: Vec<f64> = c
        .to_host(dev)
        .expect("copy C")
        .into_iter()
        .map(Into::into)
        .collect();
    let scale = reference.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    for (name, v) in samples {
        let backend = match name {
            "hpc tiled" => Some(Backend::Tiled),
            "hpc cuBLAS" => Some(Backend::Cublas),
            "cuBLAS direct" => None,
            _ => Some(Backend::Kernel(
                Variant::ALL
                    .into_iter()
                    .find(|&k| kernel_name(k) == name)
                    .expect("a kernel's row"),
            )),
        };
        let err = match backend {
            None => 0.0,
            Some(backend) => {
                c = DeviceMatrix::<T>::zeros(dev, n, n).expect("alloc C");
                gemm(
                    dev,
                    backend,
                    Trans::No,
                    Trans::No,
                    one,
                    &a,
                    &b,
                    zero,
                    &mut c,
                )
                .expect("product");
                let got = c.to_host(dev).expect("copy C");
                got.into_iter()
                    .zip(&reference)
                    .fold(0.0f64, |m, (g, r)| m.max((Into::<f64>::into(g) - r).abs()))
                    / scale
            }
        };
        // End to end for the two backends a user picks by default.
        let end_to_end_s = match backend {
            Some(backend @ (Backend::Tiled | Backend::Cublas)) => {
                let mut e2e = Vec::new();
                for _ in 0..3 {
                    let mut out = vec![zero; n * n];
                    let t = Instant::now();
                    gemm_host(
                        dev,
                        backend,
                        Trans::No,
                        Trans::No,
                        one,
                        (&host, n, n),
                        (&host, n, n),
                        zero,
                        (&mut out, n, n),
                    )
                    .expect("gemm_host");
                    e2e.push(t.elapsed().as_secs_f64());
                }
                median(e2e)
            }
            _ => f64::NAN,
        };
        rows.push(Row {
            dtype,
            n,
            backend: name,
            kernel_s: median(v),
            end_to_end_s,
            err,
        });
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sizes = vec![1024, 2048, 4096, 8192];
    let mut json = None;
    let mut kernels = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--sizes" => {
                sizes = it
                    .next()
                    .map(|v| v.split(',').filter_map(|s| s.parse().ok()).collect())
                    .unwrap_or_default()
            }
            "--json" => json = it.next().cloned(),
            "--kernels" => kernels = true,
            other => {
                eprintln!(
                    "gpu_bench: unknown option {other:?} (accepted: --sizes N,N,.. --json PATH --kernels)"
                );
                std::process::exit(2);
            }
        }
    }
    let dev = match Device::new(0) {
        Ok(d) => d,
        Err(e) => {
            println!("gpu_bench: skipped, no usable GPU: {e}");
            return;
        }
    };
    let direct = CudaBlas::new(dev.stream().clone()).expect("cuBLAS handle");
    // SAFETY: the handle is live; the math mode only selects the default (no TF32) path.
    unsafe {
        cudarc::cublas::sys::cublasSetMathMode(*direct.handle(), cublasMath_t::CUBLAS_DEFAULT_MATH)
            .result()
            .expect("math mode")
    };
    let mut rows = Vec::new();
    for &n in &sizes {
        bench::<f32>(&dev, &direct, n, "f32", kernels, &mut rows);
        bench::<f64>(&dev, &direct, n, "f64", kernels, &mut rows);
    }
    println!(
        "GPU GEMM on {} (kernel: median of 15 timed batches; end to end: gemm_host, median of 3)\n",
        dev.arch()
    );
    println!(
        "| dtype | n | backend | kernel TFLOP/s | vs cuBLAS direct | end to end ms | max diff / max C |"
    );
    println!("|---|---:|---|---:|---:|---:|---:|");
    let tflops = |n: usize, s: f64| 2.0 * (n as f64).powi(3) / s / 1e12;
    let mut out = json
        .as_ref()
        .map(|p| std::fs::File::create(p).expect("--json file"));
    for r in &rows {
        let direct_s = rows
            .iter()
            .find(|d| d.n == r.n && d.dtype == r.dtype && d.backend == "cuBLAS direct")
            .map_or(f64::NAN, |d| d.kernel_s);
        let e2e = if r.end_to_end_s.is_nan() {
            "-".to_string()
        } else {
            format!("{:.1}", r.end_to_end_s * 1e3)
        };
        println!(
            "| {} | {} | {} | {:.2} | {:.3} | {} | {:.1e} |",
            r.dtype,
            r.n,
            r.backend,
            tflops(r.n, r.kernel_s),
            direct_s / r.kernel_s,
            e2e,
            r.err
        );
        if let Some(f) = out.as_mut() {
            writeln!(
                f,
                "{{\"dtype\":\"{}\",\"n\":{},\"backend\":\"{}\",\"kernel_s\":{:e},\"end_to_end_s\":{:e},\"max_rel_diff\":{:e},\"arch\":\"{}\"}}",
                r.dtype, r.n, r.backend, r.kernel_s, if r.end_to_end_s.is_nan() { 0.0 } else { r.end_to_end_s }, r.err, dev.arch()
            )
            .expect("write --json");
        }
    }
}
