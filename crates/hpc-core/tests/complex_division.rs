//! Complex division and reciprocal against gfortran's, class by class.
//!
//! The expected bits were made once with `gfortran -O2` (GCC 12.2, Debian 12, x86-64) from the
//! program kept below the tables (also identical at `-O0`): it prints, for each case, the bits
//! of `a`, `b`, `a / b` and `(1, 0) / b`. gfortran divides with Smith's algorithm, the
//! arithmetic reference LAPACK and the reference BLAS are built with; hpc must agree with it
//! bit for bit on these classes: plain values, huge and tiny operands, mixed magnitudes, a zero
//! part, a subnormal divisor, Inf and NaN.

use hpc_core::complex::{div_parts, recip};
use hpc_core::{Scalar, c32, c64};

/// `([ar, ai, br, bi], [re(a / b), im(a / b)], [re(1 / b), im(1 / b)])`, as bits.
type Case<B> = ([B; 4], [B; 2], [B; 2]);

#[rustfmt::skip]
const F64: [Case<u64>; 22] = [
    ([0x3FF0000000000000, 0x4000000000000000, 0x4008000000000000, 0x4010000000000000], [0x3FDC28F5C28F5C29, 0x3FB47AE147AE147B], [0x3FBEB851EB851EB8, 0xBFC47AE147AE147B]),
    ([0x7E37E43C8800759C, 0x0000000000000000, 0x7E37E43C8800759C, 0x7E37E43C8800759C], [0x3FE0000000000000, 0xBFE0000000000000], [0x01956E1FC2F8F359, 0x81956E1FC2F8F359]),
    ([0x01A56E1FC2F8F359, 0x0000000000000000, 0x01A56E1FC2F8F359, 0x01A56E1FC2F8F359], [0x3FE0000000000000, 0xBFE0000000000000], [0x7E27E43C8800759B, 0xFE27E43C8800759B]),
    ([0x3FF0000000000000, 0x0000000000000000, 0x6126C2D4256FFCC3, 0x0000000000000000], [0x1EB67E9C127B6E74, 0x0000000000000000], [0x1EB67E9C127B6E74, 0x0000000000000000]),
    ([0x3FF0000000000000, 0x0000000000000000, 0x7E37E43C8800759C, 0x7E37E43C8800759C], [0x01956E1FC2F8F359, 0x81956E1FC2F8F359], [0x01956E1FC2F8F359, 0x81956E1FC2F8F359]),
    ([0x7E37E43C8800759C, 0xFE37E43C8800759C, 0x3FF0000000000000, 0x01A56E1FC2F8F359], [0x7E37E43C8800759C, 0xFE37E43C8800759C], [0x3FF0000000000000, 0x81A56E1FC2F8F359]),
    ([0x01A56E1FC2F8F359, 0x7E37E43C8800759C, 0x7E37E43C8800759C, 0x01A56E1FC2F8F359], [0x0000000000000000, 0x3FF0000000000000], [0x01A56E1FC2F8F359, 0x0000000000000000]),
    ([0x4008000000000000, 0x0000000000000000, 0x0000000000000000, 0x4000000000000000], [0x0000000000000000, 0xBFF8000000000000], [0x0000000000000000, 0xBFE0000000000000]),
    ([0x0000000000000000, 0x0000000000000000, 0x3FF0000000000000, 0x3FF0000000000000], [0x0000000000000000, 0x0000000000000000], [0x3FE0000000000000, 0xBFE0000000000000]),
    ([0x3FF0000000000000, 0x3FF0000000000000, 0x0000000000000000, 0x0000000000000000], [0xFFF8000000000000, 0xFFF8000000000000], [0xFFF8000000000000, 0xFFF8000000000000]),
    ([0x3FF0000000000000, 0x3FF0000000000000, 0x7FF0000000000000, 0x0000000000000000], [0x0000000000000000, 0x0000000000000000], [0x0000000000000000, 0x0000000000000000]),
    ([0x7FF0000000000000, 0x0000000000000000, 0x3FF0000000000000, 0x3FF0000000000000], [0x7FF0000000000000, 0xFFF0000000000000], [0x3FE0000000000000, 0xBFE0000000000000]),
    ([0xFFF8000000000000, 0x0000000000000000, 0x3FF0000000000000, 0x3FF0000000000000], [0xFFF8000000000000, 0xFFF8000000000000], [0x3FE0000000000000, 0xBFE0000000000000]),
    ([0x3FF0000000000000, 0x3FF0000000000000, 0xFFF8000000000000, 0x0000000000000000], [0xFFF8000000000000, 0xFFF8000000000000], [0xFFF8000000000000, 0xFFF8000000000000]),
    ([0x000012688B70E62B, 0x000012688B70E62B, 0x000012688B70E62B, 0x0000000000000000], [0x3FF0000000000000, 0x3FF0000000000000], [0x7FF0000000000000, 0x0000000000000000]),
    ([0x4000000000000000, 0x4008000000000000, 0x16687E92154EF7AC, 0x6974E718D7D7625A], [0x16825EED8FFB39C1, 0x96787E92154EF7AC], [0x0000000000000000, 0x96687E92154EF7AC]),
    ([0x6974E718D7D7625A, 0x16687E92154EF7AC, 0x16687E92154EF7AC, 0x6974E718D7D7625A], [0x0000000000000000, 0xBFF0000000000000], [0x0000000000000000, 0x96687E92154EF7AC]),
    ([0x3FE0000000000000, 0x3FE0000000000000, 0x7FF0000000000000, 0x7FF0000000000000], [0xFFF8000000000000, 0xFFF8000000000000], [0xFFF8000000000000, 0xFFF8000000000000]),
    ([0xC01C000000000000, 0x4014000000000000, 0x01A56E1FC2F8F359, 0x81C01297D23AB683], [0xFE4A47DC2F33B490, 0xFE431CFD3999F7B0], [0x7E031CFD3999F7AF, 0x7E1CAB7BD666F387]),
    ([0x5F138D352E5096AF, 0x5F138D352E5096AF, 0x20CA2FE76A3F9475, 0x20CA2FE76A3F9475], [0x7E37E43C8800759B, 0x0000000000000000], [0x5F038D352E5096AF, 0xDF038D352E5096AF]),
    ([0x3FF0000000000000, 0xBFF0000000000000, 0x0000000000000000, 0x7E37E43C8800759C], [0x81A56E1FC2F8F359, 0x81A56E1FC2F8F359], [0x0000000000000000, 0x81A56E1FC2F8F359]),
    ([0x3FF8000000000000, 0x4004000000000000, 0xBBC79CA10C924223, 0x4415AF1D78B58C40], [0x3BDD83C94FB6D2AC, 0xBBD1B578C96DB19B], [0xB379B604AAACA626, 0xBBC79CA10C924223]),
];

