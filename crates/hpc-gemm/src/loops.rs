//! The five loops of the Goto/BLIS algorithm around a microkernel, and nothing else.
//!
//! ```text
//! LOOP 5 (jc): for each NC-wide panel of columns of C and op(B)
//!   LOOP 4 (pc): for each KC-deep slice of the inner dimension        (never parallel)
//!     pack op(B)[pc.., jc..] (KC x NC) into NR-wide micro-panels   -> B~ (shared, L2/L3)
//!     LOOP 3 (ic): for each MC-tall block of rows of C and op(A)      (parallel: ic ways)
//!       pack op(A)[ic.., pc..] (MC x KC) into MR-tall micro-panels -> A~ (per thread, L2)
//!       LOOP 2 (jr): for each NR-wide micro-panel of B~               (parallel: jr ways)
//!         LOOP 1 (ir): for each MR-tall micro-panel of A~
//!           microkernel: C[ir, jr] (MR x NR) <- beta * C + alpha * A~_ir * B~_jr (k = KC)
//! ```
//!
//! When all of op(A)'s rows fit one `MC x KC` block of A~ (`m * kc <= MC * KC`, so that a
//! shallow product takes more rows than MC), LOOP 3 runs once and each micro-panel of B~ would
//! serve a single pass of LOOP 1, so B~ is not packed up front: LOOP 2 packs each micro-panel
//! just before its pass (into L1), which saves writing B~ to L3 and reading it back. A real
//! op(B) with contiguous columns is not even packed there: the kernel reads its full
//! micro-panels in place (`ukr_b_in_place`), unless B's columns alias in L1 and LOOP 1 makes
//! more than two passes ([`macro_kernel`]). The kernel's wide register block (kernel contract
//! point 13, [`crate::plan::wide_applies`]) reads op(B) in place six columns at a time
//! ([`loop2_wide`]).
//!
//! Otherwise B~ of a real op(B) with contiguous columns is packed in column form (contract
//! point 12): each micro-panel a plain copy of its NR columns at a fixed, odd-cache-line
//! stride, which the kernel addresses with constant offsets ([`cols_form`]).
//!
//! A product may be asked for one triangle of C only (gemmt, [`Region`], for the syrk family):
//! LOOP 3 skips blocks of A~ and LOOP 2 micro-panels of B~ that the triangle misses, and LOOP 1
//! skips such tiles and computes those the triangle cuts into the tile buffer, merging the kept
//! elements into C.
//!
//! Operands may be structured ([`Structure`]). A triangular op(A) may multiply op(B) in place
//! (`trmm`, [`Tri`]): A~ is packed with zeros beyond the diagonal, LOOP 1 trims each
//! micro-panel's k range to the triangle, and LOOP 4 runs in the order that packs every row of
//! op(B) into B~ before the product overwrites it; a triangular op(B) likewise from the right.
//! A symmetric or Hermitian op(A) or op(B) (`symm`/`hemm`, [`crate::problem::Sym`]) is packed from its stored
//! triangle and the mirror of the other, so it runs as one GEMM.
//!
//! β is applied once, on the first `pc` iteration; later iterations accumulate with β = 1
//! (matrixmultiply's `betap`).
//!
//! Threads: the plan ([`crate::plan`]) shares C between them at the top; within a share they
//! split LOOP 3 and LOOP 2 (`ic_ways x jr_ways`) and take turns packing B~. No split changes
//! which kernel computes an element nor the order of its k sums (MC, KC and NC do not depend
//! on the thread count; MC is always a multiple of MR; a share is whole micro-panels, and an
//! edge tile's store does the same arithmetic as a full one), so results are bitwise identical
//! whatever the number of threads. History: `docs/tuning.md`, the "loops.rs" sections.

use num_traits::{One, Zero};

use crate::blocking::{Blocking, Caches};
use crate::buffer::{Slot, with_buffer};
use crate::kernels::{Aux, Microkernel};
use crate::pack::{
    pack_a, pack_a_sym, pack_b, pack_b_cols, pack_b_sym, packed_a_len, packed_b_cols_len,
    packed_b_len, prefetch_block, triangle_a, triangle_b,
};
use crate::plan::Plan;
use crate::problem::{Cover, Problem, Region, Structure, Tri};
use crate::raw::{RawMat, RawMatMut};
use crate::registry::GemmScalar;
use crate::simd::factor;

