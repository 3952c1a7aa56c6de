// Stage 3 (CPU): tile binning with a per-tile depth order.
//
// One stable radix sort per camera on the float bits of camera z (gsplat's key; ties keep splat index
// order), then every splat, in that order, is appended to the lists of the tiles its culling ellipse
// touches. The append runs in parallel over chunks of the sorted order: a count pass, an ordered prefix
// over (tile, chunk), and a fill pass, so each tile list comes out in global depth order without any
// per-tile sort. The fill also records, for every (camera, splat), where its entries went (CSR), which
// the backward pass uses to gather per-tile gradients without atomics.
#include <algorithm>
#include <cstring>

#include "parallel.h"
#include "raster_cpu.h"
#include "spatial/blend.h"

namespace spatial::cpu {

namespace {

// Stable LSD radix sort of (key, value) pairs by key (3 passes of 11 bits).
void radix_sort_pairs(std::vector<uint32_t>& keys, std::vector<int32_t>& vals) {
  const size_t n = keys.size();
  if (n < 64) {
    std::vector<size_t> idx(n);
    for (size_t i = 0; i < n; ++i) idx[i] = i;
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    std::vector<uint32_t> k2(n);
    std::vector<int32_t> v2(n);
    for (size_t i = 0; i < n; ++i) {
      k2[i] = keys[idx[i]];
      v2[i] = vals[idx[i]];
    }
    keys.swap(k2);
    vals.swap(v2);
    return;
  }
  std::vector<uint32_t> k2(n);
  std::vector<int32_t> v2(n);
  const int shifts[3] = {0, 11, 22};
  for (int pass = 0; pass < 3; ++pass) {
    const int sh = shifts[pass];
    size_t hist[2048] = {0};
    for (size_t i = 0; i < n; ++i) ++hist[(keys[i] >> sh) & 2047u];
    bool one_bucket = false;
    for (int bkt = 0; bkt < 2048; ++bkt) one_bucket |= hist[bkt] == n;
    if (one_bucket) continue;  // this digit is the same for every key
    size_t run = 0;
    for (int bkt = 0; bkt < 2048; ++bkt) {
      size_t h = hist[bkt];
      hist[bkt] = run;
      run += h;
    }
    for (size_t i = 0; i < n; ++i) {
      size_t dst = hist[(keys[i] >> sh) & 2047u]++;
      k2[dst] = keys[i];
      v2[dst] = vals[i];
    }
    keys.swap(k2);
    vals.swap(v2);
  }
}

// Calls emit(tile index within the camera) for every tile whose pixels the splat may touch.
template <class F>
SPATIAL_ALWAYS_INLINE int for_each_tile(const RasterSplat& s, const RasterConfig& cfg, F&& emit) {
  if (s.x0 > s.x1) return 0;
  const int tx0 = s.x0 / kTileSize, tx1 = s.x1 / kTileSize, ty0 = s.y0 / kTileSize, ty1 = s.y1 / kTileSize;
  const bool test = tx1 > tx0 || ty1 > ty0;
  const SplatForm form = s.form();
  int count = 0;
  for (int ty = ty0; ty <= ty1; ++ty) {
    const double py0 = std::max(ty * kTileSize, (int)s.y0) + 0.5, py1 = std::min(ty * kTileSize + kTileSize - 1, (int)s.y1) + 0.5;
    for (int tx = tx0; tx <= tx1; ++tx) {
      if (test) {
        const double px0 = std::max(tx * kTileSize, (int)s.x0) + 0.5, px1 = std::min(tx * kTileSize + kTileSize - 1, (int)s.x1) + 0.5;
        if (!ellipse_hits_rect(form, s.scut, px0, px1, py0, py1)) continue;
      }
      emit(ty * cfg.tiles_x + tx);
      ++count;
    }
  }
  return count;
}

}  // namespace

void bin_tiles(CpuState& st) {
  const RasterConfig& cfg = st.cfg;
  const int C = cfg.C, N = cfg.N;
  const int64_t TT = cfg.tiles_per_image();

  // 1. visible splats of each camera, sorted by depth bits (stable)
  std::vector<std::vector<int32_t>> sorted(C);
  parallel_for(C, 1, [&](int64_t cb, int64_t ce, int) {
    for (int64_t c = cb; c < ce; ++c) {
      std::vector<uint32_t> keys;
      std::vector<int32_t> vals;
      for (int n = 0; n < N; ++n) {
        const RasterSplat& s = st.splats[c * N + n];
        if (s.x0 > s.x1) continue;
        keys.push_back(float_to_bits(st.cz(c * N + n)[cfg.D]));
        vals.push_back(n);
      }
      radix_sort_pairs(keys, vals);
      // splats whose float32 depths tie are ordered by their double depths (then by index), so the order
      // matches a sort on exact depths
      const double* z64 = st.depth64.data() + c * N;
      for (size_t i = 0; i < keys.size();) {
        size_t j = i + 1;
        while (j < keys.size() && keys[j] == keys[i]) ++j;
        if (j - i > 1) std::stable_sort(vals.begin() + i, vals.begin() + j, [&](int32_t a, int32_t b) { return z64[a] < z64[b]; });
        i = j;
      }
      sorted[c].swap(vals);
    }
  });
  std::vector<int64_t> order;  // flat ids, camera-major, depth order within a camera
  {
    size_t total = 0;
    for (auto& v : sorted) total += v.size();
    order.reserve(total);
    for (int c = 0; c < C; ++c)
      for (int32_t n : sorted[c]) order.push_back((int64_t)c * N + n);
  }
  const int64_t M = (int64_t)order.size();

  // 2. count per (chunk, tile)
  const int64_t P = std::max<int64_t>(1, std::min<int64_t>(64, M / 2048));
  const int64_t chunk = (M + P - 1) / P;
  const int64_t T_all = (int64_t)C * TT;
  std::vector<int64_t> counts((size_t)P * T_all, 0);
  std::vector<int32_t> per_splat(M, 0);
  parallel_for(P, 1, [&](int64_t pb, int64_t pe, int) {
    for (int64_t p = pb; p < pe; ++p) {
      int64_t* cnt = counts.data() + p * T_all;
      const int64_t end = std::min(M, (p + 1) * chunk);
      for (int64_t i = p * chunk; i < end; ++i) {
        if (i + 16 < end) __builtin_prefetch(&st.splats[order[i + 16]]);  // depth order reads splats at random
        const int64_t f = order[i];
        const int64_t base = (f / N) * TT;
        per_splat[i] = for_each_tile(st.splats[f], cfg, [&](int t) { ++cnt[base + t]; });
      }
    }
  });

  // 3. offsets: tile-major, chunk-minor
  st.tile_offsets.assign(T_all + 1, 0);
  int64_t run = 0;
  for (int64_t t = 0; t < T_all; ++t) {
    st.tile_offsets[t] = run;
    for (int64_t p = 0; p < P; ++p) {
      int64_t c = counts[p * T_all + t];
      counts[p * T_all + t] = run;
      run += c;
    }
  }
  st.tile_offsets[T_all] = run;
  st.n_isects = run;

  // CSR over flat (c, n)
  st.csr_offsets.assign((size_t)C * N + 1, 0);
  for (int64_t i = 0; i < M; ++i) st.csr_offsets[order[i] + 1] = per_splat[i];
  for (int64_t f = 0; f < (int64_t)C * N; ++f) st.csr_offsets[f + 1] += st.csr_offsets[f];

  // 4. fill
  st.isect_ids.resize(run);
  st.csr_pos.resize(run);
  parallel_for(P, 1, [&](int64_t pb, int64_t pe, int) {
    for (int64_t p = pb; p < pe; ++p) {
      int64_t* cur = counts.data() + p * T_all;
      const int64_t end = std::min(M, (p + 1) * chunk);
      for (int64_t i = p * chunk; i < end; ++i) {
        if (i + 16 < end) {
          __builtin_prefetch(&st.splats[order[i + 16]]);
          __builtin_prefetch(&st.csr_offsets[order[i + 16]]);
        }
        const int64_t f = order[i];
        const int64_t base = (f / N) * TT;
        int64_t slot = st.csr_offsets[f];
        for_each_tile(st.splats[f], cfg, [&](int t) {
          const int64_t k = cur[base + t]++;
          st.isect_ids[k] = (int32_t)f;
          st.csr_pos[slot++] = k;
        });
      }
    }
  });
}

}  // namespace spatial::cpu
