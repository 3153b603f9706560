// A sparse step's convolution over its gathered tiles on Hopper's warpgroup MMA (wgmma, sm_90a):
// the product, split-K and write of tile-conv.cu's k_tile_conv (same arguments, same bits out of the
// write; see there and tile-write.cuh), with the block's tile of the product on wgmma, which reads
// both operands from shared memory, instead of mma.sync fed by ldmatrix (that form reached ~120
// TFLOP/s on the H200 where the libraries reach ~450).
//   A block is WGS warpgroups (128 threads each) and takes 64 * WGS rows (tile positions) by TN
//   output channels; each warp owns 16 rows, each warpgroup's MMAs 64 rows by TN.
//   A k-tile is 64 channels of one kernel tap (C a multiple of 64, so a k-tile never straddles taps):
//   128 bytes of each A row and B row (an output channel), one row of the 128-byte swizzled layout
//   wgmma reads (wgmma.cuh). WG_STAGES (kernels.ts) stages stream through shared memory by cp.async,
//   WG_STAGES - 2 k-tiles ahead of the one multiplied, with one k-tile's MMAs left running while the
//   next are issued.
//   K is split among the S blocks of a thread block cluster; they add their partial products through
//   distributed shared memory in split order (the same bits whichever finishes first). Splits that
//   met in global memory, the last block of a tile adding them all, cost the small layers up to
//   ~150 us (bench/results/2026-12-01-tile-conv-s21-wg-partials-variants.txt).
// Builds k_tile_conv_wg<rows>x<cols>_<S> (the host picks one by an estimate of its L2 loads, tile-conv.ts).
// Measured on the H200 (bench:tile-conv, 2026-12-01-tile-conv-s21-wg-model.json): faster than the
// library path (gather, cuBLASLt, write) in 9 of 30 shapes, mostly 64-256 rows of 320-960 channels;
// 1.03-1.93x slower in the others. The large ones are bound by L2 -> shared memory traffic (~4.5 TB/s: 944 MB for 2048 rows of 1280 -> 1280
// in ~210 us): every block loads its own A and B tiles. What would cut it: larger tiles (128 x 256)
// and loads shared by a cluster's blocks (TMA multicast), as cuBLAS does.
#include "cluster.cuh"
#include "launch.cuh"
#include "mma.cuh"
#include "storage.cuh"
#include "tile-write.cuh"
#include "tma.cuh"
#include "wgmma.cuh"

// c (a warpgroup's 64 x N accumulator) += A B^T over one k-step of 16: both operands K-major in
// shared memory, given by descriptors (scale-d 1: accumulate)
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

// N = 40 and 80: the tile rows of tile_conv_wgs (a sparse step's few rows, as wgmma's N)
template <> __device__ __forceinline__ void wgmma_ss<40>(float* c, u64 da, u64 db) {
  asm volatile(
      "wgmma.mma_async.sync.aligned.m64n40k16.f32.f16.f16 {%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19}, %20, %21, 1, 1, 1, 0, 0;\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]), "+f"(c[4]), "+f"(c[5]), "+f"(c[6]), "+f"(c[7]), "+f"(c[8]), "+f"(c[9]), "+f"(c[10]), "+f"(c[11]), "+f"(c[12]), "+f"(c[13]), "+f"(c[14]), "+f"(c[15]), "+f"(c[16]), "+f"(c[17]), "+f"(c[18]), "+f"(c[19])
      : "l"(da), "l"(db));
}
template <> __device__ __forceinline__ void wgmma_ss<80>(float* c, u64 da, u64 db) {
  asm volatile(
      "wgmma.mma_async.sync.aligned.m64n80k16.f32.f16.f16 {%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39}, %40, %41, 1, 1, 1, 0, 0;\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]), "+f"(c[4]), "+f"(c[5]), "+f"(c[6]), "+f"(c[7]), "+f"(c[8]), "+f"(c[9]), "+f"(c[10]), "+f"(c[11]), "+f"(c[12]), "+f"(c[13]), "+f"(c[14]), "+f"(c[15]), "+f"(c[16]), "+f"(c[17]), "+f"(c[18]), "+f"(c[19]), "+f"(c[20]), "+f"(c[21]), "+f"(c[22]), "+f"(c[23]), "+f"(c[24]), "+f"(c[25]), "+f"(c[26]), "+f"(c[27]), "+f"(c[28]), "+f"(c[29]), "+f"(c[30]), "+f"(c[31]), "+f"(c[32]), "+f"(c[33]), "+f"(c[34]), "+f"(c[35]), "+f"(c[36]), "+f"(c[37]), "+f"(c[38]), "+f"(c[39])
      : "l"(da), "l"(db));
}

