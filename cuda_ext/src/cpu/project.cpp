// Stage 1 (CPU): EWA projection of every (camera, splat) pair (double precision, spatial/projection.h),
// the row form and culling box the rasterizer uses, and the projection VJP.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "parallel.h"
#include "raster_cpu.h"
#include "spatial/tiles.h"

namespace spatial::cpu {

namespace {
constexpr int64_t kSplatChunk = 2048;
}  // namespace

void project_forward(const Inputs& in, CpuState& st, const ForwardOutputs& out) {
  const RasterConfig& cfg = st.cfg;
  const int C = cfg.C, N = cfg.N;
  parallel_for(N, kSplatChunk, [&](int64_t b, int64_t e, int) {
    for (int c = 0; c < C; ++c) {
      const CameraParams<double>& cam = st.cams[c];
      for (int64_t n = b; n < e; ++n) {
        const int64_t f = (int64_t)c * N + n;
        ProjectedSplat<double> p;
        project_splat<double>(in.means + n * 3, in.quats + n * 4, in.scales + n * 3, cam, cfg.near_plane, cfg.far_plane, cfg.eps2d, p);
        out.radii[f * 2 + 0] = p.radius[0];
        out.radii[f * 2 + 1] = p.radius[1];
        out.means2d[f * 2 + 0] = (float)p.mean2d[0];
        out.means2d[f * 2 + 1] = (float)p.mean2d[1];
        out.depths[f] = (float)p.depth;
        out.conics[f * 3 + 0] = (float)p.conic[0];
        out.conics[f * 3 + 1] = (float)p.conic[1];
        out.conics[f * 3 + 2] = (float)p.conic[2];
        const float op = (float)((double)in.opacities[n] * (cfg.antialiased ? p.compensation : 1.0));
        out.opacities[f] = op;
        st.compensation[f] = (float)p.compensation;

        RasterSplat& s = st.splats[f];
        s.op = op;
        s.x0 = s.y0 = 0;
        s.x1 = s.y1 = -1;
        st.cz(f)[cfg.D] = (float)p.depth;
        st.depth64[f] = p.depth;
        SplatForm form;
        int x0, x1, y0, y1;
        if (!splat_pixel_box(p, op, cfg.width, cfg.height, form, &s.scut, &x0, &x1, &y0, &y1)) continue;
        s.mx = form.mx;
        s.my = form.my;
        s.r = form.r;
        s.iyy = form.iyy;
        s.ha = form.ha;
        s.x0 = (int16_t)x0;
        s.x1 = (int16_t)x1;
        s.y0 = (int16_t)y0;
        s.y1 = (int16_t)y1;
      }
    }
  });
}

void project_backward(const Inputs& in, const CpuState& st, const std::vector<float>& G, const BackwardOutputs& out) {
  const RasterConfig& cfg = st.cfg;
  const int C = cfg.C, N = cfg.N, D = cfg.D;
  const int NG = 7 + D;
  const int color_row = cfg.sh_degree >= 0 ? cfg.K * 3 : D;
  const int64_t nblocks = (N + kSplatChunk - 1) / kSplatChunk;
  std::vector<double> vm_partial((size_t)nblocks * C * 16, 0.0);
  std::memset(out.v_means2d, 0, sizeof(float) * (size_t)C * N * 2);

  parallel_for(N, kSplatChunk, [&](int64_t b, int64_t e, int) {
    double* vm_block = vm_partial.data() + (b / kSplatChunk) * C * 16;
    std::vector<double> acc(NG);
    std::vector<float> v_col(D);
    for (int64_t n = b; n < e; ++n) {
      double v_mean[3] = {0, 0, 0}, v_quat[4] = {0, 0, 0, 0}, v_scale[3] = {0, 0, 0}, v_op = 0.0;
      float* v_col_row = out.v_colors + n * color_row;
      std::memset(v_col_row, 0, sizeof(float) * color_row);
      for (int c = 0; c < C; ++c) {
        const int64_t f = (int64_t)c * N + n;
        const int64_t p0 = st.csr_offsets[f], p1 = st.csr_offsets[f + 1];
        if (p0 == p1) continue;
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int64_t p = p0; p < p1; ++p) {
          const float* g = G.data() + st.csr_pos[p] * NG;
          for (int i = 0; i < NG; ++i) acc[i] += g[i];
        }
        out.v_means2d[f * 2 + 0] = (float)acc[0];
        out.v_means2d[f * 2 + 1] = (float)acc[1];
        double* vm = vm_block + c * 16;
        for (int ch = 0; ch < D; ++ch) v_col[ch] = (float)acc[7 + ch];
        color_vjp(in, st, c, (int)n, v_col.data(), v_mean, vm, v_col_row);
        const double comp = st.compensation[f];
        double v_comp = 0.0;
        if (cfg.antialiased) {
          // opacity_eff = opacity * compensation
          v_op += acc[5] * comp;
          v_comp = acc[5] * (double)in.opacities[n];
        } else {
          v_op += acc[5];
        }
        const double v_mean2d[2] = {acc[0], acc[1]};
        const double v_conic[3] = {acc[2], acc[3], acc[4]};
        project_splat_vjp<double>(in.means + n * 3, in.quats + n * 4, in.scales + n * 3, st.cams[c], cfg.eps2d, v_mean2d, acc[6], v_conic, v_comp,
                                  v_mean, v_quat, v_scale, vm);
      }
      for (int i = 0; i < 3; ++i) out.v_means[n * 3 + i] = (float)v_mean[i];
      for (int i = 0; i < 4; ++i) out.v_quats[n * 4 + i] = (float)v_quat[i];
      for (int i = 0; i < 3; ++i) out.v_scales[n * 3 + i] = (float)v_scale[i];
      out.v_opacities[n] = (float)v_op;
    }
  });
  // ordered reduction of the per-block viewmat gradients (deterministic for any thread count)
  std::vector<double> vm(C * 16, 0.0);
  for (int64_t blk = 0; blk < nblocks; ++blk)
    for (int i = 0; i < C * 16; ++i) vm[i] += vm_partial[blk * C * 16 + i];
  for (int i = 0; i < C * 16; ++i) out.v_viewmats[i] = (float)vm[i];
}

}  // namespace spatial::cpu
