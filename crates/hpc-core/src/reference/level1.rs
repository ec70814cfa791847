//! Level 1 of the reference BLAS.

use num_traits::{Float, One, Zero};

use super::Reference;
use crate::check::check_len;
use crate::error::Result;
use crate::scalar::{RealScalar, Scalar};
use crate::traits::{Level1, MixedDot, RealLevel1};
use crate::view::{VecMut, VecRef};

/// `safmax` of LAPACK's `la_constants`: `radix^max(1 - minexponent, maxexponent - 1)`, which is
/// `2^1023` for `f64` and `2^127` for `f32` (slightly more than `1 / safmin`).
fn safmax<R: RealScalar>() -> R {
    R::max_value() / (R::one() + R::one() - R::epsilon())
}

/// Real `?rotg` of reference BLAS 3.10+.
fn rotg_real<R: RealScalar>(a: &mut R, b: &mut R) -> (R, R) {
    let (safmin, safmax) = (R::safmin(), safmax::<R>());
    let anorm = a.abs();
    let bnorm = b.abs();
    if bnorm == R::zero() {
        *b = R::zero();
        (R::one(), R::zero())
    } else if anorm == R::zero() {
        *a = *b;
        *b = R::one();
        (R::zero(), R::one())
    } else {
        let scl = safmax.min(safmin.max(anorm).max(bnorm));
        let sigma = if anorm > bnorm {
            R::one().copysign(*a)
        } else {
            R::one().copysign(*b)
        };
        let r = sigma * (scl * ((*a / scl).powi(2) + (*b / scl).powi(2)).sqrt());
        let c = *a / r;
        let s = *b / r;
        let z = if anorm > bnorm {
            s
        } else if c != R::zero() {
            R::one() / c
        } else {
            R::one()
        };
        *a = r;
        *b = z;
        (c, s)
    }
}

/// `z / r` for a real `r` as gfortran computes `complex / real`: a complex division by
/// `(r, 0)` (so that `(Inf + Inf i) / r` is NaN, as in the reference), safe from overflow.
fn div_real<T: Scalar>(z: T, r: T::Real) -> T {
    z.quot(T::from_real(r))
}

/// `z * r` for a real `r` as gfortran computes `complex * real`: a complex product with
/// `(r, 0)` (so that `(Inf + 1i) * 0` is NaN, as in the reference).
fn mul_real<T: Scalar>(z: T, r: T::Real) -> T {
    z * T::from_real(r)
}

