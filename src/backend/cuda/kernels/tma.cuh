// Hopper's tensor memory accelerator (TMA, sm_90) and the shared-memory barriers (mbarrier) its
// copies complete on, shared by gemm-geglu-sm90.cu and tile-conv-sm90.cu. A copy is a box of a
// tensor map (cuTensorMapEncodeTiled, driver.ts tensorMapHalf: 128-byte swizzle, the layout wgmma
// reads) into shared memory; the barrier's phase completes when its expected arrivals have come and
// every byte they announced has landed.
#pragma once
typedef unsigned int u32;

__device__ __forceinline__ void bar_init(u32 bar, u32 count) { asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(bar), "r"(count) : "memory"); }
// the barriers' initialisation, visible to the async proxy (the TMA) and the other threads after a barrier of the block
__device__ __forceinline__ void bar_init_fence() { asm volatile("fence.mbarrier_init.release.cluster;\n" ::: "memory"); }
__device__ __forceinline__ void bar_arrive(u32 bar) { asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" ::"r"(bar) : "memory"); }
// arrives and sets how many bytes the stage's copies will bring (the phase completes when all have landed)
__device__ __forceinline__ void bar_expect(u32 bar, u32 bytes) { asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\n" ::"r"(bar), "r"(bytes) : "memory"); }
// waits until the barrier's phase of this parity has completed
__device__ __forceinline__ void bar_wait(u32 bar, u32 parity) {
  u32 done;
  do {
    asm volatile("{\n.reg .pred p;\nmbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\nselp.u32 %0, 1, 0, p;\n}\n" : "=r"(done) : "r"(bar), "r"(parity) : "memory");
  } while (!done);
}
// a box of a 2D tensor map (at inner coordinate c0, outer c1) into this block's shared memory, counted
// on `bar` (boxes past the tensor's edge are filled with zeros, and their bytes counted all the same)
__device__ __forceinline__ void tma_load(u32 dst, const void* map, int c0, int c1, u32 bar) {
  asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, {%2, %3}], [%4];\n"
               ::"r"(dst), "l"(map), "r"(c0), "r"(c1), "r"(bar) : "memory");
}
