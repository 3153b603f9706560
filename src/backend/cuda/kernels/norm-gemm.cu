// A transformer block's projections of few token rows (a sparse step's active tokens) with the
// LayerNorm in front of them, in one launch: what k_layer_norm and a cuBLASLt GEMM (or its batched
// form over q, k and v) do in two. fp16 storage, fp32 accumulation on mma.sync m16n8k16.
//   x [m, k] (token rows), through the norm: (x - mean) * rstd * gamma + beta, rounded for storage
//       as k_layer_norm stores it (no gamma: x as it is);
//   up to three products p (blockIdx.y / (n / NG_COLS)): y_p [m, n] = norm(x) w_p^T (+ b_p),
//       w_p [n, k] as stored (a linear layer's [out, in]).
// A block holds NG_ROWS rows of x whole in shared memory (k up to NG_MAX_K), normalises them in
// place, and multiplies them by NG_COLS rows of w_p that stream through NG_STAGES stages of k-tiles
// of NG_K by cp.async, for each of its column tiles in turn (blockIdx.y, + gridDim.y, ...: the host
// gives each block several where there are more than the GPU holds at once, so that a block's
// rows are loaded and normalised once for all of them). Its warps tile the block's product as 2 x
// (NG_THREADS / 64) tiles of 16 x 16. The weights, gamma and beta are written by no kernel, so they
// (the weights' first stages) are queued before the wait, while the kernel ahead finishes.
// blockIdx.x steps through rows fastest: the blocks that share a tile of the weights run together
// and find it in L2. Needs k a multiple of NG_K and n of NG_COLS.
#include "launch.cuh"
#include "mma.cuh"
#include "storage.cuh"

#define BROW (NG_K + 8)  // a weight row of a k-tile in shared memory, in halves: padded for conflict-free ldmatrix
#define WARPS (NG_THREADS / 32)

__device__ __forceinline__ void commit_copies() { asm volatile("cp.async.commit_group;\n"); }
__device__ __forceinline__ void wait_copies_all() { asm volatile("cp.async.wait_group 0;\n"); }
template <int N> __device__ __forceinline__ void wait_copies_but() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }

// LayerNorm of rows [0, live) of a (stride `as` halves) in place, gamma and beta in shared memory: a
// warp per row, two passes over the row in float (mean, then the squares of the deviations), as
// k_layer_norm computes them
__device__ void norm_rows(__half* a, int as, int k, const __half* g_s, const __half* b_s, float eps, int live) {
  const int lane = threadIdx.x & 31;
  for (int r = threadIdx.x >> 5; r < NG_ROWS && r < live; r += WARPS) {
    __half2* row = (__half2*)(a + r * as);
    float s = 0;
    for (int i = lane; i < k / 2; i += 32) { const float2 v = __half22float2(row[i]); s += v.x + v.y; }
    for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffff, s, o);
    const float mean = s / k;
    float q = 0;
    for (int i = lane; i < k / 2; i += 32) {
      const float2 v = __half22float2(row[i]);
      q = fmaf(v.x - mean, v.x - mean, q);
      q = fmaf(v.y - mean, v.y - mean, q);
    }
    for (int o = 16; o > 0; o >>= 1) q += __shfl_xor_sync(0xffffffff, q, o);
    const float rs = rsqrtf(q / k + eps);
    for (int i = lane; i < k / 2; i += 32) {
      const float2 v = __half22float2(row[i]);
      const float2 g = __half22float2(((const __half2*)g_s)[i]), b = __half22float2(((const __half2*)b_s)[i]);
      row[i] = __floats2half2_rn((v.x - mean) * rs * g.x + b.x, (v.y - mean) * rs * g.y + b.y);
    }
  }
}

