// GroupNorm's statistics and affine in one launch where a map's segments to sum are few (a sparse
// step's active rows of the small maps; groupNormAffine in pointwise-ops.ts decides): a cluster of
// GN_CLUSTER blocks, one block on each of as many multiprocessors, sums the segments (block r the
// jobs r, r + GN_CLUSTER, ... of the batch items' listed segments), meets at the cluster's barrier
// (which orders each block's global writes of its sums before the others' reads), then folds the
// (batch item, group) pairs (block r the pairs r, r + GN_CLUSTER, ...): what k_group_partial and
// k_group_affine compute in two launches, by the same code (group-norm.cuh), a launch and its
// latency fewer. Hopper (clusters), fp16 storage; GN_CLUSTER past the portable 8 (the host allows it).
#include "cluster.cuh"
#include "group-norm.cuh"
#include "launch.cuh"
#include "storage.cuh"

// GN_CLUSTER, FOLD_THREADS (group-norm.cuh's): kernels.ts KERNEL_DEFINES

#define GROUP_NORM_CLUSTER_ARGS                                                                                                  \
  const st *x, const st *offset, double *sums, const int *list, int listed, int n, int nrows, int w, int pieces, int segments, int c, \
      int groups, const double *base, const unsigned char *rows, u64 count, float eps, const st *gamma, const st *beta, st *scale, st *shift

template <int W> __device__ __forceinline__ void group_norm_cluster(GROUP_NORM_CLUSTER_ARGS) {
  extern __shared__ double acc[];
  const u32 r = cluster_rank();
  for (u32 job = r; job < (u32)(n * listed); job += GN_CLUSTER) {
    const u32 j = job % listed;
    group_partial<W>(x, offset, sums, job / listed, list ? list[j] : j, w, pieces, segments, c, groups, nrows, acc);
    __syncthreads();  // acc's reads done before the next segment's writes
  }
  cluster_sync();  // every segment's sums written
  for (u32 pair = r; pair < (u32)(n * groups); pair += GN_CLUSTER) {
    group_fold<false>(sums, base, rows, pieces, segments, count, eps, gamma, beta, offset, scale, shift, c, groups, pair / groups, pair % groups);
    __syncthreads();  // the fold's shared sums read by all before the next fold writes them
  }
}

extern "C" __global__ void __cluster_dims__(GN_CLUSTER, 1, 1) k_group_norm_cluster(GROUP_NORM_CLUSTER_ARGS) {
  after_earlier_kernels();
  group_norm_cluster<1>(x, offset, sums, list, listed, n, nrows, w, pieces, segments, c, groups, base, rows, count, eps, gamma, beta, scale, shift);
}
extern "C" __global__ void __cluster_dims__(GN_CLUSTER, 1, 1) k_group_norm_cluster_v(GROUP_NORM_CLUSTER_ARGS) {
  after_earlier_kernels();
  group_norm_cluster<VW>(x, offset, sums, list, listed, n, nrows, w, pieces, segments, c, groups, base, rows, count, eps, gamma, beta, scale, shift);
}
