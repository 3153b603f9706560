// Hopper's warpgroup MMA (wgmma, sm_90a) plumbing shared by attention-sm90.cu and tile-conv-sm90.cu:
// shared-memory matrix descriptors for the 128-byte swizzled layout both use (row r's 16-byte chunk j
// stored at chunk j ^ (r % 8), rows of 128 bytes, tiles on 1024-byte boundaries) and the fences and
// waits around asynchronous MMAs.
#pragma once
typedef unsigned int u32;
typedef unsigned long long u64;

// a shared-memory matrix descriptor: 128-byte swizzle, rows of 128 bytes, 8-row groups 1024 bytes apart
__device__ __forceinline__ u64 descriptor(u32 addr) {
  return (u64)((addr & 0x3FFFF) >> 4) | ((u64)1 << 16) | ((u64)(1024 >> 4) << 32) | ((u64)1 << 62);
}

__device__ __forceinline__ void wg_fence() { asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory"); }
// keeps the compiler from touching accumulators while an MMA may still write them
__device__ __forceinline__ void hold(float& r) { asm volatile("" : "+f"(r)::"memory"); }
__device__ __forceinline__ void wg_commit() { asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory"); }
// waits until at most N of this warpgroup's commit groups are still running (N = 0: all are done)
template <int N> __device__ __forceinline__ void wg_wait() { asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N) : "memory"); }
__device__ __forceinline__ void wg_commit_wait() { wg_commit(); wg_wait<0>(); }
