// Stage 2 (CPU): per (camera, splat) colour, from SH (view dependent) or given directly, and its VJP.
#include <cstring>

#include "parallel.h"
#include "raster_cpu.h"
#include "spatial/sh.h"

namespace spatial::cpu {

namespace {
void view_dir(const Inputs& in, const CameraParams<double>& cam, int64_t n, float* dir) {
  for (int i = 0; i < 3; ++i) dir[i] = (float)((double)in.means[n * 3 + i] - cam.campos[i]);
}
}  // namespace

void colors_forward(const Inputs& in, CpuState& st) {
  const RasterConfig& cfg = st.cfg;
  const int C = cfg.C, N = cfg.N, D = cfg.D;
  parallel_for(N, 4096, [&](int64_t b, int64_t e, int) {
    for (int c = 0; c < C; ++c) {
      const CameraParams<double>& cam = st.cams[c];
      for (int64_t n = b; n < e; ++n) {
        const int64_t f = (int64_t)c * N + n;
        float* dst = st.cz(f);
        if (st.splats[f].x0 > st.splats[f].x1) {  // never rasterized: keep the slot defined
          for (int ch = 0; ch < D; ++ch) dst[ch] = 0.f;
          continue;
        }
        if (cfg.sh_degree >= 0) {
          float dir[3];
          view_dir(in, cam, n, dir);
          sh_color(cfg.sh_degree, dir, in.colors + n * cfg.K * 3, dst);
        } else {
          std::memcpy(dst, in.colors + n * D, sizeof(float) * D);
        }
      }
    }
  });
}

void color_vjp(const Inputs& in, const CpuState& st, int c, int n, const float* v_col, double* v_mean, double* v_viewmat, float* v_colors_row) {
  const RasterConfig& cfg = st.cfg;
  if (cfg.sh_degree < 0) {
    for (int ch = 0; ch < cfg.D; ++ch) v_colors_row[ch] += v_col[ch];
    return;
  }
  const CameraParams<double>& cam = st.cams[c];
  float dir[3];
  view_dir(in, cam, n, dir);
  float v_dir[3] = {0.f, 0.f, 0.f};
  sh_color_vjp(cfg.sh_degree, dir, in.colors + (int64_t)n * cfg.K * 3, v_col, v_colors_row, v_dir);
  for (int i = 0; i < 3; ++i) v_mean[i] += v_dir[i];
  const double v_campos[3] = {-(double)v_dir[0], -(double)v_dir[1], -(double)v_dir[2]};
  campos_vjp(cam, v_campos, v_viewmat);
}

}  // namespace spatial::cpu
