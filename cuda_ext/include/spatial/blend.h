// Per-pixel Gaussian evaluation and front-to-back alpha blending (gsplat 1.5.3 rules), their VJP, and
// the conservative culling geometry (opacity-aware ellipse extents, ellipse/tile test, row bands) that
// lets a backend skip (pixel, splat) pairs that the blending rule would skip anyway.
//
// Blending rule at pixel centre p = (j + 0.5, i + 0.5), delta = mean2d - p:
//   sigma = 0.5 (a dx^2 + c dy^2) + b dx dy            (conic a, b, c)
//   alpha = min(0.999, o exp(-sigma));  skip when sigma < 0 or alpha < 1/255
//   stop before the splat when T (1 - alpha) <= 1e-4 (that splat is not blended)
//   C += c_i alpha_i T;  T *= 1 - alpha_i;  out = C + T bg;  alpha_out = 1 - T
//
// Row form. The conic form cancels badly in float32 for thin splats far from their centre (the three
// terms are ~a d^2 while sigma is O(1)). Both backends evaluate the algebraically identical
//   sigma(u, v) = 0.5 iyy v^2 + ha (u - r v)^2,     u = px - mx, v = py - my,
//   r = Sigma_xy / Sigma_yy,  ha = a / 2,  iyy = c - b^2 / a = det(Sigma) / (det' Sigma_yy)
// (Sigma the blurred 2D covariance, det' the clamped determinant the conic was divided by). Per image
// row the double-precision part is done once (splat_row); per pixel it is two positive float terms:
//   t = px - xc(row), sigma = srow + ha t^2.
#pragma once
#include "common.h"

