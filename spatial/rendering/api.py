"""Public rendering entry points: :func:`render` (Splats + Cameras) and :func:`rasterize` (gsplat's arguments).

Both dispatch to a backend (``reference``, ``cpu``, ``cuda``, ``gsplat``; ``"auto"`` = fastest usable,
see :mod:`spatial.rendering.backends`) and return images with the semantics pinned in
:mod:`spatial.rendering.reference` and docs/rasterizer.md.

Screen-space gradients for densification: ``RenderOutput.means2d`` (and ``meta["means2d"]`` of
:func:`rasterize`) is a leaf tensor [C,N,2] holding the projected centres in pixels; after
``loss.backward()`` its ``.grad`` is dL/d(means2d), the quantity 3DGS densification accumulates (no
``retain_grad()`` needed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch

from ..core.camera import Camera, stack_cameras
from ..core.splats import Splats
from ..errors import ValidationError
from . import backends as _backends

RENDER_MODES = ("RGB", "D", "ED", "RGB+D", "RGB+ED")


@dataclass
class RenderOutput:
    """What :func:`render` returns (C cameras, N splats, H x W images)."""

    rgb: torch.Tensor  #: [C,H,W,3] colour, background composited behind
    alpha: torch.Tensor  #: [C,H,W,1] accumulated opacity 1 - T_final
    depth: torch.Tensor  #: [C,H,W,1] expected camera-space z: sum(w_i z_i) / alpha (0 where alpha is 0)
    radii: torch.Tensor  #: [C,N,2] int32 screen extent (x, y) in pixels; 0 = culled
    visible: torch.Tensor  #: [C,N] bool, splat touches the image in that camera
    means2d: torch.Tensor  #: [C,N,2] projected centres (pixels); leaf whose .grad is dL/dmeans2d after backward
    depths: torch.Tensor  #: [C,N] camera-space z of every splat
    backend: str  #: the backend that rendered

    @property
    def width(self) -> int:
        return int(self.rgb.shape[2])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[1])

    def screen_grad(self) -> torch.Tensor:
        """[C,N,2] dL/dmeans2d in pixels (zeros before backward or when nothing required grad)."""
        g = self.means2d.grad
        return torch.zeros_like(self.means2d) if g is None else g

    def screen_grad_norm(self, ndc: bool = False) -> torch.Tensor:
        """[C,N] norm of the screen-space gradient per camera and splat, 0 where not visible.

        ``ndc=True`` scales x by W/2 and y by H/2 first (gsplat's DefaultStrategy convention, which
        makes the 0.0002 densification threshold of 3DGS resolution independent).
        """
        g = self.screen_grad()
        if ndc:
            g = g * torch.tensor([self.width / 2.0, self.height / 2.0], dtype=g.dtype, device=g.device)
        return torch.where(self.visible, g.norm(dim=-1), torch.zeros((), dtype=g.dtype, device=g.device))


# ----------------------------------------------------------------------------------- validation
def _check(cond: bool, msg: str) -> None:
    if not cond:
        raise ValidationError(msg)


def _prepare(means, quats, scales, opacities, colors, viewmats, Ks, width, height, sh_degree, backgrounds):
    """Shape checks and device/dtype alignment (gradients are preserved)."""
    for name, t in (("means", means), ("quats", quats), ("scales", scales), ("opacities", opacities),
                    ("colors", colors), ("viewmats", viewmats), ("Ks", Ks)):
        _check(isinstance(t, torch.Tensor), f"{name} must be a torch.Tensor, got {type(t).__name__}")
    _check(means.ndim == 2 and means.shape[1] == 3, f"means must be [N,3], got {list(means.shape)}")
    _check(means.is_floating_point(), f"means must be floating point, got {means.dtype}")
    n = means.shape[0]
    dev, dt = means.device, means.dtype

    def align(t):
        return t.to(device=dev, dtype=dt) if (t.device != dev or t.dtype != dt) else t

    quats, scales, opacities, colors, viewmats, Ks = map(align, (quats, scales, opacities, colors, viewmats, Ks))
    _check(tuple(quats.shape) == (n, 4), f"quats must be [N,4] (w,x,y,z) with N={n}, got {list(quats.shape)}")
    _check(tuple(scales.shape) == (n, 3), f"scales must be [N,3] (linear) with N={n}, got {list(scales.shape)}")
    _check(tuple(opacities.shape) == (n,), f"opacities must be [N] (linear) with N={n}, got {list(opacities.shape)}")
    _check(viewmats.ndim == 3 and viewmats.shape[1:] == (4, 4), f"viewmats must be [C,4,4], got {list(viewmats.shape)}")
    n_cams = viewmats.shape[0]
    _check(n_cams >= 1, "need at least one camera")
    _check(tuple(Ks.shape) == (n_cams, 3, 3), f"Ks must be [C,3,3] with C={n_cams}, got {list(Ks.shape)}")
    _check(int(width) == width and int(height) == height and width > 0 and height > 0,
           f"image size must be positive integers, got {width}x{height}")
    if sh_degree is None:
        _check(colors.ndim == 2 and colors.shape[0] == n,
               f"colors must be [N,D] features when sh_degree is None (N={n}), got {list(colors.shape)}; "
               "pass sh_degree for SH coefficients [N,K,3]")
        n_ch = colors.shape[1]
    else:
        _check(0 <= int(sh_degree) <= 3, f"sh_degree must be 0..3, got {sh_degree}")
        _check(colors.ndim == 3 and colors.shape[0] == n and colors.shape[2] == 3,
               f"SH coefficients must be [N,K,3] (N={n}), got {list(colors.shape)}")
        _check((int(sh_degree) + 1) ** 2 <= colors.shape[1],
               f"sh_degree {sh_degree} needs {(int(sh_degree) + 1) ** 2} coefficients, colors has {colors.shape[1]}")
        n_ch = 3
    if backgrounds is not None:
        backgrounds = align(torch.as_tensor(backgrounds))
        if backgrounds.ndim == 1:
            backgrounds = backgrounds[None].expand(n_cams, -1)
        _check(tuple(backgrounds.shape) == (n_cams, n_ch), f"backgrounds must be [C,D]=[{n_cams},{n_ch}], got {list(backgrounds.shape)}")
    return quats, scales, opacities, colors, viewmats, Ks, backgrounds


def _dispatch(means, quats, scales, opacities, colors, viewmats, Ks, width, height, sh_degree, backgrounds,
              near_plane, far_plane, eps2d, antialiased, backend):
    quats, scales, opacities, colors, viewmats, Ks, backgrounds = _prepare(
        means, quats, scales, opacities, colors, viewmats, Ks, width, height, sh_degree, backgrounds
    )
    width, height = int(width), int(height)
    sh_degree = None if sh_degree is None else int(sh_degree)
    name = _backends.resolve(backend, means.device, means.dtype)
    if viewmats.requires_grad and torch.is_grad_enabled() and name not in ("reference", "gsplat"):
        mod = _backends.module(name)
        if not getattr(mod, "supports_viewmat_grad", False):
            if backend == "auto":
                name = "gsplat" if means.device.type == "cuda" and _backends.is_available("gsplat") else "reference"
            else:
                raise ValidationError(f"backend {name!r} has no camera-pose gradients; use backend='reference' or 'gsplat'")
    n_cams, n = viewmats.shape[0], means.shape[0]
    wants_grad = torch.is_grad_enabled() and any(
        t is not None and t.requires_grad for t in (means, quats, scales, opacities, colors, viewmats, backgrounds)
    )
    sink = torch.zeros(n_cams, n, 2, dtype=means.dtype, device=means.device, requires_grad=wants_grad)
    rgb, alpha, depth, meta = _backends.module(name).rasterize(
        means, quats, scales, opacities, colors, viewmats, Ks, width, height, sh_degree=sh_degree,
        backgrounds=backgrounds, near_plane=float(near_plane), far_plane=float(far_plane), eps2d=float(eps2d),
        antialiased=bool(antialiased), means2d_grad_sink=sink if wants_grad else None,
    )
    centres = meta.get("means2d")
    if centres is None:  # the backend did not report them: project the centres here (cheap)
        means_c = torch.einsum("cij,nj->cni", viewmats[:, :3, :3].detach(), means.detach()) + viewmats[:, None, :3, 3].detach()
        centres = torch.einsum("cij,cnj->cni", Ks[:, :2, :3].detach(), means_c) / means_c[..., 2:3]
    with torch.no_grad():  # values for the reader; the gradient path was wired in by the backend
        sink.copy_(centres.detach().to(sink.dtype))
    meta = dict(meta)
    meta["means2d"] = sink
    meta["backend"] = name
    return rgb, alpha, depth, meta


# ----------------------------------------------------------------------------------- entry points
def render(
    splats: Splats,
    cameras: Camera | Sequence[Camera],
    sh_degree: int | None = None,
    background=None,
    near: float = 0.01,
    far: float = 1e10,
    antialiased: bool = False,
    backend: str = "auto",
) -> RenderOutput:
    """Render ``splats`` (storage parameterization, activated here) from one or more same-size cameras.

    ``sh_degree`` defaults to the splats' degree (a lower one uses fewer bands). ``background`` is a
    colour (3 numbers, a [3] or [C,3] tensor) composited behind the splats; None = black. ``near``/
    ``far`` cull by camera-space z. ``antialiased`` turns on the opacity compensation of Mip-Splatting /
    gsplat's "antialiased" mode. Differentiable w.r.t. every splat field (and camera viewmats on the
    reference and gsplat backends).
    """
    _check(isinstance(splats, Splats), f"render() takes a Splats, got {type(splats).__name__}")
    cams = [cameras] if isinstance(cameras, Camera) else list(cameras)
    _check(len(cams) > 0 and all(isinstance(c, Camera) for c in cams), "cameras must be a Camera or a list of Cameras")
    viewmats, Ks, width, height = stack_cameras(cams)
    deg = splats.sh_degree if sh_degree is None else int(sh_degree)
    _check(0 <= deg <= splats.sh_degree, f"sh_degree {deg} is above the splats' degree {splats.sh_degree}")
    if background is not None and not isinstance(background, torch.Tensor):
        background = torch.as_tensor(background if hasattr(background, "__len__") else [background] * 3, dtype=torch.float32)
    rgb, alpha, depth, meta = _dispatch(
        splats.means, splats.quats, splats.scales, splats.opacities, splats.sh, viewmats, Ks, width, height, deg,
        background, near, far, 0.3, antialiased, backend,
    )
    radii = meta["radii"]
    return RenderOutput(
        rgb=rgb, alpha=alpha, depth=depth, radii=radii, visible=(radii > 0).all(-1), means2d=meta["means2d"],
        depths=meta["depths"].detach(), backend=meta["backend"],
    )


def rasterize(
    means: torch.Tensor,
    quats: torch.Tensor,
    scales: torch.Tensor,
    opacities: torch.Tensor,
    colors: torch.Tensor,
    viewmats: torch.Tensor,
    Ks: torch.Tensor,
    width: int,
    height: int,
    sh_degree: int | None = None,
    backgrounds: torch.Tensor | None = None,
    near_plane: float = 0.01,
    far_plane: float = 1e10,
    eps2d: float = 0.3,
    rasterize_mode: str = "classic",
    backend: str = "auto",
    *,
    render_mode: str = "RGB",
    packed: bool = False,
    tile_size: int = 16,
    sparse_grad: bool = False,
    absgrad: bool = False,
    radius_clip: float = 0.0,
    camera_model: str = "pinhole",
    covars: torch.Tensor | None = None,
    **ignored,
):
    """gsplat-compatible functional rasterizer: ``from spatial import rasterize as rasterization``.

    Arguments follow ``gsplat.rasterization`` 1.5.3: ``means`` [N,3], ``quats`` [N,4] (w,x,y,z, any
    norm), linear ``scales`` [N,3] and ``opacities`` [N], ``colors`` [N,D] or SH [N,K,3] with
    ``sh_degree``, world-to-camera ``viewmats`` [C,4,4] (OpenCV), ``Ks`` [C,3,3] in pixels,
    ``backgrounds`` [C,D]. ``rasterize_mode`` is ``"classic"`` or ``"antialiased"``; ``render_mode``
    one of RGB, D, ED, RGB+D, RGB+ED (D = accumulated z, ED = expected z).

    Returns ``(colors [C,H,W,D'], alphas [C,H,W,1], meta)``; ``meta`` has ``radii`` [C,N,2],
    ``means2d`` (leaf; ``.grad`` = dL/dmeans2d after backward), ``depths`` [C,N], ``depth`` (expected
    depth image), ``width``, ``height``, ``n_cameras``, ``backend``. ``packed`` changes nothing
    (the result is identical); the gsplat options spatial does not implement raise ValidationError.
    """
    _check(rasterize_mode in ("classic", "antialiased"), f"rasterize_mode must be 'classic' or 'antialiased', got {rasterize_mode!r}")
    _check(render_mode in RENDER_MODES, f"render_mode must be one of {RENDER_MODES}, got {render_mode!r}")
    _check(tile_size == 16, f"only tile_size=16 is implemented, got {tile_size}")
    _check(not sparse_grad, "sparse_grad=True is not supported")
    _check(not absgrad, "absgrad=True is not supported")
    _check(radius_clip == 0.0, "radius_clip is not supported")
    _check(camera_model == "pinhole", f"only camera_model='pinhole' is supported, got {camera_model!r}")
    _check(covars is None, "covars input is not supported; pass quats and scales")
    for key, value in ignored.items():
        harmless = key in ("segmented", "channel_chunk", "batch_per_iter") or value in (None, False)
        _check(harmless, f"unsupported gsplat option {key}={value!r}")
    rgb, alpha, depth, meta = _dispatch(
        means, quats, scales, opacities, colors, viewmats, Ks, width, height, sh_degree, backgrounds,
        near_plane, far_plane, eps2d, rasterize_mode == "antialiased", backend,
    )
    acc_depth = depth * alpha
    out = {
        "RGB": rgb,
        "D": acc_depth,
        "ED": depth,
        "RGB+D": torch.cat([rgb, acc_depth], -1),
        "RGB+ED": torch.cat([rgb, depth], -1),
    }[render_mode]
    meta.update(depth=depth, width=int(width), height=int(height), n_cameras=int(viewmats.shape[0]),
                tile_size=16, packed=False, camera_ids=None, gaussian_ids=None)
    return out, alpha, meta
