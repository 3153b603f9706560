// Thread block clusters (sm_90): a block's rank, a barrier of all the cluster's threads (its
// shared-memory writes visible to the others after it), reads of another block's shared memory, and
// the split-K sum that tile-conv-sm90.cu's and gemm-rows-sm90.cu's kernels end with.
#pragma once
typedef unsigned int u32;

__device__ __forceinline__ u32 cluster_rank() {
  u32 r;
  asm volatile("mov.u32 %0, %%cluster_ctarank;\n" : "=r"(r));
  return r;
}
__device__ __forceinline__ void cluster_sync() {
  asm volatile("barrier.cluster.arrive.release.aligned;\nbarrier.cluster.wait.acquire.aligned;\n" ::: "memory");
}
__device__ __forceinline__ u32 map_to_rank(u32 addr, u32 rank) {
  u32 r;
  asm volatile("mapa.shared::cluster.u32 %0, %1, %2;\n" : "=r"(r) : "r"(addr), "r"(rank));
  return r;
}
__device__ __forceinline__ float2 load_cluster(u32 addr) {
  float2 v;
  asm volatile("ld.shared::cluster.v2.f32 {%0, %1}, [%2];\n" : "=f"(v.x), "=f"(v.y) : "r"(addr) : "memory");
  return v;
}

// The split-K sum of a cluster of S blocks: each holds its partial product, [rows][cols] floats `pitch`
// floats a row, in its shared memory at `base`; this block adds the rows it owns, ceil(rows / S) of
// them (fewer in the last blocks), over all S blocks' shared memory in split order (the same bits
// whichever block finishes first), and hands each pair of columns to write(row, col, x, y). THREADS: the block's.
template <int S, int THREADS, typename Write> __device__ __forceinline__ void cluster_sum(u32 base, int rows, int cols, int pitch, Write& write) {
  cluster_sync();  // every block's partial product is in its shared memory
  const int share = (rows + S - 1) / S, first = cluster_rank() * share, mine = max(0, min(share, rows - first));
  for (int e = threadIdx.x; e < mine * cols / 2; e += THREADS) {
    const int row = first + e / (cols / 2), col = (e % (cols / 2)) * 2;
    const u32 at = base + (row * pitch + col) * 4;
    float2 v[S];
#pragma unroll
    for (int r = 0; r < S; r++) v[r] = load_cluster(map_to_rank(at, r));
    float x = 0.f, y = 0.f;
#pragma unroll
    for (int r = 0; r < S; r++) { x += v[r].x; y += v[r].y; }
    write(row, col, x, y);
  }
  cluster_sync();  // no block leaves while another reads its shared memory
}
