//! Level 1 on [`Fast`]: the vector kernels of [`kernels`] where the operands are contiguous
//! (increment 1), hpc-core's reference loops otherwise and for the routines that have no
//! kernel yet (`rotg`, `rot`, `rotm`, `rotmg`, the mixed-precision dots).
//!
//! Arguments are checked as the reference checks them (`hpc_core::check`), before any kernel
//! runs. Every kernel runs under the registry's ISA ([`crate::registry::vectorize`]), so
//! `HPC_FORCE_ISA` governs them as it does GEMM; a complex kernel needs two lanes a vector,
//! which every ISA but the portable one has.

pub(crate) mod kernels;

use std::cell::RefCell;

use hpc_core::check::check_len;
use hpc_core::reference::Reference;
use hpc_core::{Level1, MixedDot, RealLevel1, RealScalar, Result, Scalar, VecMut, VecRef};
use num_traits::{Float, One, Zero};

use crate::registry::{GemmScalar, vectorize};
use crate::simd::KernelReal;
use crate::{Fast, Isa, Par};
use kernels::{Asum, Axpy, Axpy2, Dot, DotPieces, MaxAbs, Nrm2, Rotate, Scal};

/// The elements of a vector of increment 1, or `None`.
fn unit<'s, T: Scalar>(v: &'s VecRef<'_, T>) -> Option<&'s [T]> {
    let (data, off) = v.raw_parts();
    (v.inc() == 1 || v.len() <= 1).then(|| &data[off..off + v.len()])
}

/// The elements of a writable vector of increment 1, or `None`.
pub(crate) fn unit_mut<'s, T: Scalar>(v: &'s mut VecMut<'_, T>) -> Option<&'s mut [T]> {
    let (len, inc) = (v.len(), v.inc());
    let (data, off) = v.raw_parts_mut();
    (inc == 1 || len <= 1).then(|| &mut data[off..off + len])
}

/// `s` as its reals: itself for a real `T`, the interleaved `(re, im)` pairs for a complex one.
pub(crate) fn reals<T: Scalar>(s: &[T]) -> &[T::Real] {
    let n = s.len() * crate::simd::factor::<T>();
    // SAFETY: `T` is `T::Real` or `Complex<T::Real>`, which is `repr(C)` `{re, im}`: `n` reals
    // with `T::Real`'s alignment.
    unsafe { core::slice::from_raw_parts(s.as_ptr().cast(), n) }
}

/// As [`reals`], writable.
pub(crate) fn reals_mut<T: Scalar>(s: &mut [T]) -> &mut [T::Real] {
    let n = s.len() * crate::simd::factor::<T>();
    // SAFETY: as in `reals`; the borrow of `s` is handed on.
    unsafe { core::slice::from_raw_parts_mut(s.as_mut_ptr().cast(), n) }
}

/// Whether the complex kernels can run: the selected ISA's vectors hold two or more reals.
fn pairs() -> bool {
    crate::selected_isa() != Isa::Scalar
}

fn same_len(routine: &'static str, x: usize, y: usize) -> Result<()> {
    check_len(routine, "y", y, x, "the length of x")
}

/// Reals a reduction sums per piece: a longer vector is cut into pieces of this length, whose
/// sums are added in order, whatever the number of threads that computed them. Small enough
/// that two threads get near-equal shares of a vector in L2 (`docs/tuning.md`, "level1: PIECE").
const PIECE: usize = 1 << 13;

/// Fewest reals a thread takes: below it, a fork and join costs more than it saves
/// (`docs/tuning.md`, "level1: PAR_REALS").
const PAR_REALS: usize = 1 << 15;

/// `kernel` over `x` (and `y`) piece by piece ([`PIECE`]), the pieces' results added in
/// order by `add`; the pieces shared between up to `par`'s threads. `kernel` takes a run of
/// consecutive pieces (the last may be shorter) and writes each one's result ([`each_piece`]
/// makes one of a kernel of a single piece).
fn reduce<R: KernelReal, O: Copy + Send + Default>(
    par: Par,
    x: &[R],
    y: Option<&[R]>,
    kernel: impl Fn(&[R], Option<&[R]>, &mut [O]) + Sync,
    add: impl Fn(O, O) -> O,
) -> O {
    let n = x.len();
    let pieces = n.div_ceil(PIECE).max(1);
    let mut partial = vec![O::default(); pieces];
    let per = pieces.div_ceil(crate::fork::ways(par, n, PAR_REALS, pieces));
    crate::fork::for_each_chunk_mut(&mut partial, per, |t, out| {
        let r = (t * per * PIECE).min(n)..((t * per + out.len()) * PIECE).min(n);
        kernel(&x[r.clone()], y.map(|y| &y[r]), out);
    });
    partial.into_iter().reduce(add).unwrap_or_default()
}