// The k-loop of both forms: `n` k-tiles through WG_STAGES stages of `stage_bytes` at `base` (A rows,
// then B rows from `a_bytes`), each filled by load(slot) with cp.async (and the TMA, whose copies
// landed(i) waits for), WG_STAGES - 2 k-tiles ahead of the one multiplied; this warpgroup's 64 A rows
// by all N B rows into acc (N / 2 floats a thread), one k-tile's MMAs left running while the next are issued.
template <int N, typename Load, typename Landed> __device__ __forceinline__ void wg_mainloop(u32 base, u32 a_bytes, u32 stage_bytes, int n, Load& load, Landed& landed, float* acc) {
  const u32 a_at = (threadIdx.x >> 7) * 64 * 128;  // this warpgroup's A rows 64 wg .. 64 wg + 63 of a stage
#pragma unroll
  for (int i = 0; i < N / 2; i++) acc[i] = 0.f;
  for (int s = 0; s < WG_STAGES - 2; s++) {
    if (s < n) load(s);
    asm volatile("cp.async.commit_group;\n");
  }
  for (int i = 0; i < n; i++) {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(WG_STAGES - 3));
    landed(i);
    asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");  // cp.async's writes, visible to wgmma
    // k-tile i has landed for every thread, and every warp is past the wait below for k-tile i - 2's
    // MMAs: its stage is the one refilled now
    __syncthreads();
    if (i + WG_STAGES - 2 < n) load((i + WG_STAGES - 2) % WG_STAGES);
    asm volatile("cp.async.commit_group;\n");
    const u32 s = base + (i % WG_STAGES) * stage_bytes;
    const u64 da = descriptor(s + a_at), db = descriptor(s + a_bytes);
    wg_fence();
#pragma unroll
    for (int kk = 0; kk < 4; kk++) wgmma_ss<N>(acc, da + 2 * kk, db + 2 * kk);  // 32 bytes along K: + 2
    wg_commit();
    wg_wait<1>();
  }
  wg_wait<0>();
#pragma unroll
  for (int i = 0; i < N / 2; i++) hold(acc[i]);
}

// The split-K sum of a cluster of S blocks (cluster.cuh), each block's partial product [ROWS][COLS]
// floats at `base`, written as write_out writes a tile convolution's output.
template <int S, int ROWS, int COLS, int THREADS> __device__ __forceinline__ void cluster_sum_write(const TileConvArgs& a, u32 base, int row0, int col0) {
  auto write = [&](int row, int col, float x, float y) { write_out(a, out_row(a, row0 + row), col0 + col, x, y); };
  cluster_sum<S, THREADS>(base, ROWS, COLS, COLS, write);
}

