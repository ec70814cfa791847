// Kernel 2: shared-memory tiling.
// Contract: TILE = 32; threads per block 32 x 32 (x: rows); grid ceil(m/32) x ceil(n/32);
// shared memory 2 * 32 * 33 * sizeof(T) (padded against bank conflicts). Each thread computes
// one element of C; the block stages 32 x 32 tiles of op(A) and op(B) through shared memory, so
// each global element is read once per block instead of once per thread: 32x less traffic.
#define TILE 32
extern "C" __global__ void __launch_bounds__(TILE * TILE)
gemm_smem(int m, int n, int k, T alpha, const T* __restrict__ A, int lda, int ta,
          const T* __restrict__ B, int ldb, int tb, T beta, T* __restrict__ C, int ldc, BATCH_ARGS) {
    BATCH;
    __shared__ T As[TILE][TILE + 1];
    __shared__ T Bs[TILE][TILE + 1];
    int tx = threadIdx.x, ty = threadIdx.y;
    int i = blockIdx.x * TILE + tx;
    int j = blockIdx.y * TILE + ty;
    T acc = (T)0;
    for (int p0 = 0; p0 < k; p0 += TILE) {
        As[ty][tx] = load_a(A, lda, ta, m, k, i, p0 + ty);                       // As[p][i]
        Bs[ty][tx] = load_b(B, ldb, tb, k, n, p0 + tx, blockIdx.y * TILE + ty);  // Bs[j][p]
        __syncthreads();
#pragma unroll
        for (int p = 0; p < TILE; ++p) acc += As[p][tx] * Bs[ty][p];
        __syncthreads();
    }
    store_c(C, ldc, m, n, i, j, alpha, acc, beta);
}
