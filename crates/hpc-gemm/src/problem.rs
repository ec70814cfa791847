//! The problem the loops solve: one canonical product, the part of C it computes ([`Region`])
//! and what its operands are beyond general matrices ([`Structure`]).

use crate::raw::{RawMat, RawMatMut};

/// One canonical product `C <- beta * C + alpha * op(A) * op(B)`: `a` is op(A) up to the
/// conjugation flag (`m x k`), `b` is op(B) likewise (`k x n`), `c` is `m x n`. `k > 0`,
/// `alpha != 0`, `m, n > 0` (the trivial cases are handled by `canonical.rs`).
#[derive(Clone, Copy, Debug)]
pub struct Problem<T> {
    pub alpha: T,
    pub a: RawMat<T>,
    pub conj_a: bool,
    pub b: RawMat<T>,
    pub conj_b: bool,
    pub beta: T,
    pub c: RawMatMut<T>,
    /// Which elements of C are computed: all of them, or one triangle (gemmt, for
    /// `syrk`/`syr2k`); the others are neither read nor written.
    pub region: Region,
    /// What op(A) or op(B) is beyond a general matrix ([`Structure`]).
    pub structure: Structure,
}

impl<T: Copy> Problem<T> {
    /// The part of the product that computes `cnt` columns of C from column `s0` (`cols`), or
    /// `cnt` rows from row `s0`: the same operands, narrowed to the columns of op(B) (or rows
    /// of op(A)) that part reads.
    pub(crate) fn share(&self, cols: bool, s0: usize, cnt: usize) -> Problem<T> {
        let (m, n) = (self.c.rows, self.c.cols);
        if cols {
            Problem {
                b: self.b.sub(0, s0, self.b.rows, cnt),
                c: self.c.sub(0, s0, m, cnt),
                region: self.region.sub(0, s0),
                ..*self
            }
        } else {
            Problem {
                a: self.a.sub(s0, 0, cnt, self.a.cols),
                c: self.c.sub(s0, 0, cnt, n),
                region: self.region.sub(s0, 0),
                ..*self
            }
        }
    }
}

/// What the operands are beyond general matrices: the in-place triangular products of `trmm`
/// and the symmetric ones of `symm`/`hemm`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Structure {
    /// General operands.
    General,
    /// op(A) is a triangle and C is op(B) itself, overwritten in place (`trmm` from the
    /// left): see [`Tri`].
    TriA(Tri),
    /// op(B) is a triangle (`k x k`, so `n = k`) and C is op(A) itself, overwritten in place
    /// (`trmm` from the right: `B <- alpha B op(A)`, β = 0). Every column of op(A) must be packed
    /// into A~ before a write reaches it. Column j of the product reads columns `l <= j` of
    /// op(A) (upper) or `l >= j` (lower), so NC = KC, LOOP 5 runs backwards under an upper
    /// triangle, and each panel first runs the KC slice of its own columns (β; B~'s diagonal
    /// squares packed as A~'s are under [`Tri`], each micro-panel of B~ on its k range), then
    /// the slices of columns not yet written. Threads split LOOP 3 only (a thread packs A~'s
    /// rows before any write reaches them); no shares.
    TriB(Tri),
    /// op(A) is symmetric or Hermitian (`symm`/`hemm` from the left): see [`Sym`].
    SymA(Sym),
    /// op(B) is symmetric or Hermitian (`symm`/`hemm` from the right): see [`Sym`].
    SymB(Sym),
}

impl Structure {
    /// The triangle of [`Structure::TriA`].
    pub(crate) fn tri_a(self) -> Option<Tri> {
        match self {
            Structure::TriA(t) => Some(t),
            _ => None,
        }
    }

    /// The triangle of [`Structure::TriB`].
    pub(crate) fn tri_b(self) -> Option<Tri> {
        match self {
            Structure::TriB(t) => Some(t),
            _ => None,
        }
    }
}

/// A symmetric or Hermitian (`herm`) operand of `symm`/`hemm`: the whole square matrix, of
/// which only the `lower` or upper triangle is read. Packing takes each element of the other
/// triangle from its mirror (conjugated if `herm`), and with `herm` the diagonal's imaginary
/// part as zero, so the product runs on the loops as one GEMM (BLIS's way), with no dense copy
/// of any block. No shares at the top (the packing needs each block's place in the matrix).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sym {
    /// The stored triangle is the lower one (else the upper).
    pub lower: bool,
    /// Hermitian (else symmetric).
    pub herm: bool,
}

