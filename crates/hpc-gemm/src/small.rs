//! The small-matrix path: real products with m, n, k <= [`SMALL`], without packing or blocking.
//!
//! For tiny products the five loops cost more than the arithmetic (packing both operands,
//! zero-padding a 16 x 14 tile for a 4 x 4 result, the blocking bookkeeping). Here C is
//! computed block by block straight from A and B: up to 4 vectors of rows of A are loaded per
//! k step (a masked load for the last, partial one), each multiplied by broadcast elements of
//! B for up to 8 columns (as many as keep 16 accumulators with AVX-512, 8 otherwise). A is read in place when its columns are contiguous (unit row stride), else
//! copied once into a column-major buffer on the stack; B is read with any strides.
//!
//! # Contract
//! `C[0..m, 0..n] <- beta * C + alpha * A * B` for real `T`, `m, n, k <= SMALL`, `k >= 1`,
//! C with unit row stride (the canonical form). β = 0: C is not read. Runs on the ISA given
//! (the caller checked it is available). Tested by `tests/gemm_vs_reference.rs` (every size up
//! to 20 cubed, every block shape of this path and the sizes around `SMALL`, the edge sizes,
//! under each `HPC_FORCE_ISA`).

use pulp::{Simd, WithSimd};

use crate::kernels::{Isa, Token};
use crate::loops::Problem;
use crate::simd::{GemmScalar, KernelReal, lanes};

/// The largest m, n and k the small path takes. Measured on the 2-core Zen 5 machine with
/// `examples/gemm_time.rs`: with up to 12 accumulators per block this path beats packing up to
/// here (f64 n = 48: about 50 against 43 GFLOP/s; f32 n = 64: about 140 against 71); at f64
/// n = 64 the two are even.
pub const SMALL: usize = 64;

/// Whether `p` (canonical) takes the small path.
pub(crate) fn applies<T: GemmScalar>(p: &Problem<T>) -> bool {
    !T::IS_COMPLEX
        && p.c.rows <= SMALL
        && p.c.cols <= SMALL
        && p.a.cols <= SMALL
        && (p.c.rs == 1 || p.c.rows == 1)
}

/// The small product on raw pointers, in the kernel's real type.
struct SmallOp<R> {
    m: usize,
    n: usize,
    k: usize,
    alpha: R,
    a: *const R,
    cs_a: isize,
    b: *const R,
    rs_b: isize,
    cs_b: isize,
    beta: R,
    c: *mut R,
    cs_c: isize,
}

/// Runs the small path.
///
/// # Safety
/// `isa` is available; `applies(p)`; the operands of `p` are valid as `loops::run` requires.
pub(crate) unsafe fn run<T: GemmScalar>(isa: Isa, p: &Problem<T>) {
    let (m, n, k) = (p.c.rows, p.c.cols, p.a.cols);
    // Only written when A's columns are not contiguous, and then only its first m * k
    // elements, which are all the kernel reads: left uninitialised, it costs nothing otherwise.
    let mut buf = [core::mem::MaybeUninit::<T::Real>::uninit(); SMALL * SMALL];
    // T is real here, so its pointers are pointers to T::Real.
    let (a, cs_a) = if p.a.rs == 1 || m == 1 {
        (p.a.ptr as *const T::Real, p.a.cs)
    } else {
        for pp in 0..k {
            for i in 0..m {
                // SAFETY: (i, pp) is inside op(A).
                buf[i + pp * m].write(unsafe { p.a.get(i, pp) }.re());
            }
        }
        // The kernel reads element (i, pp) at i + pp * m for i < m, pp < k: all written.
        (buf.as_ptr() as *const T::Real, m as isize)
    };
    let op = SmallOp {
        m,
        n,
        k,
        alpha: p.alpha.re(),
        a,
        cs_a,
        b: p.b.ptr as *const T::Real,
        rs_b: p.b.rs,
        cs_b: p.b.cs,
        beta: p.beta.re(),
        c: p.c.ptr as *mut T::Real,
        cs_c: p.c.cs,
    };
    match isa {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the caller checked that AVX-512 is available.
        Isa::Avx512 => Simd::vectorize(unsafe { pulp::x86::V4::assume() }, op),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the caller checked that AVX2 is available.
        Isa::Avx2 => Simd::vectorize(unsafe { pulp::x86::V3::assume() }, op),
        _ => Simd::vectorize(pulp::Scalar::new(), op),
    }
}

