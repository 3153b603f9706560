// Flash attention (fp16 tensor-core MMA through WMMA, fp32 accumulation, online softmax): one
// block of 4 warps per 64 query rows of one (batch item, head), looping over blocks of 64 keys.
// The score matrix never leaves shared memory. Q, K, V and the output are fp32 [B, L, H*d]; they
// are rounded to fp16 on the way into shared memory (the tf32 "fast" mode's precision).
#include <mma.h>
#include <cuda_fp16.h>
using namespace nvcuda;

#define QB 64
#define KB 64

extern "C" __global__ void k_flash_attention(const float* q, const float* k, const float* v, float* out,
                                             int lq, int lk, int width, int d, int dp, int heads, float scale) {
  extern __shared__ __align__(16) unsigned char smem[];
  half* Qs = (half*)smem;                       // [QB][dp]
  half* Ks = Qs + QB * dp;                      // [KB][dp]
  half* Vs = Ks + KB * dp;                      // [KB][dp]
  half* Ps = Vs + KB * dp;                      // [4][16][KB]
  float* Ss = (float*)(Ps + 4 * 16 * KB);       // [4][16][KB]
  float* Os = Ss + 4 * 16 * KB;                 // [QB][dp]
  float* Ms = Os + QB * dp;                     // [QB]
  float* Ls = Ms + QB;                          // [QB]

  const int bh = blockIdx.y, b = bh / heads, h = bh % heads;
  const int q0 = blockIdx.x * QB;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const float* qb = q + (size_t)b * lq * width + h * d;
  const float* kbase = k + (size_t)b * lk * width + h * d;
  const float* vbase = v + (size_t)b * lk * width + h * d;

  for (int i = threadIdx.x; i < QB * dp; i += blockDim.x) {
    int r = i / dp, c = i % dp;
    Qs[i] = __float2half(q0 + r < lq && c < d ? qb[(size_t)(q0 + r) * width + c] : 0.f);
    Os[i] = 0.f;
  }
  for (int i = threadIdx.x; i < QB; i += blockDim.x) { Ms[i] = __int_as_float(0xff800000); Ls[i] = 0.f; }

  half* Pw = Ps + warp * 16 * KB;
  float* Sw = Ss + warp * 16 * KB;
  float* Ow = Os + warp * 16 * dp;
  const int tiles = dp / 16;

  for (int k0 = 0; k0 < lk; k0 += KB) {
    __syncthreads();
    for (int i = threadIdx.x; i < KB * dp; i += blockDim.x) {
      int r = i / dp, c = i % dp;
      bool ok = k0 + r < lk && c < d;
      Ks[i] = __float2half(ok ? kbase[(size_t)(k0 + r) * width + c] : 0.f);
      Vs[i] = __float2half(ok ? vbase[(size_t)(k0 + r) * width + c] : 0.f);
    }
    __syncthreads();

    // S (16 x KB) = Q_w (16 x dp) K^T
    for (int nt = 0; nt < KB / 16; nt++) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::fill_fragment(acc, 0.f);
      for (int kk = 0; kk < tiles; kk++) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> a;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> bf;
        wmma::load_matrix_sync(a, Qs + warp * 16 * dp + kk * 16, dp);
        wmma::load_matrix_sync(bf, Ks + nt * 16 * dp + kk * 16, dp);
        wmma::mma_sync(acc, a, bf, acc);
      }
      wmma::store_matrix_sync(Sw + nt * 16, acc, KB, wmma::mem_row_major);
    }
    __syncwarp();

    // online softmax, one row at a time across the warp (two keys per lane)
    for (int r = 0; r < 16; r++) {
      int row = warp * 16 + r;
      float s0 = k0 + lane < lk ? Sw[r * KB + lane] * scale : __int_as_float(0xff800000);
      float s1 = k0 + lane + 32 < lk ? Sw[r * KB + lane + 32] * scale : __int_as_float(0xff800000);
      float mx = fmaxf(s0, s1);
      for (int o = 16; o > 0; o >>= 1) mx = fmaxf(mx, __shfl_xor_sync(0xffffffff, mx, o));
      float mOld = Ms[row], mNew = fmaxf(mOld, mx);
      float p0 = __expf(s0 - mNew), p1 = __expf(s1 - mNew);
      float sum = p0 + p1;
      for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffff, sum, o);
      float alpha = __expf(mOld - mNew);
      Pw[r * KB + lane] = __float2half(p0);
      Pw[r * KB + lane + 32] = __float2half(p1);
      for (int c = lane; c < dp; c += 32) Ow[r * dp + c] *= alpha;
      __syncwarp();
      if (lane == 0) { Ms[row] = mNew; Ls[row] = Ls[row] * alpha + sum; }
    }
    __syncwarp();

    // O_w (16 x dp) += P_w (16 x KB) V (KB x dp)
    for (int ot = 0; ot < tiles; ot++) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::load_matrix_sync(acc, Ow + ot * 16, dp, wmma::mem_row_major);
      for (int ks = 0; ks < KB / 16; ks++) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> a;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::row_major> bf;
        wmma::load_matrix_sync(a, Pw + ks * 16, KB);
        wmma::load_matrix_sync(bf, Vs + ks * 16 * dp + ot * 16, dp);
        wmma::mma_sync(acc, a, bf, acc);
      }
      wmma::store_matrix_sync(Ow + ot * 16, acc, dp, wmma::mem_row_major);
    }
  }
  __syncthreads();
  float* ob = out + (size_t)b * lq * width + h * d;
  for (int i = threadIdx.x; i < QB * d; i += blockDim.x) {
    int r = i / d, c = i % d;
    if (q0 + r < lq) ob[(size_t)(q0 + r) * width + c] = Os[r * dp + c] / Ls[r];
  }
}
