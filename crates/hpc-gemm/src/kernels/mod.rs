//! Microkernels: the one place where generic code meets per-ISA code.
//!
//! A microkernel computes one `MR x NR` tile of C from an `MR x k` micro-panel of packed A and a
//! `k x NR` micro-panel of packed B, keeping the tile in registers for the whole k loop. Every
//! kernel is the same generic body (`ukr_body`), written once against `pulp`'s [`Simd`]
//! abstraction and instantiated per ISA with a register block sized for it:
//!
//! | kernel                 | ISA (pulp token)  | MR x NR (elements) | vectors x columns | accumulators | wide block (point 13) |
//! |------------------------|-------------------|--------------------|-------------------|--------------|-----------------------|
//! | `dgemm_x86_v4_16x14`   | AVX-512 (`V4`)    | 16 x 14            | 2 x 14            | 28 zmm       | 32 x 6 (4 x 6, 24 zmm) |
//! | `sgemm_x86_v4_32x14`   | AVX-512 (`V4`)    | 32 x 14            | 2 x 14            | 28 zmm       | 64 x 6 (4 x 6, 24 zmm) |
//! | `dgemm_x86_v3_8x6`     | AVX2+FMA (`V3`)   | 8 x 6              | 2 x 6             | 12 ymm       | 8 x 6 (the same)      |
//! | `sgemm_x86_v3_16x6`    | AVX2+FMA (`V3`)   | 16 x 6             | 2 x 6             | 12 ymm       | 16 x 6 (the same)     |
//! | `dgemm_neon_8x6`       | aarch64 NEON (`Neon`) | 8 x 6          | 4 x 6             | 24 q         | 8 x 6 (the same)      |
//! | `sgemm_neon_16x6`      | aarch64 NEON (`Neon`) | 16 x 6         | 4 x 6             | 24 q         | 16 x 6 (the same)     |
//! | `dgemm_generic_4x4`    | portable (`Scalar`) | 4 x 4            | 4 x 4             | 16 scalars   | 4 x 4 (the same)      |
//! | `sgemm_generic_4x4`    | portable (`Scalar`) | 4 x 4            | 4 x 4             | 16 scalars   | 4 x 4 (the same)      |
//!
//! On aarch64 the NEON kernels are two more instantiations of the same body, with
//! `pulp::aarch64::Neon`; they are tested under qemu, and not tuned (no aarch64 machine to
//! measure on; see `neon`).
//!
//! Complex GEMM runs on these real kernels through the 1m method (`pack.rs`).
//!
//! # Contract (shared by every kernel; each kernel file restates its own block and ISA)
//! 1. **Operation**: `C[0..m, 0..n] <- beta * C + alpha * A_p * B_p`.
//! 2. **Register block**: `MR x NR`, `MR` a multiple of the vector length; the k loop is not
//!    unrolled by hand (LLVM keeps the accumulators in registers; see the benches).
//! 3. **Shapes**: `m <= MR`, `n <= NR`, `k >= 0`. `k = 0` gives `C <- beta * C` (with the β = 0
//!    rule below). `m < MR` or `n < NR` is an edge tile: the kernel runs the same body narrowed
//!    to the vectors and columns the tile needs (one vector when `m` fits in one, else all
//!    `MV`; the kernel's smallest `EDGE_NR` width that holds `n` columns, else `NR`), so that a
//!    2-column edge costs about 2/NR of a full call rather than a whole one; where that
//!    narrowed block is still wider than the tile, `store_partial`, the one edge helper
//!    every kernel shares, writes the `m x n` corner. Edge and full calls do the same
//!    arithmetic per element, so results do not depend on where the tile edges fall.
//! 4. **Packed A**: `MR x k`, column by column, stride `MR` (edge tiles too), rows `m..MR` zero
//!    (or anything finite: they only reach accumulators that are not stored). No alignment is
//!    required (the driver's buffers are 64-byte aligned).
//!    ```text
//!    a: [a(0,0) a(1,0) .. a(MR-1,0) | a(0,1) .. a(MR-1,1) | .. ]
//!    ```
//! 5. **Packed B**: `k x NR`, row by row, stride `NR`, columns `n..NR` zero-padded likewise.
//!    ```text
//!    b: [b(0,0) b(0,1) .. b(0,NR-1) | b(1,0) .. b(1,NR-1) | .. ]
//!    ```
//! 6. **C**: element strides `rs_c`, `cs_c`, either may be negative. Stored natively with
//!    vector loads and stores when `rs_c == 1` and the tile is full (`RowOrCol` after the
//!    driver's canonicalisation, which makes `rs_c == 1` whenever C has a unit stride);
//!    any other layout goes through `store_partial`.
//! 7. **α/β**: β = 0 means C is write-only: it is never read, so NaN or garbage in C does not
//!    leak. β = 1 adds without a multiply. α = 0 is not special-cased: the driver never calls a
//!    kernel with α = 0 (BLAS says A and B are then not read at all). The driver passes the
//!    caller's β on the first KC block (`pc = 0`) and β = 1 on the later ones.
//! 8. **Hints**: [`Aux`] carries the next micro-panels. `ukr` and `ukr_b_in_place` ignore
//!    them (the hardware prefetchers follow the columns of a B read in place); `ukr_b_cols`
//!    prefetches the stream of lines `aux` names into L2, a few per k step, spread over the
//!    call (the next micro-panel of B, which the driver copies next and would otherwise wait
//!    for from memory). `ukr_wide` with a full block (`n == WIDE_NR`) prefetches the columns
//!    `aux` names (the next group of B's columns, which the driver's next call reads) into
//!    L1, in step with its own: every cache line's worth of k steps (8 in f64, 16 in f32),
//!    the same k step's line of each named column. Within a call the packed body prefetches its
//!    panels a few k steps ahead (`PREFETCH_STEPS`), the other bodies A's rows only, which may
//!    touch up to that many rows past their ends (prefetches never fault, nor do they need
//!    valid addresses).
//! 9. **Safety**: the kernel's ISA is present (`available()`); `a` is valid for `k * MR` reads
//!    and `b` for `k * NR`; `c` is valid for reads and writes of the `m x n` tile under the
//!    given strides, its elements distinct; C does not overlap the packed panels.
//! 10. **Tested by**: `kernels::testing` (every kernel the CPU has; others skip with a printed
//!     reason) and, through the driver, `tests/gemm_vs_reference.rs` under each
//!     `HPC_FORCE_ISA=scalar|avx2|avx512`, and on aarch64 (under qemu) with NEON.
//! 11. **B in place** (`ukr_b_in_place`, for the driver's skinny case where a micro-panel of
//!     B would be packed for one or two kernel calls only): instead of point 5, element
//!     (p, j) of B is read at `b + p * rs_b + j * cs_b` (any strides), for `p < k` and all
//!     `j < NR` (`n == NR`: a full block, so nothing past B is read).
//! 12. **B in column form** (`ukr_b_cols`, for a real op(B) whose columns are contiguous):
//!     instead of point 5, the micro-panel holds B's `NR` columns as they are, column `j` at
//!     `b + j * LD` with `LD =` [`b_cols_ld`] (a constant, so the kernel addresses the columns
//!     with immediate offsets), element (p, j) at `b + p + j * LD`, for `p < k <= LD` and all
//!     `j < NR` (`n == NR`). Packing it is a plain copy of each column, where point 5 is a
//!     transposition.
//!     ```text
//!     b: [b(0,0) b(1,0) .. b(k-1,0) (pad to LD) | b(0,1) .. b(k-1,1) (pad) | .. ]
//!     ```
//! 13. **The wide block** (`ukr_wide`, for the driver's short, wide products, whose B the
//!     `gemm` crate reads in place the same way): a second register block of
//!     `WIDE_MR x WIDE_NR`, taller and narrower than `MR x NR`, so that B is read in place
//!     (point 11's addressing) from `WIDE_NR` column streams only: A packed as point 4 says
//!     with `WIDE_MR` for `MR`, `m <= WIDE_MR`, `1 <= n <= WIDE_NR`, and only B's `n` columns
//!     read. The body runs with exactly `n` columns, and with half its vectors when `m` fits in
//!     them. Where the wide block is no taller than `MR x NR` (AVX2, portable: a taller one
//!     would spill), it is that block, and the driver does not use it.

