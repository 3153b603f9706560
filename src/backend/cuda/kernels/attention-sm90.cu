// Flash attention for head dim 64 on Hopper (sm_90): the same algorithm as attention.cu's
// k_flash kernels, with the two GEMMs of each key tile on warpgroup MMA (wgmma), which reads K and V
// straight from shared memory (H200: 9216-token SD 2 attention 2.7 ms a U-Net call against 4.2 with
// mma.sync, bench/results/2026-11-30-unet-cuda-fp16-{wgmma,mma-sync}.json). One block is one warpgroup
// (4 warps, 128 threads) and takes 64 query rows of one (batch item, head); each warp owns 16 rows.
// Key/value tiles of 128 rows stream through shared memory in the 128-byte swizzled layout wgmma
// reads (row r's 16-byte chunk j stored at chunk j ^ (r % 8)), double-buffered with cp.async.
// S = Q K^T takes Q from registers and K as a K-major operand; O += P V takes P from registers and
// V as an MN-major (transposed) operand. Q, K, V and the output are [B, L, H*64], fp16.
// Few query rows over many keys (a sparse step's active tokens against all 9216) leave most SMs idle
// (60 blocks for 384 rows): then the keys are split among `splits` blocks per query block, each
// writing its normalised partial output and log-sum-exp in float, and k_flash_combine merges them.
// A launch's query blocks (items: (batch item, head) major, then 64-row block) after its first
// `whole` take `splits` blocks each; the first `whole` one block each: so the full waves of a launch
// run unsplit and only what would be a part-full last wave is split (flash-splits.ts).
// k_flash_wg64_pipe (below k_flash_wg64) does the same arithmetic with the next key tile's scores
// queued while this tile's softmax runs; the two share every piece but their loop.
#include "launch.cuh"
#include "mma.cuh"
#include "wgmma.cuh"


// WG_KB, keys per tile: defined at compilation (kernels.ts WGMMA_KEY_TILE)
#define WG_TILE_BYTES (WG_KB * 128)  // one K or V tile: WG_KB rows of 64 halves
#define RESCALE_LOG2 8.f          // how far (in powers of 2) a row's max may rise before O is rescaled

