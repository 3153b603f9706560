// A linear layer of few rows (a sparse step's active tokens), y = x w^T (+ bias, + residual), fp16 in
// and out, fp32 sums, for Hopper (thread block clusters).
//   What holds cuBLASLt's kernels at these shapes is latency, not work: a ~5% step's 76 x 1280 x
//   1280 product is 0.25 GFLOP over 3.3 MB of weights, ~5 us a launch, and a library kernel cannot
//   start before the kernel ahead of it has finished. This one is launched as a programmatic
//   dependent (launch.cuh) and, while the kernel ahead still runs, loads its weights before it waits:
//   into registers where the host says they are a model's parameter (`early`: no kernel writes them,
//   CudaDevice.settledParameter), else into L2 only (bulk prefetches: a prefetch returns nothing, so
//   it needs no order against whatever writes them), to be read from there after the wait.
//   Measured on the H200 (bench:gemm-rows, each layer behind a LayerNorm in graphs;
//   bench/results/2026-12-03-s55-call{1,3}.log): with its weights loaded before the wait and its
//   blocks as many as a wave holds, at or under cuBLASLt up to ~100 rows of 1280, ~200 of 640 and 768
//   of 320 (level there; 76 x 1280 -> 1280 7.6 against 8.3 us, weights into L2 only 8.4-8.8); linear
//   runs it about that far (gemm-rows.ts gemmRowsDefaultRows). Blocks of 8 slabs (session 54) were
//   latency-bound (Nsight Compute: 2-3 warps a scheduler, none eligible ~76% of cycles: each warp's
//   reads, MMAs and the cluster's barriers and remote reads one after another) where cuBLASLt's
//   warp-specialised TMA / wgmma kernel keeps its loads in flight; a block's own rows of x, loaded
//   after the wait, still set its pace.
//   A block is GR_WARPS warps and takes 8 output channels a warp (GR_COLS in all) of up to GR_SLABS
//   slabs of 16 rows (`slabs`, the host's choice), over one split of K: 32 CH channels, blockIdx.y
//   of the S splits, which are the S blocks of a cluster and add their partial products through
//   distributed shared memory in split order (cluster.cuh: the same bits whichever finishes first).
//   The block's rows of x come into shared memory by cp.async (each warp reads them all); each
//   warp's weights (8 channels by 32 CH) straight into registers (load_weights). MMAs are mma.sync m16n8k16 with
//   the K order inside each 32-channel chunk permuted alike in both operands, so that every
//   fragment is one 16-byte load: a thread's 8 consecutive channels 8t .. 8t + 7 feed the k16 slots
//   (2t, 2t + 1, 2t + 8, 2t + 9) of two MMAs.
// Builds k_gemm_rows<CH>_<S> (kernels.ts GEMM_ROWS_BUILDS; gemm-rows.ts picks one).
#include "cluster.cuh"
#include "launch.cuh"
#include "mma.cuh"
#include "storage.cuh"

// GR_WARPS, GR_COLS (8 a warp), GR_SLABS, GR_PART_PITCH (floats a row of the partial product: 8 past a
// multiple of 32, so a warp's float2 stores of 8 rows take two wavefronts, not eight): kernels.ts KERNEL_DEFINES

// acc[s] += slab s's rows of x (shared memory from `at`, this thread's first) by this warp's
// weights, for U slabs: unrolled whole (a loop that stopped at a run-time count kept each slab's
// reads waiting on the MMAs before them)
template <int CH, int U, int STRIDE> __device__ __forceinline__ void multiply(u32 at, const uint4* wf, float (*acc)[4]) {
#pragma unroll
  for (int c = 0; c < CH; c++)
#pragma unroll
    for (int s = 0; s < U; s++) {
      uint4 lo, hi;  // rows 16 s + g and + 8 at channels 32 c + 8 t .. + 7
      asm volatile("ld.shared.v4.u32 {%0, %1, %2, %3}, [%4];\n" : "=r"(lo.x), "=r"(lo.y), "=r"(lo.z), "=r"(lo.w) : "r"(at + 16 * s * STRIDE + 64 * c));
      asm volatile("ld.shared.v4.u32 {%0, %1, %2, %3}, [%4];\n" : "=r"(hi.x), "=r"(hi.y), "=r"(hi.z), "=r"(hi.w) : "r"(at + (16 * s + 8) * STRIDE + 64 * c));
      const u32 a0[4] = {lo.x, hi.x, lo.y, hi.y}, a1[4] = {lo.z, hi.z, lo.w, hi.w};
      mma16816(acc[s], a0, wf[c].x, wf[c].y);
      mma16816(acc[s], a1, wf[c].z, wf[c].w);
    }
}

// this warp's weights: channel col0 + 8 warp + g at k0 + 32 c + 8 t .. + 7 in wf[c]
template <int CH> __device__ __forceinline__ void load_weights(uint4* wf, const st* w, int col0, int k, int k0) {
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const st* wrow = w + (u64)(col0 + 8 * warp + (lane >> 2)) * k + k0 + 8 * (lane & 3);
#pragma unroll
  for (int c = 0; c < CH; c++) wf[c] = *(const uint4*)(wrow + 32 * c);
}

