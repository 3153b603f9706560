// Kernels of the cuda backend's ops (channels-last). One thread per output element unless noted;
// reductions use one block per group / row. Compiled at run time by NVRTC (see nvrtc.ts), once per
// storage type (storage.cuh: `st`, ld/sv, the vector builds). The sparse engine's gathers and
// in-place writes are in sparse.cu.
#include "launch.cuh"
#include "storage.cuh"
template <int W> __device__ void k_copy_t(const st* x, st* out, u64 n) {
  FOR_EACH_VEC(e, n) cpv<W>(out + e, x + e);
}
VECTOR_KERNEL(k_copy, (const st* x, st* out, u64 n), (x, out, n))
template <int W> __device__ void k_add_t(const st* a, const st* b, st* out, float scale, u64 n) {
  FOR_EACH_VEC(e, n) {
    float x[W], y[W];
    ldv<W>(a + e, x); ldv<W>(b + e, y);
    UNROLL x[k] += y[k] * scale;
    svv<W>(out + e, x);
  }
}
VECTOR_KERNEL(k_add, (const st* a, const st* b, st* out, float scale, u64 n), (a, b, out, scale, n))
template <int W> __device__ void k_scale_t(const st* a, st* out, float s, u64 n) {
  FOR_EACH_VEC(e, n) {
    float x[W];
    ldv<W>(a + e, x);
    UNROLL x[k] *= s;
    svv<W>(out + e, x);
  }
}
VECTOR_KERNEL(k_scale, (const st* a, st* out, float s, u64 n), (a, out, s, n))
// mode 0: silu, 1: gelu (erf), 2: quick gelu, 3: (x + 1) / 2 clamped to [0, 1]
template <int W> __device__ void k_unary_t(const st* a, st* out, int mode, u64 n) {
  FOR_EACH_VEC(e, n) {
    float x[W];
    ldv<W>(a + e, x);
    UNROLL x[k] = mode == 0 ? silu_f(x[k]) : mode == 1 ? gelu_f(x[k]) : mode == 2 ? x[k] / (1.f + expf(-1.702f * x[k])) : fminf(1.f, fmaxf(0.f, x[k] * 0.5f + 0.5f));
    svv<W>(out + e, x);
  }
}
VECTOR_KERNEL(k_unary, (const st* a, st* out, int mode, u64 n), (a, out, mode, n))
// rows of 2f: the first f values times gelu of the second f
template <int W> __device__ void k_geglu_t(const st* x, st* out, u64 f, u64 n) {
  FOR_EACH_VEC(e, n) {
    u32 r = e / (u32)f, c = e % (u32)f;
    float a[W], g[W];
    ldv<W>(x + r * 2 * f + c, a); ldv<W>(x + r * 2 * f + f + c, g);
    UNROLL a[k] *= gelu_f(g[k]);
    svv<W>(out + e, a);
  }
}
VECTOR_KERNEL(k_geglu, (const st* x, st* out, u64 f, u64 n), (x, out, f, n))
// y[e] += bias[channel(e)] + residual[e], in place, summed in float and rounded once: a
// convolution's epilogue where the library ran the convolution alone (cudnn.ts); either pointer may be null
template <int W> __device__ void k_conv_epilogue_t(st* y, const st* bias, const st* residual, u64 c, u64 n) {
  FOR_EACH_VEC(e, n) {
    float a[W], b[W];
    ldv<W>(y + e, a);
    if (bias) { ldv<W>(bias + e % (u32)c, b); UNROLL a[k] += b[k]; }
    if (residual) { ldv<W>(residual + e, b); UNROLL a[k] += b[k]; }
    svv<W>(y + e, a);
  }
}
VECTOR_KERNEL(k_conv_epilogue, (st* y, const st* bias, const st* residual, u64 c, u64 n), (y, bias, residual, c, n))
// Position q (row-major over [N, listed, w]) of the map rows `rows` lists, listed of each batch item's
// h: its place in the map [N, h, w] (without a list: q itself, every row listed). A sparse step's list
// is its plan's (PLANNED_VECTOR_KERNEL), looked up before the wait.
__device__ __forceinline__ u32 listed_position(u32 q, const int* rows, u32 listed, u32 h, u32 w) {
  if (!rows) return q;
  const u32 j = (q / w) % listed, item = q / (w * listed);
  return (item * h + rows[j]) * w + q % w;
}
// Backend.concatChannels over the listed rows (n: their elements, ca + cb channels a position)
template <int W> __device__ void k_concat_t(const st* a, const st* b, st* out, int ca, int cb, const int* rows, int listed, int h, int w, u64 n) {
  const u32 c = ca + cb;
  FOR_EACH_VEC_PLANNED(e, n, u32, p, listed_position(e / c, rows, listed, h, w)) {
    const u32 ch = e % c;
    cpv<W>(out + p * c + ch, ch < (u32)ca ? a + p * ca + ch : b + p * cb + ch - ca);
  }
}
PLANNED_VECTOR_KERNEL(k_concat, (const st* a, const st* b, st* out, int ca, int cb, const int* rows, int listed, int h, int w, u64 n),
                      (a, b, out, ca, cb, rows, listed, h, w, n))