/// A triangular op(A) (square, `k x k`) multiplying op(B) in place: `C = op(B)`, the same
/// elements, and `beta = 0` (`trmm`'s `B <- alpha op(A) B`).
///
/// Only op(A)'s triangle is read as such: the packing of A~ writes zeros over the other side of
/// each diagonal square and ones over a unit diagonal, and LOOP 1 trims each micro-panel's k
/// range to the triangle (so no more than an `MR x MR` square per micro-panel is multiplied
/// by zeros).
///
/// In place: every row block of op(B) must be packed into B~ before a write reaches it. Row i
/// of the product reads rows `l <= i` of B (lower) or `l >= i` (upper), so LOOP 4 runs
/// backwards for a lower triangle and forwards for an upper one: the rows an iteration writes
/// are its own KC rows (the first time they are written: β) and the rows already written,
/// never those later iterations pack. For that KC is a multiple of MR (no micro-panel
/// straddles two KC slices), B~ is always packed up front (no fused LOOP 2), and threads share
/// C by columns or within LOOP 3/LOOP 2 only, never by rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tri {
    /// Lower triangular (else upper).
    pub lower: bool,
    /// An implicit unit diagonal (the stored one is not read).
    pub unit: bool,
}

impl Tri {
    /// A micro-panel's k range (`ks..ke` within a KC slice of depth `kcb`) and whether its
    /// rows are written for the first time (β applies), for the micro-panel whose first row is
    /// `d` rows below the slice's first k (negative: above). `None`: the triangle gives it
    /// nothing from this slice.
    #[inline(always)]
    pub(crate) fn k_range(self, d: isize, rows: usize, kcb: usize) -> Option<(usize, usize, bool)> {
        let kcb_i = kcb as isize;
        // Micro-panels never straddle a slice's first row (KC is a multiple of MR).
        debug_assert!(d >= 0 || d + rows as isize <= 0);
        let first = (0..kcb_i).contains(&d);
        if self.lower {
            // Row i takes k <= i: up to the micro-panel's last row.
            let ke = (d + rows as isize).min(kcb_i);
            (ke > 0).then_some((0, ke as usize, first))
        } else {
            // Row i takes k >= i: from the micro-panel's first row.
            (d < kcb_i).then(|| (d.max(0) as usize, kcb, first))
        }
    }

    /// As a triangular op(B) ([`Structure::TriB`]): the k range of the micro-panel of B~ whose
    /// first column is `d` columns right of its own KC slice's first row (column j takes rows
    /// `l <= j` under an upper triangle, `l >= j` under a lower one).
    #[inline(always)]
    pub(crate) fn k_range_of_cols(self, d: usize, cols: usize, kcb: usize) -> (usize, usize) {
        if self.lower {
            (d.min(kcb), kcb)
        } else {
            (0, (d + cols).min(kcb))
        }
    }
}

/// The elements of C a product computes: all, or a triangle. With `Lower(o)` element (i, j) is
/// computed when `i + o >= j`, with `Upper(o)` when `i + o <= j`: `o` is the offset of the
/// matrix's diagonal, so that a block of C at (r0, c0) carries `o + r0 - c0` ([`Region::sub`]).
/// Which tiles are skipped, computed whole or computed into a buffer and merged depends only on
/// a tile's place in C, so the bits do not depend on the thread count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// Every element.
    All,
    /// Elements on or below the diagonal of offset `o`.
    Lower(isize),
    /// Elements on or above the diagonal of offset `o`.
    Upper(isize),
}

/// How much of a block of C a [`Region`] covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cover {
    /// No element.
    None,
    /// Every element.
    Full,
    /// Some elements.
    Part,
}

impl Region {
    /// The triangle as seen from the block at (`r0`, `c0`).
    pub(crate) fn sub(self, r0: usize, c0: usize) -> Region {
        let d = r0 as isize - c0 as isize;
        match self {
            Region::All => Region::All,
            Region::Lower(o) => Region::Lower(o + d),
            Region::Upper(o) => Region::Upper(o + d),
        }
    }

    /// Whether element (i, j) is computed.
    pub(crate) fn keeps(self, i: usize, j: usize) -> bool {
        let (i, j) = (i as isize, j as isize);
        match self {
            Region::All => true,
            Region::Lower(o) => i + o >= j,
            Region::Upper(o) => i + o <= j,
        }
    }

