// nanobind module spatial._C: CPU (and, when built, CUDA) rasterizer entry points, build info, and
// host-side test hooks for the shared math headers. Tensors cross as DLPack arrays (raw pointers);
// nothing here links against libtorch, so the module builds without torch and survives torch upgrades.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpu/parallel.h"
#include "cpu/raster_cpu.h"
#include "cpu/simd.h"
#include "cpu/ssim.h"
#include "spatial/blend.h"
#include "spatial/projection.h"
#include "spatial/sh.h"

#ifdef SPATIAL_WITH_CUDA
#include "cuda/raster_cuda.h"
#endif

#ifndef SPATIAL_VERSION
#define SPATIAL_VERSION "unknown"
#endif
#ifndef SPATIAL_CUDA_ARCHS
#define SPATIAL_CUDA_ARCHS ""
#endif

namespace nb = nanobind;
using namespace spatial;

using CF = nb::ndarray<const float, nb::c_contig, nb::device::cpu>;
using MF = nb::ndarray<float, nb::c_contig, nb::device::cpu>;
using MI = nb::ndarray<int32_t, nb::c_contig, nb::device::cpu>;

namespace {

template <class A>
void check_shape(const A& a, std::initializer_list<int64_t> shape, const char* name) {
  if (a.ndim() != shape.size()) throw std::invalid_argument(std::string(name) + ": wrong number of dimensions");
  size_t i = 0;
  for (int64_t s : shape) {
    if (s >= 0 && (int64_t)a.shape(i) != s) throw std::invalid_argument(std::string(name) + ": wrong shape in dimension " + std::to_string(i));
    ++i;
  }
}

// Shapes and settings of a render call (either backend: A is a CPU or CUDA array type).
template <class A>
cpu::RasterConfig make_config(const A& means, const A& colors, const A& viewmats, int width, int height, int sh_degree, float near_plane,
                              float far_plane, float eps2d, bool antialiased) {
  cpu::RasterConfig cfg;
  check_shape(means, {-1, 3}, "means");
  check_shape(viewmats, {-1, 4, 4}, "viewmats");
  cfg.N = (int)means.shape(0);
  cfg.C = (int)viewmats.shape(0);
  cfg.width = width;
  cfg.height = height;
  if (width <= 0 || height <= 0) throw std::invalid_argument("image size must be positive");
  cfg.sh_degree = sh_degree;
  if (sh_degree >= 0) {
    if (sh_degree > kMaxShDegree) throw std::invalid_argument("sh_degree must be 0..3");
    check_shape(colors, {cfg.N, -1, 3}, "colors (SH)");
    cfg.K = (int)colors.shape(1);
    if (cfg.K < sh_num_bases(sh_degree)) throw std::invalid_argument("colors: fewer SH coefficients than sh_degree needs");
    cfg.D = 3;
  } else {
    check_shape(colors, {cfg.N, -1}, "colors");
    cfg.D = (int)colors.shape(1);
    if (cfg.D < 1) throw std::invalid_argument("colors: need at least one channel");
  }
  cfg.near_plane = near_plane;
  cfg.far_plane = far_plane;
  cfg.eps2d = eps2d;
  cfg.antialiased = antialiased;
  return cfg;
}

template <class A>
void check_inputs(const cpu::RasterConfig& cfg, const A& quats, const A& scales, const A& opacities, const A& Ks, const std::optional<A>& bg) {
  check_shape(quats, {cfg.N, 4}, "quats");
  check_shape(scales, {cfg.N, 3}, "scales");
  check_shape(opacities, {cfg.N}, "opacities");
  check_shape(Ks, {cfg.C, 3, 3}, "Ks");
  if (bg) check_shape(*bg, {cfg.C, cfg.D}, "backgrounds");
}

template <class MA, class MIA>
void check_forward_outputs(const cpu::RasterConfig& cfg, const MA& rgb, const MA& alpha, const MA& depth, const MIA& radii, const MA& means2d,
                           const MA& depths, const MA& conics, const MA& opac_out) {
  check_shape(rgb, {cfg.C, cfg.height, cfg.width, cfg.D}, "rgb");
  check_shape(alpha, {cfg.C, cfg.height, cfg.width, 1}, "alpha");
  check_shape(depth, {cfg.C, cfg.height, cfg.width, 1}, "depth");
  check_shape(radii, {cfg.C, cfg.N, 2}, "radii");
  check_shape(means2d, {cfg.C, cfg.N, 2}, "means2d");
  check_shape(depths, {cfg.C, cfg.N}, "depths");
  check_shape(conics, {cfg.C, cfg.N, 3}, "conics");
  check_shape(opac_out, {cfg.C, cfg.N}, "opacities_out");
}

template <class A, class MA>
void check_backward_arrays(const cpu::RasterConfig& cfg, const A& colors, const A& v_rgb, const A& v_alpha, const A& v_depth, const MA& v_means,
                           const MA& v_quats, const MA& v_scales, const MA& v_opacities, const MA& v_colors, const MA& v_viewmats,
                           const std::optional<MA>& v_bg, const MA& v_means2d) {
  check_shape(v_rgb, {cfg.C, cfg.height, cfg.width, cfg.D}, "v_rgb");
  check_shape(v_alpha, {cfg.C, cfg.height, cfg.width, 1}, "v_alpha");
  check_shape(v_depth, {cfg.C, cfg.height, cfg.width, 1}, "v_depth");
  check_shape(v_means, {cfg.N, 3}, "v_means");
  check_shape(v_quats, {cfg.N, 4}, "v_quats");
  check_shape(v_scales, {cfg.N, 3}, "v_scales");
  check_shape(v_opacities, {cfg.N}, "v_opacities");
  if ((int64_t)v_colors.size() != (int64_t)colors.size()) throw std::invalid_argument("v_colors: wrong size");
  check_shape(v_viewmats, {cfg.C, 4, 4}, "v_viewmats");
  if (v_bg) check_shape(*v_bg, {cfg.C, cfg.D}, "v_backgrounds");
  check_shape(v_means2d, {cfg.C, cfg.N, 2}, "v_means2d");
}

// The input pointers of a render call into any argument struct with these fields (cpu::Inputs,
// cuda::ForwardArgs, cuda::BackwardArgs).
template <class Args, class A>
void set_inputs(Args& a, const A& means, const A& quats, const A& scales, const A& opacities, const A& colors, const A& viewmats, const A& Ks,
                const std::optional<A>& bg) {
  a.means = means.data();
  a.quats = quats.data();
  a.scales = scales.data();
  a.opacities = opacities.data();
  a.colors = colors.data();
  a.viewmats = viewmats.data();
  a.Ks = Ks.data();
  a.backgrounds = bg ? bg->data() : nullptr;
}

cpu::Inputs make_inputs(const cpu::RasterConfig& cfg, const CF& means, const CF& quats, const CF& scales, const CF& opacities, const CF& colors,
                        const CF& viewmats, const CF& Ks, const std::optional<CF>& bg) {
  check_inputs(cfg, quats, scales, opacities, Ks, bg);
  cpu::Inputs in;
  set_inputs(in, means, quats, scales, opacities, colors, viewmats, Ks, bg);
  return in;
}

// ----------------------------------------------------------------------------- header test hooks
struct TestFn {
  int n_in, n_out, n_extra;
  std::function<void(const float* x, const float* extra, float* y)> fwd;
  std::function<void(const float* x, const float* extra, const float* v_y, float* v_x)> vjp;  // may be empty
  int n_vjp_out;  // width of the vjp result (n_in unless extra gradients are appended)
};

CameraParams<double> test_camera(const float* e) {  // extra: viewmat[16], K[9], width, height
  CameraParams<double> cam;
  camera_setup(e, e + 16, (int)e[25], (int)e[26], cam);
  return cam;
}

template <int N>
struct Dbl {
  double v[N];
  explicit Dbl(const float* x) {
    for (int i = 0; i < N; ++i) v[i] = x[i];
  }
  Dbl() {
    for (int i = 0; i < N; ++i) v[i] = 0.0;
  }
  void to(float* out, int n = N) const {
    for (int i = 0; i < n; ++i) out[i] = (float)v[i];
  }
};

// alpha at pixel (0, 0) of a splat at (dx, dy) = mean - pixel, evaluated through the row form
struct AlphaEval {
  SplatForm form;
  SplatRow row;
  float t, sigma, vis, alpha;
  bool ok;
  explicit AlphaEval(const float* x) {
    ok = splat_form_from_conic(x[3], x[4], x[0], x[1], x[2], form);
    splat_row(form, 0.0, 0.0, row);
    t = 0.f - row.xc;
    sigma = pixel_sigma(form.ha, row.srow, t);
    vis = exp_f(-sigma);
    alpha = splat_alpha(x[5], vis);
  }
};

const std::map<std::string, TestFn>& test_registry() {
  static const std::map<std::string, TestFn> reg = {
      {"exp", {1, 1, 0, [](const float* x, const float*, float* y) { y[0] = exp_f(x[0]); }, nullptr, 1}},
      {"quat_to_rotmat",
       {4, 9, 0,
        [](const float* x, const float*, float* y) {
          Dbl<4> q0(x), q;
          Dbl<9> R;
          quat_normalize(q0.v, q.v);
          quat_to_rotmat(q.v, R.v);
          R.to(y);
        },
        [](const float* x, const float*, const float* v, float* vx) {
          Dbl<4> q(x), g;
          Dbl<9> vR(v);
          quat_to_rotmat_vjp(q.v, vR.v, g.v);
          g.to(vx);
        },
        4}},
      {"covar",
       {7, 9, 0,
        [](const float* x, const float*, float* y) {
          Dbl<7> in(x);
          Dbl<9> cov;
          quat_scale_to_covar(in.v, in.v + 4, cov.v);
          cov.to(y);
        },
        [](const float* x, const float*, const float* v, float* vx) {
          Dbl<7> in(x), g;
          Dbl<9> vc(v);
          quat_scale_to_covar_vjp(in.v, in.v + 4, vc.v, g.v, g.v + 4);
          g.to(vx);
        },
        7}},
      {"persp_proj",  // x: mean_c[3], cov_c[9]; extra: viewmat[16] (unused), K[9], width, height -> mean2d[2], cov2d[3]
       {12, 5, 27,
        [](const float* x, const float* e, float* y) {
          CameraParams<double> cam = test_camera(e);
          Dbl<12> in(x);
          Dbl<5> out;
          persp_proj(in.v, in.v + 3, cam, out.v, out.v + 2);
          out.to(y);
        },
        [](const float* x, const float* e, const float* v, float* vx) {
          CameraParams<double> cam = test_camera(e);
          Dbl<12> in(x), g;
          Dbl<5> vy(v);
          const double v_cov[4] = {vy.v[2], 0.5 * vy.v[3], 0.5 * vy.v[3], vy.v[4]};
          persp_proj_vjp(in.v, in.v + 3, cam, vy.v, v_cov, g.v, g.v + 3);
          g.to(vx);
        },
        12}},
      {"blur_conic",  // x: cov2d[3]; extra: eps2d -> conic[3], compensation
       {3, 4, 1,
        [](const float* x, const float* e, float* y) {
          Dbl<3> in(x), cb;
          Dbl<4> out;
          double det_blur;
          blur_conic(in.v, (double)e[0], cb.v, out.v, out.v + 3, &det_blur);
          out.to(y);
        },
        [](const float* x, const float* e, const float* v, float* vx) {
          Dbl<3> in(x);
          Dbl<4> vy(v), g;
          blur_conic_vjp(in.v, (double)e[0], vy.v, vy.v[3], g.v);
          vx[0] = (float)g.v[0];
          vx[1] = (float)(g.v[1] + g.v[2]);
          vx[2] = (float)g.v[3];
        },
        3}},
      {"project",  // x: mean[3], quat[4], scale[3]; extra: viewmat[16], K[9], w, h, near, far, eps2d
       {10, 9, 30,
        [](const float* x, const float* e, float* y) {
          CameraParams<double> cam = test_camera(e);
          ProjectedSplat<double> p;
          project_splat<double>(x, x + 3, x + 7, cam, e[27], e[28], e[29], p);
          y[0] = (float)p.mean2d[0];
          y[1] = (float)p.mean2d[1];
          y[2] = (float)p.depth;
          y[3] = (float)p.conic[0];
          y[4] = (float)p.conic[1];
          y[5] = (float)p.conic[2];
          y[6] = (float)p.compensation;
          y[7] = (float)p.radius[0];
          y[8] = (float)p.radius[1];
        },
        [](const float* x, const float* e, const float* v, float* vx) {  // -> v_mean, v_quat, v_scale, v_viewmat[16]
          CameraParams<double> cam = test_camera(e);
          Dbl<9> vy(v);
          Dbl<26> g;
          project_splat_vjp<double>(x, x + 3, x + 7, cam, (double)e[29], vy.v, vy.v[2], vy.v + 3, vy.v[6], g.v, g.v + 3, g.v + 7, g.v + 10);
          g.to(vx);
        },
        26}},
      {"campos",  // x: viewmat[16] -> campos[3]
       {16, 3, 0,
        [](const float* x, const float*, float* y) {
          const float K[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
          CameraParams<double> cam;
          camera_setup(x, K, 1, 1, cam);
          for (int i = 0; i < 3; ++i) y[i] = (float)cam.campos[i];
        },
        [](const float* x, const float*, const float* v, float* vx) {
          const float K[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
          CameraParams<double> cam;
          camera_setup(x, K, 1, 1, cam);
          Dbl<3> vc(v);
          Dbl<16> g;
          campos_vjp(cam, vc.v, g.v);
          g.to(vx);
        },
        16}},
      {"sh_color",  // x: dir_raw[3], coeffs[16 * 3]; extra: degree -> rgb[3]
       {51, 3, 1, [](const float* x, const float* e, float* y) { sh_color((int)e[0], x, x + 3, y); },
        [](const float* x, const float* e, const float* v, float* vx) {
          for (int i = 0; i < 51; ++i) vx[i] = 0.f;
          sh_color_vjp((int)e[0], x, x + 3, v, vx + 3, vx);
        },
        51}},
      {"alpha",  // x: a, b, c, dx, dy, opacity (dx, dy = mean - pixel) -> alpha (0 when skipped), via the row form
       {6, 1, 0,
        [](const float* x, const float*, float* y) {
          AlphaEval ev(x);
          y[0] = (!ev.ok || splat_skipped(ev.sigma, ev.alpha)) ? 0.f : ev.alpha;
        },
        [](const float* x, const float*, const float* v, float* vx) {
          AlphaEval ev(x);
          AlphaGrad g;
          bool live = ev.ok && !splat_skipped(ev.sigma, ev.alpha);
          splat_alpha_vjp(ev.form.ha, (float)ev.form.r, ev.form.iyy, ev.t, ev.t + ev.row.ru, ev.row.v, x[5], ev.vis, live ? v[0] : 0.f, g);
          vx[0] = g.v_a;
          vx[1] = g.v_b;
          vx[2] = g.v_c;
          vx[3] = g.v_mx;
          vx[4] = g.v_my;
          vx[5] = g.v_opacity;
        },
        6}},
  };
  return reg;
}

nb::ndarray<nb::numpy, float> new_array(size_t rows, size_t cols) {
  float* data = new float[rows * cols]();
  nb::capsule owner(data, [](void* p) noexcept { delete[] (float*)p; });
  return nb::ndarray<nb::numpy, float>(data, {rows, cols}, owner);
}

const TestFn& lookup(const std::string& name, const CF& x, const CF& extra) {
  auto it = test_registry().find(name);
  if (it == test_registry().end()) throw std::invalid_argument("unknown test function " + name);
  const TestFn& t = it->second;
  check_shape(x, {-1, t.n_in}, "x");
  if ((int)extra.size() < t.n_extra) throw std::invalid_argument("extra: too few values");
  return t;
}

#ifdef SPATIAL_WITH_CUDA
using GF = nb::ndarray<const float, nb::c_contig, nb::device::cuda>;
using GMF = nb::ndarray<float, nb::c_contig, nb::device::cuda>;
using GMI = nb::ndarray<int32_t, nb::c_contig, nb::device::cuda>;

struct CudaStateHandle {
  std::shared_ptr<cuda::CudaState> st;
  cpu::RasterConfig cfg;  // the call's shapes (the CPU backend's struct; only its sizes are used here)
};

void bind_cuda(nb::module_& m) {
  nb::class_<CudaStateHandle>(m, "CudaRasterState").def_prop_ro("n_isects", [](const CudaStateHandle& h) { return cuda::n_isects(*h.st); });
  m.def(
      "cuda_forward",
      [](GF means, GF quats, GF scales, GF opacities, GF colors, GF viewmats, GF Ks, std::optional<GF> bg, int width, int height, int sh_degree,
         float near_plane, float far_plane, float eps2d, bool antialiased, GMF rgb, GMF alpha, GMF depth, GMI radii, GMF means2d, GMF depths, GMF conics,
         GMF opac_out, uintptr_t stream) {
        const cpu::RasterConfig cfg = make_config(means, colors, viewmats, width, height, sh_degree, near_plane, far_plane, eps2d, antialiased);
        check_inputs(cfg, quats, scales, opacities, Ks, bg);
        check_forward_outputs(cfg, rgb, alpha, depth, radii, means2d, depths, conics, opac_out);
        cuda::ForwardArgs a;
        a.C = cfg.C;
        a.N = cfg.N;
        a.width = width;
        a.height = height;
        a.D = cfg.D;
        a.sh_degree = sh_degree;
        a.K = cfg.K;
        a.near_plane = near_plane;
        a.far_plane = far_plane;
        a.eps2d = eps2d;
        a.antialiased = antialiased;
        set_inputs(a, means, quats, scales, opacities, colors, viewmats, Ks, bg);
        a.rgb = rgb.data();
        a.alpha = alpha.data();
        a.depth = depth.data();
        a.radii = radii.data();
        a.means2d = means2d.data();
        a.depths = depths.data();
        a.conics = conics.data();
        a.opacities_out = opac_out.data();
        a.stream = stream;
        CudaStateHandle h{nullptr, cfg};
        {
          nb::gil_scoped_release release;
          h.st = cuda::forward(a);
        }
        return h;
      },
      nb::arg("means"), nb::arg("quats"), nb::arg("scales"), nb::arg("opacities"), nb::arg("colors"), nb::arg("viewmats"), nb::arg("Ks"),
      nb::arg("backgrounds").none(), nb::arg("width"), nb::arg("height"), nb::arg("sh_degree"), nb::arg("near_plane"), nb::arg("far_plane"),
      nb::arg("eps2d"), nb::arg("antialiased"), nb::arg("rgb"), nb::arg("alpha"), nb::arg("depth"), nb::arg("radii"), nb::arg("means2d"),
      nb::arg("depths"), nb::arg("conics"), nb::arg("opacities_out"), nb::arg("stream"));
  m.def(
      "cuda_backward",
      [](CudaStateHandle& h, GF means, GF quats, GF scales, GF opacities, GF colors, GF viewmats, GF Ks, std::optional<GF> bg, GF v_rgb, GF v_alpha,
         GF v_depth, GMF v_means, GMF v_quats, GMF v_scales, GMF v_opacities, GMF v_colors, GMF v_viewmats, std::optional<GMF> v_bg, GMF v_means2d,
         uintptr_t stream) {
        check_inputs(h.cfg, quats, scales, opacities, Ks, bg);
        check_backward_arrays(h.cfg, colors, v_rgb, v_alpha, v_depth, v_means, v_quats, v_scales, v_opacities, v_colors, v_viewmats, v_bg, v_means2d);
        cuda::BackwardArgs a;
        set_inputs(a, means, quats, scales, opacities, colors, viewmats, Ks, bg);
        a.v_rgb = v_rgb.data();
        a.v_alpha = v_alpha.data();
        a.v_depth = v_depth.data();
        a.v_means = v_means.data();
        a.v_quats = v_quats.data();
        a.v_scales = v_scales.data();
        a.v_opacities = v_opacities.data();
        a.v_colors = v_colors.data();
        a.v_viewmats = v_viewmats.data();
        a.v_backgrounds = v_bg ? v_bg->data() : nullptr;
        a.v_means2d = v_means2d.data();
        a.stream = stream;
        nb::gil_scoped_release release;
        cuda::backward(*h.st, a);
      },
      nb::arg("state"), nb::arg("means"), nb::arg("quats"), nb::arg("scales"), nb::arg("opacities"), nb::arg("colors"), nb::arg("viewmats"),
      nb::arg("Ks"), nb::arg("backgrounds").none(), nb::arg("v_rgb"), nb::arg("v_alpha"), nb::arg("v_depth"), nb::arg("v_means"), nb::arg("v_quats"),
      nb::arg("v_scales"), nb::arg("v_opacities"), nb::arg("v_colors"), nb::arg("v_viewmats"), nb::arg("v_backgrounds").none(), nb::arg("v_means2d"),
      nb::arg("stream"));
}
#endif

}  // namespace

NB_MODULE(_C, m) {
  nb::set_leak_warnings(false);  // autograd graphs alive at interpreter exit hold states
  m.doc() = "spatial compiled kernels: tile rasterizer (CPU, optional CUDA) sharing one header of math";

  m.def("has_cpu", []() { return true; });
  m.def("has_cuda", []() {
#ifdef SPATIAL_WITH_CUDA
    return true;
#else
    return false;
#endif
  });
  m.def("cuda_device_count", []() {
#ifdef SPATIAL_WITH_CUDA
    return cuda::device_count();
#else
    return 0;
#endif
  });
  m.def("build_info", []() {
    nb::dict d;
    d["version"] = SPATIAL_VERSION;
#if defined(__clang__)
    d["compiler"] = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
    d["compiler"] = std::string("gcc ") + __VERSION__;
#else
    d["compiler"] = "unknown";
#endif
#if SPATIAL_CPU_DISPATCH
    d["cpu_simd"] = cpu::cpu_has_v3() ? "x86-64-v3 (AVX2+FMA) kernels (runtime dispatch, baseline fallback)"
                                      : "baseline x86-64 kernels (this CPU lacks x86-64-v3; AVX2+FMA kernels built)";
#else
    d["cpu_simd"] = "compiler default";
#endif
    d["cpu_threads"] = cpu::num_threads();
    d["hardware_threads"] = cpu::hardware_threads();
#ifdef SPATIAL_WITH_CUDA
    d["cuda"] = true;
    d["cuda_version"] = cuda::runtime_version_string();
    d["cuda_architectures"] = SPATIAL_CUDA_ARCHS;
#else
    d["cuda"] = false;
    d["cuda_version"] = "";
    d["cuda_architectures"] = "";
#endif
    return d;
  });
  m.def("set_num_threads", [](int n) { cpu::ThreadPool::instance().set_num_threads(n); }, nb::arg("n"),
        "Threads used by the CPU kernels (<= 0: all hardware threads).");
  m.def("get_num_threads", []() { return cpu::num_threads(); });

  nb::class_<cpu::CpuState>(m, "CpuRasterState")
      .def_ro("n_isects", &cpu::CpuState::n_isects)
      .def_ro("n_evaluated_fwd", &cpu::CpuState::n_evaluated_fwd)
      .def_ro("n_evaluated_bwd", &cpu::CpuState::n_evaluated_bwd);

  m.def(
      "cpu_forward",
      [](CF means, CF quats, CF scales, CF opacities, CF colors, CF viewmats, CF Ks, std::optional<CF> bg, int width, int height, int sh_degree,
         float near_plane, float far_plane, float eps2d, bool antialiased, MF rgb, MF alpha, MF depth, MI radii, MF means2d, MF depths, MF conics,
         MF opac_out) {
        auto st = std::make_unique<cpu::CpuState>();
        st->cfg = make_config(means, colors, viewmats, width, height, sh_degree, near_plane, far_plane, eps2d, antialiased);
        const cpu::RasterConfig& cfg = st->cfg;
        cpu::Inputs in = make_inputs(cfg, means, quats, scales, opacities, colors, viewmats, Ks, bg);
        check_forward_outputs(cfg, rgb, alpha, depth, radii, means2d, depths, conics, opac_out);
        cpu::ForwardOutputs out{rgb.data(), alpha.data(), depth.data(), radii.data(), means2d.data(), depths.data(), conics.data(), opac_out.data()};
        {
          nb::gil_scoped_release release;
          cpu::forward(in, *st, out);
        }
        return st;
      },
      nb::arg("means"), nb::arg("quats"), nb::arg("scales"), nb::arg("opacities"), nb::arg("colors"), nb::arg("viewmats"), nb::arg("Ks"),
      nb::arg("backgrounds").none(), nb::arg("width"), nb::arg("height"), nb::arg("sh_degree"), nb::arg("near_plane"), nb::arg("far_plane"),
      nb::arg("eps2d"), nb::arg("antialiased"), nb::arg("rgb"), nb::arg("alpha"), nb::arg("depth"), nb::arg("radii"), nb::arg("means2d"),
      nb::arg("depths"), nb::arg("conics"), nb::arg("opacities_out"));

  m.def(
      "cpu_backward",
      [](cpu::CpuState& st, CF means, CF quats, CF scales, CF opacities, CF colors, CF viewmats, CF Ks, std::optional<CF> bg, CF v_rgb, CF v_alpha,
         CF v_depth, MF v_means, MF v_quats, MF v_scales, MF v_opacities, MF v_colors, MF v_viewmats, std::optional<MF> v_bg, MF v_means2d) {
        const cpu::RasterConfig& cfg = st.cfg;
        cpu::Inputs in = make_inputs(cfg, means, quats, scales, opacities, colors, viewmats, Ks, bg);
        check_backward_arrays(cfg, colors, v_rgb, v_alpha, v_depth, v_means, v_quats, v_scales, v_opacities, v_colors, v_viewmats, v_bg, v_means2d);
        cpu::BackwardGrads g{v_rgb.data(), v_alpha.data(), v_depth.data()};
        cpu::BackwardOutputs out{v_means.data(),    v_quats.data(),    v_scales.data(), v_opacities.data(),
                                 v_colors.data(),   v_viewmats.data(), v_bg ? v_bg->data() : nullptr, v_means2d.data()};
        nb::gil_scoped_release release;
        cpu::backward(in, st, g, out);
      },
      nb::arg("state"), nb::arg("means"), nb::arg("quats"), nb::arg("scales"), nb::arg("opacities"), nb::arg("colors"), nb::arg("viewmats"),
      nb::arg("Ks"), nb::arg("backgrounds").none(), nb::arg("v_rgb"), nb::arg("v_alpha"), nb::arg("v_depth"), nb::arg("v_means"), nb::arg("v_quats"),
      nb::arg("v_scales"), nb::arg("v_opacities"), nb::arg("v_colors"), nb::arg("v_viewmats"), nb::arg("v_backgrounds").none(), nb::arg("v_means2d"));

  // fused SSIM of the training loss (spatial/fitting/loss.py)
  m.def(
      "ssim_forward",
      [](CF x, CF y, CF mu_y, CF eyy, CF weight, std::optional<MF> p) {
        if (x.ndim() != 3) throw std::invalid_argument("ssim: x must be [C, H, W]");
        const int C = (int)x.shape(0), H = (int)x.shape(1), W = (int)x.shape(2);
        for (auto* t : {&y, &mu_y, &eyy}) check_shape(*t, {C, H, W}, "ssim input");
        const bool per_pixel = weight.size() != 1;
        if (per_pixel && (int64_t)weight.size() != (int64_t)H * W) throw std::invalid_argument("ssim: weight must have 1 or H*W values");
        if (p) check_shape(*p, {3 * C, H, W}, "ssim p");
        float* pp = p ? p->data() : nullptr;
        nb::gil_scoped_release release;
        return cpu::ssim_forward(x.data(), y.data(), mu_y.data(), eyy.data(), weight.data(), per_pixel, C, H, W, pp);
      },
      nb::arg("x"), nb::arg("y"), nb::arg("mu_y"), nb::arg("eyy"), nb::arg("weight"), nb::arg("p").none());
  m.def(
      "ssim_backward",
      [](CF p, CF x, CF y, float grad, MF dx) {
        if (x.ndim() != 3) throw std::invalid_argument("ssim: x must be [C, H, W]");
        const int C = (int)x.shape(0), H = (int)x.shape(1), W = (int)x.shape(2);
        check_shape(p, {3 * C, H, W}, "ssim p");
        check_shape(y, {C, H, W}, "ssim y");
        check_shape(dx, {C, H, W}, "ssim dx");
        nb::gil_scoped_release release;
        cpu::ssim_backward(p.data(), x.data(), y.data(), grad, C, H, W, dx.data());
      },
      nb::arg("p"), nb::arg("x"), nb::arg("y"), nb::arg("grad"), nb::arg("dx"));

  // header tests
  m.def("_test_names", []() {
    std::vector<std::string> names;
    for (auto& kv : test_registry()) names.push_back(kv.first);
    return names;
  });
  m.def(
      "_test_fn",
      [](const std::string& name, CF x, CF extra) {
        const TestFn& t = lookup(name, x, extra);
        size_t rows = x.shape(0);
        auto y = new_array(rows, t.n_out);
        for (size_t r = 0; r < rows; ++r) t.fwd(x.data() + r * t.n_in, extra.data(), y.data() + r * t.n_out);
        return y;
      },
      nb::arg("name"), nb::arg("x"), nb::arg("extra"));
  m.def(
      "_test_vjp",
      [](const std::string& name, CF x, CF extra, CF v_y) {
        const TestFn& t = lookup(name, x, extra);
        if (!t.vjp) throw std::invalid_argument(name + " has no VJP");
        check_shape(v_y, {(int64_t)x.shape(0), t.n_out}, "v_y");
        size_t rows = x.shape(0);
        auto vx = new_array(rows, t.n_vjp_out);
        for (size_t r = 0; r < rows; ++r) t.vjp(x.data() + r * t.n_in, extra.data(), v_y.data() + r * t.n_out, vx.data() + r * t.n_vjp_out);
        return vx;
      },
      nb::arg("name"), nb::arg("x"), nb::arg("extra"), nb::arg("v_y"));

#ifdef SPATIAL_WITH_CUDA
  bind_cuda(m);
#endif
}
