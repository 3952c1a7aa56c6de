// Stage 4 (CPU): front-to-back blending, one task per 16x16 tile.
//
// Splat-major inside a tile: every splat of the tile list (depth order) is applied to the 8-pixel blocks
// of its pixel box, against tile-local transmittance / accumulator arrays that stay in L1 (f32x8 lanes).
// Each pixel still sees its splats in depth order, so the result is exactly gsplat's per-pixel loop; the
// tile stops once every pixel has terminated.
//
// Per block: sigma of the 8 pixels (row form, spatial/blend.h); when no live pixel of the block is
// within the splat's sigma cutoff ln(255 o) (beyond it alpha < 1/255 for certain, so gsplat skips the
// pair too) the block ends there; otherwise exp, alpha, the skip/stop rules and the accumulation.
// Terminated pixels keep their final T negated (T <= 0 = done), so liveness costs no extra array.
#include <algorithm>
#include <atomic>
#include <climits>
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
  const ForwardOutputs* out;
  int64_t tile;  // global tile index c * tiles + t
};
using TileFn = int64_t (*)(const TileJob&, float*);

}  // namespace
}  // namespace spatial::cpu

#define SPATIAL_ISA_NS base
#define SPATIAL_ISA_V3 0
#include "rasterize_fwd_tile.inc"
#undef SPATIAL_ISA_NS
#undef SPATIAL_ISA_V3
#if SPATIAL_CPU_DISPATCH
#pragma GCC push_options
#pragma GCC target("arch=x86-64-v3")
#define SPATIAL_ISA_NS v3
#define SPATIAL_ISA_V3 1
#include "rasterize_fwd_tile.inc"
#undef SPATIAL_ISA_NS
#undef SPATIAL_ISA_V3
#pragma GCC pop_options
#endif

namespace spatial::cpu {
namespace {

#define SPATIAL_PICK(ns) (D == 1 ? ns::tile_forward_d1 : D == 2 ? ns::tile_forward_d2 : D == 3 ? ns::tile_forward_d3 : ns::tile_forward_dn)
TileFn pick_tile_forward(int D) {
#if SPATIAL_CPU_DISPATCH
  if (cpu_has_v3()) return SPATIAL_PICK(v3);
#endif
  return SPATIAL_PICK(base);
}
#undef SPATIAL_PICK

}  // namespace

void rasterize_forward(const Inputs& in, CpuState& st, const ForwardOutputs& out) {
  const RasterConfig& cfg = st.cfg;
  const int64_t n_tiles = (int64_t)cfg.C * cfg.tiles_per_image();
  const int D = cfg.D;
  const TileFn fn = pick_tile_forward(D);
  const size_t pixels = (size_t)cfg.C * cfg.pixels_per_image();
  st.T_final.resize(pixels);
  st.depth_acc.resize(pixels);
  st.wsum.resize(pixels);
  st.stop_at.resize(pixels);
  st.tile_last.resize(n_tiles);
  std::atomic<int64_t> n_eval{0};
  const int nthreads = num_threads();
  std::vector<std::vector<float>> scratch(nthreads);
  if (D > 3)
    for (auto& v : scratch) v.resize((size_t)(D + 2) * kTilePixels);
  parallel_for(n_tiles, 1, [&](int64_t b, int64_t e, int tid) {
    int64_t local = 0;
    for (int64_t tile = b; tile < e; ++tile) {
      TileJob job{&st, &in, &out, tile};
      local += fn(job, D > 3 ? scratch[tid].data() : nullptr);
    }
    n_eval.fetch_add(local, std::memory_order_relaxed);
  });
  st.n_evaluated_fwd = n_eval.load();
}

}  // namespace spatial::cpu
