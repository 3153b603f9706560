// A FISEdit sparse step's convolution over its gathered tiles, as one implicit GEMM on tensor cores
// (fp16 storage, fp32 accumulation), written straight into the base map in place (what the map held
// there going to `displaced`, as k_overwrite_blocks does): what an im2col matrix, a cuBLASLt GEMM
// (with its split-K reduction) and k_overwrite_blocks do in three or four launches.
//   A [rows, K]: row (batch item b, tile t, oy, ox), column (ky, kx, ci), K = ks * ks * C: the tile
//       (k_gather_tiles' [N * blocks, side, side, C], the norm's affine and SiLU applied, zero where
//       it holds padding) at (oy, ox) * stride + (ky, kx). The affine is applied once per value
//       there: here each value feeds ks * ks columns of A and every block of output channels;
//   B [Cout, K]: the weight as stored ([Cout, kh, kw, Cin]);
//   out at block corner_t + (oy, ox), where `active` marks it: residual + (A B^T + bias), the
//       sum in float and rounded once (k_overwrite_blocks' sum, without the GEMM's rounding between).
// A block of 4 warps computes a 64 x 64 tile of the product, each warp 32 x 32 by mma.sync m16n8k16,
// over k-tiles of 32 that stream through STAGES stages of shared memory by cp.async. A thread
// loads the same column chunk of two rows at every k-tile, so its addresses step by one offset
// shared by its rows (the kernel tap and channel, advanced without division). Few rows against a
// long K (the low resolutions' 1280 channels) would leave most SMs idle: there gridDim.y splits K,
// each split writes its partial product in float, and the last split of a tile to finish (a
// counter per tile, which it sets back to zero for the next launch) adds them in split order and
// writes the output: one launch, the same bits whichever split ends last. Needs C and Cout
// multiples of 8.
// Not the default (CudaOptions.tileConvolution): on the H200 it is 1.6-4.4x slower than the gather,
// cuBLASLt/cuDNN and scatter it replaces, for every shape of bench/tile-conv.ts (a 5% sparse step
// 5.8 ms with it at 41530da against 4.5-4.9). Measured: 2, 3 or 4 stages change little, nor do dependent
// launches; k-tiles of 64 (2 stages) take the layers of 1280+ rows down (1280 channels, 2048 rows: 508
// to 360 us; the libraries 130), not the small ones; at 2048 rows x 1280 x 11520 this form reaches ~120
// TFLOP/s where the libraries reach ~450 (bench/results/2026-11-30-tile-conv*.json,
// -variants-trial.log, -ncu.log). Applying the affine inside this kernel (once per block of output
// channels, each value ks * ks times) was 2-2.6x slower still, and adding the splits value by value
// (a load latency each) cost small split layers 6-11 us. A faster one needs larger warp tiles (64 x 64, as
// CUTLASS's), or Hopper's wgmma with TMA loads.
#include "launch.cuh"
#include "mma.cuh"
#include "storage.cuh"
#include "tile-write.cuh"

// TM (rows of a block's tile), TN (its output channels), TK (k-tile, a multiple of 8) and THREADS:
// defined at compilation (kernels.ts TILE_CONV_ROWS, _COLS, _K, _THREADS)
#define SROW (TK + 8)  // shared row in halves: padded for conflict-free ldmatrix
#define STAGES 4  // shared-memory stages of A and B
#define CPR (TK / 8)             // 16-byte chunks in a row of a k-tile
#define RSTEP (THREADS / CPR)    // rows a pass of the block's threads loads
#define PASSES (TM / RSTEP)      // passes to load TM (= TN) rows

// What this thread loads at each k-tile: column chunk (tid % CPR) * 8 of A rows tid / CPR + RSTEP * j
// of the block's tile and of B rows (output channels) likewise, and where the k-tile's tap is.
struct Loader {
  const st* a[PASSES];  // the rows' tap (0, 0), channel 0 in the tiles; null: no such row
  const st* b[PASSES];  // the weight rows at this thread's column; null: no such channel
  int k, ci, kx, ky;    // this thread's column of the k-tile: its k, and its channel and tap
};