/// Fewest passes of LOOP 1 over a micro-panel of B, in the fused LOOP 2, for which a real
/// op(B) with contiguous columns is copied into column form rather than read in place.
const COPY_PASSES: usize = 8;

/// Fewest blocks of A~ (MC rows each) for which the wide block, on one thread, copies each
/// KC slice of op(B) into column form (contract point 12's layout, which no two columns share
/// L1 sets in) while the first block of A~ reads it, for the other blocks to read the copy
/// ([`gemm_loops`]): read in place, each block's first kernel call on a group of columns took
/// 10-12% longer than the others (its columns from L3, a page each). History:
/// `docs/tuning.md`, "loops.rs: COPY_B_BLOCKS".
const COPY_B_BLOCKS: usize = 12;

/// LOOP 5 and LOOP 4 of one product, or one share of it, as `plan` says (`plan::run` made
/// it for the whole product), with `plan.nt` threads splitting LOOP 3 and LOOP 2.
///
/// # Safety
/// `K::ISA` is available; `a` and `b` are readable, `c` readable and writable, and no one
/// else accesses `c` during the call.
pub(crate) unsafe fn gemm_loops<T: GemmScalar, K: Microkernel<T::Real>>(
    p: &Problem<T>,
    plan: &Plan,
) {
    let Plan {
        ref blk,
        nt,
        stream_a,
        wide,
        wide_next,
        one_thread,
    } = *plan;
    let f = factor::<T>();
    let (mr, nr) = (K::MR, K::NR);
    let (m, n, k) = (p.c.rows, p.c.cols, p.a.cols);
    // Rows of T per A micro-panel, and MC/KC in elements of T (1m halves them for complex).
    let mr_t = mr / f;
    let mut kc_t = (blk.kc / f).max(1);
    if matches!(
        p.structure,
        Structure::General | Structure::SymA(_) | Structure::SymB(_)
    ) {
        kc_t = even_depth::<T>(k, kc_t);
    }
    if p.structure.tri_a().is_some() {
        // In place: whole micro-panels of A per KC slice ([`Tri`]).
        kc_t = (kc_t / mr_t).max(1) * mr_t;
    }
    if p.structure.tri_b().is_some() {
        // In place, op(B) triangular: whole micro-panels of B per KC slice, and NC = KC.
        kc_t = (kc_t / nr).max(1) * nr;
    }

    // LOOP 5 (jc): NC columns of C at a time.
    // NC adjusted so that the panels come out even (a multiple of NR each): 1024 columns are
    // two panels of 518 and 506, not 602 and 422. As with KC ([`even_depth`]), a panel may be
    // a sixteenth wider than NC rather than leave a thin second one: with NC = 4088 (f64 on
    // Zen 4), n = 4096 is one panel, not two (which would pack op(A) twice). In place under
    // a triangular op(B), NC = KC, and the panels run backwards under an upper triangle
    // ([`Structure::TriB`]).
    let nc = if p.structure.tri_b().is_some() {
        kc_t
    } else {
        n.div_ceil(n.div_ceil(blk.nc + blk.nc / 16))
            .next_multiple_of(nr)
    };
    let panels = n.div_ceil(nc);
    for jp in 0..panels {
        let jc = if p.structure.tri_b().is_some_and(|t| !t.lower) {
            panels - 1 - jp
        } else {
            jp
        } * nc;
        let ncb = nc.min(n - jc);
        // LOOP 4 (pc): KC of the inner dimension at a time. Never parallel: every iteration
        // updates the same block of C.
        // In place under a lower triangular op(A), backwards ([`Tri`]). Under a triangular
        // op(B), the panel's own slice first (`pc = jc`), then those the triangle takes left
        // (upper) or right (lower) of it.
        let backwards = p.structure.tri_a().is_some_and(|t| t.lower);
        let slices = match p.structure.tri_b() {
            None => k.div_ceil(kc_t),
            Some(t) if t.lower => 1 + (k - jc - ncb).div_ceil(kc_t),
            Some(_) => 1 + jc / kc_t,
        };
        for s in 0..slices {
            let pc = match p.structure.tri_b() {
                None if backwards => (slices - 1 - s) * kc_t,
                None => s * kc_t,
                Some(_) if s == 0 => jc,
                Some(t) if t.lower => jc + ncb + (s - 1) * kc_t,
                Some(_) => (s - 1) * kc_t,
            };
            let kcb = if p.structure.tri_b().is_some() && s == 0 {
                ncb
            } else {
                kc_t.min(k - pc)
            };
            // β on the first rank-KC update only; the later ones add to what is there. Under
            // a triangular op(A) LOOP 1 decides per micro-panel.
            let first = match (p.structure.tri_a(), p.structure.tri_b()) {
                (Some(_), _) => true,
                (_, Some(_)) => s == 0,
                _ => pc == 0,
            };
            let beta = if first { p.beta } else { T::one() };
            let b_blk = p.b.sub(pc, jc, kcb, ncb);
            let c_blk = p.c.sub(0, jc, m, ncb);
            let a_blk = p.a.sub(0, pc, m, kcb);
            let tri = p.region.sub(0, jc);
            if tri.cover(m, ncb) == Cover::None {
                continue;
            }
            let fused_ok = matches!(p.structure, Structure::General | Structure::SymA(_));
            let one_block = m * kcb <= blk.mc / f * (blk.kc / f).max(1);
            if (one_block || wide) && fused_ok {
                // All of op(A)'s rows fit one block of A~ (at most MC x KC elements, so a
                // shallow KC block takes more rows than MC): LOOP 3 runs once, and each
                // micro-panel of B~ would serve one pass of LOOP 1 only, so it is packed right
                // before that pass (into L1) instead of all of B~ up front (into L3 and back).
                // f64 n = 200 (k = 200 < KC): 0.91x when it took two MC blocks of 128 rows.
                // The wide block reads op(B) in place, so it takes this path for any number
                // of blocks of A~ (MC rows each, more for a shallow slice, [`mc_for_depth`]):
                // nothing of op(B) is packed, and each block of A~ reads the slice of op(B)
                // again, from L2 or L3.
                let fused = |b: RawMat<T>, copy_to: Option<RawMatMut<T>>| BPanels::Fused {
                    b,
                    conj: p.conj_b,
                    wide,
                    wide_next,
                    copy_to,
                };
                let mc_t = if one_block {
                    m.max(blk.mc / f)
                } else {
                    mc_for_depth::<T>(blk, kcb, m, mr_t)
                };
                if wide && one_thread && m >= COPY_B_BLOCKS * mc_t && kcb <= cols_ld::<T>() {
                    // Tall: the first block of A~ copies op(B)'s slice into column form as it
                    // goes, and the others read the copy ([`COPY_B_BLOCKS`]).
                    let ld = cols_ld::<T>();
                    with_buffer(Slot::B, ld * ncb, |buf: &mut [T::Real]| {
                        let copy = RawMatMut {
                            ptr: buf.as_mut_ptr() as *mut T,
                            rows: kcb,
                            cols: ncb,
                            rs: 1,
                            cs: ld as isize,
                        };
                        let first = mc_t.min(m);
                        // SAFETY: forwarded from the caller; T is real (`wide`), so the
                        // buffer of `ld * ncb` reals holds the `kcb x ncb` copy (`kcb <= ld`),
                        // which the first call writes in full before the second reads it.
                        unsafe {
                            loop3::<T, K>(
                                p,
                                (a_blk.sub(0, 0, first, kcb), pc),
                                (fused(b_blk, Some(copy)), None),
                                beta,
                                c_blk.sub(0, 0, first, ncb),
                                tri,
                                mc_t,
                                (1, false),
                            );
                            loop3::<T, K>(
                                p,
                                (a_blk.sub(first, 0, m - first, kcb), pc),
                                (fused(copy.as_ref(), None), None),
                                beta,
                                c_blk.sub(first, 0, m - first, ncb),
                                tri.sub(first, 0),
                                mc_t,
                                (1, false),
                            )
                        };
                    });
                    continue;
                }
                // SAFETY: forwarded from the caller.
                unsafe {
                    loop3::<T, K>(
                        p,
                        (a_blk, pc),
                        (fused(b_blk, None), None),
                        beta,
                        c_blk,
                        tri,
                        mc_t,
                        (nt, false),
                    )
                };
                continue;
            }
            if cols_form(p, kcb) {
                // B~ in column form (contract point 12): a copy of each column where the packed
                // form is a transposition, and a kernel that reads it as fast or faster (one
                // thread: f64 +2-3% at n = 512 to 2048, +11% at 4096 x 4096 x 64. History:
                // `docs/tuning.md`, "loops.rs: gemm_loops".
                let ld = cols_ld::<T>();
                let len = packed_b_cols_len(ncb, nr, ld);
                with_buffer(Slot::B, len, |bp: &mut [T::Real]| {
                    let b_blk = p.b.sub(pc, jc, kcb, ncb);
                    if nt > 1 {
                        // In parallel over whole micro-panels.
                        let per = ncb.div_ceil(nr).div_ceil(nt);
                        crate::fork::for_each_chunk_mut(bp, nr * ld * per, |t, chunk| {
                            let j0 = t * per * nr;
                            let cols = (per * nr).min(ncb - j0);
                            // SAFETY: as below, for this thread's micro-panels.
                            unsafe { pack_b_cols(b_blk.sub(0, j0, kcb, cols), nr, ld, chunk) };
                        });
                    } else {
                        // SAFETY: the block lies inside op(B) (caller's contract), which is
                        // real with contiguous columns and `kcb <= ld` (`cols_form`).
                        unsafe { pack_b_cols(b_blk, nr, ld, bp) };
                    }
                    let mc_t = mc_for_depth::<T>(blk, kcb, m, mr_t);
                    let b = (BPanels::Packed { bp, cols: true }, None);
                    // SAFETY: forwarded from the caller; B~ holds the packed panel.
                    unsafe {
                        loop3::<T, K>(p, (a_blk, pc), b, beta, c_blk, tri, mc_t, (nt, stream_a))
                    };
                });
                continue;
            }
            with_buffer(
                Slot::B,
                packed_b_len::<T>(kcb, ncb, nr),
                |bp: &mut [T::Real]| {
                    // Pack B~ (KC x NC), in parallel over its micro-panels.
                    if nt > 1 {
                        let panel = nr * f * kcb;
                        let per = ncb.div_ceil(nr).div_ceil(nt);
                        crate::fork::for_each_chunk_mut(bp, panel * per, |t, chunk| {
                            // This thread's micro-panels: columns j0.. of the block.
                            let j0 = t * per * nr;
                            let cols = (per * nr).min(ncb - j0);
                            // SAFETY: the block lies inside op(B) (caller's contract).
                            unsafe { pack_b_block(p, (pc, jc + j0, kcb, cols), nr, chunk) };
                        });
                    } else {
                        // SAFETY: as above.
                        unsafe { pack_b_block(p, (pc, jc, kcb, ncb), nr, bp) };
                    }
                    // Under a triangular op(B), the panel's own slice holds the diagonal.
                    let b_diag = p.structure.tri_b().filter(|_| s == 0);
                    if let Some(t) = b_diag {
                        triangle_b::<T>(bp, nr, (kcb, ncb), (t.lower, t.unit));
                    }
                    let b = (BPanels::Packed { bp, cols: false }, b_diag);
                    let mc_t = mc_for_depth::<T>(blk, kcb, m, mr_t);
                    // SAFETY: forwarded from the caller; B~ holds the packed panel.
                    unsafe {
                        loop3::<T, K>(p, (a_blk, pc), b, beta, c_blk, tri, mc_t, (nt, stream_a))
                    };
                },
            );
        }
    }
}

