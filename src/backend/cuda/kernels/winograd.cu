// Winograd's F(2x2, 3x3) for fp16 3x3 convolutions in graphs (cuda.ts winogradConv; which ones:
// conv-paths.ts winogradShape). Loaded with the fp16 storage type only, where the backend runs it.
#include "launch.cuh"
#include "storage.cuh"

// Each 2x2 block of outputs ("tile") from its 4x4 input patch by 16 products a channel pair where a
// direct convolution takes 36, in three steps: V = B^T d B for each
// tile and input channel (k_wino_input), the 16 products M_p = V_p U_p^T as one batched GEMM
// ([tiles, ci] x [ci, co] each, cuBLASLt), then y = A^T M A for each tile and output channel
// (k_wino_output), with U = G g G^T made once per weight (k_wino_weights). For cross-correlation,
// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1],
// A^T = [1 1 1 0; 0 1 -1 -1]. Planes p = 4 i + j, each [rows, channels] row-major.
// One dimension of B^T d: in place over a[0..3] (each W wide)
template <int W> __device__ __forceinline__ void wino_in_1d(float (*a)[W], int stride) {
  UNROLL {
    const float d0 = a[0][k], d1 = a[stride][k], d2 = a[2 * stride][k], d3 = a[3 * stride][k];
    a[0][k] = d0 - d2; a[stride][k] = d1 + d2; a[2 * stride][k] = d2 - d1; a[3 * stride][k] = d1 - d3;
  }
}
// k_wino_input: a thread per (tile, W input channels); zero in the padding. (Reading x through a norm's
// affine and SiLU here computed each value's SiLU once for each of the four patches that hold it:
// 2.33 ms of a 768 px call, bench/results/2026-12-04-s59-call3.log; the host applies them in a pass first.)
// Builds: W = 1, VW (16 bytes a load) and 4 (k_wino_input_v4: ld4's 8 bytes in half, 80 registers a
// thread against the 16-byte build's 149, so that three 256-thread blocks an SM fit, not one).
template <int W> __device__ __forceinline__ void wino_ld(const st* p, float* v) {
  if constexpr (W == 4) { const float4 f = ld4(p); v[0] = f.x; v[1] = f.y; v[2] = f.z; v[3] = f.w; }
  else ldv<W>(p, v);
}
template <int W> __device__ __forceinline__ void wino_sv(st* p, const float* v) {
  if constexpr (W == 4) sv4(p, make_float4(v[0], v[1], v[2], v[3]));
  else svv<W>(p, v);
}
template <int W> __device__ void k_wino_input_t(const st* x, st* v, int h, int w, int ci, int ntiles) {
  const u32 tiles = ntiles, tw = w / 2, th = h / 2;
  FOR_EACH_VEC(e, tiles * (u32)ci) {
    const u32 t = e / (u32)ci, tx = t % tw, ty = (t / tw) % th, b = t / (tw * th);
    const int c = e % (u32)ci;
    float d[16][W];
#pragma unroll
    for (int p = 0; p < 16; p++) {
      const int iy = 2 * (int)ty - 1 + p / 4, ix = 2 * (int)tx - 1 + p % 4;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) UNROLL d[p][k] = 0.f;
      else wino_ld<W>(x + (((u64)b * h + iy) * w + ix) * ci + c, d[p]);
    }
#pragma unroll
    for (int j = 0; j < 4; j++) wino_in_1d<W>(d + j, 4);  // B^T d: down each column
#pragma unroll
    for (int i = 0; i < 4; i++) wino_in_1d<W>(d + 4 * i, 1);  // (B^T d) B: along each row
#pragma unroll
    for (int p = 0; p < 16; p++) wino_sv<W>(v + ((u64)p * tiles + t) * ci + c, d[p]);
  }
}
VECTOR_KERNEL(k_wino_input, (const st* x, st* v, int h, int w, int ci, int ntiles), (x, v, h, w, ci, ntiles))
extern "C" __global__ void k_wino_input_v4(const st* x, st* v, int h, int w, int ci, int ntiles) { after_earlier_kernels(); k_wino_input_t<4>(x, v, h, w, ci, ntiles); }
// k_wino_output: a thread per (tile, W output channels): A^T M A + bias (+ residual) into the tile's 2x2 outputs
template <int W> __device__ void k_wino_output_t(const st* m, const st* bias, const st* residual, st* y, int h, int w, int co, int ntiles) {
  const u32 tiles = ntiles, tw = w / 2, th = h / 2;
  FOR_EACH_VEC(e, tiles * (u32)co) {
    const u32 t = e / (u32)co, tx = t % tw, ty = (t / tw) % th, b = t / (tw * th);
    const int c = e % (u32)co;
    float a[16][W], r[2][4][W], bs[W];
#pragma unroll
    for (int p = 0; p < 16; p++) ldv<W>(m + ((u64)p * tiles + t) * co + c, a[p]);
    if (bias) ldv<W>(bias + c, bs);
    else UNROLL bs[k] = 0.f;
#pragma unroll
    for (int j = 0; j < 4; j++) UNROLL {  // A^T M: down each column
      r[0][j][k] = a[j][k] + a[4 + j][k] + a[8 + j][k];
      r[1][j][k] = a[4 + j][k] - a[8 + j][k] - a[12 + j][k];
    }
#pragma unroll
    for (int i = 0; i < 2; i++) {
      float o[2][W];
      UNROLL {  // (A^T M) A: along the row
        o[0][k] = r[i][0][k] + r[i][1][k] + r[i][2][k] + bs[k];
        o[1][k] = r[i][1][k] - r[i][2][k] - r[i][3][k] + bs[k];
      }
#pragma unroll
      for (int j = 0; j < 2; j++) {
        const u64 at = (((u64)b * h + 2 * ty + i) * w + 2 * tx + j) * co + c;
        if (residual) {
          float q[W];
          ldv<W>(residual + at, q);
          UNROLL o[j][k] += q[k];
        }
        svv<W>(y + at, o[j]);
      }
    }
  }
}
VECTOR_KERNEL(k_wino_output, (const st* m, const st* bias, const st* residual, st* y, int h, int w, int co, int ntiles),
              (m, bias, residual, y, h, w, co, ntiles))
// k_wino_weights: U = G g G^T for each (output, input channel) of w [co, 3, 3, ci] (Backend.convWeight's layout), into U [16][co][ci]
extern "C" __global__ void k_wino_weights(const st* w, st* u, int co, int ci) {
  after_earlier_kernels();
  FOR_EACH(e, (u32)co * (u32)ci) {
    const u32 o = e / (u32)ci, c = e % (u32)ci;
    float g[3][3], t[4][3];
    for (int i = 0; i < 9; i++) g[i / 3][i % 3] = ld(w[((u64)o * 9 + i) * ci + c]);
    for (int x = 0; x < 3; x++) {  // G g: down each column
      t[0][x] = g[0][x]; t[1][x] = 0.5f * (g[0][x] + g[1][x] + g[2][x]); t[2][x] = 0.5f * (g[0][x] - g[1][x] + g[2][x]); t[3][x] = g[2][x];
    }
    for (int i = 0; i < 4; i++) {  // (G g) G^T: along each row
      const float q[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]), 0.5f * (t[i][0] - t[i][1] + t[i][2]), t[i][2]};
      for (int j = 0; j < 4; j++) u[((u64)(4 * i + j) * co + o) * ci + c] = sv(q[j]);
    }
  }
}
