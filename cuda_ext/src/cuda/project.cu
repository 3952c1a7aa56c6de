// Stage 1+2 (CUDA): projection, colour and tile counts per (camera, splat); and their VJP.
#include "common.cuh"
#include "spatial/tiles.h"

namespace spatial::cuda {

__global__ void project_fwd_kernel(DeviceConfig cfg, const CameraParams<double>* cams, const float* means, const float* quats, const float* scales,
                                   const float* opacities, const float* colors, int32_t* radii, float* means2d, float* depths, float* conics,
                                   float* opac_out, float* compensation, GpuSplat* splats, float* cz, int32_t* tiles_per_splat) {
  const int64_t f = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (f >= (int64_t)cfg.C * cfg.N) return;
  const int c = (int)(f / cfg.N);
  const int64_t n = f % cfg.N;
  const CameraParams<double>& cam = cams[c];
  ProjectedSplat<double> p;
  project_splat<double>(means + n * 3, quats + n * 4, scales + n * 3, cam, (double)cfg.near_plane, (double)cfg.far_plane, (double)cfg.eps2d, p);
  radii[f * 2 + 0] = p.radius[0];
  radii[f * 2 + 1] = p.radius[1];
  means2d[f * 2 + 0] = (float)p.mean2d[0];
  means2d[f * 2 + 1] = (float)p.mean2d[1];
  depths[f] = (float)p.depth;
  conics[f * 3 + 0] = (float)p.conic[0];
  conics[f * 3 + 1] = (float)p.conic[1];
  conics[f * 3 + 2] = (float)p.conic[2];
  const float op = (float)((double)opacities[n] * (cfg.antialiased ? p.compensation : 1.0));
  opac_out[f] = op;
  compensation[f] = (float)p.compensation;

  GpuSplat s;
  s.op = op;
  s.mx = s.my = s.r = 0.0;
  s.iyy = s.ha = 0.f;
  s.x0 = s.y0 = 0;
  s.x1 = s.y1 = -1;
  SplatForm form;
  float* czf = cz + f * (cfg.D + 1);
  czf[cfg.D] = (float)p.depth;
  if (splat_pixel_box(p, op, cfg.width, cfg.height, form, &s.scut, &s.x0, &s.x1, &s.y0, &s.y1)) {
    s.mx = form.mx;
    s.my = form.my;
    s.r = form.r;
    s.iyy = form.iyy;
    s.ha = form.ha;
  } else {
    s.x0 = s.y0 = 0;
    s.x1 = s.y1 = -1;
  }
  if (s.x0 <= s.x1) {
    if (cfg.sh_degree >= 0) {
      float dir[3];
      for (int i = 0; i < 3; ++i) dir[i] = (float)((double)means[n * 3 + i] - cam.campos[i]);
      sh_color(cfg.sh_degree, dir, colors + n * cfg.K * 3, czf);
    } else {
      for (int ch = 0; ch < cfg.D; ++ch) czf[ch] = colors[n * cfg.D + ch];
    }
  } else {
    for (int ch = 0; ch < cfg.D; ++ch) czf[ch] = 0.f;
  }
  splats[f] = s;
  tiles_per_splat[f] = for_each_tile(s, cfg, [](int) {});
}

// One thread per splat; loops over cameras, so the per-splat sums need no atomics. Viewmat gradients
// are reduced per block in shared memory, then one atomicAdd per block and entry.
__global__ void project_bwd_kernel(DeviceConfig cfg, const CameraParams<double>* cams, const float* means, const float* quats, const float* scales,
                                   const float* opacities, const float* colors, const float* compensation, const float* G, float* v_means,
                                   float* v_quats, float* v_scales, float* v_opacities, float* v_colors, float* v_viewmats, float* v_means2d,
                                   bool block_reduce) {
  extern __shared__ float vm_shared[];  // [C * 16] when block_reduce
  float* vm_sum = block_reduce ? vm_shared : v_viewmats;
  if (block_reduce)
    for (int i = threadIdx.x; i < cfg.C * 16; i += blockDim.x) vm_shared[i] = 0.f;
  __syncthreads();
  const int64_t n = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  const int NG = 7 + cfg.D;
  if (n < cfg.N) {
    double v_mean[3] = {0, 0, 0}, v_quat[4] = {0, 0, 0, 0}, v_scale[3] = {0, 0, 0}, v_op = 0.0;
    const int color_row = cfg.sh_degree >= 0 ? cfg.K * 3 : cfg.D;
    float* v_col_row = v_colors + n * color_row;
    for (int i = 0; i < color_row; ++i) v_col_row[i] = 0.f;
    for (int c = 0; c < cfg.C; ++c) {
      const int64_t f = (int64_t)c * cfg.N + n;
      const float* g = G + f * NG;
      v_means2d[f * 2 + 0] = g[0];
      v_means2d[f * 2 + 1] = g[1];
      bool any = false;
      for (int i = 0; i < NG; ++i) any |= g[i] != 0.f;
      if (!any) continue;
      const CameraParams<double>& cam = cams[c];
      double vm[16];
      for (int i = 0; i < 16; ++i) vm[i] = 0.0;
      if (cfg.sh_degree >= 0) {
        float dir[3], v_dir[3] = {0.f, 0.f, 0.f};
        for (int i = 0; i < 3; ++i) dir[i] = (float)((double)means[n * 3 + i] - cam.campos[i]);
        sh_color_vjp(cfg.sh_degree, dir, colors + n * cfg.K * 3, g + 7, v_col_row, v_dir);
        double v_campos[3];
        for (int i = 0; i < 3; ++i) {
          v_mean[i] += v_dir[i];
          v_campos[i] = -(double)v_dir[i];
        }
        campos_vjp(cam, v_campos, vm);
      } else {
        for (int ch = 0; ch < cfg.D; ++ch) v_col_row[ch] += g[7 + ch];
      }
      double v_comp = 0.0;
      if (cfg.antialiased) {
        v_op += (double)g[5] * compensation[f];
        v_comp = (double)g[5] * opacities[n];
      } else {
        v_op += g[5];
      }
      const double v_mean2d[2] = {g[0], g[1]};
      const double v_conic[3] = {g[2], g[3], g[4]};
      project_splat_vjp<double>(means + n * 3, quats + n * 4, scales + n * 3, cam, (double)cfg.eps2d, v_mean2d, (double)g[6], v_conic, v_comp,
                                v_mean, v_quat, v_scale, vm);
      for (int i = 0; i < 16; ++i)
        if (vm[i] != 0.0) atomicAdd(&vm_sum[c * 16 + i], (float)vm[i]);
    }
    for (int i = 0; i < 3; ++i) v_means[n * 3 + i] = (float)v_mean[i];
    for (int i = 0; i < 4; ++i) v_quats[n * 4 + i] = (float)v_quat[i];
    for (int i = 0; i < 3; ++i) v_scales[n * 3 + i] = (float)v_scale[i];
    v_opacities[n] = (float)v_op;
  }
  __syncthreads();
  if (block_reduce)
    for (int i = threadIdx.x; i < cfg.C * 16; i += blockDim.x)
      if (vm_shared[i] != 0.f) atomicAdd(&v_viewmats[i], vm_shared[i]);
}

void launch_project_fwd(const DeviceConfig& cfg, cudaStream_t stream, const CameraParams<double>* cams, const float* means, const float* quats,
                        const float* scales, const float* opacities, const float* colors, int32_t* radii, float* means2d, float* depths, float* conics,
                        float* opac_out, float* compensation, GpuSplat* splats, float* cz, int32_t* tiles_per_splat) {
  const int64_t n = (int64_t)cfg.C * cfg.N;
  if (n == 0) return;
  project_fwd_kernel<<<blocks_for(n, 128), 128, 0, stream>>>(cfg, cams, means, quats, scales, opacities, colors, radii, means2d, depths, conics, opac_out,
                                                             compensation, splats, cz, tiles_per_splat);
  SPATIAL_CUDA_CHECK(cudaGetLastError());
}

void launch_project_bwd(const DeviceConfig& cfg, cudaStream_t stream, const CameraParams<double>* cams, const float* means, const float* quats,
                        const float* scales, const float* opacities, const float* colors, const float* compensation, const float* G, float* v_means,
                        float* v_quats, float* v_scales, float* v_opacities, float* v_colors, float* v_viewmats, float* v_means2d) {
  if (cfg.N == 0) return;
  const bool block_reduce = cfg.C <= 512;  // C * 16 floats of shared memory per block
  project_bwd_kernel<<<blocks_for(cfg.N, 128), 128, block_reduce ? sizeof(float) * cfg.C * 16 : 0, stream>>>(
      cfg, cams, means, quats, scales, opacities, colors, compensation, G, v_means, v_quats, v_scales, v_opacities, v_colors, v_viewmats, v_means2d,
      block_reduce);
  SPATIAL_CUDA_CHECK(cudaGetLastError());
}

}  // namespace spatial::cuda
