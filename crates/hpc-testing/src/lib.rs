//! The test helpers shared by hpc's crates (a dev-dependency only): a seeded generator, dense matrices, and
//! storage in every layout the views support (column- and row-major with padding, general and
//! negative strides), filled around the view with a sentinel so that writes outside it show.

// Dev-only helpers, read beside the tests that use them: not every item has a doc comment.
#![allow(missing_docs)]

pub mod backward;
pub mod extreme;

use hpc_core::{
    BandRef, Diag, MatMut, MatRef, PackedMut, PackedRef, RealScalar, Scalar, Side, Trans, Uplo,
    VecMut, VecRef,
};
use num_traits::{Float, One, Zero};
use proptest::prelude::*;

/// A small deterministic generator (SplitMix64), so that data follow from a proptest seed.
pub struct Gen(u64);

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }
    /// A small integer in [-4, 4].
    pub fn small_int(&mut self) -> f64 {
        (self.next_u64() % 9) as f64 - 4.0
    }
}

/// How values are drawn: small integers keep every sum exact, so results compare with `==`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Data {
    Exact,
    Real,
}

pub fn scalar<T: Scalar>(re: f64, im: f64) -> T {
    T::from_parts(T::Real::from_f64(re), T::Real::from_f64(im))
}

pub fn draw<T: Scalar>(rng: &mut Gen, data: Data) -> T {
    match data {
        Data::Exact => {
            let (re, im) = (rng.small_int(), rng.small_int());
            scalar(re, im)
        }
        Data::Real => {
            let (re, im) = (rng.unit(), rng.unit());
            scalar(re, im)
        }
    }
}

/// The special values the BLAS treats specially, and one ordinary value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Special {
    Zero,
    One,
    MinusOne,
    Other,
}

pub fn special() -> impl Strategy<Value = Special> {
    prop_oneof![
        Just(Special::Zero),
        Just(Special::One),
        Just(Special::MinusOne),
        Just(Special::Other)
    ]
}

impl Special {
    /// Every special value, for tests that cycle through them.
    pub const ALL: [Special; 4] = [
        Special::Zero,
        Special::One,
        Special::MinusOne,
        Special::Other,
    ];

    pub fn value<T: Scalar>(self) -> T {
        match self {
            Special::Zero => T::zero(),
            Special::One => T::one(),
            Special::MinusOne => -T::one(),
            // An integer (exact) with an imaginary part for complex types.
            Special::Other => scalar(2.0, -1.0),
        }
    }
    pub fn real<T: Scalar>(self) -> T::Real {
        self.value::<T>().re()
    }
}

/// A dense column-major matrix: the logical content that a stored view must show.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense<T> {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<T>,
}

impl<T: Scalar> Dense<T> {
    pub fn zeros(rows: usize, cols: usize) -> Dense<T> {
        Dense {
            rows,
            cols,
            data: vec![T::zero(); rows * cols],
        }
    }
    pub fn random(rows: usize, cols: usize, rng: &mut Gen, data: Data) -> Dense<T> {
        Dense {
            rows,
            cols,
            data: (0..rows * cols).map(|_| draw(rng, data)).collect(),
        }
    }
    pub fn from_fn(rows: usize, cols: usize, f: impl Fn(usize, usize) -> T) -> Dense<T> {
        let mut d = Dense::zeros(rows, cols);
        for j in 0..cols {
            for i in 0..rows {
                d.data[i + j * rows] = f(i, j);
            }
        }
        d
    }
    pub fn get(&self, i: usize, j: usize) -> T {
        self.data[i + j * self.rows]
    }
    pub fn set(&mut self, i: usize, j: usize, v: T) {
        self.data[i + j * self.rows] = v;
    }
    pub fn view(&self) -> MatRef<'_, T> {
        MatRef::from_col_major(&self.data, self.rows, self.cols, self.rows.max(1)).unwrap()
    }
    pub fn view_mut(&mut self) -> MatMut<'_, T> {
        MatMut::from_col_major(&mut self.data, self.rows, self.cols, self.rows.max(1)).unwrap()
    }
    pub fn transpose(&self) -> Dense<T> {
        Dense::from_fn(self.cols, self.rows, |i, j| self.get(j, i))
    }
    pub fn conj_transpose(&self) -> Dense<T> {
        Dense::from_fn(self.cols, self.rows, |i, j| self.get(j, i).conj())
    }
    /// `self * other`, written independently of hpc-core.
    pub fn matmul(&self, other: &Dense<T>) -> Dense<T> {
        assert_eq!(self.cols, other.rows);
        Dense::from_fn(self.rows, other.cols, |i, j| {
            (0..self.cols)
                .map(|l| self.get(i, l) * other.get(l, j))
                .sum()
        })
    }
}

