// A transformer's feed-forward input layer with its GEGLU in one kernel, on Hopper (sm_90a):
// out[M, F] = (x W_h^T + b_h) * gelu(x W_g^T + b_g), where W [2F, K] is the layer's weight (the
// value's F rows, then the gate's) and b its bias. The library path (a cuBLASLt GEMM writing
// [M, 2F], then k_geglu reading it back) moves the 2F-wide product through memory twice; here it
// stays on chip. Rounding as that path's: h and g rounded for storage after their bias, the
// product rounded once (so only the GEMM's summation order may differ).
//   A block is a producer warpgroup (one thread of it busy) and two consumer warpgroups, and loops
// over output tiles of GG_ROWS rows by GG_COLS outputs (persistent: a block per SM). The producer
// streams k-tiles (64 values of K) of x's rows and of the weight's value and gate rows into
// GG_STAGES shared-memory stages in the 128-byte swizzled layout wgmma reads (wgmma.cuh), the
// weight's by the tensor memory accelerator (TMA: bulk copies a tensor map describes), each
// stage's arrival counted on an mbarrier; the consumers take 64 rows each by 2 GG_COLS columns (value and
// gate side by side) with wgmma m64n256k16 and free a stage once their MMAs on it are done. (x by
// cp.async, not TMA: a tensor map holds its tensor's address, and a replayed graph re-points its
// kernels' pointer arguments at new inputs, which a map in device memory would not follow.)
//   A tile's epilogue costs about as much as its MMAs at K = 320 (erff and the roundings of 64
// outputs a thread: bench/results/2026-12-03-s46-call1.log, where the kernel that did it between
// tiles was no faster than the library path). So each consumer puts its tile's h and g, bias added
// and rounded, into shared memory, and computes their GEGLU (16-byte vectors, written straight to
// memory) while the tensor cores run the next tile's MMAs, which are asynchronous. (With erff's
// ~30 instructions a GELU the kernel was issue-bound there; since the polynomial GELU of storage.cuh,
// session 47, 66-75 against 88 us for the library path at 768 px level 1.) Tiles stay 256 wide
// (m64n256): narrower ones whose epilogue ran from registers in the shadow of the next tile's MMAs,
// with no staging, were slower at every large shape, 62 against 50 us at K = 1280 (not profiled; a
// likely cause: each MMA reads x's rows from shared memory for half as many outputs, which with the
// stages' fills asks more of shared memory than it gives; bench/results/2026-12-03-s47-call3.log,
// its diff beside it).
#include "launch.cuh"
#include "mma.cuh"
#include "storage.cuh"
#include "tma.cuh"
#include "wgmma.cuh"

// GG_ROWS rows by GG_COLS outputs a tile, GG_STAGES stages: defined at compilation (kernels.ts)
static_assert(GG_ROWS == 128 && GG_COLS == 128, "two consumer warpgroups of 64 rows, each with wgmma's widest N (value and gate: 256)");
constexpr u32 A_BYTES = GG_ROWS * 128, B_BYTES = 2 * GG_COLS * 128;  // a k-tile: rows of 64 halves
constexpr u32 STAGE_BYTES = A_BYTES + B_BYTES;
constexpr u32 OUT_BYTES = 64 * 2 * GG_COLS * 2;          // a consumer's staged h and g: 64 rows of 512 bytes

// Registers a thread: the block starts with 168 each (__launch_bounds__(384, 1)); the producer gives
// some back and the consumers take them. A consumer's increase waits until the registers are free,
// so more than the producer gives would wait forever (a GPU suite that hung, call 4).
constexpr int PRODUCER_REGS = 56, CONSUMER_REGS = 224;
static_assert(128 * PRODUCER_REGS + 256 * CONSUMER_REGS <= 384 * 168, "the consumers take no more registers than the producer frees");
// a named barrier of `threads` threads (ids 1 and 2: one per consumer warpgroup; 0 is __syncthreads')
__device__ __forceinline__ void named_sync(u32 id, u32 threads) { asm volatile("bar.sync %0, %1;\n" ::"r"(id), "r"(threads) : "memory"); }

