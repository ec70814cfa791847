//! The functions of `hpc._hpc`: check the arrays, make views, run hpc's kernels with the GIL
//! released, turn errors into `hpc`'s exceptions. The Python layer (`hpc/__init__.py`) gives
//! them their NumPy-style signatures (defaults, allocation of results, 1-D `matmul` operands);
//! everything is checked again here, so calling `_hpc` directly is safe too.

use num_traits::{NumCast, One, Zero};
use pyo3::prelude::*;

use hpc_core::{Diag, ErrorKind, Level1, Level2, Level3, Scalar, Side, Trans, Uplo};
use hpc_gemm::{Fast, Par};

use crate::array::{Arr, DType, dispatch, matmul_dims, same_dtype, shape_str};
use crate::errors::{Kind, err};
use crate::stack::{self, Plan, Raw, broadcast, stack_dims};

/// Sets the thread count of later calls (`n <= 0`: back to the default). The setting is
/// hpc-gemm's, shared with the C library's `hpc_set_num_threads`.
#[pyfunction]
pub(crate) fn set_num_threads(n: i64) {
    hpc_gemm::set_num_threads(usize::try_from(n).unwrap_or(0));
}

/// The number of threads calls use.
#[pyfunction]
pub(crate) fn get_num_threads() -> usize {
    hpc_gemm::num_threads()
}

/// The fast backend with the current thread setting.
fn fast() -> Fast {
    Fast::new(par())
}

fn par() -> Par {
    Par::current()
}

/// Runs `f` with the GIL released (other Python threads run meanwhile), then lets a pending
/// Ctrl-C raise `KeyboardInterrupt`. Every computation goes through here.
fn compute<R: Send>(py: Python<'_>, f: impl FnOnce() -> R + Send) -> PyResult<R> {
    let r = py.detach(f);
    py.check_signals()?;
    Ok(r)
}

/// An hpc-core error (the Python layer's checks should have caught it first).
fn core_err(py: Python<'_>, e: hpc_core::Error) -> PyErr {
    let kind = match e.kind() {
        ErrorKind::DimensionMismatch => Kind::Shape,
        _ => Kind::Layout,
    };
    err(py, kind, e.to_string())
}

/// `(re, im)` as a `T` (a real `T` takes `re`).
fn scalar<T: Scalar>(v: (f64, f64)) -> T {
    let r = |x: f64| <T::Real as NumCast>::from(x).expect("a float converts to a float");
    T::from_parts(r(v.0), r(v.1))
}

fn parts<T: Scalar>(v: T) -> (f64, f64) {
    let f = |x: T::Real| <f64 as NumCast>::from(x).expect("a float converts to f64");
    (f(v.re()), f(v.im()))
}

/// `0`, `1`, `2`: no transpose, transpose, conjugate transpose.
fn trans(py: Python<'_>, code: u8) -> PyResult<Trans> {
    match code {
        0 => Ok(Trans::No),
        1 => Ok(Trans::Trans),
        2 => Ok(Trans::ConjTrans),
        _ => Err(err(
            py,
            Kind::Shape,
            format!("trans code {code} is not 0, 1 or 2"),
        )),
    }
}

fn uplo(lower: bool) -> Uplo {
    if lower { Uplo::Lower } else { Uplo::Upper }
}

fn diag(unit: bool) -> Diag {
    if unit { Diag::Unit } else { Diag::NonUnit }
}