/// A storage layout for a view.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    /// Row-major rather than column-major.
    pub row_major: bool,
    /// Extra elements between consecutive columns (rows when row-major).
    pub pad: usize,
    /// Distance between neighbours along the contiguous dimension (1 = contiguous).
    pub step: usize,
    pub neg_rows: bool,
    pub neg_cols: bool,
}

impl Layout {
    pub const COL_MAJOR: Layout = Layout {
        row_major: false,
        pad: 0,
        step: 1,
        neg_rows: false,
        neg_cols: false,
    };
}

pub fn layout() -> impl Strategy<Value = Layout> {
    (
        any::<bool>(),
        0usize..3,
        1usize..3,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(row_major, pad, step, neg_rows, neg_cols)| Layout {
            row_major,
            pad,
            step,
            neg_rows,
            neg_cols,
        })
}

/// A matrix stored in a buffer with some layout; every element of the buffer that is not in
/// the view holds `sentinel`.
pub struct Stored<T> {
    pub buf: Vec<T>,
    pub rows: usize,
    pub cols: usize,
    pub rs: isize,
    pub cs: isize,
    pub sentinel: T,
}

impl<T: Scalar> Stored<T> {
    pub fn new(dense: &Dense<T>, layout: Layout, sentinel: T) -> Stored<T> {
        let (r, c) = (dense.rows, dense.cols);
        let step = layout.step as isize;
        let (mut rs, mut cs) = if layout.row_major {
            (step * c.max(1) as isize + layout.pad as isize, step)
        } else {
            (step, step * r.max(1) as isize + layout.pad as isize)
        };
        if layout.neg_rows {
            rs = -rs;
        }
        if layout.neg_cols {
            cs = -cs;
        }
        let span = if r == 0 || c == 0 {
            0
        } else {
            (r as isize - 1) * rs.abs() + (c as isize - 1) * cs.abs() + 1
        };
        let mut s = Stored {
            buf: vec![sentinel; span as usize],
            rows: r,
            cols: c,
            rs,
            cs,
            sentinel,
        };
        for j in 0..c {
            for i in 0..r {
                let k = s.index(i, j);
                s.buf[k] = dense.get(i, j);
            }
        }
        s
    }
    fn origin(&self) -> isize {
        let mut o = 0;
        if self.rs < 0 && self.rows > 0 {
            o -= (self.rows as isize - 1) * self.rs;
        }
        if self.cs < 0 && self.cols > 0 {
            o -= (self.cols as isize - 1) * self.cs;
        }
        o
    }
    fn index(&self, i: usize, j: usize) -> usize {
        (self.origin() + i as isize * self.rs + j as isize * self.cs) as usize
    }
    pub fn view(&self) -> MatRef<'_, T> {
        MatRef::from_strided(&self.buf, self.rows, self.cols, self.rs, self.cs).unwrap()
    }
    pub fn view_mut(&mut self) -> MatMut<'_, T> {
        MatMut::from_strided(&mut self.buf, self.rows, self.cols, self.rs, self.cs).unwrap()
    }
    pub fn to_dense(&self) -> Dense<T> {
        Dense::from_fn(self.rows, self.cols, |i, j| self.buf[self.index(i, j)])
    }
    /// `true` when every buffer element outside the view still holds the sentinel.
    pub fn gaps_untouched(&self) -> bool {
        let mut inside = vec![false; self.buf.len()];
        for j in 0..self.cols {
            for i in 0..self.rows {
                inside[self.index(i, j)] = true;
            }
        }
        self.buf
            .iter()
            .zip(&inside)
            .all(|(v, &ins)| ins || same(*v, self.sentinel))
    }
}

