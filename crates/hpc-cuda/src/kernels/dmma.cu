// Kernel 6 (double only): the FP64 tensor cores, through `mma.sync.aligned.m8n8k4` (DMMA,
// sm_80 and later), with the double-buffered shared memory of warptile.cu.
// Contract: block tile BM x BN = 128 x 64, BK = 8; 256 threads = 8 warps in a 4 x 2 grid,
// each warp owning a 32 x 32 tile of C as 4 x 4 tiles of 8 x 8. Each 8 x 8 tile is the
// accumulator of one DMMA per 4 steps of k: A's 8 x 4 fragment (lane l holds row l / 4,
// column l % 4), B's 4 x 8 fragment (row l % 4, column l / 4), and C's 8 x 8 (lane l holds
// row l / 4, columns 2 (l % 4) and 2 (l % 4) + 1). Grid ceil(m/128) x ceil(n/64). Shared
// memory 2 * BK * ((BM + PAD) + (BN + PAD)) doubles: k-major rows, padded by PAD = 4 doubles
// so that the 4 rows a fragment load touches start 8 banks apart (a warp's 32 loads of 8
// bytes then take the minimum two wavefronts). `__launch_bounds__(256, 2)`: at most 128
// registers a thread (ptxas fits it without spills), so two blocks share a multiprocessor.
// The next k-slab is read from global memory into registers while the current one is
// multiplied, then stored into the other buffer.
#if HPC_VN == 2
#define BM 128
#define BN 64
#define BK 8
#define PAD 4
#define NT 256
#define WM 32
#define WN 32
#define MT (WM / 8)
#define NTL (WN / 8)
#define PER_A (BM * BK / NT)
#define PER_B (BN * BK / NT)

__device__ __forceinline__ void dmma(double (&c)[2], double a, double b) {
    asm volatile("mma.sync.aligned.m8n8k4.row.col.f64.f64.f64.f64 {%0, %1}, {%2}, {%3}, {%0, %1};\n"
                 : "+d"(c[0]), "+d"(c[1])
                 : "d"(a), "d"(b));
}

extern "C" __global__ void __launch_bounds__(NT, 2)
gemm_dmma(int m, int n, int k, T alpha, const T* __restrict__ A, int lda, int ta,
          const T* __restrict__ B, int ldb, int tb, T beta, T* __restrict__ C, int ldc, BATCH_ARGS) {
    BATCH;
    __shared__ __align__(16) T As[2][BK][BM + PAD];
    __shared__ __align__(16) T Bs[2][BK][BN + PAD];
    int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
    int group = lane / 4, quad = lane % 4;
    int wm0 = (warp % (BM / WM)) * WM, wn0 = (warp / (BM / WM)) * WN;  // warp's tile: 4 x 2
    int i0 = blockIdx.x * BM, j0 = blockIdx.y * BN;
    T ra[PER_A], rb[PER_B];
    T acc[MT][NTL][2];
#pragma unroll
    for (int x = 0; x < MT; ++x)
#pragma unroll
        for (int y = 0; y < NTL; ++y) acc[x][y][0] = acc[x][y][1] = (T)0;

    // Slab 0 straight into buffer 0. A: consecutive threads, consecutive rows; B:
    // consecutive threads, consecutive k (both coalesced when not transposed).
#pragma unroll
    for (int l = 0; l < PER_A; ++l) {
        int e = tid + l * NT;
        As[0][e / BM][e % BM] = load_a(A, lda, ta, m, k, i0 + e % BM, e / BM);
    }
#pragma unroll
    for (int l = 0; l < PER_B; ++l) {
        int e = tid + l * NT;
        Bs[0][e % BK][e / BK] = load_b(B, ldb, tb, k, n, e % BK, j0 + e / BK);
    }
    __syncthreads();
    int buf = 0;
    for (int p0 = 0; p0 < k; p0 += BK) {
        bool more = p0 + BK < k;
        if (more) {
#pragma unroll
            for (int l = 0; l < PER_A; ++l) {
                int e = tid + l * NT;
                ra[l] = load_a(A, lda, ta, m, k, i0 + e % BM, p0 + BK + e / BM);
            }
#pragma unroll
            for (int l = 0; l < PER_B; ++l) {
                int e = tid + l * NT;
                rb[l] = load_b(B, ldb, tb, k, n, p0 + BK + e % BK, j0 + e / BK);
            }
        }
#pragma unroll
        for (int p = 0; p < BK; p += 4) {
            T a[MT], b[NTL];
#pragma unroll
            for (int x = 0; x < MT; ++x) a[x] = As[buf][p + quad][wm0 + x * 8 + group];
#pragma unroll
            for (int y = 0; y < NTL; ++y) b[y] = Bs[buf][p + quad][wn0 + y * 8 + group];
#pragma unroll
            for (int x = 0; x < MT; ++x)
#pragma unroll
                for (int y = 0; y < NTL; ++y) dmma(acc[x][y], a[x], b[y]);
        }
        if (more) {
#pragma unroll
            for (int l = 0; l < PER_A; ++l) {
                int e = tid + l * NT;
                As[buf ^ 1][e / BM][e % BM] = ra[l];
            }
#pragma unroll
            for (int l = 0; l < PER_B; ++l) {
                int e = tid + l * NT;
                Bs[buf ^ 1][e % BK][e / BK] = rb[l];
            }
        }
        __syncthreads();
        buf ^= 1;
    }
#pragma unroll
    for (int x = 0; x < MT; ++x)
#pragma unroll
        for (int y = 0; y < NTL; ++y)
#pragma unroll
            for (int h = 0; h < 2; ++h)
                store_c(C, ldc, m, n, i0 + wm0 + x * 8 + group, j0 + wn0 + y * 8 + 2 * quad + h, alpha,
                        acc[x][y][h], beta);
}
#endif
