// Which pixels a projected splat can touch: the reference's tile box (gsplat: floor/ceil of
// (mean -+ radius) / 16, clamped) intersected with the opacity-aware ellipse {sigma <= ln(255 o)}.
// Both backends rasterize a splat only inside this box; pixels outside it would fail alpha >= 1/255
// (or are outside every tile the reference assigns), so results are unchanged.
#pragma once
#include "blend.h"
#include "projection.h"

namespace spatial {

// false when the splat is culled or can never pass alpha >= 1/255; else the row form, the sigma
// cutoff and the inclusive pixel box [x0, x1] x [y0, y1].
SPATIAL_HD bool splat_pixel_box(const ProjectedSplat<double>& p, float opacity, int width, int height, SplatForm& form, float* scut, int* x0, int* x1,
                                int* y0, int* y1) {
  *scut = sigma_cutoff(opacity);
  if (p.radius[0] <= 0 || p.radius[1] <= 0 || *scut < 0.f) return false;
  if (!splat_form(p.mean2d[0], p.mean2d[1], p.cov_blur, p.det_blur, p.det, form)) return false;
  const int tiles_x = (width + kTileSize - 1) / kTileSize, tiles_y = (height + kTileSize - 1) / kTileSize;
  const double tmx = p.mean2d[0] / kTileSize, tmy = p.mean2d[1] / kTileSize;
  const double trx = (double)p.radius[0] / kTileSize, try_ = (double)p.radius[1] / kTileSize;
  const int tx0 = (int)clamp_t(floor(tmx - trx), 0.0, (double)tiles_x), tx1 = (int)clamp_t(ceil(tmx + trx), 0.0, (double)tiles_x);
  const int ty0 = (int)clamp_t(floor(tmy - try_), 0.0, (double)tiles_y), ty1 = (int)clamp_t(ceil(tmy + try_), 0.0, (double)tiles_y);
  double ex, ey;
  ellipse_extent(form, *scut, &ex, &ey);
  *x0 = max_t(tx0 * kTileSize, (int)clamp_t(ceil(form.mx - ex - 0.5), -1e9, 1e9));
  *x1 = min_t(min_t(tx1 * kTileSize, width) - 1, (int)clamp_t(floor(form.mx + ex - 0.5), -1e9, 1e9));
  *y0 = max_t(ty0 * kTileSize, (int)clamp_t(ceil(form.my - ey - 0.5), -1e9, 1e9));
  *y1 = min_t(min_t(ty1 * kTileSize, height) - 1, (int)clamp_t(floor(form.my + ey - 0.5), -1e9, 1e9));
  return *x0 <= *x1 && *y0 <= *y1;
}

}  // namespace spatial