use pulp::Simd;

use crate::simd::{KernelReal, lanes, prefetch, prefetch_l2};

pub mod generic;
#[cfg(target_arch = "aarch64")]
pub mod neon;
#[cfg(test)]
mod testing;
#[cfg(target_arch = "x86_64")]
pub mod x86_v3;
#[cfg(target_arch = "x86_64")]
pub mod x86_v4;

/// Optional hints for a kernel (BLIS's `auxinfo_t`): the micro-panels the next call will use.
#[derive(Clone, Copy, Debug)]
pub struct Aux<R> {
    /// The next packed A micro-panel.
    pub a_next: *const R,
    /// The next B micro-panel.
    pub b_next: *const R,
    /// The stream of contract point 8, none when `b_next_cols` is 0. For `ukr_b_cols`:
    /// `b_next_cols` columns of `b_next_lines` cache lines each, from `b_next` with column
    /// stride `b_next_cs` elements, to prefetch into L2 while the call runs, `b_next_per_step`
    /// lines per k step. For `ukr_wide`: `b_next_cols` columns from `b_next` with column stride
    /// `b_next_cs` and unit row stride, element (p, j) at `b_next + p + j * b_next_cs` for
    /// `p < k`, prefetched into L1 in step with the call's own k (`b_next_lines` and
    /// `b_next_per_step` unused).
    pub b_next_cs: isize,
    /// Cache lines per column of the stream.
    pub b_next_lines: usize,
    /// Columns of the stream.
    pub b_next_cols: usize,
    /// Lines of the stream per k step.
    pub b_next_per_step: usize,
}

