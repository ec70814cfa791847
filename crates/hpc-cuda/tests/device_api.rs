//! The device API's checks that need no GPU: shapes and storage are validated before anything
//! reaches the driver, and opening a device without CUDA is an error, not a panic.

use hpc_core::Trans;
use hpc_cuda::device::{check_batch, check_gemm_shapes, check_storage};
use hpc_cuda::{Device, Error};

#[test]
fn gemm_shapes_are_checked() {
    assert_eq!(
        check_gemm_shapes(Trans::No, Trans::No, (4, 3), (3, 5), (4, 5)),
        Ok((4, 5, 3))
    );
    assert_eq!(
        check_gemm_shapes(Trans::Trans, Trans::Trans, (3, 4), (5, 3), (4, 5)),
        Ok((4, 5, 3))
    );
    assert_eq!(
        check_gemm_shapes(Trans::ConjTrans, Trans::No, (3, 4), (3, 5), (4, 5)),
        Ok((4, 5, 3))
    );
    assert_eq!(
        check_gemm_shapes(Trans::No, Trans::No, (0, 3), (3, 0), (0, 0)),
        Ok((0, 0, 3))
    );
    let e = check_gemm_shapes(Trans::No, Trans::No, (4, 3), (2, 5), (4, 5)).unwrap_err();
    assert!(
        matches!(&e, Error::Shape(m) if m.contains("op(A) is 4 x 3, op(B) is 2 x 5")),
        "{e}"
    );
    let e = check_gemm_shapes(Trans::No, Trans::No, (4, 3), (3, 5), (5, 4)).unwrap_err();
    assert!(
        matches!(&e, Error::Shape(m) if m.contains("C is 5 x 4")),
        "{e}"
    );
}

#[test]
fn storage_is_checked() {
    assert_eq!(check_storage("a", 3, 2, 4, 7), Ok(7));
    assert_eq!(check_storage("a", 0, 5, 1, 0), Ok(0));
    let e = check_storage("a", 3, 2, 2, 100).unwrap_err();
    assert!(
        e.to_string()
            .contains("leading dimension 2 < max(1, rows = 3)"),
        "{e}"
    );
    let e = check_storage("a", 3, 2, 4, 6).unwrap_err();
    assert!(e.to_string().contains("needs 7 elements, got 6"), "{e}");
    let e = check_storage("a", 1 << 31, 1, 1 << 31, usize::MAX).unwrap_err();
    assert!(e.to_string().contains("2^31"), "{e}");
}

#[test]
fn opening_a_device_without_cuda_is_an_error() {
    let libs = hpc_cuda::probe();
    match Device::new(0) {
        Ok(d) => println!("a device is present ({}): nothing to check here", d.arch()),
        Err(Error::Unavailable(why)) => {
            assert!(!(libs.driver && libs.nvrtc));
            assert!(why.contains("LD_LIBRARY_PATH"), "{why}");
        }
        Err(e) => {
            assert!(libs.driver && libs.nvrtc, "{e}");
            println!("libraries present, no usable device: {e}");
        }
    }
}

#[test]
fn batched_layouts_are_checked() {
    assert_eq!(check_batch("A", 3, (4, 5), 20, 60, false), Ok(()));
    assert_eq!(check_batch("A", 0, (4, 5), 20, 0, false), Ok(()));
    // Stride 0 repeats one A or B (20 elements suffice), never one C.
    assert_eq!(check_batch("A", 3, (4, 5), 0, 20, true), Ok(()));
    let e = check_batch("C", 3, (4, 5), 0, 1000, false).unwrap_err();
    assert!(e.to_string().contains("stride 0 < one matrix's 20"), "{e}");
    let e = check_batch("A", 3, (4, 5), 0, 19, true).unwrap_err();
    assert!(e.to_string().contains("the buffer has 19"), "{e}");
    let e = check_batch("A", 3, (4, 5), 19, 1000, true).unwrap_err();
    assert!(
        e.to_string()
            .contains("stride 19 < one matrix's 20 elements"),
        "{e}"
    );
    let e = check_batch("C", 3, (4, 5), 25, 69, false).unwrap_err();
    assert!(
        e.to_string()
            .contains("need 70 elements, the buffer has 69"),
        "{e}"
    );
}

