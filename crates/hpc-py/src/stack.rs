//! Stacks of matrices for `matmul` and `gemm`: NumPy's broadcasting of the dimensions before
//! the last two, folded into as few of hpc-gemm's strided batches as the strides allow.
//!
//! The stack dimensions of the three arrays are aligned on the right; an operand's missing or
//! length-1 dimension repeats its matrix (stride 0). Adjacent dimensions that step alike in
//! all three arrays merge into one; the innermost remaining dimension is the batch of one
//! `gemm_batch` call, and the others are looped over, all with the GIL released.

use pyo3::prelude::*;

use hpc_core::{BatchMut, BatchRef, MatMut, MatRef, Trans};
use hpc_gemm::{GemmScalar, Par};

use crate::array::{Arr, shape_str};
use crate::errors::{Kind, err};

/// The broadcast of stack shapes (NumPy's rule), or `None` if they do not broadcast.
pub(crate) fn broadcast(shapes: &[&[usize]]) -> Option<Vec<usize>> {
    let nd = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1; nd];
    for s in shapes {
        for (o, &d) in out[nd - s.len()..].iter_mut().zip(s.iter()) {
            match (*o, d) {
                (x, y) if x == y || y == 1 => {}
                (1, y) => *o = y,
                _ => return None,
            }
        }
    }
    Some(out)
}

/// The stack dimensions of `x` (all but its last two).
pub(crate) fn stack_dims<'a>(x: &'a Arr<'_>) -> &'a [usize] {
    &x.shape[..x.ndim() - 2]
}

/// `x`'s element strides over the stack shape `stack` (0 where it repeats its matrix).
fn strides_over(x: &Arr<'_>, stack: &[usize]) -> Vec<isize> {
    let own = stack_dims(x);
    let skip = stack.len() - own.len();
    (0..stack.len())
        .map(|i| match i.checked_sub(skip) {
            Some(j) if own[j] == stack[i] && stack[i] > 1 => x.strides[j],
            _ => 0,
        })
        .collect()
}

/// A planned stack product: `(length, [stride of a, of b, of c])` for each dimension left after
/// merging, the innermost last.
pub(crate) struct Plan {
    dims: Vec<(usize, [isize; 3])>,
}

impl Plan {
    /// Plans `c[s] = op(a[s]) op(b[s])` over `c`'s stack dimensions, to which `a`'s and `b`'s
    /// must broadcast (`routine` names the call in the error).
    pub(crate) fn new(
        py: Python<'_>,
        routine: &str,
        a: &Arr<'_>,
        b: &Arr<'_>,
        c: &Arr<'_>,
    ) -> PyResult<Plan> {
        let stack = stack_dims(c);
        let ok = broadcast(&[stack_dims(a), stack_dims(b), stack]).is_some_and(|s| s == stack);
        if !ok {
            return Err(err(
                py,
                Kind::Shape,
                format!(
                    "{routine}: the stacks of a {} and b {} do not broadcast to the result's {} (shapes {}, {} and {})",
                    shape_str(stack_dims(a)),
                    shape_str(stack_dims(b)),
                    shape_str(stack),
                    shape_str(&a.shape),
                    shape_str(&b.shape),
                    shape_str(&c.shape),
                ),
            ));
        }
        let (sa, sb, sc) = (
            strides_over(a, stack),
            strides_over(b, stack),
            strides_over(c, stack),
        );
        let mut dims: Vec<(usize, [isize; 3])> = Vec::new();
        for (i, &len) in stack.iter().enumerate() {
            let s = [sa[i], sb[i], sc[i]];
            if len == 1 {
                continue;
            }
            match dims.last_mut() {
                // The outer dimension steps over exactly `len` of this one in every array.
                Some((outer, so)) if (0..3).all(|x| so[x] == s[x] * len as isize) => {
                    *outer *= len;
                    *so = s;
                }
                _ => dims.push((len, s)),
            }
        }
        Ok(Plan { dims })
    }
}