/// Checks an output against its inputs: writeable, not overlapping any of them.
fn output(py: Python<'_>, out: &Arr<'_>, inputs: &[&Arr<'_>]) -> PyResult<()> {
    out.expect_writeable(py)?;
    for i in inputs {
        out.expect_disjoint(py, i)?;
    }
    Ok(())
}

/// The arrays of a call, each with its name and number of dimensions, the output last: checks
/// them (one dtype; the output writeable and disjoint from the inputs) and returns them with
/// their dtype.
fn operands<'py, const N: usize>(
    py: Python<'py>,
    args: [(&Bound<'py, PyAny>, &'static str, usize); N],
) -> PyResult<([Arr<'py>; N], DType)> {
    let mut v = Vec::with_capacity(N);
    for (obj, name, ndim) in args {
        let a = Arr::new(obj, name)?;
        a.expect_ndim(py, ndim)?;
        v.push(a);
    }
    let refs: Vec<&Arr<'_>> = v.iter().collect();
    let dtype = same_dtype(py, &refs)?;
    if let Some((out, inputs)) = refs.split_last() {
        output(py, out, inputs)?;
    }
    let arrays: [Arr<'py>; N] = v
        .try_into()
        .unwrap_or_else(|_| unreachable!("N arrays were read"));
    Ok((arrays, dtype))
}

/// `c <- alpha op(a) op(b) + beta c`; `op` is picked by `trans_*` and `conj_*` (conjugation
/// without transposition included). Stacks too: the dimensions before the last two of `a`
/// and `b` broadcast to `c`'s.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub(crate) fn gemm(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    c: &Bound<'_, PyAny>,
    alpha: (f64, f64),
    beta: (f64, f64),
    trans_a: bool,
    trans_b: bool,
    conj_a: bool,
    conj_b: bool,
) -> PyResult<()> {
    let (a, b, c) = (Arr::new(a, "a")?, Arr::new(b, "b")?, Arr::new(c, "c")?);
    for x in [&a, &b, &c] {
        x.expect_ndim_at_least(py, 2)?;
    }
    let dtype = same_dtype(py, &[&a, &b, &c])?;
    output(py, &c, &[&a, &b])?;
    c.expect_distinct(py)?;
    // (transpose?, conjugate?) as a Trans on a view: conj(X) = (X^T)^H.
    let pick = |t: bool, cj: bool| match (t, cj) {
        (false, false) => (false, Trans::No),
        (true, false) => (false, Trans::Trans),
        (true, true) => (false, Trans::ConjTrans),
        (false, true) => (true, Trans::ConjTrans),
    };
    let ((ta_view, ta), (tb_view, tb)) = (pick(trans_a, conj_a), pick(trans_b, conj_b));
    let (ra, rb, rc) = (
        Raw::of(&a, ta_view),
        Raw::of(&b, tb_view),
        Raw::of(&c, false),
    );
    let op = |x: Raw, t: Trans| {
        let (r, c) = x.dims();
        if t == Trans::No { (r, c) } else { (c, r) }
    };
    let ((m, k), (k2, n)) = (op(ra, ta), op(rb, tb));
    let shapes = || {
        format!(
            "(shapes {}, {} and {})",
            shape_str(&a.shape),
            shape_str(&b.shape),
            shape_str(&c.shape)
        )
    };
    if k != k2 {
        return Err(err(
            py,
            Kind::Shape,
            format!(
                "gemm: op(A) is {m} x {k} but op(B) is {k2} x {n}: op(B) must have k = {k} rows {}",
                shapes()
            ),
        ));
    }
    if rc.dims() != (m, n) {
        let (r, c) = rc.dims();
        return Err(err(
            py,
            Kind::Shape,
            format!(
                "gemm: C is {r} x {c} but op(A) op(B) is {m} x {n} {}",
                shapes()
            ),
        ));
    }
    let plan = Plan::new(py, "gemm", &a, &b, &c)?;
    dispatch!(dtype, T => {
        let (alpha, beta) = (scalar::<T>(alpha), scalar::<T>(beta));
        let p = par();
        // SAFETY: the arrays live across the call and have dtype T; c is writeable, its
        // elements distinct and disjoint from a and b.
        compute(py, move || unsafe { stack::run::<T>(&plan, (ta, tb), alpha, ra, rb, beta, rc, p) })?
            .map_err(|e| core_err(py, e))
    })
}

/// `obj` as a NumPy array: arrays as they are, anything else through `numpy.asarray`.
fn as_array<'py>(py: Python<'py>, obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if obj.cast::<numpy::PyUntypedArray>().is_ok() {
        Ok(obj.clone())
    } else {
        py.import("numpy")?.getattr("asarray")?.call1((obj,))
    }
}

