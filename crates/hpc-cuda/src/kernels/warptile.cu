// Kernel 5: warp tiling with double-buffered shared memory.
// Contract: block tile BM x BN = 128 x 128, BK = 8; 256 threads = 8 warps in a 2 x 4 grid,
// each warp owning a WM x WN = 64 x 32 tile of C, each lane an 8 x 8 sub-tile of it (lanes
// 8 x 4 inside the warp); grid ceil(m/128) x ceil(n/128); shared memory 2 * (BK * BM + BK *
// BN) * sizeof(T) (two buffers). The next k-slab is read from global memory into registers
// while the current one is multiplied out of shared memory, then stored into the other buffer:
// one barrier per slab, and global latency hidden behind the arithmetic. Keeping a warp's
// lanes on one 64 x 32 tile makes its shared-memory reads broadcasts across few addresses.
#define BM 128
#define BN 128
#define BK 8
#define TM 8
#define TN 8
#define NT 256
#define WM 64
#define WN 32
#define PER (BM * BK / NT)
extern "C" __global__ void __launch_bounds__(NT)
gemm_warptile(int m, int n, int k, T alpha, const T* __restrict__ A, int lda, int ta,
              const T* __restrict__ B, int ldb, int tb, T beta, T* __restrict__ C, int ldc, BATCH_ARGS) {
    BATCH;
    __shared__ __align__(16) T As[2][BK][BM];
    __shared__ __align__(16) T Bs[2][BK][BN];
    int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
    int wr = warp % (BM / WM), wc = warp / (BM / WM);          // warp's tile: 2 x 4
    int lr = lane % (WM / TM), lc = lane / (WM / TM);          // lane's sub-tile: 8 x 4
    int row0 = wr * WM + lr * TM, col0 = wc * WN + lc * TN;     // inside the block tile
    int i0 = blockIdx.x * BM, j0 = blockIdx.y * BN;
    T ra[PER], rb[PER];
    T acc[TM][TN];
#pragma unroll
    for (int x = 0; x < TM; ++x)
#pragma unroll
        for (int y = 0; y < TN; ++y) acc[x][y] = (T)0;

    // Slab 0 straight into buffer 0.
#pragma unroll
    for (int l = 0; l < PER; ++l) {
        int e = tid + l * NT;
        As[0][e / BM][e % BM] = load_a(A, lda, ta, m, k, i0 + e % BM, e / BM);
        Bs[0][e % BK][e / BK] = load_b(B, ldb, tb, k, n, e % BK, j0 + e / BK);
    }
    __syncthreads();
    int buf = 0;
    for (int p0 = 0; p0 < k; p0 += BK) {
        bool more = p0 + BK < k;
        if (more) {
#pragma unroll
            for (int l = 0; l < PER; ++l) {
                int e = tid + l * NT;
                ra[l] = load_a(A, lda, ta, m, k, i0 + e % BM, p0 + BK + e / BM);
                rb[l] = load_b(B, ldb, tb, k, n, p0 + BK + e % BK, j0 + e / BK);
            }
        }
#pragma unroll
        for (int p = 0; p < BK; ++p) {
            T a[TM], b[TN];
#pragma unroll
            for (int x = 0; x < TM; ++x) a[x] = As[buf][p][row0 + x];
#pragma unroll
            for (int y = 0; y < TN; ++y) b[y] = Bs[buf][p][col0 + y];
#pragma unroll
            for (int x = 0; x < TM; ++x)
#pragma unroll
                for (int y = 0; y < TN; ++y) acc[x][y] += a[x] * b[y];
        }
        if (more) {
#pragma unroll
            for (int l = 0; l < PER; ++l) {
                int e = tid + l * NT;
                As[buf ^ 1][e / BM][e % BM] = ra[l];
                Bs[buf ^ 1][e % BK][e / BK] = rb[l];
            }
        }
        __syncthreads();
        buf ^= 1;
    }
#pragma unroll
    for (int x = 0; x < TM; ++x)
#pragma unroll
        for (int y = 0; y < TN; ++y) store_c(C, ldc, m, n, i0 + row0 + x, j0 + col0 + y, alpha, acc[x][y], beta);
}
