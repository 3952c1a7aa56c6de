// Stage 5 (CUDA): backward of the blending, one 16x16 thread block per tile, back to front from the
// last splat any pixel of the tile blended. T is recovered by dividing by (1 - alpha) from the float
// T_final of the forward pass; per-pixel gradients go through the same header VJP as on the CPU, are
// summed per warp and added to the per-(camera, splat) rows of G with one atomicAdd per warp.
#include "common.cuh"

namespace spatial::cuda {

constexpr int kBwdBatch = 128;     // splats staged per round (4 row terms per splat and row in shared memory)
constexpr int kMaxChannels = 32;   // colour channels supported by the generic (DT = 0) kernel

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  return v;
}

template <int DT>
__global__ void __launch_bounds__(kTilePixels) rasterize_bwd_kernel(const DeviceConfig cfg, const GpuSplat* splats, const float* cz, const int64_t* ranges,
                                                                    const int32_t* ids, const float* backgrounds, const float* T_final,
                                                                    const float* wsum, const float* depth_acc, const int32_t* last, const float* v_rgb,
                                                                    const float* v_alpha, const float* v_depth, float* G, float* v_bg) {
  __shared__ int32_t s_id[kBwdBatch];
  __shared__ float s_ha[kBwdBatch], s_op[kBwdBatch], s_r[kBwdBatch], s_iyy[kBwdBatch];
  __shared__ int4 s_box[kBwdBatch];
  __shared__ float4 s_cz[kBwdBatch];
  __shared__ float4 s_row[kBwdBatch][kTileSize];  // xc, srow, r v, v
  __shared__ int s_last_max;

  const int D = DT > 0 ? DT : cfg.D;
  const int NG = 7 + D;
  const int c = blockIdx.z;
  const int tx0 = blockIdx.x * kTileSize, ty0 = blockIdx.y * kTileSize;
  const int lx = threadIdx.x, ly = threadIdx.y, tr = ly * kTileSize + lx;
  const int j = tx0 + lx, i = ty0 + ly;
  const bool inside = i < cfg.height && j < cfg.width;
  const int64_t tile = ((int64_t)c << cfg.tile_bits) | (int64_t)(blockIdx.y * cfg.tiles_x + blockIdx.x);
  const int64_t start = ranges[2 * tile], end = ranges[2 * tile + 1];
  const float px = (float)lx + 0.5f;
  const int64_t pix = (int64_t)c * cfg.height * cfg.width + (int64_t)(inside ? i : 0) * cfg.width + (inside ? j : 0);
  const float* bg = backgrounds ? backgrounds + (int64_t)c * D : nullptr;

  float vr[DT > 0 ? DT : kMaxChannels], buf[(DT > 0 ? DT : kMaxChannels) + 1];
  float T = 1.f, Tf = 1.f, vD = 0.f, q = 0.f;
  int32_t bin_final = -1;
  for (int ch = 0; ch < D; ++ch) vr[ch] = 0.f;
  for (int ch = 0; ch <= D; ++ch) buf[ch] = 0.f;
  if (inside) {
    T = Tf = T_final[pix];
    bin_final = last[pix];
    float bg_dot = 0.f;
    for (int ch = 0; ch < D; ++ch) {
      vr[ch] = v_rgb[pix * D + ch];
      if (bg) bg_dot += bg[ch] * vr[ch];
    }
    const float a = wsum[pix], ac = max_f(a, 1e-10f), v_ed = v_depth[pix];
    vD = v_ed / ac;
    q = v_alpha[pix] - (a >= 1e-10f ? v_ed * depth_acc[pix] / (ac * ac) : 0.f) - bg_dot;
  }
  // background gradient: d out / d bg = T_final
  if (bg) {
    for (int ch = 0; ch < D; ++ch) {
      const float s = warp_sum(inside ? Tf * vr[ch] : 0.f);
      if ((tr & 31) == 0 && s != 0.f) atomicAdd(&v_bg[(int64_t)c * D + ch], s);
    }
  }
  if (tr == 0) s_last_max = -1;
  __syncthreads();
  if (bin_final >= 0) atomicMax(&s_last_max, bin_final);
  __syncthreads();
  const int64_t stop = min(end, (int64_t)s_last_max + 1);

  for (int64_t b_end = stop; b_end > start; b_end -= kBwdBatch) {
    __syncthreads();
    const int64_t b_start = max(start, b_end - kBwdBatch);
    const int n_batch = (int)(b_end - b_start);
    if (tr < n_batch) {
      const int64_t k = b_end - 1 - tr;  // slot 0 is the furthest back
      const int32_t f = ids[k];
      const GpuSplat s = splats[f];
      s_id[tr] = f;
      s_ha[tr] = s.ha;
      s_op[tr] = s.op;
      s_r[tr] = (float)s.r;
      s_iyy[tr] = s.iyy;
      s_box[tr] = make_int4(s.x0, s.x1, s.y0, s.y1);
      if (DT > 0) {
        const float* z = cz + (int64_t)f * (D + 1);
        s_cz[tr] = make_float4(z[0], DT > 1 ? z[1] : 0.f, DT > 2 ? z[2] : 0.f, z[D]);
      }
      const SplatForm form = s.form();
      for (int r = 0; r < kTileSize; ++r) {
        SplatRow row;
        splat_row(form, (double)(ty0 + r) + 0.5, (double)tx0, row);
        s_row[tr][r] = make_float4(row.xc, row.srow, row.ru, row.v);
      }
    }
    __syncthreads();
    for (int t = 0; t < n_batch; ++t) {
      const int64_t k = b_end - 1 - t;
      const int4 box = s_box[t];
      bool valid = inside && k <= (int64_t)bin_final && j >= box.x && j <= box.y && i >= box.z && i <= box.w;
      AlphaGrad g = {0.f, 0.f, 0.f, 0.f, 0.f, 0.f};
      float fac = 0.f, g_z = 0.f;
      const float* zc = DT > 0 ? nullptr : cz + (int64_t)s_id[t] * (D + 1);
      if (valid) {
        const float4 rw = s_row[t][ly];
        const float tt = px - rw.x;
        const float sigma = pixel_sigma(s_ha[t], rw.y, tt);
        const float vis = exp_f(-sigma);
        const float alpha = splat_alpha(s_op[t], vis);
        valid = !splat_skipped(sigma, alpha);
        if (valid) {
          const float ra = 1.f / (1.f - alpha);
          T *= ra;
          fac = alpha * T;
          float cols[DT > 0 ? DT + 1 : 1];
          if (DT > 0) {
            const float4 v = s_cz[t];
            cols[0] = v.x;
            if (DT > 1) cols[1] = v.y;
            if (DT > 2) cols[2] = v.z;
            cols[DT > 0 ? DT : 0] = v.w;
          }
          float v_al = 0.f;
          for (int ch = 0; ch < D; ++ch) v_al += ((DT > 0 ? cols[DT > 0 ? ch : 0] : zc[ch]) * T - buf[ch] * ra) * vr[ch];
          const float z = DT > 0 ? cols[DT > 0 ? DT : 0] : zc[D];
          v_al += (z * T - buf[D] * ra) * vD;
          v_al += Tf * ra * q;
          splat_alpha_vjp(s_ha[t], s_r[t], s_iyy[t], tt, tt + rw.z, rw.w, s_op[t], vis, v_al, g);
          g_z = fac * vD;
          for (int ch = 0; ch < D; ++ch) buf[ch] += (DT > 0 ? cols[DT > 0 ? ch : 0] : zc[ch]) * fac;
          buf[D] += z * fac;
        }
      }
      if (!__any_sync(0xffffffffu, valid)) continue;
      float* Gf = G + (int64_t)s_id[t] * NG;
      const float comps[7] = {g.v_mx, g.v_my, g.v_a, g.v_b, g.v_c, g.v_opacity, g_z};
      const bool lane0 = (tr & 31) == 0;
      for (int m = 0; m < 7; ++m) {
        const float s = warp_sum(comps[m]);
        if (lane0 && s != 0.f) atomicAdd(&Gf[m], s);
      }
      for (int ch = 0; ch < D; ++ch) {
        const float s = warp_sum(fac * vr[ch]);
        if (lane0 && s != 0.f) atomicAdd(&Gf[7 + ch], s);
      }
    }
  }
}