// Backend.splitChannels: piece blockIdx.y (columns [start[j], start[j + 1]) of `rows` rows of width
// c) into out[j]. The pieces come by value, every field 8 bytes, so that the struct lies in the
// host's argument slots as the SPLIT_PIECES + 1 + SPLIT_PIECES values after `c` (cuda.ts splitChannels).
struct SplitPieces { st* out[SPLIT_PIECES]; u64 start[SPLIT_PIECES + 1]; };
template <int W> __device__ void k_split_cols_t(const st* x, u64 rows, u64 c, const SplitPieces& p) {
  const u32 j = blockIdx.y, start = (u32)p.start[j], w = (u32)(p.start[j + 1] - p.start[j]);
  st* out = p.out[j];
  FOR_EACH_VEC(e, rows * w) cpv<W>(out + e, x + (e / w) * (u32)c + start + e % w);
}
VECTOR_KERNEL(k_split_cols, (const st* x, u64 rows, u64 c, SplitPieces p), (x, rows, c, p))
// Backend.upsampleNearest2x into the listed rows of out [N, 2h, 2w, c] (n: their elements)
template <int W> __device__ void k_upsample2x_t(const st* x, st* out, const int* rows, int listed, int h, int w, int c, u64 n) {
  FOR_EACH_VEC_PLANNED(e, n, u32, p, listed_position(e / c, rows, listed, 2 * h, 2 * w)) {
    const u32 X = p % (2 * w), Y = (p / (2 * w)) % (2 * h), b = p / (4u * h * w);
    cpv<W>(out + p * c + e % c, x + ((b * h + Y / 2) * w + X / 2) * c + e % c);
  }
}
PLANNED_VECTOR_KERNEL(k_upsample2x, (const st* x, st* out, const int* rows, int listed, int h, int w, int c, u64 n), (x, out, rows, listed, h, w, c, n))
extern "C" __global__ void k_embedding(const st* table, const int* ids, st* out, u64 c, u64 n) {
  after_earlier_kernels();
  FOR_EACH(i, n) out[i] = table[(u64)ids[i / (u32)c] * c + i % (u32)c];
}
// im2col: row (b, oy, ox), column (ky, kx, ci) -> matches weights [O, kh, kw, I]; x read through a
// norm's affine (+SiLU) when scale is given, or SiLU alone (Backend.conv2d's input), zero in the
// padding. One block per (row, kernel position); its threads take the ci contiguous channels, W at a
// time (coalesced both ways).
template <int W> __device__ void k_im2col_t(const st* x, const st* scale, const st* shift, st* col, int h, int w, int ci, int kh, int kw, int stride,
                                            int pt, int pl, int ho, int wo, int silu) {
  u32 pair = blockIdx.x;  // row * kh * kw + kpos
  u32 kpos = pair % (u32)(kh * kw), row = pair / (u32)(kh * kw);
  int kx = kpos % kw, ky = kpos / kw;
  int ox = row % wo, oy = (row / wo) % ho;
  u32 b = row / (u32)(ho * wo);
  int iy = oy * stride - pt + ky, ix = ox * stride - pl + kx;
  st* dst = col + (u64)pair * ci;
  for (int c = threadIdx.x * W; c < ci; c += blockDim.x * W) {
    float v[W];
    padded_value<W>(x, scale, shift, h, w, ci, b, iy, ix, c, silu, v);
    svv<W>(dst + c, v);
  }
}
VECTOR_KERNEL(k_im2col, (const st* x, const st* scale, const st* shift, st* col, int h, int w, int ci, int kh, int kw, int stride, int pt, int pl, int ho, int wo, int silu),
              (x, scale, shift, col, h, w, ci, kh, kw, stride, pt, pl, ho, wo, silu))
