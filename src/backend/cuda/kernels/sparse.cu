// Kernels of FISEdit's sparse steps (channels-last): gathers of the active blocks' tiles and token
// rows (with the cached GroupNorm affine and SiLU where asked) and writes of their outputs into the
// base map in place (what the base held there kept, to undo the write).
// One thread per output element (W at a time in the _v builds) unless noted.
#include "launch.cuh"
#include "storage.cuh"
// A gathered tile's value: x at (iy, ix) through the norm's affine (when scale is given) and SiLU,
// or zero outside the image (the padding the tile holds).
template <int W> __device__ __forceinline__ void tile_value(const st* x, const st* scale, const st* shift, int h, int w, int c, u32 b, int iy, int ix,
                                                            int ch, int silu, float* v) {
  if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
    UNROLL v[k] = 0.f;
    return;
  }
  ldv<W>(x + (((u64)b * h + iy) * w + ix) * c + ch, v);
  if (scale) affine_v<W>(v, scale, shift, (u64)b * c + ch, silu);
  else if (silu) UNROLL v[k] = silu_f(v[k]);
}
// tiles [N*T, side, side, C] from x [N, H, W, C]; zero outside the image; affine (+silu) inside
template <int W> __device__ void k_gather_tiles_t(const st* x, const int* origins, const st* scale, const st* shift, st* out,
                                                  int h, int w, int c, int blocks, int side, int silu, u64 n) {
  FOR_EACH_VEC(e, n) {
    int ch = e % c; u32 p = e / c;
    int tx = p % side, ty = (p / side) % side; u32 bt = p / (u32)(side * side);
    int t = bt % blocks; u32 b = bt / blocks;
    int iy = origins[2 * t] + ty, ix = origins[2 * t + 1] + tx;
    float v[W];
    tile_value<W>(x, scale, shift, h, w, c, b, iy, ix, ch, silu, v);
    svv<W>(out + e, v);
  }
}
VECTOR_KERNEL(k_gather_tiles, (const st* x, const int* origins, const st* scale, const st* shift, st* out, int h, int w, int c, int blocks, int side, int silu, u64 n),
              (x, origins, scale, shift, out, h, w, c, blocks, side, silu, n))
// k_gather_tiles straight into an im2col matrix (the tiles' convolution without padding, as a GEMM):
// row (b, tile t, oy, ox), column (ky, kx, ci); a block per (row, kernel position), W channels a thread.
template <int W> __device__ void k_gather_im2col_t(const st* x, const int* origins, const st* scale, const st* shift, st* col,
                                                   int h, int w, int c, int blocks, int ks, int stride, int bo, int silu) {
  u32 pair = blockIdx.x;  // row * ks * ks + kpos
  u32 kpos = pair % (u32)(ks * ks), row = pair / (u32)(ks * ks);
  int kx = kpos % ks, ky = kpos / ks;
  int ox = row % bo, oy = (row / bo) % bo;
  u32 bt = row / (u32)(bo * bo);
  int t = bt % blocks; u32 b = bt / blocks;
  int iy = origins[2 * t] + oy * stride + ky, ix = origins[2 * t + 1] + ox * stride + kx;
  st* dst = col + (u64)pair * c;
  for (int ch = threadIdx.x * W; ch < c; ch += blockDim.x * W) {
    float v[W];
    tile_value<W>(x, scale, shift, h, w, c, b, iy, ix, ch, silu, v);
    svv<W>(dst + ch, v);
  }
}
VECTOR_KERNEL(k_gather_im2col, (const st* x, const int* origins, const st* scale, const st* shift, st* col, int h, int w, int c, int blocks, int ks, int stride, int bo, int silu),
              (x, origins, scale, shift, col, h, w, c, blocks, ks, stride, bo, silu))