// The two forms' loads (weight_row: tile_conv_wg's alone; tile_conv_wgs's weights come by the TMA).
// A k-tile is 64 channels of one tap; this block's split of K takes k-tiles kt0 .. kt0 + n - 1.
struct KSplit { int kdim, kt0, n; };
__device__ __forceinline__ KSplit k_split(const TileConvArgs& a) {
  const int kdim = a.ks * a.ks * a.c, ktiles = kdim / 64, kt0 = blockIdx.y * a.ktilesPerSplit;
  return {kdim, kt0, min(ktiles, kt0 + a.ktilesPerSplit) - kt0};
}
// Tile row `row`'s tap (0, 0) at chunk j (8 halves) of its channels; null past the rows.
__device__ __forceinline__ const st* tile_row(const TileConvArgs& a, int row, int j) {
  const int ox = row % a.bo, oy = (row / a.bo) % a.bo, bt = row / (a.bo * a.bo);
  return row < a.rows ? a.tiles + (((u64)bt * a.side + oy * a.stride) * a.side + ox * a.stride) * a.c + j * 8 : nullptr;
}
// Output channel ch's weight row at chunk j; null past Cout.
__device__ __forceinline__ const st* weight_row(const TileConvArgs& a, int ch, int kdim, int j) {
  return ch < a.co ? a.weight + (u64)ch * kdim + j * 8 : nullptr;
}
// The next k-tile to load: its k, tap (ky, kx) and first channel; tap() its offset in a tile row,
// next() the k-tile after it.
struct KCursor {
  int k, ci, ky, kx;
  __device__ __forceinline__ KCursor(const TileConvArgs& a, int kt0) : k(kt0 * 64) {
    const int kpos = k / a.c;
    ci = k - kpos * a.c; ky = kpos / a.ks; kx = kpos % a.ks;
  }
  __device__ __forceinline__ u64 tap(const TileConvArgs& a) const { return ((u64)ky * a.side + kx) * a.c + ci; }
  __device__ __forceinline__ void next(const TileConvArgs& a) {
    k += 64;
    if ((ci += 64) == a.c) {
      ci = 0;
      if (++kx == a.ks) { kx = 0; ky++; }
    }
  }
};

template <int WGS, int TN, int S> __device__ __forceinline__ void tile_conv_wg(const TileConvArgs& a) {
  extern __shared__ unsigned char smem[];
  constexpr int ROWS = 64 * WGS, PASS = 16 * WGS;  // rows a block; rows a pass of its threads copies
  constexpr u32 A_BYTES = ROWS * 128, STAGE_BYTES = A_BYTES + TN * 128;
  const u32 base = ((u32)__cvta_generic_to_shared(smem) + 1023) & ~1023u;  // [WG_STAGES][A, B]
  const int tilesN = (a.co + TN - 1) / TN;
  const int row0 = (blockIdx.x / tilesN) * ROWS, col0 = (blockIdx.x % tilesN) * TN;
  const KSplit ks = k_split(a);

  // This thread copies 16-byte chunk j of A rows r0 + PASS i and of B rows likewise: its rows share
  // r % 8, so their swizzled chunk is at the same place in each, PASS rows of 128 bytes apart.
  const int r0 = threadIdx.x >> 3, j = threadIdx.x & 7;
  const u32 at = r0 * 128 + ((j ^ (r0 & 7)) << 4);
  const st* arow[4];  // the tile rows at this thread's chunk
#pragma unroll
  for (int i = 0; i < 4; i++) arow[i] = tile_row(a, row0 + r0 + PASS * i, j);
  const st* brow[TN / PASS];  // the output channels' weight rows at this thread's chunk
#pragma unroll
  for (int i = 0; i < TN / PASS; i++) brow[i] = weight_row(a, col0 + r0 + PASS * i, ks.kdim, j);
  KCursor next(a, ks.kt0);
  auto load = [&](int slot) {
    const u32 s = base + slot * STAGE_BYTES;
    const u64 tap = next.tap(a);
#pragma unroll
    for (int i = 0; i < 4; i++) copy16_to(s + at + i * PASS * 128, arow[i] ? arow[i] + tap : a.tiles, arow[i] != nullptr);
#pragma unroll
    for (int i = 0; i < TN / PASS; i++) copy16_to(s + A_BYTES + at + i * PASS * 128, brow[i] ? brow[i] + next.k : a.weight, brow[i] != nullptr);
    next.next(a);
  };

  float acc[TN / 2];  // rows g, g + 8 of this warp's 16: columns 8 q + c2, + 1 in acc[4 q], [4 q + 1] and acc[4 q + 2], [4 q + 3]
  auto landed = [](int) {};  // all by cp.async
  wg_mainloop<TN>(base, A_BYTES, STAGE_BYTES, ks.n, load, landed, acc);

  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, c2 = (lane & 3) * 2;
  const int rowA = warp * 16 + g;  // this thread's rows of the tile: rowA and rowA + 8
  if constexpr (S == 1) {
#pragma unroll
    for (int hf = 0; hf < 2; hf++) {
      const OutRow r = out_row(a, row0 + rowA + 8 * hf);
#pragma unroll
      for (int q = 0; q < TN / 8; q++) write_out(a, r, col0 + 8 * q + c2, acc[4 * q + 2 * hf], acc[4 * q + 2 * hf + 1]);
    }
  } else {
    // The S splits of K are the S blocks of a cluster: each puts its partial product in its own
    // shared memory (the stages, done with), then adds the rows it owns, ROWS / S of them, over all S
    // blocks' shared memory in split order (the same bits whichever block finishes first) and writes them.
    __syncthreads();  // both warpgroups' MMAs are done with the stages
    float* part = (float*)(smem + (base - (u32)__cvta_generic_to_shared(smem)));  // [ROWS][TN]
#pragma unroll
    for (int hf = 0; hf < 2; hf++)
#pragma unroll
      for (int q = 0; q < TN / 8; q++) *(float2*)(part + (rowA + 8 * hf) * TN + 8 * q + c2) = make_float2(acc[4 * q + 2 * hf], acc[4 * q + 2 * hf + 1]);
    cluster_sum_write<S, ROWS, TN, 128 * WGS>(a, base, row0, col0);
  }
}

