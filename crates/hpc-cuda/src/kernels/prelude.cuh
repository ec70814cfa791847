// Shared by every GEMM kernel (prepended to each source before NVRTC compiles it).
//
// C = alpha * op(A) * op(B) + beta * C, column-major with leading dimensions.
// op(A) is m x k: A(i, p) is A[i + p * lda] (ta == 0) or A[p + i * lda] (ta != 0), likewise B.
// T is float or double, VT its 16-byte vector (float4, double2) and VN that vector's length,
// from -DHPC_T=..., -DHPC_VT=..., -DHPC_VN=... (not -DT: NVRTC's own headers use T as a
// template parameter). Every global load is bounds-guarded (out of range reads 0); every store
// is guarded; beta == 0 never reads C (NaN in C does not leak).
//
// Batches: every kernel also takes the strides sa, sb, sc (elements) from one product's A, B
// and C to the next, and grid z runs one product per index (BATCH moves the pointers there,
// before anything else reads them); a single product is z = 1 with zero strides, and a stride
// of 0 for A or B repeats one matrix.

#if !defined(HPC_T) || !defined(HPC_VT) || !defined(HPC_VN)
#error "compile with -DHPC_T=float -DHPC_VT=float4 -DHPC_VN=4 (or double, double2, 2)"
#endif
typedef HPC_T T;
typedef HPC_VT VT;
#define VN HPC_VN

typedef unsigned long long u64;

#define BATCH_ARGS long long sa, long long sb, long long sc
#define BATCH                                      \
    A += (long long)blockIdx.z * sa;               \
    B += (long long)blockIdx.z * sb;               \
    C += (long long)blockIdx.z * sc

__device__ __forceinline__ T load_a(const T* __restrict__ A, int lda, int ta, int m, int k, int i, int p) {
    if (i >= m || p >= k) return (T)0;
    return ta ? A[(u64)p + (u64)i * lda] : A[(u64)i + (u64)p * lda];
}

__device__ __forceinline__ T load_b(const T* __restrict__ B, int ldb, int tb, int k, int n, int p, int j) {
    if (p >= k || j >= n) return (T)0;
    return tb ? B[(u64)j + (u64)p * ldb] : B[(u64)p + (u64)j * ldb];
}

__device__ __forceinline__ void store_c(T* __restrict__ C, int ldc, int m, int n, int i, int j, T alpha, T acc, T beta) {
    if (i >= m || j >= n) return;
    T* c = C + (u64)i + (u64)j * ldc;
    *c = (beta == (T)0) ? alpha * acc : alpha * acc + beta * *c;
}
