//! The narrow interface between the generic kernels and `pulp`'s SIMD abstraction.
//!
//! [`KernelReal`] maps a real element type (`f32`, `f64`) to its `pulp` vector type and the
//! vector operations the GEMM kernels need. Complex types reach the kernels through the 1m
//! method (see `pack.rs`), so only the two real types need vector code. [`crate::registry::GemmScalar`] is the
//! bound the driver is written against: any hpc scalar whose real type has kernels.

use hpc_core::{RealScalar, Scalar};
use pulp::Simd;

/// A real type with SIMD kernels: `f32` or `f64`.
pub trait KernelReal: RealScalar + bytemuck::Pod {
    /// The vector of this type for ISA `S` (`S::f64s` for `f64`).
    type V<S: Simd>: Copy + bytemuck::Pod;
    /// All lanes set to `x`.
    fn v_splat<S: Simd>(simd: S, x: Self) -> Self::V<S>;
    /// `a * b + c`, fused where the ISA has FMA (every kernel ISA but the portable one).
    fn v_mul_add<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>, c: Self::V<S>) -> Self::V<S>;
    /// `a * b`.
    fn v_mul<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>) -> Self::V<S>;
    /// `a + b`.
    fn v_add<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>) -> Self::V<S>;
    /// `a - b`.
    fn v_sub<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>) -> Self::V<S>;
    /// `|a|`, lane by lane (a sign clear: exact, NaN stays NaN).
    fn v_abs<S: Simd>(simd: S, a: Self::V<S>) -> Self::V<S>;
    /// The lanes where `a < b` (false where either is NaN).
    fn v_lt<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>) -> Self::M<S>;
    /// `t` in the lanes of `mask`, `f` in the others.
    fn v_select<S: Simd>(simd: S, mask: Self::M<S>, t: Self::V<S>, f: Self::V<S>) -> Self::V<S>;
    /// A lane mask of ISA `S` for this type's vectors.
    type M<S: Simd>: Copy;
    /// The mask of the first `len` lanes (`len <= lanes`). Made once per block, outside the
    /// loops that use it: the masked loads and stores below are then one instruction each on
    /// AVX-512 (AVX2: `vmaskmov`), where pulp's `partial_load`/`partial_store` go through a
    /// call per access.
    fn v_mask_first<S: Simd>(simd: S, len: usize) -> Self::M<S>;
    /// Loads the lanes of `mask` from `p`, zero in the others.
    ///
    /// # Safety
    /// The elements of the lanes in `mask` are readable from `p`.
    unsafe fn v_load_masked<S: Simd>(simd: S, mask: Self::M<S>, p: *const Self) -> Self::V<S>;
    /// Stores the lanes of `mask` of `v` to `p`.
    ///
    /// # Safety
    /// The elements of the lanes in `mask` are writable at `p`.
    unsafe fn v_store_masked<S: Simd>(simd: S, mask: Self::M<S>, p: *mut Self, v: Self::V<S>);
    /// Swaps lanes 2i and 2i + 1 (re and im of interleaved complex numbers). Only for ISAs
    /// whose vectors hold at least two lanes; with one lane, `v` unchanged.
    fn v_swap_pairs<S: Simd>(simd: S, v: Self::V<S>) -> Self::V<S>;
    /// Negates lanes 2i + 1 (the im of interleaved complex numbers), a sign flip (exact, NaN
    /// included). Only for ISAs whose vectors hold at least two lanes; with one lane, `v`
    /// unchanged.
    fn v_conj_pairs<S: Simd>(simd: S, v: Self::V<S>) -> Self::V<S>;
}