// The same convolution with the operands swapped, for few rows over a long K (a ~5% step's 12 x 12
// convolutions: 40 rows of 1280 -> 1280 over K = 11520): the weights are wgmma's M (64 output
// channels a warpgroup) and the block's RN tile rows its N. tile_conv_wg's M is 64 rows or more, so
// at 40 rows a third of its MMAs and tile loads were of rows that are not there, and at 76 rows its
// blocks came in two waves (bench/results/2026-12-03-s48-call7.log: 18.8 / 30.2 us against the library
// path's 16.3 / 17.0). A block is WGS warpgroups (64 WGS output channels) by RN rows; K is split
// among the S blocks of a cluster and their partial products added through distributed shared
// memory in split order, as tile_conv_wg's. The tile rows' loads, the stages and the write are
// tile_conv_wg's; the weights come by the TMA.
// Measured in bench:tile-conv's graphs (with the gather before it; session 51,
// bench/results/2026-12-03-s51-call{1,3}.log): 18.6 us at 40 rows of 1280 -> 1280, 24.9-25.1 at 76,
// against the library path's 15.3-16.7 and 16.4-17.2 (every thread copying its share of the weights
// by cp.async, as until d2a5e9e, in the same runs: 19.2-19.6 and 27.2-27.4). Nsight Compute: the
// weights' copies were ~12% of its instructions (2.43M at 40 rows against 2.75M; cuBLASLt's kernel
// 0.95M), and it is bound by latency, not issue: one warp a scheduler (a block of 4 warps an SM),
// none eligible 79% of cycles, the SMs idle ~30% of the launch. cuBLASLt's kernel for the product
// runs 12 warps a block (a producer warpgroup, two consumer warpgroups) on 100 blocks. Even at its
// speed, this path would save only the write's launch: the tiles still come from a gather kernel.
template <int WGS, int RN, int S> __device__ __forceinline__ void tile_conv_wgs(const TileConvArgs& a) {
  extern __shared__ unsigned char smem[];
  // output channels a block; rows a pass of its threads copies; passes over the tile rows
  constexpr int COUT = 64 * WGS, PASS = 16 * WGS, TP = (RN + PASS - 1) / PASS;
  constexpr u32 A_BYTES = COUT * 128, STAGE_BYTES = A_BYTES + RN * 128;
  static_assert(RN % 8 == 0 && S > 1, "whole 8-row swizzle atoms of tile rows; K split");
  static_assert(RN * COUT * 4 <= WG_STAGES * STAGE_BYTES, "the partial product fits the stages");
  const u32 base = ((u32)__cvta_generic_to_shared(smem) + 1023) & ~1023u;  // [WG_STAGES][A: weight rows, B: tile rows]
  const int tilesN = (a.co + COUT - 1) / COUT;
  const int row0 = (blockIdx.x / tilesN) * RN, col0 = (blockIdx.x % tilesN) * COUT;
  const KSplit ks = k_split(a);

  // The weights come by the TMA, a box of COUT rows by a k-tile a stage (a.wmap: boxes of 64 x COUT),
  // issued by thread 0 and counted on the stage's barrier; the tile rows by cp.async, this thread's
  // 16-byte chunk j of rows r0 + PASS i (TP passes, the last maybe in part) at the same swizzled place
  // in each.
  const u32 bars = base + WG_STAGES * STAGE_BYTES;  // a barrier a stage, past the stages
  if (threadIdx.x == 0) {
    for (int s = 0; s < WG_STAGES; s++) bar_init(bars + 8 * s, 1);
    bar_init_fence();
  }
  __syncthreads();
  const int r0 = threadIdx.x >> 3, j = threadIdx.x & 7;
  const u32 at = r0 * 128 + ((j ^ (r0 & 7)) << 4);
  const st* trow[TP];  // the tile rows at this thread's chunk
#pragma unroll
  for (int i = 0; i < TP; i++) trow[i] = tile_row(a, row0 + r0 + PASS * i, j);
  KCursor next(a, ks.kt0);
  auto load = [&](int slot) {
    const u32 s = base + slot * STAGE_BYTES;
    if (threadIdx.x == 0) {
      bar_expect(bars + 8 * slot, A_BYTES);
      tma_load(s, a.wmap, next.k, col0, bars + 8 * slot);  // rows past Cout: zeros
    }
    const u64 tap = next.tap(a);
#pragma unroll
    for (int i = 0; i < TP; i++)
      if (r0 + PASS * i < RN) copy16_to(s + A_BYTES + at + i * PASS * 128, trow[i] ? trow[i] + tap : a.tiles, trow[i] != nullptr);
    next.next(a);
  };
  // k-tile i's weights have landed (its slot's phase i / WG_STAGES)
  auto landed = [&](int i) { bar_wait(bars + 8 * (i % WG_STAGES), (i / WG_STAGES) & 1); };

  float acc[RN / 2];  // channels g, g + 8 of this warp's 16: tile rows 8 q + c2, + 1 in acc[4 q], [4 q + 1] and acc[4 q + 2], [4 q + 3]
  wg_mainloop<RN>(base, A_BYTES, STAGE_BYTES, ks.n, load, landed, acc);

  // Each block puts its partial product in its own shared memory (the stages, done with) by tile
  // row, [RN][COUT], then adds the rows it owns, ceil(RN / S) of them (fewer in the last blocks),
  // over all S blocks' shared memory in split order (the same bits whichever block finishes first)
  // and writes them.
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, c2 = (lane & 3) * 2;
  const int chA = warp * 16 + g;  // this thread's output channels of the block: chA and chA + 8
  __syncthreads();  // every warpgroup's MMAs are done with the stages
  float* part = (float*)(smem + (base - (u32)__cvta_generic_to_shared(smem)));
#pragma unroll
  for (int q = 0; q < RN / 8; q++)
#pragma unroll
    for (int hf = 0; hf < 2; hf++) {
      part[(8 * q + c2) * COUT + chA + 8 * hf] = acc[4 * q + 2 * hf];
      part[(8 * q + c2 + 1) * COUT + chA + 8 * hf] = acc[4 * q + 2 * hf + 1];
    }
  cluster_sum_write<S, RN, COUT, 128 * WGS>(a, base, row0, col0);
}

