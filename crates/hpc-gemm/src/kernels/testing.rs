//! Kernel contract tests, shared by every microkernel (matrixmultiply's `test_a_kernel`,
//! generalised). One instantiation per ISA; a kernel whose ISA this CPU lacks is skipped with a
//! printed reason.
//!
//! # Contract
//! Checks points 1-7 of the module contract of `kernels` for each kernel: `A I = A`, `I B = B`,
//! every `m in 0..=MR`, `n in 0..=NR`, `k in {0, 1, 3, 5, 17}`, C column-major, row-major,
//! general stride and negative strides, β = 0 over NaN, β in {1, 2.5}, α in {0, 1, 2.5}, and
//! that nothing outside the `m x n` tile is written.
//! Points 11 and 12 (B in place, B in column form) against the packed kernel, bit for bit;
//! point 13 (the wide block) against the naive product of its panels.

use super::{Aux, Microkernel, b_cols_ld};
use crate::simd::KernelReal;

/// A packed operand of small integers (exact arithmetic).
fn ints<R: KernelReal>(len: usize, seed: usize) -> Vec<R> {
    (0..len)
        .map(|i| R::from_f64((((i * 7 + seed * 13) % 11) as f64) - 5.0))
        .collect()
}

/// C layouts: (rs, cs) for an MR x NR tile inside a buffer, plus the offset of (0, 0).
fn layouts(mr: usize, nr: usize) -> Vec<(isize, isize, usize)> {
    let (mr_i, nr_i) = (mr as isize, nr as isize);
    vec![
        (1, mr_i + 3, 0),                        // column-major, padded
        (nr_i + 2, 1, 0),                        // row-major, padded
        (2, 2 * mr_i + 5, 0),                    // general strides
        (-1, -(mr_i + 1), ((mr + 1) * nr) + mr), // negative strides
    ]
}

/// C for one kernel call on an `m x n` tile placed by `layout` (rs, cs, offset of (0, 0)) in a
/// buffer with room for an `mr x nr` one: `c0`, NaN everywhere for β = 0, and `c`, the buffer
/// the kernel writes, which holds `c0` inside the tile and a sentinel outside, so that stray
/// writes show.
struct Tile<R> {
    c0: Vec<R>,
    c: Vec<R>,
    inside: Vec<bool>,
    layout: (isize, isize, usize),
    m: usize,
    n: usize,
}

impl<R: KernelReal> Tile<R> {
    fn sentinel() -> R {
        R::from_f64(-777.0)
    }

    fn new(
        (mr, nr): (usize, usize),
        (m, n): (usize, usize),
        layout: (isize, isize, usize),
        beta: R,
    ) -> Self {
        let span = 4 * (mr + 3) * (nr + 3) + 64;
        let c0: Vec<R> = (0..span)
            .map(|i| {
                if beta == R::zero() {
                    R::nan()
                } else {
                    R::from_f64((i % 5) as f64)
                }
            })
            .collect();
        let mut tile = Tile {
            c: Vec::new(),
            inside: vec![false; span],
            c0,
            layout,
            m,
            n,
        };
        for j in 0..n {
            for i in 0..m {
                let at = tile.at(i, j);
                tile.inside[at] = true;
            }
        }
        tile.c = (tile.c0.iter().zip(&tile.inside))
            .map(|(&v, &ins)| if ins { v } else { Self::sentinel() })
            .collect();
        tile
    }

    /// Where element (i, j) of the tile is in the buffers.
    fn at(&self, i: usize, j: usize) -> usize {
        let (rs, cs, origin) = self.layout;
        (origin as isize + i as isize * rs + j as isize * cs) as usize
    }

    /// Element (0, 0) of the tile in the buffer the kernel writes.
    fn ptr(&mut self) -> *mut R {
        self.c.as_mut_ptr().wrapping_add(self.layout.2)
    }

    /// Asserts that the kernel wrote `beta * C0 + alpha * sum_p a(i, p) b(p, j)` (exactly: the
    /// data are small integers) into the tile and nothing outside it.
    fn check(
        &self,
        k: usize,
        (alpha, beta): (R, R),
        a: impl Fn(usize, usize) -> R,
        b: impl Fn(usize, usize) -> R,
        what: &str,
    ) {
        for j in 0..self.n {
            for i in 0..self.m {
                let mut ab = R::zero();
                for p in 0..k {
                    ab += a(i, p) * b(p, j);
                }
                let want = if beta == R::zero() {
                    alpha * ab
                } else {
                    beta * self.c0[self.at(i, j)] + alpha * ab
                };
                let got = self.c[self.at(i, j)];
                assert!(
                    got == want,
                    "{what} k={k} alpha={alpha} beta={beta} layout={:?}: C({i},{j}) = {got}, expected {want}",
                    self.layout
                );
            }
        }
        for (idx, (&v, &ins)) in self.c.iter().zip(&self.inside).enumerate() {
            assert!(
                ins || v == Self::sentinel(),
                "{what}: wrote outside the tile at {idx}"
            );
        }
    }
}