impl<R> Aux<R> {
    /// No hints.
    pub const NONE: Aux<R> = Aux {
        a_next: core::ptr::null(),
        b_next: core::ptr::null(),
        b_next_cs: 0,
        b_next_lines: 0,
        b_next_cols: 0,
        b_next_per_step: 0,
    };
}

/// The column stride of a B micro-panel in column form (contract point 12), in elements of
/// `elem_bytes` bytes: an odd number of cache lines, at least [`MAX_KC`] elements. Odd, so
/// that the `NR` columns' lines at one k step fall in distinct L1 sets (a power-of-two stride
/// puts them all in one set, more lines than its ways hold).
pub const fn b_cols_ld(elem_bytes: usize) -> usize {
    let per_line = 64 / elem_bytes;
    let lines = MAX_KC.div_ceil(per_line);
    (lines + 1 - lines % 2) * per_line
}

/// The deepest k a B micro-panel in column form holds: the largest KC the blocking derives.
pub const MAX_KC: usize = 512;

/// The signature every microkernel coerces to (BLIS's `?gemm_ukr_ft`), in BLIS argument order.
pub type GemmUkr<R> = unsafe fn(
    m: usize,
    n: usize,
    k: usize,
    alpha: R,
    a: *const R,
    b: *const R,
    beta: R,
    c: *mut R,
    rs_c: isize,
    cs_c: isize,
    aux: &Aux<R>,
);

/// The instruction sets hpc has kernels for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Isa {
    /// Portable Rust, no SIMD assumed (pulp's `Scalar`).
    Scalar,
    /// x86-64-v3: AVX2 and FMA (pulp's `V3`).
    Avx2,
    /// x86-64-v4: AVX-512 F/BW/CD/DQ/VL (pulp's `V4`).
    Avx512,
    /// aarch64 Advanced SIMD (pulp's `aarch64::Neon`).
    Neon,
}

impl Isa {
    /// The name `HPC_FORCE_ISA` takes.
    pub fn name(self) -> &'static str {
        match self {
            Isa::Scalar => "scalar",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
            Isa::Neon => "neon",
        }
    }

    /// Parses an `HPC_FORCE_ISA` value.
    pub fn parse(s: &str) -> Option<Isa> {
        match s.trim().to_ascii_lowercase().as_str() {
            "scalar" | "generic" | "portable" => Some(Isa::Scalar),
            "avx2" | "v3" | "x86-64-v3" => Some(Isa::Avx2),
            "avx512" | "v4" | "x86-64-v4" => Some(Isa::Avx512),
            "neon" | "asimd" => Some(Isa::Neon),
            _ => None,
        }
    }

    /// Whether this CPU can run the ISA.
    pub fn available(self) -> bool {
        match self {
            Isa::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => pulp::x86::V3::is_available(),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => pulp::x86::V4::is_available(),
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => pulp::aarch64::Neon::is_available(),
            // The other architectures' ISAs.
            _ => false,
        }
    }
}

/// A `pulp` ISA token that a kernel entry can conjure once its caller vouches for the ISA.
pub trait Token: Simd {
    /// The token.
    ///
    /// # Safety
    /// The CPU supports the token's instruction set.
    unsafe fn assume() -> Self;
}

impl Token for pulp::Scalar {
    unsafe fn assume() -> Self {
        pulp::Scalar::new()
    }
}

#[cfg(target_arch = "x86_64")]
impl Token for pulp::x86::V3 {
    #[inline(always)]
    unsafe fn assume() -> Self {
        // SAFETY: forwarded to the caller (AVX2 and FMA are present).
        unsafe { pulp::x86::V3::new_unchecked() }
    }
}

#[cfg(target_arch = "aarch64")]
impl Token for pulp::aarch64::Neon {
    #[inline(always)]
    unsafe fn assume() -> Self {
        // SAFETY: forwarded to the caller (NEON is present).
        unsafe { pulp::aarch64::Neon::new_unchecked() }
    }
}

#[cfg(target_arch = "x86_64")]
impl Token for pulp::x86::V4 {
    #[inline(always)]
    unsafe fn assume() -> Self {
        // SAFETY: forwarded to the caller (AVX-512 F/BW/CD/DQ/VL are present).
        unsafe { pulp::x86::V4::new_unchecked() }
    }
}