/// `a @ b` as `numpy.matmul` computes it: the last two dimensions are matrices, those before
/// them stacks that broadcast; a 1-D `a` is a row, a 1-D `b` a column, and that dimension is
/// dropped from the result; into `out` if given. Written here rather than in Python so that a
/// small product pays one call's overhead.
#[pyfunction]
#[pyo3(signature = (a, b, *, out=None))]
pub(crate) fn matmul<'py>(
    py: Python<'py>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    out: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (a_obj, b_obj) = (as_array(py, a)?, as_array(py, b)?);
    let (a, b) = (Arr::new(&a_obj, "a")?, Arr::new(&b_obj, "b")?);
    for x in [&a, &b] {
        if x.ndim() == 0 {
            return Err(err(
                py,
                Kind::Shape,
                format!(
                    "matmul: {} is 0-D (a scalar); matmul takes arrays of 1 or more dimensions (scale with *)",
                    x.name
                ),
            ));
        }
    }
    let dtype = same_dtype(py, &[&a, &b])?;
    let (a2, b2) = (a.as_matrix(true), b.as_matrix(false));
    let (m, _, n) = matmul_dims(py, "matmul", (&a, &a2), (&b, &b2))?;
    let stack = broadcast(&[stack_dims(&a2), stack_dims(&b2)]).ok_or_else(|| {
        err(
            py,
            Kind::Shape,
            format!(
                "matmul: the stacks of a {} and b {} do not broadcast (shapes {} and {})",
                shape_str(stack_dims(&a2)),
                shape_str(stack_dims(&b2)),
                shape_str(&a.shape),
                shape_str(&b.shape)
            ),
        )
    })?;
    let mut shape = stack.clone();
    shape.extend(
        [(m, a.ndim() > 1), (n, b.ndim() > 1)]
            .iter()
            .filter_map(|&(d, keep)| keep.then_some(d)),
    );
    let c_obj = match out {
        Some(o) => o.clone(),
        None => dispatch!(dtype, T => {
            // SAFETY: every element is written by the product below before anyone reads it
            // (beta = 0 never reads C, and k = 0 writes zeros).
            unsafe { numpy::PyArray::<T, numpy::IxDyn>::new(py, shape.clone(), false) }.into_any()
        }),
    };
    let c = Arr::new(&c_obj, "out")?;
    if out.is_some() {
        if c.shape != shape {
            return Err(err(
                py,
                Kind::Shape,
                format!(
                    "out has shape {}, but the result has shape {}",
                    shape_str(&c.shape),
                    shape_str(&shape)
                ),
            ));
        }
        if c.dtype != dtype {
            return Err(err(
                py,
                Kind::DType,
                format!(
                    "out is {}, but the result is {}",
                    c.dtype.name(),
                    dtype.name()
                ),
            ));
        }
        output(py, &c, &[&a, &b])?;
        c.expect_distinct(py)?;
    }
    // The result as a stack of m x n matrices (the dropped dimensions back, of length 1).
    let c2 = match (a.ndim() == 1, b.ndim() == 1) {
        (false, false) => None,
        (true, false) => Some(c.with_unit_dim(stack.len())),
        (false, true) => Some(c.with_unit_dim(c.ndim())),
        (true, true) => Some(c.with_unit_dim(stack.len()).with_unit_dim(stack.len() + 1)),
    };
    let c2 = c2.as_ref().unwrap_or(&c);
    let plan = Plan::new(py, "matmul", &a2, &b2, c2)?;
    let (ra, rb, rc) = (Raw::of(&a2, false), Raw::of(&b2, false), Raw::of(c2, false));
    dispatch!(dtype, T => {
        let p = par();
        let no = (Trans::No, Trans::No);
        // SAFETY: the arrays live across the call and have dtype T; c is writeable, its
        // elements distinct (new, or checked) and disjoint from a and b.
        compute(py, move || unsafe { stack::run::<T>(&plan, no, T::one(), ra, rb, T::zero(), rc, p) })?
            .map_err(|e| core_err(py, e))?;
    });
    if shape.is_empty() {
        // Two 1-D operands: the scalar, as NumPy returns it.
        return c_obj.get_item(());
    }
    Ok(c_obj)
}

/// Checks two 1-D arrays of one length and dtype.
fn pair<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    y: &Bound<'py, PyAny>,
) -> PyResult<(Arr<'py>, Arr<'py>, DType)> {
    let (x, y) = (Arr::new(x, "x")?, Arr::new(y, "y")?);
    x.expect_ndim(py, 1)?;
    y.expect_ndim(py, 1)?;
    let dtype = same_dtype(py, &[&x, &y])?;
    if x.shape != y.shape {
        return Err(err(
            py,
            Kind::Shape,
            format!(
                "x has shape {} but y has shape {}: lengths differ",
                shape_str(&x.shape),
                shape_str(&y.shape)
            ),
        ));
    }
    Ok((x, y, dtype))
}