// c (a warpgroup's 64 x 256 accumulator) = A B^T (+ c if accumulate) over one k-step of 16, both operands K-major in shared memory
__device__ __forceinline__ void wgmma_256(float* c, u64 da, u64 db, int accumulate) {
  asm volatile(
      "{\n.reg .pred p;\nsetp.ne.b32 p, %130, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16 {%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63, %64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79, %80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95, %96, %97, %98, %99, %100, %101, %102, %103, %104, %105, %106, %107, %108, %109, %110, %111, %112, %113, %114, %115, %116, %117, %118, %119, %120, %121, %122, %123, %124, %125, %126, %127}, %128, %129, p, 1, 1, 0, 0;\n}\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]), "+f"(c[4]), "+f"(c[5]), "+f"(c[6]), "+f"(c[7]), "+f"(c[8]), "+f"(c[9]), "+f"(c[10]), "+f"(c[11]), "+f"(c[12]), "+f"(c[13]), "+f"(c[14]), "+f"(c[15]), "+f"(c[16]), "+f"(c[17]), "+f"(c[18]), "+f"(c[19]), "+f"(c[20]), "+f"(c[21]), "+f"(c[22]), "+f"(c[23]), "+f"(c[24]), "+f"(c[25]), "+f"(c[26]), "+f"(c[27]), "+f"(c[28]), "+f"(c[29]), "+f"(c[30]), "+f"(c[31]), "+f"(c[32]), "+f"(c[33]), "+f"(c[34]), "+f"(c[35]), "+f"(c[36]), "+f"(c[37]), "+f"(c[38]), "+f"(c[39]), "+f"(c[40]), "+f"(c[41]), "+f"(c[42]), "+f"(c[43]), "+f"(c[44]), "+f"(c[45]), "+f"(c[46]), "+f"(c[47]), "+f"(c[48]), "+f"(c[49]), "+f"(c[50]), "+f"(c[51]), "+f"(c[52]), "+f"(c[53]), "+f"(c[54]), "+f"(c[55]), "+f"(c[56]), "+f"(c[57]), "+f"(c[58]), "+f"(c[59]), "+f"(c[60]), "+f"(c[61]), "+f"(c[62]), "+f"(c[63]), "+f"(c[64]), "+f"(c[65]), "+f"(c[66]), "+f"(c[67]), "+f"(c[68]), "+f"(c[69]), "+f"(c[70]), "+f"(c[71]), "+f"(c[72]), "+f"(c[73]), "+f"(c[74]), "+f"(c[75]), "+f"(c[76]), "+f"(c[77]), "+f"(c[78]), "+f"(c[79]), "+f"(c[80]), "+f"(c[81]), "+f"(c[82]), "+f"(c[83]), "+f"(c[84]), "+f"(c[85]), "+f"(c[86]), "+f"(c[87]), "+f"(c[88]), "+f"(c[89]), "+f"(c[90]), "+f"(c[91]), "+f"(c[92]), "+f"(c[93]), "+f"(c[94]), "+f"(c[95]), "+f"(c[96]), "+f"(c[97]), "+f"(c[98]), "+f"(c[99]), "+f"(c[100]), "+f"(c[101]), "+f"(c[102]), "+f"(c[103]), "+f"(c[104]), "+f"(c[105]), "+f"(c[106]), "+f"(c[107]), "+f"(c[108]), "+f"(c[109]), "+f"(c[110]), "+f"(c[111]), "+f"(c[112]), "+f"(c[113]), "+f"(c[114]), "+f"(c[115]), "+f"(c[116]), "+f"(c[117]), "+f"(c[118]), "+f"(c[119]), "+f"(c[120]), "+f"(c[121]), "+f"(c[122]), "+f"(c[123]), "+f"(c[124]), "+f"(c[125]), "+f"(c[126]), "+f"(c[127])
      : "l"(da), "l"(db), "r"(accumulate));
}

