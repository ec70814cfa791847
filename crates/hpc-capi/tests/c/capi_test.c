/*
 * A C program using hpc's library the way C users do: the CBLAS API (declared here as
 * netlib's cblas.h declares it), the Fortran BLAS ABI, and hpc.h's status-returning API.
 * It defines its own cblas_xerbla and xerbla_, so it also checks that the library's error
 * reports reach a program's handlers with reference numbering. Prints one line per check and
 * exits 1 if any failed. Run by `cargo xtask test`, linked against the shared library and,
 * separately, against the static one.
 */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hpc.h"

/* netlib cblas.h (LP64). */
enum CBLAS_LAYOUT { CblasRowMajor = 101, CblasColMajor = 102 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112, CblasConjTrans = 113 };
void cblas_dgemm(enum CBLAS_LAYOUT layout, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb,
                 int m, int n, int k, double alpha, const double *a, int lda, const double *b,
                 int ldb, double beta, double *c, int ldc);
/* OpenBLAS 0.3.34's and MKL's strided batch. */
void cblas_dgemm_batch_strided(enum CBLAS_LAYOUT layout, enum CBLAS_TRANSPOSE ta,
                               enum CBLAS_TRANSPOSE tb, int m, int n, int k, double alpha,
                               const double *a, int lda, int stridea, const double *b, int ldb,
                               int strideb, double beta, double *c, int ldc, int stridec,
                               int batch_size);
/* OpenBLAS 0.3.34's and MKL's grouped batch (arrays of pointers). */
void cblas_dgemm_batch(enum CBLAS_LAYOUT layout, const enum CBLAS_TRANSPOSE *ta,
                       const enum CBLAS_TRANSPOSE *tb, const int *m, const int *n, const int *k,
                       const double *alpha, const double **a, const int *lda,
                       const double **b, const int *ldb, const double *beta, double **c,
                       const int *ldc, int group_count, const int *group_size);
void cblas_zgemm(enum CBLAS_LAYOUT layout, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb,
                 int m, int n, int k, const void *alpha, const void *a, int lda, const void *b,
                 int ldb, const void *beta, void *c, int ldc);
void cblas_dgemv(enum CBLAS_LAYOUT layout, enum CBLAS_TRANSPOSE ta, int m, int n,
                 double alpha, const double *a, int lda, const double *x, int incx,
                 double beta, double *y, int incy);
double cblas_ddot(int n, const double *x, int incx, const double *y, int incy);
size_t cblas_idamax(int n, const double *x, int incx);
void cblas_zdotc_sub(int n, const void *x, int incx, const void *y, int incy, void *dotc);
extern int RowMajorStrg;
extern int CBLAS_CallFromC;

/* Fortran BLAS (gfortran ABI). */
void dgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k,
            const double *alpha, const double *a, const int *lda, const double *b,
            const int *ldb, const double *beta, double *c, const int *ldc, size_t, size_t);

static int failures = 0;

static void check(int ok, const char *what) {
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok) failures++;
}

/* Our own handlers: they record what the library reports. */
static int cblas_info = -1, cblas_row = -1, cblas_from_c = -1;
static char cblas_rout[32];
void cblas_xerbla(int info, const char *rout, const char *form, ...) {
    (void)form;
    cblas_info = info;
    cblas_row = RowMajorStrg;
    cblas_from_c = CBLAS_CallFromC;
    snprintf(cblas_rout, sizeof cblas_rout, "%s", rout);
}
static int f77_info = -1;
static char f77_name[16];
void xerbla_(const char *name, const int *info, size_t len) {
    f77_info = *info;
    size_t n = len < sizeof f77_name - 1 ? len : sizeof f77_name - 1;
    memcpy(f77_name, name, n);
    f77_name[n] = '\0';
}

/* C = A B for row-major A (m x k), B (k x n), the naive way. */
static void naive(int m, int n, int k, const double *a, const double *b, double *c) {
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
            c[i * n + j] = s;
        }
}

