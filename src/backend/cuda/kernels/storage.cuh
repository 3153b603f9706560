// What every kernel file over tensors in storage shares (ops.cu, sparse.cu): the storage type `st`
// (float, or __half when FISEDIT_HALF is defined; arithmetic is in float, statistics in double),
// ld() widening a stored value and sv() rounding a float for storage, the vector forms and the
// VECTOR_KERNEL builds. Passed to NVRTC as a header (device.ts load).
#pragma once
#include "launch.cuh"
typedef unsigned long long u64;
// Element counts stay below 2^32 (the host checks), so index math is 32-bit: far cheaper division.
typedef unsigned int u32;
typedef long long i64;
#ifdef FISEDIT_HALF
#include <cuda_fp16.h>
typedef __half st;
__device__ __forceinline__ float ld(st v) { return __half2float(v); }
__device__ __forceinline__ st sv(float v) { return __float2half_rn(v); }
// four consecutive values (8-byte aligned) as one load / store
__device__ __forceinline__ float4 ld4(const st* p) {
  uint2 u = *(const uint2*)p;
  float2 a = __half22float2(*(__half2*)&u.x), b = __half22float2(*(__half2*)&u.y);
  return make_float4(a.x, a.y, b.x, b.y);
}
__device__ __forceinline__ void sv4(st* p, float4 v) {
  __half2 a = __floats2half2_rn(v.x, v.y), b = __floats2half2_rn(v.z, v.w);
  uint2 u; u.x = *(unsigned*)&a; u.y = *(unsigned*)&b;
  *(uint2*)p = u;
}
#else
typedef float st;
__device__ __forceinline__ float ld(st v) { return v; }
__device__ __forceinline__ st sv(float v) { return v; }
__device__ __forceinline__ float4 ld4(const st* p) { return *(const float4*)p; }
__device__ __forceinline__ void sv4(st* p, float4 v) { *(float4*)p = v; }
#endif

#ifdef FISEDIT_HALF
// SiLU by the fast exponential and division (a few instructions a value, where expf and an IEEE
// division take tens): the kernels that apply a norm's affine and SiLU as they load do little else, and
// Winograd's input transform, issue-bound, went 0.71 -> 0.61 ms of a 768 px call with them
// (bench/results/2026-12-04-s60-call4.log). Their error is far below fp16's rounding of the result. Where 1 + e^-v overflows (v < ~-88) the
// quotient is 0, as SiLU is there to within float. The float32 modes keep expf and the IEEE division.
__device__ __forceinline__ float silu_f(float v) { return __fdividef(v, 1.f + __expf(-v)); }
// 1 / sqrt(v) of a norm's variance (+ eps), v computed in double: rounded to float, then the SFU's
// reciprocal square root (2 ulp), where the double square root and division are tens of dependent
// instructions on a norm's critical path; its product with gamma is stored in fp16.
__device__ __forceinline__ float inverse_sqrt(double v) { return rsqrtf((float)v); }
// GELU x Phi(x) for half storage: Phi(x) = erfc(-x / sqrt 2) / 2, where log2(erfc(u) / 2) is a
// polynomial in u = |x| / sqrt 2 (degree 7, minimax on u in [0, 4.5], beyond which erfc(u) / 2 is
// below 1e-10: u is held there) and one ex2. Over every finite half gate its relative error is at
// most 5.8e-6 against the exact GELU (double), and its result rounds to the exact GELU's half for
// 99.87% of them (test/gelu-half.test.ts), where erff's 0.5 x (1 + erf(x / sqrt 2)) cancels against 1
// below x = -3 and loses every digit in the tail (99.4% even with erf correctly rounded). About 12
// instructions where erff took ~30 (both branches of its polynomial and their selects: k_gemm_geglu's
// epilogue was issue-bound on them, bench/results/2026-12-03-s47-call1.log). The float32 modes keep erff.
__device__ __forceinline__ float gelu_f(float v) {
  const float u = fminf(fabsf(v) * 0.70710678118654752f, 4.5f);
  float p = -2.0429123e-05f;
  p = fmaf(p, u, 4.8778753e-04f);
  p = fmaf(p, u, -5.2338345e-03f);
  p = fmaf(p, u, 3.3941068e-02f);
  p = fmaf(p, u, -1.5247849e-01f);
  p = fmaf(p, u, -9.1704315e-01f);
  p = fmaf(p, u, -1.6280760f);
  p = fmaf(p, u, -9.9999887e-01f);
  float h;  // erfc(u) / 2 = Phi(-|x|)
  asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(h) : "f"(p));
  return v * (v >= 0.f ? 1.f - h : h);
}
#else
__device__ __forceinline__ float silu_f(float v) { return v / (1.f + expf(-v)); }
__device__ __forceinline__ float inverse_sqrt(double v) { return (float)(1.0 / sqrt(v)); }
__device__ __forceinline__ float gelu_f(float v) { return 0.5f * v * (1.f + erff(v * 0.70710678118654752f)); }
#endif

#define FOR_EACH(i, n) for (u32 i = blockIdx.x * blockDim.x + threadIdx.x; i < (u32)(n); i += gridDim.x * blockDim.x)