// the builds (the host passes 128 * WGS threads, tileConvWgSharedBytes of shared memory and S splits along y)
// k_tile_conv_wg<rows>x<cols>_<S> (form tile_conv_wg, TN output channels a block) and
// k_tile_conv_wgs<rows>x<cols>_<S> (form tile_conv_wgs, N = RN rows a block): WGS warpgroups (the
// host passes 128 * WGS threads), a cluster of S blocks along y, the S splits of K of one tile
#define TILE_CONV_BUILD(name, form, WGS, N, S)                                                    \
  extern "C" __global__ void __cluster_dims__(1, S, 1) __launch_bounds__(128 * WGS) name(TILE_CONV_ARGS) { \
    after_earlier_kernels();                                                                      \
    form<WGS, N, S>(TILE_CONV_VALUES);                                                         \
  }
TILE_CONV_BUILD(k_tile_conv_wg64x64_1, tile_conv_wg, 1, 64, 1)
TILE_CONV_BUILD(k_tile_conv_wg64x64_2, tile_conv_wg, 1, 64, 2)
TILE_CONV_BUILD(k_tile_conv_wg64x64_4, tile_conv_wg, 1, 64, 4)
TILE_CONV_BUILD(k_tile_conv_wg64x64_8, tile_conv_wg, 1, 64, 8)
TILE_CONV_BUILD(k_tile_conv_wg64x128_1, tile_conv_wg, 1, 128, 1)
TILE_CONV_BUILD(k_tile_conv_wg64x128_2, tile_conv_wg, 1, 128, 2)
TILE_CONV_BUILD(k_tile_conv_wg64x128_4, tile_conv_wg, 1, 128, 4)
TILE_CONV_BUILD(k_tile_conv_wg64x128_8, tile_conv_wg, 1, 128, 8)
TILE_CONV_BUILD(k_tile_conv_wg128x64_1, tile_conv_wg, 2, 64, 1)
TILE_CONV_BUILD(k_tile_conv_wg128x64_2, tile_conv_wg, 2, 64, 2)
TILE_CONV_BUILD(k_tile_conv_wg128x64_4, tile_conv_wg, 2, 64, 4)
TILE_CONV_BUILD(k_tile_conv_wg128x128_1, tile_conv_wg, 2, 128, 1)
TILE_CONV_BUILD(k_tile_conv_wg128x128_2, tile_conv_wg, 2, 128, 2)
TILE_CONV_BUILD(k_tile_conv_wg128x128_4, tile_conv_wg, 2, 128, 4)
TILE_CONV_BUILD(k_tile_conv_wgs40x64_4, tile_conv_wgs, 1, 40, 4)
TILE_CONV_BUILD(k_tile_conv_wgs40x64_6, tile_conv_wgs, 1, 40, 6)
TILE_CONV_BUILD(k_tile_conv_wgs40x64_8, tile_conv_wgs, 1, 40, 8)
TILE_CONV_BUILD(k_tile_conv_wgs40x128_4, tile_conv_wgs, 2, 40, 4)
TILE_CONV_BUILD(k_tile_conv_wgs40x128_8, tile_conv_wgs, 2, 40, 8)
TILE_CONV_BUILD(k_tile_conv_wgs80x64_4, tile_conv_wgs, 1, 80, 4)
TILE_CONV_BUILD(k_tile_conv_wgs80x64_6, tile_conv_wgs, 1, 80, 6)
TILE_CONV_BUILD(k_tile_conv_wgs80x64_8, tile_conv_wgs, 1, 80, 8)
TILE_CONV_BUILD(k_tile_conv_wgs80x128_4, tile_conv_wgs, 2, 80, 4)
TILE_CONV_BUILD(k_tile_conv_wgs80x128_8, tile_conv_wgs, 2, 80, 8)
