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
__device__ __forceinline__ void wgmma_pv(float* c, const u32* a, unsigned long long desc, int accumulate) {
  asm volatile(
      "{\n.reg .pred p;\nsetp.ne.b32 p, %37, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31}, {%32, %33, %34, %35}, %36, p, 1, 1, 1;\n}\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]), "+f"(c[4]), "+f"(c[5]), "+f"(c[6]), "+f"(c[7]), "+f"(c[8]), "+f"(c[9]), "+f"(c[10]), "+f"(c[11]), "+f"(c[12]), "+f"(c[13]), "+f"(c[14]), "+f"(c[15]), "+f"(c[16]), "+f"(c[17]), "+f"(c[18]), "+f"(c[19]), "+f"(c[20]), "+f"(c[21]), "+f"(c[22]), "+f"(c[23]), "+f"(c[24]), "+f"(c[25]), "+f"(c[26]), "+f"(c[27]), "+f"(c[28]), "+f"(c[29]), "+f"(c[30]), "+f"(c[31])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc), "r"(accumulate));
}

// One K and one V tile into shared memory, swizzled, zero-filled past the last key. Each of the 128
// threads copies chunk j = tid % 8 of rows r0 = tid / 8, r0 + 16, r0 + 32, ...: its rows share r % 8,
// so their swizzled chunk is at the same place in each, and only the row steps (16 rows of shared
// memory, 16 rows of the input). Computing each copy's addresses afresh (a 64-bit multiply and the
// swizzle per copy) was ~160 of the loop's instructions per tile. Only a last, partial tile checks
// its rows (a check and four selects per row pair in the others' instructions otherwise).
static_assert(WG_KB % 16 == 0, "a tile is copied 16 rows at a time");
__device__ __forceinline__ void load_tile(u32 Kt, u32 Vt, const __half* kb, const __half* vb, int k0, int lk, int width) {
  const int r0 = threadIdx.x >> 3, j = threadIdx.x & 7;
  const u32 at = r0 * 128 + ((j ^ (r0 & 7)) << 4);
  const size_t first = (size_t)(k0 + r0) * width + j * 8, step = (size_t)16 * width;
  const __half* kr = kb + first;
  const __half* vr = vb + first;
  if (k0 + WG_KB <= lk) {
#pragma unroll
    for (int i = 0; i < WG_KB / 16; i++, kr += step, vr += step) {
      copy16_to(Kt + at + i * 2048, kr, true);
      copy16_to(Vt + at + i * 2048, vr, true);
    }
  } else {
#pragma unroll
    for (int i = 0; i < WG_KB / 16; i++, kr += step, vr += step) {
      const bool ok = k0 + r0 + 16 * i < lk;
      copy16_to(Kt + at + i * 2048, ok ? kr : kb, ok);
      copy16_to(Vt + at + i * 2048, ok ? vr : vb, ok);
    }
  }
  asm volatile("cp.async.commit_group;\n");
}

extern "C" __global__ void __launch_bounds__(128, 3) k_flash_wg64(const __half* q, const __half* k, const __half* v, __half* out,
                                                               int lq, int lk, int width, int d, int heads, float scale,
                                                               int splits, float* part_o, float* part_lse) {
  after_earlier_kernels();
  extern __shared__ unsigned char smem[];
  // the swizzle pattern repeats every 1024 bytes: tiles start on a 1024-byte boundary
  const u32 base = ((u32)__cvta_generic_to_shared(smem) + 1023) & ~1023u;  // [2 stages][K, V] tiles

  const int bh = blockIdx.y, b = bh / heads, h = bh % heads;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, c2 = (lane & 3) * 2;
  const int row_blocks = (lq + 63) / 64, split = blockIdx.x / row_blocks;
  const int row0 = (blockIdx.x % row_blocks) * 64 + warp * 16;
  // this block's key tiles: [t0, t1) of the split
  const int all_tiles = (lk + WG_KB - 1) / WG_KB, per = (all_tiles + splits - 1) / splits;
  const int t0 = split * per, t1 = min(all_tiles, t0 + per);
  const __half* qb = q + (size_t)b * lq * width + h * 64;
  const __half* kb = k + (size_t)b * lk * width + h * 64;
  const __half* vb = v + (size_t)b * lk * width + h * 64;

  if (t0 < t1) load_tile(base, base + WG_TILE_BYTES, kb, vb, t0 * WG_KB, lk, width);

  // this warp's 16 query rows as A fragments (the mma.m16n8k16 layout, which wgmma shares)
  u32 qf[4][4];
#pragma unroll
  for (int kk = 0; kk < 4; kk++)
#pragma unroll
    for (int r = 0; r < 4; r++) {
      int row = row0 + g + (r & 1) * 8, col = kk * 16 + c2 + (r >> 1) * 8;
      qf[kk][r] = row < lq ? *(const u32*)(qb + (size_t)row * width + col) : 0u;
    }

  float o[32];  // O rows g, g + 8 of this warp: n-tile j of 8 columns in o[4 j .. 4 j + 3]
#pragma unroll
  for (int i = 0; i < 32; i++) o[i] = 0.f;
  float m0 = __int_as_float(0xff800000), m1 = m0, l0 = 0.f, l1 = 0.f;  // running max (raw scores) and sums
  const float sl2 = scale * 1.4426950408889634f;  // exp(x s) = exp2(x s log2 e)

  for (int kt = t0; kt < t1; kt++) {
    const u32 Kt = base + ((kt - t0) & 1) * 2 * WG_TILE_BYTES;
    // the tile's descriptors: a step of 32 (K) or 2048 (V) bytes inside it is + 2 or + 128 in the
    // descriptor's address field (bytes / 16; shared memory's 18-bit addresses do not carry out of it)
    const u64 dK = descriptor(Kt), dV = descriptor(Kt + WG_TILE_BYTES);
    if (kt + 1 < t1) {
      const u32 nK = base + ((kt + 1 - t0) & 1) * 2 * WG_TILE_BYTES;
      load_tile(nK, nK + WG_TILE_BYTES, kb, vb, (kt + 1) * WG_KB, lk, width);
      asm volatile("cp.async.wait_group 1;\n");
    } else {
      asm volatile("cp.async.wait_group 0;\n");
    }
    asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");  // cp.async's writes, visible to wgmma
    __syncthreads();

    // S (64 x WG_KB) = Q K^T: four k-steps of 16 along the head dim (32 bytes into each swizzled row)
    float s[64];
    wg_fence();
#pragma unroll
    for (int kk = 0; kk < 4; kk++) wgmma_qk(s, qf[kk], dK + kk * 2, kk);
    wg_commit_wait();
#pragma unroll
    for (int i = 0; i < 64; i++) hold(s[i]);

    const int valid = lk - kt * WG_KB;  // keys past the end do not count (last tile only)
    if (valid < WG_KB)
#pragma unroll
      for (int j = 0; j < WG_KB / 8; j++)
#pragma unroll
        for (int e = 0; e < 4; e++)
          if (j * 8 + c2 + (e & 1) >= valid) s[4 * j + e] = __int_as_float(0xff800000);
    // online softmax for rows g and g + 8 (each row is spread over the 4 lanes of a quad)
    float x0 = m0, x1 = m1;
#pragma unroll
    for (int j = 0; j < WG_KB / 8; j++) {
      x0 = fmaxf(x0, fmaxf(s[4 * j], s[4 * j + 1]));
      x1 = fmaxf(x1, fmaxf(s[4 * j + 2], s[4 * j + 3]));
    }
    x0 = fmaxf(x0, __shfl_xor_sync(0xffffffff, x0, 1)); x0 = fmaxf(x0, __shfl_xor_sync(0xffffffff, x0, 2));
    x1 = fmaxf(x1, __shfl_xor_sync(0xffffffff, x1, 1)); x1 = fmaxf(x1, __shfl_xor_sync(0xffffffff, x1, 2));
    // The running max moves, and O and l are rescaled, only when a row of the warp gains more than
    // 2^RESCALE_LOG2 on it (FlashAttention-4's conditional rescaling): below that, P is computed from the
    // kept max and stays under 2^RESCALE_LOG2, which fp16 holds. O, l and the max stay consistent, so
    // the result is the same softmax, and most tiles skip the rescale's exponentials and multiplies.
    if (__any_sync(0xffffffff, (x0 - m0) * sl2 > RESCALE_LOG2 || (x1 - m1) * sl2 > RESCALE_LOG2)) {
      const float a0 = exp2f((m0 - x0) * sl2), a1 = exp2f((m1 - x1) * sl2);
      m0 = x0; m1 = x1;
      l0 *= a0; l1 *= a1;
#pragma unroll
      for (int j = 0; j < 8; j++) { o[4 * j] *= a0; o[4 * j + 1] *= a0; o[4 * j + 2] *= a1; o[4 * j + 3] *= a1; }
    }
    const float x0s = m0 * sl2, x1s = m1 * sl2;
    u32 pf[WG_KB / 16][4];  // P as A fragments of P V
#pragma unroll
    for (int j = 0; j < WG_KB / 8; j++) {
      float p0 = exp2f(fmaf(s[4 * j], sl2, -x0s)), p1 = exp2f(fmaf(s[4 * j + 1], sl2, -x0s));
      float p2 = exp2f(fmaf(s[4 * j + 2], sl2, -x1s)), p3 = exp2f(fmaf(s[4 * j + 3], sl2, -x1s));
      l0 += p0 + p1; l1 += p2 + p3;
      pf[j >> 1][(j & 1) * 2] = pack(p0, p1);
      pf[j >> 1][(j & 1) * 2 + 1] = pack(p2, p3);
    }

    // O (64 x 64) += P (64 x WG_KB) V (WG_KB x 64): k-steps of 16 keys, 2048 bytes of V each
    wg_fence();
#pragma unroll
    for (int ks = 0; ks < WG_KB / 16; ks++) wgmma_pv(o, pf[ks], dV + ks * 128, 1);
    wg_commit_wait();
#pragma unroll
    for (int i = 0; i < 32; i++) hold(o[i]);
    __syncthreads();  // this stage is refilled next iteration
  }

  l0 += __shfl_xor_sync(0xffffffff, l0, 1); l0 += __shfl_xor_sync(0xffffffff, l0, 2);
  l1 += __shfl_xor_sync(0xffffffff, l1, 1); l1 += __shfl_xor_sync(0xffffffff, l1, 2);
  const float i0 = l0 > 0.f ? 1.f / l0 : 0.f, i1 = l1 > 0.f ? 1.f / l1 : 0.f;
  const int r = row0 + g;
  if (splits > 1) {
    // this split's softmax over its keys, normalised, and the log of its sum (natural units)
    const size_t first = (size_t)split * (gridDim.y / heads) * lq + (size_t)b * lq;  // row index in the partials
    float* po = part_o + first * width + h * 64;
#pragma unroll
    for (int j = 0; j < 8; j++) {
      int col = j * 8 + c2;
      if (r < lq) { po[(size_t)r * width + col] = o[4 * j] * i0; po[(size_t)r * width + col + 1] = o[4 * j + 1] * i0; }
      if (r + 8 < lq) { po[(size_t)(r + 8) * width + col] = o[4 * j + 2] * i1; po[(size_t)(r + 8) * width + col + 1] = o[4 * j + 3] * i1; }
    }
    if ((lane & 3) == 0) {
      const float ninf = __int_as_float(0xff800000);
      if (r < lq) part_lse[(first + r) * heads + h] = l0 > 0.f ? m0 * scale + logf(l0) : ninf;
      if (r + 8 < lq) part_lse[(first + r + 8) * heads + h] = l1 > 0.f ? m1 * scale + logf(l1) : ninf;
    }
    return;
  }
  __half* ob = out + (size_t)b * lq * width + h * 64;
#pragma unroll
  for (int j = 0; j < 8; j++) {
    int col = j * 8 + c2;
    if (r < lq) *(u32*)(ob + (size_t)r * width + col) = pack(o[4 * j] * i0, o[4 * j + 1] * i0);
    if (r + 8 < lq) *(u32*)(ob + (size_t)(r + 8) * width + col) = pack(o[4 * j + 2] * i1, o[4 * j + 3] * i1);
  }
}

// Merges the key splits of k_flash_wg64: out = sum_s w_s O_s / sum_s w_s with w_s = exp(lse_s - max).
// part_o [splits][rows][width] float, part_lse [splits][rows][heads]; rows = B * lq; head dim 64.
extern "C" __global__ void k_flash_combine(const float* part_o, const float* part_lse, __half* out, int rows, int heads, int width, int splits) {
  after_earlier_kernels();
  for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < (size_t)rows * width; i += (size_t)gridDim.x * blockDim.x) {
    const size_t row = i / width;
    const int h = (int)(i % width) / 64;
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