/// Runs kernel `K` on one case and checks it against the naive product of the packed panels.
#[allow(clippy::too_many_arguments)]
fn case<R: KernelReal, K: Microkernel<R>>(
    m: usize,
    n: usize,
    k: usize,
    a: &[R],
    b: &[R],
    alpha: R,
    beta: R,
    layout: (isize, isize, usize),
) {
    let (mr, nr) = (K::MR, K::NR);
    let mut tile = Tile::new((mr, nr), (m, n), layout, beta);
    let (rs, cs, _) = layout;
    // SAFETY: the ISA was checked by the caller; `a`/`b` hold k * MR and k * NR elements; the
    // tile lies inside `c` (the layouts fit the span); no aliasing.
    unsafe {
        K::ukr(
            m,
            n,
            k,
            alpha,
            a.as_ptr(),
            b.as_ptr(),
            beta,
            tile.ptr(),
            rs,
            cs,
            &Aux::NONE,
        )
    };
    let what = format!("{}: m={m} n={n}", K::NAME);
    tile.check(
        k,
        (alpha, beta),
        |i, p| a[p * mr + i],
        |p, j| b[p * nr + j],
        &what,
    );
}

/// The contract tests of one kernel; returns `false` (after printing why) if the CPU lacks its
/// ISA.
pub(crate) fn test_kernel<R: KernelReal, K: Microkernel<R>>() -> bool {
    if !K::ISA.available() {
        println!("skipped {}: this CPU lacks {}", K::NAME, K::ISA.name());
        return false;
    }
    let (mr, nr) = (K::MR, K::NR);
    let ls = layouts(mr, nr);
    let one = R::one();
    let other = R::from_f64(2.5);
    let mut t = 0;
    for k in [0usize, 1, 3, 5, 17] {
        let a = ints::<R>(k * mr, k);
        let b = ints::<R>(k * nr, k + 1);
        for m in 0..=mr {
            for n in 0..=nr {
                t += 1;
                let alpha = [one, other, R::zero()][t % 3];
                let beta = [R::zero(), one, other][(t / 3) % 3];
                case::<R, K>(m, n, k, &a, &b, alpha, beta, ls[t % ls.len()]);
            }
        }
    }
    // A I = A (k = NR) and I B = B (k = MR), full tiles, column-major C, beta = 0 over NaN.
    let ident = |rows: usize, cols: usize, ld_rowwise: bool| -> Vec<R> {
        let mut v = vec![R::zero(); rows * cols];
        for d in 0..rows.min(cols) {
            let idx = if ld_rowwise {
                d * cols + d
            } else {
                d * rows + d
            };
            v[idx] = one;
        }
        v
    };
    let a = ints::<R>(nr * mr, 3);
    // B = I (k = NR rows of NR): packed row by row.
    case::<R, K>(mr, nr, nr, &a, &ident(nr, nr, true), one, R::zero(), ls[0]);
    let b = ints::<R>(mr * nr, 4);
    // A = I (MR x MR): packed column by column.
    case::<R, K>(mr, nr, mr, &ident(mr, mr, false), &b, one, R::zero(), ls[0]);
    test_b_in_place::<R, K>();
    test_wide::<R, K>();
    true
}