extern "C" __global__ void k_norm_gemm(const st* x, const st* gamma, const st* beta, const st* w0, const st* w1, const st* w2, const st* b0, const st* b1, const st* b2, st* y0, st* y1, st* y2, int m, int n, int k, float eps) {
  extern __shared__ __align__(16) unsigned char smem[];
  const int as = k + 8;  // a row of x in shared memory, in halves (padded like BROW)
  __half* a_s = (__half*)smem;                   // [NG_ROWS][as]
  __half* w_s = a_s + NG_ROWS * as;              // [NG_STAGES][NG_COLS][BROW]
  __half* g_s = w_s + NG_STAGES * NG_COLS * BROW;  // gamma [k], then beta [k]
  const int per_product = n / NG_COLS, col_tiles = per_product * (w1 ? (w2 ? 3 : 2) : 1);
  const int row0 = blockIdx.x * NG_ROWS, tiles = k / NG_K, tid = threadIdx.x;
  // this block's column tiles: blockIdx.y, blockIdx.y + gridDim.y, ...: a stream of (column tile,
  // k-tile) steps through the stages, so the weights flow on across a tile's end
  const int steps = (col_tiles - (int)blockIdx.y + (int)gridDim.y - 1) / (int)gridDim.y * tiles;
  const auto tile_of = [&](int step) { return (int)blockIdx.y + step / tiles * (int)gridDim.y; };
  const auto load_weights = [&](int step) {
    const int ct = tile_of(step), product = ct / per_product, kt = step % tiles;
    const __half* wp = (product == 0 ? w0 : product == 1 ? w1 : w2) + (u64)(ct % per_product) * NG_COLS * k + kt * NG_K;
    __half* dst = w_s + (step % NG_STAGES) * NG_COLS * BROW;
    for (int c = tid; c < NG_COLS * (NG_K / 8); c += NG_THREADS) {
      const int r = c / (NG_K / 8), ch = (c % (NG_K / 8)) * 8;
      copy16(dst + r * BROW + ch, wp + (u64)r * k + ch, true);
    }
  };
  // the weights and the norm's parameters are written by no kernel: queued before the wait
  if (gamma)
    for (int c = tid; c < k / 4; c += NG_THREADS) copy16(g_s + c * 8, c < k / 8 ? gamma + c * 8 : beta + (c - k / 8) * 8, true);
#pragma unroll
  for (int s = 0; s < NG_STAGES - 1; s++) {
    if (s < steps) load_weights(s);
    commit_copies();
  }
  after_earlier_kernels();
  // x's rows (zero past the last: their products are not stored)
  for (int c = tid; c < NG_ROWS * (k / 8); c += NG_THREADS) {
    const int r = c / (k / 8), ch = (c % (k / 8)) * 8;
    const bool live = row0 + r < m;
    copy16(a_s + r * as + ch, x + (u64)(live ? row0 + r : 0) * k + ch, live);
  }
  commit_copies();
  wait_copies_all();
  __syncthreads();
  if (gamma) {
    norm_rows(a_s, as, k, g_s, g_s + k, eps, m - row0);
    __syncthreads();
  }
  const int warp = tid >> 5, lane = tid & 31;
  const int wm = (warp & 1) * 16, wn = (warp >> 1) * 16;  // this warp's 16 x 16 of the block's tile
  float acc[2][4] = {{0.f, 0.f, 0.f, 0.f}, {0.f, 0.f, 0.f, 0.f}};
  // ldmatrix rows: A's 16 rows at k and k + 8 (lanes 16-31); B's 16 output columns at k and k + 8
  const __half* a_lane = a_s + (wm + (lane & 15)) * as + (lane >> 4) * 8;
  const int b_lane = (wn + (lane & 7) + ((lane >> 4) << 3)) * BROW + ((lane >> 3) & 1) * 8;
  for (int step = 0; step < steps; step++) {
    wait_copies_but<NG_STAGES - 2>();
    __syncthreads();  // this step's k-tile landed for every thread; stage (step - 1) % NG_STAGES is free
    if (step + NG_STAGES - 1 < steps) load_weights(step + NG_STAGES - 1);
    commit_copies();
    const int kt = step % tiles;
    const __half* b_stage = w_s + (step % NG_STAGES) * NG_COLS * BROW + b_lane;
#pragma unroll
    for (int kk = 0; kk < NG_K; kk += 16) {
      u32 af[4], bf[4];
      ldsm4(af, a_lane + kt * NG_K + kk);
      ldsm4(bf, b_stage + kk);
      mma16816(acc[0], af, bf[0], bf[1]);
      mma16816(acc[1], af, bf[2], bf[3]);
    }
    if (kt + 1 < tiles) continue;
    // the column tile's last k-tile: its products (+ bias) stored, the sums started again
    const int ct = tile_of(step), product = ct / per_product, col0 = (ct % per_product) * NG_COLS;
    const __half* bias = product == 0 ? b0 : product == 1 ? b1 : b2;
    __half* yp = product == 0 ? y0 : product == 1 ? y1 : y2;
#pragma unroll
    for (int t = 0; t < 2; t++) {
      const int col = col0 + wn + t * 8 + 2 * (lane & 3);
      const float2 bv = bias ? __half22float2(*(const __half2*)(bias + col)) : make_float2(0.f, 0.f);
#pragma unroll
      for (int h = 0; h < 2; h++) {
        const int row = row0 + wm + (lane >> 2) + h * 8;
        if (row < m) *(__half2*)(yp + (u64)row * n + col) = __floats2half2_rn(acc[t][2 * h] + bv.x, acc[t][2 * h + 1] + bv.y);
        acc[t][2 * h] = acc[t][2 * h + 1] = 0.f;
      }
    }
  }
}