/// A run-of-pieces kernel for [`reduce`] from a kernel of one piece.
fn each_piece<R, O>(
    kernel: impl Fn(&[R], Option<&[R]>) -> O + Sync,
) -> impl Fn(&[R], Option<&[R]>, &mut [O]) + Sync {
    move |x, y, out| {
        for (k, o) in out.iter_mut().enumerate() {
            let r = (k * PIECE).min(x.len())..((k + 1) * PIECE).min(x.len());
            *o = kernel(&x[r.clone()], y.map(|y| &y[r]));
        }
    }
}

/// [`DotPieces`] on a run of pieces, each piece's sums mapped by `f` into `out`.
fn dot_run<R: KernelReal, O, const CROSS: bool>(
    x: &[R],
    y: Option<&[R]>,
    out: &mut [O],
    f: impl Fn([R; 4]) -> O,
) {
    const BATCH: usize = 16;
    let mut buf = [[R::zero(); 4]; BATCH];
    for (b, o) in out.chunks_mut(BATCH).enumerate() {
        let r = (b * BATCH * PIECE).min(x.len())..((b * BATCH + o.len()) * PIECE).min(x.len());
        let sums = &mut buf[..o.len()];
        let (x, y) = (&x[r.clone()], y.map(|y| &y[r]));
        vectorize(DotPieces::<R, CROSS> {
            x,
            y,
            piece: PIECE,
            out: sums,
        });
        for (o, &v) in o.iter_mut().zip(sums.iter()) {
            *o = f(v);
        }
    }
}

thread_local! {
    /// Each thread's buffers for pieces of vectors gathered from other increments, kept from
    /// call to call: fresh ones each call cost page faults as large as the copy itself.
    static GATHER: RefCell<[Vec<u64>; 2]> = const { RefCell::new([Vec::new(), Vec::new()]) };
}

/// Elements `r` of `v`, in order, copied into `buf` (grown as needed) and returned.
fn gather<'b, T: Scalar>(
    v: &VecRef<'_, T>,
    r: core::ops::Range<usize>,
    buf: &'b mut Vec<u64>,
) -> &'b [T] {
    const { assert!(align_of::<T>() <= align_of::<u64>()) };
    assert!(r.end <= v.len());
    let words = (r.len() * size_of::<T>()).div_ceil(size_of::<u64>());
    if buf.len() < words {
        buf.resize(words, 0);
    }
    // SAFETY: `buf` holds at least `r.len()` `T`s, suitably aligned (checked above), and any
    // bits are a valid real or complex number (plain floats).
    let out = unsafe { core::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<T>(), r.len()) };
    let (data, off, inc) = (v.raw_parts().0, v.raw_parts().1 as isize, v.inc());
    for (o, i) in out.iter_mut().zip(r) {
        // SAFETY: element i < len is at `off + i * inc`, inside `data` by the view's extent
        // check.
        *o = unsafe { *data.get_unchecked((off + i as isize * inc) as usize) };
    }
    out
}

/// `f(x_i, &mut y_i)` for every `i`, in order, on vectors of one length and any increments:
/// the reference's loop without its per-element index checks (the views' extents were
/// checked when they were made).
fn strided_update<T: Scalar>(x: &VecRef<'_, T>, y: &mut VecMut<'_, T>, f: impl Fn(T, &mut T)) {
    assert_eq!(x.len(), y.len());
    let (n, incx, incy) = (x.len(), x.inc(), y.inc());
    let (xd, xo) = x.raw_parts();
    let (yd, yo) = y.raw_parts_mut();
    let (mut ix, mut iy) = (xo as isize, yo as isize);
    for _ in 0..n {
        // SAFETY: element i < n of each view is at `offset + i * inc`, inside its slice by the
        // view's extent check.
        unsafe {
            f(
                *xd.get_unchecked(ix as usize),
                yd.get_unchecked_mut(iy as usize),
            )
        };
        ix += incx;
        iy += incy;
    }
}

