//! Our kernels and cuBLAS on a real GPU against hpc's CPU GEMM: every variant, f32 and f64,
//! shapes that
//! are not multiples of any tile, every transpose, alpha/beta specials and NaN in C with
//! beta = 0. Skips, saying why, where no device can be opened (CI, this build machine).

use hpc_core::{MatMut, MatRef, Trans};
use hpc_cuda::kernels::Variant;
use hpc_cuda::{Backend, Device, GpuScalar, gemm_host};
use hpc_gemm::{GemmScalar, Par};

fn device() -> Option<Device> {
    match Device::new(0) {
        Ok(d) => Some(d),
        Err(e) => {
            println!("skipped: no usable GPU ({e})");
            None
        }
    }
}

fn check<T: GpuScalar + GemmScalar + num_like::Real>(dev: &Device, v: Backend)
where
    cudarc::cublas::CudaBlas: cudarc::cublas::Gemm<T>,
{
    let shapes = [
        (1, 1, 1),
        (17, 33, 9),
        (64, 64, 64),
        (129, 130, 131),
        (200, 3, 257),
        (5, 300, 2),
    ];
    let specials = [(1.0, 0.0), (-1.0, 1.0), (0.5, -2.0), (0.0, 1.0)];
    for (s, &(m, n, k)) in shapes.iter().enumerate() {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let (alpha, beta) =
                specials[(s + usize::from(ta) + 2 * usize::from(tb)) % specials.len()];
            let (ar, ac) = if ta { (k, m) } else { (m, k) };
            let (br, bc) = if tb { (n, k) } else { (k, n) };
            let a: Vec<T> = (0..ar * ac)
                .map(|i| T::of(((i * 7) % 13) as f64 / 4.0 - 1.5))
                .collect();
            let b: Vec<T> = (0..br * bc)
                .map(|i| T::of(((i * 5) % 11) as f64 / 4.0 - 1.25))
                .collect();
            let c0: Vec<T> = (0..m * n)
                .map(|i| {
                    if beta == 0.0 {
                        T::of(f64::NAN)
                    } else {
                        T::of((i % 3) as f64)
                    }
                })
                .collect();
            let mut want = c0.clone();
            let op = |t| if t { Trans::Trans } else { Trans::No };
            hpc_gemm::gemm_op(
                op(ta),
                op(tb),
                T::of(alpha),
                MatRef::from_col_major(&a, ar, ac, ar.max(1)).unwrap(),
                MatRef::from_col_major(&b, br, bc, br.max(1)).unwrap(),
                T::of(beta),
                MatMut::from_col_major(&mut want, m, n, m.max(1)).unwrap(),
                Par::Seq,
            )
            .unwrap();
            let mut got = c0.clone();
            gemm_host(
                dev,
                v,
                T::of(alpha),
                ta,
                (&a, ar, ac),
                tb,
                (&b, br, bc),
                T::of(beta),
                (&mut got, m, n),
            )
            .unwrap_or_else(|e| panic!("{v:?} {m}x{n}x{k}: {e}"));
            let tol = T::eps() * 4.0 * (k as f64 + 1.0) * 4.0;
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                let (g, w) = (g.to_f64(), w.to_f64());
                assert!(
                    (g - w).abs() <= tol * (1.0 + w.abs()),
                    "{v:?} {m}x{n}x{k} ta={ta} tb={tb} alpha={alpha} beta={beta}: C[{i}] = {g}, want {w}"
                );
            }
        }
    }
}

/// What the comparison needs of f32 and f64.
mod num_like {
    pub trait Real: Copy {
        fn of(x: f64) -> Self;
        fn to_f64(self) -> f64;
        fn eps() -> f64;
    }
    impl Real for f32 {
        fn of(x: f64) -> f32 {
            x as f32
        }
        fn to_f64(self) -> f64 {
            self as f64
        }
        fn eps() -> f64 {
            f32::EPSILON as f64
        }
    }
    impl Real for f64 {
        fn of(x: f64) -> f64 {
            x
        }
        fn to_f64(self) -> f64 {
            self
        }
        fn eps() -> f64 {
            f64::EPSILON
        }
    }
}

#[test]
fn every_kernel_and_cublas_match_the_cpu_gemm() {
    let Some(dev) = device() else { return };
    let backends = Variant::ALL.map(Backend::Kernel);
    for v in backends
        .into_iter()
        .chain([Backend::Tiled, Backend::Cublas])
    {
        check::<f32>(&dev, v);
        check::<f64>(&dev, v);
    }
}