/// Point 13: `ukr_wide` on every `m in 0..=WIDE_MR`, `n in 1..=WIDE_NR`, depths 0 to 40, B
/// stored column-major, row-major, with general and with negative strides (NaN around its `n`
/// columns), against the naive product, exactly, over C layouts and special α and β (β = 0
/// over NaN), writing nothing outside the tile; every other `m` with the stream of point 8
/// (the next group's columns, which must not change the result).
fn test_wide<R: KernelReal, K: Microkernel<R>>() {
    let (mr, nr) = (K::WIDE_MR, K::WIDE_NR);
    let ls = layouts(mr, nr);
    let mut t = 0;
    for k in [0usize, 1, 3, 17, 40] {
        let a = ints::<R>(k * mr, k + 3);
        let ki = k as isize;
        let span = 3 * (k + 2) * (nr + 2) + 8;
        for m in 0..=mr {
            for n in 1..=nr {
                t += 1;
                let ni = n as isize;
                // (rs_b, cs_b, offset of (0, 0)).
                let (rs_b, cs_b, origin) = [
                    (1, ki + 2, 0),
                    (ni + 1, 1, 0),
                    (2, 2 * ki + 3, 1),
                    (-1, -(ki + 1), (k + 1) * n),
                ][t % 4];
                let mut b = vec![R::nan(); span];
                let at_b = |p: usize, j: usize| {
                    (origin as isize + p as isize * rs_b + j as isize * cs_b) as usize
                };
                for p in 0..k {
                    for j in 0..n {
                        b[at_b(p, j)] = R::from_f64((((p * 5 + j * 3 + t) % 9) as f64) - 4.0);
                    }
                }
                let alpha = [R::one(), R::from_f64(2.5), R::zero(), -R::one()][t % 4];
                let beta = [R::zero(), R::one(), R::from_f64(-1.5)][(t / 4) % 3];
                let layout = ls[t % ls.len()];
                let mut tile = Tile::new((mr, nr), (m, n), layout, beta);
                let (rs, cs, _) = layout;
                let next_b = ints::<R>(k.max(1) * nr, t);
                let aux = if (m + k) % 2 == 0 {
                    Aux {
                        b_next: next_b.as_ptr(),
                        b_next_cs: k.max(1) as isize,
                        b_next_cols: nr,
                        ..Aux::NONE
                    }
                } else {
                    Aux::NONE
                };
                // SAFETY: the ISA was checked by the caller; `a` holds k * WIDE_MR elements,
                // B's layout puts every (p, j < n) inside `b`, the tile lies inside `c`, and
                // the stream's columns inside `next_b`.
                unsafe {
                    K::ukr_wide(
                        m,
                        n,
                        k,
                        alpha,
                        a.as_ptr(),
                        b.as_ptr().wrapping_add(origin),
                        rs_b,
                        cs_b,
                        beta,
                        tile.ptr(),
                        rs,
                        cs,
                        &aux,
                    )
                };
                let stream = aux.b_next_cols > 0;
                let what = format!(
                    "{}: wide m={m} n={n} B ({rs_b}, {cs_b}), stream {stream}",
                    K::NAME
                );
                tile.check(
                    k,
                    (alpha, beta),
                    |i, p| a[p * mr + i],
                    |p, j| b[at_b(p, j)],
                    &what,
                );
            }
        }
    }
}

