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

template <int DT>
SPATIAL_ALWAYS_INLINE int64_t tile_forward_impl(const TileJob& job, float* SPATIAL_RESTRICT acc_dyn) {
  const CpuState& st = *job.st;
  const RasterConfig& cfg = st.cfg;
  const int D = DT > 0 ? DT : cfg.D;
  const int64_t TT = cfg.tiles_per_image();
  const int c = (int)(job.tile / TT);
  const int t = (int)(job.tile % TT);
  const int tx0 = (t % cfg.tiles_x) * kTileSize, ty0 = (t / cfg.tiles_x) * kTileSize;
  const int nx = std::min(kTileSize, cfg.width - tx0), ny = std::min(kTileSize, cfg.height - ty0);

  alignas(64) float T[kTilePixels];  // > 0: live; <= 0: terminated with final transmittance -T
  alignas(64) int32_t stop_at[kTilePixels];
  alignas(64) float acc_fixed[DT > 0 ? (DT + 2) * kTilePixels : 1];
  float* SPATIAL_RESTRICT acc = DT > 0 ? acc_fixed : acc_dyn;
  for (int p = 0; p < kTilePixels; ++p) {
    const bool in_image = (p % kTileSize) < nx && (p / kTileSize) < ny;
    T[p] = in_image ? 1.f : -1.f;
    stop_at[p] = INT32_MAX;
  }
  int n_active = nx * ny;
  std::fill(acc, acc + (size_t)(D + 2) * kTilePixels, 0.f);  // colour, depth, sum of weights

  const int64_t k0 = st.tile_offsets[job.tile], k1 = st.tile_offsets[job.tile + 1];
  const int32_t* ids = st.isect_ids.data();
  const RasterSplat* splats = st.splats.data();
  const f32x8 centres[2] = {block_centres(0), block_centres(1)};
  const f32x8 zero = broadcast8(0.f);
  int64_t n_eval = 0;
  int32_t tile_last = -1;
  for (int64_t k = k0; k < k1 && n_active > 0; ++k) {
    if (k + 8 < k1) __builtin_prefetch(&splats[ids[k + 8]]);
    const int64_t f = ids[k];
    const RasterSplat& s = splats[f];
    const float* cz = DT > 0 ? s.cz : st.cz_wide.data() + f * (D + 1);
    const int y_lo = std::max((int)s.y0, ty0), y_hi = std::min((int)s.y1, ty0 + kTileSize - 1);
    const int b_lo = (std::max((int)s.x0, tx0) - tx0) >> 3, b_hi = (std::min((int)s.x1, tx0 + kTileSize - 1) - tx0) >> 3;
    const SplatForm form = s.form();
    const float ha = s.ha, op = s.op;
    const f32x8 scut = broadcast8(s.scut);
    const int32_t kk = (int32_t)k;
    i32x8 blended = broadcast8i(0);
    for (int y = y_lo; y <= y_hi; ++y) {
      SplatRow row;
      splat_row(form, (double)y + 0.5, (double)tx0, row);
      const int rowp = (y - ty0) * kTileSize;
      for (int blk = b_lo; blk <= b_hi; ++blk) {
        const int pb = rowp + blk * 8;
        const f32x8 tv = centres[blk] - row.xc;  // px - xc: pixel centres relative to the row minimum
        const f32x8 sigma = pixel_sigma(ha, row.srow, tv);
        const f32x8 Tp = load8(T + pb);
        const i32x8 cand = (sigma <= scut) & (Tp > zero);
        n_eval += 8;
        if (!any_lane(cand)) continue;
        const f32x8 alpha = splat_alpha(op, exp_poly(-sigma));
        const i32x8 valid = cand & (alpha >= kAlphaThreshold);  // NaN alpha: not blended
        const f32x8 nT = Tp * (1.f - alpha);
        const i32x8 blend = valid & (nT > kTransmittanceMin);
        const f32x8 w = select(blend, alpha * Tp, zero);
        for (int ch = 0; ch < D; ++ch) store8(acc + ch * kTilePixels + pb, load8(acc + ch * kTilePixels + pb) + w * cz[ch]);
        store8(acc + D * kTilePixels + pb, load8(acc + D * kTilePixels + pb) + w * cz[D]);
        store8(acc + (D + 1) * kTilePixels + pb, load8(acc + (D + 1) * kTilePixels + pb) + w);
        const i32x8 stop = valid & ~blend;  // T (1 - alpha) <= 1e-4: terminates before this splat
        store8(T + pb, select(stop, -Tp, select(blend, nT, Tp)));
        blended |= blend;
        if (__builtin_expect(any_lane(stop), 0)) {
          store8(stop_at + pb, select(stop, broadcast8i(kk), load8(stop_at + pb)));
          n_active -= count_true(stop);
        }
      }
    }
    if (any_lane(blended)) tile_last = kk;
  }

  // write the tile
  const ForwardOutputs& out = *job.out;
  CpuState& mst = const_cast<CpuState&>(st);
  mst.tile_last[job.tile] = tile_last;
  const float* bg = job.in->backgrounds ? job.in->backgrounds + (int64_t)c * D : nullptr;
  const int64_t img = (int64_t)c * cfg.pixels_per_image();
  for (int yy = 0; yy < ny; ++yy) {
    for (int xx = 0; xx < nx; ++xx) {
      const int p = yy * kTileSize + xx;
      const int64_t pix = img + (int64_t)(ty0 + yy) * cfg.width + tx0 + xx;
      const float Tp = std::fabs(T[p]);
      float* rgb = out.rgb + pix * D;
      for (int ch = 0; ch < D; ++ch) rgb[ch] = acc[ch * kTilePixels + p] + (bg ? Tp * bg[ch] : 0.f);
      out.alpha[pix] = 1.f - Tp;
      const float dacc = acc[D * kTilePixels + p];
      // expected depth over the sum of weights (= 1 - T, without the cancellation of 1 - T near T = 1)
      const float wsum = acc[(D + 1) * kTilePixels + p];
      out.depth[pix] = dacc / max_f(wsum, 1e-10f);
      mst.wsum[pix] = wsum;
      mst.T_final[pix] = Tp;
      mst.depth_acc[pix] = dacc;
      mst.stop_at[pix] = stop_at[p];
    }
  }
  return n_eval;
}

SPATIAL_CPU_CLONES int64_t tile_forward_d1(const TileJob& j, float* a) { return tile_forward_impl<1>(j, a); }
SPATIAL_CPU_CLONES int64_t tile_forward_d2(const TileJob& j, float* a) { return tile_forward_impl<2>(j, a); }
SPATIAL_CPU_CLONES int64_t tile_forward_d3(const TileJob& j, float* a) { return tile_forward_impl<3>(j, a); }
SPATIAL_CPU_CLONES int64_t tile_forward_dn(const TileJob& j, float* a) { return tile_forward_impl<0>(j, a); }

}  // namespace

void rasterize_forward(const Inputs& in, CpuState& st, const ForwardOutputs& out) {
  const RasterConfig& cfg = st.cfg;
  const int64_t n_tiles = (int64_t)cfg.C * cfg.tiles_per_image();
  const int D = cfg.D;
  int64_t (*fn)(const TileJob&, float*) = D == 1 ? tile_forward_d1 : D == 2 ? tile_forward_d2 : D == 3 ? tile_forward_d3 : tile_forward_dn;
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
