//! LOOP 2 and LOOP 1 of the Goto/BLIS algorithm: the macro-kernel over one packed block of
//! A~ and a range of micro-panels of B~, and the tile merge of edge and triangle tiles.
//!
//! ```text
//! LOOP 2 (jr): for each NR-wide micro-panel of B~ (packed, packed here, or read in place)
//!   LOOP 1 (ir): for each MR-tall micro-panel of A~
//!     microkernel: C[ir, jr] (MR x NR) <- beta * C + alpha * A~_ir * B~_jr
//! ```
//!
//! [`macro_kernel`] takes B~ as [`BPanels`] says ([`crate::loops`] decides which form): packed
//! before LOOP 3, or packed (or read in place) one micro-panel at a time just before its pass;
//! [`loop2_wide`] runs the wide register block over op(B) in place; [`loop1`] trims each
//! micro-panel to a triangular operand's k range and skips tiles a triangle of C misses;
//! [`merge_tile`] merges a tile computed into a buffer (an edge, a triangle or the 1m form of
//! a complex product) into C.

use num_traits::{One, Zero};

use crate::blocking::Caches;
use crate::buffer::{Slot, with_buffer};
use crate::kernels::{Aux, Microkernel};
use crate::loops::cols_ld;
use crate::pack::{pack_b, pack_b_cols, prefetch_block};
use crate::problem::{Cover, Region, Tri};
use crate::raw::{RawMat, RawMatMut};
use crate::registry::GemmScalar;
use crate::simd::factor;

/// Fewest passes of LOOP 1 over a micro-panel of B, in the fused LOOP 2, for which a real
/// op(B) with contiguous columns is copied into column form rather than read in place.
const COPY_PASSES: usize = 8;

/// Where LOOP 2 finds its micro-panels of B~.
#[derive(Clone, Copy)]
pub(crate) enum BPanels<'a, T: GemmScalar> {
    /// All of B~, packed before LOOP 3: in the packed form (contract point 5), or in column
    /// form if `cols` ([`pack_b_cols`], point 12).
    Packed { bp: &'a [T::Real], cols: bool },
    /// Not packed yet: LOOP 2 packs each micro-panel of this `kcb x ncb` block of op(B) just
    /// before it uses it, or with `wide`, reads the block in place with the wide register
    /// block ([`loop2_wide`]), prefetching each next group of its columns with `wide_next`
    /// (and copying each group first with `copy_to`).
    Fused {
        b: RawMat<T>,
        conj: bool,
        wide: bool,
        wide_next: bool,
        /// With `wide`: where LOOP 2 copies each group of op(B)'s columns before its first
        /// kernel call (a `kcb x ncb` matrix, unit row stride), for the calls to read there.
        copy_to: Option<RawMatMut<T>>,
    },
}

