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

template <int DT>
SPATIAL_ALWAYS_INLINE int64_t tile_backward_impl(const TileJob& job, float* SPATIAL_RESTRICT scratch) {
  const CpuState& st = *job.st;
  const RasterConfig& cfg = st.cfg;
  const int D = DT > 0 ? DT : cfg.D;
  const int NG = 7 + D;
  const int64_t TT = cfg.tiles_per_image();
  const int c = (int)(job.tile / TT);
  const int t = (int)(job.tile % TT);
  const int tx0 = (t % cfg.tiles_x) * kTileSize, ty0 = (t / cfg.tiles_x) * kTileSize;
  const int nx = std::min(kTileSize, cfg.width - tx0), ny = std::min(kTileSize, cfg.height - ty0);
  const int64_t k0 = st.tile_offsets[job.tile];

  alignas(64) float T[kTilePixels];
  alignas(64) float Tf[kTilePixels];
  alignas(64) float vD[kTilePixels];  // d loss / d accumulated depth
  alignas(64) float q[kTilePixels];   // v_alpha_out - sum_ch bg_ch v_rgb_ch
  alignas(64) int32_t stop_at[kTilePixels];  // isect index at which the pixel terminated (INT32_MAX: never)
  // planar: vr[D][256], buf[D + 1][256]
  alignas(64) float fixed[DT > 0 ? (2 * DT + 1) * kTilePixels : 1];
  float* SPATIAL_RESTRICT vr = DT > 0 ? fixed : scratch;
  float* SPATIAL_RESTRICT buf = vr + (size_t)D * kTilePixels;
  std::fill(buf, buf + (size_t)(D + 1) * kTilePixels, 0.f);

  const float* bg = job.in->backgrounds ? job.in->backgrounds + (int64_t)c * D : nullptr;
  const int64_t img = (int64_t)c * cfg.pixels_per_image();
  const int32_t kmax = st.tile_last[job.tile];
  if (kmax < 0) return 0;
  for (int p = 0; p < kTilePixels; ++p) {
    const int xx = p % kTileSize, yy = p / kTileSize;
    if (xx >= nx || yy >= ny) {
      T[p] = Tf[p] = 1.f;
      vD[p] = q[p] = 0.f;
      stop_at[p] = -1;
      for (int ch = 0; ch < D; ++ch) vr[ch * kTilePixels + p] = 0.f;
      continue;
    }
    const int64_t pix = img + (int64_t)(ty0 + yy) * cfg.width + tx0 + xx;
    const float tf = st.T_final[pix];
    T[p] = Tf[p] = tf;
    stop_at[p] = st.stop_at[pix];
    const float* v_rgb = job.g->v_rgb + pix * D;
    float bg_dot = 0.f;
    for (int ch = 0; ch < D; ++ch) {
      vr[ch * kTilePixels + p] = v_rgb[ch];
      if (bg) {
        bg_dot += bg[ch] * v_rgb[ch];
        job.v_bg_tile[ch] += tf * v_rgb[ch];
      }
    }
    // expected depth = depth_acc / max(W, 1e-10) with W = sum w_i = 1 - T_final: the W term joins v_alpha
    const float a = st.wsum[pix];
    const float ac = max_f(a, 1e-10f);
    const float v_ed = job.g->v_depth[pix];
    vD[p] = v_ed / ac;
    const float v_alpha = job.g->v_alpha[pix] - (a >= 1e-10f ? v_ed * st.depth_acc[pix] / (ac * ac) : 0.f);
    q[p] = v_alpha - bg_dot;
  }

  const int32_t* ids = st.isect_ids.data();
  const RasterSplat* splats = st.splats.data();
  const f32x8 centres[2] = {block_centres(0), block_centres(1)};
  int64_t n_eval = 0;
  for (int64_t k = kmax; k >= k0; --k) {
    if (k - 8 >= k0) __builtin_prefetch(&splats[ids[k - 8]]);
    const int64_t f = ids[k];
    const RasterSplat& s = splats[f];
    const float* cz = DT > 0 ? s.cz : st.cz_wide.data() + f * (D + 1);
    const int y_lo = std::max((int)s.y0, ty0), y_hi = std::min((int)s.y1, ty0 + kTileSize - 1);
    const int x_lo = std::max((int)s.x0, tx0), x_hi = std::min((int)s.x1, tx0 + kTileSize - 1);
    const SplatForm form = s.form();
    const float ha = s.ha, op = s.op, z = cz[D], iyy = s.iyy, rf = (float)s.r;
    const f32x8 scut = broadcast8(s.scut);
    const i32x8 kkv = broadcast8i((int32_t)k);
    const f32x8 zero = broadcast8(0.f);
    f32x8 g_mx = zero, g_my = zero, g_a = zero, g_b = zero, g_c = zero, g_o = zero, g_z = zero;
    f32x8 g_col[DT > 0 ? DT : 1];
    for (int ch = 0; ch < (DT > 0 ? DT : 1); ++ch) g_col[ch] = zero;
    float* Gk = job.G + k * NG;
    for (int ch = 0; ch < D; ++ch) Gk[7 + ch] = 0.f;
    const int b_lo = (x_lo - tx0) >> 3, b_hi = (x_hi - tx0) >> 3;
    for (int y = y_lo; y <= y_hi; ++y) {
      SplatRow row;
      splat_row(form, (double)y + 0.5, (double)tx0, row);
      const int rowp = (y - ty0) * kTileSize;
      const f32x8 vrow = broadcast8(row.v);
      for (int blk = b_lo; blk <= b_hi; ++blk) {
        const int pb = rowp + blk * 8;
        const f32x8 t = centres[blk] - row.xc;  // exactly the forward pass's values
        const f32x8 sigma = pixel_sigma(ha, row.srow, t);
        const i32x8 cand = (sigma <= scut) & (kkv < load8(stop_at + pb));
        n_eval += 8;
        if (!any_lane(cand)) continue;
        const f32x8 vis = exp_poly(-sigma);
        const f32x8 alpha = splat_alpha(op, vis);
        const i32x8 valid = cand & (alpha >= kAlphaThreshold);
        if (!any_lane(valid)) continue;
        const f32x8 ra = 1.f / (1.f - alpha);
        const f32x8 T_in = load8(T + pb);
        const f32x8 Tn = T_in * ra;
        const f32x8 fac = alpha * Tn;
        const f32x8 fv = select(valid, fac, zero);
        f32x8 v_alpha = zero;
        for (int ch = 0; ch < D; ++ch) {
          float* bch = buf + ch * kTilePixels + pb;
          const f32x8 vrc = load8(vr + ch * kTilePixels + pb);
          const f32x8 bc = load8(bch);
          v_alpha += (Tn * cz[ch] - bc * ra) * vrc;
          if (DT > 0) g_col[DT > 0 ? ch : 0] += fv * vrc;
          else Gk[7 + ch] += hsum(fv * vrc);
          store8(bch, bc + fv * cz[ch]);
        }
        {
          float* bz = buf + D * kTilePixels + pb;
          const f32x8 vDp = load8(vD + pb);
          const f32x8 b = load8(bz);
          v_alpha += (Tn * z - b * ra) * vDp;
          g_z += fv * vDp;
          store8(bz, b + fv * z);
        }
        v_alpha += load8(Tf + pb) * ra * load8(q + pb);
        AlphaGradT<f32x8> gr;
        splat_alpha_vjp(ha, rf, iyy, t, t + row.ru, vrow, op, vis, v_alpha, gr);
        g_a += select(valid, gr.v_a, zero);
        g_b += select(valid, gr.v_b, zero);
        g_c += select(valid, gr.v_c, zero);
        g_mx += select(valid, gr.v_mx, zero);
        g_my += select(valid, gr.v_my, zero);
        g_o += select(valid, gr.v_opacity, zero);
        store8(T + pb, select(valid, Tn, T_in));
      }
    }
    if (DT > 0)
      for (int ch = 0; ch < DT; ++ch) Gk[7 + ch] = hsum(g_col[DT > 0 ? ch : 0]);
    Gk[0] = hsum(g_mx);
    Gk[1] = hsum(g_my);
    Gk[2] = hsum(g_a);
    Gk[3] = hsum(g_b);
    Gk[4] = hsum(g_c);
    Gk[5] = hsum(g_o);
    Gk[6] = hsum(g_z);
  }
  return n_eval;
}

