//! ISA detection and the kernel registry: which microkernel a GEMM of each type runs.
//!
//! The best ISA is detected once (`pulp`'s runtime detection). `HPC_FORCE_ISA=scalar|avx2|avx512`
//! (`scalar|neon` on aarch64; read once) forces a lower one, so that the fallback paths are
//! tested on a machine that has better; forcing an ISA the CPU lacks is refused with a message
//! on stderr, and the best available one runs instead.
//!
//! Each real type maps an ISA to its kernel ([`Family`]) and hands that kernel to the work
//! that asked for it ([`Visitor`], matrixmultiply's way): the driver, monomorphised per
//! kernel, is chosen once per call by one `match`, and the registry knows no driver. Every
//! SIMD path (the kernels, packing, the small products, trsm's leaves) runs under
//! [`selected_isa`], through [`Family::with_kernel`] or [`vectorize`].

use std::sync::OnceLock;

use hpc_core::Scalar;
use pulp::{Simd, WithSimd};

use crate::kernels::{Isa, Microkernel, Token, generic};
use crate::simd::KernelReal;

/// Runs `op` under the token of [`selected_isa`]: the one way, beside the kernels, that hpc-gemm
/// enters SIMD code, so that `HPC_FORCE_ISA` governs every path.
pub(crate) fn vectorize<Op: WithSimd>(op: Op) -> Op::Output {
    // SAFETY: `selected_isa` only returns available ISAs.
    unsafe { on_isa(selected_isa(), op) }
}

/// Runs `op` under `isa`'s token.
///
/// # Safety
/// `isa` is available.
pub(crate) unsafe fn on_isa<Op: WithSimd>(isa: Isa, op: Op) -> Op::Output {
    match isa {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the caller checked that AVX-512 is available.
        Isa::Avx512 => Simd::vectorize(unsafe { pulp::x86::V4::assume() }, op),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the caller checked that AVX2 is available.
        Isa::Avx2 => Simd::vectorize(unsafe { pulp::x86::V3::assume() }, op),
        #[cfg(target_arch = "aarch64")]
        // SAFETY: the caller checked that NEON is available.
        Isa::Neon => Simd::vectorize(unsafe { pulp::aarch64::Neon::assume() }, op),
        _ => Simd::vectorize(pulp::Scalar::new(), op),
    }
}

/// A scalar the fast GEMM handles (`f32`, `f64`, `c32`, `c64`): its real type has a kernel for
/// every ISA ([`Family`]).
pub trait GemmScalar: Scalar<Real: Family> {}
impl<T: Scalar<Real: Family>> GemmScalar for T {}

/// The best ISA this CPU has.
pub fn detected_isa() -> Isa {
    [Isa::Avx512, Isa::Avx2, Isa::Neon]
        .into_iter()
        .find(|isa| isa.available())
        .unwrap_or(Isa::Scalar)
}

/// The ISA GEMM runs with: `HPC_FORCE_ISA` if set and available, else [`detected_isa`].
pub fn selected_isa() -> Isa {
    static SELECTED: OnceLock<Isa> = OnceLock::new();
    *SELECTED.get_or_init(|| {
        let best = detected_isa();
        match std::env::var("HPC_FORCE_ISA") {
            Err(_) => best,
            Ok(v) => match Isa::parse(&v) {
                Some(isa) if isa.available() => isa,
                Some(isa) => {
                    eprintln!(
                        "hpc-gemm: HPC_FORCE_ISA={v}: this CPU lacks {}, using {}",
                        isa.name(),
                        best.name()
                    );
                    best
                }
                None => {
                    eprintln!(
                        "hpc-gemm: HPC_FORCE_ISA={v} is not one of scalar, avx2, avx512, neon; using {}",
                        best.name()
                    );
                    best
                }
            },
        }
    })
}

/// Work that runs with whichever kernel the registry picks ([`Family::with_kernel`]).
pub trait Visitor<R: KernelReal> {
    /// Runs with kernel `K`.
    ///
    /// # Safety
    /// `K::ISA` is available.
    unsafe fn visit<K: Microkernel<R>>(self);
}

