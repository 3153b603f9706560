// The CUDA driver API as fisedit calls it: each function's C declaration as koffi binds it (driver.ts
// binds them all at start), and the layouts of the driver's structs that driver.ts fills in native
// memory (offsets and sizes from cuda.h, CUDA 13).

export const CUDA_ERROR_OUT_OF_MEMORY = 2;
/** CUlaunchConfig: seven unsigned ints (grid, block, shared bytes), then the stream, the attribute list, its length. */
export const CONFIG_STREAM = 32, CONFIG_ATTRS = 40, CONFIG_NUM_ATTRS = 48, CONFIG_BYTES = 56;
/** CUlaunchAttribute: the id, padding to 8 bytes, a 64-byte value union. */
export const ATTRIBUTE_BYTES = 72;
export const LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION = 6;
/** CUDA_KERNEL_NODE_PARAMS (v2): the function, seven unsigned ints, then the parameter array, extra, kernel, context. */
export const NODE_PARAMS = 40, NODE_BYTES = 72;
/** CUgraphEdgeData: from port, to port, type (CU_GRAPH_DEPENDENCY_TYPE_*), 5 reserved bytes. */
export const EDGE_BYTES = 8, EDGE_TYPE = 2, DEPENDENCY_TYPE_PROGRAMMATIC = 1;
export const GRAPH_NODE_TYPE_KERNEL = 0;
/** CUDA_MEMCPY3D: its bytes, and where its dstDevice lies (cuda.h, CUDA 13; a multiple of 8: driver.ts writes it as a 64-bit word). */
export const MEMCPY3D_BYTES = 200, MEMCPY3D_DST_DEVICE = 136;

