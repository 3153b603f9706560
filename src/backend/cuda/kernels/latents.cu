// The sampling loop's float32 vectors (backend/latents.ts, cuda/latents.ts): no storage type, so
// compiled once for every precision (k_lat_sample and k_lat_guide, which read and write storage,
// are in ops.cu). One thread per element unless noted.
#include "launch.cuh"
typedef unsigned long long u64;
typedef unsigned int u32;
#define FOR_EACH(i, n) for (u32 i = blockIdx.x * blockDim.x + threadIdx.x; i < (u32)(n); i += gridDim.x * blockDim.x)

extern "C" __global__ void k_lat_combine(float* out, const float* p0, const float* p1, const float* p2, const float* p3, float c0, float c1, float c2, float c3, int terms, u64 n) {
  after_earlier_kernels();
  FOR_EACH(i, n) {
    float v = c0 * p0[i];
    if (terms > 1) v = fmaf(c1, p1[i], v);
    if (terms > 2) v = fmaf(c2, p2[i], v);
    if (terms > 3) v = fmaf(c3, p3[i], v);
    out[i] = v;
  }
}
extern "C" __global__ void k_lat_clamp(float* out, const float* x, float r, u64 n) {
  after_earlier_kernels();
  FOR_EACH(i, n) out[i] = fminf(r, fmaxf(-r, x[i]));
}
// x where the per-pixel mask is set, else base (channels-last, `channels` values a pixel)
extern "C" __global__ void k_lat_where(float* out, const unsigned char* mask, const float* x, const float* base, int channels, u64 n) {
  after_earlier_kernels();
  FOR_EACH(i, n) out[i] = mask[i / channels] ? x[i] : base[i];
}
extern "C" __global__ void k_lat_abs_diff(float* out, const float* a, const float* b, int channels, u64 pixels) {
  after_earlier_kernels();
  FOR_EACH(p, pixels) {
    float d = 0.f;
    for (int k = 0; k < channels; k++) d += fabsf(a[p * channels + k] - b[p * channels + k]);
    out[p] = d;
  }
}

// FISEdit's automatic mask where the difference maps are (edit/mask.ts): float32 maps, float64 sums.
// The arithmetic of backend/mask-levels.ts, float64 in the same order, so the same levels and mask
// as the host's. The reductions and the opening run in one block each (a latent map has ~10^4 positions).
#define DOUBLE_INF __longlong_as_double(0x7ff0000000000000LL)
__device__ __forceinline__ void block_min_max(double& lo, double& hi, double* red) {
  for (int o = 16; o > 0; o >>= 1) { lo = fmin(lo, __shfl_down_sync(0xffffffff, lo, o)); hi = fmax(hi, __shfl_down_sync(0xffffffff, hi, o)); }
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
  if (lane == 0) { red[warp] = lo; red[32 + warp] = hi; }
  __syncthreads();
  lo = DOUBLE_INF; hi = -DOUBLE_INF;
  for (int i = 0; i < warps; i++) { lo = fmin(lo, red[i]); hi = fmax(hi, red[32 + i]); }
}
// range[0..1] = the least and greatest value of x (NaN left out, as the host's comparisons leave it)
extern "C" __global__ void k_mask_range(const float* x, double* range, u64 n) {
  after_earlier_kernels();
  __shared__ double red[64];
  double lo = DOUBLE_INF, hi = -DOUBLE_INF;
  for (u64 i = threadIdx.x; i < n; i += blockDim.x) { lo = fmin(lo, (double)x[i]); hi = fmax(hi, (double)x[i]); }
  block_min_max(lo, hi, red);
  if (threadIdx.x == 0) { range[0] = lo; range[1] = hi; }
}
// sum (+)= (x - lo) / (hi - lo), 0 where the map is constant; `first` starts the sum
extern "C" __global__ void k_mask_accumulate(double* sum, const float* x, const double* range, int first, u64 n) {
  after_earlier_kernels();
  double lo = range[0], span = range[1] - lo;
  FOR_EACH(i, n) {
    double v = span > 0 ? ((double)x[i] - lo) / span : 0.0;
    sum[i] = first ? v : sum[i] + v;
  }
}
// levels = 255 * (sum - lo) / (hi - lo) over the sums' own range, rounded half up (Math.round)
extern "C" __global__ void k_mask_levels(const double* sum, float* levels, u64 n) {
  after_earlier_kernels();
  __shared__ double red[64];
  double lo = DOUBLE_INF, hi = -DOUBLE_INF;
  for (u64 i = threadIdx.x; i < n; i += blockDim.x) { lo = fmin(lo, sum[i]); hi = fmax(hi, sum[i]); }
  block_min_max(lo, hi, red);
  double span = hi - lo;
  for (u64 i = threadIdx.x; i < n; i += blockDim.x) {
    double s = (span > 0 ? (sum[i] - lo) / span : 0.0) * 255, f = floor(s);
    levels[i] = (float)(s - f >= 0.5 ? f + 1 : f);
  }
}
// how many positions have each level, as floats (exact up to 2^24 positions)
extern "C" __global__ void k_mask_counts(const float* levels, float* counts, u64 n) {
  after_earlier_kernels();
  __shared__ int c[256];
  for (int i = threadIdx.x; i < 256; i += blockDim.x) c[i] = 0;
  __syncthreads();
  for (u64 i = threadIdx.x; i < n; i += blockDim.x) atomicAdd(&c[(int)levels[i]], 1);
  __syncthreads();
  for (int i = threadIdx.x; i < 256; i += blockDim.x) counts[i] = (float)c[i];
}
// the positions whose level `keep` flags, opened with a 2x2 square (the union of the 2x2 squares
// inside them); scratch: 2 * h * w bytes
extern "C" __global__ void k_mask_open(const float* levels, const unsigned char* keep, unsigned char* scratch, float* mask, int h, int w) {
  after_earlier_kernels();
  u32 n = (u32)h * w;
  unsigned char *m = scratch, *e = scratch + n;
  for (u32 p = threadIdx.x; p < n; p += blockDim.x) m[p] = keep[(int)levels[p]];
  __syncthreads();
  for (u32 p = threadIdx.x; p < n; p += blockDim.x) {
    int y = p / w, x = p % w;
    e[p] = y + 1 < h && x + 1 < w ? m[p] & m[p + 1] & m[p + w] & m[p + w + 1] : 0;
  }
  __syncthreads();
  for (u32 p = threadIdx.x; p < n; p += blockDim.x) {
    int y = p / w, x = p % w;
    mask[p] = (e[p] | (y > 0 ? e[p - w] : 0) | (x > 0 ? e[p - 1] : 0) | (y > 0 && x > 0 ? e[p - w - 1] : 0)) ? 1.f : 0.f;
  }
}