/// `f(&mut x_i, &mut y_i)` for every `i`, in order (as [`strided_update`]).
fn strided_pair<T: Scalar>(
    x: &mut VecMut<'_, T>,
    y: &mut VecMut<'_, T>,
    f: impl Fn(&mut T, &mut T),
) {
    assert_eq!(x.len(), y.len());
    let (n, incx, incy) = (x.len(), x.inc(), y.inc());
    let (xd, xo) = x.raw_parts_mut();
    let (yd, yo) = y.raw_parts_mut();
    let (mut ix, mut iy) = (xo as isize, yo as isize);
    for _ in 0..n {
        // SAFETY: as in `strided_update`; `x` and `y` are distinct borrows.
        unsafe {
            f(
                xd.get_unchecked_mut(ix as usize),
                yd.get_unchecked_mut(iy as usize),
            )
        };
        ix += incx;
        iy += incy;
    }
}

/// `f(&mut x_i)` for every `i` (as [`strided_update`]).
fn strided_each<T: Scalar>(x: &mut VecMut<'_, T>, f: impl Fn(&mut T)) {
    let (n, inc) = (x.len(), x.inc());
    let (xd, xo) = x.raw_parts_mut();
    let mut ix = xo as isize;
    for _ in 0..n {
        // SAFETY: as in `strided_update`.
        unsafe { f(xd.get_unchecked_mut(ix as usize)) };
        ix += inc;
    }
}

/// [`reduce`] over vectors of any increment: a vector of increment 1 is read in place, any
/// other is copied a piece at a time into a contiguous buffer, so that the kernels run on it
/// and the result has the same bits as for the same elements stored contiguously.
fn reduce_any<T: GemmScalar, O: Copy + Send + Default>(
    par: Par,
    x: &VecRef<'_, T>,
    y: Option<&VecRef<'_, T>>,
    kernel: impl Fn(&[T::Real], Option<&[T::Real]>, &mut [O]) + Sync,
    add: impl Fn(O, O) -> O,
) -> O {
    let (ux, uy) = (unit(x), y.map(unit));
    if let (Some(xs), None | Some(Some(_))) = (ux, uy) {
        return reduce(par, reals(xs), uy.flatten().map(reals), kernel, add);
    }
    let n = x.len();
    let per_piece = PIECE / crate::simd::factor::<T>();
    let pieces = n.div_ceil(per_piece);
    let mut partial = vec![O::default(); pieces];
    let reals_n = n * crate::simd::factor::<T>();
    let per = pieces.div_ceil(crate::fork::ways(par, reals_n, PAR_REALS, pieces));
    crate::fork::for_each_chunk_mut(&mut partial, per, |t, out| {
        GATHER.with_borrow_mut(|[bx, by]| {
            for (k, o) in out.iter_mut().enumerate() {
                let r = (t * per + k) * per_piece..((t * per + k + 1) * per_piece).min(n);
                let xs = gather(x, r.clone(), bx);
                let ys = y.map(|y| gather(y, r, by));
                kernel(reals(xs), ys.map(reals), core::slice::from_mut(o));
            }
        });
    });
    partial.into_iter().reduce(add).unwrap_or_default()
}

/// `x . y` (`conj` conjugates x), or `None` where no kernel applies.
fn dot<T: GemmScalar>(par: Par, x: &VecRef<'_, T>, y: &VecRef<'_, T>, conj: bool) -> Option<T> {
    let add =
        |a: [T::Real; 4], b: [T::Real; 4]| [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]];
    if !T::IS_COMPLEX {
        let [e, o, ..] = reduce_any(
            par,
            x,
            Some(y),
            |x, y, out| dot_run::<_, _, false>(x, Some(y.unwrap_or(x)), out, |v| v),
            add,
        );
        return Some(T::from_real(e + o));
    }
    if !pairs() {
        return None;
    }
    // [sum xr yr, sum xi yi, sum xr yi, sum xi yr].
    let [rr, ii, ri, ir] = reduce_any(
        par,
        x,
        Some(y),
        |x, y, out| dot_run::<_, _, true>(x, Some(y.unwrap_or(x)), out, |v| v),
        add,
    );
    Some(if conj {
        T::from_parts(rr + ii, ri - ir)
    } else {
        T::from_parts(rr - ii, ri + ir)
    })
}

