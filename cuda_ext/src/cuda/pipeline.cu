// CUDA pipeline: project -> count tiles -> scan -> emit keys -> radix sort -> tile ranges -> rasterize;
// and backward: rasterize VJP -> projection + colour VJP. Buffers are owned by CudaState (cudaMalloc),
// all work runs on the caller's stream (torch's current stream).
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>

#include <vector>

#include "common.cuh"
#include "raster_cuda.h"

namespace spatial::cuda {

namespace {
template <class T>
struct DeviceArray {
  T* ptr = nullptr;
  size_t n = 0;
  DeviceArray() = default;
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  ~DeviceArray() {
    if (ptr) cudaFree(ptr);
  }
  void resize(size_t count) {
    if (count <= n && ptr) return;
    if (ptr) SPATIAL_CUDA_CHECK(cudaFree(ptr));
    ptr = nullptr;
    n = count;
    SPATIAL_CUDA_CHECK(cudaMalloc(&ptr, sizeof(T) * (count > 0 ? count : 1)));
  }
};

int bits_for(int64_t n) {  // bits needed to store 0 .. n-1 (integer arithmetic)
  int b = 0;
  while (((int64_t)1 << b) < n) ++b;
  return b;
}
}  // namespace

struct CudaState {
  DeviceConfig cfg;
  int device = 0;
  DeviceArray<CameraParams<double>> cams;
  DeviceArray<GpuSplat> splats;
  DeviceArray<float> cz, compensation;
  DeviceArray<int64_t> ranges;
  DeviceArray<int32_t> ids;
  DeviceArray<float> T_final, wsum, depth_acc;
  DeviceArray<int32_t> last;
  int64_t n_isects = 0;
};

int64_t n_isects(const CudaState& st) { return st.n_isects; }

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver / no device" error
    return 0;
  }
  return n;
}

std::string runtime_version_string() {
  int v = 0;
  cudaRuntimeGetVersion(&v);
  return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

std::shared_ptr<CudaState> forward(const ForwardArgs& a) {
  auto st = std::make_shared<CudaState>();
  SPATIAL_CUDA_CHECK(cudaGetDevice(&st->device));
  cudaStream_t stream = (cudaStream_t)a.stream;
  DeviceConfig& cfg = st->cfg;
  cfg.C = a.C;
  cfg.N = a.N;
  cfg.width = a.width;
  cfg.height = a.height;
  cfg.D = a.D;
  cfg.sh_degree = a.sh_degree;
  cfg.K = a.K;
  cfg.near_plane = a.near_plane;
  cfg.far_plane = a.far_plane;
  cfg.eps2d = a.eps2d;
  cfg.antialiased = a.antialiased;
  cfg.tiles_x = (a.width + kTileSize - 1) / kTileSize;
  cfg.tiles_y = (a.height + kTileSize - 1) / kTileSize;
  cfg.tile_bits = bits_for((int64_t)cfg.tiles_x * cfg.tiles_y);
  if (cfg.D > 32) throw std::invalid_argument("spatial CUDA: at most 32 colour channels");
  if (bits_for(cfg.C) + cfg.tile_bits > 32) throw std::invalid_argument("spatial CUDA: too many cameras x tiles for 64-bit sort keys");
  const int64_t CN = (int64_t)cfg.C * cfg.N;

  // cameras: tiny, set up on the host in double (same function as the CPU backend)
  std::vector<float> view((size_t)cfg.C * 16), K((size_t)cfg.C * 9);
  SPATIAL_CUDA_CHECK(cudaMemcpyAsync(view.data(), a.viewmats, sizeof(float) * view.size(), cudaMemcpyDeviceToHost, stream));
  SPATIAL_CUDA_CHECK(cudaMemcpyAsync(K.data(), a.Ks, sizeof(float) * K.size(), cudaMemcpyDeviceToHost, stream));
  SPATIAL_CUDA_CHECK(cudaStreamSynchronize(stream));
  std::vector<CameraParams<double>> cams(cfg.C);
  for (int c = 0; c < cfg.C; ++c) camera_setup(view.data() + c * 16, K.data() + c * 9, cfg.width, cfg.height, cams[c]);
  st->cams.resize(cfg.C);
  SPATIAL_CUDA_CHECK(cudaMemcpyAsync(st->cams.ptr, cams.data(), sizeof(CameraParams<double>) * cfg.C, cudaMemcpyHostToDevice, stream));

  st->splats.resize(CN);
  st->cz.resize(CN * (cfg.D + 1));
  st->compensation.resize(CN);
  DeviceArray<int32_t> counts;
  DeviceArray<int64_t> offsets;
  counts.resize(CN);
  offsets.resize(CN + 1);
  launch_project_fwd(cfg, stream, st->cams.ptr, a.means, a.quats, a.scales, a.opacities, a.colors, a.radii, a.means2d, a.depths, a.conics,
                     a.opacities_out, st->compensation.ptr, st->splats.ptr, st->cz.ptr, counts.ptr);

  // offsets = exclusive scan of the per-splat tile counts (int64)
  int64_t n_isects = 0;
  if (CN > 0) {
    SPATIAL_CUDA_CHECK(cudaMemsetAsync(offsets.ptr, 0, sizeof(int64_t), stream));
    size_t temp_bytes = 0;
    SPATIAL_CUDA_CHECK(cub::DeviceScan::InclusiveSum(nullptr, temp_bytes, counts.ptr, offsets.ptr + 1, CN, stream));
    DeviceArray<unsigned char> temp;
    temp.resize(temp_bytes);
    SPATIAL_CUDA_CHECK(cub::DeviceScan::InclusiveSum(temp.ptr, temp_bytes, counts.ptr, offsets.ptr + 1, CN, stream));
    SPATIAL_CUDA_CHECK(cudaMemcpyAsync(&n_isects, offsets.ptr + CN, sizeof(int64_t), cudaMemcpyDeviceToHost, stream));
    SPATIAL_CUDA_CHECK(cudaStreamSynchronize(stream));
  }
  if (n_isects >= ((int64_t)1 << 31)) throw std::runtime_error("spatial CUDA: more than 2^31 tile intersections");
  st->n_isects = n_isects;

  const int64_t n_range_tiles = (int64_t)cfg.C << cfg.tile_bits;
  st->ranges.resize(2 * n_range_tiles);
  SPATIAL_CUDA_CHECK(cudaMemsetAsync(st->ranges.ptr, 0, sizeof(int64_t) * 2 * n_range_tiles, stream));
  st->ids.resize(n_isects);
  if (n_isects > 0) {
    DeviceArray<uint64_t> keys, keys_sorted;
    DeviceArray<int32_t> vals;
    keys.resize(n_isects);
    keys_sorted.resize(n_isects);
    vals.resize(n_isects);
    launch_emit_isects(cfg, stream, st->splats.ptr, st->cz.ptr, offsets.ptr, keys.ptr, vals.ptr);
    const int end_bit = 32 + cfg.tile_bits + bits_for(cfg.C);
    size_t temp_bytes = 0;
    SPATIAL_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, temp_bytes, keys.ptr, keys_sorted.ptr, vals.ptr, st->ids.ptr, n_isects, 0, end_bit, stream));
    DeviceArray<unsigned char> temp;
    temp.resize(temp_bytes);
    SPATIAL_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(temp.ptr, temp_bytes, keys.ptr, keys_sorted.ptr, vals.ptr, st->ids.ptr, n_isects, 0, end_bit, stream));
    launch_tile_ranges(stream, n_isects, keys_sorted.ptr, st->ranges.ptr);
    SPATIAL_CUDA_CHECK(cudaStreamSynchronize(stream));  // keys/vals/temp are freed on return
  }

  const int64_t pixels = (int64_t)cfg.C * cfg.width * cfg.height;
  st->T_final.resize(pixels);
  st->wsum.resize(pixels);
  st->depth_acc.resize(pixels);
  st->last.resize(pixels);
  if (pixels > 0)
    launch_rasterize_fwd(cfg, stream, st->splats.ptr, st->cz.ptr, st->ranges.ptr, st->ids.ptr, a.backgrounds, a.rgb, a.alpha, a.depth, st->T_final.ptr,
                         st->wsum.ptr, st->depth_acc.ptr, st->last.ptr);
  return st;
}