/** The driver functions, by the name driver.ts calls them, with the versioned symbol each binds. */
export const DRIVER_FUNCTIONS: Readonly<Record<string, string>> = {
  cuInit: 'int cuInit(unsigned int flags)',
  cuDeviceGetCount: 'int cuDeviceGetCount(_Out_ int *count)',
  cuDeviceGet: 'int cuDeviceGet(_Out_ int *device, int ordinal)',
  cuDeviceGetName: 'int cuDeviceGetName(_Out_ uint8_t *name, int len, int dev)',
  cuDeviceGetAttribute: 'int cuDeviceGetAttribute(_Out_ int *pi, int attrib, int dev)',
  cuDevicePrimaryCtxRetain: 'int cuDevicePrimaryCtxRetain(_Out_ void **pctx, int dev)',
  cuCtxSetCurrent: 'int cuCtxSetCurrent(void *ctx)',
  cuCtxSynchronize: 'int cuCtxSynchronize()',
  cuMemAlloc: 'int cuMemAlloc_v2(_Out_ uint64_t *dptr, size_t bytes)',
  cuMemFree: 'int cuMemFree_v2(uint64_t dptr)',
  cuMemGetInfo: 'int cuMemGetInfo_v2(_Out_ size_t *free, _Out_ size_t *total)',
  cuMemcpyHtoDAsync: 'int cuMemcpyHtoDAsync_v2(uint64_t dst, const void *src, size_t bytes, void *stream)',
  cuMemcpyDtoHAsync: 'int cuMemcpyDtoHAsync_v2(_Out_ void *dst, uint64_t src, size_t bytes, void *stream)',
  cuMemcpyDtoDAsync: 'int cuMemcpyDtoDAsync_v2(uint64_t dst, uint64_t src, size_t bytes, void *stream)',
  cuMemHostGetDevicePointer: 'int cuMemHostGetDevicePointer_v2(_Out_ uint64_t *dptr, uint64_t p, unsigned int flags)',
  cuMemHostAlloc: 'int cuMemHostAlloc(_Out_ void **pp, size_t bytes, unsigned int flags)',
  cuMemFreeHost: 'int cuMemFreeHost(uint64_t p)',
  cuStreamWaitEvent: 'int cuStreamWaitEvent(void *stream, void *event, unsigned int flags)',
  cuMemsetD8Async: 'int cuMemsetD8Async(uint64_t dst, uint8_t value, size_t n, void *stream)',
  cuStreamCreate: 'int cuStreamCreate(_Out_ void **stream, unsigned int flags)',
  cuStreamSynchronize: 'int cuStreamSynchronize(void *stream)',
  cuStreamBeginCapture: 'int cuStreamBeginCapture_v2(void *stream, int mode)',
  cuStreamEndCapture: 'int cuStreamEndCapture(void *stream, _Out_ void **graph)',
  cuGraphInstantiate: 'int cuGraphInstantiateWithFlags(_Out_ void **exec, void *graph, uint64_t flags)',
  cuGraphLaunch: 'int cuGraphLaunch(void *exec, void *stream)',
  cuGraphDestroy: 'int cuGraphDestroy(void *graph)',
  cuGraphExecDestroy: 'int cuGraphExecDestroy(void *exec)',
  cuModuleLoadData: 'int cuModuleLoadData(_Out_ void **module, const void *image)',
  cuModuleGetFunction: 'int cuModuleGetFunction(_Out_ void **fn, void *module, const char *name)',
  cuLaunchKernel: 'int cuLaunchKernel(void *f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by, unsigned int bz, unsigned int shmem, void *stream, void *params, void *extra)',
  cuLaunchKernelEx: 'int cuLaunchKernelEx(const void *config, void *f, void *params, void *extra)',
  cuStreamGetCaptureInfo: 'int cuStreamGetCaptureInfo_v3(void *stream, _Out_ int *status, _Out_ uint64_t *id, _Out_ void **graph, _Out_ void **deps, _Out_ void **edges, _Out_ size_t *count)',
  cuGraphExecKernelNodeSetParams: 'int cuGraphExecKernelNodeSetParams_v2(void *exec, void *node, const void *params)',
  cuGetErrorName: 'int cuGetErrorName(int error, _Out_ const char **name)',
  cuGraphGetEdges: 'int cuGraphGetEdges_v2(void *graph, void *from, void *to, void *edgeData, _Inout_ size_t *count)',
  cuGraphNodeGetType: 'int cuGraphNodeGetType(uint64_t node, _Out_ int *type)',
  cuGraphKernelNodeGetParams: 'int cuGraphKernelNodeGetParams_v2(uint64_t node, void *params)',
  cuGraphAddEmptyNode: 'int cuGraphAddEmptyNode(_Out_ void **node, void *graph, void *deps, size_t count)',
  cuGraphMemcpyNodeGetParams: 'int cuGraphMemcpyNodeGetParams(void *node, void *params)',
  cuGraphExecMemcpyNodeSetParams: 'int cuGraphExecMemcpyNodeSetParams(void *exec, void *node, const void *params, void *ctx)',
  cuStreamUpdateCaptureDependencies: 'int cuStreamUpdateCaptureDependencies_v2(void *stream, void *deps, void *edgeData, size_t count, unsigned int flags)',
  cuFuncGetName: 'int cuFuncGetName(_Out_ const char **name, uint64_t fn)',
  cuFuncSetAttribute: 'int cuFuncSetAttribute(void *fn, int attrib, int value)',
  cuTensorMapEncodeTiled: 'int cuTensorMapEncodeTiled(uint64_t map, int dataType, uint32_t rank, uint64_t address, const uint64_t *dims, const uint64_t *strides, const uint32_t *box, const uint32_t *elementStrides, int interleave, int swizzle, int l2Promotion, int oobFill)',
  cuEventCreate: 'int cuEventCreate(_Out_ void **event, unsigned int flags)',
  cuEventRecordWithFlags: 'int cuEventRecordWithFlags(void *event, void *stream, unsigned int flags)',
  cuEventQuery: 'int cuEventQuery(void *event)',
  cuEventElapsedTime: 'int cuEventElapsedTime_v2(_Out_ float *ms, void *start, void *end)',
  cuEventDestroy: 'int cuEventDestroy_v2(void *event)',
  cuProfilerStart: 'int cuProfilerStart()',
  cuProfilerStop: 'int cuProfilerStop()',
};
