// EWA projection of 3D Gaussians to pinhole images, following gsplat 1.5.3's PyTorch reference
// (`_fully_fused_projection` + `_persp_proj`): world->camera, J Sigma J^T with the Jacobian evaluated at
// x/z, y/z clamped to the image plus 0.3 tan(fov), eps2d low-pass, antialias compensation
// sqrt(det Sigma / det(Sigma + eps2d I)), conic = upper triangle of the inverse, radii = ceil(3.33 sigma)
// per axis, near/far cull (near < z < far) and the off-screen cull. Plus the VJP of all of it.
//
// Templated on the working precision T. Both backends instantiate T = double: the per-splat cost is
// negligible next to the per-pixel work, and a thin needle's 2D covariance loses most of its digits to
// cancellation in float32 (det = a c - b^2 of nearly parallel rows).
#pragma once
#include "common.h"
#include "covariance.h"

namespace spatial {

template <class T>
struct CameraParams {
  T R[9];       // world -> camera rotation block of viewmat (row-major)
  T t[3];       // world -> camera translation
  T K[9];       // pixel intrinsics (row-major)
  T Rinv[9];    // R^-1 (for the camera centre and its VJP)
  T campos[3];  // camera centre in world coordinates: translation of inverse(viewmat)
  T lim[4];     // Jacobian clamp limits x/z in [-lim[0], lim[1]], y/z in [-lim[2], lim[3]] (persp_limits)
  int width, height;
};

// viewmat: 4x4 row-major world-to-camera (OpenCV axes) with bottom row (0, 0, 0, 1); K: 3x3 row-major.
template <class T>
SPATIAL_HD void camera_setup(const float* viewmat, const float* K, int width, int height, CameraParams<T>& cam) {
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) cam.R[i * 3 + j] = (T)viewmat[i * 4 + j];
    cam.t[i] = (T)viewmat[i * 4 + 3];
  }
  for (int i = 0; i < 9; ++i) cam.K[i] = (T)K[i];
  if (mat3_inverse(cam.R, cam.Rinv) == T(0))
    for (int i = 0; i < 9; ++i) cam.Rinv[i] = T(0);
  T c[3];
  mat3_vec(cam.Rinv, cam.t, c);
  for (int i = 0; i < 3; ++i) cam.campos[i] = -c[i];
  cam.width = width;
  cam.height = height;
  T fx = cam.K[0], fy = cam.K[4], cx = cam.K[2], cy = cam.K[5];
  T tan_fovx = T(0.5) * (T)width / fx;
  T tan_fovy = T(0.5) * (T)height / fy;
  cam.lim[0] = cx / fx + T(0.3) * tan_fovx;
  cam.lim[1] = ((T)width - cx) / fx + T(0.3) * tan_fovx;
  cam.lim[2] = cy / fy + T(0.3) * tan_fovy;
  cam.lim[3] = ((T)height - cy) / fy + T(0.3) * tan_fovy;
}

// VJP of the camera centre campos = translation of inverse(viewmat) -> v_viewmat (4x4, accumulated).
template <class T>
SPATIAL_HD void campos_vjp(const CameraParams<T>& cam, const T* v_c, T* v_viewmat) {
  T g[3];
  mat3_t_vec(cam.Rinv, v_c, g);  // Rinv^T v_c
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) v_viewmat[i * 4 + j] -= g[i] * cam.campos[j];
    v_viewmat[i * 4 + 3] -= g[i];
  }
  T d = v_c[0] * cam.campos[0] + v_c[1] * cam.campos[1] + v_c[2] * cam.campos[2];
  for (int j = 0; j < 3; ++j) v_viewmat[12 + j] -= d * cam.campos[j];
  v_viewmat[15] -= d;
}

// Clamp limits of the Jacobian evaluation point (tan of the half field of view, plus 30%), set up once per
// camera by camera_setup.
template <class T>
SPATIAL_HD void persp_limits(const CameraParams<T>& cam, T* lim_x_neg, T* lim_x_pos, T* lim_y_neg, T* lim_y_pos) {
  *lim_x_neg = cam.lim[0];
  *lim_x_pos = cam.lim[1];
  *lim_y_neg = cam.lim[2];
  *lim_y_pos = cam.lim[3];
}

