// Fused SSIM of the training loss on the CPU: the math of spatial/fitting/loss.py (which holds the same
// computation in torch, used on other devices and dtypes), in two passes over the image instead of ~30
// tensor ops. 3DGS's window: 11 taps, sigma 1.5, zero padding ("same" size); C1 = 0.01^2, C2 = 0.03^2.
#pragma once
#include <cstdint>

namespace spatial::cpu {

// sum over (c, i, j) of weight * SSIM(x, y) for x, y [C, H, W]; mu_y, eyy: the target's filtered mean and
// second moment [C, H, W]; weight: 1 value (all pixels) or [H, W]. When p is not null it receives the
// three [C, H, W] maps the gradient filters (loss.py: P1, P2, P3), stacked [3C, H, W].
double ssim_forward(const float* x, const float* y, const float* mu_y, const float* eyy, const float* weight, bool weight_per_pixel, int C, int H,
                    int W, float* p);

// dx = grad * (G*(P1) + 2 x G*(P2) + y G*(P3)), G* the same zero-padded Gaussian filter.
void ssim_backward(const float* p, const float* x, const float* y, float grad, int C, int H, int W, float* dx);

}  // namespace spatial::cpu
