// Shared definitions for the spatial rasterizer kernels.
//
// Every function in include/spatial/*.h is compiled by the host C++ compiler (CPU backend, header tests)
// and by nvcc (CUDA backend). They are written once, as small inline scalar functions on plain float
// arrays, so that both backends evaluate the same expressions in the same order.
#pragma once

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__CUDACC__)
#define SPATIAL_HD __host__ __device__ __forceinline__
#elif defined(__GNUC__) || defined(__clang__)
#define SPATIAL_HD inline __attribute__((always_inline))
#else
#define SPATIAL_HD inline
#endif

namespace spatial {

// ----------------------------------------------------------------------------- pinned semantics (gsplat 1.5.3)
constexpr float kAlphaThreshold = 1.f / 255.f;  // skip a splat at a pixel when alpha < this
constexpr float kMaxAlpha = 0.999f;             // alpha = min(kMaxAlpha, o * exp(-sigma))
constexpr float kTransmittanceMin = 1e-4f;      // stop *before* the splat making T * (1 - alpha) <= this
constexpr double kExtentSigmas = 3.33;          // reported radii: ceil(3.33 * sqrt(cov2d_ii))
constexpr int kTileSize = 16;                   // tiles are 16 x 16 pixels
constexpr int kTilePixels = kTileSize * kTileSize;

// ----------------------------------------------------------------------------- scalar helpers
// min with CUDA fminf's NaN behaviour when the first argument is the constant: min_f(c, NaN) == c.
SPATIAL_HD float min_f(float a, float b) { return b < a ? b : a; }
SPATIAL_HD float max_f(float a, float b) { return b > a ? b : a; }
SPATIAL_HD float clamp_f(float x, float lo, float hi) { return min_f(max_f(x, lo), hi); }

SPATIAL_HD float int_bits_to_float(int32_t i) {
#if defined(__CUDA_ARCH__)
  return __int_as_float(i);
#else
  float f;
  memcpy(&f, &i, sizeof(f));
  return f;
#endif
}

SPATIAL_HD uint32_t float_to_bits(float f) {
#if defined(__CUDA_ARCH__)
  return (uint32_t)__float_as_int(f);
#else
  uint32_t i;
  memcpy(&i, &f, sizeof(i));
  return i;
#endif
}

// ----------------------------------------------------------------------------- 8-lane vectors (CPU)
// The CPU backend evaluates 8 pixels at once with GCC/Clang vector extensions. Templated math below
// (exp_poly, pixel_sigma, splat_alpha) is instantiated for float (CUDA, scalar paths) and for f32x8.
#if !defined(__CUDACC__) && (defined(__GNUC__) || defined(__clang__))
#define SPATIAL_HAVE_VEC8 1
typedef float f32x8 __attribute__((vector_size(32)));
typedef int32_t i32x8 __attribute__((vector_size(32)));
typedef float f32x4 __attribute__((vector_size(16)));
SPATIAL_HD f32x8 broadcast8(float c) { return f32x8{c, c, c, c, c, c, c, c}; }
SPATIAL_HD i32x8 broadcast8i(int32_t c) { return i32x8{c, c, c, c, c, c, c, c}; }
#if defined(__clang__)
SPATIAL_HD f32x8 select(i32x8 m, f32x8 a, f32x8 b) { return (f32x8)(((i32x8)a & m) | ((i32x8)b & ~m)); }
SPATIAL_HD i32x8 select(i32x8 m, i32x8 a, i32x8 b) { return (a & m) | (b & ~m); }
#else
// GCC's vector ?: lets the compiler emit blends, and min/max instructions for the patterns below
SPATIAL_HD f32x8 select(i32x8 m, f32x8 a, f32x8 b) { return m ? a : b; }
SPATIAL_HD i32x8 select(i32x8 m, i32x8 a, i32x8 b) { return m ? a : b; }
#endif
SPATIAL_HD f32x8 min_v(f32x8 a, f32x8 b) { return select(b < a, b, a); }
SPATIAL_HD f32x8 max_v(f32x8 a, f32x8 b) { return select(b > a, b, a); }
SPATIAL_HD f32x8 constant_like(f32x8, float c) { return broadcast8(c); }
SPATIAL_HD f32x8 pow2_from_shifted(f32x8 j) { return (f32x8)((i32x8)j << 23); }
SPATIAL_HD float hsum(f32x8 v) {
  float s = 0.f;
  for (int i = 0; i < 8; ++i) s += v[i];
  return s;
}
#endif

SPATIAL_HD float select(bool m, float a, float b) { return m ? a : b; }
SPATIAL_HD float min_v(float a, float b) { return min_f(a, b); }
SPATIAL_HD float max_v(float a, float b) { return max_f(a, b); }
SPATIAL_HD float constant_like(float, float c) { return c; }
SPATIAL_HD float pow2_from_shifted(float j) { return int_bits_to_float((int32_t)(float_to_bits(j) << 23)); }

// exp(x) for float32 lanes without the input clamp, for lanes known to hold -87 <= x <= 88 (the CPU
// blending loops clamp sigma first; CUDA masks lanes beyond the sigma cutoff: their lanes may hold
// garbage, never a trap). Branch-free, so it runs identically per lane on the CPU (8 lanes) and the GPU.
// Cody-Waite range reduction x = n ln2 + r, |r| <= ln2/2 (n rounded to nearest by the 1.5 * 2^23
// shifter trick; 127 + n then sits in the low mantissa bits of j, which gives 2^n without a float->int
// conversion), then the Cephes degree-6 polynomial: max relative error 2 ulp over [-87, 88] (tested in
// tests/test_kernels_headers.py).
template <class F>
SPATIAL_HD F exp_poly_nc(F x) {
  const float shifter = 12582912.0f + 127.0f;
  const F j = x * 1.44269504088896341f + shifter;
  const F n = j - shifter;
  F r = x - n * 0.693359375f;  // ln2 split in two: hi part has 9 significant bits, so n*hi is exact
  r = r - n * -2.12194440e-4f;
  F p = r * 1.9875691500e-4f + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  return p * pow2_from_shifted(j);
}

// exp(x) for any float32 input: clamped into [-87, 88] (results stay finite normal floats), then exp_poly_nc.
template <class F>
SPATIAL_HD F exp_poly(F x) {
  return exp_poly_nc(min_v(max_v(x, constant_like(x, -87.0f)), constant_like(x, 88.0f)));
}
SPATIAL_HD float exp_f(float x) { return exp_poly(x); }

// Overloads so that templated math (float or double) calls the right libm function on host and device.
SPATIAL_HD float sqrt_t(float x) { return sqrtf(x); }
SPATIAL_HD double sqrt_t(double x) { return sqrt(x); }
SPATIAL_HD float ceil_t(float x) { return ceilf(x); }
SPATIAL_HD double ceil_t(double x) { return ceil(x); }
SPATIAL_HD float floor_t(float x) { return floorf(x); }
SPATIAL_HD double floor_t(double x) { return floor(x); }
template <class T>
SPATIAL_HD T min_t(T a, T b) { return b < a ? b : a; }
template <class T>
SPATIAL_HD T max_t(T a, T b) { return b > a ? b : a; }
template <class T>
SPATIAL_HD T clamp_t(T x, T lo, T hi) { return min_t(max_t(x, lo), hi); }

// Tiny fixed-size linear algebra on row-major arrays.
template <class T>
SPATIAL_HD void mat3_mul(const T* a, const T* b, T* out) {  // out = a b
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) out[i * 3 + j] = a[i * 3 + 0] * b[0 * 3 + j] + a[i * 3 + 1] * b[1 * 3 + j] + a[i * 3 + 2] * b[2 * 3 + j];
}
template <class T>
SPATIAL_HD void mat3_mul_bt(const T* a, const T* b, T* out) {  // out = a b^T
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) out[i * 3 + j] = a[i * 3 + 0] * b[j * 3 + 0] + a[i * 3 + 1] * b[j * 3 + 1] + a[i * 3 + 2] * b[j * 3 + 2];
}
template <class T>
SPATIAL_HD void mat3_mul_at(const T* a, const T* b, T* out) {  // out = a^T b
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) out[i * 3 + j] = a[0 * 3 + i] * b[0 * 3 + j] + a[1 * 3 + i] * b[1 * 3 + j] + a[2 * 3 + i] * b[2 * 3 + j];
}
template <class T>
SPATIAL_HD void mat3_vec(const T* a, const T* v, T* out) {  // out = a v
  for (int i = 0; i < 3; ++i) out[i] = a[i * 3 + 0] * v[0] + a[i * 3 + 1] * v[1] + a[i * 3 + 2] * v[2];
}
template <class T>
SPATIAL_HD void mat3_t_vec(const T* a, const T* v, T* out) {  // out = a^T v
  for (int i = 0; i < 3; ++i) out[i] = a[0 * 3 + i] * v[0] + a[1 * 3 + i] * v[1] + a[2 * 3 + i] * v[2];
}
// Inverse of a 3x3 matrix by the adjugate; returns the determinant (0 when singular, out untouched).
template <class T>
SPATIAL_HD T mat3_inverse(const T* m, T* out) {
  T c00 = m[4] * m[8] - m[5] * m[7];
  T c01 = m[5] * m[6] - m[3] * m[8];
  T c02 = m[3] * m[7] - m[4] * m[6];
  T det = m[0] * c00 + m[1] * c01 + m[2] * c02;
  if (det == T(0)) return T(0);
  T id = T(1) / det;
  out[0] = c00 * id;
  out[1] = (m[2] * m[7] - m[1] * m[8]) * id;
  out[2] = (m[1] * m[5] - m[2] * m[4]) * id;
  out[3] = c01 * id;
  out[4] = (m[0] * m[8] - m[2] * m[6]) * id;
  out[5] = (m[2] * m[3] - m[0] * m[5]) * id;
  out[6] = c02 * id;
  out[7] = (m[1] * m[6] - m[0] * m[7]) * id;
  out[8] = (m[0] * m[4] - m[1] * m[3]) * id;
  return det;
}

}  // namespace spatial
