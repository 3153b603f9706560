// Flash attention for fp16 storage (FlashAttention-2's structure): fp16 Q, K, V, fp32 accumulation,
// online softmax, tensor-core mma.sync m16n8k16. One block of 4 warps takes 64 query rows of one
// (batch item, head); each warp owns 16 rows and keeps its scores, probabilities and output in
// registers. Key/value tiles of 64 rows stream through shared memory, double-buffered with cp.async.
// Q, K, V and the output are [B, L, H*d] with d a multiple of 8; DP is d rounded up to 16.
#include <cuda_fp16.h>

#define QB 64
#define KB 64
#define WARPS 4

typedef unsigned int u32;

__device__ __forceinline__ u32 pack(float a, float b) {
  __half2 h = __floats2half2_rn(a, b);
  return *(u32*)&h;
}

__device__ __forceinline__ void mma16816(float* c, const u32* a, u32 b0, u32 b1) {
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
               : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// four (x4) or two (x2) 8x8 b16 matrices from shared memory, one row address per lane
__device__ __forceinline__ void ldsm4(u32* r, const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"((u32)__cvta_generic_to_shared(p)));
}
__device__ __forceinline__ void ldsm2(u32* r, const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x2.shared.b16 {%0,%1}, [%2];\n" : "=r"(r[0]), "=r"(r[1]) : "r"((u32)__cvta_generic_to_shared(p)));
}
__device__ __forceinline__ void ldsm4t(u32* r, const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"((u32)__cvta_generic_to_shared(p)));
}

// 16 bytes global -> shared, zero-filled when !valid
__device__ __forceinline__ void copy16(void* dst, const void* src, bool valid) {
  u32 s = (u32)__cvta_generic_to_shared(dst);
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(src), "r"(valid ? 16 : 0));
}

template <int DP>
__device__ __forceinline__ void load_tile(__half* Ks, __half* Vs, const __half* kb, const __half* vb, int k0, int lk, int width, int d) {
  constexpr int STRIDE = DP + 8, CHUNKS = DP / 8;
  for (int i = threadIdx.x; i < KB * CHUNKS; i += WARPS * 32) {
    int r = i / CHUNKS, c = (i % CHUNKS) * 8;
    bool ok = k0 + r < lk && c < d;
    size_t off = ok ? (size_t)(k0 + r) * width + c : 0;
    copy16(Ks + r * STRIDE + c, kb + off, ok);
    copy16(Vs + r * STRIDE + c, vb + off, ok);
  }
  asm volatile("cp.async.commit_group;\n");
}