// x [m, k]; mapB: the weight [2f, k] in boxes of 64 x GG_COLS (a tensor map in device memory,
// cuTensorMapEncodeTiled with 128-byte swizzle); bias [2f]; out [m, f]. f a multiple of GG_COLS, k of 64.
extern "C" __global__ void __launch_bounds__(384, 1) k_gemm_geglu(const st* x, const void* mapB, const st* bias, st* out, int m, int f, int k) {
  after_earlier_kernels();
  extern __shared__ unsigned char smem[];
  const u32 raw = (u32)__cvta_generic_to_shared(smem), base = (raw + 1023) & ~1023u;  // [GG_STAGES][A, B], then [2][OUT]
  const u32 staged = base + GG_STAGES * STAGE_BYTES, full = staged + 2 * OUT_BYTES, empty = full + 8 * GG_STAGES;
  const int tilesF = f / GG_COLS, tiles = ((m + GG_ROWS - 1) / GG_ROWS) * tilesF, ktiles = k / 64;
  if (threadIdx.x == 0) {
    for (int s = 0; s < GG_STAGES; s++) {
      bar_init(full + 8 * s, 129);  // the weight's copies (one arrival with their bytes to come) and each producer thread's of x
      bar_init(empty + 8 * s, 2);  // one arrival per consumer warpgroup
    }
    bar_init_fence();
  }
  __syncthreads();
  const int wg = threadIdx.x >> 7;
  if (wg == 2) {  // the producer warpgroup: x's rows by cp.async, the weight's by TMA; its registers go to the consumers
    asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\n" ::"n"(PRODUCER_REGS));
    // this thread's 16-byte chunk j of x rows r0, r0 + 16, ... in a stage: they share r % 8, so the
    // swizzled chunk (j ^ (r % 8)) is at the same place in each, 16 rows of 128 bytes apart
    const int p = threadIdx.x - 256, r0 = p >> 3, j = p & 7;
    const u32 chunk = r0 * 128 + ((j ^ (r0 & 7)) << 4);
    // k-tile i's copies of x have landed (this thread's; all but the latest group): visible to wgmma, counted on its stage
    const auto landed = [&](int i) {
      asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
      bar_arrive(full + 8 * (i % GG_STAGES));
    };
    int it = 0;  // k-tiles issued, over all this block's tiles: stage it % GG_STAGES, its phase (it / GG_STAGES) & 1
    for (int t = blockIdx.x; t < tiles; t += gridDim.x) {
      const int row0 = (t / tilesF) * GG_ROWS, f0 = (t % tilesF) * GG_COLS;
      for (int kt = 0; kt < ktiles; kt++, it++) {
        const int s = it % GG_STAGES;
        const u32 at = base + s * STAGE_BYTES;
        bar_wait(empty + 8 * s, ((it / GG_STAGES) & 1) ^ 1);  // the first pass finds every stage free
        if (p == 0) {
          bar_expect(full + 8 * s, B_BYTES);
          tma_load(at + A_BYTES, mapB, kt * 64, f0, full + 8 * s);
          tma_load(at + A_BYTES + B_BYTES / 2, mapB, kt * 64, f + f0, full + 8 * s);
        }
        const st* src = x + (u64)(row0 + r0) * k + kt * 64 + j * 8;
#pragma unroll
        for (int i = 0; i < GG_ROWS / 16; i++, src += 16 * k) copy16_to(at + chunk + i * 16 * 128, src, row0 + r0 + 16 * i < m);  // rows past m: zeros
        asm volatile("cp.async.commit_group;\n");
        // the k-tile before this one: counted once landed (so this one's copies stay in flight meanwhile)
        if (it > 0) {
          asm volatile("cp.async.wait_group 1;\n" ::: "memory");
          landed(it - 1);
        }
      }
    }
    asm volatile("cp.async.wait_group 0;\n" ::: "memory");
    if (it > 0) landed(it - 1);
    return;
  }
  // a consumer warpgroup: rows 64 wg .. 64 wg + 63 of each tile
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\n" ::"n"(CONSUMER_REGS));
  const int tid = threadIdx.x & 127, warp = tid >> 5, lane = tid & 31, g = lane >> 2, c2 = (lane & 3) * 2;
  // this warpgroup's staged tile: row r's h in 16-byte chunks 0-15, g in 16-31, chunk c at c ^ (r % 8)
  // (a warp's staging stores and the GEGLU's loads without bank conflicts)
  const u32 mine = staged + wg * OUT_BYTES;
  // The GEGLU of the staged tile (rows from row0 on, outputs from f0 on), in 8 jobs a thread of 8
  // outputs each: job i of thread tid is row (tid + 128 i) / 16, outputs 8 ((tid + 128 i) % 16) on
  int row0s = 0, f0s = 0, jobs = 8;  // the staged tile's corner; jobs this thread has done of it (8: all, or none staged)
  const auto job = [&]() {
    const int e = tid + 128 * jobs++, r = e >> 4, j = e & 15, row = row0s + wg * 64 + r;
    uint4 h, gv;
    asm volatile("ld.shared.v4.b32 {%0, %1, %2, %3}, [%4];\n" : "=r"(h.x), "=r"(h.y), "=r"(h.z), "=r"(h.w) : "r"(mine + r * 512 + ((j ^ (r & 7)) << 4)));
    asm volatile("ld.shared.v4.b32 {%0, %1, %2, %3}, [%4];\n" : "=r"(gv.x), "=r"(gv.y), "=r"(gv.z), "=r"(gv.w) : "r"(mine + r * 512 + ((16 + (j ^ (r & 7))) << 4)));
    const __half2* hh = (const __half2*)&h;
    const __half2* gg = (const __half2*)&gv;
    uint4 o;
    __half2* oo = (__half2*)&o;
#pragma unroll
    for (int i = 0; i < 4; i++) {
      const float2 a = __half22float2(hh[i]), b = __half22float2(gg[i]);
      oo[i] = __floats2half2_rn(a.x * gelu_f(b.x), a.y * gelu_f(b.y));
    }
    if (row < m) *(uint4*)(out + (u64)row * f + f0s + 8 * j) = o;
  };
  float acc[128];  // rows g, g + 8 of this warp's 16: columns 8 q + c2, + 1 in acc[4 q], [4 q + 1] and acc[4 q + 2], [4 q + 3]; value columns q < 16, gate q >= 16
  int it = 0;
  for (int t = blockIdx.x; t < tiles; t += gridDim.x) {
    const int row0 = (t / tilesF) * GG_ROWS, f0 = (t % tilesF) * GG_COLS;
    for (int kt = 0; kt < ktiles; kt++, it++) {
      const int s = it % GG_STAGES;
      const u32 at = base + s * STAGE_BYTES;
      bar_wait(full + 8 * s, (it / GG_STAGES) & 1);
      const u64 da = descriptor(at + wg * 64 * 128), db = descriptor(at + A_BYTES);
      wg_fence();
#pragma unroll
      for (int kk = 0; kk < 4; kk++) wgmma_256(acc, da + 2 * kk, db + 2 * kk, kt > 0 || kk > 0);  // 32 bytes along K: + 2
      wg_commit();
      // while they run: two GEGLU jobs of the tile before
      if (jobs < 8) job();
      if (jobs < 8) job();
      // then the stage is free at once (keeping a k-tile's MMAs in flight into the next left the
      // producer one stage ahead of three, not two: 81-86 us at 768 px level 1, call 2)
      wg_wait<0>();
      if (tid == 0) bar_arrive(empty + 8 * s);
    }
#pragma unroll
    for (int i = 0; i < 128; i++) hold(acc[i]);
    while (jobs < 8) job();
    named_sync(1 + wg, 128);  // every thread's jobs are done with the staged tile
    // this tile's h and g, bias added and rounded as the GEMM would store them, into the staged tile
#pragma unroll
    for (int hf = 0; hf < 2; hf++) {
      const int r = warp * 16 + g + 8 * hf;
#pragma unroll
      for (int q = 0; q < 32; q++) {
        const int col = (q < 16 ? f0 : f + f0 - 8 * 16) + 8 * q + c2;
        const float2 b = __half22float2(*(const __half2*)(bias + col));
        const __half2 v = __floats2half2_rn(acc[4 * q + 2 * hf] + b.x, acc[4 * q + 2 * hf + 1] + b.y);
        asm volatile("st.shared.b32 [%0], %1;\n" ::"r"(mine + r * 512 + ((q ^ (r & 7)) << 4) + c2 * 2), "r"(*(const u32*)&v) : "memory");
      }
    }
    named_sync(1 + wg, 128);  // staged for every thread's jobs
    row0s = row0, f0s = f0, jobs = 0;
  }
  while (jobs < 8) job();
}