/// A real type with a kernel for every ISA.
pub trait Family: KernelReal {
    /// Runs `work` with this type's kernel for `isa`.
    ///
    /// # Safety
    /// `isa` is available.
    unsafe fn with_kernel<V: Visitor<Self>>(isa: Isa, work: V);
    /// `(name, MR, NR)` of the kernel for `isa`.
    fn kernel(isa: Isa) -> (&'static str, usize, usize);
}

fn describe<R: KernelReal, K: Microkernel<R>>() -> (&'static str, usize, usize) {
    (K::NAME, K::MR, K::NR)
}

macro_rules! family {
    ($r:ty, scalar: $scalar:ty, avx2: $avx2:ty, avx512: $avx512:ty, neon: $neon:ty) => {
        impl Family for $r {
            unsafe fn with_kernel<V: Visitor<Self>>(isa: Isa, work: V) {
                match isa {
                    #[cfg(target_arch = "x86_64")]
                    // SAFETY: the caller checked that `isa` (AVX-512) is available.
                    Isa::Avx512 => unsafe { work.visit::<$avx512>() },
                    #[cfg(target_arch = "x86_64")]
                    // SAFETY: the caller checked that `isa` (AVX2) is available.
                    Isa::Avx2 => unsafe { work.visit::<$avx2>() },
                    #[cfg(target_arch = "aarch64")]
                    // SAFETY: the caller checked that `isa` (NEON) is available.
                    Isa::Neon => unsafe { work.visit::<$neon>() },
                    // SAFETY: the portable kernel runs everywhere.
                    _ => unsafe { work.visit::<$scalar>() },
                }
            }
            fn kernel(isa: Isa) -> (&'static str, usize, usize) {
                match isa {
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512 => describe::<$r, $avx512>(),
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx2 => describe::<$r, $avx2>(),
                    #[cfg(target_arch = "aarch64")]
                    Isa::Neon => describe::<$r, $neon>(),
                    _ => describe::<$r, $scalar>(),
                }
            }
        }
    };
}

// The slots of the other architecture's ISAs name the portable kernel: they are never
// selected there (`Isa::available` is false), and their match arms are compiled out.
#[cfg(target_arch = "x86_64")]
use crate::kernels::{x86_v3, x86_v4};

#[cfg(target_arch = "x86_64")]
family!(f64, scalar: generic::Dgemm4x4, avx2: x86_v3::Dgemm8x6, avx512: x86_v4::Dgemm16x14,
    neon: generic::Dgemm4x4);
#[cfg(target_arch = "x86_64")]
family!(f32, scalar: generic::Sgemm4x4, avx2: x86_v3::Sgemm16x6, avx512: x86_v4::Sgemm32x14,
    neon: generic::Sgemm4x4);
#[cfg(target_arch = "aarch64")]
family!(f64, scalar: generic::Dgemm4x4, avx2: generic::Dgemm4x4, avx512: generic::Dgemm4x4,
    neon: crate::kernels::neon::Dgemm8x6);
#[cfg(target_arch = "aarch64")]
family!(f32, scalar: generic::Sgemm4x4, avx2: generic::Sgemm4x4, avx512: generic::Sgemm4x4,
    neon: crate::kernels::neon::Sgemm16x6);
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
family!(f64, scalar: generic::Dgemm4x4, avx2: generic::Dgemm4x4, avx512: generic::Dgemm4x4,
    neon: generic::Dgemm4x4);
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
family!(f32, scalar: generic::Sgemm4x4, avx2: generic::Sgemm4x4, avx512: generic::Sgemm4x4,
    neon: generic::Sgemm4x4);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isa_names_round_trip() {
        for isa in [Isa::Scalar, Isa::Avx2, Isa::Avx512, Isa::Neon] {
            assert_eq!(Isa::parse(isa.name()), Some(isa));
        }
        assert_eq!(Isa::parse(" AVX512\n"), Some(Isa::Avx512));
        assert_eq!(Isa::parse("sse9"), None);
    }

    #[test]
    fn selection_is_available() {
        assert!(selected_isa().available());
        assert!(detected_isa() >= selected_isa());
        let (name, mr, nr) = f64::kernel(selected_isa());
        assert!(name.starts_with("dgemm_") && mr > 0 && nr > 0);
    }
}