/// Complex `?rotg` of reference BLAS 3.10+ (`zrotg.f90`), on `T` with `IS_COMPLEX`, with the
/// mixed complex-real arithmetic gfortran compiles it with.
fn rotg_complex<T: Scalar>(a: &mut T, b: T) -> (T::Real, T) {
    type R<T> = <T as Scalar>::Real;
    let zero = R::<T>::zero();
    let one = R::<T>::one();
    let two = one + one;
    let safmin = R::<T>::safmin();
    let safmax = safmax::<R<T>>();
    let rtmin = safmin.sqrt();
    let f = *a;
    let g = b;
    let abssq = |t: T| t.re() * t.re() + t.im() * t.im();
    let (c, s, r);
    if g == T::zero() {
        c = one;
        s = T::zero();
        r = f;
    } else if f == T::zero() {
        c = zero;
        if g.re() == zero {
            let rr = g.im().abs();
            r = T::from_real(rr);
            s = div_real(g.conj(), rr);
        } else if g.im() == zero {
            let rr = g.re().abs();
            r = T::from_real(rr);
            s = div_real(g.conj(), rr);
        } else {
            let g1 = g.re().abs().max(g.im().abs());
            let rtmax = (safmax / two).sqrt();
            if g1 > rtmin && g1 < rtmax {
                let d = abssq(g).sqrt();
                s = div_real(g.conj(), d);
                r = T::from_real(d);
            } else {
                let u = safmax.min(safmin.max(g1));
                let gs = div_real(g, u);
                let d = abssq(gs).sqrt();
                s = div_real(gs.conj(), d);
                r = T::from_real(d * u);
            }
        }
    } else {
        let f1 = f.re().abs().max(f.im().abs());
        let g1 = g.re().abs().max(g.im().abs());
        let mut rtmax = (safmax / (two + two)).sqrt();
        if f1 > rtmin && f1 < rtmax && g1 > rtmin && g1 < rtmax {
            let f2 = abssq(f);
            let g2 = abssq(g);
            let h2 = f2 + g2;
            if f2 >= h2 * safmin {
                c = (f2 / h2).sqrt();
                r = div_real(f, c);
                rtmax *= two;
                if f2 > rtmin && h2 < rtmax {
                    s = g.conj() * (div_real(f, (f2 * h2).sqrt()));
                } else {
                    s = g.conj() * (div_real(r, h2));
                }
            } else {
                let d = (f2 * h2).sqrt();
                c = f2 / d;
                r = if c >= safmin {
                    div_real(f, c)
                } else {
                    mul_real(f, h2 / d)
                };
                s = g.conj() * (div_real(f, d));
            }
        } else {
            let u = safmax.min(safmin.max(f1).max(g1));
            let gs = div_real(g, u);
            let g2 = abssq(gs);
            let (w, fs, f2, h2);
            if f1 / u < rtmin {
                let v = safmax.min(safmin.max(f1));
                w = v / u;
                fs = div_real(f, v);
                f2 = abssq(fs);
                h2 = f2 * w * w + g2;
            } else {
                w = one;
                fs = div_real(f, u);
                f2 = abssq(fs);
                h2 = f2 + g2;
            }
            let (cc, rr);
            if f2 >= h2 * safmin {
                cc = (f2 / h2).sqrt();
                rr = div_real(fs, cc);
                rtmax *= two;
                if f2 > rtmin && h2 < rtmax {
                    s = gs.conj() * (div_real(fs, (f2 * h2).sqrt()));
                } else {
                    s = gs.conj() * (div_real(rr, h2));
                }
            } else {
                let d = (f2 * h2).sqrt();
                cc = f2 / d;
                rr = if cc >= safmin {
                    div_real(fs, cc)
                } else {
                    mul_real(fs, h2 / d)
                };
                s = gs.conj() * (div_real(fs, d));
            }
            c = cc * w;
            r = mul_real(rr, u);
        }
    }
    *a = r;
    (c, s)
}

/// `?nrm2` of LAPACK 3.10+: three accumulators (small, medium, big values) with Blue's
/// scaling constants, so that the sum of squares neither overflows nor underflows.
fn nrm2_parts<R: RealScalar>(parts: impl Iterator<Item = R>) -> R {
    let (tsml, tbig, ssml, sbig) = R::blue_constants();
    let zero = R::zero();
    let mut notbig = true;
    let (mut asml, mut amed, mut abig) = (zero, zero, zero);
    for x in parts {
        let ax = x.abs();
        if ax > tbig {
            abig += (ax * sbig) * (ax * sbig);
            notbig = false;
        } else if ax < tsml {
            if notbig {
                asml += (ax * ssml) * (ax * ssml);
            }
        } else {
            amed += ax * ax;
        }
    }
    R::blue_norm(asml, amed, abig)
}

fn same_len(routine: &'static str, x: usize, y: usize) -> Result<()> {
    check_len(routine, "y", y, x, "the length of x")
}

impl<T: Scalar> Level1<T> for Reference {
    fn rotg(&self, a: &mut T, b: &mut T) -> (T::Real, T) {
        if T::IS_COMPLEX {
            rotg_complex(a, *b)
        } else {
            let (mut ar, mut br) = (a.re(), b.re());
            let (c, s) = rotg_real(&mut ar, &mut br);
            *a = T::from_real(ar);
            *b = T::from_real(br);
            (c, T::from_real(s))
        }
    }

    fn rot(
        &self,
        mut x: VecMut<'_, T>,
        mut y: VecMut<'_, T>,
        c: T::Real,
        s: T::Real,
    ) -> Result<()> {
        same_len("rot", x.len(), y.len())?;
        // `c * x` is gfortran's real-times-complex, a complex product with `(c, 0)`: so an Inf
        // in one part of x makes the other part NaN, as in the reference `csrot`/`zdrot`.
        let (c, s) = (T::from_real(c), T::from_real(s));
        for i in 0..x.len() {
            let (xi, yi) = (x.get(i), y.get(i));
            x.set(i, c * xi + s * yi);
            y.set(i, c * yi - s * xi);
        }
        Ok(())
    }