/// A GEMM microkernel for real element type `R`. See the module doc for the contract.
pub trait Microkernel<R: KernelReal>: 'static {
    /// BLIS-style name: `dgemm_<isa>_<MR>x<NR>`.
    const NAME: &'static str;
    /// The ISA it needs.
    const ISA: Isa;
    /// Rows of the register block.
    const MR: usize;
    /// Columns of the register block.
    const NR: usize;
    /// Rows of the wide register block (contract point 13): `ukr_wide`'s A micro-panels.
    const WIDE_MR: usize;
    /// Columns of the wide register block (contract point 13).
    const WIDE_NR: usize;

    /// The kernel itself, with the [`GemmUkr`] signature.
    ///
    /// # Safety
    /// Points 3-9 of the contract in the module doc.
    unsafe fn ukr(
        m: usize,
        n: usize,
        k: usize,
        alpha: R,
        a: *const R,
        b: *const R,
        beta: R,
        c: *mut R,
        rs_c: isize,
        cs_c: isize,
        aux: &Aux<R>,
    );

    /// The kernel with B read in place (point 11 of the contract): element (p, j) of the
    /// `k x NR` block of B at `b + p * rs_b + j * cs_b`; `n == NR`. `aux` is ignored (point 8).
    ///
    /// # Safety
    /// Points 3, 4, 6, 7, 9 and 11 of the contract.
    #[allow(clippy::too_many_arguments)]
    unsafe fn ukr_b_in_place(
        m: usize,
        k: usize,
        alpha: R,
        a: *const R,
        b: *const R,
        rs_b: isize,
        cs_b: isize,
        beta: R,
        c: *mut R,
        rs_c: isize,
        cs_c: isize,
        aux: &Aux<R>,
    );

    /// The wide kernel (point 13 of the contract): a `WIDE_MR x WIDE_NR` register block,
    /// `m <= WIDE_MR`, `1 <= n <= WIDE_NR`, A packed in micro-panels of `WIDE_MR` rows, and
    /// element (p, j) of B read in place at `b + p * rs_b + j * cs_b` for `j < n` only. With
    /// `n == WIDE_NR`, `aux` may name the next group of B's columns to prefetch meanwhile
    /// (point 8).
    ///
    /// # Safety
    /// Points 4 (with `WIDE_MR` rows), 6, 7, 9 and 13 of the contract.
    #[allow(clippy::too_many_arguments)]
    unsafe fn ukr_wide(
        m: usize,
        n: usize,
        k: usize,
        alpha: R,
        a: *const R,
        b: *const R,
        rs_b: isize,
        cs_b: isize,
        beta: R,
        c: *mut R,
        rs_c: isize,
        cs_c: isize,
        aux: &Aux<R>,
    );

    /// The kernel with B in column form (point 12 of the contract): element (p, j) of the
    /// `k x NR` micro-panel at `b + p + j * b_cols_ld(size_of::<R>())`; `n == NR`. `aux` may
    /// name a stream of lines to prefetch meanwhile (point 8).
    ///
    /// # Safety
    /// Points 3, 4, 6, 7, 9 and 12 of the contract.
    #[allow(clippy::too_many_arguments)]
    unsafe fn ukr_b_cols(
        m: usize,
        k: usize,
        alpha: R,
        a: *const R,
        b: *const R,
        beta: R,
        c: *mut R,
        rs_c: isize,
        cs_c: isize,
        aux: &Aux<R>,
    );
}

/// Arguments of one kernel call, carried into `pulp`'s `with_simd`.
#[derive(Clone, Copy)]
pub(crate) struct UkrCall<R> {
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub alpha: R,
    pub a: *const R,
    /// Elements from one k step of packed A to the next: the kernel's `MR`, also in the
    /// narrowed bodies of edge tiles (contract point 4).
    pub a_step: usize,
    pub b: *const R,
    /// B's strides: ignored by the packed body (`PACKED_B`), which steps by `NR` and 1.
    pub rs_b: isize,
    pub cs_b: isize,
    pub beta: R,
    pub c: *mut R,
    pub rs_c: isize,
    pub cs_c: isize,
    /// The caller's [`Aux`], where the prefetch stream is (read by bodies with `STREAM` only).
    /// A pointer, not a copy: copying it read the caller's just-written `Aux` with wider loads
    /// than its stores, which cannot be forwarded, so each call waited for the store buffer to
    /// drain, the last call's C tile included (3% of f64 n = 1024 on two threads, perf).
    pub next: *const Aux<R>,
}

/// The generic register-blocked body, as a `pulp` operation: `MV` vectors by `NR` columns,
/// reading B packed (`PACKED_B`), in column form with column stride `B_COLS` (when not 0), or
/// in place through its strides, with the prefetch stream of [`Aux`] (`STREAM`, contract point
/// 8: into L2 in column form, into L1 in step with the k loop in place; never packed). A
/// separate instantiation, because the column form's bookkeeping in the k loop slowed the body
/// without it (`docs/tuning.md`, "kernels/mod.rs: Body").
pub(crate) struct Body<
    R,
    const MV: usize,
    const NR: usize,
    const PACKED_B: bool,
    const STREAM: bool = false,
    const B_COLS: usize = 0,
>(pub UkrCall<R>);

impl<
    R: KernelReal,
    const MV: usize,
    const NR: usize,
    const PACKED_B: bool,
    const STREAM: bool,
    const B_COLS: usize,
> pulp::WithSimd for Body<R, MV, NR, PACKED_B, STREAM, B_COLS>
{
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        // SAFETY: `Body` is only built by kernel entries whose callers meet the contract, and
        // `with_simd` runs under the ISA token the entry checked for.
        unsafe { ukr_body::<S, R, MV, NR, PACKED_B, STREAM, B_COLS>(simd, &self.0) }
    }
}

