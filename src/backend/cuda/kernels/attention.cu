// Flash attention for fp16 storage (FlashAttention-2's structure): fp16 Q, K, V, fp32 accumulation,
// online softmax, tensor-core mma.sync m16n8k16. One block of 4 warps takes 64 (or 128) query rows
// of one (batch item, head); each warp owns 16 (or 32) rows and keeps its scores, probabilities and
// output in registers. Key/value tiles of 64 rows stream through shared memory, double-buffered with cp.async.
// Q, K, V and the output are [B, L, H*d] with d a multiple of 8; DP is d rounded up to 16.
#include "launch.cuh"
#include "mma.cuh"

// KB, keys per tile: defined at compilation (kernels.ts FLASH_KEY_TILE)
#define WARPS 4

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

// MT: m-tiles of 16 query rows per warp. Two (head dims up to 64) let each K and V fragment loaded
// from shared memory feed two MMAs; larger head dims keep one to stay within the registers.
template <int DP, int MT>
__device__ void flash(const __half* q, const __half* k, const __half* v, __half* out, int lq, int lk, int width, int d, int heads, float scale) {
  constexpr int STRIDE = DP + 8;   // padded rows: conflict-free fragment loads
  constexpr int KSTEPS = DP / 16;  // k-steps of Q K^T
  constexpr int NT = DP / 8;       // n-tiles of the output
  extern __shared__ __align__(16) unsigned char smem[];
  __half* tiles = (__half*)smem;   // [2 stages][K, V][KB][STRIDE]

  const int bh = blockIdx.y, b = bh / heads, h = bh % heads;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, c2 = (lane & 3) * 2;
  const int mi = lane >> 3, mr = lane & 7;  // ldmatrix: this lane addresses row mr of matrix mi
  const int row0 = (blockIdx.x * WARPS + warp) * 16 * MT;
  const __half* qb = q + (size_t)b * lq * width + h * d;
  const __half* kb = k + (size_t)b * lk * width + h * d;
  const __half* vb = v + (size_t)b * lk * width + h * d;

  load_tile<DP>(tiles, tiles + KB * STRIDE, kb, vb, 0, lk, width, d);

  // this warp's query rows as A fragments, straight from global memory
  u32 qf[MT][KSTEPS][4];
#pragma unroll
  for (int t = 0; t < MT; t++)
#pragma unroll
    for (int kk = 0; kk < KSTEPS; kk++)
#pragma unroll
      for (int r = 0; r < 4; r++) {
        int row = row0 + t * 16 + g + (r & 1) * 8, col = kk * 16 + c2 + (r >> 1) * 8;
        qf[t][kk][r] = row < lq && col < d ? *(const u32*)(qb + (size_t)row * width + col) : 0u;
      }

  float o[MT][NT][4];
  float m0[MT], m1[MT], l0[MT], l1[MT];  // running max (of raw scores) and sum of rows g and g + 8
#pragma unroll
  for (int t = 0; t < MT; t++) {
#pragma unroll
    for (int n = 0; n < NT; n++) o[t][n][0] = o[t][n][1] = o[t][n][2] = o[t][n][3] = 0.f;
    m0[t] = m1[t] = __int_as_float(0xff800000);
    l0[t] = l1[t] = 0.f;
  }
  const float sl2 = scale * 1.4426950408889634f;  // exp(x s) = exp2(x s log2 e)

  const int blocks = (lk + KB - 1) / KB;
  for (int kt = 0; kt < blocks; kt++) {
    __half* Ks = tiles + (kt & 1) * 2 * KB * STRIDE;
    __half* Vs = Ks + KB * STRIDE;
    if (kt + 1 < blocks) {
      __half* nK = tiles + ((kt + 1) & 1) * 2 * KB * STRIDE;
      load_tile<DP>(nK, nK + KB * STRIDE, kb, vb, (kt + 1) * KB, lk, width, d);
      asm volatile("cp.async.wait_group 1;\n");
    } else {
      asm volatile("cp.async.wait_group 0;\n");
    }
    __syncthreads();

    // S (16 MT x KB) = Q K^T; each K fragment serves every m-tile
    float s[MT][KB / 8][4];
#pragma unroll
    for (int j = 0; j < KB / 8; j++) {
#pragma unroll
      for (int t = 0; t < MT; t++) s[t][j][0] = s[t][j][1] = s[t][j][2] = s[t][j][3] = 0.f;
      const __half* kr = Ks + (j * 8 + mr) * STRIDE + mi * 8;
#pragma unroll
      for (int kk = 0; kk + 1 < KSTEPS; kk += 2) {
        u32 bf[4];
        ldsm4(bf, kr + kk * 16);
#pragma unroll
        for (int t = 0; t < MT; t++) {
          mma16816(s[t][j], qf[t][kk], bf[0], bf[1]);
          mma16816(s[t][j], qf[t][kk + 1], bf[2], bf[3]);
        }
      }
      if (KSTEPS & 1) {
        u32 bf[2];
        ldsm2(bf, kr + (KSTEPS - 1) * 16);
#pragma unroll
        for (int t = 0; t < MT; t++) mma16816(s[t][j], qf[t][KSTEPS - 1], bf[0], bf[1]);
      }
    }
    // keys past the end do not count (only the last tile has any: the test is uniform in the block)
    const int valid = lk - kt * KB;
    u32 pf[MT][KB / 16][4];  // probabilities as A fragments of P V
#pragma unroll
    for (int t = 0; t < MT; t++) {
      if (valid < KB)
#pragma unroll
        for (int j = 0; j < KB / 8; j++)
#pragma unroll
          for (int e = 0; e < 4; e++)
            if (j * 8 + c2 + (e & 1) >= valid) s[t][j][e] = __int_as_float(0xff800000);
      // online softmax for rows g and g + 8 (each row is spread over the 4 lanes of a quad); the
      // scale goes into the exponent's FMA: exp(s scale - m scale) = exp2(s sl2 - m sl2)
      float x0 = m0[t], x1 = m1[t];
#pragma unroll
      for (int j = 0; j < KB / 8; j++) {
        x0 = fmaxf(x0, fmaxf(s[t][j][0], s[t][j][1]));
        x1 = fmaxf(x1, fmaxf(s[t][j][2], s[t][j][3]));
      }
      x0 = fmaxf(x0, __shfl_xor_sync(0xffffffff, x0, 1)); x0 = fmaxf(x0, __shfl_xor_sync(0xffffffff, x0, 2));
      x1 = fmaxf(x1, __shfl_xor_sync(0xffffffff, x1, 1)); x1 = fmaxf(x1, __shfl_xor_sync(0xffffffff, x1, 2));
      const float a0 = exp2f((m0[t] - x0) * sl2), a1 = exp2f((m1[t] - x1) * sl2);
      m0[t] = x0; m1[t] = x1;
      const float x0s = x0 * sl2, x1s = x1 * sl2;
      l0[t] *= a0; l1[t] *= a1;
#pragma unroll
      for (int n = 0; n < NT; n++) { o[t][n][0] *= a0; o[t][n][1] *= a0; o[t][n][2] *= a1; o[t][n][3] *= a1; }
#pragma unroll
      for (int j = 0; j < KB / 8; j++) {
        float p0 = exp2f(fmaf(s[t][j][0], sl2, -x0s)), p1 = exp2f(fmaf(s[t][j][1], sl2, -x0s));
        float p2 = exp2f(fmaf(s[t][j][2], sl2, -x1s)), p3 = exp2f(fmaf(s[t][j][3], sl2, -x1s));
        l0[t] += p0 + p1; l1[t] += p2 + p3;
        pf[t][j >> 1][(j & 1) * 2] = pack(p0, p1);
        pf[t][j >> 1][(j & 1) * 2 + 1] = pack(p2, p3);
      }
    }
    // O (16 MT x DP) += P (16 MT x KB) V (KB x DP); V fragments transposed by ldmatrix, each serving every m-tile
#pragma unroll
    for (int ks = 0; ks < KB / 16; ks++) {
#pragma unroll
      for (int n = 0; n < NT; n += 2) {
        u32 bf[4];
        ldsm4t(bf, Vs + (ks * 16 + (mi & 1) * 8 + mr) * STRIDE + (n + (mi >> 1)) * 8);
#pragma unroll
        for (int t = 0; t < MT; t++) {
          mma16816(o[t][n], pf[t][ks], bf[0], bf[1]);
          mma16816(o[t][n + 1], pf[t][ks], bf[2], bf[3]);
        }
      }
    }
    __syncthreads();  // this stage is refilled next iteration
  }

  __half* ob = out + (size_t)b * lq * width + h * d;
#pragma unroll
  for (int t = 0; t < MT; t++) {
    float s0 = l0[t], s1 = l1[t];
    s0 += __shfl_xor_sync(0xffffffff, s0, 1); s0 += __shfl_xor_sync(0xffffffff, s0, 2);
    s1 += __shfl_xor_sync(0xffffffff, s1, 1); s1 += __shfl_xor_sync(0xffffffff, s1, 2);
    const float i0 = 1.f / s0, i1 = 1.f / s1;
    const int r = row0 + t * 16 + g;
#pragma unroll
    for (int n = 0; n < NT; n++) {
      int col = n * 8 + c2;
      if (col >= d) continue;
      if (r < lq) *(u32*)(ob + (size_t)r * width + col) = pack(o[t][n][0] * i0, o[t][n][1] * i0);
      if (r + 8 < lq) *(u32*)(ob + (size_t)(r + 8) * width + col) = pack(o[t][n][2] * i1, o[t][n][3] * i1);
    }
  }
}