static int close_all(const double *x, const double *y, int n) {
    for (int i = 0; i < n; i++)
        if (fabs(x[i] - y[i]) > 1e-12 * (1 + fabs(y[i]))) return 0;
    return 1;
}

int main(void) {
    enum { M = 5, N = 4, K = 3 };
    double a[M * K], b[K * N], c[M * N], want[M * N];
    for (int i = 0; i < M * K; i++) a[i] = (i % 7) - 3 + 0.25 * i;
    for (int i = 0; i < K * N; i++) b[i] = (i % 5) - 2 - 0.5 * i;
    naive(M, N, K, a, b, want);

    /* CBLAS, row-major, C full of NaN with beta = 0 (C must not be read). */
    for (int i = 0; i < M * N; i++) c[i] = NAN;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0, a, K, b, N, 0.0, c, N);
    check(close_all(c, want, M * N), "cblas_dgemm row-major matches the naive product");
    check(cblas_info == -1, "no error reported on valid input");

    /* CBLAS, column-major: the same numbers as C^T = B^T A^T. */
    double ct[N * M], wt[N * M];
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) wt[i + j * M] = want[i * N + j];
    cblas_dgemm(CblasColMajor, CblasTrans, CblasTrans, M, N, K, 1.0, a, K, b, N, 0.0, ct, M);
    check(close_all(ct, wt, M * N), "cblas_dgemm column-major with transposes");

    /* Fortran ABI from C. */
    int m = M, n = N, k = K, lda = K, ldb = N, ldc = N;
    double one = 1.0, zero = 0.0;
    dgemm_("N", "N", &n, &m, &k, &one, b, &ldb, a, &lda, &zero, c, &ldc, 1, 1);
    check(close_all(c, want, M * N), "dgemm_ (C^T = B^T A^T) matches");

    /* Level 1 and 2. */
    double x[3] = {1, -5, 2}, y[3] = {2, 1, 4};
    check(cblas_ddot(3, x, 1, y, 1) == 5.0, "cblas_ddot");
    check(cblas_idamax(3, x, 1) == 1, "cblas_idamax is 0-based");
    double gy[M];
    cblas_dgemv(CblasRowMajor, CblasNoTrans, M, K, 1.0, a, K, x, 1, 0.0, gy, 1);
    double gw[M];
    for (int i = 0; i < M; i++) gw[i] = a[i * K] * x[0] + a[i * K + 1] * x[1] + a[i * K + 2] * x[2];
    check(close_all(gy, gw, M), "cblas_dgemv row-major");

    /* Complex: C = A^H B, row-major, with C99 complex numbers. */
    double complex za[2 * 2] = {1 + 2 * I, 3 - I, -2 + I, 4}, zb[2 * 2] = {2, I, 1 - I, 3 + 3 * I};
    double complex zc[4], zw[4], zal = 1, zbe = 0;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            zw[i * 2 + j] = conj(za[0 * 2 + i]) * zb[0 * 2 + j] + conj(za[1 * 2 + i]) * zb[1 * 2 + j];
    cblas_zgemm(CblasRowMajor, CblasConjTrans, CblasNoTrans, 2, 2, 2, &zal, za, 2, zb, 2, &zbe, zc, 2);
    int zok = 1;
    for (int i = 0; i < 4; i++) zok &= cabs(zc[i] - zw[i]) < 1e-12;
    check(zok, "cblas_zgemm row-major A^H B");
    double complex dot;
    cblas_zdotc_sub(2, za, 1, zb, 1, &dot);
    check(cabs(dot - (conj(za[0]) * zb[0] + conj(za[1]) * zb[1])) < 1e-12, "cblas_zdotc_sub");

    /* Errors reach our handlers with reference numbering. */
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0, a, 1, b, 2, 0.0, c, 2);
    check(cblas_info == 9 && strcmp(cblas_rout, "cblas_dgemm") == 0 && cblas_row == 0 &&
              cblas_from_c == 1,
          "column-major lda < M reports argument 9 of cblas_dgemm to the program's cblas_xerbla");
    /* Row-major: the transposed Fortran call has lda as its ldb (10), so cblas_xerbla gets
     * 11 with RowMajorStrg set, which reference cblas_xerbla renumbers to 9. */
    cblas_info = -1;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0, a, 1, b, 2, 0.0, c, 2);
    check(cblas_info == 11 && cblas_row == 1, "row-major lda < K: info 11 with RowMajorStrg = 1");
    check(RowMajorStrg == 0 && CBLAS_CallFromC == 0, "the flags are cleared after the call");
    cblas_info = -1;
    cblas_dgemm((enum CBLAS_LAYOUT)7, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2);
    check(cblas_info == 1, "an unknown layout is argument 1");
    int bad = -1;
    dgemm_("N", "N", &bad, &n, &k, &one, a, &lda, b, &ldb, &zero, c, &ldc, 1, 1);
    check(f77_info == 3 && strcmp(f77_name, "DGEMM ") == 0,
          "dgemm_ with M < 0 calls the program's xerbla_(\"DGEMM \", 3)");

    /* hpc.h: a transposed, negatively strided view, errors as values. */
    double d[M * N];
    /* D = W B^T (M x K) with W = want (M x N): B^T as a strided view of the row-major B
     * (strides (1, N)), then again as op(B) = B^T with B's own strides. */
    hpc_status s = hpc_dgemm(HPC_NO_TRANS, HPC_NO_TRANS, M, K, N, 1.0, want, N, 1, b, 1, N, 0.0,
                             d, K, 1);
    check(s == HPC_OK, "hpc_dgemm returns HPC_OK");
    double e[M * K];
    for (int i = 0; i < M; i++)
        for (int p = 0; p < K; p++) {
            double t = 0;
            for (int j = 0; j < N; j++) t += want[i * N + j] * b[p * N + j];
            e[i * K + p] = t;
        }
    check(close_all(d, e, M * K), "hpc_dgemm with a transposed strided view");
    s = hpc_dgemm(HPC_NO_TRANS, HPC_TRANS, M, K, N, 1.0, want, N, 1, b, N, 1, 0.0, d, 1, M);
    double dt[M * K];
    for (int i = 0; i < M; i++)
        for (int p = 0; p < K; p++) dt[i * K + p] = d[i + p * M];
    check(s == HPC_OK && close_all(dt, e, M * K), "hpc_dgemm with op(B) = B^T, column-major C");
    s = hpc_dgemm(HPC_NO_TRANS, HPC_NO_TRANS, M, N, K, 1.0, a + (M - 1) * K, -K, 1, b, N, 1, 0.0,
                  d, N, 1);
    int rev = 1;
    for (int i = 0; i < M; i++) rev &= close_all(d + i * N, want + (M - 1 - i) * N, N);
    check(s == HPC_OK && rev, "hpc_dgemm with a negative row stride");
    s = hpc_dgemm(7, HPC_NO_TRANS, M, N, K, 1.0, a, K, 1, b, N, 1, 0.0, d, N, 1);
    check(s == HPC_ERR_INVALID_ARGUMENT && strstr(hpc_last_error(), "trans_a") != NULL,
          "an unknown trans_a is HPC_ERR_INVALID_ARGUMENT, named by hpc_last_error");
    s = hpc_dgemm(HPC_NO_TRANS, HPC_NO_TRANS, M, N, K, 1.0, NULL, K, 1, b, N, 1, 0.0, d, N, 1);
    check(s == HPC_ERR_NULL_POINTER, "a null A is HPC_ERR_NULL_POINTER");
    s = hpc_dgemm(HPC_NO_TRANS, HPC_NO_TRANS, 2, 2, 2, 1.0, d, 2, 1, b, 2, 1, 0.0, d + 1, 2, 1);
    check(s == HPC_ERR_OVERLAP, "C overlapping A is HPC_ERR_OVERLAP");
    s = hpc_dgemm(HPC_NO_TRANS, HPC_NO_TRANS, 2, 2, 2, 1.0, a, 2, 1, b, 2, 1, 0.0, d, 0, 1);
    check(s == HPC_ERR_INVALID_ARGUMENT, "C with a zero stride is HPC_ERR_INVALID_ARGUMENT");
    check(strcmp(hpc_status_string(HPC_ERR_OVERLAP), "the output overlaps an input") == 0,
          "hpc_status_string");
    s = hpc_dgemm(HPC_NO_TRANS, HPC_NO_TRANS, 0, 0, 5, 1.0, NULL, 0, 0, NULL, 0, 0, 0.0, NULL, 0, 0);
    check(s == HPC_OK, "an empty product with null pointers is fine");
    double complex zd[4];
    s = hpc_zgemm(HPC_CONJ_TRANS, HPC_NO_TRANS, 2, 2, 2, (const double *)&zal, (const double *)za,
                  2, 1, (const double *)zb, 2, 1, (const double *)&zbe, (double *)zd, 2, 1);
    zok = s == HPC_OK;
    for (int i = 0; i < 4; i++) zok &= cabs(zd[i] - zw[i]) < 1e-12;
    check(zok, "hpc_zgemm with interleaved complex numbers");
    /* A stack of three products: A_i = A repeated (batch stride 0), B_i = i-th of three copies
     * of B scaled by i + 1, C_i row-major; then cblas_dgemm_batch_strided on the same. */
    double bs3[3 * K * N], cs3[3 * M * N], cb3[3 * M * N];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < K * N; j++) bs3[i * K * N + j] = (i + 1) * b[j];
    s = hpc_dgemm_batch_strided(HPC_NO_TRANS, HPC_NO_TRANS, 3, M, N, K, 1.0, a, 0, K, 1, bs3,
                                K * N, N, 1, 0.0, cs3, M * N, N, 1);
    int bok = s == HPC_OK;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < M * N; j++) bok &= fabs(cs3[i * M * N + j] - (i + 1) * want[j]) < 1e-12;
    check(bok, "hpc_dgemm_batch_strided with a repeated A");
    cblas_dgemm_batch_strided(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0, a, K, 0,
                              bs3, N, K * N, 0.0, cb3, N, M * N, 3);
    check(close_all(cb3, cs3, 3 * M * N), "cblas_dgemm_batch_strided, row-major");
    /* The same three products as one group of cblas_dgemm_batch (pointer arrays). */
    {
        enum CBLAS_TRANSPOSE nt = CblasNoTrans;
        int gm = M, gn = N, gk = K, glda = K, gldb = N, gldc = N, gsize = 3;
        double galpha = 1.0, gbeta = 0.0, cg3[3 * M * N];
        const double *pa[3] = {a, a, a};
        const double *pb[3] = {bs3, bs3 + K * N, bs3 + 2 * K * N};
        double *pc[3] = {cg3, cg3 + M * N, cg3 + 2 * M * N};
        cblas_dgemm_batch(CblasRowMajor, &nt, &nt, &gm, &gn, &gk, &galpha, pa, &glda, pb, &gldb,
                          &gbeta, pc, &gldc, 1, &gsize);
        check(close_all(cg3, cs3, 3 * M * N), "cblas_dgemm_batch, one group, row-major");
    }
    s = hpc_dgemm_batch_strided(HPC_NO_TRANS, HPC_NO_TRANS, 3, M, N, K, 1.0, a, 0, K, 1, bs3,
                                K * N, N, 1, 0.0, cs3, 0, N, 1);
    check(s == HPC_ERR_INVALID_ARGUMENT, "a stack of C with a zero batch stride is refused");
    double gv[M];
    s = hpc_dgemv(HPC_NO_TRANS, M, K, 1.0, a, K, 1, x + 2, -1, 0.0, gv, 1);
    double gr[M];
    for (int i = 0; i < M; i++) gr[i] = a[i * K] * x[2] + a[i * K + 1] * x[1] + a[i * K + 2] * x[0];
    check(s == HPC_OK && close_all(gv, gr, M), "hpc_dgemv with a negative increment");

    hpc_set_num_threads(1);
    check(hpc_get_num_threads() == 1, "hpc_set_num_threads");
    check(strlen(hpc_version()) > 0, "hpc_version");

    printf("%d failure(s)\n", failures);
    return failures ? 1 : 0;
}
