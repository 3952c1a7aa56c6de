// Stages 1 and 2 (CPU): EWA projection of every (camera, splat) pair (double precision,
// spatial/projection.h), the row form and culling box the rasterizer uses, the view-dependent colours
// (spatial/sh.h), and their VJPs. The loops live in project_impl.inc, compiled for baseline x86-64 and
// for x86-64-v3 (simd.h).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "parallel.h"
#include "raster_cpu.h"
#include "simd.h"
#include "spatial/sh.h"
#include "spatial/tiles.h"

namespace spatial::cpu {

namespace {
constexpr int64_t kSplatChunk = 2048;
constexpr int64_t kPrefetchAhead = 6;  // splats ahead whose gradient rows project_backward prefetches
}  // namespace

}  // namespace spatial::cpu

#define SPATIAL_ISA_FILE "project_impl.inc"
#include "isa_instantiate.inc"
#if SPATIAL_CPU_DISPATCH
#define SPATIAL_DISPATCH(call) (cpu_has_v3() ? v3::call : base::call)
#else
#define SPATIAL_DISPATCH(call) base::call
#endif

namespace spatial::cpu {

void project_forward(const Inputs& in, CpuState& st, const ForwardOutputs& out) { SPATIAL_DISPATCH(project_forward_impl(in, st, out)); }
void colors_forward(const Inputs& in, CpuState& st) { SPATIAL_DISPATCH(colors_forward_impl(in, st)); }
void project_backward(const Inputs& in, const CpuState& st, const std::vector<float>& G, const BackwardOutputs& out) {
  SPATIAL_DISPATCH(project_backward_impl(in, st, G, out));
}

}  // namespace spatial::cpu