// Attention over few keys (a text's 77; SHORT_KEYS at most, one tile) with its probabilities: a
// cross-attention a step records, or controls (backend.ts ProbsControl), as one kernel instead of a
// QK GEMM, a softmax (with the control) and a PV GEMM, with no copies of K and V for the libraries.
// The exact softmax of each row in registers (the row is whole), normalised, then under control
// column j takes source[h, r, map[j]] where map[j] names one of the source's lks columns; the
// probabilities are written out ([1, H, Lq, Lk], as stored) and multiplied by V as stored. One batch
// item (q, k, v, out at it); a block of 4 warps takes 64 query rows of one head (blockIdx.y). `causal`:
// key j past query row r is left out (a text encoder's self-attention); `probs` null: none written.
static_assert(SHORT_KEYS % 16 == 0, "P V takes the keys 16 at a time");
template <int DP>
__device__ void attend_short(const __half* __restrict__ q, const __half* __restrict__ k, const __half* __restrict__ v, __half* __restrict__ out,
                             __half* __restrict__ probs, const __half* __restrict__ source, const __half* __restrict__ map,
                             int lq, int lk, int lks, int width, int d, float scale, int causal) {
  constexpr int STRIDE = DP + 8, KSTEPS = DP / 16, NT = DP / 8, JT = SHORT_KEYS / 8;
  extern __shared__ __align__(16) unsigned char smem[];
  __half* Ks = (__half*)smem;  // [SHORT_KEYS][STRIDE], then V alike, then the control's columns
  __half* Vs = Ks + SHORT_KEYS * STRIDE;
  int* cols = (int*)(Vs + SHORT_KEYS * STRIDE);
  const int h = blockIdx.y;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, c2 = (lane & 3) * 2;
  const int mi = lane >> 3, mr = lane & 7;
  const int row0 = (blockIdx.x * WARPS + warp) * 16;
  const __half* qb = q + h * d;
  constexpr int CHUNKS = DP / 8;
  for (int i = threadIdx.x; i < SHORT_KEYS * CHUNKS; i += WARPS * 32) {
    const int r = i / CHUNKS, c = (i % CHUNKS) * 8;
    const bool ok = r < lk && c < d;
    const size_t off = ok ? (size_t)r * width + h * d + c : 0;
    copy16(Ks + r * STRIDE + c, k + off, ok);
    copy16(Vs + r * STRIDE + c, v + off, ok);
  }
  asm volatile("cp.async.commit_group;\n");
  for (int j = threadIdx.x; j < SHORT_KEYS; j += WARPS * 32) {
    const int c = map && j < lk ? (int)__half2float(map[j]) : -1;
    cols[j] = c >= 0 && c < lks ? c : -1;
  }
  u32 qf[KSTEPS][4];
#pragma unroll
  for (int kk = 0; kk < KSTEPS; kk++)
#pragma unroll
    for (int r = 0; r < 4; r++) {
      const int row = row0 + g + (r & 1) * 8, col = kk * 16 + c2 + (r >> 1) * 8;
      qf[kk][r] = row < lq && col < d ? *(const u32*)(qb + (size_t)row * width + col) : 0u;
    }
  asm volatile("cp.async.wait_group 0;\n");
  __syncthreads();

  float s[JT][4];
#pragma unroll
  for (int j = 0; j < JT; j++) {
    s[j][0] = s[j][1] = s[j][2] = s[j][3] = 0.f;
    const __half* kr = Ks + (j * 8 + mr) * STRIDE + mi * 8;
#pragma unroll
    for (int kk = 0; kk + 1 < KSTEPS; kk += 2) {
      u32 bf[4];
      ldsm4(bf, kr + kk * 16);
      mma16816(s[j], qf[kk], bf[0], bf[1]);
      mma16816(s[j], qf[kk + 1], bf[2], bf[3]);
    }
    if (KSTEPS & 1) {
      u32 bf[2];
      ldsm2(bf, kr + (KSTEPS - 1) * 16);
      mma16816(s[j], qf[KSTEPS - 1], bf[0], bf[1]);
    }
  }
  // the softmax of rows g and g + 8 over the keys there are (each row is spread over a quad's 4 lanes)
  const int ra = row0 + g, rb = ra + 8;
  float x0 = __int_as_float(0xff800000), x1 = x0;
#pragma unroll
  for (int j = 0; j < JT; j++)
#pragma unroll
    for (int e = 0; e < 4; e++) {
      const int col = j * 8 + c2 + (e & 1);
      if (col >= lk || (causal && col > (e < 2 ? ra : rb))) s[j][e] = __int_as_float(0xff800000);
      if (e < 2) x0 = fmaxf(x0, s[j][e]);
      else x1 = fmaxf(x1, s[j][e]);
    }
  x0 = fmaxf(x0, __shfl_xor_sync(0xffffffff, x0, 1)); x0 = fmaxf(x0, __shfl_xor_sync(0xffffffff, x0, 2));
  x1 = fmaxf(x1, __shfl_xor_sync(0xffffffff, x1, 1)); x1 = fmaxf(x1, __shfl_xor_sync(0xffffffff, x1, 2));
  const float sl2 = scale * 1.4426950408889634f, x0s = x0 * sl2, x1s = x1 * sl2;
  float l0 = 0.f, l1 = 0.f;
#pragma unroll
  for (int j = 0; j < JT; j++) {
    s[j][0] = exp2f(fmaf(s[j][0], sl2, -x0s)); s[j][1] = exp2f(fmaf(s[j][1], sl2, -x0s));
    s[j][2] = exp2f(fmaf(s[j][2], sl2, -x1s)); s[j][3] = exp2f(fmaf(s[j][3], sl2, -x1s));
    l0 += s[j][0] + s[j][1]; l1 += s[j][2] + s[j][3];
  }
  l0 += __shfl_xor_sync(0xffffffff, l0, 1); l0 += __shfl_xor_sync(0xffffffff, l0, 2);
  l1 += __shfl_xor_sync(0xffffffff, l1, 1); l1 += __shfl_xor_sync(0xffffffff, l1, 2);
  const float i0 = 1.f / l0, i1 = 1.f / l1;
  // under control, every value this thread takes from the source is loaded before anything is
  // stored (one round trip, not one per value behind each store: 46 us a 9216-query call so)
  __half taken[JT][4];
  if (source) {
    const __half* srca = source + ((size_t)h * lq + ra) * lks;
    const __half* srcb = source + ((size_t)h * lq + rb) * lks;
#pragma unroll
    for (int j = 0; j < JT; j++)
#pragma unroll
      for (int e = 0; e < 4; e++) {
        const int from = cols[j * 8 + c2 + (e & 1)];
        taken[j][e] = from >= 0 && (e < 2 ? ra : rb) < lq ? (e < 2 ? srca : srcb)[from] : __float2half_rn(0.f);
      }
  }
  __half* pa = probs ? probs + ((size_t)h * lq + ra) * lk : nullptr;
  __half* pb = probs ? probs + ((size_t)h * lq + rb) * lk : nullptr;
  u32 pf[JT / 2][4];
#pragma unroll
  for (int j = 0; j < JT; j++) {
    const float p[4] = {s[j][0] * i0, s[j][1] * i0, s[j][2] * i1, s[j][3] * i1};
    __half stored[4];
#pragma unroll
    for (int e = 0; e < 4; e++) {
      const int col = j * 8 + c2 + (e & 1);
      stored[e] = source && cols[col] >= 0 ? taken[j][e] : __float2half_rn(p[e]);
      if (probs && col < lk && (e < 2 ? ra : rb) < lq) (e < 2 ? pa : pb)[col] = stored[e];
    }
    pf[j >> 1][(j & 1) * 2] = pack(__half2float(stored[0]), __half2float(stored[1]));
    pf[j >> 1][(j & 1) * 2 + 1] = pack(__half2float(stored[2]), __half2float(stored[3]));
  }
  float o[NT][4];
#pragma unroll
  for (int n = 0; n < NT; n++) o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.f;
#pragma unroll
  for (int ks = 0; ks < JT / 2; ks++)
#pragma unroll
    for (int n = 0; n < NT; n += 2) {
      u32 bf[4];
      ldsm4t(bf, Vs + (ks * 16 + (mi & 1) * 8 + mr) * STRIDE + (n + (mi >> 1)) * 8);
      mma16816(o[n], pf[ks], bf[0], bf[1]);
      mma16816(o[n + 1], pf[ks], bf[2], bf[3]);
    }
  __half* ob = out + h * d;
#pragma unroll
  for (int n = 0; n < NT; n++) {
    const int col = n * 8 + c2;
    if (col >= d) continue;
    if (ra < lq) *(u32*)(ob + (size_t)ra * width + col) = pack(o[n][0], o[n][1]);
    if (rb < lq) *(u32*)(ob + (size_t)rb * width + col) = pack(o[n][2], o[n][3]);
  }
}