__device__ __forceinline__ Loader loader(const TileConvArgs& a, int row0, int col0, int kt) {
  Loader l;
#pragma unroll
  for (int j = 0; j < PASSES; j++) {
    int row = row0 + threadIdx.x / CPR + RSTEP * j, n = col0 + threadIdx.x / CPR + RSTEP * j;
    int ox = row % a.bo, oy = (row / a.bo) % a.bo, bt = row / (a.bo * a.bo);
    l.a[j] = row < a.rows ? a.tiles + (((u64)bt * a.side + oy * a.stride) * a.side + ox * a.stride) * a.c : nullptr;
    l.b[j] = n < a.co ? a.weight + (u64)n * a.ks * a.ks * a.c : nullptr;
  }
  l.k = kt * TK + (threadIdx.x % CPR) * 8;
  int kpos = l.k / a.c;
  l.ci = l.k - kpos * a.c; l.ky = kpos / a.ks; l.kx = kpos % a.ks;
  return l;
}

// the loader's k-tile into a stage (zeros past the rows, channels or K), then on to the next k-tile
__device__ __forceinline__ void load_stage(const TileConvArgs& a, Loader& l, int kdim, __half* As, __half* Bs) {
  const bool inK = l.k < kdim;
  const u64 tap = ((u64)l.ky * a.side + l.kx) * a.c + l.ci;
  const int at = (threadIdx.x / CPR) * SROW + (threadIdx.x % CPR) * 8;
#pragma unroll
  for (int j = 0; j < PASSES; j++) {
    bool ok = inK && l.a[j];
    copy16(As + at + RSTEP * j * SROW, ok ? l.a[j] + tap : a.tiles, ok);
    ok = inK && l.b[j];
    copy16(Bs + at + RSTEP * j * SROW, ok ? l.b[j] + l.k : a.weight, ok);
  }
  l.k += TK;
  for (l.ci += TK; l.ci >= a.c; l.ci -= a.c)  // TK may pass several taps when C < TK
    if (++l.kx == a.ks) { l.kx = 0; l.ky++; }
}

// acc (2 m-tiles x 4 n-tiles of m16n8 per warp) += the k-tile in shared memory
__device__ __forceinline__ void mma_tile(const __half* As, const __half* Bs, int wm, int wn, float (*acc)[4][4]) {
  int lane = threadIdx.x & 31;
#pragma unroll
  for (int kk = 0; kk < TK; kk += 16) {
    u32 af[2][4], bf[2][4];
#pragma unroll
    for (int m = 0; m < 2; m++) ldsm4(af[m], As + (wm * 32 + m * 16 + (lane & 15)) * SROW + kk + (lane >> 4) * 8);
#pragma unroll
    for (int n = 0; n < 2; n++) ldsm4(bf[n], Bs + (wn * 32 + n * 16 + (lane >> 4) * 8 + (lane & 7)) * SROW + kk + ((lane >> 3) & 1) * 8);
#pragma unroll
    for (int m = 0; m < 2; m++)
#pragma unroll
      for (int n = 0; n < 4; n++) mma16816(acc[m][n], af[m], bf[n >> 1][(n & 1) * 2], bf[n >> 1][(n & 1) * 2 + 1]);
  }
}

// After this split's partial product is written: whether it is the last split of its tile to
// finish (a counter per tile, which that split sets back to zero for the next launch), the one
// that then adds all splits' partials, in split order: the same bits whichever split ends last.
__device__ __forceinline__ bool last_split(const TileConvArgs& a) {
  __shared__ int last;
  __threadfence();
  __syncthreads();
  if (threadIdx.x == 0) {
    last = atomicAdd(a.counters + blockIdx.x, 1) == (int)gridDim.y - 1;
    if (last) a.counters[blockIdx.x] = 0;
  }
  __syncthreads();
  if (last) __threadfence();
  return last;
}

// f(m, n, hf, row, col) for each pair of this thread's accumulator values acc[m][n][2 hf], [2 hf + 1]
// that lies in the product (row < rows, col < Cout): rows g (+ 8) of m-tile m, channels c2, c2 + 1 of n-tile n
template <class F> __device__ __forceinline__ void each_pair(const TileConvArgs& a, int row0, int col0, F f) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, c2 = (lane & 3) * 2;
#pragma unroll
  for (int m = 0; m < 2; m++)
#pragma unroll
    for (int n = 0; n < 4; n++)