/// A vector stored with a BLAS increment, sentinel in the gaps.
pub struct StoredVec<T> {
    pub buf: Vec<T>,
    pub n: usize,
    pub inc: isize,
    pub sentinel: T,
}

pub fn increment() -> impl Strategy<Value = isize> {
    prop_oneof![Just(1isize), Just(-1), Just(2), Just(-2), Just(3), Just(-3)]
}

impl<T: Scalar> StoredVec<T> {
    pub fn new(values: &[T], inc: isize, sentinel: T) -> StoredVec<T> {
        let n = values.len();
        let len = if n == 0 {
            0
        } else {
            1 + (n - 1) * inc.unsigned_abs()
        };
        let mut s = StoredVec {
            buf: vec![sentinel; len],
            n,
            inc,
            sentinel,
        };
        for (i, &v) in values.iter().enumerate() {
            let k = s.index(i);
            s.buf[k] = v;
        }
        s
    }
    fn index(&self, i: usize) -> usize {
        if self.inc >= 0 {
            i * self.inc as usize
        } else {
            (self.n - 1 - i) * self.inc.unsigned_abs()
        }
    }
    pub fn view(&self) -> VecRef<'_, T> {
        VecRef::from_blas(&self.buf, self.n, self.inc).unwrap()
    }
    pub fn view_mut(&mut self) -> VecMut<'_, T> {
        VecMut::from_blas(&mut self.buf, self.n, self.inc).unwrap()
    }
    pub fn values(&self) -> Vec<T> {
        (0..self.n).map(|i| self.buf[self.index(i)]).collect()
    }
    pub fn gaps_untouched(&self) -> bool {
        (0..self.buf.len())
            .filter(|k| self.inc.unsigned_abs() != 0 && k % self.inc.unsigned_abs() != 0)
            .all(|k| same(self.buf[k], self.sentinel))
    }
}

pub fn random_vec<T: Scalar>(n: usize, rng: &mut Gen, data: Data) -> Vec<T> {
    (0..n).map(|_| draw(rng, data)).collect()
}

/// Bitwise-equal or both NaN in the same parts: "unchanged" for sentinels.
pub fn same<T: Scalar>(a: T, b: T) -> bool {
    let eq = |x: T::Real, y: T::Real| x == y || (x.is_nan() && y.is_nan());
    eq(a.re(), b.re()) && eq(a.im(), b.im())
}

/// The sentinel that fills gaps and, for beta = 0, the output: NaN in every part.
pub fn nan<T: Scalar>() -> T {
    T::from_parts(T::Real::nan(), T::Real::nan())
}

/// `|a - b| <= tol * max(1, |a|, |b|)` in each part, with `tol = factor * eps`.
pub fn close<T: Scalar>(a: T, b: T, factor: f64) -> bool {
    let tol = T::Real::from_f64(factor) * T::Real::epsilon();
    let part = |x: T::Real, y: T::Real| {
        let scale = T::Real::one().max(x.abs()).max(y.abs());
        (x - y).abs() <= tol * scale
    };
    part(a.re(), b.re()) && part(a.im(), b.im())
}