#[test]
fn the_tiled_backend_picks_its_kernel_by_precision_size_and_gpu() {
    use hpc_cuda::Backend;
    use hpc_cuda::kernels::{Precision, Variant};
    let f32k = |m, n| Backend::tiled_kernel(Precision::F32, m, n, 132, 9);
    // 132 multiprocessors (H100 SXM, H200): 1024 x 1024 is 64 blocks of 128 x 128.
    assert_eq!(f32k(1024, 1024), Variant::Reg2d);
    assert_eq!(f32k(2048, 2048), Variant::WarpTile);
    // 12 x 11 blocks = 132: exactly one per multiprocessor.
    assert_eq!(f32k(1536, 1281), Variant::WarpTile);
    assert_eq!(f32k(1536, 1280), Variant::Reg2d);
    assert_eq!(f32k(100_000, 1), Variant::WarpTile);
    // f64 runs on the tensor cores from sm_80, on the f32 rule before.
    let f64k = |m, n, sms, major| Backend::tiled_kernel(Precision::F64, m, n, sms, major);
    assert_eq!(f64k(64, 64, 132, 9), Variant::Dmma);
    assert_eq!(f64k(4096, 4096, 108, 8), Variant::Dmma);
    assert_eq!(f64k(4096, 4096, 80, 7), Variant::WarpTile);
    assert_eq!(f64k(512, 512, 80, 7), Variant::Reg2d);
    for p in Precision::ALL {
        for major in [7, 8, 9] {
            for (m, n) in [(1, 1), (64, 64), (1024, 1024), (4096, 4096)] {
                let v = Backend::tiled_kernel(p, m, n, 132, major);
                assert!(
                    v.supports(p),
                    "Tiled picks {v:?}, which has no {p:?} version"
                );
                assert!(major >= v.min_major(), "Tiled picks {v:?} on sm_{major}0");
            }
        }
    }
}

#[test]
fn kernels_that_do_not_exist_for_a_type_or_gpu_are_refused_before_compiling() {
    use hpc_cuda::kernels::{Precision, Variant, check_variant};
    assert!(Variant::Dmma.supports(Precision::F64) && !Variant::Dmma.supports(Precision::F32));
    assert!(
        Variant::ALL
            .iter()
            .filter(|&&v| v != Variant::Dmma)
            .all(|v| v.supports(Precision::F32))
    );
    let e = check_variant(Variant::Dmma, Precision::F32, "sm_90").unwrap_err();
    assert!(
        matches!(&e, Error::Unsupported(m) if m.contains("gemm_dmma") && m.contains("F32")),
        "{e}"
    );
    let e = check_variant(Variant::Dmma, Precision::F64, "sm_75").unwrap_err();
    assert!(
        matches!(&e, Error::Unsupported(m) if m.contains("sm_80")),
        "{e}"
    );
    assert!(check_variant(Variant::Dmma, Precision::F64, "sm_80").is_ok());
    assert!(check_variant(Variant::Dmma, Precision::F64, "sm_100").is_ok());
    assert!(check_variant(Variant::WarpTile, Precision::F32, "sm_75").is_ok());
}

#[test]
fn scalars_reach_cublas_16_byte_aligned() {
    use hpc_core::{c32, c64};
    use hpc_cuda::device::Aligned;
    // cuBLAS reads `cuDoubleComplex` alpha and beta with aligned 16-byte loads; Rust's c64 is
    // only 8-byte aligned on its own.
    assert_eq!(std::mem::align_of::<Aligned<c64>>(), 16);
    assert_eq!(std::mem::align_of::<Aligned<c32>>(), 16);
    assert_eq!(std::mem::align_of::<Aligned<f64>>(), 16);
    let pair = [Aligned(c64::new(1.0, 2.0)), Aligned(c64::new(3.0, 4.0))];
    for x in &pair {
        assert_eq!(std::ptr::from_ref(&x.0) as usize % 16, 0);
    }
}
