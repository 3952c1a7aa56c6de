// Quaternion -> rotation, 3D covariance Sigma = R S S^T R^T, and their vector-Jacobian products.
// Templated on the working precision T (the backends project in double: see projection.h).
#pragma once
#include "common.h"

namespace spatial {

// Normalized quaternion (w, x, y, z); the norm is clamped like torch.nn.functional.normalize (eps 1e-12).
template <class T>
SPATIAL_HD T quat_normalize(const T* q_raw, T* q) {
  T n = sqrt_t(q_raw[0] * q_raw[0] + q_raw[1] * q_raw[1] + q_raw[2] * q_raw[2] + q_raw[3] * q_raw[3]);
  T inv = T(1) / max_t(n, T(1e-12));
  for (int i = 0; i < 4; ++i) q[i] = q_raw[i] * inv;
  return n;
}

// Rotation matrix (row-major) of a *normalized* quaternion (w, x, y, z).
template <class T>
SPATIAL_HD void quat_to_rotmat(const T* q, T* R) {
  T w = q[0], x = q[1], y = q[2], z = q[3];
  R[0] = T(1) - T(2) * (y * y + z * z);
  R[1] = T(2) * (x * y - w * z);
  R[2] = T(2) * (x * z + w * y);
  R[3] = T(2) * (x * y + w * z);
  R[4] = T(1) - T(2) * (x * x + z * z);
  R[5] = T(2) * (y * z - w * x);
  R[6] = T(2) * (x * z - w * y);
  R[7] = T(2) * (y * z + w * x);
  R[8] = T(1) - T(2) * (x * x + y * y);
}

// VJP of quat_to_rotmat composed with quat_normalize: v_R (row-major 3x3) -> v_q_raw (accumulated).
template <class T>
SPATIAL_HD void quat_to_rotmat_vjp(const T* q_raw, const T* v_R, T* v_q_raw) {
  T q[4];
  T n = quat_normalize(q_raw, q);
  T w = q[0], x = q[1], y = q[2], z = q[3];
  T g[4];
  g[0] = T(2) * (-z * v_R[1] + y * v_R[2] + z * v_R[3] - x * v_R[5] - y * v_R[6] + x * v_R[7]);
  g[1] = T(2) * (y * v_R[1] + z * v_R[2] + y * v_R[3] - T(2) * x * v_R[4] - w * v_R[5] + z * v_R[6] + w * v_R[7] - T(2) * x * v_R[8]);
  g[2] = T(2) * (-T(2) * y * v_R[0] + x * v_R[1] + w * v_R[2] + x * v_R[3] + z * v_R[5] - w * v_R[6] + z * v_R[7] - T(2) * y * v_R[8]);
  g[3] = T(2) * (-T(2) * z * v_R[0] - w * v_R[1] + x * v_R[2] + w * v_R[3] - T(2) * z * v_R[4] + y * v_R[5] + x * v_R[6] + y * v_R[7]);
  // through the normalization q = q_raw / max(|q_raw|, eps)
  if (n > T(1e-12)) {
    T dot = q[0] * g[0] + q[1] * g[1] + q[2] * g[2] + q[3] * g[3];
    T inv = T(1) / n;
    for (int i = 0; i < 4; ++i) v_q_raw[i] += (g[i] - q[i] * dot) * inv;
  } else {
    for (int i = 0; i < 4; ++i) v_q_raw[i] += g[i] * T(1e12);
  }
}

// Sigma = M M^T with M = R diag(s). Output row-major 3x3 (symmetric).
template <class T>
SPATIAL_HD void quat_scale_to_covar(const T* q_raw, const T* s, T* covar) {
  T q[4], R[9], M[9];
  quat_normalize(q_raw, q);
  quat_to_rotmat(q, R);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) M[i * 3 + j] = R[i * 3 + j] * s[j];
  mat3_mul_bt(M, M, covar);
}

// VJP: v_covar (full 3x3; entries (i,j) and (j,i) are separate inputs) -> v_q_raw, v_s (accumulated).
template <class T>
SPATIAL_HD void quat_scale_to_covar_vjp(const T* q_raw, const T* s, const T* v_covar, T* v_q_raw, T* v_s) {
  T q[4], R[9], M[9];
  quat_normalize(q_raw, q);
  quat_to_rotmat(q, R);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) M[i * 3 + j] = R[i * 3 + j] * s[j];
  // v_M = (V + V^T) M
  T Vs[9], v_M[9];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) Vs[i * 3 + j] = v_covar[i * 3 + j] + v_covar[j * 3 + i];
  mat3_mul(Vs, M, v_M);
  T v_R[9];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) v_R[i * 3 + j] = v_M[i * 3 + j] * s[j];
  for (int j = 0; j < 3; ++j) v_s[j] += R[0 * 3 + j] * v_M[0 * 3 + j] + R[1 * 3 + j] * v_M[1 * 3 + j] + R[2 * 3 + j] * v_M[2 * 3 + j];
  quat_to_rotmat_vjp(q_raw, v_R, v_q_raw);
}

}  // namespace spatial