// Perspective projection of a camera-space mean and covariance.
// cov2d = (xx, xy, yy) of J Sigma_c J^T (before eps2d).
template <class T>
SPATIAL_HD void persp_proj(const T* mc, const T* covc, const CameraParams<T>& cam, T* mean2d, T* cov2d) {
  T fx = cam.K[0], fy = cam.K[4];
  T lxn, lxp, lyn, lyp;
  persp_limits(cam, &lxn, &lxp, &lyn, &lyp);
  T tz = mc[2];
  T iz = T(1) / tz;
  T cx = clamp_t(mc[0] * iz, -lxn, lxp);  // tx / tz of the reference, tx = tz * clamp(x / z)
  T cy = clamp_t(mc[1] * iz, -lyn, lyp);
  T J[6] = {fx * iz, T(0), -fx * cx * iz, T(0), fy * iz, -fy * cy * iz};
  T JS[6];  // J Sigma (2x3)
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) JS[i * 3 + j] = J[i * 3 + 0] * covc[0 * 3 + j] + J[i * 3 + 2] * covc[2 * 3 + j] + J[i * 3 + 1] * covc[1 * 3 + j];
  cov2d[0] = JS[0] * J[0] + JS[2] * J[2];
  cov2d[1] = JS[1] * J[4] + JS[2] * J[5];
  cov2d[2] = JS[4] * J[4] + JS[5] * J[5];
  const T* K = cam.K;
  mean2d[0] = (K[0] * mc[0] + K[1] * mc[1] + K[2] * mc[2]) * iz;
  mean2d[1] = (K[3] * mc[0] + K[4] * mc[1] + K[5] * mc[2]) * iz;
}

// VJP of persp_proj. v_cov2d is the full 2x2 (row-major) gradient; accumulates into v_mc, v_covc (3x3).
template <class T>
SPATIAL_HD void persp_proj_vjp(const T* mc, const T* covc, const CameraParams<T>& cam, const T* v_mean2d, const T* v_cov2d, T* v_mc, T* v_covc) {
  T fx = cam.K[0], fy = cam.K[4];
  T lxn, lxp, lyn, lyp;
  persp_limits(cam, &lxn, &lxp, &lyn, &lyp);
  T tz = mc[2];
  T iz = T(1) / tz;  // one division: the rest multiply by 1 / z, 1 / z^2, 1 / z^3
  T iz2 = iz * iz, iz3 = iz2 * iz;
  T rx = mc[0] * iz, ry = mc[1] * iz;
  bool clamp_x = rx < -lxn || rx > lxp;
  bool clamp_y = ry < -lyn || ry > lyp;
  T tx = tz * clamp_t(rx, -lxn, lxp);
  T ty = tz * clamp_t(ry, -lyn, lyp);
  T J[6] = {fx * iz, T(0), -fx * tx * iz2, T(0), fy * iz, -fy * ty * iz2};
  // v_Sigma_c = J^T V J
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      T acc = T(0);
      for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b) acc += J[a * 3 + i] * v_cov2d[a * 2 + b] * J[b * 3 + j];
      v_covc[i * 3 + j] += acc;
    }
  // v_J = (V + V^T) J Sigma_c
  T Vs[4] = {T(2) * v_cov2d[0], v_cov2d[1] + v_cov2d[2], v_cov2d[1] + v_cov2d[2], T(2) * v_cov2d[3]};
  T JS[6];
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) JS[i * 3 + j] = J[i * 3 + 0] * covc[0 * 3 + j] + J[i * 3 + 1] * covc[1 * 3 + j] + J[i * 3 + 2] * covc[2 * 3 + j];
  T vJ[6];
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) vJ[i * 3 + j] = Vs[i * 2 + 0] * JS[0 * 3 + j] + Vs[i * 2 + 1] * JS[1 * 3 + j];
  // J entries -> tx', ty', tz
  T v_tz = -fx * iz2 * vJ[0] - fy * iz2 * vJ[4] + T(2) * fx * tx * iz3 * vJ[2] + T(2) * fy * ty * iz3 * vJ[5];
  T v_tx = -fx * iz2 * vJ[2];
  T v_ty = -fy * iz2 * vJ[5];
  // tx' = tz * clamp(tx / tz): d/dtx = 1 (unclamped); d/dtz = the clamp value when clamped
  if (clamp_x) v_tz += clamp_t(rx, -lxn, lxp) * v_tx;
  else v_mc[0] += v_tx;
  if (clamp_y) v_tz += clamp_t(ry, -lyn, lyp) * v_ty;
  else v_mc[1] += v_ty;
  // mean2d = K[:2] mc / tz
  const T* K = cam.K;
  T u = (K[0] * mc[0] + K[1] * mc[1] + K[2] * mc[2]);
  T v = (K[3] * mc[0] + K[4] * mc[1] + K[5] * mc[2]);
  T gu = v_mean2d[0] * iz, gv = v_mean2d[1] * iz;
  v_mc[0] += K[0] * gu + K[3] * gv;
  v_mc[1] += K[1] * gu + K[4] * gv;
  v_mc[2] += K[2] * gu + K[5] * gv - (u * gu + v * gv) * iz + v_tz;
}