/// Asserts two slices agree exactly (`factor = None`) or within `factor * eps`.
#[track_caller]
pub fn assert_all<T: Scalar>(got: &[T], want: &[T], factor: Option<f64>, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths differ");
    for (k, (&g, &w)) in got.iter().zip(want).enumerate() {
        let ok = match factor {
            None => g == w,
            Some(f) => close(g, w, f),
        };
        assert!(ok, "{what}: element {k} is {g}, expected {w}");
    }
}

/// Dense symmetric (`herm = false`) or Hermitian matrix built from the `uplo` triangle of `a`;
/// a Hermitian diagonal is taken as real.
pub fn symmetrize<T: Scalar>(a: &Dense<T>, uplo: Uplo, herm: bool) -> Dense<T> {
    Dense::from_fn(a.rows, a.cols, |i, j| {
        let upper = i <= j;
        let stored = (uplo == Uplo::Upper) == upper;
        if i == j {
            if herm {
                T::from_real(a.get(i, i).re())
            } else {
                a.get(i, i)
            }
        } else if stored {
            a.get(i, j)
        } else if herm {
            a.get(j, i).conj()
        } else {
            a.get(j, i)
        }
    })
}

/// Dense triangular matrix from the `uplo` triangle of `a` (zeros elsewhere, ones on a unit
/// diagonal).
pub fn triangular<T: Scalar>(a: &Dense<T>, uplo: Uplo, unit: bool) -> Dense<T> {
    Dense::from_fn(a.rows, a.cols, |i, j| {
        if i == j && unit {
            T::one()
        } else if (uplo == Uplo::Upper && i <= j) || (uplo == Uplo::Lower && i >= j) {
            a.get(i, j)
        } else {
            T::zero()
        }
    })
}

/// A well-conditioned triangular test matrix, also with a unit diagonal: off-diagonal entries
/// in [-1, 1] / (n + 1) (so the strictly triangular part has norm below one), diagonal entries
/// of magnitude between 1 and 2.
pub fn well_conditioned<T: Scalar>(n: usize, rng: &mut Gen) -> Dense<T> {
    let shrink = T::Real::from_f64(1.0 / (n as f64 + 1.0));
    let mut a = Dense::from_fn(n, n, |_, _| T::zero());
    for v in a.data.iter_mut() {
        *v = draw::<T>(rng, Data::Real).scale_real(shrink);
    }
    for i in 0..n {
        let sign = if rng.next_u64() % 2 == 0 { 1.0 } else { -1.0 };
        a.set(
            i,
            i,
            scalar(sign * (1.5 + 0.5 * rng.unit()), 0.5 * rng.unit()),
        );
    }
    a
}

/// Packs the `uplo` triangle of a dense square matrix in BLAS packed storage.
pub fn pack<T: Scalar>(a: &Dense<T>, uplo: Uplo) -> Vec<T> {
    let n = a.rows;
    let mut ap = Vec::with_capacity(n * (n + 1) / 2);
    for j in 0..n {
        match uplo {
            Uplo::Upper => (0..=j).for_each(|i| ap.push(a.get(i, j))),
            Uplo::Lower => (j..n).for_each(|i| ap.push(a.get(i, j))),
        }
    }
    ap
}

/// Unpacks packed storage into a dense matrix (the other triangle zero).
pub fn unpack<T: Scalar>(ap: &[T], n: usize, uplo: Uplo) -> Dense<T> {
    let p = PackedRef::new(ap, n).unwrap();
    Dense::from_fn(n, n, |i, j| {
        if (uplo == Uplo::Upper && i <= j) || (uplo == Uplo::Lower && i >= j) {
            p.get(uplo, i, j)
        } else {
            T::zero()
        }
    })
}

pub fn packed_mut<T: Scalar>(ap: &mut [T], n: usize) -> PackedMut<'_, T> {
    PackedMut::new(ap, n).unwrap()
}