void launch_rasterize_bwd(const DeviceConfig& cfg, cudaStream_t stream, const GpuSplat* splats, const float* cz, const int64_t* ranges, const int32_t* ids,
                          const float* backgrounds, const float* T_final, const float* wsum, const float* depth_acc, const int32_t* last,
                          const float* v_rgb, const float* v_alpha, const float* v_depth, float* G, float* v_bg) {
  const dim3 grid(cfg.tiles_x, cfg.tiles_y, cfg.C), block(kTileSize, kTileSize);
#define SPATIAL_BWD_ARGS cfg, splats, cz, ranges, ids, backgrounds, T_final, wsum, depth_acc, last, v_rgb, v_alpha, v_depth, G, v_bg
  switch (cfg.D) {
    case 1: rasterize_bwd_kernel<1><<<grid, block, 0, stream>>>(SPATIAL_BWD_ARGS); break;
    case 2: rasterize_bwd_kernel<2><<<grid, block, 0, stream>>>(SPATIAL_BWD_ARGS); break;
    case 3: rasterize_bwd_kernel<3><<<grid, block, 0, stream>>>(SPATIAL_BWD_ARGS); break;
    default: rasterize_bwd_kernel<0><<<grid, block, 0, stream>>>(SPATIAL_BWD_ARGS); break;
  }
#undef SPATIAL_BWD_ARGS
  SPATIAL_CUDA_CHECK(cudaGetLastError());
}

}  // namespace spatial::cuda
