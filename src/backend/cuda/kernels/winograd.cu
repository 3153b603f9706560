// Winograd's convolution for fp16 3x3 convolutions in graphs (winograd-ops.ts winogradConv; which ones:
// conv-paths.ts winogradShape): F(2x2, 3x3) first, then F(4x4, 3x3) (CudaOptions.winograd 'f4';
// conv-paths.ts winogradTile). Loaded with the fp16 storage type only, where the backend runs it.
#include "launch.cuh"
#include "storage.cuh"

// Each 2x2 block of outputs ("tile") from its 4x4 input patch by 16 products a channel pair where a
// direct convolution takes 36, in three steps: V = B^T d B for each
// tile and input channel (k_wino2_input), the 16 products M_p = V_p U_p^T as one batched GEMM
// ([tiles, ci] x [ci, co] each, cuBLASLt), then y = A^T M A for each tile and output channel
// (k_wino2_output), with U = G g G^T made once per weight (k_wino2_weights). For cross-correlation,
// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1],
// A^T = [1 1 1 0; 0 1 -1 -1]. Planes p = 4 i + j, each [rows, channels] row-major.
// One dimension of B^T d: in place over a[0..3] (each W wide)
template <int W> __device__ __forceinline__ void wino_in_1d(float (*a)[W], int stride) {
  UNROLL {
    const float d0 = a[0][k], d1 = a[stride][k], d2 = a[2 * stride][k], d3 = a[3 * stride][k];
    a[0][k] = d0 - d2; a[stride][k] = d1 + d2; a[2 * stride][k] = d2 - d1; a[3 * stride][k] = d1 - d3;
  }
}
// k_wino2_input: V = B^T d B for each tile and input channel, d its 4x4 patch of the input as conv2d
// reads it (x through a norm's affine and SiLU when given: Backend.ConvInput), zero in the padding.
// Neighbouring patches overlap by half each way, so each value is in four of them. A block takes
// WI_ROWS x WI_COLS tiles and WI_CHANNELS channels: it reads their patches' union, (2 WI_ROWS + 2) x
// (2 WI_COLS + 2) positions, into shared memory, through the affine and SiLU, once (1.4 reads a value
// where a thread reading its own patch made four, and four SiLUs: 2.33 ms of a 768 px call,
// bench/results/2026-12-04-s59-call3.log; so the affine had been a pass of its own, 0.35 ms, beside
// the transform's 0.79: 2026-12-04-s60-call1.log). Then a thread per (tile, 4 channels) transforms
// its patch from there. Maps of any even size: tiles past the map's edge are left out, positions past
// it read as padding. ci a multiple of WI_CHANNELS (conv-paths.ts winogradShape).
constexpr int WI_IN_ROWS = 2 * WI_ROWS + 2, WI_IN_COLS = 2 * WI_COLS + 2, WI_QUADS = WI_CHANNELS / 4, WI_THREADS = WI_ROWS * WI_COLS * WI_QUADS;
// A block's outputs: 2 WI_ROWS x 2 WI_COLS positions of item b from (y0, x0), channels c0.. of the
// input (both transforms' blocks cover as many: F(4x4, 3x3)'s half as many tiles each way).
struct WinoBlock { u32 b; int y0, x0, c0; };
__device__ __forceinline__ WinoBlock wino_block(int h, int w, int ci) {
  const int slices = ci / WI_CHANNELS, across = (w + 2 * WI_COLS - 1) / (2 * WI_COLS), down = (h + 2 * WI_ROWS - 1) / (2 * WI_ROWS);
  u32 g = blockIdx.x;
  const int c0 = (g % slices) * WI_CHANNELS;
  g /= slices;
  const int x0 = (g % across) * 2 * WI_COLS;
  g /= across;
  const int y0 = (g % down) * 2 * WI_ROWS;
  return {g / down, y0, x0, c0};
}
// Patches' union into shared memory: rows x cols positions from (y0, x0) of item b, channels c0.. (4
// `quads` of them: a map's block takes WI_QUADS), through the affine and SiLU, zero in the padding, by
// `threads` threads, into patches [rows][cols][quads].
__device__ __forceinline__ void wino_load(float4* patches, int rows, int cols, int quads, const st* x, const st* scale, const st* shift, int silu, int h, int w, int ci,
                                          u32 b, int y0, int x0, int c0, int threads) {
  const int VECS = 4 * quads / VW;  // the union by vectors of VW channels, in order along the channels
  for (int i = threadIdx.x; i < rows * cols * VECS; i += threads) {
    const int r = i / (cols * VECS), col = (i / VECS) % cols, k0 = (i % VECS) * VW;
    float a[VW];
    padded_value<VW>(x, scale, shift, h, w, ci, b, y0 + r, x0 + col, c0 + k0, 0, a);
    if (silu)
#pragma unroll
      for (int k = 0; k < VW; k++) a[k] = silu_f(a[k]);
#pragma unroll
    for (int q = 0; q < VW; q += 4) patches[(r * cols + col) * quads + (k0 + q) / 4] = make_float4(a[q], a[q + 1], a[q + 2], a[q + 3]);
  }
}
// V = B^T d B of one 4x4 patch, 4 channels (c..c+3): d from `at` (its top-left, rows `row` and
// columns `col` float4s apart), into tile t of v's 16 planes.
__device__ __forceinline__ void wino2_transform(const float4* at, int row, int col, st* v, int ntiles, u32 t, int ci, int c) {
  float d[16][4];
#pragma unroll
  for (int p = 0; p < 16; p++) {
    const float4 f = at[(p / 4) * row + (p % 4) * col];
    d[p][0] = f.x; d[p][1] = f.y; d[p][2] = f.z; d[p][3] = f.w;
  }
#pragma unroll
  for (int j = 0; j < 4; j++) wino_in_1d<4>(d + j, 4);  // B^T d: down each column
#pragma unroll
  for (int i = 0; i < 4; i++) wino_in_1d<4>(d + 4 * i, 1);  // (B^T d) B: along each row
#pragma unroll
  for (int p = 0; p < 16; p++) sv4(v + ((u64)p * ntiles + t) * ci + c, make_float4(d[p][0], d[p][1], d[p][2], d[p][3]));
}
// A block of the map's input transforms: which outputs and channels it takes (wino_block), their
// patches' union loaded into `patches` by `threads` threads, the block synchronised.
__device__ __forceinline__ WinoBlock wino_block_loaded(float4 (*patches)[WI_IN_COLS][WI_QUADS], const st* x, const st* scale, const st* shift, int silu, int h, int w, int ci, int threads) {
  const WinoBlock o = wino_block(h, w, ci);
  wino_load(&patches[0][0][0], WI_IN_ROWS, WI_IN_COLS, WI_QUADS, x, scale, shift, silu, h, w, ci, o.b, o.y0 - 1, o.x0 - 1, o.c0, threads);
  __syncthreads();
  return o;
}
extern "C" __global__ void __launch_bounds__(WI_THREADS) k_wino2_input(const st* x, const st* scale, const st* shift, int silu, st* v, int h, int w, int ci, int ntiles) {
  after_earlier_kernels();
  __shared__ float4 patches[WI_IN_ROWS][WI_IN_COLS][WI_QUADS];
  const int th = h / 2, tw = w / 2;
  const WinoBlock o = wino_block_loaded(patches, x, scale, shift, silu, h, w, ci, WI_THREADS);
  const int quad = threadIdx.x % WI_QUADS, tile = threadIdx.x / WI_QUADS, row = tile / WI_COLS, col = tile % WI_COLS;
  const int ty = o.y0 / 2 + row, tx = o.x0 / 2 + col;
  if (ty >= th || tx >= tw) return;
  wino2_transform(&patches[2 * row][2 * col][quad], WI_IN_COLS * WI_QUADS, WI_QUADS, v, ntiles, (o.b * th + ty) * tw + tx, ci, o.c0 + 4 * quad);
}
// k_wino2_input_tiles: V of a sparse step's tiles (Backend.gatherTiles: tile t of item b is the
// side x side positions of x from origins[2t] = (y, x), zero outside the map, through the affine and
// SiLU), each tile's convolution without padding being its (side - 2) / 2 squared 2x2 blocks of
// outputs; read from x as k_wino2_input reads a map, no tiles in memory. A block per (tile, item,
// slice of channels) and a thread per (2x2 block, 4 channels), the slice as wide as the block's
// threads leave each 2x2 block (the host gives small tiles wider slices: a tile of 4 x 4 outputs in
// 32 channels was a block of 32 threads); V's tiles in order (item, tile, block row, block column), as
// k_wino2_output reads them for outputs [N * T, side - 2, side - 2, co]. Dynamic shared memory: side x
// side positions of the slice's channels, floats.
extern "C" __global__ void k_wino2_input_tiles(const st* x, const int* origins, const st* scale, const st* shift, int silu, st* v, int h, int w, int ci, int blocks, int side, int ntiles) {
  after_earlier_kernels();
  extern __shared__ float4 patch[];
  const int tw = (side - 2) / 2, quads = blockDim.x / (tw * tw), slices = ci / (4 * quads), c0 = (blockIdx.x % slices) * 4 * quads;
  const u32 bt = blockIdx.x / slices;
  const int2 origin = *(const int2*)(origins + 2 * (bt % blocks));
  wino_load(patch, side, side, quads, x, scale, shift, silu, h, w, ci, bt / blocks, origin.x, origin.y, c0, blockDim.x);
  __syncthreads();
  const int quad = threadIdx.x % quads, tile = threadIdx.x / quads, row = tile / tw, col = tile % tw;
  wino2_transform(patch + (2 * row * side + 2 * col) * quads + quad, side * quads, quads, v, ntiles, (bt * tw + row) * tw + col, ci, c0 + 4 * quad);
}
// k_wino2_output: a thread per (tile, 4 output channels): A^T M A + bias (+ residual) into the tile's
// 2x2 outputs. 4 channels (8 bytes a load in fp16), not 16 bytes' 8: 16 planes of 8 held 84 registers a
// thread, three 256-thread blocks an SM (as the input transform's 16-byte build had held one:
// 2026-12-04-s60-call1.log).
__device__ __forceinline__ void ld4v(const st* p, float* v) { const float4 f = ld4(p); v[0] = f.x; v[1] = f.y; v[2] = f.z; v[3] = f.w; }
extern "C" __global__ void k_wino2_output(const st* m, const st* bias, const st* residual, st* y, int h, int w, int co, int ntiles) {
  after_earlier_kernels();
  constexpr int W = 4;
  const u32 tiles = ntiles, tw = w / 2, th = h / 2;
  FOR_EACH_VEC(e, tiles * (u32)co) {
    const u32 t = e / (u32)co, tx = t % tw, ty = (t / tw) % th, b = t / (tw * th);
    const int c = e % (u32)co;
    float a[16][W], r[2][4][W], bs[W];
#pragma unroll
    for (int p = 0; p < 16; p++) ld4v(m + ((u64)p * tiles + t) * co + c, a[p]);
    if (bias) ld4v(bias + c, bs);
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
          ld4v(residual + at, q);
          UNROLL o[j][k] += q[k];
        }
        sv4(y + at, make_float4(o[j][0], o[j][1], o[j][2], o[j][3]));
      }
    }
  }
}
// k_wino2_weights: U = G g G^T for each (output, input channel) of w [co, 3, 3, ci] (Backend.convWeight's layout), into U [16][co][ci]
extern "C" __global__ void k_wino2_weights(const st* w, st* u, int co, int ci) {
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

// Winograd's F(4x4, 3x3) (CudaOptions.winograd 'f4', for maps of 48 x 48 and larger): each 4x4 block
// of outputs from its 6x6 input patch by 36 products a channel pair where a direct convolution takes
// 144 (F(2x2, 3x3): 64), with 36 planes of V and M per 16 outputs where F(2x2, 3x3) has 64. Its
// points are 0, 1, -1, 1/2, -2 and infinity, whose fp16 error was the smallest of the sets simulated
// (2.4e-3 of the output's RMS against F(2x2, 3x3)'s 6.1e-4 and a direct convolution's 2.1e-4:
// bench/results/2026-12-04-s60-winograd-f4-error.{py,log}; B^T, G and A^T as that script makes them):
// B^T = [1 -3/2 -2 3/2 1 0; 0 -1 1/2 5/2 1 0; 0 1 -5/2 1/2 1 0; 0 -2 -1 2 1 0; 0 1/2 -1 -1/2 1 0;
// 0 1 -3/2 -2 3/2 1], G = [1 0 0; 1/3 1/3 1/3; -1/3 1/3 -1/3; -16/15 -8/15 -4/15; 1/15 -2/15 4/15;
// 0 0 1], A^T = [1 1 1 1 1 0; 0 1 -1 1/2 -2 0; 0 1 1 1/4 4 0; 0 1 -1 1/8 -8 1]. Planes p = 6 i + j.
// One dimension of B^T d: in place over a[0..5] (each W wide)
template <int W> __device__ __forceinline__ void wino4_in_1d(float (*a)[W], int stride) {
  UNROLL {
    const float d0 = a[0][k], d1 = a[stride][k], d2 = a[2 * stride][k], d3 = a[3 * stride][k], d4 = a[4 * stride][k], d5 = a[5 * stride][k];
    a[0][k] = d0 - 1.5f * d1 - 2.f * d2 + 1.5f * d3 + d4;
    a[stride][k] = -d1 + 0.5f * d2 + 2.5f * d3 + d4;
    a[2 * stride][k] = d1 - 2.5f * d2 + 0.5f * d3 + d4;
    a[3 * stride][k] = -2.f * d1 - d2 + 2.f * d3 + d4;
    a[4 * stride][k] = 0.5f * d1 - d2 - 0.5f * d3 + d4;
    a[5 * stride][k] = d1 - 1.5f * d2 - 2.f * d3 + 1.5f * d4 + d5;
  }
}
// k_wino4_input: V = B^T d B for each 4x4 tile and input channel, as k_wino2_input (the same blocks of
// outputs and union of patches in shared memory, each patch now 6x6), a thread per (tile, 2 channels):
// 36 planes of 4 channels were 144 values a thread. Maps of sides a multiple of 4.
constexpr int W4_ROWS = WI_ROWS / 2, W4_COLS = WI_COLS / 2, W4_PAIRS = WI_CHANNELS / 2, W4_THREADS = W4_ROWS * W4_COLS * W4_PAIRS;
extern "C" __global__ void __launch_bounds__(W4_THREADS) k_wino4_input(const st* x, const st* scale, const st* shift, int silu, st* v, int h, int w, int ci, int ntiles) {
  after_earlier_kernels();
  __shared__ float4 patches[WI_IN_ROWS][WI_IN_COLS][WI_QUADS];
  const int th = h / 4, tw = w / 4;
  const WinoBlock o = wino_block_loaded(patches, x, scale, shift, silu, h, w, ci, W4_THREADS);
  const int pair = threadIdx.x % W4_PAIRS, tile = threadIdx.x / W4_PAIRS, row = tile / W4_COLS, col = tile % W4_COLS;
  const int ty = o.y0 / 4 + row, tx = o.x0 / 4 + col;
  if (ty >= th || tx >= tw) return;
  const float2 (*pairs)[WI_IN_COLS][W4_PAIRS] = reinterpret_cast<const float2 (*)[WI_IN_COLS][W4_PAIRS]>(patches);
  float d[36][2];
#pragma unroll
  for (int p = 0; p < 36; p++) {
    const float2 f = pairs[4 * row + p / 6][4 * col + p % 6][pair];
    d[p][0] = f.x; d[p][1] = f.y;
  }
#pragma unroll
  for (int j = 0; j < 6; j++) wino4_in_1d<2>(d + j, 6);  // B^T d: down each column
#pragma unroll
  for (int i = 0; i < 6; i++) wino4_in_1d<2>(d + 6 * i, 1);  // (B^T d) B: along each row
  const u32 t = (o.b * th + ty) * tw + tx;
#pragma unroll
  for (int p = 0; p < 36; p++) *(__half2*)(v + ((u64)p * ntiles + t) * ci + o.c0 + 2 * pair) = __floats2half2_rn(d[p][0], d[p][1]);
}
// k_wino4_output: a thread per (4x4 tile, 2 output channels): A^T M A + bias (+ residual) into the
// tile's 16 outputs.
extern "C" __global__ void k_wino4_output(const st* m, const st* bias, const st* residual, st* y, int h, int w, int co, int ntiles) {
  after_earlier_kernels();
  constexpr int W = 2;
  const u32 tiles = ntiles, tw = w / 4, th = h / 4;
  FOR_EACH_VEC(e, tiles * (u32)co) {
    const u32 t = e / (u32)co, tx = t % tw, ty = (t / tw) % th, b = t / (tw * th);
    const int c = e % (u32)co;
    float a[36][W], r[4][6][W], bs[W] = {0.f, 0.f};
#pragma unroll
    for (int p = 0; p < 36; p++) {
      const float2 f = __half22float2(*(const __half2*)(m + ((u64)p * tiles + t) * co + c));
      a[p][0] = f.x; a[p][1] = f.y;
    }
    if (bias) { const float2 f = __half22float2(*(const __half2*)(bias + c)); bs[0] = f.x; bs[1] = f.y; }
#pragma unroll
    for (int j = 0; j < 6; j++) UNROLL {  // A^T M: down each column
      const float m0 = a[j][k], m1 = a[6 + j][k], m2 = a[12 + j][k], m3 = a[18 + j][k], m4 = a[24 + j][k], m5 = a[30 + j][k];
      r[0][j][k] = m0 + m1 + m2 + m3 + m4;
      r[1][j][k] = m1 - m2 + 0.5f * m3 - 2.f * m4;
      r[2][j][k] = m1 + m2 + 0.25f * m3 + 4.f * m4;
      r[3][j][k] = m1 - m2 + 0.125f * m3 - 8.f * m4 + m5;
    }
#pragma unroll
    for (int i = 0; i < 4; i++) {
      float o[4][W];
      UNROLL {  // (A^T M) A: along the row
        const float m0 = r[i][0][k], m1 = r[i][1][k], m2 = r[i][2][k], m3 = r[i][3][k], m4 = r[i][4][k], m5 = r[i][5][k];
        o[0][k] = m0 + m1 + m2 + m3 + m4 + bs[k];
        o[1][k] = m1 - m2 + 0.5f * m3 - 2.f * m4 + bs[k];
        o[2][k] = m1 + m2 + 0.25f * m3 + 4.f * m4 + bs[k];
        o[3][k] = m1 - m2 + 0.125f * m3 - 8.f * m4 + m5 + bs[k];
      }
#pragma unroll
      for (int j = 0; j < 4; j++) {
        const u64 at = (((u64)b * h + 4 * ty + i) * w + 4 * tx + j) * co + c;
        if (residual) {
          const float2 q = __half22float2(*(const __half2*)(residual + at));
          o[j][0] += q.x; o[j][1] += q.y;
        }
        *(__half2*)(y + at) = __floats2half2_rn(o[j][0], o[j][1]);
      }
    }
  }
}
// k_wino4_weights: U = G g G^T for each (output, input channel) of w [co, 3, 3, ci], into U [36][co][ci]
extern "C" __global__ void k_wino4_weights(const st* w, st* u, int co, int ci) {
  after_earlier_kernels();
  FOR_EACH(e, (u32)co * (u32)ci) {
    const u32 o = e / (u32)ci, c = e % (u32)ci;
    float g[3][3], t[6][3];
    for (int i = 0; i < 9; i++) g[i / 3][i % 3] = ld(w[((u64)o * 9 + i) * ci + c]);
    const auto gcol = [](float g0, float g1, float g2, float* q) {  // G (g0, g1, g2)
      q[0] = g0; q[1] = (g0 + g1 + g2) / 3.f; q[2] = (-g0 + g1 - g2) / 3.f;
      q[3] = -(16.f * g0 + 8.f * g1 + 4.f * g2) / 15.f; q[4] = (g0 - 2.f * g1 + 4.f * g2) / 15.f; q[5] = g2;
    };
    for (int x = 0; x < 3; x++) {  // G g: down each column
      float q[6];
      gcol(g[0][x], g[1][x], g[2][x], q);
      for (int i = 0; i < 6; i++) t[i][x] = q[i];
    }
    for (int i = 0; i < 6; i++) {  // (G g) G^T: along each row
      float q[6];
      gcol(t[i][0], t[i][1], t[i][2], q);
      for (int j = 0; j < 6; j++) u[((u64)(6 * i + j) * co + o) * ci + c] = sv(q[j]);
    }
  }
}