/// `x <- alpha x`, each element as the reference rounds it.
pub(crate) fn scal_in_place<T: GemmScalar>(alpha: T, x: &mut VecMut<'_, T>) {
    match unit_mut(x) {
        Some(xs) if !T::IS_COMPLEX => vectorize(Scal::<T::Real, false> {
            alpha: (alpha.re(), T::Real::zero()),
            x: reals_mut(xs),
        }),
        Some(xs) if pairs() => vectorize(Scal::<T::Real, true> {
            alpha: (alpha.re(), alpha.im()),
            x: reals_mut(xs),
        }),
        _ => strided_each(x, |v| *v = alpha * *v),
    }
}

/// `y <- y + alpha x` on contiguous slices of one length, each element as the reference
/// rounds it.
pub(crate) fn axpy_slice<T: GemmScalar>(alpha: T, x: &[T], y: &mut [T]) {
    if !T::IS_COMPLEX {
        vectorize(Axpy::<T::Real, false> {
            alpha: (alpha.re(), T::Real::zero()),
            x: reals(x),
            y: reals_mut(y),
        })
    } else if pairs() {
        vectorize(Axpy::<T::Real, true> {
            alpha: (alpha.re(), alpha.im()),
            x: reals(x),
            y: reals_mut(y),
        })
    } else {
        for (yi, &xi) in y.iter_mut().zip(x) {
            *yi += alpha * xi;
        }
    }
}

/// `z <- z + (x t1 + y t2)` on contiguous slices of one length, each element as the
/// reference's rank-2 updates round it.
pub(crate) fn axpy2_slice<T: GemmScalar>(t1: T, x: &[T], t2: T, y: &[T], z: &mut [T]) {
    let (x, y) = (reals(x), reals(y));
    if !T::IS_COMPLEX {
        let zero = T::Real::zero();
        vectorize(Axpy2::<T::Real, false> {
            alpha: (t1.re(), zero),
            beta: (t2.re(), zero),
            x,
            y,
            z: reals_mut(z),
        })
    } else if pairs() {
        vectorize(Axpy2::<T::Real, true> {
            alpha: (t1.re(), t1.im()),
            beta: (t2.re(), t2.im()),
            x,
            y,
            z: reals_mut(z),
        })
    } else {
        let f = crate::simd::factor::<T>();
        for (k, zi) in z.iter_mut().enumerate() {
            let xi = T::from_parts(
                x[k * f],
                if f == 2 {
                    x[k * f + 1]
                } else {
                    T::Real::zero()
                },
            );
            let yi = T::from_parts(
                y[k * f],
                if f == 2 {
                    y[k * f + 1]
                } else {
                    T::Real::zero()
                },
            );
            *zi += xi * t1 + yi * t2;
        }
    }
}

/// Elements `iamax` scans a block at a time.
const IAMAX_BLOCK: usize = 4096;

/// The first index of the largest `abs1` in `x`, NaN never chosen unless it is `x[0]` (as in
/// the reference, whose running maximum starts there): the block maxima by the kernel, then
/// a scan of the first block that holds the overall maximum.
fn iamax<T: GemmScalar>(x: &[T]) -> Option<usize> {
    let first = x.first()?.abs1();
    if first.is_nan() {
        return Some(0);
    }
    let (mut best, mut block) = (first, 0);
    for (b, chunk) in x.chunks(IAMAX_BLOCK).enumerate() {
        let m = if T::IS_COMPLEX {
            vectorize(MaxAbs::<T::Real, true> { x: reals(chunk) })
        } else {
            vectorize(MaxAbs::<T::Real, false> { x: reals(chunk) })
        };
        if m > best {
            (best, block) = (m, b);
        }
    }
    let start = block * IAMAX_BLOCK;
    let found = x[start..].iter().position(|v| v.abs1() == best);
    Some(start + found.unwrap_or(0))
}

impl<T: GemmScalar> Level1<T> for Fast {
    fn rotg(&self, a: &mut T, b: &mut T) -> (T::Real, T) {
        Reference.rotg(a, b)
    }