// GroupNorm statistics as a per (batch item, channel) affine, in two kernels and in double.
// k_group_partial: a block per (batch item, listed segment: a piece of a map row, backend.ts
// groupSegments) sums x and x^2 per group over its positions (threads take a channel vector each
// and rows in turn, so loads are whole rows; the block then adds its threads' sums per channel and
// those per group, in a fixed order, through shared memory) into its own slot of `sums`: no atomics,
// no buffer to clear, the same bits every run, and a segment's sums do not depend on which others
// were listed with it.
// k_group_affine: a block per (batch item, group) adds the group's segments, taking `base`'s sums for
// the segments of rows `rows` does not flag (and copying them into `sums`, which then holds the
// whole map's), and folds mean and 1/sqrt(var + eps) with gamma and beta into scale and shift.
// With `offset` ([N, C], a resnet's time embedding) both take x + offset: the partial sums add it as
// they load, the affine folds it into the shift, and the sum is never written out.
// (One kernel whose last block folded the statistics was slower, twice: that block's fold over every
// segment, after all others, cost more than a second launch, whether a warp per group or split over
// all its threads; bench/results/2026-11-30-edit-cuda-fp16-gn-fused.log, 2026-11-30-gn-fused-parallel-trial.log.)
#define PARTIAL_LOADS 8
template <int W> __device__ void k_group_partial_t(const st* x, const st* offset, double* sums, const int* list, int listed, int w, int pieces, int segments, int c, int groups) {
  // [2][W][nrows][cv]: thread (r0, v) keeps its sums at word r0 * cv + v of each plane, so a warp's
  // threads touch consecutive words (a thread's W channels side by side were 32-way bank conflicts)
  extern __shared__ double acc[];
  u32 b = blockIdx.x / listed, j = blockIdx.x % listed;
  u32 seg = list ? list[j] : j, row = seg / pieces, piece = seg % pieces, chunk = (w + pieces - 1) / pieces;
  after_earlier_kernels();  // the segment looked up first: `list` is a plan's (PLANNED_VECTOR_KERNEL, storage.cuh)
  u32 lo = row * w + piece * chunk, hi = min(row * w + w, lo + chunk);
  u32 cv = c / W, nrows = blockDim.x / cv, v = threadIdx.x % cv, r0 = threadIdx.x / cv;  // blockDim.x = nrows * cv
  u32 plane = blockDim.x;
  double s[W], q[W];
  UNROLL { s[k] = 0; q[k] = 0; }
  float o[W];  // this thread's channels' offset (x + offset is summed), 0 without one
  if (offset) ldv<W>(offset + (u64)b * c + v * W, o);
  else UNROLL o[k] = 0.f;
  const st* at = x + (u64)b * (segments / pieces) * w * c + v * W;
  // PARTIAL_LOADS rows in flight per thread: the loop is bound by memory latency, not bandwidth. Kept
  // as loaded and widened when summed: widened at once they took twice the registers, and the
  // U-Net's partial sums took 0.70 ms at 768 px against 0.55 (bench/results/2026-12-01-group-partial-ab.log)
  for (u32 p = lo + r0; p < hi; p += PARTIAL_LOADS * nrows) {
    stored<W> a[PARTIAL_LOADS];
#pragma unroll
    for (int u = 0; u < PARTIAL_LOADS; u++)
      if (p + u * nrows < hi) a[u] = ldraw<W>(at + (u64)(p + u * nrows) * c);
#pragma unroll
    for (int u = 0; u < PARTIAL_LOADS; u++)
      if (p + u * nrows < hi) {
        float f[W];
        widen<W>(a[u], f);
        UNROLL { f[k] += o[k]; s[k] += f[k]; q[k] += (double)f[k] * f[k]; }
      }
  }
  UNROLL { acc[k * plane + threadIdx.x] = s[k]; acc[(W + k) * plane + threadIdx.x] = q[k]; }
  __syncthreads();
  // per channel (into row 0 of each plane), then per group
  if (r0 == 0) {
    for (u32 r = 1; r < nrows; r++) UNROLL { s[k] += acc[k * plane + r * cv + v]; q[k] += acc[(W + k) * plane + r * cv + v]; }
    UNROLL { acc[k * plane + v] = s[k]; acc[(W + k) * plane + v] = q[k]; }
  }
  __syncthreads();
  int cpg = c / groups;
  for (int g = threadIdx.x; g < groups; g += blockDim.x) {
    double gs = 0, gq = 0;
    for (int i = 0; i < cpg; i++) {
      int ch = g * cpg + i, k = ch % W;  // channel ch is element k of vector ch / W
      gs += acc[k * plane + ch / W]; gq += acc[(W + k) * plane + ch / W];
    }
    double* out = sums + 2 * (((u64)b * segments + seg) * groups + g);
    out[0] = gs; out[1] = gq;
  }
}
PLANNED_VECTOR_KERNEL(k_group_partial, (const st* x, const st* offset, double* sums, const int* list, int listed, int w, int pieces, int segments, int c, int groups),
              (x, offset, sums, list, listed, w, pieces, segments, c, groups))
