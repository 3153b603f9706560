// Programmatic dependent launch (sm_90 and later): the host records every kernel of ours into graphs
// with CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION (driver.ts), which lets the GPU start a
// kernel's blocks before the kernel ahead of it in the stream has finished. So every kernel calls
// after_earlier_kernels() before it touches memory an earlier kernel may write: it waits there until
// the earlier kernels have completed and their writes are visible; then it lets the next kernel
// launch (its blocks take free slots once every block of this one has started, and wait in turn).
// Since a kernel lets the next one launch only after its own wait, all but the kernel just ahead
// have completed when a kernel starts. What overlaps is the launch (block scheduling, the previous
// grid draining), and the loads of what no kernel, or not the one ahead, writes: the sparse plan's
// arrays (PLANNED_VECTOR_KERNEL, storage.cuh), what k_group_affine reads besides its fresh sums, and
// a model's parameters where the host says so (k_gemm_rows's `early`: CudaDevice.settledParameter).
// Most kernels wait first. test/kernel-sources.test.ts checks every kernel against these rules.
// Without the attribute (older GPUs, eager launches, the option off) both instructions do nothing.
#pragma once
__device__ __forceinline__ void after_earlier_kernels() {
#if __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;" ::: "memory");
  asm volatile("griddepcontrol.launch_dependents;" :::);
#endif
}
