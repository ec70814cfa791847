// Kernel 4: vectorised loads.
// Contract: block tile BM x BN = 128 x 128, BK = 8; 256 threads, each computing TM x TN = 8 x 8
// of C in registers; grid ceil(m/128) x ceil(n/128); shared memory (BK * BM + BK * BN) *
// sizeof(T), 16-byte aligned. VT is float4 (VN = 4) or double2 (VN = 2): a tile that lies wholly inside an untransposed operand with a leading
// dimension divisible by VN and a 16-byte aligned base is read with VN-wide loads (fewer,
// wider memory transactions), and the thread's 8 values per k step come out of shared memory
// as 8 / VN wide loads too; any other tile takes the guarded scalar loads.
#define BM 128
#define BN 128
#define BK 8
#define TM 8
#define TN 8
#define NT 256
extern "C" __global__ void __launch_bounds__(NT)
gemm_vec(int m, int n, int k, T alpha, const T* __restrict__ A, int lda, int ta,
         const T* __restrict__ B, int ldb, int tb, T beta, T* __restrict__ C, int ldc, BATCH_ARGS) {
    BATCH;
    __shared__ __align__(16) T As[BK][BM];
    __shared__ __align__(16) T Bs[BK][BN];
    int tid = threadIdx.x;
    int tr = tid % (BM / TM), tc = tid / (BM / TM);
    int i0 = blockIdx.x * BM, j0 = blockIdx.y * BN;
    bool vec_a = !ta && lda % VN == 0 && ((u64)A) % 16 == 0 && i0 + BM <= m;
    bool vec_b = !tb && ldb % VN == 0 && ((u64)B) % 16 == 0 && j0 + BN <= n;
    T acc[TM][TN];
#pragma unroll
    for (int x = 0; x < TM; ++x)
#pragma unroll
        for (int y = 0; y < TN; ++y) acc[x][y] = (T)0;
    for (int p0 = 0; p0 < k; p0 += BK) {
        bool full_k = p0 + BK <= k;
        if (vec_a && full_k) {
#pragma unroll
            for (int l = 0; l < BM * BK / VN / NT; ++l) {
                int v = tid + l * NT;
                int r = (v % (BM / VN)) * VN, p = v / (BM / VN);
                *(VT*)&As[p][r] = *(const VT*)&A[(u64)(i0 + r) + (u64)(p0 + p) * lda];
            }
        } else {
#pragma unroll
            for (int l = 0; l < BM * BK / NT; ++l) {
                int e = tid + l * NT;
                int r = e % BM, p = e / BM;
                As[p][r] = load_a(A, lda, ta, m, k, i0 + r, p0 + p);
            }
        }
        if (vec_b && full_k) {
#pragma unroll
            for (int l = 0; l < BN * BK / VN / NT; ++l) {
                int v = tid + l * NT;
                int c = v / (BK / VN), q = (v % (BK / VN)) * VN;
                VT x = *(const VT*)&B[(u64)(p0 + q) + (u64)(j0 + c) * ldb];
                const T* xs = (const T*)&x;
#pragma unroll
                for (int t = 0; t < VN; ++t) Bs[q + t][c] = xs[t];
            }
        } else {
#pragma unroll
            for (int l = 0; l < BN * BK / NT; ++l) {
                int e = tid + l * NT;
                int c = e / BK, q = e % BK;
                Bs[q][c] = load_b(B, ldb, tb, k, n, p0 + q, j0 + c);
            }
        }
        __syncthreads();
#pragma unroll
        for (int p = 0; p < BK; ++p) {
            T a[TM], b[TN];
#pragma unroll
            for (int x = 0; x < TM; x += VN) *(VT*)&a[x] = *(const VT*)&As[p][tr * TM + x];
#pragma unroll
            for (int y = 0; y < TN; y += VN) *(VT*)&b[y] = *(const VT*)&Bs[p][tc * TN + y];
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
