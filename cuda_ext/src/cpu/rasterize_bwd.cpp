// Stage 5 (CPU): backward of the blending, one task per tile, back to front.
//
// The forward pass's block lists (tile_lists.h) in reverse: batches of the tile's list from the last
// splat any pixel blended (kept by the forward pass, like each pixel's termination index) down to the
// first; a block takes a batch's splats only up to the largest termination index of its pixels. Per block:
//   B1. the forward pass's alpha of every entry (bit-identical), masked to the pixels that blended it;
//   B2. the entries back to front with T (recovered per pixel by dividing by 1 - alpha, gsplat's scheme,
//       from the exact float T_final kept by the forward pass) and the colour behind each splat in
//       registers; each entry's pixel gradients are summed over the block's 8 pixels (one transposing
//       reduction) into the (tile, splat) pair's own row of G.
// No two tasks write the same memory: the per-splat sum over tiles happens afterwards, in a fixed order
// (project_backward), without atomics.
#include <algorithm>
#include <atomic>
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
  const BackwardGrads* g;
  float* G;
  float* v_bg_tile;  // [D] partial for this tile (or null)
  int64_t tile;
};

// Per-thread scratch of one tile: the batch's per-splat values, its block lists, one block's alphas.
struct BackwardScratch {
  float ha[kBatch], op[kBatch], iyy[kBatch], r[kBatch];
  const float* cz[kBatch];  // colour then camera depth
  BlockLists lists;
  BlockListsUV uv;
  alignas(64) float a[kBatch * 8];    // per blended entry (below): alpha where blended, else 0
  alignas(64) float ra[kBatch * 8];   // 1 / (1 - a)
  alignas(64) float vis[kBatch * 8];  // exp(-sigma) where blended, else 0
  uint16_t entry[kBatch];             // list entry of each of those rows
  int n_blended;                      // entries some pixel of the block blended
  std::vector<float> dyn;             // [(2 D + 1) * 256] planar vr, buf when D > 3
};
using TileFn = int64_t (*)(const TileJob&, BackwardScratch&);

}  // namespace
}  // namespace spatial::cpu

#define SPATIAL_ISA_FILE "rasterize_bwd_tile.inc"
#include "isa_instantiate.inc"

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
  std::vector<std::unique_ptr<BackwardScratch>> scratch(nthreads);
  for (auto& sc : scratch) {
    sc = std::make_unique<BackwardScratch>();
    if (D > 3) sc->dyn.resize((size_t)(2 * D + 1) * kTilePixels);
  }
  std::atomic<int64_t> n_eval{0};
  parallel_for(n_tiles, 1, [&](int64_t b, int64_t e, int tid) {
    int64_t local = 0;
    for (int64_t tile = b; tile < e; ++tile) {
      TileJob job{&st, &in, &g, G.data(), in.backgrounds ? bg_tiles.data() + tile * D : nullptr, tile};
      local += fn(job, *scratch[tid]);
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
