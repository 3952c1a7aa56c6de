// Stage 4 (CPU): front-to-back blending, one task per 16x16 tile.
//
// Splat-major inside a tile: every splat of the tile list (depth order) is applied to the pixels of its
// culling ellipse only (row spans, in 8-pixel blocks that the compiler vectorizes), against tile-local
// transmittance / accumulator arrays that stay in L1. Each pixel still sees its splats in depth order,
// so the result is exactly gsplat's per-pixel loop; the tile stops once every pixel has terminated.
#include <algorithm>
#include <atomic>
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

// One splat over 8 consecutive pixels of a tile row (8 lanes). Returns how many pixels terminated here.
// Pointers are offset to the first pixel; channel planes are kTilePixels apart.
template <int DT>
SPATIAL_ALWAYS_INLINE void blend_block8(float* T, int32_t* done, int32_t* last, float* acc, const float* cz, int D, float x_first, float ha,
                                        float srow, float op, int32_t kk, i32x8& stops) {
  const f32x8 t = broadcast8(x_first) + lane_offsets();
  const f32x8 sigma = pixel_sigma(ha, srow, t);
  const f32x8 alpha = splat_alpha(op, exp_poly(-sigma));
  const i32x8 dn = load8(done);
  // skip when sigma < 0 or alpha < 1/255 (NaN-safe form of the scalar rule), or the pixel is done
  const i32x8 valid = ~(sigma < broadcast8(0.f)) & ~(alpha < broadcast8(kAlphaThreshold)) & (dn == broadcast8i(0));
  const f32x8 Tp = load8(T);
  const f32x8 nT = Tp * (1.f - alpha);
  const i32x8 stop = valid & (nT <= broadcast8(kTransmittanceMin));
  const i32x8 blend = valid & ~stop;
  const f32x8 w = select(blend, alpha * Tp, broadcast8(0.f));
  for (int ch = 0; ch < (DT > 0 ? DT : D); ++ch) store8(acc + ch * kTilePixels, load8(acc + ch * kTilePixels) + w * cz[ch]);
  store8(acc + D * kTilePixels, load8(acc + D * kTilePixels) + w * cz[D]);
  store8(acc + (D + 1) * kTilePixels, load8(acc + (D + 1) * kTilePixels) + w);
  store8(T, select(blend, nT, Tp));
  store8(done, dn | stop);
  store8(last, select(blend, broadcast8i(kk), load8(last)));
  stops -= stop;  // lanes count the pixels that terminated
}

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

  alignas(64) float T[kTilePixels];
  alignas(64) int32_t done[kTilePixels];
  alignas(64) int32_t last[kTilePixels];
  alignas(64) float acc_fixed[DT > 0 ? (DT + 2) * kTilePixels : 1];
  float* SPATIAL_RESTRICT acc = DT > 0 ? acc_fixed : acc_dyn;
  int n_active = 0;
  for (int p = 0; p < kTilePixels; ++p) {
    const bool in_image = (p % kTileSize) < nx && (p / kTileSize) < ny;
    T[p] = 1.f;
    done[p] = in_image ? 0 : 1;
    last[p] = -1;
    n_active += in_image;
  }
  std::fill(acc, acc + (size_t)(D + 2) * kTilePixels, 0.f);  // colour, depth, sum of weights

  const int64_t k0 = st.tile_offsets[job.tile], k1 = st.tile_offsets[job.tile + 1];
  const int32_t* ids = st.isect_ids.data();
  const RasterSplat* splats = st.splats.data();
  int64_t n_eval = 0;
  for (int64_t k = k0; k < k1 && n_active > 0; ++k) {
    if (k + 8 < k1) __builtin_prefetch(&splats[ids[k + 8]]);
    const int64_t f = ids[k];
    const RasterSplat& s = splats[f];
    const float* cz = DT > 0 ? s.cz : st.cz_wide.data() + f * (D + 1);
    const int y_lo = std::max((int)s.y0, ty0), y_hi = std::min((int)s.y1, ty0 + kTileSize - 1);
    const int x_lo = std::max((int)s.x0, tx0), x_hi = std::min((int)s.x1, tx0 + kTileSize - 1);
    const SplatForm form = s.form();
    const float ha = s.ha, op = s.op;
    const int32_t kk = (int32_t)k;
    i32x8 stops = broadcast8i(0);
    for (int y = y_lo; y <= y_hi; ++y) {
      SplatRow row;
      splat_row(form, (double)y + 0.5, (double)tx0, row);
      // whole 8-pixel blocks of the splat's box: cheaper than an exact span per row (sqrt) on small splats
      const int j0 = x_lo, j1 = x_hi;
      const int rowp = (y - ty0) * kTileSize;
      const float xc = row.xc, srow = row.srow;
      for (int blk = (j0 - tx0) >> 3; blk <= (j1 - tx0) >> 3; ++blk) {
        const int pb = rowp + blk * 8;
        // t = px - xc: pixel centres of the block relative to the row minimum (exact px, one rounding)
        blend_block8<DT>(T + pb, done + pb, last + pb, acc + pb, cz, D, ((float)(blk * 8) + 0.5f) - xc, ha, srow, op, kk, stops);
        n_eval += 8;
      }
    }
    n_active -= hsum_i(stops);
  }

  // write the tile
  const ForwardOutputs& out = *job.out;
  const float* bg = job.in->backgrounds ? job.in->backgrounds + (int64_t)c * D : nullptr;
  const int64_t img = (int64_t)c * cfg.pixels_per_image();
  for (int yy = 0; yy < ny; ++yy) {
    for (int xx = 0; xx < nx; ++xx) {
      const int p = yy * kTileSize + xx;
      const int64_t pix = img + (int64_t)(ty0 + yy) * cfg.width + tx0 + xx;
      const float Tp = T[p];
      float* rgb = out.rgb + pix * D;
      for (int ch = 0; ch < D; ++ch) rgb[ch] = acc[ch * kTilePixels + p] + (bg ? Tp * bg[ch] : 0.f);
      const float a = 1.f - Tp;
      out.alpha[pix] = a;
      const float dacc = acc[D * kTilePixels + p];
      // expected depth over the sum of weights (= 1 - T, without the cancellation of 1 - T near T = 1)
      const float wsum = acc[(D + 1) * kTilePixels + p];
      out.depth[pix] = dacc / max_f(wsum, 1e-10f);
      const_cast<CpuState&>(st).wsum[pix] = wsum;
      const_cast<CpuState&>(st).T_final[pix] = Tp;
      const_cast<CpuState&>(st).depth_acc[pix] = dacc;
      const_cast<CpuState&>(st).last[pix] = last[p];
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
  st.last.resize(pixels);
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
