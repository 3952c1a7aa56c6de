// Fused SSIM (see ssim.h). Parallel over the stacked maps (filtering) and over channels (the per-pixel
// formulas); per-channel partial sums are added in channel order, so the value does not depend on the
// thread count. The loops are compiled for baseline x86-64 and for x86-64-v3 (AVX2 + FMA), picked at
// load time (GCC target_clones; other compilers build the baseline only).
#include "ssim.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "parallel.h"

namespace spatial::cpu {

namespace {

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define SPATIAL_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SPATIAL_CLONES
#endif

constexpr int kTaps = 11, kRadius = kTaps / 2;
constexpr float kC1 = 0.01f * 0.01f, kC2 = 0.03f * 0.03f;

struct Taps {
  float g[kTaps];
  Taps() {
    double v[kTaps], s = 0.0;
    for (int k = 0; k < kTaps; ++k) {
      const double d = k - kRadius;
      v[k] = std::exp(-d * d / (2.0 * 1.5 * 1.5));
      s += v[k];
    }
    for (int k = 0; k < kTaps; ++k) g[k] = (float)(v[k] / s);
  }
};

const float* taps() {
  static const Taps t;
  return t.g;
}

// dst = the zero-padded separable Gaussian of src (H x W); tmp: H x W scratch. Taps in the order
// k = 0 .. 10 like metrics.gaussian_blur; the inner loops run over contiguous pixels (vectorized).
SPATIAL_CLONES void blur_map(const float* __restrict__ src, float* __restrict__ dst, float* __restrict__ tmp, int H, int W, const float* g) {
  for (int i = 0; i < H; ++i) {
    const float* s = src + (int64_t)i * W;
    float* t = tmp + (int64_t)i * W;
    std::fill(t, t + W, 0.f);
    for (int k = 0; k < kTaps; ++k) {
      const int off = k - kRadius;
      const int j0 = std::max(0, -off), j1 = std::min(W, W - off);
      const float gk = g[k];
      for (int j = j0; j < j1; ++j) t[j] += gk * s[j + off];
    }
  }
  for (int i = 0; i < H; ++i) {
    float* o = dst + (int64_t)i * W;
    std::fill(o, o + W, 0.f);
    for (int k = 0; k < kTaps; ++k) {
      const int ii = i + k - kRadius;
      if (ii < 0 || ii >= H) continue;
      const float* t = tmp + (int64_t)ii * W;
      const float gk = g[k];
      for (int j = 0; j < W; ++j) o[j] += gk * t[j];
    }
  }
}

// out[m] = blur(make(m)) for the M stacked maps, make(m, buf) writing map m's source into buf.
template <class Make>
void blur_maps(int M, int H, int W, float* out, Make&& make) {
  const int64_t HW = (int64_t)H * W;
  std::vector<std::vector<float>> scratch(num_threads());
  parallel_for(M, 1, [&](int64_t b, int64_t e, int tid) {
    std::vector<float>& buf = scratch[tid];
    buf.resize((size_t)(2 * HW));
    for (int64_t m = b; m < e; ++m) {
      make((int)m, buf.data());
      blur_map(buf.data(), out + m * HW, buf.data() + HW, H, W, taps());
    }
  });
}

// One channel of the forward formulas (loss.py): the weighted SSIM sum, and P1, P2, P3 when p1 is not null.
SPATIAL_CLONES double ssim_channel(const float* __restrict__ mx, const float* __restrict__ exx, const float* __restrict__ exy, const float* __restrict__ my,
                                   const float* __restrict__ ey, const float* __restrict__ weight, bool per_pixel, int64_t HW, float* __restrict__ p1,
                                   float* __restrict__ p2, float* __restrict__ p3) {
  double sum = 0.0;
  for (int64_t q = 0; q < HW; ++q) {
    const float mu_x = mx[q], mu_x2 = mu_x * mu_x, mu_xy = mu_x * my[q];
    const float a = 2.f * mu_xy + kC1;
    const float bb = 2.f * (exy[q] - mu_xy) + kC2;
    const float cc = mu_x2 + my[q] * my[q] + kC1;
    const float d = (exx[q] - mu_x2) + (ey[q] - my[q] * my[q]) + kC2;
    const float ws = a * bb / (cc * d) * (per_pixel ? weight[q] : weight[0]);
    sum += ws;
    if (p1) {
      p1[q] = 2.f * ws * (my[q] * (1.f / a - 1.f / bb) + mu_x * (1.f / d - 1.f / cc));
      p2[q] = -ws / d;
      p3[q] = 2.f * ws / bb;
    }
  }
  return sum;
}

SPATIAL_CLONES void ssim_grad_channel(const float* __restrict__ g1, const float* __restrict__ g2, const float* __restrict__ g3, const float* __restrict__ x,
                                      const float* __restrict__ y, float grad, int64_t HW, float* __restrict__ dx) {
  for (int64_t q = 0; q < HW; ++q) dx[q] = grad * (g1[q] + 2.f * x[q] * g2[q] + y[q] * g3[q]);
}

}  // namespace

double ssim_forward(const float* x, const float* y, const float* mu_y, const float* eyy, const float* weight, bool weight_per_pixel, int C, int H,
                    int W, float* p) {
  const int64_t HW = (int64_t)H * W;
  std::vector<float> f((size_t)(3 * C * HW));  // filtered x, x^2, x y: [3C, H, W]
  blur_maps(3 * C, H, W, f.data(), [&](int m, float* buf) {
    const int c = m % C, kind = m / C;
    const float* xc = x + c * HW;
    const float* yc = y + c * HW;
    if (kind == 0) std::memcpy(buf, xc, sizeof(float) * HW);
    else if (kind == 1)
      for (int64_t q = 0; q < HW; ++q) buf[q] = xc[q] * xc[q];
    else
      for (int64_t q = 0; q < HW; ++q) buf[q] = xc[q] * yc[q];
  });
  std::vector<double> partial(C, 0.0);
  parallel_for(C, 1, [&](int64_t b, int64_t e, int) {
    for (int64_t c = b; c < e; ++c) {
      partial[c] = ssim_channel(f.data() + c * HW, f.data() + (C + c) * HW, f.data() + (2 * C + c) * HW, mu_y + c * HW, eyy + c * HW, weight,
                                weight_per_pixel, HW, p ? p + c * HW : nullptr, p ? p + (C + c) * HW : nullptr, p ? p + (2 * C + c) * HW : nullptr);
    }
  });
  double total = 0.0;
  for (int c = 0; c < C; ++c) total += partial[c];
  return total;
}

void ssim_backward(const float* p, const float* x, const float* y, float grad, int C, int H, int W, float* dx) {
  const int64_t HW = (int64_t)H * W;
  std::vector<float> g((size_t)(3 * C * HW));
  blur_maps(3 * C, H, W, g.data(), [&](int m, float* buf) { std::memcpy(buf, p + m * HW, sizeof(float) * HW); });
  parallel_for(C, 1, [&](int64_t b, int64_t e, int) {
    for (int64_t c = b; c < e; ++c) {
      ssim_grad_channel(g.data() + c * HW, g.data() + (C + c) * HW, g.data() + (2 * C + c) * HW, x + c * HW, y + c * HW, grad, HW, dx + c * HW);
    }
  });
}

}  // namespace spatial::cpu