/// A kernel entry's argument that the caller passed on the stack, read on its own (one 8-byte
/// load). The entries copy their arguments into a [`UkrCall`] for `pulp`'s dispatch; left to
/// itself the compiler copies two neighbouring stack arguments (`rs_c` and `cs_c`, or `c` and
/// `rs_c`) with one 16-byte load, which the caller's two 8-byte stores cannot forward, so each
/// call waited until the store buffer had drained, the last call's C tile included
/// (`docs/tuning.md`, "kernels/mod.rs: stack_arg").
/// `black_box` is a hint, not a guarantee: if it ever stops splitting the load, only that time
/// comes back; results do not depend on it.
#[inline(always)]
pub(crate) fn stack_arg<T>(v: T) -> T {
    core::hint::black_box(v)
}

/// How many k steps ahead the packed body prefetches its rows of A and B into L1. With
/// `KC = 512` the `MR x KC` and `KC x NR` micro-panels (64 and 56 KiB in f64) do not fit L1
/// together, so every kernel call streams them from L2, and the hardware prefetchers leave part
/// of that latency exposed; any distance from 3 to 12 steps does as well (`docs/tuning.md`,
/// "kernels/mod.rs: PREFETCH_STEPS").
const PREFETCH_STEPS: usize = 8;

/// Prefetches into L1 the cache lines of `len` contiguous elements from `p` (one prefetch per
/// 64 bytes: the rows a k step reads are consecutive, so every line is asked for once).
#[inline(always)]
fn prefetch_lines<R>(p: *const R, len: usize) {
    for byte in (0..len * size_of::<R>()).step_by(64) {
        prefetch(p.wrapping_byte_add(byte));
    }
}

/// The microkernel body shared by every ISA. With `PACKED_B`, B is the packed micro-panel of
/// point 5 of the contract; with `B_COLS > 0`, the column form of point 12 (column stride
/// `B_COLS`); otherwise element (p, j) of B is read at `b + p * rs_b + j * cs_b` (point 11).
///
/// # Safety
/// The contract of the module doc, with `MR = MV * lanes::<S, R>()`.
#[inline(always)]
pub(crate) unsafe fn ukr_body<
    S: Simd,
    R: KernelReal,
    const MV: usize,
    const NR: usize,
    const PACKED_B: bool,
    const STREAM: bool,
    const B_COLS: usize,
