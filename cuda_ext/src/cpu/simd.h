// Loads/stores of 8-lane vectors (spatial/common.h f32x8, i32x8) from tile-local arrays, lane tests, and
// the x86 instruction-set dispatch of the hot loops.
//
// Dispatch: on x86-64 with GCC, each kernel file includes its hot loops (a .inc) twice through
// isa_instantiate.inc, once plain (baseline x86-64) and once inside `#pragma GCC target("arch=x86-64-v3")` (AVX2 + FMA) with
// SPATIAL_ISA_V3 = 1, and picks one at run time (cpu_has_v3()). Unlike separate translation units with
// -march flags this cannot leak AVX2 code into shared inline functions: templates and inline functions
// defined outside the region keep the baseline target. The v3 copy may use the *_v3 helpers below.
#pragma once
#include <cstring>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define SPATIAL_CPU_DISPATCH 1
#include <immintrin.h>
#define SPATIAL_V3_HELPER inline __attribute__((always_inline, target("arch=x86-64-v3")))
#else
#define SPATIAL_CPU_DISPATCH 0
#endif

#include "spatial/common.h"

#ifndef SPATIAL_HAVE_VEC8
#error "the CPU backend needs GCC or Clang vector extensions"
#endif

namespace spatial::cpu {

SPATIAL_HD f32x8 load8(const float* p) {
  f32x8 v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
SPATIAL_HD i32x8 load8(const int32_t* p) {
  i32x8 v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
SPATIAL_HD void store8(float* p, f32x8 v) { std::memcpy(p, &v, sizeof(v)); }
SPATIAL_HD void store8(int32_t* p, i32x8 v) { std::memcpy(p, &v, sizeof(v)); }
SPATIAL_HD f32x8 lane_offsets() { return f32x8{0.f, 1.f, 2.f, 3.f, 4.f, 5.f, 6.f, 7.f}; }
// x of the pixel centres of 8-pixel block `blk` (0 or 1) of a tile row, relative to the tile's x origin
SPATIAL_HD f32x8 block_centres(int blk) { return lane_offsets() + (float)(8 * blk) + 0.5f; }
// true when any lane of a comparison mask is set (a 256-bit OR test: vptest with AVX)
SPATIAL_HD bool any_lane(i32x8 m) {
  typedef long long i64x4 __attribute__((vector_size(32)));
  const i64x4 x = (i64x4)m;
  return ((x[0] | x[1]) | (x[2] | x[3])) != 0;
}

#if SPATIAL_CPU_DISPATCH
inline bool cpu_has_v3() {
  static const bool v3 = __builtin_cpu_supports("x86-64-v3");
  return v3;
}
SPATIAL_V3_HELPER bool any_lane_v3(i32x8 m) {
  __m256i v;
  std::memcpy(&v, &m, sizeof(v));
  return !_mm256_testz_si256(v, v);
}
// b < a ? b : a (min_v's semantics: a NaN b gives a) as one vminps
SPATIAL_V3_HELPER f32x8 min_v3(f32x8 a, f32x8 b) { return (f32x8)_mm256_min_ps((__m256)b, (__m256)a); }
// {sum of v[0], ..., sum of v[7]}: a transposing reduction (hadd tree) instead of eight horizontal sums
SPATIAL_V3_HELPER f32x8 reduce8_v3(const f32x8* v) {
  __m256 m[8];
  std::memcpy(m, v, sizeof(m));
  const __m256 t0 = _mm256_hadd_ps(m[0], m[1]), t1 = _mm256_hadd_ps(m[2], m[3]);
  const __m256 t2 = _mm256_hadd_ps(m[4], m[5]), t3 = _mm256_hadd_ps(m[6], m[7]);
  const __m256 u0 = _mm256_hadd_ps(t0, t1), u1 = _mm256_hadd_ps(t2, t3);
  const __m256 r = _mm256_add_ps(_mm256_permute2f128_ps(u0, u1, 0x20), _mm256_permute2f128_ps(u0, u1, 0x31));
  f32x8 out;
  std::memcpy(&out, &r, sizeof(out));
  return out;
}
// {sum of a, sum of b, -, -}
SPATIAL_V3_HELPER f32x4 reduce2_v3(f32x8 a, f32x8 b) {
  __m256 x, y;
  std::memcpy(&x, &a, sizeof(x));
  std::memcpy(&y, &b, sizeof(y));
  const __m256 t = _mm256_hadd_ps(x, y);  // a01 a23 b01 b23 | a45 a67 b45 b67
  const __m128 h = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
  const __m128 r = _mm_hadd_ps(h, h);  // a, b, a, b
  f32x4 out;
  std::memcpy(&out, &r, sizeof(out));
  return out;
}
#else
inline bool cpu_has_v3() { return false; }
#endif
SPATIAL_HD f32x8 reduce8(const f32x8* v) {
  f32x8 out;
  for (int i = 0; i < 8; ++i) out[i] = hsum(v[i]);
  return out;
}

}  // namespace spatial::cpu