extern "C" __global__ void k_group_affine(double* sums, const double* base, const unsigned char* rows, int pieces, int segments, u64 count, float eps,
                                          const st* gamma, const st* beta, const st* offset, st* scale, st* shift, int c, int groups) {
  __shared__ double rs[32], rq[32];
  int b = blockIdx.x / groups, g = blockIdx.x % groups, cpg = c / groups;
  // The host launches it straight after the k_group_partial that fills `sums` (groupNormAffine in
  // pointwise-ops.ts), and that kernel writes nothing else: so what this one reads besides the fresh
  // sums (the base's sums, cached at another step; the plan's row flags; gamma, beta and the offset:
  // far-away loads, mostly from memory, not L2) it loads before it waits, and after the wait only
  // the fresh sums, just written. Every load is issued at once, not one round trip after another:
  // the kernel is the latency of its dependent loads.
  const int ch0 = g * cpg + threadIdx.x;
  const float gamma0 = threadIdx.x < cpg ? ld(gamma[ch0]) : 0.f, beta0 = threadIdx.x < cpg ? ld(beta[ch0]) : 0.f;
  const float offset0 = offset && threadIdx.x < cpg ? ld(offset[b * c + ch0]) : 0.f;
  const auto at = [&](int i) { return 2 * (((u64)b * segments + i) * groups + g); };
  // whether the base's sums stand for segment i, and those sums (both read, neither waiting on the other)
  bool kept;
  double2 old = {0, 0};
  const auto base_of = [&](int i) {
    kept = false;
    if (!base || i >= segments) return;
    kept = !rows[i / pieces];
    old = *(const double2*)(base + at(i));
  };
  int i = threadIdx.x;
  base_of(i);  // this thread's first segment's, before the wait
  // the division by the count before the wait too (a double division is tens of dependent instructions)
  const double per = 1.0 / (double)count;
  after_earlier_kernels();
  double s = 0, q = 0;
  for (; i < segments; i += blockDim.x) {
    const u64 o = at(i);
    const double2 a = kept ? old : *(const double2*)(sums + o);
    if (kept) *(double2*)(sums + o) = a;
    s += a.x; q += a.y;
    base_of(i + blockDim.x);
  }
  for (int o = 16; o > 0; o >>= 1) { s += __shfl_down_sync(0xffffffff, s, o); q += __shfl_down_sync(0xffffffff, q, o); }
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) { rs[warp] = s; rq[warp] = q; }
  __syncthreads();
  if (warp == 0) {
    // over the warps' sums only (the shuffles from lanes past them added zeros: the same bits); the
    // halving offsets need a power-of-two count of warps (the host launches 128 threads: pointwise-ops.ts)
    s = lane < blockDim.x / 32 ? rs[lane] : 0; q = lane < blockDim.x / 32 ? rq[lane] : 0;
    for (int o = blockDim.x / 64; o > 0; o >>= 1) { s += __shfl_down_sync(0xffffffff, s, o); q += __shfl_down_sync(0xffffffff, q, o); }
    if (lane == 0) { rs[0] = s; rq[0] = q; }
  }
  __syncthreads();
  const double m = rs[0] * per;
  const float rstd = inverse_sqrt(fmax(fma(rq[0], per, -m * m), 0.0) + eps);
  for (int i = threadIdx.x; i < cpg; i += blockDim.x) {
    int ch = g * cpg + i;
    const bool first = i == (int)threadIdx.x;
    float sc = (float)rstd * (first ? gamma0 : ld(gamma[ch]));
    // x * sc + shift = (x + offset - mean) * sc + beta
    const float off = first ? offset0 : offset ? ld(offset[b * c + ch]) : 0.f;
    scale[b * c + ch] = sv(sc);
    shift[b * c + ch] = sv((first ? beta0 : ld(beta[ch])) - ((float)m - off) * sc);
  }
}
// B vectors a thread, all loaded before any is written: over large maps (the _vb build, B = VEC_BATCH,
// kernels.ts; the host launches a quarter of the threads) with one 16-byte load in flight per thread
// this moved half of what the memory can. The other builds take one (B's registers cost occupancy:
// the U-Net's affines, about a wave of blocks, went 0.50 -> 0.62 ms at 768 px when every build took
// four; so did the channel's index divided in 64 bits, now in 32: n < 2^32)
template <int W, int B = 1> __device__ void k_channel_affine_t(const st* x, const st* scale, const st* shift, st* out, u64 per, int c, int silu, u64 n) {
  const u64 stride = (u64)gridDim.x * blockDim.x * W;
  for (u64 e0 = ((u64)blockIdx.x * blockDim.x + threadIdx.x) * W; e0 < n; e0 += B * stride) {
    float a[B][W];
#pragma unroll
    for (int u = 0; u < B; u++)
      if (e0 + u * stride < n) ldv<W>(x + e0 + u * stride, a[u]);
#pragma unroll
    for (int u = 0; u < B; u++) {
      const u64 e = e0 + u * stride;
      if (e >= n) break;
      const u32 e32 = (u32)e;
      affine_v<W>(a[u], scale, shift, (e32 / (u32)per) * (u32)c + e32 % (u32)c, silu);
      svv<W>(out + e, a[u]);
    }
  }
}
VECTOR_KERNEL(k_channel_affine, (const st* x, const st* scale, const st* shift, st* out, u64 per, int c, int silu, u64 n), (x, scale, shift, out, per, c, silu, n))
extern "C" __global__ void k_channel_affine_vb(const st* x, const st* scale, const st* shift, st* out, u64 per, int c, int silu, u64 n) {
  after_earlier_kernels();
  k_channel_affine_t<VW, VEC_BATCH>(x, scale, shift, out, per, c, silu, n);
}
// `lanes` lanes a row (a power of two up to 32; 32 / lanes rows a warp): the fewest whose LN_KEPT
// vectors each hold the row (the host's choice, kernels.ts), so a 320-wide row takes 8 lanes and a
// warp four rows, and every row of a large map is in flight at once (a warp a row: 0.61 ms of a
// 768 px U-Net call). A lane keeps its vectors as loaded: the row is read from memory once (longer
// rows than lanes * LN_KEPT vectors read their rest again). Statistics in float, two passes (the mean,
// then the squared distances from it, so no cancellation), reductions by shuffles within the row's
// lanes. (In double they took 5.7 us a call in a 5% sparse step, mostly conversions and dependent
// double adds: bench/results/2026-12-01-sparse-step-kernels-s18-ncu-stalls.txt; float: 2026-12-01-norms-ab.log.)
// WITH_ROW (the _vw build, over a block an SM or fewer: a sparse step's tokens): a lane loads its kept
// vectors' gamma and beta with them, one round trip to memory fewer after the statistics, for 96
// registers instead of 51 (which would cost the occupancy a dense map's waves of blocks need)
template <int W, bool WITH_ROW = false> __device__ void k_layer_norm_t(const st* x, const st* gamma, const st* beta, st* out, int c, float eps, u32 rows, int lanes) {
  int lane = threadIdx.x & 31, sub = lane & (lanes - 1);
  u32 r = (blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5)) * (32 / lanes) + lane / lanes;
  const bool live = r < rows;  // no early return: the shuffles take every lane of the warp
  const st* row = x + (u64)(live ? r : 0) * c;
  const int first_rest = (sub + lanes * LN_KEPT) * W, step = lanes * W;
  stored<W> keep[LN_KEPT], gk[WITH_ROW ? LN_KEPT : 1], bk[WITH_ROW ? LN_KEPT : 1];
  float a[W];
  float s = 0;
