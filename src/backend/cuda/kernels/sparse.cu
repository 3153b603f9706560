// Kernels of FISEdit's sparse steps (channels-last): gathers of the active blocks' tiles and token
// rows (with the cached GroupNorm affine and SiLU where asked) and writes of their outputs into the
// base map in place (what the base held there kept, to undo the write).
// One thread per output element (W at a time in the _v builds) unless noted. Each looks up where its
// data lies by the plan before it waits for the kernels ahead (PLANNED_VECTOR_KERNEL, storage.cuh).
#include "launch.cuh"
#include "storage.cuh"
// Where element e of a tiles tensor [N*T, side, side, C] comes from in the map (tile t's origin at
// origins[2t]): (y, x, batch item, channel), all of its index math done before the wait
__device__ __forceinline__ int4 tile_source(u32 e, const int* origins, int c, int blocks, int side) {
  const u32 p = e / c, bt = p / (u32)(side * side), t = bt % (u32)blocks;
  const int2 origin = *(const int2*)(origins + 2 * t);
  return make_int4(origin.x + (p / side) % side, origin.y + p % side, bt / blocks, e % c);
}
// tiles [N*T, side, side, C] from x [N, H, W, C]; zero outside the image; affine (+silu) inside
template <int W> __device__ void k_gather_tiles_t(const st* x, const int* origins, const st* scale, const st* shift, st* out,
                                                  int h, int w, int c, int blocks, int side, int silu, u64 n) {
  FOR_EACH_VEC_PLANNED(e, n, int4, from, tile_source(e, origins, c, blocks, side)) {
    float v[W];
    padded_value<W>(x, scale, shift, h, w, c, from.z, from.x, from.y, from.w, silu, v);
    svv<W>(out + e, v);
  }
}
PLANNED_VECTOR_KERNEL(k_gather_tiles, (const st* x, const int* origins, const st* scale, const st* shift, st* out, int h, int w, int c, int blocks, int side, int silu, u64 n),
              (x, origins, scale, shift, out, h, w, c, blocks, side, silu, n))
// k_gather_tiles straight into an im2col matrix (the tiles' convolution without padding, as a GEMM):
// row (b, tile t, oy, ox), column (ky, kx, ci); a block per (row, kernel position), W channels a thread.
// With x2 (a 1x1 projection's input [N, H, W, C2], Backend TileProjection: its tiles are the output
// blocks, corners at origins2), one block more a row copies x2 at the row's output position into
// that row of col2 [rows, C2], as read (no affine): the projection's GEMM rows, by the same launch.
template <int W> __device__ void k_gather_im2col_t(const st* x, const int* origins, const st* scale, const st* shift, st* col,
                                                   int h, int w, int c, int blocks, int ks, int stride, int bo, int silu,
                                                   const st* x2, const int* origins2, st* col2, int c2) {
  const u32 taps = ks * ks + (c2 ? 1 : 0);  // c2 > 0 with x2 only
  u32 pair = blockIdx.x;  // row * taps + kernel position (ks * ks: the projection's)
  u32 kpos = pair % taps, row = pair / taps;
  int ox = row % bo, oy = (row / bo) % bo;
  u32 bt = row / (u32)(bo * bo);
  int t = bt % blocks; u32 b = bt / blocks;
  const bool projected = kpos == (u32)(ks * ks);
  const int* from = projected ? origins2 : origins;
  int iy = from[2 * t] + oy * (projected ? 1 : stride) + (projected ? 0 : (int)kpos / ks);
  int ix = from[2 * t + 1] + ox * (projected ? 1 : stride) + (projected ? 0 : (int)kpos % ks);
  after_earlier_kernels();  // the origin looked up first (PLANNED_VECTOR_KERNEL)
  const st* src = projected ? x2 : x;
  const int cs = projected ? c2 : c;
  st* dst = projected ? col2 + (u64)row * c2 : col + ((u64)row * ks * ks + kpos) * c;
  for (int ch = threadIdx.x * W; ch < cs; ch += blockDim.x * W) {
    float v[W];
    padded_value<W>(src, projected ? nullptr : scale, shift, h, w, cs, b, iy, ix, ch, projected ? 0 : silu, v);
    svv<W>(dst + ch, v);
  }
}
PLANNED_VECTOR_KERNEL(k_gather_im2col, (const st* x, const int* origins, const st* scale, const st* shift, st* col, int h, int w, int c, int blocks, int ks, int stride, int bo, int silu,
                                        const st* x2, const int* origins2, st* col2, int c2),
              (x, origins, scale, shift, col, h, w, c, blocks, ks, stride, bo, silu, x2, origins2, col2, c2))
