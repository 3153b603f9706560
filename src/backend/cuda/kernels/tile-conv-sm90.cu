// A sparse step's convolution over its gathered tiles on Hopper's warpgroup MMA (wgmma, sm_90a):
// the product, split-K and write of tile-conv.cu's k_tile_conv (same arguments, same bits out of the
// write; see there and tile-write.cuh), with the block's 64 x TN tile of the product on wgmma, which
// reads both operands from shared memory, instead of mma.sync fed by ldmatrix (that form reached ~120
// TFLOP/s on the H200 where the libraries reach ~450).
//   One block is one warpgroup (4 warps, 128 threads); each warp owns 16 rows of the tile.
//   A k-tile is 64 channels of one kernel tap (C a multiple of 64, so a k-tile never straddles taps):
//   128 bytes of each A row (a tile position) and B row (an output channel), one row of the 128-byte
//   swizzled layout wgmma reads (wgmma.cuh). WG_STAGES (kernels.ts) stages stream through shared memory by cp.async,
//   WG_STAGES - 2 k-tiles ahead of the one multiplied, with one k-tile's MMAs left running while the
//   next are issued.
// k_tile_conv_wg64 and k_tile_conv_wg128 take TN = 64 or 128 output channels a block (the host's
// choice: 128 where Cout is a multiple of it).
#include "launch.cuh"
#include "mma.cuh"
#include "storage.cuh"
#include "tile-write.cuh"
#include "wgmma.cuh"

#define A_BYTES (64 * 128)  // a stage's A: 64 rows of one k-tile

template <int N> __device__ void wgmma_ss(float* c, u64 da, u64 db);
template <> __device__ __forceinline__ void wgmma_ss<64>(float* c, u64 da, u64 db) {
  asm volatile(
      "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31}, %32, %33, 1, 1, 1, 0, 0;\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]), "+f"(c[4]), "+f"(c[5]), "+f"(c[6]), "+f"(c[7]), "+f"(c[8]), "+f"(c[9]), "+f"(c[10]), "+f"(c[11]), "+f"(c[12]), "+f"(c[13]), "+f"(c[14]), "+f"(c[15]), "+f"(c[16]), "+f"(c[17]), "+f"(c[18]), "+f"(c[19]), "+f"(c[20]), "+f"(c[21]), "+f"(c[22]), "+f"(c[23]), "+f"(c[24]), "+f"(c[25]), "+f"(c[26]), "+f"(c[27]), "+f"(c[28]), "+f"(c[29]), "+f"(c[30]), "+f"(c[31])
      : "l"(da), "l"(db));
}
template <> __device__ __forceinline__ void wgmma_ss<128>(float* c, u64 da, u64 db) {
  asm volatile(
      "wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16 {%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63}, %64, %65, 1, 1, 1, 0, 0;\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]), "+f"(c[4]), "+f"(c[5]), "+f"(c[6]), "+f"(c[7]), "+f"(c[8]), "+f"(c[9]), "+f"(c[10]), "+f"(c[11]), "+f"(c[12]), "+f"(c[13]), "+f"(c[14]), "+f"(c[15]), "+f"(c[16]), "+f"(c[17]), "+f"(c[18]), "+f"(c[19]), "+f"(c[20]), "+f"(c[21]), "+f"(c[22]), "+f"(c[23]), "+f"(c[24]), "+f"(c[25]), "+f"(c[26]), "+f"(c[27]), "+f"(c[28]), "+f"(c[29]), "+f"(c[30]), "+f"(c[31]), "+f"(c[32]), "+f"(c[33]), "+f"(c[34]), "+f"(c[35]), "+f"(c[36]), "+f"(c[37]), "+f"(c[38]), "+f"(c[39]), "+f"(c[40]), "+f"(c[41]), "+f"(c[42]), "+f"(c[43]), "+f"(c[44]), "+f"(c[45]), "+f"(c[46]), "+f"(c[47]), "+f"(c[48]), "+f"(c[49]), "+f"(c[50]), "+f"(c[51]), "+f"(c[52]), "+f"(c[53]), "+f"(c[54]), "+f"(c[55]), "+f"(c[56]), "+f"(c[57]), "+f"(c[58]), "+f"(c[59]), "+f"(c[60]), "+f"(c[61]), "+f"(c[62]), "+f"(c[63])
      : "l"(da), "l"(db));
}