/// A matrix of a stack: first element's address, rows, columns, row and column strides.
#[derive(Clone, Copy)]
pub(crate) struct Raw {
    addr: usize,
    rows: usize,
    cols: usize,
    rs: isize,
    cs: isize,
}

impl Raw {
    /// The last two dimensions of `x` (its first matrix), transposed with `t`.
    pub(crate) fn of(x: &Arr<'_>, t: bool) -> Raw {
        let nd = x.ndim();
        let (rows, cols) = (x.shape[nd - 2], x.shape[nd - 1]);
        let (rs, cs) = (x.strides[nd - 2], x.strides[nd - 1]);
        let r = Raw {
            addr: x.ptr() as usize,
            rows,
            cols,
            rs,
            cs,
        };
        if t {
            Raw {
                rows: cols,
                cols: rows,
                rs: cs,
                cs: rs,
                ..r
            }
        } else {
            r
        }
    }

    /// `(rows, cols)`.
    pub(crate) fn dims(self) -> (usize, usize) {
        (self.rows, self.cols)
    }
}

/// `c[s] <- alpha opa(a[s]) opb(b[s]) + beta c[s]` for every stack index `s` of `plan`, the
/// matrices as `Raw` gives them.
///
/// # Safety
/// The matrices of `a` and `b` are readable, those of `c` writable, distinct from each other
/// and from `a`'s and `b`'s, for the whole call; `T` is their element type.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn run<T: GemmScalar>(
    plan: &Plan,
    (ta, tb): (Trans, Trans),
    alpha: T,
    a: Raw,
    b: Raw,
    beta: T,
    c: Raw,
    par: Par,
) -> hpc_core::Result<()> {
    let (inner, outer) = match plan.dims.split_last() {
        Some((&(len, s), outer)) => ((len, s), outer),
        None => {
            // One product: the single GEMM, without the batch's set-up (a small product's
            // call costs less).
            // SAFETY: the caller's contract.
            let (av, bv, cv) = unsafe {
                (
                    MatRef::from_raw_parts(a.addr as *const T, a.rows, a.cols, a.rs, a.cs)?,
                    MatRef::from_raw_parts(b.addr as *const T, b.rows, b.cols, b.rs, b.cs)?,
                    MatMut::from_raw_parts(c.addr as *mut T, c.rows, c.cols, c.rs, c.cs)?,
                )
            };
            return hpc_gemm::gemm_op(ta, tb, alpha, av, bv, beta, cv, par);
        }
    };
    let outer_count: usize = outer.iter().map(|d| d.0).product();
    let at = |x: Raw, off: isize| (x.addr as *mut T).wrapping_offset(off);
    for o in 0..outer_count {
        // The offsets of product `o * inner.0` (the mixed-radix digits of `o`).
        let mut off = [0isize; 3];
        let mut rest = o;
        for &(len, s) in outer.iter().rev() {
            let i = (rest % len) as isize;
            rest /= len;
            (0..3).for_each(|x| off[x] += i * s[x]);
        }
        let (count, s) = inner;
        // SAFETY: the caller's contract; each stack is one batch of the arrays' matrices.
        let (av, bv, cv) = unsafe {
            (
                BatchRef::from_raw_parts(
                    at(a, off[0]),
                    (count, a.rows, a.cols),
                    (s[0], a.rs, a.cs),
                )?,
                BatchRef::from_raw_parts(
                    at(b, off[1]),
                    (count, b.rows, b.cols),
                    (s[1], b.rs, b.cs),
                )?,
                BatchMut::from_raw_parts(
                    at(c, off[2]),
                    (count, c.rows, c.cols),
                    (s[2], c.rs, c.cs),
                )?,
            )
        };
        hpc_gemm::gemm_batch(ta, tb, alpha, av, bv, beta, cv, par)?;
    }
    Ok(())
}
