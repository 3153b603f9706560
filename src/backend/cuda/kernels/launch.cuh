// Programmatic dependent launch (sm_90 and later): the host launches every kernel of ours with
// CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION (driver.ts), which lets the GPU start a
// kernel's blocks while the kernel before it in the stream is still finishing. So every kernel's
// first statement is after_earlier_kernels(): it waits there until the earlier kernels have
// completed and their writes are visible, and only then reads or writes memory. What overlaps is the
// launch itself (block scheduling, the wait for the previous grid to drain), which is most of a
// small kernel's cost in a graph of ~700 of them (a sparse step). test/kernel-sources.test.ts checks
// that every kernel begins with it. Without the attribute (older GPUs, the option off) it does nothing.
#pragma once
__device__ __forceinline__ void after_earlier_kernels() {
#if __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}
