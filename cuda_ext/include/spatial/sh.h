// Real spherical harmonics, degree 0..3 (Sloan's form, the constants of gsplat / Inria), view-dependent
// colour = max(sum_k c_k Y_k(d) + 0.5, 0) with d = normalize(mean - campos), and its VJP.
#pragma once
#include "common.h"

namespace spatial {

constexpr int kMaxShDegree = 3;
constexpr int kMaxShBases = 16;

SPATIAL_HD int sh_num_bases(int degree) { return (degree + 1) * (degree + 1); }

// Basis values b[0..(deg+1)^2) at a unit direction.
SPATIAL_HD void sh_basis(int degree, float x, float y, float z, float* b) {
  b[0] = 0.2820947917738781f;
  if (degree < 1) return;
  float fTmpA = -0.48860251190292f;
  b[2] = -fTmpA * z;
  b[3] = fTmpA * x;
  b[1] = fTmpA * y;
  if (degree < 2) return;
  float z2 = z * z;
  float fTmpB = -1.092548430592079f * z;
  fTmpA = 0.5462742152960395f;
  float fC1 = x * x - y * y;
  float fS1 = 2.f * x * y;
  b[6] = 0.9461746957575601f * z2 - 0.3153915652525201f;
  b[7] = fTmpB * x;
  b[5] = fTmpB * y;
  b[8] = fTmpA * fC1;
  b[4] = fTmpA * fS1;
  if (degree < 3) return;
  float fTmpC = -2.285228997322329f * z2 + 0.4570457994644658f;
  fTmpB = 1.445305721320277f * z;
  fTmpA = -0.5900435899266435f;
  float fC2 = x * fC1 - y * fS1;
  float fS2 = x * fS1 + y * fC1;
  b[12] = z * (1.865881662950577f * z2 - 1.119528997770346f);
  b[13] = fTmpC * x;
  b[11] = fTmpC * y;
  b[14] = fTmpB * fC1;
  b[10] = fTmpB * fS1;
  b[15] = fTmpA * fC2;
  b[9] = fTmpA * fS2;
}

// Gradient of the basis w.r.t. the unit direction: given v_b[k], accumulate v_dir[3].
SPATIAL_HD void sh_basis_vjp(int degree, float x, float y, float z, const float* v_b, float* v_dir) {
  if (degree < 1) return;
  const float C1 = 0.48860251190292f;
  float gx = -C1 * v_b[3], gy = -C1 * v_b[1], gz = C1 * v_b[2];
  if (degree >= 2) {
    const float A = 0.5462742152960395f, B = -1.092548430592079f, C = 0.9461746957575601f;
    gx += 2.f * A * y * v_b[4] + B * z * v_b[7] + 2.f * A * x * v_b[8];
    gy += 2.f * A * x * v_b[4] + B * z * v_b[5] - 2.f * A * y * v_b[8];
    gz += B * y * v_b[5] + 2.f * C * z * v_b[6] + B * x * v_b[7];
  }
  if (degree >= 3) {
    const float a9 = -0.5900435899266435f, bb = 1.445305721320277f;
    const float c2 = -2.285228997322329f, c0 = 0.4570457994644658f;
    const float d2 = 1.865881662950577f, d0 = -1.119528997770346f;
    float xx = x * x, yy = y * y, zz = z * z;
    float fc = c2 * zz + c0;
    gx += a9 * 6.f * x * y * v_b[9] + 2.f * bb * z * y * v_b[10] + fc * v_b[13] + 2.f * bb * z * x * v_b[14] + a9 * 3.f * (xx - yy) * v_b[15];
    gy += a9 * 3.f * (xx - yy) * v_b[9] + 2.f * bb * z * x * v_b[10] + fc * v_b[11] - 2.f * bb * z * y * v_b[14] - a9 * 6.f * x * y * v_b[15];
    gz += 2.f * bb * x * y * v_b[10] + 2.f * c2 * z * y * v_b[11] + (3.f * d2 * zz + d0) * v_b[12] + 2.f * c2 * z * x * v_b[13] +
          bb * (xx - yy) * v_b[14];
  }
  v_dir[0] += gx;
  v_dir[1] += gy;
  v_dir[2] += gz;
}

// Unit direction (torch F.normalize semantics) of dir_raw; returns the norm.
SPATIAL_HD float sh_direction(const float* dir_raw, float* d) {
  float n = sqrtf(dir_raw[0] * dir_raw[0] + dir_raw[1] * dir_raw[1] + dir_raw[2] * dir_raw[2]);
  float inv = 1.f / max_f(n, 1e-12f);
  d[0] = dir_raw[0] * inv;
  d[1] = dir_raw[1] * inv;
  d[2] = dir_raw[2] * inv;
  return n;
}

// Colour before the +0.5 / clamp: sum_k coeffs[k*3 + ch] * Y_k(d). coeffs: [K_total, 3], DC first.
SPATIAL_HD void sh_eval(int degree, const float* dir_raw, const float* coeffs, float* out) {
  float d[3], b[kMaxShBases];
  sh_direction(dir_raw, d);
  sh_basis(degree, d[0], d[1], d[2], b);
  int nb = sh_num_bases(degree);
  for (int ch = 0; ch < 3; ++ch) {
    float acc = 0.f;
    for (int k = 0; k < nb; ++k) acc += b[k] * coeffs[k * 3 + ch];
    out[ch] = acc;
  }
}

// Activated colour: max(SH + 0.5, 0).
SPATIAL_HD void sh_color(int degree, const float* dir_raw, const float* coeffs, float* rgb) {
  float s[3];
  sh_eval(degree, dir_raw, coeffs, s);
  for (int ch = 0; ch < 3; ++ch) rgb[ch] = max_f(s[ch] + 0.5f, 0.f);
}

// VJP of sh_color: v_rgb -> v_coeffs (accumulated, first (deg+1)^2 rows) and v_dir_raw (accumulated).
SPATIAL_HD void sh_color_vjp(int degree, const float* dir_raw, const float* coeffs, const float* v_rgb, float* v_coeffs, float* v_dir_raw) {
  float d[3], b[kMaxShBases];
  float n = sh_direction(dir_raw, d);
  sh_basis(degree, d[0], d[1], d[2], b);
  int nb = sh_num_bases(degree);
  float v_s[3];
  for (int ch = 0; ch < 3; ++ch) {
    float acc = 0.f;
    for (int k = 0; k < nb; ++k) acc += b[k] * coeffs[k * 3 + ch];
    v_s[ch] = (acc + 0.5f >= 0.f) ? v_rgb[ch] : 0.f;  // clamp_min passes the gradient where x >= 0
  }
  float v_b[kMaxShBases];
  for (int k = 0; k < nb; ++k) {
    v_coeffs[k * 3 + 0] += b[k] * v_s[0];
    v_coeffs[k * 3 + 1] += b[k] * v_s[1];
    v_coeffs[k * 3 + 2] += b[k] * v_s[2];
    v_b[k] = coeffs[k * 3 + 0] * v_s[0] + coeffs[k * 3 + 1] * v_s[1] + coeffs[k * 3 + 2] * v_s[2];
  }
  if (degree < 1) return;
  float v_d[3] = {0.f, 0.f, 0.f};
  sh_basis_vjp(degree, d[0], d[1], d[2], v_b, v_d);
  if (n > 1e-12f) {
    float dot = d[0] * v_d[0] + d[1] * v_d[1] + d[2] * v_d[2];
    float inv = 1.f / n;
    for (int i = 0; i < 3; ++i) v_dir_raw[i] += (v_d[i] - d[i] * dot) * inv;
  } else {
    for (int i = 0; i < 3; ++i) v_dir_raw[i] += v_d[i] * 1e12f;
  }
}

}  // namespace spatial