void backward(CudaState& st, const BackwardArgs& a) {
  SPATIAL_CUDA_CHECK(cudaSetDevice(st.device));
  cudaStream_t stream = (cudaStream_t)a.stream;
  const DeviceConfig& cfg = st.cfg;
  const int NG = 7 + cfg.D;
  const int64_t CN = (int64_t)cfg.C * cfg.N;
  DeviceArray<float> G;
  G.resize(CN * NG);
  SPATIAL_CUDA_CHECK(cudaMemsetAsync(G.ptr, 0, sizeof(float) * CN * NG, stream));
  SPATIAL_CUDA_CHECK(cudaMemsetAsync(a.v_viewmats, 0, sizeof(float) * cfg.C * 16, stream));
  if (a.v_backgrounds) SPATIAL_CUDA_CHECK(cudaMemsetAsync(a.v_backgrounds, 0, sizeof(float) * cfg.C * cfg.D, stream));
  if ((int64_t)cfg.C * cfg.width * cfg.height > 0)
    launch_rasterize_bwd(cfg, stream, st.splats.ptr, st.cz.ptr, st.ranges.ptr, st.ids.ptr, a.backgrounds, st.T_final.ptr, st.wsum.ptr, st.depth_acc.ptr,
                         st.last.ptr, a.v_rgb, a.v_alpha, a.v_depth, G.ptr, a.v_backgrounds);
  launch_project_bwd(cfg, stream, st.cams.ptr, a.means, a.quats, a.scales, a.opacities, a.colors, st.compensation.ptr, G.ptr, a.v_means, a.v_quats,
                     a.v_scales, a.v_opacities, a.v_colors, a.v_viewmats, a.v_means2d);
  SPATIAL_CUDA_CHECK(cudaStreamSynchronize(stream));  // G is freed on return
}

}  // namespace spatial::cuda