#pragma unroll
  for (int j = 0; j < LN_KEPT; j++) {
    const int i = (sub + lanes * j) * W;
    if (live && i < c) {
      keep[j] = ldraw<W>(row + i);
      if constexpr (WITH_ROW) { gk[j] = ldraw<W>(gamma + i); bk[j] = ldraw<W>(beta + i); }
    }
  }
#pragma unroll
  for (int j = 0; j < LN_KEPT; j++)
    if (live && (sub + lanes * j) * W < c) { widen<W>(keep[j], a); UNROLL s += a[k]; }
  for (int i = first_rest; live && i < c; i += step) { ldv<W>(row + i, a); UNROLL s += a[k]; }
  for (int o = lanes / 2; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffff, s, o);
  const float m = s / c;
  float q = 0;
#pragma unroll
  for (int j = 0; j < LN_KEPT; j++)
    if (live && (sub + lanes * j) * W < c) { widen<W>(keep[j], a); UNROLL { const float d = a[k] - m; q = fmaf(d, d, q); } }
  for (int i = first_rest; live && i < c; i += step) { ldv<W>(row + i, a); UNROLL { const float d = a[k] - m; q = fmaf(d, d, q); } }
  for (int o = lanes / 2; o > 0; o >>= 1) q += __shfl_xor_sync(0xffffffff, q, o);
  if (!live) return;
  const float rs = rsqrtf(q / c + eps);
  float gm[W], bt[W];