#[rustfmt::skip]
const F32: [Case<u32>; 22] = [
    ([0x3F800000, 0x40000000, 0x40400000, 0x40800000], [0x3EE147AE, 0x3DA3D70A], [0x3DF5C28F, 0xBE23D70A]),
    ([0x7CF0BDC2, 0x00000000, 0x7CF0BDC2, 0x7CF0BDC2], [0x3F000000, 0xBF000000], [0x01881CEA, 0x81881CEA]),
    ([0x02081CEA, 0x00000000, 0x02081CEA, 0x02081CEA], [0x3F000000, 0xBF000000], [0x7C70BDC2, 0xFC70BDC2]),
    ([0x3F800000, 0x00000000, 0x60AD78EC, 0x00000000], [0x1E3CE508, 0x00000000], [0x1E3CE508, 0x00000000]),
    ([0x3F800000, 0x00000000, 0x7CF0BDC2, 0x7CF0BDC2], [0x01881CEA, 0x81881CEA], [0x01881CEA, 0x81881CEA]),
    ([0x7CF0BDC2, 0xFCF0BDC2, 0x3F800000, 0x02081CEA], [0x7CF0BDC2, 0xFCF0BDC2], [0x3F800000, 0x82081CEA]),
    ([0x02081CEA, 0x7CF0BDC2, 0x7CF0BDC2, 0x02081CEA], [0x00000000, 0x3F800000], [0x02081CEA, 0x00000000]),
    ([0x40400000, 0x00000000, 0x00000000, 0x40000000], [0x00000000, 0xBFC00000], [0x00000000, 0xBF000000]),
    ([0x00000000, 0x00000000, 0x3F800000, 0x3F800000], [0x00000000, 0x00000000], [0x3F000000, 0xBF000000]),
    ([0x3F800000, 0x3F800000, 0x00000000, 0x00000000], [0xFFC00000, 0xFFC00000], [0xFFC00000, 0xFFC00000]),
    ([0x3F800000, 0x3F800000, 0x7F800000, 0x00000000], [0x00000000, 0x00000000], [0x00000000, 0x00000000]),
    ([0x7F800000, 0x00000000, 0x3F800000, 0x3F800000], [0x7F800000, 0xFF800000], [0x3F000000, 0xBF000000]),
    ([0xFFC00000, 0x00000000, 0x3F800000, 0x3F800000], [0xFFC00000, 0xFFC00000], [0x3F000000, 0xBF000000]),
    ([0x3F800000, 0x3F800000, 0xFFC00000, 0x00000000], [0xFFC00000, 0xFFC00000], [0xFFC00000, 0xFFC00000]),
    ([0x000116C2, 0x000116C2, 0x000116C2, 0x00000000], [0x3F800000, 0x3F800000], [0x7F800000, 0x00000000]),
    ([0x40000000, 0x40400000, 0x1E3CE508, 0x60AD78EC], [0x1F0DABC6, 0x9EBCE508], [0x00000000, 0x9E3CE508]),
    ([0x60AD78EC, 0x1E3CE508, 0x1E3CE508, 0x60AD78EC], [0x00022D84, 0xBF800000], [0x00000000, 0x9E3CE508]),
    ([0x3F000000, 0x3F000000, 0x7F800000, 0x7F800000], [0xFFC00000, 0xFFC00000], [0xFFC00000, 0xFFC00000]),
    ([0xC0E00000, 0x40A00000, 0x02081CEA, 0x82CC2B5F], [0xFD84685E, 0xFD4097CE], [0x7B4097CF, 0x7C1071DB]),
    ([0x5D5E0B6B, 0x5D5E0B6B, 0x219392EF, 0x219392EF], [0x7B4097CE, 0x00000000], [0x5CDE0B6B, 0xDCDE0B6B]),
    ([0x3F800000, 0xBF800000, 0x00000000, 0x7CF0BDC2], [0x82081CEA, 0x82081CEA], [0x00000000, 0x82081CEA]),
    ([0x3FC00000, 0x40200000, 0xB727C5AC, 0x47C35000], [0x37D1B717, 0xB77BA882], [0xA6901D7C, 0xB727C5AC]),
];

