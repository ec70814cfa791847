//! Level 1 on [`Fast`]: the vector kernels of [`kernels`] where the operands are contiguous
//! (increment 1), hpc-core's reference loops otherwise and for the routines that have no
//! kernel yet (`rotg`, `rot`, `nrm2`, `iamax`, `rotm`, `rotmg`, the mixed-precision dots).
//!
//! Arguments are checked as the reference checks them (`hpc_core::check`), before any kernel
//! runs. Every kernel runs under the registry's ISA ([`crate::registry::vectorize`]), so
//! `HPC_FORCE_ISA` governs them as it does GEMM; a complex kernel needs two lanes a vector,
//! which every ISA but the portable one has.

mod kernels;

use hpc_core::check::check_len;
use hpc_core::reference::Reference;
use hpc_core::{Level1, Result, Scalar, VecMut, VecRef};
use num_traits::{One, Zero};

use crate::registry::{GemmScalar, vectorize};
use crate::{Fast, Isa};
use kernels::{Asum, Axpy, Dot, Scal};

/// The elements of a vector of increment 1, or `None`.
fn unit<'s, T: Scalar>(v: &'s VecRef<'_, T>) -> Option<&'s [T]> {
    let (data, off) = v.raw_parts();
    (v.inc() == 1 || v.len() <= 1).then(|| &data[off..off + v.len()])
}

/// The elements of a writable vector of increment 1, or `None`.
fn unit_mut<'s, T: Scalar>(v: &'s mut VecMut<'_, T>) -> Option<&'s mut [T]> {
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

/// `x . y` (`conj` conjugates x) of contiguous vectors, or `None` where no kernel applies.
fn dot<T: GemmScalar>(x: &[T], y: &[T], conj: bool) -> Option<T> {
    let (x, y) = (reals(x), reals(y));
    if !T::IS_COMPLEX {
        let [e, o, ..] = vectorize(Dot::<T::Real, false> { x, y });
        return Some(T::from_real(e + o));
    }
    if !pairs() {
        return None;
    }
    // [sum xr yr, sum xi yi, sum xr yi, sum xi yr].
    let [rr, ii, ri, ir] = vectorize(Dot::<T::Real, true> { x, y });
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
        _ => {
            for i in 0..x.len() {
                x.set(i, alpha * x.get(i));
            }
        }
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

impl<T: GemmScalar> Level1<T> for Fast {
    fn rotg(&self, a: &mut T, b: &mut T) -> (T::Real, T) {
        Reference.rotg(a, b)
    }

    fn rot(&self, x: VecMut<'_, T>, y: VecMut<'_, T>, c: T::Real, s: T::Real) -> Result<()> {
        Reference.rot(x, y, c, s)
    }

    fn swap(&self, mut x: VecMut<'_, T>, mut y: VecMut<'_, T>) -> Result<()> {
        same_len("swap", x.len(), y.len())?;
        match (unit_mut(&mut x), unit_mut(&mut y)) {
            (Some(xs), Some(ys)) => {
                xs.swap_with_slice(ys);
                Ok(())
            }
            _ => Reference.swap(x, y),
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
            None => Reference.rscal(alpha, x),
        }
    }

    fn copy(&self, x: VecRef<'_, T>, mut y: VecMut<'_, T>) -> Result<()> {
        same_len("copy", x.len(), y.len())?;
        match (unit(&x), unit_mut(&mut y)) {
            (Some(xs), Some(ys)) => {
                ys.copy_from_slice(xs);
                Ok(())
            }
            _ => Reference.copy(x, y),
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
                axpy_slice(alpha, xs, ys);
                Ok(())
            }
            _ => Reference.axpy(alpha, x, y),
        }
    }

    fn dotu(&self, x: VecRef<'_, T>, y: VecRef<'_, T>) -> Result<T> {
        same_len("dotu", x.len(), y.len())?;
        match (unit(&x), unit(&y)) {
            (Some(xs), Some(ys)) => dot(xs, ys, false).map_or_else(|| Reference.dotu(x, y), Ok),
            _ => Reference.dotu(x, y),
        }
    }

    fn dotc(&self, x: VecRef<'_, T>, y: VecRef<'_, T>) -> Result<T> {
        same_len("dotc", x.len(), y.len())?;
        match (unit(&x), unit(&y)) {
            (Some(xs), Some(ys)) => dot(xs, ys, true).map_or_else(|| Reference.dotc(x, y), Ok),
            _ => Reference.dotc(x, y),
        }
    }

    fn nrm2(&self, x: VecRef<'_, T>) -> T::Real {
        Reference.nrm2(x)
    }

    fn asum(&self, x: VecRef<'_, T>) -> T::Real {
        match unit(&x) {
            Some(xs) => vectorize(Asum { x: reals(xs) }),
            None => Reference.asum(x),
        }
    }

    fn iamax(&self, x: VecRef<'_, T>) -> Option<usize> {
        Reference.iamax(x)
    }
}