__device__ __forceinline__ void wgmma_qk(float* c, const u32* a, unsigned long long desc, int accumulate) {
  asm volatile(
      "{\n.reg .pred p;\nsetp.ne.b32 p, %69, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16 {%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63}, {%64, %65, %66, %67}, %68, p, 1, 1, 0;\n}\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]), "+f"(c[4]), "+f"(c[5]), "+f"(c[6]), "+f"(c[7]), "+f"(c[8]), "+f"(c[9]), "+f"(c[10]), "+f"(c[11]), "+f"(c[12]), "+f"(c[13]), "+f"(c[14]), "+f"(c[15]), "+f"(c[16]), "+f"(c[17]), "+f"(c[18]), "+f"(c[19]), "+f"(c[20]), "+f"(c[21]), "+f"(c[22]), "+f"(c[23]), "+f"(c[24]), "+f"(c[25]), "+f"(c[26]), "+f"(c[27]), "+f"(c[28]), "+f"(c[29]), "+f"(c[30]), "+f"(c[31]), "+f"(c[32]), "+f"(c[33]), "+f"(c[34]), "+f"(c[35]), "+f"(c[36]), "+f"(c[37]), "+f"(c[38]), "+f"(c[39]), "+f"(c[40]), "+f"(c[41]), "+f"(c[42]), "+f"(c[43]), "+f"(c[44]), "+f"(c[45]), "+f"(c[46]), "+f"(c[47]), "+f"(c[48]), "+f"(c[49]), "+f"(c[50]), "+f"(c[51]), "+f"(c[52]), "+f"(c[53]), "+f"(c[54]), "+f"(c[55]), "+f"(c[56]), "+f"(c[57]), "+f"(c[58]), "+f"(c[59]), "+f"(c[60]), "+f"(c[61]), "+f"(c[62]), "+f"(c[63])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc), "r"(accumulate));
}
// The first k-step of S = Q K^T: D = A B, the accumulators written, not read (so that the registers'
// earlier values, a tile's scores the softmax has consumed, need not stay live into the MMA)
__device__ __forceinline__ void wgmma_qk_first(float* c, const u32* a, unsigned long long desc) {
  asm volatile(
      "{\n.reg .pred p;\nsetp.ne.b32 p, 0, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16 {%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63}, {%64, %65, %66, %67}, %68, p, 1, 1, 0;\n}\n"
      : "=f"(c[0]), "=f"(c[1]), "=f"(c[2]), "=f"(c[3]), "=f"(c[4]), "=f"(c[5]), "=f"(c[6]), "=f"(c[7]), "=f"(c[8]), "=f"(c[9]), "=f"(c[10]), "=f"(c[11]), "=f"(c[12]), "=f"(c[13]), "=f"(c[14]), "=f"(c[15]), "=f"(c[16]), "=f"(c[17]), "=f"(c[18]), "=f"(c[19]), "=f"(c[20]), "=f"(c[21]), "=f"(c[22]), "=f"(c[23]), "=f"(c[24]), "=f"(c[25]), "=f"(c[26]), "=f"(c[27]), "=f"(c[28]), "=f"(c[29]), "=f"(c[30]), "=f"(c[31]), "=f"(c[32]), "=f"(c[33]), "=f"(c[34]), "=f"(c[35]), "=f"(c[36]), "=f"(c[37]), "=f"(c[38]), "=f"(c[39]), "=f"(c[40]), "=f"(c[41]), "=f"(c[42]), "=f"(c[43]), "=f"(c[44]), "=f"(c[45]), "=f"(c[46]), "=f"(c[47]), "=f"(c[48]), "=f"(c[49]), "=f"(c[50]), "=f"(c[51]), "=f"(c[52]), "=f"(c[53]), "=f"(c[54]), "=f"(c[55]), "=f"(c[56]), "=f"(c[57]), "=f"(c[58]), "=f"(c[59]), "=f"(c[60]), "=f"(c[61]), "=f"(c[62]), "=f"(c[63])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc));
}
__device__ __forceinline__ void wgmma_pv(float* c, const u32* a, unsigned long long desc, int accumulate) {
  asm volatile(
      "{\n.reg .pred p;\nsetp.ne.b32 p, %37, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31}, {%32, %33, %34, %35}, %36, p, 1, 1, 1;\n}\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]), "+f"(c[4]), "+f"(c[5]), "+f"(c[6]), "+f"(c[7]), "+f"(c[8]), "+f"(c[9]), "+f"(c[10]), "+f"(c[11]), "+f"(c[12]), "+f"(c[13]), "+f"(c[14]), "+f"(c[15]), "+f"(c[16]), "+f"(c[17]), "+f"(c[18]), "+f"(c[19]), "+f"(c[20]), "+f"(c[21]), "+f"(c[22]), "+f"(c[23]), "+f"(c[24]), "+f"(c[25]), "+f"(c[26]), "+f"(c[27]), "+f"(c[28]), "+f"(c[29]), "+f"(c[30]), "+f"(c[31])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc), "r"(accumulate));
}

// A K or V tile into shared memory (queued, not committed), swizzled, zero-filled past the last key. Each of the 128
// threads copies chunk j = tid % 8 of rows r0 = tid / 8, r0 + 16, r0 + 32, ...: its rows share r % 8,
// so their swizzled chunk is at the same place in each, and only the row steps (16 rows of shared
// memory, 16 rows of the input). Computing each copy's addresses afresh (a 64-bit multiply and the
// swizzle per copy) was ~160 of the loop's instructions per tile. Only a last, partial tile checks
// its rows (a check and two selects per row in the others' instructions otherwise).
static_assert(WG_KB % 16 == 0, "a tile is copied 16 rows at a time");
__device__ __forceinline__ void load_rows(u32 Xt, const __half* xb, int k0, int lk, int width) {
  const int r0 = threadIdx.x >> 3, j = threadIdx.x & 7;
  const u32 at = r0 * 128 + ((j ^ (r0 & 7)) << 4);
  const size_t step = (size_t)16 * width;
  const __half* xr = xb + (size_t)(k0 + r0) * width + j * 8;
  if (k0 + WG_KB <= lk) {
#pragma unroll
    for (int i = 0; i < WG_KB / 16; i++, xr += step) copy16_to(Xt + at + i * 2048, xr, true);
  } else {
#pragma unroll
    for (int i = 0; i < WG_KB / 16; i++, xr += step) {
      const bool ok = k0 + r0 + 16 * i < lk;
      copy16_to(Xt + at + i * 2048, ok ? xr : xb, ok);
    }
  }
}
__device__ __forceinline__ void commit_loads() { asm volatile("cp.async.commit_group;\n"); }
// One K and one V tile, one commit group.
__device__ __forceinline__ void load_tile(u32 Kt, u32 Vt, const __half* kb, const __half* vb, int k0, int lk, int width) {
  load_rows(Kt, kb, k0, lk, width);
  load_rows(Vt, vb, k0, lk, width);
  commit_loads();
}
// cp.async's writes, landed for every thread of the block and visible to wgmma (the async proxy)
__device__ __forceinline__ void loads_landed() {
  asm volatile("cp.async.wait_group 0;\n");
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
  __syncthreads();
}

// This warp's 16 query rows as A fragments (the mma.m16n8k16 layout, which wgmma shares).
__device__ __forceinline__ void load_queries(u32 (*qf)[4], const __half* qb, int row0, int g, int c2, int lq, int width) {
#pragma unroll
  for (int kk = 0; kk < 4; kk++)
#pragma unroll
    for (int r = 0; r < 4; r++) {
      int row = row0 + g + (r & 1) * 8, col = kk * 16 + c2 + (r >> 1) * 8;
      qf[kk][r] = row < lq ? *(const u32*)(qb + (size_t)row * width + col) : 0u;
    }
}

// S (64 x WG_KB) = Q K^T, queued: four k-steps of 16 along the head dim (32 bytes into each swizzled
// row, + 2 in the descriptor's address field: bytes / 16, which does not carry out of it)
__device__ __forceinline__ void queue_scores(float* s, const u32 (*qf)[4], u32 Kt) {
  const u64 dK = descriptor(Kt);
  wg_fence();
  wgmma_qk_first(s, qf[0], dK);
#pragma unroll
  for (int kk = 1; kk < 4; kk++) wgmma_qk(s, qf[kk], dK + kk * 2, 1);
  wg_commit();
}

// O (64 x 64) += P (64 x WG_KB) V (WG_KB x 64), queued: k-steps of 16 keys, 2048 bytes of V each
__device__ __forceinline__ void queue_pv(float* o, const u32 (*pf)[4], u32 Vt) {
  const u64 dV = descriptor(Vt);
  wg_fence();
#pragma unroll
  for (int ks = 0; ks < WG_KB / 16; ks++) wgmma_pv(o, pf[ks], dV + ks * 128, 1);
  wg_commit();
}

// The running softmax of rows g and g + 8 (each row spread over the 4 lanes of a quad).
struct RowSoftmax {
  float m0, m1, l0, l1;  // running max (raw scores) and sums
};

// One key tile's scores s into P (as A fragments of P V), for the tile's first `valid` keys (the
// rest, past the end, do not count): the running max moves, and O and l are rescaled, only when a row
// of the warp gains more than 2^RESCALE_LOG2 on it (FlashAttention-4's conditional rescaling): below
// that, P is computed from the kept max and stays under 2^RESCALE_LOG2, which fp16 holds. O, l and the
// max stay consistent, so the result is the same softmax, and most tiles skip the rescale's
// exponentials and multiplies. O must not be being written by an MMA.
__device__ __forceinline__ void softmax_tile(float* s, int valid, int c2, float sl2, RowSoftmax& r, float* o, u32 (*pf)[4]) {
  if (valid < WG_KB)
#pragma unroll
    for (int j = 0; j < WG_KB / 8; j++)
#pragma unroll
      for (int e = 0; e < 4; e++)
        if (j * 8 + c2 + (e & 1) >= valid) s[4 * j + e] = __int_as_float(0xff800000);
  float x0 = r.m0, x1 = r.m1;
#pragma unroll
  for (int j = 0; j < WG_KB / 8; j++) {
    x0 = fmaxf(x0, fmaxf(s[4 * j], s[4 * j + 1]));
    x1 = fmaxf(x1, fmaxf(s[4 * j + 2], s[4 * j + 3]));
  }
  x0 = fmaxf(x0, __shfl_xor_sync(0xffffffff, x0, 1)); x0 = fmaxf(x0, __shfl_xor_sync(0xffffffff, x0, 2));
  x1 = fmaxf(x1, __shfl_xor_sync(0xffffffff, x1, 1)); x1 = fmaxf(x1, __shfl_xor_sync(0xffffffff, x1, 2));
  if (__any_sync(0xffffffff, (x0 - r.m0) * sl2 > RESCALE_LOG2 || (x1 - r.m1) * sl2 > RESCALE_LOG2)) {
    const float a0 = exp2f((r.m0 - x0) * sl2), a1 = exp2f((r.m1 - x1) * sl2);
    r.m0 = x0; r.m1 = x1;
    r.l0 *= a0; r.l1 *= a1;
#pragma unroll
    for (int j = 0; j < 8; j++) { o[4 * j] *= a0; o[4 * j + 1] *= a0; o[4 * j + 2] *= a1; o[4 * j + 3] *= a1; }
  }
  const float x0s = r.m0 * sl2, x1s = r.m1 * sl2;
#pragma unroll
  for (int j = 0; j < WG_KB / 8; j++) {
    float p0 = exp2f(fmaf(s[4 * j], sl2, -x0s)), p1 = exp2f(fmaf(s[4 * j + 1], sl2, -x0s));
    float p2 = exp2f(fmaf(s[4 * j + 2], sl2, -x1s)), p3 = exp2f(fmaf(s[4 * j + 3], sl2, -x1s));
    r.l0 += p0 + p1; r.l1 += p2 + p3;
    pf[j >> 1][(j & 1) * 2] = pack(p0, p1);
    pf[j >> 1][(j & 1) * 2 + 1] = pack(p2, p3);
  }
}

// Which of the `splits` parts of its query block's keys this block takes, and how many parts there
// are (1: the block takes them all and writes no partials). Asked again where the rows are written
// rather than kept through the loop (as is the rest of Work in k_flash_wg64_pipe: work_again).
struct Part {
  int split, parts;
};
__device__ __forceinline__ Part part_of(int splits, int whole) {
  const int later = (int)blockIdx.x - whole;
  return later < 0 ? Part{0, 1} : Part{later % splits, splits};
}

// The rows' results: O / l as fp16 into `out`, or (keys split among blocks) this split's normalised
// O and the log of its sum (natural units) into the float partials k_flash_combine merges.
__device__ __forceinline__ void write_rows(const float* o, RowSoftmax r, float scale, __half* out, float* part_o, float* part_lse,
                                           int b, int h, int heads, int batch, int lq, int width, Part part, int row0, int g, int c2, int lane) {
  float l0 = r.l0, l1 = r.l1;
  l0 += __shfl_xor_sync(0xffffffff, l0, 1); l0 += __shfl_xor_sync(0xffffffff, l0, 2);
  l1 += __shfl_xor_sync(0xffffffff, l1, 1); l1 += __shfl_xor_sync(0xffffffff, l1, 2);
  const float i0 = l0 > 0.f ? 1.f / l0 : 0.f, i1 = l1 > 0.f ? 1.f / l1 : 0.f;
  const int row = row0 + g;
  if (part.parts > 1) {
    const size_t first = ((size_t)part.split * batch + b) * lq;  // row index in the partials
    float* po = part_o + first * width + h * 64;
#pragma unroll
    for (int j = 0; j < 8; j++) {
      int col = j * 8 + c2;
      if (row < lq) { po[(size_t)row * width + col] = o[4 * j] * i0; po[(size_t)row * width + col + 1] = o[4 * j + 1] * i0; }
      if (row + 8 < lq) { po[(size_t)(row + 8) * width + col] = o[4 * j + 2] * i1; po[(size_t)(row + 8) * width + col + 1] = o[4 * j + 3] * i1; }
    }
    if ((lane & 3) == 0) {
      const float ninf = __int_as_float(0xff800000);
      if (row < lq) part_lse[(first + row) * heads + h] = l0 > 0.f ? r.m0 * scale + logf(l0) : ninf;
      if (row + 8 < lq) part_lse[(first + row + 8) * heads + h] = l1 > 0.f ? r.m1 * scale + logf(l1) : ninf;
    }
    return;
  }
  __half* ob = out + (size_t)b * lq * width + h * 64;
#pragma unroll
  for (int j = 0; j < 8; j++) {
    int col = j * 8 + c2;
    if (row < lq) *(u32*)(ob + (size_t)row * width + col) = pack(o[4 * j] * i0, o[4 * j + 1] * i0);
    if (row + 8 < lq) *(u32*)(ob + (size_t)(row + 8) * width + col) = pack(o[4 * j + 2] * i1, o[4 * j + 3] * i1);
  }
}

// What both kernels' blocks start from: which (batch item, head), query rows and key tiles [t0, t1) are theirs.
struct Work {
  int b, h, warp, lane, g, c2, row0, t0, t1;
};
__device__ __forceinline__ Work work_of(int lq, int lk, int heads, int splits, int whole) {
  Work w;
  const Part p = part_of(splits, whole);
  const int later = (int)blockIdx.x - whole, item = later < 0 ? (int)blockIdx.x : whole + later / splits;
  const int row_blocks = (lq + 63) / 64, bh = item / row_blocks;
  w.b = bh / heads; w.h = bh % heads;
  w.warp = threadIdx.x >> 5; w.lane = threadIdx.x & 31; w.g = w.lane >> 2; w.c2 = (w.lane & 3) * 2;
  w.row0 = (item % row_blocks) * 64 + w.warp * 16;
  const int all_tiles = (lk + WG_KB - 1) / WG_KB, per = (all_tiles + p.parts - 1) / p.parts;
  w.t0 = p.split * per; w.t1 = min(all_tiles, w.t0 + per);
  return w;
}

// Work again, where k_flash_wg64_pipe writes its rows: not inlined, so that it keeps none of it through
// its loop. Kept through it since session 33 gave Work its `whole` and `batch`, Work cost 255
// registers and a 12-byte spill, and 256 query rows over 9216 keys went from 29.1-29.4 us to
// 30.5-31.6; asked again, 252 registers and no spill (ptxas -v): 30.9 against 31.1-31.3, alternating
// on one machine (bench/results/2026-12-02-s34-call1-attention-sparse-*).
__device__ __noinline__ Work work_again(int lq, int lk, int heads, int splits, int whole) { return work_of(lq, lk, heads, splits, whole); }

extern "C" __global__ void __launch_bounds__(128, 3) k_flash_wg64(const __half* q, const __half* k, const __half* v, __half* out,
                                                               int lq, int lk, int width, int d, int heads, float scale,
                                                               int splits, int whole, int batch, float* part_o, float* part_lse) {
  after_earlier_kernels();
  extern __shared__ unsigned char smem[];
  // the swizzle pattern repeats every 1024 bytes: tiles start on a 1024-byte boundary
  const u32 base = ((u32)__cvta_generic_to_shared(smem) + 1023) & ~1023u;  // [2 stages][K, V] tiles
  const Work w = work_of(lq, lk, heads, splits, whole);
  const __half* qb = q + (size_t)w.b * lq * width + w.h * 64;
  const __half* kb = k + (size_t)w.b * lk * width + w.h * 64;
  const __half* vb = v + (size_t)w.b * lk * width + w.h * 64;

  if (w.t0 < w.t1) load_tile(base, base + WG_TILE_BYTES, kb, vb, w.t0 * WG_KB, lk, width);
  u32 qf[4][4];
  load_queries(qf, qb, w.row0, w.g, w.c2, lq, width);

  float o[32];  // O rows g, g + 8 of this warp: n-tile j of 8 columns in o[4 j .. 4 j + 3]
#pragma unroll
  for (int i = 0; i < 32; i++) o[i] = 0.f;
  RowSoftmax r = {__int_as_float(0xff800000), __int_as_float(0xff800000), 0.f, 0.f};
  const float sl2 = scale * 1.4426950408889634f;  // exp(x s) = exp2(x s log2 e)

  for (int kt = w.t0; kt < w.t1; kt++) {
    const u32 Kt = base + ((kt - w.t0) & 1) * 2 * WG_TILE_BYTES;
    // tile kt landed for the whole block; past this barrier every warp is also done with tile kt - 1
    // (its MMAs waited for), so that stage takes tile kt + 1 now, and the loop needs no closing
    // barrier. (Two barriers a tile, the next tile queued before the wait: barrier stalls 1.19 a
    // warp's issue in Nsight Compute; 4096-token attention 2-6% and 768 px calls ~1% slower;
    // bench/results/2026-12-02-s40-call{5,6}.log.)
    loads_landed();
    if (kt + 1 < w.t1) {
      const u32 nK = base + ((kt + 1 - w.t0) & 1) * 2 * WG_TILE_BYTES;
      load_tile(nK, nK + WG_TILE_BYTES, kb, vb, (kt + 1) * WG_KB, lk, width);
    }

    float s[64];
    queue_scores(s, qf, Kt);
    wg_wait<0>();
#pragma unroll
    for (int i = 0; i < 64; i++) hold(s[i]);

    u32 pf[WG_KB / 16][4];  // P as A fragments of P V
    softmax_tile(s, lk - kt * WG_KB, w.c2, sl2, r, o, pf);

    queue_pv(o, pf, Kt + WG_TILE_BYTES);
    wg_wait<0>();
#pragma unroll
    for (int i = 0; i < 32; i++) hold(o[i]);
  }
  write_rows(o, r, scale, out, part_o, part_lse, w.b, w.h, heads, batch, lq, width, part_of(splits, whole), w.row0, w.g, w.c2, w.lane);
}

// k_flash_wg64 with the next key tile's scores computed while this tile's softmax runs (the
// intra-warpgroup pipelining of FlashAttention-3): a block queues S(t + 1) = Q K(t + 1)^T, then
// turns S(t) into P and queues O += P V(t), so the tensor cores are not idle through its own
// softmax. Two score tiles live in registers (so two blocks an SM, not three), and K and V stream
// through buffers of their own: K(t + 2) into K(t)'s once S(t) is done, V(t + 1) into V(t - 1)'s
// once that P V is. Every step but the last queues the next tile's scores unconditionally: a branch
// around it left ptxas moving accumulators of an MMA in flight, and it serialised all of them.
struct Pipe {
  const u32 (*qf)[4];
  float* o;
  RowSoftmax* r;
  u32 base;
  const __half *kb, *vb;
  int t0, n, lk, width, c2;
  float sl2;
};
#define PIPE_STRIDE (2 * WG_TILE_BYTES)  // K buffer j at base + j * PIPE_STRIDE, V buffer j WG_TILE_BYTES after it

// After the wait for S(i) and the P V before: their accumulators are read from here on, not earlier
__device__ __forceinline__ void done_with(float* cur, float* o) {
#pragma unroll
  for (int e = 0; e < 64; e++) hold(cur[e]);
#pragma unroll
  for (int e = 0; e < 32; e++) hold(o[e]);
}

// Tile i's softmax and P V (its scores in cur, done), with its V landed.
__device__ __forceinline__ void pipe_softmax_pv(const Pipe& p, int i, float* cur) {
  u32 pf[WG_KB / 16][4];
  softmax_tile(cur, p.lk - (p.t0 + i) * WG_KB, p.c2, p.sl2, *p.r, p.o, pf);
  queue_pv(p.o, pf, p.base + (i & 1) * PIPE_STRIDE + WG_TILE_BYTES);
}

// A step with a next tile: queue S(i + 1) into next, wait for S(i) and P V(i - 1), refill the freed buffers, softmax and P V of tile i.
__device__ __forceinline__ void pipe_step(const Pipe& p, int i, float* cur, float* next) {
  loads_landed();  // K(i + 1) and V(i)
  queue_scores(next, p.qf, p.base + ((i + 1) & 1) * PIPE_STRIDE);
  wg_wait<1>();
  done_with(cur, p.o);
  __syncthreads();  // every warp is done with K(i) and V(i - 1): their buffers are refilled now
  load_rows(p.base + ((i + 1) & 1) * PIPE_STRIDE + WG_TILE_BYTES, p.vb, (p.t0 + i + 1) * WG_KB, p.lk, p.width);
  if (i + 2 < p.n) load_rows(p.base + (i & 1) * PIPE_STRIDE, p.kb, (p.t0 + i + 2) * WG_KB, p.lk, p.width);
  commit_loads();
  pipe_softmax_pv(p, i, cur);
}

// The last tile's step: nothing more to queue.
__device__ __forceinline__ void pipe_last(const Pipe& p, int i, float* cur) {
  loads_landed();  // V(i)
  wg_wait<0>();
  done_with(cur, p.o);
  pipe_softmax_pv(p, i, cur);
}

extern "C" __global__ void __launch_bounds__(128, 2) k_flash_wg64_pipe(const __half* q, const __half* k, const __half* v, __half* out,
                                                                    int lq, int lk, int width, int d, int heads, float scale,
                                                                    int splits, int whole, int batch, float* part_o, float* part_lse) {
  after_earlier_kernels();
  extern __shared__ unsigned char smem[];
  const u32 base = ((u32)__cvta_generic_to_shared(smem) + 1023) & ~1023u;  // [2][K, V] tiles, as k_flash_wg64's
  const Work w = work_of(lq, lk, heads, splits, whole);
  const __half* qb = q + (size_t)w.b * lq * width + w.h * 64;
  const __half* kb = k + (size_t)w.b * lk * width + w.h * 64;
  const __half* vb = v + (size_t)w.b * lk * width + w.h * 64;
  const int n = w.t1 - w.t0;  // this block's key tiles

  if (n > 0) load_tile(base, base + WG_TILE_BYTES, kb, vb, w.t0 * WG_KB, lk, width);
  if (n > 1) {
    load_rows(base + PIPE_STRIDE, kb, (w.t0 + 1) * WG_KB, lk, width);
    commit_loads();
  }
  u32 qf[4][4];
  load_queries(qf, qb, w.row0, w.g, w.c2, lq, width);

  float o[32];
#pragma unroll
  for (int i = 0; i < 32; i++) {
    o[i] = 0.f;
    hold(o[i]);  // defined before the first MMA is queued: not moved in among the MMAs by the compiler
  }
  RowSoftmax r = {__int_as_float(0xff800000), __int_as_float(0xff800000), 0.f, 0.f};
  const Pipe p = {qf, o, &r, base, kb, vb, w.t0, n, lk, width, w.c2, scale * 1.4426950408889634f};

  float sa[64], sb[64];  // the score tiles, in turn
  if (n > 0) {
    loads_landed();  // K(0), V(0) and K(1)
    queue_scores(sa, qf, base);
    int i = 0;
    for (; i + 2 < n; i += 2) {
      pipe_step(p, i, sa, sb);
      pipe_step(p, i + 1, sb, sa);
    }
    if (i + 1 < n) {
      pipe_step(p, i, sa, sb);
      pipe_last(p, i + 1, sb);
    } else {
      pipe_last(p, i, sa);
    }
    wg_wait<0>();
  }
#pragma unroll
  for (int e = 0; e < 32; e++) hold(o[e]);
  const Work we = work_again(lq, lk, heads, splits, whole);
  write_rows(o, r, scale, out, part_o, part_lse, we.b, we.h, heads, batch, lq, width, part_of(splits, whole), we.row0, we.g, we.c2, we.lane);
}

// Merges the key splits of k_flash_wg64's query blocks (items) from `first` on: out = sum_s w_s O_s
// / sum_s w_s with w_s = exp(lse_s - max). part_o [splits][rows][width] float, part_lse
// [splits][rows][heads]; rows = B * lq; head dim 64. A thread an element of an item's 64 x 64.
extern "C" __global__ void k_flash_combine(const float* part_o, const float* part_lse, __half* out, int lq, int rows, int heads, int width, int splits, int first, int items) {
  after_earlier_kernels();
  const int row_blocks = (lq + 63) / 64;
  for (size_t e = (size_t)blockIdx.x * blockDim.x + threadIdx.x; e < (size_t)items * 4096; e += (size_t)gridDim.x * blockDim.x) {
    const int item = first + (int)(e / 4096), bh = item / row_blocks, h = bh % heads;
    const int in_block = (item % row_blocks) * 64 + (int)(e / 64 % 64);
    if (in_block >= lq) continue;
    const size_t row = (size_t)(bh / heads) * lq + in_block, i = row * width + h * 64 + e % 64;
    float m = __int_as_float(0xff800000);
    for (int s = 0; s < splits; s++) m = fmaxf(m, part_lse[((size_t)s * rows + row) * heads + h]);
    float acc = 0.f, sum = 0.f;
    for (int s = 0; s < splits; s++) {
      const float w = __expf(part_lse[((size_t)s * rows + row) * heads + h] - m);
      acc += w * part_o[(size_t)s * rows * width + i];
      sum += w;
    }
    out[i] = __float2half_rn(acc / sum);
  }
}
