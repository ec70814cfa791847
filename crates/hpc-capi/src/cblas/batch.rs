//! The batched GEMMs of OpenBLAS 0.3.34 and MKL; each product is `cblas_?gemm`'s, and a
//! row-major call is the column-major call on the transposed problem, as for `cblas_?gemm`.
//! Arguments are numbered in each function's CBLAS list.
//! - `cblas_?gemm_batch_strided`: one product's arguments, and a stride from each matrix to the
//!   next (0 repeats one A or B), on hpc-gemm's `gemm_batch`. 1 layout, 2-3 transposes, 4-6
//!   `M`, `N`, `K`, 9 `lda`, 10 `stridea`, 12 `ldb`, 13 `strideb`, 16 `ldc`, 17 `stridec` (C's
//!   matrices would overlap), 18 the batch size.
//! - `cblas_?gemm_batch`: groups of products given by arrays of pointers, each group with its
//!   own transposes, sizes, scalars and leading dimensions, on `gemm_batch_grouped`. 1 layout,
//!   2-3 a group's transpose, 4-6 its `M`, `N`, `K`, 9 `lda`, 11 `ldb`, 13 the C pointers (the
//!   memory spans of two C matrices overlap), 14 `ldc`, 15 the group count, 16 a group's size.

use std::ffi::c_int;

use hpc_core::{MatMut, Trans, c32, c64};
use hpc_gemm::{GemmGroup, GemmScalar, Par};

use super::{Bad, CScalar, Res, run, trans};
use crate::args::{dense_len, dim, mat, mat_mut, max1, slice, stack, stack_mut};

type A<T> = <T as CScalar>::Arg;

/// `cblas_?gemm_batch_strided`.
///
/// # Safety
/// The contract of OpenBLAS's and MKL's function: the arrays hold the stacks the dimensions,
/// leading dimensions and strides describe.
#[allow(clippy::too_many_arguments)]
unsafe fn gemm_batch_strided<T: GemmScalar>(
    row: bool,
    (ta, tb): (c_int, c_int),
    (m, n, k): (i32, i32, i32),
    alpha: T,
    (a, lda, sa): (*const T, i32, isize),
    (b, ldb, sb): (*const T, i32, isize),
    beta: T,
    (c, ldc, sc): (*mut T, i32, isize),
    count: i32,
) -> Res {
    let ta = trans(ta).ok_or(Bad::Cblas(2))?;
    let tb = trans(tb).ok_or(Bad::Cblas(3))?;
    // C^T = op(B)^T op(A)^T: the operands swapped, the transposes kept.
    let (ta, tb, m, n, (a, lda, sa), (b, ldb, sb)) = if row {
        (tb, ta, n, m, (b, ldb, sb), (a, lda, sa))
    } else {
        (ta, tb, m, n, (a, lda, sa), (b, ldb, sb))
    };
    let (opa, opb) = (op(ta), op(tb));
    check_dims((opa, opb), (m, n, k), (lda, ldb, ldc), [12, 16])?;
    if count < 0 {
        return Err(Bad::Cblas(18));
    }
    let (m, n, k, count) = (dim(m), dim(n), dim(k), dim(count));
    let (ar, ac) = if opa == Trans::No { (m, k) } else { (k, m) };
    let (br, bc) = if opb == Trans::No { (k, n) } else { (n, k) };
    // SAFETY: the checked arguments describe the caller's arrays (the function's contract).
    let (a, b, c) = unsafe {
        (
            stack("A", a, (count, ar, ac), lda, sa).map_err(|_| Bad::Cblas(10))?,
            stack("B", b, (count, br, bc), ldb, sb).map_err(|_| Bad::Cblas(13))?,
            stack_mut("C", c, (count, m, n), ldc, sc).map_err(|_| Bad::Cblas(17))?,
        )
    };
    hpc_gemm::gemm_batch(opa, opb, alpha, a, b, beta, c, Par::current()).expect("checked");
    Ok(())
}

/// The C pointers `c` (matrices of `rows x cols` with leading dimension `ld`, all column-major)
/// as views, or `None` if the memory spans of two of them overlap (a conservative test: it also
/// refuses interleaved matrices whose elements are distinct).
///
/// # Safety
/// Each pointer holds its matrix, writable, and nothing else accesses it meanwhile.
unsafe fn distinct_mats<'a, T: GemmScalar>(
    c: &[(*mut T, (usize, usize), i32)],
) -> Option<Vec<MatMut<'a, T>>> {
    let mut spans: Vec<(usize, usize)> = c
        .iter()
        .filter_map(|&(p, (r, cols), ld)| {
            let len = dense_len(r, cols, dim(ld));
            (len > 0).then(|| (p as usize, p as usize + len * size_of::<T>()))
        })
        .collect();
    spans.sort_unstable();
    if spans.windows(2).any(|w| w[0].1 > w[1].0) {
        return None;
    }
    // SAFETY: forwarded; the matrices' memory does not overlap.
    Some(
        c.iter()
            .map(|&(p, (r, cols), ld)| unsafe { mat_mut("C", p, r, cols, ld) })
            .collect(),
    )
}

