// Programmatic dependent launch (sm_90 and later): the host records every kernel of ours into graphs
// with CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION (driver.ts), which lets the GPU start a
// kernel's blocks before the kernel ahead of it in the stream has finished. So every kernel's first
// statement is after_earlier_kernels(): it waits there until the earlier kernels have completed and
// their writes are visible, and only then reads or writes memory; then it lets the next kernel
// launch (its blocks take free slots once every block of this one has started, and wait in turn).
// What overlaps is the launch (block scheduling, the previous grid draining), not the work.
// test/kernel-sources.test.ts checks that every kernel begins with it. Without the attribute (older
// GPUs, eager launches, the option off) both instructions do nothing.
#pragma once
__device__ __forceinline__ void after_earlier_kernels() {
#if __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;" ::: "memory");
  asm volatile("griddepcontrol.launch_dependents;" :::);
#endif
}
