//! The Fortran BLAS ABI of reference BLAS 3.11 (gfortran conventions, LP64): every argument by
//! reference, a hidden `size_t` length after the arguments for each CHARACTER argument (read
//! and ignored: only the first character matters, as in `LSAME`), complex function results
//! returned by value.

pub mod level1;
pub mod level2;
pub mod level3;
