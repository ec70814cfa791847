//! Our kernels and cuBLAS on a real GPU against hpc's CPU GEMM: every variant on f32 and f64,
//! cuBLAS also on c32 and c64, shapes that are not multiples of any tile, every transpose,
//! alpha/beta specials and NaN in C with beta = 0; the batched GEMM (cuBLAS's strided-batched
//! and every kernel over grid z, a repeated B, more products than one grid) against one
//! product at a time; complex on our real kernels refused. Skips, saying why, where no device
//! can be opened (CI, this build machine).

use hpc_core::check::op_dims;
use hpc_core::{MatMut, MatRef, Trans, c32, c64};
use hpc_cuda::kernels::{Precision, Variant};
use hpc_cuda::{
    Backend, Device, DeviceMatrix, Error, GpuScalar, gemm, gemm_batched, gemm_host,
    gemm_strided_batched,
};
use hpc_gemm::{GemmScalar, Par};

/// The GPU, or `None` (saying why) where none can be opened; with `HPC_REQUIRE_GPU` set (as
/// `cargo xtask test` does where `nvidia-smi` finds a GPU), a missing device fails the test.
fn device() -> Option<Device> {
    match Device::new(0) {
        Ok(d) => Some(d),
        Err(e) if std::env::var_os("HPC_REQUIRE_GPU").is_some() => {
            panic!("HPC_REQUIRE_GPU is set but no GPU could be opened: {e}")
        }
        Err(e) => {
            println!("skipped: no usable GPU ({e})");
            None
        }
    }
}

fn check<T: GpuScalar + GemmScalar + num_like::Real>(dev: &Device, v: Backend) {
    let shapes = [
        (1, 1, 1),
        (17, 33, 9),
        (64, 64, 64),
        (129, 130, 131),
        (200, 3, 257),
        (5, 300, 2),
        // Several block tiles each way and several k tiles (the double buffer turns over),
        // with ragged edges.
        (300, 270, 520),
    ];
    let specials = [(1.0, 0.0), (-1.0, 1.0), (0.5, -2.0), (0.0, 1.0)];
    for (s, &(m, n, k)) in shapes.iter().enumerate() {
        let ops = [
            (Trans::No, Trans::No),
            (Trans::Trans, Trans::No),
            (Trans::No, Trans::ConjTrans),
            (Trans::ConjTrans, Trans::Trans),
        ];
        for (o, &(ta, tb)) in ops.iter().enumerate() {
            let (alpha, beta) = specials[(s + o) % specials.len()];
            let (ar, ac) = op_dims(ta, m, k);
            let (br, bc) = op_dims(tb, k, n);
            let a: Vec<T> = (0..ar * ac)
                .map(|i| T::of(((i * 7) % 13) as f64 / 4.0 - 1.5))
                .collect();
            let b: Vec<T> = (0..br * bc)
                .map(|i| T::of(((i * 5) % 11) as f64 / 4.0 - 1.25))
                .collect();
            let c0: Vec<T> = (0..m * n)
                .map(|i| {
                    if beta == 0.0 {
                        T::real(f64::NAN)
                    } else {
                        T::of((i % 3) as f64)
                    }
                })
                .collect();
            let mut want = c0.clone();
            hpc_gemm::gemm_op(
                ta,
                tb,
                T::real(alpha),
                MatRef::from_col_major(&a, ar, ac, ar.max(1)).unwrap(),
                MatRef::from_col_major(&b, br, bc, br.max(1)).unwrap(),
                T::real(beta),
                MatMut::from_col_major(&mut want, m, n, m.max(1)).unwrap(),
                Par::Seq,
            )
            .unwrap();
            let mut got = c0.clone();
            gemm_host(
                dev,
                v,
                ta,
                tb,
                T::real(alpha),
                (&a, ar, ac),
                (&b, br, bc),
                T::real(beta),
                (&mut got, m, n),
            )
            .unwrap_or_else(|e| panic!("{v:?} {m}x{n}x{k}: {e}"));
            let tol = T::eps() * 4.0 * (k as f64 + 1.0) * 4.0;
            for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
                assert!(
                    T::dist(g, w) <= tol * (1.0 + T::mag(w)),
                    "{v:?} {m}x{n}x{k} {ta:?} {tb:?} alpha={alpha} beta={beta}: C[{i}] = {g}, want {w}"
                );
            }
        }
    }
}

/// What the comparison needs of each type.
mod num_like {
    use hpc_core::{c32, c64};