// k_flash_<DP>_<MT>
#define FLASH(DP, MT)                                                                                                  \
  extern "C" __global__ void __launch_bounds__(WARPS * 32) k_flash_##DP##_##MT(const __half* q, const __half* k,       \
      const __half* v, __half* out, int lq, int lk, int width, int d, int heads, float scale) {                        \
    after_earlier_kernels();                                                                                           \
    flash<DP, MT>(q, k, v, out, lq, lk, width, d, heads, scale);                                                       \
  }
FLASH(16, 1)
FLASH(32, 1)
FLASH(48, 1)
FLASH(64, 1)
FLASH(80, 1)
FLASH(96, 1)
FLASH(128, 1)
FLASH(160, 1)
FLASH(16, 2)
FLASH(32, 2)
FLASH(48, 2)
FLASH(64, 2)
// k_attend_short_<DP>
#define ATTEND_SHORT(DP)                                                                                                 \
  extern "C" __global__ void __launch_bounds__(WARPS * 32) k_attend_short_##DP(const __half* q, const __half* k,        \
      const __half* v, __half* out, __half* probs, const __half* source, const __half* map, int lq, int lk, int lks,     \
      int width, int d, float scale, int causal) {                                                                       \
    after_earlier_kernels();                                                                                             \
    attend_short<DP>(q, k, v, out, probs, source, map, lq, lk, lks, width, d, scale, causal);                            \
  }
ATTEND_SHORT(16)
ATTEND_SHORT(32)
ATTEND_SHORT(48)
ATTEND_SHORT(64)
ATTEND_SHORT(80)
ATTEND_SHORT(96)
ATTEND_SHORT(128)
ATTEND_SHORT(160)
