// Stage 3 (CPU): tile binning with a per-tile depth order.
//
// 1. Tiles of every visible splat, in parallel over fixed chunks of (camera, splat) order, sequential in
//    memory: per tile row of the splat's pixel box, the x interval of its culling ellipse
//    {sigma <= ln(255 o)} within that row band (spatial/blend.h EllipseBands) gives the tiles it can
//    touch (exact: a tile is listed iff it holds a pixel centre inside the ellipse and the box, up to tiny
//    widening margins). Their concatenation, in (camera, splat) order, is the CSR the backward pass
//    gathers through.
// 2. One stable LSD radix sort per camera of the splats that touch a tile, on the float bits of camera z
//    (gsplat's key; float ties are broken by the double depth, then by splat index).
// 3. A counting sort by tile in that depth order: every tile list comes out in depth order without a
//    per-tile sort. With several threads the depth order is cut into pieces with per-(piece, tile)
//    offsets, so the result does not depend on the thread count.
#include <algorithm>
#include <cstring>

#include "parallel.h"
#include "raster_cpu.h"
#include "simd.h"
#include "spatial/blend.h"

namespace spatial::cpu {

namespace {

// Stable LSD radix sort of (key, value) pairs by key: three 11-bit digits, histograms in one pass,
// digits that are equal for every key skipped.
void radix_sort_pairs(std::vector<uint32_t>& keys, std::vector<int32_t>& vals) {
  const size_t n = keys.size();
  if (n < 2) return;
  std::vector<uint32_t> k2(n);
  std::vector<int32_t> v2(n);
  std::vector<size_t> hist(3 * 2048, 0);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t k = keys[i];
    ++hist[k & 2047u];
    ++hist[2048 + ((k >> 11) & 2047u)];
    ++hist[4096 + (k >> 22)];
  }
  for (int pass = 0; pass < 3; ++pass) {
    size_t* h = hist.data() + pass * 2048;
    const int sh = 11 * pass;
    if (h[(keys[0] >> sh) & 2047u] == n) continue;  // this digit is the same for every key
    size_t run = 0;
    for (int bkt = 0; bkt < 2048; ++bkt) {
      const size_t c = h[bkt];
      h[bkt] = run;
      run += c;
    }
    for (size_t i = 0; i < n; ++i) {
      const size_t dst = h[(keys[i] >> sh) & 2047u]++;
      k2[dst] = keys[i];
      v2[dst] = vals[i];
    }
    keys.swap(k2);
    vals.swap(v2);
  }
}

}  // namespace
}  // namespace spatial::cpu

#define SPATIAL_ISA_FILE "binning_tiles.inc"
#include "isa_instantiate.inc"