    fn rot(
        &self,
        mut x: VecMut<'_, T>,
        mut y: VecMut<'_, T>,
        c: T::Real,
        s: T::Real,
    ) -> Result<()> {
        same_len("rot", x.len(), y.len())?;
        match (unit_mut(&mut x), unit_mut(&mut y)) {
            (Some(xs), Some(ys)) if !T::IS_COMPLEX || pairs() => {
                let (x, y, h) = (reals_mut(xs), reals_mut(ys), [c, s, c, s]);
                if T::IS_COMPLEX {
                    vectorize(Rotate::<T::Real, true, true> { h, x, y })
                } else {
                    vectorize(Rotate::<T::Real, false, true> { h, x, y })
                }
                Ok(())
            }
            // As the reference: `c * x` a complex product with `(c, 0)` (see its comment).
            _ => {
                let (c, s) = (T::from_real(c), T::from_real(s));
                strided_pair(&mut x, &mut y, |xi, yi| {
                    (*xi, *yi) = (c * *xi + s * *yi, c * *yi - s * *xi);
                });
                Ok(())
            }
        }
    }

    fn swap(&self, mut x: VecMut<'_, T>, mut y: VecMut<'_, T>) -> Result<()> {
        same_len("swap", x.len(), y.len())?;
        match (unit_mut(&mut x), unit_mut(&mut y)) {
            (Some(xs), Some(ys)) => {
                xs.swap_with_slice(ys);
                Ok(())
            }
            _ => {
                strided_pair(&mut x, &mut y, core::mem::swap);
                Ok(())
            }
        }
    }

    fn scal(&self, alpha: T, mut x: VecMut<'_, T>) {
        // As the reference: alpha = 1 returns at once.
        if alpha != T::one() {
            scal_in_place(alpha, &mut x);
        }
    }

    fn rscal(&self, alpha: T::Real, mut x: VecMut<'_, T>) {
        if alpha == T::Real::one() {
            return;
        }
        match unit_mut(&mut x) {
            Some(xs) => vectorize(Scal::<T::Real, false> {
                alpha: (alpha, T::Real::zero()),
                x: reals_mut(xs),
            }),
            None => strided_each(&mut x, |v| *v = v.scale_real(alpha)),
        }
    }

    fn copy(&self, x: VecRef<'_, T>, mut y: VecMut<'_, T>) -> Result<()> {
        same_len("copy", x.len(), y.len())?;
        match (unit(&x), unit_mut(&mut y)) {
            (Some(xs), Some(ys)) => {
                ys.copy_from_slice(xs);
                Ok(())
            }
            _ => {
                strided_update(&x, &mut y, |xi, yi| *yi = xi);
                Ok(())
            }
        }
    }

    fn axpy(&self, alpha: T, x: VecRef<'_, T>, mut y: VecMut<'_, T>) -> Result<()> {
        same_len("axpy", x.len(), y.len())?;
        // As the reference: alpha = 0 reads nothing.
        if alpha == T::zero() {
            return Ok(());
        }
        match (unit(&x), unit_mut(&mut y)) {
            (Some(xs), Some(ys)) => {
                // Elementwise: any split gives the same bits.
                let n = xs.len();
                let chunk = n.div_ceil(crate::fork::ways(
                    self.par,
                    n * crate::simd::factor::<T>(),
                    PAR_REALS,
                    n,
                ));
                crate::fork::for_each_chunk_mut(ys, chunk, |t, piece| {
                    axpy_slice(alpha, &xs[t * chunk..t * chunk + piece.len()], piece);
                });
                Ok(())
            }
            _ => {
                strided_update(&x, &mut y, |xi, yi| *yi += alpha * xi);
                Ok(())
            }
        }
    }

    fn dotu(&self, x: VecRef<'_, T>, y: VecRef<'_, T>) -> Result<T> {
        same_len("dotu", x.len(), y.len())?;
        dot(self.par, &x, &y, false).map_or_else(|| Reference.dotu(x, y), Ok)
    }

    fn dotc(&self, x: VecRef<'_, T>, y: VecRef<'_, T>) -> Result<T> {
        same_len("dotc", x.len(), y.len())?;
        dot(self.par, &x, &y, true).map_or_else(|| Reference.dotc(x, y), Ok)
    }

