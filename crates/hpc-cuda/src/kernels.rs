//! The CUDA C GEMM kernels (`src/kernels/*.cu`, each with its contract at the top), and their
//! compilation by NVRTC to CUBIN for one exact architecture (PTX from an NVRTC newer than the
//! driver would not load).
//!
//! A readable progression, slowest first: `Naive` (one thread per element), `Smem` (shared-
//! memory tiles), `Reg2d` (a 4 x 4 register block per thread), `Vec` (8 x 8 per thread,
//! vectorised loads), `WarpTile` (warp tiles, double-buffered shared memory), and for `f64`
//! `Dmma` (the FP64 tensor cores of sm_80 and later). Every kernel
//! computes `C = alpha op(A) op(B) + beta C` column-major for any m, n, k, transposes and
//! leading dimensions, with guarded loads and stores.

use std::ffi::CString;

use cudarc::nvrtc::{result, sys};

use crate::error::Error;

/// The code every kernel source is compiled with in front of it.
pub const PRELUDE: &str = include_str!("kernels/prelude.cuh");

/// Element type of a kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Precision {
    /// `float`.
    F32,
    /// `double`.
    F64,
}

impl Precision {
    /// Both, for loops over every kernel.
    pub const ALL: [Precision; 2] = [Precision::F32, Precision::F64];

    /// The element size in bytes.
    pub fn bytes(self) -> u32 {
        match self {
            Precision::F32 => 4,
            Precision::F64 => 8,
        }
    }

    /// The `-D` options that instantiate a kernel for this type.
    fn defines(self) -> [&'static str; 3] {
        match self {
            Precision::F32 => ["-DHPC_T=float", "-DHPC_VT=float4", "-DHPC_VN=4"],
            Precision::F64 => ["-DHPC_T=double", "-DHPC_VT=double2", "-DHPC_VN=2"],
        }
    }
}

/// One of the kernels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variant {
    /// `naive.cu`: one thread per element of C.
    Naive,
    /// `smem.cu`: 32 x 32 shared-memory tiles.
    Smem,
    /// `reg2d.cu`: 64 x 64 block tiles, 4 x 4 register blocks.
    Reg2d,
    /// `vec.cu`: 128 x 128 block tiles, 8 x 8 register blocks, vectorised loads.
    Vec,
    /// `warptile.cu`: warp tiles and double-buffered shared memory.
    WarpTile,
    /// `dmma.cu`: `f64` only, on the FP64 tensor cores (`mma.sync` m8n8k4, sm_80 and later).
    Dmma,
}

/// A kernel's launch contract (what its source assumes).
#[derive(Clone, Copy, Debug)]
pub struct Launch {
    /// Threads per block (x, y).
    pub block: (u32, u32),
    /// Rows and columns of C per block (the grid is `ceil(m / rows) x ceil(n / cols)`).
    pub tile: (u32, u32),
    /// Static shared memory per block, in elements of the kernel's type.
    pub smem_elems: u32,
}

impl Variant {
    /// Every kernel, slowest first.
    pub const ALL: [Variant; 6] = [
        Variant::Naive,
        Variant::Smem,
        Variant::Reg2d,
        Variant::Vec,
        Variant::WarpTile,
        Variant::Dmma,
    ];

    /// Whether the kernel exists for `p` (`Dmma` is `f64` only).
    pub fn supports(self, p: Precision) -> bool {
        self != Variant::Dmma || p == Precision::F64
    }

    /// The oldest compute capability (major) the kernel runs on.
    pub fn min_major(self) -> u32 {
        match self {
            Variant::Dmma => 8,
            _ => 5,
        }
    }

    /// The `extern "C"` function name.
    pub fn function(self) -> &'static str {
        match self {
            Variant::Naive => "gemm_naive",
            Variant::Smem => "gemm_smem",
            Variant::Reg2d => "gemm_reg2d",
            Variant::Vec => "gemm_vec",
            Variant::WarpTile => "gemm_warptile",
            Variant::Dmma => "gemm_dmma",
        }
    }

    /// The CUDA C source (without the prelude).
    pub fn source(self) -> &'static str {
        match self {
            Variant::Naive => include_str!("kernels/naive.cu"),
            Variant::Smem => include_str!("kernels/smem.cu"),
            Variant::Reg2d => include_str!("kernels/reg2d.cu"),
            Variant::Vec => include_str!("kernels/vec.cu"),
            Variant::WarpTile => include_str!("kernels/warptile.cu"),
            Variant::Dmma => include_str!("kernels/dmma.cu"),
        }
    }

    /// The launch configuration the source is written for (see each file's contract).
    pub fn launch(self) -> Launch {
        match self {
            Variant::Naive => Launch {
                block: (16, 16),
                tile: (16, 16),
                smem_elems: 0,
            },
            Variant::Smem => Launch {
                block: (32, 32),
                tile: (32, 32),
                smem_elems: 2 * 32 * 33,
            },
            Variant::Reg2d => Launch {
                block: (256, 1),
                tile: (64, 64),
                smem_elems: 2 * 16 * 64,
            },
            Variant::Vec => Launch {
                block: (256, 1),
                tile: (128, 128),
                smem_elems: 2 * 8 * 128,
            },
            Variant::WarpTile => Launch {
                block: (256, 1),
                tile: (128, 128),
                smem_elems: 2 * 2 * 8 * 128,
            },
            Variant::Dmma => Launch {
                block: (256, 1),
                tile: (128, 64),
                smem_elems: 2 * 8 * ((128 + 4) + (64 + 4)),
            },
        }
    }
}

