// GroupNorm's statistics, by segments of the map and then by group: what ops.cu's k_group_partial
// and k_group_affine run in two launches and group-norm-sm90.cu's k_group_norm_cluster in one. The
// same code whichever the host launches, so the same bits.
//   group_partial: the sums of x and x^2 per group over one segment (a piece of a map row, backend.ts
//   groupSegments) of one batch item: threads take a channel vector each and rows in turn, so loads
//   are whole rows; the block then adds its threads' sums per channel and those per group, in a
//   fixed order, through shared memory, into the segment's own slot of `sums`: no atomics, no buffer
//   to clear, the same bits every run, and a segment's sums do not depend on which others were
//   listed with it.
//   group_fold: one (batch item, group): adds the group's segments, taking `base`'s sums for the
//   segments of rows `rows` does not flag (and copying them into `sums`, which then holds the whole
//   map's), and folds mean and 1/sqrt(var + eps) with gamma and beta into scale and shift.
// With `offset` ([N, C], a resnet's time embedding) both take x + offset: the partial sums add it as
// they load, the fold folds it into the shift, and the sum is never written out.
// (One kernel whose last block folded the statistics was slower, twice: that block's fold over every
// segment, after all others, cost more than a second launch, whether a warp per group or split over
// all its threads; bench/results/2026-11-30-edit-cuda-fp16-gn-fused.log, 2026-11-30-gn-fused-parallel-trial.log.
// k_group_norm_cluster instead meets at a cluster's barrier and folds on all its blocks.)
#pragma once
#include "launch.cuh"
#include "storage.cuh"

#define PARTIAL_LOADS 8
// FOLD_THREADS, the threads that fold one group (k_group_affine's block; their order of summing is
// the fold's bits): kernels.ts KERNEL_DEFINES, for ops.cu and group-norm-sm90.cu alike

// Segment `seg` of batch item b by the block's first nrows * (c / W) threads (the rest, a block of
// whole warps, only meet its barriers); acc: shared memory for nrows * c * 2 doubles
template <int W> __device__ __forceinline__ void group_partial(const st* x, const st* offset, double* sums, u32 b, u32 seg, int w, int pieces, int segments, int c, int groups,
                                                               u32 nrows, double* acc) {
  // [2][W][nrows][cv]: thread (r0, v) keeps its sums at word r0 * cv + v of each plane, so a warp's
  // threads touch consecutive words (a thread's W channels side by side were 32-way bank conflicts)
  const u32 row = seg / pieces, piece = seg % pieces, chunk = (w + pieces - 1) / pieces;
  const u32 lo = row * w + piece * chunk, hi = min(row * w + w, lo + chunk);
  const u32 cv = c / W, v = threadIdx.x % cv, r0 = threadIdx.x / cv, plane = nrows * cv;
  const bool summing = r0 < nrows;
  double s[W], q[W];
  UNROLL { s[k] = 0; q[k] = 0; }
  float o[W];  // this thread's channels' offset (x + offset is summed), 0 without one
  if (offset) ldv<W>(offset + (u64)b * c + v * W, o);
  else UNROLL o[k] = 0.f;
  const st* at = x + (u64)b * (segments / pieces) * w * c + v * W;
  // PARTIAL_LOADS rows in flight per thread: the loop is bound by memory latency, not bandwidth. Kept
  // as loaded and widened when summed: widened at once they took twice the registers, and the
  // U-Net's partial sums took 0.70 ms at 768 px against 0.55 (bench/results/2026-12-01-group-partial-ab.log)
  for (u32 p = lo + r0; summing && p < hi; p += PARTIAL_LOADS * nrows) {
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
  if (summing) UNROLL { acc[k * plane + threadIdx.x] = s[k]; acc[(W + k) * plane + threadIdx.x] = q[k]; }
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

// Group g of batch item b by the block's first FOLD_THREADS threads (every thread of the block calls
// it: it meets the block's barriers). WAIT: k_group_affine's, launched straight after the
// k_group_partial that fills `sums` (groupNormAffine in pointwise-ops.ts), which writes nothing else:
// so what it reads besides the fresh sums (the base's sums, cached at another step; the plan's row
// flags; gamma, beta and the offset: far-away loads, mostly from memory, not L2) it loads before it
// waits, and after the wait only the fresh sums, just written. Every load is issued at once, not one
// round trip after another: the kernel is the latency of its dependent loads.
template <bool WAIT> __device__ __forceinline__ void group_fold(double* sums, const double* base, const unsigned char* rows, int pieces, int segments, u64 count, float eps,
                                                                const st* gamma, const st* beta, const st* offset, st* scale, st* shift, int c, int groups, int b, int g) {
  __shared__ double rs[32], rq[32];
  const int cpg = c / groups, t = threadIdx.x;
  const bool mine = t < FOLD_THREADS && t < cpg;
  const int ch0 = g * cpg + t;
  const float gamma0 = mine ? ld(gamma[ch0]) : 0.f, beta0 = mine ? ld(beta[ch0]) : 0.f;
  const float offset0 = offset && mine ? ld(offset[b * c + ch0]) : 0.f;
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
  int i = t < FOLD_THREADS ? t : segments;
  base_of(i);  // this thread's first segment's, before the wait
  if (WAIT) after_earlier_kernels();
  double s = 0, q = 0;
  for (; i < segments; i += FOLD_THREADS) {
    const u64 o = at(i);
    const double2 a = kept ? old : *(const double2*)(sums + o);
    if (kept) *(double2*)(sums + o) = a;
    s += a.x; q += a.y;
    base_of(i + FOLD_THREADS);
  }
  for (int o = 16; o > 0; o >>= 1) { s += __shfl_down_sync(0xffffffff, s, o); q += __shfl_down_sync(0xffffffff, q, o); }
  int lane = t & 31, warp = t >> 5;
  if (lane == 0 && warp < FOLD_THREADS / 32) { rs[warp] = s; rq[warp] = q; }
  __syncthreads();
  if (warp == 0) {
    s = lane < FOLD_THREADS / 32 ? rs[lane] : 0; q = lane < FOLD_THREADS / 32 ? rq[lane] : 0;
    for (int o = 16; o > 0; o >>= 1) { s += __shfl_down_sync(0xffffffff, s, o); q += __shfl_down_sync(0xffffffff, q, o); }
    if (lane == 0) { rs[0] = s; rq[0] = q; }
  }
  __syncthreads();
  double m = rs[0] / count;
  double rstd = 1.0 / sqrt(fmax(rq[0] / count - m * m, 0.0) + eps);
  for (int i = t < FOLD_THREADS ? t : cpg; i < cpg; i += FOLD_THREADS) {
    int ch = g * cpg + i;
    const bool first = i == t;
    float sc = (float)rstd * (first ? gamma0 : ld(gamma[ch]));
    // x * sc + shift = (x + offset - mean) * sc + beta
    const float off = first ? offset0 : offset ? ld(offset[b * c + ch]) : 0.f;
    scale[b * c + ch] = sv(sc);
    shift[b * c + ch] = sv((first ? beta0 : ld(beta[ch])) - ((float)m - off) * sc);
  }
}