/// Equal bits, or both NaN (gfortran's NaN payload is not part of the contract).
fn same_f64(x: f64, want: u64) -> bool {
    x.to_bits() == want || (x.is_nan() && f64::from_bits(want).is_nan())
}

fn same_f32(x: f32, want: u32) -> bool {
    x.to_bits() == want || (x.is_nan() && f32::from_bits(want).is_nan())
}

#[test]
fn double_division_matches_gfortran() {
    for (case, (ab, q, r)) in F64.iter().enumerate() {
        let [ar, ai, br, bi] = ab.map(f64::from_bits);
        let (re, im) = div_parts(ar, ai, br, bi);
        assert!(
            same_f64(re, q[0]) && same_f64(im, q[1]),
            "case {case}: ({ar:e}, {ai:e}) / ({br:e}, {bi:e}) = ({re:e}, {im:e}), gfortran ({:e}, {:e})",
            f64::from_bits(q[0]),
            f64::from_bits(q[1])
        );
        let z = recip(c64::new(br, bi));
        assert!(
            same_f64(z.re, r[0]) && same_f64(z.im, r[1]),
            "case {case}: 1 / ({br:e}, {bi:e}) = {z:e}"
        );
        // The generic entry points are the same function.
        let g = c64::new(ar, ai).quot(c64::new(br, bi));
        assert!(
            same_f64(g.re, q[0]) && same_f64(g.im, q[1]),
            "case {case}: quot"
        );
        let g = c64::new(br, bi).inv();
        assert!(
            same_f64(g.re, r[0]) && same_f64(g.im, r[1]),
            "case {case}: inv"
        );
    }
}