/// A compiled kernel: the CUBIN and NVRTC's log (with `verbose`, ptxas's report of
/// registers, shared memory and spills).
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The CUBIN image.
    pub cubin: Vec<u8>,
    /// NVRTC's program log.
    pub log: String,
    /// The options used.
    pub options: Vec<String>,
}

/// The NVRTC options for a kernel.
pub fn options(p: Precision, arch: &str, verbose: bool) -> Vec<String> {
    let mut o: Vec<String> = vec![format!("--gpu-architecture={arch}"), "--std=c++17".into()];
    o.extend(p.defines().iter().map(|s| s.to_string()));
    if verbose {
        o.push("--ptxas-options=-v".into());
    }
    o
}

/// [`Error::Unsupported`] unless kernel `v` exists for `p` and runs on `arch` (`sm_XY`).
pub fn check_variant(v: Variant, p: Precision, arch: &str) -> Result<(), Error> {
    if !v.supports(p) {
        return Err(Error::Unsupported(format!(
            "the {} kernel has no {p:?} version",
            v.function()
        )));
    }
    let major = arch
        .strip_prefix("sm_")
        .and_then(|d| d.get(..d.len().saturating_sub(1)))
        .and_then(|d| d.parse::<u32>().ok())
        .unwrap_or(0);
    if major < v.min_major() {
        return Err(Error::Unsupported(format!(
            "the {} kernel needs sm_{}0 or later, not {arch}",
            v.function(),
            v.min_major()
        )));
    }
    Ok(())
}

/// Compiles `v` for `p` to CUBIN for `arch` (such as `sm_90`) with NVRTC.
///
/// # Errors
/// [`Error::Unsupported`] from [`check_variant`], [`Error::Unavailable`] when NVRTC cannot
/// be loaded, [`Error::Compile`] with NVRTC's log when the source does not compile.
pub fn compile(v: Variant, p: Precision, arch: &str, verbose: bool) -> Result<Compiled, Error> {
    check_variant(v, p, arch)?;
    let libs = crate::probe();
    if !libs.nvrtc {
        return Err(Error::Unavailable(crate::describe(libs)));
    }
    let src = CString::new(format!("{PRELUDE}\n{}", v.source()))
        .map_err(|_| Error::Nvrtc("a kernel source holds a NUL byte".into()))?;
    let name = CString::new(format!("{}.cu", v.function())).expect("no NUL in a name");
    let options = options(p, arch, verbose);
    let prog =
        result::create_program(&src, Some(&name)).map_err(|e| Error::Nvrtc(format!("{e:?}")))?;
    // SAFETY: `prog` is a live program until it is destroyed below; the log and CUBIN buffers
    // are sized by NVRTC's own size queries.
    unsafe {
        let compiled = result::compile_program(prog, &options);
        let log = result::get_program_log(prog)
            .map(|l| {
                let bytes: Vec<u8> = l.iter().map(|&c| c as u8).take_while(|&c| c != 0).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            })
            .unwrap_or_default();
        let out = match compiled {
            Err(_) => Err(Error::Compile {
                kernel: v.function(),
                options: options.clone(),
                log,
            }),
            Ok(()) => {
                let mut size = 0usize;
                let mut cubin = Vec::new();
                let r = sys::nvrtcGetCUBINSize(prog, &mut size)
                    .result()
                    .and_then(|()| {
                        cubin = vec![0u8; size];
                        sys::nvrtcGetCUBIN(prog, cubin.as_mut_ptr().cast()).result()
                    });
                r.map(|()| Compiled {
                    cubin,
                    log,
                    options: options.clone(),
                })
                .map_err(|e| Error::Nvrtc(format!("getting the CUBIN: {e:?}")))
            }
        };
        let _ = result::destroy_program(prog);
        out
    }
}

/// ptxas's resource report for one kernel, read from a verbose compile log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    /// Registers per thread.
    pub registers: u32,
    /// Static shared memory per block.
    pub smem_bytes: u32,
    /// Bytes spilled to local memory (stores).
    pub spill_store_bytes: u32,
    /// Bytes read back from spills.
    pub spill_load_bytes: u32,
}

/// Reads `Used N registers, M bytes smem` and `X bytes spill stores, Y bytes spill loads` from
/// ptxas's `-v` report; `None` if the log has no such report.
pub fn resources(log: &str) -> Option<Resources> {
    let number_before = |line: &str, word: &str| -> Option<u32> {
        let at = line.find(word)?;
        line[..at].split_whitespace().last()?.parse().ok()
    };
    let mut r = Resources::default();
    let mut seen = false;
    for line in log.lines() {
        if line.contains("registers") {
            r.registers = number_before(line, "registers")?;
            r.smem_bytes = number_before(line, "bytes smem").unwrap_or(0);
            seen = true;
        }
        if line.contains("spill stores") {
            r.spill_store_bytes = number_before(line, "bytes spill stores")?;
            r.spill_load_bytes = number_before(line, "bytes spill loads")?;
        }
    }
    seen.then_some(r)
}
