//! The GPU GEMM benchmark: hpc's default tiled kernel and hpc's cuBLAS path against cuBLAS
//! called directly (cudarc's own `CudaBlas::gemm`, default math mode: FP32 in FP32, no TF32),
//! all in one run, square n x n, f32 and f64.
//!
//! `cargo run --release -p hpc-cuda --example gpu_bench -- [--sizes 1024,2048,4096,8192]
//! [--json PATH]`; on a machine without cargo, build it here (`cargo build --release -p
//! hpc-cuda --example gpu_bench`) and carry `target/release/examples/gpu_bench`.
//!
//! Kernel time: the product queued `reps` times between two synchronisations, per product,
//! median of 5 such samples (each backend's samples interleaved with the others', so drift
//! cancels in the ratios). End to end: `gemm_host` (copy A, B, C in, multiply, copy C out),
//! median of 3. Prints a Markdown table; `--json` also writes the medians as JSON lines.
//! Without a GPU it says why and exits with status 0.

use std::io::Write;
use std::time::Instant;

use cudarc::cublas::sys::{cublasMath_t, cublasOperation_t};
use cudarc::cublas::{CudaBlas, Gemm, GemmConfig};
use hpc_cuda::{Backend, Device, DeviceMatrix, GpuScalar, gemm, gemm_host};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Seconds per product of `f` (which queues one product), median of 5 samples.
fn time_kernel(dev: &Device, reps: usize, f: &mut dyn FnMut()) -> Vec<f64> {
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
}

fn bench<T>(dev: &Device, direct: &CudaBlas, n: usize, dtype: &'static str, rows: &mut Vec<Row>)
where
    T: GpuScalar<Real = T> + From<f32>,
    CudaBlas: Gemm<T>,
{
    let host: Vec<T> = (0..n * n)
        .map(|i| T::from(((i * 7) % 13) as f32 / 13.0 - 0.5))
        .collect();
    let a = DeviceMatrix::from_host(dev, &host, n, n, n).expect("copy A");
    let b = DeviceMatrix::from_host(dev, &host, n, n, n).expect("copy B");
    let mut c = DeviceMatrix::<T>::zeros(dev, n, n).expect("alloc C");
    let (one, zero) = (T::from(1.0), T::from(0.0));
    let flops = 2.0 * (n as f64).powi(3);
    // About 0.2 s per sample at 20 TFLOP/s.
    let reps = ((4e12 / flops) as usize).clamp(1, 200);
    let mut samples: Vec<(&'static str, Vec<f64>)> = Vec::new();
    let mut push = |name: &'static str, v: Vec<f64>| match samples.iter_mut().find(|s| s.0 == name)
    {
        Some(s) => s.1.extend(v),
        None => samples.push((name, v)),
    };
    for _ in 0..3 {
        let mut tiled =
            || gemm(dev, Backend::Tiled, one, false, &a, false, &b, zero, &mut c).expect("tiled");
        push("hpc tiled", time_kernel(dev, reps, &mut tiled));
        let mut hpc_cublas = || {
            gemm(
                dev,
                Backend::Cublas,
                one,
                false,
                &a,
                false,
                &b,
                zero,
                &mut c,
            )
            .expect("cublas")
        };
        push("hpc cuBLAS", time_kernel(dev, reps, &mut hpc_cublas));
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
        let mut direct_call = || {
            let (pa, pb) = (a.storage(), b.storage());
            // SAFETY: all three are n x n with leading dimension n (made above).
            unsafe { direct.gemm(cfg, pa, pb, c.storage_mut()) }.expect("direct cuBLAS");
        };
        push("cuBLAS direct", time_kernel(dev, reps, &mut direct_call));
    }
    for (name, v) in samples {
        let backend = match name {
            "hpc tiled" => Backend::Tiled,
            "hpc cuBLAS" => Backend::Cublas,
            _ => {
                rows.push(Row {
                    dtype,
                    n,
                    backend: name,
                    kernel_s: median(v),
                    end_to_end_s: f64::NAN,
                });
                continue;
            }
        };
        let mut e2e = Vec::new();
        for _ in 0..3 {
            let mut out = vec![zero; n * n];
            let t = Instant::now();
            gemm_host(
                dev,
                backend,
                one,
                false,
                (&host, n, n),
                false,
                (&host, n, n),
                zero,
                (&mut out, n, n),
            )
            .expect("gemm_host");
            e2e.push(t.elapsed().as_secs_f64());
        }
        rows.push(Row {
            dtype,
            n,
            backend: name,
            kernel_s: median(v),
            end_to_end_s: median(e2e),
        });
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sizes = vec![1024, 2048, 4096, 8192];
    let mut json = None;
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
            other => {
                eprintln!(
                    "gpu_bench: unknown option {other:?} (accepted: --sizes N,N,.. --json PATH)"
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
        bench::<f32>(&dev, &direct, n, "f32", &mut rows);
        bench::<f64>(&dev, &direct, n, "f64", &mut rows);
    }
    println!(
        "GPU GEMM on {} (kernel: median of 15 timed batches; end to end: gemm_host, median of 3)\n",
        dev.arch()
    );
    println!("| dtype | n | backend | kernel TFLOP/s | vs cuBLAS direct | end to end ms |");
    println!("|---|---:|---|---:|---:|---:|");
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
            "| {} | {} | {} | {:.2} | {:.3} | {} |",
            r.dtype,
            r.n,
            r.backend,
            tflops(r.n, r.kernel_s),
            direct_s / r.kernel_s,
            e2e
        );
        if let Some(f) = out.as_mut() {
            writeln!(
                f,
                "{{\"dtype\":\"{}\",\"n\":{},\"backend\":\"{}\",\"kernel_s\":{:e},\"end_to_end_s\":{:e},\"arch\":\"{}\"}}",
                r.dtype, r.n, r.backend, r.kernel_s, if r.end_to_end_s.is_nan() { 0.0 } else { r.end_to_end_s }, dev.arch()
            )
            .expect("write --json");
        }
    }
}