    fn nrm2(&self, x: VecRef<'_, T>) -> T::Real {
        // First the plain sum of squares: when it neither overflowed nor can have lost more
        // than a rounding to underflow (each square below the smallest normal loses less than
        // it, all of them less than `ssq * eps`), its root is the norm, at dot's speed;
        // otherwise Blue's scaled sums.
        let sq = |x: &[T::Real], _: Option<&[T::Real]>, out: &mut [T::Real]| {
            dot_run::<_, _, false>(x, None, out, |[e, o, ..]| e + o);
        };
        let ssq = reduce_any(self.par, &x, None, sq, |a, b| a + b);
        let floor = T::Real::min_positive_value() / T::Real::epsilon()
            * <T::Real as RealScalar>::from_f64((x.len() * crate::simd::factor::<T>()) as f64);
        if ssq.is_finite() && ssq >= floor {
            return ssq.sqrt();
        }
        let add = |a: [T::Real; 3], b: [T::Real; 3]| [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
        let blue = each_piece(|x, _| vectorize(Nrm2 { x }));
        let [asml, amed, abig] = reduce_any(self.par, &x, None, blue, add);
        T::Real::blue_norm(asml, amed, abig)
    }

    fn asum(&self, x: VecRef<'_, T>) -> T::Real {
        reduce_any(
            self.par,
            &x,
            None,
            each_piece(|x, _| vectorize(Asum { x })),
            |a, b| a + b,
        )
    }

    fn iamax(&self, x: VecRef<'_, T>) -> Option<usize> {
        match unit(&x) {
            Some(xs) if !T::IS_COMPLEX || pairs() => Some(iamax(xs)?),
            _ => Reference.iamax(x),
        }
    }
}

impl<R: RealScalar + crate::registry::Family> RealLevel1<R> for Fast {
    fn rotmg(&self, d1: &mut R, d2: &mut R, x1: &mut R, y1: R, param: &mut [R; 5]) {
        // Scalars only: nothing to vectorise.
        Reference.rotmg(d1, d2, x1, y1, param)
    }

    fn rotm(&self, mut x: VecMut<'_, R>, mut y: VecMut<'_, R>, param: &[R; 5]) -> Result<()> {
        same_len("rotm", x.len(), y.len())?;
        let (one, flag) = (R::one(), param[0]);
        // The reference's H for each flag (-2: the identity, nothing to do).
        let h = if flag == -(one + one) {
            return Ok(());
        } else if flag < R::zero() {
            [param[1], param[3], param[4], param[2]]
        } else if flag == R::zero() {
            [one, param[3], one, param[2]]
        } else {
            [param[1], one, param[4], -one]
        };
        match (unit_mut(&mut x), unit_mut(&mut y)) {
            (Some(x), Some(y)) => {
                vectorize(Rotate::<R, false, false> { h, x, y });
                Ok(())
            }
            _ => {
                strided_pair(&mut x, &mut y, |xi, yi| {
                    let (w, z) = (*xi, *yi);
                    (*xi, *yi) = (w * h[0] + z * h[1], w * h[3] + z * h[2]);
                });
                Ok(())
            }
        }
    }
}

impl MixedDot for Fast {
    fn sdsdot(&self, sb: f32, x: VecRef<'_, f32>, y: VecRef<'_, f32>) -> Result<f32> {
        same_len("sdsdot", x.len(), y.len())?;
        match (unit(&x), unit(&y)) {
            (Some(xs), Some(ys)) => Ok((f64::from(sb) + dsdot(xs, ys)) as f32),
            _ => Reference.sdsdot(sb, x, y),
        }
    }

    fn dsdot(&self, x: VecRef<'_, f32>, y: VecRef<'_, f32>) -> Result<f64> {
        same_len("dsdot", x.len(), y.len())?;
        match (unit(&x), unit(&y)) {
            (Some(xs), Some(ys)) => Ok(dsdot(xs, ys)),
            _ => Reference.dsdot(x, y),
        }
    }
}

/// `sum x_i y_i` of f32 vectors in f64 (each product exact): pieces of 256 widened into f64
/// buffers, each summed by the f64 dot kernel, the pieces added in order.
fn dsdot(x: &[f32], y: &[f32]) -> f64 {
    const PIECE: usize = 256;
    let mut sum = 0.0;
    let (mut wx, mut wy) = ([0.0f64; PIECE], [0.0f64; PIECE]);
    for (cx, cy) in x.chunks(PIECE).zip(y.chunks(PIECE)) {
        let k = cx.len();
        for (w, &v) in wx.iter_mut().zip(cx) {
            *w = f64::from(v);
        }
        for (w, &v) in wy.iter_mut().zip(cy) {
            *w = f64::from(v);
        }
        let [e, o, ..] = vectorize(Dot::<f64, false> {
            x: &wx[..k],
            y: Some(&wy[..k]),
        });
        sum += e + o;
    }
    sum
}
