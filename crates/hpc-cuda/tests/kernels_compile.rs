//! Every kernel compiles with NVRTC to CUBIN for sm_80 (A100) and sm_90 (H100), in both
//! precisions, and ptxas's report shows no spills and resources within the launch contract.
//! Needs NVRTC, not a GPU: `cargo xtask test` installs NVRTC from PyPI and sets
//! `HPC_REQUIRE_NVRTC=1`, which makes its absence a failure instead of a skip.

use hpc_cuda::kernels::{Precision, Variant, compile, resources};

#[test]
fn every_kernel_compiles_for_sm80_and_sm90_without_spills() {
    if !hpc_cuda::probe().nvrtc {
        let why = hpc_cuda::describe(hpc_cuda::probe());
        assert!(
            std::env::var_os("HPC_REQUIRE_NVRTC").is_none(),
            "HPC_REQUIRE_NVRTC is set but NVRTC is missing: {why}"
        );
        println!("skipped: NVRTC is not loadable here ({why})");
        return;
    }
    let mut report = Vec::new();
    for v in Variant::ALL {
        for p in Precision::ALL.into_iter().filter(|&p| v.supports(p)) {
            for arch in ["sm_80", "sm_90"] {
                let c = compile(v, p, arch, true).unwrap_or_else(|e| panic!("{e}"));
                assert!(c.cubin.len() > 64, "{v:?} {p:?} {arch}: empty CUBIN");
                let r = resources(&c.log)
                    .unwrap_or_else(|| panic!("{v:?} {p:?} {arch}: no ptxas report in\n{}", c.log));
                let l = v.launch();
                let threads = l.block.0 * l.block.1;
                assert_eq!(
                    (r.spill_store_bytes, r.spill_load_bytes),
                    (0, 0),
                    "{v:?} {p:?} {arch} spills:\n{}",
                    c.log
                );
                assert!(
                    r.registers * threads <= 65536,
                    "{v:?} {p:?} {arch}: {} registers x {threads} threads exceed the register file",
                    r.registers
                );
                assert_eq!(
                    r.smem_bytes,
                    l.smem_elems * p.bytes(),
                    "{v:?} {p:?} {arch}: shared memory differs from the launch contract"
                );
                assert!(
                    r.smem_bytes <= 48 * 1024,
                    "{v:?} {p:?} {arch}: needs dynamic smem opt-in"
                );
                report.push(format!(
                    "{:<9} {:?} {arch}: {:3} registers, {:5} bytes smem, 0 spills",
                    v.function().trim_start_matches("gemm_"),
                    p,
                    r.registers,
                    r.smem_bytes
                ));
            }
        }
    }
    println!("{}", report.join("\n"));
}

#[test]
fn the_report_parser_reads_ptxas_lines() {
    let log = "ptxas info    : Compiling entry function 'gemm_vec' for 'sm_90'\n\
               ptxas info    : Function properties for gemm_vec\n\
               \x20   0 bytes stack frame, 8 bytes spill stores, 12 bytes spill loads\n\
               ptxas info    : Used 128 registers, 8192 bytes smem, 400 bytes cmem[0]\n";
    let r = resources(log).unwrap();
    assert_eq!(
        (
            r.registers,
            r.smem_bytes,
            r.spill_store_bytes,
            r.spill_load_bytes
        ),
        (128, 8192, 8, 12)
    );
    assert!(resources("nothing here").is_none());
}

#[test]
fn compiling_without_nvrtc_is_an_error_not_a_panic() {
    if hpc_cuda::probe().nvrtc {
        println!("skipped: NVRTC is present, so its absence cannot be observed");
        return;
    }
    let e = compile(Variant::Naive, Precision::F32, "sm_90", false).unwrap_err();
    assert!(matches!(e, hpc_cuda::Error::Unavailable(_)), "{e:?}");
    assert!(e.to_string().contains("LD_LIBRARY_PATH"), "{e}");
}