// Backend.overwriteBlocks: block outputs src [N*T, bs, bs, C] into out [N, H, W, C] in place where
// active, what out held there going to `held` (src's layout; src itself for Backend.swapBlocks);
// residual (shaped like out, or null) and shift ([N, C], or null) are added at the written positions:
// out = residual + block output + shift, the sum in float, rounded once (as k_add does)
template <int W> __device__ void k_overwrite_blocks_t(const st* src, const int* corners, const unsigned char* active, const st* residual,
                                                      const st* shift, st* out, st* held, int h, int w, int c, int blocks, int bs, u64 n) {
  FOR_EACH_VEC(e, n) {
    int ch = e % c; u32 p = e / c;
    int dx = p % bs, dy = (p / bs) % bs; u32 bt = p / (u32)(bs * bs);
    int t = bt % blocks; u32 b = bt / blocks;
    int y = corners[2 * t] + dy, x = corners[2 * t + 1] + dx;
    if (y >= h || x >= w || !active[y * w + x]) continue;
    u64 at = ((b * h + y) * w + x) * c + ch;
    // both read before either is written: held may be src itself (Backend.swapBlocks)
    const stored<W> was = ldraw<W>(out + at);
    if (!residual && !shift) {
      const stored<W> v = ldraw<W>(src + e);
      straw<W>(held + e, was);
      straw<W>(out + at, v);
      continue;
    }
    straw<W>(held + e, was);
    float v[W], r[W];
    ldv<W>(src + e, v);
    if (residual) {
      ldv<W>(residual + at, r);
      UNROLL v[k] = r[k] + v[k];
    }
    if (shift) {
      ldv<W>(shift + (u64)b * c + ch, r);
      UNROLL v[k] += r[k];
    }
    svv<W>(out + at, v);
  }
}
VECTOR_KERNEL(k_overwrite_blocks, (const st* src, const int* corners, const unsigned char* active, const st* residual, const st* shift, st* out, st* held, int h, int w, int c, int blocks, int bs, u64 n),
              (src, corners, active, residual, shift, out, held, h, w, c, blocks, bs, n))
// with scale and shift: also the rows through the per (batch item, channel) affine, as k_channel_affine computes it
template <int W> __device__ void k_gather_rows_t(const st* x, const int* idx, st* out, const st* scale, const st* shift, st* affined, u64 l, int nidx, int c, u64 n) {
  FOR_EACH_VEC(e, n) {
    int ch = e % c; u32 r = e / c; int k = r % nidx; u64 b = r / nidx;
    float a[W];
    ldv<W>(x + (b * l + idx[k]) * c + ch, a);
    svv<W>(out + e, a);
    if (affined) {
      affine_v<W>(a, scale, shift, b * c + ch, 0);
      svv<W>(affined + e, a);
    }
  }
}
VECTOR_KERNEL(k_gather_rows, (const st* x, const int* idx, st* out, const st* scale, const st* shift, st* affined, u64 l, int nidx, int c, u64 n),
              (x, idx, out, scale, shift, affined, l, nidx, c, n))
// Backend.overwriteRows: src's rows into rows idx of out in place, what out held there going to
// `held` ([N, nidx, C]; src itself for Backend.swapRows): src gathered ([N, nidx, C], row k to
// idx[k]) or, with same_rows, a map like out (row idx[k] to idx[k]); blockIdx.y 1 writes a second
// pair (src2 into out2, held2, shaped alike: a self-attention's values with its keys)
template <int W> __device__ void k_overwrite_rows_t(const st* src, const int* idx, st* out, st* held, const st* src2, st* out2, st* held2,
                                                    u64 l, int nidx, int c, int same_rows, u64 n) {
  if (blockIdx.y) { src = src2; out = out2; held = held2; }
  FOR_EACH_VEC(e, n) {
    int ch = e % c; u32 r = e / c; int k = r % nidx; u64 b = r / nidx;
    u64 at = (b * l + idx[k]) * c + ch;
    // both read before either is written: held may be src itself (Backend.swapRows)
    const stored<W> was = ldraw<W>(out + at), v = ldraw<W>(src + (same_rows ? at : e));
    straw<W>(held + e, was);
    straw<W>(out + at, v);
  }
}
VECTOR_KERNEL(k_overwrite_rows, (const st* src, const int* idx, st* out, st* held, const st* src2, st* out2, st* held2, u64 l, int nidx, int c, int same_rows, u64 n),
              (src, idx, out, held, src2, out2, held2, l, nidx, c, same_rows, n))
