// Kernel 1: naive.
// Contract: one thread per element of C; threads per block 16 x 16 (x: rows, so that a warp
// writes consecutive rows of a column-major C); grid ceil(m/16) x ceil(n/16); no shared memory.
// Each thread reads a row of op(A) and a column of op(B) straight from global memory: k
// multiply-adds for 2k loads, memory-bound. The baseline the others are measured against.
extern "C" __global__ void gemm_naive(int m, int n, int k, T alpha, const T* __restrict__ A, int lda, int ta,
                                      const T* __restrict__ B, int ldb, int tb, T beta, T* __restrict__ C, int ldc, BATCH_ARGS) {
    BATCH;
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int j = blockIdx.y * blockDim.y + threadIdx.y;
    if (i >= m || j >= n) return;
    T acc = (T)0;
    for (int p = 0; p < k; ++p) acc += load_a(A, lda, ta, m, k, i, p) * load_b(B, ldb, tb, k, n, p, j);
    store_c(C, ldc, m, n, i, j, alpha, acc, beta);
}