/// `sum x_i y_i` (`conj`: `sum conj(x_i) y_i`) of two 1-D arrays, as a NumPy scalar of their
/// dtype. Every check is made here: the Python wrapper only converts non-arrays.
#[pyfunction]
pub(crate) fn dot<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    y: &Bound<'py, PyAny>,
    conj: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let (x, y, dtype) = pair(py, x, y)?;
    let r = dispatch!(dtype, T => {
        // SAFETY: the arrays live across the call and are only read.
        let (xv, yv) = unsafe { (x.vec::<T>(), y.vec::<T>()) };
        let r = compute(py, move || if conj { fast().dotc(xv, yv) } else { fast().dotu(xv, yv) })?;
        r.map(parts).map_err(|e| core_err(py, e))?
    });
    x.scalar(r, false)
}

/// `y <- alpha x + y`.
#[pyfunction]
pub(crate) fn axpy(
    py: Python<'_>,
    alpha: (f64, f64),
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let (x, y, dtype) = pair(py, x, y)?;
    output(py, &y, &[&x])?;
    dispatch!(dtype, T => {
        // SAFETY: as in `gemm`.
        let (xv, yv) = unsafe { (x.vec::<T>(), y.vec_mut::<T>(py)?) };
        let alpha = scalar::<T>(alpha);
        compute(py, move || fast().axpy(alpha, xv, yv))?.map_err(|e| core_err(py, e))
    })
}

fn one<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Arr<'py>> {
    let x = Arr::new(x, "x")?;
    x.expect_ndim(py, 1)?;
    Ok(x)
}

/// `x <- alpha x`.
#[pyfunction]
pub(crate) fn scal(py: Python<'_>, alpha: (f64, f64), x: &Bound<'_, PyAny>) -> PyResult<()> {
    let x = one(py, x)?;
    x.expect_writeable(py)?;
    dispatch!(x.dtype, T => {
        // SAFETY: as in `gemm`.
        let xv = unsafe { x.vec_mut::<T>(py)? };
        let alpha = scalar::<T>(alpha);
        compute(py, move || fast().scal(alpha, xv))
    })
}

/// A real reduction of a vector.
#[derive(Clone, Copy)]
enum Norm {
    Nrm2,
    Asum,
}

/// `norm` of the 1-D array `x`, as a NumPy scalar of its real type.
fn norm<'py>(py: Python<'py>, x: &Bound<'py, PyAny>, norm: Norm) -> PyResult<Bound<'py, PyAny>> {
    let x = one(py, x)?;
    let r = dispatch!(x.dtype, T => {
        // SAFETY: read only.
        let xv = unsafe { x.vec::<T>() };
        compute(py, move || {
            let r = match norm {
                Norm::Nrm2 => fast().nrm2(xv),
                Norm::Asum => fast().asum(xv),
            };
            parts::<T>(T::from_real(r)).0
        })?
    });
    x.scalar((r, 0.0), true)
}

/// The Euclidean norm of `x`.
#[pyfunction]
pub(crate) fn nrm2<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    norm(py, x, Norm::Nrm2)
}

/// `sum |re x_i| + |im x_i|`.
#[pyfunction]
pub(crate) fn asum<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    norm(py, x, Norm::Asum)
}

/// The index of the first largest `|re x_i| + |im x_i|` (`None` for an empty `x`).
#[pyfunction]
pub(crate) fn iamax(py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<Option<usize>> {
    let x = one(py, x)?;
    dispatch!(x.dtype, T => {
        // SAFETY: read only.
        let xv = unsafe { x.vec::<T>() };
        compute(py, move || fast().iamax(xv))
    })
}

/// `y <- alpha op(a) x + beta y`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub(crate) fn gemv(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    alpha: (f64, f64),
    beta: (f64, f64),
    trans_code: u8,
) -> PyResult<()> {
    let ([a, x, y], dtype) = operands(py, [(a, "a", 2), (x, "x", 1), (y, "y", 1)])?;
    let t = trans(py, trans_code)?;
    dispatch!(dtype, T => {
        // SAFETY: as in `gemm`.
        let (av, xv, yv) = unsafe { (a.mat::<T>(), x.vec::<T>(), y.vec_mut::<T>(py)?) };
        let (alpha, beta) = (scalar::<T>(alpha), scalar::<T>(beta));
        compute(py, move || fast().gemv(t, alpha, av, xv, beta, yv))?.map_err(|e| core_err(py, e))
    })
}