>(
    simd: S,
    call: &UkrCall<R>,
) {
    let l = lanes::<S, R>();
    let mr = MV * l;
    let zero = R::v_splat(simd, R::zero());
    let mut acc = [[zero; MV]; NR];
    // The C tile is needed after the k loop: ask for its lines while the loop runs (BLIS's
    // kernels do the same), one column per k step (the columns past a short k up front). A
    // burst of all of them up front stalled short calls on the line-fill buffers.
    //
    // With unit row stride, a column of the tile is contiguous, and its lines between the first
    // and the last are asked for too (at 64 and 128 bytes in, which covers 128-byte columns,
    // and all but one line of the wide block's 256): a C not aligned to 64 bytes (a large
    // `Vec`, which the allocator maps at 16 bytes past a page) spreads a 128-byte column over
    // three lines, and the middle one otherwise came late (`docs/tuning.md`, "kernels/mod.rs:
    // ukr_body"). The offsets are fixed outside the k loop: a loop over the
    // column's lines here, even of fixed length, made the whole kernel three times slower (its
    // accumulators left the registers).
    let c_cols = NR.min(call.n);
    let c_last = (call.m * size_of::<R>()).saturating_sub(1);
    let lines = call.rs_c == 1;
    let (mid1, mid2) = (64.min(c_last), 128.min(c_last));
    let prefetch_c = |j: usize| {
        let cj = call.c.wrapping_offset(j as isize * call.cs_c);
        prefetch(cj);
        if lines {
            prefetch(cj.wrapping_byte_add(mid1));
            prefetch(cj.wrapping_byte_add(mid2));
        }
        prefetch(cj.wrapping_offset((call.m as isize - 1) * call.rs_c));
    };
    for j in call.k..c_cols {
        prefetch_c(j);
    }
    let (rs_b, cs_b) = if PACKED_B {
        (NR as isize, 1)
    } else if B_COLS > 0 {
        (1, B_COLS as isize)
    } else {
        (call.rs_b, call.cs_b)
    };
    let (mut a, mut b) = (call.a, call.b);
    // The column-form body's prefetch stream (contract point 8): the next column and line.
    // SAFETY: `next` points to the caller's `Aux` (or `Aux::NONE`), alive for the call.
    let next = unsafe { &*call.next };
    let (mut pf_col, mut pf_line) = (0usize, 0usize);
    let pf_cs_bytes = next.b_next_cs * size_of::<R>() as isize;
    let per_line = 64 / size_of::<R>();
    // One k step per iteration (contract point 2): unrolling measured slower
    // (`docs/tuning.md`, "kernels/mod.rs: ukr_body").
    for p in 0..call.k {
        if p < c_cols {
            prefetch_c(p);
        }
        if STREAM && !PACKED_B && B_COLS == 0 {
            // The wide block's stream (contract point 8): this k step's line of each column,
            // on every `per_line`-th step. Each line of a column holds one such step, but the
            // last of a column not aligned to a line may not (its few rows come unasked).
            if p % per_line == 0 {
                for j in 0..next.b_next_cols {
                    let at = (j as isize * next.b_next_cs + p as isize) * size_of::<R>() as isize;
                    prefetch(next.b_next.wrapping_byte_offset(at));
                }
            }
        } else if STREAM {
            for _ in 0..next.b_next_per_step {
                if pf_col < next.b_next_cols {
                    let at = pf_col as isize * pf_cs_bytes + (pf_line * 64) as isize;
                    prefetch_l2(next.b_next.wrapping_byte_offset(at));
                    pf_line += 1;
                    if pf_line == next.b_next_lines {
                        pf_line = 0;
                        pf_col += 1;
                    }
                }
            }
        }
        if PACKED_B {
            // The rows of the packed panels `PREFETCH_STEPS` k steps ahead, into L1.
            prefetch_lines(a.wrapping_add(PREFETCH_STEPS * call.a_step), mr);
            prefetch_lines(b.wrapping_offset(PREFETCH_STEPS as isize * rs_b), NR);
        } else if B_COLS > 0 {
            // In column form, A's rows only. Each of B's column lines serves 8 k steps (f64),
            // and the hardware prefetchers follow those streams; prefetching them as well, two
            // lines per step, cost more than it saved; the rows of A make the column form's
            // kernel as fast as the packed form's (`docs/tuning.md`, "kernels/mod.rs:
            // ukr_body"). In the GEMM the column form wins by its packing, a copy where the
            // packed form transposes.
            prefetch_lines(a.wrapping_add(PREFETCH_STEPS * call.a_step), mr);
        } else {
            // B in place (and the edge bodies): A's rows as well (`docs/tuning.md`,
            // "kernels/mod.rs: ukr_body").
            prefetch_lines(a.wrapping_add(PREFETCH_STEPS * call.a_step), mr);
        }
        let mut av = [zero; MV];
        for (i, v) in av.iter_mut().enumerate() {
            // SAFETY: `a` has `MR` readable elements at this step (contract point 9).
            *v = unsafe { core::ptr::read_unaligned(a.add(i * l) as *const R::V<S>) };
        }
        for (j, col) in acc.iter_mut().enumerate() {
            // SAFETY: B's row at this step has `NR` readable elements (points 9 and 11).
            let bj = R::v_splat(simd, unsafe { *b.offset(j as isize * cs_b) });
            for (acc_ij, &a_i) in col.iter_mut().zip(av.iter()) {
                *acc_ij = R::v_mul_add(simd, a_i, bj, *acc_ij);
            }
        }
        // The last step moves one past the panels: never dereferenced, so `wrapping_*`.
        a = a.wrapping_add(call.a_step);
        b = b.wrapping_offset(rs_b);
    }

    let (alpha, beta) = (call.alpha, call.beta);
    if call.m == mr && call.n == NR && call.rs_c == 1 {
        let va = R::v_splat(simd, alpha);
        let vb = R::v_splat(simd, beta);
        for (j, col) in acc.iter().enumerate() {
            let cj = call.c.wrapping_offset(j as isize * call.cs_c);
            for (i, &acc_ij) in col.iter().enumerate() {
                let p = cj.wrapping_add(i * l) as *mut R::V<S>;
                // α = 1 (the common case) needs no multiply (and the product would be exact).
                let ab = if alpha == R::one() {
                    acc_ij
                } else {
                    R::v_mul(simd, va, acc_ij)
                };
                let v = if beta == R::zero() {
                    ab
                } else if beta == R::one() {
                    // SAFETY: the full tile is readable (contract point 9, rs_c == 1).
                    R::v_add(simd, unsafe { core::ptr::read_unaligned(p) }, ab)
                } else {
                    // SAFETY: as above.
                    R::v_add(
                        simd,
                        R::v_mul(simd, vb, unsafe { core::ptr::read_unaligned(p) }),
                        ab,
                    )
                };
                // SAFETY: the full tile is writable.
                unsafe { core::ptr::write_unaligned(p, v) };
            }
        }
    } else {
        // Spill a copy: taking the address of `acc` itself would keep the accumulators in
        // memory for the whole k loop.
        let spill = acc;
        let tile: &[R] = bytemuck::cast_slice(spill.as_flattened());
        // SAFETY: forwarded contract: the m x n tile of C is valid.
        unsafe {
            store_partial(
                tile, mr, call.m, call.n, alpha, beta, call.c, call.rs_c, call.cs_c,
            )
        };
    }
}

