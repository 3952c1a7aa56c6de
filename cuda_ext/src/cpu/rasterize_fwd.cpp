// Stage 4 (CPU): front-to-back blending, one task per 16x16 tile.
//
// Block-major, in batches of the tile's depth-ordered list. For each batch of kBatch splats:
//   A. the batch's block lists (tile_lists.h: each (splat, row) reduced once to its row form, appended to
//      the 8-pixel blocks of that row its box covers), for blocks with a live pixel;
//   B1. per live block, alpha of every entry (sigma, exp, the 0.999 clamp, alpha >= 1/255), with no
//      loop-carried state so that it pipelines;
//   B2. the blending over the block's list with its 8 transmittances, termination indices and
//      accumulators in registers: the only loop-carried dependency is T -> T (1 - alpha).
// Each pixel still sees its splats in depth order, so the result is exactly gsplat's per-pixel loop; a
// block leaves the lists once all its pixels have terminated, the tile once all its blocks have.
// Terminated pixels keep their final T negated (T <= 0 = done), so liveness costs no extra array.
#include <algorithm>
#include <atomic>
#include <climits>
#include <cstring>
#include <memory>
#include <vector>

#include "parallel.h"
#include "raster_cpu.h"
#include "simd.h"
#include "tile_lists.h"
#include "spatial/blend.h"

namespace spatial::cpu {

namespace {

struct TileJob {
  const CpuState* st;
  const Inputs* in;
  const ForwardOutputs* out;
  int64_t tile;  // global tile index c * tiles + t
};

// Per-thread scratch of one tile: the batch's per-splat values, its block lists, one block's alphas.
struct ForwardScratch {
  float ha[kBatch], op[kBatch];
  const float* cz[kBatch];  // colour then camera depth
  BlockLists lists;
  alignas(64) float a[kBatch * 8];   // one block's alphas (0: skipped), stage B1
  alignas(64) float om[kBatch * 8];  // 1 - a
  std::vector<float> acc_dyn;        // [(D + 2) * 256] accumulators when D > 3
};
using TileFn = int64_t (*)(const TileJob&, ForwardScratch&);

}  // namespace
}  // namespace spatial::cpu

#define SPATIAL_ISA_FILE "rasterize_fwd_tile.inc"
#include "isa_instantiate.inc"

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
  std::vector<std::unique_ptr<ForwardScratch>> scratch(nthreads);
  for (auto& sc : scratch) {
    sc = std::make_unique<ForwardScratch>();
    if (D > 3) sc->acc_dyn.resize((size_t)(D + 2) * kTilePixels);
  }
  parallel_for(n_tiles, 1, [&](int64_t b, int64_t e, int tid) {
    int64_t local = 0;
    for (int64_t tile = b; tile < e; ++tile) {
      TileJob job{&st, &in, &out, tile};
      local += fn(job, *scratch[tid]);
    }
    n_eval.fetch_add(local, std::memory_order_relaxed);
  });
  st.n_evaluated_fwd = n_eval.load();
}

}  // namespace spatial::cpu