// eps2d low-pass, determinant, antialias compensation and conic. cov2d = (xx, xy, yy) before the blur.
// Returns the determinant used for the conic (the blurred one, clamped to >= 1e-10); *det_blur gets the
// unclamped one.
template <class T>
SPATIAL_HD T blur_conic(const T* cov2d, T eps2d, T* cov_blur, T* conic, T* compensation, T* det_blur) {
  T det_orig = cov2d[0] * cov2d[2] - cov2d[1] * cov2d[1];
  cov_blur[0] = cov2d[0] + eps2d;
  cov_blur[1] = cov2d[1];
  cov_blur[2] = cov2d[2] + eps2d;
  T det = cov_blur[0] * cov_blur[2] - cov_blur[1] * cov_blur[1];
  *det_blur = det;
  det = max_t(det, T(1e-10));
  T inv_det = T(1) / det;
  *compensation = sqrt_t(max_t(det_orig * inv_det, T(0)));
  conic[0] = cov_blur[2] * inv_det;
  conic[1] = -cov_blur[1] * inv_det;
  conic[2] = cov_blur[0] * inv_det;
  return det;
}

// VJP of blur_conic: (v_conic, v_compensation) -> full 2x2 gradient of the unblurred cov2d (accumulated).
template <class T>
SPATIAL_HD void blur_conic_vjp(const T* cov2d, T eps2d, const T* v_conic, T v_comp, T* v_cov2d) {
  T det_orig = cov2d[0] * cov2d[2] - cov2d[1] * cov2d[1];
  T b00 = cov2d[0] + eps2d, b01 = cov2d[1], b11 = cov2d[2] + eps2d;
  T det_raw = b00 * b11 - b01 * b01;
  bool det_clamped = det_raw < T(1e-10);
  T det = max_t(det_raw, T(1e-10));
  T idet = T(1) / det;
  T a = b11 * idet, b = -b01 * idet, c = b00 * idet;
  T g00 = v_conic[2] * idet, g11 = v_conic[0] * idet, g01 = -v_conic[1] * idet;  // g01: symmetric off-diagonal total
  T v_det = det_clamped ? T(0) : -(v_conic[0] * a + v_conic[1] * b + v_conic[2] * c) * idet;
  T ratio = det_orig * idet;
  if (v_comp != T(0) && ratio > T(0)) {
    T comp = sqrt_t(ratio);
    T v_ratio = v_comp * T(0.5) / comp;
    g00 += v_ratio * cov2d[2] * idet;
    g11 += v_ratio * cov2d[0] * idet;
    g01 += v_ratio * (T(-2) * cov2d[1]) * idet;
    if (!det_clamped) v_det += -v_ratio * ratio * idet;
  }
  g00 += v_det * b11;
  g11 += v_det * b00;
  g01 += v_det * (T(-2) * b01);
  v_cov2d[0] += g00;
  v_cov2d[1] += T(0.5) * g01;
  v_cov2d[2] += T(0.5) * g01;
  v_cov2d[3] += g11;
}

template <class T>
struct ProjectedSplat {
  T mean2d[2];
  T depth;        // camera-space z
  T conic[3];     // (a, b, c): sigma = 0.5 (a dx^2 + c dy^2) + b dx dy
  T cov_blur[3];  // blurred 2D covariance (xx, xy, yy)
  T det_blur;     // its determinant (unclamped)
  T det;          // the clamped determinant the conic was divided by
  T compensation;
  int radius[2];  // 0, 0 when culled
};

