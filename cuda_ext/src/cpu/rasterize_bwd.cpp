// Stage 5 (CPU): backward of the blending, one task per tile, back to front.
//
// Same splat-major traversal as the forward pass, in reverse list order starting at the last splat any
// pixel of the tile blended (kept by the forward pass, like each pixel's termination index). T is recovered per pixel by dividing by (1 - alpha) (gsplat's scheme,
// starting from the exact float T_final kept by the forward pass). Gradients of a (tile, splat) pair are
// reduced over the tile's pixels into that pair's own row of G, so no two tasks write the same memory:
// the per-splat sum over tiles happens afterwards, in a fixed order (project_backward), without atomics.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <vector>

#include "parallel.h"
#include "raster_cpu.h"
#include "simd.h"
#include "spatial/blend.h"

namespace spatial::cpu {

namespace {

struct TileJob {
  const CpuState* st;
  const Inputs* in;
  const BackwardGrads* g;
  float* G;
  float* v_bg_tile;  // [D] partial for this tile (or null)
  int64_t tile;
};
using TileFn = int64_t (*)(const TileJob&, float*);

}  // namespace
}  // namespace spatial::cpu

#define SPATIAL_ISA_NS base
#define SPATIAL_ISA_V3 0
#include "rasterize_bwd_tile.inc"
#undef SPATIAL_ISA_NS
#undef SPATIAL_ISA_V3
#if SPATIAL_CPU_DISPATCH
#pragma GCC push_options
#pragma GCC target("arch=x86-64-v3")
#define SPATIAL_ISA_NS v3
#define SPATIAL_ISA_V3 1
#include "rasterize_bwd_tile.inc"
#undef SPATIAL_ISA_NS
#undef SPATIAL_ISA_V3
#pragma GCC pop_options
#endif

namespace spatial::cpu {
namespace {

#define SPATIAL_PICK(ns) (D == 1 ? ns::tile_backward_d1 : D == 2 ? ns::tile_backward_d2 : D == 3 ? ns::tile_backward_d3 : ns::tile_backward_dn)
TileFn pick_tile_backward(int D) {
#if SPATIAL_CPU_DISPATCH
  if (cpu_has_v3()) return SPATIAL_PICK(v3);
#endif
  return SPATIAL_PICK(base);
}
#undef SPATIAL_PICK

}  // namespace

void rasterize_backward(const Inputs& in, const CpuState& st, const BackwardGrads& g, std::vector<float>& G, float* v_bg) {
  const RasterConfig& cfg = st.cfg;
  const int D = cfg.D;
  const int NG = 7 + D;
  const int64_t n_tiles = (int64_t)cfg.C * cfg.tiles_per_image();
  G.assign((size_t)st.n_isects * NG, 0.f);
  std::vector<float> bg_tiles(in.backgrounds ? (size_t)n_tiles * D : 0, 0.f);
  const TileFn fn = pick_tile_backward(D);
  const int nthreads = num_threads();
  std::vector<std::vector<float>> scratch(nthreads);
  if (D > 3)
    for (auto& v : scratch) v.resize((size_t)(2 * D + 1) * kTilePixels);
  std::atomic<int64_t> n_eval{0};
  parallel_for(n_tiles, 1, [&](int64_t b, int64_t e, int tid) {
    int64_t local = 0;
    for (int64_t tile = b; tile < e; ++tile) {
      TileJob job{&st, &in, &g, G.data(), in.backgrounds ? bg_tiles.data() + tile * D : nullptr, tile};
      local += fn(job, D > 3 ? scratch[tid].data() : nullptr);
    }
    n_eval.fetch_add(local, std::memory_order_relaxed);
  });
  const_cast<CpuState&>(st).n_evaluated_bwd = n_eval.load();
  if (v_bg) {
    const int64_t TT = cfg.tiles_per_image();
    std::memset(v_bg, 0, sizeof(float) * cfg.C * D);
    if (in.backgrounds)
      for (int64_t tile = 0; tile < n_tiles; ++tile)
        for (int ch = 0; ch < D; ++ch) v_bg[(tile / TT) * D + ch] += bg_tiles[tile * D + ch];
  }
}

}  // namespace spatial::cpu
