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
    /// The mask of lanes `start ..< end` (`start <= end <= lanes`).
    fn v_mask_between<S: Simd>(simd: S, start: usize, end: usize) -> Self::M<S>;
    /// The lanes of `v` rotated down by `amount`: lane k of the result is lane
    /// `(k + amount) % lanes` of `v`.
    fn v_rotate_down<S: Simd>(simd: S, v: Self::V<S>, amount: usize) -> Self::V<S>;
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
     $u:ty, $m:ident, $us:ident, $splat_u:ident, $lt:ident, $ml:ident, $ms:ident, $rot:ident) => {
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
            fn v_rotate_down<S: Simd>(simd: S, v: Self::V<S>, amount: usize) -> Self::V<S> {
                bytemuck::cast(simd.$rot(bytemuck::cast(v), amount))
            }
            #[inline(always)]
            fn v_mask_between<S: Simd>(simd: S, start: usize, end: usize) -> Self::M<S> {
                // Lane k reads k - start from the second half, or the largest value (never
                // below end - start) from the first, for k < start.
                const SHIFTED: [$u; 128] = {
                    let mut a = [<$u>::MAX; 128];
                    let mut i = 0;
                    while i < 64 {
                        a[64 + i] = i as $u;
                        i += 1;
                    }
                    a
                };
                let lanes = size_of::<S::$us>() / size_of::<$u>();
                let from = 64 - start;
                let shifted: S::$us = bytemuck::pod_read_unaligned(bytemuck::cast_slice(
                    &SHIFTED[from..from + lanes],
                ));
                simd.$lt(shifted, simd.$splat_u((end - start) as $u))
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
    mask_store_ptr_f32s,
    rotate_left_u32s
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
    mask_store_ptr_f64s,
    rotate_left_u64s
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

/// `out[c] = ((0 + v[c][f]) + v[c][f + 1]) + ... + v[c][f - 1]` for each of the `C` vectors,
/// `f = first`: the lanes added in order from zero, starting at lane `first` and wrapping
/// around, as a scalar loop adds them, so the same bits. Where the ISA has an in-lane transpose
/// here (AVX-512 and AVX2), `Q` vectors at a time (`Q` the reals of 128 bits) are transposed in
/// each 128-bit lane so that `Q` columns add as one short vector; the rest one lane at a time.
/// A kernel that ends in many such sums (`DotXF`: one a column a pass) spends most of its
/// epilogue here.
#[inline(always)]
pub(crate) fn sum_lanes_in_order<S: Simd, R: KernelReal, const C: usize>(
    simd: S,
    v: &[R::V<S>; C],
    first: usize,
    out: &mut [R],
) {
    const Q_MAX: usize = 4;
    let (l, q) = (lanes::<S, R>(), 16 / size_of::<R>());
    // No closures here: they would not inherit the caller's target features.
    let mut rotated = *v;
    if first != 0 {
        for x in rotated.iter_mut() {
            *x = R::v_rotate_down(simd, *x, first);
        }
    }
    let v = &rotated;
    let mut c0 = 0;
    let mut buf = [R::zero(); 4 * 16];
    while c0 + q <= C && transpose_in_lanes::<S, R>(simd, &v[c0..c0 + q], &mut buf) {
        // Lane p = g * q + i of v[c0 + c] is buf[i * l + g * q + c].
        let mut t = [R::zero(); Q_MAX];
        for g in 0..l / q {
            for i in 0..q {
                for c in 0..q {
                    t[c] += buf[i * l + g * q + c];
                }
            }
        }
        out[c0..c0 + q].copy_from_slice(&t[..q]);
        c0 += q;
    }
    for c in c0..C {
        let lanes: &[R] = bytemuck::cast_slice(core::slice::from_ref(&v[c]));
        out[c] = lanes.iter().fold(R::zero(), |t, &x| t + x);
    }
}

/// For each vector of `v`, its lanes added halves onto halves down to two: lane `k + L/2`
/// onto lane `k`, then `k + L/4` onto `k`, and so on (`L` lanes), so `out[c]` holds the sums of
/// the even and of the odd lanes, each in that fixed order (with one lane: `[lane, 0]`). Under
/// AVX-512, eight (f32) or four (f64) vectors share each add after a shuffle of their 128-bit
/// chunks; elsewhere one vector at a time.
#[inline(always)]
pub(crate) fn fold_to_pairs<S: Simd, R: KernelReal>(simd: S, v: &[R::V<S>], out: &mut [[R; 2]]) {
    let n = v.len().min(out.len());
    #[cfg_attr(not(target_arch = "x86_64"), allow(unused_mut))]
    let mut c0 = 0;
    #[cfg(not(target_arch = "x86_64"))]
    let _ = simd;
    #[cfg(target_arch = "x86_64")]
    if core::any::TypeId::of::<S>() == core::any::TypeId::of::<pulp::x86::V4>() {
        let group = 64 / 2 / size_of::<R>(); // vectors whose pairs fill one vector
        let mut res = [R::zero(); 16];
        while c0 + group <= n {
            // SAFETY: S is V4, and v[c0 ..< c0 + group] exist.
            unsafe { fold_to_pairs_v4::<S, R>(simd, v[c0..c0 + group].as_ptr(), &mut res) };
            for (g, o) in out[c0..c0 + group].iter_mut().enumerate() {
                *o = [res[2 * g], res[2 * g + 1]];
            }
            c0 += group;
        }
    }
    for c in c0..n {
        let lanes: &[R] = bytemuck::cast_slice(core::slice::from_ref(&v[c]));
        let mut buf = [R::zero(); 16];
        let mut w = lanes.len();
        buf[..w].copy_from_slice(lanes);
        while w > 2 {
            w /= 2;
            for k in 0..w {
                let hi = buf[k + w];
                buf[k] += hi;
            }
        }
        out[c] = [buf[0], buf[1]];
    }
}

/// [`fold_to_pairs`] of 8 (f32) or 4 (f64) AVX-512 vectors at `v`, written to `res` in their
/// order: vector g's pair at `res[2 g ..]`.
///
/// # Safety
/// `S` is pulp's V4, and the vectors exist.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn fold_to_pairs_v4<S: Simd, R: KernelReal>(simd: S, v: *const R::V<S>, res: &mut [R; 16]) {
    use core::arch::x86_64::{__m512, __m512d};
    use core::mem::transmute_copy;
    // SAFETY: S is V4 (so its vectors are __m512 / __m512d), the vectors exist, and res holds
    // the 64 bytes written.
    unsafe {
        let f = transmute_copy::<S, pulp::x86::V4>(&simd).avx512f;
        // Chunk selectors (128 bits each) of shuffle_f*x*(a, b): [a0 a1 b0 b1] + [a2 a3 b2 b3]
        // adds the upper half of a vector onto its lower; [a0 a2 b0 b2] + [a1 a3 b1 b3] then
        // does the same inside each half.
        const LO: i32 = 0b01_00_01_00;
        const HI: i32 = 0b11_10_11_10;
        const EVEN: i32 = 0b10_00_10_00;
        const ODD: i32 = 0b11_01_11_01;
        // No closures: they would not inherit the caller's target features.
        if size_of::<R>() == 4 {
            let w = v.cast::<__m512>();
            // 16 -> 8 lanes, two vectors a register.
            let mut h = [f._mm512_setzero_ps(); 4];
            for (k, h) in h.iter_mut().enumerate() {
                let (a, b) = (
                    w.add(2 * k).read_unaligned(),
                    w.add(2 * k + 1).read_unaligned(),
                );
                *h = f._mm512_add_ps(
                    f._mm512_shuffle_f32x4::<LO>(a, b),
                    f._mm512_shuffle_f32x4::<HI>(a, b),
                );
            }
            // 8 -> 4 lanes: chunk g of q[k] is vector 4 k + g.
            let q0 = f._mm512_add_ps(
                f._mm512_shuffle_f32x4::<EVEN>(h[0], h[1]),
                f._mm512_shuffle_f32x4::<ODD>(h[0], h[1]),
            );
            let q1 = f._mm512_add_ps(
                f._mm512_shuffle_f32x4::<EVEN>(h[2], h[3]),
                f._mm512_shuffle_f32x4::<ODD>(h[2], h[3]),
            );
            // 4 -> 2 lanes: chunk g holds vector g's pair, then vector 4 + g's.
            let (a, b) = (f._mm512_castps_pd(q0), f._mm512_castps_pd(q1));
            let r = f._mm512_add_ps(
                f._mm512_castpd_ps(f._mm512_unpacklo_pd(a, b)),
                f._mm512_castpd_ps(f._mm512_unpackhi_pd(a, b)),
            );
            let mut lanes = [R::zero(); 16];
            lanes.as_mut_ptr().cast::<__m512>().write_unaligned(r);
            for g in 0..4 {
                res[2 * g..2 * g + 2].copy_from_slice(&lanes[4 * g..4 * g + 2]);
                res[8 + 2 * g..8 + 2 * g + 2].copy_from_slice(&lanes[4 * g + 2..4 * g + 4]);
            }
        } else {
            let w = v.cast::<__m512d>();
            // 8 -> 4 lanes, two vectors a register.
            let mut h = [f._mm512_setzero_pd(); 2];
            for (k, h) in h.iter_mut().enumerate() {
                let (a, b) = (
                    w.add(2 * k).read_unaligned(),
                    w.add(2 * k + 1).read_unaligned(),
                );
                *h = f._mm512_add_pd(
                    f._mm512_shuffle_f64x2::<LO>(a, b),
                    f._mm512_shuffle_f64x2::<HI>(a, b),
                );
            }
            // 4 -> 2 lanes: chunk g holds vector g's pair.
            let r = f._mm512_add_pd(
                f._mm512_shuffle_f64x2::<EVEN>(h[0], h[1]),
                f._mm512_shuffle_f64x2::<ODD>(h[0], h[1]),
            );
            res.as_mut_ptr().cast::<__m512d>().write_unaligned(r);
        }
    }
}

/// With `Q = 16 / size_of::<R>()` vectors of `L` lanes in `v`: writes lane `g * Q + i` of
/// `v[c]` to `buf[i * L + g * Q + c]` (a `Q x Q` transpose inside each 128-bit lane) and
/// returns true, or returns false where this ISA has no such transpose here.
#[inline(always)]
fn transpose_in_lanes<S: Simd, R: KernelReal>(simd: S, v: &[R::V<S>], buf: &mut [R; 64]) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        use core::any::TypeId;
        use core::mem::transmute_copy;
        use pulp::x86::{V3, V4};
        let (s, r) = (TypeId::of::<S>(), TypeId::of::<R>());
        let out = buf.as_mut_ptr().cast::<u8>();
        if s == TypeId::of::<V4>() {
            // SAFETY: S is V4 (so AVX-512F is present, and its vectors are __m512 / __m512d),
            // and buf holds the 4 x 64 (f32) or 2 x 64 (f64) bytes written.
            unsafe {
                let f = transmute_copy::<S, V4>(&simd).avx512f;
                if r == TypeId::of::<f32>() {
                    let [a, b, c, d]: [core::arch::x86_64::__m512; 4] =
                        core::array::from_fn(|k| transmute_copy(&v[k]));
                    let (ab_lo, ab_hi) = (f._mm512_unpacklo_ps(a, b), f._mm512_unpackhi_ps(a, b));
                    let (cd_lo, cd_hi) = (f._mm512_unpacklo_ps(c, d), f._mm512_unpackhi_ps(c, d));
                    let pd = |x| f._mm512_castps_pd(x);
                    let rows = [
                        f._mm512_unpacklo_pd(pd(ab_lo), pd(cd_lo)),
                        f._mm512_unpackhi_pd(pd(ab_lo), pd(cd_lo)),
                        f._mm512_unpacklo_pd(pd(ab_hi), pd(cd_hi)),
                        f._mm512_unpackhi_pd(pd(ab_hi), pd(cd_hi)),
                    ];
                    core::ptr::copy_nonoverlapping(rows.as_ptr().cast::<u8>(), out, 256);
                } else {
                    let [a, b]: [core::arch::x86_64::__m512d; 2] =
                        core::array::from_fn(|k| transmute_copy(&v[k]));
                    let rows = [f._mm512_unpacklo_pd(a, b), f._mm512_unpackhi_pd(a, b)];
                    core::ptr::copy_nonoverlapping(rows.as_ptr().cast::<u8>(), out, 128);
                }
            }
            return true;
        }
        if s == TypeId::of::<V3>() {
            // SAFETY: as above, with AVX (__m256 / __m256d) and 4 x 32 or 2 x 32 bytes.
            unsafe {
                let f = transmute_copy::<S, V3>(&simd).avx;
                if r == TypeId::of::<f32>() {
                    let [a, b, c, d]: [core::arch::x86_64::__m256; 4] =
                        core::array::from_fn(|k| transmute_copy(&v[k]));
                    let (ab_lo, ab_hi) = (f._mm256_unpacklo_ps(a, b), f._mm256_unpackhi_ps(a, b));
                    let (cd_lo, cd_hi) = (f._mm256_unpacklo_ps(c, d), f._mm256_unpackhi_ps(c, d));
                    let pd = |x| f._mm256_castps_pd(x);
                    let rows = [
                        f._mm256_unpacklo_pd(pd(ab_lo), pd(cd_lo)),
                        f._mm256_unpackhi_pd(pd(ab_lo), pd(cd_lo)),
                        f._mm256_unpacklo_pd(pd(ab_hi), pd(cd_hi)),
                        f._mm256_unpackhi_pd(pd(ab_hi), pd(cd_hi)),
                    ];
                    core::ptr::copy_nonoverlapping(rows.as_ptr().cast::<u8>(), out, 128);
                } else {
                    let [a, b]: [core::arch::x86_64::__m256d; 2] =
                        core::array::from_fn(|k| transmute_copy(&v[k]));
                    let rows = [f._mm256_unpacklo_pd(a, b), f._mm256_unpackhi_pd(a, b)];
                    core::ptr::copy_nonoverlapping(rows.as_ptr().cast::<u8>(), out, 64);
                }
            }
            return true;
        }
    }
    let _ = (simd, v, buf);
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::Isa;
    use pulp::WithSimd;

    /// `sum_lanes_in_order` on `C` vectors of `x`'s values from a first lane, next to the
    /// scalar in-order sums.
    struct Sums<'a, R, const C: usize>(&'a [R], usize);

    impl<R: KernelReal, const C: usize> WithSimd for Sums<'_, R, C> {
        type Output = (Vec<R>, Vec<R>);
        fn with_simd<S: Simd>(self, simd: S) -> Self::Output {
            let l = lanes::<S, R>();
            let v: [R::V<S>; C] = core::array::from_fn(|c| {
                let mut w = R::v_splat(simd, R::zero());
                let lanes: &mut [R] = bytemuck::cast_slice_mut(core::slice::from_mut(&mut w));
                lanes.copy_from_slice(&self.0[c * l..(c + 1) * l]);
                w
            });
            let mut out = vec![R::zero(); C];
            let first = self.1 % l;
            sum_lanes_in_order::<S, R, C>(simd, &v, first, &mut out);
            let want = (0..C)
                .map(|c| {
                    let lanes = &self.0[c * l..(c + 1) * l];
                    (0..l).fold(R::zero(), |t, k| t + lanes[(first + k) % l])
                })
                .collect();
            (out, want)
        }
    }

    /// Values whose sums round differently in any other order, with -0.0 and a NaN among them.
    fn values<R: KernelReal>(n: usize) -> Vec<R> {
        (0..n)
            .map(|i| match i % 37 {
                5 => R::from_f64(-0.0),
                29 if n > 100 => R::from_f64(f64::NAN),
                _ => R::from_f64(
                    ((i * 7919) % 1000) as f64 * 10f64.powi((i % 11) as i32 - 5) - 300.0,
                ),
            })
            .collect()
    }

    fn check<R: KernelReal>() {
        for isa in [Isa::Scalar, Isa::Avx2, Isa::Avx512, Isa::Neon] {
            if !isa.available() {
                continue;
            }
            for x in [
                values::<R>(8 * 16),
                values::<R>(8 * 16)
                    .iter()
                    .map(|&v| R::from_f64(-0.0) * v)
                    .collect(),
            ] {
                for first in [0, 1, 3, 7, 13] {
                    // SAFETY: isa is available.
                    let (got, want) =
                        unsafe { crate::registry::on_isa(isa, Sums::<R, 8>(&x, first)) };
                    // SAFETY: as above.
                    let (got5, want5) =
                        unsafe { crate::registry::on_isa(isa, Sums::<R, 5>(&x, first)) };
                    for (g, w) in got.iter().zip(&want).chain(got5.iter().zip(&want5)) {
                        let same = bytemuck::bytes_of(g) == bytemuck::bytes_of(w);
                        assert!(same, "{isa:?}, first lane {first}: {g:?} != {w:?}");
                    }
                }
            }
        }
    }

    /// `fold_to_pairs` on `n` vectors of `x`'s values, next to the scalar halving sums.
    struct Pairs<'a, R>(&'a [R], usize);

    impl<R: KernelReal> WithSimd for Pairs<'_, R> {
        type Output = (Vec<[R; 2]>, Vec<[R; 2]>);
        fn with_simd<S: Simd>(self, simd: S) -> Self::Output {
            let (l, n) = (lanes::<S, R>(), self.1);
            let v: Vec<R::V<S>> = (0..n)
                .map(|c| {
                    let mut w = R::v_splat(simd, R::zero());
                    let lanes: &mut [R] = bytemuck::cast_slice_mut(core::slice::from_mut(&mut w));
                    lanes.copy_from_slice(&self.0[c * l..(c + 1) * l]);
                    w
                })
                .collect();
            let mut out = vec![[R::zero(); 2]; n];
            fold_to_pairs::<S, R>(simd, &v, &mut out);
            let want = (0..n)
                .map(|c| {
                    let mut b = self.0[c * l..(c + 1) * l].to_vec();
                    b.resize(l.max(2), R::zero());
                    let mut w = l;
                    while w > 2 {
                        w /= 2;
                        for k in 0..w {
                            b[k] = b[k] + b[k + w];
                        }
                    }
                    [b[0], b[1]]
                })
                .collect();
            (out, want)
        }
    }

    #[test]
    fn pair_folds_are_the_scalar_halving_sums_bitwise() {
        fn check<R: KernelReal>() {
            let x = values::<R>(16 * 16);
            for isa in [Isa::Scalar, Isa::Avx2, Isa::Avx512, Isa::Neon] {
                if !isa.available() {
                    continue;
                }
                for n in [1, 4, 8, 11, 16] {
                    // SAFETY: isa is available.
                    let (got, want) = unsafe { crate::registry::on_isa(isa, Pairs::<R>(&x, n)) };
                    for (c, (g, w)) in got.iter().zip(&want).enumerate() {
                        let same = bytemuck::bytes_of(g) == bytemuck::bytes_of(w);
                        assert!(same, "{isa:?}, {n} vectors, vector {c}: {g:?} != {w:?}");
                    }
                }
            }
        }
        check::<f32>();
        check::<f64>();
    }

    #[test]
    fn lane_sums_in_order_are_the_scalar_sums_bitwise() {
        check::<f32>();
        check::<f64>();
    }
}