#pragma unroll
  for (int j = 0; j < LN_KEPT; j++) {
    const int i = (sub + lanes * j) * W;
    if (i >= c) continue;
    widen<W>(keep[j], a);
    if constexpr (WITH_ROW) { widen<W>(gk[j], gm); widen<W>(bk[j], bt); }
    else { ldv<W>(gamma + i, gm); ldv<W>(beta + i, bt); }
    UNROLL a[k] = (a[k] - m) * rs * gm[k] + bt[k];
    svv<W>(out + (u64)r * c + i, a);
  }
  for (int i = first_rest; i < c; i += step) {
    ldv<W>(row + i, a); ldv<W>(gamma + i, gm); ldv<W>(beta + i, bt);
    UNROLL a[k] = (a[k] - m) * rs * gm[k] + bt[k];
    svv<W>(out + (u64)r * c + i, a);
  }
}
VECTOR_KERNEL(k_layer_norm, (const st* x, const st* gamma, const st* beta, st* out, int c, float eps, u32 rows, int lanes), (x, gamma, beta, out, c, eps, rows, lanes))
extern "C" __global__ void k_layer_norm_vw(const st* x, const st* gamma, const st* beta, st* out, int c, float eps, u32 rows, int lanes) {
  after_earlier_kernels();
  k_layer_norm_t<VW, true>(x, gamma, beta, out, c, eps, rows, lanes);
}
__device__ __forceinline__ float block_reduce(float v, bool is_max, float* red) {
  for (int o = 16; o > 0; o >>= 1) { float u = __shfl_down_sync(0xffffffff, v, o); v = is_max ? fmaxf(v, u) : v + u; }
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) red[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < (int)(blockDim.x >> 5) ? red[lane] : (is_max ? __int_as_float(0xff800000) : 0.f);
    for (int o = 16; o > 0; o >>= 1) { float u = __shfl_down_sync(0xffffffff, v, o); v = is_max ? fmaxf(v, u) : v + u; }
    if (lane == 0) red[0] = v;
  }
  __syncthreads();
  v = red[0];
  __syncthreads();
  return v;
}
// softmax over rows of length lk, scaled; causal masks keys after the query (row % lq). Rows of at
// most `cached` values are read once into dynamic shared memory; longer rows are read three times.
extern "C" __global__ void k_softmax_rows(st* s, int lq, int lk, float scale, int causal, int cached) {
  after_earlier_kernels();
  extern __shared__ float row_cache[];
  __shared__ float red[32];
  st* row = s + (u64)blockIdx.x * lk;
  int q = blockIdx.x % lq;
  int count = causal ? min(q + 1, lk) : lk;
  bool use_cache = lk <= cached;
  float m = __int_as_float(0xff800000);
  for (int j = threadIdx.x; j < count; j += blockDim.x) { float v = ld(row[j]); if (use_cache) row_cache[j] = v; m = fmaxf(m, v); }
  m = block_reduce(m, true, red);
  float sum = 0;
  for (int j = threadIdx.x; j < count; j += blockDim.x) {
    float e = expf(((use_cache ? row_cache[j] : ld(row[j])) - m) * scale);
    if (use_cache) row_cache[j] = e; else row[j] = sv(e);
    sum += e;
  }
  float inv = 1.f / block_reduce(sum, false, red);
  for (int j = threadIdx.x; j < lk; j += blockDim.x) row[j] = sv(j < count ? (use_cache ? row_cache[j] : ld(row[j])) * inv : 0.f);
}
// softmax of short rows (lk <= 32 * SOFTMAX_SHORT: text tokens, a cross-attention's 77 keys): a warp
// per row, the row in registers. A block of 256 threads per 77-value row left most threads idle:
// 70 us a call for the 92160 rows of an SD 2 cross-attention at 768 px (denseEditProfile of
// bench/results/2026-11-30-edit-cuda-fp16-whole-edits-profiled.json). SOFTMAX_SHORT: defined at compilation (kernels.ts).
// Cross-attention control (backend.ts ProbsControl) of probability p at column j of row r of
// [B, H, Lq] rows (per_item = H * Lq a batch item): in batch item `item`, where map[j] names a column
// of source [1, H, Lq, Lks] (column numbers as values, exact in fp16 up to 2048; -1, or one past the
// source's columns, keeps p: never a read outside the source), that column's probability.
__device__ __forceinline__ float controlled(float p, const st* source, const st* map, u64 r, int j, u64 per_item, int lks, int item) {
  if (!source || r / per_item != (u64)item) return p;
  int m = (int)ld(map[j]);
  return m >= 0 && m < lks ? ld(source[(r % per_item) * lks + m]) : p;
}
// the softmax, then (source set) cross-attention control: one pass, in place. (Loading the source's
// values with the row's, to overlap the two loads, was slower: 0.58 against 0.46 ms for the 16 of a
// 768 px step, bench/results/2026-11-30-edit-softmax-control-prefetch-trial.log.)
extern "C" __global__ void k_softmax_short(st* s, u64 rows, int lq, int lk, float scale, int causal, const st* source, const st* map, u64 per_item, int lks, int item) {
  after_earlier_kernels();
  u64 r = (u64)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
  if (r >= rows) return;
  int lane = threadIdx.x & 31;
  st* row = s + r * lk;
  int count = causal ? min((int)(r % lq) + 1, lk) : lk;
  float v[SOFTMAX_SHORT];
  float m = __int_as_float(0xff800000);
#pragma unroll
  for (int i = 0; i < SOFTMAX_SHORT; i++) {
    int j = lane + 32 * i;
    v[i] = j < count ? ld(row[j]) : __int_as_float(0xff800000);
    m = fmaxf(m, v[i]);
  }
  for (int o = 16; o > 0; o >>= 1) m = fmaxf(m, __shfl_xor_sync(0xffffffff, m, o));
  float sum = 0.f;
#pragma unroll
  for (int i = 0; i < SOFTMAX_SHORT; i++) {
    v[i] = lane + 32 * i < count ? expf((v[i] - m) * scale) : 0.f;
    sum += v[i];
  }
  for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffff, sum, o);
  float inv = 1.f / sum;