#[test]
fn single_division_matches_gfortran() {
    for (case, (ab, q, r)) in F32.iter().enumerate() {
        let [ar, ai, br, bi] = ab.map(f32::from_bits);
        let g = c32::new(ar, ai).quot(c32::new(br, bi));
        assert!(
            same_f32(g.re, q[0]) && same_f32(g.im, q[1]),
            "case {case}: ({ar:e}, {ai:e}) / ({br:e}, {bi:e}) = {g:e}, gfortran ({:e}, {:e})",
            f32::from_bits(q[0]),
            f32::from_bits(q[1])
        );
        let z = c32::new(br, bi).inv();
        assert!(
            same_f32(z.re, r[0]) && same_f32(z.im, r[1]),
            "case {case}: 1 / ({br:e}, {bi:e}) = {z:e}"
        );
    }
}

/// Where gfortran's Smith algorithm overflows or loses the quotient although it is
/// representable, hpc does not (the safeguards of `hpc_core::complex`).
#[test]
fn quotients_gfortran_loses_are_kept() {
    let m = f64::MAX;
    // gfortran: (Inf, NaN); the quotient is (MAX, 0).
    assert_eq!(div_parts(m, m, 1.0, 1.0), (m, 0.0));
    // gfortran: Inf; the quotient is 0.5 MAX.
    let (re, im) = div_parts(m, 0.0, 2.0, 0.0);
    assert_eq!((re, im), (m / 2.0, 0.0));
    // Divisor near overflow: gfortran's `div` overflows; the quotient is 1 / (1 + i).
    let (re, im) = div_parts(m, m, m, m);
    assert_eq!((re, im), (1.0, 0.0));
    // A divisor whose parts' ratio underflows: (1e-300 + 1e300 i) / (1e300 + 1e-300 i) is
    // i (1 - 1e-600 ...) + 2e-600 ...: the real part is below the subnormals, the imaginary 1.
    let (re, im) = div_parts(1e-300, 1e300, 1e300, 1e-300);
    assert_eq!((re, im), (0.0, 1.0));
    // (1e-308 + 1e-308 i) / (1e-308 + 1e-324 i) (a subnormal ratio): 1 + i to rounding.
    let (re, im): (f64, f64) = div_parts(1e-308, 1e-308, 1e-308, 5e-324);
    assert!(
        (re - 1.0).abs() < 1e-15 && (im - 1.0).abs() < 1e-15,
        "{re} {im}"
    );
}