template <int CH, int S>
__device__ __forceinline__ void gemm_rows(const st* x, const st* w, const st* bias, const st* residual, st* y, int m, int n, int k, int slabs, int early) {
  constexpr int KB = 32 * CH;                                      // this block's split of K
  constexpr int STRIDE = 2 * KB + (2 * KB % 128 == 64 ? 0 : 64);  // bytes from one row of x to the next in shared memory (kernels.ts gemmRowsSharedBytes): 64 past a multiple of 128, so a warp's 16-byte reads of two rows hit all 32 banks once
  constexpr int THREADS = 32 * GR_WARPS;
  extern __shared__ __align__(16) unsigned char smem[];
  const u32 base = (u32)__cvta_generic_to_shared(smem);  // [16 slabs][STRIDE] x, then [16 slabs][GR_PART_PITCH] floats
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3;
  const int colBlocks = n / GR_COLS;
  const int col0 = (blockIdx.x % colBlocks) * GR_COLS, row0 = (blockIdx.x / colBlocks) * 16 * slabs, k0 = blockIdx.y * KB;
  const int rows = min(16 * slabs, m - row0);

  uint4 wf[CH];
  if (early) load_weights<CH>(wf, w, col0, k, k0);
  else if (threadIdx.x < GR_COLS)  // a weight row's split: KB halves, 16-byte aligned (k a multiple of 32)
    asm volatile("cp.async.bulk.prefetch.L2.global [%0], %1;\n" ::"l"(w + (u64)(col0 + threadIdx.x) * k + k0), "r"(2 * KB) : "memory");
  after_earlier_kernels();

  for (int i = threadIdx.x; i < rows * (KB / 8); i += THREADS) {
    const int r = i / (KB / 8), c = i % (KB / 8);
    copy16_to(base + r * STRIDE + c * 16, x + (u64)(row0 + r) * k + k0 + c * 8, true);
  }
  asm volatile("cp.async.commit_group;\n");
  if (!early) load_weights<CH>(wf, w, col0, k, k0);
  asm volatile("cp.async.wait_all;\n" ::: "memory");
  __syncthreads();

  // slabs with rows (past m: none; rows past m in the last hold whatever: only their own outputs, never written, see it)
  float acc[GR_SLABS][4];
#pragma unroll
  for (int s = 0; s < GR_SLABS; s++) acc[s][0] = acc[s][1] = acc[s][2] = acc[s][3] = 0.f;
  const u32 at = base + g * STRIDE + 16 * t;
  switch ((rows + 15) / 16) {
    case 1: multiply<CH, 1, STRIDE>(at, wf, acc); break;
    case 2: multiply<CH, 2, STRIDE>(at, wf, acc); break;
    case 3: multiply<CH, 3, STRIDE>(at, wf, acc); break;
    case 4: multiply<CH, 4, STRIDE>(at, wf, acc); break;
    case 5: multiply<CH, 5, STRIDE>(at, wf, acc); break;
    case 6: multiply<CH, 6, STRIDE>(at, wf, acc); break;
    case 7: multiply<CH, 7, STRIDE>(at, wf, acc); break;
    default: multiply<CH, 8, STRIDE>(at, wf, acc);
  }

  // this block's partial product by row past x, then the cluster's sum
  const u32 part = base + 16 * slabs * STRIDE;
  float* partp = (float*)(smem + 16 * slabs * STRIDE);
#pragma unroll
  for (int s = 0; s < GR_SLABS; s++) {
    if (16 * s >= rows) break;
    *(float2*)(partp + (16 * s + g) * GR_PART_PITCH + 8 * warp + 2 * t) = make_float2(acc[s][0], acc[s][1]);
    *(float2*)(partp + (16 * s + g + 8) * GR_PART_PITCH + 8 * warp + 2 * t) = make_float2(acc[s][2], acc[s][3]);
  }
  auto write = [&](int row, int col, float v0, float v1) {
    const u64 at = (u64)(row0 + row) * n + col0 + col;
    if (bias) {
      const float2 c = __half22float2(*(const __half2*)(bias + col0 + col));
      v0 += c.x; v1 += c.y;
    }
    if (residual) {
      const float2 q = __half22float2(*(const __half2*)(residual + at));
      v0 = q.x + v0; v1 = q.y + v1;
    }
    *(u32*)(y + at) = pack(v0, v1);
  };
  cluster_sum<S, THREADS>(part, rows, GR_COLS, GR_PART_PITCH, write);
}

#define GEMM_ROWS_BUILD(CH, S)                                                                                              \
  extern "C" __global__ void __cluster_dims__(1, S, 1) __launch_bounds__(32 * GR_WARPS, 2) k_gemm_rows##CH##_##S(           \
      const st* x, const st* w, const st* bias, const st* residual, st* y, int m, int n, int k, int slabs, int early) {     \
    gemm_rows<CH, S>(x, w, bias, residual, y, m, n, k, slabs, early);                                                     \
  }
GEMM_ROWS_BUILD(5, 1)
GEMM_ROWS_BUILD(5, 2)
GEMM_ROWS_BUILD(5, 4)
GEMM_ROWS_BUILD(10, 1)
GEMM_ROWS_BUILD(10, 2)
GEMM_ROWS_BUILD(10, 4)