#pragma unroll
  for (int i = 0; i < SOFTMAX_SHORT; i++) {
    int j = lane + 32 * i;
    if (j < lk) row[j] = sv(controlled(v[i] * inv, source, map, r, j, per_item, lks, item));
  }
}
// softmax of rows whose length is a multiple of 4 and at most 4 * 16 * blockDim.x: each thread keeps
// its part of the row in registers as float4 (one read and one write of the row, nothing else).
// SOFTMAX_VEC: defined at compilation (kernels.ts).
extern "C" __global__ void k_softmax_rows_vec(st* s, int lk, float scale) {
  after_earlier_kernels();
  __shared__ float red[32];
  st* row = s + (u64)blockIdx.x * lk;
  int n4 = lk >> 2;
  float4 vals[SOFTMAX_VEC];
  float m = __int_as_float(0xff800000);
#pragma unroll
  for (int i = 0; i < SOFTMAX_VEC; i++) {
    int j = threadIdx.x + i * blockDim.x;
    if (j < n4) {
      vals[i] = ld4(row + 4 * j);
      m = fmaxf(m, fmaxf(fmaxf(vals[i].x, vals[i].y), fmaxf(vals[i].z, vals[i].w)));
    }
  }
  m = block_reduce(m, true, red);
  const float k = scale * 1.4426950408889634f;  // exp(x) = exp2(x * log2 e)
  const float mk = m * k;
  float sum = 0;
#pragma unroll
  for (int i = 0; i < SOFTMAX_VEC; i++) {
    int j = threadIdx.x + i * blockDim.x;
    if (j < n4) {
      vals[i].x = exp2f(vals[i].x * k - mk); vals[i].y = exp2f(vals[i].y * k - mk);
      vals[i].z = exp2f(vals[i].z * k - mk); vals[i].w = exp2f(vals[i].w * k - mk);
      sum += (vals[i].x + vals[i].y) + (vals[i].z + vals[i].w);
    }
  }
  float inv = 1.f / block_reduce(sum, false, red);
#pragma unroll
  for (int i = 0; i < SOFTMAX_VEC; i++) {
    int j = threadIdx.x + i * blockDim.x;
    if (j < n4) sv4(row + 4 * j, make_float4(vals[i].x * inv, vals[i].y * inv, vals[i].z * inv, vals[i].w * inv));
  }
}
// cross-attention control in place over batch item `item` of probs [B, H, Lq, Lk] (n = H * Lq * Lk),
// after the softmaxes of rows longer than k_softmax_short takes
extern "C" __global__ void k_remap_probs(st* p, const st* source, const st* map, u64 per_item, int lk, int lks, int item, u64 n) {
  after_earlier_kernels();
  FOR_EACH(i, n) {
    u64 r = (u64)item * per_item + i / lk;
    int j = i % lk;
    st* at = p + r * lk + j;
    *at = sv(controlled(ld(*at), source, map, r, j, per_item, lks, item));
  }
}
// float32 host data <-> storage
extern "C" __global__ void k_from_f32(const float* x, st* out, u64 n) {
  after_earlier_kernels();
  FOR_EACH(i, n) out[i] = sv(x[i]);
}
extern "C" __global__ void k_to_f32(const st* x, float* out, u64 n) {
  after_earlier_kernels();
  FOR_EACH(i, n) out[i] = ld(x[i]);
}
// toHost with values kept outside a region, from the device into page-locked host memory (`out` and
// `keep` mapped): x's values where the region marks a position, keep's (read over PCIe) elsewhere
extern "C" __global__ void k_to_host_keeping(const st* x, float* out, const unsigned char* region, const float* keep, int channels, u64 n) {
  after_earlier_kernels();
  FOR_EACH(i, n) out[i] = region[i / channels] ? ld(x[i]) : keep[i];
}
// The sampling loop's vectors (LatentOps): float32 whatever the storage type, one thread per value.
// the U-Net's sample: `copies` batch items of scale * x in storage
extern "C" __global__ void k_lat_sample(st* out, const float* x, float scale, int copies, u64 n) {
  after_earlier_kernels();
  FOR_EACH(i, n) {
    st v = sv(scale * x[i]);
    for (int k = 0; k < copies; k++) out[(u64)k * n + i] = v;
  }
}
// classifier-free guidance of a batch of two (uncond, cond), or the one item as it is
extern "C" __global__ void k_lat_guide(float* out, const st* y, float g, int items, u64 n) {
  after_earlier_kernels();
  FOR_EACH(i, n) {
    float u = ld(y[i]);
    out[i] = items == 2 ? u + g * (ld(y[n + i]) - u) : u;
  }
}
// many copies in one launch: copies[4 i] = dst, src, bytes, and the first chunk of copy i (the
// copies' COPY_CHUNK-byte chunks numbered in order); buffers 16-byte aligned. Each block copies one
// contiguous run of chunks: it finds the copy of its first chunk once (every thread, from cached
// loads: no shared memory, no barrier), then walks forward through the copies; each thread keeps
// COPY_UNROLL 16-byte loads in flight (one load at a time left a 633 MiB copy at ~1.1 TB/s). H200,
// 644 MiB in 100 pieces: 3.67 TB/s (a search per chunk behind two barriers, as before: 3.46; the
// driver's one-piece copy 4.14; streaming cache hints no different:
// bench/results/2026-11-30-copy-kernel-variants.log). COPY_UNROLL is defined at compilation (kernels.ts).
#define COPY_CHUNK (256 * 16 * COPY_UNROLL)
// bytes [start, end) of one copy (end - start at most COPY_CHUNK), by a block of 256 threads
__device__ __forceinline__ void copy_chunk(unsigned char* dst, const unsigned char* src, u64 start, u64 end) {
  if (end - start == COPY_CHUNK) {
    const uint4* from = (const uint4*)(src + start);
    uint4* to = (uint4*)(dst + start);
    uint4 v[COPY_UNROLL];
#pragma unroll
    for (int k = 0; k < COPY_UNROLL; k++) v[k] = from[k * 256 + threadIdx.x];
#pragma unroll
    for (int k = 0; k < COPY_UNROLL; k++) to[k * 256 + threadIdx.x] = v[k];
  } else {
    u64 whole = start + ((end - start) & ~(u64)15);
    for (u64 i = start + 16 * threadIdx.x; i < whole; i += 16 * 256) *(uint4*)(dst + i) = *(const uint4*)(src + i);
    for (u64 i = whole + threadIdx.x; i < end; i += 256) dst[i] = src[i];
  }
}
extern "C" __global__ void __launch_bounds__(256) k_copy_many(const u64* copies, int n, u64 chunks) {
  after_earlier_kernels();
  u64 per = (chunks + gridDim.x - 1) / gridDim.x, first = blockIdx.x * per, last = min(first + per, chunks);
  if (first >= last) return;
  int which = 0, hi = n - 1;  // the last copy whose first chunk is at or before `first`
  while (which < hi) {
    int mid = (which + hi + 1) / 2;
    if (copies[4 * mid + 3] <= first) which = mid; else hi = mid - 1;
  }
  for (u64 chunk = first; chunk < last; chunk++) {
    while (which + 1 < n && copies[4 * (which + 1) + 3] <= chunk) which++;
    const u64* c = copies + 4 * which;
    u64 start = (chunk - c[3]) * COPY_CHUNK;
    copy_chunk((unsigned char*)c[0], (const unsigned char*)c[1], start, min(start + COPY_CHUNK, c[2]));
  }
}
// the pointer arrays of a batched GEMM (cuBLASLt's pointer-array mode: A, B and D of up to three
// products), written by a kernel so that a replay re-points them as it re-points any kernel argument
extern "C" __global__ void k_pointer_arrays(u64* out, u64 a0, u64 a1, u64 a2, u64 b0, u64 b1, u64 b2, u64 d0, u64 d1, u64 d2) {
  after_earlier_kernels();
  if (threadIdx.x == 0) {
    out[0] = a0; out[1] = a1; out[2] = a2;
    out[3] = b0; out[4] = b1; out[5] = b2;
    out[6] = d0; out[7] = d1; out[8] = d2;
  }
}
// holds the stream for `ns` nanoseconds (one thread), so that the host can queue work ahead of the
// GPU: what follows then runs back to back, as in a graph (the profiler's timing)
extern "C" __global__ void k_hold(u64 ns) {
  after_earlier_kernels();
  u64 t0, t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
  do {
    __nanosleep(10000);
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  } while (t - t0 < ns);
}
