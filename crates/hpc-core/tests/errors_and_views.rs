//! Every invalid argument gets an error naming the routine, the argument and the reason; views
//! are checked once, at construction, including zero-sized, negative-stride and overflowing
//! ones; inputs are never modified.

use hpc_core::reference::Reference;
use hpc_core::{
    BandRef, Diag, Error, ErrorKind, Level1, Level2, Level3, MatMut, MatRef, MixedDot, PackedMut,
    PackedRef, RealLevel1, Side, Trans, Uplo, VecMut, VecRef, c64,
};

/// One test's error cases, a row each: every row runs, each named by its routine and argument,
/// and [`Table::check`] fails listing every row whose error differs from the one expected.
struct Table(Vec<String>);

impl Table {
    fn new() -> Table {
        Table(Vec::new())
    }

    /// Expects `r` to be an error of `kind` from `routine` naming `arg`, whose message holds
    /// `text`.
    #[track_caller]
    fn row<T: std::fmt::Debug>(
        &mut self,
        r: Result<T, Error>,
        kind: ErrorKind,
        routine: &str,
        arg: &str,
        text: &str,
    ) {
        let line = std::panic::Location::caller().line();
        let why = match r {
            Ok(v) => format!("no error (Ok({v:?}))"),
            Err(e) if (e.kind(), e.routine(), e.argument()) != (kind, routine, arg) => format!(
                "got {:?} from {} argument {}: {e}",
                e.kind(),
                e.routine(),
                e.argument()
            ),
            Err(e) if !e.to_string().contains(text) => format!("message \"{e}\" lacks {text:?}"),
            Err(_) => return,
        };
        self.0.push(format!(
            "line {line}, {routine} argument {arg} ({kind:?}): {why}"
        ));
    }