/// MC (in rows of T) for a KC slice `kcb` deep of a product `m` tall: a slice shallower than KC
/// takes as many more rows (`MC * KC / kcb`, whole micro-panels, at most `m`), so that A~ keeps its
/// size in L2. Each micro-panel of B~ then serves that many more kernel calls per pass of LOOP 2,
/// and each column of C is written in longer runs (MC rows at a time), which is what a shallow
/// product is bound by: with k = 64, C takes four times the bytes of A and B together. MC does
/// not change how any element is computed, so the bits stay the same. History:
/// `docs/tuning.md`, "loops.rs: mc_for_depth".
fn mc_for_depth<T: GemmScalar>(blk: &Blocking, kcb: usize, m: usize, mr_t: usize) -> usize {
    let f = factor::<T>();
    let (mc_t, kc_t) = (blk.mc / f, (blk.kc / f).max(1));
    if kcb >= kc_t {
        return mc_t;
    }
    (mc_t * kc_t / kcb.max(1))
        .min(m)
        .next_multiple_of(mr_t)
        .max(mc_t)
}

/// KC for a product `k` deep, from the blocking's `kc_t`: LOOP 4's slices of equal depth (to
/// one), each at most a sixteenth deeper than `kc_t` (and, for a real op(B), no deeper than the
/// column form holds, [`cols_form`]). A product a little deeper than a multiple of KC then runs
/// no extra slice for the remainder (a pass over all of C for a few rank-1 updates): f64
/// k = 513 one slice of 513 where it took 512 + 1. History: `docs/tuning.md`,
/// "loops.rs: even_depth".
fn even_depth<T: GemmScalar>(k: usize, kc_t: usize) -> usize {
    let mut most = kc_t + kc_t / 16;
    if !T::IS_COMPLEX && kc_t <= cols_ld::<T>() {
        most = most.min(cols_ld::<T>());
    }
    k.div_ceil(k.div_ceil(most).max(1)).max(1)
}