/// BLAS band storage of the band part of `a` (`kl` sub-, `ku` super-diagonals), `ld = kl + ku +
/// 1 + extra`, gaps filled with `sentinel`.
pub fn band_storage<T: Scalar>(
    a: &Dense<T>,
    kl: usize,
    ku: usize,
    extra: usize,
    sentinel: T,
) -> (Vec<T>, usize) {
    let ld = kl + ku + 1 + extra;
    let mut buf = vec![sentinel; ld * a.cols.max(1)];
    for j in 0..a.cols {
        for i in j.saturating_sub(ku)..a.rows.min(j + kl + 1) {
            buf[ku + i - j + j * ld] = a.get(i, j);
        }
    }
    (buf, ld)
}

/// The band part of `a` (`kl` sub-, `ku` super-diagonals), `outside` everywhere else.
pub fn band_part<T: Scalar>(a: &Dense<T>, kl: usize, ku: usize, outside: T) -> Dense<T> {
    Dense::from_fn(a.rows, a.cols, |i, j| {
        if i + ku >= j && i <= j + kl {
            a.get(i, j)
        } else {
            outside
        }
    })
}

/// The proptest configuration of the property tests: 256 cases, no regression files.
pub fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

pub fn band_view<T: Scalar>(
    buf: &[T],
    rows: usize,
    cols: usize,
    kl: usize,
    ku: usize,
    ld: usize,
) -> BandRef<'_, T> {
    BandRef::new(buf, rows, cols, kl, ku, ld).unwrap()
}

/// `T::Real::zero()` for generic code that wants it by name.
pub fn rzero<T: Scalar>() -> T::Real {
    T::Real::zero()
}

/// Tolerance factor for results that sum `k` products of values in [-1, 1].
pub fn tol(k: usize) -> f64 {
    16.0 * (k as f64 + 2.0)
}

/// `true` when `R` is `f32` (looser tolerances for solves).
pub fn is_single<R: RealScalar>() -> bool {
    R::epsilon().to_f64() > 1e-10
}

// Strategies for the BLAS options, and helpers shared by the Level 2 and 3 properties.

pub fn trans() -> impl Strategy<Value = Trans> {
    prop_oneof![Just(Trans::No), Just(Trans::Trans), Just(Trans::ConjTrans)]
}
pub fn uplo() -> impl Strategy<Value = Uplo> {
    prop_oneof![Just(Uplo::Upper), Just(Uplo::Lower)]
}
pub fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Left), Just(Side::Right)]
}
pub fn diag() -> impl Strategy<Value = Diag> {
    prop_oneof![Just(Diag::NonUnit), Just(Diag::Unit)]
}
pub fn dim() -> impl Strategy<Value = usize> {
    prop_oneof![1 => Just(0usize), 2 => 1usize..8, 2 => 8usize..=40]
}

pub fn op<T: Scalar>(a: &Dense<T>, t: Trans) -> Dense<T> {
    match t {
        Trans::No => a.clone(),
        Trans::Trans => a.transpose(),
        Trans::ConjTrans => a.conj_transpose(),
    }
}

/// A square matrix whose unreferenced triangle (and, for Hermitian, the diagonal's imaginary
/// part) is NaN: reading it would show.
pub fn poisoned_triangle<T: Scalar>(
    n: usize,
    uplo: Uplo,
    herm: bool,
    rng: &mut Gen,
) -> (Dense<T>, Dense<T>) {
    let a = Dense::<T>::random(n, n, rng, Data::Exact);
    let full = symmetrize(&a, uplo, herm);
    let stored = Dense::from_fn(n, n, |i, j| {
        let in_tri = (uplo == Uplo::Upper && i <= j) || (uplo == Uplo::Lower && i >= j);
        if i == j && herm && T::IS_COMPLEX {
            T::from_parts(a.get(i, i).re(), nan::<T>().re())
        } else if in_tri {
            a.get(i, j)
        } else {
            nan()
        }
    });
    (stored, full)
}