#pragma unroll
      for (int hf = 0; hf < 2; hf++) {
        int row = row0 + (warp >> 1) * 32 + m * 16 + g + hf * 8, col = col0 + (warp & 1) * 32 + n * 8 + c2;
        if (row < a.rows && col < a.co) f(m, n, hf, row, col);
      }
}

extern "C" __global__ void __launch_bounds__(THREADS) k_tile_conv(TILE_CONV_ARGS) {
  after_earlier_kernels();
  const TileConvArgs a = TILE_CONV_VALUES;
  __shared__ __align__(16) __half As[STAGES][TM * SROW], Bs[STAGES][TN * SROW];
  const int tilesN = (a.co + TN - 1) / TN;
  const int row0 = (blockIdx.x / tilesN) * TM, col0 = (blockIdx.x % tilesN) * TN;
  const int kdim = a.ks * a.ks * a.c, ktiles = (kdim + TK - 1) / TK;
  const int kt0 = blockIdx.y * a.ktilesPerSplit, kt1 = min(ktiles, kt0 + a.ktilesPerSplit);
  const int warp = threadIdx.x >> 5, wm = warp >> 1, wn = warp & 1, lane = threadIdx.x & 31;

  float acc[2][4][4];
#pragma unroll
  for (int m = 0; m < 2; m++)
#pragma unroll
    for (int n = 0; n < 4; n++) acc[m][n][0] = acc[m][n][1] = acc[m][n][2] = acc[m][n][3] = 0.f;

  Loader l = loader(a, row0, col0, kt0);
  // STAGES - 1 k-tiles in flight ahead of the one being multiplied (a commit group each, empty past the end)
  for (int s = 0; s < STAGES - 1; s++) {
    if (kt0 + s < kt1) load_stage(a, l, kdim, As[s], Bs[s]);
    asm volatile("cp.async.commit_group;\n");
  }
  for (int kt = kt0; kt < kt1; kt++) {
    const int i = kt - kt0, slot = i % STAGES;
    asm volatile("cp.async.wait_group %0;\n" ::"n"(STAGES - 2));
    __syncthreads();  // the stage has landed for every thread; every warp is done with the stage refilled next
    if (kt + STAGES - 1 < kt1) load_stage(a, l, kdim, As[(i + STAGES - 1) % STAGES], Bs[(i + STAGES - 1) % STAGES]);
    asm volatile("cp.async.commit_group;\n");
    mma_tile(As[slot], Bs[slot], wm, wn, acc);
  }

  const int g = lane >> 2, c2 = (lane & 3) * 2;
  if (gridDim.y > 1) {
    // this split's partial product, then the last split of the tile to arrive adds them all
    float* mine = a.partial + (u64)blockIdx.y * a.rows * a.co;
    each_pair(a, row0, col0, [&](int m, int n, int hf, int row, int col) {
      *(float2*)(mine + (u64)row * a.co + col) = make_float2(acc[m][n][2 * hf], acc[m][n][2 * hf + 1]);
    });
    if (!last_split(a)) return;
    // split by split, all of this thread's values of a split at once: one load latency a split
    // (value by value over the splits paid one a value: small layers ~10 us slower)
#pragma unroll
    for (int m = 0; m < 2; m++)
#pragma unroll
      for (int n = 0; n < 4; n++) acc[m][n][0] = acc[m][n][1] = acc[m][n][2] = acc[m][n][3] = 0.f;
#pragma unroll 1
    for (int sp = 0; sp < (int)gridDim.y; sp++)
      each_pair(a, row0, col0, [&](int m, int n, int hf, int row, int col) {
        float2 p = __ldcg((const float2*)(a.partial + ((u64)sp * a.rows + row) * a.co + col));
        acc[m][n][2 * hf] += p.x; acc[m][n][2 * hf + 1] += p.y;
      });
  }
#pragma unroll
  for (int m = 0; m < 2; m++)
#pragma unroll
    for (int hf = 0; hf < 2; hf++) {
      const OutRow r = out_row(a, row0 + wm * 32 + m * 16 + g + hf * 8);  // once for the row's 4 n-tiles
#pragma unroll
      for (int n = 0; n < 4; n++) write_out(a, r, col0 + wn * 32 + n * 8 + c2, acc[m][n][2 * hf], acc[m][n][2 * hf + 1]);
    }
}