/// The column stride of B micro-panels in column form for `T` (contract point 12).
fn cols_ld<T>() -> usize {
    crate::kernels::b_cols_ld(size_of::<T>())
}

/// Whether B~ is packed in column form (contract point 12) for a KC slice `kcb` deep: for a
/// real op(B) with contiguous columns, `kcb` within the form's depth, and a structure whose
/// B~ is a plain copy of op(B) (under a triangular or symmetric op(B) it is not).
fn cols_form<T: GemmScalar>(p: &Problem<T>, kcb: usize) -> bool {
    !T::IS_COMPLEX
        && p.b.rs == 1
        && kcb <= cols_ld::<T>()
        && matches!(
            p.structure,
            Structure::General | Structure::TriA(_) | Structure::SymA(_)
        )
}

/// Packs the `kcb x cols` block of op(B) at (`pc`, `j0`) into B~ micro-panels: from op(B), or
/// from the whole symmetric matrix under [`Structure::SymB`].
///
/// # Safety
/// The block lies inside op(B); `dst` holds its packed length.
unsafe fn pack_b_block<T: GemmScalar>(
    p: &Problem<T>,
    (pc, j0, kcb, cols): (usize, usize, usize, usize),
    nr: usize,
    dst: &mut [T::Real],
) {
    // SAFETY: forwarded.
    unsafe {
        match p.structure {
            Structure::SymB(sym) => {
                pack_b_sym(p.b, (pc, j0, kcb, cols), (sym.lower, sym.herm), nr, dst)
            }
            _ => pack_b(p.b.sub(pc, j0, kcb, cols), p.conj_b, nr, dst),
        }
    }
}