namespace spatial::cpu {
namespace {
}  // namespace

void bin_tiles(CpuState& st) {
  const RasterConfig& cfg = st.cfg;
  const int C = cfg.C, N = cfg.N;
  const int64_t TT = cfg.tiles_per_image();
  const int64_t CN = (int64_t)C * N;
  const int64_t T_all = (int64_t)C * TT;

  // 1. tiles of each (camera, splat), per fixed chunk
  constexpr int64_t kChunk = 4096;
  const int64_t n_chunks = (CN + kChunk - 1) / kChunk;
  std::vector<std::vector<int32_t>> chunk_tiles(n_chunks);
  std::vector<int32_t> n_tiles_of(CN);
  parallel_for(n_chunks, 1, [&](int64_t cb, int64_t ce, int) {
    for (int64_t ch = cb; ch < ce; ++ch) {
      std::vector<int32_t>& buf = chunk_tiles[ch];
      buf.reserve(kChunk * 4);
      const int64_t f0 = ch * kChunk, f1 = std::min(CN, f0 + kChunk);
#if SPATIAL_CPU_DISPATCH
      if (cpu_has_v3()) {
        v3::enumerate_tiles(st, f0, f1, buf, n_tiles_of.data());
        continue;
      }
#endif
      base::enumerate_tiles(st, f0, f1, buf, n_tiles_of.data());
    }
  });
  st.csr_offsets.resize(CN + 1);
  st.csr_offsets[0] = 0;
  for (int64_t f = 0; f < CN; ++f) st.csr_offsets[f + 1] = st.csr_offsets[f] + n_tiles_of[f];
  const int64_t n_isects = st.csr_offsets[CN];
  st.n_isects = n_isects;
  std::vector<int32_t> splat_tiles(n_isects);  // global tile of each CSR entry
  parallel_for(n_chunks, 1, [&](int64_t cb, int64_t ce, int) {
    for (int64_t ch = cb; ch < ce; ++ch) {
      if (!chunk_tiles[ch].empty())
        std::memcpy(splat_tiles.data() + st.csr_offsets[ch * kChunk], chunk_tiles[ch].data(), sizeof(int32_t) * chunk_tiles[ch].size());
      std::vector<int32_t>().swap(chunk_tiles[ch]);
    }
  });

  // 2. per camera, the splats that touch a tile sorted by depth (stable)
  std::vector<std::vector<int32_t>> sorted(C);
  parallel_for(C, 1, [&](int64_t cb, int64_t ce, int) {
    for (int64_t c = cb; c < ce; ++c) {
      std::vector<uint32_t> keys;
      std::vector<int32_t> vals;
      const double* z64 = st.depth64.data() + c * N;
      const int32_t* cnt = n_tiles_of.data() + c * N;
      for (int n = 0; n < N; ++n) {
        if (cnt[n] == 0) continue;
        keys.push_back(float_to_bits((float)z64[n]));  // = the float camera z of the reference
        vals.push_back(n);
      }
      radix_sort_pairs(keys, vals);
      // splats whose float32 depths tie are ordered by their double depths (then by index), so the order
      // matches a sort on exact depths
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
    for (int c = 0; c < C; ++c) {
      for (int32_t n : sorted[c]) order.push_back((int64_t)c * N + n);
      std::vector<int32_t>().swap(sorted[c]);
    }
  }
  const int64_t M = (int64_t)order.size();

  // 3. counting sort by tile, in depth order; pieces of the order get their own offsets per tile
  const int64_t P = num_threads() == 1 ? 1 : std::max<int64_t>(1, std::min<int64_t>(64, M / 2048));
  const int64_t piece = (M + P - 1) / std::max<int64_t>(P, 1);
  std::vector<int64_t> counts((size_t)P * T_all, 0);
  if (P == 1) {
    for (int64_t j = 0; j < n_isects; ++j) ++counts[splat_tiles[j]];
  } else {
    parallel_for(P, 1, [&](int64_t pb, int64_t pe, int) {
      for (int64_t p = pb; p < pe; ++p) {
        int64_t* cnt = counts.data() + p * T_all;
        for (int64_t i = p * piece, end = std::min(M, (p + 1) * piece); i < end; ++i) {
          const int64_t f = order[i];
          for (int64_t j = st.csr_offsets[f], je = st.csr_offsets[f + 1]; j < je; ++j) ++cnt[splat_tiles[j]];
        }
      }
    });
  }
  st.tile_offsets.resize(T_all + 1);
  int64_t run = 0;
  for (int64_t t = 0; t < T_all; ++t) {  // tile-major, piece-minor
    st.tile_offsets[t] = run;
    for (int64_t p = 0; p < P; ++p) {
      const int64_t c = counts[p * T_all + t];
      counts[p * T_all + t] = run;
      run += c;
    }
  }
  st.tile_offsets[T_all] = run;

  st.isect_ids.resize(n_isects);
  st.csr_pos.resize(n_isects);
  parallel_for(P, 1, [&](int64_t pb, int64_t pe, int) {
    for (int64_t p = pb; p < pe; ++p) {
      int64_t* cur = counts.data() + p * T_all;
      for (int64_t i = p * piece, end = std::min(M, (p + 1) * piece); i < end; ++i) {
        if (i + 16 < end) __builtin_prefetch(&st.csr_offsets[order[i + 16]]);
        const int64_t f = order[i];
        for (int64_t j = st.csr_offsets[f], je = st.csr_offsets[f + 1]; j < je; ++j) {
          const int64_t k = cur[splat_tiles[j]]++;
          st.isect_ids[k] = (int32_t)f;
          st.csr_pos[j] = k;
        }
      }
    }
  });
}

}  // namespace spatial::cpu