    fn swap(&self, mut x: VecMut<'_, T>, mut y: VecMut<'_, T>) -> Result<()> {
        same_len("swap", x.len(), y.len())?;
        for i in 0..x.len() {
            let t = x.get(i);
            x.set(i, y.get(i));
            y.set(i, t);
        }
        Ok(())
    }

    fn scal(&self, alpha: T, mut x: VecMut<'_, T>) {
        // Reference 3.11 returns at once for alpha = 1: `(Inf + 1i) * 1` would be `Inf + NaN i`.
        if alpha == T::one() {
            return;
        }
        for i in 0..x.len() {
            x.set(i, alpha * x.get(i));
        }
    }

    fn rscal(&self, alpha: T::Real, mut x: VecMut<'_, T>) {
        if alpha == T::Real::one() {
            return;
        }
        for i in 0..x.len() {
            x.set(i, x.get(i).scale_real(alpha));
        }
    }

    fn copy(&self, x: VecRef<'_, T>, mut y: VecMut<'_, T>) -> Result<()> {
        same_len("copy", x.len(), y.len())?;
        for i in 0..x.len() {
            y.set(i, x.get(i));
        }
        Ok(())
    }

    fn axpy(&self, alpha: T, x: VecRef<'_, T>, mut y: VecMut<'_, T>) -> Result<()> {
        same_len("axpy", x.len(), y.len())?;
        if alpha == T::zero() {
            return Ok(());
        }
        for i in 0..x.len() {
            y.set(i, y.get(i) + alpha * x.get(i));
        }
        Ok(())
    }

    fn dotu(&self, x: VecRef<'_, T>, y: VecRef<'_, T>) -> Result<T> {
        same_len("dotu", x.len(), y.len())?;
        Ok((0..x.len()).map(|i| x.get(i) * y.get(i)).sum())
    }

    fn dotc(&self, x: VecRef<'_, T>, y: VecRef<'_, T>) -> Result<T> {
        same_len("dotc", x.len(), y.len())?;
        Ok((0..x.len()).map(|i| x.get(i).conj() * y.get(i)).sum())
    }

    fn nrm2(&self, x: VecRef<'_, T>) -> T::Real {
        let parts = (0..x.len()).flat_map(|i| {
            let v = x.get(i);
            // A real type contributes its value once; a complex type both parts.
            [Some(v.re()), T::IS_COMPLEX.then(|| v.im())]
        });
        nrm2_parts(parts.flatten())
    }

    fn asum(&self, x: VecRef<'_, T>) -> T::Real {
        (0..x.len()).fold(T::Real::zero(), |acc, i| acc + x.get(i).abs1())
    }

    fn iamax(&self, x: VecRef<'_, T>) -> Option<usize> {
        if x.is_empty() {
            return None;
        }
        let mut best = 0;
        let mut max = x.get(0).abs1();
        for i in 1..x.len() {
            let v = x.get(i).abs1();
            // `>` is false for NaN: a NaN never replaces the maximum, as in the reference.
            if v > max {
                best = i;
                max = v;
            }
        }
        Some(best)
    }
}

