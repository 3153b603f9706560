// fp32 kernels of the cuda backend (channels-last). One thread per output element unless noted;
// reductions use one block per group / row. Compiled at run time by NVRTC (see nvrtc.ts).
typedef unsigned long long u64;

__device__ __forceinline__ float silu_f(float v) { return v / (1.f + expf(-v)); }
__device__ __forceinline__ float gelu_f(float v) { return 0.5f * v * (1.f + erff(v * 0.70710678118654752f)); }

#define FOR_EACH(i, n) for (u64 i = (u64)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (u64)gridDim.x * blockDim.x)

extern "C" __global__ void k_add(const float* a, const float* b, float* out, float scale, u64 n) {
  FOR_EACH(i, n) out[i] = a[i] + b[i] * scale;
}
extern "C" __global__ void k_scale(const float* a, float* out, float s, u64 n) {
  FOR_EACH(i, n) out[i] = a[i] * s;
}
// mode 0: silu, 1: gelu (erf), 2: quick gelu
extern "C" __global__ void k_unary(const float* a, float* out, int mode, u64 n) {
  FOR_EACH(i, n) {
    float v = a[i];
    out[i] = mode == 0 ? silu_f(v) : mode == 1 ? gelu_f(v) : v / (1.f + expf(-1.702f * v));
  }
}
extern "C" __global__ void k_geglu(const float* x, float* out, u64 f, u64 n) {
  FOR_EACH(i, n) {
    u64 r = i / f, c = i % f;
    out[i] = x[r * 2 * f + c] * gelu_f(x[r * 2 * f + f + c]);
  }
}
// out[i] = x[i] + v[batch(i), channel(i)]
extern "C" __global__ void k_add_per_channel(const float* x, const float* v, float* out, u64 per, u64 c, u64 n) {
  FOR_EACH(i, n) out[i] = x[i] + v[(i / per) * c + (i % c)];
}
extern "C" __global__ void k_bias_rows(float* y, const float* b, u64 c, u64 n) {
  FOR_EACH(i, n) y[i] += b[i % c];
}
extern "C" __global__ void k_concat(const float* a, const float* b, float* out, u64 ca, u64 cb, u64 n) {
  FOR_EACH(i, n) {
    u64 r = i / (ca + cb), c = i % (ca + cb);
    out[i] = c < ca ? a[r * ca + c] : b[r * cb + c - ca];
  }
}
// columns [start, start + w) of rows of width c
extern "C" __global__ void k_slice_cols(const float* x, float* out, u64 c, u64 start, u64 w, u64 n) {
  FOR_EACH(i, n) out[i] = x[(i / w) * c + start + i % w];
}
extern "C" __global__ void k_upsample2x(const float* x, float* out, int h, int w, int c, u64 n) {
  FOR_EACH(i, n) {
    u64 ch = i % c, p = i / c;
    u64 X = p % (2 * w), Y = (p / (2 * w)) % (2 * h), b = p / (4ull * h * w);
    out[i] = x[((b * h + Y / 2) * w + X / 2) * c + ch];
  }
}
extern "C" __global__ void k_embedding(const float* table, const int* ids, float* out, u64 c, u64 n) {
  FOR_EACH(i, n) out[i] = table[(u64)ids[i / c] * c + i % c];
}
// im2col: row (b, oy, ox), column (ky, kx, ci) -> matches weights [O, kh, kw, I]
extern "C" __global__ void k_im2col(const float* x, float* col, int h, int w, int ci, int kh, int kw, int stride,
                                    int pt, int pl, int ho, int wo, u64 n) {
  FOR_EACH(i, n) {
    u64 k = i % ((u64)kh * kw * ci), row = i / ((u64)kh * kw * ci);
    int c = k % ci, kx = (k / ci) % kw, ky = k / ((u64)ci * kw);
    int ox = row % wo, oy = (row / wo) % ho;
    u64 b = row / ((u64)ho * wo);
    int iy = oy * stride - pt + ky, ix = ox * stride - pl + kx;
    col[i] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? x[((b * h + iy) * w + ix) * ci + c] : 0.f;
  }
}
// one block per (batch item, group): mean and 1/sqrt(var + eps), two passes in double
extern "C" __global__ void k_group_stats(const float* x, double* mean, double* rstd, u64 positions, int c, int groups, float eps) {
  int b = blockIdx.x / groups, g = blockIdx.x % groups, cpg = c / groups;
  const float* base = x + (u64)b * positions * c + (u64)g * cpg;
  u64 count = positions * cpg;
  __shared__ double red[256];
  double s = 0;
  for (u64 i = threadIdx.x; i < count; i += blockDim.x) s += base[(i / cpg) * c + i % cpg];
  red[threadIdx.x] = s;
  __syncthreads();
  for (int o = blockDim.x / 2; o > 0; o >>= 1) { if (threadIdx.x < o) red[threadIdx.x] += red[threadIdx.x + o]; __syncthreads(); }
  double m = red[0] / count;
  __syncthreads();
  double q = 0;
  for (u64 i = threadIdx.x; i < count; i += blockDim.x) { double d = base[(i / cpg) * c + i % cpg] - m; q += d * d; }
  red[threadIdx.x] = q;
  __syncthreads();
  for (int o = blockDim.x / 2; o > 0; o >>= 1) { if (threadIdx.x < o) red[threadIdx.x] += red[threadIdx.x + o]; __syncthreads(); }
  if (threadIdx.x == 0) { mean[blockIdx.x] = m; rstd[blockIdx.x] = 1.0 / sqrt(red[0] / count + eps); }
}
// GroupNorm apply from stats with gamma/beta (+silu)
extern "C" __global__ void k_group_apply(const float* x, const double* mean, const double* rstd, const float* gamma, const float* beta,
                                         float* out, u64 per, int c, int groups, int silu, u64 n) {
  FOR_EACH(i, n) {
    u64 b = i / per; int ch = i % c; int g = b * groups + ch / (c / groups);
    float v = (float)((x[i] - mean[g]) * rstd[g]) * gamma[ch] + beta[ch];
    out[i] = silu ? silu_f(v) : v;
  }
}
extern "C" __global__ void k_channel_affine(const float* x, const float* scale, const float* shift, float* out, u64 per, int c, int silu, u64 n) {
  FOR_EACH(i, n) {
    u64 j = (i / per) * c + i % c;
    float v = x[i] * scale[j] + shift[j];
    out[i] = silu ? silu_f(v) : v;
  }
}
// one block per row
extern "C" __global__ void k_layer_norm(const float* x, const float* gamma, const float* beta, float* out, int c, float eps) {
  const float* row = x + (u64)blockIdx.x * c;
  __shared__ double red[256];
  double s = 0;
  for (int i = threadIdx.x; i < c; i += blockDim.x) s += row[i];
  red[threadIdx.x] = s;
  __syncthreads();
  for (int o = blockDim.x / 2; o > 0; o >>= 1) { if (threadIdx.x < o) red[threadIdx.x] += red[threadIdx.x + o]; __syncthreads(); }
  double m = red[0] / c;
  __syncthreads();
  double q = 0;
  for (int i = threadIdx.x; i < c; i += blockDim.x) { double d = row[i] - m; q += d * d; }
  red[threadIdx.x] = q;
  __syncthreads();
  for (int o = blockDim.x / 2; o > 0; o >>= 1) { if (threadIdx.x < o) red[threadIdx.x] += red[threadIdx.x + o]; __syncthreads(); }
  double r = 1.0 / sqrt(red[0] / c + eps);
  for (int i = threadIdx.x; i < c; i += blockDim.x) out[(u64)blockIdx.x * c + i] = (float)((row[i] - m) * r) * gamma[i] + beta[i];
}
// softmax over rows of length lk, scaled; causal masks keys after the query (row % lq)
extern "C" __global__ void k_softmax_rows(float* s, int lq, int lk, float scale, int causal) {
  float* row = s + (u64)blockIdx.x * lk;
  int q = blockIdx.x % lq;
  int count = causal ? min(q + 1, lk) : lk;
  __shared__ float red[256];
  float m = __int_as_float(0xff800000);  // -inf (NVRTC has no math.h)
  for (int j = threadIdx.x; j < count; j += blockDim.x) m = fmaxf(m, row[j]);
  red[threadIdx.x] = m;
  __syncthreads();
  for (int o = blockDim.x / 2; o > 0; o >>= 1) { if (threadIdx.x < o) red[threadIdx.x] = fmaxf(red[threadIdx.x], red[threadIdx.x + o]); __syncthreads(); }
  m = red[0];
  __syncthreads();
  float sum = 0;
  for (int j = threadIdx.x; j < count; j += blockDim.x) { float e = expf((row[j] - m) * scale); row[j] = e; sum += e; }
  red[threadIdx.x] = sum;
  __syncthreads();
  for (int o = blockDim.x / 2; o > 0; o >>= 1) { if (threadIdx.x < o) red[threadIdx.x] += red[threadIdx.x + o]; __syncthreads(); }
  float inv = 1.f / red[0];
  for (int j = threadIdx.x; j < lk; j += blockDim.x) row[j] = j < count ? row[j] * inv : 0.f;
}
// tiles [N*T, side, side, C] from x [N, H, W, C]; zero outside the image; affine (+silu) inside
extern "C" __global__ void k_gather_tiles(const float* x, const int* origins, const float* scale, const float* shift, float* out,
                                          int h, int w, int c, int blocks, int side, int silu, u64 n) {
  FOR_EACH(i, n) {
    int ch = i % c; u64 p = i / c;
    int tx = p % side, ty = (p / side) % side; u64 bt = p / ((u64)side * side);
    int t = bt % blocks; u64 b = bt / blocks;
    int iy = origins[2 * t] + ty, ix = origins[2 * t + 1] + tx;
    float v = 0.f;
    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
      v = x[((b * h + iy) * w + ix) * c + ch];
      if (scale) v = v * scale[b * c + ch] + shift[b * c + ch];
      if (silu) v = silu_f(v);
    }
    out[i] = v;
  }
}
// writes block outputs src [N*T, bs, bs, C] into out [N, H, W, C] where active
extern "C" __global__ void k_scatter_blocks(const float* src, const int* corners, const unsigned char* active, float* out,
                                            int h, int w, int c, int blocks, int bs, u64 n) {
  FOR_EACH(i, n) {
    int ch = i % c; u64 p = i / c;
    int dx = p % bs, dy = (p / bs) % bs; u64 bt = p / ((u64)bs * bs);
    int t = bt % blocks; u64 b = bt / blocks;
    int y = corners[2 * t] + dy, x = corners[2 * t + 1] + dx;
    if (y < h && x < w && active[y * w + x]) out[((b * h + y) * w + x) * c + ch] = src[i];
  }
}
extern "C" __global__ void k_gather_rows(const float* x, const int* idx, float* out, u64 l, int nidx, int c, u64 n) {
  FOR_EACH(i, n) {
    int ch = i % c; u64 r = i / c; int k = r % nidx; u64 b = r / nidx;
    out[i] = x[(b * l + idx[k]) * c + ch];
  }
}
extern "C" __global__ void k_scatter_rows(const float* src, const int* idx, float* out, u64 l, int nidx, int c, u64 n) {
  FOR_EACH(i, n) {
    int ch = i % c; u64 r = i / c; int k = r % nidx; u64 b = r / nidx;
    out[(b * l + idx[k]) * c + ch] = src[i];
  }
}
// probs [B, H, Lq, Lk]: in batch item `item`, column j takes source column map[j] (source [1, H, Lq, Lks])
extern "C" __global__ void k_remap_probs(float* p, const float* source, const int* map, int heads, int lq, int lk, int lks, int item, u64 n) {
  FOR_EACH(i, n) {
    int j = i % lk; u64 r = i / lk;  // r over heads * lq
    if (map[j] >= 0) p[((u64)item * heads * lq + r) * lk + j] = source[r * lks + map[j]];
  }
}