/// LOOP 2 (jr) and LOOP 1 (ir) over one packed block of A and the micro-panels `jr` of B~;
/// `a_next`, a block of op(A) for the column-form kernel calls to prefetch into L2 meanwhile.
///
/// # Safety
/// `K::ISA` is available; `c` is the `mcb x ncb` block of C these panels compute, writable by
/// this thread alone; `ap` (and `b` if packed) are packed as the kernel contract says, or `b`
/// is readable.
pub(crate) unsafe fn macro_kernel<T: GemmScalar, K: Microkernel<T::Real>>(
    alpha: T,
    ap: &[T::Real],
    (b, a_next): (BPanels<'_, T>, Option<RawMat<T>>),
    beta: T,
    c: RawMatMut<T>,
    (tri, tri_a, b_diag): (Region, Option<(Tri, isize)>, Option<Tri>),
    kcb: usize,
    jr: core::ops::Range<usize>,
) {
    let nr = K::NR;
    // The k range of micro-panel j of B~ (or of each micro-panel of A~).
    let k_range = |j: usize| match (tri_a, b_diag) {
        (Some((t, d0)), _) => KRange::RowsOf(t, d0),
        (_, Some(t)) => {
            let (ks, ke) = t.k_range_of_cols(j * nr, nr.min(c.cols - j * nr), kcb);
            KRange::Fixed(ks, ke)
        }
        _ => KRange::All,
    };
    // Micro-panels of B whose columns of this block the triangle misses are skipped.
    let skip = |j: usize| tri.sub(0, j * nr).cover(c.rows, nr.min(c.cols - j * nr)) == Cover::None;
    let k_real = factor::<T>() * kcb;
    let ncb = c.cols;
    match b {
        BPanels::Packed { bp, cols } => {
            // LOOP 2 (jr): NR columns of C at a time. In column form, each micro-panel has a
            // slot of NR columns of stride `cols_ld`; a last one narrower than NR is packed as
            // point 5 says, at the start of its slot. The calls on full micro-panels in column
            // form share the prefetch stream of `a_next` by columns (each pass of LOOP 2 its
            // share, which LOOP 1 splits between its calls). No stream of B~ here (it lost,
            // `docs/tuning.md`, "macro_kernel.rs: macro_kernel").
            let slot = if cols {
                nr * cols_ld::<T>()
            } else {
                nr * k_real
            };
            let full = |j: usize| cols && nr.min(ncb - j * nr) == nr;
            let (first, streamed) = (jr.start, jr.clone().filter(|&j| full(j)).count());
            for j in jr {
                if skip(j) {
                    continue;
                }
                let panel = &bp[j * slot..(j + 1) * slot];
                let b_panel = if full(j) {
                    BMicro::Cols(panel.as_ptr())
                } else {
                    BMicro::Packed(&panel[..nr * k_real])
                };
                // Full micro-panels come first: the j-th of them streams the j-th share.
                let stream = a_next.filter(|_| full(j)).map(|s| {
                    let jj = j - first;
                    let (c0, c1) = (jj * s.cols / streamed, (jj + 1) * s.cols / streamed);
                    s.sub(0, c0, s.rows, c1 - c0)
                });
                // SAFETY: forwarded.
                unsafe {
                    loop1::<T, K>(
                        stream,
                        alpha,
                        ap,
                        b_panel,
                        beta,
                        c,
                        (tri, k_range(j)),
                        j * nr,
                        k_real,
                    )
                };
            }
        }
        BPanels::Fused {
            b,
            wide: true,
            wide_next,
            copy_to,
            ..
        } => {
            // SAFETY: forwarded; `ap` holds A~ in micro-panels of `WIDE_MR` rows (`loop3`).
            unsafe { loop2_wide::<T, K>(alpha, ap, (b, copy_to), beta, c, jr, wide_next) }
        }
        BPanels::Fused { b, conj, .. } => {
            // A full micro-panel of a real op(B) whose columns are contiguous is read in place
            // by the kernel (contract point 11): packing it would copy it for the few passes
            // of LOOP 1 it serves. Other layouts (and complex types, whose 1m form differs
            // from the data) are packed.
            //
            // Unless B's columns alias in L1 (a column stride that is a multiple of 2 KiB, such
            // as a power-of-two leading dimension, puts the NR columns' lines in one or two
            // L1 sets, more than the cache's ways hold): then the micro-panel does not stay in
            // L1 between the passes of LOOP 1, and each pass after the first reads it again
            // from L2 or beyond. Beyond two passes, its columns are copied (contiguous copies,
            // no transposition) into column form (contract point 12: a column stride of an
            // odd number of cache lines, so that they fall in distinct sets), which the kernel
            // reads with that stride as a constant (the next micro-panel prefetched as below).
            // The copy is faster than packing (a transposition) and than reading the aliased
            // columns through their strides, on two threads at least, where the default is
            // every core.
            //
            // Without aliasing, the micro-panel is copied too when LOOP 1 makes at least
            // `COPY_PASSES` passes over it: the column form's kernel is faster than the one
            // reading through strides, and the copy is paid once for many passes. History:
            // `docs/tuning.md`, "macro_kernel.rs: macro_kernel".
            let aliasing = (b.cs.unsigned_abs() * size_of::<T>()) % 2048 == 0;
            let passes = c.rows.div_ceil(K::MR);
            let in_place = !T::IS_COMPLEX && b.rs == 1;
            let ld = cols_ld::<T>();
            let copy = in_place && (aliasing || passes >= COPY_PASSES) && passes > 2 && kcb <= ld;
            let big = kcb * ncb * size_of::<T>() > Caches::detect().l2;
            let len = if copy { nr * ld } else { nr * k_real };
            with_buffer(Slot::B, len, |b_panel: &mut [T::Real]| {
                // LOOP 2 (jr): NR columns of C at a time, packing each micro-panel first.
                for j in jr {
                    if skip(j) {
                        continue;
                    }
                    let j0 = j * nr;
                    let cols = nr.min(ncb - j0);
                    // The next micro-panel is on its way while this one is used: packed, it is
                    // prefetched here; copied from a block of B larger than L2 (so likely not
                    // in it), the kernel calls of LOOP 1 prefetch it into L2 a few lines per k
                    // step (contract point 8), each call its share of the columns. From a
                    // smaller block nothing is prefetched (the bursts cost more than they
                    // save), nor read in place (the hardware prefetchers follow its NR column
                    // streams). History: `docs/tuning.md`, "macro_kernel.rs: macro_kernel".
                    let mut stream = None;
                    if j0 + cols < ncb {
                        let next = b.sub(0, j0 + cols, kcb, nr.min(ncb - j0 - cols));
                        if !in_place {
                            prefetch_block(next);
                        } else if big && copy {
                            stream = Some(next);
                        }
                    }
                    let panel = if in_place && cols == nr && !copy {
                        BMicro::InPlace {
                            // T is real here, so a pointer to T is a pointer to T::Real.
                            ptr: b.sub(0, j0, kcb, cols).ptr as *const T::Real,
                            rs: b.rs,
                            cs: b.cs,
                        }
                    } else if copy && cols == nr {
                        // SAFETY: T is real, the columns are contiguous (rs == 1) and lie
                        // inside the block, kcb <= ld, and the buffer holds one slot.
                        unsafe { pack_b_cols(b.sub(0, j0, kcb, nr), nr, ld, b_panel) };
                        BMicro::Cols(b_panel.as_ptr())
                    } else {
                        let b_panel = &mut b_panel[..nr * k_real];
                        // SAFETY: the columns lie inside the block of op(B) (caller's contract).
                        unsafe { pack_b(b.sub(0, j0, kcb, cols), conj, nr, b_panel) };
                        BMicro::Packed(b_panel)
                    };
                    // SAFETY: forwarded; an in-place panel is a full `kcb x NR` block of op(B)
                    // (or its copy).
                    unsafe {
                        loop1::<T, K>(
                            stream,
                            alpha,
                            ap,
                            panel,
                            beta,
                            c,
                            (tri, k_range(j)),
                            j0,
                            k_real,
                        )
                    };
                }
            })
        }
    }
}

/// Which k range of a KC slice LOOP 1 runs each micro-panel on.
#[derive(Clone, Copy)]
enum KRange {
    /// All of it.
    All,
    /// Under a triangular op(A): per micro-panel of A~ ([`Tri::k_range`], with row ic's
    /// diagonal element `d0` into the slice).
    RowsOf(Tri, isize),
    /// The same for every micro-panel (one of B~ under a triangular op(B)).
    Fixed(usize, usize),
}

/// micro-panels `jr` of B~'s block `b` (real, contiguous columns, read in place): `WIDE_NR`
/// columns at a time, the last group narrower, each against every micro-panel of A~; with
/// `prefetch_next`, the last call on each group prefetches the next. With `copy_to`, each
/// group is first copied there (the same rows and columns), and the calls read the copy.
///
/// # Safety
/// As [`macro_kernel`], with `ap` packed in micro-panels of `K::WIDE_MR` rows and `T` real;
/// `copy_to`, if any, is as large as `b`, has unit row stride, overlaps nothing else, and no
/// other thread touches the columns `jr` of it.
#[allow(clippy::too_many_arguments)]
unsafe fn loop2_wide<T: GemmScalar, K: Microkernel<T::Real>>(
    alpha: T,
    ap: &[T::Real],
    (b, copy_to): (RawMat<T>, Option<RawMatMut<T>>),
    beta: T,
    c: RawMatMut<T>,
    jr: core::ops::Range<usize>,
    prefetch_next: bool,
) {
    let (mr, nr) = (K::WIDE_MR, K::WIDE_NR);
    let k = b.rows;
    let (c0, c1) = (jr.start * K::NR, (jr.end * K::NR).min(c.cols));
    let panels = ap.len() / (mr * k).max(1);
    // LOOP 2: WIDE_NR columns of C at a time.
    for j0 in (c0..c1).step_by(nr) {
        let cols = nr.min(c1 - j0);
        let group = match copy_to {
            Some(dst) => {
                for j in j0..j0 + cols {
                    // SAFETY: column j of `b` has `k` contiguous readable elements, and of
                    // `dst` as many writable ones, apart from them (the caller's contract).
                    unsafe { core::ptr::copy_nonoverlapping(b.at(0, j), dst.at(0, j), k) };
                }
                dst.as_ref().sub(0, j0, k, cols)
            }
            None => b.sub(0, j0, k, cols),
        };
        // T is real here, so a pointer to T is a pointer to T::Real.
        let b_panel = group.ptr as *const T::Real;
        // The last call of LOOP 1 on a full group prefetches the next group into L1 (contract
        // point 8), a line of each of its columns as it starts a line of its own: the first
        // call on a group otherwise reads its columns from L3 or memory, where the other calls
        // find them in L1. History: `docs/tuning.md`, "macro_kernel.rs: loop2_wide".
        let next = if prefetch_next && cols == nr && j0 + nr < c1 {
            let next_cols = nr.min(c1 - j0 - nr);
            Aux {
                b_next: b.sub(0, j0 + nr, k, next_cols).ptr as *const T::Real,
                b_next_cs: b.cs,
                b_next_cols: next_cols,
                ..Aux::NONE
            }
        } else {
            Aux::NONE
        };
        // LOOP 1: WIDE_MR rows of C at a time.
        for (i, a_panel) in ap.chunks_exact(mr * k).enumerate() {
            let i0 = i * mr;
            let c_tile = c.sub(i0, j0, mr.min(c.rows - i0), cols);
            let aux = if i + 1 == panels { &next } else { &Aux::NONE };
            // SAFETY: the tile is inside C and this thread's alone; the A micro-panel holds
            // `WIDE_MR x k` reals; B's `cols` columns of this group lie inside the block, and
            // the next group's (the stream's, unit row stride: `wide_applies`) too.
            unsafe {
                K::ukr_wide(
                    c_tile.rows,
                    cols,
                    k,
                    alpha.re(),
                    a_panel.as_ptr(),
                    b_panel,
                    group.rs,
                    group.cs,
                    beta.re(),
                    c_tile.ptr as *mut T::Real,
                    c_tile.rs,
                    c_tile.cs,
                    aux,
                )
            };
        }
    }
}

/// One micro-panel of B as LOOP 1 hands it to the kernel.
#[derive(Clone, Copy)]
enum BMicro<'a, R> {
    /// Packed (contract point 5).
    Packed(&'a [R]),
    /// A full `k x NR` block of a real op(B), read in place (contract point 11).
    InPlace { ptr: *const R, rs: isize, cs: isize },
    /// A full `k x NR` block of a real op(B) in column form (contract point 12).
    Cols(*const R),
}

/// LOOP 1 (ir) for the micro-panel of B~ that computes columns `j0..` of the block `c`, each
/// micro-panel of A~ on its `k_range` of the slice: all of it, or under a triangular op(A) its
/// own ([`Tri::k_range`], with β where its rows are written first), or under a triangular op(B)
/// that of this micro-panel of B~.
///
/// # Safety
/// As [`macro_kernel`].
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn loop1<T: GemmScalar, K: Microkernel<T::Real>>(
    stream: Option<RawMat<T>>,
    alpha: T,
    ap: &[T::Real],
    b_panel: BMicro<'_, T::Real>,
    beta: T,
    c: RawMatMut<T>,
    (tri, k_range): (Region, KRange),
    j0: usize,
    k_real: usize,
) {
    let (mr, nr) = (K::MR, K::NR);
    let mr_t = mr / factor::<T>();
    let (mcb, ncb) = (c.rows, c.cols);
    let nrb = nr.min(ncb - j0);
    // The 1m tile buffer for complex types (real types write C directly).
    let mut tile = [<T::Real as Zero>::zero(); TILE];
    debug_assert!(mr * nr <= TILE);
    let aux = Aux::NONE;
    let f = factor::<T>();
    let real_update = T::IS_COMPLEX && c.rs == 1 && alpha.im().is_zero() && beta.im().is_zero();
    // The share of `stream` (a real block with contiguous columns) that micro-panel i's call
    // prefetches: its columns split evenly between the calls of this pass.
    let passes = ap.len() / (mr * k_real).max(1);
    let stream_aux = |i: usize| match stream {
        Some(s) if s.rs == 1 && !T::IS_COMPLEX => {
            let (c0, c1) = (i * s.cols / passes, (i + 1) * s.cols / passes);
            // Whole lines of a column, one more for a start inside a line.
            let lines = (s.rows * size_of::<T>()).div_ceil(64) + 1;
            Aux {
                b_next: s.at(0, c0) as *const T::Real,
                b_next_cs: s.cs,
                b_next_lines: lines,
                b_next_cols: c1 - c0,
                b_next_per_step: (lines * (c1 - c0)).div_ceil(k_real.max(1)),
                ..Aux::NONE
            }
        }
        _ => Aux::NONE,
    };
    // LOOP 1 (ir): MR rows of C at a time.
    {
        for (i, a_panel) in ap.chunks_exact(mr * k_real).enumerate() {
            let i0 = i * mr_t;
            let mrb = mr_t.min(mcb - i0);
            let c_tile = c.sub(i0, j0, mrb, nrb);
            let tri_tile = tri.sub(i0, j0);
            let cover = tri_tile.cover(mrb, nrb);
            if cover == Cover::None {
                continue;
            }
            // The k range (in reals) and β of this micro-panel; the panels' pointers move to
            // its start.
            let (ks, ke, beta) = match k_range {
                KRange::All => (0, k_real / f, beta),
                KRange::RowsOf(t, d0) => {
                    let Some((ks, ke, first)) = t.k_range(d0 + i0 as isize, mrb, k_real / f) else {
                        continue;
                    };
                    (ks, ke, if first { beta } else { T::one() })
                }
                KRange::Fixed(ks, ke) => (ks, ke, beta),
            };
            let (a_panel, b_panel, k_real) = if ks == 0 && ke == k_real / f {
                (a_panel, b_panel, k_real)
            } else {
                let b_panel = match b_panel {
                    BMicro::Packed(bp) => BMicro::Packed(&bp[f * ks * nr..]),
                    // (Not met: under a triangle B~ is always packed up front; row `ks` of the
                    // block would be the start.)
                    BMicro::InPlace { ptr, rs, cs } => BMicro::InPlace {
                        ptr: ptr.wrapping_offset(ks as isize * rs),
                        rs,
                        cs,
                    },
                    BMicro::Cols(ptr) => BMicro::Cols(ptr.wrapping_add(ks)),
                };
                (&a_panel[f * ks * mr..], b_panel, f * (ke - ks))
            };
            if cover == Cover::Part {
                // A tile the triangle cuts: the product into the tile buffer (with α = 1 and
                // β = 0, so C is not touched), then merged into the kept elements only.
                let one = <T::Real as One>::one();
                let zero = <T::Real as Zero>::zero();
                match b_panel {
                    // SAFETY: as for whole tiles below, with the tile buffer (MR x NR reals,
                    // column-major, ld = MR) as C; an in-place panel is real (f = 1).
                    BMicro::InPlace { ptr, rs, cs } => unsafe {
                        K::ukr_b_in_place(
                            mrb,
                            k_real,
                            one,
                            a_panel.as_ptr(),
                            ptr,
                            rs,
                            cs,
                            zero,
                            tile.as_mut_ptr(),
                            1,
                            mr as isize,
                            &aux,
                        )
                    },
                    // SAFETY: as above.
                    BMicro::Cols(ptr) => unsafe {
                        K::ukr_b_cols(
                            mrb,
                            k_real,
                            one,
                            a_panel.as_ptr(),
                            ptr,
                            zero,
                            tile.as_mut_ptr(),
                            1,
                            mr as isize,
                            &aux,
                        )
                    },
                    // SAFETY: as above.
                    BMicro::Packed(bp) => unsafe {
                        K::ukr(
                            f * mrb,
                            nrb,
                            k_real,
                            one,
                            a_panel.as_ptr(),
                            bp.as_ptr(),
                            zero,
                            tile.as_mut_ptr(),
                            1,
                            mr as isize,
                            &aux,
                        )
                    },
                }
                // SAFETY: the tile is inside C and this thread's alone.
                unsafe { merge_tile(&tile, mr, alpha, beta, c_tile, tri_tile) };
                continue;
            }
            let b_panel = match b_panel {
                BMicro::InPlace { ptr, rs, cs } => {
                    // SAFETY: as below; B is a full `k_real x NR` block of op(B) (the
                    // caller's contract), so the kernel reads nothing past it.
                    unsafe {
                        K::ukr_b_in_place(
                            mrb,
                            k_real,
                            alpha.re(),
                            a_panel.as_ptr(),
                            ptr,
                            rs,
                            cs,
                            beta.re(),
                            c_tile.ptr as *mut T::Real,
                            c_tile.rs,
                            c_tile.cs,
                            &aux,
                        )
                    };
                    continue;
                }
                BMicro::Cols(ptr) => {
                    // SAFETY: as below; B is a full `k_real x NR` micro-panel in column form.
                    unsafe {
                        K::ukr_b_cols(
                            mrb,
                            k_real,
                            alpha.re(),
                            a_panel.as_ptr(),
                            ptr,
                            beta.re(),
                            c_tile.ptr as *mut T::Real,
                            c_tile.rs,
                            c_tile.cs,
                            &stream_aux(i),
                        )
                    };
                    continue;
                }
                BMicro::Packed(bp) => bp,
            };
            if !T::IS_COMPLEX || real_update {
                // Real T: T is its own real type, so the cast is an identity. Complex T with
                // unit row stride and real α, β: C's columns, read as reals, hold re/im
                // interleaved exactly as the rows of the 1m tile do, and scaling a complex
                // number by a real one scales re and im alike, so the real kernel updates C
                // in place (`f * mrb` real rows, column stride `f * cs`).
                // SAFETY: the tile is inside C, the panels hold `k_real * MR` and
                // `k_real * NR` reals.
                unsafe {
                    K::ukr(
                        f * mrb,
                        nrb,
                        k_real,
                        alpha.re(),
                        a_panel.as_ptr(),
                        b_panel.as_ptr(),
                        beta.re(),
                        c_tile.ptr as *mut T::Real,
                        c_tile.rs,
                        f as isize * c_tile.cs,
                        &aux,
                    )
                };
            } else {
                // 1m: the real kernel computes the product into a real MR x NR tile, which
                // holds the complex tile re/im row-interleaved; α and β are applied here.
                // Only the `2 * mrb x nrb` corner is computed (an edge tile when it is less).
                // SAFETY: `tile` holds MR x NR reals, column-major with ld = MR.
                unsafe {
                    K::ukr(
                        f * mrb,
                        nrb,
                        k_real,
                        <T::Real as One>::one(),
                        a_panel.as_ptr(),
                        b_panel.as_ptr(),
                        <T::Real as Zero>::zero(),
                        tile.as_mut_ptr(),
                        1,
                        mr as isize,
                        &aux,
                    )
                };
                // SAFETY: the tile is inside C and this thread's alone.
                unsafe { merge_tile(&tile, mr, alpha, beta, c_tile, Region::All) };
            }
        }
    }
}

/// Capacity of the 1m tile buffer (the largest `MR x NR` of any kernel).
const TILE: usize = 512;

/// `C <- beta * C + alpha * T` on the elements of `c` that `tri` keeps, where the real tile `t`
/// (column-major, leading dimension `ld`) holds element (i, j) in row `i` (real `T`) or, in
/// complex arithmetic, in rows `2i` (re) and `2i + 1` (im) (the 1m tile). With β = 0, C is not
/// read.
///
/// # Safety
/// `c` is readable and writable.
#[inline]
unsafe fn merge_tile<T: GemmScalar>(
    t: &[T::Real],
    ld: usize,
    alpha: T,
    beta: T,
    c: RawMatMut<T>,
    tri: Region,
) {
    for j in 0..c.cols {
        for i in 0..c.rows {
            if !tri.keeps(i, j) {
                continue;
            }
            let x = if T::IS_COMPLEX {
                T::from_parts(t[2 * i + j * ld], t[2 * i + 1 + j * ld])
            } else {
                T::from_real(t[i + j * ld])
            };
            let ab = alpha * x;
            // SAFETY: (i, j) is inside `c`.
            unsafe {
                let v = if beta.is_zero() {
                    ab
                } else if beta.is_one() {
                    c.get(i, j) + ab
                } else {
                    beta * c.get(i, j) + ab
                };
                c.set(i, j, v);
            }
        }
    }
}