impl<R: RealScalar> RealLevel1<R> for Reference {
    fn rotmg(&self, d1: &mut R, d2: &mut R, x1: &mut R, y1: R, param: &mut [R; 5]) {
        let zero = R::zero();
        let one = R::one();
        let gam = R::from_f64(4096.0);
        let gamsq = R::from_f64(16_777_216.0);
        let rgamsq = R::from_f64(5.960_464_5e-8);
        let (mut flag, mut h11, mut h12, mut h21, mut h22) = (zero, zero, zero, zero, zero);
        if *d1 < zero {
            // Zero H, d and x1.
            flag = -one;
            *d1 = zero;
            *d2 = zero;
            *x1 = zero;
        } else {
            let p2 = *d2 * y1;
            if p2 == zero {
                param[0] = -(one + one);
                return;
            }
            let p1 = *d1 * *x1;
            let q2 = p2 * y1;
            let q1 = p1 * *x1;
            if q1.abs() > q2.abs() {
                h21 = -y1 / *x1;
                h12 = p2 / p1;
                let u = one - h12 * h21;
                if u > zero {
                    flag = zero;
                    *d1 /= u;
                    *d2 /= u;
                    *x1 *= u;
                }
            } else if q2 < zero {
                flag = -one;
                h11 = zero;
                h12 = zero;
                h21 = zero;
                h22 = zero;
                *d1 = zero;
                *d2 = zero;
                *x1 = zero;
            } else {
                flag = one;
                h11 = p1 / p2;
                h22 = *x1 / y1;
                let u = one + h11 * h22;
                let temp = *d2 / u;
                *d2 = *d1 / u;
                *d1 = temp;
                *x1 = y1 * u;
            }
            // The scale loops below cannot end on an infinite d1 or d2, nor on a negative d1
            // (possible when q2 underflows to zero); the reference loops forever there. Such an
            // input gets what the reference documents for d1 < 0: flag -1, H, d and x1 zeroed.
            if d1.is_infinite() || d2.is_infinite() || *d1 < zero {
                *d1 = zero;
                *d2 = zero;
                *x1 = zero;
                param[0] = -one;
                param[1..].fill(zero);
                return;
            }
            // Scale check: keep d1 and |d2| within [1/gam², gam²].
            let rescale_flag =
                |flag: &mut R, h11: &mut R, h12: &mut R, h21: &mut R, h22: &mut R| {
                    if *flag == zero {
                        *h11 = one;
                        *h22 = one;
                    } else {
                        *h21 = -one;
                        *h12 = one;
                    }
                    *flag = -one;
                };
            if *d1 != zero {
                while *d1 <= rgamsq || *d1 >= gamsq {
                    rescale_flag(&mut flag, &mut h11, &mut h12, &mut h21, &mut h22);
                    if *d1 <= rgamsq {
                        *d1 = *d1 * gam * gam;
                        *x1 /= gam;
                        h11 /= gam;
                        h12 /= gam;
                    } else {
                        *d1 /= gam * gam;
                        *x1 *= gam;
                        h11 *= gam;
                        h12 *= gam;
                    }
                }
            }
            if *d2 != zero {
                while d2.abs() <= rgamsq || d2.abs() >= gamsq {
                    rescale_flag(&mut flag, &mut h11, &mut h12, &mut h21, &mut h22);
                    if d2.abs() <= rgamsq {
                        *d2 = *d2 * gam * gam;
                        h21 /= gam;
                        h22 /= gam;
                    } else {
                        *d2 /= gam * gam;
                        h21 *= gam;
                        h22 *= gam;
                    }
                }
            }
        }
        if flag < zero {
            param[1] = h11;
            param[2] = h21;
            param[3] = h12;
            param[4] = h22;
        } else if flag == zero {
            param[2] = h21;
            param[3] = h12;
        } else {
            param[1] = h11;
            param[4] = h22;
        }
        param[0] = flag;
    }

    fn rotm(&self, mut x: VecMut<'_, R>, mut y: VecMut<'_, R>, param: &[R; 5]) -> Result<()> {
        same_len("rotm", x.len(), y.len())?;
        let one = R::one();
        let flag = param[0];
        // flag -2: H is the identity; nothing to do.
        if flag == -(one + one) {
            return Ok(());
        }
        let (h11, h21, h12, h22) = if flag < R::zero() {
            (param[1], param[2], param[3], param[4])
        } else if flag == R::zero() {
            (one, param[2], param[3], one)
        } else {
            (param[1], -one, one, param[4])
        };
        for i in 0..x.len() {
            let (w, z) = (x.get(i), y.get(i));
            x.set(i, w * h11 + z * h12);
            y.set(i, w * h21 + z * h22);
        }
        Ok(())
    }
}

impl MixedDot for Reference {
    fn sdsdot(&self, sb: f32, x: VecRef<'_, f32>, y: VecRef<'_, f32>) -> Result<f32> {
        same_len("sdsdot", x.len(), y.len())?;
        let sum = (0..x.len()).fold(f64::from(sb), |acc, i| {
            acc + f64::from(x.get(i)) * f64::from(y.get(i))
        });
        Ok(sum as f32)
    }

    fn dsdot(&self, x: VecRef<'_, f32>, y: VecRef<'_, f32>) -> Result<f64> {
        same_len("dsdot", x.len(), y.len())?;
        Ok((0..x.len())
            .map(|i| f64::from(x.get(i)) * f64::from(y.get(i)))
            .sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safmax_matches_la_constants() {
        assert_eq!(safmax::<f64>(), 2f64.powi(1023));
        assert_eq!(safmax::<f32>(), 2f32.powi(127));
    }
}
