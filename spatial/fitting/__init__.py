"""Fitting splats to posed photos and reconstructing worlds from captures.

* :func:`fit` - optimise splats against views (Adam, L1 + D-SSIM, densification or MCMC).
* :func:`reconstruct` - photos / video / COLMAP / transforms.json -> World folder.
* :mod:`.metrics` - PSNR, SSIM, LPIPS (when available locally).
"""

from .fit import fit
from .reconstruct import reconstruct
from .trainer import FitConfig, FitResult

__all__ = ["FitConfig", "FitResult", "fit", "reconstruct"]

