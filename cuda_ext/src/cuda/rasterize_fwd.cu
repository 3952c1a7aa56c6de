// Stage 4 (CUDA): front-to-back blending, one 16x16 thread block per tile, one thread per pixel.
// Splats are staged in shared memory in batches of 256 (as in gsplat); the loading thread also
// evaluates, in double, the row-form terms (xc, srow) of its splat for the tile's 16 rows, so the
// per-pixel work is the same float expression as the CPU's (spatial/blend.h).
#include "common.cuh"

namespace spatial::cuda {

constexpr int kBatch = kTilePixels;
constexpr int kMaxChannels = 32;  // colour channels supported by the generic (DT = 0) kernels

template <int DT>
__global__ void __launch_bounds__(kTilePixels) rasterize_fwd_kernel(const DeviceConfig cfg, const GpuSplat* splats, const float* cz, const int64_t* ranges, const int32_t* ids,
                                   const float* backgrounds, float* rgb, float* alpha_out, float* depth_out, float* T_final, float* wsum_out,
                                   float* depth_acc, int32_t* last_out) {
  __shared__ int32_t s_id[kBatch];
  __shared__ float s_ha[kBatch], s_op[kBatch];
  __shared__ int4 s_box[kBatch];
  __shared__ float4 s_cz[kBatch];
  __shared__ float2 s_row[kBatch][kTileSize];

  const int D = DT > 0 ? DT : cfg.D;
  const int c = blockIdx.z;
  const int tx0 = blockIdx.x * kTileSize, ty0 = blockIdx.y * kTileSize;
  const int lx = threadIdx.x, ly = threadIdx.y, tr = ly * kTileSize + lx;
  const int j = tx0 + lx, i = ty0 + ly;
  const bool inside = i < cfg.height && j < cfg.width;
  const int64_t tile = ((int64_t)c << cfg.tile_bits) | (int64_t)(blockIdx.y * cfg.tiles_x + blockIdx.x);
  const int64_t start = ranges[2 * tile], end = ranges[2 * tile + 1];
  const float px = (float)lx + 0.5f;  // pixel centre relative to the tile's x origin

  float T = 1.f, acc[(DT > 0 ? DT : kMaxChannels) + 2];
  for (int ch = 0; ch < D + 2; ++ch) acc[ch] = 0.f;
  int32_t cur = -1;
  bool done = !inside;
  for (int64_t b0 = start; b0 < end; b0 += kBatch) {
    if (__syncthreads_count(done) >= kBatch) break;
    const int64_t k_load = b0 + tr;
    if (k_load < end) {
      const int32_t f = ids[k_load];
      const GpuSplat s = splats[f];
      s_id[tr] = f;
      s_ha[tr] = s.ha;
      s_op[tr] = s.op;
      s_box[tr] = make_int4(s.x0, s.x1, s.y0, s.y1);
      if (DT > 0) {
        const float* z = cz + (int64_t)f * (D + 1);
        s_cz[tr] = make_float4(z[0], DT > 1 ? z[1] : 0.f, DT > 2 ? z[2] : 0.f, z[D]);
      }
      const SplatForm form = s.form();
      for (int r = 0; r < kTileSize; ++r) {
        SplatRow row;
        splat_row(form, (double)(ty0 + r) + 0.5, (double)tx0, row);
        s_row[tr][r] = make_float2(row.xc, row.srow);
      }
    }
    __syncthreads();
    const int n_batch = (int)min((int64_t)kBatch, end - b0);
    for (int t = 0; t < n_batch && !done; ++t) {
      const int4 box = s_box[t];
      if (j < box.x || j > box.y || i < box.z || i > box.w) continue;  // outside: alpha < 1/255 anyway
      const float2 rw = s_row[t][ly];
      const float sigma = pixel_sigma(s_ha[t], rw.y, px - rw.x);
      const float alpha = splat_alpha(s_op[t], exp_f(-sigma));
      if (splat_skipped(sigma, alpha)) continue;
      float w;
      if (blend_step(alpha, T, w)) {
        done = true;
        break;
      }
      if (DT > 0) {
        const float4 v = s_cz[t];
        acc[0] += w * v.x;
        if (DT > 1) acc[1] += w * v.y;
        if (DT > 2) acc[2] += w * v.z;
        acc[D] += w * v.w;
      } else {
        const float* z = cz + (int64_t)s_id[t] * (D + 1);
        for (int ch = 0; ch <= D; ++ch) acc[ch] += w * z[ch];
      }
      acc[D + 1] += w;
      cur = (int32_t)(b0 + t);
    }
    __syncthreads();
  }
  if (!inside) return;
  const int64_t pix = (int64_t)c * cfg.height * cfg.width + (int64_t)i * cfg.width + j;
  const float* bg = backgrounds ? backgrounds + (int64_t)c * D : nullptr;
  for (int ch = 0; ch < D; ++ch) rgb[pix * D + ch] = acc[ch] + (bg ? T * bg[ch] : 0.f);
  alpha_out[pix] = 1.f - T;
  depth_out[pix] = acc[D] / max_f(acc[D + 1], 1e-10f);
  T_final[pix] = T;
  wsum_out[pix] = acc[D + 1];
  depth_acc[pix] = acc[D];
  last_out[pix] = cur;
}

void launch_rasterize_fwd(const DeviceConfig& cfg, cudaStream_t stream, const GpuSplat* splats, const float* cz, const int64_t* ranges, const int32_t* ids,
                          const float* backgrounds, float* rgb, float* alpha, float* depth, float* T_final, float* wsum, float* depth_acc, int32_t* last) {
  const dim3 grid(cfg.tiles_x, cfg.tiles_y, cfg.C), block(kTileSize, kTileSize);
  switch (cfg.D) {
    case 1: rasterize_fwd_kernel<1><<<grid, block, 0, stream>>>(cfg, splats, cz, ranges, ids, backgrounds, rgb, alpha, depth, T_final, wsum, depth_acc, last); break;
    case 2: rasterize_fwd_kernel<2><<<grid, block, 0, stream>>>(cfg, splats, cz, ranges, ids, backgrounds, rgb, alpha, depth, T_final, wsum, depth_acc, last); break;
    case 3: rasterize_fwd_kernel<3><<<grid, block, 0, stream>>>(cfg, splats, cz, ranges, ids, backgrounds, rgb, alpha, depth, T_final, wsum, depth_acc, last); break;
    default: rasterize_fwd_kernel<0><<<grid, block, 0, stream>>>(cfg, splats, cz, ranges, ids, backgrounds, rgb, alpha, depth, T_final, wsum, depth_acc, last); break;
  }
  SPATIAL_CUDA_CHECK(cudaGetLastError());
}

}  // namespace spatial::cuda
