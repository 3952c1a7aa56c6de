// CPU backend of the tile rasterizer: stage entry points and the state kept from forward to backward.
//
// Stages: project.cpp (EWA projection, view-dependent colour, and their VJPs; loops in project_impl.inc),
// binning.cpp (per-tile depth-ordered lists), rasterize_fwd.cpp, rasterize_bwd.cpp (tile loops in
// *_tile.inc); pipeline.cpp runs them. Hot loops are compiled for baseline x86-64 and x86-64-v3 (simd.h).
#pragma once
#include <cstdint>
#include <vector>

#include "spatial/blend.h"
#include "spatial/projection.h"

#if defined(__GNUC__) || defined(__clang__)
#define SPATIAL_ALWAYS_INLINE inline __attribute__((always_inline))
#define SPATIAL_RESTRICT __restrict__
#else
#define SPATIAL_ALWAYS_INLINE inline
#define SPATIAL_RESTRICT
#endif

namespace spatial::cpu {

struct RasterConfig {
  int C = 0, N = 0, width = 0, height = 0;
  int D = 3;           // colour channels
  int sh_degree = -1;  // < 0: colours given directly [N, D]; else SH [N, K, 3]
  int K = 0;           // SH rows per splat
  float near_plane = 0.01f, far_plane = 1e10f, eps2d = 0.3f;
  bool antialiased = false;
  int tiles_x = 0, tiles_y = 0;
  int64_t tiles_per_image() const { return (int64_t)tiles_x * tiles_y; }
  int64_t pixels_per_image() const { return (int64_t)width * height; }
};

struct Inputs {
  const float* means = nullptr;      // [N, 3]
  const float* quats = nullptr;      // [N, 4]
  const float* scales = nullptr;     // [N, 3]
  const float* opacities = nullptr;  // [N]
  const float* colors = nullptr;     // [N, D] or [N, K, 3]
  const float* viewmats = nullptr;   // [C, 4, 4]
  const float* Ks = nullptr;         // [C, 3, 3]
  const float* backgrounds = nullptr;  // [C, D] or null
};

// Everything the rasterizer needs of one (camera, splat) pair, in one cache line.
struct alignas(64) RasterSplat {
  double mx, my, r;          // row form (spatial/blend.h)
  float iyy, ha;
  float op;                  // effective opacity (times the antialias compensation)
  float scut;                // sigma cutoff: alpha >= 1/255 is impossible beyond it
  int16_t x0, x1, y0, y1;    // inclusive pixel box holding every pixel this splat can touch (x0 > x1: none)
  float cz[4];               // colour then camera depth, when D <= 3

  SplatForm form() const { return SplatForm{mx, my, r, iyy, ha}; }
};

constexpr int kMaxImageSide = 32767;  // RasterSplat keeps its pixel box in int16

struct CpuState {
  RasterConfig cfg;
  std::vector<CameraParams<double>> cams;
  std::vector<RasterSplat> splats;     // [C * N]
  std::vector<float> cz_wide;          // [C * N * (D + 1)] colour then depth, when D > 3
  std::vector<float> compensation;     // [C * N]
  std::vector<double> depth64;         // [C * N] camera z in double (breaks float ties in the depth sort)
  // binning
  std::vector<int64_t> tile_offsets;   // [C * tiles + 1]
  std::vector<int32_t> isect_ids;      // [n_isects] flat c * N + n, per tile in depth order
  std::vector<int64_t> csr_offsets;    // [C * N + 1] isects of each (c, n)
  std::vector<int64_t> csr_pos;        // [n_isects] positions in isect_ids
  // per pixel
  std::vector<float> T_final;          // [C * H * W]
  std::vector<float> depth_acc;        // [C * H * W] sum w_i z_i
  std::vector<float> wsum;             // [C * H * W] sum w_i
  std::vector<int32_t> stop_at;        // [C * H * W] isect index at which the pixel terminated (that splat and all
                                       // later ones are not blended); INT32_MAX when it never did
  std::vector<int32_t> tile_last;      // [C * tiles] last isect index any block of the tile ran (>= the last one blended), -1 none
  int64_t n_isects = 0;
  int64_t n_evaluated_fwd = 0;         // (pixel, splat) pairs evaluated in the forward pass
  int64_t n_evaluated_bwd = 0;

  bool inline_cz() const { return cfg.D <= 3; }
  float* cz(int64_t flat) { return inline_cz() ? splats[flat].cz : cz_wide.data() + flat * (cfg.D + 1); }
  const float* cz(int64_t flat) const { return inline_cz() ? splats[flat].cz : cz_wide.data() + flat * (cfg.D + 1); }
};

struct ForwardOutputs {
  float* rgb;       // [C, H, W, D]
  float* alpha;     // [C, H, W]
  float* depth;     // [C, H, W] expected depth
  int32_t* radii;   // [C, N, 2]
  float* means2d;   // [C, N, 2]
  float* depths;    // [C, N]
  float* conics;    // [C, N, 3]
  float* opacities; // [C, N] effective
};

struct BackwardGrads {  // upstream
  const float* v_rgb;    // [C, H, W, D]
  const float* v_alpha;  // [C, H, W]
  const float* v_depth;  // [C, H, W]
};

struct BackwardOutputs {  // all written in full
  float* v_means;      // [N, 3]
  float* v_quats;      // [N, 4]
  float* v_scales;     // [N, 3]
  float* v_opacities;  // [N]
  float* v_colors;     // [N, D] or [N, K, 3]
  float* v_viewmats;   // [C, 4, 4]
  float* v_bg;         // [C, D] or null
  float* v_means2d;    // [C, N, 2]
};

// stages
void project_forward(const Inputs& in, CpuState& st, const ForwardOutputs& out);
void colors_forward(const Inputs& in, CpuState& st);
void bin_tiles(CpuState& st);
void rasterize_forward(const Inputs& in, CpuState& st, const ForwardOutputs& out);
// per-isect gradients G [n_isects, 7 + D]: v_mx, v_my, v_a, v_b, v_c, v_op, v_z, v_col[D]; v_bg
void rasterize_backward(const Inputs& in, const CpuState& st, const BackwardGrads& g, std::vector<float>& G, float* v_bg);
// gathers G per (c, n) and runs the colour and projection VJPs
void project_backward(const Inputs& in, const CpuState& st, const std::vector<float>& G, const BackwardOutputs& out);

// pipeline
void forward(const Inputs& in, CpuState& st, const ForwardOutputs& out);
void backward(const Inputs& in, CpuState& st, const BackwardGrads& g, const BackwardOutputs& out);

}  // namespace spatial::cpu
