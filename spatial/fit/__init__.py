"""Fitting splats to posed photos and reconstructing worlds from captures.

* :func:`fit` - optimise splats against views (Adam, L1 + D-SSIM, densification or MCMC).
* :func:`reconstruct` - photos / video / COLMAP / transforms.json -> World folder.
* :mod:`.metrics` - PSNR, SSIM, LPIPS (when available locally).
"""

from .._callable import make_package_callable
from .fit import fit
from .reconstruct import reconstruct
from .trainer import FitConfig, FitResult

__all__ = ["FitConfig", "FitResult", "fit", "reconstruct"]


# ``spatial.fit`` is both this package and the function :func:`fit`: keep ``spatial.fit(...)`` working.
make_package_callable(__name__, fit)
