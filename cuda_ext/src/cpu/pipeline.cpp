// CPU pipeline: project -> colours -> binning -> rasterize; and the reverse for gradients.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <stdexcept>

#include "parallel.h"
#include "raster_cpu.h"

namespace spatial::cpu {

namespace {
// SPATIAL_PROFILE=1 prints per-stage wall times to stderr.
// Wall time and process CPU time (all threads), so that numbers stay meaningful on a loaded machine.
struct StageTimer {
  bool on = std::getenv("SPATIAL_PROFILE") != nullptr;
  std::chrono::steady_clock::time_point t = std::chrono::steady_clock::now();
  std::clock_t c = std::clock();
  void lap(const char* name) {
    if (!on) return;
    auto now = std::chrono::steady_clock::now();
    std::clock_t cnow = std::clock();
    std::fprintf(stderr, "[spatial cpu] %-20s wall %8.2f ms  cpu %8.2f ms\n", name, std::chrono::duration<double, std::milli>(now - t).count(),
                 1000.0 * (double)(cnow - c) / CLOCKS_PER_SEC);
    t = now;
    c = cnow;
  }
};
}  // namespace

void forward(const Inputs& in, CpuState& st, const ForwardOutputs& out) {
  RasterConfig& cfg = st.cfg;
  cfg.tiles_x = (cfg.width + kTileSize - 1) / kTileSize;
  cfg.tiles_y = (cfg.height + kTileSize - 1) / kTileSize;
  const size_t CN = (size_t)cfg.C * cfg.N;
  st.cams.resize(cfg.C);
  for (int c = 0; c < cfg.C; ++c) camera_setup(in.viewmats + c * 16, in.Ks + c * 9, cfg.width, cfg.height, st.cams[c]);
  st.splats.resize(CN);
  st.compensation.resize(CN);
  st.depth64.resize(CN);
  if (!st.inline_cz()) st.cz_wide.resize(CN * (cfg.D + 1));
  if (cfg.width > kMaxImageSide || cfg.height > kMaxImageSide) throw std::invalid_argument("spatial: image sides are limited to 32767 pixels");
  StageTimer timer;
  project_forward(in, st, out);
  timer.lap("project");
  colors_forward(in, st);
  timer.lap("colors");
  bin_tiles(st);
  timer.lap("binning");
  if (st.n_isects >= (int64_t)1 << 31) throw std::runtime_error("spatial: more than 2^31 tile intersections; render fewer cameras at once");
  rasterize_forward(in, st, out);
  timer.lap("rasterize fwd");
}

void backward(const Inputs& in, CpuState& st, const BackwardGrads& g, const BackwardOutputs& out) {
  StageTimer timer;
  std::vector<float> G;
  rasterize_backward(in, st, g, G, out.v_bg);
  timer.lap("rasterize bwd");
  project_backward(in, st, G, out);
  timer.lap("project+colors bwd");
}

}  // namespace spatial::cpu