/// Where LOOP 2 finds its micro-panels of B~.
#[derive(Clone, Copy)]
enum BPanels<'a, T: GemmScalar> {
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

/// LOOP 3's blocks of rows: `m` rows in `blocks` blocks of whole micro-panels (`mr_t` rows;
/// the last micro-panel may be short), as even as whole micro-panels make them, so that no
/// micro-panels) left one: f64 m = 2048 in blocks of 224 rows (seven 32-row panels of the
/// wide block) ended in one of 32 rows, a pass over all of B~ for one kernel call per group of
/// its columns. History: `docs/tuning.md`, "loops.rs: RowBlocks".
#[derive(Clone, Copy, Debug)]
struct RowBlocks {
    m: usize,
    mr_t: usize,
    panels: usize,
    blocks: usize,
}

impl RowBlocks {
    fn new(m: usize, mr_t: usize, blocks: usize) -> RowBlocks {
        RowBlocks {
            m,
            mr_t,
            panels: m.div_ceil(mr_t),
            blocks: blocks.max(1),
        }
    }

    /// The first row and the rows of block `ib` (no rows past the last block).
    fn block(&self, ib: usize) -> (usize, usize) {
        let start = |b: usize| (b * self.panels / self.blocks * self.mr_t).min(self.m);
        let (s, e) = (start(ib.min(self.blocks)), start((ib + 1).min(self.blocks)));
        (s, e - s)
    }