// Where element e of a block write lands: blocks [N*T, bs, bs, C] (block t's corner at corners[2t]) into
// a map [N, H, W, C]; -1 where nothing is written (outside the map, or not active).
__device__ __forceinline__ i64 block_place(u32 e, const int* corners, const unsigned char* active, int h, int w, int c, int blocks, int bs) {
  int ch = e % c; u32 p = e / c;
  int dx = p % bs, dy = (p / bs) % bs; u32 bt = p / (u32)(bs * bs);
  int t = bt % blocks; u32 b = bt / blocks;
  int y = corners[2 * t] + dy, x = corners[2 * t + 1] + dx;
  if (y >= h || x >= w || !active[y * w + x]) return -1;
  return (i64)((((u64)b * h + y) * w + x) * c + ch);
}
// Where element e of a rows write lands: rows [N, nidx, C] (row k to row idx[k]) into [N, L, C].
__device__ __forceinline__ u64 row_place(u32 e, const int* idx, u64 l, int nidx, int c) {
  int ch = e % c; u32 r = e / c; int k = r % nidx; u64 b = r / nidx;
  return (b * l + idx[k]) * c + ch;
}
// Backend.overwriteBlocks: block outputs src [N*T, bs, bs, C] into out [N, H, W, C] in place where
// active, what out held there going to `held` (src's layout); residual (shaped like out, or null) is
// added at the written positions: out = residual + block output, the sum in float, rounded once (as
// k_add does)
// With `bias` (a convolution's, per channel, which its library left out) the block output is first
// src + bias rounded for storage, as k_conv_epilogue would have stored it: the same bits as that
// kernel before this one, a launch fewer.
template <int W> __device__ void k_overwrite_blocks_t(const st* src, const int* corners, const unsigned char* active, const st* residual,
                                                      const st* bias, st* out, st* held, int h, int w, int c, int blocks, int bs, u64 n) {
  FOR_EACH_VEC_PLANNED(e, n, i64, place, block_place(e, corners, active, h, w, c, blocks, bs)) {
    if (place < 0) continue;
    const u64 at = place;
    // every load before any store (a store ahead of a load keeps it behind, as the compiler cannot
    // tell the buffers apart): one round trip to memory after the wait, not two or three
    const stored<W> was = ldraw<W>(out + at), fresh = ldraw<W>(src + e);
    stored<W> b, r;
    if (bias) b = ldraw<W>(bias + e % (u32)c);
    if (residual) r = ldraw<W>(residual + at);
    straw<W>(held + e, was);
    if (!residual && !bias) {
      straw<W>(out + at, fresh);
      continue;
    }
    float v[W], a[W];
    widen<W>(fresh, v);
    if (bias) {
      widen<W>(b, a);
      UNROLL v[k] = ld(sv(v[k] + a[k]));
    }
    if (residual) {
      widen<W>(r, a);
      UNROLL v[k] = a[k] + v[k];
    }
    svv<W>(out + at, v);
  }
}
PLANNED_VECTOR_KERNEL(k_overwrite_blocks, (const st* src, const int* corners, const unsigned char* active, const st* residual, const st* bias, st* out, st* held, int h, int w, int c, int blocks, int bs, u64 n),
              (src, corners, active, residual, bias, out, held, h, w, c, blocks, bs, n))