/// `a <- alpha x y^T + a` (`conj`: `y^H`).
#[pyfunction]
pub(crate) fn ger(
    py: Python<'_>,
    alpha: (f64, f64),
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    a: &Bound<'_, PyAny>,
    conj: bool,
) -> PyResult<()> {
    let ([x, y, a], dtype) = operands(py, [(x, "x", 1), (y, "y", 1), (a, "a", 2)])?;
    dispatch!(dtype, T => {
        // SAFETY: as in `gemm`.
        let (xv, yv, av) = unsafe { (x.vec::<T>(), y.vec::<T>(), a.mat_mut::<T>(py)?) };
        let alpha = scalar::<T>(alpha);
        compute(py, move || if conj { fast().gerc(alpha, xv, yv, av) } else { fast().geru(alpha, xv, yv, av) })?
            .map_err(|e| core_err(py, e))
    })
}

/// Solves `op(a) x = b` in place (`x` holds `b` on entry), `a` triangular.
#[pyfunction]
pub(crate) fn trsv(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    x: &Bound<'_, PyAny>,
    lower: bool,
    trans_code: u8,
    unit: bool,
) -> PyResult<()> {
    let ([a, x], dtype) = operands(py, [(a, "a", 2), (x, "x", 1)])?;
    let t = trans(py, trans_code)?;
    dispatch!(dtype, T => {
        // SAFETY: as in `gemm`.
        let (av, xv) = unsafe { (a.mat::<T>(), x.vec_mut::<T>(py)?) };
        compute(py, move || fast().trsv(uplo(lower), t, diag(unit), av, xv))?.map_err(|e| core_err(py, e))
    })
}

/// `c <- alpha op(a) op(a)^T + beta c` on one triangle of `c`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub(crate) fn syrk(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    c: &Bound<'_, PyAny>,
    alpha: (f64, f64),
    beta: (f64, f64),
    lower: bool,
    trans_code: u8,
) -> PyResult<()> {
    let ([a, c], dtype) = operands(py, [(a, "a", 2), (c, "c", 2)])?;
    let t = trans(py, trans_code)?;
    dispatch!(dtype, T => {
        // SAFETY: as in `gemm`.
        let (av, cv) = unsafe { (a.mat::<T>(), c.mat_mut::<T>(py)?) };
        let (alpha, beta) = (scalar::<T>(alpha), scalar::<T>(beta));
        let f = Fast::new(par());
        compute(py, move || f.syrk(uplo(lower), t, alpha, av, beta, cv))?.map_err(|e| core_err(py, e))
    })
}

/// `b <- alpha op(a) b` (`left`) or `alpha b op(a)`, `a` triangular; `solve`: `op(a)^-1`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub(crate) fn trmm(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    alpha: (f64, f64),
    left: bool,
    lower: bool,
    trans_code: u8,
    unit: bool,
    solve: bool,
) -> PyResult<()> {
    let ([a, b], dtype) = operands(py, [(a, "a", 2), (b, "b", 2)])?;
    let t = trans(py, trans_code)?;
    let side = if left { Side::Left } else { Side::Right };
    dispatch!(dtype, T => {
        // SAFETY: as in `gemm`.
        let (av, bv) = unsafe { (a.mat::<T>(), b.mat_mut::<T>(py)?) };
        let alpha = scalar::<T>(alpha);
        let f = Fast::new(par());
        compute(py, move || {
            if solve {
                f.trsm(side, uplo(lower), t, diag(unit), alpha, av, bv)
            } else {
                f.trmm(side, uplo(lower), t, diag(unit), alpha, av, bv)
            }
        })?
        .map_err(|e| core_err(py, e))
    })
}

/// `c <- alpha a b + beta c` (`left`) or `alpha b a + beta c`, `a` symmetric (one triangle).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub(crate) fn symm(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    c: &Bound<'_, PyAny>,
    alpha: (f64, f64),
    beta: (f64, f64),
    left: bool,
    lower: bool,
) -> PyResult<()> {
    let ([a, b, c], dtype) = operands(py, [(a, "a", 2), (b, "b", 2), (c, "c", 2)])?;
    let side = if left { Side::Left } else { Side::Right };
    dispatch!(dtype, T => {
        // SAFETY: as in `gemm`.
        let (av, bv, cv) = unsafe { (a.mat::<T>(), b.mat::<T>(), c.mat_mut::<T>(py)?) };
        let (alpha, beta) = (scalar::<T>(alpha), scalar::<T>(beta));
        let f = Fast::new(par());
        compute(py, move || f.symm(side, uplo(lower), alpha, av, bv, beta, cv))?.map_err(|e| core_err(py, e))
    })
}