SPATIAL_CPU_CLONES int64_t tile_backward_d1(const TileJob& j, float* s) { return tile_backward_impl<1>(j, s); }
SPATIAL_CPU_CLONES int64_t tile_backward_d2(const TileJob& j, float* s) { return tile_backward_impl<2>(j, s); }
SPATIAL_CPU_CLONES int64_t tile_backward_d3(const TileJob& j, float* s) { return tile_backward_impl<3>(j, s); }
SPATIAL_CPU_CLONES int64_t tile_backward_dn(const TileJob& j, float* s) { return tile_backward_impl<0>(j, s); }

}  // namespace

void rasterize_backward(const Inputs& in, const CpuState& st, const BackwardGrads& g, std::vector<float>& G, float* v_bg) {
  const RasterConfig& cfg = st.cfg;
  const int D = cfg.D;
  const int NG = 7 + D;
  const int64_t n_tiles = (int64_t)cfg.C * cfg.tiles_per_image();
  G.assign((size_t)st.n_isects * NG, 0.f);
  std::vector<float> bg_tiles(in.backgrounds ? (size_t)n_tiles * D : 0, 0.f);
  int64_t (*fn)(const TileJob&, float*) = D == 1 ? tile_backward_d1 : D == 2 ? tile_backward_d2 : D == 3 ? tile_backward_d3 : tile_backward_dn;
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
