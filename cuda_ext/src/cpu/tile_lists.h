// Block lists of a tile (CPU forward and backward): a tile's depth-ordered splat list is taken in batches
// of kBatch; every (splat, image row) of a batch is reduced once to its row form (spatial/blend.h
// splat_row) and appended to the list of each 8-pixel block of that row its pixel box covers (32 blocks
// per tile: 16 rows x 2 halves, block b = row * 2 + half, pixels b * 8 .. b * 8 + 7 of the tile).
#pragma once
#include <algorithm>
#include <cstdint>

#include "raster_cpu.h"
#include "simd.h"

namespace spatial::cpu {

constexpr int kBatch = 128;                      // splats per batch of a tile's list
constexpr int kBlocksPerTile = kTilePixels / 8;  // 8-pixel blocks: 16 rows x 2 halves

// Row forms of a batch, per block: entry e of block b is (xc, srow) of splat j of the batch on that
// block's row.
struct BlockLists {
  int count[kBlocksPerTile];
  alignas(64) float xc[kBlocksPerTile][kBatch];
  alignas(64) float srow[kBlocksPerTile][kBatch];
  alignas(64) uint16_t j[kBlocksPerTile][kBatch];
};
// r v and v of the same entries (the backward pass's gradients need them)
struct BlockListsUV {
  alignas(64) float ru[kBlocksPerTile][kBatch];
  alignas(64) float v[kBlocksPerTile][kBatch];
};

SPATIAL_ALWAYS_INLINE void append_row(BlockLists& L, BlockListsUV* uv, int b, const SplatRow& row, int j) {
  const int n = L.count[b]++;
  L.xc[b][n] = row.xc;
  L.srow[b][n] = row.srow;
  L.j[b][n] = (uint16_t)j;
  if (uv) {
    uv->ru[b][n] = row.ru;
    uv->v[b][n] = row.v;
  }
}

// Appends splat j's rows to the lists of the blocks in `blocks_of_row(row)` (a 2-bit mask: bit 0 left
// half, bit 1 right half) that its pixel box covers; to uv too unless null.
template <class Mask>
SPATIAL_ALWAYS_INLINE void append_splat_rows(const RasterSplat& s, int j, int tx0, int ty0, BlockLists& L, BlockListsUV* uv, Mask&& blocks_of_row) {
  const int y_lo = std::max((int)s.y0, ty0), y_hi = std::min((int)s.y1, ty0 + kTileSize - 1);
  const int b_lo = (std::max((int)s.x0, tx0) - tx0) >> 3, b_hi = (std::min((int)s.x1, tx0 + kTileSize - 1) - tx0) >> 3;
  const uint32_t cols = (uint32_t)(((2 << b_hi) - 1) & ~((1 << b_lo) - 1));
  const SplatForm form = s.form();
  for (int y = y_lo; y <= y_hi; ++y) {
    const int rb = (y - ty0) * 2;
    const uint32_t m = blocks_of_row(rb) & cols;
    if (!m) continue;
    SplatRow row;
    splat_row(form, (double)y + 0.5, (double)tx0, row);
    if (m & 1u) append_row(L, uv, rb, row, j);
    if (m & 2u) append_row(L, uv, rb + 1, row, j);
  }
}

}  // namespace spatial::cpu