// Where element e of gathered rows [N, nidx, C] comes from: (row idx[k], batch item, channel)
__device__ __forceinline__ int4 row_source(u32 e, const int* idx, int nidx, int c) {
  const u32 r = e / c;
  return make_int4(idx[r % nidx], r / nidx, e % c, 0);
}
// with scale and shift: also the rows through the per (batch item, channel) affine, as k_channel_affine computes it
template <int W> __device__ void k_gather_rows_t(const st* x, const int* idx, st* out, const st* scale, const st* shift, st* affined, u64 l, int nidx, int c, u64 n) {
  FOR_EACH_VEC_PLANNED(e, n, int4, from, row_source(e, idx, nidx, c)) {
    const u64 b = from.y;
    float a[W];
    ldv<W>(x + (b * l + from.x) * c + from.z, a);
    svv<W>(out + e, a);
    if (affined) {
      affine_v<W>(a, scale, shift, b * c + from.z, 0);
      svv<W>(affined + e, a);
    }
  }
}
PLANNED_VECTOR_KERNEL(k_gather_rows, (const st* x, const int* idx, st* out, const st* scale, const st* shift, st* affined, u64 l, int nidx, int c, u64 n),
              (x, idx, out, scale, shift, affined, l, nidx, c, n))
// Backend.overwriteRows: src's rows into rows idx of out in place, what out held there going to
// `held` ([N, nidx, C]): src gathered ([N, nidx, C], row k to idx[k]) or, with same_rows, a map like
// out (row idx[k] to idx[k]); blockIdx.y 1 writes a second pair (src2 into out2, held2, shaped
// alike: a self-attention's values with its keys)
template <int W> __device__ void k_overwrite_rows_t(const st* src, const int* idx, st* out, st* held, const st* src2, st* out2, st* held2,
                                                    u64 l, int nidx, int c, int same_rows, u64 n) {
  FOR_EACH_VEC_PLANNED(e, n, u64, at, row_place(e, idx, l, nidx, c)) {
    const st* from = blockIdx.y ? src2 : src;
    st* to = blockIdx.y ? out2 : out;
    // both loads before either store (the store to `held` would otherwise keep the source's load
    // behind it): one round trip to memory after the wait, not two
    const stored<W> was = ldraw<W>(to + at), v = ldraw<W>(from + (same_rows ? at : e));
    straw<W>((blockIdx.y ? held2 : held) + e, was);
    straw<W>(to + at, v);
  }
}
PLANNED_VECTOR_KERNEL(k_overwrite_rows, (const st* src, const int* idx, st* out, st* held, const st* src2, st* out2, st* held2, u64 l, int nidx, int c, int same_rows, u64 n),
              (src, idx, out, held, src2, out2, held2, l, nidx, c, same_rows, n))
// Backend.swapEach: swap blockIdx.y of `table` exchanges its rows with its base in place, at rows
// (row_place) or, where it has an `active` map, at blocks (block_place); each value is read before
// either is written. SWAP_WORDS words a swap: base, rows, index (idx or corners), active (0: rows),
// elements, channels, L or H, nidx or W, blocks, bs, and 1 where every access is a whole vector
// (VW values a thread) or 0 (one).
template <int W> __device__ void swap_t(const u64* s) {
  st* base = (st*)s[0];
  st* rows = (st*)s[1];
  const int* index = (const int*)s[2];
  const unsigned char* active = (const unsigned char*)s[3];
  const int c = (int)s[5];
  FOR_EACH_VEC(e, s[4]) {
    i64 at;
    if (active) {
      at = block_place(e, index, active, (int)s[6], (int)s[7], c, (int)s[8], (int)s[9]);
      if (at < 0) continue;
    } else {
      at = (i64)row_place(e, index, s[6], (int)s[7], c);
    }
    const stored<W> was = ldraw<W>(base + at), v = ldraw<W>(rows + e);
    straw<W>(rows + e, was);
    straw<W>(base + at, v);
  }
}
extern "C" __global__ void k_swap_each(const u64* table) {
  after_earlier_kernels();
  const u64* s = table + (u64)blockIdx.y * SWAP_WORDS;
  if (s[10]) swap_t<VW>(s);
  else swap_t<1>(s);
}