namespace spatial {

// Per-splat parameters of the row form.
struct SplatForm {
  double mx, my;  // means2d
  double r;       // Sigma_xy / Sigma_yy
  float iyy;      // 1 / Sigma_yy for an unclamped determinant
  float ha;       // half the conic's a
};

// From the blurred covariance (xx, xy, yy), its determinant and the clamped determinant; false when the
// form is degenerate (then no pixel is evaluated for the splat).
template <class T>
SPATIAL_HD bool splat_form(T mx, T my, const T* cov_blur, T det_blur, T det, SplatForm& f) {
  f.mx = (double)mx;
  f.my = (double)my;
  double syy = (double)cov_blur[2];
  if (!(syy > 0.0) || !(det > T(0)) || !(det_blur > T(0))) return false;
  f.r = (double)cov_blur[1] / syy;
  f.iyy = (float)((double)det_blur / ((double)det * syy));
  f.ha = (float)(0.5 * syy / (double)det);
  return f.iyy > 0.f && f.ha > 0.f && f.iyy < 3.0e38f && f.ha < 3.0e38f;
}

// From a conic (test hooks).
SPATIAL_HD bool splat_form_from_conic(double mx, double my, double a, double b, double c, SplatForm& f) {
  f.mx = mx;
  f.my = my;
  if (!(a > 0.0)) return false;
  f.r = -b / a;
  f.iyy = (float)(c - b * b / a);
  f.ha = (float)(0.5 * a);
  return f.iyy > 0.f && f.ha > 0.f;
}

// The part of sigma shared by a row of pixels, relative to the row's pixel x origin x0.
struct SplatRow {
  float xc;    // x of the sigma minimum on this row, minus x0
  float srow;  // sigma at that minimum
  float ru;    // r v (u = t + ru)
  float v;     // py - my
};

SPATIAL_HD void splat_row(const SplatForm& f, double py, double x0, SplatRow& row) {
  double v = py - f.my;
  double rv = f.r * v;
  row.xc = (float)(f.mx + rv - x0);
  row.srow = (float)(0.5 * v * v * (double)f.iyy);
  row.ru = (float)rv;
  row.v = (float)v;
}

// sigma at a pixel whose centre is t = px - x0 - xc from the row minimum (F = float or f32x8).
template <class F>
SPATIAL_HD F pixel_sigma(float ha, float srow, F t) { return t * t * ha + srow; }

// vis = exp(-sigma); alpha = min(0.999, o vis)
template <class F>
SPATIAL_HD F splat_alpha(float opacity, F vis) { return min_v(constant_like(vis, kMaxAlpha), vis * opacity); }

SPATIAL_HD bool splat_skipped(float sigma, float alpha) { return sigma < 0.f || alpha < kAlphaThreshold; }

// Gradient of alpha at one pixel -> conic (a, b, c), means2d and opacity; zero while the 0.999 clamp is
// active. (u, v) = pixel - mean; t = u - r v. Uses sigma's derivatives in forms free of cancellation:
//   d sigma / d mx = -(a u + b v) = -2 ha t;   d sigma / d my = -(b u + c v) = -(b t + iyy v).
template <class F>
struct AlphaGradT {
  F v_a, v_b, v_c;  // conic
  F v_mx, v_my;     // mean2d
  F v_opacity;
};
using AlphaGrad = AlphaGradT<float>;

template <class F>
SPATIAL_HD void splat_alpha_vjp(float ha, float r, float iyy, F t, F u, F v, float opacity, F vis, F v_alpha, AlphaGradT<F>& g) {
  const F zero = constant_like(vis, 0.f);
  auto active = vis * opacity <= constant_like(vis, kMaxAlpha);
  F v_sigma = select(active, -(vis * opacity) * v_alpha, zero);
  float b = -2.f * ha * r;
  g.v_a = 0.5f * v_sigma * u * u;
  g.v_b = v_sigma * u * v;
  g.v_c = 0.5f * v_sigma * v * v;
  g.v_mx = -v_sigma * (2.f * ha) * t;
  g.v_my = -v_sigma * (t * b + v * iyy);
  g.v_opacity = select(active, vis * v_alpha, zero);
}

// Blending of one splat into one pixel's running state; returns true when the pixel terminates here.
// (Shown for reference and used by the CUDA kernel; the CPU kernel inlines the same steps in SIMD form.)
SPATIAL_HD bool blend_step(float alpha, float& T, float& w) {
  float next_T = T * (1.f - alpha);
  if (next_T <= kTransmittanceMin) {
    w = 0.f;
    return true;
  }
  w = alpha * T;
  T = next_T;
  return false;
}

// ----------------------------------------------------------------------------- conservative culling
// Largest sigma at which a splat of opacity o can still pass alpha >= 1/255, plus a safety margin far
// above float rounding (e^-1e-4 ~ 1 - 1e-4). Negative when the splat can never pass.
SPATIAL_HD float sigma_cutoff(float opacity) {
  if (!(opacity >= kAlphaThreshold)) return -1.f;
  return logf(255.f * opacity) + 1e-4f;
}

// Half extents (pixels) of the ellipse {sigma <= s}.
SPATIAL_HD void ellipse_extent(const SplatForm& f, float s, double* ex, double* ey) {
  double sd = (double)s;
  *ey = sqrt(2.0 * sd / (double)f.iyy) * 1.0001 + 0.01;
  *ex = sqrt(sd * (2.0 * f.r * f.r / (double)f.iyy + 1.0 / (double)f.ha)) * 1.0001 + 0.01;
}

SPATIAL_HD double form_sigma(const SplatForm& f, double u, double v) {
  double t = u - f.r * v;
  return 0.5 * (double)f.iyy * v * v + (double)f.ha * t * t;
}

// Does the ellipse {sigma <= s} contain a point of the rectangle [x0, x1] x [y0, y1] (pixel centres)?
SPATIAL_HD bool ellipse_hits_rect(const SplatForm& f, float s, double x0, double x1, double y0, double y1) {
  if (f.mx >= x0 && f.mx <= x1 && f.my >= y0 && f.my <= y1) return true;
  double u0 = x0 - f.mx, u1 = x1 - f.mx, v0 = y0 - f.my, v1 = y1 - f.my;
  double m = 1e300;
  // horizontal edges: minimum over u at u = r v
  for (int e = 0; e < 2; ++e) {
    double v = e ? v1 : v0;
    double u = clamp_t(f.r * v, u0, u1);
    m = min_t(m, form_sigma(f, u, v));
  }
  // vertical edges: d/dv [0.5 iyy v^2 + ha (u - r v)^2] = 0 at v = 2 ha r u / (iyy + 2 ha r^2)
  double den = (double)f.iyy + 2.0 * (double)f.ha * f.r * f.r;
  for (int e = 0; e < 2; ++e) {
    double u = e ? u1 : u0;
    double v = clamp_t(2.0 * (double)f.ha * f.r * u / den, v0, v1);
    m = min_t(m, form_sigma(f, u, v));
  }
  return m <= (double)s * 1.0001 + 1e-4;
}

// x interval [*u0, *u1] (relative to the mean) of the ellipse {sigma <= s} within the horizontal band
// v = y - my in [va, vb]; false when the band misses the ellipse. The ellipse's leftmost / rightmost points
// sit at v = -/+ 2 ha r w* / iyy with w* = sqrt(s / (ha (1 + 2 ha r^2 / iyy))); u - r v = -/+ w(v) is
// convex / concave in v, so the band's extremes are at those v clamped into the band. Exact up to the
// margins (s * 1.0001 + 1e-4 and 1e-3 px), which only ever widen the interval.
struct EllipseBands {
  double r, V, A, B, vs, margin;
  SPATIAL_HD EllipseBands(const SplatForm& f, float s_cut) {
    const double s = (double)s_cut * 1.0001 + 1e-4;
    const double iyy = (double)f.iyy, ha = (double)f.ha;
    r = f.r;
    V = sqrt(2.0 * s / iyy);
    A = s / ha;
    B = 0.5 * iyy / ha;
    vs = 2.0 * ha * r * sqrt(s / (ha * (1.0 + 2.0 * ha * r * r / iyy))) / iyy;
    margin = 1e-3 + 1e-9 * fabs(f.mx);
  }
  SPATIAL_HD bool span(double va, double vb, double* u0, double* u1) const {
    va = max_t(va, -V);
    vb = min_t(vb, V);
    if (!(va <= vb)) return false;
    const double vl = clamp_t(-vs, va, vb), vr = clamp_t(vs, va, vb);
    *u0 = r * vl - sqrt(max_t(A - B * vl * vl, 0.0)) - margin;
    *u1 = r * vr + sqrt(max_t(A - B * vr * vr, 0.0)) + margin;
    return true;
  }
};

}  // namespace spatial
