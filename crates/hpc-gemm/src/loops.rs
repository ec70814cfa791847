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
//! more than two passes ([`crate::macro_kernel`]). The kernel's wide register block (kernel contract
//! point 13, `plan::wide_applies`) reads op(B) in place six columns at a time
//! (`macro_kernel::loop2_wide`).
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

use crate::blocking::Blocking;
use crate::buffer::{Slot, with_buffer};
use crate::kernels::Microkernel;
use crate::macro_kernel::{BPanels, macro_kernel};
use crate::pack::{
    pack_a, pack_a_sym, pack_b, pack_b_cols, pack_b_sym, packed_a_len, packed_b_cols_len,
    packed_b_len, triangle_a, triangle_b,
};
use crate::plan::Plan;
use crate::problem::{Cover, Problem, Region, Structure, Tri};
use crate::raw::{RawMat, RawMatMut};
use crate::registry::GemmScalar;
use crate::simd::factor;

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
pub(crate) fn cols_ld<T>() -> usize {
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

/// LOOP 3's blocks of rows: `m` rows in `blocks` blocks of whole micro-panels (`mr_t` rows;
/// the last micro-panel may be short), as even as whole micro-panels make them, so that no
/// block is left with a sliver of rows. Blocks of one height (MC rounded up to whole
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
/// block prefetch the next one into L2 ([`crate::plan::run`]).
///
/// # Safety
/// As [`crate::plan::run`]; `b` holds or reads the `kcb x ncb` panel of op(B).
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
