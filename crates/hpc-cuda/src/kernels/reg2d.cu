// Kernel 3: 2-D register blocking.
// Contract: block tile BM x BN = 64 x 64, BK = 16; 256 threads (16 x 16), each computing a
// TM x TN = 4 x 4 block of C held in registers; grid ceil(m/64) x ceil(n/64); shared memory
// (BK * BM + BK * BN) * sizeof(T). Per k step a thread loads 4 + 4 values from shared memory
// for 16 multiply-adds (the smem kernel: 2 for 1), so shared-memory bandwidth stops being
// the limit. At least 2 blocks an SM (launch bounds): with the batch strides the pointers live
// in registers, and left to itself ptxas held the f32 sm_90 build to 64 registers and spilled.
#define BM 64
#define BN 64
#define BK 16
#define TM 4
#define TN 4
extern "C" __global__ void __launch_bounds__(256, 2)
gemm_reg2d(int m, int n, int k, T alpha, const T* __restrict__ A, int lda, int ta,
           const T* __restrict__ B, int ldb, int tb, T beta, T* __restrict__ C, int ldc, BATCH_ARGS) {
    BATCH;
    __shared__ T As[BK][BM];
    __shared__ T Bs[BK][BN];
    int tid = threadIdx.x;
    int tr = tid % (BM / TM), tc = tid / (BM / TM);  // this thread's 4 x 4 block
    int i0 = blockIdx.x * BM, j0 = blockIdx.y * BN;
    T acc[TM][TN];
#pragma unroll
    for (int a = 0; a < TM; ++a)
#pragma unroll
        for (int b = 0; b < TN; ++b) acc[a][b] = (T)0;
    for (int p0 = 0; p0 < k; p0 += BK) {
        // 64 x 16 elements of each operand, 4 per thread.
#pragma unroll
        for (int l = 0; l < (BM * BK) / 256; ++l) {
            int e = tid + l * 256;
            int r = e % BM, p = e / BM;
            As[p][r] = load_a(A, lda, ta, m, k, i0 + r, p0 + p);
            int c = e / BK, q = e % BK;
            Bs[q][c] = load_b(B, ldb, tb, k, n, p0 + q, j0 + c);
        }
        __syncthreads();
#pragma unroll
        for (int p = 0; p < BK; ++p) {
            T a[TM], b[TN];
#pragma unroll
            for (int x = 0; x < TM; ++x) a[x] = As[p][tr * TM + x];
#pragma unroll
            for (int y = 0; y < TN; ++y) b[y] = Bs[p][tc * TN + y];
#pragma unroll
            for (int x = 0; x < TM; ++x)
#pragma unroll
                for (int y = 0; y < TN; ++y) acc[x][y] += a[x] * b[y];
        }
        __syncthreads();
    }
#pragma unroll
    for (int x = 0; x < TM; ++x)
#pragma unroll
        for (int y = 0; y < TN; ++y) store_c(C, ldc, m, n, i0 + tr * TM + x, j0 + tc * TN + y, alpha, acc[x][y], beta);
}