    fn check(self) {
        assert!(
            self.0.is_empty(),
            "{} rows failed:\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

use ErrorKind::{
    BufferTooSmall as Small, DimensionMismatch as Shape, InvalidArgument as Invalid,
    UnsupportedOption as Option_,
};

#[test]
fn matrix_view_constructors() {
    let mut t = Table::new();
    let buf = [0.0f64; 12];
    t.row(
        MatRef::from_col_major(&buf, 4, 3, 3),
        Invalid,
        "MatRef::from_col_major",
        "ld",
        "ld = 3 is smaller than rows = 4",
    );
    t.row(
        MatRef::from_row_major(&buf, 3, 4, 3),
        Invalid,
        "MatRef::from_row_major",
        "ld",
        "ld = 3 is smaller than cols = 4",
    );
    t.row(
        MatRef::from_col_major(&buf, 0, 3, 0),
        Invalid,
        "MatRef::from_col_major",
        "ld",
        "at least 1",
    );
    t.row(
        MatRef::from_col_major(&buf, 4, 4, 4),
        Small,
        "MatRef::from_col_major",
        "data",
        "needs 16 elements, but the slice has 12",
    );
    t.row(
        MatRef::from_strided(&buf, 2, 2, -11, 1),
        Small,
        "MatRef::from_strided",
        "data",
        "needs 13 elements",
    );
    t.row(
        MatRef::from_strided(&buf, 3, 3, isize::MAX, 1),
        Invalid,
        "MatRef::from_strided",
        "data",
        "overflows",
    );
    let mut m = [0.0f64; 12];
    t.row(
        MatMut::from_col_major(&mut m, 5, 3, 5),
        Small,
        "MatMut::from_col_major",
        "data",
        "needs 15 elements, but the slice has 12",
    );
    t.row(
        MatMut::from_strided(&mut m, 2, 2, 1, 1),
        Invalid,
        "MatMut::from_strided",
        "strides",
        "would write some elements twice",
    );
    t.row(
        MatMut::from_strided(&mut m, 3, 2, 0, 3),
        Invalid,
        "MatMut::from_strided",
        "strides",
        "twice",
    );
    t.row(
        MatMut::from_row_major(&mut m, 2, 7, 7),
        Small,
        "MatMut::from_row_major",
        "data",
        "needs 14",
    );

    // Valid: zero-sized (even on an empty slice), transposed, negative and interleaved strides.
    let empty: [f64; 0] = [];
    let z = MatRef::from_col_major(&empty, 0, 5, 1).unwrap();
    assert!(z.is_empty() && z.cols() == 5);
    assert!(MatRef::from_strided(&empty, 3, 0, 100, -100).is_ok());
    let data: Vec<f64> = (0..12).map(f64::from).collect();
    let a = MatRef::from_col_major(&data, 3, 4, 3).unwrap();
    assert_eq!(a.get(2, 3), 11.0);
    assert_eq!(a.transpose().get(3, 2), 11.0);
    let neg = MatRef::from_strided(&data, 3, 4, -1, -3).unwrap();
    assert_eq!(
        (neg.get(0, 0), neg.get(2, 3)),
        (11.0, 0.0),
        "negative strides start at the end"
    );
    let rm = MatRef::from_row_major(&data, 3, 4, 4).unwrap();
    assert_eq!(rm.get(1, 2), 6.0);
    assert_eq!(rm.submatrix(1, 1, 2, 2).get(1, 1), 10.0);
    assert_eq!(rm.col(2).to_vec(), vec![2.0, 6.0, 10.0]);
    assert_eq!(rm.row(1).to_vec(), vec![4.0, 5.0, 6.0, 7.0]);
    let bcast = MatRef::from_strided(&data[..1], 3, 3, 0, 0).unwrap();
    assert_eq!(
        bcast.get(2, 2),
        0.0,
        "a read-only view may repeat an element"
    );
    // An empty writable view has no elements to write twice, whatever its strides (NumPy
    // gives empty arrays zero strides).
    let mut none: [f64; 0] = [];
    assert!(MatMut::from_strided(&mut none, 0, 4, 0, 0).is_ok());
    assert!(MatMut::from_strided(&mut none, 3, 0, 0, 0).is_ok());
    let mut w = vec![0.0f64; 12];
    let mut wm = MatMut::from_strided(&mut w, 2, 3, 6, -2).unwrap();
    wm.set(1, 2, 5.0);
    assert_eq!(wm.rb().get(1, 2), 5.0);
    assert_eq!(w[6], 5.0, "(1, 2) at origin 4 + 6 - 4");
    t.check();
}

#[test]
fn element_access_out_of_range_panics_with_the_shape() {
    // Indexing past the shape is a caller bug (not an argument error): it panics, naming the
    // shape, and never reads out of bounds.
    let data = [0.0f64; 12];
    let a = MatRef::from_col_major(&data, 3, 4, 3).unwrap();
    let caught = std::panic::catch_unwind(|| a.get(3, 0)).expect_err("must panic");
    let text = caught.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        text.contains("element (3, 0) is outside a 3 x 4 view"),
        "{text}"
    );
}

#[test]
fn vector_band_and_packed_constructors() {
    let mut t = Table::new();
    let buf = [0.0f64; 5];
    t.row(
        VecRef::from_blas(&buf, 3, 3),
        Small,
        "VecRef::from_blas",
        "data",
        "needs 7 elements, but the slice has 5",
    );
    t.row(
        VecRef::from_blas(&buf, 3, -3),
        Small,
        "VecRef::from_blas",
        "data",
        "needs 7",
    );
    assert!(
        VecRef::from_blas(&buf, 4, 0).is_ok(),
        "a read-only vector may have inc = 0"
    );
    assert_eq!(VecRef::from_blas(&buf, 0, 9).unwrap().len(), 0);
    let mut m = [0.0f64; 5];
    t.row(
        VecMut::from_blas(&mut m, 2, 0),
        Invalid,
        "VecMut::from_blas",
        "inc",
        "inc = 0 would write all 2 elements",
    );
    assert!(VecMut::from_blas(&mut m, 1, 0).is_ok());
    t.row(
        VecMut::from_blas(&mut m, 6, 1),
        Small,
        "VecMut::from_blas",
        "data",
        "needs 6",
    );

    let band = [0.0f64; 8];
    t.row(
        BandRef::new(&band, 3, 3, 1, 1, 2),
        Invalid,
        "BandRef::new",
        "ld",
        "ld = 2 is smaller than kl + ku + 1 = 3",
    );
    assert!(
        BandRef::new(&band, 3, 3, 1, 1, 3).is_ok(),
        "the last column stores 2 elements: 2 * 3 + 2 = 8"
    );
    t.row(
        BandRef::new(&band, 4, 4, 1, 1, 3),
        Small,
        "BandRef::new",
        "data",
        "needs 11",
    );
    assert!(
        BandRef::new(&band, 0, 0, 5, 5, 11).is_ok(),
        "an empty band matrix needs no data"
    );
    // A wide matrix whose last columns hold nothing needs no storage for them.
    let b = BandRef::new(&band, 1, 5, 0, 1, 2).unwrap();
    assert_eq!((b.get(0, 1), b.get(0, 2)), (Some(0.0), None));
    t.row(
        PackedRef::new(&buf, 3),
        Small,
        "PackedRef::new",
        "data",
        "needs n (n + 1) / 2 = 6 elements",
    );
    t.row(
        PackedMut::new(&mut m, 3),
        Small,
        "PackedMut::new",
        "data",
        "6",
    );
    assert!(PackedRef::new(&buf[..0], 0).is_ok());
    t.check();
}

#[test]
fn level1_length_mismatches() {
    let mut t = Table::new();
    let r = Reference;
    let (a, b) = ([1.0f64; 3], [1.0f64; 2]);
    let (mut p, mut q) = ([1.0f64; 3], [1.0f64; 2]);
    let msg = "y has 2 elements but the length of x needs 3";
    t.row(
        r.axpy(1.0, VecRef::from_slice(&a), VecMut::from_slice(&mut q)),
        Shape,
        "axpy",
        "y",
        msg,
    );
    t.row(
        r.copy(VecRef::from_slice(&a), VecMut::from_slice(&mut q)),
        Shape,
        "copy",
        "y",
        msg,
    );
    t.row(
        r.swap(VecMut::from_slice(&mut p), VecMut::from_slice(&mut q)),
        Shape,
        "swap",
        "y",
        msg,
    );
    t.row(
        r.rot(
            VecMut::from_slice(&mut p),
            VecMut::from_slice(&mut q),
            1.0,
            0.0,
        ),
        Shape,
        "rot",
        "y",
        msg,
    );
    t.row(
        r.rotm(
            VecMut::from_slice(&mut p),
            VecMut::from_slice(&mut q),
            &[-1.0; 5],
        ),
        Shape,
        "rotm",
        "y",
        msg,
    );
    t.row(
        r.dotu(VecRef::from_slice(&a), VecRef::from_slice(&b)),
        Shape,
        "dotu",
        "y",
        msg,
    );
    t.row(
        r.dotc(VecRef::from_slice(&a), VecRef::from_slice(&b)),
        Shape,
        "dotc",
        "y",
        msg,
    );
    let (fa, fb) = ([1.0f32; 3], [1.0f32; 2]);
    t.row(
        r.sdsdot(0.0, VecRef::from_slice(&fa), VecRef::from_slice(&fb)),
        Shape,
        "sdsdot",
        "y",
        msg,
    );
    t.row(
        r.dsdot(VecRef::from_slice(&fa), VecRef::from_slice(&fb)),
        Shape,
        "dsdot",
        "y",
        msg,
    );
    t.check();
}

#[test]
fn level2_shape_mismatches() {
    let mut t = Table::new();
    let r = Reference;
    let a6 = [1.0f64; 6];
    let a = MatRef::from_col_major(&a6, 2, 3, 2).unwrap(); // 2 x 3
    let x2 = [1.0f64; 2];
    let x3 = [1.0f64; 3];
    let mut y2 = [0.0f64; 2];
    let mut y3 = [0.0f64; 3];
    t.row(
        r.gemv(
            Trans::No,
            1.0,
            a,
            VecRef::from_slice(&x2),
            0.0,
            VecMut::from_slice(&mut y2),
        ),
        Shape,
        "gemv",
        "x",
        "x has 2 elements but op(A), which is 2 x 3, needs 3",
    );
    t.row(
        r.gemv(
            Trans::Trans,
            1.0,
            a,
            VecRef::from_slice(&x2),
            0.0,
            VecMut::from_slice(&mut y2),
        ),
        Shape,
        "gemv",
        "y",
        "y has 2 elements but op(A), which is 3 x 2, needs 3",
    );
    let band = [1.0f64; 9];
    let gb = BandRef::new(&band, 3, 3, 1, 1, 3).unwrap();
    t.row(
        r.gbmv(
            Trans::No,
            1.0,
            gb,
            VecRef::from_slice(&x2),
            0.0,
            VecMut::from_slice(&mut y3),
        ),
        Shape,
        "gbmv",
        "x",
        "needs 3",
    );
    t.row(
        r.symv(
            Uplo::Upper,
            1.0,
            a,
            VecRef::from_slice(&x3),
            0.0,
            VecMut::from_slice(&mut y3),
        ),
        Shape,
        "symv",
        "a",
        "a must be square but is 2 x 3",
    );
    t.row(
        r.hemv(
            Uplo::Lower,
            1.0,
            a,
            VecRef::from_slice(&x3),
            0.0,
            VecMut::from_slice(&mut y3),
        ),
        Shape,
        "hemv",
        "a",
        "square",
    );
    t.row(
        r.sbmv(
            Uplo::Upper,
            1.0,
            gb,
            VecRef::from_slice(&x3),
            0.0,
            VecMut::from_slice(&mut y3),
        ),
        Shape,
        "sbmv",
        "a",
        "uplo = Upper needs a band with kl = 0",
    );
    t.row(
        r.hbmv(
            Uplo::Lower,
            1.0,
            gb,
            VecRef::from_slice(&x3),
            0.0,
            VecMut::from_slice(&mut y3),
        ),
        Shape,
        "hbmv",
        "a",
        "uplo = Lower needs a band with ku = 0",
    );
    t.row(
        r.tbmv(
            Uplo::Upper,
            Trans::No,
            Diag::Unit,
            gb,
            VecMut::from_slice(&mut y3),
        ),
        Shape,
        "tbmv",
        "a",
        "kl = 0",
    );
    t.row(
        r.tbsv(
            Uplo::Lower,
            Trans::No,
            Diag::Unit,
            gb,
            VecMut::from_slice(&mut y3),
        ),
        Shape,
        "tbsv",
        "a",
        "ku = 0",
    );
    let p = [1.0f64; 6];
    let ap = PackedRef::new(&p, 3).unwrap();
    t.row(
        r.spmv(
            Uplo::Upper,
            1.0,
            ap,
            VecRef::from_slice(&x2),
            0.0,
            VecMut::from_slice(&mut y3),
        ),
        Shape,
        "spmv",
        "x",
        "x has 2 elements but A of order 3 needs 3",
    );
    t.row(
        r.hpmv(
            Uplo::Upper,
            1.0,
            ap,
            VecRef::from_slice(&x3),
            0.0,
            VecMut::from_slice(&mut y2),
        ),
        Shape,
        "hpmv",
        "y",
        "needs 3",
    );
    t.row(
        r.trmv(
            Uplo::Upper,
            Trans::No,
            Diag::Unit,
            a,
            VecMut::from_slice(&mut y3),
        ),
        Shape,
        "trmv",
        "a",
        "square",
    );
    t.row(
        r.trsv(
            Uplo::Upper,
            Trans::No,
            Diag::Unit,
            a,
            VecMut::from_slice(&mut y3),
        ),
        Shape,
        "trsv",
        "a",
        "square",
    );
    t.row(
        r.tpmv(
            Uplo::Upper,
            Trans::No,
            Diag::Unit,
            ap,
            VecMut::from_slice(&mut y2),
        ),
        Shape,
        "tpmv",
        "x",
        "A of order 3",
    );
    t.row(
        r.tpsv(
            Uplo::Upper,
            Trans::No,
            Diag::Unit,
            ap,
            VecMut::from_slice(&mut y2),
        ),
        Shape,
        "tpsv",
        "x",
        "A of order 3",
    );
    let mut m6 = [0.0f64; 6];
    t.row(
        r.geru(
            1.0,
            VecRef::from_slice(&x3),
            VecRef::from_slice(&x3),
            MatMut::from_col_major(&mut m6, 2, 3, 2).unwrap(),
        ),
        Shape,
        "geru",
        "x",
        "x has 3 elements but A, which is 2 x 3, needs 2",
    );
    t.row(
        r.gerc(
            1.0,
            VecRef::from_slice(&x2),
            VecRef::from_slice(&x2),
            MatMut::from_col_major(&mut m6, 2, 3, 2).unwrap(),
        ),
        Shape,
        "gerc",
        "y",
        "needs 3",
    );
    t.row(
        r.syr(
            Uplo::Upper,
            1.0,
            VecRef::from_slice(&x2),
            MatMut::from_col_major(&mut m6, 2, 3, 2).unwrap(),
        ),
        Shape,
        "syr",
        "a",
        "square",
    );
    let mut m9 = [0.0f64; 9];
    t.row(
        r.her(
            Uplo::Upper,
            1.0,
            VecRef::from_slice(&x2),
            MatMut::from_col_major(&mut m9, 3, 3, 3).unwrap(),
        ),
        Shape,
        "her",
        "x",
        "A of order 3",
    );
    t.row(
        r.syr2(
            Uplo::Upper,
            1.0,
            VecRef::from_slice(&x3),
            VecRef::from_slice(&x2),
            MatMut::from_col_major(&mut m9, 3, 3, 3).unwrap(),
        ),
        Shape,
        "syr2",
        "y",
        "A of order 3",
    );
    t.row(
        r.her2(
            Uplo::Upper,
            1.0,
            VecRef::from_slice(&x2),
            VecRef::from_slice(&x3),
            MatMut::from_col_major(&mut m9, 3, 3, 3).unwrap(),
        ),
        Shape,
        "her2",
        "x",
        "A of order 3",
    );
    let mut pm = [0.0f64; 6];
    t.row(
        r.spr(
            Uplo::Upper,
            1.0,
            VecRef::from_slice(&x2),
            PackedMut::new(&mut pm, 3).unwrap(),
        ),
        Shape,
        "spr",
        "x",
        "A of order 3",
    );
    t.row(
        r.hpr(
            Uplo::Upper,
            1.0,
            VecRef::from_slice(&x2),
            PackedMut::new(&mut pm, 3).unwrap(),
        ),
        Shape,
        "hpr",
        "x",
        "A of order 3",
    );
    t.row(
        r.spr2(
            Uplo::Upper,
            1.0,
            VecRef::from_slice(&x3),
            VecRef::from_slice(&x2),
            PackedMut::new(&mut pm, 3).unwrap(),
        ),
        Shape,
        "spr2",
        "y",
        "A of order 3",
    );
    t.row(
        r.hpr2(
            Uplo::Lower,
            1.0,
            VecRef::from_slice(&x2),
            VecRef::from_slice(&x3),
            PackedMut::new(&mut pm, 3).unwrap(),
        ),
        Shape,
        "hpr2",
        "x",
        "A of order 3",
    );
    t.check();
}

#[test]
fn level3_shape_and_option_errors() {
    let mut t = Table::new();
    let r = Reference;
    let d6 = [1.0f64; 6];
    let d9 = [1.0f64; 9];
    let a23 = MatRef::from_col_major(&d6, 2, 3, 2).unwrap();
    let a33 = MatRef::from_col_major(&d9, 3, 3, 3).unwrap();
    let mut c = [0.0f64; 9];
    fn cm(c: &mut [f64; 9], m: usize, n: usize) -> MatMut<'_, f64> {
        MatMut::from_col_major(&mut c[..], m, n, m).unwrap()
    }
    t.row(
        r.gemm(Trans::No, Trans::No, 1.0, a23, a23, 0.0, cm(&mut c, 2, 3)),
        Shape,
        "gemm",
        "b",
        "op(A) is 2 x 3 but op(B) is 2 x 3: op(B) must have k = 3 rows",
    );
    t.row(
        r.gemm(
            Trans::Trans,
            Trans::No,
            1.0,
            a23,
            a33,
            0.0,
            cm(&mut c, 3, 3),
        ),
        Shape,
        "gemm",
        "b",
        "op(A) is 3 x 2 (A 2 x 3, transposed) but op(B) is 3 x 3: op(B) must have k = 2 rows",
    );
    t.row(
        r.gemm(
            Trans::No,
            Trans::ConjTrans,
            1.0,
            a33,
            a33,
            0.0,
            cm(&mut c, 3, 2),
        ),
        Shape,
        "gemm",
        "c",
        "C is 3 x 2 but op(A) op(B) is 3 x 3",
    );
    t.row(
        r.gemm(Trans::No, Trans::No, 1.0, a23, a33, 0.0, cm(&mut c, 3, 3)),
        Shape,
        "gemm",
        "c",
        "C is 3 x 3 but op(A) op(B) is 2 x 3",
    );
    t.row(
        r.symm(
            Side::Left,
            Uplo::Upper,
            1.0,
            a23,
            a23,
            0.0,
            cm(&mut c, 2, 3),
        ),
        Shape,
        "symm",
        "a",
        "square",
    );
    t.row(
        r.hemm(
            Side::Left,
            Uplo::Upper,
            1.0,
            a33,
            a23,
            0.0,
            cm(&mut c, 2, 3),
        ),
        Shape,
        "hemm",
        "a",
        "A is of order 3 but B has 2 rows",
    );
    t.row(
        r.symm(
            Side::Right,
            Uplo::Upper,
            1.0,
            a33,
            a23,
            0.0,
            cm(&mut c, 3, 3),
        ),
        Shape,
        "symm",
        "c",
        "C is 3 x 3 but B is 2 x 3",
    );
    t.row(
        r.syrk(Uplo::Upper, Trans::No, 1.0, a23, 0.0, cm(&mut c, 3, 3)),
        Shape,
        "syrk",
        "a",
        "op(A) is 2 x 3 but C is 3 x 3",
    );
    t.row(
        r.herk(Uplo::Upper, Trans::No, 1.0, a23, 0.0, cm(&mut c, 2, 3)),
        Shape,
        "herk",
        "c",
        "square",
    );
    t.row(
        r.syr2k(
            Uplo::Upper,
            Trans::Trans,
            1.0,
            a23,
            a33,
            0.0,
            cm(&mut c, 3, 3),
        ),
        Shape,
        "syr2k",
        "b",
        "op(B) is 3 x 3 but op(A) is 3 x 2",
    );
    t.row(
        r.her2k(Uplo::Upper, Trans::No, 1.0, a33, a23, 0.0, cm(&mut c, 3, 3)),
        Shape,
        "her2k",
        "b",
        "same shape",
    );
    t.row(
        r.trmm(
            Side::Left,
            Uplo::Upper,
            Trans::No,
            Diag::Unit,
            1.0,
            a33,
            cm(&mut c, 2, 3),
        ),
        Shape,
        "trmm",
        "a",
        "A is of order 3 but B has 2 rows",
    );
    t.row(
        r.trsm(
            Side::Right,
            Uplo::Upper,
            Trans::No,
            Diag::Unit,
            1.0,
            a33,
            cm(&mut c, 3, 2),
        ),
        Shape,
        "trsm",
        "a",
        "B has 2 columns",
    );
    t.row(
        r.trsm(
            Side::Right,
            Uplo::Upper,
            Trans::No,
            Diag::Unit,
            1.0,
            a23,
            cm(&mut c, 3, 2),
        ),
        Shape,
        "trsm",
        "a",
        "square",
    );

    // Complex syrk takes No/Trans only, herk No/ConjTrans only; real types accept all three.
    let z4 = [c64::new(1.0, 0.0); 4];
    let z = MatRef::from_col_major(&z4, 2, 2, 2).unwrap();
    let mut zc = [c64::new(0.0, 0.0); 4];
    let one = c64::new(1.0, 0.0);
    t.row(
        r.syrk(
            Uplo::Upper,
            Trans::ConjTrans,
            one,
            z,
            one,
            MatMut::from_col_major(&mut zc, 2, 2, 2).unwrap(),
        ),
        Option_,
        "syrk",
        "trans",
        "not ConjTrans",
    );
    t.row(
        r.syr2k(
            Uplo::Upper,
            Trans::ConjTrans,
            one,
            z,
            z,
            one,
            MatMut::from_col_major(&mut zc, 2, 2, 2).unwrap(),
        ),
        Option_,
        "syr2k",
        "trans",
        "not ConjTrans",
    );
    t.row(
        r.herk(
            Uplo::Upper,
            Trans::Trans,
            1.0,
            z,
            1.0,
            MatMut::from_col_major(&mut zc, 2, 2, 2).unwrap(),
        ),
        Option_,
        "herk",
        "trans",
        "not Trans",
    );
    t.row(
        r.her2k(
            Uplo::Upper,
            Trans::Trans,
            one,
            z,
            z,
            1.0,
            MatMut::from_col_major(&mut zc, 2, 2, 2).unwrap(),
        ),
        Option_,
        "her2k",
        "trans",
        "not Trans",
    );
    assert!(
        r.syrk(
            Uplo::Upper,
            Trans::ConjTrans,
            1.0,
            a33,
            1.0,
            cm(&mut c, 3, 3)
        )
        .is_ok()
    );
    assert!(
        r.herk(Uplo::Upper, Trans::Trans, 1.0, a33, 1.0, cm(&mut c, 3, 3))
            .is_ok()
    );
    t.check();
}

#[test]
fn inputs_are_never_modified() {
    // The views make this a compile-time guarantee (inputs are shared borrows); check it at run
    // time too, bit for bit, on a call of each level.
    let r = Reference;
    let a: Vec<c64> = (0..16)
        .map(|k| c64::new(f64::from(k), -f64::from(k) / 3.0))
        .collect();
    let x: Vec<c64> = (0..4).map(|k| c64::new(1.0, f64::from(k))).collect();
    let (a0, x0) = (a.clone(), x.clone());
    let mut y = vec![c64::new(f64::NAN, 0.0); 4];
    let mut c = vec![c64::new(0.5, 0.5); 16];
    let av = MatRef::from_strided(&a, 4, 4, -4, 1).unwrap();
    let one = c64::new(1.0, 0.0);
    r.dotc(
        VecRef::from_blas(&x, 4, -1).unwrap(),
        VecRef::from_slice(&x),
    )
    .unwrap();
    r.hemv(
        Uplo::Lower,
        one,
        av,
        VecRef::from_slice(&x),
        c64::new(0.0, 0.0),
        VecMut::from_slice(&mut y),
    )
    .unwrap();
    r.gemm(
        Trans::ConjTrans,
        Trans::Trans,
        one,
        av,
        av.transpose(),
        one,
        MatMut::from_col_major(&mut c, 4, 4, 4).unwrap(),
    )
    .unwrap();
    r.trsm(
        Side::Right,
        Uplo::Upper,
        Trans::ConjTrans,
        Diag::NonUnit,
        one,
        av,
        MatMut::from_col_major(&mut c, 4, 4, 4).unwrap(),
    )
    .unwrap();
    let same = |p: &[c64], q: &[c64]| {
        p.iter()
            .zip(q)
            .all(|(u, v)| u.re.to_bits() == v.re.to_bits() && u.im.to_bits() == v.im.to_bits())
    };
    assert!(same(&a, &a0) && same(&x, &x0));
}