/// The shared edge helper: `C[0..m, 0..n] <- beta * C + alpha * T`, where `T` is a column-major
/// tile with leading dimension `ld`. With β = 0, C is not read.
///
/// # Safety
/// `c` is valid for reads and writes of the `m x n` tile under strides `rs_c`, `cs_c`.
#[inline(always)]
pub(crate) unsafe fn store_partial<R: KernelReal>(
    tile: &[R],
    ld: usize,
    m: usize,
    n: usize,
    alpha: R,
    beta: R,
    c: *mut R,
    rs_c: isize,
    cs_c: isize,
) {
    for j in 0..n {
        for i in 0..m {
            let ab = alpha * tile[i + j * ld];
            let p = c.wrapping_offset(i as isize * rs_c + j as isize * cs_c);
            // SAFETY: (i, j) lies in the tile the caller vouches for.
            unsafe {
                *p = if beta == R::zero() {
                    ab
                } else if beta == R::one() {
                    *p + ab
                } else {
                    beta * *p + ab
                };
            }
        }
    }
}

/// Defines a microkernel type: its struct, its `Microkernel` impl entering `pulp` with the
/// given token, and nothing else (the body is [`ukr_body`]).
macro_rules! microkernel {
    (
        $(#[$doc:meta])*
        $name:ident: $r:ty, $isa:expr, $token:ty, MV = $mv:literal, NR = $nr:literal,
        EDGE_NR = [$($enr:literal),*], WIDE = ($wmv:literal x [$($wn:literal),*] $wnr:literal),
        $label:literal
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name;

        impl $crate::kernels::Microkernel<$r> for $name {
            const NAME: &'static str = $label;
            const ISA: $crate::kernels::Isa = $isa;
            const MR: usize = $mv * $crate::simd::lanes::<$token, $r>();
            const NR: usize = $nr;
            const WIDE_MR: usize = $wmv * $crate::simd::lanes::<$token, $r>();
            const WIDE_NR: usize = $wnr;

            #[inline(never)]
            unsafe fn ukr(
                m: usize,
                n: usize,
                k: usize,
                alpha: $r,
                a: *const $r,
                b: *const $r,
                beta: $r,
                c: *mut $r,
                rs_c: isize,
                cs_c: isize,
                _aux: &$crate::kernels::Aux<$r>,
            ) {
                debug_assert!(m <= Self::MR && n <= Self::NR);
                let (rs_c, cs_c) = (
                    $crate::kernels::stack_arg(rs_c),
                    $crate::kernels::stack_arg(cs_c),
                );
                let (rs_b, cs_b, a_step) = ($nr, 1, Self::MR);
                let next: *const $crate::kernels::Aux<$r> = &$crate::kernels::Aux::NONE;
                let call = $crate::kernels::UkrCall {
                    m, n, k, alpha, a, a_step, b, rs_b, cs_b, beta, c, rs_c, cs_c, next,
                };
                if m < Self::MR || n < $nr {
                    // SAFETY: forwarded (contract point 3: an edge tile).
                    unsafe { Self::edge(call) };
                    return;
                }
                // SAFETY: the caller guarantees the ISA is present (contract point 9).
                let simd = unsafe { <$token as $crate::kernels::Token>::assume() };
                pulp::Simd::vectorize(simd, $crate::kernels::Body::<$r, $mv, $nr, true>(call));
            }

            #[inline(never)]
            unsafe fn ukr_b_in_place(
                m: usize,
                k: usize,
                alpha: $r,
                a: *const $r,
                b: *const $r,
                rs_b: isize,
                cs_b: isize,
                beta: $r,
                c: *mut $r,
                rs_c: isize,
                cs_c: isize,
                _aux: &$crate::kernels::Aux<$r>,
            ) {
                debug_assert!(m <= Self::MR);
                let (c, rs_c, cs_c) = (
                    $crate::kernels::stack_arg(c),
                    $crate::kernels::stack_arg(rs_c),
                    $crate::kernels::stack_arg(cs_c),
                );
                // SAFETY: the caller guarantees the ISA is present (contract point 9).
                let simd = unsafe { <$token as $crate::kernels::Token>::assume() };
                let next: *const $crate::kernels::Aux<$r> = &$crate::kernels::Aux::NONE;
                let (n, a_step) = ($nr, Self::MR);
                let call = $crate::kernels::UkrCall {
                    m, n, k, alpha, a, a_step, b, rs_b, cs_b, beta, c, rs_c, cs_c, next,
                };
                pulp::Simd::vectorize(simd, $crate::kernels::Body::<$r, $mv, $nr, false>(call));
            }

            #[inline(never)]
            unsafe fn ukr_wide(
                m: usize,
                n: usize,
                k: usize,
                alpha: $r,
                a: *const $r,
                b: *const $r,
                rs_b: isize,
                cs_b: isize,
                beta: $r,
                c: *mut $r,
                rs_c: isize,
                cs_c: isize,
                aux: &$crate::kernels::Aux<$r>,
            ) {
                debug_assert!(m <= Self::WIDE_MR && (1..=$wnr).contains(&n));
                // SAFETY: the caller guarantees the ISA is present (contract point 9).
                let simd = unsafe { <$token as $crate::kernels::Token>::assume() };
                let next: *const $crate::kernels::Aux<$r> = aux;
                let a_step = Self::WIDE_MR;
                let call = $crate::kernels::UkrCall {
                    m, n, k, alpha, a, a_step, b, rs_b, cs_b, beta, c, rs_c, cs_c, next,
                };
                // A full group of columns with the next group's stream (contract point 8).
                if aux.b_next_cols > 0 && n == $wnr {
                    if m <= Self::WIDE_MR / 2 {
                        let body = $crate::kernels::Body::<$r, { $wmv / 2 }, $wnr, false, true>(call);
                        pulp::Simd::vectorize(simd, body);
                    } else {
                        let body = $crate::kernels::Body::<$r, $wmv, $wnr, false, true>(call);
                        pulp::Simd::vectorize(simd, body);
                    }
                    return;
                }
                // Half the vectors when the rows fit in them (contract point 3's narrowing),
                // and exactly the `n` columns, so that nothing past B's `n` columns is read.
                if m <= Self::WIDE_MR / 2 {
                    $crate::kernels::edge_ladder!(
                        simd, call, $r, { $wmv / 2 }, $wnr, [$($wn),*], ==
                    );
                } else {
                    $crate::kernels::edge_ladder!(simd, call, $r, $wmv, $wnr, [$($wn),*], ==);
                }
            }

            #[inline(never)]
            unsafe fn ukr_b_cols(
                m: usize,
                k: usize,
                alpha: $r,
                a: *const $r,
                b: *const $r,
                beta: $r,
                c: *mut $r,
                rs_c: isize,
                cs_c: isize,
                aux: &$crate::kernels::Aux<$r>,
            ) {
                const LD: usize = $crate::kernels::b_cols_ld(size_of::<$r>());
                debug_assert!(m <= Self::MR && k <= LD);
                // SAFETY: the caller guarantees the ISA is present (contract point 9).
                let simd = unsafe { <$token as $crate::kernels::Token>::assume() };
                let (n, a_step, next) = ($nr, Self::MR, aux as *const _);
                let (rs_b, cs_b) = (1, LD as isize);
                let call = $crate::kernels::UkrCall {
                    m, n, k, alpha, a, a_step, b, rs_b, cs_b, beta, c, rs_c, cs_c, next,
                };
                if aux.b_next_cols > 0 {
                    let body = $crate::kernels::Body::<$r, $mv, $nr, false, true, LD>(call);
                    pulp::Simd::vectorize(simd, body);
                } else {
                    let body = $crate::kernels::Body::<$r, $mv, $nr, false, false, LD>(call);
                    pulp::Simd::vectorize(simd, body);
                }
            }
        }

        impl $name {
            /// An edge tile (contract point 3): the body narrowed to one vector when `m` fits
            /// in one, and to the smallest of `EDGE_NR` that holds `n` columns. B is still the
            /// packed micro-panel of point 5 (row stride `NR`), read through the strided body.
            ///
            /// # Safety
            /// As `ukr`, whose arguments `call` carries.
            #[inline(never)]
            unsafe fn edge(call: $crate::kernels::UkrCall<$r>) {
                // SAFETY: the caller guarantees the ISA is present (contract point 9).
                let simd = unsafe { <$token as $crate::kernels::Token>::assume() };
                // The packed layout's strides again, as constants the narrowed bodies fold in.
                let a_step = <Self as $crate::kernels::Microkernel<$r>>::MR;
                let call = $crate::kernels::UkrCall { rs_b: $nr, cs_b: 1, a_step, ..call };
                let m = call.m;
                if m <= $crate::simd::lanes::<$token, $r>() {
                    $crate::kernels::edge_ladder!(simd, call, $r, 1, $nr, [$($enr),*], <=);
                } else {
                    $crate::kernels::edge_ladder!(simd, call, $r, $mv, $nr, [$($enr),*], <=);
                }
            }
        }
    };
}

/// The column ladder of an edge tile: the body with `MV` vectors and the first of the widths
/// that holds `call.n` columns (`<=`), or that equals it (`==`: exactly `call.n` columns, so
/// nothing past them is read; the wide block), else `NR`; B read through its strides.
macro_rules! edge_ladder {
    ($simd:ident, $call:ident, $r:ty, $mv:tt, $nr:literal, [$($enr:literal),*], $cmp:tt) => {{
        $(
            if $call.n $cmp $enr {
                pulp::Simd::vectorize($simd, $crate::kernels::Body::<$r, $mv, $enr, false>($call));
                return;
            }
        )*
        pulp::Simd::vectorize($simd, $crate::kernels::Body::<$r, $mv, $nr, false>($call));
    }};
}
pub(crate) use edge_ladder;
pub(crate) use microkernel;