    /// How much of a `rows x cols` block (at this triangle's origin) is covered.
    pub(crate) fn cover(self, rows: usize, cols: usize) -> Cover {
        if rows == 0 || cols == 0 {
            return Cover::None;
        }
        // Lower: the block's top-right corner decides Full, its bottom-left one None; upper
        // the other way round.
        let (full, none) = match self {
            Region::All => return Cover::Full,
            Region::Lower(_) => (self.keeps(0, cols - 1), !self.keeps(rows - 1, 0)),
            Region::Upper(_) => (self.keeps(rows - 1, 0), !self.keeps(0, cols - 1)),
        };
        if none {
            Cover::None
        } else if full {
            Cover::Full
        } else {
            Cover::Part
        }
    }

    /// Column shares of about equal work for `ways` threads over a `rows x cols` C (each share
    /// but the last a multiple of `nr` columns): the first column of each share, and `cols`.
    pub(crate) fn balanced_columns(
        self,
        rows: usize,
        cols: usize,
        ways: usize,
        nr: usize,
    ) -> Vec<usize> {
        // Rows computed in column j.
        let r = rows as isize;
        let work = |j: usize| match self {
            Region::All => rows,
            Region::Lower(o) => (r - (j as isize - o).clamp(0, r)) as usize,
            Region::Upper(o) => (j as isize - o + 1).clamp(0, r) as usize,
        };
        let per_col: Vec<usize> = (0..cols).map(work).collect();
        let total: usize = per_col.iter().sum();
        let mut starts = vec![0];
        let mut acc = 0;
        for (j, w) in per_col.iter().enumerate() {
            acc += w;
            let share = starts.len();
            if share < ways && acc * ways >= total * share {
                let start = (j + 1).next_multiple_of(nr);
                if start < cols && start > *starts.last().unwrap() {
                    starts.push(start);
                }
            }
        }
        starts.push(cols);
        starts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_classify_blocks_and_balance_shares() {
        let lower = Region::Lower(0);
        assert!(lower.keeps(3, 3) && lower.keeps(4, 3) && !lower.keeps(2, 3));
        assert!(Region::Upper(0).keeps(2, 3) && !Region::Upper(0).keeps(4, 3));
        // A 16 x 14 tile at (32, 0) is below the diagonal, at (0, 32) above it, at (8, 8) cut.
        assert_eq!(lower.sub(32, 0).cover(16, 14), Cover::Full);
        assert_eq!(lower.sub(0, 32).cover(16, 14), Cover::None);
        assert_eq!(lower.sub(8, 8).cover(16, 14), Cover::Part);
        assert_eq!(Region::Upper(0).sub(0, 32).cover(16, 14), Cover::Full);
        assert_eq!(Region::Upper(0).sub(32, 0).cover(16, 14), Cover::None);
        // The last row of a tile reaching the diagonal's first element: Part, not None.
        assert_eq!(lower.sub(0, 15).cover(16, 14), Cover::Part);
        assert_eq!(lower.sub(0, 16).cover(16, 14), Cover::None);
        assert_eq!(Region::All.cover(3, 3), Cover::Full);
        assert_eq!(lower.cover(0, 3), Cover::None);
        // Every element is in exactly one of a block's classes, tile by tile.
        for (r0, c0) in [(0, 0), (5, 9), (30, 2), (2, 30)] {
            let t = lower.sub(r0, c0);
            let kept = (0..16)
                .flat_map(|i| (0..14).map(move |j| (i, j)))
                .filter(|&(i, j)| lower.keeps(r0 + i, c0 + j))
                .count();
            let want = match t.cover(16, 14) {
                Cover::None => 0,
                Cover::Full => 16 * 14,
                Cover::Part => kept,
            };
            assert_eq!(kept, want, "({r0}, {c0})");
            assert!(t.cover(16, 14) != Cover::Part || (0 < kept && kept < 16 * 14));
        }
        // Lower triangle of 1000 x 1000 in two shares of equal work: the first about 29% of
        // the columns (whole micro-panels of 14), the second the rest.
        let s = lower.balanced_columns(1000, 1000, 2, 14);
        assert_eq!(s.len(), 3);
        assert_eq!((s[0], s[2]), (0, 1000));
        assert!(s[1] % 14 == 0 && (280..=310).contains(&s[1]), "{s:?}");
        let s = Region::Upper(0).balanced_columns(1000, 1000, 2, 14);
        assert!((700..=720).contains(&s[1]), "{s:?}");
        assert_eq!(
            Region::All.balanced_columns(100, 100, 4, 14),
            vec![0, 28, 56, 84, 100]
        );
    }
}