/// `cblas_?gemm_batch`: `group_count` groups, group `g` of `group_size[g]` products that share
/// element `g` of the transpose, size, scalar and leading-dimension arrays; the pointer arrays
/// hold every product's matrix, group after group.
///
/// # Safety
/// The contract of OpenBLAS's and MKL's function: the arrays hold `group_count` (or, for the
/// pointer arrays, the sum of the group sizes) elements, and each pointer the matrix its
/// group's arguments describe.
#[allow(clippy::too_many_arguments)]
unsafe fn gemm_batch_grouped<T: GemmScalar>(
    row: bool,
    (ta, tb): (*const c_int, *const c_int),
    (m, n, k): (*const i32, *const i32, *const i32),
    alpha: *const T,
    (a, lda): (*const *const T, *const i32),
    (b, ldb): (*const *const T, *const i32),
    beta: *const T,
    (c, ldc): (*const *mut T, *const i32),
    group_count: i32,
    group_size: *const i32,
) -> Res {
    if group_count < 0 {
        return Err(Bad::Cblas(15));
    }
    let groups = dim(group_count);
    // SAFETY: the per-group arrays hold `group_count` elements (the contract).
    let per = |p: *const i32, name| unsafe { slice(name, p, groups) };
    // SAFETY: as above.
    let (ta, tb) = unsafe {
        (
            slice("TransA_array", ta, groups),
            slice("TransB_array", tb, groups),
        )
    };
    let (m, n, k) = (per(m, "M_array"), per(n, "N_array"), per(k, "K_array"));
    let (lda, ldb, ldc) = (
        per(lda, "lda_array"),
        per(ldb, "ldb_array"),
        per(ldc, "ldc_array"),
    );
    let size = per(group_size, "group_size");
    // SAFETY: as above.
    let (alpha, beta) = unsafe {
        (
            slice("alpha_array", alpha, groups),
            slice("beta_array", beta, groups),
        )
    };
    // Each group's arguments, column-major (C^T = op(B)^T op(A)^T for a row-major call).
    let mut shapes = Vec::with_capacity(groups);
    for g in 0..groups {
        let opa = trans(ta[g]).ok_or(Bad::Cblas(2))?;
        let opb = trans(tb[g]).ok_or(Bad::Cblas(3))?;
        let (opa, opb, m, n, lda, ldb) = if row {
            (opb, opa, n[g], m[g], ldb[g], lda[g])
        } else {
            (opa, opb, m[g], n[g], lda[g], ldb[g])
        };
        let (k, ldc) = (k[g], ldc[g]);
        let (opa, opb) = (op(opa), op(opb));
        check_dims((opa, opb), (m, n, k), (lda, ldb, ldc), [11, 14])?;
        if size[g] < 0 {
            return Err(Bad::Cblas(16));
        }
        shapes.push((
            (opa, opb),
            (dim(m), dim(n), dim(k)),
            (lda, ldb, ldc),
            dim(size[g]),
        ));
    }
    let total: usize = shapes.iter().map(|s| s.3).sum();
    // SAFETY: the pointer arrays hold one pointer a product (the contract).
    let (pa, pb, pc) = unsafe {
        (
            slice("A_array", a, total),
            slice("B_array", b, total),
            slice("C_array", c, total),
        )
    };
    let (pa, pb) = if row { (pb, pa) } else { (pa, pb) };
    let mut cs = Vec::with_capacity(total);
    let mut ab = Vec::with_capacity(groups);
    let mut first = 0;
    for &((opa, opb), (m, n, k), (lda, ldb, ldc), count) in &shapes {
        let (ar, ac) = if opa == Trans::No { (m, k) } else { (k, m) };
        let (br, bc) = if opb == Trans::No { (k, n) } else { (n, k) };
        let products = first..first + count;
        // SAFETY: each pointer holds its product's matrix (the contract), checked above.
        let views = unsafe {
            (
                pa[products.clone()]
                    .iter()
                    .map(|&p| mat("A", p, ar, ac, lda))
                    .collect::<Vec<_>>(),
                pb[products.clone()]
                    .iter()
                    .map(|&p| mat("B", p, br, bc, ldb))
                    .collect::<Vec<_>>(),
            )
        };
        ab.push(views);
        cs.extend(pc[products].iter().map(|&p| (p, (m, n), ldc)));
        first += count;
    }
    // SAFETY: as above.
    let mut cs = unsafe { distinct_mats::<T>(&cs) }.ok_or(Bad::Cblas(13))?;
    let mut rest = &mut cs[..];
    let mut batch = Vec::with_capacity(groups);
    for (g, (a, b)) in shapes.iter().zip(&ab) {
        let (c, tail) = rest.split_at_mut(g.3);
        rest = tail;
        let (i, (transa, transb)) = (batch.len(), g.0);
        let (alpha, beta) = (alpha[i], beta[i]);
        batch.push(GemmGroup {
            transa,
            transb,
            alpha,
            beta,
            a,
            b,
            c,
        });
    }
    hpc_gemm::gemm_batch_grouped(&mut batch, Par::current()).expect("checked");
    Ok(())
}

