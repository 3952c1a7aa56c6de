// CUDA backend of the tile rasterizer: host entry points (implemented in pipeline.cu) and the state
// kept from forward to backward. Same stages and math (include/spatial/*.h) as the CPU backend; only
// scheduling differs: one thread per (camera, splat) for projection, a device radix sort of
// (camera | tile | depth) keys for binning, one 16x16 thread block per tile for blending, and
// warp-reduced atomics for the per-splat gradient sums.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace spatial::cuda {

struct CudaState;  // device buffers of one forward pass

struct ForwardArgs {
  int C = 0, N = 0, width = 0, height = 0, D = 3, sh_degree = -1, K = 0;
  float near_plane = 0.01f, far_plane = 1e10f, eps2d = 0.3f;
  bool antialiased = false;
  // inputs (device pointers, float32, contiguous)
  const float *means, *quats, *scales, *opacities, *colors, *viewmats, *Ks, *backgrounds;
  // outputs (device)
  float *rgb, *alpha, *depth;  // [C,H,W,D], [C,H,W], [C,H,W]
  int32_t* radii;              // [C,N,2]
  float *means2d, *depths, *conics, *opacities_out;
  uintptr_t stream = 0;  // cudaStream_t of the caller (torch's current stream)
};

struct BackwardArgs {
  const float *means, *quats, *scales, *opacities, *colors, *viewmats, *Ks, *backgrounds;
  const float *v_rgb, *v_alpha, *v_depth;
  float *v_means, *v_quats, *v_scales, *v_opacities, *v_colors, *v_viewmats, *v_backgrounds, *v_means2d;
  uintptr_t stream = 0;
};

std::shared_ptr<CudaState> forward(const ForwardArgs& a);
void backward(CudaState& st, const BackwardArgs& a);
int64_t n_isects(const CudaState& st);

int device_count();
std::string runtime_version_string();

}  // namespace spatial::cuda