/// Points 11 and 12: `ukr_b_in_place` on B stored column-major, row-major, with general and
/// with negative strides, and `ukr_b_cols` on B in column form (NaN between its columns, at
/// every depth up to the form's stride), give exactly what `ukr` gives on the same B packed,
/// and write nothing outside the tile.
fn test_b_in_place<R: KernelReal, K: Microkernel<R>>() {
    let (mr, nr) = (K::MR, K::NR);
    let ls = layouts(mr, nr);
    let ld = b_cols_ld(size_of::<R>());
    let mut t = 0;
    for k in [0usize, 1, 3, 17, ld - 1, ld] {
        let a = ints::<R>(k * mr, k + 2);
        let packed = ints::<R>(k * nr, k + 5);
        let (ki, nri) = (k as isize, nr as isize);
        // (rs_b, cs_b, offset of (0, 0)) in a buffer of `span` elements; the last is the
        // column form of point 12.
        let span = (3 * (k + 2) * (nr + 2) + 8).max(nr * ld);
        let b_layouts = [
            (1, ki + 2, 0),                                        // column-major, padded
            (nri + 1, 1, 0),                                       // row-major, padded
            (2, 2 * ki + 3, 1),                                    // general
            (-1, -(ki + 1), ((k + 1) * nr).saturating_sub(1) + 1), // negative
            (1, ld as isize, 0),                                   // column form
        ];
        for &(rs_b, cs_b, origin) in &b_layouts {
            let mut b = vec![R::nan(); span];
            for p in 0..k {
                for j in 0..nr {
                    let at = origin as isize + p as isize * rs_b + j as isize * cs_b;
                    b[at as usize] = packed[p * nr + j];
                }
            }
            for m in 0..=mr {
                t += 1;
                let alpha = [R::one(), R::from_f64(2.5), R::zero()][t % 3];
                let beta = [R::zero(), R::one(), R::from_f64(-1.5)][(t / 3) % 3];
                let (rs, cs, c_origin) = ls[t % ls.len()];
                let c_span = 4 * (mr + 3) * (nr + 3) + 64;
                let c0: Vec<R> = (0..c_span).map(|i| R::from_f64((i % 5) as f64)).collect();
                let c0 = if beta == R::zero() {
                    vec![R::nan(); c_span]
                } else {
                    c0
                };
                let (mut want, mut got, mut streamed) = (c0.clone(), c0.clone(), c0);
                // With a prefetch stream (point 8) over B's own buffer, which `ukr_b_in_place`
                // ignores and `ukr_b_cols` follows: the same bits.
                let stream = Aux {
                    b_next: b.as_ptr(),
                    b_next_cs: (k + 2) as isize,
                    b_next_lines: 3,
                    b_next_cols: 1 + t % nr,
                    b_next_per_step: 1 + t % 2,
                    ..Aux::NONE
                };
                // SAFETY: the ISA was checked by the caller; `a` holds k * MR elements, the
                // packed B k * NR, and B's layout puts every (p, j) inside `b`; the tile lies
                // inside both C buffers (the layouts fit the span); prefetches never fault.
                unsafe {
                    K::ukr(
                        m,
                        nr,
                        k,
                        alpha,
                        a.as_ptr(),
                        packed.as_ptr(),
                        beta,
                        want.as_mut_ptr().wrapping_add(c_origin),
                        rs,
                        cs,
                        &Aux::NONE,
                    );
                    let column_form = (rs_b, cs_b) == (1, ld as isize);
                    for (out, aux) in [(&mut got, Aux::NONE), (&mut streamed, stream)] {
                        let b = b.as_ptr().wrapping_add(origin);
                        let c = out.as_mut_ptr().wrapping_add(c_origin);
                        if column_form {
                            K::ukr_b_cols(m, k, alpha, a.as_ptr(), b, beta, c, rs, cs, &aux);
                        } else {
                            K::ukr_b_in_place(
                                m,
                                k,
                                alpha,
                                a.as_ptr(),
                                b,
                                rs_b,
                                cs_b,
                                beta,
                                c,
                                rs,
                                cs,
                                &aux,
                            );
                        }
                    }
                }
                let same_bits = |x: &[R], y: &[R]| {
                    x.iter()
                        .zip(y)
                        .all(|(w, g)| w == g || (w.is_nan() && g.is_nan()))
                };
                assert!(
                    same_bits(&got, &streamed),
                    "{}: B in place or in column form with a prefetch stream differs (m={m} k={k})",
                    K::NAME
                );
                let same = want
                    .iter()
                    .zip(&got)
                    .all(|(w, g)| w == g || (w.is_nan() && g.is_nan()));
                assert!(
                    same,
                    "{}: B in place (rs_b={rs_b}, cs_b={cs_b}) m={m} k={k} alpha={alpha} beta={beta}: differs from packed",
                    K::NAME
                );
            }
        }
    }
}

mod generic {
    use super::test_kernel;
    use crate::kernels::generic::{Dgemm4x4, Sgemm4x4};

    #[test]
    fn dgemm_generic_4x4() {
        assert!(test_kernel::<f64, Dgemm4x4>());
    }

    #[test]
    fn sgemm_generic_4x4() {
        assert!(test_kernel::<f32, Sgemm4x4>());
    }
}

#[cfg(target_arch = "x86_64")]
mod x86_v3 {
    use super::test_kernel;
    use crate::kernels::x86_v3::{Dgemm8x6, Sgemm16x6};

    #[test]
    fn dgemm_x86_v3_8x6() {
        test_kernel::<f64, Dgemm8x6>();
    }

    #[test]
    fn sgemm_x86_v3_16x6() {
        test_kernel::<f32, Sgemm16x6>();
    }
}

#[cfg(target_arch = "x86_64")]
mod x86_v4 {
    use super::test_kernel;
    use crate::kernels::x86_v4::{Dgemm16x14, Sgemm32x14};

    #[test]
    fn dgemm_x86_v4_16x14() {
        test_kernel::<f64, Dgemm16x14>();
    }

    #[test]
    fn sgemm_x86_v4_32x14() {
        test_kernel::<f32, Sgemm32x14>();
    }
}

#[cfg(target_arch = "aarch64")]
mod neon {
    use super::test_kernel;
    use crate::kernels::neon::{Dgemm8x6, Sgemm16x6};

    #[test]
    fn dgemm_neon_8x6() {
        test_kernel::<f64, Dgemm8x6>();
    }

    #[test]
    fn sgemm_neon_16x6() {
        test_kernel::<f32, Sgemm16x6>();
    }
}