// Full projection of one splat into one camera (gsplat 1.5.3 `_fully_fused_projection`, pinhole).
template <class T>
SPATIAL_HD void project_splat(const float* mean_f, const float* quat_f, const float* scale_f, const CameraParams<T>& cam, T near_plane, T far_plane,
                              T eps2d, ProjectedSplat<T>& out) {
  T mean[3] = {(T)mean_f[0], (T)mean_f[1], (T)mean_f[2]};
  T quat[4] = {(T)quat_f[0], (T)quat_f[1], (T)quat_f[2], (T)quat_f[3]};
  T scale[3] = {(T)scale_f[0], (T)scale_f[1], (T)scale_f[2]};
  T q[4], Rq[9], M[9], RM[9], mc[3], covc[9], cov2d[3];
  // Sigma_c = W R(q) S S^T R(q)^T W^T = (W M) (W M)^T with M = R(q) diag(s)
  quat_normalize(quat, q);
  quat_to_rotmat(q, Rq);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) M[i * 3 + j] = Rq[i * 3 + j] * scale[j];
  mat3_mul(cam.R, M, RM);
  mat3_mul_bt(RM, RM, covc);
  mat3_vec(cam.R, mean, mc);
  for (int i = 0; i < 3; ++i) mc[i] += cam.t[i];
  persp_proj(mc, covc, cam, out.mean2d, cov2d);
  out.det = blur_conic(cov2d, eps2d, out.cov_blur, out.conic, &out.compensation, &out.det_blur);
  out.depth = mc[2];
  T rx = ceil_t(T(kExtentSigmas) * sqrt_t(out.cov_blur[0]));
  T ry = ceil_t(T(kExtentSigmas) * sqrt_t(out.cov_blur[2]));
  bool valid = (out.det > T(0)) && (mc[2] > near_plane) && (mc[2] < far_plane);
  if (!valid) rx = ry = T(0);
  bool inside = (out.mean2d[0] + rx > T(0)) && (out.mean2d[0] - rx < (T)cam.width) && (out.mean2d[1] + ry > T(0)) &&
                (out.mean2d[1] - ry < (T)cam.height);
  if (!inside) rx = ry = T(0);
  // radii of NaN covariances are culled too (int conversion of NaN is undefined)
  out.radius[0] = (rx == rx && ry == ry) ? (int)min_t(rx, T(1 << 30)) : 0;
  out.radius[1] = (rx == rx && ry == ry) ? (int)min_t(ry, T(1 << 30)) : 0;
}

// VJP of project_splat for a visible splat. Upstream: v_mean2d[2], v_depth, v_conic[3], v_comp.
// Accumulates v_mean[3], v_quat[4], v_scale[3], v_viewmat[16] (rows 0..2 only).
template <class T>
SPATIAL_HD void project_splat_vjp(const float* mean_f, const float* quat_f, const float* scale_f, const CameraParams<T>& cam, T eps2d, const T* v_mean2d,
                                  T v_depth, const T* v_conic, T v_comp, T* v_mean, T* v_quat, T* v_scale, T* v_viewmat) {
  T mean[3] = {(T)mean_f[0], (T)mean_f[1], (T)mean_f[2]};
  T quat[4] = {(T)quat_f[0], (T)quat_f[1], (T)quat_f[2], (T)quat_f[3]};
  T scale[3] = {(T)scale_f[0], (T)scale_f[1], (T)scale_f[2]};
  T covar[9], mc[3], RS[9], covc[9], cov2d[3], m2[2];
  quat_scale_to_covar(quat, scale, covar);
  mat3_vec(cam.R, mean, mc);
  for (int i = 0; i < 3; ++i) mc[i] += cam.t[i];
  mat3_mul(cam.R, covar, RS);
  mat3_mul_bt(RS, cam.R, covc);
  persp_proj(mc, covc, cam, m2, cov2d);

  T v_cov2d[4] = {T(0), T(0), T(0), T(0)};
  blur_conic_vjp(cov2d, eps2d, v_conic, v_comp, v_cov2d);
  T v_mc[3] = {T(0), T(0), v_depth};
  T v_covc[9] = {T(0), T(0), T(0), T(0), T(0), T(0), T(0), T(0), T(0)};
  persp_proj_vjp(mc, covc, cam, v_mean2d, v_cov2d, v_mc, v_covc);

  // mc = R mean + t
  T g[3];
  mat3_t_vec(cam.R, v_mc, g);
  for (int i = 0; i < 3; ++i) v_mean[i] += g[i];
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) v_viewmat[i * 4 + j] += v_mc[i] * mean[j];
    v_viewmat[i * 4 + 3] += v_mc[i];
  }
  // covc = R covar R^T: v_covar = R^T V R ; v_R += (V + V^T) R covar
  T tmp[9], v_covar[9], Vs[9], VR[9], vR[9];
  mat3_mul_at(cam.R, v_covc, tmp);
  mat3_mul(tmp, cam.R, v_covar);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) Vs[i * 3 + j] = v_covc[i * 3 + j] + v_covc[j * 3 + i];
  mat3_mul(Vs, cam.R, VR);
  mat3_mul(VR, covar, vR);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) v_viewmat[i * 4 + j] += vR[i * 3 + j];
  quat_scale_to_covar_vjp(quat, scale, v_covar, v_quat, v_scale);
}

}  // namespace spatial