macro_rules! kernel_real {
    ($t:ty, $v:ident, $splat:ident, $fma:ident, $mul:ident, $add:ident, $sub:ident, $abs:ident,
     $flt:ident, $sel:ident, $c:ident, $swap:ident, $conj:ident,
     $u:ty, $m:ident, $us:ident, $splat_u:ident, $lt:ident, $ml:ident, $ms:ident) => {
        impl KernelReal for $t {
            type V<S: Simd> = S::$v;
            type M<S: Simd> = S::$m;
            #[inline(always)]
            fn v_mask_first<S: Simd>(simd: S, len: usize) -> Self::M<S> {
                const IOTA: [$u; 64] = {
                    let mut a = [0; 64];
                    let mut i = 0;
                    while i < 64 {
                        a[i] = i as $u;
                        i += 1;
                    }
                    a
                };
                let lanes = size_of::<S::$us>() / size_of::<$u>();
                let iota: S::$us =
                    bytemuck::pod_read_unaligned(bytemuck::cast_slice(&IOTA[..lanes]));
                simd.$lt(iota, simd.$splat_u(len as $u))
            }
            #[inline(always)]
            unsafe fn v_load_masked<S: Simd>(
                simd: S,
                mask: Self::M<S>,
                p: *const Self,
            ) -> Self::V<S> {
                // SAFETY: forwarded (the masked lanes are readable).
                unsafe { simd.$ml(pulp::MemMask::new(mask), p) }
            }
            #[inline(always)]
            unsafe fn v_store_masked<S: Simd>(
                simd: S,
                mask: Self::M<S>,
                p: *mut Self,
                v: Self::V<S>,
            ) {
                // SAFETY: forwarded (the masked lanes are writable).
                unsafe { simd.$ms(pulp::MemMask::new(mask), p, v) }
            }
            #[inline(always)]
            fn v_splat<S: Simd>(simd: S, x: Self) -> Self::V<S> {
                simd.$splat(x)
            }
            #[inline(always)]
            fn v_mul_add<S: Simd>(
                simd: S,
                a: Self::V<S>,
                b: Self::V<S>,
                c: Self::V<S>,
            ) -> Self::V<S> {
                simd.$fma(a, b, c)
            }
            #[inline(always)]
            fn v_mul<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>) -> Self::V<S> {
                simd.$mul(a, b)
            }
            #[inline(always)]
            fn v_add<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>) -> Self::V<S> {
                simd.$add(a, b)
            }
            #[inline(always)]
            fn v_sub<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>) -> Self::V<S> {
                simd.$sub(a, b)
            }
            #[inline(always)]
            fn v_abs<S: Simd>(simd: S, a: Self::V<S>) -> Self::V<S> {
                simd.$abs(a)
            }
            #[inline(always)]
            fn v_lt<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>) -> Self::M<S> {
                simd.$flt(a, b)
            }
            #[inline(always)]
            fn v_select<S: Simd>(
                simd: S,
                mask: Self::M<S>,
                t: Self::V<S>,
                f: Self::V<S>,
            ) -> Self::V<S> {
                simd.$sel(mask, t, f)
            }
            #[inline(always)]
            fn v_swap_pairs<S: Simd>(simd: S, v: Self::V<S>) -> Self::V<S> {
                // pulp's complex vectors are the same registers as its real ones on every SIMD
                // ISA; on the portable one (one real per vector) there is nothing to swap.
                if size_of::<S::$c>() == size_of::<Self::V<S>>() {
                    bytemuck::cast(simd.$swap(bytemuck::cast(v)))
                } else {
                    v
                }
            }
            #[inline(always)]
            fn v_conj_pairs<S: Simd>(simd: S, v: Self::V<S>) -> Self::V<S> {
                // As above.
                if size_of::<S::$c>() == size_of::<Self::V<S>>() {
                    bytemuck::cast(simd.$conj(bytemuck::cast(v)))
                } else {
                    v
                }
            }
        }
    };
}
kernel_real!(
    f32,
    f32s,
    splat_f32s,
    mul_add_e_f32s,
    mul_f32s,
    add_f32s,
    sub_f32s,
    abs_f32s,
    less_than_f32s,
    select_f32s,
    c32s,
    swap_re_im_c32s,
    conj_c32s,
    u32,
    m32s,
    u32s,
    splat_u32s,
    less_than_u32s,
    mask_load_ptr_f32s,
    mask_store_ptr_f32s
);
kernel_real!(
    f64,
    f64s,
    splat_f64s,
    mul_add_e_f64s,
    mul_f64s,
    add_f64s,
    sub_f64s,
    abs_f64s,
    less_than_f64s,
    select_f64s,
    c64s,
    swap_re_im_c64s,
    conj_c64s,
    u64,
    m64s,
    u64s,
    splat_u64s,
    less_than_u64s,
    mask_load_ptr_f64s,
    mask_store_ptr_f64s
);

/// Number of `T` lanes in one vector of ISA `S`.
#[inline(always)]
pub const fn lanes<S: Simd, T: KernelReal>() -> usize {
    core::mem::size_of::<T::V<S>>() / core::mem::size_of::<T>()
}

/// Real elements per element of `T`: 1 for real types, 2 for complex ones (the 1m factor).
#[inline(always)]
pub const fn factor<T: Scalar>() -> usize {
    if T::IS_COMPLEX { 2 } else { 1 }
}

/// Asks the CPU to bring the cache line holding `p` into L1 (a no-op on other architectures).
/// A hint only: it never faults, whatever the address, so `p` need not be valid.
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    prefetch_hint::<{ core::arch::x86_64::_MM_HINT_T0 }, T>(p);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// As [`prefetch`], into L2 only (PREFETCHT1): for data needed a while from now, without
/// crowding L1.
#[inline(always)]
pub(crate) fn prefetch_l2<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    prefetch_hint::<{ core::arch::x86_64::_MM_HINT_T1 }, T>(p);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// PREFETCH with locality hint `HINT` for the line holding `p`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn prefetch_hint<const HINT: i32, T>(p: *const T) {
    // SAFETY: PREFETCHh is an SSE instruction (baseline on x86-64) and never faults.
    unsafe { core::arch::x86_64::_mm_prefetch::<HINT>(p as *const i8) };
}