template <int TN> __device__ __forceinline__ void tile_conv_wg(const TileConvArgs& a) {
  extern __shared__ unsigned char smem[];
  constexpr u32 STAGE_BYTES = A_BYTES + TN * 128;
  const u32 base = ((u32)__cvta_generic_to_shared(smem) + 1023) & ~1023u;  // [WG_STAGES][A, B]
  const int tilesN = (a.co + TN - 1) / TN;
  const int row0 = (blockIdx.x / tilesN) * 64, col0 = (blockIdx.x % tilesN) * TN;
  const int kdim = a.ks * a.ks * a.c, ktiles = kdim / 64;
  const int kt0 = blockIdx.y * a.ktilesPerSplit, n = min(ktiles, kt0 + a.ktilesPerSplit) - kt0;

  // This thread copies 16-byte chunk j of A rows r0 + 16 i and of B rows likewise: its rows share
  // r % 8, so their swizzled chunk is at the same place in each, 2048 bytes (16 rows) apart.
  const int r0 = threadIdx.x >> 3, j = threadIdx.x & 7;
  const u32 at = r0 * 128 + ((j ^ (r0 & 7)) << 4);
  const st* arow[4];  // the row's tap (0, 0) at this thread's chunk; null: past the rows
#pragma unroll
  for (int i = 0; i < 4; i++) {
    const int row = row0 + r0 + 16 * i;
    const int ox = row % a.bo, oy = (row / a.bo) % a.bo, bt = row / (a.bo * a.bo);
    arow[i] = row < a.rows ? a.tiles + (((u64)bt * a.side + oy * a.stride) * a.side + ox * a.stride) * a.c + j * 8 : nullptr;
  }
  const st* brow[TN / 16];  // the output channel's weight row at this thread's chunk; null: past Cout
#pragma unroll
  for (int i = 0; i < TN / 16; i++) {
    const int ch = col0 + r0 + 16 * i;
    brow[i] = ch < a.co ? a.weight + (u64)ch * kdim + j * 8 : nullptr;
  }
  // the next k-tile to load: its k, tap (ky, kx) and first channel
  int k = kt0 * 64, kpos = k / a.c, ci = k - kpos * a.c, ky = kpos / a.ks, kx = kpos % a.ks;
  auto load = [&](int slot) {
    const u32 s = base + slot * STAGE_BYTES;
    const u64 tap = ((u64)ky * a.side + kx) * a.c + ci;
#pragma unroll
    for (int i = 0; i < 4; i++) copy16_to(s + at + i * 2048, arow[i] ? arow[i] + tap : a.tiles, arow[i] != nullptr);
#pragma unroll
    for (int i = 0; i < TN / 16; i++) copy16_to(s + A_BYTES + at + i * 2048, brow[i] ? brow[i] + k : a.weight, brow[i] != nullptr);
    k += 64;
    if ((ci += 64) == a.c) {
      ci = 0;
      if (++kx == a.ks) { kx = 0; ky++; }
    }
  };

  float acc[TN / 2];  // rows g, g + 8 of this warp's 16: columns 8 q + c2, + 1 in acc[4 q], [4 q + 1] and acc[4 q + 2], [4 q + 3]
#pragma unroll
  for (int i = 0; i < TN / 2; i++) acc[i] = 0.f;
  for (int s = 0; s < WG_STAGES - 2; s++) {
    if (s < n) load(s);
    asm volatile("cp.async.commit_group;\n");
  }
  for (int i = 0; i < n; i++) {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(WG_STAGES - 3));
    asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");  // cp.async's writes, visible to wgmma
    // k-tile i has landed for every thread, and every warp is past the wait below for k-tile i - 2's
    // MMAs: its stage is the one refilled now
    __syncthreads();
    if (i + WG_STAGES - 2 < n) load((i + WG_STAGES - 2) % WG_STAGES);
    asm volatile("cp.async.commit_group;\n");
    const u32 s = base + (i % WG_STAGES) * STAGE_BYTES;
    const u64 da = descriptor(s), db = descriptor(s + A_BYTES);
    wg_fence();
#pragma unroll
    for (int kk = 0; kk < 4; kk++) wgmma_ss<TN>(acc, da + 2 * kk, db + 2 * kk);  // 32 bytes along K: + 2
    wg_commit();
    wg_wait<1>();
  }
  wg_wait<0>();