/// The checks of one product's arguments (column-major, after a row-major call's swap), in
/// the reference's order: `M`, `N`, `K` (4-6), `lda` (9), then `ldb` and `ldc` as `numbers`
/// gives their positions in the function's list.
fn check_dims(
    (opa, opb): (Trans, Trans),
    (m, n, k): (i32, i32, i32),
    (lda, ldb, ldc): (i32, i32, i32),
    [nb, nc]: [i32; 2],
) -> Res {
    let nrowa = if opa == Trans::No { m } else { k };
    let nrowb = if opb == Trans::No { k } else { n };
    let info = if m < 0 {
        4
    } else if n < 0 {
        5
    } else if k < 0 {
        6
    } else if lda < max1(nrowa) {
        9
    } else if ldb < max1(nrowb) {
        nb
    } else if ldc < max1(m) {
        nc
    } else {
        return Ok(());
    };
    Err(Bad::Cblas(info))
}

fn op(t: u8) -> Trans {
    match t {
        b'N' => Trans::No,
        b'T' => Trans::Trans,
        _ => Trans::ConjTrans,
    }
}

macro_rules! batch {
    ($t:ty, $strided:ident, $grouped:ident) => {
        #[doc = concat!("`", stringify!($grouped), "`: groups of products `C_i <- alpha_g op_g(A_i) op_g(B_i) + beta_g C_i` given by arrays of pointers.")]
        ///
        /// # Safety
        /// The per-group arrays hold `group_count` elements, the pointer arrays one pointer a
        /// product, and each pointer the matrix its group's arguments describe.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $grouped(
            layout: c_int, ta: *const c_int, tb: *const c_int, m: *const c_int,
            n: *const c_int, k: *const c_int, alpha: *const $t, a: *const *const $t,
            lda: *const c_int, b: *const *const $t, ldb: *const c_int, beta: *const $t,
            c: *const *mut $t, ldc: *const c_int, group_count: c_int, group_size: *const c_int,
        ) {
            run(stringify!($grouped), layout, |row| {
                // SAFETY: the function's contract.
                unsafe {
                    gemm_batch_grouped(
                        row,
                        (ta, tb),
                        (m, n, k),
                        alpha,
                        (a, lda),
                        (b, ldb),
                        beta,
                        (c, ldc),
                        group_count,
                        group_size,
                    )
                }
            })
        }

        #[doc = concat!("`", stringify!($strided), "`: `C_i <- alpha op(A_i) op(B_i) + beta C_i` for `i < batch_size`, `X_i = X + i stridex`.")]
        ///
        /// # Safety
        /// The arrays hold the stacks the dimensions, leading dimensions and strides describe.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $strided(
            layout: c_int, ta: c_int, tb: c_int, m: c_int, n: c_int, k: c_int, alpha: A<$t>,
            a: *const $t, lda: c_int, stridea: c_int, b: *const $t, ldb: c_int, strideb: c_int,
            beta: A<$t>, c: *mut $t, ldc: c_int, stridec: c_int, batch_size: c_int,
        ) {
            run(stringify!($strided), layout, |row| {
                // SAFETY: the function's contract.
                unsafe {
                    let (alpha, beta) = (<$t>::get(alpha), <$t>::get(beta));
                    gemm_batch_strided(
                        row,
                        (ta, tb),
                        (m, n, k),
                        alpha,
                        (a, lda, stridea as isize),
                        (b, ldb, strideb as isize),
                        beta,
                        (c, ldc, stridec as isize),
                        batch_size,
                    )
                }
            })
        }
    };
}

batch!(f32, cblas_sgemm_batch_strided, cblas_sgemm_batch);
batch!(f64, cblas_dgemm_batch_strided, cblas_dgemm_batch);
batch!(c32, cblas_cgemm_batch_strided, cblas_cgemm_batch);
batch!(c64, cblas_zgemm_batch_strided, cblas_zgemm_batch);