    /// The rows of the tallest block.
    fn most(&self) -> usize {
        (self.panels.div_ceil(self.blocks) * self.mr_t).min(self.m)
    }
}

/// LOOP 3 (ic) and the split of the threads between LOOP 3 and LOOP 2, for the KC slice of
/// op(A) `a_blk` whose first k is `pc`, on `nt` threads; with `stream_a`, the kernels of each
/// block prefetch the next one into L2 ([`run`]).
///
/// # Safety
/// As [`run`]; `b` holds or reads the `kcb x ncb` panel of op(B).
#[allow(clippy::too_many_arguments)]
unsafe fn loop3<T: GemmScalar, K: Microkernel<T::Real>>(
    p: &Problem<T>,
    (a_blk, pc): (RawMat<T>, usize),
    (b, b_diag): (BPanels<'_, T>, Option<Tri>),
    beta: T,
    c_blk: RawMatMut<T>,
    tri: Region,
    mc_t: usize,
    (nt, stream_a): (usize, bool),
) {
    let (m, ncb, kcb) = (c_blk.rows, c_blk.cols, a_blk.cols);
    // The wide block's LOOP 2 takes A~ in micro-panels of its own height (contract point 13).
    let wide = matches!(b, BPanels::Fused { wide: true, .. });
    let mr = if wide { K::WIDE_MR } else { K::MR };
    let mr_t = mr / factor::<T>();
    let jr_panels = ncb.div_ceil(K::NR);
    // Threads go to LOOP 3 first (each packs its own A~), the rest to LOOP 2. When LOOP 3 is
    // parallel, its blocks are shrunk so that they divide evenly between the threads.
    let m_blocks = m.div_ceil(mc_t);
    let ic_ways = nt.min(m_blocks).max(1);
    // Under a triangular op(B) in place, one thread per block of A~ (its rows are written
    // right after it packs them, [`Structure::TriB`]).
    let jr_ways = if p.structure.tri_b().is_some() {
        1
    } else {
        (nt / ic_ways).clamp(1, jr_panels)
    };
    let blocks = if ic_ways > 1 {
        // A multiple of the threads, so that each thread takes as many blocks.
        m_blocks.div_ceil(ic_ways) * ic_ways
    } else {
        // One thread on LOOP 3: each block at most a sixteenth taller than MC, so that a few
        // rows past a multiple of MC ride along rather than take a pass over all of B~ of
        // their own (f64 m = 513: two blocks of 272 rows for 256 + 256 + 1).
        let most = mc_t + (mc_t / 16).next_multiple_of(mr_t);
        m.div_ceil(most).max(1)
    };
    let rows = RowBlocks::new(m, mr_t, blocks);
    let m_blocks = rows.blocks;
    let a_len = packed_a_len::<T>(rows.most(), kcb, mr);

    let work = |iw: usize, jw: usize| {
        // This thread's share of LOOP 2.
        let per = jr_panels.div_ceil(jr_ways);
        let jr = (jw * per).min(jr_panels)..((jw + 1) * per).min(jr_panels);
        if jr.is_empty() {
            return;
        }
        with_buffer(Slot::A, a_len, |ap: &mut [T::Real]| {
            // LOOP 3 (ic): this thread's MC-row blocks.
            for ib in (iw..m_blocks).step_by(ic_ways) {
                let (ic, mcb) = rows.block(ib);
                if mcb == 0 {
                    continue;
                }
                let tri = tri.sub(ic, 0);
                if tri.cover(mcb, ncb) == Cover::None {
                    continue;
                }
                // Under a triangular op(A): row ic's diagonal element is `d0` into the slice;
                // blocks the triangle gives nothing from this slice are skipped.
                let tri_a = p.structure.tri_a().map(|t| (t, ic as isize - pc as isize));
                if let Some((t, d0)) = tri_a {
                    let outside = if t.lower {
                        d0 + mcb as isize <= 0
                    } else {
                        d0 >= kcb as isize
                    };
                    if outside {
                        continue;
                    }
                }
                let ap = &mut ap[..packed_a_len::<T>(mcb, kcb, mr)];
                // SAFETY: the block lies inside op(A) (caller's contract).
                unsafe {
                    match p.structure {
                        Structure::SymA(sym) => {
                            pack_a_sym(p.a, (ic, pc, mcb, kcb), (sym.lower, sym.herm), mr, ap)
                        }
                        _ => pack_a(a_blk.sub(ic, 0, mcb, kcb), p.conj_a, mr, ap),
                    }
                };
                if let Some((t, d0)) = tri_a {
                    triangle_a::<T>(ap, mr, (mcb, kcb), (t.lower, t.unit), d0);
                }
                // The next block of op(A), for the kernels to prefetch: this thread's, which
                // one thread on LOOP 3 packs next. Read in place through unit row strides, as
                // the stream of `Aux` is (contract point 8), by the column-form kernels.
                let a_next = (stream_a
                    && ic_ways == 1
                    && ib + 1 < m_blocks
                    && !T::IS_COMPLEX
                    && a_blk.rs == 1
                    && matches!(b, BPanels::Packed { cols: true, .. }))
                .then(|| {
                    let (ic, mcb) = rows.block(ib + 1);
                    a_blk.sub(ic, 0, mcb, kcb)
                });
                // SAFETY: this thread owns rows ic.. and the micro-panels `jr` of this C block.
                unsafe {
                    macro_kernel::<T, K>(
                        p.alpha,
                        ap,
                        (b, a_next),
                        beta,
                        c_blk.sub(ic, 0, mcb, ncb),
                        (tri, tri_a, b_diag),
                        kcb,
                        jr.clone(),
                    )
                };
            }
        });
    };

    let ways = ic_ways * jr_ways;
    if ways == 1 {
        work(0, 0);
    } else {
        crate::fork::for_each(ways, |t| work(t % ic_ways, t / ic_ways));
    }
}

/// LOOP 2 (jr) and LOOP 1 (ir) over one packed block of A and the micro-panels `jr` of B~;
/// `a_next`, a block of op(A) for the column-form kernel calls to prefetch into L2 meanwhile.
///
/// # Safety
/// `K::ISA` is available; `c` is the `mcb x ncb` block of C these panels compute, writable by
/// this thread alone; `ap` (and `b` if packed) are packed as the kernel contract says, or `b`
/// is readable.
unsafe fn macro_kernel<T: GemmScalar, K: Microkernel<T::Real>>(
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
            // `docs/tuning.md`, "loops.rs: macro_kernel").
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
            // `docs/tuning.md`, "loops.rs: macro_kernel".
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
                    // streams). History: `docs/tuning.md`, "loops.rs: macro_kernel".
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
        // find them in L1. History: `docs/tuning.md`, "loops.rs: loop2_wide".
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_blocks_cover_the_rows_in_even_whole_panels() {
        // m = 2048 and 4096 in 32-row panels, at most seven a block: no sliver at the end.
        let r = RowBlocks::new(2048, 32, 2048usize.div_ceil(224));
        assert_eq!((r.blocks, r.most()), (10, 224));
        assert_eq!((r.block(0), r.block(9)), ((0, 192), (1824, 224)));
        let r = RowBlocks::new(4096, 32, 4096usize.div_ceil(224));
        let heights: Vec<usize> = (0..r.blocks).map(|b| r.block(b).1).collect();
        assert!(heights.iter().all(|&h| h == 192 || h == 224), "{heights:?}");
        for (m, mr, blocks) in [(0, 8, 1), (1, 8, 1), (7, 8, 3), (100, 8, 3), (513, 16, 2)] {
            for blocks in [blocks, blocks + 1, 40] {
                let r = RowBlocks::new(m, mr, blocks);
                let mut next = 0;
                for b in 0..r.blocks {
                    let (s, h) = r.block(b);
                    assert_eq!(s, next, "m {m} mr {mr} blocks {blocks} block {b}");
                    assert!(h <= r.most());
                    // Whole panels but at the end; heights within one panel of each other.
                    assert!(s + h == m || h % mr == 0);
                    assert!(h + mr >= r.most() || s + h == m || h == 0 && r.panels < r.blocks);
                    next = s + h;
                }
                assert_eq!(next, m);
                assert_eq!(r.block(r.blocks), (m, 0));
            }
        }
    }
}
