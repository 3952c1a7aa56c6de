// Shared device-side definitions of the CUDA backend.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "spatial/blend.h"
#include "spatial/projection.h"
#include "spatial/sh.h"

namespace spatial::cuda {

#define SPATIAL_CUDA_CHECK(expr)                                                                                    \
  do {                                                                                                              \
    cudaError_t err_ = (expr);                                                                                      \
    if (err_ != cudaSuccess) throw std::runtime_error(std::string("spatial CUDA: ") + #expr + ": " + cudaGetErrorString(err_)); \
  } while (0)

// Everything the rasterizer needs of one (camera, splat) pair (mirrors cpu::RasterSplat).
struct GpuSplat {
  double mx, my, r;  // row form (spatial/blend.h)
  float iyy, ha;
  float op;    // effective opacity
  float scut;  // sigma cutoff
  int32_t x0, x1, y0, y1;  // inclusive pixel box (x0 > x1: not rasterized)
  __host__ __device__ SplatForm form() const { return SplatForm{mx, my, r, iyy, ha}; }
};

struct DeviceConfig {
  int C, N, width, height, D, sh_degree, K;
  float near_plane, far_plane, eps2d;
  bool antialiased;
  int tiles_x, tiles_y;
  int tile_bits;  // bits of a tile index within a camera
};

// Calls emit(tile index within the camera) for every tile the splat may touch (same rule as the CPU).
template <class F>
__device__ __forceinline__ int for_each_tile(const GpuSplat& s, const DeviceConfig& cfg, F emit) {
  if (s.x0 > s.x1) return 0;
  const int tx0 = s.x0 / kTileSize, tx1 = s.x1 / kTileSize, ty0 = s.y0 / kTileSize, ty1 = s.y1 / kTileSize;
  const bool test = tx1 > tx0 || ty1 > ty0;
  const SplatForm form = s.form();
  int count = 0;
  for (int ty = ty0; ty <= ty1; ++ty) {
    const double py0 = max(ty * kTileSize, s.y0) + 0.5, py1 = min(ty * kTileSize + kTileSize - 1, s.y1) + 0.5;
    for (int tx = tx0; tx <= tx1; ++tx) {
      if (test) {
        const double px0 = max(tx * kTileSize, s.x0) + 0.5, px1 = min(tx * kTileSize + kTileSize - 1, s.x1) + 0.5;
        if (!ellipse_hits_rect(form, s.scut, px0, px1, py0, py1)) continue;
      }
      emit(ty * cfg.tiles_x + tx);
      ++count;
    }
  }
  return count;
}

inline int blocks_for(int64_t n, int threads) { return (int)((n + threads - 1) / threads); }

// stage launchers (one file per stage); all launch on `stream`
void launch_project_fwd(const DeviceConfig& cfg, cudaStream_t stream, const CameraParams<double>* cams, const float* means, const float* quats,
                        const float* scales, const float* opacities, const float* colors, int32_t* radii, float* means2d, float* depths, float* conics,
                        float* opac_out, float* compensation, GpuSplat* splats, float* cz, int32_t* tiles_per_splat);
void launch_project_bwd(const DeviceConfig& cfg, cudaStream_t stream, const CameraParams<double>* cams, const float* means, const float* quats,
                        const float* scales, const float* opacities, const float* colors, const float* compensation, const float* G, float* v_means,
                        float* v_quats, float* v_scales, float* v_opacities, float* v_colors, float* v_viewmats, float* v_means2d);
void launch_emit_isects(const DeviceConfig& cfg, cudaStream_t stream, const GpuSplat* splats, const float* cz, const int64_t* offsets, uint64_t* keys,
                        int32_t* vals);
void launch_tile_ranges(cudaStream_t stream, int64_t n_isects, const uint64_t* keys, int64_t* ranges);
void launch_rasterize_fwd(const DeviceConfig& cfg, cudaStream_t stream, const GpuSplat* splats, const float* cz, const int64_t* ranges, const int32_t* ids,
                          const float* backgrounds, float* rgb, float* alpha, float* depth, float* T_final, float* wsum, float* depth_acc, int32_t* last);
void launch_rasterize_bwd(const DeviceConfig& cfg, cudaStream_t stream, const GpuSplat* splats, const float* cz, const int64_t* ranges, const int32_t* ids,
                          const float* backgrounds, const float* T_final, const float* wsum, const float* depth_acc, const int32_t* last,
                          const float* v_rgb, const float* v_alpha, const float* v_depth, float* G, float* v_bg);

}  // namespace spatial::cuda
