// Stage 3 (CUDA): tile intersections as 64-bit keys camera | tile | float bits of depth, written in
// (camera, splat) order and sorted with a stable device radix sort, so ties keep splat order like the
// CPU backend; then the [start, end) range of every tile.
#include "common.cuh"

namespace spatial::cuda {

__global__ void emit_isects_kernel(DeviceConfig cfg, const GpuSplat* splats, const float* cz, const int64_t* offsets, uint64_t* keys, int32_t* vals) {
  const int64_t f = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (f >= (int64_t)cfg.C * cfg.N) return;
  const GpuSplat s = splats[f];
  if (s.x0 > s.x1) return;
  const uint64_t cam = (uint64_t)(f / cfg.N);
  const uint64_t depth_bits = (uint64_t)float_to_bits(cz[f * (cfg.D + 1) + cfg.D]);
  int64_t k = offsets[f];
  for_each_tile(s, cfg, [&](int t) {
    keys[k] = (cam << (32 + cfg.tile_bits)) | ((uint64_t)t << 32) | depth_bits;
    vals[k] = (int32_t)f;
    ++k;
  });
}

// ranges[2 * tile] = start, ranges[2 * tile + 1] = end (global tile = camera * tiles + tile); zeroed before.
__global__ void tile_ranges_kernel(int64_t n_isects, const uint64_t* keys, int64_t* ranges) {
  const int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n_isects) return;
  // with tile_bits bits of tile, (key >> 32) is camera * 2^tile_bits + tile; the host maps it back
  const uint64_t tile = keys[i] >> 32;
  if (i == 0 || (keys[i - 1] >> 32) != tile) ranges[2 * tile] = i;
  if (i == n_isects - 1 || (keys[i + 1] >> 32) != tile) ranges[2 * tile + 1] = i + 1;
}

void launch_emit_isects(const DeviceConfig& cfg, cudaStream_t stream, const GpuSplat* splats, const float* cz, const int64_t* offsets, uint64_t* keys,
                        int32_t* vals) {
  const int64_t n = (int64_t)cfg.C * cfg.N;
  if (n == 0) return;
  emit_isects_kernel<<<blocks_for(n, 128), 128, 0, stream>>>(cfg, splats, cz, offsets, keys, vals);
  SPATIAL_CUDA_CHECK(cudaGetLastError());
}

void launch_tile_ranges(cudaStream_t stream, int64_t n_isects, const uint64_t* keys, int64_t* ranges) {
  if (n_isects == 0) return;
  tile_ranges_kernel<<<blocks_for(n_isects, 256), 256, 0, stream>>>(n_isects, keys, ranges);
  SPATIAL_CUDA_CHECK(cudaGetLastError());
}

}  // namespace spatial::cuda