// Vector forms. Kernels over channels-last data come in two builds: k_x handles one element at a
// time, k_x_v VW consecutive elements (16 bytes: one load or store) when the host has checked that
// every pointer is 16-byte aligned and the element counts and channel widths are multiples of VW.
// `e` is always the first element a thread handles, so the index math is the scalar one.
#ifdef FISEDIT_HALF
#define VW 8
#else
#define VW 4
#endif
template <int W> __device__ __forceinline__ void ldv(const st* p, float* v) {
  if constexpr (W == 1) v[0] = ld(*p);
  else {
    uint4 u = *(const uint4*)p;
    const st* s = (const st*)&u;
#pragma unroll
    for (int k = 0; k < W; k++) v[k] = ld(s[k]);
  }
}
// a vector as loaded, widened to floats later: loads kept in flight take half the registers in fp16
template <int W> struct stored { uint4 u; };
template <> struct stored<1> { st u; };
template <int W> __device__ __forceinline__ stored<W> ldraw(const st* p) {
  stored<W> r;
  if constexpr (W == 1) r.u = *p;
  else r.u = *(const uint4*)p;
  return r;
}
template <int W> __device__ __forceinline__ void straw(st* p, const stored<W>& r) {
  if constexpr (W == 1) *p = r.u;
  else *(uint4*)p = r.u;
}
template <int W> __device__ __forceinline__ void widen(const stored<W>& r, float* v) {
  const st* s = (const st*)&r.u;
#pragma unroll
  for (int k = 0; k < W; k++) v[k] = ld(s[k]);
}
template <int W> __device__ __forceinline__ void svv(st* p, const float* v) {
  if constexpr (W == 1) *p = sv(v[0]);
  else {
    uint4 u;
    st* s = (st*)&u;
#pragma unroll
    for (int k = 0; k < W; k++) s[k] = sv(v[k]);
    *(uint4*)p = u;
  }
}
template <int W> __device__ __forceinline__ void cpv(st* d, const st* s) {
  if constexpr (W == 1) *d = *s;
  else *(uint4*)d = *(const uint4*)s;
}
#define FOR_EACH_VEC(e, n) for (u32 e = (blockIdx.x * blockDim.x + threadIdx.x) * W; e < (u32)(n); e += gridDim.x * blockDim.x * W)
#define UNROLL _Pragma("unroll") for (int k = 0; k < W; k++)
// name##_t<W> is the body; the two builds are thin wrappers
#define VECTOR_KERNEL(name, params, args) \
  extern "C" __global__ void name params { after_earlier_kernels(); name##_t<1> args; } \
  extern "C" __global__ void name##_v params { after_earlier_kernels(); name##_t<VW> args; }
// The builds of a kernel that looks up the sparse plan's arrays before it waits for the kernels
// ahead (its body calls after_earlier_kernels() itself, or FOR_EACH_VEC_PLANNED does). A plan's
// arrays (tile origins and block corners, active flags, token and segment lists) are written once,
// by a synchronous upload before any kernel that reads them is queued, and never by a kernel
// (CudaDevice.indices). So where a thread's data lies is known before the wait, and only the loads
// of the data itself are left on the path after it (a lookup is a dependent round trip to memory).
#define PLANNED_VECTOR_KERNEL(name, params, args) \
  extern "C" __global__ void name params { name##_t<1> args; } \
  extern "C" __global__ void name##_v params { name##_t<VW> args; }
// FOR_EACH_VEC with `at` (a T) = expr, element e's place by the plan: for a thread's first element
// looked up before the wait, for each later one in turn
#define FOR_EACH_VEC_PLANNED(e, n, T, at, expr) \
  u32 e = (blockIdx.x * blockDim.x + threadIdx.x) * W; \
  T at = e < (u32)(n) ? (expr) : T(); \
  after_earlier_kernels(); \
  for (; e < (u32)(n); e += gridDim.x * blockDim.x * W, at = e < (u32)(n) ? (expr) : T())

// v * scale + shift for the W channels at `at` of a per (batch item, channel) affine ([N, C]), SiLU after when asked
template <int W> __device__ __forceinline__ void affine_v(float* v, const st* scale, const st* shift, u64 at, int silu) {
  float sc[W], sh[W];
  ldv<W>(scale + at, sc); ldv<W>(shift + at, sh);
  UNROLL { float a = v[k] * sc[k] + sh[k]; v[k] = silu ? silu_f(a) : a; }
}
// x [N, H, W, C] at item b, (iy, ix), channels ch..ch+W-1, through a norm's affine (when scale is
// given) and SiLU; zero outside the map (the padding a gathered tile or an im2col row holds)
template <int W> __device__ __forceinline__ void padded_value(const st* x, const st* scale, const st* shift, int h, int w, int c, u32 b, int iy, int ix,
                                                              int ch, int silu, float* v) {
  if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
    UNROLL v[k] = 0.f;
    return;
  }
  ldv<W>(x + (((u64)b * h + iy) * w + ix) * c + ch, v);
  if (scale) affine_v<W>(v, scale, shift, (u64)b * c + ch, silu);
  else if (silu) UNROLL v[k] = silu_f(v[k]);
}