// The program that made the tables (gfortran -O2 table.f90 && ./a.out):
//
// ! Complex division and reciprocal as gfortran computes them (gfortran 12.2, -O2, x86-64):
// ! prints the bits of a, b, a / b and 1 / b for each case, in double and single precision.
// program table
//   implicit none
//   integer, parameter :: n = 22
//   real(8) :: d(4, n)
//   real(4) :: s(4, n)
//   real(8) :: inf8, nan8
//   real(4) :: inf4, nan4
//   complex(8) :: a8, b8, q8, r8
//   complex(4) :: a4, b4, q4, r4
//   integer :: i
//   inf8 = huge(1d0); inf8 = inf8 * 2; nan8 = inf8 - inf8
//   inf4 = huge(1e0); inf4 = inf4 * 2; nan4 = inf4 - inf4
//   d(:, 1) = [1d0, 2d0, 3d0, 4d0]
//   d(:, 2) = [1d300, 0d0, 1d300, 1d300]
//   d(:, 3) = [1d-300, 0d0, 1d-300, 1d-300]
//   d(:, 4) = [1d0, 0d0, 1d160, 0d0]
//   d(:, 5) = [1d0, 0d0, 1d300, 1d300]
//   d(:, 6) = [1d300, -1d300, 1d0, 1d-300]
//   d(:, 7) = [1d-300, 1d300, 1d300, 1d-300]
//   d(:, 8) = [3d0, 0d0, 0d0, 2d0]
//   d(:, 9) = [0d0, 0d0, 1d0, 1d0]
//   d(:, 10) = [1d0, 1d0, 0d0, 0d0]
//   d(:, 11) = [1d0, 1d0, inf8, 0d0]
//   d(:, 12) = [inf8, 0d0, 1d0, 1d0]
//   d(:, 13) = [nan8, 0d0, 1d0, 1d0]
//   d(:, 14) = [1d0, 1d0, nan8, 0d0]
//   d(:, 15) = [1d-310, 1d-310, 1d-310, 0d0]
//   d(:, 16) = [2d0, 3d0, 1d-200, 1d200]
//   d(:, 17) = [1d200, 1d-200, 1d-200, 1d200]
//   d(:, 18) = [0.5d0, 0.5d0, inf8, inf8]
//   d(:, 19) = [-7d0, 5d0, 1d-300, -3d-300]
//   d(:, 20) = [1d150, 1d150, 1d-150, 1d-150]
//   d(:, 21) = [1d0, -1d0, 0d0, 1d300]
//   d(:, 22) = [1.5d0, 2.5d0, -1d-20, 1d20]
//   s(:, 1) = [1e0, 2e0, 3e0, 4e0]
//   s(:, 2) = [1e37, 0e0, 1e37, 1e37]
//   s(:, 3) = [1e-37, 0e0, 1e-37, 1e-37]
//   s(:, 4) = [1e0, 0e0, 1e20, 0e0]
//   s(:, 5) = [1e0, 0e0, 1e37, 1e37]
//   s(:, 6) = [1e37, -1e37, 1e0, 1e-37]
//   s(:, 7) = [1e-37, 1e37, 1e37, 1e-37]
//   s(:, 8) = [3e0, 0e0, 0e0, 2e0]
//   s(:, 9) = [0e0, 0e0, 1e0, 1e0]
//   s(:, 10) = [1e0, 1e0, 0e0, 0e0]
//   s(:, 11) = [1e0, 1e0, inf4, 0e0]
//   s(:, 12) = [inf4, 0e0, 1e0, 1e0]
//   s(:, 13) = [nan4, 0e0, 1e0, 1e0]
//   s(:, 14) = [1e0, 1e0, nan4, 0e0]
//   s(:, 15) = [1e-40, 1e-40, 1e-40, 0e0]
//   s(:, 16) = [2e0, 3e0, 1e-20, 1e20]
//   s(:, 17) = [1e20, 1e-20, 1e-20, 1e20]
//   s(:, 18) = [0.5e0, 0.5e0, inf4, inf4]
//   s(:, 19) = [-7e0, 5e0, 1e-37, -3e-37]
//   s(:, 20) = [1e18, 1e18, 1e-18, 1e-18]
//   s(:, 21) = [1e0, -1e0, 0e0, 1e37]
//   s(:, 22) = [1.5e0, 2.5e0, -1e-5, 1e5]
//   do i = 1, n
//     a8 = cmplx(d(1, i), d(2, i), 8); b8 = cmplx(d(3, i), d(4, i), 8)
//     q8 = a8 / b8; r8 = (1d0, 0d0) / b8
//     write(*, '(A,8(A,Z16.16),A)') '    ([', '0x', d(1, i), ', 0x', d(2, i), ', 0x', d(3, i), ', 0x', d(4, i), &
//       '], [0x', real(q8), ', 0x', aimag(q8), '], [0x', real(r8), ', 0x', aimag(r8), ']),'
//   end do
//   do i = 1, n
//     a4 = cmplx(s(1, i), s(2, i), 4); b4 = cmplx(s(3, i), s(4, i), 4)
//     q4 = a4 / b4; r4 = (1e0, 0e0) / b4
//     write(*, '(A,8(A,Z8.8),A)') '    ([', '0x', s(1, i), ', 0x', s(2, i), ', 0x', s(3, i), ', 0x', s(4, i), &
//       '], [0x', real(q4), ', 0x', aimag(q4), '], [0x', real(r4), ', 0x', aimag(r4), ']),'
//   end do
// end program
