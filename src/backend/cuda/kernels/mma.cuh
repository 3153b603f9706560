// Tensor-core building blocks shared by the fp16 kernels (attention.cu, attention-sm90.cu,
// tile-conv.cu): packing, mma.sync m16n8k16 with fp32 accumulation, ldmatrix and cp.async.
#pragma once
#include <cuda_fp16.h>

typedef unsigned int u32;

__device__ __forceinline__ u32 pack(float a, float b) {
  __half2 h = __floats2half2_rn(a, b);
  return *(u32*)&h;
}

__device__ __forceinline__ void mma16816(float* c, const u32* a, u32 b0, u32 b1) {
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
               : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// four (x4) or two (x2) 8x8 b16 matrices from shared memory, one row address per lane
__device__ __forceinline__ void ldsm4(u32* r, const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"((u32)__cvta_generic_to_shared(p)));
}
__device__ __forceinline__ void ldsm2(u32* r, const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x2.shared.b16 {%0,%1}, [%2];\n" : "=r"(r[0]), "=r"(r[1]) : "r"((u32)__cvta_generic_to_shared(p)));
}
__device__ __forceinline__ void ldsm4t(u32* r, const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"((u32)__cvta_generic_to_shared(p)));
}

// 16 bytes global -> shared (a shared-space address), zero-filled when !valid
__device__ __forceinline__ void copy16_to(u32 dst, const void* src, bool valid) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(valid ? 16 : 0));
}
__device__ __forceinline__ void copy16(void* dst, const void* src, bool valid) {
  copy16_to((u32)__cvta_generic_to_shared(dst), src, valid);
}