#pragma unroll
  for (int i = 0; i < TN / 2; i++) hold(acc[i]);

  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, c2 = (lane & 3) * 2;
  const int rowA = row0 + warp * 16 + g;  // rows rowA and rowA + 8
  if (gridDim.y > 1) {
    // this split's partial product, then the last split of the tile to arrive adds them all
    float* mine = a.partial + (u64)blockIdx.y * a.rows * a.co;
#pragma unroll
    for (int hf = 0; hf < 2; hf++)
#pragma unroll
      for (int q = 0; q < TN / 8; q++) {
        const int row = rowA + 8 * hf, col = col0 + 8 * q + c2;
        if (row < a.rows && col < a.co) *(float2*)(mine + (u64)row * a.co + col) = make_float2(acc[4 * q + 2 * hf], acc[4 * q + 2 * hf + 1]);
      }
    if (!last_split(a)) return;
#pragma unroll
    for (int i = 0; i < TN / 2; i++) acc[i] = 0.f;
#pragma unroll 1
    for (int sp = 0; sp < (int)gridDim.y; sp++)
#pragma unroll
      for (int hf = 0; hf < 2; hf++)
#pragma unroll
        for (int q = 0; q < TN / 8; q++) {
          const int row = rowA + 8 * hf, col = col0 + 8 * q + c2;
          if (row < a.rows && col < a.co) {
            const float2 p = __ldcg((const float2*)(a.partial + ((u64)sp * a.rows + row) * a.co + col));
            acc[4 * q + 2 * hf] += p.x; acc[4 * q + 2 * hf + 1] += p.y;
          }
        }
  }
#pragma unroll
  for (int hf = 0; hf < 2; hf++) {
    const OutRow r = out_row(a, rowA + 8 * hf);
#pragma unroll
    for (int q = 0; q < TN / 8; q++) write_out(a, r, col0 + 8 * q + c2, acc[4 * q + 2 * hf], acc[4 * q + 2 * hf + 1]);
  }
}

// the two builds (the host passes 128 threads and tileConvWgSharedBytes(TN) of shared memory)
#define TILE_CONV_WG_ARGS                                                                                                                          \
  const st *tiles, const st *weight, const st *bias, const int *corners, const unsigned char *active, const st *residual, const st *shift, st *out, \
      st *displaced, float *partial, int *counters, int c, int blocks, int side, int ks, int stride, int bo, int oh, int ow, int co, int rows,     \
      int ktilesPerSplit
#define TILE_CONV_WG_VALUES \
  {tiles, weight, bias, corners, active, residual, shift, out, displaced, partial, counters, c, blocks, side, ks, stride, bo, oh, ow, co, rows, ktilesPerSplit}
extern "C" __global__ void __launch_bounds__(128) k_tile_conv_wg64(TILE_CONV_WG_ARGS) {
  after_earlier_kernels();
  tile_conv_wg<64>(TILE_CONV_WG_VALUES);
}
extern "C" __global__ void __launch_bounds__(128) k_tile_conv_wg128(TILE_CONV_WG_ARGS) {
  after_earlier_kernels();
  tile_conv_wg<128>(TILE_CONV_WG_VALUES);
}