    pub trait Real: Copy + std::fmt::Display {
        /// A value from a real one (complex types get an imaginary part too).
        fn of(x: f64) -> Self;
        /// The real number `x` (imaginary part 0): the special alphas and betas, and NaN.
        fn real(x: f64) -> Self;
        fn dist(a: Self, b: Self) -> f64;
        fn mag(a: Self) -> f64;
        fn eps() -> f64;
    }
    macro_rules! real {
        ($t:ty) => {
            impl Real for $t {
                fn of(x: f64) -> $t {
                    x as $t
                }
                fn real(x: f64) -> $t {
                    x as $t
                }
                fn dist(a: $t, b: $t) -> f64 {
                    (a as f64 - b as f64).abs()
                }
                fn mag(a: $t) -> f64 {
                    (a as f64).abs()
                }
                fn eps() -> f64 {
                    <$t>::EPSILON as f64
                }
            }
        };
    }
    macro_rules! complex {
        ($t:ty, $r:ty) => {
            impl Real for $t {
                fn of(x: f64) -> $t {
                    <$t>::new(x as $r, (0.5 * x - 0.25) as $r)
                }
                fn real(x: f64) -> $t {
                    <$t>::new(x as $r, 0.0)
                }
                fn dist(a: $t, b: $t) -> f64 {
                    (a - b).norm() as f64
                }
                fn mag(a: $t) -> f64 {
                    a.norm() as f64
                }
                fn eps() -> f64 {
                    <$r>::EPSILON as f64
                }
            }
        };
    }
    real!(f32);
    real!(f64);
    complex!(c32, f32);
    complex!(c64, f64);
}

#[test]
fn every_kernel_and_cublas_match_the_cpu_gemm() {
    let Some(dev) = device() else { return };
    let backends = Variant::ALL.map(Backend::Kernel);
    for v in backends
        .into_iter()
        .chain([Backend::Tiled, Backend::Cublas])
    {
        let supports = |p| match v {
            Backend::Kernel(k) => k.supports(p),
            _ => true,
        };
        if supports(Precision::F32) {
            check::<f32>(&dev, v);
        }
        if supports(Precision::F64) {
            check::<f64>(&dev, v);
        }
    }
}

#[test]
fn cublas_c32_matches_the_cpu_gemm() {
    let Some(dev) = device() else { return };
    check::<c32>(&dev, Backend::Cublas);
}

#[test]
fn cublas_c64_matches_the_cpu_gemm() {
    let Some(dev) = device() else { return };
    check::<c64>(&dev, Backend::Cublas);
}

#[test]
fn a_kernel_without_an_f32_version_is_refused() {
    let Some(dev) = device() else { return };
    let a = DeviceMatrix::<f32>::zeros(&dev, 2, 2).unwrap();
    let mut c = DeviceMatrix::<f32>::zeros(&dev, 2, 2).unwrap();
    let e = gemm(
        &dev,
        Backend::Kernel(Variant::Dmma),
        Trans::No,
        Trans::No,
        1.0,
        &a,
        &a,
        0.0,
        &mut c,
    )
    .unwrap_err();
    assert!(matches!(e, Error::Unsupported(_)), "{e:?}");
}

#[test]
fn complex_on_our_kernels_is_refused() {
    let Some(dev) = device() else { return };
    let a = DeviceMatrix::<c64>::zeros(&dev, 2, 2).unwrap();
    let mut c = DeviceMatrix::<c64>::zeros(&dev, 2, 2).unwrap();
    let e = gemm(
        &dev,
        Backend::Tiled,
        Trans::No,
        Trans::No,
        c64::new(1.0, 0.0),
        &a,
        &a,
        c64::new(0.0, 0.0),
        &mut c,
    )
    .unwrap_err();
    assert!(matches!(e, Error::Unsupported(_)), "{e:?}");
}