/// Dispatches a `(vectors, columns)` block to its monomorphised kernel.
macro_rules! blocks {
    ($self:ident, $simd:ident, $i:ident, $j:ident, $rows:ident, $nv:expr, $nj:expr;
     $($v:literal),*; $($c:literal),*) => {
        blocks!(@rows $self, $simd, $i, $j, $rows, $nv, $nj; [$($v),*]; [$($c),*])
    };
    (@rows $self:ident, $simd:ident, $i:ident, $j:ident, $rows:ident, $nv:expr, $nj:expr;
     [$($v:literal),*]; $cs:tt) => {
        match $nv {
            $($v => blocks!(@cols $self, $simd, $i, $j, $rows, $v, $nj; $cs),)*
            _ => unreachable!("at most 4 vectors of rows"),
        }
    };
    (@cols $self:ident, $simd:ident, $i:ident, $j:ident, $rows:ident, $v:literal, $nj:expr;
     [$($c:literal),*]) => {
        match $nj {
            $($c => $self.block::<S, $v, $c>($simd, $i, $j, $rows),)*
            _ => unreachable!("at most 8 columns"),
        }
    };
}

impl<R: KernelReal> WithSimd for SmallOp<R> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let l = lanes::<S, R>();
        // Accumulators per block: with 32 vector registers (512-bit vectors: AVX-512) up to
        // 16 (NV x NJ), enough to hide the FMA latency while the operands stay in registers;
        // with 16 (AVX2, portable) up to 8, so nothing spills.
        let acc_max = if l * size_of::<R>() >= 64 { 12 } else { 8 };
        let nv_full = self.m.div_ceil(l).min(4);
        let nj_max = (acc_max / nv_full).clamp(1, 4);
        let mut j = 0;
        while j < self.n {
            let nj = nj_max.min(self.n - j);
            let mut i = 0;
            while i < self.m {
                let rows = (4 * l).min(self.m - i);
                // SAFETY: the block (i.., j..) lies inside C, A and B (module contract).
                unsafe {
                    blocks!(self, simd, i, j, rows, rows.div_ceil(l), nj; 1, 2, 3, 4; 1, 2, 3, 4)
                }
                i += rows;
            }
            j += nj;
        }
    }
}

impl<R: KernelReal> SmallOp<R> {
    /// Rows `i0..i0 + rows` (`NV` vectors, the last maybe partial) of columns `j0..j0 + NJ`.
    ///
    /// # Safety
    /// The block lies inside the operands.
    #[inline(always)]
    unsafe fn block<S: Simd, const NV: usize, const NJ: usize>(
        &self,
        simd: S,
        i0: usize,
        j0: usize,
        rows: usize,
    ) {
        let l = lanes::<S, R>();
        let zero = R::v_splat(simd, R::zero());
        let mut acc = [[zero; NV]; NJ];
        for p in 0..self.k {
            let col = self.a.wrapping_offset(i0 as isize + p as isize * self.cs_a);
            let mut av = [zero; NV];
            for (v, x) in av.iter_mut().enumerate() {
                let len = rows - v * l;
                // SAFETY: rows i0 + v*l .. i0 + v*l + min(len, l) of column p are readable
                // and contiguous (unit row stride).
                *x = unsafe {
                    if len >= l {
                        core::ptr::read_unaligned(col.add(v * l) as *const R::V<S>)
                    } else {
                        R::v_load_partial(simd, core::slice::from_raw_parts(col.add(v * l), len))
                    }
                };
            }
            for (jj, accj) in acc.iter_mut().enumerate() {
                let bp = self
                    .b
                    .wrapping_offset(p as isize * self.rs_b + (j0 + jj) as isize * self.cs_b);
                // SAFETY: (p, j0 + jj) is inside B.
                let bj = R::v_splat(simd, unsafe { *bp });
                for (acc_v, &a_v) in accj.iter_mut().zip(av.iter()) {
                    *acc_v = R::v_mul_add(simd, a_v, bj, *acc_v);
                }
            }
        }
        let (va, vb) = (R::v_splat(simd, self.alpha), R::v_splat(simd, self.beta));
        for (jj, accj) in acc.iter().enumerate() {
            let cj = self
                .c
                .wrapping_offset(i0 as isize + (j0 + jj) as isize * self.cs_c);
            for (v, &acc_v) in accj.iter().enumerate() {
                let len = (rows - v * l).min(l);
                let ab = R::v_mul(simd, va, acc_v);
                // SAFETY: these `len` elements of column j0 + jj of C are contiguous, valid,
                // and this call's alone.
                unsafe {
                    let dst = core::slice::from_raw_parts_mut(cj.add(v * l), len);
                    let out = if self.beta == R::zero() {
                        ab
                    } else {
                        let old = R::v_load_partial(simd, dst);
                        if self.beta == R::one() {
                            R::v_add(simd, old, ab)
                        } else {
                            R::v_add(simd, R::v_mul(simd, vb, old), ab)
                        }
                    };
                    R::v_store_partial(simd, dst, out);
                }
            }
        }
    }
}
