// What both tile-convolution kernels (tile-conv.cu's k_tile_conv, tile-conv-sm90.cu's k_tile_conv_wg*)
// take and how they write an output value: the arguments, where a product row lands in the base
// map, and the write itself (bias and residual added in float, rounded once; what the map held
// there kept in `displaced`). Needs storage.cuh (fp16 storage) and mma.cuh (pack).
#pragma once

struct TileConvArgs {
  const st* tiles; const st* weight; const st* bias;
  const int* corners; const unsigned char* active; const st* residual; st* out;
  st* displaced; float* partial; int* counters;
  int c, blocks, side, ks, stride, bo, oh, ow, co, rows, ktilesPerSplit;
  const void* wmap;  // k_tile_conv_wgs: the weights' tensor map (TMA boxes of 64 x its output channels); null for the others
};
// every tile-convolution kernel's parameters (kernels.ts TILE_CONV_KERNELS), and their TileConvArgs
#define TILE_CONV_ARGS                                                                                                             \
  const st *tiles, const st *weight, const st *bias, const int *corners, const unsigned char *active, const st *residual, st *out, \
      st *displaced, float *partial, int *counters, int c, int blocks, int side, int ks, int stride, int bo, int oh, int ow, int co, int rows, \
      int ktilesPerSplit, const void *wmap
#define TILE_CONV_VALUES \
  {tiles, weight, bias, corners, active, residual, out, displaced, partial, counters, c, blocks, side, ks, stride, bo, oh, ow, co, rows, ktilesPerSplit, wmap}

// Where output row `row` goes: its position's first element in out (channel 0) and the row itself,
// or at -1 where nothing is written (past the rows, outside the map, or not active).
struct OutRow { long long at; int row; };
__device__ __forceinline__ OutRow out_row(const TileConvArgs& a, int row) {
  if (row >= a.rows) return {-1, 0};
  int ox = row % a.bo, oy = (row / a.bo) % a.bo, bt = row / (a.bo * a.bo), t = bt % a.blocks, b = bt / a.blocks;
  int y = a.corners[2 * t] + oy, x = a.corners[2 * t + 1] + ox;
  if (y >= a.oh || x >= a.ow || !a.active[y * a.ow + x]) return {-1, 0};
  return {(long long)((((u64)b * a.oh + y) * a.ow + x) * a.co), row};
}

// residual + value + bias at channels col, col + 1 of an output row
__device__ __forceinline__ void write_out(const TileConvArgs& a, OutRow r, int col, float v0, float v1) {
  if (r.at < 0 || col >= a.co) return;
  if (a.bias) { v0 += ld(a.bias[col]); v1 += ld(a.bias[col + 1]); }
  u64 at = (u64)r.at + col;
  if (a.residual) {
    float2 q = __half22float2(*(const __half2*)(a.residual + at));
    v0 = q.x + v0; v1 = q.y + v1;
  }
  // what out held goes to `displaced` at the row's place in the tiles' layout (Backend.convTilesInto)
  *(u32*)(a.displaced + (u64)r.row * a.co + col) = *(const u32*)(a.out + at);
  *(u32*)(a.out + at) = pack(v0, v1);
}