fn batched<T: GpuScalar + GemmScalar + num_like::Real>(
    dev: &Device,
    backend: Backend,
    repeat_b: bool,
) {
    let (batch, m, n, k) = (5, 33, 17, 29);
    let (sa, sb, sc) = (m * k + 3, if repeat_b { 0 } else { k * n }, m * n + 1);
    let a: Vec<T> = (0..batch * sa)
        .map(|i| T::of(((i * 7) % 13) as f64 - 6.0))
        .collect();
    let b: Vec<T> = (0..(batch * sb).max(k * n))
        .map(|i| T::of(((i * 5) % 11) as f64 - 5.0))
        .collect();
    let c0: Vec<T> = (0..batch * sc).map(|i| T::of((i % 3) as f64)).collect();
    let (alpha, beta) = (T::of(1.5), T::of(-1.0));
    let da = DeviceMatrix::from_host(dev, &a, a.len(), 1, a.len()).unwrap();
    let db = DeviceMatrix::from_host(dev, &b, b.len(), 1, b.len()).unwrap();
    let mut dc = DeviceMatrix::from_host(dev, &c0, c0.len(), 1, c0.len()).unwrap();
    gemm_batched(
        dev,
        backend,
        batch,
        Trans::No,
        Trans::No,
        alpha,
        (&da, (m, k), sa),
        (&db, (k, n), sb),
        beta,
        (&mut dc, (m, n), sc),
    )
    .unwrap();
    let got = dc.to_host(dev).unwrap();
    for i in 0..batch {
        let mut want = c0[i * sc..i * sc + m * n].to_vec();
        hpc_gemm::gemm_op(
            Trans::No,
            Trans::No,
            alpha,
            MatRef::from_col_major(&a[i * sa..i * sa + m * k], m, k, m).unwrap(),
            MatRef::from_col_major(&b[i * sb..i * sb + k * n], k, n, k).unwrap(),
            beta,
            MatMut::from_col_major(&mut want, m, n, m).unwrap(),
            Par::Seq,
        )
        .unwrap();
        for (e, (&g, &w)) in got[i * sc..i * sc + m * n].iter().zip(&want).enumerate() {
            assert!(
                T::dist(g, w) <= 1e-3 * (1.0 + T::mag(w)),
                "{backend:?}, B repeated: {repeat_b}, batch {i} element {e}: {g} vs {w}"
            );
        }
        // The padding between matrices of C is left alone.
        if i + 1 < batch {
            assert!(T::dist(got[i * sc + m * n], c0[i * sc + m * n]) == 0.0);
        }
    }
}

#[test]
fn strided_batched_matches_one_product_at_a_time() {
    let Some(dev) = device() else { return };
    for repeat_b in [false, true] {
        batched::<c32>(&dev, Backend::Cublas, repeat_b);
        batched::<c64>(&dev, Backend::Cublas, repeat_b);
        for backend in Variant::ALL
            .map(Backend::Kernel)
            .into_iter()
            .chain([Backend::Tiled, Backend::Cublas])
        {
            let supports = |p| match backend {
                Backend::Kernel(k) => k.supports(p),
                _ => true,
            };
            if supports(Precision::F32) {
                batched::<f32>(&dev, backend, repeat_b);
            }
            if supports(Precision::F64) {
                batched::<f64>(&dev, backend, repeat_b);
            }
        }
    }
}

/// `gemm_strided_batched` is `gemm_batched` on cuBLAS; more products than one launch's grid z
/// takes (65535) run in several launches, each product checked.
#[test]
fn batches_beyond_one_grid() {
    let Some(dev) = device() else { return };
    let (batch, n) = (70_000usize, 2usize);
    let a: Vec<f32> = (0..batch * n * n).map(|i| (i % 5) as f32).collect();
    let b: Vec<f32> = (0..n * n).map(|i| i as f32 + 1.0).collect();
    let da = DeviceMatrix::from_host(&dev, &a, a.len(), 1, a.len()).unwrap();
    let db = DeviceMatrix::from_host(&dev, &b, b.len(), 1, b.len()).unwrap();
    for backend in [Backend::Tiled, Backend::Cublas] {
        let mut dc = DeviceMatrix::<f32>::zeros(&dev, batch * n * n, 1).unwrap();
        let c = (&mut dc, (n, n), n * n);
        let (pa, pb) = ((&da, (n, n), n * n), (&db, (n, n), 0));
        if backend == Backend::Cublas {
            gemm_strided_batched(&dev, batch, Trans::No, Trans::No, 1.0, pa, pb, 0.0, c).unwrap();
        } else {
            gemm_batched(
                &dev,
                backend,
                batch,
                Trans::No,
                Trans::No,
                1.0,
                pa,
                pb,
                0.0,
                c,
            )
            .unwrap();
        }
        let got = dc.to_host(&dev).unwrap();
        for z in [0, 1, 65_534, 65_535, 65_536, batch - 1] {
            let x = &a[z * 4..z * 4 + 4];
            let want = [
                x[0] * b[0] + x[2] * b[1],
                x[1] * b[0] + x[3] * b[1],
                x[0] * b[2] + x[2] * b[3],
                x[1] * b[2] + x[3] * b[3],
            ];
            assert_eq!(&got[z * 4..z * 4 + 4], &want, "{backend:?}, product {z}");
        }
    }
}