template <int DP>
__device__ void flash(const __half* q, const __half* k, const __half* v, __half* out, int lq, int lk, int width, int d, int heads, float scale) {
  constexpr int STRIDE = DP + 8;   // padded rows: conflict-free fragment loads
  constexpr int KSTEPS = DP / 16;  // k-steps of Q K^T
  constexpr int NT = DP / 8;       // n-tiles of the output
  extern __shared__ __align__(16) unsigned char smem[];
  __half* tiles = (__half*)smem;   // [2 stages][K, V][KB][STRIDE]

  const int bh = blockIdx.y, b = bh / heads, h = bh % heads;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, c2 = (lane & 3) * 2;
  const int row0 = blockIdx.x * QB + warp * 16;
  const __half* qb = q + (size_t)b * lq * width + h * d;
  const __half* kb = k + (size_t)b * lk * width + h * d;
  const __half* vb = v + (size_t)b * lk * width + h * d;

  load_tile<DP>(tiles, tiles + KB * STRIDE, kb, vb, 0, lk, width, d);

  // this warp's 16 query rows as A fragments, straight from global memory
  u32 qf[KSTEPS][4];
#pragma unroll
  for (int kk = 0; kk < KSTEPS; kk++) {
#pragma unroll
    for (int r = 0; r < 4; r++) {
      int row = row0 + g + (r & 1) * 8, col = kk * 16 + c2 + (r >> 1) * 8;
      qf[kk][r] = row < lq && col < d ? *(const u32*)(qb + (size_t)row * width + col) : 0u;
    }
  }

  float o[NT][4];
#pragma unroll
  for (int n = 0; n < NT; n++) o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.f;
  float m0 = __int_as_float(0xff800000), m1 = m0, l0 = 0.f, l1 = 0.f;
  const float sl2 = scale * 1.4426950408889634f;  // exp(x s) = exp2(x s log2 e)

  const int blocks = (lk + KB - 1) / KB;
  for (int t = 0; t < blocks; t++) {
    __half* Ks = tiles + (t & 1) * 2 * KB * STRIDE;
    __half* Vs = Ks + KB * STRIDE;
    if (t + 1 < blocks) {
      __half* nK = tiles + ((t + 1) & 1) * 2 * KB * STRIDE;
      load_tile<DP>(nK, nK + KB * STRIDE, kb, vb, (t + 1) * KB, lk, width, d);
      asm volatile("cp.async.wait_group 1;\n");
    } else {
      asm volatile("cp.async.wait_group 0;\n");
    }
    __syncthreads();

    // S (16 x KB) = Q K^T, scaled for exp2; K fragments by ldmatrix (lane: row lane % 8 of matrix lane / 8)
    float s[KB / 8][4];
    const int mi = lane >> 3, mr = lane & 7;
#pragma unroll
    for (int j = 0; j < KB / 8; j++) {
      s[j][0] = s[j][1] = s[j][2] = s[j][3] = 0.f;
      const __half* kr = Ks + (j * 8 + mr) * STRIDE + mi * 8;
#pragma unroll
      for (int kk = 0; kk + 1 < KSTEPS; kk += 2) {
        u32 b[4];
        ldsm4(b, kr + kk * 16);
        mma16816(s[j], qf[kk], b[0], b[1]);
        mma16816(s[j], qf[kk + 1], b[2], b[3]);
      }
      if (KSTEPS & 1) {
        u32 b[2];
        ldsm2(b, kr + (KSTEPS - 1) * 16);
        mma16816(s[j], qf[KSTEPS - 1], b[0], b[1]);
      }
#pragma unroll
      for (int e = 0; e < 4; e++) s[j][e] *= sl2;
    }
    // keys past the end do not count
    const int valid = lk - t * KB;
    if (valid < KB) {
#pragma unroll
      for (int j = 0; j < KB / 8; j++)
#pragma unroll
        for (int e = 0; e < 4; e++)
          if (j * 8 + c2 + (e & 1) >= valid) s[j][e] = __int_as_float(0xff800000);
    }
    // online softmax for rows g and g + 8 (each row is spread over the 4 lanes of a quad)
    float x0 = m0, x1 = m1;
#pragma unroll
    for (int j = 0; j < KB / 8; j++) {
      x0 = fmaxf(x0, fmaxf(s[j][0], s[j][1]));
      x1 = fmaxf(x1, fmaxf(s[j][2], s[j][3]));
    }
    x0 = fmaxf(x0, __shfl_xor_sync(0xffffffff, x0, 1)); x0 = fmaxf(x0, __shfl_xor_sync(0xffffffff, x0, 2));
    x1 = fmaxf(x1, __shfl_xor_sync(0xffffffff, x1, 1)); x1 = fmaxf(x1, __shfl_xor_sync(0xffffffff, x1, 2));
    const float a0 = exp2f(m0 - x0), a1 = exp2f(m1 - x1);
    m0 = x0; m1 = x1;
    l0 *= a0; l1 *= a1;
#pragma unroll
    for (int n = 0; n < NT; n++) { o[n][0] *= a0; o[n][1] *= a0; o[n][2] *= a1; o[n][3] *= a1; }
    u32 pf[KB / 16][4];  // probabilities as A fragments of P V
#pragma unroll
    for (int j = 0; j < KB / 8; j++) {
      float p0 = exp2f(s[j][0] - m0), p1 = exp2f(s[j][1] - m0);
      float p2 = exp2f(s[j][2] - m1), p3 = exp2f(s[j][3] - m1);
      l0 += p0 + p1; l1 += p2 + p3;
      pf[j >> 1][(j & 1) * 2] = pack(p0, p1);
      pf[j >> 1][(j & 1) * 2 + 1] = pack(p2, p3);
    }
    // O (16 x DP) += P (16 x KB) V (KB x DP); V fragments transposed by ldmatrix
#pragma unroll
    for (int ks = 0; ks < KB / 16; ks++) {
#pragma unroll
      for (int n = 0; n < NT; n += 2) {
        u32 b[4];
        ldsm4t(b, Vs + (ks * 16 + (mi & 1) * 8 + mr) * STRIDE + (n + (mi >> 1)) * 8);
        mma16816(o[n], pf[ks], b[0], b[1]);
        mma16816(o[n + 1], pf[ks], b[2], b[3]);
      }
    }
    __syncthreads();  // this stage is refilled next iteration
  }

  l0 += __shfl_xor_sync(0xffffffff, l0, 1); l0 += __shfl_xor_sync(0xffffffff, l0, 2);
  l1 += __shfl_xor_sync(0xffffffff, l1, 1); l1 += __shfl_xor_sync(0xffffffff, l1, 2);
  const float i0 = 1.f / l0, i1 = 1.f / l1;
  __half* ob = out + (size_t)b * lq * width + h * d;
#pragma unroll
  for (int n = 0; n < NT; n++) {
    int col = n * 8 + c2;
    if (col >= d) continue;
    if (row0 + g < lq) *(u32*)(ob + (size_t)(row0 + g) * width + col) = pack(o[n][0] * i0, o[n][1] * i0);
    if (row0 + g + 8 < lq) *(u32*)(ob + (size_t)(row0 + g + 8) * width + col) = pack(o[n][2] * i1, o[n][3] * i1);
  }
}

#define FLASH(DP)                                                                                                      \
  extern "C" __global__ void __launch_bounds__(WARPS * 32) k_flash_##DP(const __half* q, const __half* k, const __half* v, \
      __half* out, int lq, int lk, int width, int d, int heads, float scale) {                                         \
    flash<DP>(q, k, v, out, lq, lk, width, d, heads, scale);                                                            \
  }
FLASH(16)
FLASH(32)
FLASH(48)
FLASH(64)
FLASH(80)
FLASH(96)
FLASH(128)
FLASH(160)
